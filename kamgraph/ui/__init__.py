"""The Streamlit app (the only place kamgraph imports Streamlit).

``app.py`` builds the navigation from :mod:`kamgraph.ui.app`; each page in
:mod:`kamgraph.ui.pages` reads its widgets, calls kamgraph.analysis through the cached
:class:`kamgraph.ui.context.PageContext` and renders the result.
"""
