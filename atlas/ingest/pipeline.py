"""The import pipeline: read -> parse -> match French side -> place partners -> store.

``import_file`` is the public entry point (also ``atlas import``). It runs inside one atomic
write (see load.atomic_write): either every new row, queue item and the batch record are stored,
or nothing is. A dry run does the same work on a read-only connection and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import duckdb
import pandas as pd

from atlas import config
from atlas.cache import paused_gc
from atlas.db.build import refresh_derived
from atlas.errors import ImportFileError
from atlas.ingest.batches import Provenance, new_batch_id, previous_imports, record_batch
from atlas.ingest.countries import CountryResolver
from atlas.ingest.formats import ParseOptions, parse_file
from atlas.ingest.geocode import PartnerGeocoder, PartnerQuery, ensure_gazetteer_keys
from atlas.ingest.headers import Mapping, shown_path
from atlas.ingest.load import atomic_write, read_only, table_exists
from atlas.ingest.match_fr import FrenchIndex, FrenchMatcher
from atlas.ingest.readers import DEFAULT_MAX_BYTES, load_file
from atlas.ingest.records import Record, Resolution
from atlas.ingest.report import ImportReport, Issue
from atlas.ingest.store import Resolved, insert_plan, plan_rows

#: progress(stage, done, total): the CLI draws a bar from it.
Progress = Callable[[str, int, int], None]

#: Issues kept in import_batches.report (the full lists are in the --report file).
BATCH_REPORT_LIMIT = 200

_INDEX_CACHE: dict[tuple[Any, ...], FrenchIndex] = {}


def french_index(con: duckdb.DuckDBPyConnection) -> FrenchIndex:
    """The COG index, cached per process while the reference tables are the same, and on disk
    (atlas.ingest.index_cache) so that a new process (`atlas review pick`) does not rebuild it."""
    from atlas.ingest.index_cache import load_or_build

    ident = tuple(con.execute(
        "SELECT (SELECT count(*) FROM ref_communes), (SELECT count(*) FROM ref_old_communes), "
        "(SELECT max(value) FROM meta WHERE key = 'built_at')").fetchall()[0])
    if ident not in _INDEX_CACHE:
        _INDEX_CACHE.clear()
        _INDEX_CACHE[ident] = load_or_build(index_fingerprint(con), lambda: FrenchIndex(con))
    return _INDEX_CACHE[ident]


def index_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """What the French index is built from, by content: every database built from the same
    reference files shares one cached index on disk (a new `atlas init` reads it back in half a
    second instead of building it in two). Per table read, its row count and the sum of its rows'
    hashes (about 0.1 s for all of them)."""
    from atlas.ingest.match_fr.places import FRENCH_CC

    ccs = ", ".join(f"'{c}'" for c in FRENCH_CC)
    tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    parts: list[str] = [f"(SELECT max(value) FROM meta WHERE key = 'gazetteer_keys_version')"
                        if "meta" in tables else "NULL"]
    for table, where in (("ref_departements", ""), ("ref_regions", ""), ("ref_communes", ""),
                         ("ref_old_communes", ""), ("ref_epci", ""),
                         ("gazetteer", f"WHERE country_iso2 IN ({ccs})"),
                         ("gazetteer_keys", f"WHERE cc IN ({ccs})")):
        if table in tables:
            parts.append(f"(SELECT [count(*)::HUGEINT, sum(hash(t))::HUGEINT] FROM {table} t {where})")
    return ("content",) + tuple(str(v) for v in con.execute("SELECT " + ", ".join(parts)).fetchone())


def load_decisions(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Analysts' decisions: French side (key -> authority id) and partners (key -> row)."""
    if not table_exists(con, "review_decisions"):
        return {}, {}
    fr: dict[str, str] = {}
    partner: dict[str, dict[str, Any]] = {}
    for key, side, aid, name, cc, lon, lat in con.execute(
            "SELECT decision_key, side, authority_id, name, country_iso2, lon, lat FROM review_decisions").fetchall():
        if side == "french" and aid:
            fr[key] = aid
        elif side == "partner":
            partner[key] = dict(authority_id=aid, name=name, country_iso2=cc, lon=lon, lat=lat)
    return fr, partner


@dataclass
class Outcome:
    """Result of matching a list of records."""

    resolved: list[Resolved] = field(default_factory=list)
    pending: list[tuple[Record, list[tuple[str, int, str, str, Resolution]]]] = field(default_factory=list)
    #: every record with the resolution of each French side and each partner (for evaluations)
    sides: list[tuple[Record, list[Resolution], list[Resolution]]] = field(default_factory=list)


