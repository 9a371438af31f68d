"""Issue 10 (fast everywhere): the Explorer makes only the content of its open tab (the national
links table alone is 2.3 MB a page), and a new server imports a page's module only when the page
is shown. The figures stay the same: the key figures on every tab, the whole table when its tab
opens, the charts when theirs does."""

from __future__ import annotations

import subprocess
import sys

from streamlit.testing.v1 import AppTest

from atlas.models import Filters
from tests.ui.apptest_helpers import metric_value as _metric

TIMEOUT = 120
EXPLORER = """
import streamlit as st
from atlas.ui.pages import explorer
st.session_state.setdefault("lang", "fr")
explorer.render()
"""


def _charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def test_explorer_makes_only_the_open_tab(db_env, atlas_handle):
    expected = len(atlas_handle.links_frame(Filters()))
    at = AppTest.from_string(EXPLORER, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["explorer_tab"] == "Carte"
    assert _metric(at, "Liens") == expected
    assert len(at.dataframe) == 0 and len(_charts(at)) == 0  # neither table nor charts sent with the map
    # the table's own widgets stay (their values travel in the URL whatever the tab)
    assert at.radio(key="table_kind").value == "links" and at.text_input(key="table_search").value == ""

    at.session_state["explorer_tab"] = "Tableau"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert _metric(at, "Liens") == expected
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == expected
    shown = [c.value for c in at.caption if "affichée" in c.value]  # "9 529 lignes affichées sur 9 529"
    assert shown and "".join(ch for ch in shown[0].split("sur")[-1] if ch.isdigit()) == str(expected), shown
    assert len(_charts(at)) == 0

    at.session_state["explorer_tab"] = "Graphiques"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert _metric(at, "Liens") == expected
    assert len(_charts(at)) >= 3 and len(at.dataframe) == 0


def test_navigation_imports_a_page_only_when_shown():
    code = """
import sys
from atlas.ui import nav
pages = nav.pages("fr", edit=True)
assert len(pages) == len(nav.PAGES), pages
loaded = sorted(m for m in sys.modules if m.startswith("atlas.ui.pages."))
assert loaded == [], loaded
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
