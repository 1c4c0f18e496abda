"""The naive baselines of the benchmark suite: the same answers, computed the obvious way.

- :func:`strength_index` + :func:`strength`: a relationship strength with a Python loop
  per pair (over the interactions both people attended, found by intersecting per-person
  sets, and over their declared ties). This is already kinder to the baseline than a scan
  of every interaction per pair. :func:`pair_facts` gives the other columns of a
  ``strengths`` row (evidence, declared, counts, first and last day) the same way.
- :func:`paths_graph` + :func:`top_paths`: access paths by enumerating every simple path of
  at most 2 edges from the target with ``networkx.all_simple_paths(G, target, ours,
  cutoff=2)`` and scoring each in Python.

Both implement kamgraph's definitions (DESIGN.md section 4) independently of
kamgraph.analysis, so equal answers are a real check.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from kamgraph.analysis.people import current_employment, current_memberships
from kamgraph.analysis.strength import pair_strengths
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

_EPOCH = pd.Timestamp("1970-01-01")


def _day(ts) -> int:
    return (pd.Timestamp(ts) - _EPOCH).days


@dataclass
class StrengthIndex:
    interactions_of: dict  # person id -> set of interaction ids
    interaction: dict  # interaction id -> (day, kind)
    ties: dict  # (a, b) with a < b -> list of (strength or None, assessed day or None)
    size: dict  # interaction id -> number of attendees


def strength_index(snap: Snapshot) -> StrengthIndex:
    """Per-person interaction sets and per-pair tie lists, built with plain Python loops.

    An interaction's size is the number of distinct people who attended it, or the count a
    scoped snapshot recorded for it (frame ``interaction_sizes``) when that is larger: a
    scoped snapshot drops the attendance rows it does not need, not the people who were there.
    """
    inter = {}
    for iid, date, kind in zip(snap.interactions["id"], snap.interactions["date"], snap.interactions["kind"]):
        if not pd.isna(date):
            inter[iid] = (_day(date), kind)
    of: dict = {}
    who: dict = {}
    for iid, pid in zip(snap.attendance["interaction_id"], snap.attendance["person_id"]):
        of.setdefault(pid, set()).add(iid)
        who.setdefault(iid, set()).add(pid)
    size = {iid: len(people) for iid, people in who.items()}
    recorded = snap.frames.get("interaction_sizes")
    if recorded is not None:
        for iid, n in zip(recorded["interaction_id"], recorded["size"]):
            size[iid] = max(size.get(iid, 0), int(n))
    ties: dict = {}
    t = snap.ties
    for p, o, s, d in zip(t["person_id"], t["other_id"], t["strength"], t["assessed_on"]):
        key = (p, o) if p < o else (o, p)
        ties.setdefault(key, []).append((None if pd.isna(s) else int(s), None if pd.isna(d) else _day(d)))
    return StrengthIndex(of, inter, ties, size)


def pair_facts(idx: StrengthIndex, a: str, b: str, as_of, settings: Settings) -> dict:
    """One pair at ``as_of`` (DESIGN.md section 4), one Python loop over what both attended.

    Per shared interaction on or before ``as_of`` with n attendees:
    ``w(kind) * (n - 1) ** -size_exponent * 2 ** (-(t - t_i) / H)``; declared: the largest
    ``(strength - 0.5) / 5 * 2 ** (-(t - assessed) / H_decl)`` of the ties known at ``t`` (undated:
    no decay); strength ``1 - (1 - declared) * scale / (scale + evidence)``. Returns
    ``strength, evidence, declared, n_interactions, n_one_to_one, contact_days, first_day,
    last_day`` (days since 1970-01-01, None without an interaction).
    """
    st = settings.strength
    t = _day(as_of)
    evidence = 0.0
    n = one = 0
    days = set()
    for iid in idx.interactions_of.get(a, set()) & idx.interactions_of.get(b, set()):
        if iid not in idx.interaction:
            continue
        day, kind = idx.interaction[iid]
        if day > t:
            continue
        size = idx.size[iid]
        share = max(size - 1, 1) ** -st.size_exponent
        evidence += st.interaction_weights.get(kind, 0.0) * share * 2.0 ** (-(t - day) / st.half_life_days)
        n += 1
        one += size == 2
        days.add(day)
    declared = 0.0
    for s, day in idx.ties.get((a, b) if a < b else (b, a), ()):
        level = (s - 0.5) / 5.0 if s else 0.0
        if day is None:
            declared = max(declared, level)
        elif day <= t:
            declared = max(declared, level * 2.0 ** (-(t - day) / st.declared_half_life_days))
    scale = st.evidence_scale
    return {"strength": 1.0 - (1.0 - declared) * scale / (scale + evidence), "evidence": evidence,
            "declared": declared, "n_interactions": n, "n_one_to_one": one, "contact_days": len(days),
            "first_day": min(days) if days else None, "last_day": max(days) if days else None}


def strength(idx: StrengthIndex, a: str, b: str, as_of, settings: Settings) -> float:
    """Strength of one pair at ``as_of`` (DESIGN.md section 4): :func:`pair_facts`' strength."""
    return pair_facts(idx, a, b, as_of, settings)["strength"]


