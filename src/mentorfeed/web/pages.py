"""The trainee's pages: Opportunities (the list and one call) and Me (profile, saved calls).

Every form POSTs (the CSRF middleware checks it) and answers with a redirect, so reloading a
page never sends a form twice (POST-redirect-GET).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeGuard
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.errors import MentorfeedError, QueryError
from mentorfeed.service.opportunities import TOPICS
from mentorfeed.taxonomy import AUDIENCES, FORMS, LABELS, PLATFORMS
from mentorfeed.web import filter_checks, lanes
from mentorfeed.web.profile_form import ProfileForm
from mentorfeed.web.rendering import (
    HTML,
    TOKEN_STAND_IN,
    clean,
    opportunity_url,
    render,
    render_bytes,
    url_with,
    with_token,
)

router = APIRouter(include_in_schema=False)

PER_PAGE = 20
SAVED_PER_PAGE = 20
# What a redirect may say happened; only these fixed sentences reach the page.
NOTICES = {
    "saved": "Saved. You can follow it up under Me.",
    "updated": "Your changes to the saved opportunity are kept.",
    "removed": "Removed from your saved opportunities.",
    "profile": "Your profile is saved. Sort the opportunities by fit to use it.",
    "profile-forgotten": "Your profile is deleted from this store.",
    "corrected": "Your correction is saved and shown at once; the next model learns from it.",
    "not-opportunity": "Marked as not an opportunity: it has left the listing, and the next "
                       "model learns from it.",
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _local(target: str | None, default: str) -> str:
    """A redirect target only if it stays on this site (no open redirects)."""
    if (not target or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 for c in target)):
        return default
    return target


def _with_notice(target: str, notice: str) -> str:
    path, _, fragment = target.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{urlencode({'notice': notice})}" + (f"#{fragment}" if fragment else "")


def _see_other(target: str, notice: str) -> RedirectResponse:
    return RedirectResponse(_with_notice(target, notice), status_code=303)


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("notice", ""))


def corrected_ids(settings: Settings, ids: list[str]) -> set[str]:
    """Which of these opportunities (`platform:post_id`) a person has corrected."""
    keys = [key for key in map(service.opportunities.parse_id, ids) if key is not None]
    found = service.opportunities.store_for(settings).corrections_of(keys) if keys else {}
    return {f"{platform}:{post_id}" for platform, post_id in found}


# -- Opportunities -----------------------------------------------------------------------------

def _choice(value: str | None, allowed: tuple[str, ...] | list[str]) -> str | None:
    return value if value in allowed else None


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


class Problems:
    """What the page says about its filters, and the status it answers with: 422 for a value
    not understood, 400 for values that cannot go together or a search that cannot run, as
    the API answers them (web/filter_checks.py)."""

    def __init__(self) -> None:
        self.sentences: list[str] = []
        self.status = 200

    def add(self, sentence: str, status: int = 200) -> None:
        self.sentences.append(sentence)
        self.status = max(self.status, status)


def _query(request: Request, problems: Problems) -> service.opportunities.OpportunityQuery:
    params = request.query_params
    checked, wrong = filter_checks.check_page(params)
    if wrong:
        problems.add(wrong, 422)
    # A first visit shows open calls; once the filter form is sent, the checkbox decides.
    open_only = params.get("open") == "1" if "filtered" in params else True
    # Not cut short: a search over the limit is named as such (store/search.py), not run on
    # part of what was typed. The cap only keeps a pasted book out of the page.
    q = clean(params.get("q", "")).strip()[:10_000] or None
    topics = tuple(dict.fromkeys(t for t in params.getlist("topic") if t in TOPICS))
    query = service.opportunities.OpportunityQuery(
        q=q, label=checked.label, audience=checked.audience,
        topic=topics[0] if topics else None, topics=topics[1:],
        topic_match=checked.topic_match, form=checked.form, platform=checked.platform,
        since=checked.since, until=checked.until, open_only=open_only,
        due_within=checked.due_within, has_deadline=params.get("dated") == "1",
        sort=checked.sort, everything=params.get("everything") == "1", page=checked.page,
        per_page=PER_PAGE)
    try:
        service.opportunities.check_dates(query)
    except QueryError as exc:
        problems.add(str(exc), 400)
        query.since = query.until = None
    return query


def _feed_url(query: service.opportunities.OpportunityQuery) -> str:
    """The Atom feed of the same filters (the feed's names for them)."""
    params = {"q": query.q, "label": query.label, "audience": query.audience,
              "form": query.form, "platform": query.platform,
              "since": query.since.isoformat() if query.since else None,
              "until": query.until.isoformat() if query.until else None,
              "open_only": "true" if query.open_only else None,
              "due_within": None if query.due_within is None else str(query.due_within),
              "has_deadline": "true" if query.has_deadline else None}
    topics = [t for t in (query.topic, *query.topics) if t]
    kept = [(key, value) for key, value in params.items() if value]
    kept += [("topic", t) for t in topics]
    if len(topics) > 1 and query.topic_match == "any":
        kept.append(("topic_match", "any"))
    return "/feeds/opportunities.atom" + (f"?{urlencode(kept)}" if kept else "")


@router.get("/")
@router.get("/opportunities")
async def opportunities(request: Request) -> Response:
    """The list page. A page is kept (service/cache.py: until the store changes) with a stand-in
    for the CSRF token, so a kept page is sent without a trip through the thread pool, and
    without rendering twenty cards again; each visitor gets their own token in it."""
    store = service.opportunities.store_for(_settings(request))
    key = ("opportunities-page", request.url.path, request.url.query, date.today())
    kept = service.cache.peek(store, key, trainee=True)  # it marks saved cards
    status, page = kept if _is_page(kept) else await lanes.listing(
        lambda: service.cache.remembered(store, key, lambda: _opportunities_page(request),
                                         trainee=True),
        by_fit=request.query_params.get("sort") == "fit")
    return Response(with_token(page, request), status_code=status, media_type=HTML)


def _is_page(kept: object) -> TypeGuard[tuple[int, bytes]]:
    return isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[1], bytes)


