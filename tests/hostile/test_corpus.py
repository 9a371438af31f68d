"""Run the hostile corpus (tests/hostile/corpus.py) against the `atlas` command (issue 8).

Each case checks:

* the exit code (0 imported or ran, 1 an atlas error, 2 usage);
* stderr: never a traceback (no ``Traceback``, no ``File "…", line N`` frame, no
  ``Exception ignored``); for exit 1 exactly one message line (progress-bar lines aside), starting
  with ``atlas``; for exit 2 argparse's usage lines then one ``atlas …: error:`` line;
* after a refusal: the database content is unchanged (row count and hash of every table's
  ordered rows; reference tables by row count) and so are the case's files (no new file either,
  lock files aside);
* after an import: the database changed exactly as the ``--report`` says (projects,
  partnerships, authorities, batch, queue items), nothing absurd was stored (years, amounts,
  SDGs, coordinates), titles are stored literally, and hostile partner names are drawn by
  ``atlas map`` and written by ``atlas export`` literally (escaped in HTML), never evaluated
  (``{{7*7}}`` never becomes 49, ``id`` never runs, no marker file appears).

Speed: ordinary cases call ``atlas.cli.main`` in this process (fd-level capture), several cases
sharing one copy of the reference database per group; bombs, signal and environment cases run
in child processes forked from a server that imported the atlas once (tests/hostile/zygote.py),
under a 1.5 GiB address-space cap, in a background thread while the in-process cases run.
A JSON summary goes to tests/hostile/artifacts/summary.json (printed with ``-s``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
import warnings
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from . import corpus
from .corpus import EVALUATED, Case, row, table

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
MEMORY_CAP = int(1.5 * 2**30)
SUBPROCESS_MODES = ("fork", "fresh", "pipe", "signal")

ALL = corpus.cases()
ORDERED = [c for c in ALL if c.mode == "inproc"] + [c for c in ALL if c.mode != "inproc"]
BY_ID = {c.id: c for c in ALL}

#: Seeds of some groups: imported (through the API) when the group's database is created.
SEEDS: dict[str, str] = {
    "cli": table([row("seed-1"), row("seed-2", fr="Rennes", dep="35", country="Japon", partner="Sendai"),
                  row("seed-3", fr="Lyon", dep="69", country="Mali", partner="Bamako"),
                  row("seed-4", country="Mali", partner="Zork{{7*7}}Zork", lat="12.6392", lon="-8.0029")]),
    "review": table([row("seed-review", fr="Rennes", dep="35", country="Japon", partner="Zork{{7*7}}Zork")]),
    # two open items (unknown partners in Japan) for decisions that name the partner
    "review2": table([row("seed-review2-a", fr="Rennes", dep="35", country="Japon", partner="Zork{{7*7}}Zork"),
                      row("seed-review2-b", fr="Lyon", dep="69", country="Japon", partner="Zork{{8*8}}Zork")]),
}
SEEDS["procs"] = SEEDS["cli"]  # environment and pipe cases (maps, stats) share one seeded copy

#: Tables whose rows an import adds; the rest are reference data (compared by row count).
BIG_TABLE_ROWS = 50_000

PROGRESS = re.compile(r"\d+%\||\|\s*\d+/\d+|\d+(?:\.\d+)?(?:it|row|step)/s")
FRAME = re.compile(r'^\s*File ".*", line \d+', re.M)
#: A traceback starts a line (a hostile value quoting the words inside a message is not one).
TRACEBACK = re.compile(r"^Traceback \(most recent call last\):", re.M)
WARNING_LINE = re.compile(r"\.py:\d+: \w*Warning: ")


# ---- running a command ----------------------------------------------------------------------

@dataclass
class Run:
    code: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float | None = None
    timed_out: bool = False
    signal_sent: bool = False


@dataclass
class Outcome:
    case: Case
    argv: list[str]
    folder: Path
    db: Path
    run: Run
    before: dict[str, Any]
    after: dict[str, Any]
    files_before: dict[str, str]
    files_after: dict[str, str]
    report_path: Path | None
    extra_text: list[str] = field(default_factory=list)  # outputs read by the checks (maps, exports…)
    terminal_text: list[str] = field(default_factory=list)  # stdout/stderr of follow-up commands
    executed: bool = False  # data ran as code (set by the checks)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def run_inproc(argv: list[str], cwd: Path, capfd: pytest.CaptureFixture[str]) -> Run:
    """``atlas ARGV`` in this process, as the entry point runs it (warnings shown as a user sees them)."""
    from atlas.cli import main

    capfd.readouterr()
    old = os.getcwd()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", category)
        warnings.showwarning = _show_warning
        try:
            os.chdir(cwd)
            code = _exit_code(main(list(argv)))
        except SystemExit as exc:
            code = _exit_code(exc.code)
        except Exception:  # what the interpreter does with an uncaught exception
            traceback.print_exc()
            code = 1
        finally:
            os.chdir(old)
            sys.stdout.flush()
            sys.stderr.flush()
    seconds = time.perf_counter() - t0
    out, err = capfd.readouterr()
    return Run(code, out, err, seconds)


def atlas_command() -> list[str]:
    exe = Path(sys.executable).with_name("atlas")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "atlas.cli"]


def _read_capped(path: Path, cap: int = 1 << 20) -> str:
    """The text of an output file (its first and last ``cap`` bytes when bigger)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return ""
    with open(path, "rb") as fh:
        if size <= 2 * cap:
            data = fh.read()
        else:
            data = fh.read(cap) + b"\n[...]\n"
            fh.seek(size - cap)
            data += fh.read()
    return data.decode("utf-8", errors="replace")


