"""AppTest of the Observatoire page: the territory and year come from the URL, the metrics are the
SQL figures, a change of territory or year goes back into the URL, bad values are ignored."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from atlas.db import observatory as O
from tests.ui.apptest_helpers import metric_value as _metric

TIMEOUT = 90
SCRIPT = """
import streamlit as st
from atlas.ui.pages import observatory
st.session_state.setdefault("lang", "fr")
observatory.render()
"""


def test_region_from_url_shows_the_sql_figures(db_env, atlas_handle):
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.query_params["region"] = "76"
    at.run()
    assert not at.exception, at.exception
    obs = O.observatory(atlas_handle.db, "region:76")
    assert any(h.value == "Occitanie" for h in at.header)
    for key in ("actors", "types", "countries", "supported_actors", "authorities", "authority_countries"):
        assert _metric(at, obs.figure_label(key)) == obs.figures[key], key
    assert any("inventés (démonstration)" in w.value for w in at.warning)
    assert at.selectbox(key="obs_territory").value == "region:76"


def test_year_and_departement_go_into_the_url(db_env, atlas_handle):
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.query_params["region"] = "76"
    at.run()
    at.selectbox(key="obs_territory").set_value("departement:31").run()
    at.selectbox(key="obs_year").set_value(2024).run()
    assert not at.exception, at.exception
    assert at.query_params.get("departement") in ("31", ["31"])
    assert at.query_params.get("year") in ("2024", ["2024"])
    assert "region" not in at.query_params
    obs = O.observatory(atlas_handle.db, "departement:31", year=2024)
    assert _metric(at, obs.figure_label("actors")) == obs.figures["actors"]
    assert _metric(at, obs.figure_label("projects")) == obs.figures["projects"]


@pytest.mark.parametrize("params", [{"region": "99"}, {"departement": "<script>"}, {"region": "76", "year": "abc"},
                                    {"region": "76", "sources": "fake"}])
def test_bad_url_values_are_ignored(db_env, params):
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception


def test_english(db_env, atlas_handle):
    at = AppTest.from_string(SCRIPT.replace('setdefault("lang", "fr")', 'setdefault("lang", "en")'),
                             default_timeout=TIMEOUT)
    at.query_params["departement"] = "31"
    at.query_params["year"] = "2024"
    at.run()
    assert not at.exception, at.exception
    obs = O.observatory(atlas_handle.db, "departement:31", year=2024, lang="en")
    assert at.title[0].value == "Actors' observatory"
    assert _metric(at, "Actors") == obs.figures["actors"]
    assert any("invented (demonstration)" in w.value for w in at.warning)
    assert any(s.value == "Year-on-year comparison" for s in at.subheader)


def test_real_actors_beside_invented_ones(demo_db, tmp_path, monkeypatch):
    """A real actor (an imported directory) is counted with the invented ones, its source named,
    and the data filter keeps it alone."""
    import shutil

    import duckdb

    db = tmp_path / "atlas.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    con.execute("""INSERT INTO import_batches (id, file_name, format, imported_at, is_demo, source, source_date, licence)
                   VALUES ('imp-actors', 'annuaire.xlsx', 'actors', now(), false, 'Annuaire RRMA Occitanie',
                           '2025-06-01', 'Licence Ouverte 2.0')""")
    con.execute("""INSERT INTO actors (id, name, type, batch_id, commune, departement, region, lon, lat, since)
                   VALUES ('imp-a1', 'Toulouse Solidarité Réelle', 'association', 'imp-actors', '31555', '31', '76',
                           1.444, 43.604, 2010)""")
    con.execute("INSERT INTO actor_countries VALUES ('imp-a1', 'SN', 2010, NULL)")
    con.execute("INSERT INTO actor_supports VALUES ('imp-a1', 'region:76', 'subvention', 2024, 5000, 'imp-actors')")
    con.execute("CHECKPOINT")
    con.close()
    monkeypatch.setenv("ATLAS_DB", str(db))
    import atlas

    handle = atlas.open(db)
    both = O.observatory(handle.db, "departement:31")
    real = O.observatory(handle.db, "departement:31", sources=("real",))
    assert real.figures["actors"] == 1 and real.figures["supports"] == 1
    assert real.figures["support_amount_eur"] == 5000 and real.figures["countries"] == 1
    assert set(real.tables["actors"]["source"]) == {"Annuaire RRMA Occitanie (2025, Licence Ouverte 2.0)"}
    assert both.source_line.startswith("Acteurs : Annuaire RRMA Occitanie (2025, Licence Ouverte 2.0); "
                                       "données inventées (démonstration) · Liens des collectivités : ")
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.query_params["departement"] = "31"
    at.run()
    assert not at.exception, at.exception
    assert _metric(at, "Acteurs") == both.figures["actors"]
    assert any(f"sur {both.figures['actors']}" in w.value for w in at.warning)
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.query_params["departement"] = "31"
    at.query_params["sources"] = "real"
    at.run()
    assert not at.exception, at.exception
    assert _metric(at, "Acteurs") == 1
    assert not any("inventés" in w.value for w in at.warning)
    handle.close()
