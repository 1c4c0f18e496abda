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

Visits are grouped by executive (most senior first), then city (one trip covers several
contacts in a city), then account. Each visit has a **briefing**: the contact's role,
attitude, influence and power rank in the account, the last interaction and who
attended, who on our side knows them and how well (top 3), the introduction path when the
executive does not know them directly, and the open gaps the visit addresses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from kamgraph.analysis.coverage import (
    account_contacts,
    account_ids,
    internal_contact_strengths,
)
from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.gaps import RULE_EXECUTIVE_VISITS, gaps
from kamgraph.analysis.influence import influence
from kamgraph.analysis.paths import access_paths_for
from kamgraph.analysis.people import internal_ids, person_levels, person_names
from kamgraph.errors import ConfigError, NotFound
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = ["PRIORITY_SCALE", "VISIT_COLUMNS", "CANDIDATE_COLUMNS", "VisitPlan", "plan_visits",
           "solve_assignment", "scaled_priorities", "briefing_text", "default_period"]

#: priorities are multiplied by this and rounded to integers before the exact min-cost flow
PRIORITY_SCALE = 10**9


#: how a visit gets in: the executive's own relationship, an introduction, or a cold request
ACCESS_DIRECT, ACCESS_INTRODUCTION, ACCESS_COLD = "direct", "introduction", "cold"

