"""The JSON shapes of /api/v1 (pydantic models, so OpenAPI documents them), read straight from
the library's objects with `model_validate(obj, from_attributes=True)`: a model names the fields
it shows, and only where the API nests or names a field differently does it say how. Every URL
passes `is_safe_url` or becomes null: a client that turns these into links cannot be handed a
`javascript:` one."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from operator import attrgetter
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from mentorfeed.web.security import is_safe_url

# Plain ASCII URLs (nearly all of them) cannot hide a control or format character, so they skip
# the character-by-character check of `is_safe_url`, which costs more than the rest of a page.
_PLAIN = re.compile(r"https?://[!-~]{1,2040}", re.ASCII | re.IGNORECASE)


def url_ok(url: str | None) -> bool:
    if url is not None and _PLAIN.fullmatch(url):
        try:
            return bool(urlsplit(url).hostname)
        except ValueError:
            return False
    return is_safe_url(url)


def safe_url(url: str | None) -> str | None:
    return url if url_ok(url) else None


def key_id(key: tuple[str, str] | list[str]) -> str:
    return f"{key[0]}:{key[1]}"


def _safe_links(links: Any) -> list[dict[str, str]]:
    """The links of a call whose URL is safe to show (the others are left out)."""
    return [{"url": str(link.get("url", "")), "kind": str(link.get("kind", ""))}
            for link in links or () if isinstance(link, dict)
            and url_ok(str(link.get("url", "")))]


SafeUrl = Annotated[str | None, BeforeValidator(safe_url)]
PostId = Annotated[str, BeforeValidator(key_id)]  # a (platform, post_id) key as "platform:id"


def seen(model: type[BaseModel], obj: object, **extra: object) -> dict[str, Any]:
    """The attributes of `obj` that `model` shows, with `extra` added or put in their place:
    how a model reads a library object whose fields the API nests or names differently."""
    names, read = _reader(model, tuple(extra))
    found = dict(zip(names, read(obj), strict=True))
    found.update(extra)
    return found


@cache
def _reader(model: type[BaseModel], skip: tuple[str, ...]
            ) -> tuple[tuple[str, ...], Callable[[object], tuple[Any, ...]]]:
    # One attrgetter per shape: reading a page of cards this way costs a tenth of getattr calls.
    names = tuple(name for name in model.model_fields if name not in skip)
    read = attrgetter(*names)
    return names, (read if len(names) > 1 else lambda obj: (read(obj),))


class Shape(BaseModel):
    """A model read from a library object's attributes."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, obj: object) -> Self:
        """`obj` (a dataclass of the library, or `seen` of one) in this shape."""
        return cls.model_validate(obj, from_attributes=True)


class ErrorBody(BaseModel):
    code: str = Field(description="A stable name for the kind of error, such as not_found")
    status: int = Field(description="The HTTP status, repeated for clients that lose it")
    message: str = Field(description="What went wrong and what to do, in plain words")


class Error(BaseModel):
    """Every error of the API, whatever failed."""

    error: ErrorBody


class Author(Shape):
    platform: str
    author_id: str | None
    handle: str | None
    name: str | None
    role: str = Field(description='The role read from their posts; "unknown" without a profile')
    url: SafeUrl


class Link(Shape):
    url: str
    kind: str


class Fields(Shape):
    """What the classifier read from the call."""

    deadline: date | None
    audience: list[str]
    contact: list[str]
    topics: list[str]
    links: Annotated[list[Link], BeforeValidator(_safe_links)]
    form: str | None = Field(description=(
        "call (respond to it), event (join it at its time) or resource (read or use it); "
        "null for a call classified before forms were read"))
    eligibility: list[str] = Field([], description=(
        "Who may take it, as the post says (stages, a required background or language, a "
        "place); empty when it names no limit"))


