"""The observatory of a territory's actors: every figure against its own SQL on the default atlas.

The queries here are written independently of atlas/db/sql/observatory.sql (subqueries on the
base tables, no shared CTE), for a région, a département, a year and a kind of records.
"""

from __future__ import annotations

import pytest

from atlas.db import observatory as O
from atlas.errors import QueryError


@pytest.fixture(scope="module")
def db(atlas_handle):
    return atlas_handle.db


CASES = [("region:76", None, ()), ("region:76", 2024, ()), ("departement:31", None, ()),
         ("departement:31", 2023, ("demo",)), ("region:84", 2020, ()), ("departement:974", None, ())]


def _actor_ids(db, terr: str, year, sources) -> set[str]:
    level, code = terr.split(":")
    col = "region" if level == "region" else "departement"
    rows = db.rows(f"""SELECT a.id, a.since, a.until, b.is_demo FROM actors a
                       LEFT JOIN import_batches b ON b.id = a.batch_id WHERE a.{col} = ?""", [code])
    out = set()
    for aid, since, until, is_demo in rows:
        if year is not None and not ((since or 0) <= year <= (until or 9999)):
            continue
        if sources and ("demo" if is_demo else "real") not in sources:
            continue
        out.add(aid)
    return out


def _expected(db, terr: str, year, sources) -> dict[str, float]:
    level, code = terr.split(":")
    ids = sorted(_actor_ids(db, terr, year, sources))
    p = {"ids": ids}
    yr = "TRUE" if year is None else f"coalesce(since, 0) <= {int(year)} AND coalesce(until, 9999) >= {int(year)}"
    src_ok = (lambda col: "TRUE") if not sources else (
        lambda col: f"(CASE WHEN (SELECT is_demo FROM import_batches b WHERE b.id = {col}) THEN 'demo' ELSE 'real' END)"
                    f" IN ({', '.join(repr(s) for s in sources)})")
    countries = {r[0] for r in db.rows(
        f"SELECT DISTINCT country_iso2 FROM actor_countries WHERE list_contains($ids::VARCHAR[], actor_id) AND {yr}", p)}
    sup_where = (f"list_contains($ids::VARCHAR[], actor_id) AND {'TRUE' if year is None else f'year = {int(year)}'}"
                 f" AND {src_ok('actor_supports.batch_id')}")
    supports = db.rows(f"SELECT actor_id, authority_id, amount_eur FROM actor_supports WHERE {sup_where}", p)
    proj_year = "TRUE" if year is None else \
        f"coalesce(p.year_end, 9999) >= {int(year)} AND coalesce(p.year_start, 0) <= {int(year)}"
    projects = db.rows(f"""SELECT pa.project_id, pa.actor_id FROM project_actors pa JOIN projects p
                           ON p.id = pa.project_id WHERE list_contains($ids::VARCHAR[], pa.actor_id) AND {proj_year}
                           AND {src_ok('p.batch_id')}""", p)
    tie_col = "fr_region" if level == "region" else "fr_departement"
    link_year = "TRUE" if year is None else \
        f"coalesce(year_end, 9999) >= {int(year)} AND coalesce(year_start, 0) <= {int(year)}"
    link_src = "TRUE" if not sources else f"origin IN ({', '.join(repr(s) for s in sources)})"
    ties = db.rows(f"SELECT DISTINCT fr_id, partner_id, country_iso2 FROM link_facts WHERE {tie_col} = ? "
                   f"AND {link_year} AND {link_src}", [code])
    zones = {r[0] for r in db.rows(f"""SELECT DISTINCT c.zone FROM actor_countries ac JOIN countries c
                                       ON c.iso2 = ac.country_iso2 WHERE list_contains($ids::VARCHAR[], ac.actor_id)
                                       AND {yr.replace('since', 'ac.since').replace('until', 'ac.until')}""", p)}
    one = lambda q: db.scalar(q, p)  # noqa: E731
    return {
        "actors": len(ids),
        "types": one("SELECT count(DISTINCT type) FROM actors WHERE list_contains($ids::VARCHAR[], id)"),
        "sectors": one("SELECT count(DISTINCT sector) FROM actor_sectors WHERE list_contains($ids::VARCHAR[], actor_id)"),
        "communes": one("SELECT count(DISTINCT commune) FROM actors WHERE list_contains($ids::VARCHAR[], id)"),
        "departements": one("SELECT count(DISTINCT departement) FROM actors WHERE list_contains($ids::VARCHAR[], id)"),
        "countries": len(countries),
        "zones": len(zones),
        "sdgs": one("SELECT count(DISTINCT sdg) FROM actor_sdgs WHERE list_contains($ids::VARCHAR[], actor_id)"),
        "supported_actors": len({s[0] for s in supports}),
        "supports": len(supports),
        "support_amount_eur": float(sum(s[2] or 0 for s in supports)),
        "supporting_authorities": len({s[1] for s in supports}),
        "projects": len({r[0] for r in projects}),
        "actors_in_projects": len({r[1] for r in projects}),
        "authorities": len({t[0] for t in ties}),
        "authority_ties": len({(t[0], t[1]) for t in ties}),
        "authority_countries": len({t[2] for t in ties}),
        "shared_countries": len(countries & {t[2] for t in ties}),
    }


@pytest.mark.parametrize("terr,year,sources", CASES)
def test_every_key_figure_matches_its_own_sql(db, terr, year, sources):
    obs = O.observatory(db, terr, year=year, sources=sources)
    expected = _expected(db, terr, year, sources)
    assert set(obs.figures) == set(O.FIGURES)
    for key in O.FIGURES:
        assert obs.figures[key] == pytest.approx(expected[key]), key
    assert obs.figures["actors"] > 0  # every territory has actors (the demonstration gives them)


