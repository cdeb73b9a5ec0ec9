"""Matching a trainee to mentors and opportunities, with reasons."""
