"""A synthetic key-account portfolio in the import format, at three scales, for benchmarks.

``generate(scale, seed)`` returns one frame per entity of :mod:`kamgraph.schema` (cells are
strings, numbers or empty, ready for ``to_csv``); ``write_portfolio(frames, folder)`` writes
``<entity>.csv`` files that ``kamgraph import`` reads. Everything is drawn with numpy from
one ``numpy.random.Generator`` seeded by ``seed``: the same seed and scale give
byte-identical files.

Scale L is an enterprise with thousands of key accounts (:data:`SCALES`): 5,000 accounts,
250,000 customer contacts, 2,000 of our staff, 20,000 external connectors, 1,000,000 ties,
1,500,000 interactions with 5,000,000 attendance rows. M is a tenth of L, S a hundredth,
XS (for smoke tests) a five-hundredth; every count is exact at every scale.

The structure follows the key-account literature the product encodes (DESIGN.md):

- **accounts**: revenue is lognormal (sigma 1.8: the top 20% of accounts bring ~80% of
  revenue); margin, payment, growth, influence and fit are correlated with it; the declared
  tier follows the revenue rank (3% diamond, 9% gold, 23% silver, the rest standard); a
  ``problem`` flag for a negative margin or a collection rate below 0.8;
- **org charts**: each account's contacts form a tree with 5 levels (one CEO, ~5% VPs,
  ~12% directors, ~25% managers, the rest staff), everyone below level 1 reporting to
  someone one level up; the account's size grows with its revenue (heavy-tailed);
- **buying centers**: assessed decision roles are concentrated at levels 1 to 3
  (decision-makers at levels 1-2), with attitudes and influence, and a dated history
  (about a third of the assessments change later: supporter turned skeptic...);
- **our side**: a 5-level org chart of internal staff; account teams with the iron
  triangle (AR, SR, FR: sometimes missing on smaller accounts) and an executive sponsor
  on diamond (and some gold) accounts;
- **connectors**: officials, association leaders, partners and independents, employed at
  organizations (regulators, associations, alumni classes, partners) that people of many
  accounts and our executives are members of;
- **ties** and **interactions** are heavy-tailed per person (lognormal activity weights):
  a few people know and meet many; interactions have several attendees from both sides,
  spread over 3 years ending at ``end`` with bursts before the close dates of deals
  (opportunities).

>>> frames = generate("XS", seed=1)
>>> len(frames["accounts"]), len(frames["ties"]), len(frames["attendance"])
(10, 2000, 10000)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kamgraph.errors import ConfigError
from kamgraph.schema import ENTITIES, WRITE_ORDER

__all__ = ["Scale", "SCALES", "DEFAULT_END", "YEARS", "generate", "write_portfolio", "generate_portfolio",
           "scale_of"]

#: the last day of the generated history (an analysis "as of" date that sees all of it)
DEFAULT_END = "2026-06-30"
#: years of interaction history before ``end``
YEARS = 3


@dataclass(frozen=True)
class Scale:
    """How many of each thing a portfolio has. Every count is met exactly."""

    name: str
    accounts: int
    customers: int
    internal: int
    external: int
    ties: int
    interactions: int
    attendance: int
    organizations: int
    opportunities: int

    @property
    def people(self) -> int:
        return self.customers + self.internal + self.external


def _scaled(name: str, f: float) -> Scale:
    return Scale(name, accounts=round(5_000 * f), customers=round(250_000 * f), internal=max(15, round(2_000 * f)),
                 external=round(20_000 * f), ties=round(1_000_000 * f), interactions=round(1_500_000 * f),
                 attendance=round(5_000_000 * f), organizations=max(12, round(1_000 * f)),
                 opportunities=round(20_000 * f))


#: the scales of the benchmark suite (issue 7): L is the enterprise, M a tenth, S a hundredth
SCALES: dict[str, Scale] = {"XS": _scaled("XS", 0.002), "S": _scaled("S", 0.01), "M": _scaled("M", 0.1),
                            "L": _scaled("L", 1.0)}


def scale_of(name: str) -> Scale:
    """The :class:`Scale` called ``name`` (case-insensitive: XS, S, M, L)."""
    try:
        return SCALES[str(name).upper()]
    except KeyError:
        raise ConfigError(f"unknown scale {name!r}; choose one of {', '.join(SCALES)}") from None


# -- vocabularies --------------------------------------------------------------------------

_FIRST = np.array(["Wei", "Jing", "Min", "Lei", "Yan", "Jun", "Hui", "Fang", "Tao", "Xin", "Anna", "James", "Maria",
                   "David", "Sofia", "Lukas", "Emma", "Noah", "Olivia", "Liam", "Priya", "Arjun", "Yuki", "Kenji",
                   "Chloe", "Mateo", "Aisha", "Omar", "Elena", "Ivan"], dtype=object)
_LAST = np.array(["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
                  "Zhu", "Hu", "Guo", "Smith", "Müller", "Garcia", "Rossi", "Dubois", "Kowalski", "Sato", "Kim",
                  "Patel", "Silva", "Novak", "Jensen", "O'Brien", "Nguyen"], dtype=object)
_ACCOUNT_WORDS = np.array(["Apex", "Nova", "Orion", "Summit", "Harbor", "Pioneer", "Golden", "Pacific", "Eastern",
                           "Silverline", "Crescent", "Titan", "Evergreen", "Sino", "Delta", "Vertex"], dtype=object)
_ACCOUNT_KINDS = np.array(["Industries", "Group", "Holdings", "Logistics", "Energy", "Motors", "Pharma",
                           "Electronics", "Steel", "Foods", "Telecom", "Bank"], dtype=object)
_INDUSTRIES = np.array(["manufacturing", "energy", "automotive", "pharma", "electronics", "logistics", "retail",
                        "finance", "telecom", "food", "chemicals", "construction"], dtype=object)
_REGIONS = {  # region -> (country, cities)
    "East China": ("China", ("Shanghai", "Hangzhou", "Nanjing", "Suzhou")),
    "North China": ("China", ("Beijing", "Tianjin", "Jinan")),
    "South China": ("China", ("Shenzhen", "Guangzhou", "Xiamen")),
    "West China": ("China", ("Chengdu", "Chongqing", "Xi'an")),
    "Europe": ("Germany", ("Munich", "Hamburg", "Frankfurt")),
    "North America": ("United States", ("Chicago", "Houston", "Boston")),
    "APAC": ("Singapore", ("Singapore",)),
}
_CUSTOMER_TITLES = {
    1: ["CEO", "President", "Chairman", "Managing Director", "董事长", "总经理"],
    2: ["CFO", "CTO", "COO", "CIO", "VP Sales", "VP Operations", "VP Procurement", "General Manager", "副总裁"],
    3: ["Director of IT", "Head of Procurement", "Engineering Director", "Finance Director", "Plant Director",
        "Head of Operations", "Sales Director", "总监"],
    4: ["IT Manager", "Purchasing Manager", "Project Manager", "Operations Manager", "Quality Manager",
        "Team Lead", "经理"],
    5: ["Engineer", "Analyst", "Specialist", "Buyer", "Coordinator", "Technician", "工程师", "专员"],
}
_INTERNAL_TITLES = {
    1: ["CEO"],
    2: ["EVP Sales", "VP Key Accounts", "CTO", "VP Delivery", "CFO"],
    3: ["Sales Director", "Regional Head", "Director of Solutions", "Delivery Director"],
    4: ["Key Account Manager", "Solution Manager", "Delivery Manager", "Sales Manager"],
    5: ["Solution Architect", "Sales Engineer", "Account Executive", "Project Engineer"],
}
#: external connector categories: (share, organization kind, titles with their levels)
_EXTERNAL = {
    "official": (0.15, ("regulator", "government"),
                 [("Deputy Director-General", 2), ("Division Director", 3), ("Section Chief", 4)]),
    "association": (0.15, ("association",), [("Secretary General", 1), ("Vice Chairman", 1), ("Director", 3)]),
    "partner": (0.30, ("partner",), [("Partner", 2), ("Managing Director", 1), ("Director", 3), ("Manager", 4)]),
    "independent": (0.40, (), [("Consultant", 3), ("Investor", 2), ("Professor", 3)]),
}
_ORG_KINDS = np.array(["association", "alumni", "regulator", "government", "partner"], dtype=object)
_ORG_SHARES = np.array([0.40, 0.25, 0.10, 0.10, 0.15])
#: decision roles by level: (roles, probabilities); a contact holds a role with _ROLE_RATE[level]
_ROLE_RATE = np.array([0.0, 0.9, 0.7, 0.4, 0.1, 0.03])
_ROLES = np.array(["decision_maker", "approver", "technical_evaluator", "user", "influencer", "procurement",
                   "coach"], dtype=object)
_ROLE_P = np.array([
    [0.70, 0.20, 0.00, 0.00, 0.10, 0.00, 0.00],  # level 1
    [0.15, 0.35, 0.15, 0.00, 0.20, 0.10, 0.05],  # level 2
    [0.00, 0.05, 0.35, 0.15, 0.20, 0.15, 0.10],  # level 3
    [0.00, 0.00, 0.30, 0.40, 0.05, 0.15, 0.10],  # level 4
    [0.00, 0.00, 0.10, 0.70, 0.00, 0.00, 0.20],  # level 5
])
_ATTITUDES = np.array(["champion", "supporter", "neutral", "skeptic", "opponent"], dtype=object)
_ATTITUDE_P = np.array([0.10, 0.30, 0.35, 0.15, 0.10])
_KINDS = np.array(["visit", "meeting", "meal", "call", "email", "event"], dtype=object)
_KIND_P_BACKGROUND = np.array([0.10, 0.28, 0.08, 0.24, 0.22, 0.08])
_KIND_P_DEAL = np.array([0.18, 0.40, 0.12, 0.18, 0.12, 0.00])
_SUBJECTS = {"visit": "Site visit", "meeting": "Account review", "meal": "Dinner", "call": "Follow-up call",
             "email": "Proposal follow-up", "event": "Industry event"}
_PRODUCTS = np.array(["ERP rollout", "Fleet renewal", "Data platform", "Service contract", "Plant upgrade",
                      "Security suite", "Cloud migration", "Spare parts framework"], dtype=object)
_TIE_KINDS = np.array(["business", "friend", "classmate", "former_colleague", "relative", "comrade", "official",
                       "partner", "other"], dtype=object)


# -- small vectorized helpers ----------------------------------------------------------------

def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    """``prefix`` + zero-padded 0..n-1 (string order = numeric order), as an object array."""
    return np.char.add(prefix, np.char.zfill(np.arange(n).astype(str), width)).astype(object)


def _dates(days: np.ndarray, origin: np.datetime64) -> np.ndarray:
    """Integer day offsets from ``origin`` as ``YYYY-MM-DD`` strings (object array)."""
    return (origin + np.asarray(days, dtype=np.int64)).astype("datetime64[D]").astype(str).astype(object)


def _choice(rng: np.random.Generator, options: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
    return options[rng.choice(len(options), size=n, p=p / p.sum())]


def _weighted(rng: np.random.Generator, cum: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with replacement, weight ``diff(cum)`` (``cum[0] == 0``)."""
    return np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1], side="right") - 1, len(cum) - 2)


