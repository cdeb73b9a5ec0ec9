"""Commands over posts: import, stats, search, demo."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from mentorfeed import service
from mentorfeed.cli.app import (
    FormatName,
    ImportBar,
    Platform,
    PostsRate,
    app,
    console,
    day_option,
    errors,
    print_opportunities,
    settings_of,
)
from mentorfeed.cli.hosts import AllowedHostOption, with_allowed
from mentorfeed.config import Settings


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(
        help="Files or archive folders: X API v2 pages or twarc2 JSONL, X v1.1 JSON/JSONL, "
        "an X archive (ZIP, folder or tweets.js), Bluesky searchPosts/getProfiles JSON or "
        "postView JSONL, Mastodon status arrays, or CSV (columns: platform, id, text, "
        "created_at, url, author_id, author_handle, author_name, author_bio, "
        "author_followers, lang, hashtags, urls, mentions, reply_to, quote_of, repost_of, "
        "conversation_id, likes, reposts, replies, quotes; twarc-csv columns work too).",
        show_default=False)],
    format_name: Annotated[FormatName | None, typer.Option(
        "--format", help="Skip detection and read every file as this format.")] = None,
) -> None:
    """Import posts from exported or collected files into the store."""
    settings = settings_of(ctx)
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), PostsRate(),
               TimeElapsedColumn())
    try:
        with Progress(*columns, console=errors, transient=False) as progress:
            report = service.posts.import_files(settings, files,
                                      format_name=format_name.value if format_name else None,
                                      progress=ImportBar(progress))
    except KeyboardInterrupt:
        errors.print("Interrupted. Everything imported so far is kept; run the same command "
                     "again to finish.")
        raise typer.Exit(130) from None
    _print_import_report(report, time.perf_counter() - started)
    if not report.ok:
        raise typer.Exit(1)


def _print_import_report(report: service.posts.ImportReport, seconds: float) -> None:
    for shown, problem in enumerate(report.problems):
        if shown == 25:
            errors.print(f"... and {len(report.problems) - shown} more problems")
            break
        style = "red" if problem.skipped else "yellow"
        errors.print(Text(str(problem), style=style), soft_wrap=True)
    warnings = len(report.problems) - report.skipped
    rate = report.posts / seconds if seconds > 0 else 0
    console.print(
        f"Imported {report.files} file(s): {report.posts:,} posts read "
        f"([green]{report.new:,} new[/], {report.updated:,} updated), "
        f"[{'red' if report.skipped else 'green'}]{report.skipped} skipped[/], "
        f"{warnings} warning(s) in {seconds:.1f}s ({rate:,.0f} posts/s).")
    if report.reposts:
        console.print(f"{report.reposts:,} of them are reposts (not their authors' own words).")
    if report.resolved:
        console.print(f"Linked {report.resolved} Mastodon replies to their parents.")


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    top: Annotated[int, typer.Option(help="How many hashtags and authors to list.")] = 10,
) -> None:
    """Counts by platform, hashtag, month, and the most active authors."""
    result = service.posts.stats(settings_of(ctx), top=top)
    if as_json:
        sys.stdout.write(orjson.dumps(_stats_json(result), option=orjson.OPT_INDENT_2).decode()
                         + "\n")
        return
    _print_stats(result)


def _stats_json(result: service.posts.Stats) -> dict[str, Any]:
    data = asdict(result)
    data["top_hashtags"] = [{"tag": t, "posts": n} for t, n in result.top_hashtags]
    data["top_authors"] = [{"handle": h, "platform": p, "posts": n}
                           for h, p, n in result.top_authors]
    return data


def _print_stats(result: service.posts.Stats, *, by_year: bool = False) -> None:
    if not result.posts:
        console.print("The store is empty: run [bold]mentorfeed import FILE[/] first "
                      "(or [bold]mentorfeed demo[/]).")
        return
    span = f"{result.first:%Y-%m-%d} to {result.last:%Y-%m-%d}" if result.first and \
        result.last else ""
    console.print(f"[bold]{result.posts:,}[/] posts by [bold]{result.authors:,}[/] authors, "
                  f"{span}; {result.reposts:,} of them reposts, plus "
                  f"{result.context_posts:,} context posts (replied to, quoted or reposted).")
    tables = [("Platform", "Posts", list(result.by_platform.items())),
              ("Hashtag", "Posts", [(f"#{t}", n) for t, n in result.top_hashtags]),
              ("Author", "Posts", [(f"@{h} ({p})", n) for h, p, n in result.top_authors])]
    for name, count, rows in tables:
        table = Table(show_header=True, header_style="bold")
        table.add_column(name)
        table.add_column(count, justify="right")
        for key, value in rows:
            table.add_row(escape(str(key)), f"{value:,}")
        console.print(table)
    periods: dict[str, int] = {}
    for month, n in result.by_month.items():
        period = month[:4] if by_year else month
        periods[period] = periods.get(period, 0) + n
    unit = "Year" if by_year else "Month"
    chart = Table(show_header=True, header_style="bold", title=f"Posts by {unit.lower()}")
    chart.add_column(unit)
    chart.add_column("Posts", justify="right")
    chart.add_column("")
    peak = max(periods.values())
    for period, n in periods.items():
        chart.add_row(period, f"{n:,}", "█" * max(1, round(30 * n / peak)))
    console.print(chart)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(
        help='Words to find (all must match); "a phrase", OR, -exclude, prefix*. '
        "Leave out to list the newest posts.")] = None,
    platform: Annotated[Platform | None, typer.Option(help="Only this platform.")] = None,
    hashtag: Annotated[str | None, typer.Option(help="Only posts with this hashtag.")] = None,
    author: Annotated[str | None, typer.Option(help="Only posts by this handle.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this date (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(help="How many posts to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Full-text search over the stored posts, with filters."""
    found = service.posts.search(
        settings_of(ctx),
        query,
        platform=platform.value if platform else None,
        hashtag=hashtag,
        author=author,
        since=day_option(since, "--since"),
        until=day_option(until, "--until"),
        limit=limit,
    )
    if as_json:
        for post in found:
            sys.stdout.write(orjson.dumps(service.posts.post_summary(post)).decode() + "\n")
        return
    if not found:
        console.print("No posts match; try fewer words or filters.")
        return
    for post in found:
        handle = f"@{post.author.handle}" if post.author else "unknown author"
        console.print(Text.assemble(
            (f"{post.created_at:%Y-%m-%d %H:%M} ", "dim"), (f"{post.platform:<8} ", "magenta"),
            (handle, "bold")))
        body = post.text if len(post.text) <= 400 else post.text[:400] + "…"
        console.print(Text(body or ("(repost)" if post.repost_of else "(no text)")))
        if post.url:
            console.print(Text(post.url, style="blue"))
        console.print()


