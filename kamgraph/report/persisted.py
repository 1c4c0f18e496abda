"""Analyses persisted per data version, on disk: shared by every process and surviving a restart.

The whole portfolio's analyses take seconds to minutes at real sizes, and they change only
when the data does. :class:`PersistedAnalyses` keeps a result per

    (store, data version, function name, code version, settings, arguments)

in a folder of its own: ``<db>.cache/`` beside a SQLite store file, else
``$XDG_CACHE_HOME/kamgraph/<hash of the store URL>/`` (``~/.cache`` by default) for a
server store (Neo4j). Any process (each app server, a report run) reads what another
wrote, after a restart too.

- **Keys** are SHA-256 digests of the values themselves (frames through
  ``pd.util.hash_pandas_object``), never of a ``repr``; an argument that cannot be digested
  makes the result memory-only (:class:`Unpersistable`). A caller puts the *code version*
  (:func:`code_version`: the size and modification time of the analysis code and of the
  function's own module) into the key, so a new release (or an edited analysis) never
  reads an old result. The *store identity* is its URL plus its write
  log's length, first and last entries, so a store deleted and imported again at the same
  path and the same data version is not mistaken for the old one.
- **Format**: no pickle. A result is a JSON manifest (dicts, lists, tuples, sets, numbers,
  strings, dates, small frozen dataclasses of ``kamgraph``) followed by one Parquet blob per
  DataFrame or Series it holds, in one file. Every write is read back and compared with the
  value before it is kept: a result that does not come back identical (an object column of
  tuples, say) is not persisted, so a reader always gets what a fresh computation returns.
- **Writes** go to a temporary file in the same folder, then ``os.replace``: readers see a
  whole file or none, and concurrent writers of one key leave one of their (equal) files.
- **Pruning**: one sub-folder per (data version, store identity, code version); when a
  process writes into a new one it removes the others (and temporary files left by a
  killed writer).
- **Failures are misses**: an unreadable, truncated or foreign file is removed and the
  result recomputed; a folder that cannot be created, or one not owned by the user or open
  to others, turns persistence off (a warning in the log), never an error for the user.
  Folders are created ``0700``, files ``0600``.

>>> import tempfile, pandas as pd
>>> p = PersistedAnalyses(tempfile.mkdtemp(), "sqlite:///x.db", "7-abc")
>>> p.get("f", ("a", 1)) is MISS
True
>>> p.put("f", ("a", 1), {"frame": pd.DataFrame({"x": [1, 2]}), "n": 3})
True
>>> p.get("f", ("a", 1))["frame"]["x"].tolist()
[1, 2]
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import io
import json
import logging
import math
import os
import shutil
import stat
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

__all__ = ["MISS", "PersistedAnalyses", "Unpersistable", "cache_dir_for", "code_version", "computing", "digest", "flush",
           "forget", "store_token"]

log = logging.getLogger(__name__)

#: returned by :meth:`PersistedAnalyses.get` when nothing (readable) is stored
MISS = object()

_MAGIC = b"KGPA1\n"
_SUFFIX = ".kgpa"
#: a temporary file older than this (seconds) was left by a killed writer
_STALE_TMP = 3600


class Unpersistable(TypeError):
    """A value or an argument this module cannot digest or write faithfully."""


# -- where ---------------------------------------------------------------------------------------

def _user_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kamgraph"


def cache_dir_for(store_url: str) -> Path | None:
    """Where a store's persisted analyses live; None for a store that has no lasting identity
    (an in-memory SQLite database).

    >>> cache_dir_for("sqlite:////data/kam.db").as_posix()
    '/data/kam.db.cache'
    >>> cache_dir_for("sqlite:///:memory:") is None
    True
    """
    url = str(store_url or "")
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if not path or path == ":memory:" or path.startswith("file::memory:") or "mode=memory" in path:
            return None
        path = path.split("?", 1)[0]
        p = Path(path)
        return p.with_name(p.name + ".cache")
    name = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return _user_cache_root() / name


def forget(store_url: str) -> bool:
    """Delete every persisted analysis of a store, all data versions (after an erasure or a
    redaction: the files hold names and notes, and must not outlive the rows they came from).
    True when there was a folder to delete. The folder is only removed when it is the cache
    folder this module would create (a real directory, not a symlink).

    >>> import tempfile, pathlib
    >>> db = pathlib.Path(tempfile.mkdtemp()) / "k.db"
    >>> (db.parent / "k.db.cache" / "v3-x").mkdir(parents=True)
    >>> forget(f"sqlite:///{db}"), (db.parent / "k.db.cache").exists(), forget(f"sqlite:///{db}")
    (True, False, False)
    """
    folder = cache_dir_for(store_url)
    if folder is None or folder.is_symlink() or not folder.is_dir():
        return False
    flush(timeout=10)  # nothing of the old data may land after the folder is gone
    shutil.rmtree(folder, ignore_errors=True)
    return not folder.exists()


# -- keys ----------------------------------------------------------------------------------------

def _feed(h, v: Any) -> None:
    """Feed a canonical, type-tagged encoding of ``v`` into the hash ``h``."""
    if v is None or isinstance(v, (bool, int, float, str, bytes)) and not isinstance(v, np.generic):
        h.update(f"{type(v).__name__}:{v!r};".encode())
    elif isinstance(v, np.generic):
        h.update(f"np.{v.dtype}:{v.item()!r};".encode())
    elif isinstance(v, (pd.Timestamp, pd.Timedelta)) or v is pd.NaT:
        h.update(f"{type(v).__name__}:{v!r};".encode())
    elif isinstance(v, (list, tuple)):
        h.update(f"{type(v).__name__}[{len(v)}](".encode())
        for x in v:
            _feed(h, x)
        h.update(b");")
    elif isinstance(v, (set, frozenset)):
        parts = sorted(digest(x) for x in v)
        h.update(f"{type(v).__name__}{{{','.join(parts)}}};".encode())
    elif isinstance(v, Mapping):
        parts = sorted((digest(k), digest(x)) for k, x in v.items())
        h.update(f"mapping{{{parts}}};".encode())
    elif isinstance(v, pd.DataFrame):
        h.update(f"frame{list(map(str, v.columns))}{list(map(str, v.dtypes))}{v.shape};".encode())
        h.update(pd.util.hash_pandas_object(v, index=True).to_numpy().tobytes())
    elif isinstance(v, pd.Series):
        h.update(f"series:{v.name!r}:{v.dtype}:{len(v)};".encode())
        h.update(pd.util.hash_pandas_object(v, index=True).to_numpy().tobytes())
    elif isinstance(v, np.ndarray):
        h.update(f"ndarray:{v.dtype}:{v.shape};".encode())
        if v.dtype == object:
            _feed(h, v.tolist())
        else:
            h.update(np.ascontiguousarray(v).tobytes())
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        h.update(f"dc:{type(v).__module__}.{type(v).__qualname__}(".encode())
        for f in dataclasses.fields(v):
            h.update(f.name.encode("utf-8"))
            _feed(h, getattr(v, f.name))
        h.update(b");")
    else:
        raise Unpersistable(f"cannot digest a {type(v).__name__}")


def digest(v: Any) -> str:
    """A SHA-256 of a value (ids, numbers, dates, containers, frames, settings dataclasses),
    the same in every process; :class:`Unpersistable` for anything else.

    >>> digest(("a", 1)) == digest(("a", 1)) != digest(["a", 1])
    True
    """
    h = hashlib.sha256()
    _feed(h, v)
    return h.hexdigest()


#: the code every analysis result depends on, besides its own module (paths under ``kamgraph/``)
CORE_CODE = ("analysis", "snapshot.py", "schema.py", "settings.py", "model.py", "titles.py", "names.py",
             "i18n/locale/zh_CN/LC_MESSAGES/kamgraph.mo")  # sentences are translated: a new catalogue is new code
_CODE: dict[str, str] = {}
_CODE_LOCK = threading.Lock()


def _files_digest(paths) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def code_version(module: str | None = None) -> str:
    """A digest of the code a result of ``module``'s function depends on: the size and
    modification time of every file of :data:`CORE_CODE` and of ``module``'s own file, taken
    once per process (the code this process runs). Another release, or an edited analysis,
    is another version; an edited page is not."""
    with _CODE_LOCK:
        if "" not in _CODE:
            root = Path(__file__).resolve().parents[1]
            files = []
            for part in CORE_CODE:
                p = root / part
                files += sorted(p.rglob("*.py")) if p.is_dir() else [p] if p.exists() else []
            _CODE[""] = _files_digest(files)
        if module and module not in _CODE:
            file = getattr(sys.modules.get(module), "__file__", None)
            _CODE[module] = _files_digest([Path(file)]) if file else "-"
        return _CODE[""] if not module else f"{_CODE['']}-{_CODE[module]}"


def store_token(store, data_version: int | None = None) -> str:
    """The sub-folder name of a store's data version: ``v<data version>-<identity>``, where
    the identity digests the URL and the write log's length, first and last entries."""
    version = store.data_version() if data_version is None else data_version
    ident: list = [str(getattr(store, "url", ""))]
    try:
        wl = store.write_log()
        if len(wl):
            ident += [len(wl), str(wl["at"].iloc[0]), str(wl["at"].iloc[-1]), str(wl["action"].iloc[-1])]
    except Exception as e:  # noqa: BLE001 - a store without a write log: the URL and the version
        log.debug("store %s: no write log (%s)", ident[0], e)
    return f"v{int(version)}-{digest(tuple(ident))[:16]}"


