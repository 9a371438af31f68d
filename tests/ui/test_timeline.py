"""The timeline tells the truth (issue 11): whole-number axes, one value per year (bars and a
step line, never a line across empty decades), and no axis running past the data."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from atlas.db import queries
from atlas.models import Filters
from atlas.ui.charts import timeline, timeline_frame


def _spec(chart) -> dict:
    return chart.to_dict()


def test_the_axis_ends_with_the_data_and_never_past_this_year(atlas_handle):
    by_year = queries.by_year(atlas_handle.db, Filters())
    frame = timeline_frame(by_year)
    active = by_year[(by_year["partnerships_started"] > 0) | (by_year["projects_running"] > 0)]
    assert frame["year"].max() == min(active["year"].max(), dt.date.today().year)
    assert frame["year"].min() == active["year"].min()


def test_a_single_twinning_draws_one_bar_not_a_line_across_decades(atlas_handle):
    by_year = pd.DataFrame({"year": range(1950, 2031), "partnerships_started": 0, "projects_running": 0})
    by_year.loc[by_year["year"] == 1954, "partnerships_started"] = 1
    frame = timeline_frame(by_year, this_year=2026)
    assert frame["year"].tolist() == [1954]  # not 1950–2030
    spec = _spec(timeline(by_year, "fr"))
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "line"]
    assert spec["layer"][1]["mark"]["interpolate"] == "step"


def test_counts_have_whole_number_ticks(atlas_handle):
    spec = _spec(timeline(queries.by_year(atlas_handle.db, Filters(authorities=["commune:26198"])), "fr"))
    for layer in spec["layer"]:
        axis = layer["encoding"]["y"]["axis"]
        assert axis["tickMinStep"] == 1 and axis["format"] == "d"
