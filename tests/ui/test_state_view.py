"""The whole view in the URL: levels, colour, width, tab and table kind are read back when a page
opens and written when a widget changes; values the app does not offer are ignored."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from atlas.models import COLOUR_BY, MAGNITUDES
from atlas.selection import MapOptions
from atlas.ui.state import (DEST_CHOICES, ORIGIN_CHOICES, TABLE_KINDS, TABS, VIEW_PARAMS, page_params,
                            params_from_view, view_from_params)

TIMEOUT = 120
EXPLORER = """
import streamlit as st
from atlas.ui.pages import explorer
st.session_state.setdefault("lang", "fr")
explorer.render()
"""


def test_view_params_round_trip_every_choice():
    for name, (field, allowed) in VIEW_PARAMS.items():
        for value in allowed:
            params = params_from_view({field: value})
            # the default is left out of the URL; any other value is written and read back
            assert params == ({} if value == allowed[0] else {name: value})
            assert view_from_params(params).get(field, allowed[0]) == value


def test_view_defaults_are_map_options_defaults():
    defaults = MapOptions()
    for field, allowed in VIEW_PARAMS.values():
        assert getattr(defaults, field) == allowed[0]
    assert set(VIEW_PARAMS["colour"][1]) == set(COLOUR_BY) and set(VIEW_PARAMS["width"][1]) == set(MAGNITUDES)


@pytest.mark.parametrize("value", ["REGION", "région", "region ", "x" * 10_000, "", "auto,region", "<b>zone</b>"])
def test_values_not_offered_are_ignored(value):
    params = {"origin": value, "dest": value, "colour": value, "width": value, "tab": value, "table": value}
    view = view_from_params(params)
    for field, (_name, allowed) in zip(("origin_level", "dest_level", "colour_by", "magnitude"), VIEW_PARAMS.values()):
        assert view.get(field, allowed[0]) in allowed
    assert value.strip() in ORIGIN_CHOICES or "origin_level" not in view
    assert all(v in TABS or v in TABLE_KINDS for v in page_params(params).values())


def test_page_params():
    assert page_params({"tab": "table", "table": "projects"}) == {"tab": "table", "table": "projects"}
    assert page_params({"tab": "Tableau", "table": "Projets"}) == {}  # labels are not codes
    assert page_params({"q": "  Saint-\x00Louis\n  du Sénégal "}) == {"q": "Saint-Louis du Sénégal"}
    assert len(page_params({"q": "x" * 100_000})["q"]) == 200
    assert page_params({"q": "\x07 \t"}) == {}


def test_table_search_travels_in_the_url(db_env):
    at = AppTest.from_string(EXPLORER, default_timeout=TIMEOUT)
    at.query_params["tab"] = "table"
    at.query_params["q"] = "dakar"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.text_input(key="table_search").value == "dakar"
    shown = at.dataframe[0].value
    assert 0 < len(shown) and shown.astype(str).fillna("").agg(" ".join, axis=1).str.lower().str.contains("dakar").all()
    at.text_input(key="table_search").set_value("thiès").run()
    assert at.query_params["q"] in ("thiès", ["thiès"])


def _caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Flux "))


def test_explorer_opens_the_view_of_its_url(db_env):
    at = AppTest.from_string(EXPLORER, default_timeout=TIMEOUT)
    for name, value in {"countries": "SN", "origin": "region", "dest": "zone", "colour": "theme",
                        "width": "projects", "tab": "table", "table": "projects"}.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.radio(key="table_kind").value == "projects"
    assert at.session_state["explorer_tab"] == "Tableau"
    # the URL keeps every setting, the map's too while its tab is closed (nothing dropped)
    url = {k: at.query_params[k] for k in ("origin", "dest", "colour", "width", "tab", "table", "countries")}
    assert {k: v[0] if isinstance(v, list) else v for k, v in url.items()} == {
        "origin": "region", "dest": "zone", "colour": "theme", "width": "projects", "tab": "table",
        "table": "projects", "countries": "SN"}
    at.session_state["explorer_tab"] = "Carte"  # the map's tab opened: drawn with the URL's settings
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="origin_level").value == "region"
    assert at.selectbox(key="dest_level").value == "zone"
    assert at.selectbox(key="colour_by").value == "theme"
    assert at.selectbox(key="magnitude").value == "projects"
    assert _caption(at).startswith("Flux région → zone")
    assert "tab" not in at.query_params and at.query_params["origin"] in ("region", ["region"])


def test_explorer_writes_widget_changes_to_the_url(db_env):
    at = AppTest.from_string(EXPLORER, default_timeout=TIMEOUT)
    at.run()
    assert "origin" not in at.query_params and "colour" not in at.query_params  # defaults stay out
    at.selectbox(key="origin_level").set_value("departement").run()
    at.selectbox(key="colour_by").set_value("sdg").run()
    at.radio(key="table_kind").set_value("projects").run()
    assert not at.exception, [e.message for e in at.exception]
    got = {k: at.query_params[k] for k in ("origin", "colour", "table")}
    assert {k: v[0] if isinstance(v, list) else v for k, v in got.items()} == {
        "origin": "departement", "colour": "sdg", "table": "projects"}
    assert _caption(at).startswith("Flux département → ")
    at.selectbox(key="origin_level").set_value("auto").run()
    assert "origin" not in at.query_params


def test_explorer_ignores_settings_it_does_not_offer(db_env):
    at = AppTest.from_string(EXPLORER, default_timeout=TIMEOUT)
    for name, value in {"origin": "epci'", "dest": "mars", "colour": "[x](javascript:1)", "width": "9" * 5000,
                        "tab": "Tableau", "table": "<b>"}.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="origin_level").value == ORIGIN_CHOICES[0]
    assert at.selectbox(key="dest_level").value == DEST_CHOICES[0]
    assert at.selectbox(key="colour_by").value == "zone" and at.selectbox(key="magnitude").value == "links"
    for name in ("origin", "dest", "colour", "width", "tab", "table"):
        assert name not in at.query_params  # the bad value is dropped from the URL


def test_english_page_keeps_the_tab(db_env):
    at = AppTest.from_string(EXPLORER.replace('"fr")', '"en")'), default_timeout=TIMEOUT)
    at.query_params["tab"] = "charts"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["explorer_tab"] == "Charts"
