"""The people pages: the mentor directory and "for me" ranking, a person's page, journal clubs
(past sessions as transcripts, upcoming ones, my follow-ups), and Insights."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.service.opportunities import TOPICS, store_for
from mentorfeed.service.people import Key, TraineeProfile, follow_ups
from mentorfeed.service.people_view import (
    PeopleView,
    people_view,
    updating,
)
from mentorfeed.service.posts import Store
from mentorfeed.taxonomy import LABELS, PLATFORMS
from mentorfeed.web import transcript
from mentorfeed.web.rendering import render

router = APIRouter()

BAR_STEPS = 20  # bar widths come in 5% steps: CSS classes w-0 .. w-20 (no inline styles)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _store(request: Request) -> Store:
    """The app's one open store (opening a store checks migrations: too slow per request)."""
    return store_for(_settings(request))


def _trainee(settings: Settings) -> TraineeProfile | None:
    """The trainee profile saved on the Me page, if any."""
    return service.tracking.get_profile(settings)


def _own_keys(view: PeopleView, trainee: TraineeProfile) -> list[Key]:
    wanted = {(p, h.lstrip("@").casefold()) for p, h in trainee.handles.items() if h}
    return [key for key, author in view.people.activity.authors.items()
            if (key[0], author.handle.lstrip("@").casefold()) in wanted]


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


def _choice(value: str | None, allowed: tuple[str, ...] | list[str]) -> str | None:
    return value if value in allowed else None


def width_step(value: float, largest: float) -> int:
    """The bar width class for `value` out of `largest`: 0..BAR_STEPS, at least 1 when > 0."""
    if largest <= 0 or value <= 0:
        return 0
    return max(1, round(value / largest * BAR_STEPS))


# -- mentors ------------------------------------------------------------------------------------

@router.get("/mentors", include_in_schema=False)
def mentors(request: Request, role: str | None = None, topic: str | None = None,
            q: str | None = None, page: str | None = None) -> Response:
    settings = _settings(request)
    if request.query_params.get("for") == "me":
        return _for_me(request, settings)
    query = service.mentors.DirectoryQuery(role=_choice(role, service.mentors.DIRECTORY_ROLES),
                                     topic=_choice(topic, TOPICS), q=(q or "").strip()[:100],
                                     page=_page_number(page))
    found = service.mentors.directory(_store(request), query)
    return render(request, "mentors.html", {
        "tab": "all", "filters": query, "found": found, "roles": service.mentors.DIRECTORY_ROLES,
        "topics": TOPICS})


def _for_me(request: Request, settings: Settings) -> Response:
    trainee = _trainee(settings)
    context: dict[str, Any] = {"tab": "me", "trainee": trainee, "matches": [], "posts": {},
                               "updating": False, "others": {}}
    if trainee is not None:
        view = people_view(request.app.state)
        context["updating"] = updating(request.app.state)
        found = service.people.match(settings, trainee, known=view.people, limit=20,
                                     today=view.built_at, calls=False)
        context["matches"] = found.mentors
        context["others"] = found.others  # a person's every handle on their card
        context["posts"] = {k: view.posts[k] for m in context["matches"] for r in m.reasons
                            for k in r.posts if k in view.posts}
        context["names"] = {m.key: view.people.activity.authors[m.key].name
                            for m in context["matches"] if m.key in view.people.activity.authors}
    return render(request, "mentors_for_me.html", context)


@router.get("/mentors/{platform}/{author_id:path}", include_in_schema=False)
def mentor(request: Request, platform: str, author_id: str) -> Response:
    if platform not in PLATFORMS:
        raise HTTPException(404)
    store = _store(request)
    main = service.mentors.main_account(store, platform, author_id)
    if main is not None:  # one person, one page: the person's main account's
        return RedirectResponse(f"/mentors/{quote(main[0])}/{quote(main[1], safe='/:')}",
                                status_code=303)
    found = service.mentors.person(store, platform, author_id)
    if found is None:
        raise HTTPException(404, "No mentor profile here: the person may have asked not to "
                                 "be listed, or the profiles have not been built yet.")
    signals = found.signals
    linked = service.mentors.posts_by_key(store, signals.trainee_reply_posts[:5])
    recent = service.mentors.recent_opportunities(store, platform, author_id)
    for other in found.accounts:  # the person's calls from every account, newest first
        recent += service.mentors.recent_opportunities(store, other.platform, other.author_id)
    if found.accounts:  # a call they cross-posted once: its copies are not in their signals
        calls = set(signals.opportunity_posts)
        recent = [post for post in recent if (post.platform, post.post_id) in calls]
    recent = sorted(recent, key=lambda post: post.created_at, reverse=True)[:10]
    return render(request, "mentors_person.html", {
        "person": found, "recent": recent,
        "reply_posts": [linked[k] for k in signals.trainee_reply_posts[:5] if k in linked]})


