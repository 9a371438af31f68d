"""Widgets shared by the pages: filter sidebar, key figures, the flow map."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from atlas import config
from atlas.geo.locate import locate
from atlas.maps.flowmap import LEVEL_WORDS
from atlas.models import (FUNDING_BY_CODE, FUNDINGS, KIND_BY_CODE, KINDS, LEVEL_LABELS, SDG_BY_NUMBER, SDGS,
                          STATUSES, THEME_BY_CODE, THEMES, ZONE_LABELS_EN, ZONES, Filters)
from atlas.selection import MapOptions, Selection
from atlas.ui import data
from atlas.ui.i18n import t
from atlas.ui.state import LIST_FIELDS, filters_from_params, params_from_filters

STATUS_LABELS = {code: (fr, en) for code, fr, en in STATUSES}

#: Widget key of each list field of Filters that has a widget (authorities come from the URL only).
FILTER_KEYS = {name: f"f_{name}" for name in LIST_FIELDS if name != "authorities"}


def theme_labels(codes, lang: str) -> str:
    """Theme codes as their labels, in the page's language: "Eau et assainissement, Santé"."""
    if not isinstance(codes, (list, tuple, np.ndarray)):
        return ""  # a project with no theme (a missing value, not a list)
    fr = lang == "fr"
    return ", ".join((THEME_BY_CODE[c].label_fr if fr else THEME_BY_CODE[c].label_en) if c in THEME_BY_CODE
                     else str(c) for c in codes)


