"""Trends: how relationships move month by month, and what changed between two dates.

Definitions (docs/architecture.md, "Trends"), thresholds from ``settings.trend``:

- **history window**: the data starts at ``snap.history_start`` (the earliest start the
  store recorded for its imports, or declared with ``import --history-from``, else the first
  interaction). Before it, no data is not no contact;
- the **monthly series** is the strength of each pair at ``months`` dates one month apart
  ending at the as-of date (:func:`kamgraph.analysis.dates.month_ends`);
- the **slope** is the monthly relative change of the strength's odds ``s / (1 - s)``
  (without a declared tie, of the evidence): ``2 ** b - 1`` where ``b`` is the
  least-squares slope of :func:`log_odds` over the last ``slope_points`` monthly values
  that lie at least ``min_window_days`` inside the window. Relative, so a strong
  relationship that loses a third of its evidence cools as visibly as a weak one (on the
  strength scale itself, strong pairs barely move). The values are *window-corrected*:
  the evidence at date d is divided by ``1 - 2 ** (-(d - start) / H)``, the share of a
  steady relationship's evidence that a window of ``d - start`` days can hold. A pair in
  touch at a steady rate then has a flat series from the start of the data, instead of one
  that rises for months because the data begins (measured on real e-mail:
  benchmarks/README.md, "Signal quality"). Complete silence is -21% a month;
- the pair's **rhythm** is its usual gap between contact days, ``(last - first) /
  (contact_days - 1)``, shrunk toward a prior by one pseudo-gap: ``(last - first + prior)
  / contact_days``, where the prior is the usual rhythm of the people in the pair
  (:func:`person_rhythm`, :func:`pair_prior`); a pair seen on one day is judged by its
  people's rhythm, a regular pair mostly by its own; its **silence** the days since its last
  interaction (for a pair that never interacted: since the history start);
- the **label**, first rule that applies wins:

  1. ``new``: the first interaction is at most ``new_days`` days before the as-of date and
     at least ``new_after_start_days`` after the history start (a first contact near the
     start may only be the first one the data shows);
  2. ``dormant``: silence longer than ``dormant_factor`` x the rhythm, clamped to
     [``dormant_min_days``, ``dormant_max_days``] (with a Poisson rhythm, 3 x the gap is
     a silence that happens by chance about 5% of the time: e^-3);
  3. ``warming``: slope >= ``slope_threshold`` (15% a month);
  4. ``cooling``: slope <= -``slope_threshold`` and silence longer than
     ``cooling_factor`` x the rhythm (overdue by its own standard, and at least
     ``dormant_min_days / 2``);
  5. ``stable``: otherwise.

Labels are alerts about the pair's own pattern, not forecasts of next quarter's volume.
A pair with neither a tie nor an interaction on the as-of date (only possible when
``pairs`` names it) has no relationship to label: ``label`` is None, strength 0.

By default the pairs are every (internal person, customer contact) pair known on the as-of
date (a tie or an interaction); ``pairs`` (columns ``person_id, other_id``) picks others,
and ``pairs="all"`` takes every pair known on the as-of date.

"""

from __future__ import annotations

from string import Formatter

import numpy as np
import pandas as pd

from kamgraph.analysis.arrays import map_ids, object_series, sorted_lookup
from kamgraph.analysis.coverage import (
    internal_contact_pairs,
    internal_contact_strengths,
)
from kamgraph.analysis.dates import month_ends, resolve_as_of, to_day
from kamgraph.analysis.derived import derived
from kamgraph.analysis.people import current_employment, internal_ids, shown_names
from kamgraph.analysis.strength import (
    combine,
    decay_at,
    pair_index,
    pair_strength_codes,
    pair_strength_rows,
    pair_strengths,
)
from kamgraph.errors import ConfigError
from kamgraph.i18n import DEFAULT_LANGUAGE, N_, _, current_language, fmt_day
from kamgraph.i18n.terms import term
from kamgraph.model import Attitude
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

LABELS = ("new", "dormant", "warming", "cooling", "stable")

TREND_COLUMNS = ["person_id", "person_name", "other_id", "other_name", "accounts", "strength_now",
                 "window_start", "strength_start", "slope", "label", "n_interactions", "contact_days", "first_interaction",
                 "last_interaction", "days_since_last", "usual_gap_days", "quiet_limit_days"]

