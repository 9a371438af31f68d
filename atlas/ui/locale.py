"""Streamlit's own words in the page's language.

Streamlit 1.67 has no locale setting: its widgets say "Select all", "No results", "Upload",
"200MB per file", "Choose an option", its aria labels "Open", "Années — start", "Collapse
sidebar"… and the search box component (react-select, in an iframe) "No options". Where a widget
has an option the pages use it (``placeholder``); the rest is replaced in the browser by one small
script, installed once per run in the sidebar (:func:`install`):

- it holds static strings only (the tables below, nothing from the data) and writes text with
  ``nodeValue`` and ``setAttribute``, never as markup;
- a MutationObserver translates what React draws later (menus, uploaders, reruns), in the page and
  in the search box's iframe (same origin);
- it goes both ways: in English it turns back anything it had put in French, so switching the
  language never leaves a stale word;
- text inside Markdown, headings, captions, metrics and alerts (where our own text and the data
  live) is never touched; a data value that equals a Streamlit word exactly elsewhere (an option
  called "Open") would read in French, which harms nothing.
"""

from __future__ import annotations

import json

import streamlit as st

#: Exact strings (a whole text node or attribute value): (Streamlit's English, French).
WORDS: tuple[tuple[str, str], ...] = (
    # page chrome
    ("Skip to main content", "Aller au contenu principal"),
    ("Sidebar", "Barre latérale"),
    ("Collapse sidebar", "Replier la barre latérale"),
    ("Expand sidebar", "Déplier la barre latérale"),
    ("App pages", "Pages de l'application"),
    ("Main menu", "Menu principal"),
    ("Link to heading", "Lien vers ce titre"),
    ("Navigate to home page", "Aller à la page d'accueil"),
    ("Scroll tabs left", "Onglets précédents"),
    ("Scroll tabs right", "Onglets suivants"),
    ("Close", "Fermer"),
    ("View less", "Afficher moins"),
    ("Running...", "Calcul en cours…"),
    ("Stop", "Arrêter"),
    # selectbox, multiselect
    ("Open", "Ouvrir"),
    ("Clear all", "Tout effacer"),
    ("Clear value", "Effacer"),
    ("Clear entry", "Effacer"),
    ("Selected values", "Valeurs choisies"),
    ("Select all", "Tout sélectionner"),
    ("No results", "Aucun résultat"),
    ("No options", "Aucun résultat"),
    ("No options to select", "Aucune option"),
    ("No options to select.", "Aucune option."),
    ("Choose an option", "Choisissez une option"),
    ("Choose options", "Choisissez des options"),
    ("Selectbox options", "Liste des options"),
    ("Loading...", "Chargement…"),
    ("Dismiss", "Fermer"),
    # inputs
    # not "mot de passe": a label search for the password field (get_by_label) must find one element
    ("Show password", "Afficher le texte saisi"),
    ("Hide password", "Masquer le texte saisi"),
    ("Decrement", "Diminuer"),
    ("Increment", "Augmenter"),
    ("Press Enter to apply", "Appuyez sur Entrée pour valider"),
    ("Press Enter to submit form", "Appuyez sur Entrée pour envoyer"),
    ("Press Ctrl+Enter to apply", "Appuyez sur Ctrl+Entrée pour valider"),
    ("Press ⌘+Enter to apply", "Appuyez sur ⌘+Entrée pour valider"),
    # file uploader
    ("Upload", "Choisir un fichier"),
    ("Add files", "Ajouter des fichiers"),
    ("file upload", "fichier à envoyer"),
    ("Drag and drop a file here", "Glissez-déposez un fichier ici"),
    ("Drag and drop files here", "Glissez-déposez des fichiers ici"),
    # data grid, charts and element toolbars
    ("Show/hide columns", "Afficher ou masquer des colonnes"),
    ("Download as CSV", "Télécharger en CSV"),
    ("Download as PNG", "Télécharger en PNG"),
    ("Search", "Rechercher"),
    ("Close Search", "Fermer la recherche"),
    ("Next Result", "Résultat suivant"),
    ("Previous Result", "Résultat précédent"),
    ("Fullscreen", "Plein écran"),
    ("Close fullscreen", "Quitter le plein écran"),
    ("Exit fullscreen", "Quitter le plein écran"),
    ("Show data", "Afficher les données"),
    ("Copy Vega-Lite spec", "Copier la spécification Vega-Lite"),
    ("Dataframe column menu", "Menu de la colonne"),
    # Leaflet (the map's frame)
    ("Zoom in", "Zoom avant"),
    ("Zoom out", "Zoom arrière"),
    ("A JavaScript library for interactive maps", "Une bibliothèque JavaScript de cartes interactives"),
    # what the search box (react-select) says to screen readers
    ("Use Up and Down to choose options, press Enter to select the currently focused option, press Escape to "
     "exit the menu, press Tab to select the option and exit the menu.",
     "Flèches haut et bas pour parcourir les suggestions, Entrée pour choisir celle qui est en surbrillance, "
     "Échap pour fermer le menu, Tab pour la choisir et quitter le menu."),
    ("Use Up and Down to choose options, press Enter to select the currently focused option, press Escape to "
     "exit the menu.",
     "Flèches haut et bas pour parcourir les suggestions, Entrée pour choisir celle qui est en surbrillance, "
     "Échap pour fermer le menu."),
)

