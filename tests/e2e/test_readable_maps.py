"""Screen maps that can be read (issue 11), in a real browser with no network: the flows drawn for
eau + Sénégal/Mali, the Sénégal page and a story step stay within the readable budget, the main
places carry their names, circles give outgoing and incoming totals, and a click on a circle
isolates its flows.

Before: 300, 346 and 309 authority → authority or département → country arcs; the counts are
read from the map in the page, compared with the selection service's and the budget's.
"""

from __future__ import annotations

import pytest

from atlas import config
from atlas.models import Filters
from atlas.selection import MapOptions
from atlas.ui.stories import bundled_stories
from tests.e2e.helpers import assert_offline, map_state, wait

#: What the map in the page drew: flows (features carrying their ends' ids), circles, names.
DRAWN_JS = """() => {
    if (!window.L) return null;
    let flows = null, places = null;
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (!(v instanceof L.GeoJSON)) continue;
        const layers = v.getLayers();
        if (!layers.length) continue;
        const p = layers[0].feature.properties;
        if ('o' in p && 'd' in p) flows = v;
        else if ('id' in p && p.style && 'radius' in p.style) places = v;
    }
    if (!flows || !places) return null;
    const labels = [...document.querySelectorAll('.leaflet-tooltip.atlas-label')].map(e => e.textContent);
    const legend = document.querySelector('.atlas-legend');
    return {flows: flows.getLayers().length, places: places.getLayers().length, labels: labels,
            legend: legend ? legend.innerText : '',
            named: window.atlasLabels ? window.atlasLabels.getLayers().length : -1,
            tips: places.getLayers().slice(0, 3).map(l => l.feature.properties.tip)};
}"""

#: Click the largest circle; say which flows stay drawn in full and which fade.
FOCUS_JS = """() => {
    let flows = null, places = null;
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (!(v instanceof L.GeoJSON) || !v.getLayers().length) continue;
        const p = v.getLayers()[0].feature.properties;
        if ('o' in p && 'd' in p) flows = v;
        else if ('id' in p && p.style && 'radius' in p.style) places = v;
    }
    const big = places.getLayers().reduce((a, b) => a.feature.properties.style.radius >= b.feature.properties.style.radius ? a : b);
    const id = big.feature.properties.id;
    big.fire('click', {latlng: big.getLatLng()}, true);
    const all = flows.getLayers();
    const bright = all.filter(l => l.options.opacity > 0.1);
    const own = all.filter(l => l.feature.properties.o === id || l.feature.properties.d === id);
    return {id: id, focus: window.atlasFocus, bright: bright.length, own: own.length, all: all.length,
            bright_are_own: bright.every(l => l.feature.properties.o === id || l.feature.properties.d === id)};
}"""


def _story_step(n: int) -> Filters:
    return next(iter(bundled_stories().values())).steps[n - 1].filters


def _drawn(page) -> dict | None:
    for frame in page.frames:
        if "streamlit_folium" not in frame.url:
            continue
        try:
            state = frame.evaluate(DRAWN_JS)
        except Exception:  # the frame is being replaced
            continue
        if state and state["flows"]:
            return state
    return None


def _frame(page):
    return next(f for f in page.frames if "streamlit_folium" in f.url and _drawn_in(f))


def _drawn_in(frame) -> bool:
    try:
        return bool(frame.evaluate(DRAWN_JS))
    except Exception:
        return False


VIEWS = {
    "eau-senegal-mali": ("/?themes=eau&countries=SN,ML", Filters(themes=["eau"], countries=["SN", "ML"])),
    "senegal-page": ("/pays?country=SN", Filters(countries=["SN"])),
    # the built-in story sets each step's levels: step 1 (région → zone) stays within the budget;
    # steps that set finer levels draw what they ask for (set levels are never grouped)
    "story-step-1": ("/presentation?step=1", _story_step(1)),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_screen_map_stays_readable_and_names_places(name, server, page, atlas_handle):
    path, filters = VIEWS[name]
    budget = config.number("readable_flows")
    step = next(iter(bundled_stories().values())).steps[0]
    options = step.options() if name.startswith("story") else MapOptions()
    sel = atlas_handle.select(filters, options)
    page.goto(f"{server}{path}", wait_until="domcontentloaded")
    wait(page, lambda: map_state(page), f"the map of {name}")
    # (st_folium keeps the map's scripts, not the page's: the count is read from the layers)
    state = wait(page, lambda: (s := _drawn(page)) and s["flows"] == sel.n_drawn and s["labels"] and s,
                 f"the map of {name} with its {sel.n_drawn} flows")
    # the flows drawn are the view's, within the readable budget
    assert 1 <= state["flows"] <= budget, f"{name}: {state['flows']} flows drawn, budget {budget}"
    caption = page.get_by_text("flux tracés").first.inner_text()
    assert f"{sel.n_drawn} flux tracés" in caption.replace("\u202f", ""), caption
    # names: the largest places, said in the legend
    assert state["labels"], f"{name}: no place named"
    assert len(state["labels"]) == state["named"]
    totals = sel.flows.groupby("dest")["n_links"].sum().sort_values(ascending=False)
    biggest = sel.flows.set_index("dest")["dest_name"].to_dict()[totals.index[0]]
    assert biggest in state["labels"], (biggest, state["labels"])
    assert "Noms :" in state["legend"]
    # circles: outgoing and incoming totals
    assert all("Sortants :" in t and "Entrants :" in t for t in state["tips"]), state["tips"]
    assert_offline(page)


def test_clicking_a_place_isolates_its_flows(server, page, atlas_handle):
    path, _filters = VIEWS["eau-senegal-mali"]
    page.goto(f"{server}{path}", wait_until="domcontentloaded")
    wait(page, lambda: _drawn(page), "the map")
    focus = _frame(page).evaluate(FOCUS_JS)
    assert focus["focus"] == focus["id"]
    assert 0 < focus["own"] < focus["all"]
    assert focus["bright"] == focus["own"] and focus["bright_are_own"], focus
    assert_offline(page)
