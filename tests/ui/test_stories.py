"""Stories: each step keeps its levels, colour and width; a story survives in a URL (bounded,
hostile values ignored); built-in steps say what their map shows; the Présentation page edits a
step's title and text (shown as text) and restores the session's story after a reload."""

from __future__ import annotations

import base64
import json
import re
import zlib

import pytest
from streamlit.testing.v1 import AppTest

from atlas.errors import ImportFileError
from atlas.models import Filters
from atlas.ui.stories import (MAX_URL_CHARS, Step, Story, bundled_stories, parse_story, story_from_param,
                              story_to_json, story_to_param)

TIMEOUT = 120


def _story(n: int = 2, **options) -> Story:
    return Story(title={"fr": "Essai"}, steps=tuple(
        Step(title={"fr": f"Vue {i}"}, text={"fr": f"Texte {i} *gras*"}, filters=Filters(countries=["SN"]), **options)
        for i in range(1, n + 1)))


def _pack(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


def test_steps_keep_levels_colour_and_width_through_json_and_url():
    story = _story(origin_level="region", dest_level="zone", colour_by="sdg", magnitude="projects")
    for again in (parse_story(story_to_json(story)), story_from_param(story_to_param(story))):
        assert again == story
        opts = again.steps[0].options("fr")
        assert (opts.origin_level, opts.dest_level, opts.colour_by, opts.magnitude) == ("region", "zone", "sdg",
                                                                                          "projects")


@pytest.mark.parametrize(("field", "value"), [("origin_level", "galaxy"), ("dest_level", 3), ("colour_by", "red"),
                                              ("magnitude", None)])
def test_a_step_with_a_setting_the_app_does_not_offer_is_refused(field, value):
    doc = {"steps": [{"title": "a", "filters": {}}, {"title": "b", "filters": {}, field: value}]}
    with pytest.raises(ImportFileError, match=f"step 2: {field}"):
        parse_story(json.dumps(doc))


@pytest.mark.parametrize("filters", [{"years": 5}, {"years": [1, 2, 3]}, {"themes": [1]}, {"countries": "SN"},
                                     {"sdgs": ["6"]}])
def test_filters_of_the_wrong_type_are_refused(filters):
    with pytest.raises(ImportFileError):
        parse_story(json.dumps({"steps": [{"filters": filters}]}))


BOMB = _pack(b'{"steps":[{"title":"' + b"a" * 5_000_000 + b'"}]}')


@pytest.mark.parametrize("text", ["", "abc", "9" * 5000, "é" * 10, "A" * (MAX_URL_CHARS + 1), BOMB,
                                  _pack("not json"), _pack('{"steps": []}'),
                                  _pack('{"steps": [{"origin_level": "mars"}]}'), _pack('[1, 2]'),
                                  _pack('{"steps": [{"filters": {"years": 5}}]}'),
                                  _pack(story_to_json(_story()))[:-10]])
def test_a_damaged_or_hostile_url_story_is_ignored(text):
    assert story_from_param(text) is None


def test_a_story_too_long_for_a_url_stays_out_of_it():
    import random

    rng = random.Random(1)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8)) for _ in range(4000)]
    long = Story(title={"fr": "x"}, steps=tuple(Step(title={"fr": " ".join(words[i:i + 40])}, text={"fr": ""},
                                                     filters=Filters()) for i in range(0, 4000, 40)))
    assert story_to_param(long) is None
    assert story_to_param(_story()) is not None


def test_edited_step_keeps_other_languages():
    step = Step(title={"fr": "Titre", "en": "Title"}, text={"fr": ""}, filters=Filters())
    assert step.edited("fr", title="Nouveau").title == {"fr": "Nouveau", "en": "Title"}
    assert step.edited("en", text="Hello").text == {"fr": "", "en": "Hello"}


# -- built-in stories: each step's text matches its map ---------------------------------------

ORIGIN_WORDS = {"region": ("région", "region"), "departement": ("département", "département"),
                "france": ("France", "France"), "authority": ("collectivité", "authorit")}
DEST_WORDS = {"country": ("pays", "country"), "zone": ("zone", "zone")}


def _steps():
    return [(key, i, step) for key, story in bundled_stories().items() for i, step in enumerate(story.steps, 1)]


