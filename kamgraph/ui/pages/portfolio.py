"""Portfolio: tiers, coverage per account, gaps by kind and severity, role coverage, cooling ties.

The analyses run on the whole portfolio (tier percentiles are relative to it) and the page
shows the accounts its filters (tier, region, owner) choose: the figures, the Pareto
sentence and every download (Excel, a CSV zip, the offline HTML report) are computed on
those accounts, and say which they are in words
(:class:`~kamgraph.report.portfolio.ReportScope`).

Every account and gap row links to the Account page (``account?account=A-01&contact=C-001``:
relative, so it works under any base URL); selecting a gap row shows its action and evidence
in full with a link that opens the account in this tab.

Every word is in the reader's language (:mod:`kamgraph.i18n`); the tables keep their English
column names in English and show them translated otherwise.
"""

from __future__ import annotations

import importlib.util
import math
from urllib.parse import quote

import pandas as pd
import streamlit as st

from kamgraph.analysis.coverage import account_coverage
from kamgraph.analysis.gaps import gaps
from kamgraph.analysis.people import person_names, shown_names
from kamgraph.analysis.tiering import account_tiers
from kamgraph.i18n import N_, _, fmt_day, fmt_percent, ngettext
from kamgraph.i18n.terms import term, terms
from kamgraph.ui.charts import HEATMAP_PAGE, role_heatmap
from kamgraph.ui.context import PageContext
from kamgraph.ui.explain import explain_empty
from kamgraph.ui.format import (
    ROLE_ORDER,
    TIER_ORDER,
    columns,
    headers,
    list_text,
    md,
    severity_band,
)
from kamgraph.ui.pickers import person_multiselect

ACCOUNT_PAGE = "account"  # the Account page's url path (kamgraph.ui.app.PAGE_FILES)
LINK_HELP = N_("Open the account (and the contact) on the Account page, in a new tab")

#: the accounts table's columns -> headers (marked only: shown translated)
ACCOUNT_COLUMNS = {"open": N_("open"), "name": N_("account"), "tier": N_("tier"), "computed_tier": N_("computed tier"),
                   "problem": N_("problem account"), "value_score": N_("value score"), "coverage %": N_("coverage"),
                   "buying center covered": N_("buying center covered"), "threads": N_("threads"),
                   "gaps": N_("gaps"), "high": N_("high severity"), "missing_team_roles": N_("missing team roles"),
                   "region": N_("region"), "owner": N_("owner")}
#: the cooling key relationships table's columns
COOLING_COLUMNS = {"account_name": N_("account"), "target_name": N_("contact"), "action": N_("suggested action"),
                   "evidence": N_("evidence")}
#: the all-gaps table's columns
GAP_COLUMNS = {"account_name": N_("account"), "kind": N_("gap"), "action": N_("suggested action"),
               "target_name": N_("who"), "priority": N_("priority"), "evidence": N_("evidence")}


def has_coverage_report() -> bool:
    try:
        return importlib.util.find_spec("kamgraph.report.portfolio") is not None
    except (ImportError, ValueError):
        return False


def account_links(account_ids: pd.Series, contact_ids: pd.Series | None = None) -> pd.Series:
    """Relative links to the Account page: ``account?account=<id>`` and ``&contact=<id>``
    where a contact is given (ids URL-encoded).

    >>> account_links(pd.Series(["A-01", "A 2"]), pd.Series(["C-001", None])).tolist()
    ['account?account=A-01&contact=C-001', 'account?account=A%202']
    """
    links = f"{ACCOUNT_PAGE}?account=" + account_ids.astype(str).map(lambda i: quote(i, safe=""))
    if contact_ids is not None:
        has = contact_ids.notna().to_numpy()
        contact = contact_ids.where(contact_ids.notna(), "").astype(str).map(lambda i: quote(i, safe=""))
        links = links.where(~has, links + "&contact=" + contact)
    return links


def team_roles_text(value):
    """The comma-joined team-role codes of ``missing_team_roles`` in words: the iron triangle's
    roles as their abbreviations (every language uses them), others as words.

    >>> team_roles_text("fr,executive_sponsor"), team_roles_text("")
    ('FR, executive sponsor', '')
    """
    if not isinstance(value, str):
        return value
    codes = [x.strip() for x in value.split(",") if x.strip()]
    return list_text(c.upper() if c in IRON_TRIANGLE else term("team_role", c) for c in codes)


