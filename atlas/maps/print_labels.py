"""Names on print maps: the main places labelled, with no two names on top of each other.

A greedy placement, largest place first: each name tries eight positions around its circle
(right, left, above, below, then the diagonals), measured by the renderer, and takes the first
that stays inside the map, clear of the legend, the insets, the scale bar and the names already
placed, preferring positions that hide no other circle. A name with no free position is left
out, and the legend says how many of the largest places carry their name.

Names are data: they print as text (no mathtext: builders run under TEXT_RC), shortened when
very long.
"""

from __future__ import annotations

from textwrap import wrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from atlas.maps.print_legend import Box, Crowding, Row, note_height
from atlas.maps.print_page import FONT, as_text
from atlas.maps.words import WORDS, word

#: How many of the largest places are named on a print map.
LABELS = 15
#: Name colours: French authorities in dark blue, partners in dark brown (the circles' hues).
INK = {"fr": "#1e3a8a", "partner": "#7c2d12"}
#: Where a name goes around its circle: (ha, va, dx, dy) with dx, dy in units of (radius + gap).
POSITIONS = (("left", "center", 1, 0), ("right", "center", -1, 0), ("center", "bottom", 0, 1),
             ("center", "top", 0, -1), ("left", "bottom", 0.75, 0.75), ("left", "top", 0.75, -0.75),
             ("right", "bottom", -0.75, 0.75), ("right", "top", -0.75, -0.75))


def label_places(fig: Figure, ax: Axes, crowd: Crowding, places: pd.DataFrame, limit: int = LABELS,
                 fontsize: float = 7.0) -> tuple[int, int]:
    """Name the ``limit`` largest ``places`` (columns name, x, y in map units, radius in points,
    value, side) that lie in the map. Returns (names placed, places tried)."""
    x0, x1 = sorted(ax.get_xlim())
    y0, y1 = sorted(ax.get_ylim())
    inside = places[(places["x"] >= x0) & (places["x"] <= x1) & (places["y"] >= y0) & (places["y"] <= y1)]
    top = inside.sort_values("value", ascending=False, kind="stable").head(limit)
    if top.empty:
        return 0, 0
    renderer = fig.canvas.get_renderer()
    to_inch = crowd.to_inch
    centres = to_inch.transform(inside[["x", "y"]].to_numpy(float))
    radii = inside["radius"].to_numpy(float) / 72
    placed = 0
    for idx, row in top.iterrows():
        k = inside.index.get_loc(idx)
        gap = float(row["radius"]) + 2.0  # points from the centre to the name
        name = one_line(row["name"])
        if not name:
            continue
        best: tuple[int, object, Box] | None = None
        for ha, va, dx, dy in POSITIONS:
            ann = ax.annotate(name, xy=(row["x"], row["y"]), xytext=(dx * gap, dy * gap), textcoords="offset points",
                              ha=ha, va=va, fontsize=fontsize, family=FONT, color=INK.get(row["side"], "#111827"),
                              zorder=8, annotation_clip=False,
                              bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.72})
            ext = ann.get_window_extent(renderer)
            box = (ext.x0 / fig.dpi - 0.02, ext.y0 / fig.dpi - 0.02, ext.x1 / fig.dpi + 0.02, ext.y1 / fig.dpi + 0.02)
            if not crowd.is_free(box):
                ann.remove()
                continue
            hidden = _circles_in(box, centres, radii, skip=k)
            if best is None or hidden < best[0]:
                if best is not None:
                    best[1].remove()  # type: ignore[attr-defined]
                best = (hidden, ann, box)
            else:
                ann.remove()
            if hidden == 0:
                break
        if best is not None:
            crowd.block(best[2])
            placed += 1
    return placed, len(top)


def one_line(name: object, limit: int = 32) -> str:
    """A name on one line (runs of whitespace, newlines included, as one space), cut to ``limit``
    characters with "…" (a long single word is cut too, not dropped)."""
    text = " ".join(as_text(name).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _circles_in(box: Box, centres: np.ndarray, radii: np.ndarray, skip: int) -> int:
    """How many circles (other than ``skip``) the box would cover part of."""
    near_x = (centres[:, 0] + radii >= box[0]) & (centres[:, 0] - radii <= box[2])
    near_y = (centres[:, 1] + radii >= box[1]) & (centres[:, 1] - radii <= box[3])
    hit = near_x & near_y
    hit[skip] = False
    return int(hit.sum())


def names_note(placed: int, tried: int, total: int, magnitude: str, lang: str) -> str:
    """The legend's line on names: which places carry theirs."""
    if placed == 0:
        return ""
    if placed == total:
        return word("names_all", lang)
    key = f"names_rank.{magnitude}"
    rank = word(key if key in WORDS else "names_rank.links", lang)
    if placed == tried:
        return word("names_top", lang, n=placed, rank=rank)
    return word("names_some", lang, n=placed, k=tried, rank=rank)


def reserve_note(notes: list[str], at: int, labels: int, magnitude: str, lang: str) -> None:
    """Insert at ``at`` the legend's line on names, in its longest wording: the legend is placed
    before the names (they must avoid it), and :func:`settle_note` gives the line its words."""
    notes.insert(at, names_note(labels, labels + 1, labels + 2, magnitude, lang))


def settle_note(legend_rows: list[Row], at: int, placed: int, tried: int, total: int, magnitude: str,
                lang: str) -> None:
    """The names' line (the ``at``-th note of the legend) with its final words and height."""
    row = [r for r in legend_rows if r.kind == "note"][at]
    row.lines = wrap(names_note(placed, tried, total, magnitude, lang), 46) or [""]
    row.height = note_height(len(row.lines) if placed else 0)
