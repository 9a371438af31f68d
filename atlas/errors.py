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
