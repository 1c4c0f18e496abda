"""A SQLite import killed with SIGKILL in the middle of its write leaves the store exactly as
it was before the import (one transaction; the write-ahead log is rolled back on open)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kamgraph.store.sqlite import SQLiteStore
from kamgraph.synthetic import generate_portfolio

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _dump(url: str) -> tuple[dict, str]:
    """Counts per entity and a digest of every row of every table."""
    with SQLiteStore(url) as store:
        counts = store.counts()
        digest = hashlib.sha256()
        for name in sorted(counts):
            for row in store.execute_raw(f'SELECT * FROM "{name}" ORDER BY 1, 2'):  # noqa: S608 (names from the schema)
                digest.update(repr(row).encode())
        ok = store.execute_raw("PRAGMA integrity_check")[0][0]
    assert ok == "ok"
    return counts, digest.hexdigest()


@pytest.mark.slow
def test_sigkill_during_an_import_leaves_the_store_as_it_was(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    env = {**os.environ, "KAMGRAPH_STORE": url}
    first = subprocess.run(["kamgraph", "import", str(SAMPLE)], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = _dump(url)

    folder = tmp_path / "big"
    generate_portfolio(folder, scale="S", seed=5)
    # the import kills its own process from inside the write transaction: the first
    # progress report of the attendance table, with every earlier table already written
    script = (
        "import os, signal, sys\n"
        "from kamgraph.ingest.pipeline import import_path\n"
        "from kamgraph.store.sqlite import SQLiteStore\n"
        "calls = []\n"
        "def progress(entity, done, total):\n"
        "    calls.append(entity)\n"
        "    if entity == 'attendance' and calls.count('attendance') == 1:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "store = SQLiteStore(sys.argv[1])\n"
        "import_path(sys.argv[2], store, progress=progress)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, url, str(folder)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert _dump(url) == before
