"""Executive visit planner: which customer executives each of our executives should visit.

docs/architecture.md ("Tiers and visits"), weights and thresholds from ``settings.visits``, ``settings.tiers`` and
``settings.gaps``.

**Executives** are the internal people given, by default every internal person at level <=
``visits.executive_max_level`` (CEO and VPs). Each has a **capacity**: the number of visits
they can make in the period (``visits.capacity``, or one number per executive).

**Candidates** are the current customer contacts of the chosen accounts (``accounts``, else
the snapshot's scope or every account; narrowed to ``regions`` when given) whose open gaps
make an executive visit worth it: the gap kinds in ``visits.gap_kinds``
(:func:`kamgraph.analysis.gaps.gaps`: uncovered or cooling decision-makers and approvers,
missing peer coverage, tier-policy shortfalls, unmanaged opponents) whose target is a
contact; and, when the tier policy's executive-visit quota of an account is not met, every
contact of that account whose role is in ``visits.exec_visit_roles``.

A pair (executive, contact) is allowed when it is **level-matched**: executive level <=
contact level + ``visits.level_gap`` (a contact of unknown level matches anyone; an
executive of unknown level matches nobody, as in coverage). Its **priority** is::

    tier weight x role weight x severity x feasibility

- tier weight: ``tiers.weights`` of the account's tier (declared, else computed); an
  unknown tier weighs as the lightest;
- role weight: ``visits.role_weights`` of the contact's decision role
  (``visits.unassessed_role_weight`` without one);
- severity: the largest base severity (``gaps.severity``) among the contact's open gaps.
  The base, not the role-scaled severity of the gap table, because the role is weighed
  by the role weight already;
- feasibility: the score of the best access path (:func:`kamgraph.analysis.paths.access_paths_for`)
  that starts at this executive: their own strength to the contact (a direct path), or an
  introduction through one intermediary. It is never below ``visits.feasibility_floor``:
  a level-matched executive can always ask for a meeting on the company's standing (a cold
  visit), and a weak path must not score below having none.

**The plan** chooses the set of pairs with the largest total priority such that every
contact is visited at most once and every executive stays within capacity: a maximum-weight
bipartite b-matching, solved exactly as a min-cost flow (source -> executive with the
executive's capacity, executive -> contact with capacity 1 and cost -priority, contact ->
sink with capacity 1, plus a zero-cost source -> sink bypass so leaving capacity unused is
allowed). networkx's network simplex is exact on integer costs, so priorities are scaled
to integers first: ``round(priority * PRIORITY_SCALE)``. The plan is optimal for the scaled
problem; each rounding moves a priority by at most ``0.5 / PRIORITY_SCALE``, so its total
is within ``n_visits / PRIORITY_SCALE`` of the best unscaled total (``1e-9`` per visit).

**Order.** Each executive's visits (executives most senior first) come in priority order,
numbered ``order`` 1, 2, ...; each briefing says in one line why the visit ranks where it does.

**Dates** are scheduled after the assignment (so the plan stays optimal) and stay proposals
(``placeholder_date``; calendars mark them TENTATIVE):

- the period is a calendar quarter: by default the next one after the as-of date
  (``visits.quarter``: ``"this"`` runs from the as-of date to the end of its quarter,
  ``"after"`` is the quarter after next), or explicit dates;
- an executive's visits to one city form a **trip** on consecutive working days; trips
  are taken in the order of their most important visit, the first trip early in the
  period and the others spread evenly after it;
- only **working days of the account's country** (``accounts.country`` as an ISO code or
  a name: "CN", "China", "中国"; else the contact's country) are proposed: weekends and
  public holidays of the ``holidays`` library are skipped, and adjusted working weekends
  (China's 调休 Saturdays, ``weekend_workdays``) are used where the library has them. An
  unknown country gets Monday to Friday, with a note;
- at most one visit a day and ``visits.week_cap`` visits a calendar week per executive;
  a trip that hits the cap continues on the next free working day. When the period has no
  free working day left, the visit goes to the first working day of its slot anyway and the
  plan says so in ``notes``.

What the ``holidays`` library (0.109) knows for China: 2026 in full, with the published
adjusted working days (2026-01-04, 02-14, 02-28, 05-09, 09-20, 10-10); for 2027 only the
statutory days (Spring Festival eve 02-05 to 02-08, plus 02-09 and 02-10 in lieu of the
weekend days) and no adjusted working weekend, as the State Council had not published the
2027 arrangement when that release was made. A newer ``holidays`` release adds it.

Each visit has a **briefing** in plain words (:func:`briefing_text`): who the contact is and
why they matter (role, say in the decision, influence links and reporting lines in words,
their standing among the account's people), where the relationship stands and how it
moved (strength in words, its trend, the attitude history of the dated assessments), the
account's open opportunities (amount in the account's currency, :mod:`kamgraph.analysis.money`, stage, close date),
the contact's own notes, the last ``visits.briefing_meetings`` meetings with their notes,
who on our side knows them, who introduces the executive and what to ask them, the gaps
the visit closes, and two or three talking points derived from those facts. Nothing in a
briefing is invented: every sentence is built from a row of the data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from kamgraph.analysis.access import COLLEAGUE_KIND
from kamgraph.analysis.coverage import (
    account_contacts,
    account_ids,
    internal_contact_strengths,
)
from kamgraph.analysis.dates import country_code, resolve_as_of, working_days
from kamgraph.analysis.gaps import RULE_EXECUTIVE_VISITS, gaps
from kamgraph.analysis.influence import influence
from kamgraph.analysis.money import account_currencies
from kamgraph.analysis.paths import access_paths_for
from kamgraph.analysis.people import (
    first_email,
    internal_ids,
    person_levels,
    shown_names,
)
from kamgraph.analysis.trends import trends
from kamgraph.analysis.words import article, join_and, join_list, sentence_join
from kamgraph.errors import ConfigError, NotFound
from kamgraph.i18n import (
    N_,
    NP_,
    _,
    current_language,
    fmt_day,
    fmt_month,
    ngettext,
    pgettext,
)
from kamgraph.i18n.terms import term
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = ["PRIORITY_SCALE", "VISIT_COLUMNS", "CANDIDATE_COLUMNS", "QUARTERS", "VisitPlan", "plan_visits",
           "solve_assignment", "scaled_priorities", "briefing_text", "default_period", "quarter_period",
           "schedule_visits"]

#: priorities are multiplied by this and rounded to integers before the exact min-cost flow
PRIORITY_SCALE = 10**9


#: how a visit gets in: the executive's own relationship, an introduction, or a cold request
ACCESS_DIRECT, ACCESS_INTRODUCTION, ACCESS_COLD = "direct", "introduction", "cold"

VISIT_COLUMNS = [
    "executive_id", "executive_name", "executive_level", "trip", "city", "account_id", "account_name", "tier",
    "contact_id", "contact_name", "contact_title", "contact_level", "decision_role", "attitude", "influence",
    "priority", "tier_weight", "role_weight", "severity", "feasibility", "access", "introduction", "via_id",
    "gaps", "placeholder_date", "country", "order",
]

CANDIDATE_COLUMNS = [
    "executive_id", "executive_name", "executive_level", "contact_id", "contact_name", "contact_level",
    "account_id", "account_name", "tier", "city", "decision_role", "priority", "tier_weight", "role_weight",
    "severity", "feasibility", "access", "introduction", "via_id", "gaps", "chosen",
]

EXECUTIVE_COLUMNS = ["executive_id", "executive_name", "executive_level", "executive_city", "capacity", "planned"]

_SRC, _SNK = ("source",), ("sink",)


@dataclass(frozen=True)
class VisitPlan:
    """The chosen visits, every allowed candidate pair, and a briefing per visit.

    ``visits``: :data:`VISIT_COLUMNS`, per executive (most senior first) in priority order
    (``order`` 1, 2, ...), with the ``trip`` (the executive's cities, most important first),
    the proposed working day (``placeholder_date``, tentative) and the ``country`` whose
    calendar was used (an ISO code when known). ``candidates``: :data:`CANDIDATE_COLUMNS`, one row per
    level-matched (executive, contact) pair with its priority and ``chosen``.
    ``executives``: :data:`EXECUTIVE_COLUMNS`. ``briefings``: one dict per visit, in the
    order of ``visits`` (see :func:`briefing_text`). ``total_priority``: the sum of the
    visits' priorities; ``total_scaled``: the same in the integer units the solver used.
    """

    visits: pd.DataFrame
    candidates: pd.DataFrame
    executives: pd.DataFrame
    briefings: tuple[dict, ...]
    total_priority: float
    total_scaled: int
    as_of: pd.Timestamp
    period: tuple[pd.Timestamp, pd.Timestamp]
    accounts: tuple[str, ...]
    regions: tuple[str, ...] | None = None
    notes: tuple[str, ...] = field(default=())
    settings: Settings | None = field(default=None, repr=False, compare=False)

    @property
    def briefing_frame(self) -> pd.DataFrame:
        """Briefings as a frame: one row per visit, nested lists as JSON-friendly objects."""
        return pd.DataFrame(list(self.briefings))


# -- inputs ---------------------------------------------------------------------------------

#: the quarters a plan can cover, relative to the as-of date
QUARTERS = ("this", "next", "after")


def quarter_period(t, which: str = "next") -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a calendar quarter relative to the date ``t``.

    ``which``: ``"this"`` (from ``t`` to the end of its quarter), ``"next"`` or ``"after"``
    (the quarter after next).

    >>> [f"{d:%Y-%m-%d}" for d in quarter_period("2026-11-15")]
    ['2027-01-01', '2027-03-31']
    >>> [f"{d:%Y-%m-%d}" for w in ("this", "after") for d in quarter_period("2026-11-15", w)]
    ['2026-11-15', '2026-12-31', '2027-04-01', '2027-06-30']
    """
    if which not in QUARTERS:
        raise ConfigError(_("the quarter must be one of {choices}, got {value}").format(
            choices=", ".join(QUARTERS), value=repr(which)))
    t = pd.Timestamp(t).normalize()
    q = pd.Period(t, freq="Q") + QUARTERS.index(which)
    start = t if which == "this" else q.start_time.normalize()
    return start, q.end_time.normalize()


def default_period(settings: Settings, as_of=None, quarter: str | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The planning period: the calendar quarter ``quarter`` (default ``visits.quarter``,
    ``"next"``) relative to the as-of date (:func:`quarter_period`)."""
    return quarter_period(resolve_as_of(settings, as_of), quarter or settings.visits.quarter)


def _period(settings: Settings, t: pd.Timestamp, period, quarter=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    d0, d1 = default_period(settings, t, quarter)
    if period is None:
        return d0, d1
    start, end = period
    try:
        start = None if start is None else pd.Timestamp(start).normalize()
        end = None if end is None else pd.Timestamp(end).normalize()
    except (ValueError, TypeError):
        raise ConfigError(_("the period must be two dates like 2026-12-01, got {value}").format(
            value=repr(period))) from None
    if start is None and end is None:
        return d0, d1
    if end is None:  # to the end of the start's quarter
        end = pd.Period(start, freq="Q").end_time.normalize()
    if start is None:  # from the start of the end's quarter, never before the as-of date
        start = max(t, pd.Period(end, freq="Q").start_time.normalize()) if end >= t else \
            pd.Period(end, freq="Q").start_time.normalize()
    if end < start:
        raise ConfigError(_("the period ends ({end}) before it starts ({start})").format(
            end=fmt_day(end), start=fmt_day(start)))
    return start, end


# -- working days ---------------------------------------------------------------------------

def schedule_visits(visits: pd.DataFrame, start, end, week_cap: int) -> tuple[pd.DataFrame, list[str]]:
    """Proposed dates for the chosen visits (see "Dates" in the module docstring).

    ``visits`` has columns ``executive_id, contact_id, city, country, priority`` (any index).
    Returns a frame on the same index with ``trip`` (1, 2, ... per executive, in the order
    of the trips' most important visits) and ``placeholder_date``, and the notes for
    visits that found no free working day.

    >>> v = pd.DataFrame({"executive_id": ["e", "e", "e"], "contact_id": ["a", "b", "c"],
    ...                   "city": ["Shanghai", "Munich", "Shanghai"], "country": ["CN", "DE", "CN"],
    ...                   "priority": [3.0, 2.0, 1.0]})
    >>> out, notes = schedule_visits(v, "2027-01-01", "2027-03-31", week_cap=3)
    >>> out.assign(day=out["placeholder_date"].dt.strftime("%a %m-%d"))[["trip", "day"]].values.tolist()
    [[1, 'Mon 01-04'], [2, 'Mon 02-15'], [1, 'Tue 01-05']]
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    n_days = (end - start).days + 1
    trip = pd.Series(0, index=visits.index, dtype=np.int64)
    when = pd.Series(pd.NaT, index=visits.index, dtype="datetime64[ns]")
    notes: list[str] = []
    v = visits.assign(_city=visits["city"].where(visits["city"].notna(), "").astype(str),
                      _country=visits["country"].where(visits["country"].notna(), "").astype(str))
    for ex, grp in v.groupby("executive_id", sort=False):
        top = grp.groupby("_city", sort=True)["priority"].max()
        cities = sorted(top.index, key=lambda c: (-top[c], c))
        busy: set[pd.Timestamp] = set()
        per_week: Counter = Counter()
        for k, city in enumerate(cities):
            stops = grp[grp["_city"] == city].sort_values(["priority", "contact_id"], ascending=[False, True],
                                                          kind="mergesort")
            slot = start + pd.Timedelta(days=k * n_days // len(cities))
            work = working_days(stops["_country"].iloc[0] or None, start, end)
            days = list(work[work >= slot]) + list(work[work < slot])  # from the slot on, then wrap
            pos = 0
            for i in stops.index:
                placed = None
                while pos < len(days):
                    d = days[pos]
                    pos += 1
                    week = d.isocalendar()[:2]
                    if d not in busy and per_week[week] < week_cap:
                        placed = d
                        break
                if placed is None:
                    placed = days[0] if days else slot
                    notes.append(_("{executive} has more visits than free working days in the period: the visit to "
                                   "{contact} shares {day} with another visit or goes over the weekly limit.").format(
                        executive=v.at[i, 'executive_name'] if 'executive_name' in v else ex,
                        contact=v.at[i, 'contact_name'] if 'contact_name' in v else i, day=fmt_day(placed)))
                busy.add(placed)
                per_week[placed.isocalendar()[:2]] += 1
                trip.at[i] = k + 1
                when.at[i] = placed
    return pd.DataFrame({"trip": trip, "placeholder_date": when}), notes


def _executives(snap: Snapshot, settings: Settings, executives, capacity) -> pd.DataFrame:
    p = snap.people.drop_duplicates("id").set_index("id")
    levels = person_levels(snap)
    ours = set(internal_ids(snap))
    if executives is None:
        ids = sorted(i for i in ours if levels.get(i, np.nan) <= settings.visits.executive_max_level)
    else:
        ids = list(dict.fromkeys(executives))
        unknown = [i for i in ids if i not in p.index]
        if unknown:
            raise NotFound(_("no person with id {id}").format(id=", ".join(map(repr, unknown))))
        outside = [i for i in ids if i not in ours]
        if outside:
            raise ConfigError(ngettext("executives must be our own (internal) people; {ids} is not",
                                       "executives must be our own (internal) people; {ids} are not",
                                       len(outside)).format(ids=", ".join(map(repr, outside))))
    default = settings.visits.capacity
    if capacity is None or isinstance(capacity, (int, np.integer)):
        caps = {i: int(default if capacity is None else capacity) for i in ids}
    elif isinstance(capacity, Mapping):
        extra = sorted(set(capacity) - set(ids))
        if extra:
            raise ConfigError(ngettext("capacity given for {ids}, who is not among the executives",
                                       "capacity given for {ids}, who are not among the executives",
                                       len(extra)).format(ids=", ".join(map(repr, extra))))
        caps = {i: int(capacity.get(i, default)) for i in ids}
    else:
        raise ConfigError(_("capacity must be a number of visits or a mapping executive id -> number, got {value}").format(
            value=repr(capacity)))
    bad = {i: c for i, c in caps.items() if c < 0}
    if bad:
        raise ConfigError(_("capacity cannot be negative: {values}").format(values=bad))
    out = pd.DataFrame({"executive_id": ids})
    out["executive_name"] = out["executive_id"].map(shown_names(snap)).astype(object)
    out["executive_level"] = out["executive_id"].map(levels).astype(float)
    out["executive_city"] = out["executive_id"].map(p["city"]).astype(object)
    out["capacity"] = out["executive_id"].map(caps).astype(np.int64)
    out = out.sort_values(["executive_level", "executive_id"], na_position="last", kind="mergesort")
    return out.reset_index(drop=True)


def _accounts(snap: Snapshot, accounts, regions) -> list[str]:
    ids = account_ids(snap, accounts)
    if regions is None:
        return ids
    wanted = {str(r).strip().casefold() for r in regions}
    acc = snap.accounts.drop_duplicates("id").set_index("id")
    region = acc["region"].reindex(ids)
    keep = [i for i, r in zip(ids, region) if isinstance(r, str) and r.strip().casefold() in wanted]
    if not keep:
        known = sorted({r for r in acc["region"].dropna().astype(str)})
        raise ConfigError(_("no account in region {regions}; known regions: {known}").format(
            regions=", ".join(map(repr, sorted(regions))), known=", ".join(known) or _("none")))
    return keep


# -- candidates -----------------------------------------------------------------------------

def _candidate_contacts(snap: Snapshot, settings: Settings, t: pd.Timestamp, ids: Sequence[str]) -> pd.DataFrame:
    """One row per contact worth a visit: account, tier, role, severity and the gaps it addresses."""

    v = settings.visits
    contacts = account_contacts(snap, settings, t, ids)
    g = gaps(snap, settings, t, accounts=ids, kinds=v.gap_kinds)
    g = g.assign(base=g["kind"].map(dict(settings.gaps.severity)).astype(float))
    personal = g[g["target_id"].notna()].merge(
        contacts[["account_id", "contact_id"]], left_on=["account_id", "target_id"],
        right_on=["account_id", "contact_id"])
    quota = g[g["target_id"].isna() & (g["kind"] == "tier_policy") & (g["rule"] == RULE_EXECUTIVE_VISITS)]
    senior = contacts[contacts["decision_role"].isin(v.exec_visit_roles)]
    by_quota = quota.drop(columns=["target_id"]).merge(senior[["account_id", "contact_id"]], on="account_id")
    cols = ["account_id", "contact_id", "tier", "kind", "rule", "base", "evidence", "action", "actor_name"]
    rows = pd.concat([personal[cols], by_quota[cols]], ignore_index=True)
    if rows.empty:
        return pd.DataFrame(columns=["account_id", "contact_id", "tier", "severity", "gaps", "gap_rows"])
    rows = rows.sort_values(["account_id", "contact_id", "base", "kind"], ascending=[True, True, False, True],
                            kind="mergesort")
    grouped = rows.groupby(["account_id", "contact_id"], sort=True)
    out = grouped.agg(tier=("tier", "first"), severity=("base", "max"),
                      gaps=("kind", lambda k: ",".join(dict.fromkeys(k)))).reset_index()
    details = {key: [{"kind": k, "rule": r, "severity": float(b), "evidence": e, "action": a,
                      "actor_name": n if isinstance(n, str) else None}
                     for k, r, b, e, a, n in zip(grp["kind"], grp["rule"], grp["base"], grp["evidence"], grp["action"],
                                                 grp["actor_name"])]
               for key, grp in grouped}
    out["gap_rows"] = [details[(a, c)] for a, c in zip(out["account_id"], out["contact_id"])]
    out = out.merge(contacts, on=["account_id", "contact_id"], how="left")

    tw = dict(settings.tiers.weights)
    lightest = min(tw.values()) if tw else 1.0
    out["tier_weight"] = out["tier"].map(tw).astype(float).fillna(lightest)
    out["role_weight"] = out["decision_role"].map(dict(v.role_weights)).astype(float).fillna(v.unassessed_role_weight)
    # a contact employed at two accounts is one person: keep the account where the visit weighs most
    out["_w"] = out["tier_weight"] * out["role_weight"] * out["severity"]
    out = out.sort_values(["contact_id", "_w", "account_id"], ascending=[True, False, True], kind="mergesort")
    return out.drop_duplicates("contact_id").drop(columns="_w").reset_index(drop=True)


def _feasibility(snap: Snapshot, settings: Settings, t: pd.Timestamp, execs: pd.DataFrame,
                 contacts: pd.DataFrame) -> pd.DataFrame:
    """Best access path from each executive to each candidate: ``executive_id, contact_id, score,
    kind, explanation, via_id``."""

    if execs.empty or contacts.empty:
        return pd.DataFrame(columns=["executive_id", "contact_id", "score", "path_kind", "explanation", "via_id",
                                     "via_kind"])
    # every path to these targets, so the best one of each executive is never cut off by top-k
    k = max(settings.paths.top_k, len(snap.people) + len(snap.organizations))
    paths = access_paths_for(snap, settings, contacts["contact_id"].unique(), as_of=t, k=k)
    paths = paths[paths["internal_id"].isin(execs["executive_id"])]
    best = paths.sort_values(["target_id", "internal_id", "rank"], kind="mergesort").drop_duplicates(
        ["target_id", "internal_id"])
    return best.rename(columns={"target_id": "contact_id", "internal_id": "executive_id", "kind": "path_kind"})[
        ["executive_id", "contact_id", "score", "path_kind", "explanation", "via_id", "via_kind"]]


def _pairs(settings: Settings, execs: pd.DataFrame, cand: pd.DataFrame, best: pd.DataFrame) -> pd.DataFrame:
    """Level-matched (executive, contact) pairs with their priority."""
    if execs.empty or cand.empty:
        return pd.DataFrame(columns=["executive_id", "contact_id", "priority"])
    pairs = execs[["executive_id", "executive_name", "executive_level"]].merge(cand, how="cross")
    contact_level = pairs["level"].astype(float).fillna(-np.inf)  # unknown contact level: anyone may visit
    matched = pairs["executive_level"].astype(float).fillna(np.inf) <= contact_level + settings.visits.level_gap
    pairs = pairs[matched.to_numpy()].merge(best, on=["executive_id", "contact_id"], how="left")
    floor = settings.visits.feasibility_floor
    score = pairs["score"].astype(float)
    pairs["feasibility"] = score.fillna(0.0).clip(lower=floor)
    known = score.notna() & (score >= floor)
    direct = pairs["path_kind"] == "direct"
    pairs["access"] = np.select([known & direct, known], [ACCESS_DIRECT, ACCESS_INTRODUCTION], default=ACCESS_COLD)
    intro = pairs["access"] == ACCESS_INTRODUCTION
    pairs["introduction"] = pairs["explanation"].where(intro, None).astype(object)
    pairs["via_id"] = pairs["via_id"].where(intro, None).astype(object)
    pairs["via_kind"] = pairs["via_kind"].where(intro, None).astype(object)
    pairs["priority"] = pairs["tier_weight"] * pairs["role_weight"] * pairs["severity"] * pairs["feasibility"]
    return pairs.reset_index(drop=True)


# -- the exact solver -------------------------------------------------------------------------

def scaled_priorities(priority) -> np.ndarray:
    """Priorities in the solver's integer units: ``round(priority * PRIORITY_SCALE)``."""
    return np.rint(np.asarray(priority, dtype=float) * PRIORITY_SCALE).astype(np.int64)


def solve_assignment(edges: pd.DataFrame, capacity: Mapping[str, int]) -> np.ndarray:
    """Choose edges maximizing the total priority; each contact once, each executive within capacity.

    ``edges`` has columns ``executive_id, contact_id, priority`` (>= 0; at most one row per
    pair); ``capacity`` maps every executive id to a number of visits (missing: 0).
    Returns a boolean mask over ``edges``. Exact for the integer-scaled priorities
    (:func:`scaled_priorities`), by min-cost flow (see the module docstring).

    >>> e = pd.DataFrame({"executive_id": ["x", "x", "y"], "contact_id": ["a", "b", "a"],
    ...                   "priority": [3.0, 2.0, 2.5]})
    >>> solve_assignment(e, {"x": 1, "y": 1}).tolist()  # x->b and y->a (4.5) beats x->a (3.0)
    [False, True, True]
    """
    chosen = np.zeros(len(edges), dtype=bool)
    if edges.empty:
        return chosen
    w = scaled_priorities(edges["priority"].to_numpy())
    execs = edges["executive_id"].to_numpy(dtype=object)
    contacts = edges["contact_id"].to_numpy(dtype=object)
    usable = w > 0  # a pair worth nothing is never worth a visit
    cap = {e: max(0, int(capacity.get(e, 0))) for e in pd.unique(execs[usable])}
    usable &= np.array([cap.get(e, 0) > 0 for e in execs])
    if not usable.any():
        return chosen
    idx = np.flatnonzero(usable)
    degree = pd.Series(execs[idx]).value_counts()
    n_contacts = len(pd.unique(contacts[idx]))
    flow_total = int(min(sum(min(cap[e], int(degree[e])) for e in degree.index), n_contacts))

    g = nx.DiGraph()
    g.add_node(_SRC, demand=-flow_total)
    g.add_node(_SNK, demand=flow_total)
    g.add_edge(_SRC, _SNK, capacity=flow_total, weight=0)  # unused capacity flows around the plan
    for e in sorted(degree.index, key=str):
        g.add_edge(_SRC, ("e", e), capacity=min(cap[e], int(degree[e])), weight=0)
    for c in sorted(pd.unique(contacts[idx]), key=str):
        g.add_edge(("c", c), _SNK, capacity=1, weight=0)
    where = {}
    for i in idx:
        g.add_edge(("e", execs[i]), ("c", contacts[i]), capacity=1, weight=-int(w[i]))
        where[(execs[i], contacts[i])] = i
    flow = nx.min_cost_flow(g)
    for (e, c), i in where.items():
        if flow[("e", e)][("c", c)] > 0:
            chosen[i] = True
    return chosen


# -- the plan -------------------------------------------------------------------------------

def plan_visits(snap: Snapshot, settings: Settings, as_of=None, executives: Iterable[str] | None = None,
                period=None, capacity: int | Mapping[str, int] | None = None,
                regions: Iterable[str] | None = None, accounts: Iterable[str] | None = None,
                quarter: str | None = None) -> VisitPlan:
    """The optimal executive visit plan (see the module docstring).

    ``period`` is ``(start, end)`` (dates; a missing end is the end of the start's quarter),
    default :func:`default_period` of ``quarter`` (``"this"``, ``"next"`` or ``"after"``;
    default ``visits.quarter``). ``capacity`` is a number of visits per executive or a mapping
    executive id -> visits (others get ``visits.capacity``). Raises
    :class:`~kamgraph.errors.NotFound` for unknown people or accounts and
    :class:`~kamgraph.errors.ConfigError` for bad arguments.

    >>> from kamgraph.settings import Settings
    >>> Settings().visits.feasibility_floor
    0.1

    Examples
    --------
    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> plan = plan_visits(snap, settings)
    >>> len(plan.visits), plan.visits.loc[0, ["executive_name", "contact_name", "access"]].tolist()
    (14, ['Elena Wang', 'Elena Xu', 'introduction'])
    """
    t = resolve_as_of(settings, as_of)
    start, end = _period(settings, t, period, quarter)
    execs = _executives(snap, settings, None if executives is None else list(executives), capacity)
    regions = None if regions is None else tuple(regions)
    ids = _accounts(snap, None if accounts is None else list(accounts), regions)
    notes = []
    unleveled = execs.loc[execs["executive_level"].isna(), "executive_name"].tolist()
    if unleveled:
        notes.append(_("No level known for {people}: level matching needs one, so they get no visits.").format(
            people=join_list(map(str, unleveled))))

    cand = _candidate_contacts(snap, settings, t, ids) if ids else pd.DataFrame()
    if len(cand):
        cand["contact_name"] = cand["contact_id"].map(shown_names(snap))
        acc = snap.accounts.drop_duplicates("id").set_index("id")
        people = snap.people.drop_duplicates("id").set_index("id")
        cand["account_name"] = cand["account_id"].map(acc["name"])
        pcity = cand["contact_id"].map(people["city"])
        cand["city"] = pcity.where(pcity.notna(), cand["account_id"].map(acc["city"])).astype(object)
        # the account's country decides the working days; the contact's when the account has none
        raw = cand["account_id"].map(acc["country"])
        raw = raw.where(raw.notna(), cand["contact_id"].map(people["country"]))
        codes = raw.map(country_code)
        cand["country"] = codes.where(codes.notna(), raw).astype(object)
    best = _feasibility(snap, settings, t, execs, cand)
    pairs = _pairs(settings, execs, cand, best)
    chosen = solve_assignment(pairs[["executive_id", "contact_id", "priority"]],
                              dict(zip(execs["executive_id"], execs["capacity"])))
    pairs["chosen"] = chosen
    if settings.visits.week_cap < 1:
        raise ConfigError(_("visits.week_cap must be at least 1 visit a week, got {value}").format(
            value=settings.visits.week_cap))
    visits, overflow = _visit_frame(pairs[chosen].copy(), execs, start, end, settings.visits.week_cap)
    if len(visits):
        country = visits["country"]
        missing = sorted(set(visits.loc[country.isna(), "account_name"].astype(str)))
        unknown = sorted({str(c) for c in country.dropna() if country_code(c) is None})
        if missing:
            notes.append(_("No country recorded for {accounts}: visits there avoid weekends only.").format(
                accounts=join_list(missing)))
        if unknown:
            notes.append(_("No public-holiday calendar for {countries}: visits there avoid weekends only.").format(
                countries=join_list(unknown)))
    notes += overflow
    total_scaled = int(scaled_priorities(visits["priority"].to_numpy()).sum()) if len(visits) else 0
    execs = execs.assign(planned=execs["executive_id"].map(visits["executive_id"].value_counts())
                         .fillna(0).astype(np.int64))
    candidates = _candidate_frame(pairs)
    briefings = _briefings(snap, settings, t, visits, cand, pairs[chosen])
    return VisitPlan(visits=visits, candidates=candidates, executives=execs[EXECUTIVE_COLUMNS],
                     briefings=briefings, total_priority=float(visits["priority"].sum()) if len(visits) else 0.0,
                     total_scaled=total_scaled, as_of=t, period=(start, end), accounts=tuple(ids), regions=regions,
                     notes=tuple(notes), settings=settings)


def _typed(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for c in columns:
        if c not in df.columns:
            df[c] = None
    df = df[list(columns)].reset_index(drop=True)
    for c in ("executive_level", "contact_level", "priority", "tier_weight", "role_weight", "severity",
              "feasibility"):
        if c in df.columns:
            df[c] = df[c].astype(float)
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].where(df[c].notna(), None)
    return df


def _candidate_frame(pairs: pd.DataFrame) -> pd.DataFrame:
    if pairs.empty:
        out = _typed(pairs.copy(), CANDIDATE_COLUMNS)
        out["chosen"] = out["chosen"].astype(bool)
        return out
    p = pairs.rename(columns={"level": "contact_level"})
    p = p.sort_values(["priority", "executive_id", "contact_id"], ascending=[False, True, True], kind="mergesort")
    out = _typed(p, CANDIDATE_COLUMNS)
    out["chosen"] = out["chosen"].astype(bool)
    return out


def _visit_frame(v: pd.DataFrame, execs: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                 week_cap: int) -> tuple[pd.DataFrame, list[str]]:
    if v.empty:
        out = _typed(v, VISIT_COLUMNS)
        out["trip"] = out["trip"].astype(np.int64)
        out["order"] = out["order"].astype(np.int64)
        out["placeholder_date"] = pd.Series(dtype="datetime64[ns]")
        return out, []
    v = v.rename(columns={"level": "contact_level", "title": "contact_title"})
    order = {e: i for i, e in enumerate(execs["executive_id"])}
    v["_e"] = v["executive_id"].map(order)
    # each executive's visits in priority order: the most important first
    v = v.sort_values(["_e", "priority", "contact_id"], ascending=[True, False, True], kind="mergesort")
    v["order"] = (v.groupby("_e", sort=False).cumcount() + 1).astype(np.int64)
    dates, notes = schedule_visits(v, start, end, week_cap)
    v["trip"] = dates["trip"]
    v["placeholder_date"] = dates["placeholder_date"]
    return _typed(v, VISIT_COLUMNS), notes


# -- briefings ------------------------------------------------------------------------------
#
# Every sentence below is built from rows of the data; words come from these tables.

_ROLE_WORDS = {
    "decision_maker": N_("the decision-maker"),
    "approver": N_("an approver"),
    "technical_evaluator": N_("a technical evaluator"),
    "influencer": N_("an influencer"),
    "procurement": N_("the procurement gatekeeper"),
    "coach": N_("our coach"),
    "user": N_("a user"),
}
#: who they are, by role: one sentence each ({account} filled in)
_ROLE_STANDING = {
    "decision_maker": N_("The decision-maker: has the final say on what {account} buys."),
    "approver": N_("An approver: signs off major purchases at {account}."),
    "technical_evaluator": N_("A technical evaluator: judges suppliers' technical proposals at {account}."),
    "influencer": N_("An influencer: shapes buying decisions at {account}."),
    "procurement": N_("The procurement gatekeeper: runs supplier selection and terms at {account}."),
    "coach": N_("Our coach: guides us inside {account}."),
    "user": N_("A user: works with what we supply to {account}."),
}
_SAY_WORDS = {5: N_("a decisive say"), 4: N_("a strong say"), 3: N_("a real say"), 2: N_("a small say"),
              1: N_("little say")}
#: an influence link's weight, as a sentence about the person influenced ({person})
_WEIGHT_WORDS = {5: N_("Carries great weight with {person}."), 4: N_("Carries a lot of weight with {person}."),
                 3: N_("Carries weight with {person}."), 2: N_("Has some say with {person}."),
                 1: N_("Has a little say with {person}.")}
_TREND_WORDS = {"warming": NP_("relationship", "warming"), "stable": NP_("relationship", "steady"),
                "cooling": NP_("relationship", "cooling"), "dormant": NP_("relationship", "gone quiet"),
                "new": NP_("relationship", "new")}
_TIE_WORDS = {"friend": N_("friends"), "classmate": N_("classmates"), "former_colleague": N_("former colleagues"),
              "relative": N_("relatives"), "comrade": N_("comrades (served together)"),
              "official": N_("connected through official duties"), "business": N_("business contacts"),
              "other": N_("acquainted")}
_KIND_WORDS = {"visit": NP_("interaction_kind", "visit"), "meeting": NP_("interaction_kind", "meeting"),
               "meal": NP_("interaction_kind", "meal"), "call": NP_("interaction_kind", "call"),
               "email": NP_("interaction_kind", "e-mail"), "event": NP_("interaction_kind", "event")}
_ACCESS_SHORT = {ACCESS_DIRECT: N_("you know them already"), ACCESS_COLD: N_("nobody can introduce you")}
_GAP_SHORT = {
    "uncovered_decision_maker": N_("nobody on our side really knows them yet"),
    "no_peer_coverage": N_("nobody at their level on our side knows them"),
    "cooling_key_relationship": N_("our best relationship with them is fading"),
    "unmanaged_opponent": N_("an influential opponent nobody manages"),
    "tier_policy": N_("the account is behind what its tier asks of us"),
}
_STRENGTH_WORDS = (N_("strong"), N_("solid"), N_("moderate"), N_("weak"))


def _trend_word(label) -> str | None:
    return pgettext("relationship", _TREND_WORDS[label]) if label in _TREND_WORDS else None


def _kind_word(kind) -> str:
    return pgettext("interaction_kind", _KIND_WORDS[kind]) if kind in _KIND_WORDS else str(kind)


def _chinese() -> bool:
    return current_language() == "zh_CN"


def role_words(role) -> str:
    """A decision role in words: ``decision_maker`` -> ``decision-maker``.

    >>> role_words("technical_evaluator"), role_words(None)
    ('technical evaluator', 'no assessed role')
    """
    if not isinstance(role, str):
        return _("no assessed role")
    return _("decision-maker") if role == "decision_maker" else term("role", role)


def strength_words(strength, settings: Settings) -> str:
    """A relationship strength in words, on the coverage thresholds.

    >>> s = Settings()
    >>> [strength_words(x, s) for x in (0.9, 0.55, 0.35, 0.1, 0.01, None)]
    ['strong', 'solid', 'moderate', 'weak', 'barely there', 'no contact on record']
    """
    if strength is None or pd.isna(strength):
        return _("no contact on record")
    cov = settings.coverage
    for limit, word in zip((max(0.7, cov.covered), cov.covered, cov.thread, 0.05), _STRENGTH_WORDS):
        if strength >= limit:
            return _(word)
    return _("barely there")


def _who(name, title) -> str:
    return _("{name} ({title})").format(name=name, title=title) if isinstance(title, str) and title else str(name)


def money(amount, currency: str = "") -> str | None:
    """An amount in words: ``CNY 38 million``; without a currency, the bare amount
    (Chinese: ``CNY 3800万``).

    >>> money(38_000_000, "CNY"), money(12_500_000), money(950_000, "EUR"), money(None)
    ('CNY 38 million', '12.5 million', 'EUR 950,000', None)
    """
    if amount is None or pd.isna(amount):
        return None
    a = float(amount)
    if _chinese():
        if abs(a) >= 1e8:
            text = f"{a / 1e8:.2f}".rstrip("0").rstrip(".") + "亿"
        elif abs(a) >= 1e4:
            text = f"{a / 1e4:.1f}".rstrip("0").rstrip(".") + "万"
        else:
            text = f"{a:,.0f}"
    elif abs(a) >= 1e9:
        text = f"{a / 1e9:.2f}".rstrip("0").rstrip(".") + " billion"
    elif abs(a) >= 1e6:
        text = f"{a / 1e6:.1f}".rstrip("0").rstrip(".") + " million"
    else:
        text = f"{a:,.0f}"
    return f"{currency} {text}" if currency else text


def _day(v) -> str | None:
    return None if v is None or pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}"


def _month(v) -> str:
    return fmt_month(v) if _chinese() else f"{pd.Timestamp(v):%B %Y}"


def _attitude_history(rows: pd.DataFrame) -> tuple[list[dict], str]:
    """Dated attitudes (changes only) and a sentence: ``neutral since May 2025 ...``."""
    rows = rows[rows["attitude"].notna()].sort_values("assessed_on", kind="mergesort")
    if rows.empty:
        return [], _("Attitude toward us: not assessed yet.")
    changes = rows[rows["attitude"] != rows["attitude"].shift()]
    history = [{"date": _day(d), "attitude": a} for d, a in zip(changes["assessed_on"], changes["attitude"])]
    last = fmt_day(rows["assessed_on"].iloc[-1])
    if len(history) == 1:
        return history, _("Attitude toward us: {attitude} since {month} (last assessed {day}).").format(
            attitude=term("attitude", history[0]["attitude"]), month=_month(history[0]["date"]), day=last)
    steps = " → ".join(_("{attitude} ({month})").format(attitude=term("attitude", h["attitude"]),
                                                         month=_month(h["date"])) for h in history)
    return history, _("Attitude toward us: {steps}; last assessed {day}.").format(steps=steps, day=last)


def _briefings(snap: Snapshot, settings: Settings, t: pd.Timestamp, visits: pd.DataFrame,
               cand: pd.DataFrame, chosen: pd.DataFrame) -> tuple[dict, ...]:
    if visits.empty:
        return ()
    v = settings.visits
    names = shown_names(snap)
    people = snap.people.drop_duplicates("id").set_index("id")
    orgs = snap.organizations.drop_duplicates("id").set_index("id")
    accounts = snap.accounts.drop_duplicates("id").set_index("id")
    ids = visits["contact_id"].unique()
    title = people["title"]

    # who on our side knows them, best first (top 3), and how the best relationship moves
    pairs = internal_contact_strengths(snap, settings, t, ids)
    pairs = pairs.assign(_lvl=pairs["internal_level"].fillna(np.inf)).sort_values(
        ["contact_id", "strength", "_lvl", "internal_id"], ascending=[True, False, True, True], kind="mergesort")
    top = pairs.groupby("contact_id", sort=False).head(3)
    strength_of = dict(zip(zip(pairs["internal_id"], pairs["contact_id"]), pairs["strength"].astype(float)))
    label = {}
    if len(top):
        tr = trends(snap, settings, t, pairs=top.rename(columns={"internal_id": "person_id", "contact_id": "other_id"})[
            ["person_id", "other_id"]])
        label = dict(zip(zip(tr["person_id"], tr["other_id"]), tr["label"]))
    known = {c: [{"id": i, "name": names.get(i, i), "title": title.get(i), "strength": round(float(st), 4),
                  "words": strength_words(st, settings), "trend": _trend_word(label.get((i, c))),
                  "last_interaction": _day(li)}
                 for i, st, li in zip(grp["internal_id"], grp["strength"], grp["last_interaction"])]
             for c, grp in top.groupby("contact_id", sort=False)}

    # their latest meetings (every kind but e-mail), with who was there and the notes
    att = snap.attendance
    inter = snap.interactions[(snap.interactions["date"] <= t) & (snap.interactions["kind"] != "email")]
    mine = att[att["person_id"].isin(ids)].merge(
        inter[["id", "date", "kind", "subject", "notes", "account_id"]], left_on="interaction_id", right_on="id")
    mine = mine.sort_values(["person_id", "date", "interaction_id"], ascending=[True, False, False], kind="mergesort")
    mine = mine.groupby("person_id", sort=False).head(max(1, v.briefing_meetings))
    who = att[att["interaction_id"].isin(mine["interaction_id"])]
    who = who.assign(name=who["person_id"].map(names).astype(str)).sort_values(["interaction_id", "name", "person_id"],
                                                                               kind="mergesort")
    attendees = who.groupby("interaction_id")[["person_id", "name"]].apply(
        lambda g: list(zip(g["person_id"], g["name"].astype(str)))).to_dict() if len(who) else {}
    meetings = {c: [{"date": _day(d), "kind": k, "subject": sj if isinstance(sj, str) else None,
                     "notes": n if isinstance(n, str) and n.strip() else None,
                     "attendees": [nm for p, nm in attendees.get(i, []) if p != c]}
                    for i, d, k, sj, n in zip(g["interaction_id"], g["date"], g["kind"], g["subject"], g["notes"])]
                for c, g in mine.groupby("person_id", sort=False)}

    # the political picture: standing, influence links, reporting lines, attitude history
    rank = influence(snap, settings, account_ids=sorted(visits["account_id"].unique()), as_of=t)
    rank_n = rank.groupby("account_id").size()
    rank = rank.set_index(["account_id", "person_id"])["rank"]
    # every table narrowed to rows about the visited contacts first, so the per-visit lookups
    # below scan a handful of rows, not the portfolio
    links = snap.influence
    links = links[links["source_id"].isin(ids) | links["target_id"].isin(ids)]
    rivals_of = snap.influence[snap.influence["target_id"].isin(links["target_id"])]
    reports = snap.reports_to
    reports = reports[reports["person_id"].isin(ids) | reports["manager_id"].isin(ids)]
    assess = snap.frames["assessments"]
    assess = assess[(assess["assessed_on"] <= t) & assess["person_id"].isin(ids)]

    # the accounts' open opportunities and the contact's part in them
    opps = snap.opportunities
    opps = opps[(opps["status"] == "open") & opps["account_id"].isin(visits["account_id"])]
    opps = opps.sort_values(["account_id", "amount", "close_date", "id"], ascending=[True, False, True, True],
                            kind="mergesort", na_position="last")
    plays = snap.opportunity_roles
    plays = plays[plays["opportunity_id"].isin(opps["id"])].set_index(["opportunity_id", "person_id"])
    # the account's currency: its own, else the portfolio's reporting currency, else its country's
    currency_of = pd.Series(account_currencies(accounts, settings.tiers.currency).to_numpy(), index=accounts.index)

    ties = snap.ties
    ties = ties[ties["person_id"].isin(ids) | ties["other_id"].isin(ids)]
    gap_rows = cand.set_index("contact_id")["gap_rows"]
    via_kind = {(e, c): k for e, c, k in zip(chosen["executive_id"], chosen["contact_id"], chosen["via_kind"])}
    n_of = visits.groupby("executive_id")["contact_id"].transform("size")

    def tie_between(a, b):
        m = ties[((ties["person_id"] == a) & (ties["other_id"] == b)) | ((ties["person_id"] == b) & (ties["other_id"] == a))]
        if m.empty:
            return None
        r = m.sort_values("strength", ascending=False, kind="mergesort").iloc[0]
        return {"kind": r["kind"], "notes": r["notes"] if isinstance(r.get("notes"), str) and r["notes"] else None}

    out = []
    for row, n_exec in zip(visits.itertuples(index=False), n_of):
        c, acc_id, name = row.contact_id, row.account_id, str(row.contact_name)
        acc_name = str(row.account_name)
        first = name
        # -- who they are and why they matter
        standing = []
        role = row.decision_role if isinstance(row.decision_role, str) else None
        if role in _ROLE_STANDING:
            standing.append(_(_ROLE_STANDING[role]).format(account=acc_name))
        elif role:
            standing.append(_("Role in buying decisions: {role}.").format(role=term("role", role)))
        else:
            standing.append(_("No role in buying decisions assessed yet."))
        infl = None if pd.isna(row.influence) else int(row.influence)
        if infl in _SAY_WORDS:
            standing.append(_("Has {say} in the buying decision ({n} of 5).").format(say=_(_SAY_WORDS[infl]), n=infl))
        out_links = links[links["source_id"] == c].sort_values(["weight", "target_id"], ascending=[False, True],
                                                                kind="mergesort")
        for tgt, w in list(zip(out_links["target_id"], out_links["weight"]))[:2]:
            rivals = rivals_of[(rivals_of["target_id"] == tgt) & (rivals_of["source_id"] != c)]["weight"]
            tname = _who(names.get(tgt, tgt), title.get(tgt))
            if len(rivals) and w > rivals.max() or not len(rivals) and w >= 4:
                standing.append(_("The most trusted voice of {person}.").format(person=tname))
            else:
                standing.append(_(_WEIGHT_WORDS.get(int(w), _WEIGHT_WORDS[2])).format(person=tname))
        in_links = links[links["target_id"] == c].sort_values(["weight", "source_id"], ascending=[False, True],
                                                               kind="mergesort")
        if len(in_links):
            src = in_links.iloc[0]
            others = len(in_links) - 1
            source = _who(names.get(src['source_id'], src['source_id']), title.get(src['source_id']))
            if not others:
                standing.append(_("Listens most to {person}.").format(person=source))
            elif others == 1:
                standing.append(_("Listens most to {person} (and one other).").format(person=source))
            else:
                standing.append(_("Listens most to {person} (and {n} others).").format(person=source, n=others))
        boss = reports.loc[reports["person_id"] == c, "manager_id"]
        staff = int((reports["manager_id"] == c).sum())
        if len(boss):
            b = boss.iloc[0]
            manager = _who(names.get(b, b), title.get(b))
            standing.append(ngettext("Reports to {person}; {n} person reports to them.",
                                     "Reports to {person}; {n} people report to them.", staff).format(person=manager, n=staff)
                            if staff else _("Reports to {person}.").format(person=manager))
        elif staff:
            standing.append(ngettext("Heads the reporting line: {n} person reports to them directly.",
                                     "Heads the reporting line: {n} people report to them directly.", staff).format(n=staff))
        r = rank.get((acc_id, c))
        n_people = int(rank_n.get(acc_id, 0))
        if r is not None and not pd.isna(r) and n_people > 3 and int(r) <= 3:  # lower ranks say little
            standing.append((_("On influence links, reporting lines and who seeks them out: the most influential of the "
                               "{n} people we know at {account}.") if int(r) == 1 else
                             _("On influence links, reporting lines and who seeks them out: among the three most "
                               "influential of the {n} people we know at {account}.")).format(n=n_people, account=acc_name))

        # -- relationship: strength in words, trend, attitude history
        kb = known.get(c, [])
        if kb:
            k0 = kb[0]
            fill = dict(name=k0["name"], strength=k0["words"], trend=k0.get("trend"),
                        day=fmt_day(k0.get("last_interaction")))
            if k0.get("trend") and k0.get("last_interaction"):
                relationship = _("Our strongest relationship: {name}, {strength}, {trend}; last contact {day}.")
            elif k0.get("trend"):
                relationship = _("Our strongest relationship: {name}, {strength}, {trend}.")
            elif k0.get("last_interaction"):
                relationship = _("Our strongest relationship: {name}, {strength}; last contact {day}.")
            else:
                relationship = _("Our strongest relationship: {name}, {strength}.")
            relationship = relationship.format(**fill)
        else:
            relationship = _("Nobody on our side has met {contact} or declared a relationship with them.").format(
                contact=first)
        history, attitude_text = _attitude_history(assess[(assess["person_id"] == c) & (assess["account_id"] == acc_id)])

        # -- open opportunities
        cur = currency_of.get(acc_id) or ""
        opportunities = []
        for oid, oname, stage, amount, close in zip(*(opps.loc[opps["account_id"] == acc_id, k] for k in
                                                      ("id", "name", "stage", "amount", "close_date"))):
            part = None
            if (oid, c) in plays.index:
                pr = plays.loc[(oid, c)]
                pr = pr.iloc[0] if isinstance(pr, pd.DataFrame) else pr
                part = (_(_ROLE_WORDS[pr["role"]]) if pr["role"] in _ROLE_WORDS else role_words(pr["role"])) \
                    if isinstance(pr["role"], str) else None
            opportunities.append({"name": oname, "stage": term("stage", stage) if isinstance(stage, str) else None,
                                  "amount": None if pd.isna(amount) else float(amount), "currency": cur or None,
                                  "value": money(amount, cur), "close_date": _day(close), "contact_role": part})

        # -- access: direct, introduction (and what to ask), or cold
        access = row.access
        introducer = None
        if access == ACCESS_INTRODUCTION and isinstance(row.via_id, str):
            via = row.via_id
            if via in people.index:
                rel = tie_between(via, c)
                if rel:
                    tie = _(_TIE_WORDS[rel["kind"]]) if rel["kind"] in _TIE_WORDS else _("acquainted")
                    rel_text = (_("they are {relation}: {notes}") if rel.get("notes") else _("they are {relation}")).format(
                        relation=tie, notes=rel.get("notes"))
                elif via_kind.get((row.executive_id, c)) == COLLEAGUE_KIND:
                    rel_text = _("they work together at {account}").format(account=acc_name)
                else:
                    rel_text = _("they have met")
                opp = opportunities[0]["name"] if opportunities else None
                ask = (_("Ask {introducer} to introduce you to {contact} ({relation}), and beforehand what they care "
                         "about most this year and how they see our {opportunity} proposal.") if opp else
                       _("Ask {introducer} to introduce you to {contact} ({relation}), and beforehand what they care "
                         "about most this year.")).format(introducer=names.get(via, via), contact=first,
                                                          relation=rel_text, opportunity=opp)
                introducer = {"id": via, "name": str(names.get(via, via)), "title": title.get(via),
                              "email": first_email(people["email"].get(via)), "kind": "person",
                              "relation": rel_text, "ask": ask}
            else:
                oname = orgs["name"].get(via, via) if len(orgs) else via
                ask = _("You and {contact} are both members of {organization}: ask its secretariat to seat you together "
                        "at its next event, or to pass on your request for a meeting.").format(
                    contact=first, organization=oname)
                introducer = {"id": via, "name": str(oname), "title": None, "email": None, "kind": "organization",
                              "relation": _("shared membership"), "ask": ask}
            access_text = (_("Introduction through {introducer}. {ask}").format(introducer=introducer["name"],
                                                                                 ask=introducer["ask"])
                           if introducer["kind"] == "person" else introducer["ask"])
        elif access == ACCESS_DIRECT:
            own = strength_of.get((row.executive_id, c))
            access_text = (_("You know {contact} yourself ({strength}): ask for the meeting directly.")
                           if own is not None else _("You know {contact} yourself: ask for the meeting directly.")).format(
                contact=first, strength=strength_words(own, settings) if own is not None else "")
        else:
            helper = next((k for k in kb if k["id"] != row.executive_id), None)
            if helper:
                access_text = _("Nobody can introduce you. {helper} knows {contact} best on our side: ask {helper} to "
                                "request the meeting and to brief you.").format(helper=helper["name"], contact=first)
                introducer = {"id": helper["id"], "name": helper["name"], "title": helper.get("title"),
                              "email": first_email(people["email"].get(helper["id"])), "kind": "colleague",
                              "relation": _("our colleague"),
                              "ask": _("Ask {helper} to request the meeting with {contact} and to brief you.").format(
                                  helper=helper["name"], contact=first)}
            else:
                access_text = _("Nobody can introduce you: request the meeting with {contact} on the company's "
                                "standing, through the account team.").format(contact=first)

        # -- the gaps this visit closes, in plain words
        closes = []
        tier = row.tier if isinstance(row.tier, str) else None
        tier_word = term("tier", tier) if tier else pgettext("account", "key")
        policy = settings.policy_for(tier)
        for g in gap_rows.get(c, []):
            kind, rule, actor = g["kind"], g.get("rule"), g.get("actor_name")
            if kind == "uncovered_decision_maker":
                text = _("Nobody on our side has a solid relationship with {contact} yet: this visit starts one.").format(
                    contact=first)
            elif kind == "no_peer_coverage":
                text = _("Nobody at a comparable level on our side knows {contact}: you become the peer-level "
                         "contact.").format(contact=first)
            elif kind == "cooling_key_relationship":
                holder = actor or (kb[0]["name"] if kb else _("our side"))
                text = _("{holder}'s relationship with {contact} is fading: this visit renews it.").format(
                    holder=holder, contact=first)
            elif kind == "unmanaged_opponent":
                text = _("{contact} opposes us, has a strong say, and nobody on our side manages that: this visit "
                         "opens a channel.").format(contact=first)
            elif kind == "tier_policy" and rule == RULE_EXECUTIVE_VISITS:
                n_q = policy.min_exec_visits_per_quarter if policy else None
                text = (ngettext("{account} is a {tier} account and is short of the {n} executive visit a quarter its "
                                 "tier asks for: this visit counts.",
                                 "{account} is a {tier} account and is short of the {n} executive visits a quarter its "
                                 "tier asks for: this visit counts.", n_q) if n_q else
                        _("{account} is a {tier} account and is short of the executive visits a quarter its tier asks "
                          "for: this visit counts.")).format(account=acc_name, tier=tier_word, n=n_q)
            elif kind == "tier_policy":
                text = _("{account} is a {tier} account without the strong executive relationship with its "
                         "decision-makers that its tier asks for: this visit builds it.").format(
                    account=acc_name, tier=tier_word)
            else:
                text = _("Open issue: {gap}.").format(gap=term("gap_kind", kind))
            if text not in closes:
                closes.append(text)

        # -- talking points, from the facts above
        points = []
        if opportunities:
            o = opportunities[0]
            facts = join_list(x for x in (o["value"], o["stage"], _("decision due {day}").format(
                day=fmt_day(o["close_date"])) if o["close_date"] else None) if x)
            fill = dict(opportunity=o["name"], facts=facts, contact=first, role=o.get("contact_role"))
            visit_day = _day(row.placeholder_date)
            if o["close_date"] and visit_day and o["close_date"] < visit_day:  # decided before the visit
                points.append((_("The {opportunity} ({facts}), where {contact} is {role}, is due to close before this "
                                 "visit: ask how the decision went and what comes next.") if o.get("contact_role") else
                               _("The {opportunity} ({facts}) is due to close before this visit: ask how the decision "
                                 "went and what comes next.")).format(**fill))
            else:
                points.append((_("The {opportunity} ({facts}), where {contact} is {role}: ask where it stands and what "
                                 "they need from us to decide.") if o.get("contact_role") else
                               _("The {opportunity} ({facts}): ask where it stands and what they need from us to "
                                 "decide.")).format(**fill))
        if len(history) >= 2 and history[-1]["attitude"] != history[-2]["attitude"]:
            points.append(_("{contact}'s attitude moved from {before} to {after} in {month}: ask what changed.").format(
                contact=first, before=term("attitude", history[-2]["attitude"]),
                after=term("attitude", history[-1]["attitude"]), month=_month(history[-1]["date"])))
        elif history and history[-1]["attitude"] in ("skeptic", "opponent"):
            points.append(_("{contact} is assessed as {attitude}: hear out the concerns before presenting "
                            "anything.").format(contact=first, attitude=term("attitude", history[-1]["attitude"])))
        notes = people["notes"].get(c) if "notes" in people.columns else None
        notes = notes.strip() if isinstance(notes, str) and notes.strip() else None
        if notes:
            points.append(_("Common ground from our notes: {notes}").format(notes=notes))
        last = meetings.get(c, [])
        if last and (last[0]["subject"] or last[0]["notes"]):
            what = last[0]["subject"] or _kind_word(last[0]["kind"])
            points.append(_("Follow up on the last contact ({what}, {day}).").format(what=what,
                                                                                     day=fmt_day(last[0]["date"])))
        if len(points) < 3:
            points.append(_("Propose a regular executive-to-executive exchange with {contact}, so the relationship "
                            "does not rest on one meeting.").format(contact=first))
        points = points[:3]

        # -- why this visit ranks where it does, in one line
        what = _(_ROLE_WORDS[role]) if role in _ROLE_WORDS else _("a contact")
        a_tier = article(term("tier", tier) if tier else _("untiered"))
        if opportunities and opportunities[0]["value"]:
            reason = [_("{role} at {a_tier} account with {value} in open business").format(
                role=what, a_tier=a_tier, value=opportunities[0]["value"])]
        else:
            reason = [_("{role} at {a_tier} account").format(role=what, a_tier=a_tier)]
        main = max(gap_rows.get(c, []), key=lambda g: g["severity"], default=None)
        if main is not None:
            reason.append(_(_GAP_SHORT[main["kind"]]) if main["kind"] in _GAP_SHORT else term("gap_kind", main["kind"]))
        reason.append(_("{introducer} can introduce you").format(introducer=introducer["name"])
                      if access == ACCESS_INTRODUCTION and introducer
                      else _(_ACCESS_SHORT[access]) if access in _ACCESS_SHORT else "")
        why = (_("Visit {order} of {n} for {executive} (the most important): {reasons}.") if row.order == 1 and n_exec > 1
               else _("Visit {order} of {n} for {executive}: {reasons}.")).format(
            order=row.order, n=n_exec, executive=row.executive_name, reasons=sentence_join(reason))
        p = people.loc[c] if c in people.index else None
        out.append({
            "executive_id": row.executive_id, "executive_name": row.executive_name,
            "executive_email": first_email(people["email"].get(row.executive_id)),
            "contact_id": c, "contact_name": name, "title": row.contact_title,
            "contact_email": first_email(p["email"]) if p is not None else None,
            "level": None if pd.isna(row.contact_level) else int(row.contact_level),
            "account_id": acc_id, "account_name": acc_name, "tier": row.tier, "city": row.city,
            "country": row.country, "date": _day(row.placeholder_date), "order": int(row.order),
            "visits_of_executive": int(n_exec), "trip": int(row.trip),
            "decision_role": row.decision_role, "attitude": row.attitude, "influence": infl,
            "influence_rank": None if r is None or pd.isna(r) else int(r), "account_people": n_people,
            "why": why, "standing": standing, "relationship": relationship, "attitude_history": history,
            "attitude_text": attitude_text, "opportunities": opportunities, "notes": notes,
            "meetings": last, "last_interaction": last[0] if last else None,
            "known_by": kb, "access": access, "access_text": access_text, "feasibility": round(float(row.feasibility), 4),
            "introduction": row.introduction, "introducer": introducer,
            "priority": round(float(row.priority), 6),
            "gaps": list(gap_rows.get(c, [])), "closes": closes, "talking_points": points,
        })
    return tuple(out)


def _date(v) -> str | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def proposed_day(date) -> str:
    """A proposed date for people: ``Mon 4 Jan 2027`` (Chinese ``2027年1月4日（周一）``).

    >>> proposed_day("2027-01-04")
    'Mon 4 Jan 2027'
    """
    d = pd.Timestamp(date)
    if _chinese():
        return f"{fmt_day(d)}（周{'一二三四五六日'[d.weekday()]}）"
    return f"{d:%a} {d.day} {d:%b %Y}"


def meeting_line(m: Mapping, max_names: int = 5) -> str:
    """One past meeting in words: date, kind, subject, who was there (the first
    ``max_names``, then how many more), notes.

    >>> meeting_line({"date": "2026-03-01", "kind": "meal", "subject": "Dinner", "notes": "Talked about rowing.",
    ...               "attendees": ["Ann", "Bo", "Cy"]}, max_names=2)
    '2026-03-01 meal “Dinner” with Ann, Bo and 1 other. Notes: Talked about rowing.'
    """
    kind = _kind_word(m["kind"])
    subject = _(" “{subject}”").format(subject=m["subject"]) if m.get("subject") else ""
    names = list(m.get("attendees") or [])
    more = len(names) - max_names
    if more > 0:
        names = names[:max_names] + [ngettext("{n} other", "{n} others", more).format(n=more)]
    with_ = _(" with {names}").format(names=join_and(names) if more > 0 else join_list(names)) if names else ""
    notes = _(" Notes: {notes}").format(notes=m["notes"]) if m.get("notes") else ""
    return _("{date} {kind}{subject}{attendees}.{notes}").format(
        date=fmt_day(m["date"]), kind=kind, subject=subject, attendees=with_, notes=notes)


def opportunity_line(o: Mapping) -> str:
    """An open opportunity in words: name, value, stage, close date, the contact's part."""
    facts = [x for x in (o.get("value"), o.get("stage"),
                         _("close {day}").format(day=fmt_day(o["close_date"])) if o.get("close_date") else None)
             if x]
    part = _("; {role} on it").format(role=o["contact_role"]) if o.get("contact_role") else ""
    if not (facts or part):
        return f"{o['name']}"
    return _("{opportunity} ({facts}{part})").format(opportunity=o["name"], facts=join_list(facts), part=part)


def briefing_text(b: Mapping) -> str:
    """A plain-text briefing (calendar descriptions, spreadsheets, printouts): short headed
    paragraphs in plain words, no codes."""
    contact = (_("{contact}, {title}") if b.get("title") else "{contact}").format(contact=b["contact_name"],
                                                                                  title=b.get("title"))
    date = _("Proposed {day} (tentative: agree the date with {contact})").format(
        day=proposed_day(b["date"]), contact=b["contact_name"]) if b.get("date") else _("Date to be agreed")
    lines = [_("{contact} – {account}, {city}").format(contact=contact, account=b["account_name"],
                                                       city=b.get("city") or _("city not recorded")),
             _("{date}. Visited by {executive}.").format(date=date, executive=b["executive_name"]),
             _("Why: {why}").format(why=b["why"]), "",
             _("WHO THEY ARE"), *(f"- {x}" for x in b["standing"]),
             "", _("WHERE WE STAND"), f"- {b['relationship']}", f"- {b['attitude_text']}"]
    if b.get("known_by"):
        lines.append(_("- Who knows them on our side: {people}").format(people=sentence_join(
            (_("{name} ({strength}, {trend})") if k.get("trend") else _("{name} ({strength})")).format(
                name=k["name"], strength=k["words"], trend=k.get("trend")) for k in b["known_by"])))
    lines += ["", _("OPEN OPPORTUNITIES")]
    lines += [f"- {opportunity_line(o)}" for o in b["opportunities"]] or [_("- None open at this account.")]
    if b.get("notes"):
        lines += ["", _("OUR NOTES"), b["notes"]]
    lines += ["", _("LAST MEETINGS")]
    lines += [f"- {meeting_line(m)}" for m in b["meetings"]] or [_("- None on record.")]
    lines += ["", _("GETTING IN"), b["access_text"]]
    if b.get("closes"):
        lines += ["", _("WHAT THIS VISIT CLOSES"), *(f"- {x}" for x in b["closes"])]
    lines += ["", _("TALKING POINTS"), *(f"{i}. {x}" for i, x in enumerate(b["talking_points"], 1))]
    return "\n".join(lines)
