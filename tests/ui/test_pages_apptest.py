"""AppTest of every page's script (widgets, query parameters, reruns) on the real demo database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from atlas.models import THEMES, Filters
from tests.ui.apptest_helpers import metric_value as _metric

TIMEOUT = 90


def _page(name: str) -> str:
    # AppTest.from_function runs the function's source as a script: imports go inside.
    return f"""
import streamlit as st
from atlas.ui.pages import {name}
st.session_state.setdefault("lang", "fr")
{name}.render()
"""


def test_territory_profile_from_url(db_env, atlas_handle):
    # the town with the most projects among those with real twinnings (both kinds of records)
    town, name = atlas_handle.sql("""
        SELECT fr_id, any_value(fr_name) FROM link_facts WHERE fr_level = 'commune' GROUP BY fr_id
        HAVING count(DISTINCT partnership_id) FILTER (WHERE origin = 'real') >= 3
        ORDER BY count(DISTINCT project_id) DESC, fr_id LIMIT 1""").iloc[0]
    at = AppTest.from_string(_page("territory"), default_timeout=TIMEOUT)
    at.query_params["id"] = town
    at.run()
    assert not at.exception, at.exception
    assert any(h.value == name for h in at.header)
    expected = len(atlas_handle.links_frame(Filters(authorities=[town])))
    assert _metric(at, "Liens") == expected
    peers_titles = [s.value for s in at.subheader]
    assert "Qui d'autre en France ?" in peers_titles
    # themes read as labels, never as codes, in the projects table and in "Mêmes thèmes"
    labels = {th.label_fr for th in THEMES}
    tables = [d.value for d in at.dataframe]
    projects = next(df for df in tables if "Thèmes" in df.columns)
    shown = {x for cell in projects["Thèmes"] for x in cell.split(", ") if x}
    assert shown and shown <= labels, shown - labels
    same_themes = [df for df in tables if "En commun" in df.columns][-1]
    shown = {x for cell in same_themes["En commun"] for x in cell.split(", ") if x}
    assert shown and shown <= labels, shown - labels


def test_territory_without_ties_offers_its_territories(db_env, atlas_handle):
    # A commune of the COG that has no tie in the demonstration atlas.
    row = atlas_handle.sql("""SELECT insee FROM ref_communes
                              WHERE 'commune:' || insee NOT IN (SELECT id FROM authorities)
                                AND epci IS NOT NULL ORDER BY population DESC LIMIT 1""")
    insee = row.iloc[0, 0]
    at = AppTest.from_string(_page("territory"), default_timeout=TIMEOUT)
    at.query_params["id"] = f"commune:{insee}"
    at.run()
    assert not at.exception, at.exception
    assert any("Aucun lien" in w.value for w in at.warning)
    assert len(at.button) >= 1  # its EPCI, département or région have ties


def test_territory_region_includes_members(db_env, atlas_handle):
    at = AppTest.from_string(_page("territory"), default_timeout=TIMEOUT)
    at.query_params["id"] = "region:76"
    at.run()
    alone = _metric(at, "Liens")
    at.toggle(key="include_members").set_value(True).run()
    assert not at.exception, at.exception
    members = atlas_handle.sql("SELECT id FROM authorities WHERE is_french AND region = '76'")["id"].tolist()
    assert _metric(at, "Liens") == len(atlas_handle.links_frame(Filters(authorities=members))) > alone


def test_country_page(db_env, atlas_handle):
    at = AppTest.from_string(_page("country"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert at.info  # asks for a country
    at.selectbox(key="country_select").set_value("ML").run()
    assert not at.exception, at.exception
    assert _metric(at, "Liens") == len(atlas_handle.links_frame(Filters(countries=["ML"])))
    assert at.query_params["country"] in ("ML", ["ML"])


def test_presentation_steps(db_env, atlas_handle):
    at = AppTest.from_string(_page("presentation"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Toutes les coopérations"
    at.button(key="story_next").click().run()
    assert at.title[0].value == "Les jumelages"
    assert _metric(at, "Liens") == len(atlas_handle.links_frame(Filters(kinds=["jumelage"])))
    at.button(key="story_prev").click().run()
    assert at.title[0].value == "Toutes les coopérations"
    assert at.button(key="story_prev").disabled


def test_presentation_step_survives_a_rerun_with_the_old_url(db_env):
    """A rerun the page asks for before the browser shows the new URL (the map's measured height,
    a second quick press) sends the old query string: the step shown must not jump back."""
    at = AppTest.from_string(_page("presentation"), default_timeout=TIMEOUT)
    at.query_params["step"] = "1"
    at.run()
    at.button(key="story_next").click().run()
    assert at.title[0].value == "Les jumelages"
    at.query_params["step"] = "1"  # the browser's URL, not yet updated
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Les jumelages"
    assert at.query_params["step"] in ("2", ["2"])
    # A new session opened on a link still starts at the link's step.
    fresh = AppTest.from_string(_page("presentation"), default_timeout=TIMEOUT)
    fresh.query_params["step"] = "2"
    fresh.run()
    assert fresh.title[0].value == "Les jumelages"


def test_presentation_settings_stay_open_over_reruns(db_env):
    """Whether "Récit et réglages" is open lives in the session: a rerun (the map's measured
    height arriving, a step forward) sends it open again, so it cannot close under the user."""
    at = AppTest.from_string(_page("presentation"), default_timeout=TIMEOUT)
    at.run()
    settings = [e for e in at.expander if e.label == "Récit et réglages"]
    assert len(settings) == 1 and not settings[0].proto.expanded
    at.session_state["story_settings_open"] = True  # what the browser reports when it is opened
    at.run()
    at.button(key="story_next").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Les jumelages"
    settings = [e for e in at.expander if e.label == "Récit et réglages"]
    assert len(settings) == 1 and settings[0].proto.expanded


@pytest.mark.parametrize("lang,title", [("fr", "Pays partenaire"), ("en", "Partner country")])
def test_country_page_speaks_both_languages(db_env, lang, title):
    at = AppTest.from_string(_page("country").replace('"fr")', f'"{lang}")'), default_timeout=TIMEOUT)
    at.run()
    assert at.title[0].value == title


EXPORT_PANEL = """
import streamlit as st
from atlas.models import THEMES, Filters
from atlas.ui import data, exports
countries = st.session_state.get("countries", ["SN"])
exports.export_panel(data.handle(data.db_path()).select(Filters(countries=countries)), "fr", key="t")
"""


def _downloads(at: AppTest) -> list:
    return at.get("download_button")


def test_export_panel_prepares_on_request_and_only_for_the_view(db_env, atlas_handle):
    at = AppTest.from_string(EXPORT_PANEL, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert _downloads(at) == []  # nothing is made before it is asked for
    at.selectbox(key="t_data_fmt").set_value("csv")
    at.button(key="t_data_go").click().run()
    assert not at.exception, at.exception
    assert len(_downloads(at)) == 1
    request = at.session_state["t_data_request"]
    assert request[1] == "csv" and request[0] == Filters(countries=["SN"])
    (_, fmt, _options), content, name = at.session_state["t_data_bytes"]
    expected = len(atlas_handle.links_frame(Filters(countries=["SN"])))
    assert fmt == "csv" and name.endswith(".csv")
    assert len([ln for ln in content.decode("utf-8-sig").splitlines() if ln.strip()]) == expected + 1

    at.run()  # a later rerun (a map reporting its state, say) neither loses nor remakes the file
    assert len(_downloads(at)) == 1
    assert at.session_state["t_data_bytes"][1] is content

    at.session_state["countries"] = ["ML"]  # another view: the Senegal file is not offered
    at.run()
    assert _downloads(at) == []


def test_story_titles_are_shown_as_text_not_markdown(db_env):
    script = _page("presentation").replace(
        'st.session_state.setdefault("lang", "fr")',
        'st.session_state.setdefault("lang", "fr")\n'
        'from atlas.models import Filters\n'
        'from atlas.ui.stories import Step, Story\n'
        'st.session_state.setdefault("custom_story", Story(title={"fr": "Ma *présentation*"}, steps=(Step(\n'
        '    title={"fr": "[clic](http://example.org) ![x](http://example.org/x.png)"}, text={"fr": ""},\n'
        '    filters=Filters(countries=["SN"])),)))')
    at = AppTest.from_string(script, default_timeout=TIMEOUT)
    at.run()
    at.selectbox(key="story_key").set_value("session").run()
    assert not at.exception, at.exception
    title = at.title[0].value
    assert title.startswith(r"\[clic\]\(http\:") and r"\!\[x\]" in title  # literal text, no link or image
    assert any(r"Ma \*présentation\*" in c.value for c in at.caption)


def test_review_queue_shows_one_entry_per_distinct_value(db_env, atlas_handle):
    # The default atlas's real twinnings leave rows in the review queue (what the importer could
    # not place): the page lists each distinct value once, with all its rows.
    queue = atlas_handle.sql("SELECT decision_key, count(*) AS n FROM review_queue WHERE status = 'open' "
                             "GROUP BY decision_key")
    assert len(queue) > 0
    import time

    from atlas.ingest.accounts import User

    at = AppTest.from_string(_page("data_quality"), default_timeout=TIMEOUT)
    at.session_state["auth_user"] = (User("admin", "admin"), time.monotonic())  # signed in (atlas.ui.auth)
    at.run()
    assert not at.exception, at.exception
    caption = next(c.value for c in at.caption if "valeurs distinctes" in c.value)
    assert caption.startswith(f"{int(queue.n.sum())} lignes à vérifier · {len(queue)} valeurs distinctes")
    assert len(at.expander) == min(25, len(queue))
    # candidates read as names and ids, never as a dict's text
    options = [o for r in at.radio for o in r.options]
    assert options and not any("{" in o for o in options)


def test_project_sheet_from_url(db_env, atlas_handle):
    pid = atlas_handle.sql("SELECT project_id FROM project_parties GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").iloc[0, 0]
    title = atlas_handle.sql("SELECT title FROM projects WHERE id = $i", {"i": pid}).iloc[0, 0]
    at = AppTest.from_string(_page("project"), default_timeout=TIMEOUT)
    at.query_params["id"] = pid
    at.run()
    assert not at.exception, at.exception
    from atlas.ui.widgets import md_escape

    assert [x.value for x in at.title] == [md_escape(title)]
    assert any("Données inventées" in w.value for w in at.warning)  # a demonstration project says so


@pytest.mark.parametrize("bad", ["nope", "x" * 500, "<script>alert(1)</script>", ""])
def test_sheet_with_an_unknown_id_says_so(db_env, bad):
    at = AppTest.from_string(_page("partnership"), default_timeout=TIMEOUT)
    if bad:
        at.query_params["id"] = bad
    at.run()
    assert not at.exception, at.exception
    assert any("Aucune fiche" in i.value for i in at.info)


def _declare_app(user):
    import time

    at = AppTest.from_string(_page("declare"), default_timeout=TIMEOUT)
    if user is not None:
        at.session_state["auth_user"] = (user, time.monotonic())
    return at


def test_declare_page_asks_to_sign_in_and_checks_the_role(db_env):
    from atlas.ingest.accounts import User

    at = _declare_app(None)
    at.run()
    assert not at.exception, at.exception
    assert any(s.value == "Connexion" for s in at.subheader)
    assert not [f for f in at.text_input if f.label.startswith("Collectivité française")]
    at = _declare_app(User("lecteur", "reader"))
    at.run()
    assert any("ne permet pas" in e.value for e in at.error)
    at = _declare_app(User("mairie", "contributor", "commune:26198"))
    at.run()
    assert not at.exception, at.exception
    field = next(f for f in at.text_input if f.label.startswith("Collectivité française"))
    assert field.value == "commune:26198" and field.disabled  # a commune's agent declares for it only
