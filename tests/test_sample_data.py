"""The sample portfolio (data/sample/): its format, its shape, and every story it tells.

The CSVs are loaded straight into frames normalized with :func:`kamgraph.schema.normalize_frame`
(no importer involved), a :class:`~kamgraph.snapshot.Snapshot` is built from them, and each
story of data/sample/README.md is checked numerically at the anchor date 2026-11-15 with
the DESIGN.md section 4 definitions, computed here from
:func:`kamgraph.analysis.strength.strengths` and :meth:`Snapshot.roles` only, so the
figures the README quotes are pinned independently of the analysis modules that must find
them.
"""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from kamgraph import model
from kamgraph.analysis.dates import month_ends
from kamgraph.analysis.strength import directed, strength_series, strengths
from kamgraph.schema import ENTITIES, normalize_frame
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot
from kamgraph.titles import level_from_title

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
AS_OF = pd.Timestamp("2026-11-15")

# story people (ids and names are quoted in data/sample/README.md)
CEO, VP_SALES = "S-01", "S-02"
LANXIN, BAYERN, PENGCHENG, JINGWEI, STRAITS, TIANMU, JINSHA = "A-01", "A-02", "A-03", "A-04", "A-05", "A-06", "A-07"
HAIYUN, NANIWA, LINGNAN = "A-10", "A-11", "A-12"
ZHOU_JIANGUO, SUN_LIHUA = "C-001", "X-01"
YIN_HAO = "S-09"
FANG_ZHIYUAN, LAI_ZHENHUA = "C-041", "S-04"
SHEN_GUOLIANG, ASSOCIATION = "C-082", "O-02"
KRUEGER = "C-020"
DENG_YUE, HUANG_ZHIQIANG = "C-108", "C-095"
LIANG_XIAOQING = "C-042"
PRIYA_RAMAN = "C-081"
ZOU_JIAYI, QIAO_LIN = "C-129", "S-15"
TANAKA_HIROSHI, KENJI_MORITA = "C-137", "S-16"


# ---------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------


