"""Presentation helpers for the pages: safe Markdown, labels, table formatting.

Names, titles, notes and file contents are untrusted. Streamlit renders Markdown (never raw
HTML unless asked), but Markdown itself can restyle text or make links, so anything from the
data that goes into ``st.markdown``/``st.error``/``st.caption`` passes :func:`md` first.

Backslash escapes do not stop GFM autolinks: Streamlit's Markdown finds ``http://...``,
``www.`` and ``name@host.tld`` in the text *after* escapes are resolved. :func:`md` puts an
invisible WORD JOINER (U+2060) inside each of those patterns (after ``:``, after ``www``,
after ``@``), so they show as typed but never become links.
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

# Markdown and HTML specials: each gets a backslash so it shows literally
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")
#: invisible, zero-width, and not a word character: breaks an autolink pattern without showing
WORD_JOINER = "\u2060"
# where GFM autolinks (remark-gfm, mdast-util-gfm-autolink-literal) are recognized: a
# scheme's "://", "www." and the "@" of an address (mailto:/xmpp: links need the "@" too)
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)

#: display bands of gap severity (presentation only; the analysis gives a number 0..1)
SEVERITY_BANDS: tuple[tuple[str, float], ...] = (("high", 0.8), ("medium", 0.5), ("low", 0.0))

TIER_ORDER = ["diamond", "gold", "silver", "standard"]

ROLE_ORDER = ["decision_maker", "approver", "technical_evaluator", "influencer", "coach", "procurement", "user"]


def md(value: object) -> str:
    """``value`` as Markdown that displays exactly as the text (specials escaped, one line).

    >>> md("<img src=x>")
    '\\\\<img src\\\\=x\\\\>'
    >>> md("www.x.com") == "www\\u2060\\\\.x\\\\.com"
    True
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = _AUTOLINK.sub(WORD_JOINER, " ".join(str(value).split()))
    return _MD_SPECIAL.sub(r"\\\1", text)


def nice(value: object) -> str:
    """``decision_maker`` -> ``decision maker``; None -> ``—``."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "—"
    return str(value).replace("_", " ")


def severity_band(severity: pd.Series) -> pd.Series:
    """``high``/``medium``/``low`` for each severity (see :data:`SEVERITY_BANDS`)."""
    out = pd.Series("low", index=severity.index, dtype=object)
    for name, floor in reversed(SEVERITY_BANDS):
        out[severity >= floor] = name
    return out


def date_text(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "never"
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def strength_text(value: object) -> str:
    """A strength, keeping "never interacted" (NaN) apart from 0."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "no relationship"
    return f"{float(value):.2f}"


def option_labels(ids: Iterable[str], labels: pd.Series) -> dict[str, str]:
    """``{id: label}`` for select boxes, falling back to the id."""
    return {i: (str(labels.get(i)) if isinstance(labels.get(i), str) else str(i)) for i in ids}


#: how a trend slope (the monthly relative change of a relationship's odds) is shown: as % a month
SLOPE_LABEL = "change a month"
SLOPE_FORMAT = "%+.0f%%"


