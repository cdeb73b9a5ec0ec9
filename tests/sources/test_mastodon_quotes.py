"""A Mastodon quote post is stored as its author's words and a quote of the post it quotes: the
"RE: <link>" written for software that cannot show quotes is not part of the text.

`tests/data/mastodon_quote_posts.json` is a tag-timeline response written for these tests in
the shape of Mastodon 4.4's quote posts (as Mastodon.py's recorded responses show them): the
fallback `<p class="quote-inline">RE: <a ...>` with `quote.quoted_status`, a revoked quote
(`quoted_status: null`), a plain "RE: <link>" line from another server, and a post that only
starts with "RE: ".
"""

from __future__ import annotations

from pathlib import Path

from mentorfeed.models import Post
from mentorfeed.sources.ingest import import_files
from mentorfeed.store import Store

PAGE = Path(__file__).resolve().parents[1] / "data" / "mastodon_quote_posts.json"
MEDSOCIAL = "https://medsocial.example/users"


def _post(store: Store, post_id: str) -> Post:
    post = store.get_post("mastodon", post_id)
    assert post is not None, post_id
    return post


def test_a_quote_post_keeps_its_words_and_records_the_quote(sqlite_store: Store) -> None:
    report = import_files(sqlite_store, [PAGE])
    assert report.ok and report.new == 6
    quote = _post(sqlite_store, f"{MEDSOCIAL}/ayla/statuses/115143300000000003")
    assert quote.text == ("If you are an M2 thinking about derm, this is the easiest way in. "
                          "I mentor in this round. #MedStudents")
    assert quote.quote_of == f"{MEDSOCIAL}/dermmentors/statuses/115143100000000001"
    assert quote.urls == []  # the link to the quoted post is not a link the author shared
    quoted = _post(sqlite_store, quote.quote_of)
    assert quoted.origin == "quoted" and quoted.text.startswith("Our autumn mentoring round")
    assert quoted.urls == ["https://forms.example.org/autumn-round?year=2025&region=eu"]


def test_the_fallback_goes_whether_the_quote_is_known_or_not(sqlite_store: Store) -> None:
    import_files(sqlite_store, [PAGE])
    revoked = _post(sqlite_store, f"{MEDSOCIAL}/ben_student/statuses/115143400000000004")
    assert revoked.text == ("Does anyone know whether this still takes students from abroad? "
                            "#DermMentorship")
    assert revoked.quote_of is None and revoked.urls == []
    plain = _post(sqlite_store, "https://sanidad.example/users/lena/statuses/115143500000000005")
    assert plain.text == "Worth it, I did mine there last year. #DermMentorship"
    assert plain.quote_of == "https://klinik.example/users/hautklinik/statuses/115143200000000002"
    # "RE: " that starts the author's own sentence is kept
    own = _post(sqlite_store, f"{MEDSOCIAL}/ayla/statuses/115143600000000006")
    assert own.text.startswith("RE: your questions about electives")
    assert not [p for p in sqlite_store.search(None, platform="mastodon", limit=20)
                if "RE: http" in p.text]
