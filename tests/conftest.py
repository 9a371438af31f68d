"""Shared fixtures: one real demonstration database per test session, built from the committed
reference data exactly as `atlas init` builds it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from atlas.ingest.defaults import build_default_atlas


def _scan_installed_components_once() -> None:
    """Streamlit's AppTest scans every installed distribution's metadata for components at each
    new AppTest (0.33 s on 2 cores; the suite makes hundreds), where a server scans once at start.
    The installed packages do not change during a test run: the first scan's result is reused,
    as one server would reuse it (the AppTests still each get their own registry)."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # an older Streamlit without v2 components: nothing is scanned
        return
    scan = manifest_scanner.scan_component_manifests
    if getattr(scan, "atlas_once", False):
        return
    found: list = []

    def scan_once(max_workers: int | None = None):  # noqa: ANN202 - Streamlit's own return type
        if not found:
            found.append(scan(max_workers))
        return list(found[0])

    scan_once.atlas_once = True  # type: ignore[attr-defined]
    manifest_scanner.scan_component_manifests = scan_once


_scan_installed_components_once()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the default atlas (real twinnings + labelled invented records), built once for the
    whole session exactly as `atlas init` builds it (read-only use).

    With pytest-xdist (`make test` runs two workers), the first worker to get here builds it in
    the run's shared temporary folder while the others wait on a lock: one build per run."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        path = tmp_path_factory.mktemp("db") / "atlas.duckdb"
        build_default_atlas(path, seed=2016)
        return path
    import fcntl

    shared = tmp_path_factory.getbasetemp().parent / "shared-db"
    shared.mkdir(exist_ok=True)
    path = shared / "atlas.duckdb"
    with open(shared / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (shared / "built").exists():
                build_default_atlas(path, seed=2016)
                (shared / "built").touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path


@pytest.fixture(scope="session")
def atlas_handle(demo_db: Path):
    import atlas

    handle = atlas.open(demo_db)
    yield handle
    handle.close()


@pytest.fixture()
def db_env(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ATLAS_DB at the session database (for AppTest and the CLI)."""
    monkeypatch.setenv("ATLAS_DB", str(demo_db))
    return demo_db


def chromium_path() -> str | None:
    for candidate in (os.environ.get("ATLAS_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def gazetteer_frame():
    """The real GeoNames gazetteer, loaded once (parsing it takes several seconds)."""
    from atlas.reference.gazetteer import load_gazetteer

    return load_gazetteer(500)


@pytest.fixture()
def cached_gazetteer(gazetteer_frame, monkeypatch: pytest.MonkeyPatch):
    """Builds in this test reuse the session's gazetteer instead of parsing it again (same data)."""
    import atlas.reference.gazetteer as gz

    def load(min_population: int = 500):
        assert min_population == 500, min_population
        return gazetteer_frame.copy()

    monkeypatch.setattr(gz, "load_gazetteer", load)
    return gazetteer_frame


#: Whole-system tests left out of `make test-fast` (they run in `make test` and CI): corpora,
#: subprocess bombs, killed imports, notebooks, exports of many views, server start/stop.
SLOW_PATHS = ("tests/hostile/", "tests/notebooks/", "tests/ingest/test_atomic.py",
              "tests/ingest/test_reader_limits.py", "tests/ingest/test_match_rates.py", "tests/test_one_view.py",
              "tests/test_install.py", "tests/maps/test_static.py")
SLOW_TESTS = ("test_stopping_serve_stops_the_server", "test_cli_map_of_imported_hostile_names",
              "test_broken_pipe_ends_quietly", "test_demo_generation_is_deterministic_across_processes",
              "test_usage_errors_from_the_installed_command", "test_init_no_demo_builds_a_database")


#: Fixtures of tests/e2e/conftest.py that start a browser or a server: a test using one, directly
#: or through another fixture, is a real-browser test wherever it is written (marked e2e).
BROWSER_FIXTURES = frozenset({"browser", "page", "server"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).resolve().parent.parent
    for item in items:
        rel = Path(str(item.fspath)).resolve().relative_to(root).as_posix()
        if rel.startswith(SLOW_PATHS) or item.originalname in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
        callspec = getattr(item, "callspec", None)
        fixtures = set(getattr(item, "fixturenames", ())) - set(callspec.params if callspec else ())
        if BROWSER_FIXTURES & fixtures and not item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.e2e)
