"""The library API that the CLI (and later the web app) wrap: each function does one job."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import orjson

from mentorfeed.classify.features import PostInput
from mentorfeed.classify.opportunities import Item
from mentorfeed.classify.opportunities import group as group_opportunities
from mentorfeed.collect.archive import RawArchive
from mentorfeed.collect.community import Community
from mentorfeed.config import Settings, data_dir, sqlite_url
from mentorfeed.errors import ConfigError
from mentorfeed.ingest import ImportProgress, ImportReport
from mentorfeed.ingest import import_files as _import_files
from mentorfeed.models import Post
from mentorfeed.sources._common import RecordError
from mentorfeed.store import Classification, Opportunity, Stats, Store

if TYPE_CHECKING:  # the model's modules load scikit-learn: only commands that classify pay
    from mentorfeed.classify.classifier import Classifier, Result
    from mentorfeed.classify.model import Model
    from mentorfeed.classify.training import TrainResult
    from mentorfeed.collect.forget import ForgetReport
    from mentorfeed.collect.polite import Politeness
    from mentorfeed.collect.watch import Cycle, Job
    from mentorfeed.collect.x import CollectReport
    from mentorfeed.match.profile import TraineeProfile
    from mentorfeed.match.rank import MentorMatch, OpportunityMatch
    from mentorfeed.people.activity import Activity, Key
    from mentorfeed.people.profiles import AuthorProfile
    from mentorfeed.people.sessions import Session


def sample_files() -> list[Path]:
    """The bundled sample community's payload files, in import order."""
    root = Path(str(resources.files("mentorfeed") / "data" / "corpus"))
    return sorted(p for p in root.rglob("*.json") if p.parent != root)


def open_store(settings: Settings) -> Store:
    return Store(settings.database_url)


def import_files(settings: Settings, paths: Sequence[Path], *, format_name: str | None = None,
                 progress: ImportProgress | None = None) -> ImportReport:
    with open_store(settings) as store:
        return _import_files(store, paths, format_name=format_name,
                             batch_size=settings.batch_size, progress=progress)


def stats(settings: Settings, *, top: int = 10) -> Stats:
    with open_store(settings) as store:
        return store.stats(top=top)


def search(settings: Settings, query: str | None, *, platform: str | None = None,
           hashtag: str | None = None, author: str | None = None,
           since: datetime | None = None, until: datetime | None = None,
           limit: int = 20) -> list[Post]:
    with open_store(settings) as store:
        return store.search(query, platform=platform, hashtag=hashtag, author=author,
                            since=since, until=until, limit=limit)


def post_summary(post: Post) -> dict[str, Any]:
    """A post as plain JSON-ready data, without its raw payload."""
    return {
        "platform": post.platform, "id": post.id, "url": post.url,
        "author": post.author.handle if post.author else None,
        "created_at": post.created_at.isoformat(), "text": post.text, "lang": post.lang,
        "hashtags": post.hashtags, "urls": post.urls, "reply_to": post.reply_to,
        "quote_of": post.quote_of, "repost_of": post.repost_of, "metrics": post.metrics,
    }


def build_demo(path: Path | None = None, *, progress: ImportProgress | None = None
               ) -> tuple[Path, ImportReport, ClassifyReport]:
    """A fresh store at `path` (default: demo.db in the data folder) from the sample files,
    classified with the installed model."""
    path = path or data_dir() / "demo.db"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    settings = Settings(database_url=sqlite_url(path))
    report = import_files(settings, sample_files(), progress=progress)
    classified = classify_store(settings)
    refresh_people(settings)
    return path, report, classified


# -- classification ----------------------------------------------------------------------------

class Progress(Protocol):
    def start(self, total: int | None) -> None: ...
    def advance(self, count: int) -> None: ...


@dataclass(slots=True)
class ClassifyReport:
    model_version: str
    posts: int = 0
    opportunity_posts: int = 0
    opportunities: int = 0
    problems: list[str] = field(default_factory=list)


def train_model(folder: Path | None = None, settings: Settings | None = None) -> TrainResult:
    """Train on the sample corpus's train split, the real posts of corpus/real/ and (with
    `settings`) the store's corrections, and save (default: the user's model folder)."""
    from mentorfeed.classify.classifier import user_model_dir
    from mentorfeed.classify.corpus import Example
    from mentorfeed.classify.training import train

    corrections = []
    if settings is not None:
        with open_store(settings) as store:
            corrections = [Example(PostInput.from_post(post), set(fix.labels),
                                   {"form": fix.form} if fix.form else {}, "correction",
                                   "train", f"{post.platform}:{post.id}",
                                   f"correction:{post.platform}:{post.author_id or post.id}")
                           for post, fix in store.corrected_posts()]
    return train(folder or user_model_dir(), corrections=corrections)