# -- journal clubs ------------------------------------------------------------------------------

SESSIONS_PER_PAGE = 50
UPCOMING_SHOWN = 20  # the rest are in the calendar feed


@router.get("/journal-clubs", include_in_schema=False)
def journal_clubs(request: Request, page: str | None = None) -> Response:
    settings = _settings(request)
    number = _page_number(page)
    view = people_view(request.app.state)
    authors = view.people.activity.authors
    trainee = _trainee(settings)
    mine: list[dict[str, Any]] = []
    if trainee is not None and trainee.handles:
        roles = {k: p.role for k, p in view.people.profiles.items()}
        hidden = service.mentors.opted_out(_store(request))
        titles = {s.id: s for s in view.people.sessions}
        for follow_up in follow_ups(view.people.sessions, view.people.activity,
                                    _own_keys(view, trainee), roles=roles):
            author = authors.get(follow_up.person)
            mine.append({"session": titles[follow_up.session], "key": follow_up.person,
                         "listed": follow_up.person not in hidden,
                         "handle": author.handle if author else follow_up.person[1],
                         "role": view.role(follow_up.person),
                         "exchanges": [(view.posts.get(theirs), view.posts.get(own))
                                       for theirs, own in follow_up.exchanges]})
    sessions = sorted(view.people.sessions, key=lambda s: s.start, reverse=True)
    start = (number - 1) * SESSIONS_PER_PAGE
    upcoming = view.upcoming(view.as_of())
    shown = sessions[start:start + SESSIONS_PER_PAGE]
    papers = {s.id: service.journal_clubs.session_paper(s, view.posts) for s in shown}
    event_papers = [service.journal_clubs.event_paper(e, view.posts)
                    for e in upcoming[:UPCOMING_SHOWN]]
    return render(request, "journal_clubs.html", {
        "sessions": shown, "page": number, "papers": papers,
        "upcoming_papers": event_papers,
        "has_next": start + SESSIONS_PER_PAGE < len(sessions), "total": len(sessions),
        "per_page": SESSIONS_PER_PAGE, "authors": authors,
        "upcoming": upcoming[:UPCOMING_SHOWN], "more_upcoming": len(upcoming) - UPCOMING_SHOWN,
        "trainee": trainee, "follow_ups": mine, "posts": view.posts,
        "updating": updating(request.app.state)})


@router.get("/journal-clubs/{session_id:path}", include_in_schema=False)
def session(request: Request, session_id: str) -> Response:
    view = people_view(request.app.state)
    found = next((s for s in view.people.sessions if s.id == session_id), None)
    if found is None:
        raise HTTPException(404, "There is no journal-club session with this address. The "
                                 "list of sessions is on the Journal clubs page.")
    hidden = service.mentors.opted_out(_store(request))
    return render(request, "session.html", {
        "t": transcript.build(found, view.posts, view.people.activity.authors, view.role,
                              hidden),
        "paper": service.journal_clubs.session_paper(found, view.posts)})


# -- insights -----------------------------------------------------------------------------------

@router.get("/insights", include_in_schema=False)
def insights_page(request: Request, period: str | None = None,
                  platform: str | None = None) -> Response:
    settings = _settings(request)
    chosen = _choice(period, service.insights.PERIODS) or "quarter"
    where = _choice(platform, PLATFORMS)

    def build() -> service.insights.Insights:
        return service.insights.compute(_store(request), period=chosen,  # type: ignore[arg-type]
                                platform=where, top=10, examples=2)

    figures = service.cache.remembered(store_for(settings), ("insights", chosen, where), build)
    busiest = max((p.total for p in figures.timeline), default=0)
    most = max((row.opportunities for row in figures.table), default=0)
    top_topic = max((t.opportunities for t in figures.topics), default=0)
    return render(request, "insights.html", {
        "f": figures, "period": chosen, "platform": where, "periods": service.insights.PERIODS,
        "platforms": PLATFORMS, "labels": LABELS, "busiest": busiest, "most": most,
        "top_topic": top_topic, "step": width_step})
