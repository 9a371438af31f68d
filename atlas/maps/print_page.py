"""The page of a print map: figure, title and subtitle, legend column, source line, file output.

Layouts are A4 landscape and 16:9 slides. Pages are bare matplotlib Figures (no pyplot: no global
backend or figure registry is touched), and text stays data: builders run under
``matplotlib.rc_context(TEXT_RC)`` (:func:`plain_text`), so a "$" in a name prints as a dollar.
SVG keeps <text> elements and PDF embeds TrueType fonts, so titles can be searched and copied.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from textwrap import shorten, wrap
from typing import Any, TypeVar

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from atlas.maps.words import word

#: Page sizes in inches (landscape).
LAYOUTS: dict[str, tuple[float, float]] = {"a4": (11.69, 8.27), "16:9": (13.333, 7.5)}
FONT = "DejaVu Sans"

#: Text drawn on print maps is data, never markup: no mathtext ("$x$"), no TeX.
TEXT_RC = {"text.parse_math": False, "text.usetex": False}

_F = TypeVar("_F", bound=Callable[..., Any])


def plain_text(build: _F) -> _F:
    """Run a figure builder with mathtext and TeX off, so a "$" in a name prints as a dollar."""

    @functools.wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with matplotlib.rc_context(TEXT_RC):
            return build(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def as_text(s: object) -> str:
    """Data text for matplotlib (printed as it is: builders run under TEXT_RC)."""
    return str(s)


def default_source(lang: str = "fr", demo: bool = False, when: date | None = None) -> str:
    """The source and date line printed under every map."""
    when = when or date.today()
    base = word("source", lang)
    if demo:
        base += " — " + word("demo_data", lang)
    return f"{base} · {when.isoformat()}"


def page(layout: str, title: str, subtitle: str, source: str, projection_note: str) -> tuple[Figure, Axes, Axes]:
    """A blank page: (figure, map axes, legend axes), with title, subtitle, source and projection."""
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
    fig.text(0.3 / w, 1 - 0.32 / h, shorten(as_text(title), 110, placeholder="…"), fontsize=17, fontweight="bold",
             family=FONT, va="center", color="#111827")
    sub = "\n".join(wrap(as_text(subtitle), 150)[:2])
    fig.text(0.3 / w, 1 - 0.62 / h, sub, fontsize=9.5, family=FONT, va="center", color="#4b5563")
    fig.text(0.3 / w, 0.2 / h, as_text(source), fontsize=8, family=FONT, color="#4b5563", va="center")
    fig.text(1 - 0.2 / w, 0.2 / h, projection_note, fontsize=7.5, family=FONT, color="#6b7280", ha="right",
             va="center")
    return fig, ax, leg


def legend(leg: Axes, title: str, items: list[tuple[str, str]], widths: list[tuple[float, str]],
           circles: list[tuple[float, str]], notes: list[str]) -> None:
    """Draw the legend column in axes coordinates (top to bottom): colours, widths, circles, notes."""
    y = 0.98
    leg.text(0.0, y, as_text(title), fontsize=10, fontweight="bold", family=FONT, va="top", transform=leg.transAxes)
    y -= 0.045
    for colour, label in items:
        leg.add_line(Line2D([0.0, 0.09], [y - 0.008, y - 0.008], color=colour, lw=3.2, solid_capstyle="round",
                            transform=leg.transAxes))
        lines = wrap(as_text(label), 38)[:2]
        leg.text(0.12, y, "\n".join(lines), fontsize=7.8, family=FONT, va="top", transform=leg.transAxes)
        y -= 0.034 * len(lines) + 0.006
    if widths:
        y -= 0.015
        for w, label in widths:
            leg.add_line(Line2D([0.0, 0.09], [y - 0.008, y - 0.008], color="#4b5563", lw=w, solid_capstyle="butt",
                                transform=leg.transAxes))
            leg.text(0.12, y, as_text(label), fontsize=7.8, family=FONT, va="top", transform=leg.transAxes)
            y -= 0.036
    if circles:
        y -= 0.015
        for r, label in circles:
            leg.scatter([0.045], [y - 0.01], s=(2 * r) ** 2, facecolor="none", edgecolor="#374151", lw=0.8,
                        transform=leg.transAxes, clip_on=False)
            leg.text(0.12, y, as_text(label), fontsize=7.8, family=FONT, va="top", transform=leg.transAxes)
            y -= max(0.036, 2 * r / (leg.bbox.height / leg.figure.dpi * 72) + 0.012)
    y -= 0.01
    for note in notes:
        lines = wrap(as_text(note), 44)
        leg.text(0.0, y, "\n".join(lines), fontsize=7.2, family=FONT, va="top", color="#4b5563",
                 transform=leg.transAxes)
        y -= 0.028 * len(lines) + 0.01


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
