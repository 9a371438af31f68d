"""Plain data passed between the stages of an import: parsed rows, references, matches.

A format parser turns a file into :class:`Record` objects holding *raw* references (names and
codes as written); the matchers turn each reference into a :class:`Resolution` (matched to an
:class:`Entity`, ambiguous with candidates, or unmatched); the loader writes matched records.
Records are JSON-serialisable so a row waiting in the review queue can be replayed later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["matched", "ambiguous", "unmatched"]


@dataclass
class FrenchRef:
    """A French authority as written in a file."""

    name: str = ""
    insee: str | None = None  # checked format, not yet looked up
    siren: str | None = None
    departement: str = ""  # raw: code or name
    region: str = ""  # raw: code or name
    level: str = ""  # raw type: "commune", "Conseil départemental", "EPCI"…
    postcode: str = ""
    lat: float | None = None  # coordinates given in the file: they choose between homonyms
    lon: float | None = None

    def describe(self) -> str:
        parts = [self.name or ""]
        if self.insee:
            parts.append(f"INSEE {self.insee}")
        if self.siren:
            parts.append(f"SIREN {self.siren}")
        if self.departement:
            parts.append(f"dép. {self.departement}")
        elif self.region:
            parts.append(f"région {self.region}")
        return ", ".join(p for p in parts if p)


@dataclass
class PartnerRef:
    """A foreign partner authority as written in a file."""

    name: str = ""
    country: str = ""  # raw: a name in French or English, or an ISO code
    admin1: str = ""  # raw: state, province or region, when the file gives one
    lat: float | None = None
    lon: float | None = None
    level: str = ""
    geonames_id: int | None = None

    def describe(self) -> str:
        return f"{self.name} ({self.country})" if self.country else self.name


@dataclass
class Record:
    """One row of a file, parsed: who with whom, and what."""

    row: int  # 1-based row (line) number in the file, as a spreadsheet shows it
    french: list[FrenchRef]
    partners: list[PartnerRef]
    kind: str | None = None
    is_project: bool = False
    title: str | None = None
    description: str | None = None
    year_start: int | None = None
    year_end: int | None = None
    status: str | None = None
    budget_eur: float | None = None
    themes: list[str] = field(default_factory=list)
    sdgs: list[int] = field(default_factory=list)
    funding: list[tuple[str, float | None]] = field(default_factory=list)
    actors: list[tuple[str, str | None]] = field(default_factory=list)
    mode: str | None = None
    engagement: str | None = None
    agreement: str | None = None
    external_id: str | None = None
    #: an actor directory's row (atlas.ingest.formats.actors): the actor's values; ``french[0]``
    #: is then its seat's commune and ``french[1:]`` the authorities that support it, each with
    #: its support [kind, year, amount, undated] in ``actor["supports"]``
    actor: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["french"] = [dict(f.__dict__) for f in self.french]
        d["partners"] = [dict(p.__dict__) for p in self.partners]
        d["funding"] = [list(f) for f in self.funding]
        d["actors"] = [list(a) for a in self.actors]
        return d

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Record":
        data = dict(data)
        data["french"] = [FrenchRef(**f) for f in data.get("french", [])]
        data["partners"] = [PartnerRef(**p) for p in data.get("partners", [])]
        data["funding"] = [tuple(f) for f in data.get("funding", [])]
        data["actors"] = [tuple(a) for a in data.get("actors", [])]
        return cls(**data)


@dataclass(frozen=True)
class Entity:
    """An authority the atlas knows: a row of the authorities table, ready to insert."""

    id: str
    level: str
    name: str
    country_iso2: str
    is_french: bool
    name_fr: str | None = None
    insee: str | None = None
    siren: str | None = None
    departement: str | None = None
    region: str | None = None
    epci: str | None = None
    admin1: str | None = None
    geonames_id: int | None = None
    wikidata: str | None = None
    population: int | None = None
    lon: float | None = None
    lat: float | None = None
    geo_precision: str | None = None

    def row(self) -> dict[str, Any]:
        return dict(self.__dict__)  # asdict() deep-copies: 20x slower on 100,000 rows


@dataclass(frozen=True)
class Candidate:
    """One possible answer shown to an analyst in the review queue."""

    id: str
    name: str
    detail: str  # "commune, Haute-Garonne (31)" or "place, DE, pop. 1,024,621"
    score: float = 100.0
    lon: float | None = None
    lat: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Resolution:
    """The outcome of matching one reference."""

    status: Status
    entity: Entity | None = None
    method: str = ""  # insee, siren, old_code, name, old_name, fuzzy, decision, file_coordinates…
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""  # why it is ambiguous or unmatched, in words
    note: str = ""  # e.g. the historical name kept for a merged commune
    flags: list[str] = field(default_factory=list)  # e.g. "coordinates 240 km from the match"
    key: str = ""  # review decision key: the same raw value in the same context


@dataclass
class RowError:
    """A value that cannot be used: row, column, value and what was expected."""

    row: int
    column: str
    value: str
    expected: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Skip:
    """A row left out on purpose (no French side, duplicate…), with the reason."""

    row: int
    reason: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ParseResult:
    """What a format parser returns."""

    format: str
    records: list[Record] = field(default_factory=list)
    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header -> field
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one line each, added to the report's notes
