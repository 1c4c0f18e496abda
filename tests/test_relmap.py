"""The relationship map builder (kamgraph.report.relmap): an org chart with our coverage on it.

One hand-built account, analysed on 2025-06-30::

    ceo (decision-maker, neutral, influence 5)
    ├── cfo (approver, supporter)          └── fin (no role: outside the buying center)
    └── cto (technical evaluator, champion)
        ├── user (user, supporter)
        └── xss (procurement, skeptic; hostile name and notes)

Relationships on the as-of date (strength = 1 - (1 - declared) * 2 / (2 + evidence)):

- vp - ceo: one call today (evidence 1)              -> 1 - 2/3 = 0.333 (ceo stays uncovered: < 0.5)
- kam - cto: one visit today (evidence 3)            -> 1 - 2/5 = 0.6
- kam - user: declared friend 5/5, never met         -> (5 - 0.5)/5 = 0.9 (dotted: never interacted)
- x - ceo: declared friend 4/5                       -> (4 - 0.5)/5 = 0.7
- x - vp: declared classmate 3/5                     -> (3 - 0.5)/5 = 0.5
- influence: cto's opinion weighs on ceo's decision (weight 4)
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from analysis_fixtures import build_snapshot, contact, internal, meeting

from kamgraph.analysis.paths import access_paths
from kamgraph.errors import KamgraphError, NotFound
from kamgraph.report.relmap import (
    ATTITUDE_COLORS,
    BOX,
    COOLING_COLOR,
    OURS_COLOR,
    PATH_HIGHLIGHT,
    UNCOVERED_COLOR,
    RelationshipMap,
    account_map,
    org_tree,
    paths_map,
    plain_text,
    segment_box_hits,
)
from kamgraph.settings import Settings

AS_OF = "2025-06-30"
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_NOTES = '<a href="javascript:alert(1)">profile</a>'
SETTINGS = Settings(as_of=AS_OF)


@pytest.fixture(scope="module")
def snap():
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme <b>Corp</b>", "tier": "gold"}],
        people=[
            contact("ceo", "A1", 1, "decision_maker", name="Chen CEO", attitude="neutral", influence=5),
            contact("cfo", "A1", 2, "approver", name="Fang CFO", attitude="supporter", influence=4),
            contact("cto", "A1", 2, "technical_evaluator", name="Tao CTO", attitude="champion", influence=4),
            contact("fin", "A1", 4, None, name="Fei Finance"),
            contact("user", "A1", 4, "user", name="Uma User", attitude="supporter", influence=2),
            contact("xss", "A1", 4, "procurement", name=XSS_NAME, attitude="skeptic", influence=2, notes=XSS_NOTES),
            internal("vp", 2, name="Vera VP"),
            internal("kam", 4, name="Kim KAM"),
            {"id": "x", "name": "Xu Friend", "side": "external", "title": "Investor HREF club"},
        ],
        interactions=[meeting("i1", AS_OF, "vp", "ceo", kind="call"), meeting("i2", AS_OF, "kam", "cto", kind="visit")],
        ties=[
            {"person_id": "kam", "other_id": "user", "kind": "friend", "strength": 5, "assessed_on": AS_OF},
            {"person_id": "ceo", "other_id": "x", "kind": "friend", "strength": 4, "assessed_on": AS_OF},
            {"person_id": "vp", "other_id": "x", "kind": "classmate", "strength": 3, "assessed_on": AS_OF},
        ],
        influence=[{"source_id": "cto", "target_id": "ceo", "weight": 4}],
        reports_to=[{"person_id": p, "manager_id": m} for p, m in
                    [("cfo", "ceo"), ("cto", "ceo"), ("fin", "cfo"), ("user", "cto"), ("xss", "cto")]],
    )


@pytest.fixture(scope="module")
def full(snap) -> RelationshipMap:
    return account_map(snap, SETTINGS, "A1")


def node(m: RelationshipMap, pid: str) -> pd.Series:
    return m.nodes.set_index("id").loc[pid]


def ties(m: RelationshipMap) -> set[frozenset]:
    t = m.edges[m.edges["kind"] == "tie"]
    return {frozenset(p) for p in zip(t["source"], t["target"])}


def vis_data(html: str, which: str) -> list[dict]:
    """The node or edge list pyvis embedded (``nodes = new vis.DataSet([...])``)."""
    found = re.search(which + r" = new vis\.DataSet\((\[.*?\])\);", html, re.DOTALL)
    assert found, f"no {which} data in the page"
    return json.loads(found.group(1))


def vis_options(html: str) -> dict:
    found = re.search(r"var options = (\{.*?\});\n", html, re.DOTALL)
    assert found, "no options in the page"
    return json.loads(found.group(1))


def boxes(m: RelationshipMap, with_hidden: bool = True) -> pd.DataFrame:
    """Every box the map draws or may draw (the people of collapsed branches at their reserved
    places): id, left, top, right, bottom."""
    xy = [(r.id, r.x, r.y) for r in m.nodes.itertuples()]
    if with_hidden:
        xy += [(n["id"], n["x"], n["y"]) for items in (m.hidden or {}).values() for n in items]
    f = pd.DataFrame(xy, columns=["id", "x", "y"])
    return f.assign(left=f["x"] - BOX["w"] / 2, top=f["y"] - BOX["h"] / 2,
                    right=f["x"] + BOX["w"] / 2, bottom=f["y"] + BOX["h"] / 2)


def crossings(m: RelationshipMap) -> list[tuple]:
    """(edge source, edge target, box id) for every route segment crossing a box it does not join."""
    b = boxes(m)
    arr = b[["left", "top", "right", "bottom"]].to_numpy()
    out = []
    for r in m.edges.itertuples():
        pts = np.array(r.route, dtype=float)
        hits = segment_box_hits(pts[:-1], pts[1:], arr, pad=1.0)
        for _, j in zip(*np.nonzero(hits)):
            if b["id"].iloc[j] not in (r.source, r.target):
                out.append((r.source, r.target, b["id"].iloc[j]))
    return out


def overlaps(m: RelationshipMap) -> list[tuple]:
    b = boxes(m)
    l, t, r, btm = (b[c].to_numpy() for c in ("left", "top", "right", "bottom"))
    hit = (l[:, None] < r[None, :] - 1) & (l[None, :] < r[:, None] - 1) & (t[:, None] < btm[None, :] - 1) \
        & (t[None, :] < btm[:, None] - 1)
    np.fill_diagonal(hit, False)
    i, j = np.nonzero(np.triu(hit))
    return list(zip(b["id"].iloc[i], b["id"].iloc[j]))


# -- the org chart -----------------------------------------------------------------------------

def test_org_tree_managers_roots_and_broken_cycles():
    rt = pd.DataFrame({"person_id": ["b", "c", "d", "e", "f"], "manager_id": ["a", "b", "zz", "f", "e"]})
    assert org_tree(["a", "b", "c", "d", "e", "f"], rt) == {"a": None, "b": "a", "c": "b", "d": None,
                                                              "e": None, "f": "e"}


def test_the_chart_runs_top_down_from_reporting_lines(full):
    row = full.nodes.set_index("id")["row"]
    col = full.nodes.set_index("id")["col"]
    assert row["ceo"] < row["cfo"] == row["cto"] < min(row["user"], row["xss"])
    # reports sit in their manager's columns; the CEO over the middle of them
    assert col["cfo"] < col["cto"]
    assert col["cfo"] <= col["ceo"] <= col["cto"]
    assert col["user"] == col["xss"] == col["cto"]  # leaf reports stacked under their manager
    assert {row["xss"], row["user"]} == {row["cto"] + 1, row["cto"] + 2}  # procurement before user
    parent = full.nodes.set_index("id")["parent"]
    assert parent[["cfo", "cto", "user", "xss"]].tolist() == ["ceo", "ceo", "cto", "cto"]
    rep = full.edges[full.edges["kind"] == "reports_to"]
    assert {("cfo", "ceo"), ("cto", "ceo"), ("user", "cto"), ("xss", "cto")} <= set(zip(rep["source"], rep["target"]))


def test_our_people_sit_above_the_chart_and_connectors_between(snap, full):
    row = full.nodes.set_index("id")["row"]
    groups = full.nodes.set_index("id")["group"]
    assert set(groups[groups == "ours"].index) == {"vp", "kam"}
    # the connector on the best path to the uncovered decision-maker
    assert groups["x"] == "external"
    assert row[["vp", "kam"]].max() < row["x"] < row[groups == "contact"].min()
    no_ext = account_map(snap, SETTINGS, "A1", show_external=False)
    assert "x" not in set(no_ext.nodes["id"])
    m = account_map(snap, SETTINGS, "A1", focus="contact", focus_id="ceo")
    r = m.nodes.set_index("id")
    assert r.loc["x", "group"] == "external"
    assert r.loc["vp", "row"] < r.loc["x", "row"] < r.loc["ceo", "row"]


# -- what a focus draws ------------------------------------------------------------------------

def test_buying_center_focus_collapses_the_branch_without_a_role(full):
    n = full.nodes.set_index("id")
    assert set(n.index[n["group"] == "contact"]) == {"ceo", "cfo", "cto", "user", "xss"}
    more = n[n["group"] == "more"]
    assert list(more.index) == ["~more:cfo"] and more.loc["~more:cfo", "hidden"] == 1
    assert more.loc["~more:cfo", "label"].startswith("+1 person")
    assert more.loc["~more:cfo", "parent"] == "cfo"
    assert [h["id"] for h in full.hidden["~more:cfo"]] == ["fin"]
    # the lines: our people's ties of at least 0.2 to the buying center (the strongest three per
    # contact), and the best path through a connector to the uncovered decision-maker
    assert ties(full) == {frozenset(p) for p in [("vp", "ceo"), ("kam", "cto"), ("kam", "user"),
                                                 ("vp", "x"), ("x", "ceo")]}
    assert full.message.startswith("5 of 6 contacts shown; a grey box holds the other 1 ")


def test_contact_focus_draws_everyone_who_can_reach_them(snap):
    m = account_map(snap, SETTINGS, "A1", focus="contact", focus_id="ceo")
    assert ties(m) == {frozenset(p) for p in [("vp", "ceo"), ("vp", "x"), ("x", "ceo")]}
    e = m.edges[m.edges["kind"] == "tie"].set_index(["source", "target"])["strength"]
    assert e[("vp", "x")] == pytest.approx(0.5) and e[("x", "ceo")] == pytest.approx(0.7)
    assert e[("vp", "ceo")] == pytest.approx(1 - 2 / 3)
    # a contact outside the buying center is brought onto the chart with their managers
    fin = account_map(snap, SETTINGS, "A1", focus="contact", focus_id="fin")
    assert {"fin", "cfo", "ceo"} <= set(fin.nodes["id"]) and "~more:cfo" not in set(fin.nodes["id"])
    assert fin.message == "Nobody on our side can reach this contact yet."


def test_ours_focus_draws_one_person_and_everyone_they_reach(snap):
    m = account_map(snap, SETTINGS, "A1", focus="ours", focus_id="kam")
    assert set(m.nodes.loc[m.nodes["group"] == "ours", "id"]) == {"kam"}
    assert ties(m) == {frozenset(p) for p in [("kam", "cto"), ("kam", "user")]}
    vp = account_map(snap, SETTINGS, "A1", focus="ours", focus_id="vp")
    assert ties(vp) == {frozenset(p) for p in [("vp", "ceo"), ("vp", "x"), ("x", "ceo")]}
    assert ties(account_map(snap, SETTINGS, "A1", focus="ours", focus_id="vp", show_external=False)) == \
        {frozenset(("vp", "ceo"))}


@pytest.mark.parametrize("min_strength, expected", [
    (0.0, {("vp", "ceo"), ("kam", "cto"), ("kam", "user")}),
    (0.5, {("kam", "cto"), ("kam", "user")}),
    (0.65, {("kam", "user")}),
    (0.95, set()),
])
def test_raising_the_minimum_strength_removes_lines_and_people_left_without_one(snap, min_strength, expected):
    m = account_map(snap, SETTINGS, "A1", min_strength=min_strength, show_external=False)
    assert ties(m) == {frozenset(p) for p in expected}
    assert set(m.nodes.loc[m.nodes["group"] == "ours", "id"]) == {p for p, _ in expected}
    assert {"ceo", "cfo", "cto", "user", "xss"} <= set(m.nodes["id"])  # the chart always stays


def test_roles_narrow_the_buying_center(snap):
    m = account_map(snap, SETTINGS, "A1", roles=["decision_maker"])
    assert set(m.nodes.loc[m.nodes["group"] == "contact", "id"]) == {"ceo"}
    assert ties(m) == {frozenset(p) for p in [("vp", "ceo"), ("vp", "x"), ("x", "ceo")]}
    none = account_map(snap, SETTINGS, "A1", roles=["coach"])
    assert none.message == "No contact at this account has the chosen roles."


def test_unknown_account_focus_or_person_is_refused(snap):
    with pytest.raises(NotFound):
        account_map(snap, SETTINGS, "nope")
    with pytest.raises(NotFound):
        account_map(snap, SETTINGS, "A1", focus="contact", focus_id="vp")
    with pytest.raises(NotFound):
        account_map(snap, SETTINGS, "A1", focus="ours", focus_id="ceo")
    with pytest.raises(KamgraphError):
        account_map(snap, SETTINGS, "A1", focus="everyone")


# -- collapse counts on a bigger chart ---------------------------------------------------------

def _branchy(n_branches: int = 4, per_branch: int = 5):
    """A CEO (decision-maker) over ``n_branches`` VPs, each over ``per_branch`` staff; only the
    first VP's first report has a decision role."""
    people = [contact("root", "A1", 1, "decision_maker", attitude="neutral", influence=5), internal("u", 1)]
    rt = []
    for b in range(n_branches):
        people.append(contact(f"v{b}", "A1", 2))
        rt.append({"person_id": f"v{b}", "manager_id": "root"})
        for k in range(per_branch):
            people.append(contact(f"s{b}{k}", "A1", 5, "influencer" if (b, k) == (0, 0) else None))
            rt.append({"person_id": f"s{b}{k}", "manager_id": f"v{b}"})
    return build_snapshot(accounts=[{"id": "A1", "name": "Branchy"}], people=people, reports_to=rt,
                          interactions=[meeting("i", AS_OF, "u", "s00", kind="visit")])


