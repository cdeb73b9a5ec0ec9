"""The taxonomy's names (../shared/design/taxonomy.md): they are interface, keep them exactly."""

from __future__ import annotations

LABELS: tuple[str, ...] = (
    "urim_outreach",
    "research_collaboration",
    "specialty_information",
    "peer_mentorship",
    "program_application",
    "journal_club",
)
AUDIENCES: tuple[str, ...] = ("premed", "medical_student", "resident", "urim", "img")
CONTACTS: tuple[str, ...] = ("dm", "email", "form", "link", "reply")
FORMS: tuple[str, ...] = ("call", "event", "resource")  # what acting on an opportunity means
ROLES: tuple[str, ...] = ("dermatologist", "resident", "medical_student", "premed", "researcher",
                          "organization", "industry", "public", "unknown")