CHANGE_COLUMNS = ["kind", "date", "account_id", "person_id", "person_name", "other_id", "other_name",
                  "before", "after", "strength_before", "strength_after", "delta", "assessed_by",
                  "description"]


def default_pairs(snap: Snapshot, settings: Settings, as_of=None) -> pd.DataFrame:
    """(internal person, customer contact) pairs known on the as-of date: ``person_id, other_id``."""
    p = internal_contact_strengths(snap, settings, as_of)
    return p.rename(columns={"internal_id": "person_id", "contact_id": "other_id"})[["person_id", "other_id"]]


def _unordered(pairs: pd.DataFrame) -> pd.DataFrame:
    x = pairs["person_id"].to_numpy(dtype=object)
    y = pairs["other_id"].to_numpy(dtype=object)
    swap = x > y
    return pd.DataFrame({"person_id": object_series(x), "other_id": object_series(y), "a": object_series(np.where(swap, y, x)),
                         "b": object_series(np.where(swap, x, y))})


def _pairs_or_default(snap: Snapshot, settings: Settings, t, pairs) -> pd.DataFrame:
    if pairs is None:  # one row per pair already
        return _unordered(default_pairs(snap, settings, t).reset_index(drop=True))
    if isinstance(pairs, str):
        if pairs == "all":
            every = pair_strengths(snap, settings, t)
            return _unordered(pd.DataFrame({"person_id": every["a"], "other_id": every["b"]}))
        if pairs == "staff-contact":
            return _unordered(default_pairs(snap, settings, t).reset_index(drop=True))
        raise ConfigError(f"pairs must be 'staff-contact', 'all' or a frame of person_id, other_id; got {pairs!r}")
    return _unordered(pairs[["person_id", "other_id"]].drop_duplicates().reset_index(drop=True))


def _pairs_found(snap: Snapshot, settings: Settings, t, pairs):
    """The pairs (frame ``person_id, other_id``, plus ``a, b`` for a caller's frame, as
    :func:`_pairs_or_default`), each pair's number in :func:`pair_index` (-1: unknown) and
    the person codes of ``person_id`` and ``other_id`` in the index's people (-1: unknown).

    The default and ``"all"`` pairs come with their codes from the tables they are read
    from; only a caller's frame has its ids looked up (once)."""
    ix = pair_index(snap, settings)
    if pairs is None or (isinstance(pairs, str) and pairs in ("staff-contact", "all")):
        if pairs == "all":
            every = pair_strengths(snap, settings, t)
            x, y = every["a"].to_numpy(dtype=object), every["b"].to_numpy(dtype=object)
            cx, cy, _people = pair_strength_codes(snap, settings, t)
            found = pair_strength_rows(snap, settings, t)
        else:
            frame, cx, cy, _people = internal_contact_pairs(snap, settings, t)
            x, y = frame["internal_id"].to_numpy(dtype=object), frame["contact_id"].to_numpy(dtype=object)
            found = None
        cx, cy = np.asarray(cx, dtype=np.int64), np.asarray(cy, dtype=np.int64)
        # the pair numbers come with the codes: no unordered id columns needed to find them
        p = pd.DataFrame({"person_id": object_series(x), "other_id": object_series(y)}, copy=False)
        if found is None:
            found = ix.find_codes(cx, cy)
        return p, np.asarray(found, dtype=np.int64), cx, cy
    p = _pairs_or_default(snap, settings, t, pairs)
    cx, cy = ix.codes(p["person_id"].to_numpy(dtype=object)), ix.codes(p["other_id"].to_numpy(dtype=object))
    return p, ix.find_codes(cx, cy), cx, cy


_DAY_NS = 86_400_000_000_000
_NAT = np.iinfo(np.int64).min


def _ns(values) -> np.ndarray:
    """Dates (a Timestamp, a datetime column or array) as int64 nanoseconds (NaT: int64 min)."""
    if isinstance(values, pd.Timestamp):
        return np.array([values.value], dtype=np.int64)
    return np.asarray(values, dtype="datetime64[ns]").view(np.int64)


def _days_between(later, earlier) -> np.ndarray:
    """``(later - earlier).dt.days`` as floats (NaN where either is NaT), on integers.

    >>> _days_between(pd.Timestamp("2026-01-10"), pd.Series(pd.to_datetime(["2026-01-01", None]))).tolist()
    [9.0, nan]
    """
    a, b = _ns(later), _ns(earlier)
    missing = (a == _NAT) | (b == _NAT)
    with np.errstate(over="ignore"):
        d = (a - b) // _DAY_NS
    return np.where(missing, np.nan, d.astype(float))


