"""The shape of the package: one-way layers (import-linter contracts in pyproject.toml) and no
import cycle between any two modules (grimp, the graph library under import-linter)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400


def _cycles(package: str) -> list[tuple[str, str]]:
    """Pairs (a, b) where a imports b directly and b imports a back, directly or through others."""
    graph = grimp.build_graph(package, cache_dir=None)
    found: list[tuple[str, str]] = []
    for a in sorted(graph.modules):
        for b in sorted(graph.find_modules_directly_imported_by(a)):
            if (b, a) not in found and graph.chain_exists(importer=b, imported=a):
                found.append((a, b))
    return found


def test_import_contracts_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename="pyproject.toml", cache_dir=None) == 0, (
        "an import-linter contract is broken: run `lint-imports` for the chain")


def test_no_import_cycles() -> None:
    assert _cycles("atlas") == []


def _fake_package(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = tmp_path / "fakeatlas" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_checks_catch_a_cycle_and_a_breach(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both checks fail on a package that has the faults (guards against vacuous tests)."""
    _fake_package(tmp_path, {
        "__init__.py": "",
        "api.py": "from fakeatlas import products\n",
        "products.py": "from fakeatlas import api\n",  # a cycle
        "geo/__init__.py": "",
        "geo/flows.py": "import fakeatlas.db.connection\n",  # geo reaches into the database: a breach
        "db/__init__.py": "",
        "db/connection.py": "",
    })
    (tmp_path / "contracts.toml").write_text(textwrap.dedent("""
        [tool.importlinter]
        root_packages = ["fakeatlas"]
        [[tool.importlinter.contracts]]
        name = "layers"
        type = "layers"
        layers = ["fakeatlas.db", "fakeatlas.geo"]
    """), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert _cycles("fakeatlas") == [("fakeatlas.api", "fakeatlas.products")]
    assert lint_imports(config_filename="contracts.toml", cache_dir=None) == 1


def test_modules_stay_small() -> None:
    """A module over 400 lines is a room no newcomer can read: split it by job."""
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "atlas").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"modules over {MAX_LINES} lines: {long}"
