"""The command line stays light: parsing any command, and `atlas serve` up to the moment it hands
over to Streamlit, load neither pandas nor the map stack (about a second and a half of imports on
these machines, paid by every command and by every cold start of the app)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "geopandas", "folium", "shapely", "pyarrow", "matplotlib", "streamlit")


def _run(code: str, cwd: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_parsing_every_command_loads_no_heavy_module(tmp_path):
    out = _run(f"""
import json, sys
from atlas.cli import build_parser
parser = build_parser()
for argv in (["serve"], ["import", "x.csv"], ["bourse", "list"], ["export", "-o", "x.csv"]):
    try:
        parser.parse_args(argv)
    except SystemExit:
        pass
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
""", tmp_path)
    assert out == [], f"parsing the command line loaded {out}"


def test_serve_checks_the_database_and_execs_streamlit_without_pandas(demo_db, tmp_path):
    out = _run(f"""
import json, os, sys
def execve(exe, argv, env):  # where `atlas serve` hands over to Streamlit: what it loaded and asked for
    print(json.dumps({{"heavy": sorted(m for m in {HEAVY!r} if m in sys.modules), "argv": argv,
                      "db": env.get("ATLAS_DB")}}))
    sys.stdout.flush()
    os._exit(0)
os.execve = execve
from atlas.cli import main
main(["serve", "--db", {str(demo_db)!r}, "--port", "8599"])
""", tmp_path)
    assert out["heavy"] == [], f"atlas serve loaded {out['heavy']} before starting the server"
    assert out["argv"][1:4] == ["-m", "streamlit", "run"] and out["db"] == str(Path(demo_db).resolve())


@pytest.mark.parametrize("content, says", [(b"id,name\n1,x\n", "not a DuckDB database"), (b"", "is empty")])
def test_serve_refuses_a_file_that_is_no_database_in_one_line(tmp_path, content, says):
    bad = tmp_path / "atlas.duckdb"
    bad.write_bytes(content)
    proc = subprocess.run([sys.executable, "-m", "atlas.cli", "serve", "--db", str(bad), "--port", "8599"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], proc.stderr


def test_serve_refuses_a_duckdb_file_that_is_no_atlas(tmp_path):
    import duckdb

    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t AS SELECT 1 AS x").close()
    proc = subprocess.run([sys.executable, "-m", "atlas.cli", "serve", "--db", str(other), "--port", "8599"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "not an atlas database" in proc.stderr, proc.stderr
