"""The shipped classifier on posts a reader can judge: clear calls, clear non-calls, odd input."""

from __future__ import annotations

import gc
import json
import shutil
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import orjson
import pytest

from mentorfeed.classify.classifier import Classifier, Result, shipped_model_dir
from mentorfeed.classify.features import PostInput
from mentorfeed.classify.model import Model
from mentorfeed.errors import ModelError
from mentorfeed.sources._common import hashtags_in, urls_in
from mentorfeed.taxonomy import AUDIENCES, CONTACTS, FORMS, LABELS

POSTED = datetime(2024, 9, 2, 15, tzinfo=UTC)


def post(text: str, bio: str | None = None, *, is_repost: bool = False) -> PostInput:
    """A post as importing makes it: its hashtags and links read from the text."""
    return PostInput(id="p1", text=text, bio=bio, created_at=POSTED, is_repost=is_repost,
                     hashtags=hashtags_in(text), urls=urls_in(text))


def one(classifier: Classifier, item: PostInput) -> Result:
    [result] = classifier.classify([item])
    return result


# Written for these tests; none of them is in the corpus.
CLEAR_OPPORTUNITIES = [
    ("urim_outreach",
     "Calling URiM and first-generation medical students interested in dermatology: our "
     "SNMA/LMSA mentoring program pairs you with a dermatologist for the year. Sign up by "
     "Oct 15 at https://forms.gle/u7Wq2", "Skin of color society. We connect trainees."),
    ("research_collaboration",
     "Looking for a motivated medical student to help with a case report and a retrospective "
     "chart review in our pediatric dermatology clinic. Co-authorship guaranteed. DM me!",
     "Dermatologist, FAAD. Academic pediatric derm."),
    ("specialty_information",
     "Happy to answer questions about applying to dermatology residency! DMs open for "
     "students and premeds wondering whether derm is for them.", "PGY-4 dermatology resident."),
    ("peer_mentorship",
     "Fellow MS3s interested in derm: I made a shared spreadsheet of research years and away "
     "rotations, plus a study group for Step 2. Link in bio!", "MS3 | future dermatologist"),
    ("program_application",
     "Applications are now open for our visiting student clerkship and travel scholarship for "
     "dermatology applicants, stipend included. Apply by January 10: "
     "https://society.example.org/apply", "Official account of a dermatology society."),
    ("journal_club",
     "Join us tonight at 9pm ET for #DermJC! We're discussing the new JAAD paper on "
     "hidradenitis. Q1 drops at 9:05, answer with A1. All trainees welcome.",
     "Dermatology journal club on social media."),
]

CLEAR_NON_OPPORTUNITIES = [
    ("thanks a mentor",
     "Huge thank you to my mentors for believing in me all these years. Could not have done "
     "it without you.", "PGY-2 dermatology resident"),
    ("sunscreen tip",
     "Summer reminder: apply your sunscreen 15 minutes before going out and reapply every two "
     "hours. SPF 30 at least!", "Board-certified dermatologist"),
    ("case quiz",
     "Case quiz: 45M with an annular scaly plaque on the trunk for 3 months. What's your "
     "diagnosis? Answer tomorrow! #DermQuiz", "Dermatologist"),
    ("job ad",
     "Now hiring: board-certified dermatologist wanted for our growing private practice. "
     "BC/BE welcome, competitive salary and benefits. Join our team!",
     "Sunny Skin Dermatology clinic. Book now."),
    ("closed call",
     "Update: all spots filled, thank you all who applied! Overwhelmed by the interest.",
     "Dermatologist, FAAD"),
]


@pytest.mark.parametrize(("label", "text", "bio"), CLEAR_OPPORTUNITIES,
                         ids=[row[0] for row in CLEAR_OPPORTUNITIES])
def test_clear_opportunities_get_their_label(classifier: Classifier, label: str, text: str,
                                             bio: str) -> None:
    result = one(classifier, post(text, bio))
    assert label in result.labels, result.why
    assert set(result.labels) <= set(LABELS)
    assert label in result.why and not result.closes_call


@pytest.mark.parametrize(("case", "text", "bio"), CLEAR_NON_OPPORTUNITIES,
                         ids=[row[0] for row in CLEAR_NON_OPPORTUNITIES])
