"""Who really shapes decisions inside an account: power from declared links and from interactions.

Definitions (docs/architecture.md, "Power"). Inside each account, over the people employed
there on ``as_of`` (not our staff on its account team):

- ``interaction_power``: informal power read from what people do. The account's people
  are the nodes of an undirected graph whose edge weights are the pair's strength evidence
  at ``as_of`` (:mod:`kamgraph.analysis.strength`: weighted by interaction kind,
  discounted by interaction size, decayed with time; every attendee counts for the size,
  our staff too). ``interaction_power`` is its eigenvector centrality (being in touch with
  the people who are in touch with many), computed per connected part and scaled by the
  part's leading eigenvalue, as a share of the account (sums to 1; all 0 without
  interactions). Measured on real e-mail (benchmarks/README.md, "Signal quality"): it
  finds the senior people at least as well as counting the distinct people who write to
  someone, which needs the direction of each message that an attendance list does not
  have; declared-links-only PageRank is blind there (AUC 0.50).
- ``pagerank``: weighted PageRank (``settings.influence.damping``) over the account's
  declared links: an INFLUENCES link "A's opinion weighs on B's decision" is an edge
  B -> A with the link's weight (``missing_weight`` when empty), a REPORTS_TO link an edge
  subordinate -> boss with ``reports_to_weight``; parallel links add up, self-links are
  dropped. ``informal_pagerank`` / ``informal_rank``: the same over INFLUENCES only.
- ``power`` / ``rank``: the one score that combines both. The PageRank walk over the
  declared links restarts (teleport, and the mass of people without declared links) not
  uniformly but in proportion to ``(1 - mu) * interaction_power + mu / n`` (``mu =
  settings.influence.uniform_restart``). So an account where nobody declared anything
  ranks by interactions; one without interactions ranks exactly by ``pagerank``; with
  both, declared links pass on the power the interactions give. Rank 1 is the most
  powerful; equal scores share a rank.
- ``formal_rank``: by level (1 = highest) then by the number of people who report to the
  person, directly or through others, inside the account (``reports``).
- ``rank_gap`` = ``formal_rank - rank``: positive when a person weighs more than their
  position suggests.
- ``hidden_influencer``: level >= ``hidden_min_level`` (a director or below; not unknown)
  and rank within the top ``hidden_top_share`` of the account's people (at least one) and
  power above the account's average (1/n): high power against a low formal level.
- ``betweenness`` / ``broker``: betweenness centrality (shortest paths in hops) on the
  account's interaction graph (:func:`betweenness_arrays`; sampled over ``broker_sample``
  sources in larger accounts);
  a broker lies on many shortest paths between the account's people: betweenness within
  the top ``hidden_top_share`` and above the account's mean.
- ``decision_role``, ``attitude``, ``influence`` (the assessed 1..5): from
  :meth:`Snapshot.roles` at ``as_of``.

Links and interactions with people outside the account are ignored.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from kamgraph.analysis.dates import resolve_as_of
from kamgraph.analysis.people import current_employment, people_index, shown_names
from kamgraph.analysis.strength import pair_strength_codes, pair_strengths
from kamgraph.model import Side
from kamgraph.settings import Settings
from kamgraph.snapshot import Snapshot
from kamgraph.titles import LEVEL_NAMES

__all__ = ["INFLUENCE_COLUMNS", "influence", "pagerank_arrays"]

INFLUENCE_COLUMNS = ["account_id", "person_id", "name", "title", "level", "power", "rank",
                     "interaction_power", "pagerank", "informal_pagerank", "informal_rank", "formal_rank",
                     "reports", "rank_gap", "hidden_influencer", "betweenness", "broker",
                     "decision_role", "attitude", "influence"]

# numerical details of the power iteration, not domain thresholds: converge tightly, then
# treat scores closer than _SAME as equal so symmetric people share a rank
_PR_TOL = 1e-12
_PR_MAX_ITER = 1000
_SAME = 1e-9
_NO_LEVEL = max(LEVEL_NAMES) + 1  # people without a level sort after staff


def pagerank_arrays(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, damping: float,
                    restart: np.ndarray | None = None) -> np.ndarray:
    """Weighted PageRank of nodes ``0..n-1`` with edges ``u -> v`` of weight ``w``.

    The iteration of ``networkx.pagerank`` (its scipy form: rows normalised by out-weight,
    dangling nodes spread like the teleport, uniform start, stop when the l1 change is
    below ``n * tol``) on arrays, without building a graph object. ``restart`` (summing to
    1; default uniform) is where the walk teleports and where dangling nodes send their
    mass: networkx's ``personalization`` and ``dangling``.

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
    p = np.full(n, 1.0 / n) if restart is None else np.asarray(restart, dtype=float)
    x = np.full(n, 1.0 / n)
    for _ in range(_PR_MAX_ITER):
        last = x
        x = damping * (x @ A + x[dangling].sum() * p) + (1 - damping) * p
        if np.abs(x - last).sum() < n * _PR_TOL:
            return x
    raise nx.PowerIterationFailedConvergence(_PR_MAX_ITER)


