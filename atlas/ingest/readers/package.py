"""ZIP packages (XLSX, ODS) and their XML: members checked before parsing, parsed as streams.

:class:`Package` refuses archives with too many members, encrypted or oddly compressed members,
ZIP bombs (declared sizes and compression ratios) and, while parsing, members that inflate past
what they declared; expat parses with DTDs refused (no entity expansion).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Callable
from xml.parsers import expat

from atlas.errors import ImportFileError
from atlas.ingest.readers.files import RawFile

class Package:
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

    def __enter__(self) -> Package:
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


def xml_names(namespaces: tuple[str, ...], *local: str) -> dict[str, str]:
    return {f"{ns} {name}": name for ns in namespaces for name in local}


def xml_int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        try:
            f = float(text)  # type: ignore[arg-type]
            return int(f) if f.is_integer() else default
        except (ValueError, OverflowError):
            return default
