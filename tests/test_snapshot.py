"""Snapshot scoping: what a one-account snapshot holds, on the embedded store."""

from __future__ import annotations

import pandas as pd
import pytest

from kamgraph.schema import ENTITIES, normalize_frame
from kamgraph.snapshot import Snapshot
from kamgraph.store.sqlite import SQLiteStore


def _df(rows):
    return pd.DataFrame(rows)


@pytest.fixture()
def store():
    s = SQLiteStore("sqlite:///:memory:")
    s.write({
        "accounts": _df([{"id": "A1", "name": "Acme"}, {"id": "A2", "name": "Beta"}]),
        "organizations": _df([{"id": "O1", "name": "Assoc", "kind": "association"},
                              {"id": "O2", "name": "Golf club", "kind": "other"}]),
        "people": _df([
            {"id": "c1", "name": "Chen", "side": "customer"},
            {"id": "c2", "name": "Dana", "side": "customer"},
            {"id": "b1", "name": "Bob", "side": "customer"},
            {"id": "u1", "name": "Li", "side": "internal"},
            {"id": "u2", "name": "Mo", "side": "internal"},
            {"id": "x1", "name": "Zhang", "side": "external"},
            {"id": "x2", "name": "Far", "side": "external"},
        ]),
        "employment": _df([
            {"person_id": "c1", "org_id": "A1"}, {"person_id": "c2", "org_id": "A1"},
            {"person_id": "b1", "org_id": "A2"}, {"person_id": "u1", "org_id": "A1", "team_role": "ar"},
        ]),
        "assessments": _df([{"person_id": "c1", "account_id": "A1", "assessed_on": "2026-01-01",
                             "decision_role": "decision_maker", "attitude": "supporter", "influence": 5},
                            {"person_id": "c1", "account_id": "A1", "assessed_on": "2026-06-01",
                             "attitude": "skeptic"}]),
        "ties": _df([
            {"person_id": "c1", "other_id": "x1", "kind": "classmate", "strength": 4},
            {"person_id": "u2", "other_id": "x1", "kind": "friend", "strength": 5},
            {"person_id": "x1", "other_id": "x2", "kind": "friend", "strength": 5},
            {"person_id": "b1", "other_id": "x2", "kind": "friend", "strength": 5},
        ]),
        "memberships": _df([{"person_id": "c2", "org_id": "O1"}, {"person_id": "u2", "org_id": "O1"},
                            {"person_id": "b1", "org_id": "O2"}]),
        "interactions": _df([{"id": "i1", "date": "2026-03-01", "kind": "visit", "account_id": "A1"},
                             {"id": "i2", "date": "2026-03-02", "kind": "call", "account_id": "A2"}]),
        "attendance": _df([{"interaction_id": "i1", "person_id": "c1"},
                           {"interaction_id": "i1", "person_id": "u1"},
                           {"interaction_id": "i2", "person_id": "b1"},
                           {"interaction_id": "i2", "person_id": "u1"}]),
        "opportunities": _df([{"id": "op1", "account_id": "A1", "name": "Deal"},
                              {"id": "op2", "account_id": "A2", "name": "Other"}]),
        "opportunity_roles": _df([{"person_id": "c1", "opportunity_id": "op1", "role": "decision_maker"}]),
    })
    yield s
    s.close()


def test_full_snapshot_has_every_row(store):
    snap = store.snapshot()
    assert snap.scope is None
    assert snap.counts() == store.counts()


def test_account_scope_keeps_core_neighbors_and_paths(store):
    snap = store.snapshot(["A1"])
    people = set(snap.people["id"])
    # core (c1, c2, u1), tie neighbor x1, internal staff u1/u2; not b1 (other account),
    # not x2 (a neighbor's friend who is not internal)
    assert {"c1", "c2", "u1", "u2", "x1"} <= people
    assert "b1" not in people and "x2" not in people
    ties = set(zip(snap.ties["person_id"], snap.ties["other_id"]))
    assert ("c1", "x1") in ties and ("u2", "x1") in ties  # the one-intermediary path survives
    assert ("x1", "x2") not in ties
    # shared association: internal u2's membership of c2's body is kept, b1's golf club is not
    assert set(zip(snap.memberships["person_id"], snap.memberships["org_id"])) == {("c2", "O1"), ("u2", "O1")}
    assert list(snap.interactions["id"]) == ["i1"]
    assert set(snap.opportunities["id"]) == {"op1"}
    assert list(snap.accounts["id"]) == ["A1"]


def test_roles_are_latest_assessment_with_fields_carried_forward(store):
    snap = store.snapshot(["A1"])
    now = snap.roles().set_index("person_id").loc["c1"]
    assert now["attitude"] == "skeptic"
    assert now["decision_role"] == "decision_maker"  # not re-assessed in June: carried forward
    assert now["influence"] == 5
    before = snap.roles("2026-03-01").set_index("person_id").loc["c1"]
    assert before["attitude"] == "supporter"
    assert snap.roles("2025-01-01").empty


def test_frames_have_canonical_dtypes(store):
    snap = store.snapshot()
    assert str(snap.interactions["date"].dtype) == "datetime64[ns]"
    assert str(snap.ties["strength"].dtype) == "Int64"
    for name, ent in ENTITIES.items():
        assert list(snap.frames[name].columns) == ent.column_names


def test_snapshot_fills_missing_frames_with_empty_ones():
    snap = Snapshot({"people": normalize_frame("people", pd.DataFrame([{"id": "p", "name": "P", "side": "internal"}]))})
    assert snap.ties.empty and list(snap.ties.columns) == ENTITIES["ties"].column_names
    assert snap.cached("k", lambda: 41) == 41 and snap.cached("k", lambda: 0) == 41
