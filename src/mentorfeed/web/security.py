"""Security headers, the names the app answers to, CSRF protection for every unsafe request,
and the link policy.

Only requests whose `Host` is one of the app's own names are answered (400 otherwise): a page
on another site that points its own name at 127.0.0.1 (DNS rebinding) reaches the server with
its own name in `Host`, and is refused before any route reads the store. An unsafe request's
`Origin`, when sent, must be one of those names too.

CSRF uses the double-submit pattern: a random token lives in a cookie, and every POST must
echo it in the form field `csrf_token` (or the `X-CSRF-Token` header for scripts). A pure ASGI
middleware checks it before any route runs, so no route can forget to.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import unicodedata
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

CSRF_COOKIE = "mentorfeed_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = b"x-csrf-token"
MAX_FORM_BYTES = 256 * 1024  # our forms are small; refuse to buffer more than this
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

CSP = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
))
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # never tell linked sites which page sent the user
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_safe_url(url: object) -> bool:
    """Only absolute http(s) URLs with a host, and nothing that could hide a scheme."""
    return isinstance(url, str) and _is_safe_url(url)


@functools.lru_cache(maxsize=4096)  # pages ask about the same links again and again
def _is_safe_url(url: str) -> bool:
    if not url or len(url) > 2048:
        return False
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") or c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _cookie_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is the client's problem, not ours
                continue
            if CSRF_COOKIE in cookie:
                token = cookie[CSRF_COOKIE].value
                if 20 <= len(token) <= 100:
                    return token
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _form_token(body: bytes, content_type: str) -> str | None:
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        marker = f'name="{CSRF_FIELD}"'.encode()
        start = body.find(marker)
        if start < 0:
            return None
        value_start = body.find(b"\r\n\r\n", start)
        value_end = body.find(b"\r\n", value_start + 4)
        if value_start < 0 or value_end < 0:
            return None
        return body[value_start + 4:value_end].decode("utf-8", "replace")
    return None


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
BAD_HOST = ("This server answers only to its own names (127.0.0.1, localhost and those given "
            "with --allowed-host or MENTORFEED_ALLOWED_HOSTS); open it by one of them.")
CROSS_SITE = "This form came from another site; mentorfeed takes changes only from its own pages."


def split_host(value: str) -> tuple[str, str | None]:
    """A Host header's (or an allowed entry's) name, lowercased and bracketed if IPv6, and
    its port if it names one: "[::1]:8000" -> ("[::1]", "8000")."""
    value = value.strip().lower()
    if "://" in value:  # an entry given as a URL: its name and port
        value = urlsplit(value).netloc.rpartition("@")[2]
    if value.startswith("["):
        name, _, rest = value.partition("]")
        port = rest[1:] if rest.startswith(":") else None
        return name + "]", port or None
    if value.count(":") > 1:  # a bare IPv6 address, as an allowed entry may give it
        return f"[{value}]", None
    name, colon, port = value.partition(":")
    return name.rstrip("."), (port or None) if colon else None


class AllowedHosts:
    """The names the app answers to: the loopback names on any port, and the configured
    ones (on the port they name, or any port if they name none)."""

    def __init__(self, configured: tuple[str, ...] = ()) -> None:
        self._any_port = set(LOOPBACK_NAMES)
        self._exact: set[tuple[str, str]] = set()
        for entry in configured:
            name, port = split_host(entry)
            if not name:
                continue
            if port is None:
                self._any_port.add(name)
            else:
                self._exact.add((name, port))

    def allows(self, host: str | None) -> bool:
        if not host or len(host) > 300:
            return False
        name, port = split_host(host)
        if port is not None and not port.isdigit():
            return False
        return name in self._any_port or (port is not None and (name, port) in self._exact)

    def allows_origin(self, origin: str | None) -> bool:
        """An unsafe request's Origin: absent (an older browser, a script), or one of our
        names. "null" (a sandboxed page, a file) and other sites are refused."""
        if origin is None:
            return True
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and self.allows(parts.netloc)


class SecurityMiddleware:
    """Refuses requests for a name that is not the app's (400), adds the security headers to
    every response, and refuses unsafe requests that lack a valid CSRF token or come from
    another site (403)."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...] = ()) -> None:
        self.app = app
        self.hosts = AllowedHosts(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in UNSAFE_METHODS and not self.hosts.allows_origin(
                _header(scope, b"origin")):  # another site's form, whatever name it used
            await _refuse(scope, send, 403, CROSS_SITE)
            return
        if not self.hosts.allows(_header(scope, b"host")):
            await _refuse(scope, send, 400, BAD_HOST)  # no cookie for a name not ours
            return
        cookie = _cookie_token(scope)
        token = cookie or new_token()
        scope.setdefault("state", {})["csrf_token"] = token
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in HEADERS if n not in present]
                if cookie is None:
                    flags = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={token}; {flags}".encode()))
                message["headers"] = headers
            await send(message)

        if scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send_with_headers)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_FORM_BYTES:
                await _refuse(scope, send_with_headers, 413, "The form is too large.")
                return
        sent = _header(scope, CSRF_HEADER) or _form_token(
            body, _header(scope, b"content-type") or "")
        if not (cookie and sent and hmac.compare_digest(cookie, sent)):
            await _refuse(scope, send_with_headers, 403,
                          "This form has expired or did not come from this site. Go back, "
                          "reload the page and try again.")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)


async def _refuse(scope: Scope, send: Send, status: int, message: str) -> None:
    from mentorfeed.web.errors import error_response  # errors imports this module

    response = error_response(scope, status, message)
    await response(scope, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}
