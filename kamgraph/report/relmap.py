"""Relationship maps: an account's political picture, and small access-path maps, drawn with pyvis.

:func:`account_map` draws one account the way a sales leader reads it:

- **customer contacts** on the right, one row per level (1 = top), each row ordered so that
  people sit near whoever they report to; colour = attitude toward us, shape = decision
  role, size = power (:func:`kamgraph.analysis.influence.influence`: declared links and interactions);
- **our people** on the left, also one row per level, so "executives meet executives" reads
  as a horizontal line;
- **external connectors** (and customer people of other organizations) in between;
- **tie lines** whose width and colour grow with the current strength
  (:func:`kamgraph.analysis.access.pair_strengths`); a declared tie nobody has acted on yet
  (never interacted) is dotted, never drawn as a weak solid line; **influence links** are
  dashed arrows, **reporting lines** thin grey arrows;
- a legend under the canvas.

Positions are precomputed (``x``/``y`` on every node). Up to ``settings.map.physics_max_nodes``
people the physics engine may then loosen the rows sideways (``y`` stays fixed); above it
physics is off so a big account draws instantly. Above ``settings.map.max_nodes`` nothing is
drawn: :class:`MapTooLarge` asks the user to filter.

The HTML is self-contained (vis-network inlined, no remote script or stylesheet), so it can be
saved as a standalone file or shown in an iframe on an offline machine.

Security: names, titles and notes are untrusted. Labels and tooltips are plain text; pyvis
serializes node and edge data with Jinja's ``tojson`` (``<``, ``>``, ``&`` and ``'`` become
``\\u003c``...), and vis-network 9 shows a string tooltip with ``innerText``. pyvis would switch
every tooltip to raw ``innerHTML`` when any node title contains ``"href"``, so that word is
broken with a zero-width space in every label and title (:func:`plain_text`). The pyvis
``heading``, ``select_menu`` and ``filter_menu`` features, which paste text into the page
unescaped, are never used. Anything from the data in the legend goes through
:func:`html.escape`.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from kamgraph.analysis.coverage import account_contacts, account_ids
from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.influence import influence
from kamgraph.analysis.people import org_names, people_index
from kamgraph.analysis.strength import directed, explain, pair_strengths
from kamgraph.errors import KamgraphError
from kamgraph.model import Attitude, DecisionRole, Side
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = ["RelationshipMap", "MapTooLarge", "account_map", "paths_map", "plain_text",
           "ATTITUDE_COLORS", "ROLE_SHAPES", "NODE_COLUMNS", "EDGE_COLUMNS"]

# -- look --------------------------------------------------------------------------------------

ATTITUDE_COLORS: dict[str | None, str] = {
    Attitude.CHAMPION.value: "#1a9850",
    Attitude.SUPPORTER.value: "#91cf60",
    Attitude.NEUTRAL.value: "#d9d9d9",
    Attitude.SKEPTIC.value: "#fc8d59",
    Attitude.OPPONENT.value: "#d73027",
    None: "#ffffff",  # not assessed
}
ROLE_SHAPES: dict[str | None, str] = {
    DecisionRole.DECISION_MAKER.value: "star",
    DecisionRole.APPROVER.value: "diamond",
    DecisionRole.TECHNICAL_EVALUATOR.value: "square",
    DecisionRole.INFLUENCER.value: "triangle",
    DecisionRole.COACH.value: "triangleDown",
    DecisionRole.PROCUREMENT.value: "hexagon",
    DecisionRole.USER.value: "dot",
    None: "dot",
}
_ROLE_SYMBOLS = {"star": "★", "diamond": "◆", "square": "■", "triangle": "▲", "triangleDown": "▼",
                 "hexagon": "⬢", "dot": "●"}
OURS_COLOR = "#3b6fb6"
EXTERNAL_COLOR = "#a27fc9"
ORGANIZATION_COLOR = "#d8c39a"
BORDER_COLOR = "#4a4a4a"
INFLUENCE_COLOR = "#8e44ad"
REPORTS_COLOR = "#b3b3b3"
PATH_HIGHLIGHT = "#e6550d"
_WEAK_RGB = np.array([0xc6, 0xd4, 0xe6])  # strength 0
_STRONG_RGB = np.array([0x0b, 0x3c, 0x7d])  # strength 1

# sizes and spacing, in canvas pixels
_CONTACT_SIZE = (12.0, 34.0)  # smallest and largest contact, by power
_PERSON_SIZE = 16.0
_EDGE_WIDTH = (1.0, 8.0)  # strength 0 and 1
_ROW_GAP = 170.0  # between level rows
_SUBROW_GAP = 75.0  # between the wrapped lines of one crowded level
_COL_GAP = 150.0  # between people of one row
_PER_ROW = 4  # people per line before a level row wraps
_SIDE_GAP = 260.0  # from the centre line (connectors) to the nearest column of a side
_CONNECTOR_GAP = 80.0  # vertical distance between connectors
_CONNECTOR_COL_GAP = 170.0  # horizontal distance between columns of connectors
_LABEL_CHARS = 20  # label lines are cut here (the tooltip has the full text)
_NOTES_CHARS = 300
_UNKNOWN_LEVEL = 6  # row for people whose level is unknown
_FONT_SIZE = 16
_MARGIN = (140.0, 80.0)  # room for labels around the outermost nodes (x, y)
_MIN_HEIGHT_PX = 300  # a flat map is never drawn lower than this

NODE_COLUMNS = ["id", "name", "group", "level", "title", "decision_role", "attitude", "influence",
                "power", "x", "y", "shape", "color", "size", "label", "tooltip"]
EDGE_COLUMNS = ["source", "target", "kind", "strength", "tie_kinds", "n_interactions",
                "last_interaction", "weight", "width", "color", "dashes", "tooltip"]

_HREF = re.compile("(h)(ref)", re.IGNORECASE)
_ZWSP = "\u200b"


class MapTooLarge(KamgraphError):
    """The map would have more people than ``settings.map.max_nodes``; filter before drawing."""


@dataclass(frozen=True)
class RelationshipMap:
    """A drawn map: self-contained ``html``, the ``nodes`` and ``edges`` it shows (columns
    :data:`NODE_COLUMNS` / :data:`EDGE_COLUMNS`), and a ``message`` for the reader (a
    filter that left nothing, physics switched off...) or None."""

    html: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    message: str | None = None
    physics: bool = False  # whether the physics engine runs (small maps only)


def plain_text(value: object, limit: int | None = None) -> str:
    """``value`` as plain text safe for a pyvis label or tooltip.

    Breaks every ``href`` (any case) with a zero-width space, so pyvis never switches its
    tooltips to raw HTML; cuts to ``limit`` characters with an ellipsis.

    >>> plain_text('<a HREF="x">') == '<a H\\u200bREF="x">'
    True
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return _HREF.sub(lambda m: m.group(1) + _ZWSP + m.group(2), text)