def read_raw(entity: str) -> pd.DataFrame:
    """A CSV as strings, empty cells as None (what an importer sees before typing)."""
    df = pd.read_csv(SAMPLE / f"{entity}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    return df.astype(object).where(df != "", None)


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    return {name: read_raw(name) for name in ENTITIES}


@pytest.fixture(scope="module")
def snap(raw) -> Snapshot:
    return Snapshot({name: normalize_frame(name, df) for name, df in raw.items()})


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.load(SAMPLE / "kamgraph.toml")


@pytest.fixture(scope="module")
def pairs(snap, settings) -> pd.DataFrame:
    return strengths(snap, settings)


@pytest.fixture(scope="module")
def roles(snap) -> pd.DataFrame:
    return snap.roles(AS_OF)


# ---------------------------------------------------------------------------------------
# DESIGN.md section 4, restated in a few lines each
# ---------------------------------------------------------------------------------------


def levels(snap: Snapshot) -> pd.Series:
    """Level per person: given, else derived from the title."""
    p = snap.people.set_index("id")
    derived = p["title"].map(level_from_title).astype("Float64")
    return p["level"].astype("Float64").fillna(derived)


def sides(snap: Snapshot) -> pd.Series:
    return snap.people.set_index("id")["side"]


def names(snap: Snapshot) -> pd.Series:
    return snap.people.set_index("id")["name"]


def current_contacts(snap: Snapshot) -> pd.DataFrame:
    """Customer contacts employed at an account on the as-of date: ``person_id, account_id``."""
    e = snap.employment
    current = (e["since"].isna() | (e["since"] <= AS_OF)) & (e["until"].isna() | (e["until"] >= AS_OF))
    e = e[current & e["person_id"].map(sides(snap)).eq("customer") & e["org_id"].isin(snap.accounts["id"])]
    return e[["person_id", "org_id"]].rename(columns={"org_id": "account_id"}).reset_index(drop=True)


def ours(snap: Snapshot, pairs: pd.DataFrame) -> pd.DataFrame:
    """(internal person, current customer contact) strengths: ``us, contact, account_id, strength``."""
    d = directed(pairs)
    side = sides(snap)
    d = d[d["person_id"].map(side).eq("internal") & d["other_id"].map(side).eq("customer")]
    d = d.rename(columns={"person_id": "us", "other_id": "contact"})
    return d.merge(current_contacts(snap), left_on="contact", right_on="person_id").drop(columns="person_id")


def coverage_scores(snap, settings, pairs, roles, without: str | None = None) -> pd.Series:
    """Account coverage score: role-weighted mean of min(1, best/covered) over the buying center."""
    o = ours(snap, pairs)
    if without is not None:
        o = o[o["us"] != without]
    best = o.groupby("contact")["strength"].max()
    bc = roles[roles["decision_role"].notna()][["person_id", "account_id", "decision_role"]]
    bc = bc.merge(current_contacts(snap), on=["person_id", "account_id"])
    w = bc["decision_role"].map(settings.coverage.role_weights)
    c = np.minimum(1.0, bc["person_id"].map(best).fillna(0.0) / settings.coverage.covered)
    return (c * w).groupby(bc["account_id"]).sum() / w.groupby(bc["account_id"]).sum()


def strong_tie_shares(snap, settings, pairs, account: str) -> pd.Series:
    """Share of the account's strong ties (strength >= gaps.strong) held by each internal person."""
    o = ours(snap, pairs)
    strong = o[(o["account_id"] == account) & (o["strength"] >= settings.gaps.strong)]
    return strong["us"].value_counts() / len(strong)


def access_paths(snap, settings, pairs, target: str) -> pd.DataFrame:
    """Every direct and one-intermediary person path to ``target``, best first.

    score = strength(us, x) * strength(x, target) * k, k = best of the kind factors of the
    ties between x and the target, ``colleague`` when x works at the target's account and
    ``other`` when x and the target only met; direct paths score strength(us, target).
    """
    factors = settings.paths.kind_factors
    side = sides(snap)
    d = directed(pairs)
    internal = d["person_id"].map(side).eq("internal")
    direct = d[internal & (d["other_id"] == target)]
    out = [pd.DataFrame({"us": direct["person_id"], "via": None, "k": 1.0, "score": direct["strength"]})]

    legs = d[(d["other_id"] == target) & ~d["person_id"].map(side).eq("internal")]
    target_accounts = set(current_contacts(snap).query("person_id == @target")["account_id"])
    colleagues = set(current_contacts(snap).query("account_id in @target_accounts")["person_id"])
    k = {}
    for x, kinds in zip(legs["person_id"], legs["tie_kinds"]):
        cand = [factors[t] for t in kinds.split(",") if t] or [factors["other"]]
        if x in colleagues:
            cand.append(factors["colleague"])
        k[x] = max(cand)
    first = d[internal & d["other_id"].isin(legs["person_id"])]
    via = first.merge(legs[["person_id", "strength"]].rename(columns={"person_id": "other_id", "strength": "s2"}),
                      on="other_id")
    if len(via):
        kv = via["other_id"].map(k).astype(float)
        out.append(pd.DataFrame({"us": via["person_id"], "via": via["other_id"], "k": kv,
                                 "score": via["strength"] * via["s2"] * kv}))
    out = [f for f in out if len(f)]
    if not out:
        return pd.DataFrame({"us": [], "via": [], "k": [], "score": []})
    paths = pd.concat(out, ignore_index=True)
    return paths.sort_values(["score", "us"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def slope_per_month(values) -> float:
    return float(np.polyfit(np.arange(len(values)), np.asarray(values, dtype=float), 1)[0])


def pair_strength(pairs: pd.DataFrame, x: str, y: str) -> float | None:
    a, b = (x, y) if x < y else (y, x)
    row = pairs[(pairs["a"] == a) & (pairs["b"] == b)]
    return None if row.empty else float(row["strength"].iloc[0])


def value_scores(snap: Snapshot, settings: Settings) -> pd.Series:
    """Percentile-weighted value score per account (mid-rank percentiles)."""
    acc = snap.accounts.set_index("id")
    total = 0.0
    for metric, w in settings.tiers.metric_weights.items():
        v = acc[metric].astype(float)
        total = total + w * (v.rank(method="average") - 0.5) / v.notna().sum()
    return total / sum(settings.tiers.metric_weights.values())


# ---------------------------------------------------------------------------------------
# format
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_every_file_has_exactly_the_schema_columns(entity):
    with (SAMPLE / f"{entity}.csv").open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == ENTITIES[entity].column_names


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_keys_are_unique_and_required_columns_filled(raw, entity):
    ent = ENTITIES[entity]
    df = raw[entity]
    assert not df.duplicated(list(ent.key)).any()
    for col in ent.columns:
        if col.required:
            assert df[col.name].notna().all(), col.name


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_typed_values_parse_and_enums_hold(raw, entity):
    ent = ENTITIES[entity]
    df = raw[entity]
    norm = normalize_frame(entity, df)
    for col in ent.columns:
        given = df[col.name].notna()
        if col.type in ("int", "float", "date", "bool"):
            assert norm.loc[given.to_numpy(), col.name].notna().all(), f"{entity}.{col.name} does not parse"
        if col.enum:
            assert set(df.loc[given, col.name]) <= set(col.enum), f"{entity}.{col.name}"
        if col.min is not None:
            assert (norm[col.name].dropna().astype(float) >= col.min).all()
        if col.max is not None:
            assert (norm[col.name].dropna().astype(float) <= col.max).all()


def test_account_and_organization_ids_do_not_collide(raw):
    assert not set(raw["accounts"]["id"]) & set(raw["organizations"]["id"])


def test_every_reference_resolves(raw):
    for entity, ent in ENTITIES.items():
        for col in ent.columns:
            if not col.references:
                continue
            known = set().union(*(set(raw[r]["id"]) for r in col.references))
            used = set(raw[entity][col.name].dropna())
            assert used <= known, f"{entity}.{col.name}: {sorted(used - known)[:5]}"


def test_ties_are_stored_with_person_id_before_other_id(raw):
    t = raw["ties"]
    assert (t["person_id"] < t["other_id"]).all()


def test_interaction_ids_and_dates_span_eighteen_months(snap):
    i = snap.interactions
    assert i["id"].str.fullmatch(r"I-\d{4}").all()
    assert i["date"].min() >= pd.Timestamp("2025-05-01")
    assert i["date"].max() == pd.Timestamp("2026-11-14")
    assert (i["date"].max() - i["date"].min()).days >= 540
    assert set(i["kind"]) == set(model.InteractionKind.values())
    # every interaction has attendees, and every one of them is attended by one of ours
    att = snap.attendance.merge(snap.people[["id", "side"]], left_on="person_id", right_on="id")
    assert set(att["interaction_id"]) == set(i["id"])
    assert att.groupby("interaction_id")["side"].apply(lambda s: (s == "internal").any()).all()


def test_events_bring_several_people_from_both_sides(snap):
    att = snap.attendance.merge(snap.people[["id", "side"]], left_on="person_id", right_on="id")
    events = snap.interactions[snap.interactions["kind"] == "event"]["id"]
    per = att[att["interaction_id"].isin(events)].groupby("interaction_id")["side"]
    both = per.apply(lambda s: (s == "internal").sum() >= 2 and (s == "customer").sum() >= 2)
    assert both.sum() >= 3


def test_generator_reproduces_the_committed_files_byte_for_byte(tmp_path):
    subprocess.run([sys.executable, str(SAMPLE / "make_sample.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    for entity in ENTITIES:
        assert (tmp_path / f"{entity}.csv").read_bytes() == (SAMPLE / f"{entity}.csv").read_bytes(), entity


def test_settings_file_anchors_the_stories():
    assert Settings.load(SAMPLE / "kamgraph.toml").as_of_date() == AS_OF


# ---------------------------------------------------------------------------------------
# shape of the portfolio
# ---------------------------------------------------------------------------------------


def test_counts_are_in_the_documented_ranges(snap):
    c = snap.counts()
    side = snap.people["side"].value_counts()
    assert c["accounts"] == 12
    assert snap.accounts["tier"].value_counts().to_dict() == {"silver": 5, "gold": 4, "diamond": 3}
    assert 140 <= side["customer"] <= 160
    assert side["internal"] == 25
    assert side["external"] == 20
    assert 10 <= c["organizations"] <= 15
    assert 1000 <= c["interactions"] <= 1300
    assert 3000 <= c["attendance"] <= 3800
    assert 50 <= c["ties"] <= 70
    assert 60 <= c["influence"] <= 100
    assert 200 <= c["assessments"] <= 240
    assert c["opportunities"] == 7 and 20 <= c["opportunity_roles"] <= 30
    assert 20 <= c["memberships"] <= 30


def test_names_and_titles_mix_chinese_and_western_with_accents(snap):
    text = " ".join(snap.people["name"]) + " ".join(snap.people["title"].dropna())
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert {"é", "ü", "ö", "ç"} & set(text)
    assert {"董事长", "总经理", "CFO", "采购经理"} <= set(snap.people["title"].dropna())
    assert snap.accounts["country"].nunique() == 5


def test_levels_agree_with_titles_and_some_are_left_to_derive(snap):
    p = snap.people[snap.people["side"] == "customer"]
    derived = p["title"].map(level_from_title)
    given = p["level"].notna()
    both = given & derived.notna()
    assert (p.loc[both, "level"].astype(int) == derived[both].astype(int)).all()
    # a level left empty is always derivable from the title
    assert derived[~given].notna().all()
    assert 40 <= (~given).sum() <= 100
    # titles no parser reads (French, German) carry an explicit level
    assert p.loc[derived.isna(), "level"].notna().all() and derived.isna().sum() >= 5


def test_reporting_lines_are_one_tree_per_account(snap):
    cc = current_contacts(snap).set_index("person_id")["account_id"]
    r = snap.frames["reports_to"]
    assert not r["person_id"].duplicated().any()
    assert (r["person_id"].map(cc) == r["manager_id"].map(cc)).all()
    g = nx.DiGraph(zip(r["person_id"], r["manager_id"]))
    assert nx.is_directed_acyclic_graph(g)
    for account, members in cc.groupby(cc).groups.items():
        roots = [p for p in members if p not in set(r["person_id"])]
        assert len(roots) == 1, account
        sub = g.subgraph(members).to_undirected()
        assert nx.is_connected(sub), account


def test_every_account_has_a_buying_center(snap, roles):
    r = roles.merge(current_contacts(snap), on=["person_id", "account_id"])
    per = r.groupby("account_id")["decision_role"].apply(lambda s: set(s.dropna()))
    for account, found in per.items():
        assert {"approver", "technical_evaluator", "procurement", "user"} <= found, account
        if account == LINGNAN:
            assert "decision_maker" not in found
        else:
            assert (r[(r["account_id"] == account)]["decision_role"] == "decision_maker").sum() == 1
    assert (r["decision_role"] == "coach").sum() >= 5
    assert r["influence"].dropna().between(1, 5).all()
    assert set(r["attitude"].dropna()) == set(model.Attitude.values())


def test_our_side_two_executives_and_an_account_team_everywhere(snap):
    lvl = levels(snap)
    internal = snap.people[snap.people["side"] == "internal"]["id"]
    assert sorted(lvl[internal].value_counts().items())[:2] == [(1.0, 1), (2.0, 1)]
    assert lvl[CEO] == 1 and lvl[VP_SALES] == 2
    emp = snap.employment
    our_org = snap.organizations[snap.organizations["kind"] == "internal"]["id"].tolist()
    assert len(our_org) == 1
    assert set(emp[emp["org_id"] == our_org[0]]["person_id"]) == set(internal)
    team = emp[emp["team_role"].notna()]
    assert set(team["person_id"]) <= set(internal)
    roles_at = team.groupby("org_id")["team_role"].apply(set)
    tiers = snap.accounts.set_index("id")["tier"]
    for account, tier in tiers.items():
        assert "ar" in roles_at[account]
        if tier == "diamond":
            assert "executive_sponsor" in roles_at[account]
        if tier in ("diamond", "gold") and account != JINSHA:
            assert {"ar", "sr", "fr"} <= roles_at[account], account
    ar = team[team["team_role"] == "ar"].set_index("org_id")["person_id"]
    assert snap.accounts.set_index("id")["owner_id"].to_dict() == ar.to_dict()


def test_connectors_include_friends_an_association_a_regulator_and_an_emba_class(snap):
    kinds = snap.organizations.set_index("id")["kind"]
    members = snap.frames["memberships"]
    assert {"association", "regulator", "alumni"} <= set(kinds)
    assert set(snap.ties["kind"]) >= {"business", "friend", "classmate", "former_colleague", "relative",
                                      "comrade", "official", "other"}
    external = set(snap.people[snap.people["side"] == "external"]["id"])
    assert external <= set(snap.ties["person_id"]) | set(snap.ties["other_id"])
    assert members[members["org_id"].map(kinds) == "alumni"]["person_id"].nunique() >= 4
    assert snap.ties["assessed_on"].notna().all() and snap.ties["strength"].notna().all()


def test_tiers_follow_value_pareto_and_the_problem_account(snap, settings):
    score = value_scores(snap, settings)
    tiers = snap.accounts.set_index("id")["tier"]
    assert score[tiers == "diamond"].min() > score[tiers == "gold"].max()
    assert score[tiers == "gold"].min() > score[tiers == "silver"].max()
    assert (score[tiers == "diamond"] >= settings.tiers.thresholds["diamond"]).all()
    assert score[[JINGWEI, STRAITS]].between(settings.tiers.thresholds["gold"],
                                             settings.tiers.thresholds["diamond"]).all()
    assert score.idxmin() == LINGNAN
    acc = snap.accounts.set_index("id")
    problem = (acc["gross_margin"] < settings.tiers.problem_margin) | (
        acc["collection_rate"] < settings.tiers.problem_collection)
    assert problem[problem].index.tolist() == [LINGNAN] and bool(acc.loc[LINGNAN, "problem"])
    revenue = acc["revenue"].sort_values(ascending=False)
    top = revenue.iloc[: math.ceil(settings.tiers.pareto_share * len(revenue))].sum() / revenue.sum()
    assert top == pytest.approx(0.7183, abs=5e-5)
    assert score.round(4).to_dict() == pytest.approx(
        {"A-01": 0.8625, "A-02": 0.8417, "A-03": 0.8083, "A-04": 0.6792, "A-05": 0.6667, "A-06": 0.5542,
         "A-07": 0.5458, "A-08": 0.35, "A-09": 0.2125, "A-10": 0.2167, "A-11": 0.2125, "A-12": 0.05}, abs=1e-4)


# ---------------------------------------------------------------------------------------
# the stories (README, section "Stories")
# ---------------------------------------------------------------------------------------


def test_a_diamond_decision_maker_reachable_through_the_ceos_emba_classmate(snap, settings, pairs, roles):
    assert snap.accounts.set_index("id").loc[LANXIN, "tier"] == "diamond"
    dm = roles[(roles["account_id"] == LANXIN) & (roles["decision_role"] == "decision_maker")]["person_id"]
    assert dm.tolist() == [ZHOU_JIANGUO] and names(snap)[ZHOU_JIANGUO] == "Zhou Jianguo 周建国"
    assert levels(snap)[ZHOU_JIANGUO] == 1
    o = ours(snap, pairs)
    to_dm = o[o["contact"] == ZHOU_JIANGUO]
    lvl = levels(snap)
    # no tie of any strength from our level-1/2 people: they have never met him
    assert to_dm[to_dm["us"].map(lvl) <= 2].empty
    # the best of all of us: one supplier day in December 2025, an event (w 1) of 6 people
    # 345 days ago: 1 / 5 * 2^(-345/90) = 0.0140 -> 1 - 2 / 2.0140 = 0.0070
    assert to_dm["strength"].max() == pytest.approx(1 - 2 / (2 + 2 ** (-345 / 90) / 5), abs=1e-9)
    assert to_dm["strength"].max() == pytest.approx(0.0070, abs=1e-4)
    assert set(to_dm["us"]) == {"S-03", "S-07"} and (to_dm["n_interactions"] == 1).all()
    # the classmate holds both ends
    assert sides(snap)[SUN_LIHUA] == "external"
    # S-01 - X-01: classmate 5 assessed 61 days ago, (5 - 0.5) / 5 * 2^(-61/365) = 0.9 * 0.8906
    # = 0.8016; a meal 120 days ago (2.5 * 2^(-120/90) = 0.9921), the EMBA reunion 64 days ago
    # with 3 people (1 / 2 * 2^(-64/90) = 0.3054), a meal 16 days ago (2.5 * 2^(-16/90) =
    # 2.2101): evidence 3.5077 -> 1 - 0.1984 * 2 / 5.5077 = 0.9279
    declared = 0.9 * 2 ** (-61 / 365)
    evidence = 2.5 * 2 ** (-120 / 90) + 0.5 * 2 ** (-64 / 90) + 2.5 * 2 ** (-16 / 90)
    assert pair_strength(pairs, CEO, SUN_LIHUA) == pytest.approx(1 - (1 - declared) * 2 / (2 + evidence), abs=1e-9)
    assert pair_strength(pairs, CEO, SUN_LIHUA) == pytest.approx(0.9279, abs=1e-4)
    assert pair_strength(pairs, SUN_LIHUA, ZHOU_JIANGUO) == pytest.approx(declared, abs=1e-9)
    assert pair_strength(pairs, SUN_LIHUA, ZHOU_JIANGUO) == pytest.approx(0.8016, abs=1e-4)
    paths = access_paths(snap, settings, pairs, ZHOU_JIANGUO)
    best = paths.iloc[0]
    assert (best["us"], best["via"], best["k"]) == (CEO, SUN_LIHUA, 0.9)
    assert best["score"] == pytest.approx(0.9279 * 0.8016 * 0.9, abs=2e-4)
    assert best["score"] == pytest.approx(0.6694, abs=1e-4)
    # the runner-up person path (the regulator official) and the best direct path are far behind:
    # S-01 - X-03 official 3 assessed 240 days ago (0.5 * 2^(-240/365) = 0.3170) and a meeting
    # 242 days ago (2 * 2^(-242/90) = 0.3102): 1 - 0.6830 * 2 / 2.3102 = 0.4087; X-03 - C-001
    # official 3, 309 days: 0.5 * 2^(-309/365) = 0.2781; 0.4087 * 0.2781 * k(official 0.6) = 0.0682
    assert paths.iloc[1][["us", "via"]].tolist() == [CEO, "X-03"]
    assert paths.iloc[1]["score"] == pytest.approx(0.0682, abs=1e-4)
    # the rest of Lanxin's buying center
    assert coverage_scores(snap, settings, pairs, roles)[LANXIN] == pytest.approx(0.7535, abs=1e-4)
    # the CEO and Zhou also share the EMBA alumni class (k = 0.3), well below the classmate path
    mem = snap.frames["memberships"]
    shared = set(mem[mem["person_id"] == CEO]["org_id"]) & set(mem[mem["person_id"] == ZHOU_JIANGUO]["org_id"])
    assert shared == {"O-04"} and settings.paths.kind_factors["association"] < best["score"]


def test_b_jingwei_is_single_threaded_through_its_ar(snap, settings, pairs):
    assert snap.accounts.set_index("id").loc[JINGWEI, "tier"] == "gold"
    share = strong_tie_shares(snap, settings, pairs, JINGWEI)
    assert share.index[0] == YIN_HAO and names(snap)[YIN_HAO] == "Yin Hao 尹浩"
    assert share[YIN_HAO] >= settings.gaps.single_thread_share
    o = ours(snap, pairs)
    strong = o[(o["account_id"] == JINGWEI) & (o["strength"] >= settings.gaps.strong)]
    assert strong["us"].value_counts().to_dict() == {YIN_HAO: 7, "S-19": 1}
    assert share[YIN_HAO] == pytest.approx(7 / 8)


def test_b_lanxin_and_jinsha_are_single_threaded_too(snap, settings, pairs):
    # story (b) once said no other diamond or gold account was single-threaded; under the
    # size-discounted strength two are: at A-01 S-03 Gu Weiming holds 5 of the 7 strong ties
    # (71%), at A-07 S-12 Tang Kai all 4 (100%); the others stay under 0.7
    top = {a: strong_tie_shares(snap, settings, pairs, a) for a in ["A-01", "A-02", "A-03", "A-04", "A-05",
                                                                  "A-06", "A-07"]}
    single = {a: (sh.index[0], sh.iloc[0]) for a, sh in top.items() if sh.iloc[0] >= settings.gaps.single_thread_share}
    assert single == {"A-01": ("S-03", pytest.approx(5 / 7)), JINGWEI: (YIN_HAO, pytest.approx(7 / 8)),
                      JINSHA: ("S-12", pytest.approx(1.0))}
    o = ours(snap, pairs)
    strong = o[(o["strength"] >= settings.gaps.strong)]
    assert strong[strong["account_id"] == "A-01"]["us"].value_counts()["S-03"] == 5
    assert (strong["account_id"] == "A-01").sum() == 7
    assert strong[strong["account_id"] == JINSHA]["us"].tolist() == ["S-12"] * 4


def test_c_fang_zhiyuan_is_a_champion_gone_silent(snap, settings, pairs, roles):
    r = roles.set_index(["person_id", "account_id"]).loc[(FANG_ZHIYUAN, PENGCHENG)]
    assert (r["attitude"], r["decision_role"]) == ("champion", "approver")
    assert r["decision_role"] in settings.gaps.cooling_key_roles
    o = ours(snap, pairs)
    now = o[o["contact"] == FANG_ZHIYUAN].sort_values("strength", ascending=False)
    assert now.iloc[0]["us"] == LAI_ZHENHUA
    assert now.iloc[0]["last_interaction"] == pd.Timestamp("2026-04-14")
    assert (AS_OF - now["last_interaction"].max()).days == 215  # about seven months
    dates = month_ends(AS_OF, settings.trend.months)
    series = strength_series(snap, settings, dates, pairs=pd.DataFrame({"a": [FANG_ZHIYUAN], "b": [LAI_ZHENHUA]}))
    s = series["strength"].round(4).tolist()
    # with their business tie 4 (assessed 2025-06-20) at (4 - 0.5) / 5 = 0.7, decaying
    assert s == pytest.approx([0.9050, 0.8999, 0.8848, 0.8892, 0.8940, 0.8676, 0.8355, 0.7997, 0.7581,
                               0.7121, 0.6645, 0.6132], abs=1e-4)
    last = s[-settings.trend.slope_points:]
    assert all(x > y for x, y in zip(last, last[1:]))  # falling every month
    assert min(s[:7]) >= 0.83  # high 6 to 12 months ago
    # the trend slope (docs/architecture.md, "Trends"): the monthly relative change of the
    # odds s / (1 - s) of the window-corrected strength over the last 6 points: evidence
    # divided by 1 - 2^(-(d - 2025-05-01) / 90), least squares on log2 odds, 2^b - 1
    start = snap.interactions["date"].min()
    corrected = []
    for d in dates[-settings.trend.slope_points:]:
        row = strengths(snap, settings, as_of=d).query("a == @FANG_ZHIYUAN and b == @LAI_ZHENHUA").iloc[0]
        share = 1 - 2 ** (-(d - start).days / settings.strength.half_life_days)
        corrected.append(1 - (1 - row["declared"]) * 2 / (2 + row["evidence"] / share))
    corrected = np.asarray(corrected)
    b = slope_per_month(np.log2(corrected / (1 - corrected)))
    assert corrected.round(4).tolist() == pytest.approx([0.8408, 0.8045, 0.7623, 0.7157, 0.6675, 0.6156], abs=1e-4)
    assert 2 ** b - 1 == pytest.approx(-0.2125, abs=1e-4)  # the odds lose a fifth a month
    assert 2 ** b - 1 <= -settings.trend.slope_threshold
    # ... but he has been silent for far longer than the pair's own rhythm: the label is
    # dormant, not cooling (26.1-day rhythm, quiet limit 78.4 days, 215 days of silence);
    # S-18 Wen Jiaqi's relationship with him (0.2384 now) is dormant too (30.6 days, 91.9)
    limits = quiet_limits(snap, pairs, settings)
    assert limits[(FANG_ZHIYUAN, LAI_ZHENHUA)] == pytest.approx(3 * 26.1169, abs=1e-3)
    assert limits[(FANG_ZHIYUAN, "S-18")] == pytest.approx(3 * 30.6364, abs=1e-3)
    assert pair_strength(pairs, FANG_ZHIYUAN, "S-18") == pytest.approx(0.2384, abs=1e-4)
    assert 215 > max(limits[(FANG_ZHIYUAN, LAI_ZHENHUA)], limits[(FANG_ZHIYUAN, "S-18")])
    # Lai Zhenhua was his best relationship then, too
    then = strengths(snap, settings, as_of="2026-04-15")
    d = directed(then)
    d = d[(d["other_id"] == FANG_ZHIYUAN) & d["person_id"].str.startswith("S-")]
    assert d.sort_values("strength").iloc[-1]["person_id"] == LAI_ZHENHUA


def test_d_tianmus_chairman_is_reachable_only_through_the_association(snap, pairs, roles):
    dm = roles[(roles["account_id"] == TIANMU) & (roles["decision_role"] == "decision_maker")]["person_id"]
    assert dm.tolist() == [SHEN_GUOLIANG] and names(snap)[SHEN_GUOLIANG] == "Shen Guoliang 沈国良"
    # no tie and no shared interaction with anyone at all: no direct path, no personal connector
    assert not ((pairs["a"] == SHEN_GUOLIANG) | (pairs["b"] == SHEN_GUOLIANG)).any()
    assert not snap.attendance["person_id"].eq(SHEN_GUOLIANG).any()
    mem = snap.frames["memberships"]
    internal = set(snap.people[snap.people["side"] == "internal"]["id"])
    shared = mem[(mem["org_id"].isin(mem[mem["person_id"] == SHEN_GUOLIANG]["org_id"]))
                 & mem["person_id"].isin(internal)]
    assert shared[["person_id", "org_id"]].values.tolist() == [[VP_SALES, ASSOCIATION]]
    assert snap.organizations.set_index("id").loc[ASSOCIATION, "kind"] == "association"
    # and no executive of ours has a real tie to any approver there either
    o = ours(snap, pairs)
    approvers = roles[(roles["account_id"] == TIANMU) & (roles["decision_role"] == "approver")]["person_id"]
    execs = o[o["contact"].isin(approvers) & (o["us"].map(levels(snap)) <= 2)]
    # an association event of 25 people 360 days ago: 1 / 24 * 2^(-4) = 0.0026 -> 1 - 2 / 2.0026
    assert execs["strength"].max() == pytest.approx(1 - 2 / (2 + 2 ** -4 / 24), abs=1e-9)
    assert execs["strength"].max() == pytest.approx(0.0013, abs=1e-4)


def test_e_kruger_is_an_unmanaged_opponent(snap, settings, pairs, roles):
    r = roles.set_index(["person_id", "account_id"]).loc[(KRUEGER, BAYERN)]
    assert r["attitude"] == "opponent" and r["influence"] >= settings.gaps.opponent_influence
    assert names(snap)[KRUEGER] == "Dr. Stefan Krüger"
    o = ours(snap, pairs)
    assert o[o["contact"] == KRUEGER].empty  # no tie, never met
    # ... but a former colleague of his is a friend of ours
    assert access_paths(snap, settings, pairs, KRUEGER).iloc[0][["us", "via"]].tolist() == ["S-06", "X-05"]


def test_e_key_person_risk_where_one_departure_collapses_coverage(snap, settings, pairs, roles):
    base = coverage_scores(snap, settings, pairs, roles)
    drops = {}
    for person in snap.people[snap.people["side"] == "internal"]["id"]:
        after = coverage_scores(snap, settings, pairs, roles, without=person).reindex(base.index, fill_value=0.0)
        for account, drop in (base - after).items():
            if drop >= settings.gaps.key_person_drop:
                drops[(account, person)] = round(float(drop), 4)
    assert drops == {("A-04", "S-09"): 0.6278, ("A-07", "S-19"): 0.3218, ("A-09", "S-14"): 0.5163,
                     ("A-10", "S-15"): 0.3789, ("A-12", "S-14"): 0.3875}
    assert base[JINGWEI] == pytest.approx(0.8168, abs=1e-4)


def test_e_hidden_influencer_at_jinsha(snap, settings, pairs, roles):
    members = current_contacts(snap).query("account_id == @JINSHA")["person_id"].tolist()
    inf = snap.frames["influence"]
    inf = inf[inf["source_id"].isin(members) & inf["target_id"].isin(members)]
    rep = snap.frames["reports_to"]
    rep = rep[rep["person_id"].isin(members)]

    def declared_graph(include_reports: bool) -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_nodes_from(members)
        # "source's opinion weighs on target's decision": the target defers to the source
        g.add_weighted_edges_from(zip(inf["target_id"], inf["source_id"], inf["weight"].astype(float)))
        if include_reports:
            g.add_weighted_edges_from((p, m, settings.influence.reports_to_weight)
                                      for p, m in zip(rep["person_id"], rep["manager_id"]))
        return g

    def ranked(pr: dict) -> list[str]:
        return sorted(members, key=lambda p: (-pr[p], p))

    damping = settings.influence.damping
    pagerank = nx.pagerank(declared_graph(True), alpha=damping, weight="weight")
    informal_pr = nx.pagerank(declared_graph(False), alpha=damping, weight="weight")
    by_links, informal = ranked(pagerank), ranked(informal_pr)
    assert len(members) == 15
    assert round(pagerank[HUANG_ZHIQIANG], 4) == 0.2401 and round(pagerank[DENG_YUE], 4) == 0.2194
    assert round(informal_pr[DENG_YUE], 4) == 0.1291
    assert by_links[:2] == [HUANG_ZHIQIANG, DENG_YUE] and informal[0] == DENG_YUE

    # power (docs/architecture.md, "Power"): the same walk over the declared links, restarting
    # in proportion to 0.85 * interaction power + 0.15 / n. Interaction power: eigenvector
    # centrality on the graph of the account's people weighted by their pairs' evidence, each
    # connected part's eigenvector summing to its leading eigenvalue, then shares of the total.
    inside = pairs[pairs["a"].isin(members) & pairs["b"].isin(members) & (pairs["evidence"] > 0)]
    met = nx.Graph()
    met.add_weighted_edges_from(zip(inside["a"], inside["b"], inside["evidence"]))
    ip = dict.fromkeys(members, 0.0)
    for part in nx.connected_components(met):
        sub = met.subgraph(part)
        order = sorted(part)
        a = nx.to_numpy_array(sub, nodelist=order, weight="weight")
        values, vectors = np.linalg.eig(a)  # the Perron root and its non-negative eigenvector
        top = int(np.argmax(values.real))
        x = np.abs(vectors[:, top].real)
        eigenvalue = float(values[top].real)
        ip.update(zip(order, eigenvalue * x / x.sum()))
    total = sum(ip.values())
    mu, n = settings.influence.uniform_restart, len(members)
    restart = {p: (1 - mu) * ip[p] / total + mu / n for p in members}
    power = nx.pagerank(declared_graph(True), alpha=damping, weight="weight", personalization=restart,
                        dangling=restart)
    overall = ranked(power)
    # the boss of Jinsha's most active people (C-100, C-098, C-101, who hold over 45% of the
    # interaction power) comes first, the decision-maker second, Deng Yue third
    assert overall[:3] == ["C-096", HUANG_ZHIQIANG, DENG_YUE]
    assert [round(power[p], 4) for p in overall[:3]] == [0.2017, 0.1972, 0.1784]
    assert ip["C-096"] == 0 and ip[HUANG_ZHIQIANG] / total < 0.01 and ip[DENG_YUE] / total < 0.01
    assert sum(ip[p] / total for p in ("C-100", "C-098", "C-101")) > 0.45
    assert set(rep.loc[rep["manager_id"] == "C-096", "person_id"]) >= {"C-100", "C-098", "C-101"}
    assert levels(snap)[DENG_YUE] == 3 and names(snap)[DENG_YUE] == "Deng Yue 邓悦"
    top_n = math.ceil(settings.influence.hidden_top_share * len(members))
    assert overall.index(DENG_YUE) < top_n and power[DENG_YUE] > 1 / n
    onto_dm = inf[inf["target_id"] == HUANG_ZHIQIANG].set_index("source_id")["weight"]
    assert onto_dm.idxmax() == DENG_YUE and onto_dm.max() == 5
    # the other top-ranked people at Jinsha are level 1 or 2: Deng Yue is the one hidden influencer
    top = overall[:top_n]
    assert [p for p in top if levels(snap)[p] >= settings.influence.hidden_min_level] == [DENG_YUE]


def test_e_jinsha_has_no_fulfilment_responsible(snap):
    team = snap.employment[(snap.employment["org_id"] == JINSHA) & snap.employment["team_role"].notna()]
    assert set(team["team_role"]) == {"ar", "sr"}
    assert snap.accounts.set_index("id").loc[JINSHA, "tier"] == "gold"
    assert set(Settings().policy_for("gold").iron_triangle) - set(team["team_role"]) == {"fr"}


def test_e_liang_xiaoqing_turned_from_supporter_to_skeptic(snap):
    before = snap.roles("2026-06-17").set_index(["person_id", "account_id"]).loc[(LIANG_XIAOQING, PENGCHENG)]
    after = snap.roles("2026-06-18").set_index(["person_id", "account_id"]).loc[(LIANG_XIAOQING, PENGCHENG)]
    assert (before["attitude"], after["attitude"]) == ("supporter", "skeptic")
    assert after["decision_role"] == "procurement"
    assert names(snap)[LIANG_XIAOQING] == "Liang Xiaoqing 梁晓晴"
    # other contacts' attitudes changed too, so the history has more than one story
    a = snap.frames["assessments"].sort_values("assessed_on")
    a = a[a["attitude"].notna()]
    changed = a.groupby(["person_id", "account_id"])["attitude"].agg(lambda s: (s != s.shift()).sum() - 1)
    assert (changed > 0).sum() == 6


def quiet_limits(snap: Snapshot, pairs: pd.DataFrame, settings: Settings) -> pd.Series:
    """Days of silence after which each pair that interacted is dormant (the trends definition):
    3 x its rhythm, clamped to [30, 180] days. A person's rhythm is the median, over their
    pairs in contact on two or more days, of ``(last - first) / (contact_days - 1)``; a pair's
    prior is the mean rhythm of its ends that are not our staff (both ends for two of ours);
    its rhythm ``(last - first + prior) / contact_days``, without a prior its own mean gap
    (two or more contact days) or none (the 180-day cap)."""
    t = settings.trend
    met = pairs[pairs["contact_days"] > 0]
    span = (met["last_interaction"] - met["first_interaction"]).dt.days
    days = met["contact_days"]
    several = days >= 2
    gap = span[several] / (days[several] - 1)
    person = pd.concat([pd.Series(gap.to_numpy(), index=met["a"][several]),
                        pd.Series(gap.to_numpy(), index=met["b"][several])]).groupby(level=0).median()
    side = sides(snap)
    limits = {}
    for a, b, sp, n in zip(met["a"], met["b"], span, days):
        ends = [p for p in (a, b) if side[p] != "internal"] or [a, b]
        known = [person[p] for p in ends if p in person.index]
        prior = sum(known) / len(known) if known else None
        rhythm = (sp + prior) / n if prior is not None else (sp / (n - 1) if n >= 2 else math.inf)
        limits[(a, b)] = min(max(t.dormant_factor * rhythm, t.dormant_min_days), t.dormant_max_days)
    return pd.Series(limits)


def test_e_dormant_and_new_relationships(snap, settings, pairs):
    t = settings.trend
    limits = quiet_limits(snap, pairs, settings)
    # S-15 - C-129: a meeting 522 days ago and a call 457 days ago (2 * 2^(-522/90) + 2^(-457/90)
    # = 0.0655 -> 0.0317); S-16 - C-137: meetings 545 and 496 days ago and a visit 454 days ago
    # (0.1648 -> 0.0761). Both quiet for far longer than their limit (at most the 180-day cap)
    dormant = {(ZOU_JIAYI, QIAO_LIN): 0.0317, (TANAKA_HIROSHI, KENJI_MORITA): 0.0761}
    for (contact, us), strength in dormant.items():
        row = directed(pairs).set_index(["person_id", "other_id"]).loc[(us, contact)]
        a, b = sorted((us, contact))
        assert (AS_OF - row["last_interaction"]).days > limits[(a, b)]
        assert row["strength"] == pytest.approx(strength, abs=1e-4)
    r = directed(pairs).set_index(["person_id", "other_id"])
    history_start = snap.interactions["date"].min()
    assert history_start == pd.Timestamp("2025-05-01")
    for us in ("S-17", "S-10"):
        first = r.loc[(us, PRIYA_RAMAN), "first_interaction"]
        assert first == pd.Timestamp("2026-09-08") and (AS_OF - first).days <= t.new_days
        assert (first - history_start).days >= t.new_after_start_days  # well inside the history
    # S-17: the introduction meeting (3 people) 68 days ago, a call 52 days ago, a meeting (3
    # people) 31 days ago, an e-mail to 5 people yesterday: 2.1244 -> 0.5151; S-10: the
    # introduction, a meal 10 days ago, the e-mail: 2.9812 -> 0.5985
    s17 = 2 / 2 * 2 ** (-68 / 90) + 2 ** (-52 / 90) + 2 / 2 * 2 ** (-31 / 90) + 0.3 / 4 * 2 ** (-1 / 90)
    s10 = 2 / 2 * 2 ** (-68 / 90) + 2.5 * 2 ** (-10 / 90) + 0.3 / 4 * 2 ** (-1 / 90)
    assert r.loc[("S-17", PRIYA_RAMAN), "strength"] == pytest.approx(1 - 2 / (2 + s17), abs=1e-9)
    assert r.loc[("S-17", PRIYA_RAMAN), "strength"] == pytest.approx(0.5151, abs=1e-4)
    assert r.loc[("S-10", PRIYA_RAMAN), "strength"] == pytest.approx(1 - 2 / (2 + s10), abs=1e-9)
    assert r.loc[("S-10", PRIYA_RAMAN), "strength"] == pytest.approx(0.5985, abs=1e-4)
    assert snap.employment.set_index(["person_id", "org_id"]).loc[(PRIYA_RAMAN, STRAITS), "since"] == pd.Timestamp(
        "2026-08-03")


def test_strengths_equal_the_per_pair_reference(snap, settings, pairs):
    """Every strength the figures above stand on, recomputed pair by pair (benchmarks/naive.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import naive

    idx = naive.strength_index(snap)
    got = [naive.pair_facts(idx, a, b, AS_OF, settings) for a, b in zip(pairs["a"], pairs["b"])]
    np.testing.assert_allclose(pairs["strength"], [f["strength"] for f in got], rtol=0, atol=1e-12)
    assert pairs["n_one_to_one"].tolist() == [f["n_one_to_one"] for f in got]
    assert pairs["contact_days"].tolist() == [f["contact_days"] for f in got]


def test_e_lingnan_has_no_known_decision_maker_and_naniwas_is_uncovered(snap, settings, pairs, roles):
    assert not ((roles["account_id"] == LINGNAN) & (roles["decision_role"] == "decision_maker")).any()
    o = ours(snap, pairs)
    assert o[o["contact"] == TANAKA_HIROSHI]["strength"].max() < settings.coverage.covered
