"""How well the importer places the authorities of a real file that gives coordinates.

Real twin-town lists (the Wikidata exports shipped in atlas/data/sources) give a point for both
towns of each pair: the best check of a match that nobody here wrote. A side is *right* when the
importer places it within ``RIGHT_KM`` of the file's point, *wrong* when it places it further,
and *queued* when it asks a person. The French side is matched as an import would (the file's
points included); partners are matched twice: as imported, and from their names alone (the
file's points removed), which measures the gazetteer rather than the file.

Used by tests/ingest/test_real_files.py (which prints the figures) and ``atlas evaluate``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from atlas.ingest.countries import CountryResolver
from atlas.ingest.distance import haversine_km
from atlas.ingest.formats import ParseOptions, parse_file
from atlas.ingest.headers import Mapping
from atlas.ingest.pipeline import match_records
from atlas.ingest.readers import load_file
from atlas.ingest.records import Entity, Record, Resolution
from atlas.ingest.report import ImportReport

#: A placement within this distance of the file's point is right.
RIGHT_KM = 30.0
#: How many of the values queued most often a tally lists.
QUEUED_SHOWN = 500


def _judge(res: Resolution, lat: float | None, lon: float | None) -> tuple[str, float | None]:
    """('right' | 'wrong' | 'queued' | 'no_point', distance in km)."""
    if res.status != "matched" or res.entity is None:
        return "queued", None
    e: Entity = res.entity
    if lat is None or lon is None or e.lat is None or e.lon is None:
        return "no_point", None
    km = haversine_km(lon, lat, e.lon, e.lat)
    return ("right" if km <= RIGHT_KM else "wrong"), km


def _tally(pairs: list[tuple[str, float | None, str, str]]) -> dict[str, Any]:
    """Counts and rates of one side, the worst wrong placements and the values queued most often."""
    counts = {k: 0 for k in ("right", "wrong", "queued", "no_point")}
    for verdict, *_ in pairs:
        counts[verdict] += 1
    judged = counts["right"] + counts["wrong"] + counts["queued"]
    worst = sorted((p for p in pairs if p[0] == "wrong"), key=lambda p: -(p[1] or 0))
    return dict(counts, judged=judged,
                right_rate=round(100 * counts["right"] / judged, 2) if judged else None,
                wrong_rate=round(100 * counts["wrong"] / judged, 2) if judged else None,
                worst=[f"{name} -> {placed} ({km:.0f} km)" for _v, km, name, placed in worst[:40]],
                queued_values=[f"{name} ({n})" if n > 1 else name for name, n in Counter(
                    p[2] for p in pairs if p[0] == "queued").most_common(QUEUED_SHOWN)])


def evaluate_file(con: duckdb.DuckDBPyConnection, path: str | Path) -> dict[str, Any]:
    """Rates of right, wrong and queued placements for the French side and the partners."""
    raw = load_file(Path(path))
    parsed = parse_file(raw, "auto", Mapping(), ParseOptions(CountryResolver(con)))
    records = parsed.records
    imported = match_records(con, records, ImportReport(file=Path(path).name))
    blind: list[Record] = [dataclasses.replace(r, partners=[dataclasses.replace(p, lat=None, lon=None)
                                                            for p in r.partners]) for r in records]
    names_only = match_records(con, blind, ImportReport(file=Path(path).name))
    fr, partners, partners_blind = [], [], []
    for (r, frs, prs), (_r, _f, bprs) in zip(imported.sides, names_only.sides):
        ref, p = r.french[0], r.partners[0]
        verdict, km = _judge(frs[0], ref.lat, ref.lon)
        fr.append((verdict, km, ref.name, frs[0].entity.name if frs[0].entity else ""))
        for out, res in ((partners, prs[0]), (partners_blind, bprs[0])):
            verdict, km = _judge(res, p.lat, p.lon)
            out.append((verdict, km, f"{p.name} ({p.country})", res.entity.name if res.entity else ""))
    return dict(file=Path(path).name, rows=len(raw.text.splitlines()) - 1 if raw.text else None,
                records=len(records), skipped=len(parsed.skips),
                french=_tally(fr), partners=_tally(partners), partners_names_only=_tally(partners_blind))
