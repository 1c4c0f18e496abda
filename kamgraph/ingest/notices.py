"""Warnings that know where they point, and the full problem list of an import as a table.

An import's warnings are lines of text (``RawImport.warnings``, ``ValidatedImport.warnings``,
``ImportReport.warnings``). A :class:`Notice` is such a line that also carries the file,
the rows, the column and the value it is about, so ``kamgraph import --problems FILE`` can
write one spreadsheet row per affected row while the console shows one line:

>>> n = Notice.at("accounts.csv", "rows without id skipped for accounts", rows=[12, 13, 14, 15, 40], column="id")
>>> str(n)
'accounts.csv: rows without id skipped for accounts: rows 12-15, 40'
>>> n.rows, n.column
((12, 13, 14, 15, 40), 'id')

:func:`problem_table` turns problems (errors) and warnings into the one table the problems
file holds: ``severity, file, row, column, value, message``, errors first.

**Languages.** The problems file is read by people and by scripts: its column names and the
``severity`` codes (``error``, ``warning``) stay English in every language, so a filter or
a script works on any file; the ``message`` (and the console's lines) are in the language
of the import, as every message is written with :func:`kamgraph.i18n._` when it is made.
:func:`problem_line` words a problem's place (file, row, column) in the current language.

>>> from kamgraph.i18n import use_language
>>> with use_language("zh_CN"):
...     row_ranges([40, 12, 13, 14, 15])
'第12-15、40行'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from kamgraph.i18n import _, current_language, ngettext

__all__ = ["Notice", "row_ranges", "problem_table", "problem_line", "rejected_text", "join_and", "list_sep",
           "semicolon", "PROBLEM_COLUMNS", "RANGES_SHOWN"]

#: columns of the problems file (``kamgraph import/validate --problems FILE``)
PROBLEM_COLUMNS: tuple[str, ...] = ("severity", "file", "row", "column", "value", "message")
#: row ranges a console line lists before it says how many more there are (the problems
#: file has every row): 20 ranges keep a line readable on a terminal
RANGES_SHOWN = 20


def list_sep() -> str:
    """What separates the items of a list in a sentence: ``, `` (Chinese: ``、``)."""
    return "、" if current_language() == "zh_CN" else ", "


def semicolon() -> str:
    """What separates clauses: ``; `` (Chinese: ``；``)."""
    return "；" if current_language() == "zh_CN" else "; "


def join_and(items: Sequence[str]) -> str:
    """``2, 3 and 4`` (Chinese: ``2、3和4``); one item alone.

    >>> join_and(["2", "3", "4"]), join_and(["7"])
    ('2, 3 and 4', '7')
    """
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return _("{items} and {last}").format(items=list_sep().join(items[:-1]), last=items[-1])


def problem_line(problem) -> str:
    """A :class:`~kamgraph.errors.Problem` as one line naming its file, row and column, in the
    current language (English: the same text as ``str(problem)``).

    >>> from kamgraph.errors import Problem
    >>> p = Problem("people.csv", 12, "email", "x", "email 'x' is not an e-mail address")
    >>> problem_line(p) == str(p)
    True
    """
    return str(problem)  # Problem.__str__ words the place through the catalogue (a form's field: itself)


def rejected_text(n: int) -> str:
    """The first line of a rejected import: ``import rejected, nothing was written: 3 problems``."""
    return ngettext("import rejected, nothing was written: {n} problem",
                    "import rejected, nothing was written: {n} problems", n).format(n=n)


def row_ranges(rows: Iterable[int], limit: int | None = RANGES_SHOWN) -> str:
    """Row numbers as compressed ranges: ``rows 12-15, 40`` (``row 7`` for one).

    Consecutive numbers collapse into ranges; after ``limit`` ranges the rest is counted.

    >>> row_ranges([40, 12, 13, 14, 15, 13])
    'rows 12-15, 40'
    >>> row_ranges([7])
    'row 7'
    >>> row_ranges(range(2, 100, 2), limit=3)
    'rows 2, 4, 6 and 46 more rows'
    """
    r = np.unique(np.fromiter((int(x) for x in rows), dtype=np.int64))
    if not len(r):
        return _("no rows")
    breaks = np.flatnonzero(np.diff(r) != 1) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(r)])) - 1
    parts = [str(r[s]) if s == e else f"{r[s]}-{r[e]}" for s, e in zip(starts, ends)]
    text = list_sep().join(parts if limit is None else parts[:limit])
    if limit is not None and len(parts) > limit:
        rest = int(ends[-1] - ends[limit - 1])
        return ngettext("rows {rows} and {n} more row", "rows {rows} and {n} more rows", rest).format(
            rows=text, n=rest)
    return ngettext("row {rows}", "rows {rows}", len(r)).format(rows=text)


class Notice(str):
    """A warning line (a ``str``, so every list of warnings stays a list of lines) that also
    says which ``file``, ``rows``, ``column`` and ``value`` it is about."""

    file: str | None
    rows: tuple[int, ...]
    column: str | None
    value: object
    message: str

    def __new__(cls, text: str, *, file: str | None = None, rows: Sequence[int] = (), column: str | None = None,
                value: object = None, message: str | None = None) -> "Notice":
        self = super().__new__(cls, text)
        self.file = file
        self.rows = tuple(int(r) for r in rows)
        self.column = column
        self.value = value
        self.message = message if message is not None else text
        return self

    @classmethod
    def at(cls, file: str, message: str, rows: Sequence[int] = (), column: str | None = None,
           value: object = None) -> "Notice":
        """``file: message: rows 12-15, 40`` (the rows compressed; all of them kept)."""
        if len(rows):
            text = _("{file}: {message}: {rows}").format(file=file, message=message, rows=row_ranges(rows))
        else:
            text = _("{file}: {message}").format(file=file, message=message)
        return cls(text, file=file, rows=rows, column=column, value=value, message=message)


def problem_table(problems: Iterable = (), warnings: Iterable[str] = ()) -> pd.DataFrame:
    """Every problem and warning of an import, one row per affected spreadsheet row.

    ``problems`` are :class:`~kamgraph.errors.Problem` (severity ``error``); ``warnings``
    are lines, :class:`Notice` ones expanded into a row per row number (severity
    ``warning``). Plain lines get one row with only the message.
    """
    records: list[tuple] = [("error", p.file, p.row, p.column, p.value, p.message) for p in problems]
    for w in warnings:
        if isinstance(w, Notice):
            rows = w.rows or (None,)
            records.extend(("warning", w.file, r, w.column, w.value, w.message) for r in rows)
        else:
            records.append(("warning", None, None, None, None, str(w)))
    df = pd.DataFrame.from_records(records, columns=list(PROBLEM_COLUMNS))
    df["row"] = df["row"].astype("Int64")
    for c in ("file", "column", "value", "message"):
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df
