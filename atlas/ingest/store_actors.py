"""Rows of the actor tables for matched actor-directory records, idempotently.

An actor's id is ``actor:<name key>:<INSEE code of its seat>`` (name key as for the actors that
project tables name, atlas.ingest.normalize.name_key): stable from the name and the seat, so the
same directory imported twice adds nothing, and two "Comité de jumelage" of two towns are two
actors. Rows of one file naming the same actor are one actor (its first row's values; sectors,
countries, SDGs and supports of every row).

Actors named by projects ("Acteurs associés") have no seat: ``actor:<name key>``. They are the
same actor as a directory's when exactly one actor with a seat carries that name key: a project
imported later links to the directory's actor, and a directory imported later takes over the
links of the seatless actor (which is then removed; see :func:`merge_seatless`).

An actor already in the database is not changed by a later batch (undo the batch that added it
and import again to correct it); a later batch may add supports to it, which it owns.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from atlas.ingest.normalize import name_key
from atlas.ingest.records import Entity, Skip

ACTOR_COLUMNS = ("id", "name", "type", "batch_id", "commune", "departement", "region", "lon", "lat", "identifier",
                 "website", "description", "since", "until")
_SCALARS = ("type", "identifier", "website", "description", "since", "until")


def actor_id(name: str, seat: Entity) -> str:
    code = seat.insee or seat.id.split(":", 1)[-1]
    return f"actor:{name_key(name)[:80]}:{code}"


def plan_actors(items: list[Any], batch_id: str) -> tuple[dict[str, pd.DataFrame], list[Skip]]:
    """Frames of the actor tables for resolved actor records (store.Resolved with ``record.actor``)."""
    actors: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    sectors: dict[tuple[str, str], None] = {}
    countries: dict[tuple[str, str], None] = {}
    sdgs: dict[tuple[str, int], None] = {}
    supports: dict[tuple[str, str, str, int], tuple[Any, ...]] = {}
    support_row: dict[tuple[str, str, str, int], int] = {}
    skips: list[Skip] = []
    for it in items:
        r, a = it.record, it.record.actor
        seat = it.french[0]
        aid = actor_id(a["name"], seat)
        row = dict(id=aid, name=a["name"], type=a.get("type"), batch_id=batch_id,
                   commune=seat.insee if seat.level == "commune" else None, departement=seat.departement,
                   region=seat.region, lon=seat.lon, lat=seat.lat, identifier=a.get("identifier"),
                   website=a.get("website"), description=a.get("description"), since=a.get("since"),
                   until=a.get("until"))
        if aid in actors:
            differ = [k for k in _SCALARS if row[k] is not None and actors[aid][k] not in (None, row[k])]
            if differ:
                skips.append(Skip(r.row, f"same actor as row {first_row[aid]}: its values there are kept "
                                  f"({', '.join(differ)} differ); sectors, countries, SDGs and supports are added",
                                  a["name"]))
            for k in _SCALARS:  # values the first row left empty
                if actors[aid][k] is None and row[k] is not None:
                    actors[aid][k] = row[k]
        else:
            actors[aid] = row
            first_row[aid] = r.row
        for s in a.get("sectors", []):
            sectors[(aid, s)] = None
        for c in a.get("countries", []):
            countries[(aid, c)] = None
        for n in a.get("sdgs", []):
            sdgs[(aid, int(n))] = None
        for authority, (kind, year, amount, *_undated) in zip(it.french[1:], a.get("supports", [])):
            key = (aid, authority.id, kind, int(year))
            if key in supports:
                if supports[key][4] != amount:
                    skips.append(Skip(r.row, f"same support as row {support_row[key]} with another amount "
                                      "(the first is kept)", f"{authority.name} {year}"))
                continue
            supports[key] = (aid, authority.id, kind, int(year), amount, batch_id)
            support_row[key] = r.row
    frames = {
        "directory_actors": pd.DataFrame(list(actors.values()), columns=list(ACTOR_COLUMNS)),
        "actor_sectors": pd.DataFrame(list(sectors), columns=["actor_id", "sector"]),
        "actor_countries": pd.DataFrame(list(countries), columns=["actor_id", "country_iso2"]),
        "actor_sdgs": pd.DataFrame(list(sdgs), columns=["actor_id", "sdg"]),
        "actor_supports": pd.DataFrame(list(supports.values()),
                                       columns=["actor_id", "authority_id", "kind", "year", "amount_eur", "batch_id"]),
    }
    return frames, skips


def seated_ids(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Name key -> id of the actor with a seat, for the keys that exactly one such actor carries."""
    rows = con.execute("""SELECT split_part(id, ':', 2) AS k, min(id), count(*) FROM actors
                          WHERE commune IS NOT NULL AND len(string_split(id, ':')) = 3
                          GROUP BY k HAVING count(*) = 1""").fetchall()
    return {k: i for k, i, _n in rows}


