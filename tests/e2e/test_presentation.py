"""Presenting in a workshop: the Présentation page fits its title, map and legend in the screen
at projector and laptop sizes (no scrolling; a screenshot per size is kept), the keys clickers send
step the story, the buttons are large, and an uploaded story opens at once and survives a reload."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest

from tests.e2e.helpers import ARTIFACTS, TIMEOUT_S, local_only_page, map_state, open_expander, upload_until, wait, wait_idle

pytestmark = pytest.mark.e2e

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LEGEND_JS = """() => { const l = document.querySelector('.atlas-legend');
    if (!l) return null; const r = l.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; }"""


@contextmanager
def _page(browser, width: int, height: int):
    """A page of the given viewport whose requests may only reach the local server."""
    page = local_only_page(browser, [], viewport=(width, height))
    try:
        yield page
    finally:
        page.context.close()


def _button_box(page, which: str) -> dict:
    """The largest box of the ◀ or ▶ button (Streamlit may keep a hidden copy for measuring)."""
    boxes = [b for b in (loc.bounding_box() for loc in page.locator(f".st-key-story_{which} button").all()) if b]
    return max(boxes, key=lambda b: b["width"] * b["height"])


def _layout(page) -> dict | None:
    """Boxes of the title, the buttons, the map and its legend (page coordinates), once exactly
    one map is drawn; None while the page is still changing."""
    frames = page.locator(MAP_FRAME)
    if frames.count() != 1 or not map_state(page):
        return None
    try:
        frame_box = frames.first.bounding_box()
        legend = [f for f in page.frames if "streamlit_folium" in f.url][-1].evaluate(LEGEND_JS)
    except Exception:  # replaced while we looked
        return None
    if not frame_box or not legend:
        return None
    return {"map": frame_box, "legend": {"top": frame_box["y"] + legend["top"], "bottom": frame_box["y"] + legend["bottom"]},
            "title": page.locator("h1").first.bounding_box(),
            "prev": _button_box(page, "prev"), "next": _button_box(page, "next"),
            "scrolled": page.evaluate("() => [...document.querySelectorAll('*')].some(e => e.scrollTop > 0)")}


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1366, 768), (1920, 1080)])
def test_title_map_and_legend_fit_the_screen(server, browser, tmp_path, width, height):
    with _page(browser, width, height) as page:
        page.goto(f"{server}/presentation?story=tour-de-france&step=1", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Toutes les coopérations").wait_for(timeout=TIMEOUT_S * 1000)

        def fitted():
            # the page measures the room left and redraws the map that high: wait for it
            box = _layout(page)
            return box if box and height - 60 <= box["map"]["y"] + box["map"]["height"] <= height else None

        box = wait(page, fitted, f"the map to fill the screen at {width}×{height}", timeout=150)
        page.wait_for_timeout(1500)
        box = wait(page, fitted, "the map to stay fitted")
        page.screenshot(path=str(tmp_path / f"presentation-{width}x{height}.png"))
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"presentation-{width}x{height}.png"))
        assert not box["scrolled"]
        title, frame, legend = box["title"], box["map"], box["legend"]
        assert 0 <= title["y"] and title["y"] + title["height"] <= frame["y"], box
        assert frame["y"] + frame["height"] <= height, f"map bottom {frame['y'] + frame['height']} > {height}"
        assert frame["height"] >= 0.45 * height - 80, f"map only {frame['height']} px high"
        assert frame["y"] <= legend["top"] and legend["bottom"] <= frame["y"] + frame["height"] <= height, box
        for name in ("prev", "next"):  # large enough to hit
            assert box[name]["width"] >= 48 and box[name]["height"] >= 48, (name, box[name])


def _heading(page, name: str) -> None:
    page.get_by_role("heading", name=name).wait_for(timeout=TIMEOUT_S * 1000)


def test_clicker_keys_step_the_story(server, browser):
    with _page(browser, 1280, 720) as page:
        page.goto(f"{server}/presentation?story=tour-de-france", wait_until="domcontentloaded")
        _heading(page, "Toutes les coopérations")
        wait(page, lambda: map_state(page), "the map of step 1")
        for key, title, step in (("ArrowRight", "Les jumelages", 2), ("PageDown", "L'Afrique de l'Ouest", 3),
                                 ("Space", "L'eau et l'assainissement", 4), ("ArrowLeft", "L'Afrique de l'Ouest", 3),
                                 ("PageUp", "Les jumelages", 2), ("ArrowDown", "L'Afrique de l'Ouest", 3),
                                 ("ArrowUp", "Les jumelages", 2)):
            # the page may redraw its map once at the measured height: press once it is laid out
            wait(page, lambda: _layout(page), f"the step before {key} laid out")
            wait_idle(page)
            page.keyboard.press(key)
            _heading(page, title)
            wait(page, lambda: f"step={step}" in page.url, f"step={step} in the URL after {key}")
        # After a click on the map, keys reach the map's frame: they still step the story.
        wait(page, lambda: map_state(page), "the map of step 2")
        wait_idle(page)
        page.locator(MAP_FRAME).first.click(position={"x": 300, "y": 200})
        page.wait_for_timeout(500)
        page.keyboard.press("ArrowRight")
        _heading(page, "L'Afrique de l'Ouest")


def test_an_uploaded_story_opens_at_its_first_step_and_survives_a_reload(server, browser, tmp_path):
    story = {"title": {"fr": "Atelier <b>Sahel</b>"}, "steps": [
        {"title": "Le *Sénégal*", "text": "Première vue", "filters": {"countries": ["SN"]},
         "origin_level": "departement", "dest_level": "country"},
        {"title": "Le Mali", "text": "Deuxième vue", "filters": {"countries": ["ML"]}, "colour_by": "theme"}]}
    path = tmp_path / "atelier.json"
    path.write_text(json.dumps(story, ensure_ascii=False), encoding="utf-8")
    with _page(browser, 1280, 720) as page:
        page.goto(f"{server}/presentation?story=tour-de-france&step=3", wait_until="domcontentloaded")
        _heading(page, "L'Afrique de l'Ouest")
        # the page may redraw its map once at the measured height, which replaces the uploader
        # below it: open the settings and upload once the step is laid out and the page idle
        wait(page, lambda: _layout(page), "the step laid out")
        wait_idle(page)
        open_expander(page, "Récit et réglages", page.locator('[data-testid="stFileUploaderDropzone"]'))
        # selected at once, first step, shown as text
        upload_until(page, path, page.get_by_role("heading", name="Le *Sénégal*"), "the uploaded story's first step")
        wait(page, lambda: "story=session" in page.url and "step=1" in page.url, "the story in the URL")
        wait(page, lambda: (c := page.locator('[data-testid="stCaptionContainer"]').filter(has_text="flux tracés"))
             .count() and c.first.inner_text().startswith("Flux département → pays"), "the step's levels")
        url = page.url
    with _page(browser, 1280, 720) as again:  # a reload: a new session with the same URL
        again.goto(url, wait_until="domcontentloaded")
        _heading(again, "Le *Sénégal*")
        assert again.get_by_text("Atelier <b>Sahel</b>").count() >= 1
        wait(again, lambda: map_state(again), "the map of the first step")
        wait_idle(again)
        # as in the clicker test: keys are heard once the page's presenter is laid out
        wait(again, lambda: _layout(again), "the first step laid out")
        again.keyboard.press("ArrowRight")
        _heading(again, "Le Mali")
