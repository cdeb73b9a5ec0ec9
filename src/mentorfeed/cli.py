"""The command line: argument parsing and output formatting over the library API."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from mentorfeed import api
from mentorfeed.config import Settings
from mentorfeed.errors import MentorfeedError
from mentorfeed.ingest import ImportReport
from mentorfeed.models import PLATFORMS
from mentorfeed.sources import FORMATS
from mentorfeed.store import Opportunity, Stats

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)
app = typer.Typer(
    help="Find mentorship opportunities for dermatology trainees in public social media.",
    no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode="rich")

FormatName = Enum("FormatName", {n.replace("-", "_"): n for n in FORMATS}, type=str)  # type: ignore[misc]
Platform = Enum("Platform", {p: p for p in PLATFORMS}, type=str)  # type: ignore[misc]


@dataclass(slots=True)
class State:
    settings: Settings


@app.callback()
def options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", help="Database: a SQLAlchemy URL (sqlite:///x.db, postgresql://...) or a path. "
        "Default: MENTORFEED_DATABASE_URL, else a SQLite file in your data folder.")] = None,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show full tracebacks instead of one-line errors.")] = False,
) -> None:
    """mentorfeed: collect, store and search public posts of the dermatology community."""
    ctx.obj = State(Settings.load(db))


def _settings(ctx: typer.Context) -> Settings:
    state: State = ctx.obj
    return state.settings


class _PostsRate(ProgressColumn):
    """Posts so far and posts per second."""

    def render(self, task: Task) -> Text:
        posts = int(task.fields.get("posts", 0))
        elapsed = task.elapsed or 0
        rate = posts / elapsed if elapsed > 0.2 else 0
        return Text(f"{posts:,} posts · {rate:,.0f}/s", style="cyan")


class _RichImportProgress:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: Any = None
        self.posts = 0

    def file_started(self, path: Path, size: int) -> None:
        if self.task is not None:  # the byte count of the last batch may fall short
            self.progress.update(self.task, completed=self.progress.tasks[-1].total)
        self.posts = 0
        self.task = self.progress.add_task(path.name, total=size or None, posts=0)

    def advanced(self, nbytes: int, nposts: int) -> None:
        self.posts += nposts
        self.progress.update(self.task, advance=nbytes, posts=self.posts)


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(
        help="Files or archive folders: X API v2 pages or twarc2 JSONL, X v1.1 JSON/JSONL, "
        "an X archive (ZIP, folder or tweets.js), Bluesky searchPosts/getProfiles JSON or "
        "postView JSONL, Mastodon status arrays, or CSV (columns: platform, id, text, "
        "created_at, url, author_id, author_handle, author_name, author_bio, "
        "author_followers, lang, hashtags, urls, reply_to, quote_of, repost_of, "
        "conversation_id, likes, reposts, replies, quotes; twarc-csv columns work too).",
        show_default=False)],
    format_name: Annotated[FormatName | None, typer.Option(
        "--format", help="Skip detection and read every file as this format.")] = None,
) -> None:
    """Import posts from exported or collected files into the store."""
    settings = _settings(ctx)
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), _PostsRate(),
               TimeElapsedColumn())
    try:
        with Progress(*columns, console=errors, transient=False) as progress:
            report = api.import_files(settings, files,
                                      format_name=format_name.value if format_name else None,
                                      progress=_RichImportProgress(progress))
    except KeyboardInterrupt:
        errors.print("Interrupted. Everything imported so far is kept; run the same command "
                     "again to finish.")
        raise typer.Exit(130) from None
    _print_import_report(report, time.perf_counter() - started)
    if not report.ok:
        raise typer.Exit(1)


def _print_import_report(report: ImportReport, seconds: float) -> None:
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
    if report.resolved:
        console.print(f"Linked {report.resolved} Mastodon replies to their parents.")


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    top: Annotated[int, typer.Option(help="How many hashtags and authors to list.")] = 10,
) -> None:
    """Counts by platform, hashtag, month, and the most active authors."""
    result = api.stats(_settings(ctx), top=top)
    if as_json:
        sys.stdout.write(orjson.dumps(_stats_json(result), option=orjson.OPT_INDENT_2).decode()
                         + "\n")
        return
    _print_stats(result)


def _stats_json(result: Stats) -> dict[str, Any]:
    data = asdict(result)
    data["top_hashtags"] = [{"tag": t, "posts": n} for t, n in result.top_hashtags]
    data["top_authors"] = [{"handle": h, "platform": p, "posts": n}
                           for h, p, n in result.top_authors]
    return data


def _print_stats(result: Stats, *, by_year: bool = False) -> None:
    if not result.posts:
        console.print("The store is empty: run [bold]mentorfeed import FILE[/] first "
                      "(or [bold]mentorfeed demo[/]).")
        return
    span = f"{result.first:%Y-%m-%d} to {result.last:%Y-%m-%d}" if result.first and \
        result.last else ""
    console.print(f"[bold]{result.posts:,}[/] posts by [bold]{result.authors:,}[/] authors, "
                  f"{span}; {result.reposts:,} of them reposts, plus "
                  f"{result.context_posts:,} context posts (replied to or quoted).")
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


def _day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    except ValueError:
        raise MentorfeedError(f"{option} takes a date like 2024-03-15, not {value!r}.") from None


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
    found = api.search(_settings(ctx), query, platform=platform.value if platform else None,
                       hashtag=hashtag, author=author, since=_day(since, "--since"),
                       until=_day(until, "--until"), limit=limit)
    if as_json:
        for post in found:
            sys.stdout.write(orjson.dumps(api.post_summary(post)).decode() + "\n")
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
        console.print(Text(body or "(repost)"))
        if post.url:
            console.print(Text(post.url, style="blue"))
        console.print()


@app.command()
def demo(ctx: typer.Context) -> None:
    """Build a fresh demo store from the bundled sample community and show it."""
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), _PostsRate(),
                  TimeElapsedColumn(), console=errors, transient=True) as progress:
        path, report, classified = api.build_demo(progress=_RichImportProgress(progress))
    _print_import_report(report, time.perf_counter() - started)
    console.print(f"Classified them: {classified.opportunity_posts:,} posts carry "
                  f"{classified.opportunities:,} opportunities.")
    settings = Settings.load(str(path))
    _print_stats(api.stats(settings, top=8), by_year=True)
    console.print("\n[bold]Newest opportunities[/]\n")
    _print_opportunities(api.opportunities(settings, limit=5))
    console.print(f"The demo store is {path}. Try:\n"
                  f"  mentorfeed --db {path} opportunities --label research_collaboration\n"
                  f"  mentorfeed --db {path} opportunities --audience urim --json\n"
                  f"  mentorfeed --db {path} search mentor --hashtag DermTwitter\n"
                  f"  mentorfeed --db {path} stats")


class _RichCountProgress:
    """A progress bar over a known total (posts or bytes), with counts and rate."""

    def __init__(self, progress: Progress, description: str) -> None:
        self.progress = progress
        self.description = description
        self.task: Any = None

    def start(self, total: int | None) -> None:
        self.task = self.progress.add_task(self.description, total=total)

    def advance(self, count: int) -> None:
        self.progress.update(self.task, advance=count)


def _count_columns() -> tuple[ProgressColumn, ...]:
    return (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TaskProgressColumn(), TimeElapsedColumn())


@app.command()
def train(
    output: Annotated[Path | None, typer.Option(
        help="Folder for the model (default: the model folder in your data folder, which "
        "classify then uses instead of the shipped model).")] = None,
) -> None:
    """Train the classifier on the sample corpus's train split, reproducibly."""
    with errors.status("Training on the sample corpus (with 5-fold cross-validation)..."):
        result = api.train_model(output)
    thresholds = ", ".join(f"{k} {v:.2f}" for k, v in result.model.info["thresholds"].items())
    console.print(f"Model {result.model.version} trained on {result.examples:,} posts, saved "
                  f"in {result.folder}.\nThresholds: {thresholds}.")


