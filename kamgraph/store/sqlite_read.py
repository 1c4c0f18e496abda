"""The SQLite store's fast reads: rows straight into Arrow columns, scopes selected in SQL.

:class:`~kamgraph.store.sqlite.SQLiteStore` reads through here when it can (a store file,
outside a write transaction) and falls back to its plain ``sqlite3`` reads otherwise:

- The Arrow reads run in a child process (:mod:`kamgraph.store.adbc_worker`): the ADBC
  driver links its own copy of SQLite, and two copies of SQLite must never open one file in
  one process (their POSIX locks would cancel each other's). A child costs ~0.2 s to start,
  so only whole-table reads of the large tables (:data:`LARGE`) and snapshots take it.
- :func:`read` runs the same ``SELECT`` on a second, read-only connection through
  adbc-driver-sqlite, which hands the rows over as Arrow columns (no Python tuple per row),
  ordered by the entity key in SQL (the tables are clustered on it), and converts each column
  to the snapshot dtype of :func:`kamgraph.schema.normalize_frame` without going through
  Python objects where the type allows. A column whose values do not have the stored type
  (text in an INTEGER column...) sends the whole read to the plain path, so the frames stay
  exactly those of ``normalize_frame``.
- :func:`snapshot` selects a scope (kamgraph/snapshot.py's definition, implemented once more
  in SQL) with temporary tables of ids joined inside SQLite, one query per entity, in one
  read transaction, and hands the snapshot integer codes (:meth:`Snapshot.codes`) computed
  in Arrow while the ids are still Arrow columns. tests/test_snapshot_fast.py compares both
  with the generic path (``build_snapshot`` over the plain reads) frame by frame.

Every statement takes its values as parameters; identifiers come from the schema only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kamgraph.schema import ENTITIES, Entity, empty_frame
from kamgraph.snapshot import Snapshot

log = logging.getLogger(__name__)

#: the rows ADBC reads per batch: every read is one batch, so a column's Arrow type is
#: inferred from all its values (not from the first rows, which may all be NULL)
_BATCH_ROWS = str(2**30)


class _Fallback(Exception):
    """A value is not of its column's stored type: read through the plain path instead."""


def _errors() -> tuple[type[BaseException], ...]:
    """What sends a read to the plain path: :class:`_Fallback`, and any error of the reading
    process (a busy or changed file: the plain path then reports it as it always has)."""
    from kamgraph.store.adbc_worker import WorkerError

    return (_Fallback, WorkerError)


#: a store file smaller than this is read plainly: its reads take less than starting a
#: reading process (~0.2 s); the sample (2 MB) and scale S (13 MB) stay plain, M (130 MB) not
MIN_FILE_BYTES = 32 << 20

#: whole-table reads worth a reading process (~0.2 s to start): the large relationship tables
LARGE = frozenset({"attendance", "ties", "interactions", "employment", "assessments", "memberships", "people"})


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _columns(ent: Entity, alias: str = "") -> str:
    return ", ".join(alias + _q(c) for c in ent.column_names)


def _order(ent: Entity, alias: str = "") -> str:
    return ", ".join(alias + _q(c) for c in ent.key)


# -- connections ---------------------------------------------------------------------------

def connect(store):
    """A read-only connection to the store's file served by a child process
    (:class:`~kamgraph.store.adbc_worker.RemoteConnection`), or None where the fast path does
    not apply: an in-memory store, a store whose file does not exist yet, a read inside the
    store's own write transaction (the other connection would not see its rows), no driver.
    The caller holds ``store._lock``."""
    if store.path == ":memory:" or store._placeholder:
        return None
    conn = store._conn
    if conn is None or conn.in_transaction:
        return None
    try:
        import adbc_driver_sqlite  # noqa: F401  (the child needs it)
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    file = Path(store.path).expanduser().resolve()
    if not file.is_file() or file.stat().st_size < MIN_FILE_BYTES:
        return None
    from kamgraph.store.adbc_worker import RemoteConnection, WorkerError

    try:
        # a fresh connection's page cache is empty: pages read through a memory map (read-only;
        # SQLite caps the size), a larger cache for the B-tree pages one snapshot revisits
        return RemoteConnection(file, ("PRAGMA mmap_size = 8589934592", "PRAGMA cache_size = -262144"))
    except (WorkerError, OSError) as e:  # pragma: no cover - e.g. a -shm file this process may not open
        log.debug("reading process refused (%s): plain reads", e)
        return None


