"""Date helpers of the analyses: day numbers, the analysis date, monthly points.

Dates inside the vectorized code are integer days since 1970-01-01 (:func:`to_day`);
frames carry ``datetime64[ns]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamgraph.settings import Settings

__all__ = ["days_to_ts", "month_ends", "resolve_as_of", "to_day"]

_EPOCH = np.datetime64("1970-01-01", "D")


def to_day(values) -> np.ndarray:
    """Dates (Series/array/Timestamp) as integer days since 1970-01-01.

    >>> to_day(["1970-01-02", "2026-01-01"]).tolist()
    [1, 20454]
    """
    arr = np.asarray(pd.to_datetime(values), dtype="datetime64[D]")
    return (arr - _EPOCH).astype(np.int64)


def days_to_ts(days) -> pd.Series:
    """Day numbers (NaN: missing) back to a ``datetime64[ns]`` Series (NaT where missing).

    >>> days_to_ts([1.0, float("nan")]).tolist()
    [Timestamp('1970-01-02 00:00:00'), NaT]
    """
    d = np.asarray(days, dtype=float)
    out = np.full(len(d), np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = ~np.isnan(d)
    out[ok] = (d[ok].astype(np.int64) * 86_400_000_000_000).astype("datetime64[ns]")
    return pd.Series(out)


def resolve_as_of(settings: Settings, as_of=None) -> pd.Timestamp:
    """``as_of`` as a midnight Timestamp, else the settings' analysis date (default today).

    >>> resolve_as_of(Settings(as_of="2026-03-01"), "2026-01-05 13:00")
    Timestamp('2026-01-05 00:00:00')
    >>> resolve_as_of(Settings(as_of="2026-03-01"))
    Timestamp('2026-03-01 00:00:00')
    """
    return pd.Timestamp(as_of).normalize() if as_of is not None else settings.as_of_date()


def month_ends(as_of, months: int) -> list[pd.Timestamp]:
    """``months`` dates one month apart ending at ``as_of`` (oldest first).

    >>> [str(d.date()) for d in month_ends("2026-03-31", 3)]
    ['2026-01-31', '2026-02-28', '2026-03-31']
    """
    end = pd.Timestamp(as_of).normalize()
    return [end - pd.DateOffset(months=k) for k in range(months - 1, -1, -1)]
