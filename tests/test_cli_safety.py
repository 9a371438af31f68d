"""The CLI under misuse: one line on stderr, a meaningful exit code, no traceback, nothing
written where it should not be; `atlas serve` stops its server when it is stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from atlas import config
from atlas.cli import main
from atlas.errors import SettingError


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in err and 'File "' not in err
    return lines[0]


@pytest.mark.parametrize(("output", "expected"), [
    ("", r"no output path given"),
    ("-", r"standard output"),
    ("/proc/version", r"exists and is not a folder"),
    ("/proc/nope/x.csv", r"cannot write '/proc/nope/x\.csv'"),
    ("a" * 5000 + ".csv", r"longer than 255 bytes"),
])
def test_export_refuses_outputs_it_cannot_write(demo_db, capsys, tmp_path, monkeypatch, output, expected):
    import re

    monkeypatch.chdir(tmp_path)
    code, out, err = run(["export", "--db", str(demo_db), "--country", "SN", "-o", output], capsys)
    assert code == 1
    assert re.search(expected, one_line(err)), err
    assert out == ""
    assert list(tmp_path.iterdir()) == []  # nothing written into the current folder


def test_map_into_a_folder_is_refused(demo_db, capsys, tmp_path):
    code, _out, err = run(["map", "--db", str(demo_db), "--country", "SN", "-o", str(tmp_path)], capsys)
    assert code == 1
    assert "is a folder; expected a file name" in one_line(err)


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "is empty"),
    (b"Collectivit\xc3\xa9;Pays\nToulouse;SN\n", "is not a DuckDB database"),
    (None, "is a folder"),
])
def test_db_that_is_not_a_database(capsys, tmp_path, content, expected):
    path = tmp_path / "atlas.duckdb"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    code, _out, err = run(["stats", "--db", str(path)], capsys)
    assert code == 1
    assert expected in one_line(err)


def test_db_path_too_long(capsys, tmp_path):
    code, _out, err = run(["stats", "--db", str(tmp_path / ("b" * 5000))], capsys)
    assert code == 1
    line = one_line(err)
    assert "File name too long" in line and len(line) < 400


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("ATLAS_SEED", "abc", r"ATLAS_SEED: expected a whole number between 0 and"),
    ("ATLAS_SEED", "9" * 5000, r"ATLAS_SEED: expected a whole number"),
    ("ATLAS_LANG", "de", r"ATLAS_LANG: expected one of fr, en, got 'de'"),
    ("ATLAS_EDIT", "maybe", r"ATLAS_EDIT: expected 1/0"),
    ("ATLAS_MAX_ARCS", "0", r"ATLAS_MAX_ARCS: expected a whole number between 1 and 100000, got 0"),
])
def test_bad_settings_are_usage_errors(capsys, monkeypatch, variable, value, expected):
    import re

    monkeypatch.setenv(variable, value)
    code, _out, err = run(["--help"], capsys)
    assert code == 2
    assert re.search(expected, one_line(err))
    with pytest.raises(SettingError):
        config.check_all()


def test_every_setting_is_documented():
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for setting in config.SETTINGS:
        assert setting.help.strip(), setting.name
        assert setting.env in readme, f"{setting.env} is not documented in README.md"


@pytest.mark.parametrize("port", ["0", "99999", "-1", "abc", "9" * 5000])
def test_serve_port_is_checked(capsys, port):
    code, _out, err = run(["serve", "--port", port], capsys)
    assert code == 2
    assert "expected a TCP port between 1 and 65535" in err


def test_broken_pipe_ends_quietly(demo_db, tmp_path):
    """`atlas stats --json | head -c 10`: the reader goes away; no traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "atlas.cli", "stats", "--db", str(demo_db), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(10)
    proc.stdout.close()  # the reader leaves, as `head` does
    _out, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err
    assert proc.returncode in (0, 1)


def test_internal_errors_are_one_line(capsys, monkeypatch, demo_db):
    import atlas.cli as cli

    def boom(_args):
        raise ZeroDivisionError("a bug")

    parser = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: _with_func(parser(), boom))
    code, _out, err = run(["stats", "--db", str(demo_db)], capsys)
    assert code == 1
    assert one_line(err) == ("atlas: internal error: ZeroDivisionError: a bug "
                             "(this is a bug; ATLAS_DEBUG=1 shows the traceback)")


def _with_func(parser, func):
    parser._subparsers._group_actions[0].choices["stats"].set_defaults(func=func)
    return parser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_serve_stops_the_server(demo_db, tmp_path, sig):
    port = _free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "atlas.cli", "serve", "--db", str(demo_db), "--port", str(port),
                             "--address", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not _healthy(port):
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "server not healthy after 120 s"
            time.sleep(0.5)
        # `atlas serve` execs Streamlit in this very process, without a file watcher (it would
        # re-list every imported module's path after each page run).
        argv = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode().split("\0")
        assert "streamlit" in argv and argv[argv.index("--server.fileWatcherType") + 1] == "none", argv
        proc.send_signal(sig)
        proc.wait(timeout=30)
        # Nothing of ours is left serving: the port is closed and the process group is empty.
        assert not _healthy(port)
        with pytest.raises(ProcessLookupError):
            os.killpg(proc.pid, 0)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_serve_with_a_missing_database_is_one_line(capsys, tmp_path):
    code, _out, err = run(["serve", "--db", str(tmp_path / "none.duckdb")], capsys)
    assert code == 1
    assert "database file not found" in one_line(err)


def test_export_path_checks_do_not_touch_existing_files(demo_db, capsys, tmp_path):
    target = tmp_path / "keep.csv"
    target.mkdir()
    before = sorted(Path(tmp_path).rglob("*"))
    code, _out, err = run(["export", "--db", str(demo_db), "-o", str(target)], capsys)
    assert code == 1 and "is a folder" in one_line(err)
    assert sorted(Path(tmp_path).rglob("*")) == before