def only_new(con: duckdb.DuckDBPyConnection, f: dict[str, pd.DataFrame], anti) -> tuple[int, int, int]:  # noqa: ANN001
    """Keep the directory's actors not yet stored (merged into ``f["actors"]``), their sectors,
    countries and SDGs, and the supports not yet stored; returns (new actors, new supports,
    actors already present)."""
    directory = f.pop("directory_actors", None)
    if directory is None or directory.empty:
        for t in ("actor_sectors", "actor_countries", "actor_sdgs", "actor_supports"):
            f.setdefault(t, pd.DataFrame())
        return 0, 0, 0
    new = anti(con, directory, "SELECT * FROM new_df WHERE id NOT IN (SELECT id FROM actors)")
    new_ids = set(new["id"])
    for t in ("actor_sectors", "actor_countries", "actor_sdgs"):
        f[t] = f[t][f[t]["actor_id"].isin(new_ids)]
    f["actor_supports"] = anti(con, f["actor_supports"], """
        SELECT n.* FROM new_df n WHERE NOT EXISTS (SELECT 1 FROM actor_supports s WHERE s.actor_id = n.actor_id
            AND s.authority_id = n.authority_id AND s.kind = n.kind AND s.year = n.year)""")
    if not new.empty:
        projects_actors = f["actors"]
        f["actors"] = new if projects_actors.empty else pd.concat(
            [projects_actors[~projects_actors["id"].isin(new_ids)], new], ignore_index=True)
    return len(new), len(f["actor_supports"]), len(directory) - len(new)


def merge_seatless(con: duckdb.DuckDBPyConnection) -> int:
    """Projects linked to a seatless actor ``actor:<key>`` move to the actor with a seat of the
    same key when it is the only one; the seatless actor, then unused, is removed. Returns the
    number of seatless actors merged."""
    con.execute("""CREATE OR REPLACE TEMP TABLE seat_merge AS
                   SELECT 'actor:' || split_part(id, ':', 2) AS old_id, min(id) AS new_id FROM actors
                   WHERE commune IS NOT NULL AND len(string_split(id, ':')) = 3
                   GROUP BY split_part(id, ':', 2) HAVING count(*) = 1""")
    con.execute("""DELETE FROM seat_merge WHERE old_id NOT IN (SELECT actor_id FROM project_actors)""")
    n = con.execute("SELECT count(*) FROM seat_merge").fetchall()[0][0]
    if not n:
        return 0
    con.execute("""INSERT INTO project_actors (project_id, actor_id, role)
                   SELECT pa.project_id, m.new_id, any_value(pa.role) FROM project_actors pa
                   JOIN seat_merge m ON m.old_id = pa.actor_id
                   WHERE NOT EXISTS (SELECT 1 FROM project_actors x WHERE x.project_id = pa.project_id
                                     AND x.actor_id = m.new_id)
                   GROUP BY ALL""")
    con.execute("DELETE FROM project_actors WHERE actor_id IN (SELECT old_id FROM seat_merge)")
    con.execute("""DELETE FROM actors WHERE id IN (SELECT old_id FROM seat_merge) AND commune IS NULL
                   AND id NOT IN (SELECT actor_id FROM actor_supports)""")
    return int(n)
