"""Near-duplicate values in categorical columns: 'technolgy' beside 'technology'.

A CRM export typed by hand writes one category several ways ('Philipines' on two rows,
'Philippines' on forty). Each spelling would become its own industry, region or country,
and every filter and tiering by it would split. :func:`near_duplicate_notices` warns about
each rare spelling with the likely intended value and the rows; it never changes data.

**Which columns** (:func:`categorical_columns`): text columns of the schema that name a
category, i.e. not keys, not references to ids, not enums (validation already checks those
against their allowed values), not dates or numbers, and not the free text that is unique
by nature (``name``, ``email``, ``phone``, ``notes``, ``subject``); of these, only columns
that *look* categorical in this file: at least :data:`MIN_VALUES` non-empty cells and at
most :data:`MAX_DISTINCT_SHARE` of them distinct (each value repeats on average at least
twice). So ``accounts.industry``, ``region``, ``city``, ``country``, ``opportunities.stage``,
people's ``title``, ``city`` and ``country`` are checked, never ids or people's names.

**Which pairs**: values are compared casefolded with runs of spaces collapsed, by
``rapidfuzz.fuzz.ratio`` (normalized Indel similarity, 0..100), all distinct values of a
column against each other in one ``rapidfuzz.process.cdist`` call. A pair scoring at least
:data:`SIMILARITY` is a near-duplicate when one spelling is at least :data:`RARITY` times
as frequent as the other: that one is the likely intended value (the most frequent, when
several are close) and the rarer one is warned about. Two real categories are often of
similar size, a typo is rarer than the spelling it mistypes: in the synthetic portfolio
(kamgraph/synthetic.py) 'West China' (6 accounts) and 'East China' (7) score exactly 90,
and the frequency rule is what keeps them apart. Spellings that differ only in case or
spacing score 100.

Threshold 90, with the figures: the Indel similarity of two strings of lengths a and b at
Indel distance d is 1 - d / (a + b). One letter left out or doubled (d = 1) scores >= 90
whenever a + b >= 10, so it is caught in every word of 5 letters or more ('technolgy' /
'technology' 94.7, 'Philipines' / 'Philippines' 95.2); a wrong or swapped letter (d = 2)
is caught from a + b >= 20 ('Manufacturing' / 'Manufakturing' 92.3). Distinct real values
stay below it: 'Iceland' / 'Ireland' 85.7, 'Austria' / 'Australia' 87.5, 'Lyon' / 'Lyons'
88.9, 'East' / 'West' 75. The price: a swapped letter in a short word ('Retial') is missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from kamgraph.i18n import ngettext
from kamgraph.ingest.notices import Notice
from kamgraph.ingest.raw import RawTable
from kamgraph.schema import ENTITIES

__all__ = ["SIMILARITY", "RARITY", "MIN_VALUES", "MAX_DISTINCT_SHARE", "MAX_DISTINCT", "categorical_columns",
           "near_duplicates", "near_duplicate_notices"]

#: rapidfuzz ``fuzz.ratio`` score (0..100) from which two spellings are one value (see above)
SIMILARITY = 90
#: the intended value must be at least this many times as frequent as the suspect spelling
RARITY = 2
#: a column needs this many non-empty cells before its values can show a pattern
MIN_VALUES = 10
#: at most this share of a column's non-empty cells may be distinct for it to be categorical
MAX_DISTINCT_SHARE = 0.5
#: above this many distinct values a column is not categorical (and the d x d score matrix,
#: one byte a pair, stays under 25 MB)
MAX_DISTINCT = 5000
#: text that is unique by nature: never compared
_FREE_TEXT = frozenset({"name", "email", "phone", "notes", "subject"})


def categorical_columns(entity: str) -> tuple[str, ...]:
    """Columns of ``entity`` that may hold categories (before looking at the values).

    >>> categorical_columns("accounts")
    ('industry', 'region', 'city', 'country')
    >>> categorical_columns("people")
    ('title', 'city', 'country')
    """
    e = ENTITIES[entity]
    return tuple(c.name for c in e.columns
                 if c.type == "str" and not c.enum and not c.references and c.name not in e.key
                 and c.name not in _FREE_TEXT)


@dataclass(frozen=True)
class NearDuplicate:
    column: str
    value: str  # the rare spelling
    intended: str  # the likely intended value
    count: int
    intended_count: int
    score: float
    rows: tuple[int, ...]


def near_duplicates(values: pd.Series, rows: pd.Series | np.ndarray, column: str = "") -> list[NearDuplicate]:
    """Rare spellings of ``values`` (a column of str/None) close to a more frequent one.

    ``rows`` gives each cell's spreadsheet row. Returns nothing for a column that does not
    look categorical (:data:`MIN_VALUES`, :data:`MAX_DISTINCT_SHARE`, :data:`MAX_DISTINCT`).

    >>> s = pd.Series(["technology"] * 6 + ["technolgy", "retail", "retail", "Technology", None])
    >>> [(d.value, d.intended, d.rows) for d in near_duplicates(s, pd.Series(range(2, 13)))]
    [('Technology', 'technology', (11,)), ('technolgy', 'technology', (8,))]
    """
    rows = np.asarray(rows)
    given = values.notna().to_numpy()
    s = values[given].astype(str)
    r = rows[given]
    n = len(s)
    if n < MIN_VALUES:
        return []
    counts = s.value_counts(sort=False)
    d = len(counts)
    if d < 2 or d > MAX_DISTINCT or d > MAX_DISTINCT_SHARE * n:
        return []
    distinct = counts.index.to_numpy(dtype=object)
    freq = counts.to_numpy()
    norm = pd.Series(distinct, dtype=object).str.casefold().str.split().str.join(" ").tolist()
    score = process.cdist(norm, norm, scorer=fuzz.ratio, score_cutoff=SIMILARITY, dtype=np.uint8, workers=1)
    np.fill_diagonal(score, 0)
    # j is a candidate intended value for i when close and at least RARITY times as frequent
    close = (score >= SIMILARITY) & (freq[None, :] >= RARITY * freq[:, None])
    suspects = np.flatnonzero(close.any(axis=1))
    if not len(suspects):
        return []
    # the most frequent close value; among equals, the closest, then the first in text order
    key = np.where(close[suspects], freq[None, :] * 1000 + score[suspects], -1)
    intended = key.argmax(axis=1)
    order = np.argsort(distinct[suspects].astype(str), kind="stable")
    suspects, intended = suspects[order], intended[order]
    # rows of the suspect spellings only (a few cells of many)
    wanted = s.isin(distinct[suspects]).to_numpy()
    rows_of = pd.Series(r[wanted]).groupby(s.to_numpy()[wanted]).agg(lambda x: tuple(sorted(int(v) for v in x)))
    return [NearDuplicate(column, str(distinct[i]), str(distinct[j]), int(freq[i]), int(freq[j]),
                          float(score[i, j]), rows_of[distinct[i]]) for i, j in zip(suspects, intended)]


def near_duplicate_notices(table: RawTable) -> list[Notice]:
    """One warning per rare spelling in the categorical columns of ``table``."""
    out: list[Notice] = []
    frame = table.frame
    rows = np.asarray(table.rows)
    for col in categorical_columns(table.entity):
        if col not in frame.columns:
            continue
        for nd in near_duplicates(frame[col], rows, col):
            message = ngettext(
                "column {column}: {value} ({n} row) is probably {intended} ({n_intended} rows), a near-duplicate "
                "spelling; correct it in the source or keep it if it is a different value",
                "column {column}: {value} ({n} rows) is probably {intended} ({n_intended} rows), a near-duplicate "
                "spelling; correct it in the source or keep it if it is a different value", nd.count).format(
                column=repr(col), value=repr(nd.value), n=nd.count, intended=repr(nd.intended),
                n_intended=nd.intended_count)
            out.append(Notice.at(table.source, message, nd.rows, column=col, value=nd.value))
    return out
