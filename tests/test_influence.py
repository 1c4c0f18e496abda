"""Influence inside an account: PageRank direction and order, formal vs informal rank,
hidden influencers, scoping to the account's people, and power from interactions."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner

from analysis_fixtures import build_snapshot, contact, internal, meeting
from kamgraph.analysis.influence import INFLUENCE_COLUMNS, influence
from kamgraph.cli import main
from kamgraph.settings import Settings

S = Settings(as_of="2025-06-30")


def reports(*pairs):
    return [{"person_id": a, "manager_id": b} for a, b in pairs]


def influences(*triples):
    return [{"source_id": a, "target_id": b, "weight": w} for a, b, w in triples]


def test_two_people_closed_form():
    # "senior's opinion weighs on junior's decision": the walk goes junior -> senior.
    # With damping d = 0.85 and senior dangling (spreading uniformly):
    #   x_j = (1-d)/2 + d * x_s / 2,  x_s = 1 - x_j  =>  x_j = 0.5 / 1.425
    snap = build_snapshot(accounts=[{"id": "A", "name": "A"}],
                          people=[contact("senior", "A", 3), contact("junior", "A", 3)],
                          influence=influences(("senior", "junior", 3)))
    df = influence(snap, S).set_index("person_id")
    assert df.loc["junior", "pagerank"] == pytest.approx(0.5 / 1.425, abs=1e-9)
    assert df.loc["senior", "pagerank"] == pytest.approx(1 - 0.5 / 1.425, abs=1e-9)
    assert df.loc["senior", "rank"] == 1 and df.loc["junior", "rank"] == 2


def org_rows() -> dict:
    """CEO <- VP <- {E, M, Q}, S -> M on the chart; engineer E's opinion weighs on the CEO
    (5) and the VP (5). A second account's person influences the CEO too (ignored)."""
    return dict(
        accounts=[{"id": "A", "name": "Acme"}, {"id": "B", "name": "Beta"}],
        people=[contact("ceo", "A", 1, "decision_maker", attitude="neutral", influence=5),
                contact("vp", "A", 2, "approver"),
                contact("e", "A", 4, "technical_evaluator", attitude="champion", influence=4),
                contact("m", "A", 4), contact("q", "A", 4), contact("s", "A", 5),
                contact("out", "B", 1)],
        reports_to=reports(("vp", "ceo"), ("e", "vp"), ("m", "vp"), ("q", "vp"), ("s", "m")),
        influence=influences(("e", "ceo", 5), ("e", "vp", 5), ("out", "ceo", 5)),
    )


def test_pagerank_matches_networkx_on_the_graph_built_by_hand():
    df = influence(build_snapshot(**org_rows()), S, account_ids=["A"])
    assert list(df.columns) == INFLUENCE_COLUMNS
    # the same graph written out independently: reports-to edges weigh 2 (settings),
    # influence edges point from the influenced to the influencer
    g = nx.DiGraph()
    g.add_nodes_from(["ceo", "vp", "e", "m", "q", "s"])
    g.add_weighted_edges_from([("vp", "ceo", 2), ("e", "vp", 2), ("m", "vp", 2), ("q", "vp", 2), ("s", "m", 2),
                               ("ceo", "e", 5), ("vp", "e", 5)])
    expected = nx.pagerank(g, alpha=0.85, tol=1e-12, max_iter=1000)
    got = dict(zip(df["person_id"], df["pagerank"]))
    assert got == pytest.approx(expected, abs=1e-9)
    assert df["person_id"].tolist() == ["vp", "e", "ceo", "m", "q", "s"]
    assert df["rank"].tolist() == [1, 2, 3, 4, 5, 5]  # q and s are symmetric: they share a rank


def test_formal_rank_by_level_then_transitive_reports():
    df = influence(build_snapshot(**org_rows()), S, account_ids=["A"]).set_index("person_id")
    assert df["reports"].to_dict() == {"vp": 4, "e": 0, "ceo": 5, "m": 1, "q": 0, "s": 0}
    assert df["formal_rank"].to_dict() == {"ceo": 1, "vp": 2, "m": 3, "e": 4, "q": 4, "s": 6}
    assert df.loc["e", "rank_gap"] == 4 - 2  # weighs more than the position says
    assert df.loc["ceo", "rank_gap"] == 1 - 3


def test_informal_rank_uses_influence_links_only():
    df = influence(build_snapshot(**org_rows()), S, account_ids=["A"]).set_index("person_id")
    assert df.loc["e", "informal_rank"] == 1
    assert set(df.drop(index="e")["informal_rank"]) == {2}  # nobody else has an influence link in


