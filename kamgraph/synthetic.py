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
from kamgraph.i18n import gettext
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
        raise ConfigError(gettext("unknown scale {name}; choose one of {scales}").format(
            name=repr(name), scales=", ".join(SCALES))) from None


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
        raise ConfigError(gettext("cannot give {groups} groups at least {minimum} of {total}").format(
            groups=len(weights), minimum=minimum, total=total))
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


# -- the generator: one builder per entity ----------------------------------------------------
#
# Like data/sample/make_sample.py, each entity has its builder; they run in a fixed order
# (the order of the draws from the one generator, so the same seed gives the same files).
# A builder draws what its entity needs, returns its frame and hands what later builders
# use on in a small frozen record: _Accounts, _Customers, _Staff, _Organizations,
# _Connectors, _Teams, _BuyingCenter, _Deals, _Interactions.

@dataclass(frozen=True)
class _Span:
    """The history: day numbers 0..days from ``origin``; day ``days`` is ``end``."""

    origin: np.datetime64
    days: int


@dataclass(frozen=True)
class _Accounts:
    """Drawn first: every other count scales with revenue."""

    ids: np.ndarray
    name: np.ndarray
    industry: np.ndarray
    region: np.ndarray
    city: np.ndarray
    country: np.ndarray
    tier: np.ndarray
    problem: np.ndarray
    log_rev: np.ndarray
    revenue: np.ndarray
    margin: np.ndarray
    collection: np.ndarray
    on_time: np.ndarray
    growth: np.ndarray
    influence: np.ndarray
    fit: np.ndarray


@dataclass(frozen=True)
class _Customers:
    """Customer contacts laid out account by account (codes 0..n-1), each account's by level."""

    ids: np.ndarray
    size: np.ndarray  # contacts per account
    start: np.ndarray  # first code of each account
    stop: np.ndarray
    account: np.ndarray  # account of each contact
    level: np.ndarray
    manager: np.ndarray  # code of the manager, -1 for the account's CEO
    activity: np.ndarray
    cum: np.ndarray  # cumulative activity, for weighted draws


@dataclass(frozen=True)
class _Staff:
    """Our people: one 5-level org chart."""

    ids: np.ndarray
    level: np.ndarray
    manager: np.ndarray
    activity: np.ndarray
    cum: np.ndarray
    by_level: list[np.ndarray]  # codes at levels 1..5


@dataclass(frozen=True)
class _Organizations:
    ids: np.ndarray
    kind: np.ndarray
    name: np.ndarray
    popularity: np.ndarray


@dataclass(frozen=True)
class _Connectors:
    """External connectors (officials, association leaders, partners, independents)."""

    ids: np.ndarray
    category: np.ndarray
    title: np.ndarray
    level: np.ndarray
    org: np.ndarray  # organization code they work at, -1 for none
    cum: np.ndarray


@dataclass(frozen=True)
class _Teams:
    """Account teams: (account, our person, team role) rows sorted by account, then person."""

    rows: pd.DataFrame
    start: np.ndarray  # each account's first row
    stop: np.ndarray
    person: np.ndarray
    owner: np.ndarray  # the account's AR (owner_id), or None
    sponsor: np.ndarray  # the executive sponsor's code, -1 for none


@dataclass(frozen=True)
class _People:
    """Person codes across the three sides: customers, then ours, then connectors."""

    ids: np.ndarray
    first_internal: int
    first_external: int


@dataclass(frozen=True)
class _BuyingCenter:
    """Assessed role holders and the weights that make deals and influence favour them."""

    holder: np.ndarray  # customer codes holding a decision role
    role: np.ndarray
    attitude: np.ndarray  # index into _ATTITUDES
    cum: np.ndarray  # cumulative weight: role holders, senior first


@dataclass(frozen=True)
class _Deals:
    ids: np.ndarray
    account: np.ndarray  # sorted
    close: np.ndarray  # close day
    start: np.ndarray  # each account's first deal
    count: np.ndarray  # deals per account


