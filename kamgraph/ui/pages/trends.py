"""Trends: strength over time for an account, a person or a pair; warming and cooling lists;
what changed recently (relationships and assessments, e.g. who turned from supporter to skeptic).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamgraph.analysis.people import internal_ids, person_labels
from kamgraph.analysis.trends import monthly_series, relationship_changes, trends
from kamgraph.ui.charts import strength_lines
from kamgraph.ui.context import PageContext
from kamgraph.ui.explain import explain_empty
from kamgraph.ui.format import (
    SLOPE_FORMAT,
    SLOPE_LABEL,
    accounts_in_order,
    columns,
    md,
    slope_percent,
)

MODES = ("Account", "Person", "Pair")
CHANGE_WINDOWS = (1, 3, 6, 12)  # months offered for "what changed"

TREND_COLUMNS = {"person_name": "our person", "other_name": "contact", "accounts": "accounts",
                 "strength_now": "strength", "strength_start": "at window start", "slope": SLOPE_LABEL,
                 "label": "trend", "last_interaction": "last interaction"}
TREND_CONFIG = {"strength": st.column_config.NumberColumn(format="%.2f"),
                "at window start": st.column_config.NumberColumn(format="%.2f"),
                SLOPE_LABEL: st.column_config.NumberColumn(format=SLOPE_FORMAT),
                "last interaction": st.column_config.DateColumn(format="YYYY-MM-DD")}


def _has_account(accounts: pd.Series, account_id: str) -> pd.Series:
    """A boolean mask (bool dtype even when empty: an empty object mask would select columns)."""
    return accounts.fillna("").astype(str).str.split(",").map(lambda ids: account_id in ids).astype(bool)


def render(ctx: PageContext) -> None:
    st.title("Trends")
    asof = ctx.as_of_text
    all_trends = ctx.compute(trends, as_of=asof)
    labels = ctx.compute(person_labels, with_settings=False, as_of=asof)
    st.caption(f"Monthly strength over {ctx.settings.trend.months} months up to {asof}; the trend is how fast it "
               f"changes a month over the last {ctx.settings.trend.slope_points} months. Pairs: each of our people with each "
               "customer contact they have a tie or an interaction with.")
    mode = st.segmented_control("Trends for", MODES, default="Account", key="tr_mode") or "Account"

    if mode == "Account":
        accounts = accounts_in_order(ctx.read("accounts"))
        names = dict(zip(accounts["id"], accounts["name"].fillna(accounts["id"])))
        account_id = st.selectbox("Account", list(names), key="tr_account", format_func=lambda i: names[i])
        rows = all_trends[_has_account(all_trends["accounts"], account_id)]
        scope_ids = None
        changes_filter = ("account", account_id)
    elif mode == "Person":
        people = sorted(set(all_trends["person_id"]) | set(all_trends["other_id"]), key=lambda i: str(labels.get(i, i)))
        if not people:
            explain_empty(ctx, ["internal", "contacts", "interactions"], "No relationships to show yet.")
            return
        pid = st.selectbox("Person", people, key="tr_person", format_func=lambda i: str(labels.get(i, i)))
        rows = all_trends[(all_trends["person_id"] == pid) | (all_trends["other_id"] == pid)]
        scope_ids = None
        changes_filter = ("person", pid)
    else:
        ours = sorted(ctx.compute(internal_ids, with_settings=False), key=lambda i: str(labels.get(i, i)))
        others = sorted((i for i in labels.index if i not in set(ours)), key=lambda i: str(labels.get(i, i)))
        c1, c2 = st.columns(2)
        a = c1.selectbox("Our person", ours, key="tr_pair_a", format_func=lambda i: str(labels.get(i, i)))
        b = c2.selectbox("Other person", others, key="tr_pair_b", format_func=lambda i: str(labels.get(i, i)))
        if a is None or b is None:
            return
        pair = pd.DataFrame({"person_id": [a], "other_id": [b]})
        rows = ctx.compute(trends, as_of=asof, pairs=pair)
        scope_ids = pair
        changes_filter = ("pair", (a, b))
        if rows.empty or rows["label"].isna().all():
            st.info(f"{md(labels.get(a, a))} and {md(labels.get(b, b))} have never interacted and have no declared "
                    "tie: there is no relationship to follow (which is not the same as a strength of 0).")
            return

    if _chart(ctx, rows, scope_ids, mode):
        _lists(rows, mode)
    _changes(ctx, changes_filter)


def _chart(ctx: PageContext, rows: pd.DataFrame, pair: pd.DataFrame | None, mode: str) -> bool:
    """The strength lines; False (after saying why) when there is no relationship to draw."""
    if rows.empty:
        explain_empty(ctx, ["internal", "contacts", "interactions"],
                      "No relationships here yet: none of our people has a tie or an interaction with its contacts.")
        return False
    if pair is None:
        n = st.slider("Lines", 1, 20, min(8, len(rows)) if len(rows) > 1 else 1, key="tr_lines",
                      help="The strongest relationships now") if len(rows) > 1 else 1
        top = rows.sort_values("strength_now", ascending=False).head(n)
        pair = top[["person_id", "other_id"]].reset_index(drop=True)
    series = ctx.compute(monthly_series, as_of=ctx.as_of_text, pairs=pair)
    names = rows.set_index(["person_id", "other_id"])[["person_name", "other_name"]]
    key = pd.MultiIndex.from_frame(series[["person_id", "other_id"]])
    series = series.assign(pair=[f"{p} – {o}" for p, o in zip(names["person_name"].reindex(key),
                                                               names["other_name"].reindex(key))])
    st.subheader("Strength over time")
    st.altair_chart(strength_lines(series), width="stretch")
    return True


def _lists(rows: pd.DataFrame, mode: str) -> None:
    warming = rows[rows["label"] == "warming"].sort_values("slope", ascending=False)
    cooling = rows[rows["label"].isin(["cooling", "dormant"])].sort_values("slope")
    left, right = st.columns(2, gap="medium")
    with left:
        st.subheader(f"Warming ({len(warming)})")
        st.dataframe(columns(slope_percent(warming), TREND_COLUMNS), hide_index=True, width="stretch", column_config=TREND_CONFIG)
    with right:
        st.subheader(f"Cooling or dormant ({len(cooling)})")
        st.dataframe(columns(slope_percent(cooling), TREND_COLUMNS), hide_index=True, width="stretch", column_config=TREND_CONFIG)
    st.caption(f"{len(rows)} relationships · {len(warming)} warming · {len(cooling)} cooling or dormant")


def _changes(ctx: PageContext, which: tuple[str, object]) -> None:
    st.subheader("What changed")
    months = st.select_slider("Over the last", CHANGE_WINDOWS, value=3, key="tr_window",
                              format_func=lambda m: f"{m} month{'s' if m > 1 else ''}")
    start = (ctx.as_of - pd.DateOffset(months=months)).strftime("%Y-%m-%d")
    kind, value = which
    if kind == "pair":
        a, b = value
        changes = ctx.compute(relationship_changes, start, ctx.as_of_text,
                              pairs=pd.DataFrame({"person_id": [a], "other_id": [b]}))
    else:
        changes = ctx.compute(relationship_changes, start, ctx.as_of_text)
        if kind == "account":
            changes = changes[_has_account(changes["account_id"], str(value))]
        else:
            changes = changes[(changes["person_id"] == value) | (changes["other_id"] == value)]
    if changes.empty:
        st.caption(f"Nothing changed between {start} and {ctx.as_of_text}.")
        return
    changes = changes.sort_values("date", ascending=False)
    st.dataframe(columns(changes, {"date": "date", "kind": "what", "description": "change", "before": "before",
                                   "after": "after", "assessed_by": "assessed by"}),
                 hide_index=True, width="stretch",
                 column_config={"date": st.column_config.DateColumn(format="YYYY-MM-DD")})


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
