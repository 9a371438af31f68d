"""Vocabularies of actor directories as files write them: actor types, sectors, kinds of support.

Each maps free text (French or English, any case, with or without accents) to the codes of
atlas.models (``ACTOR_TYPES``, ``SECTORS``, ``SUPPORT_KINDS``); what is not recognised is
returned as such so the import reports it (never dropped silently).
"""

from __future__ import annotations

import re
from functools import lru_cache

from atlas import models
from atlas.ingest.normalize import ValueProblem, header_key, split_multi
from atlas.ingest.vocab import actor_type as _project_actor_type
from atlas.text import fold

#: Spellings of each actor type beyond its code and labels (legal forms and common words).
_TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "association": ("association", "associations", "asso", "association loi 1901", "loi 1901", "ong", "ngo",
                    "association ong", "fondation", "foundation", "federation", "collectif", "reseau",
                    "network", "non profit", "nonprofit", "charity"),
    "osim": ("osim", "association de diaspora", "diaspora", "association de migrants",
             "organisation de solidarite internationale issue des migrations", "diaspora organisation"),
    "jumelage": ("comite de jumelage", "jumelage", "association de jumelage", "twinning committee", "twinning"),
    "ecole": ("ecole", "etablissement scolaire", "college", "lycee", "lycee agricole", "lycee professionnel",
              "school", "secondary school", "primary school", "etablissement d enseignement"),
    "universite": ("universite", "enseignement superieur", "enseignement superieur et recherche", "recherche",
                   "laboratoire", "grande ecole", "ecole d ingenieurs", "institut de recherche", "university",
                   "higher education", "research", "research institute"),
    "hopital": ("hopital", "chu", "centre hospitalier", "clinique", "etablissement de sante", "sante",
                "hospital", "health institution"),
    "entreprise": ("entreprise", "societe", "sarl", "sas", "sa", "pme", "tpe", "eurl", "bureau d etudes",
                   "company", "business", "firm", "private company"),
    "ess": ("ess", "economie sociale et solidaire", "scop", "scic", "cooperative", "mutuelle",
            "entreprise de l ess", "social economy", "cooperative society"),
    "culture": ("structure culturelle", "culture", "theatre", "musee", "festival", "compagnie", "lieu culturel",
                "cultural", "museum", "cultural venue"),
    "sport": ("club sportif", "sport", "club", "association sportive", "sports club"),
    "etablissement_public": ("etablissement public", "chambre consulaire", "chambre de commerce", "cci",
                             "chambre de metiers", "chambre d agriculture", "agence de l eau", "syndicat mixte",
                             "public body", "chamber of commerce", "epic", "epa"),
    "collectivite": ("collectivite", "collectivite territoriale", "commune", "mairie", "departement", "region",
                     "intercommunalite", "epci", "local authority"),
    "autre": ("autre", "autres", "other", "divers"),
}

_TYPE_BY_KEY: dict[str, str] = {}
for _c in models.ACTOR_TYPES:
    for _s in (_c.code, _c.label_fr, _c.label_en, *_TYPE_SYNONYMS.get(_c.code, ())):
        _TYPE_BY_KEY.setdefault(header_key(_s), _c.code)

TYPE_EXPECTED = "an actor type: " + ", ".join(c.label_fr for c in models.ACTOR_TYPES)


def parse_actor_type(text: str) -> str | None:
    """The type code of a 'Type' / 'Catégorie' / 'Statut juridique' cell; None when empty.
    Raises :class:`ValueProblem` for a value it does not know."""
    if not text:
        return None
    key = header_key(text)
    code = _TYPE_BY_KEY.get(key)
    if code is None:
        # "Association (loi 1901)", "SCOP SARL": the first known word decides when only one type is named
        found = {_TYPE_BY_KEY[w] for w in key.split() if w in _TYPE_BY_KEY}
        code = found.pop() if len(found) == 1 else None
    if code is None:
        raise ValueProblem(TYPE_EXPECTED)
    return code


