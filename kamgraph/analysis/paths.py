"""Access paths: how someone on our side reaches a customer contact, with at most one hop.

DESIGN.md section 4. For a target contact, three kinds of path, each ending at the target:

``direct``
    An internal person ``u`` with any strength to the target:
    ``score = strength(u, target)``.
``person``
    One intermediary ``x`` who is neither internal (our own people are direct paths, never
    intermediaries) nor the target:
    ``score = strength(u, x) * strength(x, target) * k``, where ``k`` is the best factor
    (``settings.paths.kind_factors``) among: each declared tie kind between ``x`` and
    the target (friend, classmate, official, partner...), ``colleague`` when ``x`` works
    where the target works (a coach inside), and ``other`` when ``x`` and the target are
    known only from shared interactions. ``x`` needs some strength to the target: the
    formula multiplies by it, so a colleague the target never met scores 0 and is left out.
``organization``
    ``u`` and the target are both current members of one organization (an industry
    association, an alumni class): ``score = k(association)``. A shared membership gives a
    chance to meet, not trust, and neither leg has a measured strength, so no strength
    factor applies: every shared membership scores the same low constant (0.3 by
    default), below any fair personal introduction.

Never more than one intermediary: longer chains cost too much and fail. Paths are ranked
per target by score, ties broken by ``internal_id``, then ``via_id`` (a direct path, with
no ``via_id``, first), then ``kind``; the top ``k`` (``settings.paths.top_k``) are kept.

Everything runs on :func:`kamgraph.analysis.graph.access_index`, compressed adjacency
arrays built once per snapshot and date: a query gathers the target's neighbors, their
internal neighbors and the target's organizations' internal members with numpy, for one
target or hundreds at once, and never enumerates simple paths.

>>> from kamgraph.settings import Settings
>>> Settings().paths.kind_factors["classmate"]
0.9
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamgraph.analysis.graph import (
    ASSOCIATION_KIND,
    COLLEAGUE_KIND,
    INTERACTION_KIND,
    AccessIndex,
    access_index,
    current_employment,
    gather,
    org_names,
    people_index,
    person_labels,
)
from kamgraph.analysis.strength import resolve_as_of
from kamgraph.errors import ConfigError, NotFound
from kamgraph.model import DecisionRole
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = ["PATH_COLUMNS", "access_paths", "access_paths_for", "uncovered_decision_maker_paths"]

PATH_COLUMNS = ["target_id", "rank", "score", "kind", "internal_id", "via_id", "via_kind",
                "first_strength", "second_strength", "factor", "explanation", "internal_level"]

DIRECT, PERSON, ORGANIZATION = "direct", "person", "organization"

_KIND_TEXT = {INTERACTION_KIND: "acquaintance", COLLEAGUE_KIND: "colleague"}


def _top_k(settings: Settings, k: int | None) -> int:
    k = settings.paths.top_k if k is None else k
    if int(k) < 1:
        raise ConfigError(f"k (number of paths per target) must be at least 1, got {k}")
    return int(k)


def access_paths(snap: Snapshot, settings: Settings, target_id: str, as_of=None,
                 k: int | None = None) -> pd.DataFrame:
    """The top ``k`` access paths to one person (see the module docstring).

    Columns :data:`PATH_COLUMNS`; empty when nobody on our side can reach the target.
    Raises :class:`~kamgraph.errors.NotFound` for an id not in the snapshot.
    """
    if target_id not in people_index(snap).index:
        raise NotFound(f"no person with id {target_id!r} in this snapshot")
    return access_paths_for(snap, settings, [target_id], as_of=as_of, k=k)


def access_paths_for(snap: Snapshot, settings: Settings, target_ids, as_of=None,
                     k: int | None = None) -> pd.DataFrame:
    """The top ``k`` access paths to each of many people at once, in one vectorized pass.

    Unknown ids and people nobody can reach contribute no rows. Sorted by target, rank.
    """
    k = _top_k(settings, k)
    t = resolve_as_of(settings, as_of)
    idx = access_index(snap, settings, t)
    codes = idx.codes(pd.unique(pd.Series(list(target_ids), dtype=object).dropna()))
    codes = np.unique(codes[codes >= 0])
    cand = _candidates(idx, codes, dict(settings.paths.kind_factors))
    if cand.empty:
        return _empty()
    top = _rank(cand, idx, k)
    return _decorate(snap, idx, top)


def uncovered_decision_maker_paths(snap: Snapshot, settings: Settings, as_of=None, k: int | None = None,
                                   accounts=None) -> pd.DataFrame:
    """Top ``k`` paths to every decision-maker whose best direct strength is below
    ``settings.coverage.covered``.

    Decision-makers are the current ``decision_maker`` roles (:meth:`Snapshot.roles` at
    ``as_of``) at ``accounts`` (default: every account), leaving out people whose job at
    that account has ended. Columns ``account_id, best_direct`` then :data:`PATH_COLUMNS`;
    a decision-maker nobody can reach has no rows.
    """
    t = resolve_as_of(settings, as_of)
    roles = snap.roles(t)
    if roles.empty:
        return _empty(with_account=True)
    dm = roles[roles["decision_role"] == DecisionRole.DECISION_MAKER.value][["person_id", "account_id"]]
    if accounts is not None:
        dm = dm[dm["account_id"].isin(list(accounts))]
    # the role belongs to the job: drop people known to have left the account
    emp = snap.employment[["person_id", "org_id"]].rename(columns={"org_id": "account_id"})
    now = current_employment(snap, t)[["person_id", "org_id"]].rename(columns={"org_id": "account_id"})
    had_job = dm.merge(emp.drop_duplicates(), on=["person_id", "account_id"], how="left", indicator=True)["_merge"].eq("both").to_numpy()
    has_job = dm.merge(now.drop_duplicates(), on=["person_id", "account_id"], how="left", indicator=True)["_merge"].eq("both").to_numpy()
    dm = dm[~had_job | has_job]
    if dm.empty:
        return _empty(with_account=True)

    idx = access_index(snap, settings, t)
    best = _best_direct(idx, dm["person_id"].to_numpy(dtype=object))
    dm = dm.assign(best_direct=best)
    dm = dm[dm["best_direct"] < settings.coverage.covered]
    paths = access_paths_for(snap, settings, dm["person_id"].unique(), as_of=t, k=k)
    out = dm.rename(columns={"person_id": "target_id"}).merge(paths, on="target_id", how="inner")
    out = out.sort_values(["account_id", "target_id", "rank"], kind="mergesort").reset_index(drop=True)
    return out[["account_id", "best_direct"] + PATH_COLUMNS]


# -- internals -------------------------------------------------------------------------------

def _best_direct(idx: AccessIndex, person_ids: np.ndarray) -> np.ndarray:
    """Best strength from any internal person to each person (0 when none)."""
    codes = idx.codes(person_ids)
    valid = codes >= 0
    out = np.zeros(len(codes))
    if valid.any():
        rows = codes[valid]
        parent, pos = gather(idx.nbr_indptr, rows)
        mask = idx.internal[idx.nbr_other[pos]]
        best = np.zeros(len(rows))
        np.maximum.at(best, parent[mask], idx.nbr_strength[pos][mask])
        out[valid] = best
    return out


def _candidates(idx: AccessIndex, targets: np.ndarray, factors: dict) -> pd.DataFrame:
    """Every path to ``targets`` (codes), unranked: one row per path."""
    parent, pos = gather(idx.nbr_indptr, targets)
    tgt = targets[parent]
    other = idx.nbr_other[pos]
    strength = idx.nbr_strength[pos]
    is_int = idx.internal[other]

    # direct: an internal neighbor of the target
    direct = pd.DataFrame({
        "t": tgt[is_int], "kind": DIRECT, "u": other[is_int], "via": -1, "via_is_org": False,
        "via_kind": None, "first_strength": strength[is_int], "second_strength": np.nan, "factor": 1.0,
        "score": strength[is_int], "note": None,
    })

    # person: a non-internal neighbor x of the target (the link's factor is symmetric, so
    # the target's row for x carries it), then x's internal neighbors
    xm = ~is_int
    x, xt, s2 = other[xm], tgt[xm], strength[xm]
    f, vk, note = idx.nbr_factor[pos][xm], idx.nbr_kind[pos][xm], idx.nbr_note[pos][xm]
    p2, pos2 = gather(idx.int_indptr, x)
    u = idx.int_other[pos2]
    keep = u != xt[p2]
    p2, u = p2[keep], u[keep]
    s1 = idx.int_strength[pos2][keep]
    person = pd.DataFrame({
        "t": xt[p2], "kind": PERSON, "u": u, "via": x[p2], "via_is_org": False, "via_kind": vk[p2],
        "first_strength": s1, "second_strength": s2[p2], "factor": f[p2], "score": s1 * s2[p2] * f[p2], "note": note[p2],
    })

    # organization: an internal co-member of an organization the target belongs to
    p3, pos3 = gather(idx.mem_indptr, targets)
    org, ot = idx.mem_org[pos3], targets[p3]
    p4, pos4 = gather(idx.orgint_indptr, org)
    u = idx.orgint_person[pos4]
    keep = u != ot[p4]
    assoc = factors.get(ASSOCIATION_KIND, 0.0)
    orgs = pd.DataFrame({
        "t": ot[p4][keep], "kind": ORGANIZATION, "u": u[keep], "via": org[p4][keep], "via_is_org": True,
        "via_kind": ASSOCIATION_KIND, "first_strength": np.nan, "second_strength": np.nan, "factor": assoc, "score": assoc,
        "note": None,
    })
    parts = [p for p in (direct, person, orgs) if len(p)]
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)


def _rank(cand: pd.DataFrame, idx: AccessIndex, k: int) -> pd.DataFrame:
    """Top ``k`` per target, deterministic on ties (score, internal_id, via_id, kind)."""
    cand = cand.assign(
        target_id=idx.person_ids[cand["t"].to_numpy(np.int64)],
        internal_id=idx.person_ids[cand["u"].to_numpy(np.int64)],
    )
    via = cand["via"].to_numpy(np.int64)
    is_org = cand["via_is_org"].to_numpy(bool)
    via_id = np.full(len(cand), None, dtype=object)
    pm = (~is_org) & (via >= 0)
    via_id[pm] = idx.person_ids[via[pm]]
    via_id[is_org] = idx.org_ids[via[is_org]]
    cand["via_id"] = via_id
    cand["_via_sort"] = np.where(via_id == None, "", via_id).astype(str)  # noqa: E711 - elementwise
    cand = cand.sort_values(["target_id", "score", "internal_id", "_via_sort", "kind"],
                            ascending=[True, False, True, True, True], kind="mergesort")
    cand["rank"] = cand.groupby("target_id", sort=False).cumcount() + 1
    return cand[cand["rank"] <= k].drop(columns="_via_sort").reset_index(drop=True)


def _decorate(snap: Snapshot, idx: AccessIndex, top: pd.DataFrame) -> pd.DataFrame:
    """Add levels and the one-line explanation; return :data:`PATH_COLUMNS`."""
    labels = person_labels(snap, idx.as_of)
    people = people_index(snap)
    names = org_names(snap)
    u_label = top["internal_id"].map(labels).fillna(top["internal_id"]).astype(str)
    t_label = top["target_id"].map(labels).fillna(top["target_id"]).astype(str)
    via_id = top["via_id"]
    person_name = via_id.map(people["name"]).where(via_id.map(people["name"]).notna(), via_id)
    org_name = via_id.map(names).where(via_id.map(names).notna(), via_id)
    kind_text = top["via_kind"].map(lambda v: _KIND_TEXT.get(v, str(v).replace("_", " ")) if v is not None else "")
    note = top["note"].where(top["note"].notna(), None)
    kind_text = kind_text.where(note.isna(), kind_text + " (" + note.fillna("").astype(str) + ")")
    score = top["score"].map(lambda v: f"{v:.2f}")
    kind = top["kind"]
    middle = np.select(
        [kind == PERSON, kind == ORGANIZATION],
        [" → " + person_name.fillna("").astype(str) + ", " + kind_text + " → ",
         " → " + org_name.fillna("").astype(str) + " (shared membership) → "],
        default=" → ",
    )
    suffix = np.where(kind == DIRECT, " (direct): ", ": ")
    top = top.assign(
        explanation=u_label + pd.Series(middle, index=top.index) + t_label + pd.Series(suffix, index=top.index) + score,
        internal_level=top["internal_id"].map(people["level"]).astype("Int64"),
    )
    top["rank"] = top["rank"].astype(np.int64)
    out = top[PATH_COLUMNS].reset_index(drop=True)
    for c in ("target_id", "kind", "internal_id", "via_id", "via_kind", "explanation"):
        col = out[c].astype(object)
        out[c] = col.where(col.notna(), None)
    return out


def _empty(with_account: bool = False) -> pd.DataFrame:
    cols = (["account_id", "best_direct"] if with_account else []) + PATH_COLUMNS
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    for c in ("score", "first_strength", "second_strength", "factor") + (("best_direct",) if with_account else ()):
        df[c] = df[c].astype(float)
    df["rank"] = df["rank"].astype(np.int64)
    df["internal_level"] = df["internal_level"].astype("Int64")
    return df
