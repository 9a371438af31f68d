"""CLI subcommands of accounts: `atlas users add NAME --role admin` (the first administrator),
`atlas users list`. Registered by atlas.cli through ``register(sub, default_db)``."""

from __future__ import annotations

import argparse
import getpass
import sys


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def cmd_users(args: argparse.Namespace) -> int:
    from atlas.ingest.accounts import add_user, list_users

    if args.users_action == "add":
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif sys.stdin.isatty():
            password = getpass.getpass(f"password for {args.name}: ")
            if getpass.getpass("again: ") != password:
                _err("atlas: error: the two passwords differ; nothing was stored")
                return 1
        else:
            _err("atlas: error: no terminal to ask the password: pipe it with --password-stdin")
            return 1
        user = add_user(args.db, args.name, args.role, password, scope=args.scope)
        _err(f"user {user.name} added ({user.role}" + (f", acts for {user.scope}" if user.scope else "") + ")")
        return 0
    for u in list_users(args.db):
        print(f"{u['name']:24} {u['role']:12} {u['scope'] or '—':20} "
              f"{'locked' if u['locked_until'] else ''}{'disabled' if u['disabled'] else ''}")
    return 0


def register(sub: argparse._SubParsersAction, default_db: str) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("users", help="accounts of an editing server (atlas serve --edit)")
    p.set_defaults(func=cmd_users, users_action="list")
    us = p.add_subparsers(dest="users_action")
    q = us.add_parser("add", help="create a user (asks the password, or reads it with --password-stdin)")
    q.add_argument("name", help="user name: 2 to 64 letters, digits, '.', '_', '@' or '-'")
    q.add_argument("--role", required=True, choices=("admin", "contributor", "reader"),
                   help="admin: everything and users; contributor: the records of --scope; reader: nothing to change")
    q.add_argument("--scope", help="for a contributor: the authority it acts for, e.g. commune:26198, "
                                   "departement:26, region:84 (a territory covers the authorities inside it)")
    q.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    q.add_argument("--db", default=default_db)
    q.set_defaults(func=cmd_users)
    q = us.add_parser("list", help="list the users")
    q.add_argument("--db", default=default_db)
    q.set_defaults(func=cmd_users)
