"""Write a large twarc2-style JSONL file (one X API v2 search page per line) for benchmarks.

    python benchmarks/generate_twarc2.py 100000 benchmarks/out/tweets-100k.jsonl

Pages hold 100 tweets each with realistic expansions (authors, referenced tweets, entities,
metrics, context annotations), about 3.5 KB per tweet all told. Output is deterministic.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import orjson

WORDS = [
    "derm",
    "dermatology",
    "mentor",
    "mentorship",
    "research",
    "students",
    "residents",
    "application",
    "program",
    "skin",
    "of",
    "color",
    "psoriasis",
    "eczema",
    "melanoma",
    "mohs",
    "journal",
    "club",
    "case",
    "report",
    "chart",
    "review",
    "scholarship",
    "clerkship",
    "away",
    "rotation",
    "ERAS",
    "VSLO",
    "match",
    "interview",
    "spreadsheet",
    "tips",
    "advice",
    "thread",
    "webinar",
    "AMA",
    "questions",
    "welcome",
    "apply",
    "deadline",
    "form",
    "link",
    "today",
    "tonight",
    "lesion",
    "biopsy",
    "pathology",
    "derm",
    "path",
    "hair",
    "loss",
    "alopecia",
    "acne",
    "vitiligo",
    "sunscreen",
    "SPF",
    "pearls",
    "quiz",
    "diagnosis",
    "conference",
    "poster",
    "abstract",
    "podium",
    "AAD",
    "SID",
    "grand",
    "rounds",
]
TAGS = (
    "DermTwitter",
    "MedTwitter",
    "MedStudentTwitter",
    "DermJC",
    "BlackInDerm",
    "SkinOfColor",
    "Match2025",
    "DermPath",
    "MohsSurgery",
    "IMG",
)
EPOCH = 1288834974657


def snowflake(moment: datetime, rng: random.Random) -> str:
    ms = int(moment.timestamp() * 1000)
    return str(((ms - EPOCH) << 22) | rng.getrandbits(22))


def user(uid: int, rng: random.Random) -> dict[str, object]:
    return {
        "id": str(10**15 + uid),
        "username": f"user_{uid}",
        "name": f"User {uid} MD",
        "description": " ".join(rng.choices(WORDS, k=30)) + " | she/her | views my own",
        "created_at": "2015-06-01T12:00:00.000Z",
        "location": "Somewhere",
        "verified": False,
        "verified_type": "none",
        "protected": False,
        "profile_image_url": f"https://pbs.twimg.com/profile_images/{uid}/a_normal.jpg",
        "url": "https://t.co/abcdefghij",
        "entities": {
            "url": {
                "urls": [
                    {
                        "start": 0,
                        "end": 23,
                        "url": "https://t.co/abcdefghij",
                        "expanded_url": f"https://example.org/{uid}",
                        "display_url": f"example.org/{uid}",
                    }
                ]
            }
        },
        "public_metrics": {
            "followers_count": rng.randint(10, 20000),
            "following_count": rng.randint(10, 3000),
            "tweet_count": rng.randint(100, 50000),
            "listed_count": 12,
            "like_count": 900,
            "media_count": 40,
        },
    }


def tweet(
    moment: datetime, author: str, rng: random.Random, refs: list[dict[str, str]]
) -> dict[str, object]:
    body = " ".join(rng.choices(WORDS, k=rng.randint(18, 34)))
    tag = rng.choice(TAGS)
    link = "https://t.co/" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=10))
    text = f"{body} #{tag} {link}"
    start = len(body) + 1
    tid = snowflake(moment, rng)
    return {
        "id": tid,
        "text": text,
        "edit_history_tweet_ids": [tid],
        "author_id": author,
        "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "conversation_id": tid,
        "lang": "en",
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "source": "Twitter for iPhone",
        "referenced_tweets": refs,
        "public_metrics": {
            "retweet_count": rng.randint(0, 40),
            "reply_count": rng.randint(0, 9),
            "like_count": rng.randint(0, 300),
            "quote_count": rng.randint(0, 5),
            "bookmark_count": rng.randint(0, 20),
            "impression_count": rng.randint(100, 30000),
        },
        "entities": {
            "hashtags": [{"start": start, "end": start + len(tag) + 1, "tag": tag}],
            "annotations": [
                {
                    "start": 0,
                    "end": 7,
                    "probability": 0.62,
                    "type": "Other",
                    "normalized_text": body[:8],
                }
            ],
            "urls": [
                {
                    "start": start + len(tag) + 2,
                    "end": len(text),
                    "url": link,
                    "expanded_url": "https://docs.google.com/forms/d/e/1FAIpQLSf/viewform",
                    "display_url": "docs.google.com/forms/d/e/1FAI…",
                    "status": 200,
                    "title": "Mentorship sign-up",
                    "description": "A form for students.",
                    "unwound_url": "https://docs.google.com/forms/d/e/1FAIpQLSf/viewform",
                }
            ],
        },
        "attachments": {"media_keys": [f"3_{tid}"]},
        "edit_controls": {
            "edits_remaining": 5,
            "is_edit_eligible": True,
            "editable_until": moment.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        },
        "context_annotations": [
            {
                "domain": {
                    "id": "66",
                    "name": "Interests and Hobbies Category",
                    "description": "A grouping of interests and hobbies entities",
                },
                "entity": {
                    "id": "847868745150119936",
                    "name": "Home & family",
                    "description": "Hobbies and interests",
                },
            },
            {
                "domain": {
                    "id": "131",
                    "name": "Unified Twitter Taxonomy",
                    "description": "A taxonomy view into the Semantic Core knowledge graph",
                },
                "entity": {
                    "id": "1022042585325957121",
                    "name": "Health",
                    "description": "Health news and general info",
                },
            },
        ],
    }


def pages(count: int, seed: int = 7) -> Iterator[dict[str, object]]:
    rng = random.Random(seed)
    # A hashtag community: a few prolific accounts, a long tail of occasional ones.
    population = range(50_000)
    cumulative = list(accumulate(1 / (rank + 1) ** 0.9 for rank in population))
    moment = datetime(2025, 3, 1, tzinfo=UTC)
    written = 0
    while written < count:
        size = min(100, count - written)
        users = {}
        data = []
        context = []
        for _ in range(size):
            moment -= timedelta(seconds=rng.randint(5, 90))
            uid = rng.choices(population, cum_weights=cumulative)[0]
            users[uid] = user(uid, rng)
            refs: list[dict[str, str]] = []
            if rng.random() < 0.2:
                ruid = rng.choices(population, cum_weights=cumulative)[0]
                users[ruid] = user(ruid, rng)
                original = tweet(moment - timedelta(hours=3), str(10**15 + ruid), rng, [])
                context.append(original)
                refs = [{"type": rng.choice(["replied_to", "quoted"]), "id": original["id"]}]
            data.append(tweet(moment, str(10**15 + uid), rng, refs))
        written += size
        yield {
            "data": data,
            "includes": {
                "users": list(users.values()),
                "tweets": context,
                "media": [
                    {
                        "media_key": t["attachments"]["media_keys"][0],  # type: ignore[index]
                        "type": "photo",
                        "width": 1200,
                        "height": 900,
                        "url": f"https://pbs.twimg.com/media/{t['id']}.jpg",
                        "alt_text": "A clinical photo shared with consent.",
                    }
                    for t in data
                ],
            },
            "meta": {
                "newest_id": data[0]["id"],
                "oldest_id": data[-1]["id"],
                "result_count": size,
                "next_token": f"b26v89c19zqg8{written}",
            },
            "__twarc": {
                "url": "https://api.twitter.com/2/tweets/search/all?query=%23DermTwitter",
                "version": "2.14.1",
                "retrieved_at": "2025-03-05T11:02:37+00:00",
            },
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tweets", type=int, help="how many matched tweets to write")
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("wb") as out:
        for page in pages(args.tweets):
            out.write(orjson.dumps(page) + b"\n")
    size = args.output.stat().st_size
    print(
        f"{args.output}: {args.tweets:,} tweets, {size / 1e6:,.1f} MB, "
        f"{size / args.tweets:,.0f} bytes per tweet",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
