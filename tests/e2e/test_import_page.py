"""Editing mode in a real browser: upload a file, read the report, see the atlas change, undo.
And the default (read-only) app offers no import page at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serve
from tests.e2e.helpers import E2E_ADMIN, assert_offline, choose, sign_in, upload_until, wait

pytestmark = pytest.mark.e2e

#: Pairs the default atlas does not hold (its twinnings are Wikidata's; the test checks it): the
#: import must add links, and undoing it must remove them.
NEW_PAIRS = "Montélimar,France,Zwickau,Allemagne\nArgentan,France,Kaolack,Sénégal\nPessac,France,Bobo-Dioulasso,Burkina Faso\n"


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def edit_server(demo_db: Path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edit")
    db = folder / "atlas.duckdb"
    shutil.copy(demo_db, db)
    from atlas.ingest.accounts import add_user

    add_user(db, E2E_ADMIN[0], "admin", E2E_ADMIN[1])
    with serve(db, folder / "server.log", {"ATLAS_EDIT": "1"}) as url:
        yield url, db


def test_read_only_app_has_no_import_page(server, page):
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("link", name="Ma collectivité").wait_for(timeout=60_000)
    assert page.get_by_role("link", name="Import et qualité").count() == 0
    page.goto(f"{server}/import", wait_until="domcontentloaded")
    # First what must be there (the app answered, with its default page), then the absence.
    page.get_by_role("heading", name="Atlas de l'action extérieure des collectivités").wait_for(timeout=60_000)
    expect(page.get_by_role("heading", name="Import et qualité")).to_have_count(0)


def test_upload_import_and_undo(edit_server, page, tmp_path):
    url, db = edit_server
    fixture = tmp_path / "nouveaux_jumelages.csv"
    fixture.write_text(NEW_PAIRS, encoding="utf-8")
    assert _count(db, """SELECT count(*) FROM links WHERE (fr_name, partner_name) IN
                         (('Montélimar', 'Zwickau'), ('Argentan', 'Kaolack'), ('Pessac', 'Bobo-Dioulasso'))""") == 0
    batches_before = _count(db, "SELECT count(*) FROM import_batches")
    partnerships_before = _count(db, "SELECT count(*) FROM partnerships")
    page.goto(f"{url}/import", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Import et qualité").wait_for(timeout=60_000)
    sign_in(page)  # an editing server asks for an account before any editing page
    check = page.get_by_role("button", name="Vérifier (sans rien écrire)")
    upload_until(page, fixture, page.get_by_role("button", name="Vérifier (sans rien écrire)", disabled=False),
                 "the uploaded file to be accepted")
    check.click()
    page.get_by_text("DRY RUN").first.wait_for(timeout=120_000)
    assert _count(db, "SELECT count(*) FROM import_batches") == batches_before  # a check writes nothing

    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("Import terminé").first.wait_for(timeout=120_000)
    wait(page, lambda: _count(db, "SELECT count(*) FROM import_batches") == batches_before + 1, "a new batch")
    assert _count(db, "SELECT count(*) FROM partnerships") > partnerships_before

    batch = duckdb.connect(str(db), read_only=True).execute(
        "SELECT id FROM import_batches WHERE NOT is_demo ORDER BY imported_at DESC LIMIT 1").fetchone()[0]
    choose(page, page.locator('[data-testid="stSelectbox"]').filter(has_text="Lot à annuler").first, batch,
           f"the batch {batch} to undo")
    page.get_by_role("button", name="Annuler ce lot").click()
    wait(page, lambda: _count(db, "SELECT count(*) FROM import_batches") == batches_before, "the batch undone")
    assert _count(db, "SELECT count(*) FROM partnerships") == partnerships_before
    assert_offline(page)
