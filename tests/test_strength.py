"""Strength of a relationship at a date: DESIGN.md section 4, computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kamgraph.analysis.strength import lookup, strength_series, strengths
from kamgraph.settings import Settings
from tests.analysis_fixtures import build_snapshot, contact, internal, meeting

S = Settings()
H, HD = 90.0, 365.0


def _snap(**extra):
    base = dict(
        accounts=[{"id": "A", "name": "Acme"}],
        people=[internal("u", 2), contact("c", "A", 1, "decision_maker"), {"id": "x", "name": "X", "side": "external"}],
        interactions=[
            meeting("i1", "2026-01-01", "u", "c", kind="visit"),
            meeting("i2", "2026-02-15", "u", "c", "x", kind="email"),
            meeting("i3", "2026-03-01", "u", "c", kind="meal"),
        ],
    )
    base.update(extra)
    return build_snapshot(**base)


def _row(df, a, b):
    r = df[(df["a"] == a) & (df["b"] == b)]
    assert len(r) == 1, f"expected one row for {a}-{b}"
    return r.iloc[0]


def test_evidence_and_strength_by_formula():
    t = pd.Timestamp("2026-04-01")
    days = {"i1": (t - pd.Timestamp("2026-01-01")).days, "i2": (t - pd.Timestamp("2026-02-15")).days,
            "i3": (t - pd.Timestamp("2026-03-01")).days}
    evidence = 3.0 * 2 ** (-days["i1"] / H) + 0.3 * 2 ** (-days["i2"] / H) + 2.5 * 2 ** (-days["i3"] / H)
    got = _row(strengths(_snap(), S, t), "c", "u")
    assert got["evidence"] == pytest.approx(evidence, abs=1e-9)
    assert got["strength"] == pytest.approx(1 - math.exp(-evidence / 4), abs=1e-9)
    assert got["n_interactions"] == 3
    assert got["first_interaction"] == pd.Timestamp("2026-01-01")
    assert got["last_interaction"] == pd.Timestamp("2026-03-01")
    # x only shared the email
    gx = _row(strengths(_snap(), S, t), "c", "x")
    assert gx["strength"] == pytest.approx(1 - math.exp(-0.3 * 2 ** (-days["i2"] / H) / 4), abs=1e-9)


def test_interaction_on_the_as_of_date_counts_and_later_ones_do_not():
    on_day = _row(strengths(_snap(), S, "2026-01-01"), "c", "u")
    assert on_day["evidence"] == pytest.approx(3.0, abs=1e-12)
    assert on_day["n_interactions"] == 1


def test_declared_tie_decays_and_combines_with_evidence():
    t = pd.Timestamp("2026-04-01")
    snap = _snap(ties=[{"person_id": "c", "other_id": "u", "kind": "friend", "strength": 4,
                        "assessed_on": "2025-10-01"},
                       {"person_id": "c", "other_id": "u", "kind": "classmate", "strength": 2,
                        "assessed_on": "2026-03-30"}])
    declared = max(4 / 5 * 2 ** (-(t - pd.Timestamp("2025-10-01")).days / HD),
                   2 / 5 * 2 ** (-(t - pd.Timestamp("2026-03-30")).days / HD))
    got = _row(strengths(snap, S, t), "c", "u")
    assert got["declared"] == pytest.approx(declared, abs=1e-9)
    assert got["strength"] == pytest.approx(1 - (1 - declared) * math.exp(-got["evidence"] / 4), abs=1e-9)
    assert got["tie_kinds"] == "classmate,friend"


def test_tie_assessed_after_the_date_is_ignored_and_undated_tie_does_not_decay():
    snap = _snap(ties=[{"person_id": "u", "other_id": "x", "kind": "friend", "strength": 5,
                        "assessed_on": "2027-01-01"},
                       {"person_id": "c", "other_id": "x", "kind": "relative", "strength": 3}])
    out = strengths(snap, S, "2026-01-10")
    assert ((out["a"] == "u") & (out["b"] == "x")).sum() == 0  # nothing known yet
    assert _row(out, "c", "x")["declared"] == pytest.approx(0.6, abs=1e-12)


def test_before_anything_happened_there_are_no_pairs():
    out = strengths(_snap(), S, "2020-01-01")
    assert out.empty
    assert list(out.columns)[:3] == ["a", "b", "strength"]


def test_lookup_is_order_free_and_zero_when_absent():
    pairs = strengths(_snap(), S, "2026-04-01")
    got = lookup(pairs, ["u", "c", "u"], ["c", "u", "nobody"])
    assert got[0] == got[1] > 0
    assert got[2] == 0.0


def test_series_is_zero_before_first_contact_then_follows_the_formula():
    dates = ["2025-12-01", "2026-01-01", "2026-04-01"]
    series = strength_series(_snap(), S, dates)
    cu = series[(series["a"] == "c") & (series["b"] == "u")]["strength"].tolist()
    assert cu[0] == 0.0
    assert cu[1] == pytest.approx(1 - math.exp(-3.0 / 4), abs=1e-9)
    assert cu[2] == pytest.approx(_row(strengths(_snap(), S, "2026-04-01"), "c", "u")["strength"], abs=1e-12)


def test_weights_and_half_life_come_from_settings():
    s = Settings().replace(strength={"half_life_days": 30, "interaction_weights": {"visit": 1.0}})
    got = _row(strengths(_snap(), s, "2026-01-31"), "c", "u")
    assert got["evidence"] == pytest.approx(1.0 * 2 ** (-30 / 30), abs=1e-12)
