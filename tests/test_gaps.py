"""Every gap kind, firing and not firing at its threshold, on small hand-built accounts.

As-of T = 2025-07-01 with default settings unless a test says otherwise. Declared ties
without ``assessed_on`` do not decay (a tie of declared strength k is worth (k - 0.5)/5:
1 -> 0.1, 2 -> 0.3, 3 -> 0.5, 4 -> 0.7, 5 -> 0.9); a tie assessed d days before T is worth
(k - 0.5)/5 * 2^(-d/365). Accounts without a declared tier or
metrics are ``standard``, whose policy asks for nothing, so only the rule under test fires.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import build_snapshot, contact, internal, meeting

from kamgraph.analysis.gaps import GAP_COLUMNS, GAP_KINDS, gaps
from kamgraph.analysis.trends import trends
from kamgraph.errors import ConfigError
from kamgraph.settings import Settings

T = "2025-07-01"
S = Settings(as_of=T)


def tie(p, o, strength, kind="business", assessed_on=None):
    return {"person_id": p, "other_id": o, "kind": kind, "strength": strength, "assessed_on": assessed_on}


def run(snap, kind, settings=S, **kw):
    return gaps(snap, settings, kinds=[kind], **kw)


def by_target(df):
    return df.set_index("target_id")


# -- no_decision_maker_known --------------------------------------------------------------

def _dm_known():
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}, {"id": "A2", "name": "Beta"}, {"id": "A3", "name": "Gamma"}],
        people=[internal("u1", 3, "Wang Fang", org_id="A2", team_role="ar"),
                contact("c1", "A1", 1, "decision_maker"), contact("c2", "A2", 2, "approver"),
                contact("k2", "A2", 4, "coach", "Kim"),
                contact("c3", "A3", 1, "decision_maker", assessed_on="2025-07-02")],
    )


def test_no_decision_maker_known_fires_only_where_none_is_assessed():
    g = run(_dm_known(), "no_decision_maker_known").set_index("account_id")
    assert sorted(g.index) == ["A2", "A3"]
    assert g.loc["A2", "evidence"] == "None of Beta's 2 current contact(s) is assessed as decision-maker (2 with a decision role)."
    assert g.loc["A2", "actor_id"] == "u1"
    assert g.loc["A2", "action"].startswith("Wang Fang (account responsible (AR)) should find out who makes")
    assert "coach Kim" in g.loc["A2", "action"]
    assert g.loc["A2", "severity"] == 0.9


def test_no_decision_maker_known_respects_the_assessment_date():
    later = gaps(_dm_known(), Settings(as_of="2025-07-02"), kinds=["no_decision_maker_known"])
    assert list(later["account_id"]) == ["A2"]


# -- uncovered_decision_maker -------------------------------------------------------------

def _uncovered():
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[internal("u1", 1, "Li Wei", org_id="A1", team_role="ar"), internal("u3", 2, "Sun Li"),
                {"id": "x1", "name": "Zhang Min", "side": "external", "level": 2},
                contact("d1", "A1", 1, "decision_maker", "Chen Jie"),
                contact("d2", "A1", 1, "decision_maker", "Du Fei"),
                contact("d3", "A1", 2, "decision_maker", "Ed Yu"),
                contact("a1", "A1", 2, "approver", "Al Po")],
        ties=[tie("u1", "d1", 3),  # undated: (3 - 0.5) / 5 = exactly 0.5
              tie("u1", "d2", 3, assessed_on="2025-06-30"),  # a day old: 0.5 * 2^(-1/365) = 0.49905
              tie("u3", "x1", 5, "friend"), tie("x1", "d2", 4, "classmate")],
    )


def test_uncovered_decision_maker_at_the_0_5_threshold():
    g = by_target(run(_uncovered(), "uncovered_decision_maker"))
    assert "d1" not in g.index  # exactly 0.5 is covered
    assert {"d2", "d3"} == set(g.index)
    assert g.loc["d2", "severity"] == 1.0
    assert g.loc["d2", "evidence"].startswith("The best tie to Du Fei (decision-maker, no title) is 0.50 (Li Wei)")
    assert g.loc["d3", "evidence"] == "Nobody on our side has a tie to or has met Ed Yu (decision-maker, no title)."


def test_uncovered_decision_maker_action_follows_the_best_access_path():
    g = by_target(run(_uncovered(), "uncovered_decision_maker"))
    # u3 -> Zhang Min (friend 5, 0.9) -> Du Fei (classmate 4, 0.7), factor 0.9: 0.567 beats the direct 0.499
    assert g.loc["d2", "actor_id"] == "u3" and g.loc["d2", "actor_name"] == "Sun Li"
    assert "Zhang Min" in g.loc["d2", "path"] and g.loc["d2", "path"].endswith("0.57")
    assert g.loc["d2", "action"].startswith("Sun Li should build a relationship with Du Fei through this path:")
    # nobody can reach Ed Yu: the account team acts (no sponsor, so the AR)
    assert g.loc["d3", "path"] is None and g.loc["d3", "actor_id"] == "u1"
    assert g.loc["d3", "action"] == ("Li Wei (account responsible (AR)) should build a relationship with Ed Yu; "
                                     "no suitable access path is known.")


# -- no_peer_coverage ---------------------------------------------------------------------

def _peer():
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[internal("u_l2", 2, "Vic"), internal("u_l3", 3, "Dee"), internal("u_l4", 4, "Max"),
                {"id": "x1", "name": "Pat", "side": "external"},
                contact("a1", "A1", 2, "approver"), contact("a2", "A1", 2, "approver"),
                contact("d1", "A1", 1, "decision_maker"), contact("d2", "A1", 1, "decision_maker"),
                contact("us", "A1", 1, "user")],
        ties=[tie("u_l3", "a1", 5), tie("u_l4", "a2", 5), tie("u_l3", "d1", 5), tie("u_l4", "us", 5),
              tie("u_l2", "x1", 4, "friend"), tie("x1", "a2", 4, "former_colleague")],
    )


def test_no_peer_coverage_at_the_level_gap():
    g = by_target(run(_peer(), "no_peer_coverage"))
    # a1 (level 2) covered by level 3 = 2 + 1: peer; a2 only by level 4: gap; d1 (level 1) by level 3: gap
    assert "a1" not in g.index
    assert {"a2", "d1"} == set(g.index)
    # d2 is an uncovered decision-maker (its own gap), the user is not a peer role
    assert "d2" not in g.index and "us" not in g.index
    assert g.loc["a2", "severity"] == pytest.approx(0.7 * 2 / 3)
    assert g.loc["d1", "severity"] == pytest.approx(0.7)
    assert g.loc["a2", "evidence"] == ("a2 (approver, level 2) has no tie of at least 0.50 from anyone on our side at "
                                       "level 3 or above; the best tie is 0.90 (Max) at level 4.")


def test_no_peer_coverage_path_starts_from_someone_senior_enough():
    g = by_target(run(_peer(), "no_peer_coverage"))
    # Max's direct 0.9 tie is the best path, but Max is level 4: Vic (level 2) via Pat acts
    # (0.7 * 0.7 * former colleague 0.8 = 0.392)
    assert g.loc["a2", "actor_id"] == "u_l2"
    assert "Pat" in g.loc["a2", "path"]


def test_no_peer_coverage_gap_setting():
    same_level = run(_peer(), "no_peer_coverage", S.replace(coverage={"peer_level_gap": 0}))
    assert set(same_level["target_id"]) == {"a1", "a2", "d1"}  # a1's level-3 friend no longer counts
    two_below = run(_peer(), "no_peer_coverage", S.replace(coverage={"peer_level_gap": 2}))
    assert two_below.empty  # level 4 covers level 2, level 3 covers level 1


# -- single_threaded ----------------------------------------------------------------------

def _threads():
    people = [internal("u1", 2, "Uno"), internal("u2", 2, "Duo")]
    ties = []
    for acc, n1, n2 in (("S7", 7, 3), ("S9", 9, 4)):
        for i in range(n1 + n2):
            people.append(contact(f"{acc}_{i}", acc, 3))
            ties.append(tie("u1" if i < n1 else "u2", f"{acc}_{i}", 5))
    people += [contact("S1_0", "S1", 3), contact("S0_0", "S0", 3), contact("M_0", "M", 3), contact("M_1", "M", 3)]
    ties += [tie("u1", "S1_0", 1),  # 0.1: not strong, but u1 is the only one
             tie("u1", "M_0", 5), tie("u2", "M_1", 1)]  # 1 strong tie of 1 (100%), a weak second thread
    accounts = [{"id": a, "name": a} for a in ("S7", "S9", "S1", "S0", "M")]
    return build_snapshot(accounts=accounts, people=people, ties=ties)


def test_single_threaded_at_70_percent_and_not_at_69():
    g = run(_threads(), "single_threaded").set_index("account_id")
    assert "S9" not in g.index  # 9 of 13 = 69.2%
    assert g.loc["S7", "target_id"] == "u1"  # 7 of 10 = 70%
    assert g.loc["S7", "evidence"] == "Uno holds 7 of the 10 strong ties (at least 0.50) to S7's contacts (70%)."
    assert g.loc["M", "evidence"].startswith("Uno holds 1 of the 1 strong ties")


def test_single_threaded_when_only_one_person_has_any_tie():
    g = run(_threads(), "single_threaded").set_index("account_id")
    assert g.loc["S1", "evidence"] == "Only Uno has any tie to or interaction with S1's contacts."
    assert "S0" not in g.index  # nobody knows anyone there: not "single" threaded
    assert sorted(g.index) == ["M", "S1", "S7"]


def test_single_threaded_share_from_settings():
    g = run(_threads(), "single_threaded", S.replace(gaps={"single_thread_share": 0.69}))
    assert "S9" in set(g["account_id"])


# -- cooling_key_relationship -------------------------------------------------------------

def _every(first: str, days: int, n: int) -> list[str]:
    return [(pd.Timestamp(first) + pd.Timedelta(days=days * k)).strftime("%Y-%m-%d") for k in range(n)]


CALLS = _every("2024-07-15", 45, 6)  # a call every 45 days, the last on 2025-02-25 (126 days before T)
MONTHLY = _every("2024-07-05", 30, 13)  # a meeting every 30 days, the last on 2025-06-30
START = pd.Timestamp("2024-07-05")  # the first interaction: where the history starts
SLOPE_POINTS = [pd.Timestamp(T) - pd.DateOffset(months=k) for k in range(5, -1, -1)]  # 2025-02-01 ... 07-01


def _calls_strength(d, corrected: bool) -> float:
    """Strength of a pair whose only evidence is the calls (w 1), at d; window-corrected:
    evidence / (1 - 2^(-(d - start)/90))."""
    d = pd.Timestamp(d)
    e = sum(2 ** (-(d - pd.Timestamp(c)).days / 90) for c in CALLS if pd.Timestamp(c) <= d)
    return 1 - 2 / (2 + (e / (1 - 2 ** (-(d - START).days / 90)) if corrected else e))


def _calls_slope() -> float:
    """Monthly relative change of the odds: 2^(least-squares slope of log2 s/(1-s)) - 1."""
    s = np.array([_calls_strength(d, corrected=True) for d in SLOPE_POINTS])
    return 2 ** float(np.polyfit(np.arange(len(s)), np.log2(s / (1 - s)), 1)[0]) - 1


def _cooling():
    """The history starts on 2024-07-05. Each contact's rhythm is the median own gap of its
    pairs met on two or more days: a call pair 225 / 5 = 45 days, so quiet after 135.

    - dm_cool (decision-maker): u1's calls; 126 days quiet: overdue (> 45), not dormant
      (<= 135), the window-corrected odds fall 18.5% a month (<= -15%): cooling
    - dm_stable: u2 every month: stable
    - us_cool (user, not a key role): u1's calls, cooling
    - co_dorm (coach): one meeting with u2 on 2025-01-01, 181 days ago: no rhythm is known
      for Dory (one contact day), so the 180-day cap applies: dormant
    - dm_mixed: u1's undated friend tie 5 (0.9) and monthly meetings is the best tie,
      stable; u2's calls with them cool (dm_mixed's rhythm median(30, 45) = 37.5, the
      pair's (225 + 37.5) / 6 = 43.75, quiet after 131.25), but they are not the best tie
    """
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[internal("u1", 2, "Uno"), internal("u2", 2, "Duo"),
                contact("dm_cool", "A1", 1, "decision_maker", "Cool"), contact("dm_stable", "A1", 1, "decision_maker"),
                contact("us_cool", "A1", 4, "user"), contact("co_dorm", "A1", 3, "coach", "Dory"),
                contact("dm_mixed", "A1", 1, "decision_maker")],
        interactions=[
            *[meeting(f"c{i}", d, "u1", "dm_cool", kind="call") for i, d in enumerate(CALLS)],
            *[meeting(f"s{i}", d, "u2", "dm_stable") for i, d in enumerate(MONTHLY)],
            *[meeting(f"w{i}", d, "u1", "us_cool", kind="call") for i, d in enumerate(CALLS)],
            meeting("d1", "2025-01-01", "u2", "co_dorm"),
            *[meeting(f"m{i}", d, "u1", "dm_mixed") for i, d in enumerate(MONTHLY)],
            *[meeting(f"k{i}", d, "u2", "dm_mixed", kind="call") for i, d in enumerate(CALLS)],
        ],
        ties=[tie("u1", "dm_mixed", 5, kind="friend")],
    )


def test_cooling_key_relationship_fires_on_key_roles_best_tie_only():
    tr = trends(_cooling(), S, pairs="all").set_index(["person_id", "other_id"])
    labels = tr["label"]
    assert (labels[("dm_cool", "u1")], labels[("u1", "us_cool")], labels[("dm_mixed", "u2")]) == ("cooling",) * 3
    assert (labels[("dm_stable", "u2")], labels[("dm_mixed", "u1")], labels[("co_dorm", "u2")]) == (
        "stable", "stable", "dormant")
    assert tr.loc[("dm_mixed", "u2"), "quiet_limit_days"] == pytest.approx(131.25)
    assert tr.loc[("co_dorm", "u2"), "quiet_limit_days"] == 180.0
    g = by_target(run(_cooling(), "cooling_key_relationship"))
    assert set(g.index) == {"dm_cool", "co_dorm"}
    assert g.loc["dm_cool", "actor_id"] == "u1"
    # plain strength where the slope window starts (2025-02-01) -> now:
    # 1 - 2 / (2 + sum 2^(-days/90)) = 0.5445 -> 0.3614; 2025-02-01 to T is 150 days, 5 months
    assert _calls_strength("2025-02-01", corrected=False) == pytest.approx(0.5445, abs=1e-4)
    assert _calls_strength(T, corrected=False) == pytest.approx(0.3614, abs=1e-4)
    assert g.loc["dm_cool", "evidence"] == ("Uno – Cool (decision-maker) is cooling: strength 0.54 → 0.36 over "
                                            "5 months; last interaction 2025-02-25 (126 days ago).")
    assert g.loc["co_dorm", "evidence"].startswith("Duo – Dory (coach) is dormant: strength ")
    assert "over 5 months; last interaction 2025-01-01 (181 days ago)" in g.loc["co_dorm", "evidence"]
    assert g.loc["co_dorm", "severity"] == pytest.approx(0.8 * 1.5 / 3)


def test_the_cooling_evidence_counts_the_months_from_where_the_slope_window_starts():
    # as of 2024-12-20 the history (from 2024-07-05) holds the month-ends from 2024-08-20 at
    # least 30 days in: the window starts there, 122 days back, "over 4 months". co_dorm's one
    # meeting on 2025-01-01 is after that date; dm_mixed's calls with u2 are not the best tie;
    # a call pair (last call 2024-11-27, 23 days) is not overdue: the gap list is empty then.
    # Ten days later nothing changes but the count of months.
    s = Settings(as_of="2024-12-20")
    row = trends(_cooling(), s, pairs=pd.DataFrame({"person_id": ["u2"], "other_id": ["dm_stable"]})).iloc[0]
    assert row["window_start"] == pd.Timestamp("2024-08-20")
    assert run(_cooling(), "cooling_key_relationship", s).empty


def _short_history():
    """The data starts 2025-06-01 with u meeting the decision-maker d once; d meets an
    outsider x every 5 days (d's rhythm: 5 days, so u - d is quiet after the 30-day floor)."""
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[internal("u", 2, "Uno"), contact("d", "A1", 1, "decision_maker", "Dee"),
                {"id": "x", "name": "X", "side": "external"}],
        interactions=[meeting("once", "2025-06-01", "u", "d")]
        + [meeting(f"x{k}", day, "d", "x") for k, day in enumerate(_every("2025-06-01", 5, 7))])


