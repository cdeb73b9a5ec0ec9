"""Measuring matching against trainee scenarios a person judged: NDCG@10 and recall@10, beside
a baseline that ranks by follower count.

A scenario's `[expected]` gives `mentors` and `opportunities` either as lists, most relevant
first (the first of n items has gain n, the last 1), or as tables of graded relevance,
`"x:handle" = 3` (3 ideal, 2 good, 1 acceptable), which are the gains.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mentorfeed.errors import ConfigError
from mentorfeed.match.profile import TraineeProfile, parse

Grades = dict[str, float]


@dataclass(slots=True)
class Scenario:
    name: str
    today: datetime
    trainee: TraineeProfile
    mentors: Grades  # "platform:handle" -> gain
    opportunities: Grades  # corpus post key -> gain


def grades(expected: Any, where: str) -> Grades:
    """The gains of an expected list (by order) or table (as given)."""
    if isinstance(expected, dict):
        found = {}
        for key, grade in expected.items():
            if not isinstance(grade, int | float) or isinstance(grade, bool) or grade < 0:
                raise ConfigError(f"{where}: the grade of {key!r} must be a number from 0 to 3,"
                                  f" not {grade!r}.")
            found[str(key)] = float(grade)
        return found
    if isinstance(expected, list):
        return {str(item): float(len(expected) - i) for i, item in enumerate(expected)}
    raise ConfigError(f"{where}: expected items must be a list or a table of grades.")


def load_scenarios(folder: Path) -> list[Scenario]:
    scenarios = []
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML ({exc}).") from None
        expected = data.pop("expected", {})
        if "today" not in data:
            raise ConfigError(f"{path}: `today` (the date the trainee asks on) is missing.")
        day = datetime.fromisoformat(str(data.pop("today"))).replace(tzinfo=UTC)
        today = day.replace(hour=23, minute=59, second=59)  # the whole day is known
        scenarios.append(Scenario(path.stem, today, parse(data, str(path)),
                                  grades(expected.get("mentors", []), f"{path} mentors"),
                                  grades(expected.get("opportunities", []),
                                         f"{path} opportunities")))
    return scenarios


def as_expected(ranked: Iterable[Sequence[str]], expected: Mapping[str, float]) -> list[str]:
    """Each ranked item (all the keys it goes by: a person's linked accounts) as the key the
    judge expected, where one of its keys is expected and not taken by an item above it."""
    taken: set[str] = set()
    found = []
    for keys in ranked:
        hit = next((k for k in keys if k in expected and k not in taken), None)
        if hit is not None:
            taken.add(hit)
        found.append(hit if hit is not None else (keys[0] if keys else ""))
    return found


def ndcg(ranked: Sequence[str], expected: Mapping[str, float] | Sequence[str],
         k: int = 10) -> float:
    """NDCG@k with the expected gains (a list is graded by its order: first most relevant)."""
    grade = expected if isinstance(expected, Mapping) else grades(list(expected), "expected")
    seen: set[str] = set()
    dcg = 0.0
    for i, item in enumerate(ranked[:k]):
        if item not in seen:
            dcg += grade.get(item, 0.0) / math.log2(i + 2)
            seen.add(item)
    ideal = sum(g / math.log2(i + 2)
                for i, g in enumerate(sorted(grade.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def recall(ranked: Sequence[str], expected: Mapping[str, float] | Sequence[str],
           k: int = 10) -> float:
    return len(set(ranked[:k]) & set(expected)) / len(expected) if expected else 0.0


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    keys = [k for k, v in rows[0].items() if isinstance(v, int | float)] if rows else []
    return {k: round(sum(r[k] for r in rows) / len(rows), 3) for k in keys}
