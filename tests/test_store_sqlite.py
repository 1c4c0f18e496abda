"""SQLiteStore specifics: durability pragmas, erase leaving no trace (down to the file's
bytes), export contents, detaching dependents, and hostile / unicode text."""

from __future__ import annotations

import pandas as pd
import pytest

from kamgraph.errors import NotFound
from kamgraph.schema import ENTITIES, WRITE_ORDER
from kamgraph.store.sqlite import SQLiteStore

UNIQUE_NAME = "Quokkaberg Zyxwvutsrq"


def frame(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols, dtype=object)


def portfolio() -> dict[str, pd.DataFrame]:
    """Two accounts, one organization; P1 (the person erased below) touches every entity."""
    return {
        "accounts": frame(id=["A1", "A2"], name=["Acme", "Birch"], owner_id=["P2", "P2"]),
        "organizations": frame(id=["O1"], name=["Steel Association"]),
        "people": frame(id=["P1", "P2", "P3", "P4"], name=[UNIQUE_NAME, "Cy Park", "Di Wu", "Ed Ho"],
                        side=["customer", "internal", "customer", "internal"],
                        email=["quokka@acme.example", None, None, None]),
        "opportunities": frame(id=["OP1"], account_id=["A1"], name=["Mill upgrade"]),
        "interactions": pd.DataFrame({"id": ["I1", "I2", "I3"], "kind": ["visit", "meal", "call"],
                                      "date": pd.to_datetime(["2024-03-01", "2024-04-01", "2024-05-01"]),
                                      "account_id": ["A1", "A1", "A2"], "opportunity_id": ["OP1", None, None]}),
        "employment": frame(person_id=["P1", "P2", "P3"], org_id=["A1", "A1", "A2"], title=["CEO", None, "CFO"]),
        "assessments": pd.DataFrame({"person_id": ["P1", "P3"], "account_id": ["A1", "A2"],
                                     "assessed_on": pd.to_datetime(["2024-01-01", "2024-01-01"]),
                                     "attitude": ["supporter", "neutral"], "assessed_by": ["P2", "P1"]}),
        "reports_to": frame(person_id=["P3"], manager_id=["P1"]),
        "ties": pd.DataFrame({"person_id": ["P1", "P2"], "other_id": ["P2", "P3"], "kind": ["friend", "business"],
                              "strength": [4, 2]}),
        "influence": pd.DataFrame({"source_id": ["P3"], "target_id": ["P1"], "weight": [3]}),
        "memberships": frame(person_id=["P1", "P4"], org_id=["O1", "O1"]),
        "attendance": frame(interaction_id=["I1", "I1", "I2", "I3"], person_id=["P1", "P2", "P1", "P3"]),
        "opportunity_roles": frame(person_id=["P1"], opportunity_id=["OP1"], role=["decision_maker"]),
    }


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(f"sqlite:///{tmp_path / 'k.db'}")
    s.write(portfolio())
    yield s
    s.close()


def test_durability_pragmas(store):
    assert store.execute_raw("PRAGMA journal_mode")[0][0] == "wal"
    assert store.execute_raw("PRAGMA synchronous")[0][0] == 2  # FULL
    assert store.execute_raw("PRAGMA foreign_keys")[0][0] == 1
    assert store.execute_raw("PRAGMA busy_timeout")[0][0] == 30_000
    assert store.execute_raw("PRAGMA secure_delete")[0][0] == 1


def test_export_person_contains_everything_about_them(store):
    data = store.export_person("P1")
    assert data["person"]["name"] == UNIQUE_NAME and data["person"]["email"] == "quokka@acme.example"
    assert [(r["person_id"], r["org_id"]) for r in data["employment"]] == [("P1", "A1")]
    # assessments of P1, and the one P1 made of P3
    assert sorted((r["person_id"], r["assessed_by"]) for r in data["assessments"]) == [("P1", "P2"), ("P3", "P1")]
    assert [(r["person_id"], r["manager_id"]) for r in data["reports_to"]] == [("P3", "P1")]
    assert [(r["person_id"], r["other_id"]) for r in data["ties"]] == [("P1", "P2")]
    assert [(r["source_id"], r["target_id"]) for r in data["influence"]] == [("P3", "P1")]
    assert [r["org_id"] for r in data["memberships"]] == ["O1"]
    assert sorted(r["interaction_id"] for r in data["attendance"]) == ["I1", "I2"]
    assert sorted(r["id"] for r in data["interactions"]) == ["I1", "I2"]
    assert data["interactions"][0]["date"] == "2024-03-01"
    assert [r["role"] for r in data["opportunity_roles"]] == ["decision_maker"]


