"""Links aggregated to flows between locations, the way flowmap.gl models them.

A *location* is a point with an id and a name (an authority, an EPCI, a département, a région,
France, a foreign admin-1 area, a country, a zone); a *flow* is (origin, destination, magnitude).
Choosing coarser levels keeps a national view readable and fast to draw.

Magnitudes are additive, so flows, location totals and the "others" bucket always add up:

- ``n_links``: French authority × partner authority pairs;
- ``n_projects``: projects summed over those links (a project joining two pairs of one flow
  counts twice, as it does in flowmap.gl when two of its links are aggregated);
- ``amount_eur``: each project's budget shared equally among its French × partner pairs.

One engine serves two inputs: activity rows read from the database as integer keys
(:func:`flows_from_arrays`, fast at a million links) and the links frame of the Explorer page
(:func:`aggregate`). Both give the same flows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.geo.admin1 import admin1_table, assign_admin1
from atlas.geo.arcs import great_circle_lines
from atlas.models import CATEGORY_CODES
from atlas.reference import loaders

ORIGIN_LEVELS = ("authority", "epci", "departement", "region", "france")
DEST_LEVELS = ("authority", "admin1", "country", "zone")
MAGNITUDES = ("links", "projects", "amount")
#: Column of the flows frame holding each magnitude ("budget" is the former name of "amount").
MAGNITUDE_COLUMNS = {"links": "n_links", "projects": "n_projects", "amount": "amount_eur", "budget": "amount_eur"}
#: What arcs can be coloured by.
COLOUR_BY = ("zone", "theme", "sdg", "kind", "funding")

#: Metropolitan France's usual map anchor (near the geographic centre).
FRANCE_POINT = (2.45, 46.6)

#: Level pairs tried, finest first, when the level is "auto".
AUTO_LEVELS: tuple[tuple[str, str], ...] = (
    ("authority", "authority"),
    ("departement", "authority"),
    ("authority", "country"),
    ("departement", "country"),
    ("region", "country"),
    # France → each country reads better than région → zone centroids (arbitrary points).
    ("france", "country"),
    ("region", "zone"),
    ("france", "zone"),
)

FLOW_COLUMNS = ["origin", "origin_name", "origin_lon", "origin_lat", "dest", "dest_name", "dest_lon", "dest_lat",
                "n_links", "n_projects", "budget_eur", "country_iso2", "zone"]


def magnitude_column(magnitude: str) -> str:
    """Column of the flows frame for a magnitude name (links, projects, amount)."""
    try:
        return MAGNITUDE_COLUMNS[magnitude]
    except KeyError:
        raise ValueError(f"magnitude must be one of {MAGNITUDES}, got {magnitude!r}") from None


def check_levels(origin_level: str, dest_level: str) -> None:
    if origin_level not in ORIGIN_LEVELS:
        raise ValueError(f"origin level must be one of {ORIGIN_LEVELS}, got {origin_level!r}")
    if dest_level not in DEST_LEVELS:
        raise ValueError(f"destination level must be one of {DEST_LEVELS}, got {dest_level!r}")


@cache
def _names() -> dict[str, dict[str, tuple[str, float, float]]]:
    """Name and point of EPCI, départements, régions, countries, zones and admin-1 areas, by code."""
    deps = loaders.read_table("departements")
    regs = loaders.read_table("regions")
    countries = loaders.read_table("countries_all")
    epci = loaders.read_table("epci")
    zones = countries.dropna(subset=["lon", "lat"]).groupby("zone").agg(lon=("lon", "median"), lat=("lat", "median"))
    adm = admin1_table()
    return {
        "epci": {r.siren: (r.name, r.lon, r.lat) for r in epci.itertuples()},
        "departement": {r.code: (r.name, r.lon, r.lat) for r in deps.itertuples()},
        "region": {r.code: (r.name, r.lon, r.lat) for r in regs.itertuples()},
        "country": {r.iso2: (r.name_fr, r.lon, r.lat) for r in countries.itertuples()},
        "zone": {z: (z, r.lon, r.lat) for z, r in zones.iterrows()},
        "admin1": {r.id: (r.name, r.lon, r.lat) for r in adm.itertuples()},
    }


# ---- ends: one row per French authority / partner, and their location at each level ---------------

@dataclass
class Ends:
    """The distinct French authorities and partners of a set of links.

    ``fr`` columns: id, name, lon, lat, departement, region, epci.
    ``partner`` columns: id, name, lon, lat, level, admin1, country_iso2, zone.
    """

    fr: pd.DataFrame
    partner: pd.DataFrame


@cache
def _ref_frames() -> dict[str, pd.DataFrame]:
    """_names() as frames indexed by code (vectorised look-ups)."""
    return {kind: pd.DataFrame.from_dict(d, orient="index", columns=["name", "lon", "lat"])
            for kind, d in _names().items()}


def _locations(keys: np.ndarray, kinds: np.ndarray, codes: np.ndarray, own: pd.DataFrame
               ) -> tuple[np.ndarray, pd.DataFrame]:
    """Factorise location keys; name and point from the reference tables (or the row itself)."""
    code_of_row, uniq = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=False)
    first_row = np.full(len(uniq), -1, dtype=np.int64)
    first_row[code_of_row[::-1]] = np.arange(len(code_of_row))[::-1]
    kind = np.asarray(kinds, dtype=object)[first_row]
    code = np.asarray(codes, dtype=object)[first_row]
    name = np.array([str(c) for c in code], dtype=object)
    lon = np.full(len(uniq), np.nan)
    lat = np.full(len(uniq), np.nan)
    own_rows = kind == "self"
    if own_rows.any():
        name[own_rows] = own["name"].to_numpy(dtype=object)[first_row[own_rows]]
        lon[own_rows] = own["lon"].to_numpy(dtype=float)[first_row[own_rows]]
        lat[own_rows] = own["lat"].to_numpy(dtype=float)[first_row[own_rows]]
    fr_rows = kind == "france"
    name[fr_rows], lon[fr_rows], lat[fr_rows] = "France", FRANCE_POINT[0], FRANCE_POINT[1]
    frames = _ref_frames()
    for k in set(kind[~own_rows & ~fr_rows]):
        rows = np.flatnonzero(kind == k)
        ref = frames[k]
        pos = ref.index.get_indexer(pd.Index(code[rows], dtype=object))
        found = pos >= 0
        name[rows[found]] = ref["name"].to_numpy(dtype=object)[pos[found]]
        lon[rows[found]] = ref["lon"].to_numpy(dtype=float)[pos[found]]
        lat[rows[found]] = ref["lat"].to_numpy(dtype=float)[pos[found]]
    locs = pd.DataFrame({"id": np.asarray(uniq, dtype=object), "name": name, "lon": lon, "lat": lat})
    return code_of_row.astype(np.int64), locs


def origin_locations(fr: pd.DataFrame, level: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Location code of each French authority at ``level``, and the locations (id, name, lon, lat)."""
    n = len(fr)
    ids = fr["id"].to_numpy(dtype=object)
    if level == "authority":
        return _locations(ids, np.full(n, "self", dtype=object), ids, fr)
    if level == "france":
        return _locations(np.full(n, "FR", dtype=object), np.full(n, "france", dtype=object), ids, fr)
    dep = fr["departement"].to_numpy(dtype=object)
    reg = fr["region"].to_numpy(dtype=object)
    if level == "epci":
        # Authorities outside any EPCI (départements, régions) stay at their own point.
        epci = fr["epci"].to_numpy(dtype=object)
        has = pd.notna(epci)
        keys = np.where(has, "epci:" + pd.Series(epci, dtype=object).fillna("").astype(str).to_numpy(), ids)
        return _locations(keys, np.where(has, "epci", "self"), np.where(has, epci, ids), fr)
    if level == "departement":
        # Régions have no département: they stay at their own point.
        has = pd.notna(dep)
        codes = np.where(has, dep, reg)
        kinds = np.where(has, "departement", "region")
        keys = np.array([f"{k}:{c}" for k, c in zip(kinds, codes)], dtype=object)
        return _locations(keys, kinds, codes, fr)
    if level == "region":
        keys = np.array([f"region:{c}" for c in reg], dtype=object)
        return _locations(keys, np.full(n, "region", dtype=object), reg, fr)
    raise ValueError(f"origin level must be one of {ORIGIN_LEVELS}, got {level!r}")


