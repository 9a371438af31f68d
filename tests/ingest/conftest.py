"""Fixtures of the import tests.

``ingest_db``: a database without demonstration data (imports into it take ~1 s instead of ~3 s:
the derived tables are rebuilt after each import) with the gazetteer name keys already computed
(so each test does not spend ~12 s on them); ``db`` copies it per test for writes. ``demo_copy``
is a private copy of the session's demonstration database, for tests at realistic scale."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from atlas.db.build import build_database
from atlas.ingest.geocode import ensure_gazetteer_keys
from atlas.ingest.load import atomic_write

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
BAD = FIXTURES / "bad"


@pytest.fixture(scope="session")
def ingest_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reference data only (no demonstration atlas) plus the import name keys (read-only use)."""
    path = tmp_path_factory.mktemp("ingest") / "atlas.duckdb"
    build_database(path, demo=False)
    with atomic_write(path) as txn:
        ensure_gazetteer_keys(txn.con, persist=True)
    return path


@pytest.fixture()
def db(ingest_db: Path, tmp_path: Path) -> Path:
    """A private copy of the database that a test may write to."""
    path = tmp_path / "atlas.duckdb"
    shutil.copy(ingest_db, path)
    return path


@pytest.fixture()
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demonstration database (15,000 projects) that a test may write to."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="session")
def ro_con(ingest_db: Path):
    """A read-only connection for matching tests (no writes)."""
    con = duckdb.connect(str(ingest_db), read_only=True)
    yield con
    con.close()


def counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = ("authorities", "partnerships", "projects", "project_parties", "project_themes", "project_sdgs",
                  "project_funding", "actors", "project_actors", "import_batches", "review_queue", "link_facts")
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
