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
from kamgraph.i18n import N_, _, current_language
from kamgraph.i18n.terms import TERMS, term

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


_ROLE_COVERAGE = {c.name: c for c in (
    Col("role_decision_maker", N_("Decision maker coverage"), "pct",
        N_("how well our best tie covers the account's decision makers: 100% = a tie at or above the coverage "
           "threshold; empty = nobody in that role")),
    Col("role_approver", N_("Approver coverage"), "pct",
        N_("how well our best tie covers the account's approvers: 100% = a tie at or above the coverage "
           "threshold; empty = nobody in that role")),
    Col("role_technical_evaluator", N_("Technical evaluator coverage"), "pct",
        N_("how well our best tie covers the account's technical evaluators: 100% = a tie at or above the "
           "coverage threshold; empty = nobody in that role")),
    Col("role_user", N_("User coverage"), "pct",
        N_("how well our best tie covers the account's users: 100% = a tie at or above the coverage "
           "threshold; empty = nobody in that role")),
    Col("role_influencer", N_("Influencer coverage"), "pct",
        N_("how well our best tie covers the account's influencers: 100% = a tie at or above the coverage "
           "threshold; empty = nobody in that role")),
    Col("role_procurement", N_("Procurement coverage"), "pct",
        N_("how well our best tie covers the account's procurement contacts: 100% = a tie at or above the coverage "
           "threshold; empty = nobody in that role")),
    Col("role_coach", N_("Coach coverage"), "pct",
        N_("how well our best tie covers the account's coaches: 100% = a tie at or above the coverage "
           "threshold; empty = nobody in that role")),
)}

