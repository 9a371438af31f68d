"""The search box of "Ma collectivité" (Streamlit AppTest; the browser test is tests/e2e/test_search.py):
the name of a profile opened from a URL in the box, and "Aucun résultat" with a hint, never the
component's English "No options"."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import pandas as pd

from atlas.ui.pages.territory import _label, no_result_message

TIMEOUT = 90

SCRIPT = """
import streamlit as st
from atlas.ui.pages import territory
st.session_state.setdefault("lang", "{lang}")
territory.render()
"""


def _searchbox_args(at: AppTest) -> dict:
    boxes = [json.loads(el.proto.json_args) for el in at.get("component_instance")
             if "default_searchterm" in el.proto.json_args]
    assert len(boxes) == 1, boxes
    return boxes[0]


def _state(search: str, options: list | None) -> dict:
    """The session state streamlit-searchbox keeps under its key (after a search if ``options``)."""
    state = {"result": None, "search": search, "options_js": [], "key_react": "territory_search_react_0"}
    if options is not None:
        state["options_py"] = options
    return state


def test_a_profile_opened_from_a_url_shows_its_name_in_the_box(db_env, atlas_handle) -> None:
    at = AppTest.from_string(SCRIPT.format(lang="fr"), default_timeout=TIMEOUT)
    at.query_params["id"] = "commune:26198"
    at.run()
    args = _searchbox_args(at)
    name = atlas_handle.sql("SELECT name FROM ref_communes WHERE insee = '26198'").iloc[0, 0]
    assert args["default_searchterm"] == name == "Montélimar"
    assert args["style_overrides"]["searchbox"]["optionEmpty"] == "hidden"  # no "No options"
    assert not [w for w in at.warning if "Aucun résultat" in w.value]


def test_an_empty_box_has_no_name_and_no_message(db_env) -> None:
    at = AppTest.from_string(SCRIPT.format(lang="fr"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert _searchbox_args(at)["default_searchterm"] == ""
    assert not at.warning
    assert at.info  # "Choisissez une collectivité…"


@pytest.mark.parametrize("lang,said", [("fr", "Aucun résultat pour « xqzwv »"), ("en", "No result for “xqzwv”")])
def test_a_search_that_finds_nothing_says_so_with_a_hint(db_env, lang: str, said: str) -> None:
    at = AppTest.from_string(SCRIPT.format(lang=lang), default_timeout=TIMEOUT)
    at.session_state["territory_search"] = _state("xqzwv", [])
    at.run()
    assert not at.exception, at.exception
    shown = [w.value for w in at.warning]
    assert len(shown) == 1 and said in shown[0], shown
    assert ("INSEE" in shown[0]) and ("commune" in shown[0])


def test_no_result_message_only_after_a_search_that_found_nothing() -> None:
    assert no_result_message(None, "fr") is None
    assert no_result_message(_state("Montélimar", None), "fr") is None  # opened from a URL: no search yet
    assert no_result_message(_state("montelimar", ["commune:26198"]), "fr") is None
    assert no_result_message(_state("   ", []), "fr") is None  # a cleared box
    said = no_result_message(_state("Ville de *Nulle-Part*", []), "fr")
    assert said is not None and said.startswith("Aucun résultat pour « Ville de \\*Nulle\\-Part\\* »")
    assert "Essayez le nom de la commune seul" in said and "code INSEE" in said
    said = no_result_message(_state("zzz", []), "en")
    assert said is not None and said.startswith("No result for “zzz”") and "INSEE" in said


def test_suggestions_name_the_level_and_the_departement() -> None:
    def row(name, level, dep):
        return pd.Series({"name": name, "level": level, "departement": dep})

    assert _label(row("Nord", "departement", "59"), "fr") == "Nord (59) · Département"
    assert _label(row("Saint-Denis", "commune", "974"), "fr") == "Saint-Denis (974) · Commune"
    assert _label(row("CA du Pays de Gex", "epci", "01"), "en") == "CA du Pays de Gex (01) · Inter-municipality (EPCI)"
    assert _label(row("Bretagne", "region", None), "fr") == "Bretagne · Région"
    assert _label(row("Bretagne", "region", float("nan")), "fr") == "Bretagne · Région"
