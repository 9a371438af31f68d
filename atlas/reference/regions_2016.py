"""The régions of metropolitan France before 2016, and the région each became.

Source: loi n° 2015-29 du 16 janvier 2015 relative à la délimitation des régions, aux élections
régionales et départementales et modifiant le calendrier électoral (JORF 17 janvier 2015), in
force on 1 January 2016: the 22 metropolitan régions became 13. The law groups the old régions,
names "Normandie" and renames "Centre" "Centre-Val de Loire"; the other merged régions bore
provisional names (the old names joined in alphabetical order) until their definitive names were
fixed by décrets in September 2016 (Grand Est, Nouvelle-Aquitaine, Occitanie, Hauts-de-France;
Auvergne-Rhône-Alpes and Bourgogne-Franche-Comté kept theirs). The provisional names are kept
below because documents of 2016 use them. Codes are INSEE COG région codes.

People and old files still write the old names ("Conseil régional Midi-Pyrénées"); the search
(atlas.db.search_terms) and anything that reads old names can map them with this table.
"""

from __future__ import annotations

__all__ = ["OLD_REGIONS", "PROVISIONAL_NAMES"]

#: Old région name -> (its INSEE code before 2016, the code of the région it is part of since 2016).
OLD_REGIONS: dict[str, tuple[str, str]] = {
    "Alsace": ("42", "44"),
    "Champagne-Ardenne": ("21", "44"),
    "Lorraine": ("41", "44"),
    "Aquitaine": ("72", "75"),
    "Limousin": ("74", "75"),
    "Poitou-Charentes": ("54", "75"),
    "Auvergne": ("83", "84"),
    "Rhône-Alpes": ("82", "84"),
    "Bourgogne": ("26", "27"),
    "Franche-Comté": ("43", "27"),
    "Languedoc-Roussillon": ("91", "76"),
    "Midi-Pyrénées": ("73", "76"),
    "Nord-Pas-de-Calais": ("31", "32"),
    "Picardie": ("22", "32"),
    "Basse-Normandie": ("25", "28"),
    "Haute-Normandie": ("23", "28"),
    "Centre": ("24", "24"),
}

#: Provisional names of 2016 that are not today's names -> code of the région.
PROVISIONAL_NAMES: dict[str, str] = {
    "Alsace-Champagne-Ardenne-Lorraine": "44",
    "Aquitaine-Limousin-Poitou-Charentes": "75",
    "Languedoc-Roussillon-Midi-Pyrénées": "76",
    "Nord-Pas-de-Calais-Picardie": "32",
}
