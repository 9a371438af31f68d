"""Text from data is shown, never run: template syntax, script and mathtext in names.

branca compiles the text its MacroElements render as a new Jinja template; a partner named
``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` ran a shell command on the server
(issue 8). These tests put such names through every way a map is turned into text.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import folium
import pandas as pd
import pytest
from streamlit_folium import _get_html, generate_leaflet_string

from atlas.maps.assets import standalone_html
from atlas.maps.flowmap import build_choropleth, build_flow_map
from atlas.maps.layers import Legend, RawText, StyledGeoJson, escape, json_text
from atlas.models import Filters

RCE = "{{ cycler.__init__.__globals__.os.popen('echo PWNED-$((6*7))').read() }}"
MATH = "{{7*7}} Quarante-neuf"
BROKEN = "{% raw %}x\" '{{ {# "
NAMES = (RCE, MATH, BROKEN)


def _hostile(links: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, name in enumerate(NAMES):
        row = links.iloc[[i]].copy()
        row["partner_id"] = f"geonames:99999990{i}"
        row["partner_name"] = name
        row["fr_id"] = f"commune:9999{i}"
        row["fr_name"] = name
        rows.append(row)
    return pd.concat([links, *rows], ignore_index=True)


def _assert_inert(text: str) -> None:
    assert "PWNED-42" not in text  # the shell command did not run
    assert "49 Quarante" not in text  # the expression was not evaluated
    assert "Quarante-neuf" in text  # the name is there


@pytest.fixture(scope="module")
def hostile_map(atlas_handle):
    links = _hostile(atlas_handle.links_frame(Filters(countries=["SN"])))
    m, info = build_flow_map(links, origin_level="authority", dest_level="authority", max_flows=5000)
    return m, info


def test_map_html_shows_template_syntax_as_text(hostile_map):
    m, _info = hostile_map
    for text in (m.get_root().render(), standalone_html(m)):
        _assert_inert(text)
        # Every name is there, escaped, with the brace of each template opener encoded
        # (&#123; in HTML): the browser shows "{{", no template pass can see it.
        for name in NAMES:
            assert json_text(escape(name))[1:-1] in text


def test_streamlit_folium_rendering_is_inert(hostile_map):
    """st_folium renders each element's script macro itself and the figure's html part."""
    m, _info = hostile_map
    m.get_root().render()
    _assert_inert(generate_leaflet_string(m) + _get_html(m))


def test_raw_macro_output_is_never_compiled():
    """The first wall alone: text a macro produced is passed on as is, even unencoded braces."""
    m = folium.Map(tiles=None)
    Legend("<b>{{ 7*7 }}</b> {% if x %}").add_to(m)
    html = m.get_root().render()
    assert "<b>{{ 7*7 }}</b> {% if x %}" in html
    assert "<b>49</b>" not in html
    assert RawText("{{ 1+1 }}").render() == "{{ 1+1 }}"


def test_json_text_keeps_values_and_encodes_openers():
    import json

    data = {"a": [{"b": "{{x}} {%y%} {#z#} </script>"}], "c": {"d": 1}}
    text = json_text(data)
    assert "{{" not in text and "{%" not in text and "{#" not in text and "</" not in text
    assert json.loads(text) == data  # the same values once parsed (as the browser does)


def test_geojson_layer_of_raw_braces_is_inert():
    m = folium.Map(tiles=None)
    StyledGeoJson({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]},
         "properties": {"tip": "{{ 6*7 }}"}}]}, "x").add_to(m)
    html = m.get_root().render()
    assert '"tip":"\\u007b{ 6*7 }}"' in html
    assert '"tip":"42"' not in html


def test_choropleth_title_and_legend_are_inert():
    m = build_choropleth({"SN": 3.0}, "country", title=MATH, legend_title=RCE, source=BROKEN)
    _assert_inert(m.get_root().render())


@pytest.mark.parametrize("title", ["Prix $x^2$ et $\\alpha$", "50 $ US", "\\$ $$"])
def test_print_map_prints_dollars_as_dollars(atlas_handle, tmp_path, title):
    from pypdf import PdfReader

    p = atlas_handle.export_map(Filters(countries=["SN"]), tmp_path / "t.pdf", title=title)
    text = PdfReader(p).pages[0].extract_text()
    assert title in text


def _import(db: Path, rows: list[str], tmp_path: Path) -> None:
    src = tmp_path / "hostile.csv"
    src.write_text("Collectivité;Département;Pays;Collectivité partenaire;Intitulé du projet;Année de début;"
                   "Latitude partenaire;Longitude partenaire\n" + "\n".join(rows) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "atlas.cli", "import", str(src), "--db", str(db)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_cli_map_of_imported_hostile_names(demo_db, tmp_path):
    """The reproduction of the issue: import, then `atlas map --country SN -o sn.html`."""
    db = tmp_path / "atlas.duckdb"
    shutil.copy(demo_db, db)
    _import(db, [f"Toulouse;31;Sénégal;{RCE};Projet;2019;14.7;-17.4",
                 f"Rennes;35;Sénégal;{MATH};Projet;2019;14.8;-17.3",
                 f"Brest;29;Sénégal;{BROKEN};Projet;2019;14.6;-17.2"], tmp_path)
    for name in ("sn.html", "sn.pdf"):
        out = tmp_path / name
        done = subprocess.run([sys.executable, "-m", "atlas.cli", "map", "--db", str(db), "--country", "SN",
                               "--origin-level", "authority", "--dest-level", "authority", "--title", MATH,
                               "-o", str(out)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        if name.endswith(".html"):
            _assert_inert(out.read_text(encoding="utf-8"))
