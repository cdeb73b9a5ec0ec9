"""Correcting the classifier from the pages: the "Wrong label?" form on every opportunity card,
and the Review page, the posts the model is least sure about, to label one by one
(static/review.js adds keys; the page works without it).

Both POST to /corrections, which calls `service.curation.correct` and redirects back
(POST-redirect-GET).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.models import Classification, Post
from mentorfeed.web.pages import _local, _notice, _see_other, _settings
from mentorfeed.web.rendering import dom_id, render

router = APIRouter(include_in_schema=False)

REVIEW_SIZE = 20
NOT_OPPORTUNITY = "not_opportunity"  # the form field of the "Not an opportunity" choice


def correct_post(settings: Settings, post_id: str, labels: Sequence[str],
                 form: str | None) -> service.curation.Corrected:
    """`service.curation.correct` for the pages and the API: the post given as
    `platform:post_id`. Raises service.curation.UnknownPost, or MentorfeedError with one sentence
    for labels or a form it does not know."""
    return service.curation.correct(
        settings, post_id, labels, form=form, by=service.curation.LOCAL
    )


@router.post("/corrections")
async def correct(request: Request) -> Response:
    """The "Wrong label?" form: labels ticked (or "Not an opportunity") and the form."""
    fields = await request.form()
    post_id = str(fields.get("post") or "")
    labels = [str(value) for value in fields.getlist("label")]
    not_opportunity = fields.get(NOT_OPPORTUNITY) == "1"
    if not_opportunity and labels:
        raise HTTPException(400, "Tick labels or “Not an opportunity”, not both. Go back and "
                                 "choose one.")
    if not labels and not not_opportunity:
        raise HTTPException(400, "Tick at least one label, or “Not an opportunity”. Go back "
                                 "and choose.")
    chosen = str(fields.get("form") or "") or None
    try:
        await run_in_threadpool(correct_post, _settings(request), post_id, labels,
                                None if not_opportunity else chosen)
    except service.curation.UnknownPost:
        raise HTTPException(404) from None
    next_ = fields.get("next")
    target = _local(next_ if isinstance(next_, str) else None, "/opportunities")
    if not_opportunity:
        # The card is gone: no fragment to go back to, and no detail page of it any more.
        target = target.partition("#")[0]
        if target.startswith("/opportunities/"):
            target = "/opportunities"
        return _see_other(target, "not-opportunity")
    return _see_other(target, "corrected")


@dataclass(slots=True)
class ReviewItem:
    id: str  # platform:post_id
    dom_id: str
    post: Post
    found: Classification
    next: str  # where saving this one goes: the post after it, which will be first then


@router.get("/review")
def review(request: Request) -> Response:
    """The review queue: the uncorrected posts the model came nearest to answering otherwise,
    closest first, each with the model's answer and the correction form."""
    queue = service.curation.review_queue(_settings(request), REVIEW_SIZE)
    ids = [f"{post.platform}:{post.id}" for post, _ in queue]
    doms = [dom_id(i) for i in ids]
    items = [ReviewItem(i, d, post, found,
                        f"/review#r-{doms[n + 1]}" if n + 1 < len(doms) else "/review#queue")
             for n, (i, d, (post, found)) in enumerate(zip(ids, doms, queue, strict=True))]
    return render(request, "review.html", {"items": items, "notice": _notice(request),
                                           "size": REVIEW_SIZE})
