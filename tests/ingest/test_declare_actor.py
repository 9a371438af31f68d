"""Declaring an actor of the territory without a file (issue 15): strict import of one row of the
actor directory, by an account that covers the seat (and the supporting authority); save,
replace and undo, each logged."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from atlas.errors import ImportFileError
from atlas.ingest import declare
from atlas.ingest.accounts import AccountError, User, add_user
from atlas.ingest.declare_actor import ActorDeclaration, check, mine, save

MILLAU = ActorDeclaration(name="Millau Solidarité Sahel", seat="commune:12145", sectors=("eau", "sante"),
                          countries=("BF", "ML"), sdgs=(6, 3), identifier="W121000042",
                          website="millau-sahel.example.org", description="Puits et dispensaires", since=2001,
                          supporter="commune:12145", support_kind="subvention", support_year=2025,
                          support_amount=2500)
ID = "actor:millausolidaritesahel:12145"


def q(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture()
def users(db: Path) -> dict[str, User]:
    return {"millau": add_user(db, "mairie-millau", "contributor", "millau-password-1", scope="commune:12145"),
            "aveyron": add_user(db, "cd-aveyron", "contributor", "aveyron-password-1", scope="departement:12"),
            "agglo": add_user(db, "millau-agglo", "contributor", "agglo-password-1", scope="epci:241200567"),
            "admin": add_user(db, "admin", "admin", "admin-password-1")}


def test_save_replace_and_undo(db: Path, users: dict[str, User]) -> None:
    u = users["millau"]
    preview = check(db, u, MILLAU)
    assert (preview.actors_imported, preview.supports_imported) == (1, 1) and preview.dry_run
    assert q(db, "SELECT count(*) FROM actors") == [(0,)]
    first = save(db, u, MILLAU)
    assert q(db, "SELECT name, type, commune, departement, region, identifier, website, since FROM actors") == [
        ("Millau Solidarité Sahel", "autre", "12145", "12", "76", "W121000042", "https://millau-sahel.example.org",
         2001)]
    assert sorted(q(db, "SELECT sector FROM actor_sectors")) == [("eau",), ("sante",)]
    assert sorted(q(db, "SELECT country_iso2 FROM actor_countries")) == [("BF",), ("ML",)]
    assert q(db, "SELECT authority_id, kind, year, amount_eur FROM actor_supports") == [
        ("commune:12145", "subvention", 2025, 2500.0)]
    assert q(db, "SELECT format, user_name, file_name, source FROM import_batches WHERE id = ?", [first.batch_id]) == [
        ("actor_declaration", "mairie-millau", None, "Déclaration en ligne de mairie-millau")]
    assert mine(db, u) == [(first.batch_id, "Millau Solidarité Sahel (commune:12145); soutien commune:12145")]
    # the same declaration again: nothing new, refused, nothing written
    with pytest.raises(ImportFileError, match="already in the atlas"):
        save(db, u, MILLAU)
    # an update replaces the batch in one write
    changed = ActorDeclaration(**{**MILLAU.__dict__, "type": "association", "support_amount": 3000.0})
    second = save(db, u, changed, replaces=first.batch_id)
    assert q(db, "SELECT type, batch_id FROM actors") == [("association", second.batch_id)]
    assert q(db, "SELECT amount_eur FROM actor_supports") == [(3000.0,)]
    assert q(db, "SELECT count(*) FROM import_batches WHERE id = ?", [first.batch_id]) == [(0,)]
    declare.undo(db, u, second.batch_id)
    for t in ("actors", "actor_sectors", "actor_countries", "actor_sdgs", "actor_supports"):
        assert q(db, f"SELECT count(*) FROM {t}") == [(0,)], t
    assert [a for (a,) in q(db, "SELECT action FROM audit_log WHERE user_name = 'mairie-millau' ORDER BY logged_at")] \
        == ["declare", "update", "undo"]


def test_who_may_declare(db: Path, users: dict[str, User]) -> None:
    elsewhere = ActorDeclaration(name="Association toulousaine", seat="31555")
    with pytest.raises(AccountError, match="mairie-millau acts for commune:12145: it may not declare actors of "
                                           "commune:31555"):
        save(db, users["millau"], elsewhere)
    with pytest.raises(AccountError, match="may not declare actors of commune:31555"):
        check(db, users["aveyron"], elsewhere)
    # a département covers its communes, an EPCI its member communes
    save(db, users["aveyron"], ActorDeclaration(name="Rodez Madagascar", seat="12202"))
    save(db, users["agglo"], ActorDeclaration(name="Millau Handball International", seat="12145"))
    # the support of an authority the account does not cover is refused
    with pytest.raises(AccountError, match=r"commune:12145 \(support of region:76\)"):
        save(db, users["millau"], ActorDeclaration(name="Autre structure", seat="12145", supporter="region:76"))
    save(db, users["admin"], elsewhere)  # an administrator: any
    assert q(db, "SELECT count(*) FROM actors") == [(3,)]
    # a reader may not, nor undo another's declaration
    with pytest.raises(AccountError, match="may not declare"):
        save(db, User("lecteur", "reader"), MILLAU)
    batch = q(db, "SELECT batch_id FROM actors WHERE commune = '12202'")[0][0]
    with pytest.raises(AccountError, match="was not declared by mairie-millau"):
        declare.undo(db, users["millau"], batch)


def test_refusals_say_what_was_received_and_expected(db: Path, users: dict[str, User]) -> None:
    u = users["admin"]
    with pytest.raises(ImportFileError, match=r"column 'SIRET': value '12345', expected a SIREN \(9 digits\)"):
        save(db, u, ActorDeclaration(name="Sans SIRET", seat="12145", identifier="12345"))
    with pytest.raises(ImportFileError, match=r"column 'Nom de la structure': value '<b>Gras</b>', expected plain text"):
        check(db, u, ActorDeclaration(name="<b>Gras</b>", seat="12145"))
    with pytest.raises(ImportFileError, match=r"seat '12': expected the commune of the seat as commune:INSEE"):
        check(db, u, ActorDeclaration(name="Nulle part", seat="12"))
    with pytest.raises(ImportFileError, match=r"1 unmatched value\(s\) \(strict mode\)"):
        check(db, u, ActorDeclaration(name="Commune inconnue", seat="99999"))
    with pytest.raises(ImportFileError, match=r"supporting authority 'Région Occitanie': expected commune:INSEE"):
        check(db, u, ActorDeclaration(name="X", seat="12145", supporter="Région Occitanie"))
    with pytest.raises(ImportFileError, match=r"actor type 'club': expected one of association"):
        check(db, u, ActorDeclaration(name="X", seat="12145", type="club"))
    assert q(db, "SELECT count(*) FROM import_batches") == [(0,)]
    # template syntax and ampersands are text: stored as written
    save(db, u, ActorDeclaration(name="{{7*7}} & ${x} Compagnie", seat="12145"))
    assert q(db, "SELECT name FROM actors") == [("{{7*7}} & ${x} Compagnie",)]
