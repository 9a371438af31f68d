"""CLI subcommands of the import side: import, template, batches, undo, review.

Registered by atlas.cli through ``register(sub, default_db)``. Data (tables, JSON) goes to stdout,
the import summary, progress bars and messages to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from atlas.errors import printable
# the format names only (atlas.ingest.formats would load the readers, pandas and DuckDB to parse
# the command line of every command)
from atlas.ingest.headers import FORMATS


def _err(msg: str) -> None:
    # Messages quote file names and values from files: control characters are shown as escapes.
    print("\n".join(printable(line) for line in str(msg).split("\n")), file=sys.stderr)


class _Bar:
    """tqdm bars for pipeline stages; shown only when a stage lasts (tqdm ``delay``)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.stage: str | None = None
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=max(total, 1), desc=f"atlas import: {stage}", unit="row", file=sys.stderr,
                            delay=0.7, leave=False, dynamic_ncols=True, disable=not sys.stderr.isatty())
        if self.bar is not None:
            self.bar.total = max(total, 1)
            self.bar.n = done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


#: Exit code of `atlas import` when the import was committed but the --report file could not be
#: written afterwards (disk full, folder removed meanwhile…): not 0, since the report asked for is
#: missing, and not 1, since the database did change (see docs/import.md).
EXIT_REPORT_NOT_WRITTEN = 3

IMPORT_EPILOG = f"""exit codes:
  0  the import ran: its rows were committed (or, with --dry-run, checked); rows refused or
     queued for review are listed in the summary and the report
  1  nothing was imported, the database is unchanged: unreadable file, wrong format, missing or
     duplicate columns, --strict refusal, --report path not writable, database problem
  2  usage error (unknown option, --max-mb or --delimiter not accepted…): nothing was done
  {EXIT_REPORT_NOT_WRITTEN}  the import WAS committed (a warning gives its batch id, which `atlas undo` removes) but
     the --report file could not be written afterwards
"""


def cmd_import(args: argparse.Namespace) -> int:
    from atlas.errors import OutputPathError
    from atlas.ingest.headers import shown_path
    from atlas.ingest.pipeline import import_file
    from atlas.ingest.report import check_output_file

    if args.report is not None:  # checked before anything is read or written ("" is refused too)
        check_output_file(args.report, "report", protected=(("the database", args.db), ("the file to import", args.file),
                                                            ("the mapping file", args.mapping)))
    bar = _Bar(args.quiet)
    try:
        report = import_file(args.file, args.db, format=args.format, dry_run=args.dry_run, mapping=args.mapping,
                             encoding=args.encoding, delimiter=args.delimiter, sheet=args.sheet, kind=args.kind,
                             strict=args.strict, max_bytes=max(1, int(args.max_mb * 1024 * 1024)), progress=bar)
    finally:
        bar.close()
    failed = None
    if args.report:
        try:
            report.write(args.report)
        except OSError as exc:
            failed = exc.strerror or str(exc)
    if args.json:
        print(report.to_json())
    _err(report.summary())
    if failed is None:
        if args.report:
            _err(f"  report written to {args.report}")
        return 0
    where = shown_path(args.report)
    if report.batch_id and not report.dry_run:
        _err(f"atlas: warning: the import WAS committed (batch {report.batch_id}) but the report could not be "
             f"written to {where}: {failed}; `atlas batches --json` shows its summary, `atlas undo "
             f"{report.batch_id}` removes it")
        return EXIT_REPORT_NOT_WRITTEN
    raise OutputPathError(f"cannot write the report to {where}: {failed}; nothing was written to the database")


def cmd_template(args: argparse.Namespace) -> int:
    from atlas.ingest.formats import actor_template, template

    actors = getattr(args, "actors", False)  # the actor-directory template (annuaire d'acteurs)
    if args.output == "-":
        sys.stdout.write((actor_template if actors else template).template_csv(args.empty))
        return 0
    path = (actor_template.write_actor_template if actors else template.write_template)(args.output, empty=args.empty)
    _err(f"template written to {path} — fill one row per {'actor' if actors else 'project or partnership'}; see its "
         "'Lisez-moi' sheet or docs/import.md, then `atlas import " + str(path) + "`")
    return 0


def cmd_batches(args: argparse.Namespace) -> int:
    from atlas.ingest.batches import list_batches

    rows = list_batches(args.db)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return 0
    if not rows:
        _err("no import batch")
        return 0
    keys = ("id", "imported_at", "format", "file_name", "rows_read", "n_links", "n_projects", "authorities", "queued")
    table = [[printable(str(r[k])) if r[k] is not None else "" for k in keys] for r in rows]
    widths = [max(len(k), *(len(t[i]) for t in table)) for i, k in enumerate(keys)]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths)))
    for t in table:
        print("  ".join(v.ljust(w) for v, w in zip(t, widths)))
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    from atlas.ingest.batches import undo_batch

    removed = undo_batch(args.db, args.batch)
    _err(f"undid batch {args.batch}: removed " + ", ".join(f"{v} {k}" for k, v in removed.items()))
    return 0


