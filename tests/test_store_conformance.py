"""Store conformance: every Store operation, the same cases, on SQLite and on Neo4j (Bolt).

The ``store`` fixture (tests/conftest.py) gives an empty store of each kind per test; the
Neo4j one talks over real Bolt to the session's server (ArcadeDB, or a real Neo4j when
KAMGRAPH_TEST_NEO4J_URI is set). A case that holds for one store and not the other is a
bug in a store, not a reason to special-case the test.
"""

from __future__ import annotations

import json
import socket

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from kamgraph.errors import ConfigError, NotFound, StoreUnavailable
from kamgraph.schema import ENTITIES, WRITE_ORDER, empty_frame, normalize_frame
from kamgraph.store.base import PERSON_COLUMNS
from kamgraph.store.neo4j import Neo4jStore
from kamgraph.store.sqlite import SQLiteStore

HOSTILE = [
    "'}) DETACH DELETE n //",
    '"}) MATCH (m) DETACH DELETE m RETURN 1 //',
    "back\\slash \\' \\\" \\\\n",
    "quotes ' \" ` $param {braces} [brackets] -- ; DROP TABLE people",
    "<script>alert(1)</script>",
    "line\nbreak\ttab\r\nend",
    "张伟 · 北京分公司 总经理",
    "Ærøskøbing naïve café Łódź",
    "emoji 😀🚀👩‍💻 🇩🇪",
]


def expected(entity: str, frame: pd.DataFrame) -> pd.DataFrame:
    return normalize_frame(entity, frame)


def assert_reads_equal(store, frames: dict[str, pd.DataFrame]) -> None:
    for entity, frame in frames.items():
        assert_frame_equal(store.read(entity), expected(entity, frame), obj=entity)


def person_traces(store, value: str) -> list[str]:
    """Every place ``value`` is still stored, found by scanning the store directly."""
    found = []
    if isinstance(store, SQLiteStore):
        for entity, ent in ENTITIES.items():
            for col in ent.column_names:
                n = store.execute_raw(f'SELECT COUNT(*) FROM "{entity}" WHERE "{col}" = ?', (value,))[0][0]
                if n:
                    found.append(f"{entity}.{col}")
        # the audit trail: any value of an entry's key, before or after, and its refs
        for col in ("key", "before", "after"):
            n = store.execute_raw(f'SELECT COUNT(*) FROM "audit" a WHERE EXISTS '
                                  f'(SELECT 1 FROM json_each(a."{col}") j WHERE j.value = ?)', (value,))[0][0]
            if n:
                found.append(f"audit.{col}")
        n = store.execute_raw('SELECT COUNT(*) FROM "audit_ref" WHERE substr("ref", instr("ref", \':\') + 1) = ?',
                              (value,))[0][0]
        if n:
            found.append("audit_ref.ref")
        n = store.execute_raw('SELECT COUNT(*) FROM "audit_span" WHERE substr("ref", instr("ref", \':\') + 1) = ?',
                              (value,))[0][0]
        if n:
            found.append("audit_span.ref")
    else:
        found += [f"node {r['labels']} {r['id']}" for r in store.run_statement("trace_value_in_nodes", {"value": value})]
        found += [f"rel {r['type']} {r['from_id']}->{r['to_id']}"
                  for r in store.run_statement("trace_value_in_relationships", {"value": value})]
        found += [f"audit {r['entity']} {r['seq']}" for r in store.run_statement(
            "trace_value_in_audit", {"suffix": ":" + value, "json": json.dumps(value, ensure_ascii=False)})]
    return found


# -- empty store, upserts, idempotency ------------------------------------------------------

def test_new_store_is_empty_with_canonical_frames(store):
    assert store.counts() == {name: 0 for name in WRITE_ORDER}
    for entity in WRITE_ORDER:
        assert_frame_equal(store.read(entity), empty_frame(entity), obj=entity)
        assert_frame_equal(store.read(entity, ENTITIES[entity].key[0], ["nothing"]), empty_frame(entity))


def test_upsert_of_every_entity_round_trips(store, portfolio):
    result = store.write(portfolio)
    assert result.rows == {name: len(df) for name, df in portfolio.items()}
    assert store.counts() == {name: len(portfolio[name]) for name in WRITE_ORDER}
    assert_reads_equal(store, portfolio)


def test_upsert_one_entity_at_a_time(store, portfolio):
    # people before accounts: SQLite checks accounts.owner_id at once when written alone
    order = ["people"] + [e for e in WRITE_ORDER if e != "people"]
    for entity in order:
        assert store.upsert(entity, portfolio[entity]) == len(portfolio[entity])
    assert_reads_equal(store, portfolio)


def test_writing_the_same_frames_twice_changes_nothing(store, portfolio):
    store.write(portfolio)
    first = {e: store.read(e) for e in WRITE_ORDER}
    store.write(portfolio)
    assert store.counts() == {name: len(portfolio[name]) for name in WRITE_ORDER}
    for e in WRITE_ORDER:
        assert_frame_equal(store.read(e), first[e], obj=e)


def test_duplicate_keys_in_one_write_last_row_wins(store, portfolio):
    store.write(portfolio)
    store.write({"people": pd.DataFrame([
        {"id": "c1", "name": "Chen old", "side": "customer"},
        {"id": "c1", "name": "Chen new", "side": "customer", "title": "Chairman"},
    ])})
    c1 = store.read("people", "id", ["c1"]).iloc[0]
    assert (c1["name"], c1["title"]) == ("Chen new", "Chairman")
    assert store.counts()["people"] == 7


def test_duplicate_keys_count_once_in_a_write_result(store):
    rows = pd.DataFrame([{"id": "p1", "name": "A", "side": "customer"}, {"id": "p1", "name": "B", "side": "customer"},
                         {"id": "p2", "name": "C", "side": "customer"}])
    assert (store.write({"people": rows}).rows, store.audit()["after"].map(lambda d: d["name"]).tolist()) == (
        {"people": 2}, ["B", "C"])
    again = store.write({"people": rows})
    assert (again.rows, again.unchanged) == ({}, {"people": 2})


