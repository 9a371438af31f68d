"""Maps that leave the app carry Leaflet inline and reference no file or network address.

``Atlas.flow_map(...).save()``, the notebook display (``_repr_html_``) and ``atlas map -o x.html``
must open from file:// or in Jupyter with no network; inside the app the same map keeps pointing
at the Leaflet files the app serves, so no map repeats the library.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import folium
import pandas as pd
import pytest

from atlas import cli
from atlas.maps.assets import STATIC_URL, OfflineMap, leaflet_dir, standalone_html
from atlas.maps.flowmap import build_flow_map
from atlas.models import Filters

HOSTILE = {"partner_name": "<img src=x onerror=alert(1)>", "fr_name": "</script><script>alert(2)</script>{{ 7*7 }}"}


def loaded_refs(text: str) -> list[str]:
    """Addresses the page would load by itself: script/img/iframe src, link href, CSS url() and @import."""
    refs = re.findall(r"<(?:script|img|iframe|source|embed)\b[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", text, flags=re.I)
    refs += re.findall(r"<link\b[^>]*\bhref\s*=\s*[\"']?([^\"' >]+)", text, flags=re.I)
    for css in re.findall(r"<style\b[^>]*>(.*?)</style>", text, flags=re.I | re.S):
        refs += re.findall(r"url\(\s*[\"']?((?!data:)[^\"' )]+)", css, flags=re.I)
        refs += re.findall(r"@import\s+[\"']?([^\"' ;]+)", css, flags=re.I)
    return [r for r in refs if not r.startswith(("#", "data:"))]  # in-page fragments and data URIs load nothing


def network_refs(text: str) -> list[str]:
    return [r for r in loaded_refs(text) if re.match(r"(?:https?:)?//", r, flags=re.I)]


def assert_self_contained(text: str) -> None:
    assert network_refs(text) == []
    assert loaded_refs(text) == []  # not even a relative file: a saved file travels alone
    assert STATIC_URL not in text
    js = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    assert js[:300] in text and js[len(js) // 2:len(js) // 2 + 300] in text  # the library, verbatim
    assert ".leaflet-container" in text and ".leaflet-pane" in text  # its CSS
    assert "sourceMappingURL" not in text
    # The charset declaration comes before the inlined library (browsers look in the first 1,024 bytes).
    assert text.index("charset=UTF-8") < 400 < text.index(js[:300])


@pytest.fixture(scope="module")
def sn_map(atlas_handle):
    return atlas_handle.flow_map(Filters(countries=["SN"]))


def test_flow_map_is_an_offline_map(sn_map):
    assert isinstance(sn_map, OfflineMap) and isinstance(sn_map, folium.Map)


def test_saved_map_is_self_contained(sn_map, tmp_path):
    path = tmp_path / "sn.html"
    sn_map.save(str(path))
    text = path.read_text(encoding="utf-8")
    assert_self_contained(text)
    assert "window.atlasMapInfo" in text and "L.geoJSON(" in text


def test_app_rendering_keeps_the_served_files(sn_map, tmp_path):
    sn_map.save(tmp_path / "first.html")
    served = sn_map.get_root().render()  # what the app's st_folium / st.iframe render
    assert f'<script src="{STATIC_URL}/leaflet.js"></script>' in served
    assert f'href="{STATIC_URL}/leaflet.css"' in served
    assert network_refs(served) == []
    assert (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")[:300] not in served  # no copy per map
    # st_folium reads these lists: URLs of the app's server, nothing from a CDN.
    assert sn_map.default_js == [("leaflet", f"{STATIC_URL}/leaflet.js")]
    assert sn_map.default_css == [("leaflet_css", f"{STATIC_URL}/leaflet.css")]
    # Saved again after an app rendering: the served links are replaced, not kept beside the inline copy.
    sn_map.save(tmp_path / "second.html")
    assert_self_contained((tmp_path / "second.html").read_text(encoding="utf-8"))


def test_notebook_display_is_self_contained(sn_map):
    shown = sn_map._repr_html_()
    srcdoc = re.search(r'srcdoc="([^"]*)"', shown)
    assert srcdoc, shown[:300]
    assert_self_contained(html_lib.unescape(srcdoc.group(1)))
    assert network_refs(shown) == []


def test_show_in_browser_opens_a_self_contained_file(sn_map, monkeypatch):
    import folium.folium as folium_module

    opened: list[str] = []

    def fake_open(url):
        opened.append(Path(url.removeprefix("file://")).read_text(encoding="utf-8"))

    def stop(_seconds):
        raise KeyboardInterrupt  # how a person ends show_in_browser

    monkeypatch.setattr(folium_module.webbrowser, "open", fake_open)
    monkeypatch.setattr(folium_module.time, "sleep", stop)
    sn_map.show_in_browser()
    assert len(opened) == 1
    assert_self_contained(opened[0])


def test_standalone_html_drops_every_cdn_asset_of_a_plain_folium_map():
    m = folium.Map(tiles=None)
    folium.CircleMarker([45, 5], radius=4).add_to(m)
    assert network_refs(m.get_root().render())  # folium alone loads Leaflet, jQuery, Bootstrap… from CDNs
    text = standalone_html(m)
    assert_self_contained(text)
    for library in ("jquery", "bootstrap", "awesome-markers", "fontawesome", "font-awesome"):
        assert library not in text.lower()


def test_cli_html_map_is_self_contained(demo_db, tmp_path, capsys):
    out = tmp_path / "sn.html"
    assert cli.main(["map", "--db", str(demo_db), "--country", "SN", "-o", str(out)]) == 0, capsys.readouterr().err
    assert_self_contained(out.read_text(encoding="utf-8"))


def test_saved_file_keeps_data_as_data(atlas_handle, tmp_path):
    links = atlas_handle.links_frame(Filters(countries=["SN"]))
    hostile = links.iloc[[0]].assign(fr_id="commune:99999", partner_id="geonames:999999999", **HOSTILE)
    m, info = build_flow_map(pd.concat([links, hostile], ignore_index=True), origin_level="authority",
                             dest_level="authority", max_flows=5000)
    assert info.n_drawn == len(links) + 1
    path = tmp_path / "hostile.html"
    m.save(path)
    text = path.read_text(encoding="utf-8")
    assert_self_contained(text)
    assert HOSTILE["partner_name"] not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script>alert(2)" not in text and "&lt;/script&gt;&lt;script&gt;alert(2)" in text
    assert "&#123;&#123; 7*7 &#125;&#125;" in text and ">49<" not in text
