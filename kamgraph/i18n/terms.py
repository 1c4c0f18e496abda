"""The product's vocabulary: codes stored in the data (roles, attitudes, tiers, gap kinds...) as
words in the reader's language.

The data keeps codes (``decision_maker``, ``former_colleague``, ``single_threaded``); every
place that shows one to a person calls :func:`term` (one value) or :func:`terms` (a column),
so a code reads the same everywhere: the app, the CLI tables, the reports, the briefings.
English words are the codes with spaces, except where that would not be English.

>>> term("role", "decision_maker"), term("tier", "gold"), term("role", "chairman_of_the_board")
('decision maker', 'gold', 'chairman of the board')
>>> term("stage", "Closed Won"), term("stage", "Proposal/Price Quote")
('closed won', 'Proposal/Price Quote')
>>> from kamgraph.i18n import use_language
>>> with use_language("zh_CN"):
...     term("role", "decision_maker"), term("attitude", "opponent")
('决策者', '反对者')
"""

from __future__ import annotations

import pandas as pd

from kamgraph.i18n import NP_, pgettext

#: kind -> code -> English word (marked for the catalogue with the kind as its context, so "other"
#: as a tie kind and "other" elsewhere can read differently; translated by :func:`term`)
TERMS: dict[str, dict[str, str]] = {
    "side": {"customer": NP_("side", "customer"), "internal": NP_("side", "our side"), "external": NP_("side", "external")},
    "role": {
        "decision_maker": NP_("role", "decision maker"), "approver": NP_("role", "approver"),
        "technical_evaluator": NP_("role", "technical evaluator"), "user": NP_("role", "user"), "influencer": NP_("role", "influencer"),
        "procurement": NP_("role", "procurement"), "coach": NP_("role", "coach"),
    },
    "attitude": {
        "champion": NP_("attitude", "champion"), "supporter": NP_("attitude", "supporter"), "neutral": NP_("attitude", "neutral"),
        "skeptic": NP_("attitude", "skeptic"), "opponent": NP_("attitude", "opponent"),
    },
    "team_role": {
        "executive_sponsor": NP_("team_role", "executive sponsor"), "ar": NP_("team_role", "account responsible (AR)"),
        "sr": NP_("team_role", "solution responsible (SR)"), "fr": NP_("team_role", "fulfilment responsible (FR)"), "other": NP_("team_role", "team member"),
    },
    "tie_kind": {
        "business": NP_("tie_kind", "business"), "friend": NP_("tie_kind", "friend"), "classmate": NP_("tie_kind", "classmate"),
        "former_colleague": NP_("tie_kind", "former colleague"), "relative": NP_("tie_kind", "relative"), "comrade": NP_("tie_kind", "comrade"),
        "official": NP_("tie_kind", "official"), "partner": NP_("tie_kind", "partner"), "other": NP_("tie_kind", "other"),
    },
    "interaction_kind": {
        "visit": NP_("interaction_kind", "visit"), "meeting": NP_("interaction_kind", "meeting"), "meal": NP_("interaction_kind", "meal"), "call": NP_("interaction_kind", "call"),
        "email": NP_("interaction_kind", "e-mail"), "event": NP_("interaction_kind", "event"),
    },
    "org_kind": {
        "association": NP_("org_kind", "association"), "regulator": NP_("org_kind", "regulator"), "alumni": NP_("org_kind", "alumni network"),
        "partner": NP_("org_kind", "partner"), "government": NP_("org_kind", "government"), "internal": NP_("org_kind", "our company"),
    },
    "tier": {"diamond": NP_("tier", "diamond"), "gold": NP_("tier", "gold"), "silver": NP_("tier", "silver"), "standard": NP_("tier", "standard")},
    "severity": {"high": NP_("severity", "high"), "medium": NP_("severity", "medium"), "low": NP_("severity", "low")},
    "trend": {
        "new": NP_("trend", "new"), "dormant": NP_("trend", "dormant"), "warming": NP_("trend", "warming"), "cooling": NP_("trend", "cooling"),
        "stable": NP_("trend", "stable"),
    },
    "gap_kind": {
        "no_decision_maker_known": NP_("gap_kind", "no decision maker known"),
        "uncovered_decision_maker": NP_("gap_kind", "uncovered decision maker"),
        "no_peer_coverage": NP_("gap_kind", "no peer coverage"), "single_threaded": NP_("gap_kind", "single threaded"),
        "cooling_key_relationship": NP_("gap_kind", "cooling key relationship"), "unmanaged_opponent": NP_("gap_kind", "unmanaged opponent"),
        "missing_team_role": NP_("gap_kind", "missing team role"), "tier_policy": NP_("gap_kind", "tier policy"),
        "key_person_risk": NP_("gap_kind", "key person risk"),
        "executive_sponsor": NP_("gap_kind", "executive sponsor"), "executive_tie": NP_("gap_kind", "executive tie"),
        "executive_visits": NP_("gap_kind", "executive visits"),
    },
    # opportunity stages are the CRM's own words: the common ones read in the reader's language,
    # any other stays as written (matched without case, spaces or underscores)
    "stage": {
        "prospecting": NP_("stage", "prospecting"), "qualification": NP_("stage", "qualification"),
        "needsanalysis": NP_("stage", "needs analysis"), "proposal": NP_("stage", "proposal"),
        "negotiation": NP_("stage", "negotiation"), "closedwon": NP_("stage", "closed won"),
        "closedlost": NP_("stage", "closed lost"), "discovery": NP_("stage", "discovery"),
        "evaluation": NP_("stage", "evaluation"), "quote": NP_("stage", "quote"),
    },
    # the store's tables, as a table's cells and an edit's summary name them (English: the table's name)
    "entity": {
        "people": NP_("entity", "people"), "accounts": NP_("entity", "accounts"),
        "organizations": NP_("entity", "organizations"), "opportunities": NP_("entity", "opportunities"),
        "interactions": NP_("entity", "interactions"), "employment": NP_("entity", "employment"),
        "assessments": NP_("entity", "assessments"), "reports_to": NP_("entity", "reports_to"),
        "ties": NP_("entity", "ties"), "influence": NP_("entity", "influence"),
        "memberships": NP_("entity", "memberships"), "attendance": NP_("entity", "attendance"),
        "opportunity_roles": NP_("entity", "opportunity_roles"), "audit": NP_("entity", "audit"),
    },
    "level": {"1": NP_("level", "board"), "2": NP_("level", "vice president"), "3": NP_("level", "director"), "4": NP_("level", "manager"),
              "5": NP_("level", "staff")},
}


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def term(kind: str, value, missing: str = "—") -> str:
    """``value`` (a code of ``kind``) as a word in the current language; an unknown code with its
    underscores as spaces; ``missing`` for no value."""
    if _missing(value):
        return missing
    key = str(int(value)) if kind == "level" and isinstance(value, (int, float)) else str(value)
    if kind == "stage":  # the CRM's own word unless it is a common stage
        word = TERMS["stage"].get("".join(ch for ch in key.lower() if ch.isalnum()))
        return pgettext(kind, word) if word is not None else key
    word = TERMS.get(kind, {}).get(key)
    return pgettext(kind, word) if word is not None else key.replace("_", " ")


def terms(kind: str, values: pd.Series, missing: str = "—") -> pd.Series:
    """:func:`term` over a column (each distinct value translated once)."""
    uniques = pd.unique(values.dropna()) if len(values) else []
    mapping = {v: term(kind, v, missing) for v in uniques}
    return values.map(mapping).where(values.notna(), missing).astype(object)