def dest_locations(partner: pd.DataFrame, level: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Location code of each partner at ``level``, and the locations (id, name, lon, lat)."""
    n = len(partner)
    ids = partner["id"].to_numpy(dtype=object)
    country = partner["country_iso2"].to_numpy(dtype=object)
    if level == "authority":
        return _locations(ids, np.full(n, "self", dtype=object), ids, partner)
    if level == "country":
        keys = np.array([f"country:{c}" for c in country], dtype=object)
        return _locations(keys, np.full(n, "country", dtype=object), country, partner)
    if level == "zone":
        zone = partner["zone"].to_numpy(dtype=object)
        keys = np.array([f"zone:{z}" for z in zone], dtype=object)
        return _locations(keys, np.full(n, "zone", dtype=object), zone, partner)
    if level == "admin1":
        adm = assign_admin1(partner["level"].to_numpy(dtype=object), partner["admin1"].to_numpy(dtype=object),
                            country, partner["lon"].to_numpy(dtype=float), partner["lat"].to_numpy(dtype=float))
        # A country without admin-1 areas (small islands) is its own area.
        has = pd.notna(adm)
        keys = np.array([f"admin1:{a}" if h else f"country:{c}" for a, c, h in zip(adm, country, has)], dtype=object)
        return _locations(keys, np.where(has, "admin1", "country"), np.where(has, adm, country), partner)
    raise ValueError(f"destination level must be one of {DEST_LEVELS}, got {level!r}")


def ends_from_links(links: pd.DataFrame) -> tuple[Ends, np.ndarray, np.ndarray]:
    """Ends of a links frame, and each link's row in ``ends.fr`` and ``ends.partner``."""
    fr_idx, fr_uniq = pd.factorize(links["fr_id"])
    pa_idx, pa_uniq = pd.factorize(links["partner_id"])
    first_fr = pd.Series(np.arange(len(links))).groupby(fr_idx).first().to_numpy()
    first_pa = pd.Series(np.arange(len(links))).groupby(pa_idx).first().to_numpy()

    def col(name: str, rows: np.ndarray) -> np.ndarray:
        if name in links.columns:
            return links[name].to_numpy(dtype=object)[rows]
        return np.full(len(rows), None, dtype=object)

    fr = pd.DataFrame({"id": fr_uniq.to_numpy(dtype=object), "name": col("fr_name", first_fr),
                       "lon": links["fr_lon"].to_numpy(dtype=float)[first_fr],
                       "lat": links["fr_lat"].to_numpy(dtype=float)[first_fr],
                       "departement": col("fr_departement", first_fr), "region": col("fr_region", first_fr),
                       "epci": col("fr_epci", first_fr)})
    level = col("partner_level", first_pa)
    partner = pd.DataFrame({"id": pa_uniq.to_numpy(dtype=object), "name": col("partner_name", first_pa),
                            "lon": links["partner_lon"].to_numpy(dtype=float)[first_pa],
                            "lat": links["partner_lat"].to_numpy(dtype=float)[first_pa],
                            "level": level, "admin1": col("partner_admin1", first_pa),
                            "country_iso2": col("country_iso2", first_pa), "zone": col("zone", first_pa)})
    return Ends(fr, partner), fr_idx.astype(np.int64), pa_idx.astype(np.int64)


def ends_from_authorities(authorities: pd.DataFrame) -> Ends:
    """Ends indexed by authority key (atlas.db.flow_queries.authority_table): row i is key i.

    Both tables hold every authority, so the database's keys index them directly.
    """
    a = authorities
    fr = pd.DataFrame({"id": a["id"], "name": a["name"], "lon": a["lon"], "lat": a["lat"],
                       "departement": a["departement"], "region": a["region"], "epci": a["epci"]})
    partner = pd.DataFrame({"id": a["id"], "name": a["name"], "lon": a["lon"], "lat": a["lat"], "level": a["level"],
                            "admin1": a["admin1"], "country_iso2": a["country_iso2"], "zone": a["zone"]})
    return Ends(fr, partner)


# ---- the engine ------------------------------------------------------------------------------------

def _dense_or_factorised(code: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
    """(unique codes, index of each row's code in them): bincount when the space is small."""
    if n_bins <= 8_000_000:
        seen = np.zeros(n_bins, dtype=bool)
        seen[code] = True
        uniq = np.flatnonzero(seen)
        lookup = np.empty(n_bins, dtype=np.int64)
        lookup[uniq] = np.arange(uniq.size)
        return uniq, lookup[code]
    inv, uniq = pd.factorize(code, sort=True)
    return np.asarray(uniq, dtype=np.int64), inv.astype(np.int64)


def aggregate_rows(ends: Ends, fr_idx: np.ndarray, pa_idx: np.ndarray, *, origin_level: str, dest_level: str,
                   w_links: np.ndarray, w_projects: np.ndarray, w_amount: np.ndarray,
                   w_budget: np.ndarray | None = None, category: tuple[np.ndarray, np.ndarray] | None = None,
                   category_codes: tuple | None = None,
                   locations: tuple[tuple[np.ndarray, pd.DataFrame], tuple[np.ndarray, pd.DataFrame]] | None = None
                   ) -> pd.DataFrame:
    """Flows from rows pointing at ends, with per-row weights (the engine behind every path).

    ``w_links`` is 1 on the rows that count as a new link, ``w_projects``/``w_amount`` what each
    row adds. ``category`` is (row, code) pairs; a flow's category is its most frequent code.
    """
    check_levels(origin_level, dest_level)
    if locations is not None:  # cached per database (see query_flows)
        (o_of_end, o_locs), (d_of_end, d_locs) = locations
    else:
        o_of_end, o_locs = origin_locations(ends.fr, origin_level)
        d_of_end, d_locs = dest_locations(ends.partner, dest_level)
    # Locations without a point are dropped; test on the (small) location tables first.
    o_bad = ~(np.isfinite(o_locs["lon"].to_numpy(float)) & np.isfinite(o_locs["lat"].to_numpy(float)))
    d_bad = ~(np.isfinite(d_locs["lon"].to_numpy(float)) & np.isfinite(d_locs["lat"].to_numpy(float)))
    o = o_of_end[fr_idx]
    d = d_of_end[pa_idx]
    n_o, n_d = max(len(o_locs), 1), max(len(d_locs), 1)
    code = o * n_d + d
    keep: np.ndarray | None = None
    if o_bad.any() or d_bad.any():
        keep = ~(o_bad[o] | d_bad[d])
    w_links = np.asarray(w_links, dtype=float) if np.asarray(w_links).dtype != bool else w_links

    if n_o * n_d <= 4_000_000:
        # Small flow space: one bincount per magnitude over the codes, no factorisation.
        def total(weights: np.ndarray) -> np.ndarray:
            if weights.dtype == bool:
                src = code[weights] if keep is None else code[weights & keep]
                return np.bincount(src, minlength=n_o * n_d).astype(float)
            if keep is None:
                return np.bincount(code, weights=weights, minlength=n_o * n_d)
            return np.bincount(code[keep], weights=weights[keep], minlength=n_o * n_d)

        n_links_all = total(w_links)
        flow_uniq = np.flatnonzero(n_links_all)
        n_links = n_links_all[flow_uniq]
        n_proj = total(w_projects if np.asarray(w_projects).dtype == bool
                       else np.asarray(w_projects, dtype=float))[flow_uniq]
        amount = total(np.asarray(w_amount, dtype=float))[flow_uniq]
        budget = total(np.asarray(w_budget, dtype=float))[flow_uniq] if w_budget is not None else amount
        lookup = None
    else:
        if keep is not None:
            code = np.where(keep, code, 0)
        flow_uniq, inv = _dense_or_factorised(code, n_o * n_d)
        if keep is not None:
            inv = np.where(keep, inv, -1)

        def total(weights: np.ndarray) -> np.ndarray:
            weights = np.asarray(weights, dtype=float)
            if keep is None:
                return np.bincount(inv, weights=weights, minlength=flow_uniq.size)
            return np.bincount(inv[keep], weights=weights[keep], minlength=flow_uniq.size)

        n_links = total(w_links)
        n_proj = total(w_projects)
        amount = total(w_amount)
        budget = total(w_budget) if w_budget is not None else amount
        lookup = inv
    n_flows = flow_uniq.size
    fo, fd = flow_uniq // n_d, flow_uniq % n_d
    # Country and zone of each flow, resolved per destination location (from the partners, not
    # the rows): unique at every level but "zone", where the country is one of the zone's.
    partner_country = ends.partner["country_iso2"].to_numpy(dtype=object)
    partner_zone = ends.partner["zone"].to_numpy(dtype=object)
    country_of_d = np.full(n_d, None, dtype=object)
    zone_of_d = np.full(n_d, None, dtype=object)
    used_pa = np.flatnonzero(np.bincount(pa_idx, minlength=len(d_of_end)) > 0) if pa_idx.size else pa_idx
    country_of_d[d_of_end[used_pa]] = partner_country[used_pa]
    zone_of_d[d_of_end[used_pa]] = partner_zone[used_pa]
    country = country_of_d[fd]
    zone = zone_of_d[fd]
    out = pd.DataFrame({
        "origin": o_locs["id"].to_numpy(dtype=object)[fo], "origin_name": o_locs["name"].to_numpy(dtype=object)[fo],
        "origin_lon": o_locs["lon"].to_numpy(float)[fo], "origin_lat": o_locs["lat"].to_numpy(float)[fo],
        "dest": d_locs["id"].to_numpy(dtype=object)[fd], "dest_name": d_locs["name"].to_numpy(dtype=object)[fd],
        "dest_lon": d_locs["lon"].to_numpy(float)[fd], "dest_lat": d_locs["lat"].to_numpy(float)[fd],
        "n_links": np.rint(n_links).astype(int), "n_projects": np.rint(n_proj).astype(int),
        "budget_eur": budget, "country_iso2": country, "zone": zone, "amount_eur": amount,
    })
    if category is not None and category_codes is not None:
        rows, codes = category
        n_cat = len(category_codes)
        valid = (codes >= 0) if keep is None else (codes >= 0) & keep[rows]
        if lookup is None:  # map flow codes to flow rows
            pos = np.full(n_o * n_d, -1, dtype=np.int64)
            pos[flow_uniq] = np.arange(n_flows)
            flow_of = pos[code[rows[valid]]]
        else:
            flow_of = lookup[rows[valid]]
        counts = np.bincount(flow_of * n_cat + codes[valid], minlength=n_flows * n_cat).reshape(n_flows, n_cat)
        best = counts.argmax(axis=1)
        has = counts.max(axis=1) > 0
        values = np.array(list(category_codes), dtype=object)
        out["category"] = np.where(has, values[best], None)
    out = out[out["n_links"] > 0]
    return out.sort_values(["n_links", "n_projects"], ascending=False, kind="stable", ignore_index=True)


def _list_category(series: pd.Series, codes: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(row, code) pairs of a column of lists or scalars."""
    index = {c: i for i, c in enumerate(codes)}
    rows: list[int] = []
    out: list[int] = []
    for i, value in enumerate(series.to_numpy(dtype=object)):
        items = value if isinstance(value, (list, tuple, np.ndarray)) else [value]
        for item in items:
            if item is None or (isinstance(item, float) and np.isnan(item)):
                continue
            rows.append(i)
            out.append(index.get(item.item() if hasattr(item, "item") else item, -1))
    return np.asarray(rows, dtype=np.int64), np.asarray(out, dtype=np.int64)


#: Column of the links frame behind each colour category.
_LINK_CATEGORY_COLUMNS = {"theme": "themes", "sdg": "sdgs", "kind": "kinds", "funding": "funding", "zone": "zone"}


def aggregate(links: pd.DataFrame, origin_level: str = "authority", dest_level: str = "authority",
              colour_by: str | None = None) -> pd.DataFrame:
    """Flows between locations: one row per (origin, dest) with n_links, n_projects, amount_eur.

    ``links`` is the frame returned by the links query (one row per French × partner authority).
    The main partner country and zone of each flow are kept for colouring; with ``colour_by``
    (theme, sdg, kind, funding, zone) a ``category`` column holds the flow's most frequent value.
    ``budget_eur`` sums the links' full project budgets (kept for compatibility); ``amount_eur``
    sums budget shares and adds up across flows.
    """
    check_levels(origin_level, dest_level)
    if links.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS + ["amount_eur"] + (["category"] if colour_by else []))
    ends, fr_idx, pa_idx = ends_from_links(links)
    n = len(links)
    budget = links["budget_eur"].to_numpy(float) if "budget_eur" in links.columns else np.zeros(n)
    amount = links["amount_eur"].to_numpy(float) if "amount_eur" in links.columns else budget
    category = codes = None
    if colour_by:
        if colour_by not in _LINK_CATEGORY_COLUMNS:
            raise ValueError(f"colour_by must be one of {COLOUR_BY}, got {colour_by!r}")
        codes = CATEGORY_CODES[colour_by]
        category = _list_category(links[_LINK_CATEGORY_COLUMNS[colour_by]], codes)
    return aggregate_rows(ends, fr_idx, pa_idx, origin_level=origin_level, dest_level=dest_level,
                          w_links=np.ones(n), w_projects=links["n_projects"].to_numpy(float),
                          w_amount=np.nan_to_num(amount), w_budget=np.nan_to_num(budget),
                          category=category, category_codes=codes)


def link_starts(fr_key: np.ndarray, partner_key: np.ndarray, n_partner: int) -> np.ndarray:
    """True on the first row of each link (rows come in link order: link_facts is stored sorted).

    DuckDB keeps insertion order for a filtered scan; that the French keys never decrease is
    checked (an order kept for them is kept for the rows), otherwise links are found by sorting.
    """
    n = fr_key.size
    if n == 0:
        return np.zeros(0, dtype=bool)
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(fr_key[1:], fr_key[:-1], out=first[1:])
    if not (fr_key[1:] >= fr_key[:-1]).all():  # never seen: count exactly
        link = fr_key.astype(np.int64) * (n_partner + 1) + partner_key
        first[:] = False
        first[np.unique(link, return_index=True)[1]] = True
        return first
    first[1:] |= partner_key[1:] != partner_key[:-1]
    return first


def flows_from_arrays(arrays: dict[str, np.ndarray], ends: Ends, origin_level: str, dest_level: str,
                      category_codes: tuple | None = None, first: np.ndarray | None = None) -> pd.DataFrame:
    """Flows from the activity rows of atlas.db.flow_queries.activity_arrays (rows in link order)."""
    fk, pk = arrays["fr_key"], arrays["partner_key"]
    if fk.size == 0:
        return aggregate(pd.DataFrame(), origin_level, dest_level)
    if first is None:
        first = link_starts(fk, pk, len(ends.partner))
    category = (arrays["cat_row"], arrays["cat_code"]) if "cat_row" in arrays else None
    return aggregate_rows(ends, fk, pk, origin_level=origin_level, dest_level=dest_level,
                          w_links=first.astype(float), w_projects=arrays["is_project"].astype(float),
                          w_amount=arrays["amount"], category=category,
                          category_codes=category_codes if category is not None else None)


def choose_levels(candidates: tuple[tuple[str, str], ...], origin_codes: Callable[[str], tuple[np.ndarray, int]],
                  dest_codes: Callable[[str], tuple[np.ndarray, int]], max_flows: int) -> tuple[str, str]:
    """The one level chooser: the finest candidate pair with at most ``max_flows`` flows.

    ``origin_codes(level)`` gives the location code of every link (one row per link) at that
    level and the number of locations; ``dest_codes`` the same for partners. Cheap bounds first:
    a pair is accepted without counting when (origins present) × (destinations present) fits,
    and skipped when either side alone exceeds the budget. Every front end (app, CLI, API,
    exports, stories) reaches this function through atlas.selection, with one budget.
    """
    for o_level, d_level in candidates:
        o_code, n_o_locs = origin_codes(o_level)
        d_code, n_d_locs = dest_codes(d_level)
        if o_code.size == 0:
            return o_level, d_level
        n_o = int(np.count_nonzero(np.bincount(o_code, minlength=1)))
        n_d = int(np.count_nonzero(np.bincount(d_code, minlength=1)))
        if n_o * n_d <= max_flows:
            return o_level, d_level
        if max(n_o, n_d) > max_flows:
            continue
        n_d_locs = max(n_d_locs, 1)
        if _dense_or_factorised(o_code * n_d_locs + d_code, max(n_o_locs, 1) * n_d_locs)[0].size <= max_flows:
            return o_level, d_level
    return candidates[-1]


def choose_levels_for(ends: Ends, fr_idx: np.ndarray, pa_idx: np.ndarray, max_flows: int,
                      candidates: tuple[tuple[str, str], ...] = AUTO_LEVELS) -> tuple[str, str]:
    """:func:`choose_levels` for links given as indexes into ``ends`` (one row per link)."""
    memo: dict = {}

    def origin(level: str) -> tuple[np.ndarray, int]:
        if ("o", level) not in memo:
            memo[("o", level)] = origin_locations(ends.fr, level)
        of_end, locs = memo[("o", level)]
        return of_end[fr_idx], len(locs)

    def dest(level: str) -> tuple[np.ndarray, int]:
        if ("d", level) not in memo:
            memo[("d", level)] = dest_locations(ends.partner, level)
        of_end, locs = memo[("d", level)]
        return of_end[pa_idx], len(locs)

    return choose_levels(candidates, origin, dest, max_flows)


def choose_levels_of_links(links: pd.DataFrame, max_flows: int) -> tuple[str, str]:
    """The finest (origin, destination) level pair whose flow count stays within ``max_flows``."""
    if links.empty:
        return AUTO_LEVELS[0]
    ends, fr_idx, pa_idx = ends_from_links(links)
    return choose_levels_for(ends, fr_idx, pa_idx, max_flows)


def level_candidates(origin_level: str, dest_level: str) -> tuple[tuple[str, str], ...]:
    """Level pairs to try, finest first, keeping a level that is set (not "auto")."""
    if origin_level != "auto":
        candidates = tuple((origin_level, d) for d in DEST_LEVELS)
    elif dest_level != "auto":
        candidates = tuple((o, dest_level) for o in ORIGIN_LEVELS)
    else:
        candidates = AUTO_LEVELS
    check_levels(*candidates[0])
    return candidates


def resolve_levels(origin_level: str, dest_level: str, ends: Ends, fr_idx: np.ndarray, pa_idx: np.ndarray,
                   max_flows: int) -> tuple[str, str]:
    """Replace "auto" levels: the finest pair (keeping a level that is set) within ``max_flows``."""
    if origin_level != "auto" and dest_level != "auto":
        check_levels(origin_level, dest_level)
        return origin_level, dest_level
    candidates = level_candidates(origin_level, dest_level)
    if fr_idx.size == 0:
        return candidates[0]
    return choose_levels_for(ends, fr_idx, pa_idx, max_flows, candidates)


def top_flows(flows: pd.DataFrame, n: int, magnitude: str = "links") -> tuple[pd.DataFrame, dict[str, float]]:
    """The ``n`` largest flows by ``magnitude``, and an "others" bucket summing the rest."""
    col = magnitude_column(magnitude)
    ordered = flows.sort_values([col, "n_links"], ascending=False, kind="stable", ignore_index=True)
    top, rest = ordered.head(n), ordered.iloc[n:]
    others = {"n_flows": int(len(rest)), "n_links": int(rest["n_links"].sum()) if len(rest) else 0,
              "n_projects": int(rest["n_projects"].sum()) if len(rest) else 0,
              "amount_eur": float(rest["amount_eur"].sum()) if len(rest) and "amount_eur" in rest else 0.0}
    return top, others


def location_totals(flows: pd.DataFrame, magnitude: str = "links") -> pd.DataFrame:
    """Per location: outgoing and incoming totals (flowmap.gl's location totals) of ``magnitude``."""
    cols = ["id", "name", "lon", "lat", "outgoing", "incoming", "side"]
    if flows.empty:
        return pd.DataFrame(columns=cols)
    col = magnitude_column(magnitude)
    if col not in flows.columns:
        col = "n_links"
    out = flows.groupby("origin", sort=False).agg(name=("origin_name", "first"), lon=("origin_lon", "first"),
                                                  lat=("origin_lat", "first"), outgoing=(col, "sum")).reset_index()
    out = out.rename(columns={"origin": "id"}).assign(incoming=0, side="fr")
    inc = flows.groupby("dest", sort=False).agg(name=("dest_name", "first"), lon=("dest_lon", "first"),
                                                lat=("dest_lat", "first"), incoming=(col, "sum")).reset_index()
    inc = inc.rename(columns={"dest": "id"}).assign(outgoing=0, side="partner")
    return pd.concat([out, inc], ignore_index=True)[cols]


def flows_to_geodataframe(flows: pd.DataFrame, npts: int = 32) -> gpd.GeoDataFrame:
    """Flows with great-circle geometry (EPSG:4326, split at the antimeridian)."""
    if flows.empty:
        return gpd.GeoDataFrame(flows.assign(length_km=[]), geometry=[], crs=4326)
    geoms, dist = great_circle_lines(flows["origin_lon"].to_numpy(), flows["origin_lat"].to_numpy(),
                                     flows["dest_lon"].to_numpy(), flows["dest_lat"].to_numpy(), npts=npts)
    return gpd.GeoDataFrame(flows.assign(length_km=np.round(dist / 1000, 1)), geometry=geoms, crs=4326)


def used_ends(ends: Ends, fr_key: np.ndarray, partner_key: np.ndarray) -> tuple[Ends, np.ndarray, np.ndarray]:
    """Only the authorities that occur in the rows (keys remapped): cost follows the selection."""
    n = len(ends.fr)

    def remap(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        seen = np.zeros(n, dtype=bool)
        seen[keys] = True
        used = np.flatnonzero(seen)
        lookup = np.full(n, -1, dtype=np.int64)
        lookup[used] = np.arange(used.size)
        return used, lookup[keys]

    used_fr, fr_idx = remap(fr_key)
    used_pa, pa_idx = remap(partner_key)
    sub = Ends(ends.fr.iloc[used_fr].reset_index(drop=True), ends.partner.iloc[used_pa].reset_index(drop=True))
    return sub, fr_idx, pa_idx
