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

from atlas.errors import ImportFileError
from atlas.ingest.normalize import header_key

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
    "city1": ("city1", "city 1", "ville1", "ville 1", "town1", "commune1"),
    "country1": ("country1", "country 1", "pays1", "pays 1"),
    "lat1": ("lat1", "latitude1", "lat 1"),
    "lng1": ("lng1", "lon1", "long1", "longitude1", "lng 1", "lon 1"),
    "city2": ("city2", "city 2", "ville2", "ville 2", "town2", "commune2"),
    "country2": ("country2", "country 2", "pays2", "pays 2"),
    "lat2": ("lat2", "latitude2", "lat 2"),
    "lng2": ("lng2", "lon2", "long2", "longitude2", "lng 2", "lon 2"),
    "year_start": ("year", "since", "annee", "année", "start", "date"),
}
_PAIR_BY_KEY = {header_key(s): f for f, syns in PAIR_FIELDS.items() for s in (f, *syns)}


def map_headers(headers: list[str], overrides: dict[str, str] | None = None) -> tuple[dict[int, str], list[str]]:
    """Column index -> field for the headers that are recognised, and the ignored headers.

    ``overrides`` (from a mapping file) win over synonyms; a header mapped to "" or "ignore" is
    ignored on purpose. When two columns map to one field, the first keeps it.
    """
    over = {header_key(k): v for k, v in (overrides or {}).items()}
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    taken: set[str] = set()
    for i, h in enumerate(headers):
        key = header_key(h)
        if not key:
            continue
        target = over.get(key, _BY_KEY.get(key))
        if target in (None, "", "ignore") or target in taken:
            ignored.append(h)
            continue
        if target not in FIELDS and target not in PAIR_FIELDS:
            raise ImportFileError(
                f"mapping file maps column {h!r} to unknown field {target!r}; expected one of: "
                + ", ".join(sorted(FIELDS)))
        mapping[i] = target
        taken.add(target)
    return mapping, ignored


def map_pair_headers(headers: list[str]) -> dict[int, str]:
    """Column index -> pair-list field (city1, country1, lat1…), for recognised headers."""
    out: dict[int, str] = {}
    for i, h in enumerate(headers):
        f = _PAIR_BY_KEY.get(header_key(h))
        if f and f not in out.values():
            out[i] = f
    return out


@dataclass
class Mapping:
    """An explicit mapping file: column -> field, plus reading options.

    TOML or JSON::

        format = "projects"        # optional: projects, pairs, directory, template
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
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImportFileError(f"cannot read mapping file {path}: {exc}") from None
        try:
            data: dict[str, Any] = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ImportFileError(f"mapping file {path.name} is not valid {'JSON' if path.suffix == '.json' else 'TOML'}: {exc}") from None
        known = {"columns", "format", "delimiter", "encoding", "sheet", "header_row", "kind"}
        unknown = set(data) - known
        if unknown:
            raise ImportFileError(f"mapping file {path.name}: unknown keys {sorted(unknown)}; expected {sorted(known)}")
        columns = data.get("columns", {})
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise ImportFileError(f"mapping file {path.name}: [columns] must map header text to a field name")
        for header, target in columns.items():
            if target not in ("", "ignore") and target not in FIELDS:
                raise ImportFileError(
                    f"mapping file {path.name} maps {header!r} to unknown field {target!r}; expected one of: "
                    + ", ".join(sorted(FIELDS)))
        header_row = data.get("header_row")
        if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
            raise ImportFileError(f"mapping file {path.name}: header_row must be a row number from 1, got {header_row!r}")
        return cls(columns=columns, format=data.get("format"), delimiter=data.get("delimiter"),
                   encoding=data.get("encoding"), sheet=data.get("sheet"), header_row=header_row,
                   kind=data.get("kind"))
