"""The words of maps, legends and titles, in French and English: one table, one fallback rule.

Every text a map, a legend, a print page or a view title shows in one of the two languages is
an entry of :data:`WORDS` (key → {"fr": …, "en": …}), read with :func:`word`::

    word("flows_levels", "en", o="région", d="pays")  # "Flows: région → pays"

An unknown language falls back to French, the same rule as the app's ``atlas.ui.i18n.t`` (which
uses :func:`pick`). Counted words take the right number through :func:`count_word` (used by
``atlas.maps.styles.quantity``: "1 lien", "2 liens", "1 link").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

#: Languages of the atlas; the first is the fallback.
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

WORDS: dict[str, dict[str, str]] = {
    # ---- levels of flows (origins: authority…france; destinations: authority…zone) -------------
    "level.authority": {"fr": "collectivité", "en": "authority"},
    "level.epci": {"fr": "intercommunalité", "en": "inter-municipality"},
    "level.departement": {"fr": "département", "en": "département"},
    "level.region": {"fr": "région", "en": "region"},
    "level.france": {"fr": "France", "en": "France"},
    "level.admin1": {"fr": "région ou province", "en": "state or province"},
    "level.country": {"fr": "pays", "en": "country"},
    "level.zone": {"fr": "zone", "en": "zone"},
    # ---- what arcs are coloured by (legend titles) ----------------------------------------------
    "colour_by.zone": {"fr": "Zone du partenaire", "en": "Partner's zone"},
    "colour_by.theme": {"fr": "Thème principal", "en": "Main theme"},
    "colour_by.sdg": {"fr": "ODD principal", "en": "Main SDG"},
    "colour_by.kind": {"fr": "Type d'action principal", "en": "Main kind of action"},
    "colour_by.funding": {"fr": "Financement principal", "en": "Main funding"},
    # ---- magnitudes: plural (the unit), and singular of the counted ones ------------------------
    "magnitude.links": {"fr": "liens", "en": "links"},
    "magnitude.projects": {"fr": "projets", "en": "projects"},
    "magnitude.amount": {"fr": "€ (budgets des projets)", "en": "€ (project budgets)"},
    "magnitude.budget": {"fr": "€ (budgets des projets)", "en": "€ (project budgets)"},
    "magnitude.links.one": {"fr": "lien", "en": "link"},
    "magnitude.projects.one": {"fr": "projet", "en": "project"},
    # ---- numbers -----------------------------------------------------------------------------------
    "decimal_mark": {"fr": ",", "en": "."},
    "thousands_mark": {"fr": "\u202f", "en": ","},
    # ---- categories ----------------------------------------------------------------------------------
    "not_stated": {"fr": "Non renseigné", "en": "Not stated"},
    "sdg": {"fr": "ODD {n} · {name}", "en": "SDG {n} · {name}"},
    "others": {"fr": "Autres", "en": "Others"},
    "none": {"fr": "aucun", "en": "none"},
    # ---- legends ----------------------------------------------------------------------------------------
    "legend": {"fr": "Légende", "en": "Legend"},
    "labelled": {"fr": "{label} : {value}", "en": "{label}: {value}"},
    "budgets": {"fr": "Budgets : {amount}", "en": "Budgets: {amount}"},
    "outgoing": {"fr": "sortants", "en": "outgoing"},
    "incoming": {"fr": "entrants", "en": "incoming"},
    "partners": {"fr": "partenaires", "en": "partners"},
    "links_and_levels": {"fr": "{links} · flux {o} → {d}", "en": "{links} · flows {o} → {d}"},
    "flows_levels": {"fr": "Flux : {o} → {d}", "en": "Flows: {o} → {d}"},
    "flow_width": {"fr": "Flux : {label}", "en": "Flow: {label}"},
    "circles": {"fr": "Cercles : total par lieu", "en": "Circles: total per place"},
    "circles_coloured": {"fr": "Cercles : total par lieu (bleu : collectivités françaises, orange : partenaires)",
                         "en": "Circles: total per place (blue: French authorities, orange: partners)"},
    "others_not_drawn": {"fr": "+ {n} petits flux non tracés ({links})", "en": "+ {n} smaller flows not drawn ({links})"},
    "others_in_circles": {"fr": "{n} petits flux non tracés ({links}), comptés dans les cercles",
                          "en": "{n} smaller flows not drawn ({links}), counted in the circles"},
    "overseas_insets": {"fr": "Outre-mer : voir les encadrés", "en": "Overseas: see the insets"},
    # Names on print maps (atlas.maps.print_labels): which places carry their name.
    "names_all": {"fr": "Noms : tous les lieux", "en": "Names: every place"},
    "names_top": {"fr": "Noms : les {n} lieux {rank}", "en": "Names: the {n} places {rank}"},
    "names_some": {"fr": "Noms : {n} des {k} lieux {rank} (les autres, trop serrés, sans nom)",
                   "en": "Names: {n} of the {k} places {rank} (the others too crowded to name)"},
    "names_rank.links": {"fr": "aux liens les plus nombreux", "en": "with the most links"},
    "names_rank.projects": {"fr": "aux projets les plus nombreux", "en": "with the most projects"},
    "names_rank.amount": {"fr": "aux budgets les plus élevés", "en": "with the largest budgets"},
    # Screen maps (atlas.maps.flowmap): totals of a place, small flows grouped, click to isolate.
    "total_out": {"fr": "Sortants : {value}", "en": "Outgoing: {value}"},
    "total_in": {"fr": "Entrants : {value}", "en": "Incoming: {value}"},
    "grouped_flows": {"fr": "{n} flux « autres » regroupent les petits flux ({links})",
                      "en": "{n} \u201cothers\u201d flows group the small flows ({links})"},
    "focus_hint": {"fr": "Cliquer un cercle isole ses flux (cliquer à nouveau : tous)",
                   "en": "Click a circle to isolate its flows (click again: all)"},
    # The end of an "autres" flow: the coarser place its small flows were grouped at.
    "grouped.o.authority": {"fr": "{name} : autres collectivités", "en": "{name}: other authorities"},
    "grouped.o.epci": {"fr": "{name} : autres intercommunalités", "en": "{name}: other inter-municipalities"},
    "grouped.o.departement": {"fr": "{name} : autres départements", "en": "{name}: other départements"},
    "grouped.o.region": {"fr": "{name} : autres régions", "en": "{name}: other regions"},
    "grouped.d.authority": {"fr": "{name} : autres partenaires", "en": "{name}: other partners"},
    "grouped.d.admin1": {"fr": "{name} : autres régions ou provinces", "en": "{name}: other states or provinces"},
    "grouped.d.country": {"fr": "{name} : autres pays", "en": "{name}: other countries"},
    "per_departement": {"fr": "{unit} par département", "en": "{unit} per département"},
    "per_country": {"fr": "{unit} par pays", "en": "{unit} per country"},
    # ---- print pages -----------------------------------------------------------------------------
    "projection": {"fr": "Projection : {name}", "en": "Projection: {name}"},
    "source": {"fr": "Source : Atlas de l'action extérieure des collectivités territoriales",
               "en": "Source: Atlas of the international action of French local authorities"},
    "data_sources": {"fr": "données : {sources}", "en": "data: {sources}"},
    # The demonstration mark: in the source line as written, alone in capitals (demo_mark).
    "demo_data": {"fr": "données de démonstration", "en": "demonstration data"},
    # ---- view titles (atlas.selection.default_title) ------------------------------------------------
    "scope.france": {"fr": "collectivités françaises", "en": "French local authorities"},
    "scope.departement": {"fr": "département {name}", "en": "{name} département"},
    "scope.region": {"fr": "région {name}", "en": "{name} region"},
    "title.flows": {"fr": "Coopérations internationales — {scope}", "en": "International cooperation — {scope}"},
    "title.links": {"fr": "Liens de coopération — {scope}", "en": "Cooperation links — {scope}"},
}


def pick(entry: Mapping[str, str], lang: str | None) -> str:
    """``entry`` in ``lang``; French when the language is unknown (or its text empty)."""
    return entry.get(lang or DEFAULT_LANGUAGE) or entry[DEFAULT_LANGUAGE]


def language(lang: str | None) -> str:
    """The language a text will be written in: ``lang`` if the atlas speaks it, else French."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def word(key: str, lang: str | None, **fmt: object) -> str:
    """The text of ``key`` in ``lang`` (French fallback), with ``{fields}`` filled from ``fmt``."""
    text = pick(WORDS[key], lang)
    return text.format(**fmt) if fmt else text