def test_a_dormant_key_relationship_in_a_one_month_history_says_since_when_the_data_starts():
    # as of 2025-07-05 the data is 34 days old: only the as-of date is 30 days inside it.
    # u - d met once 34 days ago (1 - 2 / (2 + 2 * 2^(-34/90)) = 0.4349): 34 > 30 (the floor), dormant
    s = Settings(as_of="2025-07-05")
    row = trends(_short_history(), s).set_index(["person_id", "other_id"]).loc[("u", "d")]
    assert (row["label"], row["quiet_limit_days"], row["days_since_last"]) == ("dormant", 30.0, 34)
    assert row["window_start"] == pd.Timestamp("2025-07-05")
    g = run(_short_history(), "cooling_key_relationship", s)
    assert list(g["target_id"]) == ["d"]
    assert "since 2025-07-05" not in g.iloc[0]["evidence"]  # the as-of date: no period at all
    assert "is dormant: strength 0.43 (the data starts 2025-06-01);" in g.iloc[0]["evidence"]


def test_cooling_key_relationship_at_the_slope_threshold():
    pairs = pd.DataFrame({"person_id": ["u1"], "other_id": ["dm_cool"]})
    slope = trends(_cooling(), S, pairs=pairs).loc[0, "slope"]
    assert slope == pytest.approx(_calls_slope(), abs=1e-9)
    assert slope == pytest.approx(-0.1853, abs=1e-4)
    at = run(_cooling(), "cooling_key_relationship", S.replace(trend={"slope_threshold": -slope}))
    above = run(_cooling(), "cooling_key_relationship", S.replace(trend={"slope_threshold": -slope * (1 + 1e-9)}))
    assert "dm_cool" in set(at["target_id"])
    assert "dm_cool" not in set(above["target_id"])  # stable: 126 days quiet is within its 135


