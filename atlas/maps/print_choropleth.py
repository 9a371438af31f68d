"""The print choropleth: a magnitude per département (Lambert-93, overseas insets) or per country.

Classes and colours are those of the interactive choropleth (:mod:`atlas.maps.styles`); the page
comes from :mod:`atlas.maps.print_page`, the projection and insets from
:mod:`atlas.maps.print_projection`, the words from :mod:`atlas.maps.words`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from pyproj import Transformer

from atlas.maps import styles
from atlas.maps.print_page import FONT, as_text, default_source, page, plain_text
from atlas.maps.print_projection import (FRANCE_CRS, OVERSEAS, WORLD_CRS, countries, frame, graticule, insets,
                                         projection_note, scale_bar, style_map_axes, transformer)
from atlas.maps.styles import CHOROPLETH_COLOURS, choropleth_classes
from atlas.maps.words import demo_mark, per_area, word
from atlas.reference import loaders

#: Fill of a place with nothing to show.
EMPTY = "#fafafa"


def _legend(leg: Axes, head: str, items: list[tuple[str, str]], demo: bool, lang: str) -> None:
    """The legend column: title, one swatch per class, the demonstration mark."""
    y = 0.98
    leg.text(0.0, y, as_text(head), fontsize=10, fontweight="bold", family=FONT, va="top", transform=leg.transAxes)
    y -= 0.05
    for colour, label in items:
        leg.add_patch(Rectangle((0.0, y - 0.022), 0.09, 0.022, facecolor=colour, edgecolor="#6b7280", lw=0.5,
                                transform=leg.transAxes))
        leg.text(0.12, y, as_text(label), fontsize=8, family=FONT, va="top", transform=leg.transAxes)
        y -= 0.038
    if demo:
        leg.text(0.0, y - 0.02, demo_mark(lang), fontsize=7.2, family=FONT, va="top", color="#4b5563",
                 transform=leg.transAxes)


@plain_text
def static_choropleth(values: dict[str, float], level: str = "departement", *, title: str, subtitle: str = "",
                      source: str | None = None, magnitude: str = "links", lang: str = "fr", layout: str = "a4",
                      demo: bool = False) -> Figure:
    """A print choropleth of counts per département (Lambert-93 with overseas insets) or country."""
    source = source or default_source(lang, demo)
    if level not in ("departement", "country"):
        raise ValueError(f"choropleth level must be 'departement' or 'country', got {level!r}")
    view = "france" if level == "departement" else "world"
    crs = FRANCE_CRS if view == "france" else WORLD_CRS
    fig, ax, leg = page(layout, title, subtitle, source, projection_note(view, lang))
    style_map_axes(ax)
    tr = transformer(crs)
    bounds = choropleth_classes(np.array(list(values.values()), dtype=float))

    def colour_of(v: float) -> str:
        if not v or v <= 0:
            return EMPTY
        k = int(np.searchsorted(bounds, v, side="left"))
        return CHOROPLETH_COLOURS[min(k, len(CHOROPLETH_COLOURS) - 1)]

    if level == "departement":
        countries(crs, clip=(-30.0, 25.0, 50.0, 72.0)).plot(ax=ax, facecolor=styles.LAND, edgecolor=styles.LAND_EDGE,
                                                            lw=0.35)
        deps = loaders.read_shapes("departements")
        metro = deps[~deps["code"].isin(list(OVERSEAS))].to_crs(crs)
        metro.plot(ax=ax, color=[colour_of(values.get(c, 0)) for c in metro["code"]], edgecolor="#6b7280", lw=0.3)
        loaders.read_shapes("regions").to_crs(crs).boundary.plot(ax=ax, color="#374151", lw=0.6)
        x0, y0, x1, y1 = metro.total_bounds
        frame(ax, np.array([x0, x1]), np.array([y0, y1]), (x0 - 6e5, y0 - 4e5, x1 + 6e5, y1 + 4e5), margin=0.02)

        def draw(iax: Axes, code: str, itr: Transformer) -> None:
            d = deps[deps["code"] == code].to_crs(OVERSEAS[code][1])
            d.plot(ax=iax, color=colour_of(values.get(code, 0)), edgecolor="#6b7280", lw=0.4)

        insets(fig, ax, list(OVERSEAS), draw)
        scale_bar(ax)
    else:
        graticule(ax, tr)
        land = countries(crs)
        land.plot(ax=ax, color=[colour_of(values.get(c, 0)) for c in land["iso2"]], edgecolor=styles.LAND_EDGE, lw=0.3)
        x0, x1 = tr.transform(-180.0, 0.0)[0], tr.transform(180.0, 0.0)[0]
        frame(ax, np.array([x0, x1]), np.array([-6.3e6, 8.4e6]), (x0, -6.3e6, x1, 8.4e6), margin=0.0)
    style_map_axes(ax)
    lower = [0.0] + list(bounds[:-1])
    items = [(CHOROPLETH_COLOURS[min(i, len(CHOROPLETH_COLOURS) - 1)],
              f"{styles.format_value(lo + 1, magnitude, lang)} – {styles.quantity(hi, magnitude, lang)}")
             for i, (lo, hi) in enumerate(zip(lower, bounds))]
    items.append((EMPTY, word("none", lang)))
    _legend(leg, per_area(level, magnitude, lang), items, demo, lang)
    return fig
