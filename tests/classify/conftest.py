"""Fixtures for the classifier tests: the shipped model, and no user model in the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorfeed.classify.classifier import Classifier, shipped_model_dir


@pytest.fixture(autouse=True)
def mentorfeed_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A model trained by the person running the tests must not replace the shipped one."""
    folder = tmp_path / "mentorfeed-data"
    monkeypatch.setenv("MENTORFEED_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return Classifier.load(shipped_model_dir())
