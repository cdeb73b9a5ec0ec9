"""Commands about people: match, people, sessions, graph."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.text import Text

from mentorfeed import service
from mentorfeed.cli.app import app, console, settings_of
from mentorfeed.errors import MentorfeedError


def _today(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        day = datetime.fromisoformat(value).replace(tzinfo=UTC)
        return day.replace(hour=23, minute=59, second=59)  # the whole day is known
    except ValueError:
        raise MentorfeedError(f"--today takes a date like 2025-03-01, not {value!r}.") from None


def _reasons(reasons: list[Any], urls: dict[Any, str | None]) -> list[dict[str, Any]]:
    return [{"text": r.text, "posts": [urls.get(k) or f"{k[0]}:{k[1]}" for k in r.posts]}
            for r in reasons]


@app.command()
def match(
    ctx: typer.Context,
    profile: Annotated[Path, typer.Option(help="Your trainee profile (TOML); see the README.")],
    today: Annotated[str | None, typer.Option(
        help="Match as of this date (YYYY-MM-DD); default: now, or the day after the "
        "store's newest post if that is older (e.g. the sample corpus).")] = None,
    limit: Annotated[int, typer.Option(help="How many of each to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print both lists as JSON.")] = False,
    everything: Annotated[bool, typer.Option(
        "--everything", help="Also list the open calls never offered to you (your own posts, "
        "calls for another stage, background or language), each with why.")] = False,
) -> None:
    """Rank the mentors and the opportunities that fit a trainee, each with its reasons."""
    trainee = service.people.trainee_from_file(profile)
    when = _today(today) if today else service.people.as_of(settings_of(ctx))
    known = service.people.people(settings_of(ctx), now=when)
    found = service.people.match(settings_of(ctx), trainee, today=when, limit=limit, known=known,
                                 everything=everything)
    urls = {p.key: p.url for p in known.activity.posts}
    authors = known.activity.authors
    mentors: list[dict[str, Any]] = [
        {"platform": m.key[0], "handle": m.handle, "url": authors[m.key].url, "role": m.role,
         "score": m.score, "reasons": _reasons(m.reasons, urls),
         "also": [{"platform": a.platform, "handle": a.handle, "url": a.url, "reason": a.reason}
                  for a in found.others.get(m.key, [])]} for m in found.mentors]
    calls: list[dict[str, Any]] = [
        {"platform": o.key[0], "id": o.key[1], "url": o.url, "labels": o.labels,
         "deadline": o.deadline.isoformat() if o.deadline else None, "score": o.score,
         "reasons": _reasons(o.reasons, urls)} for o in found.opportunities]
    hidden: list[dict[str, Any]] = [
        {"platform": o.post.platform, "id": o.post.id, "url": o.post.url,
         "labels": o.classification.labels, "not_for_you": why} for o, why in found.left_out]
    if as_json:
        shown: dict[str, Any] = {"mentors": mentors, "opportunities": calls}
        if everything:
            shown["not_offered"] = hidden
        sys.stdout.write(orjson.dumps(shown, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    console.print("[bold]Mentors worth contacting[/]")
    for m in mentors:
        console.print(Text.assemble((f"{m['score']:.2f} ", "dim"), (f"@{m['handle']}", "bold"),
                                    (f" ({m['platform']}, {m['role']})", "dim"),
                                    *((f" · @{a['handle']} ({a['platform']})", "bold")
                                      for a in m["also"])))
        for reason in m["reasons"]:
            console.print(Text(f"   · {reason['text']}"))
    console.print("\n[bold]Opportunities[/]")
    for o in calls:
        console.print(Text.assemble((f"{o['score']:.2f} ", "dim"), (" ".join(o["labels"]),
                                                                  "green"), f"  {o['url']}"))
        for reason in o["reasons"]:
            console.print(Text(f"   · {reason['text']}"))
    if everything:
        console.print(f"\n[bold]Not offered to you[/] ({len(hidden)})")
        for o in hidden:
            console.print(Text.assemble((" ".join(o["labels"]), "green"), f"  {o['url']}",
                                        (f"  ({o['not_for_you']})", "dim")))


people_app = typer.Typer(help="Author profiles, and which accounts are one person.")
app.add_typer(people_app, name="people")


@people_app.callback(invoke_without_command=True)
def people_(
    ctx: typer.Context,
    role: Annotated[str | None, typer.Option(help="Only this role, e.g. dermatologist.")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Author profiles: role (with confidence), interests and mentorship signals; `links`,
    `link` and `unlink` show and change which accounts are one person."""
    if ctx.invoked_subcommand is not None:
        return
    stored = service.people.profiles(settings_of(ctx), roles=[role] if role else None)
    also = service.accounts.handles(settings_of(ctx))
    chosen = list(stored.values())
    chosen.sort(key=lambda p: -(p.signals.trainee_replies + p.signals.jc_answers +
                                sum(p.signals.opportunities.values())))
    for person in chosen[:limit]:
        interests = sorted(person.interests, key=lambda t: -person.interests[t])[:4]
        if as_json:
            sys.stdout.write(orjson.dumps({
                "platform": person.key[0], "handle": person.handle,
                "also": also.get(person.key, []), "role": person.role,
                "confidence": person.role_confidence, "interests": interests,
                "opportunities": person.signals.opportunities,
                "trainee_replies": person.signals.trainee_replies,
                "jc_answers": person.signals.jc_answers}).decode() + "\n")
            continue
        console.print(Text.assemble(
            (f"@{person.handle}", "bold"),
            (f" ({person.key[0]}) {person.role} {person.role_confidence:.2f}", "dim"),
            (f" also {', '.join(also[person.key])}" if person.key in also else "", "dim"),
            f"  interests: {', '.join(interests) or '-'}; "
            f"{sum(person.signals.opportunities.values())} calls, "
            f"{person.signals.trainee_replies} replies to trainees, "
            f"{person.signals.jc_answers} journal-club answers"))


