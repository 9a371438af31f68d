"""The one selection service: Filters + view options → one :class:`Selection`.

Every front end calls :func:`select`: the app's maps and captions, ``atlas map`` and
``atlas export``, ``Atlas.flows/flow_map/export_map/export_data``, print maps and stories. One
level chooser, one budget (the ``max_arcs`` setting unless a view sets its own), one WHERE builder
(``atlas.db.where.where_clause``): the same view gives the same flows everywhere, and the
export of a view is that view.
"""

from __future__ import annotations

from datetime import date

import dataclasses
from dataclasses import dataclass

import pandas as pd

from atlas import config
from atlas.db import provenance, queries
from atlas.db.where import where_clause
from atlas.db.connection import ReadOnlyDatabase
from atlas.errors import QueryError
from atlas.geo import flows as fl
from atlas.maps.projection_names import PROJECTION_CHOICES
from atlas.maps.words import word
from atlas.models import Filters
from atlas.selection.engine import FlowResult, query_flows

__all__ = ["VIEWS", "FlowResult", "MapOptions", "Selection", "check_filters", "default_title", "query_flows",
           "select"]

#: What a map shows: flows, or a choropleth of links per country or per département.
VIEWS = ("flows", "countries", "departements")
#: Page layouts of print maps.
LAYOUTS = ("a4", "16:9")


@dataclass(frozen=True)
class MapOptions:
    """Everything that shapes a view besides the filters (hashable: part of cache keys)."""

    origin_level: str = "auto"
    dest_level: str = "auto"
    magnitude: str = "links"
    colour_by: str = "zone"
    view: str = "flows"
    max_flows: int | None = None
    lang: str | None = None
    title: str | None = None
    layout: str = "a4"
    projection: str = "auto"
    tiles: bool | None = None

    def checked(self) -> "MapOptions":
        try:
            fl.magnitude_column(self.magnitude)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        if self.colour_by not in fl.COLOUR_BY:
            raise QueryError(f"colour_by: expected one of {fl.COLOUR_BY}, got {self.colour_by!r}")
        if self.view not in VIEWS:
            raise QueryError(f"view: expected one of {VIEWS}, got {self.view!r}")
        for value, allowed, name in ((self.origin_level, fl.ORIGIN_LEVELS, "origin level"),
                                     (self.dest_level, fl.DEST_LEVELS, "destination level")):
            if value != "auto" and value not in allowed:
                raise QueryError(f"{name}: expected auto or one of {allowed}, got {value!r}")
        if self.layout not in LAYOUTS:
            raise QueryError(f"layout: expected one of {sorted(LAYOUTS)}, got {self.layout!r}")
        if self.projection not in PROJECTION_CHOICES:
            raise QueryError(f"projection: expected one of {', '.join(PROJECTION_CHOICES)}, got {self.projection!r}")
        if self.max_flows is not None and not (isinstance(self.max_flows, int) and 1 <= self.max_flows <= 100_000):
            raise QueryError(f"max_flows: expected a whole number between 1 and 100000, got {self.max_flows!r}")
        return self

    @property
    def language(self) -> str:
        return self.lang or config.get("lang")

    @property
    def arcs(self) -> int:
        """The flow budget of this view: its own, else the ``max_arcs`` setting."""
        return int(self.max_flows or config.number("max_arcs"))


@dataclass(frozen=True, eq=False)
class Selection:
    """One view of the atlas: its filters, its options (levels resolved) and its flows."""

    filters: Filters
    options: MapOptions
    result: FlowResult
    title: str
    description: str
    demo: bool
    #: the sources of the records shown, with their dates and licences (atlas.db.provenance)
    source: str = ""

    @property
    def flows(self) -> pd.DataFrame:
        return self.result.flows

    @property
    def origin_level(self) -> str:
        return self.result.origin_level

    @property
    def dest_level(self) -> str:
        return self.result.dest_level

    @property
    def n_links(self) -> int:
        return self.result.n_links

    @property
    def n_flows(self) -> int:
        return len(self.result.flows)

    @property
    def n_drawn(self) -> int:
        """Flows drawn on a map of this view (the largest ``options.arcs``; the rest grouped)."""
        return min(self.n_flows, self.options.arcs)


def check_filters(db: ReadOnlyDatabase, filters: Filters | None) -> Filters:
    """``filters`` (or all) checked: a Filters object whose codes the database knows."""
    filters = filters if filters is not None else Filters()
    if not isinstance(filters, Filters):
        raise QueryError(f"expected an atlas.Filters object, got {type(filters).__name__}")
    queries.check_codes(db, filters)
    return filters


def is_demo(db: ReadOnlyDatabase) -> bool:
    return db.scalar("SELECT value FROM meta WHERE key = 'demo'") == "true"


def describe(db: ReadOnlyDatabase, filters: Filters, lang: str) -> str:
    """The selection in words, with names for countries, authorities, régions and départements."""
    return filters.describe(lang, queries.filter_names(db, filters, lang))


def default_title(db: ReadOnlyDatabase, filters: Filters, lang: str, view: str = "flows") -> str:
    """A title naming the territory: one authority, one région or département, else France."""
    scope = word("scope.france", lang)
    if len(filters.authorities) == 1:
        scope = db.scalar("SELECT name FROM authorities WHERE id = $id", {"id": filters.authorities[0]}) or scope
    elif len(filters.departements) == 1:
        name = db.scalar("SELECT name FROM ref_departements WHERE code = $c", {"c": filters.departements[0]})
        scope = word("scope.departement", lang, name=name) if name else scope
    elif len(filters.regions) == 1:
        name = db.scalar("SELECT name FROM ref_regions WHERE code = $c", {"c": filters.regions[0]})
        scope = word("scope.region", lang, name=name) if name else scope
    return word("title.flows" if view == "flows" else "title.links", lang, scope=scope)


def origins_of(db: ReadOnlyDatabase, filters: Filters) -> set[str]:
    """Origins of the records a selection holds: 'real' (imported), 'demo' (invented)."""
    where, params = where_clause(filters)
    return {r[0] for r in db.rows(f"SELECT DISTINCT origin FROM link_facts {where}", params)}


def source_of(db: ReadOnlyDatabase, origins: set[str], lang: str) -> str:
    """The sources line of a selection: the sources of the records it holds, and today's date."""
    data = word("data_sources", lang, sources=provenance.source_line(db, origins or None, lang))
    return f"{word('source', lang)} · {data} · {date.today().isoformat()}"


def select(db: ReadOnlyDatabase, filters: Filters | None = None, options: MapOptions | None = None) -> Selection:
    """The view of ``filters`` shaped by ``options``: flows at the chosen (or automatic) levels,
    with the title and the words that describe it."""
    options = (options or MapOptions()).checked()
    filters = check_filters(db, filters)
    try:
        result = query_flows(db, filters, options.origin_level, options.dest_level,
                             colour_by=None if options.colour_by == "zone" else options.colour_by,
                             max_flows=options.arcs)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc
    lang = options.language
    # the map is marked as demonstration data only when it shows invented records
    origins = origins_of(db, filters) if is_demo(db) else {"real"}
    resolved = dataclasses.replace(options, origin_level=result.origin_level, dest_level=result.dest_level)
    return Selection(filters=filters, options=resolved, result=result,
                     title=options.title or default_title(db, filters, lang, options.view),
                     description=describe(db, filters, lang), demo="demo" in origins,
                     source=source_of(db, origins, lang))