class Zygote:
    """Client of tests/hostile/zygote.py (one request at a time)."""

    def __init__(self, log: Path) -> None:
        self.log = open(log, "wb")  # noqa: SIM115 - closed in close()
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen([sys.executable, str(HERE / "zygote.py")], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=env, cwd=str(HERE))
        ready = self.proc.stdout.readline()  # type: ignore[union-attr]
        if not ready:
            raise RuntimeError(f"the fork server did not start: see {log}")

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise RuntimeError("the fork server died")
        return json.loads(answer)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# ---- database and folder snapshots ----------------------------------------------------------

def _stat_sig(db: Path) -> tuple:
    sig = []
    for p in (db, Path(str(db) + ".wal")):
        try:
            st = p.stat()
            sig.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            sig.append(None)
    return tuple(sig)


def fingerprint(db: Path) -> dict[str, Any]:
    """Row count and content hash of every table (reference tables: row count).

    A file DuckDB cannot open any more (overwritten by a command) gives its size and hash.
    """
    if not db.is_file():
        return {"exists": False}
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        data = db.read_bytes()
        return {"exists": True, "unreadable": f"{type(exc).__name__}: {str(exc)[:150]}", "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(), "head": data[:60].decode("utf-8", errors="replace")}
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                            "'main' AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        fp: dict[str, Any] = {"exists": True}
        if not tables:
            return fp
        # one query for the counts, one for the hashes (a query per table cost more than its work)
        counts = dict(con.execute(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)).fetchall())
        small = [t for t in tables if counts[t] <= BIG_TABLE_ROWS]
        # the rows of a table as a multiset: the sum of their hashes (no sort, no text)
        hashes = dict(con.execute(" UNION ALL ".join(f"SELECT '{t}', sum(hash(t)::HUGEINT) FROM \"{t}\" t"
                                                     for t in small)).fetchall()) if small else {}
        for t in tables:
            fp[t] = (counts[t], hashes.get(t))
        return fp
    finally:
        con.close()


