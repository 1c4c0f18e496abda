"""The SQLite store's bulk path (a write into an empty table: rows loaded set-based, one
audit span per distinct first-key value instead of one ref per row) against its row-by-row
path (every row staged and compared, every ref of every entry stored), on the same imports.

The row-by-row path is what a write into a table that already holds rows takes; the tests
force it for every table (``_exists_sql``) and compare everything a store answers: rows,
counts, data version, the whole audit trail and its per-person and per-account reads,
mentions, redaction and erasure, after a first import, a second one with changes
(updates, new rows, unchanged rows), deletes and edits.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import kamgraph.store.sqlite as sqlite_module
from kamgraph.ingest.pipeline import import_path
from kamgraph.schema import ENTITIES, WRITE_ORDER, normalize_frame
from kamgraph.store.sqlite import SQLiteStore
from kamgraph.synthetic import generate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(params=["arrow", "bound"])
def row_by_row(request, monkeypatch):
    """A block run with every table taken as not empty (the staged, per-row-ref path) and
    every row bound one by one; outside it, the bulk path with every table of the test staged
    through Arrow ("arrow") or bound row by row too ("bound")."""
    monkeypatch.setattr(sqlite_module, "STAGE_ROWS", 0 if request.param == "arrow" else 10 ** 12)

    class Switch:
        def __enter__(self):
            monkeypatch.setattr(sqlite_module, "_exists_sql", lambda ent: "SELECT 1")
            monkeypatch.setattr(sqlite_module, "STAGE_ROWS", 10 ** 12)

        def __exit__(self, *exc):
            monkeypatch.setattr(sqlite_module, "_exists_sql", _EXISTS_SQL)
            monkeypatch.setattr(sqlite_module, "STAGE_ROWS", 0 if request.param == "arrow" else 10 ** 12)

    return Switch


_EXISTS_SQL = sqlite_module._exists_sql


def raw_rows(store: SQLiteStore, entity: str) -> list[tuple]:
    """The stored rows as SQLite holds them (each value with its storage class)."""
    key = ", ".join(f'"{k}"' for k in ENTITIES[entity].key)
    cols = ", ".join(f'"{c}", typeof("{c}")' for c in ENTITIES[entity].column_names)
    return store.execute_raw(f'SELECT {cols} FROM "{entity}" ORDER BY {key}')


def _without_time(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["at"]).reset_index(drop=True)


def assert_same_store(bulk: SQLiteStore, rows: SQLiteStore, people: list[str], accounts: list[str],
                      names: list[str] = ()) -> None:
    assert bulk.counts() == rows.counts()
    assert bulk.data_version() == rows.data_version()
    for entity in WRITE_ORDER:
        assert_frame_equal(bulk.read(entity), rows.read(entity), obj=entity)
        assert raw_rows(bulk, entity) == raw_rows(rows, entity), entity
    assert_frame_equal(_without_time(bulk.audit()), _without_time(rows.audit()), obj="audit()")
    for pid in people:
        assert_frame_equal(_without_time(bulk.audit(pid)), _without_time(rows.audit(pid)), obj=f"audit({pid})")
    for aid in accounts:
        assert_frame_equal(_without_time(bulk.audit(account_id=aid)), _without_time(rows.audit(account_id=aid)),
                           obj=f"audit(account_id={aid})")
    if people and accounts:
        assert_frame_equal(_without_time(bulk.audit(people[0], accounts[0])),
                           _without_time(rows.audit(people[0], accounts[0])), obj="audit(person, account)")
    for name in names:
        assert_frame_equal(bulk.mentions(name), rows.mentions(name), obj=f"mentions({name})")


def _both(tmp_path, row_by_row, write) -> tuple[SQLiteStore, SQLiteStore]:
    """The same writes into two new stores: the bulk path, then the row-by-row one."""
    bulk = SQLiteStore(f"sqlite:///{tmp_path / 'bulk.db'}")
    write(bulk, "bulk")
    rows = SQLiteStore(f"sqlite:///{tmp_path / 'rows.db'}")
    with row_by_row():
        write(rows, "rows")
    return bulk, rows


def _edited(frames: dict[str, pd.DataFrame], seed: int) -> dict[str, pd.DataFrame]:
    """A second export of ``frames``: some rows changed (owners and accounts moved, titles and
    notes edited, a column emptied), some new, most unchanged."""
    rng = random.Random(seed)
    out = {name: f.copy() for name, f in frames.items()}
    people = list(out["people"]["id"])
    acc = out["accounts"]
    moved = acc.sample(frac=0.3, random_state=seed).index
    acc.loc[moved, "owner_id"] = [rng.choice(people) for _ in moved]
    inter = out["interactions"]
    changed = inter.sample(frac=0.2, random_state=seed).index
    inter.loc[changed, "account_id"] = [rng.choice(list(acc["id"])) for _ in changed]
    inter.loc[changed[: len(changed) // 2], "notes"] = "met Ann Lee — 王建国 again"
    ppl = out["people"]
    edited = ppl.sample(frac=0.1, random_state=seed).index
    ppl.loc[edited, "title"] = "Head of purchasing"
    ppl.loc[edited[:5], "city"] = None
    new = ppl.head(3).copy()
    new["id"] = ["Pnew-1", "Pnew-ß", "Pnew-王"]
    out["people"] = pd.concat([ppl, new], ignore_index=True)
    att = out["attendance"]
    out["attendance"] = pd.concat([att, pd.DataFrame({"interaction_id": inter["id"].head(3),
                                                      "person_id": ["Pnew-1", "Pnew-ß", "Pnew-王"]})],
                                  ignore_index=True)
    return out


def _story(store: SQLiteStore, frames: dict[str, pd.DataFrame], seed: int) -> None:
    """An import, a second one with changes, and the edits the app makes."""
    store.write(frames, references_checked=True, actor="ann", source="first.xlsx")
    store.write(_edited(frames, seed), references_checked=True, actor="bob", source="second.xlsx")
    ties = frames["ties"]
    store.delete("ties", ties.head(4)[["person_id", "other_id", "kind"]], actor="cy", source="edit: tie")
    store.delete("accounts", frames["accounts"].tail(1)[["id"]], actor="cy", source="edit: account")
    first = frames["people"].iloc[0]
    store.write({"people": pd.DataFrame([{"id": first["id"], "name": first["name"], "side": first["side"],
                                          "notes": "said Ann Lee decides"}])}, actor="cy", source="app")


def _sample_frames() -> dict[str, pd.DataFrame]:
    frames = generate("XS", seed=3)
    return {name: normalize_frame(name, f) for name, f in frames.items() if len(f)}


def _subjects(store: SQLiteStore, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    people = sorted(store.read("people")["id"])
    accounts = sorted(store.read("accounts")["id"])
    busiest = store.read("attendance")["person_id"].value_counts().index[:3].tolist()
    owners = store.read("accounts")["owner_id"].dropna().unique().tolist()[:3]
    chosen = list(dict.fromkeys(busiest + owners + rng.sample(people, 12)))
    return chosen + ["Pnew-王", "nobody"], rng.sample(accounts, 4) + ["nowhere"]


def test_a_generated_portfolio_reads_the_same_either_way(tmp_path, row_by_row):
    frames = _sample_frames()
    bulk, rows = _both(tmp_path, row_by_row, lambda s, _: _story(s, frames, seed=5))
    # the bulk store really took the bulk path: spans, and no per-row refs of the first import
    assert bulk.execute_raw('SELECT COUNT(*) FROM "audit_span"')[0][0] > 0
    assert rows.execute_raw('SELECT COUNT(*) FROM "audit_span"')[0][0] == 0
    assert bulk.execute_raw('SELECT COUNT(*) FROM "audit_ref"')[0][0] < rows.execute_raw(
        'SELECT COUNT(*) FROM "audit_ref"')[0][0] / 2
    people, accounts = _subjects(bulk, seed=7)
    assert_same_store(bulk, rows, people, accounts, names=["ann lee", "王建国"])
    # erasing the same people leaves the same stores (and the same reads of everyone else)
    for pid in people[:2] + people[3:5]:
        assert bulk.erase_person(pid) == rows.erase_person(pid)
    assert_same_store(bulk, rows, people[2:], accounts, names=["ann lee"])
    assert bulk.redact_mentions("Ann Lee") == rows.redact_mentions("Ann Lee")
    assert_same_store(bulk, rows, people[5:9], accounts[:2], names=["ann lee", "erased"])
    bulk.close(), rows.close()


def test_the_sample_imports_the_same_either_way(tmp_path, row_by_row):
    def story(store, tag):
        import_path(SAMPLE, store, today="2026-06-30", actor="ann")
        # a second import of the same files with one table changed in its folder copy
        folder = tmp_path / f"v2-{tag}"
        folder.mkdir()
        for f in SAMPLE.iterdir():
            if f.suffix == ".csv":
                text = f.read_text(encoding="utf-8")
                if f.name == "people.csv":
                    lines = text.splitlines()
                    lines = [lines[0]] + [line.replace(",", ",X", 1) if i % 7 == 0 else line
                                          for i, line in enumerate(lines[1:])]
                    text = "\n".join(lines) + "\n"
                (folder / f.name).write_text(text, encoding="utf-8")
            elif f.is_file():
                (folder / f.name).write_bytes(f.read_bytes())
        import_path(folder, store, today="2026-06-30", actor="bob", source="sample v2")

    if not (SAMPLE / "people.csv").exists():
        pytest.skip("the sample is not a folder of CSV files")
    bulk, rows = _both(tmp_path, row_by_row, story)
    people = sorted(bulk.read("people")["id"])
    accounts = sorted(bulk.read("accounts")["id"])
    assert_same_store(bulk, rows, people[:40], accounts)
    for pid in people[:3]:
        assert bulk.erase_person(pid) == rows.erase_person(pid)
    assert_same_store(bulk, rows, people[3:40], accounts)
    bulk.close(), rows.close()


def test_edge_cases_read_the_same_either_way(tmp_path, row_by_row):
    """An owner changed twice and back, an interaction moved and deleted, a row re-inserted
    after its delete, columns left out of the first write (no ref from them), unicode ids."""
    people = pd.DataFrame({"id": ["P1", "P2", "王", "ß"], "name": ["A", "B", "王建国", "Strauß"],
                           "side": ["customer", "internal", "customer", "internal"]})
    accounts = pd.DataFrame({"id": ["A1", "A2"], "name": ["Acme", "Birch"], "owner_id": ["P2", "ß"]})
    inter = pd.DataFrame({"id": ["I1", "I2", "I3"], "date": ["2024-01-01", "2024-01-02", "2024-01-03"],
                          "kind": ["visit", "call", "meal"], "account_id": ["A1", "A2", None]})
    att = pd.DataFrame({"interaction_id": ["I1", "I1", "I2", "I3", "I3"], "person_id": ["P1", "王", "ß", "P2", "王"]})
    emp = pd.DataFrame({"person_id": ["P1", "王"], "org_id": ["A1", "A2"]})  # no title column supplied

    def story(store, _tag):
        store.write({"people": people, "accounts": accounts, "interactions": inter, "attendance": att,
                     "employment": emp}, actor="ann")
        store.write({"accounts": accounts.assign(owner_id=["ß", "ß"])})          # P2 -> ß
        store.write({"accounts": accounts.assign(owner_id=["P2", "ß"])})         # and back
        store.write({"interactions": inter.assign(account_id=["A2", "A2", "A1"])})
        store.delete("interactions", pd.DataFrame({"id": ["I2"]}))
        store.delete("attendance", pd.DataFrame({"interaction_id": ["I3"], "person_id": ["王"]}))
        store.write({"attendance": pd.DataFrame({"interaction_id": ["I3"], "person_id": ["王"]})})
        store.write({"employment": emp.assign(title=["CEO", "CFO"])})

    bulk, rows = _both(tmp_path, row_by_row, story)
    assert_same_store(bulk, rows, ["P1", "P2", "王", "ß", "x"], ["A1", "A2"])
    for pid in ["ß", "P1"]:
        assert bulk.erase_person(pid) == rows.erase_person(pid)
        assert_same_store(bulk, rows, ["P2", "王"], ["A1", "A2"])
    bulk.close(), rows.close()


def test_no_entity_is_left_without_a_span_target():
    """Every entity's first key column names an entity (its own id, or a reference): the span
    its bulk inserts are found by."""
    from kamgraph.store.base import audit_ref_columns

    for name, ent in ENTITIES.items():
        assert ent.key[0] in dict(audit_ref_columns(name)), name


@pytest.mark.parametrize("table", ["empty", "filled"])
def test_values_staged_through_arrow_are_stored_as_bound_ones(tmp_path, monkeypatch, table):
    """Missing values, NaN, numbers as text, dates as text or timestamps, booleans, unicode,
    repeated keys (the last wins): the same stored values and storage classes either way,
    into an empty table and into one holding rows; a column Arrow cannot type (a number in
    a text column) falls back to binding."""
    people = pd.DataFrame({
        "id": ["p1", "p2", "p3", "王", "p1", "ß", "p4"],
        "name": ["A", "B", "C", "王建国", "A again", "Strauß", "D"],
        "side": ["customer"] * 7,
        "level": [1, None, 3.0, pd.NA, 2, float("nan"), 7],
        "title": [None, "", "x", float("nan"), "y", "z", pd.NA],
        "phone": ["0123", None, "+86 10", "1e5", "00", "NaN", "null"],
    })
    accounts = pd.DataFrame({"id": ["a1", "a2", "a3"], "name": ["N1", "N2", "N3"],
                             "problem": [True, None, False], "revenue": [1.5, float("nan"), 1e300],
                             "owner_id": ["p1", None, "王"], "industry_influence": [1, None, 3]})
    inter = pd.DataFrame({"id": ["i1", "i2", "i3"],
                          "date": [pd.Timestamp("2024-01-02 13:00"), "2023-12-31", pd.Timestamp("1999-07-04")],
                          "kind": ["visit", "call", "meal"], "subject": ["s", None, "— ✓"]})
    mixed = pd.DataFrame({"id": ["o1"], "name": [5], "kind": [None]})  # a number in a text column
    frames = {"people": people, "accounts": accounts, "interactions": inter, "organizations": mixed}
    seed = {"people": people.head(1), "accounts": accounts.head(1), "interactions": inter.head(1),
            "organizations": mixed.assign(name=["x"])}

    stores = []
    for stage_rows in (0, 10 ** 12):
        monkeypatch.setattr(sqlite_module, "STAGE_ROWS", stage_rows)
        store = SQLiteStore(f"sqlite:///{tmp_path / f'{stage_rows}.db'}")
        if table == "filled":
            store.write(seed)
        store.write(frames, actor="ann")
        stores.append(store)
    arrow, bound = stores
    for entity in frames:
        assert raw_rows(arrow, entity) == raw_rows(bound, entity), entity
    assert_frame_equal(_without_time(arrow.audit()), _without_time(bound.audit()))
    assert raw_rows(arrow, "people")[0][:2] == ("p1", "text") and arrow.read("people").set_index("id").loc[
        "p1", "name"] == "A again"
    assert "kg_stage" not in [r[1] for r in arrow.execute_raw("PRAGMA database_list")]  # detached
    arrow.close(), bound.close()


def test_the_staging_file_is_gone_after_a_write_and_after_a_failed_one(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(sqlite_module, "STAGE_ROWS", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    store = SQLiteStore(f"sqlite:///{tmp_path / 'k.db'}")
    people = pd.DataFrame({"id": ["p1", "p2"], "name": ["A", "B"], "side": ["customer", "internal"]})
    store.write({"people": people})
    assert list((tmp_path / "tmp").iterdir()) == []
    assert "kg_stage" not in [r[1] for r in store.execute_raw("PRAGMA database_list")]
    version = store.data_version()
    with pytest.raises(Exception, match="refers to|FOREIGN KEY|no longer exist"):
        store.write({"accounts": pd.DataFrame({"id": ["a1"], "name": ["N"], "owner_id": ["nobody"]})},
                    references_checked=True)
    assert list((tmp_path / "tmp").iterdir()) == []
    assert store.data_version() == version and store.counts()["accounts"] == 0
    store.write({"people": people.assign(name=["A2", "B"])})  # the connection writes on
    assert list(store.read("people")["name"]) == ["A2", "B"]
    store.close()


def test_a_staging_folder_left_by_a_killed_writer_is_swept(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    left = tmp_path / f"{sqlite_module.STAGE_PREFIX}{int(dead.stdout)}-x"
    left.mkdir()
    (left / "stage.db").write_bytes(b"rows")
    alive = tmp_path / f"{sqlite_module.STAGE_PREFIX}{os.getppid()}-y"
    alive.mkdir()
    monkeypatch.setattr(sqlite_module, "STAGE_ROWS", 0)
    store = SQLiteStore(f"sqlite:///{tmp_path / 'k.db'}")
    store.write({"people": pd.DataFrame({"id": ["p1"], "name": ["A"], "side": ["customer"]})})
    assert not left.exists() and alive.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(sqlite_module.STAGE_PREFIX)) == [alive.name]
    store.close()


def test_a_file_written_before_spans_reads_read_only_and_grows(tmp_path, monkeypatch):
    """A store file whose trail has every ref of every entry in ``audit_ref`` and no
    ``audit_span`` table (written before spans) reads the same opened read-only (nothing is
    created), and its next write adds the table."""
    import sqlite3

    frames = _sample_frames()
    path = tmp_path / "old.db"
    monkeypatch.setattr(sqlite_module, "_exists_sql", lambda ent: "SELECT 1")  # every ref stored
    with SQLiteStore(f"sqlite:///{path}") as s:
        s.write(frames, actor="ann")
    monkeypatch.setattr(sqlite_module, "_exists_sql", _EXISTS_SQL)
    new = SQLiteStore(f"sqlite:///{tmp_path / 'new.db'}")
    new.write(frames, actor="ann")
    conn = sqlite3.connect(path)
    conn.execute('DROP TABLE "audit_span"')
    conn.commit()
    conn.close()
    people, accounts = _subjects(new, seed=11)
    with SQLiteStore(f"sqlite:///{path}", read_only=True) as old:
        assert_same_store(old, new, people[:8], accounts[:2])
        assert old.execute_raw("SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_span'") == [(0,)]
    with SQLiteStore(f"sqlite:///{path}") as old:
        edit = {"people": frames["people"].head(2).assign(title="CFO")}
        old.write(edit, actor="bob")
        new.write(edit, actor="bob")
        assert old.execute_raw("SELECT COUNT(*) FROM sqlite_master WHERE name = 'audit_span'") == [(1,)]
        assert_same_store(old, new, people[:8], accounts[:2])
    new.close()


def test_a_staging_file_that_cannot_be_written_writes_nothing(tmp_path, monkeypatch):
    import tempfile

    import adbc_driver_manager.dbapi

    monkeypatch.setattr(sqlite_module, "STAGE_ROWS", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    store = SQLiteStore(f"sqlite:///{tmp_path / 'k.db'}")
    store.write({"people": pd.DataFrame({"id": ["p0"], "name": ["Z"], "side": ["customer"]})})
    version = store.data_version()

    def full_disk(self, *args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(adbc_driver_manager.dbapi.Cursor, "adbc_ingest", full_disk)
    people = pd.DataFrame({"id": ["p1", "p2"], "name": ["A", "B"], "side": ["customer", "internal"]})
    with pytest.raises(OSError, match="No space left"):
        store.write({"people": people, "accounts": pd.DataFrame({"id": ["a1"], "name": ["N"]})})
    assert store.data_version() == version and store.counts()["people"] == 1
    assert list((tmp_path / "tmp").iterdir()) == []
    store.close()
