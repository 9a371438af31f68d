"""Observatoire (regional networks, RRMA): the international actors of a région or a département.

``/observatoire?region=76`` or ``?departement=31`` (``&year=2024``, ``&sources=demo``): key figures
(with the change from the year before when a year is chosen), actors by type and sector, countries
and SDGs, a map of the actors' seats and their flows abroad, the authorities' ties beside the
actors', supports, the year-on-year comparison, the tables of actors and projects, and the exports
(XLSX workbook, one-page print sheet). Figures: atlas.db.observatory; map and files: atlas.maps.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from atlas.db import observatory as obsdb
from atlas.maps.export import slug
from atlas.maps.observatory import TYPE_COLOURS, actors_map, sector_labels, type_label, write_xlsx
from atlas.maps.observatory_print import write_observatory_page
from atlas.models import SDG_BY_NUMBER, ZONE_LABELS_EN, Filters
from atlas.ui import charts, data, widgets
from atlas.ui.i18n import t

#: Key figures shown as metrics, three rows of four (the others are in "Tous les chiffres").
SHOWN = (("actors", "types", "sectors", "countries"),
         ("zones", "sdgs", "supported_actors", "support_amount_eur"),
         ("supporting_authorities", "projects", "authorities", "authority_countries"))
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_YEAR = 2000


@st.cache_data(show_spinner=False)
def _territories(path: str, version: int) -> pd.DataFrame:
    return obsdb.territories(data.handle(path).db)


@st.cache_data(show_spinner=False, max_entries=32)
def _observatory(path: str, version: int, territory: str, year: int | None, sources: tuple[str, ...],
                 lang: str) -> obsdb.Observatory:
    return obsdb.observatory(data.handle(path).db, territory, year=year, sources=sources, lang=lang)


@st.cache_data(show_spinner=False, max_entries=16)
def _file(path: str, version: int, territory: str, year: int | None, sources: tuple[str, ...], lang: str,
          fmt: str) -> bytes:
    obs = _observatory(path, version, territory, year, sources, lang)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"observatoire.{fmt}"
        if fmt == "xlsx":
            write_xlsx(obs, out, lang)
        else:
            write_observatory_page(obs, out, lang)
        return out.read_bytes()


def _from_url(ids: set[str]) -> tuple[str | None, int | None, tuple[str, ...]]:
    """Territory, year and sources of the URL; a value the page does not offer is ignored."""
    qp = st.query_params
    territory = None
    for level in ("region", "departement"):
        code = qp.get(level)
        if code and f"{level}:{code}" in ids:
            territory = f"{level}:{code}"
            break
    year = None
    raw = qp.get("year", "")
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= 2026:
        year = int(raw)
    sources = tuple(s for s in qp.get("sources", "").split(",") if s in ("real", "demo"))
    return territory, year, sources


def _fmt(value: float, amount: bool = False, lang: str = "fr") -> str:
    """A count (12 345), or an amount in euros made short for a metric (8,03 M€, 803 k€, 300 €)."""
    if not amount:
        return widgets.fmt_int(round(value))
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1_000_000:
        text = f"{value / 1_000_000:.2f} M€"
    elif value >= 10_000:
        text = f"{value / 1_000:.0f} k€"
    else:
        return sign + widgets.fmt_int(round(value)) + " €"
    return sign + (text.replace(".", ",") if lang == "fr" else text)


def _metrics(obs: obsdb.Observatory, lang: str) -> None:
    changes = dict(zip(obs.comparison["figure"], obs.comparison["change"])) if obs.comparison is not None else {}
    for row in SHOWN:
        for col, key in zip(st.columns(len(row)), row):
            change = changes.get(key)
            amount = key == "support_amount_eur"
            delta = None if change is None else (("+" if change > 0 else "") + _fmt(change, amount, lang))
            col.metric(obs.figure_label(key), _fmt(obs.figures[key], amount, lang), delta=delta,
                       delta_color="normal" if change else "off")
    if obs.comparison is not None:
        st.caption(t("obs_delta_hint", lang).format(y=obs.year - 1))


def _charts(obs: obsdb.Observatory, lang: str) -> None:
    tb = obs.tables
    left, right = st.columns(2)
    with left:
        st.subheader(t("obs_by_type", lang))
        df = tb["by_type"].assign(colour=[TYPE_COLOURS.get(c, "#9ca3af") for c in tb["by_type"]["type"]])
        if len(df):
            st.altair_chart(charts.bar_counts(df, "label", "actors", t("obs_actors", lang), colour_field="colour"),
                            width="stretch")
    with right:
        st.subheader(t("obs_by_sector", lang))
        if len(tb["by_sector"]):
            st.altair_chart(charts.bar_counts(tb["by_sector"], "label", "actors", t("obs_actors", lang),
                                              colour="#0f766e"), width="stretch")
    left, right = st.columns(2)
    with left:
        st.subheader(t("obs_countries", lang))
        top = tb["by_country"].head(15)
        if len(top):
            long = pd.concat([
                pd.DataFrame({"pays": top["name"], "qui": t("obs_actors", lang), "n": top["actors"]}),
                pd.DataFrame({"pays": top["name"], "qui": t("obs_authorities", lang), "n": top["authorities"]})])
            chart = (alt.Chart(long).mark_bar()
                     .encode(y=alt.Y("pays:N", sort=list(top["name"]), title=None,
                                     axis=alt.Axis(labelLimit=240, labelOverlap=False)),
                             x=alt.X("n:Q", title=None), yOffset="qui:N",
                             color=alt.Color("qui:N", title=None, scale=alt.Scale(range=["#b45309", "#1d4ed8"]),
                                             legend=alt.Legend(orient="bottom")),
                             tooltip=["pays:N", "qui:N", "n:Q"])
                     .properties(height=max(160, 30 * len(top))))
            st.altair_chart(chart, width="stretch")
    with right:
        st.subheader(t("obs_sdgs", lang))
        per = dict(zip(tb["by_sdg"]["sdg"], tb["by_sdg"]["actors"]))
        fr = lang == "fr"
        sdg = pd.DataFrame([{"sdg": n, "label": f"{n} · {s.name_fr if fr else s.name_en}", "colour": s.colour,
                             "actors": int(per.get(n, 0))} for n, s in SDG_BY_NUMBER.items()])
        st.altair_chart(alt.Chart(sdg).mark_bar()
                        .encode(x=alt.X("actors:Q", title=t("obs_actors", lang)),
                                y=alt.Y("label:N", sort=alt.SortField("sdg"), title=None,
                                        axis=alt.Axis(labelLimit=320, labelOverlap=False)),
                                color=alt.Color("colour:N", scale=None), tooltip=["label:N", "actors:Q"])
                        .properties(height=17 * 22), width="stretch")


def _zones(zones: pd.Series, lang: str) -> list:
    """Zone names (French codes) in the page's language."""
    return [z if lang == "fr" or not isinstance(z, str) else ZONE_LABELS_EN.get(z, z) for z in zones]


