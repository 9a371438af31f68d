"""Text and value normalisation shared by every import format.

Real files spell the same place many ways: "SAINT-ETIENNE", "St Étienne", "Saint Etienne",
"ETIENNE (ST)". Matching works on *keys*, built on the folded form of atlas.text.fold (case,
accents, œ/æ/ß, typographic apostrophes and dashes set aside): no punctuation, "st"/"ste"
expanded, a leading article dropped, and no spaces (so "VILLENEUVE DASCQ" and
"Villeneuve-d'Ascq" agree). Both sides of a comparison (the file and the reference tables) go
through the same function.

Value parsers (years, amounts, coordinates, codes) return ``None`` for an empty cell and raise
:class:`ValueProblem` with what was expected for a cell they cannot use, so the caller can report
row, column, value and expectation.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from atlas.text import SAINTS, fold

#: Abbreviations of French (and English) place names, expanded token by token.
_ABBREVIATIONS = SAINTS

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


def clean_text(value: object, keep_lines: bool = False) -> str:
    """A cell as a trimmed single-spaced string ('' for None and a float NaN).

    Only whitespace is touched: a cell holding 'nan', 'NULL' or 'n/a' keeps that text (Nan is a
    town in Thailand; a missing-value marker where a number is expected is refused by the value
    parsers, never read as empty). With ``keep_lines`` the line breaks of a multi-line cell are
    kept (one value per line: partners, themes, funding…), each line single-spaced.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = value if isinstance(value, str) else str(value)
    if keep_lines and ("\n" in text or "\r" in text):
        lines = (" ".join(line.split()) for line in text.splitlines())
        return "\n".join(line for line in lines if line)
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


@lru_cache(maxsize=50_000)
def header_key(text: str) -> str:
    """Key of a column header: folded words separated by single spaces, units and '(s)' dropped
    ("Montant (€)", "Montant €" and "MONTANT" give 'montant')."""
    s = fold(text).replace("(s)", "s")
    s = _UNITS.sub(" ", s)
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


#: Error values a spreadsheet shows instead of a result: the cell holds no value to read.
SPREADSHEET_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                                "#CALC!", "#FIELD!", "#GETTING_DATA", "#NV", "#NOMBRE!", "#VALEUR!", "#NOM?",
                                "#REF", "#DIV/0", "#NUL!"})


def is_spreadsheet_error(text: str) -> bool:
    """'#N/A', '#REF!', '#VALEUR!'…: what a spreadsheet exports for a formula that failed."""
    return text.upper() in SPREADSHEET_ERRORS


# ---- values --------------------------------------------------------------------------------
#
# Every parser reads a value exactly or refuses it: a sign, a second decimal separator, a
# fraction where a whole number is expected, or a separator that could be read two ways is a
# ValueProblem (the row is refused and reported), never a guess.

MIN_YEAR = 1900  # the first twinnings date from the 1920s; anything older is a typo
MAX_YEAR_AHEAD = 10  # planned projects: up to ten years ahead

_MONTHS = {
    1: ("janvier", "janv", "jan", "january"), 2: ("fevrier", "fevr", "fev", "feb", "february"),
    3: ("mars", "mar", "march"), 4: ("avril", "avr", "apr", "april"), 5: ("mai", "may"),
    6: ("juin", "jun", "june"), 7: ("juillet", "juil", "jul", "july"), 8: ("aout", "aug", "august"),
    9: ("septembre", "sept", "sep", "september"), 10: ("octobre", "oct", "october"),
    11: ("novembre", "nov", "november"), 12: ("decembre", "dec", "december"),
}
_MONTH_NAMES = "|".join(sorted((n for names in _MONTHS.values() for n in names), key=len, reverse=True))
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?"
#: The whole cell must be one of these; group ``y`` is the year (d/m: day and month, to check).
_YEAR_FORMS = tuple(re.compile(p, re.ASCII) for p in (
    r"(?P<y>\d{4})(?:\.0+)?",  # 2015, or 2015.0 from a spreadsheet number
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME,  # 2015-03-01, 2015-03-01 00:00:00
    r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})" + _TIME,  # 2015/03/01
    r"(?P<d>\d{1,2})([/.-])(?P<m>\d{1,2})\2(?P<y>\d{4})" + _TIME,  # 01/03/2015 (or 03/01/2015)
    r"(?P<m>\d{1,2})([/.-])(?P<y>\d{4})",  # 03/2015
    r"(?:(?:1er|\d{1,2})\s+)?(?P<mn>" + _MONTH_NAMES + r")\.?\s+(?P<y>\d{4})",  # mars 2015, 1er mars 2015
))


