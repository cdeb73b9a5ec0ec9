"""The statistical model: TF-IDF words and bigrams, word stems cut to four letters (robust to
inflections and typos, and far cheaper than character n-grams) and context tokens; one logistic
regression for "is this an opportunity at all" and one per label; thresholds chosen by
cross-validation.

A post is an opportunity when the opportunity head clears its threshold; it then gets every label
that clears its own threshold, or its best label if none does.

A trained model is plain data: a JSON file (parameters, vocabularies, thresholds) and a NumPy
`.npz` of weights loaded with `allow_pickle=False`, so loading never runs code from the file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from mentorfeed.classify.embedding import WordVectors
from mentorfeed.classify.features import Features
from mentorfeed.errors import ModelError
from mentorfeed.taxonomy import LABELS

FORMAT = 2  # 2: sentence-vector features after the context tokens
PARAMS: dict[str, Any] = {"C": 4.0, "min_df": 2, "max_features": 50_000, "prefix": 4,
                          "folds": 5, "seed": 2026, "embedding_scale": 5.0}
HEADS = (*LABELS, "opportunity")
EMBEDDING = "meaning_"  # the names of the sentence-vector features: meaning_0, meaning_1, ...
OPPORTUNITY = len(LABELS)
_WORDS = r"(?u)\b\w[\w']*\b"


@functools.cache
def _vectors() -> WordVectors:
    """The static word vectors (mentorfeed/data/embeddings), loaded once per process."""
    return WordVectors.load()


def _word_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), min_df=PARAMS["min_df"] if vocabulary is None
                           else 1, max_features=PARAMS["max_features"], sublinear_tf=True,
                           token_pattern=_WORDS, vocabulary=vocabulary, dtype=np.float32)


_WORD = re.compile(r"\w+")


def _prefixes(text: str) -> list[str]:
    size = PARAMS["prefix"]
    return [word[:size] for word in _WORD.findall(text) if len(word) > size]


def _prefix_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=_prefixes, sublinear_tf=True,
                           min_df=PARAMS["min_df"] if vocabulary is None else 1,
                           vocabulary=vocabulary, dtype=np.float32)


def _context_vectorizer(vocabulary: dict[str, int] | None = None) -> CountVectorizer:
    return CountVectorizer(token_pattern=r"\S+", lowercase=False, binary=True,
                           vocabulary=vocabulary, dtype=np.float32)


@dataclass(slots=True)
class Vectors:
    """Posts as the model reads them: sparse word, stem and context features, and the dense
    sentence vector (kept apart: joined into one sparse matrix they cost twice the time)."""

    sparse: sp.csr_matrix
    dense: np.ndarray[Any, np.dtype[np.float32]]

    def joined(self) -> sp.csr_matrix:
        return sp.hstack([self.sparse, sp.csr_matrix(self.dense)], format="csr")


@dataclass
class Model:
    """A trained model: vectorizers, one weight vector per label, and per-label thresholds."""

    version: str
    words: TfidfVectorizer
    prefixes: TfidfVectorizer
    context: CountVectorizer
    coef: np.ndarray[Any, np.dtype[np.float32]]
    intercept: np.ndarray[Any, np.dtype[np.float32]]
    thresholds: np.ndarray[Any, np.dtype[np.float32]]
    info: dict[str, Any]

    @functools.cached_property
    def feature_names(self) -> list[str]:
        return [*self.words.get_feature_names_out(),
                *(f"{p}..." for p in self.prefixes.get_feature_names_out()),
                *self.context.get_feature_names_out(),
                *(f"{EMBEDDING}{i}" for i in range(_vectors().dimensions))]

    def vectorize(self, features: Sequence[Features]) -> Vectors:
        texts = [f.words for f in features]
        return Vectors(sp.hstack([self.words.transform(texts), self.prefixes.transform(texts),
                                  self.context.transform([f.context for f in features])],
                                 format="csr"),
                       _vectors().embed(texts) * np.float32(PARAMS["embedding_scale"]))

    def scores(self, vectors: Vectors) -> np.ndarray[Any, np.dtype[np.float32]]:
        """One column per head: the six labels, then "opportunity"."""
        n = vectors.sparse.shape[1]
        logits = (vectors.sparse @ self.coef[:, :n].T + vectors.dense @ self.coef[:, n:].T
                  + self.intercept)
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)

    def decide(self, scores: np.ndarray[Any, np.dtype[np.float32]],
               conventions: Sequence[Sequence[int]] | None = None) -> list[list[int]]:
        """The label indices of each post (see `decide`)."""
        return decide(scores, self.thresholds, conventions)

    def top_features(self, vectors: Vectors, row: int, label: int,
                     count: int = 3) -> list[str]:
        """The features of one post (a row of `vectors`) that pushed hardest towards `label`."""
        matrix, n = vectors.sparse, vectors.sparse.shape[1]
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        indices = np.concatenate([matrix.indices[start:end], np.arange(n, self.coef.shape[1])])
        values = np.concatenate([matrix.data[start:end], vectors.dense[row]])
        weights = values * self.coef[label, indices]
        order = np.argsort(-weights)[:count]
        names = self.feature_names
        return [names[indices[i]] for i in order if weights[i] > 0]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT, "version": self.version, "labels": list(LABELS),
            "word_vocabulary": {k: int(v) for k, v in self.words.vocabulary_.items()},
            "prefix_vocabulary": {k: int(v) for k, v in self.prefixes.vocabulary_.items()},
            "context_vocabulary": {k: int(v) for k, v in self.context.vocabulary_.items()},
            "info": self.info,
        }
        (folder / "model.json").write_text(json.dumps(meta, sort_keys=True, indent=0),
                                           encoding="utf-8")
        with (folder / "weights.npz").open("wb") as handle:
            np.savez(handle, coef=self.coef, intercept=self.intercept,
                     thresholds=self.thresholds, idf=self.words.idf_.astype(np.float32),
                     prefix_idf=self.prefixes.idf_.astype(np.float32))

    @classmethod
    def load(cls, folder: Path) -> Model:
        try:
            return cls._load(folder)
        except ModelError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError,
                zipfile.BadZipFile):
            raise ModelError(f"The model in {folder} is missing or damaged; run "
                             "`mentorfeed train` to make a new one.") from None

    @classmethod
    def _load(cls, folder: Path) -> Model:
        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("labels") != list(LABELS):
            raise ModelError(f"The model in {folder} was made by another version of mentorfeed;"
                             " run `mentorfeed train`.")
        with (folder / "weights.npz").open("rb") as handle, \
                np.load(handle, allow_pickle=False) as arrays:
            coef, intercept = arrays["coef"], arrays["intercept"]
            thresholds, idf = arrays["thresholds"], arrays["idf"]
            prefix_idf = arrays["prefix_idf"]
        words = _word_vectorizer(meta["word_vocabulary"])
        words.idf_ = idf
        prefixes = _prefix_vectorizer(meta["prefix_vocabulary"])
        prefixes.idf_ = prefix_idf
        context = _context_vectorizer(meta["context_vocabulary"])
        context.fit([])  # a fixed vocabulary needs no fitting; this only marks it ready
        return cls(meta["version"], words, prefixes, context, coef, intercept, thresholds,
                   meta["info"])


def decide(scores: np.ndarray[Any, np.dtype[np.float32]],
           thresholds: np.ndarray[Any, np.dtype[np.float32]],
           conventions: Sequence[Sequence[int]] | None = None) -> list[list[int]]:
    """The label indices of each post. `conventions` (one list per post): labels that
    taxonomy.md's conventions give the post by themselves; they are added, and replace a label
    the model only guessed (the best of several that cleared no threshold)."""
    decided: list[list[int]] = []
    for i, row in enumerate(scores):
        ruled = list(conventions[i]) if conventions is not None else []
        cleared = [j for j in range(len(LABELS)) if row[j] >= thresholds[j]]
        if row[OPPORTUNITY] < thresholds[OPPORTUNITY]:
            decided.append(sorted(ruled))
        elif ruled:
            decided.append(sorted({*cleared, *ruled}))
        else:
            decided.append(cleared or [int(np.argmax(row[:OPPORTUNITY]))])
    return decided


def _targets(labels: Sequence[set[str]]) -> np.ndarray[Any, np.dtype[np.int8]]:
    rows = [[name in gold for name in LABELS] + [bool(gold)] for gold in labels]
    return np.array(rows, dtype=np.int8)


def fit(features: Sequence[Features], labels: Sequence[set[str]],
        thresholds: Sequence[float] | None = None, version: str = "untrained",
        weights: Sequence[float] | None = None) -> Model:
    """Fit vectorizers and one logistic regression per label (`weights`: one per example)."""
    texts = [f.words for f in features]
    model = Model(version, _word_vectorizer().fit(texts), _prefix_vectorizer().fit(texts),
                  _context_vectorizer().fit([f.context for f in features]),
                  np.zeros((0, 0), np.float32), np.zeros(0, np.float32),
                  np.full(len(HEADS), 0.5, np.float32), {})
    matrix = model.vectorize(features).joined()
    y = _targets(labels)
    coefs, intercepts = [], []
    for column in range(len(HEADS)):
        regression = LogisticRegression(C=PARAMS["C"], class_weight="balanced", max_iter=2000,
                                        solver="liblinear", random_state=PARAMS["seed"])
        regression.fit(matrix, y[:, column],
                       sample_weight=None if weights is None else np.asarray(weights))
        coefs.append(regression.coef_[0])
        intercepts.append(regression.intercept_[0])
    model.coef = np.asarray(coefs, dtype=np.float32)
    model.intercept = np.asarray(intercepts, dtype=np.float32)
    if thresholds is not None:
        model.thresholds = np.asarray(thresholds, dtype=np.float32)
    return model


def folds_of(labels: Sequence[set[str]], groups: Sequence[str]) -> np.ndarray[Any, Any]:
    """A fold number per example: examples without a group stratified by opportunity-or-not,
    the others by group, so that no source or thread is on both sides of a fold."""
    y = _targets(labels)
    fold = np.zeros(len(labels), dtype=np.int64)
    loose = np.array([not g for g in groups], dtype=bool)
    if loose.any():
        split = StratifiedKFold(n_splits=PARAMS["folds"], shuffle=True,
                                random_state=PARAMS["seed"])
        index = np.flatnonzero(loose)
        for number, (_, test) in enumerate(split.split(index, y[index, OPPORTUNITY])):
            fold[index[test]] = number
    sizes = Counter(g for g in groups if g)
    # Whole groups to folds, largest first, each to the fold with the fewest examples so far.
    load = [0] * PARAMS["folds"]
    assigned: dict[str, int] = {}
    for g in sorted(sizes, key=lambda name: (-sizes[name], fingerprint(name.encode()))):
        number = min(range(len(load)), key=lambda k: (load[k], k))
        assigned[g] = number
        load[number] += sizes[g]
    for i, g in enumerate(groups):
        if g:
            fold[i] = assigned[g]
    return fold


def out_of_fold_scores(features: Sequence[Features], labels: Sequence[set[str]],
                       groups: Sequence[str] | None = None,
                       weights: Sequence[float] | None = None) -> np.ndarray[
        Any, np.dtype[np.float32]]:
    """Scores for every example from a model that never saw it (k-fold; grouped examples by
    whole groups)."""
    y = _targets(labels)
    scores = np.zeros(y.shape, dtype=np.float32)
    fold = folds_of(labels, groups if groups is not None else [""] * len(labels))
    for number in range(PARAMS["folds"]):
        train_idx, test_idx = np.flatnonzero(fold != number), np.flatnonzero(fold == number)
        if not len(test_idx):
            continue
        model = fit([features[int(i)] for i in train_idx], [labels[int(i)] for i in train_idx],
                    weights=None if weights is None else [weights[int(i)] for i in train_idx])
        scores[test_idx] = model.scores(model.vectorize([features[int(i)] for i in test_idx]))
    return scores


def best_thresholds(scores: np.ndarray[Any, np.dtype[np.float32]],
                    labels: Sequence[set[str]], max_fpr: float = 1.0,
                    gate_on: np.ndarray[Any, np.dtype[np.bool_]] | None = None) -> list[float]:
    """The opportunity threshold with the best F1 on out-of-fold scores (of the examples
    `gate_on`, all by default) among those that call at most `max_fpr` of the
    non-opportunities one; then, among all the posts it lets through, the best threshold for
    each label."""
    y = _targets(labels)
    some = np.ones(len(y), dtype=bool) if gate_on is None else gate_on
    gate = _best(scores[some, OPPORTUNITY], y[some, OPPORTUNITY], max_fpr)
    passed = scores[:, OPPORTUNITY] >= gate
    chosen = [_best(scores[passed, j], y[passed, j]) for j in range(len(LABELS))]
    return [*chosen, gate]


def _best(scores: np.ndarray[Any, Any], truth: np.ndarray[Any, Any],
          max_fpr: float = 1.0) -> float:
    best = (-1.0, 0.5)
    negatives = max(1, int((truth == 0).sum()))
    for threshold in np.arange(0.025, 0.975, 0.025):
        predicted = scores >= threshold
        tp = int((predicted & (truth == 1)).sum())
        if int((predicted & (truth == 0)).sum()) / negatives > max_fpr:
            continue
        f1 = 2 * tp / max(1, int(predicted.sum()) + int(truth.sum()))
        if f1 > best[0] + 1e-9:
            best = (f1, float(threshold))
    return round(best[1], 3)


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()[:12]
