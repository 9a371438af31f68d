"""Accounts, roles and the audit log of an editing server (issue 14)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import duckdb
import pytest

from atlas.errors import ImportFileError
from atlas.ingest import accounts, declare
from atlas.ingest.accounts import AccountError

PASSWORD = "montelimar-2026!"
MONTELIMAR = "commune:26198"
WATER = declare.Declaration(fr_id=MONTELIMAR, partner_name="Kaolack", partner_country="Sénégal",
                            title="Accès à l'eau à Kaolack", themes=("eau",), sdgs=(6,), year_start=2024,
                            year_end=2026, status="en_cours", budget=50000)


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def users_made(ingest_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four users, made once for the module (argon2id makes each hash cost ~0.2 s on purpose)."""
    db = tmp_path_factory.mktemp("users") / "atlas.duckdb"
    shutil.copy(ingest_db, db)
    accounts.add_user(db, "admin", "admin", "correct horse battery")
    accounts.add_user(db, "mairie-montelimar", "contributor", PASSWORD, scope=MONTELIMAR)
    accounts.add_user(db, "drome", "contributor", "drome-password-1", scope="departement:26")
    accounts.add_user(db, "lecteur", "reader", "reader-password-1")
    return db


@pytest.fixture()
def users(users_made: Path, tmp_path: Path) -> Path:
    """A private copy of the database holding the four users, which a test may write to."""
    db = tmp_path / "atlas.duckdb"
    shutil.copy(users_made, db)
    return db


def test_passwords_are_stored_as_argon2id_hashes(users: Path) -> None:
    for name, hashed in rows(users, "SELECT name, password_hash FROM users"):
        assert hashed.startswith("$argon2id$") and PASSWORD not in hashed


@pytest.mark.parametrize("name,role,password,scope,match", [
    ("x", "admin", "long-enough-1", None, "user name"),
    ("bob", "root", "long-enough-1", None, "role 'root'"),
    ("bob", "admin", "short", None, "at least 10"),
    ("bob", "contributor", "long-enough-1", None, "needs the authority"),
    ("bob", "contributor", "long-enough-1", "commune:99999", "not an authority"),
])
def test_bad_users_are_refused(db: Path, name, role, password, scope, match) -> None:
    with pytest.raises(AccountError, match=match):
        accounts.add_user(db, name, role, password, scope=scope)
    assert rows(db, "SELECT count(*) FROM users")[0][0] == 0


def test_a_wrong_password_is_refused_logged_and_locks_after_five(users: Path) -> None:
    with pytest.raises(AccountError, match="wrong user name or password"):
        accounts.sign_in(users, "mairie-montelimar", "not the password")
    with pytest.raises(AccountError, match="wrong user name or password"):
        accounts.sign_in(users, "nobody", PASSWORD)
    assert accounts.sign_in(users, "mairie-montelimar", PASSWORD).scope == MONTELIMAR
    for _ in range(accounts.MAX_ATTEMPTS):
        with pytest.raises(AccountError):
            accounts.sign_in(users, "mairie-montelimar", "guess")
    with pytest.raises(AccountError, match="locked"):
        accounts.sign_in(users, "mairie-montelimar", PASSWORD)  # even the right one, for a while
    log = rows(users, "SELECT action, detail FROM audit_log WHERE target = 'mairie-montelimar' ORDER BY logged_at")
    assert log.count(("sign_in", None)) == 1
    assert sum(a == "sign_in_refused" for a, _d in log) == 1 + accounts.MAX_ATTEMPTS + 1
    assert ("sign_in_refused", "account locked") in log


