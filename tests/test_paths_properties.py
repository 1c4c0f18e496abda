"""Invariants of access paths on random small graphs (hypothesis).

- every path is internal person -> (at most one intermediary) -> target, on real links;
- every score is in [0, 1];
- adding a tie never lowers the best path score to any target;
- the vectorized index finds exactly the best score a brute-force enumeration of all
  simple paths of length <= 2 (networkx ``all_simple_paths(cutoff=2)``) finds.
"""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from analysis_fixtures import build_snapshot
from kamgraph.analysis.strength import pair_strengths
from oracles import relationship_graph
from kamgraph.analysis.paths import access_paths_for
from kamgraph.model import TieKind
from kamgraph.settings import Settings

S = Settings(as_of="2025-06-30")
KINDS = TieKind.values()
ORGS = ["O1", "O2"]
ACCOUNTS = ["A1", "A2"]


@st.composite
def graphs(draw):
    n_int = draw(st.integers(1, 3))
    n_other = draw(st.integers(1, 6))
    internal = [f"u{i}" for i in range(n_int)]
    others = [f"p{i}" for i in range(n_other)]
    people = [{"id": u, "name": u, "side": "internal", "level": draw(st.integers(1, 5))} for u in internal]
    for p in others:
        org = draw(st.sampled_from([None, *ACCOUNTS]))
        side = "customer" if org else draw(st.sampled_from(["external", "customer"]))
        people.append({"id": p, "name": p, "side": side, "level": 3, "org_id": org})
    everyone = internal + others
    pair = st.tuples(st.sampled_from(everyone), st.sampled_from(everyone)).filter(lambda ab: ab[0] != ab[1])
    tie = st.builds(lambda ab, k, s: {"person_id": ab[0], "other_id": ab[1], "kind": k, "strength": s},
                    pair, st.sampled_from(KINDS), st.integers(1, 5))
    ties = draw(st.lists(tie, max_size=14, unique_by=lambda t: (min(t["person_id"], t["other_id"]),
                                                               max(t["person_id"], t["other_id"]), t["kind"])))
    mem = st.builds(lambda p, o: {"person_id": p, "org_id": o}, st.sampled_from(everyone), st.sampled_from(ORGS))
    memberships = draw(st.lists(mem, max_size=5, unique_by=lambda m: (m["person_id"], m["org_id"])))
    return dict(accounts=[{"id": a, "name": a} for a in ACCOUNTS],
                organizations=[{"id": o, "name": o, "kind": "association"} for o in ORGS],
                people=people, ties=ties, memberships=memberships), internal, others


# each example builds one or two snapshots (~0.2 s of pandas overhead on tiny frames)
PROPS = hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(graphs())
def test_paths_have_at_most_one_intermediary_and_match_brute_force(g):
    rows, internal, others = g
    snap = build_snapshot(**rows)
    check_against_brute_force(snap, rows, internal, others)
    df = access_paths_for(snap, S, others, k=100)
    strength = {(a, b): s for a, b, s in pair_strengths(snap, S)[["a", "b", "strength"]].itertuples(index=False)}

    def s(x, y):
        return strength.get((min(x, y), max(x, y)), 0.0)

    members = {(m["person_id"], m["org_id"]) for m in rows["memberships"]}
    assert df["score"].between(0.0, 1.0).all()
    for r in df.itertuples(index=False):
        assert r.internal_id in internal and r.internal_id != r.target_id
        if r.kind == "direct":
            assert r.via_id is None and r.score == pytest.approx(s(r.internal_id, r.target_id))
        elif r.kind == "person":
            assert r.via_id not in internal and r.via_id != r.target_id
            assert r.first_strength == pytest.approx(s(r.internal_id, r.via_id)) and r.first_strength > 0
            assert r.second_strength == pytest.approx(s(r.via_id, r.target_id)) and r.second_strength > 0
        else:
            assert r.kind == "organization" and r.via_id in ORGS
            assert (r.internal_id, r.via_id) in members and (r.target_id, r.via_id) in members


def check_against_brute_force(snap, rows, internal, others):
    """The best score per target equals the best over networkx's simple paths of length <= 2."""
    factors = S.paths.kind_factors
    graph = relationship_graph(snap, S)
    employer = {p["id"]: p.get("org_id") for p in rows["people"]}

    def factor(x, target):
        kinds = [k for k in graph.edges[x, target]["kinds"].split(",") if k]
        best = max((factors[k] for k in kinds), default=0.0)
        if employer.get(x) is not None and employer.get(x) == employer.get(target):
            best = max(best, factors["colleague"])
        return best

    expected = {}
    for t in others:
        best = 0.0
        for u in internal:
            if u not in graph or t not in graph:
                continue
            for path in nx.all_simple_paths(graph, u, t, cutoff=2):
                if len(path) == 2:
                    score = graph.edges[u, t]["strength"]
                else:
                    mid = path[1]
                    if isinstance(mid, tuple):  # an organization node
                        score = factors["association"]
                    elif mid in internal:
                        continue
                    else:
                        score = graph.edges[u, mid]["strength"] * graph.edges[mid, t]["strength"] * factor(mid, t)
                best = max(best, score)
        if best > 0:
            expected[t] = best
    got = best_scores(snap, others)
    assert got == pytest.approx(expected, abs=1e-12)


def best_scores(snap, targets) -> dict:
    df = access_paths_for(snap, S, targets, k=1)
    return dict(zip(df["target_id"], df["score"]))


@PROPS
@given(graphs(), st.data())
def test_adding_a_tie_never_lowers_the_best_score(g, data):
    rows, internal, others = g
    everyone = internal + others
    a = data.draw(st.sampled_from(everyone))
    b = data.draw(st.sampled_from([p for p in everyone if p != a] or [a]))
    if a == b:
        return
    new = {"person_id": a, "other_id": b, "kind": data.draw(st.sampled_from(KINDS)),
           "strength": data.draw(st.integers(1, 5))}
    if any({t["person_id"], t["other_id"]} == {a, b} and t["kind"] == new["kind"] for t in rows["ties"]):
        return  # that would change an existing tie, not add one
    before = best_scores(build_snapshot(**rows), others)
    more = dict(rows, ties=rows["ties"] + [new])
    after = best_scores(build_snapshot(**more), others)
    for target, score in before.items():
        assert after.get(target, 0.0) >= score - 1e-12