@dataclass(frozen=True)
class _Interactions:
    ids: np.ndarray
    kind: np.ndarray
    account: np.ndarray
    no_account: np.ndarray
    deal: np.ndarray  # deal code, -1 for none


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
        raise ConfigError(gettext("end must be a date like 2026-06-30, got {value}").format(value=repr(end))) from None
    origin = end_day - np.timedelta64(365 * YEARS, "D")
    span = _Span(origin, int((end_day - origin).astype(np.int64)))
    if sc.customers < 5 * sc.accounts:
        raise ConfigError(gettext("a scale needs at least 5 customer contacts per account (one per level)"))

    # the builders, in the order of their draws
    acc = _draw_accounts(rng, sc.accounts)
    cust = _draw_customers(rng, sc.customers, acc)
    staff = _draw_staff(rng, sc.internal)
    orgs = _draw_organizations(rng, sc.organizations)
    conn = _draw_connectors(rng, sc.external, orgs)
    teams = _draw_teams(rng, acc, staff)
    who = _People(np.concatenate([cust.ids, staff.ids, conn.ids]), len(cust.ids), len(cust.ids) + len(staff.ids))
    assessments, center = _build_assessments(rng, cust, acc, teams, span)
    deals, opportunities = _build_opportunities(rng, sc.opportunities, acc, span)
    opportunity_roles = _build_opportunity_roles(rng, deals, cust, center)
    influence = _build_influence(rng, cust, center)
    memberships = _build_memberships(rng, orgs, conn, cust, staff, who, span)
    ties = _build_ties(rng, sc.ties, cust, staff, conn, teams, who, span)
    inter, interactions = _build_interactions(rng, sc.interactions, acc, cust, deals, span)
    attendance = _build_attendance(rng, sc.attendance, inter, cust, center, staff, conn, teams, who)
    accounts = _accounts_frame(acc, teams)
    organizations = _organizations_frame(orgs)
    people, titles = _build_people(rng, acc, cust, staff, conn, who)
    employment = _build_employment(rng, acc, cust, staff, conn, orgs, teams, titles, span)
    reports_to = _reports_to_frame(cust, staff)

    frames = {"accounts": accounts, "organizations": organizations, "people": people,
              "opportunities": opportunities, "interactions": interactions, "employment": employment,
              "assessments": assessments, "reports_to": reports_to, "ties": ties, "influence": influence,
              "memberships": memberships, "attendance": attendance, "opportunity_roles": opportunity_roles}
    return {name: frames[name] for name in WRITE_ORDER}


#: the organization every one of our people works at
OURS_ID = "O-OURS"


def _draw_accounts(rng: np.random.Generator, n_a: int) -> _Accounts:
    """Lognormal revenue, metrics correlated with it, tiers by revenue rank."""
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
    ids = _ids("A", n_a, 5)
    name = (pd.Series(_ACCOUNT_WORDS[rng.integers(0, len(_ACCOUNT_WORDS), n_a)], dtype=object) + " "
            + pd.Series(_ACCOUNT_KINDS[rng.integers(0, len(_ACCOUNT_KINDS), n_a)], dtype=object) + " "
            + pd.Series(np.arange(n_a).astype(str), dtype=object)).to_numpy(dtype=object)
    industry = _INDUSTRIES[rng.integers(0, len(_INDUSTRIES), n_a)]
    return _Accounts(ids, name, industry, region, city, country, tier, problem, log_rev, revenue, margin,
                     collection, on_time, growth, infl, fit)


def _accounts_frame(acc: _Accounts, teams: _Teams) -> pd.DataFrame:
    return _frame("accounts", {
        "id": acc.ids, "name": acc.name, "industry": acc.industry, "region": acc.region, "city": acc.city,
        "country": acc.country, "tier": acc.tier, "problem": np.where(acc.problem, "true", "false").astype(object),
        "owner_id": teams.owner, "revenue": acc.revenue, "gross_margin": acc.margin,
        "collection_rate": acc.collection, "on_time_payment": acc.on_time, "growth": acc.growth,
        "industry_influence": acc.influence, "strategic_fit": acc.fit})


def _draw_customers(rng: np.random.Generator, n_c: int, acc: _Accounts) -> _Customers:
    """Account sizes grow with revenue; a 5-level org chart per account."""
    size = _allocate(n_c, np.exp(0.6 * acc.log_rev) * rng.lognormal(0, 0.3, len(acc.ids)), minimum=5)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    account = np.repeat(np.arange(len(acc.ids)), size)
    rank = np.arange(n_c) - start[account]
    counts = _level_blocks(size, (0.0, 0.05, 0.12, 0.25), (1, 1, 1, 1))
    level, manager = _tree(rng, start, counts, account, rank)
    ids = _ids("C", n_c, 7)
    activity = rng.lognormal(0, 1.0, n_c) * np.array([0, 0.8, 1.2, 1.3, 1.1, 0.7])[level]
    return _Customers(ids, size, start, start + size, account, level, manager, activity, _cum(activity))


def _draw_staff(rng: np.random.Generator, n_i: int) -> _Staff:
    """Our people: a 5-level org chart."""
    counts = _level_blocks(np.array([n_i]), (0.0, 0.03, 0.12, 0.30), (1, 2, 3, 4))
    level, manager = _tree(rng, np.array([0]), counts, np.zeros(n_i, dtype=np.int64), np.arange(n_i))
    activity = rng.lognormal(0, 1.2, n_i)
    return _Staff(_ids("U", n_i, 5), level, manager, activity, _cum(activity),
                  [np.flatnonzero(level == lvl) for lvl in range(1, 6)])


