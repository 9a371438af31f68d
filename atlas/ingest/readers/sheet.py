"""Sheets built within the limits: rows of text cells, checked as they are appended.

Every reader feeds a :class:`SheetBuilder` one row at a time; it refuses the first row, column,
cell or cell count over :class:`~atlas.ingest.limits.ReadLimits` with a one-line message naming
the limit, and counts empty rows instead of materialising them. :func:`cell_text` turns a
spreadsheet value into the text every parser receives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from atlas.errors import ImportFileError
from atlas.ingest.limits import ReadLimits

@dataclass
class Sheet:
    """Rows of one table (a CSV file or one spreadsheet sheet)."""

    name: str
    rows: list[list[str]]


def _col_letter(n: int) -> str:
    """1 -> A, 16384 -> XFD."""
    s = ""
    while n > 0 and len(s) < 12:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s if n == 0 else "?"


INTERN_MAX = 1 << 18  # distinct values shared between cells (a country named 50,000 times is one string)


class Budget:
    """Cells already taken by the previous sheets of one file (see ReadLimits.max_cells)."""

    def __init__(self) -> None:
        self.cells = 0
        self.intern: dict[str, str] = {}


class SheetBuilder:
    """Rows of one sheet, appended one at a time and checked against the limits as they come.

    Empty rows are only counted, and materialised when a row with data follows: trailing empty
    rows (LibreOffice repeats one to the end of the sheet, Excel keeps styled ones) cost nothing.
    """

    def __init__(self, file: str, sheet: str | None, limits: ReadLimits, budget: Budget,
                 grid: bool = True) -> None:
        self.file, self.sheet, self.limits, self.budget, self.grid = file, sheet, limits, budget, grid
        self.rows: list[list[str]] = []
        self.next_row = 1  # number (1-based) of the next row
        self.pending = 0  # empty rows not materialised yet
        self.width = 0

    def where(self) -> str:
        return f"{self.file}: sheet {self.sheet!r}" if self.sheet is not None else self.file

    def cell_ref(self, col: int, row: int) -> str:
        return f"cell {_col_letter(col)}{row}" if self.grid else f"row {row:,}, column {col:,}"

    def refuse_row(self, row: int, repeat: int = 1) -> None:
        what = "sheet" if self.sheet is not None else "file"
        rep = f" (a row repeated {repeat:,} times)" if repeat > 1 else ""
        raise ImportFileError(
            f"{self.where()} has data in row {row:,}{rep}; the atlas reads at most "
            f"{self.limits.max_rows:,} rows per {what}: split the file")

    def refuse_column(self, col: int, row: int) -> None:
        hint = "" if self.grid else " (is the delimiter right?)"
        raise ImportFileError(
            f"{self.where()} has data in column {col:,} ({self.cell_ref(col, row)}); the atlas reads at most "
            f"{self.limits.max_columns:,} columns{hint}")

    def refuse_cell(self, col: int, row: int, length: int | None = None) -> None:
        size = f"{length:,} characters" if length is not None else f"more than {self.limits.max_cell_chars:,} characters"
        raise ImportFileError(
            f"{self.where()}: {self.cell_ref(col, row)} holds {size}; the atlas reads at most "
            f"{self.limits.max_cell_chars:,} characters per cell (Excel's own limit)")

    def add(self, cells: list[str], repeat: int = 1, at: int | None = None) -> None:
        """Append a row (``repeat`` times); ``at``: its row number when the file gives it."""
        if at is not None and at > self.next_row:
            self.pending += at - self.next_row
            self.next_row = at
        n = len(cells)
        while n and not cells[n - 1]:
            n -= 1
        if n == 0:
            self.pending += repeat
            self.next_row += repeat
            return
        if n < len(cells):
            del cells[n:]
        limits = self.limits
        first = self.next_row
        if first + repeat - 1 > limits.max_rows:
            self.refuse_row(max(first, limits.max_rows + 1), repeat)
        if n > limits.max_columns:
            self.refuse_column(n, first)
        if max(map(len, cells)) > limits.max_cell_chars:
            j = next(j for j, c in enumerate(cells) if len(c) > limits.max_cell_chars)
            self.refuse_cell(j + 1, first, len(cells[j]))
        width = max(self.width, n)
        n_rows = len(self.rows) + self.pending + repeat
        if self.budget.cells + n_rows * width > limits.max_cells:
            before = f", {self.budget.cells:,} in the previous sheets" if self.budget.cells else ""
            raise ImportFileError(
                f"{self.where()} reaches {n_rows:,} rows x {width:,} columns ({n_rows * width:,} cells{before}) "
                f"at row {first:,}; the atlas reads at most {limits.max_cells:,} cells per file: split the file")
        if self.pending:
            self.rows.extend([] for _ in range(self.pending))
            self.pending = 0
        cache = self.budget.intern
        if len(cache) < INTERN_MAX:
            cells = [cache.setdefault(c, c) for c in cells]
        else:
            get = cache.get
            cells = [get(c, c) for c in cells]
        self.rows.append(cells)
        for _ in range(repeat - 1):
            self.rows.append(list(cells))
        self.width = width
        self.next_row = first + repeat

    def finish(self, name: str) -> Sheet:
        width = self.width
        for r in self.rows:
            if len(r) < width:
                r.extend([""] * (width - len(r)))
        self.budget.cells += len(self.rows) * width
        return Sheet(name, self.rows)


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: 31555.0 -> '31555', dates -> ISO, None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value in (float("inf"), float("-inf")):
            return repr(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