@app.command()
def classify(
    ctx: typer.Context,
    everything: Annotated[bool, typer.Option(
        "--all", help="Classify every post again (after a model change), not only new ones.")
    ] = False,
    input_file: Annotated[Path | None, typer.Option(
        "--input", help='Classify a JSONL file instead of the store: one {"id", "text"} per '
        'line, optionally "platform", "created_at" and "author": {"handle", "name", "bio"}.')
    ] = None,
    output: Annotated[Path | None, typer.Option(
        help='With --input: the JSONL file to write, one {"id", "labels", "scores", '
        '"extract", "links", "why"} per line.')] = None,
) -> None:
    """Label posts as opportunities (or not), with kinds, scores, extracted fields and why."""
    if input_file is not None:
        if output is None:
            raise MentorfeedError("--input needs --output FILE for the labels.")
        if not input_file.is_file():
            raise MentorfeedError(f"{input_file} is not a file.")
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                      TimeElapsedColumn(), console=errors) as progress:
            report = api.classify_file(input_file, output,
                                       progress=_RichCountProgress(progress, input_file.name))
        for problem in report.problems[:25]:
            errors.print(Text(problem, style="red"), soft_wrap=True)
        console.print(f"Classified {report.posts:,} posts into {output}: "
                      f"{report.opportunity_posts:,} opportunities (model {report.model_version})"
                      f"; {len(report.problems)} lines skipped.")
        if report.problems:
            raise typer.Exit(1)
        return
    with Progress(*_count_columns(), console=errors) as progress:
        report = api.classify_store(_settings(ctx), everything=everything,
                                    progress=_RichCountProgress(progress, "classifying"))
    console.print(f"Classified {report.posts:,} posts with model {report.model_version}: "
                  f"{report.opportunity_posts:,} opportunity posts, "
                  f"{report.opportunities:,} opportunities in the store.")


