"""Relationship maps: an account's org chart with our coverage on it, and small access-path maps.

:func:`account_map` draws one account the way a sales leader reads it, starting from the
customer's **org chart**:

- **contacts** are boxes laid out top-down from their reporting lines (a tidy tree on a grid:
  a manager sits over the columns of their reports; a manager whose reports have nobody under
  them stacks them in a column below). Each box says who the person is and where we stand:
  ``★ name`` (the symbol is the decision role), the title, ``role · attitude · influence``
  and a **coverage badge**: our best strength and who holds it (``✔ 0.62 Chen Hao``), or
  ``✖ uncovered``. The fill is the attitude toward us; an **uncovered decision-maker** has a
  thick red dashed border and a ``✖ UNCOVERED`` badge, a **cooling** key relationship
  (decision-maker, approver or coach whose best tie is cooling or dormant,
  :func:`kamgraph.analysis.trends.trends`) a thick orange border and ``↘ COOLING``: never
  colour alone, and both are in the legend;
- only the **focus** the user picks brings our people and connectors onto the map:
  ``buying_center`` (default: our people with a tie of at least ``min_strength`` to a
  buying-center member), ``contact`` (one contact and everyone who can reach them: direct
  ties and the one-intermediary access paths of :func:`kamgraph.analysis.paths.access_paths`)
  or ``ours`` (one of our people and every contact they reach, directly or through one
  connector). Our people sit in a row above the chart, connectors in a row under them;
- **branches without anyone in focus are collapsed** into one grey ``+23 people`` box per
  manager. Clicking it lists the branch under it (indented by reporting depth), clicking
  again folds it; the space the list takes is reserved in the layout, so nothing moves and
  nothing overlaps.

**No line passes through a box it does not join.** Every box sits in one cell of a grid
(box ``W x H``, a free *street* ``G`` wide right of each column and a free *channel* ``C``
high above each row). A line is drawn straight when the straight segment clears every other
box (checked for all lines at once, :func:`segment_box_hits`); otherwise it is routed
orthogonally: out of its box into the adjacent channel, along the channel to the street left
of the target's column, along the street to the channel next to the target, and into it.
Channels and streets hold no box, so such a route can only touch its own two ends. Bends are
tiny invisible vis-network nodes (``kgBend: true``); reporting lines share one route per
manager (the classic org-chart bus). Lines of different people get small lane offsets so
they do not lie on top of each other.

Positions are computed here (``x``/``y`` on every node) and fixed (physics off), so the
drawing is the same in the app and in the offline HTML, at 30 or 500 contacts.

The HTML is self-contained (vis-network inlined, no remote script or stylesheet), so it can be
saved as a standalone file or shown in an iframe on an offline machine.

Security: names, titles and notes are untrusted. Labels and tooltips are plain text; pyvis
serializes node and edge data with Jinja's ``tojson`` (``<``, ``>``, ``&`` and ``'`` become
``\\u003c``...), and vis-network 9 shows a string tooltip with ``innerText``. pyvis would switch
every tooltip to raw ``innerHTML`` when any node title contains ``"href"``, so that word is
broken with a zero-width space in every label and title (:func:`plain_text`). The collapsed
branches are embedded with :func:`_script_json` (``<``, ``>``, ``&`` escaped). The pyvis
``heading``, ``select_menu`` and ``filter_menu`` features, which paste text into the page
unescaped, are never used. Anything from the data in the legend goes through
:func:`html.escape`.
"""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamgraph.analysis.coverage import account_ids, contact_table
from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.people import org_names, people_index, shown_names
from kamgraph.analysis.strength import directed, explain, pair_strengths
from kamgraph.errors import KamgraphError, NotFound
from kamgraph.i18n import (
    NP_,
    _,
    current_language,
    fmt_day,
    fmt_number,
    ngettext,
    pgettext,
)
from kamgraph.i18n.terms import term
from kamgraph.model import Attitude, DecisionRole, Side
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = [
    "ATTITUDE_COLORS",
    "BOX",
    "COOLING_COLOR",
    "DEFAULT_MIN_STRENGTH",
    "EDGE_COLUMNS",
    "FOCUSES",
    "NODE_COLUMNS",
    "ROLE_SHAPES",
    "ROLE_SYMBOLS",
    "TIMELINE_COLUMNS",
    "UNCOVERED_COLOR",
    "RelationshipMap",
    "account_map",
    "font_face",
    "org_tree",
    "paths_map",
    "plain_text",
    "political_timeline",
    "segment_box_hits",
]

# -- look --------------------------------------------------------------------------------------

ATTITUDE_COLORS: dict[str | None, str] = {
    Attitude.CHAMPION.value: "#1a9850",
    Attitude.SUPPORTER.value: "#91cf60",
    Attitude.NEUTRAL.value: "#d9d9d9",
    Attitude.SKEPTIC.value: "#fc8d59",
    Attitude.OPPONENT.value: "#d73027",
    None: "#ffffff",  # not assessed
}
#: the shape each decision role had on the earlier map (paths map targets still use shapes)
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
#: the symbol in front of a contact's name, by decision role
ROLE_SYMBOLS: dict[str | None, str] = {
    DecisionRole.DECISION_MAKER.value: "★",
    DecisionRole.APPROVER.value: "◆",
    DecisionRole.TECHNICAL_EVALUATOR.value: "■",
    DecisionRole.INFLUENCER.value: "▲",
    DecisionRole.COACH.value: "▼",
    DecisionRole.PROCUREMENT.value: "⬢",
    DecisionRole.USER.value: "●",
    None: "",
}
#: a decision role as a box says it (translated with the role's context, as :func:`kamgraph.i18n.terms.term`)
_ROLE_SHORT = {"decision_maker": NP_("role", "decision-maker"), "approver": NP_("role", "approver"),
               "technical_evaluator": NP_("role", "technical evaluator"), "influencer": NP_("role", "influencer"),
               "coach": NP_("role", "coach"), "procurement": NP_("role", "procurement"), "user": NP_("role", "user")}
_ATTITUDE_SIGN = {"champion": "++", "supporter": "+", "neutral": "0", "skeptic": "−", "opponent": "−−"}
OURS_COLOR = "#3b6fb6"
EXTERNAL_COLOR = "#a27fc9"
ORGANIZATION_COLOR = "#d8c39a"
MORE_COLOR = "#eeeeee"
BORDER_COLOR = "#4a4a4a"
UNCOVERED_COLOR = "#c0001a"
COOLING_COLOR = "#e08a00"
INFLUENCE_COLOR = "#8e44ad"
REPORTS_COLOR = "#9a9a9a"
PATH_HIGHLIGHT = "#e6550d"
_WEAK_RGB = np.array([0xc6, 0xd4, 0xe6])  # strength 0
_STRONG_RGB = np.array([0x0b, 0x3c, 0x7d])  # strength 1

#: the grid, in canvas pixels: box width and height, street (right of a column) and channel
#: (above a row). Every box is drawn exactly BOX wide and at most BOX high (labels are cut to fit).
BOX = {"w": 224.0, "h": 104.0, "street": 48.0, "channel": 52.0}
_PX = BOX["w"] + BOX["street"]
_PY = BOX["h"] + BOX["channel"]
_FONT_SIZE = 13
#: the Chinese fonts of the canvas and the legend (Linux: Noto Sans CJK or WenQuanYi, Windows:
#: Microsoft YaHei, macOS: PingFang), so a Chinese label is drawn, not empty boxes;
#: :func:`_char_units` counts a CJK character as two letters
CJK_FONTS = ("'Noto Sans CJK SC'", "'WenQuanYi Micro Hei'", "'Microsoft YaHei'", "'PingFang SC'")


def font_face(lang: str | None = None) -> str:
    """The font-face list of the map's canvas and legend: in Chinese the CJK fonts first (Latin
    letters and numbers then match the characters), in English the usual sans-serif first and
    the CJK fonts after it for Chinese names in the data.

    >>> print(font_face("zh_CN"))
    'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif
    """
    if (lang or current_language()) == "zh_CN":
        return ", ".join(CJK_FONTS + ("sans-serif",))
    return ", ".join(("sans-serif",) + CJK_FONTS)
_LABEL_UNITS = 26  # display width of a label line (a CJK character counts 2)
_LINES_PER_CONTACT = 3  # buying-center focus: our strongest lines to each contact
_MAX_STACK = 6  # reports stacked in one column before a second column starts
_LANES = 7  # distinct offsets of lines sharing a channel or a street
_NOTES_CHARS = 300
_EDGE_WIDTH = (1.0, 7.0)  # strength 0 and 1
_MARGIN = (60.0, 40.0)
_MIN_HEIGHT_PX = 300
_MAX_HEIGHT_PX = 860  # an account chart's canvas grows with its rows up to this
_MIN_SCALE = 0.7  # the first view never zooms out further than this: labels stay readable
# paths maps (small, dots)
_CONTACT_SIZE = (12.0, 34.0)
_PERSON_SIZE = 16.0
_LABEL_CHARS = 20

