"""Copy a whole store into another one (SQLite <-> Neo4j, or any two stores).

Reads every entity of the source with ``store.read`` and writes them with one
``target.write`` call (rows already in the target identical are left alone), so each
store applies its own rules: SQLite lands everything in
one transaction, Neo4j in batches that are safe to re-run. The counts of both sides are
compared afterwards; a migration whose counts differ is not a success.

>>> from kamgraph.store.sqlite import SQLiteStore
>>> import pandas as pd
>>> a, b = SQLiteStore("sqlite:///:memory:"), SQLiteStore("sqlite:///:memory:")
>>> _ = a.write({"people": pd.DataFrame([{"id": "p1", "name": "Li", "side": "internal"}])})
>>> result = migrate(a, b)
>>> result.ok, result.target_counts["people"]
(True, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kamgraph.schema import WRITE_ORDER
from kamgraph.store.base import Progress, Store


@dataclass(frozen=True)
class MigrationResult:
    """What a migration read, wrote and found on both sides afterwards."""

    source_url: str
    target_url: str
    source_counts: dict[str, int]
    target_counts: dict[str, int]
    written: dict[str, int]
    batches: int

    @property
    def differences(self) -> dict[str, tuple[int, int]]:
        """Entities whose counts differ: ``{entity: (source, target)}``."""
        return {e: (self.source_counts.get(e, 0), self.target_counts.get(e, 0)) for e in WRITE_ORDER
                if self.source_counts.get(e, 0) != self.target_counts.get(e, 0)}

    @property
    def ok(self) -> bool:
        return not self.differences

    def table(self) -> pd.DataFrame:
        """One row per entity: source count, target count, whether they match."""
        return pd.DataFrame({
            "entity": list(WRITE_ORDER),
            "source": [self.source_counts.get(e, 0) for e in WRITE_ORDER],
            "target": [self.target_counts.get(e, 0) for e in WRITE_ORDER],
            "match": [self.source_counts.get(e, 0) == self.target_counts.get(e, 0) for e in WRITE_ORDER],
        })


def migrate(source: Store, target: Store, progress: Progress | None = None) -> MigrationResult:
    """Copy every entity of ``source`` into ``target`` (upserting) and compare counts.

    ``progress(entity, rows_done, rows_total)`` is called as the target writes. The
    whole source is held in memory as frames (fine for portfolios of a few hundred
    thousand rows).
    """
    frames = {name: source.read(name) for name in WRITE_ORDER}
    frames = {name: f for name, f in frames.items() if len(f)}
    # the target's audit trail records the copied rows as inserts from this source (the
    # source's own trail stays with it)
    result = target.write(frames, progress=progress, history_from=source.history_from(),
                          source=f"migrate from {source.url}")
    return MigrationResult(
        source_url=source.url,
        target_url=target.url,
        source_counts=source.counts(),
        target_counts=target.counts(),
        written=dict(result.rows),
        batches=result.batches,
    )