def heldout_figures(model: Classifier | Model) -> dict[str, Any]:
    """A model's figures on the real posts of the held-out sources (empty without them)."""
    from mentorfeed.classify.classifier import Classifier
    from mentorfeed.classify.evaluate import heldout

    return heldout(model if isinstance(model, Classifier) else Classifier(model))


def load_classifier() -> Classifier:
    """The user's trained model if there is one, else the shipped model."""
    from mentorfeed.classify.classifier import Classifier

    return Classifier.load()


def classify_store(settings: Settings, *, everything: bool = False,
                   progress: Progress | None = None) -> ClassifyReport:
    """Label every post not yet labelled (all of them with `everything`), then regroup the
    opportunity posts into opportunities."""
    classifier = load_classifier()
    report = ClassifyReport(classifier.version)
    with open_store(settings) as store:
        if progress:
            progress.start(store.count_to_classify(everything=everything))
        for page in store.pages_to_classify(everything=everything, size=settings.batch_size):
            inputs = [PostInput.from_post(p) for p in page]
            results = classifier.classify(inputs)
            corrected = store.corrections_of([p.key for p in page])
            for i, post in enumerate(page):  # a person's correction wins over the model
                if (fix := corrected.get(post.key)) is not None:
                    results[i] = classifier.corrected(results[i], inputs[i], fix.labels,
                                                      fix.form, fix.corrected_by,
                                                      fix.corrected_at)
            store.save_classifications([(p.key, stored(r, classifier.version))
                                        for p, r in zip(page, results, strict=True)])
            report.posts += len(page)
            report.opportunity_posts += sum(bool(r.labels) for r in results)
            if progress:
                progress.advance(len(page))
        report.opportunities = regroup(store)
    return report


def stored(result: Result, version: str) -> Classification:
    """What the store keeps of a classifier's answer."""
    return Classification(result.labels, result.scores, result.extract, result.links,
                          result.why, version, result.closes_call, result.margin)


def regroup(store: Store) -> int:
    """Group opportunity posts into opportunities; returns how many there are."""
    items = [Item(pk=row["pk"], author_id=row["author_id"], created_at=row["created_at"],
                  text=row["text"], urls=row["urls"], refs=row["refs"],
                  is_repost=row["repost_of"] is not None,
                  is_opportunity=bool(row["is_opportunity"]),
                  closes_call=bool(row["closes_call"]), deadline=row["deadline"])
             for row in store.grouping_rows()]
    groups = group_opportunities(items)
    store.set_groups([(member, g.pk, g.closed) for g in groups for member in g.members])
    return len(groups)


def classify_file(source: Path, target: Path, *, progress: Progress | None = None,
                  batch_size: int = 2000) -> ClassifyReport:
    """Classify a JSONL file of {"id", "text", ...} into a JSONL file of labels, no store."""
    classifier = load_classifier()
    report = ClassifyReport(classifier.version)
    if progress:
        progress.start(source.stat().st_size)
    batch: list[PostInput] = []

    def flush(out: IO[bytes]) -> None:
        for result in classifier.classify(batch):
            out.write(orjson.dumps(result.to_json()) + b"\n")
            report.opportunity_posts += bool(result.labels)
        report.posts += len(batch)
        batch.clear()

    with source.open("rb") as stream, target.open("wb") as out:
        for line_number, line in enumerate(stream, 1):
            if progress:
                progress.advance(len(line))
            if not line.strip():
                continue
            try:
                batch.append(PostInput.from_json(orjson.loads(line)))
            except (orjson.JSONDecodeError, ValueError, TypeError, RecordError) as exc:
                report.problems.append(f"{source}:{line_number}: {exc}")
                continue
            if len(batch) >= batch_size:
                flush(out)
        flush(out)
    return report


def evaluate_model(fresh: Path | None = None) -> dict[str, Any]:
    """Figures for the installed model: cross-validation, test split, and fresh posts."""
    from mentorfeed.classify.evaluate import evaluate

    return evaluate(load_classifier(), fresh)


def opportunities(settings: Settings, **filters: Any) -> list[Opportunity]:
    """Opportunities in the store, one per call, with their state and all their posts."""
    with open_store(settings) as store:
        return store.opportunities(**filters)


# -- collection --------------------------------------------------------------------------------

def archive(settings: Settings) -> RawArchive:
    """The raw archive every collected page goes to first."""
    return RawArchive(settings.raw_dir)


