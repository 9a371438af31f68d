"""Queries on the atlas database. Filters become bound parameters, never SQL text."""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from atlas.db.connection import ReadOnlyDatabase
from atlas.db.sqlfiles import sql
from atlas.db.where import where_clause
from atlas.errors import QueryError
from atlas.models import FRENCH_LEVELS, STATUSES, Filters
from atlas.text import SAINTS, fold, fold_sql


def _filtered(name: str, filters: Filters, **extra: Any) -> tuple[str, dict[str, Any]]:
    """The SQL file ``name`` with its ``{where}`` placeholder filled by the one WHERE builder."""
    where, params = where_clause(filters)
    return sql(name).replace("{where}", where), {**params, **extra}


def links(db: ReadOnlyDatabase, filters: Filters) -> pd.DataFrame:
    """One row per French authority × partner authority matching ``filters``."""
    return db.df(*_filtered("links_filtered", filters))


def filtered_counts(db: ReadOnlyDatabase, filters: Filters) -> dict[str, int]:
    """Distinct projects, partnerships, French authorities, partners and countries matching ``filters``."""
    df = db.df(*_filtered("projects_filtered", filters))
    return {k: int(v) for k, v in df.iloc[0].items()}


def counts_by(db: ReadOnlyDatabase, column: str) -> pd.DataFrame:
    """Counts used by `atlas stats`: column is one of level, country, theme, sdg, kind."""
    queries = {
        "level": "SELECT level, is_french, count(*) AS n FROM authorities GROUP BY ALL ORDER BY is_french DESC, n DESC",
        "country": """SELECT a.country_iso2 AS country, c.name_fr, count(DISTINCT a.id) AS partners,
                             count(DISTINCT l.fr_id) AS french_authorities
                      FROM authorities a JOIN links l ON l.partner_id = a.id
                      LEFT JOIN countries c ON c.iso2 = a.country_iso2
                      WHERE NOT a.is_french GROUP BY ALL ORDER BY partners DESC""",
        "theme": """SELECT t.code AS theme, t.label_fr, count(DISTINCT pt.project_id) AS projects
                    FROM themes t LEFT JOIN project_themes pt ON pt.theme_code = t.code
                    GROUP BY ALL ORDER BY projects DESC""",
        "sdg": """SELECT s.number AS sdg, s.name_fr, count(DISTINCT ps.project_id) AS projects
                  FROM sdgs s LEFT JOIN project_sdgs ps ON ps.sdg = s.number
                  GROUP BY ALL ORDER BY s.number""",
        "kind": """SELECT k.code AS kind, k.label_fr, count(DISTINCT p.id) AS projects
                   FROM action_kinds k LEFT JOIN projects p ON p.kind = k.code
                   GROUP BY ALL ORDER BY projects DESC""",
    }
    if column not in queries:
        raise ValueError(f"counts_by: expected one of {sorted(queries)}, got {column!r}")
    return db.df(queries[column])


def totals(db: ReadOnlyDatabase) -> dict[str, int]:
    """Headline counts of the whole database."""
    row = db.rows("""
        SELECT (SELECT count(*) FROM projects),
               (SELECT count(*) FROM partnerships),
               (SELECT count(*) FROM links),
               (SELECT count(*) FROM authorities WHERE is_french),
               (SELECT count(*) FROM authorities WHERE NOT is_french),
               (SELECT count(DISTINCT country_iso2) FROM authorities WHERE NOT is_french)
    """)[0]
    keys = ("projects", "partnerships", "links", "french_authorities", "partner_authorities", "countries")
    return dict(zip(keys, (int(v) for v in row)))


def projects(db: ReadOnlyDatabase, filters: Filters, limit: int = 5000) -> pd.DataFrame:
    """Projects matching ``filters`` (one row per project, newest first, at most ``limit``)."""
    return db.df(*_filtered("projects_list", filters, limit=int(limit)))


def by_year(db: ReadOnlyDatabase, filters: Filters) -> pd.DataFrame:
    """Partnerships started and projects running per year."""
    return db.df(*_filtered("by_year", filters))


