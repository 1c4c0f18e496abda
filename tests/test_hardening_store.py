"""Regression tests of issue 12 for the stores, the import pipeline and the CLI data verbs.

Each test names the finding it pins (issue 12, "Data loss" and "Errors a person can act on").
"""

from __future__ import annotations

import hashlib
import sqlite3
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import kamgraph.ingest.pipeline as pipeline
from kamgraph.cli import main
from kamgraph.errors import KamgraphError, StoreUnavailable
from kamgraph.ingest import import_path
from kamgraph.store.sqlite import SQLiteStore

FILES = {
    "accounts.csv": "id,name,tier\nA1,Acme Steel,gold\n",
    "people.csv": "id,name,side,title\nP1,Wang Jianguo,customer,CEO\nP2,Cy Park,internal,Account Manager\n"
                  "P3,Zoe Quokkaberg,customer,Buyer\n",
    "employment.csv": "person_id,org_id,title\nP1,A1,CEO\nP3,A1,Buyer\n",
    "interactions.csv": "id,date,kind,account_id,subject,notes\n"
                        "I1,2024-03-01,visit,A1,Visit with Wang Jianguo,Wang Jianguo liked the offer\n"
                        "I2,2024-04-01,call,A1,Call,Zoe said Wang Jianguo decides\n",
    "attendance.csv": "interaction_id,person_id\nI1,P1\nI1,P2\nI2,P3\nI2,P2\n",
}


def write_files(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def all_rows(url: str) -> dict[str, list]:
    with SQLiteStore(url) as s:
        return {name: sorted(map(tuple, s.read(name).astype(str).values.tolist())) for name in s.counts()}


# -- 1. an erase between validation and write leaves no orphans ---------------------------------
def test_erase_between_validation_and_write_leaves_no_orphans(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    base = {k: FILES[k] for k in ("accounts.csv", "people.csv")}
    with SQLiteStore(url) as store:
        import_path(write_files(tmp_path / "base", base), store)
    # the second import references P1 already in the store; P1 is erased through another
    # connection after validation accepted the reference and before the write
    incoming = write_files(tmp_path / "in", {k: FILES[k] for k in
                                            ("employment.csv", "interactions.csv", "attendance.csv")})
    real_validate = pipeline.validate
    after_erase: dict = {}

    def validate_then_erase(raw, store, **kw):
        checked = real_validate(raw, store, **kw)
        with SQLiteStore(url) as other:
            other.erase_person("P1")
        after_erase.update(all_rows(url))
        return checked

    monkeypatch.setattr(pipeline, "validate", validate_then_erase)
    with SQLiteStore(url) as store:
        with pytest.raises(StoreUnavailable) as err:
            import_path(incoming, store)
    message = str(err.value)
    assert "\n" not in message
    assert "employment.person_id" in message and "'P1'" in message and "nothing was written" in message
    assert after_erase and all_rows(url) == after_erase  # the erase happened, the import did not
    con = sqlite3.connect(tmp_path / "k.db")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("SELECT COUNT(*) FROM attendance WHERE person_id = 'P1'").fetchone() == (0,)
    con.close()
