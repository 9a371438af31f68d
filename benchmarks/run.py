"""Benchmarks of flow maps at two scales, printed as a table (`make bench`).

    python benchmarks/run.py [--db data/atlas.duckdb] [--links 1000000] [--sample 50000] [--mid 100000]

On the demonstration atlas and on a synthetic database of ``--links`` links (built into a
temporary folder from the demonstration database, see benchmarks/synth.py), side by side:

- our national map in a new process, from ``atlas.open()`` to the HTML file
  (``a.flow_map(Filters()).save()``): time, whole process time, HTML size, peak memory;
- the same links with ``GeoDataFrame.explore()`` and with one folium ``PolyLine`` per link, also
  from ``atlas.open()`` to the HTML file (at the large scale they run on ``--sample`` links and
  are extrapolated linearly, which is generous to them: both grow faster than linearly in memory);
- ``a.links(Filters())`` (every link with its great-circle line) and the first ``flows()`` of a
  new process, also on a synthetic database of ``--mid`` links;
- every filter query (flows at automatic levels, and key-figure counts);
- export times (print maps, standalone HTML, data files);
- the time for headless Chromium to draw our national view from file:// with no network;
- the app itself in a real browser (benchmarks/app_timings.py, ``--no-app`` skips it): a cold
  server to the national map, a page load, a filter change and a search, against their goals.

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
    """Run one task in a new process; its JSON result, with the process's whole wall time (``process_s``:
    interpreter start and imports included)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(TASKS), name, json.dumps(kwargs)], capture_output=True, text=True,
                          cwd=str(ROOT))
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark task {name} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]), process_s=wall)


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
    explore = run_task("explore", db=str(db), n=sample, out=str(tmp / f"{label}-explore.html"))
    log(f"{label}: one folium PolyLine per link")
    poly = run_task("polylines", db=str(db), n=sample, out=str(tmp / f"{label}-polylines.html"))
    log(f"{label}: a.links(Filters()) and the first flows() in new processes")
    links = measure_links(db)
    log(f"{label}: filter queries")
    filters = run_task("filters", db=str(db))
    log(f"{label}: exports")
    exports = run_task("exports", db=str(db), data=data_exports)
    return {"ours": ours, "chrome": chrome, "explore": explore, "poly": poly, "filters": filters, "exports": exports,
            "links": links}


def measure_links(db: Path) -> dict:
    """``a.links(Filters())`` and the first ``flows()``, each in a new process."""
    return {"links": run_task("links", db=str(db)), "flows": run_task("first_flows", db=str(db)),
            "vector": run_task("links_vector", db=str(db))}


def run_app_timings(db: Path, tmp: Path, runs: int) -> dict:
    """benchmarks/app_timings.py in a new process: its raw measurements, or why it could not run."""
    out = tmp / "app.json"
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "app_timings.py"), "--db", str(db),
                           "--runs", str(runs), "--json", str(out), "--log", str(tmp / "app-server.log")],
                          capture_output=True, text=True, cwd=str(ROOT))
    if proc.returncode != 0 or not out.exists():
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-1500:]}"}
    return json.loads(out.read_text(encoding="utf-8"))


def measure_init(tmp: Path) -> dict:
    """`atlas init` (demo and real twinnings) in a new process, twice: with an empty cache folder,
    as on a fresh machine, then with the folder that first run filled (every later build)."""
    cache = tmp / "init-cache"
    cache.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("ATLAS_NO_CACHE", None)
    atlas_cli = Path(sys.executable).with_name("atlas")
    out: dict[str, float] = {}
    for label in ("empty_cache_s", "warm_cache_s"):
        t0 = time.perf_counter()
        proc = subprocess.run([str(atlas_cli), "init", "--db", str(tmp / "init.duckdb"), "--force"],
                              capture_output=True, text=True, cwd=str(ROOT), env=env)
        out[label] = time.perf_counter() - t0
        if proc.returncode != 0:
            return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-1500:]}"}
    (tmp / "init.duckdb").unlink(missing_ok=True)
    return out


