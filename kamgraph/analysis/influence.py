"""Who really shapes decisions inside an account: weighted PageRank, formal vs informal power.

DESIGN.md section 4. Inside each account, over the people employed there on ``as_of``:

- ``pagerank`` / ``rank``: weighted PageRank (``settings.influence.damping``) over the
  account's own links: an INFLUENCES link "A's opinion weighs on B's decision" is an
  edge B -> A with the link's weight (``missing_weight`` when empty), and a REPORTS_TO
  link an edge subordinate -> boss with ``reports_to_weight``; parallel links add up,
  self-links are dropped. A random walk
  that follows "whose view does this person defer to?" ends up most often at the people
  who shape decisions. Rank 1 is the most influential; equal scores share a rank.
- ``informal_pagerank`` / ``informal_rank``: the same over INFLUENCES only (power that
  does not come from the org chart).
- ``formal_rank``: by level (1 = highest) then by the number of people who report to
  the person, directly or through others, inside the account (``reports``).
- ``rank_gap`` = ``formal_rank - rank``: positive when a person weighs more than their
  position suggests.
- ``hidden_influencer``: level >= ``hidden_min_level`` (a director or below) and rank
  within the top ``hidden_top_share`` of the account's people (at least one) and a score
  above the account's average (1/n), so an account with no links has no hidden influencer.
- ``decision_role``, ``attitude``, ``influence`` (the assessed 1..5): from
  :meth:`Snapshot.roles` at ``as_of``.

Only the account's own people are ranked (not our staff on its account team); links to
people outside the account are ignored. An account without any link gets the
uniform score 1/n for everyone.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from kamgraph.analysis.people import current_employment, people_index
from kamgraph.analysis.dates import resolve_as_of
from kamgraph.model import Side
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot
from kamgraph.titles import LEVEL_NAMES

__all__ = ["INFLUENCE_COLUMNS", "influence", "pagerank_arrays"]

INFLUENCE_COLUMNS = ["account_id", "person_id", "name", "title", "level", "pagerank", "rank",
                     "informal_pagerank", "informal_rank", "formal_rank", "reports", "rank_gap",
                     "hidden_influencer", "decision_role", "attitude", "influence"]

# numerical details of the power iteration, not domain thresholds: converge tightly, then
# treat scores closer than _SAME as equal so symmetric people share a rank
_PR_TOL = 1e-12
_PR_MAX_ITER = 1000
_SAME = 1e-9
_NO_LEVEL = max(LEVEL_NAMES) + 1  # people without a level sort after staff


def pagerank_arrays(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, damping: float) -> np.ndarray:
    """Weighted PageRank of nodes ``0..n-1`` with edges ``u -> v`` of weight ``w``.

    The iteration of ``networkx.pagerank`` (its scipy form: rows normalised by out-weight,
    dangling nodes spread uniformly, uniform start and teleport, stop when the l1 change
    is below ``n * tol``) on arrays, without building a graph object.

    >>> pagerank_arrays(3, np.array([0, 2]), np.array([1, 1]), np.array([1.0, 1.0]), 0.85).argmax()
    np.int64(1)
    """
    if n == 0:
        return np.zeros(0)
    from scipy import sparse

    A = sparse.csr_array((np.asarray(w, dtype=float), (np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64))),
                         shape=(n, n))
    out = np.asarray(A.sum(axis=1)).reshape(-1)
    inv = np.zeros(n)
    inv[out != 0] = 1.0 / out[out != 0]
    A = sparse.csr_array(sparse.diags_array(inv) @ A)
    dangling = np.flatnonzero(out == 0)
    p = np.full(n, 1.0 / n)
    x = p.copy()
    for _ in range(_PR_MAX_ITER):
        last = x
        x = damping * (x @ A + x[dangling].sum() * p) + (1 - damping) * p
        if np.abs(x - last).sum() < n * _PR_TOL:
            return x
    raise nx.PowerIterationFailedConvergence(_PR_MAX_ITER)


def _pagerank_edges(ids: list, edges: pd.DataFrame | None, damping: float) -> dict:
    """:func:`pagerank_arrays` over an account's people ``ids`` and its edge frame."""
    if edges is None or edges.empty:
        return dict(zip(ids, pagerank_arrays(len(ids), np.zeros(0), np.zeros(0), np.zeros(0), damping)))
    code = pd.Index(ids, dtype=object)
    u = code.get_indexer(edges["u"].to_numpy(dtype=object))
    v = code.get_indexer(edges["v"].to_numpy(dtype=object))
    return dict(zip(ids, pagerank_arrays(len(ids), u, v, edges["weight"].to_numpy(dtype=float), damping)))


