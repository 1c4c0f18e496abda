"""The snapshot's integer codes, and the SQLite store's fast snapshot reads compared with
the generic path (kamgraph/snapshot.py ``build_snapshot``) frame by frame."""

from __future__ import annotations

import json
import os
import sqlite3

import numpy as np
import pandas as pd
import pytest

from kamgraph.schema import ENTITIES, normalize_frame
from kamgraph.snapshot import Snapshot, build_snapshot
from kamgraph.store.sqlite import SQLiteStore


@pytest.fixture(autouse=True)
def arrow_reads_for_small_files(monkeypatch):
    """The stores here are small: take the reading process anyway (it is what is tested)."""
    from kamgraph.store import sqlite_read

    monkeypatch.setattr(sqlite_read, "MIN_FILE_BYTES", 0)


def _snap(**codes):
    people = normalize_frame("people", pd.DataFrame({
        "id": ["p3", "p1", "p2", "李"], "name": ["c", "a", "b", "d"], "side": ["customer"] * 4}))
    ties = normalize_frame("ties", pd.DataFrame({
        "person_id": ["p1", "p2", "p9", "李"], "other_id": ["李", "p3", "p1", "p2"], "kind": ["friend"] * 4}))
    attendance = pd.DataFrame({"interaction_id": ["i1", "i1", None], "person_id": ["p1", None, "p3"]})
    interactions = normalize_frame("interactions",
                                   pd.DataFrame({"id": ["i1"], "date": ["2026-01-01"], "kind": ["call"]}))
    return Snapshot({"people": people, "ties": ties, "attendance": attendance, "interactions": interactions},
                    precomputed_codes=codes or None)


def test_codes_are_positions_in_the_sorted_ids_and_minus_one_for_missing_or_unknown():
    snap = _snap()
    ids = snap.people["id"].tolist()
    assert ids == ["p1", "p2", "p3", "李"]
    assert snap.codes("ties", "person_id").tolist() == [0, 1, -1, 3]
    assert snap.codes("ties", "other_id").tolist() == [3, 2, 0, 1]
    assert snap.codes("attendance", "person_id").tolist() == [0, -1, 2]
    assert snap.codes("attendance", "interaction_id", of="interactions").tolist() == [0, 0, -1]
    c = snap.codes("ties", "person_id")
    assert c.dtype == np.int64 and len(c) == len(snap.ties)


def test_codes_are_memoized_and_read_only():
    snap = _snap()
    a = snap.codes("ties", "person_id")
    assert snap.codes("ties", "person_id") is a
    with pytest.raises(ValueError):
        a[0] = 5


def test_codes_of_an_empty_frame():
    snap = Snapshot({})
    out = snap.codes("ties", "person_id")
    assert out.dtype == np.int64 and out.shape == (0,)


def test_precomputed_codes_are_used_and_dropped_with_replaced_frames():
    given = np.array([0, 1, -1, 3], dtype=np.int64)
    att = np.array([0, -1, 2], dtype=np.int64)
    snap = Snapshot(_snap().frames, precomputed_codes={
        ("ties", "person_id", "people"): given, ("attendance", "person_id", "people"): att,
        ("attendance", "interaction_id", "interactions"): np.array([0, 0, -1])})
    assert snap.codes("ties", "person_id").tolist() == given.tolist()
    # replacing ties drops ties' codes; replacing people drops every code against people
    t2 = snap.ties.iloc[:2].reset_index(drop=True)
    s2 = snap.with_frames(ties=t2)
    assert ("ties", "person_id", "people") not in (s2.precomputed_codes or {})
    assert ("attendance", "person_id", "people") in s2.precomputed_codes
    assert s2.codes("ties", "person_id").tolist() == [0, 1]
    people = snap.people.iloc[1:].reset_index(drop=True)
    s3 = snap.with_frames(people=people)
    assert set(s3.precomputed_codes) == {("attendance", "interaction_id", "interactions")}
    assert s3.codes("ties", "person_id").tolist() == [-1, 0, -1, 2]
    assert s3.codes("attendance", "person_id").tolist() == [-1, -1, 1]


# -- the SQLite store's fast reads against the plain ones ------------------------------------




