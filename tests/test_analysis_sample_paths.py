"""The sample portfolio's stories (data/sample/README.md) found by paths, influence and tiering.

The CSVs are loaded as an importer types them (``normalize_frame``) and analysed at the
sample's anchor date from data/sample/kamgraph.toml with default settings otherwise.
One test goes through the real import into an in-memory store and a one-account
snapshot, the way ``kamgraph paths --to`` does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kamgraph.analysis.influence import influence
from kamgraph.analysis.paths import access_paths, uncovered_decision_maker_paths
from kamgraph.analysis.tiering import account_tiers, pareto
from kamgraph.schema import ENTITIES, normalize_frame
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def settings() -> Settings:
    if not (SAMPLE / "README.md").exists():
        pytest.skip(f"sample data not found at {SAMPLE} (no README.md)")
    s = Settings.load(SAMPLE / "kamgraph.toml")
    assert s.as_of == "2026-11-15"
    return s


@pytest.fixture(scope="module")
def snap(settings) -> Snapshot:
    frames = {}
    for name in ENTITIES:
        path = SAMPLE / f"{name}.csv"
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8") if path.exists() \
            else pd.DataFrame(columns=ENTITIES[name].column_names)
        frames[name] = normalize_frame(name, df.astype(object).where(df != "", None))
    return Snapshot(frames)


def rows(df: pd.DataFrame) -> list[tuple]:
    return list(zip(df["kind"], df["internal_id"], df["via_id"], df["via_kind"], df["score"].round(4)))


def test_a01_diamond_decision_maker_through_the_ceos_emba_classmate(snap, settings):
    # story (a): S-01 Chen Hao -> X-01 Sun Lihua (classmate) -> C-001 Zhou Jianguo.
    # S-01 - X-01: classmate 5 assessed 61 days ago, (5 - 0.5) / 5 * 2^(-61/365) = 0.9 *
    # 0.8906 = 0.8016, plus a meal 120 days ago (2.5 * 2^(-120/90) = 0.9921), the EMBA reunion
    # 64 days ago with 3 people (1 / 2 * 2^(-64/90) = 0.3054) and a meal 16 days ago
    # (2.5 * 2^(-16/90) = 2.2101): 1 - (1 - 0.8016) * 2 / (2 + 3.5077) = 0.9279. X-01 - C-001:
    # classmate 5, 61 days: 0.8016. 0.9279 * 0.8016 * 0.9 = 0.6694; then the shared EMBA class
    # O-04 (0.30); then the regulator official X-03: S-01 - X-03 official 3 (240 days: 0.5 *
    # 2^(-240/365) = 0.3170) and a meeting 242 days ago (0.3102) -> 1 - 0.6830 * 2 / 2.3102 =
    # 0.4087, X-03 - C-001 official 3 (309 days) 0.5 * 2^(-309/365) = 0.2781: 0.4087 * 0.2781
    # * 0.6 = 0.0682; direct paths only 0.0070 (the supplier day, an event with 6 people
    # 345 days ago: 1 / 5 * 2^(-345/90) = 0.0140 -> 1 - 2 / 2.0140)
    df = access_paths(snap, settings, "C-001", k=10)
    assert rows(df.head(3)) == [("person", "S-01", "X-01", "classmate", 0.6694),
                                ("organization", "S-01", "O-04", "association", 0.3),
                                ("person", "S-01", "X-03", "official", 0.0682)]
    assert df["first_strength"][0] == pytest.approx(0.9279, abs=1e-4)
    assert df["second_strength"][0] == pytest.approx(0.8016, abs=1e-4)
    assert df["first_strength"][2] == pytest.approx(0.4087, abs=1e-4)
    assert df["second_strength"][2] == pytest.approx(0.2781, abs=1e-4)
    assert df["explanation"][0].startswith(
        "Chen Hao 陈昊 (our CEO 首席执行官) → Sun Lihua 孙丽华, classmate (EMBA 2019 classmates) → ")
    assert df["explanation"][0].endswith("Zhou Jianguo 周建国, 董事长 of Shanghai Lanxin Semiconductor 上海澜芯半导体有限公司: 0.67")
    direct = df[df["kind"] == "direct"]
    assert set(direct["internal_id"]) == {"S-03", "S-07"}
    assert direct["score"].max() == pytest.approx(0.0070, abs=1e-4)


def test_a06_decision_maker_reachable_only_through_the_association(snap, settings):
    # story (d): C-082 Shen Guoliang has no tie and no interaction; S-02 shares O-02 with him
    df = access_paths(snap, settings, "C-082", k=50)
    assert rows(df) == [("organization", "S-02", "O-02", "association", 0.3)]
    assert "(shared membership)" in df["explanation"][0]


def test_a02_unmanaged_opponent_only_through_a_former_colleague(snap, settings):
    # story (e): S-06 Tobias Brandt -> X-05 Andreas Vogt (former colleague, k 0.8) -> C-020:
    # S-06 - X-05 former colleague 4 assessed 401 days ago ((4 - 0.5) / 5 * 2^(-401/365) = 0.7 *
    # 0.4670 = 0.3269) and a meal 402 days ago (2.5 * 2^(-402/90) = 0.1131) -> 1 - 0.6731 * 2 /
    # 2.1131 = 0.3629; X-05 - C-020 former colleague 3, 401 days: 0.5 * 0.4670 = 0.2335;
    # 0.3629 * 0.2335 * 0.8 = 0.0678
    df = access_paths(snap, settings, "C-020", k=50)
    assert rows(df.head(1)) == [("person", "S-06", "X-05", "former_colleague", 0.0678)]
    assert df["first_strength"][0] == pytest.approx(0.3629, abs=1e-4)
    assert df["second_strength"][0] == pytest.approx(0.2335, abs=1e-4)
    assert "direct" not in set(df["kind"])


def test_uncovered_decision_makers_of_the_portfolio(snap, settings):
    # README gap table: uncovered_decision_maker at A-01 (C-001), A-06 (C-082), A-11 (C-137)
    df = uncovered_decision_maker_paths(snap, settings)
    firsts = df[df["rank"] == 1].set_index("target_id")
    assert firsts["account_id"].to_dict() == {"C-001": "A-01", "C-082": "A-06", "C-137": "A-11"}
    assert firsts.loc["C-001", "via_id"] == "X-01" and firsts.loc["C-082", "via_id"] == "O-02"
    # dormant S-16 tie: meetings 545 and 496 days ago and a visit 454 days ago, all one-to-one:
    # 2 * 2^(-545/90) + 2 * 2^(-496/90) + 3 * 2^(-454/90) = 0.1648 -> 1 - 2 / 2.1648 = 0.0761
    assert firsts.loc["C-137", "best_direct"] == pytest.approx(0.0761, abs=1e-4)
    assert firsts.loc["C-001", "best_direct"] == pytest.approx(0.0070, abs=1e-4)
    assert pd.isna(firsts.loc["C-082", "best_direct"])  # never interacted: absent, not 0
    assert (df["best_direct"].fillna(0) < settings.coverage.covered).all()


def test_a07_hidden_influencer(snap, settings):
    # story (e): over the declared links alone C-095 0.2401 first, C-108 Deng Yue 0.2194
    # second, first over INFLUENCES alone; by power (the same walk restarting where the
    # interactions are, computed independently in tests/test_sample_data.py) C-096, the boss of
    # the account's most active people, 0.2017, then C-095 0.1972 and C-108 0.1784
    df = influence(snap, settings, account_ids=["A-07"]).set_index("person_id")
    assert len(df) == 15
    assert df.index[:3].tolist() == ["C-096", "C-095", "C-108"]
    assert df.loc[["C-096", "C-095", "C-108"], "rank"].tolist() == [1, 2, 3]
    assert df.loc[["C-096", "C-095", "C-108"], "power"].tolist() == pytest.approx([0.2017, 0.1972, 0.1784], abs=1e-4)
    assert df["pagerank"].idxmax() == "C-095" and df.loc["C-095", "pagerank"] == pytest.approx(0.2401, abs=1e-4)
    assert df["pagerank"].nlargest(2).index.tolist() == ["C-095", "C-108"]
    assert df.loc["C-108", "pagerank"] == pytest.approx(0.2194, abs=1e-4)
    assert df.loc["C-108", "informal_rank"] == 1
    assert df.loc["C-108", "informal_pagerank"] == pytest.approx(0.1291, abs=1e-4)
    assert df.loc["C-108", ["level", "decision_role"]].tolist() == [3, "influencer"]
    assert df.index[df["hidden_influencer"]].tolist() == ["C-108"]


def test_tiers_match_the_readme(snap, settings):
    df = account_tiers(snap, settings).set_index("account_id")
    declared = {**{a: "diamond" for a in ("A-01", "A-02", "A-03")},
                **{a: "gold" for a in ("A-04", "A-05", "A-06", "A-07")},
                **{f"A-{i:02d}": "silver" for i in range(8, 13)}}
    assert df["tier"].to_dict() == declared
    assert df["declared_tier"].to_dict() == declared
    value = {"A-01": 0.8625, "A-02": 0.8417, "A-03": 0.8083, "A-04": 0.6792, "A-05": 0.6667, "A-06": 0.5542,
             "A-07": 0.5458, "A-08": 0.3500, "A-09": 0.2125, "A-10": 0.2167, "A-11": 0.2125, "A-12": 0.0500}
    assert df["value_score"].to_dict() == pytest.approx(value, abs=1e-4)
    # "the three diamonds and two golds score into their declared tier, Tianmu and Jinsha
    # score silver, the silvers score standard"
    computed = {**{a: "diamond" for a in ("A-01", "A-02", "A-03")}, "A-04": "gold", "A-05": "gold",
                "A-06": "silver", "A-07": "silver", **{f"A-{i:02d}": "standard" for i in range(8, 13)}}
    assert df["computed_tier"].to_dict() == computed
    assert df.index[df["problem"]].tolist() == ["A-12"]
    assert df.loc["A-12", "problem_reasons"] == "declared; gross margin below 0; collection rate below 0.8"


def test_pareto_matches_the_readme(snap, settings):
    p = pareto(snap, settings)
    assert (p.n_accounts, p.n_top) == (12, 3)
    assert p.revenue_share == pytest.approx(0.718, abs=5e-4)


def test_scoped_snapshot_from_the_store_finds_the_same_path(settings):
    from kamgraph.ingest import import_path
    from kamgraph.store import open_store

    store = open_store("sqlite:///:memory:")
    import_path(SAMPLE, store)
    one = store.snapshot(["A-01"])
    df = access_paths(one, settings, "C-001", k=1)
    assert rows(df) == [("person", "S-01", "X-01", "classmate", 0.6694)]
