"""Presentation helpers for the pages: safe Markdown, labels, table formatting.

Names, titles, notes and file contents are untrusted. Streamlit renders Markdown (never raw
HTML unless asked), but Markdown itself can restyle text or make links, so anything from the
data that goes into ``st.markdown``/``st.error``/``st.caption`` passes :func:`md` first.

Every word these helpers write is in the current language (:mod:`kamgraph.i18n`): dates through
:func:`~kamgraph.i18n.fmt_day`, codes through :func:`~kamgraph.i18n.terms.term`, labels and
counts from the catalogue; English output is as it always was.

Backslash escapes do not stop GFM autolinks: Streamlit's Markdown finds ``http://...``,
``www.`` and ``name@host.tld`` in the text *after* escapes are resolved. :func:`md` puts an
invisible WORD JOINER (U+2060) inside each of those patterns (after ``:``, after ``www``,
after ``@``), so they show as typed but never become links.
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from kamgraph.i18n import N_, NP_, _, current_language, fmt_day, ngettext, pgettext
from kamgraph.i18n.terms import TERMS, term
from kamgraph.names import display_names

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
    """``decision_maker`` -> ``decision maker``; None -> ``—`` (English only: a code shown to a
    person goes through :func:`kamgraph.i18n.terms.term`, which also speaks Chinese)."""
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
    """A day in the current language (``2026-11-26`` / ``2026年11月26日``); ``never`` for none."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return _("never")
    return fmt_day(value)


def strength_text(value: object) -> str:
    """A strength, keeping "never interacted" (NaN) apart from 0."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return _("no relationship")
    return f"{float(value):.2f}"


def date_column_format() -> str:
    """The display format of a ``st.column_config.DateColumn`` in the current language."""
    return "YYYY年M月D日" if current_language() == "zh_CN" else "YYYY-MM-DD"


def list_text(items: Iterable[str]) -> str:
    """Items as one list: ``a, b, c`` in English, ``a、b、c`` in Chinese."""
    return pgettext("list separator", ", ").join(items)


def headers(mapping: dict[str, str]) -> dict[str, str]:
    """``{column: header}`` with every header (marked with ``N_``) translated, for :func:`columns`."""
    return {k: _(v) for k, v in mapping.items()}


def option_labels(ids: Iterable[str], labels: pd.Series) -> dict[str, str]:
    """``{id: label}`` for select boxes, falling back to the id."""
    return {i: (str(labels.get(i)) if isinstance(labels.get(i), str) else str(i)) for i in ids}


#: how a trend slope (the monthly relative change of a relationship's odds) is shown: as % a month
#: (marked only: the header shown is :func:`slope_label`, i.e. ``_(SLOPE_LABEL)``)
SLOPE_LABEL = N_("change a month")
SLOPE_FORMAT = "%+.0f%%"


def slope_label() -> str:
    """:data:`SLOPE_LABEL` in the current language."""
    return _(SLOPE_LABEL)


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
    the person's current job (else their latest, else their own title). The name as the
    reader's language shows it (:func:`kamgraph.names.display_names`: ``"周建国（Zhou Jianguo）"``
    in Chinese, as stored in English).

    >>> people = pd.DataFrame({"id": ["C1", "S1"], "name": ["Ann Lee", "Li Wei"], "title": ["CFO", None]})
    >>> jobs = pd.DataFrame({"person_id": ["C1"], "org_id": ["A1"], "title": ["CFO"],
    ...                      "since": [pd.Timestamp("2020-01-01")], "until": [pd.NaT]})
    >>> person_labels(people, jobs, {"A1": "Acme"})
    {'C1': 'Ann Lee — CFO, Acme', 'S1': 'Li Wei'}
    >>> from kamgraph.i18n import use_language
    >>> with use_language("zh_CN"):
    ...     person_labels(people, jobs, {"A1": "Acme"})["C1"]
    'Ann Lee — Acme，CFO'
    """
    # a place on an account's team (a team role) is not where our people work: their own job first
    team = employment["team_role"].notna() if "team_role" in employment.columns else False
    jobs = employment.assign(_ended=employment["until"].notna(), _team=team)
    jobs = jobs.sort_values(["person_id", "_ended", "_team", "since"], ascending=[True, True, True, False],
                            kind="mergesort", na_position="last").drop_duplicates("person_id").set_index("person_id")
    # each person's job, aligned with ``people`` in one vectorized lookup (not a .loc per person)
    job_titles = people["id"].map(jobs["title"]).to_numpy(dtype=object)
    job_orgs = people["id"].map(jobs["org_id"]).to_numpy(dtype=object)
    shown_names = display_names(people["name"]).to_numpy(dtype=object)
    out = {}
    for pid, name, title, job_title, org_id in zip(people["id"], shown_names, people["title"], job_titles,
                                                   job_orgs):
        job_title = job_title if isinstance(job_title, str) else title
        org = org_names.get(org_id) if isinstance(org_id, str) else None
        job_title, org = ((" ".join(str(v).split()) if isinstance(v, str) and v.strip() else None)
                          for v in (job_title, org))
        rest = (_("{title}, {organization}").format(title=job_title, organization=org) if job_title and org
                else job_title or org)
        shown = " ".join(str(name).split()) if isinstance(name, str) and name.strip() else str(pid)
        out[str(pid)] = _("{name} — {details}").format(name=shown, details=rest) if rest else shown
    return out


