"""OpenDocument spreadsheets (LibreOffice .ods): content.xml streamed within the limits."""

from __future__ import annotations

import datetime as dt
import re

from atlas.errors import ImportFileError
from atlas.ingest.readers.files import RawFile
from atlas.ingest.readers.package import Package, xml_int
from atlas.ingest.readers.sheet import Budget, Sheet, SheetBuilder, cell_text

_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODS_TAGS = {
    **{f"{_ODF_TABLE} {n}": n for n in ("table", "table-row", "table-cell", "covered-table-cell")},
    **{f"{_ODF_TEXT} {n}": n for n in ("p", "h", "s", "tab", "line-break")},
    f"{_ODF_OFFICE} annotation": "annotation",
}
_A_ROWS = f"{_ODF_TABLE} number-rows-repeated"
_A_COLS = f"{_ODF_TABLE} number-columns-repeated"
_A_NAME = f"{_ODF_TABLE} name"
_A_TYPE = f"{_ODF_OFFICE} value-type"
_A_VALUE = f"{_ODF_OFFICE} value"
_A_DATE = f"{_ODF_OFFICE} date-value"
_A_TIME = f"{_ODF_OFFICE} time-value"
_A_BOOL = f"{_ODF_OFFICE} boolean-value"
_A_STRING = f"{_ODF_OFFICE} string-value"
_A_TEXT_C = f"{_ODF_TEXT} c"
_ODF_DURATION = re.compile(r"^-?P(?:(\d+)D)?T(\d+)H(\d+)M(\d+(?:\.\d+)?)S$")


def _ods_value(attrs: dict[str, str], text: str) -> str:
    """A cell's value as text, from its office:value-type (as LibreOffice shows it for text)."""
    kind = attrs.get(_A_TYPE)
    try:
        if kind in ("float", "percentage", "currency"):
            return cell_text(float(attrs[_A_VALUE]))
        if kind == "date":
            return cell_text(dt.datetime.fromisoformat(attrs[_A_DATE]))
        if kind == "boolean":
            return cell_text(attrs[_A_BOOL].strip().lower() in ("true", "1"))
        if kind == "time":
            m = _ODF_DURATION.match(attrs[_A_TIME])
            if m:
                days, h, mi, s = int(m.group(1) or 0), int(m.group(2)), int(m.group(3)), float(m.group(4))
                if not days and h < 24 and s < 60:
                    return dt.time(h, mi, int(s)).isoformat()
                return str(dt.timedelta(days=days, hours=h, minutes=mi, seconds=s))
        if kind == "string" and _A_STRING in attrs:
            return attrs[_A_STRING].strip()
    except (KeyError, ValueError, OverflowError):
        pass  # a value attribute that is missing or malformed: the text shown is the value
    return text.strip()


