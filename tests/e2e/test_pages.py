"""Every page of the app in a real browser, with no network: search, profile, country, story,
and a partner whose name is markup shown as text."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from atlas.db.build import refresh_derived
from atlas.models import Filters
from tests.e2e.conftest import serve
from tests.e2e.helpers import (ARTIFACTS, as_int, assert_offline, map_state, metric, open_expander, wait,
                               wait_idle, wait_visible)

pytestmark = pytest.mark.e2e

XSS = "<img src=x onerror=alert(1)>"
TIMINGS: dict[str, float] = {}


def _record(name: str, seconds: float) -> None:
    """Keep the measured figures (reported in the closing note; no timed assertion)."""
    TIMINGS[name] = round(seconds, 2)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "timings.json").write_text(json.dumps(TIMINGS, indent=2))


def _searchbox(page):
    return page.frame_locator('iframe[title*="searchbox"]').locator("input")


def test_territory_search_as_you_type(server, page, atlas_handle):
    # As a first-time visitor: the home page, then its link to "Ma collectivité".
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("link", name="Trouver ma collectivité et ses liens à l'international").click(timeout=60_000)
    page.get_by_role("heading", name="Ma collectivité").wait_for(timeout=60_000)
    assert page.url.rstrip("/").endswith("/collectivite"), page.url
    box = _searchbox(page)
    box.wait_for(timeout=60_000)
    start = time.monotonic()
    box.click()
    box.type("montelimar", delay=40)  # no accent, lower case: as people type
    options = page.frame_locator('iframe[title*="searchbox"]').locator('[class*="option"]')
    wait(page, lambda: any("Montélimar (26)" in o for o in options.all_inner_texts()),
         "a suggestion for Montélimar")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Montélimar", exact=True).wait_for(timeout=60_000)
    expected = len(atlas_handle.links_frame(Filters(authorities=["commune:26198"])))
    assert expected > 0
    text = wait(page, lambda: (t := metric(page, "Liens")) and as_int(t) == expected and t,
                f"the 'Liens' metric to show {expected}")
    assert as_int(text) == expected
    state = wait(page, lambda: map_state(page), "the map of Montélimar's ties")
    assert expected in state["geojson"]
    _record("search_to_profile_s", time.monotonic() - start)
    assert "id=commune%3A26198" in page.url or "id=commune:26198" in page.url
    assert_offline(page)


def test_country_page(server, page, atlas_handle):
    page.goto(f"{server}/pays?country=SN", wait_until="domcontentloaded")
    expected = len(atlas_handle.links_frame(Filters(countries=["SN"])))
    wait(page, lambda: (t := metric(page, "Liens")) and as_int(t) == expected, f"{expected} links for Senegal")
    wait(page, lambda: map_state(page), "the map")
    page.get_by_role("heading", name="Par région française").wait_for(timeout=30_000)
    assert_offline(page)


def test_presentation_steps_forward_and_back(server, page, atlas_handle):
    page.goto(f"{server}/presentation", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Toutes les coopérations").wait_for(timeout=60_000)
    wait(page, lambda: map_state(page), "the map of step 1")
    # Workshop mode: no sidebar, no header.
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    start = time.monotonic()
    wait_idle(page)  # Streamlit may keep a hidden copy of a button while it lays the page out
    page.locator(".st-key-story_next button:visible").first.click()
    page.get_by_role("heading", name="Les jumelages").wait_for(timeout=60_000)
    expected = len(atlas_handle.links_frame(Filters(kinds=["jumelage"])))
    wait(page, lambda: (t := metric(page, "Liens")) and as_int(t) == expected, f"{expected} twinning links")
    wait(page, lambda: map_state(page), "the map of step 2")
    _record("story_step_s", time.monotonic() - start)
    assert "step=2" in page.url
    wait_idle(page)
    page.locator(".st-key-story_prev button:visible").first.click()
    page.get_by_role("heading", name="Toutes les coopérations").wait_for(timeout=60_000)
    assert_offline(page)


def test_explorer_filter_change_timing(server, page, atlas_handle):
    """Measures the national view: first draw, and redraw after a filter change."""
    start = time.monotonic()
    page.goto(server, wait_until="domcontentloaded")
    first = wait(page, lambda: map_state(page), "the national map")
    _record("national_first_draw_s", time.monotonic() - start)
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Zones géographiques")
    box.locator("input").click()
    page.keyboard.type("Europe")
    start = time.monotonic()
    page.get_by_role("option", name="Europe", exact=True).click()
    expected = len(atlas_handle.links_frame(Filters(zones=["Europe"])))
    wait(page, lambda: (t := metric(page, "Liens")) and as_int(t) == expected, f"{expected} links in Europe")
    wait(page, lambda: (s := map_state(page)) and s != first and s, "the map redrawn")
    _record("national_filter_change_s", time.monotonic() - start)
    assert_offline(page)


@pytest.fixture(scope="module")
def xss_server(demo_db: Path, tmp_path_factory):
    """The app on a copy of the demo database where a partner's name is an HTML payload."""
    folder = tmp_path_factory.mktemp("xss")
    db = folder / "atlas.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    fr_id = con.execute("""SELECT id FROM authorities WHERE level = 'commune'
                           ORDER BY population DESC LIMIT 1""").fetchone()[0]
    con.execute("""INSERT INTO authorities (id, level, name, country_iso2, is_french, lon, lat, geo_precision, batch_id)
                   VALUES ('geonames:999999999', 'place', ?, 'DE', false, 13.4, 52.5, 'manual', 'demo')""", [XSS])
    con.execute("""INSERT INTO partnerships (id, fr_id, partner_id, kind, agreement, since, status, formalised, batch_id)
                   VALUES ('xss-1', ?, 'geonames:999999999', 'jumelage', 'accord de jumelage', 2001, 'en_cours', true, 'demo')""",
                [fr_id])
    refresh_derived(con)
    con.execute("CHECKPOINT")
    con.close()
    with serve(db, folder / "server.log") as url:
        yield url, fr_id


TOOLTIP_JS = """(needle) => {
    const found = [];
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (!(window.L && v instanceof L.GeoJSON)) continue;
        v.eachLayer(layer => {
            const tip = layer.feature && layer.feature.properties && layer.feature.properties.tip;
            if (tip && tip.includes(needle)) { layer.openTooltip(); found.push(tip); }
        });
    }
    const shown = Array.from(document.querySelectorAll('.leaflet-tooltip')).map(e => e.textContent);
    return {found: found, shown: shown, imgs: document.querySelectorAll('img[src="x"]').length};
}"""


def test_partner_named_markup_is_text(xss_server, page):
    url, fr_id = xss_server
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{url}/collectivite?id={fr_id}", wait_until="domcontentloaded")
    wait(page, lambda: map_state(page), "the profile map")

    def tooltip():
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                try:
                    state = frame.evaluate(TOOLTIP_JS, "onerror")
                except Exception:
                    continue
                if state["found"]:
                    return state
        return None

    state = wait(page, tooltip, "the tooltip of the partner with a markup name")
    assert any("&lt;img" in tip for tip in state["found"]), state  # escaped in the data
    assert any(XSS in text for text in state["shown"]), state  # and shown as the literal text
    assert state["imgs"] == 0
    for frame in page.frames:
        try:
            assert frame.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0, frame.url
        except Exception as exc:  # a frame replaced while we looked: not an injected image
            if "img" in str(exc):
                raise
    # No injected element exists (checked above), so no handler can fire later.
    assert dialogs == [], f"script ran: {dialogs}"
    assert_offline(page)


def _prepare(page, which: int, download: str):
    """Click the which-th "Préparer" once the page is idle, then wait for the download button.

    Waiting for the end of the run first means the click reaches the finished page's button, not
    one Streamlit is about to replace (a click on a replaced element reaches nothing)."""
    wait_idle(page)
    page.get_by_role("button", name="Préparer").nth(which).click()
    return wait_visible(page, page.get_by_role("button", name=download), f"the {download!r} button", timeout=90)


def test_download_map_and_data_from_profile(server, page, atlas_handle):
    page.goto(f"{server}/collectivite?id=commune:26198", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Montélimar", exact=True).wait_for(timeout=60_000)
    wait(page, lambda: map_state(page), "the map of Montélimar's ties")  # its first report rerun is over
    open_expander(page, "Exporter la carte et les données", page.get_by_role("button", name="Préparer").first)
    button = _prepare(page, 0, "Télécharger la carte (PDF)")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000

    button = _prepare(page, 1, "Télécharger les données (CSV)")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip()]
    expected = len(atlas_handle.links_frame(Filters(authorities=["commune:26198"])))
    assert len(lines) == expected + 1, text[:500]  # header + one row per link
    assert "Montélimar" in text
    assert_offline(page)


CLICK_JS = """([lat, lng]) => {
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (window.L && v instanceof L.Map) {
            const p = v.latLngToContainerPoint([lat, lng]);
            const r = v.getContainer().getBoundingClientRect();
            return {x: r.left + p.x, y: r.top + p.y};
        }
    }
    return null;
}"""


def _click_map(page, lat: float, lng: float) -> None:
    """Click the point (lat, lng) of the newest, finished map frame."""
    wait_idle(page)
    wait(page, lambda: map_state(page), "the map, finished")
    frames = [f for f in page.frames if "streamlit_folium" in f.url and not f.is_detached()]
    assert frames, "no map frame"
    frame = frames[-1]  # the newest: an older, replaced frame may still be listed
    frame.frame_element().scroll_into_view_if_needed()
    target = frame.evaluate(CLICK_JS, [lat, lng])
    box = frame.frame_element().bounding_box()
    assert target, "no Leaflet map found"
    assert 0 < target["x"] < box["width"] and 0 < target["y"] < box["height"], (target, box)
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])


def test_click_on_a_country_filters_by_it(server, page, atlas_handle):
    page.goto(server, wait_until="domcontentloaded")
    wait(page, lambda: map_state(page), "the national map")
    # A click that lands while Streamlit replaces the map's frame (its first report reruns the
    # page) reaches nothing, as it would for a person, who clicks again: so does this test, at
    # most four times, each on the newest finished frame, in the middle of Australia (clear of
    # the legend). A click that never filters still fails.
    for attempt in range(4):
        _click_map(page, -25.0 + attempt * 0.5, 134.0)
        deadline = time.monotonic() + 15
        while "countries=AU" not in page.url and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        if "countries=AU" in page.url:
            break
    expected = len(atlas_handle.links_frame(Filters(countries=["AU"])))
    wait(page, lambda: "countries=AU" in page.url, "the URL to carry the clicked country")
    wait(page, lambda: (t := metric(page, "Liens")) and as_int(t) == expected, f"{expected} links with Australia")
    assert_offline(page)
