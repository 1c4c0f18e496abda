"""Trends: strength over time for an account, a person or a pair; warming and cooling lists;
what changed recently: political changes first (assessments of role, attitude and influence,
e.g. who turned from supporter to skeptic, and when), then strength changes, for the account,
person or pair chosen or the whole portfolio.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamgraph.analysis.people import internal_ids, person_labels, person_names
from kamgraph.analysis.trends import (
    assessment_changes,
    monthly_series,
    relationship_changes,
    trends,
)
from kamgraph.ui.charts import strength_lines
from kamgraph.ui.context import PageContext
from kamgraph.ui.explain import explain_empty
from kamgraph.ui.format import (
    SLOPE_FORMAT,
    SLOPE_LABEL,
    accounts_in_order,
    columns,
    md,
    nice,
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
        accounts = ctx.read("accounts")
        _lists(rows, mode, dict(zip(accounts["id"], accounts["name"].fillna(accounts["id"]))))
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


def account_names_in(ids: pd.Series, names: dict) -> pd.Series:
    """Comma-joined account ids as their names (an id without a name stays as it is).

    >>> account_names_in(pd.Series(["A-01,A-02", ""]), {"A-01": "Lanxin"}).isna().tolist()
    [False, True]
    >>> account_names_in(pd.Series(["A-01,A-02"]), {"A-01": "Lanxin"}).tolist()
    ['Lanxin, A-02']
    """
    return ids.map(lambda a: ", ".join(names.get(i, i) for i in str(a).split(",") if i)
                   if isinstance(a, str) and a else None)


def _lists(rows: pd.DataFrame, mode: str, account_names: dict) -> None:
    rows = rows.assign(accounts=account_names_in(rows["accounts"], account_names))
    if mode == "Account":  # every row is at the chosen account: its long name pushed the figures off-screen
        rows = rows.drop(columns="accounts")
    warming = rows[rows["label"] == "warming"].sort_values("slope", ascending=False)
    cooling = rows[rows["label"].isin(["cooling", "dormant"])].sort_values("slope")
    left, right = st.columns(2, gap="medium")
    with left:
        st.subheader(f"Warming ({len(warming)})")
        st.dataframe(columns(slope_percent(warming), TREND_COLUMNS), hide_index=True, width="stretch",
                     column_config=TREND_CONFIG, placeholder="—")
    with right:
        st.subheader(f"Cooling or dormant ({len(cooling)})")
        st.dataframe(columns(slope_percent(cooling), TREND_COLUMNS), hide_index=True, width="stretch",
                     column_config=TREND_CONFIG, placeholder="—")
    st.caption(f"{len(rows)} relationships · {len(warming)} warming · {len(cooling)} cooling or dormant")


def _latest_political(ctx: PageContext, which: tuple[str, object], start: str, everywhere: bool) -> str:
    """" The latest before: <date>, <who> at <account>: attitude supporter → neutral." (or "")."""
    earlier = ctx.compute(assessment_changes, "1900-01-01", start, with_settings=False)
    kind, value = which
    if not everywhere:
        if kind == "account":
            earlier = earlier[earlier["account_id"] == value]
        else:
            ids = set(value) if kind == "pair" else {value}
            earlier = earlier[earlier["person_id"].isin(ids)]
    if earlier.empty:
        return ""
    last = earlier.sort_values("date", kind="mergesort").iloc[-1]
    accounts = ctx.read("accounts").set_index("id")["name"]
    who = ctx.compute(person_names, with_settings=False).get(last["person_id"], last["person_id"])
    return (f" The latest earlier one: {pd.Timestamp(last['date']):%Y-%m-%d}, {md(who)} at "
            f"{md(accounts.get(last['account_id'], last['account_id']))}: {POLITICAL_WHAT.get(last['kind'], '')} "
            f"{md(nice(last['before']))} → {md(nice(last['after']))}. Widen the window to list it.")


#: what an assessment change is about, in words
POLITICAL_WHAT = {"decision_role": "role", "attitude": "attitude", "influence": "influence"}


def political_view(changes: pd.DataFrame, account_names: dict) -> pd.DataFrame:
    """Assessment changes (role, attitude, influence) for people: newest first, words for
    codes, "—" for anything unknown (never "None").

    >>> ch = pd.DataFrame({"kind": ["attitude"], "date": [pd.Timestamp("2026-06-18")], "account_id": ["A-03"],
    ...                    "person_name": ["Liang Xiaoqing"], "before": ["supporter"], "after": ["skeptic"],
    ...                    "delta": [-2.0], "assessed_by": [None], "assessed_by_name": [None]})
    >>> political_view(ch, {"A-03": "Pengcheng"}).iloc[0].to_dict()["change"]
    'supporter → skeptic (cooler)'
    """
    rows = changes.sort_values("date", ascending=False, kind="mergesort")
    direction = pd.Series("", index=rows.index, dtype=object)
    delta = rows["delta"].astype(float)
    att, inf = rows["kind"] == "attitude", rows["kind"] == "influence"
    direction[att & (delta > 0)] = " (warmer)"
    direction[att & (delta < 0)] = " (cooler)"
    direction[inf & (delta > 0)] = " (more influence)"
    direction[inf & (delta < 0)] = " (less influence)"
    words = {k: v for k, v in POLITICAL_WHAT.items()}
    before = rows["before"].map(nice)
    after = rows["after"].map(nice)
    by = rows["assessed_by_name"] if "assessed_by_name" in rows.columns else rows["assessed_by"]
    return pd.DataFrame({
        "date": rows["date"].to_numpy(),
        "who": rows["person_name"].map(nice).to_numpy(),
        "account": rows["account_id"].map(lambda a: account_names.get(a, a)).map(nice).to_numpy(),
        "what": rows["kind"].map(words).fillna(rows["kind"].map(nice)).to_numpy(),
        "change": (before + " → " + after + direction).to_numpy(),
        "assessed by": by.where(by.notna(), rows["assessed_by"]).map(nice).to_numpy(),
    })


def strength_view(changes: pd.DataFrame, account_names: dict | None = None) -> pd.DataFrame:
    """Relationship changes for people: the biggest moves first, "—" where a trend was unknown,
    account names for ids.

    >>> ch = pd.DataFrame({"person_name": ["Ann"], "other_name": ["Bo"], "strength_before": [0.0],
    ...                    "strength_after": [0.6], "delta": [0.6], "before": [None], "after": ["new"],
    ...                    "account_id": ["A-05,A-06"]})
    >>> strength_view(ch, {"A-05": "Straits"}).iloc[0][["trend", "accounts"]].tolist()
    ['— → new', 'Straits, A-06']
    >>> strength_view(ch.assign(before=["stable"], after=["stable"])).iloc[0]["trend"]
    'stable'
    """
    rows = changes.reindex(changes["delta"].abs().sort_values(ascending=False, kind="mergesort").index)
    names = account_names or {}
    accounts = account_names_in(rows["account_id"], names)
    return pd.DataFrame({
        "our person": rows["person_name"].map(nice).to_numpy(),
        "contact": rows["other_name"].map(nice).to_numpy(),
        "strength before": rows["strength_before"].astype(float).to_numpy(),
        "strength after": rows["strength_after"].astype(float).to_numpy(),
        "change": rows["delta"].astype(float).to_numpy(),
        "trend": [a if b == a else f"{b} → {a}"  # "stable", not "stable → stable"
                  for b, a in zip(rows["before"].map(nice), rows["after"].map(nice))],
        "accounts": accounts.map(nice).to_numpy(),
    })


def _changes(ctx: PageContext, which: tuple[str, object]) -> None:
    st.subheader("What changed")
    kind, value = which
    c1, c2 = st.columns([3, 2])
    months = c1.select_slider("Over the last", CHANGE_WINDOWS, value=3, key="tr_window",
                              format_func=lambda m: f"{m} month{'s' if m > 1 else ''}")
    everywhere = c2.toggle("Whole portfolio", key="tr_changes_all",
                           help="Every account's changes, not only this account's, person's or pair's")
    start = (ctx.as_of - pd.DateOffset(months=months)).strftime("%Y-%m-%d")
    if kind == "pair" and not everywhere:
        a, b = value
        changes = ctx.compute(relationship_changes, start, ctx.as_of_text,
                              pairs=pd.DataFrame({"person_id": [a], "other_id": [b]}))
    else:
        changes = ctx.compute(relationship_changes, start, ctx.as_of_text)
        if not everywhere and kind == "account":
            changes = changes[_has_account(changes["account_id"], str(value))]
        elif not everywhere:
            changes = changes[(changes["person_id"] == value) | (changes["other_id"] == value)]
    accounts = ctx.read("accounts")
    account_names = dict(zip(accounts["id"], accounts["name"].fillna(accounts["id"])))
    names = ctx.compute(person_names, with_settings=False)
    political = changes[changes["kind"] != "relationship"]
    political = political.assign(assessed_by_name=political["assessed_by"].map(names))
    strength = changes[changes["kind"] == "relationship"]
    period = f"between {start} and {ctx.as_of_text}"

    st.markdown(f"##### Political changes ({len(political)})")
    st.caption("Assessments of a contact's role, attitude toward us or influence that changed " + period + ".")
    if len(political):
        st.dataframe(political_view(political, account_names), hide_index=True, width="stretch", placeholder="—",
                     key="tr_political",
                     column_config={"date": st.column_config.DateColumn(format="YYYY-MM-DD"),
                                    "change": st.column_config.TextColumn(width="medium")})
    else:
        st.caption("No role, attitude or influence changed in this period." + _latest_political(ctx, which, start,
                                                                                                 everywhere))

    st.markdown(f"##### Strength changes ({len(strength)})")
    st.caption(f"Relationships whose strength moved by at least {ctx.settings.trend.change_min_delta:.2f} or whose "
               f"trend changed {period} (strength now against then; the biggest moves first).")
    if len(strength):
        st.dataframe(strength_view(strength, account_names), hide_index=True, width="stretch", placeholder="—", key="tr_strength",
                     column_config={"strength before": st.column_config.NumberColumn(format="%.2f"),
                                    "strength after": st.column_config.NumberColumn(format="%.2f"),
                                    "change": st.column_config.NumberColumn(format="%+.2f")})
    else:
        st.caption("No relationship strength or trend changed in this period.")


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