def test_branches_without_anyone_in_focus_collapse_to_counts():
    m = account_map(_branchy(), SETTINGS, "A1")
    n = m.nodes.set_index("id")
    assert set(n.index[n["group"] == "contact"]) == {"root", "v0", "s00"}
    more = n.loc[n["group"] == "more", "hidden"].to_dict()
    # under v0: its 4 other reports; under root: the 3 other VPs with their 5 reports each
    assert more == {"~more:v0": 4, "~more:root": 18}
    assert sum(more.values()) + 3 == 25  # every contact is shown or counted
    listed = [h["id"] for h in m.hidden["~more:root"]]
    assert listed[:6] == ["v1", "s10", "s11", "s12", "s13", "s14"]  # preorder: a VP, then their reports
    assert m.hidden["~more:root"][0]["label"].startswith("└ v1")
    assert m.hidden["~more:root"][1]["label"].startswith("  └ s10")  # indented under v1
    assert not overlaps(m) and not crossings(m)


def test_nobody_in_the_buying_center_shows_the_top_of_the_chart():
    s = _branchy()
    s = s.with_frames(assessments=s.assessments.iloc[:0])
    m = account_map(s, SETTINGS, "A1")
    assert set(m.nodes.loc[m.nodes["group"] == "contact", "id"]) == {"root", "v0", "v1", "v2", "v3"}
    assert "Nobody at this account has a decision role yet" in m.message


