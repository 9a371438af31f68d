"""Name rules of French authorities: old région names, the words that give a level
('Conseil départemental de …', 'Communauté de communes …'), arrondissements, EPCI keys, and the
collectivités that hold two levels' powers under one name."""

from __future__ import annotations

import re

from atlas.ingest.normalize import spaced_key

#: The 2015 régions merged in 2016, and common abbreviations, -> current région code.
OLD_REGIONS: dict[str, str] = {
    "alsace": "44", "champagne ardenne": "44", "lorraine": "44", "alsace champagne ardenne lorraine": "44",
    "aquitaine": "75", "limousin": "75", "poitou charentes": "75", "aquitaine limousin poitou charentes": "75",
    "auvergne": "84", "rhone alpes": "84", "aura": "84", "bourgogne": "27", "franche comte": "27",
    "basse normandie": "28", "haute normandie": "28", "languedoc roussillon": "76", "midi pyrenees": "76",
    "languedoc roussillon midi pyrenees": "76", "nord pas de calais": "32", "picardie": "32",
    "nord pas de calais picardie": "32", "centre": "24", "idf": "11", "ile de france": "11", "paca": "93",
    "provence alpes cote d azur": "93", "sud": "93", "region sud": "93", "reunion": "04", "guyane": "03",
    "corse": "94", "collectivite de corse": "94", "bfc": "27", "hdf": "32", "cvl": "24", "nouvelle aquitaine": "75",
}

PREFIXES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(p)) for level, p in (
        ("commune", r"^(ville|mairie|commune|municipalite|cite)( de la| de l| du| des| de| d)? "),
        ("departement", r"^(conseil departemental|conseil general|departement|collectivite departementale|cd|cg)"
                        r"( de la| de l| du| des| de| d)? "),
        ("region", r"^(conseil regional|region|collectivite territoriale|collectivite regionale|cr)"
                   r"( de la| de l| du| des| de| d)? "),
        ("epci", r"^(communaute de communes|communaute d agglomeration|communaute urbaine|metropole|"
                 r"agglomeration|agglo|cc|ca|cu|epci)( de la| de l| du| des| de| d)? "),
    ))
_EPCI_STOP = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "et", "cc", "ca", "cu", "communaute",
                        "communes", "agglomeration", "urbaine", "metropole", "agglo", "com", "met"})
ARRONDISSEMENT = re.compile(r"\s+\d{1,2}\s*(e|er|eme|ème|ieme|ième)?(\s+arrondissement)?$", re.IGNORECASE)

#: Names shared by two levels that are one single collectivité: the level to use.
SINGLE_COLLECTIVITE: dict[frozenset[str], str] = {
    frozenset({"commune:75056", "departement:75"}): "commune:75056",
    frozenset({"region:03", "departement:973"}): "region:03",
    frozenset({"region:02", "departement:972"}): "region:02",
    frozenset({"region:06", "departement:976"}): "departement:976",
}


def epci_key(text: str) -> str:
    """EPCI key without its type words: 'CC du Pays de X' = 'Communauté de communes Pays X'."""
    return "".join(t for t in spaced_key(text).split() if t not in _EPCI_STOP)


_CANTON = re.compile(r"^\s*(?:canton|kanton)\s+(?:of\s+|du\s+|des\s+|de\s+|d['’]\s*)?(?P<seat>\S.*)$", re.IGNORECASE)
_PAREN_QUALIFIER = re.compile(r"^(?P<name>.*?\S)\s*\((?P<q>[^()]+)\)\s*$")
_COMMA_QUALIFIER = re.compile(r"^(?P<name>[^,]*?\S)\s*,\s*(?P<q>[^,]*\S)\s*$")


def canton_seat(name: str) -> str | None:
    """'canton of Yvetot', 'Canton de Villé' -> the name of the canton's seat; None otherwise."""
    m = _CANTON.match(name)
    return m.group("seat").strip() if m else None


def qualified(name: str) -> tuple[str, str, str] | None:
    """'Allonnes, Sarthe' -> ('Allonnes', 'Sarthe', ','); 'Pringy (Haute-Savoie)' -> ('Pringy',
    'Haute-Savoie', '('): a name and what qualifies it (a département, a région…); None otherwise."""
    for pattern, mark in ((_PAREN_QUALIFIER, "("), (_COMMA_QUALIFIER, ",")):
        m = pattern.match(name)
        if m:
            return m.group("name"), m.group("q").strip(), mark
    return None
