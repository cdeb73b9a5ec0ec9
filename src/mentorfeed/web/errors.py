"""Error responses: an HTML page for people, a JSON object for /api clients.

The JSON shape is `{"error": {"status": 404, "message": "..."}}`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mentorfeed.errors import MentorfeedError
from mentorfeed.web.security import HEADERS

_FRIENDLY = {
    404: "There is nothing at this address. It may have been removed, or the link is wrong.",
    405: "This address does not accept that kind of request.",
    500: "Something went wrong on our side. Try again; if it keeps happening, please report "
         "it.",
}


def is_api(scope: Any) -> bool:
    path = str(scope.get("path", ""))
    return path == "/api" or path.startswith("/api/")


def error_response(scope: Any, status: int, message: str | None = None) -> Response:
    """The error page (HTML) or the JSON error object, as the path calls for."""
    text = message or _FRIENDLY.get(status) or HTTPStatus(status).phrase
    # A crash is answered outside the security middleware, so the headers are set here too.
    headers = {name.decode(): value.decode() for name, value in HEADERS}
    if is_api(scope):
        return JSONResponse({"error": {"status": status, "message": text}}, status_code=status,
                            headers=headers)
    from mentorfeed.web.rendering import render

    request = Request(scope)
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return render(request, "error.html", {"status": status, "title": title, "message": text},
                  status_code=status, headers=headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
    response = error_response(request.scope, exc.status_code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', '')}"
        for e in exc.errors())
    return error_response(request.scope, 422, f"Some values were not understood ({problems}).")


async def _library_error(request: Request, exc: Exception) -> Response:
    return error_response(request.scope, 400, str(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    return error_response(request.scope, 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(MentorfeedError, _library_error)
    app.add_exception_handler(Exception, _unexpected)
