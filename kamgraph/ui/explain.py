"""Why a view is empty, in words (kamgraph.analysis.data_period.empty_reason), for the pages."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kamgraph.analysis.data_period import empty_reason
from kamgraph.i18n import _
from kamgraph.ui.context import PageContext
from kamgraph.ui.format import md


def explain_empty(ctx: PageContext, needs: Sequence[str], otherwise: str) -> None:
    """Show what the view is missing (``needs``: names of ``data_period.NEEDS``), or
    ``otherwise`` (Markdown, already translated) when nothing is missing and the result is empty
    on its merits."""
    reason = empty_reason(ctx.snapshot(), ctx.settings, ctx.as_of, needs)
    if reason is None:
        st.info(otherwise)
    else:
        st.info(_("Nothing to show: {reason}.").format(reason=md(reason)))
