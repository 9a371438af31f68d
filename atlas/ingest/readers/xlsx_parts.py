"""The parts of an XLSX workbook read before its sheets: relationships, sheet list, styles
(which cells are dates) and the shared string table."""

from __future__ import annotations

import posixpath
import re
from array import array

from atlas.errors import ImportFileError
from atlas.ingest.readers.package import Package, xml_int, xml_names
from atlas.ingest.readers.sheet import INTERN_MAX

_SML = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_PKG_REL = ("http://schemas.openxmlformats.org/package/2006/relationships",)
XLSX_TAGS = xml_names(_SML, "c", "v", "row", "f", "is", "t", "rPh", "si", "sheet", "workbookPr", "numFmt",
                       "cellXfs", "xf")
_REL_TAGS = xml_names(_PKG_REL, "Relationship")


_X_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape_x(s: str) -> str:
    """Excel's _xHHHH_ escapes (_x000D_ is a carriage return, _x005F_ an underscore)."""
    def sub(m: re.Match[str]) -> str:
        code = int(m.group(1), 16)
        if code in (9, 10, 13) or (code >= 32 and not 0xD800 <= code <= 0xDFFF):
            return chr(code)
        return m.group()
    return _X_ESCAPE.sub(sub, s) if "_x" in s else s


class SharedStrings:
    """The shared string table, compact: UTF-8 bytes and end offsets (a str per entry costs 50 bytes)."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.ends = array("q")

    def __len__(self) -> int:
        return len(self.ends)

    def get(self, index: int) -> str:
        start = self.ends[index - 1] if index else 0
        return self.buf[start:self.ends[index]].decode("utf-8", "surrogatepass")

    def cell(self, index: int, cache: dict[int, str]) -> str:
        """Entry ``index`` as a cell's text (escapes decoded, stripped); ``cache`` keeps the frequent ones."""
        text = cache.get(index)
        if text is None:
            text = unescape_x(self.get(index)).strip()
            if len(cache) < INTERN_MAX:
                cache[index] = text
        return text


def xlsx_rels(pkg: Package, member: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, archive path) of ``member`` (a .rels part)."""
    base = posixpath.dirname(posixpath.dirname(member))  # xl/_rels/workbook.xml.rels -> xl
    rels: dict[str, tuple[str, str]] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if _REL_TAGS.get(name) and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            rels[attrs.get("Id", "")] = (attrs.get("Type", "").rsplit("/", 1)[-1], path)

    pkg.parse(member, start=start)
    return rels


def xlsx_workbook(pkg: Package) -> tuple[list[tuple[str, str]], bool]:
    """(sheet name, relationship id) in workbook order, and whether dates count from 1904."""
    sheets: list[tuple[str, str]] = []
    date1904 = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = XLSX_TAGS.get(name)
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if k.endswith(" id") and "relationships" in k), "")
            sheets.append((attrs.get("name", f"Sheet{len(sheets) + 1}"), rid))
        elif tag == "workbookPr":
            date1904[0] = attrs.get("date1904", "").lower() in ("1", "true")

    pkg.parse("xl/workbook.xml", start=start)
    return sheets, date1904[0]


def xlsx_styles(pkg: Package, member: str) -> tuple[set[int], set[int]]:
    """Indexes of the cell styles that format numbers as dates, and as durations ([h]:mm)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    custom: dict[int, str] = {}
    xfs: list[int] = []
    in_xfs = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = XLSX_TAGS.get(name)
        if tag == "numFmt":
            custom[xml_int(attrs.get("numFmtId"), -1)] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            in_xfs[0] = True
        elif tag == "xf" and in_xfs[0]:
            xfs.append(xml_int(attrs.get("numFmtId"), 0))

    def end(name: str) -> None:
        if XLSX_TAGS.get(name) == "cellXfs":
            in_xfs[0] = False

    pkg.parse(member, start=start, end=end)
    dates: set[int] = set()
    durations: set[int] = set()
    for i, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id)
        if not code:
            continue
        try:
            if is_timedelta_format(code):
                durations.add(i)
            elif is_date_format(code):
                dates.add(i)
        except Exception:  # noqa: BLE001 - a format code openpyxl cannot classify is not a date
            continue
    return dates, durations


def xlsx_shared_strings(pkg: Package, member: str) -> SharedStrings:
    limits = pkg.limits
    table = SharedStrings()
    buf, ends = table.buf, table.ends
    parts: list[str] = []
    state = {"si": False, "t": False, "rph": 0, "len": 0}
    guard = limits.max_cell_chars * 8  # raw text may hold _xHHHH_ escapes; exact length checked per cell

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = XLSX_TAGS.get(name)
        if tag == "si":
            state["si"] = True
            state["len"] = 0
            parts.clear()
        elif tag == "t" and state["si"] and not state["rph"]:
            state["t"] = True
        elif tag == "rPh":
            state["rph"] += 1

    def end(name: str) -> None:
        tag = XLSX_TAGS.get(name)
        if tag == "t":
            state["t"] = False
        elif tag == "rPh":
            state["rph"] -= 1
        elif tag == "si":
            state["si"] = False
            if len(ends) >= limits.max_cells:
                raise ImportFileError(
                    f"{pkg.name}: its shared string table holds more than {limits.max_cells:,} strings; the atlas "
                    f"reads at most {limits.max_cells:,} cells per file: split the file")
            buf.extend("".join(parts).encode("utf-8", "surrogatepass"))
            ends.append(len(buf))

    def chars(data: str) -> None:
        if state["t"]:
            parts.append(data)
            state["len"] += len(data)
            if state["len"] > guard:
                raise ImportFileError(
                    f"{pkg.name}: shared string {len(ends) + 1:,} holds more than {guard:,} characters; the atlas "
                    f"reads at most {limits.max_cell_chars:,} characters per cell (Excel's own limit)")

    pkg.parse(member, start=start, end=end, chars=chars)
    return table
