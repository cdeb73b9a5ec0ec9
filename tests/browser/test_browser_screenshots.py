"""Every page at phone and desktop width: it fits the screen, and a screenshot is kept for
review in test-artifacts/screenshots/<page>-<width>.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PAGES = ["opportunities", "opportunity", "mentors", "journal-clubs", "journal-club-session",
         "me", "insights"]


def _open(page: Page, base: str, name: str) -> None:
    if name == "opportunity":
        page.goto(f"{base}/opportunities")
        page.locator("ol.cards .card-title a").first.click()
        expect(page.locator("article.opportunity")).to_be_visible()
    elif name == "journal-club-session":
        page.goto(f"{base}/journal-clubs")
        page.locator("table.sessions tbody a").first.click()
        expect(page.get_by_role("heading", name="Transcript")).to_be_visible()
    else:
        response = page.goto(f"{base}/{name}")
        assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen(sized: Page, server: str, screenshots: Path, name: str) -> None:
    _open(sized, server, name)
    width = sized.viewport_size["width"] if sized.viewport_size else 0
    sized.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
    # Nothing makes the whole page scroll sideways (wide tables scroll in their own box).
    page_width = sized.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, f"{name} is {page_width}px wide on a {width}px screen"
    nav = sized.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Opportunities")).to_be_in_viewport()
