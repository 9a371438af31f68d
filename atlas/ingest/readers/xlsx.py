"""XLSX (Excel 2007+) workbooks: every worksheet streamed cell by cell within the limits."""

from __future__ import annotations

import datetime as dt

from atlas.errors import ImportFileError
from atlas.ingest.readers.files import RawFile
from atlas.ingest.readers.package import Package, xml_int
from atlas.ingest.readers.sheet import Budget, Sheet, SheetBuilder, cell_text
from atlas.ingest.readers.xlsx_parts import (XLSX_TAGS, SharedStrings, unescape_x, xlsx_rels, xlsx_shared_strings,
                                             xlsx_styles, xlsx_workbook)

_COLS: dict[str, int] = {}


def _ref_column(ref: str) -> int:
    """'XFD12' -> 16384; 0 when the reference has no column letters."""
    letters = ref.rstrip("0123456789")
    col = _COLS.get(letters)
    if col is None:
        col = 0
        for ch in letters.upper():
            if not "A" <= ch <= "Z":
                return 0
            col = col * 26 + ord(ch) - 64
        if len(_COLS) < 20_000:
            _COLS[letters] = col
    return col


def _number_text(text: str, style: int, dates: set[int], durations: set[int], epoch: dt.datetime) -> str:
    text = text.strip()
    try:
        if style in dates or style in durations:
            try:
                return cell_text(from_excel(float(text), epoch, timedelta=style in durations))
            except (OverflowError, ValueError):
                pass  # out of the calendar: keep the number
        if "." in text or "e" in text or "E" in text or "n" in text.lower():
            return cell_text(float(text))
        return str(int(text))
    except ValueError:
        return text


def _read_worksheet(pkg: Package, member: str, builder: SheetBuilder, strings: SharedStrings,
                    dates: set[int], durations: set[int], epoch: dt.datetime) -> int:
    """Stream one worksheet into ``builder``; returns the number of formula cells with a cached value."""
    limits = pkg.limits
    max_cols, max_chars = limits.max_columns, limits.max_cell_chars
    guard = max_chars * 8
    tags = XLSX_TAGS
    n_strings = len(strings)
    string_cells: dict[int, str] = {}
    shared_formulas: dict[str, tuple[str, str]] = {}
    # per-row and per-cell state, in closure variables: the handlers run for every XML element
    row_num = 0
    n_rows = 0
    cells: dict[int, str] = {}
    n_elems = 0
    col = 0
    ctype = "n"
    cstyle = -1
    cref = ""
    v_parts: list[str] = []
    t_parts: list[str] = []
    f_parts: list[str] = []
    target: list[str] | None = None
    tlen = 0
    f_attrs: dict[str, str] | None = None
    in_is = False
    rph = 0
    n_cached = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row_num, n_rows, n_elems, col, ctype, cstyle, cref, target, tlen, f_attrs, in_is, rph
        tag = tags.get(name)
        if tag is None:
            return
        if tag == "c":
            n_elems += 1
            if n_elems > limits.max_row_elements:
                raise ImportFileError(
                    f"{builder.where()}: row {row_num:,} holds more than {limits.max_row_elements:,} cells, more "
                    "than a spreadsheet can; not a spreadsheet file")
            cref = attrs.get("r", "")
            c = _ref_column(cref) if cref else 0
            col = c if c > 0 else col + 1
            ctype = attrs.get("t", "n")
            s = attrs.get("s")
            cstyle = xml_int(s, -1) if s is not None else -1
            tlen = 0
        elif tag == "v":
            v_parts.clear()
            target = v_parts
        elif tag == "row":
            n_rows += 1
            if n_rows > limits.max_sheet_rows:
                raise ImportFileError(
                    f"{builder.where()} holds more than {limits.max_sheet_rows:,} rows, more than a spreadsheet "
                    "can; not a spreadsheet file")
            r = xml_int(attrs.get("r"), 0)
            row_num = r if r > 0 else row_num + 1
            cells.clear()
            n_elems = 0
            col = 0
        elif tag == "t":
            if in_is and not rph:
                target = t_parts
        elif tag == "f":
            f_parts.clear()
            f_attrs = attrs
            target = f_parts
        elif tag == "is":
            in_is = True
            t_parts.clear()
        elif tag == "rPh":
            rph += 1

    def chars(data: str) -> None:
        nonlocal tlen
        if target is not None:
            target.append(data)
            tlen += len(data)
            if tlen > guard:
                builder.refuse_cell(col, row_num)

    def end(name: str) -> None:
        nonlocal target, f_attrs, in_is, rph, n_cached
        tag = tags.get(name)
        if tag is None:
            return
        if tag == "v" or tag == "t" or tag == "f":
            target = None
        elif tag == "c":
            v = "".join(v_parts) if v_parts else ""
            v_parts.clear()
            if not v:
                value = unescape_x("".join(t_parts)).strip() if ctype == "inlineStr" else ""
            elif ctype == "s":
                i = xml_int(v, -1)
                if not 0 <= i < n_strings:
                    raise ImportFileError(f"{builder.where()} is damaged: {builder.cell_ref(col, row_num)} refers to "
                                          f"shared string {v.strip()[:20]!r}, the table holds {n_strings:,}")
                value = strings.cell(i, string_cells)
            elif ctype == "n":
                value = _number_text(v, cstyle, dates, durations, epoch)
            elif ctype == "b":
                value = cell_text(v.strip() in ("1", "true"))
            elif ctype == "d":
                try:
                    value = cell_text(dt.datetime.fromisoformat(v.strip()))
                except ValueError:
                    value = v.strip()
            elif ctype == "inlineStr":
                value = unescape_x("".join(t_parts)).strip()
            else:  # str (a formula's text), e (an error such as #N/A)
                value = unescape_x(v).strip()
            t_parts.clear()
            in_is = False
            if f_attrs is not None:
                formula = "".join(f_parts)
                f_parts.clear()
                si = f_attrs.get("si")
                if f_attrs.get("t") == "shared" and si is not None:
                    if formula:
                        shared_formulas[si] = (formula, cref)
                    elif not value and si in shared_formulas:
                        formula = _translate(*shared_formulas[si], cref)
                f_attrs = None
                if value:
                    n_cached += 1  # the value the spreadsheet computed and cached
                elif formula:
                    value = "=" + formula  # never computed (written by a script): reported as a formula
            if value:
                if col > max_cols:
                    builder.refuse_column(col, row_num)
                if len(value) > max_chars:
                    builder.refuse_cell(col, row_num, len(value))
                cells[col] = value
        elif tag == "row":
            if cells:
                row = [""] * max(cells)
                for c, value in cells.items():
                    row[c - 1] = value
                builder.add(row, at=row_num)
                cells.clear()
        elif tag == "is":
            in_is = False
        elif tag == "rPh":
            rph -= 1

    pkg.parse(member, start=start, end=end, chars=chars)
    return n_cached


