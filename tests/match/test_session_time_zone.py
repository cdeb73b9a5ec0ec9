"""A journal club's time in a match reason is in the trainee's own time zone, written as the
pages write times."""

from __future__ import annotations

from datetime import UTC, datetime

from mentorfeed.match.profile import TraineeProfile
from mentorfeed.match.rank import rank_opportunities
from mentorfeed.models import Classification, Opportunity, Post

ANNOUNCEMENT = Post(platform="x", id="1", url=None, author_id="9",
                    text="#DermJC next Tuesday, May 19, 9pm ET: a randomized trial of minoxidil.",
                    created_at=datetime(2026, 5, 14, 15, tzinfo=UTC))


def _reasons(zone: str) -> list[str]:
    call = Opportunity(ANNOUNCEMENT, Classification(["journal_club"], {}, {}, [], "", ""),
                       [ANNOUNCEMENT])
    trainee = TraineeProfile(stage="MS2", goals=["journal_clubs"], time_zone=zone)
    found = rank_opportunities(trainee, [call], today=datetime(2026, 5, 15, tzinfo=UTC))
    assert len(found) == 1
    return [reason.text for reason in found[0].reasons]


def test_the_session_time_is_in_the_trainees_zone() -> None:
    assert "the session is on 19 May 2026, 20:00 CDT" in _reasons("America/Chicago")
    assert "the session is on 20 May 2026, 01:00 UTC" in _reasons("UTC")
    assert "the session is on 20 May 2026, 01:00 UTC" in _reasons("Not/AZone")
