"""The folium flow map on real links: aggregation, offline assets, escaping, demo label."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from atlas.maps.assets import STATIC_URL, leaflet_dir, standalone_html
from atlas.maps.flowmap import build_flow_map
from atlas.models import Filters

XSS = "<img src=x onerror=alert(1)>"
SCRIPT_BREAK = "</script><script>alert(2)</script>"


@pytest.fixture(scope="module")
def all_links(atlas_handle) -> pd.DataFrame:
    return atlas_handle.links_frame()


@pytest.fixture(scope="module")
def national(all_links):
    m, info = build_flow_map(all_links, max_flows=1500, demo=True)
    return m, info, m.get_root().render()


def external_refs(html: str) -> list[str]:
    """src/href of <script> and <link> elements."""
    return (re.findall(r"<script\b[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", html, flags=re.I)
            + re.findall(r"<link\b[^>]*\bhref\s*=\s*[\"']?([^\"' >]+)", html, flags=re.I))


def test_national_view_is_aggregated(national, all_links):
    _m, info, _html = national
    assert info.n_links == len(all_links) > 5000
    assert info.n_drawn <= 1500
    assert info.n_drawn <= info.n_flows
    assert (info.origin_level, info.dest_level) != ("authority", "authority")
    assert info.n_flows < len(all_links)


def test_small_selection_is_drawn_link_by_link(atlas_handle):
    links = atlas_handle.links_frame(Filters(themes=["eau"], countries=["SN"]))
    _m, info = build_flow_map(links, max_flows=1500)
    assert (info.origin_level, info.dest_level) == ("authority", "authority")
    assert info.n_drawn == info.n_flows == len(links)


def test_max_flows_caps_what_is_drawn(all_links):
    _m, info = build_flow_map(all_links, origin_level="authority", dest_level="authority", max_flows=200)
    assert info.n_flows == len(all_links)
    assert info.n_drawn == 200


def test_html_loads_nothing_from_the_network(national):
    _m, _info, html = national
    refs = external_refs(html)
    assert refs, "expected Leaflet to be referenced"
    assert not [r for r in refs if "://" in r or r.startswith("//")], refs
    assert "cdn" not in " ".join(refs).lower()
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html and "cdnjs" not in html
    assert f'src="{STATIC_URL}/leaflet.js"' in html
    assert f'href="{STATIC_URL}/leaflet.css"' in html
    assert STATIC_URL == "/vendor/leaflet"  # mounted by atlas.ui.server from the xstatic package


def test_html_contains_the_flows(national):
    _m, info, html = national
    assert html.count('"type":"Feature"') > info.n_drawn  # flows + totals + base layers
    assert "L.geoJSON(" in html


def test_standalone_html_inlines_leaflet(atlas_handle):
    links = atlas_handle.links_frame(Filters(countries=["SN"]))
    m, _info = build_flow_map(links, demo=True)
    html = standalone_html(m)
    assert external_refs(html) == []
    assert "<script src" not in html.lower() and "<link" not in html.lower()
    leaflet_js = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet_js[:200] in html  # the library itself, verbatim
    assert ".leaflet-container" in html  # its CSS
    assert "url(images/" not in html  # CSS images became data URIs
    body = html.split("<body>", 1)[1]
    assert "://" not in body  # the map's own code and data reference no URL


def _with_hostile_names(links: pd.DataFrame) -> pd.DataFrame:
    hostile = links.iloc[[0]].copy()
    hostile["fr_id"] = "commune:99999"  # new ids: the names are not merged into existing points
    hostile["partner_id"] = "geonames:999999999"
    hostile["partner_name"] = XSS
    hostile["fr_name"] = SCRIPT_BREAK
    return pd.concat([links, hostile], ignore_index=True)


def test_names_are_escaped(atlas_handle):
    links = _with_hostile_names(atlas_handle.links_frame(Filters(countries=["SN"])))
    m, info = build_flow_map(links, origin_level="authority", dest_level="authority", max_flows=5000)
    assert info.n_drawn == len(links)
    for html in (m.get_root().render(), standalone_html(m)):
        assert XSS not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "alert(2)</script>" not in html and "<script>alert(2)" not in html
        assert "&lt;/script&gt;&lt;script&gt;alert(2)" in html


def test_demo_label(atlas_handle):
    links = atlas_handle.links_frame(Filters(countries=["SN"]))
    fr_demo = build_flow_map(links, demo=True)[0].get_root().render()
    en_demo = build_flow_map(links, demo=True, lang="en")[0].get_root().render()
    real = build_flow_map(links, demo=False)[0].get_root().render()
    assert "DONNÉES DE DÉMONSTRATION" in fr_demo
    assert "DEMONSTRATION DATA" in en_demo
    assert "DÉMONSTRATION" not in real and "DEMONSTRATION" not in real


def test_empty_links_give_a_base_map(atlas_handle):
    empty = atlas_handle.links_frame(Filters(countries=["SN"])).iloc[:0]
    m, info = build_flow_map(empty)
    assert info.n_links == info.n_drawn == 0
    html = m.get_root().render()
    assert f"{STATIC_URL}/leaflet.js" in html


@pytest.mark.parametrize("value,magnitude,lang,text", [
    (1, "links", "fr", "1 lien"), (2, "links", "fr", "2 liens"), (1, "projects", "fr", "1 projet"),
    (12345, "links", "fr", "12\u202f345 liens"), (1, "links", "en", "1 link"), (0, "projects", "en", "0 projects"),
    (45000, "amount", "fr", "45 k€"), (1_200_000, "budget", "en", "1.2 M€"),
])
def test_quantities_read_as_words(value, magnitude, lang, text):
    from atlas.maps.styles import quantity

    assert quantity(value, magnitude, lang) == text


def test_one_link_reads_singular_and_amounts_carry_no_second_unit(atlas_handle):
    links = atlas_handle.links_frame(Filters(authorities=["commune:31555"])).head(1)
    m, _info = build_flow_map(links, lang="fr", origin_level="authority", dest_level="authority")
    html = m.get_root().render()
    assert "1 lien ·" in html and "1 liens" not in html and "lien(s)" not in html
    money, _info = build_flow_map(atlas_handle.links_frame(Filters(authorities=["commune:31555"])), lang="fr",
                                  origin_level="authority", dest_level="authority", magnitude="amount")
    assert "k€" in money.get_root().render() and "€ €" not in money.get_root().render()
