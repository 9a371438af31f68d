"""Controlled vocabularies as files write them: themes, SDGs, kinds of action, funding, status.

Each ``parse_*`` maps free text (French or English, any case, with or without accents) to the
atlas's codes (atlas.models) and raises :class:`ValueProblem` listing what is accepted.
"""

from __future__ import annotations

import re
from functools import lru_cache

from atlas import models
from atlas.ingest.normalize import ValueProblem, fold, header_key, split_multi

# ---- themes -------------------------------------------------------------------------------

#: Extra spellings of each theme beyond its code and French/English labels.
_THEME_SYNONYMS: dict[str, tuple[str, ...]] = {
    "eau": ("eau", "assainissement", "eau potable", "hydraulique", "water", "sanitation", "wash"),
    "sante": ("santé", "sante publique", "health", "hopital", "médical"),
    "education": ("éducation", "formation", "formation professionnelle", "scolarisation", "education", "training", "school"),
    "agriculture": ("agriculture", "sécurité alimentaire", "développement rural", "agroécologie", "élevage", "pêche",
                    "food security", "rural development", "alimentation"),
    "gouvernance": ("gouvernance", "appui institutionnel", "gouvernance locale", "décentralisation", "démocratie locale",
                    "état civil", "renforcement des capacités", "governance", "institution building", "local governance"),
    "economie": ("développement économique", "économie", "economic development", "economy", "emploi", "artisanat",
                 "commerce"),
    "culture": ("culture", "patrimoine", "culture et patrimoine", "heritage", "arts"),
    "jeunesse": ("jeunesse", "mobilité des jeunes", "jeunes", "youth", "échanges scolaires", "volontariat"),
    "environnement": ("environnement", "climat", "changement climatique", "environment", "climate", "adaptation"),
    "energie": ("énergie", "énergies renouvelables", "électrification", "energy", "renewable energy"),
    "dechets": ("déchets", "gestion des déchets", "waste", "waste management", "propreté"),
    "urbanisme": ("urbanisme", "aménagement", "aménagement du territoire", "développement urbain", "habitat",
                  "urban planning", "housing"),
    "tourisme": ("tourisme", "tourism", "écotourisme"),
    "egalite": ("égalité femmes-hommes", "égalité", "genre", "droits des femmes", "gender", "gender equality"),
    "humanitaire": ("action humanitaire", "humanitaire", "urgence", "aide d'urgence", "post-urgence", "reconstruction",
                    "humanitarian", "emergency"),
    "sport": ("sport", "sports"),
    "numerique": ("numérique", "digital", "tic", "informatique", "internet"),
    "migrations": ("migrations", "co-développement", "codéveloppement", "diaspora", "migration"),
    "recherche": ("enseignement supérieur", "recherche", "université", "higher education", "research"),
    "ess": ("économie sociale et solidaire", "ess", "commerce équitable", "social economy"),
    "citoyennete": ("citoyenneté", "éducation à la citoyenneté", "ecsi", "éducation au développement", "ead",
                    "citizenship"),
    "francophonie": ("francophonie", "langue française"),
    "transports": ("transports", "transport", "mobilité urbaine", "mobilité", "mobility"),
    "biodiversite": ("biodiversité", "milieux marins", "océans", "forêts", "biodiversity", "oceans"),
    "paix": ("paix", "droits humains", "droits de l'homme", "peace", "human rights"),
}

_THEME_BY_KEY: dict[str, str] = {}
for _t in models.THEMES:
    for _s in (_t.code, _t.label_fr, _t.label_en, *_THEME_SYNONYMS.get(_t.code, ())):
        _THEME_BY_KEY.setdefault(header_key(_s), _t.code)


def parse_themes(text: str) -> tuple[list[str], list[str]]:
    """Theme codes from a cell holding one or several themes; also the parts not recognised.

    A whole cell is tried first ("Eau et assainissement" is one theme), then its parts split on
    ; , / | and new lines.
    """
    codes, unknown = _themes(text)
    return list(codes), list(unknown)


