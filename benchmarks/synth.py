"""A synthetic atlas database of N links (default 1,000,000) for benchmarks.

It starts from a demonstration database (real authorities and partner places), drops the demo's
partnerships and projects, and draws N distinct (French authority, partner) pairs with DuckDB's
range()/random(): each link gets a standing partnership, and about 60 % of them a project with
one or two themes, their default SDGs and one funding instrument. Big French authorities and
some partners get many more links than others (skewed draws), as in the real atlas.

Built into a temporary folder at benchmark time; never committed.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb

from atlas import models
from atlas.db.build import refresh_derived


def _list_sql(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def make_synthetic(demo_db: Path, target: Path, n_links: int = 1_000_000, seed: float = 0.42) -> dict[str, float]:
    """Copy ``demo_db`` to ``target`` and replace its links with ``n_links`` synthetic ones."""
    t0 = time.perf_counter()
    target = Path(target)
    shutil.copyfile(demo_db, target)
    con = duckdb.connect(str(target))
    try:
        con.execute("SELECT setseed(?)", [seed])
        for table in ("project_actors", "project_funding", "project_sdgs", "project_themes", "project_parties",
                      "projects", "partnerships", "actor_supports", "actor_sdgs", "actor_countries", "actor_sectors",
                      "actors"):
            con.execute(f"DELETE FROM {table}")
        con.execute("""CREATE TEMP TABLE fr AS
                       SELECT (row_number() OVER (ORDER BY population DESC NULLS LAST, id) - 1)::INTEGER AS i, id
                       FROM authorities WHERE is_french""")
        con.execute("""CREATE TEMP TABLE pa AS
                       SELECT (row_number() OVER (ORDER BY hash(id)) - 1)::INTEGER AS i, id
                       FROM authorities WHERE NOT is_french""")
        n_fr = con.execute("SELECT count(*) FROM fr").fetchone()[0]
        n_pa = con.execute("SELECT count(*) FROM pa").fetchone()[0]
        if n_fr * n_pa < n_links * 1.5:
            raise ValueError(f"only {n_fr} x {n_pa} possible pairs for {n_links} links")
        # Skewed draws: random()^k puts more mass on the first (most populous) authorities.
        con.execute(f"""CREATE TEMP TABLE pairs AS
            SELECT row_number() OVER () AS k, fi, pi FROM (
                SELECT DISTINCT least(floor(pow(random(), 1.8) * {n_fr}), {n_fr - 1})::INTEGER AS fi,
                                least(floor(pow(random(), 1.3) * {n_pa}), {n_pa - 1})::INTEGER AS pi
                FROM range({int(n_links * 1.25)})
            ) LIMIT {n_links}""")
        got = con.execute("SELECT count(*) FROM pairs").fetchone()[0]
        if got < n_links:
            raise RuntimeError(f"drew only {got} distinct pairs, expected {n_links}")
        kinds = _list_sql([k.code for k in models.KINDS])
        themes = _list_sql([t.code for t in models.THEMES])
        funding = _list_sql([f.code for f in models.FUNDINGS])
        statuses = _list_sql([s[0] for s in models.STATUSES])
        con.execute(f"""CREATE TEMP TABLE syn_links AS
            SELECT p.k, f.id AS fr_id, a.id AS partner_id,
                   {kinds}[1 + floor(random() * {len(models.KINDS)})::INTEGER] AS kind,
                   {statuses}[1 + floor(random() * {len(models.STATUSES)})::INTEGER] AS status,
                   (1960 + floor(random() * 64))::INTEGER AS since,
                   random() < 0.6 AS has_project,
                   {themes}[1 + floor(random() * {len(models.THEMES)})::INTEGER] AS theme1,
                   CASE WHEN random() < 0.4 THEN {themes}[1 + floor(random() * {len(models.THEMES)})::INTEGER] END AS theme2,
                   {funding}[1 + floor(random() * {len(models.FUNDINGS)})::INTEGER] AS fund,
                   round(1000 + pow(random(), 3) * 500000, -2) AS budget
            FROM pairs p JOIN fr f ON f.i = p.fi JOIN pa a ON a.i = p.pi""")
        con.execute("""INSERT INTO partnerships (id, fr_id, partner_id, kind, agreement, since, until, status,
                                                 formalised, batch_id)
                       SELECT 'syn-s' || k, fr_id, partner_id, kind, 'aucun', since,
                              CASE WHEN status = 'termine' THEN least(since + 10, 2025) END, status, true, 'synthetic'
                       FROM syn_links""")
        con.execute("""INSERT INTO projects (id, title, year_start, year_end, status, kind, mode, engagement, sides,
                                             budget_eur, partnership_id, batch_id)
                       SELECT 'syn-p' || k, 'Projet ' || k, greatest(since, 2000), greatest(since, 2000) + 3, status,
                              kind, 'direct', 'durable', 'bilateral', budget, 'syn-s' || k, 'synthetic'
                       FROM syn_links WHERE has_project""")
        con.execute("""INSERT INTO project_parties
                       SELECT 'syn-p' || k, fr_id, 'lead' FROM syn_links WHERE has_project
                       UNION ALL SELECT 'syn-p' || k, partner_id, 'partner' FROM syn_links WHERE has_project""")
        con.execute("""INSERT INTO project_themes
                       SELECT DISTINCT 'syn-p' || k, theme FROM (
                           SELECT k, theme1 AS theme FROM syn_links WHERE has_project
                           UNION ALL SELECT k, theme2 FROM syn_links WHERE has_project AND theme2 IS NOT NULL)""")
        con.execute("""INSERT INTO project_sdgs
                       SELECT DISTINCT pt.project_id, ts.sdg FROM project_themes pt
                       JOIN theme_sdgs ts ON ts.theme_code = pt.theme_code""")
        con.execute("""INSERT INTO project_funding SELECT 'syn-p' || k, fund, budget FROM syn_links WHERE has_project""")
        con.execute("UPDATE meta SET value = 'true' WHERE key = 'demo'")
        refresh_derived(con)
        con.execute("CHECKPOINT")
        counts = {"links": con.execute("SELECT count(*) FROM links").fetchone()[0],
                  "link_facts": con.execute("SELECT count(*) FROM link_facts").fetchone()[0]}
    finally:
        con.close()
    counts["seconds"] = round(time.perf_counter() - t0, 1)
    counts["bytes"] = target.stat().st_size
    return counts


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    print(make_synthetic(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000))
