"""Helpers of the real-browser tests."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
#: Every request that is not to the loopback goes to a proxy that does not exist (port 9, nothing
#: listens) and fails: the browser can reach the local server only (Chromium sends loopback
#: requests direct, past any proxy). A guard made with Playwright's routing would do the same, but routing turns
#: the browser's HTTP cache off: every page load would fetch Streamlit's front end again, which
#: no user's browser does (and the app's timings would measure it).
OFFLINE_ARGS = ["--proxy-server=http://127.0.0.1:9"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", *OFFLINE_ARGS]
TIMEOUT_S = 60

#: What the map iframe shows: Leaflet present, the map, its GeoJSON layers and what they drew.
MAP_STATE_JS = """() => {
    if (!window.L || !window.L.Map) return null;
    let map = null; const geojson = []; let base = null;
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (v instanceof L.Map) map = v;
        else if (v instanceof L.GeoJSON) geojson.push(v.getLayers().length);
        // atlas.maps.base_layers: the base layers (countries, départements, régions), filled
        // inline or once fetched from the app's server
        else if (k.startsWith("base_layers") && Array.isArray(v)) base = v.map(l => l.getLayers().length);
    }
    if (!map) return null;
    let layers = 0; map.eachLayer(() => layers++);
    const pane = document.querySelector('.leaflet-overlay-pane');
    return {layers: layers, geojson: geojson, base: base,
            drawn: pane ? pane.querySelectorAll('canvas, path').length : 0,
            bounds: map.getBounds().toBBoxString()};
}"""


def metric(page, label: str) -> str:
    loc = page.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')
    return loc.first.inner_text(timeout=TIMEOUT_S * 1000).strip()


def as_int(text: str) -> int:
    digits = re.sub(r"\D", "", text)
    assert digits, f"no number in metric text {text!r}"
    return int(digits)


def local_only_page(browser, blocked: list[str], viewport: tuple[int, int] = (1400, 1000)):
    """A new page (its own context, 1400×1000 unless told, French) whose requests may only reach the local
    server: the others fail (the browser is launched with ``OFFLINE_ARGS``) and are recorded in
    ``blocked``. The browser's HTTP cache works as a user's does (a reload takes Streamlit's
    front end from it). The e2e ``page`` fixture and the app benchmark
    (benchmarks/app_timings.py) both use it."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="fr-FR")
    context.on("request", lambda request: None if is_local(request.url) else blocked.append(request.url))
    return context.new_page()


def is_local(url: str) -> bool:
    """Whether a request stays in the browser or on this machine (data:, blob:, loopback)."""
    from urllib.parse import urlparse

    parts = urlparse(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


def map_state(page) -> dict | None:
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


def wait(page, predicate, what: str, timeout: float = TIMEOUT_S):
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


def assert_offline(page) -> None:
    blocked = page.blocked
    assert blocked == [], "requests that needed the network (they failed):\n" + "\n".join(blocked)




def appears(locator, seconds: float) -> bool:
    """Whether ``locator`` shows within ``seconds`` (Playwright's other errors are raised)."""
    try:
        locator.wait_for(timeout=seconds * 1000)
        return True
    except Exception as exc:
        if "Timeout" not in type(exc).__name__:
            raise
        return False


def wait_visible(page, locator, what: str, timeout: float = TIMEOUT_S):
    """Wait for ``locator``; on timeout, fail with what the page shows (errors, alerts, buttons)."""
    if appears(locator, timeout):
        return locator
    shown = page.evaluate("""() => {
        const pick = sel => [...document.querySelectorAll(sel)].map(e => e.innerText.trim()).filter(Boolean);
        return {alerts: pick('[data-testid="stException"], [data-testid="stAlert"]'),
                headings: pick('h1, h2, h3'), buttons: pick('button'), running: !!document.querySelector('[data-testid="stStatusWidget"]')};
    }""")
    pytest.fail(f"timed out after {timeout} s waiting for {what}; the page shows {shown}")


def wait_idle(page, timeout: float = TIMEOUT_S) -> None:
    """Wait until Streamlit has finished its run (its "running" status widget is gone): a click
    then reaches the elements of the finished page, not ones about to be replaced."""
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=timeout * 1000)


