"""One benchmark measurement per process: ``python benchmarks/tasks.py TASK JSON_ARGS``.

Each task prints one JSON line with its timings, sizes and the process's peak memory (RSS),
so every approach is measured alone (its peak memory is its own) on the same database.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import atlas  # noqa: E402
from atlas.db import flow_queries  # noqa: E402
from atlas.geo import flows as fl  # noqa: E402
from atlas.selection import query_flows  # noqa: E402

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]

#: Filter queries timed at every scale (label, Filters kwargs).
FILTER_CASES: tuple[tuple[str, dict], ...] = (
    ("none (national)", {}),
    ("theme eau", {"themes": ["eau"]}),
    ("themes eau+santé", {"themes": ["eau", "sante"]}),
    ("country SN", {"countries": ["SN"]}),
    ("SDG 6", {"sdgs": [6]}),
    ("zone Afrique subsaharienne", {"zones": ["Afrique subsaharienne"]}),
    ("région 76", {"regions": ["76"]}),
    ("département 31", {"departements": ["31"]}),
    ("level commune", {"levels": ["commune"]}),
    ("kind jumelage", {"kinds": ["jumelage"]}),
    ("funding Oudin-Santini", {"funding": ["oudin_santini"]}),
    ("years 2010–2020", {"years": (2010, 2020)}),
    ("status en_cours", {"status": ["en_cours"]}),
    ("authority commune:31555", {"authorities": ["commune:31555"]}),
    ("theme+years+zone", {"themes": ["eau"], "years": (2010, 2020), "zones": ["Afrique subsaharienne"]}),
)


def since_start() -> float:
    """Seconds since this process started (interpreter start and imports included), from /proc."""
    import os

    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def peak_mb() -> float:
    """Peak resident memory of this process (MB). VmHWM from /proc, reset when a process is
    started: ``ru_maxrss`` survives exec on Linux, so a task would report its parent's peak (the
    run that built the 1M-link database) whenever its own is lower."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _median_ms(fn, runs: int = 5) -> float:
    fn()  # warm-up (caches, first-query planning)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def task_ours(db: str, out: str) -> dict:
    """Our national view through the public API, in a new process: open the database → HTML file.

    ``a.flow_map(Filters()).save(out)``: query, aggregation, map and a standalone file (Leaflet
    inlined), with the default flow budget (setting ATLAS_MAX_ARCS). Then the same again, warm:
    what the app (a long-running process) or a second map of a notebook pays.
    """
    t0 = time.perf_counter()
    a = atlas.open(db)
    m = a.flow_map(atlas.Filters())
    m.save(out)
    t1 = time.perf_counter()
    whole = since_start()
    m2 = a.flow_map(atlas.Filters())
    m2.save(str(Path(out).with_suffix(".warm.html")))
    t2 = time.perf_counter()
    info = a.select(atlas.Filters())
    html_mb = Path(out).stat().st_size / 1e6
    return {"build_s": t1 - t0, "whole_s": whole, "warm_s": t2 - t1, "html_mb": html_mb, "links": info.n_links,
            "flows": info.n_flows, "drawn": min(info.n_flows, info.options.arcs),
            "levels": f"{info.origin_level}→{info.dest_level}", "peak_mb": peak_mb()}


def _links_sample(a: atlas.Atlas, n: int | None):
    """``a.links(Filters())``, or the same geometry for a sample of ``n`` links; time of the fixed part."""
    import geopandas as gpd

    from atlas.geo.arcs import great_circle_lines

    if not n:
        t0 = time.perf_counter()
        gdf = a.links(atlas.Filters())
        return gdf, len(gdf), time.perf_counter() - t0
    t0 = time.perf_counter()
    df = a.links_frame(atlas.Filters())
    total = len(df)
    if n < total:
        df = df.sample(n, random_state=1).reset_index(drop=True)
    fixed = time.perf_counter() - t0  # the query of all links: not scaled when extrapolating
    geoms, dist = great_circle_lines(df["fr_lon"].to_numpy(), df["fr_lat"].to_numpy(),
                                     df["partner_lon"].to_numpy(), df["partner_lat"].to_numpy(), npts=32)
    return gpd.GeoDataFrame(df.assign(length_km=(dist / 1000).round(1)), geometry=geoms, crs=4326), total, fixed


