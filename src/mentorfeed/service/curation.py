"""Curation: a person corrects the classifier where it is wrong, the correction wins at once,
and the next `mentorfeed train` learns from it; the review queue finds the posts the model is
least sure about, to label them first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mentorfeed import service
from mentorfeed.classify.features import PostInput
from mentorfeed.config import Settings
from mentorfeed.errors import MentorfeedError
from mentorfeed.models import Classification, Post
from mentorfeed.store import Store
from mentorfeed.store.corrections import Correction
from mentorfeed.taxonomy import FORMS, LABELS, PLATFORMS

if TYPE_CHECKING:  # the model's modules load scikit-learn: only a correction pays for it
    from mentorfeed.classify.classifier import Classifier

LOCAL = "local"  # who corrects, until accounts exist


class UnknownPost(MentorfeedError):
    """No stored post is the one named."""


@dataclass(slots=True)
class Corrected:
    post: Post
    before: list[str]  # what the model said
    classification: Classification  # what the store holds now


def check(labels: Sequence[str], form: str | None) -> None:
    """Labels and form must be the taxonomy's names; a form needs a label."""
    unknown = [name for name in labels if name not in LABELS]
    if unknown:
        raise MentorfeedError(f"Unknown label {unknown[0]!r}; use one of {', '.join(LABELS)}.")
    if form is not None and form not in FORMS:
        raise MentorfeedError(f"Unknown form {form!r}; use one of {', '.join(FORMS)}.")
    if form is not None and not labels:
        raise MentorfeedError("A post that is not an opportunity has no form: choose a label, "
                              "or leave the form out.")


def find_post(store: Store, reference: str) -> Post:
    """The one stored post that a URL, an id or "platform:id" names."""
    platform, _, rest = reference.partition(":")
    keys = ([(platform, rest)] if platform in PLATFORMS and rest
            else store.find_posts(reference))
    posts = [p for p in (store.get_post(*key) for key in keys) if p is not None]
    if not posts:
        raise UnknownPost(f"No stored post is {reference!r}; give its URL or id as "
                              "`mentorfeed search --json` shows it.")
    if len(posts) > 1:
        where = ", ".join(f"{p.platform}:{p.id}" for p in posts)
        raise MentorfeedError(f"{reference!r} names {len(posts)} posts ({where}); give one of "
                              "those instead.")
    return posts[0]


def correct(settings: Settings, reference: str, labels: Sequence[str], *,
            form: str | None = None, by: str = LOCAL) -> Corrected:
    """Set a post's labels (none: not an opportunity) and optionally its form. The correction
    is kept with who made it, when, and the model version and answer it corrects; the post's
    classification and the opportunities are updated at once."""
    check(labels, form)
    classifier = _classifier()
    with service.posts.open_store(settings) as store:
        post = find_post(store, reference)
        item = PostInput.from_post(post)
        [said] = classifier.classify([item])
        when = datetime.now(UTC)
        fixed = classifier.corrected(said, item, labels, form, by, when)
        store.save_correction(post.key, Correction(
            fixed.labels, fixed.extract.get("form"), by, when, classifier.version, said.labels))
        stored = service.classifying.stored(fixed, classifier.version)
        store.save_classifications([(post.key, stored)])
        service.classifying.regroup(store)
    return Corrected(post, said.labels, stored)


_LOADED: dict[tuple[str, float], Classifier] = {}


def _classifier() -> Classifier:
    """The model `classify` uses, loaded once per process until `train` writes a new one (the
    web app saves one correction after another)."""
    from mentorfeed.classify.classifier import Classifier, shipped_model_dir, user_model_dir

    folder = user_model_dir()
    if not (folder / "model.json").exists():
        folder = shipped_model_dir()
    key = (str(folder), (folder / "model.json").stat().st_mtime)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = Classifier.load(folder)
    return _LOADED[key]


def review_queue(settings: Settings, limit: int = 20) -> list[tuple[Post, Classification]]:
    """The uncorrected posts the model came nearest to answering otherwise, closest first."""
    with service.posts.open_store(settings) as store:
        return store.review_queue(limit)
