"""Access paths: how someone on our side reaches a customer contact, with at most one hop.

docs/architecture.md ("Coverage, gaps, paths"). For a target contact, three kinds of path, each ending at the target:

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

Everything runs on :func:`kamgraph.analysis.access.access_index`, compressed adjacency
arrays built once per snapshot and date: a query gathers the target's neighbors, their
internal neighbors and the target's organizations' internal members with numpy, for one
target or hundreds at once, and never enumerates simple paths.

>>> from kamgraph.settings import Settings
>>> Settings().paths.kind_factors["classmate"]
0.9
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamgraph.analysis.access import (
    ASSOCIATION_KIND,
    COLLEAGUE_KIND,
    INTERACTION_KIND,
    AccessIndex,
    access_index,
)
from kamgraph.analysis.arrays import gather
from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.derived import derived
from kamgraph.analysis.people import (
    current_employment,
    org_names,
    people_index,
    person_labels,
    shown_names,
)
from kamgraph.errors import ConfigError, NotFound
from kamgraph.i18n import N_, _
from kamgraph.i18n.terms import term
from kamgraph.model import DecisionRole
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot

__all__ = ["PATH_COLUMNS", "access_paths", "access_paths_for", "best_path_within_level",
           "uncovered_decision_maker_paths"]

PATH_COLUMNS = ["target_id", "rank", "score", "kind", "internal_id", "via_id", "via_kind",
                "first_strength", "second_strength", "factor", "explanation", "internal_level"]

DIRECT, PERSON, ORGANIZATION = "direct", "person", "organization"

_KIND_TEXT = {INTERACTION_KIND: N_("acquaintance"), COLLEAGUE_KIND: N_("colleague")}


def _top_k(settings: Settings, k: int | None) -> int:
    k = settings.paths.top_k if k is None else k
    if int(k) < 1:
        raise ConfigError(_("k (number of paths per target) must be at least 1, got {k}").format(k=k))
    return int(k)


def access_paths(snap: Snapshot, settings: Settings, target_id: str, as_of=None,
                 k: int | None = None) -> pd.DataFrame:
    """The top ``k`` access paths to one person (see the module docstring).

    Columns :data:`PATH_COLUMNS`; empty when nobody on our side can reach the target.
    Raises :class:`~kamgraph.errors.NotFound` for an id not in the snapshot.

    Examples
    --------
    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> best = access_paths(snap, settings, "C0000000").iloc[0]
    >>> best["kind"], float(best["score"])
    ('organization', 0.3)
    >>> best["explanation"]
    'Elena Wang (our CEO) → EMBA Class 5 (shared membership) → Jing Patel, 董事长 of Harbor Foods 0: 0.30'
    """
    if target_id not in people_index(snap).index:
        raise NotFound(_("no person with id {id} in this snapshot").format(id=repr(target_id)))
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
    if cand is None:
        return _empty()
    lab = _labels(snap, settings, idx.as_of)
    top, rank = _rank(cand, lab, k)
    return _frame(top, rank, idx, lab)


def best_path_within_level(snap: Snapshot, settings: Settings, target_ids, max_levels, as_of=None,
                           k: int | None = None) -> pd.DataFrame:
    """For each request (a target and the most junior level allowed to start the path), the
    best of the target's top ``k`` paths whose internal person is at that level or above.

    ``max_levels`` aligns with ``target_ids``; NaN allows any level, and an internal person
    of unknown level qualifies only then. The answer is the first qualifying row of
    :func:`access_paths_for` (same ranks, same explanation), but explanations are written
    for the chosen paths only, so asking for every path of thousands of targets stays
    cheap. Columns ``request`` (position in the input), ``target_id``, ``rank``,
    ``internal_id``, ``explanation``; requests with no qualifying path have no row.
    """
    k = _top_k(settings, k)
    t = resolve_as_of(settings, as_of)
    req = pd.DataFrame({"target_id": pd.Series(list(target_ids), dtype=object),
                        "max_level": pd.to_numeric(pd.Series(list(max_levels)), errors="coerce").astype(float)})
    req["request"] = np.arange(len(req))
    empty = pd.DataFrame({"request": pd.Series(dtype=np.int64), "target_id": pd.Series(dtype=object),
                          "rank": pd.Series(dtype=np.int64), "internal_id": pd.Series(dtype=object),
                          "explanation": pd.Series(dtype=object)})
    idx = access_index(snap, settings, t)
    codes = idx.codes(pd.unique(req["target_id"].dropna()))
    codes = np.unique(codes[codes >= 0])
    cand = _candidates(idx, codes, dict(settings.paths.kind_factors))
    if cand is None:
        return empty
    lab = _labels(snap, settings, idx.as_of)
    chosen, rank = _rank_order(cand, lab, k)
    top_t, top_u = cand["t"][chosen], cand["u"][chosen]
    levels = pd.to_numeric(pd.Series(lab.person_level, dtype="Int64"), errors="coerce").astype(float).to_numpy()
    req["t"] = idx.codes(req["target_id"].fillna("").to_numpy())
    best = _first_within_level(top_t, levels[top_u], req["t"].to_numpy(), req["max_level"].to_numpy(dtype=float))
    if best is None:  # levels the search cannot code: every request against every path of its target
        ranked = pd.DataFrame({"t": top_t, "rank": rank, "pos": np.arange(len(rank)), "level": levels[top_u]})
        m = req[req["t"] >= 0].merge(ranked, on="t")
        ok = np.nan_to_num(m["level"].to_numpy(), nan=np.inf) <= np.nan_to_num(m["max_level"].to_numpy(), nan=np.inf)
        best = m[ok].sort_values(["request", "rank"], kind="mergesort").drop_duplicates("request")
        best = pd.DataFrame({"request": best["request"].to_numpy(dtype=np.int64), "pos": best["pos"].to_numpy()})
    if best.empty:
        return empty
    pos = best["pos"].to_numpy()
    rows = _frame({key: v[chosen[pos]] for key, v in cand.items()}, rank[pos], idx, lab)
    return pd.DataFrame({"request": best["request"].to_numpy(dtype=np.int64), "target_id": rows["target_id"],
                         "rank": rows["rank"], "internal_id": rows["internal_id"],
                         "explanation": rows["explanation"]}).reset_index(drop=True)


_NO_LEVEL = 1 << 20  # an unknown level (NaN), after every known one


def _first_within_level(t: np.ndarray, level: np.ndarray, req_t: np.ndarray, req_max: np.ndarray) -> pd.DataFrame | None:
    """For each request (target code ``req_t``, most junior level ``req_max``; NaN: any),
    the position of the first ranked path of its target whose start's ``level`` (NaN:
    unknown, qualifying only for NaN) is at most the request's: frame ``request, pos`` in
    request order, requests without one left out. ``t`` is sorted (paths grouped by target,
    best first).

    Within a target the running minimum of the levels only falls, so the first qualifying
    path is found by binary search over (target, -running minimum): no request-by-path join.
    None when a level is not a small integer (the caller then joins).
    """
    known = ~np.isnan(level)
    if known.any() and (np.any(level[known] != np.round(level[known])) or np.abs(level[known]).max() >= _NO_LEVEL // 2):
        return None
    code = np.where(known, level, _NO_LEVEL).astype(np.int64)
    n = len(t)
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]]) if n else np.zeros(0, dtype=np.int64)
    span = 2 * _NO_LEVEL + 1
    run = _blockwise_min(code, starts)  # the running minimum within each target
    key = t.astype(np.int64) * span + (_NO_LEVEL - run)  # non-decreasing
    wanted = req_t >= 0
    # NaN: any level, an unknown one too (an infinite limit admits every known level only)
    lim = np.where(np.isnan(req_max), _NO_LEVEL,
                   np.clip(np.floor(np.nan_to_num(req_max)), -(_NO_LEVEL // 2) - 1, _NO_LEVEL - 1))
    q = req_t.astype(np.int64) * span + (_NO_LEVEL - lim.astype(np.int64))
    at = np.searchsorted(key, q, side="left")
    hit = wanted & (at < n)
    hit[hit] &= t[at[hit]] == req_t[hit]
    return pd.DataFrame({"request": np.flatnonzero(hit).astype(np.int64), "pos": at[hit]})


def _blockwise_min(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Running minimum of ``x`` restarted at each of ``starts`` (sorted, starting with 0).

    >>> _blockwise_min(np.array([5, 3, 4, 9, 2, 7]), np.array([0, 3])).tolist()
    [5, 3, 3, 9, 2, 2]
    """
    if not len(x):
        return x.copy()
    # add a block offset larger than any value so earlier blocks never lower later ones
    width = int(x.max()) - int(x.min()) + 1
    block = np.zeros(len(x), dtype=np.int64)
    block[starts[1:]] = 1
    block = np.cumsum(block)
    off = (block.max() - block) * width  # earlier blocks sit higher: a running min never carries over
    shifted = x - int(x.min()) + off
    return np.minimum.accumulate(shifted) - off + int(x.min())