def influence(snap: Snapshot, settings: Settings, account_ids=None, as_of=None) -> pd.DataFrame:
    """Influence ranking of every person employed at each account (see module docstring).

    ``account_ids`` defaults to the snapshot's scope, else every account. Columns
    :data:`INFLUENCE_COLUMNS`, sorted by account and rank.
    """
    t = resolve_as_of(settings, as_of)
    if account_ids is None:
        account_ids = snap.scope if snap.scope is not None else snap.accounts["id"].tolist()
    accounts = sorted(set(account_ids))
    emp = current_employment(snap, t)
    # the account's own people: our staff's account-team rows (team_role) are not theirs
    internal = people_index(snap)["side"] == Side.INTERNAL.value
    emp = emp[emp["org_id"].isin(accounts) & ~emp["person_id"].isin(internal.index[internal])]
    members = emp[["org_id", "person_id"]].drop_duplicates().sort_values(["org_id", "person_id"], kind="mergesort")
    if members.empty:
        return _empty()

    damping = settings.influence.damping
    combined, informal, chart = _account_edges(snap, settings, members)
    frames = []
    for account_id, group in members.groupby("org_id", sort=True):
        ids = group["person_id"].tolist()
        pr = _pagerank_edges(ids, combined.get(account_id), damping)
        ipr = _pagerank_edges(ids, informal.get(account_id), damping)
        sub = _chart(chart.get(account_id))
        reports = [len(nx.ancestors(sub, p)) if p in sub else 0 for p in ids]
        frames.append(pd.DataFrame({
            "account_id": account_id, "person_id": ids, "pagerank": [pr[p] for p in ids],
            "informal_pagerank": [ipr[p] for p in ids], "reports": reports, "n": len(ids),
        }))
    df = pd.concat(frames, ignore_index=True)

    people = people_index(snap)
    df["name"] = df["person_id"].map(people["name"])
    df["level"] = df["person_id"].map(people["level"]).astype("Int64")
    titles = emp.drop_duplicates(["org_id", "person_id"]).set_index(["org_id", "person_id"])["title"]
    job_title = pd.Series(titles.reindex(pd.MultiIndex.from_frame(df[["account_id", "person_id"]])).to_numpy(),
                          index=df.index, dtype=object)
    df["title"] = job_title.where(job_title.notna(), df["person_id"].map(people["title"]))

    df["rank"] = _rank_desc(df, "pagerank")
    df["informal_rank"] = _rank_desc(df, "informal_pagerank")
    df["formal_rank"] = _formal_rank(df)
    df["rank_gap"] = df["formal_rank"] - df["rank"]

    s = settings.influence
    top_n = np.maximum(1, np.ceil(np.round(df["n"].to_numpy() * s.hidden_top_share, 9))).astype(np.int64)
    above_average = df["pagerank"].to_numpy() > 1.0 / df["n"].to_numpy() + _SAME
    level = df["level"].astype("float64").to_numpy()
    df["hidden_influencer"] = (np.nan_to_num(level, nan=-1) >= s.hidden_min_level) & \
        (df["rank"].to_numpy() <= top_n) & above_average

    roles = snap.roles(t)
    if roles.empty:
        for c in ("decision_role", "attitude"):
            df[c] = None
        df["influence"] = pd.array([pd.NA] * len(df), dtype="Int64")
    else:
        r = roles[["person_id", "account_id", "decision_role", "attitude", "influence"]]
        df = df.merge(r, on=["person_id", "account_id"], how="left")
        df["influence"] = df["influence"].astype("Int64")
    for c in ("account_id", "person_id", "name", "title", "decision_role", "attitude"):
        col = df[c].astype(object)
        df[c] = col.where(col.notna(), None)
    df = df.sort_values(["account_id", "rank", "person_id"], kind="mergesort").reset_index(drop=True)
    return df[INFLUENCE_COLUMNS]


