"""Altair charts used by the pages (presentation only: the numbers come from kamgraph.analysis).

Axis titles, legends, tooltips and role labels are in the current language (:mod:`kamgraph.i18n`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from kamgraph.i18n import _, current_language
from kamgraph.i18n.terms import term

#: accounts per page of the role heatmap: every account and every role keeps its label
HEATMAP_PAGE = 25


def role_heatmap(cov: pd.DataFrame, roles: list[str]) -> alt.Chart:
    """Role x account heatmap of coverage ratios (``role_<role>`` columns of account coverage).

    Every role of ``roles`` and every account of ``cov`` gets its label (no label is dropped
    for overlapping: roles wrap onto two lines, rows are tall enough), so page long lists
    (:data:`HEATMAP_PAGE` accounts at a time). Empty cells: the account has nobody in that
    role. Each cell also prints its percentage.

    >>> cov = pd.DataFrame({"account_name": ["Acme", "Beta"], "role_decision_maker": [1.0, None]})
    >>> spec = role_heatmap(cov, ["decision_maker", "approver"]).to_dict()
    >>> spec["layer"][0]["encoding"]["x"]["scale"]["domain"], spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    (['decision maker', 'approver'], ['Acme', 'Beta'])
    >>> from kamgraph.i18n import use_language
    >>> with use_language("zh_CN"):
    ...     role_heatmap(cov, ["decision_maker", "approver"]).to_dict()["layer"][0]["encoding"]["x"]["scale"]["domain"]
    ['决策者', '审批者']
    """
    cols = [f"role_{r}" for r in roles if f"role_{r}" in cov.columns]
    long = cov.melt(id_vars=["account_name"], value_vars=cols, var_name="role", value_name="coverage")
    words = {f"role_{r}": term("role", r) for r in roles}
    long["role"] = long["role"].map(words)
    long = long.dropna(subset=["coverage"])
    order = [term("role", r) for r in roles]
    # English roles wrap at their spaces onto two lines; Chinese words have none (and are short)
    wrap = "split(datum.label, ' ')" if current_language() != "zh_CN" else "datum.label"
    names = list(dict.fromkeys(cov["account_name"].astype(str)))
    height = max(120, 30 * len(names))
    base = alt.Chart(long).encode(
        x=alt.X("role:N", sort=order, title=None, scale=alt.Scale(domain=order),
                axis=alt.Axis(orient="top", labelAngle=0, labelOverlap=False, labelExpr=wrap, labelBaseline="bottom",
                              labelFontSize=11, labelPadding=17, ticks=False)),
        y=alt.Y("account_name:N", sort=names, title=None, scale=alt.Scale(domain=names),
                axis=alt.Axis(labelLimit=300, labelOverlap=False, labelFontSize=11, ticks=False)),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("coverage:Q", scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
                        legend=alt.Legend(title=_("coverage"), format=".0%", orient="bottom")),
        tooltip=[alt.Tooltip("account_name:N", title=_("account")), alt.Tooltip("role:N", title=_("role")),
                 alt.Tooltip("coverage:Q", title=_("coverage"), format=".0%")],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("coverage:Q", format=".0%"),
        color=alt.condition("datum.coverage > 0.25 && datum.coverage < 0.8", alt.value("black"), alt.value("white")),
    )
    return alt.layer(rect, text).properties(height=height)


def strength_lines(series: pd.DataFrame, label: str = "pair", height: int = 320) -> alt.Chart:
    """Strength over time, one line per ``label`` (long frame with ``date, strength, <label>``)."""
    return (
        alt.Chart(series)
        .mark_line(point=alt.OverlayMarkDef(size=25))
        .encode(
            x=alt.X("date:T", title=None, axis=_time_axis()),
            y=alt.Y("strength:Q", scale=alt.Scale(domain=[0, 1]), title=_("strength")),
            color=alt.Color(f"{label}:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=360)),
            tooltip=[alt.Tooltip(f"{label}:N", title=_label_title(label)),
                     alt.Tooltip("date:T", title=_("date"), format=_day_format()),
                     alt.Tooltip("strength:Q", title=_("strength"), format=".2f")],
        )
        .properties(height=height)
    )


def sparkline(series: pd.DataFrame, label: str = "who", height: int = 150) -> alt.Chart:
    """A small strength-over-time chart for the person card."""
    return (
        alt.Chart(series)
        .mark_line()
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format=_month_format(), labelAngle=0, tickCount=4)),
            y=alt.Y("strength:Q", scale=alt.Scale(domain=[0, 1]), title=None, axis=alt.Axis(tickCount=3)),
            color=alt.Color(f"{label}:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=220)),
            tooltip=[alt.Tooltip(f"{label}:N", title=_label_title(label)),
                     alt.Tooltip("date:T", title=_("date"), format=_day_format()),
                     alt.Tooltip("strength:Q", title=_("strength"), format=".2f")],
        )
        .properties(height=height)
    )


def _label_title(label: str) -> str:
    """A tooltip title for the series column (the chart's ``pair``/``who``), translated."""
    return {"pair": _("pair"), "who": _("who")}.get(label, label)


def _day_format() -> str:
    """A day as d3 writes it, per language (``2026-11-26`` / ``2026年11月26日``)."""
    return "%Y年%-m月%-d日" if current_language() == "zh_CN" else "%Y-%m-%d"


def _time_axis() -> alt.Axis:
    """A time axis in the reader's language: Vega names months in English (``February``), so in
    Chinese the ticks say year and month in numbers (``2026年2月``)."""
    if current_language() == "zh_CN":
        return alt.Axis(format="%Y年%-m月", labelAngle=0)
    return alt.Axis()


def _month_format() -> str:
    """A month on a short axis (``Nov 26`` / ``26年11月``)."""
    return "%y年%-m月" if current_language() == "zh_CN" else "%b %y"
