"""Every page at phone and desktop width: it fits the screen, a screenshot is kept for review
in test-artifacts/screenshots/<page>-<width>.png, and its text contrast and form labels meet
WCAG 2.1 AA (checked in the page by wcag.js)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WCAG = (Path(__file__).with_name("wcag.js")).read_text(encoding="utf-8")
PAGES = ["opportunities", "opportunity", "mentors", "journal-clubs", "journal-club-session",
         "me", "insights", "review", "opportunities-correcting"]


def _open(page: Page, base: str, name: str) -> None:
    if name == "opportunity":
        page.goto(f"{base}/opportunities")
        page.locator("ol.cards .card-title a").first.click()
        expect(page.locator("article.opportunity")).to_be_visible()
    elif name == "opportunities-correcting":  # a card with its "Wrong label?" form open
        page.goto(f"{base}/opportunities")
        page.locator("ol.cards details.correct > summary").first.click()
        expect(page.locator("ol.cards details.correct form").first).to_be_visible()
        page.evaluate("window.scrollTo(0, 0)")  # clicking scrolled the card into view
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


@pytest.mark.parametrize("name", PAGES)
def test_page_meets_wcag_aa_contrast_and_labels(sized: Page, server: str, name: str) -> None:
    _open(sized, server, name)
    problems = sized.evaluate(WCAG)
    assert problems == [], f"{name}: " + "; ".join(problems)


def test_the_wcag_check_finds_low_contrast_and_unlabelled_controls(page: Page) -> None:
    page.set_content(
        "<main style='background:#fff'><p style='color:#999'>pale grey on white</p>"
        "<p style='color:#595959'>dark enough grey</p>"
        "<h1 style='color:#949494;font-size:32px'>large text needs only 3:1</h1>"
        "<div style='background:rgba(0,0,0,.7)'>"
        "<span style='color:#000'>black on grey</span></div>"
        "<label>Named <input name=a></label><input name=b><button></button></main>")
    problems = page.evaluate(WCAG)
    assert len(problems) == 4, problems
    assert any('"pale grey on white" has contrast 2.85:1' in p for p in problems)
    assert any('"black on grey"' in p for p in problems)
    assert any("b" in p and p.endswith("has no label") for p in problems)
    assert any(p.endswith("has no name") for p in problems)
