"""Ma collectivité (elected officials): one search box, one page of a territory's ties."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_searchbox import st_searchbox

from atlas.db import queries
from atlas.models import KIND_BY_CODE, LEVEL_LABELS, SDG_BY_NUMBER, THEME_BY_CODE, Filters
from atlas.selection import MapOptions
from atlas.ui import charts, data, exports, widgets
from atlas.ui.i18n import t


def _label(row: pd.Series, lang: str) -> str:
    level = LEVEL_LABELS.get(row["level"], (row["level"], row["level"]))[0 if lang == "fr" else 1]
    # the département code tells homonyms apart ("Saint-Denis (93)", "Saint-Denis (974)") and names
    # a département by the number people know it by ("Nord (59)")
    where = (f" ({row['departement']})" if row["level"] in ("commune", "epci", "departement")
             and isinstance(row["departement"], str) and row["departement"] else "")
    return f"{row['name']}{where} · {level}"


#: The searchbox's own empty-menu text is Streamlit-component English ("No options"): hidden, the
#: page says it in its language under the box (no_result_message).
_SEARCH_STYLE = {"searchbox": {"optionEmpty": "hidden"}}


def no_result_message(state: dict | None, lang: str) -> str | None:
    """What to say under the search box: "Aucun résultat pour « … »" and a hint, when the last
    search of the box (its session state) found nothing; None otherwise (nothing typed yet, the
    name of an opened profile, a cleared box)."""
    if not state or "options_py" not in state or state["options_py"]:
        return None
    typed = " ".join(str(state.get("search") or "").split())
    if not typed:
        return None
    return t("search_no_result", lang).format(q=widgets.md_escape(typed[:80])) + " " + t("search_no_result_hint", lang)


def _search_box(lang: str, path: str, version: int) -> str | None:
    """One search box for any French authority: suggestions as you type, by the names people use
    ("Mairie de…", "Conseil départemental du…", "CC du…", old région names), INSEE code or SIREN
    (atlas.db.queries.search_authorities). A profile opened from a URL shows its name in the box."""
    def suggest(query: str) -> list[tuple[str, str]]:
        hits = data.search(path, version, query or "")
        return [(_label(pd.Series(r._asdict()), lang)
                 + (f" ({t('formerly', lang).format(name=r.formerly)})" if isinstance(r.formerly, str) else "")
                 + ("" if r.has_links else f" — {t('no_tie_yet', lang)}"), r.id)
                for r in hits.itertuples(index=False)]

    current = st.query_params.get("id")
    opened = data.authority(path, version, current) if current else None
    if not current:  # someone is about to type: the names are folded before the first keystroke
        queries.prepare_search(data.handle(path).db)
    return _search_fragment(suggest, lang, current, str(opened["name"]) if opened else "")


@st.fragment
def _search_fragment(suggest, lang: str, current: str | None, shown: str) -> str | None:  # noqa: ANN001
    """The search box in a fragment: each keystroke reruns the box alone, not the profile under
    it; a pick reruns the page, which opens the profile."""
    chosen = st_searchbox(suggest, placeholder=t("search_placeholder", lang), label=t("search_authority", lang),
                          key="territory_search", debounce=200, clear_on_submit=False, rerun_scope="fragment",
                          default_searchterm=shown, style_overrides=_SEARCH_STYLE)
    message = no_result_message(st.session_state.get("territory_search"), lang)
    if message:
        st.warning(message, icon=":material/search_off:")
    if chosen != st.session_state.get("territory_pick"):  # a pick (made in a rerun of the box alone)
        st.session_state["territory_pick"] = chosen
        if chosen and chosen != current:
            st.rerun(scope="app")
    return chosen or current


def _partners_table(links: pd.DataFrame, lang: str) -> pd.DataFrame:
    fr = lang == "fr"
    return pd.DataFrame({
        "Partenaire" if fr else "Partner": links["partner_name"],
        "Pays" if fr else "Country": links["country_name_fr" if fr else "country_name_en"],
        "Collectivité française" if fr else "French authority": links["fr_name"],
        "Depuis" if fr else "Since": links["first_year"],
        "Projets" if fr else "Projects": links["n_projects"],
        "Types" if fr else "Kinds": [", ".join(KIND_BY_CODE[k].label_fr if fr else KIND_BY_CODE[k].label_en
                                               for k in v if k in KIND_BY_CODE) for v in links["kinds"]],
        t("source_col", lang): links["source"],
        t("open_sheet", lang): widgets.sheet_urls("partenariat", links["partnership_id"]),
    }).sort_values(["Depuis" if fr else "Since"], na_position="last")


def _theme_chart(links: pd.DataFrame, lang: str):
    fr = lang == "fr"
    counts: dict[str, int] = {}
    for themes in links["themes"]:
        for code in themes:
            counts[code] = counts.get(code, 0) + 1
    def sdg_label(code: str) -> str:
        sdg = SDG_BY_NUMBER[THEME_BY_CODE[code].sdgs[0]]
        return f"{'ODD' if fr else 'SDG'} {sdg.number} · {sdg.name_fr if fr else sdg.name_en}"

    df = pd.DataFrame([{"theme": THEME_BY_CODE[c].label_fr if fr else THEME_BY_CODE[c].label_en, "links": n,
                        "colour": SDG_BY_NUMBER[THEME_BY_CODE[c].sdgs[0]].colour, "sdg": sdg_label(c)}
                       for c, n in counts.items() if c in THEME_BY_CODE])
    if df.empty:
        return None
    # each bar in the colour of its theme's main SDG, and the legend says which
    return charts.bar_counts(df, "theme", "links", t("links", lang), colour_field="colour", legend_field="sdg",
                             legend_title=t("main_sdg", lang))


def _see_also(authority: dict, lang: str, path: str, version: int) -> None:
    """For an authority with no tie: buttons to the profiles of the territories that contain it."""
    targets = []
    if authority.get("epci") and authority["level"] == "commune":
        targets.append(f"epci:{authority['epci']}")
    if authority.get("departement") and authority["level"] in ("commune", "epci"):
        targets.append(f"departement:{authority['departement']}")
    if authority.get("region") and authority["level"] != "region":
        targets.append(f"region:{authority['region']}")
    cards = [c for c in (data.authority(path, version, i) for i in targets) if c and c.get("has_links")]
    if not cards:
        return
    st.write(t("see_also", lang))
    for card in cards:
        if st.button(_label(pd.Series(card), lang), key=f"see_{card['id']}"):
            st.session_state.pop("territory_search", None)
            st.query_params["id"] = card["id"]
            st.rerun()


def render() -> None:
    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    version = data.db_version(path)
    st.title(t("territory", lang))
    chosen = _search_box(lang, path, version)
    if not chosen:
        st.info(t("territory_hint", lang))
        return
    authority = data.authority(path, version, chosen)
    if authority is None:
        st.error(t("territory_unknown", lang).format(id=widgets.md_escape(chosen)))
        return
    widgets.sync_url(Filters(), {"id": chosen})

    level = LEVEL_LABELS.get(authority["level"], ("", ""))[0 if lang == "fr" else 1]
    st.header(widgets.md_escape(authority["name"]))
    facts = [level]
    if authority.get("departement"):
        facts.append(f"{t('departement', lang)} {widgets.md_escape(authority['departement'])}")
    if authority.get("population") and not pd.isna(authority["population"]):
        facts.append(f"{widgets.fmt_int(authority['population'])} {t('inhabitants', lang)}")
    st.caption(" · ".join(facts))
    widgets.provenance_banner(lang, path, version)
    from atlas.ui.pages.exchange import profile_section

    profile_section(chosen, lang)  # its open offers and requests of the Bourse partenariat

    ids = [chosen]
    if authority["level"] in ("region", "departement", "epci"):
        if st.toggle(t("include_members", lang), key="include_members"):
            ids += queries.members(data.handle(path).db, authority)
    filters = Filters(authorities=ids)
    links = data.links(path, version, filters)
    counts = data.counts(path, version, filters)
    widgets.metrics({"links": len(links), **counts}, lang, keys=("links", "partners", "countries", "projects"))
    if links.empty:
        st.warning(t("territory_no_links", lang))
        _see_also(authority, lang, path, version)
        return

    _hit, sel = widgets.flow_map(filters, MapOptions(origin_level="authority", dest_level="authority"), lang,
                                 key="territory_map", height=480)
    exports.export_panel(sel, lang, key="territory", title=authority["name"])
    # Tables take the page's width: their names and kinds are read whole, not cut ("Jumelag…").
    st.subheader(t("partners", lang))
    st.dataframe(_partners_table(links, lang), hide_index=True, width="stretch", height=320,
                 column_config=widgets.sheet_column(lang))
    left, right = st.columns(2)
    with left:
        st.subheader(t("themes", lang))
        chart = _theme_chart(links, lang)
        if chart is not None:
            st.altair_chart(chart, width="stretch")
    with right:
        st.subheader(t("by_sdg", lang))
        st.altair_chart(charts.sdg_bars(data.sdg_projects(path, version, filters), lang), width="stretch")
    st.subheader(t("over_time", lang))
    st.altair_chart(charts.timeline(data.by_year(path, version, filters), lang), width="stretch")

    st.subheader(t("table_projects", lang))
    projects = data.projects(path, version, filters)
    st.dataframe(pd.DataFrame({
        t("col_project", lang): projects["title"], t("col_start", lang): projects["year_start"],
        t("col_end", lang): projects["year_end"], t("col_partners", lang): projects["partners"],
        t("themes", lang): [widgets.theme_labels(v, lang) for v in projects["themes"]],
        t("open_sheet", lang): widgets.sheet_urls("projet", projects["id"]),
    }), hide_index=True, width="stretch", height=300, column_config=widgets.sheet_column(lang))

    st.subheader(t("peers", lang))
    peers = data.peers(path, version, tuple(ids), lang)
    tabs = st.tabs([t("peers_" + kind, lang) for kind in ("partner", "country", "theme")])
    for tab, kind in zip(tabs, ("partner", "country", "theme")):
        df = peers[kind]
        if df.empty:
            tab.caption(t("none", lang))
        else:
            what = df["what"] if kind != "theme" else [widgets.theme_labels(w.split(", "), lang) for w in df["what"]]
            tab.dataframe(pd.DataFrame({t("fr_authorities", lang): df["fr_name"], t("shared", lang): what,
                                        t("n_shared_" + kind, lang): df["n"]}), hide_index=True, width="stretch")
