"""Timings of the app in a real browser (issue 10, "Fast everywhere"), printed as a table.

    python benchmarks/app_timings.py [--db data/atlas.duckdb] [--runs 3] [--json FILE] [--log FILE]

The real server (`atlas serve --db DB --port P`) on a demonstration database, Debian chromium
driven by Playwright as the real-browser tests drive it (tests/e2e: the same launch flags, every
non-local request aborted, the map taken as drawn when ``map_state`` finds its GeoJSON layers
drawn, "Liens" read as ``metric`` reads it but without its 60 s wait, ``wait_idle`` before
acting; polled every 50 ms). Measured:

1. cold server → national map drawn: from starting `atlas serve` to the Explorer's map drawn in
   a new browser page (Streamlit's start-up, the first run of the script and the map's iframe);
2. page load → map (warm): loading ``/`` again on the running server until the map is drawn, in
   the same page: the browser takes Streamlit's front end from its HTTP cache, as a user's browser
   does on a return visit (beside it, not a goal: the same load by a browser's first visit, a new
   page with an empty cache, each run);
3. filter change → map redrawn: a zone picked in the sidebar's "Zones géographiques" (each zone
   once, so no run finds its query in the app's cache) until "Liens" shows the zone's count and
   the map has changed;
4. type a name → profile and map: "Montélimar" typed in the search box of ``/collectivite``
   (40 ms a key, as a person types), its suggestion clicked, until the profile's "Liens" and its
   map are shown.

Beside them, in the same run and the same browser, the floor page (benchmarks/floor: one key
figure and one st_folium map of one line, served by Streamlit with the atlas's routes and flags)
is timed cold, warm and on a first visit the same way: what Streamlit, st_folium and Leaflet take
on this machine whatever the page, which no change to the atlas's pages can go below.

Until 2026-12-03 the browser's guard (every non-local request refused) was made with Playwright's
routing, which turns the HTTP cache off: every "warm" load fetched Streamlit's front end again
(about 0.6 s more here, the first-visit row). The guard is now a proxy that does not exist
(tests/e2e/helpers.OFFLINE_ARGS) and the cache works as a user's.

Each figure is given as the median of its runs with the smallest and largest, beside its goal.
This is a benchmark, not a test: nothing here fails on a slow figure. Without chromium or
Playwright it says so and measures nothing (exit 0, ``{"skipped": reason}``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: (key, what, goal in seconds, the figure before issue 10's work, as the issue gives it)
ROWS = (
    ("cold", "app: cold server → national map drawn", 4.0, 9.7),
    ("warm", "app: page load → map (warm)", 1.5, 4.4),
    ("filter", "app: filter change → map redrawn", 0.8, 1.6),
    ("search", "app: type a name → profile and map", 1.5, 3.4),
)
#: The same figures for the floor page (benchmarks/floor: one key figure, one map of one line),
#: measured in the same run: what Streamlit, st_folium and Leaflet take here whatever the page.
FLOOR_ROWS = (
    ("floor_cold", "floor page: cold server → map drawn"),
    ("floor_warm", "floor page: page load → map (warm)"),
    ("floor_first", "floor page: page load → map, a browser's first visit (empty cache)"),
)
#: Measured beside the goals, with no goal of their own.
OTHER_ROWS = (("first", "app: page load → map, a browser's first visit (empty cache)"),)
#: Zones picked one per run of "filter change" (each a first query for the server).
ZONES = ("Europe", "Asie", "Amériques", "Afrique subsaharienne", "Afrique du Nord", "Proche et Moyen-Orient")
SEARCH_NAME, SEARCH_OPTION, SEARCH_ID = "Montélimar", "Montélimar (26)", "commune:26198"
POLL_S = 0.05  # tests/e2e/helpers.wait polls every 250 ms: too coarse for a 0.8 s goal


def missing() -> str | None:
    """Why the browser rows cannot be measured here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    try:
        from tests.conftest import chromium_path
    except ImportError as exc:  # an installed atlas without its tests
        return f"the browser tests' helpers cannot be imported ({exc})"
    if chromium_path() is None:
        return "chromium not found: install it with `make test-deps` (apt-get install chromium) or set ATLAS_CHROMIUM"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _atlas_command() -> list[str]:
    script = Path(sys.executable).parent / "atlas"
    return [str(script)] if script.exists() else [sys.executable, "-m", "atlas.cli"]


FLOOR = ROOT / "benchmarks" / "floor" / "server.py"


