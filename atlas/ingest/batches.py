"""Import batches: record, list and undo.

Every row an import adds carries its batch id. Undoing a batch deletes its projects (with their
parties, themes, SDGs, funding and actors), its partnerships, its actors (with their sectors,
countries and SDGs) and the supports of authorities to actors it added, the review-queue items it created,
and the authorities and actors it added that nothing else uses any more. An authority or actor
it added that a later batch also uses is kept and handed over to that batch, so undoing batches
in any order never leaves a dangling reference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from atlas.db.build import refresh_derived
from atlas.errors import AtlasError
from atlas.ingest.load import atomic_write, read_only, table_exists


@dataclass(frozen=True)
class Provenance:
    """Where the records of a batch come from: shown with every record of the batch."""

    source: str  # who published the data, in words
    source_date: str | None = None  # ISO date of the source's snapshot (default: the import day)
    licence: str | None = None
    url: str | None = None


class BatchNotFoundError(AtlasError):
    """No import batch has this id."""


def new_batch_id(file_hash: str, when: dt.datetime | None = None) -> str:
    """Readable and unique: 'imp-20261123T101500-3fa2c1'."""
    when = when or dt.datetime.now(dt.timezone.utc)
    salt = hashlib.sha1(f"{file_hash}{when.isoformat()}".encode()).hexdigest()[:6]
    return f"imp-{when.strftime('%Y%m%dT%H%M%S')}-{salt}"


def storable(text: str | None) -> str | None:
    """Text DuckDB can store (valid UTF-8): a file name that was not UTF-8 on disk keeps its readable
    part, its undecodable bytes becoming U+FFFD."""
    if text is None:
        return None
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def record_batch(con: duckdb.DuckDBPyConnection, batch_id: str, file_name: str | None, file_hash: str | None,
                 fmt: str, rows_read: int, n_links: int, n_projects: int, report_json: str,
                 provenance: Provenance | None = None) -> None:
    """Store the batch record. Without ``provenance`` the source is the imported file itself."""
    file_name, report_json = storable(file_name), storable(report_json) or ""
    prov = provenance or Provenance(source=f"Import du fichier {file_name}" if file_name else "Import")
    con.execute(
        "INSERT INTO import_batches (id, file_name, file_hash, format, imported_at, rows_read, n_links, n_projects,"
        " is_demo, report, source, source_date, licence, source_url)"
        " VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?, false, ?, ?, ?, ?, ?)",
        [batch_id, file_name, file_hash, fmt, rows_read, n_links, n_projects, report_json,
         storable(prov.source), prov.source_date or dt.date.today().isoformat(), storable(prov.licence),
         storable(prov.url)])


def previous_imports(con: duckdb.DuckDBPyConnection, file_hash: str) -> list[str]:
    return [r[0] for r in con.execute("SELECT id FROM import_batches WHERE file_hash = ? ORDER BY imported_at",
                                      [file_hash]).fetchall()]


def list_batches(db: str | Path) -> list[dict[str, Any]]:
    """Every batch, oldest first, with the number of rows it still owns."""
    with read_only(db) as con:
        rows = con.execute(
            """SELECT b.id, b.file_name, b.format, b.imported_at, b.rows_read, b.n_links, b.n_projects, b.is_demo,
                      (SELECT count(*) FROM authorities a WHERE a.batch_id = b.id) AS authorities,
                      b.source, b.source_date, b.licence
               FROM import_batches b ORDER BY b.imported_at, b.id""").fetchall()
        queued: dict[str, int] = {}
        if table_exists(con, "review_queue"):
            queued = dict(con.execute("SELECT batch_id, count(*) FROM review_queue WHERE status = 'open' "
                                      "GROUP BY batch_id").fetchall())
    keys = ("id", "file_name", "format", "imported_at", "rows_read", "n_links", "n_projects", "is_demo", "authorities",
            "source", "source_date", "licence")
    return [{**dict(zip(keys, r)), "queued": queued.get(r[0], 0)} for r in rows]


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("authorities", "partnerships", "projects", "project_parties", "actors", "actor_supports")}


def undo_batch(db: str | Path, batch_id: str) -> dict[str, int]:
    """Remove everything batch ``batch_id`` added; returns the number of rows removed per table."""
    with atomic_write(db) as txn:
        con = txn.con
        found = con.execute("SELECT id FROM import_batches WHERE id = ?", [batch_id]).fetchall()
        if not found:
            recent = [r[0] for r in con.execute(
                "SELECT id FROM import_batches ORDER BY imported_at DESC LIMIT 5").fetchall()]
            shown = repr(batch_id) if len(batch_id) <= 80 else repr(batch_id[:60] + "…") + f" ({len(batch_id)} characters)"
            raise BatchNotFoundError(f"no import batch {shown}; recent batches: {', '.join(recent) or 'none'} "
                                     "(list them with `atlas batches`)")
        before = _counts(con)
        _delete_batch(con, batch_id)
        refresh_derived(con)
        after = _counts(con)
    return {t: before[t] - after[t] for t in before}


def _delete_batch(con: duckdb.DuckDBPyConnection, b: str) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE undo_projects AS SELECT id FROM projects WHERE batch_id = ?", [b])
    for t in ("project_parties", "project_themes", "project_sdgs", "project_funding", "project_actors"):
        con.execute(f"DELETE FROM {t} WHERE project_id IN (SELECT id FROM undo_projects)")
    con.execute("DELETE FROM projects WHERE batch_id = ?", [b])
    con.execute("DELETE FROM partnerships WHERE batch_id = ?", [b])
    # offers and requests of the partnership exchange (a publication is a batch of its own)
    con.execute("DELETE FROM exchange_post_themes WHERE post_id IN (SELECT id FROM exchange_posts WHERE batch_id = ?)",
                [b])
    con.execute("DELETE FROM exchange_posts WHERE batch_id = ?", [b])
    # actors and authorities still used by another batch's rows are kept and handed over; an
    # actor kept keeps what is known of it (seat, sectors, countries, SDGs)
    con.execute("DELETE FROM actor_supports WHERE batch_id = ?", [b])
    con.execute("""CREATE OR REPLACE TEMP TABLE undo_actor_users AS
                   SELECT pa.actor_id AS id, min(p.batch_id) AS user_batch FROM project_actors pa
                   JOIN projects p ON p.id = pa.project_id GROUP BY ALL
                   UNION ALL SELECT actor_id, min(batch_id) FROM actor_supports GROUP BY ALL""")
    con.execute("""UPDATE actors SET batch_id = (SELECT min(user_batch) FROM undo_actor_users u WHERE u.id = actors.id)
                   WHERE batch_id = ? AND id IN (SELECT id FROM undo_actor_users)""", [b])
    for t in ("actor_sectors", "actor_countries", "actor_sdgs"):
        con.execute(f"DELETE FROM {t} WHERE actor_id IN (SELECT id FROM actors WHERE batch_id = ?)", [b])
    con.execute("DELETE FROM actors WHERE batch_id = ?", [b])
    con.execute("""CREATE OR REPLACE TEMP TABLE undo_users AS
                   SELECT authority_id AS id, min(p.batch_id) AS user_batch FROM project_parties pp
                   JOIN projects p ON p.id = pp.project_id GROUP BY ALL
                   UNION ALL SELECT fr_id, min(batch_id) FROM partnerships GROUP BY ALL
                   UNION ALL SELECT partner_id, min(batch_id) FROM partnerships GROUP BY ALL
                   UNION ALL SELECT authority_id, min(batch_id) FROM exchange_posts GROUP BY ALL
                   UNION ALL SELECT authority_id, min(batch_id) FROM actor_supports GROUP BY ALL""")
    con.execute("""UPDATE authorities SET batch_id = (SELECT min(user_batch) FROM undo_users u WHERE u.id = authorities.id)
                   WHERE batch_id = ? AND id IN (SELECT id FROM undo_users)""", [b])
    con.execute("DELETE FROM authority_aliases WHERE batch_id = ?", [b])
    con.execute("DELETE FROM authorities WHERE batch_id = ?", [b])
    con.execute("DELETE FROM review_queue WHERE batch_id = ?", [b])
    # rows a review batch imported go back to "decided, not imported"
    con.execute("UPDATE review_queue SET status = 'resolved', imported_batch = NULL WHERE imported_batch = ?", [b])
    if b == "demo":
        con.execute("INSERT OR REPLACE INTO meta VALUES ('demo', 'false')")
    con.execute("DELETE FROM import_batches WHERE id = ?", [b])
