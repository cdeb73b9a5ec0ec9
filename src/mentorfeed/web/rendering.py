"""Rendering pages: one Jinja2 environment (autoescape on) and `render`, which every page
module uses so each template gets the CSRF token and the same helpers."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from mentorfeed import service, taxonomy
from mentorfeed.web import words
from mentorfeed.web.security import CSRF_FIELD, is_safe_url, new_token

TEMPLATES = Path(__file__).with_name("templates")
# Control characters (except tab and newline) and bidi overrides can garble or disguise text.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


# Either of the above: most text has neither, and one search costs less than two replacements.
_ODD = re.compile(f"{_UNPRINTABLE.pattern}|{_SURROGATE.pattern}")


def clean(text: str) -> str:
    """Untrusted text made printable: no control characters, no lone surrogates."""
    if _ODD.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", _UNPRINTABLE.sub("", text))


def _finalize(value: Any) -> Any:
    # Applied to every {{ expression }} before escaping; Markup is ours and already safe.
    if isinstance(value, str) and not isinstance(value, Markup):
        return clean(value)
    return "" if value is None else value


def _iso(value: date | datetime | None) -> str:
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # the store keeps UTC; SQLite forgets the zone
    return value.isoformat() if value else ""


# The zone a page shows times in: the saved profile's (`chosen`), or UTC, which app.js then
# rewrites in the viewer's own zone. Set by `render_bytes` for the one render it runs.
_ZONE: ContextVar[tuple[tzinfo, bool]] = ContextVar("zone", default=(UTC, False))
DAY = "%d %b %Y"  # one date format on every page: "14 Oct 2025"


def _local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # the store keeps UTC; SQLite forgets the zone
    return value.astimezone(_ZONE.get()[0])


def _day(value: date | datetime | None) -> str:
    if isinstance(value, datetime):
        value = _local(value)
    return f"{value:{DAY}}" if value else ""


def when(value: datetime | None) -> Markup:
    """A moment as a <time>, in the page's zone ("14 Oct 2025, 21:00 EDT"); without a chosen
    zone, app.js shows it in the viewer's."""
    if value is None:
        return Markup("")
    local = _local(value)
    chosen = _ZONE.get()[1]
    return Markup('<time datetime="{}"{}>{}</time>').format(
        _iso(value), Markup("") if chosen else Markup(' data-local="datetime"'),
        f"{local:{DAY}, %H:%M} {local.tzname() or 'UTC'}")


def when_day(value: date | datetime | None) -> Markup:
    """The day of a date or moment as a <time>, in the page's zone like `when`."""
    if value is None:
        return Markup("")
    if not isinstance(value, datetime):
        return Markup('<time datetime="{}">{}</time>').format(_iso(value), _day(value))
    chosen = _ZONE.get()[1]
    return Markup('<time datetime="{}"{}>{}</time>').format(
        _iso(value), Markup("") if chosen else Markup(' data-local="date"'), _day(value))


