"""Pure builders: data → folium.Map with flows, location totals, base layers and a legend.

Fast at scale: flows are aggregated first (atlas.geo.flows), at most ``max_flows`` arcs are drawn
(the rest form an "others" bucket stated in the legend), and every layer is one GeoJSON object
whose features carry their own style, so the page stays light and the browser draws it in one go.
Every text from data is HTML-escaped before it reaches a tooltip, popup or legend.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import folium
import numpy as np
import pandas as pd

from atlas.geo import flows as fl
from atlas.geo.arcs import arc_coordinates
from atlas.maps import styles
from atlas.maps.assets import OfflineMap
from atlas.maps.base_layers import BaseLayers
from atlas.geo.flow_groups import GROUP_PREFIX
from atlas.maps.flow_labels import choose_labels, group_names, initial_zoom, legend_box, names_line
from atlas.maps.layers import (LABEL_CSS, FlowFocus, Legend, MetricScale, PlaceLabels, RawText, StyledGeoJson,
                               choropleth_geojson, escape, tip)
from atlas.maps.styles import (CHOROPLETH_COLOURS, OTHER_COLOUR, ZONE_COLOURS,  # noqa: F401 - re-exported
                               choropleth_classes)
from atlas.maps.words import LEVEL_WORDS, demo_mark, level_word, per_area, word  # noqa: F401 - LEVEL_WORDS re-exported

#: Points per arc in the interactive map (enough for a smooth curve at world zoom).
ARC_POINTS = 24


@dataclass(frozen=True)
class MapInfo:
    """What a built map shows (for captions and tests)."""

    origin_level: str
    dest_level: str
    n_links: int
    n_flows: int
    n_drawn: int
    magnitude: str = "links"
    colour_by: str = "zone"
    others: dict = field(default_factory=dict, compare=False, hash=False)


def _width(n: np.ndarray, n_max: float) -> np.ndarray:
    """Line width in pixels: 1.5 for the smallest flow, up to 9 for the largest (area-like scale)."""
    return styles.width_scale(n, n_max, 1.5, 9.0)


def chevrons(lons: np.ndarray, lats: np.ndarray, at: float = 0.72, size: float = 0.03,
             min_size: float = 0.08, max_size: float = 1.2) -> np.ndarray:
    """An arrowhead ("V") on each arc, pointing to the destination: shape (n, 3, 2) lon/lat.

    Drawn at fraction ``at`` of the arc; arms are ``size`` × the arc's length (in degrees,
    clamped), corrected for the shrinking of longitude degrees with latitude.
    """
    n, npts = lons.shape
    k = int(round(at * (npts - 1)))
    k0, k1 = max(k - 1, 0), min(k + 1, npts - 1)
    coslat = np.cos(np.radians(lats[:, k]))
    dx = (lons[:, k1] - lons[:, k0]) * coslat
    dy = lats[:, k1] - lats[:, k0]
    norm = np.hypot(dx, dy)
    norm[norm == 0] = 1.0
    ux, uy = dx / norm, dy / norm
    seg = np.hypot(np.diff(lons, axis=1) * np.cos(np.radians(lats[:, :-1])), np.diff(lats, axis=1)).sum(axis=1)
    arm = np.clip(seg * size, min_size, max_size)
    out = np.empty((n, 3, 2))
    for j, sign in ((0, 1.0), (2, -1.0)):
        # Rotate the backward direction by ±28° for each arm.
        c, s = np.cos(np.radians(28.0)), sign * np.sin(np.radians(28.0))
        bx, by = -ux, -uy
        rx, ry = bx * c - by * s, bx * s + by * c
        out[:, j, 0] = lons[:, k] + rx * arm / np.maximum(coslat, 0.05)
        out[:, j, 1] = lats[:, k] + ry * arm
    out[:, 1, 0] = lons[:, k]
    out[:, 1, 1] = lats[:, k]
    return out


def _flow_texts(row, magnitude: str, colour_by: str, lang: str) -> tuple[str, str]:
    head = f"{row.origin_name} → {row.dest_name}"
    counts = f"{styles.quantity(row.n_links, 'links', lang)} · {styles.quantity(row.n_projects, 'projects', lang)}"
    amount = getattr(row, "amount_eur", 0.0) or 0.0
    money = word("budgets", lang, amount=styles.format_value(amount, "amount", lang)) if amount > 0 else ""
    cat = getattr(row, "category", None) if colour_by != "zone" else row.zone
    cat_line = word("labelled", lang, label=word(f"colour_by.{colour_by}", lang),
                    value=styles.category_label(colour_by, cat, lang))
    tooltip = tip(head, counts)
    popup = f"<b>{escape(head)}</b><br>" + tip(counts, money, cat_line)
    return tooltip, popup


def flow_features(flows: pd.DataFrame, colours: list[str], widths: np.ndarray, magnitude: str, colour_by: str,
                  lang: str) -> list[dict]:
    """GeoJSON features of the arcs (great circles with an arrowhead), largest drawn last."""
    if flows.empty:
        return []
    lons, lats, _ = arc_coordinates(flows["origin_lon"].to_numpy(), flows["origin_lat"].to_numpy(),
                                    flows["dest_lon"].to_numpy(), flows["dest_lat"].to_numpy(), npts=ARC_POINTS)
    heads = chevrons(lons, lats)
    lons, lats, heads = np.round(lons, 3), np.round(lats, 3), np.round(heads, 3)
    feats = []
    for i, row in enumerate(flows.itertuples(index=False)):
        tooltip, popup = _flow_texts(row, magnitude, colour_by, lang)
        # Unwrapped longitudes: Leaflet draws a line past ±180° continuously.
        line = np.column_stack([lons[i], lats[i]]).tolist()
        feats.append({"type": "Feature",
                      "geometry": {"type": "MultiLineString", "coordinates": [line, heads[i].tolist()]},
                      "properties": {"style": {"color": colours[i], "weight": round(float(widths[i]), 2),
                                               "opacity": 0.6, "lineCap": "round", "lineJoin": "round"},
                                     "tip": tooltip, "pop": popup,
                                     "o": str(row.origin), "d": str(row.dest)}})
    return feats[::-1]


def total_radii(totals: pd.DataFrame, r_max: float = 16.0) -> np.ndarray:
    """Circle radius (pixels) of each location total: area proportional to outgoing + incoming."""
    if totals.empty:
        return np.zeros(0)
    value = (totals["outgoing"] + totals["incoming"]).to_numpy(dtype=float)
    return styles.radius_scale(value, float(value.max()), 2.5, r_max)


def total_features(totals: pd.DataFrame, magnitude: str, lang: str, r_max: float = 16.0) -> list[dict]:
    """Proportional circles of location totals, with their outgoing and incoming totals (flowmap.blue's
    location totals); a click on one isolates its flows (FlowFocus)."""
    if totals.empty:
        return []
    value = (totals["outgoing"] + totals["incoming"]).to_numpy(dtype=float)
    radius = total_radii(totals, r_max)
    feats = []
    order = np.argsort(-value, kind="stable")  # small circles on top of large ones
    for i in order:
        row = totals.iloc[i]
        french = row["side"] == "fr"
        text = tip(str(row["name"]), word("total_out", lang, value=styles.quantity(row["outgoing"], magnitude, lang)),
                   word("total_in", lang, value=styles.quantity(row["incoming"], magnitude, lang)))
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point", "coordinates": [round(float(row["lon"]), 4),
                                                                    round(float(row["lat"]), 4)]},
                      "properties": {"style": {"radius": round(float(radius[i]), 1), "color": "#ffffff",
                                               "weight": 1, "fillColor": styles.FR_FILL if french else styles.PARTNER_FILL,
                                               "fillOpacity": 0.8},
                                     "tip": text, "id": str(row["id"])}})
    return feats


def base_map(height: str = "100%", tiles: bool = False, departements: bool = True, regions: bool = True) -> folium.Map:
    """An offline map with the countries, régions and départements base layers.

    Leaflet and the base layers come from the app's server inside the app, inline in saved files
    and notebooks (atlas.maps.assets, atlas.maps.base_layers).
    """
    m = OfflineMap(location=[30, 10], zoom_start=2, tiles=None, prefer_canvas=True, control_scale=False,
                   world_copy_jump=False, height=height)
    MetricScale().add_to(m)
    if tiles:  # needs a network: off by default (setting ATLAS_TILES)
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", opacity=0.6).add_to(m)
    layers = [("countries", {"color": styles.LAND_EDGE, "weight": 0.6, "fillColor": styles.LAND,
                             "fillOpacity": 0.0 if tiles else 1.0}, True)]
    if departements:
        layers.append(("departements", {"color": "#c4c9d1", "weight": 0.4, "fill": False}, False))
    if regions:
        layers.append(("regions", {"color": "#9aa1ab", "weight": 0.9, "fill": False}, False))
    BaseLayers(layers).add_to(m)  # inline in saved files, fetched (and cached) inside the app
    return m


def _fit(m: folium.Map, lats: np.ndarray, lons: np.ndarray) -> None:
    lats, lons = lats[np.isfinite(lats)], lons[np.isfinite(lons)]
    if lats.size == 0:
        return
    lat0, lat1 = float(lats.min()), float(lats.max())
    lon0, lon1 = float(lons.min()), float(lons.max())
    # A single place: open around it rather than at maximum zoom.
    pad = 0.5 if (lat1 - lat0) < 1 and (lon1 - lon0) < 1 else 0.0
    m.fit_bounds([[lat0 - pad, lon0 - pad], [lat1 + pad, lon1 + pad]], padding=(24, 24))


def _legend_html(items: list[tuple[str, str]], title: str, widths: list[tuple[float, str]],
                 footer_lines: list[str], circle_labels: tuple[str, str] = ("France", "partenaires")) -> str:
    """Legend HTML: colour rows, line-width samples, footer lines; every label escaped here."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:18px;height:4px;background:{escape(c)};'
        f'vertical-align:middle;margin-right:6px"></span>{escape(label)}</div>'
        for c, label in items)
    width_rows = "".join(
        f'<div><span style="display:inline-block;width:26px;height:{max(1.0, w):.1f}px;background:#4b5563;'
        f'vertical-align:middle;margin-right:6px;border-radius:2px"></span>{escape(label)}</div>'
        for w, label in widths)
    dot = ('<span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:{};'
           'vertical-align:middle;margin-right:4px"></span>')
    circles = (f'<div style="margin-top:3px">{dot.format(styles.FR_FILL)}{escape(circle_labels[0])}'
               f'<span style="margin-left:10px"></span>{dot.format(styles.PARTNER_FILL)}{escape(circle_labels[1])}'
               '</div>')
    foot = "".join(f'<div style="margin-top:3px;color:#555;font-size:11px">{escape(line)}</div>'
                   for line in footer_lines if line)
    return (f"<b>{escape(title)}</b>{rows}<div style='margin-top:5px'></div>{width_rows}"
            f"{circles}{foot}")


