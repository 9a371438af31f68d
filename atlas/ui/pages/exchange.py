"""Bourse partenariat: offers and requests of partnership by French and foreign authorities, on a
map and in a list, filtered like the rest of the atlas; a post's page shows « Qui d'autre en
France ? » and the posts that answer it. On an editing server, a signed-in contributor publishes
for an authority its account covers and marks its posts matched or closed (atlas.ingest.exchange).

Every text of a post is data: Markdown gets it backslash-escaped (widgets.md_escape), plain text
goes through st.text or the data grid, the map escapes it as HTML (atlas.maps.exchange_map).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from atlas.db import exchange
from atlas.maps.exchange_map import exchange_map, post_features
from atlas.models import (EXCHANGE_KINDS, EXCHANGE_STATUSES, KIND_BY_CODE, LEVEL_LABELS, THEME_BY_CODE, THEMES,
                          ZONE_LABELS_EN, ZONES, Filters)
from atlas.ui import data, widgets
from atlas.ui.i18n import t
from atlas.ui.state import filters_from_params

KIND_LABELS = {c.code: c for c in EXCHANGE_KINDS}
STATUS_LABELS = {c.code: c for c in EXCHANGE_STATUSES}
#: Most characters of a post id read from the URL (ids are about 20).
MAX_ID = 80


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


@st.cache_data(show_spinner=False, max_entries=64)
def _posts(path: str, version: int, filters: Filters, kinds: tuple[str, ...], statuses: tuple[str, ...],
           expired: bool, today: dt.date) -> pd.DataFrame:
    return exchange.posts(data.handle(path).db, filters, kinds=kinds, statuses=statuses, include_expired=expired,
                          today=today)


@st.cache_data(show_spinner=False, max_entries=64)
def _details(path: str, version: int, post_id: str, today: dt.date) -> tuple[dict | None, pd.DataFrame, pd.DataFrame]:
    db = data.handle(path).db
    post = exchange.post(db, post_id, today=today)
    if post is None:
        return None, pd.DataFrame(), pd.DataFrame()
    return post, exchange.matches(db, post_id, today=today), exchange.who_else(db, post_id, top=50, today=today)


@st.cache_data(show_spinner=False, max_entries=8)
def _counts(path: str, version: int, today: dt.date) -> dict[str, int]:
    return exchange.counts(data.handle(path).db, today=today)


@st.cache_data(show_spinner=False, max_entries=8)
def _country_names(path: str, version: int) -> pd.DataFrame:
    return data.handle(path).sql("SELECT iso2, name_fr, name_en FROM countries WHERE iso2 <> 'FR' ORDER BY name_fr")


def _label(code: str, table: dict, lang: str) -> str:
    item = table.get(code)
    return (item.label_fr if lang == "fr" else item.label_en) if item else str(code)


def theme_label(code: str, lang: str) -> str:
    th = THEME_BY_CODE.get(code)
    return (th.label_fr if lang == "fr" else th.label_en) if th else str(code)


def _where(row, names: dict[str, str], lang: str) -> str:  # noqa: ANN001 - a row or a dict
    country = row["country_iso2"]
    if isinstance(country, str) and country:
        return names.get(country, country)
    zone = row["zone"]
    if isinstance(zone, str) and zone:
        return zone if lang == "fr" else ZONE_LABELS_EN.get(zone, zone)
    return ""


def _list_param(name: str, allowed: tuple[str, ...]) -> list[str]:
    raw = str(st.query_params.get(name) or "")[:200]
    return [v for v in (x.strip() for x in raw.split(",")) if v in allowed]


def _sidebar(lang: str, names: dict[str, str]) -> tuple[Filters, tuple[str, ...], tuple[str, ...], bool]:
    """The exchange's filters: the atlas's own (themes, countries, zones, sources, the French author's
    région and département) and the exchange's (kind, status, expired), initialised from the URL."""
    fr = lang == "fr"
    initial = filters_from_params(st.query_params.to_dict())

    def multi(label: str, options: list, current, fmt, key: str) -> list:  # noqa: ANN001
        if key not in st.session_state:
            st.session_state[key] = [v for v in current if v in options]
        return st.multiselect(label, options, format_func=fmt, placeholder=t("all", lang), key=key)

    with st.sidebar:
        st.header(t("filters", lang))
        kinds = multi(t("bx_kind", lang), list(KIND_LABELS), _list_param("kind", tuple(KIND_LABELS)),
                      lambda c: _label(c, KIND_LABELS, lang), "bx_kinds")
        if "bx_statuses" not in st.session_state:
            st.session_state["bx_statuses"] = (_list_param("state", tuple(STATUS_LABELS))
                                               if "state" in st.query_params else ["ouverte"])
        statuses = st.multiselect(t("bx_status", lang), list(STATUS_LABELS), key="bx_statuses",
                                  format_func=lambda c: _label(c, STATUS_LABELS, lang), placeholder=t("all", lang))
        themes = multi(t("themes", lang), [th.code for th in THEMES], initial.themes,
                       lambda c: theme_label(c, lang), "bx_themes")
        countries = multi(t("bx_country", lang), list(names), initial.countries, lambda c: names.get(c, c),
                          "bx_countries")
        zones = multi(t("zones", lang), list(ZONES), initial.zones, lambda z: z if fr else ZONE_LABELS_EN[z],
                      "bx_zones")
        sources = multi(t("sources", lang), ["real", "demo"], initial.sources, lambda o: t(f"origin_{o}", lang),
                        "bx_sources")
        if "bx_expired" not in st.session_state:
            st.session_state["bx_expired"] = st.query_params.get("expired") == "1"
        expired = st.checkbox(t("bx_expired", lang), key="bx_expired")
        # the French author's territory, as on the Explorer
        opts = data.choices(data.db_path(), data.db_version(data.db_path()))
        region_names = dict(zip(opts["regions"]["code"], opts["regions"]["name"]))
        dep_names = dict(zip(opts["departements"]["code"], opts["departements"]["name"]))
        with st.expander(t("more_filters", lang), expanded=bool(initial.regions or initial.departements)):
            regions = multi(t("regions", lang), list(region_names), initial.regions,
                            lambda r: region_names.get(r, r), "bx_regions")
            departements = multi(t("departements", lang), list(dep_names), initial.departements,
                                 lambda d: f"{d} · {dep_names.get(d, d)}", "bx_departements")
    filters = Filters(themes=themes, countries=countries, zones=zones, sources=sources,
                      regions=regions, departements=departements)
    return filters, tuple(kinds), tuple(statuses), bool(expired)


