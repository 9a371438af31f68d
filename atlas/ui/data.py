"""Cached data access for the pages: one Atlas handle per process, queries cached by Filters."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

import atlas
from atlas import config
from atlas.db import queries
from atlas.models import Filters
from atlas.selection import MapOptions, Selection

if TYPE_CHECKING:
    import folium


def db_path() -> str:
    return str(config.default_db_path())


def db_version(path: str) -> int:
    """Changes when the database file is swapped: part of every cache key."""
    try:
        st_ = os.stat(path)
    except FileNotFoundError:
        return 0
    return st_.st_mtime_ns ^ st_.st_ino


@st.cache_resource(show_spinner=False)
def handle(path: str) -> atlas.Atlas:
    return atlas.open(path)


@st.cache_data(show_spinner=False, max_entries=64)
def links(path: str, version: int, filters: Filters) -> pd.DataFrame:
    return handle(path).links_frame(filters)


@st.cache_data(show_spinner=False, max_entries=64)
def selection(path: str, version: int, filters: Filters, options: MapOptions) -> Selection:
    """The view behind a map: the same Selection the exports, the CLI and the API make."""
    return handle(path).select(filters, options)


@st.cache_data(show_spinner=False, max_entries=32)
def flow_map(path: str, version: int, filters: Filters, options: MapOptions) -> folium.Map:
    """The interactive map of a view (atlas.selection.products.map_of, untitled), made once per
    view: a rerun gets its copy back in milliseconds instead of building it again (0.1 s for the
    demo's national view on a warm server), and a visitor arriving while the server warms up
    waits for the warm-up's map instead of building a second one beside it."""
    from atlas.selection.products import map_of

    return map_of(selection(path, version, filters, options), titled=False)[0]


@st.cache_data(show_spinner=False, max_entries=64)
def counts(path: str, version: int, filters: Filters) -> dict[str, int]:
    return handle(path).counts(filters)


@st.cache_data(show_spinner=False, max_entries=64)
def describe(path: str, version: int, filters: Filters, lang: str) -> str:
    """The selection in words, with names for countries, authorities, régions and départements."""
    return handle(path).describe(filters, lang)


@st.cache_data(show_spinner=False)
def choices(path: str, version: int) -> dict[str, pd.DataFrame]:
    """Options of the filter widgets, from what the database holds."""
    h = handle(path)
    return {
        "countries": h.sql("""SELECT c.iso2, c.name_fr, c.name_en, count(*) AS n FROM links l
                              JOIN countries c ON c.iso2 = l.country_iso2 GROUP BY ALL ORDER BY c.name_fr"""),
        "regions": h.sql("SELECT code, name FROM ref_regions ORDER BY name"),
        "departements": h.sql("SELECT code, name FROM ref_departements ORDER BY code"),
        "years": h.sql("SELECT min(year_start) AS y0, max(coalesce(year_end, year_start)) AS y1 FROM link_facts"),
    }


@st.cache_data(show_spinner=False, max_entries=32)
def projects(path: str, version: int, filters: Filters, limit: int = 5000) -> pd.DataFrame:
    return queries.projects(handle(path).db, filters, limit)


@st.cache_data(show_spinner=False, max_entries=32)
def by_year(path: str, version: int, filters: Filters) -> pd.DataFrame:
    return queries.by_year(handle(path).db, filters)


@st.cache_data(show_spinner=False, max_entries=32)
def sdg_projects(path: str, version: int, filters: Filters) -> pd.DataFrame:
    return queries.sdg_projects(handle(path).db, filters)


@st.cache_data(show_spinner=False, max_entries=32)
def themes_sdgs(path: str, version: int, filters: Filters) -> pd.DataFrame:
    return queries.themes_sdgs(handle(path).db, filters)


@st.cache_data(show_spinner=False, max_entries=256)
def search(path: str, version: int, query: str) -> pd.DataFrame:
    return queries.search_authorities(handle(path).db, query, limit=30)


@st.cache_data(show_spinner=False, max_entries=64)
def known_authorities(path: str, version: int, ids: tuple[str, ...]) -> frozenset[str]:
    """Those of ``ids`` that the database holds."""
    rows = handle(path).db.rows("SELECT id FROM authorities WHERE id IN (SELECT unnest($ids::VARCHAR[]))",
                                {"ids": list(ids)})
    return frozenset(r[0] for r in rows)


@st.cache_data(show_spinner=False, max_entries=64)
def authority(path: str, version: int, authority_id: str) -> dict | None:
    return queries.authority_card(handle(path).db, authority_id)


@st.cache_data(show_spinner=False, max_entries=64)
def peers(path: str, version: int, ids: tuple[str, ...], lang: str = "fr") -> dict[str, pd.DataFrame]:
    return queries.peers(handle(path).db, list(ids), lang=lang)


@st.cache_data(show_spinner=False)
def is_demo(path: str, version: int) -> bool:
    return handle(path).is_demo


@st.cache_data(show_spinner=False, max_entries=8)
def provenance(path: str, version: int) -> dict:
    """Sources of the records and distinct counts by origin (atlas.db.provenance)."""
    return handle(path).provenance()


__all__ = ["Filters", "choices", "db_path", "db_version", "handle", "is_demo", "links", "counts", "provenance",
           "queries"]