def task_explore(db: str, n: int | None, out: str) -> dict:
    """The same links with GeoDataFrame.explore(), in a new process: open → links → explore() → HTML file.

    All links (``a.links(Filters()).explore()``), or a sample of ``n`` to extrapolate from.
    """
    t0 = time.perf_counter()
    a = atlas.open(db)
    t_open = time.perf_counter()
    gdf, total, fixed = _links_sample(a, n)
    gdf.explore().save(out)
    t2 = time.perf_counter()
    return {"build_s": t2 - t0, "whole_s": since_start(), "fixed_s": (t_open - t0) + fixed,
            "html_mb": Path(out).stat().st_size / 1e6, "links": len(gdf), "total_links": total, "peak_mb": peak_mb()}


def task_polylines(db: str, n: int | None, out: str) -> dict:
    """One folium PolyLine per link (with a tooltip), the usual hand-written approach, in a new process."""
    import folium

    from atlas.geo.arcs import arc_coordinates

    t0 = time.perf_counter()
    a = atlas.open(db)
    df = a.links_frame(atlas.Filters())
    total = len(df)
    if n and n < total:
        df = df.sample(n, random_state=1).reset_index(drop=True)
    t1 = time.perf_counter()
    lons, lats, _ = arc_coordinates(df["fr_lon"].to_numpy(), df["fr_lat"].to_numpy(), df["partner_lon"].to_numpy(),
                                    df["partner_lat"].to_numpy(), npts=24)
    m = folium.Map(location=[30, 10], zoom_start=2, tiles=None)
    for i, row in enumerate(df.itertuples(index=False)):
        folium.PolyLine(list(zip(lats[i], lons[i])), weight=1.5, opacity=0.5,
                        tooltip=f"{row.fr_name} → {row.partner_name}").add_to(m)
    m.save(out)
    t2 = time.perf_counter()
    return {"build_s": t2 - t0, "whole_s": since_start(), "fixed_s": t1 - t0, "html_mb": Path(out).stat().st_size / 1e6, "links": len(df),
            "total_links": total, "peak_mb": peak_mb()}


def task_links(db: str) -> dict:
    """``a.links(Filters())`` in a new process: every link with its great-circle line (GeoDataFrame)."""
    a = atlas.open(db)
    base = peak_mb()
    t0 = time.perf_counter()
    gdf = a.links(atlas.Filters())
    t1 = time.perf_counter()
    return {"links_s": t1 - t0, "links": len(gdf), "peak_mb": peak_mb(), "base_mb": base}


def task_links_vector(db: str) -> dict:
    """``a.links(Filters())`` with its lines drawn as before: 32 points on every line, and the frame
    (``a.links_frame``, whose list columns are now shared arrays too) copied into the
    GeoDataFrame. The peer of ``task_links`` in the same run."""
    import geopandas as gpd

    from atlas.geo.vector_arcs import great_circle_lines

    a = atlas.open(db)
    base = peak_mb()
    t0 = time.perf_counter()
    df = a.links_frame(atlas.Filters())
    t1 = time.perf_counter()
    geoms, dist = great_circle_lines(df["fr_lon"].to_numpy(), df["fr_lat"].to_numpy(), df["partner_lon"].to_numpy(),
                                     df["partner_lat"].to_numpy(), npts=32)
    t2 = time.perf_counter()
    gdf = gpd.GeoDataFrame(df.assign(length_km=(dist / 1000).round(1)), geometry=geoms, crs=4326)
    t3 = time.perf_counter()
    return {"links_s": t3 - t0, "query_s": t1 - t0, "arcs_s": t2 - t1, "frame_s": t3 - t2, "links": len(gdf),
            "peak_mb": peak_mb(), "base_mb": base}


