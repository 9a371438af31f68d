"""Hostile URLs on the public app: absurd query parameters give a page, never a traceback.

A 5,000-digit number in ``?sdgs=`` or ``?years=`` raised ValueError (Python refuses to convert
more than 4,300 digits) and showed the traceback, server paths included, to the visitor.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from atlas.ui.state import filters_from_params, small_int

BIG = "9" * 5000
HOSTILE = [BIG, f"{BIG}-{BIG}", "²", "١٢", "-1", "6.5", "0x10", "1e3", "", ",,,", "<b>x</b>",
           "[lien](javascript:alert(1))", "{{7*7}}", "x" * 100_000, "ZZ," * 1000]


def _page(name: str) -> str:
    return f"""
import streamlit as st
from atlas.ui.pages import {name}
st.session_state.setdefault("lang", "fr")
{name}.render()
"""


@pytest.mark.parametrize("value", HOSTILE)
def test_filters_from_any_url_never_raise(value):
    params = {name: value for name in ("themes", "countries", "sdgs", "zones", "regions", "departements",
                                       "levels", "kinds", "funding", "status", "authorities", "years")}
    filters = filters_from_params(params)
    assert all(isinstance(n, int) and 1 <= n <= 17 for n in filters.sdgs)
    assert filters.years is None or (0 <= filters.years[0] <= filters.years[1] <= 9999)
    assert len(filters.countries) <= 200


def test_small_int_accepts_only_short_ascii_digits():
    assert small_int("2015") == 2015
    assert small_int(" 6 ", 2) == 6
    for bad in (BIG, "²", "١٢", "-1", "6.5", "", "12345"):
        assert small_int(bad) is None, bad


def _visible_text(at: AppTest) -> str:
    parts = []
    for kind in ("error", "warning", "info", "markdown", "caption", "header", "title"):
        parts += [str(x.value) for x in getattr(at, kind)]
    return "\n".join(parts)


@pytest.mark.parametrize(("page", "param"), [
    ("explorer", "sdgs"), ("explorer", "years"), ("explorer", "countries"), ("explorer", "authorities"),
    ("territory", "id"), ("country", "country"), ("presentation", "step"),
    ("explorer", "origin"), ("explorer", "dest"), ("explorer", "colour"), ("explorer", "width"), ("explorer", "tab"),
    ("explorer", "table"), ("explorer", "my_story"), ("presentation", "story"), ("presentation", "my_story"),
])
@pytest.mark.parametrize("value", [BIG, "[lien](javascript:alert(1))", "²"])
def test_pages_survive_hostile_parameters(db_env, page, param, value):
    at = AppTest.from_string(_page(page), default_timeout=90)
    at.query_params[param] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = _visible_text(at)
    assert "Traceback" not in shown
    assert str(db_env.parent) not in shown  # no server path
    # A markdown link typed into the URL is shown as text, never made a link.
    assert "[lien](javascript:" not in shown


def test_presentation_survives_a_story_in_the_url_naming_codes_the_database_lacks(db_env):
    """A story packed in the URL is checked like an uploaded file; codes it names that this
    database does not hold give a one-line error, not a traceback."""
    from atlas.models import Filters
    from atlas.ui.stories import Step, Story, story_to_param

    story = Story(title={"fr": "x"}, steps=(Step(title={"fr": "Nulle part"}, text={"fr": ""},
                                                 filters=Filters(countries=["ZZ"])),))
    at = AppTest.from_string(_page("presentation"), default_timeout=90)
    at.query_params["my_story"] = story_to_param(story)
    at.query_params["story"] = "session"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Nulle part"
    assert any("ZZ" in e.value for e in at.error)
