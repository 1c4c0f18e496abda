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
import sqlite3
import threading
from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd

from kamgraph.errors import ConfigError, NotFound, StoreUnavailable
from kamgraph.schema import ENTITIES, WRITE_ORDER, Entity, normalize_frame
from kamgraph.store.base import BaseStore, Progress, WriteResult, check_column, check_entity, incoming_history_start

BUSY_TIMEOUT_S = 30.0
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


def _exists_sql(ent: Entity) -> str:
    return f"SELECT 1 FROM {_q(ent.name)} LIMIT 1"


def upsert_sql(ent: Entity, columns: Sequence[str]) -> str:
    cols = ", ".join(_q(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    updates = [c for c in columns if c not in ent.key]
    conflict = ", ".join(_q(k) for k in ent.key)
    if updates:
        action = "DO UPDATE SET " + ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in updates)
    else:
        action = "DO NOTHING"
    return f"INSERT INTO {_q(ent.name)} ({cols}) VALUES ({marks}) ON CONFLICT ({conflict}) {action}"


def _column_values(ent: Entity, df: pd.DataFrame, columns: Sequence[str]) -> list[list]:
    """Per-column Python lists of DB values (vectorized per column, no per-cell branching)."""
    out = []
    for name in columns:
        col = ent.column(name)
        s = df[name]
        if col.type == "date":
            s = pd.to_datetime(s, errors="coerce").dt.strftime("%Y-%m-%d")
        elif col.type == "int":
            s = pd.to_numeric(s, errors="coerce").round().astype("Int64")
        elif col.type == "float":
            s = pd.to_numeric(s, errors="coerce").astype("float64")
        elif col.type == "bool":
            s = s.astype("boolean").astype("Int64")
        s = s.astype(object)
        out.append(s.where(s.notna(), None).tolist())
    return out


class SQLiteStore(BaseStore):
    """``sqlite:///path/to/kamgraph.db`` (relative or absolute) or ``sqlite:///:memory:``."""

    def __init__(self, url_or_path: str | Path = "sqlite:///./kamgraph.db"):
        raw = str(url_or_path)
        if raw.startswith("sqlite:///"):
            path = raw[len("sqlite:///"):]
        elif "://" in raw:
            raise ConfigError(f"not a SQLite store URL: {raw!r} (expected sqlite:///path/to/file.db)")
        else:
            path = raw
        if not path:
            raise ConfigError("SQLite store URL has no path: use sqlite:///./kamgraph.db")
        self.path = path
        self.url = "sqlite:///" + path
        self._lock = threading.RLock()
        if path != ":memory:":
            parent = Path(path).expanduser().resolve().parent
            if not parent.exists():
                raise ConfigError(f"folder for the SQLite store does not exist: {parent}")
        try:
            self._conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            c = self._conn
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=FULL")
            c.execute("PRAGMA busy_timeout=" + str(int(BUSY_TIMEOUT_S * 1000)))
            c.execute("PRAGMA foreign_keys=ON")
            c.execute("PRAGMA secure_delete=ON")
            c.execute("PRAGMA cache_size=-262144")  # 256 MiB page cache: big imports build large indexes
            c.execute("PRAGMA temp_store=MEMORY")
        except sqlite3.Error as e:
            raise StoreUnavailable(f"cannot open SQLite store {path}: {e}") from None
        self.init()

    # -- schema -----------------------------------------------------------------------
    def init(self) -> None:
        try:
            self._init_schema()
        except sqlite3.Error as e:
            raise StoreUnavailable(f"SQLite store {self.path}: {e}") from None

    def _init_schema(self) -> None:
        with self._lock, self._tx() as c:
            c.execute('CREATE TABLE IF NOT EXISTS "meta" ("key" TEXT PRIMARY KEY, "value" INTEGER NOT NULL)')
            c.execute('INSERT OR IGNORE INTO "meta" VALUES (?, ?)', ("data_version", 0))
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

    def _tx(self) -> "_Tx":
        return SQLiteStore._Tx(self._conn)

    def _bump(self, c: sqlite3.Connection) -> int:
        c.execute('UPDATE "meta" SET "value" = "value" + 1 WHERE "key" = ?', ("data_version",))
        return c.execute('SELECT "value" FROM "meta" WHERE "key" = ?', ("data_version",)).fetchone()[0]

    # -- writes -----------------------------------------------------------------------
    def write(self, tables: Mapping[str, pd.DataFrame], progress: Progress | None = None,
              references_checked: bool = False, history_from=None, chunk_size: int = 50_000) -> WriteResult:
        """Upsert everything in one transaction (see :meth:`Store.write`).

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
            if references_checked:
                self._conn.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction: set before BEGIN
            try:
                with self._tx() as c:
                    for name in WRITE_ORDER:
                        df = tables.get(name)
                        if df is None or len(df) == 0:
                            continue
                        ent = ENTITIES[name]
                        columns = [col for col in ent.column_names if col in df.columns]
                        missing_key = [k for k in ent.key if k not in columns]
                        if missing_key:
                            raise ValueError(f"{name}: missing key columns {missing_key}")
                        sql = upsert_sql(ent, columns)
                        n = len(df)
                        # inserting in key order keeps B-tree writes local
                        df = df.sort_values(list(ent.key), kind="stable")
                        # a bulk load into an empty table builds its indexes once, afterwards
                        bulk = n >= BULK_ROWS and c.execute(_exists_sql(ent)).fetchone() is None
                        if bulk:
                            for stmt in drop_index_sql(ent):
                                c.execute(stmt)
                        for start in range(0, n, chunk_size):
                            part = df.iloc[start:start + chunk_size]
                            c.executemany(sql, zip(*_column_values(ent, part, columns)))
                            result.batches += 1
                            if progress:
                                progress(name, min(start + chunk_size, n), n)
                        if bulk:
                            for stmt in index_sql(ent):
                                c.execute(stmt)
                        result.rows[name] = n
                    # references are checked here, inside the write lock, whatever the caller
                    # validated before: a person erased since then must not leave orphans
                    self._check_references(c, [n for n in WRITE_ORDER if result.rows.get(n)])
                    start = incoming_history_start(tables, history_from)
                    if start is not None:  # the history starts at the earliest start ever written
                        c.execute('INSERT INTO "meta" VALUES (?, ?) ON CONFLICT("key") DO UPDATE '
                                  'SET "value" = MIN("value", excluded."value")', ("history_from", start))
                    result.data_version = self._bump(c)
            except sqlite3.IntegrityError as e:
                raise StoreUnavailable(f"write rejected by the store, nothing was written: {e}") from None
            except sqlite3.OperationalError as e:
                raise StoreUnavailable(f"SQLite store {self.path}: {e}; nothing was written") from None
            finally:
                if references_checked:
                    self._conn.execute("PRAGMA foreign_keys=ON")
        return result

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
                sql = (f"SELECT DISTINCT t.{_q(col.name)} FROM {_q(name)} t "
                       f"WHERE t.{_q(col.name)} IS NOT NULL AND {missing} LIMIT 6")
                ids = [r[0] for r in c.execute(sql)]
                if ids:
                    shown = ", ".join(repr(i) for i in ids[:5]) + (", ..." if len(ids) > 5 else "")
                    raise OrphanReferences(
                        f"write rejected, nothing was written: {name}.{col.name} refers to "
                        f"{' or '.join(col.references)} that no longer exist ({shown}); they were "
                        f"erased or deleted after the data was validated. Check the data and import again")

    def delete(self, entity: str, keys: pd.DataFrame) -> int:
        check_entity(entity)
        ent = ENTITIES[entity]
        if entity == "people":
            return self.erase_people(keys["id"].tolist())
        key_values = list(zip(*_column_values(ent, keys, ent.key)))
        with self._lock, self._tx() as c:
            if ent.key == ("id",):
                ids = [k[0] for k in key_values]
                self._detach(c, entity, ids)
            where = " AND ".join(f"{_q(k)} = ?" for k in ent.key)
            before = c.total_changes
            stmt = f"DELETE FROM {_q(entity)} WHERE {where}"
            c.executemany(stmt, key_values)
            n = c.total_changes - before
            self._bump(c)
        return n

    def _detach(self, c: sqlite3.Connection, entity: str, ids: list[str]) -> None:
        """Remove or null every row pointing at the node rows about to be deleted."""
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
                            self._detach(c, other, sub)
                    stmt = f"DELETE FROM {_q(other)} WHERE {cond}"
                else:
                    stmt = f"UPDATE {_q(other)} SET {_q(col.name)} = NULL WHERE {cond}"
                c.execute(stmt, (payload,))

    def erase_person(self, person_id: str) -> dict[str, int]:
        with self._lock, self._tx() as c:
            if c.execute('SELECT 1 FROM "people" WHERE "id" = ?', (person_id,)).fetchone() is None:
                raise NotFound(f"no person with id {person_id!r}")
            interaction_ids = [r[0] for r in c.execute(
                'SELECT "interaction_id" FROM "attendance" WHERE "person_id" = ?', (person_id,))]
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
            self._bump(c)
        # move the erased pages out of the WAL into the (secure-deleted) main file
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return {k: v for k, v in counts.items() if v}

    # -- reads ------------------------------------------------------------------------
    def read(self, entity: str, column: str | None = None,
             values: Sequence[str] | None = None) -> pd.DataFrame:
        check_entity(entity)
        ent = ENTITIES[entity]
        cols = ", ".join(_q(c) for c in ent.column_names)
        sql = f"SELECT {cols} FROM {_q(entity)}"
        params: tuple = ()
        if column is not None:
            check_column(entity, column)
            sql += f" WHERE {_q(column)} IN (SELECT value FROM json_each(?))"
            params = (json.dumps([str(v) for v in (values or [])], ensure_ascii=False),)
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return normalize_frame(entity, pd.DataFrame.from_records(rows, columns=ent.column_names))

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {name: self._conn.execute("SELECT COUNT(*) FROM " + _q(name)).fetchone()[0]
                    for name in WRITE_ORDER}

    def data_version(self) -> int:
        with self._lock:
            return self._conn.execute('SELECT "value" FROM "meta" WHERE "key" = ?', ("data_version",)).fetchone()[0]

    def history_from(self) -> pd.Timestamp | None:
        with self._lock:
            row = self._conn.execute('SELECT "value" FROM "meta" WHERE "key" = ?', ("history_from",)).fetchone()
            if row is None:  # written before starts were recorded: the first interaction
                first = self._conn.execute('SELECT MIN("date") FROM "interactions"').fetchone()[0]
                return pd.Timestamp(first) if first else None
        return pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(row[0]))

    def execute_raw(self, sql: str, params: Sequence = ()) -> list[tuple]:
        """Run a read-only statement (tests use it to check nothing is left behind)."""
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
