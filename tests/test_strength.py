"""Strength of a relationship at a date: DESIGN.md section 4, computed by hand.

    evidence = sum over shared interactions of w(kind) * (n - 1) ** -size_exponent * 2 ** (-(t - t_i) / H)
    declared = max over known ties of (strength - 0.5) / 5 * 2 ** (-(t - assessed_on) / H_decl)
    strength = 1 - (1 - declared) * scale / (scale + evidence)

with n the interaction's attendees, H = 90, H_decl = 365, scale = 2, size_exponent = 1
(Newman's 1 / (n - 1)) and w = visit 3, meal 2.5, meeting 2, event 1, call 1, email 0.3.
A declared k of 1..5 counts as the middle of its fifth, (k - 0.5) / 5: 0.1, 0.3, 0.5, 0.7, 0.9.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from kamgraph.analysis.strength import combine, explain, explain_pairs, lookup, strength_series, strengths
from kamgraph.analysis.whatif import without_person
from kamgraph.model import InteractionKind, TieKind
from kamgraph.schema import normalize_frame
from kamgraph.settings import Settings
from kamgraph.store.sqlite import SQLiteStore
from tests.analysis_fixtures import build_snapshot, contact, internal, meeting

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import naive  # noqa: E402  (the per-pair reference of benchmarks/)

S = Settings()
H, HD, SCALE = 90.0, 365.0, 2.0


def by_formula(evidence: float, declared: float = 0.0) -> float:
    return 1 - (1 - declared) * SCALE / (SCALE + evidence)


def _snap(**extra):
    base = dict(
        accounts=[{"id": "A", "name": "Acme"}],
        people=[internal("u", 2), contact("c", "A", 1, "decision_maker"), {"id": "x", "name": "X", "side": "external"}],
        interactions=[
            meeting("i1", "2026-01-01", "u", "c", kind="visit"),  # one-to-one
            meeting("i2", "2026-02-15", "u", "c", "x", kind="email"),  # 3 attendees: each pair gets 1/2
            meeting("i3", "2026-03-01", "u", "c", kind="meal"),  # one-to-one
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
    assert days == {"i1": 90, "i2": 45, "i3": 31}
    # visit 3 * 2^-1 + email 0.3 * 1/(3-1) * 2^-0.5 + meal 2.5 * 2^(-31/90)
    #   = 1.5 + 0.10607 + 1.96903 = 3.57509; strength = 1 - 2 / 5.57509 = 0.64126
    evidence = 3.0 * 2 ** (-days["i1"] / H) + 0.3 / 2 * 2 ** (-days["i2"] / H) + 2.5 * 2 ** (-days["i3"] / H)
    got = _row(strengths(_snap(), S, t), "c", "u")
    assert got["evidence"] == pytest.approx(evidence, abs=1e-9)
    assert got["evidence"] == pytest.approx(3.57509, abs=1e-5)
    assert got["strength"] == pytest.approx(by_formula(evidence), abs=1e-9)
    assert got["strength"] == pytest.approx(0.64126, abs=1e-5)
    assert got["n_interactions"] == 3
    assert got["n_one_to_one"] == 2  # the visit and the meal; the e-mail had three people
    assert got["contact_days"] == 3
    assert got["first_interaction"] == pd.Timestamp("2026-01-01")
    assert got["last_interaction"] == pd.Timestamp("2026-03-01")
    # x only shared the e-mail: 0.3 / 2 * 2^-0.5 = 0.10607 -> 1 - 2 / 2.10607 = 0.05036
    gx = _row(strengths(_snap(), S, t), "c", "x")
    assert gx["strength"] == pytest.approx(by_formula(0.3 / 2 * 2 ** (-days["i2"] / H)), abs=1e-9)
    assert gx["strength"] == pytest.approx(0.05036, abs=1e-5)
    assert (gx["n_interactions"], gx["n_one_to_one"], gx["contact_days"]) == (1, 0, 1)


def test_interaction_on_the_as_of_date_counts_and_later_ones_do_not():
    on_day = _row(strengths(_snap(), S, "2026-01-01"), "c", "u")
    assert on_day["evidence"] == pytest.approx(3.0, abs=1e-12)
    assert on_day["strength"] == pytest.approx(0.6, abs=1e-12)  # 1 - 2 / (2 + 3)
    assert on_day["n_interactions"] == 1


def test_declared_tie_decays_and_combines_with_evidence():
    t = pd.Timestamp("2026-04-01")
    snap = _snap(ties=[{"person_id": "c", "other_id": "u", "kind": "friend", "strength": 4,
                        "assessed_on": "2025-10-01"},
                       {"person_id": "c", "other_id": "u", "kind": "classmate", "strength": 2,
                        "assessed_on": "2026-03-30"}])
    # friend 4: (4 - 0.5)/5 = 0.7 * 2^(-182/365) = 0.49544; classmate 2: 0.3 * 2^(-2/365) = 0.29886;
    # the larger counts
    declared = max((4 - 0.5) / 5 * 2 ** (-(t - pd.Timestamp("2025-10-01")).days / HD),
                   (2 - 0.5) / 5 * 2 ** (-(t - pd.Timestamp("2026-03-30")).days / HD))
    got = _row(strengths(snap, S, t), "c", "u")
    assert got["declared"] == pytest.approx(declared, abs=1e-9)
    assert got["declared"] == pytest.approx(0.49544, abs=1e-5)
    # 1 - (1 - 0.49544) * 2 / (2 + 3.57509) = 0.81900
    assert got["strength"] == pytest.approx(by_formula(got["evidence"], declared), abs=1e-9)
    assert got["strength"] == pytest.approx(0.81900, abs=1e-5)
    assert got["tie_kinds"] == "classmate,friend"


def test_tie_assessed_after_the_date_is_ignored_and_undated_tie_does_not_decay():
    snap = _snap(ties=[{"person_id": "u", "other_id": "x", "kind": "friend", "strength": 5,
                        "assessed_on": "2027-01-01"},
                       {"person_id": "c", "other_id": "x", "kind": "relative", "strength": 3}])
    out = strengths(snap, S, "2026-01-10")
    assert ((out["a"] == "u") & (out["b"] == "x")).sum() == 0  # nothing known yet
    # undated relative 3: (3 - 0.5) / 5 = 0.5, undecayed
    assert _row(out, "c", "x")["declared"] == pytest.approx(0.5, abs=1e-12)
    assert _row(out, "c", "x")["strength"] == pytest.approx(0.5, abs=1e-12)  # no evidence yet: the tie alone


@pytest.mark.parametrize("k, level", [(1, 0.1), (2, 0.3), (3, 0.5), (4, 0.7), (5, 0.9)])
def test_a_declared_k_counts_as_the_middle_of_its_fifth_so_no_declaration_is_certainty(k, level):
    # an undated tie without any interaction: strength = declared = (k - 0.5) / 5; a 5/5 tie is 0.9
    snap = _snap(ties=[{"person_id": "c", "other_id": "x", "kind": "friend", "strength": k}])
    row = _row(strengths(snap, S, "2025-12-01"), "c", "x")
    assert (row["declared"], row["strength"]) == (pytest.approx(level, abs=1e-12), pytest.approx(level, abs=1e-12))
    assert row["strength"] < 1.0


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
    assert cu[1] == pytest.approx(1 - 2 / (2 + 3.0), abs=1e-9)  # the visit on the day: 0.6
    assert cu[2] == pytest.approx(_row(strengths(_snap(), S, "2026-04-01"), "c", "u")["strength"], abs=1e-12)


def test_weights_and_half_life_come_from_settings():
    s = Settings().replace(strength={"half_life_days": 30, "interaction_weights": {"visit": 1.0},
                                     "evidence_scale": 0.5})
    got = _row(strengths(_snap(), s, "2026-01-31"), "c", "u")
    assert got["evidence"] == pytest.approx(1.0 * 2 ** (-30 / 30), abs=1e-12)
    assert got["strength"] == pytest.approx(1 - 0.5 / (0.5 + 0.5), abs=1e-12)  # evidence = scale: 0.5


# -- the size discount ------------------------------------------------------------------------

GUESTS = [f"g{i:02d}" for i in range(38)]


def _sizes_snap():
    """On the as-of day, u meets c1 alone, c2 with c3, and c4 at a 41-person meeting."""
    people = ([internal("u", 2)] + [contact(c, "A", 2) for c in ("c1", "c2", "c3", "c4")]
              + [{"id": g, "name": g, "side": "customer"} for g in GUESTS + ["g38"]])
    return build_snapshot(
        accounts=[{"id": "A", "name": "Acme"}], people=people,
        interactions=[meeting("one", "2026-05-01", "u", "c1"),
                      meeting("three", "2026-05-01", "u", "c2", "c3"),
                      meeting("big", "2026-05-01", "u", "c4", *GUESTS, "g38")])


def test_a_one_to_one_meeting_is_strong_evidence_and_a_41_person_one_weak():
    out = strengths(_sizes_snap(), S, "2026-05-01")
    assert len(_sizes_snap().attendance.query("interaction_id == 'big'")) == 41
    one, three, big = _row(out, "c1", "u"), _row(out, "c2", "u"), _row(out, "c4", "u")
    # meeting w = 2, today: 2 / (2 - 1) = 2 -> 1 - 2/4 = 0.5
    assert (one["evidence"], one["strength"]) == (pytest.approx(2.0), pytest.approx(0.5))
    # 3 people: 2 / (3 - 1) = 1 -> 1 - 2/3 = 0.3333
    assert (three["evidence"], three["strength"]) == (pytest.approx(1.0), pytest.approx(1 / 3))
    # 41 people: 2 / 40 = 0.05 -> 1 - 2/2.05 = 0.02439
    assert (big["evidence"], big["strength"]) == (pytest.approx(0.05), pytest.approx(0.05 / 2.05))
    assert big["strength"] == pytest.approx(0.02439, abs=1e-5)
    # the co-attendees get the same share between themselves
    assert _row(out, "c2", "c3")["strength"] == pytest.approx(1 / 3)
    assert _row(out, "c4", "g00")["evidence"] == pytest.approx(0.05)
    assert [one["n_one_to_one"], three["n_one_to_one"], big["n_one_to_one"]] == [1, 0, 0]


@pytest.mark.parametrize("exponent, big_evidence", [(0.0, 2.0), (0.5, 2 / 40 ** 0.5), (2.0, 2 / 1600)])
def test_the_size_exponent_is_a_setting(exponent, big_evidence):
    s = Settings().replace(strength={"size_exponent": exponent})
    out = strengths(_sizes_snap(), s, "2026-05-01")
    # 0: every pair gets the whole meeting (the old rule); 0.5: 2 / sqrt(40) = 0.3162
    assert _row(out, "c4", "u")["evidence"] == pytest.approx(big_evidence, abs=1e-12)
    assert _row(out, "c2", "u")["evidence"] == pytest.approx(2 / 2 ** exponent, abs=1e-12)
    assert _row(out, "c1", "u")["evidence"] == pytest.approx(2.0, abs=1e-12)  # one-to-one: never discounted


def test_distinct_heavy_evidence_gives_distinct_strengths_below_one():
    # 200 and 300 one-to-one visits today: evidence 600 and 900, strengths 1 - 2/602 = 0.996678
    # and 1 - 2/902 = 0.997783 (the old 1 - exp(-evidence/4) rounded both to exactly 1.0)
    snap = build_snapshot(
        accounts=[{"id": "A", "name": "Acme"}], people=[internal("u", 2), contact("c", "A", 1), contact("d", "A", 1)],
        interactions=[meeting(f"c{i}", "2026-05-01", "u", "c", kind="visit") for i in range(200)]
        + [meeting(f"d{i}", "2026-05-01", "u", "d", kind="visit") for i in range(300)])
    out = strengths(snap, S, "2026-05-01")
    c, d = _row(out, "c", "u")["strength"], _row(out, "d", "u")["strength"]
    assert c == pytest.approx(1 - 2 / 602, abs=1e-12) and d == pytest.approx(1 - 2 / 902, abs=1e-12)
    assert c < d < 1.0
    # and far beyond: the formula itself never reaches 1.0 for finite evidence
    assert combine(np.array([1e6, 2e6]), 0.0, S).tolist() == [1 - 2 / (2 + 1e6), 1 - 2 / (2 + 2e6)]
    assert (combine(np.array([1e6, 2e6]), 0.0, S) < 1.0).all()


def test_counts_of_one_to_one_interactions_and_contact_days():
    snap = build_snapshot(
        accounts=[{"id": "A", "name": "Acme"}], people=[internal("u", 2), internal("v", 3), contact("c", "A", 1)],
        interactions=[meeting("m1", "2026-03-02", "u", "c"), meeting("m2", "2026-03-02", "u", "c", kind="call"),
                      meeting("m3", "2026-03-09", "u", "v", "c"), meeting("m4", "2026-03-20", "u", "c", kind="email")])
    got = _row(strengths(snap, S, "2026-04-01"), "c", "u")
    # four interactions on three days; m1, m2 and m4 had two attendees
    assert (got["n_interactions"], got["n_one_to_one"], got["contact_days"]) == (4, 3, 3)


# -- explain ----------------------------------------------------------------------------------

def test_explain_says_where_each_strength_comes_from():
    t = pd.Timestamp("2026-04-01")
    snap = _snap(ties=[{"person_id": "c", "other_id": "u", "kind": "former_colleague", "strength": 4},
                       {"person_id": "u", "other_id": "x", "kind": "friend", "strength": 3,
                        "assessed_on": "2026-04-01"}],
                 interactions=[meeting("i1", "2026-01-01", "u", "c", kind="visit"),
                               meeting("i2", "2026-02-15", "u", "c", "x", kind="email"),
                               meeting("i3", "2026-03-01", "u", "c", kind="meal"),
                               meeting("i4", "2026-04-01", "c", "x", kind="call")])
    pairs = strengths(snap, S, t)
    lines = dict(zip(zip(pairs["a"], pairs["b"]), explain(pairs, S, t)))
    # c-u: 3 interactions (visit and meal one-to-one), last on 2026-03-01 = 31 days ago;
    # evidence 3.57509, undated former colleague 4: (4 - 0.5)/5 = 0.7: 1 - 0.3 * 2 / 5.57509 = 0.8924
    assert lines[("c", "u")] == ("3 interactions (2 one-to-one), last 31 days ago; half-life 90 days; "
                                 "declared former colleague tie 0.70: 0.89")
    # c-x: the e-mail (3 people) and today's call (one-to-one): 0.10607 + 1.0 -> 1 - 2/3.10607 = 0.3561
    assert lines[("c", "x")] == "2 interactions (1 one-to-one), last today; half-life 90 days: 0.36"
    # u-x: the e-mail 45 days ago plus a friend tie 3 assessed today, (3 - 0.5)/5 = 0.5:
    # 1 - 0.5 * 2/2.10607 = 0.5252
    assert lines[("u", "x")] == ("1 interaction (0 one-to-one), last 45 days ago; half-life 90 days; "
                                 "declared friend tie 0.50: 0.53")
    yesterday = explain(strengths(snap, S, "2026-04-02"), S, "2026-04-02")
    assert "last 1 day ago" in yesterday.iloc[1]
    # for person pairs in either order; None where two people have no relationship at all
    got = explain_pairs(snap, S, ["u", "x", "u"], ["c", "c", "nobody"], t)
    assert got.tolist() == [lines[("c", "u")], lines[("c", "x")], None]


def test_explain_a_pair_known_only_by_declaration():
    snap = _snap(ties=[{"person_id": "c", "other_id": "z", "kind": "classmate", "strength": 5,
                        "assessed_on": "2025-04-01"}],
                 people=[internal("u", 2), contact("c", "A", 1), {"id": "x", "name": "X", "side": "external"},
                         {"id": "z", "name": "Z", "side": "external"}])
    pairs = strengths(snap, S, "2026-04-01")
    row = pairs[(pairs["a"] == "c") & (pairs["b"] == "z")]
    # a 5 counts as (5 - 0.5)/5 = 0.9, never certainty; a year old: 0.9 * 2^(-365/365) = 0.45
    assert explain(row, S, "2026-04-01").tolist() == ["never interacted; declared classmate tie 0.45: 0.45"]


# -- scoped and what-if snapshots keep each interaction's size --------------------------------

def _tables():
    """Account A (contact c) and account B (b1, b2); x is c's friend and met our u at a
    four-person dinner with b1 and b2; u also met c alone."""
    people = pd.DataFrame([
        {"id": "u", "name": "U", "side": "internal"}, {"id": "c", "name": "C", "side": "customer"},
        {"id": "x", "name": "X", "side": "external"}, {"id": "b1", "name": "B1", "side": "customer"},
        {"id": "b2", "name": "B2", "side": "customer"}])
    tables = {
        "accounts": pd.DataFrame([{"id": "A", "name": "Acme"}, {"id": "B", "name": "Birch"}]),
        "people": people,
        "employment": pd.DataFrame([{"person_id": "c", "org_id": "A"}, {"person_id": "b1", "org_id": "B"},
                                    {"person_id": "b2", "org_id": "B"}]),
        "ties": pd.DataFrame([{"person_id": "c", "other_id": "x", "kind": "friend", "strength": 4}]),
        "interactions": pd.DataFrame([{"id": "dinner", "date": "2026-05-01", "kind": "meal"},
                                      {"id": "call", "date": "2026-05-01", "kind": "call"}]),
        "attendance": pd.DataFrame([{"interaction_id": "dinner", "person_id": p} for p in ("u", "x", "b1", "b2")]
                                   + [{"interaction_id": "call", "person_id": p} for p in ("u", "c")]),
    }
    return {name: normalize_frame(name, df) for name, df in tables.items()}


def test_a_scoped_snapshot_keeps_the_size_of_the_interactions_it_trims():
    store = SQLiteStore("sqlite:///:memory:")
    store.write(_tables())
    whole, scoped = store.snapshot(), store.snapshot(["A"])
    # the scope of A drops b1 and b2 from the dinner (they are neither core nor neighbors) ...
    assert set(scoped.attendance.loc[scoped.attendance["interaction_id"] == "dinner", "person_id"]) == {"u", "x"}
    # ... but u-x still shared a four-person dinner: 2.5 / 3 = 0.8333 -> 1 - 2/2.8333 = 0.2941
    # (0.5556 if the dinner counted as one-to-one)
    t = pd.Timestamp("2026-05-01")
    for snap in (whole, scoped):
        ux = _row(strengths(snap, S, t), "u", "x")
        assert ux["evidence"] == pytest.approx(2.5 / 3, abs=1e-12)
        assert ux["strength"] == pytest.approx(1 - 2 / (2 + 2.5 / 3), abs=1e-12)
        assert ux["n_one_to_one"] == 0
    # every pair the scope promises exact (the core with anyone, neighbors with our staff)
    w, s = strengths(whole, S, t), strengths(scoped, S, t)
    keep = [("c", "u"), ("c", "x"), ("u", "x")]
    pick = lambda df: df.set_index(["a", "b"]).loc[keep].reset_index()  # noqa: E731
    pd.testing.assert_frame_equal(pick(s), pick(w), check_exact=False, rtol=1e-12)
    store.close()


def test_removing_a_person_keeps_the_size_of_their_meetings():
    snap = _snap()
    t = pd.Timestamp("2026-04-01")
    before = _row(strengths(snap, S, t), "c", "u")
    after = strengths(without_person(snap, "x"), S, t)
    # x's e-mail still had three people: c-u keeps 0.3 / 2 for it, and all of its strength
    assert _row(after, "c", "u")["strength"] == pytest.approx(before["strength"], abs=1e-12)
    assert _row(after, "c", "u")["n_one_to_one"] == 2
    assert not ((after["a"] == "x") | (after["b"] == "x")).any()


# -- the vectorized code equals the per-pair reference (benchmarks/naive.py) -------------------

PEOPLE = [f"p{i}" for i in range(7)]
T = pd.Timestamp("2026-06-30")
offsets = st.integers(min_value=-30, max_value=400)  # days before T (negative: after T)
an_interaction = st.tuples(offsets, st.sampled_from(InteractionKind.values()),
                           st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=7, unique=True))
a_tie = st.tuples(st.sampled_from(PEOPLE), st.sampled_from(PEOPLE), st.sampled_from(TieKind.values()),
                  st.one_of(st.none(), st.integers(1, 5)), st.one_of(st.none(), offsets))


def _day(offset: int) -> str:
    return (T - pd.Timedelta(days=offset)).strftime("%Y-%m-%d")


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(an_interaction, max_size=10), st.lists(a_tie, max_size=5),
       st.sampled_from([0.0, 0.5, 1.0]), st.sampled_from([-5, 0, 60]))
def test_vectorized_strengths_equal_the_per_pair_reference(interactions, ties, exponent, as_of_shift):
    rows, seen = [], set()
    for a, b, kind, level, assessed in ties:
        key = (min(a, b), max(a, b), kind)
        if a == b or key in seen:
            continue
        seen.add(key)
        rows.append({"person_id": key[0], "other_id": key[1], "kind": kind, "strength": level,
                     "assessed_on": None if assessed is None else _day(assessed)})
    snap = build_snapshot(people=[{"id": p, "name": p, "side": "customer"} for p in PEOPLE],
                          interactions=[meeting(f"i{n}", _day(d), *who, kind=k)
                                        for n, (d, k, who) in enumerate(interactions)],
                          ties=rows)
    s = Settings().replace(strength={"size_exponent": exponent})
    t = T - pd.Timedelta(days=as_of_shift)
    got = strengths(snap, s, t).set_index(["a", "b"])
    idx = naive.strength_index(snap)
    expected = {}
    for i, a in enumerate(PEOPLE):
        for b in PEOPLE[i + 1:]:
            f = naive.pair_facts(idx, a, b, t, s)
            known = any(d is None or d <= naive._day(t) for _, d in idx.ties.get((a, b), ()))
            if f["n_interactions"] or known:
                expected[(a, b)] = f
    assert set(got.index) == set(expected)
    for (a, b), f in expected.items():
        row = got.loc[(a, b)]
        for col in ("strength", "evidence", "declared"):
            assert row[col] == pytest.approx(f[col], rel=1e-12, abs=1e-12), (a, b, col)
        assert (row["n_interactions"], row["n_one_to_one"], row["contact_days"]) == (
            f["n_interactions"], f["n_one_to_one"], f["contact_days"]), (a, b)
        first = None if pd.isna(row["first_interaction"]) else naive._day(row["first_interaction"])
        last = None if pd.isna(row["last_interaction"]) else naive._day(row["last_interaction"])
        assert (first, last) == (f["first_day"], f["last_day"]), (a, b)
