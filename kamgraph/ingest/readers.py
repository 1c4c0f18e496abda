"""Read the native import format: a folder of CSV files, one CSV file, or one workbook.

The format (docs/data-format.md) is one table per entity of :data:`kamgraph.schema.ENTITIES`:

* a folder of ``<entity>.csv`` files (``people.csv``, ``Ties.CSV`` ...; names match
  case-insensitively; ``README*``, ``*.md`` and ``*.toml`` files are ignored),
* one ``.xlsx`` workbook with one sheet per entity (sheet name = entity name), or
* a single ``<entity>.csv`` file.

Every cell is read as text (no type guessing: ``007`` stays ``007``), stripped of
surrounding whitespace, with empty cells as ``None``; header names are lower-cased. Types,
enums and references are checked later by :func:`kamgraph.ingest.validate.validate`.

Problems found while reading (a file that is neither UTF-8 nor Chinese GB18030, a line
with the wrong number of fields, a file named after no entity, a formula cell without a
saved value) do not stop the reading: they are collected in :attr:`ReadImport.problems`
so that validation reports them together with every other problem of the import. A file
over a limit of :class:`kamgraph.settings.LimitsSettings` (size, rows, columns, an
inflating workbook) stops it at once, before the expensive work, with an
:class:`~kamgraph.errors.ImportValidationError` naming the file.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "People.csv").write_text("ID, Name ,side\\nP1,  Ann  ,customer\\nP2,,\\n")
>>> raw = read_path(d)
>>> t = raw.tables["people"]
>>> list(t.frame.columns), t.frame["name"].tolist(), t.rows
(['id', 'name', 'side'], ['Ann', None], [2, 3])
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kamgraph.errors import ImportValidationError, KamgraphError, Problem
from kamgraph.i18n import N_, _
from kamgraph.ingest.encoding import decode_with_encoding
from kamgraph.ingest.limits import (
    check_csv_header,
    check_file_size,
    check_header_line,
    default_limits,
    file_kind_problem,
    list_folder,
    read_bytes,
    too_many_rows,
)
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.ingest.workbook import check_sheet, formula_problems, open_workbook
from kamgraph.schema import ENTITIES, FILE_ORDER
from kamgraph.settings import LimitsSettings

__all__ = ["ReadImport", "CsvRead", "ArrowTable", "read_path", "read_csv_file", "read_csv_bytes", "read_workbook",
           "close_match"]

_BOM = b"\xef\xbb\xbf"
#: pyarrow's CSV block size: a row must fit in one block, so a longer row is re-read with
#: blocks of twice [limits] max_field_bytes
_BLOCK = 1 << 20
#: files of at least this many bytes are parsed and cleaned on two threads (wall time at
#: scale L; on a busy machine it costs ~10-20% more CPU)
_THREADED = 8 << 20
#: Files in an import folder that are documentation, settings or scripts, not data.
_IGNORED_SUFFIXES = frozenset({".md", ".toml", ".py"})
#: Workbook sheets that are documentation, not data.
_IGNORED_SHEETS = frozenset({"readme", "notes", "about", "instructions", "help"})
_WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_UNCLOSED_QUOTE = N_("a double quote (\") opened in this row is never closed, so the rest of the file was read "
                     "as one value; close or remove the quote")


@dataclass
class ReadImport(RawImport):
    """A :class:`RawImport` plus the problems met while reading.

    ``unreadable`` names the entities whose file could not be read at all, so validation
    does not bury the real problem under "unknown person" messages for every reference.
    """

    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)


class ArrowTable(RawTable):
    """A :class:`RawTable` read from a CSV file whose cells stay in Arrow until asked for.

    ``frame`` (str/None cells, object dtype) and ``rows`` (a list) are made on first use,
    exactly as :func:`read_csv_bytes` makes them. :meth:`arrow` hands validation the
    cleaned Arrow columns instead, and only while neither was ever handed out or replaced
    (so nobody can have changed the cells): validation then makes Python text only for
    the columns it returns as text.
    """

    def __init__(self, entity: str, names: list[str], columns: list, source: str, rows: np.ndarray) -> None:
        self.entity = entity
        self.source = source
        self._names = list(names)
        self._columns = list(columns)
        self._numbers = np.asarray(rows, dtype=np.int64)
        self._frame: pd.DataFrame | None = None
        self._rows: list[int] | None = None

    @property  # type: ignore[override]
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            self._frame = _object_frame(self._names, self._columns, len(self._numbers))
        return self._frame

    @frame.setter
    def frame(self, value: pd.DataFrame) -> None:
        self._frame = value

    @property  # type: ignore[override]
    def rows(self) -> list[int]:
        if self._rows is None:
            self._rows = self._numbers.tolist()
        return self._rows

    @rows.setter
    def rows(self, value: list[int]) -> None:
        self._rows = value

    def arrow(self) -> tuple[list[str], list, np.ndarray] | None:
        """``(names, Arrow string columns, row numbers)`` while ``frame`` and ``rows`` were
        never used, else None (then they are what counts)."""
        if self._frame is not None or self._rows is not None:
            return None
        return self._names, self._columns, self._numbers


@dataclass
class CsvRead:
    """One CSV file read as text: cleaned cells, spreadsheet row numbers, problems."""

    frame: pd.DataFrame  # cells str or None, lower-cased header names
    rows: list[int]  # spreadsheet row number (header = 1) of each frame row
    problems: list[Problem]
    readable: bool = True  # False when nothing could be read (encoding, empty file)


def close_match(word: str, options, cutoff: float = 0.6) -> str | None:
    """The option most similar to ``word`` (difflib), or None.

    >>> close_match("peple", ["people", "ties"])
    'people'
    """
    found = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return found[0] if found else None


def _entity_for(name: str) -> str | None:
    low = name.strip().lower()
    return low if low in ENTITIES else None


def _unknown_name_message(kind: str, name: str, suffix: str = "") -> str:
    """'unknown file name 'peple.csv'; did you mean people.csv? ...'"""
    stem = name.strip().lower()
    guess = close_match(stem, FILE_ORDER)
    known = ", ".join(e + suffix for e in FILE_ORDER)
    if kind == "sheet":
        template = (_("unknown sheet name {name}; did you mean {guess}? (sheets must be named after an entity: "
                      "{known})") if guess else
                    _("unknown sheet name {name} (sheets must be named after an entity: {known})"))
    else:
        template = (_("unknown file name {name}; did you mean {guess}? (files must be named after an entity: "
                      "{known})") if guess else
                    _("unknown file name {name} (files must be named after an entity: {known})"))
    return template.format(name=repr(name + suffix), guess=f"{guess}{suffix}", known=known)


# ---------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------


def _clean_text_column(s: pd.Series) -> pd.Series:
    """Strip surrounding whitespace; empty -> None; object dtype of str/None (vectorized)."""
    stripped = s.astype(pd.StringDtype("pyarrow")).str.strip()  # Arrow: no per-cell Python
    keep = (stripped.str.len() > 0).fillna(False)
    out = stripped.astype(object)
    return out.where(keep.to_numpy(dtype=bool), None)


def _header_columns(header: list[object], has_values, source: str, header_row: int
                    ) -> tuple[list[str], list[int], list[Problem]]:
    """The header's column names (trimmed, lower case), the positions of the columns kept,
    and the problems: a nameless column with values (``has_values(i)``), a name twice."""
    problems: list[Problem] = []
    names: list[str] = []
    keep_cols: list[int] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        name = "" if h is None else str(h).strip().lower()
        if not name:
            if has_values(i):
                problems.append(Problem(source, header_row, None, None,
                                        _("column {n} has values but no header name").format(n=i + 1)))
            continue
        if name in seen:
            problems.append(Problem(source, header_row, name, name,
                                    _("column {column} appears twice (columns {first} and {second})").format(
                                        column=repr(name), first=seen[name] + 1, second=i + 1)))
            continue
        seen[name] = i
        names.append(name)
        keep_cols.append(i)
    return names, keep_cols, problems


def _tidy(frame: pd.DataFrame, rows: np.ndarray, header: list[object], source: str,
          first_header_row: int = 1) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """Name columns from the header, drop nameless empty columns and blank rows."""
    names, keep_cols, problems = _header_columns(header, lambda i: bool(frame.iloc[:, i].notna().any()),
                                                 source, first_header_row)
    out = frame.iloc[:, keep_cols].copy()
    out.columns = names
    if len(out.columns):
        nonblank = out.notna().any(axis=1).to_numpy()
    else:
        nonblank = np.zeros(len(out), dtype=bool)
    out = out[nonblank].reset_index(drop=True)
    return out, rows[nonblank].tolist(), problems


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------


def read_csv_file(path: str | Path, source: str | None = None, limits: LimitsSettings | None = None) -> CsvRead:
    """Read one CSV file as text cells (see :func:`read_csv_bytes`), after checking its
    size and its header's width against ``limits`` (default: ``Settings().limits``)."""
    read = _read_csv_file_arrow(path, source, limits)
    return CsvRead(read.frame(), read.rows.tolist(), read.problems, read.readable)


