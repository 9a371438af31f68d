"""Text and value normalisation shared by every import format.

Real files spell the same place many ways: "SAINT-ETIENNE", "St Étienne", "Saint Etienne",
"ETIENNE (ST)". Matching works on *keys*: lower-case ASCII, no punctuation, "st"/"ste" expanded,
a leading article dropped, and no spaces (so "VILLENEUVE DASCQ" and "Villeneuve-d'Ascq" agree).
Both sides of a comparison (the file and the reference tables) go through the same function.

Value parsers (years, amounts, coordinates, codes) return ``None`` for an empty cell and raise
:class:`ValueProblem` with what was expected for a cell they cannot use, so the caller can report
row, column, value and expectation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Letters that NFKD does not decompose but that files write in plain ASCII.
_EXTRA_FOLD = str.maketrans({
    "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
    "đ": "d", "Đ": "d", "ı": "i", "þ": "th", "ð": "d", "’": "'", "‘": "'", "`": "'", "´": "'",
    "–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " ", "\u202f": " ",
})

#: Abbreviations of French (and English) place names, expanded token by token.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

#: Articles dropped at the start of a name: "Le Havre" = "HAVRE (LE)" = "Havre".
_LEADING_ARTICLES = frozenset({"le", "la", "les", "l", "the"})

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PAREN_ARTICLE = re.compile(r"\((le|la|les|l'?|the)\)\s*$")
_SUR_SOUS = re.compile(r"\b(s|ss)/\s*")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_SCRIPTISH = re.compile(r"(?i)(javascript:|\bon[a-z]+\s*=|<\s*script|&lt;\s*script)")


class ValueProblem(ValueError):
    """A cell holds a value that cannot be used; ``expected`` says what would have been."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def fold(text: str) -> str:
    """Lower-case ASCII folding: 'Saint-Étienne' -> 'saint-etienne', 'Œuilly' -> 'oeuilly'."""
    if not text.isascii():
        # NFKD splits letters from their accents; encoding to ASCII drops the accents (and any
        # letter of another script, which never matches a Latin-script reference name anyway).
        text = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLD)).encode("ascii", "ignore").decode()
    return text.lower().strip()


def clean_text(value: object) -> str:
    """A cell as a trimmed single-spaced string ('' for None/NaN)."""
    if not value:
        return ""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= 4 and text.lower() in ("nan", "none", "null", "n/a", "#n/a"):
        return ""
    return " ".join(text.split())  # str.split() also splits on non-breaking spaces


@lru_cache(maxsize=200_000)
def tokens(text: str) -> tuple[str, ...]:
    """Folded tokens with abbreviations expanded and a leading article dropped.

    Cached: the same names come back on many rows of a file and in every reference table.
    """
    s = fold(text)
    s = _PAREN_ARTICLE.sub("", s)  # "HAVRE (LE)": the article goes, the name stays
    s = _SUR_SOUS.sub(lambda m: "sur " if m.group(1) == "s" else "sous ", s)
    toks = [_ABBREVIATIONS.get(t, t) for t in _NON_ALNUM.sub(" ", s).split()]
    if len(toks) > 1 and toks[0] in _LEADING_ARTICLES:
        toks = toks[1:]
    return tuple(toks)


def name_key(text: str) -> str:
    """Matching key: tokens joined without spaces ('St-Étienne' -> 'saintetienne')."""
    return "".join(tokens(text))


def spaced_key(text: str) -> str:
    """Tokens joined with spaces: what fuzzy scoring compares ('saint etienne')."""
    return " ".join(tokens(text))


