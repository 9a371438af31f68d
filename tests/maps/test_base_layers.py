"""Base layers (countries, départements, régions): inline in what leaves the app, fetched from
the app's server inside it (atlas.maps.base_layers, atlas.ui.server)."""

from __future__ import annotations

import json

import pytest
from starlette.requests import Request

from atlas.maps.assets import standalone_html
from atlas.maps.base_layers import TOLERANCES, layer_file, layer_url
from atlas.maps.flowmap import base_map
from atlas.maps.layers import base_geojson, simplified_shapes


def _some_country_geometry() -> str:
    # a shape's coordinates as they appear in the GeoJSON text (Senegal's)
    return next(geom for code, _label, geom in simplified_shapes("countries", 0.08) if code == "SN")[:60]


def test_app_maps_fetch_the_layers_and_files_carry_them():
    m = base_map()
    app_html = m.get_root().render()
    senegal = _some_country_geometry()
    assert senegal not in app_html  # not sent with every rerun
    for name in TOLERANCES:
        assert layer_url(name) in app_html
    assert "fetch(s.url)" in app_html

    saved = standalone_html(m)
    assert senegal in saved  # a saved file opens from file:// with no server
    assert "fetch(s.url)" not in saved
    # and the map is back to fetching for the app afterwards
    again = m.get_root().render()
    assert senegal not in again and "fetch(s.url)" in again
    assert len(app_html) < len(saved) - 400_000


def test_only_the_layers_asked_for_are_drawn():
    html = base_map(departements=False, regions=True).get_root().render()
    assert layer_url("regions") in html and layer_url("departements") not in html


@pytest.mark.parametrize("name", sorted(TOLERANCES))
def test_served_file_names_carry_the_content_hash(name):
    file = layer_url(name).rsplit("/", 1)[1]
    text = layer_file(file)
    assert text == base_geojson(name, TOLERANCES[name])
    data = json.loads(text)
    assert len(data["features"]) == len(simplified_shapes(name, TOLERANCES[name]))
    stale = file.replace(file.split("-")[1][:4], "0000")
    assert layer_file(stale) is None  # another version's key
    for bad in ("../countries.json", "communes-0123456789abcdef.json", name + ".json", ""):
        assert layer_file(bad) is None


def _get(path: str):
    from atlas.ui.server import base_layer

    scope = {"type": "http", "method": "GET", "path": path, "headers": [],
             "path_params": {"file": path.rsplit("/", 1)[1]}}
    return base_layer(Request(scope))


def test_the_server_serves_them_for_good_and_nothing_else():
    url = layer_url("countries")
    res = _get(url)
    assert res.status_code == 200
    assert res.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert json.loads(res.body)["type"] == "FeatureCollection"
    assert _get("/vendor/atlas-layers/secrets-0123456789abcdef.json").status_code == 404
