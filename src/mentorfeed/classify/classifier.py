"""Labels, scores, extracted fields and a reason for each post: the model, the rules and the
extraction together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from mentorfeed.classify.eligibility import eligibility, is_attending_job
from mentorfeed.classify.extract import extract
from mentorfeed.classify.features import Features, PostInput, featurize
from mentorfeed.classify.model import EMBEDDING, OPPORTUNITY, Model
from mentorfeed.classify.rules import convention_labels
from mentorfeed.config import Settings
from mentorfeed.taxonomy import LABELS


@dataclass(slots=True)
class Result:
    """What the classifier says about one post."""

    id: str
    labels: list[str]
    scores: dict[str, float]
    extract: dict[str, Any] = field(default_factory=dict)
    links: list[dict[str, str]] = field(default_factory=list)
    why: str = ""
    closes_call: bool = False  # says that a call is filled or closed
    margin: float | None = None  # how near the model came to another answer (review queue)
    eligibility: dict[str, Any] = field(default_factory=dict)  # who may take it (stored form)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "labels": self.labels, "scores": self.scores,
                "extract": self.extract, "links": self.links, "why": self.why}


def user_model_dir() -> Path:
    """Where `mentorfeed train` writes a model; it takes precedence over the shipped one."""
    return Settings.load().data_dir / "model"


def shipped_model_dir() -> Path:
    return Path(str(resources.files("mentorfeed") / "data" / "model"))


class Classifier:
    """Classifies posts in batches; load once, call `classify` many times."""

    def __init__(self, model: Model) -> None:
        self.model = model

    @property
    def version(self) -> str:
        return self.model.version

    @classmethod
    def load(cls, folder: Path | None = None) -> Classifier:
        if folder is None:
            folder = user_model_dir()
            if not (folder / "model.json").exists():
                folder = shipped_model_dir()
        return cls(Model.load(folder))

    def classify(self, posts: Sequence[PostInput]) -> list[Result]:
        if not posts:
            return []
        features = [featurize(p) for p in posts]
        matrix = self.model.vectorize(features)
        scores = self.model.scores(matrix)
        ruled = [ruled_labels(p.text) for p in posts]
        decided = self.model.decide(scores, ruled)
        near = margins(scores, self.model.thresholds, decided)
        results = []
        for i, post in enumerate(posts):
            row_scores = {name: round(float(scores[i, j]), 3) for j, name in enumerate(LABELS)}
            if post.is_repost or not post.text.strip():
                why = ("a repost: the original post carries the labels" if post.is_repost
                       else "no text to classify")
                results.append(Result(post.id, [], row_scores, why=why))
                continue
            chosen = decided[i]
            job = bool(chosen) and is_attending_job(post.text)
            if job:  # a job for attendings is never a trainee's opportunity (taxonomy.md)
                chosen = []
            labels = [LABELS[j] for j in chosen]
            result = Result(post.id, labels, row_scores, closes_call=any(
                cue.name == "neg:closed" for cue in features[i].cues), margin=float(near[i]))
            _fill_fields(result, post)
            result.why = self._why(features[i], matrix, i, chosen, row_scores)
            if job:
                result.why = "not an opportunity: a job for board-certified dermatologists"
            if ruled[i]:
                says = "; ".join(c.says for c in convention_labels(post.text))
                result.why += f"; convention: {says}"
            results.append(result)
        return results

    @staticmethod
    def corrected(result: Result, post: PostInput, labels: Sequence[str], form: str | None,
                  by: str, when: datetime) -> Result:
        """The answer a person gave instead of the model's: their labels (and form, if they
        named one), the fields read again for those labels, and why."""
        said = ", ".join(result.labels) or "not an opportunity"
        fixed = Result(result.id, [name for name in LABELS if name in labels], result.scores,
                       closes_call=result.closes_call)
        _fill_fields(fixed, post)
        if form and fixed.labels:
            fixed.extract["form"] = form
        fixed.why = (f"corrected by {by} on {when:%Y-%m-%d}: "
                     f"{', '.join(fixed.labels) or 'not an opportunity'} "
                     f"(the model said {said})")
        return fixed

    def _why(self, features: Features, matrix: Any, row: int, chosen: list[int],
             scores: dict[str, float]) -> str:
        negatives = [c.says for c in features.cues if c.name.startswith("neg:")]
        if not chosen:
            best = max(scores, key=lambda name: scores[name])
            reason = "; ".join(negatives) if negatives else "no offer a trainee could act on"
            return f"not an opportunity: {reason} (highest score {best} {scores[best]:.2f})"
        offers = [c.says for c in features.cues if not c.name.startswith(("neg:", "aud:"))]
        parts = []
        for j in chosen:
            name = LABELS[j]
            top = self.model.top_features(matrix, row, j, count=6)
            words = [_readable(f) for f in top if not f.startswith(EMBEDDING)][:3]
            if any(f.startswith(EMBEDDING) for f in top[:3]):
                words.append("what the post means as a whole")
            parts.append(f"{name} {scores[name]:.2f} ({', '.join(words)})" if words
                         else f"{name} {scores[name]:.2f}")
        cues = f"; cues: {', '.join(dict.fromkeys(offers))}" if offers else ""
        return "; ".join(parts) + cues


def ruled_labels(text: str) -> list[int]:
    """The label indices that taxonomy.md's conventions give a text by themselves."""
    return sorted({LABELS.index(c.label) for c in convention_labels(text)})


def _fill_fields(result: Result, post: PostInput) -> None:
    """The extracted fields and typed links of an opportunity (none for other posts)."""
    if not result.labels:
        return
    found = extract(post.text, posted_at=post.created_at, urls=post.urls,
                    hashtags=post.hashtags, bio=post.bio, labels=result.labels)
    result.extract = found.to_json()
    result.eligibility = eligibility(post.text, found.audience, is_reply=post.is_reply).to_json()
    result.links = [{"url": link.url, "kind": link.kind} for link in found.links]


def margins(scores: np.ndarray[Any, np.dtype[np.float32]],
            thresholds: np.ndarray[Any, np.dtype[np.float32]],
            decided: Sequence[Sequence[int]]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """For each post, how far (in log-odds) the nearest score that decided its answer lies from
    its threshold: the opportunity gate, and for an opportunity each label too. Small: unsure."""
    def logit(p: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        p = np.clip(p.astype(np.float64), 1e-6, 1 - 1e-6)
        return np.asarray(np.log(p / (1 - p)))

    gaps = np.abs(logit(scores) - logit(thresholds[np.newaxis, :]))
    gate = gaps[:, OPPORTUNITY]
    labels = gaps[:, :OPPORTUNITY].min(axis=1)
    chosen = np.array([bool(d) for d in decided], dtype=bool)
    return np.asarray(np.where(chosen, np.minimum(gate, labels), gate), dtype=np.float32)


def _readable(feature: str) -> str:
    """A feature name as a person reads it: words quoted, context tokens described."""
    for prefix, meaning in (("cue_", "rule "), ("tag_", "#"), ("bio_", "author bio: "),
                            ("link_", "link: "), ("ctx_", "")):
        if feature.startswith(prefix):
            return meaning + feature[len(prefix):].replace("_", " ")
    return f"'{feature}'"
