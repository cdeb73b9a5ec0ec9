"""The trainee's pages on the sample store: what a user sees and can do on each."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from mentorfeed.web.rendering import action

ALL = "/opportunities?filtered=1"  # every call, open or not, so results do not age


def form_token(html: str) -> str:
    """The csrf_token hidden field of the first form in a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def card_ids(html: str) -> list[str]:
    return re.findall(r'name="opportunity_id" value="([^"]+)"', html)


@pytest.mark.parametrize("path", [
    "/", "/opportunities", ALL, f"{ALL}&sort=deadline&label=research_collaboration",
    f"{ALL}&audience=medical_student&topic=hair&platform=x", f"{ALL}&page=2", "/me",
    f"{ALL}&form=event&sort=deadline",
    f"{ALL}&q=research&since=2020-01-01&until=2030-12-31&open=1",
])
def test_every_page_answers_with_html(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<a class="skip-link" href="#main">' in response.text
    assert 'aria-current="page"' in response.text


def test_the_list_shows_what_a_trainee_needs_on_each_card(client: TestClient) -> None:
    html = client.get(ALL).text
    cards = html.split('<article class="card"')[1:]
    assert len(cards) == 20
    for card in cards:
        assert 'class="badge"' in card
        for caption in ("What to do", "Deadline", "For", "Posted by"):
            assert f"<dt>{caption}</dt>" in card
        assert 'rel="noopener nofollow ugc"' in card and ">Original post</a>" in card
        assert 'class="role"' in card
        assert "<button type=\"submit\" class=\"secondary\">Save" in card


def test_filters_narrow_the_list_and_stay_selected(client: TestClient) -> None:
    html = client.get(f"{ALL}&label=journal_club").text
    labels = re.findall(r'<ul class="badges" aria-label="Labels">(.*?)</ul>', html, re.S)
    assert labels and all('data-label="journal_club"' in found for found in labels)
    assert '<option value="journal_club" selected>' in html
    only_x = client.get(f"{ALL}&platform=bluesky").text
    assert card_ids(only_x) and all(i.startswith("bluesky:") for i in card_ids(only_x))


ACTIONS = {"call": ("Apply by ", "Respond"), "event": ("Join on ", "Join the event"),
           "resource": ("Read",)}


def actions(html: str) -> list[tuple[str, str]]:
    """The form and the action words of each card (or of the detail page)."""
    found = re.findall(r'<strong class="action" data-form="(\w+)">(.*?)</strong>', html, re.S)
    return [(form, re.sub(r"<[^>]+>", "", words)) for form, words in found]


@pytest.mark.parametrize("form", ["call", "event", "resource"])
def test_the_form_filter_lists_only_that_form_with_its_action(client: TestClient,
                                                              form: str) -> None:
    html = client.get(f"{ALL}&form={form}").text
    found = actions(html)
    assert len(found) == len(card_ids(html)) == 20, "the sample has a page of each form"
    assert all(f == form and words.startswith(ACTIONS[form]) for f, words in found), found
    assert f'<option value="{form}" selected>' in html
    feed = re.search(r'href="(/feeds/opportunities\.atom[^"]*)"', html)
    assert feed and f"form={form}" in feed.group(1)
    others = client.get(ALL).text
    assert {f for f, _ in actions(others)} > {"call"}  # unfiltered: more than one form


def test_an_unknown_form_is_named_and_left_out(client: TestClient) -> None:
    """As the API answers it: a 422 that names the value; the page still lists the calls."""
    response = client.get(f"{ALL}&form=meeting")
    assert response.status_code == 422 and card_ids(response.text) == card_ids(
        client.get(ALL).text)
    assert "Some values were not understood (form:" in response.text


def test_a_call_with_a_deadline_says_apply_by_it(client: TestClient) -> None:
    """Calls with a deadline come before those without, by deadline; a dated one's card and
    page say to apply by that day."""
    dated = None
    for page in range(1, 12):
        html = client.get(f"{ALL}&form=call&sort=deadline&page={page}").text
        dated = next((i for i, (_, words) in zip(card_ids(html), actions(html), strict=True)
                      if words.startswith("Apply by ")), None)
        if dated:
            break
    assert dated, "some call in the sample has a deadline"
    detail = client.get(f"/opportunities/{dated}").text
    assert re.search(r'data-form="call">Apply by <time datetime="\d{4}-\d\d-\d\d">'
                     r"\d\d \w{3} \d{4}</time></strong>", detail)
    assert "<dt>What to do</dt>" in detail


@pytest.mark.parametrize(("form", "deadline", "expected"), [
    ("call", date(2025, 3, 4), 'Apply by <time datetime="2025-03-04">04 Mar 2025</time>'),
    ("call", None, "Respond"),
    ("event", datetime(2025, 3, 4, 20, tzinfo=UTC),
     'Join on <time datetime="2025-03-04">04 Mar 2025</time>'),
    ("event", None, "Join the event"),
    ("resource", date(2025, 3, 4), "Read"),
    ("resource", None, "Read"),
    (None, date(2025, 3, 4), ""),  # classified before forms were read
])
def test_what_acting_means_for_each_form(form: str | None, deadline: date | None,
                                         expected: str) -> None:
    assert str(action(SimpleNamespace(form=form, deadline=deadline))) == expected


def test_pages_move_on_and_back(client: TestClient) -> None:
    first, second = client.get(ALL).text, client.get(f"{ALL}&page=2").text
    assert set(card_ids(first)).isdisjoint(card_ids(second))
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="/opportunities?filtered=1"' in second


def test_search_keeps_the_words_and_finds_calls(client: TestClient) -> None:
    html = client.get(f"{ALL}&q=journal+club").text
    assert 'value="journal club"' in html and card_ids(html)


def test_nothing_found_says_what_to_do(client: TestClient) -> None:
    html = client.get(f"{ALL}&since=2099-01-01").text
    assert "No opportunities here" in html and "clear all filters" in html
    assert not card_ids(html)


def test_mistaken_filters_are_explained_on_the_page(client: TestClient) -> None:
    response = client.get(f"{ALL}&since=yesterday&label=nonsense&page=x")
    assert response.status_code == 422
    for name in ("since", "label", "page"):
        assert f"{name}: " in response.text
    assert card_ids(response.text) == card_ids(client.get(ALL).text)
    no_profile = client.get(f"{ALL}&sort=fit").text
    assert "Sorting by fit needs your profile" in no_profile


def test_an_opportunity_page_shows_post_author_similar_and_save(client: TestClient) -> None:
    opportunity_id = card_ids(client.get(f"{ALL}&label=research_collaboration").text)[0]
    response = client.get(f"/opportunities/{opportunity_id}")
    assert response.status_code == 200
    html = response.text
    assert "Who posted it" in html and "Similar open calls" in html
    assert "Open the original post" in html
    assert f'name="opportunity_id" value="{opportunity_id}"' in html
    assert 'data-label="research_collaboration"' in html


def test_an_unknown_opportunity_is_a_friendly_404(client: TestClient) -> None:
    response = client.get("/opportunities/x:404404404")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.text and "<html" in response.text


def test_api_errors_are_json(client: TestClient) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_saving_and_tracking_an_opportunity(client: TestClient, csrf_token: str) -> None:
    opportunity_id = card_ids(client.get(f"{ALL}&label=program_application").text)[0]
    token = csrf_token
    back = f"{ALL}&label=program_application"
    saved = client.post("/saved", data={"csrf_token": token, "opportunity_id": opportunity_id,
                                        "next": back}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"].startswith("/opportunities?filtered=1&label=program")
    listing = client.get(saved.headers["location"]).text
    assert "Saved. You can follow it up under Me." in listing
    assert re.search(r'class="saved-mark">Saved\s*·\s*<a href="/me#saved">', listing)

    changed = client.post("/saved/update", data={
        "csrf_token": token, "opportunity_id": opportunity_id, "status": "contacted",
        "note": "Emailed on Monday <b>bold?</b>"})
    assert changed.status_code == 200 and changed.url.path == "/me"
    me = client.get("/me?status=contacted").text
    assert opportunity_id in me and "Emailed on Monday &lt;b&gt;bold?&lt;/b&gt;" in me
    assert '<option value="contacted" selected>Contacted or applied</option>' in me
    assert opportunity_id not in client.get("/me?status=closed").text

    client.post("/saved/remove", data={"csrf_token": token, "opportunity_id": opportunity_id})
    assert opportunity_id not in client.get("/me").text


def test_the_profile_form_round_trips_with_background_opt_in(empty_client: TestClient) -> None:
    client = empty_client
    token = form_token(client.get("/me").text)
    sent = client.post("/me/profile", data={
        "csrf_token": token, "stage": "MS3", "interests": ["hair", "skin of color"],
        "goals": ["research", "journal_clubs"], "handle_x": "@fictional_student",
        "handle_bluesky": "fictional.bsky.social", "time_zone": "America/Chicago",
        "background": ["first_generation", "latino"], "languages_opt_in": "1",
        "languages": "es, pt"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/me?notice=profile#profile"
    html = client.get("/me").text
    for checked in ('value="MS3" selected', 'value="hair" checked',
                    'value="skin of color" checked', 'value="journal_clubs" checked',
                    'id="bg-first_generation" name="background" value="first_generation" '
                    'checked', 'id="bg-latino" name="background" value="latino" checked',
                    'id="languages_opt_in" name="languages_opt_in" value="1" checked'):
        assert checked in html
    assert 'value="fictional_student"' in html and 'value="America/Chicago"' in html
    assert 'value="es, pt"' in html
    assert 'value="black" checked' not in html

    # Unticking the opt-ins stops matching on them: nothing of them is kept.
    client.post("/me/profile", data={"csrf_token": token, "stage": "MS3",
                                     "time_zone": "America/Chicago", "languages": "es"})
    html = client.get("/me").text
    assert 'name="background" value="first_generation" checked' not in html
    assert 'name="languages_opt_in" value="1" checked' not in html


def test_a_profile_with_mistakes_comes_back_with_reasons(client: TestClient,
                                                        csrf_token: str) -> None:
    token = csrf_token
    response = client.post("/me/profile", data={
        "csrf_token": token, "stage": "MS9", "time_zone": "Mars/Olympus", "interests": "hair"})
    assert response.status_code == 400
    assert "Choose your stage from the list." in response.text
    assert "is not a time zone" in response.text
    assert 'value="hair" checked' in response.text  # what was ticked stays ticked


def test_a_profile_can_be_deleted(empty_client: TestClient) -> None:
    token = form_token(empty_client.get("/me").text)
    empty_client.post("/me/profile", data={"csrf_token": token, "stage": "IMG",
                                           "time_zone": "UTC"})
    assert "Delete my profile" in empty_client.get("/me").text
    gone = empty_client.post("/me/profile/forget", data={"csrf_token": token})
    assert "Your profile is deleted" in gone.text and 'value="IMG" selected' not in gone.text


def test_an_empty_store_says_how_to_fill_it(empty_client: TestClient) -> None:
    html = empty_client.get("/opportunities?filtered=1").text
    assert "The store holds no opportunities yet" in html and "mentorfeed demo" in html
    assert "You have not saved any opportunity yet" in empty_client.get("/me").text


def test_a_call_with_follow_ups_shows_its_thread(client: TestClient) -> None:
    html = client.get(f"{ALL}&label=journal_club").text
    threads = [i for i in card_ids(html)
               if "The thread (" in client.get(f"/opportunities/{i}").text]
    assert threads, "some journal club in the sample has replies"


def test_the_list_offers_a_feed_of_the_same_filters(client: TestClient) -> None:
    html = client.get(f"{ALL}&label=journal_club&open=1").text
    feed = re.search(r'href="(/feeds/opportunities\.atom[^"]*)"', html)
    assert feed and "label=journal_club" in feed.group(1) and "open_only=true" in feed.group(1)
    response = client.get(feed.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and "<feed" in response.text


@pytest.mark.parametrize("path", ["/", ALL, "/me"])
def test_every_form_control_has_a_label_and_each_page_one_heading(client: TestClient,
                                                                  path: str) -> None:
    html = client.get(path).text
    assert html.count("<h1") == 1
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    controls = re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*>', html)
    for control in controls:
        found = re.search(r'\bid="([^"]+)"', control)
        assert found and found.group(1) in labelled, control


@pytest.mark.parametrize("query", [
    "&until=9999-12-31", "&since=0001-01-01", "&since=0001-01-01&until=9999-12-31",
])
def test_the_widest_dates_leave_every_call_in(client: TestClient, query: str) -> None:
    response = client.get(f"{ALL}{query}")
    assert response.status_code == 200
    assert card_ids(response.text) == card_ids(client.get(ALL).text)


@pytest.mark.parametrize("query", ["&since=9999-12-31&until=9999-12-31",
                                   "&page=99999999999999999999"])
def test_dates_and_pages_past_everything_find_nothing(client: TestClient, query: str) -> None:
    response = client.get(f"{ALL}{query}")
    assert response.status_code == 200 and "No opportunities here" in response.text
