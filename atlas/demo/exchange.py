"""Invented offers and requests of the partnership exchange (Bourse partenariat), for the demonstration.

French authorities of the demonstration offer or seek partners in the countries where the
invented cooperation happens; foreign authorities of the demonstration publish from their own
country. A few requests answer offers (same country, a shared theme), so the exchange shows
matches. Dates are relative to the day of the build: some posts have expired, most are open.
Everything belongs to the demonstration batch and is labelled as invented wherever it is shown.
Deterministic for a seed and a day.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

import pandas as pd

from atlas.demo import weights as W
from atlas.text import fold

#: Posts of French authors and of foreign authors, and requests made to answer an offer.
N_FRENCH = 80
N_FOREIGN = 45
N_ANSWERS = 18
N_ZONE_ONLY = 8

_OFFER_TITLES = (
    "Partage d'expérience : {theme}{where}",
    "{author} propose son savoir-faire : {theme}{where}",
    "Appui technique proposé : {theme}{where}",
    "Échanges d'agents et de pratiques : {theme}{where}",
)
_REQUEST_TITLES = (
    "Recherche partenaire : {theme}{where}",
    "{author} cherche une collectivité partenaire : {theme}{where}",
    "Demande d'appui : {theme}{where}",
    "Projet à construire : {theme}{where}",
)
_DESCRIPTIONS = (
    "Nous souhaitons construire une coopération durable sur ce thème, avec des échanges de techniciens et "
    "d'élus, et un premier projet sur deux ou trois ans.",
    "Notre service des relations internationales étudie toute proposition ; un cofinancement du ministère "
    "ou d'une agence de l'eau est envisagé.",
    "Première prise de contact souhaitée avant l'été ; le projet associerait des acteurs du territoire "
    "(associations, établissements scolaires, entreprises).",
    "Nous avons une expérience de plusieurs années sur ce sujet et souhaitons la partager.",
)
_KINDS = {"cooperation_decentralisee": 60, "mobilite_jeunes": 10, "economique": 8, "jumelage": 8,
          "soutien_acteurs": 7, "ecsi": 4, "reseaux": 3}


def _slug(name: str) -> str:
    folded = fold(name)  # the atlas's one folding (atlas.text)
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:40] or "collectivite"


def _pick(rng: random.Random, table: dict[str, float]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys], k=1)[0]


def _themes(rng: random.Random, zone: str | None, cc: str | None) -> list[str]:
    development = zone not in ("Europe", None) and cc not in ("US", "CA", "JP", "KR", "AU", "NZ")
    table = W.DEVELOPMENT_THEMES if development else W.EUROPE_THEMES
    n = rng.choices((1, 2, 3), weights=(45, 40, 15), k=1)[0]
    out: list[str] = []
    while len(out) < n:
        th = _pick(rng, table)
        if th not in out:
            out.append(th)
    return out


class _Posts:
    def __init__(self, rng: random.Random, today: dt.date, batch: str, theme_labels: dict[str, str],
                 country_fr: dict[str, str], zone: dict[str, str]) -> None:
        self.rng, self.today, self.batch = rng, today, batch
        self.theme_labels, self.country_fr, self.zone = theme_labels, country_fr, zone
        self.posts: list[dict[str, Any]] = []
        self.themes: list[tuple[str, str]] = []

    def add(self, kind: str, author: dict, country: str | None, themes: list[str], zone: str | None = None,
            area: str | None = None, status: str | None = None, expired: bool | None = None) -> dict:
        rng = self.rng
        pid = f"demo-x{len(self.posts) + 1:04d}"
        # French titles with no article to agree ("au Niger", "en Haïti"): the place after a dash
        where = (f" — {self.country_fr.get(country, country)}" if country else f" — {zone}") if author["is_french"] \
            else ""
        templates = _OFFER_TITLES if kind == "offre" else _REQUEST_TITLES
        title = rng.choice(templates).format(theme=self.theme_labels[themes[0]], where=where,
                                             author=author["name"])
        age = rng.randint(3, 420)
        published = dt.datetime.combine(self.today - dt.timedelta(days=age), dt.time(9 + rng.randint(0, 8),
                                                                                     rng.choice((0, 15, 30, 45))))
        if expired is None:
            expired = rng.random() < 0.14
        if expired:
            expires = self.today - dt.timedelta(days=rng.randint(1, max(1, age - 1)))
        else:
            expires = self.today + dt.timedelta(days=rng.randint(20, 400))
        if status is None:
            status = rng.choices(("ouverte", "appariee", "close"), weights=(80, 12, 8), k=1)[0]
        self.posts.append(dict(
            id=pid, kind=kind, authority_id=author["id"], title=title,
            description=rng.choice(_DESCRIPTIONS), country_iso2=country, zone=None if country else zone,
            area=area, action_kind=_pick(rng, _KINDS),
            contact=f"Service des relations internationales — international@{_slug(author['name'])}.example",
            status=status, published_at=published, expires_on=max(expires, published.date()),
            user_name=None, batch_id=self.batch))
        for th in themes:
            self.themes.append((pid, th))
        return self.posts[-1]


def demo_exchange(authorities: list[dict], partnerships: list[dict], *, seed: int, batch: str,
                  theme_labels: dict[str, str], country_fr: dict[str, str], zone: dict[str, str],
                  admin1_names: dict[str, list[str]], today: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """The frames ``exchange_posts`` and ``exchange_post_themes`` of the demonstration.

    ``authorities`` and ``partnerships`` are the demonstration's own rows (every author exists);
    ``admin1_names``: names of the regions of each country, for the ``area`` a post may name.
    """
    rng = random.Random(seed * 7919 + 15)
    today = today or dt.datetime.now(dt.timezone.utc).date()
    by_id = {a["id"]: a for a in authorities}
    posts = _Posts(rng, today, batch, theme_labels, country_fr, zone)

    # French authors: authorities with a cooperation agreement, seeking in a country they know or a new one.
    coop = [p for p in partnerships if p["kind"] == "cooperation_decentralisee"]
    countries_of: dict[str, list[str]] = {}
    for p in coop:
        countries_of.setdefault(p["fr_id"], []).append(by_id[p["partner_id"]]["country_iso2"])
    french = sorted(countries_of)
    known = [c for c in W.COOPERATION_COUNTRIES if c in country_fr]
    offers: list[dict] = []
    for author_id in rng.sample(french, min(N_FRENCH, len(french))):
        author = by_id[author_id]
        cc = rng.choice(countries_of[author_id]) if rng.random() < 0.6 else _pick(
            rng, {c: W.COOPERATION_COUNTRIES[c] for c in known})
        areas = admin1_names.get(cc) or []
        area = rng.choice(areas) if areas and rng.random() < 0.3 else None
        kind = "offre" if rng.random() < 0.65 else "demande"
        post = posts.add(kind, author, cc, _themes(rng, zone.get(cc), cc), area=area)
        if kind == "offre":
            offers.append(post)
    for _ in range(N_ZONE_ONLY):
        author = by_id[rng.choice(french)]
        z = rng.choice(("Afrique subsaharienne", "Afrique du Nord", "Amériques", "Asie", "Europe"))
        posts.add(rng.choice(("offre", "demande")), author, None, _themes(rng, z, None), zone=z)

    # Foreign authors, from their own country.
    foreign = sorted(a["id"] for a in authorities if not a["is_french"] and a["level"] in ("place", "admin1")
                     and a["country_iso2"] in W.COOPERATION_COUNTRIES)
    for author_id in rng.sample(foreign, min(N_FOREIGN, len(foreign))):
        author = by_id[author_id]
        cc = author["country_iso2"]
        kind = "demande" if rng.random() < 0.75 else "offre"
        posts.add(kind, author, cc, _themes(rng, zone.get(cc), cc))

    # Requests that answer open offers: a foreign authority of the offer's country, a shared theme.
    foreign_by_country: dict[str, list[str]] = {}
    for fid in foreign:
        foreign_by_country.setdefault(by_id[fid]["country_iso2"], []).append(fid)
    theme_of = {}
    for pid, th in posts.themes:
        theme_of.setdefault(pid, []).append(th)
    open_offers = [o for o in offers if o["status"] == "ouverte" and o["expires_on"] >= today
                   and foreign_by_country.get(o["country_iso2"])]
    for offer in rng.sample(open_offers, min(N_ANSWERS, len(open_offers))):
        author = by_id[rng.choice(foreign_by_country[offer["country_iso2"]])]
        shared = rng.choice(theme_of[offer["id"]])
        extra = [t for t in _themes(rng, zone.get(offer["country_iso2"]), offer["country_iso2"]) if t != shared]
        posts.add("demande", author, offer["country_iso2"], [shared, *extra[:1]], status="ouverte", expired=False)

    return {"exchange_posts": pd.DataFrame(posts.posts),
            "exchange_post_themes": pd.DataFrame(posts.themes, columns=["post_id", "theme_code"])}


def add_exchange(gen: Any, seed: int, batch: str) -> dict[str, pd.DataFrame]:
    """The exchange's frames for the authorities and partnerships of a demonstration generator
    (atlas.demo.generator.DemoGenerator, after ``generate()``)."""
    from atlas.models import THEME_BY_CODE

    return demo_exchange(
        gen.t.authorities, gen.t.partnerships, seed=seed, batch=batch,
        theme_labels={code: th.label_fr for code, th in THEME_BY_CODE.items()}, country_fr=gen.country_fr,
        zone=gen.zone, admin1_names={cc: sorted({a.name_fr if isinstance(a.name_fr, str) and a.name_fr else str(a.name)
                                             for a in areas})
                                     for cc, areas in gen.admin1_by_country.items()})