def _draw_organizations(rng: np.random.Generator, n_o: int) -> _Organizations:
    """Associations, alumni classes, regulators, government bodies and partner firms."""
    kind = _choice(rng, _ORG_KINDS, _ORG_SHARES, n_o)
    for k, name in enumerate(_ORG_KINDS):  # every kind exists at least once
        kind[k] = name
    label = pd.Series(kind, dtype=object).map({
        "association": "Industry Association", "alumni": "EMBA Class", "regulator": "Regulatory Commission",
        "government": "Development Bureau", "partner": "Partner Firm"})
    name = (label + " " + pd.Series(np.arange(n_o).astype(str), dtype=object)).to_numpy(dtype=object)
    return _Organizations(_ids("O", n_o, 5), kind, name, rng.lognormal(0, 1.2, n_o))


def _organizations_frame(orgs: _Organizations) -> pd.DataFrame:
    n_o = len(orgs.ids)
    return _frame("organizations", {
        "id": np.concatenate([[OURS_ID], orgs.ids]), "name": np.concatenate([["Our Company"], orgs.name]),
        "kind": np.concatenate([["internal"], orgs.kind]),
        "city": np.concatenate([["Shanghai"], np.full(n_o, None, dtype=object)]),
        "country": np.concatenate([["China"], np.full(n_o, None, dtype=object)])})


def _draw_connectors(rng: np.random.Generator, n_e: int, orgs: _Organizations) -> _Connectors:
    """Connectors by category, each (but independents) working at an organization of its kind."""
    cats = list(_EXTERNAL)
    category = _choice(rng, np.array(cats, dtype=object), np.array([_EXTERNAL[c][0] for c in cats]), n_e)
    title = np.empty(n_e, dtype=object)
    level = np.zeros(n_e, dtype=np.int64)
    org = np.full(n_e, -1, dtype=np.int64)
    for cat in cats:
        m = np.flatnonzero(category == cat)
        opts = _EXTERNAL[cat][2]
        pick = rng.integers(0, len(opts), size=len(m))
        title[m] = np.array([t for t, _ in opts], dtype=object)[pick]
        level[m] = np.array([lvl for _, lvl in opts])[pick]
        kinds = _EXTERNAL[cat][1]
        if kinds:
            pool = np.flatnonzero(np.isin(orgs.kind, kinds))
            org[m] = pool[_weighted(rng, _cum(orgs.popularity[pool]), len(m))]
    activity = rng.lognormal(0, 1.3, n_e)
    return _Connectors(_ids("X", n_e, 6), category, title, level, org, _cum(activity))


def _draw_teams(rng: np.random.Generator, acc: _Accounts, staff: _Staff) -> _Teams:
    """The iron triangle (AR, SR, FR: sometimes missing on smaller accounts), an executive
    sponsor on diamond (and some gold) accounts, and a few other members on top accounts."""
    n_a, tier, by_level, i_act = len(acc.ids), acc.tier, staff.by_level, staff.activity
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
    t_person.append(_weighted(rng, staff.cum, int(n_extra.sum())))
    t_role.append(np.full(int(n_extra.sum()), "other", dtype=object))
    team = pd.DataFrame({"acc": np.concatenate(t_acc), "person": np.concatenate(t_person),
                         "role": np.concatenate(t_role)})
    team = team.drop_duplicates(["acc", "person"]).sort_values(["acc", "person"], kind="stable")
    start = np.searchsorted(team["acc"].to_numpy(), np.arange(n_a), side="left")
    stop = np.searchsorted(team["acc"].to_numpy(), np.arange(n_a), side="right")
    ar = team[team["role"] == "ar"].drop_duplicates("acc").set_index("acc")["person"]
    sponsor_of = team[team["role"] == "executive_sponsor"].drop_duplicates("acc").set_index("acc")["person"]
    owner = np.full(n_a, None, dtype=object)
    owner[ar.index.to_numpy()] = staff.ids[ar.to_numpy()]
    sponsor = np.full(n_a, -1, dtype=np.int64)
    sponsor[sponsor_of.index.to_numpy()] = sponsor_of.to_numpy()
    return _Teams(team, start, stop, team["person"].to_numpy(), owner, sponsor)