def read_ods(raw: RawFile) -> list[Sheet]:
    """Every sheet of an OpenDocument spreadsheet (LibreOffice), streamed within ``raw.limits``.

    Repeated rows and cells (table:number-rows-repeated, number-columns-repeated) are expanded
    only when they hold data, up to the limits; empty ones, which LibreOffice repeats to the end
    of the sheet, are counted, not materialised.
    """
    limits = raw.limits
    max_cols, max_chars = limits.max_columns, limits.max_cell_chars
    budget = Budget()
    sheets: list[Sheet] = []
    tags = _ODS_TAGS
    st = {
        "builder": None, "name": "", "nested": 0,  # sheet; tables nested in a cell are skipped
        "row_repeat": 1, "row": [], "empty": 0, "row_num": 0,  # current row; empty cells not yet placed
        "cell": None, "col_repeat": 1, "para": 0, "n_para": 0, "note": 0, "len": 0,
        "n_rows": 0, "n_cells": 0,  # XML elements of the sheet and of the row (Excel's grid at most)
    }
    parts: list[str] = []
    pstack: list[bool] = []  # whether each open paragraph is a cell's text (not a comment's)

    def refuse_long() -> None:
        b = st["builder"]
        b.refuse_cell(len(st["row"]) + st["empty"] + 1, st["row_num"])

    def add_text(text: str) -> None:
        parts.append(text)
        st["len"] += len(text)
        if st["len"] > max_chars:
            refuse_long()

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = tags.get(name)
        if tag is None:
            return
        if st["nested"]:
            if tag == "table":
                st["nested"] += 1
            return
        if tag in ("table-cell", "covered-table-cell"):
            if st["builder"] is None:
                return  # a cell outside any table: not part of a sheet
            st["n_cells"] += 1
            if st["n_cells"] > limits.max_row_elements:
                raise ImportFileError(
                    f"{st['builder'].where()}: row {st['row_num']:,} holds more than {limits.max_row_elements:,} "
                    "cell elements, more than a spreadsheet can; not a spreadsheet file")
            st["cell"] = attrs if tag == "table-cell" else {}
            st["col_repeat"] = max(1, xml_int(attrs.get(_A_COLS), 1))
            st["n_para"] = st["len"] = 0
            parts.clear()
        elif tag == "p" or tag == "h":
            counted = st["cell"] is not None and not st["note"]
            pstack.append(counted)
            if counted:
                if st["n_para"]:
                    add_text("\n")
                st["n_para"] += 1
                st["para"] += 1
        elif tag == "table-row":
            st["row_repeat"] = max(1, xml_int(attrs.get(_A_ROWS), 1))
            st["row"] = []
            st["empty"] = st["n_cells"] = 0
            b = st["builder"]
            st["row_num"] = b.next_row if b is not None else 0
            st["n_rows"] += 1
            if b is not None and st["n_rows"] > limits.max_sheet_rows:
                raise ImportFileError(
                    f"{b.where()} holds more than {limits.max_sheet_rows:,} row elements, more than a spreadsheet "
                    "can; not a spreadsheet file")
        elif tag == "s":
            if st["para"] and not st["note"]:
                n = xml_int(attrs.get(_A_TEXT_C), 1)
                add_text(" " * max(1, min(n, max_chars + 1)))
        elif tag == "tab":
            if st["para"] and not st["note"]:
                add_text("\t")
        elif tag == "line-break":
            if st["para"] and not st["note"]:
                add_text("\n")
        elif tag == "annotation":
            st["note"] += 1
        elif tag == "table":
            if st["cell"] is not None or st["builder"] is not None:
                st["nested"] = 1  # a table inside a cell (or a sub-table): not a sheet
                return
            st["name"] = attrs.get(_A_NAME, f"Sheet{len(sheets) + 1}")
            st["builder"] = SheetBuilder(raw.name, st["name"], limits, budget)
            st["n_rows"] = 0

    def chars(data: str) -> None:
        if st["para"] and not st["note"]:
            add_text(data)

    def end(name: str) -> None:
        tag = tags.get(name)
        if tag is None:
            return
        if st["nested"]:
            if tag == "table":
                st["nested"] -= 1
            return
        if tag in ("table-cell", "covered-table-cell"):
            attrs = st["cell"]
            st["cell"] = None
            value = _ods_value(attrs, "".join(parts)) if attrs else ""
            parts.clear()
            repeat = st["col_repeat"]
            if not value:
                st["empty"] += repeat
                return
            row = st["row"]
            last = len(row) + st["empty"] + repeat
            if last > max_cols:
                st["builder"].refuse_column(max(len(row) + st["empty"] + 1, max_cols + 1), st["row_num"])
            if len(value) > max_chars:
                st["builder"].refuse_cell(len(row) + st["empty"] + 1, st["row_num"], len(value))
            if st["empty"]:
                row.extend([""] * st["empty"])
                st["empty"] = 0
            row.extend([value] * repeat)
        elif tag == "p" or tag == "h":
            if pstack and pstack.pop():
                st["para"] -= 1
        elif tag == "table-row":
            b = st["builder"]
            if b is not None:
                b.add(st["row"], repeat=st["row_repeat"])
            st["row"] = []
        elif tag == "annotation":
            st["note"] -= 1
        elif tag == "table":
            b = st["builder"]
            if b is not None:
                sheets.append(b.finish(st["name"]))
            st["builder"] = None

    with Package(raw, "ODS") as pkg:
        pkg.parse("content.xml", start=start, end=end, chars=chars)
    return sheets
