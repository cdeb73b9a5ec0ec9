"""Grouping posts into opportunities, on hand-built posts: one call, one opportunity."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mentorfeed.classify.opportunities import Group, Item, group

DAY0 = datetime(2024, 3, 1, 15, tzinfo=UTC)
CALL = ("Looking for two medical students to join a retrospective chart review on hidradenitis "
        "in our clinic this spring. DM me with your CV!")
OTHER_CALL = ("Our department hosts a virtual info session about dermatology residency "
              "applications next Thursday evening; bring your questions.")


def item(pk: int, author: str | None, text: str = "", *, days: float = 0,
         opportunity: bool = False, refs: tuple[int, ...] = (), repost: bool = False,
         closes: bool = False, urls: tuple[str, ...] = (), deadline: str | None = None,
         labels: tuple[str, ...] = (), form: str | None = None) -> Item:
    return Item(pk=pk, author_id=author, created_at=DAY0 + timedelta(days=days), text=text,
                urls=list(urls), refs=list(refs), is_repost=repost, is_opportunity=opportunity,
                closes_call=closes, deadline=date.fromisoformat(deadline) if deadline else None,
                labels=list(labels), form=form)


def members(groups: list[Group]) -> list[list[int]]:
    return sorted(g.members for g in groups)


def only(groups: list[Group]) -> Group:
    assert len(groups) == 1, groups
    return groups[0]


def test_a_lone_call_is_one_open_opportunity() -> None:
    found = only(group([item(1, "ana", CALL, opportunity=True)]))
    # "this spring", no deadline: open until spring ends, an estimate
    assert found == Group(pk=1, members=[1], deadline=None, closed=False,
                          open_until=date(2024, 5, 31), open_until_basis="estimated")


def test_posts_without_a_call_make_no_opportunity() -> None:
    assert group([item(1, "ana", "Match day!"), item(2, "bo", "", refs=(1,), repost=True)]) == []
    assert group([]) == []


def test_a_repost_joins_the_original() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "bo", "", days=1, refs=(1,), repost=True)]
    assert only(group(posts)).members == [1, 2]


def test_the_authors_own_reply_joins_the_call() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "ana", "Also open to premeds! Same DM.", days=1, refs=(1,)),
             item(3, "ana", "Extended: one more week for CVs.", days=3, refs=(1,),
                  opportunity=True, deadline="2024-03-20")]
    found = only(group(posts))
    assert found.members == [1, 2, 3] and found.pk == 1


def test_someone_elses_reply_does_not_join() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "bo", "Great opportunity, good luck everyone!", days=1, refs=(1,))]
    assert only(group(posts)).members == [1]


def test_a_reply_to_a_post_not_in_the_list_is_ignored() -> None:
    posts = [item(1, "ana", CALL, opportunity=True, refs=(99,))]
    assert only(group(posts)).members == [1]


def test_the_authors_closing_reply_closes_the_call() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "ana", "All spots filled, thank you all!", days=4, refs=(1,), closes=True)]
    found = only(group(posts))
    assert found.members == [1, 2] and found.closed


def test_someone_elses_closing_reply_does_not_close_the_call() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "bo", "Spots are all filled, thanks!", days=4, refs=(1,), closes=True)]
    assert not only(group(posts)).closed


def test_the_author_closing_in_a_quote_closes_the_call() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "ana", "Update: we're full. Thanks to all who reached out!", days=6,
                  refs=(1,), closes=True)]
    assert only(group(posts)).closed


def test_the_authors_closing_reply_further_down_the_thread_closes_the_call() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "ana", "Thanks for all the interest so far!", days=1, refs=(1,)),
             item(3, "ana", "All spots filled, thank you all!", days=5, refs=(2,), closes=True)]
    found = only(group(posts))
    assert found.members == [1, 2, 3] and found.closed


def test_two_posts_with_the_same_form_are_one_opportunity() -> None:
    posts = [item(1, "society", "Mentorship cohort applications: https://forms.gle/Ab12?usp=x",
                  opportunity=True, urls=("https://forms.gle/Ab12?usp=x",)),
             item(2, "chair", "Students, apply to this cohort before Friday!", days=9,
                  opportunity=True, urls=("https://forms.gle/Ab12/",))]
    assert only(group(posts)).members == [1, 2]


def test_posts_with_different_forms_stay_apart() -> None:
    posts = [item(1, "society", CALL, opportunity=True, urls=("https://forms.gle/aaa",)),
             item(2, "chair", OTHER_CALL, days=1, opportunity=True,
                  urls=("https://forms.gle/bbb",))]
    assert members(group(posts)) == [[1], [2]]


def test_a_shared_ordinary_link_does_not_join_calls() -> None:
    paper = "https://www.jaad.org/article/S0190-9622(24)00001-1/fulltext"
    posts = [item(1, "ana", CALL, opportunity=True, urls=(paper,)),
             item(2, "bo", OTHER_CALL, days=1, opportunity=True, urls=(paper,))]
    assert members(group(posts)) == [[1], [2]]


def test_the_same_author_reannouncing_two_weeks_later_is_one_opportunity() -> None:
    again = CALL.replace("this spring", "this spring (reminder!)").replace("DM me", "DM me soon")
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "ana", again, days=14, opportunity=True)]
    found = only(group(posts))
    assert found.members == [1, 2] and found.pk == 1


def test_two_different_calls_by_the_same_author_stay_apart() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "ana", OTHER_CALL, days=3, opportunity=True)]
    assert members(group(posts)) == [[1], [2]]


def test_the_same_text_by_another_author_a_year_later_stays_apart() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "bo", CALL, days=365, opportunity=True)]
    assert members(group(posts)) == [[1], [2]]


def test_a_cross_post_from_the_authors_other_account_is_one_opportunity() -> None:
    on_x = CALL + " #DermTwitter @SkinLab"
    on_bluesky = CALL + " #DermSky @skinlab.bsky.social"
    posts = [item(1, "x:ana", on_x, opportunity=True),
             item(2, "bsky:ana", on_bluesky, days=0.1, opportunity=True)]
    assert only(group(posts)).members == [1, 2]


def test_different_calls_sharing_common_long_words_stay_apart() -> None:
    posts = [item(1, "society", "Applications open: dermatology mentorship for "
                  "underrepresented medical students, summer cohort. Form: "
                  "https://forms.gle/aaa", opportunity=True, urls=("https://forms.gle/aaa",)),
             item(2, "dr_lee", "Summer mentorship in dermatology for underrepresented medical "
                  "students at our clinic: applications by email, two spots.", days=5,
                  opportunity=True)]
    assert members(group(posts)) == [[1], [2]]


def test_the_group_starts_at_the_first_call_and_ends_at_the_latest_deadline() -> None:
    posts = [item(5, "ana", CALL, days=2, opportunity=True, deadline="2024-03-15"),
             item(3, "ana", CALL, opportunity=True, deadline="2024-03-10"),
             item(9, "ana", "Extended to March 22!", days=8, refs=(5,), opportunity=True,
                  deadline="2024-03-22"),
             item(4, "bo", "", days=9, refs=(3,), repost=True)]
    found = only(group(posts))
    assert found.pk == 3 and found.members == [3, 4, 5, 9]
    assert found.deadline == date(2024, 3, 22)


@pytest.mark.parametrize(("closed", "deadline", "today", "state"), [
    (False, None, date(2030, 1, 1), "open"),
    (False, date(2024, 3, 15), date(2024, 3, 14), "open"),
    (False, date(2024, 3, 15), date(2024, 3, 15), "open"),  # the last day still counts
    (False, date(2024, 3, 15), date(2024, 3, 16), "expired"),
    (True, date(2024, 3, 15), date(2024, 3, 1), "closed"),
    (True, date(2024, 3, 15), date(2024, 4, 1), "closed"),  # closed says more than expired
    (True, None, date(2024, 4, 1), "closed"),
])
def test_state(closed: bool, deadline: date | None, today: date, state: str) -> None:
    assert Group(1, [1], deadline, closed).state(today) == state


def test_grouping_does_not_depend_on_input_order() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "bo", "", days=1, refs=(1,), repost=True),
             item(3, "ana", "Spots filled, thanks!", days=4, refs=(1,), closes=True),
             item(4, "cy", OTHER_CALL, days=2, opportunity=True),
             item(5, "cy", OTHER_CALL, days=20, opportunity=True)]
    forward, backward = group(posts), group(posts[::-1])
    assert sorted((g.pk, g.members, g.closed) for g in forward) == \
        sorted((g.pk, g.members, g.closed) for g in backward)
    assert members(forward) == [[1, 2, 3], [4, 5]]


# -- cycles, closing, sessions and cross-posts ----------------------------------------------------

PROGRAM = "https://skinprogram.example.org/apply"


def program_call(pk: int, days: float, cycle: str) -> Item:
    return item(pk, "society", f"Applications are open for our mentorship program, {cycle} "
                f"cycle! Apply: {PROGRAM}", days=days, opportunity=True, urls=(PROGRAM,),
                labels=("program_application",), form="call")


def test_a_new_cycle_with_the_same_apply_link_is_its_own_opportunity() -> None:
    posts = [program_call(1, 0, "2019-21"), program_call(2, 40, "2019-21"),
             program_call(3, 5 * 365, "2024-25")]
    assert members(group(posts)) == [[1, 2], [3]]


def test_the_same_link_a_year_apart_is_another_round() -> None:
    posts = [item(1, "society", "Mentor sign-ups: https://forms.gle/Ab12", opportunity=True,
                  urls=("https://forms.gle/Ab12",)),
             item(2, "chair", "Sign up to be mentored: https://forms.gle/Ab12", days=400,
                  opportunity=True, urls=("https://forms.gle/Ab12",))]
    assert members(group(posts)) == [[1], [2]]


def test_matching_is_done_closes_only_the_cycle_it_follows() -> None:
    posts = [program_call(1, 0, "2019-21"),
             item(2, "society", "Matching is done, thank you all!", days=60, refs=(1,),
                  closes=True),
             program_call(3, 5 * 365, "2024-25")]
    found = {g.pk: g for g in group(posts)}
    assert found[1].closed and found[1].members == [1, 2]
    assert not found[3].closed


def test_a_closing_word_before_the_call_was_posted_again_does_not_close_it() -> None:
    posts = [item(1, "ana", CALL, opportunity=True),
             item(2, "ana", "Spots filled, thanks!", days=3, refs=(1,), closes=True),
             item(3, "ana", CALL.replace("DM me", "DM me, new spots"), days=20,
                  opportunity=True)]
    found = only(group(posts))
    assert found.members == [1, 2, 3] and not found.closed


def test_a_cross_post_in_other_words_with_the_same_program_link_is_one_call() -> None:
    posts = [item(1, "x:lab", "We are recruiting two students for summer research on "
                  "hidradenitis. Apply: https://www.skinlab.edu/summer-research", opportunity=True,
                  urls=("https://www.skinlab.edu/summer-research",)),
             item(2, "bsky:lab", "Students: our HS summer program takes applications until it "
                  "fills http://skinlab.edu/summer-research/#apply", days=2, opportunity=True,
                  urls=("http://skinlab.edu/summer-research/#apply",))]
    assert only(group(posts)).members == [1, 2]


JC = ("journal_club",)


def test_a_journal_club_session_is_one_opportunity() -> None:
    host = "dermjc"
    posts = [item(1, host, "Next #DermJC: Thursday March 7, 8pm ET. Paper: emollients from "
                  "birth", days=0, opportunity=True, labels=JC, form="event"),
             item(2, host, "@ms2 Absolutely, the abstract is plenty", days=1, opportunity=True,
                  labels=JC, form="event"),
             item(3, host, "TONIGHT 8pm ET #DermJC on emollients", days=6, opportunity=True,
                  labels=JC, form="event"),
             item(4, host, "Welcome to #DermJC! Introduce yourselves", days=6.4,
                  opportunity=True, labels=JC, form="event"),
             *(item(4 + q, host, f"Q{q}: what do you think? #DermJC", days=6.4 + q / 100,
                    opportunity=True, labels=JC, form="event") for q in range(1, 6)),
             item(10, "student", "A1: loved the figures #DermJC", days=6.42, opportunity=True,
                  labels=JC, form="event"),
             # the next month's session stays apart
             item(11, host, "Welcome to #DermJC! Introduce yourselves", days=34.4,
                  opportunity=True, labels=JC, form="event")]
    assert members(group(posts)) == [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11]]


def test_a_session_is_open_until_it_happens() -> None:
    announcement = item(1, "dermjc", "Next #DermJC: Thursday March 7, 8pm ET", opportunity=True,
                        labels=JC, form="event")
    found = only(group([announcement]))
    assert (found.open_until, found.open_until_basis) == (date(2024, 3, 7), "event")
    assert found.event_at == datetime(2024, 3, 8, 1, 0, tzinfo=UTC)
    assert found.state(date(2024, 3, 7)) == "open"
    assert found.state(date(2024, 3, 8)) == "expired"


def test_the_next_seasons_cohort_with_the_same_link_is_its_own_opportunity() -> None:
    link = "https://dermmentor.example/apply"
    posts = [item(1, "net", f"Our spring 2023 cohort is open! Apply: {link}", opportunity=True,
                  urls=(link,)),
             item(2, "net", "The spring 2023 cohort is now full, thank you!", days=60,
                  refs=(1,), closes=True),
             item(3, "net", f"Fall 2023 cohort applications are open: {link}", days=240,
                  opportunity=True, urls=(link,))]
    found = {g.pk: g for g in group(posts)}
    assert sorted(g.members for g in found.values()) == [[1, 2], [3]]
    assert found[1].closed and not found[3].closed


def test_one_author_naming_the_same_program_within_days_is_one_call() -> None:
    posts = [item(1, "society", "Skin Pathways Mentorship applications are open! URiM and "
                  "first-gen MS1-MS3s are paired 1:1 with a dermatologist.", opportunity=True),
             item(2, "society", "Three days left to join Skin Pathways Mentorship: ask us "
                  "anything about the match in the replies", days=5, opportunity=True),
             item(3, "society", "Our Summer Research Program is open to students, email us",
                  days=6, opportunity=True),
             item(4, "society", "Our Summer Research Program posters are up at the meeting, "
                  "come by", days=7, opportunity=True)]
    assert members(group(posts)) == [[1, 2], [3], [4]]  # a generic name names no program