def _by_code(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``values[codes]`` with None where a code is -1 (``values`` one per person code)."""
    return np.append(np.asarray(values, dtype=object), None)[np.where(codes >= 0, codes, len(values))]


def strength_matrix(snap: Snapshot, settings: Settings, pairs: pd.DataFrame, dates,
                    found: np.ndarray | None = None, window_corrected: bool = False) -> np.ndarray:
    """Strength of each pair (rows of ``pairs``, columns ``a, b`` with a < b) at each date.

    The formula of :func:`kamgraph.analysis.strength.strengths` on the parts of
    :func:`evidence_matrix`. ``window_corrected``: divide each date's evidence by the share
    of a steady relationship's evidence the history window holds at that date
    (:func:`window_share`; see the module docstring).
    """
    evidence, declared = evidence_matrix(snap, settings, pairs, dates, found)
    if window_corrected and evidence.size:
        evidence = evidence / window_share(snap, settings, to_day(list(dates)))
    return combine(evidence, declared, settings)


def evidence_matrix(snap: Snapshot, settings: Settings, pairs: pd.DataFrame, dates,
                    found: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Evidence and declared strength of each pair (rows of ``pairs``) at each date.

    Evaluated for the requested pairs only and for all dates at once: the pair events and
    declared ties of those pairs are gathered once, then evidence is an (events x dates)
    array summed per pair and declared strength a (ties x dates) array maximised per pair.
    Calling ``strengths`` once per date would aggregate every pair of the snapshot 12 times.
    """
    st = settings.strength
    t = to_day(list(dates)) if len(dates) else np.zeros(0, dtype=np.int64)
    n = len(pairs)
    evidence = np.zeros((n, len(t)))
    declared = np.zeros((n, len(t)))
    if n == 0 or len(t) == 0:
        return evidence, declared
    ix = pair_index(snap, settings)
    if found is None:
        found = ix.find(pairs["a"].to_numpy(dtype=object), pairs["b"].to_numpy(dtype=object))
    row_of = np.full(ix.size, -1, dtype=np.int64)
    row_of[found[found >= 0]] = np.flatnonzero(found >= 0)
    # the requested pairs' events (still sorted by day), then one bincount per date over
    # the prefix of events on or before it
    er = row_of[ix.ev_pair]
    sel = er >= 0
    er, eday, ew = er[sel], ix.ev_day[sel], ix.ev_weight[sel]
    for j, tj in enumerate(t):
        k = int(np.searchsorted(eday, tj, side="right"))
        if k:
            evidence[:, j] = np.bincount(er[:k], weights=ew[:k] * decay_at(tj, eday[:k], st.half_life_days),
                                         minlength=n)
    tr = row_of[ix.tie_pair]
    tsel = tr >= 0
    if tsel.any():
        tr, day, level = tr[tsel], ix.tie_day[tsel], ix.tie_level[tsel]
        undated = np.isnan(day)
        for j, tj in enumerate(t):
            active = undated | (day <= tj)
            decay = np.where(undated, 1.0, np.exp2(-(tj - np.nan_to_num(day)) / st.declared_half_life_days))
            col = np.zeros(n)
            np.maximum.at(col, tr[active], (level * decay)[active])
            declared[:, j] = col
    return evidence, declared


def window_share(snap: Snapshot, settings: Settings, days: np.ndarray) -> np.ndarray:
    """Per date (day numbers): the share of a steady relationship's decayed evidence that the
    history window holds, ``1 - 2 ** (-(d - start) / H)`` (1 where the start is unknown or
    after the date; at least 1e-3).

    >>> from kamgraph.snapshot import Snapshot
    >>> snap = Snapshot({}, history_from=pd.Timestamp("2026-01-01"))
    >>> window_share(snap, Settings(), to_day(["2026-04-01", "2027-01-01", "2025-06-01"])).round(3).tolist()
    [0.5, 0.94, 1.0]
    """
    start = snap.history_start
    days = np.asarray(days, dtype=float)
    if start is None:
        return np.ones(len(days))
    elapsed = days - float(to_day([start])[0])
    share = 1.0 - np.exp2(-np.maximum(elapsed, 0.0) / settings.strength.half_life_days)
    return np.where(elapsed > 0, np.maximum(share, 1e-3), 1.0)


def monthly_series(snap: Snapshot, settings: Settings, as_of=None, pairs: pd.DataFrame | None = None,
                   months: int | None = None) -> pd.DataFrame:
    """Strength of each pair at monthly points ending at the as-of date.

    Long frame ``person_id, other_id, date, strength`` (oldest date first within a pair;
    0 where nothing was known yet). ``months`` defaults to ``settings.trend.months``.
    """
    t = resolve_as_of(settings, as_of)
    months = months or settings.trend.months
    p = _pairs_or_default(snap, settings, t, pairs)
    dates = month_ends(t, months)
    m = strength_matrix(snap, settings, p, dates)
    out = pd.DataFrame({
        "person_id": np.repeat(p["person_id"].to_numpy(dtype=object), len(dates)),
        "other_id": np.repeat(p["other_id"].to_numpy(dtype=object), len(dates)),
        "date": np.tile(np.array(dates, dtype="datetime64[ns]"), len(p)),
        "strength": m.reshape(-1),
    })
    return out.sort_values(["person_id", "other_id", "date"], kind="mergesort").reset_index(drop=True)


def slopes(matrix: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row against x = 0, 1, 2, ... (0 for fewer than 2 points).

    >>> slopes(np.array([[0.1, 0.2, 0.3], [0.5, 0.5, 0.5]])).round(6).tolist()
    [0.1, 0.0]
    """
    n = matrix.shape[1] if matrix.ndim == 2 else 0
    if n < 2:
        return np.zeros(matrix.shape[0] if matrix.ndim == 2 else 0)
    x = np.arange(n, dtype=float)
    xc = x - x.mean()
    yc = matrix - matrix.mean(axis=1, keepdims=True)
    return yc @ xc / (xc @ xc)


def _accounts_of(snap: Snapshot, t, ids: pd.Series) -> pd.Series:
    """Each person's current accounts, comma-joined in id order (None: none)."""
    emp = current_employment(snap, t)
    emp = emp.loc[emp["org_id"].isin(snap.accounts["id"]) & emp["person_id"].isin(pd.unique(ids)),
                  ["person_id", "org_id"]]
    emp = emp.sort_values(["person_id", "org_id"], kind="mergesort")
    # most people work at one account: only the others need a string join (a Python call each)
    several = emp["person_id"].duplicated(keep=False).to_numpy()
    joined = pd.concat([emp[~several].set_index("person_id")["org_id"],
                        emp[several].groupby("person_id", sort=False)["org_id"].agg(",".join)])
    return pd.Series(map_ids(ids, joined), index=ids.index, dtype=object)


def slope_dates(snap: Snapshot, settings: Settings, as_of) -> list[pd.Timestamp]:
    """The monthly points the slope is fitted on: the last ``slope_points`` of the series
    that lie at least ``min_window_days`` after the history start (possibly fewer, or none)."""
    tr = settings.trend
    points = month_ends(as_of, tr.months)
    start = snap.history_start
    if start is not None:
        points = [d for d in points if (d - start).days >= tr.min_window_days]
    return points[-max(1, min(tr.slope_points, tr.months)):] if points else []


def person_rhythm(snap: Snapshot, settings: Settings, as_of=None) -> pd.Series:
    """Each person's usual rhythm: the median, over their pairs in contact on at least two
    days by ``as_of``, of the pair's mean gap between contact days (days), by person id.

    The prior a pair's own rhythm is shrunk toward. It is read from the person's own pairs,
    so a scoped snapshot, which holds every pair of its core contacts, gives the same value
    for them as the whole portfolio. (:func:`person_rhythm_codes` by person id.)
    """
    by_code = person_rhythm_codes(snap, settings, as_of)
    known = ~np.isnan(by_code)
    people = np.asarray(pair_index(snap, settings).people, dtype=object)
    return pd.Series(by_code[known], index=pd.Index(people[known], dtype=object), dtype=float)


@derived("strength", dated=True)
def person_rhythm_codes(snap: Snapshot, settings: Settings, as_of=None) -> np.ndarray:
    """:func:`person_rhythm` per person code of :func:`pair_index` (NaN: unknown): the same
    medians, from a sort of integer codes instead of a group-by over id strings."""
    s = pair_strengths(snap, settings, as_of)
    ca, cb, people = pair_strength_codes(snap, settings, as_of)
    out = np.full(len(people), np.nan)
    days = s["contact_days"].to_numpy()
    several = days >= 2
    if not several.any():
        return out
    span = _days_between(s["last_interaction"].to_numpy()[several], s["first_interaction"].to_numpy()[several])
    gap = span / (days[several] - 1)
    who = np.concatenate([ca[several], cb[several]]).astype(np.int64)
    gap = np.concatenate([gap, gap]).astype(float)
    known = ~np.isnan(gap)  # a median skips missing values
    who, gap = who[known], gap[known]
    if not len(who):
        return out
    # by person, each person's gaps ascending (equal gaps may come in any order: only the
    # values matter for a median)
    by_gap = np.argsort(gap)
    order = by_gap[np.argsort(who[by_gap], kind="stable")]
    who, gap = who[order], gap[order]
    starts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
    n = np.diff(np.r_[starts, len(who)])
    hi = gap[starts + n // 2]
    lo = gap[starts + (n - 1) // 2]
    out[who[starts]] = np.where(n % 2 == 1, hi, (hi + lo) / 2)
    return out


def pair_prior(snap: Snapshot, settings: Settings, as_of, p: pd.DataFrame, codes=None) -> np.ndarray:
    """The prior rhythm of each pair of ``p`` (``person_id, other_id``): the mean of the
    :func:`person_rhythm` of its ends that are not our staff (our staff's pairs are partial
    in a scoped snapshot), of both ends for two of our staff; NaN when unknown."""
    if codes is not None:  # person codes of person_id and other_id in pair_index's people
        cx, cy = codes
        ix = pair_index(snap, settings)
        rhythm = np.append(person_rhythm_codes(snap, settings, as_of), np.nan)
        x, y = rhythm[np.where(cx >= 0, cx, -1)], rhythm[np.where(cy >= 0, cy, -1)]
        ours = np.zeros(len(ix.people) + 1, dtype=bool)
        at = ix.codes(internal_ids(snap))
        ours[at[at >= 0]] = True
        x_ours, y_ours = ours[np.where(cx >= 0, cx, -1)], ours[np.where(cy >= 0, cy, -1)]
    else:
        rhythm = person_rhythm(snap, settings, as_of)
        x = pd.to_numeric(pd.Series(map_ids(p["person_id"], rhythm)), errors="coerce").to_numpy(dtype=float)
        y = pd.to_numeric(pd.Series(map_ids(p["other_id"], rhythm)), errors="coerce").to_numpy(dtype=float)
        ours = pd.Index(internal_ids(snap), dtype=object)
        x_ours = ours.get_indexer(pd.Index(p["person_id"].to_numpy(dtype=object), dtype=object)) >= 0
        y_ours = ours.get_indexer(pd.Index(p["other_id"].to_numpy(dtype=object), dtype=object)) >= 0
    both = x_ours & y_ours
    x = np.where(x_ours & ~both, np.nan, x)
    y = np.where(y_ours & ~both, np.nan, y)
    both_ends = np.vstack([x, y])
    known = (~np.isnan(both_ends)).sum(axis=0)
    total = np.nansum(both_ends, axis=0)
    return np.where(known > 0, total / np.maximum(known, 1), np.nan)


def log_odds(strength: np.ndarray) -> np.ndarray:
    """``log2(s / (1 - s))`` of strengths clipped to [0.001, 0.999]: with no declared tie
    this is ``log2(evidence / scale)``, so its slope is the relative change of evidence.

    >>> log_odds(np.array([0.5, 0.8, 0.0])).round(3).tolist()
    [0.0, 2.0, -9.964]
    """
    s = np.clip(np.asarray(strength, dtype=float), 1e-3, 1 - 1e-3)
    odds = np.subtract(1.0, s)
    np.divide(s, odds, out=odds)
    return np.log2(odds, out=odds)


def trends(snap: Snapshot, settings: Settings, as_of=None, pairs: pd.DataFrame | str | None = None) -> pd.DataFrame:
    """Strength now, slope and trend label per pair (see the module docstring).

    ``pairs``: None or ``"staff-contact"`` (every internal person with every customer
    contact they know), ``"all"`` (every pair known on the as-of date), or a frame of
    ``person_id, other_id``.

    Columns: person_id, person_name, other_id, other_name, accounts (the other person's
    current accounts, comma-joined), strength_now, window_start (the first monthly point of
    the slope window), strength_start (the strength then), slope (relative change of the odds per month,
    window-corrected), label,
    n_interactions, contact_days, first_interaction, last_interaction, days_since_last
    (NaN: never), usual_gap_days (the pair's rhythm; NaN with fewer than two contact
    days), quiet_limit_days (the silence after which it is dormant).

    Examples
    --------
    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> trends(snap, settings)["label"].value_counts().to_dict()
    {'dormant': 1579, 'stable': 470, 'warming': 429, 'new': 160, 'cooling': 73}
    """
    tr = settings.trend
    t = resolve_as_of(settings, as_of)
    p, found, cx, cy = _pairs_found(snap, settings, t, pairs)
    points = slope_dates(snap, settings, t)
    evidence, declared = evidence_matrix(snap, settings, p, points, found)
    share = window_share(snap, settings, to_day(points)) if points else np.ones(0)
    window = combine(evidence / share, declared, settings)  # window-corrected

    # today's facts of each pair: its row in pair_strengths (rows are in pair-number order)
    now = pair_strengths(snap, settings, t)
    row = sorted_lookup(pair_strength_rows(snap, settings, t), found)
    hit, pos = row >= 0, np.maximum(row, 0)
    cols = ["strength", "n_interactions", "contact_days", "first_interaction", "last_interaction"]
    if len(now):
        facts = now[cols].iloc[np.where(hit, pos, 0)].reset_index(drop=True)
        facts = pd.DataFrame({c: facts[c].where(hit) for c in cols})
    else:
        facts = pd.DataFrame({c: pd.Series(np.nan, index=range(len(p))) for c in cols})
    out = p[["person_id", "other_id"]].copy()
    people = pair_index(snap, settings).people
    names = map_ids(people, shown_names(snap))  # per person code
    out["person_name"] = _by_code(names, cx)
    out["other_name"] = _by_code(names, cy)
    # the other people's accounts, joined once per person
    wanted = np.unique(cy[cy >= 0])
    accounts = np.full(len(people), None, dtype=object)
    accounts[wanted] = _accounts_of(snap, t, pd.Series(people[wanted], dtype=object)).to_numpy(dtype=object)
    out["accounts"] = pd.Series(_by_code(accounts, cy), index=out.index, dtype=object)
    out["strength_now"] = facts["strength"].fillna(0.0).to_numpy()
    # the plain strength where the slope window starts (the slope itself is window-corrected)
    out["window_start"] = pd.Timestamp(points[0]) if points else t
    out["strength_start"] = (combine(evidence[:, 0], declared[:, 0], settings)
                             if len(p) and points else out["strength_now"].to_numpy())
    out["slope"] = np.exp2(slopes(log_odds(window))) - 1.0 if window.shape[1] >= 2 else np.zeros(len(p))
    out["n_interactions"] = facts["n_interactions"].fillna(0).astype(np.int64).to_numpy()
    out["contact_days"] = facts["contact_days"].fillna(0).astype(np.int64).to_numpy()
    out["first_interaction"] = facts["first_interaction"].to_numpy()
    out["last_interaction"] = facts["last_interaction"].to_numpy()
    out["days_since_last"] = _days_between(t, out["last_interaction"])
    first = out["first_interaction"]
    days_since_first = _days_between(t, first)
    span = _days_between(out["last_interaction"], first)
    days = out["contact_days"].to_numpy()
    # the pair's rhythm, shrunk toward its people's own rhythm by one pseudo-gap: a
    # pair seen on one or two days is judged mostly by what is usual, a regular pair by itself
    prior = pair_prior(snap, settings, t, out, codes=(cx, cy))
    gap = np.where((days >= 1) & ~np.isnan(prior), (np.nan_to_num(span) + prior) / np.maximum(days, 1),
                   np.where(days >= 2, span / np.maximum(days - 1, 1), np.nan))
    out["usual_gap_days"] = gap
    limit = np.clip(tr.dormant_factor * np.nan_to_num(gap, nan=np.inf), tr.dormant_min_days, tr.dormant_max_days)
    out["quiet_limit_days"] = limit

    start = snap.history_start
    since_start = float((t - start).days) if start is not None else np.inf
    silence = out["days_since_last"].fillna(since_start).to_numpy()  # never interacted: the whole window
    after_start = _days_between(first, start) if start is not None else np.full(len(p), np.inf)
    new = (np.nan_to_num(days_since_first, nan=np.inf) <= tr.new_days) & \
        (np.nan_to_num(after_start, nan=-np.inf) >= tr.new_after_start_days)
    dormant = silence > limit
    overdue = silence > np.maximum(tr.cooling_factor * np.nan_to_num(gap, nan=0.0), tr.dormant_min_days / 2)
    slope = out["slope"].to_numpy()
    unknown = facts["strength"].isna().to_numpy()
    out["label"] = np.select(
        [unknown, new, dormant, slope >= tr.slope_threshold, (slope <= -tr.slope_threshold) & overdue],
        [None, "new", "dormant", "warming", "cooling"], default="stable").astype(object)
    return out[TREND_COLUMNS].reset_index(drop=True)


def assessment_changes(snap: Snapshot, start, end) -> pd.DataFrame:
    """Changes of decision role, attitude or influence assessed in (start, end].

    A change is an assessment whose value differs from the previous known value of the same
    field for the same (contact, account); a first assessment is not a change. Columns:
    kind (the field), date, account_id, person_id, before, after, delta (attitude score or
    influence difference; NaN for roles), assessed_by.
    """
    a = snap.assessments.sort_values(["person_id", "account_id", "assessed_on"], kind="mergesort")
    keys = [a["person_id"], a["account_id"]]
    in_window = ((a["assessed_on"] > pd.Timestamp(start)) & (a["assessed_on"] <= pd.Timestamp(end))).to_numpy()
    parts = []
    scores = {m.value: m.score for m in Attitude}
    for field in ("decision_role", "attitude", "influence"):
        value = a[field].astype(object).where(a[field].notna(), None)
        prev = value.groupby(keys).ffill().groupby(keys).shift(1)
        hit = value.notna().to_numpy() & prev.notna().to_numpy() & in_window
        hit &= (value.astype(str) != prev.astype(str)).to_numpy()
        if not hit.any():
            continue
        rows = a[hit]
        before, after = prev[hit], value[hit]
        if field == "attitude":
            delta = after.map(scores).astype(float) - before.map(scores).astype(float)
        elif field == "influence":
            delta = after.astype(float) - before.astype(float)
        else:
            delta = pd.Series(np.nan, index=rows.index)
        parts.append(pd.DataFrame({
            "kind": field, "date": rows["assessed_on"].to_numpy(), "account_id": rows["account_id"].to_numpy(),
            "person_id": rows["person_id"].to_numpy(), "before": before.astype(str).to_numpy(),
            "after": after.astype(str).to_numpy(), "delta": delta.to_numpy(dtype=float),
            "assessed_by": rows["assessed_by"].to_numpy(),
        }))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in
                             ["kind", "date", "account_id", "person_id", "before", "after", "delta", "assessed_by"]})
    return pd.concat(parts, ignore_index=True)


def _label(x) -> str:
    return term("trend", x) if isinstance(x, str) else _("unknown")


#: the assessed fields of a change, as words
_FIELD_WORDS = {"decision_role": N_("decision role"), "attitude": N_("attitude"), "influence": N_("influence")}
_FIELD_TERM = {"decision_role": "role", "attitude": "attitude"}


def _field(kind) -> str:
    return _(_FIELD_WORDS[kind]) if kind in _FIELD_WORDS else str(kind).replace("_", " ")


def _assessed(kind, value) -> str:
    """An assessed value as shown: the code in English (as it always read), the word elsewhere."""
    if current_language() == DEFAULT_LANGUAGE or kind not in _FIELD_TERM or not isinstance(value, str):
        return str(value)
    return term(_FIELD_TERM[kind], value)


def _fixed(values: pd.Series, spec: str) -> np.ndarray:
    """Each number as ``spec % x`` (e.g. ``%.2f``: what ``f"{x:.2f}"`` writes), as objects."""
    return np.char.mod(spec, values.to_numpy(dtype=float)).astype(object)


def fill_template(template: str, **columns: np.ndarray) -> list[str]:
    """``template.format(**row)`` for every row of equal-length columns of text, built a
    column at a time (one concatenation per piece of the template, no call per row).

    >>> fill_template("{a} → {b}!", a=np.array(["x", "y"], dtype=object), b=np.array(["1", "2"], dtype=object))
    ['x → 1!', 'y → 2!']
    """
    pieces = list(Formatter().parse(template))
    n = len(next(iter(columns.values()))) if columns else 0
    if any(spec or conv for _lit, field, spec, conv in pieces if field is not None):
        rows = [dict(zip(columns, vals)) for vals in zip(*columns.values())]
        return [template.format(**r) for r in rows]
    out = np.full(n, "", dtype=object)
    for literal, field, _spec, _conv in pieces:
        if literal:
            out = out + literal  # parse() has already turned "{{" into "{"
        if field is not None:
            out = out + columns[field]
    return out.tolist()


def relationship_changes(snap: Snapshot, settings: Settings, start, end,
                         pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """What changed between ``start`` and ``end``: relationships and assessments.

    ``kind='relationship'`` rows: a pair (default: internal person, customer contact) whose
    trend label changed, or whose strength moved by at least ``trend.change_min_delta``;
    ``before``/``after`` are the labels, ``strength_before``/``strength_after``/``delta`` the
    strengths; ``date`` is ``end``; ``account_id`` the contact's accounts.
    ``kind`` in ``decision_role``/``attitude``/``influence``: an assessment in (start, end]
    that changed that field (:func:`assessment_changes`), e.g. who turned from supporter to
    skeptic and when; ``person_id`` is the contact.

    Columns: kind, date, account_id, person_id, person_name, other_id, other_name, before,
    after, strength_before, strength_after, delta, assessed_by, description.
    """
    t0, t1 = resolve_as_of(settings, start), resolve_as_of(settings, end)
    if t0 >= t1:
        raise ConfigError(_("start ({start}) must be before end ({end})").format(start=fmt_day(t0), end=fmt_day(t1)))
    if pairs is None:
        pairs = pd.concat([default_pairs(snap, settings, t0), default_pairs(snap, settings, t1)],
                          ignore_index=True).drop_duplicates()
    a = trends(snap, settings, t0, pairs)
    b = trends(snap, settings, t1, pairs)
    m = a.merge(b, on=["person_id", "other_id"], suffixes=("_0", "_1"))
    delta = m["strength_now_1"] - m["strength_now_0"]
    hit = (m["label_0"] != m["label_1"]) | (delta.abs() >= settings.trend.change_min_delta)
    m, delta = m[hit], delta[hit]
    rel = pd.DataFrame({
        "kind": "relationship", "date": t1, "account_id": m["accounts_1"].to_numpy(),
        "person_id": m["person_id"].to_numpy(), "person_name": m["person_name_1"].to_numpy(),
        "other_id": m["other_id"].to_numpy(), "other_name": m["other_name_1"].to_numpy(),
        "before": m["label_0"].to_numpy(), "after": m["label_1"].to_numpy(),
        "strength_before": m["strength_now_0"].to_numpy(), "strength_after": m["strength_now_1"].to_numpy(),
        "delta": delta.to_numpy(), "assessed_by": None,
    })
    words = {x: _label(x) for x in pd.unique(np.r_[rel["before"].to_numpy(), rel["after"].to_numpy()])}
    rel["description"] = fill_template(
        _("{person} – {other}: strength {before} → {after} ({delta}), {label_before} → {label_after}"),
        person=rel["person_name"].astype(str).to_numpy(dtype=object),
        other=rel["other_name"].astype(str).to_numpy(dtype=object),
        before=_fixed(rel["strength_before"], "%.2f"), after=_fixed(rel["strength_after"], "%.2f"),
        delta=_fixed(rel["delta"], "%+.2f"),
        label_before=rel["before"].map(words).to_numpy(dtype=object),
        label_after=rel["after"].map(words).to_numpy(dtype=object))

    ch = assessment_changes(snap, t0, t1)
    names = shown_names(snap)
    acc_names = snap.accounts.set_index("id")["name"]
    ch["person_name"] = ch["person_id"].map(names)
    ch["other_id"] = None
    ch["other_name"] = None
    ch["strength_before"] = np.nan
    ch["strength_after"] = np.nan
    ch["description"] = [
        (_("{person} at {account}: {field} {before} → {after} on {day} (assessed by {assessor})") if isinstance(by, str)
         else _("{person} at {account}: {field} {before} → {after} on {day}")).format(
            person=p, account=acc_names.get(acc, acc), field=_field(k), before=_assessed(k, b0), after=_assessed(k, b1),
            day=fmt_day(d), assessor=names.get(by, by) if isinstance(by, str) else "")
        for p, acc, k, b0, b1, d, by in zip(ch["person_name"], ch["account_id"], ch["kind"], ch["before"],
                                            ch["after"], ch["date"], ch["assessed_by"])]
    out = pd.concat([rel[CHANGE_COLUMNS], ch[CHANGE_COLUMNS]], ignore_index=True)
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out.sort_values(["date", "kind", "person_id", "other_id"], kind="mergesort",
                           na_position="first").reset_index(drop=True)
