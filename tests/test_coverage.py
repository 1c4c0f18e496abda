"""Coverage per contact, account and opportunity on one hand-built account.

As-of date T = 2025-07-01. Strength (DESIGN.md section 4) with H = 90 days, H_decl = 365;
every interaction here is one-to-one (no size discount):
    evidence = sum w(kind) * 2^(-(T - t_i)/90)      visit 3, meal 2.5, meeting 2, call 1, email 0.3
    declared = (strength - 0.5)/5 * 2^(-(T - assessed_on)/365)
    strength = 1 - (1 - declared) * 2 / (2 + evidence)

Acme (A1), our people u1 (level 1, AR), u2 (level 3, SR until 2025-06-01: ended),
u3 (level 5, FR). Contacts on T:

| contact | level | role (on T)          | who knows them                           | strength             |
|---------|-------|----------------------|------------------------------------------|----------------------|
| c1      | 1     | decision_maker       | u1 visit on T                            | 1-2/5       = 0.6    |
|         |       |                      | u2 meal on T-150 (2.5*2^(-5/3) = 0.787)  | 1-2/2.787   = 0.2825 |
| c2      | 2     | approver (was DM)    | u3 friend 5, assessed on T               | (5-0.5)/5   = 0.9    |
|         |       |                      | u2 call on T                             | 1-2/3       = 0.3333 |
| c3      | 3     | technical_evaluator  | u2 business tie 4, assessed T-365, no mtg| 0.7 * 0.5   = 0.35   |
| c4      | 5     | user (DM only after T)| nobody                                  | -                    |
| c5      | 4     | none                 | u3 e-mail on T                           | 1-2/2.3     = 0.1304 |

c6 left Acme before T and c7 joins after T: neither is a contact on T.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import build_snapshot, contact, internal, meeting

from kamgraph.analysis.coverage import account_coverage, contact_coverage, opportunity_coverage
from kamgraph.errors import NotFound
from kamgraph.settings import Settings

T = "2025-07-01"
T_MINUS_150 = "2025-02-01"
T_MINUS_365 = "2024-07-01"

S_C1_U1 = 1 - 2 / (2 + 3)  # visit on T
S_C1_U2 = 1 - 2 / (2 + 2.5 * 2 ** (-150 / 90))  # meal 150 days before T
S_C2_U2 = 1 - 2 / (2 + 1)  # call on T
S_C2_U3 = (5 - 0.5) / 5  # declared 5, assessed on T: 0.9, never certainty
S_C3_U2 = (4 - 0.5) / 5 * 0.5  # declared 4, assessed 365 days before T, no interactions: 0.35
S_C5_U3 = 1 - 2 / (2 + 0.3)  # e-mail on T


def _snap():
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme", "tier": "gold"}],
        people=[
            internal("u1", 1, "Li Wei", org_id="A1", team_role="ar"),
            internal("u2", 3, "Mo Yan", org_id="A1", team_role="sr", until="2025-06-01"),
            internal("u3", 5, "Sun Li", org_id="A1", team_role="fr"),
            contact("c1", "A1", 1, "decision_maker", "Chen Jie", title="CEO", attitude="supporter", influence=5),
            contact("c2", "A1", 2, "decision_maker", "Dana", assessed_on="2025-01-01"),
            contact("c3", "A1", 3, "technical_evaluator", "Evan"),
            contact("c4", "A1", 5, "user", "Fay"),
            contact("c5", "A1", 4, None, "Gus"),
            contact("c6", "A1", 2, "approver", "Hal", until="2025-05-01"),
            contact("c7", "A1", 2, "approver", "Ivy", since="2025-08-01"),
        ],
        assessments=[
            {"person_id": "c2", "account_id": "A1", "assessed_on": "2025-03-01", "decision_role": "approver"},
            {"person_id": "c4", "account_id": "A1", "assessed_on": "2025-07-11", "decision_role": "decision_maker"},
        ],
        interactions=[
            meeting("i1", T, "u1", "c1", kind="visit"),
            meeting("i2", T_MINUS_150, "u2", "c1", kind="meal"),
            meeting("i3", T, "u2", "c2", kind="call"),
            meeting("i4", T, "u3", "c5", kind="email"),
            meeting("i5", "2025-07-15", "u1", "c4", kind="visit"),  # after T: ignored
        ],
        ties=[
            {"person_id": "u3", "other_id": "c2", "kind": "friend", "strength": 5, "assessed_on": T},
            {"person_id": "u2", "other_id": "c3", "kind": "business", "strength": 4, "assessed_on": T_MINUS_365},
        ],
        opportunities=[{"id": "o1", "account_id": "A1", "name": "Platform", "status": "open"},
                       {"id": "o2", "account_id": "A1", "name": "Support", "status": "open"}],
        opportunity_roles=[{"person_id": "c3", "opportunity_id": "o1", "role": "decision_maker"}],
    )


@pytest.fixture(scope="module")
def settings():
    return Settings(as_of=T)


@pytest.fixture(scope="module")
def cc(settings):
    return contact_coverage(_snap(), settings).set_index("contact_id")


def test_contacts_are_those_employed_on_the_as_of_date(cc):
    assert sorted(cc.index) == ["c1", "c2", "c3", "c4", "c5"]


def test_best_strength_to_1e9(cc):
    assert cc.loc["c1", "best_strength"] == pytest.approx(S_C1_U1, abs=1e-9)
    assert cc.loc["c1", "best_internal_id"] == "u1"
    assert cc.loc["c2", "best_strength"] == pytest.approx(S_C2_U3, abs=1e-9)
    assert cc.loc["c2", "best_strength"] == pytest.approx(0.9, abs=1e-9)
    assert cc.loc["c2", "best_internal_id"] == "u3"
    assert cc.loc["c3", "best_strength"] == pytest.approx(S_C3_U2, abs=1e-9)
    assert cc.loc["c5", "best_strength"] == pytest.approx(S_C5_U3, abs=1e-9)
    assert cc.loc["c1", "best_internal_name"] == "Li Wei"
    assert cc.loc["c1", "best_internal_level"] == 1


def test_nobody_knows_is_not_strength_zero(cc):
    # c4: no tie, no interaction on or before T -> best strength unknown (NaN), never interacted
    assert np.isnan(cc.loc["c4", "best_strength"])
    assert pd.isna(cc.loc["c4", "best_internal_id"])
    assert cc.loc["c4", "never_interacted"]
    # c3: known only by a declared tie -> a strength, yet never interacted
    assert cc.loc["c3", "never_interacted"]
    assert not cc.loc["c1", "never_interacted"]
    assert cc.loc["c1", "last_interaction"] == pd.Timestamp(T)


def test_covered_peer_covered_and_threads(cc):
    assert cc["covered"].to_dict() == {"c1": True, "c2": True, "c3": False, "c4": False, "c5": False}
    # c1 (level 1) is covered by u1 (level 1 <= 1 + 1); c2 (level 2) only by u3 at level 5 > 3
    assert cc["peer_covered"].to_dict() == {"c1": True, "c2": False, "c3": False, "c4": False, "c5": False}
    # threads: internal people with strength >= 0.3 (u2-c2 is 0.333; u2-c1 0.2825 and u3-c5 0.130 are not)
    assert cc["threads"].to_dict() == {"c1": 1, "c2": 2, "c3": 1, "c4": 0, "c5": 0}


def test_roles_are_those_assessed_on_the_as_of_date(cc):
    assert cc.loc["c2", "decision_role"] == "approver"  # re-assessed 2025-03-01
    assert cc.loc["c4", "decision_role"] == "user"  # the DM assessment is dated after T
    assert cc.loc["c1", "attitude"] == "supporter" and cc.loc["c1", "influence"] == 5
    assert cc.loc["c1", "title"] == "CEO"


def test_account_coverage_score_by_hand(settings):
    a = account_coverage(_snap(), settings).set_index("account_id").loc["A1"]
    # buying center: c1 DM (w 3) ratio 1; c2 approver (w 2) ratio min(1, 0.9/0.5) = 1; c3 TE (w 1.5)
    # ratio 0.35/0.5 = 0.7; c4 user (w 1) ratio 0. c5 has no role: outside the buying center.
    # (3 + 2 + 1.05 + 0) / 7.5 = 6.05 / 7.5 = 0.80667
    expected = (3 * 1 + 2 * 1 + 1.5 * (S_C3_U2 / 0.5) + 1 * 0) / (3 + 2 + 1.5 + 1)
    assert a["coverage_score"] == pytest.approx(expected, abs=1e-9)
    assert a["coverage_score"] == pytest.approx(6.05 / 7.5, abs=1e-9)
    assert (a["contacts"], a["covered"], a["peer_covered"], a["never_interacted"]) == (5, 2, 1, 2)
    assert (a["buying_center"], a["buying_center_covered"]) == (4, 2)
    assert a["role_decision_maker"] == 1.0 and a["role_approver"] == 1.0
    assert a["role_technical_evaluator"] == pytest.approx(0.7)
    assert a["role_user"] == 0.0
    assert np.isnan(a["role_coach"])
    # threads: u1 (c1), u2 (c2, c3), u3 (c2)
    assert a["threads"] == 3


def test_account_team_and_iron_triangle(settings):
    a = account_coverage(_snap(), settings).set_index("account_id").loc["A1"]
    assert a["ar"] == "u1" and a["fr"] == "u3"
    assert pd.isna(a["sr"])  # u2's SR assignment ended on 2025-06-01
    assert not a["iron_triangle_complete"]
    assert a["missing_team_roles"] == "sr,executive_sponsor"


def test_iron_triangle_complete_before_the_sr_left():
    a = account_coverage(_snap(), Settings(as_of="2025-05-15")).set_index("account_id").loc["A1"]
    assert a["sr"] == "u2" and a["iron_triangle_complete"]
    assert a["missing_team_roles"] == "executive_sponsor"


def test_opportunity_coverage_uses_its_roles_else_the_accounts(settings):
    o = opportunity_coverage(_snap(), settings).set_index("opportunity_id")
    # o1: its own buying center, c3 as decision-maker: 0.35 / 0.5
    assert o.loc["o1", "roles_source"] == "opportunity"
    assert o.loc["o1", "coverage_score"] == pytest.approx(0.7, abs=1e-9)
    assert o.loc["o1", "buying_center"] == 1 and o.loc["o1", "threads"] == 1
    # o2: no roles of its own -> the account's buying center
    assert o.loc["o2", "roles_source"] == "account"
    assert o.loc["o2", "coverage_score"] == pytest.approx(6.05 / 7.5, abs=1e-9)


def test_thresholds_come_from_settings():
    s = Settings(as_of=T).replace(coverage={"covered": 0.34, "thread": 0.25, "peer_level_gap": 3})
    cc = contact_coverage(_snap(), s).set_index("contact_id")
    assert not contact_coverage(_snap(), Settings(as_of=T)).set_index("contact_id").loc["c3", "covered"]
    assert cc.loc["c3", "covered"]  # 0.35 >= 0.34
    assert cc.loc["c2", "peer_covered"]  # u3 level 5 <= 2 + 3
    assert cc.loc["c1", "threads"] == 2  # u2's 0.2825 >= 0.25


def test_best_person_tie_break_prefers_the_senior_one():
    snap = build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[internal("u9", 4), internal("u5", 2), contact("c1", "A1", 2, "decision_maker")],
        interactions=[meeting("i1", T, "u9", "u5", "c1")],
    )
    cc = contact_coverage(snap, Settings(as_of=T)).set_index("contact_id")
    assert cc.loc["c1", "best_internal_id"] == "u5"  # same strength, level 2 beats level 4
    assert cc.loc["c1", "threads"] == 2


def test_unknown_account_is_a_clear_error(settings):
    with pytest.raises(NotFound, match="nope"):
        account_coverage(_snap(), settings, accounts=["nope"])


def test_account_without_buying_center_has_no_score(settings):
    snap = build_snapshot(accounts=[{"id": "A1", "name": "Acme"}],
                          people=[internal("u1", 1), contact("c1", "A1", 3)],
                          interactions=[meeting("i1", T, "u1", "c1")])
    a = account_coverage(snap, settings).iloc[0]
    assert a["buying_center"] == 0 and np.isnan(a["coverage_score"])
    assert a["contacts"] == 1 and a["threads"] == 1
