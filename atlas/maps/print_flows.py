"""The print map of flows: great-circle arcs with arrowheads, proportional circles, a legend.

The page comes from :mod:`atlas.maps.print_page`, the projection, base layers and overseas
insets from :mod:`atlas.maps.print_projection`, colours and sizes from :mod:`atlas.maps.styles`
and every word from :mod:`atlas.maps.words`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from pyproj import Transformer

from atlas.geo import flows as fl
from atlas.geo.arcs import great_circle_lines
from atlas.maps import styles
from atlas.maps.print_labels import LABELS, label_places, reserve_note, settle_note
from atlas.maps.print_legend import Crowding, centre_above, make_room, place, refit, rows
from atlas.maps.print_legend import draw as draw_legend
from atlas.maps.print_page import default_source, page, plain_text, subtitle_for
from atlas.maps.print_projection import (FRANCE_CRS, OVERSEAS, PROJECTION_ALIASES, PROJECTION_CHOICES, WORLD_CRS,
                                         base_layers, choose_projection, frame, graticule_lines, insets,
                                         overseas_box_mask, overseas_mask, projection_note, scale_bar,
                                         style_map_axes, transformer, world_outline)
from atlas.maps.words import demo_mark, level_word, word

#: Line widths (points) of the thinnest and the widest arc, radii of the smallest and largest circle.
WIDTHS = (0.35, 5.0)
RADII = (1.2, 9.0)


def arc_segments(flows: pd.DataFrame, tr: Transformer, npts: int = 48) -> tuple[list[np.ndarray], list[int]]:
    """Projected great-circle pieces (split at the antimeridian) and the flow each belongs to."""
    geoms, _ = great_circle_lines(flows["origin_lon"].to_numpy(float), flows["origin_lat"].to_numpy(float),
                                  flows["dest_lon"].to_numpy(float), flows["dest_lat"].to_numpy(float), npts=npts)
    segs: list[np.ndarray] = []
    owner: list[int] = []
    for i, g in enumerate(geoms):
        parts = g.geoms if g.geom_type == "MultiLineString" else [g]
        for part in parts:
            c = np.asarray(part.coords)
            x, y = tr.transform(c[:, 0], c[:, 1])
            segs.append(np.column_stack([x, y]))
            owner.append(i)
    return segs, owner


def arrowheads(segs: list[np.ndarray], owner: list[int], arm: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """A "V" at 72 % of each flow's longest piece, pointing to the destination: (flow, points) pairs."""
    best: dict[int, np.ndarray] = {}
    for s, i in zip(segs, owner):
        if i not in best or len(s) > len(best[i]):
            best[i] = s
    heads = []
    c, s_ = math.cos(math.radians(26)), math.sin(math.radians(26))
    for i, seg in best.items():
        if len(seg) < 3:
            continue
        k = int(round(0.72 * (len(seg) - 1)))
        k0, k1 = max(k - 1, 0), min(k + 1, len(seg) - 1)
        d = seg[k1] - seg[k0]
        n = np.hypot(*d)
        if n == 0:
            continue
        bx, by = -d / n
        tip_ = seg[k]
        left = tip_ + arm[i] * np.array([bx * c - by * s_, bx * s_ + by * c])
        right = tip_ + arm[i] * np.array([bx * c + by * s_, -bx * s_ + by * c])
        heads.append((i, np.vstack([left, tip_, right])))
    return heads


def _draw_arcs(ax: Axes, drawn: pd.DataFrame, col: str, colour_by: str, vmax: float, tr: Transformer,
               full: tuple[float, float, float, float], clamp: bool) -> tuple[dict, np.ndarray]:
    """Arcs and arrowheads of the drawn flows (largest on top), the map framed on them; the palette
    and the arcs' projected vertices."""
    drawn = drawn.sort_values(col, kind="stable", ignore_index=True)  # largest drawn last (on top)
    cats = drawn["category"].to_numpy(dtype=object) if colour_by != "zone" and "category" in drawn else \
        drawn["zone"].to_numpy(dtype=object)
    colours, palette = styles.flow_colours(colour_by, cats, drawn[col].to_numpy(float))
    widths = styles.width_scale(drawn[col].to_numpy(float), vmax, *WIDTHS)
    segs, owner = arc_segments(drawn, tr)
    ox, oy = tr.transform(drawn["origin_lon"].to_numpy(float), drawn["origin_lat"].to_numpy(float))
    dx, dy = tr.transform(drawn["dest_lon"].to_numpy(float), drawn["dest_lat"].to_numpy(float))
    pts = np.concatenate(segs)  # the arcs bulge beyond their ends: frame them whole
    frame(ax, np.concatenate([ox, dx, pts[:, 0]]), np.concatenate([oy, dy, pts[:, 1]]), full, clamp=clamp)
    frame_w = ax.get_xlim()[1] - ax.get_xlim()[0]
    alpha = 0.75 if len(drawn) < 200 else 0.55
    ax.add_collection(LineCollection(segs, colors=[colours[i] for i in owner], linewidths=[widths[i] for i in owner],
                                     alpha=alpha, capstyle="round", joinstyle="round", zorder=4))
    heads = arrowheads(segs, owner, frame_w * (0.0045 + 0.0011 * widths))
    if heads:
        ax.add_collection(LineCollection([h for _i, h in heads], colors=[colours[i] for i, _h in heads],
                                         linewidths=[max(0.5, widths[i] * 0.7) for i, _h in heads],
                                         alpha=min(1.0, alpha + 0.15), capstyle="round", joinstyle="round", zorder=4))
    return palette, pts


