"""Trends: monthly series, least-squares slope, labels and their precedence, changes.

As-of T = 2025-07-01; the series has 12 points one month apart (2024-08-01 ... 2025-07-01);
the slope is fitted over the last 6 (2025-02-01 ... 2025-07-01). Strength of a pair whose
only evidence is meetings (w = 2) at days d_i <= t:
    strength(t) = 1 - exp(-sum 2 * 2^(-(t - d_i)/90) / 4)
Labels (first rule wins): new (first interaction <= 90 days before T), dormant (last
interaction > 180 days before T, or never, and strength < 0.2), warming (slope >= 0.01),
cooling (slope <= -0.01), stable.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import build_snapshot, contact, internal, meeting

from kamgraph.analysis.trends import monthly_series, relationship_changes, slopes, trends
from kamgraph.errors import ConfigError
from kamgraph.settings import Settings

T = pd.Timestamp("2025-07-01")
S = Settings(as_of="2025-07-01")
MONTHS = [pd.Timestamp(d) for d in pd.date_range("2024-08-01", "2025-07-01", freq="MS")]


def by_formula(meetings: list[str], t: pd.Timestamp, weight: float = 2.0) -> float:
    ev = sum(weight * 2 ** (-((t - pd.Timestamp(d)).days) / 90) for d in meetings if pd.Timestamp(d) <= t)
    return 1 - math.exp(-ev / 4)


def lsq_slope(values) -> float:
    return float(np.polyfit(np.arange(len(values)), values, 1)[0])


PEOPLE = [internal("u1", 2), internal("u2", 3), internal("u3", 4), {"id": "x1", "name": "Ext", "side": "external"}] + [
    contact(c, "A1", 2, "decision_maker") for c in
    ("c_new", "c_new90", "c_91", "c_d180", "c_d181", "c_old", "c_stable", "c_weak", "c_warm")]

INTERACTIONS = [
    meeting("n1", "2025-05-01", "u1", "c_new"),
    meeting("n2", "2025-04-02", "u1", "c_new90"),  # exactly 90 days before T
    meeting("n3", "2025-04-01", "u1", "c_91"),  # 91 days before T
    meeting("d1", "2025-01-02", "u2", "c_d180"),  # exactly 180 days before T
    meeting("d2", "2025-01-01", "u2", "c_d181"),  # 181 days before T
    *[meeting(f"o{i}", "2025-01-01", "u2", "c_old", kind="visit") for i in range(10)],
    meeting("w0", "2024-01-01", "u1", "c_warm"),
    meeting("w1", "2025-03-01", "u1", "c_warm"),
    meeting("w2", "2025-05-01", "u1", "c_warm"),
    meeting("w3", "2025-07-01", "u1", "c_warm"),
    meeting("int", "2025-06-01", "u1", "u2", "x1"),  # internal-internal and external: not default pairs
]

TIES = [
    {"person_id": "u3", "other_id": "c_stable", "kind": "friend", "strength": 5},  # no date: no decay
    {"person_id": "u3", "other_id": "c_weak", "kind": "business", "strength": 1, "assessed_on": "2024-07-01"},
]


def _snap(assessments=()):
    return build_snapshot(accounts=[{"id": "A1", "name": "Acme"}], people=PEOPLE, interactions=INTERACTIONS,
                          ties=TIES, assessments=list(assessments))


@pytest.fixture(scope="module")
def tr():
    return trends(_snap(), S).set_index("other_id")


def test_default_pairs_are_internal_to_customer(tr):
    assert set(tr.index) == {"c_new", "c_new90", "c_91", "c_d180", "c_d181", "c_old", "c_stable", "c_weak", "c_warm"}
    assert tr.loc["c_new", "person_id"] == "u1"


def test_monthly_series_points_by_formula():
    ms = monthly_series(_snap(), S)
    one = ms[ms["other_id"] == "c_d181"].sort_values("date")
    assert list(one["date"]) == MONTHS
    expected = [by_formula(["2025-01-01"], d) for d in MONTHS]
    assert expected[:5] == [0.0] * 5  # nothing before the meeting
    np.testing.assert_allclose(one["strength"].to_numpy(), expected, atol=1e-9)


def test_slope_is_least_squares_over_the_last_six_points(tr):
    window = [by_formula(["2025-01-01"], d) for d in MONTHS[-6:]]
    assert tr.loc["c_d181", "slope"] == pytest.approx(lsq_slope(window), abs=1e-9)
    assert tr.loc["c_d181", "strength_start"] == pytest.approx(window[0], abs=1e-9)
    assert tr.loc["c_d181", "strength_now"] == pytest.approx(window[-1], abs=1e-9)
    warm = [by_formula(["2024-01-01", "2025-03-01", "2025-05-01", "2025-07-01"], d) for d in MONTHS[-6:]]
    assert tr.loc["c_warm", "slope"] == pytest.approx(lsq_slope(warm), abs=1e-9)


def test_slopes_matrix():
    m = np.array([[0.0, 0.1, 0.2, 0.3], [0.4, 0.4, 0.4, 0.4], [0.9, 0.7, 0.5, 0.3]])
    np.testing.assert_allclose(slopes(m), [0.1, 0.0, -0.2], atol=1e-12)


def test_new_at_90_days_and_not_at_91(tr):
    assert tr.loc["c_new", "label"] == "new"
    assert tr.loc["c_new", "slope"] > 0.01  # would be warming: new wins
    assert tr.loc["c_new90", "label"] == "new"
    assert tr.loc["c_91", "label"] != "new"
    window = [by_formula(["2025-04-01"], d) for d in MONTHS[-6:]]
    assert lsq_slope(window) >= 0.01 and tr.loc["c_91", "label"] == "warming"


def test_dormant_after_180_days_and_below_0_2(tr):
    assert by_formula(["2025-01-02"], T) < 0.2 and by_formula(["2025-01-01"], T) < 0.2
    assert tr.loc["c_d180", "days_since_last"] == 180
    assert tr.loc["c_d180", "label"] == "cooling"  # 180 days: not yet dormant
    assert tr.loc["c_d181", "label"] == "dormant"
    # quiet as long, but still strong: cooling, not dormant
    assert tr.loc["c_old", "strength_now"] > 0.2
    assert tr.loc["c_old", "label"] == "cooling"


def test_declared_only_pairs(tr):
    # never interacted, no decay: constant 1.0 -> slope 0 -> stable (strength >= 0.2)
    assert tr.loc["c_stable", "strength_now"] == 1.0 and tr.loc["c_stable", "slope"] == 0.0
    assert tr.loc["c_stable", "label"] == "stable"
    assert pd.isna(tr.loc["c_stable", "last_interaction"]) and tr.loc["c_stable", "n_interactions"] == 0
    # never interacted and 1/5 * 2^-1 = 0.1 < 0.2 -> dormant
    assert tr.loc["c_weak", "strength_now"] == pytest.approx(0.1, abs=1e-9)
    assert tr.loc["c_weak", "label"] == "dormant"


def test_warming(tr):
    assert tr.loc["c_warm", "label"] == "warming"


def test_slope_threshold_boundary():
    slope = trends(_snap(), S).set_index("other_id").loc["c_d180", "slope"]
    at = trends(_snap(), S.replace(trend={"slope_threshold": abs(slope)})).set_index("other_id")
    above = trends(_snap(), S.replace(trend={"slope_threshold": abs(slope) * (1 + 1e-9)})).set_index("other_id")
    assert at.loc["c_d180", "label"] == "cooling"
    assert above.loc["c_d180", "label"] == "stable"


def test_explicit_pairs_keep_their_orientation_and_unknown_pairs_have_no_label():
    pairs = pd.DataFrame({"person_id": ["c_new", "u3"], "other_id": ["u1", "c_new"]})
    t = trends(_snap(), S, pairs=pairs)
    assert list(zip(t["person_id"], t["other_id"])) == [("c_new", "u1"), ("u3", "c_new")]
    assert t.loc[0, "label"] == "new"
    assert pd.isna(t.loc[1, "label"]) and t.loc[1, "strength_now"] == 0.0


ASSESSMENTS = [
    {"person_id": "c_old", "account_id": "A1", "assessed_on": "2025-01-01", "decision_role": "decision_maker",
     "attitude": "supporter", "influence": 3, "assessed_by": "u2"},
    {"person_id": "c_old", "account_id": "A1", "assessed_on": "2025-03-15", "attitude": "skeptic",
     "assessed_by": "u2"},
    {"person_id": "c_old", "account_id": "A1", "assessed_on": "2025-05-01", "decision_role": "approver",
     "influence": 5},
    {"person_id": "c_old", "account_id": "A1", "assessed_on": "2025-06-01", "attitude": "skeptic"},  # no change
    {"person_id": "c_old", "account_id": "A1", "assessed_on": "2025-08-01", "attitude": "opponent"},  # after end
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
    assert a.loc[0, "person_id"] == "c_old" and a.loc[0, "assessed_by"] == "u2"
    assert "supporter → skeptic on 2025-03-15" in a.loc[0, "description"]


def test_relationship_changes_lists_pairs_that_moved():
    ch = relationship_changes(_snap(), S, "2025-02-01", "2025-07-01")
    rel = ch[ch["kind"] == "relationship"].set_index("other_id")
    s0, s1 = by_formula(["2025-01-01"], pd.Timestamp("2025-02-01")), by_formula(["2025-01-01"], T)
    assert rel.loc["c_d181", "strength_before"] == pytest.approx(s0, abs=1e-9)
    assert rel.loc["c_d181", "delta"] == pytest.approx(s1 - s0, abs=1e-9)
    assert (rel.loc["c_d181", "before"], rel.loc["c_d181", "after"]) == ("new", "dormant")
    assert "c_stable" not in rel.index  # nothing moved
    assert pd.isna(rel.loc["c_new", "before"]) and rel.loc["c_new", "after"] == "new"  # unknown at start


def test_relationship_changes_needs_start_before_end():
    with pytest.raises(ConfigError):
        relationship_changes(_snap(), S, "2025-07-01", "2025-02-01")
