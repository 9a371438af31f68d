"""SQL lives in atlas/db/sql/*.sql; this module loads it once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def sql(name: str) -> str:
    """Text of atlas/db/sql/<name>.sql."""
    path = SQL_DIR / f"{name}.sql"
    if not path.exists():
        raise FileNotFoundError(f"no SQL file {path.name} in {SQL_DIR}")
    return path.read_text(encoding="utf-8")
