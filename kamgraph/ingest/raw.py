"""Raw tables: what readers and CRM mappings hand to validation.

A :class:`RawTable` is one entity's rows exactly as read: every cell a ``str`` or
``None`` (empty), header names lower-cased and stripped, plus where each row came from,
so validation can name the file, row and column of every problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class RawTable:
    entity: str  # a name in kamgraph.schema.ENTITIES
    frame: pd.DataFrame  # all cells str or None
    source: str  # what a user recognizes: "people.csv", "crm.xlsx sheet people", "Contacts.json"
    rows: list[int] = field(default_factory=list)  # spreadsheet row number of each frame row

    def __post_init__(self) -> None:
        if not self.rows:
            # header is row 1, first data row is row 2
            self.rows = list(range(2, len(self.frame) + 2))
        if len(self.rows) != len(self.frame):
            raise ValueError("rows must have one entry per frame row")


@dataclass
class RawImport:
    """Everything read from one source, before validation."""

    tables: dict[str, RawTable] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # repaired or skipped input, said plainly
    source: str = ""
