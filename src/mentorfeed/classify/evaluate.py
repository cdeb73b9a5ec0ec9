"""Measuring the classifier, each figure beside a keyword baseline: on written posts
(cross-validation on the train split, the untouched test split, fresh posts written apart from
the corpus) and on real posts (cross-validation grouped by source, and the held-out sources that
no model is trained or tuned on)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mentorfeed.classify.classifier import Classifier, ruled_labels
from mentorfeed.classify.corpus import Example, load_corpus, load_jsonl, load_real
from mentorfeed.classify.extract import extract
from mentorfeed.classify.features import PostInput, featurize
from mentorfeed.classify.model import best_thresholds, decide, out_of_fold_scores
from mentorfeed.classify.training import cross_validate, train_split, training_set
from mentorfeed.taxonomy import LABELS

HARD_NEGATIVES = {"thanks_mentor", "mentorship_opinion", "new_research", "sunscreen_application",
                  "case_quiz", "paper_promotion", "match_day", "attending_job_ad", "brand_ad",
                  "conference_chatter", "closed_call", "jc_answer"}
_COMMUNITY = re.compile(r"#(derm\w*|medtwitter|medstudenttwitter|medsky|blackinderm|"
                        r"skinofcolor|medmastodon)\b", re.I)
_OPPORTUNITY_WORDS = re.compile(r"\b(mentor\w*|research|opportunit\w*|apply|applications?|"
                                r"students?|residents?)\b", re.I)
_PLAIN_WORDS = re.compile(r"mentor|research|opportunit|apply|application", re.I)
_BASELINE_LABELS = {
    "urim_outreach": re.compile(r"\b(urim|urm|snma|lmsa|diversity|under-?represented)\b", re.I),
    "research_collaboration": re.compile(r"\bresearch\b", re.I),
    "specialty_information": re.compile(r"\b(questions?|ama|webinar|advice)\b", re.I),
    "peer_mentorship": re.compile(r"\b(spreadsheet|peers?|study group|tips)\b", re.I),
    "program_application": re.compile(r"\b(apply|scholarship|award|clerkship|grant)\b", re.I),
    "journal_club": re.compile(r"(journal club|#dermjc|\b[qt]1\b)", re.I),
}


def keyword_baseline(post: PostInput) -> set[str]:
    """The naive filter: a community hashtag plus words like mentor, research, apply."""
    hashtags = " ".join(f"#{t}" for t in post.hashtags)
    if not (_COMMUNITY.search(hashtags) and _OPPORTUNITY_WORDS.search(post.text)):
        return set()
    return _baseline_labels(post.text)


def plain_keyword_baseline(post: PostInput) -> set[str]:
    """A plain keyword search, as a new user would try on real traffic of any hashtag:
    mentor|research|opportunit|apply|application anywhere in the text."""
    return _baseline_labels(post.text) if _PLAIN_WORDS.search(post.text) else set()


def _baseline_labels(text: str) -> set[str]:
    labels = {name for name, pattern in _BASELINE_LABELS.items() if pattern.search(text)}
    return labels or {"specialty_information"}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def label_metrics(examples: Sequence[Example], predicted: Sequence[set[str]]) -> dict[str, Any]:
    """Per-label and averaged scores, opportunity-vs-not, hard negatives, label confusion."""
    per_label: dict[str, Any] = {}
    totals = [0, 0, 0]
    for name in LABELS:
        tp = sum(name in e.labels and name in p for e, p in zip(examples, predicted, strict=True))
        fp = sum(name not in e.labels and name in p
                 for e, p in zip(examples, predicted, strict=True))
        fn = sum(name in e.labels and name not in p
                 for e, p in zip(examples, predicted, strict=True))
        per_label[name] = _prf(tp, fp, fn) | {"support": tp + fn}
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    pairs = list(zip(examples, predicted, strict=True))
    present = {name: v for name, v in per_label.items() if v["support"]}
    opp = _prf(sum(bool(e.labels) and bool(p) for e, p in pairs),
               sum(not e.labels and bool(p) for e, p in pairs),
               sum(bool(e.labels) and not p for e, p in pairs))
    hard = [p for e, p in pairs if e.kind in HARD_NEGATIVES]
    # For the posts of each gold label: how often each other label was predicted, or none.
    confusion = {gold: {name: sum(gold in e.labels and name in p for e, p in pairs)
                        for name in LABELS if name != gold}
                 | {"none": sum(gold in e.labels and not p for e, p in pairs)}
                 for gold in LABELS}
    return {
        "posts": len(examples), "opportunities": sum(bool(e.labels) for e in examples),
        "labels": per_label,
        "micro": _prf(*totals),
        # Over the labels the set has: a label no post carries has no F1 to average.
        "macro_f1": round(sum(v["f1"] for v in present.values()) / max(1, len(present)), 3),
        "macro_labels": len(present),
        "opportunity": opp,
        "hard_negatives": {"posts": len(hard), "labelled_opportunity": sum(bool(p) for p in hard),
                           "rate": round(sum(bool(p) for p in hard) / max(1, len(hard)), 3)},
        # Of the posts that are not opportunities, the share called one.
        "false_positive_rate": round(sum(not e.labels and bool(p) for e, p in pairs)
                                     / max(1, sum(not e.labels for e in examples)), 3),
        "confusion": confusion,
    }


def _set_f1(gold: Sequence[set[str]], found: Sequence[set[str]]) -> dict[str, float]:
    tp = sum(len(g & f) for g, f in zip(gold, found, strict=True))
    fp = sum(len(f - g) for g, f in zip(gold, found, strict=True))
    fn = sum(len(g - f) for g, f in zip(gold, found, strict=True))
    return _prf(tp, fp, fn)


def extraction_metrics(examples: Sequence[Example]) -> dict[str, Any]:
    """Field accuracy on the gold opportunities (extraction judged apart from classification)."""
    gold = [e for e in examples if e.labels]
    found = [extract(e.post.text, posted_at=e.post.created_at, urls=e.post.urls,
                     hashtags=e.post.hashtags, bio=e.post.bio,
                     labels=sorted(e.labels)).to_json() for e in gold]
    formed = [(e.extract["form"], f.get("form")) for e, f in zip(gold, found, strict=True)
              if e.extract.get("form")]
    stated = [(e, f) for e, f in zip(gold, found, strict=True) if e.extract.get("deadline")]
    exact = sum(e.extract.get("deadline") == f.get("deadline")
                for e, f in zip(gold, found, strict=True))
    result: dict[str, Any] = {
        "opportunities": len(gold),
        "deadline": {"exact_match": round(exact / max(1, len(gold)), 3),
                     "with_a_deadline": len(stated),
                     "found_when_stated": round(sum(e.extract["deadline"] == f.get("deadline")
                                                    for e, f in stated) / max(1, len(stated)), 3),
                     "invented": sum(bool(f.get("deadline")) and not e.extract.get("deadline")
                                     for e, f in zip(gold, found, strict=True))},
    }
    if formed:  # the real posts' annotators gave every opportunity a form
        result["form"] = {"with_a_form": len(formed),
                          "accuracy": round(sum(g == f for g, f in formed) / len(formed), 3)}
    for name in ("audience", "contact", "topics"):
        result[name] = _set_f1([set(e.extract.get(name) or ()) for e in gold],
                               [set(f.get(name) or ()) for f in found])
    return result


def _side_by_side(examples: Sequence[Example],
                  predict: Callable[[Sequence[Example]], list[set[str]]],
                  baseline: Callable[[PostInput], set[str]] = keyword_baseline) -> dict[str, Any]:
    return {"model": label_metrics(examples, predict(examples)),
            "keyword_baseline": label_metrics(examples, [baseline(e.post) for e in examples]),
            "extraction": extraction_metrics(examples)}


def heldout(classifier: Classifier, real: Sequence[Example] | None = None) -> dict[str, Any]:
    """A model's figures on the real posts of the held-out sources."""
    examples = [e for e in (real if real is not None else load_real()) if e.split == "heldout"]
    return label_metrics(examples, [set(r.labels) for r in
                                    classifier.classify([e.post for e in examples])])