@dataclass
class PathsGraph:
    graph: nx.Graph
    ours: set  # internal person ids
    employers: dict  # person id -> set of current employer ids


def paths_graph(snap: Snapshot, settings: Settings, as_of) -> PathsGraph:
    """People and organizations with strength / membership edges (from the pair strengths)."""
    t = pd.Timestamp(as_of)
    g = nx.Graph()
    s = pair_strengths(snap, settings, t)
    s = s[s["strength"] > 0]
    for a, b, w, kinds, n in zip(s["a"], s["b"], s["strength"], s["tie_kinds"], s["n_interactions"]):
        g.add_edge(a, b, strength=float(w), kinds=[k for k in str(kinds).split(",") if k], met=int(n) > 0)
    for pid, org in zip(*(current_memberships(snap, t)[c] for c in ("person_id", "org_id"))):
        g.add_edge(pid, ("org", org), membership=True)
    p = snap.people
    ours = set(p.loc[p["side"] == "internal", "id"])
    employers: dict = {}
    emp = current_employment(snap, t)
    for pid, org in zip(emp["person_id"], emp["org_id"]):
        employers.setdefault(pid, set()).add(org)
    return PathsGraph(g, ours, employers)


def top_paths(pg: PathsGraph, target: str, settings: Settings, k: int) -> list[float]:
    """Scores of the best ``k`` access paths to ``target``, best first (all_simple_paths, cutoff 2)."""
    if target not in pg.graph:
        return []
    f = dict(settings.paths.kind_factors)
    other, colleague, association = f.get("other", 0.0), f.get("colleague", 0.0), f.get("association", 0.0)
    g = pg.graph
    scores = []
    for path in nx.all_simple_paths(g, target, pg.ours, cutoff=2):
        u = path[-1]
        if u == target:
            continue
        if len(path) == 2:
            scores.append(g[target][u]["strength"])
            continue
        x = path[1]
        if isinstance(x, tuple):  # a shared organization
            scores.append(association)
            continue
        if x in pg.ours or "strength" not in g[x][u]:
            continue  # our own people are never intermediaries
        e = g[target][x]
        factor = max([f.get(kd, other) for kd in e["kinds"]] + ([other] if e["met"] else [])
                     + ([colleague] if pg.employers.get(x, set()) & pg.employers.get(target, set()) else []),
                     default=0.0)
        scores.append(g[x][u]["strength"] * e["strength"] * factor)
    return sorted(scores, reverse=True)[:k]


def same_scores(a: list[float], b: list[float], tol: float = 1e-9) -> bool:
    """Two best-first score lists are equal (same length, each within ``tol``)."""
    return len(a) == len(b) and bool(np.all(np.abs(np.asarray(a, float) - np.asarray(b, float)) <= tol))
