"""The taxonomy's names are interface (stored, in the API and URLs): they are written here as a
specification, and nowhere in the code but in mentorfeed.taxonomy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentorfeed import taxonomy

SRC = Path(__file__).resolve().parents[1] / "src" / "mentorfeed"


@pytest.mark.parametrize(("names", "expected"), [
    (taxonomy.LABELS, ("urim_outreach", "research_collaboration", "specialty_information",
                       "peer_mentorship", "program_application", "journal_club")),
    (taxonomy.FORMS, ("call", "event", "resource")),
    (taxonomy.AUDIENCES, ("premed", "medical_student", "resident", "urim", "img")),
    (taxonomy.CONTACTS, ("dm", "email", "form", "link", "reply")),
    (taxonomy.ROLES, ("dermatologist", "resident", "medical_student", "premed", "researcher",
                      "organization", "industry", "public", "unknown")),
    (taxonomy.MENTOR_ROLES, ("dermatologist", "resident")),
    (taxonomy.PLATFORMS, ("x", "bluesky", "mastodon")),
])
def test_the_names_are_the_interface(names: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert names == expected


@pytest.mark.parametrize(("table", "names"), [
    (taxonomy.LABEL_TITLES, taxonomy.LABELS),
    (taxonomy.PLATFORM_CAPTIONS, taxonomy.PLATFORMS),
])
def test_every_name_has_its_caption(table: dict[str, str], names: tuple[str, ...]) -> None:
    assert tuple(table) == names and all(table.values())


def test_mentors_are_roles() -> None:
    assert set(taxonomy.MENTOR_ROLES) <= set(taxonomy.ROLES)


def test_the_lists_are_written_once() -> None:
    """No module but taxonomy.py spells out a list of these names again."""
    defined = re.compile(r"^(LABELS|FORMS|AUDIENCES|CONTACTS|ROLES|MENTOR_ROLES|PLATFORMS"
                         r"|LABEL_TITLES|[A-Z]+_CAPTIONS)\b[^=\n]*=", re.MULTILINE)
    again = [f"{path.relative_to(SRC)}: {match.group(1)}"
             for path in SRC.rglob("*.py") if path.name != "taxonomy.py"
             for match in defined.finditer(path.read_text(encoding="utf-8"))]
    assert again == []
