"""The coverage report's tables for people: column headers in words, names beside ids,
number formats, and what every column means (the workbook's README sheet, the CSV zip's
README.txt).

The report keeps its tables as the analyses return them (``snake_case`` columns, ids,
fractions: stable for pipes and tests); :func:`readable` turns one of them into what a
person reads:

- a header in words (``coverage_score`` -> ``Coverage score``);
- people as ``Name (id)`` (``S-03`` -> ``Gu Weiming 顾伟明 (S-03)``), the separate name
  column dropped;
- codes in words (``decision_maker`` -> ``decision maker``);
- an Excel number format per column: shares and coverage as %, strengths with two
  decimals, counts as integers, dates as dates, revenue with thousands separators and the
  account's currency (:mod:`kamgraph.analysis.money`), one format per row.

Columns a table has that the catalogue does not know are kept, with the underscores of
their name turned into spaces, so nothing is ever lost on the way to a person.

>>> import pandas as pd
>>> t = readable("team", pd.DataFrame({"internal_id": ["S-03"], "name": ["Gu Weiming"], "load_share": [0.25]}),
...              pd.Series({"S-03": "Gu Weiming"}))
>>> list(t.frame.columns), t.frame.iloc[0, 0], t.formats["Share of strong ties"]
(['Person', 'Share of strong ties'], 'Gu Weiming (S-03)', '0.0%')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, NamedTuple

import numpy as np
import pandas as pd

from kamgraph.analysis.money import money_format

__all__ = ["Col", "CATALOGUE", "Readable", "readable", "header_of", "meaning_of", "FORMATS", "KPI_WORDS"]

#: Excel number format of each kind of column (``money`` is per row: see :func:`money_format`)
FORMATS: Mapping[str, str] = {
    "pct": "0.0%", "int": "0", "num2": "0.00", "date": "yyyy-mm-dd", "month": "yyyy-mm",
    "signed_pct": "+0%;-0%;0%", "signed2": "+0.00;-0.00;0.00", "money_total": "#,##0",
}


class Col(NamedTuple):
    """One column of a report table: its name in the table, its header, its kind, its meaning.

    Kinds: ``text``, ``wrap`` (long text), ``label`` (a code: underscores become spaces),
    ``person`` (an id shown as ``Name (id)``), ``bool``, ``int``, ``num2``, ``pct``,
    ``signed_pct``, ``signed2``, ``date``, ``month``, ``money`` (in the row's currency),
    ``money_total`` (a sum over accounts), ``roles`` (``A-01:ar, A-03:sr`` in words),
    ``drop`` (left out: another column shows it).
    """

    name: str
    header: str
    kind: str
    meaning: str


_ROLE_COVERAGE = {
    f"role_{r}": Col(f"role_{r}", f"{r.replace('_', ' ').capitalize()} coverage", "pct",
                     f"how well our best tie covers the account's {r.replace('_', ' ')}s: 100% = a tie at "
                     "or above the coverage threshold; empty = nobody in that role")
    for r in ("decision_maker", "approver", "technical_evaluator", "user", "influencer", "procurement", "coach")
}

#: the columns of every table of the report, in the order a person reads them
CATALOGUE: Mapping[str, tuple[Col, ...]] = {
    "summary": (
        Col("kpi", "Figure", "text", "what is counted"),
        Col("value", "Value", "kpi", "the figure, computed on the report's accounts only"),
        Col("detail", "How it is counted", "text", "the rule behind the figure"),
    ),
    "tiers": (
        Col("tier", "Tier", "label", "value tier (portfolio-relative: see the scope note)"),
        Col("accounts", "Accounts", "int", "accounts of this tier in the report"),
        Col("revenue", "Revenue", "money_total", "their revenue added up, as recorded"),
        Col("revenue_share", "Share of revenue", "pct", "their share of the report's revenue"),
        Col("problem_accounts", "Problem accounts", "int", "accounts flagged problem (bad payment, negative margin...)"),
        Col("mean_coverage_score", "Mean coverage score", "pct", "mean account coverage score"),
        Col("decision_makers", "Decision-makers", "int", "current contacts whose role is decision-maker"),
        Col("decision_makers_covered", "Decision-makers covered", "int",
            "decision-makers with a tie at or above the coverage threshold"),
        Col("gaps", "Gaps", "int", "open gaps"),
        Col("policy_executive_level", "Policy: executive level", "int",
            "the tier policy: our executives are this level or above (1 = CEO)"),
        Col("policy_min_exec_tie", "Policy: minimum executive tie", "num2",
            "the tier policy: the strength an executive's tie must reach"),
        Col("policy_exec_tie_roles", "Policy: roles an executive must reach", "label", "the tier policy"),
        Col("policy_exec_tie_contact_max_level", "Policy: their level at most", "int", "the tier policy"),
        Col("policy_min_exec_visits_per_quarter", "Policy: executive visits a quarter", "int", "the tier policy"),
        Col("policy_iron_triangle", "Policy: team roles required", "label", "the tier policy (AR, SR, FR)"),
        Col("policy_executive_sponsor", "Policy: executive sponsor required", "bool", "the tier policy"),
        Col("policy_tier_weight", "Tier weight", "num2", "weight of the tier in visit priorities"),
    ),
    "pareto": (
        Col("rank", "Rank", "int", "rank by revenue, highest first"),
        Col("name", "Account", "text", "account name"),
        Col("account_id", "Account id", "text", "account id"),
        Col("revenue", "Revenue", "money", "yearly revenue in the account's currency"),
        Col("currency", "Currency", "text",
            "currency of the revenue (the account's own, else the portfolio's reporting currency, else its country's)"),
        Col("cum_account_share", "Cumulative share of accounts", "pct", "share of the report's accounts up to this rank"),
        Col("cum_revenue_share", "Cumulative share of revenue", "pct", "share of the report's revenue up to this rank"),
        Col("in_top", "In the top group", "bool", "among the top share of accounts by revenue (the Pareto group)"),
    ),
    "accounts": (
        Col("account_name", "Account", "text", "account name"),
        Col("account_id", "Account id", "text", "account id"),
        Col("tier", "Tier", "label", "effective tier: declared, else computed (portfolio-relative)"),
        Col("computed_tier", "Computed tier", "label", "tier from the value score (portfolio-relative)"),
        Col("declared_tier", "Declared tier", "label", "tier given in the data"),
        Col("value_score", "Value score", "num2", "weighted percentile of revenue, margin, payment, growth... "
            "among every account of the portfolio (0..1)"),
        Col("problem", "Problem", "bool", "problem account (declared, or margin or collection below the limit)"),
        Col("region", "Region", "text", "sales region"),
        Col("city", "City", "text", "city"),
        Col("country", "Country", "text", "country (ISO code)"),
        Col("owner_id", "Owner", "person", "our person who owns the account"),
        Col("revenue", "Revenue", "money", "yearly revenue in the account's currency"),
        Col("currency", "Currency", "text",
            "currency of the revenue (the account's own, else the portfolio's reporting currency, else its country's)"),
        Col("contacts", "Contacts", "int", "current customer contacts"),
        Col("covered", "Contacts covered", "int", "contacts with a tie at or above the coverage threshold"),
        Col("peer_covered", "Contacts peer-covered", "int", "covered by someone of a matching level"),
        Col("never_interacted", "Contacts never met", "int", "contacts nobody on our side has met"),
        Col("buying_center", "Buying center", "int", "contacts with a decision role"),
        Col("buying_center_covered", "Buying center covered", "int", "of them, covered"),
        Col("coverage_score", "Coverage score", "pct",
            "role-weighted coverage of the buying center (decision-makers weigh most)"),
        *_ROLE_COVERAGE.values(),
        Col("threads", "Threads", "int", "our people with a tie of at least the thread strength to someone here"),
        Col("executive_sponsor", "Executive sponsor", "person", "our executive sponsor of the account"),
        Col("ar", "Account responsible (AR)", "person", "iron triangle: account responsible"),
        Col("sr", "Solution responsible (SR)", "person", "iron triangle: solution responsible"),
        Col("fr", "Fulfilment responsible (FR)", "person", "iron triangle: fulfilment responsible"),
        Col("iron_triangle_complete", "Iron triangle complete", "bool", "AR, SR and FR all assigned"),
        Col("missing_team_roles", "Missing team roles", "label", "iron-triangle roles nobody holds"),
        Col("gaps", "Gaps", "int", "open gaps"),
        Col("top_gap_priority", "Top gap priority", "num2", "priority of the most urgent gap (0..1)"),
    ),
    "buying_centers": (
        Col("account_name", "Account", "text", "account name"),
        Col("account_id", "Account id", "text", "account id"),
        Col("contact_id", "Contact", "person", "the customer contact"),
        Col("name", "Name", "drop", ""),
        Col("title", "Title", "text", "their job title"),
        Col("level", "Level", "int", "seniority, 1 = board/CEO ... 5 = staff"),
        Col("decision_role", "Decision role", "label", "their role in the buying center"),
        Col("attitude", "Attitude", "label", "their attitude toward us (champion ... opponent)"),
        Col("influence", "Influence", "int", "influence in the buying center, 1..5"),
        Col("best_strength", "Best strength", "num2",
            "strength of our strongest relationship with them (0..1); empty = nobody has met them"),
        Col("best_internal_id", "Best tie held by", "person", "our person holding that relationship"),
        Col("best_internal_name", "", "drop", ""),
        Col("best_internal_level", "Their level", "int", "level of our person holding the best tie"),
        Col("covered", "Covered", "bool", "best strength at or above the coverage threshold"),
        Col("peer_covered", "Peer-covered", "bool", "covered by someone at most one level below them"),
        Col("threads", "Threads", "int", "our people with a tie of at least the thread strength"),
        Col("never_interacted", "Never met", "bool", "nobody on our side has ever met them"),
        Col("last_interaction", "Last interaction", "date", "last time one of us met them"),
        Col("trend", "Trend", "label", "trend of the best relationship (warming, stable, cooling, dormant, new)"),
        Col("trend_slope", "Change a month", "signed_pct", "how fast that relationship changes a month"),
    ),
    "gaps": (
        Col("account_name", "Account", "text", "account name"),
        Col("account_id", "Account id", "text", "account id"),
        Col("tier", "Tier", "label", "the account's tier"),
        Col("kind", "Gap", "label", "what is missing"),
        Col("priority", "Priority", "num2", "severity weighted by the account's tier (0..1)"),
        Col("severity", "Severity", "num2", "how bad the gap is (0..1)"),
        Col("target_id", "Who", "person", "the contact (or our person) the gap is about"),
        Col("target_name", "", "drop", ""),
        Col("action", "Suggested action", "wrap", "what to do, by whom, and through whom"),
        Col("evidence", "Evidence", "wrap", "the facts behind the gap"),
        Col("actor_id", "Who acts", "person", "our person the suggested action names"),
        Col("actor_name", "", "drop", ""),
        Col("path", "Access path", "wrap", "the introduction the action relies on, when there is one"),
        Col("rule", "Rule", "label", "the rule that found the gap"),
    ),
    "access_paths": (
        Col("account_name", "Account", "text", "account name"),
        Col("account_id", "Account id", "text", "account id"),
        Col("target_id", "Contact", "person", "the buying-center contact nobody covers yet"),
        Col("target_name", "", "drop", ""),
        Col("decision_role", "Decision role", "label", "their role"),
        Col("best_strength", "Best strength now", "num2", "our best tie to them today (empty: never met)"),
        Col("rank", "Rank", "int", "rank of this path among theirs"),
        Col("score", "Score", "num2", "strength of the path: tie to the intermediary x their tie x kind factor"),
        Col("explanation", "Path", "wrap", "the path in words"),
        Col("kind", "Path kind", "label", "direct, through a person, or through an organization"),
        Col("internal_id", "Our person", "person", "who on our side starts the path"),
        Col("internal_name", "", "drop", ""),
        Col("internal_level", "Their level", "int", "level of our person"),
        Col("via_id", "Through", "person", "the intermediary (a person or an organization)"),
        Col("via_kind", "How they know each other", "label", "classmate, friend, former colleague, association..."),
        Col("first_strength", "Our tie to the intermediary", "num2", "strength, 0..1"),
        Col("second_strength", "Intermediary's tie to the contact", "num2", "strength, 0..1"),
        Col("factor", "Kind factor", "num2", "how much the kind of link is trusted (0..1)"),
    ),
    "trends": (
        Col("date", "Date", "date", "when it changed (an assessment's date, or the report's date)"),
        Col("kind", "What changed", "label", "relationship strength, or an assessed role, attitude or influence"),
        Col("description", "Change", "wrap", "the change in words"),
        Col("account_id", "Accounts", "text", "the contact's accounts"),
        Col("person_id", "Person", "person", "the contact assessed, or our person of the relationship"),
        Col("person_name", "", "drop", ""),
        Col("other_id", "Other person", "person", "the contact of the relationship"),
        Col("other_name", "", "drop", ""),
        Col("before", "Before", "label", "trend label or assessed value before"),
        Col("after", "After", "label", "trend label or assessed value after"),
        Col("strength_before", "Strength before", "num2", "relationship strength at the start of the period"),
        Col("strength_after", "Strength after", "num2", "relationship strength at the end"),
        Col("delta", "Difference", "signed2", "strength (or attitude score, influence) after minus before"),
        Col("assessed_by", "Assessed by", "person", "who made the assessment"),
    ),
    "strength_trend": (
        Col("month", "Month", "month", "month end"),
        Col("tier", "Tier", "label", "tier, or every account of the report together"),
        Col("relationships", "Relationships", "int", "buying-center contacts' best relationships followed"),
        Col("mean_strength", "Mean strength", "num2", "their mean strength that month (0..1)"),
    ),
    "team": (
        Col("internal_id", "Person", "person", "our person"),
        Col("name", "", "drop", ""),
        Col("title", "Title", "text", "job title"),
        Col("level", "Level", "int", "seniority, 1 = CEO"),
        Col("city", "City", "text", "where they are based"),
        Col("team_roles", "Team roles", "roles", "their roles on the report's accounts"),
        Col("accounts", "Accounts", "int", "accounts they are on the team of or hold a thread at"),
        Col("threads", "Threads", "int", "contacts they hold a tie of at least the thread strength to"),
        Col("strong_ties", "Strong ties", "int", "contacts they hold a strong tie to"),
        Col("best_tie_to", "Best tie to", "int", "covered contacts for whom they hold our best tie"),
        Col("best_tie_to_key_contacts", "Best tie to decision-makers and approvers", "int", "of them, key contacts"),
        Col("sole_thread_to", "Only thread to", "int", "contacts only they reach"),
        Col("load_share", "Share of strong ties", "pct", "their share of the report's strong ties (load)"),
        Col("key_person_risk", "Key-person risk at", "text",
            "accounts whose coverage drops by the key-person threshold without them"),
    ),
    "about": (
        Col("item", "Item", "text", "what is stated"),
        Col("value", "Value", "text", "its value"),
        Col("note", "Note", "text", "what it means"),
    ),
}

#: the KPI names of the summary in words
KPI_WORDS: Mapping[str, str] = {
    "accounts": "Accounts", "contacts": "Contacts", "buying_center_contacts": "Buying-center contacts",
    "buying_center_covered": "Buying-center contacts covered",
    "buying_center_covered_share": "Share of the buying center covered", "never_interacted": "Contacts never met",
    "decision_makers": "Decision-makers", "decision_makers_covered": "Decision-makers covered",
    "decision_makers_peer_covered": "Decision-makers peer-covered", "mean_coverage_score": "Mean coverage score",
    "iron_triangle_complete": "Accounts with a complete iron triangle", "gaps": "Open gaps",
    "accounts_with_gaps": "Accounts with gaps", "cooling_best_relationships": "Best relationships cooling",
    "dormant_best_relationships": "Best relationships dormant", "changes_since_previous": "Changes since the previous date",
    "internal_people": "Our people", "strong_ties": "Strong ties", "revenue": "Revenue",
}


def _humanize(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def header_of(table: str, column: str) -> str:
    """The header a person reads for ``column`` of ``table``."""
    for c in CATALOGUE.get(table, ()):
        if c.name == column and c.header:
            return c.header
    return _humanize(column)


def meaning_of(table: str, column: str) -> str:
    for c in CATALOGUE.get(table, ()):
        if c.name == column:
            return c.meaning
    return ""


@dataclass(frozen=True)
class Readable:
    """A table for people: ``frame`` (headers in words), ``formats`` (Excel number format per
    header, one string or one per row), ``wrap`` (headers of long text), ``columns`` (the
    :class:`Col` of each header, for the README)."""

    frame: pd.DataFrame
    formats: Mapping[str, object] = field(default_factory=dict)
    wrap: tuple[str, ...] = ()
    columns: tuple[Col, ...] = ()


def _name_id(ids: pd.Series, names: Mapping | pd.Series) -> pd.Series:
    """``Name (id)`` where the name is known, else the id; missing stays missing."""
    lookup = names if isinstance(names, pd.Series) else pd.Series(dict(names), dtype=object)
    lookup = lookup[~lookup.index.duplicated()]
    raw = ids.astype(object)
    name = raw.map(lookup)
    text = np.where(name.notna() & raw.notna(), name.astype(str) + " (" + raw.astype(str) + ")", raw)
    out = pd.Series(text, index=ids.index, dtype=object)
    return out.where(raw.notna(), None)


def _words(values: pd.Series) -> pd.Series:
    v = values.astype(object)
    out = v.where(v.isna(), v.astype(str).str.replace("_", " "))
    return out.where(out.notna(), None)


def _roles(values: pd.Series) -> pd.Series:
    """``A-01:executive_sponsor, A-03:ar`` -> ``A-01: executive sponsor, A-03: AR``."""
    v = values.astype(object)
    text = v.astype(str).str.replace(":", ": ", regex=False).str.replace("_", " ")
    text = text.str.replace(r": (ar|sr|fr)\b", lambda m: ": " + m.group(1).upper(), regex=True)
    out = v.where(v.isna(), text)
    return out.where(out.notna(), None)


def readable(table: str, df: pd.DataFrame, names: Mapping | pd.Series,
             currencies: pd.Series | None = None, account_column: str = "account_id",
             percent_kpis: frozenset[str] = frozenset()) -> Readable:
    """``df`` (a report table called ``table``) for people: see the module docstring.

    ``names``: id -> name of people and organizations (``Name (id)``); ``currencies``:
    account id -> currency code, for ``money`` columns (read from ``account_column``).
    ``percent_kpis``: summary rows whose value is a share.
    """
    known = {c.name: c for c in CATALOGUE.get(table, ())}
    order = [c for c in CATALOGUE.get(table, ()) if c.name in df.columns]
    order += [Col(c, _humanize(c), "", "") for c in df.columns if c not in known]
    data, formats, wrap, cols = {}, {}, [], []
    for c in order:
        if c.kind == "drop":
            continue
        s = df[c.name]
        header = c.header or _humanize(c.name)
        if header in data:  # two columns with one header: keep both, apart
            header = f"{header} ({c.name})"
        kind = c.kind
        if kind == "person":
            s = _name_id(s, names)
        elif kind == "label":
            s = _words(s)
        elif kind == "roles":
            s = _roles(s)
        elif kind == "month" or kind == "date":
            s = pd.to_datetime(s)
        if kind in FORMATS:
            formats[header] = FORMATS[kind]
        elif kind == "money":
            cur = (df[account_column].map(currencies) if currencies is not None and account_column in df.columns
                   else pd.Series(None, index=df.index))
            formats[header] = [money_format(x) for x in cur.tolist()]
        elif kind == "kpi":
            formats[header] = [FORMATS["pct"] if k in percent_kpis else
                               (FORMATS["money_total"] if k == "revenue" else
                                (FORMATS["num2"] if isinstance(v, float) and not float(v).is_integer() else "0"))
                               for k, v in zip(df["kpi"], s)]
        elif kind == "" and pd.api.types.is_float_dtype(s):
            formats[header] = FORMATS["num2"]
        if kind == "wrap":
            wrap.append(header)
        data[header] = s.reset_index(drop=True)
        cols.append(c._replace(header=header))
    frame = pd.DataFrame(data) if data else pd.DataFrame(index=range(len(df)))
    if table == "summary" and "Figure" in frame.columns:
        frame["Figure"] = [KPI_WORDS.get(k) or (f"Share of revenue from the top {k.rsplit('_', 1)[1]} of accounts"
                                                if k.startswith("revenue_share_top_") else _humanize(k))
                           for k in df["kpi"]]
    return Readable(frame=frame, formats=formats, wrap=tuple(wrap), columns=tuple(cols))
