"""The relationship map builder (kamgraph.report.relmap): what is drawn, where, how, and safely.

One hand-built account, analysed on 2025-06-30::

    level 1   ceo (decision-maker, neutral, influence 5)        vp (ours, level 2) ... x (external)
    level 2   cfo (approver, reports to ceo)  cto (technical evaluator, champion, reports to ceo)
    level 4   fin (-> cfo)   user (user, -> cto)   xss (procurement, -> cto; hostile name and notes)

Relationships on the as-of date (strength = 1 - (1 - declared) * 2 / (2 + evidence)):

- vp - ceo: one call today (evidence 1)              -> 1 - 2/3 = 0.333
- kam - cto: one visit today (evidence 3)            -> 1 - 2/5 = 0.6
- kam - user: declared friend 5/5, never met         -> (5 - 0.5)/5 = 0.9 (dotted: never interacted)
- x - ceo: declared friend 4/5                       -> (4 - 0.5)/5 = 0.7
- x - vp: declared classmate 3/5                     -> (3 - 0.5)/5 = 0.5
- influence: cto's opinion weighs on ceo's decision (weight 4)
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis_fixtures import build_snapshot, contact, internal, meeting
from kamgraph.errors import KamgraphError, NotFound
from kamgraph.report.relmap import (
    ATTITUDE_COLORS,
    EXTERNAL_COLOR,
    OURS_COLOR,
    PATH_HIGHLIGHT,
    MapTooLarge,
    RelationshipMap,
    account_map,
    paths_map,
    plain_text,
)
from kamgraph.analysis.paths import access_paths
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
    found = re.search(which + r" = new vis\.DataSet\((\[.*?\])\);", html, re.S)
    assert found, f"no {which} data in the page"
    return json.loads(found.group(1))


def vis_options(html: str) -> dict:
    found = re.search(r"var options = (\{.*?\});\n", html, re.S)
    assert found, "no options in the page"
    return json.loads(found.group(1))


# -- what is drawn -----------------------------------------------------------------------------

def test_every_contact_our_people_with_a_line_and_the_connector_are_drawn(full):
    groups = full.nodes.set_index("id")["group"].to_dict()
    assert groups == {"ceo": "contact", "cfo": "contact", "cto": "contact", "fin": "contact", "user": "contact",
                      "xss": "contact", "vp": "ours", "kam": "ours", "x": "external"}


def test_tie_lines_and_their_strengths(full):
    assert ties(full) == {frozenset(p) for p in
                          [("vp", "ceo"), ("kam", "cto"), ("kam", "user"), ("x", "ceo"), ("x", "vp")]}
    t = full.edges[full.edges["kind"] == "tie"].set_index(["source", "target"])["strength"]
    assert t[("vp", "ceo")] == pytest.approx(1 - 2 / 3)
    assert t[("kam", "cto")] == pytest.approx(1 - 2 / 5)
    assert t[("kam", "user")] == pytest.approx(0.9)  # a 5/5 declaration is not certainty
    assert t[("x", "ceo")] == pytest.approx(0.7)
    assert t[("vp", "x")] == pytest.approx(0.5)  # drawn from our side to the connector


def test_reporting_lines_and_influence_links_between_contacts(full):
    e = full.edges
    rep = e[e["kind"] == "reports_to"]
    assert set(zip(rep["source"], rep["target"])) == {("cfo", "ceo"), ("cto", "ceo"), ("fin", "cfo"),
                                                      ("user", "cto"), ("xss", "cto")}
    inf = e[e["kind"] == "influence"]
    assert list(zip(inf["source"], inf["target"], inf["weight"])) == [("cto", "ceo", 4.0)]
    assert inf["dashes"].iloc[0] == [8, 6]


@pytest.mark.parametrize("min_strength, expected_ties, hidden", [
    (0.0, 5, set()),
    (0.5, 4, set()),  # vp-ceo (0.33) goes; vp stays through the connector (0.5)
    (0.65, 2, {"vp"}),  # only kam-user (0.9) and x-ceo (0.7) are left (kam-cto is 0.6)
    (0.8, 1, {"vp", "x"}),  # only kam-user
])
def test_raising_the_minimum_strength_removes_lines_and_people_left_without_one(snap, min_strength, expected_ties,
                                                                                hidden):
    m = account_map(snap, SETTINGS, "A1", min_strength=min_strength)
    assert (m.edges["kind"] == "tie").sum() == expected_ties
    assert (m.edges.loc[m.edges["kind"] == "tie", "strength"] >= min_strength).all()
    assert {"vp", "kam", "x"} - set(m.nodes["id"]) == hidden
    assert {"ceo", "cfo", "cto", "fin", "user", "xss"} <= set(m.nodes["id"])  # contacts always stay


def test_hiding_external_connectors(snap):
    m = account_map(snap, SETTINGS, "A1", show_external=False)
    assert "x" not in set(m.nodes["id"])
    assert ties(m) == {frozenset(p) for p in [("vp", "ceo"), ("kam", "cto"), ("kam", "user")]}


def test_roles_filter_keeps_only_those_contacts_and_their_lines(snap):
    m = account_map(snap, SETTINGS, "A1", roles=["decision_maker"])
    assert set(m.nodes["id"]) == {"ceo", "vp", "x"}
    assert ties(m) == {frozenset(p) for p in [("vp", "ceo"), ("x", "ceo"), ("x", "vp")]}
    assert set(m.edges["kind"]) == {"tie"}  # reporting and influence need both contacts shown


def test_no_contact_with_the_roles_says_so(snap):
    m = account_map(snap, SETTINGS, "A1", roles=["coach"])
    assert m.message == "No contact at this account has the chosen roles."
    assert m.nodes.empty


def test_an_unknown_account_is_not_found(snap):
    with pytest.raises(NotFound):
        account_map(snap, SETTINGS, "nope")


# -- how it is drawn ---------------------------------------------------------------------------

def test_layout_rows_by_level_our_side_left_customer_right_connector_between(full):
    x = full.nodes.set_index("id")["x"]
    y = full.nodes.set_index("id")["y"]
    assert (x[["ceo", "cfo", "cto", "fin", "user", "xss"]] > 0).all()
    assert (x[["vp", "kam"]] < 0).all()
    assert x["x"] == 0
    assert y["ceo"] < y["cfo"] == y["cto"] < y["fin"] == y["user"] == y["xss"]
    assert y["vp"] == y["cto"]  # our level-2 person on the customer's level-2 row
    assert y["kam"] == y["user"]


def test_contacts_sit_under_their_managers(full):
    x = full.nodes.set_index("id")["x"]
    # level 2: the approver before the technical evaluator; level 4 follows its managers
    assert x["cfo"] < x["cto"]
    assert x["fin"] < x["user"] and x["fin"] < x["xss"]


def test_colour_by_attitude_shape_by_role_size_by_influence(full):
    n = full.nodes.set_index("id")
    assert n.loc["cto", "color"] == ATTITUDE_COLORS["champion"]
    assert n.loc["ceo", "color"] == ATTITUDE_COLORS["neutral"]
    assert n.loc["fin", "color"] == ATTITUDE_COLORS[None]
    assert n.loc["vp", "color"] == OURS_COLOR and n.loc["x", "color"] == EXTERNAL_COLOR
    assert n[["shape"]].loc[["ceo", "cfo", "cto", "fin", "user", "xss"], "shape"].tolist() == \
        ["star", "diamond", "square", "dot", "dot", "hexagon"]
    # the CTO has two reports and the CEO, who has the final say, defers to their opinion:
    # the highest power, drawn largest
    contacts = n[n["group"] == "contact"]
    assert contacts["power"].idxmax() == "cto"
    assert n.loc["cto", "size"] == pytest.approx(34.0)
    assert n.loc["ceo", "size"] > n.loc["cfo", "size"] > n.loc["fin", "size"]
    assert contacts["size"].between(12.0, 34.0).all()
    assert n.loc["vp", "size"] == 16.0


def test_line_width_and_colour_follow_strength_and_never_met_is_dotted(full):
    t = full.edges[full.edges["kind"] == "tie"].set_index(["source", "target"])
    # width 1 + 7 * strength; colour from #c6d4e6 (0) to #0b3c7d (1)
    assert t.loc[("kam", "user"), "width"] == pytest.approx(1 + 7 * 0.9)
    assert t.loc[("vp", "ceo"), "width"] == pytest.approx(1 + 7 * (1 - 2 / 3))
    # kam-cto 0.6: (198 - 187 * 0.6, 212 - 152 * 0.6, 230 - 105 * 0.6) = (85.8, 120.8, 167) -> #5679a7
    assert t.loc[("kam", "cto"), "color"] == "#5679a7"
    rgb = lambda c: [int(c[i:i + 2], 16) for i in (1, 3, 5)]  # noqa: E731
    darker = zip(rgb(t.loc[("kam", "user"), "color"]), rgb(t.loc[("kam", "cto"), "color"]), rgb("#0b3c7d"))
    assert all(strong <= user < cto for user, cto, strong in darker)  # 0.9: darker than 0.6, short of 1
    assert t.loc[("kam", "user"), "dashes"] == [2, 5]  # declared, never interacted
    assert t.loc[("kam", "cto"), "dashes"] is False


def test_physics_only_for_small_maps(snap):
    small = account_map(snap, SETTINGS, "A1")
    assert small.physics and small.message is None
    fixed = account_map(snap, SETTINGS, "A1", physics_max_nodes=8)
    assert not fixed.physics
    assert "physics is off above 8 people" in fixed.message
    assert vis_options(fixed.html)["physics"]["enabled"] is False
    assert vis_options(small.html)["physics"]["enabled"] is True
    data = vis_data(fixed.html, "nodes")
    assert all(isinstance(d["x"], float) and isinstance(d["y"], float) for d in data)


def test_too_many_people_raise_with_advice_instead_of_drawing(snap):
    with pytest.raises(MapTooLarge, match="9 people, more than the 5") as err:
        account_map(snap, SETTINGS, "A1", max_nodes=5)
    assert isinstance(err.value, KamgraphError)
    assert "minimum strength" in str(err.value)
    # filtering brings it under the limit
    assert len(account_map(snap, SETTINGS, "A1", max_nodes=5, roles=["decision_maker"]).nodes) == 3


def test_the_limits_come_from_settings(snap):
    s = SETTINGS.replace(map={"max_nodes": 4})
    with pytest.raises(MapTooLarge):
        account_map(snap, s, "A1")


def test_tooltips_describe_the_contact_in_plain_text(full):
    tip = node(full, "ceo")["tooltip"]
    assert tip.splitlines()[0] == "Chen CEO"
    assert "decision maker · neutral · influence 5/5" in tip
    assert "best tie from our side: 0.33 with Vera VP, last met 2025-06-30" in tip
    user_line = full.edges[(full.edges["source"] == "kam") & (full.edges["target"] == "user")]["tooltip"].iloc[0]
    # the line explains its strength (kamgraph.analysis.strength.explain): friend 5/5 assessed today
    assert user_line == "Kim KAM – Uma User: never interacted; declared friend tie 0.90: 0.90"
    cto_line = full.edges[(full.edges["source"] == "kam") & (full.edges["target"] == "cto")]["tooltip"].iloc[0]
    assert cto_line == "Kim KAM – Tao CTO: 1 interaction (1 one-to-one), last today; half-life 90 days: 0.60"


# -- safe and self-contained HTML --------------------------------------------------------------

def test_hostile_text_appears_only_inside_the_escaped_json(full):
    html = full.html
    assert XSS_NAME not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert "<a href=\"javascript" not in html.lower()
    nodes = {n["id"]: n for n in vis_data(html, "nodes")}
    assert nodes["xss"]["label"].startswith("<img src=x")  # plain text: shown literally, not as &lt;
    assert "&lt;" not in nodes["xss"]["label"]
    assert 'h\u200bref="javascript:alert(1)"' in nodes["xss"]["title"]


def test_no_title_or_label_contains_href_so_pyvis_keeps_tooltips_as_text(full):
    for item in vis_data(full.html, "nodes") + vis_data(full.html, "edges"):
        for key in ("title", "label"):
            assert "href" not in str(item.get(key, "")).lower(), item
    assert "Investor H\u200bREF club" in node(full, "x")["tooltip"]
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
