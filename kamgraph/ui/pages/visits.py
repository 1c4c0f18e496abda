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

from kamgraph.analysis.people import internal_ids, person_levels, person_names
from kamgraph.analysis.visits import VisitPlan, default_period, plan_visits, proposed_day, role_words
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import accounts_in_order, md, nice

CANDIDATE_VIEW = {"executive_name": "executive", "contact_name": "contact", "account_name": "account", "tier": "tier",
                  "decision_role": "role", "priority": "priority", "tier_weight": "tier weight",
                  "role_weight": "role weight", "severity": "gap severity", "feasibility": "ease of access",
                  "access": "way in", "gaps": "gaps", "chosen": "planned"}

#: the period choice: one click for this, the next or the following quarter
PERIODS = {"this": "This quarter", "next": "Next quarter", "after": "The quarter after", "custom": "Other dates"}
_WAY_IN = {"direct": "knows them", "introduction": "introduction", "cold": "direct request"}


def plan_for_cache(snap, settings, **kwargs) -> VisitPlan:
    """:func:`plan_visits` without its settings object, so ``st.cache_data`` can pickle it
    (the page puts the settings back; the cache key already includes the settings file)."""
    return dataclasses.replace(plan_visits(snap, settings, **kwargs), settings=None)


def _inputs(ctx: PageContext) -> dict:
    levels = ctx.compute(person_levels, with_settings=False)
    names = ctx.compute(person_names, with_settings=False)
    ours = sorted(ctx.compute(internal_ids, with_settings=False),
                  key=lambda i: (levels.get(i, 99) if pd.notna(levels.get(i)) else 99, str(names.get(i, i))))
    v = ctx.settings.visits
    default_execs = [i for i in ours if pd.notna(levels.get(i)) and levels.get(i) <= v.executive_max_level]
    accounts = accounts_in_order(ctx.read("accounts"))
    account_names = dict(zip(accounts["id"], accounts["name"].fillna(accounts["id"])))
    regions = sorted(r for r in accounts["region"].dropna().unique())

    def person_label(i: str) -> str:
        lvl = levels.get(i)
        return f"{names.get(i, i)} (level {int(lvl)})" if pd.notna(lvl) else str(names.get(i, i))

    default_q = v.quarter if v.quarter in PERIODS else "next"
    which = st.radio("Period", list(PERIODS), index=list(PERIODS).index(default_q), format_func=PERIODS.get,
                     horizontal=True, key="vp_quarter",
                     help="Proposed dates fall on working days of each account's country.")
    start, end = default_period(ctx.settings, ctx.as_of, None if which == "custom" else which)
    with st.form("vp_form"):
        c1, c2 = st.columns([3, 2])
        execs = c1.multiselect("Executives", ours, default=default_execs, format_func=person_label, key="vp_execs",
                               help=f"Default: our people at level {v.executive_max_level} or above.")
        if which == "custom":
            period = c2.date_input("Dates", value=(start.date(), end.date()), key="vp_period")
        else:
            c2.markdown(f"**{PERIODS[which]}**: {start:%Y-%m-%d} – {end:%Y-%m-%d}")
            period = None
        c3, c4, c5 = st.columns([1, 2, 2])
        capacity = c3.number_input("Visits per executive", min_value=0, max_value=500, value=int(v.capacity),
                                   step=1, key="vp_capacity")
        chosen_regions = c4.multiselect("Regions", regions, key="vp_regions", placeholder="All regions")
        chosen_accounts = c5.multiselect("Accounts", list(account_names), key="vp_accounts",
                                         format_func=lambda i: account_names[i], placeholder="All accounts")
        with st.expander("Capacity per executive"):
            edited = st.data_editor(
                pd.DataFrame({"executive": [person_label(e) for e in execs], "id": execs,
                              "visits": [int(capacity)] * len(execs)}),
                disabled=["executive", "id"], hide_index=True, key="vp_caps", width="stretch",
                column_config={"visits": st.column_config.NumberColumn(min_value=0, max_value=500, step=1),
                               "id": None})
        st.form_submit_button("Plan visits", type="primary", icon=":material/event:")
    if isinstance(period, (tuple, list)) and len(period) == 2:
        period = (pd.Timestamp(period[0]).strftime("%Y-%m-%d"), pd.Timestamp(period[1]).strftime("%Y-%m-%d"))
    else:
        period = (start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"))
    caps = {str(i): int(n) if pd.notna(n) else int(capacity) for i, n in zip(edited["id"], edited["visits"])}
    return {"executives": tuple(execs), "period": period, "capacity": caps,
            "regions": tuple(chosen_regions) or None, "accounts": tuple(chosen_accounts) or None}


def _bullets(items) -> str:
    return "\n".join(f"- {md(x)}" for x in items if x)


def _briefing(b: dict) -> None:
    """One briefing in plain words (the same facts as the printed card)."""
    st.markdown(f"*{md(b['why'])}*")
    c1, c2 = st.columns(2)
    c1.markdown("**Who they are**\n\n" + _bullets(b["standing"]))
    known = [f"{k['name']}: {k['words']}" + (f", {k['trend']}" if k.get("trend") else "") for k in b["known_by"]]
    c2.markdown("**Where we stand**\n\n" + _bullets([b["relationship"], b["attitude_text"]])
                + ("\n\nWho knows them on our side:\n\n" + _bullets(known) if known else ""))
    from kamgraph.analysis.visits import meeting_line, opportunity_line

    c1.markdown("**Open opportunities**\n\n" + (_bullets(opportunity_line(o) for o in b["opportunities"])
                                                  or "None open at this account."))
    c2.markdown("**Last meetings**\n\n" + (_bullets(meeting_line(m) for m in b["meetings"]) or "None on record."))
    if b.get("notes"):
        c1.markdown(f"**Our notes** {md(b['notes'])}")
    c2.markdown(f"**Getting in** {md(b['access_text'])}")
    if b.get("closes"):
        st.markdown("**What this visit closes**\n\n" + _bullets(b["closes"]))
    st.markdown("**Talking points**\n\n" + "\n".join(f"{i}. {md(x)}" for i, x in enumerate(b["talking_points"], 1)))


def _downloads(plan: VisitPlan) -> None:
    from kamgraph.report.visitplan import plan_csv_bytes, plan_excel_bytes, plan_html, plan_ics

    stem = f"kamgraph-visits-{plan.period[0]:%Y-%m-%d}"
    # one row, each button as wide as its label (four equal columns cut "Calendar, every executive (.ics)" off)
    row = st.container(horizontal=True)
    d = [row] * 4
    d[0].download_button("Briefings to print (HTML)", data=lambda: plan_html(plan).encode("utf-8"),
                         file_name=f"{stem}.html", mime="text/html", icon=":material/print:", key="vp_html")
    d[1].download_button("Calendar, every executive (.ics)", data=lambda: plan_ics(plan).encode("utf-8"),
                         file_name=f"{stem}.ics", mime="text/calendar", icon=":material/calendar_month:",
                         key="vp_ics")
    d[2].download_button("Excel", data=lambda: plan_excel_bytes(plan), file_name=f"{stem}.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/download:", key="vp_xlsx")
    d[3].download_button("CSV", data=lambda: plan_csv_bytes(plan), file_name=f"{stem}.csv", mime="text/csv",
                         icon=":material/download:", key="vp_csv")


def _executive_calendar(plan: VisitPlan, ex_id: str, name: str, n: int) -> None:
    from kamgraph.report.visitplan import calendar_file_name, plan_ics

    st.download_button(f"Calendar for {name} (.ics)", data=lambda: plan_ics(plan, ex_id).encode("utf-8"),
                       file_name=calendar_file_name(name), mime="text/calendar", icon=":material/calendar_month:",
                       key=f"vp_ics_{n}")


def render(ctx: PageContext | None = None) -> None:
    """The visit planner page (``ctx`` defaults to this rerun's :func:`~kamgraph.ui.context.current_context`)."""
    if ctx is None:
        from kamgraph.ui.context import current_context

        ctx = current_context()
    st.title("Executive visits")
    st.caption("Which customer executives our executives should visit, chosen to maximize the total priority "
               "(tier weight × role weight × gap severity × how well the executive can get in), each contact once, "
               "each executive within capacity, executives meeting executives.")
    args = _inputs(ctx)
    if not args["executives"]:
        st.info("Choose at least one executive.")
        return
    cached = ctx.compute(plan_for_cache, as_of=ctx.as_of_text, **args)
    plan = dataclasses.replace(cached, settings=ctx.settings)

    m = st.columns(4)
    m[0].metric("Visits", len(plan.visits))
    m[1].metric("Total priority", f"{plan.total_priority:.2f}")
    m[2].metric("Candidate contacts", plan.candidates["contact_id"].nunique())
    m[3].metric("Executives", int((plan.executives["planned"] > 0).sum()))
    st.caption(f"As of {ctx.as_of_text}; period {plan.period[0]:%Y-%m-%d} – {plan.period[1]:%Y-%m-%d}. Proposed "
               "dates are working days of each account's country (public holidays skipped, a city's visits on "
               "consecutive days, at most "
               f"{ctx.settings.visits.week_cap} a week per executive): tentative until agreed with each contact.")
    for note in plan.notes:
        st.warning(md(note))
    if plan.visits.empty:
        st.info("No visit to plan: no contact with an open gap is level-matched to a chosen executive with capacity.")
        return
    _downloads(plan)

    v = plan.visits
    ex = plan.executives.set_index("executive_id")
    for n, ex_id in enumerate(dict.fromkeys(v["executive_id"])):
        rows = [(r, b) for r, b in zip(v.itertuples(index=False), plan.briefings) if r.executive_id == ex_id]
        name = rows[0][0].executive_name
        st.subheader(md(name))
        st.caption(f"{ex.loc[ex_id, 'planned']} of {ex.loc[ex_id, 'capacity']} visits planned, most important first; "
                   "dates are tentative, on working days")
        _executive_calendar(plan, ex_id, str(name), n)
        for r, b in rows:
            label = (f"{r.order} · {md(r.contact_name)} · {md(r.account_name)} · {md(r.city or 'city not recorded')} · "
                     f"{proposed_day(r.placeholder_date)}")
            with st.expander(label, expanded=False):
                _briefing(b)

    with st.expander(f"All {len(plan.candidates)} candidate pairs (executive, contact)"):
        view = plan.candidates[[c for c in CANDIDATE_VIEW if c in plan.candidates.columns]].assign(
            decision_role=plan.candidates["decision_role"].map(role_words),
            access=plan.candidates["access"].map(_WAY_IN),
            gaps=plan.candidates["gaps"].map(lambda g: ", ".join(nice(x) for x in str(g).split(",")) if g else "")
        ).rename(columns=CANDIDATE_VIEW)
        st.dataframe(view, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.3f")
                                    for c in ("priority", "severity", "feasibility")})


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
