"""Loading a file for import: size, kind (text, XLSX, XLS, ODS) and text decoding.

:func:`load_file` refuses empty, oversized, binary and unreadable files with one line saying what
was received and what was expected; a text file is decoded at once (:func:`decode_text`), a
spreadsheet keeps its bytes for its reader.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import stat
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from atlas.errors import ImportFileError
from atlas.ingest.limits import DEFAULT_LIMITS, ReadLimits

#: Default size limit; a bigger file is refused before anything is read (override per call).
DEFAULT_MAX_BYTES = DEFAULT_LIMITS.max_bytes

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
EXPECTED = "expected a CSV, XLSX, XLS, ODS or text file"


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
        raise ImportFileError(f"{path}: no such file ({EXPECTED})") from None
    except OSError as exc:
        raise ImportFileError(f"{path} cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ImportFileError(f"{path} is a folder, expected a file")
    if not stat.S_ISREG(st.st_mode):
        raise ImportFileError(f"{path} is not a regular file (a device, pipe or socket); {EXPECTED}")
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
            raise ImportFileError(f"{path.name} is {what}, not a table; {EXPECTED}")
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
        raise ImportFileError(f"{name} is a binary file (it holds NUL bytes); {EXPECTED}")
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
