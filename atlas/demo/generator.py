"""Deterministic demonstration atlas at the scale of the national atlas.

Real French authorities (COG 2026) and real foreign places (GeoNames), invented relations. Every
row belongs to the import batch ``demo``, and the database's meta table says ``demo = true``, so
the app labels it as demonstration data wherever it is shown.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from atlas.demo import weights as W
from atlas.demo.places import PlacePool
from atlas.models import THEME_BY_CODE

DEMO_BATCH = "demo"
CURRENT_YEAR = 2026


@dataclass
class DemoTables:
    """The rows of each data table, ready to be inserted."""

    authorities: list[dict] = field(default_factory=list)
    partnerships: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    project_parties: list[tuple[str, str, str]] = field(default_factory=list)
    project_themes: list[tuple[str, str]] = field(default_factory=list)
    project_sdgs: list[tuple[str, int]] = field(default_factory=list)
    project_funding: list[tuple[str, str, float]] = field(default_factory=list)
    actors: list[dict] = field(default_factory=list)
    project_actors: list[tuple[str, str, str]] = field(default_factory=list)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {
            "authorities": pd.DataFrame(self.authorities),
            "partnerships": pd.DataFrame(self.partnerships),
            "projects": pd.DataFrame(self.projects),
            "project_parties": pd.DataFrame(self.project_parties, columns=["project_id", "authority_id", "role"]),
            "project_themes": pd.DataFrame(self.project_themes, columns=["project_id", "theme_code"]),
            "project_sdgs": pd.DataFrame(self.project_sdgs, columns=["project_id", "sdg"]),
            "project_funding": pd.DataFrame(self.project_funding, columns=["project_id", "funding_code", "amount_eur"]),
            "actors": pd.DataFrame(self.actors),
            "project_actors": pd.DataFrame(self.project_actors, columns=["project_id", "actor_id", "role"]),
        }


def _weighted_sample(df: pd.DataFrame, n: int, weights: pd.Series, rng: random.Random) -> pd.DataFrame:
    """n rows without replacement, with probability proportional to weight (Efraimidis–Spirakis).

    pandas refuses weighted sampling without replacement when weights are very skewed.
    """
    gen = np.random.default_rng(rng.randint(0, 2**31))
    keys = np.log(gen.random(len(df))) / np.asarray(weights, dtype=float)
    return df.iloc[np.argsort(-keys)[:n]]


def _pick(rng: random.Random, table: dict[str, float]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys], k=1)[0]


class DemoGenerator:
    """Builds :class:`DemoTables` from reference tables and the gazetteer."""

    def __init__(self, ref: dict[str, pd.DataFrame], gazetteer: pd.DataFrame, seed: int = 2016,
                 progress: Callable[[str], None] | None = None, twinnings: bool = True) -> None:
        self.ref = ref
        self.twinnings = twinnings
        self.rng = random.Random(seed)
        self.places = PlacePool(gazetteer, self.rng)
        self.t = DemoTables()
        self._auth: dict[str, dict] = {}
        self._n_proj = 0
        self._n_part = 0
        self._n_actor = 0
        self.progress = progress or (lambda _msg: None)
        countries = ref["countries_all"].set_index("iso2")
        self.zone = countries["zone"].to_dict()
        self.country_fr = countries["name_fr"].to_dict()
        admin1 = ref["admin1"]
        self.admin1_by_country = {cc: list(g.itertuples(index=False)) for cc, g in admin1.groupby("country_iso2")}

    # ---- authorities -------------------------------------------------------------------
    def _add_authority(self, row: dict) -> str:
        if row["id"] not in self._auth:
            row.setdefault("batch_id", DEMO_BATCH)
            self._auth[row["id"]] = row
            self.t.authorities.append(row)
        return row["id"]

    def _french(self, level: str, rec) -> str:
        base = dict(level=level, country_iso2="FR", is_french=True, name_fr=None, admin1=None,
                    geonames_id=None, wikidata=None)
        if level == "commune":
            return self._add_authority({**base, "id": f"commune:{rec.insee}", "name": rec.name,
                                        "insee": rec.insee, "siren": rec.siren, "departement": rec.departement,
                                        "region": rec.region, "epci": rec.epci, "population": int(rec.population),
                                        "lon": rec.lon, "lat": rec.lat, "geo_precision": "mairie"})
        if level == "epci":
            return self._add_authority({**base, "id": f"epci:{rec.siren}", "name": rec.name, "insee": None,
                                        "siren": rec.siren, "departement": rec.departement, "region": rec.region,
                                        "epci": rec.siren, "population": int(rec.population),
                                        "lon": rec.lon, "lat": rec.lat, "geo_precision": "centroid"})
        if level == "departement":
            return self._add_authority({**base, "id": f"departement:{rec.code}", "name": rec.name,
                                        "insee": rec.code, "siren": None, "departement": rec.code,
                                        "region": rec.region_code, "epci": None, "population": None,
                                        "lon": rec.lon, "lat": rec.lat, "geo_precision": "centroid"})
        return self._add_authority({**base, "id": f"region:{rec.code}", "name": rec.name, "insee": rec.code,
                                    "siren": None, "departement": None, "region": rec.code, "epci": None,
                                    "population": None, "lon": rec.lon, "lat": rec.lat, "geo_precision": "centroid"})

    def _place(self, cc: str) -> str | None:
        p = self.places.draw(cc)
        if p is None:
            return None
        gid, name, cc, admin1, pop, lon, lat = p
        return self._add_authority(dict(
            id=f"geonames:{gid}", level="place", name=name, name_fr=None, country_iso2=cc, is_french=False,
            insee=None, siren=None, departement=None, region=None, epci=None,
            admin1=f"{cc}.{admin1}" if admin1 else None, geonames_id=int(gid), wikidata=None,
            population=int(pop), lon=float(lon), lat=float(lat), geo_precision="gazetteer"))

    def _admin1(self, cc: str) -> str | None:
        areas = self.admin1_by_country.get(cc)
        if not areas:
            return self._place(cc)
        a = self.rng.choice(areas)
        return self._add_authority(dict(
            id=f"admin1:{a.id}", level="admin1", name=a.name, name_fr=a.name_fr, country_iso2=cc,
            is_french=False, insee=None, siren=None, departement=None, region=None, epci=None,
            admin1=a.id, geonames_id=None, wikidata=a.wikidata, population=None,
            lon=float(a.lon), lat=float(a.lat), geo_precision="admin1"))

    # ---- relations ---------------------------------------------------------------------
    def _partnership(self, fr_id: str, partner_id: str, kind: str, since: int) -> str:
        self._n_part += 1
        pid = f"demo-s{self._n_part:05d}"
        ended = self.rng.random() < 0.07
        until = min(CURRENT_YEAR, since + self.rng.randint(5, 30)) if ended else None
        formalised = kind == "jumelage" or self.rng.random() < 0.85
        agreement = ("accord de jumelage" if kind == "jumelage"
                     else "convention de coopération" if formalised else "aucun")
        self.t.partnerships.append(dict(
            id=pid, fr_id=fr_id, partner_id=partner_id, kind=kind, agreement=agreement, since=since,
            until=until, status="termine" if ended else ("suspendu" if self.rng.random() < 0.03 else "en_cours"),
            formalised=formalised, batch_id=DEMO_BATCH))
        return pid

    def _themes_for(self, kind: str, cc: str) -> list[str]:
        table = W.KIND_THEMES.get(kind)
        if table is None:
            development = self.zone.get(cc) not in ("Europe", None) and cc not in ("US", "CA", "JP", "KR", "AU", "NZ")
            table = W.DEVELOPMENT_THEMES if development else W.EUROPE_THEMES
        n = self.rng.choices((1, 2, 3), weights=(55, 35, 10), k=1)[0]
        themes: list[str] = []
        while len(themes) < n:
            th = _pick(self.rng, table)
            if th not in themes:
                themes.append(th)
        return themes

    def _project(self, fr_ids: list[str], partner_ids: list[str], kind: str, year0: int,
                 partnership_id: str | None) -> None:
        rng = self.rng
        self._n_proj += 1
        pid = f"demo-p{self._n_proj:05d}"
        partner = self._auth[partner_ids[0]]
        fr = self._auth[fr_ids[0]]
        cc = partner["country_iso2"]
        themes = self._themes_for(kind, cc)
        template = rng.choice(W.TITLE_TEMPLATES[themes[0]])
        title = template.format(p=partner["name"], f=fr["name"])
        ponctuel = kind == "humanitaire" or rng.random() < 0.25
        year_start = year0
        year_end = year_start + (0 if ponctuel else rng.randint(1, 4))
        status = "termine" if year_end < CURRENT_YEAR else ("en_projet" if year_start > CURRENT_YEAR else "en_cours")
        budget = round(math.exp(rng.gauss(10.3, 1.0)), -2)
        indirect = kind not in ("cte", "humanitaire") and rng.random() < 0.35
        sides = ("multilateral" if len(fr_ids) + len(partner_ids) > 2
                 else "unilateral" if kind == "humanitaire" else "bilateral")
        self.t.projects.append(dict(
            id=pid, title=title, description=None, year_start=year_start, year_end=year_end, status=status,
            kind=kind, mode="indirect" if indirect else "direct", engagement="ponctuel" if ponctuel else "durable",
            sides=sides, budget_eur=budget, partnership_id=partnership_id, batch_id=DEMO_BATCH))
        for i, f in enumerate(fr_ids):
            self.t.project_parties.append((pid, f, "lead" if i == 0 else "french_partner"))
        for p in partner_ids:
            self.t.project_parties.append((pid, p, "partner"))
        sdgs: set[int] = set()
        for th in themes:
            self.t.project_themes.append((pid, th))
            sdgs.update(THEME_BY_CODE[th].sdgs)
        if kind == "cooperation_decentralisee" and rng.random() < 0.2:
            sdgs.add(17)
        for s in sorted(sdgs):
            self.t.project_sdgs.append((pid, s))
        self._funding(pid, themes, kind, cc, budget)
        if indirect:
            self._actor(pid, fr["name"], partner["name"], self.country_fr.get(cc, cc))

    def _funding(self, pid: str, themes: list[str], kind: str, cc: str, budget: float) -> None:
        rng = self.rng
        shares: dict[str, float] = {"budget_propre": 1.0}
        development = self.zone.get(cc) not in ("Europe",)
        if "eau" in themes and development and rng.random() < 0.65:
            shares["oudin_santini"] = 1.5
            if rng.random() < 0.4:
                shares["agence_eau"] = 1.0
        if "energie" in themes and rng.random() < 0.35:
            shares["pintat"] = 1.0
        if "dechets" in themes and rng.random() < 0.3:
            shares["dechets"] = 1.0
        if "transports" in themes and rng.random() < 0.15:
            shares["transports"] = 1.0
        if kind == "cte" or (not development and rng.random() < 0.1):
            shares["ue"] = 3.0
        if development and kind == "cooperation_decentralisee" and rng.random() < 0.25:
            shares["meae_cofinancement"] = 1.0
        if development and budget > 80_000 and rng.random() < 0.3:
            shares["afd"] = 2.0
        total = sum(shares.values())
        for code, share in shares.items():
            self.t.project_funding.append((pid, code, round(budget * share / total, 2)))

    def _actor(self, pid: str, fr_name: str, partner_name: str, country: str) -> None:
        kind, template = self.rng.choice(W.ACTOR_TEMPLATES)
        self._n_actor += 1
        aid = f"demo-a{self._n_actor:05d}"
        self.t.actors.append(dict(id=aid, name=template.format(f=fr_name, p=partner_name, c=country),
                                  type=kind, batch_id=DEMO_BATCH))
        self.t.project_actors.append((pid, aid, "operateur"))

    # ---- the atlas ---------------------------------------------------------------------
    def _twinning_year(self, cc: str) -> int:
        rng = self.rng
        if cc == "DE":
            return int(min(CURRENT_YEAR, max(1950, rng.gauss(1972, 12))))
        if cc in ("PL", "RO", "CZ", "HU", "SK", "BG", "LT", "LV", "EE", "HR", "SI", "UA", "MD"):
            return int(min(CURRENT_YEAR, max(1956, rng.gauss(1996, 8))))
        return int(min(CURRENT_YEAR, max(1950, rng.gauss(1988, 14))))

    def generate(self) -> DemoTables:
        rng = self.rng
        ref = self.ref
        communes = ref["communes"]
        communes = communes[communes["zone"] != "com"]
        epci = ref["epci"]
        deps = ref["departements"]
        regions = ref["regions"]

        self.progress("French authorities")
        weights = communes["population"].clip(lower=50) ** 0.75
        chosen = _weighted_sample(communes, 4150, weights, rng)
        chosen_epci = _weighted_sample(epci, 470, epci["population"].clip(lower=1000) ** 0.6, rng)
        chosen_deps = deps.sample(n=96, random_state=rng.randint(0, 2**31))
        reg_ids = [self._french("region", r) for r in regions.itertuples(index=False)]
        dep_ids = [self._french("departement", d) for d in chosen_deps.itertuples(index=False)]
        epci_ids = [self._french("epci", e) for e in chosen_epci.itertuples(index=False)]
        commune_rows = list(chosen.itertuples(index=False))
        commune_ids = [self._french("commune", c) for c in commune_rows]

        self.progress("twinnings")
        twin_links: list[tuple[str, str, int, str]] = []
        for c, cid in zip(commune_rows if self.twinnings else [], commune_ids):
            # Big cities have many twinnings (Toulouse, Lyon: about ten), villages one.
            mean = 0.8 + (max(c.population, 100) / 4000) ** 0.45
            n = max(1, min(15, round(mean * (0.6 + 0.8 * rng.random()))))
            for _ in range(n):
                cc = _pick(rng, W.TWINNING_COUNTRIES)
                partner = self._place(cc)
                if partner:
                    since = self._twinning_year(cc)
                    sid = self._partnership(cid, partner, "jumelage", since)
                    twin_links.append((cid, partner, since, sid))

        self.progress("cooperation agreements")
        coop_links: list[tuple[str, str, int, str]] = []

        def cooperation(fr_id: str, partner_id: str | None) -> None:
            if partner_id is None:
                return
            since = rng.randint(1985, 2024)
            coop_links.append((fr_id, partner_id, since,
                               self._partnership(fr_id, partner_id, "cooperation_decentralisee", since)))

        for rid in reg_ids:
            for _ in range(rng.randint(4, 9)):
                cooperation(rid, self._admin1(_pick(rng, W.COOPERATION_COUNTRIES)))
        for did in dep_ids:
            for _ in range(rng.randint(1, 4)):
                cc = _pick(rng, W.COOPERATION_COUNTRIES)
                cooperation(did, self._admin1(cc) if rng.random() < 0.5 else self._place(cc))
        for eid in epci_ids:
            for _ in range(rng.randint(1, 2)):
                cooperation(eid, self._place(_pick(rng, W.COOPERATION_COUNTRIES)))
        for cid in rng.sample(commune_ids, 1700):
            cooperation(cid, self._place(_pick(rng, W.COOPERATION_COUNTRIES)))
        # The long tail: every country of the shape tables gets at least one tie, so rare
        # partner countries exist in the demonstration as they do in the real atlas.
        present = {self._auth[p]["country_iso2"] for _, p, _, _ in twin_links + coop_links}
        listed = set(W.TWINNING_COUNTRIES) | set(W.COOPERATION_COUNTRIES)
        tail = sorted(cc for cc in listed if cc not in present and cc in self.places.by_country)
        for cc in tail:
            cooperation(rng.choice(commune_ids), self._place(cc))

        self.progress("projects")
        for fr_id, partner_id, since, sid in coop_links:
            for _ in range(rng.choices((1, 2, 3, 4, 5, 6), weights=(10, 18, 22, 20, 15, 10), k=1)[0]):
                year = rng.randint(max(since, 2005), CURRENT_YEAR)
                # without invented twinnings, youth mobility comes with the cooperation agreements
                kind = rng.choices(("cooperation_decentralisee", "soutien_acteurs", "economique", "ecsi", "reseaux",
                                    "mobilite_jeunes"),
                                   weights=(78, 9, 6, 4, 3, 0 if self.twinnings else 8), k=1)[0]
                fr_ids, partner_ids = [fr_id], [partner_id]
                if rng.random() < 0.06:  # multilateral: another French authority joins
                    fr_ids.append(rng.choice(dep_ids if fr_id.startswith("commune") else commune_ids))
                if rng.random() < 0.04:
                    extra = self._place(self._auth[partner_id]["country_iso2"])
                    if extra and extra not in partner_ids:
                        partner_ids.append(extra)
                self._project(list(dict.fromkeys(fr_ids)), partner_ids, kind, year, sid)
        for fr_id, partner_id, since, sid in twin_links:
            if rng.random() < 0.45:
                for _ in range(rng.randint(1, 2)):
                    year = rng.randint(max(since, 2005), CURRENT_YEAR)
                    kind = rng.choices(("mobilite_jeunes", "jumelage", "ecsi", "economique"),
                                       weights=(45, 40, 8, 7), k=1)[0]
                    self._project([fr_id], [partner_id], kind, year, sid)

        self.progress("European territorial cooperation and humanitarian aid")
        for _ in range(380):
            fr = [rng.choice(reg_ids + dep_ids)]
            if rng.random() < 0.5:
                fr.append(rng.choice(reg_ids + dep_ids + epci_ids))
            partners = []
            for _ in range(rng.randint(1, 4)):
                p = self._admin1(_pick(rng, W.CTE_COUNTRIES))
                if p and p not in partners:
                    partners.append(p)
            self._project(list(dict.fromkeys(fr)), partners, "cte", rng.randint(2007, CURRENT_YEAR), None)
        for _ in range(650):
            fr = rng.choice(reg_ids + dep_ids + epci_ids + commune_ids[:800])
            cc = _pick(rng, W.HUMANITARIAN_COUNTRIES)
            p = self._place(cc)
            if p:
                year = 2022 if cc == "UA" and rng.random() < 0.6 else rng.randint(2010, CURRENT_YEAR)
                self._project([fr], [p], "humanitaire", year, None)
        return self.t


def generate_demo(ref: dict[str, pd.DataFrame], gazetteer: pd.DataFrame, seed: int = 2016,
                  progress: Callable[[str], None] | None = None, twinnings: bool = True) -> dict[str, pd.DataFrame]:
    """The demonstration tables (deterministic for a seed); ``twinnings=False``: none invented."""
    gen = DemoGenerator(ref, gazetteer, seed=seed, progress=progress, twinnings=twinnings)
    frames = gen.generate().frames()
    from atlas.demo.exchange import add_exchange  # offers and requests of the Bourse partenariat

    frames.update(add_exchange(gen, seed, DEMO_BATCH))
    from atlas.demo.actors import add_actors  # the observatory's actors, by a random generator of their own

    return add_actors(gen, frames, seed, DEMO_BATCH, progress)
