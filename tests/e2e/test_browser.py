"""The real app in a real headless browser (Debian chromium via Playwright), with no network.

Every request that does not go to the local Streamlit server fails and is recorded: the map must
work from files the app serves itself.
"""

from __future__ import annotations

import pytest

from atlas.models import Filters
from tests.e2e.helpers import as_int, assert_offline, map_state, metric, wait

pytestmark = pytest.mark.e2e


def test_explorer_map_and_theme_filter(server, page, atlas_handle):
    page.goto(server, wait_until="domcontentloaded")
    before_text = metric(page, "Liens")
    assert as_int(before_text) == atlas_handle.totals()["links"]
    before_map = wait(page, lambda: map_state(page), "the Leaflet map with its flows")
    assert before_map["layers"] > 3  # base layers, flows and location totals
    assert sum(before_map["geojson"]) > 100
    # the base layers, fetched from the app's server (not sent with the map): every shape drawn
    from atlas.maps.layers import simplified_shapes

    expected_base = [len(simplified_shapes(n, t)) for n, t in (("countries", 0.08), ("departements", 0.01),
                                                               ("regions", 0.01))]
    wait(page, lambda: (s := map_state(page)) and s["base"] == expected_base, f"the base layers {expected_base}")
    fetched = page.evaluate("""() => [...document.querySelectorAll('iframe')].flatMap(f => {
        try { return f.contentWindow.performance.getEntriesByType('resource').map(e => e.name); }
        catch (e) { return []; } }).filter(n => n.includes('/vendor/atlas-layers/'))""")
    assert len(fetched) == 3, fetched

    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Thèmes")
    box.locator("input").click()
    page.keyboard.type("Eau")
    # Streamlit's fuzzy search also matches "Gouvernance locale et appui…" and puts a "Select all
    # matches" entry first, so Enter alone would pick both: choose the option itself.
    page.get_by_role("option", name="Eau et assainissement", exact=True).click()
    page.keyboard.press("Escape")
    chips = box.inner_text()
    assert "Eau et assainissement" in chips and "Gouvernance" not in chips, chips

    after_text = wait(page, lambda: (t := metric(page, "Liens")) != before_text and t, "the 'Liens' metric to change")
    expected = len(atlas_handle.links_frame(Filters(themes=["eau"])))
    assert as_int(after_text) == expected
    after_map = wait(page, lambda: (s := map_state(page)) and s != before_map and s, "the map to be redrawn")
    assert after_map["geojson"] != before_map["geojson"] or after_map["bounds"] != before_map["bounds"]
    assert "themes=eau" in page.url
    assert_offline(page)


def test_url_preloads_filters(server, page, atlas_handle):
    page.goto(f"{server}/?themes=eau&countries=SN", wait_until="domcontentloaded")
    expected = len(atlas_handle.links_frame(Filters(themes=["eau"], countries=["SN"])))
    assert 0 < expected < atlas_handle.totals()["links"]
    text = wait(page, lambda: (t := metric(page, "Liens")) and as_int(t) == expected and t,
                 f"the 'Liens' metric to show {expected}")
    assert as_int(text) == expected
    state = wait(page, lambda: map_state(page), "the Leaflet map")
    # The view fits the links: Dakar and Paris are in sight.
    west, south, east, north = (float(v) for v in state["bounds"].split(","))
    for lon, lat in ((-17.44, 14.69), (2.35, 48.86)):
        assert west < lon < east and south < lat < north, state["bounds"]
    # The map draws the selection's flows (at its readable levels), as the API computes them.
    from tests.e2e.test_readable_maps import _drawn

    sel = atlas_handle.select(Filters(themes=["eau"], countries=["SN"]))
    wait(page, lambda: (d := _drawn(page)) and d["flows"] == sel.n_drawn, f"{sel.n_drawn} flows drawn")
    assert_offline(page)


def test_the_page_reaches_only_the_local_server_and_keeps_its_cache(server, page):
    """The guard of every browser test: a request to a name or an address outside fails and is
    recorded; the app's own files still come from the browser's cache on a reload, as for a user
    (Streamlit serves its front end as immutable files)."""
    page.goto(server, wait_until="domcontentloaded")
    wait(page, lambda: map_state(page), "the map")  # every part of the page loaded once
    outcomes = page.evaluate("""async () => {
        const out = [];
        for (const url of ["http://tiles.example.org/0/0/0.png", "http://192.0.2.1/x.js"]) {
            try { await fetch(url, {mode: "no-cors"}); out.push("reached"); } catch (e) { out.push("failed"); }
        }
        return out; }""")
    assert outcomes == ["failed", "failed"]
    assert page.blocked == ["http://tiles.example.org/0/0/0.png", "http://192.0.2.1/x.js"]
    page.blocked.clear()

    page.goto(server, wait_until="domcontentloaded")  # the page loaded again
    wait(page, lambda: map_state(page), "the map")
    # a script taken from the cache transfers nothing (transferSize 0) yet has a body
    scripts = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(e => e.name.includes('/static/js/'))
        .map(e => [e.name, e.transferSize, e.decodedBodySize])""")
    assert scripts, "no script of Streamlit's front end was loaded"
    from_cache = [name for name, sent, size in scripts if sent == 0 and size > 0]
    assert len(from_cache) == len(scripts), f"fetched again instead of taken from the cache: {scripts}"
    assert_offline(page)
