"""The legend of a print map, laid over the map in its emptiest corner.

The legend is measured first (rows of known heights, in inches), then laid out in one to five
columns and tried in each corner of the map; :class:`Crowding` scores what each candidate box
would hide (drawn flow vertices, circles, land, insets) and the emptiest wins. On a world map the
band of white page under the Equal Earth outline scores zero: the legend goes there and covers no
land. The map itself therefore takes the whole page below the title.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from textwrap import wrap

import numpy as np
import shapely
import shapely.prepared
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from atlas.maps.print_page import FONT, as_text

#: Column width, inner padding and gap to the map's edge, in inches.
COLUMN_W = 2.45
PAD = 0.09
EDGE = 0.08
#: Font sizes (points) of the legend's title, rows and notes.
SIZES = {"title": 9.5, "row": 7.6, "note": 7.0}
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in figure inches


@dataclass
class Row:
    """One row of the legend: ``kind`` is title, colour, swatch, width, circle, note or gap."""

    kind: str
    lines: list[str] = field(default_factory=list)
    value: object = None
    height: float = 0.0


def _line_h(size: float) -> float:
    return size * 1.28 / 72


def note_height(n_lines: int) -> float:
    """Height (inches) of a note of ``n_lines`` lines; no line, no height."""
    return _line_h(SIZES["note"]) * n_lines + 0.04 if n_lines else 0.0


def rows(title: str, colours: list[tuple[str, str]], widths: list[tuple[float, str]] = (),
         circles: list[tuple[float, str]] = (), notes: list[str] = (), swatches: list[tuple[str, str]] = ()
         ) -> list[Row]:
    """The legend as measured rows: title, colours (lines) or swatches (areas), widths, circles, notes."""
    out = [Row("title", wrap(as_text(title), 34)[:2], None, _line_h(SIZES["title"]) * 1.25)]
    out[0].height *= len(out[0].lines)
    for kind, items in (("colour", colours), ("swatch", swatches)):
        for colour, label in items:
            lines = wrap(as_text(label), 36)[:2] or [""]
            out.append(Row(kind, lines, colour, max(0.17, _line_h(SIZES["row"]) * len(lines) + 0.045)))
    if widths:
        out.append(Row("gap", height=0.05))
        out += [Row("width", [as_text(label)], w, max(0.17, w / 72 + 0.07)) for w, label in widths]
    if circles:
        out.append(Row("gap", height=0.05))
        out += [Row("circle", [as_text(label)], r, max(0.17, 2 * r / 72 + 0.06)) for r, label in circles]
    if notes:
        out.append(Row("gap", height=0.05))
        for note in notes:
            lines = wrap(as_text(note), 46) or [""]
            out.append(Row("note", lines, None, note_height(len(lines))))
    return out


def columns(legend_rows: list[Row], n: int) -> list[list[Row]]:
    """The rows in ``n`` columns of about equal height, in reading order. Columns break between
    blocks (colours, widths, circles, notes) where they can; a gap never starts a column."""
    blocks: list[list[Row]] = [[]]
    for r in legend_rows:
        if r.kind == "gap" and blocks[-1]:
            blocks.append([])
        blocks[-1].append(r)
    target = sum(r.height for r in legend_rows) / n
    if n > 1:  # a block taller than a column is broken into its rows; the others stay whole
        blocks = [part for b in blocks for part in ([[r] for r in b] if sum(r.height for r in b) > target * 1.02
                                                    else [b])]
    else:
        target = float("inf")
    cols: list[list[Row]] = [[]]
    height = 0.0
    for b in blocks:
        h = sum(r.height for r in b)
        if cols[-1] and height + h > target * 1.02 and len(cols) < n:
            cols.append([])
            height = 0.0
        for r in b:
            if r.kind == "gap" and not cols[-1]:
                continue
            cols[-1].append(r)
            height += r.height
    return cols


def size_of(cols: list[list[Row]]) -> tuple[float, float]:
    """Width and height (inches) of the legend box for these columns."""
    return len(cols) * COLUMN_W + 2 * PAD, max(sum(r.height for r in c) for c in cols) + 2 * PAD


class Crowding:
    """What a box laid over the map would hide, in figure inches: flows, circles, land, insets."""

    def __init__(self, fig: Figure, ax: Axes, flow_xy: np.ndarray | None = None,
                 circles: tuple[np.ndarray, np.ndarray] | None = None, land: object = None,
                 drawn_area: object = None) -> None:
        self.fig, self.ax = fig, ax
        ax.apply_aspect()
        self.to_inch = ax.transData + fig.dpi_scale_trans.inverted()
        self.flows = self.to_inch.transform(flow_xy) if flow_xy is not None and len(flow_xy) else np.empty((0, 2))
        self.circles = (self.to_inch.transform(circles[0]), np.asarray(circles[1], float)) \
            if circles is not None and len(circles[0]) else (np.empty((0, 2)), np.empty(0))
        self.land = shapely.STRtree(list(land)) if land is not None and len(land) else None
        # Where the map shows something (the Equal Earth outline on a world map; None: everywhere).
        self.drawn_area = shapely.prepared.prep(drawn_area) if drawn_area is not None else None
        self.blocked: list[Box] = []

    def map_box(self) -> Box:
        """The map axes in figure inches."""
        b = self.ax.get_position()
        w, h = self.fig.get_size_inches()
        return b.x0 * w, b.y0 * h, b.x1 * w, b.y1 * h

    def block(self, box: Box) -> None:
        """Mark ``box`` as taken (an inset, the legend, a label, the scale bar)."""
        self.blocked.append(box)

    def is_free(self, box: Box) -> bool:
        """Inside the map and clear of every taken box."""
        mx0, my0, mx1, my1 = self.map_box()
        inside = box[0] >= mx0 - 1e-6 and box[1] >= my0 - 1e-6 and box[2] <= mx1 + 1e-6 and box[3] <= my1 + 1e-6
        return inside and not any(overlap(box, b) for b in self.blocked)

    def _samples(self, box: Box, n: int = 14) -> np.ndarray:
        gx, gy = np.meshgrid(np.linspace(box[0], box[2], n), np.linspace(box[1], box[3], n))
        return self.to_inch.inverted().transform(np.column_stack([gx.ravel(), gy.ravel()]))

    def hides_circle(self, box: Box, margin: float = 0.25) -> bool:
        """Some circle's centre lies in the box or within ``margin`` inches of it (room for its name)."""
        c = self.circles[0]
        return bool(len(c) and ((c[:, 0] >= box[0] - margin) & (c[:, 0] <= box[2] + margin)
                                & (c[:, 1] >= box[1] - margin) & (c[:, 1] <= box[3] + margin)).any())

    def land_share(self, box: Box) -> float:
        """Share of the box over land (a grid of sample points)."""
        if self.land is None:
            return 0.0
        pts = self._samples(box)
        hits = self.land.query(shapely.points(pts), predicate="intersects")
        return len(np.unique(hits[0])) / len(pts) if hits.size else 0.0

    def map_share(self, box: Box) -> float:
        """Share of the box over the drawn map rather than the white page around it."""
        if self.drawn_area is None:
            return 1.0
        pts = self._samples(box, 10)
        return float(np.mean([self.drawn_area.contains(p) for p in shapely.points(pts)]))

    def score(self, box: Box) -> float:
        """What the box would hide: share of flow vertices and circles (×10 each, +2 for any), of land
        (×1) and of the map rather than the white page (×0.5)."""
        if not self.is_free(box):
            return float("inf")
        s = 0.0
        for pts, weight in ((self.flows, 10.0), (self.circles[0], 10.0)):
            if len(pts):
                inside = (pts[:, 0] >= box[0]) & (pts[:, 0] <= box[2]) & (pts[:, 1] >= box[1]) & (pts[:, 1] <= box[3])
                s += weight * inside.mean() + 2.0 * bool(inside.any())
        return s + self.land_share(box) + 0.5 * self.map_share(box)


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place(crowd: Crowding, legend_rows: list[Row]) -> tuple[Box, list[list[Row]]]:
    """The emptiest corner box for the legend (one to five columns) and its columns."""
    mx0, my0, mx1, my1 = crowd.map_box()
    best: tuple[float, float, Box, list[list[Row]]] | None = None
    for n in (1, 2, 3, 4, 5):
        cols = columns(legend_rows, n)
        w, h = size_of(cols)
        if w > (mx1 - mx0) - 2 * EDGE or h > (my1 - my0) - 2 * EDGE:
            continue
        for cx, cy in ((0, 0), (1, 0), (0, 1), (1, 1)):  # bottom-left first: the usual empty ocean
            x0 = mx0 + EDGE if cx == 0 else mx1 - EDGE - w
            y0 = my0 + EDGE if cy == 0 else my1 - EDGE - h
            box = (x0, y0, x0 + w, y0 + h)
            key = (round(crowd.score(box), 3), w * h)
            if best is None or key < best[:2]:
                best = (*key, box, cols)
    if best is None:  # a legend taller than the map: squeeze it into the top left
        cols = columns(legend_rows, 2)
        w, h = size_of(cols)
        return (mx0, my1 - h, mx0 + w, my1), cols
    return best[2], best[3]


