"""Print maps for reports: flows or a choropleth as a matplotlib figure (PNG 300 dpi, SVG, PDF).

- Projections: Equal Earth (EPSG:8857) for the world, cropped to the data when it covers a part
  of it, with a graticule (an equal-area world map has no single scale); Lambert-93 (EPSG:2154)
  for France and its neighbours, with a scale bar and insets for the overseas départements when
  they appear.
- Layouts: A4 landscape and 16:9 slides. Every map has a title, a subtitle stating the active
  filters, a legend (colours, line widths, circles), a source and date line.
- Text stays text: SVG keeps <text> elements and PDF embeds TrueType fonts, so titles can be
  searched and copied.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from textwrap import shorten, wrap

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from pyproj import Transformer

from atlas.geo import flows as fl
from atlas.geo.arcs import great_circle_lines
from atlas.maps import styles
from atlas.reference import loaders

#: Page sizes in inches (landscape).
LAYOUTS: dict[str, tuple[float, float]] = {"a4": (11.69, 8.27), "16:9": (13.333, 7.5)}
WORLD_CRS = "EPSG:8857"  # Equal Earth
FRANCE_CRS = "EPSG:2154"  # Lambert-93
#: Frame of the France view, lon/lat: metropolitan France and its neighbours.
EUROPE_BOX = (-11.0, 35.5, 24.0, 58.5)
#: Overseas départements: INSEE code → (name, local projected CRS, lon/lat box).
OVERSEAS: dict[str, tuple[str, str, tuple[float, float, float, float]]] = {
    "971": ("Guadeloupe", "EPSG:5490", (-61.85, 15.83, -61.0, 16.52)),
    "972": ("Martinique", "EPSG:5490", (-61.25, 14.38, -60.8, 14.89)),
    "973": ("Guyane", "EPSG:2972", (-54.65, 2.1, -51.6, 5.8)),
    "974": ("La Réunion", "EPSG:2975", (55.2, -21.4, 55.85, -20.85)),
    "976": ("Mayotte", "EPSG:4471", (44.98, -13.02, 45.32, -12.63)),
}
FONT = "DejaVu Sans"


#: Text drawn on print maps is data, never markup: no mathtext ("$x$"), no TeX.
TEXT_RC = {"text.parse_math": False, "text.usetex": False}

_F = TypeVar("_F", bound=Callable[..., Any])


def _plain_text(build: _F) -> _F:
    """Run a figure builder with mathtext and TeX off, so a "$" in a name prints as a dollar."""

    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with matplotlib.rc_context(TEXT_RC):
            return build(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _text(s: object) -> str:
    """Data text for matplotlib (printed as it is: builders run under TEXT_RC)."""
    return str(s)


def default_source(lang: str = "fr", demo: bool = False, when: date | None = None) -> str:
    """The source and date line printed under every map."""
    when = when or date.today()
    fr = lang == "fr"
    base = ("Source : Atlas de l'action extérieure des collectivités territoriales" if fr
            else "Source: Atlas of the international action of French local authorities")
    if demo:
        base += " — données de démonstration" if fr else " — demonstration data"
    return f"{base} · {when.isoformat()}"


def _transformer(crs: str) -> Transformer:
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def choose_projection(flows: pd.DataFrame) -> str:
    """"france" when every partner and metropolitan origin lies in Europe's frame, else "world"."""
    if flows.empty:
        return "world"
    x0, y0, x1, y1 = EUROPE_BOX
    lon = np.concatenate([flows["dest_lon"].to_numpy(float), flows["origin_lon"].to_numpy(float)])
    lat = np.concatenate([flows["dest_lat"].to_numpy(float), flows["origin_lat"].to_numpy(float)])
    overseas = _overseas_mask(flows["origin_lon"].to_numpy(float), flows["origin_lat"].to_numpy(float))
    inside = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    inside[len(flows):] |= overseas
    return "france" if inside.all() else "world"