def test_declare_update_undo_and_every_change_is_logged(users: Path) -> None:
    user = accounts.sign_in(users, "mairie-montelimar", PASSWORD)
    preview = declare.check(users, user, WATER)
    assert preview.projects_imported == 1 and rows(users, "SELECT count(*) FROM projects")[0][0] == 0
    saved = declare.save(users, user, WATER)
    assert rows(users, "SELECT title, budget_eur FROM projects WHERE batch_id = ?", [saved.batch_id]) == [
        ("Accès à l'eau à Kaolack", 50000.0)]
    updated = declare.save(users, user, dataclasses.replace(WATER, budget=60000), replaces=saved.batch_id)
    assert rows(users, "SELECT budget_eur FROM projects")[0][0] == 60000.0
    assert rows(users, "SELECT count(*) FROM import_batches WHERE id = ?", [saved.batch_id])[0][0] == 0
    declare.undo(users, user, updated.batch_id)
    assert rows(users, "SELECT count(*) FROM projects")[0][0] == 0
    log = rows(users, "SELECT user_name, action, target FROM audit_log WHERE action IN ('declare', 'update', 'undo') "
                      "ORDER BY logged_at")
    assert log == [("mairie-montelimar", "declare", saved.batch_id), ("mairie-montelimar", "update", updated.batch_id),
                   ("mairie-montelimar", "undo", updated.batch_id)]


def test_a_contributor_cannot_touch_another_authoritys_records(users: Path) -> None:
    montelimar = accounts.sign_in(users, "mairie-montelimar", PASSWORD)
    toulouse = dataclasses.replace(WATER, fr_id="commune:31555")
    with pytest.raises(AccountError, match="may not declare records of commune:31555"):
        declare.save(users, montelimar, toulouse)
    with pytest.raises(AccountError):
        declare.check(users, montelimar, toulouse)
    # a département scope covers its communes, not others
    drome = accounts.sign_in(users, "drome", "drome-password-1")
    assert declare.save(users, drome, dataclasses.replace(WATER, title="Drôme – Kaolack")).batch_id
    with pytest.raises(AccountError):
        declare.save(users, drome, toulouse)
    # nor change or undo a batch somebody else made, even of its own authority
    theirs = declare.save(users, drome, dataclasses.replace(WATER, title="Projet de la Drôme")).batch_id
    with pytest.raises(AccountError, match="was not declared by mairie-montelimar"):
        declare.undo(users, montelimar, theirs)
    with pytest.raises(AccountError, match="was not declared by mairie-montelimar"):
        declare.save(users, montelimar, WATER, replaces=theirs)
    reader = accounts.sign_in(users, "lecteur", "reader-password-1")
    with pytest.raises(AccountError, match="may not declare"):
        declare.save(users, reader, WATER)
    admin = accounts.sign_in(users, "admin", "correct horse battery")
    declare.undo(users, admin, theirs)  # an administrator may
    assert rows(users, "SELECT count(*) FROM projects WHERE batch_id = ?", [theirs])[0][0] == 0


def test_a_declaration_gets_the_importers_checks_and_messages(users: Path) -> None:
    user = accounts.sign_in(users, "mairie-montelimar", PASSWORD)
    before = rows(users, "SELECT count(*) FROM import_batches")[0][0]
    with pytest.raises(ImportFileError, match="strict"):
        declare.save(users, user, dataclasses.replace(WATER, partner_name="Zzxqwv", partner_country="Sénégal"))
    with pytest.raises(ImportFileError, match="kind"):
        declare.save(users, user, dataclasses.replace(WATER, kind="piracy"))
    assert rows(users, "SELECT count(*) FROM import_batches")[0][0] == before  # nothing half-written


def test_an_authority_confirms_its_records_and_stale_ones_are_listed(users: Path) -> None:
    from atlas.ingest import confirm

    user = accounts.sign_in(users, "mairie-montelimar", PASSWORD)
    declare.save(users, user, WATER)  # Montélimar now holds a real (declared) record
    before = confirm.stale(users)
    assert MONTELIMAR in set(before["id"]) and before.loc[before.id == MONTELIMAR, "last_confirmed"].isna().all()
    confirm.confirm(users, user, MONTELIMAR)
    assert MONTELIMAR not in set(confirm.stale(users)["id"])
    import datetime as dt

    in_two_years = dt.date.today() + dt.timedelta(days=730)
    assert MONTELIMAR in set(confirm.stale(users, today=in_two_years)["id"])  # stale again later
    with pytest.raises(AccountError, match="may not confirm the records of commune:31555"):
        confirm.confirm(users, user, "commune:31555")
    assert rows(users, "SELECT user_name, target FROM audit_log WHERE action = 'confirm'") == [
        ("mairie-montelimar", MONTELIMAR)]