def _query(conn, sql: str, params: Sequence = ()):
    """The rows of one statement as a pyarrow Table (one batch: types from all values)."""
    return conn.query(sql, params, batch_rows=_BATCH_ROWS)


def _run(conn, sql: str, params: Sequence = ()) -> None:
    conn.run(sql, params)


# -- Arrow columns to snapshot frames --------------------------------------------------------

def _array(table, name: str):
    """One column of an Arrow table as one array (without a copy when it is one chunk)."""
    col = table.column(name)
    return col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()


def _is(arr, *kinds) -> bool:
    import pyarrow as pa

    t = arr.type
    checks = {"string": pa.types.is_string(t) or pa.types.is_large_string(t),
              "int": pa.types.is_int64(t), "float": pa.types.is_float64(t)}
    return any(checks[k] for k in kinds)


def _iso_dates(arr):
    """``YYYY-MM-DD`` strings as timestamp[ns], or None unless every non-null value is one
    (then pandas parses them as ``normalize_frame`` does)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lengths = pc.utf8_length(arr)
    if pc.any(pc.not_equal(lengths, 10)).as_py():
        return None
    parsed = pc.strptime(arr, format="%Y-%m-%d", unit="ns", error_is_null=True)
    if parsed.null_count != arr.null_count:
        return None
    return parsed.cast(pa.timestamp("ns"))


def _writable(values: np.ndarray) -> np.ndarray:
    """``values``, copied when they are a read-only view of Arrow's buffers (frames stay
    writable, as those of the plain path)."""
    return values if values.flags.writeable else values.copy()


def _column(kind: str, arr) -> pd.Series:
    """One Arrow column (a combined array) as its snapshot Series (normalize_frame's dtypes;
    pandas does not copy the arrays made for it)."""
    import pyarrow.compute as pc

    n = len(arr)
    if arr.null_count == n:  # all missing (the type ADBC inferred says nothing)
        if kind == "str":
            return pd.Series(np.full(n, None, dtype=object), dtype=object)
        if kind == "date":
            return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
        if kind == "float":
            return pd.Series(np.full(n, np.nan))
        return pd.Series(pd.array([None] * n, dtype="Int64" if kind == "int" else "boolean"))
    if kind == "str":
        if not _is(arr, "string"):
            raise _Fallback
        return pd.Series(arr.to_numpy(zero_copy_only=False), dtype=object, copy=False)
    if kind == "date":
        if not _is(arr, "string"):
            raise _Fallback
        parsed = _iso_dates(arr)
        if parsed is None:
            values = pd.Series(arr.to_numpy(zero_copy_only=False), dtype=object, copy=False)
            return pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
        return pd.Series(_writable(parsed.to_numpy(zero_copy_only=False).astype("datetime64[ns]", copy=False)),
                         copy=False)
    if kind == "float":
        if not _is(arr, "float", "int"):
            raise _Fallback
        return pd.Series(_writable(pc.cast(arr, "float64").to_numpy(zero_copy_only=False)), copy=False)
    if not _is(arr, "int"):
        raise _Fallback
    mask = arr.is_null().to_numpy(zero_copy_only=False)
    values = _writable(arr.fill_null(0).to_numpy(zero_copy_only=False))
    if kind == "int":
        return pd.Series(pd.arrays.IntegerArray(values, mask))
    return pd.Series(pd.arrays.BooleanArray(values != 0, mask))


def _key_sorted(ent: Entity, keys: dict) -> bool:
    """True when the key columns (Arrow arrays, by name) are strictly ascending row by row,
    as ``normalize_frame``'s sort would leave them (keys are unique and never missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(keys[ent.key[0]])
    if n < 2:
        return True
    less = pa.array(np.zeros(n - 1, dtype=bool))
    equal = pa.array(np.ones(n - 1, dtype=bool))
    for name in ent.key:
        arr = keys[name]
        if arr.null_count:
            return False
        head, tail = arr.slice(0, n - 1), arr.slice(1)
        less = pc.or_(less, pc.and_(equal, pc.less(head, tail)))
        equal = pc.and_(equal, pc.equal(head, tail))
    return bool(pc.all(less).as_py())