def _build_assessments(rng: np.random.Generator, cust: _Customers, acc: _Accounts, teams: _Teams,
                       span: _Span) -> tuple[pd.DataFrame, _BuyingCenter]:
    """Decision roles concentrated at levels 1-3, with attitudes and influence, assessed by
    the account owner; about a third change later (a supporter turned skeptic...)."""
    n_c = len(cust.ids)
    holder = np.flatnonzero(rng.random(n_c) < _ROLE_RATE[cust.level])
    h_level = cust.level[holder]
    u = rng.random(len(holder))
    cdf = np.cumsum(_ROLE_P, axis=1)
    h_role = _ROLES[np.minimum((u[:, None] > cdf[h_level - 1]).sum(axis=1), len(_ROLES) - 1)]
    h_att = rng.choice(len(_ATTITUDES), size=len(holder), p=_ATTITUDE_P)
    h_infl = np.clip(6 - h_level + rng.integers(-1, 2, size=len(holder)), 1, 5)
    first_day = rng.integers(0, int(span.days * 0.6), size=len(holder))
    changes = rng.random(len(holder)) < 0.35
    later = first_day[changes] + 30 + rng.integers(0, max(1, span.days - int(span.days * 0.6) - 30),
                                                   size=int(changes.sum()))
    step = np.where(rng.random(int(changes.sum())) < 0.5, -1, 1)
    new_att = np.clip(h_att[changes] + step, 0, len(_ATTITUDES) - 1)
    new_infl = np.where(rng.random(len(new_att)) < 0.3, np.clip(h_infl[changes] + step * -1, 1, 5), h_infl[changes])
    h_acc = cust.account[holder]
    a_person = np.concatenate([holder, holder[changes]])
    a_acc = np.concatenate([h_acc, h_acc[changes]])
    a_day = np.concatenate([first_day, np.minimum(later, span.days)])
    frame = _frame("assessments", {
        "person_id": cust.ids[a_person], "account_id": acc.ids[a_acc], "assessed_on": _dates(a_day, span.origin),
        "decision_role": np.concatenate([h_role, h_role[changes]]),
        "attitude": _ATTITUDES[np.concatenate([h_att, new_att])],
        "influence": np.concatenate([h_infl, new_infl]).astype(np.int64),
        "assessed_by": teams.owner[a_acc],
        "source": np.where(rng.random(len(a_person)) < 0.6, "account plan", "QBR").astype(object),
    })
    role_w = np.zeros(n_c)
    role_w[holder] = 1.0 + (h_level <= 2)  # deal players: the buying center, senior first
    return frame, _BuyingCenter(holder, h_role, h_att, _cum(role_w + 1e-3 * cust.activity))


def _build_opportunities(rng: np.random.Generator, n_op: int, acc: _Accounts,
                         span: _Span) -> tuple[_Deals, pd.DataFrame]:
    """Deals on the larger accounts, with close dates; open ones close after ``end``."""
    n_a = len(acc.ids)
    op_acc = np.sort(_weighted(rng, _cum(np.exp(0.7 * acc.log_rev)), n_op))
    op_close = rng.integers(60, span.days + 180, size=n_op)
    op_open = op_close > span.days
    op_won = ~op_open & (rng.random(n_op) < 0.55)
    op_status = np.select([op_open, op_won], ["open", "won"], "lost").astype(object)
    op_stage = np.where(op_open, np.array(["qualification", "proposal", "negotiation"], dtype=object)[
        rng.integers(0, 3, size=n_op)], np.where(op_won, "closed won", "closed lost")).astype(object)
    op_ids = _ids("D", n_op, 6)
    op_year = (span.origin + op_close).astype("datetime64[Y]").astype(str)
    op_name = (pd.Series(_PRODUCTS[rng.integers(0, len(_PRODUCTS), n_op)], dtype=object) + " "
               + pd.Series(op_year, dtype=object)).to_numpy(dtype=object)
    op_amount = np.round(acc.revenue[op_acc] * rng.lognormal(-1.5, 0.7, n_op), -3)
    op_start = np.searchsorted(op_acc, np.arange(n_a), side="left")
    op_count = np.searchsorted(op_acc, np.arange(n_a), side="right") - op_start
    frame = _frame("opportunities", {
        "id": op_ids, "account_id": acc.ids[op_acc], "name": op_name, "stage": op_stage, "status": op_status,
        "amount": op_amount, "close_date": _dates(op_close, span.origin)})
    return _Deals(op_ids, op_acc, op_close, op_start, op_count), frame


