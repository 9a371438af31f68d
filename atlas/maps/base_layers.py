"""The base layers of every interactive map (countries, régions, départements): inline in what
leaves the app, served as cacheable files inside it.

They are about 530 kB of GeoJSON, the same for every map. A saved file, a notebook display or a
download must carry them (they open from file:// with no server): rendered inside
:func:`atlas.maps.assets.inlined_leaflet`, the layers are written into the page. Inside the app,
st_folium would send them again at every rerun of every session (three quarters of each map's
message); there the page fetches them instead from the app's server (atlas.ui.server), at a URL
that names their content, so the browser keeps them and asks once.

Drawing order stays the same either way: the layers are created empty before the flows, filled
when their data is there, and put back under everything else (one canvas, drawn in order).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import Any

from jinja2 import Template

from atlas.maps.layers import SafeMacroElement, base_geojson, json_text
from atlas.maps.served import LAYERS_URL

#: The layers a map may draw under its flows, and the simplification of each (degrees).
TOLERANCES = {"countries": 0.08, "departements": 0.01, "regions": 0.01}
#: Attribute a figure carries while it is rendered for a standalone file (inlined_leaflet).
INLINE_FLAG = "_atlas_inline_layers"
_FILE = re.compile(r"^(?P<name>[a-z]+)-(?P<key>[0-9a-f]{16})\.json$")


@cache
def layer_key(name: str) -> str:
    """A short hash of the layer's GeoJSON: its URL changes when its content does."""
    return hashlib.sha256(base_geojson(name, TOLERANCES[name]).encode()).hexdigest()[:16]


def layer_url(name: str) -> str:
    return f"{LAYERS_URL}/{name}-{layer_key(name)}.json"


def layer_file(filename: str) -> str | None:
    """The GeoJSON text behind a served file name (``countries-<key>.json``), None if unknown
    (another name, or the key of another version)."""
    match = _FILE.match(filename)
    if not match or match["name"] not in TOLERANCES or match["key"] != layer_key(match["name"]):
        return None
    return base_geojson(match["name"], TOLERANCES[match["name"]])


class BaseLayers(SafeMacroElement):
    """Base layers under a map's other layers: ``layers`` is a list of (name, style, interactive)
    drawn in that order (the first at the bottom)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (map) {
            var specs = {{ this.specs }};
            var layers = specs.map(function (s) {
                return L.geoJSON(null, {
                    interactive: s.interactive,
                    style: function () { return s.style; },
                    onEachFeature: function (f, layer) {
                        if (f.properties.tip) { layer.bindTooltip(f.properties.tip, {sticky: true}); }
                    }
                }).addTo(map);
            });
            function fill(datas) {
                datas.forEach(function (d, i) { layers[i].addData(d); });
                // under the flows drawn meanwhile: the last base layer first, the first at the bottom
                for (var i = layers.length - 1; i >= 0; i--) { layers[i].bringToBack(); }
            }
            {% if this.inline %}
            fill({{ this.inline }});
            {% else %}
            Promise.all(specs.map(function (s) {
                return fetch(s.url).then(function (r) { return r.json(); });
            })).then(fill).catch(function (e) { console.warn("atlas: base layers not loaded", e); });
            {% endif %}
            return layers;
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, layers: list[tuple[str, dict[str, Any], bool]]) -> None:
        super().__init__()
        self._name = "BaseLayers"
        self.names = [name for name, _style, _interactive in layers]
        self.specs = json_text([{"name": name, "url": layer_url(name), "style": style, "interactive": interactive}
                                for name, style, interactive in layers])
        self.inline = ""

    def render(self, **kwargs: Any) -> None:
        inline = bool(getattr(self.get_root(), INLINE_FLAG, False))
        # json_text: no "</", no template opener (the layers' tips are escaped: layers.base_geojson)
        self.inline = ("[" + ",".join(json_text(base_geojson(n, TOLERANCES[n])) for n in self.names) + "]"
                       if inline else "")
        super().render(**kwargs)