#: the columns of every table of the report, in the order a person reads them
CATALOGUE: Mapping[str, tuple[Col, ...]] = {
    "summary": (
        Col("kpi", N_("Figure"), "text", N_("what is counted")),
        Col("value", N_("Value"), "kpi", N_("the figure, computed on the report's accounts only")),
        Col("detail", N_("How it is counted"), "text", N_("the rule behind the figure")),
    ),
    "tiers": (
        Col("tier", N_("Tier"), "label", N_("value tier (portfolio-relative: see the scope note)")),
        Col("accounts", N_("Accounts"), "int", N_("accounts of this tier in the report")),
        Col("revenue", N_("Revenue"), "money_total", N_("their revenue added up, as recorded")),
        Col("revenue_share", N_("Share of revenue"), "pct", N_("their share of the report's revenue")),
        Col("problem_accounts", N_("Problem accounts"), "int", N_("accounts flagged problem (bad payment, negative margin...)")),
        Col("mean_coverage_score", N_("Mean coverage score"), "pct", N_("mean account coverage score")),
        Col("decision_makers", N_("Decision-makers"), "int", N_("current contacts whose role is decision-maker")),
        Col("decision_makers_covered", N_("Decision-makers covered"), "int",
            N_("decision-makers with a tie at or above the coverage threshold")),
        Col("gaps", N_("Gaps"), "int", N_("open gaps")),
        Col("policy_executive_level", N_("Policy: executive level"), "int",
            N_("the tier policy: our executives are this level or above (1 = CEO)")),
        Col("policy_min_exec_tie", N_("Policy: minimum executive tie"), "num2",
            N_("the tier policy: the strength an executive's tie must reach")),
        Col("policy_exec_tie_roles", N_("Policy: roles an executive must reach"), "label", N_("the tier policy")),
        Col("policy_exec_tie_contact_max_level", N_("Policy: their level at most"), "int", N_("the tier policy")),
        Col("policy_min_exec_visits_per_quarter", N_("Policy: executive visits a quarter"), "int", N_("the tier policy")),
        Col("policy_iron_triangle", N_("Policy: team roles required"), "label", N_("the tier policy (AR, SR, FR)")),
        Col("policy_executive_sponsor", N_("Policy: executive sponsor required"), "bool", N_("the tier policy")),
        Col("policy_tier_weight", N_("Tier weight"), "num2", N_("weight of the tier in visit priorities")),
    ),
    "pareto": (
        Col("rank", N_("Rank"), "int", N_("rank by revenue, highest first")),
        Col("name", N_("Account"), "text", N_("account name")),
        Col("account_id", N_("Account id"), "text", N_("account id")),
        Col("revenue", N_("Revenue"), "money", N_("yearly revenue in the account's currency")),
        Col("currency", N_("Currency"), "text",
            N_("currency of the revenue (the account's own, else the portfolio's reporting currency, else its country's)")),
        Col("cum_account_share", N_("Cumulative share of accounts"), "pct", N_("share of the report's accounts up to this rank")),
        Col("cum_revenue_share", N_("Cumulative share of revenue"), "pct", N_("share of the report's revenue up to this rank")),
        Col("in_top", N_("In the top group"), "bool", N_("among the top share of accounts by revenue (the Pareto group)")),
    ),
    "accounts": (
        Col("account_name", N_("Account"), "text", N_("account name")),
        Col("account_id", N_("Account id"), "text", N_("account id")),
        Col("tier", N_("Tier"), "label", N_("effective tier: declared, else computed (portfolio-relative)")),
        Col("computed_tier", N_("Computed tier"), "label", N_("tier from the value score (portfolio-relative)")),
        Col("declared_tier", N_("Declared tier"), "label", N_("tier given in the data")),
        Col("value_score", N_("Value score"), "num2", N_("weighted percentile of revenue, margin, payment, growth... "
            "among every account of the portfolio (0..1)")),
        Col("problem", N_("Problem"), "bool", N_("problem account (declared, or margin or collection below the limit)")),
        Col("region", N_("Region"), "text", N_("sales region")),
        Col("city", N_("City"), "text", N_("city")),
        Col("country", N_("Country"), "text", N_("country (ISO code)")),
        Col("owner_id", N_("Owner"), "person", N_("our person who owns the account")),
        Col("revenue", N_("Revenue"), "money", N_("yearly revenue in the account's currency")),
        Col("currency", N_("Currency"), "text",
            N_("currency of the revenue (the account's own, else the portfolio's reporting currency, else its country's)")),
        Col("contacts", N_("Contacts"), "int", N_("current customer contacts")),
        Col("covered", N_("Contacts covered"), "int", N_("contacts with a tie at or above the coverage threshold")),
        Col("peer_covered", N_("Contacts peer-covered"), "int", N_("covered by someone of a matching level")),
        Col("never_interacted", N_("Contacts never met"), "int", N_("contacts nobody on our side has met")),
        Col("buying_center", N_("Buying center"), "int", N_("contacts with a decision role")),
        Col("buying_center_covered", N_("Buying center covered"), "int", N_("of them, covered")),
        Col("coverage_score", N_("Coverage score"), "pct",
            N_("role-weighted coverage of the buying center (decision-makers weigh most)")),
        *_ROLE_COVERAGE.values(),
        Col("threads", N_("Threads"), "int", N_("our people with a tie of at least the thread strength to someone here")),
        Col("executive_sponsor", N_("Executive sponsor"), "person", N_("our executive sponsor of the account")),
        Col("ar", N_("Account responsible (AR)"), "person", N_("iron triangle: account responsible")),
        Col("sr", N_("Solution responsible (SR)"), "person", N_("iron triangle: solution responsible")),
        Col("fr", N_("Fulfilment responsible (FR)"), "person", N_("iron triangle: fulfilment responsible")),
        Col("iron_triangle_complete", N_("Iron triangle complete"), "bool", N_("AR, SR and FR all assigned")),
        Col("missing_team_roles", N_("Missing team roles"), "label", N_("iron-triangle roles nobody holds")),
        Col("gaps", N_("Gaps"), "int", N_("open gaps")),
        Col("top_gap_priority", N_("Top gap priority"), "num2", N_("priority of the most urgent gap (0..1)")),
    ),
    "buying_centers": (
        Col("account_name", N_("Account"), "text", N_("account name")),
        Col("account_id", N_("Account id"), "text", N_("account id")),
        Col("contact_id", N_("Contact"), "person", N_("the customer contact")),
        Col("name", N_("Name"), "drop", ""),
        Col("title", N_("Title"), "text", N_("their job title")),
        Col("level", N_("Level"), "int", N_("seniority, 1 = board/CEO ... 5 = staff")),
        Col("decision_role", N_("Decision role"), "label", N_("their role in the buying center")),
        Col("attitude", N_("Attitude"), "label", N_("their attitude toward us (champion ... opponent)")),
        Col("influence", N_("Influence"), "int", N_("influence in the buying center, 1..5")),
        Col("best_strength", N_("Best strength"), "num2",
            N_("strength of our strongest relationship with them (0..1); empty = nobody has met them")),
        Col("best_internal_id", N_("Best tie held by"), "person", N_("our person holding that relationship")),
        Col("best_internal_name", "", "drop", ""),
        Col("best_internal_level", N_("Their level"), "int", N_("level of our person holding the best tie")),
        Col("covered", N_("Covered"), "bool", N_("best strength at or above the coverage threshold")),
        Col("peer_covered", N_("Peer-covered"), "bool", N_("covered by someone at most one level below them")),
        Col("threads", N_("Threads"), "int", N_("our people with a tie of at least the thread strength")),
        Col("never_interacted", N_("Never met"), "bool", N_("nobody on our side has ever met them")),
        Col("last_interaction", N_("Last interaction"), "date", N_("last time one of us met them")),
        Col("trend", N_("Trend"), "label", N_("trend of the best relationship (warming, stable, cooling, dormant, new)")),
        Col("trend_slope", N_("Change a month"), "signed_pct", N_("how fast that relationship changes a month")),
    ),
    "gaps": (
        Col("account_name", N_("Account"), "text", N_("account name")),
        Col("account_id", N_("Account id"), "text", N_("account id")),
        Col("tier", N_("Tier"), "label", N_("the account's tier")),
        Col("kind", N_("Gap"), "label", N_("what is missing")),
        Col("priority", N_("Priority"), "num2", N_("severity weighted by the account's tier (0..1)")),
        Col("severity", N_("Severity"), "num2", N_("how bad the gap is (0..1)")),
        Col("target_id", N_("Who"), "person", N_("the contact (or our person) the gap is about")),
        Col("target_name", "", "drop", ""),
        Col("action", N_("Suggested action"), "wrap", N_("what to do, by whom, and through whom")),
        Col("evidence", N_("Evidence"), "wrap", N_("the facts behind the gap")),
        Col("actor_id", N_("Who acts"), "person", N_("our person the suggested action names")),
        Col("actor_name", "", "drop", ""),
        Col("path", N_("Access path"), "wrap", N_("the introduction the action relies on, when there is one")),
        Col("rule", N_("Rule"), "label", N_("the rule that found the gap")),
    ),
    "access_paths": (
        Col("account_name", N_("Account"), "text", N_("account name")),
        Col("account_id", N_("Account id"), "text", N_("account id")),
        Col("target_id", N_("Contact"), "person", N_("the buying-center contact nobody covers yet")),
        Col("target_name", "", "drop", ""),
        Col("decision_role", N_("Decision role"), "label", N_("their role")),
        Col("best_strength", N_("Best strength now"), "num2", N_("our best tie to them today (empty: never met)")),
        Col("rank", N_("Rank"), "int", N_("rank of this path among theirs")),
        Col("score", N_("Score"), "num2", N_("strength of the path: tie to the intermediary x their tie x kind factor")),
        Col("explanation", N_("Path"), "wrap", N_("the path in words")),
        Col("kind", N_("Path kind"), "label", N_("direct, through a person, or through an organization")),
        Col("internal_id", N_("Our person"), "person", N_("who on our side starts the path")),
        Col("internal_name", "", "drop", ""),
        Col("internal_level", N_("Their level"), "int", N_("level of our person")),
        Col("via_id", N_("Through"), "person", N_("the intermediary (a person or an organization)")),
        Col("via_kind", N_("How they know each other"), "label", N_("classmate, friend, former colleague, association...")),
        Col("first_strength", N_("Our tie to the intermediary"), "num2", N_("strength, 0..1")),
        Col("second_strength", N_("Intermediary's tie to the contact"), "num2", N_("strength, 0..1")),
        Col("factor", N_("Kind factor"), "num2", N_("how much the kind of link is trusted (0..1)")),
    ),
    "trends": (
        Col("date", N_("Date"), "date", N_("when it changed (an assessment's date, or the report's date)")),
        Col("kind", N_("What changed"), "label", N_("relationship strength, or an assessed role, attitude or influence")),
        Col("description", N_("Change"), "wrap", N_("the change in words")),
        Col("account_id", N_("Accounts"), "text", N_("the contact's accounts")),
        Col("person_id", N_("Person"), "person", N_("the contact assessed, or our person of the relationship")),
        Col("person_name", "", "drop", ""),
        Col("other_id", N_("Other person"), "person", N_("the contact of the relationship")),
        Col("other_name", "", "drop", ""),
        Col("before", N_("Before"), "label", N_("trend label or assessed value before")),
        Col("after", N_("After"), "label", N_("trend label or assessed value after")),
        Col("strength_before", N_("Strength before"), "num2", N_("relationship strength at the start of the period")),
        Col("strength_after", N_("Strength after"), "num2", N_("relationship strength at the end")),
        Col("delta", N_("Difference"), "signed2", N_("strength (or attitude score, influence) after minus before")),
        Col("assessed_by", N_("Assessed by"), "person", N_("who made the assessment")),
    ),
    "strength_trend": (
        Col("month", N_("Month"), "month", N_("month end")),
        Col("tier", N_("Tier"), "label", N_("tier, or every account of the report together")),
        Col("relationships", N_("Relationships"), "int", N_("buying-center contacts' best relationships followed")),
        Col("mean_strength", N_("Mean strength"), "num2", N_("their mean strength that month (0..1)")),
    ),
    "team": (
        Col("internal_id", N_("Person"), "person", N_("our person")),
        Col("name", "", "drop", ""),
        Col("title", N_("Title"), "text", N_("job title")),
        Col("level", N_("Level"), "int", N_("seniority, 1 = CEO")),
        Col("city", N_("City"), "text", N_("where they are based")),
        Col("team_roles", N_("Team roles"), "roles", N_("their roles on the report's accounts")),
        Col("accounts", N_("Accounts"), "int", N_("accounts they are on the team of or hold a thread at")),
        Col("threads", N_("Threads"), "int", N_("contacts they hold a tie of at least the thread strength to")),
        Col("strong_ties", N_("Strong ties"), "int", N_("contacts they hold a strong tie to")),
        Col("best_tie_to", N_("Best tie to"), "int", N_("covered contacts for whom they hold our best tie")),
        Col("best_tie_to_key_contacts", N_("Best tie to decision-makers and approvers"), "int", N_("of them, key contacts")),
        Col("sole_thread_to", N_("Only thread to"), "int", N_("contacts only they reach")),
        Col("load_share", N_("Share of strong ties"), "pct", N_("their share of the report's strong ties (load)")),
        Col("key_person_risk", N_("Key-person risk at"), "text",
            N_("accounts whose coverage drops by the key-person threshold without them")),
    ),
    "about": (
        Col("item", N_("Item"), "text", N_("what is stated")),
        Col("value", N_("Value"), "text", N_("its value")),
        Col("note", N_("Note"), "text", N_("what it means")),
    ),
}

