"""Training from the labelled corpus, reproducibly: same corpus and code, same model."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

from mentorfeed.classify.corpus import Example, corpus_dir, load_corpus
from mentorfeed.classify.features import featurize
from mentorfeed.classify.model import (
    HEADS,
    PARAMS,
    Model,
    best_thresholds,
    fingerprint,
    fit,
    out_of_fold_scores,
)


@dataclass(slots=True)
class TrainResult:
    model: Model
    folder: Path
    examples: int


def train_split(examples: list[Example]) -> list[Example]:
    """Training uses the train split only; dev and test stay unseen."""
    return [e for e in examples if e.split == "train"]


def train(folder: Path, examples: list[Example] | None = None) -> TrainResult:
    """Fit on the corpus's train split, with thresholds from cross-validation, and save."""
    training = train_split(examples if examples is not None else load_corpus())
    features = [featurize(e.post) for e in training]
    labels = [e.labels for e in training]
    thresholds = best_thresholds(out_of_fold_scores(features, labels), labels)
    # The version changes with the corpus, the parameters, or the code that makes features.
    code = b"".join((Path(__file__).parent / name).read_bytes()
                    for name in ("features.py", "labels.py", "model.py", "rules.py"))
    version = "m-" + fingerprint((corpus_dir() / "labels.jsonl").read_bytes(),
                                 json.dumps(PARAMS, sort_keys=True).encode(), code,
                                 package_version("mentorfeed").encode())
    model = fit(features, labels, thresholds, version)
    model.info = {"trained_on": "sample corpus, train split", "examples": len(training),
                  "params": PARAMS, "thresholds": dict(zip(HEADS, thresholds, strict=True))}
    model.save(folder)
    return TrainResult(model, folder, len(training))