# -- unmanaged_opponent -------------------------------------------------------------------

def _opponents():
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[internal("u1", 2, "Uno", org_id="A1", team_role="ar"),
                contact("o4", "A1", 2, "influencer", "Oz", attitude="opponent", influence=4),
                contact("o3", "A1", 2, "influencer", attitude="opponent", influence=3),
                contact("o5t", "A1", 2, None, attitude="opponent", influence=5),
                contact("o5m", "A1", 2, None, attitude="opponent", influence=5),
                contact("s5", "A1", 2, None, attitude="skeptic", influence=5)],
        ties=[tie("u1", "o5t", 1, assessed_on="2020-01-01")],
        interactions=[meeting("e1", "2023-07-01", "u1", "o5m", kind="email")],
    )


def test_unmanaged_opponent_at_influence_4_and_without_any_tie():
    g = by_target(run(_opponents(), "unmanaged_opponent"))
    assert list(g.index) == ["o4"]
    assert g.loc["o4", "evidence"] == ("Oz (influencer) is an opponent with influence 4/5, and nobody on our side "
                                       "has a tie to or has met them.")
    assert g.loc["o4", "severity"] == pytest.approx(0.8 * 1.5 / 3)
    assert g.loc["o4", "action"].startswith("Uno (account responsible (AR)) should open a channel to Oz")


