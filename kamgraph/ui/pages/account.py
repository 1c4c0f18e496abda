"""Account: the relationship map, the gap list and access paths, and a card per contact.

Editors record what they learn here (:mod:`kamgraph.ui.forms`): the side panel logs an
interaction at the account or adds a contact; the person card assesses role, attitude and
influence, edits the person, records a job change, logs an interaction with them or adds a
tie. "History of changes" shows who changed what about the account and about the person.

Query parameters ``?account=<id>&person=<id>`` open an account and a contact's card directly
(links from other pages and e-mails). The map filters live in the sidebar.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamgraph.analysis.coverage import account_coverage, contact_coverage, internal_contact_strengths
from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.paths import uncovered_decision_maker_paths
from kamgraph.analysis.strength import explain_pairs
from kamgraph.analysis.trends import monthly_series, trends
from kamgraph.analysis.whatif import key_person_risk
from kamgraph.report.relmap import MapTooLarge, account_map
from kamgraph.ui import forms
from kamgraph.ui.charts import sparkline
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import (
    ROLE_ORDER,
    SLOPE_FORMAT,
    SLOPE_LABEL,
    accounts_in_order,
    columns,
    date_text,
    md,
    nice,
    severity_band,
    slope_percent,
    strength_text,
)

DEFAULT_MIN_STRENGTH = 0.2


def _pick_account(ctx: PageContext) -> str | None:
    accounts = ctx.read("accounts")
    if accounts.empty:
        st.info("No accounts in the store yet: import accounts on the Data page.")
        return None
    order = accounts_in_order(accounts)
    ids = order["id"].tolist()
    label = dict(zip(order["id"], order["name"].fillna(order["id"]) + "  ·  " + order["tier"].fillna("no tier")))
    wanted = st.query_params.get("account")
    index = ids.index(wanted) if wanted in ids else 0
    account_id = st.sidebar.selectbox("Account", ids, index=index, key="acc_account", format_func=lambda i: label[i])
    if st.query_params.get("account") != account_id:
        st.query_params["account"] = account_id
        st.query_params.pop("person", None)
    return account_id


def _filters(ctx: PageContext) -> tuple[float, tuple[str, ...] | None, bool]:
    st.sidebar.markdown("**Map filters**")
    min_strength = st.sidebar.slider("Minimum strength", 0.0, 1.0, DEFAULT_MIN_STRENGTH, 0.05, key="acc_min_strength",
                                     help="Hide relationship lines weaker than this.")
    roles = st.sidebar.multiselect("Decision roles", ROLE_ORDER, default=ROLE_ORDER, key="acc_roles", format_func=nice,
                                   help="Contacts with these roles (all selected: every contact, "
                                        "including those without a role).")
    external = st.sidebar.toggle("Show external connectors", value=True, key="acc_external")
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
    st.caption(f"{nice(row['tier'])} account · {where} · as of {asof}")
    forms.flash()

    account_gaps = ctx.compute(gaps, scope=scope, as_of=asof, accounts=scope)
    risk = ctx.compute(key_person_risk, scope=scope, as_of=asof, accounts=scope)
    m = st.columns(5)
    m[0].metric("Coverage score", f"{row['coverage_score']:.0%}" if pd.notna(row["coverage_score"]) else "—")
    m[1].metric("Buying center covered", f"{int(row['buying_center_covered'])}/{int(row['buying_center'])}")
    m[2].metric("Threads", int(row["threads"]))
    m[3].metric("Gaps", len(account_gaps))
    m[4].metric("High-severity gaps", int((severity_band(account_gaps["severity"]) == "high").sum()))
    r = risk.iloc[0] if len(risk) else None
    if r is not None and isinstance(r["internal_name"], str) and r["drop"] > 0:
        st.caption(f"Key person: if {md(r['internal_name'])} left, the coverage score would drop by "
                   f"{r['drop']:.0%} to {r['score_without']:.0%}.")

    left, right = st.columns([7, 3], gap="medium")
    with left:
        _map(ctx, account_id, scope, min_strength, roles, external)
    with right:
        _gaps(account_gaps)
        _paths(ctx, account_id, scope)
        _record(ctx, account_id)

    st.divider()
    _card(ctx, account_id, scope)
    with st.expander("History of changes at this account"):
        forms.history(ctx, f"acc_{account_id}", account_id=account_id)


def _record(ctx: PageContext, account_id: str) -> None:
    """The side panel's edits: log an interaction here, add a contact here."""
    st.subheader("Record")
    if not forms.can_edit(ctx):
        return
    with st.expander("Log an interaction at this account", icon=":material/event_note:"):
        forms.log_form(ctx, f"acc_{account_id}", account_id=account_id, compact=True)
    with st.expander("Add a contact", icon=":material/person_add:"):
        forms.person_form(ctx, f"acc_{account_id}_new", account_id=account_id, side="customer", compact=True)


