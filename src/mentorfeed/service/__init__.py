"""The library API beneath the CLI and the web app: one module per concern."""

from mentorfeed.service import (
    accounts,
    cache,
    classifying,
    collecting,
    curation,
    demo,
    insights,
    journal_clubs,
    mentors,
    opportunities,
    people,
    people_view,
    posts,
    tracking,
)

__all__ = ["accounts", "cache", "classifying", "collecting", "curation", "demo", "insights",
           "journal_clubs", "mentors", "opportunities", "people", "people_view", "posts",
           "tracking"]
