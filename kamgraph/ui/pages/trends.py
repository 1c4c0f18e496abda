"""Trends: strength over time for an account, a person or a pair; warming and cooling lists;
what changed recently: political changes first (assessments of role, attitude and influence,
e.g. who turned from supporter to skeptic, and when), then strength changes, for the account,
person or pair chosen or the whole portfolio.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamgraph.analysis.people import (
    internal_ids,
    person_labels,
    person_names,
    shown_names,
)
from kamgraph.analysis.trends import (
    assessment_changes,
    monthly_series,
    relationship_changes,
    trends,
)
from kamgraph.i18n import N_, _, current_language, fmt_day, ngettext
from kamgraph.i18n.terms import term, terms
from kamgraph.ui.charts import strength_lines
from kamgraph.ui.context import PageContext
from kamgraph.ui.explain import explain_empty
from kamgraph.ui.format import (
    SLOPE_FORMAT,
    accounts_in_order,
    columns,
    md,
    nice,
    slope_percent,
)
from kamgraph.ui.language import pinned
from kamgraph.ui.pickers import person_picker, picker_labels

#: what the trends are for (the values stay English: widget state; shown translated)
MODES = (N_("Account"), N_("Person"), N_("Pair"))
CHANGE_WINDOWS = (1, 3, 6, 12)  # months offered for "what changed"

#: the trend lists' columns (headers marked here, translated where shown: :func:`trend_columns`)
TREND_COLUMNS = {"person_name": N_("our person"), "other_name": N_("contact"), "accounts": N_("accounts"),
                 "strength_now": N_("strength"), "strength_start": N_("at window start"),
                 "slope": N_("change a month"), "label": N_("trend"), "last_interaction": N_("last interaction")}


def date_format() -> str:
    """A table's date column format in the reader's language (English: ISO)."""
    return "YYYY年M月D日" if current_language() == "zh_CN" else "YYYY-MM-DD"


def trend_columns() -> dict[str, str]:
    """:data:`TREND_COLUMNS` in the reader's language."""
    return {k: _(v) for k, v in TREND_COLUMNS.items()}


def trend_config() -> dict:
    """The trend lists' column formats, keyed by the translated headers."""
    return {_("strength"): st.column_config.NumberColumn(format="%.2f"),
            _("at window start"): st.column_config.NumberColumn(format="%.2f"),
            _("change a month"): st.column_config.NumberColumn(format=SLOPE_FORMAT),
            _("last interaction"): st.column_config.DateColumn(format=date_format())}


def _has_account(accounts: pd.Series, account_id: str) -> pd.Series:
    """A boolean mask (bool dtype even when empty: an empty object mask would select columns)."""
    return accounts.fillna("").astype(str).str.split(",").map(lambda ids: account_id in ids).astype(bool)


def render(ctx: PageContext) -> None:
    st.title(_("Trends"))
    asof = ctx.as_of_text
    all_trends = ctx.compute(trends, as_of=asof)
    labels = ctx.compute(person_labels, with_settings=False, as_of=asof)
    # what the person pickers show (a Chinese-only name with its romanization, so pinyin finds it):
    # once per data version, date and language, not on every rerun
    picks = ctx.per_version(f"trends_pick_labels:{asof}", lambda: picker_labels(
        {str(i): str(v) for i, v in labels.items()}, ctx.compute(person_names, with_settings=False).to_dict()))
    stored = ctx.compute(person_names, with_settings=False)
    st.caption(_("Monthly strength over {months} months up to {day}; the trend is how fast it changes a month over "
                 "the last {points} months. Pairs: each of our people with each customer contact they have a tie "
                 "or an interaction with.").format(months=ctx.settings.trend.months, day=fmt_day(ctx.as_of),
                                                   points=ctx.settings.trend.slope_points))
    mode = st.segmented_control(_("Trends for"), MODES, default="Account", key="tr_mode", format_func=pinned(_)) or "Account"

    if mode == "Account":
        accounts = accounts_in_order(ctx.read("accounts"))
        names = dict(zip(accounts["id"], accounts["name"].fillna(accounts["id"])))
        account_id = st.selectbox(_("Account"), list(names), key="tr_account", format_func=lambda i: names[i])
        rows = all_trends[_has_account(all_trends["accounts"], account_id)]
        scope_ids = None
        changes_filter = ("account", account_id)
    elif mode == "Person":
        people = sorted(set(all_trends["person_id"]) | set(all_trends["other_id"]), key=lambda i: str(labels.get(i, i)))
        if not people:
            explain_empty(ctx, ["internal", "contacts", "interactions"], _("No relationships to show yet."))
            return
        pid = person_picker(_("Person"), {i: picks.get(i, str(i)) for i in people}, "tr_person", names=stored,
                            current=people[0], labelled=True)
        rows = all_trends[(all_trends["person_id"] == pid) | (all_trends["other_id"] == pid)]
        scope_ids = None
        changes_filter = ("person", pid)
    else:
        ours = sorted(ctx.compute(internal_ids, with_settings=False), key=lambda i: str(labels.get(i, i)))
        others = sorted((i for i in labels.index if i not in set(ours)), key=lambda i: str(labels.get(i, i)))
        c1, c2 = st.columns(2)
        a = person_picker(_("Our person"), {i: picks.get(i, str(i)) for i in ours}, "tr_pair_a", names=stored,
                          current=ours[0] if ours else None, where=c1, labelled=True)
        b = person_picker(_("Other person"), {i: picks.get(i, str(i)) for i in others}, "tr_pair_b", names=stored,
                          current=others[0] if others else None, where=c2, labelled=True)
        if a is None or b is None:
            return
        pair = pd.DataFrame({"person_id": [a], "other_id": [b]})
        rows = ctx.compute(trends, as_of=asof, pairs=pair)
        scope_ids = pair
        changes_filter = ("pair", (a, b))
        if rows.empty or rows["label"].isna().all():
            st.info(_("{one} and {other} have never interacted and have no declared tie: there is no relationship "
                      "to follow (which is not the same as a strength of 0).").format(one=md(labels.get(a, a)),
                                                                                      other=md(labels.get(b, b))))
            return

    if _chart(ctx, rows, scope_ids, mode):
        accounts = ctx.read("accounts")
        _lists(rows, mode, dict(zip(accounts["id"], accounts["name"].fillna(accounts["id"]))))
    _changes(ctx, changes_filter)


