"""The regional observatory of actors: who acts abroad from a région or a département.

The regional multi-actor networks (RRMA) publish, for their territory, its international actors
(associations, schools, hospitals, companies, diaspora associations… seated there) by type, sector,
country, zone and SDG, the supports the territory's authorities give them (their "indirect"
engagement), the projects they take part in, and beside them the ties of the territory's
authorities themselves. :func:`observatory` computes all of that for one territory, optionally for
one year and one kind of records (real or invented); every figure is a distinct count of something
named (atlas/db/sql/observatory.sql says which).

The territory is written ``region:<INSEE>`` or ``departement:<INSEE>`` (``region:76``,
``departement:31``). A year N keeps what was active in N: actors whose years of activity include
N, the countries where they acted in N, supports of year N, projects running in N, authorities'
ties running in N (as the Explorer's year filter does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from atlas.db.connection import ReadOnlyDatabase
from atlas.db.sqlfiles import sql
from atlas.errors import QueryError
from atlas.models import ACTOR_TYPE_BY_CODE, ORIGINS, SECTOR_BY_CODE, SUPPORT_KINDS

#: Key figures, in the order a page shows them.
FIGURES = ("actors", "types", "sectors", "communes", "departements", "countries", "zones", "sdgs",
           "supported_actors", "supports", "support_amount_eur", "supporting_authorities", "projects",
           "actors_in_projects", "authorities", "authority_ties", "authority_countries", "shared_countries")
#: Figures of the year-on-year comparison (year N against N−1).
COMPARED = ("actors", "countries", "supported_actors", "supports", "support_amount_eur", "supporting_authorities",
            "projects", "authorities", "authority_countries")
#: What each figure counts, in words (docs/observatory.md says the same).
FIGURE_WORDS: dict[str, tuple[str, str]] = {
    "actors": ("Acteurs", "Actors"),
    "types": ("Types d'acteurs", "Actor types"),
    "sectors": ("Secteurs", "Sectors"),
    "communes": ("Communes des sièges", "Seat communes"),
    "departements": ("Départements des sièges", "Seat départements"),
    "countries": ("Pays des acteurs", "Actors' countries"),
    "zones": ("Zones des acteurs", "Actors' zones"),
    "sdgs": ("ODD des acteurs", "Actors' SDGs"),
    "supported_actors": ("Acteurs soutenus", "Supported actors"),
    "supports": ("Soutiens", "Supports"),
    "support_amount_eur": ("Montant des soutiens (€)", "Amount of supports (€)"),
    "supporting_authorities": ("Collectivités qui soutiennent", "Supporting authorities"),
    "projects": ("Projets avec des acteurs", "Projects with actors"),
    "actors_in_projects": ("Acteurs dans des projets", "Actors in projects"),
    "authorities": ("Collectivités ayant des liens", "Authorities with ties"),
    "authority_ties": ("Liens des collectivités", "Authorities' ties"),
    "authority_countries": ("Pays des collectivités", "Authorities' countries"),
    "shared_countries": ("Pays communs (acteurs et collectivités)", "Countries shared (actors and authorities)"),
}
SUPPORT_KIND_BY_CODE = {c.code: c for c in SUPPORT_KINDS}
_TERRITORY = re.compile(r"^(region|departement):([0-9][0-9AB][0-9]?)$")


@dataclass(frozen=True)
class Territory:
    """A région or a département of the reference tables."""

    level: str  # "region" | "departement"
    code: str
    name: str
    lon: float
    lat: float
    region: str  # the région's code (its own for a région)

    @property
    def id(self) -> str:
        return f"{self.level}:{self.code}"


@dataclass
class Observatory:
    """The figures of one territory's observatory (tables hold codes and labels in ``lang``)."""

    territory: Territory
    year: int | None
    sources: tuple[str, ...]
    lang: str
    figures: dict[str, float]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    comparison: pd.DataFrame | None = None
    source_line: str = ""

    def figure_label(self, key: str) -> str:
        """A key figure in words, in the observatory's language."""
        words = FIGURE_WORDS.get(key, (key, key))
        return words[0 if self.lang == "fr" else 1]

    @property
    def is_demo(self) -> bool:
        actors = self.tables.get("actors")
        return actors is not None and bool((actors["origin"] == "demo").any())