# -- the format: a JSON manifest and Parquet blobs, no pickle --------------------------------------

_SCALARS = (str, bool, int, float, type(None))


def _encode(v: Any, blobs: list[bytes]) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int) and not isinstance(v, np.generic):
        return {"t": "int", "v": str(v)} if abs(v) > 2 ** 53 else v
    if isinstance(v, float) and not isinstance(v, np.generic):
        return v if math.isfinite(v) else {"t": "float", "v": repr(v)}
    if isinstance(v, np.generic):
        if v.dtype.kind not in "biufM m":
            raise Unpersistable(f"numpy scalar {v.dtype}")
        return {"t": "np", "dtype": str(v.dtype), "v": _encode(v.item(), blobs)
                if v.dtype.kind not in "Mm" else str(v)}
    if isinstance(v, pd.Timestamp):
        return {"t": "ts", "v": v.isoformat(), "tz": str(v.tz) if v.tz else None}
    if v is pd.NaT:
        return {"t": "nat"}
    if isinstance(v, pd.Timedelta):
        return {"t": "td", "v": int(v.value)}
    if isinstance(v, pd.DataFrame):
        blobs.append(_parquet(v))
        return {"t": "frame", "i": len(blobs) - 1}
    if isinstance(v, pd.Series):
        if v.name is not None and not isinstance(v.name, _SCALARS):
            raise Unpersistable("a series named by a non-scalar")
        frame = v.to_frame(name="__value__")
        blobs.append(_parquet(frame))
        return {"t": "series", "i": len(blobs) - 1, "name": v.name}
    if isinstance(v, np.ndarray):
        if v.ndim != 1 or v.dtype.kind not in "biufOU":
            raise Unpersistable(f"an array of {v.dtype} in {v.ndim} dimensions")
        return {"t": "ndarray", "dtype": v.dtype.str, "v": [_encode(x, blobs) for x in v.tolist()]}
    if isinstance(v, list):
        return {"t": "list", "v": [_encode(x, blobs) for x in v]}
    if isinstance(v, tuple) and not hasattr(v, "_fields"):
        return {"t": "tuple", "v": [_encode(x, blobs) for x in v]}
    if isinstance(v, (set, frozenset)):
        items = sorted(v, key=lambda x: (type(x).__name__, str(x)))
        return {"t": type(v).__name__, "v": [_encode(x, blobs) for x in items]}
    if isinstance(v, dict):
        return {"t": "dict", "k": [_encode(k, blobs) for k in v], "v": [_encode(x, blobs) for x in v.values()]}
    cls = type(v)
    if (dataclasses.is_dataclass(v) or hasattr(v, "_fields")) and cls.__module__.startswith("kamgraph."):
        if dataclasses.is_dataclass(v):
            fields = {f.name: getattr(v, f.name) for f in dataclasses.fields(v) if f.init}
        else:
            fields = v._asdict()
        return {"t": "obj", "cls": f"{cls.__module__}:{cls.__qualname__}",
                "f": {k: _encode(x, blobs) for k, x in fields.items()}}
    raise Unpersistable(f"cannot persist a {cls.__name__}")