#: The account the editing-server fixtures create (atlas.ingest.accounts.add_user).
E2E_ADMIN = ("e2e-admin", "e2e-password-123")


def sign_in(page, name: str = E2E_ADMIN[0], password: str = E2E_ADMIN[1]) -> None:
    """Fill the editing server's sign-in form of the page shown and wait for it to go."""
    page.get_by_label("Nom d'utilisateur").wait_for(timeout=TIMEOUT_S * 1000)
    page.get_by_label("Nom d'utilisateur").fill(name)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion").click()
    page.get_by_text("Connecté : " + name).first.wait_for(timeout=TIMEOUT_S * 1000)


def click_until(page, click, target, what: str, attempts: int = 3, each_s: float = 15.0,
                timeout: float = TIMEOUT_S):
    """``click()``, then wait for ``target``; a click that lands while a rerun redraws the page
    may be lost: then, like a user, click again (``attempts`` times, ``each_s`` seconds each),
    and at last fail with what the page shows."""
    for _attempt in range(attempts):
        click()
        if appears(target, each_s):
            return target
    return wait_visible(page, target, what, timeout=timeout)


def upload_until(page, path, target, what: str, attempts: int = 3, each_s: float = 20.0,
                 timeout: float = TIMEOUT_S):
    """Give the page's file uploader the file ``path``, then wait for ``target``. A file given
    while a rerun redraws the uploader may be dropped before Streamlit has it (the uploader then
    lists no file): then, like a user, give it again. A file the uploader lists with no ``target``
    after ``each_s`` seconds is the app's fault: fail at once with what the page shows."""
    dropzone = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
    listed = page.locator('[data-testid="stFileChipName"]').filter(has_text=path.name)
    for _attempt in range(attempts):
        wait_idle(page)
        dropzone.set_input_files(str(path))
        if appears(target, each_s):
            return target
        if listed.count():
            break
    return wait_visible(page, target, f"{what} (the uploader lists {listed.count()} file named {path.name!r})",
                        timeout=timeout)


def open_expander(page, label: str, content, timeout: float = TIMEOUT_S):
    """Open the expander titled ``label`` and wait for ``content`` (a locator inside it), clicking
    again when a click was lost (only while the expander shows closed: a second click on an open
    one would close it)."""
    box = page.locator('[data-testid="stExpander"]').filter(has_text=label).first
    box.wait_for(timeout=timeout * 1000)

    def click() -> None:
        if box.locator('[data-testid="stExpanderDetails"][inert]').count():
            box.get_by_text(label).first.click()

    return click_until(page, click, content, f"the content of the {label!r} expander", timeout=timeout)


def open_tab(page, name: str, timeout: float = TIMEOUT_S):
    """Select the tab ``name`` and wait until the page shows it selected. A click that lands while
    a rerun redraws the tabs may be lost: then, like a user, click again."""
    tab = page.get_by_role("tab", name=name)
    tab.wait_for(timeout=timeout * 1000)
    for _attempt in range(3):
        tab.click()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if tab.get_attribute("aria-selected") == "true":
                return tab
            page.wait_for_timeout(100)
    pytest.fail(f"the tab {name!r} did not open after three clicks")


def choose(page, box, option: str, what: str, attempts: int = 6) -> None:
    """Pick ``option`` in the select box ``box`` (a locator). It opens on typing (a click only
    focuses it), and a rerun may close it under us or undo the choice: then, like a user, try
    again, until the box shows the option."""
    field = box.locator("input")
    for _attempt in range(attempts):
        wait_idle(page)
        field.click()
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(option[:-1])
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=3_000)
        except Exception as exc:
            if "Timeout" not in type(exc).__name__:
                raise
        page.wait_for_timeout(500)
        if field.input_value() == option and not page.get_by_role("option").count():
            wait_idle(page)
            return
    pytest.fail(f"could not choose {what}: the box shows {field.input_value()!r}")