def test_unmanaged_opponent_influence_from_settings():
    g = run(_opponents(), "unmanaged_opponent", S.replace(gaps={"opponent_influence": 3}))
    assert set(g["target_id"]) == {"o4", "o3"}


# -- missing_team_role --------------------------------------------------------------------

def _teams():
    emp = [
        {"person_id": "u1", "org_id": "G1", "team_role": "ar"}, {"person_id": "u2", "org_id": "G1", "team_role": "sr"},
        {"person_id": "u1", "org_id": "G2", "team_role": "ar"}, {"person_id": "u2", "org_id": "G2", "team_role": "sr"},
        {"person_id": "u3", "org_id": "G2", "team_role": "fr", "until": "2025-06-30"},
        {"person_id": "u1", "org_id": "SV", "team_role": "ar"},
    ]
    return build_snapshot(
        accounts=[{"id": "G1", "name": "Gold One", "tier": "gold", "owner_id": "u9"},
                  {"id": "G2", "name": "Gold Two", "tier": "gold"},
                  {"id": "SV", "name": "Silver", "tier": "silver"},
                  {"id": "SX", "name": "Silver X", "tier": "silver"},
                  {"id": "ST", "name": "Std", "tier": "standard"}],
        people=[internal("u1", 3), internal("u2", 3), internal("u3", 4), internal("u9", 1, "Boss")],
        employment=emp,
    )