def collect_x(settings: Settings, query: str, *, politeness: Politeness | None = None,
              **options: Any) -> CollectReport:
    """Collect an X API v2 search into the store (see `collect.x.collect` for options)."""
    from mentorfeed.collect import x

    with open_store(settings) as store:
        return x.collect(store, archive(settings), query, politeness=politeness, **options)


def forget(settings: Settings, *, posts: Sequence[str] = (),
           authors: Sequence[str] = ()) -> ForgetReport:
    """Remove posts and authors from the store and the raw archive."""
    from mentorfeed.collect.forget import forget as forget_everywhere

    with open_store(settings) as store:
        return forget_everywhere(store, archive(settings), posts=posts, authors=authors)


def watch(settings: Settings, community: Community, *,
          make_politeness: Callable[[str, str], Politeness], cycles: int | None = None,
          log: Callable[[dict[str, Any]], None] | None = None,
          on_cycle: Callable[[Cycle], None] | None = None,
          sleep: Callable[[float], None] = time.sleep,
          now: Callable[[], float] = time.time) -> int:
    """Run every source of the community config on its interval; classify what arrives and
    bring the author profiles up to date."""
    from mentorfeed.collect.watch import watch as run

    jobs = watch_jobs(settings, community, make_politeness, log)
    if not jobs:
        raise ConfigError("Nothing to watch: the community config names no queries, tags or "
                          "instances (or no X token is set for its X queries).")
    def after_new() -> None:
        classify_store(settings)
        refresh_people(settings, community=community)

    return run(jobs, after_new=after_new, log=log, on_cycle=on_cycle, cycles=cycles,
               sleep=sleep, now=now)


def watch_jobs(settings: Settings, community: Community,
               make_politeness: Callable[[str, str], Politeness],
               log: Callable[[dict[str, Any]], None] | None = None) -> list[Job]:
    """One job per query, tag and instance of the community config."""
    from mentorfeed.collect.watch import Job

    jobs: list[Job] = []
    x_hint = "it is wrong or expired; set MENTORFEED_X_BEARER_TOKEN to a valid token"
    if community.x.queries and os.environ.get("MENTORFEED_X_BEARER_TOKEN"):
        jobs += [Job(f"x {query!r}", community.x.interval_minutes * 60,
                     partial(collect_x, settings, query, politeness=make_politeness("X", x_hint)))
                 for query in community.x.queries]
    elif community.x.queries and log:
        log({"event": "skipped", "source": "x",
             "error": "MENTORFEED_X_BEARER_TOKEN is not set"})
    sky = community.bluesky
    sky_hint = "check MENTORFEED_BLUESKY_HANDLE and MENTORFEED_BLUESKY_APP_PASSWORD"
    jobs += [Job(f"bluesky #{tag}", sky.interval_minutes * 60,
                 partial(collect_bluesky, settings, tag=tag,
                         politeness=make_politeness("Bluesky", sky_hint)))
             for tag in sky.tags]
    jobs += [Job(f"bluesky {query!r}", sky.interval_minutes * 60,
                 partial(collect_bluesky, settings, query=query,
                         politeness=make_politeness("Bluesky", sky_hint)))
             for query in sky.queries]
    if sky.jetstream and sky.tags:  # the firehose: what arrived since the last cycle
        jobs.append(Job("jetstream", sky.interval_minutes * 60,
                        partial(follow_jetstream, settings, sky.tags, idle_timeout=10,
                                duration=60)))
    masto = community.mastodon
    jobs += [Job(f"mastodon {instance} #{tag}", masto.interval_minutes * 60,
                 partial(collect_mastodon, settings, instance, tag,
                         politeness=make_politeness(instance, "check MENTORFEED_MASTODON_TOKEN")))
             for instance in masto.instances for tag in masto.tags]
    return jobs


def collect_mastodon(settings: Settings, instance: str, tag: str, *,
                     politeness: Politeness | None = None, **options: Any) -> CollectReport:
    """Collect a Mastodon hashtag timeline from one instance into the store."""
    from mentorfeed.collect import mastodon

    with open_store(settings) as store:
        return mastodon.collect(store, archive(settings), instance=instance, tag=tag,
                                politeness=politeness, **options)


def collect_bluesky(settings: Settings, *, tag: str | None = None, query: str | None = None,
                    politeness: Politeness | None = None, **options: Any) -> CollectReport:
    """Collect a Bluesky search (by hashtag or query) into the store."""
    from mentorfeed.collect import bluesky

    with open_store(settings) as store:
        return bluesky.collect(store, archive(settings), tag=tag, query=query,
                               politeness=politeness, **options)


