"""The Python API on the demonstration database: links as a GeoDataFrame, counts, stats."""

from __future__ import annotations

import numpy as np
import pytest

import atlas
from atlas.models import Filters


@pytest.fixture(scope="module")
def water_senegal(atlas_handle):
    return atlas_handle.links(Filters(themes=["eau"], countries=["SN"]))


def test_links_is_a_geodataframe_in_wgs84(water_senegal, atlas_handle):
    import geopandas as gpd

    gdf = water_senegal
    assert isinstance(gdf, gpd.GeoDataFrame)
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert len(gdf) == len(atlas_handle.links_frame(Filters(themes=["eau"], countries=["SN"]))) > 0
    assert gdf.geometry.notna().all()
    assert set(gdf.geom_type) <= {"LineString", "MultiLineString"}
    assert not gdf.geometry.is_empty.any()


def test_geometry_end_points_are_the_link_ends(water_senegal):
    for row in water_senegal.itertuples():
        geom = row.geometry
        parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
        assert parts[0].coords[0] == (row.fr_lon, row.fr_lat)
        assert parts[-1].coords[-1] == (row.partner_lon, row.partner_lat)


def test_lengths_are_geodesic(water_senegal):
    from pyproj import Geod

    g = water_senegal
    _, _, d = Geod(ellps="WGS84").inv(g["fr_lon"].to_numpy(), g["fr_lat"].to_numpy(),
                                      g["partner_lon"].to_numpy(), g["partner_lat"].to_numpy())
    assert np.allclose(g["length_km"].to_numpy(), d / 1000, atol=0.06)
    assert (g["length_km"] > 3000).all()  # France → Senegal


def test_every_link_stays_within_the_map_and_crossings_are_split(atlas_handle):
    gdf = atlas_handle.links(npts=16)
    assert len(gdf) == len(atlas_handle.links_frame())
    bounds = gdf.geometry.bounds
    assert (bounds["minx"] >= -180).all() and (bounds["maxx"] <= 180).all()
    assert (bounds["miny"] >= -90).all() and (bounds["maxy"] <= 90).all()
    # A few links (e.g. Guadeloupe or Réunion ↔ the Pacific) cross the antimeridian.
    crossing = gdf[gdf.geom_type == "MultiLineString"]
    assert len(crossing) >= 1
    for geom in crossing.geometry:
        parts = list(geom.geoms)
        for a, b in zip(parts, parts[1:]):
            assert abs(a.coords[-1][0]) == 180.0 and b.coords[0][0] == -a.coords[-1][0]


def test_empty_result_is_an_empty_geodataframe(atlas_handle):
    gdf = atlas_handle.links(Filters(themes=["eau"], levels=["region"], countries=["DE"], years=(1950, 1951)))
    assert gdf.empty
    assert gdf.crs.to_epsg() == 4326


def test_counts_are_consistent_with_links(atlas_handle):
    for f in (Filters(), Filters(themes=["eau"], countries=["SN"]), Filters(regions=["76"]), Filters(kinds=["cte"])):
        df = atlas_handle.links_frame(f)
        counts = atlas_handle.counts(f)
        assert counts["fr_authorities"] == df["fr_id"].nunique(), f
        assert counts["partners"] == df["partner_id"].nunique(), f
        assert counts["countries"] == df["country_iso2"].nunique(), f
        # A project with n French × m partners is counted once in counts, once per link in links.
        assert counts["projects"] <= df["n_projects"].sum(), f
        assert counts["partnerships"] <= df["n_partnerships"].sum(), f


def test_stats_totals_are_consistent(atlas_handle):
    stats = atlas_handle.stats()
    totals = stats["totals"]
    all_links = atlas_handle.links_frame()
    assert stats["demo"] is True
    assert totals["links"] == len(all_links)
    assert totals["projects"] == atlas_handle.counts()["projects"]
    assert totals["partnerships"] == atlas_handle.counts()["partnerships"]
    assert totals["countries"] == all_links["country_iso2"].nunique()
    assert totals["french_authorities"] == sum(r["n"] for r in stats["level"] if r["is_french"])
    assert totals["partner_authorities"] == sum(r["n"] for r in stats["level"] if not r["is_french"])
    assert [r["sdg"] for r in stats["sdg"]] == list(range(1, 18))
    by_kind = {r["kind"]: r["projects"] for r in stats["kind"]}
    assert sum(by_kind.values()) == totals["projects"]
    assert by_kind["cte"] == atlas_handle.counts(Filters(kinds=["cte"]))["projects"]
    by_theme = {r["theme"]: r["projects"] for r in stats["theme"]}
    assert by_theme["eau"] == atlas_handle.counts(Filters(themes=["eau"]))["projects"]
    countries = {r["country"]: r["partners"] for r in stats["country"]}
    assert countries["SN"] == atlas_handle.counts(Filters(countries=["SN"]))["partners"]


def test_open_uses_atlas_db_setting(db_env):
    with atlas.open() as handle:
        assert handle.path == db_env
        assert handle.is_demo
    assert "Atlas(" in repr(handle)


def test_describe_names_the_places_of_the_selection(atlas_handle):
    f = Filters(themes=["eau"], countries=["SN"], regions=["76"], departements=["76"], authorities=["commune:31555"])
    fr = atlas_handle.describe(f, "fr")
    assert fr == ("Thèmes : Eau et assainissement · Pays : Sénégal · Régions : Occitanie · "
                  "Départements : Seine-Maritime (76) · Collectivités : Toulouse")
    assert "Countries: Senegal" in atlas_handle.describe(f, "en")
    assert atlas_handle.describe(Filters(), "en") == "All partnerships"


def test_an_unknown_projection_is_a_query_error(atlas_handle, tmp_path):
    from atlas.errors import QueryError

    with pytest.raises(QueryError, match="projection: expected one of auto, world, france"):
        atlas_handle.export_map(Filters(), tmp_path / "x.pdf", projection="mercator")
    assert not (tmp_path / "x.pdf").exists()