#: what the map can centre on
FOCUSES = ("buying_center", "contact", "ours")
#: lines weaker than this are hidden in the default view (the Account page's default too)
DEFAULT_MIN_STRENGTH = 0.2

NODE_COLUMNS = ["id", "name", "group", "level", "title", "decision_role", "attitude", "influence",
                "best_strength", "best_name", "covered", "uncovered_dm", "cooling", "parent", "hidden",
                "row", "col", "x", "y", "color", "label", "tooltip"]
EDGE_COLUMNS = ["source", "target", "kind", "strength", "tie_kinds", "n_interactions",
                "last_interaction", "weight", "width", "color", "dashes", "tooltip", "route"]

#: columns of a paths map (:func:`paths_map`: small, people drawn as dots)
PATH_NODE_COLUMNS = ["id", "name", "group", "level", "title", "decision_role", "attitude", "influence",
                     "power", "x", "y", "shape", "color", "size", "label", "tooltip"]
PATH_EDGE_COLUMNS = EDGE_COLUMNS[:-1]

_HREF = re.compile("(h)(ref)", re.IGNORECASE)
_ZWSP = "\u200b"
_MORE = "~more:"
_ROOT = "~root"
_NOLINE = "~no-reporting-line"
_BEND = "~b:"


@dataclass(frozen=True)
class RelationshipMap:
    """A drawn map: self-contained ``html``, the ``nodes`` and ``edges`` it shows (columns
    :data:`NODE_COLUMNS` / :data:`EDGE_COLUMNS`; an edge's ``route`` is its list of points),
    and a ``message`` for the reader (a focus that left nothing...) or None. ``hidden`` maps
    each collapsed-branch box to the people it holds (columns of ``nodes``, positions
    reserved below the box)."""

    html: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    message: str | None = None
    physics: bool = False
    hidden: dict | None = None


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


def _num(value: float) -> str:
    """A strength or a share with two decimals, per language (``0.62``)."""
    return fmt_number(float(value), 2)


