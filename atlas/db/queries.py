"""Queries on the atlas database. Filters become bound parameters, never SQL text."""

from __future__ import annotations

from functools import cache
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from atlas.db import search_terms
from atlas.db.connection import ReadOnlyDatabase, arrow_to_pandas
from atlas.db.sqlfiles import sql
from atlas.db.where import where_clause
from atlas.errors import QueryError
from atlas.models import FRENCH_LEVELS, STATUSES, Filters


def _filtered(name: str, filters: Filters, **extra: Any) -> tuple[str, dict[str, Any]]:
    """The SQL file ``name`` with its ``{where}`` placeholder filled by the one WHERE builder."""
    where, params = where_clause(filters)
    return sql(name).replace("{where}", where), {**params, **extra}


def links(db: ReadOnlyDatabase, filters: Filters) -> pd.DataFrame:
    """One row per French authority × partner authority matching ``filters``, in link order.

    When only link-level filters apply (geography, level, authority) the links are read from the
    stored ``link_summary``; otherwise link_facts are filtered and aggregated (links_filtered.sql).
    Both give the same frame (tests/db/test_link_summary.py)."""
    return arrow_to_pandas(links_table(db, filters))


def links_table(db: ReadOnlyDatabase, filters: Filters) -> pa.Table:
    """:func:`links` as an Arrow table (its columns can be used before the frame is made)."""
    from atlas.db.flow_queries import link_level

    if link_level(filters):
        where, params = where_clause(filters)
        try:
            return db.arrow_table(f"SELECT * FROM link_summary {where}", params)
        except duckdb.CatalogException:  # a database built before link_summary: aggregate below
            pass
    return db.arrow_table(*_filtered("links_filtered", filters))


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
    """The search form of a name (atlas.db.search_terms.fold_query): folded, hyphens and
    apostrophes as spaces, Saint abbreviations spelled out ("st etienne" finds Saint-Étienne)."""
    return search_terms.fold_query(text)


@cache
def _candidates_sql() -> str:
    """authority_candidates.sql with its names in the search form as fold_query gives it and their
    cores as search_terms.name_core gives them (search_terms.sql_search_form, sql_core)."""
    return (sql("authority_candidates")
            .replace("atlas_search_form(c.name)", search_terms.sql_search_form("c.name"))
            .replace("atlas_core(folded)", search_terms.sql_core("folded"))
            .replace("atlas_article(folded)", search_terms.sql_core("folded", institution=False)))


def _search_candidates(db: ReadOnlyDatabase) -> tuple[pd.DataFrame, duckdb.DuckDBPyConnection]:
    """Every authority the search can offer (authority_candidates.sql), as a frame and as the table
    ``search_candidates`` of an in-memory DuckDB connection: made once per database file (folding
    some 37,000 names takes most of a search's time), kept by the handle (ReadOnlyDatabase.memo)."""
    def make() -> tuple[pd.DataFrame, duckdb.DuckDBPyConnection]:
        frame = db.df(_candidates_sql(), {})
        con = duckdb.connect()
        con.register("candidates_frame", frame)
        con.execute("CREATE TABLE search_candidates AS SELECT * FROM candidates_frame")
        con.unregister("candidates_frame")
        return frame, con

    memo = getattr(db, "memo", None)  # a stand-in database of the tests may have none
    return memo("search_candidates", make) if memo else make()


def prepare_search(db: ReadOnlyDatabase) -> None:
    """Fold the names the search compares now (about a second, once per database file) rather
    than at the first keystroke."""
    _search_candidates(db)


_SEARCH_LEVELS = ("region", "departement", "epci", "commune")
_SEARCH_COLUMNS = ["id", "name", "level", "departement", "region", "population", "has_links", "rank", "formerly"]


