"""What-if: account coverage if one person leaves, and key-person risk.

:func:`without_internal` and :func:`without_contact` recompute account coverage on a copy
of the snapshot from which the person is removed (their ties, attendance, team roles,
assessments...), and report before, after and the change per account.

:func:`key_person_risk` answers "whose departure hurts each account most" for every
internal person at once, without recomputing anything per person. Strength is a property
of a pair and does not depend on third parties, so without person *p* a contact's best
strength is simply the best over the remaining pairs: the contact's second-best strength
when *p* held the best tie, unchanged otherwise. With the top two strengths per contact
(a group operation), the loss of each account when *p* leaves is

    drop(account, p) = sum over buying-center contacts whose best tie p holds of
                       w(role) * (min(1, best/covered) - min(1, second/covered))
                       / sum of w(role) over the buying center

which equals the score :func:`account_coverage` gives on the snapshot without *p*.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from kamgraph.analysis.coverage import (
    account_contacts,
    account_coverage,
    account_ids,
    contact_best,
    coverage_ratio,
    internal_contact_strengths,
    role_weight,
)
from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.people import shown_names
from kamgraph.errors import KamgraphError, NotFound
from kamgraph.i18n import _
from kamgraph.model import Side
from kamgraph.names import display_name
from kamgraph.schema import ENTITIES
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

#: account coverage columns compared before/after
COMPARED = ("coverage_score", "contacts", "covered", "peer_covered", "threads", "buying_center_covered")


def without_person(snap: Snapshot, person_id: str) -> Snapshot:
    """A copy of ``snap`` in which ``person_id`` does not exist.

    Rows whose key contains the person are dropped (ties, attendance, employment, their
    assessments, ...); other references to them (an account's ``owner_id``, an
    assessment's ``assessed_by``) are cleared. The interactions they attended keep their
    attendee count (the meeting still had that many people: strength's size discount of
    the others' pairs does not change).
    """
    frames = {"interaction_sizes": _sizes_before_removal(snap, person_id)}
    for name, ent in ENTITIES.items():
        df = snap.frames[name]
        if name == "people":
            frames[name] = df[df["id"] != person_id].reset_index(drop=True)
            continue
        refs = [c.name for c in ent.columns if "people" in c.references]
        if not refs:
            continue
        keyed = [c for c in refs if c in ent.key]
        other = [c for c in refs if c not in ent.key]
        hit = np.zeros(len(df), dtype=bool)
        for c in keyed:
            hit |= (df[c] == person_id).to_numpy(dtype=bool, na_value=False)
        df = df[~hit]
        if other:
            df = df.copy()
            for c in other:
                df[c] = df[c].where(df[c] != person_id, None)
        frames[name] = df.reset_index(drop=True)
    return snap.with_frames(**frames)


def _sizes_before_removal(snap: Snapshot, person_id: str) -> pd.DataFrame:
    """``interaction_sizes`` of ``snap`` plus the attendee count of each interaction
    ``person_id`` attended (the larger of the recorded and the counted size)."""
    att = snap.attendance
    mine = att.loc[att["person_id"] == person_id, "interaction_id"].unique()
    counted = att[att["interaction_id"].isin(mine)].groupby("interaction_id")["person_id"].nunique()
    recorded = snap.frames.get("interaction_sizes")
    parts = [pd.DataFrame({"interaction_id": counted.index.to_numpy(dtype=object), "size": counted.to_numpy(dtype=np.int64)})]
    if recorded is not None and len(recorded):
        parts.append(recorded[["interaction_id", "size"]])
    both = pd.concat(parts, ignore_index=True)
    return both.groupby("interaction_id", as_index=False, sort=True)["size"].max()


def _person(snap: Snapshot, person_id: str, side: str) -> pd.Series:
    p = snap.people[snap.people["id"] == person_id]
    if p.empty:
        raise NotFound(_("no person with id {id}").format(id=repr(person_id)))
    row = p.iloc[0]
    if side == Side.INTERNAL.value and row["side"] != side:
        raise KamgraphError(_("{id} ({name}) is not one of our people (side {side})").format(
            id=repr(person_id), name=display_name(row["name"]), side=repr(row["side"])))
    if side == Side.CUSTOMER.value and row["side"] == Side.INTERNAL.value:
        raise KamgraphError(_("{id} ({name}) is one of our people, not a contact").format(
            id=repr(person_id), name=display_name(row["name"])))
    return row


def _compare(snap: Snapshot, after: Snapshot, settings: Settings, as_of, accounts) -> pd.DataFrame:
    t = resolve_as_of(settings, as_of)
    ids = account_ids(snap, accounts)
    before = account_coverage(snap, settings, t, ids).set_index("account_id")
    later = account_coverage(after, settings, t, ids).set_index("account_id")
    out = pd.DataFrame({"account_id": ids, "account_name": before["account_name"].reindex(ids).to_numpy()})
    for col in COMPARED:
        b = before[col].reindex(ids).to_numpy()
        a = later[col].reindex(ids).to_numpy()
        out[f"{col}_before"] = b
        out[f"{col}_after"] = a
    out["delta"] = out["coverage_score_after"].fillna(0.0) - out["coverage_score_before"].fillna(0.0)
    out["missing_team_roles_after"] = later["missing_team_roles"].reindex(ids).to_numpy()
    changed = np.zeros(len(out), dtype=bool)
    for col in COMPARED:
        b, a = out[f"{col}_before"], out[f"{col}_after"]
        changed |= ~((b == a) | (b.isna() & a.isna())).to_numpy()
    changed |= out["missing_team_roles_after"].to_numpy() != before["missing_team_roles"].reindex(ids).to_numpy()
    out["changed"] = changed
    return out


def without_internal(snap: Snapshot, settings: Settings, person_id: str, as_of=None,
                     accounts: Iterable[str] | None = None) -> pd.DataFrame:
    """Account coverage before and after one of our people leaves.

    Columns: account_id, account_name, ``<m>_before`` and ``<m>_after`` for coverage_score,
    contacts, covered, peer_covered, threads and buying_center_covered; delta (score after -
    before, NaN scores as 0), missing_team_roles_after, changed (anything differs).
    """
    _person(snap, person_id, Side.INTERNAL.value)
    return _compare(snap, without_person(snap, person_id), settings, as_of, accounts)


def without_contact(snap: Snapshot, settings: Settings, person_id: str, as_of=None,
                    accounts: Iterable[str] | None = None) -> pd.DataFrame:
    """Account coverage before and after one customer contact leaves (same columns)."""
    _person(snap, person_id, Side.CUSTOMER.value)
    return _compare(snap, without_person(snap, person_id), settings, as_of, accounts)


def key_person_drops(snap: Snapshot, settings: Settings, as_of=None,
                     accounts: Iterable[str] | None = None) -> pd.DataFrame:
    """Coverage-score drop for every (account, internal person holding a best tie) at once.

    Columns: account_id, internal_id, drop, contacts (comma-joined ids of the buying-center
    contacts whose coverage falls). Only people whose departure lowers the score appear.
    """
    t = resolve_as_of(settings, as_of)
    ids = account_ids(snap, accounts)
    contacts = account_contacts(snap, settings, t, ids)
    pairs = internal_contact_strengths(snap, settings, t, contacts["contact_id"].unique())
    return drops_from_best(settings, contact_best(settings, contacts, pairs))


def drops_from_best(settings: Settings, cb: pd.DataFrame) -> pd.DataFrame:
    """:func:`key_person_drops` from per-contact best/second strengths (:func:`contact_best`)."""
    cb = cb.copy()
    cb["w"] = role_weight(settings, cb["decision_role"])
    cb = cb[cb["w"] > 0]
    total = cb.groupby("account_id")["w"].sum()
    loss = cb["w"] * (coverage_ratio(settings, cb["best_strength"]) - coverage_ratio(settings, cb["second_strength"]))
    cb = cb.assign(loss=loss)
    cb = cb[(cb["loss"] > 0) & cb["best_internal_id"].notna()]
    g = cb.groupby(["account_id", "best_internal_id"], sort=True)
    out = g["loss"].sum().rename("drop").reset_index().rename(columns={"best_internal_id": "internal_id"})
    out["drop"] = out["drop"] / out["account_id"].map(total)
    out["contacts"] = g["contact_id"].agg(",".join).to_numpy()
    return out


def key_person_risk(snap: Snapshot, settings: Settings, as_of=None,
                    accounts: Iterable[str] | None = None) -> pd.DataFrame:
    """Per account, the internal person whose departure drops the coverage score most.

    Columns: account_id, account_name, coverage_score, internal_id, internal_name, drop,
    score_without, contacts (the buying-center contacts whose best tie that person holds
    alone). Accounts where nobody's departure lowers the score have ``internal_id`` None and
    drop 0. Ties in the drop go to the smaller internal id.

    Examples
    --------
    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> risk = key_person_risk(snap, settings)
    >>> risk.loc[1, ["account_id", "internal_name"]].tolist(), round(float(risk.loc[1, "drop"]), 3)
    (['A00001', 'Tao Patel'], 0.243)
    """
    t = resolve_as_of(settings, as_of)
    ids = account_ids(snap, accounts)
    cov = account_coverage(snap, settings, t, ids).set_index("account_id")
    drops = key_person_drops(snap, settings, t, ids)
    top = drops.sort_values(["account_id", "drop", "internal_id"], ascending=[True, False, True],
                            kind="mergesort").drop_duplicates("account_id").set_index("account_id")
    out = pd.DataFrame({"account_id": ids, "account_name": cov["account_name"].reindex(ids).to_numpy(),
                        "coverage_score": cov["coverage_score"].reindex(ids).to_numpy()})
    internal = out["account_id"].map(top["internal_id"])
    out["internal_id"] = internal.astype(object).where(internal.notna(), None)
    out["internal_name"] = out["internal_id"].map(shown_names(snap))
    out["internal_name"] = out["internal_name"].where(out["internal_name"].notna(), None)
    out["drop"] = out["account_id"].map(top["drop"]).fillna(0.0).astype(float)
    out["score_without"] = out["coverage_score"] - out["drop"]
    contacts = out["account_id"].map(top["contacts"])
    out["contacts"] = contacts.astype(object).where(contacts.notna(), None)
    return out