def test_missing_team_role_per_tier_policy():
    g = run(_teams(), "missing_team_role")
    got = sorted(zip(g["account_id"], g["target_name"]))
    assert got == [("G1", "fulfilment responsible (FR)"), ("G2", "fulfilment responsible (FR)"),
                   ("SX", "account responsible (AR)")]
    g1 = g.set_index("account_id").loc["G1"]
    assert g1["evidence"] == ("Gold One is a gold account; its policy requires a fulfilment responsible (FR) "
                              "and nobody is assigned.")
    assert g1["actor_id"] == "u9"
    assert g1["action"] == "Boss (account owner) should assign a fulfilment responsible (FR) to Gold One."


def test_missing_team_role_fr_still_there_the_day_before_it_ended():
    g = gaps(_teams(), Settings(as_of="2025-06-29"), kinds=["missing_team_role"])
    assert "G2" not in set(g["account_id"])


# -- tier_policy ----------------------------------------------------------------------------

def _tiers():
    emp = [{"person_id": "ceo", "org_id": "D1", "team_role": "executive_sponsor"},
           {"person_id": "vp", "org_id": "D2", "team_role": "executive_sponsor"},
           {"person_id": "vp", "org_id": "G", "team_role": "ar"}]
    return build_snapshot(
        accounts=[{"id": "D1", "name": "Dia One", "tier": "diamond"}, {"id": "D2", "name": "Dia Two", "tier": "diamond"},
                  {"id": "D3", "name": "Dia Three", "tier": "diamond"}, {"id": "G", "name": "Goldie", "tier": "gold"}],
        people=[internal("ceo", 1, "Ceo"), internal("vp", 2, "Vip"),
                contact("d1", "D1", 1, "decision_maker"), contact("d2", "D2", 1, "decision_maker"),
                contact("d3", "D3", 3, "decision_maker"), contact("ga", "G", 2, "approver")],
        employment=emp,
        ties=[tie("vp", "d2", 3), tie("ceo", "d3", 5), tie("vp", "ga", 3)],
        interactions=[
            meeting("v1", "2025-04-02", "ceo", kind="visit", account_id="D1"),  # d1 absent: adds nothing
            # a visit with d1 on T is ceo - d1's only evidence: 1 - 2 / (2 + 3) = 0.6 exactly
            meeting("v2", "2025-07-01", "ceo", "d1", kind="visit", account_id="D1"),
            # exactly 3 months before T: outside the quarter; v4 had three attendees (each pair
            # gets half); both raise ceo-d2 to 1 - 2 / (2 + 3 * 2^(-91/90) + 3/2 * 2^(-90/90))
            # = 1 - 2 / 4.2385 = 0.528 < 0.6
            meeting("v3", "2025-04-01", "ceo", "d2", kind="visit", account_id="D2"),
            meeting("v4", "2025-04-02", "ceo", "d2", "vp", kind="visit", account_id="D2"),
            meeting("v5", "2025-06-01", "vp", "d3", kind="visit", account_id="D3"),  # level 2: not a diamond exec
            meeting("v6", "2025-06-01", "ceo", "d3", kind="meeting", account_id="D3"),  # not a visit
            meeting("v7", "2025-06-01", "vp", "ga", kind="visit", account_id="G"),
        ],
    )


