"""The interaction graph: who replies to, mentions, quotes and reposts whom.

Nodes are author keys (platform, id) with `handle` and `platform`. Edges run from the acting
author to the author acted on, one per kind (the multigraph key is the kind), with `kind`,
`weight` (how many posts), `first` and `last` (ISO times) and `times` (the sorted datetimes, so
counts can be taken over a window).
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import networkx as nx  # type: ignore[import-untyped]

from mentorfeed.people.activity import Activity, AuthorRow, Key, PostRow

KINDS = ("reply", "mention", "quote", "repost")
TRAINEE_ROLES = frozenset({"medical_student", "premed", "resident"})
CSV_HEADER = ("source", "target", "source_handle", "target_handle", "kind", "weight", "first",
              "last")
LOUVAIN_SEED = 42

_EdgeKey = tuple[Key, Key, str]


def build_graph(activity: Activity) -> nx.MultiDiGraph:
    """Every known author as a node, and their interactions as weighted edges by kind.

    Posts by unknown authors, self-interactions and targets that are not known authors are left
    out. A mention of the author a post replies to, quotes or reposts is not counted again as a
    mention: platforms put the replied-to handle (and "RT @handle") into the text themselves.
    """
    authors = activity.authors
    post_author = {p.key: p.author for p in activity.posts}
    mentions = _MentionIndex(authors)
    times: dict[_EdgeKey, list[datetime]] = defaultdict(list)
    for post in activity.posts:
        source = post.author
        if source is None or source not in authors:
            continue
        linked: set[Key] = set()
        if post.reply_to or post.reply_to_author or post.quote_of or post.repost_of:
            for kind, target in _acted_on(post, post_author):
                if target is not None and target != source and target in authors:
                    linked.add(target)
                    times[(source, target, kind)].append(post.created_at)
        if post.mentions:
            named = {mentions.resolve(source[0], mention) for mention in post.mentions}
            for target in named - linked:
                if target is not None and target != source:
                    times[(source, target, "mention")].append(post.created_at)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from((key, {"handle": row.handle, "platform": key[0]})
                         for key, row in authors.items())
    graph.add_edges_from(_edge(key, found) for key, found in times.items())
    return graph


def _acted_on(post: PostRow, post_author: Mapping[Key, Key | None]
              ) -> list[tuple[str, Key | None]]:
    replied = post.reply_to_author
    if replied is None and post.reply_to is not None:
        replied = post_author.get(post.reply_to)
    quoted = post_author.get(post.quote_of) if post.quote_of is not None else None
    reposted = post_author.get(post.repost_of) if post.repost_of is not None else None
    return [("reply", replied), ("quote", quoted), ("repost", reposted)]


def _edge(key: _EdgeKey, found: list[datetime]) -> tuple[Key, Key, str, dict[str, object]]:
    source, target, kind = key
    found.sort()
    return source, target, kind, {"kind": kind, "weight": len(found),
                                  "first": found[0].isoformat(), "last": found[-1].isoformat(),
                                  "times": tuple(found)}


class _MentionIndex:
    """Resolves a mention as the platform gave it ({"handle", "id"}) to a known author."""

    def __init__(self, authors: Mapping[Key, AuthorRow]) -> None:
        self._authors = authors
        self._handles: dict[tuple[str, str], Key] = {}
        for key, row in authors.items():
            self._handles.setdefault((key[0], _handle(row.handle)), key)

    def resolve(self, platform: str, mention: Mapping[str, str | None]) -> Key | None:
        mention_id = mention.get("id")
        if mention_id and (platform, mention_id) in self._authors:
            return (platform, mention_id)
        handle = _handle(mention.get("handle") or "")
        found = self._handles.get((platform, handle)) if handle else None
        if found is None and mention_id and "@" not in handle:
            # Mastodon gives a local account's bare name and its profile URL, while authors are
            # keyed by actor URI: the URL names the full account.
            account = _account_from_url(mention_id)
            found = self._handles.get((platform, account)) if account else None
        return found


def _handle(text: str) -> str:
    return text.strip().lstrip("@").lower()


_PROFILE_PATH = re.compile(r"^/(?:@|users/)([^/@]+)/?$")


def _account_from_url(url: str) -> str | None:
    parts = urlsplit(url)
    match = _PROFILE_PATH.match(parts.path) if parts.scheme in ("http", "https") else None
    return f"{match.group(1)}@{parts.hostname}".lower() if match and parts.hostname else None


@dataclass(slots=True)
class Engagement:
    """How one author engages with trainees, and how others engage with them."""

    replies_to_trainees: int = 0
    mentions_of_trainees: int = 0
    trainees_reached: int = 0  # distinct trainee authors replied to, quoted or mentioned
    last_engaged: datetime | None = None  # the latest reply, quote or mention of a trainee
    replies_received: int = 0
    degree: int = 0  # distinct authors interacted with, either way


def engagement(graph: nx.MultiDiGraph, roles: Mapping[Key, str], *,
               since: datetime | None = None) -> dict[Key, Engagement]:
    """Engagement of every author in the graph, counting only interactions at or after `since`.

    Trainees are the authors whose role is medical_student, premed or resident.
    """
    start = since.replace(tzinfo=UTC) if since is not None and since.tzinfo is None else since
    result = {node: Engagement() for node in graph}
    reached: dict[Key, set[Key]] = defaultdict(set)
    partners: dict[Key, set[Key]] = defaultdict(set)
    for source, target, data in graph.edges(data=True):
        times: tuple[datetime, ...] = data["times"]
        count = len(times) - bisect_left(times, start) if start is not None else len(times)
        if count == 0:
            continue
        partners[source].add(target)
        partners[target].add(source)
        kind = data["kind"]
        if kind == "reply":
            result[target].replies_received += count
        if kind == "repost" or roles.get(target) not in TRAINEE_ROLES:
            continue
        found = result[source]
        if kind == "reply":
            found.replies_to_trainees += count
        elif kind == "mention":
            found.mentions_of_trainees += count
        reached[source].add(target)
        if found.last_engaged is None or times[-1] > found.last_engaged:
            found.last_engaged = times[-1]
    for node, others in partners.items():
        result[node].degree = len(others)
    for node, trainees in reached.items():
        result[node].trainees_reached = len(trainees)
    return result


def communities(graph: nx.MultiDiGraph) -> dict[Key, int]:
    """A community id per author: Louvain on the undirected graph, weights summed over kinds.

    The seed is fixed and nodes and edges go in sorted, so the same graph gives the same
    communities; ids are numbered from the largest community down.
    """
    weights: dict[tuple[Key, Key], int] = defaultdict(int)
    for source, target, weight in graph.edges(data="weight", default=1):
        weights[(min(source, target), max(source, target))] += weight
    undirected = nx.Graph()
    undirected.add_nodes_from(sorted(graph.nodes))
    undirected.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(weights.items()))
    found = nx.community.louvain_communities(undirected, weight="weight", seed=LOUVAIN_SEED)
    ordered = sorted(found, key=lambda members: (-len(members), min(members)))
    return {node: number for number, members in enumerate(ordered) for node in members}


def node_id(key: Key) -> str:
    """The key as one string, "platform:id", as exported files name authors."""
    return f"{key[0]}:{key[1]}"


def export_gexf(graph: nx.MultiDiGraph, path: Path, roles: Mapping[Key, str] | None = None,
                communities: Mapping[Key, int] | None = None) -> None:
    """Write the graph for Gephi: nodes labelled by handle, with role and community if given."""
    out = nx.MultiDiGraph()
    for key, data in graph.nodes(data=True):
        attrs: dict[str, object] = {"label": data.get("handle") or node_id(key),
                                    "platform": key[0]}
        if roles is not None:
            attrs["role"] = roles.get(key, "unknown")
        if communities is not None:
            attrs["community"] = communities.get(key, -1)
        out.add_node(node_id(key), **attrs)
    for source, target, data in graph.edges(data=True):
        kind = data["kind"]
        out.add_edge(node_id(source), node_id(target), key=kind, label=kind, kind=kind,
                     weight=data["weight"], first=data["first"], last=data["last"])
    nx.write_gexf(out, path)


# What a spreadsheet reads as the start of a formula (or, for tab and carriage return, as the
# whitespace before one): a handle such as "=HYPERLINK(...)" must open as text, not run.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """`value` as a CSV cell a spreadsheet shows rather than evaluates: text that would start a
    formula gets a leading single quote, as OWASP recommends against CSV injection. Handles and
    ids come from other people's accounts, and a trainee opens the export in Excel or Sheets;
    numbers are left as they are, so a negative weight would still be a number."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_edges_csv(graph: nx.MultiDiGraph, path: Path) -> None:
    """Write one row per edge (source, target and kind) with handles, weight and times, each
    text cell safe to open in a spreadsheet."""
    handles = dict(graph.nodes(data="handle"))
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_HEADER)
        for source, target, data in graph.edges(data=True):
            row = (node_id(source), node_id(target), handles.get(source), handles.get(target),
                   data["kind"], data["weight"], data["first"], data["last"])
            writer.writerow([spreadsheet_safe(cell) for cell in row])