#: Strings with variable parts: (English regex, French template, French regex, English template);
#: $1, $2… are the regex's groups. A variable part is a number Streamlit computed, one of our own
#: labels (widget or option labels) or what the visitor typed, carried over as plain text. French
#: agrees with the number: 0 and 1 take the singular.
PATTERNS: tuple[tuple[str, str, str, str], ...] = (
    (r"^Select (\d+) matches$", "Sélectionner les $1 résultats",
     r"^Sélectionner les (\d+) résultats$", "Select $1 matches"),
    (r"^(.+) — start$", "$1 — début", r"^(.+) — début$", "$1 — start"),
    (r"^(.+) — end$", "$1 — fin", r"^(.+) — fin$", "$1 — end"),
    (r"^(\d+(?:\.\d+)?)KB per file$", "$1 ko par fichier", r"^(\d+(?:\.\d+)?) ko par fichier$", "$1KB per file"),
    (r"^(\d+(?:\.\d+)?)MB per file$", "$1 Mo par fichier", r"^(\d+(?:\.\d+)?) Mo par fichier$", "$1MB per file"),
    (r"^(\d+(?:\.\d+)?)GB per file$", "$1 Go par fichier", r"^(\d+(?:\.\d+)?) Go par fichier$", "$1GB per file"),
    (r"^Remove (.+)$", "Retirer $1", r"^Retirer (.+)$", "Remove $1"),
    (r"^([01]) results? available for search term (.+)\.$", "$1 suggestion pour « $2 ».",
     r"^([01]) suggestion pour « (.+) »\.$", "$1 results available for search term $2."),
    (r"^(\d*[2-9]|\d+\d) results available for search term (.+)\.$", "$1 suggestions pour « $2 ».",
     r"^(\d+) suggestions pour « (.+) »\.$", "$1 results available for search term $2."),
    (r"^([01]) results? available\.$", "$1 suggestion.", r"^([01]) suggestion\.$", "$1 results available."),
    (r"^(\d*[2-9]|\d+\d) results available\.$", "$1 suggestions.", r"^(\d+) suggestions\.$", "$1 results available."),
    (r"^([01]) options? available\.$", "$1 option disponible.", r"^([01]) option disponible\.$",
     "$1 options available."),
    (r"^(\d*[2-9]|\d+\d) options available\.$", "$1 options disponibles.", r"^(\d+) options disponibles\.$",
     "$1 options available."),
    (r"^(.+), selected$", "$1 : choisi", r"^(.+) : choisi$", "$1, selected"),
    (r"^option (.+), selected\.$", "option $1 choisie.", r"^option (.+) choisie\.$", "option $1, selected."),
    (r"^(.+) is focused ,type to refine list, press Down to open the menu,$",
     "$1 : tapez pour filtrer la liste, flèche bas pour ouvrir le menu,",
     r"^(.+) : tapez pour filtrer la liste, flèche bas pour ouvrir le menu,$",
     "$1 is focused ,type to refine list, press Down to open the menu,"),
)

#: Where the script never looks: our own text and the data (Markdown, headings, captions, metrics,
#: alerts, code), and editable fields.
SKIP_SELECTOR = ('[data-testid="stMarkdownContainer"], [data-testid="stHeading"], [data-testid="stCaptionContainer"], '
                 '[data-testid="stMetric"], [data-testid="stAlert"], [data-testid="stCode"], '
                 'textarea, input, [contenteditable="true"], script, style')
#: ... except Streamlit's own buttons drawn as Markdown (the uploader's "Upload").
ALLOW_SELECTOR = '[data-testid="stFileUploaderDropzone"] button'
#: Attribute values left as they are. tests/e2e/test_hostile_names.py finds the data grid's
#: download button by its accessible name "Download as CSV" (its tooltip text is translated).
KEEP_ATTRIBUTES = ("Download as CSV",)
#: Attributes read by people (tooltips, placeholders) and by screen readers.
ATTRIBUTES = ("aria-label", "placeholder", "title", "aria-placeholder")
#: Component iframes whose own words are translated too (same origin as the app).
FRAMES = 'iframe[title^="streamlit_searchbox"], iframe[title^="streamlit_folium"]'