def _read_csv_file_arrow(path: str | Path, source: str | None = None,
                         limits: LimitsSettings | None = None) -> _CsvArrow:
    p = Path(path)
    limits = default_limits(limits)
    source = source or p.name
    check_file_size(p, limits, source)
    check_csv_header(p, limits, source=source)
    return _read_csv_arrow(read_bytes(p, source), source, limits)


def read_csv_bytes(data: bytes, source: str, limits: LimitsSettings | None = None) -> CsvRead:
    """Read CSV bytes (UTF-8 with or without BOM, or Chinese GB18030) into cleaned text cells.

    Lines whose number of fields differs from the header's are left out and reported as
    problems with their row number (rows are counted as a spreadsheet shows them: the
    header is row 1, a quoted value spanning several lines is one row). Values up to
    ``limits.max_field_bytes`` are read whole; a longer one is a problem with its row and
    column; more than ``limits.max_columns`` columns or ``limits.max_rows`` rows stop the
    reading (:class:`ImportValidationError`).
    """
    read = _read_csv_arrow(data, source, limits)
    return CsvRead(read.frame(), read.rows.tolist(), read.problems, read.readable)


@dataclass
class _CsvArrow:
    """One CSV file read into cleaned Arrow columns (see :func:`read_csv_bytes`)."""

    names: list[str]  # lower-cased header names
    columns: list  # Arrow string columns: stripped, empty cells null, blank rows gone
    rows: np.ndarray  # spreadsheet row number of each row
    problems: list[Problem]
    readable: bool = True

    @classmethod
    def unreadable(cls, problems: list[Problem]) -> _CsvArrow:
        return cls([], [], np.zeros(0, dtype=np.int64), problems, readable=False)

    def frame(self) -> pd.DataFrame:
        if not self.readable:
            return pd.DataFrame()
        return _object_frame(self.names, self.columns, len(self.rows))