def test_partial_column_upsert_keeps_the_other_columns(store, portfolio):
    store.write(portfolio)
    # people: only id + required columns + title; email, level, notes... stay
    store.write({"people": pd.DataFrame([{"id": "c1", "name": "Chen", "side": "customer", "title": "Chairman"}])})
    c1 = store.read("people", "id", ["c1"]).iloc[0]
    assert c1["title"] == "Chairman"
    assert (c1["level"], c1["email"], c1["notes"]) == (1, "chen@acme.example", "founder")
    # a present column with an empty value clears it (SQL NULL / property removed)
    store.write({"people": pd.DataFrame([{"id": "c1", "name": "Chen", "side": "customer", "email": None}])})
    c1 = store.read("people", "id", ["c1"]).iloc[0]
    assert c1["email"] is None and c1["title"] == "Chairman"
    # relationship entity: a new strength keeps notes and dates
    store.write({"ties": pd.DataFrame([{"person_id": "c1", "other_id": "x1", "kind": "classmate", "strength": 2}])})
    tie = store.read("ties", "person_id", ["c1"]).set_index("other_id").loc["x1"]
    assert (tie["strength"], tie["notes"], tie["since"]) == (2, "EMBA", pd.Timestamp("2015-09-01"))


def test_partial_upsert_of_interaction_references(store, portfolio):
    store.write(portfolio)
    # no account_id / opportunity_id column: both references stay
    store.write({"interactions": pd.DataFrame([{"id": "i1", "date": "2026-03-05", "kind": "visit"}])})
    i1 = store.read("interactions", "id", ["i1"]).iloc[0]
    assert (i1["date"], i1["account_id"], i1["opportunity_id"]) == (pd.Timestamp("2026-03-05"), "A1", "op1")
    # a new account replaces the old one; an empty opportunity clears it
    store.write({"interactions": pd.DataFrame([{"id": "i1", "date": "2026-03-05", "kind": "visit",
                                                "account_id": "A2", "opportunity_id": None}])})
    i1 = store.read("interactions", "id", ["i1"]).iloc[0]
    assert (i1["account_id"], i1["opportunity_id"]) == ("A2", None)
    every = store.read("interactions")
    assert list(every.loc[every["account_id"] == "A2", "id"]) == ["i1", "i2"]
    assert not (every["opportunity_id"] == "op1").any()
    # an opportunity moved to another account
    store.write({"opportunities": pd.DataFrame([{"id": "op1", "account_id": "A2", "name": "Deal"}])})
    assert list(store.read("opportunities", "account_id", ["A2"])["id"]) == ["op1", "op2"]
    assert store.read("opportunities", "id", ["op1"]).iloc[0]["stage"] == "proposal"


def _as_filter_value(col_type: str, v) -> str:
    if col_type == "date":
        return v.strftime("%Y-%m-%d")
    if col_type == "int":
        return str(int(v))
    if col_type == "float":
        return repr(float(v))
    if col_type == "bool":
        return "1" if v else "0"
    return v


@pytest.mark.parametrize("entity", WRITE_ORDER)
def test_filtered_read_on_every_filter_column(store, portfolio, entity):
    store.write(portfolio)
    full = store.read(entity)
    for col in (ENTITIES[entity].column(c) for c in ENTITIES[entity].filter_columns):
        present = full[col.name].dropna()
        if present.empty:
            continue
        value = present.iloc[-1]
        mask = (full[col.name] == value).fillna(False).astype(bool)
        want = full[mask].reset_index(drop=True)
        got = store.read(entity, col.name, [_as_filter_value(col.type, value), "no-such-value"])
        assert_frame_equal(got, want, obj=f"{entity}.{col.name} = {value!r}")
        assert_frame_equal(store.read(entity, col.name, []), empty_frame(entity))


def test_read_rejects_unknown_entity_and_column(store):
    with pytest.raises(ValueError, match="unknown entity"):
        store.read("contacts")
    with pytest.raises(ValueError, match="no column"):
        store.read("people", "nickname", ["x"])
    with pytest.raises(ValueError, match="cannot be read filtered by 'notes'; filter columns: id, side"):
        store.read("people", "notes", ["x"])
    with pytest.raises(ValueError, match="unknown entity"):
        store.write({"contacts": pd.DataFrame([{"id": "x"}])})


def test_rejects_frames_missing_required_values_and_writes_nothing(store):
    with pytest.raises(StoreUnavailable, match="nothing was written"):
        store.write({"people": pd.DataFrame([{"id": "p1", "side": "customer"}])})  # no name column
    store.write({"people": pd.DataFrame([{"id": "p0", "name": "A", "side": "customer"}])})
    with pytest.raises(StoreUnavailable, match="people has no column 'name' \\(required\\)"):
        store.write({"people": pd.DataFrame([{"id": "p0", "side": "customer"}])})  # even when nothing changes
    with pytest.raises(StoreUnavailable, match="nothing was written"):
        store.write({"people": pd.DataFrame([{"id": "p1", "name": "A", "side": "customer"},
                                             {"id": None, "name": "B", "side": "customer"}])})
    assert store.counts()["people"] == 1


# -- snapshots ----------------------------------------------------------------------------

def test_snapshot_of_the_whole_portfolio_holds_every_row(store, portfolio):
    store.write(portfolio)
    snap = store.snapshot()
    assert snap.scope is None
    assert snap.counts() == store.counts()
    assert snap.data_version == store.data_version()
    for e in WRITE_ORDER:
        assert_frame_equal(snap.frames[e], expected(e, portfolio[e]), obj=e)