def test_erase_person_leaves_no_trace(store, tmp_path):
    deleted = store.erase_person("P1")
    assert deleted == {"employment": 1, "assessments": 1, "reports_to": 1, "ties": 1, "influence": 1,
                       "memberships": 1, "attendance": 2, "opportunity_roles": 1, "interactions": 1,
                       "people": 1}
    # query every column of every table directly
    for entity in WRITE_ORDER:
        for col in ENTITIES[entity].column_names:
            hits = store.execute_raw(f'SELECT COUNT(*) FROM "{entity}" WHERE "{col}" = ?', ["P1"])[0][0]
            assert hits == 0, f"{entity}.{col} still mentions P1"
            hits = store.execute_raw(f'SELECT COUNT(*) FROM "{entity}" WHERE "{col}" = ?', [UNIQUE_NAME])[0][0]
            assert hits == 0
    # P3's assessment made by P1 stays, without its author
    assert store.execute_raw('SELECT "assessed_by" FROM "assessments" WHERE "person_id" = ?', ["P3"]) == [(None,)]
    # I1 still has P2; I2 had only P1 and is gone
    assert store.execute_raw('SELECT "id" FROM "interactions" ORDER BY "id"') == [("I1",), ("I3",)]
    # secure_delete + WAL checkpoint: the bytes are gone from the files, not just unlinked
    for path in tmp_path.iterdir():
        if path.name.startswith("k.db"):
            content = path.read_bytes()
            assert UNIQUE_NAME.encode() not in content, path.name
            assert b"quokka@acme.example" not in content, path.name
    with pytest.raises(NotFound):
        store.export_person("P1")
    with pytest.raises(NotFound):
        store.erase_person("P1")


def test_erase_check_is_meaningful_before_erasing(store, tmp_path):
    """The byte check above could not pass by accident: the name is in the files before."""
    store.execute_raw("PRAGMA wal_checkpoint(TRUNCATE)")
    assert UNIQUE_NAME.encode() in (tmp_path / "k.db").read_bytes()


def test_deleting_an_account_detaches_its_dependents(store):
    store.delete("accounts", frame(id=["A1"]))
    assert store.execute_raw('SELECT COUNT(*) FROM "employment" WHERE "org_id" = ?', ["A1"]) == [(0,)]
    assert store.execute_raw('SELECT COUNT(*) FROM "assessments" WHERE "account_id" = ?', ["A1"]) == [(0,)]
    # the opportunity FOR the account goes, and with it the roles played on it
    assert store.execute_raw('SELECT COUNT(*) FROM "opportunities"') == [(0,)]
    assert store.execute_raw('SELECT COUNT(*) FROM "opportunity_roles"') == [(0,)]
    # interactions stay (they have attendees) but no longer point at the account / opportunity
    assert store.execute_raw('SELECT "id", "account_id", "opportunity_id" FROM "interactions" ORDER BY "id"') == [
        ("I1", None, None), ("I2", None, None), ("I3", "A2", None)]
    # people are never deleted with an account
    assert store.counts()["people"] == 4
    assert store.execute_raw('SELECT "id" FROM "accounts"') == [("A2",)]


def test_hostile_and_unicode_strings_round_trip(tmp_path):
    texts = ["'); DROP TABLE people; --", "<script>alert('x')</script>", "emoji 😀🚀", "王建国 总经理",
             'semi; "quoted" \\ back\\slash', "null\x00byte", "  spaces kept inside  "]
    s = SQLiteStore(f"sqlite:///{tmp_path / 'h.db'}")
    ids = [f"id-{t}" for t in texts]  # hostile text in a key column too
    s.write({"people": frame(id=ids, name=texts, side=["customer"] * len(texts), notes=texts)})
    got = s.read("people").set_index("id")
    assert got.loc[ids, "name"].tolist() == texts
    assert got.loc[ids, "notes"].tolist() == texts
    assert s.read("people", "id", [ids[0]])["name"].tolist() == [texts[0]]
    assert s.counts()["people"] == len(texts)
    assert s.export_person(ids[3])["person"]["name"] == "王建国 总经理"
    s.close()


def test_unchecked_writes_enforce_references_and_checked_ones_restore_enforcement(store):
    from kamgraph.errors import StoreUnavailable

    dangling = {"attendance": frame(interaction_id=["I1"], person_id=["NOBODY"])}
    with pytest.raises(StoreUnavailable, match="nothing was written"):
        store.write(dangling)
    assert store.read("attendance", "person_id", ["NOBODY"]).empty
    # the import pipeline validated references itself: no per-row checks, enforcement back on after
    store.write({"attendance": frame(interaction_id=["I3"], person_id=["P2"])}, references_checked=True)
    assert store.execute_raw("PRAGMA foreign_keys")[0][0] == 1
    assert len(store.read("attendance", "person_id", ["P2"])) == 2