def _print_items(items: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return
    if not items:
        _err("the review queue is empty")
        return
    # One entry per distinct value (a decision settles all its rows), most rows first.
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for it in items:
        groups.setdefault((it["decision_key"], it["status"]), []).append(it)
    for (_key, status), rows in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        it = rows[0]
        where = ", ".join(f"{name} row {', '.join(str(r['row']) for r in rs)}" for name, rs in
                          _by_file(rows).items())
        print(printable(f"{it['id'][:8]}  {status:8} {it['side']:7} {it['value']!r} ({it['context'] or '—'}) — "
                        f"{len(rows)} row(s): {where} — {it['detail']}"))
        for n, c in enumerate(it["candidates"], 1):
            print(printable(f"          {n:>2}. {c['name']} [{c['id']}] {c['detail']}"))


def _by_file(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["file_name"] or "?", []).append(r)
    return out


def _interactive(db: str, items: list[dict[str, Any]]) -> list[Any]:
    """Ask, for each distinct value, which candidate is right; returns the decisions."""
    from atlas.ingest.review import Decision

    decisions: list[Decision] = []
    seen: set[str] = set()
    for it in items:
        if it["decision_key"] in seen:
            continue
        seen.add(it["decision_key"])
        same = sum(1 for x in items if x["decision_key"] == it["decision_key"])
        _err(f"\n[{it['id'][:8]}] {it['side']} {it['value']!r} ({it['context'] or '—'}), {same} row(s): {it['detail']}")
        for n, c in enumerate(it["candidates"], 1):
            _err(f"  {n:>2}. {c['name']} [{c['id']}] {c['detail']}")
        help_ = "number = pick, 'id ID' = authority id, " + ("'c LAT LON' = coordinates, " if it["side"] == "partner" else "") \
            + "i = ignore the row(s), Enter = skip, q = quit"
        while True:
            try:
                answer = input(f"  choice ({help_}): ").strip()
            except EOFError:
                return decisions
            if answer in ("", "s"):
                break
            if answer == "q":
                return decisions
            if answer == "i":
                decisions.append(Decision(it["id"], ignore=True))
                break
            if answer.isdigit() and 1 <= int(answer) <= len(it["candidates"]):
                decisions.append(Decision(it["id"], pick=int(answer)))
                break
            parts = answer.replace(",", " ").split()
            if parts[0] == "id" and len(parts) == 2:
                decisions.append(Decision(it["id"], authority_id=parts[1]))
                break
            if parts[0] == "c" and len(parts) == 3 and it["side"] == "partner":
                try:
                    decisions.append(Decision(it["id"], lat=float(parts[1]), lon=float(parts[2])))
                    break
                except ValueError:
                    pass
            _err("  not understood")
    return decisions


def cmd_review(args: argparse.Namespace) -> int:
    import re

    from atlas.ingest.review import Decision, decide, list_queue

    action = getattr(args, "review_action", None)
    decisions: list[Decision] = []
    if action == "pick":
        decisions = [Decision(args.item, pick=int(args.number)) if re.fullmatch(r"[0-9]{1,6}", args.number)
                     else Decision(args.item, authority_id=args.number)]
    elif action == "place":
        decisions = [Decision(args.item, lat=args.lat, lon=args.lon, name=args.name, country=args.country)]
    elif action == "ignore":
        decisions = [Decision(args.item, ignore=True)]
    else:
        items = list_queue(args.db, include_closed=args.all)
        if args.list or args.json or args.all or not sys.stdin.isatty():
            _print_items(items, args.json)
            return 0
        if not items:
            _err("the review queue is empty")
            return 0
        decisions = _interactive(args.db, items)
        if not decisions:
            _err("no decision taken")
            return 0
    result = decide(args.db, decisions)
    msg = f"{len(decisions)} decision(s) recorded; {result['settled']} queue item(s) settled"
    if result["batch_id"]:
        msg += (f"; {result['rows']} row(s) imported (batch {result['batch_id']}: {result['links']} links, "
                f"{result['projects']} projects)")
    _err(msg)
    return 0


#: Largest --max-mb accepted: a file is read into memory whole.
MAX_MB = 4096


def _max_mb(text: str) -> float:
    import math

    expected = f"a size in MB above 0 and at most {MAX_MB}, such as 64 or 0.5"
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}; got {text[:40]!r}") from None
    if not math.isfinite(value) or not 0 < value <= MAX_MB:
        raise argparse.ArgumentTypeError(f"expected {expected}; got {text[:40]!r}")
    return value


