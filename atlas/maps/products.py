"""Flows, maps and exports of a selection: what ``Atlas.flows/flow_map/export_map/export_data``,
``atlas map`` and ``atlas export`` do. Functions take an open :class:`atlas.Atlas` handle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import folium
import pandas as pd

from atlas import config
from atlas.errors import QueryError
from atlas.geo import flows as fl
from atlas.maps import static
from atlas.maps.assets import standalone_html
from atlas.maps.export import format_of, write_data
from atlas.maps.output import checked_output, writing
from atlas.maps.flowmap import LEVEL_WORDS, MapInfo, build_choropleth, render_flow_map
from atlas.models import Filters

if TYPE_CHECKING:  # pragma: no cover
    from atlas.api import Atlas

#: What a map shows: flows, or a choropleth of links per country or per département.
VIEWS = ("flows", "countries", "departements")
MAP_FORMATS = (".html", ".png", ".svg", ".pdf")


@dataclass(frozen=True)
class MapOptions:
    """Everything that shapes a map besides the filters."""

    origin_level: str = "auto"
    dest_level: str = "auto"
    magnitude: str = "links"
    colour_by: str = "zone"
    view: str = "flows"
    max_flows: int | None = None
    lang: str | None = None
    title: str | None = None
    layout: str = "a4"
    projection: str = "auto"
    tiles: bool | None = None

    def checked(self) -> "MapOptions":
        fl.magnitude_column(self.magnitude)
        if self.colour_by not in fl.COLOUR_BY:
            raise QueryError(f"colour_by: expected one of {fl.COLOUR_BY}, got {self.colour_by!r}")
        if self.view not in VIEWS:
            raise QueryError(f"view: expected one of {VIEWS}, got {self.view!r}")
        for value, allowed, name in ((self.origin_level, fl.ORIGIN_LEVELS, "origin level"),
                                     (self.dest_level, fl.DEST_LEVELS, "destination level")):
            if value != "auto" and value not in allowed:
                raise QueryError(f"{name}: expected auto or one of {allowed}, got {value!r}")
        if self.layout not in static.LAYOUTS:
            raise QueryError(f"layout: expected one of {sorted(static.LAYOUTS)}, got {self.layout!r}")
        return self

    @property
    def language(self) -> str:
        return self.lang or config.get("lang")

    @property
    def arcs(self) -> int:
        return int(self.max_flows or config.get("max_arcs"))


def _filters(filters: Filters | None) -> Filters:
    filters = filters or Filters()
    if not isinstance(filters, Filters):
        raise QueryError(f"expected an atlas.Filters object, got {type(filters).__name__}")
    return filters


def flow_result(atlas: "Atlas", filters: Filters | None, opts: MapOptions) -> fl.FlowResult:
    """Flows of the selection at the chosen (or automatic) levels."""
    filters = _filters(filters)
    atlas._check(filters)
    try:
        return fl.query_flows(atlas.db, filters, opts.origin_level, opts.dest_level,
                              colour_by=None if opts.colour_by == "zone" else opts.colour_by, max_flows=opts.arcs)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc


def default_title(atlas: "Atlas", filters: Filters, lang: str, view: str = "flows") -> str:
    """A title naming the territory: one authority, one région or département, else France."""
    fr = lang == "fr"
    scope = "collectivités françaises" if fr else "French local authorities"
    if len(filters.authorities) == 1:
        scope = atlas.db.scalar("SELECT name FROM authorities WHERE id = $id", {"id": filters.authorities[0]}) or scope
    elif len(filters.departements) == 1:
        name = atlas.db.scalar("SELECT name FROM ref_departements WHERE code = $c", {"c": filters.departements[0]})
        scope = (f"département {name}" if fr else f"{name} département") if name else scope
    elif len(filters.regions) == 1:
        name = atlas.db.scalar("SELECT name FROM ref_regions WHERE code = $c", {"c": filters.regions[0]})
        scope = (f"région {name}" if fr else f"{name} region") if name else scope
    if view == "flows":
        return (f"Coopérations internationales — {scope}" if fr else f"International cooperation — {scope}")
    return (f"Liens de coopération — {scope}" if fr else f"Cooperation links — {scope}")


def _choropleth_values(result: fl.FlowResult, atlas: "Atlas", filters: Filters, view: str, magnitude: str
                       ) -> dict[str, float]:
    level = ("france", "country") if view == "countries" else ("departement", "zone")
    res = fl.query_flows(atlas.db, filters, *level) if (result.origin_level, result.dest_level) != level else result
    totals = fl.location_totals(res.flows, magnitude)
    side = "partner" if view == "countries" else "fr"
    rows = totals[totals["side"] == side]
    values = (rows["incoming"] if side == "partner" else rows["outgoing"]).to_numpy(float)
    prefix = "country:" if view == "countries" else "departement:"
    return {i[len(prefix):]: float(v) for i, v in zip(rows["id"], values) if str(i).startswith(prefix)}


def flow_map(atlas: "Atlas", filters: Filters | None, opts: MapOptions, height: str = "100%"
             ) -> tuple[folium.Map, MapInfo | None]:
    """The interactive map of a selection (flows or a choropleth), offline-ready."""
    opts = opts.checked()
    filters = _filters(filters)
    lang = opts.language
    result = flow_result(atlas, filters, opts)
    demo = atlas.is_demo
    title = opts.title or default_title(atlas, filters, lang, opts.view)
    source = static.default_source(lang, demo)
    tiles = config.flag("tiles") if opts.tiles is None else opts.tiles
    if opts.view != "flows":
        values = _choropleth_values(result, atlas, filters, opts.view, opts.magnitude)
        m = build_choropleth(values, "country" if opts.view == "countries" else "departement", lang=lang,
                             height=height, title=title, source=source, magnitude=opts.magnitude, demo=demo)
        return m, None
    return render_flow_map(result.flows, origin_level=result.origin_level, dest_level=result.dest_level,
                           n_links=result.n_links, max_flows=opts.arcs, lang=lang, demo=demo, height=height,
                           magnitude=opts.magnitude, colour_by=opts.colour_by, tiles=tiles, title=title,
                           subtitle=atlas.describe(filters, lang), source=source)


def export_map(atlas: "Atlas", filters: Filters | None, path: str | Path, opts: MapOptions) -> Path:
    """Write the map of a selection: .html (standalone, offline), .png (300 dpi), .svg or .pdf."""
    opts = opts.checked()
    filters = _filters(filters)
    path = checked_output(path)
    suffix = path.suffix.lower()
    if suffix not in MAP_FORMATS:
        raise QueryError(f"map files are {', '.join(MAP_FORMATS)}; got {path.name!r}")
    lang = opts.language
    title = opts.title or default_title(atlas, filters, lang, opts.view)
    if suffix == ".html":
        m, _info = flow_map(atlas, filters, MapOptions(**{**opts.__dict__, "title": title}))
        html = standalone_html(m).replace("<head>", f"<head>\n<title>{_escape(title)}</title>", 1)
        with writing(path):
            path.write_text(html, encoding="utf-8")
        return path
    demo = atlas.is_demo
    subtitle = atlas.describe(filters, lang)
    result = flow_result(atlas, filters, opts)
    if opts.view == "flows":
        fig = static.static_flow_map(result.flows, title=title, subtitle=subtitle, n_links=result.n_links,
                                     origin_level=result.origin_level, dest_level=result.dest_level,
                                     magnitude=opts.magnitude, colour_by=opts.colour_by, max_flows=opts.arcs,
                                     lang=lang, layout=opts.layout, projection=opts.projection, demo=demo)
    else:
        values = _choropleth_values(result, atlas, filters, opts.view, opts.magnitude)
        fig = static.static_choropleth(values, "country" if opts.view == "countries" else "departement",
                                       title=title, subtitle=subtitle, magnitude=opts.magnitude, lang=lang,
                                       layout=opts.layout, demo=demo)
    with writing(path):
        return static.save_figure(fig, path)


def _escape(text: str) -> str:
    from atlas.maps.layers import escape

    return escape(text)


def export_data(atlas: "Atlas", filters: Filters | None, path: str | Path, *, origin_level: str = "authority",
                dest_level: str = "authority", magnitude: str = "links", fmt: str | None = None) -> list[Path]:
    """Write the links of a selection (and their flows for XLSX, GeoPackage and flowmap files)."""
    filters = _filters(filters)
    try:
        kind = format_of(path, fmt)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc
    path = checked_output(path, folder=kind == "flowmap")
    lang = config.get("lang")
    opts = MapOptions(origin_level=origin_level, dest_level=dest_level, magnitude=magnitude).checked()
    result = flow_result(atlas, filters, opts) if kind in ("xlsx", "gpkg", "flowmap") else None
    links = atlas.links(filters) if kind != "flowmap" else None
    about = {"title": default_title(atlas, filters, lang), "filters": atlas.describe(filters, lang),
             "source": static.default_source(lang, atlas.is_demo), "date": date.today().isoformat(),
             "links": str(len(links)) if links is not None else "",
             "flows": (f"{result.origin_level} → {result.dest_level}, {len(result.flows)} flows" if result else "")}
    try:
        with writing(path if kind != "flowmap" else path / "flows.csv"):
            return write_data(links if links is not None else pd.DataFrame(), path,
                              flows=result.flows if result else None, fmt=kind, about=about,
                              magnitude_col=fl.magnitude_column(magnitude))
    except ValueError as exc:
        raise QueryError(str(exc)) from exc


def level_words(lang: str) -> dict[str, str]:
    return LEVEL_WORDS["fr" if lang == "fr" else "en"]


def batch_areas(atlas: "Atlas", filters: Filters, each: str) -> list[tuple[str, str]]:
    """(code, name) of every région or département that has links in the selection."""
    if each not in ("region", "departement"):
        raise QueryError(f"--each: expected region or departement, got {each!r}")
    col = "fr_region" if each == "region" else "fr_departement"
    ref = "ref_regions" if each == "region" else "ref_departements"
    links = atlas.links_frame(filters)
    codes = sorted(c for c in links[col].dropna().unique())
    names = dict(atlas.sql(f"SELECT code, name FROM {ref}").itertuples(index=False, name=None))
    return [(c, names.get(c, c)) for c in codes]