@pytest.mark.parametrize("terr,year", [("region:76", None), ("departement:31", 2024)])
def test_tables_match_their_own_sql(db, terr, year):
    obs = O.observatory(db, terr, year=year)
    ids = sorted(_actor_ids(db, terr, year, ()))
    p = {"ids": ids}
    assert sorted(obs.tables["actors"]["id"]) == ids
    by_type = dict(db.rows("SELECT type, count(*) FROM actors WHERE list_contains($ids::VARCHAR[], id) GROUP BY 1", p))
    assert dict(zip(obs.tables["by_type"]["type"], obs.tables["by_type"]["actors"])) == by_type
    by_sector = dict(db.rows("SELECT sector, count(DISTINCT actor_id) FROM actor_sectors "
                             "WHERE list_contains($ids::VARCHAR[], actor_id) GROUP BY 1", p))
    assert dict(zip(obs.tables["by_sector"]["sector"], obs.tables["by_sector"]["actors"])) == by_sector
    by_sdg = dict(db.rows("SELECT sdg, count(DISTINCT actor_id) FROM actor_sdgs "
                          "WHERE list_contains($ids::VARCHAR[], actor_id) GROUP BY 1", p))
    assert dict(zip(obs.tables["by_sdg"]["sdg"], obs.tables["by_sdg"]["actors"])) == by_sdg
    yr = "TRUE" if year is None else f"coalesce(since, 0) <= {year} AND coalesce(until, 9999) >= {year}"
    by_country = dict(db.rows(f"SELECT country_iso2, count(DISTINCT actor_id) FROM actor_countries "
                              f"WHERE list_contains($ids::VARCHAR[], actor_id) AND {yr} GROUP BY 1", p))
    table = obs.tables["by_country"]
    assert {c: n for c, n in zip(table["country_iso2"], table["actors"]) if n} == by_country
    level, code = terr.split(":")
    col = "fr_region" if level == "region" else "fr_departement"
    lyr = "TRUE" if year is None else f"coalesce(year_end, 9999) >= {year} AND coalesce(year_start, 0) <= {year}"
    auth = dict(db.rows(f"SELECT country_iso2, count(DISTINCT fr_id) FROM link_facts WHERE {col} = ? AND {lyr} "
                        f"GROUP BY 1", [code]))
    assert {c: n for c, n in zip(table["country_iso2"], table["authorities"]) if n} == auth
    syr = "TRUE" if year is None else f"year = {year}"
    kinds = {k: (n, a) for k, n, a in db.rows(
        f"SELECT kind, count(*), coalesce(sum(amount_eur), 0) FROM actor_supports "
        f"WHERE list_contains($ids::VARCHAR[], actor_id) AND {syr} GROUP BY 1", p)}
    got = obs.tables["supports_by_kind"]
    assert {k: (n, pytest.approx(a)) for k, n, a in zip(got["kind"], got["supports"], got["amount_eur"])} == kinds
    supporters = dict(db.rows(f"SELECT authority_id, count(DISTINCT actor_id) FROM actor_supports "
                              f"WHERE list_contains($ids::VARCHAR[], actor_id) AND {syr} GROUP BY 1", p))
    assert dict(zip(obs.tables["supporters"]["authority_id"], obs.tables["supporters"]["actors"])) == supporters
    if level == "region":
        per_dep = dict(db.rows("SELECT departement, count(*) FROM actors WHERE list_contains($ids::VARCHAR[], id) GROUP BY 1", p))
        dep_table = obs.tables["by_departement"]
        assert dict(zip(dep_table["departement"], dep_table["actors"])) == per_dep
    else:
        assert "by_departement" not in obs.tables


def test_year_on_year_comparison(db):
    obs = O.observatory(db, "region:76", year=2024)
    cmp = obs.comparison.set_index("figure")
    before = _expected(db, "region:76", 2023, ())
    now = _expected(db, "region:76", 2024, ())
    for key in O.COMPARED:
        assert cmp.loc[key, "previous"] == pytest.approx(before[key]), key
        assert cmp.loc[key, "current"] == pytest.approx(now[key]), key
        assert cmp.loc[key, "change"] == pytest.approx(now[key] - before[key]), key
    assert O.observatory(db, "region:76").comparison is None  # no year, no comparison


def test_actors_are_labelled_invented(db):
    obs = O.observatory(db, "region:76")
    assert obs.is_demo
    assert set(obs.tables["actors"]["source"]) == {"Données inventées (démonstration)"}
    assert "inventées (démonstration)" in obs.source_line
    assert O.observatory(db, "region:76", sources=("real",)).figures["actors"] == 0


@pytest.mark.parametrize("bad", ["region:", "76", "commune:31555", "region:76;DROP TABLE actors", "departement:999"])
def test_unknown_territory_is_refused(db, bad):
    with pytest.raises(QueryError, match="territory"):
        O.observatory(db, bad)


def test_bad_sources_and_year_are_refused(db):
    with pytest.raises(QueryError, match="expected 'real' or 'demo'"):
        O.observatory(db, "region:76", sources=("fake",))
    with pytest.raises(QueryError, match="expected a year"):
        O.observatory(db, "region:76", year=12)


def test_territories_list_every_region_and_departement(db):
    df = O.territories(db)
    assert (df["level"] == "region").sum() == 18 and (df["level"] == "departement").sum() == 101
    assert O.territory(db, "region:76").name == "Occitanie"
    assert O.territory(db, "departement:31").region == "76"