def uncovered_decision_maker_paths(snap: Snapshot, settings: Settings, as_of=None, k: int | None = None,
                                   accounts=None) -> pd.DataFrame:
    """Top ``k`` paths to every decision-maker whose best direct strength is below
    ``settings.coverage.covered``.

    Decision-makers are the current ``decision_maker`` roles (:meth:`Snapshot.roles` at
    ``as_of``) at ``accounts`` (default: every account), leaving out people whose job at
    that account has ended. Columns ``account_id, best_direct`` (NaN when none of our
    people has any strength to them: never interacted, not strength 0) then
    :data:`PATH_COLUMNS`; a decision-maker nobody can reach has no rows.
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
    dm = dm[dm["best_direct"].isna() | (dm["best_direct"] < settings.coverage.covered)]
    paths = access_paths_for(snap, settings, dm["person_id"].unique(), as_of=t, k=k)
    out = dm.rename(columns={"person_id": "target_id"}).merge(paths, on="target_id", how="inner")
    out = out.sort_values(["account_id", "target_id", "rank"], kind="mergesort").reset_index(drop=True)
    return out[["account_id", "best_direct"] + PATH_COLUMNS]


# -- internals -------------------------------------------------------------------------------

def _best_direct(idx: AccessIndex, person_ids: np.ndarray) -> np.ndarray:
    """Best strength from any internal person to each person; NaN when none of our
    people ever interacted with them or declared a tie (absent is not strength 0)."""
    codes = idx.codes(person_ids)
    valid = codes >= 0
    out = np.full(len(codes), np.nan)
    if valid.any():
        rows = codes[valid]
        parent, pos = gather(idx.nbr_indptr, rows)
        mask = idx.internal[idx.nbr_other[pos]]
        best = np.full(len(rows), -np.inf)
        np.maximum.at(best, parent[mask], idx.nbr_strength[pos][mask])
        out[valid] = np.where(np.isfinite(best), best, np.nan)
    return out


_KIND_CODE = {DIRECT: 0, ORGANIZATION: 1, PERSON: 2}  # alphabetical: the last tie-break
_KIND_NAME = np.array([DIRECT, ORGANIZATION, PERSON], dtype=object)


def _candidates(idx: AccessIndex, targets: np.ndarray, factors: dict) -> dict[str, np.ndarray] | None:
    """Every path to ``targets`` (codes), unranked, as parallel arrays (one entry per path).

    ``via`` is a person code for person paths, an organization code for organization
    paths, -1 for direct ones.
    """
    parent, pos = gather(idx.nbr_indptr, targets)
    tgt = targets[parent]
    other = idx.nbr_other[pos]
    strength = idx.nbr_strength[pos]
    is_int = idx.internal[other]

    # direct: an internal neighbor of the target
    n_d = int(is_int.sum())
    direct = dict(t=tgt[is_int], kind=np.full(n_d, 0), u=other[is_int], via=np.full(n_d, -1),
                  via_kind=np.full(n_d, None, dtype=object), s1=strength[is_int], s2=np.full(n_d, np.nan),
                  factor=np.ones(n_d), score=strength[is_int], note=np.full(n_d, None, dtype=object))

    # person: a non-internal neighbor x of the target (the link's factor is symmetric, so
    # the target's row for x carries it), then x's internal neighbors
    xm = ~is_int
    x, xt, s2 = other[xm], tgt[xm], strength[xm]
    f, vk, note = idx.nbr_factor[pos][xm], idx.nbr_kind[pos][xm], idx.nbr_note[pos][xm]
    p2, pos2 = gather(idx.int_indptr, x)
    u = idx.int_other[pos2]
    keep = u != xt[p2]
    p2, u, s1 = p2[keep], u[keep], idx.int_strength[pos2][keep]
    person = dict(t=xt[p2], kind=np.full(len(p2), 2), u=u, via=x[p2], via_kind=vk[p2], s1=s1, s2=s2[p2],
                  factor=f[p2], score=s1 * s2[p2] * f[p2], note=note[p2])

    # organization: an internal co-member of an organization the target belongs to
    p3, pos3 = gather(idx.mem_indptr, targets)
    org, ot = idx.mem_org[pos3], targets[p3]
    p4, pos4 = gather(idx.orgint_indptr, org)
    u = idx.orgint_person[pos4]
    keep = u != ot[p4]
    n_o = int(keep.sum())
    assoc = factors.get(ASSOCIATION_KIND, 0.0)
    orgs = dict(t=ot[p4][keep], kind=np.full(n_o, 1), u=u[keep], via=org[p4][keep],
                via_kind=np.full(n_o, ASSOCIATION_KIND, dtype=object), s1=np.full(n_o, np.nan),
                s2=np.full(n_o, np.nan), factor=np.full(n_o, assoc), score=np.full(n_o, assoc),
                note=np.full(n_o, None, dtype=object))
    parts = (direct, person, orgs)
    if not sum(len(p["t"]) for p in parts):
        return None
    return {key: np.concatenate([p[key] for p in parts]) for key in direct}


def _rank(c: dict[str, np.ndarray], lab: "_Labels", k: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Keep the top ``k`` per target: by score, then internal id, via id (none first), kind.

    Codes sort like ids (people and organizations are coded in id order; ``via_order``
    places both in one order), so a numpy lexsort gives the deterministic order.
    """
    chosen, rank = _rank_order(c, lab, k)
    return {key: v[chosen] for key, v in c.items()}, rank