def _object_frame(names: list[str], columns: list, n: int) -> pd.DataFrame:
    """Arrow text columns as a frame of str/None cells (object dtype), one pass per column."""
    data = {name: pd.Series(c.to_numpy(zero_copy_only=False), dtype=object, copy=False)
            for name, c in zip(names, columns)}
    return pd.DataFrame(data, columns=names, index=pd.RangeIndex(n), copy=False)


def _read_csv_arrow(data: bytes, source: str, limits: LimitsSettings | None = None) -> _CsvArrow:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    limits = default_limits(limits)
    try:
        text, encoding = decode_with_encoding(data, source)
    except ImportValidationError as e:
        return _CsvArrow.unreadable(e.problems)
    if encoding != "utf-8":
        data = text.encode("utf-8")  # pyarrow reads UTF-8
    elif data.startswith(_BOM):
        data = data[len(_BOM):]
    if not text or text.isspace():  # (not text.strip(), without copying the file)
        msg = _("the file is empty; the first line must be the header (column names)")
        return _CsvArrow.unreadable([Problem(source, None, None, None, msg)])
    if text.lstrip("\r\n") != text:
        msg = _("the first line is blank; the first line must be the header (column names)")
        return _CsvArrow.unreadable([Problem(source, 1, None, None, msg)])

    end = text.find("\n")
    first = text if end < 0 else text[:end]
    check_header_line(first, limits, source)
    header = _csv_header(text, source)
    n_cols = len(header)
    bad_rows: list[tuple[int | None, int, int, str]] = []

    def on_invalid(row) -> str:
        bad_rows.append((row.number, row.actual_columns, row.expected_columns, row.text or ""))
        return "skip"

    names = [f"f{i}" for i in range(n_cols)]

    def parse(block_size: int, handler=on_invalid):
        bad_rows.clear()
        return pacsv.read_csv(
            pa.py_buffer(data),
            # row numbers of bad lines are known only when reading in one thread; without a
            # handler no line is bad, and a large file's blocks are parsed on every core
            read_options=pacsv.ReadOptions(column_names=names, use_threads=handler is None and len(data) >= _THREADED,
                                           block_size=block_size),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=handler,
                                              ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                                 strings_can_be_null=False),
        )

    def parse_rows(block_size: int):
        # Without a handler pyarrow parses about twice as fast; a line with the wrong number
        # of fields stops that parse, and the file is read again row by row with the handler.
        try:
            return parse(block_size, None)
        except pa.ArrowInvalid as e:
            if "straddl" in str(e):
                raise
        return parse(block_size)

    try:
        try:
            table = parse_rows(_BLOCK)
        except pa.ArrowInvalid as e:
            if "straddl" not in str(e):
                raise
            # a row longer than one block (a long note): read again with blocks that hold
            # any row whose values are within the limit
            big = min(2 * limits.max_field_bytes + _BLOCK, 2**31 - 1)
            try:
                table = parse_rows(big)
            except pa.ArrowInvalid as e2:
                if "straddl" not in str(e2):
                    raise
                return _CsvArrow.unreadable([_long_field_problem(text, header, source, limits)])
    except (pa.ArrowInvalid, pa.ArrowException) as e:
        return _CsvArrow.unreadable([Problem(source, None, None, None,
                                             _("cannot read this CSV file: {reason}").format(reason=e))])
    error = too_many_rows(table.num_rows - 1, limits, source)
    if error is not None:
        raise error

    problems: list[Problem] = []
    skipped: list[int] = []
    for number, actual, expected, line in bad_rows:
        if "\n" in line and line.count('"') % 2 == 1:
            problems.append(Problem(source, number, None, None, _(_UNCLOSED_QUOTE)))
        else:
            if actual > expected:
                msg = _("this line has {actual} fields but the header has {expected}; the line was not read; "
                        "a value probably contains an unquoted comma (put such values in double quotes)")
            else:
                msg = _("this line has {actual} fields but the header has {expected}; the line was not read")
            problems.append(Problem(source, number, None, None, msg.format(actual=actual, expected=expected)))
        if number is not None:
            skipped.append(number)

    n_records = table.num_rows
    cleaned = _clean_columns([table.column(n) for n in names])  # stripped, empty -> null (Arrow)
    total = n_records + len(bad_rows)  # records including the header
    kept = np.ones(total, dtype=bool)
    kept[[n - 1 for n in skipped if 1 <= n <= total]] = False
    numbers = np.arange(1, total + 1)[kept]
    rows = numbers[1:] if len(numbers) == n_records else np.arange(2, n_records + 1)
    if len(data) > limits.max_field_bytes:  # else no value can be longer than the limit
        problems.extend(_long_fields(table, names, header, rows, source, limits))
    head = [c[0].as_py() for c in cleaned] if n_records else header
    body = [c.slice(1) for c in cleaned]

    # A quoted value that never closes swallows the rest of the file into one cell.
    if n_records > 1 and text.count('"') % 2 == 1:
        last = [c[-1].as_py() for c in body]
        if any(isinstance(v, str) and "\n" in v for v in last):
            problems.append(Problem(source, int(rows[-1]), None, None, _(_UNCLOSED_QUOTE)))

    names, columns, kept_rows, header_problems = _tidy_arrow(body, np.asarray(rows), head, source)
    return _CsvArrow(names, columns, kept_rows, header_problems + problems)


