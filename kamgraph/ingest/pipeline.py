"""Import = read, validate everything, then one all-or-nothing write.

>>> import tempfile, pathlib
>>> from kamgraph.store import open_store
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "people.csv").write_text("id,name,side,title\\nP1,Ann,customer,CEO\\n")
>>> store = open_store("sqlite:///:memory:")
>>> report = import_path(d, store)
>>> report.rows, report.dry_run
({'people': 1}, False)
>>> again = import_path(d, store)  # identical: nothing written, the data version stays
>>> again.rows, dict(again.unchanged), again.data_version == report.data_version
({'people': 0}, {'people': 1}, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kamgraph.ingest.limits import set_default_limits
from kamgraph.ingest.raw import RawImport
from kamgraph.ingest.readers import read_path
from kamgraph.ingest.validate import validate

__all__ = ["ImportMapping", "ImportReport", "import_path"]

#: the progress callback ``store.write`` takes: (entity, rows done in it, rows in it). The
#: pipeline hands it on and imports nothing from a store (the layers in pyproject.toml).
Progress = Callable[[str, int, int], None]


class ImportMapping(Protocol):
    """A CRM export mapping (see :mod:`kamgraph.ingest.mappings`): reads a path as raw tables."""

    def read(self, path: str | Path) -> RawImport: ...


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do).

    ``rows``: rows written (inserted or changed) per imported entity, 0 where nothing
    changed; for a dry run, the validated rows (assessments that changed nothing are not
    counted). ``unchanged``: rows received identical to the stored ones, per entity (none
    for a dry run). ``data_version``: the store's version after the write (unchanged for a
    dry run, and for an import that changed nothing).
    """

    rows: Mapping[str, int]
    warnings: tuple[str, ...] = ()
    data_version: int = 0
    dry_run: bool = False
    source: str = ""
    history_from: object = None  # where the store's history starts after the import (a Timestamp)
    unchanged: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def read_source(path: str | Path, mapping: ImportMapping | None = None, limits=None) -> RawImport:
    """Read ``path`` in the native format or through a CRM ``mapping``, held to ``limits``
    (``[limits]`` of the settings; default: the settings' defaults)."""
    if mapping is None:
        return read_path(path, limits=limits)
    previous = set_default_limits(limits) if limits is not None else None
    try:
        return mapping.read(path)
    finally:
        if limits is not None:
            set_default_limits(previous)


def import_path(path: str | Path, store, mapping: ImportMapping | None = None, progress: Progress | None = None,
                dry_run: bool = False, today=None, history_from=None, actor: str | None = None,
                limits=None, source: str | None = None) -> ImportReport:
    """Import a folder / workbook / CSV file (native format) or a CRM export (``mapping``).

    Every table is validated before anything is written; the write is one
    ``store.write`` call (one SQLite transaction), so when validation or the write fails
    the store is unchanged. Raises :class:`~kamgraph.errors.ImportValidationError` with
    every problem found. ``today`` dates assessments that have no ``assessed_on``.
    ``history_from`` declares the first day the data covers (else its first interaction):
    the store keeps the earliest start of all imports (``store.history_from()``).
    ``actor`` (the signed-in user; the OS user for the CLI) is recorded in the store's write
    log with the time and the rows written. The store checks every reference again inside
    its write transaction: a person erased after validation fails the write, it leaves no orphans.
    Only rows that are new or changed are written, each recorded in the store's audit trail
    with ``actor`` and ``source`` (default: ``path`` as given); re-importing identical files
    writes nothing and keeps the data version.
    """
    raw = read_source(path, mapping, limits)
    checked = validate(raw, store, today=today)
    rows = checked.rows
    if dry_run:
        return ImportReport(rows, tuple(checked.warnings), store.data_version(), True, str(path))
    # validate() checked every reference against these tables and the store
    result = store.write(checked.tables, progress=progress, references_checked=True, history_from=history_from,
                         actor=actor, source=str(path) if source is None else source)
    written = {entity: result.rows.get(entity, 0) for entity in rows}
    written.update(result.rows)
    return ImportReport(written, tuple(checked.warnings), result.data_version, False, str(path),
                        store.history_from(), dict(result.unchanged))
