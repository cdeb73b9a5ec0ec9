"""The words pages show beyond the taxonomy's captions (which are in mentorfeed.taxonomy):
states, sorts, a trainee's stage, goals and background, and what acting on each form means.

The names themselves stay exactly as they are stored (they are in URLs and the API); these are
only their captions.
"""

from __future__ import annotations

from mentorfeed.service.tracking import STATUSES

# The forms (taxonomy.FORMS) as one opportunity's, where a person corrects it ("Wrong label?").
FORM_CHOICES = {"call": "A call to respond to", "event": "An event to join",
                "resource": "A resource to read"}
# What acting on each form means, with its date (a call's deadline, an event's day) and without.
ACTIONS = {
    "call": ("Apply by {day}", "Respond"),
    "event": ("Join on {day}", "Join the event"),
    "resource": ("Read", "Read"),
}
STATES = {"open": "Open", "closed": "Closed by its author", "expired": "Deadline passed"}
GOALS = {
    "research": "Research",
    "specialty_information": "Information about dermatology",
    "application_help": "Help with applications",
    "peer_support": "Peer support",
    "urim_programs": "Programs for URiM trainees",
    "journal_clubs": "Journal clubs",
}
STAGES = {
    "premed": "Pre-med", "MS1": "Medical student, year 1", "MS2": "Medical student, year 2",
    "MS3": "Medical student, year 3", "MS4": "Medical student, year 4",
    "resident": "Resident", "IMG": "International medical graduate", "other": "Other",
}
BACKGROUND = {
    "first_generation": "First-generation (college or medicine)",
    "urim": "Under-represented in medicine",
    "black": "Black",
    "latino": "Latino/Latina/Latinx or Hispanic",
    "indigenous": "Indigenous",
    "asian": "Asian",
    "lgbtq": "LGBTQ+",
    "woman": "Woman",
    "img": "International medical graduate",
    "disability": "Living with a disability",
}
__all__ = ["STATUSES", "caption"]  # STATUSES: the saved-item statuses' captions

SORTS = {"newest": "Newest", "deadline": "Deadline soonest", "fit": "Best fit for my profile"}


def action(form: str | None, day: str | None) -> str | None:
    """What acting on an opportunity of this form means ("Apply by 3 Mar 2025", "Join the
    event", "Read"); None for one classified before forms were read."""
    if form not in ACTIONS:
        return None
    dated, undated = ACTIONS[form]
    return dated.format(day=day) if day else undated


def caption(table: dict[str, str], name: object) -> str:
    """The caption of a name, or the name itself with spaces for one we do not know."""
    text = str(name)
    return table.get(text, text.replace("_", " "))
