"""CLI subcommands of the partnership exchange (Bourse partenariat): `atlas bourse list` (offers
and requests, filtered like the atlas), `atlas bourse show POST` (one post, the posts that answer
it and « Qui d'autre en France ? »). Registered by atlas.cli through ``register(sub, default_db)``.
Data goes to stdout (text, --json or --csv), diagnostics to stderr."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from atlas.errors import printable

if TYPE_CHECKING:  # pandas is imported by the commands that run, not by every command's parser
    import pandas as pd

_LIST_COLUMNS = ("id", "kind", "status", "expires_on", "country_iso2", "zone", "authority_id", "author_name",
                 "themes", "title")


def _codes(text: str | None) -> list[str]:
    return [v.strip() for v in (text or "").split(",") if v.strip()]


def _records(df: pd.DataFrame) -> list[dict]:
    """JSON-ready rows: lists for the array columns, ISO text for dates."""
    import pandas as pd

    out = []
    for row in df.to_dict(orient="records"):
        for key, value in row.items():
            if hasattr(value, "tolist"):
                row[key] = value.tolist()
            elif isinstance(value, pd.Timestamp):
                row[key] = value.date().isoformat() if key == "expires_on" else value.isoformat()
            elif value is not None and not isinstance(value, (str, int, float, bool, list)):
                row[key] = str(value)
            if isinstance(row[key], float) and row[key] != row[key]:  # NaN
                row[key] = None
        out.append(row)
    return out


def _text(value: object) -> str:
    """A value on one terminal line (data from posts: no control character reaches the terminal)."""
    import pandas as pd

    if hasattr(value, "tolist"):
        value = ",".join(str(v) for v in value.tolist())
    if isinstance(value, pd.Timestamp):
        value = f"{value:%Y-%m-%d}"
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    return printable(" ".join(str(value).split()))


def _list(args: argparse.Namespace, handle) -> int:  # noqa: ANN001 - an atlas.Atlas
    from atlas.db import exchange, queries
    from atlas.models import Filters

    filters = Filters(themes=_codes(args.theme), countries=_codes(args.country), zones=_codes(args.zone),
                      sources=_codes(args.source))
    queries.check_codes(handle.db, filters)
    statuses = () if args.status == "all" else tuple(_codes(args.status))
    df = exchange.posts(handle.db, filters, kinds=[args.kind] if args.kind else (), statuses=statuses,
                        include_expired=args.expired)
    if args.json:
        json.dump(_records(df), sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif args.csv:
        out = df.copy()
        out["themes"] = ["; ".join(v) for v in out["themes"]]
        out.to_csv(sys.stdout, index=False)
    else:
        for row in df.itertuples(index=False):
            print("\t".join(_text(getattr(row, c)) for c in _LIST_COLUMNS))
    print(f"{len(df)} offers and requests", file=sys.stderr)
    return 0


def _show(args: argparse.Namespace, handle) -> int:  # noqa: ANN001 - an atlas.Atlas
    from atlas.db import exchange
    from atlas.errors import QueryError

    post = exchange.post(handle.db, args.post)
    if post is None:
        raise QueryError(f"no offer or request {args.post[:80]!r}; list them with `atlas bourse list`")
    matches = exchange.matches(handle.db, args.post)
    who = exchange.who_else(handle.db, args.post, top=args.limit)
    if args.json:
        import pandas as pd

        json.dump({"post": _records(pd.DataFrame([post]))[0], "matches": _records(matches),
                   "who_else": _records(who)}, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for key in ("id", "kind", "status", "title", "authority_id", "author_name", "country_iso2", "zone", "area",
                "action_kind", "themes", "description", "contact", "published_at", "expires_on", "source"):
        print(f"{key:14} {_text(post[key])}")
    print(f"\nmatches ({len(matches)})")
    for row in matches.itertuples(index=False):
        print("\t".join(_text(v) for v in (row.id, row.kind, row.author_name, row.country_iso2 or row.zone,
                                           row.shared_themes, row.title)))
    print(f"\nqui d'autre en France ? ({len(who)})")
    for row in who.itertuples(index=False):
        print("\t".join(_text(v) for v in (row.fr_id, row.fr_name, row.n_projects, row.n_partners, row.themes)))
    return 0


def cmd_bourse(args: argparse.Namespace) -> int:
    import atlas

    with atlas.open(args.db) as handle:
        return _show(args, handle) if args.bourse_action == "show" else _list(args, handle)


def register(sub: argparse._SubParsersAction, default_db: str) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bourse", help="offers and requests of partnership (Bourse partenariat)")
    bs = p.add_subparsers(dest="bourse_action", required=True)
    q = bs.add_parser("list", help="offers and requests (default: open and unexpired), newest first")
    q.add_argument("--theme", help="theme codes, comma-separated (eau,sante)")
    q.add_argument("--country", help="ISO 3166-1 alpha-2 codes of the country concerned, comma-separated")
    q.add_argument("--zone", help="zones, comma-separated ('Afrique subsaharienne')")
    q.add_argument("--source", help="real and/or demo (invented demonstration posts)")
    q.add_argument("--kind", choices=("offre", "demande"))
    q.add_argument("--status", default="ouverte",
                   help="ouverte, appariee, close (comma-separated) or all (default: ouverte)")
    q.add_argument("--expired", action="store_true", help="also the posts past their expiry date")
    fmt = q.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON on stdout")
    fmt.add_argument("--csv", action="store_true", help="CSV on stdout")
    q.add_argument("--db", default=default_db)
    q.set_defaults(func=cmd_bourse)
    q = bs.add_parser("show", help="one post, the posts that answer it and « Qui d'autre en France ? »")
    q.add_argument("post", help="the post's id (see `atlas bourse list`)")
    q.add_argument("--limit", type=int, default=20, help="French authorities listed under « Qui d'autre en France ? »")
    q.add_argument("--json", action="store_true", help="JSON on stdout")
    q.add_argument("--db", default=default_db)
    q.set_defaults(func=cmd_bourse)