def match_records(con: duckdb.DuckDBPyConnection, records: list[Record], report: ImportReport,
                  progress: Progress | None = None, persist_keys: bool = False) -> Outcome:
    """Match every side of every record; fills the report's match counts, issues and flags."""
    say = progress or (lambda _s, _d, _t: None)
    countries = CountryResolver(con)
    fr_decisions, partner_decisions = load_decisions(con)
    matcher = FrenchMatcher(french_index(con), fr_decisions)
    fr_res: list[list[Resolution]] = []
    n = len(records)
    for i, r in enumerate(records):
        fr_res.append([matcher.resolve(ref) for ref in r.french])
        if i % 2000 == 0:
            say("French side", i, n)
    say("French side", n, n)
    # partners: one query per distinct partner (files repeat the same towns)
    say("partners", 0, n)
    ensure_gazetteer_keys(con, persist=persist_keys)
    geocoder = PartnerGeocoder(con, countries, partner_decisions)
    queries: dict[PartnerQuery, int] = {}
    per_record: list[list[int]] = []
    for r, frs in zip(records, fr_res):
        lead = frs[0].entity if frs and frs[0].entity else None
        prefer = bool(lead and lead.level in ("region", "departement"))
        per_record.append([queries.setdefault(PartnerQuery.of(p, prefer), len(queries)) for p in r.partners])
    results = geocoder.resolve_many(list(queries))
    say("partners", n, n)
    out = Outcome()
    for r, frs, qids in zip(records, fr_res, per_record):
        prs = [results[q] for q in qids]
        out.sides.append((r, frs, prs))
        sides = [("french", i, ref.name or ref.insee or ref.siren or "", ref.departement or ref.region, res)
                 for i, (ref, res) in enumerate(zip(r.french, frs))]
        sides += [("partner", i, p.name, p.country, res) for i, (p, res) in enumerate(zip(r.partners, prs))]
        in_france = [s for s in sides if s[0] == "partner" and countries.resolve(s[3]).is_french]
        if in_france:
            report.skipped.append({"row": r.row, "reason": "partner is in France (not an international link)",
                                   "value": in_france[0][2]})
            continue
        for side, _i, value, context, res in sides:
            _count(report, side, res)
            for flag in res.flags:
                report.flags.append({"row": r.row, "side": side, "value": value, "flag": flag})
            if res.note:
                report.flags.append({"row": r.row, "side": side, "value": value, "flag": res.note})
            if res.status != "matched":
                issue = Issue(r.row, side, value, context, res.reason, [c.as_dict() for c in res.candidates])
                (report.ambiguous if res.status == "ambiguous" else report.unmatched).append(issue)
        blocked = [s for s in sides if s[4].status != "matched"]
        if blocked:
            out.pending.append((r, blocked))
            continue
        aliases = []
        for ref, res in zip(r.french, frs):
            if res.method == "old_name" and res.entity is not None and ref.name:
                aliases.append((res.entity.id, ref.name.strip(), "historical"))
        for p, res in zip(r.partners, prs):
            if res.entity is not None and p.name and p.name.strip().lower() != res.entity.name.lower():
                aliases.append((res.entity.id, p.name.strip(), "file"))
        out.resolved.append(Resolved(r, [res.entity for res in frs if res.entity],
                                     [res.entity for res in prs if res.entity], aliases))
    return out


def _count(report: ImportReport, side: str, res: Resolution) -> None:
    methods = report.french_methods if side == "french" else report.partner_methods
    if side == "french":
        report.french_total += 1
        report.french_matched += res.status == "matched"
    else:
        report.partners_total += 1
        report.partners_matched += res.status == "matched"
    if res.status == "matched":
        methods[res.method] = methods.get(res.method, 0) + 1


def queue_rows(outcome: Outcome, report: ImportReport, batch_id: str, file_name: str, file_hash: str) -> pd.DataFrame:
    """Review-queue rows for the blocked records (ids stable across re-imports of one file)."""
    rows = []
    issues = {(i.row, i.side, i.value): i for i in report.ambiguous + report.unmatched}
    for record, blocked in outcome.pending:
        payload = json.dumps(record.to_json(), ensure_ascii=False)
        for side, idx, value, context, res in blocked:
            qid = hashlib.sha1(f"{file_hash}|{record.row}|{side}|{idx}|{value}".encode()).hexdigest()[:16]
            issue = issues.get((record.row, side, value))
            if issue is not None:
                issue.queue_id = qid
            rows.append(dict(id=qid, batch_id=batch_id, file_name=file_name, file_hash=file_hash,
                             row_number=record.row, side=side, reason=res.status, detail=res.reason,
                             raw_value=value, context=context, decision_key=res.key,
                             candidates=json.dumps([c.as_dict() for c in res.candidates], ensure_ascii=False),
                             record=payload))
    return pd.DataFrame(rows, columns=["id", "batch_id", "file_name", "file_hash", "row_number", "side", "reason",
                                       "detail", "raw_value", "context", "decision_key", "candidates", "record"])