def _char_units(ch: str) -> float:
    """Display width of one character in label units: wide East Asian 2, capitals 1.35, else 1."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2.0
    return 1.35 if ch.isupper() else 1.0


def _fit(value: object, units: float = _LABEL_UNITS) -> str:
    """``value`` cut to ``units`` of display width (:func:`_char_units`), as :func:`plain_text`,
    so a label line never wraps inside its box.

    >>> _fit("Zhou Jianguo 周建国", 14)
    'Zhou Jianguo…'
    >>> _fit("short")
    'short'
    """
    text = plain_text(value).replace("\n", " ")
    widths = [_char_units(ch) for ch in text]
    if sum(widths) <= units:
        return text
    out, used = [], 0.0
    for ch, w in zip(text, widths):
        if used + w > units - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"


# -- geometry ----------------------------------------------------------------------------------

def segment_box_hits(p0: np.ndarray, p1: np.ndarray, boxes: np.ndarray, pad: float = 0.0) -> np.ndarray:
    """Which segments cross which boxes: an ``(n_segments, n_boxes)`` boolean matrix.

    ``p0``/``p1`` are ``(n, 2)`` segment ends, ``boxes`` ``(m, 4)`` rows of ``left, top,
    right, bottom``; a box is shrunk by ``pad`` on every side first (a segment that only
    grazes an edge does not count). Slab test, vectorized over all pairs.

    >>> segs0, segs1 = np.array([[0.0, 0.0], [0.0, 5.0]]), np.array([[10.0, 0.0], [10.0, 5.0]])
    >>> segment_box_hits(segs0, segs1, np.array([[4.0, -1.0, 6.0, 1.0]])).ravel().tolist()
    [True, False]
    """
    p0 = np.asarray(p0, dtype=float).reshape(-1, 2)
    p1 = np.asarray(p1, dtype=float).reshape(-1, 2)
    b = np.asarray(boxes, dtype=float).reshape(-1, 4)
    if not len(p0) or not len(b):
        return np.zeros((len(p0), len(b)), dtype=bool)
    lo = b[None, :, :2] + pad
    hi = b[None, :, 2:] - pad
    o = p0[:, None, :]
    d = (p1 - p0)[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        t0 = (lo - o) / d
        t1 = (hi - o) / d
    parallel = d == 0
    inside = (o > lo) & (o < hi)
    tmin = np.where(parallel, np.where(inside, -np.inf, np.inf), np.minimum(t0, t1))
    tmax = np.where(parallel, np.where(inside, np.inf, -np.inf), np.maximum(t0, t1))
    enter = np.maximum(tmin.max(axis=2), 0.0)
    leave = np.minimum(tmax.min(axis=2), 1.0)
    return (enter < leave) & (hi > lo).all(axis=2)


def _cell_xy(row, col) -> tuple[np.ndarray, np.ndarray]:
    """Centre of the box in grid cell (row, col)."""
    return (np.asarray(col, dtype=float) * _PX + BOX["w"] / 2, np.asarray(row, dtype=float) * _PY + BOX["h"] / 2)


def _cell_boxes(row, col) -> np.ndarray:
    x, y = _cell_xy(row, col)
    return np.column_stack([x - BOX["w"] / 2, y - BOX["h"] / 2, x + BOX["w"] / 2, y + BOX["h"] / 2])


def _channel_y(row: int) -> float:
    """The middle of the free channel above grid row ``row``."""
    return row * _PY - BOX["channel"] / 2


def _street_x(col: int) -> float:
    """The middle of the free street left of grid column ``col``."""
    return col * _PX - BOX["street"] / 2


def _route(u: tuple[int, int], v: tuple[int, int], lane: int) -> list[tuple[float, float]]:
    """Orthogonal route from the box in cell ``u`` to the box in cell ``v`` through free
    channels and streets (see the module docstring); the first and last points are the box
    centres. ``lane`` (one of :data:`_LANES`; the middle one, 3, runs in the middle) offsets
    the channel and street it runs in.

    >>> [tuple(round(c) for c in p) for p in _route((0, 0), (2, 3), 3)]
    [(112, 52), (112, 130), (792, 130), (792, 286), (928, 286), (928, 364)]
    """
    (ru, cu), (rv, cv) = u, v
    (xu, yu), (xv, yv) = (tuple(float(a) for a in _cell_xy(ru, cu)), tuple(float(a) for a in _cell_xy(rv, cv)))
    k = (lane % _LANES) - _LANES // 2
    dy = k * (BOX["channel"] / 2 - 8) / (_LANES // 2)
    dx = k * (BOX["street"] / 2 - 8) / (_LANES // 2)
    if rv > ru:
        y1, y2 = _channel_y(ru + 1) + dy, _channel_y(rv) + dy
    elif rv < ru:
        y1, y2 = _channel_y(ru) + dy, _channel_y(rv + 1) + dy
    else:
        y1 = y2 = _channel_y(ru) + dy
    if y1 == y2:
        pts = [(xu, yu), (xu, y1), (xv, y1), (xv, yv)]
    else:
        xs = _street_x(cv) + dx
        pts = [(xu, yu), (xu, y1), (xs, y1), (xs, y2), (xv, y2), (xv, yv)]
    out = [pts[0]]
    for p in pts[1:]:  # drop repeated points
        if abs(p[0] - out[-1][0]) > 1e-9 or abs(p[1] - out[-1][1]) > 1e-9:
            out.append(p)
    return out


# -- the org chart -----------------------------------------------------------------------------

def org_tree(ids: Iterable[str], reports_to: pd.DataFrame) -> dict[str, str | None]:
    """Each person's manager among ``ids`` (None: a root), from reporting lines.

    A reporting line to someone outside ``ids`` makes a root; a cycle is broken at the person
    whose id sorts first (they become a root), so the result is always a forest.

    >>> rt = pd.DataFrame({"person_id": ["b", "c", "d"], "manager_id": ["a", "b", "zz"]})
    >>> org_tree(["a", "b", "c", "d"], rt)
    {'a': None, 'b': 'a', 'c': 'b', 'd': None}
    """
    ids = list(dict.fromkeys(ids))
    known = set(ids)
    rt = reports_to[reports_to["person_id"].isin(known) & reports_to["manager_id"].isin(known)
                    & (reports_to["person_id"] != reports_to["manager_id"])]
    manager = rt.drop_duplicates("person_id").set_index("person_id")["manager_id"].to_dict()
    parent: dict[str, str | None] = {i: manager.get(i) for i in ids}
    for start in sorted(ids):
        seen = []
        node = start
        while node is not None and node not in seen:
            seen.append(node)
            node = parent[node]
        if node is not None:  # a cycle: break it at its smallest id
            cycle = seen[seen.index(node):]
            parent[min(cycle)] = None
    return parent


def _place(children: dict[str, list[str]], roots: list[str], top_row: int) -> dict[str, tuple[int, int]]:
    """Grid cells of a forest: a manager over the columns of their reports, reports without
    reports of their own stacked in columns of at most :data:`_MAX_STACK` under the manager
    (a collapsed-branch box always last, so the cells under it stay free), then the reports
    that manage someone, side by side."""
    cells: dict[str, tuple[int, int]] = {}

    def place(v: str, row: int, col: int) -> int:
        kids = children.get(v, [])
        if not kids:
            cells[v] = (row, col)
            return 1
        leaves = [k for k in kids if not children.get(k)]
        inner = [k for k in kids if children.get(k)]
        c = col
        if leaves:
            n_cols = math.ceil(len(leaves) / _MAX_STACK)
            per_col = math.ceil(len(leaves) / n_cols)
            for i, k in enumerate(leaves):
                cells[k] = (row + 1 + i % per_col, col + i // per_col)
            c += n_cols
        for k in inner:
            c += place(k, row + 1, c)
        width = c - col
        # the manager over the middle of their columns
        cells[v] = (row, col + (width - 1) // 2)
        return width

    col = 0
    for r in roots:
        col += place(r, top_row, col)
    return cells


# -- the account map ---------------------------------------------------------------------------

def account_map(snap: Snapshot, settings: Settings, account_id: str, as_of=None,
                min_strength: float = DEFAULT_MIN_STRENGTH, roles: Iterable[str] | None = None,
                show_external: bool = True, max_nodes: int | None = None, physics_max_nodes: int | None = None,
                focus: str = "buying_center", focus_id: str | None = None) -> RelationshipMap:
    """The relationship map of one account (see the module docstring).

    ``focus`` is ``"buying_center"`` (default), ``"contact"`` or ``"ours"`` with ``focus_id``
    the contact or our person. ``min_strength`` hides relationship lines weaker than it
    (a contact focus shows everyone who knows the contact at all); ``roles`` narrows the
    buying center to those decision roles; ``show_external`` hides connectors.
    ``max_nodes``/``physics_max_nodes`` are accepted for old callers and ignored: the map
    collapses branches instead of refusing, and its layout is always fixed.
    Raises :class:`~kamgraph.errors.NotFound` for an unknown account or focus person.

    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> m = account_map(snap, settings, snap.accounts["id"].iloc[0])
    >>> sorted(set(m.nodes["group"]) - {"ours"})[:2]
    ['contact', 'more']
    """
    if focus not in FOCUSES:
        raise KamgraphError(_("unknown map focus {focus}; choose one of {choices}").format(
            focus=repr(focus), choices=", ".join(FOCUSES)))
    t = resolve_as_of(settings, as_of)
    account_ids(snap, [account_id])
    *_rest, best = contact_table(snap, settings, t, [account_id])
    best = best.drop_duplicates("contact_id").set_index("contact_id")
    people = people_index(snap)
    people = people.assign(name=shown_names(snap).reindex(people.index))  # in the reader's script order
    cids = list(best.index)
    cset = set(cids)
    internal = set(people.index[people["side"] == Side.INTERNAL.value])
    if focus == "contact" and focus_id not in cset:
        raise NotFound(_("{person} is not a current contact at {account}").format(person=repr(focus_id),
                                                                                   account=account_id))
    if focus == "ours" and focus_id not in internal:
        raise NotFound(_("{person} is not one of our people").format(person=repr(focus_id)))

    role = best["decision_role"]
    center = role.notna() if roles is None else role.isin(list(roles))
    center_ids = [c for c in cids if bool(center.get(c, False))]
    pairs = directed(pair_strengths(snap, settings, t))
    uncovered = [c for c in center_ids if best.at[c, "decision_role"] == DecisionRole.DECISION_MAKER.value
                 and not bool(best.at[c, "covered"])]
    ties, extra = _focus_ties(snap, settings, t, pairs, focus, focus_id, center_ids, cset, internal,
                              min_strength, show_external, uncovered)
    focus_set = set(center_ids) | extra | (set(ties["target"]) & cset) | (set(ties["source"]) & cset)
    if focus == "contact":
        focus_set.add(focus_id)

    parent = org_tree(cids, snap.reports_to)
    tree = _display_tree(parent, best, people, focus_set)
    top = set(ties["source"]) - cset  # our people and connectors on the map
    ours_ids = sorted((p for p in top | (set(ties["target"]) - cset) if p in internal), key=str)
    conn_ids = sorted((p for p in top | (set(ties["target"]) - cset) if p not in internal), key=str)
    cells, hidden_cells = _layout(tree, ours_ids, conn_ids, ties)

    nodes = _account_nodes(snap, settings, t, best, people, tree, cells, ours_ids, conn_ids)
    hidden = _hidden_nodes(best, people, tree, hidden_cells, snap)
    edges = _account_edges(snap, settings, t, nodes, ties, tree, cells, hidden_cells)

    legend = _legend(account_name=_account_name(snap, account_id))
    # tall enough to show the chart's rows at a readable scale, within reason
    rows_px = (nodes["row"].max() + 1) * _PY * _MIN_SCALE + 60 if len(nodes) else 0
    height = int(min(max(settings.map.height_px, rows_px), _MAX_HEIGHT_PX))
    size: dict = {}

    def count(v: str) -> int:
        size[v] = 1 + sum(count(k) for k in tree.children.get(v, []))
        return size[v]
    anchor = max(tree.roots, key=count) if tree.roots else None
    page = _render(nodes, edges, physics=False, height_px=height, legend=legend, hidden=hidden, fixed_height=True,
                   anchor=anchor)

    n_shown = int((nodes["group"] == "contact").sum())
    n_more = int((nodes["group"] == "more").sum())
    message = None
    if not cids:
        message = _("No current contacts are recorded at this account.")
    elif roles is not None and not center_ids and focus == "buying_center":
        message = _("No contact at this account has the chosen roles.")
    elif focus == "buying_center" and not center_ids:
        message = _("Nobody at this account has a decision role yet: the top of the org chart is shown; "
                    "record roles on a person card.")
    elif (edges["kind"] == "tie").sum() == 0:
        if focus == "contact":
            message = _("Nobody on our side can reach this contact yet.")
        elif focus == "buying_center":
            message = _("Nobody on our side has a relationship of strength {strength} or more with the buying "
                        "center.").format(strength=_num(min_strength))
        else:
            message = _("Nobody on our side has a relationship of strength {strength} or more with any contact "
                        "here.").format(strength=_num(min_strength))
    elif n_more:
        message = ngettext("{shown} of {total} contacts shown; a grey box holds the other {rest} (click one to "
                           "list its people).",
                           "{shown} of {total} contacts shown; {boxes} grey boxes hold the other {rest} (click one "
                           "to list its people).", n_more).format(
            shown=n_shown, total=len(cids), rest=len(cids) - n_shown, boxes=n_more)
    return RelationshipMap(page, nodes.reset_index(drop=True)[NODE_COLUMNS],
                           edges.reset_index(drop=True)[EDGE_COLUMNS], message, False, hidden)


def _account_name(snap: Snapshot, account_id: str) -> str:
    a = snap.accounts
    names = a.loc[a["id"] == account_id, "name"]
    return str(names.iloc[0]) if len(names) and names.iloc[0] is not None else account_id


def _path_legs(snap, settings, t, pairs, targets, cset, show_external, best_only: bool) -> pd.DataFrame:
    """The two legs (rows of ``pairs``) of the person paths to ``targets``
    (:func:`kamgraph.analysis.paths.access_paths_for`); ``best_only``: the best person path
    per target through a connector (not a colleague)."""
    from kamgraph.analysis.paths import access_paths_for

    p = access_paths_for(snap, settings, list(targets), as_of=t)
    p = p[(p["kind"] == "person") & p["via_id"].notna()]
    if not show_external or best_only:
        p = p[~p["via_id"].isin(cset)] if best_only else p[p["via_id"].isin(cset)]
    if best_only:
        p = p.sort_values(["target_id", "rank"], kind="mergesort").drop_duplicates("target_id")
    legs = pd.concat([pd.DataFrame({"person_id": p["via_id"], "other_id": p["internal_id"]}),
                      pd.DataFrame({"person_id": p["target_id"], "other_id": p["via_id"]})], ignore_index=True)
    return legs.drop_duplicates().merge(pairs, on=["person_id", "other_id"])


def _focus_ties(snap, settings, t, pairs, focus, focus_id, center_ids, cset, internal, min_strength,
                show_external, uncovered=()) -> tuple[pd.DataFrame, set]:
    """The relationship lines a focus draws, oriented from our side (or a connector) to the
    account: columns of :func:`pair_strengths` with ``source``/``target``. Also the
    contacts the focus adds to the chart (colleagues on an access path).

    The buying-center focus also draws, for each uncovered decision-maker, the best access
    path through a connector (how we could get to them)."""
    def is_conn(s: pd.Series) -> pd.Series:
        return ~s.isin(cset) & ~s.isin(internal)

    extra: set = set()
    strong = pairs[pairs["strength"] >= min_strength]
    if focus == "buying_center":
        mine = strong[strong["person_id"].isin(center_ids) & strong["other_id"].isin(internal)]
        # the strongest few per contact: the badge already names the best, the lines show depth
        mine = mine.sort_values(["person_id", "strength"], ascending=[True, False], kind="mergesort")
        parts = [mine.groupby("person_id", sort=False).head(_LINES_PER_CONTACT)]
        if uncovered and show_external:
            parts.append(_path_legs(snap, settings, t, pairs, uncovered, cset, show_external, best_only=True))
    elif focus == "contact":
        direct = pairs[(pairs["person_id"] == focus_id) & pairs["other_id"].isin(internal)
                       & (pairs["strength"] > 0)]
        parts = [direct]
        legs = _path_legs(snap, settings, t, pairs, [focus_id], cset, show_external, best_only=False)
        parts.append(legs)
        # a colleague on a path is brought onto the chart
        extra = (set(legs["person_id"]) | set(legs["other_id"])) & cset - {focus_id}
    else:
        mine = strong[strong["other_id"] == focus_id]
        direct = mine[mine["person_id"].isin(cset)]
        via = mine[is_conn(mine["person_id"])] if show_external else mine.iloc[:0]
        onward = strong[strong["other_id"].isin(via["person_id"]) & strong["person_id"].isin(cset)]
        parts = [direct, via.rename(columns={"person_id": "other_id", "other_id": "person_id"}), onward]
        parts[1] = parts[1][parts[1]["other_id"].isin(set(onward["other_id"]))]
    rows = pd.concat(parts, ignore_index=True)
    if not show_external:
        rows = rows[~is_conn(rows["person_id"]) & ~is_conn(rows["other_id"])]
    # orient: the top side (our people, then connectors) is the source, the account the target
    def rank(s: pd.Series) -> np.ndarray:
        return np.select([s.isin(internal), is_conn(s)], [0, 1], 2)

    flip = rank(rows["person_id"]) < rank(rows["other_id"])
    out = rows.assign(source=np.where(flip, rows["person_id"], rows["other_id"]),
                      target=np.where(flip, rows["other_id"], rows["person_id"]))
    out = out.drop_duplicates(["source", "target"]).reset_index(drop=True)
    return out, extra


@dataclass
class _Tree:
    """The chart as drawn: kids of each shown node (collapsed-branch boxes included), the
    roots in order, the people each collapsed box holds (preorder, with depth) and each shown
    node's manager on the chart."""

    children: dict
    roots: list
    more: dict  # box id -> [(person id, depth below the box's manager)]
    parent: dict  # shown node -> its shown manager (or box, header)


