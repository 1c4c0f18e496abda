"""Opening an .xlsx for import: limits first, then openpyxl; formula cells without a value.

openpyxl reads a workbook's *saved* values (``data_only=True``). A program that writes
formulas without calculating them (openpyxl, pandas) saves no value, and the cell would
read as empty, clearing a stored field. :func:`uncached_formulas` finds such cells in the
sheet's XML so the readers refuse them, naming sheet, row and column.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from kamgraph.errors import ImportValidationError, KamgraphError, Problem
from kamgraph.i18n import _
from kamgraph.ingest.limits import check_workbook, too_many_rows
from kamgraph.settings import LimitsSettings

__all__ = ["column_index", "formula_problems", "open_workbook", "uncached_formulas"]

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"^([A-Z]+)(\d+)$")


def open_workbook(path: Path, limits: LimitsSettings, source: str | None = None):
    """A read-only, values-only openpyxl workbook, after :func:`check_workbook`."""
    import openpyxl

    check_workbook(path, limits, source)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001  (openpyxl raises many types for a damaged file)
        raise KamgraphError(_("{file}: cannot open as an Excel workbook: {reason}").format(
            file=source or path.name, reason=e)) from None


def check_sheet(ws, limits: LimitsSettings, source: str) -> None:
    """Raise when the sheet's declared size (its ``<dimension>``, read without reading a
    row) is over ``max_rows`` data rows or ``max_columns`` columns. A sheet that declares
    no size or a wrong one is still held to the limits by the readers' row count."""
    rows = getattr(ws, "max_row", None)
    cols = getattr(ws, "max_column", None)
    if isinstance(rows, int):
        error = too_many_rows(rows - 1, limits, source)
        if error is not None:
            raise error
    if isinstance(cols, int) and cols > limits.max_columns:
        raise ImportValidationError([Problem(
            source, None, None, None, _("the sheet has {n} columns, more than the limit of {limit} ([limits] "
                                        "max_columns); the sheet was not read").format(n=cols, limit=limits.max_columns))])


def column_index(letters: str) -> int:
    """0-based index of a column's letters: ``A`` -> 0, ``AA`` -> 26.

    >>> column_index("A"), column_index("Z"), column_index("AA")
    (0, 25, 26)
    """
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def uncached_formulas(wb, ws) -> list[tuple[int, str, str]]:
    """``(row, column letters, formula)`` of every formula cell of ``ws`` with no saved value.

    Reads the sheet's XML from the workbook's archive (a quick byte scan first: most
    imported sheets have no formula at all). A formula whose saved result is the empty
    text (``t="str"``) has a value and is not reported. A workbook that asks to be
    recalculated when opened (``<calcPr fullCalcOnLoad="1"/>``) and saves the number 0 as a
    formula's result has no saved value there either: that is xlsxwriter's placeholder (and
    so pandas' with xlsxwriter installed), written without calculating anything.
    """
    archive = getattr(wb, "_archive", None)
    member = getattr(ws, "_worksheet_path", None)
    if archive is None or member is None:
        return []
    placeholders = _recalculated_on_load(archive)
    with archive.open(member) as f:
        has_formula = False
        tail = b""
        while chunk := f.read(1 << 20):
            if b"<f" in tail + chunk or b":f>" in tail + chunk or b":f " in tail + chunk:
                has_formula = True
                break
            tail = chunk[-8:]
    if not has_formula:
        return []
    out: list[tuple[int, str, str]] = []
    with archive.open(member) as f:
        for _event, el in iterparse(f, events=("end",)):
            if el.tag != f"{_NS}c":
                if el.tag == f"{_NS}row":
                    el.clear()
                continue
            formula = el.find(f"{_NS}f")
            if formula is not None:
                value = el.find(f"{_NS}v")
                empty = value is None or not value.text
                placeholder = placeholders and el.get("t") in (None, "n") and value is not None and value.text == "0"
                if placeholder or (empty and el.get("t") != "str"):
                    m = _REF.match(el.get("r") or "")
                    if m:
                        out.append((int(m.group(2)), m.group(1), formula.text or ""))
    return out


def _recalculated_on_load(archive) -> bool:
    """Whether the workbook's formula results are placeholders: its ``xl/workbook.xml``
    asks for a full recalculation on load (``fullCalcOnLoad``)."""
    try:
        with archive.open("xl/workbook.xml") as f:
            for _event, el in iterparse(f, events=("end",)):
                if el.tag == f"{_NS}calcPr":
                    return el.get("fullCalcOnLoad") in ("1", "true")
    except (KeyError, ParseError):
        return False
    return False


def formula_problems(wb, ws, header: list[object], header_row: int, source: str) -> list[Problem]:
    """One problem per formula cell of ``ws`` without a saved value (it would read as
    empty), naming ``source`` (file and sheet), the row and the column's header name."""
    out = []
    for row, letters, formula in uncached_formulas(wb, ws):
        i = column_index(letters)
        name = header[i] if row > header_row and i < len(header) and header[i] else None
        column = str(name).strip() if name is not None else letters
        if formula:
            text = _("cell {cell} holds a formula ={formula} without a saved value (the workbook was written by a "
                     "program that does not calculate formulas), so it would read as empty; open and save it in "
                     "Excel, or replace the formula by its value")
        else:
            text = _("cell {cell} holds a formula without a saved value (the workbook was written by a program "
                     "that does not calculate formulas), so it would read as empty; open and save it in Excel, or "
                     "replace the formula by its value")
        out.append(Problem(source, row, column, None, text.format(cell=f"{letters}{row}", formula=formula)))
    return out