def _opportunities_page(request: Request) -> tuple[int, bytes]:
    """The page's status (web/filter_checks.py) and its HTML."""
    settings = _settings(request)
    problems = Problems()
    query = _query(request, problems)
    trainee = service.tracking.get_profile(settings) if query.sort == "fit" else None
    if query.sort == "fit" and trainee is None:
        problems.add("Sorting by fit needs your profile: fill it in under Me. Until then "
                     "the newest calls come first.")
    try:
        page = service.opportunities.list_opportunities(settings, query, trainee=trainee)
    except QueryError as exc:
        problems.add(f"The search could not run. {exc}", 400)
        page = service.opportunities.OpportunityPage([], query.page, query.per_page, False, 0)
    if trainee is not None and page.items and all(c.fit is None for c in page.items):
        problems.add("None of these calls is recent and open enough to score against your "
                     "profile, so they are listed newest first.")
    ids = [card.id for card in page.items]
    statuses = service.tracking.statuses_of(settings, ids)
    filtered = any((query.q, query.label, query.audience, query.topic, query.form,
                    query.platform, query.since, query.until, query.due_within is not None,
                    query.has_deadline))
    chosen_topics = [t for t in (query.topic, *query.topics) if t]
    return problems.status, render_bytes(request, "opportunities.html", {
        "query": query, "page": page, "statuses": statuses, "problems": problems.sentences,
        "notice": _notice(request), "filtered": filtered, "labels": LABELS,
        "audiences": AUDIENCES, "topics": TOPICS, "forms": FORMS, "platforms": PLATFORMS,
        "chosen_topics": chosen_topics,
        "sorts": service.opportunities.SORTS, "has_profile": trainee is not None,
        "here": url_with(request, notice=None), "feed_url": _feed_url(query),
        "corrected": corrected_ids(settings, ids),
        "now": service.opportunities.as_of(settings)
    }, csrf_token=TOKEN_STAND_IN)


