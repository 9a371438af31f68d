"""The print choropleth: a magnitude per département (Lambert-93, overseas insets) or per country.

Classes and colours are those of the interactive choropleth (:mod:`atlas.maps.styles`); the page
comes from :mod:`atlas.maps.print_page`, the projection and insets from
:mod:`atlas.maps.print_projection`, the words from :mod:`atlas.maps.words`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from pyproj import Transformer

from atlas.maps import styles
from atlas.maps.print_labels import LABELS, label_places, reserve_note, settle_note
from atlas.maps.print_legend import Crowding, centre_above, make_room, place, refit, rows
from atlas.maps.print_legend import draw as draw_legend
from atlas.maps.print_page import default_source, page, plain_text, subtitle_for
from atlas.maps.print_projection import (FRANCE_CRS, OVERSEAS, WORLD_CRS, WORLD_Y, clip_to_world, countries, frame,
                                         graticule, graticule_lines, insets, projection_note, scale_bar,
                                         style_map_axes, transformer, world_outline)
from atlas.maps.styles import CHOROPLETH_COLOURS, choropleth_classes
from atlas.maps.words import demo_mark, per_area, word
from atlas.reference import loaders

#: Fill of a place with nothing to show.
EMPTY = "#fafafa"


@plain_text
def static_choropleth(values: dict[str, float], level: str = "departement", *, title: str, subtitle: str = "",
                      source: str | None = None, magnitude: str = "links", lang: str = "fr", layout: str = "a4",
                      demo: bool = False, labels: int = LABELS) -> Figure:
    """A print choropleth of counts per département (Lambert-93 with overseas insets) or country,
    the ``labels`` largest named."""
    source = source or default_source(lang, demo)
    if level not in ("departement", "country"):
        raise ValueError(f"choropleth level must be 'departement' or 'country', got {level!r}")
    view = "france" if level == "departement" else "world"
    crs = FRANCE_CRS if view == "france" else WORLD_CRS
    fig, ax = page(layout, title, subtitle_for(title, subtitle), source, projection_note(view, lang))
    style_map_axes(ax)
    tr = transformer(crs)
    bounds = choropleth_classes(np.array(list(values.values()), dtype=float))

    def colour_of(v: float) -> str:
        if not v or v <= 0:
            return EMPTY
        k = int(np.searchsorted(bounds, v, side="left"))
        return CHOROPLETH_COLOURS[min(k, len(CHOROPLETH_COLOURS) - 1)]

    lower = [0.0] + list(bounds[:-1])
    items = [(CHOROPLETH_COLOURS[min(i, len(CHOROPLETH_COLOURS) - 1)],
              f"{styles.format_value(lo + 1, magnitude, lang)} – {styles.quantity(hi, magnitude, lang)}")
             for i, (lo, hi) in enumerate(zip(lower, bounds))]
    items.append((EMPTY, word("none", lang)))
    notes = [demo_mark(lang)] if demo else []
    if labels and any(v > 0 for v in values.values()):
        reserve_note(notes, 0, labels, magnitude, lang)
    legend_rows = rows(per_area(level, magnitude, lang), [], swatches=items, notes=notes)
    if level == "departement":
        land = countries(crs, clip=(-30.0, 25.0, 50.0, 72.0))
        land.plot(ax=ax, facecolor=styles.LAND, edgecolor=styles.LAND_EDGE, lw=0.35)
        deps = loaders.read_shapes("departements")
        metro = deps[~deps["code"].isin(list(OVERSEAS))].to_crs(crs)
        metro.plot(ax=ax, color=[colour_of(values.get(c, 0)) for c in metro["code"]], edgecolor="#6b7280", lw=0.3)
        loaders.read_shapes("regions").to_crs(crs).boundary.plot(ax=ax, color="#374151", lw=0.6)
        x0, y0, x1, y1 = metro.total_bounds
        frame(ax, np.array([x0, x1]), np.array([y0, y1]), (x0 - 6e5, y0 - 4e5, x1 + 6e5, y1 + 4e5), margin=0.02)
        style_map_axes(ax)
        crowd = Crowding(fig, ax, metro.geometry.representative_point().get_coordinates().to_numpy(), None,
                         land.geometry.to_numpy())

        def draw(iax: Axes, code: str, itr: Transformer) -> None:
            d = deps[deps["code"] == code].to_crs(OVERSEAS[code][1])
            d.plot(ax=iax, color=colour_of(values.get(code, 0)), edgecolor="#6b7280", lw=0.4)

        insets(fig, ax, list(OVERSEAS), draw, crowd)
    else:
        graticule(ax, tr)
        land = countries(crs)
        land.plot(ax=ax, color=[colour_of(values.get(c, 0)) for c in land["iso2"]], edgecolor=styles.LAND_EDGE, lw=0.3,
                  zorder=2)  # over the graticule
        clip_to_world(ax, tr, ax.collections[-1])
        x0, x1 = tr.transform(-180.0, 0.0)[0], tr.transform(180.0, 0.0)[0]
        frame(ax, np.array([x0, x1]), np.array(WORLD_Y), (x0, WORLD_Y[0], x1, WORLD_Y[1]), margin=0.0)
        make_room(fig, ax, legend_rows, WORLD_Y[0])  # the legend goes in the band of page under the world
        graticule_lines(ax, tr)
        style_map_axes(ax)
        crowd_land = land.geometry.to_numpy()
        crowd = Crowding(fig, ax, None, None, crowd_land, world_outline(tr))
    box, cols = place(crowd, legend_rows)
    if level == "country" and centre_above(fig, ax, box, WORLD_Y[0]):
        crowd = Crowding(fig, ax, None, None, crowd_land, world_outline(tr))  # the world moved: measure again
    crowd.block(box)
    if level == "departement":
        scale_bar(ax, crowd)
    if labels and any(v > 0 for v in values.values()):
        shapes = metro if level == "departement" else land
        codes = shapes["code" if level == "departement" else "iso2"].astype(str).to_numpy()
        px, py = tr.transform(shapes["lon"].to_numpy(float), shapes["lat"].to_numpy(float))
        name_col = "name" if level == "departement" else ("name_en" if lang == "en" else "name_fr")
        places = pd.DataFrame({"name": shapes[name_col].to_numpy(object), "x": px, "y": py, "radius": 0.0,
                               "value": [values.get(c, 0.0) for c in codes],
                               "side": "fr" if level == "departement" else "partner"})
        places = places[places["value"] > 0]
        placed, tried = label_places(fig, ax, crowd, places, labels)
        settle_note(legend_rows, 0, placed, tried, len(places), magnitude, lang)
        box = refit(box, cols, crowd.map_box())
    draw_legend(fig, box, cols)
    return fig