def snapshot_dir(folder: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_dir():
                out[rel] = "dir"
            elif p.is_file():
                with open(p, "rb") as fh:
                    out[rel] = hashlib.sha256(fh.read()).hexdigest()
            else:
                out[rel] = "special"
    return out


def sanity(db: Path) -> list[str]:
    """Absurd values stored in the database (there must be none)."""
    last = dt.date.today().year + 10
    queries = {
        "project years or budget": f"SELECT count(*) FROM projects WHERE year_start < 1900 OR year_start > {last} "
                                   f"OR year_end < 1900 OR year_end > {last} OR year_end < year_start "
                                   "OR budget_eur < 0 OR isnan(budget_eur) OR isinf(budget_eur)",
        "partnership years": f"SELECT count(*) FROM partnerships WHERE since < 1900 OR since > {last} "
                             f"OR until < 1900 OR until > {last}",
        "SDG numbers": "SELECT count(*) FROM project_sdgs WHERE sdg < 1 OR sdg > 17",
        "funding amounts": "SELECT count(*) FROM project_funding WHERE amount_eur < 0 OR isnan(amount_eur) "
                           "OR isinf(amount_eur)",
        "coordinates": "SELECT count(*) FROM authorities WHERE lat < -90 OR lat > 90 OR lon < -180 OR lon > 180 "
                       "OR isnan(lat) OR isnan(lon) OR isinf(lat) OR isinf(lon)",
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [f"absurd {what} stored ({n} row(s))" for what, q in queries.items()
                if (n := con.execute(q).fetchone()[0])]
    finally:
        con.close()


def query(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# ---- the runner ------------------------------------------------------------------------------

class Runner:
    def __init__(self, root: Path, ingest_db: Path) -> None:
        self.root = root
        self.base = root / "base.duckdb"
        shutil.copy(ingest_db, self.base)
        self.lock = threading.Lock()
        self.groups: dict[str, Path] = {}
        self.fp_cache: dict[Path, tuple[tuple, dict[str, Any]]] = {}
        self.records: dict[str, dict[str, Any]] = {}
        self.futures: dict[str, Future] = {}
        self.zygote: Zygote | None = None
        self.big: Path | None = None
        self.t0 = time.monotonic()
        self.thread: threading.Thread | None = None

    # databases
    def reset_group(self, group: str) -> None:
        """A case destroyed its group's database: the next cases get a fresh copy."""
        with self.lock:
            db = self.groups.pop(group, None)
        if db is not None:
            shutil.rmtree(db.parent, ignore_errors=True)

    def group_db(self, group: str) -> Path:
        with self.lock:
            if group not in self.groups:
                folder = self.root / "groups" / group
                folder.mkdir(parents=True)
                db = folder / "atlas.duckdb"
                shutil.copy(self.base, db)
                if group in SEEDS:
                    from atlas.ingest.pipeline import import_file

                    seed = folder / "seed.csv"
                    seed.write_text(SEEDS[group], encoding="utf-8")
                    import_file(seed, db)
                self.groups[group] = db
            return self.groups[group]

    def fingerprint(self, db: Path) -> dict[str, Any]:
        sig = _stat_sig(db)
        with self.lock:
            cached = self.fp_cache.get(db)
        if cached and cached[0] == sig:
            return cached[1]
        fp = fingerprint(db)
        with self.lock:
            self.fp_cache[db] = (sig, fp)
        return fp

    def big_import(self, path: Path, rows: int) -> None:
        with self.lock:
            if self.big is None:
                from atlas.ingest.samples import SampleMaker

                big = self.root / f"big_pairs_{rows}.csv"
                con = duckdb.connect(str(self.base), read_only=True)
                try:
                    SampleMaker(con, seed=3).pairs_csv(big, rows)
                finally:
                    con.close()
                self.big = big
        shutil.copy(self.big, path)

    # preparing and running a case
    def prepare(self, case: Case) -> tuple[Path, Path, list[str], Path | None]:
        folder = self.root / "cases" / case.id
        if folder.exists():
            shutil.rmtree(folder)
        case.write(folder, base_db=self.base, big_import=self.big_import)
        db = self.group_db(case.group)
        argv = [self.expand(a, folder, db) for a in case.argv]
        report = None
        if argv[:1] == ["import"]:
            if "--report" in argv:
                report = Path(argv[argv.index("--report") + 1]) if argv.index("--report") + 1 < len(argv) else None
            else:
                report = folder / "report.json"
                argv += ["--report", str(report)]
        return folder, db, argv, report

    def expand(self, text: str, folder: Path, db: Path) -> str:
        text = text.replace("{dir}", str(folder)).replace("{db}", str(db))
        if "{item}" in text:
            items = query(db, "SELECT id FROM review_queue WHERE status = 'open' ORDER BY id")
            text = text.replace("{item}", items[0][0] if items else "no-open-item")
        return text

    def run_inproc(self, case: Case, capfd: pytest.CaptureFixture[str]) -> Outcome:
        folder, db, argv, report = self.prepare(case)
        before, files_before = self.fingerprint(db), snapshot_dir(folder)
        run = run_inproc(argv, folder, capfd)
        return Outcome(case, argv, folder, db, run, before, self.fingerprint(db), files_before, snapshot_dir(folder),
                       report)

    def run_subprocess(self, case: Case) -> Outcome:
        folder, db, argv, report = self.prepare(case)
        before, files_before = self.fingerprint(db), snapshot_dir(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATLAS_")}
        env.update({k: self.expand(v, folder, db) for k, v in case.env.items()})
        out, err = folder.parent / f"{case.id}.stdout", folder.parent / f"{case.id}.stderr"
        if case.mode in ("fork", "signal", "pipe"):
            if self.zygote is None:
                self.zygote = Zygote(self.root / "zygote.log")
            request = {"argv": argv, "cwd": str(folder), "env": env, "stdout": str(out), "stderr": str(err),
                       "limit_as": MEMORY_CAP, "timeout": case.timeout}
            if case.mode == "pipe":
                request["stdout_pipe"] = "closed" if "closed" in case.id else "head"
            if case.signal:
                request.update(signal=case.signal, signal_glob=str(db.parent / f".{db.name}.*.importing*"),
                               signal_delay=1.0)
            answer = self.zygote.run(request)
            run = Run(answer["code"], _read_capped(out), _read_capped(err), answer["seconds"],
                      answer["maxrss_kb"] / 1024, answer["timed_out"], answer["signal_sent"])
        else:
            run = self._run_fresh(case, argv, folder, env, out, err)
        return Outcome(case, argv, folder, db, run, before, self.fingerprint(db), files_before, snapshot_dir(folder),
                       report)

    def _run_fresh(self, case: Case, argv: list[str], folder: Path, env: dict[str, str], out: Path,
                   err: Path) -> Run:
        """A new interpreter (`atlas` as a user starts it)."""
        cmd = atlas_command() + argv
        t0 = time.monotonic()
        with open(err, "wb") as ferr:
            with open(out, "wb") as fout:
                proc = subprocess.Popen(cmd, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=fout, stderr=ferr)
            timer = threading.Timer(case.timeout, lambda: proc.kill())
            timer.start()
            try:
                _pid, status, _usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(status)
        text = _read_capped(out)
        # no peak memory: a child forked from this (big) process inherits its resident size
        return Run(proc.returncode, text, _read_capped(err), round(time.monotonic() - t0, 3),
                   None, time.monotonic() - t0 >= case.timeout)

    # background subprocess cases
    def start_background(self, cases: list[Case]) -> None:
        for c in cases:
            self.futures[c.id] = Future()

        def work() -> None:
            for c in cases:
                fut = self.futures[c.id]
                try:
                    fut.set_result(self.run_subprocess(c))
                except BaseException as exc:  # noqa: BLE001 - handed to the test
                    fut.set_exception(exc)

        self.thread = threading.Thread(target=work, name="hostile-subprocess-cases", daemon=True)
        self.thread.start()

    def background(self, case: Case) -> Outcome:
        if case.id not in self.futures:  # not scheduled (should not happen): run it now
            self.start_background([case])
        return self.futures[case.id].result(timeout=1800)

    def close(self) -> None:
        if self.thread is not None:
            self.thread.join(timeout=5)
        if self.zygote is not None:
            self.zygote.close()

    # results
    def record(self, o: Outcome, problems: list[str]) -> None:
        c, r = o.case, o.run
        text = r.stdout + r.stderr + "".join(o.extra_text)
        report = _load_report(o.report_path) if r.code == 0 else None
        self.records[c.id] = {
            "category": c.category, "mode": c.mode, "expect": c.expect, "exit": r.code,
            "seconds": round(r.seconds, 3), "peak_mb": None if r.peak_mb is None else round(r.peak_mb, 1),
            "traceback": bool(TRACEBACK.search(text) or FRAME.search(text)),
            "internal_error": "atlas: internal error" in r.stderr,
            "code_executed": o.executed,
            "imported": bool(report and (report.get("links_imported", 0) + report.get("projects_imported", 0))),
            "clean_refusal": r.code in (1, 2) and not problems,
            "message": _message(r.stderr),
            "problems": problems,
        }

    def summary(self) -> dict[str, Any]:
        recs = self.records
        subs = {k: v for k, v in recs.items() if BY_ID[k].mode in SUBPROCESS_MODES}
        bombs = {k: v for k, v in subs.items() if BY_ID[k].category == "bomb"}
        worst_t = max(bombs.items(), key=lambda kv: kv[1]["seconds"], default=(None, {}))
        worst_m = max(bombs.items(), key=lambda kv: kv[1]["peak_mb"] or 0, default=(None, {}))
        return {
            "cases_run": len(recs),
            "cases_in_corpus": len(ALL),
            "passed": sum(1 for v in recs.values() if not v["problems"]),
            "failed": sum(1 for v in recs.values() if v["problems"]),
            "wall_seconds": round(time.monotonic() - self.t0, 1),
            "clean_refusals": sum(1 for v in recs.values() if v["clean_refusal"]),
            "imports": sum(1 for v in recs.values() if v["imported"]),
            "tracebacks": sorted(k for k, v in recs.items() if v["traceback"]),
            "internal_errors": sorted(k for k, v in recs.items() if v.get("internal_error")),
            "code_executed": sorted(k for k, v in recs.items() if v["code_executed"]),
            "worst_bomb_seconds": {"case": worst_t[0], "seconds": worst_t[1].get("seconds")},
            "worst_bomb_peak_mb": {"case": worst_m[0], "peak_mb": worst_m[1].get("peak_mb")},
            "memory_cap_mb": MEMORY_CAP // 2**20,
            "subprocess_cases": {k: {f: v[f] for f in ("exit", "seconds", "peak_mb")} for k, v in sorted(subs.items())},
            "failures": {k: v["problems"] for k, v in sorted(recs.items()) if v["problems"]},
        }


def _load_report(path: Path | None) -> dict[str, Any] | None:
    if path is None or not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return None


def message_lines(err: str) -> list[str]:
    """Lines of stderr that are not progress bars (a bar redraws itself with carriage returns)."""
    lines = []
    for raw in err.split("\n"):
        seg = raw.split("\r")[-1].rstrip()
        if seg.strip() and not PROGRESS.search(seg):
            lines.append(seg)
    return lines


def _message(err: str) -> str:
    lines = message_lines(err)
    return lines[-1][:300] if lines else ""


def _unescape(text: str) -> str:
    """HTML/JSON text as a reader sees it: JSON escapes decoded, then HTML entities."""
    t = text.replace("<\\/", "</")
    t = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), t)
    t = t.replace('\\"', '"').replace("\\/", "/").replace("\\\\", "\\")
    return html.unescape(t)


# ---- checks ----------------------------------------------------------------------------------

EXPECTED_CODES = {"imported": {0}, "ran": {0}, "ok": {0}, "refused": {1}, "usage": {2}, "rejected": {1, 2},
                  "clean": {0, 1, 2}, "pipe": {0, 1, 128 + signal.SIGPIPE, -signal.SIGPIPE}}


def check(o: Outcome, runner: Runner, capfd: pytest.CaptureFixture[str] | None) -> list[str]:
    c, r = o.case, o.run
    problems: list[str] = []
    msg = _message(r.stderr)
    if "atlas: internal error" in r.stderr:
        problems.append("internal error (an unexpected exception behind the one-line net): "
                        + next(ln for ln in r.stderr.splitlines() if "internal error" in ln)[:300])
    if o.after.get("unreadable") and not o.before.get("unreadable"):
        problems.append(f"the database was destroyed: it is now {o.after['bytes']} bytes starting "
                        f"{o.after['head'][:40]!r} ({o.after['unreadable'][:80]})")
    for stream, text in (("stderr", r.stderr), ("stdout", r.stdout)):
        if TRACEBACK.search(text) or FRAME.search(text):
            tail = [ln for ln in text.strip().splitlines() if ln.strip()][-1:]
            problems.append(f"traceback on {stream}: {tail[0][:200] if tail else ''}")
        if "Exception ignored" in text:
            problems.append(f"'Exception ignored' on {stream}")
    if r.timed_out:
        problems.append(f"timed out after {r.seconds:.0f} s (killed)")
    if c.expect == "interrupted":
        return problems + _check_interrupted(o)
    if r.code is not None and r.code < 0:
        problems.append(f"killed by signal {-r.code} ({signal.Signals(-r.code).name})")
    if r.code not in EXPECTED_CODES[c.expect]:
        problems.append(f"exit {r.code}, expected {c.expect} ({'/'.join(map(str, sorted(EXPECTED_CODES[c.expect])))})"
                        + (f"; stderr: {msg}" if msg else ""))
    lines = message_lines(r.stderr)
    if c.expect == "pipe":  # the reader is gone: nobody to tell, so silence is fine, a line at most
        if len(lines) > 1:
            problems.append("broken pipe: more than one stderr line: " + " | ".join(lines[:4])[:300])
        return problems + _evaluated(o)
    if r.code == 1:
        if len(lines) != 1:
            problems.append(f"exit 1 with {len(lines)} stderr lines, expected one message line: "
                            + " | ".join(ln[:120] for ln in lines[:4]))
        elif not lines[0].startswith("atlas"):
            problems.append(f"the message does not start with 'atlas': {lines[0][:200]}")
    if r.code == 2:
        if not lines or not re.match(r"^atlas[\w -]*: error: ", lines[-1]):
            problems.append(f"exit 2 without an 'atlas …: error:' last line: {msg}")
        elif any(not (ln.startswith("usage:") or ln.startswith(" ")) for ln in lines[:-1]):
            problems.append("exit 2 with other lines than the usage: " + " | ".join(lines[:-1])[:300])
    if o.after.get("unreadable"):  # nothing more can be read from the database
        return problems + _evaluated(o)
    if r.code in (1, 2):
        problems += _unchanged(o)
    if r.code == 0:
        if o.argv[:1] == ["import"]:
            problems += _check_import(o, runner, capfd)
        elif c.writes_db:
            problems += sanity(o.db)
            if c.literal is not None:
                problems += _check_literal(o, None, runner, capfd)
        elif o.before != o.after:
            problems.append(f"`atlas {o.argv[0]}` changed the database: {_diff(o.before, o.after)}")
        if c.output:
            out = o.folder / c.output
            if not out.is_file():
                problems.append(f"exit 0 but {c.output} was not written")
            else:
                text = _read_capped(out, 8 << 20)
                o.extra_text.append(text)
                for lit in c.output_literal:
                    lit = lit.replace("{dir}", str(o.folder))
                    if lit not in _unescape(text):
                        problems.append(f"{c.output} does not show {lit!r} literally")
                    if "<" in lit and lit in text:
                        problems.append(f"{c.output} holds {lit!r} unescaped (markup would run)")
        if c.expect == "ok" and c.followups:
            problems += _followups(o, runner, capfd, queued=set(), batch=True)
    problems += _evaluated(o)
    return problems


def _unchanged(o: Outcome) -> list[str]:
    problems = []
    if o.before != o.after:
        problems.append(f"refused, but the database changed: {_diff(o.before, o.after)}")
    changed = sorted(k for k in o.files_before if o.files_after.get(k) != o.files_before[k])
    if changed:
        problems.append(f"refused, but input files changed or vanished: {changed[:5]}")
    new = sorted(k for k in o.files_after if k not in o.files_before and not k.endswith(".lock")
                 and not k.startswith("report.json"))
    if new:
        problems.append(f"refused, but new files were left: {new[:5]}")
    report = o.report_path
    if (report is not None and report.is_file() and report.parent == o.folder
            and report.name not in o.files_before):
        problems.append("refused, but a report was written")
    return problems


def _diff(a: dict[str, Any], b: dict[str, Any]) -> str:
    keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    parts = []
    for k in keys[:6]:
        va, vb = a.get(k), b.get(k)
        if isinstance(va, tuple) and isinstance(vb, tuple):
            parts.append(f"{k} {va[0]}→{vb[0]}" + (" (content)" if va[0] == vb[0] else ""))
        else:
            parts.append(f"{k} {va}→{vb}")
    return ", ".join(parts)


def _count(fp: dict[str, Any], table_name: str) -> int:
    v = fp.get(table_name)
    return v[0] if isinstance(v, tuple) else 0


def _check_import(o: Outcome, runner: Runner, capfd: pytest.CaptureFixture[str] | None) -> list[str]:
    c = o.case
    problems: list[str] = []
    report = _load_report(o.report_path)
    if report is None:
        target = o.argv[o.argv.index("--report") + 1] if "--report" in o.argv[:-1] else None
        return [f"exit 0 but no report was written to --report {target!r}"]
    d = {t: _count(o.after, t) - _count(o.before, t) for t in ("projects", "partnerships", "authorities",
                                                               "import_batches", "review_queue")}
    expected = {"projects": report.get("projects_imported", 0), "partnerships": report.get("links_imported", 0),
                "authorities": report.get("authorities_added", 0),
                "import_batches": 1 if report.get("batch_id") else 0,
                "review_queue": report.get("queued", 0) if report.get("batch_id") else 0}
    if report.get("dry_run"):
        expected = dict.fromkeys(expected, 0)
    if d != expected:
        problems.append("the database changed otherwise than the report says: "
                        + ", ".join(f"{k} +{d[k]} (report {expected[k]})" for k in d if d[k] != expected[k]))
    if not report.get("batch_id") and o.before != o.after:
        problems.append(f"no batch reported, but the database changed: {_diff(o.before, o.after)}")
    problems += sanity(o.db)
    added = report.get("links_imported", 0) + report.get("projects_imported", 0)
    if c.expect == "imported" and added < c.min_imported:
        issues = (report.get("errors") or []) + (report.get("unmatched") or []) + (report.get("skipped") or [])
        why = issues[0] if issues else {}
        problems.append(f"nothing imported (expected {c.min_imported}+); first issue: "
                        + json.dumps(why, ensure_ascii=False, default=str)[:300])
    if c.must_report:
        rows = [e.get("row") for key in ("errors", "warnings", "flags") for e in report.get(key) or []]
        if 2 not in rows:
            problems.append("the absurd value of row 2 was taken without an error or a warning")
    if c.title is not None and report.get("batch_id"):
        got = query(o.db, "SELECT title FROM projects WHERE batch_id = ?", [report["batch_id"]])
        if (c.title,) not in got:
            problems.append(f"title not stored literally: expected {c.title!r}, stored {[g[0] for g in got][:3]}")
    elif c.title is not None:
        problems.append(f"title {c.title!r} not imported")
    if c.literal is not None:
        problems += _check_literal(o, report, runner, capfd)
    if c.followups:
        queued = {i.get("value") for key in ("ambiguous", "unmatched") for i in report.get(key) or []}
        problems += _followups(o, runner, capfd, queued, bool(report.get("batch_id")))
    return problems


def _check_literal(o: Outcome, report: dict[str, Any] | None, runner: Runner,
                   capfd: pytest.CaptureFixture[str] | None) -> list[str]:
    """The hostile name, when stored, is shown literally by map (HTML, print formats) and export."""
    c = o.case
    name = c.literal.replace("{dir}", str(o.folder))  # type: ignore[union-attr]
    problems: list[str] = []
    if report is None:  # a review decision: the partner authority carries the name given
        stored = [r[0] for r in query(o.db, "SELECT name FROM authorities WHERE NOT is_french AND name = ?", [name])]
        why = ""
    else:
        batch = report.get("batch_id")
        stored = [r[0] for r in query(o.db, "SELECT name FROM authorities WHERE batch_id = ? AND NOT is_french",
                                      [batch])] if batch else []
        why = ("" if stored else f"; report errors {[e.get('expected') for e in report.get('errors', [])][:2]}"
               f", unmatched {[u.get('reason') for u in report.get('unmatched', [])][:2]}")
    if c.literal_required and name not in stored:
        problems.append(f"partner name not stored literally: expected {name!r}, stored {stored[:3]}{why}")
    names = stored if not c.literal_required else ([name] if name in stored else [])
    if not names or capfd is None or c.country is None:
        return problems
    html_path = o.folder / "map.html"
    r = run_inproc(["map", "--db", str(o.db), "--country", c.country, "-o", str(html_path)], o.folder, capfd)
    if r.code != 0 or not html_path.is_file():
        problems.append(f"`atlas map --country {c.country} -o map.html` exit {r.code}: {_message(r.stderr)}")
    else:
        text = html_path.read_text(encoding="utf-8", errors="replace")
        o.extra_text.append(text)
        shown = _unescape(text)
        for n in names:
            if n not in shown:
                problems.append(f"map HTML does not show {n!r} literally")
            if "<" in n and n in text:
                problems.append(f"map HTML holds {n!r} unescaped (markup would run)")
    if c.check_export:
        csv_path = o.folder / "export.csv"
        r = run_inproc(["export", "--db", str(o.db), "--country", c.country, "-o", str(csv_path)], o.folder, capfd)
        if r.code != 0 or not csv_path.is_file():
            problems.append(f"`atlas export --country {c.country} -o export.csv` exit {r.code}: {_message(r.stderr)}")
        else:
            text = csv_path.read_text(encoding="utf-8-sig", errors="replace")
            o.extra_text.append(text)
            cells = {v for rec in csv.DictReader(text.splitlines(keepends=True)) for v in rec.values()}
            for n in names:
                if n not in cells:
                    problems.append(f"export CSV has no cell {n!r}")
    if c.export_xlsx:
        problems += _check_xlsx_export(o, names, capfd)
    for fmt in c.render:
        path = o.folder / f"map.{fmt}"
        r = run_inproc(["map", "--db", str(o.db), "--country", c.country, "-o", str(path)], o.folder, capfd)
        if r.code != 0:
            problems.append(f"`atlas map -o map.{fmt}` exit {r.code}: {_message(r.stderr)}")
        if TRACEBACK.search(r.stderr):
            problems.append(f"`atlas map -o map.{fmt}`: traceback")
        o.extra_text.append(r.stdout + r.stderr)
    return problems


def _check_xlsx_export(o: Outcome, names: list[str], capfd: pytest.CaptureFixture[str]) -> list[str]:
    """An XLSX export holds the names as text cells: a cell starting with '=' must never become a formula."""
    from openpyxl import load_workbook

    path = o.folder / "export.xlsx"
    r = run_inproc(["export", "--db", str(o.db), "--country", str(o.case.country), "-o", str(path)], o.folder, capfd)
    if r.code != 0 or not path.is_file():
        return [f"`atlas export --country {o.case.country} -o export.xlsx` exit {r.code}: {_message(r.stderr)}"]
    problems = []
    wb = load_workbook(path)
    try:
        formulas = [f"{ws.title}!{cell.coordinate}={cell.value!r}" for ws in wb.worksheets for row_ in ws.iter_rows()
                    for cell in row_ if cell.data_type == "f"]
        values = {str(cell.value) for ws in wb.worksheets for row_ in ws.iter_rows() for cell in row_
                  if cell.value is not None}
    finally:
        wb.close()
    if formulas:
        problems.append(f"export.xlsx holds formula cells (data became code): {formulas[:3]}")
    for n in names:
        if n not in values:
            problems.append(f"export.xlsx has no text cell {n!r}")
    return problems


def _followups(o: Outcome, runner: Runner, capfd: pytest.CaptureFixture[str] | None, queued: set,
               batch: bool) -> list[str]:
    problems = []
    if capfd is None:
        return problems
    for f in o.case.followups:
        literal = f.literal
        argv = [runner.expand(a, o.folder, o.db) for a in f.argv]
        if argv[:1] == ["review"] and o.argv[:1] == ["import"] and literal not in queued:
            continue  # the row was refused, not queued: nothing to list
        if argv[:1] == ["batches"] and not batch:
            continue
        r = run_inproc(argv, o.folder, capfd)
        o.extra_text.append(r.stdout + r.stderr)
        o.terminal_text.append(r.stdout + r.stderr)
        if r.code != f.code:
            problems.append(f"`atlas {' '.join(argv[:1])}` exit {r.code}: {_message(r.stderr)}")
        elif literal is not None and literal not in r.stdout and repr(literal) not in r.stdout:
            problems.append(f"`atlas {argv[0]}` does not show {literal!r} literally")
    return problems


def _evaluated(o: Outcome) -> list[str]:
    c, r = o.case, o.run
    problems = []
    texts = [r.stdout, r.stderr, *o.extra_text]
    for s in (*EVALUATED, *c.forbidden):
        # terminal escapes matter on the terminal (stdout, stderr), not inside written files
        # stdout may carry data (paths written, JSON): escapes are looked for in messages and listings
        where = [r.stderr, *o.terminal_text] if s == "\x1b" else texts
        if any(s in t for t in where):
            what = "sent to the terminal raw" if s == "\x1b" else "data was evaluated or passed on raw"
            problems.append(f"{s!r} in the output: {what}")
            if s in EVALUATED or s == corpus.PASSWD:
                o.executed = True
    if c.marker and (o.folder / c.marker).exists():
        problems.append(f"marker file {c.marker} exists: a shell command from the data ran")
        o.executed = True
    return problems


def _check_interrupted(o: Outcome) -> list[str]:
    c, r = o.case, o.run
    problems = []
    if not r.signal_sent:
        return problems + [f"the import ended (exit {r.code}) before the signal could be sent"]
    if c.signal == signal.SIGINT:
        if r.code != 130:
            problems.append(f"SIGINT: exit {r.code}, expected 130; stderr: {_message(r.stderr)}")
        lines = message_lines(r.stderr)
        if len(lines) != 1 or not lines[0].startswith("atlas"):
            problems.append("SIGINT: expected one 'atlas: …' line, got: " + " | ".join(lines[:4])[:300])
    elif r.code not in (-signal.SIGTERM, 128 + signal.SIGTERM, 1):
        problems.append(f"SIGTERM: exit {r.code}")
    if o.before != o.after:
        problems.append(f"interrupted, but the database changed: {_diff(o.before, o.after)}")
    return problems


# ---- the tests ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def runner(request: pytest.FixtureRequest, ingest_db: Path, tmp_path_factory: pytest.TempPathFactory):
    r = Runner(tmp_path_factory.mktemp("hostile"), ingest_db)
    selected = [item.callspec.params["case"] for item in request.session.items
                if getattr(item, "callspec", None) and isinstance(item.callspec.params.get("case"), Case)]
    r.start_background([c for c in selected if c.mode in SUBPROCESS_MODES])
    yield r
    r.close()
    summary = r.summary()
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "summary.json"
    # backslashreplace: names that are not UTF-8 (surrogate escapes) are written escaped
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8",
                    errors="backslashreplace")
    (ARTIFACTS / "cases.json").write_text(json.dumps(r.records, ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8", errors="backslashreplace")
    brief = {k: v for k, v in summary.items() if k not in ("subprocess_cases", "failures")}
    brief["failures"] = len(summary["failures"])
    print(f"\nhostile corpus summary ({path}):\n" + json.dumps(brief, ensure_ascii=False, indent=2))


@pytest.mark.parametrize("case", ORDERED, ids=[c.id for c in ORDERED])
def test_case(case: Case, runner: Runner, capfd: pytest.CaptureFixture[str]) -> None:
    if case.mode in SUBPROCESS_MODES:
        outcome = runner.background(case)
    else:
        outcome = runner.run_inproc(case, capfd)
    try:
        problems = check(outcome, runner, capfd)
    except Exception as exc:  # a check that cannot even run is a failure of the case
        problems = [f"check crashed: {type(exc).__name__}: {exc}"]
    runner.record(outcome, problems)
    if outcome.after.get("unreadable") and not outcome.before.get("unreadable"):
        runner.reset_group(case.group)
    assert not problems, f"{case.id} ({case.note or case.category}): " + "\n  ".join(
        [f"argv: {outcome.argv!r}"[:400], *problems])


def test_corpus_size() -> None:
    """The corpus covers every family of the issue, with at least 250 cases."""
    assert len(ALL) >= 250
    assert {c.category for c in ALL} >= {"encoding", "delimiter", "formula", "markup", "template", "absurd", "bomb",
                                         "damaged", "path", "cli", "process"}