def frame(entity: str, table) -> tuple[pd.DataFrame, bool]:
    """The snapshot frame of ``entity`` from an Arrow table of its columns read in key order,
    and whether the rows came in key order (else they were sorted as ``normalize_frame`` does).
    Raises :class:`_Fallback` when a column holds values of another type."""
    import pyarrow as pa

    if entity == "interaction_sizes":
        return _sizes_frame(table), True
    ent = ENTITIES[entity]
    if table.num_rows == 0:
        return empty_frame(entity), True
    arrays = {c.name: _array(table, c.name) for c in ent.columns}
    cols = {c.name: _column(c.type, arrays[c.name]) for c in ent.columns}
    out = pd.DataFrame(cols, columns=ent.column_names, copy=False)  # a block per column, as normalize_frame
    keys = {}
    for name in ent.key:
        kind = ent.column(name).type
        keys[name] = arrays[name] if kind == "str" and _is(arrays[name], "string") else pa.array(cols[name].to_numpy())
    if _key_sorted(ent, keys):
        return out, True
    return out.sort_values(list(ent.key), kind="mergesort").reset_index(drop=True), False


# -- reads -----------------------------------------------------------------------------------

def read(store, entity: str, column: str | None, values: Sequence[str] | None) -> pd.DataFrame | None:
    """``store.read`` through Arrow (see the module docstring), or None: read it plainly.
    ``entity`` and ``column`` are already checked against the schema."""
    ent = ENTITIES[entity]
    sql = f"SELECT {_columns(ent)} FROM {_q(entity)}"
    params: tuple = ()
    if column is not None:
        sql += f" WHERE {_q(column)} IN (SELECT value FROM json_each(?))"
        params = (json.dumps([str(v) for v in (values or [])], ensure_ascii=False),)
    sql += f" ORDER BY {_order(ent)}"
    if column is not None or entity not in LARGE:  # a small read: not worth a reading process
        return None
    with store._lock:
        conn = connect(store)
        if conn is None:
            return None
        try:
            return frame(entity, _query(conn, sql, params))[0]
        except _errors() as e:
            log.debug("%s read plainly: %r", entity, e)
            return None
        finally:
            conn.close()


# -- a scope selected in SQL -------------------------------------------------------------------

def _step(name: str, key: tuple[str, ...], *selects: str):
    """A temporary table ``name`` of distinct ``key`` values, filled by ``selects``."""
    return name, key, selects


def _none_of(col: str, *tables: str) -> str:
    # (a unary + keeps SQLite from using an IN list as a second index column: that would
    # probe every pair, e.g. each neighbor with each of our staff)
    return " AND ".join(f"+{col} NOT IN (SELECT id FROM {t})" for t in tables)