#: the iron triangle's team roles, shown as their abbreviations
IRON_TRIANGLE = ("ar", "sr", "fr")


def render(ctx: PageContext) -> None:
    from kamgraph.report.portfolio import ReportScope, pareto_of

    st.title(_("Portfolio"))
    asof = ctx.as_of_text
    snap = ctx.snapshot()
    tiers = ctx.compute(account_tiers)
    cov = ctx.compute(account_coverage, as_of=asof)
    all_gaps = ctx.compute(gaps, as_of=asof)
    names = ctx.compute(shown_names, with_settings=False)  # in the reader's script
    accounts = snap.accounts.drop_duplicates("id").set_index("id")
    customers = set(snap.people.loc[snap.people["side"] == "customer", "id"])

    # -- filters ---------------------------------------------------------------------------
    f1, f2, f3 = st.columns(3)
    tier_options = [t for t in TIER_ORDER if t in set(tiers["tier"])] + sorted(set(tiers["tier"]) - set(TIER_ORDER))
    # option labels are worked out now, in this session's language (a format_func that translated
    # later would run in whichever thread calls it: AppTest calls it in its own)
    tier_words = {t: term("tier", t) for t in tier_options}
    chosen_tiers = f1.multiselect(_("Tier"), tier_options, key="pf_tier", placeholder=_("All tiers"),
                                  format_func=tier_words.__getitem__)
    regions = sorted(r for r in accounts["region"].dropna().unique())
    chosen_regions = f2.multiselect(_("Region"), regions, key="pf_region", placeholder=_("All regions"))
    owners = sorted(o for o in accounts["owner_id"].dropna().unique())
    chosen_owners = person_multiselect(_("Owner"), {o: str(names.get(o, o)) for o in owners}, "pf_owner",
                                       names=ctx.compute(person_names, with_settings=False), where=f3,
                                       placeholder=_("All owners"))
    scope = ReportScope(tiers=tuple(chosen_tiers), regions=tuple(chosen_regions), owners=tuple(chosen_owners))
    ids = set(scope.account_ids(snap, ctx.settings))
    scope_text = scope.describe(snap, len(ids))

    t = tiers[tiers["account_id"].isin(ids)]
    c = cov[cov["account_id"].isin(ids)]
    g = all_gaps[all_gaps["account_id"].isin(ids)]
    cooling = g[g["kind"] == "cooling_key_relationship"]

    # -- headline --------------------------------------------------------------------------
    m = st.columns(5)
    m[0].metric(_("Accounts"), len(ids))
    m[1].metric(_("Mean coverage score"),
                fmt_percent(c["coverage_score"].mean()) if c["coverage_score"].notna().any() else "—")
    m[2].metric(_("Open gaps"), len(g))
    m[3].metric(_("High-severity gaps"), int((severity_band(g["severity"]) == "high").sum()))
    m[4].metric(_("Cooling key relationships"), len(cooling))
    par = ctx.compute(pareto_of, accounts=None if scope.is_everything else tuple(sorted(ids)))
    day = fmt_day(asof)
    if par.n_accounts and pd.notna(par.revenue_share):
        facts = {"scope": md(scope_text), "day": day, "top": fmt_percent(par.top_share), "n_top": par.n_top,
                 "n": par.n_accounts, "share": fmt_percent(par.revenue_share)}
        if scope.is_everything:
            text = _("{scope}, as of {day}. The top {top} of accounts by revenue ({n_top} of {n}) bring {share} of "
                     "the portfolio's revenue. Tiers rank each account against the whole portfolio.")
        else:
            text = _("{scope}, as of {day}. The top {top} of these accounts by revenue ({n_top} of {n}) bring "
                     "{share} of their revenue. Tiers rank each account against the whole portfolio.")
        st.caption(text.format(**facts))
    else:
        st.caption(_("{scope}, as of {day}.").format(scope=md(scope_text), day=day))

    if has_coverage_report() and ids:
        _downloads(ctx, scope, scope_text)

    # -- accounts table ----------------------------------------------------------------------
    st.subheader(_("Accounts"))
    counts = g.groupby("account_id").size()
    high = g[severity_band(g["severity"]) == "high"].groupby("account_id").size()
    table = t.merge(c[["account_id", "coverage_score", "buying_center", "buying_center_covered", "threads",
                       "missing_team_roles"]], on="account_id", how="left")
    table["open"] = account_links(table["account_id"])
    table["region"] = table["account_id"].map(accounts["region"])
    table["owner"] = table["account_id"].map(accounts["owner_id"]).map(lambda o: names.get(o, o) if o else None)
    table["gaps"] = table["account_id"].map(counts).fillna(0).astype(int)
    table["high"] = table["account_id"].map(high).fillna(0).astype(int)
    table["coverage %"] = table["coverage_score"] * 100
    table["buying center covered"] = [
        f"{int(a)}/{int(b)}" if pd.notna(b) and b else "—"
        for a, b in zip(table["buying_center_covered"].fillna(0), table["buying_center"])]
    for col in ("tier", "computed_tier"):
        if col in table.columns:
            table[col] = terms("tier", table[col])
    if "missing_team_roles" in table.columns:
        table["missing_team_roles"] = table["missing_team_roles"].map(team_roles_text)
    h = headers(ACCOUNT_COLUMNS)
    st.dataframe(
        columns(table, h),
        hide_index=True, width="stretch", placeholder="—",
        column_config={
            h["open"]: st.column_config.LinkColumn(h["open"], display_text=_("Open"), help=_(LINK_HELP),
                                                   width="small", pinned=True),
            h["name"]: st.column_config.TextColumn(width="medium", pinned=True),
            h["problem"]: st.column_config.CheckboxColumn(
                help=_("Declared a problem account, or its margin or collection is below the limit")),
            h["value_score"]: st.column_config.ProgressColumn(format="%.2f", min_value=0.0, max_value=1.0),
            h["coverage %"]: st.column_config.ProgressColumn(format="%.0f%%", min_value=0.0, max_value=100.0),
        },
    )

    # full width: seven role columns and the account names need the room to label every one
    st.subheader(_("Coverage by role"))
    st.caption(_("How well our best tie covers each decision role (100% = tie of at least {covered}); "
                 "blank = nobody in that role.").format(covered=f"{ctx.settings.coverage.covered:.2f}"))
    if len(c) and c["buying_center"].fillna(0).sum() > 0:
        _heatmap(c)
    else:
        explain_empty(ctx, ["contacts", "decision_roles"], _("No buying center in these accounts."))

    st.subheader(_("Gaps by kind and severity"))
    if len(g):
        bands = severity_band(g["severity"])
        pivot = pd.crosstab(terms("gap_kind", g["kind"]), bands).reindex(columns=["high", "medium", "low"],
                                                                          fill_value=0)
        pivot.columns = [term("severity", b) for b in pivot.columns]
        pivot.columns.name = None
        pivot.index.name = _("gap")
        st.dataframe(pivot, width=520)
    else:
        st.success(_("No open gaps in these accounts."))

    st.subheader(_("Cooling key relationships"))
    if len(cooling):
        _gap_table(cooling.assign(kind=terms("gap_kind", cooling["kind"])), customers, COOLING_COLUMNS,
                   key="pf_cooling")
    else:
        st.caption(_("No relationship with a decision-maker, approver or coach is cooling."))

    st.subheader(_("All gaps"))
    kinds = sorted(g["kind"].unique())
    kind_words = {k: term("gap_kind", k) for k in kinds}
    chosen_kinds = st.multiselect(_("Kinds"), kinds, key="pf_kinds", format_func=kind_words.__getitem__,
                                  placeholder=_("All kinds"))
    shown = g[g["kind"].isin(chosen_kinds)] if chosen_kinds else g
    _gap_table(shown.assign(kind=terms("gap_kind", shown["kind"])), customers, GAP_COLUMNS, key="pf_gaps")
    st.caption(ngettext("{n} gap shown. Select a row to read it in full and open its account here.",
                        "{n} gaps shown. Select a row to read it in full and open its account here.",
                        len(shown)).format(n=len(shown)))