def render_flow_map(flows: pd.DataFrame, *, origin_level: str, dest_level: str, n_links: int,
                    max_flows: int = 3000, lang: str = "fr", demo: bool = False, height: str = "100%",
                    magnitude: str = "links", colour_by: str = "zone", tiles: bool = False,
                    title: str | None = None, subtitle: str | None = None, source: str | None = None
                    ) -> tuple[folium.Map, MapInfo]:
    """A folium map of aggregated ``flows`` (atlas.geo.flows) that works offline.

    The ``max_flows`` largest flows by ``magnitude`` are drawn; the rest form an "others" bucket
    whose totals the legend states. Circles show every location's total (also the others').
    """
    col = fl.magnitude_column(magnitude)
    flows = group_names(flows, origin_level, dest_level, lang)  # "Mali : autres partenaires"
    drawn, others = fl.top_flows(flows, max_flows, magnitude) if len(flows) else (flows, {"n_flows": 0})
    totals = fl.location_totals(flows, magnitude)
    if len(totals) > max_flows:  # keep the page light: the largest locations only
        value = totals["outgoing"] + totals["incoming"]
        totals = totals.loc[value.sort_values(ascending=False).index[:max_flows]]

    m = base_map(height, tiles=tiles)
    palette: dict = {}
    labels: list[dict] = []
    n_candidates = 0
    vmax = float(drawn[col].max()) if len(drawn) else 0.0
    if len(drawn):
        cats = drawn["category"].to_numpy(dtype=object) if colour_by != "zone" and "category" in drawn else \
            drawn["zone"].to_numpy(dtype=object)
        colours, palette = styles.flow_colours(colour_by, cats, drawn[col].to_numpy(dtype=float))
        widths = _width(drawn[col].to_numpy(dtype=float), vmax)
        arcs = StyledGeoJson({"type": "FeatureCollection",
                              "features": flow_features(drawn, colours, widths, magnitude, colour_by, lang)}, "flows")
        arcs.add_to(m)
        places = StyledGeoJson({"type": "FeatureCollection", "features": total_features(totals, magnitude, lang)},
                               "totals")
        places.add_to(m)
        FlowFocus(arcs, places).add_to(m)
        lats = np.concatenate([drawn["origin_lat"].to_numpy(), drawn["dest_lat"].to_numpy()])
        lons = np.concatenate([drawn["origin_lon"].to_numpy(), drawn["dest_lon"].to_numpy()])
        _fit(m, lats, lons)
        zoom = initial_zoom(lats, lons)
        labels, n_candidates = choose_labels(totals, total_radii(totals), zoom,
                                             obstacles=(legend_box(lats, lons, zoom),))
        PlaceLabels([{"lon": p["lon"], "lat": p["lat"], "side": p["side"], "offset": p["offset"],
                      "text": escape(p["name"])} for p in labels]).add_to(m)  # escaped text only

    width_items = [(float(_width(np.array([v]), vmax)[0]), styles.quantity(v, magnitude, lang))
                   for v in styles.nice_steps(vmax)] if vmax > 0 else []
    footer = [
        word("links_and_levels", lang, links=styles.quantity(n_links, "links", lang),
             o=level_word(origin_level, lang), d=level_word(dest_level, lang)),
        word("circles", lang),
    ]
    if others.get("n_flows"):
        footer.append(word("others_not_drawn", lang, n=others["n_flows"],
                           links=styles.quantity(others["n_links"], "links", lang)))
    if "grouped" in flows.columns and (flows["grouped"] != "").any():
        groups = flows[flows["grouped"] != ""]
        footer.append(word("grouped_flows", lang, n=len(groups),
                           links=styles.quantity(int(groups["n_links"].sum()), "links", lang)))
    nameable = int((~totals["id"].astype(str).str.startswith(GROUP_PREFIX)).sum()) if len(totals) else 0
    footer.append(names_line(len(labels), n_candidates, nameable, magnitude, lang))
    if len(drawn):
        footer.append(word("focus_hint", lang))
    if subtitle:
        footer.insert(0, subtitle)
    if source:
        footer.append(source)
    if demo:
        footer.append(demo_mark(lang))
    legend_title = word(f"colour_by.{colour_by}", lang)
    body = _legend_html(styles.legend_items(colour_by, palette, lang), legend_title, width_items, footer,
                        (level_word("france", lang), word("partners", lang)))
    if title:
        body = f"<div style='font-size:14px;font-weight:600;margin-bottom:4px'>{escape(title)}</div>" + body
    # The sea colour rides with the legend's HTML: st_folium drops the map's <head> additions.
    style = f"<style>.leaflet-container{{background:{styles.SEA}}}{LABEL_CSS}</style>"
    Legend(style + body, lang=lang).add_to(m)
    info = MapInfo(origin_level, dest_level, int(n_links), len(flows), len(drawn), magnitude, colour_by, others)
    m.get_root().html.add_child(RawText(
        f"<script>window.atlasMapInfo = {{flows: {len(drawn)}, links: {int(n_links)}}};"
        f" window.atlasMapInfo.labels = {len(labels)};</script>"))
    return m, info


