"""Maps and exports of a Selection: what ``Atlas.flow_map/export_map/export_data``, ``atlas map``,
``atlas export`` and the app's downloads do. Each function selects through :func:`atlas.selection.select`
(or takes a Selection already made) and hands the result to the pure renderers of :mod:`atlas.maps`.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from typing import TYPE_CHECKING

import folium
import pandas as pd

from atlas import config
from atlas.db import queries
from atlas.db.connection import ReadOnlyDatabase, arrow_to_pandas
from atlas.errors import QueryError
from atlas.geo import flows as fl
from atlas.maps.assets import standalone_html
from atlas.maps.flowmap import MapInfo, build_choropleth, render_flow_map
from atlas.maps.layers import escape
from atlas.maps.output import checked_output, writing
from atlas.models import Filters
from atlas.selection import MapOptions, Selection, check_filters, select

if TYPE_CHECKING:  # geopandas, matplotlib (print maps) and the data writers load on first use:
    import geopandas as gpd  # an HTML map in a new process needs none of them (about 1.5 s of imports)

MAP_FORMATS = (".html", ".png", ".svg", ".pdf")
#: Levels behind each choropleth view: its values are location totals of these flows.
CHOROPLETH_LEVELS = {"countries": ("france", "country"), "departements": ("departement", "zone")}


#: a.links(): each arc gets a point at least every this many km (at most ``npts`` points): about
#: 13 points per link on the demo instead of 32, the same drawing (benchmarks/README.md).
LINK_STEP_KM = 250.0


def links_geodataframe(db: ReadOnlyDatabase, filters: Filters | None = None, npts: int = 32,
                       max_step_km: float | None = LINK_STEP_KM) -> gpd.GeoDataFrame:
    """Links matching ``filters`` with great-circle geometry (EPSG:4326, split at the antimeridian)."""
    import geopandas as gpd

    # numpy arcs (within 2 km of pyproj's geodesics; pyproj beyond 18,400 km): 5-6x faster on many links
    from atlas.geo.vector_arcs import great_circle_lines

    table = queries.links_table(db, check_filters(db, filters))
    if table.num_rows == 0:
        df = arrow_to_pandas(table)
        return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    # The lines are drawn from the table's coordinates while the frame is made: pyproj, numpy and
    # shapely release the GIL, so the two overlap (a million links: 0.7 s of 1.2 s hidden).
    coords = [table.column(c).to_numpy() for c in ("fr_lon", "fr_lat", "partner_lon", "partner_lat")]
    with ThreadPoolExecutor(1, thread_name_prefix="atlas-links") as pool:
        lines = pool.submit(great_circle_lines, *coords, npts=npts, max_step_km=max_step_km)
        df = arrow_to_pandas(table)
        del table
        geoms, dist = lines.result()
    df["length_km"] = (dist / 1000).round(1)
    # the geometry set on the frame itself: GeoDataFrame(df, geometry=...) would copy every column
    df["geometry"] = gpd.GeoSeries(geoms, index=df.index, crs=4326)
    return gpd.GeoDataFrame(df, geometry="geometry", crs=4326, copy=False)


def select_view(db: ReadOnlyDatabase, filters: Filters | None, opts: MapOptions) -> Selection:
    """select() for a map view: a choropleth view aggregates at its own fixed levels."""
    opts = opts.checked()
    if opts.view in CHOROPLETH_LEVELS:
        origin, dest = CHOROPLETH_LEVELS[opts.view]
        opts = dataclasses.replace(opts, origin_level=origin, dest_level=dest)
    return select(db, filters, opts)


def choropleth_values(sel: Selection) -> dict[str, float]:
    """Per country (ISO alpha-2) or per département (INSEE): the view's magnitude."""
    view, magnitude = sel.options.view, sel.options.magnitude
    totals = fl.location_totals(sel.flows, magnitude)
    side = "partner" if view == "countries" else "fr"
    rows = totals[totals["side"] == side]
    values = (rows["incoming"] if side == "partner" else rows["outgoing"]).to_numpy(float)
    prefix = "country:" if view == "countries" else "departement:"
    return {i[len(prefix):]: float(v) for i, v in zip(rows["id"], values) if str(i).startswith(prefix)}


