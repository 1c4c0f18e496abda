"""The Neo4j store's bulk write path (issue 17): rows planned column by column, new node rows
CREATEd, a batch's audit bookkeeping in one statement.

The planning is compared with the per-row algorithm it replaced (kept here as the reference)
on generated rows with the awkward cases: missing values, unicode, characters JSON escapes,
duplicate keys, references to the same entity twice; the Bolt cases check what the server
stores.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kamgraph.errors import StoreUnavailable
from kamgraph.schema import ENTITIES, WRITE_ORDER, to_records
from kamgraph.store.base import audit_json, audit_refs, insert_columns_marker
from kamgraph.store.neo4j import (
    LINKED_COLUMNS,
    Neo4jStore,
    _entry,
    _insert_refs,
    _json_values,
    _key_texts,
    plain_columns,
)

AWKWARD = ["plain", 'quo"te', "back\\slash", "new\nline", "tab\there", "\x01ctl", "中文 名字", "emoji 🙂",
           "line\u2028sep", "", " spaced "]
WHO = ("2026-11-26T09:00:00+00:00", "ann", "bulk.csv")


def _frame(entity: str, n: int, seed: int, ids=None) -> pd.DataFrame:
    """``n`` rows of ``entity`` with every column, values drawn from AWKWARD, numbers and
    gaps; keys unique."""
    rng = np.random.default_rng(seed)
    ent = ENTITIES[entity]
    own = [f"{entity[:2]}-{AWKWARD[i % len(AWKWARD)]}-{i}" for i in range(n * 3)]
    pool = ids if ids is not None else own
    data = {}
    for col in ent.columns:
        if col.name in ent.key:
            continue
        if col.type == "int":
            v = pd.array(rng.integers(1, 6, n), dtype="Int64")
            v[rng.random(n) < 0.2] = pd.NA
        elif col.type == "float":
            v = rng.uniform(0, 1, n).round(3)
            v[rng.random(n) < 0.2] = np.nan
        elif col.type == "bool":
            v = pd.array(rng.random(n) < 0.5, dtype="boolean")
            v[rng.random(n) < 0.2] = pd.NA
        elif col.type == "date":
            v = np.where(rng.random(n) < 0.2, None,
                         (pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D"))
                         .strftime("%Y-%m-%d"))
        elif col.enum:
            v = rng.choice(list(col.enum), n).astype(object)
        elif col.references:
            v = rng.choice(pool, n).astype(object)
            v[rng.random(n) < 0.2] = None
        else:
            v = np.array([AWKWARD[i % len(AWKWARD)] + str(i) for i in rng.integers(0, 1000, n)], dtype=object)
            if not col.required:
                v[rng.random(n) < 0.2] = None
        data[col.name] = v
    keys = {}
    for k in ent.key:
        col = ent.column(k)
        if col.type == "date":
            keys[k] = (pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 3, n), unit="D")).strftime("%Y-%m-%d")
        elif col.enum:
            keys[k] = rng.choice(list(col.enum), n)
        else:
            keys[k] = rng.choice(pool, n)
    if len(ent.key) == 1:
        keys["id"] = rng.permutation(own)[:n]
    df = pd.DataFrame({**keys, **data})
    return df.drop_duplicates(list(ent.key)).reset_index(drop=True)


def _reference_plan(entity, present, records, stored, who):
    """The per-row planning the store did before issue 17 (kamgraph/store/neo4j.py at 4f7b613)."""
    ent = ENTITIES[entity]
    key = list(ent.key)
    others = [c for c in present if c not in ent.key]
    marker = insert_columns_marker(entity, present)
    changed, audit, new = [], [], []
    for r in sorted(records, key=lambda r: tuple(r[k] for k in key)):
        k = {c: r[c] for c in key}
        old = stored.get(tuple(k.values()))
        if old is None:
            audit.append(_entry(who, "insert", entity, k, None, r, marker))
        else:
            diff = [c for c in others if old[c] != r[c]]
            if not diff:
                continue
            audit.append(_entry(who, "update", entity, k, {c: old[c] for c in diff}, {c: r[c] for c in diff}))
        changed.append(r)
        new.append(old is None)
    linked = [c for c in LINKED_COLUMNS.get(entity, ()) if c in present]
    if ent.label:
        props = [c for c in present if c != "id" and c not in LINKED_COLUMNS.get(entity, ())]
        rows = [{"id": r["id"], "props": {c: r[c] for c in props}} for r in changed]
    else:
        props = [c for c in present if c not in ent.key]
        rows = [{**{k: r[k] for k in ent.key}, "props": {c: r[c] for c in props}} for r in changed]
    links = {c: [{"id": r["id"], "ref": r[c]} for r in changed] for c in linked}
    return rows, new, links, audit


# -- planning, no server -------------------------------------------------------------------------

@pytest.mark.parametrize("entity", WRITE_ORDER)
def test_plain_columns_convert_as_to_records(entity):
    df = _frame(entity, 60, seed=3)
    cols = plain_columns(entity, df)
    records = to_records(entity, df)
    assert list(cols) == [c for c in ENTITIES[entity].column_names if c in df.columns]
    for c, values in cols.items():
        assert values == [r[c] for r in records], c
        assert [type(v) for v in values] == [type(r[c]) for r in records], c


def test_json_values_and_keys_are_json_dumps_text():
    values = AWKWARD + ["\ud800 lone surrogate", "a\x7fdel", "é"]
    assert _json_values(values) == [json.dumps(v, ensure_ascii=False) for v in values]
    assert _json_values(["a", "b"]) == ['"a"', '"b"']  # the direct path
    cols = {"person_id": AWKWARD, "other_id": AWKWARD[::-1], "kind": ["friend"] * len(AWKWARD)}
    assert _key_texts("ties", cols) == [
        audit_json({"person_id": a, "other_id": b, "kind": k}) for a, b, k in zip(*cols.values())]


@pytest.mark.parametrize("entity", WRITE_ORDER)
def test_insert_refs_are_audit_refs(entity):
    df = _frame(entity, 80, seed=5, ids=["P1", "P2", "P3", 'q"uote', "中"])  # self-references happen
    cols = plain_columns(entity, df)
    records = to_records(entity, df)
    key = ENTITIES[entity].key
    assert _insert_refs(entity, cols) == [audit_refs(entity, {k: r[k] for k in key}, None, r) for r in records]


@pytest.mark.parametrize("entity", WRITE_ORDER)
@pytest.mark.parametrize("stored_share", [0.0, 0.5, 1.0])
def test_the_column_plan_equals_the_row_by_row_plan(entity, stored_share):
    """Inserts, updates and unchanged rows mixed, some columns left out, rows out of key order."""
    df = _frame(entity, 120, seed=11)
    ent = ENTITIES[entity]
    optional = [c.name for c in ent.columns if not c.required]
    df = df.drop(columns=optional[:1])  # a column not supplied
    df = df.sample(frac=1.0, random_state=2).reset_index(drop=True)
    present = [c for c in ent.column_names if c in df.columns]
    records = [{c: r[c] for c in present} for r in to_records(entity, df)]
    rng = np.random.default_rng(7)
    stored = {}
    for r in records:
        if rng.random() < stored_share:
            old = dict(r)
            others = [c for c in present if c not in ent.key]
            if others and rng.random() < 0.5:
                old[others[0]] = None if old[others[0]] is not None else old[others[-1]]
            stored[tuple(r[k] for k in ent.key)] = old
    store = Neo4jStore.__new__(Neo4jStore)
    store.batch_size = 50
    store._stored = lambda name, values: {k: v for k, v in stored.items() if k[0] in set(values)}
    plan = store._diff(entity, present, plain_columns(entity, df[present]), WHO)
    rows, new, links, audit = _reference_plan(entity, present, records, stored, WHO)
    assert plan.rows == rows
    assert plan.new == new
    assert plan.links == links
    assert plan.audit == audit


def test_an_upsert_sets_properties_unless_its_entity_has_none_besides_the_key():
    from kamgraph.store import cypher_registry

    for name in WRITE_ORDER:
        ent = ENTITIES[name]
        statements = [f"upsert_{name}"] + ([f"create_{name}"] if ent.label else [])
        for st in statements:
            has_values = len(ent.columns) > len(ent.key) + len(LINKED_COLUMNS.get(name, ()))
            assert ("row.props" in cypher_registry.get(st)) == has_values, st


def test_batch_steps_create_new_nodes_and_merge_the_others():
    store = Neo4jStore.__new__(Neo4jStore)
    store.batch_size = 10
    df = pd.DataFrame({"id": ["i1", "i2", "i3"], "date": "2026-01-01", "kind": "call",
                       "account_id": ["A1", None, "A2"]})
    present = [c for c in ENTITIES["interactions"].column_names if c in df.columns]
    store._stored = lambda name, values: {("i2",): {"id": "i2", "date": "2026-01-01", "kind": "meal",
                                                     "account_id": "A9"}}
    plan = store._diff("interactions", present, plain_columns("interactions", df[present]), WHO)
    steps = [(s.statement, [r["id"] for r in s.params.get("rows", s.params.get("entries", []))]
              if s.statement != "audit_append" else len(s.params["entries"]), s.expected)
             for s in plan.steps(0, 3)]
    assert steps == [("create_interactions", ["i1", "i3"], None), ("upsert_interactions", ["i2"], None),
                     ("unlink_interactions_account_id", ["i2"], None),
                     ("link_interactions_account_id", ["i1", "i3"], 2), ("audit_append", 3, 3)]
    store._stored = lambda name, values: {}
    steps = [s.statement for s in store._diff("interactions", present,
                                              plain_columns("interactions", df[present]), WHO).steps(0, 3)]
    assert steps == ["create_interactions", "link_interactions_account_id", "audit_append"]  # no unlink


# -- over Bolt ---------------------------------------------------------------------------------

@pytest.mark.bolt
def test_batches_mixing_new_and_stored_rows_store_what_sqlite_stores(sqlite_store, neo4j_factory, portfolio):
    neo4j_store = neo4j_factory(batch_size=2)
    # first every other interaction and relationship row (all of the other nodes: they are referenced)
    first = {e: (df.iloc[::2] if ENTITIES[e].rel_type or e == "interactions" else df) for e, df in portfolio.items()}
    att = portfolio["attendance"]
    first["attendance"] = att[att["interaction_id"].isin(first["interactions"]["id"])]
    changed = {"people": portfolio["people"].assign(title="Director"),
               "interactions": portfolio["interactions"].assign(  # references moved and removed
                   account_id=np.roll(portfolio["interactions"]["account_id"].to_numpy(), 1), opportunity_id=None)}
    for s in (sqlite_store, neo4j_store):
        s.write(first, actor="ann")
        s.write({**portfolio, "interactions": portfolio["interactions"].assign(notes="seen twice")},
                actor="bob")  # interactions: the stored half changed, the other half new, in the same batches
        s.write(changed, actor="cy")
    for e in WRITE_ORDER:
        a, b = sqlite_store.read(e), neo4j_store.read(e)
        key = list(ENTITIES[e].key)
        pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True),
                                      b.sort_values(key).reset_index(drop=True), check_dtype=True)
    a, b = sqlite_store.audit(), neo4j_store.audit()
    assert a.drop(columns=["at"]).to_dict("records") == b.drop(columns=["at"]).to_dict("records")
    assert set(neo4j_store.audit().query("entity == 'interactions'")["action"]) == {"insert", "update"}
    rels = {r["type"]: r["n"] for r in neo4j_store.run_statement("count_all_relationships")}
    assert rels["ABOUT"] == int(changed["interactions"]["account_id"].notna().sum())  # no stale ABOUT left behind
    assert rels["ATTENDED"] == len(portfolio["attendance"])


@pytest.mark.bolt
def test_a_node_created_by_another_writer_meanwhile_fails_the_batch_not_the_graph(neo4j_factory, monkeypatch):
    store = neo4j_factory(batch_size=2)
    other = neo4j_factory()
    people = pd.DataFrame({"id": ["p1", "p2", "p3", "p4"], "name": ["A", "B", "C", "D"], "side": "customer"})
    other.write({"people": people.iloc[[2]]})  # p3 exists, but the diff below does not see it
    monkeypatch.setattr(Neo4jStore, "_stored", lambda self, entity, values: {})
    with pytest.raises(StoreUnavailable) as info:
        store.write({"people": people})
    assert info.value.committed == [("people", 1)]
    assert "people batch 2 of 2" in str(info.value)
    assert sorted(store.read("people")["id"]) == ["p1", "p2", "p3"]  # batch 2 rolled back, no duplicate p3
    monkeypatch.undo()
    result = store.write({"people": people})
    assert result.rows == {"people": 1} and result.unchanged == {"people": 3}
    assert sorted(store.read("people")["id"]) == ["p1", "p2", "p3", "p4"]
    seqs = store.audit()["seq"].tolist()
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


@pytest.mark.bolt
def test_each_batch_bumps_the_version_once_and_numbers_its_entries(neo4j_factory):
    store = neo4j_factory(batch_size=3)
    v0 = store.data_version()
    ties = pd.DataFrame({"person_id": ["p1", "p1", "p2", "p3"], "other_id": ["p2", "p3", "p3", "p4"], "kind": "friend"})
    people = pd.DataFrame({"id": ["p1", "p2", "p3", "p4"], "name": "N", "side": "customer"})
    result = store.write({"people": people, "ties": ties})
    assert result.batches == 4 and store.data_version() == v0 + 4 == result.data_version
    trail = store.audit()
    assert trail["seq"].tolist() == list(range(1, 9))
    assert list(trail["entity"]) == ["people"] * 4 + ["ties"] * 4