def _display_tree(parent: dict, best: pd.DataFrame, people: pd.DataFrame, focus_set: set) -> _Tree:
    kids_all: dict[str, list[str]] = {}
    for p, m in parent.items():
        if m is not None:
            kids_all.setdefault(m, []).append(p)
    role_rank = {r: i for i, r in enumerate(ROLE_SHAPES)}
    level = pd.to_numeric(best["level"], errors="coerce")
    names = people["name"]

    def key(p: str):
        lv = level.get(p)
        return (0 if p in focus_set else 1, 9 if pd.isna(lv) else float(lv),
                role_rank.get(best["decision_role"].get(p), 99), str(names.get(p, p)), p)

    isolated = {p for p, m in parent.items() if m is None and p not in kids_all}
    parent = dict(parent)
    if isolated and len(isolated) < len(parent) or len(isolated) > 1:
        kids_all[_NOLINE] = sorted(isolated)
        for p in isolated:
            parent[p] = _NOLINE
    shown: set = set()
    for p in focus_set:
        node = p
        while node is not None and node not in shown:
            shown.add(node)
            node = parent.get(node)
    if not shown and parent:  # nobody in focus: the top two rows of the chart
        shown = {p for p, m in parent.items() if m is None or parent.get(m) is None}
    roots_all = sorted([p for p, m in parent.items() if m is None and p != _NOLINE], key=key)
    if _NOLINE in kids_all:
        roots_all.append(_NOLINE)
        if any(p in shown for p in kids_all[_NOLINE]):
            shown.add(_NOLINE)

    def preorder(vs: list[str], d: int, out: list):
        for v in sorted(vs, key=key):
            out.append((v, d))
            preorder(kids_all.get(v, []), d + 1, out)
        return out

    children: dict[str, list[str]] = {}
    more: dict[str, list] = {}
    shown_parent: dict[str, str] = {}
    for v in list(shown):
        kids = kids_all.get(v, [])
        vis = sorted([k for k in kids if k in shown], key=key)
        gone = [k for k in kids if k not in shown]
        if gone:
            box = _MORE + v
            more[box] = preorder(gone, 0, [])
            vis.append(box)
        if vis:
            children[v] = vis
        for k in vis:
            shown_parent[k] = v
    roots = [r for r in roots_all if r in shown]
    gone_roots = [r for r in roots_all if r not in shown]
    if gone_roots:
        box = _MORE + _ROOT
        members = []
        for r in gone_roots:
            if r == _NOLINE:
                members.extend(preorder(kids_all[_NOLINE], 0, []))
            else:
                preorder([r], 0, members)
        more[box] = members
        roots.append(box)
    return _Tree(children, roots, more, shown_parent)


