"""The real app in a real headless browser (Debian chromium via Playwright), with no network.

Every request that does not go to the local Streamlit server is aborted and recorded: the map
must work from files the app serves itself.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from atlas.models import Filters

try:
    from tests.conftest import chromium_path
except ImportError:  # pytest run without the project root on sys.path
    from conftest import chromium_path  # type: ignore[no-redef]

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_S = 60

#: What the map iframe shows: Leaflet present, the map, its GeoJSON layers and what they drew.
MAP_STATE_JS = """() => {
    if (!window.L || !window.L.Map) return null;
    let map = null; const geojson = [];
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (v instanceof L.Map) map = v;
        else if (v instanceof L.GeoJSON) geojson.push(v.getLayers().length);
    }
    if (!map) return null;
    let layers = 0; map.eachLayer(() => layers++);
    const pane = document.querySelector('.leaflet-overlay-pane');
    return {layers: layers, geojson: geojson,
            drawn: pane ? pane.querySelectorAll('canvas, path').length : 0,
            bounds: map.getBounds().toBBoxString()};
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory):
    """`streamlit run app.py` on a free loopback port; only this process group is ended."""
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = dict(os.environ, ATLAS_DB=str(demo_db))
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             # Serve the code as it was at start: no module reloads if a file changes mid-test.
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {TIMEOUT_S} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the group start_new_session created: pgid == pid
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        pytest.fail("chromium not found: install it with `make test-deps` (apt-get install chromium) "
                    "or set ATLAS_CHROMIUM")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, request):
    """A page whose requests may only reach the local server; the others are aborted and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    blocked: list[str] = []

    def guard(route):
        url = route.request.url
        if urlparse(url).scheme in ("data", "blob") or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.blocked = blocked  # type: ignore[attr-defined]
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    except Exception:  # a screenshot is for debugging only
        pass
    context.close()


def _metric(page, label: str) -> str:
    loc = page.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')
    return loc.first.inner_text(timeout=TIMEOUT_S * 1000).strip()


def _as_int(text: str) -> int:
    digits = re.sub(r"\D", "", text)
    assert digits, f"no number in metric text {text!r}"
    return int(digits)


def _map_state(page) -> dict | None:
    """The state of the st_folium map, re-finding its frame each time (it is replaced on change)."""
    for frame in page.frames:
        if "streamlit_folium" not in frame.url:
            continue
        try:
            state = frame.evaluate(MAP_STATE_JS)
        except Exception:  # frame detached or navigating while being replaced
            continue
        if state and state["drawn"] > 0 and state["geojson"]:
            return state
    return None


def _wait(page, predicate, what: str, timeout: float = TIMEOUT_S):
    """Poll ``predicate`` until it returns something truthy.

    page.wait_for_timeout, not time.sleep: the sync API only handles the browser's events (and
    the request guard) while a Playwright call is running.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(250)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _assert_offline(page) -> None:
    blocked = page.blocked
    assert blocked == [], "requests that needed the network (aborted):\n" + "\n".join(blocked)


def test_explorer_map_and_theme_filter(server, page, atlas_handle):
    page.goto(server, wait_until="domcontentloaded")
    before_text = _metric(page, "Liens")
    assert _as_int(before_text) == atlas_handle.totals()["links"]
    before_map = _wait(page, lambda: _map_state(page), "the Leaflet map with its flows")
    assert before_map["layers"] > 3  # base layers, flows and location totals
    assert sum(before_map["geojson"]) > 100

    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Thèmes")
    box.locator("input").click()
    page.keyboard.type("Eau")
    # Streamlit's fuzzy search also matches "Gouvernance locale et appui…" and puts a "Select all
    # matches" entry first, so Enter alone would pick both: choose the option itself.
    page.get_by_role("option", name="Eau et assainissement", exact=True).click()
    page.keyboard.press("Escape")
    chips = box.inner_text()
    assert "Eau et assainissement" in chips and "Gouvernance" not in chips, chips

    after_text = _wait(page, lambda: (t := _metric(page, "Liens")) != before_text and t, "the 'Liens' metric to change")
    expected = len(atlas_handle.links_frame(Filters(themes=["eau"])))
    assert _as_int(after_text) == expected
    after_map = _wait(page, lambda: (s := _map_state(page)) and s != before_map and s, "the map to be redrawn")
    assert after_map["geojson"] != before_map["geojson"] or after_map["bounds"] != before_map["bounds"]
    assert "themes=eau" in page.url
    _assert_offline(page)


def test_url_preloads_filters(server, page, atlas_handle):
    page.goto(f"{server}/?themes=eau&countries=SN", wait_until="domcontentloaded")
    expected = len(atlas_handle.links_frame(Filters(themes=["eau"], countries=["SN"])))
    assert 0 < expected < atlas_handle.totals()["links"]
    text = _wait(page, lambda: (t := _metric(page, "Liens")) and _as_int(t) == expected and t,
                 f"the 'Liens' metric to show {expected}")
    assert _as_int(text) == expected
    state = _wait(page, lambda: _map_state(page), "the Leaflet map")
    # The view fits the links: Dakar and Paris are in sight.
    west, south, east, north = (float(v) for v in state["bounds"].split(","))
    for lon, lat in ((-17.44, 14.69), (2.35, 48.86)):
        assert west < lon < east and south < lat < north, state["bounds"]
    # A small selection is drawn link by link: one flow feature per link.
    assert expected in state["geojson"], f"no layer with {expected} flows: {state['geojson']}"
    _assert_offline(page)