def _parquet(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not all(isinstance(c, str) for c in frame.columns):
        raise Unpersistable("a frame with non-string column names")
    if frame.columns.has_duplicates:
        raise Unpersistable("a frame with duplicate column names")
    objects = {c: _null_kind(frame[c]) for c in frame.columns if frame[c].dtype == object}
    # lists or tuples in a column (a path's people, a line's route): JSON text, every value of it
    as_json = [c for c in objects if _containers(frame[c])]
    if as_json:
        frame = frame.assign(**{c: _json_column(frame[c]) for c in as_json})
    try:
        table = pa.Table.from_pandas(frame, preserve_index=None, nthreads=1)  # no executor (usable at exit)
    except (pa.ArrowException, TypeError, ValueError) as e:
        raise Unpersistable(f"not a Parquet frame: {e}") from None
    meta = json.dumps({"object": objects, "json": as_json}).encode()
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"kamgraph": meta})
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd" if pa.Codec.is_available("zstd") else "snappy")
    return out.getvalue()


def _containers(column: pd.Series) -> bool:
    """Whether the column holds lists, tuples or dicts among its values (:class:`Unpersistable`
    for other containers)."""
    kinds = set(column.map(type).unique()) & {list, tuple, dict, set, frozenset, np.ndarray}
    if kinds - {list, tuple, dict}:
        raise Unpersistable(f"a column of {sorted(k.__name__ for k in kinds)}")
    return bool(kinds)


