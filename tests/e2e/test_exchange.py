"""The Bourse partenariat in a real browser (issue 15): a contributor signs in on an editing server,
publishes an offer whose title carries markup and script (shown as text, run never), finds it on
the map (its marker) and in the list, opens it and sees « Qui d'autre en France ? » and the
requests that answer it, and marks it matched; a visitor who is not signed in sees it, on the
Bourse and on the author's profile, with no publishing form."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from atlas.db import exchange
from atlas.db.connection import ReadOnlyDatabase
from atlas.ingest.accounts import add_user
from atlas.models import THEME_BY_CODE
from tests.e2e.conftest import serve
from tests.e2e.helpers import ARTIFACTS, TIMEOUT_S, assert_offline, map_state, sign_in, wait, wait_idle

pytestmark = pytest.mark.e2e

AGENT = ("mairie-montelimar", "montelimar-2026!")
AUTHOR = "commune:26198"
TITLE = "<b>x</b><script>alert('bourse')</script> Eau {{7*7}}"

#: The exchange's markers of the map's document: post id, tooltip HTML, radius.
POSTS_JS = """() => {
    if (!window.L || !window.L.GeoJSON) return null;
    const out = [];
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (v instanceof L.GeoJSON) v.eachLayer(l => {
            const p = l.feature && l.feature.properties;
            if (p && p.post) out.push({post: p.post, tip: p.tip, radius: l.options.radius});
        });
    }
    return out;
}"""


#: Where the marker of a post is, in the map frame's viewport (null while the map is being drawn).
MARKER_AT_JS = """(post) => {
    if (!window.L || !window.L.Map) return null;
    let map = null, target = null;
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (v instanceof L.Map) map = v;
        else if (v instanceof L.GeoJSON) v.eachLayer(l => {
            if (l.feature && l.feature.properties && l.feature.properties.post === post) target = l;
        });
    }
    if (!map || !target) return null;
    const p = map.latLngToContainerPoint(target.getLatLng());
    const r = map.getContainer().getBoundingClientRect();
    return {x: p.x + r.left, y: p.y + r.top};
}"""


def _click_marker(page, post_id: str) -> bool:
    """Click the marker of ``post_id`` on the Bourse's map (False while it is not drawn)."""
    for frame in page.frames:
        if "streamlit_folium" not in frame.url:
            continue
        try:
            frame.frame_element().scroll_into_view_if_needed()
            point = frame.evaluate(MARKER_AT_JS, post_id)
            box = frame.frame_element().bounding_box()
        except Exception:  # detached while being replaced
            continue
        if point and box:
            page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
            return True
    return False


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _target(db: Path) -> tuple[str, str, str, str]:
    """An open request of a foreign authority (country, theme, its title) in a country where other
    French authorities already have projects on that theme: what the offer will answer."""
    row = _rows(db, """
        SELECT p.id, p.country_iso2, t.theme_code, p.title
        FROM exchange_posts p JOIN authorities a ON a.id = p.authority_id
        JOIN exchange_post_themes t ON t.post_id = p.id
        WHERE p.kind = 'demande' AND p.status = 'ouverte' AND p.expires_on > current_date + 30
          AND NOT a.is_french AND p.country_iso2 IS NOT NULL
          AND (SELECT count(DISTINCT fr_id) FROM link_facts f WHERE f.country_iso2 = p.country_iso2
               AND list_contains(f.themes, t.theme_code) AND f.fr_id <> ?) >= 3
        ORDER BY p.id, t.theme_code LIMIT 1""", [AUTHOR])
    assert row, "the demonstration should hold open requests of foreign authorities"
    return row[0]