def _chart(ctx: PageContext, rows: pd.DataFrame, pair: pd.DataFrame | None, mode: str) -> bool:
    """The strength lines; False (after saying why) when there is no relationship to draw."""
    if rows.empty:
        explain_empty(ctx, ["internal", "contacts", "interactions"],
                      _("No relationships here yet: none of our people has a tie or an interaction with its "
                        "contacts."))
        return False
    if pair is None:
        n = st.slider(_("Lines"), 1, 20, min(8, len(rows)) if len(rows) > 1 else 1, key="tr_lines",
                      help=_("The strongest relationships now")) if len(rows) > 1 else 1
        top = rows.sort_values("strength_now", ascending=False).head(n)
        pair = top[["person_id", "other_id"]].reset_index(drop=True)
    series = ctx.compute(monthly_series, as_of=ctx.as_of_text, pairs=pair)
    names = rows.set_index(["person_id", "other_id"])[["person_name", "other_name"]]
    key = pd.MultiIndex.from_frame(series[["person_id", "other_id"]])
    series = series.assign(pair=[f"{p} – {o}" for p, o in zip(names["person_name"].reindex(key),
                                                               names["other_name"].reindex(key))])
    st.subheader(_("Strength over time"))
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
    rows = rows.assign(accounts=account_names_in(rows["accounts"], account_names),
                       label=terms("trend", rows["label"]).where(rows["label"].notna(), None), _code=rows["label"])
    if mode == "Account":  # every row is at the chosen account: its long name pushed the figures off-screen
        rows = rows.drop(columns="accounts")
    warming = rows[rows["_code"] == "warming"].sort_values("slope", ascending=False)
    cooling = rows[rows["_code"].isin(["cooling", "dormant"])].sort_values("slope")
    left, right = st.columns(2, gap="medium")
    with left:
        st.subheader(_("Warming ({n})").format(n=len(warming)))
        st.dataframe(columns(slope_percent(warming), trend_columns()), hide_index=True, width="stretch",
                     column_config=trend_config(), placeholder="—")
    with right:
        st.subheader(_("Cooling or dormant ({n})").format(n=len(cooling)))
        st.dataframe(columns(slope_percent(cooling), trend_columns()), hide_index=True, width="stretch",
                     column_config=trend_config(), placeholder="—")
    st.caption(_("{n} relationships · {warming} warming · {cooling} cooling or dormant")
               .format(n=len(rows), warming=len(warming), cooling=len(cooling)))


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
    who = ctx.compute(shown_names, with_settings=False).get(last["person_id"], last["person_id"])
    what = POLITICAL_WHAT.get(last["kind"])
    return _("The latest earlier one: {day}, {who} at {account}: {what} {before} → {after}. Widen the window to "
             "list it.").format(day=fmt_day(last["date"]), who=md(who),
                                account=md(accounts.get(last["account_id"], last["account_id"])),
                                what=_(what) if what else "", before=md(assessed_value(last["kind"], last["before"])),
                                after=md(assessed_value(last["kind"], last["after"])))


#: what an assessment change is about, in words (translated where shown)
POLITICAL_WHAT = {"decision_role": N_("role"), "attitude": N_("attitude"), "influence": N_("influence")}
#: which vocabulary (:mod:`kamgraph.i18n.terms`) an assessment change's values are words of
_VALUE_TERMS = {"decision_role": "role", "attitude": "attitude"}


