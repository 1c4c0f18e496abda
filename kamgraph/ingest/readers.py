"""Read the native import format: a folder of CSV files, one CSV file, or one workbook.

The format (docs/data-format.md) is one table per entity of :data:`kamgraph.schema.ENTITIES`:

* a folder of ``<entity>.csv`` files (``people.csv``, ``Ties.CSV`` ...; names match
  case-insensitively; ``README*``, ``*.md`` and ``*.toml`` files are ignored),
* one ``.xlsx`` workbook with one sheet per entity (sheet name = entity name), or
* a single ``<entity>.csv`` file.

Every cell is read as text (no type guessing: ``007`` stays ``007``), stripped of
surrounding whitespace, with empty cells as ``None``; header names are lower-cased. Types,
enums and references are checked later by :func:`kamgraph.ingest.validate.validate`.

Problems found while reading (a file that is not UTF-8, a line with the wrong number of
fields, a file named after no entity) do not stop the reading: they are collected in
:attr:`ReadImport.problems` so that validation reports them together with every other
problem of the import.

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

from kamgraph.errors import KamgraphError, Problem
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.schema import ENTITIES, FILE_ORDER

__all__ = ["ReadImport", "CsvRead", "read_path", "read_csv_file", "read_csv_bytes", "read_workbook",
           "close_match"]

_BOM = b"\xef\xbb\xbf"
#: Files in an import folder that are documentation, settings or scripts, not data.
_IGNORED_SUFFIXES = frozenset({".md", ".toml", ".py"})
#: Workbook sheets that are documentation, not data.
_IGNORED_SHEETS = frozenset({"readme", "notes", "about", "instructions", "help"})
_WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_UNCLOSED_QUOTE = ("a double quote (\") opened in this row is never closed, so the rest of the file was read "
                   "as one value; close or remove the quote")


@dataclass
class ReadImport(RawImport):
    """A :class:`RawImport` plus the problems met while reading.

    ``unreadable`` names the entities whose file could not be read at all, so validation
    does not bury the real problem under "unknown person" messages for every reference.
    """

    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)


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
    hint = f"; did you mean {guess}{suffix}?" if guess else ""
    known = ", ".join(e + suffix for e in FILE_ORDER)
    return (f"unknown {kind} name {name + suffix!r}{hint} ({kind}s must be named after an entity: "
            f"{known})")


# ---------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------


def _clean_text_column(s: pd.Series) -> pd.Series:
    """Strip surrounding whitespace; empty -> None; object dtype of str/None (vectorized)."""
    stripped = s.astype(pd.StringDtype("pyarrow")).str.strip()  # Arrow: no per-cell Python
    keep = (stripped.str.len() > 0).fillna(False)
    out = stripped.astype(object)
    return out.where(keep.to_numpy(dtype=bool), None)


def _tidy(frame: pd.DataFrame, rows: np.ndarray, header: list[object], source: str,
          first_header_row: int = 1) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """Name columns from the header, drop nameless empty columns and blank rows."""
    problems: list[Problem] = []
    names: list[str] = []
    keep_cols: list[int] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        name = "" if h is None else str(h).strip().lower()
        col = frame.iloc[:, i]
        if not name:
            if col.notna().any():
                problems.append(Problem(source, first_header_row, None, None,
                                        f"column {i + 1} has values but no header name"))
            continue
        if name in seen:
            problems.append(Problem(source, first_header_row, name, name,
                                    f"column {name!r} appears twice (columns {seen[name] + 1} and {i + 1})"))
            continue
        seen[name] = i
        names.append(name)
        keep_cols.append(i)
    out = frame.iloc[:, keep_cols].copy()
    out.columns = names
    if len(out.columns):
        nonblank = out.notna().any(axis=1).to_numpy()
    else:
        nonblank = np.zeros(len(out), dtype=bool)
    out = out[nonblank].reset_index(drop=True)
    return out, [int(r) for r in rows[nonblank]], problems


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------


def read_csv_file(path: str | Path, source: str | None = None) -> CsvRead:
    """Read one CSV file as text cells (see :func:`read_csv_bytes`)."""
    p = Path(path)
    return read_csv_bytes(p.read_bytes(), source or p.name)


def read_csv_bytes(data: bytes, source: str) -> CsvRead:
    """Read CSV bytes (UTF-8, with or without BOM) into cleaned text cells.

    Lines whose number of fields differs from the header's are left out and reported as
    problems with their row number (rows are counted as a spreadsheet shows them: the
    header is row 1, a quoted value spanning several lines is one row).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        bad = data[e.start:e.start + 1].hex()
        msg = (f"not UTF-8 text: line {line} contains the byte 0x{bad}, so the file was saved in "
               f"another encoding; save it as UTF-8 (in Excel: Save As > 'CSV UTF-8')")
        return CsvRead(pd.DataFrame(), [], [Problem(source, None, None, None, msg)], readable=False)
    if not text.strip():
        msg = "the file is empty; the first line must be the header (column names)"
        return CsvRead(pd.DataFrame(), [], [Problem(source, None, None, None, msg)], readable=False)
    if text.lstrip("\r\n") != text:
        msg = "the first line is blank; the first line must be the header (column names)"
        return CsvRead(pd.DataFrame(), [], [Problem(source, 1, None, None, msg)], readable=False)

    header = next(csv.reader(io.StringIO(text)))
    n_cols = len(header)
    bad_rows: list[tuple[int | None, int, int, str]] = []

    def on_invalid(row) -> str:
        bad_rows.append((row.number, row.actual_columns, row.expected_columns, row.text or ""))
        return "skip"

    names = [f"f{i}" for i in range(n_cols)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid,
                                              ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as e:
        return CsvRead(pd.DataFrame(), [], [Problem(source, None, None, None, f"cannot read this CSV file: {e}")],
                       readable=False)

    problems: list[Problem] = []
    skipped: list[int] = []
    for number, actual, expected, line in bad_rows:
        if "\n" in line and line.count('"') % 2 == 1:
            problems.append(Problem(source, number, None, None, _UNCLOSED_QUOTE))
        else:
            hint = ("; a value probably contains an unquoted comma (put such values in double quotes)"
                    if actual > expected else "")
            problems.append(Problem(source, number, None, None,
                                    f"this line has {actual} fields but the header has {expected}; "
                                    f"the line was not read{hint}"))
        if number is not None:
            skipped.append(number)

    frame = pd.DataFrame({n: _clean_text_column(table.column(n).to_pandas()) for n in names})
    total = len(frame) + len(bad_rows)  # records including the header
    kept = np.ones(total, dtype=bool)
    kept[[n - 1 for n in skipped if 1 <= n <= total]] = False
    numbers = np.arange(1, total + 1)[kept]
    rows = numbers[1:] if len(numbers) == len(frame) else np.arange(2, len(frame) + 1)
    head = [frame.iloc[0, i] for i in range(n_cols)] if len(frame) else header
    body = frame.iloc[1:].reset_index(drop=True)

    # A quoted value that never closes swallows the rest of the file into one cell.
    if len(body) and text.count('"') % 2 == 1:
        last = body.iloc[-1]
        if last.map(lambda v: isinstance(v, str) and "\n" in v).any():
            problems.append(Problem(source, int(rows[-1]), None, None, _UNCLOSED_QUOTE))

    out, kept_rows, header_problems = _tidy(body, np.asarray(rows), head, source)
    return CsvRead(out, kept_rows, header_problems + problems)


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


def read_workbook(path: str | Path) -> ReadImport:
    """Read an ``.xlsx`` workbook with one sheet per entity (sheet name = entity name)."""
    import openpyxl

    p = Path(path)
    raw = ReadImport(source=str(p))
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for a damaged or non-xlsx file
        raise KamgraphError(f"{p.name}: cannot open as an Excel workbook: {e}") from None
    try:
        for ws in wb.worksheets:
            source = f"{p.name} sheet {ws.title}"
            entity = _entity_for(ws.title)
            values = list(ws.iter_rows(min_row=1, values_only=True))
            nonempty = [i for i, r in enumerate(values) if any(c is not None and str(c).strip() for c in r)]
            if entity is None:
                if ws.title.strip().lower() in _IGNORED_SHEETS or not nonempty:
                    continue
                raw.problems.append(Problem(source, None, None, ws.title,
                                            _unknown_name_message("sheet", ws.title)))
                continue
            if entity in raw.tables:
                raw.problems.append(Problem(source, None, None, ws.title,
                                            f"a second sheet for {entity} (the first is "
                                            f"{raw.tables[entity].source}); merge them into one sheet"))
                continue
            if not nonempty:
                continue
            h = nonempty[0]
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


def _add_csv(raw: ReadImport, path: Path, entity: str) -> None:
    read = read_csv_file(path)
    raw.problems.extend(read.problems)
    if not read.readable:
        raw.unreadable.add(entity)
        return
    raw.tables[entity] = RawTable(entity, read.frame, path.name, read.rows)


def read_path(path: str | Path) -> ReadImport:
    """Read a folder of ``<entity>.csv`` files, one ``.xlsx`` workbook, or one CSV file.

    Raises :class:`KamgraphError` when the path does not exist or is of an unsupported
    kind; everything else wrong with the content is collected in ``problems``.
    """
    p = Path(path)
    if not p.exists():
        raise KamgraphError(f"import path not found: {p}")
    if p.is_dir():
        return _read_folder(p)
    suffix = p.suffix.lower()
    if suffix in _WORKBOOK_SUFFIXES:
        return read_workbook(p)
    if suffix == ".xls":
        raise KamgraphError(f"{p.name}: the old .xls format is not supported; save the workbook as .xlsx")
    if suffix != ".csv":
        raise KamgraphError(f"{p.name}: import a folder of CSV files, one .csv file or one .xlsx workbook")
    raw = ReadImport(source=str(p))
    entity = _entity_for(p.stem)
    if entity is None:
        raw.problems.append(Problem(p.name, None, None, p.name, _unknown_name_message("file", p.stem, ".csv")))
        return raw
    _add_csv(raw, p, entity)
    return raw


def _read_folder(folder: Path) -> ReadImport:
    raw = ReadImport(source=str(folder))
    files = sorted(f for f in folder.iterdir() if f.is_file())
    by_entity: dict[str, Path] = {}
    for f in files:
        name = f.name
        low = name.lower()
        if name.startswith((".", "~$")) or low.startswith("readme") or f.suffix.lower() in _IGNORED_SUFFIXES:
            continue
        if f.suffix.lower() != ".csv":
            what = ("workbooks are imported on their own: pass the .xlsx path instead of the folder"
                    if f.suffix.lower() in _WORKBOOK_SUFFIXES else "not a .csv file")
            raw.warnings.append(f"ignored {name}: {what}")
            continue
        entity = _entity_for(f.stem)
        if entity is None:
            raw.problems.append(Problem(name, None, None, name, _unknown_name_message("file", f.stem, ".csv")))
            continue
        if entity in by_entity:
            raw.problems.append(Problem(name, None, None, name,
                                        f"a second file for {entity} (the first is {by_entity[entity].name}); "
                                        f"merge them into one file"))
            continue
        by_entity[entity] = f
    if not by_entity and not raw.problems:
        raise KamgraphError(f"no data files in {folder}: expected files such as people.csv, accounts.csv, "
                            f"ties.csv (one per entity; see docs/data-format.md)")
    for entity in FILE_ORDER:
        if entity in by_entity:
            _add_csv(raw, by_entity[entity], entity)
    return raw