def slope_percent(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its ``slope`` (a fraction a month) in percent, for :data:`SLOPE_FORMAT`."""
    return df.assign(slope=df["slope"] * 100.0) if "slope" in df.columns else df


def columns(df: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The columns of ``mapping`` that ``df`` has, renamed for display."""
    keep = [c for c in mapping if c in df.columns]
    return df[keep].rename(columns={c: mapping[c] for c in keep})


def accounts_in_order(accounts: pd.DataFrame) -> pd.DataFrame:
    """Accounts best tier first, then by revenue (highest first), then name: the order of pickers."""
    rank = {t: i for i, t in enumerate(TIER_ORDER)}
    key = accounts.assign(_t=accounts["tier"].map(rank).fillna(len(rank)),
                          _r=-pd.to_numeric(accounts["revenue"], errors="coerce").fillna(0.0))
    return key.sort_values(["_t", "_r", "name", "id"], kind="mergesort").drop(columns=["_t", "_r"])


def person_labels(people: pd.DataFrame, employment: pd.DataFrame, org_names: dict[str, str]) -> dict[str, str]:
    """``{person id: "Name — title, organization"}`` for pickers: the title and organization of
    the person's current job (else their latest, else their own title).

    >>> people = pd.DataFrame({"id": ["C1", "S1"], "name": ["Ann Lee", "Li Wei"], "title": ["CFO", None]})
    >>> jobs = pd.DataFrame({"person_id": ["C1"], "org_id": ["A1"], "title": ["CFO"],
    ...                      "since": [pd.Timestamp("2020-01-01")], "until": [pd.NaT]})
    >>> person_labels(people, jobs, {"A1": "Acme"})
    {'C1': 'Ann Lee — CFO, Acme', 'S1': 'Li Wei'}
    """
    # a place on an account's team (a team role) is not where our people work: their own job first
    team = employment["team_role"].notna() if "team_role" in employment.columns else False
    jobs = employment.assign(_ended=employment["until"].notna(), _team=team)
    jobs = jobs.sort_values(["person_id", "_ended", "_team", "since"], ascending=[True, True, True, False],
                            kind="mergesort", na_position="last").drop_duplicates("person_id").set_index("person_id")
    # each person's job, aligned with ``people`` in one vectorized lookup (not a .loc per person)
    job_titles = people["id"].map(jobs["title"]).to_numpy(dtype=object)
    job_orgs = people["id"].map(jobs["org_id"]).to_numpy(dtype=object)
    out = {}
    for pid, name, title, job_title, org_id in zip(people["id"], people["name"], people["title"], job_titles,
                                                   job_orgs):
        job_title = job_title if isinstance(job_title, str) else title
        org = org_names.get(org_id) if isinstance(org_id, str) else None
        rest = ", ".join(" ".join(str(v).split()) for v in (job_title, org) if isinstance(v, str) and v.strip())
        shown = " ".join(str(name).split()) if isinstance(name, str) and name.strip() else str(pid)
        out[str(pid)] = f"{shown} — {rest}" if rest else shown
    return out


#: what an audit entry's entity is called in the history of changes
ENTITY_LABELS = {"people": "person", "accounts": "account", "organizations": "organization",
                 "employment": "job", "assessments": "assessment", "reports_to": "reporting line",
                 "ties": "tie", "influence": "influence link", "memberships": "membership",
                 "interactions": "interaction", "attendance": "attendance", "opportunities": "opportunity",
                 "opportunity_roles": "opportunity role"}
#: how a count of an entity's rows reads, where the plural is not the label plus "s"
_COUNT_NOUNS = {"people": ("person", "people"), "attendance": ("attendee", "attendees"),
                "opportunities": ("opportunity", "opportunities")}


def counted(n: int, entity: str) -> str:
    """``counted(1, "assessments")`` -> ``1 assessment``; ``counted(5, "attendance")`` -> ``5 attendees``.

    >>> counted(1, "interactions"), counted(2, "people"), counted(3, "opportunity_roles")
    ('1 interaction', '2 people', '3 opportunity roles')
    """
    one = ENTITY_LABELS.get(entity, nice(entity))
    one, many = _COUNT_NOUNS.get(entity, (one, one + "s"))
    return f"{n} {one if n == 1 else many}"


def rows_text(rows: dict, empty: str = "nothing new") -> str:
    """Rows per entity in words (``1 interaction, 5 attendees``); ``empty`` when there are none."""
    return ", ".join(counted(int(n), str(e)) for e, n in rows.items() if n) or empty


#: columns an audit entry's key may name someone or something by
_ID_COLUMNS = ("id", "person_id", "other_id", "manager_id", "source_id", "target_id", "org_id", "account_id",
               "interaction_id", "opportunity_id", "assessed_by", "owner_id")


#: how a field of an audit entry reads where its name is not plain words with "_" as a space
_FIELD_LABELS = {"account_id": "account", "org_id": "organization", "opportunity_id": "opportunity",
                 "manager_id": "manager", "owner_id": "owner", "other_id": "other person", "person_id": "person",
                 "interaction_id": "interaction", "source_id": "from", "target_id": "to"}


def audit_value(value: object) -> str:
    """One value of an audit entry as shown: missing is ``—`` (never ``None``)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def audit_view(audit: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The audit trail as people read it, newest first: when, who, source, what, change.

    ``what`` names the entity and its key with names for ids (``names``); ``change`` lists the
    fields as ``field: before → after`` (a new row: ``field: value``; a deleted row: ``deleted``).

    >>> a = pd.DataFrame([{"seq": 1, "at": "2026-11-20T09:00:00+00:00", "actor": None, "source": "edit: assess",
    ...     "action": "insert", "entity": "assessments",
    ...     "key": {"person_id": "C1", "account_id": "A1", "assessed_on": "2026-11-20"},
    ...     "before": {"attitude": "neutral"}, "after": {"attitude": "skeptic"}}])
    >>> audit_view(a, {"C1": "Ann Lee", "A1": "Acme"}).iloc[0].to_dict()
    {'when': '2026-11-20 09:00 UTC', 'who': 'not recorded', 'source': 'edit: assess', 'what': 'assessment: Ann Lee, Acme, 2026-11-20', 'change': 'attitude: neutral → skeptic'}
    """
    rows = []
    for r in audit.sort_values("seq", ascending=False, kind="mergesort").itertuples(index=False):
        key = r.key if isinstance(r.key, dict) else {}
        before = r.before if isinstance(r.before, dict) else None
        after = r.after if isinstance(r.after, dict) else None
        shown_key = [names.get(str(v), audit_value(v)) if k in _ID_COLUMNS else audit_value(v)
                     for k, v in key.items()]
        what = f"{ENTITY_LABELS.get(r.entity, str(r.entity))}: {', '.join(shown_key)}"
        if after is None:
            change = "deleted" if before is not None or str(r.action).startswith(("delete", "erase")) else "—"
        else:
            fields = [f for f in after if f not in key]
            parts = []
            def shown(f: str, v: object) -> str:  # an id as its name, where known
                return names.get(str(v), audit_value(v)) if f in _ID_COLUMNS else audit_value(v)

            for f in fields:
                new = shown(f, after.get(f))
                label = _FIELD_LABELS.get(f, nice(f))
                if before is None:
                    if new != "—":
                        parts.append(f"{label}: {new}")
                elif shown(f, before.get(f)) != new:
                    parts.append(f"{label}: {shown(f, before.get(f))} → {new}")
            change = "; ".join(parts) if parts else ("added" if before is None else "no field changed")
        at = pd.Timestamp(r.at) if isinstance(r.at, str) and r.at else None
        when = at.strftime("%Y-%m-%d %H:%M UTC") if at is not None else audit_value(r.at)
        rows.append({"when": when, "who": audit_value(r.actor) if isinstance(r.actor, str) else "not recorded",
                     "source": audit_value(r.source), "what": what, "change": change})
    return pd.DataFrame(rows, columns=["when", "who", "source", "what", "change"])
