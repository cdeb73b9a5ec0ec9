"""The defects a browser review found (issue 15, Must have 9), checked at a phone's and a
desktop's width: nothing is wider than the screen, a page past the end says so, a reply shows
what it answers and links its poster's page, Save keeps the reader's place, the API docs are
reachable, the filters combine, and times have one format in the viewer's zone."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from conftest import LONG_HANDLE, TIMEOUT_MS  # type: ignore[import-not-found]
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

CARDS = "ol.cards > li > article.card"
USER, SERVER = LONG_HANDLE.split("@")
LONG_CALL = f"mastodon:https://{SERVER}/users/{USER}/statuses/991001"
# A sample call made as a reply to another person's question (corpus, Bluesky).
REPLY = ("bluesky:at://did:plc:7lfodiwcgba5jmclhrposv3j/app.bsky.feed.post/3ln2fu52yh3zn")
SESSION = "x:DermJC:2023-09-15T01:00"


def _width(page: Page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("path", [
    "/opportunities?filtered=1&platform=mastodon",
    f"/opportunities/{quote(LONG_CALL, safe=':/@')}",
    "/mentors",
    f"/mentors/mastodon/{quote(f'https://{SERVER}/users/{USER}', safe='')}",
    "/journal-clubs",
    "/api/v1/docs",
])
def test_no_page_is_wider_than_the_screen(sized: Page, long_handle_server: str,
                                          path: str) -> None:
    response = sized.goto(f"{long_handle_server}{path}")
    assert response is not None and response.ok, path
    if "opportunities" in path:
        expect(sized.get_by_text(f"@{LONG_HANDLE}").first).to_be_visible()
    scroll, viewport = _width(sized)
    assert scroll <= viewport, f"{path} is {scroll} px wide on a {viewport} px screen"


def test_a_page_past_the_end_says_so_and_leads_back(sized: Page, server: str) -> None:
    sized.goto(f"{server}/opportunities?page=99999")
    expect(sized.get_by_text("Page 99999 is past the end of the list")).to_be_visible()
    expect(sized.get_by_text("holds no opportunities")).to_have_count(0)
    sized.get_by_role("link", name="Go to the first page").click()
    expect(sized.locator(CARDS).first).to_be_visible()
    expect(sized.locator(".result-count")).to_contain_text(re.compile(r"\d+ calls"))


def test_a_reply_shows_what_it_answers_and_links_the_posters_page(sized: Page,
                                                                  server: str) -> None:
    sized.goto(f"{server}/opportunities/{quote(REPLY, safe=':/@')}")
    parent = sized.locator("section.in-reply-to")
    expect(parent.get_by_role("heading", name="In reply to")).to_be_visible()
    expect(parent.locator(".card-text")).not_to_be_empty()
    handle = sized.locator("section.author-card .muted").first.inner_text()
    sized.get_by_role("link", name="Their mentor page on mentorfeed").click()
    expect(sized.locator("h1")).to_contain_text(handle)
    assert _width(sized)[0] <= _width(sized)[1]


def test_save_keeps_the_readers_place(sized: Page, long_handle_server: str) -> None:
    sized.goto(f"{long_handle_server}/opportunities")
    title_id = sized.locator(CARDS).filter(
        has=sized.get_by_role("button", name="Save this opportunity")).nth(4).locator(
        ".card-title").get_attribute("id")
    # The same card once it has no Save button.
    card = sized.locator(CARDS).filter(has=sized.locator(f"#{title_id}"))
    card.scroll_into_view_if_needed()
    before = sized.evaluate("window.scrollY")
    url = sized.url
    card.get_by_role("button", name="Save this opportunity").click()
    expect(card.locator(".saved-mark")).to_have_text(re.compile(r"^Saved · Track it under Me"))
    assert sized.url == url  # no new page
    assert abs(sized.evaluate("window.scrollY") - before) < 5
    href = card.locator(".card-title a").get_attribute("href")
    sized.goto(f"{long_handle_server}/me")
    expect(sized.locator(f'main a[href="{href}"]').first).to_be_visible()


def test_without_script_save_comes_back_to_the_card(browser: Browser,
                                                    long_handle_server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{long_handle_server}/opportunities")
        card = page.locator(CARDS).filter(
            has=page.get_by_role("button", name="Save this opportunity")).nth(3)
        title_id = card.locator(".card-title").get_attribute("id")
        assert title_id and title_id.startswith("card-")
        with page.expect_navigation():
            card.get_by_role("button", name="Save this opportunity").click()
        assert page.url.endswith(f"#{title_id}")
        again = page.locator(CARDS).filter(has=page.locator(f"#{title_id}"))
        expect(again.locator(".saved-mark")).to_be_visible()
        expect(page.locator(f"#{title_id}")).to_be_in_viewport()
    finally:
        context.close()


def test_the_api_docs_are_linked_from_every_page(sized: Page, server: str) -> None:
    sized.goto(f"{server}/journal-clubs")
    sized.locator("footer").get_by_role("link", name="JSON API").click()
    expect(sized.get_by_role("heading", name="JSON API", level=1)).to_be_visible()
    scroll, viewport = _width(sized)
    assert scroll <= viewport


def test_topics_and_deadline_filters_combine(sized: Page, server: str) -> None:
    sized.goto(f"{server}/opportunities")
    sized.locator("summary", has_text="Topics").click()
    sized.get_by_label("hair", exact=True).check()
    sized.get_by_label("skin of color", exact=True).check()
    sized.get_by_label("calls on any chosen topic (OR)").check()
    sized.get_by_label("Only calls still open").uncheck()
    sized.get_by_role("button", name="Apply filters").click()
    expect(sized).to_have_url(re.compile(r"topic_match=any"))
    assert {"topic=hair", "topic=skin+of+color"} <= set(sized.url.split("?")[1].split("&"))
    count = sized.locator(".result-count")
    expect(count).to_contain_text("matching these filters")
    either = int(re.sub(r"\D", "", count.locator("strong").inner_text()))
    sized.get_by_label("calls on every chosen topic (AND)").check()
    sized.get_by_role("button", name="Apply filters").click()
    expect(sized).to_have_url(re.compile(r"topic_match=all"))
    both = int(re.sub(r"\D", "", sized.locator(".result-count strong").inner_text()))
    assert 0 < both < either
    sized.get_by_label("Only calls that state a deadline").check()
    sized.get_by_label("Deadline within (days)").fill("")
    sized.get_by_role("button", name="Apply filters").click()
    expect(sized).to_have_url(re.compile(r"dated=1"))
    for card in sized.locator(CARDS).all():
        expect(card.locator("dd").filter(has_text="None stated")).to_have_count(0)
    assert _width(sized)[0] <= _width(sized)[1]


def test_times_have_one_format_in_the_viewers_zone(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US",
                                  timezone_id="America/New_York")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{server}/journal-clubs/{SESSION}")
        expect(page.locator("h1 time")).to_have_text("14 Sep 2023, 21:00 EDT")
        texts = page.locator("main time").all_inner_texts()
        assert texts and all(re.fullmatch(r"\d\d [A-Z][a-z]{2} \d{4}(, \d\d:\d\d \S+)?", t)
                             for t in texts), texts
        assert not any("15 Sep 2023" in t for t in texts)
    finally:
        context.close()
