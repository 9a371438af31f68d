"""The observatory of a territory on one A4 page (PDF, PNG or SVG): key figures, the map of its
actors, the top tables and a source line.

Drawn with matplotlib like the project sheets (atlas.maps.print_sheet): bare Figures, text from the
data printed as text (mathtext and TeX off), tables cut to their first rows so the page always
holds on one sheet, the demonstration mark when the actors are invented.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from atlas.maps.observatory import TYPE_COLOURS, type_label
from atlas.maps.print_page import FONT, plain_text, save_figure
from atlas.maps.words import demo_mark
from atlas.reference import loaders

A4_PORTRAIT = (8.27, 11.69)
TOP_ROWS = 8
#: Key figures printed in the boxes at the top of the page (codes of atlas.db.observatory.FIGURES).
PRINTED = ("actors", "types", "countries", "sdgs", "supported_actors", "support_amount_eur",
           "supporting_authorities", "projects", "authorities", "authority_countries")

WORDS = {
    "fr": {"title": "Observatoire des acteurs internationaux", "year": "Année", "all_years": "toutes les années",
           "by_type": "Acteurs par type", "by_sector": "Acteurs par secteur", "countries": "Pays (acteurs · collectivités)",
           "supports": "Soutiens des collectivités", "others": "… et {n} autres", "none": "aucun",
           "map": "Sièges des acteurs, par type", "source": "Source", "made": "produit le",
           "data": {"real": "données réelles", "demo": "données inventées"}},
    "en": {"title": "Observatory of international actors", "year": "Year", "all_years": "all years",
           "by_type": "Actors by type", "by_sector": "Actors by sector", "countries": "Countries (actors · authorities)",
           "supports": "Supports of the authorities", "others": "… and {n} more", "none": "none",
           "map": "Seats of the actors, by type", "source": "Source", "made": "made on",
           "data": {"real": "real data", "demo": "invented data"}},
}


def _fmt(value: float, amount: bool = False) -> str:
    text = f"{value:,.0f}".replace(",", "\u202f")
    return text + " €" if amount else text


def _table(fig: Figure, x: float, y: float, title: str, rows: list[tuple[str, str]], words: dict,
           total: int, width: int = 44) -> float:
    """A titled two-column list at (x, y) in figure fractions; returns the y below it."""
    fig.text(x, y, title.upper(), fontsize=8, fontweight="bold", color="#1d4ed8", family=FONT, va="top")
    y -= 0.019
    for label, value in rows[:TOP_ROWS]:
        fig.text(x, y, textwrap.shorten(label, width, placeholder="…"), fontsize=7.5, family=FONT, va="top",
                 color="#111827")
        fig.text(x + 0.40, y, value, fontsize=7.5, family=FONT, va="top", ha="right", color="#111827")
        y -= 0.0145
    if total > TOP_ROWS:
        fig.text(x, y, words["others"].format(n=total - TOP_ROWS), fontsize=7, family=FONT, va="top",
                 color="#6b7280")
        y -= 0.0145
    if not rows:
        fig.text(x, y, words["none"], fontsize=7.5, family=FONT, va="top", color="#6b7280")
        y -= 0.0145
    return y - 0.01


def _map(fig: Figure, obs: Any, box: tuple[float, float, float, float], words: dict, lang: str) -> None:
    ax = fig.add_axes(box)
    ax.set_axis_off()
    terr = obs.territory
    shapes = loaders.read_shapes("departements")
    shapes = shapes[shapes["region_code"] == terr.region]
    for row in shapes.itertuples():
        geom = row.geometry
        own = terr.level == "region" or row.code == terr.code
        for poly in getattr(geom, "geoms", [geom]):
            xs, ys = poly.exterior.xy
            ax.fill(xs, ys, facecolor="#eef2f7" if own else "#f8fafc", edgecolor="#9aa1ab", linewidth=0.5)
    actors = obs.tables["actors"]
    if len(actors):
        colours = [TYPE_COLOURS.get(t, TYPE_COLOURS["autre"]) for t in actors["type"]]
        ax.scatter(actors["lon"], actors["lat"], s=9, c=colours, edgecolors="white", linewidths=0.3, zorder=3)
    lat0 = float(np.nanmean(shapes["lat"])) if len(shapes) else terr.lat
    ax.set_aspect(1 / max(np.cos(np.radians(lat0)), 0.2))
    ax.set_title(words["map"], fontsize=8, family=FONT, loc="left", color="#374151")
    present = [c for c in TYPE_COLOURS if len(actors) and c in set(actors["type"])]
    handles = [ax.scatter([], [], s=14, c=TYPE_COLOURS[c], label=type_label(c, lang)) for c in present]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=6.5, frameon=False,
                  prop={"family": FONT, "size": 6.5})


@plain_text
def observatory_figure(obs: Any, lang: str = "fr") -> Figure:
    """The one-page figure of a territory's observatory (atlas.db.observatory.Observatory)."""
    words = WORDS["fr" if lang == "fr" else "en"]
    fig = Figure(figsize=A4_PORTRAIT)
    fig.patch.set_facecolor("white")
    x = 0.06
    fig.text(x, 0.965, words["title"], fontsize=9, color="#6b7280", family=FONT, va="top")
    fig.text(x, 0.948, obs.territory.name, fontsize=17, fontweight="bold", family=FONT, va="top", color="#111827")
    data = " + ".join(words["data"][s] for s in obs.sources) if obs.sources else ""
    sub = f"{words['year']} {obs.year}" if obs.year is not None else words["all_years"]
    fig.text(x, 0.918, " · ".join(p for p in (sub, data) if p), fontsize=9.5, family=FONT, va="top",
             color="#374151")
    if obs.is_demo:
        fig.text(0.94, 0.965, demo_mark(lang), fontsize=8.5, fontweight="bold", color="#b91c1c", family=FONT,
                 va="top", ha="right")
    # key figures: two rows of five boxes
    for i, key in enumerate(PRINTED):
        col, row = i % 5, i // 5
        bx, by = x + col * 0.178, 0.885 - row * 0.062
        fig.text(bx, by, _fmt(obs.figures[key], key == "support_amount_eur"), fontsize=13, fontweight="bold",
                 family=FONT, va="top", color="#1e3a8a")
        fig.text(bx, by - 0.025, textwrap.fill(obs.figure_label(key), 24), fontsize=6.5, family=FONT, va="top",
                 color="#4b5563")
    _map(fig, obs, (x, 0.44, 0.56, 0.32), words, lang)
    t = obs.tables
    left, right = x, 0.54
    y = 0.40
    y_left = _table(fig, left, y, words["by_type"],
                    [(type_label(r.type, lang), _fmt(r.actors)) for r in t["by_type"].itertuples()],
                    words, len(t["by_type"]))
    _table(fig, left, y_left, words["supports"],
           [(f"{r.label} ({_fmt(r.actors)})", _fmt(r.amount_eur, True) if r.amount_eur else "—") for r in t["supports_by_kind"].itertuples()],
           words, len(t["supports_by_kind"]))
    y_right = _table(fig, right, y, words["by_sector"],
                     [(str(r.label), _fmt(r.actors)) for r in t["by_sector"].itertuples()], words, len(t["by_sector"]))
    countries = t["by_country"]
    _table(fig, right, y_right, words["countries"],
           [(str(r.name), f"{_fmt(r.actors)} · {_fmt(r.authorities)}") for r in countries.itertuples()],
           words, len(countries))
    source = f"{words['source']} : {obs.source_line or '—'}" if lang == "fr" else f"{words['source']}: {obs.source_line or '—'}"
    fig.text(x, 0.03, "\n".join(textwrap.wrap(f"{source} · atlas, {words['made']} {date.today().isoformat()}", 130)),
             fontsize=7, color="#4b5563", family=FONT, va="bottom")
    return fig


def write_observatory_page(obs: Any, path: str | Path, lang: str = "fr") -> Path:
    """Write the observatory on one page; the format follows the extension (.pdf, .png, .svg)."""
    return save_figure(observatory_figure(obs, lang), path, dpi=150)


def top_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of a table the page prints (its first TOP_ROWS)."""
    return df.head(TOP_ROWS)