def _rank_order(c: dict[str, np.ndarray], lab: "_Labels", k: int) -> tuple[np.ndarray, np.ndarray]:
    """The candidates of :func:`_rank` (positions in ``c``, grouped by target, best first)
    and their ranks, without gathering the candidates' other arrays."""
    is_org = c["kind"] == _KIND_CODE[ORGANIZATION]
    is_person = c["kind"] == _KIND_CODE[PERSON]
    via_key = np.full(len(c["t"]), -1, dtype=np.int64)  # direct: no via, sorts first
    via_key[is_person] = lab.person_order[c["via"][is_person]]
    via_key[is_org] = lab.org_order[c["via"][is_org]]
    kind = c["kind"].astype(np.int64)
    u = c["u"].astype(np.int64)
    width = (int(via_key.max()) + 2) * 4 if len(via_key) else 4
    if len(u) and int(kind.max()) < 4 and (int(u.max()) + 1) * width < 1 << 62:
        # (internal, via, kind) as one integer key: one sort pass instead of three
        order = np.lexsort((u * width + (via_key + 1) * 4 + kind, -c["score"], c["t"]))
    else:
        order = np.lexsort((c["kind"], via_key, c["u"], -c["score"], c["t"]))
    t_sorted = c["t"][order]
    starts = np.r_[0, np.flatnonzero(np.diff(t_sorted)) + 1]
    lengths = np.diff(np.r_[starts, len(order)])
    rank = np.arange(len(order)) - np.repeat(starts, lengths) + 1
    keep = rank <= k
    if keep.all():
        return order, rank
    return order[keep], rank[keep]