class Server:
    """`atlas serve` on a free loopback port, in its own process group (only that group is ended);
    with ``floor``, the floor page (benchmarks/floor) served with the same Streamlit flags."""

    def __init__(self, db: Path, log: Path, floor: bool = False):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, ATLAS_LANG="fr", ATLAS_EDIT="0")
        self.log = log
        self._out = open(log, "a")
        if floor:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
            cmd = [sys.executable, "-m", "streamlit", "run", str(FLOOR), "--server.port", str(self.port),
                   "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
                   "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer", "--theme.base", "light"]
        else:
            cmd = [*_atlas_command(), "serve", "--db", str(db), "--port", str(self.port), "--address", "127.0.0.1"]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=self._out, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_healthy(self, timeout: float) -> float:
        """Seconds from the start of the process to Streamlit's health check answering "ok"."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"atlas serve exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return time.perf_counter() - self.started
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"atlas serve not healthy after {timeout} s:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # start_new_session: pgid == pid
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._out.close()


def new_page(browser, blocked: list[str]):
    """A page that may only reach the local server, as the e2e ``page`` fixture's
    (tests.e2e.helpers.local_only_page): the other requests are aborted and recorded in ``blocked``."""
    from tests.e2e.helpers import local_only_page

    return local_only_page(browser, blocked)


def until(page, predicate, what: str, timeout: float | None = None):
    """Poll ``predicate`` every 50 ms until it returns something truthy (as helpers.wait, finer)."""
    from tests.e2e.helpers import TIMEOUT_S

    deadline = time.monotonic() + (timeout or TIMEOUT_S)
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(POLL_S * 1000)
    raise TimeoutError(f"timed out waiting for {what}")


def _liens(page) -> int | None:
    """The key figure "Liens" if shown, without waiting for it (helpers.metric waits up to 60 s)."""
    from tests.e2e.helpers import as_int

    loc = page.locator('[data-testid="stMetric"]').filter(has_text="Liens").locator('[data-testid="stMetricValue"]')
    if loc.count() == 0:
        return None
    try:
        return as_int(loc.first.inner_text(timeout=2000))
    except Exception:  # replaced while being read
        return None


def load_to_map(page, url: str, t0: float) -> dict:
    """Open ``url`` and follow it to the map drawn; seconds since ``t0`` of each step: the
    document loaded, the key figures shown (the script's first output), the map's iframe present,
    the map drawn."""
    from tests.e2e.helpers import map_state

    page.goto(url, wait_until="domcontentloaded")
    marks = {"document": time.perf_counter() - t0}

    def step():
        now = time.perf_counter() - t0
        if "figures" not in marks and _liens(page) is not None:
            marks["figures"] = now
        if "iframe" not in marks and any("streamlit_folium" in f.url for f in page.frames):
            marks["iframe"] = now
        state = map_state(page)
        if state:
            marks["map"] = time.perf_counter() - t0
            marks.setdefault("figures", marks["map"])
            marks.setdefault("iframe", marks["map"])
            return state
        return None

    marks["state"] = until(page, step, f"the map of {url}")
    return marks


def _search_once(page, url: str, expected: int) -> dict:
    """Type the name, pick its suggestion, wait for the profile's figures and map; the steps."""
    from tests.e2e.helpers import TIMEOUT_S, map_state, wait_idle

    page.goto(url + "/collectivite", wait_until="domcontentloaded")
    frame = page.frame_locator('iframe[title*="searchbox"]')
    box = frame.locator("input")
    box.wait_for(timeout=TIMEOUT_S * 1000)
    wait_idle(page)
    t0 = time.perf_counter()
    box.click()
    box.type(SEARCH_NAME, delay=40)
    typed = time.perf_counter() - t0
    option = frame.locator('[class*="option"]').filter(has_text=SEARCH_OPTION).first
    option.wait_for(timeout=TIMEOUT_S * 1000)
    suggested = time.perf_counter() - t0
    option.click()  # the suggestion picked (the list may still be redrawn for the last letters)
    until(page, lambda: _liens(page) == expected, f"{expected} links of {SEARCH_NAME}", timeout=20)
    figures = time.perf_counter() - t0
    until(page, lambda: (s := map_state(page)) and expected in s["geojson"] and s, f"the map of {SEARCH_NAME}'s ties",
          timeout=20)
    steps = {"typed": typed, "suggested": suggested, "figures": figures, "map": time.perf_counter() - t0}
    wait_idle(page)
    return steps


def _cold_runs(browser, blocked: list[str], start, runs: int) -> tuple[Server, list[dict]]:
    """``runs`` cold starts, each a new server (``start()``; the previous one stopped) and a new
    page followed to its map: the last server, left running, and the steps of each run."""
    from tests.e2e.helpers import TIMEOUT_S, wait_idle

    server, steps = None, []
    try:
        for _ in range(runs):
            if server is not None:
                server.stop()
            page = new_page(browser, blocked)
            server = start()
            healthy = server.wait_healthy(TIMEOUT_S)
            marks = load_to_map(page, server.url + "/", server.started)
            steps.append({"healthy": healthy, **{k: v for k, v in marks.items() if k != "state"}})
            wait_idle(page)
            page.context.close()
    except BaseException:
        if server is not None:
            server.stop()
        raise
    return server, steps


def _first_visits(browser, blocked: list[str], url: str, runs: int) -> list[dict]:
    """``url`` loaded by a new page (a new browser context: an empty cache) each run: each load's steps."""
    from tests.e2e.helpers import wait_idle

    steps = []
    for _ in range(runs):
        page = new_page(browser, blocked)
        marks = load_to_map(page, url, time.perf_counter())
        steps.append({k: v for k, v in marks.items() if k != "state"})
        wait_idle(page)
        page.context.close()
    return steps


def _warm_runs(page, url: str, runs: int) -> list[dict]:
    """``url`` loaded once, then again at least 5 times (``runs``) on the same page: each load's steps."""
    from tests.e2e.helpers import wait_idle

    load_to_map(page, url, time.perf_counter())
    steps = []
    for _ in range(max(runs, 5)):
        wait_idle(page)
        marks = load_to_map(page, url, time.perf_counter())
        steps.append({k: v for k, v in marks.items() if k != "state"})
    return steps


def measure(db: Path, runs: int = 3, log: Path | None = None) -> dict:
    """Every figure of ROWS; the raw runs, their steps, and the load average before and after."""
    import atlas
    from atlas.models import Filters
    from tests.conftest import chromium_path
    from tests.e2e.helpers import CHROMIUM_ARGS, TIMEOUT_S, map_state, wait_idle

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    load0 = os.getloadavg()
    with atlas.open(db) as a:  # the expected counts, before any server opens the file
        expected = {z: len(a.links_frame(Filters(zones=[z]))) for z in ZONES}
        expected_search = len(a.links_frame(Filters(authorities=[SEARCH_ID])))
    log = log or Path(tempfile.mkdtemp(prefix="atlas-app-bench-")) / "server.log"
    out: dict = {"db": str(db), "runs": runs, "log": str(log), "load": [load0[0]],
                 "cold": [], "cold_steps": [], "warm": [], "warm_steps": [], "filter": [], "filter_steps": [],
                 "search": [], "search_steps": [], "floor_cold": [], "floor_warm": [], "floor_first": [],
                 "first": [], "first_steps": []}
    blocked: list[str] = []
    server = floor = None
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            # 0. the floor page: cold server each run, then warm loads, then its server is stopped
            floor, steps = _cold_runs(browser, blocked, lambda: Server(db, log, floor=True), runs)
            out["floor_cold"] = [r["map"] for r in steps]
            page = new_page(browser, blocked)
            out["floor_warm"] = [r["map"] for r in _warm_runs(page, floor.url + "/", runs)]
            page.context.close()
            out["floor_first"] = [r["map"] for r in _first_visits(browser, blocked, floor.url + "/", runs)]
            floor.stop()
            # 1. cold server: a new `atlas serve` each run; the last one stays up for the rest
            server, out["cold_steps"] = _cold_runs(browser, blocked, lambda: Server(db, log), runs)
            out["cold"] = [r["map"] for r in out["cold_steps"]]
            # 2. warm: the same page loads "/" again
            page = new_page(browser, blocked)
            out["warm_steps"] = _warm_runs(page, server.url + "/", runs)
            out["warm"] = [r["map"] for r in out["warm_steps"]]
            out["first_steps"] = _first_visits(browser, blocked, server.url + "/", runs)
            out["first"] = [r["map"] for r in out["first_steps"]]
            # 3. filter change: one zone per run, picked on a freshly loaded national view
            for zone in ZONES[:runs]:
                first = load_to_map(page, server.url + "/", time.perf_counter())["state"]
                wait_idle(page)
                box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Zones géographiques")
                box.locator("input").click()
                page.keyboard.type(zone)
                option = page.get_by_role("option", name=zone, exact=True)
                option.wait_for(timeout=TIMEOUT_S * 1000)
                t0 = time.perf_counter()
                option.click()
                until(page, lambda: _liens(page) == expected[zone], f"{expected[zone]} links in {zone}")
                figures = time.perf_counter() - t0
                until(page, lambda: (s := map_state(page)) and s != first and s, f"the map of {zone}")
                out["filter"].append(time.perf_counter() - t0)
                out["filter_steps"].append({"zone": zone, "links": expected[zone], "figures": figures,
                                            "map": out["filter"][-1]})
            page.context.close()
            # 4. type a name: on a new page of /collectivite each run
            page = new_page(browser, blocked)
            for i in range(runs):
                try:
                    out["search_steps"].append(_search_once(page, server.url, expected_search))
                    out["search"].append(out["search_steps"][-1]["map"])
                # kept apart: one lost pick should not lose every figure
                except (TimeoutError, PlaywrightTimeout, AssertionError) as exc:
                    out.setdefault("failed", []).append(f"search run {i + 1}: {exc}")
                    page.screenshot(path=str(log.with_name(f"search-{i + 1}.png")), full_page=True)
            page.context.close()
        finally:
            if server is not None:
                server.stop()
            if floor is not None:
                floor.stop()
            browser.close()
    out["blocked"] = blocked
    out["load"].append(os.getloadavg()[0])
    return out


def fmt_s(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.1f} s"


def _steps(rows: list[dict], keys: tuple[str, ...]) -> str:
    return ", ".join(f"{k} {fmt_s(statistics.median(r[k] for r in rows))}" for k in keys)


def report(res: dict) -> str:
    """The Markdown table of ``measure``'s results (or the reason they were skipped)."""
    if res.get("skipped"):
        return f"App timings skipped: {res['skipped']}."
    if res.get("error"):
        return f"App timings failed: {res['error']}"
    met = {True: "met", False: "MISSED"}
    lines = [f"Real server (`atlas serve`) on `{res['db']}`, Debian chromium (Playwright, headless, "
             f"{len(res['blocked'])} non-local requests blocked); load average (1 min) {res['load'][0]:.1f} before, "
             f"{res['load'][1]:.1f} after ({os.cpu_count()} cores; above the core count, timings are inflated)", "",
             "| what | before | goal | median | min – max | runs | goal met |", "|---|---|---|---|---|---|---|"]
    for key, what, goal, before in ROWS:
        xs = res[key]
        med = statistics.median(xs) if xs else 0.0
        if not xs:
            lines.append(f"| {what} | {before:g} s | ≤ {goal:g} s | – | – | – | not measured |")
            continue
        lines.append(f"| {what} | {before:g} s | ≤ {goal:g} s | **{fmt_s(med)}** | {fmt_s(min(xs))} – "
                     f"{fmt_s(max(xs))} "
                     f"| {', '.join(fmt_s(x) for x in xs)} | {met[med <= goal]} |")
    for rows, note in ((OTHER_ROWS, "(no goal)"), (FLOOR_ROWS, "(peer)")):
        for key, what in rows:
            xs = res.get(key) or []
            if xs:
                lines.append(f"| {what} | – | – | **{fmt_s(statistics.median(xs))}** | {fmt_s(min(xs))} – "
                             f"{fmt_s(max(xs))} | {', '.join(fmt_s(x) for x in xs)} | {note} |")
    lines += ["", "Steps (medians, seconds from the start of each figure):", "",
              "- cold: " + _steps(res["cold_steps"], ("healthy", "document", "figures", "iframe", "map")),
              "- warm: " + _steps(res["warm_steps"], ("document", "figures", "iframe", "map")),
              *(["- first visit: " + _steps(res["first_steps"], ("document", "figures", "iframe", "map"))]
                if res.get("first_steps") else []),
              "- filter: " + _steps(res["filter_steps"], ("figures", "map")) + " (zones "
              + ", ".join(f"{r['zone']} {r['links']:,} links" for r in res["filter_steps"]) + ")",
              "- search: " + (_steps(res["search_steps"], ("typed", "suggested", "figures", "map"))
                              if res["search_steps"] else "–")]
    if res.get("failed"):
        lines += ["", "Runs that did not finish (not counted): " + "; ".join(res["failed"])]
    return "\n".join(lines)


def main() -> int:
    from atlas import config

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=str(config.default_db_path()), help="demonstration database")
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure (page load: at least 5)")
    parser.add_argument("--json", help="also write the raw measurements (JSON) to this file")
    parser.add_argument("--log", help="the server's log (default: a temporary folder)")
    args = parser.parse_args()
    db = Path(args.db)
    if not db.exists():
        print(f"no database at {db}: run `make db` (or `atlas init`) first", file=sys.stderr)
        return 1
    reason = missing()
    res = {"skipped": reason} if reason else measure(db, max(1, args.runs), Path(args.log) if args.log else None)
    if reason:
        print(f"app timings skipped: {reason}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    print(report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
