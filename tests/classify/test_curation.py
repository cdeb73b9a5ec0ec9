"""Corrections: a person's labels win over the model's at once, survive reclassifying, leave the
review queue, and teach the next model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from mentorfeed import service
from mentorfeed.classify.classifier import Classifier
from mentorfeed.classify.features import PostInput
from mentorfeed.cli import app
from mentorfeed.config import Settings
from mentorfeed.errors import MentorfeedError
from mentorfeed.models import Author, Post
from mentorfeed.store import Store

# A style the written corpus never uses: research calls in German.
TOPICS = ["Neurodermitis", "Psoriasis", "Melanom", "Akne", "Rosazea", "Vitiligo",
          "Haarausfall", "Teledermatologie", "Wundheilung", "Hautkrebs-Screening",
          "Kontaktallergie", "Urtikaria"]
TEMPLATES = [
    "Gesucht: Medizinstudierende für ein Forschungsprojekt zur {t}. Meldet euch per Mail.",
    "Wir suchen zwei Doktorandinnen oder Doktoranden für unsere Studie zur {t}. "
    "Bewerbung bis Ende des Monats an die Klinik.",
]
OTHER = [
    "Heute in der Sprechstunde: {t} bei einem Kind, schöner Verlauf unter Therapie.",
    "Neue Leitlinie zur {t} ist erschienen, lesenswert für alle in der Praxis.",
]


def _post(number: int, text: str) -> Post:
    return Post(platform="x", id=f"de{number}", url=f"https://x.com/klinik/status/de{number}",
                author_id="klinik", text=text,
                created_at=datetime(2025, 3, 1, tzinfo=UTC) + timedelta(hours=number))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings.load(f"sqlite:///{tmp_path / 'store.db'}")
    calls = [t.format(t=topic) for topic in TOPICS for t in TEMPLATES]
    others = [t.format(t=topic) for topic in TOPICS for t in OTHER]
    posts = [_post(i, text) for i, text in enumerate(calls + others)]
    with service.posts.open_store(settings) as store:
        store.upsert(posts, [Author(platform="x", id="klinik", handle="klinik",
                                    bio="Hautklinik, Forschung und Lehre")], "test")
    service.classifying.classify_store(settings)
    return settings


def _listed(settings: Settings, **filters: object) -> set[str]:
    return {o.post.id for o in service.opportunities.opportunities(settings, limit=500, **filters)}


def test_a_correction_wins_at_once_and_is_kept(settings: Settings) -> None:
    assert "de0" not in _listed(settings)  # the model misses the German call
    done = service.curation.correct(settings, "x:de0", ["research_collaboration"], form="call")
    assert done.before == [] and done.classification.labels == ["research_collaboration"]
    assert "de0" in _listed(settings, label="research_collaboration", form="call")
    assert done.classification.why.startswith("corrected by local on ")
    with service.posts.open_store(settings) as store:
        [(post, fix)] = store.corrected_posts()
    assert post.id == "de0" and fix.corrected_by == "local" and fix.model_labels == []
    assert fix.model_version == service.classifying.load_classifier().version
    service.classifying.classify_store(
        settings, everything=True
    )  # the model again: the person still wins
    assert "de0" in _listed(settings, label="research_collaboration")


def test_none_takes_an_opportunity_out_of_the_listing(settings: Settings) -> None:
    service.curation.correct(settings, "x:de0", ["research_collaboration"])
    service.curation.correct(settings, "https://x.com/klinik/status/de0", [])
    assert "de0" not in _listed(settings)


def test_bad_corrections_say_what_to_do(settings: Settings) -> None:
    with pytest.raises(MentorfeedError, match="Unknown label 'mentoring'"):
        service.curation.correct(settings, "x:de0", ["mentoring"])
    with pytest.raises(MentorfeedError, match="has no form"):
        service.curation.correct(settings, "x:de0", [], form="call")
    with pytest.raises(MentorfeedError, match="No stored post is 'x:nope'"):
        service.curation.correct(settings, "x:nope", [])


def test_the_review_queue_is_least_sure_first_and_skips_corrected(settings: Settings) -> None:
    queue = service.curation.review_queue(settings, limit=10)
    margins = [said.margin for _, said in queue]
    assert len(queue) == 10 and margins == sorted(margins)
    first = queue[0][0]
    service.curation.correct(settings, f"x:{first.id}", [])
    assert first.id not in {p.id for p, _ in service.curation.review_queue(settings, limit=50)}


def test_label_and_review_commands(settings: Settings) -> None:
    runner = CliRunner()
    db = ["--db", settings.database_url]
    result = runner.invoke(app, [*db, "label", "x:de1", "--as", "research_collaboration",
                                 "--as", "program_application", "--form", "call"])
    assert result.exit_code == 0, result.output
    assert "research_collaboration, program_application" in result.output
    assert runner.invoke(app, [*db, "label", "x:de1"]).exit_code != 0  # neither --as nor --none
    result = runner.invoke(app, [*db, "review", "--limit", "2"], input="2c\nn\n")
    assert result.exit_code == 0, result.output
    assert "2 corrections saved" in result.output
    with service.posts.open_store(settings) as store:
        assert store.count_corrections() == 3


@pytest.mark.slow
def test_corrections_of_a_missed_style_raise_recall_on_held_out_posts(
        settings: Settings, tmp_path: Path) -> None:
    calls = [f"de{i}" for i in range(len(TOPICS) * len(TEMPLATES))]
    taught = [c for i, c in enumerate(calls) if i // 2 % 2 == 0]  # both templates
    held_out = [c for c in calls if c not in taught]
    for post_id in taught:
        service.curation.correct(settings, f"x:{post_id}", ["research_collaboration"], form="call")
    texts = {p.id: p.text for p in service.posts.search(settings, None, limit=100)}
    held = [PostInput(id=i, text=texts[i], platform="x") for i in held_out]

    def recall(classifier: Classifier) -> float:
        found = classifier.classify(held)
        return sum("research_collaboration" in r.labels for r in found) / len(found)

    before = recall(service.classifying.load_classifier())
    result = service.classifying.train_model(tmp_path / "model", settings)
    assert result.corrections == len(taught)
    after = recall(Classifier.load(tmp_path / "model"))
    assert before <= 0.25 and after >= before + 0.5, (before, after)


def test_a_store_from_before_corrections_upgrades_and_keeps_its_labels(
        settings: Settings, engine_of: Callable[[Store], Engine]) -> None:
    from alembic import command

    from mentorfeed.store import migrate

    listed = _listed(settings)
    config = migrate.alembic_config()
    with Store(settings.database_url) as store, engine_of(store).begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
        assert "label_corrections" not in {r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert _listed(settings) == listed  # opening the store upgrades it again
    service.curation.correct(settings, "x:de0", ["research_collaboration"])
    assert _listed(settings) == listed | {"de0"}
