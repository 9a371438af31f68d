"""« À jour au … »: an authority confirms that its records are current; an observatory sees which
authorities have not confirmed for a while (stale records)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from atlas.ingest.accounts import AccountError, User, covers, log
from atlas.ingest.load import atomic_write, read_only, table_exists

#: Records not confirmed for this long are stale (the ministry asks for a yearly update).
STALE_MONTHS = 12


def confirm(db: str | Path, user: User, authority_id: str) -> dt.datetime:
    """Record that ``authority_id``'s records are current, as of now; returns the time stored."""
    if not user.may_edit():
        raise AccountError(f"{user.name} ({user.role}) may not confirm records")
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    with atomic_write(db) as txn:
        if not covers(txn.con, user, authority_id):
            raise AccountError(f"{user.name} acts for {user.scope}: it may not confirm the records of {authority_id}")
        txn.con.execute("INSERT INTO confirmations VALUES (?, ?, ?)", [authority_id, now, user.name])
        log(txn.con, user.name, "confirm", authority_id, f"records current as of {now:%Y-%m-%d}")
    return now


def stale(db: str | Path, months: int = STALE_MONTHS, today: dt.date | None = None) -> pd.DataFrame:
    """French authorities holding real (not invented) records whose last confirmation is older
    than ``months`` or missing: id, name, partnerships, projects, last confirmation, oldest first."""
    limit = (today or dt.date.today()) - dt.timedelta(days=round(months * 30.44))
    with read_only(db) as con:
        confirmed = "confirmations" if table_exists(con, "confirmations") else \
            "(SELECT NULL::VARCHAR AS authority_id, NULL::TIMESTAMP AS confirmed_at)"
        return con.execute(f"""
            WITH held AS (
                SELECT fr_id, count(DISTINCT partnership_id) AS partnerships, count(DISTINCT project_id) AS projects
                FROM link_facts WHERE origin = 'real' GROUP BY fr_id),
            last AS (SELECT authority_id, max(confirmed_at) AS confirmed_at FROM {confirmed} GROUP BY 1)
            SELECT h.fr_id AS id, a.name, h.partnerships, h.projects, l.confirmed_at AS last_confirmed
            FROM held h JOIN authorities a ON a.id = h.fr_id LEFT JOIN last l ON l.authority_id = h.fr_id
            WHERE l.confirmed_at IS NULL OR l.confirmed_at < ?::DATE
            ORDER BY l.confirmed_at NULLS FIRST, h.partnerships + h.projects DESC, h.fr_id""", [limit]).df()
