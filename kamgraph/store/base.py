"""The ``Store`` protocol every backend implements, and the behaviour they share.

Stores are thin: batch upserts, deletes, one filtered read, export/erase of a person,
counts and a data version. Everything else (scoping a snapshot, assembling a person's
export) is written once in :class:`BaseStore` on top of ``read``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

import pandas as pd

from kamgraph.errors import KamgraphError, NotFound
from kamgraph.i18n import gettext
from kamgraph.schema import ENTITIES, WRITE_ORDER, to_records
from kamgraph.snapshot import Snapshot, build_snapshot

#: progress callback: (entity, rows done in this entity, rows in this entity)
Progress = Callable[[str, int, int], None]


@dataclass
class WriteResult:
    """What a write did: rows inserted or changed per entity (``rows``; entities with none
    left out), rows received identical to the stored ones (``unchanged``, likewise), and
    the data version afterwards (not bumped when nothing changed)."""

    rows: dict[str, int] = field(default_factory=dict)
    data_version: int = 0
    batches: int = 0
    unchanged: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class EmptyStore(KamgraphError):
    """An analysis or report was asked of a store that holds nothing."""


class Erasure(dict):
    """What ``erase_person`` deleted: rows per entity (a dict), and ``wal_pending``: True when
    bytes of the erased rows may still sit in a write-ahead log because a reader blocked the
    checkpoint (SQLite; the caller must not claim the erasure is complete on disk)."""

    wal_pending: bool = False


#: Free-text columns that may mention a person by name (listed and redacted on erasure).
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "people": ("notes",),
    "ties": ("notes",),
    "interactions": ("subject", "notes"),
}
REDACTED = "[erased]"


#: The columns of :meth:`BaseStore.audit`'s frame.
AUDIT_COLUMNS = ["seq", "at", "actor", "source", "action", "entity", "key", "before", "after"]


def audit_ref_columns(entity: str) -> list[tuple[str, tuple[str, ...]]]:
    """(column, entities it names) of the columns an audit entry of ``entity`` is found by:
    a node entity's own ``id`` and every column referencing another entity. An entry's refs
    are ``"<entity>:<id>"`` strings built from them (key, before and after).

    >>> audit_ref_columns("accounts")
    [('id', ('accounts',)), ('owner_id', ('people',))]
    """
    ent = ENTITIES[entity]
    out = [("id", (entity,))] if ent.key == ("id",) else []
    return out + [(c.name, c.references) for c in ent.columns if c.references]


def audit_refs(entity: str, *parts: Mapping | None) -> list[str]:
    """The refs of an audit entry whose key, before and after are ``parts``.

    >>> audit_refs("employment", {"person_id": "P1", "org_id": "A1"}, None, {"title": "CEO"})
    ['people:P1', 'accounts:A1', 'organizations:A1']
    """
    out: list[str] = []
    for col, targets in audit_ref_columns(entity):
        for part in parts:
            v = part.get(col) if part else None
            if v is not None:
                out += [f"{t}:{v}" for t in targets if f"{t}:{v}" not in out]
    return out


def audit_json(values: Mapping | None) -> str | None:
    """How an audit entry's key / before / after is stored: a JSON object (or None)."""
    return None if values is None else json.dumps(dict(values), ensure_ascii=False, allow_nan=False)


def audit_key(entity: str, text) -> dict:
    """An audit entry's key as a dict in key order: stored as a JSON object, or (the SQLite
    store's bulk entries, a third of the bytes) as the JSON array of the key's values.

    >>> audit_key("attendance", '["I1", "P1"]')
    {'interaction_id': 'I1', 'person_id': 'P1'}
    >>> audit_key("people", '{"id": "P1"}')
    {'id': 'P1'}
    """
    values = json.loads(text) if isinstance(text, str) else text
    key = ENTITIES[entity].key
    if isinstance(values, list):
        return dict(zip(key, values))
    return {k: values[k] for k in key if k in values} if set(values) == set(key) else dict(values)


