"""Lists read through Arrow (ReadOnlyDatabase.arrow_df, a.links, a.links_frame): the same values as
DuckDB's own ``.df()``, one read-only array per distinct list shared between rows."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from atlas.db.connection import _shared_lists, arrow_to_pandas
from atlas.models import Filters


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return list(a) == list(b) and np.asarray(a).dtype == np.asarray(b).dtype


@pytest.mark.parametrize("values, kind", [
    ([["eau", "sante"], [], None, ["eau", "sante"], ["eau"], [], ["sante", "eau"]], pa.list_(pa.string())),
    ([[6, 3], [], None, [6, 3], [3, 6], [6]], pa.list_(pa.int32())),
    ([["a"], ["a"], ["b"]], pa.large_list(pa.string())),
])
def test_shared_lists_give_what_to_pandas_gives(values, kind):
    col = pa.chunked_array([pa.array(values[:3], kind), pa.array(values[3:], kind)])
    got = _shared_lists(col)
    want = col.to_pandas().to_numpy()
    assert got is not None and len(got) == len(want)
    assert all(_same(g, w) for g, w in zip(got, want))
    # rows holding the same list share one array, which no row can change
    same = [i for i, v in enumerate(values) if v == values[0]]
    assert len({id(got[i]) for i in same}) == 1
    with pytest.raises(ValueError):
        got[same[0]][0] = got[same[0]][0]


@pytest.mark.parametrize("values", [
    [["a\x1fb"], ["a", "b"]],  # the separator inside an item
    [[""], []],  # an empty item
    [["a", None], [None]],  # a null item
])
def test_lists_that_keys_could_confuse_are_converted_one_by_one(values):
    col = pa.array(values, pa.list_(pa.string()))
    assert _shared_lists(col) is None
    df = arrow_to_pandas(pa.table({"x": col, "n": [1, 2]}))
    assert [None if v is None else list(v) for v in df["x"]] == values


def test_arrow_to_pandas_matches_duckdb_df_on_the_links(atlas_handle):
    """Every column of link_summary, in order and with its values, as DuckDB's .df() gives it."""
    con = duckdb.connect(str(atlas_handle.db.path), read_only=True)
    try:
        query = "SELECT * FROM link_summary ORDER BY fr_id, partner_id"
        want = con.execute(query).df()
        got = arrow_to_pandas(con.sql(query).to_arrow_table())
    finally:
        con.close()
    assert list(got.columns) == list(want.columns) and len(got) == len(want) > 1000
    for col in ("themes", "sdgs", "kinds", "funding", "origins"):
        assert all(_same(g, w) for g, w in zip(got[col], want[col])), col
    assert got["n_projects"].tolist() == want["n_projects"].tolist()


def test_links_frame_lists_are_shared_and_read_only(atlas_handle):
    df = atlas_handle.links_frame(Filters())
    themes = df["themes"]
    assert themes.map(lambda v: v.flags.writeable).sum() == 0
    # one array per distinct list, fewer than rows
    assert themes.map(id).nunique() == themes.map(tuple).nunique() < len(df)
