"""Input formats: detection and dispatch.

``projects`` — project tables exported by national or regional atlases (one row per project);
``template`` — the atlas's own template (a project table with its canonical headers);
``pairs`` — twin-town pair lists (Wikipedia/Wikidata extracts);
``directory`` — plain-text twinning directories of twinning associations;
``actors`` — actor directories (annuaires d'acteurs): a territory's international actors.
"""

from __future__ import annotations

from atlas.errors import ImportFileError
from atlas.ingest.formats.actors import find_header as find_actor_header, missing_actor_columns, parse_actors
from atlas.ingest.formats.actors import map_actor_headers
from atlas.ingest.formats.common import ParseOptions
from atlas.ingest.formats.directory import looks_like_directory, parse_directory
from atlas.ingest.formats.pairs import parse_pairs
from atlas.ingest.formats.projects import missing_columns, parse_projects
from atlas.ingest.formats.template import HEADERS as TEMPLATE_HEADERS
from atlas.ingest.headers import FORMATS, Mapping, map_headers
from atlas.ingest.normalize import header_key
from atlas.ingest.readers import RawFile, Sheet, read_sheets
from atlas.ingest.records import ParseResult


#: Rows scanned for the header row (exports often start with a title and a blank line).
HEADER_SCAN_ROWS = 20

__all__ = ["FORMATS", "ParseOptions", "parse_file"]


def _header_row(sheet: Sheet, mapping: Mapping) -> tuple[int, dict[int, str], list[str]]:
    """(row index, column map, ignored headers) of the row that looks most like a header."""
    if mapping.header_row:
        idx = mapping.header_row - 1
        if idx >= len(sheet.rows):
            raise ImportFileError(f"header_row {mapping.header_row} is past the last row ({len(sheet.rows)})")
        colmap, ignored = map_headers(sheet.rows[idx], mapping.columns)
        return idx, colmap, ignored
    best = (-1, {}, [])  # type: tuple[int, dict[int, str], list[str]]
    for idx, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        colmap, ignored = map_headers(row, mapping.columns)
        if len(set(colmap.values())) > len(set(best[1].values())):
            best = (idx, colmap, ignored)
    return best


def _is_template(sheet: Sheet, idx: int) -> bool:
    got = [header_key(h) for h in sheet.rows[idx] if h]
    return got == [header_key(h) for h in TEMPLATE_HEADERS]