def guess_actor_type(name: str) -> str | None:
    """A guess at the type from the name ("Comité de jumelage de Millau", "CHU de Montpellier")."""
    key = fold(name)
    for code, words in (("jumelage", ("comite de jumelage", "jumelage")),
                        ("osim", ("diaspora",)),
                        ("ess", ("scop", "scic", "cooperative")),
                        ("etablissement_public", ("chambre de commerce", "cci", "chambre d agriculture",
                                                  "chambre de metiers")),
                        ("hopital", ("chu", "centre hospitalier")),
                        ("sport", ("club sportif", "football club", "rugby club", "association sportive"))):
        if any(re.search(r"\b" + re.escape(w) + r"\b", key) for w in words):
            return code
    return _project_actor_type(name)


# ---- sectors ------------------------------------------------------------------------------

_SECTOR_SYNONYMS: dict[str, tuple[str, ...]] = {
    "agriculture": ("agriculture", "alimentation", "securite alimentaire", "developpement rural", "agroecologie",
                    "elevage", "peche", "agriculture et alimentation", "food", "food security", "rural development",
                    "agriculture et securite alimentaire"),
    "eau": ("eau", "assainissement", "eau et assainissement", "eau potable", "hygiene", "wash", "water",
            "sanitation", "water and sanitation"),
    "sante": ("sante", "acces aux soins", "sante publique", "health", "healthcare", "medical"),
    "education": ("education", "formation", "formation professionnelle", "scolarisation", "education et formation",
                  "training", "vocational training", "schooling"),
    "enseignement_sup": ("enseignement superieur", "recherche", "universite", "enseignement superieur et recherche",
                         "higher education", "research"),
    "culture": ("culture", "patrimoine", "arts", "culture et patrimoine", "heritage", "arts and culture"),
    "environnement": ("environnement", "climat", "biodiversite", "changement climatique", "environment", "climate",
                      "biodiversity", "environnement et climat"),
    "energie": ("energie", "energies renouvelables", "electrification", "energy", "renewable energy"),
    "economie": ("developpement economique", "economie", "emploi", "insertion professionnelle", "artisanat",
                 "economic development", "jobs", "employment", "economy"),
    "ess": ("ess", "economie sociale et solidaire", "commerce equitable", "fair trade", "social economy",
            "microfinance"),
    "gouvernance": ("gouvernance", "democratie locale", "decentralisation", "appui institutionnel",
                    "gouvernance locale", "governance", "local governance", "local democracy"),
    "droits": ("droits humains", "droits de l homme", "paix", "droits humains et paix", "human rights", "peace"),
    "egalite": ("egalite femmes hommes", "egalite", "genre", "droits des femmes", "gender", "gender equality"),
    "jeunesse": ("jeunesse", "mobilite internationale", "mobilite des jeunes", "volontariat", "jeunes", "youth",
                 "youth mobility", "volunteering"),
    "sport": ("sport", "sports"),
    "humanitaire": ("urgence", "humanitaire", "action humanitaire", "aide d urgence", "post urgence",
                    "emergency", "humanitarian", "humanitarian aid"),
    "migrations": ("migrations", "migration", "co developpement", "codeveloppement", "diaspora"),
    "ecsi": ("ecsi", "education a la citoyennete", "education a la citoyennete mondiale",
             "education au developpement", "sensibilisation", "citizenship education",
             "global citizenship education", "development education"),
}

_SECTOR_BY_KEY: dict[str, str] = {}
for _c in models.SECTORS:
    for _s in (_c.code, _c.label_fr, _c.label_en, *_SECTOR_SYNONYMS.get(_c.code, ())):
        _SECTOR_BY_KEY.setdefault(header_key(_s), _c.code)

SECTOR_EXPECTED = "sectors such as: " + ", ".join(c.label_fr for c in models.SECTORS[:8]) + "…"