def test_reference_columns_are_indexed():
    """Unindexed child keys made each parent insert scan the child table (a 272k-person
    import took 116 s behind accounts.owner_id); every reference column has an index."""
    s = SQLiteStore("sqlite:///:memory:")
    for ent in ENTITIES.values():
        first_columns = {r[0] for r in s.execute_raw(
            "SELECT ii.name FROM pragma_index_list(?) il, pragma_index_info(il.name) ii WHERE ii.seqno = 0",
            (ent.name,))}
        for col in ent.columns:
            if col.references:
                assert col.name in first_columns, f"{ent.name}.{col.name} has no index"


def _as_written_before_the_audit_trail(path) -> None:
    """Turn a store file into one written before the audit trail existed (no audit tables)."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute('DROP TABLE "audit"')
    conn.execute('DROP TABLE "audit_ref"')  # (audit_batch and audit_span stay: their rows must not confuse a new trail)
    conn.commit()
    conn.close()


def test_a_store_file_written_before_the_audit_trail_keeps_working(tmp_path):
    path = tmp_path / "old.db"
    with SQLiteStore(f"sqlite:///{path}") as s:
        s.write(portfolio())
        version = s.data_version()
    _as_written_before_the_audit_trail(path)
    with SQLiteStore(f"sqlite:///{path}", read_only=True) as s:  # reading never writes
        assert s.audit().empty and s.audit("P1").empty and s.mentions("Cy Park").empty
        assert s.counts()["people"] == 4
    with SQLiteStore(f"sqlite:///{path}") as s:
        assert s.write(portfolio()).rows == {}  # the rows are there: nothing to write
        assert s.data_version() == version
        s.write({"people": frame(id=["P3"], name=["Di Wu"], side=["customer"], title=["CFO"])}, actor="ann")
        trail = s.audit("P3")
        assert trail[["action", "before", "after", "actor"]].values.tolist() == [["update", {"title": None},
                                                                                   {"title": "CFO"}, "ann"]]
        assert s.data_version() == version + 1


def test_identical_write_is_set_based_and_leaves_no_temp_tables(store):
    """The diff runs in SQL inside the write: an identical write changes no row, and the staging
    tables are gone afterwards."""
    result = store.write(portfolio())
    assert result.rows == {} and sum(result.unchanged.values()) == sum(len(df) for df in portfolio().values())
    assert store.execute_raw("SELECT name FROM sqlite_temp_master WHERE type = 'table'") == []
    assert store.execute_raw("SELECT COUNT(*) FROM audit")[0][0] == sum(len(df) for df in portfolio().values())
    assert store.execute_raw("SELECT COUNT(*) FROM write_log")[0][0] == 1


def test_a_trail_written_before_audit_batches_reads_read_only_and_grows(tmp_path):
    """A file whose trail has no ``audit_batch`` table (every entry holds its own time, actor
    and source) reads opened read-only (nothing is created), and the next write adds the table."""
    import sqlite3

    path = tmp_path / "old.db"
    with SQLiteStore(f"sqlite:///{path}") as s:
        s.init()  # an empty store: tables, no rows
    conn = sqlite3.connect(path)
    with conn:
        conn.execute('DROP TABLE "audit_batch"')
        conn.execute('INSERT INTO "people" ("id", "name", "side") VALUES (?, ?, ?)', ("P1", "Ann", "customer"))
        conn.execute('INSERT INTO "audit" ("at", "actor", "source", "action", "entity", "key", "before", "after") '
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ("2026-01-01T00:00:00+00:00", "ann", "old.csv", "insert",
                                                         "people", '{"id": "P1"}', None,
                                                         '{"id": "P1", "name": "Ann", "side": "customer"}'))
        conn.execute('INSERT INTO "audit_ref" VALUES (?, ?)', ("people:P1", 1))
    conn.close()
    with SQLiteStore(f"sqlite:///{path}", read_only=True) as s:
        trail = s.audit("P1")
        assert trail[["seq", "at", "actor", "source", "after"]].values.tolist() == [
            [1, "2026-01-01T00:00:00+00:00", "ann", "old.csv", {"id": "P1", "name": "Ann", "side": "customer"}]]
    with SQLiteStore(f"sqlite:///{path}") as s:
        s.write({"people": frame(id=["P2"], name=["Bo"], side=["internal"])}, actor="cy", source="cli")
        trail = s.audit()
        assert trail[["seq", "actor", "source", "action"]].values.tolist() == [[1, "ann", "old.csv", "insert"],
                                                                               [2, "cy", "cli", "insert"]]
        assert trail["after"].tolist()[1] == {"id": "P2", "name": "Bo", "side": "internal"}