def test_contacts_without_reporting_lines_are_grouped_under_a_note(snap):
    s = snap.with_frames(reports_to=snap.reports_to.iloc[:0])
    m = account_map(s, SETTINGS, "A1")
    n = m.nodes.set_index("id")
    assert n.loc["~no-reporting-line", "group"] == "header"
    assert set(n.loc[n["parent"] == "~no-reporting-line"].index) == {"ceo", "cfo", "cto", "user", "xss",
                                                                       "~more:~no-reporting-line"}
    assert not overlaps(m) and not crossings(m)


# -- badges and alarms -------------------------------------------------------------------------

def test_each_box_shows_role_attitude_influence_and_our_best_tie(full):
    cto = node(full, "cto")["label"].split("\n")
    assert cto == ["■ Tao CTO", "level 2", "technical evaluator", "champion · influence 4/5", "✔ 0.60 Kim KAM"]
    assert node(full, "cto")["color"] == ATTITUDE_COLORS["champion"]
    assert node(full, "cto")["best_name"] == "Kim KAM" and node(full, "cto")["best_strength"] == pytest.approx(0.6)
    assert node(full, "cfo")["label"].split("\n")[-1] == "– nobody on our side"
    assert node(full, "vp")["color"] == OURS_COLOR


def test_an_uncovered_decision_maker_is_unmistakable(full):
    ceo = node(full, "ceo")
    assert ceo["uncovered_dm"] is True or ceo["uncovered_dm"] == True
    assert ceo["label"].split("\n")[-1] == "✖ UNCOVERED · 0.33"
    v = {n["id"]: n for n in vis_data(full.html, "nodes")}["ceo"]
    assert v["color"]["border"] == UNCOVERED_COLOR and v["borderWidth"] >= 4
    assert v["shapeProperties"]["borderDashes"]  # dashed: not colour alone
    assert "UNCOVERED decision-maker" in ceo["tooltip"]
    assert "UNCOVERED" in full.html.split('id="kg-legend"')[1]  # and in the legend
    assert not node(full, "cto")["uncovered_dm"]


