"""Helpers shared by the format parsers: options, cell checks, duplicate detection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterator

from atlas.ingest.countries import CountryResolver
from atlas.ingest.normalize import clean_text, has_markup, is_formula, is_spreadsheet_error
from atlas.ingest.records import ParseResult, RowError, Skip

#: Fields that name an authority or an actor: markup there rejects the row.
NAME_FIELDS = frozenset({"fr_name", "partner_name", "fr_others", "actors", "city1", "city2", "actor_name",
                         "seat_commune", "supporters"})

#: Fields that may hold several values, one per line among others: their line breaks are kept
#: (elsewhere a line break is whitespace), so "Eau⏎Santé" stays two themes.
MULTI_FIELDS = frozenset({"partner_name", "fr_others", "themes", "sdgs", "funding", "actors", "sectors",
                          "countries", "supporters"})


@dataclass
class ParseOptions:
    """What every parser may need besides the rows."""

    countries: CountryResolver
    kind: str | None = None  # default kind of action (CLI --kind, mapping file)
    current_year: int = field(default_factory=lambda: dt.date.today().year)


def check_cells(result: ParseResult, row: int, cells: dict[str, str], labels: dict[str, str]) -> bool:
    """Formulas and markup: report each bad cell; False when the row must be rejected.

    ``labels`` maps a field to the column header shown in messages.
    """
    ok = True
    for fld, value in cells.items():
        if not value:
            continue
        if is_formula(value):
            result.errors.append(RowError(row, labels.get(fld, fld), value[:200],
                                          "a value, not a formula (save the sheet with values: copy, paste special, values)"))
            ok = False
        elif is_spreadsheet_error(value):
            result.errors.append(RowError(row, labels.get(fld, fld), value[:200],
                                          "a value, not a spreadsheet error: correct the formula that gave "
                                          f"{value} or empty the cell"))
            ok = False
        elif fld in NAME_FIELDS and has_markup(value):
            result.errors.append(RowError(row, labels.get(fld, fld), value[:200],
                                          "plain text without HTML tags or script"))
            ok = False
    return ok


class DuplicateGuard:
    """Remembers each row's content; a row seen before is skipped as a duplicate."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, ...], int] = {}

    def first_seen(self, row: int, values: list[str]) -> int | None:
        """The row number of an identical earlier row, else None (and this row is remembered)."""
        key = tuple(v.casefold() for v in values)  # cells are already trimmed and single-spaced
        if key in self._seen:
            return self._seen[key]
        self._seen[key] = row
        return None


def clean_rows(result: ParseResult, rows: list[list], start: int, colmap: dict[int, str], labels: dict[str, str],
               describe: Callable[[dict[str, str]], str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, cleaned cells) of every data row from ``start`` (0-based) that is not blank,
    has no formula or markup in it and repeats no earlier row; each of those is counted or
    reported in ``result`` here. ``describe`` names a duplicate row in its skip message."""
    dupes = DuplicateGuard()
    for idx in range(start, len(rows)):
        raw = rows[idx]
        cells = {f: clean_text(raw[i], keep_lines=f in MULTI_FIELDS) if i < len(raw) else ""
                 for i, f in colmap.items()}
        if not any(cells.values()):
            continue
        row = idx + 1
        result.rows_read += 1
        if not check_cells(result, row, cells, labels):
            continue
        earlier = dupes.first_seen(row, list(cells.values()))
        if earlier is not None:
            result.skips.append(Skip(row, f"duplicate of row {earlier}", describe(cells)))
            continue
        yield row, cells