def map_of(sel: Selection, height: str = "100%", titled: bool = True) -> tuple[folium.Map, MapInfo | None]:
    """The interactive map of a Selection (flows or a choropleth), offline-ready.

    ``titled``: the legend carries the title, the selection in words and the source (standalone
    files); the app shows those around the map instead.
    """
    opts = sel.options
    lang = opts.language
    source = sel.source if titled else None
    tiles = config.flag("tiles") if opts.tiles is None else opts.tiles
    if opts.view != "flows":
        m = build_choropleth(choropleth_values(sel), "country" if opts.view == "countries" else "departement",
                             lang=lang, height=height, title=sel.title if titled else None, source=source,
                             magnitude=opts.magnitude, demo=sel.demo)
        return m, None
    return render_flow_map(sel.flows, origin_level=sel.origin_level, dest_level=sel.dest_level,
                           n_links=sel.n_links, max_flows=opts.arcs, lang=lang, demo=sel.demo, height=height,
                           magnitude=opts.magnitude, colour_by=opts.colour_by, tiles=tiles,
                           title=sel.title if titled else None, subtitle=sel.description if titled else None,
                           source=source)


def flow_map(db: ReadOnlyDatabase, filters: Filters | None, opts: MapOptions, height: str = "100%"
             ) -> tuple[folium.Map, MapInfo | None]:
    """The interactive map of a selection."""
    return map_of(select_view(db, filters, opts), height)


def export_map(db: ReadOnlyDatabase, filters: Filters | None, path: str | Path, opts: MapOptions) -> Path:
    """Write the map of a selection: .html (standalone, offline), .png (300 dpi), .svg or .pdf."""
    path = checked_output(path, protect=(db.path,))
    if path.suffix.lower() not in MAP_FORMATS:
        raise QueryError(f"map files are {', '.join(MAP_FORMATS)}; got {path.name!r}")
    return write_map(select_view(db, filters, opts), path)


def write_map(sel: Selection, path: Path) -> Path:
    """Write the map of a Selection; the format follows the extension of ``path``."""
    opts = sel.options
    suffix = path.suffix.lower()
    if suffix == ".html":
        m, _info = map_of(sel)
        html = standalone_html(m).replace("<head>", f"<head>\n<title>{escape(sel.title)}</title>", 1)
        with writing(path):
            path.write_text(html, encoding="utf-8")
        return path
    from atlas.maps import static

    lang = opts.language
    if opts.view == "flows":
        fig = static.static_flow_map(sel.flows, title=sel.title, subtitle=sel.description, n_links=sel.n_links,
                                     origin_level=sel.origin_level, dest_level=sel.dest_level,
                                     magnitude=opts.magnitude, colour_by=opts.colour_by, max_flows=opts.arcs,
                                     lang=lang, layout=opts.layout, projection=opts.projection, demo=sel.demo,
                                     source=sel.source)
    else:
        fig = static.static_choropleth(choropleth_values(sel), "country" if opts.view == "countries" else "departement",
                                       title=sel.title, subtitle=sel.description, magnitude=opts.magnitude,
                                       lang=lang, layout=opts.layout, demo=sel.demo, source=sel.source)
    with writing(path):
        return static.save_figure(fig, path)


def export_data(db: ReadOnlyDatabase, filters: Filters | None, path: str | Path, opts: MapOptions | None = None,
                fmt: str | None = None) -> list[Path]:
    """Write the links of a selection and the flows of its view (XLSX, GeoPackage, flowmap files)."""
    from atlas.maps.export import format_of, write_data

    try:
        kind = format_of(path, fmt)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc
    path = checked_output(path, folder=kind == "flowmap", protect=(db.path,))
    sel = select(db, filters, opts or MapOptions())
    lang = sel.options.language
    links = links_geodataframe(db, sel.filters) if kind != "flowmap" else None
    about = {"title": sel.title, "filters": sel.description,
             "source": sel.source, "date": date.today().isoformat(),
             "links": str(sel.n_links),
             "flows": f"{sel.origin_level} → {sel.dest_level}, {sel.n_flows} flows"}
    try:
        with writing(path if kind != "flowmap" else path / "flows.csv"):
            return write_data(links if links is not None else pd.DataFrame(), path,
                              flows=sel.flows if kind in ("xlsx", "gpkg", "flowmap") else None, fmt=kind, about=about,
                              magnitude_col=fl.magnitude_column(sel.options.magnitude), lang=lang)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc


def batch_areas(db: ReadOnlyDatabase, filters: Filters, each: str) -> list[tuple[str, str]]:
    """(code, name) of every région or département that has links in the selection."""
    if each not in ("region", "departement"):
        raise QueryError(f"--each: expected region or departement, got {each!r}")
    col = "fr_region" if each == "region" else "fr_departement"
    ref = "ref_regions" if each == "region" else "ref_departements"
    links = queries.links(db, check_filters(db, filters))
    codes = sorted(c for c in links[col].dropna().unique())
    names = dict(db.rows(f"SELECT code, name FROM {ref}"))
    return [(c, names.get(c, c)) for c in codes]
