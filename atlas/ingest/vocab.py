"""Controlled vocabularies as files write them: themes, SDGs, kinds of action, funding, status.

Each ``parse_*`` maps free text (French or English, any case, with or without accents) to the
atlas's codes (atlas.models) and raises :class:`ValueProblem` listing what is accepted.
"""

from __future__ import annotations

import re
from functools import lru_cache

from atlas import models
from atlas.ingest.normalize import ValueProblem, header_key, split_multi
from atlas.text import fold

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
            # "Eau, hygiène" style parts: a known theme word inside the part, when the words of
            # the part name one theme only ("Eau Santé" names two: unknown, never half read)
            words = {_THEME_BY_KEY[w] for w in header_key(part).split() if w in _THEME_BY_KEY}
            code = words.pop() if len(words) == 1 else None
        if code is None:
            unknown.append(part)
        elif code not in codes:
            codes.append(code)
    return tuple(codes), tuple(unknown)


# ---- SDGs ---------------------------------------------------------------------------------

_SDG_BY_NAME = {header_key(s.name_fr): s.number for s in models.SDGS}
_SDG_BY_NAME.update({header_key(s.name_en): s.number for s in models.SDGS})
#: Words of each SDG's official names: what may follow its number ('6 - Eau propre…').
_SDG_WORDS = {s.number: set(header_key(s.name_fr).split()) | set(header_key(s.name_en).split()) for s in models.SDGS}
SDG_EXPECTED = "SDG numbers from 1 to 17, such as 6; 11 or ODD 6, ODD 11"
#: One SDG: an optional ODD/SDG/Objectif prefix, a whole number, optionally its name after it.
_SDG_PART = re.compile(r"(?:(?:odd|sdg|objectif|objective|goal)s?\s*(?:n\s*[o°]?\.?\s*|#\s*)?)?"
                       r"([0-9]{1,2})(?:\.0+)?(?:(?:\s*[-:.)]\s*|\s+)(.+))?", re.ASCII)


def parse_sdgs(text: str) -> list[int]:
    """SDG numbers from '6; 11', 'ODD 6, ODD 11', 'SDG6', '6 - Eau propre…', or official names.

    Whole numbers from 1 to 17 only: '-1', '6.5', '0', '18' or '6 11' are refused, never read as
    another number.
    """
    return list(_sdgs(text))


@lru_cache(maxsize=4096)
def _sdgs(text: str) -> tuple[int, ...]:
    if not text:
        return ()
    found: list[int] = []
    for chunk in split_multi(text, ";/|\n+"):
        if header_key(chunk) in _SDG_BY_NAME:  # "Industrie, innovation et infrastructure"
            numbers = [_SDG_BY_NAME[header_key(chunk)]]
        else:
            numbers = []
            last: int | None = None
            for part in chunk.split(","):
                if not part.strip():
                    continue
                n = _sdg_part(part.strip(), last)
                if n is not None:
                    numbers.append(n)
                    last = n
        for n in numbers:
            if n not in found:
                found.append(n)
    return tuple(sorted(found))


def _sdg_part(part: str, last: int | None) -> int | None:
    """The SDG of one comma-separated part; None for the rest of the previous SDG's name."""
    key = header_key(part)
    if key in _SDG_BY_NAME:
        return _SDG_BY_NAME[key]
    m = _SDG_PART.fullmatch(fold(part))
    if m is None:
        if last is not None and key and set(key.split()) <= _SDG_WORDS[last]:
            return None  # "9 - Industrie, innovation et infrastructure": the name goes on
        raise ValueProblem(SDG_EXPECTED)
    n = int(m.group(1))
    if not 1 <= n <= 17:
        raise ValueProblem(SDG_EXPECTED + f" (got {n})")
    rest = header_key(m.group(2) or "")
    if rest and not set(rest.split()) <= _SDG_WORDS[n]:
        raise ValueProblem(SDG_EXPECTED + f" ({part!r} is SDG {n} followed by words that are not its name; "
                           "separate several SDGs with ;)")
    return n


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
    """A kind-of-action code from its French or English label or a common variant.

    A cell naming two kinds ('Jumelage; Action humanitaire') is refused: a row has one kind.
    """
    if not text:
        return None
    key = header_key(text)
    if key in _KIND_BY_KEY:
        return _KIND_BY_KEY[key]
    parts = [_KIND_BY_KEY.get(header_key(p)) for p in split_multi(text, ";,/|")]
    codes = set(parts) if parts and all(parts) else set()
    if not codes:  # "Jumelage (accord signé)": a label inside; the longest labels found win
        found = [k for k in _KIND_BY_KEY if len(k) > 4 and k in key]
        codes = {_KIND_BY_KEY[k] for k in found if not any(k != other and k in other for other in found)}
    if len(codes) == 1:
        return codes.pop()
    if codes:
        raise ValueProblem("one kind of action per row, not several ("
                           + ", ".join(sorted(models.KIND_BY_CODE[c].label_fr for c in codes)) + ")")
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
        m = re.match(r"^(.*?)\s*[:=]\s*(.*)$", part)
        if m and re.match(r"[0-9€+-]", m.group(2)):  # "AFD: 20 000": an amount, read exactly or refused
            label = m.group(1)
            try:
                amount = parse_amount(m.group(2))
            except ValueProblem as exc:
                raise ValueProblem(f"funding such as 'AFD: 20 000; Agence de l'eau' ({label}: {exc.expected})") from None
        key = header_key(label)
        code = _FUNDING_BY_KEY.get(key)
        if code is None:
            # "Agence de l'eau Seine-Normandie", "AFD (FICOL)": a known instrument at the start
            code = next((c for k, c in _FUNDING_LONGEST_FIRST
                         if len(k) >= 2 and (key == k or key.startswith(k + " "))), None)
        if code is None:
            unknown.append(part)
            continue
        earlier = next((i for i, (c, _a) in enumerate(out) if c == code), None)
        if earlier is None:
            out.append((code, amount))
        elif amount is not None or out[earlier][1] is not None:
            # "AFD: 10 000; AFD (FICOL): 5 000": neither amount may be dropped, nor added up unasked
            raise ValueProblem(f"one entry per funder with its amount ({part!r} repeats an earlier funder; "
                               "give it once, with the total)")
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
    words = set(re.findall(r"[a-z]+", fold(text)))
    found = {w for w in ("direct", "directe", "indirect", "indirecte") if w in words}
    if found and found <= {"indirect", "indirecte"}:
        return "indirect"
    if found and found <= {"direct", "directe"}:
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