def _pagerank_edges(ids: list, edges: pd.DataFrame | None, damping: float,
                    restart: np.ndarray | None = None) -> np.ndarray:
    """:func:`pagerank_arrays` over an account's people ``ids`` and its edge frame."""
    if edges is None or edges.empty:
        return pagerank_arrays(len(ids), np.zeros(0), np.zeros(0), np.zeros(0), damping, restart)
    code = pd.Index(ids, dtype=object)
    u = code.get_indexer(edges["u"].to_numpy(dtype=object))
    v = code.get_indexer(edges["v"].to_numpy(dtype=object))
    return pagerank_arrays(len(ids), u, v, edges["weight"].to_numpy(dtype=float), damping, restart)


def eigenvector_shares(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Eigenvector centrality of an undirected weighted graph on ``0..n-1``, as shares.

    Each connected part gets its principal eigenvector (non-negative, Perron-Frobenius),
    scaled to sum to the part's leading eigenvalue, so a person central in a dense part
    outweighs one central in a thin one; the result is normalised to sum to 1 (all zeros
    without edges).

    >>> eigenvector_shares(4, np.array([0, 0, 0]), np.array([1, 2, 3]), np.ones(3)).round(3).tolist()
    [0.366, 0.211, 0.211, 0.211]
    >>> eigenvector_shares(3, np.array([]), np.array([]), np.array([])).tolist()
    [0.0, 0.0, 0.0]
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    out = np.zeros(n)
    keep = (np.asarray(u) != np.asarray(v)) & (np.asarray(w, dtype=float) > 0)
    if n == 0 or not keep.any():
        return out
    u, v, w = np.asarray(u)[keep], np.asarray(v)[keep], np.asarray(w, dtype=float)[keep]
    A = sparse.coo_array((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
    n_parts, part = connected_components(A, directed=False)
    for c in range(n_parts):
        members = np.flatnonzero(part == c)
        if len(members) < 2:
            continue
        value, x = _leading_eigenpair(A[members][:, members])
        out[members] = value * x / x.sum()
    total = out.sum()
    return out / total if total > 0 else out


#: parts up to this many people are solved densely (every eigenpair, O(n^3)); larger ones by
#: Lanczos iteration for the leading pair only. At 3,000 people: 5.95 s dense, 0.004 s Lanczos,
#: the shares equal to 2e-14 (relative) on random weighted graphs of 800 to 4,500 people.
DENSE_EIGEN_MAX = 200


def _leading_eigenpair(sub) -> tuple[float, np.ndarray]:
    """The leading eigenvalue of a symmetric non-negative sparse matrix and the absolute
    values of its eigenvector (Perron-Frobenius: one sign), densely for a small matrix,
    else by ARPACK's Lanczos from a fixed start vector (so every run gives the same bits),
    falling back to the dense solver if it does not converge.

    >>> from scipy import sparse
    >>> m = sparse.csr_array(np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]))
    >>> value, x = _leading_eigenpair(m)
    >>> round(value, 6), (x / x.sum()).round(3).tolist()
    (1.414214, [0.414, 0.293, 0.293])
    """
    n = sub.shape[0]
    if n > DENSE_EIGEN_MAX:
        from scipy.sparse.linalg import ArpackNoConvergence, eigsh

        try:
            values, vectors = eigsh(sub.astype(float), k=1, which="LA", v0=np.ones(n), tol=0)
            return float(values[0]), np.abs(vectors[:, 0])
        except ArpackNoConvergence:
            pass
    values, vectors = np.linalg.eigh(sub.toarray())
    return float(values[-1]), np.abs(vectors[:, -1])


def influence(snap: Snapshot, settings: Settings, account_ids=None, as_of=None) -> pd.DataFrame:
    """Influence ranking of every person employed at each account (see module docstring).

    ``account_ids`` defaults to the snapshot's scope, else every account. Columns
    :data:`INFLUENCE_COLUMNS`, sorted by account and rank.

    Examples
    --------
    >>> from kamgraph.examples import example_portfolio
    >>> snap, settings = example_portfolio()
    >>> ranked = influence(snap, settings, account_ids=["A00000"])
    >>> ranked[["person_id", "rank", "power", "pagerank", "interaction_power"]].head(2).round(3)
      person_id  rank  power  pagerank  interaction_power
    0  C0000002     1  0.170     0.173              0.011
    1  C0000007     2  0.128     0.127              0.000
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

    s = settings.influence
    damping = s.damping
    combined, informal, chart = _account_edges(snap, settings, members)
    contacts = _interaction_edges(snap, settings, members, t)
    frames = []
    for account_id, group in members.groupby("org_id", sort=True):
        ids = group["person_id"].tolist()
        n = len(ids)
        ip, between = _interaction_scores(ids, contacts.get(account_id), s.broker_sample)
        restart = (1.0 - s.uniform_restart) * ip + s.uniform_restart / n if ip.sum() > 0 else None
        pr = _pagerank_edges(ids, combined.get(account_id), damping)
        # without interactions the restart is uniform: power is the declared PageRank itself
        power = pr if restart is None else _pagerank_edges(ids, combined.get(account_id), damping, restart)
        ipr = _pagerank_edges(ids, informal.get(account_id), damping)
        sub = _chart(chart.get(account_id))
        reports = [len(nx.ancestors(sub, p)) if p in sub else 0 for p in ids]
        frames.append(pd.DataFrame({
            "account_id": account_id, "person_id": ids, "power": power, "interaction_power": ip,
            "pagerank": pr, "informal_pagerank": ipr, "reports": reports, "betweenness": between, "n": n,
        }))
    df = pd.concat(frames, ignore_index=True)

    people = people_index(snap)
    df["name"] = df["person_id"].map(shown_names(snap))
    df["level"] = df["person_id"].map(people["level"]).astype("Int64")
    titles = emp.drop_duplicates(["org_id", "person_id"]).set_index(["org_id", "person_id"])["title"]
    job_title = pd.Series(titles.reindex(pd.MultiIndex.from_frame(df[["account_id", "person_id"]])).to_numpy(),
                          index=df.index, dtype=object)
    df["title"] = job_title.where(job_title.notna(), df["person_id"].map(people["title"]))

    df["rank"] = _rank_desc(df, "power")
    df["informal_rank"] = _rank_desc(df, "informal_pagerank")
    df["formal_rank"] = _formal_rank(df)
    df["rank_gap"] = df["formal_rank"] - df["rank"]

    top_n = np.maximum(1, np.ceil(np.round(df["n"].to_numpy() * s.hidden_top_share, 9))).astype(np.int64)
    above_average = df["power"].to_numpy() > 1.0 / df["n"].to_numpy() + _SAME
    level = df["level"].astype("float64").to_numpy()
    df["hidden_influencer"] = (np.nan_to_num(level, nan=-1) >= s.hidden_min_level) & \
        (df["rank"].to_numpy() <= top_n) & above_average
    between_rank = _rank_desc(df, "betweenness")
    mean_between = df.groupby("account_id")["betweenness"].transform("mean").to_numpy()
    df["broker"] = (df["betweenness"].to_numpy() > mean_between + _SAME) & (between_rank <= top_n)

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


def _interaction_edges(snap: Snapshot, settings: Settings, members: pd.DataFrame, t) -> dict:
    """Per account, the pairs of its own people who interacted: frame ``u, v, weight``
    (the pair's strength evidence at ``t``), by joins on integer person codes."""
    pairs = pair_strengths(snap, settings, t)
    ca, cb, people = pair_strength_codes(snap, settings, t)
    ev = pairs["evidence"].to_numpy(dtype=float)
    ok = ev > 0
    if not ok.any():
        return {}
    code = pd.Index(people, dtype=object)
    m = pd.DataFrame({"account_id": members["org_id"].to_numpy(dtype=object),
                      "c": code.get_indexer(pd.Index(members["person_id"].to_numpy(dtype=object), dtype=object))})
    m = m[m["c"] >= 0]
    e = pd.DataFrame({"ca": ca[ok], "cb": cb[ok], "weight": ev[ok]})
    e = e.merge(m.rename(columns={"c": "ca"}), on="ca").merge(m.rename(columns={"c": "cb"}), on=["cb", "account_id"])
    if e.empty:
        return {}
    e["u"] = people[e["ca"].to_numpy()]
    e["v"] = people[e["cb"].to_numpy()]
    return {a: g[["u", "v", "weight"]] for a, g in e.groupby("account_id", sort=False)}


def _interaction_scores(ids: list, edges: pd.DataFrame | None, sample: int) -> tuple[np.ndarray, np.ndarray]:
    """``interaction_power`` (eigenvector shares) and betweenness of an account's people."""
    n = len(ids)
    if edges is None or edges.empty:
        return np.zeros(n), np.zeros(n)
    code = pd.Index(ids, dtype=object)
    u = code.get_indexer(edges["u"].to_numpy(dtype=object))
    v = code.get_indexer(edges["v"].to_numpy(dtype=object))
    w = edges["weight"].to_numpy(dtype=float)
    return eigenvector_shares(n, u, v, w), betweenness_arrays(n, u, v, sample)


def betweenness_arrays(n: int, u: np.ndarray, v: np.ndarray, sample: int | None = None,
                       seed: int = 0) -> np.ndarray:
    """Betweenness centrality (shortest paths in hops) of an undirected graph on ``0..n-1``.

    Brandes' algorithm run for all sources at once: a breadth-first search level by level
    counts shortest paths as a (sources x nodes) array times the sparse adjacency, then the
    dependencies flow back level by level. Normalised like ``networkx.betweenness_centrality``
    (by ``(n - 1)(n - 2)``). With ``sample`` < n, that many sources drawn with ``seed``, the
    sum scaled by ``n / sample`` (networkx's ``k``).

    >>> betweenness_arrays(4, np.array([0, 1, 2]), np.array([1, 2, 3])).round(4).tolist()  # a path a-b-c-d
    [0.0, 0.6667, 0.6667, 0.0]
    """
    from scipy import sparse

    out = np.zeros(n)
    u, v = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    keep = u != v
    if n <= 2 or not keep.any():
        return out
    u, v = u[keep], v[keep]
    A = sparse.coo_array((np.ones(2 * len(u)), (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()
    A.data[:] = 1.0  # parallel entries summed by tocsr: adjacency only
    sources = np.arange(n)
    if sample is not None and sample < n:
        sources = np.sort(np.random.default_rng(seed).choice(n, size=sample, replace=False))
    k = len(sources)
    rows = np.arange(k)
    sigma = np.zeros((k, n))
    sigma[rows, sources] = 1.0
    seen = sigma > 0
    levels = [seen.copy()]
    while True:
        reach = (A.T @ (sigma * levels[-1]).T).T  # paths into each node from the last level
        new = (reach > 0) & ~seen
        if not new.any():
            break
        sigma[new] = reach[new]
        seen |= new
        levels.append(new)
    delta = np.zeros((k, n))
    for d in range(len(levels) - 1, 0, -1):
        coef = np.where(levels[d], (1.0 + delta) / np.where(sigma > 0, sigma, 1.0), 0.0)
        delta += levels[d - 1] * sigma * (A.T @ coef.T).T
    delta[rows, sources] = 0.0
    total = delta.sum(axis=0) * (n / k)
    return total / ((n - 1) * (n - 2))


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
    for c in ("power", "interaction_power", "pagerank", "informal_pagerank", "betweenness"):
        df[c] = df[c].astype(float)
    df["broker"] = df["broker"].astype(bool)
    for c in ("rank", "informal_rank", "formal_rank", "reports", "rank_gap"):
        df[c] = df[c].astype(np.int64)
    df["level"] = df["level"].astype("Int64")
    df["influence"] = df["influence"].astype("Int64")
    df["hidden_influencer"] = df["hidden_influencer"].astype(bool)
    return df

