"""Actor directories (annuaires d'acteurs): one row per international actor of a territory.

An association, a school, a hospital, a company… with its type, the commune of its seat, its
sectors, the countries where it acts, its SDGs, its identifier (SIRET/SIREN/RNA), web site,
description, years, and the authorities that support it (a grant or technical support: the
authorities' *indirect* engagement). Columns are recognised by French and English synonyms.

Each row becomes a :class:`Record` whose first French reference is the seat's commune and whose
other French references are the supporting authorities, so the seat and the supporters go
through the same French matcher, review queue and replay as every other import; the actor's own
values travel in ``Record.actor``.
"""

from __future__ import annotations

import re
from typing import Any

from atlas import models
from atlas.errors import ImportFileError
from atlas.ingest.actor_fields import ACTOR_FIELDS
from atlas.ingest.formats.common import ParseOptions, clean_rows
from atlas.ingest.headers import FIELDS, duplicate_message
from atlas.ingest import actor_vocab as av
from atlas.ingest import vocab
from atlas.ingest.normalize import (ValueProblem, has_markup, header_key, name_key, parse_amount, parse_insee,
                                    parse_year, split_multi, strip_markup)
from atlas.ingest.readers import Sheet
from atlas.ingest.records import FrenchRef, ParseResult, Record, RowError

__all__ = ["ACTOR_FIELDS", "find_header", "map_actor_headers", "missing_actor_columns", "parse_actors"]

_BY_KEY: dict[str, str] = {}
for _field, _synonyms in ACTOR_FIELDS.items():
    _BY_KEY[header_key(_field)] = _field
    for _syn in _synonyms:
        _BY_KEY.setdefault(header_key(_syn), _field)

#: Header keys that also name a field of project tables: they alone do not make a directory.
_PROJECT_KEYS = frozenset(header_key(s) for f, syns in FIELDS.items() for s in (f, *syns))

#: Rows scanned for the header row.
HEADER_SCAN_ROWS = 20


def map_actor_headers(headers: list[Any], overrides: dict[str, str] | None = None,
                      strict: bool = False) -> tuple[dict[int, str], list[str]]:
    """Column index -> actor field, and the ignored headers; with ``strict``, two columns for one
    field are an :class:`ImportFileError` naming them. ``overrides`` (a mapping file) win."""
    over = {header_key(k): v for k, v in (overrides or {}).items()}
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    taken: dict[str, int] = {}
    for i, h in enumerate(headers):
        key = header_key(h or "")
        if not key:
            continue
        target = over[key] if key in over else _BY_KEY.get(key)
        if target not in ACTOR_FIELDS:
            ignored.append(h)
            continue
        if target in taken:
            if strict:
                raise ImportFileError(duplicate_message([str(x or "") for x in headers], taken[target], i, target))
            ignored.append(h)
            continue
        mapping[i] = target
        taken[target] = i
    return mapping, ignored


def missing_actor_columns(fields: set[str]) -> list[str]:
    missing = []
    if "actor_name" not in fields:
        missing.append("the actor's name (a column such as 'Nom', 'Structure' or 'Raison sociale')")
    if not fields & {"seat_commune", "seat_insee"}:
        missing.append("the commune of its seat (a column such as 'Commune du siège', 'Ville' or 'Code INSEE')")
    return missing


def find_header(sheet: Sheet, overrides: dict[str, str] | None, header_row: int | None,
                forced: bool) -> tuple[int, dict[int, str], list[str]] | None:
    """(row index, column map, ignored headers) when ``sheet`` is an actor directory.

    Without ``forced`` (format auto), a directory must name an actor and its seat, hold at least
    one column that no project table has ('Structure', 'Commune du siège', 'Type de soutien'…),
    and no partner-authority column (a project table always has one)."""
    rows = range(header_row - 1, header_row) if header_row else range(min(HEADER_SCAN_ROWS, len(sheet.rows)))
    best: tuple[int, dict[int, str], list[str]] | None = None
    for idx in rows:
        if idx >= len(sheet.rows):
            break
        colmap, ignored = map_actor_headers(sheet.rows[idx], overrides)
        if best is None or len(set(colmap.values())) > len(set(best[1].values())):
            best = (idx, colmap, ignored)
    if best is None or missing_actor_columns(set(best[1].values())):
        return None
    if forced:
        return best
    idx, colmap, _ignored = best
    header = sheet.rows[idx]
    over = {header_key(k) for k in (overrides or {})}
    keys = [header_key(header[i] or "") for i in colmap]
    if not any(k not in _PROJECT_KEYS or k in over for k in keys):
        return None
    from atlas.ingest.headers import map_headers

    project_fields = set(map_headers(header, {k: v for k, v in (overrides or {}).items()
                                              if v not in ACTOR_FIELDS})[0].values())
    if "partner_name" in project_fields:
        return None
    return best


