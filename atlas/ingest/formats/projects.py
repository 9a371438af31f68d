"""Project tables as national and regional atlases export them (and the atlas's own template).

One row per project (or per standing partnership when the row has no title, themes or amounts):
the French authority (name and/or INSEE code or SIREN, département, région), the partner
authority and its country, themes (several in one cell), SDGs, kind of action, years, amounts,
co-funding, associated actors. Column names are recognised by synonyms (atlas.ingest.headers).
"""

from __future__ import annotations

import re

from atlas import models
from atlas.ingest.formats.common import ParseOptions, clean_rows
from atlas.ingest.normalize import (ValueProblem, has_markup, parse_amount, parse_coordinate,
                                    parse_insee, parse_period, parse_siren, parse_year, split_multi, strip_markup)
from atlas.ingest.readers import Sheet
from atlas.ingest.records import FrenchRef, ParseResult, PartnerRef, Record, RowError, Skip
from atlas.ingest import vocab

#: A project table needs one column naming the French side and one naming the partner side.
FRENCH_FIELDS = ("fr_name", "fr_insee", "fr_siren")
PARTNER_FIELDS = ("partner_name", "partner_country")


def missing_columns(fields: set[str]) -> list[str]:
    """Descriptions of the required columns that are absent (empty when the table is usable)."""
    missing = []
    if not fields & set(FRENCH_FIELDS):
        missing.append("the French authority (a column such as 'Collectivité', 'Code INSEE' or 'SIREN')")
    if "partner_name" not in fields:
        missing.append("the partner authority (a column such as 'Collectivité partenaire' or 'Partner')")
    if "partner_country" not in fields:
        missing.append("the partner's country (a column such as 'Pays' or 'Country')")
    return missing


def _code(text: str) -> str | None:
    """The INSEE column may hold a commune code, or a département / région code for those levels."""
    s = text.strip().upper()
    if re.fullmatch(r"[0-9]+\.0", s):
        s = s[:-2]
    if re.fullmatch(r"[1-9]|[0-9]{2,3}|2[AB]", s):
        return s.zfill(2)  # "1" -> "01" (Excel drops leading zeros)
    return parse_insee(text)


def parse_projects(sheet: Sheet, header_idx: int, colmap: dict[int, str], opts: ParseOptions,
                   fmt: str = "projects") -> ParseResult:
    """Records of a project table whose header row is ``header_idx`` (0-based)."""
    header = sheet.rows[header_idx]
    labels = {f: header[i] or f for i, f in colmap.items()}
    result = ParseResult(format=fmt, columns={header[i]: f for i, f in colmap.items()})
    default_kind = opts.kind or "cooperation_decentralisee"
    for row, cells in clean_rows(result, sheet.rows, header_idx + 1, colmap, labels,
                                 lambda c: c.get("fr_name") or c.get("partner_name", "")):
        record = _record(result, row, cells, labels, opts, default_kind)
        if record is not None:
            result.records.append(record)
    return result


