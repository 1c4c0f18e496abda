"""kamgraph's Streamlit app: ``streamlit run app.py`` (or ``kamgraph demo``).

The store comes from ``$KAMGRAPH_STORE`` (default ``sqlite:///./kamgraph.db``), the settings
from ``$KAMGRAPH_CONFIG`` or ``./kamgraph.toml``. Pages live in ``kamgraph/ui/pages/``.
"""

import streamlit as st

from kamgraph.ui.app import pages, sidebar

st.set_page_config(page_title="kamgraph", page_icon=":material/hub:", layout="wide")
page = st.navigation(pages())
sidebar()
page.run()