def insert_queue(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> int:
    """Insert queue items not already queued; returns how many are new."""
    if df.empty:
        return 0
    con.register("queue_df", df)
    try:
        new = con.execute("SELECT count(*) FROM queue_df WHERE id NOT IN (SELECT id FROM review_queue)").fetchall()[0][0]
        con.execute("""INSERT INTO review_queue (id, batch_id, file_name, file_hash, row_number, side, reason, detail,
                           raw_value, context, decision_key, candidates, record, status, created_at)
                       SELECT id, batch_id, file_name, file_hash, row_number, side, reason, detail, raw_value, context,
                              decision_key, candidates::JSON, record::JSON, 'open', now()::TIMESTAMP
                       FROM queue_df WHERE id NOT IN (SELECT id FROM review_queue)""")
    finally:
        con.unregister("queue_df")
    return int(new)


def check_input_file(path: str | Path) -> None:
    """A file to import that does not exist, is a folder, cannot be read or has an impossible
    name: one line saying so (before the database is opened)."""
    import os
    import stat

    p = Path(path)
    expected = "expected a CSV, XLSX, XLS, ODS or text file"
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ImportFileError(f"{shown_path(p)}: no such file ({expected})") from None
    except NotADirectoryError:
        raise ImportFileError(f"{shown_path(p)}: no such file (a part of the path is not a folder; {expected})") from None
    except OSError as exc:
        raise ImportFileError(f"{shown_path(p)}: cannot be read ({exc.strerror or exc}; {expected})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ImportFileError(f"{shown_path(p)} is a folder, {expected}")
    if not stat.S_ISREG(st.st_mode):
        raise ImportFileError(f"{shown_path(p)} is not a regular file; {expected}")
    if not os.access(p, os.R_OK):
        raise ImportFileError(f"{shown_path(p)}: permission denied, the file cannot be read")


def import_file(path: str | Path, db: str | Path | None = None, *, format: str = "auto", dry_run: bool = False,
                mapping: str | Path | Mapping | None = None, encoding: str | None = None, delimiter: str | None = None,
                sheet: str | None = None, kind: str | None = None, strict: bool = False,
                max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None) -> ImportReport:
    """Import one file into the atlas database; returns the report.

    ``format``: auto, projects, template, pairs, directory or actors. ``mapping``: a mapping file (TOML or
    JSON, see docs/import.md) or a :class:`Mapping`. ``strict``: refuse the whole file when any row
    has an error. Raises :class:`atlas.ImportFileError` for a file that cannot be imported at all;
    the database is then unchanged.
    """
    t0 = time.perf_counter()
    db = Path(db) if db is not None else config.default_db_path()
    m = mapping if isinstance(mapping, Mapping) else (Mapping.load(mapping) if mapping else Mapping())
    m.encoding = encoding if encoding is not None else m.encoding
    m.delimiter = delimiter if delimiter is not None else m.delimiter
    m.sheet = sheet if sheet is not None else m.sheet
    m.validate("import options" if isinstance(mapping, Mapping) or not mapping
               else f"import options (with mapping file {shown_path(Path(mapping).name)})")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ImportFileError(f"max_bytes = {max_bytes!r}: expected a whole number of bytes above 0")
    check_input_file(path)
    if kind:
        from atlas.ingest.vocab import parse_kind
        from atlas.ingest.normalize import ValueProblem

        try:
            kind = parse_kind(kind)
        except ValueProblem as exc:
            raise ImportFileError(f"--kind {kind!r}: expected {exc.expected}") from None
    say = progress or (lambda _s, _d, _t: None)
    say("reading", 0, 1)
    try:
        raw = load_file(path, max_bytes=max_bytes, encoding=m.encoding)
    except OSError as exc:  # a file that vanished or cannot be read between the check and the read
        raise ImportFileError(f"{shown_path(path)}: cannot be read ({exc.strerror or exc})") from None
    report = ImportReport(file=raw.name, file_hash=raw.sha256, encoding=raw.encoding, dry_run=dry_run)
    report.notes.extend(raw.notes)
    # a big file makes millions of small acyclic objects (a third of the time on 100,000 rows
    # with the cyclic collector on)
    with paused_gc():
        if dry_run:
            with read_only(db) as con:
                _run(con, raw, format, m, kind or m.kind, strict, report, say, write=False)
        else:
            with atomic_write(db) as txn:
                txn.commit = _run(txn.con, raw, format, m, kind or m.kind, strict, report, say, write=True)
    report.seconds = round(time.perf_counter() - t0, 2)
    return report


def import_into(con: duckdb.DuckDBPyConnection, path: str | Path, provenance: Provenance,
                progress: Progress | None = None, strict: bool = False, refresh: bool = True) -> ImportReport:
    """Import a file into an open database being built (no lock, no transaction of its own: the
    caller's build is atomic), with its provenance. The default atlas imports its real source
    files this way (atlas.ingest.defaults): the same matching as any user file.

    ``refresh=False`` leaves the derived tables (atlas.db.build.refresh_derived) to the caller, which
    must rebuild them once its last import is in: matching and writing never read them."""
    t0 = time.perf_counter()
    raw = load_file(path)
    report = ImportReport(file=raw.name, file_hash=raw.sha256, encoding=raw.encoding, dry_run=False)
    _run(con, raw, "auto", Mapping(), None, strict, report, progress or (lambda _s, _d, _t: None), write=True,
         provenance=provenance, refresh=refresh)
    report.seconds = round(time.perf_counter() - t0, 2)
    return report


def _run(con: duckdb.DuckDBPyConnection, raw, fmt: str, mapping: Mapping, kind: str | None, strict: bool,  # noqa: ANN001
         report: ImportReport, say: Progress, write: bool, provenance: Provenance | None = None,
         refresh: bool = True) -> bool:
    """Parse, match and (when ``write``) store; True when something was written."""
    parsed = parse_file(raw, fmt, mapping, ParseOptions(CountryResolver(con), kind=kind))
    report.notes.extend(raw.notes[len(report.notes):])
    report.format = parsed.format
    report.rows_read = parsed.rows_read
    report.records = len(parsed.records)
    report.columns = parsed.columns
    report.ignored_columns = parsed.ignored_columns
    report.errors = [e.as_dict() for e in parsed.errors]
    report.warnings = [w.as_dict() for w in parsed.warnings]
    report.skipped = [s.as_dict() for s in parsed.skips]
    report.notes.extend(parsed.notes)
    say("reading", 1, 1)
    if parsed.rows_read == 0:
        raise ImportFileError(f"{raw.name} has a header but no data row")
    if strict and report.errors:
        e = report.errors[0]
        raise ImportFileError(f"{raw.name}: {len({x['row'] for x in report.errors})} row(s) refused (strict mode), first at row {e['row']}, "
                              f"column {e['column']!r}: value {e['value']!r}, expected {e['expected']}")
    report.previous_batches = previous_imports(con, raw.sha256)
    outcome = match_records(con, parsed.records, report, say, persist_keys=write)
    if strict and (report.ambiguous or report.unmatched):
        raise ImportFileError(f"{raw.name}: {len(report.ambiguous)} ambiguous and {len(report.unmatched)} unmatched "
                              "value(s) (strict mode); run without --strict to queue them for review")
    batch_id = new_batch_id(raw.sha256)
    say("writing", 0, 1)
    plan = plan_rows(con, outcome.resolved, batch_id)
    report.skipped.extend(s.as_dict() for s in plan.skips)
    report.links_imported, report.projects_imported = plan.partnerships, plan.projects
    report.authorities_added, report.already_present = plan.authorities, plan.already_present
    report.actors_imported, report.supports_imported = plan.actors, plan.supports
    queue = queue_rows(outcome, report, batch_id, raw.name, raw.sha256)
    if not write:
        return False
    insert_plan(con, plan)
    new_queue = insert_queue(con, queue)
    if plan.empty and not new_queue:
        report.nothing_new = True
        say("writing", 1, 1)
        return False
    report.batch_id = batch_id
    record_batch(con, batch_id, raw.name, raw.sha256, report.format, report.rows_read, plan.partnerships,
                 plan.projects, report.to_json(limit=BATCH_REPORT_LIMIT), provenance)
    if refresh:
        refresh_derived(con)
    say("writing", 1, 1)
    return True