def _policy_gaps(account):
    g = run(_tiers(), "tier_policy")
    return sorted(g.loc[g["account_id"] == account, "evidence"])


def test_tier_policy_all_met_at_the_thresholds():
    # D1: sponsor level 1, tie 0.6 (today's visit) from level 1 to a level-1 DM, 2 visits in the quarter
    assert _policy_gaps("D1") == []
    # gold: a tie >= 0.5 from level 2 to a level-2 approver (business 3, (3 - 0.5) / 5 = 0.5, and a
    # visit 30 days ago: 1 - 0.5 * 2 / (2 + 3 * 2^(-30/90)) = 0.7717), 1 visit by level 2
    assert _policy_gaps("G") == []


def test_tier_policy_executive_tie_visits_and_sponsor_level():
    ev = _policy_gaps("D2")
    assert ev == [
        "Dia Two is a diamond account; its policy asks for 2 executive visit(s) a quarter (our level 1 or above) "
        "and there were 1 since 2025-04-01.",
        # Vip's tie (business 3 plus the shared visit) does not count: Vip is level 2, the
        # diamond policy asks for level 1
        "Dia Two is a diamond account; its policy requires a tie of at least 0.60 from our level-1-or-above people to a "
        "decision-maker at level 2 or above; the best is 0.53 (Ceo – d2).",
        "Dia Two is a diamond account; its policy requires an executive sponsor at level 1 or above, but the "
        "sponsor Vip is level 2.",
    ]