def md_escape(text: str) -> str:
    """Text shown through st.markdown as text: every ASCII punctuation mark backslash-escaped
    (CommonMark), so names from imported files cannot become links, images or HTML."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in str(text))


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~&\"'=:$%")


def error_text(exc: BaseException) -> str:
    """An error for a visitor: one line, markdown-escaped, with no server folder in it."""
    import tempfile

    text = " ".join(str(exc).split())
    for root in sorted({tempfile.gettempdir(), str(config.PROJECT_ROOT), str(Path.home())}, key=len, reverse=True):
        text = re.sub(re.escape(root.rstrip("/")) + r"/(?:[^\s'\"/]+/)*", "", text)
    return md_escape(text[:500])


def fmt_int(n: int) -> str:
    """12 345 with a narrow no-break space, the French way (also fine in English)."""
    return f"{int(n):,}".replace(",", "\u202f")


def current_filters() -> Filters:
    """Filters from the URL (the source of truth shared by every page).

    A URL is typed or pasted by people: authorities the database does not hold are dropped (the
    other codes are checked against the widgets' options), never a crash."""
    filters = filters_from_params(st.query_params.to_dict())
    if filters.authorities:
        path = data.db_path()
        known = data.known_authorities(path, data.db_version(path), filters.authorities)
        filters = dataclasses.replace(filters, authorities=tuple(a for a in filters.authorities if a in known))
    return filters


def sync_url(filters: Filters, extra: dict[str, str] | None = None) -> None:
    """Write the filters (and page-specific keys) into the URL, so the view can be shared."""
    lang = st.session_state.get("lang", "fr")
    params = {**params_from_filters(filters), **(extra or {})}
    if lang != "fr":
        params["lang"] = lang
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


#: URL parameter of the session's own story (built on the Explorer, uploaded or edited).
STORY_PARAM = "my_story"


def session_story():
    """The session's own story, restored from the URL after a reload (None if there is none)."""
    from atlas.ui.stories import story_from_param

    story = st.session_state.get("custom_story")
    if story is None and STORY_PARAM in st.query_params:
        story = story_from_param(st.query_params.get(STORY_PARAM, ""))
        if story is not None:
            st.session_state["custom_story"] = story
    return story


def story_params() -> dict[str, str]:
    """The URL parameter that keeps the session's own story (empty when there is none, or when
    it is too long for a URL: it then lives in the session only, and its file can be downloaded)."""
    from atlas.ui.stories import story_to_param

    story = session_story()
    text = story_to_param(story) if story is not None else None
    return {STORY_PARAM: text} if text else {}


def sidebar_filters(lang: str, path: str, version: int) -> Filters:
    """Every filter of the atlas in the sidebar, initialised from the URL."""
    fr = lang == "fr"
    initial = current_filters()
    opts = data.choices(path, version)
    countries = opts["countries"]
    country_names = dict(zip(countries["iso2"], countries["name_fr" if fr else "name_en"]))
    region_names = dict(zip(opts["regions"]["code"], opts["regions"]["name"]))
    dep_names = dict(zip(opts["departements"]["code"], opts["departements"]["name"]))

    # A click on the map (or a link between pages) leaves new filters to apply before the
    # widgets exist: widget state can only be set before the widget is created in a run.
    pending: Filters | None = st.session_state.pop("pending_filters", None)
    if pending is not None:
        initial = pending
        for name, key in FILTER_KEYS.items():
            st.session_state.pop(key, None)
        st.session_state.pop("f_years", None)

    def multi(label: str, options: list, current: tuple, fmt, key: str) -> list:
        if key not in st.session_state:
            st.session_state[key] = [v for v in current if v in options]
        return st.multiselect(t(label, lang), options, format_func=fmt, placeholder=t("all", lang), key=key)

    with st.sidebar:
        st.header(t("filters", lang))
        themes = multi("themes", [th.code for th in THEMES], initial.themes,
                       lambda c: THEME_BY_CODE[c].label_fr if fr else THEME_BY_CODE[c].label_en, "f_themes")
        countries_sel = multi("countries", list(country_names), initial.countries,
                              lambda c: country_names.get(c, c), "f_countries")
        sdgs = multi("sdgs", [s.number for s in SDGS], initial.sdgs,
                     lambda n: f"{n} · {SDG_BY_NUMBER[n].name_fr if fr else SDG_BY_NUMBER[n].name_en}", "f_sdgs")
        zones = multi("zones", list(ZONES), initial.zones, lambda z: z if fr else ZONE_LABELS_EN[z], "f_zones")
        sources = multi("sources", ["real", "demo"], initial.sources, lambda o: t(f"origin_{o}", lang), "f_sources")
        with st.expander(t("more_filters", lang), expanded=bool(
                initial.regions or initial.departements or initial.levels or initial.kinds
                or initial.funding or initial.status)):
            regions = multi("regions", list(region_names), initial.regions,
                            lambda r: region_names.get(r, r), "f_regions")
            departements = multi("departements", list(dep_names), initial.departements,
                                 lambda d: f"{d} · {dep_names.get(d, d)}", "f_departements")
            levels = multi("levels", ["region", "departement", "epci", "commune"], initial.levels,
                           lambda lv: LEVEL_LABELS[lv][0 if fr else 1], "f_levels")
            kinds = multi("kinds", [k.code for k in KINDS], initial.kinds,
                          lambda k: KIND_BY_CODE[k].label_fr if fr else KIND_BY_CODE[k].label_en, "f_kinds")
            funding = multi("funding", [f.code for f in FUNDINGS], initial.funding,
                            lambda c: FUNDING_BY_CODE[c].label_fr if fr else FUNDING_BY_CODE[c].label_en, "f_funding")
            status = multi("status", list(STATUS_LABELS), initial.status,
                           lambda s: STATUS_LABELS[s][0 if fr else 1], "f_status")
        y0 = int(opts["years"]["y0"].iloc[0] or 1950)
        y1 = int(opts["years"]["y1"].iloc[0] or 2026)
        years_default = initial.years or (y0, y1)
        if "f_years" not in st.session_state:
            st.session_state["f_years"] = (max(y0, min(years_default[0], y1)), min(y1, max(years_default[1], y0)))
        years = st.slider(t("years", lang), min_value=y0, max_value=y1, key="f_years")
    return Filters(themes=themes, countries=countries_sel, sdgs=sdgs, zones=zones, regions=regions,
                   departements=departements, levels=levels, kinds=kinds, funding=funding, status=status,
                   years=None if tuple(years) == (y0, y1) else tuple(years),
                   authorities=initial.authorities, sources=sources)


def sheet_urls(page: str, ids) -> list[str | None]:  # noqa: ANN001 - a column of ids
    """Links to the sheet pages (/projet?id=…, /partenariat?id=…) for a table column."""
    from urllib.parse import quote

    return [f"/{page}?id={quote(str(i), safe='')}" if isinstance(i, str) and i else None for i in ids]


def sheet_column(lang: str) -> dict:
    """column_config of a table's sheet-link column."""
    return {t("open_sheet", lang): st.column_config.LinkColumn(display_text=t("open_sheet", lang) + " ↗",
                                                              width="small")}


def provenance_banner(lang: str, path: str, version: int) -> None:
    """Which records are real and which invented, with distinct counts (atlas.db.provenance)."""
    prov = data.provenance(path, version)
    totals, sources = prov["totals"], prov["sources"]
    real = sources[sources.origin == "real"]
    lines = []
    if totals["real"]["partnerships"]:
        names = "; ".join(dict.fromkeys(
            md_escape(f"{str(r.source).split(',')[0]}, {r.source_date or '?'}, {r.licence or '?'}")
            for r in real.itertuples()))
        lines.append(t("provenance_real", lang).format(n=fmt_int(totals["real"]["partnerships"]), sources=names))
    if totals["demo"]["partnerships"] or totals["demo"]["projects"]:
        lines.append(t("provenance_demo", lang).format(p=fmt_int(totals["demo"]["partnerships"]),
                                                       j=fmt_int(totals["demo"]["projects"])))
    if lines:
        st.info("  \n".join(lines), icon="ℹ️")


def metrics(figures: dict[str, int], lang: str,
            keys: tuple[str, ...] = ("links", "fr_authorities", "partners", "countries", "projects")) -> None:
    for col, key in zip(st.columns(len(keys)), keys):
        col.metric(t(key, lang), fmt_int(figures.get(key, 0)))


def flow_map(filters: Filters, options: MapOptions, lang: str, key: str, height: int = 600,
             clickable: bool = False) -> tuple[tuple[str, str] | None, Selection]:
    """Draw the map of a view (atlas.selection, as every export does) and say what it shows.

    Returns what a click landed on (département or country, with ``clickable``) and the Selection,
    whose resolved options an export of this view reuses.
    """
    path = data.db_path()
    version, options = data.db_version(path), dataclasses.replace(options, lang=lang)
    sel = data.selection(path, version, filters, options)
    m = data.flow_map(path, version, filters, options)
    words = LEVEL_WORDS["fr" if lang == "fr" else "en"]
    st.caption(t("map_caption", lang).format(o=words[sel.origin_level], d=words[sel.dest_level],
                                             n=fmt_int(sel.n_links), f=fmt_int(sel.n_drawn)))
    # Only clicks come back to Python: panning and zooming never rerun the script.
    out = st_folium(m, height=height, use_container_width=True,
                    returned_objects=["last_clicked"] if clickable else [], key=key)
    if clickable and out and out.get("last_clicked"):
        click = out["last_clicked"]
        marker = (round(click["lat"], 5), round(click["lng"], 5))
        if st.session_state.get(f"{key}_last") != marker:
            st.session_state[f"{key}_last"] = marker
            return locate(click["lng"], click["lat"]), sel
    return None, sel


def apply_filters(filters: Filters) -> None:
    """Make ``filters`` the current selection (widgets and URL) and rerun."""
    st.session_state["pending_filters"] = filters
    sync_url(filters)
    st.rerun()


def add_to_filters(filters: Filters, hit: tuple[str, str]) -> Filters:
    """Filters with a clicked département or country added."""
    kind, code = hit
    if kind == "departement":
        return dataclasses.replace(filters, departements=tuple({*filters.departements, code}))
    return dataclasses.replace(filters, countries=tuple({*filters.countries, code}))