def _ties(obs: obsdb.Observatory, lang: str) -> None:
    """The authorities' ties beside the actors', by country and by zone."""
    st.subheader(t("obs_ties", lang))
    st.caption(t("obs_ties_hint", lang))
    tb = obs.tables["by_country"]
    st.dataframe(pd.DataFrame({
        t("obs_col_country", lang): tb["name"], t("obs_col_zone", lang): _zones(tb["zone"], lang),
        t("obs_col_actors", lang): tb["actors"], t("obs_col_authorities", lang): tb["authorities"],
        t("obs_col_ties", lang): tb["authority_ties"],
    }), hide_index=True, width="stretch", height=300)
    z = obs.tables["by_zone"]
    st.dataframe(pd.DataFrame({
        t("obs_col_zone", lang): _zones(z["zone"], lang), t("obs_col_actors", lang): z["actors"],
        t("obs_col_countries_actors", lang): z["countries"], t("obs_col_authorities", lang): z["authorities"],
        t("obs_col_countries_authorities", lang): z["authority_countries"],
    }), hide_index=True, width="stretch")


def _supports(obs: obsdb.Observatory, lang: str) -> None:
    st.subheader(t("obs_supports", lang))
    left, right = st.columns([2, 3])
    k = obs.tables["supports_by_kind"]
    left.dataframe(pd.DataFrame({
        t("obs_col_kind", lang): k["label"], t("obs_col_supports", lang): k["supports"],
        t("obs_col_actors", lang): k["actors"], t("obs_col_amount", lang): k["amount_eur"].round(0),
    }), hide_index=True, width="stretch")
    s = obs.tables["supporters"]
    right.dataframe(pd.DataFrame({
        t("obs_col_authority", lang): s["name"], t("obs_col_supports", lang): s["supports"],
        t("obs_col_actors", lang): s["actors"], t("obs_col_amount", lang): s["amount_eur"].round(0),
    }), hide_index=True, width="stretch", height=240)


def _comparison(obs: obsdb.Observatory, lang: str) -> None:
    st.subheader(t("obs_compare", lang))
    if obs.comparison is None:
        st.caption(t("obs_compare_hint", lang))
        return
    c = obs.comparison
    st.dataframe(pd.DataFrame({
        t("obs_col_figure", lang): c["label"], str(obs.year - 1): c["previous"].round(0).astype("int64"),
        str(obs.year): c["current"].round(0).astype("int64"), t("obs_col_change", lang): c["change"].round(0)
        .astype("int64"),
    }), hide_index=True, width="stretch")