@app.command()
def demo(
    ctx: typer.Context,
    serve: Annotated[bool, typer.Option(
        "--serve/--no-serve", help="Open the web app on the demo store afterwards "
        "(--no-serve: just build it and print a summary).")] = True,
    port: Annotated[int, typer.Option(help="Port for the web app.")] = 8000,
    allowed_host: AllowedHostOption = None,
) -> None:
    """Build a fresh demo store from the bundled sample community, show it, and serve the web
    app over it at http://127.0.0.1:8000."""
    from mentorfeed.cli.web import say, warn
    from mentorfeed.web.serve import DEFAULT_HOST, check_free, serve_app

    if serve:  # say so now, not after building the store
        check_free(DEFAULT_HOST, port)
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), PostsRate(),
                  TimeElapsedColumn(), console=errors, transient=True) as progress:
        path, report, classified = service.demo.build_demo(progress=ImportBar(progress))
    _print_import_report(report, time.perf_counter() - started)
    console.print(f"Classified them: {classified.opportunity_posts:,} posts carry "
                  f"{classified.opportunities:,} opportunities.")
    settings = Settings.load(str(path))
    _print_stats(service.posts.stats(settings, top=8), by_year=True)
    console.print("\n[bold]Newest opportunities[/]\n")
    print_opportunities(service.opportunities.opportunities(settings, limit=5))
    console.print(f"The demo store is {path}. Try:\n"
                  f"  mentorfeed --db {path} opportunities --label research_collaboration\n"
                  f"  mentorfeed --db {path} opportunities --audience urim --json\n"
                  f"  mentorfeed --db {path} search mentor --hashtag DermTwitter\n"
                  f"  mentorfeed --db {path} stats")
    if not serve:
        console.print(f"  mentorfeed --db {path} serve   (the web app)")
        return
    console.print()
    serve_app(with_allowed(settings, allowed_host), port=port, say=say, warn=warn)