def _notes(lang: str, origin_level: str, dest_level: str, n_links: int | None, others: dict, overseas: bool,
           demo: bool) -> list[str]:
    """The legend's closing lines: levels, links, circles, flows not drawn, insets, demonstration mark."""
    notes = []
    if origin_level and dest_level:
        notes.append(word("flows_levels", lang, o=level_word(origin_level, lang), d=level_word(dest_level, lang)))
    if n_links is not None:
        notes.append(styles.quantity(n_links, "links", lang))
    notes.append(word("circles_coloured", lang))
    if others.get("n_flows"):
        notes.append(word("others_in_circles", lang, n=others["n_flows"],
                          links=styles.quantity(others["n_links"], "links", lang)))
    if overseas:
        notes.append(word("overseas_insets", lang))
    if demo:
        notes.append(demo_mark(lang))
    return notes


@plain_text
def static_flow_map(flows: pd.DataFrame, *, title: str, subtitle: str = "", source: str | None = None,
                    n_links: int | None = None, origin_level: str = "", dest_level: str = "",
                    magnitude: str = "links", colour_by: str = "zone", max_flows: int = 3000, lang: str = "fr",
                    layout: str = "a4", projection: str = "auto", demo: bool = False,
                    labels: int = LABELS) -> Figure:
    """A print map of aggregated flows (atlas.geo.flows): arcs, proportional circles, the ``labels``
    largest places named, a legend in the map's emptiest corner."""
    source = source or default_source(lang, demo)
    col = fl.magnitude_column(magnitude)
    view = choose_projection(flows) if projection == "auto" else PROJECTION_ALIASES.get(projection, projection)
    if view not in ("world", "france"):
        raise ValueError(f"projection must be one of {PROJECTION_CHOICES}, got {projection!r}")
    crs = WORLD_CRS if view == "world" else FRANCE_CRS
    levels = word("links_and_levels", lang, links=styles.quantity(n_links, "links", lang),
                  o=level_word(origin_level, lang), d=level_word(dest_level, lang)) \
        if n_links is not None and origin_level and dest_level else ""
    sub = subtitle_for(title, subtitle) or levels
    fig, ax = page(layout, title, sub, source, projection_note(view, lang))
    style_map_axes(ax)
    tr = transformer(crs)
    lon = np.r_[flows["origin_lon"].to_numpy(float), flows["dest_lon"].to_numpy(float)] if len(flows) else np.zeros(1)
    lat = np.r_[flows["origin_lat"].to_numpy(float), flows["dest_lat"].to_numpy(float)] if len(flows) else np.zeros(1)
    full, land = base_layers(ax, view, crs, tr, (np.nanmin(lon), np.nanmin(lat), np.nanmax(lon), np.nanmax(lat)))

    drawn, others = fl.top_flows(flows, max_flows, magnitude) if len(flows) else (flows, {"n_flows": 0})
    totals = fl.location_totals(flows, magnitude)
    fr_rows = totals[totals["side"] == "fr"]
    overseas_codes: list[str] = []
    if view == "france" and len(totals):
        overseas_codes = [code for code in OVERSEAS if overseas_box_mask(code, fr_rows["lon"], fr_rows["lat"]).any()]
        # Overseas origins are shown in their insets, not as arcs across the frame.
        drawn = drawn[~overseas_mask(drawn["origin_lon"].to_numpy(float), drawn["origin_lat"].to_numpy(float))]
    vmax = float(drawn[col].max()) if len(drawn) else 0.0
    palette: dict = {}
    vertices = np.empty((0, 2))
    if len(drawn):
        palette, vertices = _draw_arcs(ax, drawn, col, colour_by, vmax, tr, full, clamp=view == "world")
    else:
        frame(ax, np.array([]), np.array([]), full)
    if view == "world":
        graticule_lines(ax, tr)

    # Proportional circles: every location's total, French origins in blue, partners in orange.
    tot_value = (totals["outgoing"] + totals["incoming"]).to_numpy(float) if len(totals) else np.array([])
    t_max = float(tot_value.max()) if tot_value.size else 0.0

    def circles(target_ax: Axes, rows: pd.DataFrame, values: np.ndarray, to_map: Transformer) -> np.ndarray:
        if rows.empty:
            return np.empty(0)
        x, y = to_map.transform(rows["lon"].to_numpy(float), rows["lat"].to_numpy(float))
        r = styles.radius_scale(values, t_max, *RADII)
        order = np.argsort(-values, kind="stable")
        fill = np.where(rows["side"].to_numpy() == "fr", styles.FR_FILL, styles.PARTNER_FILL)
        target_ax.scatter(x[order], y[order], s=(2 * r[order]) ** 2, c=fill[order], edgecolors="white",
                          linewidths=0.5, alpha=0.85, zorder=5)
        return r

    places = pd.DataFrame(columns=["name", "x", "y", "radius", "value", "side"])
    if len(totals):
        radius = circles(ax, totals, tot_value, tr)
        px, py = tr.transform(totals["lon"].to_numpy(float), totals["lat"].to_numpy(float))
        places = pd.DataFrame({"name": totals["name"].to_numpy(object), "x": px, "y": py, "radius": radius,
                               "value": tot_value, "side": totals["side"].to_numpy(object)})
    style_map_axes(ax)  # geopandas labels the axes with the CRS's axis names: not on a map

    in_subtitle = bool(levels) and sub == levels  # links and levels already said under the title
    notes = _notes(lang, "" if in_subtitle else origin_level, dest_level, None if in_subtitle else n_links, others,
                   bool(overseas_codes), demo)
    # The names' line is sized for its longest wording before the names are placed (they must
    # avoid the legend), then given its final words.
    names_at = len(notes) - (1 if demo else 0)
    if labels and len(places):
        reserve_note(notes, names_at, labels, magnitude, lang)
    legend_rows = rows(word(f"colour_by.{colour_by}", lang), styles.legend_items(colour_by, palette, lang),
                       _width_items(vmax, magnitude, lang), _circle_items(t_max, magnitude, lang), notes)
    whole_world = view == "world" and ax.get_xlim()[1] - ax.get_xlim()[0] >= (full[2] - full[0]) * 0.99
    if whole_world:
        make_room(fig, ax, legend_rows, full[1])  # the legend goes in the band of page under the world

    def crowding() -> Crowding:
        return Crowding(fig, ax, vertices, (places[["x", "y"]].to_numpy(float), places["radius"].to_numpy(float) / 72),
                        land, world_outline(tr) if view == "world" else None)

    crowd = crowding()
    if overseas_codes:
        fr_vals = (fr_rows["outgoing"] + fr_rows["incoming"]).to_numpy(float)

        def draw(iax: Axes, code: str, itr: Transformer) -> None:
            m = overseas_box_mask(code, fr_rows["lon"], fr_rows["lat"]).to_numpy()
            circles(iax, fr_rows[m], fr_vals[m], itr)

        insets(fig, ax, overseas_codes, draw, crowd)
    box, cols = place(crowd, legend_rows)
    if whole_world and centre_above(fig, ax, box, full[1]):
        crowd = crowding()  # the map moved: measure it again
    crowd.block(box)
    if view == "france":
        scale_bar(ax, crowd)
    if labels and len(places):
        placed, tried = label_places(fig, ax, crowd, places, labels)
        settle_note(legend_rows, names_at, placed, tried, len(places), magnitude, lang)
        box = refit(box, cols, crowd.map_box())
    draw_legend(fig, box, cols)
    return fig


def _width_items(vmax: float, magnitude: str, lang: str) -> list[tuple[float, str]]:
    """Legend rows of line widths: (width in points, label) for a few round values."""
    return [(float(styles.width_scale(np.array([v]), vmax, *WIDTHS)[0]),
             word("flow_width", lang, label=styles.quantity(v, magnitude, lang)))
            for v in styles.nice_steps(vmax)] if vmax else []


def _circle_items(t_max: float, magnitude: str, lang: str) -> list[tuple[float, str]]:
    """Legend rows of circles: (radius in points, label) for a few round values."""
    return [(float(styles.radius_scale(np.array([v]), t_max, *RADII)[0]), styles.quantity(v, magnitude, lang))
            for v in styles.nice_steps(t_max)] if t_max else []