def raw_key(text: str) -> str:
    """Key that keeps a leading article glued on: 'LISLE SUR LA SORGUE' is written for
    "L'Isle-sur-la-Sorgue" when an export drops the apostrophe, so references are also indexed
    under this form."""
    s = fold(text)
    m = _PAREN_ARTICLE.search(s)
    if m:  # "HAVRE (LE)" -> "le havre", never "havrele"
        s = m.group(1) + " " + s[:m.start()]
    s = _SUR_SOUS.sub(lambda m: "sur " if m.group(1) == "s" else "sous ", s)
    return "".join(_ABBREVIATIONS.get(t, t) for t in _NON_ALNUM.sub(" ", s).split())


_UNITS = re.compile(r"\((?:€|eur|euros?|en euros?|k€)\)")
_NON_ALNUM_SPACED = re.compile(r"[^a-z0-9]+")
_TRAILING_ZEROS = re.compile(r"\.0+$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_FIVE_DIGITS = re.compile(r"\d{5,}")
_INT_FLOAT = re.compile(r"\d+\.0")


@lru_cache(maxsize=50_000)
def header_key(text: str) -> str:
    """Key of a column header: folded words separated by single spaces, units and '(s)' dropped."""
    s = fold(text).replace("(s)", "s")
    s = _UNITS.sub(" ", s)
    s = s.replace("€", " eur ")
    s = _NON_ALNUM_SPACED.sub(" ", s)
    return " ".join(s.split())


def has_markup(text: str) -> bool:
    """True when a value holds HTML tags or script: names must be plain text."""
    return bool(_TAG.search(text) or _SCRIPTISH.search(text))


def strip_markup(text: str) -> str:
    """Free text (titles, descriptions) with tags removed."""
    return " ".join(_TAG.sub(" ", text).split())


def is_formula(text: str) -> bool:
    """A spreadsheet formula exported as text ('=SUM(A1:A3)', '=HYPERLINK(…)')."""
    return text.startswith("=") and len(text) > 1


# ---- values --------------------------------------------------------------------------------

MIN_YEAR = 1900  # the first twinnings date from the 1920s; anything older is a typo
MAX_YEAR_AHEAD = 10  # planned projects: up to ten years ahead


def parse_year(text: str, current_year: int) -> int | None:
    """A year from '2015', '2015.0', '01/03/2015', '2015-03-01', 'mars 2015'."""
    if not text:
        return None
    expected = f"a year between {MIN_YEAR} and {current_year + MAX_YEAR_AHEAD}"
    s = _TRAILING_ZEROS.sub("", text.strip())
    found = _YEAR.findall(s)
    # exactly one four-digit group: '2015', '01/03/2015', '2015-03-01 00:00:00', 'mars 2015'
    if len(found) != 1 or _FIVE_DIGITS.search(s):
        raise ValueProblem(expected)
    year = int(found[0])
    if not MIN_YEAR <= year <= current_year + MAX_YEAR_AHEAD:
        raise ValueProblem(f"a year between {MIN_YEAR} and {current_year + MAX_YEAR_AHEAD}")
    return year


def parse_period(text: str, current_year: int) -> tuple[int | None, int | None]:
    """'2015-2018', '2015 à 2018', 'depuis 1995', '2015' -> (start, end)."""
    if not text:
        return None, None
    years = [int(y) for y in _YEAR.findall(text)]
    if not years or len(years) > 2:
        raise ValueProblem("a year or a period such as 2015-2018")
    for y in years:
        if not MIN_YEAR <= y <= current_year + MAX_YEAR_AHEAD:
            raise ValueProblem(f"years between {MIN_YEAR} and {current_year + MAX_YEAR_AHEAD}")
    if len(years) == 2:
        if years[1] < years[0]:
            raise ValueProblem("a period whose end is not before its start")
        return years[0], years[1]
    return years[0], None


_MULTIPLIERS = {"k": 1e3, "m": 1e6, "md": 1e9}


def parse_amount(text: str) -> float | None:
    """Euros from '12 500 €', '12.500,50', '12,500.50', '1,5 M€', '15 k€', '12500'."""
    if not text:
        return None
    s = fold(text).replace("eur", "").replace("€", "").replace("euros", "")
    s = s.replace(" ", "").replace("\u202f", "")
    m = re.fullmatch(r"([0-9][0-9.,']*)(k|m|md)?e?s?", s)
    if not m:
        raise ValueProblem("an amount in euros such as 12 500 or 12500,50")
    num, mult = m.group(1).replace("'", ""), m.group(2)
    if "," in num and "." in num:
        # the last separator is the decimal one: 12.500,50 or 12,500.50
        if num.rfind(",") > num.rfind("."):
            num = num.replace(".", "").replace(",", ".")
        else:
            num = num.replace(",", "")
    elif "," in num:
        parts = num.split(",")
        # 12,500 (thousands) vs 12,5 (decimal): three digits after a single comma = thousands
        num = num.replace(",", "") if len(parts) > 2 or (len(parts[-1]) == 3 and not mult) else num.replace(",", ".")
    elif num.count(".") > 1 or (num.count(".") == 1 and len(num.split(".")[-1]) == 3 and not mult):
        num = num.replace(".", "")
    try:
        value = float(num) * (_MULTIPLIERS[mult] if mult else 1.0)
    except ValueError:
        raise ValueProblem("an amount in euros such as 12 500 or 12500,50") from None
    if value < 0 or value > 1e10:
        raise ValueProblem("an amount between 0 and 10 billion euros")
    return value


def parse_coordinate(text: str, kind: str) -> float | None:
    """A latitude or longitude in decimal degrees ('48.85', '48,85', '-4.2')."""
    if not text:
        return None
    s = text.strip().replace(",", ".").replace("°", "")
    try:
        value = float(s)
    except ValueError:
        raise ValueProblem(f"a {kind} in decimal degrees") from None
    limit = 90.0 if kind == "latitude" else 180.0
    if not -limit <= value <= limit or value != value:
        raise ValueProblem(f"a {kind} between -{limit:g} and {limit:g}")
    return value


def parse_insee(text: str) -> str | None:
    """A commune INSEE code: 5 characters, '2A'/'2B' for Corsica; '1001' -> '01001' (Excel
    drops leading zeros)."""
    if not text:
        return None
    s = text.strip().upper().replace(" ", "")
    if re.fullmatch(r"\d+\.0", s):
        s = s[:-2]
    if re.fullmatch(r"\d{4}", s):
        s = "0" + s
    if not re.fullmatch(r"\d{5}|2[AB]\d{3}", s):
        raise ValueProblem("an INSEE commune code of 5 characters such as 31555 or 2A004")
    return s


def parse_siren(text: str) -> str | None:
    """A SIREN: 9 digits (spaces allowed, a 14-digit SIRET is cut to its SIREN)."""
    if not text:
        return None
    s = re.sub(r"[\s.]", "", text)
    if re.fullmatch(r"\d+\.0", text.strip()):
        s = text.strip()[:-2]
    if re.fullmatch(r"\d{14}", s):
        s = s[:9]
    if not re.fullmatch(r"\d{9}", s):
        raise ValueProblem("a SIREN of 9 digits such as 243100518")
    return s


def departement_code(text: str) -> str | None:
    """A département code from '31', '1' (-> '01'), '2a', '971', '31.0'; None if not a code."""
    s = text.strip().upper()
    if re.fullmatch(r"\d+\.0", s):
        s = s[:-2]
    if re.fullmatch(r"\d", s):
        return "0" + s
    if re.fullmatch(r"\d{2}|2[AB]|9[78]\d", s):
        return s
    return None


@lru_cache(maxsize=32)
def _splitter(separators: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(separators) + "]")


def split_multi(text: str, separators: str = ";|\n") -> list[str]:
    """Several values in one cell ('eau; santé', 'Dakar | Thiès'), trimmed, empty ones dropped."""
    if not text:
        return []
    parts = _splitter(separators).split(text)
    return [p.strip(" -•\t") for p in parts if p.strip(" -•\t")]