# -- the account map ---------------------------------------------------------------------------

def account_map(snap: Snapshot, settings: Settings, account_id: str, as_of=None, min_strength: float = 0.0,
                roles: Iterable[str] | None = None, show_external: bool = True, max_nodes: int | None = None,
                physics_max_nodes: int | None = None) -> RelationshipMap:
    """The relationship map of one account (see the module docstring).

    ``min_strength`` hides relationship lines weaker than it (and our people or connectors
    left without a line); ``roles`` keeps only contacts with those decision roles (None: every
    current contact); ``show_external`` hides connectors. ``max_nodes`` and
    ``physics_max_nodes`` default to ``settings.map``. Raises :class:`MapTooLarge` above
    ``max_nodes`` people and :class:`~kamgraph.errors.NotFound` for an unknown account.
    """
    t = resolve_as_of(settings, as_of)
    account_ids(snap, [account_id])
    max_nodes = settings.map.max_nodes if max_nodes is None else max_nodes
    physics_max_nodes = settings.map.physics_max_nodes if physics_max_nodes is None else physics_max_nodes

    contacts = account_contacts(snap, settings, t, accounts=[account_id])
    n_all_contacts = len(contacts)
    if roles is not None:
        contacts = contacts[contacts["decision_role"].isin(list(roles))]
    cids = contacts["contact_id"].to_numpy()
    people = people_index(snap)
    side = people["side"]
    internal = set(people.index[side == Side.INTERNAL.value])

    pairs = directed(pair_strengths(snap, settings, t))
    pairs = pairs[pairs["strength"] >= min_strength]
    from_contact = pairs[pairs["person_id"].isin(cids)]
    other_is_contact = from_contact["other_id"].isin(cids)
    other_internal = from_contact["other_id"].isin(internal)
    to_ours = from_contact[other_internal]
    # between two contacts only declared ties are drawn: every meeting would tie everyone
    among = from_contact[other_is_contact & (from_contact["tie_kinds"].fillna("") != "")
                         & (from_contact["person_id"] < from_contact["other_id"])]
    to_connectors = from_contact[~other_is_contact & ~other_internal] if show_external else from_contact.iloc[:0]
    connector_ids = np.unique(to_connectors["other_id"].to_numpy())
    connectors_to_ours = pairs[pairs["person_id"].isin(connector_ids) & pairs["other_id"].isin(internal)]
    ours_ids = np.unique(np.concatenate([to_ours["other_id"].to_numpy(), connectors_to_ours["other_id"].to_numpy()]))

    n_people = len(cids) + len(ours_ids) + len(connector_ids)
    if n_people > max_nodes:
        raise MapTooLarge(
            f"this map would have {n_people} people, more than the {max_nodes} that can be drawn "
            f"smoothly: raise the minimum strength, pick fewer roles or hide external connectors "
            f"(or raise map.max_nodes in kamgraph.toml)")

    ties = pd.concat([
        to_ours.rename(columns={"person_id": "target", "other_id": "source"}),
        to_connectors.rename(columns={"person_id": "target", "other_id": "source"}),
        connectors_to_ours.rename(columns={"person_id": "target", "other_id": "source"}),
        among.rename(columns={"person_id": "source", "other_id": "target"}),
    ], ignore_index=True)

    nodes = _account_nodes(snap, settings, t, account_id, contacts, people, ours_ids, connector_ids, ties)
    edges = _account_edges(snap, settings, t, nodes, ties)
    physics = len(nodes) <= physics_max_nodes
    legend = _legend(account_name=_account_name(snap, account_id), physics=physics,
                     physics_max_nodes=physics_max_nodes)
    page = _render(nodes, edges, physics=physics, height_px=settings.map.height_px, legend=legend)

    message = None
    if n_all_contacts == 0:
        message = "No current contacts are recorded at this account."
    elif len(cids) == 0:
        message = "No contact at this account has the chosen roles."
    elif (edges["kind"] == "tie").sum() == 0:
        message = f"Nobody on our side has a relationship of strength {min_strength:.2f} or more with these contacts."
    elif not physics:
        message = (f"{len(nodes)} people: the layout is fixed (physics is off above "
                   f"{physics_max_nodes} people); drag nodes or zoom to read it.")
    return RelationshipMap(page, nodes.reset_index(drop=True)[NODE_COLUMNS],
                           edges.reset_index(drop=True)[EDGE_COLUMNS], message, physics)


