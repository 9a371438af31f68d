"""The Streamlit app through streamlit.testing (widgets, query params, reruns; no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.models import Filters
from atlas.ui.i18n import t
from atlas.ui.widgets import fmt_int

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def app(db_env, monkeypatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "atlas" / "ui" / "script" / "atlas_app.py"), default_timeout=60)


def metric(at: AppTest, label: str) -> int:
    matches = [m for m in at.metric if m.label == label]
    assert len(matches) == 1, [m.label for m in at.metric]
    return int(matches[0].value.replace("\u202f", "").replace(",", ""))


def test_page_runs_with_demo_notice_and_metrics(app, atlas_handle):
    at = app.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [x.value for x in at.title] == [t("title", "fr")]
    # the banner says which records are real and which invented, with their distinct counts
    totals = atlas_handle.provenance()["totals"]
    banner = next(i.value for i in at.info if "Inventés" in i.value)
    assert "**Réels** : " + fmt_int(totals["real"]["partnerships"]) + " jumelages (Wikidata" in banner
    assert fmt_int(totals["demo"]["partnerships"]) + " accords de coopération et " + \
        fmt_int(totals["demo"]["projects"]) + " projets" in banner
    labels = [m.label for m in at.metric]
    for key in ("links", "fr_authorities", "partners", "countries", "projects"):
        assert t(key, "fr") in labels
    totals = atlas_handle.totals()
    assert metric(at, "Liens") == totals["links"]
    assert metric(at, "Projets") == totals["projects"]
    assert metric(at, t("fr_authorities", "fr")) == atlas_handle.counts()["fr_authorities"]


def test_filters_change_the_metrics(app, atlas_handle):
    at = app.run()
    before = metric(at, "Liens")
    at.multiselect(key="f_themes").set_value(["eau"])
    at.multiselect(key="f_countries").set_value(["SN"])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    f = Filters(themes=["eau"], countries=["SN"])
    expected = len(atlas_handle.links_frame(f))
    assert 0 < expected < before
    assert metric(at, "Liens") == expected
    counts = atlas_handle.counts(f)
    assert metric(at, "Projets") == counts["projects"]
    assert metric(at, t("countries", "fr")) == 1
    # the selection is written into the URL, so the view can be shared
    assert dict(at.query_params) == {"themes": "eau", "countries": "SN"}


def test_query_params_preload_the_filters(app, atlas_handle):
    app.query_params["themes"] = "eau"
    app.query_params["countries"] = "SN"
    at = app.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.multiselect(key="f_themes").value == ["eau"]
    assert at.multiselect(key="f_countries").value == ["SN"]
    assert metric(at, "Liens") == len(atlas_handle.links_frame(Filters(themes=["eau"], countries=["SN"])))


def test_bad_query_params_are_ignored(app, atlas_handle):
    app.query_params["sdgs"] = "99,six"
    app.query_params["years"] = "2020-2010"
    at = app.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.multiselect(key="f_sdgs").value == []
    assert metric(at, "Liens") == atlas_handle.totals()["links"]


def test_english_switch_changes_the_title(app):
    at = app.run()
    assert at.title[0].value == t("title", "fr")
    at.radio(key="lang").set_value("en")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == t("title", "en") != t("title", "fr")
    assert any("**Invented** for the demonstration" in i.value and "**Real**" in i.value for i in at.info)
    assert t("links", "en") in [m.label for m in at.metric]


def test_add_the_view_to_my_presentation(app):
    at = app.run()
    at.multiselect(key="f_countries").set_value(["SN"])
    at.run()
    at.button(key="add_to_story").click().run()
    assert not at.exception, [e.message for e in at.exception]
    story = at.session_state["custom_story"]
    assert [s.filters for s in story.steps] == [Filters(countries=["SN"])]
    at.multiselect(key="f_countries").set_value(["ML"])
    at.run()
    at.button(key="add_to_story").click().run()
    story = at.session_state["custom_story"]
    assert [s.filters for s in story.steps] == [Filters(countries=["SN"]), Filters(countries=["ML"])]
    at.run()  # a rerun adds nothing
    assert len(at.session_state["custom_story"].steps) == 2
