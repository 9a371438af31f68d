"""What is asked of the gazetteer: one partner (name, country, clues), and the rule that reads a
name as a region or province ('Région de Dakar', 'Province of Quebec')."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    r"commune|kommune|kommun|gemeinde|municipio|township|urban district)$", re.I)
#: German and Dutch names with a river, a region or a status after them: 'Aken an der Elbe'.
_PLACE_SUFFIX = re.compile(
    r"^(?P<name>.*?\S)\s+(?:an der|an dem|am|im|in der|in|bei|ob der|auf der|vor der|unter der|aan de|aan den|"
    r"op|upon|on|on the)\s+(?P<hint>\S.*)$", re.I)
_SLASH_SUFFIX = re.compile(r"^(?P<name>[^/]*?\S)\s*/\s*(?P<hint>\S[^/]*)$")
_TWO_NAMES = re.compile(r"\s+[/–—]\s+|\s+-\s+")
_HINT = re.compile(r"^(?P<name>[^,()]*?\S)\s*(?:,\s*(?P<comma>[^,()]*\S)\s*|\((?P<paren>[^()]*\S)\s*\)\s*)$")


def name_variants(name: str) -> list[tuple[str, str]]:
    """Other ways to read a partner's name that the gazetteer may know, best first, each with a
    hint of where it is ('' for none): 'Lund Municipality' -> Lund; 'Colonna, Lazio' -> Colonna
    (hint Lazio); 'Menden (Sauerland)' -> Menden; 'San Vicente del Raspeig / Sant Vicent del
    Raspeig' -> each name; 'Aken an der Elbe' -> Aken (hint Elbe); 'Dillingen/Saar' -> Dillingen.
    The name itself is not in the list."""
    out: list[tuple[str, str]] = []

    def add(text: str, hint: str = "") -> None:
        text = text.strip(" ,;-")
        if text and text != name.strip() and (text, hint) not in out and len(text) >= 2:
            out.append((text, hint))

    s = " ".join(name.split())
    m = _HINT.match(s)
    if m:
        add(m.group("name"), m.group("comma") or m.group("paren") or "")
    parts = [p for p in _TWO_NAMES.split(s) if p.strip()]
    if len(parts) > 1:
        for p in parts:
            add(p)
    bilingual = len(parts) > 1
    for text, hint in [(s, ""), *out]:
        for pattern in (_UNIT_PREFIX, _UNIT_SUFFIX):
            m2 = pattern.match(text)
            if m2:
                add(m2.group("name"), hint)
    for text, hint in [(s, ""), *out]:
        m3 = _PLACE_SUFFIX.match(text) or (None if bilingual else _SLASH_SUFFIX.match(text))
        if m3:
            add(m3.group("name"), hint or m3.group("hint"))
    return out
