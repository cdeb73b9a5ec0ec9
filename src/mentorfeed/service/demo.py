"""The demo: a fresh store from the bundled sample community, classified."""

from __future__ import annotations

from pathlib import Path

from mentorfeed.config import Settings, sqlite_url
from mentorfeed.service.classifying import ClassifyReport, classify_store
from mentorfeed.service.people import refresh_people
from mentorfeed.service.posts import import_files, sample_files
from mentorfeed.sources.ingest import ImportProgress, ImportReport


def build_demo(path: Path | None = None, *, progress: ImportProgress | None = None
               ) -> tuple[Path, ImportReport, ClassifyReport]:
    """A fresh store at `path` (default: demo.db in the data folder) from the sample files,
    classified with the installed model."""
    path = path or Settings.load().data_dir / "demo.db"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    settings = Settings(database_url=sqlite_url(path))
    report = import_files(settings, sample_files(), progress=progress)
    classified = classify_store(settings)
    refresh_people(settings)
    return path, report, classified

