"""Choosing levels reads only location codes (atlas.selection.engine.key_codes); maps and tables
read the locations with names and points (key_locations). Both must number the places alike, or
a flow would be drawn between the wrong places."""

from __future__ import annotations

import numpy as np
import pytest

from atlas.geo.flow_locations import DEST_LEVELS, ORIGIN_LEVELS
from atlas.selection import engine


@pytest.mark.parametrize("side,level", [("o", lv) for lv in ORIGIN_LEVELS] + [("d", lv) for lv in DEST_LEVELS])
def test_codes_alone_number_places_as_the_locations_do(atlas_handle, side, level):
    db = atlas_handle.db
    codes, n = engine.key_codes(db, side, level)
    of_key, locs = engine.key_locations(db, side, level)
    np.testing.assert_array_equal(codes, of_key)
    assert n == len(locs) and n == codes.max() + 1 and len(codes) == len(engine.database_ends(db).fr)
    # the codes say which place each authority is at: every code's place is named and placed
    assert locs["id"].is_unique and locs["name"].notna().all()