def test_a_cooling_key_relationship_is_marked(snap):
    # the CTO's only relationship (kam) went quiet: a visit long ago, nothing since
    old = snap.with_frames(ties=snap.ties.iloc[:0])
    s = Settings(as_of="2026-03-31")
    m = account_map(old, s, "A1", min_strength=0.0, roles=["technical_evaluator", "approver", "decision_maker"])
    s2 = s.replace(gaps={"cooling_key_roles": ["technical_evaluator"]})
    m2 = account_map(old, s2, "A1", min_strength=0.0)
    cto = node(m2, "cto")
    assert cto["cooling"] in ("cooling", "dormant")
    assert cto["label"].split("\n")[-1].startswith("↘ ")
    v = {n["id"]: n for n in vis_data(m2.html, "nodes")}["cto"]
    assert v["color"]["border"] == COOLING_COLOR and v["borderWidth"] >= 4
    assert node(m, "cto")["cooling"] is None  # not a key role by default


def test_line_width_and_colour_follow_strength_and_never_met_is_dotted(full):
    t = full.edges[full.edges["kind"] == "tie"].set_index(["source", "target"])
    assert t.loc[("kam", "user"), "width"] == pytest.approx(1 + 6 * 0.9)
    assert t.loc[("kam", "user"), "dashes"] == [2, 5]  # declared, never interacted
    assert t.loc[("kam", "cto"), "dashes"] is False
    rgb = lambda c: [int(c[i:i + 2], 16) for i in (1, 3, 5)]
    assert all(u <= c for u, c in zip(rgb(t.loc[("kam", "user"), "color"]), rgb(t.loc[("kam", "cto"), "color"])))