def refit(box: Box, cols: list[list[Row]], map_box: Box) -> Box:
    """``box`` resized to its columns' height after a row changed, on the same map edge."""
    w, h = size_of(cols)
    if abs(box[1] - map_box[1]) <= EDGE + 1e-6:  # on the bottom edge: keep the bottom
        return box[0], box[1], box[0] + w, box[1] + h
    return box[0], box[3] - h, box[0] + w, box[3]


def make_room(fig: Figure, ax: Axes, legend_rows: list[Row], world_bottom: float) -> None:
    """On a whole-world map, shrink the world just enough that the band of page under it holds
    the legend (in up to five columns): then the legend covers no land and no flow."""
    fw, fh = fig.get_size_inches()
    pos = ax.get_position()
    aw, ah = pos.width * fw, pos.height * fh
    need = min((h for w, h in (size_of(columns(legend_rows, n)) for n in range(1, 6)) if w <= aw - 2 * EDGE),
               default=None)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if need is None or need + 2 * EDGE > ah * 0.4:  # a legend that tall would shrink the world too much
        return
    band = (world_bottom - y0) / (y1 - y0) * ah
    if band >= need + 2 * EDGE:
        return
    scale = (ah - need - 2 * EDGE) / (y1 - world_bottom)  # inches per map unit
    cx = (x0 + x1) / 2
    ax.set_xlim(cx - aw / scale / 2, cx + aw / scale / 2)
    ax.set_ylim(y1 - ah / scale, y1)


