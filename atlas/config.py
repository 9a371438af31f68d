"""Settings: one table of (name, kind, default, help), each overridable by an ATLAS_* variable.

Every value is checked against its kind when it is read: ``ATLAS_SEED=abc`` is a one-line
:class:`~atlas.errors.SettingError` naming the variable and what it accepts, never a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from atlas.errors import SettingError

#: Root of the source tree (the folder holding data/ and app.py) when running from a checkout.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Files shipped inside the package (reference data, stories): read as package data, so an
#: installed atlas (`pip install .`) finds them wherever it is installed.
PACKAGE_DATA = Path(str(resources.files("atlas") / "data"))
REFERENCE_DIR = PACKAGE_DATA / "reference"
STORIES_DIR = PACKAGE_DATA / "stories"


def _data_dir() -> Path:
    """Where the built database lives by default: data/ of a checkout, else the user's data folder."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "atlas").is_dir():
        return PROJECT_ROOT / "data"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "atlas-aect"


DATA_DIR = _data_dir()


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Setting:
    """One setting. ``kind`` is "path", "choice" (one of ``choices``), "flag" or "int"
    (between ``minimum`` and ``maximum``)."""

    name: str
    kind: str
    default: str
    help: str
    choices: tuple[str, ...] = ()
    minimum: int = 0
    maximum: int = 2**31 - 1

    @property
    def env(self) -> str:
        return "ATLAS_" + self.name.upper()

    def value(self) -> str:
        """The checked text value: ATLAS_<NAME> when set, else the default."""
        raw = os.environ.get(self.env)
        if raw is None:
            return self.default
        text = raw.strip()
        if self.kind == "path":
            if not text or "\x00" in text:
                raise SettingError(f"{self.env}: expected a file path, got {raw[:80]!r}")
            return text
        if self.kind == "choice":
            if text.lower() not in self.choices:
                raise SettingError(f"{self.env}: expected one of {', '.join(self.choices)}, got {raw[:80]!r}")
            return text.lower()
        if self.kind == "flag":
            if text.lower() not in _TRUE | _FALSE:
                raise SettingError(f"{self.env}: expected 1/0 (or true/false, yes/no, on/off), got {raw[:80]!r}")
            return "1" if text.lower() in _TRUE else "0"
        if self.kind == "int":
            if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
                raise SettingError(f"{self.env}: expected a whole number between {self.minimum} and "
                                   f"{self.maximum}, got {raw[:80]!r}")
            number = int(text)
            if not self.minimum <= number <= self.maximum:
                raise SettingError(f"{self.env}: expected a whole number between {self.minimum} and "
                                   f"{self.maximum}, got {number}")
            return str(number)
        raise AssertionError(f"unknown setting kind {self.kind!r}")  # a programming error


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "path", str(DATA_DIR / "atlas.duckdb"), "Path of the DuckDB database file."),
    Setting("reference_dir", "path", str(REFERENCE_DIR), "Folder of the committed reference files."),
    Setting("lang", "choice", "fr", "Default language of the app: fr or en.", choices=("fr", "en")),
    Setting("edit", "flag", "0", "1 to start the app in editing mode (imports, review queue)."),
    Setting("tiles", "flag", "0", "1 to offer online tile layers (needs a network; off by default)."),
    Setting("max_arcs", "int", "600", "Above this many flows a map keeps the top N and groups the rest.",
            minimum=1, maximum=100_000),
    Setting("readable_flows", "int", "150", "Flows an automatic level aims at on a map (coarser levels and "
            "small flows grouped into 'autres' above it); never above max_arcs.", minimum=1, maximum=100_000),
    Setting("session_minutes", "int", "60", "Minutes of idleness after which a signed-in user of an editing "
            "server must sign in again.", minimum=1, maximum=24 * 60),
    Setting("debug", "flag", "0", "1 to print the full traceback of an internal error (CLI)."),
    Setting("seed", "int", "2016", "Seed of the demonstration data generator.", minimum=0, maximum=2**31 - 1),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The checked value of a setting: the ATLAS_<NAME> variable when set, else its default."""
    try:
        setting = _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown setting {name!r}; known: {', '.join(_BY_NAME)}") from None
    return setting.value()


def number(name: str) -> int:
    """An "int" setting as an int."""
    return int(get(name))


def check_all() -> None:
    """Read every setting once: a bad ATLAS_* value fails here, with its message."""
    for setting in SETTINGS:
        setting.value()


def default_db_path() -> Path:
    return Path(get("db"))


def cache_dir() -> Path:
    """The user's cache folder of the atlas (``$XDG_CACHE_HOME/atlas-aect`` or ``~/.cache/atlas-aect``):
    things derived from shipped files (the French matching index, simplified base layers), rebuilt
    when missing. ``ATLAS_NO_CACHE=1`` turns it off (see :func:`cache_enabled`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "atlas-aect"


def cache_enabled() -> bool:
    return os.environ.get("ATLAS_NO_CACHE") != "1"


def reference_dir() -> Path:
    return Path(get("reference_dir"))


def flag(name: str) -> bool:
    return get(name) == "1"
