"""Explorer (analysts): every filter, the flow map with level controls, charts and tables."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from atlas.geo.flows import MAGNITUDES
from atlas.maps.styles import COLOUR_TITLES, MAGNITUDE_WORDS
from atlas.models import KIND_BY_CODE
from atlas.selection import MapOptions
from atlas.ui import data, exports, nav, widgets
from atlas.ui.i18n import t, tn
from atlas.ui.state import (DEST_CHOICES, MAX_QUERY_CHARS, ORIGIN_CHOICES, TABLE_KINDS, TABS, page_params, params_from_view,
                            view_from_params)

#: Widget key of each view setting (MapOptions field names), read from and written to the URL.
VIEW_KEYS = ("origin_level", "dest_level", "colour_by", "magnitude")
TAB_KEYS = {"map": "tab_map", "charts": "tab_charts", "table": "tab_table"}


def _level_label(level: str, lang: str) -> str:
    from atlas.maps.flowmap import LEVEL_WORDS

    if level == "auto":
        return t("auto", lang)
    return LEVEL_WORDS["fr" if lang == "fr" else "en"][level].capitalize()


def _links_table(links: pd.DataFrame, lang: str) -> pd.DataFrame:
    fr = lang == "fr"
    out = pd.DataFrame({
        "Collectivité française" if fr else "French authority": links["fr_name"],
        "Partenaire" if fr else "Partner": links["partner_name"],
        "Pays" if fr else "Country": links["country_name_fr" if fr else "country_name_en"],
        "Projets" if fr else "Projects": links["n_projects"],
        "Depuis" if fr else "Since": links["first_year"],
        "Thèmes" if fr else "Themes": [widgets.theme_labels(v, lang) for v in links["themes"]],
        "Types" if fr else "Kinds": [", ".join(KIND_BY_CODE[c].label_fr if fr else KIND_BY_CODE[c].label_en
                                               for c in v if c in KIND_BY_CODE) for v in links["kinds"]],
        "ODD" if fr else "SDGs": [", ".join(str(s) for s in v) for v in links["sdgs"]],
        t("source_col", lang): links["source"],
        t("open_sheet", lang): widgets.sheet_urls("partenariat", links["partnership_id"]),
    })
    return out


def _projects_table(projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    fr = lang == "fr"
    return pd.DataFrame({
        "Projet" if fr else "Project": projects["title"],
        "Début" if fr else "Start": projects["year_start"],
        "Fin" if fr else "End": projects["year_end"],
        "Type" if fr else "Kind": [KIND_BY_CODE[k].label_fr if fr else KIND_BY_CODE[k].label_en
                                   if k in KIND_BY_CODE else k for k in projects["kind"]],
        "Collectivités françaises" if fr else "French authorities": projects["french"],
        "Partenaires" if fr else "Partners": projects["partners"],
        "Thèmes" if fr else "Themes": [widgets.theme_labels(v, lang) for v in projects["themes"]],
        "ODD" if fr else "SDGs": [", ".join(str(s) for s in v) for v in projects["sdgs"]],
        "Budget (€)": projects["budget_eur"],
        t("source_col", lang): projects["source"],
        t("open_sheet", lang): widgets.sheet_urls("projet", projects["id"]),
    })


def _search(df: pd.DataFrame, query: str) -> pd.DataFrame:
    if not query:
        return df
    from atlas.db.queries import fold_query

    q = fold_query(query)
    # pandas 3: astype(str) keeps missing values missing (a twinning has no start year)
    text = df.astype(str).fillna("").agg(" ".join, axis=1).map(fold_query)
    return df[text.str.contains(q, regex=False)]


def _add_to_story(filters, view: MapOptions, lang: str) -> None:
    """Append the current view (filters, levels, colour and width) to the session's own story
    (shown on the Présentation page, kept in the URL)."""
    from atlas.ui.stories import Step, Story

    story = widgets.session_story() or Story(title={"fr": t("my_story", "fr"), "en": t("my_story", "en")}, steps=())
    title = data.describe(data.db_path(), data.db_version(data.db_path()), filters, lang)
    step = Step(title={lang: title}, text={lang: ""}, filters=filters, origin_level=view.origin_level,
                dest_level=view.dest_level, magnitude=view.magnitude, colour_by=view.colour_by)
    st.session_state["custom_story"] = Story(title=story.title, steps=story.steps + (step,))
    st.toast(tn("added_to_story", len(story.steps) + 1, lang))


def _view_settings(lang: str) -> dict[str, str]:
    """The view settings (levels, colour, width, tab, table kind) from the widgets' state, set
    from the URL when a page opens (or when a widget was not drawn in the last run)."""
    params = st.query_params.to_dict()
    for field, value in view_from_params(params).items():
        st.session_state.setdefault(field, value)
    page = page_params(params)
    st.session_state.setdefault("table_kind", page.get("table", TABLE_KINDS[0]))
    st.session_state.setdefault("table_search", page.get("q", ""))
    # Tabs are known by their label: find the code of the current label in either language.
    labels = {code: {t(key, "fr"), t(key, "en")} for code, key in TAB_KEYS.items()}
    current = st.session_state.get("explorer_tab")
    tab = next((code for code, names in labels.items() if current in names), page.get("tab", TABS[0]))
    st.session_state["explorer_tab"] = t(TAB_KEYS[tab], lang)
    view = MapOptions(**{k: st.session_state[k] for k in VIEW_KEYS if k in st.session_state})
    extra = params_from_view(dataclasses.asdict(view))
    if tab != TABS[0]:
        extra["tab"] = tab
    if st.session_state["table_kind"] != TABLE_KINDS[0]:
        extra["table"] = st.session_state["table_kind"]
    query = page_params({"q": st.session_state.get("table_search") or ""}).get("q")
    if query:
        extra["q"] = query
    return extra


def render() -> None:
    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    version = data.db_version(path)
    filters = widgets.sidebar_filters(lang, path, version)
    extra = _view_settings(lang)
    widgets.sync_url(filters, {**extra, **widgets.story_params()})

    st.title(t("title", lang))
    widgets.provenance_banner(lang, path, version)
    # First-time visitors come for their own commune: one click away.
    st.page_link(nav.page("collectivite", lang), label=t("find_my_authority", lang), icon=":material/search:")
    links = data.links(path, version, filters)
    widgets.metrics({"links": len(links), **data.counts(path, version, filters)}, lang)
    st.caption(widgets.md_escape(data.describe(path, version, filters, lang)))  # names may come from imports

    # on_change="rerun": the open tab is known to Python, so it goes into the URL.
    tab_map, tab_charts, tab_table = st.tabs([t(TAB_KEYS[code], lang) for code in TABS], key="explorer_tab",
                                             on_change="rerun")
    with tab_map:
        if st.session_state.get("explorer_tab") != t(TAB_KEYS["map"], lang):
            pass  # drawn when its tab opens: a map drawn in a hidden tab stays blank once shown
        elif links.empty:
            st.warning(t("no_links", lang))
        else:
            c1, c2, c3, c4, c5 = st.columns([1, 1, 1, 1, 2])
            origin = c1.selectbox(t("origin_level", lang), ORIGIN_CHOICES, key="origin_level",
                                  format_func=lambda v: _level_label(v, lang))
            dest = c2.selectbox(t("dest_level", lang), DEST_CHOICES, key="dest_level",
                                format_func=lambda v: _level_label(v, lang))
            colour = c3.selectbox(t("colour_by", lang), list(COLOUR_TITLES), key="colour_by",
                                  format_func=lambda v: COLOUR_TITLES[v][0 if lang == "fr" else 1])
            magnitude = c4.selectbox(t("magnitude", lang), list(MAGNITUDES), key="magnitude",
                                     format_func=lambda v: MAGNITUDE_WORDS[v][0 if lang == "fr" else 1].capitalize())
            c5.caption(t("click_hint", lang))
            # A callback: the click is recorded even if the map's first report interrupts the run.
            view = MapOptions(origin_level=origin, dest_level=dest, colour_by=colour, magnitude=magnitude)
            c5.button(t("add_to_story", lang), key="add_to_story", on_click=_add_to_story,
                      args=(filters, view, lang))
            hit, sel = widgets.flow_map(filters, view, lang, key="explorer_map", clickable=True)
            if hit:
                widgets.apply_filters(widgets.add_to_filters(filters, hit))
            exports.export_panel(sel, lang, key="explorer")
    with tab_charts:
        # Like the map, the charts and the table are made when their tab is open: sent with every
        # page, the national table alone is 2.3 MB (benchmarks/README.md, app timings).
        if st.session_state.get("explorer_tab") == t(TAB_KEYS["charts"], lang) and not links.empty:
            from atlas.ui import charts  # altair: imported when the charts are first shown

            left, right = st.columns(2)
            left.subheader(t("over_time", lang))
            left.altair_chart(charts.timeline(data.by_year(path, version, filters), lang), width="stretch")
            right.subheader(t("top_countries", lang))
            right.altair_chart(charts.top_countries(links, lang), width="stretch")
            ts = data.themes_sdgs(path, version, filters)
            left, right = st.columns(2)
            left.subheader(t("by_sdg", lang))
            left.altair_chart(charts.sdg_bars(data.sdg_projects(path, version, filters), lang), width="stretch")
            right.subheader(t("themes_x_sdgs", lang))
            if len(ts):
                right.altair_chart(charts.themes_by_sdg(ts, lang), width="stretch")
    with tab_table:
        which = st.radio(" ", TABLE_KINDS, horizontal=True, key="table_kind", label_visibility="collapsed",
                         format_func=lambda code: t(f"table_{code}", lang))
        query = st.text_input(t("search_table", lang), key="table_search", max_chars=MAX_QUERY_CHARS)
        if st.session_state.get("explorer_tab") == t(TAB_KEYS["table"], lang):
            if which == "links":
                table = _links_table(links, lang)
            else:
                table = _projects_table(data.projects(path, version, filters), lang)
            shown = _search(table, query)
            st.caption(tn("rows_shown", len(shown), lang, n=widgets.fmt_int(len(shown)),
                          total=widgets.fmt_int(len(table))))
            # st.dataframe draws cell text as text: names from imported files cannot inject markup.
            st.dataframe(shown, width="stretch", hide_index=True, height=520, column_config=widgets.sheet_column(lang))
