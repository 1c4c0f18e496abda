"""The shared store: a Neo4j 5 database (or anything speaking Bolt and Cypher like it).

``neo4j://host:7687`` / ``bolt://host:7687`` (and the ``+s`` / ``+ssc`` variants). User,
password and database come from ``KAMGRAPH_NEO4J_USER``, ``KAMGRAPH_NEO4J_PASSWORD`` and
``KAMGRAPH_NEO4J_DATABASE`` (constructor arguments override them, for tests); they are
never part of the URL, never logged and never in an error message or ``repr``.

The graph (DESIGN.md section 3): node entities are labelled nodes with a unique ``id``;
relationship entities are relationships between their endpoint nodes, keyed by the
endpoints plus the entity's other key columns (``KNOWS {kind}``, ``ASSESSED
{assessed_on}``). Three references are edges, not properties: an interaction's
``account_id`` and ``opportunity_id`` (``ABOUT``) and an opportunity's ``account_id``
(``FOR``); reads derive the columns from those edges, so a deleted account or
opportunity can never leave a dangling id behind. ``accounts.owner_id`` and
``assessments.assessed_by`` have no relationship type in the schema and are properties.

Every statement is a named entry of ``cypher/*.cypher`` (:mod:`kamgraph.store.cypher_registry`);
every value is a parameter. Writes run in batches of ``batch_size`` rows, each batch one
managed write transaction (``session.execute_write``, retried by the driver on transient
errors). A write first reads the stored rows of its keys: node rows found absent are
CREATEd (the uniqueness constraint on ``id`` rejects, and rolls back, a batch creating a
node another writer created meanwhile: an error to re-run, never a duplicate), every
other row is MERGEd on its constrained key (relationships always: no constraint would
catch a duplicate edge), so a batch that is retried, or an import that is run again,
changes nothing twice. Each batch also bumps the data version. A lost connection surfaces
as :class:`~kamgraph.errors.StoreUnavailable` whose message and ``committed`` list say
exactly which batches were written; re-running the import completes it.

Throughput (issue 17, ArcadeDB as the Bolt server): the server's CPU bounds it, one
connection thread per session; batches run one after another because concurrent
transactions inserting into the same type conflict on ArcadeDB's pages and retry (measured:
no gain with two sessions), and every batch updates the meta node. Batch sizes of 1,000
to 50,000 rows cost the server the same CPU per row; 5,000 stays the default.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from kamgraph.errors import ConfigError, NotFound, StoreUnavailable
from kamgraph.i18n import gettext
from kamgraph.schema import (
    ENTITIES,
    WRITE_ORDER,
    Entity,
    _to_bool,
    empty_frame,
    normalize_frame,
    plain_columns,
    to_records,
)
from kamgraph.store import cypher_registry
from kamgraph.store.base import (
    BaseStore,
    Erasure,
    Progress,
    WriteResult,
    audit_json,
    audit_ref_columns,
    audit_refs,
    check_column,
    check_entity,
    incoming_history_start,
    insert_columns_marker,
    utc_now,
)

ENV_USER = "KAMGRAPH_NEO4J_USER"
ENV_PASSWORD = "KAMGRAPH_NEO4J_PASSWORD"
ENV_DATABASE = "KAMGRAPH_NEO4J_DATABASE"
SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
DEFAULT_BATCH_SIZE = 5_000

#: Node-entity columns held by an edge (ABOUT / FOR) instead of a property.
LINKED_COLUMNS: dict[str, tuple[str, ...]] = {
    "interactions": ("account_id", "opportunity_id"),
    "opportunities": ("account_id",),
}

#: relationship type -> relationship entity (for erase_person's per-entity counts)
_ENTITY_OF_TYPE = {e.rel_type: name for name, e in ENTITIES.items() if e.rel_type}


#: statements :meth:`Neo4jStore.run_statement` offers for administration and tests (counts of
#: everything, the server's schema, emptying a test database, tracing an erased value)
ADMIN_STATEMENTS: tuple[str, ...] = (
    "count_all_nodes", "count_all_relationships", "show_constraints", "show_indexes", "clear_database",
    "trace_value_in_nodes", "trace_value_in_relationships", "trace_value_in_audit",
)


def required_statements() -> list[str]:
    """Every registry statement name this module runs: all of them exist, and (aiosql style)
    no other statement is in the store's files, except ``schema.cypher``'s, which
    :meth:`Neo4jStore.init` runs whole (both checked when a store opens)."""
    names = ["meta_bump_data_version", "meta_data_version", "meta_lower_history_from", "meta_history_from",
             "meta_log_write", "meta_write_log",
             "delete_opportunities_of_accounts",
             "erase_person_relationship_counts", "erase_person_attended", "erase_person_clear_assessed_by",
             "erase_person_clear_account_owner", "erase_person_delete", "erase_person_orphan_interactions",
             "erase_person_audit", "audit_reserve_seq", "meta_reserve_seq_bump_version", "audit_append", "audit_all",
             "audit_by_refs", "audit_of_entities", "audit_set_texts"]
    for name in WRITE_ORDER:
        ent = ENTITIES[name]
        names += [f"upsert_{name}", f"read_{name}", f"count_{name}"]
        names += [f"read_{name}_by_{c}" for c in ent.filter_columns]
        if ent.label:
            names += [f"existing_ids_{name}", f"create_{name}"]
        if name != "people":
            names.append(f"delete_{name}")
        for col in LINKED_COLUMNS.get(name, ()):
            names += [f"unlink_{name}_{col}", f"link_{name}_{col}"]
    return names


class _BatchRejected(Exception):
    """Raised inside a batch transaction (so the driver rolls it back) when rows point at
    nodes that do not exist."""


@dataclass(frozen=True)
class _Step:
    statement: str
    params: dict
    expected: int | None  # rows the statement must report, or None


@dataclass(frozen=True)
class _Plan:
    """One entity's new and changed rows, prepared for batching, with their audit entries."""

    entity: str
    rows: list[dict]  # one parameter map per row (see cypher/upsert.cypher), in key order
    new: list[bool]  # aligned with rows: the row's key was absent when the write read the store
    links: dict[str, list[dict]]  # linked column -> [{id, ref}] aligned with rows
    audit: list[dict]  # one audit entry per row (see cypher/audit.cypher), aligned with rows

    def steps(self, start: int, stop: int) -> list[_Step]:
        """One batch's statements. A node entity's new rows are CREATEd (the id constraint
        still rejects a node another writer created meanwhile) and linked without unlinking
        (a node created in this transaction has no edges); changed rows are MERGEd, unlinked
        and linked. Relationship rows are MERGEd, all of them, since no constraint would
        catch a duplicate edge. The audit step comes last."""
        rows = self.rows[start:stop]
        out: list[_Step] = []
        if ENTITIES[self.entity].label:
            new = self.new[start:stop]
            created = [r for r, n in zip(rows, new) if n]
            kept = [r for r, n in zip(rows, new) if not n] if len(created) < len(rows) else []
            if created:
                out.append(_Step(f"create_{self.entity}", {"rows": created}, None))
            if kept:
                out.append(_Step(f"upsert_{self.entity}", {"rows": kept}, None))
            for col, refs in self.links.items():
                part = refs[start:stop]
                if kept:
                    out.append(_Step(f"unlink_{self.entity}_{col}", {"rows": [r for r, n in zip(part, new) if not n]},
                                     None))
                linked = [r for r in part if r["ref"] is not None]
                if linked:
                    out.append(_Step(f"link_{self.entity}_{col}", {"rows": linked}, len(linked)))
        else:
            out.append(_Step(f"upsert_{self.entity}", {"rows": rows}, len(rows)))
        entries = self.audit[start:stop]
        out.append(_Step("audit_append", {"entries": entries}, len(entries)))
        return out


