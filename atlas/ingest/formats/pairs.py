"""Pair lists as published from Wikipedia/Wikidata extracts of twin towns.

``city1,country1[,lat1,lng1],city2,country2[,lat2,lng2]`` with or without a header row (a year
column may follow). Either side may be the French one; country names come in English or French.
Rows with no French side (two foreign towns) are skipped and counted; so are rows where both
sides are French, and a pair already listed the other way round.
"""

from __future__ import annotations

from atlas.ingest.countries import FRENCH_TERRITORIES
from atlas.ingest.formats.common import ParseOptions, clean_rows
from atlas.ingest.headers import map_pair_headers
from atlas.ingest.normalize import ValueProblem, parse_coordinate, parse_year
from atlas.ingest.readers import Sheet
from atlas.ingest.records import FrenchRef, ParseResult, PartnerRef, Record, RowError, Skip
from atlas.text import fold

REQUIRED = ("city1", "country1", "city2", "country2")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


def headerless_layout(rows: list[list[str]]) -> dict[int, str] | None:
    """Column layout of a pair list without header, from its width and which cells are numbers."""
    sample = [r for r in rows[:50] if any(r)]
    if not sample:
        return None
    width = len(sample[0])
    numeric = [sum(1 for r in sample if j < len(r) and r[j] and _is_number(r[j])) / len(sample) for j in range(width)]
    num = [x >= 0.8 for x in numeric]
    layouts = {
        4: ("city1", "country1", "city2", "country2"),
        8: ("city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"),
        5: ("city1", "country1", "city2", "country2", "year_start"),
        9: ("city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2", "year_start"),
    }
    if width == 6:  # coordinates on one side only: which one?
        layout = (("city1", "country1", "lat1", "lng1", "city2", "country2") if num[2] and num[3]
                  else ("city1", "country1", "city2", "country2", "lat2", "lng2"))
    elif width in layouts:
        layout = layouts[width]
    else:
        return None
    # the text columns must not be numbers, the coordinate columns must be
    for j, f in enumerate(layout):
        if f in ("lat1", "lng1", "lat2", "lng2", "year_start") and not num[j]:
            return None
        if f in REQUIRED and num[j]:
            return None
    return dict(enumerate(layout))


def parse_pairs(sheet: Sheet, opts: ParseOptions, overrides: dict[str, str] | None = None) -> ParseResult | None:
    """Records of a pair list, or None when the sheet is not one. ``overrides`` (a mapping file's
    columns) may name any pair field: city1, country1, lat1, lng1, city2, … year_start."""
    rows = sheet.rows
    if not rows:
        return None
    colmap = map_pair_headers(rows[0], overrides=overrides)
    start = 1
    if set(REQUIRED) <= set(colmap.values()):
        # a pair list: two columns for one field are refused
        map_pair_headers(rows[0], strict=True, overrides=overrides)
    else:
        layout = headerless_layout(rows)
        if layout is None:
            return None
        colmap, start = layout, 0
    labels = {f: (rows[0][i] if start else f) for i, f in colmap.items()}
    result = ParseResult(format="pairs", columns={labels[f]: f for f in colmap.values()})
    seen_pairs: dict[tuple[str, str, str, str], int] = {}
    for row, c in clean_rows(result, rows, start, colmap, labels, lambda c: f"{c['city1']} – {c['city2']}"):
        sides = []
        bad = False
        for n in ("1", "2"):
            try:
                lat = parse_coordinate(c.get("lat" + n, ""), "latitude")
                lon = parse_coordinate(c.get("lng" + n, ""), "longitude")
            except ValueProblem as exc:
                col = "lat" + n if c.get("lat" + n) else "lng" + n
                result.warnings.append(RowError(row, labels.get(col, col), c.get(col, ""), exc.expected + " (ignored)"))
                lat = lon = None
            sides.append((c["city" + n], c["country" + n], lat, lon))
            if not c["city" + n]:
                result.errors.append(RowError(row, labels.get("city" + n, "city" + n), "", "a town name"))
                bad = True
        year = None
        if c.get("year_start"):
            try:
                year = parse_year(c["year_start"], opts.current_year)
            except ValueProblem as exc:
                result.errors.append(RowError(row, labels.get("year_start", "year"), c["year_start"], exc.expected))
                bad = True
        if bad:
            continue
        french = [s for s in sides if opts.countries.resolve(s[1]).is_french]
        if not french:
            result.skips.append(Skip(row, "no French side", f"{sides[0][0]} ({sides[0][1]}) – {sides[1][0]} ({sides[1][1]})"))
            continue
        if len(french) == 2:
            result.skips.append(Skip(row, "both sides are French", f"{sides[0][0]} – {sides[1][0]}"))
            continue
        fr, partner = (sides[0], sides[1]) if french[0] is sides[0] else (sides[1], sides[0])
        pair_key = (fold(fr[0]), fold(fr[1]), fold(partner[0]), fold(partner[1]))
        if pair_key in seen_pairs:
            result.skips.append(Skip(row, f"same pair as row {seen_pairs[pair_key]} (listed from the other side)",
                                     f"{fr[0]} – {partner[0]}"))
            continue
        seen_pairs[pair_key] = row
        territory = opts.countries.resolve(fr[1]).iso2
        dep = FRENCH_TERRITORIES.get(territory or "FR") or ""
        # the French side's coordinates choose between homonyms ("Saint-Denis")
        ref = FrenchRef(name=fr[0], departement=dep, lat=fr[2], lon=fr[3])
        result.records.append(Record(
            row=row, french=[ref], partners=[PartnerRef(name=partner[0], country=partner[1], lat=partner[2], lon=partner[3])],
            kind=opts.kind or "jumelage", year_start=year))
    return result
