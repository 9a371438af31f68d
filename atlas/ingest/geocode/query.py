"""What is asked of the gazetteer: one partner (name, country, clues), and the rule that reads a
name as a region or province ('Région de Dakar', 'Province of Quebec')."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from atlas.ingest.records import PartnerRef
from atlas.text import fold

_ADMIN_PREFIX = re.compile(
    r"^(region|province|state|etat|land|county|comte|departement|district|oblast|voivodie|voivodeship|"
    r"prefecture|gouvernorat|governorate|wilaya|canton|kanton|regione|provincia|comunidad autonoma|judet|"
    r"powiat|kraj|zupanija|okres|municipio|estado)( de la| de l| du| des| de| d| of)? ", re.I)
_ADMIN_SUFFIX = re.compile(r" (region|province|state|oblast|county|voivodeship|prefecture|governorate|kraj)$", re.I)


def admin_stripped(name: str) -> str | None:
    """'Région de Dakar' -> 'Dakar', 'Province of Quebec' -> 'Quebec'; None when no such word."""
    s = " ".join(re.sub(r"[^\w' ]+", " ", fold(name)).split())
    out = _ADMIN_SUFFIX.sub("", _ADMIN_PREFIX.sub("", s))
    return out if out and out != s else None


@dataclass(frozen=True)
class PartnerQuery:
    """One distinct partner to place (rows repeat the same partner: each is placed once)."""

    name: str
    country: str
    admin1: str = ""
    lat: float | None = None
    lon: float | None = None
    level: str = ""
    geonames_id: int | None = None
    prefer_admin1: bool = False  # the French side is a région or a département
    hint_may_be_place: bool = False  # admin1 holds a hint that may name a town ('Dura, Hebron')
    weak: bool = False  # a reading that needs the file's point to be taken (Reading.weak)

    @classmethod
    def of(cls, ref: PartnerRef, prefer_admin1: bool) -> "PartnerQuery":
        return cls(ref.name, ref.country, ref.admin1, ref.lat, ref.lon, ref.level, ref.geonames_id, prefer_admin1)


#: Words around a name that say what kind of local authority it is, not which one.
_UNIT_PREFIX = re.compile(
    r"^(?:(?:the )?(?:municipality|city|town|borough|london borough|royal borough|metropolitan borough|"
    r"county borough|district|commune|township|village) of|gmina(?: miejska| wiejska)?|comune di|municipio de|"
    r"concelho de|ville de|stadt|gemeinde|markt|urban municipality of)\s+(?P<name>\S.*)$", re.I)
_UNIT_SUFFIX = re.compile(
    r"^(?P<name>.*?\S)\s+(?:municipality|urban municipality|rural municipality|city municipality|county borough|"
    r"borough council|district council|city council|town council|district|cercle|department|département|"
    r"commune|kommune|kommun|gemeinde|municipio|township|urban district|county|spa)$", re.I)
#: Spa towns are often written without their 'Bad' (Bad Kötzting, Kötzting in the gazetteer).
_SPA_PREFIX = re.compile(r"^(?:bad|seebad)\s+(?P<name>\S.*)$", re.I)
#: German and Dutch names with a river, a region or a status after them: 'Aken an der Elbe'.
_PLACE_SUFFIX = re.compile(
    r"^(?P<name>.*?\S)\s+(?:an der|an dem|am|im|in der|in|bei|ob der|auf der|vor der|unter der|aan de|aan den|"
    r"op|upon|on|on the)\s+(?P<hint>\S.*)$", re.I)
_SLASH_SUFFIX = re.compile(r"^(?P<name>[^/]*?\S)\s*/\s*(?P<hint>\S[^/]*)$")
_TWO_NAMES = re.compile(r"\s+[/–—]\s+|\s+-\s+")
_HINT = re.compile(r"^(?P<name>[^,()]*?\S)\s*(?:,\s*(?P<comma>[^,()]*\S)\s*|\((?P<paren>[^()]*\S)\s*\)\s*)$")


class Reading(NamedTuple):
    """Another way to read a partner's name (see name_variants)."""

    name: str
    hint: str  # where it is ('Lazio'), '' for none
    hint_may_be_place: bool  # the hint may name a town ('Dura, Hebron'), not only a region
    weak: bool = False  # drops what tells the town from its homonyms ('Heidesheim am Rhein')


def name_variants(name: str) -> list[Reading]:
    """Other ways to read a partner's name that the gazetteer may know, best first, each with a
    hint of where it is ('' for none) and whether the hint may name a town rather than a region
    (a comma: 'Dura, Hebron'; not a river in brackets: 'Aken (Elbe)'). 'Lund Municipality' ->
    Lund; 'Colonna, Lazio' -> Colonna (hint Lazio); 'Menden (Sauerland)' -> Menden; 'San Vicente
    del Raspeig / Sant Vicent del Raspeig' -> each name; 'Aken an der Elbe' -> Aken (hint Elbe);
    'Dillingen/Saar' -> Dillingen; 'Bad Kötzting' -> Kötzting. The name itself is not listed.
    Readings that drop a river or a region after the name are *weak*: the gazetteer's town of the
    shorter name is often another one ('Heidesheim am Rhein' is not the gazetteer's Heidesheim)."""
    out: list[Reading] = []

    def add(text: str, hint: str = "", town: bool = False, weak: bool = False) -> None:
        text = text.strip(" ,;-")
        if text and text != name.strip() and all(o[:2] != (text, hint) for o in out) and len(text) >= 2:
            out.append(Reading(text, hint, town, weak))

    s = " ".join(name.split())
    m = _HINT.match(s)
    if m:
        add(m.group("name"), m.group("comma") or m.group("paren") or "", bool(m.group("comma")))
    parts = [p for p in _TWO_NAMES.split(s) if p.strip()]
    if len(parts) > 1:
        for p in parts:
            add(p)
    bilingual = len(parts) > 1
    for text, hint, town, weak in [Reading(s, "", False), *out]:
        for pattern in (_UNIT_PREFIX, _UNIT_SUFFIX, _SPA_PREFIX):
            m2 = pattern.match(text)
            if m2:
                add(m2.group("name"), hint, town, weak)
    for text, hint, town, _weak in [Reading(s, "", False), *out]:
        m3 = _PLACE_SUFFIX.match(text) or (None if bilingual else _SLASH_SUFFIX.match(text))
        if m3:
            add(m3.group("name"), hint or m3.group("hint"), town and bool(hint), weak=True)
    return out


def hyphen_splits(name: str) -> list[tuple[str, str]]:
    """'Comines-Warneton' -> [('Comines', 'Warneton')]; 'Ottignies-Louvain-la-Neuve' -> every cut
    at a hyphen between letters: the two towns a merged municipality is named after."""
    s = " ".join(name.split())
    cuts = [m.start() for m in re.finditer(r"(?<=\w)-(?=\w)", s)]
    return [(s[:c], s[c + 1:]) for c in cuts]
