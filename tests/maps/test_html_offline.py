"""Standalone HTML exports open from file:// in headless Chromium with no network and draw."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from atlas.models import Filters
from tests.conftest import chromium_path

pytestmark = pytest.mark.e2e

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
VIEWS = {"national": Filters(), "region": Filters(regions=["76"]), "commune": Filters(authorities=["commune:31555"])}


def _draw_all(files: dict[str, Path]) -> dict[str, dict]:
    """Open every file in headless Chromium with non-file requests blocked; what each page drew.

    Runs in its own thread: Playwright's sync API allows one instance per thread, and the e2e
    tests keep a session-wide one open in the main thread.
    """
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        for name, path in files.items():
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            outside: list[str] = []
            errors: list[str] = []

            def guard(route, outside=outside):
                if route.request.url.startswith(("file:", "data:")):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("() => document.querySelector('.leaflet-overlay-pane canvas') !== null",
                                   timeout=15000)
            layers = page.evaluate("""() => {
                let n = 0, geo = 0;
                for (const k of Object.keys(window)) {
                    const v = window[k];
                    if (v && v instanceof L.Map) { v.eachLayer(l => { n++; if (l.feature) geo++; }); }
                }
                return {n, geo};
            }""")
            results[name] = {"outside": outside, "errors": errors, "geo": layers["geo"],
                             "legend": page.inner_text(".atlas-legend")}
            page.close()
        browser.close()
    return results


@pytest.fixture(scope="module")
def drawn(atlas_handle, tmp_path_factory) -> dict[str, dict]:
    if chromium_path() is None:
        pytest.skip("no chromium (make test-deps installs Debian's)")
    out = tmp_path_factory.mktemp("html")
    files = {name: atlas_handle.export_map(f, out / f"{name}.html") for name, f in VIEWS.items()}
    files["choropleth"] = atlas_handle.export_map(Filters(), out / "countries.html", view="countries")
    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(_draw_all, files).result()
    for name, path in files.items():
        results[name]["html"] = path.read_text(encoding="utf-8")
    return results


@pytest.mark.parametrize("name", list(VIEWS) + ["choropleth"])
def test_html_draws_from_file_with_the_network_blocked(drawn, name):
    r = drawn[name]
    assert r["outside"] == [] and r["errors"] == []
    assert r["geo"] > 100  # countries + flows + circles are drawn features
    assert "Source" in r["legend"] and "DÉMONSTRATION" in r["legend"]
    assert "<script src=" not in r["html"]  # everything inlined
    if name != "choropleth":
        assert "Zone du partenaire" in r["legend"]
        assert "window.atlasMapInfo" in r["html"]