def _spread(desired: np.ndarray, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """(row offset, column) for people who would like to sit over column ``desired[i]``:
    in order, one per column, at most ``n_cols`` per row.

    >>> r, c = _spread(np.array([0.0, 0.0, 5.0]), 6)
    >>> r.tolist(), c.tolist()
    ([0, 0, 0], [0, 1, 5])
    """
    k = len(desired)
    rows = np.zeros(k, dtype=int)
    cols = np.zeros(k, dtype=int)
    if not k:
        return rows, cols
    n_cols = max(1, n_cols)
    order = np.argsort(desired, kind="stable")
    for start in range(0, k, n_cols):
        chunk = order[start:start + n_cols]
        want = np.clip(np.rint(desired[chunk]).astype(int), 0, n_cols - 1)
        i = np.arange(len(chunk))
        # one per column, in order: pos - i never decreases, and the last fits in the row
        q = np.minimum(np.maximum.accumulate(want - i), n_cols - len(chunk))
        pos = q + i
        rows[chunk] = start // n_cols
        cols[chunk] = pos
    return rows, cols


def _layout(tree: _Tree, ours_ids: list, conn_ids: list, ties: pd.DataFrame):
    """Grid cells: our people in the top rows, connectors under them, the chart below."""
    probe = _place(tree.children, tree.roots, 0)
    n_cols = 1 + max((c for _, c in probe.values()), default=0)
    tcol = {k: c for k, (_, c) in probe.items()}

    def desired(ids: list, col_of: dict) -> np.ndarray:
        if not ids:
            return np.zeros(0)
        t = ties[ties["source"].isin(ids)]
        m = t.assign(c=t["target"].map(col_of)).dropna(subset=["c"]).groupby("source")["c"].median()
        return np.array([m.get(i, n_cols / 2) for i in ids], dtype=float)

    width = max(n_cols, 1)
    cells: dict = {}
    top = 0
    # connectors first (they sit over the contacts they know), then our people over them
    c_rows, c_cols = _spread(desired(conn_ids, tcol), width)
    cc = {p: (int(r), int(c)) for p, r, c in zip(conn_ids, c_rows, c_cols)}
    ocol = dict(tcol) | {p: c for p, (_, c) in cc.items()}
    o_rows, o_cols = _spread(desired(ours_ids, ocol), width)
    n_o = int(o_rows.max()) + 1 if len(o_rows) else 0
    n_c = int(c_rows.max()) + 1 if len(c_rows) else 0
    for p, r, c in zip(ours_ids, o_rows, o_cols):
        cells[p] = (int(r), int(c))
    for p, (r, c) in cc.items():
        cells[p] = (n_o + r, c)
    top = n_o + n_c
    for k, (r, c) in probe.items():
        cells[k] = (r + top, c)
    hidden_cells = {box: [(m, d, cells[box][0] + 1 + i, cells[box][1]) for i, (m, d) in enumerate(members)]
                    for box, members in tree.more.items()}
    return cells, hidden_cells


def _is_text(value) -> bool:
    return isinstance(value, str) and value != ""


def _text(value) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _cooling_labels(snap: Snapshot, settings: Settings, t, best: pd.DataFrame, ids: list) -> dict:
    """``{contact: "cooling" | "dormant"}`` for key-role contacts whose best tie is cooling."""
    b = best.loc[[i for i in ids if i in best.index]]
    b = b[b["decision_role"].isin(settings.gaps.cooling_key_roles) & b["best_internal_id"].notna()]
    if b.empty:
        return {}
    from kamgraph.analysis.trends import trends

    pairs = pd.DataFrame({"person_id": b["best_internal_id"].to_numpy(), "other_id": b.index.to_numpy()})
    tr = trends(snap, settings, t, pairs)
    tr = tr[tr["label"].isin(["cooling", "dormant"])]
    return dict(zip(tr["other_id"], tr["label"]))


def _level_text(lvl) -> str:
    return _("level {n}").format(n=int(lvl)) if lvl is not None and pd.notna(lvl) else _("level unknown")


def _contact_look(r: dict, names, notes, manager_name: str | None, indent: int = 0) -> dict:
    """Label, tooltip and colours of one contact box (``r``: a row of the coverage table)."""
    role, att, inf = _text(r.get("decision_role")), _text(r.get("attitude")), r.get("influence")
    sym = ROLE_SYMBOLS.get(role, "") if isinstance(role, str) else ""
    name = str(r["name"])
    title = _text(r.get("title"))
    level = _level_text(r.get("level"))
    has_inf = inf is not None and pd.notna(inf)
    role_t = (pgettext("role", _ROLE_SHORT[role]) if role in _ROLE_SHORT else term("role", role)) if role \
        else _("no decision role")
    att_t = term("attitude", att) if isinstance(att, str) else _("attitude not assessed")
    inf_t = _("influence {n}/5").format(n=int(inf)) if has_inf else _("influence ?")
    s = r.get("best_strength")
    has_s = s is not None and pd.notna(s)
    holder = _text(r.get("best_name"))
    uncovered, cooling = bool(r.get("uncovered_dm")), _text(r.get("cooling"))
    trend = term("trend", cooling) if cooling else None
    if uncovered:
        badge = " · ".join((_("✖ UNCOVERED"), f"↘ {trend}" if cooling else _num(s) if has_s else _("no tie")))
    elif cooling:
        badge = _("↘ {trend} · {strength} {holder}").format(trend=trend.upper(), strength=_num(s),
                                                           holder=holder or "")
    elif has_s:
        badge = ("✔ " if r.get("covered") else "· ") + f"{_num(s)} {holder or ''}"
    else:
        badge = _("– nobody on our side")
    prefix = ("  " * max(indent - 1, 0) + "└ ") if indent else ""
    label = "\n".join(_fit(x) for x in (prefix + (f"{sym} " if sym else "") + name, title or level,
                                        role_t, f"{att_t} · {inf_t}" if att or has_inf else _("not assessed"),
                                        badge))
    lines = [name, pgettext("list separator", ", ").join(x for x in (title, level) if x)]
    lines.append(" · ".join((term("role", role) if role else _("no decision role"), att_t,
                             _("influence {n}/5").format(n=int(inf)) if has_inf else _("influence not assessed"))))
    if has_s:
        last = r.get("last_interaction")
        if last is not None and pd.notna(last):
            lines.append(_("best tie from our side: {strength} with {holder}, last met {day}").format(
                strength=_num(s), holder=holder or "—", day=fmt_day(last)))
        else:
            lines.append(_("best tie from our side: {strength} with {holder}, never met").format(
                strength=_num(s), holder=holder or "—"))
    else:
        lines.append(_("nobody on our side has a tie or an interaction with them"))
    if uncovered:
        lines.append(_("UNCOVERED decision-maker: nobody on our side has a strong enough tie"))
    if cooling:
        lines.append(_("COOLING: our best relationship ({holder}) is {trend}").format(holder=holder or "—",
                                                                                     trend=trend))
    if manager_name:
        lines.append(_("reports to {manager}").format(manager=manager_name))
    note = notes.get(r["id"]) if notes is not None else None
    if isinstance(note, str) and note:
        lines.append(_("notes: {notes}").format(notes=plain_text(note, _NOTES_CHARS)))
    border, width, dashes = BORDER_COLOR, 1, False
    if uncovered:
        border, width, dashes = UNCOVERED_COLOR, 5, [7, 4]
    elif cooling:
        border, width, dashes = COOLING_COLOR, 5, False
    return {"label": label, "tooltip": "\n".join(plain_text(x) for x in lines),
            "color": ATTITUDE_COLORS.get(att if isinstance(att, str) else None, ATTITUDE_COLORS[None]),
            "border": border, "border_width": width, "border_dashes": dashes, "font_color": "#1b1b1b"}


def _contact_rows(settings: Settings, best: pd.DataFrame, people: pd.DataFrame, ids: list, cooling: dict) -> pd.DataFrame:
    b = best.loc[ids]
    names = people["name"]
    out = pd.DataFrame({
        "id": list(ids), "name": [names.get(i, i) if isinstance(names.get(i), str) else i for i in ids],
        "group": "contact", "level": pd.to_numeric(b["level"], errors="coerce").to_numpy(),
        "title": b["title"].to_numpy(), "decision_role": b["decision_role"].to_numpy(),
        "attitude": b["attitude"].to_numpy(), "influence": pd.array(b["influence"], dtype="Int64"),
        "best_strength": b["best_strength"].astype(float).to_numpy(),
        "best_name": [names.get(h) if isinstance(h, str) else None for h in b["best_internal_id"]],
        "covered": b["covered"].astype(bool).to_numpy(), "last_interaction": b["last_interaction"].to_numpy(),
    })
    out["uncovered_dm"] = ((out["decision_role"] == DecisionRole.DECISION_MAKER.value) & ~out["covered"]).to_numpy()
    out["cooling"] = out["id"].map(cooling).astype(object)
    out["cooling"] = out["cooling"].where(out["cooling"].notna(), None)
    return out


def _account_nodes(snap, settings, t, best, people, tree: _Tree, cells, ours_ids, conn_ids) -> pd.DataFrame:
    notes = snap.people.drop_duplicates("id").set_index("id")["notes"]
    names = people["name"]
    shown = [k for k in cells if k in best.index]
    cooling = _cooling_labels(snap, settings, t, best, shown)
    c = _contact_rows(settings, best, people, shown, cooling)
    rows = []
    for r in c.to_dict("records"):
        m = tree.parent.get(r["id"])
        r.update(_contact_look(r, names, notes, names.get(m) if m in best.index else None))
        rows.append(r)
    for pid in list(ours_ids) + list(conn_ids):
        ours = pid in ours_ids
        title, lvl = _text(people["title"].get(pid)), people["level"].get(pid)
        level = _level_text(lvl)
        name = names.get(pid, pid) if isinstance(names.get(pid), str) else pid
        what = term("side", "internal") if ours else _("connector")
        lines = [name, pgettext("list separator", ", ").join(x for x in (title, level, what) if x)]
        note = notes.get(pid)
        if isinstance(note, str) and note:
            lines.append(_("notes: {notes}").format(notes=plain_text(note, _NOTES_CHARS)))
        rows.append({"id": pid, "name": name, "group": "ours" if ours else "external",
                     "level": float(lvl) if lvl is not None and pd.notna(lvl) else np.nan, "title": title,
                     "label": "\n".join(_fit(x) for x in (name, title or level, what, level)),
                     "tooltip": "\n".join(plain_text(x) for x in lines),
                     "color": OURS_COLOR if ours else EXTERNAL_COLOR, "border": BORDER_COLOR, "border_width": 1,
                     "border_dashes": False, "font_color": "#ffffff" if ours else "#1b1b1b"})
    for box, members in tree.more.items():
        mgr = box[len(_MORE):]
        n = len(members)
        if mgr == _ROOT:
            under = _("in other branches")
            tip = ngettext("{n} person in other branches: nobody in focus. Click to list them here, click again "
                           "to fold.",
                           "{n} people in other branches: nobody in focus. Click to list them here, click again "
                           "to fold.", n).format(n=n)
        elif mgr == _NOLINE:
            under = _("without a reporting line")
            tip = ngettext("{n} person without a reporting line: nobody in focus. Click to list them here, click "
                           "again to fold.",
                           "{n} people without a reporting line: nobody in focus. Click to list them here, click "
                           "again to fold.", n).format(n=n)
        elif mgr in best.index:
            under = _("more in this branch")
            tip = ngettext("{n} person more in this branch under {manager}: nobody in focus. Click to list them "
                           "here, click again to fold.",
                           "{n} people more in this branch under {manager}: nobody in focus. Click to list them "
                           "here, click again to fold.", n).format(n=n, manager=names.get(mgr, mgr))
        else:
            under = _("more in this branch")
            tip = ngettext("{n} person more in this branch: nobody in focus. Click to list them here, click "
                           "again to fold.",
                           "{n} people more in this branch: nobody in focus. Click to list them here, click again "
                           "to fold.", n).format(n=n)
        more_name = ngettext("+{n} person", "+{n} people", n).format(n=n)
        rows.append({"id": box, "name": more_name, "group": "more", "hidden": n,
                     "label": "\n".join((more_name, _fit(under),
                                         _("(click to list)"))),
                     "tooltip": plain_text(tip),
                     "color": MORE_COLOR, "border": "#8a8a8a", "border_width": 2, "border_dashes": [4, 3],
                     "font_color": "#333333"})
    if _NOLINE in cells:
        rows.append({"id": _NOLINE, "name": _("No reporting line recorded"), "group": "header",
                     "label": _("No reporting line\nrecorded for these\ncontacts"),
                     "tooltip": _("These contacts have no reporting line in the data: import reports_to "
                                  "to place them in the org chart."),
                     "color": "#fafafa", "border": "#8a8a8a", "border_width": 1, "border_dashes": [2, 3],
                     "font_color": "#333333"})
    nodes = pd.DataFrame(rows)
    for col in NODE_COLUMNS:
        if col not in nodes:
            nodes[col] = None
    nodes["hidden"] = pd.to_numeric(nodes["hidden"], errors="coerce").fillna(0).astype(int)
    nodes["parent"] = nodes["id"].map(tree.parent).astype(object)
    nodes["parent"] = nodes["parent"].where(nodes["parent"].notna(), None)
    nodes["row"] = nodes["id"].map(lambda i: cells[i][0]).astype(int)
    nodes["col"] = nodes["id"].map(lambda i: cells[i][1]).astype(int)
    x, y = _cell_xy(nodes["row"].to_numpy(), nodes["col"].to_numpy())
    nodes["x"], nodes["y"] = x, y
    for col in ("covered", "uncovered_dm"):
        nodes[col] = nodes[col].astype(object).where(nodes[col].notna(), None)
    for col in ("title", "decision_role", "attitude", "cooling", "best_name"):
        nodes[col] = nodes[col].astype(object).where(nodes[col].notna(), None)
    nodes["influence"] = pd.array(nodes["influence"], dtype="Int64")
    nodes["best_strength"] = pd.to_numeric(nodes["best_strength"], errors="coerce")
    nodes["level"] = pd.to_numeric(nodes["level"], errors="coerce")
    return nodes


def _hidden_nodes(best, people, tree: _Tree, hidden_cells, snap) -> dict:
    """The people each collapsed box lists when clicked: vis-network node dicts with their
    reserved positions, keyed by the box id."""
    out = {}
    names = people["name"]
    notes = snap.people.drop_duplicates("id").set_index("id")["notes"]
    all_ids = [m for members in hidden_cells.values() for m, *_ in members]
    if not all_ids:
        return out
    rows = _contact_rows(None, best, people, all_ids, {}).set_index("id")
    parent = org_tree(list(best.index), snap.reports_to)
    for box, members in hidden_cells.items():
        items = []
        for m, d, r, c in members:
            rec = rows.loc[m].to_dict()
            rec["id"] = m
            mgr = parent.get(m)
            look = _contact_look(rec, names, notes, names.get(mgr) if mgr is not None else None, indent=d + 1)
            x, y = _cell_xy(r, c)
            items.append(_vis_node(m, look, float(x), float(y)))
        out[box] = items
    return out


def _strength_style(strength: pd.Series) -> tuple[np.ndarray, list[str]]:
    s = strength.clip(0.0, 1.0).fillna(0.0).to_numpy()
    lo, hi = _EDGE_WIDTH
    width = lo + (hi - lo) * s
    rgb = np.rint(_WEAK_RGB[None, :] + (_STRONG_RGB - _WEAK_RGB)[None, :] * s[:, None]).astype(int)
    return width, [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb]


def _account_edges(snap: Snapshot, settings: Settings, as_of, nodes: pd.DataFrame, ties: pd.DataFrame,
                   tree: _Tree, cells: dict, hidden_cells: dict) -> pd.DataFrame:
    shown = set(nodes["id"])
    name = nodes.set_index("id")["name"]
    t = ties[ties["source"].isin(shown) & ties["target"].isin(shown)].copy()
    width, color = _strength_style(t["strength"])
    t["kind"] = "tie"
    t["weight"] = np.nan
    t["width"] = width
    t["color"] = color
    t["tie_kinds"] = t["tie_kinds"].fillna("") if "tie_kinds" in t else ""
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
    i["width"] = 1.0 + i["weight"].fillna(3.0) / 4.0  # thin: long routed dashes must not dominate
    i["color"] = INFLUENCE_COLOR
    i["dashes"] = [[8, 6]] * len(i)
    i["tooltip"] = [plain_text(_("{source}'s opinion weighs on {target}'s decision (weight {weight}/5)").format(
                        source=name[s], target=name[d], weight=int(w)) if pd.notna(w) else
                        _("{source}'s opinion weighs on {target}'s decision").format(source=name[s], target=name[d]))
                    for s, d, w in zip(i["source"], i["target"], i["weight"])]

    rep = [(k, m) for k, m in tree.parent.items() if k in shown and m in shown]
    r_ = pd.DataFrame({"source": [k for k, _ in rep], "target": [m for _, m in rep], "kind": "reports_to",
                       "weight": np.nan, "width": 1.5, "color": REPORTS_COLOR})
    r_["dashes"] = [False] * len(r_)
    r_["tooltip"] = [plain_text(_("{person} reports to {manager}").format(person=name[k], manager=name[m]))
                     if not k.startswith(_MORE)
                     else plain_text(_("{people} under {manager}").format(people=name[k], manager=name[m]))
                     for k, m in rep]

    edges = pd.concat([r_, t, i], ignore_index=True)
    for col in EDGE_COLUMNS:
        if col not in edges:
            edges[col] = np.nan
    edges["tie_kinds"] = edges["tie_kinds"].astype(object).where(edges["tie_kinds"].notna(), None)
    edges["route"] = _routes(edges, cells, hidden_cells)
    return edges


def _routes(edges: pd.DataFrame, cells: dict, hidden_cells: dict) -> list:
    """Each edge's points: straight when the segment clears every other box (reserved
    cells of collapsed branches included), else through channels and streets."""
    if edges.empty:
        return []
    ids = list(cells)
    index = {k: n for n, k in enumerate(ids)}
    rc = np.array([cells[k] for k in ids], dtype=float)
    reserved = np.array([(r, c) for members in hidden_cells.values() for _, _, r, c in members],
                        dtype=float).reshape(-1, 2)
    boxes = _cell_boxes(np.concatenate([rc[:, 0], reserved[:, 0]]), np.concatenate([rc[:, 1], reserved[:, 1]]))
    # reporting lines are drawn from the manager down to the report
    tree_edge = (edges["kind"] == "reports_to").to_numpy()
    a = np.where(tree_edge, edges["target"], edges["source"])
    b = np.where(tree_edge, edges["source"], edges["target"])
    ia = np.array([index[x] for x in a])
    ib = np.array([index[x] for x in b])
    x, y = _cell_xy(rc[:, 0], rc[:, 1])
    p0 = np.column_stack([x[ia], y[ia]])
    p1 = np.column_stack([x[ib], y[ib]])
    hits = segment_box_hits(p0, p1, boxes, pad=-3.0)
    rows = np.arange(len(edges))
    hits[rows, ia] = False
    hits[rows, ib] = False
    straight = ~hits.any(axis=1)
    lanes = [k for k in range(_LANES) if k != _LANES // 2]
    out, n = [], 0
    for e in range(len(edges)):
        if straight[e]:
            out.append([tuple(map(float, p0[e])), tuple(map(float, p1[e]))])
            continue
        if tree_edge[e]:
            lane = _LANES // 2
        else:
            lane, n = lanes[n % len(lanes)], n + 1
        out.append(_route(cells[a[e]], cells[b[e]], lane))
    return out


# -- political history -------------------------------------------------------------------------

#: columns of :func:`political_timeline`
TIMELINE_COLUMNS = ["date", "decision_role", "attitude", "influence", "assessed_by", "assessed_by_name",
                    "source", "changes", "text"]

_UNSET = {"decision_role": NP_("timeline", "no decision role"), "attitude": NP_("timeline", "attitude not assessed"),
          "influence": NP_("timeline", "influence not assessed")}
_FIELD_KIND = {"decision_role": "role", "attitude": "attitude"}


def _field_text(field: str, value) -> str:
    if value is None:
        return pgettext("timeline", _UNSET[field])
    if field == "influence":
        return _("influence {n}/5").format(n=value)
    return term(_FIELD_KIND[field], value)


def political_timeline(snap: Snapshot, settings: Settings, account_id: str, person_id: str,
                       as_of=None) -> pd.DataFrame:
    """The dated assessments of one contact's decision role, attitude and influence at an
    account, oldest first, up to ``as_of``: what each said (a field left blank carries the
    last known value forward), who assessed it, from what source, which fields changed, and
    one line of text that never says "None".

    Columns :data:`TIMELINE_COLUMNS`; ``changes`` lists the fields that changed
    (``["attitude"]``...); the first assessment has none.

    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> a = snap.assessments.iloc[0]
    >>> t = political_timeline(snap, settings, a["account_id"], a["person_id"])
    >>> t["changes"].iloc[0], any("None" in x for x in t["text"])
    ([], False)
    """
    t = resolve_as_of(settings, as_of)
    a = snap.assessments
    a = a[(a["person_id"] == person_id) & (a["account_id"] == account_id) & (a["assessed_on"] <= t)]
    a = a.sort_values("assessed_on", kind="mergesort")
    if a.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TIMELINE_COLUMNS})
    fields = ["decision_role", "attitude", "influence"]
    names = shown_names(snap)
    rows, prev = [], None
    last = {k: None for k in fields}
    for r in a.to_dict("records"):
        for k in fields:
            v = r.get(k)
            if v is not None and not (isinstance(v, float) and math.isnan(v)) and v is not pd.NA:
                last[k] = int(v) if k == "influence" else str(v)
        vals = dict(last)
        changes = [] if prev is None else [k for k in fields if vals[k] != prev[k]]
        by = r["assessed_by"] if isinstance(r.get("assessed_by"), str) else None
        by_name = names.get(by, by) if by else None
        by_name = by_name if isinstance(by_name, str) else by
        source = r["source"] if isinstance(r.get("source"), str) and r["source"] else None
        if prev is None:
            what = " · ".join(_field_text(k, vals[k]) for k in fields)
        elif changes:
            what = pgettext("list separator", "; ").join(
                f"{_field_text(k, prev[k])} → {_field_text(k, vals[k])}" for k in changes)
        else:
            what = _("reassessed, unchanged: {fields}").format(
                fields=" · ".join(_field_text(k, vals[k]) for k in fields))
        who = _("assessed by {name}").format(name=by_name) if by_name else _("assessor not recorded")
        day = fmt_day(r["assessed_on"])
        text = (_("{day}: {what} ({who}; source: {source})").format(day=day, what=what, who=who, source=source)
                if source else _("{day}: {what} ({who})").format(day=day, what=what, who=who))
        rows.append({"date": pd.Timestamp(r["assessed_on"]), **vals, "assessed_by": by,
                     "assessed_by_name": by_name, "source": source, "changes": changes, "text": plain_text(text)})
        prev = vals
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