def _translate(formula: str, origin: str, dest: str) -> str:
    """A shared formula written once for a range, as it reads in another cell of the range."""
    try:
        from openpyxl.formula.translate import Translator

        return Translator("=" + formula, origin=origin).translate_formula(dest)[1:]
    except Exception:  # noqa: BLE001 - an untranslatable formula is reported as written
        return formula


def from_excel(value: float, epoch: dt.datetime, timedelta: bool = False) -> object:
    """A spreadsheet serial number as a date, time or duration (openpyxl's conversion)."""
    from openpyxl.utils.datetime import from_excel as convert

    return convert(value, epoch, timedelta=timedelta)


def read_xlsx(raw: RawFile) -> list[Sheet]:
    """Every worksheet of an XLSX workbook, streamed within ``raw.limits``.

    Formulas: the value the spreadsheet computed and cached is used (with a note); a formula
    without a cached value (a file written by a script, never opened in Excel) stays as '=…' so
    the row is reported. The dimension a sheet declares is ignored: only cells are read.
    """
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    with Package(raw, "XLSX") as pkg:
        rels_path = "xl/_rels/workbook.xml.rels"
        rels = xlsx_rels(pkg, rels_path)
        declared, date1904 = xlsx_workbook(pkg)
        by_type: dict[str, str] = {}
        for rel_type, path in rels.values():
            by_type.setdefault(rel_type, path)
        styles = by_type.get("styles", "xl/styles.xml")
        dates, durations = xlsx_styles(pkg, styles) if pkg.has(styles) else (set(), set())
        sst = by_type.get("sharedStrings", "xl/sharedStrings.xml")
        strings = xlsx_shared_strings(pkg, sst) if pkg.has(sst) else SharedStrings()
        epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        budget = Budget()
        sheets: list[Sheet] = []
        n_cached = 0
        for name, rid in declared:
            rel = rels.get(rid)
            if rel is None:
                raise ImportFileError(f"{raw.name} is damaged: sheet {name!r} has no part in {rels_path}")
            if rel[0] != "worksheet":  # chart sheets, dialog and macro sheets hold no table
                continue
            builder = SheetBuilder(raw.name, name, raw.limits, budget)
            n_cached += _read_worksheet(pkg, rel[1], builder, strings, dates, durations, epoch)
            sheets.append(builder.finish(name))
    if n_cached:
        raw.notes.append(f"{n_cached} cell(s) held formulas: the values computed by the spreadsheet were used")
    return sheets
