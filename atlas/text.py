"""Folding text for comparison: the one rule by which the atlas compares names.

Files, reference tables and people searching write one name many ways: "Œuilly" and "OEUILLY",
"Saint‑Étienne" (with a non-breaking hyphen) and "SAINT-ETIENNE", "l’Isle" and "l'Isle",
"Straße" and "STRASSE". :func:`fold` gives all the spellings of a name one form::

    >>> fold("  Cœur d’Alene — Saint‑Étienne  STRASSE ")
    "coeur d'alene - saint-etienne strasse"

:func:`fold_sql` is its twin in SQL (DuckDB), for tables too big to fold row by row in Python
(the gazetteer's million names, the search over every French authority).

Rules built on the folded form live with their users: matching keys (Saint/St, leading
articles, no punctuation) in atlas.ingest.normalize, the search form in atlas.db.queries. This
module imports nothing from the atlas, so every layer can use it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["APOSTROPHES", "DASHES", "LETTERS", "SAINTS", "fold", "fold_sql"]

#: Apostrophes as typed, pasted from a word processor or typeset (’ ‘ ‚ ‛ ʼ ` ´ ′): all become "'".
APOSTROPHES = "\u2019\u2018\u201a\u201b\u02bc`\u00b4\u2032"
#: Hyphens, dashes and minus signs (‐ ‑ ‒ – — ― − ⁃ ﹘ ﹣ －): all become "-".
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"
#: Latin letters that Unicode does not decompose into a base letter and an accent, as files
#: that lack them write them ("OEUVRE", "LODZ", "STRASSE", "THORSHOFN"; the schwa of
#: Azerbaijani names, "Əsədabad", is written "a": "Asadabad").
LETTERS = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "þ": "th", "ð": "d",
           "ħ": "h", "ŧ": "t", "ŋ": "ng", "ƶ": "z", "ə": "a", "ǝ": "a", "ɛ": "e", "ɔ": "o"}
#: Abbreviations of Saint in place names ("St-Étienne", "Ste-Foy", "Sts-Geosmes"), expanded by the
#: rules built on fold (matching keys, search).
SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

_PUNCTUATION = str.maketrans({**dict.fromkeys(APOSTROPHES, "'"), **dict.fromkeys(DASHES, "-")})
_LETTERS = str.maketrans(LETTERS)
#: Characters fold drops: accents and other marks (categories M*, as DuckDB's strip_accents), and
#: invisible format characters (Cf: soft hyphen, zero-width space and joiners, direction marks, BOM).
_DROPPED_CATEGORIES = frozenset({"Mn", "Mc", "Me", "Cf"})


def fold(text: str) -> str:
    """The comparison form of ``text``: what is left when case, accents and typography are set aside.

    In order:

    1. typographic apostrophes become ``'`` and dashes become ``-`` (see APOSTROPHES, DASHES);
    2. case folding (``str.casefold``: "ß" -> "ss") and compatibility decomposition (NFKD:
       "é" -> "e" + accent, "ﬁ" -> "fi", full-width letters and non-breaking spaces -> plain ones);
    3. accents and other marks, and invisible format characters (soft hyphen, zero-width
       space…), are dropped;
    4. letters Unicode does not decompose are spelled out: "œ" -> "oe", "æ" -> "ae",
       "ø" -> "o", "ł" -> "l", "þ" -> "th"… (see LETTERS);
    5. runs of whitespace become one space, and the ends are trimmed.

    Letters of other scripts are kept (lower-cased); punctuation is kept: callers that want
    words only drop it after folding. Idempotent: ``fold(fold(s)) == fold(s)``.
    """
    if text.isascii():
        if "`" in text:
            text = text.replace("`", "'")
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text.translate(_PUNCTUATION).casefold())
    category = unicodedata.category
    text = "".join(c for c in text if category(c) not in _DROPPED_CATEGORIES)
    # NFKD can bring capitals back ("ℌ" -> "H") and uncover letters of LETTERS ("ǿ" -> "ø")
    return " ".join(text.lower().translate(_LETTERS).split())


#: Compatibility forms SQL cannot decompose (fold's NFKD does), spelled out by fold_sql.
_SQL_COMPAT = {"ĳ": "ij", "№": "no", "…": "...", "ﬁ": "fi", "ﬂ": "fl", "ⁿ": "n"}
#: Whitespace as str.split knows it: DuckDB's \s is ASCII only, \p{Z} adds the Unicode spaces.
_SQL_SPACE = r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]+"


def _sql_text(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _sql_class(chars: str) -> str:
    return "[" + "".join(f"\\x{{{ord(c):04x}}}" for c in chars) + "]"


def fold_sql(expr: str, spaces: bool = True) -> str:
    """A DuckDB SQL expression folding the SQL expression ``expr`` the way :func:`fold` does.

    For example ``f"SELECT {fold_sql('name')} FROM ref_communes"``. The same tables drive both
    (apostrophes, dashes, letters); DuckDB's ``strip_accents`` drops the marks. SQL has no
    compatibility decomposition: the common forms are spelled out ("ĳ", "№", "…", "ﬁ"), rarer
    ones ("①", full-width letters) stay as they are; tests/test_text.py measures the gap on the
    gazetteer's 1.4 million names. ``spaces=False`` leaves whitespace as it is, for callers that
    turn every run of non-alphanumeric characters into one space anyway (it saves a pass).
    """
    s = f"regexp_replace({expr}, {_sql_text(_sql_class(APOSTROPHES))}, '''', 'g')"
    s = f"regexp_replace({s}, {_sql_text(_sql_class(DASHES))}, '-', 'g')"
    s = f"strip_accents(lower(regexp_replace({s}, '\\p{{Cf}}+', '', 'g')))"
    table = {**LETTERS, **_SQL_COMPAT}
    single = {k: v for k, v in table.items() if len(v) == 1}
    for k, v in table.items():
        if len(v) > 1:
            s = f"replace({s}, {_sql_text(k)}, {_sql_text(v)})"
    s = f"translate({s}, {_sql_text(''.join(single))}, {_sql_text(''.join(single.values()))})"
    return f"trim(regexp_replace({s}, {_sql_text(_SQL_SPACE)}, ' ', 'g'))" if spaces else s
