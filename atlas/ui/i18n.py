"""User-facing strings: French first, English available."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "title": {"fr": "Atlas de l'action extérieure des collectivités", "en": "Atlas of French local authorities' international action"},
    "explorer": {"fr": "Explorer", "en": "Explore"},
    "filters": {"fr": "Filtres", "en": "Filters"},
    "themes": {"fr": "Thèmes", "en": "Themes"},
    "countries": {"fr": "Pays partenaires", "en": "Partner countries"},
    "sdgs": {"fr": "Objectifs de développement durable (ODD)", "en": "Sustainable Development Goals (SDGs)"},
    "zones": {"fr": "Zones géographiques", "en": "Geographic zones"},
    "regions": {"fr": "Régions (côté français)", "en": "Regions (French side)"},
    "kinds": {"fr": "Types d'action", "en": "Kinds of action"},
    "more_filters": {"fr": "Plus de filtres", "en": "More filters"},
    "departements": {"fr": "Départements (côté français)", "en": "Départements (French side)"},
    "levels": {"fr": "Niveau de collectivité", "en": "Level of authority"},
    "funding": {"fr": "Financements", "en": "Funding"},
    "status": {"fr": "Statut", "en": "Status"},
    "tab_map": {"fr": "Carte", "en": "Map"},
    "tab_charts": {"fr": "Graphiques", "en": "Charts"},
    "tab_table": {"fr": "Tableau", "en": "Table"},
    "origin_level": {"fr": "Origine des flux", "en": "Flows from"},
    "dest_level": {"fr": "Destination des flux", "en": "Flows to"},
    "auto": {"fr": "Automatique", "en": "Automatic"},
    "click_hint": {"fr": "Cliquez sur un pays ou un département pour filtrer.",
                   "en": "Click a country or a département to filter by it."},
    "over_time": {"fr": "Dans le temps", "en": "Over time"},
    "top_countries": {"fr": "Principaux pays partenaires", "en": "Top partner countries"},
    "by_sdg": {"fr": "Projets par ODD", "en": "Projects by SDG"},
    "themes_x_sdgs": {"fr": "Thèmes × ODD", "en": "Themes × SDGs"},
    "search_table": {"fr": "Rechercher dans le tableau", "en": "Search the table"},
    "table_links": {"fr": "Liens", "en": "Links"},
    "table_projects": {"fr": "Projets", "en": "Projects"},
    "rows_shown": {"fr": "{n} lignes affichées sur {total}", "en": "{n} of {total} rows shown"},
    "years": {"fr": "Années", "en": "Years"},
    "reset": {"fr": "Réinitialiser les filtres", "en": "Reset filters"},
    "language": {"fr": "Langue", "en": "Language"},
    "links": {"fr": "Liens", "en": "Links"},
    "fr_authorities": {"fr": "Collectivités françaises", "en": "French authorities"},
    "partners": {"fr": "Collectivités partenaires", "en": "Partner authorities"},
    "projects": {"fr": "Projets", "en": "Projects"},
    "demo": {"fr": "Données de démonstration : collectivités et lieux réels, coopérations inventées.",
             "en": "Demonstration data: real authorities and places, invented partnerships."},
    "no_links": {"fr": "Aucun lien ne correspond à ces filtres.", "en": "No link matches these filters."},
    "map_caption": {"fr": "Flux {o} → {d} · {n} liens · {f} flux tracés",
                    "en": "Flows {o} → {d} · {n} links · {f} flows drawn"},
    "all": {"fr": "Tous", "en": "All"},
    "no_db": {"fr": "Base de données introuvable : lancez `atlas init` (ou `make run`).",
              "en": "Database not found: run `atlas init` (or `make run`)."},
}


def t(key: str, lang: str) -> str:
    """The string for ``key`` in ``lang`` (falls back to French)."""
    entry = STRINGS[key]
    return entry.get(lang) or entry["fr"]