# -- path maps ---------------------------------------------------------------------------------

def paths_map(snap: Snapshot, settings: Settings, paths: pd.DataFrame, height_px: int | None = None) -> RelationshipMap:
    """A small map of access paths (rows of :func:`kamgraph.analysis.paths.access_paths`).

    Our people on the left, intermediaries (people or shared organizations) in the middle,
    the target on the right; each leg's width follows its strength, and the best path
    (rank 1) is highlighted.
    """
    people = people_index(snap)
    people = people.assign(name=shown_names(snap).reindex(people.index))  # in the reader's script order
    orgs = org_names(snap)
    if paths.empty:
        empty_nodes = pd.DataFrame(columns=PATH_NODE_COLUMNS)
        empty_edges = pd.DataFrame(columns=PATH_EDGE_COLUMNS)
        page = _render(empty_nodes, empty_edges, physics=False, height_px=height_px or settings.map.height_px // 2,
                       legend="")
        return RelationshipMap(page, empty_nodes, empty_edges, _("Nobody on our side can reach this person."))
    p = paths.sort_values("rank", kind="mergesort")
    rows = []

    def node(pid: str, group: str, x: float) -> None:
        if any(r["id"] == pid for r in rows):
            return
        if group == "organization":
            name, title, level = orgs.get(pid, pid), _("shared organization"), np.nan
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
    return RelationshipMap(page, nodes[PATH_NODE_COLUMNS].reset_index(drop=True),
                           e[PATH_EDGE_COLUMNS].reset_index(drop=True), None)