def centre_above(fig: Figure, ax: Axes, box: Box, world_bottom: float) -> bool:
    """Move a whole world down, half-way into the empty band between it and the legend laid under
    it, so the page has no single wide blank band. True when the map moved."""
    fw, fh = fig.get_size_inches()
    pos = ax.get_position()
    y0, y1 = ax.get_ylim()
    per_inch = (y1 - y0) / (pos.height * fh)
    bottom_in = pos.y0 * fh + (world_bottom - y0) / per_inch
    gap = bottom_in - (box[3] + EDGE)
    if box[1] > pos.y0 * fh + EDGE + 1e-6 or gap <= 0.05:  # the legend is not under the world
        return False
    ax.set_ylim(y0 + gap / 2 * per_inch, y1 + gap / 2 * per_inch)
    return True


def draw(fig: Figure, box: Box, cols: list[list[Row]]) -> Axes:
    """Draw the legend columns in ``box`` (figure inches) on a white card over the map."""
    fw, fh = fig.get_size_inches()
    x0, y0, x1, y1 = box
    lax = fig.add_axes((x0 / fw, y0 / fh, (x1 - x0) / fw, (y1 - y0) / fh), zorder=20)
    lax.set_xlim(0, x1 - x0)
    lax.set_ylim(y1 - y0, 0)  # inches from the top
    lax.set_xticks([])
    lax.set_yticks([])
    lax.patch.set_facecolor("white")
    lax.patch.set_alpha(0.93)
    for spine in lax.spines.values():
        spine.set_edgecolor("#d1d5db")
        spine.set_linewidth(0.6)
    for i, col in enumerate(cols):
        x, y = PAD + i * COLUMN_W, PAD
        for r in col:
            _draw_row(lax, r, x, y)
            y += r.height
    return lax


def _draw_row(lax: Axes, r: Row, x: float, y: float) -> None:
    mid = y + _line_h(SIZES["row"]) / 2 + 0.01
    text_x = x + 0.32
    if r.kind == "title":
        lax.text(x, y, "\n".join(r.lines), fontsize=SIZES["title"], fontweight="bold", family=FONT, va="top",
                 color="#111827")
        return
    if r.kind == "note":
        lax.text(x, y, "\n".join(r.lines), fontsize=SIZES["note"], family=FONT, va="top", color="#4b5563")
        return
    if r.kind == "colour":
        lax.add_line(Line2D([x, x + 0.24], [mid, mid], color=str(r.value), lw=3.0, solid_capstyle="round"))
    elif r.kind == "swatch":
        lax.add_patch(Rectangle((x, mid - 0.06), 0.24, 0.12, facecolor=str(r.value), edgecolor="#6b7280", lw=0.5))
    elif r.kind == "width":
        mid = y + r.height / 2 - 0.01
        lax.add_line(Line2D([x, x + 0.24], [mid, mid], color="#4b5563", lw=float(r.value), solid_capstyle="butt"))
    elif r.kind == "circle":
        mid = y + r.height / 2 - 0.01
        lax.scatter([x + 0.12], [mid], s=(2 * float(r.value)) ** 2, facecolor="none", edgecolor="#374151", lw=0.8,
                    clip_on=False)
    else:
        return
    lax.text(text_x, mid, "\n".join(r.lines), fontsize=SIZES["row"], family=FONT, va="center", color="#111827")
