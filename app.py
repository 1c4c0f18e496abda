"""kamgraph's Streamlit app: ``streamlit run app.py`` (or ``kamgraph demo``).

The store, settings and analysis date come from ``$KAMGRAPH_STORE``, ``$KAMGRAPH_CONFIG`` (else
``./kamgraph.toml``) and ``$KAMGRAPH_AS_OF``, resolved by :mod:`kamgraph.config` exactly as the
CLI resolves them; the language by :mod:`kamgraph.ui.language`. Pages live in ``kamgraph/ui/pages/``. When sign-in is configured
(``kamgraph.ui.access``), nothing but the sign-in form shows until someone signs in.
"""

import streamlit as st

from kamgraph.allocator import tune
from kamgraph.ui.access import gate
from kamgraph.ui.app import pages, sidebar
from kamgraph.ui.language import apply_language, language_switch

tune()  # large arrays stay in the heap (kamgraph/allocator.py); once per process
st.set_page_config(page_title="kamgraph", page_icon=":material/hub:", layout="wide")
apply_language()  # before anything shows: titles, the sign-in form and every page in one language
page = st.navigation(pages())
language_switch()  # on the sign-in form too: a person reads it in their language
if gate() is not None:
    sidebar()
    page.run()