# -- HTML --------------------------------------------------------------------------------------

_REMOTE_TAGS = re.compile(
    r'<link\s[^>]*href="https?://[^"]*"[^>]*>|<script\s[^>]*src="https?://[^"]*"[^>]*>\s*</script>', re.DOTALL)
_EMPTY_HEADINGS = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.DOTALL)


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


def _script_json(value) -> str:
    """JSON for inside a ``<script>``: ``<``, ``>`` and ``&`` escaped, so no text can close it.

    >>> _script_json({"a": "</script>"})
    '{"a": "\\\\u003c/script\\\\u003e"}'
    """
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


def _vis_node(nid: str, look: dict, x: float, y: float) -> dict:
    """A vis-network box node of the chart (fixed size, fixed place)."""
    return {"id": str(nid), "label": look["label"], "title": look["tooltip"], "shape": "box", "x": x, "y": y,
            "fixed": True, "physics": False,
            "color": {"background": look["color"], "border": look["border"],
                      "highlight": {"background": look["color"], "border": "#000000"},
                      "hover": {"background": look["color"], "border": "#000000"}},
            "borderWidth": int(look["border_width"]), "borderWidthSelected": int(look["border_width"]) + 1,
            "shapeProperties": {"borderDashes": _json_value(look["border_dashes"]), "borderRadius": 4},
            # vis-network adds the margins (and 8 px) to the constraints: the box is exactly BOX
            "widthConstraint": {"minimum": BOX["w"] - 20, "maximum": BOX["w"] - 20},
            "heightConstraint": {"minimum": BOX["h"] - 16, "valign": "middle"},
            "margin": {"top": 4, "bottom": 4, "left": 6, "right": 6},
            "font": {"size": _FONT_SIZE, "face": font_face(), "multi": False, "color": look["font_color"],
                     "align": "left"}}


def _bend(nid: str, x: float, y: float) -> dict:
    clear = "rgba(0,0,0,0)"
    return {"id": nid, "label": " ", "shape": "dot", "size": 0.5, "x": x, "y": y, "fixed": True, "physics": False,
            "borderWidth": 0, "chosen": False, "kgBend": True, "font": {"size": 1},
            "color": {"background": clear, "border": clear, "highlight": {"background": clear, "border": clear},
                      "hover": {"background": clear, "border": clear}}}


