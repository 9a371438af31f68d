"""The partnership exchange, read side (atlas.db.exchange), each answer compared with SQL written
independently on the base tables of the test atlas (its invented offers and requests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from atlas.db import exchange as ex
from atlas.db.connection import ReadOnlyDatabase
from atlas.errors import QueryError
from atlas.models import Filters

TODAY = dt.datetime.now(dt.timezone.utc).date()


@pytest.fixture(scope="module")
def con(demo_db: Path):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def rdb(demo_db: Path):
    db = ReadOnlyDatabase(demo_db)
    yield db
    db.close()


def ids(con, query: str, params: list | None = None) -> set[str]:
    return {r[0] for r in con.execute(query, params or []).fetchall()}


def test_the_demonstration_has_offers_and_requests_of_both_sides(con):
    rows = con.execute("""SELECT p.kind, a.is_french, p.status, p.expires_on < ? AS expired, b.is_demo
                          FROM exchange_posts p JOIN authorities a ON a.id = p.authority_id
                          JOIN import_batches b ON b.id = p.batch_id""", [TODAY]).fetchall()
    assert 100 <= len(rows) <= 200
    assert {r[0] for r in rows} == {"offre", "demande"}
    assert {r[1] for r in rows} == {True, False}  # French and foreign authors
    assert {r[2] for r in rows} == {"ouverte", "appariee", "close"}
    assert any(r[3] for r in rows) and not all(r[3] for r in rows)  # some expired
    assert all(r[4] for r in rows)  # all in the demonstration batch
    # every post has a theme, a known one, and a country or a zone
    assert not ids(con, "SELECT id FROM exchange_posts WHERE id NOT IN (SELECT post_id FROM exchange_post_themes)")
    assert not ids(con, "SELECT id FROM exchange_posts WHERE country_iso2 IS NULL AND zone IS NULL")
    assert ids(con, "SELECT id FROM exchange_posts WHERE country_iso2 IS NULL")  # a few name only a zone
    # a foreign author's country is its own
    assert not ids(con, """SELECT p.id FROM exchange_posts p JOIN authorities a ON a.id = p.authority_id
                           WHERE NOT a.is_french AND p.country_iso2 <> a.country_iso2""")


def test_default_list_is_every_unexpired_post(rdb, con):
    got = set(ex.posts(rdb, today=TODAY)["id"])
    assert got == ids(con, "SELECT id FROM exchange_posts WHERE expires_on >= ?", [TODAY])
    everything = set(ex.posts(rdb, include_expired=True, today=TODAY)["id"])
    assert everything == ids(con, "SELECT id FROM exchange_posts")


@pytest.mark.parametrize("filters, kinds, statuses, sql, params", [
    (Filters(themes=["eau"]), (), (),
     "SELECT post_id FROM exchange_post_themes WHERE theme_code = 'eau'", []),
    (Filters(themes=["eau", "sante"]), ("offre",), ("ouverte",),
     """SELECT p.id FROM exchange_posts p WHERE p.kind = 'offre' AND p.status = 'ouverte' AND EXISTS (
        SELECT 1 FROM exchange_post_themes t WHERE t.post_id = p.id AND t.theme_code IN ('eau', 'sante'))""", []),
    (Filters(countries=["SN", "ML"]), (), (), "SELECT id FROM exchange_posts WHERE country_iso2 IN ('SN', 'ML')", []),
    (Filters(zones=["Afrique subsaharienne"]), ("demande",), (),
     """SELECT p.id FROM exchange_posts p LEFT JOIN countries c ON c.iso2 = p.country_iso2
        WHERE p.kind = 'demande' AND (p.zone = 'Afrique subsaharienne'
              OR (p.zone IS NULL AND c.zone = 'Afrique subsaharienne'))""", []),
    (Filters(regions=["84"]), (), (),
     """SELECT p.id FROM exchange_posts p JOIN authorities a ON a.id = p.authority_id WHERE a.region = '84'""", []),
    (Filters(sdgs=[6]), (), (),
     """SELECT t.post_id FROM exchange_post_themes t JOIN theme_sdgs s ON s.theme_code = t.theme_code
        WHERE s.sdg = 6""", []),
    (Filters(sources=["real"]), (), (), "SELECT id FROM exchange_posts WHERE batch_id <> 'demo'", []),
    (Filters(sources=["demo"]), (), ("appariee", "close"),
     "SELECT id FROM exchange_posts WHERE batch_id = 'demo' AND status IN ('appariee', 'close')", []),
    (Filters(kinds=["cooperation_decentralisee"]), (), (),
     "SELECT id FROM exchange_posts WHERE action_kind = 'cooperation_decentralisee'", []),
])
def test_filters_select_what_sql_selects(rdb, con, filters, kinds, statuses, sql, params):
    got = set(ex.posts(rdb, filters, kinds=kinds, statuses=statuses, today=TODAY)["id"])
    unexpired = ids(con, "SELECT id FROM exchange_posts WHERE expires_on >= ?", [TODAY])
    expected = ids(con, sql, params) & unexpired
    assert got == expected
    if filters.sources != ("real",):
        assert got, "the demonstration should hold posts of every selection tested"


def test_unknown_kind_or_status_names_what_is_expected(rdb):
    with pytest.raises(QueryError, match=r"unknown post kinds: \['offer'\]; expected one of: offre, demande"):
        ex.posts(rdb, kinds=["offer"])
    with pytest.raises(QueryError, match="expected one of: ouverte, appariee, close"):
        ex.posts(rdb, statuses=["open"])


def _matches_sql(con, post_id: str) -> list[str]:
    """Independent SQL: open unexpired posts of the other kind, by another author, same country (or,
    for a post with only a zone, same zone; or a zone-only post of the country's zone), a shared theme."""
    return [r[0] for r in con.execute("""
        WITH me AS (SELECT p.*, coalesce(p.zone, c.zone) AS z FROM exchange_posts p
                    LEFT JOIN countries c ON c.iso2 = p.country_iso2 WHERE p.id = ?),
        o AS (SELECT p.*, coalesce(p.zone, c.zone) AS z FROM exchange_posts p
              LEFT JOIN countries c ON c.iso2 = p.country_iso2)
        SELECT DISTINCT o.id FROM o, me
        WHERE o.id <> me.id AND o.kind <> me.kind AND o.authority_id <> me.authority_id
          AND o.status = 'ouverte' AND o.expires_on >= ?
          AND ((me.country_iso2 IS NOT NULL AND (o.country_iso2 = me.country_iso2
                                                OR (o.country_iso2 IS NULL AND o.z = me.z)))
               OR (me.country_iso2 IS NULL AND o.z = me.z))
          AND EXISTS (SELECT 1 FROM exchange_post_themes a JOIN exchange_post_themes b ON a.theme_code = b.theme_code
                      WHERE a.post_id = o.id AND b.post_id = me.id)
        ORDER BY o.id""", [post_id, TODAY]).fetchall()]


def test_matches_are_what_sql_finds(rdb, con):
    every = [r[0] for r in con.execute("SELECT id FROM exchange_posts ORDER BY id").fetchall()]
    with_matches = 0
    for post_id in every:
        got = ex.matches(rdb, post_id, today=TODAY)
        assert sorted(got["id"]) == _matches_sql(con, post_id), post_id
        with_matches += bool(len(got))
        if len(got):
            mine = set(ids(con, "SELECT theme_code FROM exchange_post_themes WHERE post_id = ?", [post_id]))
            for shared, n in zip(got["shared_themes"], got["n_shared"]):
                assert set(shared) <= mine and len(shared) == n > 0
            # ranked: same country first, then more shared themes
            keys = list(zip(~got["same_country"], -got["n_shared"]))
            assert keys == sorted(keys)
    assert with_matches >= 10, "the demonstration should hold posts that answer each other"


def test_invented_requests_answer_invented_offers(rdb, con):
    """Some open offers of French authorities have an open request of a foreign authority of that country."""
    offers = ids(con, """SELECT p.id FROM exchange_posts p JOIN authorities a ON a.id = p.authority_id
                         WHERE a.is_french AND p.kind = 'offre' AND p.status = 'ouverte' AND p.expires_on >= ?""",
                 [TODAY])
    answered = 0
    for offer in offers:
        got = ex.matches(rdb, offer, today=TODAY)
        foreign = got[~got["author_is_french"] & (got["kind"] == "demande")]
        answered += bool(len(foreign))
    assert answered >= 5


def test_who_else_is_what_sql_finds(rdb, con):
    checked = 0
    for (post_id,) in con.execute("SELECT id FROM exchange_posts ORDER BY id").fetchall()[::7]:
        got = ex.who_else(rdb, post_id, top=10_000, today=TODAY)
        expected = con.execute("""
            WITH me AS (SELECT p.*, coalesce(p.zone, c.zone) AS z FROM exchange_posts p
                        LEFT JOIN countries c ON c.iso2 = p.country_iso2 WHERE p.id = ?),
            facts AS (SELECT pp.authority_id AS fr_id, pa.authority_id AS partner_id, pj.id AS project_id,
                             ap.country_iso2, c.zone, t.theme_code
                      FROM projects pj
                      JOIN project_parties pp ON pp.project_id = pj.id
                      JOIN authorities af ON af.id = pp.authority_id AND af.is_french
                      JOIN project_parties pa ON pa.project_id = pj.id
                      JOIN authorities ap ON ap.id = pa.authority_id AND NOT ap.is_french
                      LEFT JOIN countries c ON c.iso2 = ap.country_iso2
                      JOIN project_themes t ON t.project_id = pj.id)
            SELECT f.fr_id, count(DISTINCT f.partner_id), count(DISTINCT f.project_id),
                   list_sort(list(DISTINCT f.theme_code))
            FROM facts f, me
            WHERE f.fr_id <> me.authority_id
              AND f.theme_code IN (SELECT theme_code FROM exchange_post_themes WHERE post_id = me.id)
              AND CASE WHEN me.country_iso2 IS NOT NULL THEN f.country_iso2 = me.country_iso2 ELSE f.zone = me.z END
            GROUP BY f.fr_id""", [post_id]).fetchall()
        want = {r[0]: (r[1], r[2], list(r[3])) for r in expected}
        have = {r.fr_id: (r.n_partners, r.n_projects, list(r.themes)) for r in got.itertuples()}
        assert have == want, post_id
        assert list(got["n_projects"]) == sorted(got["n_projects"], reverse=True)
        checked += bool(want)
    assert checked >= 5


def test_who_else_leaves_out_the_author_and_keeps_the_top(rdb, con):
    post_id, author = con.execute("""SELECT p.id, p.authority_id FROM exchange_posts p
                                     JOIN authorities a ON a.id = p.authority_id
                                     WHERE a.is_french AND p.country_iso2 = 'SN' ORDER BY p.id LIMIT 1""").fetchone() \
        or con.execute("SELECT id, authority_id FROM exchange_posts ORDER BY id LIMIT 1").fetchone()
    every = ex.who_else(rdb, post_id, top=10_000, today=TODAY)
    assert author not in set(every["fr_id"])
    top = ex.who_else(rdb, post_id, top=3, today=TODAY)
    assert list(top["fr_id"]) == list(every["fr_id"].head(3))


def test_open_offers_of_an_authority(rdb, con):
    authority = con.execute("""SELECT authority_id FROM exchange_posts WHERE status = 'ouverte' AND expires_on >= ?
                               GROUP BY ALL ORDER BY count(*) DESC, authority_id LIMIT 1""", [TODAY]).fetchone()[0]
    got = ex.open_offers(rdb, authority, today=TODAY)
    assert set(got["id"]) == ids(con, """SELECT id FROM exchange_posts WHERE authority_id = ? AND status = 'ouverte'
                                          AND expires_on >= ?""", [authority, TODAY])
    assert len(got) >= 1
    assert ex.open_offers(rdb, "commune:00000", today=TODAY).empty


def test_one_post_and_counts(rdb, con):
    post_id = con.execute("SELECT id FROM exchange_posts ORDER BY id LIMIT 1").fetchone()[0]
    one = ex.post(rdb, post_id, today=TODAY)
    assert one is not None and one["id"] == post_id and one["origin"] == "demo"
    assert "inventées" in one["source"]
    assert ex.post(rdb, "nope") is None
    counts = ex.counts(rdb, today=TODAY)
    assert counts["posts"] == con.execute("SELECT count(*) FROM exchange_posts").fetchone()[0]
    assert counts["offers"] == len(ids(con, """SELECT id FROM exchange_posts WHERE kind = 'offre'
                                                AND status = 'ouverte' AND expires_on >= ?""", [TODAY]))


def test_the_python_api(atlas_handle, rdb):
    from atlas.errors import QueryError as APIQueryError

    got = atlas_handle.exchange_posts(Filters(themes=["eau"]), kinds=["offre"])
    assert list(got["id"]) == list(ex.posts(rdb, Filters(themes=["eau"]), kinds=["offre"], statuses=["ouverte"])["id"])
    with pytest.raises(APIQueryError, match="unknown themes"):
        atlas_handle.exchange_posts(Filters(themes=["water"]))
    post_id = got["id"].iloc[0]
    one = atlas_handle.exchange_post(post_id, top=3)
    assert one["post"]["id"] == post_id
    assert list(one["matches"]["id"]) == list(ex.matches(rdb, post_id)["id"])
    assert list(one["who_else"]["fr_id"]) == list(ex.who_else(rdb, post_id, top=3)["fr_id"])
    assert atlas_handle.exchange_post("nope") is None