def sdg_projects(db: ReadOnlyDatabase, filters: Filters) -> pd.DataFrame:
    """Distinct projects per SDG (columns sdg, projects)."""
    return db.df(*_filtered("sdg_projects", filters))


def themes_sdgs(db: ReadOnlyDatabase, filters: Filters) -> pd.DataFrame:
    """Projects per (theme, SDG) pair."""
    return db.df(*_filtered("themes_sdgs", filters))


def filter_names(db: ReadOnlyDatabase, filters: Filters, lang: str = "fr") -> dict[str, str]:
    """Names of the countries, authorities, régions and départements of ``filters``, keyed as
    Filters.describe reads them (``country:SN``, ``commune:31555``, ``region:76``, ``departement:31``)."""
    if not (filters.countries or filters.authorities or filters.regions or filters.departements):
        return {}
    df = db.df(sql("filter_names"), {"en": lang != "fr", "countries": list(filters.countries),
                                     "authorities": list(filters.authorities), "regions": list(filters.regions),
                                     "departements": list(filters.departements)})
    return {k: n for k, n in zip(df["key"], df["name"]) if isinstance(n, str) and n}


def fold_query(text: str) -> str:
    """The search form of a name: folded (atlas.text.fold), hyphens and apostrophes as spaces,
    Saint abbreviations spelled out ("st etienne" finds Saint-Étienne)."""
    import re

    text = re.sub(r"[-'\s]+", " ", fold(text)).strip()
    return re.sub(r"\b(st|ste|sts|stes)\b", lambda m: SAINTS[m.group(1)], text)


@cache
def _search_sql() -> str:
    """authority_search.sql with its names folded as fold_query folds the query (atlas.text.fold_sql)."""
    return sql("authority_search").replace("atlas_fold(name)", fold_sql("name"))


def search_authorities(db: ReadOnlyDatabase, query: str, limit: int = 20) -> pd.DataFrame:
    """French authorities of the atlas matching a name or code, best first (accent-insensitive)."""
    q = fold_query(query)
    if not q:
        return pd.DataFrame(columns=["id", "name", "level", "departement", "region", "population", "rank"])
    return db.df(_search_sql(), {"q": q, "limit": int(limit)})


def peers(db: ReadOnlyDatabase, authority_ids: list[str], top: int = 10, lang: str = "fr") -> dict[str, pd.DataFrame]:
    """Other French authorities sharing partners, countries or themes with ``authority_ids``.

    Returns {"partner": …, "country": …, "theme": …}, each the ``top`` authorities by what they
    share (partners in common, partners in the same countries, projects on the same themes).
    Countries are named in ``lang``; themes are codes.
    """
    df = db.df(sql("peers"), {"ids": list(authority_ids), "en": lang != "fr"})
    return {kind: df[df["shared"] == kind].head(top).reset_index(drop=True) for kind in ("partner", "country", "theme")}


def members(db: ReadOnlyDatabase, authority: dict) -> list[str]:
    """French authorities of the atlas inside a région, département or EPCI (itself excluded)."""
    level = authority.get("level")
    if level == "region":
        rows = db.rows("SELECT id FROM authorities WHERE is_french AND region = $c AND id <> $id",
                       {"c": authority["region"], "id": authority["id"]})
    elif level == "departement":
        rows = db.rows("SELECT id FROM authorities WHERE is_french AND departement = $c AND id <> $id",
                       {"c": authority["departement"], "id": authority["id"]})
    elif level == "epci":
        rows = db.rows("SELECT id FROM authorities WHERE is_french AND level = 'commune' AND epci = $c",
                       {"c": authority["siren"]})
    else:
        return []
    return [r[0] for r in rows]