#: what an audit entry's entity is called in the history of changes (marked only: shown with
#: :func:`entity_label`)
ENTITY_LABELS = {"people": N_("person"), "accounts": N_("account"), "organizations": N_("organization"),
                 "employment": N_("job"), "assessments": N_("assessment"), "reports_to": N_("reporting line"),
                 "ties": N_("tie"), "influence": N_("influence link"), "memberships": N_("membership"),
                 "interactions": N_("interaction"), "attendance": N_("attendance"), "opportunities": N_("opportunity"),
                 "opportunity_roles": N_("opportunity role")}


def entity_label(entity: str) -> str:
    """What an entity's row is called, in the current language (``ties`` -> ``tie``)."""
    label = ENTITY_LABELS.get(entity)
    return _(label) if label is not None else nice(entity)


#: how a count of an entity's rows reads, in the current language (whole templates, one per entity)
_COUNTS = {
    "people": lambda n: ngettext("{n} person", "{n} people", n),
    "accounts": lambda n: ngettext("{n} account", "{n} accounts", n),
    "organizations": lambda n: ngettext("{n} organization", "{n} organizations", n),
    "employment": lambda n: ngettext("{n} job", "{n} jobs", n),
    "assessments": lambda n: ngettext("{n} assessment", "{n} assessments", n),
    "reports_to": lambda n: ngettext("{n} reporting line", "{n} reporting lines", n),
    "ties": lambda n: ngettext("{n} tie", "{n} ties", n),
    "influence": lambda n: ngettext("{n} influence link", "{n} influence links", n),
    "memberships": lambda n: ngettext("{n} membership", "{n} memberships", n),
    "interactions": lambda n: ngettext("{n} interaction", "{n} interactions", n),
    "attendance": lambda n: ngettext("{n} attendee", "{n} attendees", n),
    "opportunities": lambda n: ngettext("{n} opportunity", "{n} opportunities", n),
    "opportunity_roles": lambda n: ngettext("{n} opportunity role", "{n} opportunity roles", n),
}


def counted(n: int, entity: str) -> str:
    """``counted(1, "assessments")`` -> ``1 assessment``; ``counted(5, "attendance")`` -> ``5 attendees``.

    >>> counted(1, "interactions"), counted(2, "people"), counted(3, "opportunity_roles")
    ('1 interaction', '2 people', '3 opportunity roles')
    >>> from kamgraph.i18n import use_language
    >>> with use_language("zh_CN"):
    ...     counted(2, "people"), counted(5, "attendance")
    ('2人', '5名参与人')
    """
    form = _COUNTS.get(entity)
    if form is not None:
        return form(n).format(n=n)
    one = nice(entity)
    return f"{n} {one if n == 1 else one + 's'}"


def rows_text(rows: dict, empty: str | None = None) -> str:
    """Rows per entity in words (``1 interaction, 5 attendees``); ``empty`` (default "nothing
    new", translated) when there are none."""
    return list_text(counted(int(n), str(e)) for e, n in rows.items() if n) or (
        _("nothing new") if empty is None else empty)


#: columns an audit entry's key may name someone or something by
_ID_COLUMNS = ("id", "person_id", "other_id", "manager_id", "source_id", "target_id", "org_id", "account_id",
               "interaction_id", "opportunity_id", "assessed_by", "owner_id")


#: how a field of an audit entry reads (marked only: shown with :func:`field_label`)
_FIELD_LABELS = {"account_id": N_("account"), "org_id": N_("organization"), "opportunity_id": N_("opportunity"),
                 "manager_id": N_("manager"), "owner_id": N_("owner"), "other_id": N_("other person"),
                 "person_id": N_("person"), "interaction_id": N_("interaction"), "source_id": N_("from"),
                 "target_id": N_("to"), "amount": N_("amount"), "assessed_by": N_("assessed by"),
                 "assessed_on": N_("assessed on"), "attitude": N_("attitude"), "city": N_("city"),
                 "close_date": N_("close date"), "collection_rate": N_("collection rate"), "country": N_("country"),
                 "date": N_("date"), "decision_role": N_("decision role"), "email": N_("e-mail"),
                 "gross_margin": N_("gross margin"), "growth": N_("growth"), "id": N_("id"),
                 "industry": N_("industry"), "industry_influence": N_("industry influence"),
                 "influence": N_("influence"), "kind": N_("kind"), "level": N_("level"), "name": N_("name"),
                 "notes": N_("notes"), "on_time_payment": N_("on-time payment"), "phone": N_("phone"),
                 "problem": N_("problem account"), "region": N_("region"), "revenue": N_("revenue"),
                 "role": N_("role"), "side": N_("side"), "since": N_("since"), "source": N_("source"),
                 "stage": N_("stage"), "status": N_("status"), "strategic_fit": N_("strategic fit"),
                 "strength": N_("strength"), "subject": N_("subject"), "team_role": N_("team role"),
                 "tier": N_("tier"), "title": N_("title"), "until": N_("until"), "weight": N_("weight")}
