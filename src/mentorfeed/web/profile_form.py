"""The trainee profile form: what the Me page shows, and turning what was sent back into a
TraineeProfile with sentences for anything that cannot be used."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.datastructures import FormData

from mentorfeed.service.opportunities import TOPICS
from mentorfeed.service.people import BACKGROUND, GOALS, STAGES, TraineeProfile
from mentorfeed.taxonomy import PLATFORMS
from mentorfeed.web.rendering import clean

_LANGUAGE = re.compile(r"[a-z]{2}")
_HANDLE = re.compile(r"[\w.@:-]{1,100}")


@dataclass(slots=True)
class ProfileForm:
    """The form's values as text, so a form with mistakes comes back as the trainee left it."""

    stage: str = "other"
    interests: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    handles: dict[str, str] = field(default_factory=dict)
    time_zone: str = ""
    include_organizations: bool = False
    background: list[str] = field(default_factory=list)  # the attributes opted in to
    languages: str = ""
    languages_opt_in: bool = False
    saved: bool = False  # a stored profile is behind it

    @classmethod
    def from_profile(cls, profile: TraineeProfile | None) -> ProfileForm:
        if profile is None:
            return cls()
        return cls(stage=profile.stage, interests=list(profile.interests),
                   goals=list(profile.goals), handles=dict(profile.handles),
                   time_zone=profile.time_zone,
                   include_organizations=profile.include_organizations,
                   background=list(profile.background), languages=", ".join(profile.languages),
                   languages_opt_in=bool(profile.languages), saved=True)

    @classmethod
    def from_form(cls, form: FormData) -> ProfileForm:
        def text(name: str) -> str:
            value = form.get(name)
            return clean(value).strip()[:200] if isinstance(value, str) else ""

        def many(name: str) -> list[str]:
            return [clean(v) for v in form.getlist(name) if isinstance(v, str)]

        return cls(stage=text("stage"), interests=many("interests"), goals=many("goals"),
                   handles={p: text(f"handle_{p}").lstrip("@") for p in PLATFORMS
                            if text(f"handle_{p}")},
                   time_zone=text("time_zone"),
                   include_organizations=form.get("include_organizations") == "1",
                   background=many("background"), languages=text("languages"),
                   languages_opt_in=form.get("languages_opt_in") == "1")

    def to_profile(self) -> tuple[TraineeProfile | None, list[str]]:
        """The profile, or None and what to fix."""
        errors: list[str] = []
        if self.stage not in STAGES:
            errors.append("Choose your stage from the list.")
        if any(t not in TOPICS for t in self.interests):
            errors.append("Some interests are not topics mentorfeed knows; tick them again.")
        if any(g not in GOALS for g in self.goals):
            errors.append("Some goals are not ones mentorfeed knows; tick them again.")
        if any(b not in BACKGROUND for b in self.background):
            errors.append("Some background choices are not ones mentorfeed knows.")
        bad = [h for h in self.handles.values() if not _HANDLE.fullmatch(h)]
        if bad:
            errors.append("A handle may hold letters, digits and . _ - @ : only "
                          f"({len(bad)} did not).")
        zone = self.time_zone or "UTC"
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(f"{zone!r} is not a time zone; use a name such as America/Chicago "
                          "or Europe/Paris.")
        languages = [x.strip().lower() for x in self.languages.replace(";", ",").split(",")
                     if x.strip()] if self.languages_opt_in else []
        if any(not _LANGUAGE.fullmatch(x) for x in languages):
            errors.append("Write languages as two-letter codes separated by commas, "
                          "such as es, fr.")
        if errors:
            return None, errors
        return TraineeProfile(
            stage=self.stage, interests=[t for t in TOPICS if t in self.interests],
            goals=[g for g in GOALS if g in self.goals], handles=dict(self.handles),
            background=[b for b in BACKGROUND if b in self.background],
            languages=list(dict.fromkeys(languages)), time_zone=zone,
            include_organizations=self.include_organizations), []
