"""Declaring an international actor of a territory without a file (the editing form).

As for partnerships and projects (atlas.ingest.declare): an :class:`ActorDeclaration` becomes one
row of the actor-directory template and goes through the importer in strict mode, so the checks
and messages are those of a file, and nothing is written unless every value is read exactly and
the seat (and the supporting authority) are placed. Each save is one batch of format
``actor_declaration`` (undoable with atlas.ingest.declare.undo), made by a signed-in user whose
account covers the seat's commune (its commune, its EPCI, its département or its région;
administrators: any) and, when a support is declared, the supporting authority. An update
replaces the user's earlier batch in the same write. Every save, update and undo is logged.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from atlas import models
from atlas.errors import ImportFileError
from atlas.ingest.accounts import AccountError, User, covers
from atlas.ingest.declare import store_declaration
from atlas.ingest.formats.actor_template import COLUMNS, HEADERS
from atlas.ingest.load import read_only
from atlas.ingest.pipeline import import_file
from atlas.ingest.report import ImportReport

#: The batch format of an actor declaration.
FORMAT = "actor_declaration"
_AUTHORITY = re.compile(r"(commune|epci|departement|region):[0-9AB]{2,9}")


@dataclass
class ActorDeclaration:
    """What the actor form asks. ``seat``: the commune of the seat (``commune:31555`` or ``31555``);
    ``supporter``: an authority id (``region:76``…) with the kind, year and amount of its support."""

    name: str
    seat: str
    type: str = ""  # models.ACTOR_TYPES code; empty: guessed from the name
    sectors: tuple[str, ...] = field(default_factory=tuple)
    countries: tuple[str, ...] = field(default_factory=tuple)  # ISO 3166-1 alpha-2
    sdgs: tuple[int, ...] = field(default_factory=tuple)
    identifier: str = ""  # SIRET, SIREN or RNA
    website: str = ""
    description: str = ""
    since: int | None = None
    supporter: str = ""
    support_kind: str = "subvention"
    support_year: int | None = None
    support_amount: float | None = None

    def seat_id(self) -> str:
        s = self.seat.strip()
        code = s.split(":", 1)[1] if s.lower().startswith("commune:") else s
        if not re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}", code.upper()):
            raise ImportFileError(f"seat {self.seat!r}: expected the commune of the seat as commune:INSEE or an "
                                  "INSEE code of 5 characters, such as commune:31555 or 31555")
        return "commune:" + code.upper()

    def row(self) -> dict[str, str]:
        """The template row (field -> text), vocabularies written as their French labels."""
        if self.type and self.type not in models.ACTOR_TYPE_BY_CODE:
            raise ImportFileError(f"actor type {self.type!r}: expected one of {', '.join(models.ACTOR_TYPE_BY_CODE)}")
        bad = [s for s in self.sectors if s not in models.SECTOR_BY_CODE]
        if bad:
            raise ImportFileError(f"sector {bad[0]!r}: expected one of {', '.join(models.SECTOR_BY_CODE)}")
        kinds = {c.code: c for c in models.SUPPORT_KINDS}
        supporter = self.supporter.strip()
        if supporter and not _AUTHORITY.fullmatch(supporter):
            raise ImportFileError(f"supporting authority {supporter!r}: expected commune:INSEE, epci:SIREN, "
                                  "departement:CODE or region:CODE")
        if supporter and self.support_kind not in kinds:
            raise ImportFileError(f"kind of support {self.support_kind!r}: expected one of {', '.join(kinds)}")
        if not supporter and self.support_amount is not None:
            raise ImportFileError("an amount of support needs the supporting authority")
        ident = self.identifier.strip()
        out = {"actor_name": self.name.strip(), "seat_insee": self.seat_id().split(":", 1)[1],
               "actor_type": models.ACTOR_TYPE_BY_CODE[self.type].label_fr if self.type else "",
               "sectors": "; ".join(models.SECTOR_BY_CODE[s].label_fr for s in self.sectors),
               "countries": "; ".join(c.strip() for c in self.countries),
               "sdgs": "; ".join(str(int(s)) for s in self.sdgs),
               "siret" if not ident.upper().startswith("W") else "rna": ident,
               "website": self.website.strip(), "description": self.description.strip(),
               "since": "" if self.since is None else str(int(self.since)),
               "supporters": supporter,
               "support_kind": kinds[self.support_kind].label_fr if supporter else "",
               "support_year": "" if self.support_year is None or not supporter else str(int(self.support_year)),
               "support_amount": "" if self.support_amount is None else f"{float(self.support_amount):.2f}"}
        return out

    def describe(self) -> str:
        return f"{self.name.strip()} ({self.seat_id()})" + (f"; soutien {self.supporter}" if self.supporter else "")


def _write_row(decl: ActorDeclaration, folder: Path) -> Path:
    path = folder / "declaration-acteur.csv"
    row = decl.row()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEADERS)
        w.writerow([row.get(f, "") for f, _req, _help in COLUMNS])
    return path


def may_declare(con: duckdb.DuckDBPyConnection, user: User, decl: ActorDeclaration) -> bool:
    """Does the user's account cover the seat's commune (its commune, EPCI, département or région)
    and the supporting authority? Administrators: always."""
    if user.role == "admin":
        return True
    seat = decl.seat_id()
    ok = covers(con, user, seat)
    if not ok and user.scope and user.scope.startswith("epci:"):
        row = con.execute("SELECT epci FROM ref_communes WHERE insee = ?", [seat.split(":", 1)[1]]).fetchone()
        ok = row is not None and row[0] == user.scope.split(":", 1)[1]
    supporter = decl.supporter.strip()
    return ok and (not supporter or supporter == user.scope or covers(con, user, supporter))


def _allowed(db: str | Path, user: User, decl: ActorDeclaration) -> None:
    if not user.may_edit():
        raise AccountError(f"{user.name} ({user.role}) may not declare records")
    with read_only(db) as con:
        _check(con, user, decl)


def _check(con: duckdb.DuckDBPyConnection, user: User, decl: ActorDeclaration) -> None:
    if not may_declare(con, user, decl):
        what = decl.seat_id() + (f" (support of {decl.supporter.strip()})" if decl.supporter.strip() else "")
        raise AccountError(f"{user.name} acts for {user.scope}: it may not declare actors of {what}")


def check(db: str | Path, user: User, decl: ActorDeclaration) -> ImportReport:
    """The preview: the importer's strict dry run of the declaration (nothing is written)."""
    _allowed(db, user, decl)
    with tempfile.TemporaryDirectory() as tmp:
        return import_file(_write_row(decl, Path(tmp)), db, format="actors", dry_run=True, strict=True)