def task_first_flows(db: str) -> dict:
    """The first ``a.flows(Filters())`` of a new process (reference data and caches cold), then a second."""
    t0 = time.perf_counter()
    a = atlas.open(db)
    t1 = time.perf_counter()
    df = a.flows(atlas.Filters())
    t2 = time.perf_counter()
    a.flows(atlas.Filters())
    t3 = time.perf_counter()
    return {"open_s": t1 - t0, "first_s": t2 - t1, "second_s": t3 - t2, "flows": len(df),
            "levels": f"{df.attrs['origin_level']}→{df.attrs['dest_level']}", "peak_mb": peak_mb()}


def task_filters(db: str) -> dict:
    """Median time of each filter query: flows at automatic levels, and the key-figure counts."""
    a = atlas.open(db)
    rows = []
    for label, kwargs in FILTER_CASES:
        f = atlas.Filters(**kwargs)
        flows_ms = _median_ms(lambda: query_flows(a.db, f, "auto", "auto", max_flows=3000))
        counts_ms = _median_ms(lambda: flow_queries.filtered_counts(a.db, f))
        r = query_flows(a.db, f, "auto", "auto", max_flows=3000)
        rows.append({"filter": label, "flows_ms": flows_ms, "counts_ms": counts_ms, "links": r.n_links,
                     "flows": len(r.flows), "levels": f"{r.origin_level}→{r.dest_level}"})
    return {"rows": rows, "peak_mb": peak_mb()}


def task_exports(db: str, data: bool) -> dict:
    """Export times of the national view (PNG 300 dpi, SVG, PDF, HTML) and, if asked, of the data."""
    a = atlas.open(db)
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for ext in ("png", "svg", "pdf", "html"):
            t0 = time.perf_counter()
            p = a.export_map(atlas.Filters(), Path(tmp) / f"national.{ext}", max_flows=3000)
            out[f"map .{ext}"] = {"s": time.perf_counter() - t0, "mb": p.stat().st_size / 1e6}
        if data:
            for ext in ("csv", "gpkg", "parquet", "xlsx", ""):
                name = f"links.{ext}" if ext else "flowmap"
                t0 = time.perf_counter()
                ps = a.export_data(atlas.Filters(), Path(tmp) / name)
                out[f"data {'.' + ext if ext else 'flowmap CSV pair'}"] = {
                    "s": time.perf_counter() - t0, "mb": sum(p.stat().st_size for p in ps) / 1e6}
        else:
            t0 = time.perf_counter()
            ps = a.export_data(atlas.Filters(), Path(tmp) / "flowmap", origin_level="region", dest_level="country")
            out["data flowmap CSV pair (région→pays)"] = {"s": time.perf_counter() - t0,
                                                         "mb": sum(p.stat().st_size for p in ps) / 1e6}
    out["peak_mb"] = peak_mb()
    return out


def task_chromium(html: str, runs: int = 3) -> dict:
    """Time for headless Chromium to load the file and draw it (every non-file request blocked)."""
    from playwright.sync_api import sync_playwright

    times = []
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else (blocked.append(route.request.url), route.abort()))
            t0 = time.perf_counter()
            page.goto(Path(html).resolve().as_uri(), wait_until="load")
            page.wait_for_function("() => window.atlasMapInfo !== undefined && "
                                   "document.querySelector('.leaflet-overlay-pane canvas') !== null")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            times.append(time.perf_counter() - t0)
            page.close()
        browser.close()
    return {"draw_s": statistics.median(times), "blocked": len(blocked)}


TASKS = {"ours": task_ours, "explore": task_explore, "polylines": task_polylines, "filters": task_filters,
         "exports": task_exports, "chromium": task_chromium, "links": task_links, "first_flows": task_first_flows,
         "links_vector": task_links_vector}

if __name__ == "__main__":
    name, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(TASKS[name](**args)))
