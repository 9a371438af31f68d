"""Read a file into rows of text cells: CSV (encoding and delimiter detected), XLSX, XLS (Excel 97-2003), ODS, text.

Every reader returns plain strings, so format parsers never see Excel types: integers written as
floats ("31555.0") come back as "31555", dates as ISO dates. File-level problems (empty, binary,
too big, unreadable) raise :class:`ImportFileError` with what was received and what was expected.

An imported file is data, possibly hostile, and it is read within :class:`ReadLimits`
(rows, columns, characters per cell, cells, uncompressed size): every format is streamed and the
reading stops at the first limit reached, with a one-line message naming it, instead of
materialising what the file declares (a dimension of A1:XFD1048576, a row repeated a million
times, a 400 MB string compressed to 400 kB). XLSX and ODS are ZIP archives of XML: their
members are checked before parsing (declared sizes, compression ratio, method, encryption), then
parsed by expat with a streaming handler, DTDs refused (no entity expansion), the bytes actually
inflated counted. Legacy .xls files are read by calamine (Rust) in a helper process, since a
damaged file can make it abort the process that runs it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import os
import posixpath
import re
import stat
import subprocess
import sys
import tempfile
import threading
import zipfile
import zlib
from array import array
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator
from xml.parsers import expat

from atlas.errors import ImportFileError
from atlas.ingest.limits import DEFAULT_LIMITS, ReadLimits

__all__ = [
    "DEFAULT_LIMITS", "DEFAULT_MAX_BYTES", "RawFile", "ReadLimits", "Sheet", "cell_text", "decode_text",
    "detect_delimiter", "load_file", "read_csv", "read_ods", "read_sheets", "read_xls", "read_xlsx",
]

#: Default size limit; a bigger file is refused before anything is read (override per call).
DEFAULT_MAX_BYTES = DEFAULT_LIMITS.max_bytes

DELIMITERS = (";", ",", "\t", "|")

_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"\x7fELF": "an executable program",
    b"MZ": "a Windows executable",
    b"SQLite format 3": "an SQLite database",
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_EXPECTED = "expected a CSV, XLSX, XLS, ODS or text file"


@dataclass
class Sheet:
    """Rows of one table (a CSV file or one spreadsheet sheet)."""

    name: str
    rows: list[list[str]]


@dataclass
class RawFile:
    """A file read from disk: bytes, hash and what kind of content it holds.

    ``data`` holds the bytes of a spreadsheet (xlsx, xls, ods); a text file keeps only its
    decoded ``text`` (``data`` is then empty), so a big CSV is not held twice in memory.
    """

    path: Path
    data: bytes
    sha256: str
    kind: str  # text, xlsx, xls, ods
    text: str | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    limits: ReadLimits = DEFAULT_LIMITS

    @property
    def name(self) -> str:
        return self.path.name


# --------------------------------------------------------------------------------------------
# Loading: size, kind, text decoding


def load_file(path: str | Path, max_bytes: int | None = None, encoding: str | None = None,
              limits: ReadLimits | None = None) -> RawFile:
    """Read ``path``, refuse empty, oversized and binary files, decode text.

    ``max_bytes`` overrides ``limits.max_bytes`` (the CLI's --max-mb); ``limits`` apply when the
    sheets are read (:func:`read_sheets`).
    """
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    if max_bytes is not None and max_bytes != limits.max_bytes:
        limits = replace(limits, max_bytes=max_bytes)
    max_bytes = limits.max_bytes
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file ({_EXPECTED})") from None
    except OSError as exc:
        raise ImportFileError(f"{path} cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ImportFileError(f"{path} is a folder, expected a file")
    if not stat.S_ISREG(st.st_mode):
        raise ImportFileError(f"{path} is not a regular file (a device, pipe or socket); {_EXPECTED}")
    if st.st_size == 0:
        raise ImportFileError(f"{path.name} is empty (0 bytes); expected a CSV, XLSX, XLS, ODS or text file with rows")
    if st.st_size > max_bytes:
        _refuse_size(path.name, st.st_size, max_bytes)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise ImportFileError(f"{path.name} cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        _refuse_size(path.name, len(data), max_bytes)
    if not data:
        raise ImportFileError(f"{path.name} is empty (0 bytes); expected a CSV, XLSX, XLS, ODS or text file with rows")
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04"):
        return RawFile(path, data, digest, _zip_kind(path, data, limits), limits=limits)
    if data.startswith(_OLE2):  # legacy Excel 97-2003 (.xls); a Word .doc is refused when read
        return RawFile(path, data, digest, "xls", limits=limits)
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise ImportFileError(f"{path.name} is {what}, not a table; {_EXPECTED}")
    try:
        text, used = decode_text(data, encoding, path.name)
    except MemoryError:
        raise ImportFileError(f"{path.name}: not enough memory to decode {len(data) / 1e6:.1f} MB of text; "
                              "split the file") from None
    del data
    return RawFile(path, b"", digest, "text", text=text, encoding=used, limits=limits)


def _refuse_size(name: str, size: int, max_bytes: int) -> None:
    raise ImportFileError(
        f"{name} is {size / 1e6:.1f} MB, above the import limit of {max_bytes / 1e6:.0f} MB; "
        "split the file, or raise the limit (CLI: --max-mb, API: max_bytes=)")


def _zip_kind(path: Path, data: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                with zf.open("mimetype") as fh:
                    mime = fh.read(len(_ODS_MIME) + 64)  # never inflate more than a MIME type
                if mime.strip() == _ODS_MIME:
                    return "ods"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, OSError,
            NotImplementedError, RuntimeError):
        raise ImportFileError(f"{path.name} looks like a ZIP archive (XLSX/ODS) but is damaged") from None
    raise ImportFileError(f"{path.name} is a ZIP archive but neither an XLSX nor an ODS spreadsheet")


def decode_text(data: bytes, encoding: str | None = None, name: str = "file") -> tuple[str, str]:
    """Decode bytes: a BOM wins, else UTF-8, else Windows-1252, else Latin-1.

    Windows-1252 is what French Excel writes for "CSV (séparateur : point-virgule)"; it maps
    every byte except five, which Latin-1 then covers. A text with NUL bytes or many control
    characters is not text.
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ImportFileError(f"{name} cannot be decoded as {encoding}: {exc}") from None
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"{name} starts with a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason} at byte "
                f"{exc.start:,} of {len(data):,}); re-save it as UTF-8 CSV, or name its encoding (CLI: --encoding)"
            ) from None
    head = data[:65536]
    if b"\x00" in head:
        raise ImportFileError(f"{name} is a binary file (it holds NUL bytes); {_EXPECTED}")
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        control = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\r\n\t")
        if control > max(8, len(text[:65536]) // 100):
            raise ImportFileError(f"{name} is a binary file (many control characters); expected text")
        return text, enc
    raise ImportFileError(f"{name}: cannot decode the text")  # unreachable: Latin-1 decodes anything


# --------------------------------------------------------------------------------------------
# Building sheets within the limits


def _col_letter(n: int) -> str:
    """1 -> A, 16384 -> XFD."""
    s = ""
    while n > 0 and len(s) < 12:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s if n == 0 else "?"


_INTERN_MAX = 1 << 18  # distinct values shared between cells (a country named 50,000 times is one string)


class _Budget:
    """Cells already taken by the previous sheets of one file (see ReadLimits.max_cells)."""

    def __init__(self) -> None:
        self.cells = 0
        self.intern: dict[str, str] = {}


class _SheetBuilder:
    """Rows of one sheet, appended one at a time and checked against the limits as they come.

    Empty rows are only counted, and materialised when a row with data follows: trailing empty
    rows (LibreOffice repeats one to the end of the sheet, Excel keeps styled ones) cost nothing.
    """

    def __init__(self, file: str, sheet: str | None, limits: ReadLimits, budget: _Budget,
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
        if len(cache) < _INTERN_MAX:
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


# --------------------------------------------------------------------------------------------
# Text and CSV

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _iter_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends (\\r\\n, \\r or \\n), one at a time (no copy of the text)."""
    return (m.group() for m in _LINE.finditer(text))


def detect_delimiter(text: str) -> str | None:
    """The delimiter giving the most consistent column count over the first 50 lines.

    csv.Sniffer guesses from character frequencies and often picks a comma inside French
    amounts ("12,5") over the real semicolon; counting columns row by row is more robust.
    Returns None for a one-column text (e.g. a twinning directory). Only the head of the
    text is looked at, lines cut at 64 kB (under the csv module's field limit, so a huge cell
    does not hide the delimiter: it is refused when the file is read).
    """
    head = itertools.islice(_iter_lines(text), 200)
    lines = [ln[:1 << 16].rstrip("\r\n") for ln in head]
    lines = [ln for ln in lines if ln.strip()][:50]
    if not lines:
        return None
    best: tuple[float, int, str] | None = None
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:  # e.g. "field larger than field limit": not this delimiter
            continue
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        if modal < 2:
            continue
        score = counts.count(modal) / len(counts)
        cand = (score, modal, delim)
        if best is None or cand[:2] > best[:2]:
            best = cand
    return best[2] if best and best[0] >= 0.5 else None


def read_csv(text: str, delimiter: str, name: str = "csv", limits: ReadLimits | None = None) -> Sheet:
    """Rows of a delimited text; every row padded to the same width. Read within ``limits``."""
    limits = limits or DEFAULT_LIMITS
    builder = _SheetBuilder(name, None, limits, _Budget(), grid=False)
    # a physical line longer than this cannot be a row within the limits (and the csv module
    # would make one list entry per delimiter before the row could be checked)
    max_line = limits.max_columns * (limits.max_cell_chars + 3) + 2

    def lines() -> Iterator[str]:
        for number, line in enumerate(_iter_lines(text), 1):
            if len(line) > max_line:
                raise ImportFileError(
                    f"{name}: line {number:,} holds {len(line):,} characters; a row of at most "
                    f"{limits.max_columns:,} cells of at most {limits.max_cell_chars:,} characters is shorter")
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    add = builder.add
    try:
        for r in reader:
            add([c.strip() for c in r])
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise ImportFileError(
                f"{name}: a cell ending on line {reader.line_num:,} holds more than {csv.field_size_limit():,} "
                f"characters (or a quote \" opened there is never closed); the atlas reads at most "
                f"{limits.max_cell_chars:,} characters per cell") from None
        raise ImportFileError(f"{name}: malformed CSV at line {reader.line_num:,}: {exc}") from None
    return builder.finish("csv")


def _read_text_lines(raw: RawFile) -> Sheet:
    """A text with no delimiter: one cell per line."""
    assert raw.text is not None
    builder = _SheetBuilder(raw.name, None, raw.limits, _Budget(), grid=False)
    for line in raw.text.splitlines():
        builder.add([line.strip()])
    return builder.finish("text")


# --------------------------------------------------------------------------------------------
# Cells


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


_X_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape_x(s: str) -> str:
    """Excel's _xHHHH_ escapes (_x000D_ is a carriage return, _x005F_ an underscore)."""
    def sub(m: re.Match[str]) -> str:
        code = int(m.group(1), 16)
        if code in (9, 10, 13) or (code >= 32 and not 0xD800 <= code <= 0xDFFF):
            return chr(code)
        return m.group()
    return _X_ESCAPE.sub(sub, s) if "_x" in s else s


# --------------------------------------------------------------------------------------------
# ZIP packages (XLSX, ODS) and their XML


class _Package:
    """An XLSX/ODS archive checked before parsing; its members are parsed as streams."""

    def __init__(self, raw: RawFile, what: str) -> None:
        self.name, self.what, self.limits = raw.name, what, raw.limits
        limits = raw.limits
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(raw.data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            raise ImportFileError(f"{self.name} looks like a ZIP archive ({what}) but is damaged") from None
        if len(infos) > limits.max_members:
            raise ImportFileError(f"{self.name} holds {len(infos):,} archive members; an {what} file holds a few "
                                  f"dozen, the atlas reads at most {limits.max_members:,}")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise ImportFileError(f"{self.name} is password-protected (encrypted member {info.filename!r}); "
                                      "save it without a password")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ImportFileError(
                    f"{self.name}: member {info.filename!r} is compressed with method {info.compress_type}; "
                    f"{what} files use deflate (8) or none (0)")
            size = info.file_size
            total += size
            if size > limits.ratio_from and size > limits.max_ratio * max(info.compress_size, 1):
                raise ImportFileError(
                    f"{self.name}: member {info.filename!r} declares {size / 1e6:,.1f} MB uncompressed from "
                    f"{info.compress_size / 1e6:,.3f} MB (ratio {size / max(info.compress_size, 1):,.0f}:1); "
                    f"the atlas refuses members compressed more than {limits.max_ratio}:1 (a ZIP bomb)")
        if total > limits.max_uncompressed:
            raise ImportFileError(
                f"{self.name} declares {total / 1e6:,.1f} MB once uncompressed; the atlas reads at most "
                f"{limits.max_uncompressed / 1e6:,.0f} MB uncompressed: split the file")
        self.names = {i.filename for i in infos}
        self.inflated = 0  # bytes actually inflated (declared sizes can lie)

    def __enter__(self) -> _Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zf.close()

    def has(self, member: str) -> bool:
        return member in self.names

    def parse(self, member: str, start: Callable[..., None] | None = None, end: Callable[..., None] | None = None,
              chars: Callable[[str], None] | None = None) -> None:
        """Stream ``member`` through expat; handlers receive '{namespace} {local}' names."""
        if member not in self.names:
            raise ImportFileError(f"{self.name} is damaged: it lacks {member!r}, a part every {self.what} file has")
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = 1 << 16

        def no_dtd(*_args: object) -> None:
            raise ImportFileError(f"{self.name}: {member} declares a DTD or entities; {self.what} files have "
                                  "none, and the atlas does not expand them")

        parser.StartDoctypeDeclHandler = no_dtd
        parser.EntityDeclHandler = no_dtd
        if start is not None:
            parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if chars is not None:
            parser.CharacterDataHandler = chars
        limit = self.limits.max_uncompressed
        try:
            with self.zf.open(member) as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    self.inflated += len(chunk)
                    if self.inflated > limit:
                        raise ImportFileError(
                            f"{self.name}: {member} inflates past {limit / 1e6:,.0f} MB (more than its archive "
                            "declares); the atlas reads at most that much uncompressed")
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise ImportFileError(f"{self.name} is damaged: {member} is not valid XML ({exc})") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
            detail = " ".join(str(exc).split())[:200]
            raise ImportFileError(f"{self.name} is damaged: {member} cannot be inflated ({detail})") from None


def _xml_names(namespaces: tuple[str, ...], *local: str) -> dict[str, str]:
    return {f"{ns} {name}": name for ns in namespaces for name in local}


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        try:
            f = float(text)  # type: ignore[arg-type]
            return int(f) if f.is_integer() else default
        except (ValueError, OverflowError):
            return default


# --------------------------------------------------------------------------------------------
# XLSX

_SML = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_PKG_REL = ("http://schemas.openxmlformats.org/package/2006/relationships",)
_XLSX_TAGS = _xml_names(_SML, "c", "v", "row", "f", "is", "t", "rPh", "si", "sheet", "workbookPr", "numFmt",
                        "cellXfs", "xf")
_REL_TAGS = _xml_names(_PKG_REL, "Relationship")


class _SharedStrings:
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
            text = _unescape_x(self.get(index)).strip()
            if len(cache) < _INTERN_MAX:
                cache[index] = text
        return text


def _xlsx_rels(pkg: _Package, member: str) -> dict[str, tuple[str, str]]:
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


def _xlsx_workbook(pkg: _Package) -> tuple[list[tuple[str, str]], bool]:
    """(sheet name, relationship id) in workbook order, and whether dates count from 1904."""
    sheets: list[tuple[str, str]] = []
    date1904 = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _XLSX_TAGS.get(name)
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if k.endswith(" id") and "relationships" in k), "")
            sheets.append((attrs.get("name", f"Sheet{len(sheets) + 1}"), rid))
        elif tag == "workbookPr":
            date1904[0] = attrs.get("date1904", "").lower() in ("1", "true")

    pkg.parse("xl/workbook.xml", start=start)
    return sheets, date1904[0]


def _xlsx_styles(pkg: _Package, member: str) -> tuple[set[int], set[int]]:
    """Indexes of the cell styles that format numbers as dates, and as durations ([h]:mm)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    custom: dict[int, str] = {}
    xfs: list[int] = []
    in_xfs = [False]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _XLSX_TAGS.get(name)
        if tag == "numFmt":
            custom[_int(attrs.get("numFmtId"), -1)] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            in_xfs[0] = True
        elif tag == "xf" and in_xfs[0]:
            xfs.append(_int(attrs.get("numFmtId"), 0))

    def end(name: str) -> None:
        if _XLSX_TAGS.get(name) == "cellXfs":
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


def _xlsx_shared_strings(pkg: _Package, member: str) -> _SharedStrings:
    limits = pkg.limits
    table = _SharedStrings()
    buf, ends = table.buf, table.ends
    parts: list[str] = []
    state = {"si": False, "t": False, "rph": 0, "len": 0}
    guard = limits.max_cell_chars * 8  # raw text may hold _xHHHH_ escapes; exact length checked per cell

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _XLSX_TAGS.get(name)
        if tag == "si":
            state["si"] = True
            state["len"] = 0
            parts.clear()
        elif tag == "t" and state["si"] and not state["rph"]:
            state["t"] = True
        elif tag == "rPh":
            state["rph"] += 1

    def end(name: str) -> None:
        tag = _XLSX_TAGS.get(name)
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


def _read_worksheet(pkg: _Package, member: str, builder: _SheetBuilder, strings: _SharedStrings,
                    dates: set[int], durations: set[int], epoch: dt.datetime) -> int:
    """Stream one worksheet into ``builder``; returns the number of formula cells with a cached value."""
    limits = pkg.limits
    max_cols, max_chars = limits.max_columns, limits.max_cell_chars
    guard = max_chars * 8
    tags = _XLSX_TAGS
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
            cstyle = _int(s, -1) if s is not None else -1
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
            r = _int(attrs.get("r"), 0)
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
                value = _unescape_x("".join(t_parts)).strip() if ctype == "inlineStr" else ""
            elif ctype == "s":
                i = _int(v, -1)
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
                value = _unescape_x("".join(t_parts)).strip()
            else:  # str (a formula's text), e (an error such as #N/A)
                value = _unescape_x(v).strip()
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

    with _Package(raw, "XLSX") as pkg:
        rels_path = "xl/_rels/workbook.xml.rels"
        rels = _xlsx_rels(pkg, rels_path)
        declared, date1904 = _xlsx_workbook(pkg)
        by_type: dict[str, str] = {}
        for rel_type, path in rels.values():
            by_type.setdefault(rel_type, path)
        styles = by_type.get("styles", "xl/styles.xml")
        dates, durations = _xlsx_styles(pkg, styles) if pkg.has(styles) else (set(), set())
        sst = by_type.get("sharedStrings", "xl/sharedStrings.xml")
        strings = _xlsx_shared_strings(pkg, sst) if pkg.has(sst) else _SharedStrings()
        epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        budget = _Budget()
        sheets: list[Sheet] = []
        n_cached = 0
        for name, rid in declared:
            rel = rels.get(rid)
            if rel is None:
                raise ImportFileError(f"{raw.name} is damaged: sheet {name!r} has no part in {rels_path}")
            if rel[0] != "worksheet":  # chart sheets, dialog and macro sheets hold no table
                continue
            builder = _SheetBuilder(raw.name, name, raw.limits, budget)
            n_cached += _read_worksheet(pkg, rel[1], builder, strings, dates, durations, epoch)
            sheets.append(builder.finish(name))
    if n_cached:
        raw.notes.append(f"{n_cached} cell(s) held formulas: the values computed by the spreadsheet were used")
    return sheets


# --------------------------------------------------------------------------------------------
# ODS

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
    budget = _Budget()
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
            st["col_repeat"] = max(1, _int(attrs.get(_A_COLS), 1))
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
            st["row_repeat"] = max(1, _int(attrs.get(_A_ROWS), 1))
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
                n = _int(attrs.get(_A_TEXT_C), 1)
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
            st["builder"] = _SheetBuilder(raw.name, st["name"], limits, budget)
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

    with _Package(raw, "ODS") as pkg:
        pkg.parse("content.xml", start=start, end=end, chars=chars)
    return sheets


# --------------------------------------------------------------------------------------------
# XLS (Excel 97-2003), through calamine in a helper process

# The helper: reads the workbook from stdin, writes one JSON line per sheet and per row. It runs
# apart because calamine (Rust) aborts the whole process on some damaged files (an allocation of
# terabytes it cannot make): the atlas, or the app, must survive a hostile file.
_XLS_HELPER = r"""
import datetime as dt, json, sys
try:
    import resource
    _soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    _cap = int(sys.argv[1])
    if _hard == resource.RLIM_INFINITY or _cap < _hard:
        resource.setrlimit(resource.RLIMIT_AS, (_cap, _hard))
except (ImportError, ValueError, OSError):
    pass

def enc(v):
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, dt.datetime):
        return ["datetime", v.isoformat()]
    if isinstance(v, dt.date):
        return ["date", v.isoformat()]
    if isinstance(v, dt.time):
        return ["time", v.isoformat()]
    if isinstance(v, dt.timedelta):
        return ["timedelta", v.total_seconds()]
    return str(v)