def test_one_account_snapshot_keeps_core_neighbors_and_paths(store, portfolio):
    store.write(portfolio)
    snap = store.snapshot(["A1"])
    people = set(snap.people["id"])
    assert {"c1", "c2", "u1", "u2", "x1"} <= people
    assert "b1" not in people and "x2" not in people
    ties = set(zip(snap.ties["person_id"], snap.ties["other_id"]))
    assert ("c1", "x1") in ties and ("u2", "x1") in ties
    assert ("x1", "x2") not in ties
    assert set(zip(snap.memberships["person_id"], snap.memberships["org_id"])) == {("c2", "O1"), ("u2", "O1")}
    assert list(snap.interactions["id"]) == ["i1"]  # i3 had only internal attendees
    assert set(snap.opportunities["id"]) == {"op1"}
    assert list(snap.accounts["id"]) == ["A1"]
    assert list(snap.opportunity_roles["person_id"]) == ["c1"]
    now = snap.roles().set_index("person_id").loc["c1"]
    assert (now["decision_role"], now["attitude"], now["influence"]) == ("decision_maker", "skeptic", 5)


@pytest.mark.bolt
@pytest.mark.parametrize("scope", [None, ["A1"], ["A2"], ["A1", "A2"]], ids=["all", "A1", "A2", "A1+A2"])
def test_sqlite_and_neo4j_snapshots_of_the_same_import_are_equal(sqlite_store, neo4j_store, portfolio, scope):
    sqlite_store.write(portfolio)
    neo4j_store.write(portfolio)
    a, b = sqlite_store.snapshot(scope), neo4j_store.snapshot(scope)
    for e in WRITE_ORDER:
        assert_frame_equal(a.frames[e], b.frames[e], obj=e)
    assert a.counts()["people"] > 0


# -- export and erase -----------------------------------------------------------------------

def test_export_person_holds_everything_about_them(store, portfolio):
    store.write(portfolio)
    out = store.export_person("c1")
    assert out["person"]["name"] == "Chen" and out["person"]["email"] == "chen@acme.example"
    assert [(r["org_id"], r["title"]) for r in out["employment"]] == [("A1", "CEO")]
    assert [(r["assessed_on"], r["attitude"]) for r in out["assessments"]] == [("2026-01-01", "supporter"),
                                                                              ("2026-06-01", "skeptic")]
    assert [(r["person_id"], r["manager_id"]) for r in out["reports_to"]] == [("c2", "c1")]
    assert sorted((r["other_id"], r["kind"]) for r in out["ties"]) == [("u1", "business"), ("x1", "classmate")]
    assert [(r["source_id"], r["weight"]) for r in out["influence"]] == [("c2", 4)]
    assert out["memberships"] == []
    assert [r["interaction_id"] for r in out["attendance"]] == ["i1"]
    assert [(r["id"], r["account_id"], r["opportunity_id"]) for r in out["interactions"]] == [("i1", "A1", "op1")]
    assert [(r["opportunity_id"], r["role"]) for r in out["opportunity_roles"]] == [("op1", "decision_maker")]
    # an assessor's export includes the assessments they made
    assert len(store.export_person("u1")["assessments"]) == 2
    with pytest.raises(NotFound):
        store.export_person("nobody")


def test_erase_person_leaves_no_trace(store, portfolio):
    store.write(portfolio)
    before = store.counts()
    removed = store.erase_person("u1")
    # u1: employed at A1 (team) and O3, tie with c1, attended i1, i2, i3; alone at i3
    assert removed == {"employment": 2, "ties": 1, "attendance": 3, "interactions": 1, "people": 1}
    after = store.counts()
    assert {k: before[k] - after[k] for k in before if before[k] != after[k]} == removed
    for entity, columns in PERSON_COLUMNS.items():
        for col in columns:
            assert store.read(entity, col, ["u1"]).empty, f"{entity}.{col}"
    assert store.read("people", "id", ["u1"]).empty
    assert not (store.read("accounts")["owner_id"] == "u1").any()
    assert store.read("accounts", "id", ["A1"]).iloc[0]["owner_id"] is None  # A1 stays, unowned
    # assessments u1 made stay, without an author
    assert list(store.read("assessments", "person_id", ["b1"])["assessed_by"]) == [None]
    # i3 (only u1 attended) is gone; i1 and i2 (shared) stay with their other attendees
    assert list(store.read("interactions")["id"]) == ["i1", "i2"]
    assert list(store.read("attendance", "interaction_id", ["i1"])["person_id"]) == ["c1"]
    assert person_traces(store, "u1") == []
    assert person_traces(store, "Li") == []
    with pytest.raises(NotFound):
        store.erase_person("u1")


@pytest.mark.bolt
def test_erase_leaves_no_node_or_relationship_behind_in_neo4j(neo4j_store, portfolio):
    neo4j_store.write(portfolio)
    neo4j_store.erase_person("u1")
    nodes = {tuple(r["labels"]): r["n"] for r in neo4j_store.run_statement("count_all_nodes")}
    rels = {r["type"]: r["n"] for r in neo4j_store.run_statement("count_all_relationships")}
    # 7 people - 1, 3 interactions - 1 (i3), plus the one bookkeeping node and the audit
    # entries that do not name u1
    assert nodes.pop(("AuditEntry",)) == len(neo4j_store.audit()) > 0
    assert nodes == {("Account",): 2, ("Organization",): 3, ("Person",): 6, ("Interaction",): 2,
                     ("Opportunity",): 2, ("KamgraphMeta",): 1}
    assert rels == {"WORKS_AT": 4, "ASSESSED": 4, "REPORTS_TO": 1, "KNOWS": 4, "INFLUENCES": 1,
                    "MEMBER_OF": 4, "ATTENDED": 2, "PLAYS": 2, "ABOUT": 3, "FOR": 2}


def test_delete_an_account_removes_what_requires_it(store, portfolio):
    store.write(portfolio)
    assert store.delete("accounts", pd.DataFrame([{"id": "A2"}])) == 1
    assert list(store.read("accounts")["id"]) == ["A1"]
    assert list(store.read("opportunities")["id"]) == ["op1"]  # op2 was FOR A2
    assert list(store.read("opportunity_roles")["opportunity_id"]) == ["op1"]
    assert store.read("employment", "org_id", ["A2"]).empty
    assert not (store.read("assessments")["account_id"] == "A2").any()
    assert store.read("memberships", "org_id", ["A2"]).empty
    # the call about A2 stays, without an account; its attendees and people stay
    i2 = store.read("interactions", "id", ["i2"]).iloc[0]
    assert i2["account_id"] is None
    assert len(store.read("attendance", "interaction_id", ["i2"])) == 2
    assert store.counts()["people"] == 7
    assert store.delete("accounts", pd.DataFrame([{"id": "A2"}])) == 0


