"""'Projets par ODD' counts distinct projects (issue 11): it summed theme × SDG pairs, so SDG 6
showed 3,633 projects nationally against 1,975 distinct ones."""

from __future__ import annotations

import duckdb
import pytest

from atlas.db import queries
from atlas.models import Filters
from atlas.ui.charts import sdg_table

SELECTIONS = [
    Filters(),
    Filters(themes=["eau"], countries=["SN", "ML"], sdgs=[6], regions=["76"]),
    Filters(authorities=["commune:26198"]),  # Montélimar
    Filters(countries=["SN"]),
    Filters(sdgs=[4], years=(2010, 2020)),
]


def _independent(path, f: Filters) -> dict[int, int]:
    """Distinct projects per SDG, written without the atlas's query code (a plain IN subquery)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        where, params = [], {}
        if f.themes:
            where.append("list_has_any(themes, $themes::VARCHAR[])")
            params["themes"] = list(f.themes)
        if f.countries:
            where.append("list_contains($countries::VARCHAR[], country_iso2)")
            params["countries"] = list(f.countries)
        if f.sdgs:
            where.append("list_has_any(sdgs, $sdgs::INTEGER[])")
            params["sdgs"] = list(f.sdgs)
        if f.regions:
            where.append("list_contains($regions::VARCHAR[], fr_region)")
            params["regions"] = list(f.regions)
        if f.authorities:
            where.append("list_contains($auth::VARCHAR[], fr_id)")
            params["auth"] = list(f.authorities)
        if f.years:
            where.append("coalesce(year_end, 9999) >= $y0 AND coalesce(year_start, 0) <= $y1")
            params["y0"], params["y1"] = f.years
        cond = " AND ".join(where) or "TRUE"
        rows = con.execute(f"""SELECT sdg, count(DISTINCT project_id) FROM project_sdgs
                               WHERE project_id IN (SELECT project_id FROM link_facts WHERE {cond})
                               GROUP BY sdg""", params).fetchall()
        return {int(s): int(n) for s, n in rows}
    finally:
        con.close()


@pytest.mark.parametrize("filters", SELECTIONS, ids=lambda f: f.describe("en")[:40] or "all")
def test_sdg_bars_are_distinct_project_counts(demo_db, atlas_handle, filters):
    table = sdg_table(queries.sdg_projects(atlas_handle.db, filters), "fr")
    shown = {int(s): int(n) for s, n in zip(table["sdg"], table["projects"]) if n}
    assert shown == _independent(demo_db, filters)
    # No bar can exceed the key figure (distinct projects of the selection).
    assert max(shown.values(), default=0) <= atlas_handle.counts(filters)["projects"]


def test_the_issue_reproduction_no_longer_double_counts(atlas_handle):
    f = Filters(themes=["eau"], countries=["SN", "ML"], sdgs=[6], regions=["76"])
    table = sdg_table(queries.sdg_projects(atlas_handle.db, f), "fr")
    sdg6 = int(table.loc[table["sdg"] == 6, "projects"].iloc[0])
    assert sdg6 == atlas_handle.counts(f)["projects"]  # every project of this view has SDG 6
