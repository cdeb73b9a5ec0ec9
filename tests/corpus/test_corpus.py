"""Tests for the corpus tooling (corpus/*.py) on a small fixture and on the written corpus."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "corpus"))

import check  # noqa: E402
import records  # noqa: E402
import render  # noqa: E402
from ids import TID_ALPHABET, X_EPOCH_MS  # noqa: E402
from textutil import bsky_short_url  # noqa: E402

FIXTURE = Path(__file__).parent / "data"
REAL = ROOT / "corpus"
CORPORA = {"fixture": FIXTURE, "real": REAL}


def _load(name: str) -> records.Corpus:
    corpus = records.load(CORPORA[name])
    if not corpus.posts:
        pytest.skip(f"no posts written yet under {CORPORA[name]}")
    return corpus


@pytest.fixture(scope="module", params=sorted(CORPORA))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = _load(request.param)
    usable, _ = render.renderable(corpus, records.validate(corpus))
    out = tmp_path_factory.mktemp(f"render-{request.param}")
    render.render(usable, out)
    return out


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _labels(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "labels.jsonl").read_text().splitlines()]


def _payload_ids(out: Path) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {"x": set(), "bluesky": set(), "mastodon": set()}
    for page in sorted(out.glob("x/search-*.json")):
        ids["x"] |= {t["id"] for t in _json(page)["data"]}
    for page in sorted(out.glob("bluesky/search-*.json")):
        ids["bluesky"] |= {p["uri"] for p in _json(page)["posts"]}
    for page in sorted(out.glob("mastodon/tag-*.json")):
        ids["mastodon"] |= {s["uri"] for s in _json(page)}
    return ids


# Validation


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_written_records_validate(name: str) -> None:
    problems = records.errors(records.validate(_load(name)))
    assert not problems, "\n".join(map(str, problems))


def test_fixture_has_no_warnings() -> None:
    assert [str(p) for p in records.validate(_load("fixture"))] == []


BROKEN = [
    ({"author": "g0-a99"}, "unknown author 'g0-a99'"),
    ({"reply_to": "g0-p999"}, "reply_to 'g0-p999' is not a post"),
    ({"reply_to": "g0-p007"}, "reply_to g0-p007 is on bluesky, this post on x"),
    ({"reply_to": "g0-p018"}, "reply_to g0-p018 is dated"),
    ({"labels": ["mentoring"]}, "label 'mentoring' is not in the taxonomy"),
    ({"extract": {"topics": ["skin"]}}, "topics value 'skin' is not in the vocabulary"),
    ({"extract": {"audience": ["student"]}}, "audience value 'student' is not in the vocabulary"),
    ({"extract": {"contact": ["phone"]}}, "contact value 'phone' is not in the vocabulary"),
    ({"labels": []}, "an opportunity needs at least one label"),
    ({"kind": "chatter"}, "kind chatter must have no labels"),
    ({"date": "2018-05-01T00:00:00Z"}, "outside the x window"),
    ({"text": "word " * 300}, "X text is 1500 characters"),
    ({"repost_of": "g0-p004", "labels": [], "kind": "chatter", "extract": {}},
     "a repost (repost_of) must have empty text"),
]  # fmt: skip


def _broken_corpus(tmp_path: Path, changes: dict[str, Any]) -> list[str]:
    shutil.copytree(FIXTURE, tmp_path / "c")
    posts = tmp_path / "c" / "posts" / "g0-a.yaml"
    import yaml

    data = yaml.safe_load(posts.read_text(encoding="utf-8"))
    data[0].update(changes)
    posts.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return [str(p) for p in records.errors(records.validate(records.load(tmp_path / "c")))]


@pytest.mark.parametrize(("changes", "reason"), BROKEN)
def test_validation_reports(tmp_path: Path, changes: dict[str, Any], reason: str) -> None:
    found = _broken_corpus(tmp_path, changes)
    assert any("g0-p001: " in p and reason in p for p in found), found


def test_duplicate_keys_and_handles(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "c")
    people = tmp_path / "c" / "people"
    extra = (people / "g0.yaml").read_text().split("- key: g0-a02")[0]
    (people / "g9.yaml").write_text(extra.replace("g0-a01", "g9-a01") + extra)
    found = [str(p) for p in records.validate(records.load(tmp_path / "c"))]
    assert any("g0-a01: duplicate key" in p for p in found), found
    assert any("g9-a01: handle 'derm_dr_nkem' already used" in p for p in found), found


# Overlap finder


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Apply by 3/20 at https://forms.gle/x #DermTwitter @someone!", ["apply", "by", "at"]),
        ("¡Mentoría en Español! 🩺 MS3s", ["mentoría", "en", "español"]),
        ("Don't skip SPF50", ["don't", "skip"]),
    ],
)
def test_normalise(text: str, words: list[str]) -> None:
    assert check.normalise(text) == words


def test_shared_runs_finds_the_longest_run() -> None:
    a = "one two three four five six seven eight nine and more"
    b = "#Tag One two three four five six seven eight nine, then other words"
    c = "nothing in common with the others at all here"
    runs = check.shared_runs({"k1": a, "k2": b, "k3": c}, 8)
    assert [str(r) for r in runs] == ['k1 k2: "one two three four five six seven eight nine"']
    assert check.shared_runs({"k1": a, "k2": b}, 8, {"k1": "g", "k2": "g"}) == []


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_no_two_posts_share_a_run(name: str) -> None:
    corpus = _load(name)
    texts = {k: p.text for k, p in corpus.posts.items()}
    runs = check.shared_runs(texts, check.RUN_LENGTH, check.related_groups(corpus))
    vocab = len(check.vocabulary(texts.values()))
    print(f"{name}: vocabulary {vocab} words, {len(runs)} pairs sharing a run")
    assert not runs, f"vocabulary {vocab}; shared runs:\n" + "\n".join(map(str, runs))


# Rendered output


def test_labels_refer_to_rendered_posts(rendered: Path) -> None:
    present = _payload_ids(rendered)
    for row in _labels(rendered):
        assert row["id"] in present[row["platform"]], row["key"]
        assert set(row["labels"]) <= set(records.LABELS), row
        assert row["kind"] in records.KINDS
        assert row["split"] in ("train", "dev", "test")
        assert set(row["extract"]) <= set(records.EXTRACT_KEYS)


def test_session_ids_exist(rendered: Path) -> None:
    present = set().union(*_payload_ids(rendered).values())
    for s in _json(rendered / "sessions.json"):
        for pid in [*s["announcements"], *s["replies"], *s["wrapups"]]:
            assert pid in present
        assert [q["q"] for q in s["questions"]] == sorted(q["q"] for q in s["questions"])
        for q in s["questions"]:
            assert q["id"] in present
        for a in s["answers"]:
            assert a["id"] in present
            assert a["q"] in {q["q"] for q in s["questions"]}


def test_split_is_stable_and_about_15_percent_test() -> None:
    ids = [str(1_700_000_000_000_000_000 + 7919 * i) for i in range(4000)]
    splits = [render.split_of("x", i) for i in ids]
    assert splits == [render.split_of("x", i) for i in ids]
    assert 0.13 < splits.count("test") / len(ids) < 0.17
    assert render.split_of("bluesky", "at://did:plc:a/app.bsky.feed.post/b") in (
        "train",
        "dev",
        "test",
    )


def test_real_split_about_15_percent(rendered: Path) -> None:
    rows = _labels(rendered)
    if len(rows) < 300:
        pytest.skip("too few posts for a meaningful share")
    share = sum(r["split"] == "test" for r in rows) / len(rows)
    assert 0.10 < share < 0.20, share


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    for name in sorted(CORPORA):
        corpus = records.load(CORPORA[name])
        outs = []
        for run in ("a", "b"):
            usable, _ = render.renderable(corpus, records.validate(corpus))
            render.render(usable, tmp_path / name / run)
            outs.append(tmp_path / name / run)
        files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*") if p.is_file())
        for f in files:
            assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f


def test_bluesky_facets_slice_their_text(rendered: Path) -> None:
    handles = {}
    for page in rendered.glob("bluesky/profiles-*.json"):
        handles |= {p["did"]: p["handle"] for p in _json(page)["profiles"]}
    for page in rendered.glob("bluesky/search-*.json"):
        for view in _json(page)["posts"]:
            records_ = [view["record"]]
            if "embed" in view:
                records_.append(view["embed"]["record"]["value"])
            for rec in records_:
                data = rec["text"].encode("utf-8")
                for facet in rec.get("facets", []):
                    frag = data[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode()
                    feat = facet["features"][0]
                    kind = feat["$type"].rsplit("#", 1)[1]
                    if kind == "tag":
                        assert frag in ("#" + feat["tag"], "\uff03" + feat["tag"])
                    elif kind == "link":
                        assert frag == bsky_short_url(feat["uri"])
                    elif feat["did"] in handles:
                        assert frag.lower() == "@" + handles[feat["did"]]
                    else:
                        assert frag.startswith("@")


def _tweets(out: Path) -> list[dict[str, Any]]:
    tweets = []
    for page in sorted(out.glob("x/search-*.json")):
        body = _json(page)
        tweets += body["data"] + body["includes"].get("tweets", [])
    return tweets


def test_x_entities_slice_their_text(rendered: Path) -> None:
    for tweet in _tweets(rendered):
        for text, ents in ((tweet["text"], tweet.get("entities", {})),
                           (tweet.get("note_tweet", {}).get("text", ""),
                            tweet.get("note_tweet", {}).get("entities", {}))):  # fmt: skip
            for h in ents.get("hashtags", []):
                assert text[h["start"] : h["end"]][1:] == h["tag"]
            for m in ents.get("mentions", []):
                assert text[m["start"] : m["end"]] == "@" + m["username"]
            for u in ents.get("urls", []):
                assert text[u["start"] : u["end"]] == u["url"]
                assert u["url"].startswith("https://t.co/") and len(u["url"]) == 23
        if "note_tweet" in tweet:
            assert tweet["text"].endswith("…") and len(tweet["text"]) <= 276


def _parse(ts: str) -> dt.datetime:
    return dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def test_ids_encode_time(rendered: Path) -> None:
    for tweet in _tweets(rendered):
        ms = (int(tweet["id"]) >> 22) + X_EPOCH_MS
        assert abs(ms / 1000 - _parse(tweet["created_at"]).timestamp()) < 1
    for page in rendered.glob("bluesky/search-*.json"):
        for view in _json(page)["posts"]:
            rkey = view["uri"].rsplit("/", 1)[1]
            assert len(rkey) == 13
            n = 0
            for ch in rkey:
                n = n * 32 + TID_ALPHABET.index(ch)
            created = _parse(view["record"]["createdAt"]).timestamp()
            assert abs((n >> 10) / 1e6 - created) < 0.01
            assert view["cid"].startswith("bafyrei") and len(view["cid"]) == 59
    for page in rendered.glob("mastodon/tag-*.json"):
        statuses = _json(page)
        assert [int(s["id"]) for s in statuses] == sorted(
            (int(s["id"]) for s in statuses), reverse=True
        )
        for s in statuses:
            assert (int(s["id"]) >> 16) / 1000 == _parse(s["created_at"]).timestamp()


def test_mastodon_replies_point_to_rendered_ids(rendered: Path) -> None:
    statuses = [s for page in rendered.glob("mastodon/tag-*.json") for s in _json(page)]
    by_id = {s["id"]: s for s in statuses}
    for s in statuses:
        if s["in_reply_to_id"]:
            parent = by_id[s["in_reply_to_id"]]
            assert s["in_reply_to_account_id"] == parent["account"]["id"]