def _year_range(current_year: int) -> str:
    return f"a year between {MIN_YEAR} and {current_year + MAX_YEAR_AHEAD}"


def _year_expected(current_year: int) -> str:
    return (_year_range(current_year) + ", written as a whole number (2015) or a date (01/03/2015, 2015-03-01, "
            "mars 2015)")


def _valid_date(y: int, m: int, d: int) -> bool:
    import datetime as dt

    try:
        dt.date(y, m, d)
        return True
    except ValueError:
        return False


def parse_year(text: str, current_year: int) -> int | None:
    """A year from '2015', '2015.0', '01/03/2015', '2015-03-01', 'mars 2015'; nothing else.

    '-2000', '2015.5', '2015a', 'vers 2015' or '2015 2016' are refused, not read as a year.
    """
    if not text:
        return None
    s = " ".join(text.split())
    lowered = fold(s)
    for form in _YEAR_FORMS:
        m = form.fullmatch(lowered)
        if not m:
            continue
        year = int(m.group("y"))
        parts = m.groupdict()
        if parts.get("m") is not None:
            month = int(parts["m"])
            day = int(parts["d"]) if parts.get("d") is not None else 1
            # 01/03/2015 is 1 March in France and 3 January elsewhere: either way a real date
            swapped = form is _YEAR_FORMS[3] and _valid_date(year, day, month)
            if not (_valid_date(year, month, day) or swapped):
                raise ValueProblem(_year_expected(current_year) + " (this date does not exist)")
        if not MIN_YEAR <= year <= current_year + MAX_YEAR_AHEAD:
            raise ValueProblem(_year_expected(current_year))
        return year
    raise ValueProblem(_year_expected(current_year))


_PERIOD = re.compile(r"(?:(?:de|du|from|depuis|since|des)\s+)?(\d{4})"
                     r"(?:\s*(?:-|/|a|au|to|jusqu'?(?:en|a|au))\s*(\d{4}))?", re.ASCII)


def parse_period(text: str, current_year: int) -> tuple[int | None, int | None]:
    """'2015-2018', '2015 à 2018', 'de 2015 à 2018', 'depuis 1995', '2015' -> (start, end)."""
    if not text:
        return None, None
    expected = (f"a year or a period such as 2015-2018, 2015 à 2018 or depuis 2015 (years between {MIN_YEAR} "
                f"and {current_year + MAX_YEAR_AHEAD})")
    try:
        return parse_year(text, current_year), None
    except ValueProblem:
        pass
    m = _PERIOD.fullmatch(fold(" ".join(text.split())))
    if not m:
        raise ValueProblem(expected)
    years = [int(y) for y in m.groups() if y]
    for y in years:
        if not MIN_YEAR <= y <= current_year + MAX_YEAR_AHEAD:
            raise ValueProblem(expected)
    if len(years) == 2:
        if years[1] < years[0]:
            raise ValueProblem("a period whose end is not before its start")
        return years[0], years[1]
    return years[0], None


_MULTIPLIERS = {"k": 3, "m": 6, "mio": 6, "million": 6, "millions": 6, "md": 9, "mds": 9, "milliard": 9,
                "milliards": 9}
_AMOUNT = re.compile(r"(?:€\s*)?(?P<num>[0-9](?:[0-9 .,']*[0-9])?)\s*"
                     r"(?P<mult>k|md|mds|mio|m|millions?|milliards?)?\s*(?:€|eur|euros?)?", re.ASCII)
AMOUNT_EXPECTED = "an amount in euros such as 12 500, 12500,50, 1 234.56, 1.234,56 or 45 k€"
MAX_AMOUNT = 10_000_000_000


def _number_readings(num: str) -> set[Decimal]:
    """Every value ``num`` can mean with one decimal separator (, or .) and one grouping of
    thousands (space, apostrophe, . or ,): '12.500' has two (12500 and 12.5), '1.2.3' none."""
    out: set[Decimal] = set()
    for dec in (None, ",", "."):
        if dec is None:
            whole, frac = num, ""
        else:
            if num.count(dec) != 1:
                continue
            whole, frac = num.split(dec)
            if not re.fullmatch(r"[0-9]+", frac):
                continue
        for grp in (None, " ", "'", ".", ","):
            if grp is not None and grp == dec:
                continue
            if grp is None:
                ok = re.fullmatch(r"[0-9]+", whole)
            else:  # 1 234 567: a first group of 1-3 digits, then groups of exactly 3
                ok = re.fullmatch(r"[1-9][0-9]{0,2}(?:" + re.escape(grp) + r"[0-9]{3})+", whole)
            if ok:
                out.add(Decimal(whole.replace(grp or "", "") + ("." + frac if frac else "")))
    return out


