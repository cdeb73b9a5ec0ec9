"""Commands that teach the classifier: label (correct one post) and review (the posts the model
is least sure about, one by one from the keyboard)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import orjson
import typer
from rich.text import Text

from mentorfeed import service
from mentorfeed.cli.app import app, console, settings_of
from mentorfeed.models import Classification, Post
from mentorfeed.taxonomy import FORMS, LABELS

Label = StrEnum("Label", {name: name for name in LABELS})  # type: ignore[misc]
Form = StrEnum("Form", {name: name for name in FORMS})  # type: ignore[misc]
_KEYS = {str(i): name for i, name in enumerate(LABELS, start=1)}
_FORM_KEYS = {name[0]: name for name in FORMS}


@app.command()
def label(
    ctx: typer.Context,
    post: Annotated[str, typer.Argument(help="The post's URL, id, or platform:id.")],
    labels: Annotated[list[Label] | None, typer.Option(
        "--as", help="A label the post should have (repeatable).")] = None,
    none: Annotated[bool, typer.Option("--none", help="The post is not an opportunity.")
                    ] = False,
    form: Annotated[Form | None, typer.Option(
        help="What acting on it means: call, event or resource.")] = None,
) -> None:
    """Correct the classifier on one post; the correction shows at once and trains the next
    model (`mentorfeed train`)."""
    if bool(labels) == none:
        raise typer.BadParameter("give either --as LABEL (one or more) or --none.")
    done = service.curation.correct(settings_of(ctx), post, [str(x) for x in labels or ()],
                            form=str(form) if form else None)
    console.print(Text.assemble(
        f"{done.post.platform}:{done.post.id} is now ",
        (", ".join(done.classification.labels) or "not an opportunity", "green"),
        (f" ({done.classification.extract['form']})" if done.classification.extract.get("form")
         else ""),
        f"; the model said {', '.join(done.before) or 'not an opportunity'}."))


@app.command()
def review(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many posts to go through.")] = 20,
    list_only: Annotated[bool, typer.Option(
        "--list", help="Only list the queue (no questions).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --list: JSON lines.")] = False,
) -> None:
    """Label the posts the model is least sure about, one by one from the keyboard.

    For each post type the label numbers (for example 25), optionally followed by the form's
    first letter (c call, e event, r resource), or n for not an opportunity; Enter keeps the
    model's answer (that counts as a confirmation), s skips, q quits."""
    settings = settings_of(ctx)
    queue = service.curation.review_queue(settings, limit)
    if list_only or as_json:
        for post, said in queue:
            if as_json:
                sys.stdout.write(
                    orjson.dumps(
                        {
                            **service.posts.post_summary(post),
                            "labels": said.labels,
                            "margin": said.margin,
                        }
                    ).decode()
                    + "\n"
                )
            else:
                _show(post, said)
        return
    if not queue:
        console.print("Nothing to review: classify some posts first, or every post is "
                      "corrected.")
        return
    console.print("Keys: " + ", ".join(f"{k} {v}" for k, v in _KEYS.items()) +
                  "; then c, e or r for the form; n none; Enter keep; s skip; q quit.")
    done = 0
    for number, (post, said) in enumerate(queue, start=1):
        console.rule(f"{number} of {len(queue)}")
        _show(post, said)
        while True:
            answer = typer.prompt("labels", default="", show_default=False).strip().lower()
            if answer == "q":
                console.print(f"{done} corrections saved.")
                return
            if answer == "s":
                break
            parsed = _parse(answer, said)
            if parsed is None:
                console.print("Type label numbers 1-6 (then c, e or r), n, Enter, s or q.")
                continue
            fixed = service.curation.correct(settings, f"{post.platform}:{post.id}", parsed[0],
                                     form=parsed[1])
            done += 1
            console.print(Text(f"saved: {', '.join(fixed.classification.labels) or 'none'}",
                               style="green"))
            break
    console.print(f"{done} corrections saved.")


def _parse(answer: str, said: Classification) -> tuple[list[str], str | None] | None:
    """Typed keys as (labels, form); None when they mean nothing."""
    if answer == "":
        return said.labels, None
    if answer == "n":
        return [], None
    form = _FORM_KEYS.get(answer[-1]) if answer[-1] in _FORM_KEYS else None
    digits = answer[:-1] if form else answer
    if not digits or any(key not in _KEYS for key in digits):
        return None
    return [name for key, name in _KEYS.items() if key in digits], form


def _show(post: Post, said: Classification) -> None:
    handle = f"@{post.author.handle}" if post.author else "unknown author"
    console.print(Text.assemble((f"{post.created_at:%Y-%m-%d} {handle} ({post.platform})  ",
                                 "dim"), (post.url or "", "blue")))
    console.print(Text(post.text[:1000]))
    scores = " ".join(f"{k} {v:.2f}" for k, v in said.scores.items())
    console.print(Text(f"model: {', '.join(said.labels) or 'not an opportunity'} · {scores}",
                       style="cyan"))