def follow_jetstream(settings: Settings, tags: Sequence[str], **options: Any) -> Any:
    """Store posts with the tags from Bluesky's live Jetstream, resuming from the saved cursor."""
    from mentorfeed.collect import jetstream

    with open_store(settings) as store:
        return jetstream.follow(store, archive(settings), tags=list(tags), **options)


# -- people and matching -----------------------------------------------------------------------

@dataclass(slots=True)
class People:
    """Profiles, sessions and who met whom, built from one pass over the store."""

    activity: Activity
    profiles: dict[Key, AuthorProfile]
    sessions: list[Session]


def people(settings: Settings, *, now: datetime | None = None,
           community: Community | None = None) -> People:
    """Author profiles and journal-club sessions for everything in the store (as of `now`).
    Posts read for the first time have their traits stored, so the next call reads only what
    is new."""
    from mentorfeed.collect.community import load as load_community
    from mentorfeed.people.activity import load_activity
    from mentorfeed.people.profiles import build_profiles
    from mentorfeed.people.sessions import find_sessions
    from mentorfeed.people.stored import save_traits

    config = community or load_community()
    with open_store(settings) as store:
        activity = load_activity(store)
        if now is not None:  # as of `now`: what was posted later is not known yet
            activity.posts = [p for p in activity.posts if p.created_at <= now]
        unread = [p for p in activity.posts if p.traits is None]
        profiles = build_profiles(activity, now=now, opt_out=config.opt_out)
        save_traits(store, unread)
    sessions = find_sessions(activity, hosts=config.journal_club_hosts,
                             hashtags=config.journal_club_hashtags)
    return People(activity, profiles, sessions)


@dataclass(slots=True)
class PeopleReport:
    posts: int       # posts in the store
    read: int        # posts whose traits were read this time (the rest were stored)
    profiles: int
    seconds: float


def refresh_people(settings: Settings, *, community: Community | None = None) -> PeopleReport:
    """Bring the stored author profiles up to date with the store: read the posts not read
    yet, rebuild the profiles from every post's traits, and store them."""
    from mentorfeed.people.stored import save_profiles

    started = time.perf_counter()
    with open_store(settings) as store:
        before = _traits_stored(store)
    found = people(settings, community=community)
    with open_store(settings) as store:
        read = _traits_stored(store) - before
        count = save_profiles(store, found.profiles.values())
        store.set_state("people", "profiles", _people_fingerprint(store))
    return PeopleReport(len(found.activity.posts), read, count, time.perf_counter() - started)


def profiles(settings: Settings, *, roles: Sequence[str] | None = None,
             community: Community | None = None) -> dict[Key, AuthorProfile]:
    """The stored author profiles (refreshed first if posts or labels changed since)."""
    from mentorfeed.people.stored import load_profiles

    with open_store(settings) as store:
        fresh = store.get_state("people", "profiles") == _people_fingerprint(store)
    if not fresh:
        refresh_people(settings, community=community)
    with open_store(settings) as store:
        return load_profiles(store, roles=roles)


def _traits_stored(store: Store) -> int:
    from sqlalchemy import func, select

    from mentorfeed.store.schema import post_traits

    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(post_traits)).scalar_one())


def _people_fingerprint(store: Store) -> list[Any]:
    """What profiles depend on: the posts and their labels (counts and newest rows), and the
    code that reads and stores them."""
    from sqlalchemy import func, select

    from mentorfeed.people import stored, traits
    from mentorfeed.store.schema import authors, classifications, posts

    with store.engine.connect() as conn:
        row = conn.execute(select(
            select(func.count()).select_from(posts).scalar_subquery(),
            select(func.max(posts.c.pk)).scalar_subquery(),
            select(func.count()).select_from(classifications).scalar_subquery(),
            select(func.max(classifications.c.classified_at)).scalar_subquery(),
            select(func.count()).select_from(authors).scalar_subquery())).one()
    return [traits.VERSION, stored.FORMAT, *(str(value) for value in row)]


@dataclass(slots=True)
class Matches:
    mentors: list[MentorMatch]
    opportunities: list[OpportunityMatch]


def as_of(settings: Settings) -> datetime:
    """The moment the store describes: now, or for a store whose newest post is older (a past
    collection, the sample corpus) the day after that post, so that deadlines, "open" and
    "recent" read as they did when it was collected."""
    from mentorfeed.store.listing import newest_post

    with open_store(settings) as store:
        return moment_after(newest_post(store.engine))