def test_tooltips_describe_the_contact_in_plain_text(full):
    tip = node(full, "ceo")["tooltip"]
    assert tip.splitlines()[0] == "Chen CEO"
    assert "decision maker · neutral · influence 5/5" in tip
    assert "best tie from our side: 0.33 with Vera VP, last met 2025-06-30" in tip
    assert "reports to Chen CEO" in node(full, "cto")["tooltip"]
    user_line = full.edges[(full.edges["source"] == "kam") & (full.edges["target"] == "user")]["tooltip"].iloc[0]
    assert user_line == "Kim KAM – Uma User: never interacted; declared friend tie 0.90: 0.90"


# -- geometry ----------------------------------------------------------------------------------

def test_segment_box_hits_finds_crossings_and_ignores_near_misses():
    p0 = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 10.0], [5.0, 5.0]])
    p1 = np.array([[10.0, 10.0], [10.0, 0.0], [10.0, 10.0], [5.0, 5.0]])
    b = np.array([[4.0, 4.0, 6.0, 6.0]])
    assert segment_box_hits(p0, p1, b).ravel().tolist() == [True, False, False, True]
    assert segment_box_hits(np.array([[0.0, 4.0]]), np.array([[10.0, 4.0]]), b, pad=1.0).ravel().tolist() == [False]


def test_no_two_boxes_overlap_and_no_line_crosses_a_box_it_does_not_join(snap, full):
    for m in (full, account_map(snap, SETTINGS, "A1", focus="contact", focus_id="ceo"),
              account_map(snap, SETTINGS, "A1", focus="ours", focus_id="vp", min_strength=0.0)):
        assert not overlaps(m)
        assert not crossings(m)


