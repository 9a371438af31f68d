"""Fixtures of the real-browser tests: the app served by `streamlit run` on a free loopback port,
Debian chromium driven by Playwright, and a page that may only reach the local server."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import chromium_path
from tests.e2e.helpers import ARTIFACTS, CHROMIUM_ARGS, ROOT, TIMEOUT_S, local_only_page

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(db: Path, log: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port; only this process group is ended."""
    port = _free_port()
    env = dict(os.environ, ATLAS_DB=str(db), **(extra_env or {}))
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             # Serve the code as it was at start: no module reloads if a file changes mid-test.
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {TIMEOUT_S} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the group start_new_session created: pgid == pid
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@pytest.fixture(scope="session")
def server(demo_db: Path, tmp_path_factory) -> Iterator[str]:
    with serve(demo_db, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        pytest.fail("chromium not found: install it with `make test-deps` (apt-get install chromium) "
                    "or set ATLAS_CHROMIUM")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, request):
    """A page whose requests may only reach the local server; the others fail and are recorded.
    A full-page screenshot is left in tests/e2e/artifacts when its test fails."""
    blocked: list[str] = []
    pg = local_only_page(browser, blocked)
    context = pg.context
    pg.blocked = blocked  # type: ignore[attr-defined]
    yield pg
    call = getattr(request.node, "rep_call", None)
    if call is None or not call.passed:  # what the page showed when the test failed, for debugging
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        except Exception:  # a screenshot is for debugging only
            pass
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001, ANN201 - pytest's hook
    """Keep each phase's report on the test (``rep_call``): the page fixture reads it."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