_FULL = object()


def _entry(who: tuple, action: str, entity: str, key: dict, before: dict | None, after: dict | None,
           stored_after=_FULL) -> dict:
    """One audit entry's parameter map (seq is added inside the transaction). An insert
    stores no values, only which columns were supplied (``stored_after``:
    :func:`~kamgraph.store.base.insert_columns_marker`); its refs still come from ``after``."""
    at, actor, source = who
    return {"at": at, "actor": actor, "source": source, "action": action, "entity": entity,
            "key": audit_json(key), "before": audit_json(before),
            "after": audit_json(after) if stored_after is _FULL else stored_after,
            "refs": audit_refs(entity, key, before, after)}


class Neo4jStore(BaseStore):
    """A kamgraph store in a Neo4j database, reached over Bolt.

    ``batch_size`` rows per write transaction; ``max_retry_seconds`` is how long the
    driver retries a transaction on transient errors (its own default is 30 s);
    ``connection_timeout`` bounds each connection attempt.
    """

    def __init__(self, url: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 max_retry_seconds: float = 30.0, connection_timeout: float = 10.0):
        import neo4j
        from neo4j.exceptions import ConfigurationError

        self.url = _check_url(url)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ConfigError(gettext("batch size must be a positive whole number, not {value}").format(
                value=repr(batch_size)))
        self.batch_size = batch_size
        user = user if user is not None else os.environ.get(ENV_USER) or None
        password = password if password is not None else os.environ.get(ENV_PASSWORD)
        self.database = database if database is not None else (os.environ.get(ENV_DATABASE) or None)
        self._registry = cypher_registry.load()
        self._registry.require(required_statements() + list(ADMIN_STATEMENTS),
                               exhaustive_except=("schema.cypher",))
        auth = (user or "neo4j", password or "") if (user or password) else None
        try:
            # the password lives only inside the driver: not on self, not in repr
            self._driver = neo4j.GraphDatabase.driver(
                self.url, auth=auth, max_transaction_retry_time=float(max_retry_seconds),
                connection_timeout=float(connection_timeout))
        except (ConfigurationError, ValueError) as e:
            raise ConfigError(gettext("cannot use Neo4j URL {url}: {reason}").format(url=repr(self.url), reason=e)) from None
        self._initialized = False

    def __repr__(self) -> str:
        return f"Neo4jStore(url={self.url!r}, database={self.database!r}, batch_size={self.batch_size})"

    # -- plumbing ---------------------------------------------------------------------
    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn the driver's connection and server errors into StoreUnavailable / ConfigError."""
        from neo4j.exceptions import (
            AuthError,
            ConstraintError,
            DriverError,
            IncompleteCommit,
            Neo4jError,
            ServiceUnavailable,
            SessionExpired,
        )

        try:
            with _quiet_driver_log():
                yield
        except AuthError:
            raise StoreUnavailable(gettext("{action}: Neo4j at {url} rejected the credentials (check {user_env} and "
                                           "{password_env})").format(action=action, url=self.url, user_env=ENV_USER,
                                                                     password_env=ENV_PASSWORD)) from None
        except IncompleteCommit:
            raise StoreUnavailable(gettext("{action}: the connection to Neo4j at {url} was lost while committing; the "
                                           "change may or may not have been applied").format(
                action=action, url=self.url)) from None
        except (ServiceUnavailable, SessionExpired, OSError) as e:
            raise StoreUnavailable(gettext("{action}: cannot reach Neo4j at {url} ({reason})").format(
                action=action, url=self.url, reason=_reason(e))) from None
        except ConstraintError as e:
            raise StoreUnavailable(gettext("{action}: rejected by Neo4j: {reason}").format(
                action=action, reason=_reason(e))) from None
        except Neo4jError as e:
            if "DatabaseNotFound" in (e.code or ""):
                raise ConfigError(gettext("{action}: Neo4j at {url} has no database {database} (set {env})").format(
                    action=action, url=self.url, database=repr(self.database), env=ENV_DATABASE)) from None
            raise
        except DriverError as e:
            raise StoreUnavailable(gettext("{action}: Neo4j at {url}: {reason}").format(
                action=action, url=self.url, reason=_reason(e))) from None

    def _cypher(self, name: str) -> str:
        return self._registry.get(name)

    def _query(self, name: str, params: Mapping[str, Any] | None = None, *, write: bool = False,
               action: str | None = None) -> tuple[list[str], list[list]]:
        import neo4j

        self._ensure_init()
        with self._errors(action or gettext("reading from Neo4j")):
            return self._driver.execute_query(
                self._cypher(name), dict(params or {}), database_=self.database,
                routing_=neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ,
                result_transformer_=_keys_and_values)

    def _ensure_init(self) -> None:
        if not self._initialized:
            self.init()

    def init(self) -> None:
        """Create the constraints and indexes of ``cypher/schema.cypher`` (IF NOT EXISTS).

        Runs automatically before the first read or write of this store object.
        """
        import neo4j

        with self._errors(gettext("preparing the Neo4j schema")):
            self._driver.verify_connectivity()  # fails fast (no retries) when unreachable
            for st in self._registry.in_file("schema.cypher"):
                self._driver.execute_query(st.text, database_=self.database,
                                           routing_=neo4j.RoutingControl.WRITE)
        self._initialized = True

    def run_statement(self, name: str, params: Mapping[str, Any] | None = None,
                      write: bool = False) -> list[dict]:
        """Run one named registry statement and return its records as dicts.

        For tests and administration (e.g. ``count_all_nodes``, ``clear_database``); the
        store's own operations do not go through it.
        """
        keys, rows = self._query(name, params, write=write,
                                 action=gettext("running {name}").format(name=name) if write else None)
        return [dict(zip(keys, r)) for r in rows]

    # -- writes -----------------------------------------------------------------------
    def write(self, tables: Mapping[str, pd.DataFrame], progress: Progress | None = None,
              references_checked: bool = False, history_from=None, actor: str | None = None,
              source: str | None = None) -> WriteResult:
        """Upsert the new and changed rows of several entities, in :data:`~kamgraph.schema.WRITE_ORDER`.

        Each entity's rows are first compared with the stored ones (read by the entity's
        first key column, a filter column): rows equal in every supplied column are left
        out, the others are written with their audit entries (:meth:`audit`) in the same
        batch transactions. Nothing changed: nothing is written, the version stays.

        Each entity is written in batches of ``batch_size`` rows, one transaction per
        batch. Frames are checked before anything is written (key and required columns
        present and filled); a batch whose rows point at missing nodes is rolled back and
        reported. On any failure the :class:`StoreUnavailable` lists the batches that
        committed (``.committed`` = ``[(entity, batch number), ...]``).
        """
        for name in tables:
            check_entity(name)
        checked = [(name, *self._records(name, tables[name])) for name in WRITE_ORDER
                   if tables.get(name) is not None and len(tables[name])]
        result = WriteResult()
        if not checked:
            return result
        self._ensure_init()
        who = (utc_now(), actor, source)
        plans = []
        for name, present, columns in checked:
            plan = self._diff(name, present, columns, who)
            supplied = len(columns[present[0]])
            if supplied - len(plan.rows):
                result.unchanged[name] = supplied - len(plan.rows)
            if plan.rows:
                plans.append(plan)
        history_start = incoming_history_start(tables, history_from)
        if not plans:  # nothing new: nothing written, unless the history now starts earlier
            recorded = self._query("meta_history_from")[1][0][0]
            if history_start is None or (recorded is not None and history_start >= recorded):
                result.data_version = self.data_version()
                return result
        committed: list[tuple[str, int]] = []
        sizes: dict[str, int] = {}
        with self._errors(gettext("writing to Neo4j")):
            session = self._driver.session(database=self.database)
        try:
            for plan in plans:
                n = len(plan.rows)
                batches = -(-n // self.batch_size)
                for no in range(1, batches + 1):
                    start, stop = (no - 1) * self.batch_size, min(no * self.batch_size, n)
                    where = gettext("{entity} batch {no} of {batches} (rows {first}-{last})").format(
                        entity=plan.entity, no=no, batches=batches, first=f"{start + 1:,}", last=f"{stop:,}")
                    try:
                        with self._errors(gettext("writing {where}").format(where=where)):
                            version = session.execute_write(self._batch_tx, plan.entity, no,
                                                            plan.steps(start, stop))
                    except _BatchRejected as e:
                        raise StoreUnavailable(gettext(
                            "write rejected by the store at {where}: {reason}; that batch was rolled back. "
                            "{committed}").format(where=where, reason=e,
                                                  committed=_committed_text(committed, sizes, self.batch_size)),
                            committed) from None
                    except StoreUnavailable as e:
                        raise StoreUnavailable(gettext(
                            "Neo4j import interrupted: {reason}. {committed} Re-running the same import completes it "
                            "(writes are idempotent).").format(
                            reason=e, committed=_committed_text(committed, sizes, self.batch_size)),
                            committed) from None
                    committed.append((plan.entity, no))
                    sizes[plan.entity] = n
                    result.batches += 1
                    result.data_version = version
                    if progress:
                        progress(plan.entity, stop, n)
                result.rows[plan.entity] = n
            entry = _log_entry(actor, "write", result.rows)
            with self._errors(gettext("recording the write")):  # after every batch committed
                version = session.execute_write(self._finish_write_tx, history_start, entry, not plans)
                if not plans:
                    result.data_version = version
        finally:
            session.close()
        return result

    def _finish_write_tx(self, tx, start: int | None, entry: str, bump: bool) -> int | None:
        """Where the history starts (idempotent like the batches) and the write log entry;
        ``bump``: a write that only moved the history's start bumps the version here."""
        if start is not None:
            tx.run(self._cypher("meta_lower_history_from"), {"day": start}).consume()
        tx.run(self._cypher("meta_log_write"), {"entry": entry}).consume()
        if bump:
            return tx.run(self._cypher("meta_bump_data_version")).single()["data_version"]
        return None

    def write_log(self) -> pd.DataFrame:
        """Every recorded write, oldest first: at (UTC, ISO 8601), actor, action, rows (entity -> count)."""
        entries = self._query("meta_write_log")[1][0][0] or []
        frame = pd.DataFrame([json.loads(e) for e in entries], columns=["at", "actor", "action", "rows"])
        return frame

    def _batch_tx(self, tx, entity: str, batch_no: int, steps: Sequence[_Step]) -> int:
        """One batch: its statements, then its audit entries with the data-version bump
        (one statement reserves their sequence numbers and bumps the version), in one
        transaction."""
        version = None
        for step in steps:
            if step.statement == "audit_append":
                version = self._append_audit(tx, step.params["entries"], bump=True)
                continue
            got = tx.run(self._cypher(step.statement), step.params).single()["rows"]
            if step.expected is not None and got != step.expected:
                raise _BatchRejected(self._describe_missing(tx, entity, step, got))
        if version is None:
            version = tx.run(self._cypher("meta_bump_data_version")).single()["data_version"]
        return version

    def _append_audit(self, tx, entries: Sequence[dict], bump: bool = False) -> int | None:
        """Number ``entries`` (seq numbers reserved on the meta node) and create them;
        ``bump``: the same statement bumps the data version, which is returned."""
        if bump:
            rec = tx.run(self._cypher("meta_reserve_seq_bump_version"), {"n": len(entries)}).single()
            last, version = rec["last"], rec["data_version"]
        elif not entries:
            return None
        else:
            last, version = tx.run(self._cypher("audit_reserve_seq"), {"n": len(entries)}).single()["last"], None
        if entries:
            first = int(last) - len(entries) + 1
            for i, e in enumerate(entries):  # (numbered again if the driver retries the transaction)
                e["seq"] = first + i
            tx.run(self._cypher("audit_append"), {"entries": entries}).consume()
        return version

    def _describe_missing(self, tx, entity: str, step: _Step, got: int) -> str:
        """Name the ids a short batch points at that do not exist."""
        ent = ENTITIES[entity]
        rows = step.params["rows"]
        if step.statement.startswith("link_"):
            col = step.statement[len(f"link_{entity}_"):]
            wanted = {col: sorted({r["ref"] for r in rows if r["ref"] is not None})}
        else:
            wanted = {c: sorted({r[c] for r in rows}) for c in (ent.rel_from, ent.rel_to)}
        problems = []
        for col, ids in wanted.items():
            targets = ent.column(col).references
            found: set[str] = set()
            for target in targets:
                found.update(r["id"] for r in tx.run(self._cypher(f"existing_ids_{target}"), {"ids": ids}).data())
            missing = [i for i in ids if i not in found]
            if missing:
                shown = ", ".join(repr(m) for m in missing[:5])
                if len(missing) > 5:
                    shown = gettext("{ids} and {n} more").format(ids=shown, n=len(missing) - 5)
                problems.append(gettext("{column} {ids} (no such {targets})").format(
                    column=col, ids=shown, targets=" or ".join(targets)))
        expected = step.expected or 0
        words = {"n": expected - got, "expected": expected, "entity": entity, "problems": "; ".join(problems)}
        if problems:
            return gettext("{n} of {expected} {entity} rows point at nodes that do not exist: {problems}").format(**words)
        return gettext("{n} of {expected} {entity} rows point at nodes that do not exist").format(**words)

    def _records(self, entity: str, df: pd.DataFrame) -> tuple[list[str], dict[str, list]]:
        """Check a frame like SQLite's NOT NULL / primary key would: (supplied columns, their
        values as plain Python values column by column, the last of duplicate keys kept)."""
        ent = ENTITIES[entity]
        present = [c for c in ent.column_names if c in df.columns]
        missing = [c.name for c in ent.columns if c.required and c.name not in df.columns]
        if missing:
            raise StoreUnavailable(gettext("write rejected by the store, nothing was written: {entity} has no "
                                           "column {columns} (required)").format(
                entity=entity, columns=", ".join(map(repr, missing))))
        df = df.drop_duplicates(list(ent.key), keep="last") if df.duplicated(list(ent.key)).any() else df
        columns = plain_columns(entity, df[present])
        for col in ent.columns:
            if not col.required:
                continue
            values = columns[col.name]
            empty = values.count(None)
            if empty:
                at = values.index(None)
                first = {k: columns[k][at] for k in ent.key}
                raise StoreUnavailable(gettext(
                    "write rejected by the store, nothing was written: {n} {entity} row(s) have no value in required "
                    "column {column} (first: {first})").format(n=empty, entity=entity, column=repr(col.name),
                                                                first=first))
        return present, columns

    def _stored(self, entity: str, key_values: Sequence[str]) -> dict[tuple, dict]:
        """The stored rows whose first key column is in ``key_values``, by key, as plain values."""
        ent = ENTITIES[entity]
        out: dict[tuple, dict] = {}
        values = sorted(set(key_values))
        for start in range(0, len(values), self.batch_size):
            frame = self.read(entity, ent.key[0], values[start:start + self.batch_size])
            for r in to_records(entity, frame):
                out[tuple(r[k] for k in ent.key)] = r
        return out

    def _diff(self, entity: str, present: list[str], columns: dict[str, list], who: tuple) -> _Plan:
        """Compare the rows (``columns``, from :meth:`_records`) with the stored ones (read by
        the entity's first key column) and plan the new and changed ones, in key order, each
        with its audit entry: an insert's ``after`` is which columns were supplied, an
        update's before / after the changed columns.

        Inserts, all of a bulk import into an empty store, are planned column by column (their
        keys as JSON and refs built once per column, not per row through :func:`_entry`);
        only rows whose key is stored are compared one by one."""
        ent = ENTITIES[entity]
        key = list(ent.key)
        n = len(columns[key[0]])
        keys = list(zip(*(columns[k] for k in key)))
        order = sorted(range(n), key=keys.__getitem__)
        if order != list(range(n)):
            keys = [keys[i] for i in order]
            columns = {c: [v[i] for i in order] for c, v in columns.items()}
        stored = self._stored(entity, columns[key[0]])
        others = [c for c in present if c not in ent.key]
        at, actor, source = who
        # the rows' audit entries, in key order; None: an unchanged row (left out)
        if stored:
            olds = [stored.get(k) for k in keys]
            new = [old is None for old in olds]
        else:
            olds, new = None, [True] * n
        inserted = [i for i in range(n) if new[i]]
        entries: list[dict | None] = [None] * n
        if inserted:
            marker = insert_columns_marker(entity, present)  # what an insert entry stores as after
            part = {c: columns[c] if len(inserted) == n else [columns[c][i] for i in inserted] for c in present}
            for i, k, refs in zip(inserted, _key_texts(entity, part), _insert_refs(entity, part)):
                entries[i] = {"at": at, "actor": actor, "source": source, "action": "insert", "entity": entity,
                              "key": k, "before": None, "after": marker, "refs": refs}
        if olds is not None:
            for i, old in enumerate(olds):
                if old is None:
                    continue
                r = {c: columns[c][i] for c in present}
                diff = [c for c in others if old[c] != r[c]]
                if diff:
                    entries[i] = _entry(who, "update", entity, dict(zip(key, keys[i])), {c: old[c] for c in diff},
                                        {c: r[c] for c in diff})
        keep = [i for i in range(n) if entries[i] is not None]
        if len(keep) < n:
            columns = {c: [v[i] for i in keep] for c, v in columns.items()}
            new = [new[i] for i in keep]
        audit = [e for e in entries if e is not None]
        linked = [c for c in LINKED_COLUMNS.get(entity, ()) if c in present]
        if ent.label:
            props = [c for c in present if c != "id" and c not in LINKED_COLUMNS.get(entity, ())]
            rows = [{"id": i, "props": dict(zip(props, vals))}
                    for i, vals in zip(columns["id"], zip(*(columns[c] for c in props)) if props else ((),) * len(keep))]
        else:
            props = [c for c in present if c not in ent.key]
            rows = [{**dict(zip(key, k)), "props": dict(zip(props, vals))}
                    for k, vals in zip(zip(*(columns[c] for c in key)),
                                       zip(*(columns[c] for c in props)) if props else ((),) * len(keep))]
        links = {c: [{"id": i, "ref": ref} for i, ref in zip(columns["id"], columns[c])] for c in linked}
        return _Plan(entity, rows, new, links, audit)

    def delete(self, entity: str, keys: pd.DataFrame, actor: str | None = None,
               source: str | None = None) -> int:
        """Delete rows by key, with the SQLite store's semantics for what depends on them.

        Deleting a node removes its relationships (DETACH DELETE): relationship rows that
        require it go, and edge-held references (an interaction's account or opportunity)
        become empty. An account's opportunities go with it; people are erased with
        :meth:`erase_person`. Each deleted row is audited (``before``: the stored row, read
        first), and so is what it takes with it (:meth:`_cascade`); deleting nothing writes
        nothing. Returns the number of ``entity`` rows deleted.
        """
        check_entity(entity)
        ent = ENTITIES[entity]
        if entity == "people":
            return self.erase_people(keys["id"].tolist(), actor=actor)
        wanted = {tuple(r[k] for k in ent.key) for r in to_records(entity, keys)
                  if all(r[k] is not None for k in ent.key)}
        if not wanted:
            return 0
        self._ensure_init()
        stored = self._stored(entity, [k[0] for k in wanted])
        who = (utc_now(), actor, source)
        entries = [_entry(who, "delete", entity, dict(zip(ent.key, k)), stored[k], None)
                   for k in sorted(wanted) if k in stored]
        if not entries:
            return 0
        if ent.label:
            entries += self._cascade(entity, sorted(k[0] for k in wanted if k in stored), who)
        if ent.label:
            ids = sorted(k[0] for k in wanted)
            steps = ([_Step("delete_opportunities_of_accounts", {"ids": ids}, None)] if entity == "accounts" else [])
            steps.append(_Step(f"delete_{entity}", {"ids": ids}, None))
        else:
            rows = [dict(zip(ent.key, k)) for k in sorted(wanted)]
            steps = [_Step(f"delete_{entity}", {"rows": rows}, None)]
        with self._errors(gettext("deleting {entity} from Neo4j").format(entity=entity)), self._driver.session(database=self.database) as s:
            return s.execute_write(self._delete_tx, steps, entity, actor, entries)

    def _cascade(self, entity: str, ids: Sequence[str], who: tuple) -> list[dict]:
        """The audit entries of what deleting the ``entity`` nodes ``ids`` takes with it, in
        the order the SQLite store records them (its ``_detach``): rows requiring them are
        deleted (an opportunity's own dependents first), optional references are emptied."""
        out: list[dict] = []
        wanted = set(ids)
        for other in WRITE_ORDER:
            ent = ENTITIES[other]
            for col in ent.columns:
                if entity not in col.references:
                    continue
                if col.name in ent.filter_columns:
                    frame = self.read(other, col.name, sorted(wanted))
                else:
                    frame = self.read(other)
                rows = [r for r in to_records(other, frame) if r[col.name] in wanted]
                rows.sort(key=lambda r: tuple(r[k] for k in ent.key))
                if col.required:
                    if ent.key == ("id",) and rows:
                        out += self._cascade(other, [r["id"] for r in rows], who)
                    out += [_entry(who, "delete", other, {k: r[k] for k in ent.key}, r, None) for r in rows]
                else:
                    out += [_entry(who, "update", other, {k: r[k] for k in ent.key}, {col.name: r[col.name]},
                                   {col.name: None}) for r in rows]
        return out

    def _delete_tx(self, tx, steps: Sequence[_Step], entity: str, actor: str | None, entries: Sequence[dict]) -> int:
        n = 0
        for step in steps:
            n = tx.run(self._cypher(step.statement), step.params).single()["rows"]
        if n:
            self._append_audit(tx, entries)
            tx.run(self._cypher("meta_log_write"), {"entry": _log_entry(actor, "delete", {entity: n})}).consume()
            tx.run(self._cypher("meta_bump_data_version")).consume()
        return n  # rows of the last statement: the entity's own

    def erase_person(self, person_id: str, actor: str | None = None) -> Erasure:
        """Hard-delete a person in one transaction (see ``cypher/person.cypher``).

        Their relationships go; assessments they authored and accounts they owned stay
        without ``assessed_by`` / ``owner_id``; interactions left with no attendee are
        deleted. Returns rows removed per entity, as the SQLite store does.
        """
        self._ensure_init()
        person_id = str(person_id)
        # read first (the transaction below cannot read through this store): the inserts the
        # erasure would leave unrebuildable (rows changed without entries, entries deleted),
        # stored in full inside the erasure's transaction
        attended = self.read("attendance", "person_id", [person_id])["interaction_id"].tolist()
        _naming, keep = self._erasure_completions(person_id, attended)
        with self._errors(gettext("erasing a person in Neo4j")), self._driver.session(database=self.database) as s:
            return Erasure(s.execute_write(self._erase_tx, person_id, actor, keep))

    def _erase_tx(self, tx, person_id: str, actor: str | None = None,
                  keep: Sequence[tuple[int, str]] = ()) -> dict[str, int]:
        params = {"id": person_id}
        if not tx.run(self._cypher("existing_ids_people"), {"ids": [person_id]}).data():
            raise NotFound(gettext("no person with id {id}").format(id=repr(person_id)))
        if keep:
            tx.run(self._cypher("audit_set_texts"),
                   {"rows": [{"seq": seq, "before": None, "after": after} for seq, after in keep]}).consume()
        counts: dict[str, int] = {}
        for rec in tx.run(self._cypher("erase_person_relationship_counts"), params):
            entity = _ENTITY_OF_TYPE.get(rec["type"])
            if entity:
                counts[entity] = counts.get(entity, 0) + rec["n"]
        attended = [r["id"] for r in tx.run(self._cypher("erase_person_attended"), params)]
        tx.run(self._cypher("erase_person_clear_assessed_by"), params).consume()
        tx.run(self._cypher("erase_person_clear_account_owner"), params).consume()
        tx.run(self._cypher("erase_person_delete"), params).consume()
        counts["interactions"] = tx.run(self._cypher("erase_person_orphan_interactions"),
                                        {"ids": attended}).single()["rows"]
        counts["people"] = 1
        # the audit trail forgets them: every entry naming them goes
        tx.run(self._cypher("erase_person_audit"), {"ref": f"people:{person_id}"}).consume()
        counts = {k: v for k, v in counts.items() if v}
        tx.run(self._cypher("meta_log_write"), {"entry": _log_entry(actor, "erase_person", counts)}).consume()
        tx.run(self._cypher("meta_bump_data_version")).consume()
        return counts

    # -- reads ------------------------------------------------------------------------
    def read(self, entity: str, column: str | None = None,
             values: Sequence[str] | None = None) -> pd.DataFrame:
        check_entity(entity)
        if column is None:
            keys, rows = self._query(f"read_{entity}")
        else:
            check_column(entity, column)
            vals = _coerce_values(ENTITIES[entity], column, values or [])
            if not vals:
                return empty_frame(entity)
            keys, rows = self._query(f"read_{entity}_by_{column}", {"values": vals})
        return normalize_frame(entity, pd.DataFrame.from_records(rows, columns=keys or ENTITIES[entity].column_names))

    def counts(self) -> dict[str, int]:
        return {name: self._query(f"count_{name}")[1][0][0] for name in WRITE_ORDER}

    # -- the audit trail (kamgraph/store/base.py builds audit() and mentions() on these) ----
    _AUDIT_FIELDS = ("seq", "at", "actor", "source", "action", "entity", "key", "before", "after")

    def _audit_tuples(self, name: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        keys, rows = self._query(name, params)
        if not rows:  # (a server may name no columns for an empty result)
            return []
        at = [keys.index(f) for f in self._AUDIT_FIELDS]
        return [tuple(r[i] for i in at) for r in rows]

    def _current_rows(self, entity: str, keys: Sequence[tuple]) -> dict[tuple, dict]:
        wanted = set(keys)
        stored = self._stored(entity, [k[0] for k in wanted])
        return {k: row for k, row in stored.items() if k in wanted}

    def _audit_rows(self, refs: Sequence[str] | None) -> list[tuple]:
        if refs is None:
            return self._audit_tuples("audit_all")
        return self._audit_tuples("audit_by_refs", {"refs": [str(r) for r in refs]})

    def _audit_text_rows(self, entities: Sequence[str]) -> list[tuple]:
        return self._audit_tuples("audit_of_entities", {"entities": list(entities)})

    def _set_audit_texts(self, rows: Sequence[tuple[int, str | None, str | None]]) -> None:
        self._query("audit_set_texts", {"rows": [{"seq": seq, "before": b, "after": a} for seq, b, a in rows]},
                    write=True, action=gettext("redacting the audit trail in Neo4j"))

    def data_version(self) -> int:
        return int(self._query("meta_data_version")[1][0][0])

    def history_from(self) -> pd.Timestamp | None:
        recorded, first = self._query("meta_history_from")[1][0]
        if recorded is not None:
            return pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(recorded))
        return pd.Timestamp(str(first)) if first is not None else None

    def close(self) -> None:
        self._driver.close()


# -- helpers ------------------------------------------------------------------------------
_QUIET_LOCK = threading.Lock()
_quiet_depth = 0
_saved_level = logging.NOTSET


@contextmanager
def _quiet_driver_log() -> Iterator[None]:
    """Silence the driver's own warnings while the store talks to the server: when a server
    dies the driver logs a multi-line "will be retried" message per retry before giving up,
    and the store's one-line StoreUnavailable already says what happened. Errors still log.
    Nested and concurrent uses keep the level raised until the last one ends."""
    global _quiet_depth, _saved_level
    driver_log = logging.getLogger("neo4j")
    with _QUIET_LOCK:
        if _quiet_depth == 0:
            _saved_level = driver_log.level
            driver_log.setLevel(max(logging.ERROR, _saved_level))
        _quiet_depth += 1
    try:
        yield
    finally:
        with _QUIET_LOCK:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                driver_log.setLevel(_saved_level)


#: characters :func:`json.dumps` escapes in a string (with ``ensure_ascii=False``)
_JSON_ESCAPED = re.compile(r'[\x00-\x1f"\\]')


def _json_values(values: Sequence) -> list[str]:
    """``json.dumps(v, ensure_ascii=False)`` of each value: strings that need no escaping
    (checked once over all of them) are quoted directly, anything else goes through json."""
    if all(type(v) is str for v in values) and not _JSON_ESCAPED.search("".join(values)):
        return ['"' + v + '"' for v in values]
    return [json.dumps(v, ensure_ascii=False, allow_nan=False) for v in values]


def _key_texts(entity: str, columns: Mapping[str, list]) -> list[str]:
    """Each row's audit key, the text :func:`~kamgraph.store.base.audit_json` makes of
    ``{key column: value}`` (a JSON object in key order).

    >>> _key_texts("ties", {"person_id": ["P1"], "other_id": ["P2"], "kind": ["friend"]})
    ['{"person_id": "P1", "other_id": "P2", "kind": "friend"}']
    """
    parts = []
    for k in ENTITIES[entity].key:
        name = json.dumps(k) + ": "
        parts.append([name + v for v in _json_values(columns[k])])
    return ["{" + ", ".join(p) + "}" for p in zip(*parts)]


def _insert_refs(entity: str, columns: Mapping[str, list]) -> list[list[str]]:
    """Each inserted row's refs, as :func:`~kamgraph.store.base.audit_refs` finds them in its
    key and values (ref columns in order, each of its targets, no ref twice).

    >>> _insert_refs("employment", {"person_id": ["P1"], "org_id": ["A1"]})
    [['people:P1', 'accounts:A1', 'organizations:A1']]
    """
    per: list[list] = []
    targets_seen: list[str] = []
    twice = False
    for col, targets in audit_ref_columns(entity):
        values = columns.get(col)
        if values is None:
            continue
        for t in targets:
            twice = twice or t in targets_seen
            targets_seen.append(t)
            prefix = t + ":"
            per.append([None if v is None else prefix + str(v) for v in values])
    if not per:
        n = len(next(iter(columns.values()))) if columns else 0
        return [[] for _ in range(n)]
    refs = [[r for r in row if r is not None] for row in zip(*per)]
    if twice:  # two columns naming the same entity (ties, reports_to, influence): one ref per id
        refs = [list(dict.fromkeys(r)) for r in refs]
    return refs


def _log_entry(actor: str | None, action: str, rows: Mapping[str, int]) -> str:
    """One write log entry: who, when, what (entity -> row count; never ids)."""
    return json.dumps({"at": utc_now(), "actor": actor, "action": action, "rows": dict(rows)}, sort_keys=True)

def _check_url(url: str) -> str:
    """Accept a Bolt/Neo4j URL without credentials; never echo credentials back."""
    raw = str(url).strip()
    parts = urlsplit(raw)
    if "@" in parts.netloc:
        safe = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
        raise ConfigError(gettext("the Neo4j URL must not contain a user or password ({url} with credentials "
                                  "removed): set {user_env} and {password_env} instead").format(
            url=safe, user_env=ENV_USER, password_env=ENV_PASSWORD))
    if parts.scheme.lower() not in SCHEMES:
        raise ConfigError(gettext("not a Neo4j URL: {url} (expected neo4j://host:7687 or bolt://host:7687)").format(
            url=repr(raw)))
    if not parts.hostname:
        raise ConfigError(gettext("the Neo4j URL {url} has no host (expected neo4j://host:7687)").format(url=repr(raw)))
    return raw


def _keys_and_values(result) -> tuple[list[str], list[list]]:
    return list(result.keys()), result.values()


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:300]


