"""Presentation helpers for the pages: safe Markdown, labels, table formatting.

Names, titles, notes and file contents are untrusted. Streamlit renders Markdown (never raw
HTML unless asked), but Markdown itself can restyle text or make links, so anything from the
data that goes into ``st.markdown``/``st.error``/``st.caption`` passes :func:`md` first.

Backslash escapes do not stop GFM autolinks: Streamlit's Markdown finds ``http://...``,
``www.`` and ``name@host.tld`` in the text *after* escapes are resolved. :func:`md` puts an
invisible WORD JOINER (U+2060) inside each of those patterns (after ``:``, after ``www``,
after ``@``), so they show as typed but never become links.
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

# Markdown and HTML specials: each gets a backslash so it shows literally
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")
#: invisible, zero-width, and not a word character: breaks an autolink pattern without showing
WORD_JOINER = "\u2060"
# where GFM autolinks (remark-gfm, mdast-util-gfm-autolink-literal) are recognized: a
# scheme's "://", "www." and the "@" of an address (mailto:/xmpp: links need the "@" too)
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)

#: display bands of gap severity (presentation only; the analysis gives a number 0..1)
SEVERITY_BANDS: tuple[tuple[str, float], ...] = (("high", 0.8), ("medium", 0.5), ("low", 0.0))

TIER_ORDER = ["diamond", "gold", "silver", "standard"]

ROLE_ORDER = ["decision_maker", "approver", "technical_evaluator", "influencer", "coach", "procurement", "user"]


def md(value: object) -> str:
    """``value`` as Markdown that displays exactly as the text (specials escaped, one line).

    >>> md("<img src=x>")
    '\\\\<img src\\\\=x\\\\>'
    >>> md("www.x.com") == "www\\u2060\\\\.x\\\\.com"
    True
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = _AUTOLINK.sub(WORD_JOINER, " ".join(str(value).split()))
    return _MD_SPECIAL.sub(r"\\\1", text)


def nice(value: object) -> str:
    """``decision_maker`` -> ``decision maker``; None -> ``—``."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "—"
    return str(value).replace("_", " ")


def severity_band(severity: pd.Series) -> pd.Series:
    """``high``/``medium``/``low`` for each severity (see :data:`SEVERITY_BANDS`)."""
    out = pd.Series("low", index=severity.index, dtype=object)
    for name, floor in reversed(SEVERITY_BANDS):
        out[severity >= floor] = name
    return out


def date_text(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "never"
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def strength_text(value: object) -> str:
    """A strength, keeping "never interacted" (NaN) apart from 0."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "no relationship"
    return f"{float(value):.2f}"


def option_labels(ids: Iterable[str], labels: pd.Series) -> dict[str, str]:
    """``{id: label}`` for select boxes, falling back to the id."""
    return {i: (str(labels.get(i)) if isinstance(labels.get(i), str) else str(i)) for i in ids}


#: how a trend slope (the monthly relative change of a relationship's odds) is shown: as % a month
SLOPE_LABEL = "change a month"
SLOPE_FORMAT = "%+.0f%%"


def slope_percent(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its ``slope`` (a fraction a month) in percent, for :data:`SLOPE_FORMAT`."""
    return df.assign(slope=df["slope"] * 100.0) if "slope" in df.columns else df


def columns(df: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The columns of ``mapping`` that ``df`` has, renamed for display."""
    keep = [c for c in mapping if c in df.columns]
    return df[keep].rename(columns={c: mapping[c] for c in keep})


def accounts_in_order(accounts: pd.DataFrame) -> pd.DataFrame:
    """Accounts best tier first, then by revenue (highest first), then name: the order of pickers."""
    rank = {t: i for i, t in enumerate(TIER_ORDER)}
    key = accounts.assign(_t=accounts["tier"].map(rank).fillna(len(rank)),
                          _r=-pd.to_numeric(accounts["revenue"], errors="coerce").fillna(0.0))
    return key.sort_values(["_t", "_r", "name", "id"], kind="mergesort").drop(columns=["_t", "_r"])
