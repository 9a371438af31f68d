"""Streamlit entry point (`streamlit run app.py`): the app's server, defined in atlas/ui/server.py."""

import streamlit as st

from atlas.ui.server import ENTRY, lifespan, routes

# Streamlit finds an ASGI app by this assignment: the page script plus the files it serves (Leaflet,
# base layers), warmed up when it starts.
app = st.App(str(ENTRY), routes=routes(), lifespan=lifespan)
