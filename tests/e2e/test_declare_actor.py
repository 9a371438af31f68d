"""A commune's agent declares an actor of its territory (issue 15): the form's check, the save,
the actor stored with its seat, sectors, countries and the commune's support, then undone.

Two ways: Streamlit's AppTest (fast, no browser) and a real browser (Playwright + Debian
chromium, like tests/e2e/test_declare.py), each on its own copy of the demonstration atlas."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb
import pytest

from atlas.ingest.accounts import add_user

AGENT = ("mairie-millau", "millau-2026-password!")
NAME = "Millau Solidarité Sahel (déclaration)"
ACTOR_ID = "actor:millausolidaritesahel" + "declaration:12145"


def _q(db: Path, sql: str, params: list | None = None):
    """Query a copy of the file as it is now: in this process the app keeps the database open, and
    DuckDB would hand back that instance (the file before the last write replaced it)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copy(db, copy)
        con = duckdb.connect(str(copy), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="module")
def edit_db(demo_db: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("declare_actor")
    db = folder / "atlas.duckdb"
    shutil.copy(demo_db, db)
    add_user(db, AGENT[0], "contributor", AGENT[1], scope="commune:12145")
    return db


# ---- AppTest -------------------------------------------------------------------------------------

def _app(db: Path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from atlas.ingest.accounts import User

    monkeypatch.setenv("ATLAS_DB", str(db))
    monkeypatch.setenv("ATLAS_EDIT", "1")
    at = AppTest.from_string("""
import streamlit as st
from atlas.ui.pages import declare
st.session_state.setdefault("lang", "fr")
declare.render()
""", default_timeout=120)
    at.session_state["auth_user"] = (User(AGENT[0], "contributor", "commune:12145"), time.monotonic())
    return at


def _field(at, kind: str, label: str):
    found = [w for w in getattr(at, kind) if w.label == label]
    assert found, (label, [w.label for w in getattr(at, kind)])
    return found[0]


def test_apptest_declare_an_actor(edit_db: Path, monkeypatch) -> None:
    at = _app(edit_db, monkeypatch)
    at.run()
    assert not at.exception, at.exception
    _field(at, "radio", "Ce que vous déclarez").set_value("actor").run()
    assert not at.exception, at.exception
    seat = _field(at, "text_input", "Commune du siège (identifiant)")
    assert seat.value == "commune:12145"
    assert _field(at, "text_input", "Collectivité qui soutient (identifiant)").value == "commune:12145"
    _field(at, "text_input", "Nom de la structure").input(NAME)
    _field(at, "multiselect", "Secteurs d'intervention").set_value(["eau", "sante"])
    _field(at, "multiselect", "Pays d'intervention").set_value(["BF"])
    _field(at, "number_input", "Montant du soutien (€)").set_value(2500.0)
    next(b for b in at.button if b.label == "Vérifier (sans rien enregistrer)").click().run()
    assert not at.exception, at.exception
    assert any("1 acteur(s) et 1 soutien(s) seraient ajoutés" in i.value for i in at.info), [i.value for i in at.info]
    assert _q(edit_db, "SELECT count(*) FROM actors WHERE id = ?", [ACTOR_ID]) == [(0,)]
    next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Enregistré : lot") for s in at.success), [e.value for e in at.error]
    assert _q(edit_db, "SELECT name, commune, departement, region FROM actors WHERE id = ?", [ACTOR_ID]) == [
        (NAME, "12145", "12", "76")]
    assert sorted(_q(edit_db, "SELECT sector FROM actor_sectors WHERE actor_id = ?", [ACTOR_ID])) == [
        ("eau",), ("sante",)]
    assert _q(edit_db, "SELECT authority_id, kind, amount_eur FROM actor_supports WHERE actor_id = ?", [ACTOR_ID]) == [
        ("commune:12145", "subvention", 2500.0)]
    # listed among the agent's actors, and undone from there
    assert any(s.value == "Mes acteurs déclarés" for s in at.subheader)
    next(b for b in at.button if b.label == "Annuler ce lot").click().run()
    assert not at.exception, at.exception
    assert _q(edit_db, "SELECT count(*) FROM actors WHERE id = ?", [ACTOR_ID]) == [(0,)]


def test_apptest_refusal_is_shown(edit_db: Path, monkeypatch) -> None:
    at = _app(edit_db, monkeypatch)
    at.run()
    _field(at, "radio", "Ce que vous déclarez").set_value("actor").run()
    _field(at, "text_input", "Nom de la structure").input("Association toulousaine")
    _field(at, "text_input", "Commune du siège (identifiant)").input("commune:31555")
    next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert not at.exception, at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # markdown-escaped text
    assert any("mairie-millau acts for commune:12145: it may not declare actors of commune:31555" in e
               for e in shown), shown


def test_apptest_import_page_shows_an_actor_directory_dry_run(edit_db: Path, monkeypatch) -> None:
    """The import page's report of a dry run of an actor directory: its figures and its summary."""
    from streamlit.testing.v1 import AppTest

    from atlas.ingest.accounts import User
    from atlas.ingest.pipeline import import_file

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "annuaire_acteurs.csv"
    report = import_file(fixture, edit_db, dry_run=True)
    monkeypatch.setenv("ATLAS_DB", str(edit_db))
    monkeypatch.setenv("ATLAS_EDIT", "1")
    at = AppTest.from_string("""
import streamlit as st
from atlas.ui.pages import data_quality
st.session_state.setdefault("lang", "fr")
data_quality.render()
""", default_timeout=120)
    at.session_state["auth_user"] = (User("admin", "admin"), time.monotonic())
    at.session_state["last_report"] = report
    at.run()
    assert not at.exception, at.exception
    figures = {m.label: m.value for m in at.metric}
    assert figures["Acteurs importés"] == "30" and figures["Lignes lues"] == "35"
    assert "Annuaire d'acteurs" in next(s for s in at.selectbox if s.label == "Format").options
    summary = next(c.value for c in at.code if "format actors" in c.value)
    assert "actors imported 30; supports imported 21" in summary
    assert '<script>alert("x")</script> Collectif' in summary  # the refused name, shown as text


# ---- real browser --------------------------------------------------------------------------------

@pytest.mark.e2e
def test_browser_declare_an_actor(edit_db: Path, tmp_path_factory, page) -> None:
    from tests.e2e.conftest import serve
    from tests.e2e.helpers import assert_offline, sign_in, wait

    folder = tmp_path_factory.mktemp("declare_actor_server")
    db = folder / "atlas.duckdb"
    shutil.copy(edit_db, db)
    with serve(db, folder / "server.log", {"ATLAS_EDIT": "1"}) as url:
        page.goto(f"{url}/declarer", wait_until="domcontentloaded")
        sign_in(page, *AGENT)
        page.get_by_text("Un acteur du territoire", exact=True).click()
        # template syntax is text: stored and shown as written
        page.get_by_role("textbox", name="Nom de la structure", exact=True).fill("Rodez–Millau Échanges Sahel {{x}}")
        page.get_by_role("spinbutton", name="Montant du soutien (€)", exact=True).fill("1500")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.get_by_text("Enregistré : lot").first.wait_for(timeout=120_000)
        rows = _q(db, "SELECT name, commune FROM actors WHERE name LIKE 'Rodez–Millau%'")
        assert rows == [("Rodez–Millau Échanges Sahel {{x}}", "12145")]
        assert _q(db, "SELECT amount_eur FROM actor_supports s JOIN actors a ON a.id = s.actor_id "
                      "WHERE a.name LIKE 'Rodez–Millau%'") == [(1500.0,)]
        page.get_by_text("Mes acteurs déclarés").first.wait_for(timeout=60_000)
        page.get_by_text("Rodez–Millau Échanges Sahel {{x}} (commune:12145)", exact=False).first.wait_for(
            timeout=60_000)
        page.locator('[data-testid="stButton"]').filter(has_text="Annuler ce lot").first.click()
        wait(page, lambda: not _q(db, "SELECT 1 FROM actors WHERE name LIKE 'Rodez–Millau%'"), "the actor undone")
        assert_offline(page)