def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")

def is_rust_panic(exc):
    # pyo3's PanicException derives from BaseException and is not importable: known by its type's name
    t = type(exc)
    return t.__name__ == "PanicException" and t.__module__ == "pyo3_runtime"

def main():
    from python_calamine import CalamineWorkbook
    import io
    wb = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        start = sheet.start or (0, 0)
        emit({"sheet": name, "rows": start[0] + sheet.height, "columns": start[1] + sheet.width})
        pad = [""] * start[1]
        for row in sheet.iter_rows():
            emit(pad + [enc(v) for v in row])
    emit({"end": True})

try:
    main()
except MemoryError:
    emit({"error": "not enough memory"})
except Exception as exc:
    emit({"error": type(exc).__name__ + ": " + " ".join(str(exc).split())[:300]})
except BaseException as exc:
    if not is_rust_panic(exc):
        raise
    emit({"error": "the reader failed on it: " + " ".join(str(exc).split())[:300]})
sys.stdout.flush()
"""


def _xls_value(v: object) -> object:
    if isinstance(v, list) and len(v) == 2:
        kind, text = v
        try:
            if kind == "datetime":
                return dt.datetime.fromisoformat(text)
            if kind == "date":
                return dt.date.fromisoformat(text)
            if kind == "time":
                return dt.time.fromisoformat(text)
            if kind == "timedelta":
                return dt.timedelta(seconds=text)
        except (TypeError, ValueError, OverflowError):
            return str(text)
    return v


def read_xls(raw: RawFile) -> list[Sheet]:
    """Every sheet of a legacy Excel 97-2003 workbook (.xls), through calamine in a helper process.

    The values the spreadsheet computed are read (an .xls file always caches them), so formulas
    never reach the parser as '=…'. The helper runs with ``limits.xls_memory`` of address space
    and ``limits.xls_seconds`` of time; a crash, a timeout or a limit is reported on one line.
    """
    limits = raw.limits

    def refuse(why: str) -> ImportFileError:
        return ImportFileError(
            f"{raw.name} is an OLE2 compound file but cannot be read as an Excel 97-2003 (.xls) workbook "
            f"({why}); {_EXPECTED}")

    env = dict(os.environ, RUST_BACKTRACE="0", PYTHONIOENCODING="utf-8")
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen([sys.executable, "-P", "-c", _XLS_HELPER, str(limits.xls_memory)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=env)
        except OSError as exc:
            raise refuse(f"the reader could not start: {exc.strerror or exc}") from None
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(limits.xls_seconds, stop)
        timer.start()
        try:
            try:
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write(raw.data)
                proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass  # the helper died early: its exit status says why
            sheets = _xls_sheets(raw, proc.stdout, refuse)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            timer.cancel()
            if proc.stdout is not None:
                proc.stdout.close()
        if sheets is None:
            if timed_out.is_set():
                reason = f"it took more than {limits.xls_seconds:.0f} s"
            elif proc.returncode and proc.returncode < 0:
                reason = (f"the reader crashed on it, signal {-proc.returncode}: the file is damaged or hostile, "
                          f"or needs more than {limits.xls_memory / 1e6:,.0f} MB")
            else:
                err.seek(0)
                last = [ln for ln in err.read()[-2000:].decode("utf-8", "replace").splitlines() if ln.strip()]
                reason = f"the reader failed, exit {proc.returncode}: {last[-1][:200] if last else 'no message'}"
            raise refuse(reason)
    return sheets


def _xls_sheets(raw: RawFile, out: io.BufferedReader | None, refuse: Callable[[str], ImportFileError]
                ) -> list[Sheet] | None:
    """Sheets from the helper's JSON lines; None when it ended without saying so (crash)."""
    assert out is not None
    limits = raw.limits
    budget = _Budget()
    sheets: list[Sheet] = []
    builder: _SheetBuilder | None = None
    name = ""
    for line in out:
        try:
            msg = json.loads(line)
        except ValueError:  # a line cut short: the helper was killed while writing it
            return None
        if isinstance(msg, list):
            if builder is None:
                return None
            builder.add([cell_text(_xls_value(v)) for v in msg])
            continue
        if "error" in msg:
            raise refuse(str(msg["error"]))
        if builder is not None:
            sheets.append(builder.finish(name))
            builder = None
        if "end" in msg:
            return sheets
        name = str(msg["sheet"])
        builder = _SheetBuilder(raw.name, name, limits, budget)
        height, width = int(msg.get("rows") or 0), int(msg.get("columns") or 0)
        # calamine has already laid the sheet out as a grid: refuse it before its rows cross the pipe
        if height * width > limits.max_cells:
            raise ImportFileError(
                f"{raw.name}: sheet {name!r} spans {height:,} rows x {width:,} columns ({height * width:,} cells); "
                f"the atlas reads at most {limits.max_cells:,} cells per file: split the file")
    return None


# --------------------------------------------------------------------------------------------


def read_sheets(raw: RawFile, delimiter: str | None = None) -> list[Sheet]:
    """The tables of a file: one for CSV, one per sheet for spreadsheets, read within ``raw.limits``.

    A text with no delimiter comes back as one column (one line per row).
    """
    try:
        if raw.kind == "xlsx":
            return read_xlsx(raw)
        if raw.kind == "xls":
            return read_xls(raw)
        if raw.kind == "ods":
            return read_ods(raw)
        assert raw.text is not None
        delim = delimiter or detect_delimiter(raw.text)
        if delim is None:
            return [_read_text_lines(raw)]
        return [read_csv(raw.text, delim, raw.name, raw.limits)]
    except MemoryError:
        raise ImportFileError(
            f"{raw.name}: not enough memory to read it, although within the limits of {raw.limits.max_rows:,} "
            f"rows, {raw.limits.max_columns:,} columns and {raw.limits.max_cells:,} cells; split the file") from None
