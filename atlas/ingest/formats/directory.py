"""Twinning directories published as plain text by twinning associations.

One line per French commune, ``NAME (REGION - DEPARTEMENT)``, followed by its partners,
``PARTNER NAME (COUNTRY) - YEAR``; upper case, no accents, abbreviations (ST, STE). Bullets,
indentation and title lines are tolerated; a line that is neither kind is skipped and counted.
"""

from __future__ import annotations

import re

from atlas.ingest.formats.common import ParseOptions
from atlas.ingest.normalize import ValueProblem, clean_text, has_markup, is_formula, parse_year
from atlas.ingest.records import FrenchRef, ParseResult, PartnerRef, Record, RowError, Skip

# greedy name: "FRANKFURT (ODER) (ALLEMAGNE) - 1975" keeps "(ODER)" in the name
_LINE = re.compile(r"^\s*[-•*·>]*\s*(?P<name>.+)\((?P<inside>[^()]+)\)\s*"
                   r"(?:[-–—:,]\s*(?P<year>[^\s()]+)\s*)?$")
_SEP = re.compile(r"\s+[-–—]\s+")


def classify(line: str, opts: ParseOptions) -> tuple[str, re.Match[str] | None]:
    """'french', 'partner' or 'other' for one line."""
    m = _LINE.match(line)
    if not m:
        return "other", None
    inside = m.group("inside").strip()
    country = opts.countries.resolve(inside)
    if country.codes and not _SEP.search(inside):
        return "partner", m
    if _SEP.search(inside) and not m.group("year"):
        return "french", m
    if country.codes or m.group("year"):
        return "partner", m
    return "other", m


def looks_like_directory(lines: list[str], opts: ParseOptions) -> bool:
    """True when most of the first non-empty lines are commune or partner lines."""
    sample = [ln for ln in lines if ln.strip()][:300]
    if not sample:
        return False
    kinds = [classify(ln, opts)[0] for ln in sample]
    return (kinds.count("french") >= 1 and kinds.count("partner") >= 1
            and (kinds.count("french") + kinds.count("partner")) >= 0.6 * len(sample))


def parse_directory(lines: list[str], opts: ParseOptions) -> ParseResult:
    """Records of a twinning directory (one per partner line)."""
    result = ParseResult(format="directory", columns={"NAME (REGION - DEPARTEMENT)": "fr_name",
                                                      "PARTNER (COUNTRY) - YEAR": "partner_name"})
    current: FrenchRef | None = None
    seen: dict[tuple[str, str, str], int] = {}
    for idx, raw in enumerate(lines):
        line = clean_text(raw)
        if not line:
            continue
        row = idx + 1
        result.rows_read += 1
        if is_formula(line) or has_markup(line):
            result.errors.append(RowError(row, "line", line[:200], "plain text: NAME (REGION - DEPARTEMENT) or "
                                          "PARTNER (COUNTRY) - YEAR, without formulas or HTML"))
            continue
        kind, m = classify(line, opts)
        if kind == "other" or m is None:
            result.skips.append(Skip(row, "not a commune or partner line", line[:120]))
            continue
        name = m.group("name").strip(" -")
        if kind == "french":
            parts = _SEP.split(m.group("inside").strip())
            region, dep = (" - ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", parts[0])
            current = FrenchRef(name=name, departement=dep.strip(), region=region.strip())
            continue
        if current is None:
            result.errors.append(RowError(row, "line", line[:200],
                                          "a commune line NAME (REGION - DEPARTEMENT) before its partners"))
            continue
        year = None
        if m.group("year"):
            try:
                year = parse_year(m.group("year"), opts.current_year)
            except ValueProblem as exc:
                result.errors.append(RowError(row, "year", m.group("year"), exc.expected))
                continue
        country = m.group("inside").strip()
        if opts.countries.resolve(country).is_french:
            result.skips.append(Skip(row, "both sides are French", f"{current.name} – {name}"))
            continue
        key = (current.name.lower(), name.lower(), country.lower())
        if key in seen:
            result.skips.append(Skip(row, f"duplicate of row {seen[key]}", f"{current.name} – {name}"))
            continue
        seen[key] = row
        result.records.append(Record(row=row, french=[FrenchRef(**vars(current))],
                                     partners=[PartnerRef(name=name, country=country)],
                                     kind=opts.kind or "jumelage", year_start=year))
    return result
