"""Account: the relationship map, the gap list and access paths, and a card per contact.

Editors record what they learn here (:mod:`kamgraph.ui.forms`): the side panel logs an
interaction at the account or adds a contact; the person card assesses role, attitude and
influence, edits the person, records a job change, logs an interaction with them or adds a
tie. "History of changes" shows who changed what about the account and about the person.

Query parameters ``?account=<id>&contact=<id>`` open an account and a contact's card directly
(links from the portfolio page, other pages and e-mails); ``person`` is the older name of
``contact`` and still works. The map starts from the customer's org chart
(:func:`kamgraph.report.relmap.account_map`) with a focus chosen above it: the buying center
(default), one contact and everyone who can reach them, or one of our people and everyone they
reach. The side panel and the person card show the contact's political history: every dated
assessment of role, attitude and influence, who made it and from what source
(:func:`kamgraph.report.relmap.political_timeline`). The map filters live in the sidebar.

Every word is in the reader's language (:mod:`kamgraph.i18n`); the tables keep their English
column names in English and show them translated otherwise.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamgraph.analysis.coverage import (
    account_coverage,
    contact_coverage,
    internal_contact_strengths,
)
from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.paths import uncovered_decision_maker_paths
from kamgraph.analysis.strength import explain_pairs
from kamgraph.analysis.trends import monthly_series, trends
from kamgraph.analysis.whatif import key_person_risk
from kamgraph.i18n import N_, _, fmt_day, fmt_percent, ngettext
from kamgraph.i18n.terms import term, terms
from kamgraph.names import display_names
from kamgraph.report.relmap import (
    DEFAULT_MIN_STRENGTH,
    account_map,
    political_timeline,
)
from kamgraph.ui import forms
from kamgraph.ui.charts import sparkline
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import (
    ROLE_ORDER,
    SLOPE_FORMAT,
    SLOPE_LABEL,
    accounts_in_order,
    columns,
    date_column_format,
    date_text,
    headers,
    md,
    severity_band,
    slope_percent,
    strength_text,
)
from kamgraph.ui.pickers import person_picker, search_help

#: the map's focus choices, as the selector shows them (marked only: shown translated)
FOCUS_LABELS = {"buying_center": N_("Buying center"), "contact": N_("A contact"), "ours": N_("One of our people")}
#: "Who on our side knows them": columns -> headers
KNOWN_BY_COLUMNS = {"person_name": N_("our person"), "strength_now": N_("strength"), "label": N_("trend"),
                    "slope": SLOPE_LABEL, "n_interactions": N_("interactions"),
                    "last_interaction": N_("last interaction"), "why": N_("where the strength comes from")}
#: "All contacts": columns -> headers
CONTACT_COLUMNS = {"name": N_("name"), "title": N_("title"), "level": N_("level"), "decision_role": N_("role"),
                   "attitude": N_("attitude"), "influence": N_("influence"), "best_strength": N_("best strength"),
                   "best_internal_name": N_("best tie from"), "covered": N_("covered"),
                   "peer_covered": N_("peer covered"), "threads": N_("threads"),
                   "last_interaction": N_("last interaction")}
#: query parameters that name the contact whose card is open (``person``: the older name)
CONTACT_PARAMS = ("contact", "person")


def _pick_account(ctx: PageContext) -> str | None:
    accounts = ctx.read("accounts")
    if accounts.empty:
        st.info(_("No accounts in the store yet: import accounts on the Data page."))
        return None
    order = accounts_in_order(accounts)
    ids = order["id"].tolist()
    label = dict(zip(order["id"], order["name"].fillna(order["id"]) + "  ·  "
                     + terms("tier", order["tier"], missing=_("no tier"))))
    wanted = st.query_params.get("account")
    index = ids.index(wanted) if wanted in ids else 0
    _follow_link("acc_account", wanted if wanted in ids else None)
    account_id = st.sidebar.selectbox(_("Account"), ids, index=index, key="acc_account", format_func=lambda i: label[i])
    if st.query_params.get("account") != account_id:
        st.query_params["account"] = account_id
        for param in CONTACT_PARAMS:
            st.query_params.pop(param, None)
    return account_id


def _follow_link(key: str, wanted: str | None) -> None:
    """A link that arrives in a running session (the portfolio's row links) wins over the
    widget's remembered choice: when the query string names something new, preset the widget."""
    seen = f"{key}__link"
    if wanted is not None and st.session_state.get(seen) != wanted:
        st.session_state[seen] = wanted
        st.session_state[key] = wanted


def _wanted_contact() -> str | None:
    """The contact the query string asks for (``contact``, else ``person``)."""
    for param in CONTACT_PARAMS:
        value = st.query_params.get(param)
        if value:
            return value
    return None


def _set_contact(pid: str) -> None:
    """Keep the query string on the open card (both names, so old and new links agree)."""
    for param in CONTACT_PARAMS:
        if st.query_params.get(param) != pid and (param == "person" or param in st.query_params):
            st.query_params[param] = pid


def _contact_order(contacts: pd.DataFrame) -> pd.DataFrame:
    rank = contacts["decision_role"].map({r: i for i, r in enumerate(ROLE_ORDER)}).fillna(len(ROLE_ORDER))
    return contacts.assign(_rank=rank).sort_values(["_rank", "level", "name"], kind="mergesort")


def _selected_contact(account_id: str, ids: list[str]) -> str | None:
    """The contact whose card is open: the card's choice this session, else the query string's,
    else the first in order."""
    key = f"acc_person_{account_id}"
    wanted = _wanted_contact()
    _follow_link(key, wanted if wanted in ids else None)
    chosen = st.session_state.get(key)
    if chosen in ids:
        return chosen
    return ids[0] if ids else None


def _filters(ctx: PageContext) -> tuple[float, tuple[str, ...] | None, bool]:
    st.sidebar.markdown(_("**Map filters**"))
    min_strength = st.sidebar.slider(_("Minimum strength"), 0.0, 1.0, DEFAULT_MIN_STRENGTH, 0.05,
                                     key="acc_min_strength", help=_("Hide relationship lines weaker than this."))
    # option labels worked out now, in this session's language (not later in whichever thread asks)
    role_words = {r: term("role", r) for r in ROLE_ORDER}
    roles = st.sidebar.multiselect(_("Decision roles"), ROLE_ORDER, default=ROLE_ORDER, key="acc_roles",
                                   format_func=role_words.__getitem__,
                                   help=_("Contacts with these roles (all selected: every contact, "
                                          "including those without a role)."))
    external = st.sidebar.toggle(_("Show external connectors"), value=True, key="acc_external")
    chosen = None if set(roles) == set(ROLE_ORDER) else tuple(sorted(roles))
    return float(min_strength), chosen, bool(external)


def render(ctx: PageContext) -> None:
    account_id = _pick_account(ctx)
    if account_id is None:
        return
    min_strength, roles, external = _filters(ctx)
    scope = (account_id,)
    asof = ctx.as_of_text

    cov = ctx.compute(account_coverage, scope=scope, as_of=asof, accounts=scope)
    row = cov.iloc[0]
    accounts = ctx.read("accounts").set_index("id")
    acc = accounts.loc[account_id]
    st.header(md(row["account_name"]))
    where = " · ".join(md(v) for v in (acc.get("industry"), acc.get("city"), acc.get("region")) if isinstance(v, str))
    st.caption(_("{tier} account · {where} · as of {day}").format(tier=md(term("tier", row["tier"])), where=where,
                                                                 day=fmt_day(asof)))
    forms.flash()

    account_gaps = ctx.compute(gaps, scope=scope, as_of=asof, accounts=scope)
    risk = ctx.compute(key_person_risk, scope=scope, as_of=asof, accounts=scope)
    m = st.columns(5)
    m[0].metric(_("Coverage score"), fmt_percent(row["coverage_score"]) if pd.notna(row["coverage_score"]) else "—")
    m[1].metric(_("Buying center covered"), f"{int(row['buying_center_covered'])}/{int(row['buying_center'])}")
    m[2].metric(_("Threads"), int(row["threads"]))
    m[3].metric(_("Gaps"), len(account_gaps))
    m[4].metric(_("High-severity gaps"), int((severity_band(account_gaps["severity"]) == "high").sum()))
    r = risk.iloc[0] if len(risk) else None
    if r is not None and isinstance(r["internal_name"], str) and r["drop"] > 0:
        st.caption(_("Key person: if {name} left, the coverage score would drop by {drop} to {score}.").format(
            name=md(r["internal_name"]), drop=fmt_percent(r["drop"]), score=fmt_percent(r["score_without"])))

    contacts = ctx.compute(contact_coverage, scope=scope, as_of=asof, accounts=scope)
    contacts = _contact_order(contacts[contacts["account_id"] == account_id])
    selected = _selected_contact(account_id, contacts["contact_id"].tolist())

    left, right = st.columns([7, 3], gap="medium")
    with left:
        focus, focus_id = _focus(ctx, account_id, contacts, selected)
        _map(ctx, account_id, scope, min_strength, roles, external, focus, focus_id)
    with right:
        shown = focus_id if focus == "contact" else selected
        if shown is not None:
            _history_panel(ctx, account_id, scope, shown, contacts)
        _gaps(account_gaps)
        _paths(ctx, account_id, scope)
        _record(ctx, account_id)

    st.divider()
    _card(ctx, account_id, scope, contacts, selected)
    with st.expander(_("History of changes at this account")):
        forms.history(ctx, f"acc_{account_id}", account_id=account_id)


def _record(ctx: PageContext, account_id: str) -> None:
    """The side panel's edits: log an interaction here, add a contact here."""
    st.subheader(_("Record"))
    if not forms.can_edit(ctx):
        return
    with st.expander(_("Log an interaction at this account"), icon=":material/event_note:"):
        forms.log_form(ctx, f"acc_{account_id}", account_id=account_id, compact=True)
    with st.expander(_("Add a contact"), icon=":material/person_add:"):
        forms.person_form(ctx, f"acc_{account_id}_new", account_id=account_id, side="customer", compact=True)


def _focus(ctx: PageContext, account_id: str, contacts: pd.DataFrame, selected: str | None) -> tuple[str, str | None]:
    """The map's focus: the buying center, one contact, or one of our people."""
    st.subheader(_("Relationship map"))
    c1, c2 = st.columns([5, 4], vertical_alignment="bottom")
    focus_words = {f: _(label) for f, label in FOCUS_LABELS.items()}  # now, in this session's language
    focus = c1.segmented_control(_("Map focus"), list(FOCUS_LABELS), default="buying_center", key="acc_focus",
                                 format_func=focus_words.__getitem__,
                                 help=_("Who the map draws our people and connectors for. Branches of the org chart "
                                        "with nobody in focus are folded into grey '+N people' boxes (click one)."))
    focus = focus or "buying_center"
    if focus == "contact":
        ids = contacts["contact_id"].tolist()
        if not ids:
            return "buying_center", None
        label = _contact_labels(contacts)
        pid = person_picker(_("Contact"), label, f"acc_focus_contact_{account_id}", names=forms.people_names(ctx),
                            current=selected if selected in ids else ids[0], where=c2,
                            help=_("The contact and everyone on our side who can reach them: direct ties and "
                                   "one-intermediary paths.") + "\n\n" + search_help())
        return focus, pid
    if focus == "ours":
        people = ctx.read("people")
        ours = people[people["side"] == "internal"].sort_values(["name", "id"], kind="mergesort")
        if ours.empty:
            return "buying_center", None
        shown = display_names(ours["name"]).fillna(ours["id"])  # the name in the reader's script
        label = {i: " · ".join(x for x in (n, t) if isinstance(x, str))
                 for i, n, t in zip(ours["id"], shown, ours["title"])}
        ids = ours["id"].tolist()
        owner = ctx.read("accounts").set_index("id")["owner_id"].get(account_id) \
            if "owner_id" in ctx.read("accounts") else None
        pid = person_picker(_("Our person"), label, f"acc_focus_ours_{account_id}", names=forms.people_names(ctx),
                            current=owner if owner in ids else ids[0], where=c2,
                            help=_("One of our people and every contact here they reach, directly or through "
                                   "one connector.") + "\n\n" + search_help())
        return focus, pid
    return focus, None


def _contact_labels(contacts: pd.DataFrame) -> dict[str, str]:
    """``{contact id: "Name · title · role"}`` for the pickers, the role in words."""
    return {r.contact_id: " · ".join(str(v) for v in (r.name, r.title, term("role", r.decision_role))
                                     if isinstance(v, str))
            for r in contacts.itertuples(index=False)}


def map_caption(drawn: int, lines: int, links: int, people: int, hidden: int, ours: int, connectors: int,
                min_strength: float | None) -> str:
    """What the map shows, in words (``min_strength``: None where the map does not filter by it).

    >>> map_caption(12, 1, 0, 9, 3, 2, 1, 0.3)[:120]
    '12 people · 1 relationship line (strength ≥ 0.30) · 0 influence links · 9 contacts in the org chart, 3 more folded in gr'
    """
    parts = [ngettext("{n} person", "{n} people", drawn).format(n=drawn)]
    if min_strength is None:
        parts.append(ngettext("{n} relationship line", "{n} relationship lines", lines).format(n=lines))
    else:
        parts.append(ngettext("{n} relationship line (strength ≥ {min})", "{n} relationship lines (strength ≥ {min})",
                              lines).format(n=lines, min=f"{min_strength:.2f}"))
    parts.append(ngettext("{n} influence link", "{n} influence links", links).format(n=links))
    if hidden:
        parts.append(ngettext("{n} contact in the org chart, {hidden} more folded in grey boxes",
                              "{n} contacts in the org chart, {hidden} more folded in grey boxes",
                              people).format(n=people, hidden=hidden))
    else:
        parts.append(ngettext("{n} contact in the org chart", "{n} contacts in the org chart",
                              people).format(n=people))
    parts.append(_("{n} of our people").format(n=ours))
    parts.append(ngettext("{n} connector", "{n} connectors", connectors).format(n=connectors))
    return _("{counts}. Hover a box or a line for details; drag to pan, scroll to zoom. A red dashed border marks an "
             "uncovered decision-maker, an orange one a cooling key relationship.").format(counts=" · ".join(parts))


def _map(ctx: PageContext, account_id: str, scope, min_strength: float, roles, external: bool,
         focus: str = "buying_center", focus_id: str | None = None) -> None:
    rmap = ctx.compute(account_map, account_id, scope=scope, as_of=ctx.as_of_text, min_strength=min_strength,
                       roles=roles, show_external=external, focus=focus, focus_id=focus_id)
    e = rmap.edges["kind"].value_counts()
    n = rmap.nodes["group"].value_counts()
    st.iframe(rmap.html, height="content", alt=_("Relationship map"))
    people = int(n.get("contact", 0))
    hidden = int(rmap.nodes.loc[rmap.nodes["group"] == "more", "hidden"].sum())
    drawn = people + int(n.get("ours", 0)) + int(n.get("external", 0))
    st.caption(map_caption(drawn, int(e.get("tie", 0)), int(e.get("influence", 0)), people, hidden,
                           int(n.get("ours", 0)), int(n.get("external", 0)),
                           min_strength if focus != "contact" else None))
    if rmap.message:
        st.info(md(rmap.message))


def _history_lines(timeline: pd.DataFrame) -> list[str]:
    """Markdown lines of a political timeline, newest first; changed fields in bold."""
    lines = []
    for r in timeline.iloc[::-1].itertuples(index=False):
        # the text starts with its date ("2025-05-20: ..." / "2025年5月20日：..."): shown apart, in bold
        what = md(r.text)
        for day in {f"{pd.Timestamp(r.date):%Y-%m-%d}", fmt_day(r.date)}:
            for sep in (": ", "：", ":"):
                if r.text.startswith(day + sep):
                    what = md(r.text[len(day + sep):].lstrip())
        mark = ":orange[●]" if r.changes else ":gray[○]"
        lines.append(f"{mark} **{fmt_day(r.date)}** — {what}")
    return lines


def _history_panel(ctx: PageContext, account_id: str, scope, pid: str, contacts: pd.DataFrame) -> None:
    """The side panel's political history of the selected contact."""
    name = contacts.set_index("contact_id")["name"].get(pid, pid)
    st.subheader(_("Political history"))
    st.caption(_("{name}: role, attitude and influence as assessed over time (newest first).").format(name=md(name)))
    timeline = ctx.compute(political_timeline, account_id, pid, scope=scope, as_of=ctx.as_of_text)
    if timeline.empty:
        st.caption(_("No assessment recorded yet: record one on the person card."))
        return
    with st.container(height=min(260, 60 + 52 * len(timeline)), border=False):
        st.markdown("  \n".join(_history_lines(timeline)))


def _gaps(account_gaps: pd.DataFrame) -> None:
    st.subheader(_("Gaps"))
    if account_gaps.empty:
        st.success(_("No gaps: this account is covered as its tier policy asks."))
        return
    bands = severity_band(account_gaps["severity"])
    icons = {"high": ":red[●]", "medium": ":orange[●]", "low": ":gray[●]"}
    with st.container(height=560):
        for g, band in zip(account_gaps.itertuples(index=False), bands):
            who = f" — {md(g.target_name)}" if isinstance(g.target_name, str) else ""
            text = f"{icons[band]} **{md(term('gap_kind', g.kind))}**{who}  \n{md(g.evidence)}"
            if isinstance(g.action, str):
                text += f"  \n:material/arrow_forward: {md(g.action)}"
            st.markdown(text)


def _paths(ctx: PageContext, account_id: str, scope) -> None:
    st.subheader(_("Access paths to uncovered decision-makers"))
    p = ctx.compute(uncovered_decision_maker_paths, scope=scope, as_of=ctx.as_of_text, accounts=scope)
    p = p[p["account_id"] == account_id]
    if p.empty:
        st.caption(_("Every decision-maker here already has a tie of at least {covered} from our side (or nobody "
                     "can reach them).").format(covered=f"{ctx.settings.coverage.covered:.2f}"))
        return
    # a list, not a table: in this narrow column a table cut the path itself off
    st.caption(_("Best first; the number after each path is how far it gets us (0 to 1)."))
    st.markdown("\n".join(f"{int(r['rank'])}. {md(r['explanation'])}"
                          for _, r in p.sort_values("rank", kind="mergesort").iterrows()))


def _card(ctx: PageContext, account_id: str, scope, contacts: pd.DataFrame, selected: str | None) -> None:
    if contacts.empty:
        st.info(_("No current contacts at this account."))
        return
    ids = contacts["contact_id"].tolist()
    label = _contact_labels(contacts)
    index = ids.index(selected) if selected in ids else 0
    st.subheader(_("Person card"))
    pid = person_picker(_("Contact"), label, f"acc_person_{account_id}", names=forms.people_names(ctx),
                        current=ids[index])
    _set_contact(pid)
    c = contacts.set_index("contact_id").loc[pid]

    known = ctx.compute(internal_contact_strengths, scope=scope, as_of=ctx.as_of_text, contacts=(pid,))
    pairs = pd.DataFrame({"person_id": known["internal_id"].to_numpy(), "other_id": pid})
    who = ctx.compute(trends, scope=scope, as_of=ctx.as_of_text, pairs=pairs) if len(pairs) else None

    info, chart = st.columns([1, 1], gap="medium")
    with info:
        with st.container(border=True):
            st.markdown(f"### {md(c['name'])}")
            level = (_("level {n}").format(n=int(c["level"])) if pd.notna(c["level"]) else _("level unknown"))
            st.markdown(f"{md(c['title'])} · {level}" if isinstance(c["title"], str) else level)
            influence = f"{int(c['influence'])}/5" if pd.notna(c["influence"]) else _("not assessed")
            st.markdown(_("**Role** {role} · **Attitude** {attitude} · **Influence** {influence}").format(
                role=md(term("role", c["decision_role"])), attitude=md(term("attitude", c["attitude"])),
                influence=influence))
            best = strength_text(c["best_strength"])
            if c["covered"] and not c["peer_covered"]:
                status = _("covered, but not at their level")
            else:
                status = _("covered") if c["covered"] else _("not covered")
            if isinstance(c["best_internal_name"], str):
                tie = _("**Best tie from our side** {strength} ({name}) — {status}").format(
                    strength=best, name=md(c["best_internal_name"]), status=status)
            else:
                tie = _("**Best tie from our side** {strength} — {status}").format(strength=best, status=status)
            touch = _("**Last touch** {day} · **Threads** {threads}").format(
                day=date_text(c["last_interaction"]), threads=int(c["threads"]))
            if c["never_interacted"]:
                touch = _("{touch} · never interacted with us").format(touch=touch)
            st.markdown(f"{tie}  \n{touch}")
        timeline = ctx.compute(political_timeline, account_id, pid, scope=scope, as_of=ctx.as_of_text)
        with st.expander(ngettext("Political history ({n} assessment)", "Political history ({n} assessments)",
                                  len(timeline)).format(n=len(timeline)),
                         expanded=bool(len(timeline) > 1), icon=":material/history:"):
            if timeline.empty:
                st.caption(_("No assessment recorded yet."))
            else:
                st.markdown("  \n".join(_history_lines(timeline)))
    with chart:
        if who is not None and len(who):
            series = ctx.compute(monthly_series, scope=scope, as_of=ctx.as_of_text, pairs=pairs)
            names = who.set_index("person_id")["person_name"]
            series = series.assign(who=series["person_id"].map(names))
            st.caption(_("Strength of each of our people's relationship with them, month by month"))
            st.altair_chart(sparkline(series), width="stretch")
        else:
            st.caption(_("Nobody on our side has any tie or interaction with this contact yet."))

    st.markdown(_("**Who on our side knows them**"))
    if who is not None and len(who):
        table = who.sort_values("strength_now", ascending=False)
        why = ctx.compute(explain_pairs, tuple(table["person_id"]), tuple(table["other_id"]), scope=scope,
                          as_of=ctx.as_of_text)
        table = slope_percent(table.assign(why=why))
        if "label" in table.columns:
            table["label"] = terms("trend", table["label"])
        h = headers(KNOWN_BY_COLUMNS)
        st.dataframe(columns(table, h),
                     hide_index=True, width="stretch",
                     column_config={h["strength_now"]: st.column_config.NumberColumn(format="%.2f"),
                                    h["slope"]: st.column_config.NumberColumn(format=SLOPE_FORMAT),
                                    h["last_interaction"]: st.column_config.DateColumn(format=date_column_format())})
    else:
        st.caption(_("Nobody yet."))

    _card_edits(ctx, account_id, pid, c)

    with st.expander(ngettext("All {n} contact", "All {n} contacts", len(contacts)).format(n=len(contacts))):
        shown = contacts.assign(decision_role=terms("role", contacts["decision_role"], missing=None),
                                attitude=terms("attitude", contacts["attitude"], missing=None))
        h = headers(CONTACT_COLUMNS)
        st.dataframe(columns(shown, h),
                     hide_index=True, width="stretch",
                     column_config={h["best_strength"]: st.column_config.NumberColumn(format="%.2f"),
                                    h["last_interaction"]: st.column_config.DateColumn(format=date_column_format())})


def _card_edits(ctx: PageContext, account_id: str, pid: str, c: pd.Series) -> None:
    """What can be recorded about this contact, and what was."""
    st.markdown(_("**Record what you learned about {name}**").format(name=md(c["name"])))
    if forms.can_edit(ctx):
        prefix = f"card_{pid}"
        assess, log, tie, person, job = st.tabs([_("Role and attitude"), _("Log an interaction"), _("Add a tie"),
                                                  _("Edit person"), _("Job change")])
        with assess:
            forms.assess_form(ctx, prefix, pid, account_id, {k: c.get(k) for k in
                                                            ("decision_role", "attitude", "influence")})
        with log:
            forms.log_form(ctx, prefix, account_id=account_id, attendees=[pid])
        with tie:
            forms.tie_form(ctx, prefix, person_id=pid)
        with person:
            forms.person_form(ctx, prefix, person_id=pid, account_id=account_id)
        with job:
            forms.job_change_form(ctx, prefix, pid)
    with st.expander(_("History of changes about {name}").format(name=md(c["name"]))):
        forms.history(ctx, f"card_{pid}", person_id=pid)


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
