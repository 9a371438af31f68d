"""The aggregation engine: links summed into flows between locations, as flowmap.gl models them.

A *flow* is (origin, destination, magnitude). Magnitudes are additive, so flows, location totals
and the "others" bucket always add up:

- ``n_links``: French authority × partner authority pairs;
- ``n_projects``: projects summed over those links (a project joining two pairs of one flow
  counts twice, as it does in flowmap.gl when two of its links are aggregated);
- ``amount_eur``: each project's budget shared equally among its French × partner pairs.

One engine (:func:`aggregate_rows`) serves two inputs: activity rows read from the database as
integer keys (:func:`flows_from_arrays`, fast at a million links) and the links frame of the
Explorer page (:func:`aggregate`). Both give the same flows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from atlas.geo.arcs import great_circle_lines

if TYPE_CHECKING:
    import geopandas as gpd
from atlas.geo.flow_levels import check_levels
from atlas.geo.flow_locations import Ends, dest_locations, ends_from_links, factorise_codes, origin_locations
from atlas.models import CATEGORY_CODES, COLOUR_BY, MAGNITUDES  # noqa: F401 - re-exported

#: Column of the flows frame holding each magnitude ("budget" is the former name of "amount").
MAGNITUDE_COLUMNS = {"links": "n_links", "projects": "n_projects", "amount": "amount_eur", "budget": "amount_eur"}

#: Columns of every flows frame (plus ``amount_eur``, and ``category`` when coloured by one).
FLOW_COLUMNS = ["origin", "origin_name", "origin_lon", "origin_lat", "dest", "dest_name", "dest_lon", "dest_lat",
                "n_links", "n_projects", "budget_eur", "country_iso2", "zone"]


def magnitude_column(magnitude: str) -> str:
    """Column of the flows frame for a magnitude name (links, projects, amount)."""
    try:
        return MAGNITUDE_COLUMNS[magnitude]
    except KeyError:
        raise ValueError(f"magnitude must be one of {MAGNITUDES}, got {magnitude!r}") from None


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
    # A place the reference tables do not locate (the régions of overseas collectivités such as
    # 987 or 988) sits at the mean point of its authorities, so that no link drops out of the
    # totals; locations still without a point are dropped. Test on the (small) tables first.
    o_locs = _located(o_of_end, o_locs, ends.fr)
    d_locs = _located(d_of_end, d_locs, ends.partner)
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
        flow_uniq, inv = factorise_codes(code, n_o * n_d)
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


#: Overseas collectivités (COG codes) that the départements and régions reference tables do not hold.
OVERSEAS_COLLECTIVITES = {"975": "Saint-Pierre-et-Miquelon", "977": "Saint-Barthélemy", "978": "Saint-Martin",
                          "984": "Terres australes et antarctiques françaises", "986": "Wallis-et-Futuna",
                          "987": "Polynésie française", "988": "Nouvelle-Calédonie", "989": "Clipperton"}


def _located(of_end: np.ndarray, locs: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    """``locs`` with the places that have no point moved to the mean point of their ends, and
    overseas collectivités named (a copy)."""
    lon, lat = locs["lon"].to_numpy(float), locs["lat"].to_numpy(float)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if not bad.any() or of_end.size == 0:
        return locs
    names = locs["name"].to_numpy(dtype=object).copy()
    for i in np.flatnonzero(bad):
        names[i] = OVERSEAS_COLLECTIVITES.get(str(names[i]), names[i])
    locs = locs.assign(name=names)
    e_lon, e_lat = own["lon"].to_numpy(float), own["lat"].to_numpy(float)
    ok = np.isfinite(e_lon) & np.isfinite(e_lat) & bad[of_end]
    if not ok.any():
        return locs
    n = len(locs)
    count = np.bincount(of_end[ok], minlength=n)
    fill = bad & (count > 0)
    lon, lat = lon.copy(), lat.copy()
    lon[fill] = np.bincount(of_end[ok], weights=e_lon[ok], minlength=n)[fill] / count[fill]
    lat[fill] = np.bincount(of_end[ok], weights=e_lat[ok], minlength=n)[fill] / count[fill]
    return locs.assign(lon=lon, lat=lat)


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
    import geopandas as gpd  # on first use: flows need no geopandas

    if flows.empty:
        return gpd.GeoDataFrame(flows.assign(length_km=[]), geometry=[], crs=4326)
    geoms, dist = great_circle_lines(flows["origin_lon"].to_numpy(), flows["origin_lat"].to_numpy(),
                                     flows["dest_lon"].to_numpy(), flows["dest_lat"].to_numpy(), npts=npts)
    return gpd.GeoDataFrame(flows.assign(length_km=np.round(dist / 1000, 1)), geometry=geoms, crs=4326)