def test_a_line_that_would_cross_a_box_is_routed_around_it():
    # our person sits right above the decision-maker; their line to the decision-maker's report
    # would run straight through the decision-maker's box
    people = [contact("top", "A1", 1, "decision_maker"), contact("mid", "A1", 2, "approver"), internal("u", 1)]
    s = build_snapshot(accounts=[{"id": "A1", "name": "Line"}], people=people,
                       reports_to=[{"person_id": "mid", "manager_id": "top"}],
                       interactions=[meeting("i", AS_OF, "u", "mid", kind="visit")])
    m = account_map(s, SETTINGS, "A1")
    n = m.nodes.set_index("id")
    assert n.loc["u", "x"] == n.loc["top", "x"] == n.loc["mid", "x"]
    route = m.edges.set_index(["source", "target"]).loc[("u", "mid"), "route"]
    assert len(route) > 2  # bent around "top"
    straight = segment_box_hits(np.array([route[0]]), np.array([route[-1]]),
                                boxes(m).set_index("id").loc[["top"], ["left", "top", "right", "bottom"]].to_numpy())
    assert straight.all()  # the straight line would have crossed it
    assert not crossings(m)


def test_the_sample_ceo_line_to_the_general_manager_clears_the_chairman(sample_a01):
    m = sample_a01
    route = m.edges.set_index(["source", "target"]).loc[("S-01", "C-002"), "route"]
    chairman = boxes(m).set_index("id").loc[["C-001"], ["left", "top", "right", "bottom"]].to_numpy()
    pts = np.array(route)
    assert not segment_box_hits(pts[:-1], pts[1:], chairman, pad=1.0).any()
    assert segment_box_hits(pts[:1], pts[-1:], chairman).all()  # a straight line would run through him
    assert node(m, "C-001")["uncovered_dm"] and node(m, "C-001")["label"].split("\n")[-1].startswith("✖ UNCOVERED")
    assert not overlaps(m) and not crossings(m)


@pytest.fixture(scope="module")
def sample_a01(tmp_path_factory):
    from pathlib import Path

    from kamgraph.ingest import import_path
    from kamgraph.store import open_store

    root = Path(__file__).resolve().parents[1] / "data" / "sample"
    settings = Settings.load(root / "kamgraph.toml")
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('relmap') / 's.db'}")
    try:
        import_path(root, store, today=settings.as_of_date())
        snap = store.snapshot(["A-01"])
    finally:
        store.close()
    return account_map(snap, settings, "A-01")


def test_every_size_is_drawn_without_refusing(snap):
    # the old map refused above settings.map.max_nodes people; the chart collapses instead
    m = account_map(snap, SETTINGS.replace(map={"max_nodes": 2}), "A1")
    assert len(m.nodes) > 2 and not m.physics
    assert vis_options(m.html)["physics"]["enabled"] is False
    assert all(isinstance(d["x"], float) and isinstance(d["y"], float) for d in vis_data(m.html, "nodes"))


def test_collapsed_people_are_embedded_as_escaped_json(snap):
    hostile = snap.with_frames(people=snap.people.assign(
        name=snap.people["name"].where(snap.people["id"] != "fin", "</script><script>alert(1)</script>")))
    m = account_map(hostile, SETTINGS, "A1")
    assert "</script><script>alert(1)" not in m.html
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in m.html


# -- safe and self-contained HTML --------------------------------------------------------------

def test_hostile_text_appears_only_inside_the_escaped_json(full):
    html = full.html
    assert XSS_NAME not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert "<a href=\"javascript" not in html.lower()
    nodes = {n["id"]: n for n in vis_data(html, "nodes")}
    assert nodes["xss"]["label"].startswith("⬢ <img src=x")  # plain text: shown literally, not as &lt;
    assert "&lt;" not in nodes["xss"]["label"]
    assert 'h\u200bref="javascript:alert(1)"' in nodes["xss"]["title"]


def test_no_title_or_label_contains_href_so_pyvis_keeps_tooltips_as_text(snap, full):
    for item in vis_data(full.html, "nodes") + vis_data(full.html, "edges"):
        for key in ("title", "label"):
            assert "href" not in str(item.get(key, "")).lower(), item
    m = account_map(snap, SETTINGS, "A1", focus="contact", focus_id="ceo")
    assert "Investor H\u200bREF club" in node(m, "x")["tooltip"]
    assert "popup.innerHTML" not in full.html  # pyvis' raw-HTML tooltip branch is not rendered


def test_legend_escapes_the_account_name(full):
    assert "Acme &lt;b&gt;Corp&lt;/b&gt;" in full.html
    assert "<b>Corp</b>" not in full.html


def test_the_page_is_self_contained_and_has_no_pyvis_heading(full):
    html = full.html
    assert not re.search(r'<(script|link)\b[^>]*(src|href)="https?://', html)
    assert "new vis.Network(" in html and "vis-network" in html.lower()
    assert "<h1>" not in html
    assert 'id="kg-legend"' in html


