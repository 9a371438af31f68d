"""Where a print map is drawn: projections, base layers, framing and the overseas insets.

Equal Earth (EPSG:8857) for the world, cropped to the data when it covers a part of it, with a
graticule (an equal-area world map has no single scale); Lambert-93 (EPSG:2154) for France and
its neighbours, with a scale bar and insets for the overseas départements when they appear.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from pyproj import Transformer

from atlas.maps import styles
from atlas.maps.print_legend import Crowding
from atlas.maps.print_page import FONT
from atlas.maps.projection_names import PROJECTION_ALIASES, PROJECTION_CHOICES  # noqa: F401 - re-exported
from atlas.maps.words import word
from atlas.reference import loaders

WORLD_CRS = "EPSG:8857"  # Equal Earth
FRANCE_CRS = "EPSG:2154"  # Lambert-93
#: Vertical extent of the world view (Equal Earth metres): from about 56° S (no Antarctica) to 84° N.
WORLD_Y = (-6.3e6, 8.4e6)
#: Frame of the France view, lon/lat: Europe, from Iceland and the Canaries' latitude to Kyiv,
#: Moscow and the North Cape (partners there keep the Lambert-93 map of Europe).
EUROPE_BOX = (-25.0, 34.0, 45.0, 71.5)
#: Overseas départements: INSEE code → (name, local projected CRS, lon/lat box).
OVERSEAS: dict[str, tuple[str, str, tuple[float, float, float, float]]] = {
    "971": ("Guadeloupe", "EPSG:5490", (-61.85, 15.83, -61.0, 16.52)),
    "972": ("Martinique", "EPSG:5490", (-61.25, 14.38, -60.8, 14.89)),
    "973": ("Guyane", "EPSG:2972", (-54.65, 2.1, -51.6, 5.8)),
    "974": ("La Réunion", "EPSG:2975", (55.2, -21.4, 55.85, -20.85)),
    "976": ("Mayotte", "EPSG:4471", (44.98, -13.02, 45.32, -12.63)),
}
#: The projection of each view, as the page's corner note names it.
PROJECTION_NAMES = {"world": "Equal Earth (EPSG:8857)", "france": "Lambert-93 (EPSG:2154)"}


def projection_note(projection: str, lang: str) -> str:
    """"Projection : Lambert-93 (EPSG:2154)" for "france", Equal Earth for "world"."""
    return word("projection", lang, name=PROJECTION_NAMES[projection])


def transformer(crs: str) -> Transformer:
    """lon/lat → ``crs`` (x first)."""
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def choose_projection(flows: pd.DataFrame) -> str:
    """"france" when every partner and metropolitan origin lies in Europe's frame, else "world"."""
    if flows.empty:
        return "world"
    x0, y0, x1, y1 = EUROPE_BOX
    lon = np.concatenate([flows["dest_lon"].to_numpy(float), flows["origin_lon"].to_numpy(float)])
    lat = np.concatenate([flows["dest_lat"].to_numpy(float), flows["origin_lat"].to_numpy(float)])
    overseas = overseas_mask(flows["origin_lon"].to_numpy(float), flows["origin_lat"].to_numpy(float))
    inside = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    inside[len(flows):] |= overseas
    return "france" if inside.all() else "world"


