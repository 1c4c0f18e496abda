"""Column-at-a-time spreadsheet writers: the same CSV text and the same workbook cells as the
per-cell writers of :mod:`kamgraph.report.spreadsheet`, without a Python object per cell.

A report's largest sheets hold millions of cells (the buying centers, what changed), and a
writer that makes a cell object per value spends most of an export there. Here every column
is converted once, vectorized (NumPy for numbers and dates, Arrow compute for text): the
control characters removed, formula text neutralized (the rule of
:func:`~kamgraph.report.spreadsheet.clean_text`, exactly), numbers formatted as the per-cell
writers format them, and the rows joined column-wise into CSV lines or worksheet XML.

The workbook's package (content types, relationships, styles, workbook, properties, frozen
panes, filters) is written by ``xlsxwriter``; the rows of each worksheet (``<sheetData>``)
and its column widths are written here, streamed into the zip a chunk of rows at a time, so
memory stays bounded by a chunk and the frames themselves.

What a reader sees is what the per-cell writer wrote (the tests read both back with openpyxl
and compare every cell, format, font, fill, alignment, width, pane and filter): text as
inline strings, numbers as ``%.16g`` (openpyxl's ``safe_string``), dates as Excel serial
days with a date format, booleans as booleans, a missing value as no cell (a styled empty
cell in a wrapped column).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import math
import queue
import re
import threading
import unicodedata
import zipfile
from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["csv_text_fast", "workbook_bytes_fast", "excel_cells", "csv_cells", "CHUNK_ROWS"]

#: rows converted and written at a time (bounds the memory of the XML being built)
CHUNK_ROWS = 50_000

#: the control characters :data:`kamgraph.report.spreadsheet._CONTROL` removes, in RE2 syntax
_CONTROL_RE2 = r"[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}\x{7f}-\x{9f}]"
#: text a spreadsheet would read as a formula (after the control characters are gone; NUL is
#: among them, so it can no longer start a text)
_FORMULA_RE2 = "^[=+\\-@\t\r\\x{00}]"

# kinds of a converted cell
_MISSING, _TEXT, _NUMBER, _BOOL, _DATE = 0, 1, 2, 3, 4

_EPOCH_US = np.datetime64("1899-12-30T00:00:00", "us").astype(np.int64)
_DAY_US = 86_400_000_000


# -- text --------------------------------------------------------------------------------------

def _join(*parts, **options) -> pa.Array:
    """Element-wise concatenation of arrays and str literals (large_string throughout)."""
    args = [pa.scalar(p, pa.large_string()) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", pa.large_string()), **options)


def _if_else(mask, a, b) -> pa.Array:
    a = pa.scalar(a, pa.large_string()) if isinstance(a, str) else a
    b = pa.scalar(b, pa.large_string()) if isinstance(b, str) else b
    return pc.if_else(mask, a, b)


#: the control characters of :data:`_CONTROL_RE2` in UTF-8: C0 and DEL are single bytes, C1
#: (U+0080..U+009F) is ``\xc2`` then ``\x80``..``\x9f`` (``\xc2`` is never a continuation byte)
_CONTROL_UTF8 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
#: first bytes of formula text (all ASCII, so a first byte is a first character)
_FORMULA_BYTES = np.array([ord(c) for c in "=+-@\t\r\0"], dtype=np.uint8)


def _has_control(seg: np.ndarray) -> bool:
    """Whether UTF-8 bytes hold a control character of :data:`_CONTROL_UTF8` (NumPy, one pass)."""
    low = seg < 0x20
    if (low & (seg != 9) & (seg != 10) & (seg != 13)).any() or (seg == 0x7F).any():
        return True
    lead = np.flatnonzero(seg[:-1] == 0xC2) + 1
    return bool(len(lead) and ((seg[lead] >= 0x80) & (seg[lead] <= 0x9F)).any())


def _layout(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (one more than the values) and the UTF-8 bytes of a large_string array."""
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return offsets, data


def _valid(arr: pa.Array) -> np.ndarray:
    return arr.is_valid().to_numpy(zero_copy_only=False)


def _rows_holding(arr: pa.Array, byte_values: bytes) -> np.ndarray:
    """Which values (not null) hold one of ``byte_values`` (ASCII), found in the data buffer
    in one pass rather than value by value."""
    out = np.zeros(len(arr), dtype=bool)
    if len(arr) == 0:
        return out
    offsets, data = _layout(arr)
    seg = data[offsets[0]:offsets[-1]]
    hit = np.zeros(len(seg), dtype=bool)
    for b in byte_values:
        hit |= seg == b
    pos = np.flatnonzero(hit)
    if len(pos):
        out[np.searchsorted(offsets, pos + offsets[0], side="right") - 1] = True
        out &= _valid(arr)
    return out


