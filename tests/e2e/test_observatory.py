"""The Observatoire page in a real browser, with no network: a région's key figures equal the SQL
figures, the map draws every actor and their flows, a département and a year are chosen (and go
into the URL), the XLSX export holds the same figures, and a screenshot is kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from atlas.db import observatory as O
from tests.e2e.conftest import serve
from tests.e2e.helpers import ARTIFACTS, TIMEOUT_S, as_int, assert_offline, choose, map_state, wait, wait_idle

pytestmark = pytest.mark.e2e

SHOWN = ("actors", "types", "countries", "supported_actors", "support_amount_eur", "projects", "authorities",
         "authority_countries")


def _metric(page, label: str) -> str | None:
    """The value of the metric whose label is exactly ``label`` (None while it is not drawn)."""
    return page.evaluate("""(label) => {
        for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
            const l = m.querySelector('[data-testid="stMetricLabel"]');
            const v = m.querySelector('[data-testid="stMetricValue"]');
            if (l && v && l.innerText.trim() === label) return v.innerText.trim();
        }
        return null;
    }""", label)


def _figures_shown(page, obs) -> None:
    from atlas.ui.pages.observatory import _fmt

    for key in SHOWN:
        label = obs.figure_label(key)
        if key == "support_amount_eur":  # shown short (8,03 M€): compared as the page writes it
            want = _fmt(obs.figures[key], True, "fr")
            wait(page, lambda: _metric(page, label) == want, f"the metric {label!r} to show {want}")
            continue
        want = round(obs.figures[key])
        wait(page, lambda: (v := _metric(page, label)) is not None and as_int(v) == want,
             f"the metric {label!r} to show {want}")


def _choose(page, label: str, option: str) -> None:
    choose(page, page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first, option,
           f"{option!r} in {label!r}")


def _map_with(page, n_actors: int, n_flows: int) -> dict:
    return wait(page, lambda: (s := map_state(page)) and n_actors in s["geojson"] and n_flows in s["geojson"] and s,
                f"the map with {n_actors} actors and {n_flows} flows")


def test_observatory_of_a_region(server, page, atlas_handle, tmp_path):
    db = atlas_handle.db
    page.goto(f"{server}/observatoire?region=76", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Occitanie", exact=True).wait_for(timeout=TIMEOUT_S * 1000)
    obs = O.observatory(db, "region:76")
    assert obs.figures["actors"] > 100
    _figures_shown(page, obs)
    page.get_by_text("inventés (démonstration)").first.wait_for(timeout=TIMEOUT_S * 1000)
    n_flows = int((obs.tables["by_country"]["actors"] > 0).sum())
    state = _map_with(page, len(obs.tables["actors"]), n_flows)
    assert state["drawn"] > 0
    # the navigation lists the page
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text("Observatoire des acteurs").count() >= 1
    # the whole page in one picture: Streamlit scrolls inside its own pane, so the window is made
    # as tall as the page for the screenshot
    wait_idle(page)
    height = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]') || document.body;
        return Math.max(main.scrollHeight, document.body.scrollHeight);
    }""")
    page.set_viewport_size({"width": 1400, "height": min(max(int(height) + 40, 1000), 9000)})
    _map_with(page, len(obs.tables["actors"]), n_flows)
    wait_idle(page)
    page.wait_for_timeout(1500)  # charts (Vega) finish drawing
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "observatoire-region-76.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})

    # another territory: Haute-Garonne, written back into the URL
    _choose(page, "Région ou département", "31 · Haute-Garonne")
    page.get_by_role("heading", name="Haute-Garonne", exact=True).wait_for(timeout=TIMEOUT_S * 1000)
    wait(page, lambda: "departement=31" in page.url and "region=" not in page.url, "the URL of département 31")
    dep = O.observatory(db, "departement:31")
    _figures_shown(page, dep)

    # a year: the figures of 2024, the comparison with 2023
    _choose(page, "Année", "2024")
    wait(page, lambda: "year=2024" in page.url, "the year in the URL")
    dep24 = O.observatory(db, "departement:31", year=2024)
    _figures_shown(page, dep24)
    page.get_by_text("l'évolution par rapport à 2023").first.wait_for(timeout=TIMEOUT_S * 1000)
    _map_with(page, len(dep24.tables["actors"]), int((dep24.tables["by_country"]["actors"] > 0).sum()))

    # the XLSX export: the same figures as the SQL
    wait_idle(page)
    button = page.get_by_role("button", name="Télécharger les chiffres (XLSX)")
    button.wait_for(timeout=TIMEOUT_S * 1000)
    with page.expect_download(timeout=TIMEOUT_S * 1000) as info:
        button.click()
    assert info.value.suggested_filename == "observatoire-haute-garonne-2024.xlsx"
    path = tmp_path / "observatoire.xlsx"
    info.value.save_as(path)
    book = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    figures = dict(zip(book["figures"]["figure"], book["figures"]["value"]))
    assert figures == {k: pytest.approx(v) for k, v in dep24.figures.items()}
    assert dict(zip(book["by_type"]["type"], book["by_type"]["actors"])) == \
        dict(zip(dep24.tables["by_type"]["type"], dep24.tables["by_type"]["actors"]))
    assert "comparison" in book and "Source" in book

    # the print page
    wait_idle(page)
    page.get_by_role("button", name="Préparer la page imprimable").click()
    pdf_button = page.get_by_role("button", name="Télécharger la page imprimable (PDF)")
    pdf_button.wait_for(timeout=TIMEOUT_S * 1000)
    with page.expect_download(timeout=TIMEOUT_S * 1000) as info:
        pdf_button.click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert_offline(page)