def _tagged(v):
    """JSON-ready, tuples and dicts tagged: ``(1, [2])`` -> ``{"t": [1, [2]]}``, ``{"a": 1}`` ->
    ``{"d": {"a": 1}}`` (string keys only)."""
    if isinstance(v, tuple):
        return {"t": [_tagged(x) for x in v]}
    if isinstance(v, list):
        return [_tagged(x) for x in v]
    if isinstance(v, dict) and all(isinstance(k, str) for k in v):
        return {"d": {k: _tagged(x) for k, x in v.items()}}
    if isinstance(v, (str, bool, int, float)) and not isinstance(v, np.generic) or v is None:
        return v
    raise Unpersistable(f"a cell JSON cannot hold: {type(v).__name__}")


def _untagged(v):
    if isinstance(v, dict):
        if "d" in v:
            return {k: _untagged(x) for k, x in v["d"].items()}
        return tuple(_untagged(x) for x in v["t"])
    if isinstance(v, list):
        return [_untagged(x) for x in v]
    return v


def _json_column(column: pd.Series) -> pd.Series:
    def text(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return v
        try:
            return json.dumps(_tagged(v), ensure_ascii=False, allow_nan=False)
        except ValueError:
            raise Unpersistable("a cell JSON cannot hold (NaN in a list)") from None

    return column.map(text).astype(object)


def _unjson(v):
    return _untagged(json.loads(v)) if isinstance(v, str) else v


def _null_kind(column: pd.Series) -> str:
    """How an object column writes a missing value: ``none`` or ``nan`` (one of them; mixed
    columns do not read back identical and are caught by the check after writing)."""
    missing = column[column.isna()]
    return "none" if len(missing) == 0 or missing.iloc[0] is None else "nan"


def _unparquet(blob: bytes) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(blob))
    frame = table.to_pandas()
    meta = json.loads((table.schema.metadata or {}).get(b"kamgraph", b"{}"))
    for column, null in meta.get("object", {}).items():  # object columns come back object, nulls as written
        values = frame[column].astype(object)
        missing = values.isna().to_numpy()
        if missing.any():
            values = values.copy()
            values[missing] = None if null == "none" else np.nan
        frame[column] = values
    for column in meta.get("json", []):
        frame[column] = frame[column].map(_unjson).astype(object)
    return frame