@pytest.fixture(scope="module")
def edit_server(demo_db: Path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bourse")
    db = folder / "atlas.duckdb"
    shutil.copy(demo_db, db)
    add_user(db, AGENT[0], "contributor", AGENT[1], scope=AUTHOR)
    with serve(db, folder / "server.log", {"ATLAS_EDIT": "1"}) as url:
        yield url, db


def _in_form(page, testid: str, label: str):
    return page.locator('[data-testid="stForm"]').locator(f'[data-testid="{testid}"]').filter(has_text=label)


def _choose(page, testid: str, label: str, option: str) -> None:
    _in_form(page, testid, label).locator("input").first.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    if testid == "stMultiSelect":  # its menu stays open for more choices (Escape would undo a selectbox's)
        page.keyboard.press("Escape")
        _in_form(page, testid, label).get_by_text(option, exact=True).first.wait_for(timeout=TIMEOUT_S * 1000)


def _map_posts(page) -> list[dict]:
    """The markers of the Bourse's map (its frame is replaced on reruns: skip detached ones)."""
    for frame in page.frames:
        if "streamlit_folium" not in frame.url:
            continue
        try:
            found = frame.evaluate(POSTS_JS)
        except Exception:  # detached while being replaced
            continue
        if found:
            return found
    return []


def test_publish_find_and_match_an_offer(edit_server, page, browser):
    url, db = edit_server
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    request_id, country, theme, request_title = _target(db)
    country_name = _rows(db, "SELECT name_fr FROM countries WHERE iso2 = ?", [country])[0][0]

    page.goto(f"{url}/bourse", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Bourse partenariat").first.wait_for(timeout=TIMEOUT_S * 1000)
    wait(page, lambda: map_state(page), "the Bourse's map")
    sign_in(page, *AGENT)

    # publish an offer about that country and theme, its title full of markup
    page.get_by_role("textbox", name="Titre de l'annonce", exact=True).fill(TITLE)
    _choose(page, "stMultiSelect", "Thèmes", THEME_BY_CODE[theme].label_fr)
    _choose(page, "stSelectbox", "Pays concerné", country_name)
    page.get_by_role("textbox", name="Contact", exact=True).fill("international@montelimar.example")
    wait_idle(page)
    page.get_by_role("button", name="Publier l'annonce", exact=True).click()
    page.get_by_text("Annonce publiée").first.wait_for(timeout=120_000)
    rows = _rows(db, "SELECT id, kind, authority_id, country_iso2, status, user_name FROM exchange_posts "
                     "WHERE title = ?", [TITLE])
    assert len(rows) == 1, rows
    post_id, kind, author, stored_country, status, user = rows[0]
    assert (kind, author, stored_country, status, user) == ("offre", AUTHOR, country, "ouverte", AGENT[0])

    # opened at once: its title as text (a heading with the literal markup), nothing run
    page.get_by_role("heading", name=TITLE).wait_for(timeout=TIMEOUT_S * 1000)
    assert page.locator("main b", has_text="x").count() == 0 or all(
        "<b>" in (b.inner_text() or "") for b in page.locator("main b", has_text="x").all()), \
        "the title's <b> became an element"
    assert page.evaluate("() => window.__bourse_ran === undefined")

    # on the map: its marker (highlighted), with an escaped tooltip
    marker = wait(page, lambda: next((m for m in _map_posts(page) if m["post"] == post_id), None),
                  "the new post's marker on the map")
    assert "&lt;script&gt;" in marker["tip"] and "<script" not in marker["tip"], marker["tip"]
    assert marker["radius"] > 7  # the post shown is drawn larger

    # in the list: the chooser shows it, and the table holds it
    chooser = page.locator('[data-testid="stSelectbox"]').filter(has_text="Annonce à afficher")
    shown = chooser.inner_text() + " " + " ".join(i.input_value() for i in chooser.locator("input").all())
    assert TITLE in shown, shown
    expected_shown = len(exchange.posts(ReadOnlyDatabase(db), statuses=("ouverte",)))  # the default: open posts
    page.get_by_text(f"annonces affichées : {expected_shown}").first.wait_for(timeout=TIMEOUT_S * 1000)

    # its matches: the open request of that country on that theme, listed as a link to its page
    rdb = ReadOnlyDatabase(db)
    try:
        matches = exchange.matches(rdb, post_id)
        who = exchange.who_else(rdb, post_id, top=50)
    finally:
        rdb.close()
    assert request_id in set(matches["id"])
    page.get_by_role("heading", name="Annonces qui y répondent").wait_for(timeout=TIMEOUT_S * 1000)
    page.get_by_text(f"avec au moins un thème commun : {len(matches)}.").wait_for(timeout=TIMEOUT_S * 1000)
    page.get_by_role("link", name=request_title).first.wait_for(timeout=TIMEOUT_S * 1000)
    # « Qui d'autre en France ? »: the French authorities with projects there on that theme
    assert len(who) >= 3 and AUTHOR not in set(who["fr_id"])
    page.get_by_role("heading", name="Qui d'autre en France ?").wait_for(timeout=TIMEOUT_S * 1000)
    page.get_by_text(f"sur l'un de ces thèmes : {len(who)}.").wait_for(timeout=TIMEOUT_S * 1000)
    grid = page.locator('[data-testid="stDataFrame"]').last
    grid.wait_for(timeout=TIMEOUT_S * 1000)
    ARTIFACTS.mkdir(exist_ok=True)
    wait_idle(page)
    # the whole page in one picture: the app scrolls inside its own frame, so the window is made tall
    page.set_viewport_size({"width": 1400, "height": 2700})
    page.locator('[data-testid="stMain"]').evaluate("e => e.scrollTo(0, 0)")
    wait(page, lambda: any(m["post"] == post_id for m in _map_posts(page)), "the map after resizing")
    page.wait_for_timeout(1500)  # let the map settle on its bounds
    page.screenshot(path=str(ARTIFACTS / "bourse.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})

    # a visitor who is not signed in: the post on the Bourse (by URL) and on the author's profile,
    # and no publishing form
    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    visitor = context.new_page()
    visitor_dialogs: list[str] = []
    visitor.on("dialog", lambda d: (visitor_dialogs.append(d.message), d.dismiss()))
    try:
        visitor.goto(f"{url}/bourse?post={post_id}", wait_until="domcontentloaded")
        visitor.get_by_role("heading", name=TITLE).wait_for(timeout=TIMEOUT_S * 1000)
        visitor.get_by_role("link", name=request_title).first.wait_for(timeout=TIMEOUT_S * 1000)
        wait(visitor, lambda: any(m["post"] == post_id for m in _map_posts(visitor)), "the marker for a visitor")
        visitor.get_by_role("button", name="Connexion").wait_for(timeout=TIMEOUT_S * 1000)
        assert visitor.get_by_role("button", name="Publier l'annonce").count() == 0
        assert visitor.get_by_role("textbox", name="Titre de l'annonce").count() == 0
        visitor.goto(f"{url}/collectivite?id={AUTHOR}", wait_until="domcontentloaded")
        visitor.get_by_role("heading", name="Bourse partenariat : annonces ouvertes").wait_for(
            timeout=TIMEOUT_S * 1000)
        visitor.get_by_role("link", name=TITLE).first.wait_for(timeout=TIMEOUT_S * 1000)
    finally:
        context.close()
    assert visitor_dialogs == []

    # the contributor marks it matched: stored and logged
    wait_idle(page)
    page.get_by_role("button", name="Partenaire trouvé", exact=True).click()
    wait(page, lambda: _rows(db, "SELECT status FROM exchange_posts WHERE id = ?", [post_id]) == [("appariee",)],
         "the post marked matched")
    actions = [a for (a,) in _rows(db, "SELECT action FROM audit_log WHERE user_name = ? AND action <> 'sign_in' "
                                       "ORDER BY logged_at", [AGENT[0]])]
    assert actions == ["exchange_publish", "exchange_status"], actions

    # a click on the request's marker opens that request (the map is drawn anew after each run: the
    # click is repeated until the page follows it)
    wait_idle(page)

    def click_opens() -> bool:
        if f"post={request_id}" in page.url:
            return True
        if _click_marker(page, request_id):
            page.wait_for_timeout(2500)
        return f"post={request_id}" in page.url

    wait(page, click_opens, "the request opened by a click on its marker")
    page.get_by_role("heading", name=request_title).wait_for(timeout=TIMEOUT_S * 1000)
    assert dialogs == [], f"a script from the title ran: {dialogs}"
    assert_offline(page)
