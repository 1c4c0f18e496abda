"""One declarative cache for the tables the analyses derive from a snapshot.

A derived table (the strengths at a date, the access index, the contact table ...) is a
function of the snapshot, the analysis date, some sections of the settings and its own
arguments. It says so once, with :func:`derived`::

    @derived("strength", "coverage", dated=True)
    def contact_table(snap, settings, as_of=None, accounts=None): ...

and the cache key is built from that declaration: the function's qualified name, the
resolved analysis date (``dated=True``: ``as_of``, else the settings' date), the declared
settings sections (frozen to tuples) and every other argument. No call site writes a key,
so no call site can forget a section. The value is memoized on the snapshot
(:meth:`~kamgraph.snapshot.Snapshot.cached`, for the life of the snapshot) and handed out
as a shallow copy when it is a frame (pandas copy-on-write keeps the memoized one intact).

A function must declare every settings section it reads, directly or through the derived
tables it calls; ``tests/test_derived_cache.py`` changes each section in turn and checks
that exactly the tables declaring it are rebuilt, and that each answer equals a fresh one.

>>> import pandas as pd
>>> from kamgraph.settings import Settings
>>> from kamgraph.snapshot import Snapshot
>>> calls = []
>>> @derived("coverage")
... def threshold_table(snap, settings):
...     calls.append(1)
...     return pd.DataFrame({"covered": [settings.coverage.covered]})
>>> snap, s = Snapshot({}), Settings()
>>> _ = threshold_table(snap, s); _ = threshold_table(snap, s); len(calls)
1
>>> _ = threshold_table(snap, s.replace(strength={"half_life_days": 30})); len(calls)  # not declared
1
>>> threshold_table(snap, s.replace(coverage={"covered": 0.6}))["covered"].tolist(), len(calls)
([0.6], 2)
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from kamgraph.analysis.dates import resolve_as_of
from kamgraph.i18n import current_language
from kamgraph.settings import Settings

__all__ = ["DerivedTable", "REGISTRY", "derived", "freeze"]


def freeze(v: Any) -> Any:
    """A hashable, order-independent form of settings sections, mappings, lists and dates.

    >>> freeze({"b": [1, 2], "a": 1})
    (('a', 1), ('b', (1, 2)))
    """
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return (type(v).__name__,) + tuple((f.name, freeze(getattr(v, f.name))) for f in dataclasses.fields(v))
    if isinstance(v, Mapping):
        return tuple(sorted((k, freeze(x)) for k, x in v.items()))
    if isinstance(v, (np.ndarray, pd.Index, pd.Series)):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        t = tuple(v)
        try:  # ids and numbers: hashed as they are, without a Python call per element
            hash(t)
            return t
        except TypeError:
            return tuple(freeze(x) for x in v)
    if isinstance(v, (set, frozenset)):
        return tuple(sorted(freeze(x) for x in v))
    return v


@dataclass
class DerivedTable:
    """What a :func:`derived` function declared, and how often it was built (for tests)."""

    name: str
    sections: tuple[str, ...]
    dated: bool
    builds: int = 0
    #: the arguments (date included, settings excluded) of recent builds, newest last
    built_with: list = field(default_factory=list)


#: every derived table, by qualified name
REGISTRY: dict[str, DerivedTable] = {}

_KEEP_BUILT = 1000
_SETTINGS_SECTIONS = frozenset(f.name for f in dataclasses.fields(Settings)) - {"as_of", "language"}


def _copy(value: Any) -> Any:
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(v.copy(deep=False) if isinstance(v, (pd.DataFrame, pd.Series)) else v for v in value)
    return value


def derived(*sections: str, dated: bool = False, localized: bool = False) -> Callable:
    """Declare a table derived from ``(snap[, settings][, as_of], ...)``; memoize it by declaration.

    ``sections``: the settings sections the table depends on (``"strength"``, ``"paths"``
    ...). ``dated``: the function takes ``as_of``; the key holds the resolved date (with a
    ``settings`` parameter: :func:`~kamgraph.analysis.dates.resolve_as_of`, else the date
    normalized to midnight) and the function receives it resolved. ``localized``: the table
    holds text in the reader's language; the key holds the current language
    (:func:`kamgraph.i18n.current_language`), so each language is built once.
    """
    unknown = set(sections) - _SETTINGS_SECTIONS
    if unknown:
        raise ValueError(f"unknown settings sections {sorted(unknown)}; known: {sorted(_SETTINGS_SECTIONS)}")

    def wrap(fn: Callable) -> Callable:
        sig = inspect.signature(fn)
        names = list(sig.parameters)
        takes_settings = "settings" in names
        if sections and not takes_settings:
            raise TypeError(f"{fn.__qualname__} declares settings sections but takes no settings")
        if dated and "as_of" not in names:
            raise TypeError(f"{fn.__qualname__} is dated but takes no as_of")
        name = f"{fn.__module__}.{fn.__qualname__}"
        entry = REGISTRY[name] = DerivedTable(name, tuple(sections), dated)

        def bind(snap, args, kwargs):
            """The bound call (date resolved) and its cache key."""
            bound = sig.bind(snap, *args, **kwargs)
            bound.apply_defaults()
            arguments = bound.arguments
            settings = arguments.get("settings")
            if dated:
                as_of = arguments["as_of"]
                arguments["as_of"] = (resolve_as_of(settings, as_of) if takes_settings
                                      else pd.Timestamp(as_of).normalize())
            rest = tuple((k, freeze(v)) for k, v in arguments.items() if k not in (names[0], "settings"))
            key = (name, rest) + tuple(freeze(getattr(settings, s)) for s in sections)
            if localized:
                key += (("language", current_language()),)
            return bound, rest, key

        @functools.wraps(fn)
        def wrapper(snap, *args, **kwargs):
            bound, rest, key = bind(snap, args, kwargs)

            def build():
                entry.builds += 1
                entry.built_with.append(rest)
                del entry.built_with[:-_KEEP_BUILT]
                return fn(*bound.args, **bound.kwargs)

            return _copy(snap.cached(key, build))

        def is_cached(snap, *args, **kwargs) -> bool:
            """Is the table for these arguments already built on ``snap``?"""
            return snap.has_cached(bind(snap, args, kwargs)[2])

        wrapper.derived = entry  # type: ignore[attr-defined]
        wrapper.is_cached = is_cached  # type: ignore[attr-defined]
        return wrapper

    return wrap
