"""A shared URL is the whole view: levels, colour, width, tab and table kind set on the Explorer
travel in the copied URL, and a colleague opening it in a fresh browser sees the same map (flows
drawn, legend) and the same caption."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import TIMEOUT_S, assert_offline, choose, local_only_page, map_state, open_tab, wait, wait_idle

pytestmark = pytest.mark.e2e

#: Legend text of the map's frame (the newest frame: st_folium replaces it on each change).
LEGEND_JS = "() => { const l = document.querySelector('.atlas-legend'); return l ? l.innerText : null; }"


def _choose(page, label: str, option: str) -> None:
    choose(page, page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first, option,
           f"{option!r} in {label!r}")


def _caption(page) -> str:
    loc = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="flux tracés")
    return loc.first.inner_text(timeout=TIMEOUT_S * 1000).strip() if loc.count() else ""


def _view(page, caption_start: str, legend_word: str) -> dict:
    """The map as drawn once it shows ``caption_start`` and a legend holding ``legend_word``:
    caption, flows drawn (GeoJSON features), legend text."""
    def ready():
        caption = _caption(page)
        if not caption.startswith(caption_start):
            return None
        frames = [f for f in page.frames if "streamlit_folium" in f.url]
        state = map_state(page)
        if not frames or not state:
            return None
        try:
            legend = frames[-1].evaluate(LEGEND_JS)
        except Exception:  # the frame is being replaced
            return None
        if not legend or legend_word not in legend:
            return None
        return {"caption": caption, "geojson": state["geojson"], "legend": legend}

    seen = [wait(page, ready, f"the map {caption_start!r} with a legend naming {legend_word!r}", timeout=120)]

    def settled():  # the same twice in a row, a second apart
        page.wait_for_timeout(1000)
        seen.append(ready())
        return seen[-1] if seen[-1] == seen[-2] else None

    return wait(page, settled, f"the map to settle (seen: {seen[-3:]})", timeout=60)


def test_a_copied_url_reproduces_the_view(server, page, browser):
    page.goto(server, wait_until="domcontentloaded")
    wait(page, lambda: map_state(page), "the national map", timeout=120)
    _choose(page, "Origine des flux", "Région")
    _choose(page, "Destination des flux", "Zone")
    _choose(page, "Couleur", "Thème principal")
    _choose(page, "Épaisseur", "Projets")
    before = _view(page, "Flux région → zone", "Thème principal")
    assert "projets" in before["legend"]  # width in projects
    open_tab(page, "Tableau")
    wait_idle(page)
    page.get_by_text("Projets", exact=True).last.click()
    wait(page, lambda: "table=projects" in page.url, "the table kind in the URL")
    url = page.url
    for part in ("origin=region", "dest=zone", "colour=theme", "width=projects", "tab=table", "table=projects"):
        assert part in url, (part, url)

    # A colleague: a new browser context (no shared session, cookies or storage).
    other = local_only_page(browser, [])
    try:
        other.goto(url, wait_until="domcontentloaded")
        tab = other.get_by_role("tab", name="Tableau")
        wait(other, lambda: tab.get_attribute("aria-selected") == "true", "the Tableau tab open", timeout=120)
        radio = other.locator('[data-testid="stRadio"] label').filter(has_text="Projets").locator("input")
        wait(other, lambda: radio.count() and radio.first.is_checked(), "the projects table chosen")
        open_tab(other, "Carte")
        after = _view(other, "Flux région → zone", "Thème principal")
        assert after == before
        for label, value in (("Origine des flux", "Région"), ("Destination des flux", "Zone"),
                             ("Couleur", "Thème principal"), ("Épaisseur", "Projets")):
            box = other.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
            assert box.locator("input").input_value() == value, label
    finally:
        other.context.close()
    assert_offline(page)
