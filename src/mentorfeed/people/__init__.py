"""People: who the authors are, how they interact, and the journal-club sessions."""