def _key_tuple(entity: str, text) -> tuple:
    """An audit entry's key values in key order (see :func:`audit_key`)."""
    values = json.loads(text) if isinstance(text, str) else text
    return tuple(values) if isinstance(values, list) else tuple(values[k] for k in ENTITIES[entity].key)


def audit_values(value) -> dict:
    """An entry's before / after as a dict: stored JSON text, or a dict :meth:`BaseStore._complete` rebuilt."""
    if not value:
        return {}
    return json.loads(value) if isinstance(value, str) else value


def insert_columns_marker(entity: str, columns: Sequence[str]) -> str | None:
    """What an insert entry stores as ``after``: nothing (None) when the write supplied every
    column of ``entity``, else the JSON array of the supplied columns. The values are not
    stored: they are the row as inserted, which :meth:`BaseStore._complete` rebuilds on read
    from the row's later entries and its stored row. An ``after`` holding a JSON object (an
    entry written before, or one completed for an erasure or a redaction) is read as it is.

    >>> insert_columns_marker("people", ["id", "name", "side"])
    '["id", "name", "side"]'
    """
    if set(columns) >= set(ENTITIES[entity].column_names):
        return None
    return json.dumps([c for c in ENTITIES[entity].column_names if c in set(columns)])


def is_key_only_insert(action: str, after) -> bool:
    """True for an insert entry that stores its supplied columns, not its values (see
    :func:`insert_columns_marker`)."""
    return action == "insert" and (after is None or (isinstance(after, str) and after.lstrip()[:1] == "["))


def audit_row_ref(entity: str, key: Mapping) -> str:
    """The one ref every audit entry of the row ``key`` of ``entity`` carries (from its key):
    its own id for a node entity, else the first referencing key column's first target.

    >>> audit_row_ref("employment", {"person_id": "P1", "org_id": "A1"})
    'people:P1'
    """
    for col, targets in audit_ref_columns(entity):
        if col in ENTITIES[entity].key:
            return f"{targets[0]}:{key[col]}"
    raise ValueError(f"{entity}: no key column names another entity")  # pragma: no cover - schema rule


def _audit_value(entity: str, column: str, v):
    """A stored audit value in its column's type (SQLite keeps bools as 0/1)."""
    if v is None or column not in ENTITIES[entity].column_names:
        return v
    kind = ENTITIES[entity].column(column).type
    if kind == "bool":
        return bool(v)
    if kind == "int":
        return int(v)
    if kind == "float":
        return float(v)
    return v


def _audit_dict(entity: str, text) -> dict | None:
    if text is None:
        return None
    values = json.loads(text) if isinstance(text, str) else dict(text)
    return {k: _audit_value(entity, k, v) for k, v in values.items()}


def audit_frame(entries: Iterable[Sequence]) -> pd.DataFrame:
    """Audit rows (seq, at, actor, source, action, entity, key, before, after as JSON text)
    as the frame :meth:`BaseStore.audit` returns, oldest first, values in their column types."""
    rows = []
    for seq, at, actor, source, action, entity, key, before, after in entries:
        rows.append([int(seq), at, actor, source, action, entity, _audit_dict(entity, audit_key(entity, key)),
                     _audit_dict(entity, before), _audit_dict(entity, after)])
    rows.sort(key=lambda r: r[0])
    frame = pd.DataFrame(rows, columns=AUDIT_COLUMNS, dtype=object)
    frame["seq"] = frame["seq"].astype("int64")
    return frame