def _record(result: ParseResult, row: int, c: dict[str, str], labels: dict[str, str], opts: ParseOptions,
            default_kind: str) -> Record | None:
    errors: list[RowError] = []

    def value(fld: str, parser, *args):  # noqa: ANN001, ANN202 - small local helper
        try:
            return parser(c.get(fld, ""), *args)
        except ValueProblem as exc:
            errors.append(RowError(row, labels.get(fld, fld), c.get(fld, ""), exc.expected))
            return None

    def warn(fld: str, expected: str) -> None:
        result.warnings.append(RowError(row, labels.get(fld, fld), c.get(fld, ""), expected))

    fr = FrenchRef(name=c.get("fr_name", ""), insee=value("fr_insee", _code) if c.get("fr_insee") else None,
                   siren=value("fr_siren", parse_siren), departement=c.get("fr_departement", ""),
                   region=c.get("fr_region", ""), level=c.get("fr_level", ""), postcode=c.get("fr_postcode", ""))
    if not (fr.name or c.get("fr_insee") or c.get("fr_siren")):
        errors.append(RowError(row, labels.get("fr_name", "fr_name"), "",
                               "the French authority: a name, an INSEE code or a SIREN"))
    lat = lon = None
    try:
        lat = parse_coordinate(c.get("partner_lat", ""), "latitude")
        lon = parse_coordinate(c.get("partner_lon", ""), "longitude")
    except ValueProblem as exc:
        fld = "partner_lat" if lat is None and c.get("partner_lat") else "partner_lon"
        warn(fld, exc.expected + " (coordinates ignored)")
        lat = lon = None
    if (lat is None) != (lon is None):
        warn("partner_lon" if lon is None else "partner_lat",
             "both a latitude and a longitude (only one given: coordinates ignored)")
        lat = lon = None
    names = split_multi(c.get("partner_name", ""))
    geonames = None
    if c.get("partner_geonames"):
        if re.fullmatch(r"[0-9]{1,12}(?:\.0)?", c["partner_geonames"]):
            geonames = int(c["partner_geonames"].split(".")[0])
        else:
            warn("partner_geonames", "a GeoNames id: digits such as 2253354 (ignored)")
    if len(names) > 1 and (lat is not None or geonames is not None):
        warn("partner_lat" if lat is not None else "partner_geonames",
             f"coordinates or a GeoNames id for one partner; the row names {len(names)} (ignored)")
    partners = [PartnerRef(name=n, country=c.get("partner_country", ""), admin1=c.get("partner_admin1", ""),
                           lat=lat if len(names) == 1 else None, lon=lon if len(names) == 1 else None,
                           level=c.get("partner_level", ""), geonames_id=geonames if len(names) == 1 else None)
                for n in names]
    if not partners and c.get("partner_country", "").strip():
        # Humanitarian aid, a cooperation with a State…: the partner is the whole country.
        partners = [PartnerRef(name="", country=c["partner_country"], level="country")]
    year_start = value("year_start", parse_year, opts.current_year)
    year_end = value("year_end", parse_year, opts.current_year)
    if c.get("period"):
        period = value("period", parse_period, opts.current_year)
        if period:
            for fld, given, from_period in (("year_start", year_start, period[0]), ("year_end", year_end, period[1])):
                if given is not None and from_period is not None and given != from_period:
                    errors.append(RowError(row, labels.get("period", "period"), c.get("period", ""),
                                           f"a period that agrees with {labels.get(fld, fld)!r} ({given})"))
            year_start = year_start if year_start is not None else period[0]
            year_end = year_end if year_end is not None else period[1]
    if year_start and year_end and year_end < year_start:
        errors.append(RowError(row, labels.get("year_end", "year_end"), c.get("year_end", ""),
                               f"an end year not before the start year {year_start}"))
    kind = value("kind", vocab.parse_kind) or (None if c.get("kind") else default_kind)
    sdgs = value("sdgs", vocab.parse_sdgs) or []
    budget = value("budget", parse_amount)
    themes, unknown_themes = vocab.parse_themes(c.get("themes", ""))
    if unknown_themes:
        warn("themes", "themes such as: " + ", ".join(t.label_fr for t in models.THEMES[:8])
             + "… (unknown: " + "; ".join(unknown_themes) + ", ignored)")
    try:
        funding, unknown_funding = vocab.parse_funding(c.get("funding", ""))
    except ValueProblem as exc:
        errors.append(RowError(row, labels.get("funding", "funding"), c.get("funding", ""), exc.expected))
        funding, unknown_funding = [], []
    if unknown_funding:
        warn("funding", "funding instruments such as AFD, MEAE, UE, Agence de l'eau, 1 % eau (unknown: "
             + "; ".join(unknown_funding) + ", ignored)")
    status = mode = engagement = None
    for fld, parser in (("status", vocab.parse_status), ("mode", vocab.parse_mode),
                        ("engagement", vocab.parse_engagement)):
        try:
            parsed = parser(c.get(fld, ""))
        except ValueProblem as exc:
            warn(fld, exc.expected + " (ignored)")
            parsed = None
        if fld == "status":
            status = parsed
        elif fld == "mode":
            mode = parsed
        else:
            engagement = parsed
    title = c.get("title") or None
    description = c.get("description") or None
    for fld in ("title", "description"):
        text = c.get(fld, "")
        if text and has_markup(text):
            warn(fld, "plain text (HTML tags removed)")
            if fld == "title":
                title = strip_markup(text) or None
            else:
                description = strip_markup(text) or None
    actors = [(a, vocab.actor_type(a)) for a in split_multi(c.get("actors", ""))]
    others = [FrenchRef(name=n) for n in split_multi(c.get("fr_others", ""))]
    if errors:
        result.errors.extend(errors)
        return None
    if not partners:
        result.skips.append(Skip(row, "no partner authority and no country", ""))
        return None
    is_project = bool(title or themes or sdgs or budget or funding or actors or description)
    if is_project and not title:
        label = models.KIND_BY_CODE[kind].label_fr if kind in models.KIND_BY_CODE else "Coopération"
        title = f"{label} {fr.name or fr.insee or fr.siren} – {partners[0].name or partners[0].country}"
    return Record(row=row, french=[fr, *others], partners=partners, kind=kind, is_project=is_project,
                  title=title, description=description, year_start=year_start, year_end=year_end, status=status,
                  budget_eur=budget, themes=themes, sdgs=sdgs, funding=funding, actors=actors, mode=mode,
                  engagement=engagement, agreement=c.get("agreement") or None,
                  external_id=c.get("external_id") or None)
