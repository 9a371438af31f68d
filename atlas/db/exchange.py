"""The partnership exchange (Bourse partenariat), read side: offers and requests, their matches, and
who else in France already works there.

A post concerns a foreign country (the one a French author seeks, a foreign author's own) or,
without a country, a zone. Filters are the atlas's own (:class:`atlas.models.Filters`) where they
apply — themes, countries, zones, SDGs (through the themes' default SDGs), the French author's
région, département, level and id, kinds of action, sources — plus the exchange's own: kind of
post, status, and whether expired posts are shown. Every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import pandas as pd

from atlas.db.connection import ReadOnlyDatabase
from atlas.db.sqlfiles import sql
from atlas.errors import QueryError
from atlas.models import EXCHANGE_KINDS, EXCHANGE_STATUSES, Filters

POST_KINDS = tuple(c.code for c in EXCHANGE_KINDS)
POST_STATUSES = tuple(c.code for c in EXCHANGE_STATUSES)


def _today(today: dt.date | None) -> dt.date:
    return today or dt.datetime.now(dt.timezone.utc).date()


def _base() -> str:
    return sql("exchange_base")


def _check(field: str, values: Iterable[str], known: tuple[str, ...]) -> list[str]:
    values = [str(v) for v in values]
    unknown = [v[:60] for v in values if v not in known]
    if unknown:
        raise QueryError(f"unknown {field}: {unknown[:10]}; expected one of: {', '.join(known)}")
    return values


def _where(filters: Filters, kinds: Iterable[str], statuses: Iterable[str], include_expired: bool
           ) -> tuple[str, dict[str, Any]]:
    terms: list[str] = []
    params: dict[str, Any] = {}
    if filters.themes:
        params["themes"] = list(filters.themes)
        terms.append("len(list_intersect(themes, $themes::VARCHAR[])) > 0")
    if filters.sdgs:
        params["sdgs"] = [int(s) for s in filters.sdgs]
        terms.append("len(list_intersect(themes, (SELECT list(theme_code) FROM theme_sdgs "
                     "WHERE list_contains($sdgs::INTEGER[], sdg)))) > 0")
    scalar = (("countries", "country_iso2"), ("zones", "zone"), ("regions", "author_region"),
              ("departements", "author_departement"), ("levels", "author_level"), ("kinds", "action_kind"),
              ("authorities", "authority_id"), ("sources", "origin"))
    for field, column in scalar:
        values = list(getattr(filters, field))
        if values:
            params[field] = [str(v) for v in values]
            terms.append(f"list_contains(${field}::VARCHAR[], {column})")
    kinds = _check("post kinds", kinds, POST_KINDS)
    if kinds:
        params["post_kinds"] = kinds
        terms.append("list_contains($post_kinds::VARCHAR[], kind)")
    statuses = _check("post statuses", statuses, POST_STATUSES)
    if statuses:
        params["post_statuses"] = statuses
        terms.append("list_contains($post_statuses::VARCHAR[], status)")
    if not include_expired:
        terms.append("NOT expired")
    return "WHERE " + (" AND ".join(terms) if terms else "TRUE"), params


def posts(db: ReadOnlyDatabase, filters: Filters = Filters(), kinds: Iterable[str] = (),
          statuses: Iterable[str] = (), include_expired: bool = False, today: dt.date | None = None,
          limit: int = 5000) -> pd.DataFrame:
    """Offers and requests matching ``filters`` (newest first, at most ``limit``).

    ``kinds``: ``offre``, ``demande``; ``statuses``: ``ouverte``, ``appariee``, ``close`` (empty: all);
    expired posts (``expires_on`` before ``today``) only with ``include_expired``. Columns: id, kind,
    authority_id, author_name, author_level, author_is_french, author_country, author_departement,
    author_region, lon, lat (the author's point), title, description, country_iso2, country_name_fr,
    country_name_en, zone, area, action_kind, contact, status, published_at, expires_on, expired,
    themes (list), origin (``real``/``demo``), source, user_name, batch_id.
    """
    where, params = _where(filters, kinds, statuses, include_expired)
    query = f"WITH posts AS ({_base()}) SELECT * FROM posts {where} ORDER BY published_at DESC, id LIMIT $limit"
    return db.df(query, {**params, "today": _today(today), "limit": int(limit)})


def post(db: ReadOnlyDatabase, post_id: str, today: dt.date | None = None) -> dict[str, Any] | None:
    """One post (the columns of :func:`posts`), or None."""
    df = db.df(f"WITH posts AS ({_base()}) SELECT * FROM posts WHERE id = $id",
               {"id": str(post_id), "today": _today(today)})
    return None if df.empty else df.iloc[0].to_dict()


def matches(db: ReadOnlyDatabase, post_id: str, today: dt.date | None = None) -> pd.DataFrame:
    """The posts that answer ``post_id``: open and unexpired, of the opposite kind, by another
    authority, about the same country (a post naming only a zone: the same zone; a post of the
    country's zone with no country also answers), sharing at least one theme. Best first: same
    country, then more shared themes, the same kind of action, the newest. Columns of :func:`posts`
    plus shared_themes, n_shared, same_country."""
    query = sql("exchange_matches").replace("{base}", _base())
    return db.df(query, {"id": str(post_id), "today": _today(today)})


def who_else(db: ReadOnlyDatabase, post_id: str, top: int = 20, today: dt.date | None = None) -> pd.DataFrame:
    """« Qui d'autre en France ? »: French authorities other than the author whose projects are in
    the post's country (a post naming only a zone: in that zone) on one of its themes. Columns:
    fr_id, fr_name, fr_level, fr_departement, fr_region, n_partners, n_projects (distinct, on those
    themes there), themes (the post's themes they work on), partners (names), origins."""
    query = sql("exchange_who_else").replace("{base}", _base())
    return db.df(query, {"id": str(post_id), "today": _today(today), "top": int(top)})


def open_offers(db: ReadOnlyDatabase, authority_id: str, today: dt.date | None = None) -> pd.DataFrame:
    """The open, unexpired offers and requests of one authority (its profile), newest first."""
    return posts(db, Filters(authorities=(authority_id,)), statuses=("ouverte",), today=today)


def counts(db: ReadOnlyDatabase, today: dt.date | None = None) -> dict[str, int]:
    """Open unexpired offers and requests, and all posts."""
    row = db.rows(f"""WITH posts AS ({_base()})
                      SELECT count(*) FILTER (WHERE kind = 'offre' AND status = 'ouverte' AND NOT expired),
                             count(*) FILTER (WHERE kind = 'demande' AND status = 'ouverte' AND NOT expired),
                             count(*) FROM posts""", {"today": _today(today)})[0]
    return {"offers": int(row[0]), "requests": int(row[1]), "posts": int(row[2])}
