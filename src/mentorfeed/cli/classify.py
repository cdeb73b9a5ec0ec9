"""Commands over classifications: train, classify, evaluate, opportunities."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
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
    CountProgress,
    Platform,
    app,
    console,
    count_columns,
    day_option,
    errors,
    print_opportunities,
    settings_of,
)
from mentorfeed.errors import MentorfeedError, ModelError


@app.command()
def train(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option(
        help="Folder for the model (default: the model folder in your data folder, which "
        "classify then uses instead of the shipped model).")] = None,
) -> None:
    """Train the classifier, reproducibly, on the sample corpus's train split, the real posts
    of corpus/real/ (outside the held-out sources) and the store's corrections; then compare
    the new model with the one in use on the held-out real sources."""
    try:
        before = service.classifying.load_classifier()
    except ModelError:  # none, or one an older mentorfeed made: nothing to compare with
        before = None
    with errors.status("Training (with 5-fold cross-validation)..."):
        result = service.classifying.train_model(output, settings_of(ctx))
    counts = result.counts
    thresholds = ", ".join(f"{k} {v:.2f}" for k, v in result.model.info["thresholds"].items())
    console.print(f"Model {result.model.version} trained on {result.examples:,} posts "
                  f"({counts['written']:,} written, {counts['real']:,} real, "
                  f"{counts['corrections']:,} corrections from the store), saved in "
                  f"{result.folder}.\nThresholds: {thresholds}.")
    new = service.classifying.heldout_figures(result.model)
    if not new.get("posts"):
        return
    table = Table(title=f"held-out real sources: {new['posts']} posts, "
                  f"{new['opportunities']} opportunities", header_style="bold")
    for column in ("model", "opportunity F1", "macro F1", "non-opportunities called one"):
        table.add_column(column, justify="left" if column == "model" else "right")
    rows = (
        [(f"before ({before.version})", service.classifying.heldout_figures(before))]
        if before
        else []
    )
    for name, figures in [*rows, (f"after ({result.model.version})", new)]:
        table.add_row(name, f"{figures['opportunity']['f1']:.2f}", f"{figures['macro_f1']:.2f}",
                      f"{figures['false_positive_rate']:.1%}")
    console.print(table)


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
            report = service.classifying.classify_file(input_file, output,
                                       progress=CountProgress(progress, input_file.name))
        for problem in report.problems[:25]:
            errors.print(Text(problem, style="red"), soft_wrap=True)
        console.print(f"Classified {report.posts:,} posts into {output}: "
                      f"{report.opportunity_posts:,} opportunities (model {report.model_version})"
                      f"; {len(report.problems)} lines skipped.")
        if report.problems:
            raise typer.Exit(1)
        return
    with Progress(*count_columns(), console=errors) as progress:
        report = service.classifying.classify_store(settings_of(ctx), everything=everything,
                                    progress=CountProgress(progress, "classifying"))
    console.print(f"Classified {report.posts:,} posts with model {report.model_version}: "
                  f"{report.opportunity_posts:,} opportunity posts, "
                  f"{report.opportunities:,} opportunities in the store.")
    with console.status("Updating the author profiles"):
        people = service.people.refresh_people(settings_of(ctx))
    console.print(f"Profiles of {people.profiles:,} authors updated ({people.read:,} posts read "
                  f"for the first time) in {people.seconds:.1f} s.")


@app.command()
def evaluate(
    fresh: Annotated[Path | None, typer.Option(
        help="A JSONL file of fresh labelled posts to report on separately.")] = None,
    output: Annotated[Path, typer.Option(help="Where to write the figures as JSON.")] =
    Path("evaluation.json"),
    people: Annotated[bool, typer.Option(
        "--people", help="Evaluate people instead: role accuracy, journal-club session "
        "reconstruction, and matching against the trainee scenarios (NDCG@10, recall@10).")
    ] = False,
    scenarios: Annotated[list[Path] | None, typer.Option(
        "--scenarios", help="With --people: a folder of trainee scenarios, reported on its own "
        "(repeat for several; default corpus/scenarios, and corpus/scenarios_blind if it "
        "exists).")] = None,
) -> None:
    """Precision, recall and F1 by cross-validation, on the test split and on fresh posts,
    beside a keyword baseline; extraction accuracy per field."""
    if people:
        missing = [str(folder) for folder in scenarios or () if not folder.is_dir()]
        if missing:
            raise MentorfeedError(f"No folder of scenarios at {', '.join(missing)}.")
        with errors.status("Evaluating people on the sample corpus..."):
            figures = service.people.evaluate_people(scenarios or None)
        output.write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
        _print_people_evaluation(figures)
        console.print(f"Figures written to {output}.")
        return
    if fresh is None and Path("corpus/fresh/fresh.jsonl").is_file():
        fresh = Path("corpus/fresh/fresh.jsonl")
    with errors.status("Evaluating (cross-validation, test split, fresh posts)..."):
        report = service.classifying.evaluate_model(fresh)
    output.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    _print_evaluation(report)
    console.print(f"Figures written to {output}.")


_PARTS = {
    "cross_validation": "written posts, cross-validation (train split)",
    "test": "written posts, test split",
    "fresh": "fresh written posts",
    "real_cross_validation": "real posts, cross-validation grouped by source",
    "real_heldout": "real posts, held-out sources (never trained on)",
}


def _print_evaluation(report: dict[str, Any]) -> None:
    console.print(f"Model {report['model']}")
    for part, title in _PARTS.items():
        if part not in report:
            continue
        data = report[part]
        table = Table(title=f"{title}: {data['model']['posts']} posts, "
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
        if hard["posts"]:  # the written sets name their hard negatives; the real ones do not
            table.add_row("hard negatives called opportunities", "", "",
                          f"{hard['rate']:.1%}", f"{base_hard['rate']:.1%}")
        table.add_row("non-opportunities called opportunities", "", "",
                      f"{model['false_positive_rate']:.1%}", f"{base['false_positive_rate']:.1%}")
        console.print(table)
        fields = data["extraction"]
        if part.startswith("real"):  # the real posts' annotators gave labels and form only
            console.print(f"  form accuracy on {fields['form']['with_a_form']} opportunities "
                          f"(given their labels): {fields['form']['accuracy']:.2f}")
            continue
        deadline = fields["deadline"]
        console.print(
            f"  extraction on {fields['opportunities']} opportunities: deadline exact "
            f"{deadline['exact_match']:.2f} (found {deadline['found_when_stated']:.2f}"
            f" of {deadline['with_a_deadline']} stated), audience F1 "
            f"{fields['audience']['f1']:.2f}, contact F1 {fields['contact']['f1']:.2f}, "
            f"topics F1 {fields['topics']['f1']:.2f}"
            + (f", form accuracy {fields['form']['accuracy']:.2f} of "
               f"{fields['form']['with_a_form']}" if "form" in fields else ""))


def _print_people_evaluation(figures: dict[str, Any]) -> None:
    roles, sessions, matching = figures["roles"], figures["sessions"], figures["matching"]
    console.print(f"Roles: accuracy {roles.get('accuracy', 0):.3f} over "
                  f"{roles.get('authors', '?')} authors (target 0.90).")
    console.print("Journal-club sessions: " + ", ".join(
        f"{k} {v}" for k, v in sessions.items() if not isinstance(v, list | dict)))
    for folder, matching in figures.get("matching_sets", {}).items():
        if not matching.get("scenarios"):
            console.print(f"{folder}: no scenarios.")
            continue
        table = Table(title=f"{folder}: per scenario", header_style="bold")
        for column in ("scenario", "mentors NDCG@10", "opportunities NDCG@10",
                       "false reasons in top fives"):
            table.add_column(column, justify="left" if column == "scenario" else "right")
        for row in matching["per_scenario"]:
            table.add_row(row["scenario"], f"{row['mentors_ndcg']:.3f}",
                          f"{row['opportunities_ndcg']:.3f}", str(row["false_reasons"]))
        console.print(table)
        console.print(
            f"{folder}: matching over {matching['scenarios']} scenarios: mentors NDCG@10 "
            f"{matching['mentors_ndcg']:.3f} (baseline {matching['baseline_mentors_ndcg']:.3f}),"
            f" recall@10 {matching['mentors_recall']:.3f}; opportunities NDCG@10 "
            f"{matching['opportunities_ndcg']:.3f} (baseline "
            f"{matching['baseline_opportunities_ndcg']:.3f}), recall@10 "
            f"{matching['opportunities_recall']:.3f}; false reasons in the top fives: "
            f"{matching['false_reasons_total']}.")


class OpportunityState(StrEnum):
    open = "open"
    closed = "closed"
    expired = "expired"


class OpportunityForm(StrEnum):
    call = "call"
    event = "event"
    resource = "resource"


@app.command("opportunities")
def opportunities_(
    ctx: typer.Context,
    label: Annotated[str | None, typer.Option(help="Only this kind, e.g. research_collaboration."
                                              )] = None,
    audience: Annotated[str | None, typer.Option(
        help="premed, medical_student, resident, urim or img.")] = None,
    topic: Annotated[str | None, typer.Option(help='A topic, e.g. "skin of color".')] = None,
    form: Annotated[OpportunityForm | None, typer.Option(
        help="call (to respond to), event (to join at its time) or resource (to read).")
    ] = None,
    platform: Annotated[Platform | None, typer.Option(help="Only this platform.")] = None,
    state: Annotated[OpportunityState | None, typer.Option(
        help="open, closed (its author said so) or expired (past its deadline, a day it names "
             "or its lifetime).")] = None,
    due_within: Annotated[int | None, typer.Option(
        help="Only those with a deadline in the next N days.")] = None,
    since: Annotated[str | None, typer.Option(help="Posted from this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Posted before this date.")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List opportunities (one per call, with all its posts) with filters."""
    found = service.opportunities.opportunities(
        settings_of(ctx), label=label, audience=audience, topic=topic,
        form=form.value if form else None, platform=platform.value if platform else None,
        state=state.value if state else None,
        due_within=due_within, since=day_option(since, "--since"),
        until=day_option(until, "--until"), limit=limit)
    if as_json:
        for item in found:
            sys.stdout.write(orjson.dumps({
                **service.posts.post_summary(item.post), "labels": item.classification.labels,
                "extract": item.classification.extract, "links": item.classification.links,
                "why": item.classification.why, "state": item.state,
                "deadline": item.deadline.isoformat() if item.deadline else None,
                "open_until": item.open_until.isoformat() if item.open_until else None,
                "open_until_basis": item.open_until_basis,
                "posts": [p.url for p in item.posts]}).decode() + "\n")
        return
    if not found:
        console.print("No opportunities match. Run [bold]mentorfeed classify[/] after importing,"
                      " or loosen the filters.")
        return
    print_opportunities(found)
