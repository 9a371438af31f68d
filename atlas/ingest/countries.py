"""Country names and codes as files write them -> ISO 3166-1 alpha-2.

The countries table already lists French, English and official names; this adds the variants
real files use (sub-national or historical names, abbreviations, upper case without accents:
"England, United Kingdom", "Ivory Coast", "REPUBLIQUE TCHEQUE", "RFA", "Congo-Kinshasa").
A name that stands for several countries ("Congo", "Yougoslavie") is *ambiguous*, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
from rapidfuzz import fuzz, process

from atlas.ingest.normalize import name_key
from atlas.text import fold

#: French territories with their own ISO code: a partner there is on the French side.
FRENCH_TERRITORIES: dict[str, str | None] = {
    "FR": None, "GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976", "PM": "975",
    "BL": "977", "MF": "978", "WF": "986", "PF": "987", "NC": "988",
}

#: Variants missing from the reference names (folded text -> ISO code(s)).
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "england": ("GB",), "angleterre": ("GB",), "scotland": ("GB",), "ecosse": ("GB",), "wales": ("GB",),
    "pays de galles": ("GB",), "northern ireland": ("GB",), "irlande du nord": ("GB",),
    "grande bretagne": ("GB",), "britain": ("GB",), "royaume uni": ("GB",), "u k": ("GB",), "gb": ("GB",),
    "usa": ("US",), "etats unis": ("US",), "etats unis d amerique": ("US",), "amerique": ("US",), "u s a": ("US",),
    "rfa": ("DE",), "rda": ("DE",), "west germany": ("DE",), "east germany": ("DE",), "deutschland": ("DE",),
    "allemagne de l ouest": ("DE",), "allemagne de l est": ("DE",),
    "hollande": ("NL",), "holland": ("NL",), "nederland": ("NL",), "belgie": ("BE",), "belgien": ("BE",),
    "schweiz": ("CH",), "svizzera": ("CH",), "italia": ("IT",), "espana": ("ES",), "polska": ("PL",),
    "ceska republika": ("CZ",), "tchequie": ("CZ",), "republique tcheque": ("CZ",), "czechia": ("CZ",),
    "slovensko": ("SK",), "magyarorszag": ("HU",), "osterreich": ("AT",), "oesterreich": ("AT",),
    "russie": ("RU",), "federation de russie": ("RU",), "russia": ("RU",),
    "coree du sud": ("KR",), "south korea": ("KR",), "coree": ("KR",), "coree du nord": ("KP",),
    "north korea": ("KP",), "cote d ivoire": ("CI",), "ivory coast": ("CI",), "cote divoire": ("CI",),
    "rdc": ("CD",), "rd congo": ("CD",), "r d congo": ("CD",), "drc": ("CD",), "congo kinshasa": ("CD",),
    "zaire": ("CD",), "republique democratique du congo": ("CD",), "congo brazzaville": ("CG",),
    "republique du congo": ("CG",), "congo": ("CD", "CG"),
    "cap vert": ("CV",), "cape verde": ("CV",), "cabo verde": ("CV",),
    "macedoine": ("MK",), "macedonia": ("MK",), "fyrom": ("MK",), "moldavie": ("MD",), "bielorussie": ("BY",),
    "belarus": ("BY",), "birmanie": ("MM",), "burma": ("MM",), "swaziland": ("SZ",), "turquie": ("TR",),
    "turkey": ("TR",), "viet nam": ("VN",), "laos": ("LA",), "syrie": ("SY",), "iran": ("IR",),
    "territoires palestiniens": ("PS",), "cisjordanie": ("PS",), "gaza": ("PS",), "west bank": ("PS",),
    "vatican": ("VA",), "saint siege": ("VA",), "holy see": ("VA",), "tanzanie": ("TZ",), "bolivie": ("BO",),
    "irlande": ("IE",), "eire": ("IE",), "grece": ("GR",), "hellas": ("GR",), "croatie": ("HR",),
    "bosnie": ("BA",), "bosnia": ("BA",), "bosnie herzegovine": ("BA",), "serbie": ("RS",), "kosovo": ("XK",),
    "timor oriental": ("TL",), "east timor": ("TL",), "chine": ("CN",), "republique populaire de chine": ("CN",),
    "taiwan": ("TW",), "japon": ("JP",), "quebec": ("CA",), "haute volta": ("BF",), "burkina": ("BF",),
    "dahomey": ("BJ",), "ceylan": ("LK",), "ceylon": ("LK",), "siam": ("TH",), "perse": ("IR",),
    "tchecoslovaquie": ("CZ", "SK"), "czechoslovakia": ("CZ", "SK"),
    "yougoslavie": ("RS", "HR", "SI", "BA", "MK", "ME"), "yugoslavia": ("RS", "HR", "SI", "BA", "MK", "ME"),
    "urss": ("RU", "UA", "BY", "GE", "AM", "AZ", "KZ", "UZ", "LT", "LV", "EE", "MD", "KG", "TJ", "TM"),
    "ussr": ("RU", "UA", "BY", "GE", "AM", "AZ", "KZ", "UZ", "LT", "LV", "EE", "MD", "KG", "TJ", "TM"),
    "guyane francaise": ("GF",), "french guiana": ("GF",), "reunion": ("RE",), "ile de la reunion": ("RE",),
    "nouvelle caledonie": ("NC",), "polynesie francaise": ("PF",), "tahiti": ("PF",),
    "saint pierre et miquelon": ("PM",), "wallis et futuna": ("WF",), "mayotte": ("YT",),
    "guadeloupe": ("GP",), "martinique": ("MQ",), "la france": ("FR",), "francia": ("FR",), "frankreich": ("FR",),
    "emirats arabes unis": ("AE",), "eau": ("AE",), "uae": ("AE",), "arabie saoudite": ("SA",),
    "centrafrique": ("CF",), "rca": ("CF",), "republique centrafricaine": ("CF",), "guinee conakry": ("GN",),
    "guinee bissau": ("GW",), "guinee equatoriale": ("GQ",), "afrique du sud": ("ZA",), "south africa": ("ZA",),
    "maurice": ("MU",), "ile maurice": ("MU",), "mauritius": ("MU",), "comores": ("KM",), "sao tome": ("ST",),
    "kirghizstan": ("KG",), "kirghizistan": ("KG",), "ouzbekistan": ("UZ",), "tadjikistan": ("TJ",),
    "liban": ("LB",), "lebanon": ("LB",), "jordanie": ("JO",), "egypte": ("EG",), "maroc": ("MA",),
    "algerie": ("DZ",), "tunisie": ("TN",), "libye": ("LY",), "mauritanie": ("MR",), "etats federes de micronesie": ("FM",),
    # names of the 1990s-2010s that Wikidata and Wikipedia exports still carry
    "republic of macedonia": ("MK",), "former yugoslav republic of macedonia": ("MK",),
    "republique de macedoine": ("MK",), "ex republique yougoslave de macedoine": ("MK",),
    "palestinian national authority": ("PS",), "palestinian authority": ("PS",), "autorite palestinienne": ("PS",),
    "palestinian territories": ("PS",), "state of palestine": ("PS",), "etat de palestine": ("PS",),
    "kingdom of the netherlands": ("NL",), "republic of ireland": ("IE",), "republic of the congo": ("CG",),
    "democratic republic of the congo": ("CD",), "people s republic of china": ("CN",),
    "czech republic": ("CZ",), "republic of moldova": ("MD",), "the gambia": ("GM",), "gambie": ("GM",),
}

_SPLIT = re.compile(r"[,;/()|]| - ")


@dataclass
class CountryMatch:
    """ISO codes a country text may stand for: one (resolved), several (ambiguous) or none."""

    raw: str
    codes: tuple[str, ...] = ()
    method: str = ""
    candidates: list[tuple[str, float]] = field(default_factory=list)  # fuzzy suggestions

    @property
    def iso2(self) -> str | None:
        return self.codes[0] if len(self.codes) == 1 else None

    @property
    def is_french(self) -> bool:
        return self.iso2 in FRENCH_TERRITORIES


class CountryResolver:
    """Resolve country texts against the countries table (names in French, English, official)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.names: dict[str, str] = {}  # iso2 -> French name, for messages
        self.points: dict[str, tuple[float, float]] = {}
        self._by_key: dict[str, set[str]] = {}
        for iso2, iso3, isonum, name_fr, name_en, names, lon, lat in con.execute(
                "SELECT iso2, iso3, isonum, name_fr, name_en, names, lon, lat FROM countries").fetchall():
            self.names[iso2] = name_fr
            if lon is not None and lat is not None:
                self.points[iso2] = (float(lon), float(lat))
            for n in (name_fr, name_en, *(names or [])):
                self._add(n, iso2)
            for code in (iso2, iso3):
                if code:
                    self._by_key.setdefault("code:" + code.lower(), set()).add(iso2)
            if isonum:
                self._by_key.setdefault("code:" + str(int(isonum)), set()).add(iso2)
        for text, codes in EXTRA_NAMES.items():
            for c in codes:
                if c in self.names:
                    self._add(text, c)
        # "Congo" is in both Congos' name lists, which is right: it stays ambiguous.
        self._choices = sorted(self._by_key)
        self._cache: dict[str, CountryMatch] = {}

    def _add(self, text: str, iso2: str) -> None:
        key = name_key(text)
        if key:
            self._by_key.setdefault(key, set()).add(iso2)

    def _lookup(self, text: str) -> set[str]:
        s = text.strip()
        if re.fullmatch(r"[A-Za-z]{2,3}|\d{1,3}", s):
            codes = self._by_key.get("code:" + (str(int(s)) if s.isdigit() else s.lower()))
            if codes:
                return codes
        return self._by_key.get(name_key(s), set())

    def resolve(self, raw: str) -> CountryMatch:
        """Resolve one country text (cached: files repeat the same few dozen countries)."""
        if raw in self._cache:
            return self._cache[raw]
        m = self._resolve(raw)
        self._cache[raw] = m
        return m

    def _resolve(self, raw: str) -> CountryMatch:
        text = " ".join(raw.split())
        if not text:
            return CountryMatch(raw)
        codes = self._lookup(text)
        if codes:
            return CountryMatch(raw, tuple(sorted(codes)), "name")
        # "England, United Kingdom", "Kinshasa (Congo)", "Guinée - Conakry": every part that
        # names a country must agree.
        found: set[str] | None = None
        for part in _SPLIT.split(text):
            part_codes = self._lookup(part) if part.strip() else set()
            if part_codes:
                found = part_codes if found is None else (found & part_codes or found | part_codes)
        if found:
            return CountryMatch(raw, tuple(sorted(found)), "name part")
        # typos: one clearly best fuzzy match on a long enough name
        key = name_key(text)
        if len(key) >= 5:
            hits = process.extract(key, self._choices, scorer=fuzz.ratio, limit=3, score_cutoff=75)
            cands = [(sorted(self._by_key[h[0]])[0], h[1]) for h in hits if not h[0].startswith("code:")]
            if cands and cands[0][1] >= 88 and all(c[0] == cands[0][0] or c[1] < cands[0][1] - 6 for c in cands[1:]):
                return CountryMatch(raw, (cands[0][0],), "fuzzy", cands)
            return CountryMatch(raw, (), "", cands)
        return CountryMatch(raw)

    def label(self, iso2: str) -> str:
        return f"{self.names.get(iso2, iso2)} ({iso2})"


def looks_french(raw: str) -> bool:
    """Quick test used before the resolver exists (format detection): 'France', 'FR', 'FRA'."""
    return fold(raw).strip() in {"france", "fr", "fra", "la france", "francia", "frankreich"}
