"""Column headers: French and English synonyms -> the atlas's field names; mapping files.

Exports name the same column many ways ("Collectivité", "Nom de la collectivité", "French local
authority"…). Headers are compared as keys (folded, punctuation and units dropped), so
"Montant (€)" and "MONTANT EUR" are the same header. An explicit mapping file handles the odd
export whose headers no synonym covers (see docs/import.md).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from atlas.errors import ImportFileError, show_path
from atlas.ingest.normalize import header_key

#: Largest mapping file read (a mapping has one short line per column).
MAPPING_MAX_CHARS = 1_000_000

#: Import formats (``--format``): "auto" recognises the others from the headers.
FORMATS: tuple[str, ...] = ("auto", "projects", "template", "pairs", "directory", "actors")

#: field -> synonyms (French and English). The first synonym is the template's header.
FIELDS: dict[str, tuple[str, ...]] = {
    # French side
    "fr_name": ("Collectivité française", "Collectivité", "Collectivite territoriale", "Collectivité territoriale",
                "Nom de la collectivité", "Nom collectivité", "Collectivité porteuse", "Collectivité française porteuse",
                "Porteur", "Commune", "Nom de la commune", "Ville française", "Ville", "Autorité locale française",
                "French local authority", "French authority", "Local authority", "French municipality",
                "Municipality", "Authority", "Nom", "Libellé collectivité", "Collectivité (nom)"),
    "fr_insee": ("Code INSEE", "INSEE", "Code commune", "Code commune INSEE", "COG", "Code COG", "Code INSEE commune",
                 "INSEE code", "Code géographique", "Code officiel géographique", "Code collectivité"),
    "fr_siren": ("SIREN", "N° SIREN", "Numéro SIREN", "Code SIREN", "SIREN collectivité", "SIRET"),
    "fr_departement": ("Département", "Dept", "Dépt", "Dep", "Code département", "Département code",
                       "Num département", "N° département", "Department", "Département de la collectivité"),
    "fr_region": ("Région", "Region", "Code région", "Région de la collectivité", "Région administrative",
                  "French region"),
    "fr_level": ("Type de collectivité", "Niveau de collectivité", "Catégorie de collectivité", "Type collectivité",
                 "Niveau", "Authority type", "Type of authority", "Level", "Catégorie"),
    "fr_postcode": ("Code postal", "CP", "Postcode", "Postal code", "Zip code"),
    "fr_others": ("Autres collectivités françaises", "Collectivités françaises associées", "Co-porteurs",
                  "Other French authorities"),
    # partner side
    "partner_name": ("Collectivité partenaire", "Partenaire", "Partenaires", "Autorité partenaire",
                     "Autorité locale partenaire", "Collectivité étrangère", "Ville partenaire", "Ville jumelle",
                     "Ville jumelée", "Commune partenaire", "Nom du partenaire", "Partenaire étranger",
                     "Collectivité locale partenaire", "Partner authority", "Partner local authority", "Partner",
                     "Partner city", "Twin town", "Sister city", "Foreign authority", "Foreign partner"),
    "partner_country": ("Pays", "Pays partenaire", "Pays du partenaire", "Pays de coopération", "Pays concerné",
                        "Country", "Partner country", "Country of partner"),
    "partner_admin1": ("Région / province partenaire", "Région partenaire", "Province", "Province partenaire",
                       "État / province", "Région du partenaire", "Partner region", "State / province", "State",
                       "Partner state or province"),
    "partner_lat": ("Latitude partenaire", "Latitude", "Lat", "Partner latitude", "Latitude du partenaire"),
    "partner_lon": ("Longitude partenaire", "Longitude", "Lon", "Lng", "Long", "Partner longitude",
                    "Longitude du partenaire"),
    "partner_level": ("Type de partenaire", "Niveau du partenaire", "Partner type", "Partner level"),
    "partner_geonames": ("GeoNames", "Geonames id", "Identifiant GeoNames", "GeoNames ID partenaire"),
    # the action
    "kind": ("Type d'action", "Type de coopération", "Nature de l'action", "Type de projet", "Type de partenariat",
             "Mode de coopération", "Forme de coopération", "Kind of action", "Type of action", "Cooperation type",
             "Type of cooperation", "Nature de la coopération", "Type de relation"),
    "title": ("Intitulé du projet", "Intitulé", "Titre", "Titre du projet", "Nom du projet", "Projet", "Libellé du projet",
              "Objet", "Project title", "Title", "Project", "Project name"),
    "description": ("Description", "Description du projet", "Résumé", "Objectifs", "Project description", "Summary"),
    "themes": ("Thématiques", "Thématique", "Thèmes", "Thème", "Secteurs", "Secteur", "Secteur d'intervention",
               "Domaines", "Domaine", "Domaine d'intervention", "Themes", "Theme", "Sectors", "Sector"),
    "sdgs": ("ODD", "ODD concernés", "Objectifs de développement durable", "SDG", "SDGs", "Sustainable development goals"),
    "year_start": ("Année de début", "Début", "Date de début", "Année début", "Depuis", "Année de signature",
                   "Date de signature", "Année du jumelage", "Start year", "Start", "Start date", "Since", "Année"),
    "year_end": ("Année de fin", "Fin", "Date de fin", "Année fin", "End year", "End", "End date", "Until"),
    "period": ("Période", "Années", "Durée", "Period", "Years"),
    "status": ("Statut", "État", "Etat d'avancement", "Status"),
    "budget": ("Montant (€)", "Montant", "Montant total", "Budget", "Budget total", "Coût total", "Montant du projet",
               "Amount", "Amount (EUR)", "Total budget", "Budget (EUR)"),
    "funding": ("Cofinancements", "Cofinancement", "Co-financements", "Cofinanceurs", "Financements", "Financeurs",
                "Sources de financement", "Co-funding", "Cofunding", "Funding", "Funders"),
    "actors": ("Acteurs associés", "Acteurs", "Partenaires associés", "Acteurs du territoire", "Opérateurs",
               "Associated actors", "Actors", "Associated partners"),
    "mode": ("Modalité", "Modalité d'intervention", "Direct / indirect", "Mode", "Delivery"),
    "engagement": ("Engagement", "Ponctuel / durable", "Durée de l'engagement", "Commitment"),
    "agreement": ("Type d'accord", "Accord", "Convention", "Formalisation", "Agreement", "Agreement type"),
    "external_id": ("Identifiant", "ID", "Id projet", "Référence", "Numéro", "N° projet", "Identifier", "Reference"),
    "zone": ("Zone géographique", "Zone", "Continent", "Geographic zone"),
}

#: Fields read but not stored: recognised so they are not reported as unknown columns.
INFORMATIVE_FIELDS = frozenset({"zone"})

_BY_KEY: dict[str, str] = {}
for _field, _synonyms in FIELDS.items():
    _BY_KEY[header_key(_field)] = _field
    for _syn in _synonyms:
        _BY_KEY.setdefault(header_key(_syn), _field)

#: Pair lists published from Wikipedia/Wikidata extracts.
PAIR_FIELDS: dict[str, tuple[str, ...]] = {
    # Wikidata's "twinned administrative body" (P190) query exports (origincityLabel…sistercityLabel)
    "city1": ("city1", "city 1", "ville1", "ville 1", "town1", "commune1", "origincityLabel", "origincity"),
    "country1": ("country1", "country 1", "pays1", "pays 1", "origincountry", "origincountryLabel"),
    "lat1": ("lat1", "latitude1", "lat 1", "originlat"),
    "lng1": ("lng1", "lon1", "long1", "longitude1", "lng 1", "lon 1", "originlong", "originlon"),
    "city2": ("city2", "city 2", "ville2", "ville 2", "town2", "commune2", "sistercityLabel", "sistercity"),
    "country2": ("country2", "country 2", "pays2", "pays 2", "destination_countryLabel",
                 "destinationcountry", "sistercountryLabel"),
    "lat2": ("lat2", "latitude2", "lat 2", "destinationlat"),
    "lng2": ("lng2", "lon2", "long2", "longitude2", "lng 2", "lon 2", "destinationlong", "destinationlon"),
    "year_start": ("year", "since", "annee", "année", "start", "date"),
}
_PAIR_BY_KEY = {header_key(s): f for f, syns in PAIR_FIELDS.items() for s in (f, *syns)}


def map_headers(headers: list[str], overrides: dict[str, str] | None = None,
                strict: bool = False) -> tuple[dict[int, str], list[str]]:
    """Column index -> field for the headers that are recognised, and the ignored headers.

    ``overrides`` (from a mapping file) win over synonyms; a header mapped to "" or "ignore" is
    ignored on purpose. Two columns for one field, or two identical headers, are ambiguous: with
    ``strict`` (the header row chosen) an :class:`ImportFileError` names them; otherwise (while
    looking for the header row) the first keeps the field.
    """
    over = {header_key(k): v for k, v in (overrides or {}).items()}
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    taken: dict[str, int] = {}
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        key = header_key(h)
        if not key:
            continue
        target = over.get(key, _BY_KEY.get(key))
        if strict and target not in ("", "ignore"):
            if key in seen:
                raise ImportFileError(duplicate_message(headers, seen[key], i, None))
            seen[key] = i
        if target in (None, "", "ignore"):
            ignored.append(h)
            continue
        if target in taken:
            if strict:
                raise ImportFileError(duplicate_message(headers, taken[target], i, target))
            ignored.append(h)
            continue
        if target not in FIELDS and target not in PAIR_FIELDS:
            from atlas.ingest.actor_fields import ACTOR_FIELDS

            if target in ACTOR_FIELDS:  # a mapping file for an actor directory: not a project field
                ignored.append(h)
                continue
            raise ImportFileError(
                f"mapping file maps column {h!r} to unknown field {target!r}; expected one of: "
                + ", ".join(sorted(FIELDS)))
        mapping[i] = target
        taken[target] = i
    return mapping, ignored


def duplicate_message(headers: list[str], first: int, second: int, target: str | None) -> str:
    """One line naming two columns that cannot both be read."""
    cols = f"column {first + 1} {headers[first]!r} and column {second + 1} {headers[second]!r}"
    what = f"both give the field {target!r}" if target else "have the same header"
    return (f"{cols} {what}; expected one column per field: rename or remove one, or map one to \"ignore\" "
            "in a mapping file (--mapping, see docs/import.md)")


def map_pair_headers(headers: list[str], strict: bool = False,
                     overrides: dict[str, str] | None = None) -> dict[int, str]:
    """Column index -> pair-list field (city1, country1, lat1…), for recognised headers; with
    ``strict``, two columns for one field are an :class:`ImportFileError`. ``overrides`` (a
    mapping file) win over the synonyms; a header mapped to "" or "ignore" is left out."""
    over = {header_key(k): v for k, v in (overrides or {}).items()}
    out: dict[int, str] = {}
    taken: dict[str, int] = {}
    for i, h in enumerate(headers):
        key = header_key(h)
        f = over[key] if key in over else _PAIR_BY_KEY.get(key)
        if f not in PAIR_FIELDS:
            continue
        if f in taken:
            if strict:
                raise ImportFileError(duplicate_message(headers, taken[f], i, f))
            continue
        out[i] = f
        taken[f] = i
    return out


@dataclass
class Mapping:
    """An explicit mapping file: column -> field, plus reading options.

    TOML or JSON::

        format = "projects"        # optional: projects, pairs, directory, template, actors
        delimiter = ";"            # optional
        encoding = "cp1252"        # optional
        sheet = "Projets"          # optional: sheet name of a workbook
        header_row = 3             # optional: 1-based row holding the headers
        kind = "jumelage"          # optional: default kind of action
        [columns]
        "Collectivité (nom)" = "fr_name"
        "Pays" = "partner_country"
        "Commentaire" = "ignore"
    """

    columns: dict[str, str] = field(default_factory=dict)
    format: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    kind: str | None = None

    @classmethod
    def load(cls, path: str | Path) -> "Mapping":
        """Read and check a mapping file: every key and every value, or an ImportFileError."""
        path = Path(path)
        name = shown_path(path.name)
        try:
            text = path.read_text(encoding="utf-8")
        except IsADirectoryError:
            raise ImportFileError(f"mapping file {shown_path(path)} is a folder; expected a TOML or JSON file") from None
        except FileNotFoundError:
            raise ImportFileError(f"mapping file {shown_path(path)} does not exist; expected a TOML or JSON file") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ImportFileError(f"cannot read mapping file {shown_path(path)}: {reason}") from None
        is_json = path.suffix.lower() == ".json"
        if len(text) > MAPPING_MAX_CHARS:
            raise ImportFileError(f"mapping file {name} has {len(text):,} characters; a mapping file is at most "
                                  f"{MAPPING_MAX_CHARS:,} (one line per column)")
        try:
            data: Any = json.loads(text) if is_json else tomllib.loads(text)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ImportFileError(f"mapping file {name} is not valid {'JSON' if is_json else 'TOML'}: {exc}") from None
        except RecursionError:
            raise ImportFileError(f"mapping file {name} nests tables too deeply; expected a flat table of "
                                  "settings and one [columns] table") from None
        if not isinstance(data, dict):
            raise ImportFileError(f"mapping file {name}: expected a table of settings and [columns], "
                                  f"got a {type(data).__name__}")
        known = ("columns", "format", "delimiter", "encoding", "sheet", "header_row", "kind")
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ImportFileError(f"mapping file {name}: unknown keys {unknown}; expected {sorted(known)}")
        columns = data.get("columns", {})
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise ImportFileError(f"mapping file {name}: [columns] must map header text to a field name")
        mapping = cls(columns=columns, format=data.get("format"), delimiter=data.get("delimiter"),
                      encoding=data.get("encoding"), sheet=data.get("sheet"), header_row=data.get("header_row"),
                      kind=data.get("kind"))
        mapping.validate(f"mapping file {name}")
        return mapping

    def validate(self, source: str = "mapping") -> None:
        """Check every setting (a mapping file's, or options given on the command line or in
        Python): an ImportFileError saying which one is wrong and what is accepted. ``kind`` is
        turned into its code ('Jumelage' -> 'jumelage')."""
        from atlas.ingest.normalize import ValueProblem
        from atlas.ingest.vocab import parse_kind

        def bad(key: str, value: object, expected: str) -> ImportFileError:
            shown = repr(value) if not isinstance(value, str) or len(value) <= 80 else repr(value[:80] + "…")
            return ImportFileError(f"{source}: {key} = {shown}: expected {expected}")

        if not isinstance(self.columns, dict):
            raise bad("columns", self.columns, "a table mapping header text to a field name")
        from atlas.ingest.actor_fields import ACTOR_FIELDS  # actor directories' own fields
        targets: dict[str, str] = {}
        keys: dict[str, str] = {}
        for header, target in self.columns.items():
            if not isinstance(header, str) or not header_key(header):
                raise bad("columns", header, "header text with letters or digits")
            if not isinstance(target, str) or (target not in ("", "ignore") and target not in FIELDS
                                               and target not in PAIR_FIELDS and target not in ACTOR_FIELDS):
                raise ImportFileError(
                    f"{source} maps {header!r} to unknown field {target!r}; expected one of: "
                    + ", ".join(sorted(FIELDS)) + "; for pair lists: " + ", ".join(PAIR_FIELDS)
                    + "; for actor directories: " + ", ".join(ACTOR_FIELDS) + "; or \"ignore\"")
            key = header_key(header)
            if key in keys and self.columns[keys[key]] != target:
                raise ImportFileError(f"{source} maps {keys[key]!r} to {self.columns[keys[key]]!r} and {header!r} "
                                      f"to {target!r}, but they are the same header; expected one entry per header")
            keys[key] = header
            if target in FIELDS and target in targets and header_key(targets[target]) != key:
                raise ImportFileError(f"{source} maps both {targets[target]!r} and {header!r} to {target!r}; "
                                      "expected one column per field (map the other to \"ignore\")")
            targets.setdefault(target, header)
        if self.format is not None and self.format not in FORMATS:
            raise bad("format", self.format, "one of " + ", ".join(FORMATS))
        if self.delimiter is not None:
            try:
                self.delimiter = check_delimiter(self.delimiter)
            except ValueError as exc:
                raise bad("delimiter", self.delimiter, str(exc)) from None
        if self.encoding is not None:
            try:
                self.encoding = check_encoding(self.encoding)
            except ValueError as exc:
                raise bad("encoding", self.encoding, str(exc)) from None
        if self.sheet is not None and (not isinstance(self.sheet, str) or not self.sheet.strip()):
            raise bad("sheet", self.sheet, "the name of a sheet of the workbook")
        if self.header_row is not None and (isinstance(self.header_row, bool) or not isinstance(self.header_row, int)
                                            or not 1 <= self.header_row <= 1000):
            raise bad("header_row", self.header_row, "the number of the row holding the headers, from 1 to 1000")
        if self.kind is not None:
            if not isinstance(self.kind, str):
                raise bad("kind", self.kind, "a kind of action")
            try:
                self.kind = parse_kind(self.kind)
            except ValueProblem as exc:
                raise bad("kind", self.kind, exc.expected) from None


#: What ``--delimiter`` and a mapping file's ``delimiter`` accept.
DELIMITER_EXPECTED = ("one character that is not a letter, a digit, a quote or a line break, such as ; , | "
                      "or tab (written tab or \\t)")


def check_delimiter(value: object) -> str:
    """A CSV delimiter: one character, not a letter, digit, quote or line break; 'tab' or '\\t'
    stand for a tab. Raises ValueError with what is accepted."""
    if not isinstance(value, str):
        raise ValueError(DELIMITER_EXPECTED)
    if value.lower() in ("tab", "\\t"):
        return "\t"
    if len(value) != 1 or value.isalnum() or value in "\"'\r\n" or not (value.isprintable() or value == "\t"):
        raise ValueError(DELIMITER_EXPECTED)
    return value


def check_encoding(value: object) -> str:
    """A text encoding Python knows ('utf-8', 'cp1252', 'latin-1'…). Raises ValueError."""
    import codecs

    expected = "a text encoding such as utf-8, cp1252 (Windows) or latin-1"
    if not isinstance(value, str) or not value.strip():
        raise ValueError(expected)
    try:
        info = codecs.lookup(value)
    except LookupError:
        raise ValueError(expected) from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(expected)
    return value


def shown_path(path: object, limit: int = 120) -> str:
    """A path for a one-line message, unquoted; long ones are cut in the middle, with their length."""
    return show_path(path, limit, quoted=False)