def scaled(r: dict) -> tuple[float, float, str]:
    """Build time and HTML size scaled to all links when measured on a sample.

    The part that does not depend on the sample (opening the database, querying every link) is
    kept as measured; the rest grows linearly, which is generous to the baselines.
    """
    factor = r["total_links"] / r["links"] if r["links"] else 1.0
    note = "" if factor == 1 else f" (extrapolated ×{factor:.0f} from {r['links']:,} links)"
    fixed = r.get("fixed_s", 0.0) if factor != 1 else 0.0
    return fixed + (r["build_s"] - fixed) * factor, r["html_mb"] * factor, note


def _by_size(results: dict[str, dict], extra: dict[str, dict] | None) -> list[tuple[str, dict]]:
    """Every database with link measurements, smallest first."""
    rows = list({**results, **(extra or {})}.items())
    return sorted(rows, key=lambda item: item[1]["links"]["links"]["links"])


def cpu_probe() -> float:
    """Seconds of a fixed pure-Python loop (10 million additions, best of 3): the speed of one core
    as this run found it. The machines these runs share drift (the same code's figures move by half
    from one hour to the next): runs are comparable in proportion to their probes."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - t0)
    return best


def report(results: dict[str, dict], cmd: str, synth_info: dict | None, load: tuple[float, float],
           extra: dict[str, dict] | None = None, app: dict | None = None, init: dict | None = None,
           probe: tuple[float, float] | None = None) -> str:
    speed = (f"; one core's speed probe (benchmarks/run.py cpu_probe, 10 million Python additions) {probe[0]:.2f} s "
             f"at start, {probe[1]:.2f} s at end" if probe else "")
    lines = [f"Command: `{cmd}`", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{time.strftime('%Y-%m-%d')}; load average (1 min) {load[0]:.1f} at start, {load[1]:.1f} at end "
             f"(other processes share the cores: above the core count, timings are inflated){speed}", ""]
    if synth_info:
        lines.append(f"Synthetic database: {synth_info['links']:,} links, {synth_info['link_facts']:,} activity rows, "
                     f"{synth_info['bytes'] / 1e6:.0f} MB, built in {synth_info['seconds']} s")
        lines.append("")
    lines += ["### National map: open the database → HTML file, in a new process", "",
              "Ours: `atlas.open(db).flow_map(Filters()).save(path)` (default flow budget, Leaflet inlined). "
              "explore(): `a.links(Filters()).explore().save(path)`. PolyLines: one `folium.PolyLine` per link "
              "with a tooltip. \"open → HTML\" starts at `atlas.open()`; \"whole process\" adds the "
              "interpreter's start and the imports (the same for all three), up to the file written.", "",
              "| database | approach | open → HTML | whole process | HTML size | peak memory | "
              "ours faster (open → HTML) | ours smaller |",
              "|---|---|---|---|---|---|---|---|"]
    for label, r in results.items():
        o = r["ours"]
        lines.append(f"| {label} | **atlas national map** ({o['levels']}, {o['drawn']:,} arcs of "
                     f"{o['flows']:,} flows, {o['links']:,} links) | {fmt_s(o['build_s'])} cold; "
                     f"{fmt_s(o['warm_s'])} warm | {fmt_s(o['whole_s'])} | {o['html_mb']:.1f} MB | "
                     f"{o['peak_mb']:.0f} MB | | |")
        for name, key in (("GeoDataFrame.explore()", "explore"), ("folium PolyLine per link", "poly")):
            b, size, note = scaled(r[key])
            whole = r[key]["whole_s"] - r[key]["build_s"] + b
            lines.append(f"| {label} | {name}{note} | {fmt_s(b)} | {fmt_s(whole)} | {size:.1f} MB | "
                         f"{r[key]['peak_mb']:.0f} MB{' (sample)' if note else ''} | {b / o['build_s']:.0f}× | "
                         f"{size / o['html_mb']:.0f}× |")
    lines += ["", "### `a.links(Filters())` and the first `flows()`, each in a new process", "",
              "`a.links` draws each line with a point at least every 250 km (at most 32), converts each distinct "
              "list of its list columns once (rows share read-only arrays) and does not copy the frame. Its peer, "
              "measured in the same run: the former drawing, 32 points on every line (atlas.geo.vector_arcs), and "
              "the frame copied into the GeoDataFrame (its lists shared as in `a.links`; before this session, one "
              "array per row: 6.9 s and 2,644 MB at 1M links).", "",
              "| database | links | `a.links(Filters())` | its peak memory | 32 points, frame copied (of which arcs) "
              "| its peak memory | `atlas.open()` | first `flows()` | second `flows()` |",
              "|---|---|---|---|---|---|---|---|---|"]
    for label, r in _by_size(results, extra):
        lk, fw, vec = r["links"]["links"], r["links"]["flows"], r["links"].get("vector")
        vec_cells = (f"{fmt_s(vec['links_s'])} ({fmt_s(vec['arcs_s'])}) | {vec['peak_mb']:.0f} MB" if vec
                     else "– | –")
        lines.append(f"| {label} | {lk['links']:,} | {fmt_s(lk['links_s'])} | {lk['peak_mb']:.0f} MB | {vec_cells} | "
                     f"{fmt_s(fw['open_s'])} | {fmt_s(fw['first_s'])} ({fw['flows']:,} flows, {fw['levels']}) | "
                     f"{fmt_s(fw['second_s'])} |")
    lines += ["", "### Headless Chromium (file://, every network request blocked)", "",
              "| database | national view drawn in | requests blocked |", "|---|---|---|"]
    for label, r in results.items():
        lines.append(f"| {label} | {fmt_s(r['chrome']['draw_s'])} | {r['chrome']['blocked']} |")
    if app:
        from benchmarks.app_timings import report as app_report

        lines += ["", "### The app in a real browser (benchmarks/app_timings.py)", "", app_report(app)]
    if init:
        lines += ["", "### `atlas init` (the default database), in a new process", ""]
        if "error" in init:
            lines.append(f"Not measured: {init['error']}")
        else:
            lines += ["| cache folder | whole process |", "|---|---|",
                      f"| empty (a fresh machine's first build) | {fmt_s(init['empty_cache_s'])} |",
                      f"| filled by that build (every later one) | {fmt_s(init['warm_cache_s'])} |"]
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
            if not isinstance(v, dict):  # peak_mb, process_s
                continue
            lines.append(f"| {label} | {k} | {fmt_s(v['s'])} | {v['mb']:.1f} MB |")
        lines.append(f"| {label} | (peak memory of the export process) | | {r['exports']['peak_mb']:.0f} MB |")
    lines += ["", "### Targets", ""]
    met = {True: "met", False: "MISSED"}
    for label, r in results.items():
        o = r["ours"]
        b, size, _ = scaled(r["explore"])
        lines.append(f"- {label}: national map open → HTML {fmt_s(o['build_s'])} (goal ≤ 0.3 s: "
                     f"{met[o['build_s'] <= 0.3]}), {b / o['build_s']:.0f}× faster than explore() (goal ≥ 20×: "
                     f"{met[b / o['build_s'] >= 20]}), HTML {size / o['html_mb']:.0f}× smaller (goal ≥ 5×: "
                     f"{met[size / o['html_mb'] >= 5]}), drawn in {fmt_s(r['chrome']['draw_s'])} (goal < 2 s: "
                     f"{met[r['chrome']['draw_s'] < 2]}), slowest filter query {worst[label]:.0f} ms (goal < 100 ms: "
                     f"{met[worst[label] < 100]})")
    for label, r in _by_size(results, extra):
        lk, fw = r["links"]["links"], r["links"]["flows"]
        n = lk["links"]
        if n >= 50_000:
            goal_s = 0.5 if n <= 100_000 else 3.0
            lines.append(f"- {label}: `a.links(Filters())` {fmt_s(lk['links_s'])} (goal ≤ {goal_s:g} s: "
                         f"{met[lk['links_s'] <= goal_s]})" + (f", peak {lk['peak_mb']:.0f} MB (goal ≤ 1.5 GB: "
                                                               f"{met[lk['peak_mb'] <= 1536]})" if n > 100_000 else "")
                         + f"; first `flows()` {fmt_s(fw['first_s'])} (goal ≤ 0.3 s: {met[fw['first_s'] <= 0.3]})")
    if init and "error" not in init:
        lines.append(f"- `atlas init`: {fmt_s(init['empty_cache_s'])} with an empty cache folder, "
                     f"{fmt_s(init['warm_cache_s'])} after (goal ≤ 15 s on a quiet machine: "
                     f"{met[init['warm_cache_s'] <= 15]} with the cache, {met[init['empty_cache_s'] <= 15]} without)")
    return "\n".join(lines)


def main() -> int:
    from atlas import config

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=str(config.default_db_path()), help="demonstration database")
    parser.add_argument("--links", type=int, default=1_000_000, help="links of the synthetic database (0: skip)")
    parser.add_argument("--sample", type=int, default=50_000,
                        help="links given to explore() and PolyLines at the large scale (extrapolated)")
    parser.add_argument("--mid", type=int, default=100_000,
                        help="links of a second synthetic database where only a.links() and flows() are timed (0: skip)")
    parser.add_argument("--app", action=argparse.BooleanOptionalAction, default=True,
                        help="time the app in a real browser (benchmarks/app_timings.py; needs chromium) (default: yes)")
    parser.add_argument("--init", action=argparse.BooleanOptionalAction, default=True,
                        help="time `atlas init` with an empty cache folder, then with it filled (default: yes)")
    parser.add_argument("--app-runs", type=int, default=3, help="runs of each app timing (page load: at least 5)")
    parser.add_argument("--output", help="also write the table (Markdown) to this file")
    parser.add_argument("--results", help="also write the raw measurements (JSON) to this file")
    parser.add_argument("--from-results", help="print the table of measurements saved with --results; measure nothing")
    args = parser.parse_args()
    if args.from_results:
        saved = json.loads(Path(args.from_results).read_text(encoding="utf-8"))
        print(report(saved["results"], saved["cmd"], saved["synth"], tuple(saved["load"]), saved["extra"],
                     saved.get("app"), saved.get("init"), saved.get("probe")))
        return 0
    demo = Path(args.db)
    if not demo.exists():
        print(f"no database at {demo}: run `make db` (or `atlas init`) first", file=sys.stderr)
        return 1
    cmd = "python benchmarks/run.py " + " ".join(sys.argv[1:]) if sys.argv[1:] else "make bench"
    results: dict[str, dict] = {}
    extra: dict[str, dict] = {}
    synth_info = None
    app = None
    init = None
    load0 = os.getloadavg()[0]
    probe0 = cpu_probe()
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmpdir:
        tmp = Path(tmpdir)
        if args.app:  # first, while the machine is only running this benchmark
            log("the app in a real browser (benchmarks/app_timings.py)")
            app = run_app_timings(demo, tmp, max(1, args.app_runs))
        if args.init:
            log("atlas init, with an empty cache folder then with it filled")
            init = measure_init(tmp)
        results["demo"] = measure(demo, "demo", tmp, None, data_exports=True)
        if args.mid:
            from benchmarks.synth import make_synthetic

            log(f"building a synthetic database of {args.mid:,} links")
            make_synthetic(demo, tmp / "mid.duckdb", args.mid)
            log(f"{args.mid:,} links: a.links(Filters()) and the first flows() in new processes")
            extra[f"{args.mid // 1000:,}k links"] = {"links": measure_links(tmp / "mid.duckdb")}
            (tmp / "mid.duckdb").unlink()
        if args.links:
            from benchmarks.synth import make_synthetic

            label = f"{args.links // 1000:,}k links" if args.links < 1_000_000 else f"{args.links / 1e6:g}M links"
            log(f"building the synthetic database of {args.links:,} links")
            synth_info = make_synthetic(demo, tmp / "synthetic.duckdb", args.links)
            results[label] = measure(tmp / "synthetic.duckdb", label.replace(" ", "_"), tmp, args.sample,
                                     data_exports=False)
    load = (load0, os.getloadavg()[0])
    probe = (probe0, cpu_probe())
    if args.results:
        Path(args.results).write_text(json.dumps({"results": results, "cmd": cmd, "synth": synth_info, "load": load,
                                                  "extra": extra, "app": app, "init": init,
                                                  "probe": probe}),
                                       encoding="utf-8")
    table = report(results, cmd, synth_info, load, extra, app, init, probe)
    print(table)
    if args.output:
        Path(args.output).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
