"""Words of the Observatoire page (atlas/ui/pages/observatory.py), French first: part of
:data:`atlas.ui.i18n.STRINGS`, kept here so that module stays readable."""

from __future__ import annotations

OBSERVATORY_STRINGS: dict[str, dict[str, str]] = {
    "observatory": {"fr": "Observatoire des acteurs", "en": "Actors' observatory"},
    "obs_intro": {"fr": "Qui agit à l'international depuis le territoire : associations, diasporas, écoles, "
                        "universités, hôpitaux, entreprises, lieux culturels, clubs… et le soutien que leur "
                        "apportent les collectivités.",
                  "en": "Who acts abroad from the territory: associations, diasporas, schools, universities, "
                        "hospitals, companies, cultural venues, clubs… and the support authorities give them."},
    "obs_territory": {"fr": "Région ou département", "en": "Région or département"},
    "obs_territory_placeholder": {"fr": "Choisir un territoire", "en": "Choose a territory"},
    "obs_region": {"fr": "région", "en": "région"},
    "obs_year": {"fr": "Année", "en": "Year"},
    "obs_all_years": {"fr": "Toutes les années", "en": "All years"},
    "obs_hint": {"fr": "Choisissez une région ou un département pour voir ses acteurs internationaux.",
                 "en": "Choose a région or a département to see its international actors."},
    "obs_demo": {"fr": "Les acteurs de cette page sont **inventés (démonstration)** : aucun annuaire réel "
                       "d'acteurs n'est encore chargé pour ce territoire.",
                 "en": "The actors on this page are **invented (demonstration)**: no real directory of actors "
                       "is loaded for this territory yet."},
    "obs_demo_part": {"fr": "**{n}** acteurs sur {total} sont **inventés (démonstration)** ; le filtre « Données » "
                            "les masque.",
                      "en": "**{n}** actors out of {total} are **invented (demonstration)**; the \u201cData\u201d "
                            "filter hides them."},
    "obs_delta_hint": {"fr": "Sous chaque chiffre : l'évolution par rapport à {y}.",
                       "en": "Under each figure: the change from {y}."},
    "obs_all_figures": {"fr": "Tous les chiffres", "en": "All figures"},
    "obs_no_actor": {"fr": "Aucun acteur pour cette sélection.", "en": "No actor for this selection."},
    "obs_map": {"fr": "Carte des acteurs et de leurs liens à l'étranger",
                "en": "Map of the actors and their ties abroad"},
    "obs_map_caption": {"fr": "{n} acteurs à leur siège, par type ; arcs vers les {c} pays où ils agissent "
                              "(épaisseur : nombre d'acteurs).",
                        "en": "{n} actors at their seat, by type; arcs to the {c} countries where they act "
                              "(width: number of actors)."},
    "obs_actors": {"fr": "Acteurs", "en": "Actors"},
    "obs_authorities": {"fr": "Collectivités", "en": "Authorities"},
    "obs_by_type": {"fr": "Acteurs par type", "en": "Actors by type"},
    "obs_by_sector": {"fr": "Acteurs par secteur", "en": "Actors by sector"},
    "obs_countries": {"fr": "Pays : acteurs et collectivités", "en": "Countries: actors and authorities"},
    "obs_sdgs": {"fr": "Acteurs par ODD", "en": "Actors by SDG"},
    "obs_ties": {"fr": "Liens des collectivités à côté de ceux des acteurs",
                 "en": "The authorities' ties beside the actors'"},
    "obs_ties_hint": {"fr": "Par pays : acteurs du territoire qui y agissent, collectivités du territoire qui y "
                            "ont un lien, et leurs liens.",
                      "en": "By country: actors of the territory acting there, authorities of the territory "
                            "with a tie there, and their ties."},
    "obs_supports": {"fr": "Soutiens des collectivités aux acteurs", "en": "Authorities' support to actors"},
    "obs_compare": {"fr": "Comparaison d'une année sur l'autre", "en": "Year-on-year comparison"},
    "obs_compare_hint": {"fr": "Choisissez une année pour la comparer à la précédente.",
                         "en": "Choose a year to compare it with the year before."},
    "obs_actor_table": {"fr": "Les acteurs", "en": "The actors"},
    "obs_projects": {"fr": "Projets auxquels les acteurs participent", "en": "Projects the actors take part in"},
    "obs_exports": {"fr": "Exporter l'observatoire", "en": "Export the observatory"},
    "obs_download_xlsx": {"fr": "Télécharger les chiffres (XLSX)", "en": "Download the figures (XLSX)"},
    "obs_prepare_pdf": {"fr": "Préparer la page imprimable", "en": "Prepare the print page"},
    "obs_download_pdf": {"fr": "Télécharger la page imprimable (PDF)", "en": "Download the print page (PDF)"},
    "obs_col_country": {"fr": "Pays", "en": "Country"},
    "obs_col_zone": {"fr": "Zone", "en": "Zone"},
    "obs_col_actors": {"fr": "Acteurs", "en": "Actors"},
    "obs_col_authorities": {"fr": "Collectivités", "en": "Authorities"},
    "obs_col_ties": {"fr": "Liens des collectivités", "en": "Authorities' ties"},
    "obs_col_countries_actors": {"fr": "Pays des acteurs", "en": "Actors' countries"},
    "obs_col_countries_authorities": {"fr": "Pays des collectivités", "en": "Authorities' countries"},
    "obs_col_kind": {"fr": "Nature du soutien", "en": "Kind of support"},
    "obs_col_supports": {"fr": "Soutiens", "en": "Supports"},
    "obs_col_amount": {"fr": "Montant (€)", "en": "Amount (€)"},
    "obs_col_authority": {"fr": "Collectivité", "en": "Authority"},
    "obs_col_figure": {"fr": "Indicateur", "en": "Figure"},
    "obs_col_value": {"fr": "Valeur", "en": "Value"},
    "obs_col_change": {"fr": "Évolution", "en": "Change"},
    "obs_col_name": {"fr": "Acteur", "en": "Actor"},
    "obs_col_type": {"fr": "Type", "en": "Type"},
    "obs_col_commune": {"fr": "Commune du siège", "en": "Seat commune"},
    "obs_col_sectors": {"fr": "Secteurs", "en": "Sectors"},
    "obs_col_countries": {"fr": "Pays", "en": "Countries"},
    "obs_col_sdgs": {"fr": "ODD", "en": "SDGs"},
    "obs_col_until": {"fr": "Jusqu'à", "en": "Until"},
}