#: rows of the gap tables are this tall (pixels): the suggested action wraps onto five lines
GAP_ROW_HEIGHT = 112


def _gap_table(rows: pd.DataFrame, customers: set, mapping: dict[str, str], key: str) -> None:
    """Gap rows with a link to their account (and contact), the action wrapping in a wide column;
    the selected row in full below, with a link that opens it in this tab. ``mapping``: columns
    -> headers marked with ``N_`` (``kind`` already in words)."""
    rows = rows.reset_index(drop=True)
    target = rows["target_id"].where(rows["target_id"].isin(customers)) if "target_id" in rows.columns else None
    h = headers({"open": N_("open"), **mapping})
    view = columns(rows.assign(open=account_links(rows["account_id"], target)), h)
    widths = {"account_name": 150, "kind": 120, "target_name": 130 if mapping.get("target_name") == "contact" else 140,
              "action": 470, "evidence": "large"}
    config = {h["open"]: st.column_config.LinkColumn(h["open"], display_text=_("Open"), help=_(LINK_HELP),
                                                     width="small", pinned=True)}
    # the action right after the account and gap, wide, wrapping: readable at 1366 px without scrolling sideways
    config.update({h[k]: st.column_config.TextColumn(width=w) for k, w in widths.items() if k in h})
    if "priority" in h:
        config[h["priority"]] = st.column_config.NumberColumn(format="%.2f", width="small")
    event = st.dataframe(view, hide_index=True, width="stretch", column_config=config, row_height=GAP_ROW_HEIGHT,
                         placeholder="—", key=key, on_select="rerun", selection_mode="single-row",
                         height=min(720, GAP_ROW_HEIGHT * len(view) + 40))
    chosen = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if chosen and chosen[0] < len(rows):
        _gap_detail(rows.iloc[chosen[0]], target.iloc[chosen[0]] if target is not None else None)