def evaluate(classifier: Classifier, fresh: Path | None = None) -> dict[str, Any]:
    """Cross-validation on the train split, the test split, and the fresh posts if given; on
    real posts, grouped cross-validation and the held-out sources."""
    examples = load_corpus()
    training = train_split(examples)
    features = [featurize(e.post) for e in training]
    scores = out_of_fold_scores(features, [e.labels for e in training])
    thresholds = best_thresholds(scores, [e.labels for e in training])

    def cross_validated(subset: Sequence[Example]) -> list[set[str]]:
        return [{LABELS[j] for j in chosen}
                for chosen in decide(scores, np.asarray(thresholds, dtype=np.float32),
                                     [ruled_labels(e.post.text) for e in subset])]

    def with_model(subset: Sequence[Example]) -> list[set[str]]:
        return [set(r.labels) for r in classifier.classify([e.post for e in subset])]

    report: dict[str, Any] = {
        "model": classifier.version,
        "cross_validation": _side_by_side(training, cross_validated),
        "test": _side_by_side([e for e in examples if e.split == "test"], with_model),
    }
    if fresh is not None:
        report["fresh"] = _side_by_side(load_jsonl(fresh), with_model)
    real = load_real()
    if real:
        data = training_set(examples, real)
        real_scores, real_thresholds = cross_validate(data)
        start = len(data.written)
        folded = data.real

        def real_cross_validated(subset: Sequence[Example]) -> list[set[str]]:
            chosen = decide(real_scores[start:start + len(folded)],
                            np.asarray(real_thresholds, dtype=np.float32),
                            [ruled_labels(e.post.text) for e in subset])
            return [{LABELS[j] for j in row} for row in chosen]

        report["real_cross_validation"] = _side_by_side(folded, real_cross_validated,
                                                        plain_keyword_baseline)
        report["real_heldout"] = _side_by_side([e for e in real if e.split == "heldout"],
                                               with_model, plain_keyword_baseline)
    return report