HOSTILE = "<img src=x onerror=alert(1)> {{ 7*7 }}"

POPUP_JS = """(needle) => {
    const found = [];
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (!(window.L && v instanceof L.GeoJSON)) continue;
        v.eachLayer(layer => {
            const p = layer.feature && layer.feature.properties;
            if (p && p.pop && p.pop.includes(needle)) { layer.openPopup(); layer.openTooltip(); found.push(p.pop); }
        });
    }
    const shown = Array.from(document.querySelectorAll('.leaflet-popup-content, .leaflet-tooltip'))
        .map(e => e.textContent);
    return {found: found, shown: shown, imgs: document.querySelectorAll('img[src="x"]').length};
}"""


@pytest.fixture(scope="module")
def hostile_server(demo_db: Path, tmp_path_factory):
    """The app on a copy of the default atlas where an actor of Haute-Garonne is named with markup
    and template syntax."""
    folder = tmp_path_factory.mktemp("obs-hostile")
    db = folder / "atlas.duckdb"
    shutil.copy(demo_db, db)
    con = duckdb.connect(str(db))
    actor = con.execute("SELECT id FROM actors WHERE departement = '31' ORDER BY id LIMIT 1").fetchone()[0]
    con.execute("UPDATE actors SET name = ? WHERE id = ?", [HOSTILE, actor])
    con.execute("CHECKPOINT")
    con.close()
    with serve(db, folder / "server.log") as url:
        yield url, actor


def test_actor_named_with_markup_is_text(hostile_server, page, tmp_path):
    url, _actor = hostile_server
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{url}/observatoire?departement=31", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Haute-Garonne", exact=True).wait_for(timeout=TIMEOUT_S * 1000)

    def popup():
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                try:
                    state = frame.evaluate(POPUP_JS, "onerror")
                except Exception:
                    continue
                if state["found"] and any("onerror" in t for t in state["shown"]):
                    return state
        return None

    state = wait(page, popup, "the popup of the actor named with markup")
    assert all("<img" not in p and "&lt;img" in p for p in state["found"]), state  # escaped in the data
    assert any(HOSTILE in text for text in state["shown"]), state  # shown as the literal text
    assert state["imgs"] == 0
    assert not any("49" in t and "7*7" not in t for t in state["shown"])  # no template ran
    # the XLSX keeps the name as it is
    wait_idle(page)
    with page.expect_download(timeout=TIMEOUT_S * 1000) as info:
        page.get_by_role("button", name="Télécharger les chiffres (XLSX)").click()
    path = tmp_path / "o.xlsx"
    info.value.save_as(path)
    names = pd.read_excel(path, sheet_name="actors", engine="openpyxl")["name"].tolist()
    assert HOSTILE in names
    assert dialogs == [], f"script ran: {dialogs}"
    assert_offline(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_observatory_speaks_one_language(server, page, lang):
    """As tests/e2e/test_french_everywhere.py checks the other pages: the visible text and aria
    labels, with the territory box and the data box open, hold no word of the other language."""
    from tests.e2e.test_french_everywhere import ENGLISH, FRENCH, Words, _multiselects, _selectbox

    fr = lang == "fr"
    words = Words(page, f"observatory-{lang}", lang)
    page.goto(f"{server}/observatoire?region=76&year=2024" + ("" if fr else "&lang=en"),
              wait_until="domcontentloaded")
    page.get_by_role("heading", name="Occitanie", exact=True).wait_for(timeout=TIMEOUT_S * 1000)
    wait(page, lambda: map_state(page), "the map")
    wait_idle(page)
    words.collect("observatory")
    _selectbox(page, words, "Région ou département" if fr else "Région or département")
    _multiselects(page, words, ["Données" if fr else "Data"])
    words.check(ENGLISH if fr else FRENCH)
    assert_offline(page)
