"""The embedded default store: one SQLite file, no server.

One table per entity of :mod:`kamgraph.schema`, primary key = the entity key. WAL
journal, ``synchronous=FULL``, a busy timeout, foreign keys on and ``secure_delete`` (so
an erased person's bytes are overwritten, not left in free pages). Every write is one
transaction: an import lands completely or not at all.

SQL text is built only from the schema's whitelisted identifiers (quoted); every value is
a ``?`` parameter.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import sqlite3
import tempfile
import threading
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kamgraph.errors import ConfigError, NotFound, StoreUnavailable
from kamgraph.i18n import gettext
from kamgraph.schema import ENTITIES, WRITE_ORDER, Entity, normalize_frame
from kamgraph.store.base import (
    BaseStore,
    Erasure,
    Progress,
    WriteResult,
    _key_tuple,
    audit_key,
    audit_ref_columns,
    audit_refs,
    audit_values,
    check_column,
    check_entity,
    incoming_history_start,
    insert_columns_marker,
    utc_now,
)

BUSY_TIMEOUT_S = 30.0
#: ``PRAGMA application_id`` of every kamgraph store file: "KAMG"
APPLICATION_ID = 0x4B414D47
#: who wrote what and when: one row per write (rows = entity -> row count, never ids)
WRITE_LOG_SQL = ('CREATE TABLE IF NOT EXISTS "write_log" ("id" INTEGER PRIMARY KEY, "at" TEXT NOT NULL, '
                 '"actor" TEXT, "action" TEXT NOT NULL, "rows" TEXT NOT NULL)')
#: the audit trail: one row per inserted, changed or deleted row (key / before / after are
#: JSON; see BaseStore.audit and insert_columns_marker), and its refs ("people:P1", "accounts:A1"...) for per-person and
#: per-account reads and for erasure, without parsing the JSON of every entry
AUDIT_SQL = (
    ('CREATE TABLE IF NOT EXISTS "audit" ("seq" INTEGER PRIMARY KEY AUTOINCREMENT, "at" TEXT NOT NULL, '
     '"actor" TEXT, "source" TEXT, "action" TEXT NOT NULL, "entity" TEXT NOT NULL, "key" TEXT NOT NULL, '
     '"before" TEXT, "after" TEXT)'),
    ('CREATE TABLE IF NOT EXISTS "audit_ref" ("ref" TEXT NOT NULL, "seq" INTEGER NOT NULL, '
     'PRIMARY KEY ("ref", "seq")) WITHOUT ROWID'),
    # what every entry of one write's statement repeats, once: its entries (from first_seq
    # on) keep "at" empty and actor / source NULL, and read them from here
    ('CREATE TABLE IF NOT EXISTS "audit_batch" ("first_seq" INTEGER PRIMARY KEY, "at" TEXT NOT NULL, '
     '"actor" TEXT, "source" TEXT)'),
    # the refs of a bulk insert (a write into an empty table), one per distinct id and write
    # instead of one per row: entries seq .. seq + n - 1 are inserts, in key order, whose key
    # starts with the id of ref. Their other refs are not stored: such an entry is found
    # through its row (the entity's own indexes) and the span of the row's first key column
    # (see SQLiteStore._audit_rows)
    ('CREATE TABLE IF NOT EXISTS "audit_span" ("ref" TEXT NOT NULL, "seq" INTEGER NOT NULL, '
     '"n" INTEGER NOT NULL, PRIMARY KEY ("ref", "seq")) WITHOUT ROWID'),
)
KAMGRAPH_TABLES = set(WRITE_ORDER) | {"meta", "write_log", "audit", "audit_ref", "audit_batch", "audit_span"}
_AUDIT_SELECT_PLAIN = ('SELECT a."seq", a."at", a."actor", a."source", a."action", a."entity", a."key", '
                       'a."before", a."after" FROM "audit" a')
#: an entry with an empty "at" takes at / actor / source from its batch: the last one
#: starting at or before it
_AUDIT_SELECT = (
    'SELECT a."seq", CASE WHEN a."at" = \'\' THEN b."at" ELSE a."at" END, '
    'CASE WHEN a."at" = \'\' THEN b."actor" ELSE a."actor" END, '
    'CASE WHEN a."at" = \'\' THEN b."source" ELSE a."source" END, '
    'a."action", a."entity", a."key", a."before", a."after" FROM "audit" a '
    'LEFT JOIN "audit_batch" b ON a."at" = \'\' AND b."first_seq" = '
    '(SELECT MAX(x."first_seq") FROM "audit_batch" x WHERE x."first_seq" <= a."seq")')
BULK_ROWS = 50_000  # writes this large into an empty table rebuild secondary indexes afterwards
_SQL_TYPES = {"str": "TEXT", "date": "TEXT", "int": "INTEGER", "float": "REAL", "bool": "INTEGER"}


class OrphanReferences(StoreUnavailable):
    """A write would leave rows pointing at rows that do not exist; nothing was written."""


def _q(identifier: str) -> str:
    """Quote a schema identifier (table or column). Only schema names reach here."""
    if not identifier.replace("_", "").isalnum():
        raise ValueError(f"not a schema identifier: {identifier!r}")
    return '"' + identifier + '"'


def _single_ref(col) -> str | None:
    return col.references[0] if len(col.references) == 1 else None


def create_table_sql(ent: Entity) -> str:
    cols = []
    for c in ent.columns:
        decl = f"{_q(c.name)} {_SQL_TYPES[c.type]}"
        if c.required:
            decl += " NOT NULL"
        cols.append(decl)
    cols.append("PRIMARY KEY (" + ", ".join(_q(k) for k in ent.key) + ")")
    for c in ent.columns:
        ref = _single_ref(c)
        if ref:
            cols.append(f"FOREIGN KEY ({_q(c.name)}) REFERENCES {_q(ref)} (\"id\") DEFERRABLE INITIALLY DEFERRED")
    # WITHOUT ROWID: rows are clustered on the key, one B-tree instead of two
    return f"CREATE TABLE IF NOT EXISTS {_q(ent.name)} (\n  " + ",\n  ".join(cols) + "\n) WITHOUT ROWID"


def index_names(ent: Entity) -> list[tuple[str, str]]:
    """(index name, column) of the secondary indexes: every filter column and every column
    that references another entity, unless it leads the key. Indexed references keep foreign
    key checks and deletes from scanning the child table once per parent row."""
    columns = list(ent.filter_columns) + [c.name for c in ent.columns if c.references]
    columns = [c for c in dict.fromkeys(columns) if (c,) != ent.key[:1]]
    return [("ix_" + ent.name + "_" + col, col) for col in columns]


def index_sql(ent: Entity) -> list[str]:
    return [f"CREATE INDEX IF NOT EXISTS {_q(name)} ON {_q(ent.name)} ({_q(col)})" for name, col in index_names(ent)]


def drop_index_sql(ent: Entity) -> list[str]:
    return [f"DROP INDEX IF EXISTS {_q(name)}" for name, _ in index_names(ent)]


def _lit(identifier: str, prefix: str = "") -> str:
    """A schema identifier (after ``prefix``, e.g. ``$.`` for a JSON path) as an SQL string literal."""
    _q(identifier)
    return "'" + prefix + identifier + "'"


def _json_object(alias: str, columns: Sequence[str]) -> str:
    """``json_object('c', alias."c", ...)`` of schema columns."""
    return "json_object(" + ", ".join(f"{_lit(c)}, {alias}.{_q(c)}" for c in columns) + ")"


def _json_array(alias: str, columns: Sequence[str]) -> str:
    """``json_array(alias."c", ...)``: a written row's key as its entry stores it (the
    values in key order; :func:`~kamgraph.store.base.audit_key` reads it back)."""
    return "json_array(" + ", ".join(f"{alias}.{_q(c)}" for c in columns) + ")"


def _changed_only(alias: str, others: Sequence[str]) -> str:
    """The JSON object of ``alias``'s ``others`` columns less those equal in s and t (an
    update's before / after hold only the changed columns)."""
    paths = ", ".join(f"CASE WHEN s.{_q(c)} IS t.{_q(c)} THEN {_lit(c, '$.')} ELSE '$.none' END" for c in others)
    return f"json_remove({_json_object(alias, others)}, {paths})"


