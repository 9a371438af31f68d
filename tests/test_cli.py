"""The `atlas` command: data on stdout, diagnostics on stderr, meaningful exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from atlas.cli import main

ROOT = Path(__file__).resolve().parent.parent
ATLAS_BIN = Path(sys.executable).parent / "atlas"


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed console script when present, else `python -m atlas.cli`."""
    cmd = [str(ATLAS_BIN)] if ATLAS_BIN.exists() else [sys.executable, "-m", "atlas.cli"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, **(env or {})})


def _expected_totals(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as c:
        return {
            "projects": c.execute("SELECT count(*) FROM projects").fetchone()[0],
            "partnerships": c.execute("SELECT count(*) FROM partnerships").fetchone()[0],
            "links": c.execute("SELECT count(*) FROM links").fetchone()[0],
        }


def test_stats_json_in_process(demo_db, capsys):
    assert main(["stats", "--db", str(demo_db), "--json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["demo"] is True
    expected = _expected_totals(demo_db)
    assert {k: data["totals"][k] for k in expected} == expected
    assert len(data["sdg"]) == 17
    assert err == ""


def test_stats_json_subprocess(demo_db):
    res = run_cli("stats", "--db", str(demo_db), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)  # stdout holds only the JSON document
    expected = _expected_totals(demo_db)
    assert {k: data["totals"][k] for k in expected} == expected
    assert {"totals", "demo", "level", "country", "theme", "sdg", "kind"} <= set(data)


def test_stats_text_reads_atlas_db_from_environment(demo_db):
    res = run_cli("stats", "--limit", "3", env={"ATLAS_DB": str(demo_db)})
    assert res.returncode == 0, res.stderr
    assert "DÉMONSTRATION" in res.stdout
    assert f"{_expected_totals(demo_db)['projects']}" in res.stdout
    assert "Partner countries" in res.stdout


def test_stats_missing_db_in_process(tmp_path, capsys):
    missing = tmp_path / "missing.duckdb"
    assert main(["stats", "--db", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "atlas: error: database file not found" in err
    assert str(missing) in err


def test_stats_missing_db_subprocess(tmp_path):
    missing = tmp_path / "missing.duckdb"
    res = run_cli("stats", "--db", str(missing), "--json")
    assert res.returncode == 1
    assert res.stdout == ""
    assert str(missing) in res.stderr
    assert "Traceback" not in res.stderr


def test_init_no_demo_builds_a_database(tmp_path, capsys, cached_gazetteer):
    path = tmp_path / "sub" / "atlas.duckdb"
    assert main(["init", "--db", str(path), "--no-demo", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert f"built {path}" in err
    assert path.exists()
    with duckdb.connect(str(path), read_only=True) as c:
        assert c.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()[0] == "false"
        assert c.execute("SELECT count(*) FROM projects").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM sdgs").fetchone()[0] == 17
        assert c.execute("SELECT count(*) FROM ref_communes").fetchone()[0] > 30_000
    # and the database it built is usable by the CLI
    res = run_cli("stats", "--db", str(path), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["demo"] is False and data["totals"]["projects"] == 0


def test_init_on_existing_file_without_force_does_nothing(tmp_path):
    path = tmp_path / "atlas.duckdb"
    path.write_bytes(b"keep me")
    res = run_cli("init", "--db", str(path), "--no-demo")
    assert res.returncode == 0
    assert "already exists" in res.stderr and "--force" in res.stderr
    assert path.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.duckdb"]


def test_unknown_command_exits_2():
    res = run_cli("frobnicate")
    assert res.returncode == 2
    assert "invalid choice: 'frobnicate'" in res.stderr
    assert res.stdout == ""


def test_unknown_command_in_process(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "usage: atlas" in capsys.readouterr().err


def test_init_force_refuses_to_lose_the_users_imports(demo_db, tmp_path):
    import hashlib
    import shutil

    db = tmp_path / "atlas.duckdb"
    shutil.copy(demo_db, db)
    # the default atlas alone (demonstration + shipped sources) holds nothing of the user's
    from atlas.ingest.defaults import user_batches

    assert user_batches(db) == []
    src = tmp_path / "mine.csv"
    src.write_text("city1,country1,city2,country2\nMontélimar,France,Zwickau,Germany\n", encoding="utf-8")
    imported = run_cli("import", str(src), "--db", str(db), "--quiet")
    assert imported.returncode == 0, imported.stderr
    batches = user_batches(db)
    assert len(batches) == 1
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = run_cli("init", "--db", str(db), "--force", "--quiet")
    assert out.returncode == 2
    assert batches[0] in out.stderr and "--discard-imports" in out.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # nothing rebuilt, nothing lost