def parse_sectors(text: str) -> tuple[list[str], list[str]]:
    """Sector codes of a cell holding one or several sectors, and the parts not recognised.

    A whole cell is tried first ("Eau, assainissement, hygiène" is one sector), then its parts
    split on ; / | + and line breaks, then a part's comma-separated pieces (each must be known)."""
    codes, unknown = _sectors(text)
    return list(codes), list(unknown)


@lru_cache(maxsize=4096)
def _sectors(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not text:
        return (), ()
    whole = _SECTOR_BY_KEY.get(header_key(text))
    if whole:
        return (whole,), ()
    codes: list[str] = []
    unknown: list[str] = []
    for part in split_multi(text, ";/|\n+"):
        found = _SECTOR_BY_KEY.get(header_key(part))
        parts = [found] if found else [_SECTOR_BY_KEY.get(header_key(p)) for p in split_multi(part, ",")]
        if not parts or None in parts:
            unknown.append(part)
            continue
        for code in parts:
            if code not in codes:
                codes.append(code)
    return tuple(codes), tuple(unknown)


# ---- kinds of support -----------------------------------------------------------------------

_SUPPORT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "subvention": ("subvention", "subventions", "financement", "aide financiere", "soutien financier",
                   "subvention de fonctionnement", "subvention de projet", "grant", "funding", "financial support"),
    "appui_technique": ("appui technique", "accompagnement", "expertise", "conseil", "appui", "soutien technique",
                        "technical support", "technical assistance", "advice"),
    "mise_a_disposition": ("mise a disposition", "mise a disposition de locaux", "mise a disposition de personnel",
                           "locaux", "pret de locaux", "personnel", "en nature", "premises", "staff", "in kind"),
}
_SUPPORT_BY_KEY: dict[str, str] = {}
for _c in models.SUPPORT_KINDS:
    for _s in (_c.code, _c.label_fr, _c.label_en, *_SUPPORT_SYNONYMS.get(_c.code, ())):
        _SUPPORT_BY_KEY.setdefault(header_key(_s), _c.code)

SUPPORT_EXPECTED = "a kind of support: " + ", ".join(c.label_fr for c in models.SUPPORT_KINDS)


def parse_support_kind(text: str) -> str | None:
    """The support kind of a 'Type de soutien' cell (one kind); None when empty."""
    if not text:
        return None
    code = _SUPPORT_BY_KEY.get(header_key(text))
    if code is None:
        raise ValueProblem(SUPPORT_EXPECTED)
    return code


# ---- identifiers and web sites --------------------------------------------------------------

def parse_identifier(text: str) -> str | None:
    """A SIRET (14 digits), SIREN (9 digits) or RNA number (W and 9 characters), spaces and dots
    allowed; returned without them."""
    if not text:
        return None
    s = re.sub(r"[\s.]", "", text).upper()
    if re.fullmatch(r"[0-9]{9}|[0-9]{14}|W[0-9][0-9A-Z][0-9]{7}", s):
        return s
    raise ValueProblem("a SIREN (9 digits), a SIRET (14 digits) or an RNA number (W and 9 characters, "
                       "such as W313012345)")


_WEBSITE = re.compile(r"(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::[0-9]{1,5})?"
                      r"(?:[/?#][^\s<>\"'`]*)?", re.IGNORECASE)


def parse_website(text: str) -> str | None:
    """A web address ('https://…', 'www.exemple.fr', 'exemple.org/page'); stored with its scheme
    (https:// added when absent) so that a page can link it. Anything else (javascript:, a mail
    address, words) raises :class:`ValueProblem`."""
    if not text:
        return None
    s = text.strip()
    if not _WEBSITE.fullmatch(s):
        raise ValueProblem("a web address such as https://www.exemple.org or www.exemple.org")
    return s if re.match(r"https?://", s, re.IGNORECASE) else "https://" + s
