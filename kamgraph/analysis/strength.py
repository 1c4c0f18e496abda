"""Relationship strength between two people at a date, for all pairs at once.

The definition (docs/architecture.md, "Strength")::

    evidence(t) = sum over interactions i both attended with t_i <= t of
                  w(kind_i) * (n_i - 1) ** -size_exponent * 2 ** (-(t - t_i) / H)
    declared(t) = (strength - 0.5) / 5 * 2 ** (-(t - assessed_on) / H_decl)
    strength(t) = 1 - (1 - declared(t)) * scale / (scale + evidence(t))

with ``n_i`` the number of attendees of interaction ``i``, ``H = 90`` days,
``H_decl = 365`` days and ``scale = 2`` (``settings.strength``). A declared strength ``k``
on the 1..5 scale stands for the fifth ``[(k-1)/5, k/5]`` of the range and counts as its
middle, ``(k - 0.5) / 5`` (0.1, 0.3, 0.5, 0.7, 0.9): a judgement, however strong, is not
certainty, so no declaration makes a strength 1. The size discount
(Newman's collaboration weighting, ``1 / (n - 1)`` by default) gives a one-to-one meeting
its whole weight and each pair of a 40-person event or a mass e-mail a small share: on
real e-mail logs, without it strength ranked pairs worse than a raw message count did.
``strength`` is strictly increasing in both evidence and declared strength and stays below
1 (``scale / (scale + evidence)`` does not round to 0 the way ``exp(-evidence)`` does), so
different evidence gives different strengths.

An interaction on the as-of date counts (the date is inclusive). A declared tie without
``assessed_on`` does not decay; a tie assessed after ``t`` is ignored at ``t``. When two
people have several ties (friend and former colleague), the strongest declared value at
``t`` counts. Pairs are unordered and reported with ``a < b``.

Everything is vectorized over the attendance table in integer person codes: the pairs
within each interaction become day-sorted pair events once per snapshot (the
:class:`PairIndex`, cached on it), then each date is a ``bincount`` over a prefix of them.
Pairs that never interacted and have no tie are absent, which is not the same as strength
0: a pair present with ``n_interactions == 0`` is known only by declaration.

>>> from kamgraph.settings import Settings
>>> round(strength_value(evidence=2.0, declared=0.0, settings=Settings()), 6)
0.5
>>> size_share(np.array([2, 3, 41]), 1.0).tolist()
[1.0, 0.5, 0.025]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from kamgraph.analysis.arrays import (
    object_series,
    small_ints_unique,
    sorted_codes,
    sorted_lookup,
    stable_order,
    unique_ints,
    within_groups,
)
from kamgraph.analysis.codes import id_codes, sorted_ids
from kamgraph.analysis.dates import resolve_as_of, to_day
from kamgraph.analysis.derived import derived
from kamgraph.i18n import _, ngettext
from kamgraph.i18n.terms import term
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

PAIR_COLUMNS = ["a", "b", "strength", "evidence", "declared", "n_interactions", "n_one_to_one",
                "contact_days", "first_interaction", "last_interaction", "tie_kinds"]


def combine(evidence, declared, settings: Settings):
    """Strength from evidence and declared strength (arrays or scalars): the one formula.

    >>> combine(np.array([0.0, 2.0, 1e9]), 0.0, Settings()).round(6).tolist()
    [0.0, 0.5, 1.0]
    >>> bool(combine(1e9, 0.0, Settings()) < 1.0)
    True
    """
    scale = settings.strength.evidence_scale
    if isinstance(evidence, np.ndarray) and evidence.dtype == np.float64 and evidence.size:
        # the same operations in the same order, in place (a trend matrix has 18M values)
        num = np.subtract(1.0, declared, dtype=np.float64)
        if num.shape == evidence.shape:
            num *= scale
            den = np.add(scale, evidence)
            np.divide(num, den, out=num)
            return np.subtract(1.0, num, out=num)
    return 1.0 - (1.0 - declared) * scale / (scale + evidence)


def decay_at(t, day: np.ndarray, half_life: float) -> np.ndarray:
    """``2 ** (-(t - day) / half_life)`` for integer day numbers: computed once per distinct
    day (a table over the days' span) and read per event, the same values bit for bit.

    >>> decay_at(10, np.array([10, 1, 10] * 400), 9.0)[:3].tolist()
    [1.0, 0.5, 1.0]
    """
    day = np.asarray(day)
    if len(day) > 1024 and day.dtype.kind in "iu":
        lo, hi = int(day.min()), int(day.max())
        if hi - lo < 1 << 16:
            table = np.exp2(-(t - np.arange(lo, hi + 1, dtype=day.dtype)) / half_life)
            return table[day - lo]
    return np.exp2(-(t - day) / half_life)


def strength_value(evidence: float, declared: float, settings: Settings) -> float:
    """The combining formula for one pair (scalar; for docs and tests)."""
    return float(combine(float(evidence), float(declared), settings))


def size_share(n, exponent: float) -> np.ndarray:
    """The share of one interaction that each pair of its ``n`` attendees gets: ``(n - 1) ** -exponent``."""
    n = np.asarray(n, dtype=float)
    return np.power(np.maximum(n - 1.0, 1.0), -exponent)


@dataclass(frozen=True)
class _Events:
    """Pair events in person codes (``people`` sorted; ``a < b``), sorted by day."""

    people: np.ndarray
    a: np.ndarray
    b: np.ndarray
    day: np.ndarray
    weight: np.ndarray  # w(kind) * size share
    size: np.ndarray  # attendees of the interaction
    tie_a: np.ndarray  # declared ties' person codes (a < b), in snap.ties order
    tie_b: np.ndarray


@derived("strength")
def _events(snap: Snapshot, settings: Settings) -> _Events:
    """The pair events of a snapshot in person codes, sorted by day."""
    coded = _coded_inputs(snap)
    if coded is None:  # ids out of order or dangling: number them by hashing the strings
        return _events_from_ids(snap, settings)
    people, codes_att, ta, tb, ic = coded
    na = len(codes_att)
    # interactions numbered in order of first appearance in the attendance (as pd.factorize
    # numbers their ids), by their integer codes: no string is hashed
    if na and bool(np.all(ic[1:] >= ic[:-1])):
        first = np.r_[True, ic[1:] != ic[:-1]]
        icode, inter_pos = np.cumsum(first) - 1, ic[first]
    else:
        icode, inter_pos = pd.factorize(ic)
    inter = snap.interactions
    meta = pd.DataFrame({"date": inter["date"].to_numpy()[inter_pos],
                         "kind": object_series(inter["kind"].to_numpy(dtype=object)[inter_pos])}, copy=False)
    recorded = _recorded_sizes_coded(snap, inter_pos)
    return _pair_events(settings, people, codes_att, np.minimum(ta, tb), np.maximum(ta, tb),
                        np.asarray(icode, dtype=np.int64), len(inter_pos), meta, recorded)


def _coded_inputs(snap: Snapshot):
    """``(people, attendance person codes, ties' two ends' codes, attendance interaction
    codes)`` from :meth:`Snapshot.codes`, or None when they cannot stand in for the ids."""
    people = sorted_ids(snap, "people")
    if people is None or sorted_ids(snap, "interactions") is None:
        return None
    parts = (id_codes(snap, "attendance", "person_id"), id_codes(snap, "ties", "person_id"),
             id_codes(snap, "ties", "other_id"), id_codes(snap, "attendance", "interaction_id", "interactions"))
    if any(p is None for p in parts):
        return None
    return (people, *parts)


def _events_from_ids(snap: Snapshot, settings: Settings) -> _Events:
    """:func:`_events` by hashing the id strings (frames whose ids the codes cannot stand in for)."""
    att, ties, inter = snap.attendance, snap.ties, snap.interactions
    na = len(att)
    codes, people = sorted_codes(np.concatenate([
        att["person_id"].to_numpy(dtype=object), ties["person_id"].to_numpy(dtype=object),
        ties["other_id"].to_numpy(dtype=object)]))
    nt = len(ties)
    ta, tb = codes[na:na + nt], codes[na + nt:]
    icode, inter_ids = pd.factorize(att["interaction_id"].to_numpy(dtype=object))
    meta = inter[["id", "date", "kind"]].drop_duplicates("id").set_index("id").reindex(
        pd.Index(np.asarray(inter_ids, dtype=object), dtype=object))
    return _pair_events(settings, people, codes[:na], np.minimum(ta, tb), np.maximum(ta, tb),
                        np.asarray(icode, dtype=np.int64), len(inter_ids), meta, _recorded_sizes(snap, inter_ids))


def _pair_events(settings: Settings, people: np.ndarray, pcode: np.ndarray, tie_a: np.ndarray, tie_b: np.ndarray,
                 icode: np.ndarray, n_inter: int, meta: pd.DataFrame, recorded: np.ndarray) -> _Events:
    """The events from attendance in codes: person ``pcode[r]`` attended interaction
    ``icode[r]`` (numbered 0..n_inter-1; ``meta`` its date and kind, ``recorded`` its
    recorded attendee count)."""
    weights = dict(settings.strength.interaction_weights)
    P = max(len(people), 1)
    # one row per (interaction, person), sorted by interaction then person (a store's
    # attendance comes in that order: then only repeated rows are dropped, without a sort)
    rows = icode * P + pcode
    if len(rows) and bool(np.all(rows[1:] >= rows[:-1])):
        rows = rows[np.r_[True, rows[1:] != rows[:-1]]]
    else:
        rows = unique_ints(rows)
    i, p = rows // P, rows % P
    size = np.maximum(np.bincount(i, minlength=n_inter), recorded)
    left, right = within_groups(i)
    day = to_day(meta["date"].fillna(pd.Timestamp(0))) if len(meta) else np.zeros(0, dtype=np.int64)
    w = meta["kind"].map(weights).fillna(0.0).to_numpy(dtype=float) * size_share(size, settings.strength.size_exponent)
    valid = meta["date"].notna().to_numpy()
    ei = i[left]
    if not valid.all():
        keep = valid[ei]
        ei, left, right = ei[keep], left[keep], right[keep]
    eday = day[ei]
    order = stable_order(eday)
    ei = ei[order]  # each array gathered once, in its final order
    return _Events(people=people, a=p[left[order]], b=p[right[order]], day=eday[order], weight=w[ei],
                   size=size[ei], tie_a=tie_a, tie_b=tie_b)


def _recorded_sizes_coded(snap: Snapshot, inter_pos: np.ndarray) -> np.ndarray:
    """:func:`_recorded_sizes` for interactions given by their codes."""
    sizes = snap.frames.get("interaction_sizes")
    if sizes is None or not len(sizes):
        return np.zeros(len(inter_pos), dtype=np.int64)
    at = snap.codes("interaction_sizes", "interaction_id", "interactions")
    table = np.zeros(len(snap.interactions), dtype=np.int64)
    ok = at >= 0
    table[at[ok]] = sizes["size"].to_numpy(dtype=np.int64)[ok]
    return table[inter_pos]


def _recorded_sizes(snap: Snapshot, inter_ids) -> np.ndarray:
    """Attendee counts a scoped snapshot recorded for interactions whose attendance it trimmed
    (:func:`kamgraph.snapshot.build_snapshot`), 0 where it kept the whole attendance."""
    sizes = snap.frames.get("interaction_sizes")
    if sizes is None or not len(sizes):
        return np.zeros(len(inter_ids), dtype=np.int64)
    s = pd.Series(sizes["size"].to_numpy(dtype=np.int64), index=pd.Index(sizes["interaction_id"].to_numpy(dtype=object)))
    return s.reindex(pd.Index(np.asarray(inter_ids, dtype=object), dtype=object)).fillna(0).to_numpy(dtype=np.int64)


@derived()
def declared_ties(snap: Snapshot) -> pd.DataFrame:
    """Ties as unordered pairs: ``a, b, kind, level ((strength - 0.5) / 5; 0 without a
    strength), day (assessed, or NaN)``."""
    t = snap.ties
    a = np.where(t["person_id"] < t["other_id"], t["person_id"], t["other_id"])
    b = np.where(t["person_id"] < t["other_id"], t["other_id"], t["person_id"])
    level, day = _tie_level_day(t)
    return pd.DataFrame({"a": object_series(a), "b": object_series(b), "kind": object_series(t["kind"].to_numpy(dtype=object)),
                         "level": level, "day": day})


def _tie_level_day(t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each tie's declared level ((strength - 0.5) / 5; 0 without a strength) and assessed
    day (NaN when undated)."""
    level = ((t["strength"].astype("float64") - 0.5) / 5.0).fillna(0.0).to_numpy()
    assessed = pd.to_datetime(t["assessed_on"])
    day = np.where(assessed.isna(), np.nan, to_day(assessed.fillna(pd.Timestamp(0))).astype(float))
    return level, day


@dataclass(frozen=True)
class PairIndex:
    """Every pair that ever interacted or has a tie, numbered once per snapshot.

    Pairs are numbered in (a, b) order; ``people`` are the sorted person ids and
    ``pa``/``pb`` each pair's codes in it (``a = people[pa]``). Events are sorted by day,
    so the events on or before any date are a prefix; sums per pair are ``np.bincount``
    over pair numbers. Built once per snapshot and weight table.
    """

    people: np.ndarray
    pa: np.ndarray
    pb: np.ndarray
    ev_pair: np.ndarray  # per event, sorted by day
    ev_day: np.ndarray
    ev_weight: np.ndarray  # w(kind) * size share
    ev_one: np.ndarray  # the interaction was one-to-one (2 attendees)
    ev_new_day: np.ndarray  # the pair's first event on its day (counts distinct contact days)
    first_day: np.ndarray  # per pair: day of its first interaction (valid where it has one)
    tie_pair: np.ndarray
    tie_level: np.ndarray  # (declared strength - 0.5) / 5
    tie_day: np.ndarray  # assessed day, NaN when undated
    tie_bit: np.ndarray  # 1 << kind number
    kinds: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.pa)

    def find(self, x, y) -> np.ndarray:
        """Pair numbers of person pairs (either order), -1 where the pair is unknown."""
        return self.find_codes(self.codes(x), self.codes(y))

    def codes(self, ids) -> np.ndarray:
        """Positions of person ids in :attr:`people`, -1 where absent."""
        code = pd.Index(self.people, dtype=object)
        return code.get_indexer(pd.Index(np.asarray(ids, dtype=object), dtype=object)).astype(np.int64)

    def find_codes(self, cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
        """:meth:`find` for person codes (positions in :attr:`people`; -1: unknown person)."""
        cx, cy = np.asarray(cx, dtype=np.int64), np.asarray(cy, dtype=np.int64)
        P = max(len(self.people), 1)
        key = np.minimum(cx, cy) * P + np.maximum(cx, cy)
        found = sorted_lookup(self.pa.astype(np.int64) * P + self.pb, key)
        return np.where((cx >= 0) & (cy >= 0), found, -1)


@derived("strength")
def pair_index(snap: Snapshot, settings: Settings) -> PairIndex:
    """The :class:`PairIndex` of a snapshot (built once per snapshot and strength settings)."""
    ev = _events(snap, settings)
    ties = snap.ties  # their ends are already coded in the events (tie_a, tie_b)
    tie_level, tie_day = _tie_level_day(ties)
    P = max(len(ev.people), 1)
    key = np.concatenate([ev.a.astype(np.int64) * P + ev.b, ev.tie_a.astype(np.int64) * P + ev.tie_b])
    ne = len(ev.a)
    # one stable sort numbers the pairs and orders the events by pair (pair numbers follow
    # the keys, so the events' part of the order is a stable sort by pair: within a pair,
    # still in day order)
    order = np.argsort(key, kind="stable")
    sk = key[order]
    first = np.r_[True, sk[1:] != sk[:-1]] if len(sk) else np.zeros(0, dtype=bool)
    uniq = sk[first]
    pair = np.empty(len(key), dtype=np.int64)
    pair[order] = np.cumsum(first) - 1
    ev_pair = pair[:ne]
    by_pair = order[order < ne]
    sp, sd = ev_pair[by_pair], ev.day[by_pair]
    # events are sorted by day: the first of each (pair, day) in that order marks a new contact
    # day, and the first of each pair its first day
    starts = np.r_[True, sp[1:] != sp[:-1]] if ne else np.zeros(0, dtype=bool)
    first_day = np.full(len(uniq), np.iinfo(np.int64).max, dtype=np.int64)
    first_day[sp[starts]] = sd[starts]
    new_day = np.zeros(ne, dtype=bool)
    new_day[by_pair] = starts | np.r_[True, sd[1:] != sd[:-1]] if ne else np.zeros(0, dtype=bool)
    # tie kinds numbered in name order, each name hashed once
    kind_code, kind_names = pd.factorize(ties["kind"].to_numpy(dtype=object))
    kinds = tuple(sorted(kind_names))
    rank = np.append(pd.Index(list(kinds), dtype=object).get_indexer(np.asarray(kind_names, dtype=object)), -1)
    kind_no = rank[kind_code]  # -1 (no kind) reads the -1 at the end
    bits = np.where(kind_no >= 0, np.left_shift(1, np.maximum(kind_no, 0)), 0).astype(np.int64)
    return PairIndex(
        people=ev.people, pa=uniq // P, pb=uniq % P,
        ev_pair=ev_pair, ev_day=ev.day, ev_weight=ev.weight, ev_one=ev.size == 2, ev_new_day=new_day,
        first_day=first_day,
        tie_pair=pair[ne:], tie_level=np.asarray(tie_level, dtype=float),
        tie_day=np.asarray(tie_day, dtype=float), tie_bit=bits, kinds=kinds,
    )


def strengths(snap: Snapshot, settings: Settings, as_of=None) -> pd.DataFrame:
    """Strength of every pair that interacted on or before ``as_of`` or has a declared tie.

    Columns: ``a, b, strength, evidence, declared, n_interactions, n_one_to_one`` (of them,
    interactions with two attendees), ``contact_days`` (distinct days with an interaction),
    ``first_interaction, last_interaction, tie_kinds`` (kinds of the ties known at
    ``as_of``, sorted, joined with ``,``), sorted by ``a, b``. ``as_of`` defaults to the
    settings' analysis date. :func:`explain` turns rows into one-line explanations.
    """
    return strengths_with_pairs(snap, settings, as_of)[0]


def strengths_with_pairs(snap: Snapshot, settings: Settings, as_of=None) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`strengths` and, per row, the pair's number in :func:`pair_index`."""
    t = int(to_day([resolve_as_of(settings, as_of)])[0])
    st = settings.strength
    ix = pair_index(snap, settings)
    P = ix.size
    k = int(np.searchsorted(ix.ev_day, t, side="right"))  # events on or before t: a prefix
    pid, day = ix.ev_pair[:k], ix.ev_day[:k]
    contrib = ix.ev_weight[:k] * decay_at(t, day, st.half_life_days)
    evidence = np.bincount(pid, weights=contrib, minlength=P)
    n_int = np.bincount(pid, minlength=P)
    n_one = np.bincount(pid, weights=ix.ev_one[:k], minlength=P).astype(np.int64)
    n_days = np.bincount(pid, weights=ix.ev_new_day[:k], minlength=P).astype(np.int64)
    last = np.full(P, -1, dtype=np.int64)
    np.maximum.at(last, pid, day)

    tday = ix.tie_day
    active = np.isnan(tday) | (tday <= t)
    decay = np.where(np.isnan(tday), 1.0, np.exp2(-(t - np.nan_to_num(tday)) / st.declared_half_life_days))
    declared = np.zeros(P)
    np.maximum.at(declared, ix.tie_pair[active], (ix.tie_level * decay)[active])
    kind_bits = np.zeros(P, dtype=np.int64)
    np.bitwise_or.at(kind_bits, ix.tie_pair[active], ix.tie_bit[active])
    has_tie = np.zeros(P, dtype=bool)
    has_tie[ix.tie_pair[active]] = True

    keep = np.flatnonzero((n_int > 0) | has_tie)
    masks, inverse = small_ints_unique(kind_bits[keep], return_inverse=True)
    names = np.array([",".join(kd for i, kd in enumerate(ix.kinds) if m >> i & 1) for m in masks], dtype=object)
    had = n_int[keep] > 0
    out = pd.DataFrame({
        "a": object_series(ix.people[ix.pa[keep]]),
        "b": object_series(ix.people[ix.pb[keep]]),
        "strength": combine(evidence[keep], declared[keep], settings),
        "evidence": evidence[keep],
        "declared": declared[keep],
        "n_interactions": n_int[keep].astype(np.int64),
        "n_one_to_one": n_one[keep],
        "contact_days": n_days[keep],
        "first_interaction": _day_stamps(ix.first_day[keep], had),
        "last_interaction": _day_stamps(last[keep], had),
        "tie_kinds": object_series(names[inverse.reshape(-1)] if len(keep) else np.array([], dtype=object)),
    }, copy=False)  # fresh columns: no copy into consolidated blocks (6M rows at scale L)
    return out[PAIR_COLUMNS], keep


def _day_stamps(days: np.ndarray, ok: np.ndarray) -> pd.Series:
    """Integer day numbers as a ``datetime64[ns]`` Series, NaT where not ``ok``
    (:func:`~kamgraph.analysis.dates.days_to_ts` without the round trip through floats).

    >>> _day_stamps(np.array([1, 5]), np.array([True, False])).tolist()
    [Timestamp('1970-01-02 00:00:00'), NaT]
    """
    ns = np.where(ok, np.where(ok, days, 0).astype(np.int64) * 86_400_000_000_000, np.iinfo(np.int64).min)
    return pd.Series(ns.view("datetime64[ns]"))


@derived("strength", dated=True)
def _pair_strengths(snap: Snapshot, settings: Settings, as_of=None) -> tuple[pd.DataFrame, np.ndarray]:
    ix = pair_index(snap, settings)
    if snap.ties.empty and not (ix.ev_day <= to_day([as_of])[0]).any():
        # nothing known about anyone yet (strengths() cannot merge two empty frames)
        empty = pd.DataFrame({c: pd.Series(dtype=float if c in ("strength", "evidence", "declared") else object)
                              for c in PAIR_COLUMNS}).astype({"n_interactions": np.int64, "n_one_to_one": np.int64,
                                                              "contact_days": np.int64})
        return empty, np.zeros(0, dtype=np.int64)
    return strengths_with_pairs(snap, settings, as_of=as_of)


def pair_strengths(snap: Snapshot, settings: Settings, as_of=None) -> pd.DataFrame:
    """:func:`strengths` at ``as_of``, memoized on the snapshot (what the analyses read)."""
    return _pair_strengths(snap, settings, as_of)[0]


def pair_strength_rows(snap: Snapshot, settings: Settings, as_of=None) -> np.ndarray:
    """For the rows of :func:`pair_strengths`: each pair's number in :func:`pair_index`
    (ascending, so a pair number's row is found by binary search)."""
    return _pair_strengths(snap, settings, as_of)[1]


def pair_strength_codes(snap: Snapshot, settings: Settings, as_of=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the rows of :func:`pair_strengths`: person codes of ``a`` and ``b`` and the
    sorted person ids they index (``a == people[codes_a]``), for joins without strings."""
    keep = pair_strength_rows(snap, settings, as_of)
    ix = pair_index(snap, settings)
    return ix.pa[keep], ix.pb[keep], ix.people


def explain(pairs: pd.DataFrame, settings: Settings, as_of=None) -> pd.Series:
    """One line per row of a :func:`strengths` frame saying where its strength comes from.

    ``"26 interactions (4 one-to-one), last 12 days ago; half-life 90 days: 0.83"``, plus the
    declared tie when there is one (``"; declared friend tie 0.60"``); a pair known only by
    declaration says ``"never interacted"``. For the rows a person reads (maps, cards,
    paths): a Python step per row.

    >>> row = pd.DataFrame({"strength": [0.8312], "n_interactions": [26], "n_one_to_one": [4],
    ...                     "last_interaction": [pd.Timestamp("2026-11-03")], "declared": [0.0],
    ...                     "tie_kinds": [""]})
    >>> explain(row, Settings(as_of="2026-11-15")).iloc[0]
    '26 interactions (4 one-to-one), last 12 days ago; half-life 90 days: 0.83'
    """
    t = resolve_as_of(settings, as_of)
    half_life = f"{settings.strength.half_life_days:g}"
    out = []
    for s, n, one, last, dec, kinds in zip(pairs["strength"], pairs["n_interactions"], pairs["n_one_to_one"],
                                           pairs["last_interaction"], pairs["declared"], pairs["tie_kinds"]):
        n = int(n)
        if n:
            ago = (t - pd.Timestamp(last)).days
            when = _("today") if ago == 0 else ngettext("{n} day ago", "{n} days ago", ago).format(n=ago)
            text = ngettext("{n} interaction ({one} one-to-one), last {when}; half-life {half_life} days",
                            "{n} interactions ({one} one-to-one), last {when}; half-life {half_life} days", n).format(
                n=n, one=int(one), when=when, half_life=half_life)
        else:
            text = _("never interacted")
        if dec and dec > 0:
            if isinstance(kinds, str) and kinds:
                kind = "/".join(term("tie_kind", k) for k in str(kinds).split(","))
                text = _("{explanation}; declared {kind} tie {declared}").format(
                    explanation=text, kind=kind, declared=f"{dec:.2f}")
            else:
                text = _("{explanation}; declared declared tie {declared}").format(explanation=text,
                                                                                 declared=f"{dec:.2f}")
        out.append(_("{explanation}: {strength}").format(explanation=text, strength=f"{s:.2f}"))
    return pd.Series(out, index=pairs.index, dtype=object)


def explain_pairs(snap: Snapshot, settings: Settings, x, y, as_of=None) -> np.ndarray:
    """:func:`explain` for person pairs ``(x[i], y[i])`` (either order); ``None`` where the
    two have neither a tie nor an interaction."""
    x, y = np.asarray(x, dtype=object), np.asarray(y, dtype=object)
    out = np.full(len(x), None, dtype=object)
    if not len(x):
        return out
    s = pair_strengths(snap, settings, as_of)
    rows = sorted_lookup(pair_strength_rows(snap, settings, as_of), pair_index(snap, settings).find(x, y))
    hit = rows >= 0
    if hit.any():
        out[hit] = explain(s.iloc[rows[hit]].reset_index(drop=True), settings, as_of).to_numpy(dtype=object)
    return out


def directed(pairs: pd.DataFrame) -> pd.DataFrame:
    """Both orientations of unordered pairs: columns ``person_id, other_id`` plus the rest."""
    fwd = pairs.rename(columns={"a": "person_id", "b": "other_id"})
    rev = pairs.rename(columns={"a": "other_id", "b": "person_id"})
    return pd.concat([fwd, rev[fwd.columns]], ignore_index=True)


def strength_series(snap: Snapshot, settings: Settings, dates: Iterable,
                    pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Strength of pairs at several dates: long frame ``a, b, date, strength``.

    ``pairs`` (columns ``a, b``) restricts the output; by default every pair known at
    the last date is reported at every date (0 where nothing was known yet).
    """
    dates = sorted(pd.Timestamp(d).normalize() for d in dates)
    frames = []
    for d in dates:
        s = strengths(snap, settings, as_of=d)[["a", "b", "strength"]]
        s = s.assign(date=d)
        frames.append(s)
    long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["a", "b", "strength", "date"])
    if pairs is None:
        last = frames[-1][["a", "b"]] if frames else pd.DataFrame(columns=["a", "b"])
        pairs = last
    grid = pairs[["a", "b"]].drop_duplicates().merge(pd.DataFrame({"date": dates}), how="cross")
    out = grid.merge(long, on=["a", "b", "date"], how="left")
    out["strength"] = out["strength"].fillna(0.0)
    return out[["a", "b", "date", "strength"]].sort_values(["a", "b", "date"], kind="mergesort").reset_index(drop=True)


def pair_key(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x < y else (y, x)


def lookup(pairs: pd.DataFrame, x: Sequence[str], y: Sequence[str], column: str = "strength") -> np.ndarray:
    """Vectorized lookup of ``column`` for many (x, y) person pairs (0 where absent)."""
    x = np.asarray(x, dtype=object)
    y = np.asarray(y, dtype=object)
    a = np.where(x < y, x, y)
    b = np.where(x < y, y, x)
    q = pd.DataFrame({"a": a, "b": b})
    res = q.merge(pairs[["a", "b", column]], on=["a", "b"], how="left")[column]
    return res.fillna(0.0).to_numpy()