def _clean_columns(columns: list) -> list:
    """:func:`_clean_arrow_column` of each column, two at a time (Arrow releases the GIL)."""
    if len(columns) < 2 or sum(len(c) for c in columns) < _THREADED // 8:
        return [_clean_arrow_column(c) for c in columns]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_clean_arrow_column, columns))


def _clean_arrow_column(col):
    """An Arrow string column stripped of surrounding whitespace (as ``str.strip`` of pandas'
    Arrow strings does it), empty values null: :func:`_clean_text_column` without leaving Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    stripped = pc.utf8_trim_whitespace(col)
    length = pc.binary_length(stripped)
    if not len(length) or pc.min(length).as_py() > 0:
        return stripped  # no empty cell
    return pc.if_else(pc.greater(length, 0), stripped, pa.scalar(None, stripped.type))


def _tidy_arrow(columns: list, rows: np.ndarray, header: list[object], source: str
                ) -> tuple[list[str], list, np.ndarray, list[Problem]]:
    """:func:`_tidy` on cleaned Arrow columns: the same names, problems and rows (the kept
    columns stay in Arrow)."""
    import pyarrow.compute as pc

    names, keep_cols, problems = _header_columns(header, lambda i: columns[i].null_count < len(columns[i]),
                                                 source, 1)
    kept = [columns[i] for i in keep_cols]
    if not kept:
        rows = rows[:0]
    elif all(c.null_count for c in kept):  # else every row has a value
        nonblank = pc.is_valid(kept[0])
        for c in kept[1:]:
            nonblank = pc.or_(nonblank, pc.is_valid(c))
        if not pc.all(nonblank).as_py():
            kept = [c.filter(nonblank) for c in kept]
            rows = rows[np.asarray(nonblank.to_numpy(zero_copy_only=False), dtype=bool)]
    return names, kept, rows, problems


def _csv_header(text: str, source: str) -> list[str]:
    """The header fields (csv module, with room for a long header cell); the csv module
    reads lines only until the header record ends (a quoted header cell may span lines)."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    return next(csv.reader(_lines(text)))