def test_hard_negatives_get_no_labels(classifier: Classifier, case: str, text: str,
                                      bio: str) -> None:
    result = one(classifier, post(text, bio))
    assert result.labels == [], result.why
    assert result.why.startswith("not an opportunity")
    assert result.extract == {} and result.links == []
    assert result.closes_call is (case == "closed call")


def test_the_reason_names_the_hard_negative(classifier: Classifier) -> None:
    quiz = CLEAR_NON_OPPORTUNITIES[2]
    assert "case quiz" in one(classifier, post(quiz[1], quiz[2])).why


def test_every_result_has_a_reason_and_a_score_per_label(classifier: Classifier) -> None:
    texts = [text for _, text, _ in CLEAR_OPPORTUNITIES + CLEAR_NON_OPPORTUNITIES]
    results = classifier.classify([post(t) for t in [*texts, "", "🙂"]])
    assert len(results) == len(texts) + 2
    for result in results:
        assert result.why.strip()
        assert list(result.scores) == list(LABELS)
        assert all(0.0 <= s <= 1.0 for s in result.scores.values())


def test_results_keep_the_order_and_ids_of_the_input(classifier: Classifier) -> None:
    items = [PostInput(id=str(i), text=text)
             for i, (_, text, _) in enumerate(CLEAR_OPPORTUNITIES + CLEAR_NON_OPPORTUNITIES)]
    assert [r.id for r in classifier.classify(items)] == [p.id for p in items]
    assert classifier.classify([]) == []


def test_a_post_alone_or_in_a_batch_gets_the_same_labels(classifier: Classifier) -> None:
    items = [post(text, bio) for _, text, bio in CLEAR_OPPORTUNITIES + CLEAR_NON_OPPORTUNITIES]
    together = classifier.classify(items)
    assert [r.labels for r in together] == [one(classifier, p).labels for p in items]


def test_a_repost_carries_no_labels(classifier: Classifier) -> None:
    _, text, bio = CLEAR_OPPORTUNITIES[4]
    result = one(classifier, post(text, bio, is_repost=True))
    assert result.labels == [] and result.extract == {}
    assert "repost" in result.why


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_post_carries_no_labels(classifier: Classifier, text: str) -> None:
    result = one(classifier, post(text))
    assert result.labels == [] and result.why


HOSTILE = {
    "html and script": "<script>alert('apply')</script><b>Apply</b> <a href='x'>now</a>",
    "control characters": "a\x00b\x07c\x1b[31m apply by friday \x7f\u202e\u200b\ufeff",
    "100 KB": "Looking for students to help with a case report. DM me! " * 1800,
    "lone surrogates": "\ud800 apply by Friday \udfff",
    "emoji only": "🌞🧴🔬🩺✨👩🏾‍⚕️",
    "only a link": "https://forms.gle/abc",
    "only hashtags": "#DermTwitter #MedTwitter #DermJC",
    "right to left": "برنامج إرشاد لطلاب الطب في الأمراض الجلدية",
    "one long word": "a" * 50_000,
}


def test_hostile_input_never_raises(classifier: Classifier) -> None:
    items = [PostInput(id=name, text=text, bio=text[:500], urls=["javascript:alert(1)"])
             for name, text in HOSTILE.items()]
    results = classifier.classify(items)
    assert [r.id for r in results] == list(HOSTILE)
    assert all(r.why for r in results)


def test_lone_surrogates_are_replaced_on_the_file_interface(classifier: Classifier) -> None:
    item = PostInput.from_json(json.loads(
        '{"id": "s1", "text": "Apply \\ud800 by Friday to our scholarship \\udfff",'
        ' "author": {"bio": "med student \\udc00"}}'))
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in item.text + (item.bio or ""))
    [result] = classifier.classify([item])
    orjson.dumps(result.to_json())  # would raise on a surrogate


def test_opportunities_carry_extracted_fields(classifier: Classifier) -> None:
    _, text, bio = CLEAR_OPPORTUNITIES[4]  # program, "Apply by January 10", a link
    result = one(classifier, post(text, bio))
    assert result.extract["deadline"] == "2025-01-10"
    assert {"url": "https://society.example.org/apply", "kind": "program"} in result.links
    _, text, bio = CLEAR_OPPORTUNITIES[1]  # research, no date, DM
    result = one(classifier, post(text, bio))
    assert "deadline" not in result.extract
    assert "dm" in result.extract["contact"] and "medical_student" in result.extract["audience"]


