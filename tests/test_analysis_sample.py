"""The stories of data/sample/README.md that trends, coverage, gaps and what-if must find.

The sample is imported with the product's own pipeline (``import_path``) into an in-memory
store and analysed as of the date in data/sample/kamgraph.toml (2026-11-15). Ids and
figures below are the ones the README quotes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamgraph.analysis.coverage import account_coverage, contact_coverage
from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.trends import monthly_series, relationship_changes, trends
from kamgraph.analysis.whatif import key_person_drops, key_person_risk
from kamgraph.settings import Settings

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

pytestmark = pytest.mark.skipif(not (SAMPLE / "README.md").exists(),
                                reason=f"sample data not found at {SAMPLE}")


@pytest.fixture(scope="module")
def sample():
    from kamgraph.ingest.pipeline import import_path
    from kamgraph.store import open_store

    store = open_store("sqlite:///:memory:")
    store.init()
    import_path(SAMPLE, store)
    snap = store.snapshot()
    settings = Settings.load(SAMPLE / "kamgraph.toml")
    assert str(settings.as_of_date().date()) == "2026-11-15"
    yield snap, settings
    store.close()


@pytest.fixture(scope="module")
def all_gaps(sample):
    snap, settings = sample
    return gaps(snap, settings)


@pytest.fixture(scope="module")
def all_trends(sample):
    snap, settings = sample
    return trends(snap, settings).set_index(["person_id", "other_id"])


def _gap(all_gaps, account, kind, target=None):
    g = all_gaps[(all_gaps["account_id"] == account) & (all_gaps["kind"] == kind)]
    if target is not None:
        g = g[g["target_id"] == target]
    return g


# -- (a) A-01: a diamond decision-maker only the CEO's EMBA classmate can open --------------

def test_a01_uncovered_decision_maker_through_the_emba_classmate(all_gaps):
    g = _gap(all_gaps, "A-01", "uncovered_decision_maker", "C-001")
    assert len(g) == 1
    row = g.iloc[0]
    assert row["actor_id"] == "S-01"
    assert "Sun Lihua" in row["path"] and row["path"].endswith(": 0.67")  # 0.6694, tests/test_sample_data.py
    assert "is 0.01 (Gu Weiming" in row["evidence"]  # best of all our people: 0.0070 (a 6-person event)


def test_a01_tier_policy_is_only_the_executive_tie(all_gaps):
    g = _gap(all_gaps, "A-01", "tier_policy")
    assert list(g["target_id"]) == ["C-001"]
    assert g.iloc[0]["actor_id"] == "S-01" and "Sun Lihua" in g.iloc[0]["path"]


def test_a01_only_relationship_with_the_decision_maker_is_dormant(all_gaps, all_trends):
    g = _gap(all_gaps, "A-01", "cooling_key_relationship", "C-001")
    # the plain strength at the first slope point, 2026-06-15 (192 days after the supplier
    # day, an event of 6 people: 1 / 5 * 2^(-192/90) = 0.0456) -> 1 - 2 / 2.0456 = 0.0223; now
    # 0.0070; from 2026-06-15 to 2026-11-15 is 153 days, 5 months
    assert len(g) == 1 and "is dormant: strength 0.02 → 0.01 over 5 months;" in g.iloc[0]["evidence"]
    assert "(345 days ago)" in g.iloc[0]["evidence"]
    assert all_trends.loc[("S-03", "C-001"), "label"] == "dormant"
    assert all_trends.loc[("S-03", "C-001"), "window_start"] == pd.Timestamp("2026-06-15")
    assert all_trends.loc[("S-03", "C-001"), "strength_start"] == pytest.approx(
        1 - 2 / (2 + 0.2 * 2 ** (-192 / 90)), abs=1e-9)
    assert all_trends.loc[("S-03", "C-001"), "strength_start"] == pytest.approx(0.0223, abs=5e-5)
    assert all_trends.loc[("S-03", "C-001"), "strength_now"] == pytest.approx(0.0070, abs=5e-5)


def test_a01_coverage_score(sample):
    snap, settings = sample
    a = account_coverage(snap, settings).set_index("account_id")
    assert a.loc["A-01", "coverage_score"] == pytest.approx(0.7535, abs=5e-5)  # as tests/test_sample_data.py


# -- (b) A-04: single-threaded gold account, key-person risk -------------------------------

def test_a04_single_threaded_on_yin_hao(all_gaps):
    g = _gap(all_gaps, "A-04", "single_threaded")
    assert list(g["target_id"]) == ["S-09"]
    assert "holds 7 of the 8 strong ties" in g.iloc[0]["evidence"] and "(88%)" in g.iloc[0]["evidence"]
    # the small silvers run by one KAM are single-threaded too
    st = all_gaps[all_gaps["kind"] == "single_threaded"]
    assert {"A-04", "A-10", "A-12"} <= set(st["account_id"])


def test_single_threaded_diamond_and_gold_accounts_are_a01_a04_and_a07(all_gaps):
    # story (b): A-04 is not the only one; under the size-discounted strength
    # are single-threaded too (as counted independently in tests/test_sample_data.py)
    st = all_gaps[all_gaps["kind"] == "single_threaded"].set_index("account_id")
    big = st.loc[st.index.isin(["A-01", "A-02", "A-03", "A-04", "A-05", "A-06", "A-07"])]
    assert big["target_id"].to_dict() == {"A-01": "S-03", "A-04": "S-09", "A-07": "S-12"}
    assert "Gu Weiming 顾伟明 holds 5 of the 7 strong ties" in big.loc["A-01", "evidence"]
    assert "(71%)" in big.loc["A-01", "evidence"]
    assert "Tang Kai 汤凯 holds 4 of the 4 strong ties" in big.loc["A-07", "evidence"]
    assert "(100%)" in big.loc["A-07", "evidence"]


def test_a04_key_person_risk(sample, all_gaps):
    snap, settings = sample
    k = key_person_risk(snap, settings).set_index("account_id")
    assert k.loc["A-04", "internal_id"] == "S-09"
    assert k.loc["A-04", "coverage_score"] == pytest.approx(0.8168, abs=5e-5)
    assert k.loc["A-04", "drop"] == pytest.approx(0.6278, abs=5e-5)
    assert list(_gap(all_gaps, "A-04", "key_person_risk")["target_id"]) == ["S-09"]


def test_a04_peer_coverage_and_tier_policy(all_gaps):
    assert set(_gap(all_gaps, "A-04", "no_peer_coverage")["target_id"]) == {"C-055", "C-056"}
    tp = _gap(all_gaps, "A-04", "tier_policy")
    assert len(tp) == 2
    # the association's annual meeting, an event of 5 people 234 days ago: 1 / 4 * 2^(-234/90)
    # = 0.0412 -> 1 - 2 / 2.0412 = 0.0202
    assert any("the best is 0.02 (Margaret Lin" in e for e in tp["evidence"])
    assert any("there were 0 since 2026-08-15" in e for e in tp["evidence"])


def test_key_person_risk_accounts_and_drops(sample):
    snap, settings = sample
    d = key_person_drops(snap, settings)
    risky = d[d["drop"] >= settings.gaps.key_person_drop].set_index(["account_id", "internal_id"])["drop"]
    # as computed independently in tests/test_sample_data.py
    expected = {("A-04", "S-09"): 0.6278, ("A-07", "S-19"): 0.3218, ("A-09", "S-14"): 0.5163,
                ("A-12", "S-14"): 0.3875, ("A-10", "S-15"): 0.3789}
    assert set(risky.index) == set(expected)
    for key, value in expected.items():
        assert risky[key] == pytest.approx(value, abs=5e-5)


# -- (c) A-03: a champion gone silent ------------------------------------------------------

def test_a03_monthly_series_and_slope_of_the_cooling_champion(sample, all_trends):
    snap, settings = sample
    pairs = pd.DataFrame({"person_id": ["S-04"], "other_id": ["C-041"]})
    ms = monthly_series(snap, settings, pairs=pairs)
    readme = [0.9050, 0.8999, 0.8848, 0.8892, 0.8940, 0.8676, 0.8355, 0.7997, 0.7581, 0.7121, 0.6645, 0.6132]
    np.testing.assert_allclose(ms["strength"].to_numpy(), readme, atol=5e-5)
    assert str(ms["date"].iloc[0].date()) == "2025-12-15"
    row = all_trends.loc[("S-04", "C-041")]
    # the monthly relative change of the odds of the window-corrected series (restated and
    # computed in tests/test_sample_data.py): -21.25% a month, about complete silence's -21%
    assert row["slope"] == pytest.approx(-0.2125, abs=5e-5)
    assert row["slope"] <= -settings.trend.slope_threshold
    assert (row["window_start"], row["strength_start"]) == (pd.Timestamp("2026-06-15"), pytest.approx(0.8355, abs=5e-5))
    assert all_trends.loc[("S-18", "C-041"), "strength_now"] == pytest.approx(0.2384, abs=5e-5)


def test_a03_the_champions_relationships_are_dormant(all_trends):
    # story (c): both met C-041 about monthly and have been silent 215 days, far beyond 3 x
    # their rhythm. C-041's own rhythm (the median mean gap of his pairs) is 30.64 days; S-04:
    # 14 contact days over 335 days, (335 + 30.64) / 14 = 26.12, quiet limit 78.35; S-18: 12
    # over 337 days, (337 + 30.64) / 12 = 30.64, limit 91.91 (tests/test_sample_data.py)
    for us, days, span, gap in (("S-04", 14, 335, 26.1169), ("S-18", 12, 337, 30.6364)):
        row = all_trends.loc[(us, "C-041")]
        assert row["label"] == "dormant" and row["days_since_last"] == 215
        assert (row["contact_days"], (row["last_interaction"] - row["first_interaction"]).days) == (days, span)
        assert row["usual_gap_days"] == pytest.approx(gap, abs=1e-4)
        assert row["quiet_limit_days"] == pytest.approx(3 * gap, abs=1e-3)


def test_a03_cooling_key_relationship(all_gaps):
    g = _gap(all_gaps, "A-03", "cooling_key_relationship")
    assert list(g["target_id"]) == ["C-041"] and g.iloc[0]["actor_id"] == "S-04"
    # the plain strength 0.8355 on 2026-06-15 (where the slope window starts) and 0.6132 now
    assert "Fang Zhiyuan 方志远 (approver) is dormant: strength 0.84 → 0.61 over 5 months; " in g.iloc[0]["evidence"]
    assert "last interaction 2026-04-14 (215 days ago)" in g.iloc[0]["evidence"]


# -- (d) A-06: a decision-maker reachable only through an association ----------------------

def test_a06_decision_maker_nobody_knows(sample, all_gaps):
    snap, settings = sample
    cc = contact_coverage(snap, settings).set_index("contact_id")
    assert np.isnan(cc.loc["C-082", "best_strength"]) and cc.loc["C-082", "never_interacted"]
    g = _gap(all_gaps, "A-06", "uncovered_decision_maker", "C-082").iloc[0]
    assert g["actor_id"] == "S-02"
    assert "China Intelligent Manufacturing Equipment Association" in g["path"] and g["path"].endswith(": 0.30")
    assert "Nobody on our side has a tie to or has met Shen Guoliang" in g["evidence"]
    assert len(_gap(all_gaps, "A-06", "tier_policy")) == 2


# -- (e) more stories ---------------------------------------------------------------------

def test_a02_unmanaged_opponent(all_gaps):
    g = _gap(all_gaps, "A-02", "unmanaged_opponent")
    assert list(g["target_id"]) == ["C-020"]
    assert "influence 4/5" in g.iloc[0]["evidence"]
    assert g.iloc[0]["actor_id"] == "S-06" and "Andreas Vogt" in g.iloc[0]["path"]
    assert len(_gap(all_gaps, "A-02", "no_peer_coverage", "C-020")) == 1
    assert list(all_gaps.loc[all_gaps["kind"] == "unmanaged_opponent", "target_id"]) == ["C-020"]


def test_a07_missing_fr_and_silver_accounts_need_only_an_ar(all_gaps):
    g = all_gaps[all_gaps["kind"] == "missing_team_role"]
    assert list(zip(g["account_id"], g["target_name"])) == [("A-07", "fulfilment responsible (FR)")]


def test_attitude_changes_supporter_to_skeptic_and_when(sample):
    snap, settings = sample
    ch = relationship_changes(snap, settings, "2025-05-01", "2026-11-15")
    att = ch[ch["kind"] == "attitude"]
    got = {(p, str(d.date()), b, a) for p, d, b, a in zip(att["person_id"], att["date"], att["before"], att["after"])}
    assert got == {
        ("C-042", "2026-06-18", "supporter", "skeptic"),
        ("C-098", "2026-06-25", "supporter", "skeptic"),
        ("C-041", "2025-10-20", "supporter", "champion"),
        ("C-022", "2026-02-10", "neutral", "supporter"),
        ("C-069", "2026-07-02", "supporter", "neutral"),
        ("C-120", "2026-03-16", "skeptic", "supporter"),
    }
    in_2026 = relationship_changes(snap, settings, "2026-01-01", "2026-11-15")
    turned = in_2026[(in_2026["kind"] == "attitude") & (in_2026["before"] == "supporter")
                     & (in_2026["after"] == "skeptic")]
    assert list(turned["person_id"]) == ["C-042", "C-098"]


def test_dormant_and_new_relationships(all_trends, all_gaps):
    assert all_trends.loc[("S-15", "C-129"), "label"] == "dormant"
    assert all_trends.loc[("S-15", "C-129"), "strength_now"] == pytest.approx(0.0317, abs=5e-5)
    assert all_trends.loc[("S-16", "C-137"), "label"] == "dormant"
    assert all_trends.loc[("S-16", "C-137"), "strength_now"] == pytest.approx(0.0761, abs=5e-5)
    for person, strength in (("S-17", 0.5151), ("S-10", 0.5985)):
        assert all_trends.loc[(person, "C-081"), "label"] == "new"
        assert all_trends.loc[(person, "C-081"), "strength_now"] == pytest.approx(strength, abs=5e-5)
    assert len(_gap(all_gaps, "A-11", "uncovered_decision_maker", "C-137")) == 1
    assert len(_gap(all_gaps, "A-11", "cooling_key_relationship", "C-137")) == 1


def test_a12_no_decision_maker_known(all_gaps):
    assert list(all_gaps.loc[all_gaps["kind"] == "no_decision_maker_known", "account_id"]) == ["A-12"]


def test_the_full_gap_list_of_the_readme(all_gaps):
    readme = {
        "A-01": ["uncovered_decision_maker C-001", "cooling_key_relationship C-001", "tier_policy C-001",
                 "single_threaded S-03"],
        "A-02": ["unmanaged_opponent C-020", "no_peer_coverage C-020", "tier_policy C-019", "tier_policy",
                 "tier_policy"],
        "A-03": ["cooling_key_relationship C-041"],
        "A-04": ["single_threaded S-09", "key_person_risk S-09", "no_peer_coverage C-055", "no_peer_coverage C-056",
                 "tier_policy C-055", "tier_policy"],
        "A-05": ["no_peer_coverage C-069"],
        "A-06": ["uncovered_decision_maker C-082", "tier_policy C-082", "tier_policy", "no_peer_coverage C-083"],
        "A-07": ["missing_team_role", "key_person_risk S-19", "no_peer_coverage C-096", "no_peer_coverage C-097",
                 "single_threaded S-12", "no_peer_coverage C-095", "tier_policy C-095"],
        "A-08": ["no_peer_coverage C-110", "no_peer_coverage C-111"],
        "A-09": ["key_person_risk S-14", "no_peer_coverage C-119", "no_peer_coverage C-120", "no_peer_coverage C-121"],
        "A-10": ["key_person_risk S-15", "cooling_key_relationship C-129", "no_peer_coverage C-128",
                 "no_peer_coverage C-129", "no_peer_coverage C-130", "single_threaded S-15"],
        "A-11": ["uncovered_decision_maker C-137", "cooling_key_relationship C-137", "no_peer_coverage C-138"],
        "A-12": ["no_decision_maker_known", "single_threaded S-14", "key_person_risk S-14", "no_peer_coverage C-147"],
    }
    expected = Counter((a, g) for a, gs in readme.items() for g in gs)
    got = Counter((a, f"{k} {t}" if isinstance(t, str) and k != "missing_team_role" else k)
                  for a, k, t in zip(all_gaps["account_id"], all_gaps["kind"], all_gaps["target_id"]))
    assert got == expected
    assert len(all_gaps) == 47
