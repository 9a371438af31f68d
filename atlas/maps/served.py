"""Where the app's server serves the maps' files, with no map library imported: the server module
(atlas.ui.server) mounts these routes before it loads folium or pandas, so Streamlit answers its
health check (and the browser starts loading the page) while the warm-up imports them."""

from __future__ import annotations

from pathlib import Path

#: Where the app's server (atlas.ui.server) serves Leaflet's files, straight from xstatic-leaflet.
STATIC_URL = "/vendor/leaflet"
#: Where it serves the base layers (atlas.maps.base_layers), named after their content's hash.
LAYERS_URL = "/vendor/atlas-layers"


def leaflet_dir() -> Path:
    """Folder holding leaflet.js, leaflet.css and images/ from xstatic-leaflet."""
    import xstatic.pkg.leaflet as xl

    return Path(xl.BASE_DIR)