def test_extracted_fields_are_absent_when_empty(classifier: Classifier) -> None:
    items = [post(text, bio) for _, text, bio in CLEAR_OPPORTUNITIES]
    for result in classifier.classify(items):
        assert set(result.extract) <= {"deadline", "audience", "contact", "topics", "form"}
        assert not result.labels or result.extract["form"] in FORMS  # an opportunity's form
        assert all(result.extract.values()), result.extract
        assert set(result.extract.get("audience", ())) <= set(AUDIENCES)
        assert set(result.extract.get("contact", ())) <= set(CONTACTS)


def test_result_json_has_exactly_the_interface_keys(classifier: Classifier) -> None:
    _, text, bio = CLEAR_OPPORTUNITIES[0]
    data = orjson.loads(orjson.dumps(one(classifier, post(text, bio)).to_json()))
    assert list(data) == ["id", "labels", "scores", "extract", "links", "why"]


def test_load_without_a_user_model_uses_the_shipped_one(classifier: Classifier) -> None:
    assert Classifier.load().version == classifier.version
    assert classifier.version.startswith("m-")


# -- the model files -----------------------------------------------------------------------

def test_model_files_load_without_pickle() -> None:
    folder = shipped_model_dir()
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    assert meta["labels"] == list(LABELS) and meta["version"].startswith("m-")
    with np.load(folder / "weights.npz", allow_pickle=False) as arrays:
        assert {"coef", "intercept", "thresholds", "idf", "prefix_idf"} <= set(arrays.files)
        assert all(arrays[name].dtype != object for name in arrays.files)
        assert arrays["coef"].shape[0] == len(LABELS) + 1  # one head per label, plus "any"


def _model_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(shipped_model_dir(), folder)
    return folder


def _truncate(name: str, size: int) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        path = folder / name
        path.write_bytes(path.read_bytes()[:size])
    return mutate


def _write(name: str, content: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(content)


def _remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def _pickled_weights(folder: Path) -> None:
    np.savez(folder / "weights.npz", coef=np.array([{"a": 1}], dtype=object))


def _other_format(folder: Path) -> None:
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    meta["format"] = 999
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")


BROKEN_MODELS = {
    "model.json missing": _remove("model.json"),
    "weights.npz missing": _remove("weights.npz"),
    "model.json not JSON": _write("model.json", b"{not json"),
    "model.json empty": _write("model.json", b""),
    "model.json cut short": _truncate("model.json", 5000),
    "model.json not UTF-8": _write("model.json", b"\xff\xfe\x00 junk"),
    "weights.npz not a zip": _write("weights.npz", b"hello world" * 10),
    "weights.npz pickled": _pickled_weights,
    "another format": _other_format,
}


@pytest.mark.parametrize("mutate", BROKEN_MODELS.values(), ids=list(BROKEN_MODELS))
def test_a_broken_model_says_to_train_again(tmp_path: Path,
                                            mutate: Callable[[Path], None]) -> None:
    folder = _model_copy(tmp_path)
    mutate(folder)
    with pytest.raises(ModelError, match="mentorfeed train"):
        Model.load(folder)


# A training run killed while writing leaves these; `classify` then shows a traceback.
BROKEN_MODELS_NOT_CAUGHT = {
    "weights.npz cut short": _truncate("weights.npz", 5000),
    "weights.npz empty": _write("weights.npz", b""),
    "model.json without a vocabulary": _write("model.json", json.dumps(
        {"format": 1, "version": "m-x", "labels": list(LABELS)}).encode()),
    "model.json a list": _write("model.json", b"[]"),
}


def _load_error(folder: Path) -> Exception | None:
    """What loading raises; the file numpy leaves open on a bad zip is closed here, so the
    ResourceWarning does not surface in a later test."""
    error: Exception | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            Model.load(folder)
        except Exception as exc:
            error = exc.with_traceback(None)
        gc.collect()
    return error


@pytest.mark.parametrize("mutate", BROKEN_MODELS_NOT_CAUGHT.values(),
                         ids=list(BROKEN_MODELS_NOT_CAUGHT))
def test_a_damaged_model_says_to_train_again(tmp_path: Path,
                                             mutate: Callable[[Path], None]) -> None:
    folder = _model_copy(tmp_path)
    mutate(folder)
    error = _load_error(folder)
    assert isinstance(error, ModelError), f"{type(error).__name__}: {error}"
    assert "mentorfeed train" in str(error)
