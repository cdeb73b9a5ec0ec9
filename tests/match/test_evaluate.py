"""Measuring matching: graded scenarios, several folders reported apart, a person found by any
of their accounts, and the false reasons counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorfeed.config import Settings
from mentorfeed.errors import ConfigError
from mentorfeed.match.evaluate import as_expected, load_scenarios, ndcg
from mentorfeed.service.people import evaluate_people

TRAINEE = """# MS2 who took part in the Sept 2021 hair journal club
today = "2021-10-20"
stage = "MS2"
interests = ["hair", "skin of color"]
goals = ["research", "urim_programs"]

[handles]
x = "kemi_derm"
"""


def write(folder: Path, name: str, expected: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(TRAINEE + expected, encoding="utf-8")
    return folder


def test_graded_tables_are_the_gains_and_lists_are_graded_by_order(tmp_path: Path) -> None:
    write(tmp_path, "graded", '[expected.mentors]\n"x:a" = 3\n"x:b" = 1\n'
                              '[expected.opportunities]\n"g1-p1" = 2\n')
    write(tmp_path, "ordered", '[expected]\nmentors = ["x:a", "x:b"]\n')
    graded, ordered = load_scenarios(tmp_path)
    assert graded.mentors == {"x:a": 3.0, "x:b": 1.0} and graded.opportunities == {"g1-p1": 2.0}
    assert ordered.mentors == {"x:a": 2.0, "x:b": 1.0}
    assert ndcg(["x:a", "x:b"], graded.mentors) == 1.0
    assert ndcg(["x:b", "x:a"], graded.mentors) < ndcg(["x:b", "x:a"], ordered.mentors) < 1.0
    assert ndcg(["x:a", "x:a"], graded.mentors) < 1.0  # one person counts once


def test_a_bad_grade_says_where(tmp_path: Path) -> None:
    write(tmp_path, "bad", '[expected.mentors]\n"x:a" = "ideal"\n')
    with pytest.raises(ConfigError, match=r"bad\.toml mentors: the grade of 'x:a'"):
        load_scenarios(tmp_path)


def test_a_person_counts_as_found_by_any_of_their_accounts() -> None:
    expected = {"bluesky:a.bsky.social": 3.0, "x:b": 2.0}
    found = as_expected([["x:a", "bluesky:a.bsky.social"], ["x:b"], ["x:c"]], expected)
    assert found == ["bluesky:a.bsky.social", "x:b", "x:c"]
    assert ndcg(found, expected) == 1.0


def test_each_folder_of_scenarios_is_reported_apart(tmp_path: Path) -> None:
    dev = write(tmp_path / "dev", "kemi", '[expected]\nmentors = ["x:CurlsAndScalp"]\n'
                                          'opportunities = ["g2-p251"]\n')
    blind = write(tmp_path / "blind", "kemi_graded",
                  '[expected.mentors]\n"x:CurlsAndScalp" = 3\n"x:nobody_here" = 3\n')
    report = evaluate_people([dev, blind])
    sets = report["matching_sets"]
    assert list(sets) == [str(dev), str(blind)]
    assert report["matching"] == sets[str(dev)]
    dev_row, = sets[str(dev)]["per_scenario"]
    blind_row, = sets[str(blind)]["per_scenario"]
    assert dev_row["scenario"] == "kemi" and blind_row["scenario"] == "kemi_graded"
    assert dev_row["mentors_ndcg"] == 1.0  # she talked with CurlsAndScalp: first
    assert 0.5 < blind_row["mentors_ndcg"] < 1.0  # half of the ideal people exist
    assert dev_row["false_reasons"] == 0 and sets[str(dev)]["false_reasons_total"] == 0


def test_a_card_counts_as_found_by_any_post_of_its_call(demo_settings: Settings) -> None:
    """A judge may name a session's announcement, a cross-post or the update that moved a
    deadline; the matcher returns the call's card, keyed by its first post."""
    from mentorfeed import service
    from mentorfeed.store import Store

    grouped = [o for o in service.opportunities.opportunities(demo_settings, limit=100_000)
               if len({p.key for p in o.posts}) > 1]
    assert grouped
    with Store(demo_settings.database_url) as store:
        found = store.call_posts([o.post.key for o in grouped])
    for call in grouped:
        keys = found[call.post.key]
        assert keys[0] == call.post.key and set(keys) == {p.key for p in call.posts}
        later = keys[-1]  # a judge who named a later post of the call finds the card
        assert as_expected([keys, [call.post.key]], {later: 1.0}) == [later, call.post.key]