def overseas_mask(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True on points in (or near) an overseas département."""
    mask = np.zeros(lon.shape, dtype=bool)
    for _code, (_n, _crs, (a, b, c, d)) in OVERSEAS.items():
        mask |= (lon >= a - 0.5) & (lon <= c + 0.5) & (lat >= b - 0.5) & (lat <= d + 0.5)
    return mask


def style_map_axes(ax: Axes) -> None:
    """A map frame: no labels nor ticks, sea colour (the world view keeps its white page), thin spines."""
    ax.set_xlabel("")
    ax.set_ylabel("")
    if not getattr(ax, "_atlas_world", False):
        ax.set_facecolor(styles.SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#9ca3af")
        spine.set_linewidth(0.6)


def countries(crs: str, clip: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
    """Country shapes (no Antarctica) in ``crs``, clipped to a lon/lat box when given."""
    gdf = loaders.read_shapes("countries")
    gdf = gdf[gdf["iso2"] != "AQ"] if "iso2" in gdf.columns else gdf
    if clip is not None:
        gdf = gdf.clip(shapely.box(*clip))
        gdf = gdf[~gdf.geometry.is_empty]
    return gdf.to_crs(crs)


#: Graticule lines: a shade darker than the sea, under the land. White lines read as seams: a
#: lone white 0° meridian on a regional crop looked like a cut across England, France and Spain.
GRATICULE = "#c4d4e2"


def graticule(ax: Axes, tr: Transformer) -> None:
    """The Equal Earth world as a sea-coloured shape on a white page, with its outline.

    The meridians and parallels come later (:func:`graticule_lines`), once the frame is known.
    """
    ax._atlas_world = True  # type: ignore[attr-defined]  # keep the white page when restyled
    xs, ys = np.asarray(world_outline(tr).exterior.coords).T
    ax.set_facecolor("white")
    ax.fill(xs, ys, color=styles.SEA, zorder=0, lw=0)
    ax.plot(xs, ys, color="#9ca3af", lw=0.6, zorder=1)
    for spine in ax.spines.values():
        spine.set_visible(False)


def world_outline(tr: Transformer) -> shapely.Polygon:
    """The world drawn on a world map, in the projection of ``tr``: the Equal Earth shape cut at
    :data:`WORLD_Y` (no Antarctica), so a frame taller than the world shows white page below it."""
    lat = np.linspace(-90, 90, 100)
    xl, yl = tr.transform(np.full(lat.shape, -180.0), lat)
    xr, yr = tr.transform(np.full(lat.shape, 180.0), lat[::-1])
    shape = shapely.Polygon(np.column_stack([np.concatenate([xl, xr]), np.concatenate([yl, yr])]))
    return shapely.intersection(shape, shapely.box(-1e8, WORLD_Y[0], 1e8, WORLD_Y[1]))


def graticule_step(ax: Axes, tr: Transformer) -> int:
    """Degrees between graticule lines for the framed extent: 30 for the world, 10 or 5 closer in,
    so a cropped map shows a graticule (several lines) rather than one stray line."""
    world = tr.transform(180.0, 0.0)[0] - tr.transform(-180.0, 0.0)[0]
    span = 360.0 * (ax.get_xlim()[1] - ax.get_xlim()[0]) / world
    return 30 if span > 120 else 10 if span > 30 else 5


def graticule_lines(ax: Axes, tr: Transformer, step: int | None = None) -> None:
    """Meridians and parallels every ``step`` degrees (by default :func:`graticule_step`), under the land."""
    step = step or graticule_step(ax, tr)
    segs = []
    for lon in range(-180, 181, step):
        lat = np.linspace(-85, 85, 120)
        x, y = tr.transform(np.full(lat.shape, float(lon)), lat)
        segs.append(np.column_stack([x, y]))
    for lat in range(-90 + step, 90, step):
        if abs(lat) > 85:
            continue
        lon = np.linspace(-180, 180, 240)
        x, y = tr.transform(lon, np.full(lon.shape, float(lat)))
        segs.append(np.column_stack([x, y]))
    lines = LineCollection(segs, colors=GRATICULE, linewidths=0.4, zorder=1)
    ax.add_collection(lines, autolim=False)
    if getattr(ax, "_atlas_world", False):  # the world view: lines stay on the world's shape
        clip_to_world(ax, tr, lines)


def clip_to_world(ax: Axes, tr: Transformer, *artists: Artist) -> None:
    """Clip ``artists`` to the world's shape (:func:`world_outline`): nothing pokes out below it."""
    outline = np.asarray(world_outline(tr).exterior.coords)
    for artist in artists:
        artist.set_clip_path(PathPatch(MplPath(outline), transform=ax.transData))


def scale_bar(ax: Axes, crowd: Crowding | None = None, length_km: float | None = None) -> None:
    """A two-tone scale bar (Lambert-93 view: metres) in the first free bottom corner, else a top one.

    "Free" means clear of the legend, the insets and the names (``crowd``); the bar and its
    labels always stay inside the map, never cut by its edge.
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width_km = (x1 - x0) / 1000
    if length_km is None:
        raw = width_km / 5
        exp = 10 ** math.floor(math.log10(raw))
        length_km = max(m * exp for m in (1, 2, 5) if m * exp <= raw)
    length = length_km * 1000
    h = (y1 - y0) * 0.008
    label_h = (y1 - y0) * 0.035  # room for the "0" and "200 km" labels above the bar
    pad_x, pad_y = (x1 - x0) * 0.03, (y1 - y0) * 0.035
    spots = [(x1 - pad_x - length, y0 + pad_y), (x0 + pad_x, y0 + pad_y),
             (x1 - pad_x - length, y1 - pad_y - label_h - h), (x0 + pad_x, y1 - pad_y - label_h - h)]
    bx, by = spots[0]
    if crowd is not None:
        boxes = []
        for sx, sy in spots:
            (ix0, iy0), (ix1, iy1) = crowd.to_inch.transform([(sx - length * 0.1, sy - h),
                                                              (sx + length * 1.1, sy + h + label_h)])
            boxes.append((ix0 - 0.12, iy0, ix1 + 0.12, iy1))
        # The first spot clear of the legend, insets and places; else the first clear of the first two.
        free = [i for i, b in enumerate(boxes) if crowd.is_free(b) and not crowd.hides_circle(b)] or \
            [i for i, b in enumerate(boxes) if crowd.is_free(b)] or [0]
        bx, by = spots[free[0]]
        crowd.block(boxes[free[0]])
    half = length / 2
    ax.add_patch(Rectangle((bx, by), half, h, facecolor="#374151", edgecolor="#374151", lw=0.5, zorder=6))
    ax.add_patch(Rectangle((bx + half, by), half, h, facecolor="white", edgecolor="#374151", lw=0.5, zorder=6))
    for xpos, label in ((bx, "0"), (bx + length, f"{length_km:g} km")):
        ax.text(xpos, by + h * 2.2, label, fontsize=7, ha="center", va="bottom", family=FONT, color="#374151",
                zorder=6, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6})


def frame(ax: Axes, xs: np.ndarray, ys: np.ndarray, full: tuple[float, float, float, float],
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
        # Taller than the world: the world keeps the top of the frame and the band left at the
        # bottom is white page, where the legend goes (it then covers no land).
        cy = min(max(cy, fy0 + h / 2), fy1 - h / 2) if h < (fy1 - fy0) else fy1 - h / 2
    elif clamp:  # a part of the world: the frame stays on it, no band of page above or below
        if h <= fy1 - fy0:
            cy = min(max(cy, fy0 + h / 2), fy1 - h / 2)
        if w <= fx1 - fx0:
            cx = min(max(cx, fx0 + w / 2), fx1 - w / 2)
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")



def insets(fig: Figure, ax: Axes, codes: list[str], draw: Callable[[Axes, str, Transformer], None],
           crowd: Crowding | None = None) -> list[tuple[float, float, float, float]]:
    """Small square frames for overseas départements in a column up the left edge of the map, over
    the Atlantic (Lambert-93 view); their boxes in figure inches (title included), blocked in
    ``crowd`` when given.

    ``draw(inset_axes, code, transformer)`` adds the view's own layer to each frame.
    """
    fw, fh = fig.get_size_inches()
    bbox = ax.get_position()
    gap, title_h = 0.08, 0.16
    side = min(0.9, (bbox.height * fh - gap) / 5 - gap - title_h)  # inches: five fit in the height
    boxes = []
    for i, code in enumerate(codes):
        name, crs, box = OVERSEAS[code]
        x0_in, y0_in = bbox.x0 * fw + gap, bbox.y1 * fh - (i + 1) * (side + gap + title_h)
        iax = fig.add_axes((x0_in / fw, y0_in / fh, side / fw, side / fh), zorder=5)
        style_map_axes(iax)
        tr = transformer(crs)
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
        style_map_axes(iax)
        iax.set_title(name, fontsize=6.5, family=FONT, pad=1.5, color="#374151")
        boxes.append((x0_in - 0.03, y0_in - 0.03, x0_in + side + 0.03, y0_in + side + title_h))
        if crowd is not None:
            crowd.block(boxes[-1])
    return boxes


def base_layers(ax: Axes, view: str, crs: str, tr: Transformer,
                extent: tuple[float, float, float, float] | None = None
                ) -> tuple[tuple[float, float, float, float], np.ndarray]:
    """Land (and the world's shape, or the régions of France) under a flow map: the view's full
    extent and the land shapes (where the legend and names would hide something).

    ``extent`` (lon/lat of the flows): Lambert-93 chosen for flows beyond Europe draws the land
    out to them (north of 10° S, where the conic projection still holds), not only Europe's."""
    if view == "world":
        graticule(ax, tr)
        land = countries(crs)
        # Equal Earth is widest at the equator; Antarctica (below 60° S) is left out.
        full = (tr.transform(-180.0, 0.0)[0], WORLD_Y[0], tr.transform(180.0, 0.0)[0], WORLD_Y[1])
    else:
        clip = (-30.0, 25.0, 50.0, 72.0)
        if extent is not None:
            clip = (max(-180.0, min(clip[0], extent[0] - 10)), max(-10.0, min(clip[1], extent[1] - 10)),
                    min(180.0, max(clip[2], extent[2] + 10)), min(85.0, max(clip[3], extent[3] + 10)))
        land = countries(crs, clip=clip)
        x0, y0 = tr.transform(EUROPE_BOX[0], EUROPE_BOX[1])
        x1, y1 = tr.transform(EUROPE_BOX[2], EUROPE_BOX[3])
        full = (x0, y0, x1, y1)
    land.plot(ax=ax, facecolor=styles.LAND, edgecolor=styles.LAND_EDGE, lw=0.35, zorder=2)
    if view == "world":
        clip_to_world(ax, tr, ax.collections[-1])
    if view == "france":
        regs = loaders.read_shapes("regions").to_crs(crs)
        regs.boundary.plot(ax=ax, color="#9aa1ab", lw=0.5, zorder=3)
    return full, land.geometry.to_numpy()


def overseas_box_mask(code: str, lon: pd.Series, lat: pd.Series) -> pd.Series:
    """True on points in (or near) the overseas département ``code``."""
    a, b, c, d = OVERSEAS[code][2]
    return (lon >= a - 0.5) & (lon <= c + 0.5) & (lat >= b - 0.5) & (lat <= d + 0.5)
