"""A commune's agent signs in, declares a project, sees it on its profile and sheet, updates it
and undoes it; a contributor is refused on another authority's records (issue 14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from atlas.ingest.accounts import add_user
from tests.e2e.conftest import serve
from tests.e2e.helpers import TIMEOUT_S, as_int, assert_offline, map_state, metric, sign_in, wait, wait_idle

pytestmark = pytest.mark.e2e

AGENT = ("mairie-montelimar", "montelimar-2026!")
DROME = ("cd-drome", "drome-password-1")
TITLE = "Accès à l'eau potable à Kaolack (déclaration)"


def _one(db: Path, sql: str, params: list | None = None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def edit_server(demo_db: Path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("declare")
    db = folder / "atlas.duckdb"
    shutil.copy(demo_db, db)
    add_user(db, AGENT[0], "contributor", AGENT[1], scope="commune:26198")
    add_user(db, DROME[0], "contributor", DROME[1], scope="departement:26")
    with serve(db, folder / "server.log", {"ATLAS_EDIT": "1"}) as url:
        yield url, db


def _choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    box.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()


def _fill(page, title: str, budget: int | None) -> None:
    """A project of the form's authority with Kaolack (Sénégal)."""
    page.get_by_role("textbox", name="Collectivité partenaire (nom)", exact=True).fill("Kaolack")
    _choose(page, "Pays partenaires", "Sénégal")
    page.get_by_role("textbox", name="Intitulé du projet", exact=True).fill(title)
    if budget is not None:
        page.get_by_role("spinbutton", name="Budget (€)", exact=True).fill(str(budget))


def _map_names(page, name: str) -> bool:
    """Does a map frame's document name ``name`` (frames are replaced on reruns: skip detached ones)?"""
    for frame in page.frames:
        if "streamlit_folium" not in frame.url:
            continue
        try:
            if name in frame.content():
                return True
        except Exception:  # detached while being replaced
            continue
    return False


def _save(page) -> None:
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("Enregistré : lot").first.wait_for(timeout=120_000)


def test_declare_see_update_and_undo(edit_server, page):
    url, db = edit_server
    page.goto(f"{url}/declarer", wait_until="domcontentloaded")
    sign_in(page, *AGENT)
    _fill(page, TITLE, 50000)
    _save(page)
    rows = _one(db, "SELECT id, budget_eur, batch_id FROM projects WHERE title = ?", [TITLE])
    assert len(rows) == 1 and rows[0][1] == 50000.0
    pid, _budget, batch = rows[0]
    assert _one(db, "SELECT user_name, action FROM audit_log WHERE target = ?", [batch]) == [(AGENT[0], "declare")]

    # on the commune's profile (its links count the new one) and on the project's sheet
    page.goto(f"{url}/collectivite?id=commune:26198", wait_until="domcontentloaded")
    expected = _one(db, "SELECT count(*) FROM links WHERE fr_id = 'commune:26198'")[0][0]
    wait(page, lambda: (t := metric(page, "Liens")) and as_int(t) == expected, f"{expected} links")
    # and on its map: a flow to Kaolack, named in the map's own document
    wait(page, lambda: map_state(page), "the profile's map")
    wait(page, lambda: _map_names(page, "Kaolack"), "Kaolack on the map")
    page.goto(f"{url}/projet?id={pid}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=TITLE).wait_for(timeout=TIMEOUT_S * 1000)
    page.get_by_text("Kaolack").first.wait_for(timeout=TIMEOUT_S * 1000)

    # update: the same declaration with another budget replaces the batch (a page loaded anew is a
    # new session: the agent signs in again)
    page.goto(f"{url}/declarer", wait_until="domcontentloaded")
    sign_in(page, *AGENT)
    _fill(page, TITLE, 60000)
    _choose(page, "Met à jour la déclaration", TITLE)  # listed by what it declared
    _save(page)
    assert _one(db, "SELECT budget_eur FROM projects WHERE title = ?", [TITLE]) == [(60000.0,)]
    new_batch = _one(db, "SELECT batch_id FROM projects WHERE title = ?", [TITLE])[0][0]

    # undo: the project is gone, and the log says who did what
    wait_idle(page)
    page.locator(f'[data-testid="stButton"]').filter(has_text="Annuler ce lot").first.click()
    wait(page, lambda: not _one(db, "SELECT id FROM projects WHERE title = ?", [TITLE]), "the project undone")
    actions = [a for (a,) in _one(db, "SELECT action FROM audit_log WHERE user_name = ? AND action <> 'sign_in' "
                                      "ORDER BY logged_at", [AGENT[0]])]
    assert actions == ["declare", "update", "undo"], actions
    assert new_batch != batch
    assert_offline(page)


def test_a_contributor_is_refused_on_another_authority(edit_server, browser):
    url, db = edit_server
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{url}/declarer", wait_until="domcontentloaded")
        sign_in(page, *DROME)
        field = page.get_by_role("textbox", name="Collectivité française (identifiant)", exact=True)
        field.fill("commune:31555")  # Toulouse: not in the Drôme
        _fill(page, "Projet de Toulouse déclaré par la Drôme", None)
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        page.get_by_text("may not declare records of commune:31555").first.wait_for(timeout=120_000)
        assert not _one(db, "SELECT id FROM projects WHERE title LIKE 'Projet de Toulouse%'")
    finally:
        context.close()
