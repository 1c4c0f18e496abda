"""The read-only snapshot the analysis layer consumes, and how a scope selects it.

A :class:`Snapshot` holds one pandas frame per entity of :mod:`kamgraph.schema`
(``snap.people``, ``snap.ties``, ...) with canonical dtypes. It never talks to a store.

Scoping is defined once, here, on top of the stores' one read primitive
(``read(entity, column, values)``), so both stores return the same snapshot for the same
scope. For a list of accounts the snapshot holds:

- the accounts, their opportunities (and roles), and everyone employed at them (core);
- every interaction a non-internal core person attended, with all its attendees, and
  every tie touching the core: the other ends of those ties and those co-attendees are
  the neighbors;
- ties between neighbors and our internal staff or the core (for one-intermediary
  access paths), and every interaction a neighbor attended with one of our staff, with
  the attendance of neighbors and our staff only (other attendees do not change any
  strength a path to the core uses);
- all internal staff;
- the attendee count of every interaction whose attendance was trimmed (frame
  ``interaction_sizes``), so strength's size discount is the same as on the whole portfolio;
- memberships of core and neighbors, plus internal staff's memberships of the same bodies;
- employment, assessments, reporting lines and influence links of everyone kept.

So every strength between a core person and anyone, and between a neighbor and our
staff, is the same as on the whole portfolio: coverage, gaps and access paths of the
scoped accounts are exact. Strengths between two people outside the core (two
neighbors, two of our staff) may be partial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Protocol, Sequence

import numpy as np
import pandas as pd

from kamgraph.schema import ENTITIES, empty_frame, normalize_frame


class Reader(Protocol):
    """What a snapshot is selected through: every store's one read primitive."""

    def read(self, entity: str, column: str | None = None,
             values: Sequence[str] | None = None) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Snapshot:
    """Frames of one scope at one data version. Treat the frames as read-only."""

    frames: Mapping[str, pd.DataFrame]
    scope: tuple[str, ...] | None = None  # account ids, or None for the whole portfolio
    data_version: int = 0
    store_url: str = ""
    #: where the history starts as the store recorded it (imports, ``--history-from``)
    history_from: pd.Timestamp | None = None
    #: integer codes a store computed while reading (see :meth:`codes`), by
    #: ``(entity, column, of)``; optional, :meth:`codes` computes any it lacks
    precomputed_codes: Mapping[tuple[str, str, str], np.ndarray] | None = field(
        default=None, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        missing = set(ENTITIES) - set(self.frames)
        if missing:
            full = dict(self.frames)
            for name in missing:
                full[name] = empty_frame(name)
            object.__setattr__(self, "frames", full)

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = object.__getattribute__(self, "frames")
        if name in frames:
            return frames[name]
        raise AttributeError(name)

    # typed accessors for the common frames (also reachable through __getattr__)
    @property
    def accounts(self) -> pd.DataFrame:
        return self.frames["accounts"]

    @property
    def people(self) -> pd.DataFrame:
        return self.frames["people"]

    @property
    def ties(self) -> pd.DataFrame:
        return self.frames["ties"]

    @property
    def employment(self) -> pd.DataFrame:
        return self.frames["employment"]

    @property
    def attendance(self) -> pd.DataFrame:
        return self.frames["attendance"]

    @property
    def interactions(self) -> pd.DataFrame:
        return self.frames["interactions"]

    @property
    def history_start(self) -> pd.Timestamp | None:
        """The first day the data covers: the earlier of the store's recorded start
        (:attr:`history_from`) and the first interaction in the frames; None without either.

        Before it, "no data" is not "no contact": trends never read the start of the data
        as relationships warming up.
        """
        def build():
            dates = self.frames["interactions"]["date"]
            first = pd.Timestamp(dates.min()) if len(dates) and dates.notna().any() else None
            known = [d for d in (first, self.history_from) if d is not None and not pd.isna(d)]
            return min(known).normalize() if known else None

        return self.cached("history_start", build)

    def counts(self) -> dict[str, int]:
        return {name: len(self.frames[name]) for name in ENTITIES}

    def has_cached(self, key: object) -> bool:
        return key in self._cache

    def cached(self, key: object, build):
        """Memoize a derived structure (an index, a graph) for the life of this snapshot."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = build()
            return value

    def codes(self, entity: str, column: str, of: str = "people") -> np.ndarray:
        """Integer codes of the ids in ``frames[entity][column]``: for each row, the position
        of its value in ``frames[of]["id"]`` (sorted ascending), -1 where the value is missing
        or not in ``of``.

        An int64 array of ``len(frames[entity])``, memoized for the life of the snapshot and
        read-only (copy it before changing it). Analyses index numpy arrays with it instead of
        hashing id strings; a store may hand them precomputed (:attr:`precomputed_codes`).

        >>> snap = Snapshot({"people": pd.DataFrame({"id": ["a", "b", "c"]}),
        ...                  "ties": pd.DataFrame({"person_id": ["c", "a", None, "x"]})})
        >>> snap.codes("ties", "person_id").tolist()
        [2, 0, -1, -1]
        """
        key = ("codes", entity, column, of)
        return self.cached(key, lambda: self._codes(entity, column, of))

    def _codes(self, entity: str, column: str, of: str) -> np.ndarray:
        given = (self.precomputed_codes or {}).get((entity, column, of))
        if given is not None:
            out = np.asarray(given, dtype=np.int64)
        else:
            values = self.frames[entity][column].to_numpy(dtype=object)
            ids = self.frames[of]["id"].to_numpy(dtype=object)
            out = _arrow_codes(values, ids)
            if out is None:
                out = np.asarray(pd.Index(ids).get_indexer(values), dtype=np.int64)
                out[pd.isna(values)] = -1
        if len(out) != len(self.frames[entity]):  # pragma: no cover - a store's bug
            raise ValueError(f"codes of {entity}.{column}: {len(out)} for {len(self.frames[entity])} rows")
        if out.flags.writeable:
            out = out.copy() if given is not None else out
            out.flags.writeable = False
        return out

    def roles(self, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
        """Current decision role, attitude and influence of every contact at every account.

        The latest assessment on or before ``as_of`` (default: the latest of all) per
        (person, account), with ``assessed_on``; one row per pair.
        """
        key = ("roles", None if as_of is None else pd.Timestamp(as_of))
        return self.cached(key, lambda: self._roles(as_of)).copy(deep=False)

    def _roles(self, as_of=None) -> pd.DataFrame:
        a = self.frames["assessments"]
        if as_of is not None:
            a = a[a["assessed_on"] <= pd.Timestamp(as_of)]
        if a.empty:
            return a.copy()
        # role, attitude and influence may be assessed separately: carry the last known
        # value of each field forward within the pair.
        a = a.sort_values(["person_id", "account_id", "assessed_on"], kind="mergesort")
        fields = ["decision_role", "attitude", "influence", "assessed_by", "source"]
        filled = a.groupby(["person_id", "account_id"], sort=False)[fields].ffill()
        a = a.assign(**{f: filled[f] for f in fields})
        return a.groupby(["person_id", "account_id"], sort=False).tail(1).reset_index(drop=True)

    def with_frames(self, **frames: pd.DataFrame) -> "Snapshot":
        """A copy with some frames replaced (for what-if analyses)."""
        new = dict(self.frames)
        new.update(frames)
        codes = {k: v for k, v in (self.precomputed_codes or {}).items()
                 if k[0] not in frames and k[2] not in frames} or None
        return Snapshot(new, self.scope, self.data_version, self.store_url, self.history_from, codes)


def _arrow_codes(values: np.ndarray, ids: np.ndarray) -> np.ndarray | None:
    """Positions of ``values`` in ``ids`` (-1: missing or absent) hashed by Arrow (about three
    times faster than pandas on object strings), or None unless both are text and ``ids``
    are distinct and never missing (the caller then asks pandas, which says the same)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        v = pa.array(values, type=pa.string(), from_pandas=True)
        i = pa.array(ids, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if i.null_count or (len(i) and pc.count_distinct(i).as_py() != len(i)):
        return None
    return pc.index_in(v, value_set=i).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _ids(*series: Iterable) -> list[str]:
    out: set[str] = set()
    for s in series:
        out.update(x for x in s if x is not None and not (isinstance(x, float) and pd.isna(x)))
    return sorted(out)


def _union(*frames: pd.DataFrame, key: Sequence[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return frames[0] if frames else pd.DataFrame()
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True).drop_duplicates(list(key)).reset_index(drop=True)


def build_snapshot(reader: "Reader", scope: Sequence[str] | None, data_version: int = 0,
                   store_url: str = "", history_from: pd.Timestamp | None = None) -> Snapshot:
    """Select a snapshot through ``reader.read(entity, column=None, values=None)``."""
    if scope is None:
        frames = {name: reader.read(name) for name in ENTITIES}
        return Snapshot(frames, None, data_version, store_url, history_from)

    scope = tuple(sorted(set(scope)))

    def read(entity: str, column: str, values: Sequence[str]) -> pd.DataFrame:
        return reader.read(entity, column, list(values)) if values else empty_frame(entity)

    def read_any(entity: str, columns: Sequence[str], values: Sequence[str]) -> pd.DataFrame:
        parts = [read(entity, c, values) for c in columns]
        out = _union(*parts, key=ENTITIES[entity].key)
        return out if len(out) else empty_frame(entity)

    accounts = read("accounts", "id", scope)
    core_emp = read("employment", "org_id", scope)
    core = set(_ids(core_emp["person_id"]))
    internal = reader.read("people", "side", ["internal"])
    internal_ids = set(internal["id"])

    # the core's own interactions, whole: their co-attendees are neighbors
    core_others = core - internal_ids
    att_core = read("attendance", "person_id", sorted(core_others))
    att_core = read("attendance", "interaction_id", _ids(att_core["interaction_id"]))
    ties1 = read_any("ties", ("person_id", "other_id"), sorted(core))
    neighbors = set(_ids(ties1["person_id"], ties1["other_id"], att_core["person_id"])) - core - internal_ids
    ties2 = read_any("ties", ("person_id", "other_id"), sorted(neighbors))
    if len(ties2):
        ends = internal_ids | core
        keep = ((ties2["person_id"].isin(neighbors) & ties2["other_id"].isin(ends))
                | (ties2["other_id"].isin(neighbors) & ties2["person_id"].isin(ends)))
        ties2 = ties2[keep]
    ties = _union(ties1, ties2, key=ENTITIES["ties"].key)
    if not len(ties):
        ties = empty_frame("ties")

    reach = core | neighbors
    mem1 = read("memberships", "person_id", sorted(reach))
    mem2 = read("memberships", "org_id", _ids(mem1["org_id"]))
    if len(mem2):
        mem2 = mem2[mem2["person_id"].isin(internal_ids | reach)]
    memberships = _union(mem1, mem2, key=ENTITIES["memberships"].key)
    if not len(memberships):
        memberships = empty_frame("memberships")

    # a neighbor's interactions with our staff: only the neighbors' and our staff's rows
    att_nb = read("attendance", "person_id", sorted(neighbors))
    seen = set(att_core["interaction_id"])
    nb_ids = [i for i in _ids(att_nb["interaction_id"]) if i not in seen]
    att_nb = read("attendance", "interaction_id", nb_ids)
    sizes = pd.DataFrame({"interaction_id": pd.Series(dtype=object), "size": pd.Series(dtype=np.int64)})
    if len(att_nb):
        # the trimmed interactions keep their attendee counts: strength's size discount needs them
        n = att_nb.groupby("interaction_id", sort=True)["person_id"].nunique()
        sizes = pd.DataFrame({"interaction_id": n.index.to_numpy(dtype=object), "size": n.to_numpy(dtype=np.int64)})
        with_us = set(att_nb.loc[att_nb["person_id"].isin(internal_ids), "interaction_id"])
        att_nb = att_nb[att_nb["interaction_id"].isin(with_us) & att_nb["person_id"].isin(internal_ids | neighbors)]
    attendance = _union(att_core, att_nb, key=ENTITIES["attendance"].key)
    if not len(attendance):
        attendance = empty_frame("attendance")
    interaction_ids = _ids(attendance["interaction_id"])
    interactions = read("interactions", "id", interaction_ids)

    person_ids = sorted(reach | internal_ids | set(_ids(ties["person_id"], ties["other_id"]))
                        | set(_ids(memberships["person_id"])) | set(_ids(attendance["person_id"])))
    people = read("people", "id", person_ids)
    employment = read("employment", "person_id", person_ids)
    assessments = read("assessments", "person_id", person_ids)
    reports_to = read_any("reports_to", ("person_id", "manager_id"), person_ids)
    influence = read_any("influence", ("source_id", "target_id"), person_ids)

    opportunities = read("opportunities", "account_id", scope)
    opportunity_roles = read("opportunity_roles", "opportunity_id", _ids(opportunities["id"]))

    extra_accounts = set(_ids(employment["org_id"], interactions["account_id"])) - set(scope)
    accounts = _union(accounts, read("accounts", "id", sorted(extra_accounts)), key=("id",))
    if not len(accounts):
        accounts = empty_frame("accounts")
    organizations = read("organizations", "id", _ids(employment["org_id"], memberships["org_id"]))

    frames = {
        "accounts": accounts,
        "organizations": organizations,
        "people": people,
        "employment": employment,
        "assessments": assessments,
        "reports_to": reports_to,
        "ties": ties,
        "influence": influence,
        "memberships": memberships,
        "interactions": interactions,
        "attendance": attendance,
        "opportunities": opportunities,
        "opportunity_roles": opportunity_roles,
    }

    frames = {name: normalize_frame(name, f) for name, f in frames.items()}
    frames["interaction_sizes"] = sizes
    return Snapshot(frames, scope, data_version, store_url, history_from)
