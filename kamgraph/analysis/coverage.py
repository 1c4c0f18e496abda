"""Coverage: how well our people know each customer contact, account and opportunity.

docs/architecture.md ("Coverage, gaps, paths"), with every threshold from ``settings.coverage``:

- a contact's **best strength** is the highest strength between the contact and any
  internal person (:func:`kamgraph.analysis.strength.strengths`); the contact is
  **covered** when it is >= ``covered`` (0.5);
- **peer covered**: some internal person whose level is <= contact level + ``peer_level_gap``
  holds a covering tie (>= ``covered``). This is "the best person's level matches" whenever
  the best person is senior enough, and also credits a VP's 0.6 tie when a junior's 0.8 tie
  is the best. A contact of unknown level is peer covered by any covering tie; an internal
  person of unknown level never counts as a peer;
- **threads**: distinct internal people with strength >= ``thread`` (0.3);
- **never interacted**: no interaction with any internal person. It is kept apart from
  strength 0: ``best_strength`` is NaN when no internal person has any tie or interaction
  with the contact, and a declared tie without interactions gives a strength but
  ``never_interacted=True``;
- the **coverage score** of an account is the role-weighted mean of
  ``min(1, best / covered)`` over its buying center (current contacts with a decision role;
  weights ``role_weights``). It is NaN when no contact has a decision role.

Contacts are the ``customer`` people whose employment at the account is in force on the
as-of date (``since`` empty or <= as-of, ``until`` empty or >= as-of: the last day); their role, attitude
and influence are the latest assessment on or before the as-of date (:meth:`Snapshot.roles`).
The iron triangle (AR, SR, FR) and the executive sponsor are internal people's current
employment rows at the account with that ``team_role``.

Everything is a merge or a group operation over the pair table; no loop per pair.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from kamgraph.analysis.arrays import map_ids, object_series
from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.derived import derived
from kamgraph.analysis.people import (
    current_employment,
    internal_ids,
    person_levels,
    shown_names,
)
from kamgraph.analysis.strength import pair_strength_codes, pair_strengths
from kamgraph.errors import NotFound
from kamgraph.i18n import _
from kamgraph.model import DecisionRole, Side, TeamRole
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

#: The account team's iron triangle, by definition (the account team of key-account practice).
IRON_TRIANGLE: tuple[str, ...] = (TeamRole.AR.value, TeamRole.SR.value, TeamRole.FR.value)
#: Team roles reported per account (the iron triangle plus the executive sponsor).
TEAM_ROLES: tuple[str, ...] = IRON_TRIANGLE + (TeamRole.EXECUTIVE_SPONSOR.value,)
#: Decision roles, in the order their coverage columns are reported.
ROLES: tuple[str, ...] = tuple(DecisionRole.values())

PAIR_FIELDS = ["internal_id", "contact_id", "strength", "n_interactions", "first_interaction",
               "last_interaction", "tie_kinds"]

CONTACT_COLUMNS = [
    "account_id", "account_name", "contact_id", "name", "title", "level", "decision_role", "attitude",
    "influence", "best_strength", "best_internal_id", "best_internal_name", "best_internal_level",
    "covered", "peer_covered", "threads", "never_interacted", "last_interaction",
]


# -- building blocks shared by coverage, trends, what-if and gaps ---------------------------

def account_ids(snap: Snapshot, accounts: Iterable[str] | None = None) -> list[str]:
    """The accounts an analysis reports on: ``accounts``, else the snapshot's scope, else all.

    Raises :class:`NotFound` for an id that is not an account of the snapshot.
    """
    known = snap.accounts["id"].tolist()
    if accounts is not None:
        wanted = list(dict.fromkeys(accounts))
        missing = sorted(set(wanted) - set(known))
        if missing:
            raise NotFound(_("no account with id {ids}").format(ids=", ".join(map(repr, missing))))
        return wanted
    if snap.scope is not None:
        return [a for a in snap.scope if a in set(known)]
    return sorted(known)


def account_contacts(snap: Snapshot, settings: Settings, as_of=None,
                     accounts: Iterable[str] | None = None) -> pd.DataFrame:
    """Current customer contacts per account with their role, attitude and influence.

    Columns: ``account_id, contact_id, title, level, decision_role, attitude, influence``.
    """
    return _account_contacts(snap, resolve_as_of(settings, as_of), tuple(account_ids(snap, accounts)))


@derived(dated=True)
def _account_contacts(snap: Snapshot, as_of, ids: Sequence[str]) -> pd.DataFrame:
    t = as_of
    emp = current_employment(snap, t)
    people = snap.people
    customers = people.loc[people["side"] == Side.CUSTOMER.value, ["id", "title"]]
    c = emp.loc[emp["org_id"].isin(ids), ["org_id", "person_id", "title"]]
    c = c.rename(columns={"org_id": "account_id", "person_id": "contact_id"})
    c = c.merge(customers.rename(columns={"id": "contact_id", "title": "person_title"}), on="contact_id")
    c["title"] = c["title"].where(c["title"].notna(), c["person_title"])
    c["level"] = c["contact_id"].map(person_levels(snap)).astype(float)
    roles = snap.roles(t)
    if len(roles):
        roles = roles[["person_id", "account_id", "decision_role", "attitude", "influence"]]
    else:
        roles = pd.DataFrame({k: pd.Series(dtype=object) for k in
                              ["person_id", "account_id", "decision_role", "attitude"]})
        roles["influence"] = pd.Series(dtype="Int64")
    c = c.merge(roles.rename(columns={"person_id": "contact_id"}), on=["account_id", "contact_id"], how="left")
    cols = ["account_id", "contact_id", "title", "level", "decision_role", "attitude", "influence"]
    c = c[cols].drop_duplicates(["account_id", "contact_id"])
    for col in ("decision_role", "attitude", "title"):
        c[col] = c[col].astype(object).where(c[col].notna(), None)
    return c.sort_values(["account_id", "contact_id"], kind="mergesort").reset_index(drop=True)


def internal_contact_strengths(snap: Snapshot, settings: Settings, as_of=None,
                               contacts: Sequence[str] | None = None) -> pd.DataFrame:
    """Strengths between internal people and ``contacts`` (default: every customer person).

    One row per (internal person, contact) pair that has a tie or an interaction on or
    before the as-of date. Columns: ``internal_id, contact_id, strength, n_interactions,
    first_interaction, last_interaction, tie_kinds, internal_level``.
    """
    return _internal_contact_strengths(snap, settings, as_of, None if contacts is None else tuple(contacts))


def internal_contact_pairs(snap: Snapshot, settings: Settings, as_of=None, contacts: Sequence[str] | None = None):
    """:func:`internal_contact_strengths` with, per row, the person codes of its internal
    person and its contact in the sorted ids of :func:`pair_strength_codes`:
    ``(frame, internal codes, contact codes, people)``."""
    return _internal_contact_pairs(snap, settings, as_of, None if contacts is None else tuple(contacts))


@derived("strength", dated=True)
def _internal_contact_strengths(snap: Snapshot, settings: Settings, as_of, contacts) -> pd.DataFrame:
    return _internal_contact_pairs(snap, settings, as_of, contacts)[0]


@derived("strength", dated=True)
def _internal_contact_pairs(snap: Snapshot, settings: Settings, as_of, contacts):
    """:func:`internal_contact_strengths` and, per row, the person codes of its internal
    person and its contact in the sorted ids :func:`pair_strength_codes` returns:
    ``(frame, internal codes, contact codes, people)``."""
    t = as_of
    if contacts is None:
        p = snap.people
        contacts = p.loc[p["side"] == Side.CUSTOMER.value, "id"].to_numpy()
    ours = internal_ids(snap)
    s = pair_strengths(snap, settings, t)
    ca, cb, people = pair_strength_codes(snap, settings, t)
    code = pd.Index(people, dtype=object)

    def member(ids) -> np.ndarray:  # per person code: is the person among ``ids``?
        mask = np.zeros(len(people), dtype=bool)
        at = code.get_indexer(pd.Index(np.asarray(ids, dtype=object), dtype=object))
        mask[at[at >= 0]] = True
        return mask

    is_ours, is_contact = member(ours), member(contacts)
    a_int, b_int, a_con, b_con = is_ours[ca], is_ours[cb], is_contact[ca], is_contact[cb]
    f, r = np.flatnonzero(a_int & b_con), np.flatnonzero(b_int & a_con)
    # the pairs with our person first, then those with the contact first (one gather per column)
    rows = np.r_[f, r]
    a, b = s["a"].to_numpy(dtype=object), s["b"].to_numpy(dtype=object)
    cols = {"internal_id": object_series(np.r_[a[f], b[r]]), "contact_id": object_series(np.r_[b[f], a[r]])}
    for c in PAIR_FIELDS[2:]:
        col = s[c]
        cols[c] = object_series(col.to_numpy(dtype=object)[rows]) if col.dtype == object else \
            pd.Series(col.to_numpy()[rows], dtype=col.dtype)
    out = pd.DataFrame(cols, copy=False)
    internal_codes = np.r_[ca[f], cb[r]]
    # levels looked up once per person, then read per row by code
    levels = pd.to_numeric(pd.Series(map_ids(people, person_levels(snap)), dtype=object),
                           errors="coerce").astype(float).to_numpy()
    out["internal_level"] = levels[internal_codes]
    return out, internal_codes, np.r_[cb[f], ca[r]], people


def rank_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs sorted best-first within each contact, with ``rank`` 0, 1, 2...

    Best = highest strength; ties go to the more senior person, then the smaller id, so
    "the best internal person" is deterministic.
    """
    lvl = pairs["internal_level"].fillna(np.inf)
    r = pairs.assign(_lvl=lvl).sort_values(["contact_id", "strength", "_lvl", "internal_id"],
                                           ascending=[True, False, True, True], kind="mergesort")
    r = r.drop(columns="_lvl")
    r["rank"] = r.groupby("contact_id", sort=False).cumcount()
    return r.reset_index(drop=True)