def _resolve_class(name: str):
    """A ``kamgraph`` class already imported in this process (a file never imports a module)."""
    module, _, qualname = name.partition(":")
    if not module.startswith("kamgraph.") or module not in sys.modules:
        raise ValueError(f"unknown class {name}")
    obj: Any = sys.modules[module]
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not isinstance(obj, type) or not (dataclasses.is_dataclass(obj) or hasattr(obj, "_fields")):
        raise ValueError(f"not a dataclass or named tuple: {name}")
    return obj


def _decode(v: Any, blobs: list[bytes]) -> Any:
    if not isinstance(v, dict):
        return v
    t = v["t"]
    if t == "int":
        return int(v["v"])
    if t == "float":
        return float(v["v"])
    if t == "np":
        dtype = np.dtype(v["dtype"])
        return dtype.type(v["v"]) if dtype.kind not in "Mm" else np.array(v["v"], dtype=dtype)[()]
    if t == "ts":
        ts = pd.Timestamp(v["v"])
        return ts
    if t == "nat":
        return pd.NaT
    if t == "td":
        return pd.Timedelta(v["v"])
    if t == "frame":
        return _unparquet(blobs[v["i"]])
    if t == "series":
        s = _unparquet(blobs[v["i"]])["__value__"]
        s.name = v["name"]
        return s
    if t == "ndarray":
        dtype = np.dtype(v["dtype"])
        if dtype.kind not in "biufOU":
            raise ValueError(f"unexpected array dtype {dtype}")
        items = [_decode(x, blobs) for x in v["v"]]
        out = np.empty(len(items), dtype=dtype)
        out[:] = items
        return out
    if t == "list":
        return [_decode(x, blobs) for x in v["v"]]
    if t == "tuple":
        return tuple(_decode(x, blobs) for x in v["v"])
    if t == "set":
        return {_decode(x, blobs) for x in v["v"]}
    if t == "frozenset":
        return frozenset(_decode(x, blobs) for x in v["v"])
    if t == "dict":
        return {_decode(k, blobs): _decode(x, blobs) for k, x in zip(v["k"], v["v"])}
    if t == "obj":
        cls = _resolve_class(v["cls"])
        return cls(**{k: _decode(x, blobs) for k, x in v["f"].items()})
    raise ValueError(f"unknown tag {t!r}")


def dumps(value: Any) -> bytes:
    """One file's bytes: magic, manifest length, JSON manifest, then each Parquet blob."""
    blobs: list[bytes] = []
    manifest = json.dumps({"v": _encode(value, blobs), "blobs": [len(b) for b in blobs]},
                          ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")
    return b"".join([_MAGIC, struct.pack("<Q", len(manifest)), manifest, *blobs])


def loads(data: bytes) -> Any:
    """The value of :func:`dumps` bytes; ValueError for anything else."""
    if not data.startswith(_MAGIC):
        raise ValueError("not a persisted analysis")
    at = len(_MAGIC)
    (n,) = struct.unpack_from("<Q", data, at)
    at += 8
    manifest = json.loads(data[at:at + n].decode("ascii"))
    at += n
    blobs = []
    for size in manifest["blobs"]:
        blobs.append(data[at:at + size])
        at += size
    if at != len(data) or any(len(b) != s for b, s in zip(blobs, manifest["blobs"])):
        raise ValueError("truncated")
    return _decode(manifest["v"], blobs)


def same(a: Any, b: Any) -> bool:
    """Is ``b`` what ``a`` was (types, dtypes, index and values; NaN equal to NaN)?"""
    if type(a) is not type(b):
        return False
    if isinstance(a, pd.DataFrame):
        if list(a.columns) != list(b.columns) or list(map(str, a.dtypes)) != list(map(str, b.dtypes)):
            return False
        if not a.index.equals(b.index) or type(a.index) is not type(b.index) or a.index.dtype != b.index.dtype:
            return False
        return all(_same_column(a[c], b[c]) for c in a.columns)
    if isinstance(a, pd.Series):
        return a.name == b.name and a.index.equals(b.index) and _same_column(a, b)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and same(a.tolist(), b.tolist())
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (set, frozenset)):
        return a == b
    if dataclasses.is_dataclass(a):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    try:
        return bool(a == b) or (pd.isna(a) and pd.isna(b))
    except (TypeError, ValueError):
        return False