def _overseas_mask(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    mask = np.zeros(lon.shape, dtype=bool)
    for _code, (_n, _crs, (a, b, c, d)) in OVERSEAS.items():
        mask |= (lon >= a - 0.5) & (lon <= c + 0.5) & (lat >= b - 0.5) & (lat <= d + 0.5)
    return mask


# ---- page ---------------------------------------------------------------------------------------------

def _page(layout: str, title: str, subtitle: str, source: str, projection_note: str
          ) -> tuple[Figure, Axes, Axes]:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {sorted(LAYOUTS)}, got {layout!r}")
    w, h = LAYOUTS[layout]
    # A bare Figure, not pyplot: no global backend or figure registry is touched.
    fig = Figure(figsize=(w, h))
    fig.patch.set_facecolor("white")
    top = 1 - 0.9 / h  # room for title and subtitle
    bottom = 0.45 / h
    legend_w = 2.9 / w
    ax = fig.add_axes((0.3 / w, bottom, 1 - legend_w - 0.45 / w, top - bottom - 0.05))
    leg = fig.add_axes((1 - legend_w, bottom, legend_w - 0.15 / w, top - bottom - 0.05))
    leg.set_axis_off()
    fig.text(0.3 / w, 1 - 0.32 / h, shorten(_text(title), 110, placeholder="…"), fontsize=17, fontweight="bold",
             family=FONT, va="center", color="#111827")
    sub = "\n".join(wrap(_text(subtitle), 150)[:2])
    fig.text(0.3 / w, 1 - 0.62 / h, sub, fontsize=9.5, family=FONT, va="center", color="#4b5563")
    fig.text(0.3 / w, 0.2 / h, _text(source), fontsize=8, family=FONT, color="#4b5563", va="center")
    fig.text(1 - 0.2 / w, 0.2 / h, projection_note, fontsize=7.5, family=FONT, color="#6b7280", ha="right",
             va="center")
    return fig, ax, leg


def _style_map_axes(ax: Axes) -> None:
    ax.set_xlabel("")
    ax.set_ylabel("")
    if not getattr(ax, "_atlas_world", False):
        ax.set_facecolor(styles.SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#9ca3af")
        spine.set_linewidth(0.6)


# ---- base layers ---------------------------------------------------------------------------------------

def _countries(crs: str, clip: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
    gdf = loaders.read_shapes("countries")
    gdf = gdf[gdf["iso2"] != "AQ"] if "iso2" in gdf.columns else gdf
    if clip is not None:
        gdf = gdf.clip(shapely.box(*clip))
        gdf = gdf[~gdf.geometry.is_empty]
    return gdf.to_crs(crs)


def _graticule(ax: Axes, tr: Transformer) -> None:
    segs = []
    for lon in range(-180, 181, 30):
        lat = np.linspace(-85, 85, 60)
        x, y = tr.transform(np.full(lat.shape, float(lon)), lat)
        segs.append(np.column_stack([x, y]))
    for lat in range(-60, 61, 30):
        lon = np.linspace(-180, 180, 120)
        x, y = tr.transform(lon, np.full(lon.shape, float(lat)))
        segs.append(np.column_stack([x, y]))
    ax.add_collection(LineCollection(segs, colors="#ffffff", linewidths=0.5, alpha=0.9, zorder=1))
    ax._atlas_world = True  # type: ignore[attr-defined]  # keep the white page when restyled
    # The Equal Earth world as a sea-coloured shape on a white page, with its outline.
    lat = np.linspace(-90, 90, 100)
    xl, yl = tr.transform(np.full(lat.shape, -180.0), lat)
    xr, yr = tr.transform(np.full(lat.shape, 180.0), lat[::-1])
    xs, ys = np.concatenate([xl, xr, xl[:1]]), np.concatenate([yl, yr, yl[:1]])
    ax.set_facecolor("white")
    ax.fill(xs, ys, color=styles.SEA, zorder=0, lw=0)
    ax.plot(xs, ys, color="#9ca3af", lw=0.6, zorder=1)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _scale_bar(ax: Axes, length_km: float | None = None) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width_km = (x1 - x0) / 1000
    if length_km is None:
        raw = width_km / 5
        exp = 10 ** math.floor(math.log10(raw))
        length_km = max(m * exp for m in (1, 2, 5) if m * exp <= raw)
    # Bottom right: the bottom left holds the overseas insets.
    bx = x1 - (x1 - x0) * 0.04 - length_km * 1000
    by = y0 + (y1 - y0) * 0.05
    h = (y1 - y0) * 0.008
    half = length_km * 1000 / 2
    ax.add_patch(Rectangle((bx, by), half, h, facecolor="#374151", edgecolor="#374151", lw=0.5, zorder=6))
    ax.add_patch(Rectangle((bx + half, by), half, h, facecolor="white", edgecolor="#374151", lw=0.5, zorder=6))
    for xpos, label in ((bx, "0"), (bx + half * 2, f"{length_km:g} km")):
        ax.text(xpos, by + h * 2.2, label, fontsize=7, ha="center", va="bottom", family=FONT, color="#374151", zorder=6)


def _frame(ax: Axes, xs: np.ndarray, ys: np.ndarray, full: tuple[float, float, float, float],
           margin: float = 0.08, clamp: bool = True) -> None:
    """Fit the axes to the points (with a margin) in the axes' aspect ratio, within ``full``."""
    fx0, fy0, fx1, fy1 = full
    xs, ys = xs[np.isfinite(xs)], ys[np.isfinite(ys)]
    if xs.size == 0:
        x0, y0, x1, y1 = full
    else:
        x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
        dx, dy = max(x1 - x0, (fx1 - fx0) * 0.08), max(y1 - y0, (fy1 - fy0) * 0.08)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        x0, x1 = cx - dx * (0.5 + margin), cx + dx * (0.5 + margin)
        y0, y1 = cy - dy * (0.5 + margin), cy + dy * (0.5 + margin)
    bbox = ax.get_position(original=True)  # geopandas' equal aspect may have shrunk the active box
    fig_w, fig_h = ax.figure.get_size_inches()
    aspect = (bbox.width * fig_w) / (bbox.height * fig_h)
    w, h = x1 - x0, y1 - y0
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if clamp and w >= (fx1 - fx0) * 0.6:  # most of the world: show all of it
        w = fx1 - fx0
        h = w / aspect
        cx = (fx0 + fx1) / 2
        cy = min(max(cy, fy0 + h / 2), fy1 - h / 2) if h < (fy1 - fy0) else (fy0 + fy1) / 2
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")


# ---- flows --------------------------------------------------------------------------------------------

def _arc_segments(flows: pd.DataFrame, tr: Transformer, npts: int = 48) -> tuple[list[np.ndarray], list[int]]:
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


def _arrowheads(segs: list[np.ndarray], owner: list[int], arm: np.ndarray) -> list[np.ndarray]:
    """A "V" at 72 % of each flow's longest piece, pointing to the destination."""
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
    return heads  # type: ignore[return-value]


def _legend(leg: Axes, title: str, items: list[tuple[str, str]], widths: list[tuple[float, str]],
            circles: list[tuple[float, str]], notes: list[str]) -> None:
    """Draw the legend column in axes coordinates (top to bottom)."""
    y = 0.98
    leg.text(0.0, y, _text(title), fontsize=10, fontweight="bold", family=FONT, va="top", transform=leg.transAxes)
    y -= 0.045
    for colour, label in items:
        leg.add_line(Line2D([0.0, 0.09], [y - 0.008, y - 0.008], color=colour, lw=3.2, solid_capstyle="round",
                            transform=leg.transAxes))
        lines = wrap(_text(label), 38)[:2]
        leg.text(0.12, y, "\n".join(lines), fontsize=7.8, family=FONT, va="top", transform=leg.transAxes)
        y -= 0.034 * len(lines) + 0.006
    if widths:
        y -= 0.015
        for w, label in widths:
            leg.add_line(Line2D([0.0, 0.09], [y - 0.008, y - 0.008], color="#4b5563", lw=w, solid_capstyle="butt",
                                transform=leg.transAxes))
            leg.text(0.12, y, _text(label), fontsize=7.8, family=FONT, va="top", transform=leg.transAxes)
            y -= 0.036
    if circles:
        y -= 0.015
        for r, label in circles:
            leg.scatter([0.045], [y - 0.01], s=(2 * r) ** 2, facecolor="none", edgecolor="#374151", lw=0.8,
                        transform=leg.transAxes, clip_on=False)
            leg.text(0.12, y, _text(label), fontsize=7.8, family=FONT, va="top", transform=leg.transAxes)
            y -= max(0.036, 2 * r / (leg.bbox.height / leg.figure.dpi * 72) + 0.012)
    y -= 0.01
    for note in notes:
        lines = wrap(_text(note), 44)
        leg.text(0.0, y, "\n".join(lines), fontsize=7.2, family=FONT, va="top", color="#4b5563",
                 transform=leg.transAxes)
        y -= 0.028 * len(lines) + 0.01


def _insets(fig: Figure, ax: Axes, codes: list[str], draw) -> None:
    """Small frames for overseas départements along the bottom-left of the map (Lambert-93 view)."""
    bbox = ax.get_position()
    size = min(bbox.width, bbox.height) * 0.17
    for i, code in enumerate(codes):
        name, crs, box = OVERSEAS[code]
        iax = fig.add_axes((bbox.x0 + 0.006 + i * (size + 0.006), bbox.y0 + 0.006, size, size * 1.05))
        _style_map_axes(iax)
        tr = _transformer(crs)
        x0, y0 = tr.transform(box[0], box[1])
        x1, y1 = tr.transform(box[2], box[3])
        deps = loaders.read_shapes("departements")
        dep = deps[deps["code"] == code].to_crs(crs)
        dep.plot(ax=iax, facecolor=styles.LAND, edgecolor=styles.LAND_EDGE, lw=0.5)
        draw(iax, code, tr)
        cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) * 0.62
        iax.set_xlim(cx - half, cx + half)
        iax.set_ylim(cy - half, cy + half)
        iax.set_aspect("equal", adjustable="box")
        _style_map_axes(iax)
        iax.set_title(name, fontsize=6.5, family=FONT, pad=1.5, color="#374151")


@_plain_text
def static_flow_map(flows: pd.DataFrame, *, title: str, subtitle: str = "", source: str | None = None,
                    n_links: int | None = None, origin_level: str = "", dest_level: str = "",
                    magnitude: str = "links", colour_by: str = "zone", max_flows: int = 3000, lang: str = "fr",
                    layout: str = "a4", projection: str = "auto", demo: bool = False) -> Figure:
    """A print map of aggregated flows (atlas.geo.flows): arcs, proportional circles, legend."""
    fr = lang == "fr"
    source = source or default_source(lang, demo)
    col = fl.magnitude_column(magnitude)
    proj = choose_projection(flows) if projection == "auto" else projection
    if proj not in ("world", "france"):
        raise ValueError(f"projection must be 'auto', 'world' or 'france', got {projection!r}")
    crs = WORLD_CRS if proj == "world" else FRANCE_CRS
    note = ("Projection : Equal Earth (EPSG:8857)" if fr else "Projection: Equal Earth (EPSG:8857)") if proj == "world" \
        else ("Projection : Lambert-93 (EPSG:2154)" if fr else "Projection: Lambert-93 (EPSG:2154)")
    fig, ax, leg = _page(layout, title, subtitle, source, note)
    _style_map_axes(ax)
    tr = _transformer(crs)
    if proj == "world":
        _graticule(ax, tr)
        countries = _countries(crs)
        # Equal Earth is widest at the equator; Antarctica (below 60° S) is left out.
        full = (tr.transform(-180.0, 0.0)[0], -6.3e6, tr.transform(180.0, 0.0)[0], 8.4e6)
    else:
        countries = _countries(crs, clip=(-30.0, 25.0, 50.0, 72.0))
        x0, y0 = tr.transform(EUROPE_BOX[0], EUROPE_BOX[1])
        x1, y1 = tr.transform(EUROPE_BOX[2], EUROPE_BOX[3])
        full = (x0, y0, x1, y1)
    countries.plot(ax=ax, facecolor=styles.LAND, edgecolor=styles.LAND_EDGE, lw=0.35, zorder=2)
    if proj == "france":
        regs = loaders.read_shapes("regions").to_crs(crs)
        regs.boundary.plot(ax=ax, color="#9aa1ab", lw=0.5, zorder=3)

    drawn, others = fl.top_flows(flows, max_flows, magnitude) if len(flows) else (flows, {"n_flows": 0})
    totals = fl.location_totals(flows, magnitude)
    overseas_codes: list[str] = []
    if proj == "france" and len(totals):
        fr_tot = totals[totals["side"] == "fr"]
        for code, (_n, _c, (a, b, c, d)) in OVERSEAS.items():
            if ((fr_tot["lon"] >= a - 0.5) & (fr_tot["lon"] <= c + 0.5) & (fr_tot["lat"] >= b - 0.5)
                    & (fr_tot["lat"] <= d + 0.5)).any():
                overseas_codes.append(code)
        # Overseas origins are shown in their insets, not as arcs across the frame.
        keep = ~_overseas_mask(drawn["origin_lon"].to_numpy(float), drawn["origin_lat"].to_numpy(float))
        drawn = drawn[keep]
    vmax = float(drawn[col].max()) if len(drawn) else 0.0
    palette: dict = {}
    xs_all = np.array([])
    ys_all = np.array([])
    if len(drawn):
        drawn = drawn.sort_values(col, kind="stable", ignore_index=True)  # largest drawn last (on top)
        cats = drawn["category"].to_numpy(dtype=object) if colour_by != "zone" and "category" in drawn else \
            drawn["zone"].to_numpy(dtype=object)
        colours, palette = styles.flow_colours(colour_by, cats, drawn[col].to_numpy(float))
        widths = styles.width_scale(drawn[col].to_numpy(float), vmax, 0.35, 5.0)
        segs, owner = _arc_segments(drawn, tr)
        ox, oy = tr.transform(drawn["origin_lon"].to_numpy(float), drawn["origin_lat"].to_numpy(float))
        dx, dy = tr.transform(drawn["dest_lon"].to_numpy(float), drawn["dest_lat"].to_numpy(float))
        pts = np.concatenate(segs)  # the arcs bulge beyond their ends: frame them whole
        xs_all, ys_all = np.concatenate([ox, dx, pts[:, 0]]), np.concatenate([oy, dy, pts[:, 1]])
        _frame(ax, xs_all, ys_all, full, clamp=proj == "world")
        frame_w = ax.get_xlim()[1] - ax.get_xlim()[0]
        alpha = 0.75 if len(drawn) < 200 else 0.55
        ax.add_collection(LineCollection(segs, colors=[colours[i] for i in owner], linewidths=[widths[i] for i in owner],
                                         alpha=alpha, capstyle="round", joinstyle="round", zorder=4))
        arm = frame_w * (0.0045 + 0.0011 * widths)
        heads = _arrowheads(segs, owner, arm)
        if heads:
            ax.add_collection(LineCollection([h for _i, h in heads], colors=[colours[i] for i, _h in heads],
                                             linewidths=[max(0.5, widths[i] * 0.7) for i, _h in heads],
                                             alpha=min(1.0, alpha + 0.15), capstyle="round", joinstyle="round",
                                             zorder=4))
    else:
        _frame(ax, xs_all, ys_all, full)

    # Proportional circles: every location's total, French origins in blue, partners in orange.
    tot_value = (totals["outgoing"] + totals["incoming"]).to_numpy(float) if len(totals) else np.array([])
    t_max = float(tot_value.max()) if tot_value.size else 0.0
    r_max = 9.0

    def circles(target_ax: Axes, rows: pd.DataFrame, values: np.ndarray, transformer: Transformer) -> None:
        if rows.empty:
            return
        x, y = transformer.transform(rows["lon"].to_numpy(float), rows["lat"].to_numpy(float))
        r = styles.radius_scale(values, t_max, 1.2, r_max)
        order = np.argsort(-values, kind="stable")
        fill = np.where(rows["side"].to_numpy() == "fr", styles.FR_FILL, styles.PARTNER_FILL)
        target_ax.scatter(x[order], y[order], s=(2 * r[order]) ** 2, c=fill[order], edgecolors="white",
                          linewidths=0.5, alpha=0.85, zorder=5)

    if len(totals):
        circles(ax, totals, tot_value, tr)
    if overseas_codes:
        fr_rows = totals[totals["side"] == "fr"]
        fr_vals = (fr_rows["outgoing"] + fr_rows["incoming"]).to_numpy(float)

        def draw(iax: Axes, code: str, itr: Transformer) -> None:
            a, b, c, d = OVERSEAS[code][2]
            m = ((fr_rows["lon"] >= a - 0.5) & (fr_rows["lon"] <= c + 0.5) & (fr_rows["lat"] >= b - 0.5)
                 & (fr_rows["lat"] <= d + 0.5)).to_numpy()
            circles(iax, fr_rows[m], fr_vals[m], itr)

        _insets(fig, ax, overseas_codes, draw)
    if proj == "france":
        _scale_bar(ax)
    _style_map_axes(ax)  # geopandas labels the axes with the CRS's axis names: not on a map

    width_items = [(float(styles.width_scale(np.array([v]), vmax, 0.35, 5.0)[0]),
                    styles.quantity(v, magnitude, lang)) for v in styles.nice_steps(vmax)] if vmax else []
    circle_items = [(float(styles.radius_scale(np.array([v]), t_max, 1.2, r_max)[0]),
                     styles.quantity(v, magnitude, lang)) for v in styles.nice_steps(t_max)] if t_max else []
    from atlas.maps.flowmap import LEVEL_WORDS

    words = LEVEL_WORDS["fr" if fr else "en"]
    notes = []
    if origin_level and dest_level:
        notes.append((f"Flux : {words.get(origin_level, origin_level)} → {words.get(dest_level, dest_level)}" if fr
                      else f"Flows: {words.get(origin_level, origin_level)} → {words.get(dest_level, dest_level)}"))
    if n_links is not None:
        notes.append(styles.quantity(n_links, "links", lang))
    notes.append("Cercles : total par lieu (bleu : collectivités françaises, orange : partenaires)" if fr
                 else "Circles: total per place (blue: French authorities, orange: partners)")
    if others.get("n_flows"):
        notes.append(f"{others['n_flows']} petits flux non tracés ({styles.quantity(others['n_links'], 'links', lang)}), comptés dans les cercles"
                     if fr else f"{others['n_flows']} smaller flows not drawn "
                                f"({styles.quantity(others['n_links'], 'links', lang)}), counted in the circles")
    if overseas_codes:
        notes.append("Outre-mer : voir les encadrés" if fr else "Overseas: see the insets")
    if demo:
        notes.append("DONNÉES DE DÉMONSTRATION" if fr else "DEMONSTRATION DATA")
    _legend(leg, styles.COLOUR_TITLES[colour_by][0 if fr else 1], styles.legend_items(colour_by, palette, lang),
            [(w, f"{'Flux' if fr else 'Flow'} : {label}" if fr else f"Flow: {label}") for w, label in width_items],
            [(r, label) for r, label in circle_items], notes)
    return fig


@_plain_text
def static_choropleth(values: dict[str, float], level: str = "departement", *, title: str, subtitle: str = "",
                      source: str | None = None, magnitude: str = "links", lang: str = "fr", layout: str = "a4",
                      demo: bool = False) -> Figure:
    """A print choropleth of counts per département (Lambert-93 with overseas insets) or country."""
    from atlas.maps.flowmap import CHOROPLETH_COLOURS, choropleth_classes

    fr = lang == "fr"
    source = source or default_source(lang, demo)
    if level not in ("departement", "country"):
        raise ValueError(f"choropleth level must be 'departement' or 'country', got {level!r}")
    crs = FRANCE_CRS if level == "departement" else WORLD_CRS
    note = ("Projection : Lambert-93 (EPSG:2154)" if level == "departement" else "Projection : Equal Earth (EPSG:8857)") \
        if fr else ("Projection: Lambert-93 (EPSG:2154)" if level == "departement" else "Projection: Equal Earth (EPSG:8857)")
    fig, ax, leg = _page(layout, title, subtitle, source, note)
    _style_map_axes(ax)
    tr = _transformer(crs)
    bounds = choropleth_classes(np.array(list(values.values()), dtype=float))

    def colour_of(v: float) -> str:
        if not v or v <= 0:
            return "#fafafa"
        k = int(np.searchsorted(bounds, v, side="left"))
        return CHOROPLETH_COLOURS[min(k, len(CHOROPLETH_COLOURS) - 1)]

    if level == "departement":
        _countries(crs, clip=(-30.0, 25.0, 50.0, 72.0)).plot(ax=ax, facecolor=styles.LAND, edgecolor=styles.LAND_EDGE,
                                                             lw=0.35)
        deps = loaders.read_shapes("departements")
        metro = deps[~deps["code"].isin(list(OVERSEAS))].to_crs(crs)
        metro.plot(ax=ax, color=[colour_of(values.get(c, 0)) for c in metro["code"]], edgecolor="#6b7280", lw=0.3)
        loaders.read_shapes("regions").to_crs(crs).boundary.plot(ax=ax, color="#374151", lw=0.6)
        x0, y0, x1, y1 = metro.total_bounds
        _frame(ax, np.array([x0, x1]), np.array([y0, y1]), (x0 - 6e5, y0 - 4e5, x1 + 6e5, y1 + 4e5), margin=0.02)

        def draw(iax: Axes, code: str, itr: Transformer) -> None:
            d = deps[deps["code"] == code].to_crs(iax_crs[code])
            d.plot(ax=iax, color=colour_of(values.get(code, 0)), edgecolor="#6b7280", lw=0.4)

        iax_crs = {c: OVERSEAS[c][1] for c in OVERSEAS}
        _insets(fig, ax, list(OVERSEAS), draw)
        _scale_bar(ax)
    else:
        _graticule(ax, tr)
        countries = _countries(crs)
        countries.plot(ax=ax, color=[colour_of(values.get(c, 0)) for c in countries["iso2"]],
                       edgecolor=styles.LAND_EDGE, lw=0.3)
        x0, x1 = tr.transform(-180.0, 0.0)[0], tr.transform(180.0, 0.0)[0]
        _frame(ax, np.array([x0, x1]), np.array([-6.3e6, 8.4e6]), (x0, -6.3e6, x1, 8.4e6), margin=0.0)
    _style_map_axes(ax)
    unit = styles.MAGNITUDE_WORDS.get(magnitude, ("", ""))[0 if fr else 1]
    lower = [0.0] + list(bounds[:-1])
    items = [(CHOROPLETH_COLOURS[min(i, len(CHOROPLETH_COLOURS) - 1)],
              f"{styles.format_value(lo + 1, magnitude, lang)} – {styles.quantity(hi, magnitude, lang)}")
             for i, (lo, hi) in enumerate(zip(lower, bounds))]
    items.append(("#fafafa", "aucun" if fr else "none"))
    head = (f"{unit.capitalize()} par département" if level == "departement" else f"{unit.capitalize()} par pays") if fr \
        else (f"{unit.capitalize()} per département" if level == "departement" else f"{unit.capitalize()} per country")
    y = 0.98
    leg.text(0.0, y, _text(head), fontsize=10, fontweight="bold", family=FONT, va="top", transform=leg.transAxes)
    y -= 0.05
    for colour, label in items:
        leg.add_patch(Rectangle((0.0, y - 0.022), 0.09, 0.022, facecolor=colour, edgecolor="#6b7280", lw=0.5,
                                transform=leg.transAxes))
        leg.text(0.12, y, _text(label), fontsize=8, family=FONT, va="top", transform=leg.transAxes)
        y -= 0.038
    if demo:
        leg.text(0.0, y - 0.02, "DONNÉES DE DÉMONSTRATION" if fr else "DEMONSTRATION DATA", fontsize=7.2,
                 family=FONT, va="top", color="#4b5563", transform=leg.transAxes)
    return fig


def save_figure(fig: Figure, path: str | Path, dpi: int = 300) -> Path:
    """Write a figure as PNG (``dpi``, 300 by default), SVG or PDF, chosen by the file extension."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"print maps are written as .png, .svg or .pdf, got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    rc = {"svg.fonttype": "none", "pdf.fonttype": 42, "font.family": FONT}
    meta = {"png": {"Software": "atlas"}, "svg": {"Creator": "atlas"}, "pdf": {"Creator": "atlas"}}[fmt]
    with matplotlib.rc_context({**rc, **TEXT_RC}):
        fig.savefig(path, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    return path
