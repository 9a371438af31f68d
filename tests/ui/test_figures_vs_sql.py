"""Every figure the Explorer shows is a distinct count of something named, equal to SQL (issue 11).

For ten selections the page (AppTest, opened from the selection's URL) shows its key figures,
the map's caption and the SDG chart; each is compared with a distinct count written here in SQL
over the base tables (projects, partnerships, their parties), not with the app's own query code.
The data export of the same selection has one row per link.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from atlas.db.where import where_clause
from atlas.models import Filters
from atlas.ui.state import params_from_filters

ROOT = Path(__file__).resolve().parents[2]

SELECTIONS: dict[str, Filters] = {
    "national": Filters(),
    "theme": Filters(themes=["eau"]),
    "zone": Filters(zones=["Europe"]),
    "country": Filters(countries=["SN"]),
    "region": Filters(regions=["76"]),
    "departement": Filters(departements=["26"]),
    "authority": Filters(authorities=["commune:31555"]),
    "sdg-years": Filters(sdgs=[6], years=(2010, 2020)),
    "sahel-water-occitanie": Filters(countries=["SN", "ML"], themes=["eau"], sdgs=[6], regions=["76"]),
    "real-only": Filters(sources=["real"]),
}

#: The activities (project pairs and standing partnerships) a selection holds, from the base tables.
ACTIVITY_KEYS = "SELECT DISTINCT fr_id, partner_id, project_id, partnership_id FROM link_facts {where}"


def sql_figures(db, filters: Filters) -> dict[str, int]:  # noqa: ANN001 - the read-only database
    where, params = where_clause(filters)
    keys = ACTIVITY_KEYS.format(where=where)
    one = lambda q: int(db.scalar(q, params))  # noqa: E731
    return {
        "Liens": one(f"SELECT count(*) FROM (SELECT DISTINCT fr_id, partner_id FROM ({keys}))"),
        "Collectivités françaises": one(f"SELECT count(DISTINCT fr_id) FROM ({keys})"),
        "Collectivités partenaires": one(f"SELECT count(DISTINCT partner_id) FROM ({keys})"),
        "Pays partenaires": one(f"""SELECT count(DISTINCT a.country_iso2) FROM ({keys}) k
                                    JOIN authorities a ON a.id = k.partner_id"""),
        "Projets": one(f"SELECT count(DISTINCT project_id) FROM ({keys})"),
    }


def sql_sdg_projects(db, filters: Filters) -> dict[int, int]:  # noqa: ANN001
    where, params = where_clause(filters)
    rows = db.rows(f"""SELECT s.sdg, count(DISTINCT s.project_id) FROM project_sdgs s
                       WHERE s.project_id IN (SELECT project_id FROM link_facts {where}) GROUP BY s.sdg""", params)
    return {int(n): int(c) for n, c in rows}


def _metric(at: AppTest, label: str) -> int:
    matches = [m for m in at.metric if m.label == label]
    assert len(matches) == 1, [m.label for m in at.metric]
    return int("".join(ch for ch in matches[0].value if ch.isdigit()))


@pytest.mark.parametrize("name", list(SELECTIONS))
def test_explorer_figures_are_distinct_counts(name, db_env, atlas_handle, monkeypatch, tmp_path):
    filters = SELECTIONS[name]
    expected = sql_figures(atlas_handle.db, filters)
    assert expected["Liens"] > 0, name
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "atlas" / "ui" / "script" / "atlas_app.py"), default_timeout=90)
    for key, value in params_from_filters(filters).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = {label: _metric(at, label) for label in expected}
    assert shown == expected, name
    # the map's caption names the same number of links
    caption = next(c.value for c in at.caption if "liens" in c.value and "flux" in c.value.lower())
    assert f"{expected['Liens']:,}".replace(",", "\u202f") + " liens" in caption, caption
    # the SDG chart: distinct projects per SDG
    from atlas.db import queries

    chart = queries.sdg_projects(atlas_handle.db, filters)  # what the page's SDG chart draws
    got = {int(r.sdg): int(r.projects) for r in chart.itertuples() if int(r.projects) > 0}
    assert got == sql_sdg_projects(atlas_handle.db, filters), name
    # the data export of the selection: one row per link
    out = tmp_path / "links.csv"
    atlas_handle.export_data(filters, out)
    assert len(pd.read_csv(out)) == expected["Liens"]