class PlainReader:
    """The store's reads as they were before the fast path: ``sqlite3`` rows, normalize_frame."""

    def __init__(self, path):
        self.conn = sqlite3.connect(str(path))

    def read(self, entity, column=None, values=None):
        ent = ENTITIES[entity]
        sql = "SELECT " + ", ".join(f'"{c}"' for c in ent.column_names) + f' FROM "{entity}"'
        params = ()
        if column is not None:
            sql += f' WHERE "{column}" IN (SELECT value FROM json_each(?))'
            params = (json.dumps([str(v) for v in (values or [])], ensure_ascii=False),)
        rows = self.conn.execute(sql, params).fetchall()
        return normalize_frame(entity, pd.DataFrame.from_records(rows, columns=ent.column_names))


def assert_same_snapshot(plain: Snapshot, fast: Snapshot) -> None:
    assert fast.scope == plain.scope
    assert set(fast.frames) == set(plain.frames)
    for name in plain.frames:
        pd.testing.assert_frame_equal(fast.frames[name], plain.frames[name], check_exact=True, obj=name)
    for (entity, column, of), codes in (fast.precomputed_codes or {}).items():
        expected = pd.Index(fast.frames[of]["id"]).get_indexer(fast.frames[entity][column].to_numpy(dtype=object))
        assert codes.dtype == np.int64 and codes.tolist() == expected.tolist(), (entity, column, of)


def _accounts_by_size(path) -> list[str]:
    """Account ids from the most employed customers to the fewest."""
    conn = sqlite3.connect(str(path))
    rows = conn.execute("""SELECT e.org_id, COUNT(*) n FROM employment e JOIN people p ON p.id = e.person_id
                           JOIN accounts a ON a.id = e.org_id WHERE p.side = 'customer'
                           GROUP BY e.org_id ORDER BY n DESC, e.org_id""").fetchall()
    return [r[0] for r in rows]


@pytest.fixture(scope="module")
def portfolio_s(tmp_path_factory):
    from kamgraph.ingest.pipeline import import_path
    from kamgraph.synthetic import generate_portfolio

    folder = tmp_path_factory.mktemp("s")
    generate_portfolio(folder / "data", "S", seed=3)
    path = folder / "k.db"
    store = SQLiteStore(f"sqlite:///{path}")
    import_path(folder / "data", store)
    yield store, path
    store.close()


def test_whole_snapshot_is_the_plain_one_frame_by_frame(portfolio_s):
    store, path = portfolio_s
    fast = store.snapshot()
    assert fast.precomputed_codes  # the store read it through Arrow, with codes
    assert_same_snapshot(build_snapshot(PlainReader(path), None), fast)


def test_every_read_is_the_plain_one(portfolio_s):
    store, path = portfolio_s
    plain = PlainReader(path)
    for entity in ENTITIES:
        pd.testing.assert_frame_equal(store.read(entity), plain.read(entity), check_exact=True, obj=entity)
    some = plain.read("people")["id"].iloc[::7].tolist() + ["nobody", "李"]
    for entity, column in (("attendance", "person_id"), ("ties", "other_id"), ("employment", "person_id")):
        pd.testing.assert_frame_equal(store.read(entity, column, some), plain.read(entity, column, some),
                                      check_exact=True, obj=entity)
    assert store.read("people", "id", []).empty


