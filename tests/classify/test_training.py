"""Training is reproducible, and the shipped model is what training makes today."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mentorfeed import service
from mentorfeed.classify.classifier import Classifier, shipped_model_dir
from mentorfeed.classify.corpus import load_corpus, load_real
from mentorfeed.classify.features import PostInput
from mentorfeed.taxonomy import LABELS

pytestmark = pytest.mark.slow

ARRAYS = ("coef", "intercept", "thresholds", "idf", "prefix_idf")


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("first") / "model"
    result = service.classifying.train_model(folder)
    assert result.folder == folder and result.examples > 1000
    return folder


def _arrays(folder: Path) -> dict[str, np.ndarray]:
    with np.load(folder / "weights.npz", allow_pickle=False) as loaded:
        return {name: loaded[name] for name in ARRAYS}


def _meta(folder: Path) -> dict[str, object]:
    meta: dict[str, object] = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    return meta


def test_training_twice_gives_the_same_model(trained: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    service.classifying.train_model(again)
    assert (again / "model.json").read_bytes() == (trained / "model.json").read_bytes()
    first, second = _arrays(trained), _arrays(again)
    for name in ARRAYS:
        assert np.array_equal(first[name], second[name]), name


def test_the_trained_model_loads_and_classifies(trained: Path) -> None:
    classifier = Classifier.load(trained)
    assert classifier.version == _meta(trained)["version"]
    [result] = classifier.classify([PostInput(
        id="1", text="Looking for a medical student to help with a chart review. DM me!")])
    # Since the corpus's last month the model also reads "DM me!" as an offer to answer
    # questions (specialty_information, 0.59): the research call must still be the first reading.
    assert result.labels[0] == "research_collaboration", result.why


def test_the_shipped_model_is_up_to_date(trained: Path) -> None:
    """Fails when the corpus, the rules or the model code changed without `mentorfeed train
    --output src/mentorfeed/data/model`. Another machine's numpy, scipy or scikit-learn may
    round the weights differently, so what is compared is what a user would notice: the
    version, the vocabularies, the thresholds (to one step of their grid) and the labels the
    two models give the labelled posts (at most 1 in 200 may differ)."""
    shipped, fresh = _meta(shipped_model_dir()), _meta(trained)
    assert shipped["version"] == fresh["version"]
    assert shipped["labels"] == list(LABELS)
    for vocabulary in ("word_vocabulary", "prefix_vocabulary", "context_vocabulary"):
        assert shipped[vocabulary] == fresh[vocabulary], vocabulary
    old, new = _arrays(shipped_model_dir()), _arrays(trained)
    assert np.allclose(old["thresholds"], new["thresholds"], rtol=0, atol=0.0251)
    posts = [e.post for e in [*load_corpus(), *load_real()]]
    before = Classifier.load(shipped_model_dir()).classify(posts)
    after = Classifier.load(trained).classify(posts)
    differ = [p.text[:60] for p, a, b in zip(posts, before, after, strict=True)
              if a.labels != b.labels]
    assert len(differ) <= len(posts) // 200, differ[:5]


def test_training_writes_to_the_user_folder_by_default(mentorfeed_data_dir: Path) -> None:
    result = service.classifying.train_model()
    assert result.folder == mentorfeed_data_dir / "model"
    assert Classifier.load().version == result.model.version
