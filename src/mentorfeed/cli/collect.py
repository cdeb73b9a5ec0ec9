"""Commands that collect live: init, collect x|bluesky|mastodon, watch, forget."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from mentorfeed import service
from mentorfeed.cli.app import app, console, errors, settings_of

collect_app = typer.Typer(help="Collect public posts live from X, Bluesky or Mastodon.",
                          no_args_is_help=True)
app.add_typer(collect_app, name="collect")


def countdown(reason: str, left: float) -> None:
    """A visible countdown while a source asks us to wait."""
    errors.file.write(f"\r{reason}: waiting {left:5.0f} s ")
    errors.file.flush()
    if left <= 1:
        errors.file.write("\n")


def politeness(source: str, hint: str) -> service.collecting.Politeness:
    return service.collecting.Politeness(source, auth_hint=hint, on_wait=countdown)


def show_problems(report: Any) -> None:
    """What a run left out or cut, one line each."""
    for problem in report.problems + report.warnings:
        errors.print(problem, soft_wrap=True, markup=False)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the community config.")] =
    Path("mentorfeed.toml"),
) -> None:
    """Write a starter community config (hashtags, queries, instances, intervals) to edit."""
    service.collecting.write_starter_config(path)
    console.print(f"Wrote {path}. Edit it, then run: mentorfeed watch --community {path}")


@collect_app.command("x")
def collect_x(
    ctx: typer.Context,
    query: Annotated[str, typer.Option(help="An X search query, e.g. '#DermTwitter "
                                            "-is:retweet'.")],
    since: Annotated[str | None, typer.Option(help="From this time (YYYY-MM-DDTHH:MM:SSZ).")
                     ] = None,
    until: Annotated[str | None, typer.Option(help="Before this time.")] = None,
    full_archive: Annotated[bool, typer.Option(
        "--archive", help="Full-archive search (/2/tweets/search/all), if the token allows.")
    ] = False,
    max_pages: Annotated[int | None, typer.Option(help="Stop after this many pages.")] = None,
) -> None:
    """Collect an X API v2 search, from where the last run of the query stopped.

    The bearer token comes from MENTORFEED_X_BEARER_TOKEN; MENTORFEED_X_API_URL changes the
    endpoint."""
    report = service.collecting.collect(
        settings_of(ctx), "x", make_politeness=politeness, query=query, since=since,
        until=until, full_archive=full_archive, max_pages=max_pages,
        on_page=lambda n: errors.print(f"X: page {n}", end="\r"))
    console.print(f"X: {report.pages} pages, {report.posts} posts ({report.new} new).")
    show_problems(report)


@collect_app.command("bluesky")
def collect_bluesky(
    ctx: typer.Context,
    tag: Annotated[list[str] | None, typer.Option(help="A hashtag without # (repeatable).")
                   ] = None,
    query: Annotated[list[str] | None, typer.Option(help="A search query (repeatable).")
                     ] = None,
    live: Annotated[bool, typer.Option(
        help="Follow the live Jetstream for the tags instead, until Ctrl-C.")] = False,
    max_pages: Annotated[int | None, typer.Option(help="Stop after this many pages.")] = None,
) -> None:
    """Collect Bluesky searches (app.bsky.feed.searchPosts), from where the last run stopped.

    Logs in with MENTORFEED_BLUESKY_HANDLE and MENTORFEED_BLUESKY_APP_PASSWORD when set;
    MENTORFEED_BLUESKY_URL and MENTORFEED_JETSTREAM_URL change the endpoints."""
    if not tag and not query:
        raise typer.BadParameter("name at least one --tag or --query.")
    settings = settings_of(ctx)
    if live:
        try:
            report = service.collecting.follow_jetstream(settings, tag or [])
        except KeyboardInterrupt:
            console.print("Stopped following; the next run replays from the saved cursor.")
            return
        console.print(f"Jetstream: {report.events} events, {report.new} new posts.")
        return
    for options in [{"tag": t} for t in tag or []] + [{"query": q} for q in query or []]:
        report = service.collecting.collect(settings, "bluesky", make_politeness=politeness,
                                            max_pages=max_pages, **options)
        what = f"#{options['tag']}" if "tag" in options else repr(options["query"])
        console.print(f"Bluesky {what}: {report.pages} pages, {report.posts} posts "
                      f"({report.new} new).")
        show_problems(report)


@collect_app.command("mastodon")
def collect_mastodon(
    ctx: typer.Context,
    instance: Annotated[list[str], typer.Option(
        help="A Mastodon server, e.g. https://med-mastodon.com (repeatable).")],
    tag: Annotated[list[str], typer.Option(help="A hashtag without # (repeatable).")],
    max_pages: Annotated[int | None, typer.Option(help="Stop after this many pages.")] = None,
) -> None:
    """Collect hashtag timelines from Mastodon servers, from where the last run stopped.

    The same post seen through two servers is stored once. An access token, if the server
    wants one, comes from MENTORFEED_MASTODON_TOKEN."""
    for server in instance:
        for name in tag:
            report = service.collecting.collect(
                settings_of(ctx), "mastodon", make_politeness=politeness, server=server,
                instance=server, tag=name, max_pages=max_pages)
            console.print(f"{server} #{name}: {report.pages} pages, {report.posts} posts "
                          f"({report.new} new).")
            show_problems(report)


@app.command()
def forget(
    ctx: typer.Context,
    post: Annotated[list[str] | None, typer.Option(help="A post's URL or id (repeatable).")
                    ] = None,
    author: Annotated[list[str] | None, typer.Option(
        help="An author's handle (repeatable): all their posts go too.")] = None,
) -> None:
    """Remove posts or authors from the store and from the raw archive.

    Deleted or withdrawn content must not linger: labels, search index and raw pages go too."""
    if not post and not author:
        raise typer.BadParameter("name at least one --post or --author.")
    report = service.collecting.forget(settings_of(ctx), posts=post or [], authors=author or [])
    console.print(f"Forgot {report.posts} posts and {report.authors} authors; rewrote "
                  f"{report.pages} raw pages.")


@app.command()
def watch(
    ctx: typer.Context,
    community_file: Annotated[Path | None, typer.Option(
        "--community", help="The community config (default: the shipped dermatology one).")
    ] = None,
    cycles: Annotated[int | None, typer.Option(help="Stop after this many cycles.")] = None,
    log_file: Annotated[Path | None, typer.Option(
        "--log", help="Also write the structured log (JSON lines) to this file.")] = None,
) -> None:
    """Collect every configured source on its interval until stopped; classify what arrives."""
    settings = settings_of(ctx)
    config = service.collecting.load_community(community_file)
    log_out = log_file.open("a", encoding="utf-8") if log_file else None

    def log(record: dict[str, object]) -> None:
        if log_out:
            log_out.write(orjson.dumps(record).decode() + "\n")
            log_out.flush()
        if record["event"] in ("failed", "skipped"):
            errors.print(f"{record['source']}: {record['error']}", soft_wrap=True)

    console.print(f"Watching {config.name}; Ctrl-C stops, and every source goes on from "
                  "where it stopped next time.")
    try:
        total = service.collecting.watch(
            settings,
            config,
            make_politeness=politeness,
            cycles=cycles,
            log=log,
            on_cycle=lambda cycle: console.print(cycle.status()),
        )
    except KeyboardInterrupt:
        console.print("Stopped watching.")
        return
    finally:
        if log_out:
            log_out.close()
    console.print(f"Collected {total} new posts.")
