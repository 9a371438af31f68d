"""The review queue: list what imports could not decide, record an analyst's choices, apply them.

A decision is stored under the item's *decision key* (the same value in the same context: name +
département for the French side, name + country for partners), so it settles every queued row
with that value and is applied by every later import. Once every side of a queued row is decided,
the row is imported (in a batch of format ``review``, which can be undone like any other).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from atlas.db.build import refresh_derived
from atlas.errors import AtlasError
from atlas.ingest.batches import new_batch_id, record_batch
from atlas.ingest.countries import CountryResolver
from atlas.ingest.load import atomic_write, read_only, table_exists
from atlas.ingest.normalize import name_key
from atlas.ingest.records import Record
from atlas.ingest.report import ImportReport
from atlas.ingest.store import insert_plan, plan_rows

FRENCH_PREFIXES = ("commune:", "epci:", "departement:", "region:")
PARTNER_PREFIXES = ("geonames:", "admin1:", "place:")


class ReviewError(AtlasError):
    """A review command cannot be carried out (unknown item, bad choice…)."""


@dataclass
class Decision:
    """One analyst choice for a queue item: a candidate number, an authority id, coordinates, or
    ignore (do not import the row)."""

    item: str  # queue item id or a unique prefix of it
    pick: int | None = None
    authority_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    name: str | None = None
    country: str | None = None
    ignore: bool = False
    note: str | None = None


def list_queue(db: str | Path, include_closed: bool = False) -> list[dict[str, Any]]:
    """Queue items (open ones unless ``include_closed``), grouped rows first by value."""
    with read_only(db) as con:
        if not table_exists(con, "review_queue"):
            return []
        where = "" if include_closed else "WHERE status = 'open'"
        rows = con.execute(
            f"""SELECT id, batch_id, file_name, row_number, side, reason, detail, raw_value, context, decision_key,
                       candidates, status, imported_batch
                FROM review_queue {where} ORDER BY side, decision_key, file_name, row_number""").fetchall()
    keys = ("id", "batch_id", "file_name", "row", "side", "reason", "detail", "value", "context", "decision_key",
            "candidates", "status", "imported_batch")
    out = []
    for r in rows:
        d = dict(zip(keys, r))
        d["candidates"] = json.loads(d["candidates"]) if d["candidates"] else []
        out.append(d)
    return out


def _find(con: duckdb.DuckDBPyConnection, prefix: str) -> dict[str, Any]:
    rows = con.execute("SELECT id, side, raw_value, context, decision_key, candidates, file_hash, row_number, status "
                       "FROM review_queue WHERE starts_with(id, ?)", [prefix.strip()]).fetchall()
    if not rows:
        raise ReviewError(f"no review item {prefix!r}; list them with `atlas review --list`")
    if len(rows) > 1:
        raise ReviewError(f"review item prefix {prefix!r} matches {len(rows)} items; give more characters")
    keys = ("id", "side", "value", "context", "decision_key", "candidates", "file_hash", "row", "status")
    d = dict(zip(keys, rows[0]))
    d["candidates"] = json.loads(d["candidates"]) if d["candidates"] else []
    return d


def _decision_row(con: duckdb.DuckDBPyConnection, item: dict[str, Any], d: Decision) -> dict[str, Any]:
    """The review_decisions row for a decision, checked against the reference tables."""
    side = item["side"]
    aid = d.authority_id
    if d.pick is not None:
        if not 1 <= d.pick <= len(item["candidates"]):
            raise ReviewError(f"item {item['id'][:8]} has {len(item['candidates'])} candidate(s); got choice {d.pick}")
        aid = item["candidates"][d.pick - 1]["id"]
    row = dict(decision_key=item["decision_key"], side=side, raw_value=item["value"], authority_id=aid,
               name=None, country_iso2=None, lon=None, lat=None, note=d.note)
    if d.lat is not None and d.lon is not None:
        if side != "partner":
            raise ReviewError("coordinates can place a foreign partner only; a French authority is chosen by its code "
                              "(e.g. commune:31555)")
        if not (-90 <= d.lat <= 90 and -180 <= d.lon <= 180):
            raise ReviewError(f"coordinates ({d.lat}, {d.lon}) are out of range: latitude -90..90, longitude -180..180")
        cm = CountryResolver(con).resolve(d.country or item["context"] or "")
        if cm.iso2 is None:
            raise ReviewError(f"cannot tell the country from {d.country or item['context']!r}; give it (--country SN)")
        name = d.name or item["value"]
        row.update(authority_id=f"place:{cm.iso2}:{name_key(name)}", name=name, country_iso2=cm.iso2,
                   lon=d.lon, lat=d.lat)
        return row
    if not aid:
        raise ReviewError("a decision needs a candidate number, an authority id or coordinates")
    if side == "french":
        if not aid.startswith(FRENCH_PREFIXES):
            raise ReviewError(f"{aid!r} is not a French authority id; expected commune:INSEE, epci:SIREN, "
                              "departement:CODE or region:CODE")
        from atlas.ingest.pipeline import french_index

        if aid not in french_index(con).entities:
            raise ReviewError(f"{aid!r} is not in the COG reference tables")
    else:
        if aid.startswith("geonames:") and re.fullmatch(r"[0-9]{1,12}", aid.split(":", 1)[1]):
            ok = con.execute("SELECT count(*) FROM gazetteer WHERE geonames_id = ?",
                             [int(aid.split(":", 1)[1])]).fetchall()[0][0]
        elif aid.startswith("admin1:"):
            ok = con.execute("SELECT count(*) FROM ref_admin1 WHERE id = ?", [aid.split(":", 1)[1]]).fetchall()[0][0]
        elif aid.startswith("country:"):
            ok = con.execute("SELECT count(*) FROM countries WHERE iso2 = ?", [aid.split(":", 1)[1]]).fetchall()[0][0]
        else:
            ok = 0
        if not ok:
            raise ReviewError(f"{aid!r} is not a gazetteer place (geonames:ID), an admin-1 area (admin1:ID) "
                              "or a country (country:ISO2); "
                              "to place a partner by coordinates use `atlas review place ITEM LAT LON`")
    return row


def decide(db: str | Path, decisions: list[Decision]) -> dict[str, Any]:
    """Record decisions, settle the queue items they cover, and import rows now fully decided."""
    with atomic_write(db) as txn:
        con = txn.con
        settled = 0
        for d in decisions:
            item = _find(con, d.item)
            if d.ignore:
                settled += len(con.execute(
                    "UPDATE review_queue SET status = 'ignored', resolved_at = now()::TIMESTAMP "
                    "WHERE file_hash = ? AND row_number = ? AND status IN ('open', 'resolved') RETURNING id",
                    [item["file_hash"], item["row"]]).fetchall())
                continue
            row = _decision_row(con, item, d)
            con.execute("INSERT OR REPLACE INTO review_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?)",
                        [row["decision_key"], row["side"], row["raw_value"], row["authority_id"], row["name"],
                         row["country_iso2"], row["lon"], row["lat"], row["note"]])
            settled += len(con.execute(
                "UPDATE review_queue SET status = 'resolved', resolved_at = now()::TIMESTAMP "
                "WHERE decision_key = ? AND status = 'open' RETURNING id", [row["decision_key"]]).fetchall())
        result = apply_decided(con)
        result["settled"] = settled
    return result


def apply_decided(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Import the queued rows whose every side is now decided; returns the batch and counts."""
    from atlas.ingest.pipeline import match_records

    rows = con.execute(
        """SELECT file_hash, row_number, any_value(file_name), any_value(record::VARCHAR), list(id)
           FROM review_queue WHERE imported_batch IS NULL AND status <> 'ignored'
           GROUP BY file_hash, row_number HAVING bool_and(status = 'resolved')""").fetchall()
    if not rows:
        return {"batch_id": None, "rows": 0, "links": 0, "projects": 0}
    records = [Record.from_json(json.loads(r[3])) for r in rows]
    report = ImportReport(file="review queue", format="review")
    outcome = match_records(con, records, report, persist_keys=True)
    batch_id = new_batch_id("review")
    plan = plan_rows(con, outcome.resolved, batch_id)
    insert_plan(con, plan)
    done = {id(r.record) for r in outcome.resolved}
    ids = [i for r, rec in zip(rows, records) if id(rec) in done for i in r[4]]
    if ids:
        con.execute("UPDATE review_queue SET status = 'imported', imported_batch = ? WHERE list_contains(?, id)",
                    [batch_id, ids])
        report.rows_read = len(outcome.resolved)
        report.links_imported, report.projects_imported = plan.partnerships, plan.projects
        record_batch(con, batch_id, "review queue", None, "review", len(outcome.resolved), plan.partnerships,
                     plan.projects, report.to_json(limit=200))
        refresh_derived(con)
    return {"batch_id": batch_id if ids else None, "rows": len(outcome.resolved) if ids else 0,
            "links": plan.partnerships, "projects": plan.projects}