def parse_amount(text: str) -> float | None:
    """Euros from '12 500 €', '1 234,56', '1234.56', '1,234.56', '1.234,56', '1,5 M€', '45 k€'.

    A number that reads two ways ('12.500', '12,500': thousands or decimals?) or none
    ('1.2.3.4', '1,2,3', '-50', 'abc') is refused.
    """
    if not text:
        return None
    s = " ".join(text.lower().split())
    m = _AMOUNT.fullmatch(s)
    if not m:
        raise ValueProblem(AMOUNT_EXPECTED)
    num = m.group("num")
    readings = _number_readings(num)
    if not readings:
        raise ValueProblem(AMOUNT_EXPECTED)
    if len(readings) > 1:
        low, high = sorted(readings)
        raise ValueProblem(f"an amount written unambiguously: {num!r} may be {_plain(high)} or {_plain(low)}; "
                           "write 12500 or 12 500, or 12,5 for a decimal")
    value = readings.pop().scaleb(_MULTIPLIERS[m.group("mult")] if m.group("mult") else 0)
    if value > MAX_AMOUNT:
        raise ValueProblem("an amount between 0 and 10 billion euros")
    return float(value)


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f")


_COORDINATE = re.compile(r"[+-]?[0-9]{1,3}(?:[.,][0-9]+)?\s*°?", re.ASCII)


def parse_coordinate(text: str, kind: str) -> float | None:
    """A latitude or longitude in decimal degrees ('48.85', '48,85', '-4.2', '48.85°')."""
    if not text:
        return None
    s = text.strip()
    if not _COORDINATE.fullmatch(s):
        raise ValueProblem(f"a {kind} in decimal degrees such as 48.8566 or -4,25")
    value = float(s.rstrip("° ").replace(",", "."))
    limit = 90.0 if kind == "latitude" else 180.0
    if not -limit <= value <= limit:
        raise ValueProblem(f"a {kind} between -{limit:g} and {limit:g}")
    return value


def parse_insee(text: str) -> str | None:
    """A commune INSEE code: 5 characters, '2A'/'2B' for Corsica; '1001' -> '01001' (Excel
    drops leading zeros)."""
    if not text:
        return None
    s = text.strip().upper().replace(" ", "")
    if re.fullmatch(r"[0-9]+\.0", s):
        s = s[:-2]
    if re.fullmatch(r"[0-9]{4}", s):
        s = "0" + s
    if not re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}", s):
        raise ValueProblem("an INSEE commune code of 5 characters such as 31555 or 2A004")
    return s


def parse_siren(text: str) -> str | None:
    """A SIREN: 9 digits (spaces allowed, a 14-digit SIRET is cut to its SIREN)."""
    if not text:
        return None
    s = re.sub(r"[\s.]", "", text)
    if re.fullmatch(r"[0-9]+\.0", text.strip()):
        s = text.strip()[:-2]
    if re.fullmatch(r"[0-9]{14}", s):
        s = s[:9]
    if not re.fullmatch(r"[0-9]{9}", s):
        raise ValueProblem("a SIREN of 9 digits such as 243100518")
    return s


def departement_code(text: str) -> str | None:
    """A département code from '31', '1' (-> '01'), '2a', '971', '31.0'; None if not a code."""
    s = text.strip().upper()
    if re.fullmatch(r"[0-9]+\.0", s):
        s = s[:-2]
    if re.fullmatch(r"[0-9]", s):
        return "0" + s
    if re.fullmatch(r"[0-9]{2}|2[AB]|9[78][0-9]", s):
        return s
    return None


@lru_cache(maxsize=32)
def _splitter(separators: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(separators) + "]")


def split_multi(text: str, separators: str = ";|\n") -> list[str]:
    """Several values in one cell ('eau; santé', 'Dakar | Thiès'), trimmed, empty ones dropped.

    Only whitespace is trimmed: a value starting with '-', '+' or '@' ('-1+1') is kept as written.
    """
    if not text:
        return []
    parts = _splitter(separators).split(text)
    return [p.strip() for p in parts if p.strip()]
