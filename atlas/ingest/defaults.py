"""The default atlas: real twinnings imported from shipped sources, plus labelled invented records.

``atlas init`` (and ``make db``) builds it. The real twinnings (Wikidata, CC0) go in through the
same importer as any user file (atlas.ingest.pipeline.import_into), each file as one batch that
records its source, the date of the snapshot and the licence. The demonstration then invents
only what no shipped source gives: cooperation agreements and projects (themes, SDGs, amounts),
never a twinning; every invented record belongs to the demonstration batch (``is_demo``), so the
app labels it and the "source" filter hides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable

import duckdb

from atlas.ingest.batches import Provenance
from atlas.ingest.report import ImportReport

#: Folder of the shipped real source files (package data).
SOURCES_DIR = Path(str(resources.files("atlas") / "data" / "sources"))

WIKIDATA = "Wikidata, propriété P190 « jumelé avec » (requêtes SPARQL publiées par rogorido/sistercities)"
WIKIDATA_URL = "https://github.com/rogorido/sistercities/tree/6bb5473/sparql"


@dataclass(frozen=True)
class RealSource:
    """One shipped file of real records and its provenance."""

    path: str  # under SOURCES_DIR
    provenance: Provenance

    @property
    def file(self) -> Path:
        return SOURCES_DIR / self.path


REAL_SOURCES: tuple[RealSource, ...] = (
    RealSource("wikidata-twinnings/france.tsv",
               Provenance(WIKIDATA + ", jumelages des communes de France", "2017-05-29", "CC0 1.0", WIKIDATA_URL)),
    RealSource("wikidata-twinnings/other_countries_with_france.tsv",
               Provenance(WIKIDATA + ", jumelages avec la France vus de 26 pays européens", "2017-05-29", "CC0 1.0",
                          WIKIDATA_URL)),
)


def import_real_sources(con: duckdb.DuckDBPyConnection, say: Callable[[str], None] | None = None
                        ) -> list[ImportReport]:
    """Import every shipped real source into a database being built; returns the reports.

    The derived tables are left to the caller (atlas.db.build.build_database rebuilds them once,
    after its last step), not rebuilt after each file."""
    from atlas.ingest.pipeline import import_into

    reports = []
    for src in REAL_SOURCES:
        if say:
            say(f"real twinnings: {src.path}")
        reports.append(import_into(con, src.file, src.provenance, refresh=False))
    return reports


UNPLACED_START = "<!-- unplaced:start (generated: python -m atlas.ingest.defaults) -->"
UNPLACED_END = "<!-- unplaced:end -->"


def unplaced_markdown(path: Path) -> str:
    """What the import of the shipped sources left in the review queue, as a Markdown table (one
    line per distinct value): the list data/README.md carries, kept true by a test."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        files = [Path(src.path).name for src in REAL_SOURCES]
        rows = con.execute(
            """SELECT side, raw_value, coalesce(context, ''), count(*) AS n,
                      string_agg(DISTINCT file_name, ', ' ORDER BY file_name), any_value(detail)
               FROM review_queue WHERE status = 'open' AND list_contains(?, file_name)
               GROUP BY side, raw_value, context, decision_key ORDER BY side, raw_value, 3""", [files]).fetchall()
    finally:
        con.close()

    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [f"{len(rows)} distinct values ({sum(r[3] for r in rows)} rows) wait for a person:", "",
             "| side | value as written | country or context | rows | file | why |", "|---|---|---|---|---|---|"]
    lines += [f"| {r[0]} | {cell(r[1])} | {cell(r[2])} | {r[3]} | {cell(r[4])} | {cell(r[5])} |" for r in rows]
    return "\n".join(lines)


def user_batches(path: Path) -> list[str]:
    """Ids of the import batches of a database that came from users' files (neither the
    demonstration nor a shipped real source): what a rebuild would lose. [] when unreadable."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return []
    try:
        shipped = [src.provenance.source for src in REAL_SOURCES]
        return [r[0] for r in con.execute(
            "SELECT id FROM import_batches WHERE NOT is_demo AND (source IS NULL OR NOT list_contains(?, source))"
            " ORDER BY imported_at", [shipped]).fetchall()]
    except duckdb.Error:  # an older schema: batches without a source column
        try:
            return [r[0] for r in con.execute("SELECT id FROM import_batches WHERE NOT is_demo").fetchall()]
        except duckdb.Error:
            return []
    finally:
        con.close()


def build_default_atlas(path: Path, *, demo: bool = True, real: bool = True, seed: int = 2016, force: bool = False,
                        progress: Callable[[str], None] | None = None) -> dict[str, float]:
    """Build the default atlas at ``path`` (atomically): reference data, the real twinnings
    (``real``) and the labelled invented records (``demo``; no invented twinning when ``real``)."""
    from atlas.db.build import build_database
    from atlas.ingest.geocode import ensure_gazetteer_keys

    say = progress or (lambda _m: None)
    reports: list[ImportReport] = []

    def steps(con: duckdb.DuckDBPyConnection) -> None:
        # Name keys of every gazetteer name, used by imports: computed once here.
        say("gazetteer name keys for imports")
        ensure_gazetteer_keys(con, persist=True)
        if real:
            reports.extend(import_real_sources(con, say))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('real_sources', ?)",
                        [", ".join(s.path for s in REAL_SOURCES)])

    counts = build_database(path, demo=demo, seed=seed, force=force, progress=say, extra_steps=steps,
                            twinnings=not real)
    for r in reports:
        counts[f"imported {r.file}"] = r.links_imported
    return counts


if __name__ == "__main__":  # print the unplaced list of the default database, for data/README.md
    import sys

    from atlas import config

    print(unplaced_markdown(Path(sys.argv[1]) if len(sys.argv) > 1 else config.default_db_path()))
