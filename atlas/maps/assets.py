"""Leaflet without a network: files from the xstatic-leaflet package, served or inlined.

folium loads Leaflet, jQuery, Bootstrap and icon fonts from CDNs; offline, that leaves a blank
map. Our maps use Leaflet only, so every map gets exactly two assets: leaflet.js and leaflet.css,
either as URLs of files the app's server serves (atlas.ui.server) or inlined into a standalone
HTML file.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

import folium

#: Where the app's server (atlas.ui.server) serves Leaflet's files, straight from xstatic-leaflet.
STATIC_URL = "/vendor/leaflet"


def leaflet_dir() -> Path:
    """Folder holding leaflet.js, leaflet.css and images/ from xstatic-leaflet."""
    import xstatic.pkg.leaflet as xl

    return Path(xl.BASE_DIR)


def use_served_assets(m: folium.Map, base_url: str = STATIC_URL) -> folium.Map:
    """Point the map at Leaflet served by the app, and drop every CDN asset."""
    m.default_js = [("leaflet", f"{base_url}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{base_url}/leaflet.css")]
    return m


@cache
def _inline_css() -> str:
    css = (leaflet_dir() / "leaflet.css").read_text(encoding="utf-8")
    images = leaflet_dir() / "images"

    def data_uri(match: re.Match[str]) -> str:
        name = match.group(1)
        path = images / name
        if not path.exists():
            return match.group(0)
        return "url(data:image/png;base64," + base64.b64encode(path.read_bytes()).decode() + ")"

    return re.sub(r"url\(images/([^)]+)\)", data_uri, css)


def standalone_html(m: folium.Map) -> str:
    """The map as one HTML file that works from file:// with no network (Leaflet inlined)."""
    m.default_js = []
    m.default_css = []
    html = m.get_root().render()
    js = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    # </script> cannot occur in leaflet.js, but guard anyway: the file is inlined verbatim.
    js = js.replace("</script", "<\\/script")
    head = f"<style>{_inline_css()}</style>\n<script>{js}</script>\n"
    return html.replace("<head>", "<head>\n" + head, 1)
