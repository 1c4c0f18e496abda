"""Visits: the executive visit planner.

Pick the quarter (this, next, the one after: one click; or your own dates), the
executives, their capacity and optionally regions or accounts; the page shows the optimal
plan (:func:`kamgraph.analysis.visits.plan_visits`) per executive in priority order, with
tentative dates on working days, a plain-word briefing per visit and every candidate pair;
downloads: Excel, CSV, one calendar for everyone, one calendar per executive, and the
printable HTML briefing pack.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from kamgraph.analysis.people import (
    internal_ids,
    person_levels,
    person_names,
    shown_names,
)
from kamgraph.analysis.visits import (
    VisitPlan,
    default_period,
    plan_visits,
    proposed_day,
    role_words,
)
from kamgraph.i18n import N_, _, current_language, fmt_day
from kamgraph.i18n.terms import term, terms
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import accounts_in_order, md
from kamgraph.ui.language import pinned
from kamgraph.ui.pickers import person_multiselect, search_help

#: the candidate pairs' columns (headers marked here, translated where shown)
CANDIDATE_VIEW = {"executive_name": N_("executive"), "contact_name": N_("contact"), "account_name": N_("account"),
                  "tier": N_("tier"), "decision_role": N_("role"), "priority": N_("priority"),
                  "tier_weight": N_("tier weight"), "role_weight": N_("role weight"), "severity": N_("gap severity"),
                  "feasibility": N_("ease of access"), "access": N_("way in"), "gaps": N_("gaps"),
                  "chosen": N_("planned")}

#: the period choice: one click for this, the next or the following quarter
PERIODS = {"this": N_("This quarter"), "next": N_("Next quarter"), "after": N_("The quarter after"),
           "custom": N_("Other dates")}
_WAY_IN = {"direct": N_("knows them"), "introduction": N_("introduction"), "cold": N_("direct request")}


def plan_for_cache(snap, settings, **kwargs) -> VisitPlan:
    """:func:`plan_visits` without its settings object, so ``st.cache_data`` can pickle it
    (the page puts the settings back; the cache key already includes the settings file)."""
    return dataclasses.replace(plan_visits(snap, settings, **kwargs), settings=None)


def _inputs(ctx: PageContext) -> dict:
    levels = ctx.compute(person_levels, with_settings=False)
    names = ctx.compute(shown_names, with_settings=False)  # in the reader's script
    stored = ctx.compute(person_names, with_settings=False)  # what a search finds
    ours = sorted(ctx.compute(internal_ids, with_settings=False),
                  key=lambda i: (levels.get(i, 99) if pd.notna(levels.get(i)) else 99, str(names.get(i, i))))
    v = ctx.settings.visits
    default_execs = [i for i in ours if pd.notna(levels.get(i)) and levels.get(i) <= v.executive_max_level]
    accounts = accounts_in_order(ctx.read("accounts"))
    account_names = dict(zip(accounts["id"], accounts["name"].fillna(accounts["id"])))
    regions = sorted(r for r in accounts["region"].dropna().unique())

    @pinned
    def person_label(i: str) -> str:
        lvl = levels.get(i)
        return (_("{name} (level {level})").format(name=names.get(i, i), level=int(lvl)) if pd.notna(lvl)
                else str(names.get(i, i)))

    default_q = v.quarter if v.quarter in PERIODS else "next"
    which = st.radio(_("Period"), list(PERIODS), index=list(PERIODS).index(default_q),
                     format_func=pinned(lambda k: _(PERIODS[k])), horizontal=True, key="vp_quarter",
                     help=_("Proposed dates fall on working days of each account's country."))
    start, end = default_period(ctx.settings, ctx.as_of, None if which == "custom" else which)
    with st.form("vp_form"):
        c1, c2 = st.columns([3, 2])
        execs = person_multiselect(_("Executives"), {i: person_label(i) for i in ours}, "vp_execs", names=stored,
                                   default=default_execs, where=c1,
                                   help=_("Default: our people at level {level} or above.").format(
                                       level=v.executive_max_level) + "\n\n" + search_help())
        if which == "custom":
            period = c2.date_input(_("Dates"), value=(start.date(), end.date()), key="vp_period")
        else:
            c2.markdown(_("{period}: {start} – {end}").format(period=_bold(_(PERIODS[which])),
                                                              start=fmt_day(start), end=fmt_day(end)))
            period = None
        c3, c4, c5 = st.columns([1, 2, 2])
        capacity = c3.number_input(_("Visits per executive"), min_value=0, max_value=500, value=int(v.capacity),
                                   step=1, key="vp_capacity")
        chosen_regions = c4.multiselect(_("Regions"), regions, key="vp_regions", placeholder=_("All regions"))
        chosen_accounts = c5.multiselect(_("Accounts"), list(account_names), key="vp_accounts",
                                         format_func=lambda i: account_names[i], placeholder=_("All accounts"))
        with st.expander(_("Capacity per executive")):
            # headers in the reader's language; the editor's edits name its columns, so each language
            # has its own editor (a switch starts from the default capacity)
            executive, visits = _("executive"), _("visits")
            edited = st.data_editor(
                pd.DataFrame({executive: [person_label(e) for e in execs], "id": execs,
                              visits: [int(capacity)] * len(execs)}),
                disabled=[executive, "id"], hide_index=True, key=f"vp_caps_{current_language()}", width="stretch",
                column_config={visits: st.column_config.NumberColumn(min_value=0, max_value=500, step=1),
                               "id": None})
        st.form_submit_button(_("Plan visits"), type="primary", icon=":material/event:")
    if isinstance(period, (tuple, list)) and len(period) == 2:
        period = (pd.Timestamp(period[0]).strftime("%Y-%m-%d"), pd.Timestamp(period[1]).strftime("%Y-%m-%d"))
    else:
        period = (start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"))
    caps = {str(i): int(n) if pd.notna(n) else int(capacity) for i, n in zip(edited["id"], edited[visits])}
    return {"executives": tuple(execs), "period": period, "capacity": caps,
            "regions": tuple(chosen_regions) or None, "accounts": tuple(chosen_accounts) or None}


def _bold(text: str) -> str:
    """A heading in bold Markdown (translated words, no data)."""
    return f"**{text}**"


def _bullets(items) -> str:
    return "\n".join(f"- {md(x)}" for x in items if x)


def _briefing(b: dict) -> None:
    """One briefing in plain words (the same facts as the printed card)."""
    st.markdown(f"*{md(b['why'])}*")
    c1, c2 = st.columns(2)
    c1.markdown(_bold(_("Who they are")) + "\n\n" + _bullets(b["standing"]))
    known = [(_("{name}: {words}, {trend}") if k.get("trend") else _("{name}: {words}"))
             .format(name=k["name"], words=k["words"], trend=k.get("trend")) for k in b["known_by"]]
    c2.markdown(_bold(_("Where we stand")) + "\n\n" + _bullets([b["relationship"], b["attitude_text"]])
                + ("\n\n" + _("Who knows them on our side:") + "\n\n" + _bullets(known) if known else ""))
    from kamgraph.analysis.visits import meeting_line, opportunity_line

    c1.markdown(_bold(_("Open opportunities")) + "\n\n" + (_bullets(opportunity_line(o) for o in b["opportunities"])
                                                        or _("None open at this account.")))
    c2.markdown(_bold(_("Last meetings")) + "\n\n" + (_bullets(meeting_line(m) for m in b["meetings"])
                                                   or _("None on record.")))
    if b.get("notes"):
        c1.markdown(_("{heading} {notes}").format(heading=_bold(_("Our notes")), notes=md(b["notes"])))
    c2.markdown(_("{heading} {text}").format(heading=_bold(_("Getting in")), text=md(b["access_text"])))
    if b.get("closes"):
        st.markdown(_bold(_("What this visit closes")) + "\n\n" + _bullets(b["closes"]))
    st.markdown(_bold(_("Talking points")) + "\n\n"
                + "\n".join(f"{i}. {md(x)}" for i, x in enumerate(b["talking_points"], 1)))


def _downloads(plan: VisitPlan) -> None:
    from kamgraph.report.visitplan import (
        plan_csv_bytes,
        plan_excel_bytes,
        plan_html,
        plan_ics,
    )

    stem = f"kamgraph-visits-{plan.period[0]:%Y-%m-%d}"
    # one row, each button as wide as its label (four equal columns cut "Calendar, every executive (.ics)" off)
    row = st.container(horizontal=True)
    d = [row] * 4
    d[0].download_button(_("Briefings to print (HTML)"), data=lambda: plan_html(plan).encode("utf-8"),
                         file_name=f"{stem}.html", mime="text/html", icon=":material/print:", key="vp_html")
    d[1].download_button(_("Calendar, every executive (.ics)"), data=lambda: plan_ics(plan).encode("utf-8"),
                         file_name=f"{stem}.ics", mime="text/calendar", icon=":material/calendar_month:",
                         key="vp_ics")
    d[2].download_button("Excel", data=lambda: plan_excel_bytes(plan), file_name=f"{stem}.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/download:", key="vp_xlsx")
    d[3].download_button("CSV", data=lambda: plan_csv_bytes(plan), file_name=f"{stem}.csv", mime="text/csv",
                         icon=":material/download:", key="vp_csv")


def _executive_calendar(plan: VisitPlan, ex_id: str, name: str, n: int) -> None:
    from kamgraph.report.visitplan import calendar_file_name, plan_ics

    st.download_button(_("Calendar for {name} (.ics)").format(name=name), data=lambda: plan_ics(plan, ex_id).encode("utf-8"),
                       file_name=calendar_file_name(name), mime="text/calendar", icon=":material/calendar_month:",
                       key=f"vp_ics_{n}")


def render(ctx: PageContext | None = None) -> None:
    """The visit planner page (``ctx`` defaults to this rerun's :func:`~kamgraph.ui.context.current_context`)."""
    if ctx is None:
        from kamgraph.ui.context import current_context

        ctx = current_context()
    st.title(_("Executive visits"))
    st.caption(_("Which customer executives our executives should visit, chosen to maximize the total priority "
                 "(tier weight × role weight × gap severity × how well the executive can get in), each contact "
                 "once, each executive within capacity, executives meeting executives."))
    args = _inputs(ctx)
    if not args["executives"]:
        st.info(_("Choose at least one executive."))
        return
    cached = ctx.compute(plan_for_cache, as_of=ctx.as_of_text, **args)
    plan = dataclasses.replace(cached, settings=ctx.settings)

    m = st.columns(4)
    m[0].metric(_("Visits"), len(plan.visits))
    m[1].metric(_("Total priority"), f"{plan.total_priority:.2f}")
    m[2].metric(_("Candidate contacts"), plan.candidates["contact_id"].nunique())
    m[3].metric(_("Executives"), int((plan.executives["planned"] > 0).sum()))
    st.caption(_("As of {day}; period {start} – {end}. Proposed dates are working days of each account's country "
                 "(public holidays skipped, a city's visits on consecutive days, at most {cap} a week per "
                 "executive): tentative until agreed with each contact.")
               .format(day=fmt_day(ctx.as_of), start=fmt_day(plan.period[0]), end=fmt_day(plan.period[1]),
                       cap=ctx.settings.visits.week_cap))
    for note in plan.notes:
        st.warning(md(note))
    if plan.visits.empty:
        st.info(_("No visit to plan: no contact with an open gap is level-matched to a chosen executive with "
                  "capacity."))
        return
    _downloads(plan)

    v = plan.visits
    ex = plan.executives.set_index("executive_id")
    for n, ex_id in enumerate(dict.fromkeys(v["executive_id"])):
        rows = [(r, b) for r, b in zip(v.itertuples(index=False), plan.briefings) if r.executive_id == ex_id]
        name = rows[0][0].executive_name
        st.subheader(md(name))
        st.caption(_("{planned} of {capacity} visits planned, most important first; dates are tentative, on "
                     "working days").format(planned=ex.loc[ex_id, "planned"], capacity=ex.loc[ex_id, "capacity"]))
        _executive_calendar(plan, ex_id, str(name), n)
        for r, b in rows:
            city = md(r.city) if r.city else _("city not recorded")
            label = f"{r.order} · {md(r.contact_name)} · {md(r.account_name)} · {city} · {proposed_day(r.placeholder_date)}"
            with st.expander(label, expanded=False):
                _briefing(b)

    with st.expander(_("All {n} candidate pairs (executive, contact)").format(n=len(plan.candidates))):
        view = plan.candidates[[c for c in CANDIDATE_VIEW if c in plan.candidates.columns]].assign(
            decision_role=plan.candidates["decision_role"].map(role_words),
            access=plan.candidates["access"].map(lambda a: _(_WAY_IN[a]) if a in _WAY_IN else a),
            gaps=plan.candidates["gaps"].map(lambda g: ", ".join(term("gap_kind", x) for x in str(g).split(","))
                                             if g else "")
        )
        if "tier" in view.columns:
            view = view.assign(tier=terms("tier", view["tier"]).where(view["tier"].notna(), None))
        view = view.rename(columns={k: _(v) for k, v in CANDIDATE_VIEW.items()})
        st.dataframe(view, hide_index=True, width="stretch",
                     column_config={_(CANDIDATE_VIEW[c]): st.column_config.NumberColumn(format="%.3f")
                                    for c in ("priority", "severity", "feasibility")})


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