def _in_segment(rng: np.random.Generator, cum: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """One index per segment ``[start, stop)``, weighted by ``diff(cum)`` within it."""
    lo, hi = cum[start], cum[stop]
    idx = np.searchsorted(cum, lo + rng.random(len(start)) * (hi - lo), side="right") - 1
    return np.clip(idx, start, stop - 1)


def _cum(weights: np.ndarray) -> np.ndarray:
    out = np.zeros(len(weights) + 1)
    np.cumsum(weights, out=out[1:])
    return out


def _allocate(total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Integers >= ``minimum`` summing to ``total``, proportional to ``weights`` (largest remainder)."""
    spare = total - minimum * len(weights)
    if spare < 0:
        raise ConfigError(f"cannot give {len(weights)} groups at least {minimum} of {total}")
    share = weights / weights.sum() * spare
    base = np.floor(share).astype(np.int64)
    rest = spare - int(base.sum())
    base[np.argsort(-(share - base), kind="stable")[:rest]] += 1
    return base + minimum


def _level_blocks(sizes: np.ndarray, shares: tuple[float, ...], minimum: tuple[int, ...]) -> np.ndarray:
    """Per group, how many people are at levels 1..5 (a (groups, 5) array summing to ``sizes``).

    Levels 1-4 get ``max(minimum, round(share * size))`` and level 5 the rest; groups too
    small for that lose from the lowest levels first (a group of 5 is one per level).
    """
    counts = np.zeros((len(sizes), 5), dtype=np.int64)
    for k in range(4):
        counts[:, k] = np.maximum(minimum[k], np.round(shares[k] * sizes)).astype(np.int64)
    counts[:, 0] = np.minimum(counts[:, 0], sizes)
    for k in range(1, 4):
        counts[:, k] = np.minimum(counts[:, k], np.maximum(0, sizes - counts[:, :k].sum(axis=1) - (4 - k)))
    counts[:, 4] = sizes - counts[:, :4].sum(axis=1)
    return counts


def _tree(rng: np.random.Generator, group_start: np.ndarray, counts: np.ndarray, group_of: np.ndarray,
          rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Levels (1..5) and managers (index, -1 for level 1) of people laid out group by group,
    each group's people ordered by level; everyone reports to someone one level up."""
    bounds = np.cumsum(counts, axis=1)  # (groups, 5): end of each level block within the group
    level = 1 + (rank[:, None] >= bounds[group_of, :4]).sum(axis=1)
    block_start = np.concatenate([np.zeros((len(counts), 1), dtype=np.int64), bounds[:, :4]], axis=1)
    manager = np.full(len(rank), -1, dtype=np.int64)
    has = level >= 2
    g, up = group_of[has], level[has] - 2  # the level above, 0-based
    n_up = counts[g, up]
    ok = n_up > 0
    pick = group_start[g] + block_start[g, up] + np.floor(rng.random(len(g)) * np.maximum(n_up, 1)).astype(np.int64)
    manager[np.flatnonzero(has)[ok]] = pick[ok]
    return level, manager


def _titles(rng: np.random.Generator, level: np.ndarray, table: dict[int, list[str]]) -> np.ndarray:
    out = np.empty(len(level), dtype=object)
    for lvl, options in table.items():
        m = level == lvl
        out[m] = np.array(options, dtype=object)[rng.integers(0, len(options), size=int(m.sum()))]
    return out


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    first = _FIRST[rng.integers(0, len(_FIRST), size=n)]
    last = _LAST[rng.integers(0, len(_LAST), size=n)]
    return (pd.Series(first, dtype=object) + " " + pd.Series(last, dtype=object)).to_numpy(dtype=object)


def _frame(entity: str, columns: dict[str, object]) -> pd.DataFrame:
    """A frame with the entity's columns in schema order (only the ones given)."""
    names = [c for c in ENTITIES[entity].column_names if c in columns]
    return pd.DataFrame({c: columns[c] for c in names})


def _int_col(values: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    s = pd.Series(np.asarray(values, dtype=np.int64), dtype="Int64")
    if missing is not None:
        s[missing] = pd.NA
    return s


# -- the generator ---------------------------------------------------------------------------

def generate(scale: str | Scale = "S", seed: int = 0, end: str = DEFAULT_END) -> dict[str, pd.DataFrame]:
    """A synthetic portfolio: one frame per entity, in :data:`~kamgraph.schema.WRITE_ORDER`.

    ``end`` is the last day of the history (interactions run over the :data:`YEARS` years
    before it; open deals close after it). Deterministic for ``(scale, seed, end)``.
    """
    sc = scale if isinstance(scale, Scale) else scale_of(scale)
    rng = np.random.default_rng(seed)
    try:
        end_day = np.datetime64(str(end), "D")
    except ValueError:
        raise ConfigError(f"end must be a date like 2026-06-30, got {end!r}") from None
    origin = end_day - np.timedelta64(365 * YEARS, "D")
    span = int((end_day - origin).astype(np.int64))  # days 0..span, day span == end

    n_a, n_c, n_i, n_e = sc.accounts, sc.customers, sc.internal, sc.external
    if n_c < 5 * n_a:
        raise ConfigError("a scale needs at least 5 customer contacts per account (one per level)")

    # -- accounts: lognormal revenue, correlated metrics, tiers by revenue rank ---------------
    log_rev = rng.normal(np.log(5e6), 1.8, size=n_a)
    z = (log_rev - log_rev.mean()) / max(log_rev.std(), 1e-9)
    revenue = np.round(np.exp(log_rev), -3)
    margin = np.clip(0.22 + 0.04 * z + rng.normal(0, 0.08, n_a), -0.3, 0.7).round(3)
    collection = np.clip(0.93 + 0.02 * z + rng.normal(0, 0.05, n_a), 0.4, 1.0).round(3)
    on_time = np.clip(0.85 + 0.03 * z + rng.normal(0, 0.08, n_a), 0.2, 1.0).round(3)
    growth = (0.05 + 0.02 * z + rng.normal(0, 0.1, n_a)).round(3)
    infl = np.clip(np.round(3 + 0.8 * z + rng.normal(0, 0.8, n_a)), 1, 5).astype(np.int64)
    fit = np.clip(np.round(3 + 0.5 * z + rng.normal(0, 1.0, n_a)), 1, 5).astype(np.int64)
    rank_pct = (np.argsort(np.argsort(-revenue, kind="stable"), kind="stable") + 1) / n_a
    tier = np.select([rank_pct <= 0.03, rank_pct <= 0.12, rank_pct <= 0.35], ["diamond", "gold", "silver"],
                     "standard").astype(object)
    tier[np.argmax(revenue)] = "diamond"  # even the smallest portfolio has a diamond account
    problem = (margin < 0) | (collection < 0.8)
    regions = np.array(list(_REGIONS), dtype=object)
    region = regions[rng.integers(0, len(regions), size=n_a)]
    country = np.array([_REGIONS[r][0] for r in region], dtype=object)
    city = np.array([_REGIONS[r][1][k % len(_REGIONS[r][1])] for r, k in
                     zip(region, rng.integers(0, 12, size=n_a))], dtype=object)
    acc_ids = _ids("A", n_a, 5)
    acc_name = (pd.Series(_ACCOUNT_WORDS[rng.integers(0, len(_ACCOUNT_WORDS), n_a)], dtype=object) + " "
                + pd.Series(_ACCOUNT_KINDS[rng.integers(0, len(_ACCOUNT_KINDS), n_a)], dtype=object) + " "
                + pd.Series(np.arange(n_a).astype(str), dtype=object)).to_numpy(dtype=object)
    industry = _INDUSTRIES[rng.integers(0, len(_INDUSTRIES), n_a)]

    # -- customers: account sizes grow with revenue; 5-level org chart per account ------------
    size = _allocate(n_c, np.exp(0.6 * log_rev) * rng.lognormal(0, 0.3, n_a), minimum=5)
    acc_start = np.concatenate([[0], np.cumsum(size)[:-1]])
    acc_of = np.repeat(np.arange(n_a), size)
    rank = np.arange(n_c) - acc_start[acc_of]
    counts = _level_blocks(size, (0.0, 0.05, 0.12, 0.25), (1, 1, 1, 1))
    c_level, c_manager = _tree(rng, acc_start, counts, acc_of, rank)
    c_ids = _ids("C", n_c, 7)
    c_act = rng.lognormal(0, 1.0, n_c) * np.array([0, 0.8, 1.2, 1.3, 1.1, 0.7])[c_level]
    c_cum = _cum(c_act)
    acc_stop = acc_start + size

    # -- our staff: a 5-level org chart --------------------------------------------------------
    i_counts = _level_blocks(np.array([n_i]), (0.0, 0.03, 0.12, 0.30), (1, 2, 3, 4))
    i_level, i_manager = _tree(rng, np.array([0]), i_counts, np.zeros(n_i, dtype=np.int64), np.arange(n_i))
    i_ids = _ids("U", n_i, 5)
    i_act = rng.lognormal(0, 1.2, n_i)
    i_cum = _cum(i_act)
    by_level = [np.flatnonzero(i_level == lvl) for lvl in range(1, 6)]

    # -- organizations and external connectors -----------------------------------------------
    n_o = sc.organizations
    o_kind = _choice(rng, _ORG_KINDS, _ORG_SHARES, n_o)
    for k, kind in enumerate(_ORG_KINDS):  # every kind exists at least once
        o_kind[k] = kind
    o_ids = _ids("O", n_o, 5)
    o_name = (pd.Series(o_kind, dtype=object).map({
        "association": "Industry Association", "alumni": "EMBA Class", "regulator": "Regulatory Commission",
        "government": "Development Bureau", "partner": "Partner Firm"}) + " " + pd.Series(np.arange(n_o).astype(str),
                                                                                          dtype=object)).to_numpy(dtype=object)
    o_pop = rng.lognormal(0, 1.2, n_o)
    ours_id = "O-OURS"

    cats = list(_EXTERNAL)
    e_cat = _choice(rng, np.array(cats, dtype=object), np.array([_EXTERNAL[c][0] for c in cats]), n_e)
    e_ids = _ids("X", n_e, 6)
    e_title = np.empty(n_e, dtype=object)
    e_level = np.zeros(n_e, dtype=np.int64)
    e_org = np.full(n_e, -1, dtype=np.int64)
    for cat in cats:
        m = np.flatnonzero(e_cat == cat)
        opts = _EXTERNAL[cat][2]
        pick = rng.integers(0, len(opts), size=len(m))
        e_title[m] = np.array([t for t, _ in opts], dtype=object)[pick]
        e_level[m] = np.array([lvl for _, lvl in opts])[pick]
        kinds = _EXTERNAL[cat][1]
        if kinds:
            pool = np.flatnonzero(np.isin(o_kind, kinds))
            e_org[m] = pool[_weighted(rng, _cum(o_pop[pool]), len(m))]
    e_act = rng.lognormal(0, 1.3, n_e)
    e_cum = _cum(e_act)

    # -- account teams: the iron triangle and an executive sponsor ---------------------------
    is_top = np.isin(tier, ["diamond", "gold"])
    p_role = {
        "ar": np.where(tier == "standard", 0.97, 1.0),
        "sr": np.select([is_top, tier == "silver"], [1.0, 0.8], 0.5),
        "fr": np.select([is_top, tier == "silver"], [0.95, 0.7], 0.4),
        "executive_sponsor": np.select([tier == "diamond", tier == "gold"], [0.95, 0.5], 0.0),
    }
    pools = {"ar": np.concatenate([by_level[3], by_level[2]]), "sr": np.concatenate([by_level[3], by_level[4]]),
             "fr": np.concatenate([by_level[3], by_level[4]])}
    t_acc, t_person, t_role = [], [], []
    for role, p in p_role.items():
        has = np.flatnonzero(rng.random(n_a) < p)
        if role == "executive_sponsor":
            pool = np.where(tier[has] == "diamond", 0, 1)
            execs = [np.concatenate([by_level[0], by_level[1]]), np.concatenate([by_level[1], by_level[2]])]
            who = np.empty(len(has), dtype=np.int64)
            for k in (0, 1):
                m = pool == k
                who[m] = execs[k][_weighted(rng, _cum(i_act[execs[k]]), int(m.sum()))]
        else:
            who = pools[role][_weighted(rng, _cum(i_act[pools[role]]), len(has))]
        t_acc.append(has)
        t_person.append(who)
        t_role.append(np.full(len(has), role, dtype=object))
    extra = np.flatnonzero(is_top)  # top accounts also have a few other team members
    n_extra = rng.integers(0, 4, size=len(extra))
    t_acc.append(np.repeat(extra, n_extra))
    t_person.append(_weighted(rng, i_cum, int(n_extra.sum())))
    t_role.append(np.full(int(n_extra.sum()), "other", dtype=object))
    team = pd.DataFrame({"acc": np.concatenate(t_acc), "person": np.concatenate(t_person),
                         "role": np.concatenate(t_role)})
    team = team.drop_duplicates(["acc", "person"]).sort_values(["acc", "person"], kind="stable")
    team_start = np.searchsorted(team["acc"].to_numpy(), np.arange(n_a), side="left")
    team_stop = np.searchsorted(team["acc"].to_numpy(), np.arange(n_a), side="right")
    team_person = team["person"].to_numpy()
    ar = team[team["role"] == "ar"].drop_duplicates("acc").set_index("acc")["person"]
    sponsor = team[team["role"] == "executive_sponsor"].drop_duplicates("acc").set_index("acc")["person"]
    owner = np.full(n_a, None, dtype=object)
    owner[ar.index.to_numpy()] = i_ids[ar.to_numpy()]
    acc_sponsor = np.full(n_a, -1, dtype=np.int64)
    acc_sponsor[sponsor.index.to_numpy()] = sponsor.to_numpy()

    # -- people codes: customers, internal, external in id (= string) order ------------------
    P_I, P_E = n_c, n_c + n_i
    person_ids = np.concatenate([c_ids, i_ids, e_ids])

    # -- assessments: decision roles concentrated at levels 1-3 ------------------------------
    holder = np.flatnonzero(rng.random(n_c) < _ROLE_RATE[c_level])
    h_level = c_level[holder]
    u = rng.random(len(holder))
    cdf = np.cumsum(_ROLE_P, axis=1)
    h_role = _ROLES[np.minimum((u[:, None] > cdf[h_level - 1]).sum(axis=1), len(_ROLES) - 1)]
    h_att = rng.choice(len(_ATTITUDES), size=len(holder), p=_ATTITUDE_P)
    h_infl = np.clip(6 - h_level + rng.integers(-1, 2, size=len(holder)), 1, 5)
    first_day = rng.integers(0, int(span * 0.6), size=len(holder))
    changes = rng.random(len(holder)) < 0.35
    later = first_day[changes] + 30 + rng.integers(0, max(1, span - int(span * 0.6) - 30), size=int(changes.sum()))
    step = np.where(rng.random(int(changes.sum())) < 0.5, -1, 1)
    new_att = np.clip(h_att[changes] + step, 0, len(_ATTITUDES) - 1)
    new_infl = np.where(rng.random(len(new_att)) < 0.3, np.clip(h_infl[changes] + step * -1, 1, 5), h_infl[changes])
    h_acc = acc_of[holder]
    a_person = np.concatenate([holder, holder[changes]])
    a_acc = np.concatenate([h_acc, h_acc[changes]])
    a_day = np.concatenate([first_day, np.minimum(later, span)])
    a_by = owner[a_acc]
    assessments = _frame("assessments", {
        "person_id": c_ids[a_person], "account_id": acc_ids[a_acc], "assessed_on": _dates(a_day, origin),
        "decision_role": np.concatenate([h_role, h_role[changes]]),
        "attitude": _ATTITUDES[np.concatenate([h_att, new_att])],
        "influence": np.concatenate([h_infl, new_infl]).astype(np.int64),
        "assessed_by": a_by,
        "source": np.where(rng.random(len(a_person)) < 0.6, "account plan", "QBR").astype(object),
    })
    role_w = np.zeros(n_c)
    role_w[holder] = 1.0 + (h_level <= 2)  # deal players: the buying center, senior first
    role_cum = _cum(role_w + 1e-3 * c_act)

    # -- opportunities: deals with close dates; open ones close after ``end`` -----------------
    n_op = sc.opportunities
    op_acc = np.sort(_weighted(rng, _cum(np.exp(0.7 * log_rev)), n_op))
    op_close = rng.integers(60, span + 180, size=n_op)
    op_open = op_close > span
    op_won = ~op_open & (rng.random(n_op) < 0.55)
    op_status = np.select([op_open, op_won], ["open", "won"], "lost").astype(object)
    op_stage = np.where(op_open, np.array(["qualification", "proposal", "negotiation"], dtype=object)[
        rng.integers(0, 3, size=n_op)], np.where(op_won, "closed won", "closed lost")).astype(object)
    op_ids = _ids("D", n_op, 6)
    op_year = (origin + op_close).astype("datetime64[Y]").astype(str)
    op_name = (pd.Series(_PRODUCTS[rng.integers(0, len(_PRODUCTS), n_op)], dtype=object) + " "
               + pd.Series(op_year, dtype=object)).to_numpy(dtype=object)
    op_amount = np.round(revenue[op_acc] * rng.lognormal(-1.5, 0.7, n_op), -3)
    op_start = np.searchsorted(op_acc, np.arange(n_a), side="left")
    op_count = np.searchsorted(op_acc, np.arange(n_a), side="right") - op_start

    # players: 2-5 contacts of the account per deal, buying-center first
    k = rng.integers(2, 6, size=n_op)
    r_op = np.repeat(np.arange(n_op), k)
    r_person = _in_segment(rng, role_cum, acc_start[op_acc[r_op]], acc_stop[op_acc[r_op]])
    roles_of = pd.Series(h_role, index=holder)
    r = pd.DataFrame({"op": r_op, "person": r_person}).drop_duplicates()
    r_role = roles_of.reindex(r["person"].to_numpy()).to_numpy(dtype=object)
    r_role = np.where(pd.isna(r_role), "influencer", r_role).astype(object)
    att_of = pd.Series(h_att, index=holder).reindex(r["person"].to_numpy()).fillna(2).to_numpy().astype(np.int64)
    opportunity_roles = _frame("opportunity_roles", {
        "person_id": c_ids[r["person"].to_numpy()], "opportunity_id": op_ids[r["op"].to_numpy()], "role": r_role,
        "attitude": _ATTITUDES[att_of],
        "influence": np.clip(6 - c_level[r["person"].to_numpy()], 1, 5).astype(np.int64),
    })

    # -- influence links inside accounts: someone's opinion weighs on a senior role holder ----
    n_inf = max(1, n_c // 5)
    f_src = _weighted(rng, c_cum, n_inf)
    f_acc = acc_of[f_src]
    f_tgt = _in_segment(rng, role_cum, acc_start[f_acc], acc_stop[f_acc])
    f = pd.DataFrame({"s": f_src, "t": f_tgt})
    f = f[f["s"] != f["t"]].drop_duplicates()
    influence = _frame("influence", {"source_id": c_ids[f["s"].to_numpy()], "target_id": c_ids[f["t"].to_numpy()],
                                     "weight": rng.integers(1, 6, size=len(f)).astype(np.int64)})

    # -- memberships: executives of many accounts and of ours in shared bodies ----------------
    shared = np.flatnonzero(np.isin(o_kind, ["association", "alumni"]))
    s_cum = _cum(o_pop[shared])
    join_c = np.flatnonzero(rng.random(n_c) < np.array([0, 0.8, 0.6, 0.3, 0.05, 0.0])[c_level])
    join_i = np.flatnonzero(rng.random(n_i) < np.array([0, 0.95, 0.9, 0.6, 0.15, 0.05])[i_level]) + P_I
    join_e = np.flatnonzero(rng.random(n_e) < 0.5) + P_E
    joiners = np.concatenate([join_c, join_i, join_e])
    n_join = rng.integers(1, 4, size=len(joiners))
    m_person = np.repeat(joiners, n_join)
    m_org = shared[_weighted(rng, s_cum, len(m_person))]
    leaders = np.flatnonzero(e_org >= 0)  # connectors belong to the body they work at
    m_person = np.concatenate([m_person, leaders + P_E])
    m_org = np.concatenate([m_org, e_org[leaders]])
    m = pd.DataFrame({"p": m_person, "o": m_org}).drop_duplicates().sort_values(["p", "o"], kind="stable")
    m_role = np.where(rng.random(len(m)) < 0.08, "board member", "member").astype(object)
    memberships = _frame("memberships", {
        "person_id": person_ids[m["p"].to_numpy()], "org_id": o_ids[m["o"].to_numpy()], "role": m_role,
        "since": _dates(-rng.integers(0, 3650, size=len(m)), origin)})

    # -- ties: heavy-tailed, mostly around account teams and inside accounts -----------------
    n_t = sc.ties
    tie_ctx = dict(c_cum=c_cum, acc_of=acc_of, team_start=team_start, team_stop=team_stop, team_person=team_person,
                   i_cum=i_cum, c_level=c_level, acc_sponsor=acc_sponsor, acc_start=acc_start, acc_stop=acc_stop,
                   e_cum=e_cum, e_cat=e_cat, c_act=c_act, i_act=i_act, i_level=i_level, P_I=P_I, P_E=P_E)
    t = _draw_ties(rng, int(n_t * 1.15) + 10, **tie_ctx).drop_duplicates(["lo", "hi"])
    for _ in range(20):  # heavy tails repeat pairs: draw until there are enough distinct ones
        if len(t) >= n_t:
            break
        t = pd.concat([t, _draw_ties(rng, int((n_t - len(t)) * 1.3) + 10, **tie_ctx)],
                      ignore_index=True).drop_duplicates(["lo", "hi"])
    if len(t) < n_t:
        raise ConfigError(f"only {len(t)} distinct ties could be drawn for {n_t}; the scale is too dense")
    t = t.iloc[np.sort(rng.choice(len(t), size=n_t, replace=False))].sort_values(["lo", "hi"], kind="stable")
    kind = t["kind"].to_numpy(dtype=object)
    close = np.isin(kind, ["friend", "relative", "comrade", "classmate"])
    strength = np.clip(rng.integers(1, 5, size=n_t) + close, 1, 5)
    no_assess = rng.random(n_t) < 0.2
    assessed = rng.integers(0, span + 1, size=n_t)
    notes = np.full(n_t, None, dtype=object)
    cls = np.flatnonzero((kind == "classmate") & (rng.random(n_t) < 0.6))
    notes[cls] = (pd.Series(["EMBA "] * len(cls), dtype=object)
                  + pd.Series(rng.integers(2005, 2024, size=len(cls)).astype(str), dtype=object)).to_numpy(dtype=object)
    ties = _frame("ties", {
        "person_id": person_ids[t["lo"].to_numpy()], "other_id": person_ids[t["hi"].to_numpy()], "kind": kind,
        "strength": _int_col(strength), "assessed_on": np.where(no_assess, None, _dates(assessed, origin)),
        "since": np.where(rng.random(n_t) < 0.5, None, _dates(assessed - rng.integers(0, 3650, size=n_t), origin)),
        "notes": notes,
    })

    # -- interactions: bursts before deals close, background spread over the years ------------
    n_x = sc.interactions
    no_acc = rng.random(n_x) < 0.03  # industry events with no account
    x_acc = _weighted(rng, _cum(np.sqrt(revenue) * np.sqrt(size)), n_x)
    has_op = op_count[x_acc] > 0
    deal = ~no_acc & has_op & (rng.random(n_x) < 0.45)
    x_op = np.full(n_x, -1, dtype=np.int64)
    x_op[deal] = op_start[x_acc[deal]] + np.floor(rng.random(int(deal.sum())) * op_count[x_acc[deal]]).astype(np.int64)
    background = np.floor(span * np.sqrt(rng.random(n_x))).astype(np.int64)  # denser in recent years
    before = np.floor(rng.exponential(40.0, n_x)).astype(np.int64)
    day = np.where(deal, op_close[np.maximum(x_op, 0)] - before, background)
    day = np.where(deal & (day > span), span - (before % 60), day)
    day = np.clip(day, 0, span)
    x_kind = np.where(deal, _choice(rng, _KINDS, _KIND_P_DEAL, n_x), _choice(rng, _KINDS, _KIND_P_BACKGROUND, n_x))
    x_kind = np.where(no_acc, "event", x_kind).astype(object)
    order = np.lexsort((np.arange(n_x), day))  # ids in date order
    day, x_kind, x_acc, x_op, no_acc = day[order], x_kind[order], x_acc[order], x_op[order], no_acc[order]
    x_ids = _ids("I", n_x, 7)
    interactions = _frame("interactions", {
        "id": x_ids, "date": _dates(day, origin), "kind": x_kind,
        "account_id": np.where(no_acc, None, acc_ids[x_acc]).astype(object),
        "opportunity_id": np.where(x_op >= 0, op_ids[np.maximum(x_op, 0)], None).astype(object),
        "subject": pd.Series(x_kind, dtype=object).map(_SUBJECTS).where(x_op < 0, "Deal review").to_numpy(dtype=object),
    })

    attendance = _attendance(rng, sc.attendance, x_kind, x_acc, no_acc, x_op >= 0, acc_start, acc_stop, c_cum,
                             role_cum, team_start, team_stop, team_person, acc_sponsor, i_cum, by_level, i_act,
                             e_cum, P_I, P_E)
    attendance = _frame("attendance", {"interaction_id": x_ids[attendance[:, 0]],
                                       "person_id": person_ids[attendance[:, 1]]})

    # -- the entity frames ---------------------------------------------------------------------
    accounts = _frame("accounts", {
        "id": acc_ids, "name": acc_name, "industry": industry, "region": region, "city": city, "country": country,
        "tier": tier, "problem": np.where(problem, "true", "false").astype(object), "owner_id": owner,
        "revenue": revenue, "gross_margin": margin, "collection_rate": collection, "on_time_payment": on_time,
        "growth": growth, "industry_influence": infl, "strategic_fit": fit})
    organizations = _frame("organizations", {
        "id": np.concatenate([[ours_id], o_ids]), "name": np.concatenate([["Our Company"], o_name]),
        "kind": np.concatenate([["internal"], o_kind]),
        "city": np.concatenate([["Shanghai"], np.full(n_o, None, dtype=object)]),
        "country": np.concatenate([["China"], np.full(n_o, None, dtype=object)])})

    c_title = _titles(rng, c_level, _CUSTOMER_TITLES)
    i_title = _titles(rng, i_level, _INTERNAL_TITLES)
    domain = pd.Series(np.char.lower(acc_ids[acc_of].astype(str)), dtype=object)
    email = np.concatenate([
        (pd.Series(np.char.lower(c_ids.astype(str)), dtype=object) + "@" + domain + ".example").to_numpy(dtype=object),
        (pd.Series(np.char.lower(i_ids.astype(str)), dtype=object) + "@ours.example").to_numpy(dtype=object),
        np.full(n_e, None, dtype=object)])
    people = _frame("people", {
        "id": person_ids, "name": _names(rng, len(person_ids)),
        "side": np.repeat(np.array(["customer", "internal", "external"], dtype=object), [n_c, n_i, n_e]),
        "title": np.concatenate([c_title, i_title, e_title]),
        "level": np.concatenate([c_level, i_level, e_level]).astype(np.int64), "email": email,
        "city": np.concatenate([city[acc_of], np.full(n_i, "Shanghai", dtype=object), np.full(n_e, None, dtype=object)]),
        "country": np.concatenate([country[acc_of], np.full(n_i, "China", dtype=object),
                                   np.full(n_e, None, dtype=object)])})

    emp_ext = np.flatnonzero(e_org >= 0)
    team_sorted = team.sort_values(["person", "acc"], kind="stable")
    employment = pd.concat([
        _frame("employment", {"person_id": c_ids, "org_id": acc_ids[acc_of], "title": c_title,
                              "since": _dates(-rng.integers(0, 3650, size=n_c), origin)}),
        _frame("employment", {"person_id": i_ids, "org_id": np.full(n_i, ours_id, dtype=object), "title": i_title,
                              "since": _dates(-rng.integers(0, 5000, size=n_i), origin)}),
        _frame("employment", {"person_id": i_ids[team_sorted["person"].to_numpy()],
                              "org_id": acc_ids[team_sorted["acc"].to_numpy()],
                              "team_role": team_sorted["role"].to_numpy(dtype=object),
                              "since": _dates(rng.integers(-720, span // 2, size=len(team_sorted)), origin)}),
        _frame("employment", {"person_id": e_ids[emp_ext], "org_id": o_ids[e_org[emp_ext]],
                              "title": e_title[emp_ext],
                              "since": _dates(-rng.integers(0, 3650, size=len(emp_ext)), origin)}),
    ], ignore_index=True)
    employment = employment[ENTITIES["employment"].column_names[:4] + ["since"]]

    has_mgr = np.flatnonzero(c_manager >= 0)
    has_imgr = np.flatnonzero(i_manager >= 0)
    reports_to = _frame("reports_to", {
        "person_id": np.concatenate([c_ids[has_mgr], i_ids[has_imgr]]),
        "manager_id": np.concatenate([c_ids[c_manager[has_mgr]], i_ids[i_manager[has_imgr]]])})

    opportunities = _frame("opportunities", {
        "id": op_ids, "account_id": acc_ids[op_acc], "name": op_name, "stage": op_stage, "status": op_status,
        "amount": op_amount, "close_date": _dates(op_close, origin)})

    frames = {"accounts": accounts, "organizations": organizations, "people": people,
              "opportunities": opportunities, "interactions": interactions, "employment": employment,
              "assessments": assessments, "reports_to": reports_to, "ties": ties, "influence": influence,
              "memberships": memberships, "attendance": attendance, "opportunity_roles": opportunity_roles}
    return {name: frames[name] for name in WRITE_ORDER}


def _draw_ties(rng, k, *, c_cum, acc_of, team_start, team_stop, team_person, i_cum, c_level, acc_sponsor, acc_start,
               acc_stop, e_cum, e_cat, c_act, i_act, i_level, P_I, P_E) -> pd.DataFrame:
    """``k`` candidate ties (person codes ``lo < hi`` and a kind), not yet distinct.

    Shares: our people - customers 30% (the account team first, the sponsor for
    executives), colleagues inside an account 35%, connectors - customers 18%, connectors -
    our people 9%, among our people 3%, across accounts (former colleagues, classmates) 5%.
    """
    want = np.round(np.array([0.30, 0.35, 0.18, 0.09, 0.03, 0.05]) * k).astype(np.int64)
    parts = []
    cust = _weighted(rng, c_cum, want[0])
    acc = acc_of[cust]
    n_team = team_stop[acc] - team_start[acc]
    from_team = (rng.random(want[0]) < 0.65) & (n_team > 0)
    ours = _weighted(rng, i_cum, want[0])
    tpos = team_start[acc] + np.floor(rng.random(want[0]) * np.maximum(n_team, 1)).astype(np.int64)
    ours = np.where(from_team, team_person[np.minimum(tpos, len(team_person) - 1)], ours)
    exec_tie = (c_level[cust] <= 2) & (acc_sponsor[acc] >= 0) & (rng.random(want[0]) < 0.5)
    ours = np.where(exec_tie, acc_sponsor[acc], ours)
    parts.append((cust, ours + P_I, _choice(rng, _TIE_KINDS, np.array([60, 15, 7, 8, 0, 0, 0, 0, 10.0]), want[0])))
    x = _weighted(rng, c_cum, want[1])
    y = _in_segment(rng, c_cum, acc_start[acc_of[x]], acc_stop[acc_of[x]])
    parts.append((x, y, _choice(rng, _TIE_KINDS, np.array([85, 10, 0, 5, 0, 0, 0, 0, 0.0]), want[1])))
    e = _weighted(rng, e_cum, want[2])
    senior = _cum(c_act * np.array([0, 4, 3, 2, 1, 0.3])[c_level])  # senior customers know more connectors
    parts.append((_weighted(rng, senior, want[2]), e + P_E, _external_kinds(rng, e_cat[e])))
    e = _weighted(rng, e_cum, want[3])
    o = _weighted(rng, _cum(i_act * np.array([0, 4, 3, 2, 1, 0.5])[i_level]), want[3])
    parts.append((o + P_I, e + P_E, _external_kinds(rng, e_cat[e])))
    parts.append((_weighted(rng, i_cum, want[4]) + P_I, _weighted(rng, i_cum, want[4]) + P_I,
                  _choice(rng, _TIE_KINDS, np.array([50, 25, 5, 20, 0, 0, 0, 0, 0.0]), want[4])))
    parts.append((_weighted(rng, senior, want[5]), _weighted(rng, senior, want[5]),
                  _choice(rng, _TIE_KINDS, np.array([0, 20, 30, 50, 0, 0, 0, 0, 0.0]), want[5])))
    tx = np.concatenate([p[0] for p in parts])
    ty = np.concatenate([p[1] for p in parts])
    tk = np.concatenate([p[2] for p in parts])
    ok = tx != ty
    return pd.DataFrame({"lo": np.minimum(tx, ty)[ok], "hi": np.maximum(tx, ty)[ok], "kind": tk[ok]})


def _external_kinds(rng: np.random.Generator, cat: np.ndarray) -> np.ndarray:
    """Tie kinds of connectors by their category."""
    out = np.empty(len(cat), dtype=object)
    table = {
        "official": np.array([0, 0, 0, 0, 0, 0, 100, 0, 0.0]),
        "association": np.array([60, 10, 0, 0, 0, 0, 0, 0, 30.0]),
        "partner": np.array([20, 10, 0, 10, 0, 0, 0, 60, 0.0]),
        "independent": np.array([0, 35, 25, 20, 10, 10, 0, 0, 0.0]),
    }
    for name, p in table.items():
        m = cat == name
        out[m] = _choice(rng, _TIE_KINDS, p, int(m.sum()))
    return out


def _attendance(rng, target, kind, acc, no_acc, deal, acc_start, acc_stop, c_cum, role_cum, team_start, team_stop,
                team_person, acc_sponsor, i_cum, by_level, i_act, e_cum, P_I, P_E) -> np.ndarray:
    """Attendance rows ``(interaction, person code)``, exactly ``target`` of them, unique.

    Every interaction has at least one of our people and one other person; the rest of the
    attendees are drawn geometric (mean fitted to ``target``), about a third of them ours.
    Our first attendee is usually from the account team; visits bring an executive (the
    sponsor when there is one); theirs are the account's contacts, weighted by activity
    (deal interactions favour the buying center); events without an account gather
    customers of any account and connectors.
    """
    n = len(kind)
    mean_extra = target / n - 2.0
    p = 1.0 / (1.0 + mean_extra * 1.03)  # a little over: duplicates are trimmed below
    extra = np.minimum(rng.geometric(p, size=n) - 1, 12)
    extra = extra + np.where(kind == "event", 2, 0)
    n_ours_extra = rng.binomial(extra, 0.3)
    n_ours = 1 + n_ours_extra
    n_theirs = 1 + extra - n_ours_extra

    # ours: the first from the team (70%), the rest by activity; visits bring an executive
    first = _weighted(rng, i_cum, n)
    n_team = team_stop[acc] - team_start[acc]
    use_team = ~no_acc & (n_team > 0) & (rng.random(n) < 0.7)
    tpos = team_start[acc] + np.floor(rng.random(n) * np.maximum(n_team, 1)).astype(np.int64)
    first = np.where(use_team, team_person[np.minimum(tpos, len(team_person) - 1)], first)
    execs = np.concatenate([by_level[0], by_level[1]])
    visit_exec = (kind == "visit") & (rng.random(n) < 0.5)
    exec_pick = np.where(acc_sponsor[acc] >= 0, acc_sponsor[acc],
                         execs[_weighted(rng, _cum(i_act[execs]), n)])
    rest_i = np.repeat(np.arange(n), n_ours_extra)
    rest_p = _weighted(rng, i_cum, len(rest_i))
    ours_i = np.concatenate([np.arange(n), np.flatnonzero(visit_exec), rest_i])
    ours_p = np.concatenate([first, exec_pick[visit_exec], rest_p]) + P_I
    first_mark = np.concatenate([np.ones(n, dtype=bool), np.zeros(len(ours_i) - n, dtype=bool)])

    # theirs: contacts of the account (activity; deals favour the buying center)
    th_i = np.repeat(np.arange(n), n_theirs)
    th_first = np.concatenate([[True], th_i[1:] != th_i[:-1]]) if len(th_i) else np.zeros(0, dtype=bool)
    a = acc[th_i]
    by_activity = _in_segment(rng, c_cum, acc_start[a], acc_stop[a])
    by_role = _in_segment(rng, role_cum, acc_start[a], acc_stop[a])
    th_p = np.where(deal[th_i] & (rng.random(len(th_i)) < 0.6), by_role, by_activity)
    ev = no_acc[th_i]  # events: customers of any account, and connectors
    anyone = np.where(rng.random(len(th_i)) < 0.6, _weighted(rng, c_cum, len(th_i)),
                      _weighted(rng, e_cum, len(th_i)) + P_E)
    th_p = np.where(ev, anyone, th_p)

    rows = pd.DataFrame({"i": np.concatenate([ours_i, th_i]), "p": np.concatenate([ours_p, th_p]),
                         "keep": np.concatenate([first_mark, th_first])})
    rows = rows.sort_values(["i", "keep"], ascending=[True, False], kind="stable").drop_duplicates(["i", "p"])
    have = len(rows)
    if have > target:  # trim optional attendees (never the first of a side) at random
        optional = np.flatnonzero(~rows["keep"].to_numpy())
        drop = rng.choice(optional, size=have - target, replace=False)
        mask = np.ones(have, dtype=bool)
        mask[drop] = False
        rows = rows[mask]
    for _ in range(20):  # top up with more contacts of the same accounts when short
        short = target - len(rows)
        if short <= 0:
            break
        i = rng.choice(n, size=short * 2)
        i = i[~no_acc[i]]
        more = pd.DataFrame({"i": i, "p": _in_segment(rng, c_cum, acc_start[acc[i]], acc_stop[acc[i]]), "keep": False})
        merged = pd.concat([rows, more], ignore_index=True).drop_duplicates(["i", "p"])
        rows = merged.iloc[:target]
    out = rows.sort_values(["i", "p"], kind="stable")[["i", "p"]].to_numpy(dtype=np.int64)
    return out


# -- files -----------------------------------------------------------------------------------

def write_portfolio(frames: dict[str, pd.DataFrame], folder: str | Path) -> dict[str, int]:
    """Write ``<entity>.csv`` for every frame into ``folder`` (created); rows per file."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in WRITE_ORDER:
        if name in frames:
            frames[name].to_csv(out / ENTITIES[name].file_name, index=False, lineterminator="\n")
            written[name] = len(frames[name])
    return written


def generate_portfolio(folder: str | Path, scale: str = "S", seed: int = 0, end: str = DEFAULT_END) -> dict[str, int]:
    """:func:`generate` then :func:`write_portfolio`; returns rows per file."""
    return write_portfolio(generate(scale, seed, end), folder)
