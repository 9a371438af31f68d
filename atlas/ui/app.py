"""Page config, language switch and navigation."""

from __future__ import annotations

import os

import streamlit as st

from atlas import config
from atlas.ui import data, locale, nav
from atlas.ui.i18n import t


def main() -> None:
    # An emoji favicon is drawn as an inline SVG (data: URL); without one, Streamlit uses the
    # current st.Page icon, and a :material/…: icon is fetched from fonts.gstatic.com.
    st.set_page_config(page_title="Atlas AECT", page_icon="🌍", layout="wide")
    if "lang" not in st.session_state:
        st.session_state["lang"] = st.query_params.get("lang", config.get("lang"))
    with st.sidebar:
        st.radio(t("language", st.session_state["lang"]), ["fr", "en"], key="lang", horizontal=True,
                 format_func=lambda code: {"fr": "Français", "en": "English"}[code])
        # Streamlit's own words (widgets, aria labels) in the page's language: atlas.ui.locale.
        locale.install(st.session_state["lang"])
    lang = st.session_state["lang"]
    if not os.path.exists(data.db_path()):
        st.error(t("no_db", lang))
        st.stop()
    # Editing mode only (`atlas serve --edit` or ATLAS_EDIT=1): the default app cannot change data.
    st.navigation(nav.pages(lang, edit=config.flag("edit"))).run()
