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
