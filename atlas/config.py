"""Settings: one table of (name, default, help), each overridable by an ATLAS_* variable."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Root of the source tree (the folder holding data/ and app.py).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return "ATLAS_" + self.name.upper()

    def value(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting("db", str(DATA_DIR / "atlas.duckdb"), "Path of the DuckDB database file."),
    Setting("reference_dir", str(REFERENCE_DIR), "Folder of the committed reference files."),
    Setting("lang", "fr", "Default language of the app: fr or en."),
    Setting("edit", "0", "1 to start the app in editing mode (imports, review queue)."),
    Setting("tiles", "0", "1 to offer online tile layers (needs a network; off by default)."),
    Setting("max_arcs", "3000", "Above this many flows a map keeps the top N and groups the rest."),
    Setting("seed", "2016", "Seed of the demonstration data generator."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The value of a setting: the ATLAS_<NAME> variable when set, else its default."""
    try:
        return _BY_NAME[name].value()
    except KeyError:
        raise KeyError(f"unknown setting {name!r}; known: {', '.join(_BY_NAME)}") from None


def default_db_path() -> Path:
    return Path(get("db"))


def reference_dir() -> Path:
    return Path(get("reference_dir"))


def flag(name: str) -> bool:
    return get(name).strip().lower() in {"1", "true", "yes", "on"}
