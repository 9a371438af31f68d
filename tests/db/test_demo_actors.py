"""The invented actors of the observatory: every territory has actors of every type, seated at a
real commune (its point), supported by authorities of their territory, all labelled invented."""

from __future__ import annotations

from atlas.models import ACTOR_TYPES, SECTOR_BY_CODE, SUPPORT_KINDS


def test_every_departement_has_actors_of_every_type(atlas_handle):
    db = atlas_handle.db
    n_types = len(ACTOR_TYPES)
    per_dep = dict(db.rows("SELECT departement, count(DISTINCT type) FROM actors GROUP BY 1"))
    deps = {r[0] for r in db.rows("SELECT code FROM ref_departements")}
    assert set(per_dep) == deps
    assert all(n == n_types for n in per_dep.values())
    assert db.scalar("SELECT count(DISTINCT region) FROM actors") == 18


def test_seats_are_real_communes_and_their_points(atlas_handle):
    db = atlas_handle.db
    assert db.scalar("SELECT count(*) FROM actors WHERE commune IS NULL") == 0
    wrong = db.scalar("""SELECT count(*) FROM actors a JOIN ref_communes c ON c.insee = a.commune
                         WHERE c.departement <> a.departement OR c.region <> a.region
                            OR abs(c.lon - a.lon) > 1e-6 OR abs(c.lat - a.lat) > 1e-6""")
    assert wrong == 0
    assert db.scalar("SELECT count(*) FROM actors a LEFT JOIN ref_communes c ON c.insee = a.commune "
                     "WHERE c.insee IS NULL") == 0


def test_vocabularies_years_and_supports(atlas_handle):
    db = atlas_handle.db
    assert {r[0] for r in db.rows("SELECT DISTINCT type FROM actors")} == {c.code for c in ACTOR_TYPES}
    assert {r[0] for r in db.rows("SELECT DISTINCT sector FROM actor_sectors")} <= set(SECTOR_BY_CODE)
    assert {r[0] for r in db.rows("SELECT DISTINCT kind FROM actor_supports")} == {k.code for k in SUPPORT_KINDS}
    assert db.scalar("SELECT count(*) FROM actors WHERE until < since") == 0
    # every actor acts somewhere; countries are ISO codes the atlas knows
    assert db.scalar("SELECT count(*) FROM actors a WHERE NOT EXISTS "
                     "(SELECT 1 FROM actor_countries c WHERE c.actor_id = a.id)") == 0
    assert db.scalar("SELECT count(*) FROM actor_countries ac LEFT JOIN countries c ON c.iso2 = ac.country_iso2 "
                     "WHERE c.iso2 IS NULL") == 0
    # supporters are authorities of the actor's own territory: its région, département, EPCI or commune
    outside = db.scalar("""SELECT count(*) FROM actor_supports s JOIN actors a ON a.id = s.actor_id
                           JOIN authorities au ON au.id = s.authority_id
                           WHERE NOT (au.id = 'region:' || a.region OR au.id = 'departement:' || a.departement
                                      OR au.id = 'commune:' || a.commune
                                      OR (au.level = 'epci' AND au.id = 'epci:' || (SELECT epci FROM ref_communes
                                                                                    WHERE insee = a.commune)))""")
    assert outside == 0
    assert db.scalar("SELECT count(*) FROM actor_supports WHERE year < 2012 OR year > 2026") == 0
    # some take part in projects of their territory
    assert db.scalar("SELECT count(DISTINCT actor_id) FROM project_actors WHERE actor_id LIKE 'demo-o%'") > 100


def test_all_belong_to_the_demonstration_batch(atlas_handle):
    db = atlas_handle.db
    for table in ("actors", "actor_supports"):
        assert db.scalar(f"SELECT count(*) FROM {table} t JOIN import_batches b ON b.id = t.batch_id "
                         f"WHERE NOT b.is_demo") == 0
    assert db.scalar("SELECT count(*) FROM actors WHERE batch_id IS NULL") == 0


def test_generation_is_deterministic():
    import pandas as pd

    from atlas.demo.actors import add_actors
    from atlas.demo.generator import DEMO_BATCH, DemoGenerator
    from atlas.reference import loaders

    ref = {n: loaders.read_table(n) for n in ("communes", "epci", "departements", "regions", "admin1", "countries_all")}
    gaz = pd.DataFrame({"geonames_id": [1, 2], "name": ["Dakar", "Bamako"], "country_iso2": ["SN", "ML"],
                        "admin1_code": ["01", "02"], "population": [1_000_000, 900_000],
                        "lon": [-17.4, -8.0], "lat": [14.7, 12.6]})
    out = []
    for _ in range(2):
        gen = DemoGenerator(ref, gaz, seed=7)
        frames = gen.generate().frames()
        out.append(add_actors(gen, frames, 7, DEMO_BATCH))
    for name in ("actors", "actor_countries", "actor_supports", "project_actors"):
        pd.testing.assert_frame_equal(out[0][name], out[1][name])