#: The temporary tables of a scope's ids up to its attendance, filled in order. ``?`` is the
#: scope's account ids as a JSON array. Mirrors kamgraph/snapshot.py's ``build_snapshot``
#: step by step (see its module docstring).
_BEFORE_ATTENDANCE = (
    _step("k_scope", ("id",), "SELECT value FROM json_each(?)"),
    _step("k_internal", ("id",), """SELECT "id" FROM "people" WHERE "side" = 'internal'"""),
    # the core: everyone employed at the accounts
    _step("k_core", ("id",), """SELECT e."person_id" FROM k_scope s CROSS JOIN "employment" e ON e."org_id" = s.id"""),
    # the core's own interactions (those of its people not on our side), whole
    _step("k_icore", ("id",), f"""SELECT a."interaction_id" FROM k_core c CROSS JOIN "attendance" a
                                  ON a."person_id" = c.id WHERE {_none_of("c.id", "k_internal")}"""),
    # neighbors: the other ends of the core's ties and the co-attendees of its interactions
    _step("k_nb", ("id",),
          f"""SELECT t."other_id" FROM k_core c CROSS JOIN "ties" t ON t."person_id" = c.id
              WHERE {_none_of('t."other_id"', "k_core", "k_internal")}""",
          f"""SELECT t."person_id" FROM k_core c CROSS JOIN "ties" t ON t."other_id" = c.id
              WHERE {_none_of('t."person_id"', "k_core", "k_internal")}""",
          f"""SELECT a."person_id" FROM k_icore i CROSS JOIN "attendance" a ON a."interaction_id" = i.id
              WHERE {_none_of('a."person_id"', "k_core", "k_internal")}"""),
    _step("k_reach", ("id",), "SELECT id FROM k_core", "SELECT id FROM k_nb"),
    _step("k_ends", ("id",), "SELECT id FROM k_core", "SELECT id FROM k_internal"),
    # ties touching the core, and ties between a neighbor and the core or our staff
    _step("k_ties", ("person_id", "other_id", "kind"),
          """SELECT t."person_id", t."other_id", t."kind" FROM k_core c CROSS JOIN "ties" t ON t."person_id" = c.id""",
          """SELECT t."person_id", t."other_id", t."kind" FROM k_core c CROSS JOIN "ties" t ON t."other_id" = c.id""",
          """SELECT t."person_id", t."other_id", t."kind" FROM k_nb n CROSS JOIN "ties" t ON t."person_id" = n.id
             WHERE +t."other_id" IN (SELECT id FROM k_ends)""",
          """SELECT t."person_id", t."other_id", t."kind" FROM k_nb n CROSS JOIN "ties" t ON t."other_id" = n.id
             WHERE +t."person_id" IN (SELECT id FROM k_ends)"""),
    # memberships of the core and neighbors, and our staff's memberships of the same bodies
    _step("k_mem", ("person_id", "org_id"),
          """SELECT m."person_id", m."org_id" FROM k_reach r CROSS JOIN "memberships" m ON m."person_id" = r.id"""),
    _step("k_bodies", ("id",), "SELECT org_id FROM k_mem"),
    _step("k_mem", ("person_id", "org_id"),
          """SELECT m."person_id", m."org_id" FROM k_bodies b CROSS JOIN "memberships" m ON m."org_id" = b.id
             WHERE +m."person_id" IN (SELECT id FROM k_internal)"""),
    # everyone kept: the core, the neighbors and our staff (the ends of the ties kept, the
    # members kept and the attendees kept are all among them, by the definitions above)
    _step("k_people", ("id",), "SELECT id FROM k_reach", "SELECT id FROM k_internal"),
    _step("k_opp", ("id",), """SELECT o."id" FROM k_scope s CROSS JOIN "opportunities" o ON o."account_id" = s.id"""),
    _step("k_orgs_emp", ("id",),
          """SELECT e."org_id" FROM k_people p CROSS JOIN "employment" e ON e."person_id" = p.id"""),
    _step("k_orgs", ("id",), "SELECT id FROM k_orgs_emp", "SELECT org_id FROM k_mem"),
    # the core's interactions and the neighbors' other interactions (trimmed in Arrow to our
    # staff's and the neighbors' rows, see _attendance)
    _step("k_iall", ("id",), "SELECT id FROM k_icore",
          f"""SELECT a."interaction_id" FROM k_nb n CROSS JOIN "attendance" a ON a."person_id" = n.id
              WHERE {_none_of('a."interaction_id"', "k_icore")}"""),
)

#: every attendance row of the core's and the neighbors' interactions, in key order
_ATTENDANCE = """SELECT a."interaction_id" AS interaction_id, a."person_id" AS person_id
    FROM k_iall i CROSS JOIN "attendance" a ON a."interaction_id" = i.id ORDER BY i.id, a."person_id\""""

#: after the interactions (k_inter_acc: their accounts, from Arrow)
_AFTER_INTERACTIONS = (
    _step("k_accounts", ("id",), "SELECT id FROM k_scope", "SELECT id FROM k_orgs_emp", "SELECT id FROM k_inter_acc"),
)


