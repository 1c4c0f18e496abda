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

from kamgraph.cli import main
from kamgraph.errors import StoreUnavailable
from kamgraph.ingest import import_path, pipeline
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
    with SQLiteStore(url) as store, pytest.raises(StoreUnavailable) as err:
        import_path(incoming, store)
    message = str(err.value)
    assert "\n" not in message
    assert "employment.person_id" in message and "'P1'" in message and "nothing was written" in message
    assert after_erase and all_rows(url) == after_erase  # the erase happened, the import did not
    con = sqlite3.connect(tmp_path / "k.db")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("SELECT COUNT(*) FROM attendance WHERE person_id = 'P1'").fetchone() == (0,)
    con.close()


# -- 6. a read never writes: another application's SQLite file stays byte-identical -------------
def test_a_read_command_leaves_a_foreign_sqlite_file_byte_identical(tmp_path):
    foreign = tmp_path / "other-app.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO invoices VALUES (1, 9.5)")
    con.commit()
    con.close()
    before = digest(foreign)
    for verb in (["stats"], ["coverage"]):
        result = CliRunner().invoke(main, ["--store", f"sqlite:///{foreign}", *verb])
        assert result.exit_code != 0
        assert "Traceback" not in result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and str(foreign) in lines[0] and "not a kamgraph store" in lines[0]
    assert digest(foreign) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other-app.db"]  # no -wal / -shm left either


def test_reads_on_a_missing_store_file_do_not_create_it(tmp_path):
    missing = tmp_path / "nothing-here.db"
    result = CliRunner().invoke(main, ["--store", f"sqlite:///{missing}", "stats"])
    assert result.exit_code == 0, result.output
    assert not missing.exists()
    with SQLiteStore(f"sqlite:///{missing}") as store:
        assert sum(store.counts().values()) == 0 and store.data_version() == 0
        assert not missing.exists()
        store.init()  # the first write (or init) creates it, marked as kamgraph's
    con = sqlite3.connect(missing)
    from kamgraph.store.sqlite import APPLICATION_ID
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.close()


def test_a_store_written_before_application_ids_is_still_a_kamgraph_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with SQLiteStore(url) as store:
        import_path(write_files(tmp_path / "in", FILES), store)
    con = sqlite3.connect(tmp_path / "old.db")
    con.execute("PRAGMA application_id = 0")
    con.execute("DROP TABLE write_log")
    con.commit()
    con.close()
    with SQLiteStore(url) as store:
        assert store.counts()["people"] == 3
        store.write({"people": pd.DataFrame([{"id": "P9", "name": "New", "side": "internal"}])}, actor="ann")
        assert store.write_log()["actor"].tolist() == ["ann"]


# -- 16. a read-only store can be read; a write says it is read-only in one line -----------------
def _loaded(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'ro.db'}"
    with SQLiteStore(url) as store:
        import_path(write_files(tmp_path / "in", FILES), store)
    return url


def test_a_store_opened_read_only_reads_and_refuses_writes_in_one_line(tmp_path):
    url = _loaded(tmp_path)
    before = digest(tmp_path / "ro.db")
    with SQLiteStore(url, read_only=True) as store:
        assert store.counts()["people"] == 3
        assert len(store.snapshot().people) == 3
        for write in (lambda: store.write({"people": pd.DataFrame([{"id": "X", "name": "X", "side": "internal"}])}),
                      lambda: store.erase_person("P1")):
            with pytest.raises(StoreUnavailable) as err:
                write()
            assert "read-only" in str(err.value) and "\n" not in str(err.value)
    assert digest(tmp_path / "ro.db") == before


def test_a_read_only_store_file_is_read_by_the_cli(tmp_path, monkeypatch):
    import os

    url = _loaded(tmp_path)
    path = tmp_path / "ro.db"
    path.chmod(0o444)
    tmp_path.chmod(0o555)  # no -wal / -shm can be created next to it either
    try:
        if os.access(path, os.W_OK):  # root: chmod does not stop writes; take the mode=ro path anyway
            real = os.access
            monkeypatch.setattr(os, "access",
                                lambda p, mode, **kw: False if (Path(p) == path and mode == os.W_OK) else real(p, mode))
        result = CliRunner().invoke(main, ["--store", url, "stats", "--format", "csv"])
        assert result.exit_code == 0, result.output
        assert "people,3" in result.output
        result = CliRunner().invoke(main, ["--store", url, "erase-person", "P1", "--yes"])
        assert result.exit_code != 0 and "Traceback" not in result.output
        assert "read-only" in result.output
    finally:
        tmp_path.chmod(0o755)
        path.chmod(0o644)


# -- 5. erasure lists (and redacts) free-text mentions; a reader blocking the checkpoint is said --
@pytest.fixture
def loaded_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    with SQLiteStore(url) as store:
        import_path(write_files(tmp_path / "in", FILES), store)
    return url


def test_erase_lists_kept_free_text_mentions_of_the_name(loaded_url):
    result = CliRunner().invoke(main, ["--store", loaded_url, "erase-person", "P1", "--yes"])
    assert result.exit_code == 0, result.output
    assert "erased P1:" in result.output
    # I1 is kept (P2 attended it too): its subject and notes still hold the name; so do I2's notes,
    # and the audit trail's entries of their import (as 'after' texts)
    assert "6 free-text fields kept still mention the name" in result.output
    assert "redact-name 'Wang Jianguo'" in result.output
    assert "I1" in result.output and "I2" in result.output
    with SQLiteStore(loaded_url) as store:
        found = store.mentions("wang jianguo")  # I1 subject, I1 notes, I2 notes, and the same in the audit
        assert sorted(found["entity"]) == ["audit"] * 3 + ["interactions"] * 3


