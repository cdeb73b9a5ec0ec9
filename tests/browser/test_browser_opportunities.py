"""A trainee finds calls on the Opportunities page, opens one, saves it and tracks it on Me."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

Submit = Callable[[Locator], None]
CARDS = "ol.cards > li > article.card"


def test_filtering_by_kind_shows_only_cards_of_that_kind(page: Page, server: str) -> None:
    page.goto(f"{server}/opportunities")
    cards = page.locator(CARDS)
    expect(cards.first).to_be_visible()
    before = cards.count()
    # Unfiltered, the first page mixes kinds: some card is not a journal club.
    assert cards.filter(has_not=page.locator("li.badge[data-label='journal_club']")).count() > 0

    page.get_by_label("Kind").select_option(label="Journal club")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"label=journal_club"))
    expect(page.get_by_label("Kind")).to_have_value("journal_club")
    expect(cards.first).to_be_visible()
    assert 0 < cards.count() <= before
    for card in cards.all():
        expect(card.locator("li.badge[data-label='journal_club']")).to_have_count(1)
        expect(card.locator("li.badge[data-label='journal_club']")).to_be_visible()


def test_full_text_search_finds_the_word(page: Page, server: str) -> None:
    page.goto(f"{server}/opportunities")
    page.get_by_role("searchbox", name="Search").fill("melanoma")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.get_by_role("searchbox", name="Search")).to_have_value("melanoma")
    texts = page.locator(f"{CARDS} .card-text")
    expect(texts.first).to_be_visible()
    for text in texts.all_inner_texts():
        assert "melanoma" in text.lower()

    page.get_by_role("searchbox", name="Search").fill("zzqxnotaword")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="No opportunities here")).to_be_visible()


def test_opening_an_opportunity_shows_its_post_and_author(page: Page, server: str) -> None:
    page.goto(f"{server}/opportunities")
    first = page.locator(CARDS).first
    excerpt = first.locator(".card-text").inner_text()
    author = first.locator(".author").inner_text()
    first.locator(".card-title a").click()

    expect(page).to_have_url(re.compile(r"/opportunities/[^/?]+"))
    post = page.locator("article.opportunity .post-text")
    expect(post).to_be_visible()
    # The card shows the start of the post; the detail page shows all of it.
    assert post.inner_text().startswith(excerpt.rstrip("…").strip()[:80])
    who = page.locator("section.author-card")
    expect(who.get_by_role("heading", name="Who posted it")).to_be_visible()
    handle = re.search(r"@\S+", author)
    assert handle is not None, author
    expect(who).to_contain_text(handle.group(0).rstrip(","))
    expect(page.get_by_role("link", name="All opportunities")).to_be_visible()


def test_saved_opportunity_status_persists_on_me(page: Page, server: str,
                                                 submit: Submit) -> None:
    page.goto(f"{server}/opportunities")
    card = page.locator(CARDS).filter(
        has=page.get_by_role("button", name="Save this opportunity")).first
    link = card.locator(".card-title a")
    href = link.get_attribute("href")
    assert href is not None
    card.get_by_role("button", name="Save this opportunity").click()  # saved in place

    saved_card = page.locator(CARDS).filter(has=page.locator(f"a[href='{href}']"))
    expect(saved_card.locator(".saved-mark")).to_contain_text("Saved · Track it under Me")

    saved_card.get_by_role("link", name="Track it under Me").click()
    expect(page).to_have_url(re.compile(r"/me#saved$"))
    item = page.locator("#saved article.card").filter(has=page.locator(f"a[href='{href}']"))
    expect(item).to_have_count(1)
    item.get_by_label("Status").select_option(label="Contacted or applied")
    item.get_by_label("Note").fill("Emailed on Monday; follow up in two weeks.")
    submit(item.get_by_role("button", name="Update"))

    expect(page.get_by_role("status")).to_contain_text("changes to the saved opportunity")
    page.reload()
    item = page.locator("#saved article.card").filter(has=page.locator(f"a[href='{href}']"))
    expect(item.get_by_label("Status")).to_have_value("contacted")
    expect(item.get_by_label("Note")).to_have_value("Emailed on Monday; follow up in two weeks.")

    page.get_by_role("link", name="Contacted or applied").click()
    expect(page.locator("#saved")).to_contain_text("with status “Contacted or applied”")
    expect(page.locator("#saved article.card").filter(
        has=page.locator(f"a[href='{href}']"))).to_have_count(1)
    page.goto(f"{server}{href}")
    expect(page.locator(".saved-mark")).to_contain_text("Contacted or applied")
