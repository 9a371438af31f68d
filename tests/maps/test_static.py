"""Print maps: the national, région and commune views as PNG (300 dpi), SVG and PDF, and the
choropleths; checked in the files themselves (pixel density, text, page size)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

import atlas
from atlas.geo import flows as fl
from atlas.selection import query_flows
from atlas.maps import static
from atlas.models import Filters

VIEWS = {
    "national": (Filters(), "collectivités françaises"),
    "region": (Filters(regions=["76"]), "région Occitanie"),
    "commune": (Filters(authorities=["commune:31555"]), "Toulouse"),
}


@pytest.fixture(scope="module")
def print_maps(atlas_handle, tmp_path_factory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("print")
    files = {}
    for name, (filters, _scope) in VIEWS.items():
        for ext in ("png", "svg", "pdf"):
            files[(name, ext)] = atlas_handle.export_map(filters, out / f"{name}.{ext}")
    return files


@pytest.mark.parametrize("name", list(VIEWS))
def test_png_is_300_dpi_a4_landscape(print_maps, name):
    with Image.open(print_maps[(name, "png")]) as im:
        dpi = im.info["dpi"]
        assert dpi == pytest.approx((300, 300), abs=0.5)
        w, h = im.size
    assert (w, h) == pytest.approx((11.69 * 300, 8.27 * 300), abs=2)


@pytest.mark.parametrize("name", list(VIEWS))
def test_svg_keeps_title_filters_legend_and_source_as_text(print_maps, name):
    text = print_maps[(name, "svg")].read_text(encoding="utf-8")
    scope = VIEWS[name][1]
    assert f"Coopérations internationales — {scope}" in text
    assert "Source : Atlas de l&#39;action extérieure" in text or "Source : Atlas de l'action extérieure" in text
    assert "Zone du partenaire" in text  # legend title
    assert "DONNÉES DE DÉMONSTRATION" in text
    assert "Projection : " in text


@pytest.mark.parametrize("name", list(VIEWS))
def test_pdf_text_has_title_and_source(print_maps, name):
    from pypdf import PdfReader

    reader = PdfReader(print_maps[(name, "pdf")])
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert f"Coopérations internationales — {VIEWS[name][1]}" in text
    assert "Source : Atlas de l'action extérieure des collectivités territoriales" in text
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((11.69 * 72, 8.27 * 72), abs=1)


def test_projection_follows_the_extent(atlas_handle):
    world = query_flows(atlas_handle.db, Filters(), "region", "country").flows
    europe = query_flows(atlas_handle.db, Filters(authorities=["commune:31555"]), "authority", "authority").flows
    assert static.choose_projection(world) == "world"
    assert static.choose_projection(europe[europe["zone"] == "Europe"]) == "france"


def test_print_map_layouts_and_overseas_insets(atlas_handle, tmp_path):
    flows = query_flows(atlas_handle.db, Filters(zones=["Europe"]), "departement", "country").flows
    fig = static.static_flow_map(flows, title="Europe", subtitle="zone Europe", layout="16:9", projection="france",
                                 origin_level="departement", dest_level="country", n_links=int(flows.n_links.sum()))
    assert tuple(fig.get_size_inches()) == pytest.approx((13.333, 7.5), abs=0.01)
    overseas = flows["origin"].isin([f"departement:{c}" for c in static.OVERSEAS]).any()
    titles = {ax.get_title() for ax in fig.axes}
    assert ("La Réunion" in titles or "Guadeloupe" in titles or "Martinique" in titles) == bool(overseas)
    path = static.save_figure(fig, tmp_path / "europe.svg")
    assert "Lambert-93" in path.read_text(encoding="utf-8")


def test_choropleth_print_maps(atlas_handle, tmp_path):
    p = atlas_handle.export_map(Filters(), tmp_path / "deps.pdf", view="departements")
    from pypdf import PdfReader

    text = PdfReader(p).pages[0].extract_text()
    assert "par département" in text and "Mayotte" in text and "Lambert-93" in text
    p = atlas_handle.export_map(Filters(themes=["eau"]), tmp_path / "countries.png", view="countries", layout="16:9")
    with Image.open(p) as im:
        assert im.size == pytest.approx((13.333 * 300, 7.5 * 300), abs=2)


def test_map_errors_say_what_was_expected(atlas_handle, tmp_path):
    with pytest.raises(atlas.QueryError, match=r"map files are \.html, \.png, \.svg, \.pdf"):
        atlas_handle.export_map(Filters(), tmp_path / "map.jpg")
    with pytest.raises(atlas.QueryError, match="layout: expected one of"):
        atlas_handle.export_map(Filters(), tmp_path / "map.png", layout="letter")
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        static.save_figure(static.static_flow_map(fl.aggregate(atlas_handle.links_frame(Filters()).head(0)),
                                                  title="x"), tmp_path / "x.tiff")


def test_dollar_signs_in_titles_stay_text(atlas_handle, tmp_path):
    p = atlas_handle.export_map(Filters(authorities=["commune:31555"]), tmp_path / "t.svg", title="Budget $5$ M€")
    assert "Budget $5$ M€" in p.read_text(encoding="utf-8")
