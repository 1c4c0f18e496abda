"""Test oracles: the obvious, slow constructions the vectorized analyses are checked against.

- :func:`relationship_graph`: the networkx graph of people, strengths and memberships; the
  access index (:mod:`kamgraph.analysis.access`) must agree with paths enumerated on it.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.people import current_memberships, org_names, people_index
from kamgraph.analysis.strength import pair_strengths
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot


def relationship_graph(snap: Snapshot, settings: Settings, as_of=None) -> nx.Graph:
    """People and organizations: person--person edges with ``strength`` (> 0) and
    ``kinds`` (declared tie kinds), person--organization edges with ``membership=True``.

    Nodes carry ``kind`` (``"person"`` or ``"organization"``), ``name``, ``side`` and
    ``level``. Used for maps and as the reference graph the access-path index is
    checked against.
    """
    t = resolve_as_of(settings, as_of)
    g = nx.Graph()
    p = people_index(snap)
    g.add_nodes_from((pid, {"kind": "person", "name": r.name, "side": r.side,
                            "level": None if pd.isna(r.level) else int(r.level)})
                     for pid, r in zip(p.index, p.itertuples(index=False)))
    s = pair_strengths(snap, settings, t)
    s = s[s["strength"] > 0]
    g.add_edges_from((a, b, {"strength": float(w), "kinds": k})
                     for a, b, w, k in zip(s["a"], s["b"], s["strength"], s["tie_kinds"]))
    m = current_memberships(snap, t)
    names = org_names(snap)
    for org in m["org_id"].unique():
        g.add_node(("org", org), kind="organization", id=org, name=names.get(org, org))
    g.add_edges_from((pid, ("org", org), {"membership": True}) for pid, org in zip(m["person_id"], m["org_id"]))
    return g