def _by_ids(entity: str, ids: str, column: str) -> str:
    """Rows of ``entity`` whose ``column`` is in the temporary table ``ids``, in key order
    (the table's own order when ``column`` leads the key: SQLite then sorts nothing)."""
    ent = ENTITIES[entity]
    order = _order(ent, "x.")
    if ent.key[0] == column:
        order = ", ".join(["k.id", *(f"x.{_q(c)}" for c in ent.key[1:])])
    return (f"SELECT {_columns(ent, 'x.')} FROM {ids} k CROSS JOIN {_q(entity)} x ON x.{_q(column)} = k.id "
            f"ORDER BY {order}")


def _by_keys(entity: str, keys: str) -> str:
    """Rows of ``entity`` whose key is in the temporary table ``keys``, in key order."""
    ent = ENTITIES[entity]
    on = " AND ".join(f"x.{_q(c)} = k.{_q(c)}" for c in ent.key)
    return f"SELECT {_columns(ent, 'x.')} FROM {keys} k CROSS JOIN {_q(entity)} x ON {on} ORDER BY {_order(ent, 'k.')}"


def _either(entity: str, ids: str, first: str, second: str) -> str:
    """Rows of ``entity`` with ``first`` or ``second`` in ``ids`` (each once), in key order."""
    ent = ENTITIES[entity]
    return (f"SELECT {_columns(ent, 'x.')} FROM {_q(entity)} x WHERE x.{_q(first)} IN (SELECT id FROM {ids}) "
            f"UNION SELECT {_columns(ent, 'y.')} FROM {_q(entity)} y WHERE y.{_q(second)} IN (SELECT id FROM {ids}) "
            f"ORDER BY {', '.join(str(ent.column_names.index(c) + 1) for c in ent.key)}")


#: the statements reading a scoped snapshot's entities from the temporary tables (the
#: attendance comes from :data:`_ATTENDANCE` through Arrow; accounts last: they include the
#: accounts of the interactions kept)
_READ_INTERACTIONS = _by_ids("interactions", "k_iall", "id")  # (less those with no attendance kept)
_READ_REST = {
    "people": _by_ids("people", "k_people", "id"),
    "employment": _by_ids("employment", "k_people", "person_id"),
    "assessments": _by_ids("assessments", "k_people", "person_id"),
    "reports_to": _either("reports_to", "k_people", "person_id", "manager_id"),
    "ties": _by_keys("ties", "k_ties"),
    "influence": _either("influence", "k_people", "source_id", "target_id"),
    "memberships": _by_keys("memberships", "k_mem"),
    "opportunities": _by_ids("opportunities", "k_opp", "id"),
    "opportunity_roles": _by_ids("opportunity_roles", "k_opp", "opportunity_id"),
    "organizations": _by_ids("organizations", "k_orgs", "id"),
}
_READ_ACCOUNTS = {"accounts": _by_ids("accounts", "k_accounts", "id")}


def _fill(conn, steps, scope_json: str = "") -> None:
    """Create (once) and fill the temporary tables of ``steps``."""
    for name, key, selects in steps:
        cols = ", ".join(key)
        types = ", ".join(f"{c} TEXT NOT NULL" for c in key)
        _run(conn, f"CREATE TEMP TABLE IF NOT EXISTS {name} ({types}, PRIMARY KEY ({cols})) WITHOUT ROWID")
        not_null = " AND ".join(f"{c} IS NOT NULL" for c in key)  # an empty column never enters
        for select in selects:
            _run(conn, f"WITH s({cols}) AS ({select}) "
                       f"INSERT OR IGNORE INTO {name} ({cols}) SELECT * FROM s WHERE {not_null}",
                 (scope_json,) if "?" in select else ())