def _list_table(posts: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("bx_col_title", lang): posts["title"],
        t("bx_col_kind", lang): [_label(k, KIND_LABELS, lang) for k in posts["kind"]],
        t("bx_col_author", lang): posts["author_name"],
        t("bx_col_where", lang): [_where(r, names, lang) for _i, r in posts.iterrows()],
        t("themes", lang): [", ".join(theme_label(c, lang) for c in v) for v in posts["themes"]],
        t("bx_col_status", lang): [_label(s, STATUS_LABELS, lang) + (f" ({t('bx_expired_flag', lang)})" if x else "")
                                   for s, x in zip(posts["status"], posts["expired"])],
        t("bx_col_expires", lang): [f"{d:%Y-%m-%d}" for d in pd.to_datetime(posts["expires_on"])],
        t("source_col", lang): posts["source"],
        t("bx_col_open", lang): [f"/bourse?post={quote(str(i), safe='')}" for i in posts["id"]],
    })


def _squeezed(text: str) -> str:
    return "".join(str(text).split())


def _clicked_post(out: dict | None, feats: list[dict]) -> str | None:
    """The post whose marker was clicked. st_folium gives the click's position and the clicked
    layer's tooltip as text: the marker is the nearest one whose tooltip reads the same (a click on
    a country, whose tooltip is its name, opens nothing)."""
    import html as html_lib

    out = out or {}
    click, tooltip = out.get("last_object_clicked"), out.get("last_object_clicked_tooltip")
    if not click or not tooltip or not feats:
        return None
    said = _squeezed(tooltip)
    same = [f for f in feats
            if _squeezed(html_lib.unescape(f["properties"]["tip"].replace("<br>", " "))) == said]
    if not same:
        return None
    lat, lng = float(click.get("lat", 0)), float(click.get("lng", 0))
    best = min(same, key=lambda f: (f["geometry"]["coordinates"][0] - lng) ** 2
               + (f["geometry"]["coordinates"][1] - lat) ** 2)
    return best["properties"]["post"]


