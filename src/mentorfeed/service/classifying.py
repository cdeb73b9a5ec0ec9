"""Classifying: training, evaluating, and classifying a store or a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import orjson

from mentorfeed.classify.features import PostInput
from mentorfeed.classify.opportunities import Item
from mentorfeed.classify.opportunities import group as group_opportunities
from mentorfeed.config import Settings
from mentorfeed.models import Classification
from mentorfeed.service.posts import open_store
from mentorfeed.sources._common import RecordError
from mentorfeed.store import Store

if TYPE_CHECKING:  # the model's modules load scikit-learn: only commands that classify pay
    from mentorfeed.classify.classifier import Classifier, Result
    from mentorfeed.classify.model import Model
    from mentorfeed.classify.training import TrainResult


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
                          result.why, version, result.closes_call, result.margin,
                          result.eligibility)


def regroup(store: Store) -> int:
    """Group opportunity posts into opportunities, and say how long each stays open
    (classify/lifecycle.py); returns how many there are. `mentorfeed classify` runs it every
    time, so a store upgraded to 0012 gets its `open_until` on the next run."""
    items = [Item(pk=row["pk"], author_id=row["author_id"], created_at=row["created_at"],
                  text=row["text"], urls=row["urls"], refs=row["refs"],
                  is_repost=row["repost_of"] is not None,
                  is_opportunity=bool(row["is_opportunity"]),
                  closes_call=bool(row["closes_call"]), deadline=row["deadline"],
                  labels=list(row["labels"] or []), form=(row["extract"] or {}).get("form"))
             for row in store.grouping_rows()]
    groups = group_opportunities(items)
    store.set_groups([(member, g.pk, g.closed) for g in groups for member in g.members],
                     {g.pk: (g.open_until, g.open_until_basis, g.event_at) for g in groups})
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

