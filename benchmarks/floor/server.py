"""The floor page (benchmarks/floor/page.py) served as the atlas is: Streamlit's ASGI app with the
atlas's routes (Leaflet at /vendor/leaflet). ``streamlit run benchmarks/floor/server.py``."""

from pathlib import Path

import streamlit as st

from atlas.ui.server import routes

app = st.App(str(Path(__file__).with_name("page.py")), routes=routes())