def test_delete_an_opportunity_clears_interaction_references(store, portfolio):
    store.write(portfolio)
    assert store.delete("opportunities", pd.DataFrame([{"id": "op1"}])) == 1
    i1 = store.read("interactions", "id", ["i1"]).iloc[0]
    assert (i1["account_id"], i1["opportunity_id"]) == ("A1", None)
    assert list(store.read("opportunity_roles")["opportunity_id"]) == ["op2"]


def test_delete_relationship_rows_by_key(store, portfolio):
    store.write(portfolio)
    keys = pd.DataFrame([{"person_id": "c1", "other_id": "x1", "kind": "classmate"},
                         {"person_id": "c1", "other_id": "x1", "kind": "friend"}])  # second one: no such tie
    assert store.delete("ties", keys) == 1
    assert set(store.read("ties", "person_id", ["c1"])["other_id"]) == {"u1"}
    a = pd.DataFrame([{"person_id": "c1", "account_id": "A1", "assessed_on": "2026-06-01"}])
    assert store.delete("assessments", a) == 1
    assert list(store.read("assessments", "person_id", ["c1"])["assessed_on"]) == [pd.Timestamp("2026-01-01")]
    assert store.delete("employment", pd.DataFrame([{"person_id": "u1", "org_id": "O3"}])) == 1
    assert list(store.read("employment", "person_id", ["u1"])["org_id"]) == ["A1"]


def test_delete_people_erases_them(store, portfolio):
    store.write(portfolio)
    assert store.delete("people", pd.DataFrame([{"id": "x2"}, {"id": "nobody"}])) == 1
    assert store.read("ties", "other_id", ["x2"]).empty


# -- hostile and unicode text -----------------------------------------------------------------