def _gap_detail(row: pd.Series, contact) -> None:
    from kamgraph.ui.app import PAGES_DIR

    with st.container(border=True):
        who = f" · {md(row.get('target_name'))}" if isinstance(row.get("target_name"), str) else ""
        st.markdown(f"**{md(row['account_name'])}** · {md(row['kind'])}{who}")  # kind: already in words
        st.markdown(_("**Suggested action** {action}").format(action=md(row["action"])))
        st.markdown(_("**Evidence** {evidence}").format(evidence=md(row["evidence"])))
        params = {"account": row["account_id"]}
        if isinstance(contact, str):
            params["contact"] = contact
        st.page_link(PAGES_DIR / "account.py",
                     label=_("Open this account and contact") if len(params) > 1 else _("Open this account"),
                     icon=":material/hub:", query_params=params)


def _heatmap(c: pd.DataFrame) -> None:
    """The role heatmap, :data:`HEATMAP_PAGE` accounts a page, so every label shows."""
    pages = max(1, math.ceil(len(c) / HEATMAP_PAGE))
    page = 1
    if pages > 1:
        page = st.number_input(_("Page (of {pages}, {n} accounts each)").format(pages=pages, n=HEATMAP_PAGE),
                               1, pages, 1, key="pf_heat_page")
    part = c.iloc[(page - 1) * HEATMAP_PAGE: page * HEATMAP_PAGE]
    st.altair_chart(role_heatmap(part, ROLE_ORDER), width="stretch")


def _downloads(ctx: PageContext, scope, scope_text: str) -> None:
    """Excel, a CSV zip and the offline HTML report of the accounts the filters chose, built
    (once, for the three) when a button is clicked."""
    from kamgraph.report.portfolio import coverage_files

    as_of = ctx.as_of_text
    stem = f"kamgraph-coverage-{as_of}" + ("" if scope.is_everything else "-filtered")

    def build(kind: str):
        return lambda: ctx.compute(coverage_files, as_of=as_of, tiers=scope.tiers, regions=scope.regions,
                                   owners=scope.owners)[kind]

    st.caption(_("Scope of the downloads: {scope}. Every figure in them is computed on these accounts "
                 "(tiers excepted: they rank against the whole portfolio).").format(scope=md(scope_text)))
    d = st.columns(3)
    d[0].download_button(_("Excel workbook"), data=build("xlsx"), file_name=f"{stem}.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/download:", key="pf_dl_xlsx", width="stretch")
    d[1].download_button(_("CSV files (zip)"), data=build("zip"), file_name=f"{stem}-csv.zip", mime="application/zip",
                         icon=":material/download:", key="pf_dl_zip", width="stretch")
    d[2].download_button(_("Offline report (HTML)"), data=build("html"), file_name=f"{stem}.html", mime="text/html",
                         icon=":material/download:", key="pf_dl_html", width="stretch")


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
