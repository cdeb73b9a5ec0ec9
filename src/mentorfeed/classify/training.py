"""Training, reproducibly (same examples and code, same model), on the written corpus's train
split, the real posts of `corpus/real/` outside the held-out sources, and a store's corrections.

Thresholds come from out-of-fold scores (real posts and corrections folded by whole source). The
opportunity threshold is chosen on the real posts' scores when there are real posts: real traffic
is what the model must get right, and the written posts are far more regular.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import numpy as np

from mentorfeed.classify.corpus import Example, corpus_dir, load_corpus, load_real
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
from mentorfeed.taxonomy import LABELS

REAL_WEIGHT = 3.0  # a real post counts this many written ones
# A correction is a curator teaching the model what their community posts: it counts more.
CORRECTION_WEIGHT = 10.0
# A feed a trainee trusts shows few false calls: the opportunity threshold is the best for F1
# among those that call at most this share of the real non-opportunities one (cross-validated).
MAX_FALSE_POSITIVE_RATE = 0.05


@dataclass(slots=True)
class TrainResult:
    model: Model
    folder: Path
    examples: int
    real: int = 0
    corrections: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def train_split(examples: list[Example]) -> list[Example]:
    """Training uses the train split only; dev, test and held-out sources stay unseen."""
    return [e for e in examples if e.split == "train"]


@dataclass(slots=True)
class TrainingSet:
    """The examples a model learns from, with a weight and a fold group for each."""

    written: list[Example]
    real: list[Example]
    corrections: list[Example]

    @property
    def examples(self) -> list[Example]:
        return [*self.written, *self.real, *self.corrections]

    @property
    def weights(self) -> list[float]:
        return ([1.0] * len(self.written) + [REAL_WEIGHT] * len(self.real) +
                [CORRECTION_WEIGHT] * len(self.corrections))

    @property
    def groups(self) -> list[str]:
        return [e.group for e in self.examples]

    def choose_on(self) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Which examples the opportunity threshold is chosen on: the real ones, if any (each
        label's threshold is chosen on all, as few real posts carry some labels)."""
        mask = np.array([bool(e.group) for e in self.examples], dtype=bool)
        return mask if mask.any() else ~mask


def training_set(written: list[Example] | None = None, real: list[Example] | None = None,
                 corrections: Sequence[Example] = ()) -> TrainingSet:
    return TrainingSet(train_split(written if written is not None else load_corpus()),
                       train_split(real if real is not None else load_real()),
                       list(corrections))


def cross_validate(data: TrainingSet) -> tuple[np.ndarray[Any, np.dtype[np.float32]],
                                               list[float]]:
    """Out-of-fold scores of every training example, and the thresholds chosen on them."""
    features = [featurize(e.post) for e in data.examples]
    labels = [e.labels for e in data.examples]
    scores = out_of_fold_scores(features, labels, data.groups, data.weights)
    thresholds = best_thresholds(scores, labels, MAX_FALSE_POSITIVE_RATE, data.choose_on())
    return scores, thresholds


def train(folder: Path, examples: list[Example] | None = None,
          real: list[Example] | None = None, corrections: Sequence[Example] = ()) -> TrainResult:
    """Fit on every training example, with thresholds from cross-validation, and save."""
    data = training_set(examples, real, corrections)
    _, thresholds = cross_validate(data)
    # The version changes with the examples, the parameters, the labels learnt, or the code that
    # makes features (the labels by name: a caption changed in taxonomy.py changes no model).
    code = b"".join((Path(__file__).parent / name).read_bytes()
                    for name in ("features.py", "model.py", "rules.py", "training.py"))
    seen = json.dumps([[e.key, e.post.text, sorted(e.labels)] for e in data.examples],
                      ensure_ascii=False).encode()
    version = "m-" + fingerprint((corpus_dir() / "labels.jsonl").read_bytes(), seen,
                                 json.dumps(PARAMS, sort_keys=True).encode(),
                                 json.dumps(LABELS).encode(), code,
                                 package_version("mentorfeed").encode())
    model = fit([featurize(e.post) for e in data.examples],
                [e.labels for e in data.examples], thresholds, version, data.weights)
    counts = {"written": len(data.written), "real": len(data.real),
              "corrections": len(data.corrections)}
    model.info = {"trained_on": "sample corpus (train split), real posts (outside the held-out"
                  " sources), corrections", "examples": counts, "params": PARAMS,
                  "real_weight": REAL_WEIGHT, "correction_weight": CORRECTION_WEIGHT,
                  "thresholds": dict(zip(HEADS, thresholds, strict=True))}
    model.save(folder)
    return TrainResult(model, folder, len(data.examples), len(data.real),
                       len(data.corrections), counts)
