"""The snapshot's integer codes, and the SQLite store's fast snapshot reads compared with
the generic path (kamgraph/snapshot.py ``build_snapshot``) frame by frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamgraph.schema import normalize_frame
from kamgraph.snapshot import Snapshot


def _snap(**codes):
    people = normalize_frame("people", pd.DataFrame({
        "id": ["p3", "p1", "p2", "李"], "name": ["c", "a", "b", "d"], "side": ["customer"] * 4}))
    ties = normalize_frame("ties", pd.DataFrame({
        "person_id": ["p1", "p2", "p9", "李"], "other_id": ["李", "p3", "p1", "p2"], "kind": ["friend"] * 4}))
    attendance = pd.DataFrame({"interaction_id": ["i1", "i1", None], "person_id": ["p1", None, "p3"]})
    interactions = normalize_frame("interactions", pd.DataFrame({"id": ["i1"], "date": ["2026-01-01"], "kind": ["call"]}))
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