def build_flow_map(links: pd.DataFrame, *, origin_level: str = "auto", dest_level: str = "auto",
                   max_flows: int = 1500, lang: str = "fr", demo: bool = False,
                   height: str = "100%", magnitude: str = "links", colour_by: str = "zone",
                   tiles: bool = False, title: str | None = None, subtitle: str | None = None,
                   source: str | None = None) -> tuple[folium.Map, MapInfo]:
    """A folium map of ``links`` (the frame of atlas.db.queries.links) that works offline.

    Levels "auto" pick the finest aggregation with at most ``max_flows`` flows. Above that, the
    largest flows are drawn and the rest are counted in the legend.
    """
    if colour_by not in fl.COLOUR_BY:
        raise ValueError(f"colour_by must be one of {fl.COLOUR_BY}, got {colour_by!r}")
    fl.magnitude_column(magnitude)
    if len(links):
        ends, fr_idx, pa_idx = fl.ends_from_links(links)
        origin_level, dest_level = fl.resolve_levels(origin_level, dest_level, ends, fr_idx, pa_idx, max_flows)
    else:
        origin_level = "authority" if origin_level == "auto" else origin_level
        dest_level = "authority" if dest_level == "auto" else dest_level
    flows = fl.aggregate(links, origin_level, dest_level, colour_by=None if colour_by == "zone" else colour_by)
    return render_flow_map(flows, origin_level=origin_level, dest_level=dest_level, n_links=len(links),
                           max_flows=max_flows, lang=lang, demo=demo, height=height, magnitude=magnitude,
                           colour_by=colour_by, tiles=tiles, title=title, subtitle=subtitle, source=source)