#: the KPI names of the summary in words
KPI_WORDS: Mapping[str, str] = {
    "accounts": N_("Accounts"), "contacts": N_("Contacts"), "buying_center_contacts": N_("Buying-center contacts"),
    "buying_center_covered": N_("Buying-center contacts covered"),
    "buying_center_covered_share": N_("Share of the buying center covered"), "never_interacted": N_("Contacts never met"),
    "decision_makers": N_("Decision-makers"), "decision_makers_covered": N_("Decision-makers covered"),
    "decision_makers_peer_covered": N_("Decision-makers peer-covered"), "mean_coverage_score": N_("Mean coverage score"),
    "iron_triangle_complete": N_("Accounts with a complete iron triangle"), "gaps": N_("Open gaps"),
    "accounts_with_gaps": N_("Accounts with gaps"), "cooling_best_relationships": N_("Best relationships cooling"),
    "dormant_best_relationships": N_("Best relationships dormant"),
    "changes_since_previous": N_("Changes since the previous date"),
    "internal_people": N_("Our people"), "strong_ties": N_("Strong ties"), "revenue": N_("Revenue"),
}

#: the term kinds (:mod:`kamgraph.i18n.terms`) of the codes of a ``label`` column, by (table, column)
#: or by column, tried in order (a code none knows: :data:`LABEL_WORDS`, else underscores as spaces)
LABEL_TERMS: Mapping[object, tuple[str, ...]] = {
    "tier": ("tier",), "computed_tier": ("tier",), "declared_tier": ("tier",), "decision_role": ("role",),
    "attitude": ("attitude",), "trend": ("trend",), "rule": ("gap_kind",), "via_kind": ("tie_kind", "org_kind"),
    "missing_team_roles": ("team_role",), "policy_iron_triangle": ("team_role",), "policy_exec_tie_roles": ("role",),
    ("gaps", "kind"): ("gap_kind",), ("trends", "before"): ("trend", "role", "attitude"),
    ("trends", "after"): ("trend", "role", "attitude"),
}

