"""The classification commands as a user runs them: train, classify, evaluate, opportunities."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mentorfeed import service
from mentorfeed.cli import app
from mentorfeed.taxonomy import LABELS

runner = CliRunner()


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # MENTORFEED_DATA_DIR comes from the autouse fixture: no user model, no user store.
    return subprocess.run([sys.executable, "-m", "mentorfeed", *args], capture_output=True,
                          text=True, env=dict(os.environ), timeout=120, cwd=cwd)


@pytest.mark.parametrize("command", ["train", "classify", "evaluate", "opportunities"])
def test_every_classification_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) > 3


GOOD = [
    {"id": "a1", "text": "Looking for a medical student to help with a case report and a "
     "chart review in our clinic. DM me!", "platform": "x",
     "created_at": "2024-09-02T15:00:00Z", "author": {"handle": "drskin", "bio": "FAAD"}},
    {"id": 42, "text": "Reapply your sunscreen every two hours at the beach."},
    {"id": "a3", "text": ""},
]


def test_classify_a_file(tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [json.dumps(GOOD[0]), "{not json", json.dumps(GOOD[1]), "",
             json.dumps({"text": "Apply by Friday, no id here"}), json.dumps(GOOD[2])]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("classify", "--input", str(source), "--output", str(target))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = result.stderr.replace("\n", "")
    assert f"{source}:2: " in errors and f"{source}:5: " in errors and '"id"' in errors
    out = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in out] == ["a1", "42", "a3"]
    for row in out:
        assert list(row) == ["id", "labels", "scores", "extract", "links", "why"]
        assert set(row["scores"]) == set(LABELS) and row["why"]
    assert "research_collaboration" in out[0]["labels"] and out[0]["extract"]["contact"]
    assert out[1]["labels"] == [] and out[2]["labels"] == []
    assert "3 posts" in result.stdout and "2 lines skipped" in result.stdout


def test_classify_a_clean_file_exits_zero(tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(json.dumps(row) for row in GOOD) + "\n", encoding="utf-8")
    result = run("classify", "--input", str(source), "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert len(target.read_text(encoding="utf-8").splitlines()) == len(GOOD)


def test_a_null_id_is_reported(tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps({"id": None, "text": "hello"}) + "\n", encoding="utf-8")
    result = run("classify", "--input", str(source), "--output", str(target))
    assert result.returncode == 1 and f"{source}:1: " in result.stderr.replace("\n", "")
    assert target.read_text(encoding="utf-8") == ""


def test_input_without_output_is_one_sentence(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(GOOD[0]) + "\n", encoding="utf-8")
    result = run("classify", "--input", str(source))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: --input needs --output")
    assert len(result.stderr.strip().splitlines()) == 1


def test_input_that_is_not_a_file(tmp_path: Path) -> None:
    result = run("classify", "--input", str(tmp_path / "missing.jsonl"), "--output",
                 str(tmp_path / "out.jsonl"))
    assert result.returncode == 1 and result.stderr.startswith("Error: ")
    assert "missing.jsonl" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_import_classify_and_list_opportunities(tmp_path: Path, formats: Path) -> None:
    db = str(tmp_path / "cli.db")
    assert run("--db", db, "import", *map(str, sorted(formats.glob("*.js*")))).returncode == 0
    classified = run("--db", db, "classify")
    assert classified.returncode == 0, classified.stderr
    assert "opportunities in the store" in classified.stdout
    listed = run("--db", db, "opportunities", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert rows
    for row in rows:
        assert row["labels"] and set(row["labels"]) <= set(LABELS)
        assert row["state"] in {"open", "closed", "expired"}
        assert row["posts"] and row["why"]
    label = rows[0]["labels"][0]
    only = run("--db", db, "opportunities", "--json", "--label", label)
    assert all(label in json.loads(line)["labels"] for line in only.stdout.splitlines())
    human = run("--db", db, "opportunities", "--limit", "1")
    assert human.returncode == 0 and rows[0]["labels"][0] in human.stdout


def test_opportunities_on_an_unclassified_store_says_what_to_do(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "empty.db"), "opportunities")
    assert result.returncode == 0 and "mentorfeed classify" in result.stdout
    assert run("--db", str(tmp_path / "empty.db"), "opportunities", "--json").stdout == ""


def test_opportunities_rejects_an_unknown_state(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "x.db"), "opportunities", "--state", "pending")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_opportunities_of_one_form(tmp_path: Path) -> None:
    """--form lists only calls, events or resources of the sample store; the JSON carries the
    form in `extract` and the listing shows it beside the state."""
    db, _, _ = service.demo.build_demo(tmp_path / "demo.db")
    for form in ("call", "event", "resource"):
        listed = runner.invoke(app, ["--db", str(db), "opportunities", "--form", form,
                                     "--json", "--limit", "10000"])
        assert listed.exit_code == 0, listed.output
        rows = [json.loads(line) for line in listed.stdout.splitlines()]
        assert len(rows) >= 20, f"the sample has several {form}s"
        assert all(row["extract"]["form"] == form for row in rows)
        human = runner.invoke(app, ["--db", str(db), "opportunities", "--form", form,
                                    "--limit", "3"])
        heads = [line for line in human.stdout.splitlines()
                 if re.match(r"\d{4}-\d\d-\d\d (OPEN|CLOSED|EXPIRED) ", line)]
        assert len(heads) == 3 and all(f" {form} " in line for line in heads), human.stdout
    wrong = runner.invoke(app, ["--db", str(db), "opportunities", "--form", "meeting"])
    assert wrong.exit_code == 2
