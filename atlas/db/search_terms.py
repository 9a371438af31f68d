"""What a person typed in the authority search, understood: a name, and what kind of authority.

People write the names their letters and websites use, not the COG's: "Conseil départemental du
Nord", "Mairie de Montélimar", "CC du Pays de Gex", "Région Midi-Pyrénées". :func:`parse` splits
such a query into

- the *core* of the name ("nord", "montelimar", "pays de gex"), in the search form (folded by
  atlas.text.fold, hyphens and apostrophes as spaces, Saint abbreviations spelled out), with the
  institution words and leading articles taken off;
- the *levels* the institution words point to (département, commune, EPCI…): a preference, not
  a filter ("CC du Pays de Gex" finds the CA du Pays de Gex, which it became);
- the régions an old région name points to ("Midi-Pyrénées" -> Occitanie, atlas.reference.regions_2016);
- a département code written in brackets or after a name ("Saint-Denis (93)", "Montélimar 26");
- whether the query is institution words only ("Région", "Conseil départ…" being typed).

The SQL side (authority_candidates.sql, through :func:`sql_search_form` and :func:`sql_core`)
takes the same words off the names of the EPCI (``CA du Grand Annecy`` -> ``grand annecy``,
``Bordeaux Métropole`` -> ``bordeaux``): both sides use the word lists of this module.
:func:`fuzzy_ranks` (rapidfuzz) catches typing slips when nothing matches as written. Pure
Python: no database, no Streamlit. How it all ranks: docs/search.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from atlas.reference.regions_2016 import OLD_REGIONS, PROVISIONAL_NAMES
from atlas.text import SAINTS, fold, fold_sql

__all__ = ["ARTICLES", "EPCI_WORDS", "INSTITUTION_WORDS", "PREPOSITIONS", "REGION_ABBREVIATIONS", "SearchTerms", "fold_query",
           "fuzzy_ranks", "name_core", "parse", "sql_core", "sql_search_form"]

#: Institution words, in the search form, and the levels each points to.
#: The longest form is tried first ("communaute d agglomeration" before "communaute").
INSTITUTION_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("conseil regional", "region", "hotel de region", "conseil regional de la region"),
                    ("region",)),
    **dict.fromkeys(("conseil departemental", "conseil general", "departement", "dept", "dpt", "cd", "cg",
                     "hotel du departement"), ("departement",)),
    **dict.fromkeys(("ville", "mairie", "commune", "commune nouvelle", "municipalite", "hotel de ville",
                     "conseil municipal"), ("commune",)),
    # Collectivités à statut particulier: Corse (a région here), Guyane and Martinique (région and
    # département), the Collectivité européenne d'Alsace (two départements).
    **dict.fromkeys(("collectivite territoriale", "collectivite europeenne", "collectivite"),
                    ("region", "departement")),
}

#: Words naming an EPCI: taken off the front ("CC du…", "Métropole de…") or the end ("… Métropole",
#: "… Agglo") of queries and of EPCI names alike.
EPCI_WORDS: tuple[str, ...] = (
    "communaute de communes", "communaute d agglomeration", "communaute d agglo", "communaute urbaine",
    "communaute", "metropole europeenne", "eurometropole", "metropole", "agglomeration", "agglo",
    "intercommunalite", "interco", "epci", "com com", "comcom", "cdc", "cda", "cc", "ca", "cu",
    "conseil communautaire", "conseil metropolitain",
)

#: Between an institution word and a name ("Département du Nord", "Mairie de La Rochelle"), and at
#: the start of names ("Le Havre"): a preposition, then an article, each optional.
PREPOSITIONS = ("de", "du", "des", "d", "au", "aux")
ARTICLES = ("la", "le", "les", "l")

#: Characters of a query read: the longest French name has 45, an EPCI's 90; more is pasted text
#: (and fuzzy matching costs length × 37,000 names).
MAX_QUERY = 200

#: Short names of régions that people use.
REGION_ABBREVIATIONS: dict[str, str] = {"paca": "93", "idf": "11", "aura": "84", "bfc": "27", "hdf": "32",
                                         "sud": "93"}  # "Région Sud": PACA's name in its own communication

_ALL_WORDS: dict[str, tuple[str, ...]] = {**INSTITUTION_WORDS, **dict.fromkeys(EPCI_WORDS, ("epci",))}


def _alternation(words) -> str:
    """A regular-expression alternation of plain words (letters and spaces only: the same text is a
    Python and a DuckDB/RE2 pattern), longest first."""
    assert all(re.fullmatch(r"[a-z ]+", w) for w in words), words
    return "|".join(sorted(set(words), key=len, reverse=True))


_ARTICLE = rf"(?:(?:{_alternation(PREPOSITIONS)}) )?(?:(?:{_alternation(ARTICLES)}) )?"
_INSTITUTION_RE = re.compile(rf"^((?:{_alternation(_ALL_WORDS)}) )+")
_EPCI_SUFFIX_RE = re.compile(rf"(?: (?:{_alternation(EPCI_WORDS)}))+$")
_LEADING_ARTICLE_RE = re.compile(rf"^{_ARTICLE}")
_DEPARTEMENT_RE = re.compile(r"\(\s*(\d{2,3}|2a|2b)\s*\)")
_TRAILING_CODE_RE = re.compile(r" (\d{2,3}|2a|2b)$")  # "Montélimar 26"
_GLUED_CODE_RE = re.compile(rf"^({_alternation(_ALL_WORDS)})(\d{{2,3}}|2a|2b)$")  # "CD59"
_BRACKETS_RE = re.compile(r"\([^)]*\)")


def fold_query(text: str) -> str:
    """The search form of a name: folded (atlas.text.fold), hyphens and apostrophes as spaces,
    Saint abbreviations spelled out ("st etienne" finds Saint-Étienne)."""
    text = re.sub(r"[-'\s]+", " ", fold(text)).strip()
    return re.sub(r"\b(st|ste|sts|stes)\b", lambda m: SAINTS[m.group(1)], text)


def _key(name: str) -> str:
    return fold_query(name)


#: Old and provisional région names (search form) -> code of today's région.
#: Old and provisional région names (search form) -> the name as written.
_OLD_REGION_NAMES: dict[str, str] = {_key(name): name for name in [*OLD_REGIONS, *PROVISIONAL_NAMES]}
_OLD_REGION_CODES: dict[str, str] = {
    **{_key(name): new for name, (_old, new) in OLD_REGIONS.items()},
    **{_key(name): code for name, code in PROVISIONAL_NAMES.items()},
    **REGION_ABBREVIATIONS,
}


@dataclass(frozen=True)
class SearchTerms:
    """A query understood (see the module docstring). ``query`` is the whole query in the search
    form, compared as it stands with names and codes; ``core`` the name without institution words."""

    query: str
    core: str
    levels: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    departement: str | None = None
    #: The query is institution words only, whole or being typed ("Région", "Conseil départ"):
    #: when no name matches, the authorities of ``levels`` are offered.
    only_words: bool = False
    #: The old région name typed, as written ("Midi-Pyrénées"), when ``regions`` comes from one.
    old_region: str | None = None


def name_core(text: str, institution: bool = True) -> str:
    """The core of a query or name already in the search form: institution words taken off the
    front and EPCI words off the end (when ``institution``: queries and EPCI names), then leading
    articles. Never empty when ``text`` is not. Names of communes keep their words
    ("Ville-la-Grand" is a commune's name): ``institution=False``."""
    core = text
    if institution:
        core = _EPCI_SUFFIX_RE.sub("", _INSTITUTION_RE.sub("", core + " ").strip()).strip()
    core = _LEADING_ARTICLE_RE.sub("", core + " ").strip()
    return core or text


def parse(text: str) -> SearchTerms:
    """Understand a query: ``parse("Conseil départemental du Nord")`` ->
    ``SearchTerms(query="conseil departemental du nord", core="nord", levels=("departement",))``."""
    # a suggestion pasted back ("Montélimar (26) · Commune"): its name and département only
    text = text[:MAX_QUERY].split("\u00b7")[0]
    query = _GLUED_CODE_RE.sub(r"\1 \2", fold_query(text))
    departement = None
    found = _DEPARTEMENT_RE.search(query)
    if found and _DEPARTEMENT_RE.sub("", query).strip():
        departement = found.group(1).upper().zfill(2)
        query = " ".join(_DEPARTEMENT_RE.sub(" ", query).split())
    query = query.strip(" .,;:!?")
    found = _TRAILING_CODE_RE.search(query)
    if departement is None and found and not _words_only(query[:found.start()]):  # not "Département 59"
        departement = found.group(1).upper().zfill(2)
        query = query[:found.start()].strip()
    # words in brackets are the typist's precision ("Saint-Denis (La Réunion)", "(CCEL)"): the
    # whole query keeps them, the core does without
    core = name_core(" ".join(_BRACKETS_RE.sub(" ", query).split()) or query)
    levels: list[str] = []
    words = _INSTITUTION_RE.match(query + " ")
    only_words = False
    if words:
        for word in _split_words(words.group(0)):
            levels += [lv for lv in _ALL_WORDS[word] if lv not in levels]
        only_words = core == query  # nothing left once the words and articles are off ("commune de")
    elif core != query and _EPCI_SUFFIX_RE.search(query):  # "Bordeaux Métropole"
        levels.append("epci")
    elif len(query) >= 3 and (typed := [w for w in _ALL_WORDS if w.startswith(query)]):  # "conseil depa"
        for word in typed:
            levels += [lv for lv in _ALL_WORDS[word] if lv not in levels]
        only_words = True
    regions: tuple[str, ...] = ()
    old_region = _OLD_REGION_NAMES.get(core)
    if core in _OLD_REGION_CODES:
        regions = (_OLD_REGION_CODES[core],)
        levels = levels or ["region"]
    return SearchTerms(query=query, core=core, levels=tuple(levels), regions=regions, departement=departement,
                       only_words=only_words, old_region=old_region)


def _words_only(text: str) -> bool:
    """Whether ``text`` (search form) is institution words and articles only, or nothing."""
    left = _INSTITUTION_RE.sub("", text + " ").strip()
    return not _LEADING_ARTICLE_RE.sub("", left + " ").strip()


def _split_words(prefix: str) -> list[str]:
    """The institution words of a matched prefix, longest first ("conseil regional region ")."""
    out, rest = [], prefix.strip() + " "
    pattern = re.compile(rf"^({_alternation(_ALL_WORDS)}) ")
    while rest.strip():
        m = pattern.match(rest)
        if not m:
            break
        out.append(m.group(1))
        rest = rest[m.end():]
    return out


def sql_search_form(expr: str) -> str:
    """A DuckDB SQL expression: ``expr`` in the search form, as :func:`fold_query` gives it (fold_sql,
    hyphens and apostrophes as spaces, Saint abbreviations spelled out)."""
    s = f"regexp_replace({fold_sql(expr)}, '[-'' ]+', ' ', 'g')"
    for short, long in SAINTS.items():
        s = f"regexp_replace({s}, '\\b{short}\\b', '{long}', 'g')"
    return f"trim({s})"


def sql_core(expr: str, institution: bool = True) -> str:
    """A DuckDB SQL expression: :func:`name_core` of ``expr``, a name already in the search form.
    Built from the word lists of this module (constants, no data)."""
    s = expr
    if institution:
        prefix = rf"^(({_alternation(_ALL_WORDS)}) )+"
        suffix = rf"( ({_alternation(EPCI_WORDS)}))+$"
        s = f"regexp_replace(trim(regexp_replace({s} || ' ', '{prefix}', '')), '{suffix}', '')"
    s = f"trim(regexp_replace(trim({s}) || ' ', '^{_ARTICLE}', ''))"
    return f"coalesce(nullif({s}, ''), {expr})"


def fuzzy_ranks(core: str, names: list[str], limit: int, cutoff: float = 80.0) -> list[tuple[int, float]]:
    """Indexes of ``names`` close to ``core`` despite slips ("montelimart", "strasbourgh"), with
    their rapidfuzz score (0–100), best first; only those scoring ``cutoff`` or more.

    The scorer is token_sort_ratio (edit distance over the words in sorted order): it forgives a
    slip or two and the order of words, not a missing half ("mont" is far from "montelimar")."""
    if len(core) < 4:  # three letters match too much by chance
        return []
    found = process.extract(core, names, scorer=fuzz.token_sort_ratio, limit=limit, score_cutoff=cutoff)
    return [(index, score) for _name, score, index in found]