#: fields of an audit entry that hold a code of a kind of :data:`kamgraph.i18n.terms.TERMS`
_FIELD_TERMS = {"attitude": "attitude", "decision_role": "role", "tier": "tier", "side": "side",
                "team_role": "team_role"}
#: the kind of the ``kind`` field, per entity
_KIND_TERMS = {"ties": "tie_kind", "interactions": "interaction_kind", "organizations": "org_kind"}


def field_label(field: str) -> str:
    """What a field of an audit entry is called, in the current language."""
    label = _FIELD_LABELS.get(field)
    return _(label) if label is not None else nice(field)


def audit_value(value: object) -> str:
    """One value of an audit entry as shown: missing is ``—`` (never ``None``)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def audit_source(value: object) -> str:
    """Where an audit entry came from, as shown: an edit's operation in words (the trail keeps
    ``edit: assess``; the catalogue has the operations in the context ``edit``), else as recorded
    (an imported file's path, ``cli``...).

    >>> audit_source("edit: assess"), audit_source("/data/people.csv"), audit_source(None)
    ('edit: assess', '/data/people.csv', '—')
    """
    text = audit_value(value)
    head, sep, operation = text.partition(": ")
    if sep and head == "edit" and operation:
        return _("edit: {operation}").format(operation=pgettext("edit", operation))
    return text


def audit_view(audit: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The audit trail as people read it, newest first: when, who, source, what, change (the
    column headers in the current language, as :data:`AUDIT_HEADERS`).

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
    zh = current_language() == "zh_CN"
    for r in audit.sort_values("seq", ascending=False, kind="mergesort").itertuples(index=False):
        key = r.key if isinstance(r.key, dict) else {}
        before = r.before if isinstance(r.before, dict) else None
        after = r.after if isinstance(r.after, dict) else None
        shown_key = [names.get(str(v), audit_value(v)) if k in _ID_COLUMNS else audit_value(v)
                     for k, v in key.items()]
        entity = str(r.entity)
        what = _("{entity}: {key}").format(entity=entity_label(entity), key=list_text(shown_key))
        if after is None:
            change = _("deleted") if before is not None or str(r.action).startswith(("delete", "erase")) else "—"
        else:
            fields = [f for f in after if f not in key]
            parts = []

            def shown(f: str, v: object, entity: str = entity) -> str:  # an id as its name, a code as a word
                if f in _ID_COLUMNS:
                    return names.get(str(v), audit_value(v))
                kind = _KIND_TERMS.get(entity) if f == "kind" else _FIELD_TERMS.get(f)
                if kind is not None and isinstance(v, str) and v in TERMS.get(kind, {}):
                    return term(kind, v)
                return audit_value(v)

            for f in fields:
                new = shown(f, after.get(f))
                label = field_label(f)
                if before is None:
                    if new != "—":
                        parts.append(_("{field}: {value}").format(field=label, value=new))
                elif shown(f, before.get(f)) != new:
                    parts.append(_("{field}: {before} → {after}").format(field=label, before=shown(f, before.get(f)),
                                                                         after=new))
            change = pgettext("list separator", "; ").join(parts) if parts else (
                _("added") if before is None else _("no field changed"))
        at = pd.Timestamp(r.at) if isinstance(r.at, str) and r.at else None
        if at is None:
            when = audit_value(r.at)
        elif zh:
            when = f"{fmt_day(at)} {at:%H:%M} UTC"
        else:
            when = at.strftime("%Y-%m-%d %H:%M UTC")
        rows.append({"when": when, "who": audit_value(r.actor) if isinstance(r.actor, str) else _("not recorded"),
                     "source": audit_source(r.source), "what": what, "change": change})
    frame = pd.DataFrame(rows, columns=list(AUDIT_HEADERS))
    return frame.rename(columns={k: pgettext("history", v) for k, v in AUDIT_HEADERS.items()})


#: the history of changes' columns (marked only, in the context "history": ``who`` here is who
#: made the change; :func:`audit_view` shows them translated)
AUDIT_HEADERS = {"when": NP_("history", "when"), "who": NP_("history", "who"), "source": NP_("history", "source"),
                 "what": NP_("history", "what"), "change": NP_("history", "change")}
