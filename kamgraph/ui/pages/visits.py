"""Visits: the executive visit planner.

Pick the executives, the period, their capacity and optionally regions or accounts; the page
shows the optimal plan (:func:`kamgraph.analysis.visits.plan_visits`) grouped by executive,
trip (city) and account, a briefing per visit, every candidate pair, and downloads of the
plan as CSV, Excel, an ``.ics`` calendar and a printable HTML briefing pack.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from kamgraph.analysis.people import internal_ids, person_levels, person_names
from kamgraph.analysis.visits import VisitPlan, default_period, plan_visits
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import accounts_in_order, md, nice

CANDIDATE_VIEW = {"executive_name": "executive", "contact_name": "contact", "account_name": "account", "tier": "tier",
                  "decision_role": "role", "priority": "priority", "tier_weight": "tier weight",
                  "role_weight": "role weight", "severity": "severity", "feasibility": "feasibility",
                  "access": "access", "gaps": "gaps", "chosen": "planned"}


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
    start, end = default_period(ctx.settings, ctx.as_of)

    def person_label(i: str) -> str:
        lvl = levels.get(i)
        return f"{names.get(i, i)} (level {int(lvl)})" if pd.notna(lvl) else str(names.get(i, i))

    with st.form("vp_form"):
        c1, c2 = st.columns([3, 2])
        execs = c1.multiselect("Executives", ours, default=default_execs, format_func=person_label, key="vp_execs",
                               help=f"Default: our people at level {v.executive_max_level} or above.")
        period = c2.date_input("Period", value=(start.date(), end.date()), key="vp_period",
                               help="Visit dates in the plan are placeholders spread over this period.")
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
                column_config={"visits": st.column_config.NumberColumn(min_value=0, max_value=500, step=1)})
        st.form_submit_button("Plan visits", type="primary", icon=":material/event:")
    if isinstance(period, (tuple, list)) and len(period) == 2:
        period = (pd.Timestamp(period[0]).strftime("%Y-%m-%d"), pd.Timestamp(period[1]).strftime("%Y-%m-%d"))
    else:
        period = (start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d"))
    caps = {str(i): int(n) if pd.notna(n) else int(capacity) for i, n in zip(edited["id"], edited["visits"])}
    return {"executives": tuple(execs), "period": period, "capacity": caps,
            "regions": tuple(chosen_regions) or None, "accounts": tuple(chosen_accounts) or None}


def _briefing(b: dict) -> None:
    infl = f"{b['influence']}/5" if b.get("influence") is not None else "not assessed"
    if b.get("influence_rank") is not None:
        infl += f", power rank #{b['influence_rank']} of {b['account_people']} at the account"
    st.markdown(f"**Role** {md(nice(b.get('decision_role')))} · **attitude** {md(b.get('attitude') or 'not assessed')}"
                f" · **influence** {md(infl)}")
    last = b.get("last_interaction")
    if last:
        subject = f" “{md(last['subject'])}”" if last.get("subject") else ""
        st.markdown(f"**Last interaction** {md(last['date'])} {md(last['kind'])}{subject} with "
                    f"{md(', '.join(last['attendees']))}")
    else:
        st.markdown("**Last interaction** none on record")
    if b["known_by"]:
        st.markdown("**Who knows them on our side**\n\n" + "\n".join(
            f"- {md(k['name'])}: {k['strength']:.2f}" for k in b["known_by"]))
    else:
        st.markdown("**Who knows them on our side** nobody yet")
    if b["access"] == "introduction":
        st.markdown(f"**Introduction** {md(b['introduction'])}")
    elif b["access"] == "direct":
        st.markdown(f"**Access** {md(b['executive_name'])} knows them directly ({b['feasibility']:.2f})")
    else:
        helper = f"; {md(b['known_by'][0]['name'])} can help arrange it" if b["known_by"] else ""
        st.markdown(f"**Access** no path for the executive: ask for the meeting directly (cold visit){helper}")
    st.markdown("**Gaps this visit addresses**\n\n" + "\n".join(
        f"- *{md(nice(g['kind']))}*: {md(g['evidence'])}" for g in b["gaps"]))


def _downloads(plan: VisitPlan) -> None:
    from kamgraph.report.visitplan import plan_csv_bytes, plan_excel_bytes, plan_html, plan_ics

    stem = f"kamgraph-visits-{plan.period[0]:%Y-%m-%d}"
    d = st.columns(4)
    d[0].download_button("Excel", data=lambda: plan_excel_bytes(plan), file_name=f"{stem}.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/download:", key="vp_xlsx")
    d[1].download_button("CSV", data=lambda: plan_csv_bytes(plan), file_name=f"{stem}.csv", mime="text/csv",
                         icon=":material/download:", key="vp_csv")
    d[2].download_button("Calendar (.ics)", data=lambda: plan_ics(plan).encode("utf-8"), file_name=f"{stem}.ics",
                         mime="text/calendar", icon=":material/calendar_month:", key="vp_ics")
    d[3].download_button("Briefing pack (HTML)", data=lambda: plan_html(plan).encode("utf-8"),
                         file_name=f"{stem}.html", mime="text/html", icon=":material/print:", key="vp_html")


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
    st.caption(f"As of {ctx.as_of_text}; period {plan.period[0]:%Y-%m-%d} – {plan.period[1]:%Y-%m-%d}. Visit dates "
               "are placeholders spread over the period: agree the real ones.")
    for note in plan.notes:
        st.warning(md(note))
    if plan.visits.empty:
        st.info("No visit to plan: no contact with an open gap is level-matched to a chosen executive with capacity.")
        return
    _downloads(plan)

    v = plan.visits
    ex = plan.executives.set_index("executive_id")
    for ex_id in dict.fromkeys(v["executive_id"]):
        rows = [(r, b) for r, b in zip(v.itertuples(index=False), plan.briefings) if r.executive_id == ex_id]
        st.subheader(md(rows[0][0].executive_name))
        st.caption(f"{ex.loc[ex_id, 'planned']} of {ex.loc[ex_id, 'capacity']} visits planned")
        for trip in dict.fromkeys(r.trip for r, _ in rows):
            stops = [(r, b) for r, b in rows if r.trip == trip]
            first = stops[0][0]
            st.markdown(f"**Trip {int(trip)}: {md(first.city or 'city unknown')}** · placeholder "
                        f"{pd.Timestamp(first.placeholder_date):%Y-%m-%d}")
            for r, b in stops:
                label = (f"{md(r.contact_name)} · {md(r.account_name)} · {md(nice(r.decision_role))} · "
                         f"priority {r.priority:.2f}")
                with st.expander(label, expanded=False):
                    _briefing(b)

    with st.expander(f"All {len(plan.candidates)} candidate pairs (executive, contact)"):
        view = plan.candidates[[c for c in CANDIDATE_VIEW if c in plan.candidates.columns]].rename(
            columns=CANDIDATE_VIEW)
        st.dataframe(view, hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.3f")
                                    for c in ("priority", "severity", "feasibility")})


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
