"""Invariants of strength, coverage and what-if on random small graphs (hypothesis).

- adding an interaction never lowers any strength at a later date;
- adding a tie never lowers coverage (best strengths, threads, coverage scores);
- removing an internal person never raises coverage;
- the top-2 key-person drop equals recomputing coverage without the person.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from analysis_fixtures import build_snapshot, contact, internal, meeting
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from kamgraph.analysis.coverage import account_coverage, contact_coverage
from kamgraph.analysis.strength import pair_strengths
from kamgraph.analysis.whatif import key_person_drops, without_person
from kamgraph.model import InteractionKind, TieKind
from kamgraph.settings import Settings

T = pd.Timestamp("2025-07-01")
S = Settings(as_of="2025-07-01")
INTERNAL = [internal(f"u{i}", lvl) for i, lvl in enumerate([1, 2, 3, 4])]
CONTACTS = [contact(f"c{i}", f"A{i % 2}", lvl, role)
            for i, (lvl, role) in enumerate([(1, "decision_maker"), (2, "approver"), (3, "technical_evaluator"),
                                             (2, "decision_maker"), (4, "user"), (3, None)])]
IDS = [p["id"] for p in INTERNAL + CONTACTS]
OURS = [p["id"] for p in INTERNAL]
THEIRS = [p["id"] for p in CONTACTS]

days = st.integers(min_value=0, max_value=500)
kinds = st.sampled_from(InteractionKind.values())
interaction = st.tuples(days, kinds, st.lists(st.sampled_from(IDS), min_size=2, max_size=4, unique=True))
tie = st.tuples(st.sampled_from(OURS + THEIRS), st.sampled_from(OURS + THEIRS), st.sampled_from(TieKind.values()),
                st.integers(1, 5), st.one_of(st.none(), days))
cross_tie = st.tuples(st.sampled_from(OURS), st.sampled_from(THEIRS), st.sampled_from(TieKind.values()),
                      st.integers(1, 5), st.one_of(st.none(), days))

# each example builds and analyses a few snapshots (~1 s); 25 examples per invariant keep the
# module near a minute while still exploring empty graphs, ties only, mixed dates and kinds
PROPS = hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _date(offset: int) -> str:
    return (T - pd.Timedelta(days=offset)).strftime("%Y-%m-%d")


def _snap(interactions, ties):
    inter = [meeting(f"i{n}", _date(d), *who, kind=k) for n, (d, k, who) in enumerate(interactions)]
    tie_rows = {}
    for a, b, kind, strength, assessed in ties:
        if a == b:
            continue
        key = (min(a, b), max(a, b), kind)
        if key in tie_rows:  # the first declaration of a tie counts (a later one is not "adding")
            continue
        tie_rows[key] = {"person_id": key[0], "other_id": key[1], "kind": kind, "strength": strength,
                         "assessed_on": None if assessed is None else _date(assessed)}
    return build_snapshot(accounts=[{"id": "A0", "name": "Zero"}, {"id": "A1", "name": "One"}],
                          people=INTERNAL + CONTACTS, interactions=inter, ties=list(tie_rows.values()))


def _pairs(snap, as_of=T):
    # graph.pair_strengths is strengths() as the analyses call it (memoized per date)
    return pair_strengths(snap, S, as_of).set_index(["a", "b"])["strength"]


@PROPS
@given(st.lists(interaction, max_size=8), st.lists(tie, max_size=5), interaction, st.integers(0, 200))
def test_adding_an_interaction_never_lowers_a_later_strength(inters, ties, extra, later):
    at = T + pd.Timedelta(days=later)  # any date on or after the new interaction (which is <= T)
    before = _pairs(_snap(inters, ties), at)
    after = _pairs(_snap(inters + [extra], ties), at)
    assert set(before.index) <= set(after.index)
    assert (after.reindex(before.index).to_numpy() >= before.to_numpy() - 1e-12).all()


def _coverage_view(snap):
    cc = contact_coverage(snap, S).set_index(["account_id", "contact_id"])
    ac = account_coverage(snap, S).set_index("account_id")  # reuses the memoized strengths
    return cc["best_strength"].fillna(-1.0), cc["threads"], ac["coverage_score"].fillna(-1.0), ac["threads"]


@PROPS
@given(st.lists(interaction, max_size=8), st.lists(tie, max_size=5), cross_tie)
def test_adding_a_tie_never_lowers_coverage(inters, ties, extra):
    before = _coverage_view(_snap(inters, ties))
    after = _coverage_view(_snap(inters, ties + [extra]))
    for b, a in zip(before, after):
        assert (a.to_numpy() >= b.to_numpy() - 1e-12).all()


@PROPS
@given(st.lists(interaction, max_size=8), st.lists(tie, max_size=6), st.sampled_from(OURS))
def test_removing_an_internal_person_never_raises_coverage(inters, ties, person):
    snap = _snap(inters, ties)
    before = _coverage_view(snap)
    after = _coverage_view(without_person(snap, person))
    for b, a in zip(before, after):
        assert (a.to_numpy() <= b.to_numpy() + 1e-12).all()


@PROPS
@given(st.lists(interaction, max_size=8), st.lists(tie, max_size=6), st.sampled_from(OURS))
def test_key_person_drop_equals_recomputing_without_them(inters, ties, person):
    snap = _snap(inters, ties)
    drops = key_person_drops(snap, S).set_index(["account_id", "internal_id"])["drop"]
    before = account_coverage(snap, S).set_index("account_id")["coverage_score"].fillna(0.0)
    after = account_coverage(without_person(snap, person), S).set_index("account_id")["coverage_score"].fillna(0.0)
    for acc in before.index:
        assert np.isclose(before[acc] - after[acc], drops.get((acc, person), 0.0), atol=1e-12)


@PROPS
@given(st.lists(interaction, max_size=10), st.lists(tie, max_size=6), st.integers(-30, 400))
def test_monthly_strength_matrix_equals_strengths_at_each_date(inters, ties, shift):
    from kamgraph.analysis.dates import month_ends
    from kamgraph.analysis.trends import default_pairs, monthly_series

    snap = _snap(inters, ties)
    as_of = T - pd.Timedelta(days=shift)
    pairs = default_pairs(snap, S, T)
    ms = monthly_series(snap, S, as_of, pairs=pairs)
    for d in month_ends(as_of, S.trend.months):
        want = _pairs(snap, d)
        got = ms[ms["date"] == d]
        a = np.minimum(got["person_id"], got["other_id"])
        b = np.maximum(got["person_id"], got["other_id"])
        expected = [want.get((x, y), 0.0) for x, y in zip(a, b)]
        np.testing.assert_allclose(got["strength"].to_numpy(), expected, atol=1e-12)