def test_hidden_influencer_flag():
    df = influence(build_snapshot(**org_rows()), S, account_ids=["A"]).set_index("person_id")
    # top 25% of 6 people = 2 (vp, e); only e is at level >= 3
    assert df["hidden_influencer"].to_dict() == {"vp": False, "e": True, "ceo": False, "m": False,
                                                 "q": False, "s": False}
    stricter = S.replace(influence={"hidden_min_level": 5})
    assert not influence(build_snapshot(**org_rows()), stricter, account_ids=["A"])["hidden_influencer"].any()
    lower = S.replace(influence={"hidden_min_level": 2})  # VPs count as "hidden" too
    flagged = influence(build_snapshot(**org_rows()), lower, account_ids=["A"])
    assert set(flagged.loc[flagged["hidden_influencer"], "person_id"]) == {"vp", "e"}
    # everyone in the top share, but m, q, s score below the average 1/6: not influencers
    everyone = S.replace(influence={"hidden_top_share": 1.0})
    flagged = influence(build_snapshot(**org_rows()), everyone, account_ids=["A"])
    assert set(flagged.loc[flagged["hidden_influencer"], "person_id"]) == {"e"}


def test_roles_are_attached():
    df = influence(build_snapshot(**org_rows()), S, account_ids=["A"]).set_index("person_id")
    assert df.loc["ceo", ["decision_role", "attitude", "influence"]].tolist() == ["decision_maker", "neutral", 5]
    assert df.loc["e", ["decision_role", "attitude", "influence"]].tolist() == ["technical_evaluator", "champion", 4]
    assert df.loc["q", "decision_role"] is None


def test_people_outside_the_account_are_ignored():
    rows = org_rows()
    with_out = influence(build_snapshot(**rows), S)
    rows["influence"] = [r for r in rows["influence"] if r["source_id"] != "out"]
    without = influence(build_snapshot(**rows), S)
    a = with_out[with_out["account_id"] == "A"].reset_index(drop=True)
    b = without[without["account_id"] == "A"].reset_index(drop=True)
    assert a["pagerank"].tolist() == pytest.approx(b["pagerank"].tolist(), abs=1e-12)
    assert with_out.loc[with_out["account_id"] == "B", "person_id"].tolist() == ["out"]


def test_our_account_team_is_not_ranked():
    rows = org_rows()
    rows["people"].append({"id": "ar", "name": "Our AR", "side": "internal", "level": 4, "org_id": "A",
                           "team_role": "ar"})
    rows["influence"].append({"source_id": "ar", "target_id": "ceo", "weight": 5})
    df = influence(build_snapshot(**rows), S, account_ids=["A"])
    assert "ar" not in set(df["person_id"])
    assert df["person_id"].tolist() == ["vp", "e", "ceo", "m", "q", "s"]


def test_people_who_left_are_not_ranked():
    rows = org_rows()
    rows["people"] = [dict(p, until="2025-01-31") if p["id"] == "e" else p for p in rows["people"]]
    df = influence(build_snapshot(**rows), S, account_ids=["A"])
    assert "e" not in set(df["person_id"])
    assert df.set_index("person_id").loc["ceo", "rank"] == 1  # the chart alone: the top of it
    early = influence(build_snapshot(**rows), S, account_ids=["A"], as_of="2025-01-31")
    assert "e" in set(early["person_id"])


def test_account_without_links_is_uniform_and_has_no_hidden_influencer():
    snap = build_snapshot(accounts=[{"id": "A", "name": "A"}],
                          people=[contact(p, "A", 4) for p in ("a", "b", "c", "d")])
    df = influence(snap, S)
    assert df["pagerank"].tolist() == pytest.approx([0.25] * 4)
    assert df["rank"].tolist() == [1, 1, 1, 1] and df["informal_rank"].tolist() == [1, 1, 1, 1]
    assert not df["hidden_influencer"].any()


def test_missing_weight_and_reports_weight_from_settings():
    rows = dict(accounts=[{"id": "A", "name": "A"}],
                people=[contact("boss", "A", 2), contact("sub", "A", 4), contact("adv", "A", 4)],
                reports_to=reports(("sub", "boss")),
                influence=[{"source_id": "adv", "target_id": "sub"}])
    snap = build_snapshot(**rows)
    # sub's walk splits between boss (reports_to_weight 2) and adv (missing -> 3)
    assert influence(snap, S).set_index("person_id")["rank"].to_dict() == {"adv": 1, "boss": 2, "sub": 3}
    heavy_chart = S.replace(influence={"reports_to_weight": 4.0})
    assert influence(snap, heavy_chart).set_index("person_id")["rank"].to_dict() == {"boss": 1, "adv": 2, "sub": 3}
    same = S.replace(influence={"missing_weight": 2.0})
    assert influence(snap, same).set_index("person_id")["rank"].to_dict() == {"adv": 1, "boss": 1, "sub": 3}