class Opportunity(Shape):
    id: str = Field(description='"platform:post_id" of the call\'s first post')
    platform: str
    url: SafeUrl
    text: str
    created_at: datetime
    labels: list[str]
    fields: Fields
    state: str = Field(
        description="open, closed (its author said so) or expired (open_until passed)")
    open_until: date | None = Field(None, description=(
        "The last day a trainee can act on it; null in a store not regrouped since it was "
        "upgraded (mentorfeed classify regroups)"))
    open_until_basis: str | None = Field(None, description=(
        "How open_until is known: stated (its deadline), event (a day its text names) or "
        "estimated (a period it names, or a lifetime by its kind and form)"))
    event_at: datetime | None = Field(None, description="When its event starts, if its text says")
    author: Author | None
    posts_in_group: int
    fit: float | None = Field(None, description="With sort=fit and a saved profile")
    fit_reasons: list[str] = []
    not_for_you: str | None = Field(None, description=(
        "With sort=fit and everything=true: why the call is never offered to the trainee "
        "(their own post, or it is for another stage, background or language)"))

    @model_validator(mode="before")
    @classmethod
    def _nest_fields(cls, card: Any) -> Any:
        """A card (service.opportunities.OpportunityCard) holds what the classifier read beside
        its other fields; the API nests it under `fields`."""
        return card if isinstance(card, dict) else seen(cls, card, fields=card)


class OpportunityList(Shape):
    items: list[Opportunity]
    page: int
    per_page: int
    has_next: bool
    total: int | None = Field(description=(
        "How many calls match the filters; null when more than 1,000 do or counting them "
        "would slow the answer down"))


class ThreadItem(Shape):
    id: str
    platform: str
    url: SafeUrl
    text: str
    created_at: datetime
    labels: list[str]
    author: Author | None


class OpportunityDetail(Shape):
    opportunity: Opportunity = Field(validation_alias="card")
    thread: list[ThreadItem]
    similar: list[Opportunity]


class LabelRequest(BaseModel):
    """A person's correction of one post."""

    labels: list[str] = Field(description="The taxonomy's labels; [] for not an opportunity")
    form: str | None = Field(None, description=(
        "call, event or resource; null to read it from the post again (none without labels)"))


class PostClassification(Shape):
    """What the store holds for a post now."""

    id: str = Field(description='"platform:post_id"')
    labels: list[str]
    scores: dict[str, float] = Field(description="The model's scores, kept beside a correction")
    fields: Fields
    why: str
    model_version: str
    corrected: bool = Field(description="A person set these labels")
    model_labels: list[str] = Field(description="What the model said before the correction")


def post_classification(post_id: str, found: Any, before: list[str]) -> PostClassification:
    """A stored classification (mentorfeed.store.Classification) as the API shows it: its
    fields are kept as a dict in the store, not as attributes."""
    extract = found.extract or {}
    fields = Fields.model_validate({
        "deadline": extract.get("deadline") or None, "audience": extract.get("audience") or [],
        "contact": extract.get("contact") or [], "topics": extract.get("topics") or [],
        "links": found.links, "form": extract.get("form")})
    return PostClassification.model_validate(seen(
        PostClassification, found, id=post_id, fields=fields,
        corrected=found.why.startswith("corrected by"), model_labels=before))


class Signals(Shape):
    """What an author's posts show about how they treat trainees."""

    opportunities: dict[str, int] = Field(description="Calls posted, by label")
    opportunity_posts: list[PostId]
    trainee_replies: int
    trainee_reply_posts: list[PostId]
    jc_answers: int
    offers: int
    answered_questions: int
    says_full: bool


class LinkedAccount(Shape):
    """Another account of the same person, and why we count it as theirs."""

    platform: str
    author_id: str
    handle: str
    url: SafeUrl
    reason: str = Field(description="What the accounts publish that links them, or "
                                    '"linked by hand"')


def _accounts() -> Any:
    return Field(default_factory=list, description="The person's other accounts: the "
                 "directory, matching and insights count them as one person")


class Mentor(Shape):
    platform: str
    author_id: str
    handle: str
    name: str | None
    role: str
    role_confidence: float
    interests: list[str] = Field(description="Top topics, most written about first")
    signals: Signals
    institution: str | None
    last_active: datetime | None
    bio: str | None
    url: SafeUrl
    followers: int | None
    accounts: list[LinkedAccount] = _accounts()


class MentorList(Shape):
    items: list[Mentor]
    page: int
    per_page: int
    has_next: bool
    total: int
    profiles_stored: int = Field(description="0: profiles were never built")


class Reason(Shape):
    text: str
    posts: list[PostId] = Field(description='"platform:post_id" of the posts that show it')


