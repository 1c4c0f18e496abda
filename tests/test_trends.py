"""Trends: monthly series, window-corrected slope, rhythm-relative labels, changes.

Definitions (kamgraph/analysis/trends.py, default ``settings.trend``), restated here and
computed by hand in the helpers below:

- strength of a pair whose only evidence is one-to-one meetings (w = 2) at days d_i <= t:
  ``1 - 2 / (2 + sum 2 * 2^(-(t - d_i)/90))`` (visits w = 3, calls w = 1); a declared k
  counts (k - 0.5) / 5;
- the slope is the monthly relative change of the strength's odds s / (1 - s): ``2^b - 1``
  with b the least-squares slope of ``log2(s / (1 - s))`` (s clipped to [0.001, 0.999]) over
  the last 6 monthly points at least 30 days after the history start, on *window-corrected*
  strength: evidence at d divided by ``1 - 2^(-(d - start)/90)``. Without a declared tie the
  odds are evidence / 2, so the slope is the relative change of the evidence itself;
- rhythm: ``(last - first + prior) / contact_days``; a person's rhythm is the median, over
  their pairs with two or more contact days, of ``(last - first) / (contact_days - 1)``; a
  pair's prior is the mean rhythm of its ends that are not our staff (both ends for two of
  ours); without a prior the pair's own mean gap (two or more contact days) or none;
  quiet limit: ``clip(3 * rhythm, 30, 180)`` (no rhythm: 180); silence: days since the last
  interaction (never interacted: since the history start);
- labels, first rule wins: new (first contact <= 90 days before t and >= 90 days after the
  start), dormant (silence > limit), warming (slope >= +15% a month), cooling (slope <= -15%
  a month and silence > max(rhythm, 15)), stable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import build_snapshot, contact, internal, meeting

from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.trends import (log_odds, monthly_series, pair_prior, person_rhythm, relationship_changes,
                                      slopes, trends)
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


def odds_slope(strengths) -> float:
    """The monthly relative change of the odds: 2^(least-squares slope of log2 odds) - 1."""
    s = np.clip(np.asarray(strengths, dtype=float), 1e-3, 1 - 1e-3)
    return 2 ** lsq_slope(np.log2(s / (1 - s))) - 1


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
COOL = every("2024-07-15", 45, 6)  # u2: a call every 45 days, the last on 2025-02-25 (126 days ago)
BUSY = ["2025-01-01"] * 10  # u2: ten visits on one day, 181 days ago
BUSY_X = every("2024-09-01", 30, 9)  # x1 meets c_busy every 30 days: c_busy's own rhythm is 30 days
BURST = ["2025-02-01"] * 10  # u1: ten meetings on one day, then ...
BURST_CALL = ["2025-06-21"]  # ... one call 10 days ago

# each contact's rhythm is the median own gap of its pairs with two or more contact days:
# c_steady 360 / 12 = 30, c_warm 303 / 3 = 101, c_cool 225 / 5 = 45, c_busy 240 / 8 = 30 (with
# x1), c_burst 140 / 1 = 140; c_new, c_new90 and c_91 were seen on one day only: no rhythm
CONTACTS = ("c_steady", "c_warm", "c_cool", "c_new", "c_new90", "c_91", "c_busy", "c_burst", "c_stable", "c_weak")
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
    *[meeting(f"bx{k}", d, "x1", "c_busy") for k, d in enumerate(BUSY_X)],
    *[meeting(f"r{k}", d, "u1", "c_burst") for k, d in enumerate(BURST)],
    *[meeting(f"rc{k}", d, "u1", "c_burst", kind="call") for k, d in enumerate(BURST_CALL)],
    meeting("int", "2025-06-01", "u1", "u2", "x1"),  # internal-internal and external: not default pairs
]

TIES = [
    {"person_id": "u3", "other_id": "c_stable", "kind": "friend", "strength": 5},  # no date: no decay, 0.9
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
    # the staff-contact pairs plus the three of the internal meeting with an outsider, and the
    # outsider with c_busy
    assert got == {frozenset(p) for p in zip(tr_pairs()["person_id"], tr_pairs()["other_id"])} | {
        frozenset(("u1", "u2")), frozenset(("u1", "x1")), frozenset(("u2", "x1")), frozenset(("c_busy", "x1"))}
    assert len(every_pair) == len(CONTACTS) + 4
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


def test_slope_is_the_relative_change_of_the_odds_over_the_last_six_window_corrected_points(tr):
    window = [corrected(COOL, d, START, weight=1.0) for d in SLOPE_DATES]
    # at 2025-02-01 the window holds 215 days: evidence / (1 - 2^(-215/90)) = evidence / 0.8091
    assert 1 - 2 ** (-215 / 90) == pytest.approx(0.8091, abs=1e-4)
    assert tr.loc["c_cool", "slope"] == pytest.approx(odds_slope(window), abs=1e-9)
    assert tr.loc["c_cool", "slope"] == pytest.approx(-0.1845, abs=1e-4)
    # without a declared tie the odds are evidence / 2: the slope is that of the evidence
    ev = [evidence(COOL, d, 1.0) / (1 - 2 ** (-(d - pd.Timestamp(START)).days / H)) for d in SLOPE_DATES]
    assert odds_slope(window) == pytest.approx(2 ** lsq_slope(np.log2(ev)) - 1, abs=1e-9)
    # strength_start is the plain strength where the slope window starts, strength now the
    # plain strength at T (no correction for either)
    assert tr.loc["c_cool", "window_start"] == SLOPE_DATES[0] == pd.Timestamp("2025-02-01")
    assert tr.loc["c_cool", "strength_start"] == pytest.approx(by_formula(COOL, SLOPE_DATES[0], weight=1.0), abs=1e-9)
    assert tr.loc["c_cool", "strength_start"] < window[0]
    assert tr.loc["c_cool", "strength_now"] == pytest.approx(by_formula(COOL, T, weight=1.0), abs=1e-9)
    warm = [corrected(WARM, d, START) for d in SLOPE_DATES]
    assert tr.loc["c_warm", "slope"] == pytest.approx(odds_slope(warm), abs=1e-9)


def test_log_odds_is_clipped():
    assert log_odds(np.array([0.5, 0.8, 0.2, 0.0, 1.0])).tolist() == pytest.approx(
        [0.0, 2.0, -2.0, np.log2(0.001 / 0.999), np.log2(0.999 / 0.001)], abs=1e-12)


def test_a_strong_relationship_cools_as_visibly_as_a_weak_one():
    # the same calls, one a day or ten a day: strengths far apart (0.36 and 0.85 now), the
    # same pattern. The odds are evidence / 2, ten times larger at every point, so log2 odds
    # only shift by log2(10): the same slope, -18.45% a month. On the strength scale the strong
    # pair would barely move (-0.017 a month against -0.050).
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}], people=[internal("u", 2), contact("weak", "A1", 2), contact("strong", "A1", 2)],
        interactions=[meeting(f"w{k}", d, "u", "weak", kind="call") for k, d in enumerate(COOL)]
        + [meeting(f"s{k}-{j}", d, "u", "strong", kind="call") for k, d in enumerate(COOL) for j in range(10)])
    t = trends(with_start(snap, START), S).set_index("other_id")
    weak = [corrected(COOL, d, START, weight=1.0) for d in SLOPE_DATES]
    strong = [corrected(COOL, d, START, weight=10.0) for d in SLOPE_DATES]
    assert t.loc["weak", "strength_now"] == pytest.approx(by_formula(COOL, T, weight=1.0), abs=1e-9)
    assert t.loc["strong", "strength_now"] == pytest.approx(by_formula(COOL, T, weight=10.0), abs=1e-9)
    assert (t.loc["weak", "strength_now"], t.loc["strong", "strength_now"]) == (
        pytest.approx(0.3614, abs=1e-4), pytest.approx(0.8499, abs=1e-4))
    assert t.loc["strong", "slope"] == pytest.approx(t.loc["weak", "slope"], abs=1e-12)
    assert t.loc["strong", "slope"] == pytest.approx(odds_slope(strong), abs=1e-9)
    assert t.loc["strong", "slope"] == pytest.approx(-0.1845, abs=1e-4)
    assert (lsq_slope(weak), lsq_slope(strong)) == (pytest.approx(-0.0501, abs=1e-4), pytest.approx(-0.0169, abs=1e-4))
    assert (t.loc["weak", "label"], t.loc["strong", "label"]) == ("cooling", "cooling")


def test_complete_silence_is_minus_21_percent_a_month():
    # twenty visits a year before T (evidence 60 * 2^(-365/90) = 3.6 at T: strength 0.64, well
    # inside the [0.001, 0.999] clip), the history declared from ten years before: the window
    # correction is 1 - 2^(-(d - start)/90), 1 to 11 digits, and the evidence halves every
    # 90 days: log2 odds fall by days / 90. Over the month starts 2025-02-01 ... 07-01
    # (days 0, 28, 59, 89, 120, 150) the least-squares slope is 30.1714 days a month, so
    # 2^(-30.1714/90) - 1 = -20.73% a month (the -21% of an average month, 30.4 days)
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}], people=[internal("u", 2), contact("c", "A1", 2)],
        interactions=[meeting(f"m{k}", "2024-07-01", "u", "c", kind="visit") for k in range(20)])
    row = trends(with_start(snap, "2015-07-01"), S).set_index("other_id").loc["c"]
    offsets = [(d - SLOPE_DATES[0]).days for d in SLOPE_DATES]
    assert offsets == [0, 28, 59, 89, 120, 150] and lsq_slope(offsets) == pytest.approx(30.1714, abs=1e-4)
    assert row["slope"] == pytest.approx(2 ** (-lsq_slope(offsets) / H) - 1, abs=1e-9)
    assert row["slope"] == pytest.approx(-0.2073, abs=1e-4)
    assert row["label"] == "dormant"  # silent for a year


def test_slopes_matrix():
    m = np.array([[0.0, 0.1, 0.2, 0.3], [0.4, 0.4, 0.4, 0.4], [0.9, 0.7, 0.5, 0.3]])
    np.testing.assert_allclose(slopes(m), [0.1, 0.0, -0.2], atol=1e-12)


def test_rhythm_and_quiet_limit_per_pair(tr):
    # steady: (360 + 30) / 13 = 30 days -> quiet after 90; warm: (303 + 101) / 4 = 101 -> 303,
    # capped at 180. A contact whose only regular pair is this one has its own gap as prior,
    # (span + span / (n - 1)) / n = span / (n - 1): shrinking changes nothing
    assert tr.loc["c_steady", "usual_gap_days"] == pytest.approx((360 + 30) / 13, abs=1e-9)
    assert tr.loc["c_steady", "quiet_limit_days"] == pytest.approx(90.0, abs=1e-9)
    assert tr.loc["c_warm", "usual_gap_days"] == pytest.approx(101.0, abs=1e-9)
    assert tr.loc["c_warm", "quiet_limit_days"] == 180.0
    # cool: (225 + 45) / 6 = 45 -> 135
    assert (tr.loc["c_cool", "usual_gap_days"], tr.loc["c_cool", "quiet_limit_days"]) == (
        pytest.approx(45.0), pytest.approx(135.0))
    # a pair seen on one day is judged by its people's rhythm: c_busy meets x1 every 30 days,
    # (0 + 30) / 1 = 30 -> 90; c_91 has no pair with two contact days: no rhythm, the cap
    assert (tr.loc["c_busy", "usual_gap_days"], tr.loc["c_busy", "quiet_limit_days"]) == (
        pytest.approx(30.0), pytest.approx(90.0))
    assert np.isnan(tr.loc["c_91", "usual_gap_days"]) and tr.loc["c_91", "quiet_limit_days"] == 180.0
    # never interacted: no rhythm, the cap
    assert np.isnan(tr.loc["c_stable", "usual_gap_days"]) and tr.loc["c_stable", "quiet_limit_days"] == 180.0


def test_new_at_90_days_and_not_at_91(tr):
    assert tr.loc["c_new", "label"] == "new"
    assert tr.loc["c_new", "slope"] >= S.trend.slope_threshold  # would be warming: new wins
    assert tr.loc["c_new90", "label"] == "new"
    assert tr.loc["c_91", "label"] != "new"
    # 91 days after its one meeting, c_91 is quiet less than the 180-day cap (no rhythm known)
    # and its strength rose over the window (0, clipped to 0.001, until 2025-04-01): warming
    window = [corrected(["2025-04-01"], d, START) for d in SLOPE_DATES]
    assert window[:2] == [0.0, 0.0]
    assert tr.loc["c_91", "slope"] == pytest.approx(odds_slope(window), abs=1e-9)
    assert odds_slope(window) == pytest.approx(3.2483, abs=1e-4) and tr.loc["c_91", "label"] == "warming"


def test_dormant_is_silence_beyond_the_pairs_quiet_limit_whatever_the_strength(tr):
    # ten visits 181 days ago: still strong (1 - 2 / (2 + 30 * 2^(-181/90)) = 0.788) but quiet
    # for longer than 3 x 30 = 90 days, c_busy's rhythm
    assert tr.loc["c_busy", "strength_now"] == pytest.approx(by_formula(BUSY, T, weight=3.0), abs=1e-9)
    assert tr.loc["c_busy", "strength_now"] == pytest.approx(0.7882, abs=1e-4)
    assert tr.loc["c_busy", "days_since_last"] == 181
    assert tr.loc["c_busy", "label"] == "dormant"


def test_cooling_is_falling_and_overdue_but_not_yet_dormant(tr):
    # a call every 45 days, none for 126: overdue (126 > 45), not dormant (126 <= 135), and the
    # odds fall 18.45% a month (<= -15%)
    assert tr.loc["c_cool", "days_since_last"] == 126
    assert tr.loc["c_cool", "slope"] <= -S.trend.slope_threshold
    assert tr.loc["c_cool", "label"] == "cooling"


def test_falling_odds_without_silence_is_not_cooling(tr):
    # ten meetings on 2025-02-01, a call 10 days ago: the odds fall 21.54% a month over the
    # window, but the pair just spoke (10 days, under the 15-day minimum and its 140-day rhythm)
    window = [1 - 2 / (2 + (evidence(BURST, d) + evidence(BURST_CALL, d, 1.0))
                       / (1 - 2 ** (-(d - pd.Timestamp(START)).days / H))) for d in SLOPE_DATES]
    assert tr.loc["c_burst", "slope"] == pytest.approx(odds_slope(window), abs=1e-9)
    assert tr.loc["c_burst", "slope"] == pytest.approx(-0.2154, abs=1e-4)
    assert (tr.loc["c_burst", "days_since_last"], tr.loc["c_burst", "usual_gap_days"]) == (10, 140.0)
    assert tr.loc["c_burst", "label"] == "stable"


def test_steady_and_warming(tr):
    steady = [corrected(STEADY, d, START) for d in SLOPE_DATES]
    assert abs(odds_slope(steady)) < S.trend.slope_threshold  # -0.73% a month
    assert odds_slope(steady) == pytest.approx(-0.0073, abs=1e-4)
    assert tr.loc["c_steady", "label"] == "stable"
    assert tr.loc["c_warm", "slope"] == pytest.approx(0.3131, abs=1e-4)  # +31% a month
    assert tr.loc["c_warm", "label"] == "warming"


def test_declared_only_pairs_are_silent_since_the_history_start(tr):
    # never interacted, no decay: a friend 5, constant (5 - 0.5) / 5 = 0.9 -> slope 0; but
    # nothing in the 365 days of history (> the 180-day cap): dormant
    assert tr.loc["c_stable", "strength_now"] == pytest.approx(0.9, abs=1e-12) and tr.loc["c_stable", "slope"] == 0.0
    assert pd.isna(tr.loc["c_stable", "last_interaction"]) and tr.loc["c_stable", "n_interactions"] == 0
    assert tr.loc["c_stable", "label"] == "dormant"
    # (1 - 0.5) / 5 * 2^(-365/365) = 0.05
    assert tr.loc["c_weak", "strength_now"] == pytest.approx(0.05, abs=1e-9)
    assert tr.loc["c_weak", "label"] == "dormant"


def test_declared_only_pairs_in_a_short_history_are_not_dormant():
    # the history starts 100 days before T (the first interaction): silence 100 <= 180
    snap = build_snapshot(accounts=[{"id": "A1", "name": "Acme"}], people=PEOPLE,
                          interactions=[meeting("first", "2025-03-23", "u1", "c_new")], ties=TIES)
    t = trends(snap, S).set_index("other_id")
    assert snap.history_start == pd.Timestamp("2025-03-23")
    assert t.loc["c_stable", "label"] == "stable"
    # declared 0.1 * 2^(-days/365) over 2025-05-01 ... 2025-07-01 (points >= 30 days into the
    # window): its odds fall about 5.9% a month (the declared strength about 5.6%, 2^(-30.5/365)
    # = 0.944, and 1 - s a little), well above -15%
    points = [pd.Timestamp(d) for d in ("2025-05-01", "2025-06-01", "2025-07-01")]
    declared = [0.1 * 2 ** (-(d - pd.Timestamp("2024-07-01")).days / 365) for d in points]
    assert t.loc["c_weak", "slope"] == pytest.approx(odds_slope(declared), abs=1e-9)
    assert t.loc["c_weak", "slope"] == pytest.approx(-0.0593, abs=1e-4)
    assert t.loc["c_weak", "label"] == "stable"


@pytest.mark.parametrize("pair, falling", [("c_cool", True), ("c_warm", False)])
def test_slope_threshold_boundary_in_odds_terms(pair, falling):
    # the threshold is on the monthly relative change of the odds: exactly at |slope| the pair
    # is cooling (overdue, -18.45%) or warming (+31.31%), a hair above it stable
    slope = trends(_snap(), S).set_index("other_id").loc[pair, "slope"]
    at = trends(_snap(), S.replace(trend={"slope_threshold": abs(slope)})).set_index("other_id")
    above = trends(_snap(), S.replace(trend={"slope_threshold": abs(slope) * (1 + 1e-9)})).set_index("other_id")
    assert at.loc[pair, "label"] == ("cooling" if falling else "warming")
    assert above.loc[pair, "label"] == "stable"


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
@pytest.mark.parametrize("as_of, raw_slope", [("2025-03-06", 0.5079), ("2025-05-06", 0.2880), ("2025-07-06", 0.1912)])
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
    # plain strength rises for months only because the data starts: its odds grow 51%, 29% and
    # 19% a month, it would read as warming
    assert odds_slope([by_formula(met, d) for d in points]) == pytest.approx(raw_slope, abs=1e-4)
    assert raw_slope >= Settings().trend.slope_threshold
    # window-corrected: -12.3%, -8.7%, -6.3% from the first meeting; -6.2%, -5.5%, -4.3% from
    # the declared start; all under 15% (the first meeting counts whole while the window
    # correction assumes a steady flow, so the first months lean a little downward)
    corrected_slope = odds_slope([corrected(met, d, start) for d in points])
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
# an outsider x meets some of the contacts too, which sets their own rhythm: c_once100 and
# c_once101 on 3 days over 67 days (x's gap 33.5 with each), c_60 every 30 days 8 times
X_ONCE = ["2025-08-29", "2025-10-01", "2025-11-04"]
X_60 = _rhythm(20, 30, 8)
# each contact's rhythm, the median own gap of its pairs with two or more contact days:
# c_weekly 7, c_60 median(60, 30) = 45, c_floor 2, c_cap 120, c_once 33.5 (only x);
# x: median(33.5, 33.5, 30) = 33.5. Our staff's own rhythm (u's) never counts for u's pairs.
PERSON = {"c_weekly": 7.0, "c_60": 45.0, "c_floor29": 2.0, "c_cap179": 120.0, "c_once100": 33.5, "x": 33.5}


def _rhythm_snapshot() -> Snapshot:
    snap = build_snapshot(
        accounts=[{"id": "A", "name": "Acme"}],
        people=[internal("u", 2), {"id": "x", "name": "X", "side": "external"}] + [contact(c, "A", 2) for c in RHYTHMS],
        interactions=[meeting(f"{c}-{k}", d, "u", c) for c, days in RHYTHMS.items() for k, d in enumerate(days)]
        + [meeting(f"x-{c}-{k}", d, "x", c) for c in ("c_once100", "c_once101") for k, d in enumerate(X_ONCE)]
        + [meeting(f"x-c_60-{k}", d, "x", "c_60") for k, d in enumerate(X_60)])
    return with_start(snap, "2025-01-01")


@pytest.fixture(scope="module")
def rhythm():
    return trends(_rhythm_snapshot(), S2).set_index("other_id")


def test_each_persons_rhythm_is_the_median_gap_of_their_regular_pairs():
    r = person_rhythm(_rhythm_snapshot(), S2)
    assert {p: r[p] for p in PERSON} == pytest.approx(PERSON)
    # u's own pairs: 7, 60, 2, 2, 120, 120 -> 33.5 (c_once pairs have one contact day)
    assert r["u"] == pytest.approx(33.5)


@pytest.mark.parametrize("pair, span, days, prior, limit", [
    ("c_weekly", 133, 20, 7.0, 30.0),  # (133 + 7) / 20 = 7; 3 x = 21 -> the 30-day floor
    ("c_60", 300, 6, 45.0, 172.5),  # (300 + 45) / 6 = 57.5, shrunk from its own 60 toward c_60's 45
    ("c_floor29", 100, 51, 2.0, 30.0),  # 2; 3 x = 6 -> floor
    ("c_cap179", 240, 3, 120.0, 180.0),  # 120; 3 x = 360 -> the 180-day cap
    ("c_once100", 0, 1, 33.5, 100.5),  # seen on one day: c_once100's own rhythm (with x), 33.5
])
def test_the_quiet_limit_is_three_rhythms_between_the_floor_and_the_cap(rhythm, pair, span, days, prior, limit):
    assert rhythm.loc[pair, "usual_gap_days"] == pytest.approx((span + prior) / days, abs=1e-9)
    assert rhythm.loc[pair, "quiet_limit_days"] == pytest.approx(limit, abs=1e-9)


def test_the_prior_of_a_pair_is_the_mean_rhythm_of_its_ends_that_are_not_our_staff():
    snap = _rhythm_snapshot()
    p = pd.DataFrame({"person_id": ["u", "x", "c_60", "u", "nobody"], "other_id": ["c_60", "c_60", "x", "u", "c_weekly"]})
    prior = pair_prior(snap, S2, T2, p)
    # u - c_60: c_60's 45 only (u is ours); x - c_60 either way: (33.5 + 45) / 2; u - u: both
    # ends are ours, 33.5; nobody has no rhythm: c_weekly's 7 alone
    np.testing.assert_allclose(prior, [45.0, 39.25, 39.25, 33.5, 7.0], atol=1e-12)
    allp = trends(snap, S2, pairs="all").set_index(["person_id", "other_id"])
    x60 = allp.loc[("c_60", "x")] if ("c_60", "x") in allp.index else allp.loc[("x", "c_60")]
    assert x60["usual_gap_days"] == pytest.approx((210 + 39.25) / 8, abs=1e-9)  # 31.16


def test_the_prior_of_two_of_our_staff_is_both_their_rhythms_and_without_one_the_cap_applies():
    # u - v every 10 days (4 times), u - c every 20 days (3 times), c - x every 40 days (3
    # times), v - x once. Rhythms: u median(10, 20) = 15, v 10, c median(20, 40) = 30, x 40.
    snap = build_snapshot(
        accounts=[{"id": "A", "name": "Acme"}],
        people=[internal("u", 2), internal("v", 3), contact("c", "A", 2), {"id": "x", "name": "X", "side": "external"}],
        interactions=[meeting(f"uv{k}", d, "u", "v") for k, d in enumerate(every("2026-05-01", 10, 4))]
        + [meeting(f"uc{k}", d, "u", "c") for k, d in enumerate(every("2026-04-01", 20, 3))]
        + [meeting(f"cx{k}", d, "c", "x") for k, d in enumerate(every("2026-03-01", 40, 3))]
        + [meeting("vx", "2026-06-01", "v", "x")])
    t = trends(with_start(snap, "2026-01-01"), S2, pairs="all")
    gap = {frozenset(k): g for k, g in zip(zip(t["person_id"], t["other_id"]), t["usual_gap_days"])}
    assert gap[frozenset(("u", "v"))] == pytest.approx((30 + (15 + 10) / 2) / 4)  # both ours: 10.625
    assert gap[frozenset(("u", "c"))] == pytest.approx((40 + 30) / 3)  # c only: 23.33
    assert gap[frozenset(("c", "x"))] == pytest.approx((80 + (30 + 40) / 2) / 3)  # both: 38.33
    assert gap[frozenset(("v", "x"))] == pytest.approx((0 + 40) / 1)  # x only (v is ours): 40
    # two people seen together on one day, with nobody else: no rhythm at all, the 180-day cap
    lone = build_snapshot(people=[{"id": "p", "name": "P", "side": "external"},
                                  {"id": "q", "name": "Q", "side": "external"}],
                          interactions=[meeting("pq", "2026-03-01", "p", "q")])
    assert np.isnan(pair_prior(lone, S2, T2, pd.DataFrame({"person_id": ["p"], "other_id": ["q"]}))).all()
    row = trends(lone, S2, pairs="all").iloc[0]
    assert np.isnan(row["usual_gap_days"]) and row["quiet_limit_days"] == 180.0


def test_a_weekly_pair_silent_five_weeks_is_dormant_a_60_day_pair_silent_70_days_is_not(rhythm):
    assert rhythm.loc["c_weekly", "days_since_last"] == 35 and rhythm.loc["c_weekly", "label"] == "dormant"
    assert rhythm.loc["c_60", "days_since_last"] == 70 and rhythm.loc["c_60", "label"] != "dormant"
    # overdue (70 > 57.5) but its window-corrected odds barely fall (-3.45% a month): stable
    window = [corrected(RHYTHMS["c_60"], d, "2025-01-01") for d in [T2 - pd.DateOffset(months=k) for k in range(5, -1, -1)]]
    assert rhythm.loc["c_60", "slope"] == pytest.approx(odds_slope(window), abs=1e-9)
    assert rhythm.loc["c_60", "slope"] == pytest.approx(-0.0345, abs=1e-4)
    assert rhythm.loc["c_60", "label"] == "stable"


def test_the_floor_and_the_cap(rhythm):
    # every other day: 3 x 2 = 6 days would call a week's holiday dormant; the floor is 30
    assert rhythm.loc["c_floor29", "label"] == "warming"  # met since February: rising, 29 days quiet
    assert rhythm.loc["c_floor31", "label"] == "dormant"
    # every 120 days: 3 x 120 = 360 days would wait a year; the cap is 180
    assert rhythm.loc["c_cap179", "slope"] == pytest.approx(-0.2132, abs=1e-4)
    assert rhythm.loc["c_cap179", "label"] == "cooling"  # falling and overdue (179 > 120), not yet dormant
    assert rhythm.loc["c_cap181", "label"] == "dormant"
    # one contact day: judged by the contact's own rhythm with others (33.5 days: quiet after 100.5)
    assert rhythm.loc["c_once100", "label"] != "dormant"
    assert rhythm.loc["c_once101", "label"] == "dormant"


# ---------------------------------------------------------------------------------------
# a scoped snapshot labels the account's pairs as the whole portfolio does
# ---------------------------------------------------------------------------------------

def _two_accounts_store():
    """Account A: decision-maker c met our u once, 100 days before T2, and meets an outsider x
    every 20 days (6 times, the last 10 days ago). Account B: u meets b0, b1 and b2 every 60
    days (5 times each, the last 5 days ago)."""
    def day(k: int) -> str:
        return (T2 - pd.Timedelta(days=k)).strftime("%Y-%m-%d")

    people = ([{"id": "u", "name": "U", "side": "internal"}, {"id": "c", "name": "C", "side": "customer"},
               {"id": "x", "name": "X", "side": "external"}]
              + [{"id": f"b{i}", "name": f"B{i}", "side": "customer"} for i in range(3)])
    with_x = [(f"x-{k}", "x", day(10 + 20 * k)) for k in range(6)]
    b_meetings = [(f"m{i}-{k}", f"b{i}", day(5 + 60 * k)) for i in range(3) for k in range(5)]
    tables = {
        "accounts": pd.DataFrame([{"id": "A", "name": "Acme"}, {"id": "B", "name": "Birch"}]),
        "people": pd.DataFrame(people),
        "employment": pd.DataFrame([{"person_id": "c", "org_id": "A"}]
                                   + [{"person_id": f"b{i}", "org_id": "B"} for i in range(3)]),
        "assessments": pd.DataFrame([{"person_id": "c", "account_id": "A", "assessed_on": "2025-01-01",
                                      "decision_role": "decision_maker"}]),
        "interactions": pd.DataFrame([{"id": "once", "date": day(100), "kind": "meeting"}]
                                     + [{"id": i, "date": d, "kind": "meeting"} for i, _, d in with_x + b_meetings]),
        "attendance": pd.DataFrame([{"interaction_id": "once", "person_id": p} for p in ("u", "c")]
                                   + [{"interaction_id": i, "person_id": p} for i, _, _ in with_x for p in ("c", "x")]
                                   + [{"interaction_id": i, "person_id": p} for i, b, _ in b_meetings
                                      for p in ("u", b)]),
    }
    store = SQLiteStore("sqlite:///:memory:")
    store.write({name: normalize_frame(name, df) for name, df in tables.items()})
    return store


def test_a_scoped_snapshot_labels_the_accounts_pairs_as_the_whole_portfolio_does():
    # regression: the prior of a pair's rhythm was once the median over the pairs of the
    # snapshot at hand (whole: 20, 60, 60, 60 -> 60, u - c quiet after 180 days; A's scope,
    # without B's pairs: 20 -> 60 days), so the scope changed u - c's label and A's
    # cooling_key_relationship gap. The prior is now c's own rhythm (20 days with x), which a
    # scoped snapshot holds whole; u's rhythm (60 with B, none in A's scope) never counts.
    store = _two_accounts_store()
    whole, scoped = store.snapshot(), store.snapshot(["A"])
    assert whole.history_start == scoped.history_start == T2 - pd.Timedelta(days=245)
    assert {"b0", "b1", "b2"} - set(scoped.attendance["person_id"]) == {"b0", "b1", "b2"}
    on_whole = trends(whole, S2).set_index(["person_id", "other_id"]).loc[("u", "c")]
    on_scope = trends(scoped, S2).set_index(["person_id", "other_id"]).loc[("u", "c")]
    # u - c, seen on one day: (0 + 20) / 1 = 20 -> quiet after 60 days; silent 100: dormant
    assert (on_whole["usual_gap_days"], on_whole["quiet_limit_days"], on_whole["label"]) == (20.0, 60.0, "dormant")
    pd.testing.assert_series_equal(on_scope, on_whole)
    g_whole = gaps(whole, S2, kinds=["cooling_key_relationship"], accounts=["A"])
    g_scope = gaps(scoped, S2, kinds=["cooling_key_relationship"], accounts=["A"])
    store.close()
    assert list(g_whole["target_id"]) == ["c"]
    pd.testing.assert_frame_equal(g_scope.reset_index(drop=True), g_whole.reset_index(drop=True))


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
    assert "c_stable" not in rel.index  # nothing moved: dormant at both dates, strength 0.9
    assert pd.isna(rel.loc["c_new", "before"]) and rel.loc["c_new", "after"] == "new"  # unknown at start


def test_relationship_changes_needs_start_before_end():
    with pytest.raises(ConfigError):
        relationship_changes(_snap(), S, "2025-07-01", "2025-02-01")
