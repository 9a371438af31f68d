"""Turn matched records into rows of the data tables, idempotently.

Ids are derived from content, never from the file: a standing partnership is (French authority,
partner, kind); a project is (French authorities, partners, title, start year, kind, the file's own
id if any). Importing the same rows again finds every id present and adds nothing; a second file
listing the same twinning does not duplicate it either. Authorities and actors are shared between
batches: a batch inserts those not yet present and owns them (see batches.undo_batch).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from atlas.db.build import DATA_TABLES
from atlas.ingest import store_actors
from atlas.ingest.normalize import name_key, spaced_key
from atlas.ingest.records import Entity, Record, Skip

AUTHORITY_COLUMNS = ("id", "level", "name", "name_fr", "country_iso2", "is_french", "insee", "siren", "departement",
                     "region", "epci", "admin1", "geonames_id", "wikidata", "population", "lon", "lat",
                     "geo_precision", "batch_id")


@dataclass
class Resolved:
    """A record whose every side is matched."""

    record: Record
    french: list[Entity]
    partners: list[Entity]
    aliases: list[tuple[str, str, str]] = field(default_factory=list)  # (authority id, alias, kind)


@dataclass
class Plan:
    """Rows to insert (only those not yet in the database) and what was already there."""

    frames: dict[str, pd.DataFrame]
    aliases: pd.DataFrame
    partnerships: int = 0
    projects: int = 0
    authorities: int = 0
    already_present: int = 0
    skips: list[Skip] = field(default_factory=list)
    actors: int = 0  # actors of actor directories (atlas.ingest.store_actors)
    supports: int = 0

    @property
    def empty(self) -> bool:
        return not (self.partnerships or self.projects or self.authorities or len(self.aliases) or self.actors
                    or self.supports)


def _hash(*parts: Any) -> str:
    return hashlib.sha1("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:16]


def partnership_id(fr_id: str, partner_id: str, kind: str) -> str:
    return "imp-s-" + _hash(fr_id, partner_id, kind)


def project_id(r: Record, fr_ids: list[str], partner_ids: list[str]) -> str:
    return "imp-p-" + _hash(",".join(sorted(fr_ids)), ",".join(sorted(partner_ids)), spaced_key(r.title or ""),
                            r.year_start, r.kind, r.external_id)


def _status(status: str | None, start: int | None, end: int | None, year: int) -> str | None:
    if status:
        return status
    if end is not None and end < year:
        return "termine"
    if start is not None and start > year:
        return "en_projet"
    return "en_cours" if start is not None else None


def plan_rows(con: duckdb.DuckDBPyConnection, items: list[Resolved], batch_id: str) -> Plan:
    """Build the rows of every table for ``items`` and keep only the new ones."""
    year = dt.date.today().year
    auth: dict[str, dict[str, Any]] = {}
    partnerships: dict[tuple[str, str, str], dict[str, Any]] = {}
    projects: dict[str, dict[str, Any]] = {}
    parties, themes, sdgs, funding, project_actors = [], [], [], [], []
    actors: dict[str, dict[str, Any]] = {}
    aliases: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    first_row: dict[Any, int] = {}
    skips: list[Skip] = []
    directory: list[Resolved] = []  # actor-directory rows (atlas.ingest.store_actors)
    seated: dict[str, str] | None = None
    for it in items:
        r = it.record
        if r.actor is not None:
            directory.append(it)
            for e in it.french[1:]:  # the supporting authorities (the seat is a place, not a party)
                auth.setdefault(e.id, {**e.row(), "batch_id": batch_id})
            continue
        for e in (*it.french, *it.partners):
            if e.id not in auth:
                auth[e.id] = {**e.row(), "batch_id": batch_id}
        for aid, alias, kind in it.aliases:
            aliases.setdefault((aid, alias), (aid, alias, kind, batch_id))
        fr_ids = list(dict.fromkeys(e.id for e in it.french))
        partner_ids = list(dict.fromkeys(e.id for e in it.partners))
        kind = r.kind or "cooperation_decentralisee"
        if not r.is_project:
            for f in fr_ids[:1]:
                for p in partner_ids:
                    nk = (f, p, kind)
                    if nk in partnerships:
                        skips.append(Skip(r.row, f"same link as row {first_row[nk]}", f"{f} – {p}"))
                        continue
                    first_row[nk] = r.row
                    agreement = r.agreement or ("accord de jumelage" if kind == "jumelage" else None)
                    partnerships[nk] = dict(
                        id=partnership_id(f, p, kind), fr_id=f, partner_id=p, kind=kind, agreement=agreement,
                        since=r.year_start, until=r.year_end, status=_status(r.status, r.year_start, r.year_end, year),
                        formalised=(kind == "jumelage" or bool(agreement and agreement.lower() != "aucun")) or None,
                        batch_id=batch_id)
            continue
        pid = project_id(r, fr_ids, partner_ids)
        if pid in projects:
            skips.append(Skip(r.row, f"same project as row {first_row[pid]}", r.title or ""))
            continue
        first_row[pid] = r.row
        n_parties = len(fr_ids) + len(partner_ids)
        projects[pid] = dict(
            id=pid, title=r.title or "", description=r.description, year_start=r.year_start, year_end=r.year_end,
            status=_status(r.status, r.year_start, r.year_end, year), kind=kind, mode=r.mode, engagement=r.engagement,
            sides="multilateral" if n_parties > 2 else ("unilateral" if kind == "humanitaire" else "bilateral"),
            budget_eur=r.budget_eur, partnership_id=None, batch_id=batch_id)
        parties += [(pid, f, "lead" if i == 0 else "french_partner") for i, f in enumerate(fr_ids)]
        parties += [(pid, p, "partner") for p in partner_ids if p not in fr_ids]
        themes += [(pid, t) for t in dict.fromkeys(r.themes)]
        sdgs += [(pid, s) for s in dict.fromkeys(r.sdgs)]
        funding += [(pid, code, amount) for code, amount in dict(r.funding).items()]
        if r.actors and seated is None:
            seated = store_actors.seated_ids(con)
        for name, typ in r.actors:
            # the directory's actor when exactly one actor with a seat has this name key
            aid = (seated or {}).get(name_key(name)[:80]) or "actor:" + name_key(name)[:80]
            actors.setdefault(aid, dict(id=aid, name=name, type=typ, batch_id=batch_id))
            project_actors.append((pid, aid, "associe"))
    frames = {
        "authorities": pd.DataFrame(list(auth.values()), columns=list(AUTHORITY_COLUMNS)),
        "partnerships": pd.DataFrame(list(partnerships.values()),
                                     columns=["id", "fr_id", "partner_id", "kind", "agreement", "since", "until",
                                              "status", "formalised", "batch_id"]),
        "projects": pd.DataFrame(list(projects.values()),
                                 columns=["id", "title", "description", "year_start", "year_end", "status", "kind",
                                          "mode", "engagement", "sides", "budget_eur", "partnership_id", "batch_id"]),
        "project_parties": pd.DataFrame(parties, columns=["project_id", "authority_id", "role"]).drop_duplicates(
            ["project_id", "authority_id"]),
        "project_themes": pd.DataFrame(themes, columns=["project_id", "theme_code"]),
        "project_sdgs": pd.DataFrame(sdgs, columns=["project_id", "sdg"]),
        "project_funding": pd.DataFrame(funding, columns=["project_id", "funding_code", "amount_eur"]),
        "actors": pd.DataFrame(list(actors.values()), columns=["id", "name", "type", "batch_id"]),
        "project_actors": pd.DataFrame(project_actors, columns=["project_id", "actor_id", "role"]).drop_duplicates(
            ["project_id", "actor_id"]),
    }
    actor_frames, actor_skips = store_actors.plan_actors(directory, batch_id)
    frames.update(actor_frames)
    skips += actor_skips
    return _only_new(con, frames, pd.DataFrame(list(aliases.values()),
                                               columns=["authority_id", "alias", "kind", "batch_id"]), skips)


def _anti(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows of ``df`` for which ``query`` (over ``new_df`` and the database) says they are new."""
    if df.empty:
        return df
    con.register("new_df", df)
    try:
        keep = con.execute(query).df()
    finally:
        con.unregister("new_df")
    return keep


