"""Streamlit's own words in French (atlas.ui.locale) and the plural rules (atlas.ui.i18n.tn)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from atlas.ui import locale
from atlas.ui.i18n import PLURALS, STRINGS, is_singular, t, tn


@pytest.mark.parametrize(("count", "fr", "en"), [(0, True, False), (1, True, True), (1.5, True, False),
                                                  (2, False, False), (9525, False, False), (-1, True, False)])
def test_singular_rules(count, fr, en):
    assert is_singular(count, "fr") is fr
    assert is_singular(count, "en") is en


def test_rows_shown_agrees_with_its_number():
    assert tn("rows_shown", 1, "fr", total=5) == "1 ligne affichée sur 5"
    assert tn("rows_shown", 0, "fr", total=0) == "0 ligne affichée sur 0"
    assert tn("rows_shown", 2, "fr", total=5) == "2 lignes affichées sur 5"
    assert tn("rows_shown", 9525, "fr", n="9 525", total="9 525") == "9 525 lignes affichées sur 9 525"
    assert tn("rows_shown", 1, "en", total=5) == "1 row shown out of 5"
    assert tn("rows_shown", 0, "en", total=5) == "0 rows shown out of 5"
    assert tn("added_to_story", 1, "fr").endswith("(1 vue).")
    assert tn("added_to_story", 3, "en").endswith("(3 views).")
    assert tn("rows_shown", 1, "de", total=5) == "1 ligne affichée sur 5"  # unknown language: French


def test_plural_entries_are_complete():
    for key, entry in PLURALS.items():
        assert key not in STRINGS, f"{key} is both a plain and a plural string"
        assert set(entry) == {"fr", "en"}, key
        for lang, forms in entry.items():
            assert len(forms) == 2 and all(forms), (key, lang)
            fields = [set(re.findall(r"{(\w+)}", f)) for f in forms]
            assert fields[0] == fields[1] and "n" in fields[0], (key, lang, fields)
    assert t("years", "en") == "Years"  # plain strings unchanged


@pytest.mark.parametrize(("english", "french"), [
    ("Select all", "Tout sélectionner"),
    ("Select 23 matches", "Sélectionner les 23 résultats"),
    ("No results", "Aucun résultat"),
    ("No options", "Aucun résultat"),
    ("Choose an option", "Choisissez une option"),
    ("Upload", "Choisir un fichier"),
    ("200MB per file", "200 Mo par fichier"),
    ("Années — start", "Années — début"),
    ("Années — end", "Années — fin"),
    ("Open", "Ouvrir"),
    ("Remove Eau et assainissement", "Retirer Eau et assainissement"),
    ("Collapse sidebar", "Replier la barre latérale"),
    ("0 results available for search term zq.", "0 suggestion pour « zq »."),
    ("1 result available for search term mont.", "1 suggestion pour « mont »."),
    ("15 results available for search term montel.", "15 suggestions pour « montel »."),
    ("Zoom in", "Zoom avant"),
])
def test_translate_streamlit_words(english, french):
    assert locale.translate(english, "fr") == french
    assert locale.translate(f"  {english} ", "fr") == f"  {french} "  # surrounding blanks kept
    assert locale.translate(french, "fr") == french  # already French: unchanged


def test_english_turns_back_what_the_script_put_in_french():
    firsts: dict[str, str] = {}
    for en, fr in locale.WORDS:
        firsts.setdefault(fr, en)
        assert locale.translate(en, "en") == en
        assert locale.translate(fr, "en") == firsts[fr]
    for sample in ("Select 7 matches", "Thèmes — start", "Years — end", "50MB per file", "Remove Sénégal",
                   "15 results available for search term montel.", "option Montélimar (26), selected."):
        assert locale.translate(locale.translate(sample, "fr"), "en") == sample


def test_other_text_is_left_alone():
    for text in ("Eau et assainissement", "Open Data Lyon", "Montélimar", "Select", "start", "Stop the war"):
        assert locale.translate(text, "fr") == text


def test_every_english_word_is_streamlits_own():
    """The table follows the installed Streamlit, search box and Leaflet: a word they no longer use
    fails here (a new English word then needs adding: the browser test lists what a page shows)."""
    import streamlit
    import streamlit_searchbox

    from atlas.maps.assets import leaflet_dir

    folders = [Path(pkg.__file__).parent for pkg in (streamlit, streamlit_searchbox)] + [Path(leaflet_dir())]
    blob = "".join(f.read_text(errors="ignore") for folder in folders for f in folder.rglob("*.js"))
    #: Sentences the bundles compose from pieces: the piece that must be there.
    composed = {"Press ": "Enter to ${", "Use Up and Down": "Use Up and Down to choose options, press Enter to "
                "select the currently focused option, press Escape to exit the menu"}
    for en, _fr in locale.WORDS:
        piece = next((v for k, v in composed.items() if en.startswith(k)), en)
        assert piece in blob, f"{en!r} is not a word of the installed Streamlit, search box or Leaflet"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_script_holds_static_strings_only(lang):
    script = locale.script(lang)
    assert "</" not in script  # nothing can close the script element it is placed in
    cfg = json.loads(re.search(r"const cfg = (\{.*?\});\n", script).group(1).replace("<\\/", "</"))
    assert cfg["lang"] == lang
    assert [tuple(w) for w in cfg["words"]] == list(locale.WORDS)
    assert [tuple(p) for p in cfg["patterns"]] == list(locale.PATTERNS)
    assert script == locale.script(lang)
    assert "innerHTML" not in script and "eval(" not in script


def test_patterns_compile_in_both_directions():
    for en_re, fr_tpl, fr_re, en_tpl in locale.PATTERNS:
        groups = re.compile(en_re).groups
        assert groups >= 1 and re.compile(fr_re).groups == groups, en_re
        for tpl in (fr_tpl, en_tpl):
            assert {int(i) for i in re.findall(r"\$(\d)", tpl)} == set(range(1, groups + 1)), tpl


SAMPLES = [w for pair in locale.WORDS for w in pair] + [
    "Select 7 matches", "Sélectionner les 7 résultats", "Thèmes — start", "Years — fin", "200MB per file",
    "12 Mo par fichier", "Remove Sénégal", "0 results available for search term zq.",
    "1 result available for search term mont.", "15 results available for search term montel.",
    "3 suggestions pour « a$1b ».", "2 results available.", "option Montélimar (26), selected.",
    "Votre collectivité is focused ,type to refine list, press Down to open the menu, ",
    "Eau et assainissement", "  Open ", "$1 — start", "Select", "",
]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_browser_script_translates_as_python_does(lang, tmp_path):
    """The script's own function, run by node, gives what :func:`locale.translate` gives."""
    runner = tmp_path / "run.js"
    runner.write_text("const window = globalThis;\n"
                      "const document = {documentElement: {}, body: null};\n"
                      + locale.script(lang)
                      + f"\nconsole.log(JSON.stringify({json.dumps(SAMPLES)}.map(window.__atlasLocale.translate)));\n",
                      encoding="utf-8")
    out = subprocess.run(["node", str(runner)], capture_output=True, text=True, timeout=60, check=True).stdout
    assert json.loads(out) == [locale.translate(s, lang) for s in SAMPLES]
