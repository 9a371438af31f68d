"""Flow levels, magnitudes, colours, top-N + others, escaping, choropleth (real demo database)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import atlas
from atlas.db import flow_queries, queries
from atlas.geo import flows as fl
from atlas.selection import query_flows
from atlas.maps.flowmap import build_choropleth, build_flow_map, render_flow_map
from atlas.models import Filters

FILTERS = [Filters(), Filters(themes=["eau", "sante"], years=(2010, 2020)), Filters(regions=["76"], kinds=["jumelage"]),
           Filters(sdgs=[6, 13], funding=["oudin_santini", "ue"]), Filters(authorities=["commune:31555"])]


@pytest.fixture(scope="module")
def links(atlas_handle) -> pd.DataFrame:
    return atlas_handle.links_frame(Filters())


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.describe("en")[:40])
def test_fast_counts_match_the_sql_counts(atlas_handle, filters):
    # One WHERE builder; two ways of counting its rows (numpy bitmaps, SQL distinct counts).
    fast = flow_queries.filtered_counts(atlas_handle.db, filters)
    shared = queries.filtered_counts(atlas_handle.db, filters)
    assert fast["projects"] == shared["projects"]
    assert fast["partnerships"] == shared["partnerships"]
    assert fast["fr_authorities"] == shared["fr_authorities"]
    assert fast["partners"] == shared["partners"]


@pytest.mark.parametrize("origin", fl.ORIGIN_LEVELS)
@pytest.mark.parametrize("dest", fl.DEST_LEVELS)
def test_database_and_links_frame_paths_give_the_same_flows(atlas_handle, links, origin, dest):
    db = query_flows(atlas_handle.db, Filters(), origin, dest).flows
    frame = fl.aggregate(links, origin, dest)
    m = db.merge(frame, on=["origin", "dest"], how="outer", suffixes=("_db", "_frame"), indicator=True)
    assert (m["_merge"] == "both").all()
    assert (m["n_links_db"] == m["n_links_frame"]).all()
    assert (m["n_projects_db"] == m["n_projects_frame"]).all()
    assert np.allclose(m["amount_eur_db"], m["amount_eur_frame"])


def test_magnitudes_add_up_at_every_level(atlas_handle, links):
    total_links = len(links)
    total_projects = int(links["n_projects"].sum())
    # Budget shares add up to the budgets of the projects that have a French and a partner party.
    budget = atlas_handle.db.scalar("""SELECT sum(budget_eur) FROM projects WHERE id IN
                                        (SELECT project_id FROM link_facts WHERE project_id IS NOT NULL)""")
    for origin, dest in (("authority", "authority"), ("epci", "admin1"), ("france", "zone")):
        r = query_flows(atlas_handle.db, Filters(), origin, dest)
        assert r.n_links == total_links
        assert r.n_projects == total_projects
        assert r.amount_eur == pytest.approx(budget, rel=1e-9)


def test_epci_level_groups_communes_and_keeps_other_authorities(atlas_handle):
    flows = query_flows(atlas_handle.db, Filters(), "epci", "country").flows
    origins = flows["origin"]
    assert origins.str.startswith("epci:").any()
    # Départements and régions are in no EPCI: they stay themselves.
    assert origins.str.startswith("departement:").any() and origins.str.startswith("region:").any()
    # a commune stays itself only when it belongs to no EPCI (overseas collectivités)
    left = set(origins[origins.str.startswith("commune:")])
    no_epci = {r[0] for r in atlas_handle.db.rows(
        "SELECT id FROM authorities WHERE level = 'commune' AND epci IS NULL")}
    assert left <= no_epci, left - no_epci
    siren = atlas_handle.sql("SELECT siren, name FROM ref_epci")
    names = dict(zip("epci:" + siren["siren"], siren["name"]))
    row = flows[flows["origin"].str.startswith("epci:")].iloc[0]
    assert row["origin_name"] == names[row["origin"]]


def test_admin1_level_locates_places_in_their_area(atlas_handle):
    flows = query_flows(atlas_handle.db, Filters(countries=["DE"]), "france", "admin1").flows
    assert flows["dest"].str.startswith("admin1:DE-").all(), flows["dest"].unique()[:10]
    assert len(flows) >= 8  # German partners spread over most Länder
    adm = atlas_handle.sql("SELECT id, name_fr, lon, lat FROM ref_admin1 WHERE country_iso2 = 'DE'")
    ids = set("admin1:" + adm["id"])
    assert set(flows["dest"]) <= ids
    # Points are the areas' label points, names are French names.
    row = flows.iloc[0]
    ref = adm[("admin1:" + adm["id"]) == row["dest"]].iloc[0]
    assert (row["dest_lon"], row["dest_lat"]) == pytest.approx((ref["lon"], ref["lat"]))


def test_auto_levels_respect_the_arc_budget_and_a_fixed_side(atlas_handle):
    r = query_flows(atlas_handle.db, Filters(), "auto", "auto", max_flows=3000)
    assert len(r.flows) <= 3000
    assert (r.origin_level, r.dest_level) in fl.AUTO_LEVELS
    r = query_flows(atlas_handle.db, Filters(), "epci", "auto", max_flows=3000)
    # Even EPCI → zone exceeds 3000 flows: the coarsest destination is kept, the map draws the top N.
    assert (r.origin_level, r.dest_level) == ("epci", "zone")
    r = query_flows(atlas_handle.db, Filters(), "auto", "country", max_flows=3000)
    assert r.dest_level == "country" and len(r.flows) <= 3000
    r = query_flows(atlas_handle.db, Filters(authorities=["commune:31555"]), "auto", "auto")
    assert (r.origin_level, r.dest_level) == ("authority", "authority")


@pytest.mark.parametrize("colour_by", ["theme", "sdg", "kind", "funding"])
def test_colour_categories_are_known_codes(atlas_handle, colour_by):
    flows = query_flows(atlas_handle.db, Filters(), "region", "country", colour_by=colour_by).flows
    codes = set(flow_queries.CATEGORY_CODES[colour_by])
    present = set(flows["category"].dropna())
    assert present and present <= codes
    water = query_flows(atlas_handle.db, Filters(themes=["eau"]), "france", "zone", colour_by="theme").flows
    assert (water["category"] == "eau").all()  # every water project has the water theme


def test_top_n_keeps_the_largest_and_buckets_the_rest(atlas_handle):
    flows = query_flows(atlas_handle.db, Filters(), "authority", "country").flows
    top, others = fl.top_flows(flows, 100, "projects")
    assert len(top) == 100
    assert top["n_projects"].min() >= flows.sort_values("n_projects").iloc[-100:]["n_projects"].min()
    assert others["n_flows"] == len(flows) - 100
    assert others["n_links"] + top["n_links"].sum() == flows["n_links"].sum()
    m, info = render_flow_map(flows, origin_level="authority", dest_level="country", n_links=int(flows.n_links.sum()),
                              max_flows=100)
    assert info.n_drawn == 100 and info.others["n_flows"] == len(flows) - 100
    html = m.get_root().render()
    assert f"+ {len(flows) - 100} petits flux non tracés" in html


def test_location_totals_are_flowmap_totals(atlas_handle):
    flows = query_flows(atlas_handle.db, Filters(), "region", "country").flows
    totals = fl.location_totals(flows, "links")
    assert totals.loc[totals.side == "fr", "outgoing"].sum() == flows["n_links"].sum()
    assert totals.loc[totals.side == "partner", "incoming"].sum() == flows["n_links"].sum()
    amounts = fl.location_totals(flows, "amount")
    assert amounts["outgoing"].sum() == pytest.approx(flows["amount_eur"].sum())


def test_build_flow_map_keeps_its_signature_and_new_options(links):
    m, info = build_flow_map(links, max_flows=1500, lang="fr", demo=True, height="100%")
    assert info.n_drawn <= 1500 and info.n_links == len(links)
    m, info = build_flow_map(links, origin_level="epci", dest_level="admin1", max_flows=500, lang="en",
                             magnitude="amount", colour_by="sdg")
    assert (info.origin_level, info.dest_level, info.n_drawn) == ("epci", "admin1", 500)
    html = m.get_root().render()
    assert "Main SDG" in html and "#26BDE2" in html  # SDG 6's official colour
    with pytest.raises(ValueError, match="colour_by must be one of"):
        build_flow_map(links, colour_by="rainbow")
    with pytest.raises(ValueError, match="magnitude must be one of"):
        build_flow_map(links, magnitude="weight")


def test_text_from_data_is_escaped_everywhere(links):
    evil = links.head(3).copy()
    evil["fr_name"] = '<img src=x onerror="alert(1)">'
    evil["partner_name"] = "<script>alert('p')</script>"
    m, _info = build_flow_map(evil, origin_level="authority", dest_level="authority",
                              title="<b>titre</b>", subtitle="<i>filtres</i>", source="<u>source</u>")
    html = m.get_root().render()
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "<b>titre</b>" not in html and "<i>filtres</i>" not in html
    payload = re.search(r"L\.geoJSON\((\{.*?\})\s*,\s*\{", html.replace("<\\/", "</"), re.S)
    assert payload
    assert "&lt;img src=x" in html and "&lt;script&gt;" in html


def test_arcs_carry_an_arrowhead_towards_the_destination(links):
    m, _ = build_flow_map(links.head(5), origin_level="authority", dest_level="authority")
    html = m.get_root().render()
    data = json.loads(re.search(r'(\{"type":"FeatureCollection","features":\[\{"type":"Feature","geometry":'
                                r'\{"type":"MultiLineString".*?\]\})\s*,\s*\{', html, re.S).group(1))
    feature = data["features"][0]
    arc, head = feature["geometry"]["coordinates"]
    assert len(head) == 3 and head[1] in arc  # the tip lies on the arc
    assert feature["properties"]["pop"].startswith("<b>")


def test_choropleth_of_countries_and_departements(atlas_handle):
    m = build_choropleth({"SN": 120, "DE": 900, "ML": 3}, "country", title="Pays <x>", lang="fr")
    html = m.get_root().render()
    assert "Pays &lt;x&gt;" in html and "#08519c" in html
    m = atlas_handle.flow_map(Filters(), view="departements")
    assert "Liens par département" in m.get_root().render() or "liens par département" in m.get_root().render()
    with pytest.raises(ValueError, match="choropleth level"):
        build_choropleth({}, "commune")


def test_api_flows_and_errors(atlas_handle):
    df = atlas_handle.flows(Filters(themes=["eau"]), "departement", "country", colour_by="kind")
    assert df.attrs["origin_level"] == "departement" and "category" in df
    assert {"origin", "dest", "n_links", "n_projects", "amount_eur"} <= set(df.columns)
    with pytest.raises(atlas.QueryError, match="origin level: expected auto or one of"):
        atlas_handle.flows(Filters(), "canton", "country")
    with pytest.raises(atlas.QueryError, match="unknown themes"):
        atlas_handle.flows(Filters(themes=["nope"]))
    m = atlas_handle.flow_map(Filters(regions=["76"]), colour_by="funding", magnitude="projects")
    assert "Financement principal" in m.get_root().render()