def _only_new(con: duckdb.DuckDBPyConnection, f: dict[str, pd.DataFrame], aliases: pd.DataFrame,
              skips: list[Skip]) -> Plan:
    total = len(f["partnerships"]) + len(f["projects"])
    f["authorities"] = _anti(con, f["authorities"], "SELECT * FROM new_df WHERE id NOT IN (SELECT id FROM authorities)")
    f["partnerships"] = _anti(con, f["partnerships"], """
        SELECT n.* FROM new_df n WHERE n.id NOT IN (SELECT id FROM partnerships)
          AND NOT EXISTS (SELECT 1 FROM partnerships s WHERE s.fr_id = n.fr_id AND s.partner_id = n.partner_id
                          AND s.kind = n.kind)""")
    f["projects"] = _anti(con, f["projects"], "SELECT * FROM new_df WHERE id NOT IN (SELECT id FROM projects)")
    new_projects = set(f["projects"]["id"])
    for t in ("project_parties", "project_themes", "project_sdgs", "project_funding", "project_actors"):
        f[t] = f[t][f[t]["project_id"].isin(new_projects)]
    used_actors = set(f["project_actors"]["actor_id"])
    f["actors"] = _anti(con, f["actors"][f["actors"]["id"].isin(used_actors)],
                        "SELECT * FROM new_df WHERE id NOT IN (SELECT id FROM actors)")
    aliases = _anti(con, aliases, "SELECT n.* FROM new_df n WHERE NOT EXISTS (SELECT 1 FROM authority_aliases a "
                                  "WHERE a.authority_id = n.authority_id AND a.alias = n.alias)")
    new = len(f["partnerships"]) + len(f["projects"])
    n_actors, n_supports, actors_present = store_actors.only_new(con, f, _anti)
    return Plan(frames=f, aliases=aliases, partnerships=len(f["partnerships"]), projects=len(f["projects"]),
                authorities=len(f["authorities"]), already_present=total - new + actors_present, skips=skips,
                actors=n_actors, supports=n_supports)


#: Integer columns: pandas would carry them as floats with NaN when some are missing.
_INT_COLUMNS = ("year_start", "year_end", "since", "until", "sdg", "geonames_id", "population", "year")


def insert_plan(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Insert the planned rows in foreign-key order."""
    for table in DATA_TABLES:
        df = plan.frames.get(table)
        if df is None or df.empty:
            continue
        df = df.copy()
        for col in _INT_COLUMNS:
            if col in df.columns:
                df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        cols = ", ".join(df.columns)
        con.register("frame_df", df)
        try:
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM frame_df")
        finally:
            con.unregister("frame_df")
    if not plan.aliases.empty:
        con.register("alias_df", plan.aliases)
        try:
            con.execute("INSERT INTO authority_aliases SELECT authority_id, alias, kind, batch_id FROM alias_df")
        finally:
            con.unregister("alias_df")
    if plan.actors:
        store_actors.merge_seatless(con)
