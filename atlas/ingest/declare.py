"""Declaring a partnership or a project without a file (the editing form), as the importer would.

A declaration becomes one row of the atlas's own import template and goes through the importer
in strict mode: the same checks and the same messages as a file, and nothing is written unless
every value is read exactly and both sides are placed. Each save is one batch (undoable), made by
a signed-in user who may act for the French authority (atlas.ingest.accounts.covers); an update
replaces the user's earlier batch in the same write. Every save, update and undo is logged.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from atlas import models
from atlas.errors import ImportFileError
from atlas.ingest.accounts import AccountError, User, covers, log
from atlas.ingest.batches import Provenance, _delete_batch
from atlas.ingest.formats.template import HEADERS, COLUMNS
from atlas.ingest.load import atomic_write
from atlas.ingest.pipeline import import_file, import_into
from atlas.ingest.report import ImportReport

_LEVEL_WORDS = {"commune": "Commune", "epci": "EPCI", "departement": "Département", "region": "Région"}
_STATUS_WORDS = {code: fr for code, fr, _en in models.STATUSES}


@dataclass
class Declaration:
    """What the form asks. An empty ``title`` declares a standing partnership (twinning, agreement)."""

    fr_id: str  # commune:26198, epci:SIREN, departement:26, region:84
    partner_name: str
    partner_country: str
    kind: str = "cooperation_decentralisee"
    title: str = ""
    description: str = ""
    themes: tuple[str, ...] = field(default_factory=tuple)
    sdgs: tuple[int, ...] = field(default_factory=tuple)
    year_start: int | None = None
    year_end: int | None = None
    status: str = ""
    budget: float | None = None
    partner_lat: float | None = None
    partner_lon: float | None = None
    agreement: str = ""

    def row(self) -> dict[str, str]:
        """The template row (field -> text), vocabularies written as their French labels."""
        level, _, code = self.fr_id.partition(":")
        if level not in _LEVEL_WORDS or not code:
            raise ImportFileError(f"French authority {self.fr_id!r}: expected commune:INSEE, epci:SIREN, "
                                  "departement:CODE or region:CODE")
        kind = models.KIND_BY_CODE.get(self.kind)
        if kind is None:
            raise ImportFileError(f"kind {self.kind!r}: expected one of {', '.join(models.KIND_BY_CODE)}")
        out = {"fr_level": _LEVEL_WORDS[level], "partner_name": self.partner_name.strip(),
               "partner_country": self.partner_country.strip(), "kind": kind.label_fr,
               "title": self.title.strip(), "description": self.description.strip(),
               "themes": "; ".join(models.THEME_BY_CODE[t].label_fr for t in self.themes),
               "sdgs": "; ".join(str(int(s)) for s in self.sdgs),
               "year_start": "" if self.year_start is None else str(int(self.year_start)),
               "year_end": "" if self.year_end is None else str(int(self.year_end)),
               "status": _STATUS_WORDS.get(self.status, self.status),
               "budget": "" if self.budget is None else f"{float(self.budget):.2f}",
               "partner_lat": "" if self.partner_lat is None else repr(float(self.partner_lat)),
               "partner_lon": "" if self.partner_lon is None else repr(float(self.partner_lon)),
               "agreement": self.agreement.strip()}
        out["fr_siren" if level == "epci" else "fr_insee"] = code
        return out


def _write_row(decl: Declaration, folder: Path) -> Path:
    path = folder / "declaration.csv"
    row = decl.row()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEADERS)
        w.writerow([row.get(f, "") for f, _req, _help in COLUMNS])
    return path


def check(db: str | Path, user: User, decl: Declaration) -> ImportReport:
    """The preview: the importer's strict dry run of the declaration (nothing is written)."""
    _allowed(db, user, decl)
    with tempfile.TemporaryDirectory() as tmp:
        return import_file(_write_row(decl, Path(tmp)), db, dry_run=True, strict=True)


def _allowed(db: str | Path, user: User, decl: Declaration) -> None:
    from atlas.ingest.load import read_only

    if not user.may_edit():
        raise AccountError(f"{user.name} ({user.role}) may not declare records")
    with read_only(db) as con:
        if not covers(con, user, decl.fr_id):
            raise AccountError(f"{user.name} acts for {user.scope}: it may not declare records of {decl.fr_id}")


def save(db: str | Path, user: User, decl: Declaration, replaces: str | None = None) -> ImportReport:
    """Store the declaration as a new batch (``replaces``: the user's earlier batch, removed in the
    same write). AccountError when the user may not; ImportFileError with the importer's message
    when a value cannot be read or a side cannot be placed. Nothing is written then."""
    _allowed(db, user, decl)

    def check(con) -> None:  # noqa: ANN001 - a DuckDB connection
        if not covers(con, user, decl.fr_id):
            raise AccountError(f"{user.name} may not declare records of {decl.fr_id}")

    return store_declaration(
        db, user, lambda folder: _write_row(decl, folder), check, replaces=replaces, fmt="declaration",
        nothing_new="nothing new to store: this partnership or project is already in the atlas",
        detail=f"{decl.fr_id} – {decl.partner_name} ({decl.partner_country})" + (f": {decl.title}" if decl.title else ""))


def store_declaration(db: str | Path, user: User, write_row: Callable[[Path], Path],
                      check: Callable[[duckdb.DuckDBPyConnection], None], *, replaces: str | None, fmt: str,
                      nothing_new: str, detail: str) -> ImportReport:
    """What every declaration does once its form is read: write it as a one-row file, then in one
    atomic write check the account again (``check`` raises), remove the batch it replaces, import
    the row strictly, mark the batch as the user's (format ``fmt``) and log it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_row(Path(tmp))
        with atomic_write(db) as txn:
            con = txn.con
            check(con)  # checked again inside the write
            if replaces:
                _owned(con, user, replaces)
                _delete_batch(con, replaces)
            prov = Provenance(source=f"Déclaration en ligne de {user.name}", licence=None)
            report = import_into(con, path, prov, strict=True)
            if not report.batch_id:
                raise ImportFileError(nothing_new)
            con.execute("UPDATE import_batches SET user_name = ?, file_name = NULL, format = ? WHERE id = ?",
                        [user.name, fmt, report.batch_id])
            log(con, user.name, "update" if replaces else "declare", report.batch_id,
                detail + (f"; replaces {replaces}" if replaces else ""))
    return report


def _owned(con, user: User, batch_id: str) -> None:  # noqa: ANN001 - a DuckDB connection
    row = con.execute("SELECT user_name, format FROM import_batches WHERE id = ?", [batch_id]).fetchone()
    if row is None:
        raise AccountError(f"no batch {batch_id[:80]!r}")
    if user.role != "admin" and row[0] != user.name:
        raise AccountError(f"batch {batch_id} was not declared by {user.name}: only its author or an "
                           "administrator may change or undo it")


def undo(db: str | Path, user: User, batch_id: str) -> None:
    """Undo a declaration (its author) or any batch (an administrator), and log it."""
    with atomic_write(db) as txn:
        _owned(txn.con, user, batch_id)
        from atlas.db.build import refresh_derived

        _delete_batch(txn.con, batch_id)
        refresh_derived(txn.con)
        log(txn.con, user.name, "undo", batch_id)
