"""The partnership exchange, write side (atlas.ingest.exchange): publish, mark, withdraw; who may;
what is refused and why; one batch per publication, and undoing it."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from atlas.db import exchange as read
from atlas.db.connection import ReadOnlyDatabase
from atlas.ingest import exchange as ex
from atlas.ingest.accounts import AccountError, User
from atlas.ingest.batches import undo_batch
from atlas.models import Filters

AGENT = User("mairie-montelimar", "contributor", "commune:26198")
DROME = User("cd-drome", "contributor", "departement:26")
ADMIN = User("admin", "admin")
READER = User("lecteur", "reader")
HOSTILE = "<b>x</b><script>alert(1)</script> {{7*7}} =1+1"
TODAY = dt.datetime.now(dt.timezone.utc).date()


def rows(db: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def offer(**changes) -> ex.Post:
    values = dict(kind="offre", authority_id="commune:26198", title="Eau potable : partage d'expérience",
                  themes=("eau", "sante"), country_iso2="SN", description="Ligne 1\nLigne 2",
                  contact="international@montelimar.example", action_kind="cooperation_decentralisee")
    values.update(changes)
    return ex.Post(**values)


def test_publish_stores_one_batch_with_its_post_themes_and_log(db):
    post_id = ex.publish(db, AGENT, offer(title=HOSTILE, area="Kaolack"))
    post = rows(db, """SELECT kind, authority_id, title, description, country_iso2, zone, area, action_kind, contact,
                              status, expires_on, user_name, batch_id FROM exchange_posts WHERE id = ?""", [post_id])
    assert len(post) == 1
    kind, author, title, description, country, zone, area, action_kind, contact, status, expires, user, batch = post[0]
    assert (kind, author, country, zone, area, status, user) == ("offre", "commune:26198", "SN", None, "Kaolack",
                                                                 "ouverte", AGENT.name)
    assert title == HOSTILE  # stored as given: shown as text by every front end
    assert description == "Ligne 1\nLigne 2" and action_kind == "cooperation_decentralisee"
    assert expires == TODAY + dt.timedelta(days=ex.DEFAULT_DAYS)
    assert sorted(r[0] for r in rows(db, "SELECT theme_code FROM exchange_post_themes WHERE post_id = ?",
                                     [post_id])) == ["eau", "sante"]
    assert rows(db, "SELECT format, source, user_name, is_demo FROM import_batches WHERE id = ?", [batch]) == [
        ("exchange", f"Publication de {AGENT.name}", AGENT.name, False)]
    log = rows(db, "SELECT user_name, action, detail FROM audit_log WHERE target = ?", [batch])
    assert log[0][:2] == (AGENT.name, "exchange_publish") and post_id in log[0][2]
    # the author had no tie: it was added from the code lists, in the publication's batch
    assert rows(db, "SELECT name, departement, batch_id FROM authorities WHERE id = 'commune:26198'") == [
        ("Montélimar", "26", batch)]
    # and the read side lists it as a real record
    rdb = ReadOnlyDatabase(db)
    try:
        listed = read.posts(rdb, Filters(sources=["real"]))
        assert list(listed["id"]) == [post_id] and listed["source"].iloc[0] == f"Publication de {AGENT.name}"
    finally:
        rdb.close()


def test_a_departement_contributor_publishes_for_a_commune_inside_it(db):
    post_id = ex.publish(db, DROME, offer(authority_id="commune:26362", kind="demande", country_iso2="ma"))
    assert rows(db, "SELECT authority_id, kind, country_iso2 FROM exchange_posts WHERE id = ?", [post_id]) == [
        ("commune:26362", "demande", "MA")]


def test_a_zone_without_a_country(db):
    post_id = ex.publish(db, AGENT, offer(country_iso2=None, zone="Afrique du Nord"))
    assert rows(db, "SELECT country_iso2, zone FROM exchange_posts WHERE id = ?", [post_id]) == [(None, "Afrique du Nord")]


@pytest.mark.parametrize("changes, message", [
    (dict(title="   "), r"title: empty; expected 1 to 200 characters"),
    (dict(title="x" * 201), r"title: 201 characters received; expected at most 200"),
    (dict(description="x" * 4001), r"description: 4001 characters received; expected at most 4000"),
    (dict(contact="a\nb"), r"contact: control character U\+000A at position 2; expected printable text"),
    (dict(title="a\x00b"), r"title: control character U\+0000"),
    (dict(themes=()), r"themes: none given; expected 1 to 5 theme codes"),
    (dict(themes=("eau", "water")), r"unknown theme 'water'; expected codes such as: agriculture, "),
    (dict(themes=("eau", "sante", "education", "culture", "sport", "energie")),
     r"themes: 6 given; expected at most 5"),
    (dict(kind="offer"), r"kind 'offer': expected one of offre, demande"),
    (dict(action_kind="twinning"), r"kind of action 'twinning': expected one of cooperation_decentralisee, "),
    (dict(country_iso2="ZZ"), r"unknown country 'ZZ'; expected an ISO 3166-1 alpha-2 code"),
    (dict(country_iso2="FR"), r"country 'FR': expected the foreign country concerned"),
    (dict(country_iso2=None), r"no country and no zone given; expected the foreign country concerned"),
    (dict(country_iso2=None, zone="Atlantide"), r"zone 'Atlantide': expected one of Europe, "),
    (dict(expires_on=TODAY), rf"expiry date {TODAY.isoformat()} is not in the future"),
    (dict(expires_on=dt.date(2020, 1, 1)), r"expiry date 2020-01-01 is not in the future; expected a date after"),
    (dict(expires_on=TODAY + dt.timedelta(days=1000)), r"expected at most two years ahead"),
    (dict(authority_id="commune:99999"), r"acts for commune:26198: it may not"),
])
def test_refused_values_say_what_was_received_and_expected_and_write_nothing(db, changes, message):
    before = digest(db)
    with pytest.raises((ex.ExchangeError, AccountError), match=message):
        ex.publish(db, AGENT, offer(**changes))
    assert digest(db) == before


def test_an_unknown_author_is_refused_even_for_an_administrator(db):
    before = digest(db)
    with pytest.raises(ex.ExchangeError, match=r"author 'commune:99999': not an authority of the atlas"):
        ex.publish(db, ADMIN, offer(authority_id="commune:99999"))
    assert digest(db) == before


@pytest.mark.parametrize("user, message", [
    (READER, r"lecteur \(reader\) may not publish"),
    (DROME, r"cd-drome acts for departement:26: it may not publish or change the offers and requests of "
            r"commune:31555"),
])
def test_who_may_not_publish(db, user, message):
    before = digest(db)
    with pytest.raises(AccountError, match=message):
        ex.publish(db, user, offer(authority_id="commune:31555"))
    assert digest(db) == before


def test_mark_matched_close_and_withdraw(db):
    post_id = ex.publish(db, AGENT, offer())
    batch = rows(db, "SELECT batch_id FROM exchange_posts WHERE id = ?", [post_id])[0][0]
    ex.set_status(db, AGENT, post_id, "appariee")
    assert rows(db, "SELECT status FROM exchange_posts WHERE id = ?", [post_id]) == [("appariee",)]
    ex.set_status(db, DROME, post_id, "close")  # the département's account covers the commune
    assert rows(db, "SELECT status FROM exchange_posts WHERE id = ?", [post_id]) == [("close",)]
    with pytest.raises(ex.ExchangeError, match=r"status 'done': expected one of ouverte, appariee, close"):
        ex.set_status(db, AGENT, post_id, "done")
    other = User("mairie-toulouse", "contributor", "commune:31555")
    with pytest.raises(AccountError, match="may not publish or change"):
        ex.set_status(db, other, post_id, "ouverte")
    with pytest.raises(AccountError, match="may not publish or change"):
        ex.withdraw(db, other, post_id)
    ex.withdraw(db, AGENT, post_id)
    assert not rows(db, "SELECT id FROM exchange_posts WHERE id = ?", [post_id])
    assert not rows(db, "SELECT * FROM exchange_post_themes WHERE post_id = ?", [post_id])
    assert not rows(db, "SELECT id FROM import_batches WHERE id = ?", [batch])
    assert not rows(db, "SELECT id FROM authorities WHERE id = 'commune:26198'")  # it came with the post
    actions = [r[0] for r in rows(db, "SELECT action FROM audit_log WHERE target = ? ORDER BY logged_at", [batch])]
    assert actions == ["exchange_publish", "exchange_status", "exchange_status", "exchange_withdraw"]
    with pytest.raises(ex.ExchangeError, match=r"no offer or request '.+' \(it may have been withdrawn\)"):
        ex.withdraw(db, AGENT, post_id)


def test_undoing_a_publication_removes_its_post_and_keeps_authorities_other_posts_use(db):
    first = ex.publish(db, AGENT, offer())
    second = ex.publish(db, AGENT, offer(kind="demande", title="Une demande", themes=("culture",), country_iso2="DE"))
    b1, b2 = (rows(db, "SELECT batch_id FROM exchange_posts WHERE id = ?", [p])[0][0] for p in (first, second))
    assert b1 != b2
    assert rows(db, "SELECT batch_id FROM authorities WHERE id = 'commune:26198'") == [(b1,)]
    removed = undo_batch(db, b1)
    assert removed["authorities"] == 0
    assert not rows(db, "SELECT id FROM exchange_posts WHERE id = ?", [first])
    assert not rows(db, "SELECT * FROM exchange_post_themes WHERE post_id = ?", [first])
    # the author stays, now owned by the publication that still uses it
    assert rows(db, "SELECT batch_id FROM authorities WHERE id = 'commune:26198'") == [(b2,)]
    assert rows(db, "SELECT id FROM exchange_posts") == [(second,)]
    assert undo_batch(db, b2)["authorities"] == 1
    assert not rows(db, "SELECT id FROM exchange_posts")


def test_a_foreign_author_publishes_about_its_own_country(demo_copy):
    foreign, country = rows(demo_copy, """SELECT id, country_iso2 FROM authorities WHERE NOT is_french
                                          AND level = 'place' AND country_iso2 = 'SN' ORDER BY id LIMIT 1""")[0]
    post_id = ex.publish(demo_copy, ADMIN, offer(authority_id=foreign, kind="demande", country_iso2=None))
    assert rows(demo_copy, "SELECT country_iso2 FROM exchange_posts WHERE id = ?", [post_id]) == [(country,)]
    with pytest.raises(ex.ExchangeError, match=r"country 'ML': a foreign authority publishes about its own "
                                               r"country; expected SN"):
        ex.publish(demo_copy, ADMIN, offer(authority_id=foreign, country_iso2="ML"))
    # a contributor's scope is French: it cannot act for a foreign authority
    with pytest.raises(AccountError, match="may not publish or change"):
        ex.publish(demo_copy, AGENT, offer(authority_id=foreign, country_iso2=None))


def test_undoing_the_demonstration_keeps_an_author_a_publication_uses(demo_copy):
    """A French authority invented by the demonstration publishes for real; undoing the demonstration
    removes the invented posts and keeps that authority for the real post."""
    author = rows(demo_copy, """SELECT a.id FROM authorities a WHERE a.batch_id = 'demo' AND a.level = 'commune'
                                ORDER BY a.id LIMIT 1""")[0][0]
    post_id = ex.publish(demo_copy, ADMIN, offer(authority_id=author))
    batch = rows(demo_copy, "SELECT batch_id FROM exchange_posts WHERE id = ?", [post_id])[0][0]
    undo_batch(demo_copy, "demo")
    assert rows(demo_copy, "SELECT id FROM exchange_posts") == [(post_id,)]
    assert rows(demo_copy, "SELECT batch_id FROM authorities WHERE id = ?", [author]) == [(batch,)]


def test_withdrawing_an_invented_post_removes_only_that_post(demo_copy):
    post_id, author = rows(demo_copy, """SELECT p.id, p.authority_id FROM exchange_posts p JOIN authorities a
                                         ON a.id = p.authority_id WHERE a.is_french ORDER BY p.id LIMIT 1""")[0]
    n = rows(demo_copy, "SELECT count(*) FROM exchange_posts")[0][0]
    ex.withdraw(demo_copy, ADMIN, post_id)
    assert rows(demo_copy, "SELECT count(*) FROM exchange_posts")[0][0] == n - 1
    assert rows(demo_copy, "SELECT count(*) FROM import_batches WHERE id = 'demo'") == [(1,)]
    assert rows(demo_copy, "SELECT count(*) FROM authorities WHERE id = ?", [author]) == [(1,)]
