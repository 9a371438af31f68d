"""Data exports: CSV, XLSX, GeoJSON, GeoPackage, GeoParquet and flowmap CSV pairs, reopened."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

import atlas
from atlas.geo import flows as fl
from atlas.maps import export
from atlas.models import Filters

OCCITANIE = Filters(regions=["76"])


@pytest.fixture(scope="module")
def n_links(atlas_handle) -> int:
    return len(atlas_handle.links_frame(OCCITANIE))


def test_neutralise_formula_cells():
    for bad in ("=1+2", "+33 6", "-2+3", "@SUM(A1)", "\t=x", "\r=x"):
        assert export.neutralise(bad) == "'" + bad
    assert export.neutralise("Toulouse") == "Toulouse"
    assert export.neutralise(-3) == -3  # numbers stay numbers


def _evil_links(atlas_handle) -> gpd.GeoDataFrame:
    links = atlas_handle.links(Filters(authorities=["commune:31555"]))
    links.loc[0, "fr_name"] = '=HYPERLINK("http://x","y")'
    links.loc[1, "partner_name"] = "@cmd"
    links.loc[2, "partner_name"] = "-1+1"
    return links


def test_csv_and_xlsx_never_carry_a_formula(atlas_handle, tmp_path):
    links = _evil_links(atlas_handle)
    export.write_data(links, tmp_path / "l.csv")
    df = pd.read_csv(tmp_path / "l.csv", dtype=str)
    assert df.loc[0, "fr_name"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert df.loc[1, "partner_name"] == "'@cmd" and df.loc[2, "partner_name"] == "'-1+1"
    text_cols = [c for c in links.columns if c != "geometry" and links[c].dtype == object]
    assert not df[text_cols].map(lambda v: isinstance(v, str) and v[:1] in "=+-@").any().any()
    flows = fl.aggregate(links, "authority", "authority")
    export.write_data(links, tmp_path / "l.xlsx", flows=flows, about={"title": "=evil()"})
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "l.xlsx")
    assert wb.sheetnames == ["links", "locations", "flows", "about"]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:  # text is stored as text (kept exactly), never as a formula
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    names = {c.value for c in wb["links"]["A"]} | {c.value for row in wb["links"].iter_rows() for c in row}
    assert {'=HYPERLINK("http://x","y")', "@cmd", "-1+1"} <= names  # exactly as imported
    assert wb["about"]["B2"].value == "=evil()" and wb["about"]["B2"].data_type == "s"
    assert [c.value for c in wb["locations"][1]] == ["id", "name", "lat", "lon"]
    assert [c.value for c in wb["flows"][1]] == ["origin", "dest", "count"]


def test_xlsx_reopens_with_every_link_and_typed_cells(atlas_handle, tmp_path, n_links):
    atlas_handle.export_data(OCCITANIE, tmp_path / "occ.xlsx")
    frame = pd.read_excel(tmp_path / "occ.xlsx", sheet_name="links", engine="openpyxl")
    links = atlas_handle.links_frame(OCCITANIE)
    assert len(frame) == n_links
    assert frame["fr_id"].tolist() == links["fr_id"].tolist()
    # numbers stay numbers, not text (real twinnings have no year: empty cells, read back as NaN)
    assert pd.api.types.is_numeric_dtype(frame["first_year"])
    years = frame["first_year"].dropna()
    assert len(years) > 0 and (years == years.round()).all()
    assert frame["partner_lon"].round(6).tolist() == links["partner_lon"].round(6).tolist()
    expected = ["; ".join(v) if len(v) else None for v in links["themes"]]  # lists as "a; b" text
    assert [None if pd.isna(v) else v for v in frame["themes"]] == expected
    about = pd.read_excel(tmp_path / "occ.xlsx", sheet_name="about", engine="openpyxl")
    assert set(about.columns) == {"key", "value"} and len(about) > 0
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "occ.xlsx")["links"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref  # header kept in view, filterable


def test_geopackage_reopens_with_rows_and_crs(atlas_handle, tmp_path, n_links):
    paths = atlas_handle.export_data(OCCITANIE, tmp_path / "occ.gpkg")
    layers = {name for name, _g in pyogrio.list_layers(paths[0])}
    assert layers == {"links", "locations"}
    gdf = gpd.read_file(paths[0], layer="links")
    assert len(gdf) == n_links
    assert gdf.crs.to_epsg() == 4326
    assert set(gdf.geom_type) == {"MultiLineString"}
    assert isinstance(gdf.loc[0, "themes"], str)  # lists as "a; b" text
    info = pyogrio.read_info(paths[0], layer="links")
    assert info["features"] == n_links
    locs = gpd.read_file(paths[0], layer="locations")
    assert locs.geom_type.eq("Point").all() and locs["outgoing"].sum() == n_links


def test_geojson_and_geoparquet(atlas_handle, tmp_path, n_links):
    p = atlas_handle.export_data(OCCITANIE, tmp_path / "occ.geojson")[0]
    gdf = gpd.read_file(p)
    assert len(gdf) == n_links and gdf.crs.to_epsg() == 4326
    p = atlas_handle.export_data(OCCITANIE, tmp_path / "occ.parquet")[0]
    gp = gpd.read_parquet(p)
    assert len(gp) == n_links and gp.crs.to_epsg() == 4326
    assert list(gp.loc[0, "themes"]) == list(atlas_handle.links(OCCITANIE).loc[0, "themes"])  # lists kept
    import pyarrow.parquet as pq

    assert b"geo" in pq.read_metadata(p).metadata  # GeoParquet metadata


def test_flowmap_csv_pair_has_the_columns_flowmap_blue_reads(atlas_handle, tmp_path, n_links):
    paths = atlas_handle.export_data(OCCITANIE, tmp_path / "occ_flowmap")
    assert [p.name for p in paths] == ["locations.csv", "flows.csv"]
    locs = pd.read_csv(paths[0], dtype={"id": str})
    flows = pd.read_csv(paths[1], dtype={"origin": str, "dest": str})
    assert list(locs.columns) == ["id", "name", "lat", "lon"]
    assert list(flows.columns) == ["origin", "dest", "count"]
    assert set(flows["origin"]) | set(flows["dest"]) <= set(locs["id"])
    assert locs["id"].is_unique and flows["count"].sum() == n_links
    assert locs["lat"].between(-90, 90).all() and locs["lon"].between(-180, 180).all()
    # Coarser levels and another magnitude.
    paths = atlas_handle.export_data(OCCITANIE, tmp_path / "occ_dep", origin_level="departement",
                                     dest_level="country", magnitude="projects")
    flows = pd.read_csv(paths[1])
    # The région itself has no département: it stays at its own point.
    assert flows["origin"].str.startswith(("departement:", "region:")).all()
    assert flows["origin"].str.startswith("departement:").any()
    assert flows["count"].sum() == atlas_handle.links_frame(OCCITANIE)["n_projects"].sum()


def test_export_format_errors(atlas_handle, tmp_path):
    with pytest.raises(atlas.QueryError, match="cannot tell the export format"):
        atlas_handle.export_data(OCCITANIE, tmp_path / "x.docx")
    with pytest.raises(ValueError, match="unknown export format"):
        export.format_of(tmp_path / "x.csv", "dbf")
