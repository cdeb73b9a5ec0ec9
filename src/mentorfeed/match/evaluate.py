"""Measuring matching against trainee scenarios a person judged: NDCG@10 and recall@10, beside
a baseline that ranks by follower count."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mentorfeed.match.profile import TraineeProfile, parse


@dataclass(slots=True)
class Scenario:
    name: str
    today: datetime
    trainee: TraineeProfile
    mentors: list[str]  # "platform:handle", most relevant first
    opportunities: list[str]  # corpus post keys, most relevant first


def load_scenarios(folder: Path) -> list[Scenario]:
    scenarios = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        expected = data.pop("expected", {})
        day = datetime.fromisoformat(str(data.pop("today"))).replace(tzinfo=UTC)
        today = day.replace(hour=23, minute=59, second=59)  # the whole day is known
        scenarios.append(Scenario(path.stem, today, parse(data, str(path)),
                                  list(expected.get("mentors", [])),
                                  list(expected.get("opportunities", []))))
    return scenarios


def ndcg(ranked: Sequence[str], expected: Sequence[str], k: int = 10) -> float:
    """Graded by the judge's order: the first expected item is the most relevant."""
    grade = {item: len(expected) - i for i, item in enumerate(expected)}
    dcg = sum(grade.get(item, 0) / math.log2(i + 2) for i, item in enumerate(ranked[:k]))
    ideal = sum(g / math.log2(i + 2)
                for i, g in enumerate(sorted(grade.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def recall(ranked: Sequence[str], expected: Sequence[str], k: int = 10) -> float:
    return len(set(ranked[:k]) & set(expected)) / len(expected) if expected else 0.0


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    keys = [k for k in rows[0] if k != "scenario"] if rows else []
    return {k: round(sum(r[k] for r in rows) / len(rows), 3) for k in keys}