def authority_card(db: ReadOnlyDatabase, authority_id: str) -> dict | None:
    """An authority of the atlas, or a French one from the COG reference that has no tie yet."""
    df = db.df("SELECT *, true AS has_links FROM authorities WHERE id = $id", {"id": authority_id})
    if not df.empty:
        return df.iloc[0].to_dict()
    kind, _, code = authority_id.partition(":")
    lookups = {
        "commune": "SELECT name, departement, region, population, insee, siren, epci FROM ref_communes WHERE insee = $c",
        "epci": "SELECT name, departement, region, population, NULL AS insee, siren, siren AS epci FROM ref_epci WHERE siren = $c",
        "departement": """SELECT name, code AS departement, region_code AS region, NULL::BIGINT AS population,
                          code AS insee, NULL AS siren, NULL AS epci FROM ref_departements WHERE code = $c""",
        "region": """SELECT name, NULL AS departement, code AS region, NULL::BIGINT AS population, code AS insee,
                     NULL AS siren, NULL AS epci FROM ref_regions WHERE code = $c""",
    }
    if kind not in lookups:
        return None
    ref = db.df(lookups[kind], {"c": code})
    if ref.empty:
        return None
    return {"id": authority_id, "level": kind, "country_iso2": "FR", "is_french": True, "has_links": False,
            **ref.iloc[0].to_dict()}


#: Filter fields whose codes are checked against the database, and the query of known codes.
_CODE_CHECKS = (
    ("themes", "SELECT code FROM themes"),
    ("kinds", "SELECT code FROM action_kinds"),
    ("funding", "SELECT code FROM funding_instruments"),
    ("zones", "SELECT name_fr FROM zones"),
    ("countries", "SELECT iso2 FROM countries"),
)


#: Filter fields checked against fixed vocabularies of the models.
_FIXED_CODES: dict[str, tuple[str, ...]] = {
    "levels": tuple(lv.value for lv in FRENCH_LEVELS),
    "status": tuple(code for code, _fr, _en in STATUSES),
}


def _unknown(field: str, values: tuple, known: set) -> None:
    unknown = [v for v in values if v not in known]
    if unknown:
        shown = [str(v)[:60] for v in unknown[:10]]
        sample = ", ".join(sorted(str(k) for k in known)[:40])
        raise QueryError(f"unknown {field}: {shown}; expected codes such as: {sample}")


def check_codes(db: ReadOnlyDatabase, filters: Filters) -> None:
    """QueryError for unknown codes, with a message listing what was expected."""
    for field, query in _CODE_CHECKS:
        values = getattr(filters, field)
        if values:
            _unknown(field, values, {r[0] for r in db.rows(query)})
    for field, codes in _FIXED_CODES.items():
        if getattr(filters, field):
            _unknown(field, getattr(filters, field), set(codes))
    if filters.regions:
        _unknown("regions", filters.regions, {r[0] for r in db.rows("SELECT code FROM ref_regions")})
    if filters.departements:
        _unknown("departements", filters.departements,
                 {r[0] for r in db.rows("SELECT code FROM ref_departements")})
    if filters.authorities:
        # Known: an authority of the atlas, or a French authority of the official code lists (a
        # commune with no tie yet is a valid selection, with no links).
        found = {r[0] for r in db.rows("""
            SELECT id FROM authorities WHERE id IN (SELECT unnest($ids::VARCHAR[]))
            UNION SELECT 'commune:' || insee FROM ref_communes
                  WHERE 'commune:' || insee IN (SELECT unnest($ids::VARCHAR[]))
            UNION SELECT 'epci:' || siren FROM ref_epci WHERE 'epci:' || siren IN (SELECT unnest($ids::VARCHAR[]))
            UNION SELECT 'departement:' || code FROM ref_departements
                  WHERE 'departement:' || code IN (SELECT unnest($ids::VARCHAR[]))
            UNION SELECT 'region:' || code FROM ref_regions WHERE 'region:' || code IN (SELECT unnest($ids::VARCHAR[]))
            """, {"ids": list(filters.authorities)})}
        missing = [a for a in filters.authorities if a not in found]
        if missing:
            raise QueryError(f"unknown authorities: {[str(a)[:60] for a in missing[:10]]}; expected ids such as "
                             "commune:31555, departement:31, region:76, epci:243100518 (see `atlas stats`)")
