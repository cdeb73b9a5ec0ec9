"""Keyboard access, hostile posts, and the Content Security Policy, in a real browser.

The `page` fixture fails any test during which a JavaScript dialog opened, a script threw, or
the browser reported a CSP violation; these tests walk every page to give it the chance.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PAGES = ["/opportunities", "/mentors", "/mentors?for=me", "/journal-clubs", "/me", "/insights"]


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(
        page: Page, server: str) -> None:
    for path in ("/opportunities", "/me", "/insights"):
        page.goto(f"{server}{path}")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to main content")
        expect(skip).to_be_focused()
        expect(skip).to_be_visible()  # hidden until focused, then shown to sighted users
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        # The next Tab goes on from the main content, not back to the navigation.
        page.keyboard.press("Tab")
        in_main = page.evaluate("document.querySelector('main').contains(document.activeElement)")
        assert in_main, f"Tab after the skip link left the main content on {path}"


def _links_to_follow(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href^='/']", "els => els.map(e => e.pathname)")
    return sorted({f"{base}{h}" for h in hrefs if h.startswith(("/opportunities/", "/mentors/",
                                                                  "/journal-clubs/"))})


def test_hostile_posts_show_as_text_and_run_nothing(page: Page, hostile_server: str) -> None:
    page.goto(f"{hostile_server}/opportunities?filtered=1")
    cards = page.locator("ol.cards > li > article.card")
    expect(cards.first).to_be_visible()
    # The markup in the post is shown to the reader as the text it is.
    expect(page.locator("main")).to_contain_text("<script>alert('pwned')</script>")
    expect(page.locator("main")).to_contain_text("<img src=x onerror=alert(2)>")
    expect(page.locator("main script")).to_have_count(0)
    expect(page.locator("main img")).to_have_count(0)

    visited: list[str] = []
    to_visit = [f"{hostile_server}{p}" for p in PAGES] + _links_to_follow(page, hostile_server)
    while to_visit and len(visited) < 40:
        url = to_visit.pop(0)
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        visited.append(url)
        for found in _links_to_follow(page, hostile_server):
            if found not in to_visit and found not in visited:
                to_visit.append(found)
        # No link may run script or leave http(s): javascript:, data: and the like are text.
        bad = page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.href).filter(h => !/^https?:/i.test(h))")
        assert bad == [], f"non-http(s) links on {url}: {bad}"
        expect(page.locator("script:not([src])")).to_have_count(0)
    # Both hostile posts and both hostile profiles were among the pages walked.
    assert len([url for url in visited if "/opportunities/" in url]) >= 2, visited
    assert len([url for url in visited if "/mentors/" in url]) >= 2, visited


def test_every_page_loads_without_csp_violations_or_script_errors(
        page: Page, server: str) -> None:
    seen = []
    page.goto(f"{server}/opportunities")
    to_visit = [f"{server}{p}" for p in PAGES]
    to_visit += _links_to_follow(page, server)[:2]
    page.goto(f"{server}/journal-clubs")
    to_visit += _links_to_follow(page, server)[:2]
    page.goto(f"{server}/mentors")
    to_visit += _links_to_follow(page, server)[:2]
    for url in to_visit:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        csp = response.header_value("content-security-policy") or ""
        assert "script-src 'self'" in csp, url
        # Stylesheets and the script loaded (a blocked one would leave the page unstyled).
        assert page.evaluate("document.styleSheets.length") >= 1, url
        seen.append(page.title())
    assert len(seen) >= 8
    assert all(re.search(r" · mentorfeed$", title) for title in seen), seen
