"""The demonstration database: public names, scale and shape, filter semantics, safety of builds.

Filter results are checked against independent SQL written here on the base tables
(projects, project_parties, project_themes…, partnerships, authorities), not on link_facts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import atlas
from atlas.db.connection import SCHEMA_VERSION
from atlas.db import build as build_mod
from atlas.db.build import build_database
from atlas.models import THEMES, Filters

FRENCH_LEVELS = {"region", "departement", "epci", "commune"}


@pytest.fixture(scope="module")
def con(demo_db: Path):
    """A separate read-only DuckDB connection for the independent checks."""
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


def one(con, query: str, params=None):
    return con.execute(query, params or []).fetchone()[0]


# ---- public names ----------------------------------------------------------------------------
def _columns(con, table: str) -> dict[str, str]:
    rows = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                       [table]).fetchall()
    return dict(rows)


def _kind(con, name: str) -> str | None:
    row = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()
    return row[0] if row else None


def test_required_tables_and_columns(con):
    assert _kind(con, "authorities") == "BASE TABLE"
    cols = _columns(con, "authorities")
    for name in ("id", "level", "name", "country_iso2", "lon", "lat"):
        assert name in cols, f"authorities.{name} missing; has {sorted(cols)}"
    assert cols["lon"] == cols["lat"] == "DOUBLE"
    assert _kind(con, "projects") == "BASE TABLE"
    assert {"id", "title"} <= set(_columns(con, "projects"))
    for table in ("partnerships", "project_parties", "project_themes", "project_sdgs", "project_funding",
                  "themes", "sdgs", "theme_sdgs", "action_kinds", "funding_instruments", "countries", "zones",
                  "meta", "gazetteer", "ref_admin1", "ref_communes", "link_facts"):
        assert _kind(con, table) == "BASE TABLE", table


def test_links_view_and_list_types(con):
    assert _kind(con, "links") == "VIEW"
    cols = _columns(con, "links")
    for name in ("fr_id", "partner_id", "country_iso2", "n_projects", "themes", "sdgs"):
        assert name in cols, f"links.{name} missing; has {sorted(cols)}"
    assert cols["themes"] == "VARCHAR[]"
    assert cols["sdgs"] == "INTEGER[]"
    assert cols["kinds"] == "VARCHAR[]" and cols["funding"] == "VARCHAR[]"


def test_meta_says_demo(con):
    assert one(con, "SELECT value FROM meta WHERE key = 'demo'") == "true"
    assert one(con, "SELECT value FROM meta WHERE key = 'schema_version'") == SCHEMA_VERSION


def test_vocabularies_match_models(con):
    assert one(con, "SELECT count(*) FROM sdgs") == 17
    assert one(con, "SELECT colour FROM sdgs WHERE number = 6") == "#26BDE2"
    assert one(con, "SELECT count(*) FROM themes") == len(THEMES)


# ---- scale of the national atlas -------------------------------------------------------------
def test_counts_at_national_scale(con):
    assert one(con, "SELECT count(*) FROM projects") >= 10_000
    assert one(con, "SELECT count(*) FROM authorities WHERE is_french") >= 4_500
    levels = {r[0] for r in con.execute("SELECT DISTINCT level FROM authorities WHERE is_french").fetchall()}
    assert levels == FRENCH_LEVELS
    assert one(con, "SELECT count(*) FROM authorities WHERE NOT is_french") >= 6_000
    assert one(con, "SELECT count(DISTINCT country_iso2) FROM authorities WHERE NOT is_french") >= 140


def test_every_partner_is_a_real_gazetteer_place_or_admin1_area(con):
    orphans = con.execute("""
        SELECT a.id, a.level, a.geonames_id, a.admin1 FROM authorities a
        WHERE NOT a.is_french
          AND NOT (a.level = 'place' AND a.geonames_id IN (SELECT geonames_id FROM gazetteer))
          -- an imported partner the gazetteer lacks is placed at its file's point, and says so
          AND NOT (a.level = 'place' AND a.geo_precision = 'file' AND a.batch_id <> 'demo')
          AND NOT (a.level = 'admin1' AND a.admin1 IN (SELECT id FROM ref_admin1))
        LIMIT 10""").fetchall()
    assert orphans == []
    # and the partner's country is the gazetteer's / admin-1 table's country
    assert one(con, """SELECT count(*) FROM authorities a JOIN gazetteer g ON g.geonames_id = a.geonames_id
                       WHERE a.country_iso2 <> g.country_iso2""") == 0
    assert one(con, """SELECT count(*) FROM authorities a JOIN ref_admin1 r ON r.id = a.admin1
                       WHERE a.level = 'admin1' AND a.country_iso2 <> r.country_iso2""") == 0


def test_agreement_years_span_to_recent_and_real_twinnings_keep_no_invented_year(con):
    y0, y1 = con.execute("SELECT min(since), max(since) FROM partnerships WHERE kind <> 'jumelage'").fetchone()
    assert y0 <= 1990
    assert y1 >= 2020
    # the Wikidata source gives no date of signature: none is made up
    assert one(con, """SELECT count(*) FROM partnerships s JOIN import_batches b ON b.id = s.batch_id
                       WHERE NOT b.is_demo AND s.since IS NOT NULL""") == 0


# ---- shape ---------------------------------------------------------------------------------------
def test_germany_is_the_first_twinning_country(con):
    rows = con.execute("""
        SELECT a.country_iso2, count(*) AS n FROM partnerships s JOIN authorities a ON a.id = s.partner_id
        WHERE s.kind = 'jumelage' GROUP BY 1 ORDER BY n DESC LIMIT 2""").fetchall()
    assert rows[0][0] == "DE", rows
    assert rows[0][1] > rows[1][1]


def test_decentralised_cooperation_is_led_by_mali_burkina_senegal(con):
    rows = con.execute("""
        SELECT a.country_iso2, count(DISTINCT p.id) AS n
        FROM projects p JOIN project_parties pp ON pp.project_id = p.id
        JOIN authorities a ON a.id = pp.authority_id AND NOT a.is_french
        WHERE p.kind = 'cooperation_decentralisee' GROUP BY 1 ORDER BY n DESC LIMIT 3""").fetchall()
    assert {r[0] for r in rows} <= {"ML", "BF", "SN"}, rows


def test_project_sdgs_follow_their_themes(con):
    # The theme → SDG table is the one in the database, checked against models elsewhere.
    bad = con.execute("""
        WITH allowed AS (
            SELECT pt.project_id, ts.sdg FROM project_themes pt JOIN theme_sdgs ts ON ts.theme_code = pt.theme_code
            UNION SELECT id, 17 FROM projects)
        SELECT ps.project_id, ps.sdg FROM project_sdgs ps
        ANTI JOIN allowed a ON a.project_id = ps.project_id AND a.sdg = ps.sdg
        LIMIT 10""").fetchall()
    assert bad == []
    assert one(con, "SELECT count(DISTINCT project_id) FROM project_sdgs") == one(con, "SELECT count(*) FROM projects")
    assert one(con, "SELECT count(*) FROM projects WHERE id NOT IN (SELECT project_id FROM project_themes)") == 0


def test_some_projects_are_multilateral(con):
    rows = con.execute("""
        SELECT p.id, p.sides, count(*) FILTER (WHERE a.is_french) AS n_fr, count(*) FILTER (WHERE NOT a.is_french) AS n_pa
        FROM projects p JOIN project_parties pp ON pp.project_id = p.id JOIN authorities a ON a.id = pp.authority_id
        GROUP BY ALL""").fetchall()
    several_fr = [r for r in rows if r[2] >= 2]
    several_pa = [r for r in rows if r[3] >= 2]
    assert len(several_fr) >= 50 and len(several_pa) >= 50
    # Every project has at least one party on each side, and "multilateral" means more than two parties.
    assert all(r[2] >= 1 and r[3] >= 1 for r in rows)
    assert all((r[1] == "multilateral") == (r[2] + r[3] > 2) for r in rows)


def test_water_projects_funded_under_oudin_santini(con):
    n = one(con, """SELECT count(*) FROM project_funding f JOIN project_themes t USING (project_id)
                    WHERE f.funding_code = 'oudin_santini' AND t.theme_code = 'eau'""")
    assert n >= 10
    # The Oudin-Santini law funds water and sanitation only.
    assert one(con, """SELECT count(*) FROM project_funding f WHERE f.funding_code = 'oudin_santini'
                       AND f.project_id NOT IN (SELECT project_id FROM project_themes WHERE theme_code = 'eau')""") == 0


def test_points_are_valid(con):
    assert one(con, """SELECT count(*) FROM authorities WHERE lon IS NULL OR lat IS NULL
                       OR lon NOT BETWEEN -180 AND 180 OR lat NOT BETWEEN -90 AND 90""") == 0


# Bounding boxes of metropolitan France and the five overseas départements (with a small margin).
FRANCE_BOXES = {
    "metro": (-5.3, 9.7, 41.3, 51.2),
    "971": (-61.9, -60.9, 15.8, 16.6),  # Guadeloupe
    "972": (-61.3, -60.7, 14.3, 14.95),  # Martinique
    "973": (-54.7, -51.5, 2.0, 5.9),  # Guyane
    "974": (55.2, 55.9, -21.5, -20.8),  # La Réunion
    "976": (44.9, 45.4, -13.1, -12.5),  # Mayotte
    "975": (-56.5, -56.0, 46.7, 47.2),  # Saint-Pierre-et-Miquelon
    "986": (-178.5, -176.0, -15.0, -13.0),  # Wallis-et-Futuna
    "987": (-155.0, -134.0, -28.0, -7.0),  # Polynésie française
    "988": (163.0, 169.0, -23.0, -19.5),  # Nouvelle-Calédonie
}


def test_french_communes_are_in_france(con):
    rows = con.execute("SELECT id, departement, lon, lat FROM authorities WHERE level = 'commune'").fetchall()
    assert len(rows) > 4000
    outside = []
    for cid, dep, lon, lat in rows:
        box = FRANCE_BOXES.get(dep if dep in FRANCE_BOXES else "metro")
        if box is None or not (box[0] <= lon <= box[1] and box[2] <= lat <= box[3]):
            outside.append((cid, dep, lon, lat))
    assert outside == []
    assert any(dep.startswith("97") for _, dep, _, _ in rows), "overseas communes expected"


def test_french_authorities_have_known_departement_and_region_codes(con):
    # A commune's département and région codes exist in the reference tables.
    # (communes of the overseas collectivités carry their territory's code, 975 to 988)
    assert one(con, """SELECT count(*) FROM authorities WHERE is_french AND level <> 'region'
                       AND departement NOT IN (SELECT code FROM ref_departements)
                       AND departement NOT IN (SELECT DISTINCT departement FROM ref_communes
                                               WHERE zone = 'com')""") == 0
    assert one(con, """SELECT count(*) FROM authorities WHERE is_french
                       AND region NOT IN (SELECT code FROM ref_regions)
                       AND departement NOT IN (SELECT DISTINCT departement FROM ref_communes
                                               WHERE zone = 'com')""") == 0


# ---- filter semantics -------------------------------------------------------------------------
#: Every activity (project pair or standing partnership) from the base tables, written
#: independently of derived.sql. Lists are per project.
ACTIVITIES = """
WITH pairs AS (
    SELECT p.id AS project_id, NULL AS partnership_id, fr.authority_id AS fr_id, pa.authority_id AS partner_id,
           p.kind, p.status, p.year_start AS y0, p.year_end AS y1
    FROM projects p
    JOIN project_parties fr ON fr.project_id = p.id
    JOIN authorities afr ON afr.id = fr.authority_id AND afr.is_french
    JOIN project_parties pa ON pa.project_id = p.id
    JOIN authorities apa ON apa.id = pa.authority_id AND NOT apa.is_french
    UNION ALL
    SELECT NULL, s.id, s.fr_id, s.partner_id, s.kind, s.status, s.since, s.until FROM partnerships s
)
SELECT pairs.*, f.region AS fr_region, f.departement AS fr_departement, f.level AS fr_level,
       p.country_iso2, c.zone