def search_authorities(db: ReadOnlyDatabase, query: str, limit: int = 20) -> pd.DataFrame:
    """French authorities matching a name or code as people write it, best first.

    Accent-, case- and hyphen-insensitive; understands institution words and abbreviations
    ("Conseil départemental du Nord", "Mairie de Montélimar", "CC du Pays de Gex"), old région
    names ("Midi-Pyrénées") and a département in brackets (atlas.db.search_terms.parse). When
    nothing matches as written, close names are offered (typing slips, rapidfuzz). Columns: id,
    name, level, departement, region, population, has_links, rank (lower is better) and formerly
    (the old région name typed, on the région it is part of today; else None).
    """
    terms = search_terms.parse(query)
    if not terms.query:
        return pd.DataFrame(columns=_SEARCH_COLUMNS)
    frame, con = _search_candidates(db)
    # Never an empty list: DuckDB plans an empty list parameter far slower (measured 8x).
    params = {"q": terms.query, "core": terms.core, "levels": list(terms.levels or _SEARCH_LEVELS),
              "regions": list(terms.regions or ("",)), "dep": terms.departement, "limit": int(limit)}
    cur = con.cursor()  # one cursor per call: Streamlit searches from several threads
    try:
        found = cur.execute(sql("authority_search"), params).df()
        if found.empty and terms.core.startswith("grand ") and len(terms.core) > 8:
            # "Grand Lyon", "Grand Toulouse": former or familiar names of the EPCI of a city
            found = cur.execute(sql("authority_search"), {**params, "core": terms.core[6:],
                                                          "levels": list(terms.levels or ("epci",))}).df()
    finally:
        cur.close()
    if terms.only_words:  # "Région", "Conseil départ…": that level's authorities, after the names it begins
        level = frame[frame["level"].isin(terms.levels)].head(int(limit)).assign(rank=3.5)
        found = pd.concat([found, level[found.columns]]) if not found.empty else level
    elif found.empty or found["rank"].min() >= 6:  # nothing, or only bits inside words ("nrod" in "Lanrodec")
        close = _search_fuzzy(frame, terms, int(limit))
        found = pd.concat([found, close[found.columns]]) if not found.empty else close
    found = found.drop_duplicates("id").sort_values("rank", kind="stable").head(int(limit))
    # the old région name typed, on the région it is part of today ("Occitanie", formerly "Midi-Pyrénées")
    found = found.assign(formerly=pd.Series([terms.old_region if lv == "region" and r in terms.regions else None
                                             for lv, r in zip(found["level"], found["region"])],
                                            index=found.index, dtype=object))
    return found[_SEARCH_COLUMNS].reset_index(drop=True)


def _search_fuzzy(frame: pd.DataFrame, terms: search_terms.SearchTerms, limit: int) -> pd.DataFrame:
    """Candidates whose name or core is close to the query's (search_terms.fuzzy_ranks), ranked after
    the matches as written but for bits inside words (rank 6 to 26 as the score falls from 100 to
    0; as in the SQL, the whole name before the core), at the levels and in the département the
    query points to first."""
    best: dict[int, float] = {}
    for text, names, bonus in ((terms.query, frame["folded"], 0.5), (terms.core, frame["core"], 0.0)):
        for i, score in search_terms.fuzzy_ranks(text, names.tolist(), limit=limit * 3):
            best[i] = max(best.get(i, 0.0), score + bonus)
    if not best:
        return frame.iloc[0:0].assign(rank=pd.Series(dtype="int64"))
    order = sorted(best)  # the candidates' order (ties, then population) before the stable sort by rank
    rows = frame.iloc[order].copy()
    off_level = [bool(terms.levels) and lv not in terms.levels for lv in rows["level"]]
    off_dep = [terms.departement is not None and d != terms.departement for d in rows["departement"]]
    rows["rank"] = [6 + (100.5 - best[i]) / 5 + 4 * o + 8 * d for i, o, d in zip(order, off_level, off_dep)]
    return rows.sort_values("rank", kind="stable").head(limit)


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
