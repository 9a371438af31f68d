"""Build the atlas database: schema, reference tables, gazetteer, demonstration data.

The database is written to a temporary file beside the target and moved into place with
``os.replace`` only when complete: a failed or killed build leaves the previous file untouched,
and readers move to the new file at their next query (see atlas.db.connection).
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pandas as pd

from atlas import models
from atlas.cache import paused_gc
from atlas.db.connection import SCHEMA_VERSION
from atlas.db.sqlfiles import sql
from atlas.errors import DatabaseError
from atlas.reference import loaders

Progress = Callable[[str], None]

#: Insert order respects foreign keys.
DATA_TABLES = ("authorities", "partnerships", "projects", "project_parties", "project_themes",
               "project_sdgs", "project_funding", "actors", "project_actors", "actor_sectors", "actor_countries",
               "actor_sdgs", "actor_supports", "exchange_posts", "exchange_post_themes")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table (idempotent) and fill the small vocabulary tables."""
    con.execute(sql("schema"))
    con.executemany("INSERT OR REPLACE INTO sdgs VALUES (?, ?, ?, ?)",
                    [(s.number, s.name_fr, s.name_en, s.colour) for s in models.SDGS])
    con.executemany("INSERT OR REPLACE INTO themes VALUES (?, ?, ?)",
                    [(t.code, t.label_fr, t.label_en) for t in models.THEMES])
    con.execute("DELETE FROM theme_sdgs")
    con.executemany("INSERT INTO theme_sdgs VALUES (?, ?)",
                    [(t.code, s) for t in models.THEMES for s in t.sdgs])
    con.executemany("INSERT OR REPLACE INTO action_kinds VALUES (?, ?, ?)",
                    [(k.code, k.label_fr, k.label_en) for k in models.KINDS])
    con.executemany("INSERT OR REPLACE INTO funding_instruments VALUES (?, ?, ?, ?)",
                    [(f.code, f.label_fr, f.label_en, f.law_year) for f in models.FUNDINGS])
    con.executemany("INSERT OR REPLACE INTO zones VALUES (?, ?)",
                    [(z, models.ZONE_LABELS_EN[z]) for z in models.ZONES])


def load_reference(con: duckdb.DuckDBPyConnection, gazetteer: pd.DataFrame) -> None:
    """Copy the committed reference tables and the gazetteer into ref_* tables."""
    countries = loaders.read_table("countries_all")
    con.register("countries_df", countries)
    con.execute("""INSERT INTO countries SELECT iso2, iso3, isonum, name_fr, name_en, zone, lon, lat,
                   has_polygon, names FROM countries_df""")
    con.unregister("countries_df")
    for name in ("regions", "departements", "communes", "epci", "old_communes", "admin1"):
        df = loaders.read_table(name)
        con.register("ref_df", df)
        con.execute(f"CREATE OR REPLACE TABLE ref_{name} AS SELECT * FROM ref_df")
        con.unregister("ref_df")
    con.register("gaz_df", gazetteer)
    con.execute("CREATE OR REPLACE TABLE gazetteer AS SELECT * FROM gaz_df")
    con.unregister("gaz_df")


def insert_frames(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame]) -> None:
    """Insert data frames into the data tables, by column name, in foreign-key order."""
    for table in DATA_TABLES:
        df = frames.get(table)
        if df is None or df.empty:
            continue
        cols = ", ".join(df.columns)
        con.register("frame_df", df)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM frame_df")
        con.unregister("frame_df")


def refresh_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the denormalised activities/link_facts tables and the links view, and
    ``link_summary``: every link as links_filtered.sql gives it with no filter, stored, so that
    `a.links()` reads it instead of aggregating link_facts again (atlas.db.queries.links)."""
    con.execute(sql("derived"))
    every_link = sql("links_filtered").replace("{where}", "WHERE TRUE").strip().rstrip(";")
    con.execute(f"CREATE OR REPLACE TABLE link_summary AS {every_link}")


@contextmanager
def atomic_database(target: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a new file that replaces ``target`` only if the block succeeds."""
    target = target.expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".building", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB wants to create the file itself
    con = duckdb.connect(str(tmp))
    try:
        yield con
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, target)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise


def build_database(path: Path, demo: bool = True, seed: int = 2016, force: bool = False,
                   progress: Progress | None = None,
                   extra_steps: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
                   twinnings: bool = True) -> dict[str, float]:
    """Build a new atlas database at ``path``; returns timings and counts.

    Refuses to overwrite an existing file unless ``force`` is true. ``extra_steps`` runs on the
    new database before its derived tables are built (once, for every step's rows) and the file
    swapped in (the default atlas imports the real twinnings there: atlas.ingest.defaults).
    ``twinnings=False``: the demonstration invents no twinning.
    """
    say = progress or (lambda _m: None)
    path = Path(path)
    if path.exists() and not force:
        raise DatabaseError(f"{path} already exists; pass force=True (CLI: --force) to rebuild it")
    t0 = time.perf_counter()
    # a build makes millions of small acyclic objects (the demo, the matching of the real files)
    with paused_gc():
        return _build(path, demo, seed, progress=say, extra_steps=extra_steps, twinnings=twinnings, t0=t0)


def _build(path: Path, demo: bool, seed: int, progress: Progress,
           extra_steps: Callable[[duckdb.DuckDBPyConnection], None] | None, twinnings: bool,
           t0: float) -> dict[str, float]:
    from atlas.reference.gazetteer import load_gazetteer

    say = progress
    with atomic_database(path) as con:
        say("schema")
        create_schema(con)
        say("gazetteer (GeoNames cities ≥ 500 inhabitants)")
        gazetteer = load_gazetteer(500)
        say("reference tables")
        load_reference(con, gazetteer)
        meta = {"schema_version": SCHEMA_VERSION, "demo": "false",
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if demo:
            from atlas.demo.generator import DEMO_BATCH, generate_demo

            ref = {name: loaders.read_table(name)
                   for name in ("communes", "epci", "departements", "regions", "admin1", "countries_all")}
            frames = generate_demo(ref, gazetteer, seed=seed, progress=lambda m: say(f"demo: {m}"),
                                   twinnings=twinnings)
            say("demo: inserting rows")
            con.execute(
                "INSERT INTO import_batches (id, file_name, format, imported_at, rows_read, n_links, n_projects, is_demo,"
                " source, source_date, licence) VALUES (?, NULL, 'demo', now(), NULL, ?, ?, true, ?, ?, ?)",
                [DEMO_BATCH, len(frames["partnerships"]), len(frames["projects"]),
                 f"Données inventées pour la démonstration (atlas.demo, graine {seed})",
                 datetime.now(timezone.utc).date().isoformat(), "—"])
            insert_frames(con, frames)
            meta["demo"] = "true"
            meta["demo_seed"] = str(seed)
        if extra_steps is not None:
            extra_steps(con)
        # Once, after every step that adds rows (imports inside a build leave it to here).
        say("derived tables")
        refresh_derived(con)
        con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(meta.items()))
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("authorities", "partnerships", "projects", "link_facts")}
        counts["links"] = con.execute("SELECT count(*) FROM links").fetchone()[0]
    counts["seconds"] = round(time.perf_counter() - t0, 1)
    counts["bytes"] = path.stat().st_size
    return counts
