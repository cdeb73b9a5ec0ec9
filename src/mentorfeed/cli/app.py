"""The Typer application, its global options, and helpers the commands share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.errors import MentorfeedError
from mentorfeed.models import Opportunity
from mentorfeed.taxonomy import PLATFORMS

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)
app = typer.Typer(
    help="Find mentorship opportunities for dermatology trainees in public social media.",
    no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode="rich")

FormatName = Enum("FormatName",  # type: ignore[misc]
                  {n.replace("-", "_"): n for n in service.posts.IMPORT_FORMATS}, type=str)
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


def settings_of(ctx: typer.Context) -> Settings:
    state: State = ctx.obj
    return state.settings


class PostsRate(ProgressColumn):
    """Posts so far and posts per second."""

    def render(self, task: Task) -> Text:
        posts = int(task.fields.get("posts", 0))
        elapsed = task.elapsed or 0
        rate = posts / elapsed if elapsed > 0.2 else 0
        return Text(f"{posts:,} posts · {rate:,.0f}/s", style="cyan")


class ImportBar:
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


def day_option(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    except ValueError:
        raise MentorfeedError(f"{option} takes a date like 2024-03-15, not {value!r}.") from None


class CountProgress:
    """A progress bar over a known total (posts or bytes), with counts and rate."""

    def __init__(self, progress: Progress, description: str) -> None:
        self.progress = progress
        self.description = description
        self.task: Any = None

    def start(self, total: int | None) -> None:
        self.task = self.progress.add_task(self.description, total=total)

    def advance(self, count: int) -> None:
        self.progress.update(self.task, advance=count)


def count_columns() -> tuple[ProgressColumn, ...]:
    return (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TaskProgressColumn(), TimeElapsedColumn())


def print_opportunities(found: list[Opportunity]) -> None:
    for item in found:
        c = item.classification
        handle = f"@{item.post.author.handle}" if item.post.author else "unknown author"
        due = f" · due {item.deadline:%Y-%m-%d}" if item.deadline else (
            f" · open until {'about ' if item.open_until_basis == 'estimated' else ''}"
            f"{item.open_until:%Y-%m-%d}" if item.open_until else "")
        form = f"{c.extract['form']} " if c.extract.get("form") else ""
        console.print(Text.assemble(
            (f"{item.post.created_at:%Y-%m-%d} ", "dim"), (f"{item.state.upper()} ", "bold"),
            (form, "magenta"), (" ".join(c.labels), "green"), (due, "yellow"),
            (f"  {handle} ({item.post.platform})", "dim")))
        console.print(Text(item.post.text[:300]))
        details = [f"{k}: {', '.join(v) if isinstance(v, list) else v}"
                   for k, v in c.extract.items() if k not in ("deadline", "form")]
        if details:
            console.print(Text("  " + " · ".join(details), style="cyan"))
        extra = f" (+{len(item.posts) - 1} more posts)" if len(item.posts) > 1 else ""
        console.print(Text(f"  {item.post.url}{extra}", style="blue"))
        console.print()