@pytest.mark.parametrize("which", [0, 1, "middle", -1, "several", "unknown"])
def test_scoped_snapshot_is_the_plain_one_frame_by_frame(portfolio_s, which):
    store, path = portfolio_s
    accounts = _accounts_by_size(path)
    scope = {"middle": [accounts[len(accounts) // 2]], "several": accounts[2:5] + accounts[-2:],
             "unknown": ["no such account"]}.get(which) or [accounts[which]]
    fast = store.snapshot(scope)
    assert fast.precomputed_codes is not None
    assert_same_snapshot(build_snapshot(PlainReader(path), scope), fast)
    if which == 0:
        assert len(fast.interaction_sizes) and len(fast.attendance) < len(store.read("attendance"))


def test_the_sample_snapshots_are_the_plain_ones(sample_db_file):
    store = SQLiteStore(f"sqlite:///{sample_db_file}", read_only=True)
    plain = PlainReader(sample_db_file)
    try:
        assert_same_snapshot(build_snapshot(plain, None), store.snapshot())
        for account in _accounts_by_size(sample_db_file):
            assert_same_snapshot(build_snapshot(plain, [account]), store.snapshot([account]))
    finally:
        store.close()


@pytest.fixture()
def odd_store(tmp_path):
    """A small store file, then values written behind its back that an import never writes:
    a text column NULL in its first 3,000 rows, unicode, text in an INTEGER column, dates not
    in ISO form (whose text order is not their date order)."""
    path = tmp_path / "odd.db"
    store = SQLiteStore(f"sqlite:///{path}")
    n = 3_100
    people = pd.DataFrame({"id": [f"p{i:05d}" for i in range(n)], "name": ["名字 ü"] * n,
                           "side": ["customer"] * (n - 2) + ["internal", "external"]})
    people.loc[n - 5:, "title"] = "总经理"
    store.write({
        "people": people,
        "accounts": pd.DataFrame([{"id": "A1", "name": "Acme", "revenue": 5.5}, {"id": "A2", "name": "Ω"}]),
        "employment": pd.DataFrame({"person_id": people["id"], "org_id": ["A1", "A2"] * (n // 2)}),
        "ties": pd.DataFrame([{"person_id": "p00001", "other_id": "p03098", "kind": "friend"},
                              {"person_id": "p00002", "other_id": "p03099", "kind": "friend", "strength": 3}]),
        "interactions": pd.DataFrame([{"id": f"i{i}", "date": "2026-01-05", "kind": "call", "account_id": "A1"}
                                      for i in range(4)]),
        "attendance": pd.DataFrame([{"interaction_id": f"i{i}", "person_id": p}
                                    for i, p in enumerate(["p00001", "p03098", "p03099", "p00004"])]
                                   + [{"interaction_id": "i2", "person_id": "p00002"}]),
        "assessments": pd.DataFrame([{"person_id": "p00001", "account_id": "A1", "assessed_on": d, "influence": 3}
                                     for d in ("2026-09-30", "2026-10-01")]),
    })
    yield store, path
    store.close()


def _poke(path, sql, *params):
    with sqlite3.connect(str(path)) as c:
        c.execute(sql, params)


def test_a_text_column_null_in_its_first_rows_reads_the_same(odd_store):
    store, path = odd_store
    assert store.read("people")["title"].iloc[:3_000].isna().all()
    assert_same_snapshot(build_snapshot(PlainReader(path), None), store.snapshot())
    assert_same_snapshot(build_snapshot(PlainReader(path), ["A1"]), store.snapshot(["A1"]))


@pytest.mark.parametrize("poke", [
    ('UPDATE people SET level = ? WHERE id = ?', "high", "p03000"),   # text in an INTEGER column
    ('UPDATE accounts SET revenue = ? WHERE id = ?', "much", "A1"),   # text in a REAL column
    ('UPDATE accounts SET problem = ? WHERE id = ?', "yes", "A2"),    # text in a bool column
    ('UPDATE people SET notes = ? WHERE id = ?', 42.5, "p00003"),     # a number in a text column
    ('UPDATE ties SET since = ? WHERE kind = ?', "2026-9-30", "friend"),  # dates not in ISO form
    ('UPDATE assessments SET assessed_on = ? WHERE assessed_on = ?', "2026-9-30", "2026-09-30"),  # key order
    ('UPDATE interactions SET date = ? WHERE id = ?', "not a date", "i1"),
])
def test_values_an_import_never_writes_read_the_same(odd_store, poke):
    store, path = odd_store
    _poke(path, *poke)
    plain = PlainReader(path)
    for entity in ENTITIES:
        pd.testing.assert_frame_equal(store.read(entity), plain.read(entity), check_exact=True, obj=entity)
    assert_same_snapshot(build_snapshot(plain, None), store.snapshot())
    for scope in (["A1"], ["A2"], ["A1", "A2"]):
        assert_same_snapshot(build_snapshot(plain, scope), store.snapshot(scope))


def test_in_memory_and_in_transaction_reads_take_the_plain_path(odd_store):
    store, _path = odd_store
    mem = SQLiteStore("sqlite:///:memory:")
    mem.write({"people": pd.DataFrame([{"id": "p1", "name": "Li", "side": "internal"}])})
    snap = mem.snapshot()
    assert snap.precomputed_codes is None and snap.codes("employment", "person_id").tolist() == []
    with store._lock:
        store._conn.execute("BEGIN")
        try:
            store._conn.execute("UPDATE people SET name = 'changed' WHERE id = 'p00000'")
            # inside the store's own transaction, reads see its uncommitted rows
            assert store.read("people", "id", ["p00000"])["name"].tolist() == ["changed"]
            assert store.snapshot(["A1"]).precomputed_codes is None
        finally:
            store._conn.execute("ROLLBACK")
    assert store.read("people", "id", ["p00000"])["name"].tolist() == ["名字 ü"]


def test_codes_computed_without_the_store_match_pandas(portfolio_s):
    store, _path = portfolio_s
    fast = store.snapshot()
    bare = Snapshot(fast.frames)  # no precomputed codes: Snapshot.codes hashes through Arrow
    for entity, column, of in [("attendance", "person_id", "people"), ("ties", "other_id", "people"),
                               ("attendance", "interaction_id", "interactions"), ("employment", "org_id", "accounts"),
                               ("interactions", "account_id", "accounts"), ("people", "id", "people")]:
        values = fast.frames[entity][column].to_numpy(dtype=object)
        expected = pd.Index(fast.frames[of]["id"]).get_indexer(values)
        expected[pd.isna(values)] = -1
        assert bare.codes(entity, column, of).tolist() == expected.tolist()
        if (entity, column, of) in fast.precomputed_codes:
            assert fast.codes(entity, column, of).tolist() == expected.tolist()


def test_codes_of_ids_that_are_not_text_or_repeat_are_pandas_answers():
    snap = Snapshot({"people": pd.DataFrame({"id": [3, 1, 2]}), "ties": pd.DataFrame({"person_id": [1, None, 7, 3]})})
    assert snap.codes("ties", "person_id").tolist() == [1, -1, -1, 0]
    dup = Snapshot({"people": pd.DataFrame({"id": ["a", "a"]}), "ties": pd.DataFrame({"person_id": ["a"]})})
    with pytest.raises(pd.errors.InvalidIndexError):
        dup.codes("ties", "person_id")


def test_frames_read_through_arrow_are_writable(odd_store):
    """No column is a read-only view of Arrow's buffers: a frame edited in place (as the
    plain path's frames could be) does not raise 'assignment destination is read-only'."""
    store, _path = odd_store
    frames = dict(store.snapshot().frames)
    frames["accounts (read)"] = store.read("accounts")
    for frame in frames.values():
        for j in range(frame.shape[1]):
            if len(frame):
                frame.iloc[0, j] = frame.iloc[0, j]
    accounts = frames["accounts (read)"]
    accounts.loc[0, "revenue"] = 1.0
    assert accounts.loc[0, "revenue"] == 1.0


def test_a_second_store_object_reads_what_the_first_wrote_after_an_erasure(sample_db_file, tmp_path):
    """Two store objects on one file in one process (the app's and a CLI's): one redacts and
    erases, the other then reads every trace away. The Arrow reads run in a child process:
    with the driver's own SQLite opened on the file in this process, the locks of the two
    copies of SQLite cancelled each other and the second store read a stale trail."""
    import shutil

    db = tmp_path / "two.db"
    shutil.copy(sample_db_file, db)
    reader, writer = SQLiteStore(f"sqlite:///{db}"), SQLiteStore(f"sqlite:///{db}")
    try:
        assert len(reader.mentions("Sun Lihua")) >= 3 and len(reader.snapshot().people)
        writer.redact_mentions("Sun Lihua")
        writer.erase_person("X-01")
        assert reader.mentions("Sun Lihua").empty
        assert "X-01" not in set(reader.snapshot().people["id"])
    finally:
        reader.close()
        writer.close()


def test_this_process_never_loads_the_driver_to_read(portfolio_s):
    """The parent process reads through the child: the driver's library (its own SQLite) is
    not loaded by a read or a snapshot (only a bulk write loads it, for its staging file)."""
    import subprocess
    import sys

    store, path = portfolio_s
    if not os.path.exists("/proc/self/maps"):
        pytest.skip("reads /proc/self/maps (Linux)")
    probe = ("import sys; from kamgraph.store import sqlite_read; sqlite_read.MIN_FILE_BYTES = 0; "
             "from kamgraph.store.sqlite import SQLiteStore; s = SQLiteStore(sys.argv[1], read_only=True); "
             "snap = s.snapshot(); s.read('attendance'); "
             "print(len(snap.attendance), bool(snap.precomputed_codes), "
             "any('adbc_driver_sqlite' in line for line in open('/proc/self/maps')))")
    out = subprocess.run([sys.executable, "-c", probe, f"sqlite:///{path}"], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[1:] == ["True", "False"] and int(out[0]) > 0