def _account_edges(snap: Snapshot, settings: Settings, members: pd.DataFrame):
    """Per account, the links between two of its own people: (combined, informal, chart).

    Each is a dict account id -> frame ``u, v[, weight]``, built with joins on the link
    frames (only the links inside each account; see the module docstring for directions
    and weights): parallel links add up, self-links are dropped.
    """
    s = settings.influence
    inf = snap.frames["influence"]
    rep = snap.reports_to
    m = members.rename(columns={"org_id": "account_id"})
    informal = pd.DataFrame({"u": inf["target_id"].to_numpy(dtype=object), "v": inf["source_id"].to_numpy(dtype=object),
                             "weight": inf["weight"].astype("float64").fillna(s.missing_weight).to_numpy()})
    formal = pd.DataFrame({"u": rep["person_id"].to_numpy(dtype=object), "v": rep["manager_id"].to_numpy(dtype=object),
                           "weight": float(s.reports_to_weight)})

    def inside(e: pd.DataFrame) -> pd.DataFrame:
        e = e[e["u"] != e["v"]]
        e = e.merge(m.rename(columns={"person_id": "u"}), on="u").merge(
            m.rename(columns={"person_id": "v"}), on=["v", "account_id"])
        return e

    inf_in = inside(informal)
    rep_in = inside(formal)

    def by_account(e: pd.DataFrame, weighted: bool) -> dict:
        if weighted:
            e = e.groupby(["account_id", "u", "v"], sort=True, as_index=False)["weight"].sum()
        else:
            e = e[["account_id", "u", "v"]].drop_duplicates()
        return {a: g for a, g in e.groupby("account_id", sort=False)}

    return (by_account(pd.concat([inf_in, rep_in], ignore_index=True), True), by_account(inf_in, True),
            by_account(rep_in, False))


def _chart(edges: pd.DataFrame | None) -> nx.DiGraph:
    """An account's reporting lines as a digraph subordinate -> manager."""
    g = nx.DiGraph()
    if edges is not None and not edges.empty:
        g.add_edges_from(zip(edges["u"], edges["v"]))
    return g


def _rank_desc(df: pd.DataFrame, column: str) -> np.ndarray:
    """Rank 1 = highest ``column`` within each account; scores within ``_SAME`` share a rank."""
    s = df.sort_values(["account_id", column, "person_id"], ascending=[True, False, True], kind="mergesort")
    new_group = s["account_id"].ne(s["account_id"].shift())
    new_value = (s[column].shift() - s[column]).abs().gt(_SAME) | new_group
    pos = s.groupby("account_id", sort=False).cumcount() + 1
    ranks = pos.where(new_value).ffill().astype(np.int64)
    return ranks.reindex(df.index).to_numpy()


def _formal_rank(df: pd.DataFrame) -> np.ndarray:
    """Rank by level (1 first, unknown last), then by the number of reports (more first)."""
    level = df["level"].astype("float64").fillna(_NO_LEVEL)
    s = df.assign(_lvl=level).sort_values(["account_id", "_lvl", "reports", "person_id"],
                                          ascending=[True, True, False, True], kind="mergesort")
    new = s["account_id"].ne(s["account_id"].shift()) | s["_lvl"].ne(s["_lvl"].shift()) | \
        s["reports"].ne(s["reports"].shift())
    pos = s.groupby("account_id", sort=False).cumcount() + 1
    return pos.where(new).ffill().astype(np.int64).reindex(df.index).to_numpy()


def _empty() -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in INFLUENCE_COLUMNS})
    for c in ("pagerank", "informal_pagerank"):
        df[c] = df[c].astype(float)
    for c in ("rank", "informal_rank", "formal_rank", "reports", "rank_gap"):
        df[c] = df[c].astype(np.int64)
    df["level"] = df["level"].astype("Int64")
    df["influence"] = df["influence"].astype("Int64")
    df["hidden_influencer"] = df["hidden_influencer"].astype(bool)
    return df

