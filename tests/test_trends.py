"""Trends: monthly series, window-corrected slope, rhythm-relative labels, changes.

Definitions (kamgraph/analysis/trends.py, default ``settings.trend``), restated here and
computed by hand in the helpers below:

- strength of a pair whose only evidence is one-to-one meetings (w = 2) at days d_i <= t:
  ``1 - 2 / (2 + sum 2 * 2^(-(t - d_i)/90))`` (visits w = 3, calls w = 1);
- the slope is the least-squares slope of the last 6 monthly points at least 30 days after
  the history start, on *window-corrected* strength: evidence at d divided by
  ``1 - 2^(-(d - start)/90)``;
- rhythm: ``(last - first + typical) / contact_days``, typical = the median over pairs with
  two or more contact days of ``(last - first) / (contact_days - 1)``;
  quiet limit: ``clip(3 * rhythm, 30, 180)``; silence: days since the last interaction
  (never interacted: since the history start);
- labels, first rule wins: new (first contact <= 90 days before t and >= 90 days after the
  start), dormant (silence > limit), warming (slope >= 0.02), cooling (slope <= -0.02 and
  silence > max(rhythm, 15)), stable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import build_snapshot, contact, internal, meeting

from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.trends import monthly_series, relationship_changes, slopes, trends
from kamgraph.errors import ConfigError
from kamgraph.schema import normalize_frame
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot
from kamgraph.store.sqlite import SQLiteStore

H = 90.0


def evidence(meetings, d, weight: float = 2.0) -> float:
    d = pd.Timestamp(d)
    return sum(weight * 2 ** (-(d - pd.Timestamp(m)).days / H) for m in meetings if pd.Timestamp(m) <= d)


def by_formula(meetings, d, weight: float = 2.0) -> float:
    return 1 - 2 / (2 + evidence(meetings, d, weight))


def corrected(meetings, d, start, weight: float = 2.0) -> float:
    """Window-corrected strength at d: evidence / (1 - 2^(-(d - start)/90))."""
    share = 1 - 2 ** (-(pd.Timestamp(d) - pd.Timestamp(start)).days / H)
    return 1 - 2 / (2 + evidence(meetings, d, weight) / share)


def lsq_slope(values) -> float:
    return float(np.polyfit(np.arange(len(values)), values, 1)[0])


def every(first: str, days: int, n: int) -> list[str]:
    return [(pd.Timestamp(first) + pd.Timedelta(days=days * k)).strftime("%Y-%m-%d") for k in range(n)]


def with_start(snap: Snapshot, start: str) -> Snapshot:
    """The snapshot as a store hands it over when an import declared ``--history-from``."""
    return Snapshot(snap.frames, history_from=pd.Timestamp(start))


# ---------------------------------------------------------------------------------------
# labels: one pair per rule, as of T, history declared from START
# ---------------------------------------------------------------------------------------

T = pd.Timestamp("2025-07-01")
START = "2024-07-01"  # 365 days before T
S = Settings(as_of="2025-07-01")
MONTHS = [pd.Timestamp(d) for d in pd.date_range("2024-08-01", "2025-07-01", freq="MS")]
SLOPE_DATES = MONTHS[-6:]  # 2025-02-01 ... 2025-07-01, all well inside the window

STEADY = every("2024-07-01", 30, 13)  # u1: a meeting every 30 days, the last on 2025-06-26
WARM = ["2024-09-01", "2025-03-01", "2025-05-01", "2025-07-01"]  # u1: more and more often
COOL = every("2024-07-05", 45, 7)  # u2: a call every 45 days, the last on 2025-04-01 (91 days ago)
BUSY = ["2025-01-01"] * 10  # u2: ten visits on one day, 181 days ago

# the pairs with two or more contact days: steady (360 / 12 = 30), warm (303 / 3 = 101),
# cool (270 / 6 = 45): typical rhythm 45, so a pair seen on one day is quiet after 3 x 45 = 135
TYPICAL = 45.0

CONTACTS = ("c_steady", "c_warm", "c_cool", "c_new", "c_new90", "c_91", "c_busy", "c_stable", "c_weak")
PEOPLE = [internal("u1", 2), internal("u2", 3), internal("u3", 4), {"id": "x1", "name": "Ext", "side": "external"}] + [
    contact(c, "A1", 2, "decision_maker") for c in CONTACTS]

INTERACTIONS = [
    *[meeting(f"s{k}", d, "u1", "c_steady") for k, d in enumerate(STEADY)],
    *[meeting(f"w{k}", d, "u1", "c_warm") for k, d in enumerate(WARM)],
    *[meeting(f"k{k}", d, "u2", "c_cool", kind="call") for k, d in enumerate(COOL)],
    meeting("n1", "2025-05-01", "u1", "c_new"),
    meeting("n2", "2025-04-02", "u1", "c_new90"),  # exactly 90 days before T
    meeting("n3", "2025-04-01", "u1", "c_91"),  # 91 days before T
    *[meeting(f"b{k}", d, "u2", "c_busy", kind="visit") for k, d in enumerate(BUSY)],
    meeting("int", "2025-06-01", "u1", "u2", "x1"),  # internal-internal and external: not default pairs
]

TIES = [
    {"person_id": "u3", "other_id": "c_stable", "kind": "friend", "strength": 5},  # no date: no decay
    {"person_id": "u3", "other_id": "c_weak", "kind": "business", "strength": 1, "assessed_on": "2024-07-01"},
]


def _snap(assessments=()):
    snap = build_snapshot(accounts=[{"id": "A1", "name": "Acme"}], people=PEOPLE, interactions=INTERACTIONS,
                          ties=TIES, assessments=list(assessments))
    return with_start(snap, START)


@pytest.fixture(scope="module")
def tr():
    return trends(_snap(), S).set_index("other_id")


def test_default_pairs_are_internal_to_customer(tr):
    assert set(tr.index) == set(CONTACTS)
    assert tr.loc["c_new", "person_id"] == "u1"


def tr_pairs():
    return trends(_snap(), S)


def test_all_pairs_on_request():
    every_pair = trends(_snap(), S, pairs="all")
    got = {frozenset(p) for p in zip(every_pair["person_id"], every_pair["other_id"])}
    # the staff-contact pairs plus the three of the internal meeting with an outsider
    assert got == {frozenset(p) for p in zip(tr_pairs()["person_id"], tr_pairs()["other_id"])} | {
        frozenset(("u1", "u2")), frozenset(("u1", "x1")), frozenset(("u2", "x1"))}
    assert len(every_pair) == len(CONTACTS) + 3
    with pytest.raises(ConfigError):
        trends(_snap(), S, pairs="everyone")


def test_monthly_series_points_by_formula():
    ms = monthly_series(_snap(), S)
    one = ms[ms["other_id"] == "c_busy"].sort_values("date")
    assert list(one["date"]) == MONTHS
    # ten visits (w = 3) on 2025-01-01: 1 - 2 / (2 + 30 * 2^(-days/90)); not window-corrected
    expected = [by_formula(BUSY, d, weight=3.0) for d in MONTHS]
    assert expected[:5] == [0.0] * 5  # nothing before the visits
    assert round(expected[5], 4) == 0.9375 and round(expected[-1], 4) == 0.7882
    np.testing.assert_allclose(one["strength"].to_numpy(), expected, atol=1e-9)


def test_slope_is_least_squares_over_the_last_six_window_corrected_points(tr):
    window = [corrected(COOL, d, START, weight=1.0) for d in SLOPE_DATES]
    # at 2025-02-01 the window holds 215 days: evidence / (1 - 2^(-215/90)) = evidence / 0.8091
    assert 1 - 2 ** (-215 / 90) == pytest.approx(0.8091, abs=1e-4)
    assert tr.loc["c_cool", "slope"] == pytest.approx(lsq_slope(window), abs=1e-9)
    assert tr.loc["c_cool", "slope"] == pytest.approx(-0.0285, abs=1e-4)
    assert tr.loc["c_cool", "strength_start"] == pytest.approx(window[0], abs=1e-9)
    # strength now is the plain strength at T (no correction)
    assert tr.loc["c_cool", "strength_now"] == pytest.approx(by_formula(COOL, T, weight=1.0), abs=1e-9)
    warm = [corrected(WARM, d, START) for d in SLOPE_DATES]
    assert tr.loc["c_warm", "slope"] == pytest.approx(lsq_slope(warm), abs=1e-9)


def test_slopes_matrix():
    m = np.array([[0.0, 0.1, 0.2, 0.3], [0.4, 0.4, 0.4, 0.4], [0.9, 0.7, 0.5, 0.3]])
    np.testing.assert_allclose(slopes(m), [0.1, 0.0, -0.2], atol=1e-12)


def test_rhythm_and_quiet_limit_per_pair(tr):
    # steady: (360 + 45) / 13 = 31.15 days -> quiet after 93.46; warm: (303 + 45) / 4 = 87 -> 261, capped at 180
    assert tr.loc["c_steady", "usual_gap_days"] == pytest.approx((360 + TYPICAL) / 13, abs=1e-9)
    assert tr.loc["c_steady", "quiet_limit_days"] == pytest.approx(3 * (360 + TYPICAL) / 13, abs=1e-9)
    assert tr.loc["c_warm", "usual_gap_days"] == pytest.approx(87.0, abs=1e-9)
    assert tr.loc["c_warm", "quiet_limit_days"] == 180.0
    # cool: (270 + 45) / 7 = 45 -> 135; a pair seen on one day: (0 + 45) / 1 -> 135
    assert (tr.loc["c_cool", "usual_gap_days"], tr.loc["c_cool", "quiet_limit_days"]) == (
        pytest.approx(45.0), pytest.approx(135.0))
    assert (tr.loc["c_busy", "usual_gap_days"], tr.loc["c_busy", "quiet_limit_days"]) == (
        pytest.approx(45.0), pytest.approx(135.0))
    # never interacted: no rhythm, the cap
    assert np.isnan(tr.loc["c_stable", "usual_gap_days"]) and tr.loc["c_stable", "quiet_limit_days"] == 180.0


def test_new_at_90_days_and_not_at_91(tr):
    assert tr.loc["c_new", "label"] == "new"
    assert tr.loc["c_new", "slope"] >= S.trend.slope_threshold  # would be warming: new wins
    assert tr.loc["c_new90", "label"] == "new"
    assert tr.loc["c_91", "label"] != "new"
    # 91 days after its one meeting, c_91 is quiet less than 135 days and its strength rose
    # over the window (0 until 2025-04-01): warming
    window = [corrected(["2025-04-01"], d, START) for d in SLOPE_DATES]
    assert lsq_slope(window) == pytest.approx(0.0821, abs=1e-4) and tr.loc["c_91", "label"] == "warming"


def test_dormant_is_silence_beyond_the_pairs_quiet_limit_whatever_the_strength(tr):
    # ten visits 181 days ago: still strong (1 - 2 / (2 + 30 * 2^(-181/90)) = 0.788) but quiet
    # for longer than 3 x 45 = 135 days
    assert tr.loc["c_busy", "strength_now"] == pytest.approx(by_formula(BUSY, T, weight=3.0), abs=1e-9)
    assert tr.loc["c_busy", "strength_now"] == pytest.approx(0.7882, abs=1e-4)
    assert tr.loc["c_busy", "days_since_last"] == 181
    assert tr.loc["c_busy", "label"] == "dormant"


def test_cooling_is_falling_and_overdue_but_not_yet_dormant(tr):
    # a call every 45 days, none for 91: overdue (91 > 45), not dormant (91 <= 135), slope -0.0285
    assert tr.loc["c_cool", "days_since_last"] == 91
    assert tr.loc["c_cool", "slope"] <= -S.trend.slope_threshold
    assert tr.loc["c_cool", "label"] == "cooling"


def test_steady_and_warming(tr):
    steady = [corrected(STEADY, d, START) for d in SLOPE_DATES]
    assert abs(lsq_slope(steady)) < S.trend.slope_threshold  # -0.0010
    assert tr.loc["c_steady", "label"] == "stable"
    assert tr.loc["c_warm", "slope"] == pytest.approx(0.0639, abs=1e-4)
    assert tr.loc["c_warm", "label"] == "warming"


def test_declared_only_pairs_are_silent_since_the_history_start(tr):
    # never interacted, no decay: constant 1.0 -> slope 0; but nothing in the 365 days of
    # history (> the 180-day cap): dormant
    assert tr.loc["c_stable", "strength_now"] == 1.0 and tr.loc["c_stable", "slope"] == 0.0
    assert pd.isna(tr.loc["c_stable", "last_interaction"]) and tr.loc["c_stable", "n_interactions"] == 0
    assert tr.loc["c_stable", "label"] == "dormant"
    # 1/5 * 2^(-365/365) = 0.1
    assert tr.loc["c_weak", "strength_now"] == pytest.approx(0.1, abs=1e-9)
    assert tr.loc["c_weak", "label"] == "dormant"


def test_declared_only_pairs_in_a_short_history_are_not_dormant():
    # the history starts 100 days before T (the first interaction): silence 100 <= 180
    snap = build_snapshot(accounts=[{"id": "A1", "name": "Acme"}], people=PEOPLE,
                          interactions=[meeting("first", "2025-03-23", "u1", "c_new")], ties=TIES)
    t = trends(snap, S).set_index("other_id")
    assert snap.history_start == pd.Timestamp("2025-03-23")
    assert t.loc["c_stable", "label"] == "stable"
    # declared 0.2 * 2^(-days/365) over 2025-05-01 ... 2025-07-01 (points >= 30 days into the
    # window): about -0.0057 a month, above -0.02
    points = [pd.Timestamp(d) for d in ("2025-05-01", "2025-06-01", "2025-07-01")]
    declared = [0.2 * 2 ** (-(d - pd.Timestamp("2024-07-01")).days / 365) for d in points]
    assert t.loc["c_weak", "slope"] == pytest.approx(lsq_slope(declared), abs=1e-9)
    assert t.loc["c_weak", "label"] == "stable"


def test_slope_threshold_boundary():
    slope = trends(_snap(), S).set_index("other_id").loc["c_cool", "slope"]
    at = trends(_snap(), S.replace(trend={"slope_threshold": abs(slope)})).set_index("other_id")
    above = trends(_snap(), S.replace(trend={"slope_threshold": abs(slope) * (1 + 1e-9)})).set_index("other_id")
    assert at.loc["c_cool", "label"] == "cooling"
    assert above.loc["c_cool", "label"] == "stable"


def test_explicit_pairs_keep_their_orientation_and_unknown_pairs_have_no_label():
    pairs = pd.DataFrame({"person_id": ["c_new", "u3"], "other_id": ["u1", "c_new"]})
    t = trends(_snap(), S, pairs=pairs)
    assert list(zip(t["person_id"], t["other_id"])) == [("c_new", "u1"), ("u3", "c_new")]
    assert t.loc[0, "label"] == "new"
    assert pd.isna(t.loc[1, "label"]) and t.loc[1, "strength_now"] == 0.0


# ---------------------------------------------------------------------------------------
# where the history starts
# ---------------------------------------------------------------------------------------

def _fortnightly(start: str | None, first: str = "2025-01-06", more=()):
    """u and c meet every 14 days from ``first`` to the end of 2025."""
    days = [d.strftime("%Y-%m-%d") for d in pd.date_range(first, "2025-12-31", freq="14D")]
    snap = build_snapshot(accounts=[{"id": "A", "name": "Acme"}],
                          people=[internal("u", 2), contact("c", "A", 2), contact("d", "A", 2)],
                          interactions=[meeting(f"m{k}", d, "u", "c") for k, d in enumerate(days)] + list(more))
    return (snap if start is None else with_start(snap, start)), days


@pytest.mark.parametrize("declared", [None, "2025-01-01"])
@pytest.mark.parametrize("as_of, raw_slope", [("2025-03-06", 0.0739), ("2025-05-06", 0.0409), ("2025-07-06", 0.0265)])
def test_a_steady_pair_is_stable_from_the_start_of_the_data(declared, as_of, raw_slope):
    # the history starts with the first meeting (2025-01-06), or where an import declared it
    # (2025-01-01, a few days earlier); 2, 4 and 6 months later the slope points are the
    # month-ends at least 30 days in: 2025-02-06 ... as_of
    snap, days = _fortnightly(declared)
    start = declared or "2025-01-06"
    assert snap.history_start == pd.Timestamp(start)
    t = pd.Timestamp(as_of)
    points = [t - pd.DateOffset(months=k) for k in range(5, -1, -1)]
    points = [p for p in points if (p - pd.Timestamp(start)).days >= 30]
    assert points[0] == pd.Timestamp("2025-02-06")
    met = [d for d in days if pd.Timestamp(d) <= t]
    # plain strength rises for months only because the data starts: it would read as warming
    assert lsq_slope([by_formula(met, d) for d in points]) == pytest.approx(raw_slope, abs=1e-4)
    assert raw_slope >= Settings().trend.slope_threshold
    corrected_slope = lsq_slope([corrected(met, d, start) for d in points])
    assert abs(corrected_slope) < Settings().trend.slope_threshold
    row = trends(snap, Settings(as_of=as_of)).set_index("other_id").loc["c"]
    assert row["slope"] == pytest.approx(corrected_slope, abs=1e-9)
    # first contact at the start of the data: not new, although it is less than 90 days old at 2 months
    assert row["label"] == "stable"


def test_new_only_when_the_first_contact_is_well_after_the_start():
    # d first met u on 2025-06-20, 165 days into the history and 16 days before the as-of date
    snap, _ = _fortnightly(None, more=[meeting("intro", "2025-06-20", "u", "d")])
    t = trends(snap, Settings(as_of="2025-07-06")).set_index("other_id")
    assert t.loc["d", "label"] == "new"
    assert t.loc["c", "label"] == "stable"  # first contact on the first day of the data
    # an import declaring the history from mid-2024: c's first meeting (2025-01-06) is now
    # 189 days into the history, and 59 days before 2025-03-06: a new relationship
    early, _ = _fortnightly("2024-07-01")
    assert trends(early, Settings(as_of="2025-03-06")).set_index("other_id").loc["c", "label"] == "new"


def test_the_history_starts_at_the_earlier_of_the_declared_start_and_the_first_interaction():
    snap, _ = _fortnightly(None)
    assert snap.history_start == pd.Timestamp("2025-01-06")
    assert with_start(snap, "2024-12-01").history_start == pd.Timestamp("2024-12-01")
    assert with_start(snap, "2025-03-01").history_start == pd.Timestamp("2025-01-06")


def test_points_too_close_to_the_start_are_not_fitted():
    # 20 days after the first meeting no monthly point is 30 days into the window: no slope
    snap, _ = _fortnightly(None)
    row = trends(snap, Settings(as_of="2025-01-26")).set_index("other_id").loc["c"]
    assert row["slope"] == 0.0 and row["label"] == "stable"


# ---------------------------------------------------------------------------------------
# dormancy relative to each pair's rhythm
# ---------------------------------------------------------------------------------------

T2 = pd.Timestamp("2026-06-30")
S2 = Settings(as_of="2026-06-30")


def _rhythm(silence: int, gap: int, n: int) -> list[str]:
    """n meetings ``gap`` days apart, the last ``silence`` days before T2."""
    last = T2 - pd.Timedelta(days=silence)
    return [(last - pd.Timedelta(days=gap * k)).strftime("%Y-%m-%d") for k in range(n - 1, -1, -1)]


RHYTHMS = {
    "c_weekly": _rhythm(35, 7, 20),  # weekly for 20 weeks, silent 5 weeks
    "c_60": _rhythm(70, 60, 6),  # every 60 days, silent 70
    "c_floor29": _rhythm(29, 2, 51),  # every other day for 100 days, silent 29 / 31
    "c_floor31": _rhythm(31, 2, 51),
    "c_cap179": _rhythm(179, 120, 3),  # every 120 days, silent 179 / 181
    "c_cap181": _rhythm(181, 120, 3),
    "c_once100": _rhythm(100, 1, 1),  # seen on one day, 100 / 101 days ago
    "c_once101": _rhythm(101, 1, 1),
}
# own gaps of the pairs with two or more contact days: 7, 60, 2, 2, 120, 120 -> median 33.5
TYPICAL2 = (7 + 60) / 2


@pytest.fixture(scope="module")
def rhythm():
    snap = build_snapshot(
        accounts=[{"id": "A", "name": "Acme"}], people=[internal("u", 2)] + [contact(c, "A", 2) for c in RHYTHMS],
        interactions=[meeting(f"{c}-{k}", d, "u", c) for c, days in RHYTHMS.items() for k, d in enumerate(days)])
    return trends(with_start(snap, "2025-01-01"), S2).set_index("other_id")


@pytest.mark.parametrize("pair, span, days, limit", [
    ("c_weekly", 133, 20, 30.0),  # (133 + 33.5) / 20 = 8.325; 3 x = 24.98 -> the 30-day floor
    ("c_60", 300, 6, 166.75),  # (300 + 33.5) / 6 = 55.58; 3 x = 166.75
    ("c_floor29", 100, 51, 30.0),  # 2.62; 3 x = 7.85 -> floor
    ("c_cap179", 240, 3, 180.0),  # 91.17; 3 x = 273.5 -> the 180-day cap
    ("c_once100", 0, 1, 100.5),  # seen on one day: the typical rhythm, 33.5; 3 x = 100.5
])
def test_the_quiet_limit_is_three_rhythms_between_the_floor_and_the_cap(rhythm, pair, span, days, limit):
    assert rhythm.loc[pair, "usual_gap_days"] == pytest.approx((span + TYPICAL2) / days, abs=1e-9)
    assert rhythm.loc[pair, "quiet_limit_days"] == pytest.approx(limit, abs=1e-9)


def test_a_weekly_pair_silent_five_weeks_is_dormant_a_60_day_pair_silent_70_days_is_not(rhythm):
    assert rhythm.loc["c_weekly", "days_since_last"] == 35 and rhythm.loc["c_weekly", "label"] == "dormant"
    assert rhythm.loc["c_60", "days_since_last"] == 70 and rhythm.loc["c_60", "label"] != "dormant"
    # overdue (70 > 55.6) but its window-corrected strength barely falls (-0.008 a month): stable
    assert rhythm.loc["c_60", "slope"] == pytest.approx(
        lsq_slope([corrected(RHYTHMS["c_60"], d, "2025-01-01") for d in
                   [T2 - pd.DateOffset(months=k) for k in range(5, -1, -1)]]), abs=1e-9)
    assert rhythm.loc["c_60", "label"] == "stable"


def test_the_floor_and_the_cap(rhythm):
    # every other day: 3 x 2.6 = 7.9 days would call a week's holiday dormant; the floor is 30
    assert rhythm.loc["c_floor29", "label"] == "warming"  # met since February: rising, 29 days quiet
    assert rhythm.loc["c_floor31", "label"] == "dormant"
    # every 120 days: 3 x 91 = 273 days would wait nine months; the cap is 180
    assert rhythm.loc["c_cap179", "label"] == "cooling"  # falling and overdue (179 > 91), not yet dormant
    assert rhythm.loc["c_cap181", "label"] == "dormant"
    # one contact day: judged by the typical rhythm
    assert rhythm.loc["c_once100", "label"] != "dormant"
    assert rhythm.loc["c_once101", "label"] == "dormant"


# ---------------------------------------------------------------------------------------
# a scoped snapshot labels the account's pairs as the whole portfolio does
# ---------------------------------------------------------------------------------------

def _two_accounts_store():
    """Account A: decision-maker c met u once, 100 days before T2. Account B: v meets b0, b1
    and b2 every 30 days (10 times each, the last 5 days ago)."""
    def day(k: int) -> str:
        return (T2 - pd.Timedelta(days=k)).strftime("%Y-%m-%d")

    people = ([{"id": "u", "name": "U", "side": "internal"}, {"id": "v", "name": "V", "side": "internal"},
               {"id": "c", "name": "C", "side": "customer"}]
              + [{"id": f"b{i}", "name": f"B{i}", "side": "customer"} for i in range(3)])
    monthly = [(f"m{i}-{k}", f"b{i}", day(5 + 30 * k)) for i in range(3) for k in range(10)]
    tables = {
        "accounts": pd.DataFrame([{"id": "A", "name": "Acme"}, {"id": "B", "name": "Birch"}]),
        "people": pd.DataFrame(people),
        "employment": pd.DataFrame([{"person_id": "c", "org_id": "A"}]
                                   + [{"person_id": f"b{i}", "org_id": "B"} for i in range(3)]),
        "assessments": pd.DataFrame([{"person_id": "c", "account_id": "A", "assessed_on": "2025-01-01",
                                      "decision_role": "decision_maker"}]),
        "interactions": pd.DataFrame([{"id": "once", "date": day(100), "kind": "meeting"}]
                                     + [{"id": i, "date": d, "kind": "meeting"} for i, _, d in monthly]),
        "attendance": pd.DataFrame([{"interaction_id": "once", "person_id": p} for p in ("u", "c")]
                                   + [{"interaction_id": i, "person_id": p} for i, b, _ in monthly for p in ("v", b)]),
    }
    store = SQLiteStore("sqlite:///:memory:")
    store.write({name: normalize_frame(name, df) for name, df in tables.items()})
    return store


@pytest.mark.xfail(strict=True, reason="bug: typical_gap() is the median over the pairs of the snapshot at hand, "
                   "so a scoped snapshot (one account and its neighbors) judges a one-day pair by another typical "
                   "rhythm than the whole portfolio: u-c is dormant on the portfolio (typical 30 days, quiet limit "
                   "90) and warming on A's snapshot (no pair with two contact days: typical 180, limit 180), and "
                   "A's cooling_key_relationship gap disappears")
def test_a_scoped_snapshot_labels_the_accounts_pairs_as_the_whole_portfolio_does():
    store = _two_accounts_store()
    whole, scoped = store.snapshot(), store.snapshot(["A"])
    assert whole.history_start == scoped.history_start == T2 - pd.Timedelta(days=275)
    on_whole = trends(whole, S2).set_index(["person_id", "other_id"]).loc[("u", "c")]
    # own gaps of the pairs met on two or more days: 30, 30, 30; u-c, seen once: (0 + 30) / 1 -> quiet after 90
    assert (on_whole["usual_gap_days"], on_whole["quiet_limit_days"], on_whole["label"]) == (30.0, 90.0, "dormant")
    on_scope = trends(scoped, S2).set_index(["person_id", "other_id"]).loc[("u", "c")]
    g_whole = gaps(whole, S2, kinds=["cooling_key_relationship"], accounts=["A"])
    g_scope = gaps(scoped, S2, kinds=["cooling_key_relationship"], accounts=["A"])
    store.close()
    assert list(g_whole["target_id"]) == ["c"]
    assert (on_scope["quiet_limit_days"], on_scope["label"]) == (90.0, "dormant")
    assert list(g_scope["target_id"]) == ["c"]


# ---------------------------------------------------------------------------------------
# what changed between two dates
# ---------------------------------------------------------------------------------------

ASSESSMENTS = [
    {"person_id": "c_busy", "account_id": "A1", "assessed_on": "2025-01-01", "decision_role": "decision_maker",
     "attitude": "supporter", "influence": 3, "assessed_by": "u2"},
    {"person_id": "c_busy", "account_id": "A1", "assessed_on": "2025-03-15", "attitude": "skeptic",
     "assessed_by": "u2"},
    {"person_id": "c_busy", "account_id": "A1", "assessed_on": "2025-05-01", "decision_role": "approver",
     "influence": 5},
    {"person_id": "c_busy", "account_id": "A1", "assessed_on": "2025-06-01", "attitude": "skeptic"},  # no change
    {"person_id": "c_busy", "account_id": "A1", "assessed_on": "2025-08-01", "attitude": "opponent"},  # after end
    {"person_id": "c_new", "account_id": "A1", "assessed_on": "2025-04-01", "attitude": "champion"},  # first: no change
]


def test_relationship_changes_lists_attitude_and_role_changes_with_dates():
    ch = relationship_changes(_snap(ASSESSMENTS), S, "2025-02-01", "2025-07-01")
    a = ch[ch["kind"] != "relationship"].reset_index(drop=True)
    assert list(zip(a["kind"], a["date"].dt.strftime("%Y-%m-%d"), a["before"], a["after"])) == [
        ("attitude", "2025-03-15", "supporter", "skeptic"),
        ("decision_role", "2025-05-01", "decision_maker", "approver"),
        ("influence", "2025-05-01", "3", "5"),
    ]
    assert a.loc[0, "delta"] == -2.0  # supporter (+1) -> skeptic (-1)
    assert a.loc[2, "delta"] == 2.0
    assert a.loc[0, "person_id"] == "c_busy" and a.loc[0, "assessed_by"] == "u2"
    assert "supporter → skeptic on 2025-03-15" in a.loc[0, "description"]


def test_relationship_changes_lists_pairs_that_moved():
    ch = relationship_changes(_snap(), S, "2025-02-01", "2025-07-01")
    rel = ch[ch["kind"] == "relationship"].set_index("other_id")
    s0, s1 = by_formula(BUSY, pd.Timestamp("2025-02-01"), 3.0), by_formula(BUSY, T, 3.0)
    assert rel.loc["c_busy", "strength_before"] == pytest.approx(s0, abs=1e-9)
    assert rel.loc["c_busy", "delta"] == pytest.approx(s1 - s0, abs=1e-9)
    # on 2025-02-01 the visits were a month old and 184 days into the history: new; now dormant
    assert (rel.loc["c_busy", "before"], rel.loc["c_busy", "after"]) == ("new", "dormant")
    assert "c_stable" not in rel.index  # nothing moved: dormant at both dates, strength 1.0
    assert pd.isna(rel.loc["c_new", "before"]) and rel.loc["c_new", "after"] == "new"  # unknown at start


def test_relationship_changes_needs_start_before_end():
    with pytest.raises(ConfigError):
        relationship_changes(_snap(), S, "2025-07-01", "2025-02-01")