VISIT_COLUMNS = [
    "executive_id", "executive_name", "executive_level", "trip", "city", "account_id", "account_name", "tier",
    "contact_id", "contact_name", "contact_title", "contact_level", "decision_role", "attitude", "influence",
    "priority", "tier_weight", "role_weight", "severity", "feasibility", "access", "introduction", "via_id",
    "gaps", "placeholder_date",
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

    ``visits``: :data:`VISIT_COLUMNS`, grouped by executive, city (``trip`` numbers the
    executive's cities), account. ``candidates``: :data:`CANDIDATE_COLUMNS`, one row per
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

def default_period(settings: Settings, as_of=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The as-of date and the day before the same date ``visits.period_months`` later."""
    t = resolve_as_of(settings, as_of)
    return t, t + pd.DateOffset(months=settings.visits.period_months) - pd.Timedelta(days=1)


def _period(settings: Settings, t: pd.Timestamp, period) -> tuple[pd.Timestamp, pd.Timestamp]:
    if period is None:
        return default_period(settings, t)
    start, end = period
    d0, d1 = default_period(settings, t)
    try:
        start = d0 if start is None else pd.Timestamp(start).normalize()
        end = (start + (d1 - d0)) if end is None else pd.Timestamp(end).normalize()
    except (ValueError, TypeError):
        raise ConfigError(f"the period must be two dates like 2026-12-01, got {period!r}") from None
    if end < start:
        raise ConfigError(f"the period ends ({end.date()}) before it starts ({start.date()})")
    return start, end


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
            raise NotFound(f"no person with id {', '.join(map(repr, unknown))}")
        outside = [i for i in ids if i not in ours]
        if outside:
            raise ConfigError(f"executives must be our own (internal) people; {', '.join(map(repr, outside))} "
                              f"{'is' if len(outside) == 1 else 'are'} not")
    default = settings.visits.capacity
    if capacity is None or isinstance(capacity, (int, np.integer)):
        caps = {i: int(default if capacity is None else capacity) for i in ids}
    elif isinstance(capacity, Mapping):
        extra = sorted(set(capacity) - set(ids))
        if extra:
            raise ConfigError(f"capacity given for {', '.join(map(repr, extra))}, who "
                              f"{'is' if len(extra) == 1 else 'are'} not among the executives")
        caps = {i: int(capacity.get(i, default)) for i in ids}
    else:
        raise ConfigError(f"capacity must be a number of visits or a mapping executive id -> number, got {capacity!r}")
    bad = {i: c for i, c in caps.items() if c < 0}
    if bad:
        raise ConfigError(f"capacity cannot be negative: {bad}")
    out = pd.DataFrame({"executive_id": ids})
    out["executive_name"] = out["executive_id"].map(p["name"]).astype(object)
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
        raise ConfigError(f"no account in region {', '.join(map(repr, sorted(regions)))}; "
                          f"known regions: {', '.join(known) or 'none'}")
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
    cols = ["account_id", "contact_id", "tier", "kind", "base", "evidence", "action"]
    rows = pd.concat([personal[cols], by_quota[cols]], ignore_index=True)
    if rows.empty:
        return pd.DataFrame(columns=["account_id", "contact_id", "tier", "severity", "gaps", "gap_rows"])
    rows = rows.sort_values(["account_id", "contact_id", "base", "kind"], ascending=[True, True, False, True],
                            kind="mergesort")
    grouped = rows.groupby(["account_id", "contact_id"], sort=True)
    out = grouped.agg(tier=("tier", "first"), severity=("base", "max"),
                      gaps=("kind", lambda k: ",".join(dict.fromkeys(k)))).reset_index()
    details = {key: [{"kind": k, "severity": float(b), "evidence": e, "action": a}
                     for k, b, e, a in zip(grp["kind"], grp["base"], grp["evidence"], grp["action"])]
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
        return pd.DataFrame(columns=["executive_id", "contact_id", "score", "path_kind", "explanation", "via_id"])
    # every path to these targets, so the best one of each executive is never cut off by top-k
    k = max(settings.paths.top_k, len(snap.people) + len(snap.organizations))
    paths = access_paths_for(snap, settings, contacts["contact_id"].unique(), as_of=t, k=k)
    paths = paths[paths["internal_id"].isin(execs["executive_id"])]
    best = paths.sort_values(["target_id", "internal_id", "rank"], kind="mergesort").drop_duplicates(
        ["target_id", "internal_id"])
    return best.rename(columns={"target_id": "contact_id", "internal_id": "executive_id", "kind": "path_kind"})[
        ["executive_id", "contact_id", "score", "path_kind", "explanation", "via_id"]]


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
                regions: Iterable[str] | None = None, accounts: Iterable[str] | None = None) -> VisitPlan:
    """The optimal executive visit plan (see the module docstring).

    ``period`` is ``(start, end)`` (dates; either may be None), default
    :func:`default_period`. ``capacity`` is a number of visits per executive or a mapping
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
    (14, ['Elena Wang', 'Arjun Xu', 'introduction'])
    """
    t = resolve_as_of(settings, as_of)
    start, end = _period(settings, t, period)
    execs = _executives(snap, settings, None if executives is None else list(executives), capacity)
    regions = None if regions is None else tuple(regions)
    ids = _accounts(snap, None if accounts is None else list(accounts), regions)
    notes = []
    unleveled = execs.loc[execs["executive_level"].isna(), "executive_name"].tolist()
    if unleveled:
        notes.append(f"No level known for {', '.join(map(str, unleveled))}: level matching needs one, "
                     "so they get no visits.")

    cand = _candidate_contacts(snap, settings, t, ids) if ids else pd.DataFrame()
    if len(cand):
        cand["contact_name"] = cand["contact_id"].map(person_names(snap))
        acc = snap.accounts.drop_duplicates("id").set_index("id")
        cand["account_name"] = cand["account_id"].map(acc["name"])
        pcity = cand["contact_id"].map(snap.people.drop_duplicates("id").set_index("id")["city"])
        cand["city"] = pcity.where(pcity.notna(), cand["account_id"].map(acc["city"])).astype(object)
    best = _feasibility(snap, settings, t, execs, cand)
    pairs = _pairs(settings, execs, cand, best)
    chosen = solve_assignment(pairs[["executive_id", "contact_id", "priority"]],
                              dict(zip(execs["executive_id"], execs["capacity"])))
    pairs["chosen"] = chosen
    visits = _visit_frame(pairs[chosen].copy(), execs, start, end)
    total_scaled = int(scaled_priorities(visits["priority"].to_numpy()).sum()) if len(visits) else 0
    execs = execs.assign(planned=execs["executive_id"].map(visits["executive_id"].value_counts())
                         .fillna(0).astype(np.int64))
    candidates = _candidate_frame(pairs)
    briefings = _briefings(snap, settings, t, visits, cand)
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


def _visit_frame(v: pd.DataFrame, execs: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    if v.empty:
        out = _typed(v, VISIT_COLUMNS)
        out["trip"] = out["trip"].astype(np.int64)
        out["placeholder_date"] = pd.Series(dtype="datetime64[ns]")
        return out
    v = v.rename(columns={"level": "contact_level", "title": "contact_title"})
    order = {e: i for i, e in enumerate(execs["executive_id"])}
    v["_e"] = v["executive_id"].map(order)
    v["_city"] = v["city"].fillna("").astype(str)
    v = v.sort_values(["_e", "_city", "account_name", "priority", "contact_id"],
                      ascending=[True, True, True, False, True], kind="mergesort")
    v["trip"] = v.groupby("_e", sort=False)["_city"].transform(lambda s: pd.factorize(s)[0] + 1).astype(np.int64)
    # placeholder dates: each executive's trips spread evenly over the period, mid-slot
    n_trips = v.groupby("_e", sort=False)["trip"].transform("max")
    days = (end - start).days + 1
    offset = np.floor((2 * (v["trip"] - 1) + 1) * days / (2 * n_trips)).astype(np.int64)
    v["placeholder_date"] = start + pd.to_timedelta(offset, unit="D")
    return _typed(v, VISIT_COLUMNS)


# -- briefings ------------------------------------------------------------------------------

def _briefings(snap: Snapshot, settings: Settings, t: pd.Timestamp, visits: pd.DataFrame,
               cand: pd.DataFrame) -> tuple[dict, ...]:
    if visits.empty:
        return ()

    names = person_names(snap)
    people = snap.people.drop_duplicates("id").set_index("id")
    ids = visits["contact_id"].unique()

    # who on our side knows them, best first (top 3)
    pairs = internal_contact_strengths(snap, settings, t, ids)
    pairs = pairs.assign(_lvl=pairs["internal_level"].fillna(np.inf)).sort_values(
        ["contact_id", "strength", "_lvl", "internal_id"], ascending=[True, False, True, True], kind="mergesort")
    top = pairs.groupby("contact_id", sort=False).head(3)
    known = {c: [{"id": i, "name": names.get(i, i), "title": people["title"].get(i),
                  "strength": round(float(s), 4), "last_interaction": _date(li)}
                 for i, s, li in zip(grp["internal_id"], grp["strength"], grp["last_interaction"])]
             for c, grp in top.groupby("contact_id", sort=False)}

    # the last interaction each contact attended, with everyone who was there
    att = snap.attendance
    inter = snap.interactions[snap.interactions["date"] <= t]
    mine = att[att["person_id"].isin(ids)].merge(inter[["id", "date", "kind", "subject", "account_id"]],
                                                 left_on="interaction_id", right_on="id")
    mine = mine.sort_values(["person_id", "date", "interaction_id"], ascending=[True, False, False],
                            kind="mergesort").drop_duplicates("person_id").set_index("person_id")
    who = att[att["interaction_id"].isin(mine["interaction_id"])]
    who = who.assign(name=who["person_id"].map(names)).sort_values(["interaction_id", "person_id"], kind="mergesort")
    attendees = who.groupby("interaction_id")["name"].agg(lambda s: [str(x) for x in s])

    rank = influence(snap, settings, account_ids=sorted(visits["account_id"].unique()), as_of=t)
    rank_n = rank.groupby("account_id").size()
    rank = rank.set_index(["account_id", "person_id"])["rank"]
    gap_rows = cand.set_index("contact_id")["gap_rows"]

    out = []
    for row in visits.itertuples(index=False):
        last = None
        if row.contact_id in mine.index:
            m = mine.loc[row.contact_id]
            last = {"date": _date(m["date"]), "kind": m["kind"],
                    "subject": m["subject"] if isinstance(m["subject"], str) else None,
                    "attendees": attendees.get(m["interaction_id"], [])}
        r = rank.get((row.account_id, row.contact_id))
        out.append({
            "executive_id": row.executive_id, "executive_name": row.executive_name,
            "contact_id": row.contact_id, "contact_name": row.contact_name, "title": row.contact_title,
            "level": None if pd.isna(row.contact_level) else int(row.contact_level),
            "account_id": row.account_id, "account_name": row.account_name, "tier": row.tier, "city": row.city,
            "date": _date(row.placeholder_date),
            "decision_role": row.decision_role, "attitude": row.attitude,
            "influence": None if pd.isna(row.influence) else int(row.influence),
            "influence_rank": None if r is None or pd.isna(r) else int(r),
            "account_people": int(rank_n.get(row.account_id, 0)),
            "last_interaction": last,
            "known_by": known.get(row.contact_id, []),
            "access": row.access, "feasibility": round(float(row.feasibility), 4),
            "introduction": row.introduction,
            "priority": round(float(row.priority), 6),
            "gaps": list(gap_rows.get(row.contact_id, [])),
        })
    return tuple(out)


def _date(v) -> str | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def _role(v) -> str:
    return v.replace("_", " ") if isinstance(v, str) else "no assessed role"


def briefing_text(b: Mapping) -> str:
    """A plain-text briefing (for calendar descriptions and printouts), one fact per line."""
    lines = [f"Visit: {b['contact_name']}" + (f", {b['title']}" if b.get("title") else "")
             + f" ({b['account_name']}, {b.get('tier') or 'no tier'}, {b.get('city') or 'city unknown'})",
             f"Executive: {b['executive_name']}"]
    infl = f"influence {b['influence']}/5" if b.get("influence") is not None else "influence not assessed"
    rank = (f"; power rank #{b['influence_rank']} of {b['account_people']} in the account"
            if b.get("influence_rank") is not None else "")
    lines.append(f"Role: {_role(b.get('decision_role'))}; attitude: {b.get('attitude') or 'not assessed'}; "
                 f"{infl}{rank}")
    last = b.get("last_interaction")
    if last:
        subject = f" \"{last['subject']}\"" if last.get("subject") else ""
        lines.append(f"Last interaction: {last['date']} {last['kind']}{subject} with {', '.join(last['attendees'])}")
    else:
        lines.append("Last interaction: none on record")
    if b.get("known_by"):
        lines.append("Who knows them on our side: " + "; ".join(
            f"{k['name']} {k['strength']:.2f}" for k in b["known_by"]))
    else:
        lines.append("Who knows them on our side: nobody yet")
    if b.get("access") == ACCESS_INTRODUCTION:
        lines.append(f"Introduction: {b['introduction']}")
    elif b.get("access") == ACCESS_DIRECT:
        lines.append(f"Access: {b['executive_name']} knows them directly ({b['feasibility']:.2f})")
    else:
        helper = f"; {b['known_by'][0]['name']} can help arrange it" if b.get("known_by") else ""
        lines.append(f"Access: no path known; request the meeting directly (cold visit){helper}")
    for gp in b.get("gaps", []):
        lines.append(f"Gap ({gp['kind'].replace('_', ' ')}): {gp['evidence']}")
    lines.append(f"Priority: {b['priority']:.3f}")
    return "\n".join(lines)