def _build_opportunity_roles(rng: np.random.Generator, deals: _Deals, cust: _Customers,
                             center: _BuyingCenter) -> pd.DataFrame:
    """The players: 2-5 contacts of the account per deal, buying center first."""
    n_op = len(deals.ids)
    k = rng.integers(2, 6, size=n_op)
    r_op = np.repeat(np.arange(n_op), k)
    r_person = _in_segment(rng, center.cum, cust.start[deals.account[r_op]], cust.stop[deals.account[r_op]])
    roles_of = pd.Series(center.role, index=center.holder)
    r = pd.DataFrame({"op": r_op, "person": r_person}).drop_duplicates()
    r_role = roles_of.reindex(r["person"].to_numpy()).to_numpy(dtype=object)
    r_role = np.where(pd.isna(r_role), "influencer", r_role).astype(object)
    att_of = (pd.Series(center.attitude, index=center.holder).reindex(r["person"].to_numpy()).fillna(2)
              .to_numpy().astype(np.int64))
    return _frame("opportunity_roles", {
        "person_id": cust.ids[r["person"].to_numpy()], "opportunity_id": deals.ids[r["op"].to_numpy()],
        "role": r_role, "attitude": _ATTITUDES[att_of],
        "influence": np.clip(6 - cust.level[r["person"].to_numpy()], 1, 5).astype(np.int64),
    })


