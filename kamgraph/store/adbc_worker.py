"""Arrow reads of a SQLite file in a child process: the ADBC driver never opens the store's
file in the process that holds it through Python's ``sqlite3``.

The ADBC SQLite driver links its own copy of SQLite. Two copies of SQLite in one process
break SQLite's file locking (POSIX advisory locks belong to the process, so one copy
closing its descriptor drops the locks the other holds, and neither knows: readers see
pages a checkpoint is rewriting, see the SQLite documentation's "How To Corrupt An
SQLite Database File", section 2.2). So :mod:`kamgraph.store.sqlite_read` talks to the
file through this module's child process (``python -m kamgraph.store.adbc_worker PATH``),
which opens it read-only with the driver and answers statements with Arrow tables over
its standard input and output; the only SQLite in the child is the driver's. A child lives
for one snapshot (one read transaction: every statement sees the same data) and costs
about 0.2 s to start.

Protocol (both ways): a 4-byte big-endian length, then that many bytes of JSON; a
``query`` answer and an ``ingest`` request are followed by one Arrow IPC stream.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from typing import BinaryIO, Sequence

__all__ = ["RemoteConnection", "WorkerError"]


class WorkerError(RuntimeError):
    """The child failed to open the file or to run a statement (the caller reads plainly)."""


def _send(out: BinaryIO, message: dict) -> None:
    data = json.dumps(message).encode("utf-8")
    out.write(struct.pack(">I", len(data)) + data)


def _receive(inp: BinaryIO) -> dict | None:
    head = inp.read(4)
    if len(head) < 4:
        return None
    (n,) = struct.unpack(">I", head)
    return json.loads(inp.read(n).decode("utf-8"))


def _write_table(out: BinaryIO, table) -> None:
    import pyarrow as pa

    sink = pa.PythonFile(out, mode="w")
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)


def _read_table(inp: BinaryIO):
    import pyarrow as pa

    return pa.ipc.open_stream(pa.PythonFile(inp, mode="r")).read_all()


class RemoteConnection:
    """A read-only connection to ``path`` served by a child process (see the module docstring).

    >>> import sqlite3, tempfile, pathlib
    >>> db = pathlib.Path(tempfile.mkdtemp()) / "k.db"
    >>> with sqlite3.connect(db) as c:
    ...     _ = c.execute("CREATE TABLE t (id TEXT)"); _ = c.execute("INSERT INTO t VALUES ('a'), ('b')")
    >>> conn = RemoteConnection(db)
    >>> conn.query("SELECT id FROM t ORDER BY id").column("id").to_pylist()
    ['a', 'b']
    >>> conn.close()
    """

    def __init__(self, path, pragmas: Sequence[str] = ()) -> None:
        self._proc = subprocess.Popen([sys.executable, "-m", "kamgraph.store.adbc_worker", os.fspath(path)],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            for sql in pragmas:
                self.run(sql)
        except WorkerError:
            self.close()
            raise

    def _ask(self, message: dict, table=None) -> dict:
        try:
            _send(self._proc.stdin, message)
            if table is not None:
                _write_table(self._proc.stdin, table)
            self._proc.stdin.flush()
            answer = _receive(self._proc.stdout)
        except (OSError, ValueError) as e:  # a child that died: broken pipe, closed file
            raise WorkerError(f"the reading process failed: {e}") from None
        if answer is None:
            raise WorkerError(f"the reading process ended (exit {self._proc.poll()})")
        if "error" in answer:
            raise WorkerError(answer["error"])
        return answer

    def query(self, sql: str, params: Sequence = (), batch_rows: int | None = None):
        """The rows of one statement as a pyarrow Table."""
        self._ask({"cmd": "query", "sql": sql, "params": list(params), "batch_rows": batch_rows})
        try:
            return _read_table(self._proc.stdout)
        except (OSError, ValueError) as e:
            raise WorkerError(f"the reading process failed: {e}") from None

    def run(self, sql: str, params: Sequence = ()) -> None:
        """Run one statement (a PRAGMA, a TEMP table's fill)."""
        self._ask({"cmd": "run", "sql": sql, "params": list(params)})

    def ingest(self, name: str, table) -> None:
        """Append an Arrow table to the child's TEMP table ``name``."""
        self._ask({"cmd": "ingest", "name": name}, table)

    def close(self) -> None:
        proc = self._proc
        try:
            if proc.poll() is None:
                _send(proc.stdin, {"cmd": "close"})
                proc.stdin.flush()
        except OSError:
            pass
        finally:
            for f in (proc.stdin, proc.stdout):
                try:
                    f.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def serve(path: str, inp: BinaryIO, out: BinaryIO) -> int:
    """The child's loop: open ``path`` read-only with the ADBC driver, answer until ``close``."""
    from urllib.parse import quote

    import pyarrow as pa
    from adbc_driver_sqlite import dbapi

    try:
        conn = dbapi.connect("file:" + quote(os.path.abspath(path)) + "?mode=ro")
    except Exception as e:  # noqa: BLE001  (any driver error: the parent reads plainly)
        _send(out, {"error": f"cannot open {path}: {e}"})
        out.flush()
        return 1
    try:
        while (message := _receive(inp)) is not None:
            cmd = message.get("cmd")
            if cmd == "close":
                break
            table = _read_table(inp) if cmd == "ingest" else None
            cur = conn.cursor()
            try:
                if cmd == "query":
                    if message.get("batch_rows"):
                        cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": message["batch_rows"]})
                    cur.execute(message["sql"], parameters=tuple(message["params"]) or None)
                    result = cur.fetch_arrow_table()
                elif cmd == "run":
                    cur.execute(message["sql"], parameters=tuple(message["params"]) or None)
                    result = None
                elif cmd == "ingest":
                    cur.adbc_ingest(message["name"], table, mode="append", temporary=True)
                    result = None
                else:
                    raise ValueError(f"unknown command {cmd!r}")
            except Exception as e:  # noqa: BLE001  (reported to the parent, which reads plainly)
                _send(out, {"error": f"{type(e).__name__}: {e}"})
                out.flush()
                continue
            finally:
                cur.close()
            _send(out, {"ok": True})
            if result is not None:
                _write_table(out, result)
            out.flush()
    finally:
        conn.close()
    del pa
    return 0


if __name__ == "__main__":  # pragma: no cover - run as the child process
    raise SystemExit(serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer))