def parse_file(raw: RawFile, fmt: str, mapping: Mapping, opts: ParseOptions) -> ParseResult:
    """Detect (or apply) the format and parse the file into records."""
    fmt = mapping.format or fmt
    if fmt not in FORMATS:
        raise ImportFileError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if raw.kind == "text":
        assert raw.text is not None
        lines = raw.text.splitlines()
        if fmt == "directory" or (fmt == "auto" and looks_like_directory(lines, opts)):
            result = parse_directory(lines, opts)
            if fmt == "directory" and not result.records and not result.errors:
                raise ImportFileError(
                    f"{raw.name}: no line of the form NAME (REGION - DEPARTEMENT) followed by "
                    "PARTNER (COUNTRY) - YEAR was found; expected a twinning directory")
            return result
    elif fmt == "directory":
        raise ImportFileError(f"{raw.name} is a spreadsheet; a twinning directory is a plain-text file")
    sheets = read_sheets(raw, mapping.delimiter)
    if mapping.sheet:
        chosen = [s for s in sheets if s.name == mapping.sheet]
        if not chosen:
            raise ImportFileError(f"{raw.name} has no sheet {mapping.sheet!r}; its sheets are "
                                  + ", ".join(repr(s.name) for s in sheets))
        sheets = chosen
    if not any(any(any(c for c in r) for r in s.rows) for s in sheets):
        raise ImportFileError(f"{raw.name} has no data: every cell is empty")
    partial: list[tuple[Sheet, list[str], list[str]]] = []
    for sheet in sheets:
        if not sheet.rows:
            continue
        if fmt in ("auto", "actors"):
            found = find_actor_header(sheet, mapping.columns, mapping.header_row, forced=fmt == "actors")
            if found is not None:
                idx, colmap, ignored = found
                try:  # the header row found: two columns for one field are refused, naming them
                    map_actor_headers(sheet.rows[idx], mapping.columns, strict=True)
                except ImportFileError as exc:
                    where = f" (sheet {sheet.name!r}, row {idx + 1})" if raw.kind != "text" else f" (row {idx + 1})"
                    raise ImportFileError(f"{raw.name}{where}: {exc}") from None
                result = parse_actors(sheet, idx, colmap, opts)
                result.ignored_columns = ignored
                return result
            if fmt == "actors":
                idx = mapping.header_row - 1 if mapping.header_row else 0
                colmap, _ignored = map_actor_headers(sheet.rows[idx] if idx < len(sheet.rows) else [],
                                                     mapping.columns)
                if len(colmap) >= 1:
                    partial.append((sheet, missing_actor_columns(set(colmap.values())),
                                    [h for h in sheet.rows[idx] if h]))
                continue
        if fmt in ("auto", "projects", "template"):
            idx, colmap, ignored = _header_row(sheet, mapping)
            fields = set(colmap.values())
            missing = missing_columns(fields)
            if idx >= 0 and not missing:
                try:  # the header row found: two columns for one field are refused, naming them
                    map_headers(sheet.rows[idx], mapping.columns, strict=True)
                except ImportFileError as exc:
                    where = f" (sheet {sheet.name!r}, row {idx + 1})" if raw.kind != "text" else f" (row {idx + 1})"
                    raise ImportFileError(f"{raw.name}{where}: {exc}") from None
                name = "template" if fmt == "template" or _is_template(sheet, idx) else "projects"
                result = parse_projects(sheet, idx, colmap, opts, name)
                result.ignored_columns = ignored
                return result
            if len(fields) >= 2:
                partial.append((sheet, missing, [h for h in sheet.rows[max(idx, 0)] if h]))
        if fmt in ("auto", "pairs"):
            try:
                result = parse_pairs(sheet, opts, mapping.columns)
            except ImportFileError as exc:
                raise ImportFileError(f"{raw.name}: {exc}") from None
            if result is not None:
                return result
    if partial:
        sheet, missing, headers = partial[0]
        raise ImportFileError(
            f"{raw.name}: missing required columns: {'; '.join(missing)}. Columns found: "
            + ", ".join(repr(h) for h in headers[:30])
            + ". Rename them, or map them with a mapping file (--mapping, see docs/import.md)")
    if fmt == "actors":
        raise ImportFileError(
            f"{raw.name} is not an actor directory: expected columns such as 'Nom de la structure' (or 'Nom', "
            "'Structure', 'Raison sociale') and 'Commune du siège' (or 'Ville', 'Code INSEE'); see docs/import.md")
    if fmt == "pairs":
        raise ImportFileError(
            f"{raw.name} is not a pair list: expected columns city1,country1[,lat1,lng1],city2,country2[,lat2,lng2]")
    first = next((r for s in sheets for r in s.rows if any(r)), [])
    shown = ", ".join(repr(c) for c in first[:8] if c)[:300]
    raise ImportFileError(
        f"cannot recognise the format of {raw.name} (first row: {shown or 'empty'}); expected a project table "
        "(columns such as 'Collectivité', 'Pays', 'Collectivité partenaire'), an actor directory (columns such as "
        "'Nom de la structure', 'Commune du siège', 'Secteurs'), a pair list "
        "(city1,country1,city2,country2), a twinning directory (NAME (REGION - DEPARTEMENT) lines), or the "
        "atlas template (`atlas template -o modele.xlsx`); name the format with --format or map the columns "
        "with --mapping")