def _build_influence(rng: np.random.Generator, cust: _Customers, center: _BuyingCenter) -> pd.DataFrame:
    """Influence links inside accounts: someone's opinion weighs on a senior role holder."""
    n_inf = max(1, len(cust.ids) // 5)
    f_src = _weighted(rng, cust.cum, n_inf)
    f_acc = cust.account[f_src]
    f_tgt = _in_segment(rng, center.cum, cust.start[f_acc], cust.stop[f_acc])
    f = pd.DataFrame({"s": f_src, "t": f_tgt})
    f = f[f["s"] != f["t"]].drop_duplicates()
    return _frame("influence", {"source_id": cust.ids[f["s"].to_numpy()], "target_id": cust.ids[f["t"].to_numpy()],
                                "weight": rng.integers(1, 6, size=len(f)).astype(np.int64)})


def _build_memberships(rng: np.random.Generator, orgs: _Organizations, conn: _Connectors, cust: _Customers,
                       staff: _Staff, who: _People, span: _Span) -> pd.DataFrame:
    """Executives of many accounts and of ours in shared bodies (associations, alumni
    classes); connectors belong to the body they work at."""
    shared = np.flatnonzero(np.isin(orgs.kind, ["association", "alumni"]))
    s_cum = _cum(orgs.popularity[shared])
    join_c = np.flatnonzero(rng.random(len(cust.ids)) < np.array([0, 0.8, 0.6, 0.3, 0.05, 0.0])[cust.level])
    join_i = (np.flatnonzero(rng.random(len(staff.ids)) < np.array([0, 0.95, 0.9, 0.6, 0.15, 0.05])[staff.level])
              + who.first_internal)
    join_e = np.flatnonzero(rng.random(len(conn.ids)) < 0.5) + who.first_external
    joiners = np.concatenate([join_c, join_i, join_e])
    n_join = rng.integers(1, 4, size=len(joiners))
    m_person = np.repeat(joiners, n_join)
    m_org = shared[_weighted(rng, s_cum, len(m_person))]
    leaders = np.flatnonzero(conn.org >= 0)
    m_person = np.concatenate([m_person, leaders + who.first_external])
    m_org = np.concatenate([m_org, conn.org[leaders]])
    m = pd.DataFrame({"p": m_person, "o": m_org}).drop_duplicates().sort_values(["p", "o"], kind="stable")
    m_role = np.where(rng.random(len(m)) < 0.08, "board member", "member").astype(object)
    return _frame("memberships", {
        "person_id": who.ids[m["p"].to_numpy()], "org_id": orgs.ids[m["o"].to_numpy()], "role": m_role,
        "since": _dates(-rng.integers(0, 3650, size=len(m)), span.origin)})


def _build_ties(rng: np.random.Generator, n_t: int, cust: _Customers, staff: _Staff, conn: _Connectors,
                teams: _Teams, who: _People, span: _Span) -> pd.DataFrame:
    """Exactly ``n_t`` distinct ties, heavy-tailed, mostly around account teams and inside accounts."""
    t = _draw_ties(rng, int(n_t * 1.15) + 10, cust, staff, conn, teams, who).drop_duplicates(["lo", "hi"])
    for _ in range(20):  # heavy tails repeat pairs: draw until there are enough distinct ones
        if len(t) >= n_t:
            break
        t = pd.concat([t, _draw_ties(rng, int((n_t - len(t)) * 1.3) + 10, cust, staff, conn, teams, who)],
                      ignore_index=True).drop_duplicates(["lo", "hi"])
    if len(t) < n_t:
        raise ConfigError(gettext("only {drawn} distinct ties could be drawn for {wanted}; the scale is too dense").format(
            drawn=len(t), wanted=n_t))
    t = t.iloc[np.sort(rng.choice(len(t), size=n_t, replace=False))].sort_values(["lo", "hi"], kind="stable")
    kind = t["kind"].to_numpy(dtype=object)
    close = np.isin(kind, ["friend", "relative", "comrade", "classmate"])
    strength = np.clip(rng.integers(1, 5, size=n_t) + close, 1, 5)
    no_assess = rng.random(n_t) < 0.2
    assessed = rng.integers(0, span.days + 1, size=n_t)
    notes = np.full(n_t, None, dtype=object)
    cls = np.flatnonzero((kind == "classmate") & (rng.random(n_t) < 0.6))
    notes[cls] = (pd.Series(["EMBA "] * len(cls), dtype=object)
                  + pd.Series(rng.integers(2005, 2024, size=len(cls)).astype(str), dtype=object)).to_numpy(dtype=object)
    return _frame("ties", {
        "person_id": who.ids[t["lo"].to_numpy()], "other_id": who.ids[t["hi"].to_numpy()], "kind": kind,
        "strength": _int_col(strength), "assessed_on": np.where(no_assess, None, _dates(assessed, span.origin)),
        "since": np.where(rng.random(n_t) < 0.5, None,
                          _dates(assessed - rng.integers(0, 3650, size=n_t), span.origin)),
        "notes": notes,
    })


def _build_interactions(rng: np.random.Generator, n_x: int, acc: _Accounts, cust: _Customers, deals: _Deals,
                        span: _Span) -> tuple[_Interactions, pd.DataFrame]:
    """Bursts before deals close, background spread over the years (denser recently); a
    few industry events with no account. Ids follow the dates."""
    no_acc = rng.random(n_x) < 0.03  # industry events with no account
    x_acc = _weighted(rng, _cum(np.sqrt(acc.revenue) * np.sqrt(cust.size)), n_x)
    has_op = deals.count[x_acc] > 0
    deal = ~no_acc & has_op & (rng.random(n_x) < 0.45)
    x_op = np.full(n_x, -1, dtype=np.int64)
    x_op[deal] = deals.start[x_acc[deal]] + np.floor(rng.random(int(deal.sum())) * deals.count[x_acc[deal]]).astype(np.int64)
    background = np.floor(span.days * np.sqrt(rng.random(n_x))).astype(np.int64)  # denser in recent years
    before = np.floor(rng.exponential(40.0, n_x)).astype(np.int64)
    day = np.where(deal, deals.close[np.maximum(x_op, 0)] - before, background)
    day = np.where(deal & (day > span.days), span.days - (before % 60), day)
    day = np.clip(day, 0, span.days)
    x_kind = np.where(deal, _choice(rng, _KINDS, _KIND_P_DEAL, n_x), _choice(rng, _KINDS, _KIND_P_BACKGROUND, n_x))
    x_kind = np.where(no_acc, "event", x_kind).astype(object)
    order = np.lexsort((np.arange(n_x), day))  # ids in date order
    day, x_kind, x_acc, x_op, no_acc = day[order], x_kind[order], x_acc[order], x_op[order], no_acc[order]
    x_ids = _ids("I", n_x, 7)
    frame = _frame("interactions", {
        "id": x_ids, "date": _dates(day, span.origin), "kind": x_kind,
        "account_id": np.where(no_acc, None, acc.ids[x_acc]).astype(object),
        "opportunity_id": np.where(x_op >= 0, deals.ids[np.maximum(x_op, 0)], None).astype(object),
        "subject": pd.Series(x_kind, dtype=object).map(_SUBJECTS).where(x_op < 0, "Deal review").to_numpy(dtype=object),
    })
    return _Interactions(x_ids, x_kind, x_acc, no_acc, x_op), frame


def _build_people(rng: np.random.Generator, acc: _Accounts, cust: _Customers, staff: _Staff, conn: _Connectors,
                  who: _People) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Everyone, with titles by level (returned too: employment repeats them), names,
    e-mail addresses at the account's domain or ours, and where they are."""
    n_i, n_e = len(staff.ids), len(conn.ids)
    titles = {"customers": _titles(rng, cust.level, _CUSTOMER_TITLES),
              "staff": _titles(rng, staff.level, _INTERNAL_TITLES)}
    domain = pd.Series(np.char.lower(acc.ids[cust.account].astype(str)), dtype=object)
    email = np.concatenate([
        (pd.Series(np.char.lower(cust.ids.astype(str)), dtype=object) + "@" + domain + ".example").to_numpy(dtype=object),
        (pd.Series(np.char.lower(staff.ids.astype(str)), dtype=object) + "@ours.example").to_numpy(dtype=object),
        np.full(n_e, None, dtype=object)])
    people = _frame("people", {
        "id": who.ids, "name": _names(rng, len(who.ids)),
        "side": np.repeat(np.array(["customer", "internal", "external"], dtype=object), [len(cust.ids), n_i, n_e]),
        "title": np.concatenate([titles["customers"], titles["staff"], conn.title]),
        "level": np.concatenate([cust.level, staff.level, conn.level]).astype(np.int64), "email": email,
        "city": np.concatenate([acc.city[cust.account], np.full(n_i, "Shanghai", dtype=object),
                                np.full(n_e, None, dtype=object)]),
        "country": np.concatenate([acc.country[cust.account], np.full(n_i, "China", dtype=object),
                                   np.full(n_e, None, dtype=object)])})
    return people, titles


def _build_employment(rng: np.random.Generator, acc: _Accounts, cust: _Customers, staff: _Staff,
                      conn: _Connectors, orgs: _Organizations, teams: _Teams, titles: dict[str, np.ndarray],
                      span: _Span) -> pd.DataFrame:
    """Customers at their account, our people at ours and in account teams (with the team
    role), connectors at their organization."""
    n_c, n_i = len(cust.ids), len(staff.ids)
    emp_ext = np.flatnonzero(conn.org >= 0)
    team_sorted = teams.rows.sort_values(["person", "acc"], kind="stable")
    employment = pd.concat([
        _frame("employment", {"person_id": cust.ids, "org_id": acc.ids[cust.account], "title": titles["customers"],
                              "since": _dates(-rng.integers(0, 3650, size=n_c), span.origin)}),
        _frame("employment", {"person_id": staff.ids, "org_id": np.full(n_i, OURS_ID, dtype=object),
                              "title": titles["staff"],
                              "since": _dates(-rng.integers(0, 5000, size=n_i), span.origin)}),
        _frame("employment", {"person_id": staff.ids[team_sorted["person"].to_numpy()],
                              "org_id": acc.ids[team_sorted["acc"].to_numpy()],
                              "team_role": team_sorted["role"].to_numpy(dtype=object),
                              "since": _dates(rng.integers(-720, span.days // 2, size=len(team_sorted)), span.origin)}),
        _frame("employment", {"person_id": conn.ids[emp_ext], "org_id": orgs.ids[conn.org[emp_ext]],
                              "title": conn.title[emp_ext],
                              "since": _dates(-rng.integers(0, 3650, size=len(emp_ext)), span.origin)}),
    ], ignore_index=True)
    return employment[ENTITIES["employment"].column_names[:4] + ["since"]]


def _reports_to_frame(cust: _Customers, staff: _Staff) -> pd.DataFrame:
    """The org charts' reporting lines: each account's, and ours."""
    has_mgr = np.flatnonzero(cust.manager >= 0)
    has_imgr = np.flatnonzero(staff.manager >= 0)
    return _frame("reports_to", {
        "person_id": np.concatenate([cust.ids[has_mgr], staff.ids[has_imgr]]),
        "manager_id": np.concatenate([cust.ids[cust.manager[has_mgr]], staff.ids[staff.manager[has_imgr]]])})


def _draw_ties(rng: np.random.Generator, k: int, cust: _Customers, staff: _Staff, conn: _Connectors,
               teams: _Teams, who: _People) -> pd.DataFrame:
    """``k`` candidate ties (person codes ``lo < hi`` and a kind), not yet distinct.

    Shares: our people - customers 30% (the account team first, the sponsor for
    executives), colleagues inside an account 35%, connectors - customers 18%, connectors -
    our people 9%, among our people 3%, across accounts (former colleagues, classmates) 5%.
    """
    P_I, P_E = who.first_internal, who.first_external
    want = np.round(np.array([0.30, 0.35, 0.18, 0.09, 0.03, 0.05]) * k).astype(np.int64)
    parts = []
    c = _weighted(rng, cust.cum, want[0])
    acc = cust.account[c]
    n_team = teams.stop[acc] - teams.start[acc]
    from_team = (rng.random(want[0]) < 0.65) & (n_team > 0)
    ours = _weighted(rng, staff.cum, want[0])
    tpos = teams.start[acc] + np.floor(rng.random(want[0]) * np.maximum(n_team, 1)).astype(np.int64)
    ours = np.where(from_team, teams.person[np.minimum(tpos, len(teams.person) - 1)], ours)
    exec_tie = (cust.level[c] <= 2) & (teams.sponsor[acc] >= 0) & (rng.random(want[0]) < 0.5)
    ours = np.where(exec_tie, teams.sponsor[acc], ours)
    parts.append((c, ours + P_I, _choice(rng, _TIE_KINDS, np.array([60, 15, 7, 8, 0, 0, 0, 0, 10.0]), want[0])))
    x = _weighted(rng, cust.cum, want[1])
    y = _in_segment(rng, cust.cum, cust.start[cust.account[x]], cust.stop[cust.account[x]])
    parts.append((x, y, _choice(rng, _TIE_KINDS, np.array([85, 10, 0, 5, 0, 0, 0, 0, 0.0]), want[1])))
    e = _weighted(rng, conn.cum, want[2])
    senior = _cum(cust.activity * np.array([0, 4, 3, 2, 1, 0.3])[cust.level])  # senior customers know more connectors
    parts.append((_weighted(rng, senior, want[2]), e + P_E, _external_kinds(rng, conn.category[e])))
    e = _weighted(rng, conn.cum, want[3])
    o = _weighted(rng, _cum(staff.activity * np.array([0, 4, 3, 2, 1, 0.5])[staff.level]), want[3])
    parts.append((o + P_I, e + P_E, _external_kinds(rng, conn.category[e])))
    parts.append((_weighted(rng, staff.cum, want[4]) + P_I, _weighted(rng, staff.cum, want[4]) + P_I,
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


def _build_attendance(rng: np.random.Generator, target: int, inter: _Interactions, cust: _Customers,
                      center: _BuyingCenter, staff: _Staff, conn: _Connectors, teams: _Teams,
                      who: _People) -> pd.DataFrame:
    """Attendance rows, exactly ``target`` of them, unique.

    Every interaction has at least one of our people and one other person; the rest of the
    attendees are drawn geometric (mean fitted to ``target``), about a third of them ours.
    Our first attendee is usually from the account team; visits bring an executive (the
    sponsor when there is one); theirs are the account's contacts, weighted by activity
    (deal interactions favour the buying center); events without an account gather
    customers of any account and connectors.
    """
    kind, acc, no_acc, deal = inter.kind, inter.account, inter.no_account, inter.deal >= 0
    P_I, P_E = who.first_internal, who.first_external
    n = len(kind)
    mean_extra = target / n - 2.0
    p = 1.0 / (1.0 + mean_extra * 1.03)  # a little over: duplicates are trimmed below
    extra = np.minimum(rng.geometric(p, size=n) - 1, 12)
    extra = extra + np.where(kind == "event", 2, 0)
    n_ours_extra = rng.binomial(extra, 0.3)
    n_ours = 1 + n_ours_extra
    n_theirs = 1 + extra - n_ours_extra

    # ours: the first from the team (70%), the rest by activity; visits bring an executive
    first = _weighted(rng, staff.cum, n)
    n_team = teams.stop[acc] - teams.start[acc]
    use_team = ~no_acc & (n_team > 0) & (rng.random(n) < 0.7)
    tpos = teams.start[acc] + np.floor(rng.random(n) * np.maximum(n_team, 1)).astype(np.int64)
    first = np.where(use_team, teams.person[np.minimum(tpos, len(teams.person) - 1)], first)
    execs = np.concatenate([staff.by_level[0], staff.by_level[1]])
    visit_exec = (kind == "visit") & (rng.random(n) < 0.5)
    exec_pick = np.where(teams.sponsor[acc] >= 0, teams.sponsor[acc],
                         execs[_weighted(rng, _cum(staff.activity[execs]), n)])
    rest_i = np.repeat(np.arange(n), n_ours_extra)
    rest_p = _weighted(rng, staff.cum, len(rest_i))
    ours_i = np.concatenate([np.arange(n), np.flatnonzero(visit_exec), rest_i])
    ours_p = np.concatenate([first, exec_pick[visit_exec], rest_p]) + P_I
    first_mark = np.concatenate([np.ones(n, dtype=bool), np.zeros(len(ours_i) - n, dtype=bool)])

    # theirs: contacts of the account (activity; deals favour the buying center)
    th_i = np.repeat(np.arange(n), n_theirs)
    th_first = np.concatenate([[True], th_i[1:] != th_i[:-1]]) if len(th_i) else np.zeros(0, dtype=bool)
    a = acc[th_i]
    by_activity = _in_segment(rng, cust.cum, cust.start[a], cust.stop[a])
    by_role = _in_segment(rng, center.cum, cust.start[a], cust.stop[a])
    th_p = np.where(deal[th_i] & (rng.random(len(th_i)) < 0.6), by_role, by_activity)
    ev = no_acc[th_i]  # events: customers of any account, and connectors
    anyone = np.where(rng.random(len(th_i)) < 0.6, _weighted(rng, cust.cum, len(th_i)),
                      _weighted(rng, conn.cum, len(th_i)) + P_E)
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
        more = pd.DataFrame({"i": i, "p": _in_segment(rng, cust.cum, cust.start[acc[i]], cust.stop[acc[i]]),
                             "keep": False})
        merged = pd.concat([rows, more], ignore_index=True).drop_duplicates(["i", "p"])
        rows = merged.iloc[:target]
    pairs = rows.sort_values(["i", "p"], kind="stable")[["i", "p"]].to_numpy(dtype=np.int64)
    return _frame("attendance", {"interaction_id": inter.ids[pairs[:, 0]], "person_id": who.ids[pairs[:, 1]]})


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
