"""Links aggregated to flows between locations, the way flowmap.gl models them.

A *location* is a point with an id and a name (an authority, an EPCI, a département, a région,
France, a foreign admin-1 area, a country, a zone); a *flow* is (origin, destination, magnitude).
Choosing coarser levels keeps a national view readable and fast to draw.

This module is the front door; the work is done in three rooms:

- :mod:`atlas.geo.flow_locations`: the ends of links (:class:`Ends`) and their location at each
  level, with names and points from the reference tables;
- :mod:`atlas.geo.flow_engine`: the aggregation engine (:func:`aggregate_rows` behind
  :func:`aggregate` and :func:`flows_from_arrays`), the largest flows and location totals;
- :mod:`atlas.geo.flow_levels`: the one level chooser ("auto" levels within a flow budget).

``from atlas.geo import flows as fl`` then ``fl.<name>`` reaches every public name of the three.
"""

from __future__ import annotations

from atlas.geo.flow_engine import (COLOUR_BY, FLOW_COLUMNS, MAGNITUDE_COLUMNS, MAGNITUDES, aggregate,
                                   aggregate_rows, flows_from_arrays, flows_to_geodataframe, link_starts,
                                   location_totals, magnitude_column, top_flows)
from atlas.geo.flow_levels import (AUTO_LEVELS, check_levels, choose_levels, choose_levels_for,
                                   choose_levels_of_links, level_candidates, resolve_levels)
from atlas.geo.flow_locations import (DEST_LEVELS, FRANCE_POINT, ORIGIN_LEVELS, Ends, LocationKeys, dest_keys,
                                      dest_locations, ends_from_authorities, ends_from_links, factorise_codes,
                                      location_codes, locations, origin_keys, origin_locations, used_ends)

__all__ = [
    # locations
    "DEST_LEVELS", "FRANCE_POINT", "ORIGIN_LEVELS", "Ends", "LocationKeys", "dest_keys", "dest_locations",
    "ends_from_authorities", "ends_from_links", "factorise_codes", "location_codes", "locations", "origin_keys",
    "origin_locations", "used_ends",
    # the engine
    "COLOUR_BY", "FLOW_COLUMNS", "MAGNITUDES", "MAGNITUDE_COLUMNS", "aggregate", "aggregate_rows",
    "flows_from_arrays", "flows_to_geodataframe", "link_starts", "location_totals", "magnitude_column", "top_flows",
    # the level chooser
    "AUTO_LEVELS", "check_levels", "choose_levels", "choose_levels_for", "choose_levels_of_links",
    "level_candidates", "resolve_levels",
]
