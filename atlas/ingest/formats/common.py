"""Helpers shared by the format parsers: options, cell checks, duplicate detection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from atlas.ingest.countries import CountryResolver
from atlas.ingest.normalize import has_markup, is_formula
from atlas.ingest.records import ParseResult, RowError

#: Fields that name an authority or an actor: markup there rejects the row.
NAME_FIELDS = frozenset({"fr_name", "partner_name", "fr_others", "actors", "city1", "city2"})


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