def _account_name(snap: Snapshot, account_id: str) -> str:
    a = snap.accounts
    names = a.loc[a["id"] == account_id, "name"]
    return str(names.iloc[0]) if len(names) and names.iloc[0] is not None else account_id


def _levels(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").fillna(_UNKNOWN_LEVEL).astype(int)


def _account_nodes(snap, settings, t, account_id, contacts, people, ours_ids, connector_ids, ties) -> pd.DataFrame:
    pr = influence(snap, settings, account_ids=[account_id], as_of=t)
    pr = pr.loc[pr["account_id"] == account_id].set_index("person_id")
    notes = snap.people.drop_duplicates("id").set_index("id")["notes"]

    c = pd.DataFrame({
        "id": contacts["contact_id"].to_numpy(),
        "group": "contact",
        "level": contacts["level"].to_numpy(),
        "title": contacts["title"].to_numpy(),
        "decision_role": contacts["decision_role"].to_numpy(),
        "attitude": contacts["attitude"].to_numpy(),
        "influence": pd.array(contacts["influence"], dtype="Int64"),
    })
    c["power"] = c["id"].map(pr["power"]).astype(float).to_numpy() if len(pr) else np.nan
    c["rank"] = c["id"].map(pr["rank"]) if len(pr) else np.nan

    o = pd.DataFrame({"id": ours_ids, "group": "ours"})
    x = pd.DataFrame({"id": connector_ids, "group": "external"})
    for f in (o, x):
        f["level"] = f["id"].map(people["level"]).astype(float)
        f["title"] = f["id"].map(people["title"])
        for col in ("decision_role", "attitude"):
            f[col] = None
        f["influence"] = pd.array([pd.NA] * len(f), dtype="Int64")
        f["power"] = np.nan
        f["rank"] = np.nan
    nodes = pd.concat([c, o, x], ignore_index=True)
    nodes["name"] = nodes["id"].map(people["name"]).fillna(nodes["id"]).astype(object)
    nodes["level"] = pd.to_numeric(nodes["level"], errors="coerce")
    for col in ("title", "decision_role", "attitude"):
        nodes[col] = nodes[col].astype(object).where(nodes[col].notna(), None)

    # best tie of each contact from our side, for the tooltip
    ours_set = set(ours_ids)
    to_ours = ties[ties["source"].isin(ours_set)].sort_values(["target", "strength"], ascending=[True, False])
    best = to_ours.drop_duplicates("target").set_index("target")
    strength_sum = ties.groupby("source")["strength"].sum()

    nodes = _layout_account(snap, nodes, strength_sum, ties)
    top = nodes["power"].max()
    share = (nodes["power"] / top) if top and top > 0 else pd.Series(0.0, index=nodes.index)
    lo, hi = _CONTACT_SIZE
    nodes["size"] = np.where(nodes["group"] == "contact", lo + (hi - lo) * share.fillna(0.0), _PERSON_SIZE)
    nodes["shape"] = np.where(nodes["group"] == "contact", nodes["decision_role"].map(ROLE_SHAPES).fillna("dot"), "dot")
    nodes["color"] = np.select(
        [nodes["group"] == "ours", nodes["group"] == "external"], [OURS_COLOR, EXTERNAL_COLOR],
        default=nodes["attitude"].map(lambda a: ATTITUDE_COLORS.get(a, ATTITUDE_COLORS[None])).to_numpy())

    n_contacts = int((nodes["group"] == "contact").sum())
    labels, tips = [], []
    for r in nodes.itertuples(index=False):
        labels.append("\n".join(plain_text(s, _LABEL_CHARS) for s in (r.name, r.title) if _is_text(s)))
        lines = [r.name]
        level = f"level {int(r.level)}" if pd.notna(r.level) else "level unknown"
        if r.group == "contact":
            lines.append(", ".join(s for s in (r.title, level) if _is_text(s)))
            role = (r.decision_role or "no decision role").replace("_", " ")
            att = r.attitude or "attitude not assessed"
            inf = f"influence {int(r.influence)}/5" if pd.notna(r.influence) else "influence not assessed"
            lines.append(f"{role} · {att} · {inf}")
            if pd.notna(r.rank):
                lines.append(f"power rank {int(r.rank)} of {n_contacts} (power {r.power:.3f})")
            if r.id in best.index:
                b = best.loc[r.id]
                last = _date(b["last_interaction"])
                lines.append(f"best tie from our side: {b['strength']:.2f} with {people['name'].get(b['source'], b['source'])}"
                             + (f", last met {last}" if last else ", never met"))
            else:
                lines.append("nobody on our side is shown with a tie")
        else:
            who = "our side" if r.group == "ours" else "connector"
            lines.append(", ".join(s for s in (r.title, level, who) if _is_text(s)))
        note = notes.get(r.id)
        if isinstance(note, str) and note:
            lines.append("notes: " + plain_text(note, _NOTES_CHARS))
        tips.append("\n".join(plain_text(s) for s in lines))
    nodes["label"] = labels
    nodes["tooltip"] = tips
    return nodes


def _connector_grid(k: int, span: float) -> tuple[int, int]:
    """(connectors per column, columns) for ``k`` connectors beside rows spanning ``span`` px."""
    if k == 0:
        return 0, 0
    per_col = max(1, int(span // _CONNECTOR_GAP) + 1)
    n_cols = math.ceil(k / per_col)
    return math.ceil(k / n_cols), n_cols


def _layout_account(snap: Snapshot, nodes: pd.DataFrame, strength_sum: pd.Series, ties: pd.DataFrame) -> pd.DataFrame:
    """Rows by level on each side; contacts ordered under their managers; connectors between."""
    nodes = nodes.copy()
    nodes["row"] = _levels(nodes["level"])
    role_rank = {r: i for i, r in enumerate(ROLE_SHAPES)}
    nodes["role_rank"] = nodes["decision_role"].map(role_rank).fillna(len(role_rank))
    nodes["x"] = 0.0
    nodes["y"] = 0.0

    sides = {"contact": nodes["group"] == "contact", "ours": nodes["group"] == "ours"}
    n_ext = int((nodes["group"] == "external").sum())
    # rows needed per level: the most crowded side decides, so levels line up across sides
    lines = {}
    for mask in sides.values():
        counts = nodes.loc[mask, "row"].value_counts()
        for lvl, n in counts.items():
            lines[lvl] = max(lines.get(lvl, 1), math.ceil(n / _PER_ROW))
    y_of_row, y = {}, 0.0
    for lvl in sorted(lines):
        y_of_row[lvl] = y
        y += _ROW_GAP + (lines[lvl] - 1) * _SUBROW_GAP
    span = max(0.0, y - _ROW_GAP)
    per_col, n_cols = _connector_grid(n_ext, span)

    manager = snap.reports_to.drop_duplicates("person_id").set_index("person_id")["manager_id"]
    for side, mask in sides.items():
        part = nodes[mask]
        if part.empty:
            continue
        width = min(_PER_ROW, int(part["row"].value_counts().max()))
        centre = _SIDE_GAP + max(0, n_cols - 1) / 2 * _CONNECTOR_COL_GAP + (width - 1) / 2 * _COL_GAP
        sign = 1.0 if side == "contact" else -1.0
        placed: dict[str, float] = {}
        for lvl in sorted(part["row"].unique()):
            row = part[part["row"] == lvl].copy()
            if side == "contact":
                row["anchor"] = row["id"].map(manager).map(placed).astype(float)
                row = row.sort_values(["anchor", "role_rank", "name"], na_position="last", kind="mergesort")
            else:
                row["weight"] = -row["id"].map(strength_sum).fillna(0.0)
                row = row.sort_values(["weight", "name"], kind="mergesort")
            k = len(row)
            pos = np.arange(k)
            line, col = pos // _PER_ROW, pos % _PER_ROW
            in_line = np.minimum(_PER_ROW, k - line * _PER_ROW)
            xs = sign * (centre + (col - (in_line - 1) / 2) * _COL_GAP)
            ys = y_of_row[lvl] + line * _SUBROW_GAP
            nodes.loc[row.index, "x"] = xs
            nodes.loc[row.index, "y"] = ys
            placed.update(zip(row["id"], xs))

    # height of the people each connector knows (mean), to order the connector grid
    pairs = pd.concat([ties[["source", "target"]].rename(columns={"source": "c", "target": "o"}),
                       ties[["source", "target"]].rename(columns={"target": "c", "source": "o"})], ignore_index=True)
    y_of = nodes.set_index("id")["y"]
    pairs = pairs[pairs["c"].isin(nodes.loc[nodes["group"] == "external", "id"]) & ~pairs["o"].isin(
        nodes.loc[nodes["group"] == "external", "id"])]
    neighbour_y = pairs.assign(y=pairs["o"].map(y_of).astype(float)).groupby("c")["y"].mean()

    ext = nodes["group"] == "external"
    if ext.any():
        xs, ys = _connector_positions(nodes, ext, neighbour_y, per_col, n_cols)
        nodes.loc[ext, "x"] = xs
        nodes.loc[ext, "y"] = ys
    return nodes.drop(columns=["row", "role_rank"])


def _connector_positions(nodes: pd.DataFrame, ext: pd.Series, ties_y: pd.Series, per_col: int,
                         n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Connectors fill a grid between the sides, ordered by the height of the people they know.

    A column holds as many connectors as the people's rows span, so a crowded middle grows
    sideways instead of running far above and below the two sides.
    """
    people_y = nodes.loc[~ext, "y"]
    top, bottom = (float(people_y.min()), float(people_y.max())) if len(people_y) else (0.0, 0.0)
    part = nodes.loc[ext, ["id", "name"]].assign(key=lambda f: f["id"].map(ties_y).fillna((top + bottom) / 2))
    order = part.sort_values(["key", "name"], kind="mergesort").index
    k = len(order)
    pos = np.arange(k)
    col, line = pos // per_col, pos % per_col
    in_col = np.minimum(per_col, k - col * per_col)
    mid = (top + bottom) / 2
    xs = (col - (n_cols - 1) / 2) * _CONNECTOR_COL_GAP
    ys = mid + (line - (in_col - 1) / 2) * _CONNECTOR_GAP
    out_x = pd.Series(0.0, index=part.index)
    out_y = pd.Series(0.0, index=part.index)
    out_x.loc[order] = xs
    out_y.loc[order] = ys
    return out_x.to_numpy(), out_y.to_numpy()


def _is_text(value) -> bool:
    return isinstance(value, str) and value != ""


def _date(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _strength_style(strength: pd.Series) -> tuple[np.ndarray, list[str]]:
    s = strength.clip(0.0, 1.0).fillna(0.0).to_numpy()
    lo, hi = _EDGE_WIDTH
    width = lo + (hi - lo) * s
    rgb = np.rint(_WEAK_RGB[None, :] + (_STRONG_RGB - _WEAK_RGB)[None, :] * s[:, None]).astype(int)
    return width, ["#%02x%02x%02x" % tuple(c) for c in rgb]


def _account_edges(snap: Snapshot, settings: Settings, as_of, nodes: pd.DataFrame, ties: pd.DataFrame) -> pd.DataFrame:
    shown = set(nodes["id"])
    name = nodes.set_index("id")["name"]
    t = ties[ties["source"].isin(shown) & ties["target"].isin(shown)].copy()
    width, color = _strength_style(t["strength"])
    t["kind"] = "tie"
    t["weight"] = np.nan
    t["width"] = width
    t["color"] = color
    t["tie_kinds"] = t["tie_kinds"].fillna("")
    never_met = t["n_interactions"].fillna(0).to_numpy() == 0
    t["dashes"] = [[2, 5] if nm else False for nm in never_met]
    # "who – whom: 26 interactions (4 one-to-one), last 12 days ago; half-life 90 days: 0.83"
    why = explain(t, settings, as_of) if len(t) else pd.Series(dtype=object)
    t["tooltip"] = [plain_text(f"{name[src]} – {name[dst]}: {w}") for src, dst, w in zip(t["source"], t["target"], why)]

    contacts = set(nodes.loc[nodes["group"] == "contact", "id"])
    inf = snap.influence
    inf = inf[inf["source_id"].isin(contacts) & inf["target_id"].isin(contacts)
              & (inf["source_id"] != inf["target_id"])]
    i = pd.DataFrame({"source": inf["source_id"].to_numpy(), "target": inf["target_id"].to_numpy(),
                      "kind": "influence", "weight": pd.to_numeric(inf["weight"], errors="coerce").to_numpy()})
    i["width"] = 1.0 + i["weight"].fillna(3.0) / 2.0
    i["color"] = INFLUENCE_COLOR
    i["dashes"] = [[8, 6]] * len(i)
    i["tooltip"] = [plain_text(f"{name[s]}'s opinion weighs on {name[d]}'s decision"
                               + (f" (weight {int(w)}/5)" if pd.notna(w) else ""))
                    for s, d, w in zip(i["source"], i["target"], i["weight"])]

    rep = snap.reports_to
    rep = rep[rep["person_id"].isin(contacts) & rep["manager_id"].isin(contacts)]
    r_ = pd.DataFrame({"source": rep["person_id"].to_numpy(), "target": rep["manager_id"].to_numpy(),
                       "kind": "reports_to", "weight": np.nan, "width": 1.0, "color": REPORTS_COLOR})
    r_["dashes"] = [False] * len(r_)
    r_["tooltip"] = [plain_text(f"{name[s]} reports to {name[d]}") for s, d in zip(r_["source"], r_["target"])]

    edges = pd.concat([t, i, r_], ignore_index=True)
    for col in EDGE_COLUMNS:
        if col not in edges:
            edges[col] = np.nan
    edges["tie_kinds"] = edges["tie_kinds"].where(edges["tie_kinds"].notna(), None)
    return edges


# -- path maps ---------------------------------------------------------------------------------

def paths_map(snap: Snapshot, settings: Settings, paths: pd.DataFrame, height_px: int | None = None) -> RelationshipMap:
    """A small map of access paths (rows of :func:`kamgraph.analysis.paths.access_paths`).

    Our people on the left, intermediaries (people or shared organizations) in the middle,
    the target on the right; each leg's width follows its strength, and the best path
    (rank 1) is highlighted.
    """
    people = people_index(snap)
    orgs = org_names(snap)
    if paths.empty:
        empty_nodes = pd.DataFrame(columns=NODE_COLUMNS)
        empty_edges = pd.DataFrame(columns=EDGE_COLUMNS)
        page = _render(empty_nodes, empty_edges, physics=False, height_px=height_px or settings.map.height_px // 2,
                       legend="")
        return RelationshipMap(page, empty_nodes, empty_edges, "Nobody on our side can reach this person.")
    p = paths.sort_values("rank", kind="mergesort")
    rows = []

    def node(pid: str, group: str, x: float) -> None:
        if any(r["id"] == pid for r in rows):
            return
        if group == "organization":
            name, title, level = orgs.get(pid, pid), "shared organization", np.nan
        else:
            name = people["name"].get(pid, pid)
            title = people["title"].get(pid)
            level = people["level"].get(pid)
        rows.append({"id": pid, "name": name if isinstance(name, str) else pid, "group": group, "level": level,
                     "title": title, "x": x})

    target = str(p["target_id"].iloc[0])
    node(target, "target", 1.0)
    for r in p.itertuples(index=False):
        node(r.internal_id, "ours", -1.0)
        if isinstance(r.via_id, str):
            node(r.via_id, "organization" if r.kind == "organization" else "external", 0.0)
    nodes = pd.DataFrame(rows)
    for col in ("decision_role", "attitude"):
        nodes[col] = None
    nodes["influence"] = pd.array([pd.NA] * len(nodes), dtype="Int64")
    nodes["power"] = np.nan
    # stack each column top to bottom in order of first appearance (best path first)
    nodes["y"] = nodes.groupby("x").cumcount().astype(float)
    nodes["y"] = (nodes["y"] - nodes.groupby("x")["y"].transform("mean")) * 90.0
    nodes["x"] = nodes["x"] * 280.0
    nodes["shape"] = np.where(nodes["group"] == "organization", "box",
                              np.where(nodes["group"] == "target", "star", "dot"))
    nodes["color"] = nodes["group"].map({"target": PATH_HIGHLIGHT, "ours": OURS_COLOR, "external": EXTERNAL_COLOR,
                                         "organization": ORGANIZATION_COLOR})
    nodes["size"] = np.where(nodes["group"] == "target", _CONTACT_SIZE[1], _PERSON_SIZE)
    nodes["label"] = ["\n".join(plain_text(s, _LABEL_CHARS) for s in (n, t) if _is_text(s))
                      for n, t in zip(nodes["name"], nodes["title"])]
    nodes["tooltip"] = ["\n".join(plain_text(s) for s in (n, t) if _is_text(s))
                        for n, t in zip(nodes["name"], nodes["title"])]

    legs = []
    for r in p.itertuples(index=False):
        best = int(r.rank) == int(p["rank"].min())
        if r.kind == "direct":
            legs.append((r.internal_id, target, r.first_strength, best, r.explanation, False))
        elif r.kind == "organization":
            legs.append((r.internal_id, r.via_id, np.nan, best, r.explanation, True))
            legs.append((r.via_id, target, np.nan, best, r.explanation, True))
        else:
            legs.append((r.internal_id, r.via_id, r.first_strength, best, r.explanation, False))
            legs.append((r.via_id, target, r.second_strength, best, r.explanation, False))
    e = pd.DataFrame(legs, columns=["source", "target", "strength", "best", "explanation", "membership"])
    e = e.sort_values("best", ascending=False, kind="mergesort").drop_duplicates(["source", "target"])
    width, color = _strength_style(e["strength"].fillna(0.3))
    e["kind"] = np.where(e["membership"], "membership", "tie")
    e["width"] = np.where(e["best"], width + 2.0, width)
    e["color"] = np.where(e["best"], PATH_HIGHLIGHT, color)
    e["dashes"] = [[2, 5] if m else False for m in e["membership"]]
    e["tooltip"] = [plain_text(x) for x in e["explanation"]]
    for col in ("tie_kinds", "n_interactions", "last_interaction", "weight"):
        e[col] = None
    page = _render(nodes, e, physics=False, height_px=height_px or settings.map.height_px // 2, legend="")
    return RelationshipMap(page, nodes[NODE_COLUMNS].reset_index(drop=True),
                           e[EDGE_COLUMNS].reset_index(drop=True), None)


# -- HTML --------------------------------------------------------------------------------------

_REMOTE_TAGS = re.compile(
    r'<link\s[^>]*href="https?://[^"]*"[^>]*>|<script\s[^>]*src="https?://[^"]*"[^>]*>\s*</script>', re.S)
_EMPTY_HEADINGS = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.S)


def _json_value(v):
    """A JSON-safe Python value (no NaN, no numpy scalars)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    return v


def _render(nodes: pd.DataFrame, edges: pd.DataFrame, physics: bool, height_px: int, legend: str) -> str:
    """Self-contained HTML of a vis-network drawing of ``nodes`` and ``edges``."""
    from pyvis.network import Network

    net = Network(height=f"{int(height_px)}px", width="100%", directed=True, cdn_resources="in_line",
                  bgcolor="#ffffff")
    for r in nodes.itertuples(index=False):
        color = r.color if r.color != ATTITUDE_COLORS[None] else {"background": r.color, "border": BORDER_COLOR}
        net.add_node(str(r.id), label=r.label, title=r.tooltip, shape=r.shape, color=color,
                     size=_json_value(r.size), x=_json_value(r.x), y=_json_value(r.y),
                     borderWidth=2 if r.shape in ("star", "diamond") else 1,
                     font={"size": _FONT_SIZE, "face": "sans-serif", "multi": False, "color": "#222222"})
    for r in edges.itertuples(index=False):
        arrows = {"to": {"enabled": r.kind in ("influence", "reports_to"), "scaleFactor": 0.6}}
        net.add_edge(str(r.source), str(r.target), title=r.tooltip, width=_json_value(r.width), color=r.color,
                     dashes=_json_value(r.dashes), arrows=arrows,
                     smooth={"enabled": r.kind == "influence", "type": "curvedCW", "roundness": 0.15})
    net.options = {
        # "repulsion" pushes apart only nodes closer than nodeDistance, and the edges are no
        # springs: the layout stays as computed, and a dragged node nudges its neighbours away
        "physics": {"enabled": bool(physics), "solver": "repulsion",
                    "repulsion": {"nodeDistance": 120, "centralGravity": 0.0, "springLength": 200,
                                  "springConstant": 0.0, "damping": 0.5},
                    "stabilization": {"enabled": True, "iterations": 120, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                        "hideEdgesOnDrag": not physics},
        "layout": {"improvedLayout": False},
        "edges": {"selectionWidth": 2},
    }
    page = net.generate_html()
    page = _REMOTE_TAGS.sub("", page)
    page = _EMPTY_HEADINGS.sub("", page)
    # the canvas takes the drawing's proportions (up to height_px), so a wide map is not
    # drawn tiny in the middle of a tall empty canvas
    if len(nodes):
        w = float(nodes["x"].max() - nodes["x"].min()) + 2 * _MARGIN[0]
        h = float(nodes["y"].max() - nodes["y"].min()) + 2 * _MARGIN[1]
    else:
        w, h = 4.0, 1.0
    shape = (f"height:auto !important;aspect-ratio:{w:.0f} / {h:.0f};max-height:{int(height_px)}px;"
             f"min-height:{min(_MIN_HEIGHT_PX, int(height_px))}px;")
    style = ("<style>html,body{margin:0;overflow-x:hidden;font-family:sans-serif;}"
             "#mynetwork{float:none !important;box-sizing:border-box;border:1px solid #e3e3e3 !important;"
             + shape + "}"
             ".card{border:none !important;margin:0 !important;}"
             "div.vis-tooltip{white-space:pre-wrap;max-width:420px;font-size:13px;}</style>")
    # after the first fit, zoom out a little so the labels at the edges are not cut off
    margin = ("<script>if (typeof network !== 'undefined') { network.once('afterDrawing', function () {"
              " network.moveTo({scale: network.getScale() * 0.95}); }); }</script>")
    page = page.replace("</head>", style + "</head>", 1) if "</head>" in page else style + page
    end = page.rfind("</body>")
    return page[:end] + margin + legend + page[end:] if end >= 0 else page + margin + legend


def _legend(account_name: str, physics: bool, physics_max_nodes: int) -> str:
    """The legend under an account map. Everything from the data is escaped."""
    def swatch(color: str, border: str = BORDER_COLOR) -> str:
        return (f'<span style="display:inline-block;width:11px;height:11px;border-radius:50%;'
                f'background:{color};border:1px solid {border};vertical-align:middle;margin-right:4px"></span>')

    def line(color: str, width: int, dash: str = "solid") -> str:
        return (f'<span style="display:inline-block;width:28px;border-top:{width}px {dash} {color};'
                f'vertical-align:middle;margin-right:4px"></span>')

    att = " ".join(f'<span class="kg-item">{swatch(ATTITUDE_COLORS[a])}{html.escape(str(a or "not assessed"))}</span>'
                   for a in ATTITUDE_COLORS)
    roles = " ".join(f'<span class="kg-item"><b>{_ROLE_SYMBOLS[s]}</b> {html.escape((r or "no role").replace("_", " "))}</span>'
                     for r, s in ROLE_SHAPES.items() if r is not None)
    people = (f'<span class="kg-item">{swatch(OURS_COLOR)}our people (left)</span> '
              f'<span class="kg-item">{swatch(EXTERNAL_COLOR)}connectors (middle)</span> '
              f'<span class="kg-item">customer contacts (right), rows by level, size = influence</span>')
    edges = (f'<span class="kg-item">{line("#0b3c7d", 5)}strong tie</span> '
             f'<span class="kg-item">{line("#c6d4e6", 2)}weak tie</span> '
             f'<span class="kg-item">{line("#5a7db0", 2, "dotted")}declared, never interacted</span> '
             f'<span class="kg-item">{line(INFLUENCE_COLOR, 2, "dashed")}→ influences</span> '
             f'<span class="kg-item">{line(REPORTS_COLOR, 1)}→ reports to</span>')
    layout = "physics on" if physics else f"fixed layout (physics off above {int(physics_max_nodes)} people)"
    return ('<div id="kg-legend" style="clear:both;font:12px sans-serif;color:#333;padding:6px 4px;line-height:1.9">'
            '<style>.kg-item{margin-right:12px;white-space:nowrap}</style>'
            f'<div><b>{html.escape(account_name)}</b> · {html.escape(layout)}</div>'
            f'<div>Attitude: {att}</div><div>Decision role: {roles}</div>'
            f'<div>{people}</div><div>{edges}</div></div>')
