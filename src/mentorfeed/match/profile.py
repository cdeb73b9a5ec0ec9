"""The trainee profile: who is looking, for what. A TOML file now, the web form later.

```toml
stage = "MS2"                      # premed, MS1..MS4, resident, IMG, other
interests = ["skin of color", "hair"]           # topics, from classify/topics.py
goals = ["research", "journal_clubs"]           # see GOALS
time_zone = "America/Chicago"
include_organizations = false                   # suggest societies and programs as mentors too

[handles]                           # your own accounts, to find your past exchanges
x = "my_handle"
bluesky = "me.bsky.social"
mastodon = "me@med-mastodon.example"

[background]                        # opt-in, per attribute: only what is listed is matched on
first_generation = true
languages = ["es"]
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentorfeed.errors import ConfigError

STAGES = ("premed", "MS1", "MS2", "MS3", "MS4", "resident", "IMG", "other")
# A goal and the taxonomy label that serves it.
GOALS = {"research": "research_collaboration", "specialty_information": "specialty_information",
         "application_help": "program_application", "peer_support": "peer_mentorship",
         "urim_programs": "urim_outreach", "journal_clubs": "journal_club"}
# Background attributes a trainee may choose to match on (taxonomy.md, sensitive attributes).
BACKGROUND = ("first_generation", "urim", "black", "latino", "indigenous", "asian", "lgbtq",
              "woman", "img", "disability")


@dataclass(frozen=True, slots=True)
class TraineeProfile:
    stage: str = "other"
    interests: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    handles: dict[str, str] = field(default_factory=dict)  # platform -> own handle
    background: list[str] = field(default_factory=list)  # opted-in attributes only
    languages: list[str] = field(default_factory=list)  # opted-in languages (ISO 639-1)
    time_zone: str = "UTC"
    include_organizations: bool = False

    @property
    def audience(self) -> str:
        """The taxonomy audience this stage belongs to; "other" (a stage of its own, not a
        medical student) belongs to none."""
        return {"premed": "premed", "resident": "resident", "IMG": "img",
                "other": "other"}.get(self.stage, "medical_student")

    @property
    def labels(self) -> list[str]:
        return [GOALS[g] for g in self.goals]


def parse(data: dict[str, Any], where: str = "the profile") -> TraineeProfile:
    stage = str(data.get("stage", "other"))
    if stage not in STAGES:
        raise ConfigError(f"{where}: stage must be one of {', '.join(STAGES)}, not {stage!r}.")
    goals = [str(g) for g in data.get("goals", [])]
    unknown = [g for g in goals if g not in GOALS]
    if unknown:
        raise ConfigError(f"{where}: unknown goal(s) {', '.join(unknown)}; use "
                          f"{', '.join(GOALS)}.")
    background = data.get("background", {})
    if not isinstance(background, dict):
        raise ConfigError(f"{where}: [background] must be a table of attribute = true.")
    chosen = [name for name, on in background.items() if on is True and name in BACKGROUND]
    strange = [name for name in background if name not in (*BACKGROUND, "languages")]
    if strange:
        raise ConfigError(f"{where}: unknown background attribute(s) {', '.join(strange)}.")
    handles = data.get("handles", {})
    return TraineeProfile(
        stage=stage, interests=[str(i) for i in data.get("interests", [])], goals=goals,
        handles={str(k): str(v).lstrip("@") for k, v in handles.items()},
        background=chosen, languages=[str(x) for x in background.get("languages", [])],
        time_zone=str(data.get("time_zone", "UTC")),
        include_organizations=bool(data.get("include_organizations", False)))


def load(path: Path) -> TraineeProfile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read {path} ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}).") from None
    return parse(data, str(path))
