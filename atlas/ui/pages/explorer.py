"""Explorer page: sidebar filters, key figures and the flow map."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from atlas import config
from atlas.maps.flowmap import LEVEL_WORDS, build_flow_map
from atlas.models import KIND_BY_CODE, KINDS, SDG_BY_NUMBER, SDGS, THEME_BY_CODE, THEMES, ZONE_LABELS_EN, ZONES, Filters
from atlas.ui import data
from atlas.ui.i18n import t
from atlas.ui.state import filters_from_params, params_from_filters


def _sidebar_filters(lang: str, path: str, version: int) -> Filters:
    fr = lang == "fr"
    initial = filters_from_params(st.query_params.to_dict())
    opts = data.choices(path, version)
    countries = opts["countries"]
    country_names = dict(zip(countries["iso2"], countries["name_fr" if fr else "name_en"]))
    region_names = dict(zip(opts["regions"]["code"], opts["regions"]["name"]))

    with st.sidebar:
        st.header(t("filters", lang))
        themes = st.multiselect(
            t("themes", lang), [th.code for th in THEMES],
            default=[c for c in initial.themes if c in THEME_BY_CODE],
            format_func=lambda c: THEME_BY_CODE[c].label_fr if fr else THEME_BY_CODE[c].label_en,
            placeholder=t("all", lang), key="f_themes")
        countries_sel = st.multiselect(
            t("countries", lang), list(country_names), default=[c for c in initial.countries if c in country_names],
            format_func=lambda c: country_names.get(c, c), placeholder=t("all", lang), key="f_countries")
        sdgs = st.multiselect(
            t("sdgs", lang), [s.number for s in SDGS], default=[s for s in initial.sdgs if s in SDG_BY_NUMBER],
            format_func=lambda n: f"{n} · {SDG_BY_NUMBER[n].name_fr if fr else SDG_BY_NUMBER[n].name_en}",
            placeholder=t("all", lang), key="f_sdgs")
        zones = st.multiselect(
            t("zones", lang), list(ZONES), default=[z for z in initial.zones if z in ZONES],
            format_func=lambda z: z if fr else ZONE_LABELS_EN[z], placeholder=t("all", lang), key="f_zones")
        regions = st.multiselect(
            t("regions", lang), list(region_names), default=[r for r in initial.regions if r in region_names],
            format_func=lambda r: region_names.get(r, r), placeholder=t("all", lang), key="f_regions")
        kinds = st.multiselect(
            t("kinds", lang), [k.code for k in KINDS], default=[k for k in initial.kinds if k in KIND_BY_CODE],
            format_func=lambda k: KIND_BY_CODE[k].label_fr if fr else KIND_BY_CODE[k].label_en,
            placeholder=t("all", lang), key="f_kinds")
        y0 = int(opts["years"]["y0"].iloc[0] or 1950)
        y1 = int(opts["years"]["y1"].iloc[0] or 2026)
        years_default = initial.years or (y0, y1)
        years = st.slider(t("years", lang), min_value=y0, max_value=y1,
                          value=(max(y0, years_default[0]), min(y1, years_default[1])), key="f_years")
    return Filters(themes=themes, countries=countries_sel, sdgs=sdgs, zones=zones, regions=regions,
                   kinds=kinds, years=None if tuple(years) == (y0, y1) else tuple(years))


def render() -> None:
    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    version = data.db_version(path)
    filters = _sidebar_filters(lang, path, version)
    st.query_params.from_dict({**params_from_filters(filters), **({"lang": lang} if lang != "fr" else {})})

    st.title(t("title", lang))
    if data.is_demo(path, version):
        st.info(t("demo", lang), icon="ℹ️")
    links = data.links(path, version, filters)
    figures = {"links": len(links), **data.counts(path, version, filters)}
    cols = st.columns(5)
    for col, key in zip(cols, ("links", "fr_authorities", "partners", "countries", "projects")):
        col.metric(t(key, lang), f"{figures[key]:,}".replace(",", "\u202f"))
    st.caption(filters.describe(lang))
    if links.empty:
        st.warning(t("no_links", lang))
        return
    m, info = build_flow_map(links, max_flows=int(config.get("max_arcs")) // 2, lang=lang,
                             demo=data.is_demo(path, version))
    words = LEVEL_WORDS["fr" if lang == "fr" else "en"]
    st.caption(t("map_caption", lang).format(o=words[info.origin_level], d=words[info.dest_level],
                                             n=info.n_links, f=info.n_drawn))
    # returned_objects=[]: panning and zooming never rerun the script.
    st_folium(m, height=620, use_container_width=True, returned_objects=[], key="flowmap")
