"""`link_summary` (stored at build time) gives the same links as aggregating link_facts.

`a.links()` reads the stored table when only link-level filters apply; this checks, on the real
test database, that both paths give the same frame (rows, order, values and dtypes)."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas.db import queries
from atlas.db.sqlfiles import sql
from atlas.db.where import where_clause
from atlas.models import Filters


def _aggregated(db, filters: Filters) -> pd.DataFrame:
    where, params = where_clause(filters)
    return db.df(sql("links_filtered").replace("{where}", where), params)


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal frames; a text column with no value at all may be typed str (Arrow: NaN) or object
    (DuckDB: None)."""
    got, expected = got.reset_index(drop=True), expected.reset_index(drop=True)
    empty = [c for c in expected.columns if expected[c].isna().all()]
    assert all(got[c].isna().all() for c in empty)
    pd.testing.assert_frame_equal(got.drop(columns=empty), expected.drop(columns=empty))


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(countries=("SN", "DE")),
    Filters(regions=("76",)),
    Filters(departements=("31",), levels=("commune",)),
    Filters(zones=("Afrique subsaharienne",)),
    Filters(authorities=("region:84",)),
], ids=repr)
def test_stored_links_equal_aggregated_links(atlas_handle, filters):
    stored = queries.links(atlas_handle.db, filters)
    expected = _aggregated(atlas_handle.db, filters)
    assert len(stored) > 0
    _same(stored, expected)


def test_project_level_filters_still_aggregate_the_facts(atlas_handle):
    f = Filters(themes=("eau",), countries=("SN",))
    got = queries.links(atlas_handle.db, f)
    expected = _aggregated(atlas_handle.db, f)
    _same(got, expected)
    # a link of Senegal with no water project is not there
    every_sn = queries.links(atlas_handle.db, Filters(countries=("SN",)))
    assert 0 < len(got) < len(every_sn)
    assert all("eau" in list(t) for t in got["themes"])