def stage_sql(ent: Entity, columns: Sequence[str]) -> list[str]:
    """A TEMP table holding a write's incoming rows (same column types, keyed like the entity)."""
    cols = [f"{_q(c)} {_SQL_TYPES[ent.column(c).type]}" for c in columns]
    cols.append("PRIMARY KEY (" + ", ".join(_q(k) for k in ent.key) + ")")
    return ['DROP TABLE IF EXISTS temp."_stage"',
            'CREATE TEMP TABLE "_stage" (' + ", ".join(cols) + ") WITHOUT ROWID"]


STAGE = '"_stage"'
REFS = '"_refs"'
NUMBERED = '"_numbered"'


def _key_match(left: str, right: str, ent: Entity) -> str:
    return " AND ".join(f"{left}.{_q(k)} = {right}.{_q(k)}" for k in ent.key)


def _exists_sql(ent: Entity) -> str:
    return f"SELECT 1 FROM {_q(ent.name)} LIMIT 1"


def upsert_sql(ent: Entity, columns: Sequence[str], source: str | None = None) -> str:
    """Insert rows (``?`` parameters, or every row of the table ``source``, in its order), a
    later row with the same key replacing the supplied columns of an earlier one."""
    cols = ", ".join(_q(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    updates = [c for c in columns if c not in ent.key]
    conflict = ", ".join(_q(k) for k in ent.key)
    if updates:
        action = "DO UPDATE SET " + ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in updates)
    else:
        action = "DO NOTHING"
    rows = f"VALUES ({marks})" if source is None else f"SELECT {cols} FROM {source} WHERE 1"
    return f"INSERT INTO {_q(ent.name)} ({cols}) {rows} ON CONFLICT ({conflict}) {action}"


#: the throw-away staging file's schema name while a write has it attached
STAGE_DB = '"kg_stage"'
#: tables of this many rows or more are staged through Arrow (fewer: bound row by row,
#: cheaper than opening a staging file)
STAGE_ROWS = 20_000


def _prepared(name: str, df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The rows of ``name`` to write, in key order, and the entity's columns they supply; a
    frame without a key column, or without a required column, is refused (nothing written)."""
    ent = ENTITIES[name]
    columns = [col for col in ent.column_names if col in df.columns]
    missing_key = [k for k in ent.key if k not in columns]
    if missing_key:
        raise ValueError(f"{name}: missing key columns {missing_key}")
    # as the Neo4j store does (and NOT NULL did before rows were compared): a frame without
    # a required column is refused, even when its rows are all in the store already
    missing = [c.name for c in ent.columns if c.required and c.name not in columns]
    if missing:
        raise StoreUnavailable(gettext("write rejected by the store, nothing was written: {entity} has no "
                                       "column {columns} (required)").format(
            entity=name, columns=", ".join(map(repr, missing))))
    return df, columns


def _key_ordered(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` in key order: inserting in key order keeps B-tree writes local (files usually
    come in key order: checked in one vectorized pass, sorted (stable) only when they do not)."""
    key = list(ENTITIES[name].key)
    return df if _in_key_order(df, key) else df.sort_values(key, kind="stable")


def _arrow_key_ordered(name: str, table):
    """The Arrow ``table`` of ``name``'s rows in key order, as :func:`_key_ordered` orders a
    frame (a stable sort; text by code point, as SQLite compares UTF-8 bytes)."""
    import pyarrow.compute as pc

    key = list(ENTITIES[name].key)
    n = len(table)
    if n < 2:
        return table
    less = np.zeros(n - 1, dtype=bool)
    equal = np.ones(n - 1, dtype=bool)
    for k in key:
        col = table.column(k)
        if col.null_count:
            break
        head, tail = col.slice(0, n - 1), col.slice(1)
        less |= equal & pc.less(head, tail).to_numpy(zero_copy_only=False)
        equal &= pc.equal(head, tail).to_numpy(zero_copy_only=False)
    else:
        if (less | equal).all():
            return table
    return table.take(pc.sort_indices(table, sort_keys=[(k, "ascending") for k in key]))  # nulls last


def _spans(name: str, table):
    """The audit spans of ``table`` (rows of ``name`` in key order, as :func:`_arrow_table`
    holds them) written into an empty table: per distinct first-key value and target, its
    ref, the offset of its first row among the distinct keys and how many there are (rows
    repeating a key count once, as the table keeps one). None when a key value is missing.
    Arrow compute throughout: no Python object per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ent = ENTITIES[name]
    keys = [table.column(k).combine_chunks() for k in ent.key]
    if any(k.null_count for k in keys):
        return None
    n = len(table)
    repeated = np.ones(max(n - 1, 0), dtype=bool)
    for k in keys:
        if n > 1:
            repeated &= pc.equal(k.slice(1), k.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    lead = keys[0].filter(pa.array(np.r_[True, ~repeated]))  # one per distinct key, in key order
    m = len(lead)
    starts = np.r_[True, pc.not_equal(lead.slice(1), lead.slice(0, m - 1)).to_numpy(zero_copy_only=False)] \
        if m > 1 else np.ones(m, dtype=bool)
    first = np.flatnonzero(starts)
    counts = np.diff(np.r_[first, m])
    values = lead.take(pa.array(first))
    targets = dict(audit_ref_columns(name))[ent.key[0]]
    refs = pa.concat_arrays([pc.binary_join_element_wise(t + ":", values, "").cast(pa.string()) for t in targets])
    return pa.table({"ref": refs, "off": pa.array(np.tile(first, len(targets)), type=pa.int64()),
                     "n": pa.array(np.tile(counts, len(targets)), type=pa.int64())})


STAGE_PREFIX = "kamgraph-stage-"


def _sweep_stages() -> None:
    """Delete the staging folders a killed writer left behind (their process is gone): they
    hold imported rows, and nothing else ever reads them. POSIX only (``kill(pid, 0)`` asks
    whether a process exists; on Windows it would end it)."""
    if os.name != "posix":
        return
    for folder in Path(tempfile.gettempdir()).glob(STAGE_PREFIX + "*"):
        pid = folder.name[len(STAGE_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # alive (another user's): not ours to delete
            continue


def _stage(prepared: Mapping[str, tuple[pd.DataFrame, list[str]]]) -> tuple[str | None, set[str]]:
    """Write the tables of :data:`STAGE_ROWS` rows or more into a new staging file (a
    temporary folder) through the ADBC SQLite driver: (the folder, or None; the entities
    staged, each a table of its name). A table Arrow cannot hold as typed (see
    :func:`_arrow_table`), or no driver, leaves it to be written row by row."""
    big = [name for name, (df, _) in prepared.items() if len(df) >= STAGE_ROWS]
    if not big:
        return None, set()
    try:
        import adbc_driver_sqlite.dbapi as adbc
    except ImportError:  # pragma: no cover - a dependency; the row-by-row path still works
        return None, set()
    _sweep_stages()
    folder = tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-")
    staged: set[str] = set()
    # one thread writes the file (the driver lets go of the GIL while it inserts) while this
    # one turns the next table into Arrow columns
    tables: queue.Queue = queue.Queue(maxsize=1)
    failed: list[BaseException] = []

    def write_file() -> None:
        try:
            conn = adbc.connect(os.path.join(folder, "stage.db"), autocommit=True)
            try:
                cur = conn.cursor()
                cur.execute("PRAGMA journal_mode=OFF")  # a throw-away file: no journal, no syncs
                cur.execute("PRAGMA synchronous=OFF")
                while (item := tables.get()) is not None:
                    for name, table in item:
                        cur.adbc_ingest(name, table, mode="create")
                cur.close()
            finally:
                conn.close()
        except BaseException as e:  # noqa: BLE001 - re-raised by the caller; the queue is still drained
            failed.append(e)
            while tables.get() is not None:
                pass

    writer = threading.Thread(target=write_file, name="kamgraph-stage", daemon=True)
    writer.start()
    try:
        try:
            for name in big:
                df, columns = prepared[name]
                if any(ENTITIES[name].column(k).type != "str" for k in ENTITIES[name].key):
                    df = _key_ordered(name, df)  # (a date key: ordered by its values, not their text)
                table = _arrow_table(ENTITIES[name], df, columns)
                if table is not None:
                    table = _arrow_key_ordered(name, table)
                    spans = _spans(name, table)
                    tables.put([(name, table)] + ([("span_" + name, spans)] if spans is not None else []))
                    staged.add(name)
        finally:
            tables.put(None)
            writer.join()
        if failed:
            raise failed[0]
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, staged


def _db_series(ent: Entity, df: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` of ``df`` as the store keeps it: dates as ``YYYY-MM-DD`` text, ints and
    bools as nullable integers, floats as float64 (missing: NaN), text as it is."""
    col = ent.column(name)
    s = df[name]
    if col.type == "date":
        parsed = pd.to_datetime(s, errors="coerce")
        days = parsed.to_numpy().astype("datetime64[D]") if parsed.dt.tz is None else None
        known = ~np.isnat(days) if days is not None else None
        if days is not None and ((days[known] >= np.datetime64("1000-01-01"))
                                 & (days[known] <= np.datetime64("9999-12-31"))).all():
            text = np.datetime_as_string(days, unit="D").astype(object)  # as strftime, in C
            text[~known] = None
            s = pd.Series(text, index=s.index, dtype=object)
        else:  # a time zone, or a year of other than four digits
            s = parsed.dt.strftime("%Y-%m-%d")
    elif col.type == "int":
        s = pd.to_numeric(s, errors="coerce").round().astype("Int64")
    elif col.type == "float":
        s = pd.to_numeric(s, errors="coerce").astype("float64")
    elif col.type == "bool":
        s = s.astype("boolean").astype("Int64")
    return s


def _column_values(ent: Entity, df: pd.DataFrame, columns: Sequence[str]) -> list[list]:
    """Per-column Python lists of DB values (vectorized per column, no per-cell branching)."""
    out = []
    for name in columns:
        s = _db_series(ent, df, name).astype(object)
        out.append(s.where(s.notna(), None).tolist())
    return out


_ARROW_TYPES = {"str": "string", "date": "string", "int": "int64", "bool": "int64", "float": "float64"}


def _arrow_table(ent: Entity, df: pd.DataFrame, columns: Sequence[str]):
    """The rows as an Arrow table of the values :func:`_column_values` gives (None: a column
    holds something else than its type, e.g. a number in a text column: written row by row,
    as SQLite's column affinity converts it)."""
    import pyarrow as pa

    arrays = []
    try:
        for name in columns:
            kind = getattr(pa, _ARROW_TYPES[ent.column(name).type])()
            arrays.append(pa.array(_db_series(ent, df, name), type=kind, from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    return pa.table(arrays, names=list(columns))


def _in_key_order(df: pd.DataFrame, key: Sequence[str]) -> bool:
    """True when the rows are already sorted by ``key`` (lexicographically; equal keys too).

    >>> _in_key_order(pd.DataFrame({"a": ["x", "x", "y"], "b": ["2", "3", "1"]}), ["a", "b"])
    True
    >>> _in_key_order(pd.DataFrame({"a": ["x", "x", "y"], "b": ["3", "2", "1"]}), ["a", "b"])
    False
    """
    if len(df) < 2:
        return True
    less = np.zeros(len(df) - 1, dtype=bool)
    equal = np.ones(len(df) - 1, dtype=bool)
    try:
        for col in key:
            values = df[col].to_numpy()
            if pd.isna(values).any():
                return False
            head, tail = values[:-1], values[1:]
            less |= equal & (head < tail)
            equal &= head == tail
    except TypeError:  # mixed types: let sort_values decide
        return False
    return bool((less | equal).all())


class SQLiteStore(BaseStore):
    """``sqlite:///path/to/kamgraph.db`` (relative or absolute) or ``sqlite:///:memory:``.

    A kamgraph store carries ``PRAGMA application_id`` = :data:`APPLICATION_ID` (stores
    written before it are recognized by their tables and marked on their next write).
    Opening never writes: a file another application owns is refused with one line and left
    byte-identical; a missing file is read as an empty store and created by the first write
    (``init`` or a write); a file this process may not write (or ``read_only=True``) is opened
    read-only (``mode=ro``) and every write says so in one line.
    """

    def __init__(self, url_or_path: str | Path = "sqlite:///./kamgraph.db", read_only: bool = False):
        raw = str(url_or_path)
        if raw.startswith("sqlite:///"):
            path = raw[len("sqlite:///"):]
        elif "://" in raw:
            raise ConfigError(gettext("not a SQLite store URL: {url} (expected sqlite:///path/to/file.db)").format(
                url=repr(raw)))
        else:
            path = raw
        if not path:
            raise ConfigError(gettext("SQLite store URL has no path: use sqlite:///./kamgraph.db"))
        self.path = path
        self.url = "sqlite:///" + path
        self.read_only = read_only
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._read_only = read_only
        self._placeholder = False  # reading a store file that does not exist yet: an empty in-memory one
        self._schema_ready = False
        if path == ":memory:":
            self._conn = self._connect(path, read_only=False)
            self._pragmas(self._conn)
            self.init()
            return
        file = Path(path).expanduser()
        parent = file.resolve().parent
        if not parent.exists():
            raise ConfigError(gettext("folder for the SQLite store does not exist: {path}").format(path=parent))
        if file.is_dir():
            raise StoreUnavailable(gettext("cannot open SQLite store {path}: it is a folder, not a database file").format(
                path=path))
        if not self._open_file():
            self._open_placeholder()

    # -- opening ----------------------------------------------------------------------
    def _connect(self, target: str, read_only: bool) -> sqlite3.Connection:
        try:
            if read_only:
                uri = "file:" + urllib.parse.quote(str(Path(target).expanduser().resolve())) + "?mode=ro"
                conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            else:
                conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=" + str(int(BUSY_TIMEOUT_S * 1000)))
        except sqlite3.Error as e:
            raise StoreUnavailable(gettext("cannot open SQLite store {path}: {reason}").format(path=target, reason=e)) from None
        return conn

    def _pragmas(self, c: sqlite3.Connection) -> None:
        """The write-side settings; only on a connection that may write (WAL is set in the file)."""
        try:
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=FULL")
            c.execute("PRAGMA foreign_keys=ON")
            c.execute("PRAGMA secure_delete=ON")
            c.execute("PRAGMA cache_size=-262144")  # 256 MiB page cache: big imports build large indexes
            c.execute("PRAGMA temp_store=MEMORY")
        except sqlite3.Error as e:
            raise StoreUnavailable(gettext("cannot open SQLite store {path}: {reason}").format(
                path=self.path, reason=e)) from None

    def _open_file(self) -> bool:
        """Open an existing, non-empty store file; False when there is none (yet)."""
        file = Path(self.path).expanduser()
        if not file.is_file() or file.stat().st_size == 0:
            return False
        read_only = self.read_only or not os.access(file, os.W_OK)
        conn = self._connect(self.path, read_only)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.Error as e:
            conn.close()
            raise StoreUnavailable(gettext("cannot open SQLite store {path}: {reason}").format(
                path=self.path, reason=e)) from None
        if app_id != APPLICATION_ID and (app_id != 0 or (tables and not set(WRITE_ORDER) | {"meta"} <= tables)):
            conn.close()
            raise ConfigError(gettext("{path} is not a kamgraph store (another application's SQLite file); "
                                      "it was left unchanged: name another file with --store sqlite:///path.db").format(
                path=self.path))
        if not tables:  # an empty database: like a missing file until the first write
            conn.close()
            return False
        if not read_only:
            self._pragmas(conn)
        else:
            conn.execute("PRAGMA query_only=ON")
        self._conn, self._read_only, self._placeholder = conn, read_only, False
        self._schema_ready = app_id == APPLICATION_ID and KAMGRAPH_TABLES <= tables
        return True

    def _open_placeholder(self) -> None:
        self._conn = self._connect(":memory:", read_only=False)
        self._read_only, self._placeholder = self.read_only, True
        with self._tx() as c:
            self._create_schema(c)

    def _reading(self) -> sqlite3.Connection:
        """The connection reads use; a store file created since this store was opened is picked up."""
        if self._placeholder and Path(self.path).expanduser().is_file():
            old = self._conn
            if self._open_file():
                old.close()
        return self._conn

    def _writing(self) -> sqlite3.Connection:
        """The connection writes use: the file created (with its schema) by the first write."""
        if self._placeholder:
            self._reading()
        if self._read_only:
            why = gettext("opened read-only") if self.read_only else gettext("the file is read-only")
            raise StoreUnavailable(gettext("SQLite store {path} is read-only ({why}); nothing was written").format(
                path=self.path, why=why))
        if self._placeholder:
            old = self._conn
            conn = self._connect(self.path, read_only=False)
            self._pragmas(conn)
            old.close()
            self._conn, self._placeholder = conn, False
        if not self._schema_ready:
            try:
                with self._tx() as c:
                    self._create_schema(c)
            except sqlite3.Error as e:
                raise StoreUnavailable(gettext("SQLite store {path}: {reason}").format(path=self.path, reason=e)) from None
            self._schema_ready = True
        return self._conn

    # -- schema -----------------------------------------------------------------------
    def init(self) -> None:
        """Create the store file and its tables if missing (idempotent)."""
        with self._lock:
            self._writing()

    def _create_schema(self, c: sqlite3.Connection) -> None:
        c.execute("PRAGMA application_id=" + str(APPLICATION_ID))
        c.execute('CREATE TABLE IF NOT EXISTS "meta" ("key" TEXT PRIMARY KEY, "value" INTEGER NOT NULL)')
        c.execute('INSERT OR IGNORE INTO "meta" VALUES (?, ?)', ("data_version", 0))
        c.execute(WRITE_LOG_SQL)
        new_trail = c.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit'").fetchone() is None
        for stmt in AUDIT_SQL:
            c.execute(stmt)
        if new_trail:  # spans left from a trail dropped by hand must not name the new trail's entries
            c.execute('DELETE FROM "audit_span"')
        for name in WRITE_ORDER:
            ent = ENTITIES[name]
            c.execute(create_table_sql(ent))
            for stmt in index_sql(ent):
                c.execute(stmt)

    class _Tx:
        def __init__(self, conn: sqlite3.Connection):
            self.conn = conn

        def __enter__(self) -> sqlite3.Connection:
            self.conn.execute("BEGIN IMMEDIATE")
            return self.conn

        def __exit__(self, exc_type, exc, tb) -> None:
            if exc_type is None:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error:
                    self.conn.execute("ROLLBACK")
                    raise
            else:
                self.conn.execute("ROLLBACK")

    def _tx(self) -> _Tx:
        return SQLiteStore._Tx(self._conn)

    @staticmethod
    def _version(c: sqlite3.Connection) -> int:
        return c.execute('SELECT "value" FROM "meta" WHERE "key" = ?', ("data_version",)).fetchone()[0]

    def _bump(self, c: sqlite3.Connection) -> int:
        c.execute('UPDATE "meta" SET "value" = "value" + 1 WHERE "key" = ?', ("data_version",))
        return c.execute('SELECT "value" FROM "meta" WHERE "key" = ?', ("data_version",)).fetchone()[0]

    # -- writes -----------------------------------------------------------------------
    def write(self, tables: Mapping[str, pd.DataFrame], progress: Progress | None = None,
              references_checked: bool = False, history_from=None, chunk_size: int = 50_000,
              actor: str | None = None, source: str | None = None) -> WriteResult:
        """Write what is new or changed, in one transaction (see :meth:`Store.write`).

        Tables of :data:`STAGE_ROWS` rows or more are first put, as Arrow columns, into a
        throw-away staging file (:func:`_stage`, the ADBC SQLite driver: no Python object per
        row), attached to the connection before the transaction begins; each entity's rows
        then come from there with one ``INSERT ... SELECT`` (smaller tables are bound row by
        row). The transaction alone makes the write all or nothing: the staging file is
        deleted afterwards whatever happened.

        Per entity, set-based: into an empty table the rows go straight in (a bulk load of
        :data:`BULK_ROWS` or more rebuilds the secondary indexes afterwards) and every row is
        audited as an insert, found by one ``audit_span`` per distinct first-key value
        (:meth:`_span_refs`) instead of a ref per row; otherwise the rows are staged in a TEMP table, rows equal to the
        stored ones in every supplied column are dropped from it, and one ``INSERT ... SELECT``
        audits the rest (an update's before / after: the changed columns only) and one
        ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` writes them. Nothing changed: no
        write-log entry and the data version stays.

        With ``references_checked`` (the import pipeline validated every reference against
        the incoming rows and the store) per-row foreign-key enforcement is off for this
        transaction (it costs ~20% of a bulk load). Either way every referencing column of the
        written tables is checked once, set-based, inside the transaction before it commits
        (:meth:`_check_references`): the store may have changed since validation (a person
        erased meanwhile), and a write never leaves orphans (~5% of a bulk load).
        """
        for name in tables:
            check_entity(name)
        result = WriteResult()
        with self._lock:
            self._writing()
            prepared = {name: _prepared(name, tables[name]) for name in WRITE_ORDER
                        if tables.get(name) is not None and len(tables[name])}
            # large tables go to a throw-away staging file first (Arrow columns, no Python
            # object per row), attached to this connection: ATTACH is refused inside a transaction
            folder, staged = _stage(prepared)
            # what was not staged is bound row by row, in key order
            prepared = {name: (df if name in staged else _key_ordered(name, df), columns)
                        for name, (df, columns) in prepared.items()}
            attached = False
            try:
                if staged:
                    self._conn.execute(f"ATTACH DATABASE ? AS {STAGE_DB}", (os.path.join(folder, "stage.db"),))
                    attached = True
                if references_checked:
                    self._conn.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction: set before BEGIN
                with self._tx() as c:
                    at = utc_now()
                    self._begin_refs(c)
                    for name, (df, columns) in prepared.items():
                        written, received = self._write_entity(c, name, df, columns, name in staged, progress,
                                                               chunk_size, result, (at, actor, source))
                        if written:
                            result.rows[name] = written
                        if received - written:
                            result.unchanged[name] = received - written
                    c.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
                    self._end_refs(c)
                    # references are checked here, inside the write lock, whatever the caller
                    # validated before: a person erased since then must not leave orphans
                    self._check_references(c, [n for n in WRITE_ORDER if result.rows.get(n)])
                    start = incoming_history_start(tables, history_from)
                    moved = False
                    if start is not None:  # the history starts at the earliest start ever written
                        old = c.execute('SELECT "value" FROM "meta" WHERE "key" = ?', ("history_from",)).fetchone()
                        if old is None or start < old[0]:
                            c.execute('INSERT INTO "meta" VALUES (?, ?) ON CONFLICT("key") DO UPDATE '
                                      'SET "value" = MIN("value", excluded."value")', ("history_from", start))
                            moved = True
                    if result.rows or moved:
                        self._log(c, actor, "write", result.rows)
                        result.data_version = self._bump(c)
                    else:  # an identical write writes nothing
                        result.data_version = self._version(c)
            except sqlite3.IntegrityError as e:
                raise StoreUnavailable(gettext("write rejected by the store, nothing was written: {reason}").format(
                    reason=e)) from None
            except sqlite3.OperationalError as e:
                raise StoreUnavailable(gettext("SQLite store {path}: {reason}; nothing was written").format(
                    path=self.path, reason=e)) from None
            finally:
                if references_checked:
                    self._conn.execute("PRAGMA foreign_keys=ON")
                if attached:
                    self._conn.execute(f"DETACH DATABASE {STAGE_DB}")
                if folder:
                    shutil.rmtree(folder, ignore_errors=True)
        return result

    def _write_entity(self, c: sqlite3.Connection, name: str, df: pd.DataFrame, columns: Sequence[str],
                      staged: bool, progress: Progress | None, chunk_size: int, result: WriteResult,
                      who: tuple) -> tuple[int, int]:
        """Write one entity's new and changed rows (``df`` and its ``columns`` as :func:`_prepared`
        made them; with ``staged``, already in the staging file as table ``name``) and audit
        them; (rows written, rows received)."""
        ent = ENTITIES[name]
        key = list(ent.key)
        others = [col for col in columns if col not in ent.key]
        n = len(df)
        order = ", ".join(f"s.{_q(k)}" for k in key)
        # an insert's entry holds its key and which columns were supplied, not their values
        # (BaseStore._complete rebuilds them on read): no JSON object per inserted row
        marker = insert_columns_marker(name, columns)
        audit_head = ('INSERT INTO "audit" ("at", "actor", "source", "action", "entity", "key", "before", "after") ')
        if c.execute(_exists_sql(ent)).fetchone() is None:
            # an empty table: every row is new. Straight in, then audited from the table itself;
            # a bulk load builds its indexes once, afterwards
            sql = upsert_sql(ent, columns)
            bulk = n >= BULK_ROWS
            if bulk:
                for stmt in drop_index_sql(ent):
                    c.execute(stmt)
            if staged:
                c.execute(upsert_sql(ent, columns, f"{STAGE_DB}.{_q(name)}"))
                result.batches += 1
                if progress:
                    progress(name, n, n)
            for start in range(0, 0 if staged else n, chunk_size):
                part = df.iloc[start:start + chunk_size]
                c.executemany(sql, zip(*_column_values(ent, part, columns)))
                result.batches += 1
                if progress:
                    progress(name, min(start + chunk_size, n), n)
            if bulk:
                for stmt in index_sql(ent):
                    c.execute(stmt)
            first_seq = self._last_seq(c)
            written = c.execute(
                audit_head + f"SELECT '', NULL, NULL, 'insert', ?, {_json_array('s', key)}, NULL, ? "
                f"FROM {_q(name)} s ORDER BY {order}", (name, marker)).rowcount
            self._batch(c, first_seq, written, who)
            self._span_refs(c, name, first_seq, staged)
            return written, written  # (rows repeating a key count once, as in the staged path)
        for stmt in stage_sql(ent, columns):
            c.execute(stmt)
        marks = ", ".join("?" for _ in columns)
        stage = f'INSERT OR REPLACE INTO temp.{STAGE} ({", ".join(_q(col) for col in columns)}) VALUES ({marks})'
        if staged:
            cols = ", ".join(_q(col) for col in columns)
            c.execute(f"INSERT OR REPLACE INTO temp.{STAGE} ({cols}) SELECT {cols} FROM {STAGE_DB}.{_q(name)}")
            result.batches += 1
            if progress:
                progress(name, n, n)
        for start in range(0, 0 if staged else n, chunk_size):
            part = df.iloc[start:start + chunk_size]
            c.executemany(stage, zip(*_column_values(ent, part, columns)))
            result.batches += 1
            if progress:
                progress(name, min(start + chunk_size, n), n)
        received = c.execute(f"SELECT COUNT(*) FROM temp.{STAGE}").fetchone()[0]
        # rows equal to the stored ones in every supplied column: nothing to write
        same = " AND ".join(f"t.{_q(col)} IS {STAGE}.{_q(col)}" for col in others) or "1"
        c.execute(f"DELETE FROM temp.{STAGE} WHERE EXISTS (SELECT 1 FROM main.{_q(name)} t "
                  f"WHERE {_key_match('t', STAGE, ent)} AND {same})")
        new = f"t.{_q(key[0])} IS NULL"
        before = f"CASE WHEN {new} THEN NULL ELSE {_changed_only('t', others)} END" if others else "NULL"
        after = f"CASE WHEN {new} THEN ? ELSE {_changed_only('s', others)} END" if others else "?"
        first_seq = self._last_seq(c)
        joined = f"temp.{STAGE} s LEFT JOIN main.{_q(name)} t ON {_key_match('t', 's', ent)}"
        written = c.execute(
            audit_head + f"SELECT '', NULL, NULL, CASE WHEN {new} THEN 'insert' ELSE 'update' END, ?, "
            f"{_json_array('s', key)}, {before}, {after} FROM {joined} ORDER BY {order}",
            (name, marker)).rowcount
        self._batch(c, first_seq, written, who)
        if written:
            self._row_refs(c, name, joined, columns, first_seq, staged=True)
            cols = ", ".join(_q(col) for col in columns)
            conflict = ", ".join(_q(k) for k in key)
            action = ("DO UPDATE SET " + ", ".join(f"{_q(col)} = excluded.{_q(col)}" for col in others)
                      if others else "DO NOTHING")
            c.execute(f"INSERT INTO main.{_q(name)} ({cols}) SELECT {cols} FROM temp.{STAGE} WHERE 1 "
                      f"ORDER BY {', '.join(_q(k) for k in key)} ON CONFLICT ({conflict}) {action}")
        return written, received

    @staticmethod
    def _batch(c: sqlite3.Connection, after_seq: int, written: int, who: tuple) -> None:
        """Record at / actor / source once for the ``written`` entries just numbered after
        ``after_seq`` (they hold an empty "at"; :data:`_AUDIT_SELECT` reads them from here)."""
        if written:
            # a batch past the entries can only be left from a trail dropped by hand: it must
            # never be taken for these entries' (or later ones')
            c.execute('DELETE FROM "audit_batch" WHERE "first_seq" > ?', (after_seq,))
            c.execute('INSERT INTO "audit_batch" ("first_seq", "at", "actor", "source") VALUES (?, ?, ?, ?)',
                      (after_seq + 1, *who))

    @staticmethod
    def _last_seq(c: sqlite3.Connection) -> int:
        """The seq the next audit entry follows: AUTOINCREMENT numbers after the largest seq
        ever used (``sqlite_sequence``), so the n entries one statement inserts are numbered
        ``_last_seq() + 1 .. + n`` in the statement's order."""
        used = c.execute("SELECT \"seq\" FROM sqlite_sequence WHERE \"name\" = 'audit'").fetchone()
        top = c.execute('SELECT COALESCE(MAX("seq"), 0) FROM "audit"').fetchone()[0]
        return max(top, used[0] if used else 0)

    @staticmethod
    def _row_refs(c: sqlite3.Connection, name: str, source: str, columns: Sequence[str], after_seq: int,
                  staged: bool) -> None:
        """The refs of the entries just written for ``source``'s rows (alias ``s``; with
        ``staged``, joined to the stored rows ``t``), straight from the columns, no JSON: the
        k-th row in key order is entry ``after_seq + k``, numbered by a TEMP table's rowid
        (filled in key order; half the cost of ``row_number()`` over the same order). An
        insert names its key and supplied columns; an update its key and the changed
        columns, before (``t``) and after (``s``)."""
        ent = ENTITIES[name]
        new = f"t.{_q(ent.key[0])} IS NULL"
        exprs: list[tuple[str, str]] = []  # (prefix, SQL value)
        for col, targets in audit_ref_columns(name):
            if col not in columns:
                continue
            if col in ent.key or not staged:
                values = [f"s.{_q(col)}"]
            else:
                differs = f"s.{_q(col)} IS NOT t.{_q(col)}"
                values = [f"CASE WHEN {new} OR {differs} THEN s.{_q(col)} END",
                          f"CASE WHEN NOT ({new}) AND {differs} THEN t.{_q(col)} END"]
            exprs += [(target + ":", v) for v in values for target in targets]
        if not exprs:
            return
        vals = list(dict.fromkeys(v for _, v in exprs))  # org_id: one value, two targets
        order = ", ".join(f"s.{_q(k)}" for k in ent.key)
        c.execute(f"DROP TABLE IF EXISTS temp.{NUMBERED}")
        c.execute(f'CREATE TEMP TABLE {NUMBERED} ("seq" INTEGER PRIMARY KEY, '
                  + ", ".join(f'"v{i}"' for i in range(len(vals))) + ")")
        c.execute(f'INSERT INTO temp.{NUMBERED} (' + ", ".join(f'"v{i}"' for i in range(len(vals))) + ") "
                  f"SELECT {', '.join(vals)} FROM {source} ORDER BY {order}")
        parts = " UNION ALL ".join(f'SELECT ? || "v{vals.index(v)}", "seq" + ? FROM temp.{NUMBERED} '
                                   f'WHERE "v{vals.index(v)}" IS NOT NULL' for _, v in exprs)
        c.execute(f'INSERT INTO temp.{REFS} ("ref", "seq") {parts}',
                  [x for prefix, _ in exprs for x in (prefix, after_seq)])
        c.execute(f"DROP TABLE temp.{NUMBERED}")

    @staticmethod
    def _span_refs(c: sqlite3.Connection, name: str, after_seq: int, staged: bool = False) -> None:
        """The refs of the insert entries just numbered after ``after_seq`` for every row of
        ``name`` in key order (a write into an empty table): one ``audit_span`` per distinct
        value of the first key column (and target), covering that value's consecutive entries.
        From the staging file when the rows came through it (:func:`_spans`), else counted per
        value from the table's own key order (no sort, no row per entry)."""
        if staged and c.execute(f"SELECT 1 FROM {STAGE_DB}.sqlite_master WHERE name = ?",
                                ("span_" + name,)).fetchone():
            c.execute(f'INSERT INTO "audit_span" ("ref", "seq", "n") SELECT "ref", ? + "off" + 1, "n" '
                      f'FROM {STAGE_DB}.{_q("span_" + name)}', (after_seq,))
            return
        ent = ENTITIES[name]
        lead = _q(ent.key[0])
        targets = dict(audit_ref_columns(name))[ent.key[0]]
        for target in targets:
            c.execute(
                'INSERT INTO "audit_span" ("ref", "seq", "n") '
                f'SELECT ? || "k", ? + SUM("n") OVER (ORDER BY "k" ROWS UNBOUNDED PRECEDING) - "n" + 1, "n" '
                f'FROM (SELECT s.{lead} AS "k", COUNT(*) AS "n" FROM main.{_q(name)} s GROUP BY s.{lead}) '
                'ORDER BY "k"', (target + ":", after_seq))

    @staticmethod
    def _audit_refs(c: sqlite3.Connection, name: str, after_seq: int, others: Sequence[str]) -> None:
        """Index the audit entries of ``name`` written after ``after_seq`` by the ids they name
        (``audit_ref``), from their JSON (deletes: few rows, their ``before`` in full): one
        pass of ``json_each`` per JSON column."""
        parts, params = [], []
        refs = audit_ref_columns(name)
        for side in ("key", "before", "after"):
            cols = [(col, targets) for col, targets in refs
                    if (col in ENTITIES[name].key) == (side == "key") and (side == "key" or col in others)]
            # one scan of the JSON per side and target rank (org_id names an account or an organization)
            for rank in range(max((len(t) for _, t in cols), default=0)):
                pairs = [(col, targets[rank] + ":") for col, targets in cols if len(targets) > rank]
                cases = " ".join("WHEN ? THEN ?" for _ in pairs)
                marks = ", ".join("?" for _ in pairs)
                parts.append(f'SELECT (CASE j."key" {cases} END) || j."value" AS "ref", a."seq" AS "seq" '
                             f'FROM "audit" a, json_each(a.{_q(side)}) j '
                             f'WHERE a."seq" > ? AND j."key" IN ({marks}) AND j."value" IS NOT NULL')
                params += [v for pair in pairs for v in pair] + [after_seq] + [col for col, _ in pairs]
        if parts:
            c.execute(f'INSERT INTO temp.{REFS} ("ref", "seq") ' + " UNION ALL ".join(parts), params)

    @staticmethod
    def _begin_refs(c: sqlite3.Connection) -> None:
        """A TEMP table collecting a write's audit refs (:meth:`_audit_refs`)."""
        c.execute(f"DROP TABLE IF EXISTS temp.{REFS}")
        c.execute(f'CREATE TEMP TABLE {REFS} ("ref" TEXT NOT NULL, "seq" INTEGER NOT NULL)')

    @staticmethod
    def _end_refs(c: sqlite3.Connection) -> None:
        """Move the collected refs into ``audit_ref`` in one sorted pass: B-tree appends in
        key order instead of one random insert per ref (the bulk of an audited import's cost)."""
        c.execute(f'INSERT OR IGNORE INTO "audit_ref" ("ref", "seq") SELECT "ref", "seq" FROM temp.{REFS} '
                  'ORDER BY "ref", "seq"')
        c.execute(f"DROP TABLE temp.{REFS}")

    @staticmethod
    def _check_references(c: sqlite3.Connection, written: Sequence[str]) -> None:
        """Raise (so the transaction rolls back) when a written table holds a reference to a
        row that does not exist: one set-based query per referencing column, run inside the
        write transaction (``BEGIN IMMEDIATE``), so nothing can change between it and the commit."""
        for name in written:
            ent = ENTITIES[name]
            for col in ent.columns:
                if not col.references:
                    continue
                missing = " AND ".join(
                    f"NOT EXISTS (SELECT 1 FROM {_q(ref)} p WHERE p.\"id\" = t.{_q(col.name)})"
                    for ref in col.references)
                # each distinct value once (through the column's index), then, only when one
                # is missing, the ids to name in the order the rows hold them
                distinct = (f"SELECT 1 FROM (SELECT DISTINCT x.{_q(col.name)} FROM {_q(name)} x "
                            f"WHERE x.{_q(col.name)} IS NOT NULL) t WHERE {missing} LIMIT 1")
                if c.execute(distinct).fetchone() is None:
                    continue
                sql = (f"SELECT DISTINCT t.{_q(col.name)} FROM {_q(name)} t "
                       f"WHERE t.{_q(col.name)} IS NOT NULL AND {missing} LIMIT 6")
                ids = [r[0] for r in c.execute(sql)]
                if ids:
                    shown = ", ".join(repr(i) for i in ids[:5]) + (", ..." if len(ids) > 5 else "")
                    raise OrphanReferences(gettext(
                        "write rejected, nothing was written: {column} refers to {targets} that no longer exist "
                        "({ids}); they were erased or deleted after the data was validated. Check the data and "
                        "import again").format(column=f"{name}.{col.name}", targets=" or ".join(col.references),
                                               ids=shown))

    @staticmethod
    def _log(c: sqlite3.Connection, actor: str | None, action: str, rows: Mapping[str, int]) -> None:
        """Record who wrote and when (rows: entity -> count; no ids, so an erasure leaves none)."""
        c.execute('INSERT INTO "write_log" ("at", "actor", "action", "rows") VALUES (?, ?, ?, ?)',
                  (utc_now(), actor, action, json.dumps(dict(rows), sort_keys=True)))

    def write_log(self) -> pd.DataFrame:
        """Every recorded write, oldest first: at (UTC, ISO 8601), actor, action, rows (entity -> count)."""
        with self._lock:
            c = self._reading()
            if not c.execute("SELECT 1 FROM sqlite_master WHERE name = 'write_log'").fetchone():
                return pd.DataFrame(columns=["at", "actor", "action", "rows"])
            rows = c.execute('SELECT "at", "actor", "action", "rows" FROM "write_log" ORDER BY "id"').fetchall()
        frame = pd.DataFrame.from_records(rows, columns=["at", "actor", "action", "rows"])
        frame["rows"] = frame["rows"].map(json.loads)
        return frame

    def delete(self, entity: str, keys: pd.DataFrame, actor: str | None = None,
               source: str | None = None) -> int:
        """Delete rows by key (see :meth:`Store.delete`); each deleted row is audited with
        the stored row as ``before``. Deleting nothing writes nothing."""
        check_entity(entity)
        ent = ENTITIES[entity]
        if entity == "people":
            return self.erase_people(keys["id"].tolist(), actor=actor)
        key = list(ent.key)
        key_values = [k for k in zip(*_column_values(ent, keys, key)) if None not in k]  # no key: no row
        with self._lock:
            self._writing()
        with self._lock, self._tx() as c:
            for stmt in stage_sql(ent, key):
                c.execute(stmt)
            marks = ", ".join("?" for _ in key)
            c.executemany(f'INSERT OR REPLACE INTO temp.{STAGE} ({", ".join(_q(k) for k in key)}) VALUES ({marks})',
                          key_values)
            found = f"EXISTS (SELECT 1 FROM temp.{STAGE} k WHERE {_key_match('k', 's', ent)})"
            who = (utc_now(), actor, source)
            self._begin_refs(c)
            n = self._audit_rows_of(c, entity, "delete", found, who)
            if n:
                if ent.key == ("id",):
                    ids = [r[0] for r in c.execute(f'SELECT "id" FROM temp.{STAGE}')]
                    self._detach(c, entity, ids, who)
                c.execute(f"DELETE FROM main.{_q(entity)} AS s WHERE {found}")
                self._log(c, actor, "delete", {entity: n})
                self._bump(c)
            self._end_refs(c)
            c.execute(f"DROP TABLE temp.{STAGE}")
        return n

    def _audit_rows_of(self, c: sqlite3.Connection, entity: str, action: str, where: str, who: tuple,
                       params: Sequence = (), column: str | None = None) -> int:
        """Audit the rows of ``entity`` (alias ``s``) matching ``where``, in key order, before they
        are deleted (``before``: the stored row) or, with ``column``, before that column is
        emptied (an update of it); returns how many."""
        ent = ENTITIES[entity]
        first_seq = c.execute('SELECT COALESCE(MAX("seq"), 0) FROM "audit"').fetchone()[0]
        if column is None:
            before, after, cols = _json_object("s", ent.column_names), "NULL", ent.column_names
        else:
            before, after, cols = _json_object("s", [column]), f"json_object({_lit(column)}, NULL)", [column]
        n = c.execute(
            'INSERT INTO "audit" ("at", "actor", "source", "action", "entity", "key", "before", "after") '
            f"SELECT ?, ?, ?, ?, ?, {_json_object('s', list(ent.key))}, {before}, {after} "
            f"FROM main.{_q(entity)} s WHERE {where} ORDER BY {', '.join('s.' + _q(k) for k in ent.key)}",
            (*who, action, entity, *params)).rowcount
        if n:
            self._audit_refs(c, entity, first_seq, [col for col in cols if col not in ent.key])
        return n

    def _detach(self, c: sqlite3.Connection, entity: str, ids: list[str], who: tuple | None = None) -> None:
        """Remove or null every row pointing at the node rows about to be deleted; with
        ``who`` (at, actor, source), each such row is audited first (a delete, or an update
        emptying the column)."""
        payload = json.dumps(ids)
        for other in WRITE_ORDER:
            ent = ENTITIES[other]
            for col in ent.columns:
                if entity not in col.references:
                    continue
                cond = f"{_q(col.name)} IN (SELECT value FROM json_each(?))"
                if col.required:
                    if ent.key == ("id",):
                        select = f"SELECT \"id\" FROM {_q(other)} WHERE {cond}"
                        sub = [r[0] for r in c.execute(select, (payload,))]
                        if sub:
                            self._detach(c, other, sub, who)
                    if who is not None:
                        self._audit_rows_of(c, other, "delete", f"s.{cond}", who, (payload,))
                    stmt = f"DELETE FROM {_q(other)} WHERE {cond}"
                else:
                    if who is not None:
                        self._audit_rows_of(c, other, "update", f"s.{cond}", who, (payload,), column=col.name)
                    stmt = f"UPDATE {_q(other)} SET {_q(col.name)} = NULL WHERE {cond}"
                c.execute(stmt, (payload,))

    def erase_person(self, person_id: str, actor: str | None = None) -> Erasure:
        """Erase one person (see :meth:`Store.erase_person`), then checkpoint the WAL so the
        erased bytes leave the log for the secure-deleted main file. A reader holding an older
        snapshot blocks that: the result's ``wal_pending`` says so (the bytes stay in the
        ``-wal`` file until the readers finish and a later write or checkpoint moves them)."""
        with self._lock:
            self._writing()
        with self._lock, self._tx() as c:
            if c.execute('SELECT 1 FROM "people" WHERE "id" = ?', (person_id,)).fetchone() is None:
                raise NotFound(gettext("no person with id {id}").format(id=repr(person_id)))
            interaction_ids = [r[0] for r in c.execute(
                'SELECT "interaction_id" FROM "attendance" WHERE "person_id" = ?', (person_id,))]
            # before any row changes: the entries naming them (completed), and the inserts that
            # stay but could not be rebuilt once rows change without entries, stored in full
            entries, keep = self._erasure_completions(person_id, interaction_ids)
            c.executemany('UPDATE "audit" SET "after" = ? WHERE "seq" = ?', [(a, seq) for seq, a in keep])
            # and they are found by their refs from now on (a bulk insert's are not all stored:
            # its row, through which it was found, is about to change without an entry)
            kept = c.execute('SELECT "seq", "entity", "key", "after" FROM "audit" WHERE "seq" IN '
                             '(SELECT value FROM json_each(?))', (json.dumps([seq for seq, _ in keep]),)).fetchall()
            c.executemany('INSERT OR IGNORE INTO "audit_ref" ("ref", "seq") VALUES (?, ?)',
                          [(ref, seq) for seq, entity, key, after in kept
                           for ref in audit_refs(entity, audit_key(entity, key), audit_values(after))])
            counts: dict[str, int] = {}
            for entity, ent in ENTITIES.items():
                for col in ent.columns:
                    if "people" not in col.references:
                        continue
                    if col.required:
                        stmt = f"DELETE FROM {_q(entity)} WHERE {_q(col.name)} = ?"
                        cur = c.execute(stmt, (person_id,))
                        counts[entity] = counts.get(entity, 0) + cur.rowcount
                    else:
                        stmt = f"UPDATE {_q(entity)} SET {_q(col.name)} = NULL WHERE {_q(col.name)} = ?"
                        c.execute(stmt, (person_id,))
            cur = c.execute(
                'DELETE FROM "interactions" WHERE "id" IN (SELECT value FROM json_each(?)) '
                'AND NOT EXISTS (SELECT 1 FROM "attendance" a WHERE a."interaction_id" = "interactions"."id")',
                (json.dumps(interaction_ids),),
            )
            counts["interactions"] = cur.rowcount
            c.execute('DELETE FROM "people" WHERE "id" = ?', (person_id,))
            counts["people"] = 1
            # the audit trail forgets them: every entry naming them goes, with its refs
            # (their entries' other refs are found from the entries themselves, inserts
            # completed: audit_ref is keyed by ref, so each goes by its primary key, no scan)
            refs = [(ref, seq) for seq, *_, entity, key, before, after in entries
                    for ref in audit_refs(entity, audit_key(entity, key), audit_values(before), audit_values(after))]
            c.executemany('DELETE FROM "audit_ref" WHERE "ref" = ? AND "seq" = ?', refs)
            c.execute('DELETE FROM "audit_span" WHERE "ref" = ?', (f"people:{person_id}",))
            c.executemany('DELETE FROM "audit" WHERE "seq" = ?', [(e[0],) for e in entries])
            counts = {k: v for k, v in counts.items() if v}
            self._log(c, actor, "erase_person", counts)
            self._bump(c)
        result = Erasure(counts)
        result.wal_pending = not self.checkpoint()
        return result

    def checkpoint(self, wait_s: float = 2.0) -> bool:
        """Move everything in the WAL into the main file and truncate the log; False when a
        reader (another connection inside a read transaction) kept part of it there."""
        with self._lock:
            c = self._conn
            if self.path == ":memory:" or self._placeholder or self._read_only:
                return True
            c.execute("PRAGMA busy_timeout=" + str(int(wait_s * 1000)))
            try:
                busy, log, done = c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.OperationalError:
                return False
            finally:
                c.execute("PRAGMA busy_timeout=" + str(int(BUSY_TIMEOUT_S * 1000)))
        return not busy and log in (0, done)

    # -- reads ------------------------------------------------------------------------
    def read(self, entity: str, column: str | None = None,
             values: Sequence[str] | None = None) -> pd.DataFrame:
        check_entity(entity)
        if column is not None:
            check_column(entity, column)
        from kamgraph.store import sqlite_read  # (here: the read path is that module's)

        fast = sqlite_read.read(self, entity, column, values)  # Arrow columns; None: not here
        if fast is not None:
            return fast
        ent = ENTITIES[entity]
        cols = ", ".join(_q(c) for c in ent.column_names)
        sql = f"SELECT {cols} FROM {_q(entity)}"
        params: tuple = ()
        if column is not None:
            sql += f" WHERE {_q(column)} IN (SELECT value FROM json_each(?))"
            params = (json.dumps([str(v) for v in (values or [])], ensure_ascii=False),)
        with self._lock:
            rows = self._reading().execute(sql, params).fetchall()
        return normalize_frame(entity, pd.DataFrame.from_records(rows, columns=ent.column_names))

    def counts(self) -> dict[str, int]:
        with self._lock:
            c = self._reading()
            return {name: c.execute("SELECT COUNT(*) FROM " + _q(name)).fetchone()[0]
                    for name in WRITE_ORDER}

    def data_version(self) -> int:
        with self._lock:
            return self._reading().execute('SELECT "value" FROM "meta" WHERE "key" = ?',
                                           ("data_version",)).fetchone()[0]

    def history_from(self) -> pd.Timestamp | None:
        with self._lock:
            conn = self._reading()
            row = conn.execute('SELECT "value" FROM "meta" WHERE "key" = ?', ("history_from",)).fetchone()
            if row is None:  # written before starts were recorded: the first interaction
                first = conn.execute('SELECT MIN("date") FROM "interactions"').fetchone()[0]
                return pd.Timestamp(first) if first else None
        return pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(row[0]))

    def _current_rows(self, entity: str, keys: Sequence[tuple]) -> dict[tuple, dict]:
        ent = ENTITIES[entity]
        sql = (f"SELECT {', '.join('s.' + _q(c) for c in ent.column_names)} FROM main.{_q(entity)} s "
               f"WHERE s.{_q(ent.key[0])} IN (SELECT value FROM json_each(?))")
        wanted = set(keys)
        with self._lock:
            found = self._reading().execute(sql, (json.dumps(sorted({k[0] for k in wanted}),
                                                             ensure_ascii=False),)).fetchall()
        at = [ent.column_names.index(k) for k in ent.key]
        floats = [i for i, c in enumerate(ent.columns) if c.type == "float"]
        out = {}
        for row in found:
            k = tuple(row[i] for i in at)
            if k in wanted:
                values = list(row)
                for i in floats:  # as json_object writes a REAL: 15 significant digits
                    if values[i] is not None:
                        values[i] = float(f"{values[i]:.15g}")
                out[k] = dict(zip(ent.column_names, values))
        return out

    def _has_audit(self, c: sqlite3.Connection) -> bool:
        """False for a store file written before the audit trail (opened read-only)."""
        return c.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit'").fetchone() is not None

    @staticmethod
    def _audit_select(c: sqlite3.Connection) -> str:
        """How entries are read: with their batches, or (a file written before batches, opened
        read-only) as they are."""
        if c.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_batch'").fetchone() is None:
            return _AUDIT_SELECT_PLAIN
        return _AUDIT_SELECT

    @staticmethod
    def _has_spans(c: sqlite3.Connection) -> bool:
        """True when the trail holds bulk inserts' spans (a file written since they exist)."""
        return c.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_span'").fetchone() is not None

    @staticmethod
    def _direct_seqs_sql(spans: bool) -> str:
        """The seqs of the entries naming any ref of the JSON array parameter (given twice
        with spans): their stored refs, and the entries of the spans of those refs."""
        sql = 'SELECT r."seq" FROM "audit_ref" r WHERE r."ref" IN (SELECT value FROM json_each(?))'
        if spans:
            sql += (' UNION ALL SELECT x."seq" FROM "audit_span" p JOIN "audit" x ON x."seq" BETWEEN p."seq" '
                    'AND p."seq" + p."n" - 1 WHERE p."ref" IN (SELECT value FROM json_each(?))')
        return sql

    def _row_entries(self, refs: Sequence[str]) -> list[tuple]:
        """Every entry of the rows whose own ref (:func:`~kamgraph.store.base.audit_row_ref`)
        is in ``refs``, perhaps with others: their stored refs and spans name it."""
        with self._lock:
            c = self._reading()
            if not self._has_audit(c):
                return []
            spans = self._has_spans(c)
            payload = json.dumps([str(r) for r in refs], ensure_ascii=False)
            return c.execute(self._audit_select(c) + f' WHERE a."seq" IN ({self._direct_seqs_sql(spans)}) '
                             'ORDER BY a."seq"', (payload, payload) if spans else (payload,)).fetchall()

    def _audit_rows(self, refs: Sequence[str] | None) -> list[tuple]:
        """The entries naming any of ``refs`` (every entry for None): by their stored refs and
        spans, and the bulk inserts (spans) whose other columns name one. Those are found
        through their rows: the rows naming it now (the entity's index on the column), and
        the rows of the entries found, which hold every earlier value of a column (an
        update's before, a delete's row); each such insert kept when its row as inserted
        (:meth:`_complete`) names it."""
        if refs is None:
            with self._lock:
                c = self._reading()
                if not self._has_audit(c):
                    return []
                return c.execute(self._audit_select(c) + ' ORDER BY a."seq"').fetchall()
        refs = [str(r) for r in refs]
        with self._lock:
            c = self._reading()
            if not self._has_audit(c):
                return []
            if not self._has_spans(c):
                return self._row_entries(refs)
            select = self._audit_select(c)
            payload = json.dumps(refs, ensure_ascii=False)
            found = {int(r[0]): r for r in c.execute(
                select + f' WHERE a."seq" IN ({self._direct_seqs_sql(True)})', (payload, payload))}
            by_target: dict[str, list[str]] = {}
            for ref in refs:
                target, _, value = ref.partition(":")
                by_target.setdefault(target, []).append(value)
            check: dict[int, list[tuple[str, set]]] = {}  # inserts to keep if their row as inserted names it
            for entity, ent in ENTITIES.items():
                lead, lead_target = ent.key[0], dict(audit_ref_columns(entity))[ent.key[0]][0]
                rows_of = json.dumps([list(_key_tuple(entity, r[6])) for r in found.values()
                                      if r[5] == entity and r[4] != "insert"], ensure_ascii=False)
                for col, targets in audit_ref_columns(entity):
                    if col == lead:
                        continue
                    values = sorted({v for t in targets for v in by_target.get(t, ())})
                    if not values:
                        continue
                    key_cols = ", ".join(f's.{_q(k)}' for k in ent.key)
                    from_entries = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(ent.key)))
                    wanted = json.dumps(values, ensure_ascii=False)
                    # a key never changes: the insert of a row whose key holds the value names it
                    keyed = col in ent.key
                    seqs = [r[0] for r in c.execute(
                        f'WITH s({", ".join(_q(k) for k in ent.key)}) AS ('
                        f'SELECT {key_cols} FROM main.{_q(entity)} s WHERE s.{_q(col)} IN '
                        f'(SELECT value FROM json_each(?)) UNION SELECT {from_entries} FROM json_each(?)) '
                        f'SELECT x."seq" FROM s JOIN "audit_span" p ON p."ref" = ? || s.{_q(lead)} '
                        'JOIN "audit" x ON x."seq" BETWEEN p."seq" AND p."seq" + p."n" - 1 '
                        f'WHERE x."entity" = ? AND x."action" = \'insert\' AND x."key" = '
                        f'{_json_array("s", ent.key)}'
                        + (f' AND s.{_q(col)} IN (SELECT value FROM json_each(?))' if keyed else ''),
                        (wanted, rows_of, lead_target + ":", entity) + ((wanted,) if keyed else ()))
                        if r[0] not in found]
                    check_values = None if keyed else set(values)
                    for seq in seqs:
                        check.setdefault(seq, []).append((col, check_values))
            if check:
                more = c.execute(select + ' WHERE a."seq" IN (SELECT value FROM json_each(?))',
                                 (json.dumps(sorted(check)),)).fetchall()
        if check:
            completed = {int(r[0]): r for r in self._complete(
                [r for r in more if any(v is not None for _, v in check[int(r[0])])])}
            for r in more:
                seq = int(r[0])
                tests = check[seq]
                if any(v is None for _, v in tests) or any(
                        audit_values(completed[seq][8]).get(col) in v for col, v in tests):
                    found[seq] = r
        return [found[s] for s in sorted(found)]

    def _audit_text_rows(self, entities: Sequence[str]) -> list[tuple]:
        with self._lock:
            c = self._reading()
            if not self._has_audit(c):
                return []
            return c.execute(self._audit_select(c) + ' WHERE a."entity" IN (SELECT value FROM json_each(?)) '
                             'ORDER BY a."seq"', (json.dumps(list(entities)),)).fetchall()

    def _set_audit_texts(self, rows: Sequence[tuple[int, str | None, str | None]]) -> None:
        with self._lock:
            self._writing()
            with self._tx() as c:
                c.executemany('UPDATE "audit" SET "before" = ?, "after" = ? WHERE "seq" = ?',
                              [(before, after, seq) for seq, before, after in rows])

    def execute_raw(self, sql: str, params: Sequence = ()) -> list[tuple]:
        """Run a read-only statement (tests use it to check nothing is left behind)."""
        with self._lock:
            return self._reading().execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