def save(db: str | Path, user: User, decl: ActorDeclaration, replaces: str | None = None) -> ImportReport:
    """Store the declaration as a new batch (``replaces``: the user's earlier batch, removed in the
    same write). AccountError when the user may not; ImportFileError with the importer's message
    when a value cannot be read or the seat cannot be placed. Nothing is written then."""
    _allowed(db, user, decl)
    return store_declaration(
        db, user, lambda folder: _write_row(decl, folder), lambda con: _check(con, user, decl), replaces=replaces,
        fmt=FORMAT, nothing_new="nothing new to store: this actor (same name and seat) and its support are "
                                "already in the atlas", detail=decl.describe())


def mine(db: str | Path, user: User) -> list[tuple[str, str]]:
    """(batch id, what it declared) of the user's actor declarations still stored, newest first."""
    with read_only(db) as con:
        rows = con.execute(
            """SELECT b.id, coalesce(max(l.detail), b.id) FROM import_batches b
               LEFT JOIN audit_log l ON l.target = b.id AND l.action IN ('declare', 'update')
               WHERE b.user_name = ? AND b.format = ? GROUP BY b.id, b.imported_at
               ORDER BY b.imported_at DESC""", [user.name, FORMAT]).fetchall()
    return [(r[0], r[1]) for r in rows]
