"""Page config, language switch and navigation."""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from atlas import config
from atlas.maps.assets import ensure_static_files
from atlas.ui import data
from atlas.ui.i18n import t
from atlas.ui.pages import country, data_quality, explorer, presentation, territory

#: The pages of the running app by URL path, for links between pages (st.page_link).
PAGES: dict[str, Any] = {}


def main() -> None:
    # An emoji favicon is drawn as an inline SVG (data: URL); without one, Streamlit uses the
    # current st.Page icon, and a :material/…: icon is fetched from fonts.gstatic.com.
    st.set_page_config(page_title="Atlas AECT", page_icon="🌍", layout="wide")
    ensure_static_files()
    if "lang" not in st.session_state:
        st.session_state["lang"] = st.query_params.get("lang", config.get("lang"))
    with st.sidebar:
        st.radio(t("language", st.session_state["lang"]), ["fr", "en"], key="lang", horizontal=True,
                 format_func=lambda code: {"fr": "Français", "en": "English"}[code])
    lang = st.session_state["lang"]
    if not os.path.exists(data.db_path()):
        st.error(t("no_db", lang))
        st.stop()
    pages = [
        st.Page(explorer.render, title=t("explorer", lang), icon=":material/map:", url_path="explorer", default=True),
        st.Page(territory.render, title=t("territory", lang), icon=":material/account_balance:", url_path="collectivite"),
        st.Page(country.render, title=t("country_page", lang), icon=":material/flag:", url_path="pays"),
        st.Page(presentation.render, title=t("presentation", lang), icon=":material/slideshow:",
                url_path="presentation"),
    ]
    # Editing mode only (`atlas serve --edit` or ATLAS_EDIT=1): the default app cannot change data.
    if config.flag("edit"):
        pages.append(st.Page(data_quality.render, title=t("data_quality", lang), icon=":material/upload_file:",
                             url_path="import"))
    PAGES.clear()
    PAGES.update(zip(["explorer", "collectivite", "pays", "presentation", "import"], pages))
    st.navigation(pages).run()