@lru_cache(maxsize=4096)  # files repeat the same few theme cells on thousands of rows
def _themes(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not text:
        return (), ()
    whole = _THEME_BY_KEY.get(header_key(text))
    if whole:
        return (whole,), ()
    codes: list[str] = []
    unknown: list[str] = []
    for part in split_multi(text, ";,/|\n+"):
        code = _THEME_BY_KEY.get(header_key(part))
        if code is None:
            # "Eau, hygiène" style parts: a known theme word inside the part
            words = header_key(part).split()
            code = next((_THEME_BY_KEY[w] for w in words if w in _THEME_BY_KEY), None)
        if code is None:
            unknown.append(part)
        elif code not in codes:
            codes.append(code)
    return tuple(codes), tuple(unknown)


# ---- SDGs ---------------------------------------------------------------------------------

_SDG_BY_NAME = {header_key(s.name_fr): s.number for s in models.SDGS}
_SDG_BY_NAME.update({header_key(s.name_en): s.number for s in models.SDGS})


def parse_sdgs(text: str) -> list[int]:
    """SDG numbers from '6; 11', 'ODD 6, ODD 11', 'SDG6', '6 - Eau propre…', or official names."""
    return list(_sdgs(text))


@lru_cache(maxsize=4096)
def _sdgs(text: str) -> tuple[int, ...]:
    if not text:
        return ()
    found: list[int] = []
    for part in split_multi(text, ";,/|\n+"):
        key = header_key(part)
        if key in _SDG_BY_NAME:
            n = _SDG_BY_NAME[key]
        else:
            m = re.match(r"^(?:odd|sdg|objectif|goal)?\s*n?\s*(\d{1,2})\b", key)
            if not m:
                raise ValueProblem("SDG numbers from 1 to 17, such as 6; 11 or ODD 6, ODD 11")
            n = int(m.group(1))
        if not 1 <= n <= 17:
            raise ValueProblem("SDG numbers from 1 to 17, such as 6; 11 or ODD 6, ODD 11")
        if n not in found:
            found.append(n)
    return tuple(sorted(found))


# ---- kinds of action ------------------------------------------------------------------------

_KIND_SYNONYMS: dict[str, tuple[str, ...]] = {
    "cooperation_decentralisee": ("coopération décentralisée", "cooperation decentralisee", "coopération",
                                  "partenariat de coopération", "decentralised cooperation",
                                  "decentralized cooperation", "aide au développement", "aict"),
    "jumelage": ("jumelage", "jumelage-coopération", "jumelage cooperation", "twinning", "twin towns", "sister city",
                 "pacte d'amitié", "charte d'amitié", "jumelage et coopération"),
    "cte": ("coopération territoriale européenne", "cte", "interreg", "coopération transfrontalière",
            "transfrontalier", "european territorial cooperation", "cross-border cooperation", "gect"),
    "humanitaire": ("action humanitaire d'urgence", "aide humanitaire", "humanitaire", "urgence", "aide d'urgence",
                    "fonds d'urgence", "humanitarian aid", "emergency aid"),
    "mobilite_jeunes": ("mobilité internationale des jeunes", "mobilité des jeunes", "jeunesse", "vvsi",
                        "volontariat", "youth mobility"),
    "reseaux": ("réseaux de villes", "réseau", "réseaux", "city networks", "network"),
    "economique": ("coopération économique", "attractivité", "internationalisation", "economic cooperation"),
    "soutien_acteurs": ("soutien aux acteurs de solidarité internationale", "soutien aux acteurs",
                        "appel à projets solidarité", "support to solidarity actors"),
    "ecsi": ("éducation à la citoyenneté mondiale", "ecsi", "éducation au développement",
             "global citizenship education"),
}
_KIND_BY_KEY: dict[str, str] = {}
for _k in models.KINDS:
    for _s in (_k.code, _k.label_fr, _k.label_en, *_KIND_SYNONYMS.get(_k.code, ())):
        _KIND_BY_KEY.setdefault(header_key(_s), _k.code)


@lru_cache(maxsize=1024)
def parse_kind(text: str) -> str | None:
    """A kind-of-action code from its French or English label or a common variant."""
    if not text:
        return None
    key = header_key(text)
    if key in _KIND_BY_KEY:
        return _KIND_BY_KEY[key]
    for part in split_multi(text, ";,/|"):
        code = _KIND_BY_KEY.get(header_key(part))
        if code:
            return code
    for syn_key, code in _KIND_BY_KEY.items():  # "Jumelage (accord signé)": a label inside
        if len(syn_key) > 4 and syn_key in key:
            return code
    raise ValueProblem("a kind of action: " + ", ".join(k.label_fr for k in models.KINDS))


# ---- funding --------------------------------------------------------------------------------

_FUNDING_SYNONYMS: dict[str, tuple[str, ...]] = {
    "budget_propre": ("budget propre", "fonds propres", "autofinancement", "collectivité", "own budget", "own funds"),
    "oudin_santini": ("oudin", "oudin-santini", "loi oudin", "1% eau", "1 % eau", "1% eau et assainissement"),
    "pintat": ("pintat", "1% énergie", "1 % énergie", "amendement pintat"),
    "dechets": ("1% déchets", "1 % déchets", "lop-dsi déchets"),
    "transports": ("1% transports", "1 % transports", "1% transport"),
    "meae_cofinancement": ("meae", "daect", "ministère", "ministère des affaires étrangères", "maedi", "mae",
                           "cofinancement meae", "appel à projets meae", "ministry", "french ministry"),
    "ue": ("ue", "union européenne", "fonds européens", "feder", "interreg", "europeaid", "eu", "european union",
           "eu funds", "commission européenne"),
    "afd": ("afd", "agence française de développement", "ficol", "french development agency"),
    "agence_eau": ("agence de l'eau", "agences de l'eau", "agence de l eau", "water agency"),
}
_FUNDING_BY_KEY: dict[str, str] = {}
for _f in models.FUNDINGS:
    for _s in (_f.code, _f.label_fr, _f.label_en, *_FUNDING_SYNONYMS.get(_f.code, ())):
        _FUNDING_BY_KEY.setdefault(header_key(_s), _f.code)


def parse_funding(text: str) -> tuple[list[tuple[str, float | None]], list[str]]:
    """Funding instruments with optional amounts: 'AFD: 20 000 €; Agence de l'eau Seine-Normandie'.

    Returns (code, amount) pairs and the parts not recognised.
    """
    out, unknown = _funding(text)
    return list(out), list(unknown)


#: Longest labels first, so "agence de l eau" wins over "agence".
_FUNDING_LONGEST_FIRST = sorted(_FUNDING_BY_KEY.items(), key=lambda kv: -len(kv[0]))


@lru_cache(maxsize=4096)
def _funding(text: str) -> tuple[tuple[tuple[str, float | None], ...], tuple[str, ...]]:
    from atlas.ingest.normalize import parse_amount

    out: list[tuple[str, float | None]] = []
    unknown: list[str] = []
    for part in split_multi(text, ";|\n+"):
        label, amount = part, None
        m = re.match(r"^(.*?)\s*[:=]\s*([0-9][0-9 .,'\u202f]*\s*(?:k|m)?\s*(?:€|eur|euros)?)\s*$", part, re.I)
        if m:
            label = m.group(1)
            try:
                amount = parse_amount(m.group(2))
            except ValueProblem:
                amount = None
        key = header_key(label)
        code = _FUNDING_BY_KEY.get(key)
        if code is None:
            # "Agence de l'eau Seine-Normandie", "AFD (FICOL)": a known instrument at the start
            code = next((c for k, c in _FUNDING_LONGEST_FIRST
                         if len(k) >= 2 and (key == k or key.startswith(k + " "))), None)
        if code is None:
            unknown.append(part)
        elif code not in [c for c, _ in out]:
            out.append((code, amount))
    return tuple(out), tuple(unknown)


# ---- small enumerations ---------------------------------------------------------------------

_STATUS = {
    "en_cours": ("en cours", "actif", "active", "ongoing", "current", "en vigueur"),
    "termine": ("terminé", "termine", "achevé", "clos", "clôturé", "fini", "completed", "finished", "closed", "ended"),
    "en_projet": ("en projet", "prévu", "en préparation", "planned", "envisagé"),
    "suspendu": ("suspendu", "en sommeil", "interrompu", "suspended", "dormant", "inactive"),
}
_STATUS_BY_KEY = {header_key(s): code for code, syns in _STATUS.items() for s in (code, *syns)}


def parse_status(text: str) -> str | None:
    if not text:
        return None
    code = _STATUS_BY_KEY.get(header_key(text))
    if code is None:
        raise ValueProblem("a status: en cours, terminé, en projet or suspendu")
    return code


def parse_mode(text: str) -> str | None:
    if not text:
        return None
    key = fold(text)
    if "indirect" in key:
        return "indirect"
    if "direct" in key:
        return "direct"
    raise ValueProblem("direct or indirect")


def parse_engagement(text: str) -> str | None:
    if not text:
        return None
    key = fold(text)
    if key.startswith(("ponctuel", "one-off", "one off", "punctual")):
        return "ponctuel"
    if key.startswith(("durable", "pérenne", "perenne", "long", "pluriannuel", "lasting")):
        return "durable"
    raise ValueProblem("ponctuel or durable")


_LEVELS = {
    "commune": ("commune", "communes", "ville", "mairie", "municipalité", "municipality", "city", "town", "com"),
    "epci": ("epci", "intercommunalité", "communauté de communes", "communauté d'agglomération", "communauté urbaine",
             "métropole", "cc", "ca", "cu", "inter-municipality", "intercommunality", "metropole", "agglomération"),
    "departement": ("département", "conseil départemental", "conseil général", "cd", "cg", "dep", "department",
                    "county council", "collectivité départementale"),
    "region": ("région", "conseil régional", "cr", "reg", "region", "regional council", "collectivité territoriale",
               "collectivité territoriale unique", "ctu"),
}
_LEVEL_BY_KEY = {header_key(s): code for code, syns in _LEVELS.items() for s in (code, *syns)}


def parse_level(text: str) -> str | None:
    """French authority level from a 'type de collectivité' cell; None when not recognised."""
    if not text:
        return None
    return _LEVEL_BY_KEY.get(header_key(text))


_ACTOR_TYPES = (
    ("universite", ("universite", "university", "iut", "ecole superieure", "institut national")),
    ("ecole", ("ecole", "college", "lycee", "school", "maternelle")),
    ("hopital", ("hopital", "chu", "clinique", "hospital", "centre hospitalier")),
    ("entreprise", ("sarl", "sas", "s.a.", "entreprise", "company", "societe", "gmbh", "ltd")),
    ("association", ("association", "asso", "comite de jumelage", "ong", "ngo", "fondation", "federation")),
)


def actor_type(name: str) -> str | None:
    """A guess at an associated actor's type from its name (association, école, hôpital…)."""
    key = fold(name)
    for code, words in _ACTOR_TYPES:
        if any(re.search(r"\b" + re.escape(w) + r"\b", key) for w in words):
            return code
    return None
