"""Pays partenaire: which French authorities work in a country, by région and theme, over time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas.models import THEME_BY_CODE, Filters
from atlas.selection import MapOptions
from atlas.ui import charts, data, exports, widgets
from atlas.ui.i18n import t


def render() -> None:
    lang = st.session_state.get("lang", "fr")
    fr = lang == "fr"
    path = data.db_path()
    version = data.db_version(path)
    st.title(t("country_page", lang))
    countries = data.choices(path, version)["countries"]
    names = dict(zip(countries["iso2"], countries["name_fr" if fr else "name_en"]))
    sizes = dict(zip(countries["iso2"], countries["n"]))
    options = sorted(names, key=lambda c: names[c])
    current = st.query_params.get("country")
    iso2 = st.selectbox(t("country_select", lang), options, index=options.index(current) if current in names else None,
                        format_func=lambda c: f"{names[c]} ({widgets.fmt_int(sizes[c])})",
                        placeholder=t("country_placeholder", lang), key="country_select")
    if not iso2:
        st.info(t("country_hint", lang))
        return
    widgets.sync_url(Filters(), {"country": iso2})
    widgets.provenance_banner(lang, path, version)
    filters = Filters(countries=[iso2])
    links = data.links(path, version, filters)
    counts = data.counts(path, version, filters)
    widgets.metrics({"links": len(links), **counts}, lang, keys=("links", "fr_authorities", "partners", "projects"))
    if links.empty:
        st.warning(t("no_links", lang))
        return
    _hit, sel = widgets.flow_map(filters, MapOptions(), lang, key="country_map", height=480)
    exports.export_panel(sel, lang, key="country", title=names[iso2])

    regions = data.choices(path, version)["regions"]
    region_names = dict(zip(regions["code"], regions["name"]))
    left, right = st.columns(2)
    with left:
        st.subheader(t("by_region", lang))
        per_region = (links.assign(region=links["fr_region"].map(region_names))
                      .groupby("region")["fr_id"].nunique().rename("n").reset_index()
                      .sort_values("n", ascending=False))
        st.altair_chart(charts.bar_counts(per_region, "region", "n", t("fr_authorities", lang)),
                        width="stretch")
    with right:
        st.subheader(t("themes", lang))
        exploded = links[["fr_id", "themes"]].explode("themes").dropna()
        per_theme = exploded.groupby("themes")["fr_id"].nunique().rename("n").reset_index()
        per_theme["theme"] = [THEME_BY_CODE[c].label_fr if fr else THEME_BY_CODE[c].label_en
                              for c in per_theme["themes"]]
        if len(per_theme):
            st.altair_chart(charts.bar_counts(per_theme.sort_values("n", ascending=False), "theme", "n",
                                              t("fr_authorities", lang), colour="#0f766e"),
                            width="stretch")
    st.subheader(t("over_time", lang))
    st.altair_chart(charts.timeline(data.by_year(path, version, filters), lang), width="stretch")

    st.subheader(t("fr_authorities", lang))
    table = (links.groupby(["fr_id", "fr_name", "fr_level", "fr_departement"], dropna=False)
             .agg(partners=("partner_name", lambda s: ", ".join(sorted(set(s)))),
                  projects=("n_projects", "sum"), since=("first_year", "min"))
             .reset_index().sort_values("projects", ascending=False))
    st.dataframe(pd.DataFrame({
        t("fr_authorities", lang): table["fr_name"], t("departement", lang): table["fr_departement"].fillna(""),
        t("col_partners", lang): table["partners"], t("projects", lang): table["projects"],
        t("since", lang): table["since"],
    }), hide_index=True, width="stretch", height=400)
