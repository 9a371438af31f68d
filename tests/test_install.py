"""The atlas installs as a package: `pip install .` into a new virtual environment outside the
checkout, then `atlas init` and `atlas serve` work there (reference data, stories and Leaflet
come from the installed packages, nothing from the source tree)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kw)
    assert done.returncode == 0, f"{cmd[:3]}… failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def _uv() -> str | None:
    return shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    src = tmp_path_factory.mktemp("src") / "atlas"
    # A clean copy of the tracked files: what a fresh clone holds, not this working tree's extras.
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in files.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    uv = _uv()
    if uv:  # an installer speed-up; pip gives the same wheel
        _run([uv, "build", "-q", "--wheel", "-o", str(out), str(src)])
    else:
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)])
    return next(out.glob("atlas_aect-*.whl"))


def test_the_wheel_carries_its_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("atlas/data/reference/countries.parquet", "atlas/data/reference/communes.parquet",
                   "atlas/data/reference/manifest.json", "atlas/data/stories/tour-de-france.json",
                   "atlas/db/sql/schema.sql", "atlas/ui/server.py", "atlas/ui/script/atlas_app.py"):
        assert needed in names, needed
    assert not [n for n in names if n.endswith(".duckdb")], "a built database must never be packed"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.status, r.read()
    except OSError:
        return 0, b""


def test_install_init_and_serve_outside_the_checkout(wheel, tmp_path):
    uv = _uv()
    venv = tmp_path / "venv"
    if uv:  # an installer speed-up; pip gives the same result
        _run([uv, "venv", "-q", "-p", sys.executable, str(venv)])
        _run([uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel)])
    else:
        _run([sys.executable, "-m", "venv", str(venv)])
        _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)])
    home = tmp_path / "home"
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATLAS_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"), PYTHONPATH="")
    # as on a user's machine, the first command compiles the installed packages for the next ones
    # (this machine sets PYTHONDONTWRITEBYTECODE: each command would compile them all again)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    atlas = str(venv / "bin" / "atlas")
    _run([atlas, "init", "--quiet", "--no-demo"], cwd=work, env=env)
    db = home / "share" / "atlas-aect" / "atlas.duckdb"
    assert db.is_file(), "the default database goes to the user's data folder outside a checkout"
    stats = _run([atlas, "stats", "--json"], cwd=work, env=env).stdout
    assert '"authorities"' in stats or '"totals"' in stats
    code = _run([str(venv / "bin" / "python"), "-c",
                 "import atlas, atlas.config as c; print(c.REFERENCE_DIR); print(atlas.__file__)"],
                cwd=work, env=env).stdout
    assert str(ROOT) not in code, f"the installed atlas reads from the checkout: {code}"

    port = _free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([atlas, "serve", "--port", str(port), "--address", "127.0.0.1"], cwd=work, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while _get(f"http://127.0.0.1:{port}/_stcore/health")[0] != 200:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "server not healthy after 120 s"
            time.sleep(0.5)
        status, body = _get(f"http://127.0.0.1:{port}/vendor/leaflet/leaflet.js")
        assert status == 200 and b"Leaflet" in body[:2000]
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()
    assert not list(work.iterdir()), "nothing is written into the current folder"
