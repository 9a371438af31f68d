"""Names that carry template syntax, script and markup (issue 8), imported through the real
importer and then shown in a real browser: every page, every map tooltip and popup, every table
and every export shows them as literal text; no dialog opens, no request leaves loopback (none
reaches 127.0.0.2, the address an image name points at) and no server error occurs.

The importer refuses names that hold HTML tags or script (row errors): those are written into
the database directly afterwards (as data from an older import or another tool would be), so the
pages' own escaping is tested on every name, not just on what the importer lets through.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest

import atlas
from atlas.db.build import refresh_derived
from tests.e2e.conftest import serve
from tests.e2e.helpers import (E2E_ADMIN, TIMEOUT_S, choose, click_until, is_local, map_state, open_expander,
                               open_tab, sign_in, upload_until, wait, wait_idle)

pytestmark = pytest.mark.e2e

HOSTILE = [
    "{{7*7}} Quarante-neuf",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{% raw %}x\" '{{",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "[lien](javascript:alert(3))",
    "![img](http://127.0.0.2/x.png)",
    "**gras** _it_ $x^2$",
    "</script><script>alert(4)</script>",
]
#: Signs that a name was evaluated instead of shown: a template ran, a command ran.
EVALUATED = ("49 Quarante-neuf", "uid=")
TOULOUSE = "commune:31555"
HEADER = ("Collectivité;Département;Pays;Collectivité partenaire;Intitulé du projet;Année de début;Montant (€);"
          "ODD;Latitude partenaire;Longitude partenaire")
#: Distinct places in Senegal (lat, lon), one per name: each name is its own partner.
COORDS = [(12.6 + 0.25 * i, -16.0 + 0.3 * i) for i in range(len(HOSTILE))]
#: Stands in for window.showSaveFilePicker: st.dataframe's "Download as CSV" then falls back to
#: an ordinary (blob) download, which Playwright can catch.
NO_SAVE_PICKER = "window.showSaveFilePicker = async () => { throw new Error('no save picker in tests'); };"


def _markupish(name: str) -> bool:
    return "<" in name or "javascript:" in name


def _hostile_csv(path: Path) -> None:
    """The project-table file: each name as partner and as title; then the names with tags or
    script once more as titles only, with a plain-text partner (the importer refuses such names
    as names, titles are free text)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER.split(";"))
    for name, (lat, lon) in zip(HOSTILE, COORDS):
        writer.writerow(["Toulouse", "31", "Sénégal", name, name, 2019, "", 6, f"{lat:.2f}", f"{lon:.2f}"])
    lat, lon = COORDS[0]
    for name in filter(_markupish, HOSTILE):
        writer.writerow(["Toulouse", "31", "Sénégal", HOSTILE[0], name, 2020, "", 6, f"{lat:.2f}", f"{lon:.2f}"])
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(demo_db: Path, tmp_path_factory):
    """A private copy of the demo database with the hostile file imported, served in editing mode."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "atlas.duckdb"
    shutil.copy(demo_db, db)
    source = folder / "noms-hostiles.csv"
    _hostile_csv(source)
    report = atlas.import_file(source, db)
    assert report.batch_id and not report.dry_run, report

    con = duckdb.connect(str(db))
    stored = {name for (name,) in con.execute(
        "SELECT name FROM authorities WHERE batch_id = ? AND country_iso2 = 'SN'", [report.batch_id]).fetchall()}
    refused = {e["value"] for e in report.errors if e["column"] == "Collectivité partenaire"}
    # Plain names (template syntax, markdown) are valid names: imported as they are. Only names
    # with tags or script may be refused, each with a row error: nothing is dropped silently.
    assert refused <= set(filter(_markupish, HOSTILE)), refused
    assert stored | refused == set(HOSTILE), (stored, refused, report.errors)
    for i, name in enumerate(HOSTILE):
        if name in stored:
            continue
        lat, lon = COORDS[i]
        con.execute("""INSERT INTO authorities (id, level, name, country_iso2, is_french, lon, lat, geo_precision, batch_id)
                       VALUES (?, 'place', ?, 'SN', false, ?, ?, 'manual', ?)""",
                    [f"place:SN:hostile{i}", name, lon + 0.1, lat + 0.1, report.batch_id])
        con.execute("""INSERT INTO partnerships (id, fr_id, partner_id, kind, agreement, since, status, formalised, batch_id)
                       VALUES (?, ?, ?, 'cooperation_decentralisee', 'convention', 2019, 'en_cours', true, ?)""",
                    [f"hostile-{i}", TOULOUSE, f"place:SN:hostile{i}", report.batch_id])
    refresh_derived(con)
    titles = {t for (t,) in con.execute("SELECT title FROM projects WHERE batch_id = ?", [report.batch_id]).fetchall()}
    partners = {n for (n,) in con.execute(
        "SELECT partner_name FROM links WHERE fr_id = ? AND country_iso2 = 'SN'", [TOULOUSE]).fetchall()}
    con.execute("CHECKPOINT")
    con.close()
    assert partners >= set(HOSTILE), partners
    # Titles are free text: kept as written, except that the importer strips HTML tags.
    assert {n for n in HOSTILE if "<" not in n} <= titles, titles
    log = folder / "server.log"
    from atlas.ingest.accounts import add_user

    add_user(db, E2E_ADMIN[0], "admin", E2E_ADMIN[1])
    with serve(db, log, {"ATLAS_EDIT": "1"}) as url:
        yield {"url": url, "db": db, "log": log, "csv": source, "titles": titles, "refused": refused,
               "folder": folder}


# --- what every page must (not) do -------------------------------------------------------------

class Watch:
    """Dialogs, requests and problems seen on a page. Problems are gathered, not raised at once,
    so that one failing check still lets the others report."""

    def __init__(self, page, log: Path | None = None):
        self.page, self.log = page, log
        self.log_start = log.stat().st_size if log is not None else 0  # the log is shared by the module
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.problems: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url))
        page.add_init_script(NO_SAVE_PICKER)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.problems.append(message)

    def check_text(self, text: str, where: str) -> None:
        for sign in EVALUATED:
            self.check(sign not in text, f"{where}: {sign!r} shown (a name was evaluated)")

    def check_page(self, where: str) -> None:
        """No exception box, no traceback, nothing evaluated, in the page and each of its frames."""
        page = self.page
        modals = page.locator('[data-testid="stDialog"]')
        self.check(modals.count() == 0, f"{where}: Streamlit modal shown: {modals.all_inner_texts()}")
        errors = page.locator('[data-testid="stException"]')
        self.check(errors.count() == 0, f"{where}: Streamlit exception shown: "
                                        f"{[e[:600] for e in errors.all_inner_texts()]}")
        for frame in page.frames:
            try:
                text = frame.evaluate("() => document.body ? document.body.innerText : ''")
                injected = frame.evaluate(INJECTED_JS)
            except Exception:  # a frame replaced while we looked
                continue
            self.check("Traceback" not in text, f"{where}: 'Traceback' in {frame.url[:80]}")
            self.check_text(text, f"{where} ({frame.url[:80]})")
            self.check(not injected, f"{where}: elements made from names in {frame.url[:80]}: {injected}")

    def finish(self, where: str) -> None:
        """The page's requests, dialogs and the server log; then fail with every problem seen."""
        self.page.wait_for_timeout(500)  # let a late onerror/alert surface (events run during Playwright calls)
        self.check(self.dialogs == [], f"{where}: dialogs opened: {self.dialogs}")
        outside = [u for u in self.requests if not is_local(u)]
        self.check(outside == [], f"{where}: requests leaving loopback: {outside}")
        self.check(not any("127.0.0.2" in u for u in self.requests), f"{where}: request to 127.0.0.2")
        self.check(self.page.blocked == [], f"{where}: requests blocked by the guard: {self.page.blocked}")
        if self.log is not None:
            with open(self.log, "rb") as f:
                f.seek(self.log_start)
                log = f.read().decode("utf-8", errors="replace")
            self.check("Traceback" not in log, f"{where}: server error in the log:\n{_last_traceback(log)}")
            self.check_text(log, f"{where} (server log)")
        assert not self.problems, "\n".join(self.problems)