def contact_best(settings: Settings, contacts: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Per-contact coverage figures from ``contacts`` (``contact_id, level``) and ``pairs``.

    Columns added: best_strength, best_internal_id, best_internal_level, second_strength,
    covered, peer_covered, threads, never_interacted, last_interaction.
    """
    cov = settings.coverage
    ids = contacts["contact_id"].drop_duplicates()
    p = pairs[pairs["contact_id"].isin(ids)]
    ranked = rank_pairs(p)
    best = ranked[ranked["rank"] == 0].set_index("contact_id")
    second = ranked[ranked["rank"] == 1].set_index("contact_id")["strength"]
    by = p["contact_id"]
    threads = (p["strength"] >= cov.thread).groupby(by).sum()
    interactions = p["n_interactions"].astype(float).groupby(by).sum()
    last = pd.to_datetime(p["last_interaction"]).astype("datetime64[ns]").groupby(by).max()

    # peer coverage: a covering tie from someone at most peer_level_gap levels below the contact
    lvl = contacts.drop_duplicates("contact_id").set_index("contact_id")["level"]
    pc = p.assign(contact_level=p["contact_id"].map(lvl).astype(float))
    # unknown contact level: any covering tie counts; unknown internal level: never a peer
    peer = (pc["strength"] >= cov.covered) & (
        pc["internal_level"].fillna(np.inf) <= pc["contact_level"].fillna(np.inf) + cov.peer_level_gap)
    peer_ids = set(pc.loc[peer, "contact_id"])

    out = contacts.copy()
    cid = out["contact_id"]
    out["best_strength"] = cid.map(best["strength"]).astype(float)
    out["best_internal_id"] = cid.map(best["internal_id"]).astype(object)
    out["best_internal_id"] = out["best_internal_id"].where(out["best_internal_id"].notna(), None)
    out["best_internal_level"] = cid.map(best["internal_level"]).astype(float)
    out["second_strength"] = cid.map(second).astype(float).fillna(0.0)
    out["covered"] = (out["best_strength"] >= cov.covered).to_numpy()
    out["peer_covered"] = cid.isin(peer_ids).to_numpy()
    out["threads"] = cid.map(threads).fillna(0).astype(np.int64)
    out["never_interacted"] = (cid.map(interactions).fillna(0) == 0).to_numpy()
    out["last_interaction"] = last.reindex(cid.to_numpy()).to_numpy(dtype="datetime64[ns]")
    return out


def contact_table(snap: Snapshot, settings: Settings, as_of=None,
                  accounts: Iterable[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(contacts, pairs, best)`` of some accounts: :func:`account_contacts`, their
    :func:`internal_contact_strengths` and :func:`contact_best` (memoized per snapshot)."""
    return _contact_table(snap, settings, as_of, tuple(account_ids(snap, accounts)))


@derived("strength", "coverage", dated=True)
def _contact_table(snap: Snapshot, settings: Settings, as_of, ids: tuple[str, ...]):
    contacts = account_contacts(snap, settings, as_of, ids)
    pairs, ci, cc, people = _internal_contact_pairs(snap, settings, as_of, contacts["contact_id"].unique())
    return contacts, pairs, contact_best_coded(settings, contacts, pairs, ci, cc, people)


def contact_best_coded(settings: Settings, contacts: pd.DataFrame, pairs: pd.DataFrame, ci: np.ndarray,
                       cc: np.ndarray, people: np.ndarray) -> pd.DataFrame:
    """:func:`contact_best` on person codes: ``ci``/``cc`` are the codes of each pair row's
    internal person and contact in the sorted ids ``people``. The same frame, bit for bit,
    with sorts and group sums over integers instead of id strings."""
    cov = settings.coverage
    P = len(people)
    code = pd.Index(people, dtype=object)
    kc = code.get_indexer(pd.Index(contacts["contact_id"].to_numpy(dtype=object), dtype=object))
    kc = np.where(kc >= 0, kc, P)  # a contact the strengths never saw: the empty slot P
    wanted = np.zeros(P + 1, dtype=bool)
    wanted[kc] = True
    wanted[P] = False
    sel = np.flatnonzero(wanted[cc]) if len(cc) else np.zeros(0, dtype=np.int64)
    pc, pi = cc[sel], ci[sel]
    strength = pairs["strength"].to_numpy(dtype=float)[sel]
    if np.isnan(strength).any():  # not a strength the formula gives: the sorting version
        return contact_best(settings, contacts, pairs)
    ilevel = pairs["internal_level"].to_numpy(dtype=float)[sel]
    # the best pair of each contact: the highest strength, then the more senior, then the
    # smaller id (codes are in id order; a contact's pairs have distinct internal people), by
    # three running maxima/minima instead of sorting the pairs
    lvl = np.where(np.isnan(ilevel), np.inf, ilevel)
    top = np.full(P + 1, -np.inf)
    np.maximum.at(top, pc, strength)
    cand = strength == top[pc]
    low = np.full(P + 1, np.inf)
    np.minimum.at(low, pc[cand], lvl[cand])
    cand &= lvl == low[pc]
    first_id = np.full(P + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_id, pc[cand], pi[cand])
    cand &= pi == first_id[pc]
    b = np.flatnonzero(cand)
    # the second-best strength: the highest among the contact's other pairs
    rest = np.ones(len(pc), dtype=bool)
    rest[b] = False
    runner = np.full(P + 1, -np.inf)
    np.maximum.at(runner, pc[rest], strength[rest])

    best_strength = np.full(P + 1, np.nan)
    best_strength[pc[b]] = strength[b]
    best_code = np.full(P + 1, -1, dtype=np.int64)
    best_code[pc[b]] = pi[b]
    best_level = np.full(P + 1, np.nan)
    best_level[pc[b]] = ilevel[b]
    second = np.where(np.isfinite(runner), runner, 0.0)
    threads = np.bincount(pc, weights=strength >= cov.thread, minlength=P + 1).astype(np.int64)
    interactions = np.bincount(pc, weights=pairs["n_interactions"].to_numpy(dtype=float)[sel], minlength=P + 1)
    nat = np.iinfo(np.int64).min
    last_day = pd.to_datetime(pairs["last_interaction"]).astype("datetime64[ns]").to_numpy()[sel].view(np.int64)
    last = np.full(P + 1, nat, dtype=np.int64)
    np.maximum.at(last, pc, last_day)

    # peer coverage: a covering tie from someone at most peer_level_gap levels below the contact
    klevel = contacts["level"].to_numpy(dtype=float)
    contact_level = np.full(P + 1, np.nan)
    contact_level[kc[::-1]] = klevel[::-1]  # the first row of each contact
    peer = (strength >= cov.covered) & (
        np.where(np.isnan(ilevel), np.inf, ilevel) <= np.where(np.isnan(contact_level[pc]), np.inf, contact_level[pc])
        + cov.peer_level_gap)
    peer_at = np.zeros(P + 1, dtype=bool)
    peer_at[pc[peer]] = True

    out = contacts.copy()
    out["best_strength"] = best_strength[kc]
    ids = np.append(np.asarray(people, dtype=object), None)
    out["best_internal_id"] = pd.Series(ids[np.where(best_code[kc] >= 0, best_code[kc], P)], index=out.index,
                                        dtype=object)
    out["best_internal_level"] = best_level[kc]
    out["second_strength"] = second[kc]
    out["covered"] = out["best_strength"].to_numpy() >= cov.covered
    out["peer_covered"] = peer_at[kc]
    out["threads"] = threads[kc]
    out["never_interacted"] = interactions[kc] == 0
    out["last_interaction"] = last[kc].view("datetime64[ns]")
    return out


def role_weight(settings: Settings, roles: pd.Series) -> pd.Series:
    """Weight of each decision role (0 for no role: outside the buying center)."""
    return roles.map(dict(settings.coverage.role_weights)).astype(float).fillna(0.0)


def coverage_ratio(settings: Settings, best: pd.Series) -> pd.Series:
    """``min(1, best / covered)``, 0 where nobody knows the contact."""
    return (best.fillna(0.0) / settings.coverage.covered).clip(upper=1.0)


def score_groups(settings: Settings, members: pd.DataFrame, key: str) -> pd.DataFrame:
    """Coverage score and role columns per ``key`` from member rows.

    ``members`` has ``key, contact_id, decision_role, best_strength, covered, peer_covered``.
    Returns ``key, buying_center, buying_center_covered, coverage_score`` and one
    ``role_<role>`` column per decision role (mean coverage ratio of the contacts holding
    that role, NaN when none does).
    """
    m = members[members["decision_role"].notna()].copy()
    m["w"] = role_weight(settings, m["decision_role"])
    m = m[m["w"] > 0]
    m["ratio"] = coverage_ratio(settings, m["best_strength"])
    m["wr"] = m["w"] * m["ratio"]
    g = m.groupby(key, sort=False)
    out = pd.DataFrame({
        "buying_center": g.size(),
        "buying_center_covered": g["covered"].sum(),
        "w": g["w"].sum(),
        "wr": g["wr"].sum(),
    })
    out["coverage_score"] = out["wr"] / out["w"]
    roles = m.pivot_table(index=key, columns="decision_role", values="ratio", aggfunc="mean")
    for r in ROLES:
        out[f"role_{r}"] = roles[r] if r in roles.columns else np.nan
    return out.drop(columns=["w", "wr"]).reset_index()


@derived(dated=True)
def team_roles(snap: Snapshot, as_of, accounts: Sequence[str]) -> pd.DataFrame:
    """Current team-role assignments: ``account_id, team_role, internal_id`` (one row each)."""
    emp = current_employment(snap, as_of)
    ours = set(internal_ids(snap))
    t = emp[emp["org_id"].isin(accounts) & emp["team_role"].notna() & emp["person_id"].isin(ours)]
    t = t.rename(columns={"org_id": "account_id", "person_id": "internal_id"})
    return t[["account_id", "team_role", "internal_id"]].sort_values(
        ["account_id", "team_role", "internal_id"], kind="mergesort").reset_index(drop=True)


# -- public analyses -----------------------------------------------------------------------

def contact_coverage(snap: Snapshot, settings: Settings, as_of=None,
                     accounts: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per (account, current customer contact): who knows them and how well.

    Columns: account_id, account_name, contact_id, name, title, level, decision_role,
    attitude, influence, best_strength (NaN: nobody on our side knows them),
    best_internal_id, best_internal_name, best_internal_level, covered, peer_covered,
    threads, never_interacted, last_interaction.
    """
    t = resolve_as_of(settings, as_of)
    _, _, out = contact_table(snap, settings, t, accounts)
    names = shown_names(snap)
    out["name"] = out["contact_id"].map(names)
    out["best_internal_name"] = out["best_internal_id"].map(names)
    out["best_internal_name"] = out["best_internal_name"].where(out["best_internal_name"].notna(), None)
    out["account_name"] = out["account_id"].map(snap.accounts.set_index("id")["name"])
    return out[CONTACT_COLUMNS].reset_index(drop=True)


def account_coverage(snap: Snapshot, settings: Settings, as_of=None,
                     accounts: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per account: coverage score, role coverage, threads and the account team.

    Columns: account_id, account_name, tier (declared), contacts, covered, peer_covered,
    never_interacted, buying_center, buying_center_covered, coverage_score,
    role_<decision role> (one per role), threads (distinct internal people with a thread to
    any current contact), ar, sr, fr, executive_sponsor (internal ids, comma-joined when
    several), iron_triangle_complete, missing_team_roles (comma-joined, of ar/sr/fr and
    executive_sponsor).

    Examples
    --------
    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> cov = account_coverage(snap, settings)
    >>> cov[["account_id", "coverage_score", "buying_center", "buying_center_covered"]].head(2).round(2)
      account_id  coverage_score  buying_center  buying_center_covered
    0     A00000            0.40              4                      0
    1     A00001            0.82             13                      5
    """
    t = resolve_as_of(settings, as_of)
    ids = account_ids(snap, accounts)
    cc = contact_coverage(snap, settings, t, ids)
    pairs = internal_contact_strengths(snap, settings, t, cc["contact_id"].unique())
    return _account_rows(snap, settings, t, ids, cc, pairs)


def _account_rows(snap: Snapshot, settings: Settings, t, ids: Sequence[str], cc: pd.DataFrame,
                  pairs: pd.DataFrame) -> pd.DataFrame:
    acc = snap.accounts.set_index("id").reindex(ids)
    out = pd.DataFrame({"account_id": list(ids), "account_name": acc["name"].to_numpy(),
                        "tier": acc["tier"].to_numpy()})
    g = cc.groupby("account_id", sort=False)
    out["contacts"] = out["account_id"].map(g.size()).fillna(0).astype(np.int64)
    for col in ("covered", "peer_covered", "never_interacted"):
        out[col] = out["account_id"].map(g[col].sum()).fillna(0).astype(np.int64)
    scored = score_groups(settings, cc, "account_id").set_index("account_id")
    out["buying_center"] = out["account_id"].map(scored["buying_center"]).fillna(0).astype(np.int64)
    out["buying_center_covered"] = out["account_id"].map(scored["buying_center_covered"]).fillna(0).astype(np.int64)
    out["coverage_score"] = out["account_id"].map(scored["coverage_score"]).astype(float)
    for r in ROLES:
        out[f"role_{r}"] = out["account_id"].map(scored[f"role_{r}"]).astype(float)
    strong = pairs[pairs["strength"] >= settings.coverage.thread]
    th = strong.merge(cc[["account_id", "contact_id"]], on="contact_id").groupby("account_id")["internal_id"].nunique()
    out["threads"] = out["account_id"].map(th).fillna(0).astype(np.int64)

    team = team_roles(snap, t, ids)
    assigned = team.groupby(["account_id", "team_role"])["internal_id"].agg(",".join)
    for role in TEAM_ROLES:
        col = assigned.xs(role, level="team_role") if role in team["team_role"].values else pd.Series(dtype=object)
        vals = out["account_id"].map(col)
        out[role] = vals.astype(object).where(vals.notna(), None)
    present = out[list(TEAM_ROLES)].notna()
    out["iron_triangle_complete"] = present[list(IRON_TRIANGLE)].all(axis=1).to_numpy()
    names = np.array(TEAM_ROLES, dtype=object)
    out["missing_team_roles"] = [",".join(names[~row]) for row in present.to_numpy()]
    return out


def opportunity_coverage(snap: Snapshot, settings: Settings, as_of=None,
                         accounts: Iterable[str] | None = None) -> pd.DataFrame:
    """Coverage per opportunity of the accounts, like :func:`account_coverage`.

    An opportunity's buying center is its ``opportunity_roles`` when it has any
    (``roles_source='opportunity'``), else the account's buying center
    (``roles_source='account'``). Columns: opportunity_id, opportunity_name, account_id,
    status, stage, amount, close_date, roles_source, buying_center, buying_center_covered,
    coverage_score, role_<role>..., threads.
    """
    t = resolve_as_of(settings, as_of)
    ids = account_ids(snap, accounts)
    opps = snap.opportunities[snap.opportunities["account_id"].isin(ids)]
    roles = snap.opportunity_roles[snap.opportunity_roles["opportunity_id"].isin(opps["id"])]
    cc = contact_coverage(snap, settings, t, ids)

    own = roles.rename(columns={"opportunity_id": "key", "person_id": "contact_id", "role": "decision_role"})
    own = own[["key", "contact_id", "decision_role"]]
    without = opps.loc[~opps["id"].isin(roles["opportunity_id"]), ["id", "account_id"]]
    inherited = without.rename(columns={"id": "key"}).merge(cc[["account_id", "contact_id", "decision_role"]],
                                                            on="account_id").drop(columns="account_id")
    members = pd.concat([own, inherited], ignore_index=True)
    pairs = internal_contact_strengths(snap, settings, t, members["contact_id"].unique())
    levels = members["contact_id"].map(person_levels(snap)).astype(float)
    members = contact_best(settings, members.assign(level=levels), pairs)

    out = opps.rename(columns={"id": "opportunity_id", "name": "opportunity_name"})
    out = out[["opportunity_id", "opportunity_name", "account_id", "status", "stage", "amount", "close_date"]]
    out = out.reset_index(drop=True)
    out["roles_source"] = np.where(out["opportunity_id"].isin(roles["opportunity_id"]), "opportunity", "account")
    scored = score_groups(settings, members, "key").set_index("key")
    out["buying_center"] = out["opportunity_id"].map(scored["buying_center"]).fillna(0).astype(np.int64)
    out["buying_center_covered"] = out["opportunity_id"].map(scored["buying_center_covered"]).fillna(0).astype(np.int64)
    out["coverage_score"] = out["opportunity_id"].map(scored["coverage_score"]).astype(float)
    for r in ROLES:
        out[f"role_{r}"] = out["opportunity_id"].map(scored[f"role_{r}"]).astype(float)
    strong = pairs[pairs["strength"] >= settings.coverage.thread]
    th = strong.merge(members[["key", "contact_id"]], on="contact_id").groupby("key")["internal_id"].nunique()
    out["threads"] = out["opportunity_id"].map(th).fillna(0).astype(np.int64)
    return out.sort_values(["account_id", "opportunity_id"], kind="mergesort").reset_index(drop=True)
