"""The web server of the atlas: Streamlit's ASGI app plus the files it must serve itself.

Leaflet (from the xstatic-leaflet package) is mounted at ``/vendor/leaflet`` straight from the
installed package: the map works with no network, and nothing is copied into the source tree
or the installation. The maps' base layers (countries, régions, départements) are served at
``/vendor/atlas-layers/<name>-<content hash>.json``, to be kept by the browser for good (their
URL changes with their content): each rerun then sends a map without them (atlas.maps.base_layers).
`atlas serve` and `streamlit run app.py` both run this ``app``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from atlas.maps.assets import STATIC_URL, leaflet_dir
from atlas.maps.base_layers import LAYERS_URL, layer_file

#: The page script of every session.
ENTRY = Path(__file__).parent / "script" / "atlas_app.py"


def base_layer(request: Request) -> Response:
    """A base layer's GeoJSON, cacheable for good (its name carries its content's hash)."""
    text = layer_file(request.path_params["file"])
    if text is None:
        return PlainTextResponse("no such layer", status_code=404)
    return Response(text, media_type="application/geo+json",
                    headers={"Cache-Control": "public, max-age=31536000, immutable"})


def routes() -> list[Mount | Route]:
    """Routes served beside the app: Leaflet's files and the maps' base layers."""
    return [Mount(STATIC_URL, app=StaticFiles(directory=leaflet_dir()), name="leaflet"),
            Route(LAYERS_URL + "/{file}", base_layer, name="base-layers")]


app = st.App(str(ENTRY), routes=routes())