def _last_traceback(log: str) -> str:
    """The last traceback of the log in short: the app's frames and the error (plain or rich format)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", log)
    tail = text[text.rfind("Traceback"):]
    lines = [line.strip(" \u2502\u256d\u2570\u2500\u256e\u256f") for line in tail.splitlines()]
    frames = [line for line in lines if "/atlas/" in line and " in " in line]
    errors = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)]
    return "\n".join(frames + errors[-1:]) if errors else tail[-2500:]


#: Elements that only a name read as markup would have made.
INJECTED_JS = """() => {
    const sel = 'img[src="x"], img[src*="127.0.0.2"], a[href^="javascript:"], .leaflet-tooltip script, '
              + '.leaflet-tooltip img, .leaflet-tooltip a, .leaflet-popup-content script, .leaflet-popup-content img, '
              + '.leaflet-popup-content a, [data-testid="stMarkdownContainer"] img';
    return [...document.querySelectorAll(sel)].map(e => e.outerHTML.slice(0, 200));
}"""

#: The map's GeoJSON features: each tooltip/popup HTML rendered inertly (DOMParser: no script
#: runs, no image loads) to its text and tags; then the tooltips and popups of the features that
#: name one of ``names`` opened by Leaflet itself and read back as the user sees them.
MAP_TEXTS_JS = """(names) => {
    if (!window.L || !window.L.Map) return null;
    const parser = new DOMParser();
    const render = html => {
        const doc = parser.parseFromString('<!doctype html><body>' + html + '</body>', 'text/html');
        const els = [...doc.body.querySelectorAll('*')];
        const odd = els.filter(e => !['B', 'BR'].includes(e.tagName) || e.attributes.length).map(e => e.outerHTML);
        doc.body.querySelectorAll('br').forEach(b => b.replaceWith('\\n'));
        return {text: doc.body.textContent, odd: odd};
    };
    let map = null; const layers = [];
    for (const k of Object.keys(window)) {
        let v; try { v = window[k]; } catch (e) { continue; }
        if (v instanceof L.Map) map = v;
        else if (v instanceof L.GeoJSON) layers.push(v);
    }
    if (!map || !layers.length) return null;
    const out = {features: 0, lines: [], odd: [], tooltips: [], popups: [], errors: []};
    const hits = [];
    for (const g of layers) g.eachLayer(layer => {
        const p = layer.feature && layer.feature.properties;
        if (!p) return;
        out.features++;
        for (const key of ['tip', 'pop']) {
            if (!p[key]) continue;
            const r = render(p[key]);
            if (r.odd.length) out.odd.push(...r.odd);
            out.lines.push(...r.text.split('\\n'));
            if (names.some(n => r.text.includes(n))) hits.push([layer, key]);
        }
    });
    for (const [layer, key] of hits) {
        try {
            if (key === 'tip') { layer.openTooltip(); continue; }
            layer.openPopup();
            const el = document.querySelector('.leaflet-popup-content');
            out.popups.push(el ? el.innerText : '');
            map.closePopup();
        } catch (e) { out.errors.push(String(e)); }
    }
    out.tooltips = [...document.querySelectorAll('.leaflet-tooltip')].map(e => e.innerText);
    return out;
}"""


def _map_texts(frame, names: list[str]) -> dict | None:
    try:
        return frame.evaluate(MAP_TEXTS_JS, names)
    except Exception:  # frame detached or replaced while we looked
        return None


def _map_frames(page):
    return [f for f in page.frames if "streamlit_folium" in f.url]


def check_map(watch: Watch, where: str, names: list[str], frame_source=None) -> dict:
    """Every tooltip and popup of the map is plain text; each of ``names`` appears literally in
    the features' text and in the tooltips (and popups) Leaflet draws."""
    page = watch.page
    frames = frame_source or (lambda: _map_frames(page))
    last: dict = {}

    def complete():
        nonlocal last
        for frame in frames():
            texts = _map_texts(frame, names)
            if not texts or not texts["features"]:
                continue
            last = texts
            shown = "\n".join(texts["tooltips"])
            if all(n in texts["lines"] or any(line.endswith(f"→ {n}") for line in texts["lines"]) for n in names) \
                    and all(n in shown for n in names):
                return texts
        return None

    if names:
        texts = _poll(page, complete, timeout=TIMEOUT_S) or last
    else:
        texts = wait(page, lambda: next((t for f in frames() if (t := _map_texts(f, [])) and t["features"]), None),
                     f"{where}: the map's features")
    lines = texts.get("lines", [])
    for name in names:
        watch.check(name in lines or any(line.endswith(f"→ {name}") for line in lines),
                    f"{where}: {name!r} not a line of any map tooltip/popup; lines naming Toulouse: "
                    f"{[line for line in lines if 'Toulouse' in line][:30]}")
        watch.check(any(name in t for t in texts.get("tooltips", [])),
                    f"{where}: {name!r} not shown in an open tooltip: {texts.get('tooltips', [])[:30]}")
    for popup in texts.get("popups", []):
        watch.check(any(n in popup for n in names), f"{where}: popup without its literal name: {popup!r}")
    watch.check(texts.get("odd", []) == [], f"{where}: markup in tooltips/popups: {texts.get('odd', [])[:10]}")
    watch.check(texts.get("errors", []) == [], f"{where}: opening tooltips/popups failed: {texts.get('errors')}")
    watch.check_text("\n".join(lines + texts.get("tooltips", []) + texts.get("popups", [])), f"{where} map")
    return texts