def _delimiter(text: str) -> str:
    from atlas.ingest.headers import check_delimiter

    try:
        return check_delimiter(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected {exc}; got {text[:40]!r}") from None


def _encoding(text: str) -> str:
    from atlas.ingest.headers import check_encoding

    try:
        return check_encoding(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected {exc}; got {text[:40]!r}") from None


def _kind(text: str) -> str:
    from atlas.ingest.normalize import ValueProblem
    from atlas.ingest.vocab import parse_kind

    try:
        code = parse_kind(text)
    except ValueProblem as exc:
        raise argparse.ArgumentTypeError(f"expected {exc.expected}; got {text[:40]!r}") from None
    if code is None:
        raise argparse.ArgumentTypeError("expected a kind of action such as jumelage; got an empty value")
    return code


def _nonempty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a name; got an empty value")
    return text


def _degrees(kind: str, limit: float):  # noqa: ANN202 - an argparse type
    def parse(text: str) -> float:
        import math

        expected = f"a {kind} in decimal degrees from -{limit:g} to {limit:g}, such as 48.85"
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}; got {text[:40]!r}") from None
        if not math.isfinite(value) or not -limit <= value <= limit:
            raise argparse.ArgumentTypeError(f"expected {expected}; got {text[:40]!r}")
        return value

    parse.__name__ = kind
    return parse


def register(sub: argparse._SubParsersAction, default_db: str) -> None:  # type: ignore[type-arg]
    """Add the import subcommands to the `atlas` parser."""
    p = sub.add_parser("import", help="import a file (project table, pair list, twinning directory, template)",
                       description="Import a CSV/XLSX/XLS/ODS/text file. The database changes all at once or not at "
                                   "all. A value that cannot be read exactly refuses its row (listed in the report); "
                                   "it is never guessed.",
                       epilog=IMPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", help="file to import (.csv, .txt, .xlsx, .xls, .ods)")
    p.add_argument("--format", choices=FORMATS, default="auto", help="input format (default: detected)")
    p.add_argument("--db", default=default_db, help=f"database file (default: {default_db})")
    p.add_argument("--dry-run", action="store_true", help="match and report, write nothing")
    p.add_argument("--report", metavar="PATH", help="write the full JSON report there (its folder must exist; "
                                                    "checked before importing)")
    p.add_argument("--json", action="store_true", help="print the JSON report on stdout")
    p.add_argument("--mapping", metavar="FILE", help="column mapping file (TOML or JSON; see docs/import.md)")
    p.add_argument("--encoding", type=_encoding,
                   help="text encoding such as utf-8, cp1252, latin-1 (default: detected: UTF-8, else Windows-1252)")
    p.add_argument("--delimiter", type=_delimiter,
                   help="CSV delimiter: one character such as ; , | or 'tab' (default: detected among ; , tab |)")
    p.add_argument("--sheet", type=_nonempty, help="sheet of a workbook (default: the first with recognised columns)")
    p.add_argument("--kind", type=_kind,
                   help="kind of action when the file does not say (default: jumelage for pair lists and "
                        "directories, coopération décentralisée for project tables)")
    p.add_argument("--strict", action="store_true", help="refuse the whole file if any row is refused or queued")
    p.add_argument("--max-mb", type=_max_mb, default=64.0,
                   help=f"refuse files bigger than this (MB, above 0 and at most {MAX_MB}, default 64)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("template", help="write the import template (CSV or XLSX)")
    p.add_argument("-o", "--output", required=True, help="file to write: .xlsx or .csv ('-' for CSV on stdout)")
    p.add_argument("--empty", action="store_true", help="headers only, no example rows")
    p.add_argument("--actors", action="store_true", help="the template of actor directories (annuaire d'acteurs)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("batches", help="list import batches")
    p.add_argument("--db", default=default_db)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_batches)

    p = sub.add_parser("undo", help="undo an import batch (see `atlas batches`)")
    p.add_argument("batch", help="batch id")
    p.add_argument("--db", default=default_db)
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("review", help="review queue: list ambiguous and unmatched rows, pick candidates",
                       description="Without a subcommand: interactive on a terminal, else a listing.")
    p.add_argument("--db", default=default_db)
    p.add_argument("--list", action="store_true", help="list open items (no questions)")
    p.add_argument("--all", action="store_true", help="list every item, decided ones too")
    p.add_argument("--json", action="store_true", help="list as JSON")
    p.set_defaults(func=cmd_review)
    rs = p.add_subparsers(dest="review_action")
    q = rs.add_parser("pick", help="choose candidate N (or an authority id) for an item")
    q.add_argument("item", help="item id (its first characters are enough)")
    q.add_argument("number", help="candidate number, or an authority id such as commune:93066")
    q.add_argument("--db", default=argparse.SUPPRESS, help="database file (may also come before the action)")
    q.set_defaults(func=cmd_review)
    q = rs.add_parser("place", help="place a partner item by coordinates")
    q.add_argument("item")
    q.add_argument("lat", type=_degrees("latitude", 90.0))
    q.add_argument("lon", type=_degrees("longitude", 180.0))
    q.add_argument("--name", help="name to show (default: as written in the file)")
    q.add_argument("--country", help="country (default: as written in the file)")
    q.add_argument("--db", default=argparse.SUPPRESS, help="database file (may also come before the action)")
    q.set_defaults(func=cmd_review)
    q = rs.add_parser("ignore", help="do not import an item's row")
    q.add_argument("item")
    q.add_argument("--db", default=argparse.SUPPRESS, help="database file (may also come before the action)")
    q.set_defaults(func=cmd_review)
