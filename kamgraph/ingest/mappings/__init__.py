"""CRM export mappings: turn a CRM's own export into kamgraph's raw tables.

A *mapping* is any object with a ``name`` and a ``read(path) -> RawImport`` method. It
reads the export in the CRM's own shape (Salesforce sfdx tree JSON or Data Loader CSV,
the Northwind sample database, or any CSV/Excel files described by a TOML file) and
returns :class:`~kamgraph.ingest.raw.RawTable` frames whose columns are named as in
:data:`kamgraph.schema.ENTITIES` and whose cells are ``str`` or ``None``. Validation and
writing happen afterwards, in :mod:`kamgraph.ingest.pipeline`, exactly as for the native
CSV format, so a CRM import is checked by the same rules and its problems name the CRM
file (``source``) and record (``rows``).

>>> load_mapping("salesforce").name
'salesforce'
>>> load_mapping("hubspot")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kamgraph.errors.KamgraphError: unknown mapping 'hubspot'; choose salesforce, northwind, or a path to a .toml mapping file

The field-by-field choices of every mapping are documented in docs/crm-mappings.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd

from kamgraph.errors import ImportValidationError, KamgraphError, Problem
from kamgraph.i18n import _, fmt_number
from kamgraph.ingest.encoding import decode_text
from kamgraph.ingest.limits import check_csv_header, check_file_size, default_limits, read_bytes, too_many_rows
from kamgraph.ingest.raw import RawImport, RawTable
from kamgraph.settings import LimitsSettings
from kamgraph.schema import ENTITIES

__all__ = [
    "Mapping",
    "BUILTIN_MAPPINGS",
    "EMPLOYMENT_ASSESSMENT_COLUMNS",
    "load_mapping",
    "target_columns",
    "raw_table",
    "combine_tables",
    "CsvData",
    "read_csv_file",
]

#: Convenience columns the employment table accepts on import; validation turns them
#: into a dated row of ``assessments`` (see kamgraph/ingest/pipeline.py).
EMPLOYMENT_ASSESSMENT_COLUMNS: tuple[str, ...] = (
    "decision_role", "attitude", "influence", "assessed_on", "assessed_by", "source")

#: Built-in mapping names, in the order they are offered to users.
BUILTIN_MAPPINGS: tuple[str, ...] = ("salesforce", "northwind")


@runtime_checkable
class Mapping(Protocol):
    """What ``kamgraph import --mapping`` needs from a mapping."""

    name: str

    def read(self, path: str | Path) -> RawImport:
        """Read the export at ``path`` (a folder or a file) into raw tables."""
        ...


def load_mapping(name_or_path: str | Path) -> Mapping:
    """The mapping called ``name_or_path``: ``"salesforce"``, ``"northwind"`` or a .toml file.

    Names are case-insensitive. Anything ending in ``.toml`` (or naming an existing file)
    is read as a generic TOML mapping (see :mod:`kamgraph.ingest.mappings.toml_mapping`).
    Raises :class:`KamgraphError` for an unknown name or a missing file.
    """
    text = str(name_or_path).strip()
    key = text.lower()
    if key == "salesforce":
        from kamgraph.ingest.mappings.salesforce import SalesforceMapping

        return SalesforceMapping()
    if key == "northwind":
        from kamgraph.ingest.mappings.northwind import NorthwindMapping

        return NorthwindMapping()
    path = Path(text)
    if key.endswith(".toml") or (text and path.is_file()):
        from kamgraph.ingest.mappings.toml_mapping import TomlMapping

        return TomlMapping.from_file(path)
    raise KamgraphError(
        _("unknown mapping {mapping}; choose {choices}, or a path to a .toml mapping file").format(
            mapping=repr(text), choices=", ".join(BUILTIN_MAPPINGS))
    )


def target_columns(entity: str) -> tuple[str, ...]:
    """Columns a mapping may fill for ``entity``: the schema's, plus the employment
    convenience columns that become assessments."""
    cols = tuple(ENTITIES[entity].column_names)
    if entity == "employment":
        cols += EMPLOYMENT_ASSESSMENT_COLUMNS
    return cols


def _cell(v: object) -> str | None:
    """One cell as ``str`` or ``None``; empty strings and NA become ``None``.

    Strings are returned untouched (no stripping): hostile or unusual text passes through
    to validation exactly as the CRM wrote it.
    """
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, float):
        if v != v:  # NaN
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def raw_table(entity: str, frame: pd.DataFrame, source: str, rows: Sequence[int]) -> RawTable:
    """A :class:`RawTable` for ``entity`` from ``frame``, with every cell ``str`` or ``None``.

    Columns are put in schema order; a column that is not a target of ``entity`` is a
    programming error in the mapping (``ValueError``), not a user error.
    """
    allowed = target_columns(entity)
    unknown = [c for c in frame.columns if c not in allowed]
    if unknown:
        raise ValueError(f"{entity} has no column(s) {unknown}")
    cols = [c for c in allowed if c in frame.columns]
    data = {c: pd.Series([_cell(v) for v in frame[c].tolist()], dtype=object) for c in cols}
    out = pd.DataFrame(data, index=range(len(frame)), columns=cols, dtype=object)
    return RawTable(entity, out, source, [int(r) for r in rows])


def combine_tables(tables: Iterable[RawTable]) -> RawTable | None:
    """One table from several of the same entity (e.g. people from Contact.csv and User.csv).

    :class:`RawTable` carries one ``source``, so a combined table names every file it came
    from ("Contact.csv + User.csv"); each row keeps the record number in its own file.
    Empty tables are dropped; ``None`` when nothing is left.
    """
    parts = [t for t in tables if len(t.frame)]
    if not parts:
        return None
    entities = {t.entity for t in parts}
    if len(entities) != 1:
        raise ValueError(f"cannot combine tables of different entities {sorted(entities)}")
    if len(parts) == 1:
        return parts[0]
    sources = list(dict.fromkeys(t.source for t in parts))
    cols = [c for c in target_columns(parts[0].entity) if any(c in t.frame.columns for t in parts)]
    frame = pd.concat([t.frame.reindex(columns=cols) for t in parts], ignore_index=True)
    frame = frame.astype(object).where(frame.notna(), None)
    rows = [r for t in parts for r in t.rows]
    return RawTable(parts[0].entity, frame, " + ".join(sources), rows)


def add_tables(raw: RawImport, tables: Iterable[RawTable]) -> None:
    """Put ``tables`` into ``raw``, combining those of the same entity."""
    by_entity: dict[str, list[RawTable]] = {}
    for t in tables:
        by_entity.setdefault(t.entity, []).append(t)
    for entity, group in by_entity.items():
        combined = combine_tables(group)
        if combined is not None:
            raw.tables[entity] = combined


@dataclass(frozen=True)
class CsvData:
    """A CSV file read as strings: the header, each record's fields, and its row number.

    ``rows[i]`` is the spreadsheet row of ``records[i]`` (header = row 1). Blank lines are
    skipped but counted, so the numbers match what a spreadsheet or editor shows for
    single-line records.
    """

    name: str
    header: list[str]
    records: list[list[str]]
    rows: list[int]
    warnings: tuple[str, ...] = ()


def read_csv_file(path: Path, delimiter: str = ",", limits: LimitsSettings | None = None) -> CsvData:
    """Read a CSV export as text, tolerating what CRMs write.

    The encoding rule of every import (:mod:`kamgraph.ingest.encoding`): UTF-8 with or
    without a byte-order mark, else Chinese GB18030/GBK, else an error naming the file and
    the first byte that is not UTF-8 (never a Windows-1252 guess that stores mojibake).
    The file's size, its header's width, its rows and each value are held to ``limits``
    (default: ``Settings().limits``) before or while reading. Header names are stripped
    of surrounding whitespace; field values are left untouched. Records are not padded or
    cut to the header's width: callers decide how to treat ragged lines.
    """
    limits = default_limits(limits)
    check_file_size(path, limits)
    check_csv_header(path, limits, delimiter)
    text = decode_text(read_bytes(path), path.name)
    warnings: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_limit = csv.field_size_limit(limits.max_field_bytes)
    try:
        header = next(reader, None)
        if header is None:
            return CsvData(path.name, [], [], [], tuple(warnings))
        header = [h.strip() for h in header]
        records: list[list[str]] = []
        rows: list[int] = []
        prev_line = reader.line_num
        for rec in reader:
            start = prev_line + 1
            prev_line = reader.line_num
            if not rec or all(f == "" for f in rec):
                continue
            records.append(rec)
            rows.append(start)
            if len(records) > limits.max_rows:
                raise too_many_rows(len(records), limits, path.name)
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise ImportValidationError([Problem(
                path.name, reader.line_num, None, None,
                _("a value longer than the limit of {limit} bytes ([limits] max_field_bytes); "
                  "an unclosed double quote can also cause this").format(limit=fmt_number(limits.max_field_bytes)))
            ]) from None
        raise KamgraphError(_("{file} line {line}: not a readable CSV file ({error})").format(
            file=path.name, line=reader.line_num, error=e)) from e
    finally:
        csv.field_size_limit(previous_limit)
    return CsvData(path.name, header, records, rows, tuple(warnings))