def _poll(page, predicate, timeout: float):
    """Like helpers.wait, but returns None on timeout (the caller reports what it last saw)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(300)
    return None


# --- tables and exports ------------------------------------------------------------------------

def grid_rows(watch: Watch, index: int, where: str, timeout: float = TIMEOUT_S) -> list[dict] | None:
    """The rows of the index-th st.dataframe, from its own "Download as CSV" (the grid is a canvas)."""
    page = watch.page
    grids = page.locator('[data-testid="stDataFrame"]')
    if _poll(page, lambda: grids.count() > index, timeout) is None:
        watch.check(False, f"{where}: table #{index + 1} never appeared ({grids.count()} shown)")
        return None
    wait_idle(page)  # a rerun would replace the grid (and its toolbar) under the pointer
    grid = grids.nth(index)
    # Mid-screen: its toolbar (shown on hover, just above the grid) is then clear of the app header.
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    grid.hover()
    button = grid.get_by_role("button", name="Download as CSV")
    button.wait_for(state="attached")
    with page.expect_download(timeout=TIMEOUT_S * 1000) as info:
        # The toolbar fades in on hover and may never be "stable" for Playwright's pointer
        # checks: the click is dispatched to the button itself.
        button.dispatch_event("click")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    watch.check_text(text, f"{where} table #{index + 1}")
    return list(csv.DictReader(io.StringIO(text)))


def check_column(watch: Watch, rows: list[dict] | None, column: str, expected, where: str, exact: bool = True):
    if rows is None:
        return
    if not rows or column not in rows[0]:
        watch.check(False, f"{where}: no column {column!r} in {list(rows[0]) if rows else 'an empty table'}")
        return
    cells = [r[column] for r in rows]
    for value in expected:
        found = value in cells if exact else any(value in c for c in cells)
        watch.check(found, f"{where}: {value!r} not literally in column {column!r}: "
                           f"{[c for c in cells if any(ch in c for ch in '{<[*!')][:20]}")


def _prepare(page, which: int, download: str):
    """Click the which-th "Préparer" and wait for the download button (as in test_pages: a click
    that lands while Streamlit replaces the button reaches nothing, so click again)."""
    return click_until(page, lambda: page.get_by_role("button", name="Préparer").nth(which).click(),
                       page.get_by_role("button", name=download), f"the {download!r} button", each_s=40, timeout=30)


def check_exports(watch: Watch, browser, where: str, names: list[str], folder: Path,
                  map_names: list[str] | None = None) -> None:
    """The page's 'Exporter' panel: the HTML map (opened from file:// with no network) and the
    CSV data both hold the literal names (``map_names``: those the map draws, when its levels
    group the partners)."""
    page = watch.page
    open_expander(page, "Exporter la carte et les données", page.get_by_role("button", name="Préparer").first)
    panel = page.locator('[data-testid="stExpander"]').filter(has_text="Exporter la carte et les données")
    choose(page, panel.locator('[data-testid="stSelectbox"]').filter(has_text="Carte").first, "HTML",
            f"{where}: the HTML map format")
    button = _prepare(page, 0, "Télécharger la carte (HTML)")
    with page.expect_download(timeout=TIMEOUT_S * 1000) as info:
        button.click()
    html_path = folder / f"{where}-carte.html"
    info.value.save_as(html_path)
    button = _prepare(page, 1, "Télécharger les données (CSV)")
    button.wait_for(state="attached")
    with page.expect_download(timeout=TIMEOUT_S * 1000) as info:
        # The toolbar fades in on hover and may never be "stable" for Playwright's pointer
        # checks: the click is dispatched to the button itself.
        button.dispatch_event("click")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    watch.check_text(text, f"{where} CSV export")
    check_column(watch, list(csv.DictReader(io.StringIO(text))), "partner_name", names, f"{where} CSV export")
    html = html_path.read_text(encoding="utf-8")
    watch.check_text(html, f"{where} HTML export (source)")
    _open_html_export(watch, browser, html_path, f"{where} HTML export", names if map_names is None else map_names)


def _open_html_export(watch: Watch, browser, path: Path, where: str, names: list[str]) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="fr-FR")
    requests: list[str] = []
    dialogs: list[str] = []

    def guard(route):
        url = route.request.url
        if urlparse(url).scheme in ("file", "data", "blob"):
            route.continue_()
        else:
            requests.append(url)
            route.abort()

    context.route("**/*", guard)
    try:
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url) if urlparse(r.url).scheme not in
                ("file", "data", "blob") else None)
        page.goto(path.as_uri(), wait_until="load")
        wait(page, lambda: (s := page.evaluate(
            "() => !!(window.L && document.querySelector('.leaflet-overlay-pane canvas, .leaflet-overlay-pane path'))")) and s,
             f"{where}: the map drawn from file://")
        inner = Watch.__new__(Watch)  # the checks of Watch, on this page, reported into watch
        inner.page, inner.log, inner.problems = page, None, watch.problems
        check_map(inner, where, names, frame_source=lambda: [page.main_frame])
        text = page.evaluate("() => document.body.innerText")
        watch.check_text(text, where)
        watch.check(not page.evaluate(INJECTED_JS), f"{where}: elements made from names: {page.evaluate(INJECTED_JS)}")
        page.wait_for_timeout(500)
        watch.check(dialogs == [], f"{where}: dialogs opened: {dialogs}")
        watch.check(requests == [], f"{where}: requests from the file: {sorted(set(requests))}")
    finally:
        context.close()


# --- the pages ---------------------------------------------------------------------------------

def open_page(page, url: str, what: str) -> None:
    """Open ``url`` and wait for its map; the app must stay on the page asked for."""
    modals = page.locator('[data-testid="stDialog"]')
    page.goto(url, wait_until="domcontentloaded")
    wait(page, lambda: map_state(page) or modals.count(), what)
    path = urlparse(url).path
    assert urlparse(page.url).path == path and modals.count() == 0, \
        f"{url} was not shown: now at {page.url}, modal {modals.all_inner_texts()}"


def test_country_page(hostile, page, browser):
    watch = Watch(page, hostile["log"])
    open_page(page, f"{hostile['url']}/pays?country=SN", "the map of Senegal")
    # The page's readable map groups Senegal's partners (région → pays): no partner is named on
    # it, and every tooltip is still plain text. The names are checked in its table and CSV, and
    # on the Explorer's map at authority level.
    check_map(watch, "Pays partenaire", [])
    page.get_by_role("heading", name="Collectivités françaises").wait_for(timeout=TIMEOUT_S * 1000)
    rows = grid_rows(watch, 0, "Pays partenaire")
    toulouse = [r for r in rows or [] if r.get("Collectivités françaises") == "Toulouse"]
    watch.check(len(toulouse) == 1, f"Pays partenaire: no single Toulouse row in the table: {toulouse}")
    check_column(watch, toulouse, "Partenaires", HOSTILE, "Pays partenaire table", exact=False)
    check_exports(watch, browser, "pays", HOSTILE, hostile["folder"], map_names=[])
    watch.check_page("Pays partenaire")
    watch.finish("Pays partenaire")


def test_explorer_on_senegal(hostile, page, browser):
    watch = Watch(page, hostile["log"])
    # authority → authority: every partner is a place of its own on the map
    open_page(page, f"{hostile['url']}/?countries=SN&origin=authority&dest=authority", "the Explorer map")
    assert "countries=SN" in page.url, page.url
    check_map(watch, "Explorer", HOSTILE)  # its exports are those of the country page (same selection)
    open_tab(page, "Tableau")
    check_column(watch, grid_rows(watch, 0, "Explorer links"), "Partenaire", HOSTILE, "Explorer links table")
    page.locator('[data-testid="stRadio"]').get_by_text("Projets", exact=True).click()
    grids = page.locator('[data-testid="stDataFrame"]')
    wait(page, lambda: page.locator('[data-testid="stException"]').count() > 0
         or (grids.count() > 0 and "ProjetDébut" in (grids.first.text_content() or "")), "the projects table (or an error)")
    if page.locator('[data-testid="stException"]').count() == 0:
        rows = grid_rows(watch, 0, "Explorer projects")
        check_column(watch, rows, "Projet", sorted(hostile["titles"]), "Explorer projects table")
    watch.check_page("Explorer")
    watch.finish("Explorer")


def test_toulouse_profile(hostile, page, browser):
    watch = Watch(page, hostile["log"])
    open_page(page, f"{hostile['url']}/collectivite?id={TOULOUSE}", "the map of Toulouse's ties")
    page.get_by_role("heading", name="Toulouse", exact=True).wait_for(timeout=TIMEOUT_S * 1000)
    check_map(watch, "Ma collectivité", HOSTILE)
    check_exports(watch, browser, "collectivite", HOSTILE, hostile["folder"])
    check_column(watch, grid_rows(watch, 0, "Ma collectivité partners"), "Partenaire", HOSTILE,
                 "Ma collectivité partners table")
    rows = grid_rows(watch, 1, "Ma collectivité projects", timeout=20)
    check_column(watch, rows, "Projet", sorted(hostile["titles"]), "Ma collectivité projects table")
    watch.check_page("Ma collectivité")
    watch.finish("Ma collectivité")


@pytest.mark.parametrize("step", [1, 3])
def test_presentation(hostile, page, step):
    """Step 3 is West Africa (Senegal included); the story's maps aggregate, names or not, every
    tooltip stays plain text."""
    watch = Watch(page, hostile["log"])
    open_page(page, f"{hostile['url']}/presentation?step={step}", f"the map of step {step}")
    check_map(watch, f"Présentation step {step}", [])
    watch.check_page(f"Présentation step {step}")
    watch.finish(f"Présentation step {step}")


def test_import_page_dry_run(hostile, page):
    """The same file checked again from the import page: the report quotes every name as text."""
    watch = Watch(page, hostile["log"])
    page.goto(f"{hostile['url']}/import", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Import et qualité").wait_for(timeout=TIMEOUT_S * 1000)
    sign_in(page)
    check = page.get_by_role("button", name="Vérifier (sans rien écrire)")
    upload_until(page, hostile["csv"], page.get_by_role("button", name="Vérifier (sans rien écrire)", disabled=False),
                 "the uploaded file to be accepted")
    check.click()
    summary = page.locator('[data-testid="stCode"]').filter(has_text="DRY RUN")
    summary.wait_for(timeout=120_000)
    text = summary.inner_text()
    for name in hostile["refused"]:  # rows refused are quoted in the report
        watch.check(name in text or repr(name) in text, f"import report: {name!r} not quoted literally:\n{text}")
    for name in HOSTILE:
        if name in hostile["refused"]:
            continue
        watch.check(name in text or repr(name) in text or name.replace("'", "\\'") in text,
                    f"import report: {name!r} not quoted literally:\n{text}")
    if hostile["refused"]:
        page.get_by_text(re.compile(r"^Erreurs \(\d+\)")).first.click()
        check_column(watch, grid_rows(watch, 0, "import errors"), "value", sorted(hostile["refused"]),
                     "import report errors table")
    watch.check_page("Import et qualité")
    watch.finish("Import et qualité")