@router.get("/opportunities/{opportunity_id:path}")
def opportunity(request: Request, opportunity_id: str) -> Response:
    settings = _settings(request)
    detail = service.opportunities.get_opportunity(settings, opportunity_id)
    if detail is None:
        raise HTTPException(404)
    if detail.card.id != opportunity_id:  # a later post of the call: show the call itself
        return RedirectResponse(opportunity_url(detail.card.id), status_code=307)
    ids = [detail.card.id, *(card.id for card in detail.similar)]
    statuses = service.tracking.statuses_of(settings, ids)
    session = None  # a journal-club session's card links its transcript
    if "journal_club" in detail.card.labels:
        session = service.people_view.people_view(request.app.state).session_of(
            (post.platform, post.post_id) for post in detail.thread)
    return render(request, "opportunity.html", {
        "detail": detail, "card": detail.card, "statuses": statuses, "session": session,
        "notice": _notice(request), "here": opportunity_url(detail.card.id),
        "corrected": corrected_ids(settings, ids),
        "now": service.opportunities.as_of(settings)
    })


# -- saving and tracking -----------------------------------------------------------------------

@router.post("/saved")
def save(request: Request, opportunity_id: Annotated[str, Form()],
         next: Annotated[str | None, Form()] = None) -> Response:
    settings = _settings(request)
    detail = service.opportunities.get_opportunity(settings, opportunity_id)
    if detail is None:
        raise HTTPException(404)
    statuses = service.tracking.statuses_of(settings, [detail.card.id])
    if detail.card.id not in statuses:  # saving twice keeps the status already reached
        service.tracking.save(settings, detail.card.id)
    return _see_other(_local(next, opportunity_url(detail.card.id)), "saved")


@router.post("/saved/update")
def update_saved(request: Request, opportunity_id: Annotated[str, Form()],
                 status: Annotated[str, Form()], note: Annotated[str, Form()] = "",
                 next: Annotated[str | None, Form()] = None) -> Response:
    if status not in service.tracking.STATUSES:
        raise HTTPException(400, f"Unknown status; choose one of: "
                                 f"{', '.join(service.tracking.STATUSES.values())}.")
    try:
        service.tracking.update(_settings(request), opportunity_id, status=status,
                        note=clean(note).strip())
    except service.tracking.NotFoundError:
        raise HTTPException(404) from None
    except MentorfeedError as exc:
        raise HTTPException(400, str(exc)) from None
    return _see_other(_local(next, "/me#saved"), "updated")


@router.post("/saved/remove")
def remove_saved(request: Request, opportunity_id: Annotated[str, Form()],
                 next: Annotated[str | None, Form()] = None) -> Response:
    service.tracking.remove(_settings(request), opportunity_id)
    return _see_other(_local(next, "/me#saved"), "removed")


# -- Me ----------------------------------------------------------------------------------------

def _me(request: Request, form: ProfileForm, *, errors: list[str],
        status_code: int = 200) -> Response:
    settings = _settings(request)
    params = request.query_params
    status = _choice(params.get("status"), tuple(service.tracking.STATUSES))
    page = _page_number(params.get("page"))
    items, total = service.tracking.saved(settings, status=status, limit=SAVED_PER_PAGE,
                                  offset=(page - 1) * SAVED_PER_PAGE)
    return render(request, "me.html", {
        "form": form, "errors": errors, "notice": _notice(request), "items": items,
        "total": total, "status": status, "page": page, "per_page": SAVED_PER_PAGE,
        "has_next": page * SAVED_PER_PAGE < total, "statuses": service.tracking.STATUSES,
        "topics": TOPICS, "platforms": PLATFORMS,
    }, status_code=status_code)


@router.get("/me")
def me(request: Request) -> Response:
    stored = service.tracking.get_profile(_settings(request))
    return _me(request, ProfileForm.from_profile(stored), errors=[])


@router.post("/me/profile")
async def save_profile(request: Request) -> Response:
    form = ProfileForm.from_form(await request.form())
    profile, errors = form.to_profile()
    if profile is None:
        return await run_in_threadpool(_me, request, form, errors=errors, status_code=400)
    await run_in_threadpool(service.tracking.save_profile, _settings(request), profile)
    return _see_other("/me#profile", "profile")


@router.post("/me/profile/forget")
def forget_profile(request: Request) -> Response:
    service.tracking.forget_profile(_settings(request))
    return _see_other("/me#profile", "profile-forgotten")