FROM pairs
JOIN authorities f ON f.id = pairs.fr_id
JOIN authorities p ON p.id = pairs.partner_id
LEFT JOIN countries c ON c.iso2 = p.country_iso2
"""


def independent_pairs(con, where: str, params=None) -> set[tuple[str, str]]:
    rows = con.execute(f"SELECT DISTINCT fr_id, partner_id FROM ({ACTIVITIES}) a WHERE {where}",
                       params or []).fetchall()
    return set(rows)


def pairs_of(df) -> set[tuple[str, str]]:
    return set(zip(df["fr_id"], df["partner_id"]))


def test_empty_filters_return_every_link(atlas_handle, con):
    df = atlas_handle.links_frame(atlas.Filters())
    assert len(df) == one(con, "SELECT count(*) FROM links")
    assert pairs_of(df) == independent_pairs(con, "true")
    assert not df.duplicated(["fr_id", "partner_id"]).any()


def test_theme_and_country(atlas_handle, con):
    f = Filters(themes=["eau"], countries=["SN"])
    df = atlas_handle.links_frame(f)
    assert len(df) > 10
    assert all("eau" in list(t) for t in df["themes"])
    assert set(df["country_iso2"]) == {"SN"}
    expected = independent_pairs(con, """country_iso2 = 'SN' AND project_id IN
                                         (SELECT project_id FROM project_themes WHERE theme_code = 'eau')""")
    assert pairs_of(df) == expected
    # The count also matches a plain count on project_themes / project_parties / authorities.
    n = one(con, """
        SELECT count(*) FROM (
            SELECT DISTINCT fr.authority_id, pa.authority_id
            FROM project_themes t
            JOIN project_parties fr ON fr.project_id = t.project_id
            JOIN authorities af ON af.id = fr.authority_id AND af.is_french
            JOIN project_parties pa ON pa.project_id = t.project_id
            JOIN authorities ap ON ap.id = pa.authority_id AND NOT ap.is_french
            WHERE t.theme_code = 'eau' AND ap.country_iso2 = 'SN')""")
    assert len(df) == n


def test_theme_and_country_counts(atlas_handle, con):
    counts = atlas_handle.counts(Filters(themes=["eau"], countries=["SN"]))
    n_projects = one(con, """
        SELECT count(DISTINCT t.project_id) FROM project_themes t
        JOIN project_parties pa ON pa.project_id = t.project_id
        JOIN authorities ap ON ap.id = pa.authority_id AND NOT ap.is_french
        WHERE t.theme_code = 'eau' AND ap.country_iso2 = 'SN'""")
    assert counts["projects"] == n_projects
    assert counts["countries"] == 1
    assert counts["partnerships"] == 0  # partnerships carry no theme


def test_years_filter(atlas_handle, con):
    f = Filters(years=(2010, 2012))
    df = atlas_handle.links_frame(f)
    everything = one(con, "SELECT count(*) FROM links")
    assert 0 < len(df) < everything
    expected = independent_pairs(con, "coalesce(y1, 9999) >= 2010 AND coalesce(y0, 0) <= 2012")
    assert pairs_of(df) == expected
    assert (df["first_year"] <= 2012).all()


def test_regions_filter(atlas_handle, con):
    df = atlas_handle.links_frame(Filters(regions=["76"]))
    assert len(df) > 100
    assert set(df["fr_region"]) == {"76"}
    assert pairs_of(df) == independent_pairs(con, "fr_region = '76'")
    # a pair-level filter: exactly the rows of the public view with that région
    assert len(df) == one(con, "SELECT count(*) FROM links WHERE fr_region = '76'")


@pytest.mark.parametrize("field,values,where", [
    ("zones", ["Océanie"], "zone = 'Océanie'"),
    ("departements", ["31"], "fr_departement = '31'"),
    ("levels", ["region"], "fr_level = 'region'"),
    ("kinds", ["cte"], "kind = 'cte'"),
    ("status", ["suspendu"], "status = 'suspendu'"),
    ("countries", ["DE", "PL"], "country_iso2 IN ('DE', 'PL')"),
    ("authorities", ["region:76", "departement:31"], "fr_id IN ('region:76', 'departement:31')"),
    ("funding", ["pintat"], "project_id IN (SELECT project_id FROM project_funding WHERE funding_code = 'pintat')"),
    ("sdgs", [14], "project_id IN (SELECT project_id FROM project_sdgs WHERE sdg = 14)"),
    ("themes", ["eau", "sante"],
     "project_id IN (SELECT project_id FROM project_themes WHERE theme_code IN ('eau', 'sante'))"),
])
def test_each_filter_field_narrows_like_independent_sql(atlas_handle, con, field, values, where):
    everything = one(con, "SELECT count(*) FROM links")
    df = atlas_handle.links_frame(Filters(**{field: values}))
    assert 0 < len(df) < everything, f"{field}={values} should select some but not all links"
    assert pairs_of(df) == independent_pairs(con, where)


def test_filter_rows_carry_the_filtered_values(atlas_handle):
    checks = {
        "zones": (["Océanie"], lambda r: r.zone == "Océanie"),
        "departements": (["31"], lambda r: r.fr_departement == "31"),
        "levels": (["epci"], lambda r: r.fr_level == "epci"),
        "kinds": (["cte"], lambda r: "cte" in list(r.kinds)),
        "funding": (["pintat"], lambda r: "pintat" in list(r.funding)),
        "sdgs": ([14], lambda r: 14 in list(r.sdgs)),
        "authorities": (["region:76"], lambda r: r.fr_id == "region:76"),
    }
    for field, (values, ok) in checks.items():
        df = atlas_handle.links_frame(Filters(**{field: values}))
        assert len(df) > 0, field
        assert all(ok(r) for r in df.itertuples()), field


def test_filters_combine_as_and(atlas_handle):
    a = pairs_of(atlas_handle.links_frame(Filters(themes=["eau"])))
    b = pairs_of(atlas_handle.links_frame(Filters(zones=["Afrique subsaharienne"])))
    both = pairs_of(atlas_handle.links_frame(Filters(themes=["eau"], zones=["Afrique subsaharienne"])))
    # Both conditions hold on the same activity, so the result is within the intersection.
    assert both and both <= (a & b)


def test_unknown_theme_raises_query_error(atlas_handle):
    with pytest.raises(atlas.QueryError, match=r"unknown themes: \['flying'\]"):
        atlas_handle.links_frame(Filters(themes=["eau", "flying"]))


def test_unknown_country_raises_query_error(atlas_handle):
    with pytest.raises(atlas.QueryError, match=r"unknown countries: \['XX'\]"):
        atlas_handle.links(Filters(countries=["xx"]))
    with pytest.raises(atlas.QueryError, match=r"unknown countries: \['ZZ'\]"):
        atlas_handle.counts(Filters(countries=["SN", "ZZ"]))


def test_wrong_filters_type_raises_query_error(atlas_handle):
    with pytest.raises(atlas.QueryError, match="expected an atlas.Filters object, got dict"):
        atlas_handle.links_frame({"themes": ["eau"]})  # type: ignore[arg-type]


# ---- opening --------------------------------------------------------------------------------
def test_open_missing_path(tmp_path):
    missing = tmp_path / "nowhere" / "atlas.duckdb"
    with pytest.raises(atlas.DatabaseNotFoundError, match=r"database file not found: .*nowhere/atlas\.duckdb"):
        atlas.open(missing)


def test_open_a_duckdb_file_that_is_not_an_atlas(tmp_path):
    path = tmp_path / "other.duckdb"
    c = duckdb.connect(str(path))
    c.execute("CREATE TABLE t AS SELECT 1 AS a")
    c.close()
    with pytest.raises(atlas.DatabaseError, match="not an atlas database"):
        atlas.open(path)


def test_open_a_file_that_is_not_duckdb(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("these are not the tables you are looking for\n" * 200)
    with pytest.raises(atlas.DatabaseError, match=r"notes\.duckdb' is not a DuckDB database \(wrong file header\)"):
        atlas.open(path)


def test_open_refuses_another_schema_version(tmp_path):
    path = tmp_path / "old.duckdb"
    c = duckdb.connect(str(path))
    c.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR); INSERT INTO meta VALUES ('schema_version', '0')")
    c.close()
    with pytest.raises(atlas.DatabaseError, match=f"has schema version '0', expected '{SCHEMA_VERSION}'"):
        atlas.open(path)


def test_handle_is_read_only(atlas_handle, demo_db):
    before = demo_db.read_bytes()[:4096]
    with pytest.raises(duckdb.Error, match="read-only"):
        atlas_handle.sql("CREATE TABLE intruder AS SELECT 1 AS a")
    with pytest.raises(duckdb.Error, match="read-only"):
        atlas_handle.sql("DELETE FROM projects")
    assert atlas_handle.totals()["projects"] >= 10_000
    assert demo_db.read_bytes()[:4096] == before


# ---- builds ---------------------------------------------------------------------------------
def test_handle_follows_a_swapped_file(tmp_path, demo_db, cached_gazetteer):
    path = tmp_path / "atlas.duckdb"
    counts = build_database(path, demo=False)
    assert counts["projects"] == 0 and counts["links"] == 0
    handle = atlas.open(path)
    try:
        assert handle.is_demo is False
        assert handle.totals()["projects"] == 0
        assert handle.links_frame().empty
        # A writer builds elsewhere and swaps the file in; the reader is not reopened.
        staged = tmp_path / ".atlas.duckdb.staged"
        shutil.copyfile(demo_db, staged)
        os.replace(staged, path)
        assert handle.is_demo is True
        with duckdb.connect(str(demo_db), read_only=True) as c:
            expected = c.execute("SELECT count(*) FROM projects").fetchone()[0]
        assert handle.totals()["projects"] == expected
        assert len(handle.links_frame(Filters(countries=["SN"]))) > 0
    finally:
        handle.close()


def test_build_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "atlas.duckdb"
    path.write_bytes(b"precious")
    with pytest.raises(atlas.DatabaseError, match=r"already exists; pass force=True \(CLI: --force\)"):
        build_database(path, demo=False)
    assert path.read_bytes() == b"precious"


def test_failed_build_leaves_previous_file_untouched(tmp_path, monkeypatch, cached_gazetteer):
    path = tmp_path / "atlas.duckdb"
    previous = b"previous database bytes \x00\x01\x02" * 1000
    path.write_bytes(previous)
    calls = []

    def broken(con):
        calls.append(con)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(build_mod, "refresh_derived", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build_database(path, demo=False, force=True)
    assert calls, "the build should have reached refresh_derived"
    assert path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.duckdb"]


def test_the_default_build_derives_its_tables_from_all_its_rows(demo_db, tmp_path):
    """The derived tables are built once, after the real files are imported: rebuilding them from
    the stored rows changes nothing, and they hold the real twinnings."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, copy)
    derived = ("activities", "link_facts", "link_rollup", "link_summary", "authority_keys", "project_keys")

    def fingerprint(con):
        return {t: con.execute(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {t} t").fetchone() for t in derived}

    with duckdb.connect(str(copy)) as con:
        built = fingerprint(con)
        real = con.execute("SELECT count(*) FROM partnerships p JOIN import_batches b ON b.id = p.batch_id "
                           "WHERE NOT b.is_demo").fetchone()[0]
        in_facts = con.execute("SELECT count(DISTINCT partnership_id) FROM link_facts WHERE origin = 'real'"
                               ).fetchone()[0]
        build_mod.refresh_derived(con)
        assert fingerprint(con) == built
    assert real > 1000 and in_facts == real


def test_demo_generation_is_deterministic_across_processes(demo_db, gazetteer_frame, tmp_path):
    """Generate the demo again in a fresh interpreter with another hash seed: same rows.

    The gazetteer is handed over as Parquet (parsing GeoNames again would only cost time).
    """
    gaz = tmp_path / "gazetteer.parquet"
    gazetteer_frame.to_parquet(gaz)
    script = f"""
import json
import pandas as pd
from atlas.demo.generator import generate_demo
from atlas.reference import loaders
ref = {{n: loaders.read_table(n) for n in ("communes", "epci", "departements", "regions", "admin1", "countries_all")}}
frames = generate_demo(ref, pd.read_parquet({str(gaz)!r}), seed=2016, twinnings=False)
p = frames["projects"].sort_values("id")
print(json.dumps({{"n": len(p), "titles": p["title"].head(20).tolist(),
                  "n_partnerships": len(frames["partnerships"]), "n_authorities": len(frames["authorities"])}}))
"""
    env = dict(os.environ, PYTHONHASHSEED="4242")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                         timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    again = json.loads(out.stdout)
    # built with seed 2016 by conftest; the real twinnings are other batches
    with duckdb.connect(str(demo_db), read_only=True) as c:
        n = c.execute("SELECT count(*) FROM projects WHERE batch_id = 'demo'").fetchone()[0]
        titles = [r[0] for r in c.execute("SELECT title FROM projects WHERE batch_id = 'demo' "
                                          "ORDER BY id LIMIT 20").fetchall()]
        n_part = c.execute("SELECT count(*) FROM partnerships WHERE batch_id = 'demo'").fetchone()[0]
        n_auth = c.execute("SELECT count(*) FROM authorities WHERE batch_id = 'demo'").fetchone()[0]
    assert again["n"] == n
    assert again["titles"] == titles
    assert len(set(titles)) > 5
    assert again["n_partnerships"] == n_part
    assert again["n_authorities"] == n_auth


def test_peers_share_what_they_claim(atlas_handle, con):
    from atlas.db import queries

    me = "commune:33063"
    fr = queries.peers(atlas_handle.db, [me], lang="fr")
    en = queries.peers(atlas_handle.db, [me], lang="en")
    mine = set(r[0] for r in con.execute("SELECT DISTINCT partner_id FROM link_facts WHERE fr_id = ?", [me]).fetchall())
    assert len(fr["partner"]) > 0
    for other in fr["partner"]["fr_id"]:
        theirs = {r[0] for r in con.execute("SELECT DISTINCT partner_id FROM link_facts WHERE fr_id = ?",
                                             [other]).fetchall()}
        assert other != me and mine & theirs
    names = dict(con.execute("SELECT name_fr, name_en FROM countries").fetchall())
    first_fr = fr["country"]["what"].iloc[0].split(", ")
    first_en = en["country"]["what"].iloc[0].split(", ")
    assert sorted(names[n] for n in first_fr) == sorted(first_en)  # the same countries, named in English
