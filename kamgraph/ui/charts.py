"""Altair charts used by the pages (presentation only: the numbers come from kamgraph.analysis)."""

from __future__ import annotations

import altair as alt
import pandas as pd


def role_heatmap(cov: pd.DataFrame, roles: list[str]) -> alt.Chart:
    """Role x account heatmap of coverage ratios (``role_<role>`` columns of account coverage).

    Empty cells: the account has nobody in that role.
    """
    cols = [f"role_{r}" for r in roles if f"role_{r}" in cov.columns]
    long = cov.melt(id_vars=["account_name"], value_vars=cols, var_name="role", value_name="coverage")
    long["role"] = long["role"].str.removeprefix("role_").str.replace("_", " ")
    long = long.dropna(subset=["coverage"])
    order = [r.replace("_", " ") for r in roles]
    height = max(160, 26 * cov["account_name"].nunique())
    return (
        alt.Chart(long)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("role:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, orient="top")),
            y=alt.Y("account_name:N", sort=list(cov["account_name"]), title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("coverage:Q", scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
                            legend=alt.Legend(title="coverage", format=".0%")),
            tooltip=[alt.Tooltip("account_name:N", title="account"), alt.Tooltip("role:N"),
                     alt.Tooltip("coverage:Q", format=".0%")],
        )
        .properties(height=height)
    )


def strength_lines(series: pd.DataFrame, label: str = "pair", height: int = 320) -> alt.Chart:
    """Strength over time, one line per ``label`` (long frame with ``date, strength, <label>``)."""
    return (
        alt.Chart(series)
        .mark_line(point=alt.OverlayMarkDef(size=25))
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("strength:Q", scale=alt.Scale(domain=[0, 1]), title="strength"),
            color=alt.Color(f"{label}:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=360)),
            tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip("date:T", format="%Y-%m-%d"),
                     alt.Tooltip("strength:Q", format=".2f")],
        )
        .properties(height=height)
    )


def sparkline(series: pd.DataFrame, label: str = "who", height: int = 150) -> alt.Chart:
    """A small strength-over-time chart for the person card."""
    return (
        alt.Chart(series)
        .mark_line()
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %y", labelAngle=0, tickCount=4)),
            y=alt.Y("strength:Q", scale=alt.Scale(domain=[0, 1]), title=None, axis=alt.Axis(tickCount=3)),
            color=alt.Color(f"{label}:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=220)),
            tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip("date:T", format="%Y-%m-%d"),
                     alt.Tooltip("strength:Q", format=".2f")],
        )
        .properties(height=height)
    )