def _same_column(a: pd.Series, b: pd.Series) -> bool:
    if str(a.dtype) != str(b.dtype):
        return False
    if a.dtype == object:
        kind = pd.api.types.infer_dtype(a, skipna=True)
        if kind in ("string", "empty") and kind == pd.api.types.infer_dtype(b, skipna=True):
            # all strings (a C loop): the same values and the same missing markers
            na, nb = a.isna().to_numpy(), b.isna().to_numpy()
            if not (na == nb).all() or not a[~na].equals(b[~nb]):
                return False
            return all(type(x) is type(y) for x, y in zip(a[na], b[nb]))
        ta, tb = a.map(type), b.map(type)
        if not ta.equals(tb):
            return False
        if ta.isin([list, tuple, dict, set, np.ndarray]).any():
            return all(same(x, y) for x, y in zip(a, b))
    try:
        return bool(a.equals(b))
    except (TypeError, ValueError):
        return False


# -- the store of results -----------------------------------------------------------------------

def _safe_dir(path: Path) -> bool:
    """Create ``path`` (0700) or accept it when it is a real folder of ours, closed to others."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError as e:
        log.warning("analyses not persisted: cannot create %s (%s)", path, e)
        return False
    if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        log.warning("analyses not persisted: %s is not a folder owned by this user", path)
        return False
    if st.st_mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except OSError:
            log.warning("analyses not persisted: %s is open to other users", path)
            return False
    return True


class PersistedAnalyses:
    """The persisted results of one store at one data version (``token``, see :func:`store_token`).

    ``root``: the store's cache folder (:func:`cache_dir_for`). Thread-safe and process-safe;
    counters ``hits``, ``misses``, ``writes`` and ``skipped`` (results not persistable) are
    for tests and benchmarks.
    """

    def __init__(self, root: str | os.PathLike, store_url: str, token: str) -> None:
        self.root = Path(root)
        self.store_url = store_url
        self.token = token
        self.folder = self.root / token
        self.hits = self.misses = self.writes = self.skipped = 0
        self._lock = threading.Lock()
        self._ready: bool | None = None

    @classmethod
    def for_store(cls, store, data_version: int | None = None) -> PersistedAnalyses | None:
        """The persisted results of ``store`` at its (or the given) data version; None when it
        has no lasting identity."""
        root = cache_dir_for(getattr(store, "url", ""))
        if root is None:
            return None
        try:
            token = store_token(store, data_version)
        except Exception as e:  # noqa: BLE001 - no version, no persistence (never an error)
            log.warning("analyses not persisted: %s", e)
            return None
        persisted = cls(root, store.url, token)
        if root.is_dir() and not root.is_symlink():
            persisted.prune()  # an older version's results (an erased person's too) go at once
        return persisted

    def key(self, name: str, key: Any) -> str:
        """The file name of ``name`` called with ``key`` (:class:`Unpersistable` if it cannot be digested)."""
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[-80:]
        return f"{safe}-{digest((name, key))[:32]}{_SUFFIX}"

    def _path(self, name: str, key: Any) -> Path:
        return self.folder / self.key(name, key)

    def get(self, name: str, key: Any) -> Any:
        """The stored result, or :data:`MISS` (nothing stored, unreadable, or an argument that
        cannot be digested). An unreadable file is removed."""
        try:
            path = self._path(name, key)
        except Unpersistable:
            return MISS
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return MISS
        try:
            value = loads(data)
        except Exception as e:  # noqa: BLE001 - a corrupt or foreign file is a miss, never an error
            log.warning("persisted analysis %s unreadable (%s): recomputed", path.name, e)
            try:
                path.unlink()
            except OSError:
                pass
            self.misses += 1
            return MISS
        self.hits += 1
        return value

    def put(self, name: str, key: Any, value: Any) -> bool:
        """Persist ``value``; False (and nothing written) when it cannot be written faithfully."""
        try:
            path = self._path(name, key)
            data = dumps(value)
            if not same(value, loads(data)):
                raise Unpersistable("does not read back identical")
        except Unpersistable as e:
            log.debug("analysis %s not persisted: %s", name, e)
            self.skipped += 1
            return False
        if not self._prepare():
            return False
        try:
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError as e:
            log.warning("analysis %s not persisted: %s", name, e)
            return False
        self.writes += 1
        return True

    def put_later(self, name: str, key: Any, value: Any) -> None:
        """:meth:`put` in this process's writer thread: the caller (a page) does not wait for
        the encoding, the check and the disk. :func:`flush` waits for every pending write."""
        _WRITER.submit(self, name, key, value)

    def _prepare(self) -> bool:
        """The version folder exists (0700); the first time in this process, older versions pruned."""
        with self._lock:
            if self._ready is None:
                self._ready = _safe_dir(self.root) and _safe_dir(self.folder)
                if self._ready:
                    self.prune()
            return self._ready

    def prune(self) -> list[str]:
        """Remove every other version's folder and stale temporary files; the names removed."""
        removed = []
        try:
            entries = list(os.scandir(self.root))
        except OSError:
            return removed
        for e in entries:
            if e.name == self.token or not e.name.startswith("v") or not e.is_dir(follow_symlinks=False):
                continue
            shutil.rmtree(e.path, ignore_errors=True)
            removed.append(e.name)
        now = time.time()
        try:
            for e in os.scandir(self.folder):
                if e.name.startswith(".tmp-") and now - e.stat(follow_symlinks=False).st_mtime > _STALE_TMP:
                    os.unlink(e.path)
        except OSError:
            pass
        return removed


