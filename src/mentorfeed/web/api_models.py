"""The JSON shapes of /api/v1 (pydantic models, so OpenAPI documents them), and how the
library's objects become them. Every URL passes `is_safe_url` or becomes null: a client that
turns these into links cannot be handed a `javascript:` one."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from mentorfeed import service
from mentorfeed.service.opportunities import (
    AuthorCard,
    OpportunityCard,
    OpportunityPage,
    ThreadPost,
)
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


class ErrorBody(BaseModel):
    code: str = Field(description="A stable name for the kind of error")
    status: int
    message: str = Field(description="What went wrong and what to do, in plain words")


class Error(BaseModel):
    error: ErrorBody


class Author(BaseModel):
    platform: str
    author_id: str | None
    handle: str | None
    name: str | None
    role: str = Field(description='The role read from their posts; "unknown" without a profile')
    url: str | None


class Link(BaseModel):
    url: str
    kind: str


class Fields(BaseModel):
    """What the classifier read from the call."""

    deadline: date | None
    audience: list[str]
    contact: list[str]
    topics: list[str]
    links: list[Link]
    form: str | None = Field(description=(
        "call (respond to it), event (join it at its time) or resource (read or use it); "
        "null for a call classified before forms were read"))


class Opportunity(BaseModel):
    id: str = Field(description='"platform:post_id" of the call\'s first post')
    platform: str
    url: str | None
    text: str
    created_at: datetime
    labels: list[str]
    fields: Fields
    state: str = Field(description="open, closed (its author said so) or expired")
    author: Author | None
    posts_in_group: int
    fit: float | None = Field(None, description="With sort=fit and a saved profile")
    fit_reasons: list[str] = []


class OpportunityList(BaseModel):
    items: list[Opportunity]
    page: int
    per_page: int
    has_next: bool
    total: int | None = Field(description="Null when counting would slow the answer down")


class ThreadItem(BaseModel):
    id: str
    platform: str
    url: str | None
    text: str
    created_at: datetime
    labels: list[str]
    author: Author | None


class OpportunityDetail(BaseModel):
    opportunity: Opportunity
    thread: list[ThreadItem]
    similar: list[Opportunity]


class LabelRequest(BaseModel):
    """A person's correction of one post."""

    labels: list[str] = Field(description="The taxonomy's labels; [] for not an opportunity")
    form: str | None = Field(None, description=(
        "call, event or resource; null to read it from the post again (none without labels)"))


class PostClassification(BaseModel):
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
    """A stored classification (mentorfeed.store.Classification) as the API shows it."""
    extract = found.extract or {}
    links = [Link(url=str(link.get("url", "")), kind=str(link.get("kind", "")))
             for link in found.links or [] if isinstance(link, dict)
             and url_ok(str(link.get("url", "")))]
    deadline = extract.get("deadline")
    return PostClassification(
        id=post_id, labels=list(found.labels), scores=dict(found.scores),
        fields=Fields(deadline=date.fromisoformat(deadline) if deadline else None,
                      audience=list(extract.get("audience") or []),
                      contact=list(extract.get("contact") or []),
                      topics=list(extract.get("topics") or []), links=links,
                      form=extract.get("form")),
        why=found.why, model_version=found.model_version,
        corrected=found.why.startswith("corrected by"), model_labels=before)


class Signals(BaseModel):
    """What an author's posts show about how they treat trainees."""

    opportunities: dict[str, int] = Field(description="Calls posted, by label")
    opportunity_posts: list[str]
    trainee_replies: int
    trainee_reply_posts: list[str]
    jc_answers: int
    offers: int
    answered_questions: int
    says_full: bool


class Mentor(BaseModel):
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
    url: str | None
    followers: int | None


class MentorList(BaseModel):
    items: list[Mentor]
    page: int
    per_page: int
    has_next: bool
    total: int
    profiles_stored: int = Field(description="0: profiles were never built")


class Reason(BaseModel):
    text: str
    posts: list[str] = Field(description='"platform:post_id" of the posts that show it')


class MentorMatch(BaseModel):
    platform: str
    author_id: str
    handle: str
    role: str
    score: float
    reasons: list[Reason]


class OpportunityMatch(BaseModel):
    id: str
    url: str | None
    labels: list[str]
    deadline: date | None
    score: float
    reasons: list[Reason]