def _map(ctx: PageContext, account_id: str, scope, min_strength: float, roles, external: bool) -> None:
    st.subheader("Relationship map")
    try:
        rmap = ctx.compute(account_map, account_id, scope=scope, as_of=ctx.as_of_text, min_strength=min_strength,
                           roles=roles, show_external=external)
    except MapTooLarge as e:
        st.warning(md(e), icon=":material/filter_alt:")
        return
    e = rmap.edges["kind"].value_counts()
    st.iframe(rmap.html, height="content", alt="Relationship map")
    st.caption(f"{len(rmap.nodes)} people · {int(e.get('tie', 0))} relationship lines · "
               f"{int(e.get('influence', 0))} influence links · {int(e.get('reports_to', 0))} reporting lines shown "
               f"(strength ≥ {min_strength:.2f}). Hover a person or a line for details; scroll to zoom.")
    if rmap.message:
        st.info(md(rmap.message))


def _gaps(account_gaps: pd.DataFrame) -> None:
    st.subheader("Gaps")
    if account_gaps.empty:
        st.success("No gaps: this account is covered as its tier policy asks.")
        return
    bands = severity_band(account_gaps["severity"])
    icons = {"high": ":red[●]", "medium": ":orange[●]", "low": ":gray[●]"}
    with st.container(height=560):
        for g, band in zip(account_gaps.itertuples(index=False), bands):
            who = f" — {md(g.target_name)}" if isinstance(g.target_name, str) else ""
            text = f"{icons[band]} **{md(nice(g.kind))}**{who}  \n{md(g.evidence)}"
            if isinstance(g.action, str):
                text += f"  \n:material/arrow_forward: {md(g.action)}"
            st.markdown(text)


def _paths(ctx: PageContext, account_id: str, scope) -> None:
    st.subheader("Access paths to uncovered decision-makers")
    p = ctx.compute(uncovered_decision_maker_paths, scope=scope, as_of=ctx.as_of_text, accounts=scope)
    p = p[p["account_id"] == account_id]
    if p.empty:
        st.caption("Every decision-maker here already has a tie of at least "
                   f"{ctx.settings.coverage.covered:.2f} from our side (or nobody can reach them).")
        return
    st.dataframe(columns(p, {"rank": "#", "score": "score", "kind": "kind", "explanation": "path"}),
                 hide_index=True, width="stretch",
                 column_config={"score": st.column_config.NumberColumn(format="%.2f")})


