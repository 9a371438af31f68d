"""Names on the screen map: the main places labelled without overlaps, and the names of "autres" groups.

Leaflet fits the view to the flows in the browser; here the zoom it will pick is estimated for a
typical map frame, each place is projected to Web Mercator pixels at that zoom, and the largest
places are labelled greedily, each at the first of four sides of its circle whose text box stays
clear of the boxes already placed (text width estimated from the number of characters). The
legend says which places carry their name.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from atlas.geo.flow_groups import GROUP_PREFIX
from atlas.maps.words import word

#: Places named on a screen map (the largest totals first), as on print maps.
N_LABELS = 15
#: The map frame the initial zoom is estimated for (pixels): the app's maps are 480–600 px high.
FRAME = (820, 480)
#: Text of a label: pixels per character and box height (13 px system font, 3 px padding).
CHAR_PX, BOX_H, PAD = 7.0, 18.0, 6.0
#: Places a label may take around its circle, in order of preference: a Leaflet tooltip direction
#: and a vertical shift in box heights (the diagonals are "right"/"left" boxes moved up or down).
SIDES = (("right", 0.0), ("left", 0.0), ("top", 0.0), ("bottom", 0.0), ("right", -0.8), ("right", 0.8),
         ("left", -0.8), ("left", 0.8))


def _mercator(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixels at ``zoom`` (256-pixel tiles), as Leaflet projects."""
    scale = 256.0 * 2.0 ** zoom
    lat = np.clip(np.asarray(lat, dtype=float), -85.0511, 85.0511)
    x = scale * (np.asarray(lon, dtype=float) + 180.0) / 360.0
    y = scale * (0.5 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi))
    return x, y


def initial_zoom(lats: np.ndarray, lons: np.ndarray, frame: tuple[int, int] = FRAME, padding: int = 24) -> int:
    """The zoom Leaflet's fitBounds picks for these points in ``frame`` (whole zoom levels)."""
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    ok = np.isfinite(lats) & np.isfinite(lons)
    if not ok.any():
        return 2
    lats, lons = lats[ok], lons[ok]
    pad = 0.5 if np.ptp(lats) < 1 and np.ptp(lons) < 1 else 0.0  # as flowmap._fit
    x, y = _mercator(np.array([lons.min() - pad, lons.max() + pad]), np.array([lats.max() + pad, lats.min() - pad]), 0)
    dx, dy = max(float(x[1] - x[0]), 1e-9), max(float(y[1] - y[0]), 1e-9)
    zoom = math.floor(math.log2(min((frame[0] - 2 * padding) / dx, (frame[1] - 2 * padding) / dy)))
    return int(min(max(zoom, 0), 18))


