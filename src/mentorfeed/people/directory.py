"""The mentor directory's objects: who is listed (dermatologists and residents, organizations
on request), what a listing shows of each person, and a page of them. `Store.directory` and
friends fill them from the stored author profiles."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from mentorfeed.people.profiles import Signals
from mentorfeed.taxonomy import MENTOR_ROLES

DIRECTORY_ROLES: tuple[str, ...] = (*MENTOR_ROLES, "organization")


@dataclass(slots=True)
class Mentor:
    platform: str
    author_id: str
    handle: str
    name: str | None
    role: str
    role_confidence: float
    interests: list[str]  # top topics, most weight first
    signals: Signals
    institution: str | None
    last_active: datetime | None
    bio: str | None = None
    url: str | None = None
    followers: int | None = None
    accounts: list[LinkedAccount] = field(default_factory=list)  # the person's other accounts


@dataclass(slots=True)
class LinkedAccount:
    """Another account of the same person, and why we think it is theirs."""

    platform: str
    author_id: str
    handle: str
    url: str | None
    reason: str


@dataclass(slots=True)
class DirectoryQuery:
    role: str | None = None  # one of DIRECTORY_ROLES; None: dermatologists and residents
    topic: str | None = None
    q: str | None = None  # part of a handle or a name
    page: int = 1
    per_page: int = 20


@dataclass(slots=True)
class DirectoryPage:
    items: list[Mentor]
    page: int
    per_page: int
    total: int
    profiles_stored: int  # 0: the profiles were never built (run `mentorfeed people`)

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


@dataclass(slots=True)
class PostLink:
    platform: str
    post_id: str
    url: str | None
    text: str
    created_at: datetime
    labels: list[str] = field(default_factory=list)