def _card(ctx: PageContext, account_id: str, scope) -> None:
    contacts = ctx.compute(contact_coverage, scope=scope, as_of=ctx.as_of_text, accounts=scope)
    contacts = contacts[contacts["account_id"] == account_id]
    if contacts.empty:
        st.info("No current contacts at this account.")
        return
    rank = contacts["decision_role"].map({r: i for i, r in enumerate(ROLE_ORDER)}).fillna(len(ROLE_ORDER))
    contacts = contacts.assign(_rank=rank).sort_values(["_rank", "level", "name"], kind="mergesort")
    ids = contacts["contact_id"].tolist()
    label = {r.contact_id: " · ".join(str(v) for v in (r.name, r.title, nice(r.decision_role)) if isinstance(v, str))
             for r in contacts.itertuples(index=False)}
    wanted = st.query_params.get("person")
    index = ids.index(wanted) if wanted in ids else 0
    st.subheader("Person card")
    pid = st.selectbox("Contact", ids, index=index, key=f"acc_person_{account_id}", format_func=lambda i: label[i])
    if st.query_params.get("person") != pid:
        st.query_params["person"] = pid
    c = contacts.set_index("contact_id").loc[pid]

    known = ctx.compute(internal_contact_strengths, scope=scope, as_of=ctx.as_of_text, contacts=(pid,))
    pairs = pd.DataFrame({"person_id": known["internal_id"].to_numpy(), "other_id": pid})
    who = ctx.compute(trends, scope=scope, as_of=ctx.as_of_text, pairs=pairs) if len(pairs) else None

    info, chart = st.columns([1, 1], gap="medium")
    with info:
        with st.container(border=True):
            st.markdown(f"### {md(c['name'])}")
            level = f"level {int(c['level'])}" if pd.notna(c["level"]) else "level unknown"
            st.markdown(f"{md(c['title'])} · {level}" if isinstance(c["title"], str) else level)
            influence = f"{int(c['influence'])}/5" if pd.notna(c["influence"]) else "not assessed"
            st.markdown(f"**Role** {md(nice(c['decision_role']))} · **Attitude** {md(nice(c['attitude']))} · "
                        f"**Influence** {influence}")
            best = strength_text(c["best_strength"])
            by = f" ({md(c['best_internal_name'])})" if isinstance(c["best_internal_name"], str) else ""
            status = "covered" if c["covered"] else "not covered"
            if c["covered"] and not c["peer_covered"]:
                status += ", but not at their level"
            st.markdown(f"**Best tie from our side** {best}{by} — {status}  \n"
                        f"**Last touch** {date_text(c['last_interaction'])} · **Threads** {int(c['threads'])}"
                        + (" · never interacted with us" if c["never_interacted"] else ""))
    with chart:
        if who is not None and len(who):
            series = ctx.compute(monthly_series, scope=scope, as_of=ctx.as_of_text, pairs=pairs)
            names = who.set_index("person_id")["person_name"]
            series = series.assign(who=series["person_id"].map(names))
            st.caption("Strength of each of our people's relationship with them, month by month")
            st.altair_chart(sparkline(series), width="stretch")
        else:
            st.caption("Nobody on our side has any tie or interaction with this contact yet.")

    st.markdown("**Who on our side knows them**")
    if who is not None and len(who):
        table = who.sort_values("strength_now", ascending=False)
        why = ctx.compute(explain_pairs, tuple(table["person_id"]), tuple(table["other_id"]), scope=scope,
                          as_of=ctx.as_of_text)
        table = slope_percent(table.assign(why=why))
        st.dataframe(columns(table, {"person_name": "our person", "strength_now": "strength", "label": "trend",
                                     "slope": SLOPE_LABEL, "n_interactions": "interactions",
                                     "last_interaction": "last interaction", "why": "where the strength comes from"}),
                     hide_index=True, width="stretch",
                     column_config={"strength": st.column_config.NumberColumn(format="%.2f"),
                                    SLOPE_LABEL: st.column_config.NumberColumn(format=SLOPE_FORMAT),
                                    "last interaction": st.column_config.DateColumn(format="YYYY-MM-DD")})
    else:
        st.caption("Nobody yet.")

    _card_edits(ctx, account_id, pid, c)

    with st.expander(f"All {len(contacts)} contacts"):
        st.dataframe(columns(contacts, {"name": "name", "title": "title", "level": "level",
                                        "decision_role": "role", "attitude": "attitude", "influence": "influence",
                                        "best_strength": "best strength", "best_internal_name": "best tie from",
                                        "covered": "covered", "peer_covered": "peer covered", "threads": "threads",
                                        "last_interaction": "last interaction"}),
                     hide_index=True, width="stretch",
                     column_config={"best strength": st.column_config.NumberColumn(format="%.2f"),
                                    "last interaction": st.column_config.DateColumn(format="YYYY-MM-DD")})


def _card_edits(ctx: PageContext, account_id: str, pid: str, c: pd.Series) -> None:
    """What can be recorded about this contact, and what was."""
    st.markdown(f"**Record what you learned about {md(c['name'])}**")
    if forms.can_edit(ctx):
        prefix = f"card_{pid}"
        assess, log, tie, person, job = st.tabs(["Role and attitude", "Log an interaction", "Add a tie",
                                                  "Edit person", "Job change"])
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
    with st.expander(f"History of changes about {md(c['name'])}"):
        forms.history(ctx, f"card_{pid}", person_id=pid)


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
