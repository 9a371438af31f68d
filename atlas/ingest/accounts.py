"""Accounts of an editing server: users, roles, sign-in, and the audit log of every change.

Roles:

- ``admin``: everything (imports, review, undo of any batch, users);
- ``contributor``: declares and updates the records of its own authority or territory
  (``scope``: ``commune:26198``, ``epci:…``, ``departement:26`` or ``region:84``: a département or
  région scope covers the authorities inside it), and undoes its own declarations;
- ``reader``: signs in, changes nothing (the public app needs no account at all).

Passwords are stored as argon2id hashes (argon2-cffi, the reference implementation's binding).
After ``MAX_ATTEMPTS`` wrong passwords an account is locked for ``LOCK_MINUTES``. Every sign-in,
refusal and change is written to ``audit_log``. The session of a signed-in user lives in the
server's memory (Streamlit session state) and expires after ``ATLAS_SESSION_MINUTES`` of idleness
(atlas.ui.auth); nothing the browser sends can name a user.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from atlas.errors import AtlasError
from atlas.ingest.load import atomic_write, read_only, table_exists

ROLES = ("admin", "contributor", "reader")
MAX_ATTEMPTS = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
_NAME = re.compile(r"[A-Za-z0-9._@-]{2,64}")
_SCOPE = re.compile(r"(commune|epci|departement|region):[0-9A-Za-z]{1,12}")
_HASHER = PasswordHasher()


class AccountError(AtlasError):
    """A user cannot be created, signed in or allowed to do something; the message says why."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    scope: str | None = None

    def may_edit(self) -> bool:
        return self.role in ("admin", "contributor")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def log(con: duckdb.DuckDBPyConnection, user: str | None, action: str, target: str | None = None,
        detail: str | None = None) -> None:
    """One line of the audit log (inside the caller's write)."""
    con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?)", [_now(), user, action, target, detail])


def add_user(db: str | Path, name: str, role: str, password: str, scope: str | None = None) -> User:
    """Create a user; the password is stored as an argon2id hash."""
    if not _NAME.fullmatch(name or ""):
        raise AccountError(f"user name {name[:80]!r}: expected 2 to 64 letters, digits, '.', '_', '@' or '-'")
    if role not in ROLES:
        raise AccountError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password of {len(password)} characters: expected at least {MIN_PASSWORD}")
    if role == "contributor" and not (scope and _SCOPE.fullmatch(scope)):
        raise AccountError(f"a contributor needs the authority it acts for: --scope commune:INSEE, epci:SIREN, "
                           f"departement:CODE or region:CODE (got {scope!r})")
    with atomic_write(db) as txn:
        con = txn.con
        if role == "contributor" and not _known(con, scope or ""):
            raise AccountError(f"--scope {scope!r} is not an authority of the official code lists")
        if con.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]:
            raise AccountError(f"user {name!r} already exists")
        con.execute("INSERT INTO users (name, role, scope, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    [name, role, scope if role == "contributor" else None, _HASHER.hash(password), _now()])
        log(con, None, "user_add", name, f"role {role}" + (f", scope {scope}" if scope else ""))
    return User(name, role, scope if role == "contributor" else None)


def _known(con: duckdb.DuckDBPyConnection, scope: str) -> bool:
    level, _, code = scope.partition(":")
    query = {"commune": "SELECT count(*) FROM ref_communes WHERE insee = ?",
             "epci": "SELECT count(*) FROM ref_epci WHERE siren = ?",
             "departement": "SELECT count(*) FROM ref_departements WHERE code = ?",
             "region": "SELECT count(*) FROM ref_regions WHERE code = ?"}.get(level)
    return bool(query and con.execute(query, [code]).fetchone()[0])


def list_users(db: str | Path) -> list[dict[str, Any]]:
    with read_only(db) as con:
        if not table_exists(con, "users"):
            return []
        rows = con.execute("SELECT name, role, scope, created_at, failed_attempts, locked_until, disabled "
                           "FROM users ORDER BY name").fetchall()
    keys = ("name", "role", "scope", "created_at", "failed_attempts", "locked_until", "disabled")
    return [dict(zip(keys, r)) for r in rows]


def sign_in(db: str | Path, name: str, password: str) -> User:
    """The user, when the password is right; AccountError otherwise (the same words whether the
    name or the password is wrong). Attempts are counted and logged (the refusal is stored
    before it is raised); too many wrong passwords lock the account."""
    error: AccountError | None = None
    user: User | None = None
    with atomic_write(db) as txn:
        con = txn.con
        row = con.execute("SELECT role, scope, password_hash, failed_attempts, locked_until, disabled FROM users "
                          "WHERE name = ?", [name]).fetchone()
        if row is None:
            log(con, None, "sign_in_refused", str(name)[:64], "unknown user")
            _HASHER.hash("timing: as long as a real check")
            error = AccountError("wrong user name or password")
        else:
            user, error = _check(con, name, password, row)
    if error is not None:
        raise error
    assert user is not None
    return user


def _check(con: duckdb.DuckDBPyConnection, name: str, password: str, row: tuple) -> tuple[User | None,
                                                                                          AccountError | None]:
    role, scope, hashed, failed, locked_until, disabled = row
    if disabled:
        log(con, name, "sign_in_refused", name, "account disabled")
        return None, AccountError("this account is disabled")
    if locked_until is not None and locked_until > _now():
        log(con, name, "sign_in_refused", name, "account locked")
        return None, AccountError(f"too many wrong passwords: the account is locked until {locked_until:%H:%M} UTC")
    try:
        _HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        failed += 1
        lock = _now() + dt.timedelta(minutes=LOCK_MINUTES) if failed >= MAX_ATTEMPTS else None
        con.execute("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE name = ?",
                    [0 if lock else failed, lock, name])
        log(con, name, "sign_in_refused", name, "wrong password" + (" (account locked)" if lock else ""))
        return None, AccountError("wrong user name or password")
    if _HASHER.check_needs_rehash(hashed):
        con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [_HASHER.hash(password), name])
    con.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE name = ?", [name])
    log(con, name, "sign_in", name)
    return User(name, role, scope), None


def covers(con: duckdb.DuckDBPyConnection, user: User, authority_id: str) -> bool:
    """May ``user`` change the records of the French authority ``authority_id``?"""
    if user.role == "admin":
        return True
    if user.role != "contributor" or not user.scope:
        return False
    if authority_id == user.scope:
        return True
    level, _, code = user.scope.partition(":")
    if level not in ("departement", "region"):
        return False
    row = con.execute("SELECT departement, region FROM authorities WHERE id = ?", [authority_id]).fetchone()
    if row is None and authority_id.startswith("commune:"):
        row = con.execute("SELECT departement, region FROM ref_communes WHERE insee = ?",
                          [authority_id.split(":", 1)[1]]).fetchone()
    if row is None:
        return False
    return (row[0] == code) if level == "departement" else (row[1] == code)


def history(db: str | Path, batch_id: str | None) -> list[dict[str, Any]]:
    """The audit lines about one batch (a record's history), oldest first."""
    if not batch_id:
        return []
    with read_only(db) as con:
        if not table_exists(con, "audit_log"):
            return []
        rows = con.execute("SELECT logged_at, user_name, action, detail FROM audit_log WHERE target = ? "
                           "OR detail LIKE ? ORDER BY logged_at", [batch_id, f"%{batch_id}%"]).fetchall()
    return [dict(zip(("at", "user", "action", "detail"), r)) for r in rows]
