"""The partnership exchange (Bourse partenariat), write side: publish an offer or a request, mark it
matched or closed, withdraw it.

Only a signed-in user whose account covers the author authority may do so
(:func:`atlas.ingest.accounts.covers`; an administrator: any authority, also a foreign one).
Each publication is one import batch (format ``exchange``, source "Publication de <user>"), so
undoing that batch (atlas.ingest.batches) removes the post, its themes and the author it brought,
and every change is a line of ``audit_log``. Every write goes through
:func:`atlas.ingest.load.atomic_write`: a refused value writes nothing. Text is stored as given
(trimmed) and is always shown as text, never as markup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from atlas.errors import AtlasError
from atlas.ingest.accounts import AccountError, User, covers, log
from atlas.ingest.batches import Provenance, _delete_batch, new_batch_id, record_batch
from atlas.ingest.load import atomic_write
from atlas.models import EXCHANGE_KINDS, EXCHANGE_STATUSES, KIND_BY_CODE, THEME_BY_CODE, ZONES

POST_KINDS = tuple(c.code for c in EXCHANGE_KINDS)
POST_STATUSES = tuple(c.code for c in EXCHANGE_STATUSES)
#: Longest texts accepted (characters).
MAX_TITLE, MAX_DESCRIPTION, MAX_CONTACT, MAX_AREA = 200, 4000, 300, 120
MAX_THEMES = 5
#: How far ahead a post may expire (days), and the default lifetime of a post.
MAX_DAYS, DEFAULT_DAYS = 2 * 366, 183
#: Control characters refused: in one-line fields, also line breaks (tabs are allowed everywhere).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_CONTROL_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ExchangeError(AtlasError):
    """An offer or request that cannot be published or changed; the message says what was received
    and what was expected."""


@dataclass
class Post:
    """What the publishing form asks. ``country_iso2``: the foreign country concerned (sought by a
    French author; a foreign author's own, filled in when left empty); ``zone`` only without a
    country; ``expires_on`` by default in six months."""

    kind: str  # offre, demande
    authority_id: str
    title: str
    themes: tuple[str, ...] = field(default_factory=tuple)
    country_iso2: str | None = None
    zone: str | None = None
    area: str = ""
    action_kind: str | None = None
    description: str = ""
    contact: str = ""
    expires_on: dt.date | None = None


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def _shown(value: object, n: int = 60) -> str:
    text = str(value)
    return repr(text if len(text) <= n else text[:n] + "…")


def _text(name: str, value: str | None, limit: int, required: bool = False, lines: bool = False) -> str:
    text = (value or "").strip()
    if lines:
        text = text.replace("\r\n", "\n")
    if required and not text:
        raise ExchangeError(f"{name}: empty; expected 1 to {limit} characters")
    if len(text) > limit:
        raise ExchangeError(f"{name}: {len(text)} characters received; expected at most {limit}")
    bad = (_CONTROL_LINES if lines else _CONTROL).search(text)
    if bad:
        raise ExchangeError(f"{name}: control character U+{ord(bad.group(0)):04X} at position {bad.start() + 1}; "
                            "expected printable text" + (" and line breaks" if lines else ""))
    return text


def validate(post: Post, today: dt.date | None = None) -> Post:
    """The post with its values checked and trimmed (what needs no database); ExchangeError otherwise."""
    today = today or _today()
    if post.kind not in POST_KINDS:
        raise ExchangeError(f"kind {_shown(post.kind)}: expected one of {', '.join(POST_KINDS)}")
    title = _text("title", post.title, MAX_TITLE, required=True)
    description = _text("description", post.description, MAX_DESCRIPTION, lines=True)
    contact = _text("contact", post.contact, MAX_CONTACT)
    area = _text("area", post.area, MAX_AREA)
    themes = tuple(dict.fromkeys(str(t) for t in post.themes))
    if not themes:
        raise ExchangeError("themes: none given; expected 1 to 5 theme codes such as eau, sante, education")
    unknown = [t for t in themes if t not in THEME_BY_CODE]
    if unknown:
        raise ExchangeError(f"unknown theme {_shown(unknown[0])}; expected codes such as: "
                            f"{', '.join(sorted(THEME_BY_CODE))}")
    if len(themes) > MAX_THEMES:
        raise ExchangeError(f"themes: {len(themes)} given; expected at most {MAX_THEMES}")
    if post.action_kind and post.action_kind not in KIND_BY_CODE:
        raise ExchangeError(f"kind of action {_shown(post.action_kind)}: expected one of "
                            f"{', '.join(KIND_BY_CODE)}")
    country = (post.country_iso2 or "").strip().upper() or None
    zone = (post.zone or "").strip() or None
    if country is None and zone is not None and zone not in ZONES:
        raise ExchangeError(f"zone {_shown(zone)}: expected one of {', '.join(ZONES)}")
    expires = post.expires_on or today + dt.timedelta(days=DEFAULT_DAYS)
    if isinstance(expires, dt.datetime):
        expires = expires.date()
    if not isinstance(expires, dt.date):
        raise ExchangeError(f"expiry date {_shown(expires)}: expected a date (YYYY-MM-DD)")
    if expires <= today:
        raise ExchangeError(f"expiry date {expires.isoformat()} is not in the future; expected a date after "
                            f"{today.isoformat()}")
    if expires > today + dt.timedelta(days=MAX_DAYS):
        raise ExchangeError(f"expiry date {expires.isoformat()}: expected at most two years ahead "
                            f"(until {(today + dt.timedelta(days=MAX_DAYS)).isoformat()})")
    return Post(kind=post.kind, authority_id=str(post.authority_id).strip(), title=title, themes=themes,
                country_iso2=country, zone=None if country else zone, area=area,
                action_kind=post.action_kind or None, description=description, contact=contact, expires_on=expires)


#: A French authority of the official code lists as a row of ``authorities`` (for an author with no tie yet).
_FROM_REFERENCE = {
    "commune": """SELECT 'commune:' || insee, 'commune', name, 'FR', true, insee, siren, departement, region, epci,
                         population, lon, lat, CASE WHEN point_source = 'mairie' THEN 'mairie' ELSE 'centroid' END
                  FROM ref_communes WHERE insee = $code""",
    "epci": """SELECT 'epci:' || siren, 'epci', name, 'FR', true, NULL, siren, departement, region, siren,
                      population, lon, lat, 'centroid' FROM ref_epci WHERE siren = $code""",
    "departement": """SELECT 'departement:' || code, 'departement', name, 'FR', true, code, NULL, code, region_code,
                             NULL, NULL::BIGINT, lon, lat, 'centroid' FROM ref_departements WHERE code = $code""",
    "region": """SELECT 'region:' || code, 'region', name, 'FR', true, code, NULL, NULL, code, NULL, NULL::BIGINT,
                        lon, lat, 'centroid' FROM ref_regions WHERE code = $code""",
}


def _author(con: duckdb.DuckDBPyConnection, authority_id: str, batch_id: str) -> tuple[bool, str, bool]:
    """(is French, its country, added now): the author, added from the reference tables when a
    French authority of the code lists has no row yet (it then belongs to the publication's batch)."""
    row = con.execute("SELECT is_french, country_iso2 FROM authorities WHERE id = ?", [authority_id]).fetchone()
    if row is not None:
        return bool(row[0]), str(row[1]), False
    level, _, code = authority_id.partition(":")
    query = _FROM_REFERENCE.get(level)
    found = con.execute(query, {"code": code}).fetchall() if query and code else []
    if not found:
        raise ExchangeError(f"author {_shown(authority_id)}: not an authority of the atlas; expected an id such as "
                            "commune:26198, epci:SIREN, departement:26, region:84 or a partner of the atlas")
    con.execute("""INSERT INTO authorities (id, level, name, country_iso2, is_french, insee, siren, departement,
                   region, epci, population, lon, lat, geo_precision, batch_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", [*found[0], batch_id])
    return True, "FR", True


def _may_act(con: duckdb.DuckDBPyConnection, user: User, authority_id: str) -> None:
    if not user.may_edit():
        raise AccountError(f"{user.name} ({user.role}) may not publish or change offers and requests")
    if not covers(con, user, authority_id):
        raise AccountError(f"{user.name} acts for {user.scope}: it may not publish or change the offers and "
                           f"requests of {authority_id[:80]}")


def publish(db: str | Path, user: User, post: Post, today: dt.date | None = None) -> str:
    """Publish an offer or a request; returns its id. AccountError when the user may not act for
    the author, ExchangeError for a value the exchange cannot take (nothing is written then)."""
    today = today or _today()
    clean = validate(post, today)
    if not user.may_edit():
        raise AccountError(f"{user.name} ({user.role}) may not publish offers and requests")
    content = json.dumps({**asdict(clean), "expires_on": clean.expires_on.isoformat() if clean.expires_on else None,
                          "user": user.name}, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha1(content.encode()).hexdigest()
    with atomic_write(db) as txn:
        con = txn.con
        _may_act(con, user, clean.authority_id)
        batch_id = new_batch_id(digest)
        post_id = "bourse-" + hashlib.sha1(f"{batch_id}|{digest}".encode()).hexdigest()[:12]
        is_french, own_country, added = _author(con, clean.authority_id, batch_id)
        country = clean.country_iso2
        if not is_french:
            if country and country != own_country:
                raise ExchangeError(f"country {_shown(country)}: a foreign authority publishes about its own country; "
                                    f"expected {own_country} (or nothing)")
            country = own_country
        if country is not None:
            if country == "FR":
                raise ExchangeError("country 'FR': expected the foreign country concerned (ISO 3166-1 alpha-2, "
                                    "such as SN, MA, DE)")
            if not con.execute("SELECT count(*) FROM countries WHERE iso2 = ?", [country]).fetchone()[0]:
                raise ExchangeError(f"unknown country {_shown(country)}; expected an ISO 3166-1 alpha-2 code such as "
                                    "SN, MA, DE, VN")
        elif clean.zone is None:
            raise ExchangeError("no country and no zone given; expected the foreign country concerned "
                                "(or, for a whole zone, one of: " + ", ".join(ZONES) + ")")
        record_batch(con, batch_id, None, digest, "exchange", 1, 0, 0,
                     json.dumps({"post": post_id, "kind": clean.kind}),
                     Provenance(source=f"Publication de {user.name}"))
        con.execute("UPDATE import_batches SET user_name = ? WHERE id = ?", [user.name, batch_id])
        con.execute("""INSERT INTO exchange_posts (id, kind, authority_id, title, description, country_iso2, zone, area,
                       action_kind, contact, status, published_at, expires_on, user_name, batch_id)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ouverte', now()::TIMESTAMP, ?, ?, ?)""",
                    [post_id, clean.kind, clean.authority_id, clean.title, clean.description or None, country,
                     None if country else clean.zone, clean.area or None, clean.action_kind, clean.contact or None,
                     clean.expires_on, user.name, batch_id])
        con.executemany("INSERT INTO exchange_post_themes VALUES (?, ?)", [(post_id, t) for t in clean.themes])
        log(con, user.name, "exchange_publish", batch_id,
            f"{post_id}: {clean.kind} of {clean.authority_id} ({country or clean.zone}): {clean.title[:120]}")
        if added:
            from atlas.db.build import refresh_derived

            refresh_derived(con)  # the new author gets its key like every authority
    return post_id


def _post(con: duckdb.DuckDBPyConnection, post_id: str) -> tuple[str, str, str | None]:
    row = con.execute("SELECT authority_id, batch_id, status FROM exchange_posts WHERE id = ?", [post_id]).fetchone()
    if row is None:
        raise ExchangeError(f"no offer or request {_shown(post_id)} (it may have been withdrawn)")
    return row[0], row[1], row[2]


def set_status(db: str | Path, user: User, post_id: str, status: str) -> None:
    """Mark a post ``appariee`` (a partner was found), ``close`` or ``ouverte`` again; logged."""
    if status not in POST_STATUSES:
        raise ExchangeError(f"status {_shown(status)}: expected one of {', '.join(POST_STATUSES)}")
    with atomic_write(db) as txn:
        con = txn.con
        authority_id, batch_id, before = _post(con, post_id)
        _may_act(con, user, authority_id)
        con.execute("UPDATE exchange_posts SET status = ? WHERE id = ?", [status, post_id])
        log(con, user.name, "exchange_status", batch_id, f"{post_id}: {before} -> {status}")


def withdraw(db: str | Path, user: User, post_id: str) -> None:
    """Remove a post: its publication's batch (with the author it brought, if nothing else uses it),
    or, for a post of another batch (an import, the demonstration), the post alone; logged."""
    from atlas.db.build import refresh_derived

    with atomic_write(db) as txn:
        con = txn.con
        authority_id, batch_id, _status = _post(con, post_id)
        _may_act(con, user, authority_id)
        fmt = con.execute("SELECT format FROM import_batches WHERE id = ?", [batch_id]).fetchone()
        if fmt is not None and fmt[0] == "exchange":
            _delete_batch(con, batch_id)
            refresh_derived(con)
        else:
            con.execute("DELETE FROM exchange_post_themes WHERE post_id = ?", [post_id])
            con.execute("DELETE FROM exchange_posts WHERE id = ?", [post_id])
        log(con, user.name, "exchange_withdraw", batch_id, f"{post_id} of {authority_id}")
