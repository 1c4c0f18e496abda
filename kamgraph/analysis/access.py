"""The access index: who can reach whom through at most one intermediary, at one date.

:func:`access_index` builds, once per snapshot, date and settings, compressed adjacency
(CSR arrays) of strengths, intermediary factors and memberships: the index behind the
single-intermediary access paths of :mod:`kamgraph.analysis.paths`.

Dates: employment and memberships in force at ``t`` (:mod:`kamgraph.analysis.people`); a
declared tie when ``assessed_on`` is empty or ``<= t`` (the rule strength uses).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamgraph.analysis.arrays import (
    csr,
    gather,
    sorted_codes,
    sorted_lookup,
    unique_ints,
)
from kamgraph.analysis.codes import id_codes, sorted_ids
from kamgraph.analysis.derived import derived
from kamgraph.analysis.people import (
    current_employment,
    current_memberships,
    people_index,
)
from kamgraph.analysis.strength import pair_strength_codes, pair_strengths
from kamgraph.model import Side
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = ["ASSOCIATION_KIND", "AccessIndex", "COLLEAGUE_KIND", "INTERACTION_KIND", "access_index"]

#: the kind of an intermediary's link to the target when it is only interactions, no tie
INTERACTION_KIND = "other"
#: the kind of an intermediary who works where the target works (a coach inside)
COLLEAGUE_KIND = "colleague"
#: the kind of a shared organization membership
ASSOCIATION_KIND = "association"


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


@derived("strength", "paths", dated=True)
def access_index(snap: Snapshot, settings: Settings, as_of=None) -> AccessIndex:
    """The :class:`AccessIndex` of a snapshot at a date (built once, then memoized).

    The intermediary factor of a link x -> target is the best of: the factor of each
    declared tie kind between them (``settings.paths.kind_factors``), ``colleague`` when x
    works where the target works, and ``other`` when they are known only from
    interactions; on equal factors a declared kind wins, then ``colleague``.
    """
    return _build_access_index(snap, settings, as_of)


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
    # the pairs' people plus everyone else known (sorted, so code order is id order); the
    # strengths of a store's snapshot are already coded in its sorted people, who include
    # every member: then those codes are this index's codes (no id is sorted or hashed)
    coded = pair_people is sorted_ids(snap, "people") and id_codes(snap, "memberships", "person_id") is not None
    if coded:
        ids = np.asarray(pair_people, dtype=object)
    else:
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
    if coded:
        a, b = np.asarray(pa, dtype=np.int64), np.asarray(pb, dtype=np.int64)
    else:
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
    in_force = (ties["assessed_on"].isna() | (ties["assessed_on"] <= t)).to_numpy()
    tie_x, tie_y = id_codes(snap, "ties", "person_id"), id_codes(snap, "ties", "other_id")
    ties = ties[in_force]
    if coded and tie_x is not None and tie_y is not None:
        tx, ty = tie_x[in_force], tie_y[in_force]
    else:
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

    order, nbr_indptr = csr(src, n)
    nbr_other, nbr_strength = dst[order], strength[order]
    nbr_factor, nbr_kind, nbr_note = factor[order], kind_table[kcode[order]], note_table[ncode[order]]

    # first legs: each person's internal neighbors
    to_int = internal[dst]
    isrc, idst, istr = src[to_int], dst[to_int], strength[to_int]
    iorder, int_indptr = csr(isrc, n)

    # memberships: person -> orgs, org -> internal members
    org_ids = np.unique(mem["org_id"].to_numpy(dtype=object).astype(str)) if len(mem) else np.array([], dtype=str)
    ocode = pd.Index(org_ids)
    mp = code.get_indexer(ids_of(mem["person_id"]))
    mo = ocode.get_indexer(mem["org_id"].to_numpy(dtype=object).astype(str))
    pair = pd.DataFrame({"p": mp, "o": mo}).drop_duplicates()
    mp, mo = pair["p"].to_numpy(np.int64), pair["o"].to_numpy(np.int64)
    morder, mem_indptr = csr(mp, n)
    keep = internal[mp] if len(mp) else np.zeros(0, dtype=bool)
    oorder, orgint_indptr = csr(mo[keep], len(org_ids))

    return AccessIndex(
        as_of=t, person_ids=ids, internal=internal,
        nbr_indptr=nbr_indptr, nbr_other=nbr_other, nbr_strength=nbr_strength,
        nbr_factor=nbr_factor, nbr_kind=nbr_kind, nbr_note=nbr_note,
        int_indptr=int_indptr, int_other=idst[iorder], int_strength=istr[iorder],
        org_ids=org_ids, mem_indptr=mem_indptr, mem_org=mo[morder],
        orgint_indptr=orgint_indptr, orgint_person=mp[keep][oorder], person_code=code,
    )