def _tables(obs: obsdb.Observatory, lang: str) -> None:
    a = obs.tables["actors"]
    st.subheader(t("obs_actor_table", lang))
    st.dataframe(pd.DataFrame({
        t("obs_col_name", lang): a["name"], t("obs_col_type", lang): [type_label(c, lang) for c in a["type"]],
        t("obs_col_commune", lang): a["commune_name"], t("departement", lang): a["departement"],
        t("obs_col_sectors", lang): [sector_labels(v, lang) for v in a["sectors"]],
        t("obs_col_countries", lang): [", ".join(v) for v in a["countries"]],
        t("obs_col_sdgs", lang): [", ".join(str(x) for x in v) for v in a["sdgs"]],
        t("since", lang): a["since"], t("obs_col_until", lang): a["until"],
        t("obs_col_supports", lang): a["supports"], t("obs_col_amount", lang): a["support_amount_eur"].round(0),
        t("projects", lang): a["projects"], t("source_col", lang): a["source"],
    }), hide_index=True, width="stretch", height=360)
    p = obs.tables["projects"]
    st.subheader(t("obs_projects", lang))
    st.dataframe(pd.DataFrame({
        t("col_project", lang): p["title"], t("col_start", lang): p["year_start"], t("col_end", lang): p["year_end"],
        t("obs_col_actors", lang): p["actors"], t("open_sheet", lang): widgets.sheet_urls("projet", p["project_id"]),
    }), hide_index=True, width="stretch", height=260, column_config=widgets.sheet_column(lang))


def _request_pdf(spec: tuple) -> None:
    st.session_state["obs_pdf_request"] = spec


def _exports(obs: obsdb.Observatory, lang: str, path: str, version: int) -> None:
    spec = (obs.territory.id, obs.year, obs.sources, lang)
    stem = slug(f"observatoire-{obs.territory.name}" + (f"-{obs.year}" if obs.year else ""))
    st.subheader(t("obs_exports", lang))
    c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
    c1.download_button(t("obs_download_xlsx", lang), _file(path, version, *spec, "xlsx"), file_name=f"{stem}.xlsx",
                       mime=XLSX_MIME, key="obs_xlsx", icon=":material/table:")
    c2.button(t("obs_prepare_pdf", lang), key="obs_pdf_go", on_click=_request_pdf, args=(spec,))
    if st.session_state.get("obs_pdf_request") == spec:
        with c3, st.spinner(t("preparing", lang)):
            content = _file(path, version, *spec, "pdf")
        c3.download_button(t("obs_download_pdf", lang), content, file_name=f"{stem}.pdf", mime="application/pdf",
                           key="obs_pdf_dl", icon=":material/print:")


def render() -> None:
    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    version = data.db_version(path)
    st.title(t("observatory", lang))
    st.caption(t("obs_intro", lang))
    terr = _territories(path, version)
    names = {r.id: (f"{r.name} ({t('obs_region', lang)})" if r.level == "region" else f"{r.code} · {r.name}")
             for r in terr.itertuples()}
    options = list(names)
    current, url_year, url_sources = _from_url(set(options))
    c1, c2, c3 = st.columns([3, 2, 2])
    chosen = c1.selectbox(t("obs_territory", lang), options, index=options.index(current) if current else None,
                          format_func=lambda i: names[i], placeholder=t("obs_territory_placeholder", lang),
                          key="obs_territory")
    years = [0] + list(range(2026, FIRST_YEAR - 1, -1))
    year = c2.selectbox(t("obs_year", lang), years, index=years.index(url_year) if url_year else 0,
                        format_func=lambda y: t("obs_all_years", lang) if y == 0 else str(y), key="obs_year")
    sources = c3.multiselect(t("sources", lang), ["real", "demo"], default=list(url_sources),
                             format_func=lambda o: t(f"origin_{o}", lang), placeholder=t("all", lang),
                             key="obs_sources")
    if not chosen:
        st.info(t("obs_hint", lang))
        return
    level, code = chosen.split(":")
    extra = {level: code}
    if year:
        extra["year"] = str(year)
    widgets.sync_url(Filters(sources=tuple(sources)), extra)
    obs = _observatory(path, version, chosen, year or None, tuple(sources), lang)

    st.header(widgets.md_escape(obs.territory.name))
    widgets.provenance_banner(lang, path, version)
    if obs.is_demo:
        origins = obs.tables["actors"]["origin"]
        n_demo = int((origins == "demo").sum())
        text = t("obs_demo", lang) if n_demo == len(origins) else t("obs_demo_part", lang).format(
            n=widgets.fmt_int(n_demo), total=widgets.fmt_int(len(origins)))
        st.warning(text, icon=":material/science:")
    _metrics(obs, lang)
    with st.expander(t("obs_all_figures", lang)):
        st.dataframe(pd.DataFrame({t("obs_col_figure", lang): [obs.figure_label(k) for k in obs.figures],
                                   t("obs_col_value", lang): list(obs.figures.values())}),
                     hide_index=True, width="stretch")
    if obs.figures["actors"] == 0:
        st.warning(t("obs_no_actor", lang))
        return
    st.subheader(t("obs_map", lang))
    st.caption(t("obs_map_caption", lang).format(n=widgets.fmt_int(len(obs.tables["actors"])),
                                                 c=widgets.fmt_int(obs.figures["countries"])))
    st_folium(actors_map(obs, lang), height=520, use_container_width=True, returned_objects=[], key="obs_map")
    _charts(obs, lang)
    _ties(obs, lang)
    _supports(obs, lang)
    _comparison(obs, lang)
    _tables(obs, lang)
    _exports(obs, lang, path, version)