def _chart_data(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[list, list]:
    """vis-network nodes and edges of the chart: boxes, invisible bends, one edge per segment."""
    vnodes = [_vis_node(r["id"], r, float(r["x"]), float(r["y"])) for r in nodes.to_dict("records")]
    vedges = []
    for k, r in enumerate(edges.to_dict("records")):
        pts = r["route"]
        tree_edge = r["kind"] == "reports_to"
        ends = (r["target"], r["source"]) if tree_edge else (r["source"], r["target"])
        chain = [str(ends[0])]
        for j, (x, y) in enumerate(pts[1:-1]):
            bid = f"{_BEND}{k}:{j}"
            vnodes.append(_bend(bid, float(x), float(y)))
            chain.append(bid)
        chain.append(str(ends[1]))
        for j in range(len(chain) - 1):
            last = j == len(chain) - 2
            vedges.append({"from": chain[j], "to": chain[j + 1], "title": r["tooltip"],
                           "width": _json_value(r["width"]), "color": {"color": r["color"], "inherit": False},
                           "dashes": _json_value(r["dashes"]) if r["dashes"] is not None else False,
                           "smooth": False, "kgEdge": k, "kgKind": r["kind"],
                           "arrows": {"to": {"enabled": bool(last and r["kind"] == "influence"),
                                             "scaleFactor": 0.6}}})
    return vnodes, vedges


_CHART_JS = """<script>
(function () {
  if (typeof network === 'undefined') { return; }
  var kgHidden = %(hidden)s;
  var kgMinScale = %(min_scale)s;
  var kgStart = %(start)s;
  var kgList = %(to_list)s, kgFold = %(to_fold)s;
  var open = {};
  network.on('click', function (p) {
    if (p.nodes.length !== 1) { return; }
    var id = p.nodes[0];
    var items = kgHidden[id];
    if (!items) { return; }
    var box = nodes.get(id);
    if (open[id]) {
      nodes.remove(items.map(function (n) { return n.id; }));
      nodes.update({id: id, label: box.label.replace(kgFold, kgList)});
      delete open[id];
    } else {
      nodes.add(items.filter(function (n) { return nodes.get(n.id) === null; }));
      nodes.update({id: id, label: box.label.replace(kgList, kgFold)});
      open[id] = true;
    }
  });
  var started = false;
  function start() {
    if (started) { return; }
    started = true;
    network.fit({animation: false});
    var s = network.getScale();
    if (s < kgMinScale && kgStart) {
      // too big to read whole: start readable, at the top of the chart around its root
      var h = network.body.container.clientHeight;
      network.moveTo({position: {x: kgStart.x, y: kgStart.y + (h / 2 - 30) / kgMinScale},
                      scale: kgMinScale, animation: false});
    } else {
      network.moveTo({scale: Math.max(s * 0.97, kgMinScale), animation: false});
    }
  }
  // after vis-network's own first fit (it may already have drawn when this runs)
  network.once('afterDrawing', function () { setTimeout(start, 0); });
  setTimeout(start, 150);
  window.kgStarted = function () { return started; };
})();
</script>"""


def _render(nodes: pd.DataFrame, edges: pd.DataFrame, physics: bool, height_px: int, legend: str,
            hidden: dict | None = None, fixed_height: bool = False, anchor: str | None = None) -> str:
    """Self-contained HTML of a vis-network drawing of ``nodes`` and ``edges``.

    With ``hidden`` (the account chart) nodes are boxes at their cells and edges follow
    their routes; otherwise (paths maps) nodes keep their shapes and edges are straight.
    """
    from pyvis.network import Network

    net = Network(height=f"{int(height_px)}px", width="100%", directed=True, cdn_resources="in_line",
                  bgcolor="#ffffff")
    chart = hidden is not None
    if chart:
        vnodes, vedges = _chart_data(nodes, edges)
        net.nodes, net.edges = vnodes, vedges
        net.node_ids = [n["id"] for n in vnodes]
    else:
        for r in nodes.itertuples(index=False):
            color = r.color if r.color != ATTITUDE_COLORS[None] else {"background": r.color, "border": BORDER_COLOR}
            net.add_node(str(r.id), label=r.label, title=r.tooltip, shape=r.shape, color=color,
                         size=_json_value(r.size), x=_json_value(r.x), y=_json_value(r.y),
                         borderWidth=2 if r.shape in ("star", "diamond") else 1,
                         font={"size": 16, "face": font_face(), "multi": False, "color": "#222222"})
        for r in edges.itertuples(index=False):
            arrows = {"to": {"enabled": r.kind in ("influence", "reports_to"), "scaleFactor": 0.6}}
            net.add_edge(str(r.source), str(r.target), title=r.tooltip, width=_json_value(r.width), color=r.color,
                         dashes=_json_value(r.dashes), arrows=arrows,
                         smooth={"enabled": r.kind == "influence", "type": "curvedCW", "roundness": 0.15})
    net.options = {
        "physics": {"enabled": bool(physics), "solver": "repulsion",
                    "repulsion": {"nodeDistance": 120, "centralGravity": 0.0, "springLength": 200,
                                  "springConstant": 0.0, "damping": 0.5},
                    "stabilization": {"enabled": True, "iterations": 120, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": chart, "keyboard": chart,
                        "hideEdgesOnDrag": not physics, "dragNodes": not chart},
        "layout": {"improvedLayout": False},
        "edges": {"selectionWidth": 2},
    }
    page = net.generate_html()
    page = _REMOTE_TAGS.sub("", page)
    page = _EMPTY_HEADINGS.sub("", page)
    if fixed_height:
        shape = f"height:{int(height_px)}px !important;"
    else:
        # the canvas takes the drawing's proportions (up to height_px), so a wide map is not
        # drawn tiny in the middle of a tall empty canvas
        if len(nodes):
            w = float(nodes["x"].max() - nodes["x"].min()) + 2 * 140.0
            h = float(nodes["y"].max() - nodes["y"].min()) + 2 * 80.0
        else:
            w, h = 4.0, 1.0
        shape = (f"height:auto !important;aspect-ratio:{w:.0f} / {h:.0f};max-height:{int(height_px)}px;"
                 f"min-height:{min(_MIN_HEIGHT_PX, int(height_px))}px;")
    style = ("<style>html,body{margin:0;overflow-x:hidden;font-family:" + font_face() + ";}"
             "#mynetwork{float:none !important;box-sizing:border-box;border:1px solid #e3e3e3 !important;"
             + shape + "}"
             ".card{border:none !important;margin:0 !important;}"
             "div.vis-tooltip{white-space:pre-wrap;max-width:420px;font-size:13px;"
             + ("font-family:" + font_face() + ";" if current_language() == "zh_CN" else "") + "}</style>")
    if chart:
        start = None
        if len(nodes):
            # the first view (when the whole chart is too big to read) centres on the top of the
            # largest tree
            at = nodes[nodes["id"] == anchor]
            first = at.iloc[0] if len(at) else nodes.sort_values(["row", "col"]).iloc[0]
            start = {"x": float(first["x"]), "y": float(nodes["y"].min() - BOX["h"] / 2)}
        script = _CHART_JS % {"hidden": _script_json(hidden), "min_scale": _MIN_SCALE,
                              "start": _script_json(start), "to_list": _script_json(_("(click to list)")),
                              "to_fold": _script_json(_("(click to fold)"))}
    else:
        script = ("<script>if (typeof network !== 'undefined') { network.once('afterDrawing', function () {"
                  " network.moveTo({scale: network.getScale() * 0.95}); }); }</script>")
    page = page.replace("</head>", style + "</head>", 1) if "</head>" in page else style + page
    end = page.rfind("</body>")
    return page[:end] + script + legend + page[end:] if end >= 0 else page + script + legend


def _legend(account_name: str) -> str:
    """The legend under an account map. Everything from the data is escaped."""
    def box(fill: str, border: str = BORDER_COLOR, width: int = 1, style: str = "solid") -> str:
        return (f'<span style="display:inline-block;width:16px;height:11px;border-radius:2px;'
                f'background:{fill};border:{width}px {style} {border};vertical-align:middle;margin-right:4px"></span>')

    def line(color: str, width: int, dash: str = "solid") -> str:
        return (f'<span style="display:inline-block;width:28px;border-top:{width}px {dash} {color};'
                f'vertical-align:middle;margin-right:4px"></span>')

    def item(symbol: str, text: str) -> str:
        return f'<span class="kg-item">{symbol}{html.escape(text)}</span>'

    def fill(template: str, **parts: str) -> str:
        """A translated sentence as HTML with HTML ``parts`` in its placeholders."""
        return html.escape(template).format(**parts)

    att = " ".join(item(box(ATTITUDE_COLORS[a]), term("attitude", a) if a else _("not assessed"))
                   for a in ATTITUDE_COLORS)
    roles = " ".join(item(f"<b>{s}</b> ", term("role", r)) for r, s in ROLE_SYMBOLS.items() if r is not None)
    # (no _() inside an f-string: the catalogue's extractor does not look there)
    uncovered = "<b>" + html.escape(_("✖ UNCOVERED")) + "</b>"
    cooling = "<b>" + html.escape(_("↘ COOLING")) + "</b>"
    uncovered_text = fill(_("{badge} decision-maker (thick red dashed border)"), badge=uncovered)
    cooling_text = fill(_("{badge} / DORMANT key relationship (thick orange border)"), badge=cooling)
    alarms = " ".join((
        f'<span class="kg-item">{box("#ffffff", UNCOVERED_COLOR, 3, "dashed")}{uncovered_text}</span>',
        f'<span class="kg-item">{box("#ffffff", COOLING_COLOR, 3)}{cooling_text}</span>',
        item("", _("✔ covered: best strength and who holds it"))))
    people = " ".join((
        item(box(OURS_COLOR), _("our people (top row)")),
        item(box(EXTERNAL_COLOR), _("connectors (under them)")),
        item(box(MORE_COLOR, "#8a8a8a", 2, "dashed"), _("+N people: a branch with nobody in focus (click to list, "
                                                         "again to fold)"))))
    edges = " ".join((
        item(line("#0b3c7d", 5), _("strong tie")),
        item(line("#c6d4e6", 2), _("weak tie")),
        item(line("#5a7db0", 2, "dotted"), _("declared, never interacted")),
        item(line(INFLUENCE_COLOR, 2, "dashed"), _("→ influences")),
        item(line(REPORTS_COLOR, 2), _("reporting line (manager above)"))))
    head = fill(_("{account} · org chart from reporting lines; drag to pan, scroll or +/− to zoom"),
                account=f"<b>{html.escape(account_name)}</b>")
    att_line = fill(_("Attitude (fill): {items}"), items=att)
    role_line = fill(_("Decision role: {items}"), items=roles)
    return (f'<div id="kg-legend" style="clear:both;font:12px {font_face()};color:#333;padding:6px 4px;'
            'line-height:1.9"><style>.kg-item{margin-right:12px;white-space:nowrap}</style>'
            f'<div>{head}</div><div>{alarms}</div><div>{att_line}</div><div>{role_line}</div>'
            f'<div>{people}</div><div>{edges}</div></div>')
