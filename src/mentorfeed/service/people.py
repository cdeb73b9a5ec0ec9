"""People: profiles, roles, sessions, and matching trainees to mentors and calls."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from mentorfeed.collect.community import Community
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.match.profile import BACKGROUND, GOALS, STAGES, TraineeProfile
from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow
from mentorfeed.people.events import Event, upcoming_events
from mentorfeed.people.sessions import FollowUp, Session, follow_ups
from mentorfeed.service import accounts
from mentorfeed.service.posts import open_store

if TYPE_CHECKING:  # the model's modules load scikit-learn: only commands that classify pay
    from mentorfeed.match.evidence import Evidence
    from mentorfeed.match.rank import MentorMatch, OpportunityMatch
    from mentorfeed.models import Opportunity
    from mentorfeed.people.directory import LinkedAccount
    from mentorfeed.people.profiles import AuthorProfile
    from mentorfeed.store.store import Store

# The people's objects that the shells show, and what they ask of a session's posts.
__all__ = ["BACKGROUND", "GOALS", "STAGES", "Activity", "AuthorRow", "Event", "FollowUp", "Key",
           "Matches", "People", "PeopleReport", "PostRow", "Session", "SessionsView",
           "TraineeProfile", "as_of", "evaluate_people", "export_graph", "follow_ups", "match",
           "moment_after", "people", "profiles", "refresh_people", "sessions",
           "trainee_from_file", "upcoming_events"]


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
    from mentorfeed.people.profiles import build_profiles
    from mentorfeed.people.sessions import find_sessions

    config = community or load_community()
    with open_store(settings) as store:
        activity = store.activity()
        if now is not None:  # as of `now`: what was posted later is not known yet
            activity.posts = [p for p in activity.posts if p.created_at <= now]
        unread = [p for p in activity.posts if p.traits is None]
        profiles = build_profiles(activity, now=now, opt_out=config.opt_out)
        store.save_traits(unread)
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
    started = time.perf_counter()
    with open_store(settings) as store:
        before = store.count_traits()
    found = people(settings, community=community)
    with open_store(settings) as store:
        read = store.count_traits() - before
        # One person, one profile: a linked person's main account holds the merged profile
        # (the directory and insights list it once); the other accounts keep their own, marked
        # with the main one (service/accounts.py).
        joined = accounts.persons(found.profiles, accounts.find(store, found.activity),
                                  found.activity)
        count = store.save_profiles([joined.profiles.get(key, profile)
                                     for key, profile in found.profiles.items()])
        store.save_persons(joined.into)
        store.set_state("people", "profiles", store.people_fingerprint())
    return PeopleReport(len(found.activity.posts), read, count, time.perf_counter() - started)


def profiles(settings: Settings, *, roles: Sequence[str] | None = None,
             community: Community | None = None) -> dict[Key, AuthorProfile]:
    """The stored author profiles (refreshed first if posts or labels changed since), one per
    person: a linked person's profile is under their main account and holds all accounts'
    activity (`service.accounts.handles` names the others)."""
    with open_store(settings) as store:
        fresh = store.get_state("people", "profiles") == store.people_fingerprint()
    if not fresh:
        refresh_people(settings, community=community)
    with open_store(settings) as store:
        merged = store.merged_accounts()  # a person once: under their main account
        return {k: p for k, p in store.load_profiles(roles=roles).items() if k not in merged}


@dataclass(slots=True)
class Matches:
    mentors: list[MentorMatch]
    opportunities: list[OpportunityMatch]
    # A mentor with several accounts: all of them, the one ranked (the most active) first.
    accounts: dict[Key, list[Key]] = field(default_factory=dict)
    # ...and the other accounts as the shells show them: handle, address, the link's reason.
    others: dict[Key, list[LinkedAccount]] = field(default_factory=dict)
    # Open calls never offered to the trainee, with why (only when asked for everything).
    left_out: list[tuple[Opportunity, str]] = field(default_factory=list)
    # What the reasons rest on, and what `match.evidence` checks them against.
    evidence: Evidence | None = None

    def handles(self, key: Key, authors: dict[Key, AuthorRow]) -> list[str]:
        """Every handle of the mentor ranked under `key`, as "platform:handle"."""
        return [f"{k[0]}:{authors[k].handle if k in authors else k[1]}"
                for k in self.accounts.get(key, [key])]


def as_of(settings: Settings) -> datetime:
    """The moment the store describes: now, or for a store whose newest post is older (a past
    collection, the sample corpus) the day after that post, so that deadlines, "open" and
    "recent" read as they did when it was collected."""
    with open_store(settings) as store:
        return moment_after(store.newest_post_time())


def moment_after(newest: datetime | None) -> datetime:
    """`as_of` for a store whose newest post is `newest`."""
    from datetime import UTC, timedelta

    now = datetime.now(UTC)
    return now if newest is None else min(now, newest + timedelta(days=1))


def match(settings: Settings, trainee: TraineeProfile, *, today: datetime | None = None,
          limit: int = 10, known: People | None = None, calls: bool = True,
          everything: bool = False) -> Matches:
    """Mentors and (unless not `calls`) opportunities for a trainee, best first, each with its
    reasons, as of `today` (default: `as_of` the store). The opportunities are those the web's
    "fit" order ranks first (`service.opportunities.fitting`); with `everything`, also the
    open calls that leave the trainee out, each with why."""
    from mentorfeed.match.rank import rank_mentors
    from mentorfeed.service.mentors import linked_accounts_of
    from mentorfeed.service.opportunities import fitting, left_out_calls

    today = today or as_of(settings)
    found = known or people(settings, now=today)
    with open_store(settings) as store:
        # One person is one candidate: linked accounts are merged under the most active one.
        joined = accounts.persons(found.profiles, store.account_links(accounts.LINKED),
                                  found.activity, today)
        evidence = _per_person(_evidence(store, found, trainee, today), joined)
        met: dict[Key, list[tuple[Key, Key]]] = {}
        for follow_up in follow_ups(found.sessions, found.activity, evidence.mine):
            met.setdefault(joined.main(follow_up.person), []).extend(follow_up.exchanges)
        # Who opted out, by the stored profiles as well as by this community's config: the
        # directory hides them, and so does every match.
        hidden = {joined.main(k) for k in store.opted_out()}
        candidates = {k: p for k, p in joined.profiles.items() if k not in hidden}
        mentors = rank_mentors(trainee, candidates, today=today, met=met, limit=limit,
                               evidence=evidence)
        also = {m.key: joined.accounts[m.key] for m in mentors if m.key in joined.accounts}
        others = linked_accounts_of(store, list(also))
        return Matches(mentors, fitting(store, trainee, today)[:limit] if calls else [], also,
                       others,
                       left_out_calls(store, trainee, today) if calls and everything else [],
                       evidence)


def _evidence(store: Store, found: People, trainee: TraineeProfile, today: datetime
              ) -> Evidence:
    from mentorfeed.match.evidence import gather
    from mentorfeed.store.listing import Filters

    still_open = store.opportunities(Filters(today=today.date(), state="open", posted_by=today),
                                     limit=1_000_000)
    return gather(found.activity, {k: p.role for k, p in found.profiles.items()}, today,
                  handles=trainee.handles, open_calls=[o.post.key for o in still_open],
                  sessions=found.sessions)


def _per_person(evidence: Evidence, joined: accounts.Persons) -> Evidence:
    """The evidence under each person's main account: what any of their accounts posted, and
    every exchange the trainee had with any of them."""
    from dataclasses import replace

    by_author: dict[Key, list[PostRow]] = {}
    history: dict[Key, list[PostRow]] = {}
    sessions: dict[Key, list[Key]] = {}
    for merged, into in ((evidence.by_author, by_author), (evidence.history, history)):
        for key, rows in merged.items():
            into.setdefault(joined.main(key), []).extend(rows)
        for rows in into.values():
            rows.sort(key=lambda p: p.created_at, reverse=True)
    for key, keys in evidence.sessions_with_you.items():
        sessions.setdefault(joined.main(key), []).extend(keys)
    return replace(evidence, by_author=by_author, history=history, sessions_with_you=sessions,
                   into=joined.into)


def evaluate_people(scenarios: Sequence[Path] | Path | None = None) -> dict[str, Any]:
    """Role accuracy, session reconstruction and matching quality on the sample corpus. Each
    folder of scenarios is reported on its own (`matching_sets`, by folder); `matching` is the
    first. By default: corpus/scenarios, and corpus/scenarios_blind where it exists."""
    import tempfile

    from mentorfeed.classify.corpus import corpus_dir
    from mentorfeed.people.profiles import evaluate_roles
    from mentorfeed.people.sessions import evaluate_sessions

    root = corpus_dir()
    if scenarios is None:
        folders = [f for f in (Path("corpus/scenarios"), Path("corpus/scenarios_blind"))
                   if f.is_dir()]
    else:
        folders = [scenarios] if isinstance(scenarios, Path) else list(scenarios)
    keys = {(r["platform"], r["id"]): r["key"] for r in
            (orjson.loads(line) for line in (root / "labels.jsonl").read_bytes().splitlines())}
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        from mentorfeed.service.demo import build_demo

        path, _, _ = build_demo(Path(folder) / "demo.db")
        settings = Settings(database_url=sqlite_url(path))
        known = people(settings)
        report["roles"] = evaluate_roles(known.activity, root / "roles.jsonl")
        report["links"] = accounts.evaluate(settings, root / "roles.jsonl")
        report["sessions"] = evaluate_sessions(known.sessions, root / "sessions.json",
                                               known.activity)
        report["matching_sets"] = {
            str(where): _evaluate_matching(settings, known, where, keys) for where in folders}
    sets = list(report["matching_sets"].values())
    report["matching"] = sets[0] if sets else {"scenarios": 0, "per_scenario": []}
    return report


def _evaluate_matching(settings: Settings, known: People, folder: Path,
                       keys: dict[tuple[str, str], str]) -> dict[str, Any]:
    """NDCG@10 and recall@10 per scenario of one folder (with the follower baseline), and the
    reasons in the top fives whose linked posts do not show them."""
    from mentorfeed.match.evaluate import as_expected, load_scenarios, ndcg, recall, summarise
    from mentorfeed.match.evidence import false_reasons

    rows: list[dict[str, Any]] = []
    for scenario in load_scenarios(folder):
        now = people(settings, now=scenario.today)
        found = match(settings, scenario.trainee, today=scenario.today, limit=10, known=now)
        # A person with several accounts is right under any of them the judge named.
        mentors = as_expected((found.handles(m.key, now.activity.authors) for m in found.mentors),
                              scenario.mentors)
        # A card is right under any post of its call the judge named (a session's announcement,
        # a cross-post, an update that moved the deadline), as a person is under any account.
        with open_store(settings) as store:
            grouped = store.call_posts([o.key for o in found.opportunities])
        calls = as_expected(([keys.get(k, "") for k in grouped[o.key]]
                             for o in found.opportunities), scenario.opportunities)
        base_mentors, base_calls = _follower_baseline(settings, known, scenario.today)
        evidence = found.evidence
        assert evidence is not None
        wrong = false_reasons(found.mentors, evidence, trainee_stage=scenario.trainee.stage) + \
            false_reasons(found.opportunities, evidence, trainee_stage=scenario.trainee.stage)
        rows.append({
            "scenario": scenario.name,
            "mentors_ndcg": round(ndcg(mentors, scenario.mentors), 4),
            "mentors_recall": round(recall(mentors, scenario.mentors), 4),
            "baseline_mentors_ndcg": round(ndcg(base_mentors, scenario.mentors), 4),
            "opportunities_ndcg": round(ndcg(calls, scenario.opportunities), 4),
            "opportunities_recall": round(recall(calls, scenario.opportunities), 4),
            "baseline_opportunities_ndcg": round(ndcg([keys.get(k, "") for k in base_calls],
                                                      scenario.opportunities), 4),
            "false_reasons": len(wrong),
            "false_reason_lines": wrong,
        })
    totals = {"false_reasons_total": sum(r["false_reasons"] for r in rows)}
    return {"scenarios": len(rows), **summarise(rows), **totals, "per_scenario": rows}


def _follower_baseline(settings: Settings, known: People, today: datetime
                       ) -> tuple[list[str], list[tuple[str, str]]]:
    """The simple baseline: the most-followed dermatologists and residents, and the open calls
    of the most-followed authors."""
    from mentorfeed.store.listing import Filters

    authors = known.activity.authors
    mentors = sorted((p for p in known.profiles.values()
                      if p.role in ("dermatologist", "resident")),
                     key=lambda p: -(authors[p.key].followers or 0))
    with open_store(settings) as store:
        calls = store.opportunities(Filters(today=today.date(), state="open", posted_by=today),
                                    limit=100_000)
    calls.sort(key=lambda o: -(o.post.author.followers or 0) if o.post.author else 0)
    return ([f"{p.key[0]}:{p.handle}" for p in mentors[:10]], [o.post.key for o in calls[:10]])


@dataclass(slots=True)
class SessionsView:
    """Journal-club sessions as of a moment: those found in the store, the announced ones to
    come, and one trainee's people to follow up with (`known` holds the posts and authors they
    refer to)."""

    known: People
    upcoming: list[Event]
    follow_ups: list[FollowUp]


def sessions(settings: Settings, *, now: datetime | None = None, upcoming: bool = False,
             handle: str | None = None) -> SessionsView:
    """The sessions in the store; with `upcoming`, the announced sessions still to come (after
    `now`); with `handle`, the people that handle's accounts talked with in each session."""
    from datetime import UTC

    from mentorfeed.collect.community import load as load_community
    config = load_community()
    known = people(settings, now=now, community=config)
    events = upcoming_events(known.activity, now=now or datetime.now(UTC),
                             hashtags=config.journal_club_hashtags,
                             hosts=config.journal_club_hosts) if upcoming else []
    found = []
    if handle:
        name = handle.lstrip("@").lower()
        own = [k for k, a in known.activity.authors.items() if a.handle.lower() == name]
        found = follow_ups(known.sessions, known.activity, own)
    return SessionsView(known, events, found)


@dataclass(slots=True)
class GraphExport:
    people: int
    edges: int
    written: list[Path]


def export_graph(settings: Settings, *, gexf: Path | None = None,
                 csv: Path | None = None) -> GraphExport:
    """The interaction graph (replies, mentions, quotes, reposts), written as GEXF for Gephi
    (with roles and communities) and as CSV edges where paths are given."""
    from mentorfeed.people.graph import build_graph, communities, export_edges_csv, export_gexf

    known = people(settings)
    built = build_graph(known.activity)
    if gexf:
        export_gexf(built, gexf, roles={k: p.role for k, p in known.profiles.items()},
                    communities=communities(built))
    if csv:
        export_edges_csv(built, csv)
    return GraphExport(built.number_of_nodes(), built.number_of_edges(),
                       [path for path in (gexf, csv) if path])


def trainee_from_file(path: Path) -> TraineeProfile:
    """A trainee's profile from a TOML file (stage, goals, interests, what to match on)."""
    from mentorfeed.match.profile import load

    return load(path)
