"""Edit forms: record what you learn where you are (person card, account side panel, Data page).

Each form is one ``st.form`` calling one :class:`~kamgraph.ui.context.PageContext` edit
method. On success the page reruns at once (the caches were cleared, so it shows the
change) and a line says what was written; a refused edit shows the validator's message in
the form (``st.error``) and nothing is written. People are picked by name
("Name — title, organization") with :func:`kamgraph.ui.pickers.person_picker`, which finds
them by Chinese characters, pinyin, initials or the English name. Someone who may not edit
(a viewer) sees a note instead. Every label, help, button and message is translated
(:mod:`kamgraph.i18n`); codes (roles, attitudes, tie kinds) are shown with
:func:`kamgraph.i18n.terms.term`.

Widget keys are ``<prefix>_<form>_<field>`` with the prefix the caller gives (it includes
the person or account id where the form belongs to one), so tests can fill them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from kamgraph.errors import KamgraphError
from kamgraph.i18n import _, fmt_day, pgettext
from kamgraph.i18n.terms import term
from kamgraph.model import Attitude, InteractionKind, Side, TeamRole, TieKind
from kamgraph.names import display_names
from kamgraph.report.spreadsheet import csv_bytes
from kamgraph.ui.access import role_word
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import (
    ROLE_ORDER,
    audit_view,
    counted,
    list_text,
    md,
    person_labels,
    rows_text,
)
from kamgraph.ui.language import pinned
from kamgraph.ui.pickers import person_multiselect, person_picker, picker_labels

#: session-state key of the line saying what the last edit wrote (shown after the rerun)
FLASH_KEY = "edit_flash"
ATTITUDES = Attitude.values()
LEVELS = [1, 2, 3, 4, 5]
#: the level option that derives a person's level from their title
FROM_TITLE = "from title"
#: the range of every date field (Streamlit's default is ten years either side of the value)
_DATES = {"min_value": dt.date(1900, 1, 1), "max_value": dt.date(2100, 12, 31)}


def can_edit(ctx: PageContext) -> bool:
    """True when the user may edit; else a note saying who may."""
    if ctx.can("edit"):
        return True
    st.caption(_("Recording changes is for editors; you are signed in as a {role}.").format(
        role=role_word(ctx.access.role or "viewer")))
    return False


def flash() -> None:
    """The line the last edit left, once."""
    text = st.session_state.pop(FLASH_KEY, None)
    if text:
        st.success(text, icon=":material/check:")
        # the form used is often far below this line: a toast shows it where the user is
        st.toast(text, icon=":material/check:")


def _run(ctx: PageContext, action: Callable[[], object], done: str) -> None:
    """Run an edit; success: remember what it wrote and rerun; refusal: the message, here."""
    try:
        result = action()
    except KamgraphError as e:
        st.error(md(str(e)), icon=":material/error:")
        return
    parts = [rows_text(result.rows, "")] + [_("{rows} removed").format(rows=counted(int(n), str(e)))
                                            for e, n in result.deleted.items() if n]
    details = list_text(p for p in parts if p) or _("nothing changed")
    text = _("{done}: {details}").format(done=done, details=md(details))
    if result.warnings:
        text += "".join(f"  \n⚠ {md(w)}" for w in result.warnings)
    st.session_state[FLASH_KEY] = text
    st.rerun()


# -- what pickers need --------------------------------------------------------------------------

def org_names(ctx: PageContext) -> dict[str, str]:
    """Account and organization names by id."""
    out = {}
    for entity in ("accounts", "organizations"):
        f = ctx.read(entity)
        out.update({i: (n if isinstance(n, str) else i) for i, n in zip(f["id"], f["name"])})
    return out


def people_labels(ctx: PageContext) -> dict[str, str]:
    """``{id: "Name — title, organization"}``, by name; built once per data version (several
    forms on a page ask for it on every rerun)."""
    def build() -> dict[str, str]:
        people = ctx.read("people").sort_values(["name", "id"], kind="mergesort")
        return person_labels(people, ctx.read("employment"), org_names(ctx))

    return ctx.per_version("people_labels", build)


def people_names(ctx: PageContext) -> dict[str, object]:
    """``{id: name as stored}``: what a person picker searches (characters, pinyin, initials)."""
    def build() -> dict[str, object]:
        people = ctx.read("people")
        return dict(zip(people["id"].astype(str), people["name"]))

    return ctx.per_version("people_names", build)


def pick_labels(ctx: PageContext) -> dict[str, str]:
    """:func:`people_labels` as person pickers show them (the name in its own script, a
    Chinese-only name with its romanization): :func:`kamgraph.ui.pickers.picker_labels`."""
    return ctx.per_version("people_pick_labels", lambda: picker_labels(people_labels(ctx), people_names(ctx)))


def _person(ctx: PageContext, label: str, key: str, exclude=(), where=None):
    """One person, picked by name (characters, pinyin, initials or English)."""
    return person_picker(label, pick_labels(ctx), key, names=people_names(ctx), exclude=exclude, where=where,
                         labelled=True)


def _date(ctx: PageContext) -> dt.date:
    """The default date of a record: the configured analysis date (as imports date undated rows)."""
    return ctx.config.as_of.date()


def _columns(spec, compact: bool) -> list:
    """``st.columns(spec)``, or (``compact``: a narrow side panel) the form itself once per column."""
    return [st] * (spec if isinstance(spec, int) else len(spec)) if compact else st.columns(spec)


def _pick(label: str, options: list, key: str, current=None, fmt: Callable = str, **kw):
    index = options.index(current) if current in options else None
    return st.selectbox(label, options, index=index, key=key, format_func=fmt, placeholder="—", **kw)


# -- assess ---------------------------------------------------------------------------------------

def assess_form(ctx: PageContext, prefix: str, person_id: str, account_id: str, current: dict) -> None:
    """Decision role, attitude and influence at the account, preset to those in force."""
    with st.form(f"{prefix}_assess"):
        c1, c2, c3 = st.columns(3)
        roles = ROLE_ORDER
        role = c1.selectbox(_("Decision role"), roles, key=f"{prefix}_assess_role",
                            format_func=pinned(lambda v: term("role", v)),
                            index=roles.index(current["decision_role"]) if current.get("decision_role") in roles
                            else None, placeholder="—")
        attitude = c2.selectbox(_("Attitude"), ATTITUDES, key=f"{prefix}_assess_attitude",
                                format_func=pinned(lambda v: term("attitude", v)),
                                index=ATTITUDES.index(current["attitude"]) if current.get("attitude") in ATTITUDES
                                else None, placeholder="—")
        inf = current.get("influence")
        influence = c3.selectbox(_("Influence (1-5)"), LEVELS, key=f"{prefix}_assess_influence",
                                 index=LEVELS.index(int(inf)) if pd.notna(inf) and int(inf) in LEVELS else None,
                                 placeholder="—")
        d1, d2 = st.columns([1, 2])
        on = d1.date_input(_("Assessed on"), value=_date(ctx), key=f"{prefix}_assess_on", **_DATES)
        source = d2.text_input(_("Source"), key=f"{prefix}_assess_source",
                               placeholder=_("e.g. dinner with the CFO"))
        if st.form_submit_button(_("Record assessment"), key=f"{prefix}_assess_submit", icon=":material/save:"):
            _run(ctx, lambda: ctx.assess(person_id, account_id, decision_role=role, attitude=attitude,
                                         influence=influence, assessed_on=on, source=source),
                 _("Assessment recorded"))


# -- people -------------------------------------------------------------------------------------

def person_form(ctx: PageContext, prefix: str, person_id: str | None = None, account_id: str | None = None,
                side: str | None = None, compact: bool = False) -> None:
    """Edit a person (``person_id``; with ``account_id``, the title is also their job's there) or
    add one (at ``account_id`` when given, as a contact there)."""
    stored: dict = {}
    if person_id is not None:
        people = ctx.read("people")
        found = people[people["id"] == person_id]
        stored = found.iloc[0].to_dict() if len(found) else {}
    name = f"{prefix}_person"
    with st.form(name):
        c1, c2, c3 = _columns([2, 1, 1], compact)
        values = {"name": c1.text_input(_("Name"), value=_str(stored.get("name")), key=f"{name}_name",
                                        help=_("A Chinese name: family name first, without a space; the romanized "
                                               "form may stand before it."))}
        sides = Side.values()
        values["side"] = c2.selectbox(_("Side"), sides, key=f"{name}_side", format_func=pinned(lambda v: term("side", v)),
                                      index=sides.index(stored.get("side") or side or "customer"))
        lvl = stored.get("level")
        level = c3.selectbox(_("Level"), [FROM_TITLE, *LEVELS], key=f"{name}_level",
                             index=int(lvl) if pd.notna(lvl) and int(lvl) in LEVELS else 0,
                             format_func=pinned(lambda v: _("from title") if v == FROM_TITLE else str(v)),
                             help=_("1 = board/CEO .. 5 = staff; 'from title' derives it from the title."))
        values["level"] = "" if level == FROM_TITLE else level
        c1, c2 = _columns(2, compact)
        values["title"] = c1.text_input(_("Title"), value=_str(stored.get("title")), key=f"{name}_title")
        values["email"] = c2.text_input(_("E-mail"), value=_str(stored.get("email")), key=f"{name}_email")
        c1, c2, c3 = _columns(3, compact)
        values["phone"] = c1.text_input(_("Phone"), value=_str(stored.get("phone")), key=f"{name}_phone")
        values["city"] = c2.text_input(_("City"), value=_str(stored.get("city")), key=f"{name}_city")
        values["country"] = c3.text_input(_("Country"), value=_str(stored.get("country")), key=f"{name}_country")
        values["notes"] = st.text_area(_("Notes"), value=_str(stored.get("notes")), key=f"{name}_notes", height=68)
        role = None
        org = account_id
        if person_id is None and account_id is None:
            orgs = org_names(ctx)
            org = _pick(_("Works at"), sorted(orgs, key=lambda i: orgs[i]), f"{name}_org", fmt=lambda i: orgs[i])
        if person_id is None:
            role = _pick(_("Decision role there (contacts at an account)"), ROLE_ORDER, f"{name}_role",
                         fmt=pinned(lambda v: term("role", v)))
        label = _("Save changes") if person_id is not None else _("Add person")
        if st.form_submit_button(label, key=f"{name}_submit", icon=":material/save:"):
            if person_id is not None and account_id is not None:  # their title here is their job's too
                _run(ctx, lambda: ctx.edit_person(person_id, org_id=account_id, employment_title=values["title"],
                                                  **values), _("Person saved"))
            elif person_id is not None:
                _run(ctx, lambda: ctx.edit_person(person_id, **values), _("Person saved"))
            else:
                _run(ctx, lambda: ctx.add_person(org_id=org, decision_role=role, **values), _("Person added"))


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def job_change_form(ctx: PageContext, prefix: str, person_id: str) -> None:
    """End the person's current job and start one elsewhere (their history stays)."""
    orgs = org_names(ctx)
    jobs = ctx.read("employment")
    jobs = jobs[jobs["person_id"] == person_id]
    current = sorted(jobs.loc[jobs["until"].isna(), "org_id"], key=lambda i: orgs.get(i, i))
    name = f"{prefix}_job"
    with st.form(name):
        c1, c2 = st.columns(2)
        old = c1.selectbox(_("Leaves"), current, key=f"{name}_from", format_func=lambda i: orgs.get(i, i),
                           index=0 if current else None, placeholder=_("no current job"))
        new = _pick(_("Joins"), sorted(set(orgs) - set(jobs["org_id"]), key=lambda i: orgs[i]), f"{name}_to",
                    fmt=lambda i: orgs[i])
        c1, c2, c3 = st.columns(3)
        on = c1.date_input(pgettext("date of a change", "On"), value=_date(ctx), key=f"{name}_on", **_DATES)
        title = c2.text_input(_("New title"), key=f"{name}_title")
        team_role = c3.selectbox(_("Team role (our staff)"), TeamRole.values(), key=f"{name}_team_role", index=None,
                                 format_func=pinned(lambda v: term("team_role", v)), placeholder="—")
        if st.form_submit_button(_("Record job change"), key=f"{name}_submit", icon=":material/work_history:"):
            _run(ctx, lambda: ctx.job_change(person_id, new, on, from_org=old, title=title or None,
                                             team_role=team_role), _("Job change recorded"))


# -- interactions -------------------------------------------------------------------------------

def log_form(ctx: PageContext, prefix: str, account_id: str | None = None, attendees: list[str] | None = None,
             compact: bool = False) -> None:
    """Log an interaction: kind, date, attendees by name (both sides), account, opportunity, notes."""
    orgs = org_names(ctx)
    accounts = ctx.read("accounts")
    opps = ctx.read("opportunities")
    opp_label = {i: _("{opportunity} ({account})").format(opportunity=n, account=orgs.get(a, a))
                 for i, n, a in zip(opps["id"], opps["name"], opps["account_id"])}
    if account_id is not None:
        opp_ids = opps.loc[opps["account_id"] == account_id, "id"].tolist()
    else:
        opp_ids = opps["id"].tolist()
    name = f"{prefix}_log"
    with st.form(name):
        c1, c2 = _columns(2, compact)
        kind = c1.selectbox(_("Kind"), InteractionKind.values(), key=f"{name}_kind", index=None, placeholder="—",
                            format_func=pinned(lambda v: term("interaction_kind", v)))
        day = c2.date_input(_("Date"), value=_date(ctx), key=f"{name}_date", **_DATES)
        who = person_multiselect(_("Who was there (both sides)"), pick_labels(ctx), f"{name}_attendees",
                                 default=attendees or [], labelled=True)
        c1, c2 = _columns(2, compact)
        if account_id is None:
            acc = _pick(_("Account"), accounts["id"].tolist(), f"{name}_account", fmt=lambda i: orgs.get(i, i))
        else:
            acc = account_id
            c1.caption(_("At {account}").format(account=md(orgs.get(account_id, account_id))))
        opp = c2.selectbox(_("Opportunity"), opp_ids, key=f"{name}_opportunity", index=None, placeholder="—",
                           format_func=lambda i: opp_label.get(i, i))
        subject = st.text_input(_("Subject"), key=f"{name}_subject")
        notes = st.text_area(_("Notes"), key=f"{name}_notes", height=68)
        if st.form_submit_button(_("Log interaction"), key=f"{name}_submit", icon=":material/event_note:"):
            _run(ctx, lambda: ctx.log_interaction(kind=kind, date=day, attendees=who, account_id=acc,
                                                  opportunity_id=opp, subject=subject, notes=notes),
                 _("Interaction logged"))


# -- ties, influence, memberships ---------------------------------------------------------------

def tie_form(ctx: PageContext, prefix: str, person_id: str | None = None) -> None:
    """Add (or re-assess) a declared tie; from the person card, ``person_id`` is one end."""
    name = f"{prefix}_tie"
    with st.form(name):
        if person_id is None:
            a = _person(ctx, _("Person"), f"{name}_person")
        else:
            a = person_id
        b = _person(ctx, _("Knows"), f"{name}_other", exclude=[person_id] if person_id else ())
        c1, c2, c3 = st.columns(3)
        kind = c1.selectbox(_("Kind"), TieKind.values(), key=f"{name}_kind", index=None,
                            format_func=pinned(lambda v: term("tie_kind", v)), placeholder="—")
        strength = c2.selectbox(_("Strength (1-5)"), LEVELS, key=f"{name}_strength", index=None, placeholder="—")
        on = c3.date_input(_("Assessed on"), value=_date(ctx), key=f"{name}_on", **_DATES)
        notes = st.text_input(_("Notes"), key=f"{name}_notes")
        if st.form_submit_button(_("Add tie"), key=f"{name}_submit", icon=":material/handshake:"):
            _run(ctx, lambda: ctx.add_tie(a, b, kind, strength=strength, assessed_on=on, notes=notes or None),
                 _("Tie recorded"))


def end_form(ctx: PageContext, prefix: str, entity: str) -> None:
    """End (delete) one tie, influence link or membership, picked from those stored."""
    labels = pick_labels(ctx)  # the people by name as pickers show them, so pinyin finds them here too
    orgs = org_names(ctx)
    rows = ctx.read(entity)
    who = lambda i: labels.get(i, i)
    if entity == "ties":
        options = {f"{r.person_id}|{r.other_id}|{r.kind}": _("{person} ↔ {other} ({kind})").format(
                       person=who(r.person_id), other=who(r.other_id), kind=term("tie_kind", r.kind))
                   for r in rows.itertuples(index=False)}
    elif entity == "influence":
        options = {f"{r.source_id}|{r.target_id}": _("{source} → {target}").format(
                       source=who(r.source_id), target=who(r.target_id))
                   for r in rows.itertuples(index=False)}
    else:
        options = {f"{r.person_id}|{r.org_id}": _("{person} in {organization}").format(
                       person=who(r.person_id), organization=orgs.get(r.org_id, r.org_id))
                   for r in rows.itertuples(index=False)}
    name = f"{prefix}_end_{entity}"
    with st.form(name):
        chosen = _pick(_("Which"), sorted(options, key=options.get), f"{name}_which", fmt=lambda k: options[k],
                       help=_("Type part of a name: Chinese characters, pinyin, initials (zjg) or the English name."))
        if st.form_submit_button(_("End it"), key=f"{name}_submit", icon=":material/link_off:"):
            if chosen is None:
                st.error(_("Pick one first."))
                return
            parts = chosen.split("|")
            action = {"ties": lambda: ctx.end_tie(*parts), "influence": lambda: ctx.end_influence(*parts),
                      "memberships": lambda: ctx.end_membership(*parts)}[entity]
            _run(ctx, action, _("Ended"))


def influence_form(ctx: PageContext, prefix: str) -> None:
    """Whose opinion weighs on whose decision, and how much."""
    name = f"{prefix}_influence"
    with st.form(name):
        a = _person(ctx, _("Whose opinion"), f"{name}_source")
        b = _person(ctx, _("weighs on"), f"{name}_target")
        weight = st.selectbox(_("Weight (1-5)"), LEVELS, key=f"{name}_weight", index=None, placeholder="—")
        if st.form_submit_button(_("Add influence link"), key=f"{name}_submit"):
            _run(ctx, lambda: ctx.add_influence(a, b, weight=weight), _("Influence link recorded"))


def membership_form(ctx: PageContext, prefix: str) -> None:
    """A person's membership of an organization (an association, an alumni network ...)."""
    orgs = org_names(ctx)
    name = f"{prefix}_membership"
    with st.form(name):
        a = _person(ctx, _("Person"), f"{name}_person")
        org = _pick(_("Member of"), sorted(orgs, key=lambda i: orgs[i]), f"{name}_org", fmt=lambda i: orgs[i])
        c1, c2 = st.columns(2)
        role = c1.text_input(pgettext("membership", "Role"), key=f"{name}_role",
                             placeholder=_("e.g. alumnus, board member"))
        since = c2.date_input(_("Since"), value=None, key=f"{name}_since", **_DATES)
        if st.form_submit_button(_("Add membership"), key=f"{name}_submit"):
            _run(ctx, lambda: ctx.add_membership(a, org, role=role or None, since=since),
                 _("Membership recorded"))


# -- the audit trail ----------------------------------------------------------------------------

def history(ctx: PageContext, prefix: str, person_id: str | None = None, account_id: str | None = None) -> None:
    """"History of changes": who changed what, when, before → after; a CSV download."""
    if not ctx.has_audit:
        st.caption(_("This store keeps no history of changes."))
        return

    def build() -> pd.DataFrame:  # once per data version and person/account (a rerun reuses it)
        audit = ctx.audit(person_id=person_id, account_id=account_id)
        people = ctx.read("people")
        names = {**org_names(ctx), **dict(zip(people["id"], display_names(people["name"])))}
        opps = ctx.read("opportunities")
        names.update(zip(opps["id"], opps["name"]))
        inter = ctx.read("interactions")  # an interaction as kind, subject and day, not its generated id
        names.update({i: _interaction_name(k, s, d)
                      for i, k, s, d in zip(inter["id"], inter["kind"], inter["subject"], inter["date"])})
        return audit_view(audit, {k: v for k, v in names.items() if isinstance(v, str)})

    view = ctx.per_version(f"history:{person_id}:{account_id}", build)
    if view.empty:
        st.caption(_("No recorded changes yet."))
        return
    st.dataframe(view, hide_index=True, width="stretch")
    st.download_button(_("Download as CSV"), data=lambda: csv_bytes(view), file_name=f"kamgraph-history-{prefix}.csv",
                       mime="text/csv", key=f"{prefix}_history_csv", icon=":material/download:")


def _interaction_name(kind: object, subject: object, day: object) -> str:
    """An interaction in the history: its kind, subject and day (not its generated id)."""
    values = {"kind": term("interaction_kind", kind), "subject": " ".join(subject.split()) if isinstance(subject, str)
              else "", "day": fmt_day(day) if pd.notna(day) else ""}
    if values["subject"] and values["day"]:
        return _("{kind} “{subject}”, {day}").format(**values)
    if values["subject"]:
        return _("{kind} “{subject}”").format(**values)
    if values["day"]:
        return _("{kind}, {day}").format(**values)
    return values["kind"]