def parse_actors(sheet: Sheet, header_idx: int, colmap: dict[int, str], opts: ParseOptions) -> ParseResult:
    """Records of an actor directory whose header row is ``header_idx`` (0-based)."""
    header = sheet.rows[header_idx]
    labels = {f: header[i] or f for i, f in colmap.items()}
    result = ParseResult(format="actors", columns={header[i]: f for i, f in colmap.items()})
    undated = 0
    for row, cells in clean_rows(result, sheet.rows, header_idx + 1, colmap, labels,
                                 lambda c: c.get("actor_name", "")):
        record = _record(result, row, cells, labels, opts)
        if record is not None:
            result.records.append(record)
            undated += sum(1 for s in record.actor["supports"] if s[3])
    if undated:
        result.notes.append(f"{undated} support(s) without a year were dated {opts.current_year}, the year of the "
                            "import (give a column 'Année du soutien' to date them)")
    return result


def _split_supporter(part: str) -> tuple[str, str]:
    """'Région Occitanie : 12 000 €' -> ('Région Occitanie', '12 000 €'); no amount -> (part, '')."""
    m = re.match(r"^((?:commune|epci|departement|region):[0-9AB]{2,9})(?:\s*[:=]\s*(.*))?$", part, re.IGNORECASE)
    if m:  # an authority id, maybe with its amount: 'region:76 : 12 000'
        return m.group(1), m.group(2) or ""
    m = re.match(r"^(.*?)\s*[:=]\s*([0-9€].*)$", part)
    return (m.group(1), m.group(2)) if m else (part, "")


_AUTHORITY_ID = re.compile(r"(commune|epci|departement|region):([0-9AB]{2,9})", re.IGNORECASE)


def _supporter_ref(who: str) -> FrenchRef:
    """A supporting authority by its name, or by its atlas id ('region:76', 'epci:243100518',
    'commune:12145', 'departement:34'), which settles homonyms."""
    m = _AUTHORITY_ID.fullmatch(who.strip())
    if m is None:
        return FrenchRef(name=who)
    level, code = m.group(1).lower(), m.group(2).upper()
    if level == "epci":
        return FrenchRef(siren=code, level="epci")
    return FrenchRef(insee=code, level=level)


