"""The app's frame: the page list for ``st.navigation``, the shared sidebar, and the page runner.

``app.py`` (the entry point of ``streamlit run``) is three calls: :func:`pages`,
:func:`sidebar`, then ``.run()`` on the page chosen. Each page is a file in
``kamgraph/ui/pages/`` whose ``render(ctx)`` is called through :func:`run_page`, which
builds the :class:`~kamgraph.ui.context.PageContext`, shows a friendly notice on an empty
store and turns a :class:`~kamgraph.errors.KamgraphError` into an ``st.error`` without a
traceback; it shows nothing unless :func:`~kamgraph.ui.access.current_access` says the
person is signed in (or sign-in is off). A "Visits" page is listed when ``kamgraph.ui.pages.visits`` exists.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from kamgraph.analysis.data_period import dates_period, period_note
from kamgraph.analysis.dates import month_ends
from kamgraph.errors import KamgraphError
from kamgraph.i18n import N_, _, fmt_day, fmt_month, pgettext
from kamgraph.ui.access import current_access
from kamgraph.ui.context import AS_OF_KEY, PageContext, app_config, current_context
from kamgraph.ui.format import md
from kamgraph.ui.language import pinned

PAGES_DIR = Path(__file__).resolve().parent / "pages"

#: how far back the sidebar's "as of" slider reaches, in months
AS_OF_MONTHS = 24
#: session key: the data's last day, offered on the slider once the user asks to look at it
DATA_END_KEY = "kamgraph_data_end"

#: (file in pages/, title, icon, url path); the first is the default page
PAGE_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("portfolio.py", N_("Portfolio"), ":material/dashboard:", "portfolio"),
    ("account.py", N_("Account"), ":material/hub:", "account"),
    ("paths.py", N_("Paths"), ":material/route:", "paths"),
    ("trends.py", N_("Trends"), ":material/trending_up:", "trends"),
    ("data.py", N_("Data"), ":material/database:", "data"),
)
#: the visit planner's page title
VISITS_TITLE = N_("Visits")


def has_visits_page() -> bool:
    """Whether the visit planner's page module is installed."""
    try:
        return importlib.util.find_spec("kamgraph.ui.pages.visits") is not None
    except (ImportError, ValueError):
        return False


def pages() -> list:
    """The ``st.Page`` list for ``st.navigation`` (titles in this rerun's language)."""
    out = []
    for i, (file, title, icon, url) in enumerate(PAGE_FILES):
        out.append(st.Page(PAGES_DIR / file, title=_(title), icon=icon, url_path=url, default=(i == 0)))
        if url == "paths" and has_visits_page():
            out.append(st.Page(PAGES_DIR / "visits.py", title=_(VISITS_TITLE), icon=":material/event:",
                               url_path="visits"))
    return out


def as_of_options(default: pd.Timestamp, extra=None) -> list:
    """Month steps back from the default analysis date (oldest first), as dates, plus
    ``extra`` (the data's last day, when the user chose to look at it) in its place.

    >>> [d.isoformat() for d in as_of_options(pd.Timestamp("2026-03-31"))][-2:]
    ['2026-02-28', '2026-03-31']
    >>> as_of_options(pd.Timestamp("2026-03-31"), pd.Timestamp("1998-05-06").date())[0].isoformat()
    '1998-05-06'
    """
    options = [d.date() for d in month_ends(default, AS_OF_MONTHS + 1)]
    if extra is not None and extra not in options:
        options = sorted([*options, extra])
    return options


def sidebar() -> None:
    """The "as of" slider shared by every page, and where the data comes from."""
    try:
        config = app_config()
        default = config.as_of
    except KamgraphError as e:
        st.sidebar.error(md(e))
        return
    options = as_of_options(default, st.session_state.get(DATA_END_KEY))
    if st.session_state.get(AS_OF_KEY) not in options:
        st.session_state.pop(AS_OF_KEY, None)
    st.sidebar.select_slider(_("As of"), options=options, value=options[-1], key=AS_OF_KEY,
                             format_func=pinned(fmt_day),
                             help=_("Every analysis is computed as it stood on this date."))
    settings = config.settings_path or pgettext("settings file", "defaults")  # a path is data; the word is not
    settings = f"`{settings}`"
    st.sidebar.caption(_("Store: {store}  \nSettings: {settings}").format(store=f"`{config.store_url}`",
                                                                          settings=settings))


def empty_notice(ctx: PageContext) -> None:
    st.info(_("The store is empty: there is nothing to analyse yet. Import your data on the **Data** page, "
              "or run `kamgraph demo` to load the sample portfolio and open the app on it."))
    st.page_link(PAGES_DIR / "data.py", label=_("Go to the Data page"), icon=":material/database:")
    st.caption(_("Store: {store}").format(store=f"`{ctx.store_url}`"))


def _look_at(day) -> None:
    st.session_state[DATA_END_KEY] = day
    st.session_state[AS_OF_KEY] = day


def data_ends_notice(ctx: PageContext) -> None:
    """When the data ends more than a strength half-life before the analysis date, say so
    (the same sentence as the CLI's) with one button that moves the "As of" slider there."""
    # one small value per data version (memory, then disk): pages do not read every interaction on each rerun
    period = ctx.per_version("data_period", lambda: dates_period(ctx.read("interactions")["date"]))
    note = period_note(period, ctx.settings, ctx.as_of, hint=_("choose its last day as the analysis date"))
    if note is None:
        return
    st.warning(md(note), icon=":material/history:")
    day = period.last.date()
    st.button(_("Show the data as of {day}").format(day=fmt_day(day)), key="kamgraph_look_at_data_end",
              on_click=_look_at, args=(day,),
              help=_("Moves the sidebar's As of to the data's last day (every page follows)."))


def show_error(e: KamgraphError) -> None:
    """A user-facing error: first line as the message, further lines as a list."""
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    head = md(lines[0]) if lines else md(type(e).__name__)
    rest = "\n".join(f"- {md(ln.lstrip('- ').strip())}" for ln in lines[1:])
    st.error(head + ("\n\n" + rest if rest else ""))


def run_page(render: Callable[[PageContext], None], needs_data: bool = True) -> None:
    """Build the context and call ``render(ctx)``; errors a user can act on show without a traceback."""
    try:
        access = current_access()
        if not access.signed_in:  # app.py's gate shows the form; a page run any other way shows nothing
            st.warning(_("Sign in first."))
            return
        ctx = current_context(access)
        if needs_data and ctx.empty:
            empty_notice(ctx)
            return
        start = ctx.history_from
        if start is not None:
            st.sidebar.caption(_("The data's history starts in {month}: earlier months are empty for lack of "
                                 "data, not because nobody met.").format(month=fmt_month(start)))
        if needs_data:
            data_ends_notice(ctx)
        render(ctx)
    except KamgraphError as e:
        show_error(e)