@pytest.mark.parametrize("text, expected", [
    ("plain", "plain"),
    ('<a href="x">', '<a h\u200bref="x">'),
    ("HREF and hRef", "H\u200bREF and h\u200bRef"),
    (None, ""),
    (float("nan"), ""),
])
def test_plain_text_breaks_every_href(text, expected):
    assert plain_text(text) == expected


def test_plain_text_cuts_long_text():
    assert plain_text("abcdefghij", limit=5) == "abcd…"


# -- path maps ---------------------------------------------------------------------------------

def test_paths_map_highlights_the_best_path(snap):
    p = access_paths(snap, SETTINGS, "ceo", as_of=AS_OF)
    assert p.iloc[0]["via_id"] == "x"  # 0.5 * 0.7 * friend 1.0 = 0.35 beats the direct 0.333
    m = paths_map(snap, SETTINGS, p)
    groups = m.nodes.set_index("id")["group"].to_dict()
    assert groups == {"ceo": "target", "vp": "ours", "x": "external"}
    e = m.edges.set_index(["source", "target"])
    assert e.loc[("vp", "x"), "color"] == PATH_HIGHLIGHT and e.loc[("x", "ceo"), "color"] == PATH_HIGHLIGHT
    assert e.loc[("vp", "ceo"), "color"] != PATH_HIGHLIGHT
    x = m.nodes.set_index("id")["x"]
    assert x["vp"] < x["x"] < x["ceo"]


def test_paths_map_without_paths_says_nobody_can_reach(snap):
    m = paths_map(snap, SETTINGS, access_paths(snap, SETTINGS, "fin", as_of=AS_OF))
    assert m.nodes.empty and m.message == "Nobody on our side can reach this person."


# -- political history -------------------------------------------------------------------------

def timeline_snapshot():
    """Cai at Acme, assessed four times (two by Kim KAM with a source, two blank-assessor updates)."""
    return build_snapshot(
        accounts=[{"id": "A1", "name": "Acme"}],
        people=[contact("c", "A1", 2, None, name="Cai"), internal("k", 4, name="Kim KAM")],
        assessments=[
            {"person_id": "c", "account_id": "A1", "assessed_on": "2025-01-10", "decision_role": "approver",
             "attitude": "supporter", "influence": 3, "assessed_by": "k", "source": "account plan"},
            {"person_id": "c", "account_id": "A1", "assessed_on": "2025-03-01", "attitude": "supporter"},
            {"person_id": "c", "account_id": "A1", "assessed_on": "2025-05-20", "attitude": "skeptic",
             "influence": 4, "assessed_by": "k", "source": "QBR"},
            {"person_id": "c", "account_id": "A1", "assessed_on": "2025-09-01", "attitude": "opponent"},
        ],
    )


def test_political_timeline_lists_dated_assessments_changes_and_who_assessed():
    from kamgraph.report.relmap import political_timeline

    s = timeline_snapshot()
    later = Settings(as_of="2025-12-31")
    t = political_timeline(s, later, "A1", "c")
    assert t["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-01-10", "2025-03-01", "2025-05-20", "2025-09-01"]
    assert t["changes"].tolist() == [[], [], ["attitude", "influence"], ["attitude"]]
    # a blank field carries the last known value forward
    assert t["decision_role"].tolist() == ["approver"] * 4 and t["influence"].tolist() == [3, 3, 4, 4]
    assert t["text"].tolist() == [
        "2025-01-10: approver · supporter · influence 3/5 (assessed by Kim KAM; source: account plan)",
        "2025-03-01: reassessed, unchanged: approver · supporter · influence 3/5 (assessor not recorded)",
        "2025-05-20: supporter → skeptic; influence 3/5 → influence 4/5 (assessed by Kim KAM; source: QBR)",
        "2025-09-01: skeptic → opponent (assessor not recorded)",
    ]
    # as of a past date, later assessments are not shown; nobody assessed: an empty frame
    assert len(political_timeline(s, Settings(as_of="2025-04-01"), "A1", "c")) == 2
    assert political_timeline(s, later, "A1", "k").empty


def test_an_account_without_contacts_says_so():
    s = build_snapshot(accounts=[{"id": "A1", "name": "Empty"}], people=[internal("u", 1)])
    m = account_map(s, SETTINGS, "A1")
    assert m.nodes.empty and m.message == "No current contacts are recorded at this account."
    assert "new vis.Network(" in m.html