def _coerce_values(ent: Entity, column: str, values: Sequence) -> list:
    """Filter values in the type the column is stored as (ids and dates are strings)."""
    kind = ent.column(column).type
    out: list = []
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            continue
        try:
            if kind == "int":
                out.append(int(float(v)))
            elif kind == "float":
                out.append(float(v))
            elif kind == "bool":
                b = _to_bool(v)
                if b is not None:
                    out.append(b)
            else:
                out.append(str(v))
        except (TypeError, ValueError):
            continue  # cannot equal any stored value
    return out


def _committed_text(committed: list[tuple[str, int]], sizes: dict[str, int], batch_size: int) -> str:
    if not committed:
        return gettext("Nothing was committed.")
    per: dict[str, list[int]] = {}
    for entity, no in committed:
        per.setdefault(entity, []).append(no)
    parts = []
    for entity, nos in per.items():
        rows = min(nos[-1] * batch_size, sizes.get(entity, nos[-1] * batch_size))
        if len(nos) == 1:
            part = gettext("{entity} batch {no} (rows 1-{rows})").format(entity=entity, no=nos[0], rows=f"{rows:,}")
        else:
            part = gettext("{entity} batches {first}-{last} (rows 1-{rows})").format(
                entity=entity, first=nos[0], last=nos[-1], rows=f"{rows:,}")
        parts.append(part)
    return gettext("Committed before the failure: {parts}.").format(parts=", ".join(parts))