def moment_after(newest: datetime | None) -> datetime:
    """`as_of` for a store whose newest post is `newest`."""
    from datetime import UTC, timedelta

    now = datetime.now(UTC)
    return now if newest is None else min(now, newest + timedelta(days=1))


def match(settings: Settings, trainee: TraineeProfile, *, today: datetime | None = None,
          limit: int = 10, known: People | None = None, calls: bool = True) -> Matches:
    """Mentors and (unless not `calls`) opportunities for a trainee, best first, each with its
    reasons, as of `today` (default: `as_of` the store). Ranking the opportunities reads every
    call in the store: seconds on a million posts."""
    from datetime import timedelta

    from mentorfeed.match.rank import rank_mentors, rank_opportunities
    from mentorfeed.people.sessions import follow_ups

    today = today or as_of(settings)
    found = known or people(settings, now=today)
    own = [key for key, author in found.activity.authors.items()
           if trainee.handles.get(key[0], "").lower() == author.handle.lower()]
    met: dict[Key, list[tuple[Key, Key]]] = {}
    for follow_up in follow_ups(found.sessions, found.activity, own):
        met.setdefault(follow_up.person, []).extend(follow_up.exchanges)
    mentors = rank_mentors(trainee, found.profiles, today=today, met=met, limit=limit)
    if not calls:
        return Matches(mentors, [])
    with open_store(settings) as store:
        found_calls = store.opportunities(today=today.date(), until=today + timedelta(days=1),
                                          limit=100_000)
    return Matches(mentors, rank_opportunities(trainee, found_calls, today=today, limit=limit))


def evaluate_people(scenarios: Path | None = None) -> dict[str, Any]:
    """Role accuracy, session reconstruction and matching quality on the sample corpus."""
    import tempfile

    from mentorfeed.classify.corpus import corpus_dir
    from mentorfeed.match.evaluate import load_scenarios, ndcg, recall, summarise
    from mentorfeed.people.profiles import evaluate_roles
    from mentorfeed.people.sessions import evaluate_sessions

    root = corpus_dir()
    keys = {(r["platform"], r["id"]): r["key"] for r in
            (orjson.loads(line) for line in (root / "labels.jsonl").read_bytes().splitlines())}
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        path, _, _ = build_demo(Path(folder) / "demo.db")
        settings = Settings(database_url=sqlite_url(path))
        known = people(settings)
        report["roles"] = evaluate_roles(known.activity, root / "roles.jsonl")
        report["sessions"] = evaluate_sessions(known.sessions, root / "sessions.json",
                                               known.activity)
        rows = []
        folder_of_scenarios = scenarios or Path("corpus/scenarios")
        for scenario in load_scenarios(folder_of_scenarios) if folder_of_scenarios.is_dir() \
                else []:
            found = match(settings, scenario.trainee, today=scenario.today, limit=10,
                          known=people(settings, now=scenario.today))
            mentors = [f"{m.key[0]}:{m.handle}" for m in found.mentors]
            calls = [keys.get(o.key, "") for o in found.opportunities]
            base_mentors, base_calls = _follower_baseline(settings, known, scenario.today)
            rows.append({
                "scenario": scenario.name,
                "mentors_ndcg": ndcg(mentors, scenario.mentors),
                "mentors_recall": recall(mentors, scenario.mentors),
                "baseline_mentors_ndcg": ndcg(base_mentors, scenario.mentors),
                "opportunities_ndcg": ndcg(calls, scenario.opportunities),
                "opportunities_recall": recall(calls, scenario.opportunities),
                "baseline_opportunities_ndcg": ndcg([keys.get(k, "") for k in base_calls],
                                                    scenario.opportunities),
            })
        report["matching"] = {"scenarios": len(rows), **summarise(rows), "per_scenario": rows}
    return report


def _follower_baseline(settings: Settings, known: People, today: datetime
                       ) -> tuple[list[str], list[tuple[str, str]]]:
    """The simple baseline: the most-followed dermatologists and residents, and the open calls
    of the most-followed authors."""
    from datetime import timedelta

    authors = known.activity.authors
    mentors = sorted((p for p in known.profiles.values()
                      if p.role in ("dermatologist", "resident")),
                     key=lambda p: -(authors[p.key].followers or 0))
    with open_store(settings) as store:
        calls = store.opportunities(today=today.date(), until=today + timedelta(days=1),
                                    state="open", limit=100_000)
    calls.sort(key=lambda o: -(o.post.author.followers or 0) if o.post.author else 0)
    return ([f"{p.key[0]}:{p.handle}" for p in mentors[:10]], [o.post.key for o in calls[:10]])
