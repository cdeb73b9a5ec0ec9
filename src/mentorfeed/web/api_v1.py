"""The JSON API under /api/v1: the data of every page, documented by OpenAPI.

Errors come back as `{"error": {"code", "status", "message"}}`; post text, names and bios are
returned as data, never as markup, and URLs only when they are http(s).
"""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.errors import MentorfeedError, ModelError, StoreError
from mentorfeed.service.people import Event, Session, TraineeProfile, upcoming_events
from mentorfeed.service.people_view import PeopleView, people_view
from mentorfeed.taxonomy import AUDIENCES, FORMS, LABELS, Platform
from mentorfeed.web import api_models as m
from mentorfeed.web import curation_pages, lanes
from mentorfeed.web.errors import api_error
from mentorfeed.web.filter_checks import MOST_DAYS

# Every route may answer these; each route adds the 400 and 404 it can give.
router = APIRouter(prefix="/api/v1", tags=["api v1"], responses={
    422: {"model": m.Error, "description": "A parameter or the body was not understood"},
    500: {"model": m.Error, "description": "The store or the model failed (one sentence)"},
})

Label = Literal[LABELS]  # type: ignore[valid-type]
Audience = Literal[AUDIENCES]  # type: ignore[valid-type]
OpportunityForm = Literal[FORMS]  # type: ignore[valid-type]
DirectoryRole = Literal[service.mentors.DIRECTORY_ROLES]  # type: ignore[valid-type]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": m.Error, "description": (
        "A search with nothing to look for, or from and to dates that exclude each other")},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": m.Error, "description": "Not found"}}


def json(model: BaseModel) -> Response:
    """A model as JSON. The models are built from checked data, so FastAPI's second validation
    of the return value (a good part of an answer's time) is skipped."""
    return Response(model.model_dump_json(), media_type="application/json")