def profile_zone(request: Request) -> tzinfo | None:
    """The time zone of the saved trainee profile, if there is one and it is a real zone."""
    settings = getattr(getattr(request.app, "state", None), "settings", None)
    if settings is None:
        return None
    try:
        profile = service.tracking.get_profile(settings)
    except Exception:  # an error page must render even when the store cannot answer
        return None
    if profile is None:
        return None
    try:
        return ZoneInfo(profile.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return None


def sentence(text: str) -> str:
    """Text with its first letter made upper-case and the rest kept as written (Jinja's
    `capitalize` lower-cases the rest: "DMs" became "dms")."""
    return text[:1].upper() + text[1:]


def action(card: Any) -> Markup:
    """What acting on an opportunity card means, its date as a <time> ("Apply by 3 Mar 2025",
    "Join the event", "Read"); empty for a call classified before forms were read."""
    if card.form not in words.ACTIONS:
        return Markup("")
    dated, undated = words.ACTIONS[card.form]
    day = card.deadline
    if day is None:
        return Markup.escape(undated)
    when = Markup('<time datetime="{}">{}</time>').format(
        _iso(day.date() if isinstance(day, datetime) else day), _day(day))
    return Markup.escape(dated).format(day=when)


def url_with(request: Request, **changes: Any) -> str:
    """The current page's address with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return request.url.path + ("?" + urlencode(params) if params else "")


def opportunity_url(opportunity_id: str) -> str:
    """The detail page of an opportunity (its id may hold ':' and '/', as Bluesky's do)."""
    return "/opportunities/" + quote(opportunity_id, safe=":/@")


def dom_id(value: str) -> str:
    """A stable HTML id for any string (ids of posts hold characters ids may not)."""
    return "id-" + hashlib.blake2s(value.encode("utf-8", "replace"), digest_size=6).hexdigest()


def make_environment() -> Environment:
    # Templates are compiled once per process and never re-read: checking each file's time
    # on every render (auto_reload) cost a stat per template per page.
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      finalize=_finalize, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, auto_reload=False, cache_size=-1)
    env.filters.update(iso=_iso, day=_day, clean=clean, sentence=sentence, when=when,
                       when_day=when_day,
                       caption_audience=lambda n: words.caption(taxonomy.AUDIENCE_CAPTIONS, n),
                       caption_contact=lambda n: words.caption(taxonomy.CONTACT_CAPTIONS, n),
                       caption_label=lambda n: words.caption(taxonomy.LABEL_CAPTIONS, n),
                       # Filters are plain calls in compiled templates, where a global function
                       # goes through Context.call: these serve the twenty cards of a list page.
                       caption_state=lambda n: words.caption(words.STATES, n),
                       caption_role=lambda n: words.caption(taxonomy.ROLE_CAPTIONS, n),
                       caption_platform=lambda n: words.caption(taxonomy.PLATFORM_CAPTIONS, n),
                       caption_status=lambda n: words.caption(words.STATUSES, n),
                       caption_form=lambda n: words.caption(taxonomy.FORM_CAPTIONS, n),
                       action=action, dom_id=dom_id, opportunity_url=opportunity_url)
    env.globals.update(is_safe_url=is_safe_url, url_with=url_with, csrf_field_name=CSRF_FIELD,
                       words=words, taxonomy=taxonomy, caption=words.caption,
                       opportunity_url=opportunity_url, dom_id=dom_id)
    env.tests["safe_url"] = is_safe_url
    return env


environment = make_environment()


def compile_templates() -> None:
    """Compile every template now (a served app does it as it starts), rather than each on
    the first page that uses it (a fifth of a second for the journal clubs' page)."""
    for name in environment.list_templates(extensions=["html"]):
        environment.get_template(name)


HTML = "text/html; charset=utf-8"
# Stands for the visitor's CSRF token in a page rendered once and kept for everyone
# (pages.py): random per process and shaped like a token, so no post text can contain it.
TOKEN_STAND_IN = new_token()


def render_bytes(request: Request, template: str, context: Mapping[str, Any] | None = None,
                 *, csrf_token: str | None = None) -> bytes:
    """A page as UTF-8, with `request`, `csrf_token` and `path` available to the template."""
    token = getattr(request.state, "csrf_token", "") if csrf_token is None else csrf_token
    values = {"request": request, "path": request.url.path, "csrf_token": token,
              **(context or {})}
    zone = profile_zone(request)
    reset = _ZONE.set((zone, True) if zone is not None else (UTC, False))
    try:
        html = environment.get_template(template).render(values)
    finally:
        _ZONE.reset(reset)
    # "replace" so one broken character in a stored post cannot turn a page into a 500.
    return html.encode("utf-8", "replace")


def with_token(page: bytes, request: Request) -> bytes:
    """A page rendered with TOKEN_STAND_IN, carrying this visitor's token instead."""
    token = str(getattr(request.state, "csrf_token", ""))
    return page.replace(TOKEN_STAND_IN.encode(), token.encode())


def render(request: Request, template: str, context: Mapping[str, Any] | None = None, *,
           status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """An HTML response from a template, with `request`, `csrf_token` and `path` available."""
    return Response(render_bytes(request, template, context), status_code=status_code,
                    media_type=HTML, headers=dict(headers or {}))
