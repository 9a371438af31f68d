"""Leaflet layers for folium that stay fast with thousands of features, and never run data.

folium's GeoJson with a style_function emits one JS branch per feature (quadratic in the
browser). Here each feature carries its style in its properties and one small JS function reads
it. Tooltip text is HTML-escaped in Python before it is placed in the properties: imported names
are data, never markup.

Data is never code. branca's ``MacroElement.render`` wraps the text each macro produced in
``Element(text)``, and ``Element`` compiles its argument as a new Jinja template: text from data
(a partner named ``{{ 7*7 }}``) would be evaluated on the server. Every element of ours derives
from :class:`SafeMacroElement`, which hands the produced text on as :class:`RawText`, an element
that is never compiled. As a second wall, brace sequences that open template syntax are encoded
in data (``\u007b`` in JSON, ``&#123;`` in HTML), so no later template pass (streamlit-folium's
own rewriting included) can see them.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from atlas.maps.words import word
from atlas.reference import loaders

#: "{" followed by what opens Jinja syntax ("{{", "{%", "{#").
_TEMPLATE_OPEN = re.compile(r"\{(?=[{%#])")


def json_text(data: Any) -> str:
    """Compact JSON for a <script> element: no "</" (it would end the element) and no template opener.

    "{{", "{%" and "{#" can only occur inside JSON strings (an object always opens with a key),
    so encoding their brace as ``\u007b`` changes no value.
    """
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return _TEMPLATE_OPEN.sub(r"\\u007b", text.replace("</", "<\\/"))


def escape(text: object) -> str:
    """HTML-escape plain text, braces included (``&#123;``/``&#125;``): shown literally, never a template."""
    return html.escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")


class RawText(Element):
    """Already-rendered HTML or script text, kept as it is: never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawText"
        self.text = text

    def render(self, **kwargs: Any) -> str:  # noqa: ARG002 - branca's signature
        return self.text


class SafeMacroElement(MacroElement):
    """A MacroElement whose rendered macros are passed on as RawText (see the module docstring)."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{type(self).__name__} can only be rendered inside a folium Figure")
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(RawText(str(macro(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class StyledGeoJson(SafeMacroElement):
    """A GeoJSON layer whose features carry ``properties.style`` and an escaped ``properties.tip``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            interactive: {{ this.interactive|tojson }},
            style: function (f) { return f.properties.style || {}; },
            pointToLayer: function (f, latlng) { return L.circleMarker(latlng, f.properties.style || {}); },
            onEachFeature: function (f, layer) {
                if (f.properties.tip) { layer.bindTooltip(f.properties.tip, {sticky: true}); }
                if (f.properties.pop) { layer.bindPopup(f.properties.pop, {maxWidth: 320}); }
            }
        });
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any] | str, name: str, interactive: bool = True) -> None:
        super().__init__()
        self._name = "StyledGeoJson"
        self.layer_name = name
        # Serialised once here (json_text: no "</", no template opener).
        self.data = json_text(data)
        self.interactive = interactive


def tip(*lines: str) -> str:
    """Tooltip HTML from plain-text lines: every line escaped, joined with <br>."""
    return "<br>".join(escape(line) for line in lines if line)


def feature(geometry: shapely.Geometry, style: dict[str, Any], tooltip: str | None = None,
            precision: int = 3) -> dict[str, Any]:
    geo = json.loads(shapely.to_geojson(shapely.set_precision(geometry, 10 ** -precision)
                                        if geometry.geom_type != "Point" else geometry))
    props: dict[str, Any] = {"style": style}
    if tooltip:
        props["tip"] = tooltip
    return {"type": "Feature", "geometry": geo, "properties": props}


@cache
def simplified_shapes(name: str, tolerance: float) -> tuple[tuple[str, str, str], ...]:
    """(code, label, geometry as GeoJSON text) of a reference layer, simplified, 3 decimals.

    The code is the ISO alpha-2 code for countries and the INSEE code for régions and départements.
    Kept on disk in the user's cache folder (keyed by the reference file and this module), so a new
    process draws its first map without loading geopandas and simplifying every polygon (about
    1 s); ``ATLAS_NO_CACHE=1`` turns that off.
    """
    import hashlib
    import os
    import tempfile

    from atlas.config import cache_dir, cache_enabled

    source = loaders.reference_path(name)
    path = None
    if cache_enabled():
        try:
            h = hashlib.sha256(f"{name}|{tolerance}".encode())
            h.update(source.read_bytes())
            h.update(Path(__file__).read_bytes())
            path = cache_dir() / f"shapes-{name}-{h.hexdigest()[:20]}.json"
            with path.open(encoding="utf-8") as fh:
                return tuple(tuple(row) for row in json.load(fh))
        except (OSError, ValueError, TypeError):
            pass
    out = _simplify(name, tolerance)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob(f"shapes-{name}-*.json"):
                old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(out, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            pass
    return out


def _simplify(name: str, tolerance: float) -> tuple[tuple[str, str, str], ...]:
    shapes = loaders.read_shapes(name)
    label = "name_fr" if "name_fr" in shapes.columns else "name"
    code = "iso2" if "iso2" in shapes.columns else "code"
    out = []
    for row in shapes.itertuples():
        geom = row.geometry
        # Antarctica reaches the pole, which Web Mercator cannot draw (a band across the map),
        # and no authority has a partner there.
        if geom is None or geom.is_empty or getattr(row, "iso2", None) == "AQ":
            continue
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
        geom = shapely.set_precision(geom, 0.001)
        if geom.is_empty:
            continue
        out.append((str(getattr(row, code)), str(getattr(row, label)), shapely.to_geojson(geom)))
    return tuple(out)


@cache
def base_geojson(name: str, tolerance: float) -> str:
    """Polygons of a reference layer as compact GeoJSON text (simplified, 3 decimals)."""
    feats = [f'{{"type":"Feature","geometry":{geom},"properties":{{"tip":{json.dumps(escape(label), ensure_ascii=False)}}}}}'
             for _code, label, geom in simplified_shapes(name, tolerance)]
    return '{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}"


def choropleth_geojson(name: str, tolerance: float, styles: dict[str, dict[str, Any]], tips: dict[str, str],
                       default_style: dict[str, Any]) -> str:
    """A reference layer with one style and one (already escaped) tooltip per code."""
    feats = []
    for code, label, geom in simplified_shapes(name, tolerance):
        style = json.dumps(styles.get(code, default_style), separators=(",", ":"))
        text = json.dumps(tips.get(code, escape(label)), ensure_ascii=False)
        feats.append(f'{{"type":"Feature","geometry":{geom},"properties":{{"style":{style},"tip":{text}}}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}"


class Legend(SafeMacroElement):
    """A fixed legend box; ``html_body`` must already be escaped."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="atlas-legend" style="position:absolute; z-index:9999; {{ this.position }};
             background:rgba(255,255,255,0.92); padding:8px 10px; border-radius:6px;
             font:13px/1.35 system-ui, sans-serif; box-shadow:0 1px 4px rgba(0,0,0,0.3); max-width:260px;">
        <details open><summary style="cursor:pointer; color:#555; font-size:11px">{{ this.summary }}</summary>
        {{ this.html_body }}
        </details>
        </div>
        {% endmacro %}
        """
    )

    def __init__(self, html_body: str, position: str = "bottom:24px; left:12px", lang: str = "fr") -> None:
        super().__init__()
        self._name = "Legend"
        # Collapsible: on a small screen the legend must not hide the map.
        self.summary = word("legend", lang)
        self.html_body = html_body
        self.position = position


def legend_rows(items: list[tuple[str, str]], title: str, footer: str = "") -> str:
    """Legend HTML from (colour, label) pairs; labels are escaped here."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:18px;height:4px;background:{escape(c)};'
        f'vertical-align:middle;margin-right:6px"></span>{escape(label)}</div>'
        for c, label in items
    )
    foot = f'<div style="margin-top:4px;color:#555;font-size:11px">{escape(footer)}</div>' if footer else ""
    return f"<b>{escape(title)}</b>{rows}{foot}"


def raw_element(html_text: str) -> Element:
    """An HTML element added as it is (never compiled as a template)."""
    return RawText(html_text)


class MetricScale(SafeMacroElement):
    """A metric-only scale bar (folium's control_scale also shows miles)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, position: "bottomright"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class PlaceLabels(SafeMacroElement):
    """Permanent names beside the main places (Leaflet tooltips that take no clicks).

    ``labels``: dicts with lon, lat, side (right/left/top/bottom), offset (pixels) and an already
    escaped ``text``; they travel as JSON data, set as tooltip content, never run.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, labels = {{ this.data }};
            var group = L.layerGroup();
            labels.forEach(function (p) {
                group.addLayer(L.tooltip({permanent: true, interactive: false, direction: p.side,
                                          offset: p.offset, className: "atlas-label", opacity: 0.95})
                               .setLatLng([p.lat, p.lon]).setContent(p.text));
            });
            group.addTo(map);
            window.atlasLabels = group;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "PlaceLabels"
        self.data = json_text(labels)


#: Style of the place names (rides with the legend's HTML: st_folium drops the map's <head>).
LABEL_CSS = (".atlas-label{background:rgba(255,255,255,0.82);border:0;box-shadow:none;padding:0 3px;"
             "font:600 12px/16px system-ui,sans-serif;color:#1f2937}"
             ".atlas-label.leaflet-tooltip-left:before,.atlas-label.leaflet-tooltip-right:before,"
             ".atlas-label.leaflet-tooltip-top:before,.atlas-label.leaflet-tooltip-bottom:before{display:none}")


class FlowFocus(SafeMacroElement):
    """Clicking a place's circle isolates its flows (the others fade); clicking it again, or the
    map, shows them all. Flows carry their ends' ids (``o``, ``d``) and circles their ``id`` in
    their GeoJSON properties: data compared in the browser, never run."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, flows = {{ this.flows }}, places = {{ this.places }};
            var chosen = null;
            function show(id) {
                chosen = (id === chosen) ? null : id;
                var linked = {};
                flows.eachLayer(function (l) {
                    var p = l.feature.properties, on = chosen === null || p.o === chosen || p.d === chosen;
                    if (on) { linked[p.o] = true; linked[p.d] = true; }
                    l.setStyle({opacity: on ? p.style.opacity : 0.05});
                });
                places.eachLayer(function (l) {
                    var p = l.feature.properties, on = chosen === null || linked[p.id] === true;
                    l.setStyle({fillOpacity: on ? p.style.fillOpacity : 0.15, opacity: on ? 1 : 0.3});
                });
                window.atlasFocus = chosen;
            }
            // A circle's click also reaches the map (the app's click-to-filter still works there):
            // that map click must not undo the focus it just set.
            var fromPlace = false;
            places.on("click", function (e) { show(e.layer.feature.properties.id); fromPlace = true; });
            map.on("click", function () {
                if (fromPlace) { fromPlace = false; return; }
                if (chosen !== null) { show(chosen); }
            });
            window.atlasFocus = null;
            window.atlasShowPlace = show;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, flows: StyledGeoJson, places: StyledGeoJson) -> None:
        super().__init__()
        self._name = "FlowFocus"
        # JavaScript names of our own layers (branca makes them: letters, digits, underscores)
        self.flows = flows.get_name()
        self.places = places.get_name()
