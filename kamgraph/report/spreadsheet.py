"""Safe, reproducible spreadsheet output: CSV and Excel writers every export goes through.

**Formula injection** (OWASP "CSV injection"): a spreadsheet treats a cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula, and tab, carriage return or NUL at the start can
smuggle one past a filter. A contact named ``=HYPERLINK("http://x","y")`` must open as
text. :func:`neutralize` prefixes every such *text* value with a single quote (OWASP's
recommendation); numbers, dates and booleans are written as values and are never touched
(``-2`` as a number is a number, ``"-2"`` as a name becomes ``'-2``).

Control characters other than tab, newline and carriage return are removed from text
first (XML cannot hold them, CSV readers stop at NUL), then the text is neutralized. The
Excel writer (:func:`workbook_bytes`) writes every text cell as a string cell
(``data_type 's'``), never a formula or a hyperlink.

**Reproducibility**: the same frames give the same bytes. CSV floats use a fixed format
(:data:`FLOAT_DECIMALS` decimals, trailing zeros trimmed), dates are ``YYYY-MM-DD``,
booleans ``true``/``false``; the workbook's created/modified properties and the zip
entries' timestamps are set to a date the caller gives (the report's as-of date), never
the wall clock.

>>> neutralize('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> neutralize("Acme"), neutralize(-2)
('Acme', -2)
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import math
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["FORMULA_PREFIXES", "FLOAT_DECIMALS", "neutralize", "clean_text", "neutralize_frame", "csv_text", "csv_bytes",
           "write_csv", "SheetBlock", "workbook_bytes", "write_workbook", "format_float", "display_width",
           "WRAP_WIDTH", "zip_bytes", "strip_control"]

#: text starting with one of these is neutralized (OWASP CSV injection)
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\0")
#: decimals of floats in CSV files (trailing zeros are trimmed)
FLOAT_DECIMALS = 6
#: control characters removed from every text cell: XML 1.0 (and so xlsx) cannot hold
#: the C0 ones and CSV readers choke on NUL; DEL and the C1 range (``\x9b`` is an 8-bit
#: terminal escape) go too, as no name or note needs them; tab, newline and carriage return
#: are kept
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Excel's limit on the characters of one cell
_EXCEL_CELL_MAX = 32767


def neutralize(value):
    """``value`` with a leading ``'`` when it is text starting with a formula character."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def clean_text(value: str) -> str:
    """Text safe for any spreadsheet: control characters removed first (so ``"\\x01=1"``
    cannot turn into ``"=1"`` after neutralizing), then :func:`neutralize`."""
    return neutralize(_CONTROL.sub("", value))


