"""Leaflet without a network: files from the xstatic-leaflet package, served or inlined.

folium loads Leaflet, jQuery, Bootstrap and icon fonts from CDNs; offline, that leaves a blank
map. Our maps use Leaflet only, so every map gets exactly two assets: leaflet.js and leaflet.css,
either as URLs of files the app's server serves (atlas.ui.server) or inlined into a standalone
HTML file.

:class:`OfflineMap` carries both: inside the app (st_folium reads ``default_js``/``default_css``
and needs URLs: it never runs inlined scripts) it points at the served files, so no map repeats
Leaflet; whatever leaves the app (``save()``, a notebook's ``_repr_html_``, :func:`standalone_html`)
carries Leaflet inline and opens from file:// or in Jupyter with no network.
"""

from __future__ import annotations

import base64
import re
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import folium
from branca.element import Figure

from atlas.maps.base_layers import INLINE_FLAG
from atlas.maps.layers import RawText

from atlas.maps.served import STATIC_URL, leaflet_dir  # noqa: F401 - imported from here too

#: folium's names of Leaflet's two assets (the keys of ``default_js``/``default_css``).
JS_NAME, CSS_NAME = "leaflet", "leaflet_css"


def served_assets(base_url: str = STATIC_URL) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(default_js, default_css) of a map whose Leaflet is served at ``base_url``: nothing else."""
    return [(JS_NAME, f"{base_url}/leaflet.js")], [(CSS_NAME, f"{base_url}/leaflet.css")]


def use_served_assets(m: folium.Map, base_url: str = STATIC_URL) -> folium.Map:
    """Point the map at Leaflet served by the app, and drop every CDN asset."""
    m.default_js, m.default_css = served_assets(base_url)
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

    # Like the script below: "</style" cannot occur in leaflet.css, guarded all the same.
    return re.sub(r"url\(images/([^)]+)\)", data_uri, css).replace("</style", "<\\/style")


@cache
def _inline_js() -> str:
    js = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    # The source map is not shipped inline: its comment would only make developer tools ask for it.
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE)
    # </script> cannot occur in leaflet.js, but guard anyway: the file is inlined verbatim.
    return js.replace("</script", "<\\/script")


@contextmanager
def inlined_leaflet(m: folium.Map) -> Iterator[Figure]:
    """While open, rendering ``m`` gives one self-contained file: Leaflet's JS and CSS inline, no CDN,
    and the base layers inline (atlas.maps.base_layers).

    Every asset folium would add (Leaflet, jQuery, Bootstrap, icon fonts) is dropped for the
    duration, also the links an earlier rendering left in the page header; afterwards the map and
    its header are as they were (the app's served files).
    """
    figure = m.get_root()
    if not isinstance(figure, Figure):
        figure = Figure()
        figure.add_child(m)
    own = {key: vars(m)[key] for key in ("default_js", "default_css") if key in vars(m)}
    header = figure.header
    before = OrderedDict(header._children)
    for name, _url in [*m.default_js, *m.default_css]:
        header._children.pop(name, None)
    m.default_js, m.default_css = [], []
    # The charset <meta> stays first (the browser looks for it in the first 1,024 bytes).
    at = list(header._children).index("meta_http") + 1 if "meta_http" in header._children else 0
    header.add_child(RawText(f"<style>{_inline_css()}</style>"), name=CSS_NAME, index=at)
    header.add_child(RawText(f"<script>{_inline_js()}</script>"), name=JS_NAME, index=at + 1)
    setattr(figure, INLINE_FLAG, True)  # the base layers too (atlas.maps.base_layers)
    try:
        yield figure
    finally:
        setattr(figure, INLINE_FLAG, False)
        for key in ("default_js", "default_css"):
            if key in own:
                setattr(m, key, own[key])
            else:
                delattr(m, key)
        header._children = before


def standalone_html(m: folium.Map) -> str:
    """The map as one HTML file that works from file:// with no network (Leaflet inlined)."""
    with inlined_leaflet(m) as figure:
        return figure.render()


class OfflineMap(folium.Map):
    """A folium.Map that never loads anything from a network.

    In the app it uses Leaflet served by atlas.ui.server (class-level ``default_js``/
    ``default_css``: what st_folium reads); ``save()``, the notebook display (``_repr_html_``)
    and ``show_in_browser()`` inline Leaflet instead, since none can reach the app's server.
    """

    default_js, default_css = served_assets()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Lists of its own: folium's add_js_link/add_css_link change them in place.
        self.default_js, self.default_css = served_assets()

    def save(self, outfile: Any, close_file: bool = True, **kwargs: Any) -> None:
        """Write the map as one HTML file that draws from file:// with no network."""
        with inlined_leaflet(self):
            super().save(outfile, close_file=close_file, **kwargs)

    def _repr_html_(self, **kwargs: Any) -> str:
        """The notebook display: an iframe whose document carries Leaflet inline."""
        with inlined_leaflet(self):
            return super()._repr_html_(**kwargs)

    def show_in_browser(self) -> None:
        """Open the map in the default web browser, from a temporary file that carries Leaflet inline."""
        with inlined_leaflet(self):
            super().show_in_browser()
