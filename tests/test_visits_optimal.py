"""The visit plan is optimal: the min-cost-flow b-matching against brute force.

``solve_assignment`` maximizes the total integer-scaled priority
(``round(priority * PRIORITY_SCALE)``) with each contact at most once and each executive
within capacity. On 300 seeded random small instances (up to 3 executives, 6 contacts,
capacities 0..3, random edges, priorities with deliberate ties) its total equals the
brute-force optimum over every feasible assignment: exactly in scaled units, and within
``n_visits / PRIORITY_SCALE`` (1e-9 per visit) in unscaled priorities. A further set of
random hand-built snapshots checks ``plan_visits`` end to end against brute force over
its own candidate pairs.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pandas as pd
import pytest

from analysis_fixtures import build_snapshot
from kamgraph.analysis.visits import PRIORITY_SCALE, plan_visits, scaled_priorities, solve_assignment
from kamgraph.settings import Settings


def brute_force(edges: pd.DataFrame, capacity: dict) -> tuple[int, float]:
    """Best (scaled total, float total) over every assignment of contacts to executives or nobody."""
    w = scaled_priorities(edges["priority"].to_numpy())
    options: dict = {}
    for i, (e, c) in enumerate(zip(edges["executive_id"], edges["contact_id"])):
        options.setdefault(c, []).append((e, i))
    contacts = sorted(options)
    best = (0, 0.0)
    for choice in itertools.product(*[[None] + options[c] for c in contacts]):
        used: dict = {}
        ok = True
        for pick in choice:
            if pick is not None:
                used[pick[0]] = used.get(pick[0], 0) + 1
                if used[pick[0]] > capacity.get(pick[0], 0):
                    ok = False
                    break
        if not ok:
            continue
        picked = [i for pick in choice if pick is not None for i in [pick[1]]]
        total = (int(w[picked].sum()), float(edges["priority"].to_numpy()[picked].sum()))
        if total[0] > best[0]:
            best = total
    return best


def check_plan(edges: pd.DataFrame, capacity: dict, chosen: np.ndarray) -> None:
    picked = edges[chosen]
    assert picked["contact_id"].is_unique, "a contact is visited twice"
    for e, n in picked["executive_id"].value_counts().items():
        assert n <= capacity.get(e, 0), f"{e} exceeds capacity"


def random_instance(rng: random.Random) -> tuple[pd.DataFrame, dict]:
    execs = [f"e{i}" for i in range(rng.randint(1, 3))]
    contacts = [f"c{j}" for j in range(rng.randint(1, 6))]
    capacity = {e: rng.randint(0, 3) for e in execs}
    # a few repeated values so ties between plans are common
    palette = [round(rng.uniform(0.01, 12.0), rng.choice([1, 3, 9])) for _ in range(4)]
    rows = []
    for e in execs:
        for c in contacts:
            if rng.random() < 0.7:
                p = rng.choice(palette) if rng.random() < 0.4 else rng.uniform(0.0, 12.0)
                rows.append((e, c, p))
    return pd.DataFrame(rows, columns=["executive_id", "contact_id", "priority"]), capacity


def test_greedy_would_be_wrong_here():
    # greedy takes x->a (10) first, then only y->b (1): 11. The optimum is x->b + y->a = 8 + 9 = 17.
    edges = pd.DataFrame({"executive_id": ["x", "x", "y", "y"], "contact_id": ["a", "b", "a", "b"],
                          "priority": [10.0, 8.0, 9.0, 1.0]})
    chosen = solve_assignment(edges, {"x": 1, "y": 1})
    assert chosen.tolist() == [False, True, True, False]
    assert edges.loc[chosen, "priority"].sum() == 17.0


def test_capacity_and_unused_capacity():
    edges = pd.DataFrame({"executive_id": ["x", "x", "x"], "contact_id": ["a", "b", "c"],
                          "priority": [1.0, 3.0, 2.0]})
    assert solve_assignment(edges, {"x": 2}).tolist() == [False, True, True]
    assert solve_assignment(edges, {"x": 5}).tolist() == [True, True, True]  # capacity left unused
    assert solve_assignment(edges, {"x": 0}).tolist() == [False, False, False]
    assert solve_assignment(edges, {}).tolist() == [False, False, False]  # missing capacity: none


def test_zero_priority_is_never_planned():
    edges = pd.DataFrame({"executive_id": ["x", "x"], "contact_id": ["a", "b"], "priority": [0.0, 2.0]})
    assert solve_assignment(edges, {"x": 2}).tolist() == [False, True]


def test_scaling_is_documented_and_exact_in_integers():
    assert PRIORITY_SCALE == 10**9
    assert scaled_priorities([1.0, 0.5e-9, 12.000000000499]).tolist() == [10**9, 0, 12 * 10**9]


@pytest.mark.parametrize("seed", [20261115])
def test_optimal_on_300_random_instances(seed):
    rng = random.Random(seed)
    checked = 0
    for _ in range(300):
        edges, capacity = random_instance(rng)
        chosen = solve_assignment(edges, capacity)
        check_plan(edges, capacity, chosen)
        scaled = int(scaled_priorities(edges["priority"].to_numpy())[chosen].sum())
        best_scaled, best_float = brute_force(edges, capacity)
        assert scaled == best_scaled
        n = max(1, int(chosen.sum()))
        assert abs(float(edges.loc[chosen, "priority"].sum()) - best_float) <= n / PRIORITY_SCALE
        checked += 1
    assert checked == 300


def _random_portfolio(rng: random.Random):
    """A random small portfolio whose decision-makers and approvers are uncovered."""
    as_of = "2026-06-30"
    accounts = [{"id": f"A{i}", "name": f"Account {i}", "tier": rng.choice(["diamond", "gold", "silver"]),
                 "city": rng.choice(["Shanghai", "Munich"]), "region": "R"} for i in range(2)]
    people, ties = [], []
    execs = [f"u{i}" for i in range(rng.randint(1, 3))]
    for i, u in enumerate(execs):
        people.append({"id": u, "name": f"Exec {i}", "side": "internal", "level": rng.choice([1, 2])})
    contacts = []
    for j in range(rng.randint(2, 5)):
        c = f"c{j}"
        contacts.append(c)
        people.append({"id": c, "name": f"Contact {j}", "side": "customer", "level": rng.choice([1, 2, 3]),
                       "org_id": rng.choice(accounts)["id"],
                       "decision_role": rng.choice(["decision_maker", "approver"]), "attitude": "neutral"})
    people.append({"id": "x", "name": "Connector", "side": "external"})
    for u in execs:
        for c in contacts:
            r = rng.random()
            if r < 0.25:  # a weak direct tie (stays uncovered: 1/5 declared, decayed)
                ties.append({"person_id": u, "other_id": c, "kind": "business", "strength": 1,
                             "assessed_on": "2026-01-01"})
    for p in execs + contacts:
        if rng.random() < 0.5:
            ties.append({"person_id": p, "other_id": "x", "kind": rng.choice(["friend", "classmate", "official"]),
                         "strength": rng.randint(1, 5), "assessed_on": as_of})
    snap = build_snapshot(accounts=accounts, people=people, ties=ties)
    return snap, Settings(as_of=as_of), execs


def test_plan_visits_is_optimal_on_random_portfolios():
    rng = random.Random(7)
    planned = 0
    for _ in range(8):
        snap, settings, execs = _random_portfolio(rng)
        capacity = {u: rng.randint(0, 2) for u in execs}
        plan = plan_visits(snap, settings, capacity=capacity)
        cand = plan.candidates
        check_plan(cand, capacity, cand["chosen"].to_numpy())
        best_scaled, _ = brute_force(cand[["executive_id", "contact_id", "priority"]].reset_index(drop=True), capacity)
        assert plan.total_scaled == best_scaled
        assert set(zip(plan.visits["executive_id"], plan.visits["contact_id"])) == \
            set(zip(cand.loc[cand["chosen"], "executive_id"], cand.loc[cand["chosen"], "contact_id"]))
        planned += len(plan.visits)
    assert planned > 0  # the random portfolios do produce visits