def _lines(text: str):
    """The lines of ``text`` with their line ends, one at a time (no copy of the whole text)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _column_name(header: list[str], i: int) -> str:
    name = header[i].strip().lower() if i < len(header) else ""
    return name or _("column {n}").format(n=i + 1)


def _too_long(size: int, limits: LimitsSettings) -> str:
    return _("a value of {size} bytes, longer than the limit of {limit} ([limits] max_field_bytes); an unclosed "
             "double quote can also cause this").format(size=f"{size:,}", limit=f"{limits.max_field_bytes:,}")


def _long_fields(table, names: list[str], header: list[str], rows: np.ndarray, source: str,
                 limits: LimitsSettings) -> list[Problem]:
    """A problem for each column's first value longer than ``max_field_bytes``."""
    import pyarrow.compute as pc

    out: list[Problem] = []
    numbers = np.concatenate([[1], np.asarray(rows)])
    for i, n in enumerate(names):
        lengths = pc.binary_length(table.column(n))
        longest = pc.max(lengths).as_py()
        if longest is None or longest <= limits.max_field_bytes:
            continue
        k = int(np.argmax(lengths.to_numpy(zero_copy_only=False) > limits.max_field_bytes))
        row = int(numbers[k]) if k < len(numbers) else None
        out.append(Problem(source, row, _column_name(header, i), None, _too_long(longest, limits)))
    return out