class Matches(BaseModel):
    mentors: list[MentorMatch]
    opportunities: list[OpportunityMatch]


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


class Session(BaseModel):
    id: str
    platform: str
    hashtag: str | None
    host: Person | None
    start: datetime
    end: datetime
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


def author(card: AuthorCard | None) -> Author | None:
    if card is None:
        return None
    return Author(platform=card.platform, author_id=card.author_id, handle=card.handle,
                  name=card.name, role=card.role, url=safe_url(card.url))


def opportunity(card: OpportunityCard) -> Opportunity:
    links = [Link(url=link["url"], kind=link["kind"]) for link in card.links
             if url_ok(link["url"])]
    return Opportunity(
        id=card.id, platform=card.platform, url=safe_url(card.url), text=card.text,
        created_at=card.created_at, labels=card.labels,
        fields=Fields(deadline=card.deadline, audience=card.audience, contact=card.contact,
                      topics=card.topics, links=links, form=card.form),
        state=card.state, author=author(card.author), posts_in_group=card.posts_in_group,
        fit=card.fit, fit_reasons=card.fit_reasons)


def opportunity_list(page: OpportunityPage) -> OpportunityList:
    return OpportunityList(items=[opportunity(c) for c in page.items], page=page.page,
                           per_page=page.per_page, has_next=page.has_next, total=page.total)


def thread_item(post: ThreadPost) -> ThreadItem:
    return ThreadItem(id=post.id, platform=post.platform, url=safe_url(post.url),
                      text=post.text, created_at=post.created_at, labels=post.labels,
                      author=author(post.author))


def key_id(key: tuple[str, str] | list[str]) -> str:
    return f"{key[0]}:{key[1]}"


def mentor(found: service.mentors.Mentor) -> Mentor:
    s = found.signals
    return Mentor(
        platform=found.platform, author_id=found.author_id, handle=found.handle,
        name=found.name, role=found.role, role_confidence=found.role_confidence,
        interests=found.interests,
        signals=Signals(opportunities=s.opportunities,
                        opportunity_posts=[key_id(k) for k in s.opportunity_posts],
                        trainee_replies=s.trainee_replies,
                        trainee_reply_posts=[key_id(k) for k in s.trainee_reply_posts],
                        jc_answers=s.jc_answers, offers=s.offers,
                        answered_questions=s.answered_questions, says_full=s.says_full),
        institution=found.institution, last_active=found.last_active, bio=found.bio,
        url=safe_url(found.url), followers=found.followers)


class PeriodCounts(BaseModel):
    period: str
    start: datetime
    total: int
    by_label: dict[str, int]


class TopicCount(BaseModel):
    topic: str
    opportunities: int


class EngagedMentor(BaseModel):
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


class Example(BaseModel):
    id: str
    url: str | None
    text: str
    created_at: datetime
    handle: str | None
    score: float


class LabelSummary(BaseModel):
    label: str
    title: str
    opportunities: int
    share: float = Field(description="Of all opportunities, 0..1")
    examples: list[Example]


class Insights(BaseModel):
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


def insights_of(found: Any) -> Insights:
    """`mentorfeed.service.insights.Insights` as its API shape (example URLs checked)."""
    return Insights(
        period=found.period, opportunities=found.opportunities, labels=found.labels,
        timeline=[PeriodCounts(period=p.period, start=p.start, total=p.total,
                               by_label=p.by_label) for p in found.timeline],
        topics=[TopicCount(topic=t.topic, opportunities=t.opportunities) for t in found.topics],
        mentors=[EngagedMentor(
            platform=x.platform, author_id=x.author_id, handle=x.handle, name=x.name,
            role=x.role, trainee_replies=x.trainee_replies, jc_answers=x.jc_answers,
            offers=x.offers, opportunities=x.opportunities, last_active=x.last_active)
            for x in found.mentors],
        table=[LabelSummary(label=row.label, title=row.title, opportunities=row.opportunities,
                            share=row.share, examples=[Example(
                                id=f"{e.platform}:{e.post_id}", url=safe_url(e.url),
                                text=e.text, created_at=e.created_at, handle=e.handle,
                                score=e.score) for e in row.examples])
               for row in found.table],
        generated_at=found.generated_at)
