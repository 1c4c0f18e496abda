"""Indexes and networkx graphs of one snapshot, built once and shared by the analyses.

Every structure here is memoized on the snapshot with :meth:`Snapshot.cached`, keyed by
what it depends on (the analysis date, the relevant settings section), so the graph-building
loop exists once and a second analysis on the same snapshot pays nothing for it:

- :func:`people_index` -- one row per person with ``level`` filled from the title;
- :func:`current_employment`, :func:`current_memberships` -- rows in force at a date;
- :func:`pair_strengths` -- :func:`kamgraph.analysis.strength.strengths` at a date;
- :func:`person_labels` -- "Li Wei (our CEO)", "Chen Jie, CFO of Acme" for explanations;
- :func:`access_index` -- compressed adjacency (CSR arrays) of strengths, intermediary
  factors and memberships, the index behind single-intermediary access paths;
- :func:`relationship_graph` -- the networkx graph of people, strengths and memberships
  for maps (influence ranking builds its per-account links in
  :mod:`kamgraph.analysis.influence`).

Dates: employment is in force at ``t`` when ``since`` is empty or ``<= t`` and ``until``
is empty or ``>= t`` (``until`` is the last day); a membership when ``since`` is empty or
``<= t``; a declared tie when ``assessed_on`` is empty or ``<= t`` (the rule strength uses).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from kamgraph.analysis.strength import (PAIR_COLUMNS, pair_index, resolve_as_of, sorted_codes, sorted_lookup,
                                        strengths_with_pairs, to_day, unique_ints)
from kamgraph.model import Side
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot
from kamgraph.titles import LEVEL_NAMES, level_from_title

__all__ = [
    "AccessIndex",
    "access_index",
    "cache_key",
    "current_employment",
    "current_memberships",
    "gather",
    "org_names",
    "map_ids",
    "memo",
    "pair_strength_codes",
    "pair_strength_rows",
    "pair_strengths",
    "people_index",
    "person_labels",
    "relationship_graph",
]

#: the kind of an intermediary's link to the target when it is only interactions, no tie
INTERACTION_KIND = "other"
#: the kind of an intermediary who works where the target works (a coach inside)
COLLEAGUE_KIND = "colleague"
#: the kind of a shared organization membership
ASSOCIATION_KIND = "association"


def cache_key(*parts: Any) -> tuple:
    """A hashable cache key from dates, settings sections (dataclasses) and mappings."""
    def freeze(v: Any) -> Any:
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            return (type(v).__name__,) + tuple((f.name, freeze(getattr(v, f.name))) for f in dataclasses.fields(v))
        if isinstance(v, Mapping):
            return tuple(sorted((k, freeze(x)) for k, x in v.items()))
        if isinstance(v, (list, tuple)):
            return tuple(freeze(x) for x in v)
        return v

    return tuple(freeze(p) for p in parts)


# -- people, employment, memberships ---------------------------------------------------------

def people_index(snap: Snapshot) -> pd.DataFrame:
    """People indexed by id: ``name, side, title, level`` (level from the title when empty)."""
    def build() -> pd.DataFrame:
        p = snap.people[["id", "name", "side", "title", "level"]].drop_duplicates("id").set_index("id")
        missing = p["level"].isna() & p["title"].notna()
        if missing.any():
            derived = p.loc[missing, "title"].map(level_from_title)
            p.loc[missing, "level"] = pd.array(derived.tolist(), dtype="Int64")
        return p

    return snap.cached("people_index", build)


def current_employment(snap: Snapshot, as_of: pd.Timestamp) -> pd.DataFrame:
    """Employment rows in force on ``as_of`` (``since <= as_of <= until``, open ends allowed)."""
    t = pd.Timestamp(as_of)

    def build() -> pd.DataFrame:
        e = snap.employment
        ok = (e["since"].isna() | (e["since"] <= t)) & (e["until"].isna() | (e["until"] >= t))
        return e[ok].reset_index(drop=True)

    return snap.cached(("current_employment", t), build)


def current_memberships(snap: Snapshot, as_of: pd.Timestamp) -> pd.DataFrame:
    """Membership rows in force on ``as_of`` (``since`` empty or on/before it)."""
    t = pd.Timestamp(as_of)

    def build() -> pd.DataFrame:
        m = snap.memberships
        return m[m["since"].isna() | (m["since"] <= t)].reset_index(drop=True)

    return snap.cached(("current_memberships", t), build)


def org_names(snap: Snapshot) -> pd.Series:
    """Names of accounts and organizations by id (accounts win on a shared id)."""
    def build() -> pd.Series:
        parts = [snap.organizations[["id", "name"]], snap.accounts[["id", "name"]]]
        both = pd.concat(parts, ignore_index=True).drop_duplicates("id", keep="last")
        return both.set_index("id")["name"]

    return snap.cached("org_names", build)


def person_labels(snap: Snapshot, as_of: pd.Timestamp) -> pd.Series:
    """A short description of every person for one-line explanations, by id.

    Internal staff: ``"Li Wei (our CEO)"`` (title, else level name). Others:
    ``"Chen Jie, CFO of Acme"`` from their current job (an account before any other
    organization), falling back to the person's own title, or just the name.
    """
    t = pd.Timestamp(as_of)

    def build() -> pd.Series:
        p = people_index(snap)
        emp = current_employment(snap, t)
        names = org_names(snap)
        accounts = set(snap.accounts["id"])
        job = emp.assign(is_account=emp["org_id"].isin(accounts))
        job = job.sort_values(["person_id", "is_account", "org_id"], ascending=[True, False, True], kind="mergesort")
        job = job.drop_duplicates("person_id").set_index("person_id")
        org = job["org_id"].map(names).reindex(p.index)
        title = job["title"].reindex(p.index)
        title = title.where(title.notna(), p["title"])
        level_name = p["level"].map(lambda v: LEVEL_NAMES.get(int(v)) if pd.notna(v) else None)
        name = p["name"].where(p["name"].notna(), pd.Series(p.index, index=p.index)).astype(str)

        internal = p["side"] == Side.INTERNAL.value
        own = p["title"].where(p["title"].notna(), level_name)
        internal_label = np.where(own.notna(), name + " (our " + own.fillna("").astype(str) + ")", name + " (ours)")

        t_str = title.fillna("").astype(str)
        o_str = org.fillna("").astype(str)
        has_t, has_o = title.notna(), org.notna()
        other_label = np.select(
            [has_t & has_o, has_t, has_o],
            [name + ", " + t_str + " of " + o_str, name + ", " + t_str, name + " of " + o_str],
            default=name,
        )
        return pd.Series(np.where(internal, internal_label, other_label), index=p.index, dtype=object)

    return snap.cached(("person_labels", t), build)


def memo(snap: Snapshot, key: tuple, build: Callable[[], Any]) -> Any:
    """``snap.cached(key, build)`` handing out shallow copies of frames (pandas copy-on-write
    keeps the memoized frame intact whatever the caller does with its copy).

    Analyses of one snapshot share intermediate tables this way: an account page asks for
    coverage, gaps and the map, and each starts from the same contacts and strengths.
    """
    value = snap.cached(key, build)
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, tuple):
        return tuple(v.copy(deep=False) if isinstance(v, (pd.DataFrame, pd.Series)) else v for v in value)
    return value


def map_ids(ids, mapping: pd.Series) -> np.ndarray:
    """``ids.map(mapping)`` as an object array (None where absent), by one hash lookup per id.

    ``Series.map`` with a Series converts and aligns both sides; on millions of ids this is
    several times faster.

    >>> map_ids(pd.Series(["b", "x", "a"]), pd.Series({"a": 1, "b": 2})).tolist()
    [2, None, 1]
    """
    values = np.asarray(ids, dtype=object)
    index = mapping.index if mapping.index.dtype == object else pd.Index(mapping.index.to_numpy(dtype=object), dtype=object)
    at = index.get_indexer(pd.Index(values, dtype=object))
    table = np.append(mapping.to_numpy(dtype=object), None)  # -1 (absent) reads the None at the end
    return table[at]


# -- strengths -------------------------------------------------------------------------------

def pair_strengths(snap: Snapshot, settings: Settings, as_of=None) -> pd.DataFrame:
    """:func:`kamgraph.analysis.strength.strengths` at ``as_of``, memoized on the snapshot."""
    return _pair_strengths(snap, settings, as_of)[0]


def pair_strength_rows(snap: Snapshot, settings: Settings, as_of=None) -> np.ndarray:
    """For the rows of :func:`pair_strengths`: each pair's number in ``pair_index``
    (ascending, so a pair number's row is found by binary search)."""
    return _pair_strengths(snap, settings, as_of)[1]


def pair_strength_codes(snap: Snapshot, settings: Settings, as_of=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the rows of :func:`pair_strengths`: person codes of ``a`` and ``b`` and the
    sorted person ids they index (``a == people[codes_a]``), for joins without strings."""
    keep = pair_strength_rows(snap, settings, as_of)
    ix = pair_index(snap, settings)
    return ix.pa[keep], ix.pb[keep], ix.people


def _pair_strengths(snap: Snapshot, settings: Settings, as_of=None) -> tuple[pd.DataFrame, np.ndarray]:
    t = resolve_as_of(settings, as_of)

    def build() -> tuple[pd.DataFrame, np.ndarray]:
        ix = pair_index(snap, settings)
        if snap.ties.empty and not (ix.ev_day <= to_day([t])[0]).any():
            # nothing known about anyone yet (strengths() cannot merge two empty frames)
            empty = pd.DataFrame({c: pd.Series(dtype=float if c in ("strength", "evidence", "declared") else object)
                                  for c in PAIR_COLUMNS}).astype({"n_interactions": np.int64})
            return empty, np.zeros(0, dtype=np.int64)
        return strengths_with_pairs(snap, settings, as_of=t)

    return snap.cached(cache_key("pair_strengths", t, settings.strength), build)


def gather(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the CSR entries of ``rows``, and for each the index into ``rows``.

    >>> gather(np.array([0, 2, 2, 5]), np.array([2, 0]))
    (array([0, 0, 0, 1, 1]), array([2, 3, 4, 0, 1]))
    """
    rows = np.asarray(rows, dtype=np.int64)
    starts = indptr[rows]
    lens = indptr[rows + 1] - starts
    parent = np.repeat(np.arange(len(rows)), lens)
    total = int(lens.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    return parent, np.repeat(starts, lens) + offsets


def _csr(src: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Order (stable, by ``src``) and row pointer of a CSR structure over ``n`` rows."""
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return order, indptr


@dataclass(frozen=True)
class AccessIndex:
    """Adjacency for one-intermediary access paths at one date, as CSR arrays.

    People are coded ``0..n-1`` in sorted id order (so code order is id order) and
    organizations likewise in ``org_ids``.

    - ``nbr_*``: for each person, every other person with strength > 0 (both
      orientations of each pair): ``nbr_other``, ``nbr_strength``, and the intermediary
      factor of the pair's link (symmetric: the same read either way) ``nbr_factor``,
      its kind ``nbr_kind`` and ``nbr_note`` (the declared tie's notes, if any);
    - ``int_*``: for each person, their internal neighbors and strength (``int_other``,
      ``int_strength``): the first leg of a path;
    - ``mem_*``: person -> organizations they belong to; ``orgint_*``: organization ->
      its internal members.
    """

    as_of: pd.Timestamp
    person_ids: np.ndarray
    internal: np.ndarray
    nbr_indptr: np.ndarray
    nbr_other: np.ndarray
    nbr_strength: np.ndarray
    nbr_factor: np.ndarray
    nbr_kind: np.ndarray
    nbr_note: np.ndarray
    int_indptr: np.ndarray
    int_other: np.ndarray
    int_strength: np.ndarray
    org_ids: np.ndarray
    mem_indptr: np.ndarray
    mem_org: np.ndarray
    orgint_indptr: np.ndarray
    orgint_person: np.ndarray

    person_code: pd.Index  # person id -> code

    def codes(self, ids) -> np.ndarray:
        """Codes of person ids (-1 for ids not in the index)."""
        return self.person_code.get_indexer(pd.Index([str(i) for i in ids], dtype=object))


def access_index(snap: Snapshot, settings: Settings, as_of=None) -> AccessIndex:
    """The :class:`AccessIndex` of a snapshot at a date (built once, then memoized).

    The intermediary factor of a link x -> target is the best of: the factor of each
    declared tie kind between them (``settings.paths.kind_factors``), ``colleague`` when x
    works where the target works, and ``other`` when they are known only from
    interactions; on equal factors a declared kind wins, then ``colleague``.
    """
    t = resolve_as_of(settings, as_of)
    key = cache_key("access_index", t, settings.strength, settings.paths)
    return snap.cached(key, lambda: _build_access_index(snap, settings, t))


def _colleagues(ep: pd.DataFrame, src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """For each link src[i] -> dst[i]: do the two share an employer (``ep``: person code, org)?

    Each link is expanded over the employers of the end with fewer of them (one, for most
    customers; our staff have an account-team row per account), and each (other end,
    employer) looked up among the sorted employment keys: no join, no per-link Python.

    >>> ep = pd.DataFrame({"p": [0, 1, 2, 2], "org": ["A", "A", "A", "B"]})
    >>> _colleagues(ep, np.array([0, 0, 1, 3, 2]), np.array([1, 2, 3, 0, 0]), 4).tolist()
    [True, True, False, False, True]
    """
    colleague = np.zeros(len(src), dtype=bool)
    if ep.empty or not len(src):
        return colleague
    org = pd.factorize(ep["org"].to_numpy(dtype=object))[0].astype(np.int64)
    n_org = int(org.max()) + 1
    keys = unique_ints(ep["p"].to_numpy(dtype=np.int64) * n_org + org)
    p, o = keys // n_org, keys % n_org  # sorted by person
    count = np.bincount(p, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count, out=indptr[1:])
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    fewer_at_src = count[src] <= count[dst]
    side = np.where(fewer_at_src, src, dst)
    other = np.where(fewer_at_src, dst, src)
    parent, pos = gather(indptr, side)
    colleague[parent[sorted_lookup(keys, other[parent] * n_org + o[pos]) >= 0]] = True
    return colleague


def _build_access_index(snap: Snapshot, settings: Settings, t: pd.Timestamp) -> AccessIndex:
    factors = dict(settings.paths.kind_factors)
    pairs = pair_strengths(snap, settings, t)
    pa, pb, pair_people = pair_strength_codes(snap, settings, t)
    positive = (pairs["strength"] > 0).to_numpy()
    pairs, pa, pb = pairs[positive], pa[positive], pb[positive]
    mem = current_memberships(snap, t)
    people = people_index(snap)
    # the pairs' people plus everyone else known (sorted, so code order is id order)
    ids = np.unique(np.concatenate([
        np.asarray(pair_people, dtype=object),
        people.index.to_numpy(dtype=object), mem["person_id"].to_numpy(dtype=object),
    ]).astype(object)) if len(people) or len(pair_people) or len(mem) else np.array([], dtype=object)
    ids = np.asarray(ids, dtype=object)
    n = len(ids)
    code = pd.Index(ids, dtype=object)  # object dtype: lookups hash only the query
    internal_ids = pd.Index(people.index[people["side"] == Side.INTERNAL.value].to_numpy(dtype=object), dtype=object)
    internal = np.zeros(n, dtype=bool)
    internal[code.get_indexer(internal_ids)] = True

    # both orientations of every pair with strength (pair codes mapped into this index)
    remap = code.get_indexer(pd.Index(np.asarray(pair_people, dtype=object), dtype=object))
    a = remap[pa]
    b = remap[pb]
    # the link attributes are symmetric: work on the unordered pairs, then both orientations
    lo_, hi_ = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    src = np.concatenate([a, b]).astype(np.int64)
    dst = np.concatenate([b, a]).astype(np.int64)
    strength = np.tile(pairs["strength"].to_numpy(dtype=float), 2)
    interacted = pairs["n_interactions"].to_numpy() > 0

    def ids_of(col: pd.Series) -> pd.Index:
        return pd.Index(col.to_numpy(dtype=object), dtype=object)

    # best declared tie kind per unordered pair (ties in force at t)
    ties = snap.ties
    ties = ties[ties["assessed_on"].isna() | (ties["assessed_on"] <= t)]
    tx, ty = code.get_indexer(ids_of(ties["person_id"])), code.get_indexer(ids_of(ties["other_id"]))
    ok = (tx >= 0) & (ty >= 0)
    other_factor = factors.get(INTERACTION_KIND, 0.0)
    t_kind = ties["kind"].to_numpy(dtype=object)[ok]
    t_note = ties["notes"].to_numpy(dtype=object)[ok]
    t_factor = pd.Series(t_kind, dtype=object).map(factors).fillna(other_factor).to_numpy(dtype=float)
    t_lo, t_hi = np.minimum(tx[ok], ty[ok]).astype(np.int64), np.maximum(tx[ok], ty[ok]).astype(np.int64)
    t_kcode, kind_names = sorted_codes(t_kind) if len(t_kind) else (np.zeros(0, np.int64), np.array([], dtype=object))
    # per pair: highest factor, then the kind first in alphabetical order
    t_order = np.lexsort((t_kcode, -t_factor, t_hi, t_lo))
    t_lo, t_hi, t_factor, t_kcode, t_note = t_lo[t_order], t_hi[t_order], t_factor[t_order], t_kcode[t_order], t_note[t_order]
    first = np.r_[True, (t_lo[1:] != t_lo[:-1]) | (t_hi[1:] != t_hi[:-1])] if len(t_lo) else np.zeros(0, dtype=bool)
    t_lo, t_hi, t_factor, t_kcode, t_note = t_lo[first], t_hi[first], t_factor[first], t_kcode[first], t_note[first]
    # each pair's best tie: its (lo, hi) key among the ties' sorted keys
    tie_at = sorted_lookup(t_lo * max(n, 1) + t_hi, lo_ * max(n, 1) + hi_)
    has = tie_at >= 0
    at = np.maximum(tie_at, 0)  # read where has; any valid position elsewhere
    tie_factor = np.where(has, t_factor[at], np.nan) if len(t_lo) else np.full(len(lo_), np.nan)

    # colleagues: x and the target share a current employer
    emp = current_employment(snap, t)
    ep = pd.DataFrame({"p": code.get_indexer(ids_of(emp["person_id"])), "org": emp["org_id"].to_numpy(dtype=object)})
    ep = ep[ep["p"] >= 0].drop_duplicates()
    colleague = _colleagues(ep, lo_, hi_, n)

    cand = np.vstack([
        np.where(np.isnan(tie_factor), -np.inf, tie_factor),
        np.where(colleague, factors.get(COLLEAGUE_KIND, 0.0), -np.inf),
        np.where(interacted, other_factor, -np.inf),
    ])
    pick = np.argmax(cand, axis=0) if len(lo_) else np.zeros(0, dtype=np.int64)
    factor = cand[pick, np.arange(len(lo_))] if len(lo_) else np.zeros(0)
    factor = np.tile(np.where(np.isfinite(factor), factor, 0.0), 2)
    # kinds and notes as small codes into tables (object arrays only for the final index)
    kind_table = np.concatenate([np.asarray(kind_names, dtype=object),
                                 np.array([COLLEAGUE_KIND, INTERACTION_KIND], dtype=object)])
    nk = len(kind_names)
    kcode = np.where(pick == 0, t_kcode[at] if len(t_lo) else 0, np.where(pick == 1, nk, nk + 1))
    note_table = np.append(t_note, None)
    ncode = np.where(pick == 0, tie_at, -1)
    kcode, ncode = np.tile(kcode, 2), np.tile(ncode, 2)

    order, nbr_indptr = _csr(src, n)
    nbr_other, nbr_strength = dst[order], strength[order]
    nbr_factor, nbr_kind, nbr_note = factor[order], kind_table[kcode[order]], note_table[ncode[order]]

    # first legs: each person's internal neighbors
    to_int = internal[dst]
    isrc, idst, istr = src[to_int], dst[to_int], strength[to_int]
    iorder, int_indptr = _csr(isrc, n)

    # memberships: person -> orgs, org -> internal members
    org_ids = np.unique(mem["org_id"].to_numpy(dtype=object).astype(str)) if len(mem) else np.array([], dtype=str)
    ocode = pd.Index(org_ids)
    mp = code.get_indexer(ids_of(mem["person_id"]))
    mo = ocode.get_indexer(mem["org_id"].to_numpy(dtype=object).astype(str))
    pair = pd.DataFrame({"p": mp, "o": mo}).drop_duplicates()
    mp, mo = pair["p"].to_numpy(np.int64), pair["o"].to_numpy(np.int64)
    morder, mem_indptr = _csr(mp, n)
    keep = internal[mp] if len(mp) else np.zeros(0, dtype=bool)
    oorder, orgint_indptr = _csr(mo[keep], len(org_ids))

    return AccessIndex(
        as_of=t, person_ids=ids, internal=internal,
        nbr_indptr=nbr_indptr, nbr_other=nbr_other, nbr_strength=nbr_strength,
        nbr_factor=nbr_factor, nbr_kind=nbr_kind, nbr_note=nbr_note,
        int_indptr=int_indptr, int_other=idst[iorder], int_strength=istr[iorder],
        org_ids=org_ids, mem_indptr=mem_indptr, mem_org=mo[morder],
        orgint_indptr=orgint_indptr, orgint_person=mp[keep][oorder], person_code=code,
    )


# -- networkx graphs -------------------------------------------------------------------------

def relationship_graph(snap: Snapshot, settings: Settings, as_of=None) -> nx.Graph:
    """People and organizations: person--person edges with ``strength`` (> 0) and
    ``kinds`` (declared tie kinds), person--organization edges with ``membership=True``.

    Nodes carry ``kind`` (``"person"`` or ``"organization"``), ``name``, ``side`` and
    ``level``. Used for maps and as the reference graph the access-path index is
    checked against.
    """
    t = resolve_as_of(settings, as_of)
    key = cache_key("relationship_graph", t, settings.strength)

    def build() -> nx.Graph:
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

    return snap.cached(key, build)