def build_choropleth(values: dict[str, float], level: str = "country", *, lang: str = "fr", height: str = "100%",
                     title: str | None = None, legend_title: str | None = None, source: str | None = None,
                     magnitude: str = "links", demo: bool = False) -> folium.Map:
    """Counts per country (ISO alpha-2 keys) or per département (INSEE keys) as a choropleth."""
    if level not in ("country", "departement"):
        raise ValueError(f"choropleth level must be 'country' or 'departement', got {level!r}")
    m = base_map(height, departements=level != "departement", regions=True)
    bounds = choropleth_classes(np.array(list(values.values()), dtype=float))
    style_of: dict[str, dict] = {}
    tips: dict[str, str] = {}
    from atlas.maps.layers import simplified_shapes

    name, tol = ("countries", 0.08) if level == "country" else ("departements", 0.01)
    labels = {code: label for code, label, _g in simplified_shapes(name, tol)}
    for code, value in values.items():
        if not value or value <= 0:
            continue
        k = int(np.searchsorted(bounds, value, side="left"))
        colour = CHOROPLETH_COLOURS[min(k, len(CHOROPLETH_COLOURS) - 1) if len(bounds) > 1 else 3]
        style_of[str(code)] = {"color": "#6b7280", "weight": 0.6, "fillColor": colour, "fillOpacity": 0.9}
        tips[str(code)] = tip(labels.get(str(code), str(code)), styles.quantity(value, magnitude, lang))
    default = {"color": "#b8bec8", "weight": 0.5, "fillColor": "#fafafa" if level == "departement" else styles.LAND,
               "fillOpacity": 1.0}
    StyledGeoJson(choropleth_geojson(name, tol, style_of, tips, default), f"choropleth-{level}").add_to(m)
    lower = [0.0] + list(bounds[:-1])
    items = []
    for i, (lo, hi) in enumerate(zip(lower, bounds)):
        colour = CHOROPLETH_COLOURS[min(i, len(CHOROPLETH_COLOURS) - 1)]
        items.append((colour, f"{styles.format_value(lo + 1, magnitude, lang)} – "
                              f"{styles.format_value(hi, magnitude, lang)}"))
    footer = [source or "", demo_mark(lang) if demo else ""]
    head = legend_title or per_area(level, magnitude, lang)
    rows = "".join(f'<div><span style="display:inline-block;width:14px;height:10px;background:{c};'
                   f'vertical-align:middle;margin-right:6px;border:1px solid #9ca3af"></span>{escape(lbl)}</div>'
                   for c, lbl in items)
    foot = "".join(f'<div style="margin-top:3px;color:#555;font-size:11px">{escape(x)}</div>' for x in footer if x)
    body = (f"<div style='font-size:14px;font-weight:600;margin-bottom:4px'>{escape(title)}</div>" if title else "")
    Legend(f"<style>.leaflet-container{{background:{styles.SEA}}}</style>{body}<b>{escape(head)}</b>{rows}{foot}",
           lang=lang).add_to(m)
    if level == "departement":
        m.fit_bounds([[41.2, -5.3], [51.2, 9.7]])
    else:
        m.fit_bounds([[-50, -140], [72, 160]])
    return m
