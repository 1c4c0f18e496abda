"""The sample portfolio as a SQLite store file, for tests that run the app on it.

Importing data/sample takes a second or two; ``conftest.py``'s session fixture
``sample_db_file`` does it once for the whole run and tests that write take a private copy
(:func:`copy_store`), so no test changes what another reads.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from kamgraph.ingest import import_path
from kamgraph.settings import Settings
from kamgraph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
SAMPLE = ROOT / "data" / "sample"
SAMPLE_SETTINGS = SAMPLE / "kamgraph.toml"


def import_sample(db: Path) -> Path:
    """``db``: a new SQLite store holding the sample, assessments dated the sample's as-of date."""
    store = open_store(f"sqlite:///{db}")
    import_path(SAMPLE, store, today=Settings.load(SAMPLE_SETTINGS).as_of_date())
    store.close()
    return db


def copy_store(src: Path, dst: Path) -> Path:
    """A consistent copy of the store file ``src`` at ``dst`` (SQLite's online backup)."""
    source, target = sqlite3.connect(src), sqlite3.connect(dst)
    source.backup(target)
    source.close()
    target.close()
    return dst


def plain(markdown: str) -> str:
    """Markdown as displayed: backslash escapes removed.

    >>> plain(r"2026\\-11\\-14")
    '2026-11-14'
    """
    return re.sub(r"\\(.)", r"\1", markdown)