def _is_missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def format_float(x: float, decimals: int | None = FLOAT_DECIMALS) -> str:
    """Fixed-format float with trailing zeros trimmed: ``0.017386``, ``236000000``, never ``-0``.

    ``decimals=None``: the shortest text that reads back as the same float (``repr``).
    """
    if decimals is None:
        return "0" if x == 0 else repr(float(x))
    s = f"{x:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _text_cell(v, decimals: int | None = FLOAT_DECIMALS) -> str | None:
    """One value as CSV text (None for missing)."""
    if _is_missing(v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return format_float(float(v), decimals) if math.isfinite(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(v)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return clean_text("; ".join("" if _is_missing(x) else str(x) for x in v))
    return clean_text(str(v))


def neutralize_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell neutralized (numbers and dates untouched)."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralize).astype(object)
    return out


def csv_text(df: pd.DataFrame, *, decimals: int | None = FLOAT_DECIMALS, lineterminator: str = "\r\n") -> str:
    """``df`` as CSV text: neutralized text, fixed float format, ISO dates, CRLF line ends.

    Every CSV kamgraph writes goes through here, files and ``--format csv`` on standard
    output alike; the CLI asks for ``decimals=None`` (floats in full, for pipes) and ``\n``
    line ends. Text is neutralized the same way in both.

    Written column-wise (:func:`kamgraph.report.xlsxfast.csv_text_fast`); the text is the
    one :func:`_csv_text_per_cell` writes value by value (the tests compare them).
    """
    from kamgraph.report.xlsxfast import csv_text_fast

    text = csv_text_fast(df, decimals, lineterminator)
    return _csv_text_per_cell(df, decimals=decimals, lineterminator=lineterminator) if text is None else text


def _csv_text_per_cell(df: pd.DataFrame, *, decimals: int | None = FLOAT_DECIMALS,
                       lineterminator: str = "\r\n") -> str:
    """:func:`csv_text` value by value (the reference the column-wise writer must equal)."""
    cells = pd.DataFrame({str(c): [_text_cell(v, decimals) for v in df[c].tolist()] for c in df.columns},
                         columns=[str(c) for c in df.columns])
    header = pd.Index([_text_cell(str(c)) for c in df.columns])
    cells.columns = header
    # the csv module quotes every field holding \r or \n (CRLF by default, RFC 4180)
    return cells.to_csv(index=False, lineterminator=lineterminator)


def csv_bytes(df: pd.DataFrame) -> bytes:
    """:func:`csv_text` as UTF-8 with a byte-order mark, so Excel reads non-Latin names right."""
    from kamgraph.report.xlsxfast import csv_utf8_fast

    parts = csv_utf8_fast(df, FLOAT_DECIMALS, "\r\n")
    if parts is None:
        return _csv_text_per_cell(df).encode("utf-8-sig")
    return b"".join([b"\xef\xbb\xbf", *parts])


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write :func:`csv_bytes` to ``path`` (parent folders created)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(csv_bytes(df))
    return p


# -- Excel ----------------------------------------------------------------------------------

class SheetBlock:
    """A titled table inside a sheet (a sheet may stack several, e.g. KPIs, tiers, Pareto).

    ``notes`` are lines written above the table (as-of date, scope...). The keyword options
    make a table for people; without them a block is written exactly as before:

    ``formats``
        Excel number formats by column name: one format for the column (``"0.0%"``,
        ``"#,##0"``, ``"yyyy-mm-dd"``) or one per row (e.g. each account's currency,
        ``'#,##0 "CNY"'``; None leaves a cell in the General format).
    ``autofilter``
        filter buttons on the header row (one table per sheet: Excel allows one filter).
    ``freeze``
        keep the header row (and this many leading columns) in view while scrolling; None
        keeps the default (a lone, untitled block without notes freezes its header).
    ``wrap``
        columns of long text: a fixed width (:data:`WRAP_WIDTH`) and wrapped lines instead of
        one line running off to the right.

    >>> SheetBlock(pd.DataFrame({"Share": [0.25]}), formats={"Share": "0.0%"}, autofilter=True).autofilter
    True
    """

    __slots__ = ("title", "frame", "notes", "formats", "autofilter", "freeze", "wrap")

    def __init__(self, frame: pd.DataFrame, title: str | None = None, notes: Sequence[str] = (), *,
                 formats: Mapping[str, str | Sequence[str | None] | None] | None = None, autofilter: bool = False,
                 freeze: int | None = None, wrap: Sequence[str] = ()):
        self.frame = frame
        self.title = title
        self.notes = tuple(notes)
        self.formats = dict(formats or {})
        self.autofilter = bool(autofilter)
        self.freeze = freeze
        self.wrap = frozenset(wrap)

    @property
    def styled(self) -> bool:
        """Whether any option for people was asked for (header fill, formats, filter...)."""
        return bool(self.formats or self.autofilter or self.freeze is not None or self.wrap)

    def column_formats(self) -> list:
        """One number format per cell, column by column (None: General); a column with one
        format is a fresh ``itertools.repeat`` (no list of a million equal strings)."""
        n = len(self.frame)
        out = []
        for c in self.frame.columns:
            f = self.formats.get(c)
            if f is None or isinstance(f, str):
                out.append(itertools.repeat(f, n))
            else:
                f = list(f)
                if len(f) != n:
                    raise ValueError(f"column {c!r}: {len(f)} formats for {n} rows")
                out.append(f)
        return out


#: width (characters) of a wrapped text column
WRAP_WIDTH = 60
#: the widest a column gets, in characters
MAX_WIDTH = 60


def _excel_value(v):
    """A cell value openpyxl stores as data, never as a formula."""
    if _is_missing(v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(v) else str(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (dt.datetime, dt.date)):
        return v
    if isinstance(v, (list, tuple)):
        v = "; ".join("" if _is_missing(x) else str(x) for x in v)
    text = clean_text(str(v))
    return text[:_EXCEL_CELL_MAX]


def display_width(text: str) -> int:
    """Columns a text takes on screen: East Asian wide characters count two, the longest line counts.

    >>> display_width("Gu Weiming"), display_width("顾伟明"), display_width("ab\\nabcd")
    (10, 6, 4)
    """
    text = str(text)
    if text.isascii() and "\n" not in text:  # every character one column
        return len(text)
    lines = text.split("\n")
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


_QUOTED = re.compile(r'"([^"]*)"')


def _shown_width(v, fmt: str | None) -> int:
    """Roughly how many characters a number shows with its format (for column widths)."""
    if isinstance(v, bool):
        return 5
    if isinstance(v, (dt.datetime, dt.date)):
        return 10
    if not isinstance(v, (int, float)):
        return display_width(v) if isinstance(v, str) else 0
    literal = sum(len(x) + 1 for x in _QUOTED.findall(fmt or ""))
    if fmt and "%" in fmt:
        return len(f"{v * 100:.1f}%")
    if fmt and "#,##0" in fmt:
        return len(f"{v:,.0f}") + literal
    if fmt and fmt.startswith("0.0"):
        decimals = len(fmt.split(".")[1].split()[0]) if "." in fmt else 0
        return len(f"{v:.{decimals}f}") + literal
    return len(str(v)) if isinstance(v, int) else max(10, len(format_float(v, 4)))


def _cell(ws, v, bold: bool = False, number_format: str | None = None, wrap: bool = False, header: bool = False,
          styles: dict | None = None):
    """A write-only cell for an already converted value (see :func:`_excel_value`).

    ``styles`` (one dict per workbook) remembers each combination of format, font and
    alignment once made, and later cells copy it: building a style per cell costs more than
    writing the cell."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=v)
    fmt = None
    if isinstance(v, str):
        cell.data_type = "s"  # text is text: never let openpyxl read it as a formula
    elif isinstance(v, (dt.datetime, dt.date)):
        fmt = number_format or "yyyy-mm-dd"
    elif number_format and isinstance(v, (int, float)) and not isinstance(v, bool):
        fmt = number_format
    key = (fmt, bool(bold or header), header, wrap and not header)
    if key == (None, False, False, False):
        return cell
    if styles is not None and key in styles:
        cell._style = copy.copy(styles[key])  # openpyxl's style array: indexes into the workbook's styles
        return cell
    from openpyxl.styles import Alignment, Font, PatternFill

    if fmt:
        cell.number_format = fmt
    if bold or header:
        cell.font = Font(bold=True)
    if header:
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if styles is not None:
        styles[key] = copy.copy(cell._style)
    return cell


#: rows read to size a column of a table for people (the top of a long table is what shows first)
WIDTH_SAMPLE = 2000


def _write_sheet(ws, blocks: Sequence[SheetBlock], styles: dict | None = None) -> None:
    """Stream the blocks into a write-only sheet: widths first (they precede the rows in
    the file), then one row at a time, so a million-row table never sits in memory as
    cell objects."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    wrapped: set[int] = set()
    converted = []
    for b in blocks:
        columns = [[_excel_value(v) for v in b.frame[c].tolist()] for c in b.frame.columns]
        formats = b.column_formats()
        for j, (name, values, fmts) in enumerate(zip(b.frame.columns, columns, formats), start=1):
            if name in b.wrap:
                wrapped.add(j)
            if b.styled:  # what the cells show, wide characters counted twice
                head = max(display_width(w) for w in str(name).split()) if str(name).split() else 0
                w = max(widths.get(j, 0), head, min(display_width(name), 24))
                w = max([w] + [_shown_width(v, f) for v, f in zip(values[:WIDTH_SAMPLE], fmts)])
            else:
                w = max(widths.get(j, 0), len(str(name)))
                longest = max((len(v) for v in values if isinstance(v, str)), default=None)
                if longest is not None:
                    w = max(w, min(MAX_WIDTH, longest))
                if any(isinstance(v, float) for v in values):
                    w = max(w, 10)
            widths[j] = w
        converted.append(columns)
    for j, w in widths.items():
        width = WRAP_WIDTH if j in wrapped and w > WRAP_WIDTH else max(8, min(MAX_WIDTH, w + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    # where each block's header row falls: the panes precede the rows in the file, the filter follows them
    headers, row = [], 0
    for b in blocks:
        row += len(b.notes) + (1 if b.title else 0) + 1
        headers.append(row)
        row += len(b.frame) + 1  # the rows and a blank line
    for b, header_row in zip(blocks, headers):
        if b.freeze is not None:
            ws.freeze_panes = f"{get_column_letter(b.freeze + 1)}{header_row + 1}"
        if b.autofilter and len(b.frame.columns):
            ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(b.frame.columns))}{header_row + len(b.frame)}"
    if len(blocks) == 1 and not blocks[0].notes and not blocks[0].title and blocks[0].freeze is None:
        ws.freeze_panes = "A2"
    for b, columns in zip(blocks, converted):
        formats = b.column_formats()
        for note in b.notes:
            ws.append([_cell(ws, _excel_value(note), styles=styles)])
        if b.title:
            ws.append([_cell(ws, _excel_value(b.title), bold=True, styles=styles)])
        ws.append([_cell(ws, _excel_value(str(c)), bold=True, header=b.styled, styles=styles)
                   for c in b.frame.columns])
        wrap_cols = [c in b.wrap for c in b.frame.columns]
        for values, fmts in zip(zip(*columns), zip(*formats)):
            ws.append([_cell(ws, v, number_format=f, wrap=w, styles=styles)
                       for v, f, w in zip(values, fmts, wrap_cols)])
        ws.append([])  # a blank line between blocks


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed timestamp (no wall clock in the bytes)."""

    def __init__(self, file, when: tuple[int, int, int, int, int, int]):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._when = when

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        return super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl streams worksheets through temporary files; zipfile would stamp their mtime
        with open(filename, "rb") as fh:
            data = fh.read()
        return self.writestr(arcname or Path(filename).name, data)


def _blocks_of(content) -> list[SheetBlock]:
    if isinstance(content, pd.DataFrame):
        return [SheetBlock(content)]
    if isinstance(content, SheetBlock):
        return [content]
    return list(content)


def workbook_bytes(sheets: Mapping[str, SheetBlock | pd.DataFrame | Sequence[SheetBlock]], when,
                   title: str | None = None, subject: str | None = None) -> bytes:
    """An .xlsx workbook with one sheet per entry, byte-identical for the same input.

    ``sheets`` maps a sheet name (<= 31 characters) to a frame, a :class:`SheetBlock`, or a
    list of blocks stacked top to bottom. ``when`` (a date) becomes the workbook's created
    and modified time and every zip entry's timestamp.

    Written column-wise and streamed (:func:`kamgraph.report.xlsxfast.workbook_bytes_fast`):
    the cells, formats, widths, panes and filters a reader sees are those
    :func:`_workbook_bytes_per_cell` writes cell by cell (the tests compare them).
    """
    from kamgraph.report.xlsxfast import workbook_bytes_fast

    named = {}
    for name, content in sheets.items():
        named.setdefault(_sheet_name(name), []).append(content)
    names = [n.lower() for n in named]
    if len(set(names)) != len(names) or any(len(v) > 1 for v in named.values()) \
            or any(n.startswith("'") or n.endswith("'") or n == "history" for n in names):
        return _workbook_bytes_per_cell(sheets, when, title=title, subject=subject)  # names openpyxl renames
    ts = pd.Timestamp(pd.Timestamp(when).to_pydatetime().replace(tzinfo=None))
    blocks = {name: _blocks_of(contents[0]) for name, contents in named.items()}
    return workbook_bytes_fast(blocks, ts, title, subject)


def _workbook_bytes_per_cell(sheets: Mapping[str, SheetBlock | pd.DataFrame | Sequence[SheetBlock]], when,
                             title: str | None = None, subject: str | None = None) -> bytes:
    """:func:`workbook_bytes` cell by cell with openpyxl (the reference of the column-wise writer)."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    ts = pd.Timestamp(when).to_pydatetime().replace(tzinfo=None)
    wb = Workbook(write_only=True)
    styles: dict = {}
    for name, content in sheets.items():
        if isinstance(content, pd.DataFrame):
            blocks = [SheetBlock(content)]
        elif isinstance(content, SheetBlock):
            blocks = [content]
        else:
            blocks = list(content)
        ws = wb.create_sheet(title=_sheet_name(name))
        _write_sheet(ws, blocks, styles)
    props = wb.properties
    props.created = ts
    props.modified = ts
    props.creator = "kamgraph"
    props.lastModifiedBy = "kamgraph"
    if title:
        props.title = _CONTROL.sub("", title)
    if subject:
        props.subject = _CONTROL.sub("", subject)
    buf = io.BytesIO()
    archive = _FixedTimeZip(buf, (max(ts.year, 1980), ts.month, ts.day, 0, 0, 0))
    ExcelWriter(wb, archive).save()  # (openpyxl's save_workbook would stamp "modified" with now)
    return buf.getvalue()


def zip_bytes(files: Mapping[str, bytes], when) -> bytes:
    """A zip of ``name -> bytes`` (in the order given), every entry dated ``when``: the same
    files give the same bytes.

    >>> import io; zipfile.ZipFile(io.BytesIO(zip_bytes({"a.csv": b"x"}, "2026-11-15"))).namelist()
    ['a.csv']
    """
    ts = pd.Timestamp(when)
    buf = io.BytesIO()
    with _FixedTimeZip(buf, (max(ts.year, 1980), ts.month, ts.day, 0, 0, 0)) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def strip_control(text: str) -> str:
    """``text`` without the control characters no spreadsheet, CSV or text file should hold
    (tab and line breaks kept)."""
    return _CONTROL.sub("", str(text))


def write_workbook(path: str | Path, sheets, when, title: str | None = None, subject: str | None = None) -> Path:
    """Write :func:`workbook_bytes` to ``path`` (parent folders created)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(workbook_bytes(sheets, when, title=title, subject=subject))
    return p


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str) -> str:
    return _SHEET_BAD.sub("_", str(name))[:31] or "Sheet"
