"""Import speed on a big realistic file (100,000 rows by default), printed as a table.

    python benchmarks/bench_import.py [--rows 100000] [--format projects|pairs|directory] [--db PATH]

The file is made from real reference names (atlas.ingest.samples: damaged names, merged communes,
country variants, Windows-1252 for project tables) into a temporary folder, then imported into a
private copy of ``--db`` (default: a new database without demonstration data). The first import
into a database also computes the gazetteer name keys once (~12 s); that step is timed apart.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("projects", "pairs", "directory"), default="projects")
    parser.add_argument("--db", help="database to copy (default: build one without demonstration data)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    import duckdb

    from atlas.db.build import build_database
    from atlas.ingest.geocode import ensure_gazetteer_keys
    from atlas.ingest.load import atomic_write
    from atlas.ingest.pipeline import import_file
    from atlas.ingest.samples import SampleMaker

    figures: dict[str, float | int | str] = {"rows": args.rows, "format": args.format}
    with tempfile.TemporaryDirectory(prefix="atlas-bench-import-") as tmp:
        db = Path(tmp) / "atlas.duckdb"
        t = time.perf_counter()
        if args.db:
            shutil.copy(args.db, db)
        else:
            build_database(db, demo=False)
        figures["prepare_db_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        with atomic_write(db) as txn:
            ensure_gazetteer_keys(txn.con, persist=True)
        figures["gazetteer_keys_once_s"] = round(time.perf_counter() - t, 1)
        con = duckdb.connect(str(db), read_only=True)
        maker = SampleMaker(con, seed=99)
        t = time.perf_counter()
        path = Path(tmp) / f"big.{'txt' if args.format == 'directory' else 'csv'}"
        if args.format == "projects":
            maker.projects_csv(path, args.rows)
        elif args.format == "pairs":
            maker.pairs_csv(path, args.rows)
        else:  # about two partner lines per commune
            maker.directory_txt(path, args.rows // 2)
        con.close()
        figures["generate_file_s"] = round(time.perf_counter() - t, 1)
        figures["file_mb"] = round(path.stat().st_size / 1e6, 1)
        t = time.perf_counter()
        report = import_file(path, db)
        figures["import_s"] = round(time.perf_counter() - t, 1)
        figures["rows_read"] = report.rows_read
        figures["rows_per_s"] = round(report.rows_read / max(figures["import_s"], 1e-9))  # type: ignore[operator]
        figures["links_imported"] = report.links_imported
        figures["projects_imported"] = report.projects_imported
        figures["french_match_rate"] = report.rate("french") or 0.0
        figures["partner_match_rate"] = report.rate("partner") or 0.0
        figures["queued"] = report.queued
        t = time.perf_counter()
        again = import_file(path, db)
        figures["reimport_same_file_s"] = round(time.perf_counter() - t, 1)
        figures["reimport_added"] = again.links_imported + again.projects_imported
        figures["db_mb"] = round(db.stat().st_size / 1e6, 1)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for k, v in figures.items():
            print(f"{k:<{width}}  {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
