"""One-way dependencies: ui → maps/geo → db → models/config; only atlas/ui imports streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "atlas"

#: Packages a layer must never import (directly), by layer.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "models": ("atlas.db", "atlas.geo", "atlas.maps", "atlas.ui", "atlas.ingest", "atlas.api", "streamlit"),
    "config": ("atlas.db", "atlas.geo", "atlas.maps", "atlas.ui", "atlas.ingest", "streamlit"),
    "errors": ("atlas.db", "atlas.geo", "atlas.maps", "atlas.ui", "streamlit"),
    "db": ("atlas.geo", "atlas.maps", "atlas.ui", "atlas.api", "streamlit"),
    "reference": ("atlas.geo", "atlas.maps", "atlas.ui", "atlas.api", "streamlit"),
    "geo": ("atlas.maps", "atlas.ui", "streamlit"),
    "maps": ("atlas.ui", "streamlit"),
    "ingest": ("atlas.maps", "atlas.ui", "streamlit"),
    "demo": ("atlas.geo", "atlas.maps", "atlas.ui", "streamlit"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _layer(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".py")


MODULES = sorted(p for p in ROOT.rglob("*.py") if _layer(p) in FORBIDDEN)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_layer_imports_only_downwards(path: Path) -> None:
    bad = sorted(name for name in _imports(path)
                 for prefix in FORBIDDEN[_layer(path)] if name == prefix or name.startswith(prefix + "."))
    assert not bad, f"{path.relative_to(ROOT.parent)} imports {bad}: the {_layer(path)} layer must not depend on them"


def test_streamlit_only_in_ui() -> None:
    offenders = [str(p.relative_to(ROOT.parent)) for p in ROOT.rglob("*.py")
                 if _layer(p) != "ui" and any(n == "streamlit" or n.startswith("streamlit")
                                              for n in _imports(p))]
    assert offenders == [], f"only atlas/ui may import streamlit, found in {offenders}"


def test_the_check_sees_imports(tmp_path: Path) -> None:
    """The checker itself must catch a forbidden import (guards against a vacuous test)."""
    sample = tmp_path / "x.py"
    sample.write_text("import streamlit as st\nfrom atlas.ui import data\n", encoding="utf-8")
    assert {"streamlit", "atlas.ui", "atlas.ui.data"} <= _imports(sample)
