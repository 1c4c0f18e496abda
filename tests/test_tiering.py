"""Tiering: percentile value score, tier boundaries exactly at thresholds, problem flags,
the Pareto share on known revenue lists, and the policy table."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from click.testing import CliRunner

from analysis_fixtures import build_snapshot
from kamgraph.analysis.tiering import account_tiers, pareto, percentile_rank, tier_policy_table
from kamgraph.cli import main
from kamgraph.settings import Settings

# four accounts with revenue only: mid-rank percentiles 1/8, 3/8, 5/8, 7/8 (exact in binary)
EXACT = Settings().replace(tiers={"thresholds": {"diamond": 0.875, "gold": 0.625, "silver": 0.375}})


def accounts(*rows):
    return build_snapshot(accounts=[{"name": r["id"].lower(), **r} for r in rows])


def test_percentile_rank_is_mid_rank():
    assert percentile_rank(pd.Series([10.0, 20, 30, 40, 50])).tolist() == pytest.approx([0.1, 0.3, 0.5, 0.7, 0.9])
    # ties share the average; NaN stays NaN and is not counted
    p = percentile_rank(pd.Series([5.0, 5.0, None, 9.0]))
    assert p[:2].tolist() == pytest.approx([1 / 3, 1 / 3]) and math.isnan(p[2]) and p[3] == pytest.approx(5 / 6)
    assert percentile_rank(pd.Series([7.0])).tolist() == [0.5]


def test_tier_exactly_at_threshold_makes_the_tier():
    snap = accounts({"id": "A", "revenue": 10}, {"id": "B", "revenue": 20},
                    {"id": "C", "revenue": 30}, {"id": "D", "revenue": 40})
    df = account_tiers(snap, EXACT).set_index("account_id")
    # only revenue is present: other metrics are ignored and the weights renormalized
    assert df["value_score"].to_dict() == {"D": 0.875, "C": 0.625, "B": 0.375, "A": 0.125}
    assert df["computed_tier"].to_dict() == {"D": "diamond", "C": "gold", "B": "silver", "A": "standard"}
    # a hair above each score: every account drops one tier
    above = EXACT.replace(tiers={"thresholds": {"diamond": 0.8750001, "gold": 0.6250001, "silver": 0.3750001}})
    df2 = account_tiers(snap, above).set_index("account_id")
    assert df2["computed_tier"].to_dict() == {"D": "gold", "C": "silver", "B": "standard", "A": "standard"}


def test_value_score_weights_and_missing_metrics():
    # revenue percentiles A 1/6, B 3/6, C 5/6; strategic_fit among two: A 3/4, B 1/4 (C has none)
    snap = accounts({"id": "A", "revenue": 1, "strategic_fit": 5},
                    {"id": "B", "revenue": 2, "strategic_fit": 1},
                    {"id": "C", "revenue": 3})
    w = Settings().tiers.metric_weights  # revenue 0.35, strategic_fit 0.1
    df = account_tiers(snap, Settings()).set_index("account_id")
    assert df.loc["A", "value_score"] == pytest.approx((0.35 / 6 + 0.1 * 3 / 4) / (w["revenue"] + w["strategic_fit"]))
    assert df.loc["B", "value_score"] == pytest.approx((0.35 * 3 / 6 + 0.1 / 4) / 0.45)
    assert df.loc["C", "value_score"] == pytest.approx(5 / 6)  # renormalized to revenue alone
    assert df.loc["A", "pct_revenue"] == pytest.approx(1 / 6)
    assert math.isnan(df.loc["C", "pct_strategic_fit"])
    assert list(df.index) == ["C", "B", "A"]  # best value first


def test_declared_tier_wins_and_no_metrics_means_standard():
    snap = accounts({"id": "A", "revenue": 10, "tier": "diamond"}, {"id": "B", "revenue": 20},
                    {"id": "C", "revenue": 30}, {"id": "D", "revenue": 40}, {"id": "E"})
    df = account_tiers(snap, EXACT).set_index("account_id")
    assert df.loc["A", ["computed_tier", "declared_tier", "tier"]].tolist() == ["standard", "diamond", "diamond"]
    assert df.loc["D", "declared_tier"] is None and df.loc["D", "tier"] == "diamond"
    assert df.loc["E", "computed_tier"] is None and df.loc["E", "tier"] == "standard"
    assert math.isnan(df.loc["E", "value_score"]) and list(df.index)[-1] == "E"


@pytest.mark.parametrize("row, problem, reasons", [
    ({"gross_margin": 0.0, "collection_rate": 0.8}, False, None),  # exactly at both limits: fine
    ({"gross_margin": -0.01, "collection_rate": 0.9}, True, "gross margin below 0"),
    ({"gross_margin": 0.2, "collection_rate": 0.79}, True, "collection rate below 0.8"),
    ({"problem": True, "gross_margin": 0.3}, True, "declared"),
    ({"problem": True, "gross_margin": -0.2, "collection_rate": 0.5}, True,
     "declared; gross margin below 0; collection rate below 0.8"),
    ({}, False, None),  # unknown metrics are not problems
])
def test_problem_flag(row, problem, reasons):
    df = account_tiers(accounts({"id": "A", **row}), Settings())
    assert bool(df["problem"][0]) is problem
    assert df["problem_reasons"][0] == reasons


def test_problem_thresholds_from_settings():
    s = Settings().replace(tiers={"problem_margin": 0.1, "problem_collection": 0.95})
    df = account_tiers(accounts({"id": "A", "gross_margin": 0.05, "collection_rate": 0.9}), s)
    assert df["problem_reasons"][0] == "gross margin below 0.1; collection rate below 0.95"


def test_pareto_share_on_known_revenues():
    revenues = [50, 20, 10, 10, 5, 5]  # total 100; top 20% of 6 = ceil(1.2) = 2 accounts
    snap = accounts(*({"id": f"A{i}", "revenue": r} for i, r in enumerate(revenues)), {"id": "none"})
    p = pareto(snap, Settings())
    assert (p.n_accounts, p.n_top, p.total_revenue) == (6, 2, 100.0)
    assert p.revenue_share == pytest.approx(0.7)
    assert p.curve["revenue"].tolist() == [50, 20, 10, 10, 5, 5]
    assert p.curve["cum_revenue_share"].tolist() == pytest.approx([0.5, 0.7, 0.8, 0.9, 0.95, 1.0])
    assert p.curve["cum_account_share"].tolist()[-1] == 1.0
    assert p.as_dict()["revenue_share"] == pytest.approx(0.7)


def test_pareto_top_group_size_is_exact_for_round_shares():
    revenues = [30, 20, 10, 10, 10, 5, 5, 5, 3, 2]  # 20% of 10 is 2 accounts, not 3
    snap = accounts(*({"id": f"A{i}", "revenue": r} for i, r in enumerate(revenues)))
    p = pareto(snap, Settings())
    assert p.n_top == 2 and p.revenue_share == pytest.approx(0.5)
    p7 = pareto(snap, Settings().replace(tiers={"pareto_share": 0.7}))
    assert p7.n_top == 7 and p7.revenue_share == pytest.approx(0.9)


def test_pareto_without_revenue():
    p = pareto(accounts({"id": "A"}), Settings())
    assert p.n_accounts == 0 and p.n_top == 0 and math.isnan(p.revenue_share)


def test_tier_policy_table_reflects_settings():
    s = Settings().replace(tier_policy=[{"tier": "gold", "executive_level": 2, "min_exec_tie": 0.5,
                                         "exec_tie_roles": ["decision_maker", "approver"],
                                         "min_exec_visits_per_quarter": 2}])
    df = tier_policy_table(s)
    assert df.to_dict("records") == [{
        "tier": "gold", "executive_level": 2, "min_exec_tie": 0.5, "exec_tie_roles": "decision_maker, approver",
        "exec_tie_contact_max_level": 2, "min_exec_visits_per_quarter": 2, "iron_triangle": "ar, sr, fr",
        "executive_sponsor": False, "tier_weight": 3.0}]
    assert tier_policy_table(Settings())["tier"].tolist() == ["diamond", "gold", "silver", "standard"]


def test_cli_tiers(tmp_path):
    from kamgraph.store.sqlite import SQLiteStore

    url = f"sqlite:///{tmp_path / 'kg.db'}"
    snap = accounts({"id": "A", "revenue": 10}, {"id": "B", "revenue": 20},
                    {"id": "C", "revenue": 30}, {"id": "D", "revenue": 40, "tier": "silver"})
    with SQLiteStore(url) as store:
        store.write({"accounts": snap.accounts})
    runner = CliRunner()
    res = runner.invoke(main, ["--store", url, "tiers", "--format", "json"])
    assert res.exit_code == 0, res.output
    tiers = {r["account_id"]: r["tier"] for r in json.loads(res.output)}
    assert tiers == {"D": "silver", "C": "gold", "B": "standard", "A": "standard"}  # 0.375 < 0.4
    res = runner.invoke(main, ["--store", url, "tiers"])
    assert res.exit_code == 0 and "top 20% of accounts (1 of 4) bring 40% of revenue" in res.output
    res = runner.invoke(main, ["--store", url, "tiers", "--pareto", "--format", "json"])
    assert json.loads(res.output)["revenue_share"] == pytest.approx(0.4)
    res = runner.invoke(main, ["--store", url, "tiers", "--policy", "--format", "csv"])
    assert res.exit_code == 0 and res.output.splitlines()[1].startswith("diamond,1,")
