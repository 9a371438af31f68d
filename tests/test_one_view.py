"""One selection pipeline: the map you export is the map you see (issue 9).

For each view below, the app's map (its caption, through AppTest), the standalone HTML export,
the PDF export, the data export (flowmap CSV pairs) and ``Atlas.flows`` must give the same flows:
the same levels, the same (origin, destination) pairs, the same number of links.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from atlas.maps.flowmap import LEVEL_WORDS
from atlas.models import Filters
from atlas.selection import MapOptions
from atlas.ui.state import params_from_filters
from atlas.ui.stories import bundled_stories

VIEWS: dict[str, tuple[Filters, MapOptions]] = {
    "national": (Filters(), MapOptions()),
    "theme": (Filters(themes=["eau"]), MapOptions()),
    "zone": (Filters(zones=["Europe"]), MapOptions()),
    "country": (Filters(countries=["SN"]), MapOptions()),
    "region": (Filters(regions=["76"]), MapOptions()),
    "departement": (Filters(departements=["31"]), MapOptions()),
    "authority": (Filters(authorities=["commune:31555"]), MapOptions()),
    "sdg-years": (Filters(sdgs=[6], years=(2010, 2020)), MapOptions()),
    "sahel-by-theme": (Filters(countries=["SN", "ML"], themes=["eau"]), MapOptions(colour_by="theme")),
    "kinds-projects": (Filters(kinds=["jumelage"]), MapOptions(magnitude="projects")),
    "fixed-levels": (Filters(zones=["Afrique subsaharienne"]), MapOptions(origin_level="region", dest_level="auto")),
}


def _story_view() -> tuple[Filters, MapOptions]:
    story = next(iter(bundled_stories().values()))
    step = story.steps[0]
    return step.filters, MapOptions(origin_level=step.origin_level, dest_level=step.dest_level)


def _pairs(df: pd.DataFrame, o: str = "origin", d: str = "dest") -> set[tuple[str, str]]:
    return set(zip(df[o].astype(str), df[d].astype(str)))


@pytest.fixture(scope="module", params=[*VIEWS, "story-step"])
def view(request, atlas_handle):
    filters, options = _story_view() if request.param == "story-step" else VIEWS[request.param]
    return request.param, filters, options, atlas_handle.select(filters, options)


def test_api_flows_are_the_view(view, atlas_handle):
    _name, filters, options, sel = view
    assert sel.n_flows > 0
    flows = atlas_handle.flows(filters, options.origin_level, options.dest_level,
                               colour_by=None if options.colour_by == "zone" else options.colour_by)
    assert (flows.attrs["origin_level"], flows.attrs["dest_level"]) == (sel.origin_level, sel.dest_level)
    assert _pairs(flows) == _pairs(sel.flows)
    assert int(flows["n_links"].sum()) == sel.n_links == len(atlas_handle.links_frame(filters))


def test_html_and_pdf_exports_are_the_view(view, atlas_handle, tmp_path):
    from pypdf import PdfReader

    _name, filters, options, sel = view
    html = atlas_handle.export_map(filters, tmp_path / "v.html", options.origin_level, options.dest_level,
                                   colour_by=options.colour_by, magnitude=options.magnitude).read_text("utf-8")
    info = re.search(r"window\.atlasMapInfo = \{flows: (\d+), links: (\d+)\}", html)
    assert info and (int(info[1]), int(info[2])) == (sel.n_drawn, sel.n_links)
    pdf = atlas_handle.export_map(filters, tmp_path / "v.pdf", options.origin_level, options.dest_level,
                                  colour_by=options.colour_by, magnitude=options.magnitude)
    text = re.sub(r"[\s\u202f\u00a0]", "", PdfReader(pdf).pages[0].extract_text())
    assert f"{sel.n_links}lien" in text or f"{sel.n_links}link" in text, text[-400:]


def test_data_export_carries_the_view_flows(view, atlas_handle, tmp_path):
    _name, filters, options, sel = view
    written = atlas_handle.export_data(filters, tmp_path / "flowmap", origin_level=options.origin_level,
                                       dest_level=options.dest_level, magnitude=options.magnitude)
    flows = pd.read_csv([p for p in written if p.name == "flows.csv"][0], dtype=str)
    assert _pairs(flows) == _pairs(sel.flows)


@pytest.mark.parametrize("name", ["national", "theme", "zone", "country", "sdg-years", "kinds-projects"])
def test_app_caption_names_the_same_counts(name, db_env, atlas_handle):
    filters, options = VIEWS[name]
    sel = atlas_handle.select(filters, options)
    at = AppTest.from_string("""
import streamlit as st
from atlas.ui.pages import explorer
st.session_state.setdefault("lang", "fr")
explorer.render()
""", default_timeout=90)
    for key, value in params_from_filters(filters).items():
        at.query_params[key] = value
    at.session_state["magnitude"] = options.magnitude
    at.session_state["colour_by"] = options.colour_by
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    captions = [c.value for c in at.caption if c.value.startswith("Flux ")]
    assert len(captions) == 1, [c.value for c in at.caption]
    digits = [int(x.replace("\u202f", "")) for x in re.findall(r"\d[\d\u202f]*", captions[0])]
    assert digits == [sel.n_links, sel.n_drawn], (captions[0], sel.n_links, sel.n_drawn)
    words = LEVEL_WORDS["fr"]
    assert captions[0].startswith(f"Flux {words[sel.origin_level]} → {words[sel.dest_level]} ·"), captions[0]
