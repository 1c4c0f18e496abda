"""The synthetic portfolio generator: exact sizes, determinism, realistic structure, valid files."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from kamgraph.cli import main
from kamgraph.errors import ConfigError
from kamgraph.synthetic import SCALES, generate, generate_portfolio, scale_of
from kamgraph.ingest.pipeline import import_path
from kamgraph.schema import ENTITIES, WRITE_ORDER
from kamgraph.store.sqlite import SQLiteStore
from kamgraph.titles import level_from_title


@pytest.fixture(scope="module")
def s_frames() -> dict[str, pd.DataFrame]:
    return generate("S", seed=11)


@pytest.fixture(scope="module")
def m_frames() -> dict[str, pd.DataFrame]:
    return generate("M", seed=11)


def _digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_scales_are_the_issue_figures_and_exact():
    L = SCALES["L"]
    assert (L.accounts, L.customers, L.internal, L.external) == (5_000, 250_000, 2_000, 20_000)
    assert (L.ties, L.interactions, L.attendance) == (1_000_000, 1_500_000, 5_000_000)
    assert SCALES["M"].customers == 25_000 and SCALES["S"].customers == 2_500
    f = generate("XS", seed=2)
    xs = SCALES["XS"]
    assert len(f["accounts"]) == xs.accounts
    assert len(f["people"]) == xs.customers + xs.internal + xs.external
    assert (len(f["ties"]), len(f["interactions"]), len(f["attendance"])) == (xs.ties, xs.interactions, xs.attendance)


def test_unknown_scale_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown scale 'XL'"):
        scale_of("XL")


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    generate_portfolio(tmp_path / "a", "S", seed=5)
    generate_portfolio(tmp_path / "b", "S", seed=5)
    generate_portfolio(tmp_path / "c", "S", seed=6)
    a, b, c = _digest(tmp_path / "a"), _digest(tmp_path / "b"), _digest(tmp_path / "c")
    assert sorted(a) == sorted(f"{e}.csv" for e in WRITE_ORDER)
    assert a == b
    assert a["ties.csv"] != c["ties.csv"] and a["attendance.csv"] != c["attendance.csv"]


def test_columns_follow_the_schema(s_frames):
    for name, df in s_frames.items():
        known = ENTITIES[name].column_names
        assert set(df.columns) <= set(known), name
        assert list(df.columns) == [c for c in known if c in df.columns], name


def test_top_fifth_of_accounts_brings_most_revenue_and_tiers_follow_revenue(m_frames):
    a = m_frames["accounts"]
    r = np.sort(a["revenue"].to_numpy())[::-1]
    share = r[: len(r) // 5].sum() / r.sum()
    assert share > 0.7  # Pareto: ~80% for a lognormal with sigma 1.8
    mean_rev = a.groupby("tier")["revenue"].median()
    assert mean_rev["diamond"] > mean_rev["gold"] > mean_rev["silver"] > mean_rev["standard"]
    # metrics correlate with revenue
    assert np.corrcoef(np.log(a["revenue"]), a["industry_influence"])[0, 1] > 0.3


def test_each_account_has_a_five_level_org_chart_tree(s_frames):
    p = s_frames["people"].set_index("id")
    emp = s_frames["employment"]
    contacts = emp[emp["org_id"].str.startswith("A") & emp["person_id"].str.startswith("C")]
    rt = s_frames["reports_to"]
    customers = p[p["side"] == "customer"]
    # every customer below level 1 has exactly one manager, one level up, at the same account
    managed = rt[rt["person_id"].str.startswith("C")]
    assert managed["person_id"].is_unique
    assert set(managed["person_id"]) == set(customers.index[customers["level"] > 1])
    assert (p.loc[managed["manager_id"], "level"].to_numpy() == p.loc[managed["person_id"], "level"].to_numpy() - 1).all()
    acc = contacts.set_index("person_id")["org_id"]
    assert (acc[managed["person_id"]].to_numpy() == acc[managed["manager_id"]].to_numpy()).all()
    # one CEO per account and all five levels in every account
    levels = contacts.assign(level=contacts["person_id"].map(p["level"]))
    assert (levels.groupby("org_id")["level"].nunique() == 5).all()
    assert (levels[levels["level"] == 1].groupby("org_id").size() == 1).all()
    # our own staff form a 5-level tree too
    ours = p[p["side"] == "internal"]
    assert sorted(ours["level"].unique()) == [1, 2, 3, 4, 5]
    assert set(rt.loc[rt["person_id"].str.startswith("U"), "person_id"]) == set(ours.index[ours["level"] > 1])


def test_titles_agree_with_levels(s_frames):
    p = s_frames["people"]
    known = p[p["side"] != "external"]
    derived = known["title"].map(level_from_title)
    assert (derived == known["level"]).all()


def test_decision_roles_are_concentrated_at_levels_1_to_3(s_frames):
    p = s_frames["people"].set_index("id")
    a = s_frames["assessments"].drop_duplicates(["person_id", "account_id"])
    lvl = a["person_id"].map(p["level"])
    assert (lvl <= 3).mean() > 0.6
    dm = lvl[a["decision_role"] == "decision_maker"]
    assert len(dm) and (dm <= 2).all()
    # a third of the assessments change later: a dated history
    hist = s_frames["assessments"].groupby(["person_id", "account_id"]).size()
    assert 0.2 < (hist > 1).mean() < 0.5


def test_interactions_and_ties_are_heavy_tailed(s_frames):
    per_person = s_frames["attendance"]["person_id"].value_counts()
    assert per_person.max() >= 10 * per_person.median()
    t = s_frames["ties"]
    deg = pd.concat([t["person_id"], t["other_id"]]).value_counts()
    assert deg.max() >= 10 * deg.median()


def test_interactions_have_both_sides_and_bursts_before_deals(s_frames):
    att = s_frames["attendance"]
    side = att["person_id"].str[0].map({"C": "them", "X": "them", "U": "us"})
    sides = pd.crosstab(att["interaction_id"], side)
    assert (sides["us"] >= 1).all() and (sides["them"] >= 1).all()
    per = att.groupby("interaction_id").size()
    assert per.mean() == pytest.approx(SCALES["S"].attendance / SCALES["S"].interactions)
    x = s_frames["interactions"]
    assert pd.to_datetime(x["date"]).agg(["min", "max"]).tolist() == [pd.Timestamp("2023-07-01"),
                                                                       pd.Timestamp("2026-06-30")]
    deals = x[x["opportunity_id"].notna()].merge(s_frames["opportunities"], left_on="opportunity_id", right_on="id")
    closed = deals[deals["status"] != "open"]
    days_before = (pd.to_datetime(closed["close_date"]) - pd.to_datetime(closed["date"])).dt.days
    assert (days_before >= 0).mean() > 0.95 and days_before.median() < 60  # clustered before the close


def test_connectors_and_associations_are_shared_across_accounts(s_frames):
    emp = s_frames["employment"]
    account_of = emp[emp["person_id"].str.startswith("C")].set_index("person_id")["org_id"]
    t = s_frames["ties"]
    ext = t[t["other_id"].str.startswith("X") & t["person_id"].str.startswith("C")]
    accounts_per_connector = ext.assign(acc=ext["person_id"].map(account_of)).groupby("other_id")["acc"].nunique()
    assert (accounts_per_connector >= 2).sum() >= 20
    m = s_frames["memberships"]
    cust = m[m["person_id"].str.startswith("C")].assign(acc=lambda d: d["person_id"].map(account_of))
    assert (cust.groupby("org_id")["acc"].nunique() >= 3).any()
    ours = set(m.loc[m["person_id"].str.startswith("U"), "org_id"])
    assert ours & set(cust["org_id"])  # our executives meet theirs in shared bodies


def test_account_teams_have_the_iron_triangle_and_sponsors_on_diamond(m_frames):
    emp = m_frames["employment"]
    team = emp[emp["team_role"].notna()]
    tiers = m_frames["accounts"].set_index("id")["tier"]
    roles = team.groupby("org_id")["team_role"].agg(set)
    has = {r: roles.map(lambda s, r=r: r in s).reindex(tiers.index, fill_value=False) for r in ("ar", "sr", "fr")}
    assert has["ar"].mean() > 0.95
    top = tiers.isin(["diamond", "gold"])
    assert has["sr"][top].mean() > has["sr"][~top].mean()  # smaller accounts miss team roles more often
    diamond = tiers.index[tiers == "diamond"]
    sponsored = set(team.loc[team["team_role"] == "executive_sponsor", "org_id"])
    assert len(diamond) == 15 and sum(a in sponsored for a in diamond) >= 12
    assert not sponsored & set(tiers.index[tiers.isin(["silver", "standard"])])
    p = m_frames["people"].set_index("id")
    sponsor_levels = p.loc[team.loc[team["team_role"] == "executive_sponsor", "person_id"], "level"]
    assert (sponsor_levels <= 3).all()


def test_scale_s_imports_into_sqlite_without_problems(tmp_path):
    generate_portfolio(tmp_path / "s", "S", seed=3)
    store = SQLiteStore("sqlite:///:memory:")
    report = import_path(tmp_path / "s", store)
    assert report.warnings == ()
    counts = store.counts()
    expected = {name: len(pd.read_csv(tmp_path / "s" / f"{name}.csv")) for name in WRITE_ORDER}
    assert counts == expected
    assert counts["attendance"] == SCALES["S"].attendance


def test_cli_generate_writes_the_files(tmp_path):
    res = CliRunner().invoke(main, ["generate", "--scale", "xs", "--seed", "4", "--out", str(tmp_path / "g"),
                                    "--format", "csv"])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(pd.io.common.StringIO(res.output))
    assert out.set_index("file").loc["attendance.csv", "rows"] == SCALES["XS"].attendance
    assert (tmp_path / "g" / "ties.csv").is_file()
    bad = CliRunner().invoke(main, ["generate", "--scale", "S", "--end", "30/06/2026", "--out", str(tmp_path / "h")])
    assert bad.exit_code == 1 and "end must be a date like 2026-06-30" in bad.output
