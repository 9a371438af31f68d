"""The web server of the atlas: Streamlit's ASGI app plus the files it must serve itself.

Leaflet (from the xstatic-leaflet package) is mounted at ``/vendor/leaflet`` straight from the
installed package: the map works with no network, and nothing is copied into the source tree
or the installation. The maps' base layers (countries, régions, départements) are served at
``/vendor/atlas-layers/<name>-<content hash>.json``, to be kept by the browser for good (their
URL changes with their content): each rerun then sends a map without them (atlas.maps.base_layers).
`atlas serve` and `streamlit run app.py` both run this ``app``.

When the server starts it warms up in the background (:func:`warm_up`): the pages' modules and
the national view's queries, map and caches are ready before the first visitor asks
(``ATLAS_NO_WARMUP=1`` turns it off).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

# URLs and folders only: folium and pandas are loaded by the warm-up, after Streamlit answers.
from atlas.maps.served import LAYERS_URL, STATIC_URL, leaflet_dir

if TYPE_CHECKING:
    from atlas.selection import MapOptions

#: The page script of every session.
ENTRY = Path(__file__).parent / "script" / "atlas_app.py"


def base_layer(request: Request) -> Response:
    """A base layer's GeoJSON, cacheable for good (its name carries its content's hash)."""
    from atlas.maps.base_layers import layer_file

    text = layer_file(request.path_params["file"])
    if text is None:
        return PlainTextResponse("no such layer", status_code=404)
    return Response(text, media_type="application/geo+json",
                    headers={"Cache-Control": "public, max-age=31536000, immutable"})


def default_view(lang: str) -> MapOptions:
    """The view the Explorer draws when nothing is chosen (the first choice of each of its
    selectboxes): what the warm-up computes."""
    from atlas.maps.styles import COLOUR_TITLES
    from atlas.models import MAGNITUDES
    from atlas.selection import MapOptions
    from atlas.ui.state import DEST_CHOICES, ORIGIN_CHOICES

    return MapOptions(origin_level=ORIGIN_CHOICES[0], dest_level=DEST_CHOICES[0], colour_by=list(COLOUR_TITLES)[0],
                      magnitude=list(MAGNITUDES)[0], lang=lang)


def warm_up(wait_s: float = 60.0) -> None:
    """What the first visitor's page would otherwise wait for: the database opened and the
    Explorer's default view (its figures, choices and national map) computed into the app's
    caches, as the page asks for them.

    It waits for Streamlit's runtime (the caches are the runtime's), and leaves the page modules
    alone: those that declare components (st_folium, the search box) must be imported by a page
    run, or their frontends are not served."""
    import time

    from streamlit import runtime

    deadline = time.monotonic() + wait_s
    while not runtime.exists():
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)
    try:
        from atlas import config
        from atlas.maps.base_layers import TOLERANCES, layer_key
        from atlas.models import Filters
        from atlas.ui import data

        path = data.db_path()
        if not os.path.exists(path):
            return
        version, filters, lang = data.db_version(path), Filters(), config.get("lang")
        data.choices(path, version)
        data.provenance(path, version)
        data.counts(path, version, filters)
        data.links(path, version, filters)
        data.describe(path, version, filters, lang)
        data.flow_map(path, version, filters, default_view(lang))
        for name in TOLERANCES:
            layer_key(name)
    except Exception:  # noqa: BLE001 - a warm-up never stops the server; the page computes as usual
        logging.getLogger(__name__).debug("warm-up failed", exc_info=True)


@contextlib.asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """Start the warm-up beside the server (a daemon thread: it never delays the start)."""
    if os.environ.get("ATLAS_NO_WARMUP") != "1":
        threading.Thread(target=warm_up, name="atlas-warm-up", daemon=True).start()
    yield None


def routes() -> list[Mount | Route]:
    """Routes served beside the app: Leaflet's files and the maps' base layers."""
    return [Mount(STATIC_URL, app=StaticFiles(directory=leaflet_dir()), name="leaflet"),
            Route(LAYERS_URL + "/{file}", base_layer, name="base-layers")]


app = st.App(str(ENTRY), routes=routes(), lifespan=lifespan)