@dataclass(frozen=True)
class _Labels:
    """Names and one-line labels aligned with the codes of an :class:`AccessIndex`."""

    person_label: np.ndarray
    person_name: np.ndarray
    person_level: pd.array
    org_name: np.ndarray
    person_order: np.ndarray  # position of each person id among all person and org ids
    org_order: np.ndarray


@derived("strength", "paths", dated=True, localized=True)
def _labels(snap: Snapshot, settings: Settings, as_of) -> _Labels:
    """Names, labels and levels of the access index's people and organizations."""
    idx = access_index(snap, settings, as_of)
    ids = pd.Index(idx.person_ids, dtype=object)
    labels = person_labels(snap, idx.as_of).reindex(ids)
    people = people_index(snap)
    names = shown_names(snap).reindex(ids)
    org_name = org_names(snap).reindex(pd.Index(idx.org_ids, dtype=object))
    everything = np.unique(np.concatenate([idx.person_ids.astype(str), idx.org_ids.astype(str)]))
    return _Labels(
        person_label=np.where(labels.isna(), idx.person_ids, labels.to_numpy(dtype=object)).astype(object),
        person_name=np.where(names.isna(), idx.person_ids, names.to_numpy(dtype=object)).astype(object),
        person_level=people["level"].reindex(ids).astype("Int64").array,
        org_name=np.where(org_name.isna(), idx.org_ids, org_name.to_numpy(dtype=object)).astype(object),
        person_order=np.searchsorted(everything, idx.person_ids.astype(str)),
        org_order=np.searchsorted(everything, idx.org_ids.astype(str)),
    )