def _hostile_portfolio(portfolio: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every free-text value (ids and references included) gets a hostile suffix, consistently.

    Enum columns (side, kind, role...) keep their values: the snapshot reads ``side``.
    """
    text_cols = {(e, c.name) for e, ent in ENTITIES.items() for c in ent.columns if c.type == "str" and not c.enum}
    values = sorted({v for e, df in portfolio.items() for name in df.columns if (e, name) in text_cols
                     for v in df[name] if isinstance(v, str)})
    mapping = {v: v + HOSTILE[i % len(HOSTILE)] for i, v in enumerate(values)}
    out = {}
    for entity, df in portfolio.items():
        df = df.copy()
        for col in ENTITIES[entity].columns:
            if col.name in df.columns and (entity, col.name) in text_cols:
                df[col.name] = df[col.name].map(lambda v: mapping.get(v, v) if isinstance(v, str) else v)
        out[entity] = df
    return out


def test_unicode_and_hostile_strings_in_every_text_field_round_trip(store, portfolio):
    frames = _hostile_portfolio(portfolio)
    frames["people"].loc[len(frames["people"])] = {"id": "p-empty", "name": "", "side": "external"}
    store.write(frames)
    assert_reads_equal(store, frames)
    assert store.counts() == {e: len(frames[e]) for e in WRITE_ORDER}
    a1 = frames["accounts"]["id"][0]
    snap = store.snapshot([a1])
    assert list(snap.accounts["id"]) == [a1]
    c1 = frames["people"]["id"][0]
    assert store.read("people", "id", [c1])["name"].tolist() == [frames["people"]["name"][0]]  # hostile id as a filter value
    assert store.export_person(c1)["person"]["id"] == c1
    assert store.erase_person(c1)["people"] == 1
    assert store.counts()["people"] == len(frames["people"]) - 1
    assert person_traces(store, c1) == []


def test_chinese_accented_and_emoji_names(store):
    names = ["周建国", "José Álvarez-Núñez", "Zoë 👩‍💻 Łukasz", "Ἀριστοτέλης", "عبد الله"]
    people = pd.DataFrame([{"id": f"p{i}·{n[0]}", "name": n, "side": "customer", "title": "总经理"}
                           for i, n in enumerate(names)])
    store.write({"people": people})
    assert store.read("people")["name"].tolist() == names
    assert store.read("people", "id", ["p0·周", "p2·Z"])["name"].tolist() == ["周建国", "Zoë 👩‍💻 Łukasz"]


# -- scale, versions, failures ----------------------------------------------------------------

def test_large_batches_cross_batch_boundaries(store):
    n_people = 12_000
    ids = [f"p{i:05d}" for i in range(n_people)]
    people = pd.DataFrame({"id": ids, "name": [f"Person {i}" for i in range(n_people)], "side": "customer",
                           "level": [i % 5 + 1 for i in range(n_people)]})
    # 11,999 neighbor ties + 8,001 second-neighbor ties = 20,000, all distinct keys
    a = ids[:-1] + ids[:8001]
    b = ids[1:] + ids[2:8003]
    ties = pd.DataFrame({"person_id": a, "other_id": b,
                         "kind": ["friend"] * (n_people - 1) + ["business"] * 8001, "strength": 3})
    assert len(ties) == 20_000
    calls = []
    result = store.write({"people": people, "ties": ties}, progress=lambda e, done, n: calls.append((e, done, n)))
    assert result.rows == {"people": 12_000, "ties": 20_000}
    for entity, n in (("people", 12_000), ("ties", 20_000)):
        done = [d for e, d, total in calls if e == entity]
        assert done == sorted(done) and done[-1] == n
    counts = store.counts()
    assert (counts["people"], counts["ties"]) == (12_000, 20_000)
    got = store.read("ties", "person_id", ["p00000", "p08000", "p11998"])
    assert set(zip(got["person_id"], got["other_id"], got["kind"])) == {
        ("p00000", "p00001", "friend"), ("p00000", "p00002", "business"), ("p08000", "p08001", "friend"),
        ("p08000", "p08002", "business"), ("p11998", "p11999", "friend")}
    assert (store.read("people")["level"] == 5).sum() == 2_400


def test_data_version_changes_on_every_write(store, portfolio):
    seen = [store.data_version()]
    store.write(portfolio)
    seen.append(store.data_version())
    store.write({"people": pd.DataFrame([{"id": "c1", "name": "Chen", "side": "customer", "title": "Chair"}])})
    seen.append(store.data_version())
    store.delete("ties", pd.DataFrame([{"person_id": "c1", "other_id": "x1", "kind": "classmate"}]))
    seen.append(store.data_version())
    store.erase_person("x2")
    seen.append(store.data_version())
    assert len(set(seen)) == len(seen), seen
    assert store.snapshot().data_version == seen[-1]


# -- identical writes, the audit trail ----------------------------------------------------------

def test_an_identical_write_writes_nothing(store, portfolio):
    first = store.write(portfolio, actor="ann", source="import one")
    assert first.unchanged == {}
    version, log, trail = store.data_version(), store.write_log(), store.audit()
    assert len(trail) == sum(len(df) for df in portfolio.values())
    again = store.write(portfolio_again := {e: df.copy() for e, df in portfolio.items()}, actor="bob", source="again")
    assert again.rows == {}
    assert again.unchanged == {e: len(df) for e, df in portfolio_again.items()}
    assert again.data_version == version == store.data_version()
    assert_frame_equal(store.write_log(), log)
    assert_frame_equal(store.audit(), trail)
    # a delete of nothing writes nothing either
    assert store.delete("ties", pd.DataFrame([{"person_id": "c1", "other_id": "x1", "kind": "friend"}])) == 0
    assert store.data_version() == version and len(store.write_log()) == len(log)
    # one changed row among identical ones: only it is written
    people = portfolio["people"].copy()
    people.loc[people["id"] == "c2", "title"] = "CIO"
    result = store.write({"people": people})
    assert (result.rows, result.unchanged) == ({"people": 1}, {"people": 6})
    assert store.data_version() == version + 1 and len(store.write_log()) == len(log) + 1
    assert store.write_log().iloc[-1]["rows"] == {"people": 1}


@pytest.mark.parametrize("entity", WRITE_ORDER)
def test_every_column_compares_equal_to_what_the_store_holds(store, portfolio, entity):
    """Each column of each entity, re-sent alone with the key as the caller gave it (dates as
    text, ints, floats, bools, empty cells): identical to the stored value, nothing written."""
    store.write(portfolio)
    version, n = store.data_version(), len(store.audit())
    frame = portfolio[entity]
    required = [c.name for c in ENTITIES[entity].columns if c.required]  # key columns among them
    for col in [c for c in frame.columns if c not in required] or [None]:
        result = store.write({entity: frame[required + ([col] if col else [])]})
        assert (result.rows, result.unchanged) == ({}, {entity: len(frame)}), col
        # read back and written again, as the store's own frame: still nothing
        assert store.write({entity: store.read(entity)}).rows == {}, col
    assert store.data_version() == version and len(store.audit()) == n


def test_partial_column_updates_audit_only_the_changed_columns(store, portfolio):
    store.write(portfolio)
    n = len(store.audit())
    # title changes, name and side are supplied but the same, the email is cleared
    store.write({"people": pd.DataFrame([{"id": "c1", "name": "Chen", "side": "customer", "title": "Chairman",
                                          "email": None}])}, actor="ann", source="edit: person")
    trail = store.audit("c1")
    last = trail.iloc[-1]
    assert len(store.audit()) == n + 1
    assert (last["action"], last["entity"], last["key"], last["actor"], last["source"]) == (
        "update", "people", {"id": "c1"}, "ann", "edit: person")
    assert last["before"] == {"title": "CEO", "email": "chen@acme.example"}
    assert last["after"] == {"title": "Chairman", "email": None}
    assert list(trail["seq"]) == sorted(trail["seq"]) and trail["seq"].is_unique
    # a relationship row: only its strength, typed as stored (int), the rest kept
    store.write({"ties": pd.DataFrame([{"person_id": "c1", "other_id": "x1", "kind": "classmate", "strength": 2,
                                        "notes": "EMBA"}])})
    last = store.audit("x1").iloc[-1]
    assert (last["action"], last["before"], last["after"]) == ("update", {"strength": 4}, {"strength": 2})
    assert last["key"] == {"person_id": "c1", "other_id": "x1", "kind": "classmate"}
    # an account's bool and float columns
    store.write({"accounts": pd.DataFrame([{"id": "A1", "name": "Acme", "problem": True, "revenue": 1.5e8}])})
    last = store.audit(account_id="A1").iloc[-1]
    assert (last["before"], last["after"]) == ({"problem": False, "revenue": 1.2e8}, {"problem": True, "revenue": 1.5e8})


def _audit_story(store, portfolio) -> None:
    """Insert, update, delete and erase, as both stores must record them."""
    store.write(portfolio, actor="ann", source="portfolio.xlsx")
    store.write({"accounts": pd.DataFrame([{"id": "A1", "name": "Acme", "owner_id": "u2"}])},
                actor="bob", source="edit: account")
    store.write({"employment": pd.DataFrame([{"person_id": "b1", "org_id": "A1", "title": "Buyer",
                                              "since": "2026-05-01"}])}, actor="bob", source="edit: job change")
    store.delete("employment", pd.DataFrame([{"person_id": "b1", "org_id": "A2"}]), actor="bob",
                 source="edit: job change")
    store.delete("interactions", pd.DataFrame([{"id": "i2"}]), actor="bob", source="cli")
    store.erase_person("x2", actor="admin")


def test_audit_of_insert_update_delete_and_erase_per_person_and_account(store, portfolio):
    _audit_story(store, portfolio)
    b1 = store.audit("b1")
    assert list(b1["action"]) == ["insert"] * 7 + ["delete", "delete"]
    # (the tie b1-x2 went with x2's erasure; b1's attendance of i2 with i2's delete)
    assert list(b1["entity"]) == ["people", "employment", "assessments", "memberships", "attendance",
                                  "opportunity_roles", "employment", "employment", "attendance"]
    job = b1.iloc[-3]
    assert (job["actor"], job["source"], job["key"]) == ("bob", "edit: job change", {"person_id": "b1", "org_id": "A1"})
    assert job["after"] == {"person_id": "b1", "org_id": "A1", "title": "Buyer", "since": "2026-05-01"}
    assert b1.iloc[-1]["key"] == {"interaction_id": "i2", "person_id": "b1"} and b1.iloc[-1]["source"] == "cli"
    gone = b1.iloc[-2]
    assert gone["before"] == {"person_id": "b1", "org_id": "A2", "title": None, "team_role": None, "since": None,
                              "until": None} and gone["after"] is None
    # the owner change names both owners: u1 (before) and u2 (after)
    change = store.audit("u1")
    change = change[change["action"] == "update"].iloc[0]
    assert (change["entity"], change["before"], change["after"]) == ("accounts", {"owner_id": "u1"},
                                                                     {"owner_id": "u2"})
    assert (store.audit("u2")["seq"] == change["seq"]).any()
    # the account: its row, its people (b1 now too, and c2 who left in 2027), interactions, opportunities
    a1 = store.audit(account_id="A1")
    keys = {(e, tuple(k.values())) for e, k in zip(a1["entity"], a1["key"])}
    assert {("accounts", ("A1",)), ("people", ("b1",)), ("employment", ("b1", "A2")), ("people", ("c2",)),
            ("interactions", ("i1",)), ("attendance", ("i1", "c1")), ("opportunities", ("op1",)),
            ("opportunity_roles", ("c1", "op1")), ("interactions", ("i3",))} <= keys
    assert ("accounts", ("A2",)) not in keys and ("opportunities", ("op2",)) not in keys
    a2 = store.audit(account_id="A2")
    assert ("interactions", ("i2",)) in set(zip(a2["entity"], (tuple(k.values()) for k in a2["key"])))
    # deleting i2: its row, then its attendance (b1, u1)
    assert [(a, e) for a, e in zip(a2["action"], a2["entity"])][-3:] == [
        ("delete", "interactions"), ("delete", "attendance"), ("delete", "attendance")]
    # both filters: u1's entries that concern A2 (the assessment u1 made of b1 there, the call
    # i2 attended, then deleted)
    both = store.audit("u1", account_id="A2")
    assert [(a, e, tuple(k.values())) for a, e, k in zip(both["action"], both["entity"], both["key"])] == [
        ("insert", "assessments", ("b1", "A2", "2026-03-01")), ("insert", "attendance", ("i2", "u1")),
        ("delete", "attendance", ("i2", "u1"))]
    assert store.audit("c1", account_id="A2").empty
    # erased: x2 is in no entry; the erasure is in the write log, with counts only
    assert store.audit("x2").empty
    assert all("x2" not in json.dumps([k, b, a]) for k, b, a in store.audit()[["key", "before", "after"]].values)
    assert store.write_log().iloc[-1]["action"] == "erase_person"
    assert list(store.audit()["seq"]) == sorted(store.audit()["seq"])


def test_a_delete_audits_what_it_takes_with_it(store, portfolio):
    store.write(portfolio)
    n = len(store.audit())
    assert store.delete("accounts", pd.DataFrame([{"id": "A2"}]), actor="ann", source="cli") == 1
    new = store.audit().iloc[n:]
    got = [(a, e, "/".join(k.values())) for a, e, k in zip(new["action"], new["entity"], new["key"])]
    # the account first, then (as SQLite's detach walks them) op2 with its role, the call i2
    # losing its account, b1's job, assessment and x2's membership
    assert got == [("delete", "accounts", "A2"), ("delete", "opportunity_roles", "b1/op2"),
                   ("delete", "opportunities", "op2"), ("update", "interactions", "i2"),
                   ("delete", "employment", "b1/A2"), ("delete", "assessments", "b1/A2/2026-03-01"),
                   ("delete", "memberships", "x2/A2")]
    i2 = new[new["entity"] == "interactions"].iloc[0]
    assert (i2["before"], i2["after"], i2["source"]) == ({"account_id": "A2"}, {"account_id": None}, "cli")
    assert new.iloc[2]["before"]["name"] == "Other"
    # found per account afterwards, though the rows are gone
    assert set(store.audit(account_id="A2")["seq"]) >= set(new["seq"])


def test_erasure_leaves_no_trace_in_the_audit_trail(store, portfolio):
    _audit_story(store, portfolio)
    assert person_traces(store, "u1")  # the check can find something: u1 is all over the trail
    assert len(store.audit("u1")) > 5
    store.erase_person("u1")
    assert store.audit("u1").empty
    assert person_traces(store, "u1") == []
    assert person_traces(store, "Li") == []
    assert not store.audit().empty  # the others' entries stay
    if isinstance(store, SQLiteStore):  # and no ref of an erased entry is left behind
        assert store.execute_raw('SELECT COUNT(*) FROM "audit_ref" r WHERE NOT EXISTS '
                                 '(SELECT 1 FROM "audit" a WHERE a."seq" = r."seq")') == [(0,)]
        assert store.execute_raw('SELECT COUNT(*) FROM "audit_ref"')[0][0] > 0
        # every entry is still found by its row's own ref (stored, or the span of a bulk insert)
        assert store.execute_raw('SELECT COUNT(*) FROM "audit_ref"')[0][0] + store.execute_raw(
            'SELECT SUM("n") FROM "audit_span"')[0][0] >= len(store.audit())


def test_mentions_and_redaction_cover_the_audit_trail(store, portfolio):
    store.write(portfolio)
    store.write({"interactions": pd.DataFrame([{"id": "i2", "date": "2026-03-02", "kind": "call",
                                                "notes": "Bob said ANN LEE decides"}])})
    store.write({"interactions": pd.DataFrame([{"id": "i2", "date": "2026-03-02", "kind": "call",
                                                "notes": "call again"}])})
    found = store.mentions("Ann Lee")
    assert found[["entity", "column"]].values.tolist() == [["audit", "interactions.notes after"],
                                                           ["audit", "interactions.notes before"]]
    assert store.redact_mentions("ann lee") == 2
    assert store.mentions("Ann Lee").empty
    notes = [d.get("notes") for d in store.audit()["after"].tolist() + store.audit()["before"].tolist() if d]
    assert "Bob said [erased] decides" in notes and not any("ANN" in n for n in notes if n)


NINE = {"id": "A9", "name": "Nine", "industry": "Glass", "region": "North", "city": "Harbin", "country": "CN",
        "tier": "silver", "problem": False, "owner_id": "u1", "revenue": 2_500_000.0, "gross_margin": 0.25,
        "collection_rate": 0.9, "on_time_payment": 0.8, "growth": -0.05, "industry_influence": 2,
        "strategic_fit": 3}


def test_an_insert_two_updates_and_a_delete_read_back_as_written(store, portfolio):
    """Insert entries store no values (the store rebuilds them on read): the trail of a row
    inserted, changed twice and deleted reads exactly as it was written, all columns or some."""
    store.write(portfolio)
    store.write({"accounts": pd.DataFrame([NINE])}, actor="ann", source="import")
    store.write({"accounts": pd.DataFrame([{"id": "A9", "name": "Nine Glass", "owner_id": "u2"}])}, actor="bob")
    store.write({"accounts": pd.DataFrame([{"id": "A9", "name": "Nine Glass", "problem": True, "revenue": 3e6,
                                            "tier": None}])}, actor="bob")
    # a new row with some columns only: its insert holds those columns
    store.write({"interactions": pd.DataFrame([{"id": "i9", "date": "2026-04-01", "kind": "call",
                                                "account_id": "A9", "notes": "first call"}])})
    store.write({"interactions": pd.DataFrame([{"id": "i9", "date": "2026-04-01", "kind": "visit",
                                                "subject": "plant tour"}])})
    assert store.delete("accounts", pd.DataFrame([{"id": "A9"}]), actor="cy", source="cli") == 1
    store.delete("interactions", pd.DataFrame([{"id": "i9"}]))
    last = dict(NINE, name="Nine Glass", owner_id="u2", problem=True, revenue=3e6, tier=None)
    trail = store.audit(account_id="A9")
    got = [(a, e, k, b, af) for a, e, k, b, af in
           zip(trail["action"], trail["entity"], trail["key"], trail["before"], trail["after"])]
    assert got == [
        ("insert", "accounts", {"id": "A9"}, None, NINE),
        ("update", "accounts", {"id": "A9"}, {"name": "Nine", "owner_id": "u1"}, {"name": "Nine Glass",
                                                                                  "owner_id": "u2"}),
        ("update", "accounts", {"id": "A9"}, {"tier": "silver", "problem": False, "revenue": 2_500_000.0},
         {"tier": None, "problem": True, "revenue": 3e6}),
        ("insert", "interactions", {"id": "i9"}, None, {"id": "i9", "date": "2026-04-01", "kind": "call",
                                                        "account_id": "A9", "notes": "first call"}),
        ("update", "interactions", {"id": "i9"}, {"kind": "call", "subject": None},
         {"kind": "visit", "subject": "plant tour"}),
        ("delete", "accounts", {"id": "A9"}, last, None),
        ("update", "interactions", {"id": "i9"}, {"account_id": "A9"}, {"account_id": None}),
        ("delete", "interactions", {"id": "i9"}, {"id": "i9", "date": "2026-04-01", "kind": "visit",
                                                  "account_id": None, "opportunity_id": None,
                                                  "subject": "plant tour", "notes": "first call"}, None),
    ]
    assert list(trail["actor"][:3]) == ["ann", "bob", "bob"] and trail["source"].iloc[5] == "cli"
    assert type(trail["after"].iloc[0]["problem"]) is bool and type(trail["after"].iloc[0]["strategic_fit"]) is int
    # the same entries in the whole trail and per person (u1 owned it first, u2 then)
    assert_frame_equal(store.audit().iloc[-8:].reset_index(drop=True), trail)
    assert [a for a, e in zip(store.audit("u1")["action"], store.audit("u1")["entity"]) if e == "accounts"][-2:] == [
        "insert", "update"]


def test_an_erasure_keeps_the_other_inserts_readable(store, portfolio):
    """An erasure changes rows without entries (an owner emptied, an interaction without
    attendees deleted) and deletes the entries naming the person: the inserts that stay read
    as they were written."""
    store.write(portfolio)
    store.write({"accounts": pd.DataFrame([dict(NINE, owner_id="u2")])})
    store.write({"accounts": pd.DataFrame([{"id": "A9", "name": "Nine", "owner_id": "x1"}])})  # names x1
    store.write({"interactions": pd.DataFrame([{"id": "i8", "date": "2026-05-01", "kind": "meal",
                                                "notes": "dinner"}]),
                 "attendance": pd.DataFrame([{"interaction_id": "i8", "person_id": "x1"}])})
    store.write({"interactions": pd.DataFrame([{"id": "i8", "date": "2026-05-01", "kind": "meal",
                                                "notes": "long dinner"}])})
    store.erase_person("x1")
    nine = store.audit(account_id="A9")
    assert [(a, b, af) for a, b, af in zip(nine["action"], nine["before"], nine["after"])] == [
        ("insert", None, dict(NINE, owner_id="u2"))]  # the owner change named x1: gone with x1
    assert store.read("accounts", "id", ["A9"])["owner_id"].isna().all()
    i8 = store.audit()
    i8 = i8[i8["key"] == {"id": "i8"}]
    assert [(a, b, af) for a, b, af in zip(i8["action"], i8["before"], i8["after"])] == [
        ("insert", None, {"id": "i8", "date": "2026-05-01", "kind": "meal", "notes": "dinner"}),
        ("update", {"notes": "dinner"}, {"notes": "long dinner"})]
    assert store.read("interactions", "id", ["i8"]).empty
    assert person_traces(store, "x1") == [] and person_traces(store, "Zhang") == []


def _legacy_trail(store) -> None:
    """Person p9 with two entries as the first audit trail wrote them (an insert's ``after``
    in full), written around the store's code: raw SQL, or the registry's statements."""
    entries = [("2026-01-01T00:00:00+00:00", "ann", "old.xlsx", "insert", "people", '{"id": "p9"}', None,
                '{"id": "p9", "name": "Wu", "side": "customer", "notes": "met at the fair"}'),
               ("2026-01-02T00:00:00+00:00", "bob", "edit: person", "update", "people", '{"id": "p9"}',
                '{"name": "Wu"}', '{"name": "Wu Fang"}')]
    if isinstance(store, SQLiteStore):
        import sqlite3

        store.init()
        conn = sqlite3.connect(store.path)
        with conn:
            conn.execute('INSERT INTO "people" ("id", "name", "side", "notes") VALUES (?, ?, ?, ?)',
                         ("p9", "Wu Fang", "customer", "met at the fair"))
            conn.executemany('INSERT INTO "audit" ("at", "actor", "source", "action", "entity", "key", "before", '
                             '"after") VALUES (?, ?, ?, ?, ?, ?, ?, ?)', entries)
            conn.executemany('INSERT INTO "audit_ref" ("ref", "seq") VALUES (?, ?)', [("people:p9", 1),
                                                                                      ("people:p9", 2)])
        conn.close()
    else:
        store.run_statement("upsert_people", {"rows": [{"id": "p9", "props": {
            "name": "Wu Fang", "side": "customer", "notes": "met at the fair"}}]}, write=True)
        store.run_statement("audit_reserve_seq", {"n": 2}, write=True)
        fields = ("at", "actor", "source", "action", "entity", "key", "before", "after")
        store.run_statement("audit_append", {"entries": [
            {**dict(zip(fields, e)), "seq": i + 1, "refs": ["people:p9"]} for i, e in enumerate(entries)]}, write=True)


def test_a_trail_in_the_first_format_still_reads(store):
    _legacy_trail(store)
    store.write({"people": pd.DataFrame([{"id": "p9", "name": "Wu Fang", "side": "customer", "title": "Buyer"}])},
                actor="cy")
    trail = store.audit("p9")
    assert [(s, a, b, af) for s, a, b, af in zip(trail["seq"], trail["action"], trail["before"], trail["after"])] == [
        (1, "insert", None, {"id": "p9", "name": "Wu", "side": "customer", "notes": "met at the fair"}),
        (2, "update", {"name": "Wu"}, {"name": "Wu Fang"}),
        (3, "update", {"title": None}, {"title": "Buyer"})]
    assert list(trail["actor"]) == ["ann", "bob", "cy"]
    assert store.mentions("the fair")[["entity", "key", "column"]].values.tolist() == [
        ["people", "p9", "notes"], ["audit", "1", "people.notes after"]]
    assert store.redact_mentions("the fair") == 2
    assert store.audit("p9").iloc[0]["after"]["notes"] == "met at [erased]"
    store.erase_person("p9")
    assert store.audit("p9").empty and person_traces(store, "p9") == []


@pytest.mark.bolt
def test_sqlite_and_neo4j_record_the_same_audit_trail(sqlite_store, neo4j_store, portfolio):
    for s in (sqlite_store, neo4j_store):
        _audit_story(s, {e: df.copy() for e, df in portfolio.items()})
    for args in ((None, None), ("b1", None), ("u1", None), (None, "A1"), (None, "A2"), ("c1", "A1")):
        a, b = sqlite_store.audit(*args), neo4j_store.audit(*args)
        assert len(a) > 0, args
        assert_frame_equal(a.drop(columns="at"), b.drop(columns="at"), obj=str(args))


def test_the_history_starts_at_the_earliest_start_written_or_declared(store, portfolio):
    assert store.history_from() is None  # nothing written yet
    store.write(portfolio)  # interactions from 2026-03-01
    assert store.history_from() == pd.Timestamp("2026-03-01")
    later = {"interactions": pd.DataFrame([{"id": "i9", "date": "2026-09-01", "kind": "call"}]),
             "attendance": pd.DataFrame([{"interaction_id": "i9", "person_id": "u1"}])}
    store.write(later)  # a later period does not move the start
    assert store.history_from() == pd.Timestamp("2026-03-01")
    earlier = {"interactions": pd.DataFrame([{"id": "i0", "date": "2025-11-20", "kind": "call"}]),
               "attendance": pd.DataFrame([{"interaction_id": "i0", "person_id": "u1"}])}
    store.write(earlier)  # an earlier period does
    assert store.history_from() == pd.Timestamp("2025-11-20")
    store.write(later, history_from="2025-06-01")  # a declared start (import --history-from)
    assert store.history_from() == pd.Timestamp("2025-06-01")
    store.write(earlier, history_from="2025-10-01")  # a later declared start changes nothing
    assert store.history_from() == pd.Timestamp("2025-06-01")
    # snapshots know it, scoped ones too
    assert store.snapshot().history_start == pd.Timestamp("2025-06-01")
    assert store.snapshot(["A1"]).history_from == pd.Timestamp("2025-06-01")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


@pytest.mark.parametrize("kind", ["sqlite", "neo4j"])
def test_unreachable_store_raises_store_unavailable_without_the_password(kind, tmp_path):
    password = "s3cret-Pa55word-never-shown"
    with pytest.raises(StoreUnavailable) as info:
        if kind == "sqlite":
            SQLiteStore(f"sqlite:///{tmp_path}")  # a folder, not a database file
        else:
            s = Neo4jStore(f"bolt://127.0.0.1:{_closed_port()}", user="neo4j", password=password,
                           max_retry_seconds=1, connection_timeout=2)
            assert password not in repr(s)
            try:
                s.counts()
            finally:
                s.close()
    assert password not in str(info.value)
    assert "127.0.0.1" in str(info.value) or str(tmp_path) in str(info.value)


def test_a_url_with_credentials_is_refused_without_echoing_them():
    with pytest.raises(ConfigError) as info:
        Neo4jStore("bolt://neo4j:hunter22secret@db.example:7687")
    assert "hunter22secret" not in str(info.value)
    assert "KAMGRAPH_NEO4J_PASSWORD" in str(info.value)
