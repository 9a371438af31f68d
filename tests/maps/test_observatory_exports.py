"""Exports of a territory's observatory: the XLSX holds the SQL figures, the print page is one A4
page with its names and figures, the map draws every actor and escapes every name."""

from __future__ import annotations

import dataclasses
import json
import re

import pandas as pd
import pytest

from atlas.db import observatory as O
from atlas.errors import ExportError
from atlas.maps.observatory import actors_map, write_xlsx
from atlas.maps.observatory_print import write_observatory_page


@pytest.fixture(scope="module")
def db(atlas_handle):
    return atlas_handle.db


@pytest.fixture(scope="module")
def obs(db):
    return O.observatory(db, "region:76", year=2024)


def test_xlsx_figures_equal_the_sql(db, obs, tmp_path):
    path = write_xlsx(obs, tmp_path / "observatoire.xlsx")
    book = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert {"figures", "by_type", "by_sector", "by_departement", "by_country", "by_zone", "by_sdg",
            "supports_by_kind", "supporters", "projects", "actors", "comparison", "Source"} <= set(book)
    figures = dict(zip(book["figures"]["figure"], book["figures"]["value"]))
    # straight from the base tables, written here
    ids = [r[0] for r in db.rows("SELECT id FROM actors WHERE region = '76' AND coalesce(since, 0) <= 2024 "
                                 "AND coalesce(until, 9999) >= 2024")]
    p = {"ids": ids}
    assert figures["actors"] == len(ids)
    assert figures["countries"] == db.scalar(
        "SELECT count(DISTINCT country_iso2) FROM actor_countries WHERE list_contains($ids::VARCHAR[], actor_id) "
        "AND coalesce(since, 0) <= 2024 AND coalesce(until, 9999) >= 2024", p)
    assert figures["supports"] == db.scalar(
        "SELECT count(*) FROM actor_supports WHERE list_contains($ids::VARCHAR[], actor_id) AND year = 2024", p)
    assert figures["support_amount_eur"] == pytest.approx(db.scalar(
        "SELECT coalesce(sum(amount_eur), 0) FROM actor_supports WHERE list_contains($ids::VARCHAR[], actor_id) "
        "AND year = 2024", p))
    assert figures["authorities"] == db.scalar(
        "SELECT count(DISTINCT fr_id) FROM link_facts WHERE fr_region = '76' AND coalesce(year_end, 9999) >= 2024 "
        "AND coalesce(year_start, 0) <= 2024")
    assert figures == {k: pytest.approx(v) for k, v in obs.figures.items()}
    by_type = dict(db.rows("SELECT type, count(*) FROM actors WHERE list_contains($ids::VARCHAR[], id) GROUP BY 1", p))
    assert dict(zip(book["by_type"]["type"], book["by_type"]["actors"])) == by_type
    assert sorted(book["actors"]["id"]) == sorted(ids)
    assert set(book["actors"]["source"]) == {"Données inventées (démonstration)"}
    cmp = book["comparison"].set_index("figure")
    assert cmp.loc["actors", "current"] == len(ids)
    source = dict(zip(book["Source"].iloc[:, 0], book["Source"].iloc[:, 1]))
    assert source["Territoire"] == "Occitanie (region:76)" and source["Année"] == "2024"
    assert "DÉMONSTRATION" in source["Note"]


def test_print_page_is_one_a4_page_with_figures(obs, tmp_path):
    from pypdf import PdfReader

    out = write_observatory_page(obs, tmp_path / "observatoire.pdf")
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = reader.pages[0].extract_text()
    assert "Occitanie" in text and "DÉMONSTRATION" in text
    compact = re.sub(r"\s", "", text)
    assert f"{obs.figures['actors']:,}".replace(",", "") in compact
    assert "Sénégal" in text or obs.tables["by_country"]["name"].iloc[0] in text


def test_api_exports_by_extension(atlas_handle, tmp_path):
    assert atlas_handle.export_observatory("departement:31", tmp_path / "o.xlsx").exists()
    assert atlas_handle.export_observatory("departement:31", tmp_path / "o.png", year=2024).exists()
    with pytest.raises(ExportError, match=r"expected a \.xlsx"):
        atlas_handle.export_observatory("departement:31", tmp_path / "o.docx")


def test_map_draws_every_actor_and_escapes_names(obs):
    hostile = "<img src=x onerror=alert(1)> {{ 7*7 }}"
    actors = obs.tables["actors"].copy()
    actors.loc[actors.index[0], "name"] = hostile
    fake = dataclasses.replace(obs, tables={**obs.tables, "actors": actors})
    html = actors_map(fake).get_root().render()
    assert "<img src=x" not in html and "{{ 7*7 }}" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    n = int(re.search(r"atlasObservatory = \{actors: (\d+), flows: (\d+)\}", html).group(1))
    assert n == len(actors)
    flows = int(re.search(r"atlasObservatory = \{actors: \d+, flows: (\d+)\}", html).group(1))
    assert flows == int((obs.tables["by_country"]["actors"] > 0).sum())
    json.dumps(obs.figures)  # plain numbers