#: codes of the report's own tables that are no data code (path kinds, what changed, the
#: strength trend's all-accounts line), in words
LABEL_WORDS: Mapping[str, str] = {
    "direct": N_("direct"), "person": N_("through a person"), "organization": N_("through an organization"),
    "relationship": N_("relationship strength"), "decision_role": N_("decision role"), "attitude": N_("attitude"),
    "influence": N_("influence"), "portfolio": N_("portfolio"), "all in scope": N_("all in scope"),
    "colleague": N_("colleague"),
}


def _humanize(name: str) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def header_of(table: str, column: str) -> str:
    """The header a person reads for ``column`` of ``table``."""
    for c in CATALOGUE.get(table, ()):
        if c.name == column and c.header:
            return _(c.header)
    return _humanize(column)


def meaning_of(table: str, column: str) -> str:
    for c in CATALOGUE.get(table, ()):
        if c.name == column:
            return _(c.meaning) if c.meaning else ""
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
    """``Name (id)`` where the name is known, else the id; missing stays missing. The names are
    the caller's (a person's as the reader's language shows it: :func:`~kamgraph.analysis.people.shown_names`);
    Chinese puts the id in full-width brackets (``周建国（Zhou Jianguo）（S-03）``)."""
    lookup = names if isinstance(names, pd.Series) else pd.Series(dict(names), dtype=object)
    lookup = lookup[~lookup.index.duplicated()]
    raw = ids.astype(object)
    name = raw.map(lookup)
    template = _("{name} ({id})")
    known = name.notna() & raw.notna()
    if template.find("{name}") < template.find("{id}"):  # cut once, joined column-wise (no per-row format)
        head, rest = template.split("{name}", 1)
        middle, tail = rest.split("{id}", 1)
        joined = head + name.astype(str) + middle + raw.astype(str) + tail
    else:
        joined = pd.Series([template.format(name=n, id=i) for n, i in zip(name.astype(str), raw.astype(str))],
                           index=raw.index, dtype=object)
    text = np.where(known, joined, raw)
    out = pd.Series(text, index=ids.index, dtype=object)
    return out.where(raw.notna(), None)