def test_tier_policy_no_sponsor_no_senior_decision_maker_no_executive_visit():
    ev = _policy_gaps("D3")
    assert ev == [
        "Dia Three is a diamond account; its policy asks for 2 executive visit(s) a quarter (our level 1 or above) "
        "and there were 0 since 2025-04-01.",
        "Dia Three is a diamond account; its policy requires an executive sponsor and none is assigned.",
        "Dia Three is a diamond account; its policy requires an executive tie of at least 0.60 to a decision-maker at "
        "level 2 or above, and no such contact is known.",
    ]


def test_tier_policy_tie_just_below_the_minimum():
    s = S.replace(tier_policy=[{"tier": "diamond", "executive_level": 1, "min_exec_tie": 0.6000001,
                                "exec_tie_roles": ["decision_maker"], "executive_sponsor": True,
                                "min_exec_visits_per_quarter": 2}])
    g = gaps(_tiers(), s, kinds=["tier_policy"], accounts=["D1"])
    assert len(g) == 1 and g.iloc[0]["target_id"] == "d1"
    assert "the best is 0.60 (Ceo – d1)" in g.iloc[0]["evidence"]
    assert g.iloc[0]["actor_id"] == "ceo"  # the direct path from our level-1 sponsor


# -- key_person_risk ----------------------------------------------------------------------

def _key(second_dm_tie: int | None = None):
    people = [internal("u1", 2, "Uno", org_id="K", team_role="ar"), internal("u2", 2, "Duo"), internal("u3", 2, "Tre"),
              contact("dm", "K", 1, "decision_maker", "Dee")]
    ties = [tie("u1", "dm", 5)]
    for c, role in (("a1", "approver"), ("a2", "approver"), ("te", "technical_evaluator"), ("in", "influencer")):
        people.append(contact(c, "K", 2, role))
        ties += [tie("u2", c, 5), tie("u3", c, 5)]
    if second_dm_tie:
        ties.append(tie("u2", "dm", second_dm_tie))
    return build_snapshot(accounts=[{"id": "K", "name": "Kappa", "owner_id": "u3"}], people=people, ties=ties)


def test_key_person_risk_at_a_drop_of_exactly_0_3():
    # weights 3 + 2 + 2 + 1.5 + 1.5 = 10; only u1 knows the DM: drop = 3 * 1 / 10 = 0.3
    g = run(_key(), "key_person_risk")
    assert list(g["target_id"]) == ["u1"]
    assert g.iloc[0]["evidence"] == ("If Uno left, Kappa's coverage score would fall from 1.00 to 0.70 (-0.30): "
                                     "they alone hold the best tie to Dee.")
    # u1 is the AR: someone else acts (no sponsor: the owner)
    assert g.iloc[0]["actor_id"] == "u3"


def test_key_person_risk_not_below_the_threshold():
    assert run(_key(), "key_person_risk", S.replace(gaps={"key_person_drop": 0.3 + 1e-9})).empty
    # a second tie of 1, (1 - 0.5) / 5 = 0.1 (ratio 0.2): drop 3 * 0.8 / 10 = 0.24
    assert run(_key(second_dm_tie=1), "key_person_risk").empty


# -- all kinds together ---------------------------------------------------------------------

def test_columns_priority_and_sorting():
    snap = build_snapshot(
        accounts=[{"id": "D", "name": "Dia", "tier": "diamond"}, {"id": "S", "name": "Std", "tier": "standard"}],
        people=[internal("u1", 1), contact("dd", "D", 1, "decision_maker"), contact("sd", "S", 1, "decision_maker")])
    g = run(snap, "uncovered_decision_maker")
    assert list(g.columns) == GAP_COLUMNS
    assert list(g["account_id"]) == ["D", "S"]
    assert list(g["severity"]) == [1.0, 1.0]
    assert list(g["priority"]) == [1.0, 0.25]  # tier weights diamond 4, standard 1


def test_every_kind_can_be_requested_and_unknown_kinds_are_errors():
    g = gaps(_uncovered(), S)
    assert set(g["kind"]) <= set(GAP_KINDS)
    with pytest.raises(ConfigError, match="unknown gap kind 'bogus'"):
        gaps(_uncovered(), S, kinds=["bogus"])