def _edge_bytes(arr: pa.Array, last: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The first (or last) byte of every value, and which values have one (not null, not empty)."""
    offsets, data = _layout(arr)
    has = (offsets[1:] > offsets[:-1]) & _valid(arr)
    at = (offsets[1:] - 1) if last else offsets[:-1]
    edge = np.zeros(len(arr), dtype=np.uint8)
    edge[has] = data[at[has]]
    return edge, has


def _clean(text: pa.Array) -> pa.Array:
    """:func:`~kamgraph.report.spreadsheet.clean_text` of every value: control characters
    removed, then a leading ``'`` before formula text (nulls stay null)."""
    if len(text) == 0:
        return text
    offsets, data = _layout(text)
    if _has_control(data[offsets[0]:offsets[-1]]):
        text = pc.replace_substring_regex(text, _CONTROL_RE2, "")
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
    first, has = _edge_bytes(text)
    risky = has & np.isin(first, _FORMULA_BYTES)
    if risky.any():
        text = _if_else(pa.array(risky), _join("'", text), text)
    return text


def _as_text_array(values) -> pa.Array:
    """A large_string Arrow array of str values (None/NaN -> null)."""
    if isinstance(values, pd.Series):
        arr = pa.Array.from_pandas(values)
    else:
        arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return arr


def _format_numbers(x: np.ndarray, fmt: str):
    """``fmt % v`` for every float of ``x`` (C-level formatting, one call per value; each
    distinct value once when values repeat, told apart by their bits so -0.0 is not 0.0)."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    if len(x) > 1000:
        codes, uniques = pd.factorize(x.view(np.int64))
        if len(uniques) * 2 < len(x):
            texts = np.array(list(map(fmt.__mod__, uniques.view(np.float64).tolist())), dtype=object)
            return texts[codes]
    return list(map(fmt.__mod__, x.tolist()))


def _is_text_column(s: pd.Series) -> str | None:
    """``"text"`` for a column of str (and missing), ``"empty"`` for all missing, ``"bool"``
    for bools (and missing); None: anything else (converted value by value)."""
    if isinstance(s.dtype, pd.StringDtype) or (pd.api.types.is_string_dtype(s.dtype) and s.dtype != object):
        return "text"
    if s.dtype != object:
        return None
    inferred = pd.api.types.infer_dtype(s, skipna=True)
    if inferred == "string":
        return "text"
    if inferred == "empty":
        return "empty"
    if inferred == "boolean":
        return "bool"
    return None


def _datetime_us(s: pd.Series) -> np.ndarray | None:
    """Microseconds since 1970 of a tz-naive datetime64 column (NaT: None mask handled by caller)."""
    if not pd.api.types.is_datetime64_dtype(s.dtype) or getattr(s.dtype, "tz", None) is not None:
        return None
    return s.to_numpy(dtype="datetime64[us]").astype(np.int64)


# -- Excel cells -------------------------------------------------------------------------------

class ExcelColumn:
    """One column converted for a worksheet: ``kind`` per row (missing, text, number, bool,
    date), ``text`` (the cell's text before XML escaping: cleaned and neutralized for text,
    ``%.16g`` for numbers and dates, ``1``/``0`` for booleans; null when missing) and
    ``floats`` (whether the per-cell writer saw a Python float, for plain column widths)."""

    __slots__ = ("kind", "text", "floats")

    def __init__(self, kind: np.ndarray, text: pa.Array, floats: bool):
        self.kind = kind
        self.text = text
        self.floats = floats


def _excel_serial_us(us: np.ndarray) -> np.ndarray:
    """openpyxl's ``to_excel`` of datetimes given as microseconds since 1970 (1900 date system)."""
    since = us - _EPOCH_US
    days = np.floor_divide(since, _DAY_US)
    tod = since - days * _DAY_US
    days = np.where((days > 0) & (days <= 60), days - 1, days)
    secs, micro = np.divmod(tod, 1_000_000)
    return days.astype(np.float64) + (secs.astype(np.float64) + micro / 10**6) / 86400


def _serial_one(v) -> float:
    if not isinstance(v, dt.datetime):
        v = dt.datetime.combine(v, dt.time())
    us = (v.replace(tzinfo=None) - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
    return float(_excel_serial_us(np.array([us], dtype=np.int64))[0])


def excel_cells(s: pd.Series) -> ExcelColumn:
    """``s`` as the per-cell writer's ``_excel_value`` would store it, column-wise."""
    from kamgraph.report.spreadsheet import _EXCEL_CELL_MAX, _excel_value

    n = len(s)
    kind_of_col = _is_text_column(s)
    if kind_of_col == "text":
        text = _clean(_as_text_array(s))
        if n and (pc.max(pc.utf8_length(text)).as_py() or 0) > _EXCEL_CELL_MAX:
            text = pc.utf8_slice_codeunits(text, 0, _EXCEL_CELL_MAX)
        kind = np.where(text.is_null().to_numpy(zero_copy_only=False), _MISSING, _TEXT).astype(np.int8)
        return ExcelColumn(kind, text, False)
    if kind_of_col == "empty":
        return ExcelColumn(np.zeros(n, np.int8), pa.nulls(n, pa.large_string()), False)
    if kind_of_col == "bool" or pd.api.types.is_bool_dtype(s.dtype) and s.dtype != object:
        missing = s.isna().to_numpy()
        truth = s.astype(object).where(~missing, False).astype(bool).to_numpy()
        text = pa.array(np.where(truth, "1", "0").astype(object), type=pa.large_string(), mask=missing)
        return ExcelColumn(np.where(missing, _MISSING, _BOOL).astype(np.int8), text, False)
    if pd.api.types.is_integer_dtype(s.dtype) and s.dtype != object and not s.hasnans:
        x = s.to_numpy()
        if n and np.abs(x.astype(np.float64)).max() >= 1e16:
            text = pa.array(_format_numbers(x.astype(np.float64), "%.16g"), type=pa.large_string())
        else:
            text = pc.cast(pa.array(x), pa.large_string())
        return ExcelColumn(np.full(n, _NUMBER, np.int8), text, False)
    if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_integer_dtype(s.dtype):
        missing = s.isna().to_numpy()  # nullable integers (Int64): a number each, or no cell
        x = s.to_numpy(dtype=np.float64, na_value=np.nan)
        if np.abs(x[~missing]).max(initial=0) < 2**53:
            texts = np.empty(n, dtype=object)
            texts[~missing] = _format_numbers(x[~missing], "%.16g")
            return ExcelColumn(np.where(missing, _MISSING, _NUMBER).astype(np.int8),
                               pa.array(texts, type=pa.large_string(), mask=missing), False)
    if pd.api.types.is_float_dtype(s.dtype) and not isinstance(s.dtype, pd.api.extensions.ExtensionDtype):
        x = s.to_numpy(dtype=np.float64)
        missing = np.isnan(x)
        finite = np.isfinite(x)
        texts = np.empty(n, dtype=object)
        texts[finite] = _format_numbers(x[finite], "%.16g")
        inf = ~finite & ~missing
        texts[inf] = np.where(x[inf] > 0, "inf", "-inf")  # str(v): text, not neutralized (as before)
        kind = np.where(missing, _MISSING, np.where(finite, _NUMBER, _TEXT)).astype(np.int8)
        return ExcelColumn(kind, pa.array(texts, type=pa.large_string(), mask=missing), bool(finite.any()))
    us = _datetime_us(s)
    if us is not None:
        missing = s.isna().to_numpy()
        texts = np.empty(n, dtype=object)
        texts[~missing] = _format_numbers(_excel_serial_us(us[~missing]), "%.16g")
        return ExcelColumn(np.where(missing, _MISSING, _DATE).astype(np.int8),
                           pa.array(texts, type=pa.large_string(), mask=missing), False)
    # anything else (mixed, lists, dates as objects, tz-aware, categories): value by value
    kinds = np.zeros(n, np.int8)
    texts: list = [None] * n
    floats = False
    for i, v in enumerate(_excel_value(v) for v in s.tolist()):
        if v is None:
            continue
        if isinstance(v, str):
            kinds[i], texts[i] = _TEXT, v
        elif isinstance(v, bool):
            kinds[i], texts[i] = _BOOL, "1" if v else "0"
        elif isinstance(v, (int, float)):
            kinds[i], texts[i] = _NUMBER, "%.16g" % v
            floats = floats or isinstance(v, float)
        elif isinstance(v, (dt.datetime, dt.date)):
            kinds[i], texts[i] = _DATE, "%.16g" % _serial_one(v)
        else:  # pragma: no cover - _excel_value returns nothing else
            kinds[i], texts[i] = _TEXT, str(v)
    return ExcelColumn(kinds, pa.array(texts, type=pa.large_string()), floats)


def _slice(col: ExcelColumn, start: int, stop: int) -> ExcelColumn:
    return ExcelColumn(col.kind[start:stop], col.text.slice(start, stop - start), col.floats)


# -- CSV ---------------------------------------------------------------------------------------

def csv_cells(s: pd.Series, decimals: int | None) -> pa.Array:
    """``s`` as the per-cell CSV writer's ``_text_cell`` would write it (null: missing)."""
    from kamgraph.report.spreadsheet import _text_cell

    n = len(s)
    kind_of_col = _is_text_column(s)
    if kind_of_col == "text":
        return _clean(_as_text_array(s))
    if kind_of_col == "empty":
        return pa.nulls(n, pa.large_string())
    if kind_of_col == "bool" or pd.api.types.is_bool_dtype(s.dtype) and s.dtype != object:
        missing = s.isna().to_numpy()
        truth = s.astype(object).where(~missing, False).astype(bool).to_numpy()
        return pa.array(np.where(truth, "true", "false").astype(object), type=pa.large_string(), mask=missing)
    if pd.api.types.is_integer_dtype(s.dtype) and s.dtype != object and not s.hasnans:
        return pc.cast(pa.array(s.to_numpy()), pa.large_string())
    if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_integer_dtype(s.dtype):
        return pc.cast(pa.array(s.array), pa.large_string())  # nullable integers (Int64): str(int), null
    if (decimals is not None and pd.api.types.is_float_dtype(s.dtype)
            and not isinstance(s.dtype, pd.api.extensions.ExtensionDtype)):
        x = s.to_numpy(dtype=np.float64)
        missing = np.isnan(x)
        finite = np.isfinite(x)
        texts = np.empty(n, dtype=object)
        texts[finite] = _format_numbers(x[finite], f"%.{int(decimals)}f")
        inf = ~finite & ~missing
        texts[inf] = np.where(x[inf] > 0, "inf", "-inf")
        arr = pa.array(texts, type=pa.large_string(), mask=missing)
        if int(decimals) > 0:  # trailing zeros, then a trailing point, trimmed (format_float)
            trimmed = pc.replace_substring_regex(pc.replace_substring_regex(arr, r"0+$", ""), r"\.$", "")
            arr = _if_else(pa.array(finite), trimmed, arr)
        return _if_else(pc.fill_null(pc.equal(arr, "-0"), False), "0", arr)
    us = _datetime_us(s)
    if us is not None:
        missing = s.isna().to_numpy()
        d = us.astype("datetime64[us]")
        midnight = (us - d.astype("datetime64[D]").astype("datetime64[us]").astype(np.int64)) == 0
        day = np.datetime_as_string(d, unit="D")
        sec = np.datetime_as_string(d, unit="s")
        return pa.array(np.where(midnight, day, sec).astype(object), type=pa.large_string(), mask=missing)
    return pa.array([_text_cell(v, decimals) for v in s.tolist()], type=pa.large_string())


@functools.lru_cache(maxsize=8)
def _quote_chars(lineterminator: str) -> bytes:
    """The characters that make the csv module quote a field (QUOTE_MINIMAL) with this line
    terminator: asked of the csv module itself (CR and LF outside the terminator are quoted
    by some Python versions, not by others)."""
    chars = [",", '"'] + [c for c in "\r\n" if c in lineterminator]
    for c in "\r\n":
        if c not in chars:
            buf = io.StringIO()
            csv.writer(buf, lineterminator=lineterminator).writerow(["a" + c, "b"])
            if buf.getvalue().startswith('"'):
                chars.append(c)
    return "".join(chars).encode("ascii")


def display_widths(texts: list[str]) -> int:
    """The largest :func:`~kamgraph.report.spreadsheet.display_width` of ``texts``: each
    distinct text once, its characters plus one more per wide one (each distinct character
    looked up once); a text of several lines, line by line."""
    from kamgraph.report.spreadsheet import display_width

    texts = list(dict.fromkeys(texts))
    if not texts:
        return 0
    joined = "".join(texts)
    if joined.isascii() and "\n" not in joined:
        return max(map(len, texts))
    wide = {ch for ch in set(joined) if unicodedata.east_asian_width(ch) in "WF"}
    best = 0
    for t in texts:
        best = max(best, display_width(t) if "\n" in t else len(t) + sum(map(wide.__contains__, t)))
    return best


def _csv_quote(text: pa.Array, lineterminator: str) -> pa.Array:
    """QUOTE_MINIMAL as the csv module does it: a field holding a comma, a quote or a line
    break character (:func:`_quote_chars`) is quoted, its quotes doubled."""
    need = _rows_holding(text, _quote_chars(lineterminator))
    if not need.any():
        return text
    need = pa.array(need)
    quoted = _join('"', pc.replace_substring(text, '"', '""'), '"')
    return _if_else(need, quoted, text)


def _joined_bytes(arr: pa.Array) -> memoryview | bytes:
    """The values of a string array without nulls, one after the other (a view of its data)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) == 0:
        return b""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    return memoryview(arr.buffers()[2])[int(offsets[0]):int(offsets[-1])]


def csv_utf8_fast(df: pd.DataFrame, decimals: int | None, lineterminator: str) -> list | None:
    """:func:`~kamgraph.report.spreadsheet.csv_text`'s text as UTF-8 pieces (bytes and buffers
    to join), column-wise; None when the frame is one the per-cell writer must handle (no
    columns, one column, duplicate names)."""
    from kamgraph.report.spreadsheet import _text_cell

    if len(df.columns) < 2 or df.columns.duplicated().any():
        return None
    header = _csv_quote(pa.array([_text_cell(str(c)) for c in df.columns], type=pa.large_string()),
                        lineterminator).to_pylist()
    parts: list = [(",".join(header) + lineterminator).encode("utf-8")]
    for start in range(0, len(df), CHUNK_ROWS):
        chunk = df.iloc[start:start + CHUNK_ROWS]
        cols = [_csv_quote(csv_cells(chunk.iloc[:, j], decimals), lineterminator) for j in range(len(df.columns))]
        parts.append(_rows_utf8(cols, lineterminator))
    return parts


def csv_text_fast(df: pd.DataFrame, decimals: int | None, lineterminator: str) -> str | None:
    """:func:`csv_utf8_fast` as text."""
    parts = csv_utf8_fast(df, decimals, lineterminator)
    return None if parts is None else "".join(str(p, "utf-8") for p in parts)


def _rows_utf8(cols: list[pa.Array], lineterminator: str):
    fields = []
    for j, c in enumerate(cols):
        fields.append(pc.fill_null(c, pa.scalar("", pa.large_string())))
        fields.append(lineterminator if j == len(cols) - 1 else ",")
    return _joined_bytes(_join(*fields))


# -- worksheet XML -----------------------------------------------------------------------------

def _xml_escape(text: pa.Array) -> pa.Array:
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        if pc.any(pc.match_substring(text, a)).as_py():
            text = pc.replace_substring(text, a, b)
    return text


def _col_letter(j: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _esc_one(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _small_cell(ref: str, value, xf: int) -> str:
    """One cell of a note, title or header row (already converted: a str or None)."""
    s = f' s="{xf}"' if xf else ""
    if value is None:
        return f'<c r="{ref}"{s}/>' if xf else ""
    if value == "":  # openpyxl's empty text cell: no value (read back as empty)
        return f'<c r="{ref}"{s} t="inlineStr"/>'
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_esc_one(value)}</t></is></c>'


#: white space at an end of a text (then ``xml:space="preserve"`` keeps it)
_SPACE_BYTES = np.array([9, 10, 12, 13, 32], dtype=np.uint8)


#: how a cell goes on after ``<c r="B7"`` and its style, by head code: missing (a styled empty
#: cell), text, number, boolean, date, text with spaces at an end, empty text (openpyxl writes
#: an empty text as a text cell without a value)
_HEADS = ("/>", ' t="inlineStr"><is><t>', "><v>", ' t="b"><v>', "><v>", ' t="inlineStr"><is><t xml:space="preserve">',
          ' t="inlineStr"/>')
_TAILS = ("", "</t></is></c>", "</v></c>", "</v></c>", "</v></c>", "</t></is></c>", "")
_EMPTY = pa.scalar("", pa.large_string())


def _data_rows_xml(cols: list[ExcelColumn], xf_plain: list[int], xf_value: list, first_row: int):
    """The ``<row>`` elements of rows ``first_row ..`` of a block, as UTF-8 (a buffer).

    ``xf_plain[j]``: the style of a text, boolean or missing cell of column j; ``xf_value[j]``:
    of a number or date, one int or an int array (one per row)."""
    n = len(cols[0].kind) if cols else 0
    if n == 0:
        return b""
    rows = pc.cast(pa.array(np.arange(first_row, first_row + n, dtype=np.int64)), pa.large_string())
    pieces: list = ['<row r="', rows, '">']
    for j, col in enumerate(cols, start=1):
        kind = col.kind
        valued = (kind == _NUMBER) | (kind == _DATE)
        xv = xf_value[j - 1]
        xf = np.where(valued, xv if np.ndim(xv) else int(xv), xf_plain[j - 1])
        emit = (kind != _MISSING) | (xf != 0)  # a missing value is no cell, unless it has a style
        if not emit.any():
            continue
        code = kind.astype(np.int64)
        text = col.text
        is_text = kind == _TEXT
        if is_text.any():
            risky = _rows_holding(text, b"&<>") & is_text
            if risky.any():
                text = _if_else(pa.array(risky), _xml_escape(text), text)
            first, has = _edge_bytes(text)
            last, _has = _edge_bytes(text, last=True)
            spaced = has & (np.isin(first, _SPACE_BYTES) | np.isin(last, _SPACE_BYTES))
            code[is_text & spaced] = 5
            code[is_text & ~has] = 6  # empty text
        styles, style_pos = np.unique(xf, return_inverse=True)
        heads = [f'"{f" s={chr(34)}{x}{chr(34)}" if x else ""}{h}' for x in styles.tolist() for h in _HEADS]
        tails = [t for _x in styles.tolist() for t in _TAILS]
        index = pa.array(style_pos.reshape(-1) * len(_HEADS) + code)
        head = pa.array(heads, type=pa.large_string()).take(index)
        tail = pa.array(tails, type=pa.large_string()).take(index)
        ref = rows
        if not emit.all():  # a null reference makes the whole cell null, written as nothing
            ref = pa.Array.from_buffers(pa.large_string(), n, [pa.array(emit).buffers()[1], *rows.buffers()[1:]])
        pieces.append(_join(f'<c r="{_col_letter(j)}', ref, head, pc.fill_null(text, _EMPTY), tail))
    pieces.append("</row>")
    return _joined_bytes(_join(*pieces, null_handling="replace", null_replacement=""))


# -- the workbook ------------------------------------------------------------------------------

_HEADER_FILL = "#DDE4EE"


class _Styles:
    """The workbook's cell formats, one per (number format, bold, header, wrap) as the per-cell
    writer keys them; each made once and given a placeholder cell so xlsxwriter numbers it."""

    def __init__(self, wb):
        self.wb = wb
        self.formats: dict[tuple, object] = {}

    def want(self, key: tuple) -> None:
        if key == (None, False, False, False) or key in self.formats:
            return
        fmt, bold, header, wrap = key
        props: dict = {}
        if fmt:
            props["num_format"] = fmt
        if bold:
            props["bold"] = True
        if header:
            props.update({"pattern": 1, "bg_color": _HEADER_FILL, "text_wrap": True, "valign": "top"})
        elif wrap:
            props.update({"text_wrap": True, "valign": "top"})
        self.formats[key] = self.wb.add_format(props)

    def index(self, key: tuple) -> int:
        if key == (None, False, False, False):
            return 0
        return int(self.formats[key]._get_xf_index())


class _Plan:
    """What one worksheet holds: its blocks converted lazily, widths, panes, filter."""

    def __init__(self, name: str, blocks):
        self.name = name
        self.blocks = blocks
        self.widths: dict[int, float] = {}
        self.freeze: tuple[int, int] | None = None
        self.autofilter: tuple[int, int, int, int] | None = None
        self.last_row = 0
        self.last_col = 0


def _value_keys(b, c, wrap: bool) -> set:
    """Every style a data cell of column ``c`` of block ``b`` may take."""
    keys = {(None, False, False, wrap)}
    f = b.formats.get(c)
    fmts = {f} if f is None or isinstance(f, str) else set(f)
    for x in fmts:
        keys.add((x or None, False, False, wrap))
        keys.add((x or "yyyy-mm-dd", False, False, wrap))
    return keys


def _plan_sheet(name, blocks, styles: _Styles) -> _Plan:
    """Widths (as the per-cell writer sizes them), panes, filter and styles of one sheet."""
    from kamgraph.report.spreadsheet import (MAX_WIDTH, WIDTH_SAMPLE, WRAP_WIDTH, _excel_value, _shown_width,
                                             display_width)

    plan = _Plan(name, blocks)
    widths: dict[int, int] = {}
    wrapped: set[int] = set()
    for b in blocks:
        formats = b.column_formats()  # also checks per-row formats against the rows
        for j, (c, fmts) in enumerate(zip(b.frame.columns, formats), start=1):
            if c in b.wrap:
                wrapped.add(j)
            s = b.frame.iloc[:, j - 1]
            if b.styled:
                head = max(display_width(w) for w in str(c).split()) if str(c).split() else 0
                w = max(widths.get(j, 0), head, min(display_width(c), 24))
                sample = s.iloc[:WIDTH_SAMPLE]
                col = excel_cells(sample)
                is_text = col.kind == _TEXT
                if is_text.any():  # text: its display width, column-wise
                    w = max(w, display_widths(pc.filter(col.text, pa.array(is_text)).to_pylist()))
                other = (col.kind != _TEXT) & (col.kind != _MISSING)
                if other.any():  # numbers (their format decides), dates, booleans: value by value
                    fm = list(itertools.islice(fmts, len(sample)))
                    idx = np.flatnonzero(other).tolist()
                    raw = sample.tolist()
                    seen = dict.fromkeys((type(v), v, f) for v, f in ((_excel_value(raw[i]), fm[i]) for i in idx))
                    w = max([w] + [_shown_width(v, f) for _t, v, f in seen])
            else:
                w = max(widths.get(j, 0), len(str(c)))
                col = excel_cells(s)
                texts = pc.filter(col.text, pa.array(col.kind == _TEXT))
                longest = pc.max(pc.utf8_length(texts)).as_py() if len(texts) else None
                if longest is not None:
                    w = max(w, min(MAX_WIDTH, longest))
                if col.floats:
                    w = max(w, 10)
            widths[j] = w
            for key in _value_keys(b, c, c in b.wrap):
                styles.want(key)
        styles.want((None, True, False, False))
        styles.want((None, True, True, False))
    for j, w in widths.items():
        plan.widths[j] = WRAP_WIDTH if j in wrapped and w > WRAP_WIDTH else max(8, min(MAX_WIDTH, w + 2))
    headers, row = [], 0
    for b in blocks:
        row += len(b.notes) + (1 if b.title else 0) + 1
        headers.append(row)
        row += len(b.frame) + 1
    plan.last_row = row
    plan.last_col = max([len(b.frame.columns) for b in blocks] + [1])
    for b, header_row in zip(blocks, headers):
        if b.freeze is not None:
            plan.freeze = (header_row, b.freeze)
        if b.autofilter and len(b.frame.columns):
            plan.autofilter = (header_row - 1, 0, header_row - 1 + len(b.frame), len(b.frame.columns) - 1)
    if len(blocks) == 1 and not blocks[0].notes and not blocks[0].title and blocks[0].freeze is None:
        plan.freeze = (1, 0)
    return plan


def _sheet_rows(plan: _Plan, styles: _Styles):
    """The ``<row>`` elements of a sheet, chunk by chunk (bytes)."""
    from kamgraph.report.spreadsheet import _excel_value

    row = 0
    for b in plan.blocks:
        small = []
        for note in b.notes:
            row += 1
            small.append(f'<row r="{row}">{_small_cell(f"A{row}", _excel_value(note), 0)}</row>')
        if b.title:
            row += 1
            xf = styles.index((None, True, False, False))
            small.append(f'<row r="{row}">{_small_cell(f"A{row}", _excel_value(b.title), xf)}</row>')
        row += 1
        xf = styles.index((None, True, bool(b.styled), False))
        small.append(f'<row r="{row}">' + "".join(_small_cell(f"{_col_letter(j)}{row}", _excel_value(str(c)), xf)
                                                   for j, c in enumerate(b.frame.columns, start=1)) + "</row>")
        yield "".join(small).encode("utf-8")
        n = len(b.frame)
        columns = list(b.frame.columns)
        wrap = [c in b.wrap for c in columns]
        xf_plain = [styles.index((None, False, False, w)) for w in wrap]
        per_row: list = []
        for c, w in zip(columns, wrap):
            f = b.formats.get(c)
            if f is None or isinstance(f, str):
                per_row.append((styles.index((f or None, False, False, w)),
                                styles.index((f or "yyyy-mm-dd", False, False, w))))
            else:
                codes, uniques = pd.factorize(pd.Series(list(f), dtype=object).fillna(""))  # None, "": no format
                num = np.array([styles.index((u or None, False, False, w)) for u in uniques], dtype=np.int64)
                date = np.array([styles.index((u or "yyyy-mm-dd", False, False, w)) for u in uniques], dtype=np.int64)
                per_row.append((num[codes], date[codes]))
        for start in range(0, n, CHUNK_ROWS):
            stop = min(n, start + CHUNK_ROWS)
            chunk = b.frame.iloc[start:stop]
            cols, xf_value = [], []
            for j in range(len(columns)):
                col = excel_cells(chunk.iloc[:, j])
                num, date = per_row[j]
                if np.ndim(num):
                    num, date = num[start:stop], date[start:stop]
                same = not np.ndim(num) and num == date
                xf_value.append(num if same else np.where(col.kind == _DATE, date, num))
                cols.append(col)
            yield _data_rows_xml(cols, xf_plain, xf_value, row + start + 1)
        row += n + 1
        yield f'<row r="{row}"></row>'.encode("utf-8")


_SHEET_DATA = re.compile(rb"<sheetData/>|<sheetData>.*</sheetData>", re.S)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


def workbook_bytes_fast(sheets: dict[str, Sequence], when: pd.Timestamp, title: str | None,
                        subject: str | None, compresslevel: int = 1) -> bytes:
    """The workbook of :func:`~kamgraph.report.spreadsheet.workbook_bytes` (``sheets``: a
    sheet name, already made safe, -> its blocks)."""
    import xlsxwriter

    from kamgraph.report.spreadsheet import _CONTROL

    shell = io.BytesIO()
    wb = xlsxwriter.Workbook(shell, {"in_memory": True})
    styles = _Styles(wb)
    plans = []
    worksheets = []
    for name, blocks in sheets.items():
        ws = wb.add_worksheet(name)
        plan = _plan_sheet(name, blocks, styles)
        if plan.freeze is not None:
            ws.freeze_panes(*plan.freeze)
        if plan.autofilter is not None:
            ws.autofilter(*plan.autofilter)
        plans.append(plan)
        worksheets.append(ws)
    # one placeholder cell per format makes xlsxwriter number it (the rows are replaced below)
    for i, fmt in enumerate(styles.formats.values()):
        worksheets[0].write_blank(0, i, None, fmt)
    props = {"author": "kamgraph", "created": when.to_pydatetime()}
    if title:
        props["title"] = _CONTROL.sub("", title)
    if subject:
        props["subject"] = _CONTROL.sub("", subject)
    wb.set_properties(props)
    wb.close()

    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    sheet_of = {f"xl/worksheets/sheet{i}.xml": plan for i, plan in enumerate(plans, start=1)}
    with zipfile.ZipFile(shell) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            data = src.read(item.filename)
            plan = sheet_of.get(item.filename)
            if plan is None:
                dst.writestr(info, data, compresslevel=compresslevel)
                continue
            # zipfile.open(..., "w") takes the level from the ZipInfo (renamed in Python 3.13)
            setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", compresslevel)
            m = _SHEET_DATA.search(data)
            head, tail = data[:m.start()], data[m.end():]
            ref = f"A1:{_col_letter(plan.last_col)}{max(plan.last_row, 1)}".encode()
            head = _DIMENSION.sub(b'<dimension ref="' + ref + b'"/>', head, count=1)
            cols = "".join(f'<col min="{j}" max="{j}" width="{_num(w)}" customWidth="1"/>'
                           for j, w in sorted(plan.widths.items()))
            with dst.open(info, "w", force_zip64=True) as fh:
                fh.write(head)
                if cols:
                    fh.write(f"<cols>{cols}</cols>".encode())
                fh.write(b"<sheetData>")
                _write_overlapped(fh, _sheet_rows(plan, styles))
                fh.write(b"</sheetData>")
                fh.write(tail)
    return out.getvalue()


def _write_overlapped(fh, chunks) -> None:
    """Write ``chunks`` to ``fh`` in a second thread: zlib compresses one chunk (without the
    GIL) while the next is being built. At most two chunks wait, so memory stays bounded."""
    q: queue.Queue = queue.Queue(maxsize=2)
    failed: list[BaseException] = []

    def writer():
        while True:
            item = q.get()
            if item is None:
                return
            if not failed:
                try:
                    fh.write(item)
                except BaseException as e:  # handed to the caller below
                    failed.append(e)

    t = threading.Thread(target=writer, name="kamgraph-xlsx-writer", daemon=True)
    t.start()
    try:
        for chunk in chunks:
            if failed:
                break
            q.put(chunk)
    finally:
        q.put(None)
        t.join()
    if failed:
        raise failed[0]


def _num(w) -> str:
    return "%.16g" % w if isinstance(w, float) and not math.isnan(w) else str(w)