_SCRIPT = r"""
(function () {
  const cfg = %s;
  const state = window.__atlasLocale || (window.__atlasLocale = {docs: new Set()});
  const table = new Map();
  for (const [en, fr] of cfg.words) {  // the first English word of a French one wins
    table.set(en, cfg.lang === "fr" ? fr : en);
    if (!table.has(fr)) table.set(fr, cfg.lang === "fr" ? fr : en);
  }
  const patterns = cfg.patterns.map(p => cfg.lang === "fr" ? [new RegExp(p[0]), p[1]] : [new RegExp(p[2]), p[3]]);
  function tr(text) {
    const key = text.trim();
    if (!key || key.length > 200) return null;
    let out = table.get(key);
    if (out === undefined) {
      for (const [re, tpl] of patterns) {
        const m = re.exec(key);
        if (m) { out = tpl.replace(/\$(\d)/g, (_, i) => m[Number(i)]); break; }
      }
    }
    return out === undefined || out === key ? null : text.replace(key, () => out);
  }
  function skipped(el) { return !el || (!el.closest(cfg.allow) && !!el.closest(cfg.skip)); }
  function fixElement(el) {
    if (el.nodeType !== 1) return;
    for (const name of cfg.attributes) {
      const v = el.getAttribute(name);
      if (v && !cfg.keep.includes(v)) { const out = tr(v); if (out !== null) el.setAttribute(name, out); }
    }
  }
  function fixText(node) {
    if (skipped(node.parentElement)) return;
    const out = tr(node.nodeValue || "");
    if (out !== null) node.nodeValue = out;
  }
  function fixTree(root) {
    if (root.nodeType === 3) { fixText(root); return; }
    if (root.nodeType !== 1 && root.nodeType !== 9) return;
    const doc = root.ownerDocument || root;
    if (root.nodeType === 1) fixElement(root);
    const walker = doc.createTreeWalker(root, 5, null);  // elements and text
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === 1) { fixElement(n); if (n.matches(cfg.frames)) watchFrame(n); }
      else fixText(n);
    }
  }
  function watchFrame(frame) {
    if (frame.__atlasLocale) return;
    frame.__atlasLocale = true;
    const attach = () => { try { if (frame.contentDocument) watch(frame.contentDocument); } catch (e) {} };
    frame.addEventListener("load", attach);
    attach();
  }
  function watch(doc) {
    if (!doc || !doc.body) return;
    state.docs.add(doc);
    if (!doc.__atlasLocaleObserver) {
      // The observer calls the latest script's functions: a language switch re-runs the script.
      const obs = new MutationObserver(records => state.onRecords(records));
      obs.observe(doc.body, {subtree: true, childList: true, characterData: true,
                             attributes: true, attributeFilter: cfg.attributes});
      doc.__atlasLocaleObserver = obs;
    }
    fixTree(doc.body);
  }
  state.translate = text => { const out = tr(text); return out === null ? text : out; };  // for tests
  state.onRecords = records => {
    for (const r of records) {
      if (r.type === "childList") r.addedNodes.forEach(fixTree);
      else if (r.type === "characterData") fixText(r.target);
      else fixElement(r.target);
    }
  };
  state.lang = cfg.lang;
  document.documentElement.lang = cfg.lang;
  for (const doc of [...state.docs]) { try { fixTree(doc.body); } catch (e) { state.docs.delete(doc); } }
  watch(document);
})();
"""


def script(lang: str) -> str:
    """The translating script for ``lang`` ("fr" or "en"): static strings only."""
    cfg = {"lang": "en" if lang == "en" else "fr", "words": WORDS, "patterns": PATTERNS,
           "skip": SKIP_SELECTOR, "allow": ALLOW_SELECTOR, "keep": KEEP_ATTRIBUTES, "attributes": ATTRIBUTES,
           "frames": FRAMES}
    # json.dumps escapes quotes; "</" is escaped too so no string can close the script element.
    return _SCRIPT % json.dumps(cfg, ensure_ascii=False).replace("</", "<\\/")


def translate(text: str, lang: str) -> str:
    """What the script does to one string, in Python (for tests and documentation)."""
    import re

    key = text.strip()
    target = "en" if lang == "en" else "fr"
    for en, fr in WORDS:  # the first English word of a French one wins, as in the script
        if key in (en, fr):
            return text.replace(key, fr if target == "fr" else en)
    for en_re, fr_tpl, fr_re, en_tpl in PATTERNS:
        m = re.match(en_re if target == "fr" else fr_re, key)
        if m:
            filled = re.sub(r"\$(\d)", lambda g: m.group(int(g.group(1))), fr_tpl if target == "fr" else en_tpl)
            return text.replace(key, filled)
    return text


def install(lang: str) -> None:
    """Put the script in the page (call once per run, in the sidebar: it takes no room there)."""
    with st.container(key="atlas_locale"):
        st.html("<style>.st-key-atlas_locale { display: none; }</style>"
                f"<script>{script(lang)}</script>", unsafe_allow_javascript=True)