@cache
def _queries() -> dict[str, str]:
    parts: dict[str, str] = {}
    name = None
    for line in sql("observatory").splitlines():
        if line.startswith("-- @"):
            name = line[4:].strip()
            parts[name] = ""
        elif name is not None:
            parts[name] += line + "\n"
    base = parts.pop("base")
    return {k: base + v for k, v in parts.items()}


def territory(db: ReadOnlyDatabase, text: str) -> Territory:
    """The territory written ``region:76`` or ``departement:31``; QueryError otherwise."""
    match = _TERRITORY.match(str(text).strip())
    if not match:
        raise QueryError(f"territory: expected 'region:<INSEE code>' or 'departement:<INSEE code>' "
                         f"(region:76, departement:31), got {str(text)[:60]!r}")
    level, code = match.groups()
    if level == "region":
        rows = db.rows("SELECT name, lon, lat, code FROM ref_regions WHERE code = $c", {"c": code})
    else:
        rows = db.rows("SELECT name, lon, lat, region_code FROM ref_departements WHERE code = $c", {"c": code})
    if not rows:
        raise QueryError(f"territory: no {level} with the INSEE code {code!r} in the reference tables")
    name, lon, lat, region = rows[0]
    return Territory(level, code, str(name), float(lon), float(lat), str(region))


def territories(db: ReadOnlyDatabase) -> pd.DataFrame:
    """Every région and département (id, level, code, name, region), régions first."""
    return db.df("""SELECT 'region:' || code AS id, 'region' AS level, code, name, code AS region FROM ref_regions
                    UNION ALL
                    SELECT 'departement:' || code, 'departement', code, name, region_code FROM ref_departements
                    ORDER BY level DESC, code""")


def _params(terr: Territory, year: int | None, sources: tuple[str, ...]) -> dict[str, Any]:
    return {"level": terr.level, "code": terr.code, "y": None if year is None else int(year),
            "src": [str(s) for s in sources]}


