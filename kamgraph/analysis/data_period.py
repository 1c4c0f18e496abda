"""What period the data covers, and the one sentence that says when a view cannot show much.

Two situations make an analysis look broken when it is not:

* **The data ends long before the analysis date.** A CRM export from 1998 analysed today
  shows every relationship as decayed to nothing, every trend as dormant. :func:`data_ends_note`
  says so in one sentence, with the date to look at instead. It speaks when the last
  interaction is more than ``settings.strength.half_life_days`` (default 90) days before
  the analysis date: after one half-life with no data, every strength built from
  interactions has lost at least half its evidence to the calendar alone, so strengths,
  trends and "cooling" gaps describe the silence of the export, not the relationships.
* **An empty result.** :func:`empty_reason` names what is missing ("no customer contacts
  imported", "no interactions in the window 2025-07-01 to 2026-07-01") instead of an empty
  table.

Both return text (or None) for any front end: the CLI prints it, the app can show it.

>>> from kamgraph.examples import example_portfolio
>>> snap, settings = example_portfolio()
>>> print(data_ends_note(snap, settings, "2030-01-01"))  # doctest: +NORMALIZE_WHITESPACE
The data ends on 2026-06-30: 1,281 days before the analysis date 2030-01-01, more than the
90-day strength half-life, so relationships read as faded and trends as dormant. To look at
the data's own period, use --as-of 2026-06-30.
>>> data_ends_note(snap, settings, snap.interactions["date"].max()) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.people import current_employment, internal_ids
from kamgraph.i18n import N_, _, fmt_day, fmt_number
from kamgraph.model import Side
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = ["DataPeriod", "data_period", "data_ends_note", "period_note", "dates_period", "empty_reason", "NEEDS", "AS_OF_HINT"]

#: how the CLI tells a user to move the analysis date ({date} is filled in); the app passes its own
AS_OF_HINT = N_("use --as-of {date}")
#: what a view may need, in the order :func:`empty_reason` checks it
NEEDS: tuple[str, ...] = ("accounts", "internal", "contacts", "decision_roles", "opportunities", "interactions")


@dataclass(frozen=True)
class DataPeriod:
    """The interactions' first and last dates (None without interactions) and their count."""

    first: pd.Timestamp | None
    last: pd.Timestamp | None
    interactions: int


def data_period(snap: Snapshot) -> DataPeriod:
    """First and last interaction dates of ``snap``."""
    return dates_period(snap.interactions["date"])


def dates_period(dates: pd.Series) -> DataPeriod:
    """First and last of some interaction dates (missing ones ignored), and how many there are.

    >>> dates_period(pd.Series(pd.to_datetime(["2025-03-01", None, "2025-01-02"]))).last
    Timestamp('2025-03-01 00:00:00')
    """
    dates = pd.to_datetime(dates, errors="coerce").dropna()
    if dates.empty:
        return DataPeriod(None, None, 0)
    return DataPeriod(pd.Timestamp(dates.min()).normalize(), pd.Timestamp(dates.max()).normalize(), len(dates))


def data_ends_note(snap: Snapshot, settings: Settings, as_of=None, hint: str = AS_OF_HINT) -> str | None:
    """One sentence when the data's last interaction is more than one strength half-life
    (``settings.strength.half_life_days``) before ``as_of``; None otherwise.

    ``hint`` says how to look at the data's own period, with ``{date}`` standing for the
    last interaction's date (the CLI: ``use --as-of {date}``).
    """
    return period_note(data_period(snap), settings, as_of, hint)


def period_note(period: DataPeriod, settings: Settings, as_of=None, hint: str = AS_OF_HINT) -> str | None:
    """:func:`data_ends_note` from the period alone (a front end that has the interactions'
    dates but no snapshot at hand, e.g. the app on an account page).

    >>> from kamgraph.settings import Settings
    >>> p = DataPeriod(pd.Timestamp("1996-07-04"), pd.Timestamp("1998-05-06"), 830)
    >>> period_note(p, Settings(), "1998-06-01") is None  # 26 days: within one half-life
    True
    >>> period_note(p, Settings(), "2026-11-26", hint="pick {date}").endswith("pick 1998-05-06.")
    True
    """
    t = resolve_as_of(settings, as_of)
    if period.last is None:
        return None
    gap = int((t - period.last).days)
    half_life = settings.strength.half_life_days
    if gap <= half_life:
        return None
    date = f"{period.last:%Y-%m-%d}"
    return _("The data ends on {date}: {days} days before the analysis date {as_of}, more than the "
             "{half_life}-day strength half-life, so relationships read as faded and trends as dormant. "
             "To look at the data's own period, {hint}.").format(
        date=fmt_day(period.last), days=fmt_number(gap), as_of=fmt_day(t), half_life=f"{half_life:g}",
        hint=_(hint).format(date=date))


def empty_reason(snap: Snapshot, settings: Settings, as_of=None, needs: Iterable[str] = NEEDS,
                 window_days: int | None = None) -> str | None:
    """Why a view that needs ``needs`` (names of :data:`NEEDS`) has nothing to show, or None
    when everything it needs is there (then the result is empty on its own merits).

    ``interactions`` checks the window of ``window_days`` days up to ``as_of`` (default: the
    trend window, ``settings.trend.months`` months) and says when there are interactions,
    but none in it.

    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> empty_reason(snap, settings, "2040-01-01", ["interactions"])  # doctest: +ELLIPSIS
    'no interactions in the window 2039-01-01 to 2040-01-01 (the data runs from ... to ...)'
    """
    t = resolve_as_of(settings, as_of)
    wanted = set(needs)
    unknown = wanted - set(NEEDS)
    if unknown:
        raise ValueError(f"unknown needs {sorted(unknown)}; known: {', '.join(NEEDS)}")
    people = snap.people
    if "accounts" in wanted and snap.accounts.empty:
        return _("no accounts imported")
    if "internal" in wanted and not len(internal_ids(snap)):
        return _("no internal people (our staff, side = internal) imported")
    if "contacts" in wanted or "decision_roles" in wanted:
        customers = set(people.loc[people["side"] == Side.CUSTOMER.value, "id"])
        if not customers:
            return _("no customer contacts imported")
        emp = current_employment(snap, t)
        at_accounts = emp[emp["person_id"].isin(customers) & emp["org_id"].isin(snap.accounts["id"])]
        if at_accounts.empty:
            return _("no customer contact works at an account on {day} (check employment and its dates)").format(
                day=fmt_day(t))
        if "decision_roles" in wanted:
            roles = snap.roles(t)
            if roles.empty or not roles["decision_role"].notna().any():
                return _("no customer contact has a decision role (import assessments, employment.decision_role, "
                         "or opportunity contact roles)")
    if "opportunities" in wanted and snap.opportunities.empty:
        return _("no opportunities imported")
    if "interactions" in wanted:
        period = data_period(snap)
        if period.last is None:
            return _("no interactions imported")
        if window_days is None:
            start = t - pd.DateOffset(months=settings.trend.months)
        else:
            start = t - pd.Timedelta(days=window_days)
        dates = snap.interactions["date"]
        if not ((dates > start) & (dates <= t)).any():
            return _("no interactions in the window {start} to {end} (the data runs from {first} to {last})").format(
                start=fmt_day(start), end=fmt_day(t), first=fmt_day(period.first), last=fmt_day(period.last))
    return None