def render() -> None:
    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    version = data.db_version(path)
    today = _today()
    st.title(t("exchange", lang))
    st.caption(t("bx_intro", lang))
    countries = _country_names(path, version)
    names = dict(zip(countries["iso2"], countries["name_fr" if lang == "fr" else "name_en"]))

    # a post chosen by a map click or just published: set before the chooser exists in this run
    pending = st.session_state.pop("bx_pending_post", None)
    if pending:
        st.session_state["bx_post"] = pending
    elif "bx_post" not in st.session_state and st.query_params.get("post"):
        st.session_state["bx_post"] = str(st.query_params.get("post"))[:MAX_ID]

    filters, kinds, statuses, expired = _sidebar(lang, names)
    posts = _posts(path, version, filters, kinds, statuses, expired, today)
    counts = _counts(path, version, today)
    st.caption(t("bx_counts", lang).format(offers=widgets.fmt_int(counts["offers"]),
                                           requests=widgets.fmt_int(counts["requests"]),
                                           shown=widgets.fmt_int(len(posts))))
    if (posts["origin"] == "demo").any():
        st.info(t("bx_demo", lang), icon="ℹ️")

    selected = st.session_state.get("bx_post")
    feats = post_features(posts, lang, lambda c: theme_label(c, lang), lambda c: names.get(c, c), selected)
    m = exchange_map(posts, lang, lambda c: theme_label(c, lang), lambda c: names.get(c, c), selected)
    out = st_folium(m, height=460, use_container_width=True, key="bourse_map",
                    returned_objects=["last_object_clicked", "last_object_clicked_tooltip"])
    # st_folium repeats the last click on every run: act on a new one only
    click = (out or {}).get("last_object_clicked")
    mark = (round(float(click["lat"]), 6), round(float(click["lng"]), 6)) if click else None
    if mark and mark != st.session_state.get("bx_map_last"):
        st.session_state["bx_map_last"] = mark
        clicked = _clicked_post(out, feats)
        if clicked and clicked != selected:
            st.session_state["bx_pending_post"] = clicked
            st.rerun()

    st.subheader(t("bx_list", lang))
    if posts.empty:
        st.warning(t("bx_none", lang))
    else:
        st.dataframe(_list_table(posts, names, lang), hide_index=True, width="stretch", height=300,
                     column_config={t("bx_col_open", lang): st.column_config.LinkColumn(
                         display_text=t("bx_col_open", lang) + " ↗", width="small")})
    options = list(posts["id"])
    titles = dict(zip(posts["id"], posts["title"]))
    authors = dict(zip(posts["id"], posts["author_name"]))
    chosen = st.session_state.get("bx_post")
    if chosen and chosen not in titles:
        one = _details(path, version, chosen, today)[0]
        if one is not None:
            options.insert(0, chosen)
            titles[chosen], authors[chosen] = one["title"], one["author_name"]
    if chosen and chosen not in options:
        st.session_state["bx_post"] = None
        st.error(t("bx_unknown", lang))
    default = {} if "bx_post" in st.session_state else {"index": None}
    post_id = st.selectbox(t("bx_choose", lang), options, key="bx_post", placeholder=t("bx_choose_placeholder", lang),
                           format_func=lambda i: f"{titles.get(i, i)} — {authors.get(i, '')}", **default)
    extra = {}
    if kinds:
        extra["kind"] = ",".join(kinds)
    if statuses != ("ouverte",):  # the default: open posts
        extra["state"] = ",".join(statuses) or "all"
    if expired:
        extra["expired"] = "1"
    if post_id:
        extra["post"] = post_id
    widgets.sync_url(filters, extra)
    published = st.session_state.pop("bx_just_published", None)
    if published:
        st.success(t("bx_published", lang).format(id=published))
    if post_id:
        _show(post_id, lang, path, version, today, names)
    from atlas.ui.exchange_edit import publishing

    publishing(lang, path, names, post_id)