def utc_now() -> str:
    """The time a write is recorded with: UTC, ISO 8601, seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@runtime_checkable
class Store(Protocol):
    """A place where the stakeholder graph lives. See DESIGN.md section 3."""

    url: str

    def init(self) -> None:
        """Create tables / constraints if missing. Idempotent."""

    def write(self, tables: Mapping[str, pd.DataFrame], progress: Progress | None = None,
              references_checked: bool = False, actor: str | None = None,
              source: str | None = None) -> WriteResult:
        """Upsert rows of several entities (keyed by each entity's key), all or nothing.

        Only rows that are new or differ from the stored ones in a supplied column are
        written; each is recorded in the audit trail (:meth:`audit`) with ``actor`` and
        ``source`` (an import's path, ``"edit: <operation>"``, ``"app"``, ``"cli"``...). A
        write that changes nothing writes nothing: no audit entry, no write-log entry, the
        data version stays.

        ``references_checked=True`` says the caller (the import pipeline) has already
        verified every reference against the incoming rows and the store, so a store may
        skip its own per-row reference checks. ``actor`` (the signed-in user, or the OS user
        for the CLI) is recorded with the time and the rows per entity in the store's write log.
        """

    def upsert(self, entity: str, rows: pd.DataFrame) -> int:
        """Upsert rows of one entity. Returns the number of rows inserted or changed."""

    def delete(self, entity: str, keys: pd.DataFrame, actor: str | None = None,
               source: str | None = None) -> int:
        """Delete rows by key; deleting a node also removes its relationships. Each deleted
        row is recorded in the audit trail (``before``: the stored row)."""

    def audit(self, person_id: str | None = None, account_id: str | None = None) -> pd.DataFrame:
        """The audit trail, oldest first (see :meth:`BaseStore.audit`)."""

    def read(self, entity: str, column: str | None = None,
             values: Sequence[str] | None = None) -> pd.DataFrame:
        """All rows of an entity, or those whose ``column`` is in ``values``; normalized."""

    def snapshot(self, scope: Sequence[str] | None = None) -> Snapshot:
        """The read-only snapshot of some accounts (or of everything) for analysis."""

    def export_person(self, person_id: str) -> dict:
        """Everything stored about one person, JSON-serializable."""

    def erase_person(self, person_id: str, actor: str | None = None) -> Erasure:
        """Hard-delete a person, their edges and attendance; drop interactions left empty.
        The write log records ``actor`` and the counts, never the erased id."""

    def counts(self) -> dict[str, int]:
        """Row counts per entity."""

    def data_version(self) -> int:
        """A number that changes on every write (for cache keys)."""

    def write_log(self) -> pd.DataFrame:
        """Who wrote and when, oldest first: at (UTC, ISO 8601), actor, action (write, delete,
        erase_person), rows (entity -> row count; never ids, so an erasure leaves none)."""

    def close(self) -> None: ...


class BaseStore:
    """Shared behaviour built on ``read`` and ``write``."""

    url: str = ""

    # -- to be provided by subclasses -------------------------------------------------
    def read(self, entity: str, column: str | None = None,
             values: Sequence[str] | None = None) -> pd.DataFrame:  # pragma: no cover
        raise NotImplementedError

    def write(self, tables: Mapping[str, pd.DataFrame], progress: Progress | None = None,
              references_checked: bool = False, history_from=None,
              actor: str | None = None) -> WriteResult:  # pragma: no cover
        raise NotImplementedError

    def erase_person(self, person_id: str, actor: str | None = None) -> Erasure:  # pragma: no cover
        raise NotImplementedError

    def data_version(self) -> int:  # pragma: no cover
        raise NotImplementedError

    def _audit_rows(self, refs: Sequence[str] | None) -> list[tuple]:  # pragma: no cover
        """Audit entries (seq, at, actor, source, action, entity, key, before, after; the
        last three JSON text) with any of ``refs``, or all of them for None."""
        raise NotImplementedError

    def _row_entries(self, refs: Sequence[str]) -> list[tuple]:
        """Every entry of the rows whose own ref (:func:`audit_row_ref`) is in ``refs``, perhaps
        with others (as :meth:`_audit_rows`); a store may find these more cheaply."""
        return self._audit_rows(refs)

    def _audit_text_rows(self, entities: Sequence[str]) -> list[tuple]:  # pragma: no cover
        """Audit entries of ``entities`` (as :meth:`_audit_rows`), for :meth:`mentions`."""
        raise NotImplementedError

    def _set_audit_texts(self, rows: Sequence[tuple[int, str | None, str | None]]) -> None:  # pragma: no cover
        """Replace the before / after JSON of audit entries by seq (redaction)."""
        raise NotImplementedError

    def history_from(self) -> pd.Timestamp | None:  # pragma: no cover
        """The first day the stored history covers (the earliest start any import recorded
        or declared, else the first interaction); None for a store without interactions."""
        raise NotImplementedError

    def _current_rows(self, entity: str, keys: Sequence[tuple]) -> dict[tuple, dict]:  # pragma: no cover
        """The stored rows of ``entity`` with these key tuples, every column, each value as
        the store writes it into an audit entry's JSON (by key tuple; missing rows left out)."""
        raise NotImplementedError

    # -- shared ------------------------------------------------------------------------
    def upsert(self, entity: str, rows: pd.DataFrame) -> int:
        check_entity(entity)
        return self.write({entity: rows}).rows.get(entity, 0)

    def audit(self, person_id: str | None = None, account_id: str | None = None) -> pd.DataFrame:
        """The audit trail of every change, oldest first: columns :data:`AUDIT_COLUMNS` (seq,
        at, actor, source, action = insert / update / delete, entity, key, before, after; the
        last three dicts or None). An update's before / after hold only the changed columns,
        an insert's ``after`` the supplied row, a delete's ``before`` the stored row.

        ``person_id``: entries whose key or any person column (before or after) is that
        person. ``account_id``: entries naming the account (its row, or any column
        referencing it), entries of the people employed there (now or in the past) and of its
        interactions and opportunities. Both given: entries matching both.

        >>> from kamgraph.store import open_store
        >>> s = open_store("sqlite:///:memory:")
        >>> _ = s.write({"people": pd.DataFrame([{"id": "p1", "name": "Li", "side": "internal"}])},
        ...             actor="ann", source="cli")
        >>> _ = s.write({"people": pd.DataFrame([{"id": "p1", "name": "Li Wei", "side": "internal"}])})
        >>> s.audit("p1")[["seq", "action", "before", "after"]].values.tolist()
        [[1, 'insert', None, {'id': 'p1', 'name': 'Li', 'side': 'internal'}], [2, 'update', {'name': 'Li'}, {'name': 'Li Wei'}]]
        """
        if person_id is None and account_id is None:
            return audit_frame(self._complete(self._audit_rows(None), read_by=None))
        if person_id is None:
            refs = sorted(self._account_refs(str(account_id)))
            return audit_frame(self._complete(self._audit_rows(refs), read_by=refs))
        frame = audit_frame(self._complete(self._audit_rows([f"people:{person_id}"]), read_by=[f"people:{person_id}"]))
        if account_id is not None:  # entries matching both
            want = self._account_refs(str(account_id))
            keep = [bool(set(audit_refs(e, k, b, a)) & want)
                    for e, k, b, a in zip(frame["entity"], frame["key"], frame["before"], frame["after"])]
            frame = frame[keep].reset_index(drop=True)
        return frame

    #: above this many rows to complete, an entity's whole trail is read instead of by refs
    _COMPLETE_BY_REFS_MAX = 2_000

    def _complete(self, rows: Sequence[tuple], read_by: Iterable[str] | None = (),
                  entities: Iterable[str] = ()) -> list[tuple]:
        """Audit rows (as :meth:`_audit_rows`) with the ``after`` of every key-only insert
        entry (:func:`is_key_only_insert`) rebuilt as the JSON object of the row as inserted:
        the stored row, or the ``before`` of the first later delete of it, with the ``before``
        of every update in between applied newest first, limited to the supplied columns.

        The later entries of a row come from ``rows`` themselves when they hold all of them:
        ``read_by`` is the refs ``rows`` were read by (every entry of a row whose key names
        one of them is among them; None: ``rows`` is the whole trail), ``entities`` those
        whose whole trail ``rows`` holds. Otherwise they are read by the row's ref (a few
        rows), or the entity's whole trail (many).
        """
        pending: dict[str, list[int]] = {}
        for i, r in enumerate(rows):
            if is_key_only_insert(r[4], r[8]):
                pending.setdefault(r[5], []).append(i)
        if not pending:
            return list(rows)
        read_by = None if read_by is None else set(read_by)
        entities = set(entities)
        out = list(rows)
        for entity, idx in pending.items():
            ent = ENTITIES[entity]
            key_refs = [(c, targets) for c, targets in audit_ref_columns(entity) if c in ent.key]
            keys = {i: _key_tuple(entity, rows[i][6]) for i in idx}
            wanted = set(keys.values())
            if read_by is None or entity in entities:
                outside = set()
            else:
                at = [(ent.key.index(c), targets) for c, targets in key_refs]
                outside = {k for k in wanted if not any(f"{t}:{k[i]}" in read_by for i, targets in at for t in targets)}
            trail = [r for r in rows if r[5] == entity and r[4] != "insert"]
            if len(outside) > self._COMPLETE_BY_REFS_MAX:
                trail += self._audit_text_rows([entity])
            elif outside:
                trail += self._row_entries(sorted({audit_row_ref(entity, dict(zip(ent.key, k))) for k in outside}))
            later: dict[tuple, dict[int, tuple]] = {}
            for seq, *_, action, e, key, before, _after in trail:
                if e == entity and action != "insert":  # (a later insert follows a delete)
                    k = _key_tuple(entity, key)
                    if k in wanted:
                        later.setdefault(k, {})[int(seq)] = (int(seq), action, before)
            current = self._current_rows(entity, list(wanted))
            for i in idx:
                seq, k = int(rows[i][0]), keys[i]
                state, changes = current.get(k), []
                for s, action, before in sorted(later.get(k, {}).values()):
                    if s <= seq:
                        continue
                    if action == "delete":  # the row ended: as it was then
                        state = json.loads(before) if before else None
                        break
                    changes.append(json.loads(before) if before else {})
                state = dict(state) if state is not None else dict(zip(ent.key, k))
                for before in reversed(changes):
                    state.update(before)
                marker = rows[i][8]
                columns = json.loads(marker) if marker else ent.column_names
                out[i] = (*rows[i][:8], {c: state.get(c) for c in columns})  # a dict: read as it is
        return out

    def _erasure_completions(self, person_id: str, interaction_ids: Sequence[str]) -> tuple[list[tuple], list[tuple]]:
        """Before erasing a person: (the entries naming them, completed; (seq, after JSON) of
        the key-only insert entries that stay but could not be rebuilt afterwards). An
        erasure changes rows without audit entries (an owner emptied, an interaction left
        without attendees deleted) and deletes the entries naming the person, so the inserts
        of every row those entries are about, and of the interactions they attended, are
        stored in full first."""
        naming = self._complete(self._audit_rows([f"people:{person_id}"]), read_by=[f"people:{person_id}"])
        gone = {int(r[0]) for r in naming}
        touched = {(r[5], tuple(audit_key(r[5], r[6]).values())) for r in naming}
        touched |= {("interactions", (i,)) for i in interaction_ids}
        refs = sorted({audit_row_ref(e, dict(zip(ENTITIES[e].key, k))) for e, k in touched})
        stay = [r for r in self._row_entries(refs) if int(r[0]) not in gone and is_key_only_insert(r[4], r[8])
                and (r[5], tuple(audit_key(r[5], r[6]).values())) in touched]
        return naming, [(int(r[0]), audit_json(r[8])) for r in self._complete(stay)]

    def _account_refs(self, account_id: str) -> set[str]:
        """The refs of an account's audit trail: the account, the people employed there (now
        or ever, per the trail), its interactions and opportunities (stored or in the trail)."""
        refs = {f"accounts:{account_id}"}
        own = [(r[5], audit_key(r[5], r[6])) for r in self._audit_rows([f"accounts:{account_id}"])]
        people = set(self.read("employment", "org_id", [account_id])["person_id"])
        opportunities = set(self.read("opportunities", "account_id", [account_id])["id"])
        inter = self.read("interactions")
        interactions = set(inter.loc[(inter["account_id"] == account_id).fillna(False).astype(bool), "id"])
        for entity, key in own:
            if entity == "employment":
                people.add(key["person_id"])
            elif entity == "interactions":
                interactions.add(key["id"])
            elif entity == "opportunities":
                opportunities.add(key["id"])
        refs |= {f"people:{p}" for p in people}
        refs |= {f"interactions:{i}" for i in interactions}
        refs |= {f"opportunities:{o}" for o in opportunities}
        return refs

    def snapshot(self, scope: Sequence[str] | None = None) -> Snapshot:
        """The snapshot of ``scope`` (or of everything). The whole of a store holding no
        account and no person raises :class:`EmptyStore`: there is nothing to analyse, and
        every caller (the CLI's analysis verbs, reports) says so in one line."""
        # the SQLite store's snapshots in SQL (imported here: base.py is imported by every store)
        from kamgraph.store import sqlite_read

        version, history_from = self.data_version(), self.history_from()
        snap = sqlite_read.snapshot(self, scope, version, self.url, history_from)  # None: not a SQLite file
        if snap is None:
            snap = build_snapshot(self, scope, version, self.url, history_from)
        if scope is None and snap.people.empty and snap.accounts.empty:
            raise EmptyStore(gettext("the store {url} is empty: import your data (kamgraph import PATH) "
                                     "or load the sample (kamgraph demo)").format(url=self.url))
        return snap

    def export_person(self, person_id: str) -> dict:

        people = self.read("people", "id", [person_id])
        if people.empty:
            raise NotFound(gettext("no person with id {id}").format(id=repr(person_id)))
        out: dict = {"person": to_records("people", people)[0]}
        for entity, columns in PERSON_COLUMNS.items():
            parts = [self.read(entity, c, [person_id]) for c in columns]
            frame = pd.concat([p for p in parts if len(p)] or [parts[0]], ignore_index=True)
            frame = frame.drop_duplicates(list(ENTITIES[entity].key))
            out[entity] = to_records(entity, frame)
        ids = sorted({r["interaction_id"] for r in out["attendance"]})
        out["interactions"] = to_records("interactions", self.read("interactions", "id", ids)) if ids else []
        return out

    def erase_people(self, person_ids, actor: str | None = None) -> int:
        """Erase several people (deleting ``people`` rows means erasure); unknown ids are skipped."""

        n = 0
        for pid in person_ids:
            try:
                self.erase_person(pid, actor=actor)
            except NotFound:
                continue
            n += 1
        return n

    def mentions(self, name: str) -> pd.DataFrame:
        """Every free-text field (:data:`FREE_TEXT`) that mentions ``name``, case-insensitive:
        one row per field with entity, key (the row's key values joined by '/'), column, text.
        Audit entries whose before / after free text mentions it are listed too, as entity
        ``audit``, key the entry's seq, column ``<entity>.<column> before|after``.
        Erasure uses it to list what an erased person's name is still written in.

        >>> from kamgraph.store import open_store
        >>> s = open_store("sqlite:///:memory:")
        >>> _ = s.write({"people": pd.DataFrame([{"id": "p1", "name": "Li", "side": "internal",
        ...                                       "notes": "met Ann Lee at the fair"}])})
        >>> s.mentions("ann lee")[["entity", "key", "column"]].values.tolist()
        [['people', 'p1', 'notes'], ['audit', '1', 'people.notes after']]
        """
        out = []
        if name and name.strip():
            needle = name.strip().casefold()
            for entity, columns in FREE_TEXT.items():
                frame = self.read(entity)
                key = list(ENTITIES[entity].key)
                for col in columns:
                    text = frame[col].astype("string")
                    hit = text.str.casefold().str.contains(needle, regex=False).fillna(False).astype(bool)
                    for _, row in frame[hit].iterrows():
                        out.append({"entity": entity, "key": "/".join(str(row[k]) for k in key),
                                    "column": col, "text": row[col]})
            for seq, entity, col, side, text in self._audit_mentions(needle):
                out.append({"entity": "audit", "key": str(seq), "column": f"{entity}.{col} {side}", "text": text})
        return pd.DataFrame(out, columns=["entity", "key", "column", "text"])

    def _audit_mentions(self, needle: str) -> list[tuple]:
        """(seq, entity, column, before|after, text) of audit free text containing ``needle``
        (already casefolded)."""
        out = []
        for seq, _at, _actor, _source, _action, entity, _key, before, after in self._complete(
                self._audit_text_rows(list(FREE_TEXT)), entities=FREE_TEXT):
            for side, text in (("before", before), ("after", after)):
                values = audit_values(text)
                for col in FREE_TEXT[entity]:
                    v = values.get(col)
                    if isinstance(v, str) and needle in v.casefold():
                        out.append((seq, entity, col, side, v))
        return out

    def redact_mentions(self, name: str, actor: str | None = None, source: str | None = "redact") -> int:
        """Replace ``name`` (case-insensitive) by ``[erased]`` in every free-text field that
        mentions it (one write), then in the audit trail's before / after texts (the entries
        of that write too). Returns the number of fields found (:meth:`mentions`)."""
        found = self.mentions(name)
        if found.empty:
            return 0
        pattern = re.compile(re.escape(name.strip()), re.IGNORECASE)
        tables = {}
        for entity in found["entity"].unique():
            if entity == "audit":
                continue
            frame = self.read(entity)
            columns = FREE_TEXT[entity]
            changed = pd.Series(False, index=frame.index)
            for col in columns:
                text = frame[col]
                new = text.map(lambda t: pattern.sub(REDACTED, t) if isinstance(t, str) else t)
                changed |= (new != text) & text.notna()
                frame[col] = new
            tables[entity] = frame.loc[changed]
        self.write(tables, actor=actor, source=source)
        # then the audit trail, including the entries the write above just made
        needle = name.strip().casefold()
        seqs = sorted({seq for seq, *_ in self._audit_mentions(needle)})
        if seqs:
            rows = {r[0]: r for r in self._complete(self._audit_text_rows(list(FREE_TEXT)), entities=FREE_TEXT)}
            updates = []
            for seq in seqs:
                _s, _at, _actor, _source, _action, entity, _key, before, after = rows[seq]
                texts = []
                for text in (before, after):
                    values = dict(audit_values(text)) or None
                    if values:
                        for col in FREE_TEXT[entity]:
                            if isinstance(values.get(col), str):
                                values[col] = pattern.sub(REDACTED, values[col])
                    texts.append(audit_json(values))
                updates.append((seq, texts[0], texts[1]))
            self._set_audit_texts(updates)
        return len(found)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:  # pragma: no cover - overridden
        pass


#: Relationship entities and the columns that point at a person.
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "employment": ("person_id",),
    "assessments": ("person_id", "assessed_by"),
    "reports_to": ("person_id", "manager_id"),
    "ties": ("person_id", "other_id"),
    "influence": ("source_id", "target_id"),
    "memberships": ("person_id",),
    "attendance": ("person_id",),
    "opportunity_roles": ("person_id",),
}


def incoming_history_start(tables: Mapping[str, pd.DataFrame], declared=None) -> int | None:
    """The start of the period a write covers, as a day number since 1970-01-01: the earlier
    of a declared start (``import --history-from``) and the write's first interaction.

    >>> incoming_history_start({"interactions": pd.DataFrame({"date": ["2025-01-03", "2025-02-01"]})})
    20091
    >>> incoming_history_start({}, declared="2024-12-01")
    20058
    """
    days = []
    inter = tables.get("interactions")
    if inter is not None and len(inter) and "date" in inter:
        first = pd.to_datetime(inter["date"], errors="coerce").min()
        if not pd.isna(first):
            days.append(first)
    if declared is not None:
        days.append(pd.Timestamp(declared))
    if not days:
        return None
    return int((min(days).normalize() - pd.Timestamp("1970-01-01")).days)


def check_entity(entity: str) -> None:
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity!r}; known: {', '.join(WRITE_ORDER)}")


def check_column(entity: str, column: str) -> None:
    """``column`` is one ``read(entity, column, values)`` may filter on: one of the entity's
    ``filter_columns`` (kamgraph/schema.py), the same for every store."""
    check_entity(entity)
    ent = ENTITIES[entity]
    if column not in ent.column_names:
        raise ValueError(f"{entity} has no column {column!r}")
    if column not in ent.filter_columns:
        raise ValueError(f"{entity} cannot be read filtered by {column!r}; filter columns: "
                         f"{', '.join(ent.filter_columns)} (read all and filter the frame instead)")
