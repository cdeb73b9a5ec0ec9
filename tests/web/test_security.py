"""Security: headers, CSRF on every POST, escaping of hostile posts, links, redirects, serving."""

from __future__ import annotations

import re
import socket

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mentorfeed.cli import app as cli
from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError
from mentorfeed.web import create_app
from mentorfeed.web.security import is_safe_url
from mentorfeed.web.serve import check_free, is_loopback

BASE = "http://127.0.0.1:8000"

ALL = "/opportunities?filtered=1"
HOSTILE_IDS = ("x:1990000000000000001", "x:1990000000000000002")


def test_pages_carry_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/me", "/static/style.css", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_pages_hold_no_inline_script_or_style(client: TestClient) -> None:
    opportunity = re.search(r'href="(/opportunities/[^"]+)"', client.get(ALL).text)
    assert opportunity
    for path in ("/", ALL, "/me", opportunity.group(1), "/missing"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html and not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


@pytest.mark.parametrize("data", [
    {},  # no token at all
    {"csrf_token": "not-the-token-that-the-cookie-holds"},
])
def test_a_post_without_the_right_token_is_refused(client: TestClient, data: dict[str, str],
                                                  csrf_token: str) -> None:
    response = client.post("/me/profile", data={**data, "stage": "MS1"})
    assert response.status_code == 403
    assert "did not come from this site" in response.text


def test_a_post_from_another_site_is_refused(client: TestClient, csrf_token: str) -> None:
    response = client.post("/me/profile", data={"csrf_token": csrf_token, "stage": "MS1"},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


def test_a_token_without_its_cookie_is_refused(client: TestClient, csrf_token: str) -> None:
    client.cookies.clear()
    response = client.post("/me/profile", data={"csrf_token": csrf_token, "stage": "MS1"})
    assert response.status_code == 403


def test_an_api_post_without_token_gets_a_json_refusal(client: TestClient) -> None:
    response = client.post("/api/v1/anything", json={"x": 1})
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403


def test_redirects_stay_on_this_site(client: TestClient, csrf_token: str) -> None:
    opportunity_id = re.findall(r'name="opportunity_id" value="([^"]+)"',
                                client.get(ALL).text)[0]
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.post("/saved", data={"csrf_token": csrf_token, "next": target,
                                               "opportunity_id": opportunity_id},
                               follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/opportunities/")
    client.post("/saved/remove", data={"csrf_token": csrf_token,
                                       "opportunity_id": opportunity_id})


def hostile_pages(client: TestClient) -> dict[str, str]:
    pages = {ALL: client.get(ALL).text}
    for opportunity_id in HOSTILE_IDS:
        response = client.get(f"/opportunities/{opportunity_id}")
        assert response.status_code == 200
        pages[opportunity_id] = response.text
    return pages


def test_hostile_posts_are_shown_as_text(hostile_client: TestClient) -> None:
    pages = hostile_pages(hostile_client)
    assert all(i in pages[ALL] for i in HOSTILE_IDS), "both hostile calls are listed"
    for where, html in pages.items():
        assert "<script>alert" not in html and "<img src=x" not in html, where
        assert "<b onmouseover" not in html and "<script>steal" not in html, where
    detail = pages[HOSTILE_IDS[0]]
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in detail
    assert "&lt;b onmouseover=alert(1)&gt;Mallory&lt;/b&gt;" in detail  # the name, as text
    assert "javascript:alert(&#39;bio&#39;)" in detail  # the bio is shown, never linked


def test_only_http_links_are_links(hostile_client: TestClient) -> None:
    for where, html in hostile_pages(hostile_client).items():
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert not [h for h in hrefs if re.match(r"\s*(javascript|data|vbscript):", h, re.I)]
        for anchor in re.findall(r"<a [^>]*>", html):
            if re.search(r'href="https?:', anchor):
                assert 'rel="noopener nofollow ugc"' in anchor, (where, anchor)
    detail = hostile_pages(hostile_client)[HOSTILE_IDS[0]]
    assert '<span class="unlinked">javascript:alert(document.cookie)</span>' in detail


def test_control_and_direction_characters_never_reach_the_page(
        hostile_client: TestClient) -> None:
    for where, html in hostile_pages(hostile_client).items():
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069]", html), \
            where
    assert "Trudy resident" in hostile_pages(hostile_client)[HOSTILE_IDS[1]]


@pytest.mark.parametrize(("url", "safe"), [
    ("https://example.org/form", True),
    ("http://example.org", True),
    ("HTTPS://EXAMPLE.ORG/x", True),
    ("javascript:alert(1)", False),
    (" javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("vbscript:msgbox", False),
    ("//example.org/x", False),
    ("/relative/path", False),
    ("https://", False),
    ("https://exa\tmple.org", False),
    ("https://example.org/\u202egnp.exe", False),
    ("", False),
    (None, False),
])
def test_is_safe_url(url: str | None, safe: bool) -> None:
    assert is_safe_url(url) is safe


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False),
    ("192.168.1.20", False), ("example.org", False)])
def test_which_addresses_count_as_this_computer(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serving_elsewhere_warns_and_a_taken_port_is_one_sentence() -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"Port {port} is in use"):
            check_free("127.0.0.1", port)
        result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", str(port)])
    assert isinstance(result.exception, ConfigError)
    assert "Warning: serving on 0.0.0.0" in result.output
    assert "no login" in result.output


def test_a_crash_is_a_plain_error_page_or_json(demo_settings: Settings) -> None:
    crashing = create_app(demo_settings)

    @crashing.get("/boom")
    @crashing.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret detail /home/someone/.env")

    with TestClient(crashing, base_url=BASE, raise_server_exceptions=False) as client:
        page = client.get("/boom")
        assert page.status_code == 500 and "Something went wrong on our side" in page.text
        assert "secret detail" not in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        api = client.get("/api/v1/boom")
        assert api.status_code == 500 and api.json()["error"]["status"] == 500
        assert "secret detail" not in api.text
