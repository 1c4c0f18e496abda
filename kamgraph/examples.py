"""A tiny generated portfolio for the docstring examples (and quick experiments).

>>> snap, settings = example_portfolio()
>>> len(snap.accounts), str(settings.as_of_date().date())
(10, '2026-06-30')
"""

from __future__ import annotations

from functools import lru_cache

from kamgraph.schema import normalize_frame
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = ["example_portfolio"]


@lru_cache(maxsize=1)
def _frames():
    from kamgraph.synthetic import DEFAULT_END, generate

    return {name: normalize_frame(name, f) for name, f in generate("XS", seed=1).items()}, str(DEFAULT_END)


def example_portfolio() -> tuple[Snapshot, Settings]:
    """A fresh snapshot of the generated scale-XS portfolio (seed 1: 10 accounts, 555 people,
    3,000 interactions) and default settings dated on its last day."""
    frames, end = _frames()
    return Snapshot(dict(frames)), Settings(as_of=end)
