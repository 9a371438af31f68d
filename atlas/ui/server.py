"""The web server of the atlas: Streamlit's ASGI app plus the files it must serve itself.

Leaflet (from the xstatic-leaflet package) is mounted at ``/vendor/leaflet`` straight from the
installed package: the map works with no network, and nothing is copied into the source tree
or the installation. `atlas serve` and `streamlit run app.py` both run this ``app``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from atlas.maps.assets import STATIC_URL, leaflet_dir

#: The page script of every session.
ENTRY = Path(__file__).parent / "script" / "atlas_app.py"


def routes() -> list[Mount]:
    """Routes served beside the app: Leaflet's files."""
    return [Mount(STATIC_URL, app=StaticFiles(directory=leaflet_dir()), name="leaflet")]


app = st.App(str(ENTRY), routes=routes())
