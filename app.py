"""kamgraph's Streamlit app: ``streamlit run app.py`` (or ``kamgraph demo``).

The store, settings and analysis date come from ``$KAMGRAPH_STORE``, ``$KAMGRAPH_CONFIG`` (else
``./kamgraph.toml``) and ``$KAMGRAPH_AS_OF``, resolved by :mod:`kamgraph.config` exactly as the
CLI resolves them. Pages live in ``kamgraph/ui/pages/``.
"""

import streamlit as st

from kamgraph.ui.app import pages, sidebar

st.set_page_config(page_title="kamgraph", page_icon=":material/hub:", layout="wide")
page = st.navigation(pages())
sidebar()
page.run()
