"""Streamlit entry point (`streamlit run app.py`): the app's server, defined in atlas/ui/server.py."""

import streamlit as st

from atlas.ui.server import ENTRY, routes

# Streamlit finds an ASGI app by this assignment: the page script plus the Leaflet files it serves.
app = st.App(str(ENTRY), routes=routes())