class _Writer:
    """One daemon thread per process writing :meth:`PersistedAnalyses.put_later` results in order."""

    def __init__(self) -> None:
        self._queue: list = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False

    def submit(self, target: PersistedAnalyses, name: str, key: Any, value: Any) -> None:
        with self._cond:
            self._queue.append((target, name, key, value))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="kamgraph-persist", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            _QUIET.wait()
            with self._cond:
                while not self._queue:
                    self._busy = False
                    self._cond.notify_all()
                    if not self._cond.wait(timeout=60):
                        self._thread = None
                        return
                target, name, key, value = self._queue.pop(0)
                self._busy = True
            try:
                target.put(name, key, value)
            except RuntimeError as e:
                if "interpreter shutdown" not in str(e):  # the process is ending: the write is simply not kept
                    log.exception("persisting %s failed", name)
            except Exception:
                log.exception("persisting %s failed", name)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every submitted write is done; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and not self._busy, timeout=timeout)


class _Quiet:
    """Computations running in this process: the writer waits until none has run for a moment,
    so a page's analyses do not share the interpreter with encoding and checking."""

    def __init__(self, settle: float = 0.3) -> None:
        self.settle = settle
        self._active = 0
        self._since = 0.0
        self._cond = threading.Condition()

    def __enter__(self) -> Self:
        with self._cond:
            self._active += 1
        return self

    def __exit__(self, *exc) -> None:
        with self._cond:
            self._active -= 1
            self._since = time.monotonic()
            self._cond.notify_all()

    def wait(self, limit: float = 60.0) -> None:
        """Until no computation runs and the last ended ``settle`` seconds ago (at most ``limit``)."""
        end = time.monotonic() + limit
        with self._cond:
            while time.monotonic() < end:
                idle = time.monotonic() - self._since
                if self._active == 0 and idle >= self.settle:
                    return
                self._cond.wait(timeout=max(0.05, self.settle - idle if self._active == 0 else 0.5))


#: ``with computing:`` around a computation holds back the writer
computing = _Quiet()
_QUIET = computing
_WRITER = _Writer()
atexit.register(_WRITER.flush, 60)  # a process that ends (a report run, a test) leaves its results written


def flush(timeout: float | None = None) -> bool:
    """Wait for this process's pending :meth:`~PersistedAnalyses.put_later` writes (tests, benchmarks)."""
    return _WRITER.flush(timeout)