def _long_field_problem(text: str, header: list[str], source: str, limits: LimitsSettings) -> Problem:
    """Where the first value longer than ``max_field_bytes`` is (csv module, record by record)."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    row = 0
    for rec in reader:
        row += 1
        for i, v in enumerate(rec):
            size = len(v.encode("utf-8"))
            if size > limits.max_field_bytes:
                return Problem(source, row, _column_name(header, i), None, _too_long(size, limits))
    return Problem(source, None, None, None, _("a row is too long to read; check for an unclosed double quote"))


# ---------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------


def _excel_cell(v: object) -> str | None:
    """An Excel cell value as the text a CSV export would hold."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0, 0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _sheet_rows(ws, limits: LimitsSettings, source: str) -> list[tuple]:
    """The sheet's rows as value tuples, counted while reading: more than ``max_rows``
    (plus a header and a few title lines) stops at once."""
    cap = limits.max_rows + 10
    out: list[tuple] = []
    for r in ws.iter_rows(min_row=1, values_only=True):
        out.append(r)
        if len(out) > cap:
            raise too_many_rows(limits.max_rows + 1, limits, source)
    return out


def read_workbook(path: str | Path, limits: LimitsSettings | None = None) -> ReadImport:
    """Read an ``.xlsx`` workbook with one sheet per entity (sheet name = entity name).

    The workbook is checked against ``limits`` before it is opened (size, uncompressed
    size, compression ratio; an encrypted workbook is named as such), and rows are counted
    while reading. A formula cell without a saved value is a problem naming sheet, row and
    column.
    """
    p = Path(path)
    limits = default_limits(limits)
    raw = ReadImport(source=str(p))
    wb = open_workbook(p, limits, p.name)
    try:
        for ws in wb.worksheets:
            source = _("{file} sheet {sheet}").format(file=p.name, sheet=ws.title)
            entity = _entity_for(ws.title)
            if entity is not None and entity not in raw.tables:
                check_sheet(ws, limits, source)
                values = _sheet_rows(ws, limits, source)
            else:
                values = list(ws.iter_rows(min_row=1, max_row=limits.max_rows + 10, values_only=True))
            nonempty = [i for i, r in enumerate(values) if any(c is not None and str(c).strip() for c in r)]
            if entity is None:
                if ws.title.strip().lower() in _IGNORED_SHEETS or not nonempty:
                    continue
                raw.problems.append(Problem(source, None, None, ws.title,
                                            _unknown_name_message("sheet", ws.title)))
                continue
            if entity in raw.tables:
                raw.problems.append(Problem(source, None, None, ws.title,
                                            _("a second sheet for {entity} (the first is {first}); merge them "
                                              "into one sheet").format(entity=entity,
                                                                       first=raw.tables[entity].source)))
                continue
            if not nonempty:
                continue
            h = nonempty[0]
            if len(values) - h - 1 > limits.max_rows:
                raise too_many_rows(len(values) - h - 1, limits, source)
            names = [(_excel_cell(v) or "").strip().lower() for v in values[h]]
            raw.problems.extend(formula_problems(wb, ws, names, h + 1, source))
            width = max(len(r) for r in values)
            body_rows = values[h + 1:]
            cols = list(zip(*[tuple(r) + (None,) * (width - len(r)) for r in body_rows])) if body_rows else []
            frame = pd.DataFrame({i: _clean_text_column(pd.Series([_excel_cell(v) for v in c], dtype=object))
                                  for i, c in enumerate(cols)})
            if not cols:
                frame = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})
            header = list(values[h]) + [None] * (width - len(values[h]))
            header = [_excel_cell(v) for v in header]
            rows = np.arange(h + 2, h + 2 + len(body_rows))
            out, kept, problems = _tidy(frame, rows, header, source, first_header_row=h + 1)
            raw.problems.extend(problems)
            raw.tables[entity] = RawTable(entity, out, source, kept)
    finally:
        wb.close()
    return raw


# ---------------------------------------------------------------------------------------
# entry point
# ---------------------------------------------------------------------------------------