@pytest.mark.parametrize(("key", "number", "step"), _steps(), ids=lambda v: str(v)[:20])
def test_built_in_step_text_matches_its_map(atlas_handle, key, number, step):
    sel = atlas_handle.select(step.filters, step.options())
    # levels are set, not left to the flow budget, and the map draws them
    assert step.origin_level != "auto" and step.dest_level != "auto"
    assert (sel.origin_level, sel.dest_level) == (step.origin_level, step.dest_level)
    assert sel.n_drawn == sel.n_flows, "every flow drawn: none grouped away"
    for lang, i in (("fr", 0), ("en", 1)):
        text = step.label("text", lang)
        assert ORIGIN_WORDS[sel.origin_level][i] in text, (lang, text)
        assert DEST_WORDS[sel.dest_level][i] in text, (lang, text)
        wrong = [w[i] for lv, w in ORIGIN_WORDS.items() if lv != sel.origin_level and lv != "france"]
        assert not any(re.search(rf"(par|by|each|chaque) {w}", text, re.I) for w in wrong), (lang, text)
    # the countries a step names are the first ones of its map (by the step's width)
    links = atlas_handle.links_frame(step.filters)
    weight = links["n_projects"] if step.magnitude == "projects" else 1
    ranked = links.assign(w=weight).groupby("country_iso2")["w"].sum().sort_values(ascending=False)
    names = atlas_handle.sql("SELECT iso2, name_fr, name_en FROM countries")
    for lang, column in (("fr", "name_fr"), ("en", "name_en")):
        text = step.label("text", lang)
        named = {r.iso2 for r in names.itertuples() if re.search(rf"\b{re.escape(getattr(r, column))}\b", text)}
        named -= {"FR"} if sel.origin_level == "france" else set()  # "from France": the origin, not a partner
        assert named <= set(ranked.index[:max(len(named), 1)]), (lang, text, list(ranked.index[:5]))


# -- the Présentation page: edit, escape, reload ----------------------------------------------

PRESENTATION = """
import streamlit as st
from atlas.ui.pages import presentation
st.session_state.setdefault("lang", "fr")
presentation.render()
"""


def _url(at: AppTest) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_a_session_story_is_edited_shown_as_text_and_survives_a_reload(db_env):
    at = AppTest.from_string(PRESENTATION, default_timeout=TIMEOUT)
    at.session_state["custom_story"] = _story(3, origin_level="region", dest_level="country", colour_by="theme")
    at.run()
    at.selectbox(key="story_key").set_value("session").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Vue 1" and _url(at)["step"] == "1" and _url(at)["story"] == "session"
    at.button(key="story_next").click().run()
    assert at.title[0].value == "Vue 2"
    title = next(w for w in at.text_input if w.key.startswith("edit_title_"))
    title.set_value("**Sénégal** [lien](javascript:alert(1))").run()
    text = next(w for w in at.text_area if w.key.startswith("edit_text_"))
    text.set_value("<b>Une</b> phrase").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == r"\*\*Sénégal\*\* \[lien\]\(javascript\:alert\(1\)\)"  # text, not markup
    assert any(m.value == r"\<b\>Une\</b\> phrase" for m in at.markdown)
    assert at.caption and any("Flux région → pays" in c.value for c in at.caption)

    # a reload is a new session with the same URL
    again = AppTest.from_string(PRESENTATION, default_timeout=TIMEOUT)
    for k, v in _url(at).items():
        again.query_params[k] = v
    again.run()
    assert not again.exception, [e.message for e in again.exception]
    story = again.session_state["custom_story"]
    assert story.steps[1].title["fr"] == "**Sénégal** [lien](javascript:alert(1))"
    assert story.steps[1].text["fr"] == "<b>Une</b> phrase" and story.steps[1].colour_by == "theme"
    assert again.session_state["story_key"] == "session" and again.title[0].value.startswith(r"\*\*Sénégal")


def test_a_step_is_removed(db_env):
    at = AppTest.from_string(PRESENTATION, default_timeout=TIMEOUT)
    at.session_state["custom_story"] = _story(3)
    at.query_params["story"] = "session"
    at.query_params["step"] = "2"
    at.run()
    assert at.title[0].value == "Vue 2"
    at.button(key="step_delete").click().run()
    assert [s.label("title", "fr") for s in at.session_state["custom_story"].steps] == ["Vue 1", "Vue 3"]
    assert not at.exception, [e.message for e in at.exception]


def test_the_explorer_adds_its_levels_colour_and_width(db_env):
    script = PRESENTATION.replace("from atlas.ui.pages import presentation", "from atlas.ui.pages import explorer") \
                         .replace("presentation.render()", "explorer.render()")
    at = AppTest.from_string(script, default_timeout=TIMEOUT)
    for name, value in {"countries": "SN", "origin": "departement", "dest": "zone", "colour": "kind",
                        "width": "projects"}.items():
        at.query_params[name] = value
    at.run()
    at.button(key="add_to_story").click().run()
    assert not at.exception, [e.message for e in at.exception]
    (step,) = at.session_state["custom_story"].steps
    assert (step.filters, step.origin_level, step.dest_level, step.colour_by, step.magnitude) == (
        Filters(countries=["SN"]), "departement", "zone", "kind", "projects")
    # the story is in the URL too: a reload of the Explorer keeps it
    assert story_from_param(_url(at)["my_story"]) == at.session_state["custom_story"]
