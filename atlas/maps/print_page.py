"""The page of a print map: figure, title and subtitle, the map below them, source line, file output.

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
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from atlas.maps.words import word
from atlas.text import fold

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


def subtitle_for(title: str, subtitle: str) -> str:
    """The subtitle without what the title already says ("Collectivités : Montélimar" under
    "Coopérations internationales — Montélimar" says nothing new): parts are "label : value"
    pieces joined by " · ", and a part whose value the title contains is left out."""
    folded_title = fold(title)
    kept = []
    for part in (p.strip() for p in subtitle.split(" · ")):
        value = part.split(":", 1)[1].strip() if ":" in part else part
        if part and not (fold(value) and fold(value) in folded_title):
            kept.append(part)
    return " · ".join(kept)


def page(layout: str, title: str, subtitle: str, source: str, projection_note: str) -> tuple[Figure, Axes]:
    """A blank page: (figure, map axes), with title, subtitle, source and projection note.

    The map takes the whole page below the title, edge to edge; the legend is laid over it in its
    emptiest corner (:mod:`atlas.maps.print_legend`).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {sorted(LAYOUTS)}, got {layout!r}")
    w, h = LAYOUTS[layout]
    # A bare Figure, not pyplot: no global backend or figure registry is touched.
    fig = Figure(figsize=(w, h))
    FigureCanvasAgg(fig)  # a renderer, so labels can be measured before the file is written
    fig.patch.set_facecolor("white")
    fig.text(0.3 / w, 1 - 0.32 / h, shorten(as_text(title), 110, placeholder="…"), fontsize=17, fontweight="bold",
             family=FONT, va="center", color="#111827")
    sub = "\n".join(wrap(as_text(subtitle), 150)[:2])
    if sub:
        fig.text(0.3 / w, 1 - 0.62 / h, sub, fontsize=9.5, family=FONT, va="center", color="#4b5563")
    top = h - (0.82 + 0.16 * sub.count("\n") if sub else 0.58)
    bottom = 0.36
    ax = fig.add_axes((0.3 / w, bottom / h, 1 - 0.6 / w, (top - bottom) / h))
    fig.text(0.3 / w, 0.18 / h, as_text(source), fontsize=8, family=FONT, color="#4b5563", va="center")
    fig.text(1 - 0.3 / w, 0.18 / h, projection_note, fontsize=7.5, family=FONT, color="#6b7280", ha="right",
             va="center")
    return fig, ax


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