@app.command()
def evaluate(
    fresh: Annotated[Path | None, typer.Option(
        help="A JSONL file of fresh labelled posts to report on separately.")] = None,
    output: Annotated[Path, typer.Option(help="Where to write the figures as JSON.")] =
    Path("evaluation.json"),
) -> None:
    """Precision, recall and F1 by cross-validation, on the test split and on fresh posts,
    beside a keyword baseline; extraction accuracy per field."""
    if fresh is None and Path("corpus/fresh/fresh.jsonl").is_file():
        fresh = Path("corpus/fresh/fresh.jsonl")
    with errors.status("Evaluating (cross-validation, test split, fresh posts)..."):
        report = api.evaluate_model(fresh)
    output.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    _print_evaluation(report)
    console.print(f"Figures written to {output}.")


def _print_evaluation(report: dict[str, Any]) -> None:
    console.print(f"Model {report['model']}")
    for part in ("cross_validation", "test", "fresh"):
        if part not in report:
            continue
        data = report[part]
        table = Table(title=f"{part.replace('_', ' ')}: {data['model']['posts']} posts, "
                      f"{data['model']['opportunities']} opportunities", header_style="bold")
        for column in ("", "model P", "R", "F1", "baseline F1"):
            table.add_column(column, justify="left" if not column else "right")
        model, base = data["model"], data["keyword_baseline"]
        for name, scores in model["labels"].items():
            table.add_row(name, f"{scores['precision']:.2f}", f"{scores['recall']:.2f}",
                          f"{scores['f1']:.2f}", f"{base['labels'][name]['f1']:.2f}")
        for name, key in (("opportunity or not", "opportunity"), ("micro", "micro")):
            table.add_row(name, f"{model[key]['precision']:.2f}", f"{model[key]['recall']:.2f}",
                          f"{model[key]['f1']:.2f}", f"{base[key]['f1']:.2f}")
        table.add_row("macro F1", "", "", f"{model['macro_f1']:.2f}", f"{base['macro_f1']:.2f}")
        hard, base_hard = model["hard_negatives"], base["hard_negatives"]
        table.add_row("hard negatives called opportunities", "", "", f"{hard['rate']:.1%}",
                      f"{base_hard['rate']:.1%}")
        console.print(table)
        fields = data["extraction"]
        deadline = fields["deadline"]
        console.print(
            f"  extraction on {fields['opportunities']} opportunities: deadline exact "
            f"{deadline['exact_match']:.2f} (found {deadline['found_when_stated']:.2f}"
            f" of {deadline['with_a_deadline']} stated), audience F1 "
            f"{fields['audience']['f1']:.2f}, contact F1 {fields['contact']['f1']:.2f}, "
            f"topics F1 {fields['topics']['f1']:.2f}")


