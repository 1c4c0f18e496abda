"""Portfolio: tiers, coverage per account, gaps by kind and severity, role coverage, cooling ties.

Everything is computed on the whole portfolio (tier percentiles are relative to it) and then
filtered by tier, region and owner for display.
"""

from __future__ import annotations

import importlib.util

import pandas as pd
import streamlit as st

from kamgraph.analysis.coverage import account_coverage
from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.people import person_names
from kamgraph.analysis.tiering import account_tiers, pareto
from kamgraph.ui.charts import role_heatmap
from kamgraph.ui.context import PageContext
from kamgraph.ui.explain import explain_empty
from kamgraph.ui.format import ROLE_ORDER, TIER_ORDER, columns, nice, severity_band


def has_coverage_report() -> bool:
    try:
        return importlib.util.find_spec("kamgraph.report.portfolio") is not None
    except (ImportError, ValueError):
        return False


def render(ctx: PageContext) -> None:
    st.title("Portfolio")
    asof = ctx.as_of_text
    snap = ctx.snapshot()
    tiers = ctx.compute(account_tiers)
    cov = ctx.compute(account_coverage, as_of=asof)
    all_gaps = ctx.compute(gaps, as_of=asof)
    names = ctx.compute(person_names, with_settings=False)
    accounts = snap.accounts.set_index("id")

    # -- filters ---------------------------------------------------------------------------
    f1, f2, f3 = st.columns(3)
    tier_options = [t for t in TIER_ORDER if t in set(tiers["tier"])] + sorted(set(tiers["tier"]) - set(TIER_ORDER))
    chosen_tiers = f1.multiselect("Tier", tier_options, key="pf_tier", placeholder="All tiers")
    regions = sorted(r for r in accounts["region"].dropna().unique())
    chosen_regions = f2.multiselect("Region", regions, key="pf_region", placeholder="All regions")
    owners = sorted(o for o in accounts["owner_id"].dropna().unique())
    chosen_owners = f3.multiselect("Owner", owners, key="pf_owner", placeholder="All owners",
                                   format_func=lambda o: str(names.get(o, o)))
    keep = tiers.set_index("account_id")["tier"].reindex(accounts.index)
    mask = pd.Series(True, index=accounts.index)
    if chosen_tiers:
        mask &= keep.isin(chosen_tiers)
    if chosen_regions:
        mask &= accounts["region"].isin(chosen_regions)
    if chosen_owners:
        mask &= accounts["owner_id"].isin(chosen_owners)
    ids = set(accounts.index[mask])

    t = tiers[tiers["account_id"].isin(ids)]
    c = cov[cov["account_id"].isin(ids)]
    g = all_gaps[all_gaps["account_id"].isin(ids)]
    cooling = g[g["kind"] == "cooling_key_relationship"]

    # -- headline --------------------------------------------------------------------------
    m = st.columns(5)
    m[0].metric("Accounts", len(ids))
    m[1].metric("Mean coverage score", f"{c['coverage_score'].mean():.0%}" if c["coverage_score"].notna().any() else "—")
    m[2].metric("Open gaps", len(g))
    m[3].metric("High-severity gaps", int((severity_band(g["severity"]) == "high").sum()))
    m[4].metric("Cooling key relationships", len(cooling))
    par = ctx.compute(pareto)
    if par.n_accounts and pd.notna(par.revenue_share):
        st.caption(f"As of {asof}. The top {par.top_share:.0%} of accounts by revenue ({par.n_top} of "
                   f"{par.n_accounts}) bring {par.revenue_share:.0%} of the portfolio's revenue.")
    else:
        st.caption(f"As of {asof}.")

    if has_coverage_report():
        _coverage_download(ctx, snap)

    # -- accounts table ----------------------------------------------------------------------
    st.subheader("Accounts")
    counts = g.groupby("account_id").size()
    high = g[severity_band(g["severity"]) == "high"].groupby("account_id").size()
    table = t.merge(c[["account_id", "coverage_score", "buying_center", "buying_center_covered", "threads",
                       "missing_team_roles"]], on="account_id", how="left")
    table["region"] = table["account_id"].map(accounts["region"])
    table["owner"] = table["account_id"].map(accounts["owner_id"]).map(lambda o: names.get(o, o) if o else None)
    table["gaps"] = table["account_id"].map(counts).fillna(0).astype(int)
    table["high"] = table["account_id"].map(high).fillna(0).astype(int)
    table["coverage %"] = table["coverage_score"] * 100
    table["buying center covered"] = [
        f"{int(a)}/{int(b)}" if pd.notna(b) and b else "—"
        for a, b in zip(table["buying_center_covered"].fillna(0), table["buying_center"])]
    st.dataframe(
        columns(table, {"name": "account", "tier": "tier", "computed_tier": "computed tier", "problem": "problem",
                        "value_score": "value score", "coverage %": "coverage", "buying center covered":
                        "buying center covered", "threads": "threads", "gaps": "gaps", "high": "high severity",
                        "missing_team_roles": "missing team roles", "region": "region", "owner": "owner"}),
        hide_index=True, width="stretch",
        column_config={
            "value score": st.column_config.ProgressColumn(format="%.2f", min_value=0.0, max_value=1.0),
            "coverage": st.column_config.ProgressColumn(format="%.0f%%", min_value=0.0, max_value=100.0),
        },
    )

    left, right = st.columns([3, 2])
    with left:
        st.subheader("Coverage by role")
        st.caption("How well our best tie covers each decision role (100% = tie of at least "
                   f"{ctx.settings.coverage.covered:.2f}); blank = nobody in that role.")
        if len(c) and c["buying_center"].fillna(0).sum() > 0:
            st.altair_chart(role_heatmap(c, ROLE_ORDER), width="stretch")
        else:
            explain_empty(ctx, ["contacts", "decision_roles"], "No buying center in these accounts.")
    with right:
        st.subheader("Gaps by kind and severity")
        if len(g):
            bands = severity_band(g["severity"])
            pivot = pd.crosstab(g["kind"].map(nice), bands).reindex(columns=["high", "medium", "low"], fill_value=0)
            pivot.index.name = "gap"
            st.dataframe(pivot, width="stretch")
        else:
            st.success("No open gaps in these accounts.")

    st.subheader("Cooling key relationships")
    if len(cooling):
        st.dataframe(columns(cooling, {"account_name": "account", "target_name": "contact", "evidence": "evidence",
                                       "action": "suggested action"}), hide_index=True, width="stretch")
    else:
        st.caption("No relationship with a decision-maker, approver or coach is cooling.")

    st.subheader("All gaps")
    kinds = sorted(g["kind"].unique())
    chosen_kinds = st.multiselect("Kinds", kinds, key="pf_kinds", format_func=nice, placeholder="All kinds")
    shown = g[g["kind"].isin(chosen_kinds)] if chosen_kinds else g
    st.dataframe(columns(shown.assign(kind=shown["kind"].map(nice)),
                         {"priority": "priority", "account_name": "account", "kind": "gap", "target_name": "who",
                          "evidence": "evidence", "action": "suggested action"}),
                 hide_index=True, width="stretch",
                 column_config={"priority": st.column_config.NumberColumn(format="%.2f")})
    st.caption(f"{len(shown)} gaps shown")


def _coverage_download(ctx: PageContext, snap) -> None:
    """The portfolio coverage workbook, built when the button is clicked."""
    from kamgraph.report.portfolio import build_coverage_report

    settings, as_of = ctx.settings, ctx.as_of_text

    def build() -> bytes:
        return build_coverage_report(snap, settings, as_of=as_of).excel_bytes()

    st.download_button("Download the coverage report (Excel)", data=build,
                       file_name=f"kamgraph-coverage-{as_of}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", key="pf_coverage_report")


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