def _frame(c: dict[str, np.ndarray], rank: np.ndarray, idx: AccessIndex, lab: _Labels) -> pd.DataFrame:
    """The output rows with their one-line explanations (a loop over the top-k rows only)."""
    is_org = c["kind"] == _KIND_CODE[ORGANIZATION]
    is_person = c["kind"] == _KIND_CODE[PERSON]
    via_id = np.full(len(rank), None, dtype=object)
    via_id[is_person] = idx.person_ids[c["via"][is_person]]
    via_id[is_org] = idx.org_ids[c["via"][is_org]]
    via_name = np.full(len(rank), None, dtype=object)
    via_name[is_person] = lab.person_name[c["via"][is_person]]
    via_name[is_org] = lab.org_name[c["via"][is_org]]
    u_label = lab.person_label[c["u"]]
    t_label = lab.person_label[c["t"]]
    explanation = [
        _explain(kind, u, name, via_kind, note, target, score)
        for kind, u, name, via_kind, note, target, score in zip(
            c["kind"], u_label, via_name, c["via_kind"], c["note"], t_label, c["score"])
    ]
    return pd.DataFrame({
        "target_id": pd.Series(idx.person_ids[c["t"]], dtype=object),
        "rank": rank.astype(np.int64),
        "score": c["score"].astype(float),
        "kind": pd.Series(_KIND_NAME[c["kind"]], dtype=object),
        "internal_id": pd.Series(idx.person_ids[c["u"]], dtype=object),
        "via_id": pd.Series(via_id, dtype=object),
        "via_kind": pd.Series(c["via_kind"], dtype=object),
        "first_strength": c["s1"].astype(float),
        "second_strength": c["s2"].astype(float),
        "factor": c["factor"].astype(float),
        "explanation": pd.Series(explanation, dtype=object),
        "internal_level": lab.person_level[c["u"]],
    })


def _explain(kind: int, u: str, via_name, via_kind, note, target: str, score: float) -> str:
    """``"Li Wei (our CEO) → Zhang Min, classmate (EMBA 2012) → Chen Jie, CFO of Acme: 0.72"``."""
    if kind == _KIND_CODE[DIRECT]:
        return _("{start} → {target} (direct): {score}").format(start=u, target=target, score=f"{score:.2f}")
    if kind == _KIND_CODE[ORGANIZATION]:
        return _("{start} → {via} (shared membership) → {target}: {score}").format(
            start=u, via=via_name, target=target, score=f"{score:.2f}")
    text = _(_KIND_TEXT[via_kind]) if via_kind in _KIND_TEXT else term("tie_kind", via_kind)
    if isinstance(note, str) and note.strip():
        # the tie's notes up to the first ";" keep the line short ("EMBA 2019 classmates")
        text = _("{relation} ({note})").format(relation=text, note=note.split(';')[0].strip())
    return _("{start} → {via}, {relation} → {target}: {score}").format(
        start=u, via=via_name, relation=text, target=target, score=f"{score:.2f}")


def _empty(with_account: bool = False) -> pd.DataFrame:
    cols = (["account_id", "best_direct"] if with_account else []) + PATH_COLUMNS
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    for c in ("score", "first_strength", "second_strength", "factor") + (("best_direct",) if with_account else ()):
        df[c] = df[c].astype(float)
    df["rank"] = df["rank"].astype(np.int64)
    df["internal_level"] = df["internal_level"].astype("Int64")
    return df


def prepare(snap: Snapshot, settings: Settings, as_of=None) -> Snapshot:
    """Build, once, what every analysis of ``snap`` at ``as_of`` shares, and return ``snap``.

    The pair index and the strengths at the date, the access-path index and its labels
    are memoized on the snapshot; an interactive caller (the app) prepares a snapshot
    right after loading it, so each page's analyses only read them.
    """
    _labels(snap, settings, as_of)  # the access index, strengths and the pair index on the way
    return snap


def is_prepared(snap: Snapshot, settings: Settings, as_of=None) -> bool:
    """Has :func:`prepare` run for this snapshot, settings and date?"""
    return _labels.is_cached(snap, settings, as_of)