def test_erase_with_redact_notes_leaves_the_name_nowhere(loaded_url, tmp_path):
    result = CliRunner().invoke(main, ["--store", loaded_url, "erase-person", "P1", "--yes", "--redact-notes"])
    assert result.exit_code == 0, result.output
    assert "name replaced by [erased] in 6 free-text fields" in result.output  # 3 in the audit trail
    assert "still mention" not in result.output
    with SQLiteStore(loaded_url) as store:
        inter = store.read("interactions").set_index("id")
        assert inter.loc["I1", "subject"] == "Visit with [erased]"
        assert inter.loc["I2", "notes"] == "Zoe said [erased] decides"
        assert store.mentions("Wang Jianguo").empty
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("k.db*"))
    assert b"Wang Jianguo" not in raw  # secure_delete + checkpoint: not in the file, not in the WAL


def test_erase_says_so_when_a_reader_blocks_the_checkpoint(loaded_url, tmp_path):
    reader = sqlite3.connect(tmp_path / "k.db")
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM people").fetchone()  # holds a snapshot from before the erase
    try:
        result = CliRunner().invoke(main, ["--store", loaded_url, "erase-person", "P3", "--yes"])
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert result.exit_code == 1, result.output
    assert "erased P3:" not in result.output
    assert "NOT yet from the disk" in result.output
    assert "another program is reading" in result.output and "write-ahead log" in result.output
    assert "Traceback" not in result.output
    with SQLiteStore(loaded_url) as store:  # the erasure itself is done
        assert store.read("people", "id", ["P3"]).empty
        assert store.checkpoint()  # and with the reader gone the log empties


# -- every write records who did it ------------------------------------------------------------
def test_every_write_records_who_and_when_and_erasure_leaves_no_id(store, portfolio):
    store.write(portfolio, actor="ann")
    store.delete("accounts", pd.DataFrame([{"id": "A2"}]), actor="bob")
    store.erase_person("u1", actor="cy")
    log = store.write_log()
    assert log["actor"].tolist() == ["ann", "bob", "cy"]
    assert log["action"].tolist() == ["write", "delete", "erase_person"]
    assert log["rows"].iloc[0]["people"] == len(portfolio["people"])
    assert log["rows"].iloc[1] == {"accounts": 1}
    assert log["rows"].iloc[2]["people"] == 1
    at = pd.to_datetime(log["at"], utc=True)
    assert (at.diff().dropna() >= pd.Timedelta(0)).all()
    assert (pd.Timestamp.now(tz="UTC") - at).max() < pd.Timedelta(minutes=10)
    assert "u1" not in log.to_json()


def test_the_cli_records_the_os_user(loaded_url, monkeypatch):
    from kamgraph.cli import manage

    monkeypatch.setattr(manage.getpass, "getuser", lambda: "os-user-7")
    result = CliRunner().invoke(main, ["--store", loaded_url, "erase-person", "P3", "--yes"])
    assert result.exit_code == 0, result.output
    with SQLiteStore(loaded_url) as store:
        log = store.write_log()
    assert log["actor"].tolist()[-1] == "os-user-7" and log["action"].tolist()[-1] == "erase_person"


# -- 18. the demo prints the next commands on the store it used -----------------------------------
def test_demo_prints_next_commands_with_its_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAMGRAPH_STORE", raising=False)
    result = CliRunner().invoke(main, ["demo", "--no-ui"])
    assert result.exit_code == 0, result.output
    demo_db = (tmp_path / "kamgraph-demo.db").resolve()
    commands = [line.strip() for line in result.output.splitlines() if line.strip().startswith("kamgraph --store")]
    assert [c.split()[-1] for c in commands][:2] == ["gaps", "coverage"]
    assert all(f"sqlite:///{demo_db}" in c for c in commands)
    assert "plain `kamgraph` uses sqlite:///./kamgraph.db" in result.output
    gaps = CliRunner().invoke(main, commands[0].split()[1:])
    assert gaps.exit_code == 0, gaps.output


# -- 17b. a dead Bolt server: the store's one line, not the driver's retry messages --------------
def test_the_neo4j_drivers_retry_warnings_are_quiet_while_the_store_works(caplog):
    import logging
    import socket

    from kamgraph.store.neo4j import Neo4jStore

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = Neo4jStore(f"bolt://127.0.0.1:{port}", user="neo4j", password="x")
    try:
        caplog.set_level(logging.DEBUG)
        before = logging.getLogger("neo4j").level
        with store._errors("writing to Neo4j"):  # what every read and write runs inside
            logging.getLogger("neo4j.session").warning("Transaction failed and will be retried in 1.1s (...)")
            logging.getLogger("neo4j").error("a real error still shows")
        assert [r.getMessage() for r in caplog.records if r.name.startswith("neo4j")] == ["a real error still shows"]
        assert logging.getLogger("neo4j").level == before
    finally:
        store.close()


@pytest.mark.parametrize("verb", [["gaps"], ["coverage"], ["report", "--out", "REPORT"]])
def test_analysis_on_an_empty_store_says_so_in_one_line(tmp_path, verb):
    store_file = tmp_path / "kamgraph.db"
    args = [a.replace("REPORT", str(tmp_path / "report")) for a in verb]
    result = CliRunner().invoke(main, ["--store", f"sqlite:///{store_file}", *args])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "is empty" in lines[0] and "kamgraph import" in lines[0] and "kamgraph demo" in lines[0]
    assert not store_file.exists()  # and the read created nothing
