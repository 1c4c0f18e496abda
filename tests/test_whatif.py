"""What-if: coverage without one person, and key-person risk by the top-2 rule.

As-of T = 2025-07-01; declared ties without ``assessed_on`` do not decay, so a tie of
declared strength k has strength (k - 0.5)/5 exactly (1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7,
5: 0.9). Coverage threshold 0.5, so ratio = min(1, strength / 0.5).

Acme (A1) buying center (weights DM 3, approver 2, technical evaluator 1.5, user 1):

| contact | role      | ties (strength)            | best / second  |
|---------|-----------|----------------------------|----------------|
| d       | DM        | u1 0.9, u2 0.1             | u1 0.9 / 0.1   |
| a       | approver  | u1 0.5, u2 0.5             | u1 0.5 / 0.5   |
| t       | tech eval | u2 0.3                     | u2 0.3 / -     |
| s       | user      | u3 0.7                     | u3 0.7 / -     |

score = (3*1 + 2*1 + 1.5*0.6 + 1*1) / 7.5 = 6.9 / 7.5 = 0.92
without u1: d -> 0.1 (ratio 0.2), a -> 0.5 (u2, ratio 1): (0.6 + 2 + 0.9 + 1) / 7.5 = 0.6 -> drop 0.32
without u2: t -> nothing: (3 + 2 + 0 + 1) / 7.5 = 0.8 -> drop 0.12
without u3: s -> nothing: (3 + 2 + 0.9 + 0) / 7.5 = 5.9/7.5 -> drop 1/7.5
"""

from __future__ import annotations

import pytest
from analysis_fixtures import build_snapshot, contact, internal

from kamgraph.analysis.coverage import account_coverage
from kamgraph.analysis.whatif import key_person_drops, key_person_risk, without_contact, without_internal, without_person
from kamgraph.errors import KamgraphError, NotFound
from kamgraph.settings import Settings

T = "2025-07-01"
S = Settings(as_of=T)


def tie(p, o, strength, kind="business"):
    return {"person_id": p, "other_id": o, "kind": kind, "strength": strength}


def _snap():
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme", "owner_id": "u3"}, {"id": "B1", "name": "Beta"}],
        people=[internal("u1", 1, org_id="A1", team_role="ar"), internal("u2", 3), internal("u3", 2),
                contact("d", "A1", 1, "decision_maker"), contact("a", "A1", 2, "approver"),
                contact("t", "A1", 3, "technical_evaluator"), contact("s", "A1", 5, "user"),
                contact("b", "B1", 1, "decision_maker")],
        ties=[tie("u1", "d", 5), tie("u2", "d", 1), tie("u1", "a", 3), tie("u2", "a", 3), tie("u2", "t", 2),
              tie("u3", "s", 4), tie("u3", "b", 5)],
    )


def test_scores_by_hand():
    a = account_coverage(_snap(), S).set_index("account_id")
    assert a.loc["A1", "coverage_score"] == pytest.approx(0.92, abs=1e-9)
    assert a.loc["B1", "coverage_score"] == pytest.approx(1.0, abs=1e-9)


def test_without_internal_before_after_delta():
    w = without_internal(_snap(), S, "u1").set_index("account_id")
    assert w.loc["A1", "coverage_score_before"] == pytest.approx(0.92, abs=1e-9)
    assert w.loc["A1", "coverage_score_after"] == pytest.approx(0.6, abs=1e-9)
    assert w.loc["A1", "delta"] == pytest.approx(-0.32, abs=1e-9)
    assert (w.loc["A1", "covered_before"], w.loc["A1", "covered_after"]) == (3, 2)
    assert w.loc["A1", "missing_team_roles_after"] == "ar,sr,fr,executive_sponsor"  # u1 was the AR
    assert w.loc["A1", "changed"]
    assert not w.loc["B1", "changed"] and w.loc["B1", "delta"] == 0


def test_without_contact():
    w = without_contact(_snap(), S, "d").set_index("account_id")
    # buying center without d: (2*1 + 1.5*0.6 + 1*1) / 4.5
    assert w.loc["A1", "coverage_score_after"] == pytest.approx(3.9 / 4.5, abs=1e-9)
    assert (w.loc["A1", "contacts_before"], w.loc["A1", "contacts_after"]) == (4, 3)


def test_key_person_drops_for_every_person_at_once():
    d = key_person_drops(_snap(), S).set_index(["account_id", "internal_id"])["drop"]
    assert d[("A1", "u1")] == pytest.approx(0.32, abs=1e-9)
    assert d[("A1", "u2")] == pytest.approx(0.12, abs=1e-9)
    assert d[("A1", "u3")] == pytest.approx(1 / 7.5, abs=1e-9)
    assert d[("B1", "u3")] == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("person", ["u1", "u2", "u3"])
def test_top2_rule_equals_recomputing_without_the_person(person):
    snap = _snap()
    drops = key_person_drops(snap, S).set_index(["account_id", "internal_id"])["drop"]
    before = account_coverage(snap, S).set_index("account_id")["coverage_score"]
    after = account_coverage(without_person(snap, person), S).set_index("account_id")["coverage_score"]
    for acc in ("A1", "B1"):
        assert before[acc] - after[acc] == pytest.approx(drops.get((acc, person), 0.0), abs=1e-12)


def test_key_person_risk_picks_the_biggest_drop():
    k = key_person_risk(_snap(), S).set_index("account_id")
    assert k.loc["A1", "internal_id"] == "u1"
    assert k.loc["A1", "drop"] == pytest.approx(0.32, abs=1e-9)
    assert k.loc["A1", "score_without"] == pytest.approx(0.6, abs=1e-9)
    assert k.loc["A1", "contacts"] == "d"  # a is held by u2 just as well
    assert k.loc["B1", "internal_id"] == "u3" and k.loc["B1", "drop"] == pytest.approx(1.0)


def test_equal_best_ties_mean_no_drop():
    snap = build_snapshot(accounts=[{"id": "A1", "name": "Acme"}],
                          people=[internal("u1", 1), internal("u2", 1), contact("d", "A1", 1, "decision_maker")],
                          ties=[tie("u1", "d", 4), tie("u2", "d", 4)])
    k = key_person_risk(snap, S).iloc[0]
    assert k["internal_id"] is None and k["drop"] == 0.0


def test_removing_a_person_clears_references_and_keeps_other_rows():
    snap = without_person(_snap(), "u3")
    assert "u3" not in set(snap.people["id"])
    assert snap.accounts.set_index("id").loc["A1", "owner_id"] is None  # cleared, account kept
    assert len(snap.accounts) == 2
    assert not ((snap.ties["person_id"] == "u3") | (snap.ties["other_id"] == "u3")).any()


def test_wrong_side_and_unknown_ids_are_clear_errors():
    with pytest.raises(NotFound):
        without_internal(_snap(), S, "zz")
    with pytest.raises(KamgraphError, match="not one of our people"):
        without_internal(_snap(), S, "d")
    with pytest.raises(KamgraphError, match="is one of our people"):
        without_contact(_snap(), S, "u1")
