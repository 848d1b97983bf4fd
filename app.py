"""Entry point: page frame, mode (normal / atelier), navigation over the page registry, shared resources."""

import streamlit as st

from reindus.programme.regions import partners
from reindus.text.safe import md_text
from reindus.ui import auth, data, mode, serve
from reindus.ui.link import copy_link_button
from reindus.ui.navigation import APP_TITLE, FAVICON, navigation

# Before st.navigation: with a favicon already set, the browser does not fetch the pages'
# `:material/…:` icons as favicons from fonts.gstatic.com (nothing may leave a room with no network).
st.set_page_config(page_title=APP_TITLE, page_icon=str(FAVICON), layout="wide")
engine = data.store_engine()  # migrate the schema and load the demo on a first start, before any page reads
viewer = auth.setup(engine)  # who is looking: st.user and the users table, nothing else
mode.setup()  # ?mode=atelier, kept across page switches; a visitor not signed in always gets it
page = navigation(viewer)
if page.url_path == "carrousel":  # a screen left running in a hall: always public
    mode.force()
# a visitor keeps the sidebar open: the sign-in button is there
st.set_page_config(initial_sidebar_state="collapsed" if mode.chosen() else "auto")
atelier = mode.is_atelier()
auth.account_box(viewer)

mode.style()
mode.switch()
copy_link_button()
if not atelier:
    st.sidebar.caption(f"Accélérateur de Relocalisations — {md_text(partners(data.programme_regions()))}")
serve.settle(page.url_path)  # the libraries and reference data a page loaded, out of the collector's way
page.run()