def settings_of(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


def saved_trainee(settings: Settings) -> TraineeProfile | None:
    """The trainee profile saved with the Me page, if any."""
    return service.tracking.get_profile(settings)


NO_PROFILE = ("No trainee profile is saved yet: fill in the profile on the Me page (/me) so "
              "that mentors and opportunities can be ranked for you.")


async def opportunity_query(  # async: FastAPI would run a plain def in the thread pool
    q: Annotated[str | None, Query(description=(
        'Full text, as `mentorfeed search`: words, "phrases", OR, -exclude, prefix*; at most '
        "500 characters and 32 words or phrases (a longer search gets a 400, `bad_query`)"))
        ] = None,
    label: Label | None = None,
    audience: Audience | None = None,
    topic: Annotated[list[str], Query(description=(
        "A topic; repeat it for several (`topic=acne&topic=hair`), combined as `topic_match` "
        "says"))] = [],  # noqa: B006 (FastAPI copies the default)
    topic_match: Annotated[Literal["all", "any"], Query(description=(
        "With several topics: `all` (a call names every one) or `any` (one is enough)"))
        ] = "all",
    form: Annotated[OpportunityForm | None, Query(description=(
        "What acting on it means: a call to respond to, an event to join, a resource to read"
    ))] = None,
    platform: Platform | None = None,
    since: Annotated[date | None, Query(description="Posted on or after this day")] = None,
    until: Annotated[date | None, Query(description="Posted on or before this day")] = None,
    open_only: Annotated[bool, Query(description="Not closed, not past open_until")] = False,
    due_within: Annotated[int | None, Query(ge=0, le=MOST_DAYS, description=(
        "A deadline from today to this many days ahead"))] = None,
    has_deadline: Annotated[bool, Query(description="Only calls that state a deadline")
                            ] = False,
    sort: Literal["newest", "deadline", "fit"] = "newest",
    everything: Annotated[bool, Query(description=(
        "With sort=fit: also the calls never offered to the trainee, each with why"))] = False,
    page: Annotated[int, Query(ge=1, description=(
        "Past the last page (or page 10,000): no items, with `total` saying how many match"))
        ] = 1,
    per_page: Annotated[int, Query(ge=1, le=service.opportunities.MAX_PER_PAGE)] = 20,
) -> service.opportunities.OpportunityQuery:
    """The filters of the Opportunities page, as query parameters (the API and the feeds).
    From and to dates that exclude each other are a 400, as on the page."""
    topics = tuple(dict.fromkeys(t for t in topic if t))
    query = service.opportunities.OpportunityQuery(
        q=q, label=label, audience=audience, topic=topics[0] if topics else None,
        topics=topics[1:], topic_match=topic_match, form=form, platform=platform, since=since,
        until=until, open_only=open_only, due_within=due_within, has_deadline=has_deadline,
        sort=sort, everything=everything, page=page, per_page=per_page)
    service.opportunities.check_dates(query)  # QueryError: a 400, bad_query (errors.py)
    return query


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> Response:
    """A readable reference of the API, built from its OpenAPI schema."""
    from mentorfeed.web.rendering import render

    schema = request.app.openapi()
    return render(request, "api_docs.html", {
        "schema_url": request.app.openapi_url, "routes": reference(schema)})


def reference(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The /api/v1 routes of an OpenAPI schema, flattened for the reference page."""
    routes = []
    for path, methods in schema.get("paths", {}).items():
        if not path.startswith("/api/v1"):
            continue
        for method, operation in methods.items():
            parameters = []
            for p in operation.get("parameters", []):
                kind = p.get("schema", {})
                choices = [c.get("enum") or [c.get("format") or c.get("type")]
                           for c in kind.get("anyOf", [kind])]
                parameters.append({
                    "name": p["name"], "where": p["in"], "required": p.get("required", False),
                    "type": " | ".join(str(x) for c in choices for x in c if x != "null"),
                    "default": kind.get("default"), "description": p.get("description", "")})
            routes.append({
                "method": method.upper(), "path": path, "summary": operation.get("summary"),
                "description": operation.get("description"), "parameters": parameters,
                "responses": [(code, r.get("description", ""))
                              for code, r in operation.get("responses", {}).items()]})
    return routes


@router.get("/opportunities", response_model=m.OpportunityList, responses=ERRORS)
async def opportunities(
    request: Request,
    query: Annotated[service.opportunities.OpportunityQuery, Depends(opportunity_query)],
) -> Any:
    """Opportunities matching the filters of the Opportunities page, one per call. With
    `sort=fit` and a saved trainee profile, each carries its fit score and reasons."""
    settings = settings_of(request)

    def key(trainee: TraineeProfile | None) -> tuple[object, ...]:
        return ("api-opportunities", astuple(query), date.today(), repr(trainee))

    def run() -> bytes:
        trainee = saved_trainee(settings) if query.sort == "fit" else None

        def answer() -> bytes:
            found = service.opportunities.list_opportunities(settings, query, trainee=trainee)
            return m.OpportunityList.of(found).model_dump_json().encode()

        return service.cache.remembered(store, key(trainee), answer)

    # An answer already kept is sent without a trip through the thread pool.
    store = service.opportunities.store_for(settings)
    kept = None if query.sort == "fit" else service.cache.peek(store, key(None))
    body = kept if isinstance(kept, bytes) else await lanes.listing(
        run, by_fit=query.sort == "fit")
    return Response(body, media_type="application/json")


@router.get("/opportunities/{opportunity_id:path}", response_model=m.OpportunityDetail,
            responses=NOT_FOUND)
async def opportunity(request: Request, opportunity_id: str) -> Any:
    """One call (`platform:post_id` of any of its posts) with its thread and similar calls."""
    found = await run_in_threadpool(
        service.opportunities.get_opportunity, settings_of(request), opportunity_id
    )
    if found is None:
        return api_error(404, "not_found", f"No opportunity has the id {opportunity_id!r}.")
    return json(m.OpportunityDetail.of(found))


@router.post("/posts/{platform}/{post_id:path}/label", response_model=m.PostClassification,
             responses={400: {"model": m.Error, "description": "An unknown label or form"},
                        403: {"model": m.Error, "description": "No CSRF token"},
                        **NOT_FOUND})
async def label_post(request: Request, platform: str, post_id: str,
                     correction: m.LabelRequest) -> Any:
    """Correct a post's labels (`[]`: not an opportunity) and optionally its form, as the
    "Wrong label?" form does; the correction wins at once and teaches the next model. Send the
    `mentorfeed_csrf` cookie's value in the `X-CSRF-Token` header."""
    post = f"{platform}:{post_id}"
    try:
        done = await run_in_threadpool(curation_pages.correct_post, settings_of(request), post,
                                       correction.labels, correction.form)
    except service.curation.UnknownPost:
        return api_error(404, "not_found", f"No stored post has the id {post!r}.")
    except (StoreError, ModelError):
        raise  # a fault, not a bad correction: the error table answers it
    except MentorfeedError as exc:
        return api_error(400, "bad_correction", str(exc))
    return json(m.post_classification(post, done.classification, done.before))


@router.get("/mentors", response_model=m.MentorList, responses=ERRORS)
async def mentors(
    request: Request,
    role: Annotated[DirectoryRole | None, Query(
        description="Default: dermatologists and residents")] = None,
    topic: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of a handle or name")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Any:
    """The mentor directory of the Mentors page, from the stored author profiles: those who
    engage with trainees most first (with a topic, who writes most about it). People who opted
    out are never listed."""
    store = service.opportunities.store_for(settings_of(request))
    query = service.mentors.DirectoryQuery(
        role=role, topic=topic, q=q, page=page, per_page=per_page
    )
    found = await run_in_threadpool(service.mentors.directory, store, query)
    return json(m.MentorList.of(found))


@router.get("/mentors/{platform}/{author_id:path}", response_model=m.Mentor,
            responses=NOT_FOUND)
async def mentor(request: Request, platform: str, author_id: str) -> Any:
    """One person's profile, as the mentor page shows it, with their other accounts and the
    reason for each link. Any of a person's accounts gives the person (under their main
    account, the one the directory lists)."""
    store = service.opportunities.store_for(settings_of(request))

    def find() -> service.mentors.Mentor | None:
        main = service.mentors.main_account(store, platform, author_id)
        return service.mentors.person(store, *(main or (platform, author_id)))

    found = await run_in_threadpool(find)
    if found is None:
        return api_error(404, "not_found", f"No mentor profile for {platform}:{author_id}: the "
                         "person may have asked not to be listed, or is not in the store.")
    return json(m.Mentor.of(found))


@router.get("/match", response_model=m.Matches, responses=NOT_FOUND)
async def match(request: Request,
                limit: Annotated[int, Query(ge=1, le=50)] = 10,
                today: Annotated[datetime | None, Query(
                    description="Rank as of this moment (default: now)")] = None) -> Any:
    """Mentors and opportunities ranked for the saved trainee profile, with reasons. As of
    now, the opportunities are those the Opportunities page ranks by fit (the newest open
    calls); as of another moment, every call in the store, as `mentorfeed match` does."""
    from mentorfeed import service

    settings = settings_of(request)
    trainee = await run_in_threadpool(saved_trainee, settings)
    if trainee is None:
        return api_error(404, "no_profile", NO_PROFILE)
    if today is None:  # the pages' view of people and calls, as of now
        view = await run_in_threadpool(people_view, request.app.state)
        mentors = await run_in_threadpool(lambda: service.people.match(
            settings, trainee, limit=limit, known=view.people, calls=False))
        calls = await run_in_threadpool(lambda: service.opportunities.best_fits(settings, trainee,
                                                                 limit=limit))
        found = service.people.Matches(mentors.mentors, calls, mentors.accounts, mentors.others)
    else:  # people and calls as known then: a slower pass over the store
        when = today if today.tzinfo else today.replace(tzinfo=UTC)
        found = await run_in_threadpool(
            lambda: service.people.match(settings, trainee, limit=limit, today=when))
    return json(m.Matches.of(found))


@router.get("/sessions", response_model=m.SessionList)
async def sessions(request: Request,
                   page: Annotated[int, Query(ge=1, le=10_000)] = 1,
                   per_page: Annotated[int, Query(ge=1, le=100)] = 20) -> Any:
    """Past journal-club sessions, newest first, question by question."""
    view = await run_in_threadpool(people_view, request.app.state)
    ordered = sorted(view.people.sessions, key=lambda s: s.start, reverse=True)
    start = (page - 1) * per_page
    items = [_session(view, s) for s in ordered[start:start + per_page]]
    return m.SessionList(items=items, page=page, per_page=per_page,
                         has_next=start + per_page < len(ordered))


def _person(view: PeopleView, key: tuple[str, str] | None) -> m.Person | None:
    if key is None:
        return None
    author = view.people.activity.authors.get(key)
    return m.Person(platform=key[0], author_id=key[1], handle=author.handle if author else None,
                    role=view.role(key))


def _session(view: PeopleView, session: Session) -> m.Session:
    participants = sorted(session.participants.items(), key=lambda x: (-x[1], x[0]))
    return m.Session(
        id=session.id, platform=session.platform, hashtag=session.hashtag,
        host=_person(view, session.host), start=session.start, end=session.end,
        paper=m.Paper.of(service.journal_clubs.session_paper(session, view.posts)),
        questions=[m.Question(number=q.number, post=m.key_id(q.post), text=q.text,
                              answers=len(q.answers)) for q in session.questions],
        participants=[_participant(view, key, n) for key, n in participants])


def _participant(view: PeopleView, key: tuple[str, str], posts: int) -> m.Participant:
    author = view.people.activity.authors.get(key)
    return m.Participant(platform=key[0], author_id=key[1],
                         handle=author.handle if author else None, role=view.role(key),
                         posts=posts)


@router.get("/events", response_model=list[m.Event])
async def events(request: Request, after: Annotated[datetime | None, Query(
        description="Sessions starting after this moment (default: now)")] = None) -> Any:
    """Announced journal-club sessions that have not started yet, soonest first."""
    view = await run_in_threadpool(people_view, request.app.state)
    found = await run_in_threadpool(upcoming, view, after)
    return [m.Event(platform=e.platform, host=_person(view, e.host), hashtag=e.hashtag,
                    starts=e.starts, post=m.key_id(e.post), url=m.safe_url(_url(view, e.post)),
                    title=e.title,
                    paper=m.Paper.of(service.journal_clubs.event_paper(e, view.posts)))
            for e in found]


def upcoming(view: PeopleView, after: datetime | None) -> list[Event]:
    """The announced sessions starting after `after` (the view's own list when that is now)."""
    if after is None:
        return view.upcoming(datetime.now(UTC))
    when = after if after.tzinfo else after.replace(tzinfo=UTC)
    return upcoming_events(view.people.activity, now=when,
                           hashtags=view.community.journal_club_hashtags or ("DermJC",),
                           hosts=view.community.journal_club_hosts)


def _url(view: PeopleView, key: tuple[str, str]) -> str | None:
    post = view.posts.get(key)
    return post.url if post else None


@router.get("/insights", response_model=m.Insights, responses=ERRORS)
async def insights(
    request: Request,
    period: Literal["month", "quarter", "year"] = "quarter",
    platform: Platform | None = None,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
    examples: Annotated[int, Query(ge=0, le=10, description="Examples per label")] = 1,
) -> Any:
    """The Insights page's figures, counted in the store (and kept until it changes)."""
    from mentorfeed import service

    settings = settings_of(request)
    store = service.opportunities.store_for(settings)

    def compute() -> service.insights.Insights:
        return service.insights.compute(store, period=period, platform=platform, top=top,
                               examples=examples)

    found = await run_in_threadpool(lambda: service.cache.remembered(
        service.opportunities.store_for(settings), ("insights", period, platform, top, examples),
        compute))
    return json(m.Insights.of(found))
