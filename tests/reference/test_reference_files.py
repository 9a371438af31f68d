"""Checks on the committed reference files in atlas/data/reference/ (built by atlas.reference.build)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

REF = Path(__file__).resolve().parents[2] / "atlas" / "data" / "reference"
ZONES = {"Europe", "Afrique du Nord", "Afrique subsaharienne", "Proche et Moyen-Orient", "Asie",
         "Amériques", "Océanie", "Antarctique"}
GEO_FILES = ("countries", "regions", "departements")
ALL_FILES = (*GEO_FILES, "countries_all", "communes", "epci", "old_communes", "admin1")
DEPARTEMENT_CODES = ({f"{i:02d}" for i in range(1, 96) if i != 20} | {"2A", "2B"}
                     | {"971", "972", "973", "974", "976"})
REGION_CODES = {"01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76",
                "84", "93", "94"}
#: (lon_min, lon_max, lat_min, lat_max) of each overseas département or collectivité.
OVERSEAS_BOXES = {
    "971": (-62.0, -60.9, 15.8, 16.6), "972": (-61.3, -60.7, 14.3, 14.9), "973": (-54.7, -51.5, 2.0, 5.9),
    "974": (55.1, 55.9, -21.5, -20.8), "976": (44.9, 45.4, -13.1, -12.5), "975": (-56.5, -56.0, 46.7, 47.2),
    "977": (-63.0, -62.7, 17.8, 18.0), "978": (-63.2, -62.9, 18.0, 18.2), "984": (39.0, 141.0, -67.0, -11.0),
    "986": (-178.3, -176.0, -14.5, -13.1), "987": (-155.0, -134.0, -28.0, -7.5), "988": (163.0, 169.0, -23.0, -19.5),
    "989": (-109.3, -109.1, 10.2, 10.4),
}
METRO_BOX = (-5.3, 9.7, 41.3, 51.2)


@cache
def table(name: str) -> pd.DataFrame:
    return pd.read_parquet(REF / f"{name}.parquet")


@cache
def shapes(name: str) -> gpd.GeoDataFrame:
    return gpd.read_parquet(REF / f"{name}.parquet")


def test_every_file_is_present_and_in_the_manifest() -> None:
    manifest = json.loads((REF / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["file"]: f for f in manifest["files"]}
    for name in ALL_FILES:
        path = REF / f"{name}.parquet"
        assert path.exists(), f"missing {path}"
        entry = listed[f"{name}.parquet"]
        assert entry["rows"] == len(table(name))
        assert entry["bytes"] == path.stat().st_size
        assert entry["sources"], f"{name}: no sources recorded"
    total = sum(p.stat().st_size for p in REF.glob("*.parquet"))
    assert total < 25_000_000, f"reference files take {total / 1e6:.1f} MB"
    readme = (REF.parents[2] / "data" / "README.md").read_text(encoding="utf-8")
    for name in ALL_FILES:
        assert f"reference/{name}.parquet" in readme


@pytest.mark.parametrize("name", GEO_FILES)
def test_polygon_files_are_valid_wgs84(name: str) -> None:
    gdf = shapes(name)
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert gdf.geometry.notna().all() and not gdf.geometry.is_empty.any()
    assert gdf.is_valid.all(), gdf.loc[~gdf.is_valid].iloc[:, 0].tolist()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    minx, miny, maxx, maxy = gdf.total_bounds
    assert -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90
    # No part may wrap around the globe (a ring crossing the antimeridian drawn as a band).
    widths = [p.bounds[2] - p.bounds[0] for g in gdf.geometry for p in shapely.get_parts(g)]
    assert max(widths) < 360, "a polygon spans the whole globe"


def test_countries() -> None:
    c = shapes("countries")
    assert len(c) >= 236
    assert c.iso2.is_unique and c.iso3.is_unique
    assert set(c.zone) <= ZONES
    assert c.name_fr.notna().all() and c.name_en.notna().all()
    nums = c.isonum.dropna()
    assert nums.str.fullmatch(r"\d{3}").all() and nums.is_unique
    expected = {"FR": "Europe", "DE": "Europe", "SN": "Afrique subsaharienne", "ML": "Afrique subsaharienne",
                "BF": "Afrique subsaharienne", "MG": "Afrique subsaharienne", "VN": "Asie",
                "MA": "Afrique du Nord", "LB": "Proche et Moyen-Orient", "TR": "Europe", "BR": "Amériques",
                "NC": "Océanie", "AQ": "Antarctique"}
    zones = dict(zip(c.iso2, c.zone))
    for iso2, zone in expected.items():
        assert zones.get(iso2) == zone, f"{iso2}: {zones.get(iso2)!r}, expected {zone!r}"
    fr = c.set_index("iso2").loc["FR"]
    assert (fr.iso3, fr.isonum, fr.name_fr) == ("FRA", "250", "France")
    assert abs(fr.lon - 2.5) < 0.5 and abs(fr.lat - 46.6) < 0.5
    assert c.set_index("iso2").loc["XK", "iso3"] == "XKX"
    # Label points lie on (or within a simplification tolerance of) their country; distances
    # in degrees on purpose.
    dist = shapely.distance(c.geometry.values, shapely.points(c.lon, c.lat))
    far = c.iso2[dist > 0.1].tolist()
    assert not far, f"label points away from their country: {far}"


def test_countries_all() -> None:
    a = table("countries_all")
    c = shapes("countries")
    assert len(a) >= 249 and a.iso2.is_unique
    assert set(c.iso2) <= set(a.iso2)
    assert a.has_polygon.sum() == len(c)
    assert set(a.loc[a.has_polygon, "iso2"]) == set(c.iso2)
    assert set(a.zone) <= ZONES
    assert a.lon.between(-180, 180).all() and a.lat.between(-90, 90).all()
    for name_fr, names in zip(a.name_fr, a.names):
        assert len(names) >= 1 and name_fr in list(names)
    ci = a.set_index("iso2").loc["CI", "names"]
    assert "Côte d'Ivoire" in list(ci) and "Ivory Coast" in list(ci)


def test_regions() -> None:
    r = shapes("regions")
    assert len(r) == 18 and set(r.code) == REGION_CODES
    names = dict(zip(r.code, r.name))
    assert names["76"] == "Occitanie" and names["04"] == "La Réunion"


def test_departements() -> None:
    d = shapes("departements")
    r = shapes("regions")
    assert len(d) == 101 and set(d.code) == DEPARTEMENT_CODES
    assert set(d.region_code) == set(r.code)
    dep = d.set_index("code")
    assert (dep.loc["31", "name"], dep.loc["31", "region_code"]) == ("Haute-Garonne", "76")
    assert dep.loc["2A", "region_code"] == "94" and dep.loc["974", "region_code"] == "04"
    # Régions are the union of their départements: same area.
    # Régions are the union of their départements: same area (square degrees are fine here).
    dep_area = pd.Series(shapely.area(d.geometry.values), index=d.region_code).groupby(level=0).sum()
    reg_area = pd.Series(shapely.area(r.geometry.values), index=r.code)
    assert ((dep_area - reg_area).abs() / reg_area).max() < 1e-3
    # Label points lie inside their département.
    assert (shapely.distance(d.geometry.values, shapely.points(d.lon, d.lat)) < 0.02).all()


def test_communes() -> None:
    c = table("communes")
    assert len(c) >= 34_900 and c.insee.is_unique
    assert c.lon.notna().all() and c.lat.notna().all()
    assert set(c.point_source) <= {"mairie", "polygon", "ancienne_commune", "gazetteer", "departement"}
    assert (c.point_source == "mairie").mean() > 0.85
    assert set(c.zone) == {"metro", "drom", "com"}
    metro = c[c.departement.str.len() == 2]
    x0, x1, y0, y1 = METRO_BOX
    assert metro.lon.between(x0, x1).all() and metro.lat.between(y0, y1).all()
    overseas = c[c.departement.str.len() == 3]
    for dep, sub in overseas.groupby("departement"):
        x0, x1, y0, y1 = OVERSEAS_BOXES[dep]
        assert sub.lon.between(x0, x1).all() and sub.lat.between(y0, y1).all(), dep
    deps = set(shapes("departements").code)
    assert set(c.loc[c.zone != "com", "departement"]) == deps
    assert c.siren.dropna().str.fullmatch(r"\d{9}").all()
    assert (c.population.dropna() >= 0).all()
    toulouse = c.set_index("insee").loc["31555"]
    assert (toulouse["name"], toulouse.departement, toulouse.region) == ("Toulouse", "31", "76")
    assert abs(toulouse.lon - 1.44) < 0.1 and abs(toulouse.lat - 43.60) < 0.1
    assert toulouse.epci == "243100518"


def test_commune_points_fall_in_their_departement() -> None:
    c = table("communes")
    d = shapes("departements")[["code", "geometry"]]
    pts = gpd.GeoDataFrame(c[["insee", "departement"]], geometry=gpd.points_from_xy(c.lon, c.lat), crs=4326)
    pts = pts[pts.departement.isin(set(d.code))]
    joined = pts.merge(d.rename(columns={"code": "departement", "geometry": "dep_geom"}), on="departement")
    dist = shapely.distance(joined.geometry.values, gpd.GeoSeries(joined.dep_geom).values)
    # 0.05° leaves room for coastal town halls and polygon simplification, not for a wrong place.
    assert (dist < 0.05).mean() > 0.999, joined.loc[dist >= 0.05, "insee"].tolist()[:20]


def test_epci() -> None:
    e = table("epci")
    c = table("communes")
    assert len(e) >= 1_250 and e.siren.is_unique
    assert e.siren.str.fullmatch(r"\d{9}").all()
    assert set(e.type) <= {"CC", "CA", "CU", "METRO", "MET69"}
    codes = set(c.insee)
    for siren, members, n in zip(e.siren, e.members, e.n_members):
        assert n == len(members) and set(members) <= codes, siren
    # The communes' epci column agrees with the EPCI member lists.
    member_of = {m: s for s, ms in zip(e.siren, e.members) for m in ms}
    with_epci = c.dropna(subset=["epci"])
    assert (with_epci.insee.map(member_of) == with_epci.epci).all()
    assert e.lon.notna().all() and e.lat.notna().all()
    toulouse = e.set_index("siren").loc["243100518"]
    assert "31555" in list(toulouse.members) and toulouse.departement == "31"


def test_old_communes() -> None:
    o = table("old_communes")
    c = table("communes")
    assert len(o) > 2_000
    assert set(o.insee) <= set(c.insee)
    assert set(o.kind) == {"deleguee", "associee", "ancien_code", "historique"}
    assert not o.duplicated(["old_code", "old_name", "insee"]).any()
    current = dict(zip(c.insee, c.name))
    same = (o.old_code == o.insee) & (o.old_name == o.insee.map(current))
    assert not same.any()
    assert o.old_name.notna().sum() > 5_500
    hist = o[o.kind == "historique"]
    assert len(hist) > 3_500 and hist.old_name.notna().all()
    assert not (hist.old_name == hist.insee.map(current)).any()  # a current name is no historical name
    years = o.year_end.dropna()
    assert years.between(1943, 2019).all() and len(years) > 3_500


@pytest.mark.parametrize(("old_name", "old_code", "insee", "current", "ended"), [
    ("Évry", "91228", "91228", "Évry-Courcouronnes", 2019),  # merged into a commune nouvelle
    ("Évry", "78228", "91228", "Évry-Courcouronnes", 1968),  # Seine-et-Oise code before 1968
    ("Saint-Ouen", "93070", "93070", "Saint-Ouen-sur-Seine", 2018),  # renamed
    ("Florac", "48061", "48061", "Florac Trois Rivières", 2016),
    ("Ancenis", "44003", "44003", "Ancenis-Saint-Géréon", 2019),
    ("Cherbourg-Octeville", "50129", "50129", "Cherbourg-en-Cotentin", 2016),
    ("Cherbourg", "50129", "50129", "Cherbourg-en-Cotentin", 2000),  # two mergers away
    ("Carentan", "50099", "50099", "Carentan-les-Marais", 2019),
    ("Faverges", "74123", "74123", "Faverges-Seythenex", 2016),
    ("Équeurdreville-Hainneville", "50173", "50129", "Cherbourg-en-Cotentin", None),  # déléguée, then gone
    ("Saint-Germain-Source-Seine", "21551", "21084", "Source-Seine", 2009),  # another code
])
def test_old_communes_history(old_name: str, old_code: str, insee: str, current: str, ended: int | None) -> None:
    o = table("old_communes")
    names = dict(zip(table("communes").insee, table("communes").name))
    rows = o[(o.old_name == old_name) & (o.old_code == old_code)]
    assert list(rows.insee) == [insee], rows
    assert names[insee] == current
    if ended is not None:
        assert rows.year_end.iloc[0] == ended


def test_old_communes_keep_current_names_out() -> None:
    # Éragny (95218) is a current commune under its own code: its history never points elsewhere.
    o = table("old_communes")
    assert set(o.loc[o.old_name == "Éragny", "insee"]) == {"95218"}


def test_admin1() -> None:
    a = table("admin1")
    assert len(a) > 4_000 and a.id.is_unique
    assert "FR" not in set(a.country_iso2)
    # the larger region and other names, read by the importer for hints ('Colonna, Lazio')
    by_id = a.set_index("id")
    assert by_id.loc["IT-RM", "region"] == "Lazio" and "Aosta Valley" in list(by_id.loc["IT-AO", "alt_names"])
    assert a.alt_names.map(len).gt(0).sum() > 1_000
    assert set(a.country_iso2) <= set(table("countries_all").iso2)
    assert a.name.notna().all()
    assert a.lon.between(-180, 180).all() and a.lat.between(-90, 90).all()
    ids = set(a.id)
    assert {"SN-DK", "ML-BKO", "DE-BY", "US-CA", "MA-04"} <= ids
    dakar = a.set_index("id").loc["SN-DK"]
    assert dakar.country_iso2 == "SN" and abs(dakar.lon + 17.3) < 0.5 and abs(dakar.lat - 14.75) < 0.5
    path = REF / "admin1_shapes.parquet"
    if path.exists():
        s = gpd.read_parquet(path)
        assert s.crs.to_epsg() == 4326 and s.is_valid.all()
        assert set(s.id) <= ids
        assert path.stat().st_size < 6_000_000