@people_app.command("links")
def links(
    ctx: typer.Context,
    undone: Annotated[bool, typer.Option(help="Also list the links you undid.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """The accounts counted as one person, each pair with the reason for its link."""
    found = service.accounts.account_links(settings_of(ctx), undone=undone)
    for one in found:
        if as_json:
            sys.stdout.write(orjson.dumps({
                "a": f"{one.a[0]}:{one.a_handle}", "b": f"{one.b[0]}:{one.b_handle}",
                "kind": one.kind, "reason": one.reason}).decode() + "\n")
            continue
        console.print(Text.assemble((f"{one.a[0]}:{one.a_handle}", "bold"), " = ",
                                    (f"{one.b[0]}:{one.b_handle}", "bold"),
                                    (f"  ({one.kind}) ", "dim"), one.reason))
    if not found and not as_json:
        console.print("No linked accounts; run `mentorfeed people` after importing posts.")


@people_app.command("unlink")
def unlink(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(help="An account, as platform:handle.")],
    second: Annotated[str, typer.Argument(help="The other account, as platform:handle.")],
) -> None:
    """Undo a wrong link: the two accounts count as two people, also after the links are
    found again."""
    done = service.accounts.unlink(settings_of(ctx), first, second)
    console.print(f"Unlinked {done.a[0]}:{done.a_handle} and {done.b[0]}:{done.b_handle}."
                  + (" Other links still join them; `mentorfeed people links` lists them."
                     if done.still_one else ""))


@people_app.command("link")
def link(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(help="An account, as platform:handle.")],
    second: Annotated[str, typer.Argument(help="The other account, as platform:handle.")],
) -> None:
    """Count two accounts as one person."""
    done = service.accounts.link(settings_of(ctx), first, second)
    console.print(f"Linked {done.a[0]}:{done.a_handle} and {done.b[0]}:{done.b_handle} "
                  "as one person.")


@app.command()
def sessions(
    ctx: typer.Context,
    handle: Annotated[str | None, typer.Option(
        help="Your handle: list the people you talked with in each session.")] = None,
    upcoming: Annotated[bool, typer.Option(
        help="List the announced sessions still to come instead.")] = False,
    today: Annotated[str | None, typer.Option(
        help="As of this date (YYYY-MM-DD), e.g. on an old sample corpus.")] = None,
) -> None:
    """Journal-club sessions rebuilt question by question, and your people to follow up with."""
    found = service.people.sessions(settings_of(ctx), now=_today(today) if today else None,
                                    upcoming=upcoming, handle=handle)
    authors = found.known.activity.authors
    posts = found.known.activity.by_key()
    if upcoming:
        for event in found.upcoming:
            host = authors.get(event.host) if event.host else None
            console.print(Text.assemble((f"{event.starts:%Y-%m-%d %H:%M} UTC ", "bold"),
                                        f"#{event.hashtag or ''} {event.platform} · host "
                                        f"@{host.handle if host else '?'} · {event.title[:80]} · "
                                        f"{posts[event.post].url or event.post[1]}"))
        if not found.upcoming:
            console.print("No announced sessions to come.")
        return
    if not found.known.sessions:
        console.print("No journal-club sessions found; import and classify posts first.")
        return
    for session in found.known.sessions:
        host = authors.get(session.host) if session.host else None
        console.print(Text.assemble((f"{session.start:%Y-%m-%d %H:%M} UTC ", "dim"),
                                    (f"#{session.hashtag or ''} ", "bold"),
                                    f"host @{host.handle if host else '?'} · "
                                    f"{len(session.participants)} participants"))
        for question in session.questions:
            text = posts[question.post].text.replace("\n", " ")[:110]
            console.print(Text(f"  Q{question.number}: {text} ({len(question.answers)} answers)"))
    if handle:
        console.print(f"\n[bold]People to follow up with (@{handle.lstrip('@')})[/]")
        for item in found.follow_ups:
            person = authors.get(item.person)
            links = ", ".join(posts[theirs].url or theirs[1] for theirs, _ in item.exchanges[:2])
            console.print(f"  {item.session}: @{person.handle if person else '?'} — {links}")


@app.command()
def graph(
    ctx: typer.Context,
    gexf: Annotated[Path | None, typer.Option(help="Write the graph for Gephi here.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write the edges as CSV here.")] = None,
) -> None:
    """The interaction graph (replies, mentions, quotes, reposts) as GEXF and CSV edges."""
    done = service.people.export_graph(settings_of(ctx), gexf=gexf, csv=csv)
    console.print(f"{done.people} people, {done.edges} edges"
                  + (f"; wrote {', '.join(str(p) for p in done.written)}." if done.written
                     else "; name --gexf or --csv to export."))
