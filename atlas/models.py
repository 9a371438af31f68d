"""Domain tables and value objects: SDGs (ODD), themes, kinds of action, funding, Filters.

Everything here is plain data with no I/O, so every layer (db, geo, maps, ui) can import it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterable, Mapping, NamedTuple


class Level(StrEnum):
    """Kinds of authority. French levels first, then the foreign ones."""

    REGION = "region"
    DEPARTEMENT = "departement"
    EPCI = "epci"
    COMMUNE = "commune"
    # Foreign authorities: a city/town (GeoNames place) or an admin-1 area (state, province…).
    PLACE = "place"
    ADMIN1 = "admin1"


FRENCH_LEVELS: tuple[Level, ...] = (Level.REGION, Level.DEPARTEMENT, Level.EPCI, Level.COMMUNE)
FOREIGN_LEVELS: tuple[Level, ...] = (Level.PLACE, Level.ADMIN1)

LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "region": ("Région", "Region"),
    "departement": ("Département", "Département"),
    "epci": ("Intercommunalité (EPCI)", "Inter-municipality (EPCI)"),
    "commune": ("Commune", "Municipality"),
    "place": ("Ville ou localité", "City or town"),
    "admin1": ("Région ou province", "State or province"),
    "country": ("Pays (sans collectivité nommée)", "Country (no authority named)"),
}


class Sdg(NamedTuple):
    number: int
    name_fr: str
    name_en: str
    colour: str


# The 17 SDGs with their official French short names and official colours (UN palette).
SDGS: tuple[Sdg, ...] = (
    Sdg(1, "Pas de pauvreté", "No poverty", "#E5243B"),
    Sdg(2, "Faim « zéro »", "Zero hunger", "#DDA63A"),
    Sdg(3, "Bonne santé et bien-être", "Good health and well-being", "#4C9F38"),
    Sdg(4, "Éducation de qualité", "Quality education", "#C5192D"),
    Sdg(5, "Égalité entre les sexes", "Gender equality", "#FF3A21"),
    Sdg(6, "Eau propre et assainissement", "Clean water and sanitation", "#26BDE2"),
    Sdg(7, "Énergie propre et d'un coût abordable", "Affordable and clean energy", "#FCC30B"),
    Sdg(8, "Travail décent et croissance économique", "Decent work and economic growth", "#A21942"),
    Sdg(9, "Industrie, innovation et infrastructure", "Industry, innovation and infrastructure", "#FD6925"),
    Sdg(10, "Inégalités réduites", "Reduced inequalities", "#DD1367"),
    Sdg(11, "Villes et communautés durables", "Sustainable cities and communities", "#FD9D24"),
    Sdg(12, "Consommation et production responsables", "Responsible consumption and production", "#BF8B2E"),
    Sdg(13, "Lutte contre les changements climatiques", "Climate action", "#3F7E44"),
    Sdg(14, "Vie aquatique", "Life below water", "#0A97D9"),
    Sdg(15, "Vie terrestre", "Life on land", "#56C02B"),
    Sdg(16, "Paix, justice et institutions efficaces", "Peace, justice and strong institutions", "#00689D"),
    Sdg(17, "Partenariats pour la réalisation des objectifs", "Partnerships for the goals", "#19486A"),
)
SDG_BY_NUMBER: dict[int, Sdg] = {s.number: s for s in SDGS}


class Theme(NamedTuple):
    code: str
    label_fr: str
    label_en: str
    sdgs: tuple[int, ...]


# About 25 themes, close to the national atlas and regional networks' sectors; each has the SDGs
# a project of that theme contributes to by default.
THEMES: tuple[Theme, ...] = (
    Theme("eau", "Eau et assainissement", "Water and sanitation", (6,)),
    Theme("sante", "Santé", "Health", (3,)),
    Theme("education", "Éducation et formation", "Education and training", (4,)),
    Theme("agriculture", "Agriculture et sécurité alimentaire", "Agriculture and food security", (2, 15)),
    Theme("gouvernance", "Gouvernance locale et appui institutionnel", "Local governance and institution building", (16, 17)),
    Theme("economie", "Développement économique", "Economic development", (8,)),
    Theme("culture", "Culture et patrimoine", "Culture and heritage", (11,)),
    Theme("jeunesse", "Jeunesse et mobilité", "Youth and mobility", (4, 10)),
    Theme("environnement", "Environnement et climat", "Environment and climate", (13, 15)),
    Theme("energie", "Énergie", "Energy", (7, 13)),
    Theme("dechets", "Déchets", "Waste management", (12, 11)),
    Theme("urbanisme", "Urbanisme et aménagement", "Urban planning", (11,)),
    Theme("tourisme", "Tourisme", "Tourism", (8, 12)),
    Theme("egalite", "Égalité femmes-hommes", "Gender equality", (5,)),
    Theme("humanitaire", "Action humanitaire", "Humanitarian aid", (1, 3)),
    Theme("sport", "Sport", "Sport", (3, 4)),
    Theme("numerique", "Numérique", "Digital", (9,)),
    Theme("migrations", "Migrations et co-développement", "Migration and co-development", (10,)),
    Theme("recherche", "Enseignement supérieur et recherche", "Higher education and research", (4, 9)),
    Theme("ess", "Économie sociale et solidaire", "Social and solidarity economy", (8, 10)),
    Theme("citoyennete", "Éducation à la citoyenneté mondiale", "Global citizenship education", (4, 16)),
    Theme("francophonie", "Francophonie", "Francophonie", (4, 17)),
    Theme("transports", "Transports et mobilité urbaine", "Transport and urban mobility", (9, 11)),
    Theme("biodiversite", "Biodiversité et milieux marins", "Biodiversity and oceans", (14, 15)),
    Theme("paix", "Paix et droits humains", "Peace and human rights", (16,)),
)
THEME_BY_CODE: dict[str, Theme] = {t.code: t for t in THEMES}


class Kind(NamedTuple):
    code: str
    label_fr: str
    label_en: str


# Kinds of action of the "action extérieure des collectivités territoriales".
KINDS: tuple[Kind, ...] = (
    Kind("cooperation_decentralisee", "Coopération décentralisée", "Decentralised cooperation"),
    Kind("jumelage", "Jumelage", "Twinning"),
    Kind("cte", "Coopération territoriale européenne", "European territorial cooperation"),
    Kind("humanitaire", "Action humanitaire d'urgence", "Emergency humanitarian aid"),
    Kind("mobilite_jeunes", "Mobilité internationale des jeunes", "International youth mobility"),
    Kind("reseaux", "Réseaux de villes", "City networks"),
    Kind("economique", "Coopération économique", "Economic cooperation"),
    Kind("soutien_acteurs", "Soutien aux acteurs de solidarité internationale", "Support to international solidarity actors"),
    Kind("ecsi", "Éducation à la citoyenneté mondiale", "Global citizenship education"),
)
KIND_BY_CODE: dict[str, Kind] = {k.code: k for k in KINDS}


class Funding(NamedTuple):
    code: str
    label_fr: str
    label_en: str
    law_year: int | None


FUNDINGS: tuple[Funding, ...] = (
    Funding("budget_propre", "Budget propre", "Own budget", None),
    Funding("oudin_santini", "1 % eau et assainissement (loi Oudin-Santini)", "1% water and sanitation (Oudin-Santini law)", 2005),
    Funding("pintat", "1 % énergie (amendement Pintat)", "1% energy (Pintat amendment)", 2006),
    Funding("dechets", "1 % déchets (LOP-DSI)", "1% waste (LOP-DSI law)", 2014),
    Funding("transports", "1 % transports", "1% transport", 2021),
    Funding("meae_cofinancement", "Cofinancement du ministère (appels à projets)", "Ministry co-funding (calls for projects)", None),
    Funding("ue", "Fonds européens", "EU funds", None),
    Funding("afd", "Agence française de développement", "French development agency", None),
    Funding("agence_eau", "Agence de l'eau", "Water agency", 2005),
)
FUNDING_BY_CODE: dict[str, Funding] = {f.code: f for f in FUNDINGS}

STATUSES: tuple[tuple[str, str, str], ...] = (
    ("en_cours", "En cours", "Ongoing"),
    ("termine", "Terminé", "Completed"),
    ("en_projet", "En projet", "Planned"),
    ("suspendu", "Suspendu", "Suspended"),
)

ZONES: tuple[str, ...] = (
    "Europe",
    "Afrique du Nord",
    "Afrique subsaharienne",
    "Proche et Moyen-Orient",
    "Asie",
    "Amériques",
    "Océanie",
    "Antarctique",
)

#: Codes of each category a flow can be coloured by, in a fixed order (index = category code).
CATEGORY_CODES: dict[str, tuple[object, ...]] = {
    "theme": tuple(t.code for t in THEMES),
    "sdg": tuple(range(1, 18)),
    "kind": tuple(k.code for k in KINDS),
    "funding": tuple(f.code for f in FUNDINGS),
    "zone": tuple(ZONES),
}

ZONE_LABELS_EN: dict[str, str] = {
    "Europe": "Europe",
    "Afrique du Nord": "North Africa",
    "Afrique subsaharienne": "Sub-Saharan Africa",
    "Proche et Moyen-Orient": "Near and Middle East",
    "Asie": "Asia",
    "Amériques": "Americas",
    "Océanie": "Oceania",
    "Antarctique": "Antarctica",
}


class Code(NamedTuple):
    """A code of a small vocabulary, with its French and English labels."""

    code: str
    label_fr: str
    label_en: str


#: Types of the international actors of a territory (the regional multi-actor networks' shared
#: vocabulary, RRMA). ``collectivite`` is an authority seen as an actor of its territory.
ACTOR_TYPES: tuple[Code, ...] = (
    Code("association", "Association, ONG", "Association, NGO"),
    Code("osim", "Association de diaspora (OSIM)", "Diaspora association"),
    Code("jumelage", "Comité de jumelage", "Twinning committee"),
    Code("ecole", "Établissement scolaire", "School"),
    Code("universite", "Enseignement supérieur et recherche", "Higher education and research"),
    Code("hopital", "Établissement de santé", "Health institution"),
    Code("entreprise", "Entreprise", "Company"),
    Code("ess", "Structure de l'économie sociale et solidaire", "Social and solidarity economy body"),
    Code("culture", "Lieu ou structure culturelle", "Cultural venue or body"),
    Code("sport", "Club ou structure sportive", "Sports club"),
    Code("etablissement_public", "Établissement public, chambre consulaire", "Public body, chamber"),
    Code("collectivite", "Collectivité territoriale", "Local authority"),
    Code("autre", "Autre", "Other"),
)
ACTOR_TYPE_BY_CODE: dict[str, Code] = {c.code: c for c in ACTOR_TYPES}

#: The 18 sectors of intervention of the observatories' shared vocabulary (RRMA), each with the
#: SDGs it most serves (used to suggest SDGs, never to count them).
SECTORS: tuple[Code, ...] = (
    Code("agriculture", "Agriculture, alimentation, développement rural", "Agriculture, food, rural development"),
    Code("eau", "Eau, assainissement, hygiène", "Water, sanitation, hygiene"),
    Code("sante", "Santé", "Health"),
    Code("education", "Éducation, formation", "Education, training"),
    Code("enseignement_sup", "Enseignement supérieur, recherche", "Higher education, research"),
    Code("culture", "Culture, patrimoine", "Culture, heritage"),
    Code("environnement", "Environnement, climat, biodiversité", "Environment, climate, biodiversity"),
    Code("energie", "Énergie", "Energy"),
    Code("economie", "Développement économique, emploi", "Economic development, jobs"),
    Code("ess", "Économie sociale et solidaire, commerce équitable", "Social and solidarity economy, fair trade"),
    Code("gouvernance", "Gouvernance, démocratie locale", "Governance, local democracy"),
    Code("droits", "Droits humains, paix", "Human rights, peace"),
    Code("egalite", "Égalité femmes-hommes", "Gender equality"),
    Code("jeunesse", "Jeunesse, mobilité internationale", "Youth, international mobility"),
    Code("sport", "Sport", "Sport"),
    Code("humanitaire", "Urgence, action humanitaire", "Emergency, humanitarian aid"),
    Code("migrations", "Migrations, co-développement", "Migration, co-development"),
    Code("ecsi", "Éducation à la citoyenneté et à la solidarité internationale",
         "Global citizenship and solidarity education"),
)
SECTOR_BY_CODE: dict[str, Code] = {c.code: c for c in SECTORS}

#: How an authority supports an actor of its territory (its "indirect" engagement).
SUPPORT_KINDS: tuple[Code, ...] = (
    Code("subvention", "Subvention", "Grant"),
    Code("appui_technique", "Appui technique", "Technical support"),
    Code("mise_a_disposition", "Mise à disposition (locaux, personnel)", "Premises or staff provided"),
)

#: The partnership exchange (Bourse partenariat): what a post is, and where it stands.
EXCHANGE_KINDS: tuple[Code, ...] = (
    Code("offre", "Offre de partenariat", "Partnership offer"),
    Code("demande", "Demande de partenariat", "Partnership request"),
)
EXCHANGE_STATUSES: tuple[Code, ...] = (
    Code("ouverte", "Ouverte", "Open"),
    Code("appariee", "Partenaire trouvé", "Matched"),
    Code("close", "Close", "Closed"),
)


#: Levels of the French side (origins) and of the partner side (destinations) of flows, finest
#: first; what a flow's width measures; what arcs can be coloured by (atlas.geo re-exports them).
ORIGIN_LEVELS = ("authority", "epci", "departement", "region", "france")
DEST_LEVELS = ("authority", "admin1", "country", "zone")
MAGNITUDES = ("links", "projects", "amount")
COLOUR_BY = ("zone", "theme", "sdg", "kind", "funding")

#: Provenance of a record: imported from a source, or invented for the demonstration.
ORIGINS: dict[str, dict[str, str]] = {
    "real": {"fr": "réelles (importées d'une source)", "en": "real (imported from a source)"},
    "demo": {"fr": "inventées (démonstration)", "en": "invented (demonstration)"},
}


def _as_tuple(value: Any, name: str) -> tuple:
    """Normalise a filter value to a sorted tuple, so equal filters hash equally."""
    if value is None:
        return ()
    if isinstance(value, (str, int)):
        value = (value,)
    if not isinstance(value, Iterable):
        raise TypeError(f"Filters.{name}: expected a list of values, got {value!r}")
    items = tuple(value)
    try:
        return tuple(sorted(set(items)))
    except TypeError as exc:  # mixed types
        raise TypeError(f"Filters.{name}: values must be of one type, got {items!r}") from exc


@dataclass(frozen=True)
class Filters:
    """One selection, from widget to SQL. Frozen and hashable: it is also the cache key.

    Every field is a tuple of accepted values; an empty tuple means "no restriction".
    ``years`` is an inclusive (first, last) pair or None.
    """

    themes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2 of the partner's country
    sdgs: tuple[int, ...] = ()
    zones: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # INSEE region codes of the French side
    departements: tuple[str, ...] = ()  # INSEE département codes of the French side
    levels: tuple[str, ...] = ()  # level of the French authority
    kinds: tuple[str, ...] = ()
    funding: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    status: tuple[str, ...] = ()
    authorities: tuple[str, ...] = field(default=())  # French authority ids, e.g. "commune:31555"
    #: provenance of the records: "real" (imported from a source) and/or "demo" (invented)
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if f.name == "years":
                continue
            value = _as_tuple(getattr(self, f.name), f.name)
            object.__setattr__(self, f.name, value)
        # Normalise case and type before deduplicating: "sn" and "SN" are one country.
        object.__setattr__(self, "countries", tuple(sorted({str(c).upper() for c in self.countries})))
        object.__setattr__(self, "sdgs", tuple(sorted({int(s) for s in self.sdgs})))
        unknown = [s for s in self.sources if s not in ORIGINS]
        if unknown:
            raise ValueError(f"Filters.sources: expected 'real' (imported) or 'demo' (invented), got {unknown}")
        bad = [s for s in self.sdgs if s not in SDG_BY_NUMBER]
        if bad:
            raise ValueError(f"Filters.sdgs: SDG numbers run from 1 to 17, got {bad}")
        if self.years is not None:
            years = tuple(self.years)
            if len(years) != 2 or not all(isinstance(y, int) for y in years) or years[0] > years[1]:
                raise ValueError(
                    f"Filters.years: expected (first_year, last_year) with first <= last, got {self.years!r}"
                )
            object.__setattr__(self, "years", (int(years[0]), int(years[1])))

    def is_empty(self) -> bool:
        """True when the filters select everything."""
        return self == Filters()

    def describe(self, lang: str = "fr", names: Mapping[str, str] | None = None) -> str:
        """A one-line human description of the active filters (map subtitles, exports, captions).

        Themes, kinds, funding, status, levels and zones read as labels. Countries, régions,
        départements and authorities are codes here; ``names`` puts their names instead, keyed
        like authority ids: ``country:SN``, ``region:76``, ``departement:31``, ``commune:31555``.
        """
        parts: list[str] = []
        fr = lang == "fr"
        names = names or {}

        def add(label_fr: str, label_en: str, values: Iterable[str]) -> None:
            parts.append((f"{label_fr} : " if fr else f"{label_en}: ") + ", ".join(values))

        if self.themes:
            add("Thèmes", "Themes", (THEME_BY_CODE[t].label_fr if fr else THEME_BY_CODE[t].label_en
                                     for t in self.themes if t in THEME_BY_CODE))
        if self.countries:
            add("Pays", "Countries", (names.get(f"country:{c}", c) for c in self.countries))
        if self.sdgs:
            add("ODD", "SDGs", (str(s) for s in self.sdgs))
        if self.zones:
            add("Zones", "Zones", (z if fr else ZONE_LABELS_EN.get(z, z) for z in self.zones))
        if self.regions:
            add("Régions", "Regions", (names.get(f"region:{r}", r) for r in self.regions))
        if self.departements:
            add("Départements", "Départements", (names.get(f"departement:{d}", d) for d in self.departements))
        if self.levels:
            add("Niveaux", "Levels", (LEVEL_LABELS[lv][0 if fr else 1] if lv in LEVEL_LABELS else lv
                                      for lv in self.levels))
        if self.kinds:
            add("Types d'action", "Kinds", (KIND_BY_CODE[k].label_fr if fr else KIND_BY_CODE[k].label_en
                                             for k in self.kinds if k in KIND_BY_CODE))
        if self.funding:
            add("Financements", "Funding", ((FUNDING_BY_CODE[f].label_fr if fr else FUNDING_BY_CODE[f].label_en)
                                            if f in FUNDING_BY_CODE else f for f in self.funding))
        if self.years:
            add("Années", "Years", [f"{self.years[0]}–{self.years[1]}"])
        if self.status:
            labels = {code: (lfr, len_) for code, lfr, len_ in STATUSES}
            add("Statut", "Status", (labels[s][0 if fr else 1] if s in labels else s for s in self.status))
        if self.authorities:
            add("Collectivités", "Authorities", (names.get(a, a) for a in self.authorities))
        if self.sources:
            add("Données", "Data", (ORIGINS[o]["fr" if fr else "en"] for o in self.sources))
        if not parts:
            return "Toutes les coopérations" if fr else "All partnerships"
        return " · ".join(parts)