def test_no_accounts_gives_an_empty_frame():
    df = influence(build_snapshot(), S)
    assert df.empty and list(df.columns) == INFLUENCE_COLUMNS


def test_cli_influence(tmp_path):
    from kamgraph.store.sqlite import SQLiteStore

    url = f"sqlite:///{tmp_path / 'kg.db'}"
    snap = build_snapshot(**org_rows())
    with SQLiteStore(url) as store:
        store.write({name: frame for name, frame in snap.frames.items() if len(frame)})
    runner = CliRunner()
    res = runner.invoke(main, ["--store", url, "--as-of", "2025-06-30", "influence", "--account", "A",
                               "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert [r["person_id"] for r in rows] == ["vp", "e", "ceo", "m", "q", "s"]
    assert [r["person_id"] for r in rows if r["hidden_influencer"]] == ["e"]
    table = runner.invoke(main, ["--store", url, "--as-of", "2025-06-30", "influence"])
    assert table.exit_code == 0 and "│ out " in table.output  # every account when none is given


def test_array_pagerank_equals_networkx_on_random_weighted_graphs():
    import networkx as nx
    import numpy as np

    from kamgraph.analysis.influence import pagerank_arrays

    rng = np.random.default_rng(3)
    for n in (1, 2, 7, 60):
        m = rng.integers(0, 3 * n + 1)
        u, v = rng.integers(0, n, m), rng.integers(0, n, m)
        keep = u != v
        u, v, w = u[keep], v[keep], rng.uniform(0.1, 3.0, keep.sum())
        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        for a, b, x in zip(u, v, w):  # parallel edges add up, as the influence frames do
            g.add_edge(a, b, weight=g.get_edge_data(a, b, {"weight": 0.0})["weight"] + x)
        want = nx.pagerank(g, alpha=0.85, weight="weight", tol=1e-12, max_iter=1000)
        got = pagerank_arrays(n, u, v, w, 0.85)
        assert np.allclose(got, [want[i] for i in range(n)], rtol=0, atol=1e-10)


# -- power: declared links combined with interactions ------------------------------------------

def _hub_rows(declared=()):
    """Account A of five people; 'hub' meets each of the others one to one, 'x' and 'y'
    also meet each other; nothing declared unless ``declared`` (influence triples)."""
    people = [contact(p, "A", 4) for p in ("hub", "x", "y", "z", "w")]
    inter = [meeting(f"m{i}", "2025-06-01", "hub", p) for i, p in enumerate(("x", "y", "z", "w"))]
    inter.append(meeting("mxy", "2025-06-01", "x", "y"))
    return dict(accounts=[{"id": "A", "name": "A"}], people=people, interactions=inter,
                influence=influences(*declared))


def test_nothing_declared_ranks_by_interactions():
    from kamgraph.analysis.influence import eigenvector_shares

    df = influence(build_snapshot(**_hub_rows()), S).set_index("person_id")
    assert df["pagerank"].tolist() == pytest.approx([0.2] * 5)  # declared links alone: blind
    assert df.loc["hub", "rank"] == 1
    assert df.loc["x", "rank"] == df.loc["y", "rank"] == 2 and df.loc["z", "rank"] == df.loc["w", "rank"] == 4
    # every pair met once, one to one, on the same day: equal evidence, so the interaction
    # graph is the unweighted one and interaction power is its eigenvector, as shares
    order = ["hub", "x", "y", "z", "w"]
    u = [0, 0, 0, 0, 1]
    v = [1, 2, 3, 4, 2]
    expected = eigenvector_shares(5, np.array(u), np.array(v), np.ones(5))
    assert df.loc[order, "interaction_power"].tolist() == pytest.approx(expected.tolist(), abs=1e-12)
    # no declared link: everyone dangles, so power is the restart distribution itself
    restart = 0.85 * expected + 0.15 / 5
    assert df.loc[order, "power"].tolist() == pytest.approx(restart.tolist(), abs=1e-9)


def test_without_interactions_power_is_the_declared_pagerank():
    df = influence(build_snapshot(**org_rows()), S, account_ids=["A"])
    assert df["power"].tolist() == pytest.approx(df["pagerank"].tolist(), abs=1e-12)
    assert (df["interaction_power"] == 0).all() and not df["broker"].any()


def test_a_declared_link_passes_power_on():
    plain = influence(build_snapshot(**_hub_rows()), S).set_index("person_id")
    # z's opinion weighs on the hub's decision: the hub's walk now leads to z
    linked = influence(build_snapshot(**_hub_rows(declared=[("z", "hub", 5)])), S).set_index("person_id")
    assert linked.loc["z", "power"] > plain.loc["z", "power"]
    assert linked.loc["z", "rank"] < plain.loc["z", "rank"]
    assert linked["power"].sum() == pytest.approx(1.0)


def test_our_staff_count_for_size_but_are_not_ranked():
    rows = _hub_rows()
    rows["people"].append(internal("us", 2))
    rows["interactions"].append(meeting("big", "2025-06-01", "us", "z", "w"))
    df = influence(build_snapshot(**rows), S).set_index("person_id")
    assert "us" not in df.index
    # z and w met each other once in a 3-person meeting (weight 2 * 1/2): a link of evidence 1
    assert df.loc["z", "interaction_power"] > influence(build_snapshot(**_hub_rows()), S).set_index(
        "person_id").loc["z", "interaction_power"]


def test_a_bridge_between_two_groups_is_a_broker():
    people = [contact(p, "A", 4) for p in ("a1", "a2", "a3", "b1", "b2", "b3", "bridge")]
    inter = [meeting(f"{x}{y}", "2025-06-01", x, y) for x, y in
             [("a1", "a2"), ("a1", "a3"), ("a2", "a3"), ("b1", "b2"), ("b1", "b3"), ("b2", "b3"),
              ("bridge", "a1"), ("bridge", "b1")]]
    df = influence(build_snapshot(accounts=[{"id": "A", "name": "A"}], people=people, interactions=inter),
                   S).set_index("person_id")
    assert df["betweenness"].idxmax() == "bridge"
    assert set(df.index[df["broker"]]) == {"bridge"} | ({"a1", "b1"} & set(df.index[df["broker"]]))
    assert df.loc["bridge", "broker"] and not df.loc["a2", "broker"]


def test_eigenvector_shares_of_two_parts_follow_their_leading_eigenvalues():
    import numpy as np

    from kamgraph.analysis.influence import eigenvector_shares

    # a triangle (eigenvalue 2) and a separate pair (eigenvalue 1)
    got = eigenvector_shares(5, np.array([0, 0, 1, 3]), np.array([1, 2, 2, 4]), np.ones(4))
    assert got.tolist() == pytest.approx([2 / 9, 2 / 9, 2 / 9, 1 / 6, 1 / 6])


def test_array_betweenness_equals_networkx_on_random_graphs():
    from kamgraph.analysis.influence import betweenness_arrays

    rng = np.random.default_rng(5)
    for n in (3, 4, 9, 40, 120):
        m = rng.integers(0, 3 * n + 1)
        u, v = rng.integers(0, n, m), rng.integers(0, n, m)
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from((a, b) for a, b in zip(u.tolist(), v.tolist()) if a != b)
        want = nx.betweenness_centrality(g, normalized=True)
        assert np.allclose(betweenness_arrays(n, u, v), [want[i] for i in range(n)], rtol=0, atol=1e-12)
    # sampled sources: an unbiased estimate, exact when every node is a source
    assert np.allclose(betweenness_arrays(n, u, v, sample=n), [want[i] for i in range(n)])
    est = betweenness_arrays(n, u, v, sample=60, seed=1)
    assert np.corrcoef(est, [want[i] for i in range(n)])[0, 1] > 0.9


def test_large_parts_use_lanczos_and_equal_the_dense_solution():
    """A part larger than DENSE_EIGEN_MAX is solved by Lanczos: the shares equal the dense
    eigendecomposition's to 1e-12 and two runs give the same bits (fixed start vector)."""
    import importlib

    from scipy import sparse

    inf = importlib.import_module("kamgraph.analysis.influence")  # the package exports a function of that name
    rng = np.random.default_rng(7)
    n = inf.DENSE_EIGEN_MAX * 3
    u, v = rng.integers(0, n, 6 * n), rng.integers(0, n, 6 * n)
    w = rng.random(6 * n)
    u, v, w = np.r_[u, np.arange(n - 1)], np.r_[v, np.arange(1, n)], np.r_[w, np.ones(n - 1)]  # one part
    got = inf.eigenvector_shares(n, u, v, w)
    assert np.array_equal(got, inf.eigenvector_shares(n, u, v, w))
    keep = u != v
    A = sparse.coo_array((np.r_[w[keep], w[keep]], (np.r_[u[keep], v[keep]], np.r_[v[keep], u[keep]])),
                         shape=(n, n)).toarray()
    values, vectors = np.linalg.eigh(A)
    x = np.abs(vectors[:, -1])
    dense = values[-1] * x / x.sum()
    dense = dense / dense.sum()
    assert np.max(np.abs(got - dense)) < 1e-12 * dense.max()