class OpportunityState(StrEnum):
    open = "open"
    closed = "closed"
    expired = "expired"


@app.command("opportunities")
def opportunities_(
    ctx: typer.Context,
    label: Annotated[str | None, typer.Option(help="Only this kind, e.g. research_collaboration."
                                              )] = None,
    audience: Annotated[str | None, typer.Option(
        help="premed, medical_student, resident, urim or img.")] = None,
    topic: Annotated[str | None, typer.Option(help='A topic, e.g. "skin of color".')] = None,
    platform: Annotated[Platform | None, typer.Option(help="Only this platform.")] = None,
    state: Annotated[OpportunityState | None, typer.Option(
        help="open, closed (its author said so) or expired (deadline passed).")] = None,
    due_within: Annotated[int | None, typer.Option(
        help="Only those with a deadline in the next N days.")] = None,
    since: Annotated[str | None, typer.Option(help="Posted from this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Posted before this date.")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List opportunities (one per call, with all its posts) with filters."""
    found = api.opportunities(
        _settings(ctx), label=label, audience=audience, topic=topic,
        platform=platform.value if platform else None, state=state.value if state else None,
        due_within=due_within, since=_day(since, "--since"), until=_day(until, "--until"),
        limit=limit)
    if as_json:
        for item in found:
            sys.stdout.write(orjson.dumps({
                **api.post_summary(item.post), "labels": item.classification.labels,
                "extract": item.classification.extract, "links": item.classification.links,
                "why": item.classification.why, "state": item.state,
                "deadline": item.deadline.isoformat() if item.deadline else None,
                "posts": [p.url for p in item.posts]}).decode() + "\n")
        return
    if not found:
        console.print("No opportunities match. Run [bold]mentorfeed classify[/] after importing,"
                      " or loosen the filters.")
        return
    _print_opportunities(found)


def _print_opportunities(found: list[Opportunity]) -> None:
    for item in found:
        c = item.classification
        handle = f"@{item.post.author.handle}" if item.post.author else "unknown author"
        due = f" · due {item.deadline:%Y-%m-%d}" if item.deadline else ""
        console.print(Text.assemble(
            (f"{item.post.created_at:%Y-%m-%d} ", "dim"), (f"{item.state.upper()} ", "bold"),
            (" ".join(c.labels), "green"), (due, "yellow"),
            (f"  {handle} ({item.post.platform})", "dim")))
        console.print(Text(item.post.text[:300]))
        details = [f"{k}: {', '.join(v) if isinstance(v, list) else v}"
                   for k, v in c.extract.items() if k != "deadline"]
        if details:
            console.print(Text("  " + " · ".join(details), style="cyan"))
        extra = f" (+{len(item.posts) - 1} more posts)" if len(item.posts) > 1 else ""
        console.print(Text(f"  {item.post.url}{extra}", style="blue"))
        console.print()


def main() -> None:
    """Entry point: one clear sentence for known errors; tracebacks only with --debug."""
    debug = "--debug" in sys.argv
    try:
        app()  # standalone: Typer handles --help, usage errors and exit codes
    except MentorfeedError as exc:
        if debug:
            raise
        errors.print(Text(f"Error: {exc}", style="red"))
        sys.exit(1)
    except Exception as exc:
        if debug:
            raise
        errors.print(Text(f"Unexpected error: {type(exc).__name__}: {exc}. Run again with "
                          "--debug for the traceback, and please report it.", style="red"))
        sys.exit(1)
