"""Date helpers of the analyses: day numbers, the analysis date, monthly points, and a
country's working days (public holidays and adjusted working weekends, ``holidays``).

Dates inside the vectorized code are integer days since 1970-01-01 (:func:`to_day`);
frames carry ``datetime64[ns]``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from kamgraph.settings import Settings

__all__ = ["country_code", "days_to_ts", "month_ends", "resolve_as_of", "to_day", "working_days"]

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


# -- working days ------------------------------------------------------------------------------

#: account country names people write, to ISO 3166 codes (anything else: the code itself,
#: or the English name as the ``holidays`` library spells its country classes)
_COUNTRY_ALIASES = {
    "china": "CN", "中国": "CN", "prc": "CN", "people's republic of china": "CN", "中华人民共和国": "CN",
    "mainland china": "CN", "中国大陆": "CN", "germany": "DE", "deutschland": "DE", "德国": "DE",
    "singapore": "SG", "新加坡": "SG", "france": "FR", "法国": "FR", "japan": "JP", "日本": "JP",
    "usa": "US", "us": "US", "united states": "US", "united states of america": "US", "美国": "US",
    "uk": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB", "英国": "GB",
    "hong kong": "HK", "香港": "HK", "taiwan": "TW", "台湾": "TW", "macau": "MO", "macao": "MO", "澳门": "MO",
    "korea": "KR", "south korea": "KR", "韩国": "KR", "italy": "IT", "意大利": "IT", "spain": "ES",
    "西班牙": "ES", "netherlands": "NL", "荷兰": "NL", "switzerland": "CH", "瑞士": "CH", "austria": "AT",
    "奥地利": "AT", "india": "IN", "印度": "IN", "vietnam": "VN", "越南": "VN", "thailand": "TH", "泰国": "TH",
    "malaysia": "MY", "马来西亚": "MY", "indonesia": "ID", "印度尼西亚": "ID", "mexico": "MX", "墨西哥": "MX",
    "brazil": "BR", "巴西": "BR", "canada": "CA", "加拿大": "CA", "australia": "AU", "澳大利亚": "AU",
}


@functools.lru_cache(maxsize=1)
def _holiday_countries() -> dict[str, str]:
    import holidays
    from holidays.registry import COUNTRIES

    supported = set(holidays.list_supported_countries())
    names = {}
    for class_name, code, *rest in COUNTRIES.values():
        names[class_name.casefold()] = code
        names[code.casefold()] = code
        for alias in rest:
            if isinstance(alias, str) and len(alias) == 3:
                names[alias.casefold()] = code
    return {k: v for k, v in names.items() if v in supported}


def country_code(country) -> str | None:
    """The ISO 3166 code of a country written as a code or a name, None when unknown.

    >>> country_code("中国"), country_code("China"), country_code(" cn "), country_code("Germany")
    ('CN', 'CN', 'CN', 'DE')
    >>> country_code("Atlantis"), country_code(None)
    (None, None)
    """
    if not isinstance(country, str) or not country.strip():
        return None
    key = " ".join(country.strip().casefold().split())
    known = _holiday_countries()
    code = _COUNTRY_ALIASES.get(key) or known.get(key) or known.get(key.replace(" ", ""))
    return code if code is not None and code.casefold() in known else None


@functools.lru_cache(maxsize=512)
def _working_days(code: str | None, start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    days = pd.date_range(start, end, freq="D")
    if code is None:
        return days[days.day_of_week < 5]
    import holidays

    cal = holidays.country_holidays(code, years=range(start.year, end.year + 1))
    weekend = days.day_of_week.isin(sorted(cal.weekend))
    # adjusted working weekends (China's 调休 Saturdays and Sundays) where the library has them
    extra = pd.DatetimeIndex(sorted(getattr(cal, "weekend_workdays", None) or ()))
    off = days.isin(pd.DatetimeIndex(sorted(cal.keys())))
    return days[(~weekend | days.isin(extra)) & ~off]


def working_days(country, start, end) -> pd.DatetimeIndex:
    """The working days from ``start`` to ``end`` (inclusive) in ``country`` (a code or a
    name, :func:`country_code`): not a weekend day, not a public holiday, or an adjusted
    working weekend day. An unknown country works Monday to Friday.

    China around the 2026 Spring Festival: Saturday 02-14 is an adjusted working day, 02-15
    to 02-23 are the holiday and its weekends.

    >>> [f"{d:%a %m-%d}" for d in working_days("CN", "2026-02-13", "2026-02-24")]
    ['Fri 02-13', 'Sat 02-14', 'Tue 02-24']
    >>> len(working_days("Atlantis", "2026-02-13", "2026-02-24"))
    8
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end < start:
        return pd.DatetimeIndex([])
    return _working_days(country_code(country), start, end)
