"""Read a file into rows of text cells: CSV (encoding and delimiter detected), XLSX, XLS (Excel 97-2003), ODS, text.

Every reader returns plain strings, so format parsers never see Excel types: integers written as
floats ("31555.0") come back as "31555", dates as ISO dates. File-level problems (empty, binary,
too big, unreadable) raise :class:`ImportFileError` with what was received and what was expected.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from atlas.errors import ImportFileError

#: Default size limit; a bigger file is refused before anything is read (override per call).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

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


@dataclass
class Sheet:
    """Rows of one table (a CSV file or one spreadsheet sheet)."""

    name: str
    rows: list[list[str]]


@dataclass
class RawFile:
    """A file read from disk: bytes, hash and what kind of content it holds."""

    path: Path
    data: bytes
    sha256: str
    kind: str  # text, xlsx, xls, ods
    text: str | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name


def load_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None) -> RawFile:
    """Read ``path``, refuse empty, oversized and binary files, decode text."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path}: no such file (expected a CSV, XLSX, XLS, ODS or text file)")
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder, expected a file")
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(f"{path.name} is empty (0 bytes); expected a CSV, XLSX, XLS, ODS or text file with rows")
    if size > max_bytes:
        raise ImportFileError(
            f"{path.name} is {size / 1e6:.1f} MB, above the import limit of {max_bytes / 1e6:.0f} MB; "
            "split the file, or raise the limit (CLI: --max-mb, API: max_bytes=)")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04"):
        return RawFile(path, data, digest, _zip_kind(path, data))
    if data.startswith(_OLE2):  # legacy Excel 97-2003 (.xls); a Word .doc is refused when read
        return RawFile(path, data, digest, "xls")
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise ImportFileError(f"{path.name} is {what}, not a table; expected a CSV, XLSX, XLS, ODS or text file")
    text, used = decode_text(data, encoding, path.name)
    return RawFile(path, data, digest, "text", text=text, encoding=used)


def _zip_kind(path: Path, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and zf.read("mimetype").strip() == _ODS_MIME:
                return "ods"
    except zipfile.BadZipFile:
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
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[:65536]
    if b"\x00" in head:
        raise ImportFileError(f"{name} is a binary file (it holds NUL bytes); expected a CSV, XLSX, XLS, ODS or text file")
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


def detect_delimiter(text: str) -> str | None:
    """The delimiter giving the most consistent column count over the first 50 lines.

    csv.Sniffer guesses from character frequencies and often picks a comma inside French
    amounts ("12,5") over the real semicolon; counting columns row by row is more robust.
    Returns None for a one-column text (e.g. a twinning directory).
    """
    lines = [ln for ln in text.splitlines()[:200] if ln.strip()][:50]
    if not lines:
        return None
    best: tuple[float, int, str] | None = None
    for delim in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
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


def read_csv(text: str, delimiter: str) -> Sheet:
    """Rows of a delimited text; every row padded to the same width."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [[c.strip() for c in r] for r in reader]
    except csv.Error as exc:
        raise ImportFileError(f"malformed CSV: {exc}") from None
    return Sheet("csv", _pad(rows))


def _pad(rows: list[list[str]]) -> list[list[str]]:
    # trailing empty rows (Excel exports often end with a few) are dropped
    while rows and not any(c for c in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: 31555.0 -> '31555', dates -> ISO, None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(raw: RawFile) -> list[Sheet]:
    """Every sheet of an XLSX workbook.

    Formulas: a first pass reads formulas as written; only if one is found is the workbook read
    again for the values Excel computed and cached. A formula without a cached value (a file
    written by a script, never opened in Excel) stays as '=…' so the row is reported.
    """
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw.data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportFileError(f"{raw.name} cannot be read as an XLSX workbook: {exc}") from None
    sheets: list[Sheet] = []
    formulas: dict[str, set[tuple[int, int]]] = {}
    try:
        for ws in wb.worksheets:
            rows: list[list[str]] = []
            for i, values in enumerate(ws.iter_rows(values_only=True)):
                row = [cell_text(v) for v in values]
                for j, v in enumerate(row):
                    if v.startswith("=") and len(v) > 1:
                        formulas.setdefault(ws.title, set()).add((i, j))
                rows.append(row)
            sheets.append(Sheet(ws.title, _pad(rows)))
    finally:
        wb.close()
    if formulas:
        wb = openpyxl.load_workbook(io.BytesIO(raw.data), read_only=True, data_only=True)
        try:
            n_cached = 0
            for sheet in sheets:
                cells = formulas.get(sheet.name)
                if not cells:
                    continue
                values = [[cell_text(v) for v in r] for r in wb[sheet.name].iter_rows(values_only=True)]
                for i, j in cells:
                    cached = values[i][j] if i < len(values) and j < len(values[i]) else ""
                    if cached:
                        sheet.rows[i][j] = cached
                        n_cached += 1
            if n_cached:
                raw.notes.append(f"{n_cached} cell(s) held formulas: the values computed by the spreadsheet were used")
        finally:
            wb.close()
    return sheets


def read_ods(raw: RawFile) -> list[Sheet]:
    """Every sheet of an OpenDocument spreadsheet (LibreOffice), through pandas' odf engine."""
    import pandas as pd

    try:
        frames = pd.read_excel(io.BytesIO(raw.data), engine="odf", sheet_name=None, header=None, dtype=object)
    except Exception as exc:
        raise ImportFileError(f"{raw.name} cannot be read as an ODS spreadsheet: {exc}") from None
    sheets = []
    for name, df in frames.items():
        rows = [[cell_text(v) for v in r] for r in df.itertuples(index=False, name=None)]
        sheets.append(Sheet(str(name), _pad(rows)))
    return sheets


def read_xls(raw: RawFile) -> list[Sheet]:
    """Every sheet of a legacy Excel 97-2003 workbook (.xls), through calamine.

    The values the spreadsheet computed are read (an .xls file always caches them), so formulas
    never reach the parser as '=…'.
    """
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(raw.data))
        sheets = []
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append(Sheet(name, _pad([[cell_text(v) for v in r] for r in rows])))
    except Exception as exc:  # calamine raises its own error types for damaged or non-Excel files
        raise ImportFileError(
            f"{raw.name} is an OLE2 compound file but cannot be read as an Excel 97-2003 (.xls) workbook "
            f"({exc}); expected a CSV, XLSX, XLS, ODS or text file") from None
    return sheets


def read_sheets(raw: RawFile, delimiter: str | None = None) -> list[Sheet]:
    """The tables of a file: one for CSV, one per sheet for spreadsheets.

    A text with no delimiter comes back as one column (one line per row).
    """
    if raw.kind == "xlsx":
        return read_xlsx(raw)
    if raw.kind == "xls":
        return read_xls(raw)
    if raw.kind == "ods":
        return read_ods(raw)
    assert raw.text is not None
    delim = delimiter or detect_delimiter(raw.text)
    if delim is None:
        return [Sheet("text", [[ln.strip()] for ln in raw.text.splitlines()])]
    return [read_csv(raw.text, delim)]