def _add_csv(raw: ReadImport, path: Path, entity: str, limits: LimitsSettings) -> None:
    read = _read_csv_file_arrow(path, limits=limits)
    raw.problems.extend(read.problems)
    if not read.readable:
        raw.unreadable.add(entity)
        return
    raw.tables[entity] = ArrowTable(entity, read.names, read.columns, path.name, read.rows)


def read_path(path: str | Path, limits: LimitsSettings | None = None) -> ReadImport:
    """Read a folder of ``<entity>.csv`` files, one ``.xlsx`` workbook, or one CSV file.

    Raises :class:`KamgraphError` when the path does not exist or is of an unsupported
    kind, :class:`ImportValidationError` when a file is over a limit of ``limits``
    (default: ``Settings().limits``); everything else wrong with the content is collected
    in ``problems``.
    """
    p = Path(path)
    limits = default_limits(limits)
    if not p.exists() and not p.is_symlink():
        raise KamgraphError(_("import path not found: {path}").format(path=p))
    if p.is_dir():
        return _read_folder(p, limits)
    kind = file_kind_problem(p, str(p))
    if kind is not None:
        raise ImportValidationError([kind])
    suffix = p.suffix.lower()
    if suffix in _WORKBOOK_SUFFIXES:
        return read_workbook(p, limits)
    if suffix == ".xls":
        raise KamgraphError(_("{file}: the old .xls format is not supported; save the workbook as .xlsx").format(
            file=p.name))
    if suffix != ".csv":
        raise KamgraphError(_("{file}: import a folder of CSV files, one .csv file or one .xlsx workbook").format(
            file=p.name))
    raw = ReadImport(source=str(p))
    entity = _entity_for(p.stem)
    if entity is None:
        raw.problems.append(Problem(p.name, None, None, p.name, _unknown_name_message("file", p.stem, ".csv")))
        return raw
    _add_csv(raw, p, entity, limits)
    return raw


def _read_folder(folder: Path, limits: LimitsSettings) -> ReadImport:
    raw = ReadImport(source=str(folder))
    by_entity: dict[str, Path] = {}
    for f in list_folder(folder):
        name = f.name
        low = name.lower()
        if name.startswith((".", "~$")) or low.startswith("readme") or f.suffix.lower() in _IGNORED_SUFFIXES:
            continue
        kind = file_kind_problem(f)
        if kind is not None:
            # a link to nowhere, a link loop, a folder or a pipe: said, never skipped silently
            if f.suffix.lower() == ".csv" or _entity_for(f.stem) is not None:
                raw.problems.append(kind)
                if _entity_for(f.stem) is not None:
                    raw.unreadable.add(_entity_for(f.stem))
            else:
                raw.warnings.append(_("ignored {file}: {reason}").format(file=name, reason=kind.message))
            continue
        if f.suffix.lower() != ".csv":
            what = (_("workbooks are imported on their own: pass the .xlsx path instead of the folder")
                    if f.suffix.lower() in _WORKBOOK_SUFFIXES else _("not a .csv file"))
            raw.warnings.append(_("ignored {file}: {reason}").format(file=name, reason=what))
            continue
        entity = _entity_for(f.stem)
        if entity is None:
            raw.problems.append(Problem(name, None, None, name, _unknown_name_message("file", f.stem, ".csv")))
            continue
        if entity in by_entity:
            raw.problems.append(Problem(name, None, None, name,
                                        _("a second file for {entity} (the first is {first}); merge them into "
                                          "one file").format(entity=entity, first=by_entity[entity].name)))
            continue
        by_entity[entity] = f
    if not by_entity and not raw.problems:
        raise KamgraphError(_("no data files in {folder}: expected files such as people.csv, accounts.csv, "
                              "ties.csv (one per entity; see docs/data-format.md)").format(folder=folder))
    for entity in FILE_ORDER:
        if entity in by_entity:
            _add_csv(raw, by_entity[entity], entity, limits)
    return raw
