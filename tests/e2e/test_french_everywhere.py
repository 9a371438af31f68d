"""French everywhere, English when chosen (issue 12): every page, with its menus, search box and
uploader open, lists what it shows (visible text plus the aria labels, placeholders and titles a
screen reader or a tooltip reads) and checks it against Streamlit's English words that used to
leak into the French app; in English, against French words of ours."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from atlas.ui import locale
from tests.e2e.conftest import serve
from tests.e2e.helpers import (ARTIFACTS, E2E_ADMIN, TIMEOUT_S, assert_offline, open_expander, open_tab, sign_in,
                               wait_idle)

pytestmark = pytest.mark.e2e

#: English that leaked into the French pages (Streamlit's widgets, aria labels, our own counts).
ENGLISH = (r"\bNo options\b", r"\bNo results?\b", r"\bSelect all\b", r"\bSelect \d+ matches\b", r"\bmatches\b",
           r"\bDrag and drop\b", r"\bBrowse files\b", r"\bUpload\b", r"\bLimit\b", r"\bper file\b", r"\d+MB\b",
           r"\bfile upload\b", r"— start\b", r"— end\b", r"\brows? shown\b", r"\bChoose (an )?options?\b",
           r"^Open$", r"\bClear all\b", r"\bClear value\b", r"\bRemove\b", r"\bSkip to main content\b",
           r"^Sidebar$", r"\b(Collapse|Expand) sidebar\b", r"\bApp pages\b", r"\bMain menu\b",
           r"\bLink to heading\b", r"\bFullscreen\b", r"\bShow data\b", r"\bDownload as CSV\b",
           r"\bShow/hide columns\b", r"^Search$", r"\bIncrement\b", r"\bDecrement\b", r"\bPress Enter\b",
           r"\bRunning\.\.\.", r"\bLoading\.\.\.", r"\boptions? available\b", r"\bresults? available\b",
           r"\bfor search term\b", r"\bUse Up and Down\b", r"\b(Show|Hide) password\b", r"^Dismiss$",
           r"\bDownload as\b", r"\bZoom (in|out)\b", r"\bselected\b")
#: Kept in English on purpose (atlas.ui.locale.KEEP_ATTRIBUTES: another test finds a button by it).
KEPT = set(locale.KEEP_ATTRIBUTES)
#: French of ours (and of the translating script) that must not stay on the English pages.
FRENCH = (r"\bTout sélectionner\b", r"\bSélectionner les\b", r"\bAucun résultat\b", r"\bAucune option\b",
          r"\bChoisissez\b", r"\bChoisir un fichier\b", r"\bpar fichier\b", r"\bGlissez", r"— début\b", r"— fin\b",
          r"\blignes? affichées?\b", r"^Ouvrir$", r"\bBarre latérale\b", r"\bMenu principal\b", r"^Rechercher$",
          r"\bPlein écran\b", r"\bAfficher les données\b", r"\bFiltres\b", r"\bThèmes\b", r"\bGraphiques\b",
          r"\bTableau\b", r"\bExporter\b", r"\bTélécharger\b", r"\bRécit\b", r"\bLangue\b",
          r"\bdisponibles?\b", r"\bsuggestions? pour\b", r"\btexte saisi\b", r"\bZoom (avant|arrière)\b")

#: The page's words: rendered text without icon ligatures ("keyboard_arrow_right" is an icon),
#: and the attributes people and screen readers read. Run in the page and in component frames.
COLLECT_JS = """() => {
    const style = document.createElement('style');
    style.textContent = '[data-testid="stIconMaterial"] { display: none !important; }';
    document.head.appendChild(style);
    const lines = document.body.innerText.split('\\n');
    style.remove();
    for (const e of document.querySelectorAll('[aria-label], [placeholder], [title], [aria-placeholder]'))
        for (const a of ['aria-label', 'placeholder', 'title', 'aria-placeholder']) {
            const v = e.getAttribute(a);
            if (v) lines.push(v);
        }
    return lines.map(s => s.trim()).filter(Boolean);
}"""
FRAMES = ("streamlit_searchbox", "streamlit_folium")


class Words:
    """What a page showed, step by step (kept as an artifact for whoever reads a failure)."""

    def __init__(self, page, name: str, lang: str):
        self.page, self.name, self.lang, self.lines = page, name, lang, []

    def collect(self, step: str) -> None:
        # What the page shows once its translating script runs (a first paint may come before).
        self.page.wait_for_function("lang => window.__atlasLocale && window.__atlasLocale.lang === lang",
                                    arg=self.lang, timeout=TIMEOUT_S * 1000)
        self.page.wait_for_timeout(300)  # the script handles changes at the next mutation batch
        for frame in [self.page.main_frame] + [f for f in self.page.frames if any(n in f.url for n in FRAMES)]:
            try:  # a frame in a hidden tab is not drawn: its innerText would be its raw source
                if frame is not self.page.main_frame and not frame.frame_element().is_visible():
                    continue
                self.lines += [(step, line) for line in frame.evaluate(COLLECT_JS)]
            except Exception:  # a component frame replaced while being read
                continue

    def check(self, patterns: tuple[str, ...]) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"words-{self.name}.txt").write_text(
            "\n".join(f"{step}\t{line}" for step, line in self.lines), encoding="utf-8")
        assert self.lines, "nothing collected"
        leaks = sorted({f"{line!r} ({step})" for step, line in self.lines if line not in KEPT
                        for p in patterns if re.search(p, line)})
        assert not leaks, f"{self.name}: words of the other language:\n" + "\n".join(leaks)


def _open(page, url: str, heading: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT_S * 1000)
    wait_idle(page)


def _multiselects(page, words: Words, labels: list[str]) -> None:
    """Open each multiselect: its menu ("Select all"), a few letters ("Select N matches"), letters
    that match nothing ("No results"); then close it empty."""
    for label in labels:
        box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).first
        box.locator("input").click()
        try:
            page.get_by_role("option").first.wait_for(timeout=3000)
        except PlaywrightTimeout:  # the click landed while the sidebar moved: open with the keyboard
            page.keyboard.press("ArrowDown")
            page.get_by_role("option").first.wait_for(timeout=TIMEOUT_S * 1000)
        words.collect(f"{label}: menu")
        page.keyboard.type("e")
        page.wait_for_timeout(300)
        words.collect(f"{label}: typed")
        page.keyboard.type("zqxw")
        page.wait_for_timeout(300)
        words.collect(f"{label}: nothing matches")
        for _ in range(5):
            page.keyboard.press("Backspace")
        page.keyboard.press("Escape")


def _selectbox(page, words: Words, label: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.locator("input").click()
    page.keyboard.type("zqxw")
    page.wait_for_timeout(300)
    words.collect(f"{label}: nothing matches")
    page.keyboard.press("Escape")


def _explorer(page, url, lang: str, words: Words) -> None:
    fr = lang == "fr"
    _open(page, url("/"), "Atlas de l'action extérieure des collectivités" if fr
          else "Atlas of French local authorities' international action")
    words.collect("explorer")
    _multiselects(page, words, ["Thèmes", "Zones géographiques"] if fr else ["Themes", "Geographic zones"])
    more = "Plus de filtres" if fr else "More filters"
    open_expander(page, more, page.locator('[data-testid="stMultiSelect"]').filter(
        has_text="Financements" if fr else "Funding").first)
    _multiselects(page, words, ["Financements"] if fr else ["Funding"])
    _selectbox(page, words, "Origine des flux" if fr else "Flows from")
    open_tab(page, "Graphiques" if fr else "Charts")
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=TIMEOUT_S * 1000)
    words.collect("charts")
    open_tab(page, "Tableau" if fr else "Table")
    page.get_by_label("Rechercher dans le tableau" if fr else "Search the table").fill("Montélimar")
    words.collect("table: typing")  # Streamlit's hint under a text field ("Press Enter to apply")
    caption = page.get_by_text(re.compile(r"lignes? affichées? sur|rows? shown out of")).first
    caption.wait_for(timeout=TIMEOUT_S * 1000)
    n = int(re.sub(r"\D", "", caption.inner_text().split(" ")[0]))
    singular = n < 2 if fr else n == 1
    assert re.match(r"[\d\s]+ (ligne affichée|row shown)" if singular else r"[\d\s]+ (lignes affichées|rows shown)",
                    caption.inner_text()), caption.inner_text()
    words.collect("table")
    open_tab(page, "Carte" if fr else "Map")
    panel = "Exporter la carte et les données" if fr else "Export the map and the data"
    open_expander(page, panel, page.get_by_role("button", name="Préparer" if fr else "Prepare").first)
    words.collect("export panel")


def _territory(page, url, lang: str, words: Words) -> None:
    fr = lang == "fr"
    _open(page, url("/collectivite"), "Ma collectivité" if fr else "My authority")
    box = page.frame_locator('iframe[title*="searchbox"]').locator("input")
    box.click()
    box.type("montel", delay=30)
    page.frame_locator('iframe[title*="searchbox"]').get_by_text("Montélimar (26)").first.wait_for(
        timeout=TIMEOUT_S * 1000)
    words.collect("search: suggestions")  # and what a screen reader hears ("15 results available…")
    box.fill("")
    box.type("zqxwzqxw", delay=30)
    page.wait_for_timeout(1500)  # debounce, then the suggestions (none)
    words.collect("search: nothing matches")
    _open(page, url("/collectivite?id=commune:26198"), "Montélimar")
    words.collect("profile")


def _country(page, url, lang: str, words: Words) -> None:
    fr = lang == "fr"
    _open(page, url("/pays?country=SN"), "Pays partenaire" if fr else "Partner country")
    words.collect("country")
    _selectbox(page, words, "Pays" if fr else "Country")


def _presentation(page, url, lang: str, words: Words) -> None:
    fr = lang == "fr"
    page.goto(url("/presentation"), wait_until="domcontentloaded")
    label = "Récit et réglages" if fr else "Story and settings"
    page.get_by_text(label).wait_for(timeout=TIMEOUT_S * 1000)
    wait_idle(page)
    open_expander(page, label, page.locator('[data-testid="stFileUploaderDropzone"]'))
    words.collect("presentation: settings open")


def _url(server: str, path: str, lang: str) -> str:
    if lang == "fr":
        return server + path
    return server + path + ("&" if "?" in path else "?") + "lang=en"


PAGES = {"explorer": _explorer, "territory": _territory, "country": _country, "presentation": _presentation}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_speaks_one_language(server, page, name, lang):
    words = Words(page, f"{name}-{lang}", lang)

    PAGES[name](page, lambda path: _url(server, path, lang), lang, words)
    words.check(ENGLISH if lang == "fr" else FRENCH)
    assert_offline(page)


@pytest.fixture(scope="module")
def edit_server(demo_db: Path, tmp_path_factory):
    """Editing mode with an account, as tests/e2e/test_import_page.py serves it (on a copy)."""
    from atlas.ingest.accounts import add_user

    folder = tmp_path_factory.mktemp("edit-words")
    db = folder / "atlas.duckdb"
    shutil.copy(demo_db, db)
    add_user(db, E2E_ADMIN[0], "admin", E2E_ADMIN[1])
    with serve(db, folder / "server.log", {"ATLAS_EDIT": "1"}) as url:
        yield url


def _import(page, url, lang: str, words: Words) -> None:
    """The sign-in form, then the import page (in English through the sidebar's switch: the
    sign-in helper speaks French)."""
    page.goto(url("/import").replace("?lang=en", ""), wait_until="domcontentloaded")
    page.get_by_label("Mot de passe").wait_for(timeout=TIMEOUT_S * 1000)
    if lang == "fr":
        words.collect("sign-in form")
    sign_in(page)
    if lang == "en":
        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        page.get_by_role("heading", name="Import and quality").wait_for(timeout=TIMEOUT_S * 1000)
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzone"]').first.wait_for(timeout=TIMEOUT_S * 1000)
    words.collect("import")
    _selectbox(page, words, "Format")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_import_page_speaks_one_language(edit_server, page, lang):
    words = Words(page, f"import-{lang}", lang)
    _import(page, lambda path: _url(edit_server, path, lang), lang, words)
    words.check(ENGLISH if lang == "fr" else FRENCH)
    assert_offline(page)
