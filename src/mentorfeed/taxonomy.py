"""Every name of the taxonomy, with the caption people read, once.

The names (labels, forms, audiences, contacts, roles, platforms) are interface: they are stored,
sent by the API, put in URLs and printed by the CLI, so they stay exactly as
`design/taxonomy.md` has them. Each kind is one table of name -> caption, in the order pages
and lists show them; the tuple of names beside it is that table's keys, for the checks and
`Literal` types that want only the names. A new label is one line in `LABEL_CAPTIONS` and one
in `LABEL_TITLES` (and examples for the model to learn it from).
"""

from __future__ import annotations

from typing import Literal, get_args

# What kind of opportunity a post is; a post may carry several, none: not an opportunity.
LABEL_CAPTIONS: dict[str, str] = {
    "urim_outreach": "URiM outreach",
    "research_collaboration": "Research collaboration",
    "specialty_information": "Specialty information",
    "peer_mentorship": "Peer mentorship",
    "program_application": "Program application",
    "journal_club": "Journal club",
}
LABELS: tuple[str, ...] = tuple(LABEL_CAPTIONS)
# The longer titles of the Insights table: the letter's own words for each kind (Table I), and
# ours for the two it lacks.
LABEL_TITLES: dict[str, str] = {
    "urim_outreach": "Under-represented in medicine outreach",
    "research_collaboration": "Research collaboration with dermatologists",
    "specialty_information": "Information about dermatology as a specialty",
    "peer_mentorship": "Horizontal mentorship from peers",
    "program_application": "Program, scholarship and clerkship applications",
    "journal_club": "Journal clubs and tweet chats",
}

# What acting on an opportunity means; captions as the Opportunities page's filter offers them.
FORM_CAPTIONS: dict[str, str] = {
    "call": "Calls to respond to",
    "event": "Events to join",
    "resource": "Resources to read",
}
FORMS: tuple[str, ...] = tuple(FORM_CAPTIONS)

# Who a call is for, as read from its text.
AUDIENCE_CAPTIONS: dict[str, str] = {
    "premed": "Pre-med students",
    "medical_student": "Medical students",
    "resident": "Residents",
    "urim": "URiM trainees",
    "img": "International medical graduates",
}
AUDIENCES: tuple[str, ...] = tuple(AUDIENCE_CAPTIONS)

# How a trainee is asked to respond.
CONTACT_CAPTIONS: dict[str, str] = {
    "dm": "Send a direct message",
    "email": "Send an email",
    "form": "Fill in a form",
    "link": "Follow the link",
    "reply": "Reply to the post",
}
CONTACTS: tuple[str, ...] = tuple(CONTACT_CAPTIONS)

# The role an author's profile and posts show.
ROLE_CAPTIONS: dict[str, str] = {
    "dermatologist": "Dermatologist",
    "resident": "Resident",
    "medical_student": "Medical student",
    "premed": "Pre-med",
    "researcher": "Researcher",
    "organization": "Organization",
    "industry": "Industry",
    "public": "Public",
    "unknown": "Role unknown",
}
ROLES: tuple[str, ...] = tuple(ROLE_CAPTIONS)
# The roles of people a trainee is matched with and the directory lists by default.
MENTOR_ROLES: tuple[str, ...] = ("dermatologist", "resident")

# Where posts come from: a type, so that a model's platform is checked (and its names from it).
Platform = Literal["x", "bluesky", "mastodon"]
PLATFORMS: tuple[Platform, ...] = get_args(Platform)
PLATFORM_CAPTIONS: dict[str, str] = {"x": "X", "bluesky": "Bluesky", "mastodon": "Mastodon"}

