"""Benchmarks of flow maps at two scales, printed as a table (`make bench`).

    python benchmarks/run.py [--db data/atlas.duckdb] [--links 1000000] [--sample 50000]

On the demonstration atlas and on a synthetic database of ``--links`` links (built into a
temporary folder from the demonstration database, see benchmarks/synth.py), side by side:

- our national view (query + aggregation + standalone HTML): build time, HTML size, peak memory;
- the same links with ``GeoDataFrame.explore()`` and with one folium ``PolyLine`` per link
  (at the large scale they run on ``--sample`` links and are extrapolated linearly, which is
  generous to them: both grow faster than linearly in memory);
- every filter query (flows at automatic levels, and key-figure counts);
- export times (print maps, standalone HTML, data files);
- the time for headless Chromium to draw our national view from file:// with no network.

Each measurement runs in its own process (benchmarks/tasks.py) so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TASKS = Path(__file__).resolve().parent / "tasks.py"


def run_task(name: str, **kwargs) -> dict:
    proc = subprocess.run([sys.executable, str(TASKS), name, json.dumps(kwargs)], capture_output=True, text=True,
                          cwd=str(ROOT))
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark task {name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def fmt_s(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s"


def measure(db: Path, label: str, tmp: Path, sample: int | None, data_exports: bool) -> dict:
    log(f"{label}: our national view")
    ours = run_task("ours", db=str(db), out=str(tmp / f"{label}-national.html"))
    log(f"{label}: headless Chromium draw")
    chrome = run_task("chromium", html=str(tmp / f"{label}-national.html"))
    log(f"{label}: GeoDataFrame.explore() on {'all links' if not sample else f'{sample} links'}")
    explore = run_task("explore", db=str(db), n=sample)
    log(f"{label}: one folium PolyLine per link")
    poly = run_task("polylines", db=str(db), n=sample)
    log(f"{label}: filter queries")
    filters = run_task("filters", db=str(db))
    log(f"{label}: exports")
    exports = run_task("exports", db=str(db), data=data_exports)
    return {"ours": ours, "chrome": chrome, "explore": explore, "poly": poly, "filters": filters, "exports": exports}


def scaled(r: dict) -> tuple[float, float, str]:
    """Build time and HTML size scaled to all links (linear) when measured on a sample."""
    factor = r["total_links"] / r["links"] if r["links"] else 1.0
    note = "" if factor == 1 else f" (extrapolated ×{factor:.0f} from {r['links']:,} links)"
    return r["build_s"] * factor, r["html_mb"] * factor, note


def report(results: dict[str, dict], cmd: str, synth_info: dict | None, load: tuple[float, float]) -> str:
    lines = [f"Command: `{cmd}`", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d')}; load average (1 min) {load[0]:.1f} at start, {load[1]:.1f} at end "
             "(other processes share the cores: above the core count, timings are inflated)", ""]
    if synth_info:
        lines.append(f"Synthetic database: {synth_info['links']:,} links, {synth_info['link_facts']:,} activity rows, "
                     f"{synth_info['bytes'] / 1e6:.0f} MB, built in {synth_info['seconds']} s")
        lines.append("")
    lines += ["### National view: ours vs the usual tools", "",
              "| database | approach | build (from the database to HTML) | HTML size | peak memory | "
              "ours faster (cold) | ours smaller |",
              "|---|---|---|---|---|---|---|"]
    for label, r in results.items():
        o = r["ours"]
        lines.append(f"| {label} | **atlas national view** ({o['levels']}, {o['drawn']:,} arcs of "
                     f"{o['flows']:,} flows, {o['links']:,} links) | {fmt_s(o['build_s'])} cold "
                     f"(query {fmt_s(o['query_s'])}); {fmt_s(o['warm_s'])} warm | {o['html_mb']:.1f} MB | "
                     f"{o['peak_mb']:.0f} MB | | |")
        for name, key in (("GeoDataFrame.explore()", "explore"), ("folium PolyLine per link", "poly")):
            b, size, note = scaled(r[key])
            lines.append(f"| {label} | {name}{note} | {fmt_s(b)} | {size:.1f} MB | {r[key]['peak_mb']:.0f} MB"
                         f"{' (sample)' if note else ''} | {b / o['build_s']:.0f}× | {size / o['html_mb']:.0f}× |")
    lines += ["", "### Headless Chromium (file://, every network request blocked)", "",
              "| database | national view drawn in | requests blocked |", "|---|---|---|"]
    for label, r in results.items():
        lines.append(f"| {label} | {fmt_s(r['chrome']['draw_s'])} | {r['chrome']['blocked']} |")
    lines += ["", "### Filter queries (median of 5, after one warm-up)", ""]
    labels = list(results)
    head = "| filter | " + " | ".join(f"{lb}: flows (auto levels) | {lb}: counts" for lb in labels) + " |"
    lines += [head, "|---|" + "---|---|" * len(labels)]
    rows = {lb: {row["filter"]: row for row in results[lb]["filters"]["rows"]} for lb in labels}
    for f in rows[labels[0]]:
        cells = []
        for lb in labels:
            row = rows[lb][f]
            cells.append(f"{row['flows_ms']:.0f} ms ({row['links']:,} links → {row['flows']:,} flows)")
            cells.append(f"{row['counts_ms']:.0f} ms")
        lines.append(f"| {f} | " + " | ".join(cells) + " |")
    worst = {lb: max(max(r["flows_ms"], r["counts_ms"]) for r in results[lb]["filters"]["rows"]) for lb in labels}
    lines.append("| **slowest** | " + " | ".join(f"**{worst[lb]:.0f} ms** | " for lb in labels) + " |")
    lines += ["", "### Exports of the national view", "", "| database | export | time | size |", "|---|---|---|---|"]
    for label, r in results.items():
        for k, v in r["exports"].items():
            if k == "peak_mb":
                continue
            lines.append(f"| {label} | {k} | {fmt_s(v['s'])} | {v['mb']:.1f} MB |")
        lines.append(f"| {label} | (peak memory of the export process) | | {r['exports']['peak_mb']:.0f} MB |")
    lines += ["", "### Targets", ""]
    for label, r in results.items():
        o = r["ours"]
        b, size, _ = scaled(r["explore"])
        ok_speed = b / o["build_s"] >= 10
        ok_size = size / o["html_mb"] >= 5
        ok_draw = r["chrome"]["draw_s"] < 2
        lines.append(f"- {label}: build {b / o['build_s']:.0f}× faster than explore() (target ≥ 10×: "
                     f"{'met' if ok_speed else 'MISSED'}), HTML {size / o['html_mb']:.0f}× smaller (target ≥ 5×: "
                     f"{'met' if ok_size else 'MISSED'}), drawn in {fmt_s(r['chrome']['draw_s'])} (target < 2 s: "
                     f"{'met' if ok_draw else 'MISSED'}), slowest filter query {worst[label]:.0f} ms (target < 100 ms "
                     f"at 1M links: {'met' if worst[label] < 100 else 'MISSED'})")
    return "\n".join(lines)


def main() -> int:
    from atlas import config

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=str(config.default_db_path()), help="demonstration database")
    parser.add_argument("--links", type=int, default=1_000_000, help="links of the synthetic database (0: skip)")
    parser.add_argument("--sample", type=int, default=50_000,
                        help="links given to explore() and PolyLines at the large scale (extrapolated)")
    parser.add_argument("--output", help="also write the table (Markdown) to this file")
    args = parser.parse_args()
    demo = Path(args.db)
    if not demo.exists():
        print(f"no database at {demo}: run `make db` (or `atlas init`) first", file=sys.stderr)
        return 1
    cmd = "python benchmarks/run.py " + " ".join(sys.argv[1:]) if sys.argv[1:] else "make bench"
    results: dict[str, dict] = {}
    synth_info = None
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmpdir:
        tmp = Path(tmpdir)
        results["demo"] = measure(demo, "demo", tmp, None, data_exports=True)
        if args.links:
            from benchmarks.synth import make_synthetic

            label = f"{args.links // 1000:,}k links" if args.links < 1_000_000 else f"{args.links / 1e6:g}M links"
            log(f"building the synthetic database of {args.links:,} links")
            synth_info = make_synthetic(demo, tmp / "synthetic.duckdb", args.links)
            results[label] = measure(tmp / "synthetic.duckdb", label.replace(" ", "_"), tmp, args.sample,
                                     data_exports=False)
    table = report(results, cmd, synth_info, (load0, os.getloadavg()[0]))
    print(table)
    if args.output:
        Path(args.output).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
