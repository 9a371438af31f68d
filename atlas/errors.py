"""Errors raised by the atlas. Each message says what was received and what was expected."""

from __future__ import annotations


class AtlasError(Exception):
    """Base class of every error the atlas raises on purpose."""


class DatabaseNotFoundError(AtlasError):
    """The database file does not exist (run `atlas init`)."""


class DatabaseError(AtlasError):
    """The database file exists but cannot be used (wrong schema, corrupt, locked)."""


class QueryError(AtlasError):
    """A query was given values it cannot use (unknown theme, country, level…)."""


class ImportFileError(AtlasError):
    """An input file cannot be read or does not have the expected shape."""


class MatchError(AtlasError):
    """A name or code could not be matched to a reference authority or place."""


class ReferenceDataError(AtlasError):
    """Committed reference data is missing or inconsistent (run `make reference`)."""


class SettingError(AtlasError):
    """An ATLAS_* environment variable holds a value its setting does not accept."""


class ExportError(AtlasError):
    """An output (map, data export, report) cannot be written where it was asked."""


#: The import report's name for the same error (kept for callers of atlas.ingest).
OutputPathError = ExportError


def show_path(path: object, limit: int = 120, quoted: bool = True) -> str:
    """A path for a one-line message: quoted, and shortened in the middle past ``limit`` characters."""
    text = str(path)
    if len(text) > limit:
        text = f"{text[:limit // 2]}…{text[-(limit // 2 - 1):]} ({len(text)} characters)"
    if quoted:
        return repr(text)
    return printable(text)


def printable(text: str) -> str:
    """``text`` with control characters (terminal escapes, line breaks…) shown as escapes, so a
    file name cannot drive the terminal or split a one-line message."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
