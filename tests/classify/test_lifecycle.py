"""How long a call stays open: dates read from its text, periods, and lifetimes by kind."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mentorfeed.classify.lifecycle import days_in, event_at, lifecycle, lifetime, period_end

MONDAY = datetime(2025, 10, 20, 15, 0, tzinfo=UTC)  # 11:00 in New York


@pytest.mark.parametrize(("text", "starts"), [
    ("Join #DermJC this Thursday 8pm ET!", datetime(2025, 10, 24, 0, 0, tzinfo=UTC)),
    ("Webinar Dec 6 at 6pm MT on applying to derm", datetime(2025, 12, 7, 1, 0, tzinfo=UTC)),
    ("tonight 9pm ET #DermJC", datetime(2025, 10, 21, 1, 0, tzinfo=UTC)),
    ("Q&A tomorrow at 7 PM CT", datetime(2025, 10, 22, 0, 0, tzinfo=UTC)),
    ("Next #DermJC: Thursday July 16, 8pm ET", datetime(2026, 7, 17, 0, 0, tzinfo=UTC)),
    ("Live chat 9 PM GMT Friday", datetime(2025, 10, 24, 21, 0, tzinfo=UTC)),
    # from corpus/real/posts (jc-0001): a range starts at its first hour
    ("Hosting a chat tonight 9-10pm on @EverydayAbleism, hashtag #cancerchat",
     datetime(2025, 10, 21, 1, 0, tzinfo=UTC)),
])
def test_an_event_time_is_read_with_its_zone_and_day(text: str, starts: datetime) -> None:
    assert event_at(text, MONDAY) == starts


def test_a_start_is_the_time_on_the_day_written_nearest_it() -> None:
    # from corpus/real/posts (ds-0074, posted on the day, a date without a time: 00:00 UTC)
    text = ("Ready for 2 oral presentations today! (same session)\n\nSession Title: Bad to the "
            "Bone: News From BJI\nSession Date: Tuesday October 21, 2025\n"
            "Session Time: 10:30 AM - 11:45 AM")
    assert event_at(text, datetime(2025, 10, 21, tzinfo=UTC), time_alone=False) == \
        datetime(2025, 10, 21, 14, 30, tzinfo=UTC)
    # from corpus/real/posts (cp-0006): a day and a time far apart announce nothing
    story = ("4 years ago tomorrow would have been my 1st #residency interview, at @mghmedres. "
             "I know this because 4 years ago today my dad died unexpectedly in Denver while I "
             "was in Boston. I cancelled the interview from the tarmac at 6am the day of")
    assert event_at(story, datetime(2020, 11, 14, tzinfo=UTC), time_alone=False) is None


def test_a_time_alone_is_the_next_such_time_only_where_an_event_is_meant() -> None:
    assert event_at("We start at 9pm ET, see you there", MONDAY) == \
        datetime(2025, 10, 21, 1, 0, tzinfo=UTC)
    assert event_at("I answer DMs after 5pm", MONDAY, time_alone=False) is None


@pytest.mark.parametrize(("text", "day"), [
    ("Oct 24 info session for applicants", date(2025, 10, 24)),
    ("Info night on 11/3, all welcome", date(2025, 11, 3)),
    ("Our mentoring lunch is this Wednesday", date(2025, 10, 22)),
    ("next Monday we meet", date(2025, 10, 27)),
    # from corpus/real/posts (c2-0046): the weekday is the date's, not the coming Thursday
    ("Deadline: Thursday 27 August 2026. Apply now", date(2026, 8, 27)),
    # from corpus/real/posts (ds-0051)
    ("Hope to see you tomorrow at Fellow's Day!", date(2025, 10, 21)),
])
def test_days_named_are_resolved_against_the_post(text: str, day: date) -> None:
    assert min(days_in(text, MONDAY)) == day


@pytest.mark.parametrize("text", ["It's a 50/50 chance, 1/2 of us match", "3/10: a thread",
                                  "10/10 would recommend", "I sat down with my mentor",
                                  "Office hours on Thursdays",  # every Thursday: no one day
                                  "Cases since Oct 2 have doubled"])  # just past, no year
def test_fractions_scores_and_words_are_not_days(text: str) -> None:
    assert days_in(text, MONDAY) == []


@pytest.mark.parametrize(("text", "end"), [
    ("Looking for MS1-MS3 to help with research this summer, DM me", date(2026, 8, 31)),
    ("Research year openings for fall 2025", date(2025, 11, 30)),
    ("Mentoring applicants in the 2025-26 application cycle", date(2026, 6, 30)),
    ("Mentoring applicants in the 2025\u201326 cycle", date(2026, 6, 30)),
    ("For those applying in Match 2026", date(2026, 3, 31)),
    ("Send me your CV by end of month", date(2025, 10, 31)),
    ("Free slots next week", date(2025, 11, 2)),
])
def test_a_period_gives_its_last_day(text: str, end: date) -> None:
    assert period_end(text, MONDAY.date()) == end


@pytest.mark.parametrize("text", [
    "Join us June 23-26 at Cold Spring Harbor",  # from corpus/real/posts (cb-0058)
    "Thanks for tuning into this week's #12LeadThursday",  # (t2-0057)
    "The absence of our colleagues is felt at this year's meeting",  # (ds-0071)
    "Bronchiolitis is ubiquitous in the winter",  # (t2-0149)
])
def test_words_that_name_no_period_give_none(text: str) -> None:
    assert period_end(text, MONDAY.date()) is None


def test_a_cycle_already_over_gives_no_period() -> None:
    assert period_end("Applications for the 2019-21 cycle", MONDAY.date()) is None


def test_lifetimes_depend_on_kind_and_form() -> None:
    assert lifetime(["research_collaboration"], "call") == timedelta(days=120)
    assert lifetime(["specialty_information"], "call") == timedelta(days=60)
    assert lifetime(["program_application", "specialty_information"], "call") == \
        timedelta(days=120)  # several kinds: the longest
    assert lifetime(["peer_mentorship"], "resource") == timedelta(days=365)
    assert lifetime(["journal_club"], "event") == timedelta(days=1)
    assert lifetime(["specialty_information"], "event") == timedelta(days=14)


def test_a_stated_deadline_wins() -> None:
    found = lifecycle("Info session Oct 24; apply by Nov 30", MONDAY, ["program_application"],
                      "call", date(2025, 11, 30))
    assert (found.open_until, found.basis) == (date(2025, 11, 30), "stated")


def test_a_day_in_the_text_ends_a_call_without_a_deadline() -> None:
    found = lifecycle("Virtual open house Oct 24 for students interested in our program",
                      MONDAY, ["program_application"], "call")
    assert (found.open_until, found.basis) == (date(2025, 10, 24), "event")


def test_a_day_before_the_post_does_not_end_it() -> None:
    found = lifecycle("Since our March 3, 2024 launch we have mentored 40 students. DM me to "
                      "join", MONDAY, ["specialty_information"], "call")
    assert (found.open_until, found.basis) == (date(2025, 12, 19), "estimated")


def test_an_old_dm_me_offer_is_estimated_from_its_lifetime() -> None:
    posted = datetime(2020, 2, 1, 12, tzinfo=UTC)
    found = lifecycle("MS1-MS3 welcome, DM me if you want to help with a case series",
                      posted, ["research_collaboration"], "call")
    assert (found.open_until, found.basis) == (date(2020, 5, 31), "estimated")


@pytest.mark.parametrize(("text", "until"), [
    # a series goes on after its first session
    ("Starting a monthly student journal club on Zoom. First paper: Thursday Oct 23, 8 PM ET.",
     date(2026, 2, 17)),
    ("IMGs: a free Zoom Q&A, first Sunday of each month, 10am ET.", date(2026, 2, 17)),
    ("You can shadow our bilingual clinic on Thursday mornings.", date(2026, 2, 17)),
    ("IMG friends: Saturday study group for Step 2. Reply if you want in", date(2026, 2, 17)),
    # ... until the period it names ends
    ("Every Thursday this month I'll hold 30-min office hours.", date(2025, 10, 31)),
])
def test_a_repeating_schedule_is_not_over_after_its_first_day(text: str, until: date) -> None:
    assert lifecycle(text, MONDAY, ["specialty_information"], "event").open_until == until


def test_a_single_session_is_still_over_once_it_happened() -> None:
    found = lifecycle("Join #DermJC this Thursday 8pm ET! Monthly stipend talk.", MONDAY,
                      ["journal_club"], "event")
    assert found.open_until == date(2025, 10, 23)


def test_a_series_in_a_named_month_ends_with_that_month() -> None:
    found = lifecycle("Hosting an open zoom every Sunday in December for interview debriefs.",
                      MONDAY, ["peer_mentorship"], "event")
    assert (found.open_until, found.basis) == (date(2025, 12, 31), "event")


def test_today_in_a_call_is_when_it_was_written_unless_a_time_follows() -> None:
    reply = lifecycle("@someone You found one tonight. Our partner needs help coding consult "
                      "data this fall. Email me.", MONDAY, ["research_collaboration"], "call")
    assert reply.open_until == date(2025, 11, 30)  # this fall, not tonight
    session = lifecycle("Info session tonight at 8pm ET, then apply on our site.", MONDAY,
                        ["program_application"], "call")
    assert session.open_until == date(2025, 10, 20)