def _record(result: ParseResult, row: int, c: dict[str, str], labels: dict[str, str],
            opts: ParseOptions) -> Record | None:
    errors: list[RowError] = []

    def label(fld: str) -> str:
        return labels.get(fld, fld)

    def value(fld: str, parser, *args):  # noqa: ANN001, ANN202 - small local helper
        try:
            return parser(c.get(fld, ""), *args)
        except ValueProblem as exc:
            errors.append(RowError(row, label(fld), c.get(fld, ""), exc.expected))
            return None

    def warn(fld: str, expected: str, shown: str | None = None) -> None:
        result.warnings.append(RowError(row, label(fld), c.get(fld, "") if shown is None else shown, expected))

    name = c.get("actor_name", "")
    if not name:
        errors.append(RowError(row, label("actor_name"), "", "the actor's name"))
    elif not name_key(name):
        errors.append(RowError(row, label("actor_name"), name, "a name with letters or digits"))
    insee = value("seat_insee", parse_insee)
    if not (c.get("seat_commune") or c.get("seat_insee")):
        errors.append(RowError(row, label("seat_commune"), "",
                               "the commune of the actor's seat: a name or an INSEE code"))
    postcode = c.get("seat_postcode", "")
    if re.fullmatch(r"[0-9]{4}(?:\.0)?", postcode):  # a spreadsheet number drops the leading zero (01000)
        postcode = "0" + postcode.split(".")[0]
    seat = FrenchRef(name=c.get("seat_commune", ""), insee=insee, departement=c.get("seat_departement", ""),
                     region=c.get("seat_region", ""), level="commune", postcode=postcode)
    # the type: the column's value, else a guess from the name, else "autre"
    typ = None
    if c.get("actor_type"):
        try:
            typ = av.parse_actor_type(c["actor_type"])
        except ValueProblem as exc:
            guess = av.guess_actor_type(name)
            typ = guess or "autre"
            warn("actor_type", f"{exc.expected} (unknown: read as {models.ACTOR_TYPE_BY_CODE[typ].label_fr!r}"
                               + (", guessed from the name)" if guess else ")"))
    typ = typ or av.guess_actor_type(name) or "autre"
    sectors, unknown = av.parse_sectors(c.get("sectors", ""))
    if unknown:
        warn("sectors", av.SECTOR_EXPECTED + " (unknown: " + "; ".join(unknown) + ", ignored)")
    countries: list[str] = []
    for part in split_multi(c.get("countries", ""), ";|\n"):
        m = opts.countries.resolve(part)
        pieces = [m] if m.iso2 else [opts.countries.resolve(p) for p in split_multi(part, ",/")]
        for piece in pieces:
            if piece.iso2 is None:
                why = ("several countries" if len(piece.codes) > 1 else "a country")
                warn("countries", f"{why}: a country name in French or English or an ISO code (zones are not "
                                  "countries; ignored)", piece.raw)
            elif piece.is_french:
                warn("countries", "a country other than France: the countries where the actor acts abroad "
                                  "(ignored)", piece.raw)
            elif piece.iso2 not in countries:
                countries.append(piece.iso2)
    sdgs = value("sdgs", vocab.parse_sdgs) or []
    identifier = value("siret", av.parse_identifier) or value("rna", av.parse_identifier)
    website = None
    if c.get("website"):
        try:
            website = av.parse_website(c["website"])
        except ValueProblem as exc:
            warn("website", exc.expected + " (ignored)")
    description = c.get("description") or None
    if description and has_markup(description):
        warn("description", "plain text (HTML tags removed)")
        description = strip_markup(description) or None
    since = value("since", parse_year, opts.current_year)
    until = value("until", parse_year, opts.current_year)
    if since and until and until < since:
        errors.append(RowError(row, label("until"), c.get("until", ""), f"a year not before {since}"))
    # supports: the authorities, one kind and one year for the row; amounts per authority
    # ("Région Occitanie : 12 000") or in the amount column when one authority is named
    supporters = split_multi(c.get("supporters", ""), ";|\n")
    kind = value("support_kind", av.parse_support_kind)
    year = value("support_year", parse_year, opts.current_year)
    amount = value("support_amount", parse_amount)
    supports: list[list[Any]] = []
    refs: list[FrenchRef] = []
    if supporters:
        split = [_split_supporter(p) for p in supporters]
        if amount is not None and len(split) > 1:
            errors.append(RowError(row, label("support_amount"), c.get("support_amount", ""),
                                   f"one amount for one supporting authority; the row names {len(split)}: write "
                                   "each amount after its authority ('Région Occitanie : 12 000; Ville de Millau : "
                                   "3 000')"))
        for who, amount_text in split:
            each = amount
            if amount_text:
                if c.get("support_amount"):
                    errors.append(RowError(row, label("supporters"), c.get("supporters", ""),
                                           "amounts either after each authority or in the amount column, not both"))
                try:
                    each = parse_amount(amount_text)
                except ValueProblem as exc:
                    errors.append(RowError(row, label("supporters"), c.get("supporters", ""),
                                           f"supporting authorities such as 'Région Occitanie : 12 000' "
                                           f"({who}: {exc.expected})"))
            if has_markup(who):
                errors.append(RowError(row, label("supporters"), who, "plain text without HTML tags or script"))
            refs.append(_supporter_ref(who))
            supports.append([kind or "subvention", year or opts.current_year, each, year is None])
        seen: dict[str, int] = {}
        for ref in refs:
            key = name_key(ref.name)
            if key in seen:
                errors.append(RowError(row, label("supporters"), c.get("supporters", ""),
                                       f"each supporting authority once ({ref.name!r} is named twice)"))
            seen[key] = 1
    elif any(c.get(f) for f in ("support_kind", "support_year", "support_amount")):
        for fld in ("support_kind", "support_year", "support_amount"):
            if c.get(fld):
                warn(fld, "a supporting authority in the column "
                          f"{labels.get('supporters', 'Collectivités qui soutiennent')!r} (ignored)")
    if errors:
        result.errors.extend(errors)
        return None
    actor = dict(name=name, type=typ, identifier=identifier, website=website, description=description,
                 since=since, until=until, sectors=sectors, countries=countries, sdgs=sdgs, supports=supports)
    return Record(row=row, french=[seat, *refs], partners=[], is_project=False, actor=actor)
