"""The trainee's pages: Opportunities (the list and one call) and Me (profile, saved calls).

Every form POSTs (the CSRF middleware checks it) and answers with a redirect, so reloading a
page never sends a form twice (POST-redirect-GET).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
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
from mentorfeed.web import lanes
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


def _day(value: str | None, name: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"The {name} date was not understood; use the date picker or "
                        "YYYY-MM-DD.")
        return None


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


def _query(request: Request, problems: list[str]) -> service.opportunities.OpportunityQuery:
    params = request.query_params
    since = _day(params.get("since"), "from", problems)
    until = _day(params.get("until"), "to", problems)
    if since and until and since > until:
        problems.append("The from date is after the to date, so nothing could match; "
                        "the dates were swapped.")
        since, until = until, since
    # A first visit shows open calls; once the filter form is sent, the checkbox decides.
    open_only = params.get("open") == "1" if "filtered" in params else True
    # Not cut short: a search over the limit is named as such (store/search.py), not run on
    # part of what was typed. The cap only keeps a pasted book out of the page.
    q = clean(params.get("q", "")).strip()[:10_000] or None
    return service.opportunities.OpportunityQuery(
        q=q, label=_choice(params.get("label"), LABELS),
        audience=_choice(params.get("audience"), AUDIENCES),
        topic=_choice(params.get("topic"), TOPICS),
        form=_choice(params.get("form"), FORMS),
        platform=_choice(params.get("platform"), PLATFORMS),
        since=since, until=until, open_only=open_only,
        sort=_choice(params.get("sort"), service.opportunities.SORTS) or "newest",
        everything=params.get("everything") == "1",
        page=_page_number(params.get("page")), per_page=PER_PAGE)


def _feed_url(query: service.opportunities.OpportunityQuery) -> str:
    """The Atom feed of the same filters (the feed's names for them)."""
    params = {"q": query.q, "label": query.label, "audience": query.audience,
              "topic": query.topic, "form": query.form, "platform": query.platform,
              "since": query.since.isoformat() if query.since else None,
              "until": query.until.isoformat() if query.until else None,
              "open_only": "true" if query.open_only else None}
    kept = {key: value for key, value in params.items() if value}
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
    page = kept if isinstance(kept, bytes) else await lanes.listing(
        lambda: service.cache.remembered(store, key, lambda: _opportunities_page(request),
                                         trainee=True),
        by_fit=request.query_params.get("sort") == "fit")
    return Response(with_token(page, request), media_type=HTML)


def _opportunities_page(request: Request) -> bytes:
    settings = _settings(request)
    problems: list[str] = []
    query = _query(request, problems)
    trainee = service.tracking.get_profile(settings) if query.sort == "fit" else None
    if query.sort == "fit" and trainee is None:
        problems.append("Sorting by fit needs your profile: fill it in under Me. Until then "
                        "the newest calls come first.")
    try:
        page = service.opportunities.list_opportunities(settings, query, trainee=trainee)
    except QueryError as exc:
        problems.append(f"The search could not run. {exc}")
        page = service.opportunities.OpportunityPage([], query.page, query.per_page, False, 0)
    if trainee is not None and page.items and all(c.fit is None for c in page.items):
        problems.append("None of these calls is recent and open enough to score against your "
                        "profile, so they are listed newest first.")
    ids = [card.id for card in page.items]
    statuses = service.tracking.statuses_of(settings, ids)
    filtered = any((query.q, query.label, query.audience, query.topic, query.form,
                    query.platform, query.since, query.until))
    return render_bytes(request, "opportunities.html", {
        "query": query, "page": page, "statuses": statuses, "problems": problems,
        "notice": _notice(request), "filtered": filtered, "labels": LABELS,
        "audiences": AUDIENCES, "topics": TOPICS, "forms": FORMS, "platforms": PLATFORMS,
        "sorts": service.opportunities.SORTS, "has_profile": trainee is not None,
        "here": url_with(request, notice=None), "feed_url": _feed_url(query),
        "corrected": corrected_ids(settings, ids),
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
