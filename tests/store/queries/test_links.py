"""The raw profiles the account linking reads: only accounts whose profile shows a link beside
the bio, and of those only the parts that hold links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mentorfeed.models import Author
from mentorfeed.people.linking import profile_urls
from mentorfeed.store import Store

FIELDS = [{"name": "Website", "value": '<a href="https://drsmith.example">drsmith.example</a>'},
          {"name": "X", "value": "x.com/DrSmithSkin"}]
ENTITIES = {"url": {"urls": [{"url": "https://t.co/a", "expanded_url": "https://drsmith.example"}]},
            "description": {"hashtags": [{"tag": "DermJC"}]}}
RAWS: dict[str, dict[str, Any] | None] = {
    "fields": {"fields": FIELDS, "note": "Derm", "emojis": [{"shortcode": "x"}] * 50},
    "entities": {"entities": ENTITIES, "pinned_tweet": {"text": "long " * 200}},
    "empty_fields": {"fields": [], "note": "Derm"},
    "hashtags_only": {"entities": {"description": {"hashtags": [{"tag": "DermJC"}]}}},
    "plain_words": {"fields": [{"name": "Pronouns", "value": "she/her"}]},
    "no_raw": None,
}


def test_only_accounts_showing_links_beside_the_bio_are_read_and_only_their_links(
        tmp_path: Path) -> None:
    _only_links_are_read(f"sqlite:///{tmp_path / 'links.db'}")


@pytest.mark.postgres
def test_postgresql_reads_the_same_raw_profiles(postgres_url: str) -> None:
    _only_links_are_read(postgres_url)


def _only_links_are_read(url: str) -> None:
    with Store(url) as store:
        store.upsert([], [Author("mastodon" if "fields" in name or name == "plain_words"
                                 else "x", name, name, raw=raw) for name, raw in RAWS.items()],
                     source="test")
        found = store.raw_profiles()
    assert sorted(k[1] for k in found) == ["entities", "fields"]
    # What linking reads from them is all there was to read from the whole raw profile.
    for (_, name), raw in found.items():
        assert set(raw) == {"fields", "entities"}
        whole = RAWS[name]
        assert whole is not None and profile_urls(raw) == profile_urls(whole) != []
