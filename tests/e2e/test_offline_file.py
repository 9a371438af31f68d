"""A map saved with ``Atlas.flow_map(...).save()`` or shown in a notebook draws from file:// in
headless Chromium with every request refused, except the file itself.

The flows are counted in the browser (Leaflet's polyline layers that were projected into the
view) and compared with what the Python side drew (``window.atlasMapInfo``); the canvas must hold
painted pixels.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.models import Filters
from tests.e2e.helpers import wait

pytestmark = pytest.mark.e2e

#: What Leaflet drew: its flow lines (polylines that are not polygons), those projected into the
#: view (``_parts``), the painted pixels of the overlay canvas and the Python side's count.
DRAWN_JS = """() => {
    if (!window.L || !window.L.Map) return null;
    let map = null; const flows = [];
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (v instanceof L.Map) map = v;
        else if (v instanceof L.GeoJSON) {
            const ls = v.getLayers();
            if (ls.length && ls.every(l => l instanceof L.Polyline && !(l instanceof L.Polygon))) flows.push(...ls);
        }
    }
    if (!map) return null;
    const canvas = document.querySelector('.leaflet-overlay-pane canvas');
    let painted = 0;
    if (canvas && canvas.width && canvas.height) {
        const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i]) painted++;
    }
    return {info: window.atlasMapInfo || null, flows: flows.length,
            projected: flows.filter(l => l._parts && l._parts.length).length,
            painted: painted, pixels: canvas ? canvas.width * canvas.height : 0,
            legend: (document.querySelector('.atlas-legend') || {}).innerText || ''};
}"""


@pytest.fixture(scope="module")
def files(atlas_handle, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("offline")
    national = out / "national.html"
    atlas_handle.flow_map(Filters()).save(national)
    # Rendered for the app first (served Leaflet), then saved: the file must not keep the served links.
    sn = atlas_handle.flow_map(Filters(countries=["SN"]))
    sn.get_root().render()
    sn.save(out / "senegal.html")
    # A notebook shows _repr_html_: an iframe whose srcdoc is the whole map page.
    notebook = out / "notebook.html"
    shown = atlas_handle.flow_map(Filters(regions=["76"]))._repr_html_()
    notebook.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                        f"<div style='width:1000px'>{shown}</div></body></html>", encoding="utf-8")
    return {"national": national, "senegal": out / "senegal.html", "notebook": notebook}


def _open(browser, path: Path) -> dict:
    """Open ``path`` with only the file itself and data: URIs allowed; what the map drew."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    refused: list[str] = []
    errors: list[str] = []

    def guard(route):
        url = route.request.url
        if url == path.as_uri() or url.startswith("data:"):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri(), wait_until="load")

        def drawn():
            if refused:  # a file that asks for anything else fails at once, naming what it asked for
                return {"refused_early": True}
            for frame in page.frames:
                try:
                    state = frame.evaluate(DRAWN_JS)
                except Exception:  # a frame still loading
                    continue
                if state and state["projected"] and state["painted"]:
                    return state
            return None

        state = wait(page, drawn, f"Leaflet drawing the flows of {path.name}", timeout=30)
        return dict(state, refused=refused, errors=errors)
    finally:
        context.close()


@pytest.mark.parametrize("name", ["national", "senegal", "notebook"])
def test_saved_map_draws_from_file_with_every_request_refused(browser, files, name):
    state = _open(browser, files[name])
    assert state["refused"] == [], state["refused"]
    assert state["errors"] == []
    info = state["info"]
    assert info and info["flows"] > 0
    # Every flow the Python side put on the map is a Leaflet line, projected into the view.
    assert state["flows"] == state["projected"] == info["flows"]
    assert state["painted"] > 0.02 * state["pixels"]  # countries, flows and circles on the canvas
    assert "Zone du partenaire" in state["legend"] and "DÉMONSTRATION" in state["legend"]