def demo_mark(lang: str | None) -> str:
    """The mark of demonstration data on maps and legends: DONNÉES DE DÉMONSTRATION."""
    return word("demo_data", lang).upper()


def level_word(level: str, lang: str | None) -> str:
    """A level in words ("département", "pays"); an unknown level as it is."""
    entry = WORDS.get(f"level.{level}")
    return pick(entry, lang) if entry else level


#: Counted magnitudes: their values take a word in the right number ("1 lien", "2 liens").
COUNTED = ("links", "projects")

#: When a count takes the singular: French below 2 ("0 lien", "1 lien"), English for 1 only.
_SINGULAR_WHEN: dict[str, Callable[[float], bool]] = {"fr": lambda v: abs(v) < 2, "en": lambda v: abs(v) == 1}


def count_word(magnitude: str, value: float, lang: str | None) -> str:
    """The word of a counted magnitude for ``value``: "lien" or "liens", "link" or "links"."""
    singular = _SINGULAR_WHEN[language(lang)](value)
    return word(f"magnitude.{magnitude}.one" if singular else f"magnitude.{magnitude}", lang)


def per_area(level: str, magnitude: str, lang: str | None) -> str:
    """Legend title of a choropleth: "Liens par département", "Projects per country"."""
    entry = WORDS.get(f"magnitude.{magnitude}")
    unit = pick(entry, lang).capitalize() if entry else ""
    return word("per_departement" if level == "departement" else "per_country", lang, unit=unit)


def _group(prefix: str) -> dict[str, dict[str, str]]:
    """Entries ``prefix.<name>`` by name (not deeper keys such as ``magnitude.links.one``)."""
    return {k[len(prefix):]: v for k, v in WORDS.items() if k.startswith(prefix) and "." not in k[len(prefix):]}


#: Views of the table for callers that pick a language themselves.
LEVEL_WORDS: dict[str, dict[str, str]] = {lang: {k: v[lang] for k, v in _group("level.").items()} for lang in LANGUAGES}
COLOUR_TITLES: dict[str, tuple[str, str]] = {k: (v["fr"], v["en"]) for k, v in _group("colour_by.").items()}
MAGNITUDE_WORDS: dict[str, tuple[str, str]] = {k: (v["fr"], v["en"]) for k, v in _group("magnitude.").items()}