def test_accounts_filter():
    g = gaps(_dm_known(), S, accounts=["A3"])
    assert set(g["account_id"]) == {"A3"}


def test_key_person_who_is_the_whole_team_hands_over_themselves():
    snap = build_snapshot(
        accounts=[{"id": "K", "name": "Kappa", "owner_id": "u1"}],
        people=[internal("u1", 2, "Uno", org_id="K", team_role="ar"), contact("dm", "K", 1, "decision_maker", "Dee")],
        ties=[tie("u1", "dm", 5)])
    g = run(snap, "key_person_risk").iloc[0]
    assert g["actor_id"] == "u1"
    assert g["action"] == "Uno (the key person) should get a second colleague a strong tie to Dee."


def test_no_peer_coverage_of_a_contact_nobody_knows():
    snap = build_snapshot(accounts=[{"id": "A1", "name": "Acme"}],
                          people=[internal("u1", 4), contact("a1", "A1", 2, "approver", "Al")])
    g = run(snap, "no_peer_coverage").iloc[0]
    assert g["evidence"] == ("Al (approver, level 2) has no tie of at least 0.50 from anyone on our side at level 3 or "
                             "above; nobody on our side has a tie to or has met them.")


def test_tier_policy_rows_name_the_rule_that_fired():
    g = run(_tiers(), "tier_policy")
    d2 = g[g["account_id"] == "D2"].set_index("rule")
    assert sorted(d2.index) == ["executive_sponsor", "executive_tie", "executive_visits"]
    assert d2.loc["executive_visits", "target_id"] is None
    assert d2.loc["executive_tie", "target_id"] == "d2"
    other = run(_tiers(), "missing_team_role")
    assert (other["rule"] == other["kind"]).all()


# -- who is assigned: every account-team member counts ------------------------------------

def _sales_rep_teams():
    """S1 has twelve sales reps on its team as ``sr`` (no AR, no owner, no sponsor), like the
    accounts of a CRM export whose opportunity owners land on the account team; N1 has nobody.
    Neither has a decision-maker assessed."""
    reps = [internal(f"r{i:02d}", 4, f"Rep {i:02d}") for i in range(1, 13)]
    emp = [{"person_id": p["id"], "org_id": "S1", "team_role": "sr"} for p in reps]
    return build_snapshot(
        accounts=[{"id": "S1", "name": "Sales One", "tier": "silver"}, {"id": "N1", "name": "Nobody Inc", "tier": "silver"}],
        people=reps + [contact("c1", "S1", 3, "approver", "Cai"), contact("c2", "N1", 3, "approver", "Dee")],
        employment=emp,
    )


def test_an_account_with_only_sales_reps_on_its_team_has_someone_assigned():
    g = gaps(_sales_rep_teams(), S, kinds=["no_decision_maker_known", "missing_team_role"])
    s1 = g[g["account_id"] == "S1"]
    # hand-computed: the silver policy needs an AR (missing) and nobody is a decision-maker;
    # the first SR by id (r01, "Rep 01") stands in for the account team in both actions
    assert sorted(s1["kind"]) == ["missing_team_role", "no_decision_maker_known"]
    assert set(s1["actor_id"]) == {"r01"}
    dm = s1.set_index("kind").loc["no_decision_maker_known"]
    assert dm["action"] == ("Rep 01 (solution responsible (SR)) should find out who makes the final decision "
                            "at Sales One.")
    role = s1.set_index("kind").loc["missing_team_role"]
    assert role["action"] == "Rep 01 (solution responsible (SR)) should assign an account responsible (AR) to Sales One."
    assert not s1["action"].str.contains("Nobody is assigned").any()
    # an account with nobody on its team and no owner still says so
    n1 = g[g["account_id"] == "N1"]
    assert n1["action"].str.startswith("Nobody is assigned to this account").all() and len(n1) == 2


def test_an_ended_team_membership_no_longer_counts_as_assigned():
    snap = _sales_rep_teams()
    emp = snap.employment.copy()
    emp.loc[emp["org_id"] == "S1", "until"] = pd.Timestamp("2025-06-30")
    ended = build_snapshot(accounts=snap.accounts, people=snap.people, employment=emp,
                           assessments=snap.assessments)
    g = gaps(ended, S, kinds=["no_decision_maker_known"]).set_index("account_id")
    assert g.loc["S1", "action"].startswith("Nobody is assigned to this account")