class MentorMatch(Shape):
    platform: str
    author_id: str
    handle: str
    role: str
    score: float
    reasons: list[Reason]
    accounts: list[LinkedAccount] = _accounts()

    @model_validator(mode="before")
    @classmethod
    def _split_key(cls, found: Any) -> Any:
        """A match (mentorfeed.match.rank.MentorMatch) names its author by key; the person's
        other accounts come from the list of matches (`Matches`)."""
        if isinstance(found, dict):
            return found
        return seen(cls, found, platform=found.key[0], author_id=found.key[1], accounts=[])


class OpportunityMatch(Shape):
    id: PostId = Field(validation_alias="key")
    url: SafeUrl
    labels: list[str]
    deadline: date | None
    score: float
    reasons: list[Reason]


class Matches(Shape):
    mentors: list[MentorMatch]
    opportunities: list[OpportunityMatch]

    @model_validator(mode="before")
    @classmethod
    def _with_accounts(cls, found: Any) -> Any:
        """Matches (mentorfeed.service.people.Matches) keep each mentor's other accounts
        beside the ranking, by the mentor's key."""
        if isinstance(found, dict):
            return found
        others = getattr(found, "others", {})
        return {"mentors": [seen(MentorMatch, one, platform=one.key[0], author_id=one.key[1],
                                 accounts=others.get(one.key, [])) for one in found.mentors],
                "opportunities": found.opportunities}


class Person(BaseModel):
    platform: str
    author_id: str
    handle: str | None
    role: str


class Question(BaseModel):
    number: int
    post: str
    text: str
    answers: int


class Participant(Person):
    posts: int


class Paper(BaseModel):
    """The paper a journal-club session reads, as far as its posts say (any part may be null)."""

    title: str | None = Field(description="The title, as the announcement quotes it")
    about: str | None = Field(description='What it is: "a randomized trial of ..."')
    authors: str | None
    journal: str | None
    year: int | None
    doi: str | None
    url: str | None = Field(description="The DOI's address or a link to the paper (http(s))")

    @classmethod
    def of(cls, paper: Any) -> Self:
        return cls(title=paper.title, about=paper.about, authors=paper.authors,
                   journal=paper.journal, year=paper.year, doi=paper.doi,
                   url=safe_url(paper.url))


class Session(BaseModel):
    id: str
    platform: str
    hashtag: str | None
    host: Person | None
    start: datetime
    end: datetime
    paper: Paper
    questions: list[Question]
    participants: list[Participant]


class SessionList(BaseModel):
    items: list[Session]
    page: int
    per_page: int
    has_next: bool


class Event(BaseModel):
    platform: str
    host: Person | None
    hashtag: str | None
    starts: datetime
    post: str = Field(description='"platform:post_id" of the announcement')
    url: str | None
    title: str
    paper: Paper


class PeriodCounts(Shape):
    period: str
    start: datetime
    total: int
    by_label: dict[str, int]


class TopicCount(Shape):
    topic: str
    opportunities: int


class EngagedMentor(Shape):
    platform: str
    author_id: str
    handle: str
    name: str | None
    role: str
    trainee_replies: int
    jc_answers: int
    offers: int
    opportunities: int
    last_active: datetime | None
    accounts: list[LinkedAccount] = _accounts()


class Example(Shape):
    id: str
    url: SafeUrl
    text: str
    created_at: datetime
    handle: str | None
    score: float

    @model_validator(mode="before")
    @classmethod
    def _join_key(cls, found: Any) -> Any:
        """An example (service.insights.Example) names its post by platform and id."""
        if isinstance(found, dict):
            return found
        return seen(cls, found, id=f"{found.platform}:{found.post_id}")


class LabelSummary(Shape):
    label: str
    title: str
    opportunities: int
    share: float = Field(description="Of all opportunities, 0..1")
    examples: list[Example]


class Insights(Shape):
    """The Insights page's figures: opportunities by label over time, top topics, the most
    engaged mentors, and representative examples per label."""

    period: str
    opportunities: int
    labels: list[str]
    timeline: list[PeriodCounts]
    topics: list[TopicCount]
    mentors: list[EngagedMentor]
    table: list[LabelSummary]
    generated_at: datetime