def _words(values: pd.Series) -> pd.Series:
    v = values.astype(object)
    out = v.where(v.isna(), v.astype(str).str.replace("_", " "))
    return out.where(out.notna(), None)


def _label_word(code: str, kinds: tuple[str, ...]) -> str:
    """One code in words in the current language: the first term kind that knows it, else
    :data:`LABEL_WORDS`, else its underscores as spaces."""
    for kind in kinds:
        if code in TERMS.get(kind, {}):
            return term(kind, code)
    if code in LABEL_WORDS:
        return _(LABEL_WORDS[code])
    return code.replace("_", " ")


def _label_words(values: pd.Series, kinds: tuple[str, ...]) -> pd.Series:
    """A ``label`` column in the reader's language (not English): every code in words, lists
    (``fr,executive_sponsor``) item by item."""
    def one(v):
        text = str(v)
        if not text.strip():
            return text
        parts = [p.strip() for p in text.split(",")]
        return "、".join(_label_word(p, kinds) for p in parts if p) if len(parts) > 1 else _label_word(text.strip(), kinds)

    v = values.astype(object)
    uniques = {x: one(x) for x in pd.unique(v.dropna())}
    out = v.map(uniques)
    return out.where(v.notna(), None).astype(object)


def _roles_words(values: pd.Series) -> pd.Series:
    """``A-01:executive_sponsor, A-03:ar`` in the reader's language (not English)."""
    def one(v):
        items = []
        for part in str(v).split(","):
            account, _sep, role = part.strip().partition(":")
            items.append(_("{account}: {role}").format(account=account, role=term("team_role", role))
                         if role else account)
        return "、".join(items)

    v = values.astype(object)
    uniques = {x: one(x) for x in pd.unique(v.dropna())}
    return v.map(uniques).where(v.notna(), None).astype(object)