def _box(x: float, y: float, r: float, w: float, side: str, shift: float = 0.0) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a label of width ``w`` on ``side`` of a circle of radius ``r`` at (x, y),
    moved down by ``shift`` box heights."""
    y += shift * BOX_H
    if side == "right":
        return x + r + 2, y - BOX_H / 2, x + r + 2 + w, y + BOX_H / 2
    if side == "left":
        return x - r - 2 - w, y - BOX_H / 2, x - r - 2, y + BOX_H / 2
    if side == "top":
        return x - w / 2, y - r - 2 - BOX_H, x + w / 2, y - r - 2
    return x - w / 2, y + r + 2, x + w / 2, y + r + 2 + BOX_H


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def legend_box(lats: np.ndarray, lons: np.ndarray, zoom: int, frame: tuple[int, int] = FRAME
               ) -> tuple[float, float, float, float]:
    """Pixels (at ``zoom``) the legend card covers when the map opens fitted to these points: the
    bottom-left of the frame, up to three quarters of its height. The frame may be wider than
    estimated (the legend then lies further left): only its 200 left pixels are kept clear."""
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    ok = np.isfinite(lats) & np.isfinite(lons)
    if not ok.any():
        return (0.0, 0.0, 0.0, 0.0)
    x, y = _mercator(np.array([lons[ok].min(), lons[ok].max()]), np.array([lats[ok].max(), lats[ok].min()]), zoom)
    x0, y0 = (x[0] + x[1] - frame[0]) / 2, (y[0] + y[1] - frame[1]) / 2  # top-left of the frame
    return (x0, y0 + frame[1] * 0.25, x0 + 200.0, y0 + frame[1])


def choose_labels(totals: pd.DataFrame, radius: np.ndarray, zoom: int, n: int = N_LABELS,
                  obstacles: tuple[tuple[float, float, float, float], ...] = ()) -> tuple[list[dict], int]:
    """The places to name and where: the ``n`` largest totals, largest first, each at the first
    side whose box overlaps no label, no other circle and none of ``obstacles`` (pixel boxes at
    ``zoom``, such as :func:`legend_box`).

    ``totals``: location totals (id, name, lon, lat, outgoing, incoming) in the order of
    ``radius`` (circle radii in pixels). Groups of small flows ("autres") are not named. Returns
    the labels (id, name, lon, lat, side, offset) and how many places were candidates.
    """
    if totals.empty:
        return [], 0
    value = (totals["outgoing"] + totals["incoming"]).to_numpy(dtype=float)
    named = ~totals["id"].astype(str).str.startswith(GROUP_PREFIX).to_numpy()
    order = [i for i in np.argsort(-value, kind="stable") if named[i]][:n]
    x, y = _mercator(totals["lon"].to_numpy(float), totals["lat"].to_numpy(float), zoom)
    placed: list[tuple[float, float, float, float]] = list(obstacles)
    # the circles of the candidates are obstacles too: a name must not hide another place
    circles = [(x[i] - radius[i], y[i] - radius[i], x[i] + radius[i], y[i] + radius[i]) for i in order]
    out = []
    for i in order:
        name = str(totals["name"].iloc[i])
        w = CHAR_PX * len(name) + PAD
        own = (x[i] - radius[i], y[i] - radius[i], x[i] + radius[i], y[i] + radius[i])
        for side, shift in SIDES:
            box = _box(float(x[i]), float(y[i]), float(radius[i]), w, side, shift)
            if any(_overlaps(box, b) for b in placed) or any(_overlaps(box, c) for c in circles if c != own):
                continue
            placed.append(box)
            offset = {"right": [radius[i] + 2, shift * BOX_H], "left": [-radius[i] - 2, shift * BOX_H],
                      "top": [0, -radius[i] - 2], "bottom": [0, radius[i] + 2]}[side]
            out.append({"id": str(totals["id"].iloc[i]), "name": name, "lon": round(float(totals["lon"].iloc[i]), 4),
                        "lat": round(float(totals["lat"].iloc[i]), 4), "side": side,
                        "offset": [round(float(v), 1) for v in offset]})
            break
    return out, len(order)


def names_line(n_named: int, n_candidates: int, n_places: int, magnitude: str, lang: str) -> str:
    """The legend's line saying which places carry their name."""
    if n_named == 0:
        return ""
    rank = word(f"names_rank.{magnitude}" if magnitude in ("links", "projects") else "names_rank.amount", lang)
    if n_named >= n_places:
        return word("names_all", lang)
    if n_named < n_candidates:
        return word("names_some", lang, n=n_named, k=n_candidates, rank=rank)
    return word("names_top", lang, n=n_named, rank=rank)


def group_names(flows: pd.DataFrame, origin_level: str, dest_level: str, lang: str) -> pd.DataFrame:
    """Flows whose "autres" ends are named as groups: "Mali : autres partenaires"."""
    if flows.empty or "grouped" not in flows.columns:
        return flows
    out = flows.copy()
    for end, side, level in (("origin", "o", origin_level), ("dest", "d", dest_level)):
        rows = (out["grouped"] == end).to_numpy()
        if rows.any():
            out.loc[rows, f"{end}_name"] = [word(f"grouped.{side}.{level}", lang, name=n)
                                            for n in out.loc[rows, f"{end}_name"]]
    return out