def _check(year: int | None, sources: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    sources = tuple(sources or ())
    unknown = [s for s in sources if s not in ORIGINS]
    if unknown:
        raise QueryError(f"observatory sources: expected 'real' or 'demo', got {unknown}")
    if year is not None and not (1800 <= int(year) <= 2200):
        raise QueryError(f"observatory year: expected a year such as 2024, got {year!r}")
    return sources


def key_figures(db: ReadOnlyDatabase, terr: Territory, year: int | None = None,
                sources: tuple[str, ...] = ()) -> dict[str, float]:
    """The key figures of a territory (FIGURES, each a distinct count; amounts in euros)."""
    sources = _check(year, sources)
    row = db.df(_queries()["figures"], _params(terr, year, sources)).iloc[0]
    return {k: (float(row[k]) if k == "support_amount_eur" else int(row[k])) for k in FIGURES}


def compare_years(db: ReadOnlyDatabase, terr: Territory, year: int, sources: tuple[str, ...] = (),
                  lang: str = "fr", now: dict[str, float] | None = None) -> pd.DataFrame:
    """Year N against N−1: one row per COMPARED figure (figure, label, previous, current, change).
    ``now``: the key figures of year N when already computed."""
    now = now or key_figures(db, terr, year, sources)
    before = key_figures(db, terr, year - 1, sources)
    fr = lang == "fr"
    return pd.DataFrame({
        "figure": list(COMPARED),
        "label": [FIGURE_WORDS[k][0 if fr else 1] for k in COMPARED],
        "previous": [before[k] for k in COMPARED],
        "current": [now[k] for k in COMPARED],
        "change": [now[k] - before[k] for k in COMPARED],
    })


def _label(table: dict, code: Any, lang: str) -> str:
    c = table.get(code)
    return str(code) if c is None else (c.label_fr if lang == "fr" else c.label_en)


def observatory(db: ReadOnlyDatabase, territory_id: str, year: int | None = None,
                sources: tuple[str, ...] | list[str] = (), lang: str = "fr",
                compare: bool = True) -> Observatory:
    """Every figure and table of a territory's observatory (see the module docstring).

    ``compare``: with a year, also the comparison with the year before (``Observatory.comparison``).
    """
    sources = _check(year, sources)
    terr = territory(db, territory_id)
    params = _params(terr, year, sources)
    q = _queries()
    fr = lang == "fr"
    figures = key_figures(db, terr, year, sources)
    tables: dict[str, pd.DataFrame] = {}
    by_type = db.df(q["by_type"], params)
    by_type.insert(1, "label", [_label(ACTOR_TYPE_BY_CODE, c, lang) for c in by_type["type"]])
    tables["by_type"] = by_type
    by_sector = db.df(q["by_sector"], params)
    by_sector.insert(1, "label", [_label(SECTOR_BY_CODE, c, lang) for c in by_sector["sector"]])
    tables["by_sector"] = by_sector
    if terr.level == "region":
        tables["by_departement"] = db.df(q["by_departement"], params)
    by_country = db.df(q["by_country"], params)
    by_country.insert(1, "name", by_country["name_fr" if fr else "name_en"].fillna(by_country["country_iso2"]))
    tables["by_country"] = by_country.drop(columns=["name_fr", "name_en"])
    tables["by_zone"] = db.df(q["by_zone"], params)
    by_sdg = db.df(q["by_sdg"], params)
    by_sdg.insert(1, "name", by_sdg["name_fr" if fr else "name_en"])
    tables["by_sdg"] = by_sdg.drop(columns=["name_fr", "name_en"])
    kinds = db.df(q["supports_by_kind"], params)
    kinds.insert(1, "label", [_label(SUPPORT_KIND_BY_CODE, c, lang) for c in kinds["kind"]])
    tables["supports_by_kind"] = kinds
    tables["supporters"] = db.df(q["supporters"], params)
    tables["projects"] = db.df(q["projects"], params)
    tables["actors"] = db.df(q["actors"], params)
    obs = Observatory(terr, None if year is None else int(year), sources, lang, figures, tables)
    if compare and year is not None:
        obs.comparison = compare_years(db, terr, int(year), sources, lang, now=figures)
    obs.source_line = _source_line(db, tables["actors"], sources, lang)
    return obs


def _source_line(db: ReadOnlyDatabase, actors: pd.DataFrame, sources: tuple[str, ...], lang: str) -> str:
    """Where the page's records come from: the actors' own sources (their batches), then those of
    the authorities' ties (atlas.db.provenance), each demonstration source said as such."""
    from atlas.db.provenance import source_line

    fr = lang == "fr"
    demo = "données inventées (démonstration)" if fr else "invented data (demonstration)"
    parts = [demo if origin == "demo" else str(src)
             for origin, src in sorted(set(zip(actors["origin"], actors["source"])), key=lambda p: (p[0] == "demo", p[1]))]
    ties = source_line(db, set(sources) or None, lang)
    words = ("Acteurs : ", "Liens des collectivités : ") if fr else ("Actors: ", "Authorities' ties: ")
    return " · ".join(filter(None, [words[0] + "; ".join(dict.fromkeys(parts)) if parts else "",
                                    words[1] + ties if ties else ""]))


def available_years(db: ReadOnlyDatabase, terr: Territory) -> tuple[int, int] | None:
    """First and last year of the territory's actors' activity and supports (None: no actor)."""
    row = db.rows("""SELECT min(a.since), max(greatest(coalesce(a.until, 0), coalesce(s.year, 0), a.since))
                     FROM actors a LEFT JOIN actor_supports s ON s.actor_id = a.id
                     WHERE (CASE WHEN $level = 'region' THEN a.region ELSE a.departement END) = $code""",
                  {"level": terr.level, "code": terr.code})[0]
    if row[0] is None:
        return None
    return int(row[0]), int(row[1])
