"""The pages of the app, as one static table: navigation (atlas.ui.app) and links between pages
(st.page_link) build their st.Page objects from it, so no page imports the app module."""

from __future__ import annotations

import importlib

import streamlit as st

from atlas.ui.i18n import t

#: url path → (module of the page, i18n key of its title, icon, editing mode only)
PAGES: dict[str, tuple[str, str, str, bool]] = {
    "explorer": ("atlas.ui.pages.explorer", "explorer", ":material/map:", False),
    "collectivite": ("atlas.ui.pages.territory", "territory", ":material/account_balance:", False),
    "pays": ("atlas.ui.pages.country", "country_page", ":material/flag:", False),
    "observatoire": ("atlas.ui.pages.observatory", "observatory", ":material/groups:", False),
    "presentation": ("atlas.ui.pages.presentation", "presentation", ":material/slideshow:", False),
    "bourse": ("atlas.ui.pages.exchange", "exchange", ":material/swap_horiz:", False),
    "import": ("atlas.ui.pages.data_quality", "data_quality", ":material/upload_file:", True),
    "declarer": ("atlas.ui.pages.declare", "declare", ":material/edit_note:", True),
    "projet": ("atlas.ui.pages.project", "sheet_project", ":material/description:", False),
    "partenariat": ("atlas.ui.pages.partnership", "sheet_partnership", ":material/handshake:", False),
}
DEFAULT = "explorer"
#: Pages reached by links (a sheet needs its ?id=…), not listed in the navigation.
HIDDEN = frozenset({"projet", "partenariat"})


def _render(module: str):
    """The page's render function, its module imported when the page is first shown: a new server
    does not import every page (folium, altair, matplotlib…) before drawing the first one."""
    def render() -> None:
        importlib.import_module(module).render()

    render.__name__ = render.__qualname__ = module.rsplit(".", 1)[-1]
    return render


def page(url_path: str, lang: str) -> st.Page:
    """The st.Page of ``url_path`` (Streamlit matches pages by their URL path)."""
    module, title, icon, _edit = PAGES[url_path]
    return st.Page(_render(module), title=t(title, lang), icon=icon, url_path=url_path, default=url_path == DEFAULT,
                   visibility="hidden" if url_path in HIDDEN else "visible")


def pages(lang: str, edit: bool) -> list[st.Page]:
    """The pages of the navigation; editing pages only in editing mode."""
    return [page(url, lang) for url, spec in PAGES.items() if edit or not spec[3]]
