"""Error responses: an HTML page for people, one JSON shape for /api clients.

Every JSON error is `{"error": {"code": ..., "status": ..., "message": ...}}`, built by
`api_error` alone, so a client handles one shape whatever failed. Which status and code a
library error gets is decided in one table, `KINDS`, for the pages and the API alike.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, NamedTuple

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mentorfeed import service
from mentorfeed.errors import (
    AuthError,
    ConfigError,
    MentorfeedError,
    ModelError,
    QueryError,
    RateLimitError,
    SourceError,
    StoreError,
)
from mentorfeed.web.filter_checks import not_understood
from mentorfeed.web.security import HEADERS

_FRIENDLY = {
    404: "There is nothing at this address. It may have been removed, or the link is wrong.",
    405: "This address does not accept that kind of request.",
    500: "Something went wrong on our side. Try again; if it keeps happening, please report "
         "it.",
}

_STORE_FAULT = ("The database could not answer; try again, and if it keeps happening check "
                "that the store is reachable and not damaged.")
_MODEL_FAULT = ("The classification model is missing or damaged; run `mentorfeed train` or "
                "reinstall mentorfeed.")


class Kind(NamedTuple):
    """How one kind of library error is answered: its status, its code, and for a fault the
    sentence sent in place of its own message (which may name files or hosts)."""

    status: int
    code: str
    sentence: str | None = None


# The first entry the error is an instance of wins, so subclasses come before their bases.
KINDS: tuple[tuple[type[Exception], Kind], ...] = (
    (service.curation.UnknownPost, Kind(404, "not_found")),
    (service.tracking.NotFoundError, Kind(404, "not_found")),
    (QueryError, Kind(400, "bad_query")),
    (ConfigError, Kind(400, "bad_input")),
    (RateLimitError, Kind(503, "rate_limited")),
    (AuthError, Kind(502, "source_auth")),
    (SourceError, Kind(400, "bad_source")),
    (StoreError, Kind(500, "store_fault", _STORE_FAULT)),
    (ModelError, Kind(500, "model_fault", _MODEL_FAULT)),
    (MentorfeedError, Kind(400, "bad_request")),
)
UNEXPECTED = Kind(500, "internal_error")

# Codes of the errors that HTTP itself raises (routing, methods, CSRF refusals, validation).
_HTTP_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 422: "invalid_request"}


def kind_of(exc: Exception) -> Kind:
    """The row of `KINDS` that answers `exc`; anything else is an unexpected fault."""
    for cls, kind in KINDS:
        if isinstance(exc, cls):
            return kind
    return UNEXPECTED


def http_code(status: int) -> str:
    """A stable code for an HTTP status: `not_found`, `method_not_allowed`, ..."""
    if status in _HTTP_CODES:
        return _HTTP_CODES[status]
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "error"
    return phrase.lower().replace(" ", "_").replace("-", "_")


def is_api(scope: Any) -> bool:
    path = str(scope.get("path", ""))
    return path == "/api" or path.startswith("/api/")


def api_error(status: int, code: str, message: str) -> JSONResponse:
    """The one JSON error shape of the API."""
    return JSONResponse({"error": {"code": code, "status": status, "message": message}},
                        status_code=status, headers=_security_headers())


def _security_headers() -> dict[str, str]:
    # A crash is answered outside the security middleware, so the headers are set here too.
    return {name.decode(): value.decode() for name, value in HEADERS}


def error_response(scope: Any, status: int, message: str | None = None,
                   code: str | None = None) -> Response:
    """The error page (HTML) or the JSON error object, as the path calls for."""
    text = message or _FRIENDLY.get(status) or HTTPStatus(status).phrase
    if is_api(scope):
        return api_error(status, code or http_code(status), text)
    from mentorfeed.web.rendering import render

    request = Request(scope)
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return render(request, "error.html", {"status": status, "title": title, "message": text},
                  status_code=status, headers=_security_headers())


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
    response = error_response(request.scope, exc.status_code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(request.scope, 422, not_understood(exc.errors(), skip=1),
                          code=_HTTP_CODES[422])


async def _failed(request: Request, exc: Exception) -> Response:
    """Every library error and every crash, answered as `KINDS` says; never a traceback."""
    kind = kind_of(exc)
    message = kind.sentence if kind.status >= 500 else str(exc)  # None: the friendly sentence
    return error_response(request.scope, kind.status, message, code=kind.code)


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    # Library errors are answered like any handled error; Exception goes to Starlette's last
    # resort, which answers with the same function and then logs the traceback for us.
    app.add_exception_handler(MentorfeedError, _failed)
    app.add_exception_handler(Exception, _failed)
