"""A curator labels posts on the Review page with the keyboard, and corrects a card's labels."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

pytestmark = pytest.mark.browser

Submit = Callable[[Locator], None]
ITEMS = "article[data-review]"


def test_labelling_a_post_on_review_with_the_keyboard(page: Page, own_server: str) -> None:
    page.goto(f"{own_server}/review")
    items = page.locator(ITEMS)
    expect(items.first).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("[data-keys-help]")).to_be_visible()
    first_id = items.first.locator("input[name='post']").input_value()
    second_id = items.nth(1).locator("input[name='post']").input_value()

    page.keyboard.press("j")  # to the second post and back
    expect(items.nth(1)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("k")
    expect(items.first).to_have_class(re.compile(r"\bcurrent\b"))

    form = items.first.locator("form[data-correct]")
    page.keyboard.press("n")  # clears every label first
    expect(form.locator("input[name='label']:checked")).to_have_count(0)
    page.keyboard.press("6")  # journal club
    page.keyboard.press("3")  # specialty information
    page.keyboard.press("e")
    expect(form.get_by_label("Journal club")).to_be_checked()
    expect(form.get_by_label("Not an opportunity")).not_to_be_checked()
    expect(form.locator("select[name='form']")).to_have_value("event")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Your correction is saved")
    expect(page.locator(f"input[name='post'][value='{first_id}']")).to_have_count(0)
    # The post after it is first now, and it is the one the keys act on.
    expect(items.first.locator("input[name='post']")).to_have_value(second_id)
    expect(items.first).to_have_class(re.compile(r"\bcurrent\b"))
    expect(items.first).to_be_focused()

    # The correction is what the post's page shows.
    page.goto(f"{own_server}/opportunities/{first_id}")
    badges = page.locator("article.opportunity ul.badges li.badge")
    expect(badges).to_have_text(["Specialty information", "Journal club"])
    expect(page.get_by_text("Corrected: a person set these labels.")).to_be_visible()


def test_wrong_label_on_a_card_without_javascript(browser: Browser, own_server: str,
                                                  submit: Submit) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{own_server}/opportunities")
    card = page.locator("ol.cards > li > article.card").nth(2)
    card.get_by_text("Wrong label?").click()
    form = card.locator("form[data-correct]")
    post_id = form.locator("input[name='post']").input_value()
    for box in form.locator("input[name='label']").all():
        box.uncheck()
    form.get_by_label("Peer mentorship").check()
    form.locator("select[name='form']").select_option("resource")
    submit(form.get_by_role("button", name="Save correction"))
    expect(page.get_by_role("status")).to_contain_text("Your correction is saved")
    changed = page.locator("article.card",
                           has=page.locator(f"input[name='post'][value='{post_id}']"))
    expect(changed.locator(".card-title")).to_contain_text("Peer mentorship from")
    expect(changed.locator("li.badge")).to_have_text(["Peer mentorship"])
    expect(changed.locator(".corrected-mark")).to_have_text("Corrected")
    expect(changed.locator(".action")).to_have_text("Read")
    context.close()