def assessed_value(kind: str, value) -> str:
    """An assessment's value (a role or attitude code, an influence level) in words; "—" for none.

    >>> assessed_value("decision_role", "decision_maker"), assessed_value("influence", 4), assessed_value("attitude", None)
    ('decision maker', '4', '—')
    """
    if kind in _VALUE_TERMS:
        return term(_VALUE_TERMS[kind], value)
    if isinstance(value, float) and not pd.isna(value) and value.is_integer():
        value = int(value)
    return nice(value)


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
    delta = rows["delta"].astype(float)
    templates = {("attitude", 1): _("{before} → {after} (warmer)"), ("attitude", -1): _("{before} → {after} (cooler)"),
                 ("influence", 1): _("{before} → {after} (more influence)"),
                 ("influence", -1): _("{before} → {after} (less influence)")}
    change = []
    for kind, d, b, a in zip(rows["kind"], delta, rows["before"], rows["after"]):
        sign = 1 if d > 0 else -1 if d < 0 else 0
        template = templates.get((kind, sign), "{before} → {after}")
        change.append(template.format(before=assessed_value(kind, b), after=assessed_value(kind, a)))
    words = {k: _(v) for k, v in POLITICAL_WHAT.items()}
    by = rows["assessed_by_name"] if "assessed_by_name" in rows.columns else rows["assessed_by"]
    return pd.DataFrame({
        _("date"): rows["date"].to_numpy(),
        _("who"): rows["person_name"].map(nice).to_numpy(),
        _("account"): rows["account_id"].map(lambda a: account_names.get(a, a)).map(nice).to_numpy(),
        _("what"): rows["kind"].map(words).fillna(rows["kind"].map(nice)).to_numpy(),
        _("change"): pd.Series(change, dtype=object).to_numpy(),
        _("assessed by"): by.where(by.notna(), rows["assessed_by"]).map(nice).to_numpy(),
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
        _("our person"): rows["person_name"].map(nice).to_numpy(),
        _("contact"): rows["other_name"].map(nice).to_numpy(),
        _("strength before"): rows["strength_before"].astype(float).to_numpy(),
        _("strength after"): rows["strength_after"].astype(float).to_numpy(),
        _("change"): rows["delta"].astype(float).to_numpy(),
        _("trend"): [a if b == a else f"{b} → {a}"  # "stable", not "stable → stable"
                     for b, a in zip(terms("trend", rows["before"]), terms("trend", rows["after"]))],
        _("accounts"): accounts.map(nice).to_numpy(),
    })


def _changes(ctx: PageContext, which: tuple[str, object]) -> None:
    st.subheader(_("What changed"))
    kind, value = which
    c1, c2 = st.columns([3, 2])
    months = c1.select_slider(_("Over the last"), CHANGE_WINDOWS, value=3, key="tr_window",
                              format_func=pinned(lambda m: ngettext("{n} month", "{n} months", m).format(n=m)))
    everywhere = c2.toggle(_("Whole portfolio"), key="tr_changes_all",
                           help=_("Every account's changes, not only this account's, person's or pair's"))
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
    names = ctx.compute(shown_names, with_settings=False)
    political = changes[changes["kind"] != "relationship"]
    political = political.assign(assessed_by_name=political["assessed_by"].map(names))
    strength = changes[changes["kind"] == "relationship"]
    since, until = fmt_day(start), fmt_day(ctx.as_of)

    st.markdown("##### " + _("Political changes ({n})").format(n=len(political)))
    st.caption(_("Assessments of a contact's role, attitude toward us or influence that changed between {start} "
                 "and {end}.").format(start=since, end=until))
    if len(political):
        st.dataframe(political_view(political, account_names), hide_index=True, width="stretch", placeholder="—",
                     key="tr_political",
                     column_config={_("date"): st.column_config.DateColumn(format=date_format()),
                                    _("change"): st.column_config.TextColumn(width="medium")})
    else:
        none = _("No role, attitude or influence changed in this period.")
        latest = _latest_political(ctx, which, start, everywhere)
        st.caption(_("{sentence} {latest}").format(sentence=none, latest=latest) if latest else none)

    st.markdown("##### " + _("Strength changes ({n})").format(n=len(strength)))
    st.caption(_("Relationships whose strength moved by at least {delta} or whose trend changed between {start} and "
                 "{end} (strength now against then; the biggest moves first).")
               .format(delta=f"{ctx.settings.trend.change_min_delta:.2f}", start=since, end=until))
    if len(strength):
        st.dataframe(strength_view(strength, account_names), hide_index=True, width="stretch", placeholder="—", key="tr_strength",
                     column_config={_("strength before"): st.column_config.NumberColumn(format="%.2f"),
                                    _("strength after"): st.column_config.NumberColumn(format="%.2f"),
                                    _("change"): st.column_config.NumberColumn(format="%+.2f")})
    else:
        st.caption(_("No relationship strength or trend changed in this period."))


if __name__ == "__main__":
    from kamgraph.ui.app import run_page

    run_page(render)