def _ingest(conn, name: str, ids) -> None:
    """A temporary table ``name`` (``id`` primary key) of the distinct, non-null Arrow ``ids``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    _run(conn, f"CREATE TEMP TABLE {name} (id TEXT NOT NULL, PRIMARY KEY (id)) WITHOUT ROWID")
    ids = pc.unique(ids.drop_null()) if ids is not None else pa.array([], pa.string())
    if len(ids):
        conn.ingest(name, pa.table({"id": ids.cast(pa.string())}))


def _attendance(table, core_ids, internal, neighbors):
    """The scoped attendance from :data:`_ATTENDANCE`'s rows: the core's interactions whole, the
    neighbors' interactions with one of our staff trimmed to our staff's and the neighbors'
    rows; and the attendee counts of the neighbors' interactions (``interaction_sizes``).
    Both as Arrow tables in key order, and the neighbors' interactions none of whose rows
    are kept (none of our staff attended)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    if n == 0:
        empty = pa.array([], pa.string())
        return pa.table({"interaction_id": empty, "person_id": empty}), pa.table(
            {"interaction_id": empty, "size": pa.array([], pa.int64())}), empty
    iid = _array(table, "interaction_id")
    pid = _array(table, "person_id")
    if not (_is(iid, "string") and _is(pid, "string")):
        raise _Fallback
    core = pc.is_in(iid, value_set=core_ids).to_numpy(zero_copy_only=False)
    us = pc.is_in(pid, value_set=internal).to_numpy(zero_copy_only=False) & ~core
    nb = pc.is_in(pid, value_set=neighbors).to_numpy(zero_copy_only=False) & ~core
    start = np.ones(n, dtype=bool)
    start[1:] = pc.not_equal(iid.slice(1), iid.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(start)
    group = np.cumsum(start) - 1
    with_us = np.maximum.reduceat(us, starts)
    keep = core | (with_us[group] & (us | nb))
    mask = pa.array(keep)
    attendance = pa.table({"interaction_id": iid.filter(mask), "person_id": pid.filter(mask)})
    trimmed = starts[~core[starts]]
    sizes = np.diff(np.append(starts, n))[~core[starts]]
    dropped = iid.take(pa.array(starts[~core[starts] & ~with_us.astype(bool)]))
    return attendance, pa.table({"interaction_id": iid.take(pa.array(trimmed)), "size": pa.array(sizes, pa.int64())}), \
        dropped


def _sizes_frame(table) -> pd.DataFrame:
    if table.num_rows == 0:
        return pd.DataFrame({"interaction_id": pd.Series(dtype=object), "size": pd.Series(dtype=np.int64)})
    return pd.DataFrame({"interaction_id": table.column("interaction_id").to_numpy().astype(object),
                         "size": table.column("size").to_numpy().astype(np.int64)})


def _scoped(conn, scope: tuple[str, ...], out: _Frames) -> None:
    import pyarrow.compute as pc

    _run(conn, "PRAGMA temp_store = MEMORY")  # the tables of ids: in memory, never a temporary file
    _fill(conn, _BEFORE_ATTENDANCE, json.dumps([str(v) for v in scope], ensure_ascii=False))
    ids = [_query(conn, f"SELECT id FROM {name}").column("id").combine_chunks().cast("string")
           for name in ("k_icore", "k_internal", "k_nb")]
    # the attendance is trimmed on the frames thread while the connection reads on
    trimmed = out.pool.submit(_attendance, _query(conn, _ATTENDANCE), *ids)
    interactions = _query(conn, _READ_INTERACTIONS)
    out.read(conn, _READ_REST)
    attendance, sizes, dropped = trimmed.result()
    if len(dropped) and interactions.num_rows:  # a neighbor's interaction without our staff: not kept
        interactions = interactions.filter(pc.invert(pc.is_in(_array(interactions, "id"), value_set=dropped)))
    for entity, table in (("attendance", attendance), ("interaction_sizes", sizes), ("interactions", interactions)):
        out.add(entity, table)
    _ingest(conn, "k_inter_acc", _array(interactions, "account_id") if interactions.num_rows else None)
    _fill(conn, _AFTER_INTERACTIONS)
    out.read(conn, _READ_ACCOUNTS)


#: the integer codes handed to the snapshot, (entity, column, of): the id columns of the
#: large relationship tables, which analyses number people and interactions by (any
#: other column's codes :meth:`Snapshot.codes` computes when asked)
CODED: tuple[tuple[str, str, str], ...] = (
    ("attendance", "person_id", "people"), ("attendance", "interaction_id", "interactions"),
    ("ties", "person_id", "people"), ("ties", "other_id", "people"),
    ("interaction_sizes", "interaction_id", "interactions"),
    ("employment", "person_id", "people"), ("memberships", "person_id", "people"),
    ("assessments", "person_id", "people"), ("reports_to", "person_id", "people"),
    ("reports_to", "manager_id", "people"), ("influence", "source_id", "people"),
    ("influence", "target_id", "people"), ("opportunity_roles", "person_id", "people"),
)


def _code(values, ids) -> np.ndarray | None:
    """Positions of the Arrow ``values`` in the Arrow ``ids`` (-1: missing or absent; None
    for ``ids``, no rows of ``of``), or None when either is not text."""
    import pyarrow.compute as pc

    if ids is None or values.null_count == len(values):
        return np.full(len(values), -1, dtype=np.int64)
    if not (_is(ids, "string") and _is(values, "string")):
        return None
    return pc.index_in(values, value_set=ids).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


class _Frames:
    """Arrow tables read by the connection, turned into frames and codes on a second thread
    (``pool``) while the connection reads the next: SQLite and Arrow run without the GIL."""

    def __init__(self, pool) -> None:
        self.pool = pool
        self.pending: dict = {}
        self.columns: dict = {}  # (entity, column) -> an Arrow id column the codes need (None: no rows)
        self.codes: dict = {}

    def add(self, entity: str, table) -> None:
        self.pending[entity] = self.pool.submit(frame, entity, table)
        for e, column, of in CODED:
            for name, col in ((e, column), (of, "id")):
                if name == entity:
                    self.columns[(name, col)] = _array(table, col) if table.num_rows else None
        for key in CODED:
            e, column, of = key
            if key in self.codes or (e, column) not in self.columns or (of, "id") not in self.columns:
                continue
            values = self.columns[(e, column)]
            if values is not None:  # (no rows: Snapshot.codes answers an empty array itself)
                self.codes[key] = self.pool.submit(_code, values, self.columns[(of, "id")])

    def read(self, conn, reads: dict[str, str]) -> None:
        for entity, sql in reads.items():
            self.add(entity, _query(conn, sql))

    def result(self) -> tuple[dict, dict]:
        """The frames, and the codes of those that came in key order. Raises :class:`_Fallback`."""
        frames, in_order = {}, set()
        for entity, pending in self.pending.items():
            frames[entity], ordered = pending.result()
            if ordered:
                in_order.add(entity)
        frames = {name: frames[name] for name in (*ENTITIES, "interaction_sizes") if name in frames}
        codes = {}
        for (entity, column, of), pending in self.codes.items():
            code = pending.result()
            if code is not None and entity in in_order and of in in_order:
                codes[(entity, column, of)] = code
        return frames, codes


def snapshot(store, scope: Sequence[str] | None, data_version: int = 0, url: str = "",
             history_from: pd.Timestamp | None = None) -> Snapshot | None:
    """The snapshot of ``scope`` (account ids; None: everything) read in one read
    transaction, exactly as ``build_snapshot`` selects it, with integer codes; or None when
    the fast path does not apply (read it through ``build_snapshot``): not a
    :class:`SQLiteStore` (or one whose ``read`` is overridden), or see :func:`connect`."""
    from kamgraph.store.sqlite import SQLiteStore

    if not isinstance(store, SQLiteStore) or type(store).read is not SQLiteStore.read:
        return None
    from concurrent.futures import ThreadPoolExecutor

    with store._lock:
        conn = connect(store)
        if conn is None:
            return None
        pool = ThreadPoolExecutor(1, thread_name_prefix="kamgraph-frames")
        try:
            out = _Frames(pool)
            if scope is None:
                key = None
                out.read(conn, {name: f"SELECT {_columns(ent)} FROM {_q(name)} ORDER BY {_order(ent)}"
                                for name, ent in ENTITIES.items()})
            else:
                key = tuple(sorted(set(scope)))
                _scoped(conn, key, out)
            frames, codes = out.result()
        except _errors() as e:
            log.debug("snapshot read plainly: %r", e)
            return None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            conn.close()
    return Snapshot(frames, key, data_version, url, history_from, codes)