def _roles(values: pd.Series) -> pd.Series:
    """``A-01:executive_sponsor, A-03:ar`` -> ``A-01: executive sponsor, A-03: AR``."""
    if current_language() != "en":
        return _roles_words(values)
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
        header = _(c.header) if c.header else _humanize(c.name)
        if header in data:  # two columns with one header: keep both, apart
            header = f"{header} ({c.name})"
        kind = c.kind
        if kind == "person":
            s = _name_id(s, names)
        elif kind == "label":
            kinds = LABEL_TERMS.get((table, c.name), LABEL_TERMS.get(c.name, ()))
            s = _words(s) if current_language() == "en" else _label_words(s, kinds)
        elif kind == "roles":
            s = _roles(s)
        elif kind == "month" or kind == "date":
            s = pd.to_datetime(s)
        elif kind == "bool" and current_language() != "en":  # TRUE/FALSE are English words in a sheet
            yes, no = _("yes"), _("no")
            s = s.astype(object).map(lambda v: None if v is None or v != v else (yes if bool(v) else no))
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
        cols.append(c._replace(header=header, meaning=_(c.meaning) if c.meaning else ""))
    frame = pd.DataFrame(data) if data else pd.DataFrame(index=range(len(df)))
    figure = _("Figure")
    if table == "summary" and figure in frame.columns:
        frame[figure] = [_(KPI_WORDS[k]) if k in KPI_WORDS else
                         (_("Share of revenue from the top {share} of accounts").format(share=k.rsplit("_", 1)[1])
                          if k.startswith("revenue_share_top_") else _humanize(k))
                         for k in df["kpi"]]
    return Readable(frame=frame, formats=formats, wrap=tuple(wrap), columns=tuple(cols))
