"""Links → flows between locations at each aggregation level, on a hand-made links frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from atlas.geo import flows as fl
from atlas.reference import loaders

# Columns in the order of atlas/db/sql/links_filtered.sql.
COLUMNS = ["fr_id", "partner_id", "country_iso2", "country_name_fr", "country_name_en", "zone", "fr_name",
           "fr_level", "fr_departement", "fr_region", "partner_name", "partner_level", "fr_lon", "fr_lat",
           "partner_lon", "partner_lat", "n_projects", "n_partnerships", "themes", "sdgs", "kinds", "funding",
           "first_year", "last_year", "budget_eur"]

AFR = "Afrique subsaharienne"
ROWS = [
    # fr_id, dep, reg, name, lon, lat, partner_id, partner, cc, zone, plon, plat, n_projects, budget
    ("commune:31555", "31", "76", "Toulouse", 1.444, 43.604, "geonames:2253354", "Dakar", "SN", AFR, -17.444, 14.694, 3, 1000.0),
    ("commune:31555", "31", "76", "Toulouse", 1.444, 43.604, "geonames:2460596", "Bamako", "ML", AFR, -8.0, 12.65, 1, 200.0),
    ("commune:31069", "31", "76", "Blagnac", 1.390, 43.637, "geonames:2253354", "Dakar", "SN", AFR, -17.444, 14.694, 2, 50.0),
    ("commune:69123", "69", "84", "Lyon", 4.835, 45.758, "geonames:2253354", "Dakar", "SN", AFR, -17.444, 14.694, 0, 0.0),
    ("region:76", None, "76", "Occitanie", 2.146, 43.698, "admin1:SN-DK", "Dakar (région)", "SN", AFR, -17.3, 14.75, 4, 5000.0),
    ("commune:69123", "69", "84", "Lyon", 4.835, 45.758, "geonames:2950159", "Berlin", "DE", "Europe", 13.41, 52.52, 1, 10.0),
]


@pytest.fixture()
def links() -> pd.DataFrame:
    records = []
    for (fr_id, dep, reg, name, lon, lat, pid, pname, cc, zone, plon, plat, n, budget) in ROWS:
        records.append({
            "fr_id": fr_id, "partner_id": pid, "country_iso2": cc, "country_name_fr": cc, "country_name_en": cc,
            "zone": zone, "fr_name": name, "fr_level": fr_id.split(":")[0], "fr_departement": dep,
            "fr_region": reg, "partner_name": pname, "partner_level": "admin1" if pid.startswith("admin1") else "place",
            "fr_lon": lon, "fr_lat": lat, "partner_lon": plon, "partner_lat": plat, "n_projects": n,
            "n_partnerships": 1, "themes": ["eau"], "sdgs": [6], "kinds": ["cooperation_decentralisee"],
            "funding": ["budget_propre"], "first_year": 2010, "last_year": 2020, "budget_eur": budget,
        })
    return pd.DataFrame.from_records(records, columns=COLUMNS)


# Expected flows, worked out by hand from ROWS: (origin, dest) -> (n_links, n_projects, budget).
EXPECTED = {
    ("authority", "authority"): {
        ("commune:31555", "geonames:2253354"): (1, 3, 1000.0),
        ("commune:31555", "geonames:2460596"): (1, 1, 200.0),
        ("commune:31069", "geonames:2253354"): (1, 2, 50.0),
        ("commune:69123", "geonames:2253354"): (1, 0, 0.0),
        ("region:76", "admin1:SN-DK"): (1, 4, 5000.0),
        ("commune:69123", "geonames:2950159"): (1, 1, 10.0),
    },
    ("departement", "authority"): {
        ("departement:31", "geonames:2253354"): (2, 5, 1050.0),
        ("departement:31", "geonames:2460596"): (1, 1, 200.0),
        ("departement:69", "geonames:2253354"): (1, 0, 0.0),
        ("region:76", "admin1:SN-DK"): (1, 4, 5000.0),  # a région has no département: stays itself
        ("departement:69", "geonames:2950159"): (1, 1, 10.0),
    },
    ("authority", "country"): {
        ("commune:31555", "country:SN"): (1, 3, 1000.0),
        ("commune:31555", "country:ML"): (1, 1, 200.0),
        ("commune:31069", "country:SN"): (1, 2, 50.0),
        ("commune:69123", "country:SN"): (1, 0, 0.0),
        ("region:76", "country:SN"): (1, 4, 5000.0),
        ("commune:69123", "country:DE"): (1, 1, 10.0),
    },
    ("departement", "country"): {
        ("departement:31", "country:SN"): (2, 5, 1050.0),
        ("departement:31", "country:ML"): (1, 1, 200.0),
        ("departement:69", "country:SN"): (1, 0, 0.0),
        ("region:76", "country:SN"): (1, 4, 5000.0),
        ("departement:69", "country:DE"): (1, 1, 10.0),
    },
    ("region", "country"): {
        ("region:76", "country:SN"): (3, 9, 6050.0),
        ("region:76", "country:ML"): (1, 1, 200.0),
        ("region:84", "country:SN"): (1, 0, 0.0),
        ("region:84", "country:DE"): (1, 1, 10.0),
    },
    ("region", "zone"): {
        ("region:76", f"zone:{AFR}"): (4, 10, 6250.0),
        ("region:84", f"zone:{AFR}"): (1, 0, 0.0),
        ("region:84", "zone:Europe"): (1, 1, 10.0),
    },
    ("france", "country"): {
        ("FR", "country:SN"): (4, 9, 6050.0),
        ("FR", "country:ML"): (1, 1, 200.0),
        ("FR", "country:DE"): (1, 1, 10.0),
    },
    ("france", "zone"): {
        ("FR", f"zone:{AFR}"): (5, 10, 6250.0),
        ("FR", "zone:Europe"): (1, 1, 10.0),
    },
}

ALL_PAIRS = [(o, d) for o in fl.ORIGIN_LEVELS for d in fl.DEST_LEVELS]


def test_fixture_matches_reference_zones():
    countries = loaders.read_table("countries_all").set_index("iso2")
    for row in ROWS:
        assert countries.loc[row[8], "zone"] == row[9]


@pytest.mark.parametrize("origin_level,dest_level", ALL_PAIRS)
def test_aggregate_sums_match_the_input(links, origin_level, dest_level):
    flows = fl.aggregate(links, origin_level, dest_level)
    assert flows["n_links"].sum() == len(links)
    assert flows["n_projects"].sum() == links["n_projects"].sum()
    assert flows["budget_eur"].sum() == pytest.approx(links["budget_eur"].sum())
    assert not flows.duplicated(["origin", "dest"]).any()
    assert flows["n_links"].is_monotonic_decreasing
    assert flows[["origin_lon", "origin_lat", "dest_lon", "dest_lat"]].notna().all().all()


@pytest.mark.parametrize("levels", list(EXPECTED))
def test_aggregate_flows_by_hand(links, levels):
    flows = fl.aggregate(links, *levels)
    got = {(r.origin, r.dest): (r.n_links, r.n_projects, r.budget_eur) for r in flows.itertuples()}
    assert got == EXPECTED[levels]


def test_aggregated_points_come_from_reference_data(links):
    deps = loaders.read_table("departements").set_index("code")
    regs = loaders.read_table("regions").set_index("code")
    countries = loaders.read_table("countries_all").set_index("iso2")
    by_dep = fl.aggregate(links, "departement", "country").set_index(["origin", "dest"])
    row = by_dep.loc[("departement:31", "country:SN")]
    assert (row.origin_lon, row.origin_lat) == (deps.loc["31", "lon"], deps.loc["31", "lat"])
    assert row.origin_name == deps.loc["31", "name"] == "Haute-Garonne"
    assert (row.dest_lon, row.dest_lat) == (countries.loc["SN", "lon"], countries.loc["SN", "lat"])
    assert row.dest_name == countries.loc["SN", "name_fr"]
    region_row = by_dep.loc[("region:76", "country:SN")]
    assert (region_row.origin_lon, region_row.origin_lat) == (regs.loc["76", "lon"], regs.loc["76", "lat"])
    france = fl.aggregate(links, "france", "zone")
    assert set(zip(france.origin_lon, france.origin_lat)) == {fl.FRANCE_POINT}
    # Authority level keeps the exact points of the links.
    auth = fl.aggregate(links, "authority", "authority").set_index(["origin", "dest"])
    berlin = auth.loc[("commune:69123", "geonames:2950159")]
    assert (berlin.origin_lon, berlin.origin_lat, berlin.dest_lon, berlin.dest_lat) == (4.835, 45.758, 13.41, 52.52)


def test_aggregate_keeps_country_and_zone_for_colouring(links):
    flows = fl.aggregate(links, "region", "country").set_index(["origin", "dest"])
    assert flows.loc[("region:84", "country:DE"), "zone"] == "Europe"
    assert flows.loc[("region:76", "country:ML"), "country_iso2"] == "ML"


def test_aggregate_empty_and_bad_levels(links):
    empty = fl.aggregate(links.iloc[:0])
    assert empty.empty and "n_links" in empty.columns
    with pytest.raises(ValueError, match=r"origin level must be one of .*got 'commune'"):
        fl.aggregate(links, "commune", "country")
    with pytest.raises(ValueError, match=r"destination level must be one of .*got 'city'"):
        fl.aggregate(links, "authority", "city")


def _flow_count(links, levels):
    return len(fl.aggregate(links, *levels))


@pytest.mark.parametrize("limit,expected", [
    (100, ("authority", "authority")),
    (6, ("authority", "authority")),
    (5, ("departement", "authority")),
    (4, ("region", "country")),
])
def test_choose_levels_finest_pair_within_limit(links, limit, expected):
    assert fl.choose_levels_of_links(links, limit) == expected


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 6, 7])
def test_choose_levels_is_the_first_auto_pair_that_fits(links, limit):
    chosen = fl.choose_levels_of_links(links, limit)
    idx = fl.AUTO_LEVELS.index(chosen)
    for finer in fl.AUTO_LEVELS[:idx]:
        assert _flow_count(links, finer) > limit, finer
    if _flow_count(links, chosen) > limit:  # allowed only when no pair fits at all
        assert chosen == fl.AUTO_LEVELS[-1]
        assert all(_flow_count(links, pair) > limit for pair in fl.AUTO_LEVELS)


def test_location_totals_sum_flows(links):
    flows = fl.aggregate(links, "departement", "country")
    totals = fl.location_totals(flows)
    fr = totals[totals["side"] == "fr"].set_index("id")
    partners = totals[totals["side"] == "partner"].set_index("id")
    assert fr["outgoing"].sum() == partners["incoming"].sum() == len(links)
    assert (fr["incoming"] == 0).all() and (partners["outgoing"] == 0).all()
    assert fr.loc["departement:31", "outgoing"] == 3
    assert fr.loc["departement:69", "outgoing"] == 2
    assert fr.loc["region:76", "outgoing"] == 1
    assert partners.loc["country:SN", "incoming"] == 4
    assert partners.loc["country:ML", "incoming"] == 1
    assert partners.loc["country:DE", "incoming"] == 1
    assert set(totals["id"]) == set(flows["origin"]) | set(flows["dest"])
    assert fl.location_totals(flows.iloc[:0]).empty


def test_flows_to_geodataframe(links):
    flows = fl.aggregate(links, "authority", "country")
    gdf = fl.flows_to_geodataframe(flows)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) == len(flows)
    first = gdf.iloc[0]
    start = first.geometry.coords[0]
    assert start == (first.origin_lon, first.origin_lat)
    assert np.all(gdf["length_km"] > 500)  # the nearest partner, Germany's centre, is ~720 km from Lyon
