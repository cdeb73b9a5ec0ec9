"""The Opportunities filters' values, checked the same way for the page and the JSON API.

A value of the wrong kind (an unknown label, a date that is not one, page "x") is a 422 on both,
with the sentence `not_understood` writes; a request whose values are each fine but cannot go
together (the from date after the to date) or a search with nothing to look for is a 400,
`bad_query`, with the library's sentence. The page still shows itself, with the message above
the form, so a person can mend the filter where it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from mentorfeed.taxonomy import AUDIENCES, FORMS, LABELS, PLATFORMS

Label = Literal[LABELS]  # type: ignore[valid-type]
Audience = Literal[AUDIENCES]  # type: ignore[valid-type]
OpportunityForm = Literal[FORMS]  # type: ignore[valid-type]
PlatformName = Literal[PLATFORMS]  # type: ignore[valid-type]
Sort = Literal["newest", "deadline", "fit"]
TopicMatch = Literal["all", "any"]
MOST_DAYS = 3650  # "due within" at most ten years


class PageFilters(BaseModel):
    """The filters the page takes, typed as the API types them (api_v1.opportunity_query)."""

    label: Label | None = None
    audience: Audience | None = None
    form: OpportunityForm | None = None
    platform: PlatformName | None = None
    since: date | None = None
    until: date | None = None
    sort: Sort = "newest"
    topic_match: TopicMatch = "all"
    due_within: Annotated[int | None, Field(ge=0, le=MOST_DAYS)] = None
    page: Annotated[int, Field(ge=1)] = 1  # past the end: an empty page that says so


def not_understood(errors: Iterable[Mapping[str, Any]], *, skip: int = 0) -> str:
    """One sentence naming each value that was not understood and why. `skip` drops the first
    parts of each error's location (FastAPI's "query")."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[skip:]) or 'request'}: {e.get('msg', '')}"
        for e in errors)
    return f"Some values were not understood ({problems})."


def check_page(params: Mapping[str, str]) -> tuple[PageFilters, str | None]:
    """The page's filters, and the sentence for those not understood (which are left out).
    An empty value means "any", as the form's first choices send it."""
    given = {name: params[name] for name in PageFilters.model_fields
             if params.get(name, "") != ""}
    try:
        return PageFilters.model_validate(given), None
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        kept = PageFilters.model_validate({k: v for k, v in given.items() if k not in bad})
        return kept, not_understood(exc.errors(include_url=False))
