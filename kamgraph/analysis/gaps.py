"""Gaps: where an account is exposed, how badly, and who should do what about it.

One row per gap (docs/architecture.md, "Coverage, gaps, paths"), thresholds from ``settings.gaps``,
``settings.coverage`` and the tier policy table ``settings.tier_policy``:

``no_decision_maker_known``
    no current contact of the account is assessed as ``decision_maker``.
``uncovered_decision_maker``
    a decision-maker whose best strength is below ``coverage.covered``.
``no_peer_coverage``
    a contact with a role in ``gaps.peer_roles`` who is not peer covered (nobody at most
    ``coverage.peer_level_gap`` levels below holds a tie >= ``coverage.covered``);
    decision-makers already reported as uncovered are not reported twice.
``single_threaded``
    one internal person holds >= ``gaps.single_thread_share`` of the account's strong ties
    (internal person, contact) with strength >= ``gaps.strong``, or only one internal person
    has any tie or interaction with the account's contacts. An account nobody knows at all is
    not "single-threaded"; its decision-makers show up as uncovered instead.
``cooling_key_relationship``
    the best relationship of a contact with a role in ``gaps.cooling_key_roles`` is labelled
    ``cooling`` or ``dormant`` (:func:`kamgraph.analysis.trends.trends`).
``unmanaged_opponent``
    an ``opponent`` with influence >= ``gaps.opponent_influence`` whom nobody on our side
    has a declared tie with or has ever met.
``missing_team_role``
    a role of the tier policy's ``iron_triangle`` has nobody assigned (current internal
    employment row at the account with that ``team_role``).
``tier_policy``
    for the account's tier (declared, else computed: :func:`kamgraph.analysis.tiering.account_tiers`)
    and its policy: (a) ``executive_sponsor`` required but unassigned, or assigned to someone
    below ``executive_level``; (b) no executive tie: the best strength from our people at
    level <= ``executive_level`` to a contact with a role in ``exec_tie_roles`` at level <=
    ``exec_tie_contact_max_level`` (unknown contact levels qualify: the role is what the
    policy is about) is below ``min_exec_tie`` (checked when ``min_exec_tie > 0`` and roles
    are listed); (c) fewer executive visits in the last quarter (3 months up to the as-of
    date) than ``min_exec_visits_per_quarter``: interactions of kind ``visit`` about the
    account attended by at least one of our people at level <= ``executive_level``.
``key_person_risk``
    an internal person whose departure drops the account's coverage score by >=
    ``gaps.key_person_drop`` (:func:`kamgraph.analysis.whatif.key_person_drops`); every such
    person is reported.

**Severity** is ``gaps.severity[kind]``, scaled for gaps about one contact by that
contact's role weight relative to the heaviest role (``coverage.role_weights``: an
uncovered approver weighs 2/3 of an uncovered decision-maker); a contact without a role
keeps the base severity. **Priority** = severity x the account's tier weight relative to
the heaviest tier (``tiers.weights``; unknown tiers weigh as the lightest), so the same gap
ranks higher at a diamond account. Rows are sorted by priority, highest first.

**Actions** name who should act. When the target is a contact we need to reach
(uncovered decision-maker, missing peer coverage, unmanaged opponent, missing executive
tie) and an access path exists (:func:`kamgraph.analysis.paths.access_paths_for`), the
actor is the internal person at the start of the best path (for peer and executive gaps,
the best path starting from someone senior enough) and ``path`` is its one-line
explanation. Otherwise the actor comes from the account team: the executive sponsor for
executive matters, the account responsible (AR) for the rest, then the account owner, then
any other member of the account team (SR, FR, other: every current internal employment at
the account with a ``team_role`` counts as assigned). Only an account with no owner and
nobody on its team gets "Nobody is assigned to this account".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from kamgraph.analysis.coverage import (
    account_ids,
    contact_table,
    internal_contact_pairs,
    score_groups,
    team_roles,
)
from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.paths import best_path_within_level
from kamgraph.analysis.people import person_levels, shown_names
from kamgraph.analysis.tiering import (
    account_tiers,  # part of the analysis layer; imported lazily
)
from kamgraph.analysis.trends import trends
from kamgraph.analysis.whatif import drops_from_best
from kamgraph.analysis.words import article, join_list, join_or
from kamgraph.errors import ConfigError
from kamgraph.i18n import N_, _, fmt_day, ngettext
from kamgraph.i18n.terms import term
from kamgraph.model import Attitude, DecisionRole, InteractionKind, TeamRole
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

GAP_KINDS: tuple[str, ...] = (
    "no_decision_maker_known", "uncovered_decision_maker", "no_peer_coverage", "single_threaded",
    "cooling_key_relationship", "unmanaged_opponent", "missing_team_role", "tier_policy", "key_person_risk",
)

GAP_COLUMNS = ["account_id", "account_name", "tier", "kind", "rule", "severity", "priority", "target_id",
               "target_name", "evidence", "action", "actor_id", "actor_name", "path"]

#: ``rule`` of the three tier-policy checks (other kinds have rule == kind)
RULE_EXECUTIVE_SPONSOR, RULE_EXECUTIVE_TIE, RULE_EXECUTIVE_VISITS = (
    "executive_sponsor", "executive_tie", "executive_visits")

#: a quarter, for the executive-visit rule of the tier policy
QUARTER = pd.DateOffset(months=3)

#: how an actor's role is named (English, marked: translated where the sentence is written)
TEAM_ROLE_LABELS = {
    TeamRole.AR.value: N_("account responsible (AR)"),
    TeamRole.SR.value: N_("solution responsible (SR)"),
    TeamRole.FR.value: N_("fulfilment responsible (FR)"),
    TeamRole.EXECUTIVE_SPONSOR.value: N_("executive sponsor"),
    TeamRole.OTHER.value: N_("team member"),
}
ACCOUNT_OWNER, KEY_PERSON = N_("account owner"), N_("the key person")

#: the action of a gap about a contact, by what to do: without a path, and through one
_NO_PATH = {
    "build a relationship with": N_("{actor} should build a relationship with {target}; no suitable access path is known."),
    "build a peer-level relationship with": N_(
        "{actor} should build a peer-level relationship with {target}; no suitable access path is known."),
    "open a channel to": N_("{actor} should open a channel to {target}; no suitable access path is known."),
}
_THROUGH = {
    "build a relationship with": N_("{actor} should build a relationship with {target} through this path: {path}."),
    "build a peer-level relationship with": N_(
        "{actor} should build a peer-level relationship with {target} through this path: {path}."),
    "open a channel to": N_("{actor} should open a channel to {target} through this path: {path}."),
    "build an executive tie with": N_("{actor} should build an executive tie with {target} through this path: {path}."),
}

_ROWS = ["account_id", "kind", "rule", "severity", "target_id", "target_name", "evidence", "actor_id", "action",
         "path_target", "path_max_level", "verb"]


def _role_text(role) -> str:
    if not isinstance(role, str):
        return _("no assessed role")
    return _("decision-maker") if role == DecisionRole.DECISION_MAKER.value else term("role", role)


def _f(x: float) -> str:
    return f"{x:.2f}"


def _a(phrase: str) -> str:
    """``phrase`` with its indefinite article (English only)."""
    return article(phrase)


def _tier(t) -> str:
    """The tier with its article: ``a gold`` (Chinese ``黄金``)."""
    return article(term("tier", t) if isinstance(t, str) else str(t))


def _team_role(code) -> str:
    """A team role with its article: ``an executive sponsor``."""
    return article(_(TEAM_ROLE_LABELS[code]))


@dataclass(frozen=True)
class _Context:
    """Everything the gap rules share, computed once per call."""

    snap: Snapshot
    settings: Settings
    t: pd.Timestamp
    ids: list
    contacts: pd.DataFrame  # account contacts with coverage figures and names
    pairs: pd.DataFrame  # (internal, contact) strengths
    team: pd.DataFrame  # account_id, team_role, internal_id
    accounts: pd.DataFrame  # account_id, account_name, tier, owner_id, lead_id, exec_id, policy fields
    names: pd.Series
    levels: pd.Series
    #: each row of ``pairs``: its contact's person code in ``people`` (``(codes, people)``)
    pair_contacts: tuple | None = None

    def pairs_of(self, contact_ids) -> pd.DataFrame:
        """The rows of :attr:`pairs` whose contact is among ``contact_ids``, in order (by
        person codes: no lookup of every pair's id)."""
        if self.pair_contacts is None:
            return self.pairs[self.pairs["contact_id"].isin(pd.unique(np.asarray(contact_ids, dtype=object)))]
        codes, people = self.pair_contacts
        want = np.zeros(len(people) + 1, dtype=bool)
        at = pd.Index(people, dtype=object).get_indexer(pd.Index(pd.unique(np.asarray(contact_ids, dtype=object)),
                                                                 dtype=object))
        want[at[at >= 0]] = True
        return self.pairs.iloc[np.flatnonzero(want[codes])]

    def name(self, pid) -> str:
        return str(self.names.get(pid, pid)) if isinstance(pid, str) else ""

    def who(self, pid, role: str | None = None) -> str:
        """``Name (role)`` of an actor, or a request to assign someone."""
        if not isinstance(pid, str):
            return _("Nobody is assigned to this account (assign an account responsible); whoever takes it")
        return _("{name} ({role})").format(name=self.name(pid), role=_(role)) if role else self.name(pid)


#: team roles in the order their holder stands in for the account team (first found acts)
TEAM_ROLE_ORDER: tuple[str, ...] = (
    TeamRole.AR.value, TeamRole.EXECUTIVE_SPONSOR.value, TeamRole.SR.value, TeamRole.FR.value, TeamRole.OTHER.value)


def _first_of(*candidates) -> tuple[pd.Series, pd.Series]:
    """Row by row, the first ``(ids, role label)`` candidate whose id is given: the actor
    and how to name their role. A label is a string or a Series aligned with the ids."""
    index = candidates[0][0].index
    ids = pd.Series([None] * len(index), index=index, dtype=object)
    roles = pd.Series([None] * len(index), index=index, dtype=object)
    for cand, label in candidates:
        fill = ids.isna() & cand.notna()
        ids = ids.where(~fill, cand)
        roles = roles.where(~fill, label)
    return ids.astype(object).where(ids.notna(), None), roles


def _accounts_frame(snap: Snapshot, settings: Settings, t, ids, team: pd.DataFrame) -> pd.DataFrame:

    acc = snap.accounts.set_index("id").reindex(ids)
    out = pd.DataFrame({"account_id": list(ids), "account_name": acc["name"].to_numpy(),
                        "owner_id": acc["owner_id"].to_numpy()})
    tiers = account_tiers(snap, settings).drop_duplicates("account_id").set_index("account_id")["tier"]
    out["tier"] = out["account_id"].map(tiers)
    first = team.drop_duplicates(["account_id", "team_role"]).set_index(["account_id", "team_role"])["internal_id"]
    for role in TEAM_ROLE_ORDER:
        col = first.xs(role, level="team_role") if role in team["team_role"].values else pd.Series(dtype=object)
        out[role] = out["account_id"].map(col)
    owner = out["owner_id"].where(out["owner_id"].notna(), None)
    ar, sponsor = out[TeamRole.AR.value], out[TeamRole.EXECUTIVE_SPONSOR.value]
    # any other member of the account team (SR, then FR, then other): an account with
    # members on its team has someone assigned, whatever their role
    member = pd.Series([None] * len(out), index=out.index, dtype=object)
    member_role = pd.Series([None] * len(out), index=out.index, dtype=object)
    for role in (TeamRole.SR.value, TeamRole.FR.value, TeamRole.OTHER.value):
        fill = member.isna() & out[role].notna()
        member = member.where(~fill, out[role])
        member_role = member_role.where(~fill, TEAM_ROLE_LABELS[role])
    # who acts: the AR for account work, the sponsor for executive work; the owner, then
    # the sponsor, then any other team member stands in
    out["lead_id"], out["lead_role"] = _first_of(
        (ar, TEAM_ROLE_LABELS["ar"]), (owner, ACCOUNT_OWNER),
        (sponsor, TEAM_ROLE_LABELS["executive_sponsor"]), (member, member_role))
    out["exec_id"], out["exec_role"] = _first_of(
        (sponsor, TEAM_ROLE_LABELS["executive_sponsor"]), (out["lead_id"], out["lead_role"]))
    # who assigns missing roles: the owner, the sponsor, the AR, else whoever is on the team
    out["assign_id"], out["assign_role"] = _first_of(
        (owner, ACCOUNT_OWNER), (sponsor, TEAM_ROLE_LABELS["executive_sponsor"]), (ar, TEAM_ROLE_LABELS["ar"]),
        (member, member_role))
    tw = dict(settings.tiers.weights)
    top = max(tw.values()) if tw else 1.0
    out["tier_factor"] = out["tier"].map(tw).astype(float).fillna(min(tw.values()) if tw else 1.0) / top
    for c in ("lead_id", "exec_id", "assign_id", "owner_id"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def _context(snap: Snapshot, settings: Settings, as_of, accounts) -> _Context:
    t = resolve_as_of(settings, as_of)
    ids = account_ids(snap, accounts)
    contacts, pairs, cb = contact_table(snap, settings, t, ids)
    _, _ci, pair_contacts, pair_people = internal_contact_pairs(snap, settings, t, contacts["contact_id"].unique())
    names = shown_names(snap)  # the reader's language shows a person's name (Chinese: family name first)
    cb["name"] = cb["contact_id"].map(names)
    w = dict(settings.coverage.role_weights)
    top = max(w.values()) if w else 1.0
    cb["role_factor"] = cb["decision_role"].map(w).astype(float).fillna(top) / top
    team = team_roles(snap, t, ids)
    acc = _accounts_frame(snap, settings, t, ids, team)
    return _Context(snap, settings, t, ids, cb, pairs, team, acc, names, person_levels(snap),
                    (pair_contacts, pair_people) if len(pair_contacts) == len(pairs) else None)


def _frame(rows: dict) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for c in _ROWS:
        if c not in df.columns:
            df[c] = None
    return df[_ROWS]


def _acc(ctx: _Context, account_ids: pd.Series, column: str) -> pd.Series:
    return account_ids.map(ctx.accounts.set_index("account_id")[column])


def _who_series(ctx: _Context, ids: pd.Series, roles: pd.Series) -> list[str]:
    return [ctx.who(i, r) for i, r in zip(ids, roles)]


def _holder_text(ctx: _Context, c: pd.DataFrame) -> list[str | None]:
    return [_("{strength} ({name})").format(strength=_f(s), name=ctx.name(h)) if isinstance(h, str) else None
            for s, h in zip(c["best_strength"], c["best_internal_id"])]


# -- the rules ----------------------------------------------------------------------------

def _no_decision_maker_known(ctx: _Context) -> pd.DataFrame:
    c = ctx.contacts
    dm = DecisionRole.DECISION_MAKER.value
    known = set(c.loc[c["decision_role"] == dm, "account_id"])
    acc = ctx.accounts[~ctx.accounts["account_id"].isin(known)]
    if acc.empty:
        return _frame({})
    n = acc["account_id"].map(c.groupby("account_id").size()).fillna(0).astype(int)
    roled = acc["account_id"].map(c[c["decision_role"].notna()].groupby("account_id").size()).fillna(0).astype(int)
    coaches = c[c["decision_role"] == DecisionRole.COACH.value].sort_values(
        ["account_id", "best_strength"], ascending=[True, False], na_position="last").drop_duplicates("account_id")
    coach = acc["account_id"].map(coaches.set_index("account_id")["name"])
    base = ctx.settings.gaps.severity["no_decision_maker_known"]
    return _frame({
        "account_id": acc["account_id"].to_numpy(),
        "kind": "no_decision_maker_known",
        "severity": base,
        "evidence": [_("None of {account}'s {n} current contact(s) is assessed as decision-maker "
                       "({roled} with a decision role).").format(account=a, n=k, roled=r)
                     for k, a, r in zip(n, acc["account_name"], roled)],
        "actor_id": acc["lead_id"].to_numpy(),
        "action": [(_("{actor} should find out who makes the final decision at {account}, starting with our coach {coach}.")
                    if isinstance(ch, str) else _("{actor} should find out who makes the final decision at {account}."))
                   .format(actor=ctx.who(i, r), account=a, coach=ch)
                   for i, r, a, ch in zip(acc["lead_id"], acc["lead_role"], acc["account_name"], coach)],
    })


def _contact_rows(ctx: _Context, c: pd.DataFrame, kind: str, evidence: list[str], verb: str,
                  actor_col: str, max_level: pd.Series | None = None) -> pd.DataFrame:
    if c.empty:
        return _frame({})
    base = ctx.settings.gaps.severity[kind]
    actor = _acc(ctx, c["account_id"], f"{actor_col}_id")
    role = _acc(ctx, c["account_id"], f"{actor_col}_role")
    return _frame({
        "account_id": c["account_id"].to_numpy(),
        "kind": kind,
        "severity": (base * c["role_factor"]).to_numpy(),
        "target_id": c["contact_id"].to_numpy(),
        "target_name": c["name"].to_numpy(),
        "evidence": evidence,
        "actor_id": actor.to_numpy(),
        "action": [_(_NO_PATH[verb]).format(actor=w, target=n) for w, n in
                   zip(_who_series(ctx, actor, role), c["name"])],
        "path_target": c["contact_id"].to_numpy(),
        "path_max_level": (max_level.to_numpy(dtype=float) if max_level is not None else np.nan),
        "verb": verb,
    })


def _uncovered_decision_maker(ctx: _Context) -> pd.DataFrame:
    c = ctx.contacts
    c = c[(c["decision_role"] == DecisionRole.DECISION_MAKER.value) & ~c["covered"]]
    cov = ctx.settings.coverage.covered
    evidence = [
        (_("The best tie to {name} (decision-maker, {title}) is {holder}, below the {threshold} coverage threshold.")
         if isinstance(hid, str) else
         _("Nobody on our side has a tie to or has met {name} (decision-maker, {title}).")).format(
            name=n, title=t or _("no title"), holder=h, threshold=_f(cov))
        for n, t, h, hid in zip(c["name"], c["title"].where(c["title"].notna(), None), _holder_text(ctx, c),
                                c["best_internal_id"])]
    return _contact_rows(ctx, c, "uncovered_decision_maker", evidence, "build a relationship with", "exec")


def _no_peer_coverage(ctx: _Context) -> pd.DataFrame:
    s = ctx.settings
    c = ctx.contacts
    already = (c["decision_role"] == DecisionRole.DECISION_MAKER.value) & ~c["covered"]
    c = c[c["decision_role"].isin(s.gaps.peer_roles) & ~c["peer_covered"] & ~already]
    peer_level = c["level"] + s.coverage.peer_level_gap
    leveled = (
        N_("{name} ({role}, level {level}) has no tie of at least {threshold} from anyone on our side at level "
           "{peer_level} or above; nobody on our side has a tie to or has met them."),
        N_("{name} ({role}, level {level}) has no tie of at least {threshold} from anyone on our side at level "
           "{peer_level} or above; the best tie is {holder} at level {holder_level}."),
        N_("{name} ({role}, level {level}) has no tie of at least {threshold} from anyone on our side at level "
           "{peer_level} or above; the best tie is {holder}."))
    unleveled = (
        N_("{name} ({role}) has no tie of at least {threshold} from anyone on our side; "
           "nobody on our side has a tie to or has met them."),
        N_("{name} ({role}) has no tie of at least {threshold} from anyone on our side; "
           "the best tie is {holder} at level {holder_level}."),
        N_("{name} ({role}) has no tie of at least {threshold} from anyone on our side; the best tie is {holder}."))
    evidence = [
        _((leveled if lv == lv else unleveled)[0 if h is None else 1 if bl == bl else 2]).format(
            name=n, role=_role_text(r), level=int(lv) if lv == lv else "", threshold=_f(s.coverage.covered),
            peer_level=int(pl) if pl == pl else "", holder=h, holder_level=int(bl) if bl == bl else "")
        for n, r, lv, pl, h, bl in zip(c["name"], c["decision_role"], c["level"], peer_level,
                                       _holder_text(ctx, c), c["best_internal_level"])]
    return _contact_rows(ctx, c, "no_peer_coverage", evidence, "build a peer-level relationship with", "exec",
                         max_level=peer_level)


def _unmanaged_opponent(ctx: _Context) -> pd.DataFrame:
    s = ctx.settings
    c = ctx.contacts
    c = c[(c["attitude"] == Attitude.OPPONENT.value) & (c["influence"].astype(float) >= s.gaps.opponent_influence)
          & c["best_strength"].isna()]
    evidence = [_("{name} ({role}) is an opponent with influence {influence}/5, and nobody on our side "
                  "has a tie to or has met them.").format(name=n, role=_role_text(r), influence=int(i))
                for n, r, i in zip(c["name"], c["decision_role"], c["influence"])]
    return _contact_rows(ctx, c, "unmanaged_opponent", evidence, "open a channel to", "lead")


def _single_threaded(ctx: _Context) -> pd.DataFrame:
    s = ctx.settings
    links = ctx.pairs.merge(ctx.contacts[["account_id", "contact_id"]], on="contact_id")
    strong = links[links["strength"] >= s.gaps.strong]
    per = strong.groupby(["account_id", "internal_id"]).size().rename("n").reset_index()
    total = per.groupby("account_id")["n"].sum()
    top = per.sort_values(["account_id", "n", "internal_id"], ascending=[True, False, True]).drop_duplicates("account_id")
    top = top.set_index("account_id")
    holders = links.groupby("account_id")["internal_id"].agg(["nunique", "first"])

    acc = ctx.accounts.copy()
    acc["total"] = acc["account_id"].map(total).fillna(0).astype(int)
    acc["top_n"] = acc["account_id"].map(top["n"]).fillna(0).astype(int)
    acc["share"] = np.where(acc["total"] > 0, acc["top_n"] / acc["total"].clip(lower=1), 0.0)
    acc["holders"] = acc["account_id"].map(holders["nunique"]).fillna(0).astype(int)
    by_share = (acc["total"] > 0) & (acc["share"] >= s.gaps.single_thread_share)
    only_one = acc["holders"] == 1
    acc = acc[by_share | only_one]
    if acc.empty:
        return _frame({})
    dominant = acc["account_id"].map(top["internal_id"]).where(by_share[acc.index],
                                                               acc["account_id"].map(holders["first"]))
    # the contacts that hang on the dominant person, most important role first
    c = ctx.contacts.assign(w=ctx.contacts["role_factor"])
    held = c.merge(pd.DataFrame({"account_id": acc["account_id"], "best_internal_id": dominant.to_numpy()}),
                   on=["account_id", "best_internal_id"])
    held = held.sort_values(["account_id", "w", "best_strength"], ascending=[True, False, False])
    held_names = held.groupby("account_id")["name"].agg(lambda n: join_list(list(n)[:3]))
    evidence = [
        (_("{holder} holds {n} of the {total} strong ties (at least {strong}) to {account}'s contacts ({share}).")
         if tot > 0 and sh >= s.gaps.single_thread_share else
         _("Only {holder} has any tie to or interaction with {account}'s contacts.")).format(
            holder=ctx.name(d), n=k, total=tot, strong=_f(s.gaps.strong), account=a, share=f"{sh:.0%}")
        for d, k, tot, a, sh in zip(dominant, acc["top_n"], acc["total"], acc["account_name"], acc["share"])]
    action = [_("{actor} should get a second colleague a strong tie to {contacts}.").format(
                  actor=ctx.who(i, r), contacts=held_names.get(a_id, _("the key contacts")))
              for i, r, a_id in zip(acc["lead_id"], acc["lead_role"], acc["account_id"])]
    return _frame({
        "account_id": acc["account_id"].to_numpy(), "kind": "single_threaded",
        "severity": s.gaps.severity["single_threaded"],
        "target_id": dominant.to_numpy(), "target_name": [ctx.name(d) for d in dominant],
        "evidence": evidence, "actor_id": acc["lead_id"].to_numpy(), "action": action,
    })


def _cooling_key_relationship(ctx: _Context) -> pd.DataFrame:

    s = ctx.settings
    c = ctx.contacts
    c = c[c["decision_role"].isin(s.gaps.cooling_key_roles) & c["best_internal_id"].notna()]
    if c.empty:
        return _frame({})
    pairs = pd.DataFrame({"person_id": c["best_internal_id"].to_numpy(), "other_id": c["contact_id"].to_numpy()})
    tr = trends(ctx.snap, s, ctx.t, pairs).drop_duplicates(["person_id", "other_id"])
    tr = tr.rename(columns={"last_interaction": "pair_last"})
    c = c.merge(tr[["person_id", "other_id", "label", "window_start", "strength_start", "strength_now",
                    "pair_last", "days_since_last"]],
                left_on=["best_internal_id", "contact_id"], right_on=["person_id", "other_id"])
    c = c[c["label"].isin(["cooling", "dormant"])]
    if c.empty:
        return _frame({})
    history = ctx.snap.history_start

    def moved(start, s0, s1) -> str:
        """``strength 0.84 → 0.61 over 5 months``; with less than a month of window, the
        strength now and where the data starts."""
        months = int(round((ctx.t - pd.Timestamp(start)).days / 30.44))
        if months >= 1:
            return ngettext("strength {start} → {now} over {n} month", "strength {start} → {now} over {n} months",
                            months).format(start=_f(s0), now=_f(s1), n=months)
        if history is not None:
            return _("strength {now} (the data starts {day})").format(now=_f(s1), day=fmt_day(history))
        return _("strength {now}").format(now=_f(s1))

    evidence = [
        _("{holder} – {name} ({role}) is {trend}: {change}; {last}").format(
            holder=ctx.name(h), name=n, role=_role_text(r), trend=term("trend", lab), change=moved(w, s0, s1),
            last=(_("last interaction {day} ({days} days ago).").format(day=fmt_day(li), days=int(d))
                  if not pd.isna(li) else _("no interaction on record.")))
        for h, n, r, lab, w, s0, s1, li, d in zip(c["best_internal_id"], c["name"], c["decision_role"], c["label"],
                                                  c["window_start"], c["strength_start"], c["strength_now"],
                                                  c["pair_last"], c["days_since_last"])]
    return _frame({
        "account_id": c["account_id"].to_numpy(), "kind": "cooling_key_relationship",
        "severity": (s.gaps.severity["cooling_key_relationship"] * c["role_factor"]).to_numpy(),
        "target_id": c["contact_id"].to_numpy(), "target_name": c["name"].to_numpy(),
        "evidence": evidence, "actor_id": c["best_internal_id"].to_numpy(),
        "action": [_("{holder} should re-engage {name} with a visit or a meal: they hold our best tie.").format(
                       holder=ctx.name(h), name=n) for h, n in zip(c["best_internal_id"], c["name"])],
    })


def _policies(settings: Settings) -> pd.DataFrame:
    return pd.DataFrame([{
        "tier": p.tier, "executive_level": p.executive_level, "min_exec_tie": p.min_exec_tie,
        "exec_tie_roles": tuple(p.exec_tie_roles), "exec_tie_contact_max_level": p.exec_tie_contact_max_level,
        "min_exec_visits_per_quarter": p.min_exec_visits_per_quarter, "iron_triangle": tuple(p.iron_triangle),
        "sponsor_required": p.executive_sponsor,
    } for p in settings.tier_policy], columns=["tier", "executive_level", "min_exec_tie", "exec_tie_roles",
                                               "exec_tie_contact_max_level", "min_exec_visits_per_quarter",
                                               "iron_triangle", "sponsor_required"])


def _with_policy(ctx: _Context) -> pd.DataFrame:
    return ctx.accounts.merge(_policies(ctx.settings).drop_duplicates("tier"), on="tier")


def _missing_team_role(ctx: _Context) -> pd.DataFrame:
    acc = _with_policy(ctx)
    need = acc[["account_id", "iron_triangle"]].explode("iron_triangle").dropna()
    need = need.rename(columns={"iron_triangle": "team_role"})
    have = ctx.team[["account_id", "team_role"]].drop_duplicates().assign(present=True)
    miss = need.merge(have, on=["account_id", "team_role"], how="left")
    miss = miss[miss["present"].isna()].merge(acc, on="account_id")
    if miss.empty:
        return _frame({})
    labels = miss["team_role"].map(lambda code: _(TEAM_ROLE_LABELS[code]))
    return _frame({
        "account_id": miss["account_id"].to_numpy(), "kind": "missing_team_role",
        "severity": ctx.settings.gaps.severity["missing_team_role"],
        "target_id": None, "target_name": labels.to_numpy(),
        "evidence": [_("{account} is {a_tier} account; its policy requires {a_role} and nobody is assigned.").format(
                         account=a, a_tier=_tier(t), a_role=_team_role(code))
                     for a, t, code in zip(miss["account_name"], miss["tier"], miss["team_role"])],
        "actor_id": miss["assign_id"].to_numpy(),
        "action": [_("{actor} should assign {a_role} to {account}.").format(
                       actor=ctx.who(i, r), a_role=_team_role(code), account=a)
                   for i, r, code, a in zip(miss["assign_id"], miss["assign_role"], miss["team_role"],
                                            miss["account_name"])],
    })


def _tier_policy(ctx: _Context) -> pd.DataFrame:
    s = ctx.settings
    acc = _with_policy(ctx)
    if acc.empty:
        return _frame({})
    base = s.gaps.severity["tier_policy"]
    parts = []

    # (a) executive sponsor required
    sp = acc[TeamRole.EXECUTIVE_SPONSOR.value]
    sp_level = sp.map(ctx.levels).astype(float).fillna(np.inf)  # unknown level: not senior enough
    no_sponsor = acc["sponsor_required"].astype(bool) & sp.isna()
    junior = acc["sponsor_required"].astype(bool) & sp.notna() & ~(sp_level <= acc["executive_level"])
    for mask, junior_case in ((no_sponsor, False), (junior, True)):
        a = acc[mask]
        if a.empty:
            continue
        if junior_case:
            ev = [_("{account} is {a_tier} account; its policy requires an executive sponsor at level {level} or above, "
                    "but the sponsor {sponsor} is level {sponsor_level}.").format(
                      account=n, a_tier=_tier(t), level=int(el), sponsor=ctx.name(p),
                      sponsor_level=_("unknown") if np.isinf(lv) else int(lv))
                  for n, t, el, p, lv in zip(a["account_name"], a["tier"], a["executive_level"],
                                             a[TeamRole.EXECUTIVE_SPONSOR.value], sp_level[mask])]
        else:
            ev = [_("{account} is {a_tier} account; its policy requires an executive sponsor and none is assigned.").format(
                      account=n, a_tier=_tier(t)) for n, t in zip(a["account_name"], a["tier"])]
        parts.append(_frame({
            "account_id": a["account_id"].to_numpy(), "kind": "tier_policy", "rule": RULE_EXECUTIVE_SPONSOR,
            "severity": base, "target_id": None, "target_name": _("executive sponsor"), "evidence": ev,
            "actor_id": a["assign_id"].to_numpy(),
            "action": [_("{actor} should assign an executive sponsor at level {level} or above to {account}.").format(
                           actor=ctx.who(i, r), level=int(el), account=n)
                       for i, r, el, n in zip(a["assign_id"], a["assign_role"], a["executive_level"],
                                              a["account_name"])],
        }))

    # (b) executive tie to a senior contact with a policy role
    rules = acc[(acc["min_exec_tie"] > 0) & (acc["exec_tie_roles"].map(len) > 0)]
    if len(rules):
        roles = rules[["account_id", "exec_tie_roles"]].explode("exec_tie_roles").rename(
            columns={"exec_tie_roles": "decision_role"})
        eligible = ctx.contacts.merge(roles, on=["account_id", "decision_role"]).merge(
            rules[["account_id", "executive_level", "exec_tie_contact_max_level", "min_exec_tie"]], on="account_id")
        eligible = eligible[eligible["level"].fillna(-np.inf) <= eligible["exec_tie_contact_max_level"]]
        ties = ctx.pairs_of(eligible["contact_id"]).merge(eligible[["account_id", "contact_id", "executive_level"]],
                                                          on="contact_id")
        ties = ties[ties["internal_level"].fillna(np.inf) <= ties["executive_level"]]
        best = ties.groupby("account_id")["strength"].max()
        best_pair = ties.sort_values(["account_id", "strength"], ascending=[True, False]).drop_duplicates("account_id")
        best_pair = best_pair.set_index("account_id")
        rules = rules.assign(best=rules["account_id"].map(best).fillna(0.0))
        fail = rules[rules["best"] < rules["min_exec_tie"]]
        if len(fail):
            # the contact to build the tie with: heaviest role, then the best existing executive tie
            exec_best = ties.groupby("contact_id")["strength"].max()
            el = eligible.assign(exec_best=eligible["contact_id"].map(exec_best).fillna(0.0))
            el = el.sort_values(["account_id", "role_factor", "exec_best", "contact_id"],
                                ascending=[True, False, False, True]).drop_duplicates("account_id").set_index("account_id")
            target = fail["account_id"].map(el["contact_id"])
            target_name = fail["account_id"].map(el["name"])
            roles_text = [join_or(_role_text(r) for r in rs) for rs in fail["exec_tie_roles"]]
            ev = []
            for a_id, n, t, el_, mx, need, b, rt in zip(fail["account_id"], fail["account_name"], fail["tier"],
                                                        fail["executive_level"], fail["exec_tie_contact_max_level"],
                                                        fail["min_exec_tie"], fail["best"], roles_text):
                fill = dict(account=n, a_tier=_tier(t), need=_f(need), roles=rt, a_roles=_a(rt), max_level=int(mx),
                            level=int(el_), best=_f(b))
                if a_id not in el.index:
                    ev.append(_("{account} is {a_tier} account; its policy requires an executive tie of at least {need} "
                                "to a {roles} at level {max_level} or above, and no such contact is known.").format(**fill))
                elif a_id in best_pair.index:
                    bp = best_pair.loc[a_id]
                    ev.append(_("{account} is {a_tier} account; its policy requires a tie of at least {need} from our "
                                "level-{level}-or-above people to {a_roles} at level {max_level} or above; the best is "
                                "{best} ({holder} – {contact}).").format(
                        holder=ctx.name(bp["internal_id"]), contact=ctx.name(bp["contact_id"]), **fill))
                else:
                    ev.append(_("{account} is {a_tier} account; its policy requires a tie of at least {need} from our "
                                "level-{level}-or-above people to {a_roles} at level {max_level} or above; none of them "
                                "has any tie.").format(**fill))
            actor = fail["exec_id"]
            parts.append(_frame({
                "account_id": fail["account_id"].to_numpy(), "kind": "tier_policy", "rule": RULE_EXECUTIVE_TIE,
                "severity": base, "target_id": target.to_numpy(), "target_name": target_name.to_numpy(), "evidence": ev,
                "actor_id": actor.to_numpy(),
                "action": [(_("{actor} should build an executive tie with {target}; no access path is known.")
                            if isinstance(tn, str) else
                            _("{actor} should find out who the senior decision-makers at {account} are.")).format(
                               actor=ctx.who(i, r), target=tn, account=n)
                           for i, r, tn, n in zip(actor, fail["exec_role"], target_name, fail["account_name"])],
                "path_target": target.to_numpy(),
                "path_max_level": fail["executive_level"].to_numpy(dtype=float),
                "verb": "build an executive tie with",
            }))

    # (c) executive visits in the last quarter
    vis = acc[acc["min_exec_visits_per_quarter"] > 0]
    if len(vis):
        inter = ctx.snap.interactions
        recent = inter[(inter["kind"] == InteractionKind.VISIT.value) & inter["account_id"].isin(vis["account_id"])
                       & (inter["date"] > ctx.t - QUARTER) & (inter["date"] <= ctx.t)]
        att = ctx.snap.attendance
        att = att[att["interaction_id"].isin(recent["id"])]  # before the join: a few rows of many
        att = att.merge(recent[["id", "account_id"]], left_on="interaction_id", right_on="id")
        att = att.assign(level=att["person_id"].map(ctx.levels).astype(float).fillna(np.inf))
        att = att.merge(vis[["account_id", "executive_level"]], on="account_id")
        att = att[att["level"] <= att["executive_level"]]
        count = att.groupby("account_id")["interaction_id"].nunique()
        vis = vis.assign(visits=vis["account_id"].map(count).fillna(0).astype(int))
        short = vis[vis["visits"] < vis["min_exec_visits_per_quarter"]]
        if len(short):
            since = fmt_day(ctx.t - QUARTER)
            parts.append(_frame({
                "account_id": short["account_id"].to_numpy(), "kind": "tier_policy",
                "rule": RULE_EXECUTIVE_VISITS, "severity": base,
                "target_id": None, "target_name": _("executive visits"),
                "evidence": [_("{account} is {a_tier} account; its policy asks for {n} executive visit(s) a quarter "
                               "(our level {level} or above) and there were {visits} since {day}.").format(
                                 account=n, a_tier=_tier(t), n=int(m), level=int(el), visits=v, day=since)
                             for n, t, m, el, v in zip(short["account_name"], short["tier"],
                                                       short["min_exec_visits_per_quarter"], short["executive_level"],
                                                       short["visits"])],
                "actor_id": short["exec_id"].to_numpy(),
                "action": [_("{actor} should schedule {n} more executive visit(s) to {account} this quarter.").format(
                               actor=ctx.who(i, r), n=int(m) - v, account=n)
                           for i, r, m, v, n in zip(short["exec_id"], short["exec_role"],
                                                    short["min_exec_visits_per_quarter"], short["visits"],
                                                    short["account_name"])],
            }))
    return pd.concat(parts, ignore_index=True) if parts else _frame({})


def _key_person_risk(ctx: _Context) -> pd.DataFrame:

    s = ctx.settings
    d = drops_from_best(s, ctx.contacts)
    d = d[d["drop"] >= s.gaps.key_person_drop].merge(ctx.accounts, on="account_id")
    if d.empty:
        return _frame({})

    scores = score_groups(s, ctx.contacts, "account_id").set_index("account_id")["coverage_score"]
    before = d["account_id"].map(scores)
    held = [join_list(ctx.name(c) for c in cs.split(",")) for cs in d["contacts"]]
    # someone other than the key person acts: the lead, else the sponsor, else the owner;
    # when the key person is the whole account team, they hand over themselves
    actor, role = [], []
    for p, lead, lr, ex, er, own in zip(d["internal_id"], d["lead_id"], d["lead_role"], d["exec_id"],
                                        d["exec_role"], d["owner_id"]):
        for cand, r in ((lead, lr), (ex, er), (own, ACCOUNT_OWNER), (p, KEY_PERSON)):
            if isinstance(cand, str) and (cand != p or r == KEY_PERSON):
                actor.append(cand)
                role.append(r)
                break
    return _frame({
        "account_id": d["account_id"].to_numpy(), "kind": "key_person_risk",
        "severity": s.gaps.severity["key_person_risk"],
        "target_id": d["internal_id"].to_numpy(), "target_name": [ctx.name(p) for p in d["internal_id"]],
        "evidence": [_("If {person} left, {account}'s coverage score would fall from {before} to {after} "
                       "(-{drop}): they alone hold the best tie to {contacts}.").format(
                         person=ctx.name(p), account=n, before=_f(b), after=_f(b - dr), drop=_f(dr), contacts=h)
                     for p, n, b, dr, h in zip(d["internal_id"], d["account_name"], before, d["drop"], held)],
        "actor_id": actor,
        "action": [_("{actor} should get a second colleague a strong tie to {contacts}.").format(
                       actor=ctx.who(a, r), contacts=h)
                   for a, r, h in zip(actor, role, held)],
    })


_RULES = {
    "no_decision_maker_known": _no_decision_maker_known,
    "uncovered_decision_maker": _uncovered_decision_maker,
    "no_peer_coverage": _no_peer_coverage,
    "single_threaded": _single_threaded,
    "cooling_key_relationship": _cooling_key_relationship,
    "unmanaged_opponent": _unmanaged_opponent,
    "missing_team_role": _missing_team_role,
    "tier_policy": _tier_policy,
    "key_person_risk": _key_person_risk,
}
assert set(_RULES) == set(GAP_KINDS)


def _attach_paths(ctx: _Context, g: pd.DataFrame) -> pd.DataFrame:
    """Replace the default actor with the start of the best qualifying access path."""

    g = g.assign(path=None)
    want = g["path_target"].notna()
    if not want.any():
        return g
    rows = g[want]
    # every path to these targets is a candidate, so a level filter never misses a qualifying
    # one; explanations are written for the chosen paths only
    k = max(ctx.settings.paths.top_k, len(ctx.snap.people) + len(ctx.snap.organizations))
    best = best_path_within_level(ctx.snap, ctx.settings, rows["path_target"].to_numpy(),
                                  rows["path_max_level"].to_numpy(dtype=float), as_of=ctx.t, k=k)
    if best.empty:
        return g
    best = best.set_index(rows.index[best["request"].to_numpy()])
    idx = best.index
    g.loc[idx, "actor_id"] = best["internal_id"].to_numpy()
    g.loc[idx, "path"] = best["explanation"].to_numpy()
    g.loc[idx, "action"] = [_(_THROUGH[v]).format(actor=ctx.name(a), target=tn, path=e)
                            for a, v, tn, e in zip(best["internal_id"], g.loc[idx, "verb"], g.loc[idx, "target_name"],
                                                   best["explanation"])]
    return g


def gaps(snap: Snapshot, settings: Settings, as_of=None, accounts: Iterable[str] | None = None,
         kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """Every gap of the accounts (default: the snapshot's scope, else all), highest priority first.

    Columns: account_id, account_name, tier, kind, rule (which check of the kind fired: the
    tier policy has executive_sponsor, executive_tie and executive_visits; else the kind), severity, priority, target_id,
    target_name, evidence (one sentence with the numbers), action (who should do what),
    actor_id, actor_name, path (the access path's explanation, or None). ``kinds``
    restricts the rules run (see :data:`GAP_KINDS`).

    Examples
    --------
    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> found = gaps(snap, settings)
    >>> found["kind"].value_counts().sort_index().to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'cooling_key_relationship': 7, 'key_person_risk': 1, 'no_decision_maker_known': 3,
     'no_peer_coverage': 9, 'tier_policy': 2, 'uncovered_decision_maker': 3}
    >>> found.loc[0, ["account_id", "kind", "target_name"]].tolist()
    ['A00004', 'cooling_key_relationship', 'Tao Zhu']
    """
    kinds = list(GAP_KINDS) if kinds is None else list(dict.fromkeys(kinds))
    unknown = sorted(set(kinds) - set(GAP_KINDS))
    if unknown:

        raise ConfigError(_("unknown gap kind {kinds}; known: {known}").format(
            kinds=", ".join(map(repr, unknown)), known=", ".join(GAP_KINDS)))
    ctx = _context(snap, settings, as_of, accounts)
    parts = [_RULES[k](ctx) for k in kinds]
    parts = [p for p in parts if len(p)]
    g = pd.concat(parts, ignore_index=True) if parts else _frame({})
    g = _attach_paths(ctx, g)
    g["rule"] = g["rule"].where(g["rule"].notna(), g["kind"])
    acc = ctx.accounts.set_index("account_id")
    g["account_name"] = g["account_id"].map(acc["account_name"])
    g["tier"] = g["account_id"].map(acc["tier"])
    g["severity"] = g["severity"].astype(float)
    g["priority"] = g["severity"] * g["account_id"].map(acc["tier_factor"]).astype(float)
    g["actor_name"] = [ctx.name(a) if isinstance(a, str) else None for a in g["actor_id"]]
    order = {k: i for i, k in enumerate(GAP_KINDS)}
    g["_k"] = g["kind"].map(order)
    g = g.sort_values(["priority", "account_id", "_k", "target_id"], ascending=[False, True, True, True],
                      kind="mergesort", na_position="last")
    out = g[GAP_COLUMNS].reset_index(drop=True)
    for c in ("target_id", "target_name", "actor_id", "actor_name", "path", "tier"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out
