"""The trainee's profile drives the "for me" mentor ranking; journal clubs read as transcripts."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

Submit = Callable[[Locator], None]


def _save_profile(page: Page, submit: Submit, base: str, stage: str, interests: list[str],
                  goals: list[str]) -> None:
    page.goto(f"{base}/me#profile")
    form = page.locator("form.profile-form")
    form.get_by_label("Stage").select_option(label=stage)
    for box in form.locator("input[name='interests'], input[name='goals']").all():
        box.uncheck()
    for interest in interests:
        form.get_by_label(interest, exact=True).check()
    for goal in goals:
        form.get_by_label(goal, exact=True).check()
    submit(form.get_by_role("button", name="Save profile"))
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved")


def _ranking(page: Page, base: str) -> list[str]:
    page.goto(f"{base}/mentors?for=me")
    expect(page.get_by_role("link", name="For me")).to_have_attribute("aria-current", "page")
    names = page.locator("ol.match-list > li .card-title a")
    expect(names.first).to_be_visible()
    return names.all_inner_texts()


def test_for_me_ranking_follows_the_profile_interests(page: Page, own_server: str,
                                                     submit: Submit) -> None:
    page.goto(f"{own_server}/mentors?for=me")
    expect(page.get_by_role("heading", name="Tell us about yourself first")).to_be_visible()
    page.get_by_role("link", name="Fill in your profile").click()
    expect(page).to_have_url(re.compile(r"/me$"))

    _save_profile(page, submit, own_server, "Medical student, year 3", ["melanoma"],
                  ["Research"])
    page.reload()  # the form shows what was stored, not what was typed
    form = page.locator("form.profile-form")
    expect(form.get_by_label("Stage")).to_have_value("MS3")
    expect(form.get_by_label("melanoma", exact=True)).to_be_checked()
    expect(form.get_by_label("Research", exact=True)).to_be_checked()
    skin_cancer = _ranking(page, own_server)
    expect(page.locator("main")).to_contain_text("interests: melanoma")
    assert page.locator("ol.match-list .score").count() == len(skin_cancer)

    _save_profile(page, submit, own_server, "Medical student, year 3",
                  ["pediatric dermatology"], ["Research"])
    children = _ranking(page, own_server)
    expect(page.locator("main")).to_contain_text("interests: pediatric dermatology")
    assert children != skin_cancer
    assert children[0] != skin_cancer[0], (children[:3], skin_cancer[:3])


def test_journal_club_session_reads_as_a_transcript(page: Page, server: str) -> None:
    page.goto(f"{server}/journal-clubs")
    expect(page.get_by_role("heading", name="Past sessions")).to_be_visible()
    sessions = page.locator("table.sessions tbody tr")
    expect(sessions.first).to_be_visible()
    first = sessions.first.locator("a").first
    title = first.inner_text()
    first.click()

    expect(page).to_have_url(re.compile(r"/journal-clubs/.+"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title.split(" on ")[0])
    expect(page.get_by_role("heading", name="Transcript")).to_be_visible()
    question = page.locator("ol.questions > li.question").first
    expect(question.get_by_role("heading", name=re.compile(r"^Question \d+$"))).to_be_visible()
    expect(question.locator("article.post-question .card-text")).not_to_be_empty()
    expect(page.locator("ul.answers article.post-answer").first).to_be_visible()
    expect(page.get_by_role("heading", name="Participants")).to_be_visible()
    page.get_by_role("link", name="All journal clubs").click()
    expect(page).to_have_url(re.compile(r"/journal-clubs$"))
