"""All or nothing: killed imports, concurrent readers and writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from atlas.db.connection import ReadOnlyDatabase
from atlas.errors import DatabaseError
from atlas.ingest.load import TEMP_SUFFIX, atomic_write, write_lock
from atlas.ingest.pipeline import import_file
from atlas.ingest.samples import SampleMaker

from .conftest import FIXTURES, counts, digest

ROOT = Path(__file__).resolve().parents[2]


def temp_files(db: Path) -> list[Path]:
    return list(db.parent.glob(f".{db.name}.*{TEMP_SUFFIX}*"))


@pytest.fixture(scope="module")
def big_pairs(ro_con, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big_pairs.csv"
    SampleMaker(ro_con, seed=3).pairs_csv(path, 40000)
    return path


def _start_import(path: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "atlas.cli", "import", str(path), "--db", str(db), "--quiet"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(cond, proc: subprocess.Popen, timeout: float = 120.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not cond():
        if proc.poll() is not None:
            raise AssertionError(f"import ended before the kill: {proc.stderr.read().decode()[-2000:]}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.parametrize("moment", ["while matching", "while writing rows"])
def test_killed_import_leaves_the_database_as_it_was(db: Path, big_pairs: Path, moment: str) -> None:
    snapshot, before = digest(db), counts(db)
    proc = _start_import(big_pairs, db)
    try:
        if moment == "while matching":
            _wait_for(lambda: temp_files(db), proc)
            time.sleep(1.0)
        else:  # DuckDB's write-ahead log of the copy appears when rows are inserted
            _wait_for(lambda: any(p.name.endswith(".wal") for p in temp_files(db)), proc)
        os.kill(proc.pid, signal.SIGKILL)  # by its own pid, nothing else
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert digest(db) == snapshot and counts(db) == before
    assert temp_files(db), "the killed process's copy should still be there"
    # the next writer removes the orphaned copy (and the dead process's lock is gone)
    report = import_file(FIXTURES / "pairs_fr_noheader.csv", db)
    assert report.links_imported == 10
    assert not temp_files(db)


def test_readers_keep_reading_and_see_new_data(db: Path) -> None:
    reader = ReadOnlyDatabase(db)
    errors: list[BaseException] = []
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.add(reader.scalar("SELECT count(*) FROM projects"))
                reader.scalar("SELECT count(*) FROM links")
            except BaseException as exc:  # noqa: BLE001 - any failure is the test's failure
                errors.append(exc)
                return

    t = threading.Thread(target=read)
    t.start()
    try:
        report = import_file(FIXTURES / "national_export.csv", db)
        time.sleep(0.3)
    finally:
        stop.set()
        t.join()
    reader_after = reader.scalar("SELECT count(*) FROM projects")
    reader.close()
    assert not errors, errors
    assert 0 in seen and reader_after == report.projects_imported == 10  # no restart needed


def test_concurrent_writers_are_serialised(db: Path) -> None:
    procs = [_start_import(FIXTURES / name, db) for name in ("wikipedia_pairs.csv", "annuaire_jumelages.txt")]
    for p in procs:
        p.wait(timeout=180)
        assert p.returncode == 0, p.stderr.read().decode()
    c = counts(db)
    assert c["import_batches"] == 2  # neither import overwrote the other
    assert c["partnerships"] == 15 + 11 - 2  # Paris–Rome and Saint-Denis–Sesto San Giovanni are in both


def test_lock_timeout_message(db: Path) -> None:
    snapshot = digest(db)
    with write_lock(db):
        result: list[BaseException] = []

        def other() -> None:
            try:
                with atomic_write(db, timeout=0.3):
                    pass
            except BaseException as exc:  # noqa: BLE001
                result.append(exc)

        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert isinstance(result[0], DatabaseError)
    assert "another import, undo or review is writing" in str(result[0])
    assert digest(db) == snapshot


def test_failure_inside_a_write_discards_the_copy(db: Path) -> None:
    snapshot = digest(db)
    with pytest.raises(RuntimeError):
        with atomic_write(db) as txn:
            txn.con.execute("DELETE FROM ref_communes")
            raise RuntimeError("boom")
    assert digest(db) == snapshot and not temp_files(db)