def _show(post_id: str, lang: str, path: str, version: int, today: dt.date, names: dict[str, str]) -> None:
    post, matches, who = _details(path, version, post_id, today)
    if post is None:
        st.error(t("bx_unknown", lang))
        return
    st.divider()
    st.subheader(widgets.md_escape(post["title"]))
    where = _where(post, names, lang)
    facts = [_label(post["kind"], KIND_LABELS, lang),
             _label(post["status"], STATUS_LABELS, lang) + (f" ({t('bx_expired_flag', lang)})" if post["expired"] else ""),
             f"{t('bx_by', lang)} {post['author_name']}", where]
    if isinstance(post["area"], str) and post["area"]:
        facts.append(post["area"])
    if isinstance(post["action_kind"], str) and post["action_kind"] in KIND_BY_CODE:
        facts.append(_label(post["action_kind"], KIND_BY_CODE, lang))
    st.markdown(" · ".join(widgets.md_escape(f) for f in facts if f))
    if post["author_is_french"]:
        st.page_link(_profile_page(lang), label=widgets.md_escape(post["author_name"]) + " ↗", query_params={"id": post["authority_id"]})
    st.caption(widgets.md_escape(t("themes", lang) + " : " + ", ".join(theme_label(c, lang) for c in post["themes"])))
    if isinstance(post["description"], str) and post["description"]:
        st.text(post["description"])
    if isinstance(post["contact"], str) and post["contact"]:
        st.text(f"{t('bx_contact', lang)} : {post['contact']}")
    st.caption(widgets.md_escape(t("bx_dates", lang).format(published=f"{pd.Timestamp(post['published_at']):%Y-%m-%d}",
                                                           expires=f"{pd.Timestamp(post['expires_on']):%Y-%m-%d}")
                                 + " · " + t("source_col", lang) + " : " + str(post["source"])))
    if post["origin"] == "demo":
        st.warning(t("sheet_demo", lang))

    left, right = st.columns(2)
    with left:
        st.subheader(t("bx_matches", lang))
        if matches.empty:
            st.caption(t("bx_matches_none", lang))
        else:
            st.caption(t("bx_matches_hint", lang).format(n=len(matches)))
            for row in matches.head(20).itertuples(index=False):
                line = (f"**[{widgets.md_escape(row.title)}](/bourse?post={quote(str(row.id), safe='')})**  \n"
                        + widgets.md_escape(f"{_label(row.kind, KIND_LABELS, lang)} · {t('bx_by', lang)} "
                                            f"{row.author_name} · {_where(row._asdict(), names, lang)} · "
                                            f"{t('bx_shared', lang)} : "
                                            + ", ".join(theme_label(c, lang) for c in row.shared_themes)))
                st.markdown(line)
    with right:
        st.subheader(t("bx_who_else", lang))
        if who.empty:
            st.caption(t("bx_who_else_none", lang))
        else:
            st.caption(widgets.md_escape(t("bx_who_else_hint", lang).format(where=where, n=len(who))))
            st.dataframe(pd.DataFrame({
                t("fr_authorities", lang): who["fr_name"],
                t("levels", lang): [LEVEL_LABELS.get(v, (v, v))[0 if lang == "fr" else 1] for v in who["fr_level"]],
                t("bx_col_projects", lang): who["n_projects"],
                t("bx_col_partners", lang): who["partners"],
                t("themes", lang): [", ".join(theme_label(c, lang) for c in v) for v in who["themes"]],
                t("bx_col_profile", lang): [f"/collectivite?id={quote(str(i), safe='')}" for i in who["fr_id"]],
            }), hide_index=True, width="stretch", height=min(320, 35 * (len(who) + 1) + 3), column_config={
                t("bx_col_profile", lang): st.column_config.LinkColumn(display_text=t("bx_col_profile", lang) + " ↗",
                                                                      width="small")})


def _profile_page(lang: str):  # noqa: ANN202 - an st.Page
    from atlas.ui import nav

    return nav.page("collectivite", lang)


def profile_section(authority_id: str, lang: str) -> None:
    """On a profile (Ma collectivité): the authority's open offers and requests, each a link to its
    page in the Bourse partenariat; nothing when it has none."""
    from atlas.ui import nav

    path = data.db_path()
    version = data.db_version(path)
    today = _today()
    posts = _posts(path, version, Filters(authorities=(authority_id,)), (), ("ouverte",), False, today)
    if posts.empty:
        return
    st.subheader(t("bx_profile", lang))
    names = _country_names(path, version)
    names = dict(zip(names["iso2"], names["name_fr" if lang == "fr" else "name_en"]))
    for row in posts.head(20).itertuples(index=False):
        st.markdown(f"[{widgets.md_escape(row.title)}](/bourse?post={quote(str(row.id), safe='')})  \n"
                    + widgets.md_escape(f"{_label(row.kind, KIND_LABELS, lang)} · {_where(row._asdict(), names, lang)}"
                                        f" · {t('bx_col_expires', lang)} {pd.Timestamp(row.expires_on):%Y-%m-%d}"))
    st.page_link(nav.page("bourse", lang), label=t("bx_profile_link", lang), icon=":material/swap_horiz:")
