"""Print maps for reports: flows or a choropleth as a matplotlib figure (PNG 300 dpi, SVG, PDF).

- Projections: Equal Earth (EPSG:8857) for the world, cropped to the data when it covers a part
  of it, with a graticule (an equal-area world map has no single scale); Lambert-93 (EPSG:2154)
  for France and its neighbours, with a scale bar and insets for the overseas départements when
  they appear.
- Layouts: A4 landscape and 16:9 slides. The map takes the whole page below its title; a
  subtitle states the active filters (not what the title says), a legend (colours, line widths,
  circles, names) lies in the map's emptiest corner, a source and date line closes the page.
- Names: the 15 largest places are named, placed greedily with no two names overlapping.
- Text stays text: SVG keeps <text> elements and PDF embeds TrueType fonts, so titles can be
  searched and copied; and text is data: builders run with mathtext and TeX off (TEXT_RC).
  No pyplot: figures are bare matplotlib Figures.

This module is the front door; the work is done in six rooms:

- :mod:`atlas.maps.print_page`: the page (figure, title, subtitle, source line) and files;
- :mod:`atlas.maps.print_projection`: projections, base layers, graticule, framing, scale bar,
  overseas insets;
- :mod:`atlas.maps.print_legend`: the legend, measured and laid in the map's emptiest corner;
- :mod:`atlas.maps.print_labels`: names of the main places, with collision avoidance;
- :mod:`atlas.maps.print_flows`: the flow map (arcs, arrowheads, circles);
- :mod:`atlas.maps.print_choropleth`: the choropleth.
"""

from __future__ import annotations

from atlas.maps.print_choropleth import static_choropleth
from atlas.maps.print_flows import arc_segments, arrowheads, static_flow_map
from atlas.maps.print_page import FONT, LAYOUTS, TEXT_RC, default_source, save_figure
from atlas.maps.print_projection import (EUROPE_BOX, FRANCE_CRS, OVERSEAS, WORLD_CRS, choose_projection,
                                         projection_note)

__all__ = ["EUROPE_BOX", "FONT", "FRANCE_CRS", "LAYOUTS", "OVERSEAS", "TEXT_RC", "WORLD_CRS", "arc_segments",
           "arrowheads", "choose_projection", "default_source", "projection_note", "save_figure",
           "static_choropleth", "static_flow_map"]
