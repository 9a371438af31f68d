"""Invented international actors of every territory, for the regional observatory (demonstration).

The regional multi-actor networks (RRMA) observe who acts abroad from their région: associations,
diaspora associations, schools, universities, hospitals, companies, cultural venues, sports
clubs… No shipped source lists them yet, so the demonstration invents them: every département
(hence every région) gets actors of every type, seated at a real commune of the reference tables
(drawn by population, the seat's point is the commune's town hall), with sectors, countries
(mostly those its authorities already work with), SDGs, years of activity, the supports of the
authorities of its territory (région, département, EPCI and seat commune when the atlas holds
them) and, for some, the demonstration projects they take part in.

Everything belongs to the demonstration batch, so the app labels it "inventées (démonstration)".
Deterministic for a seed, and drawn from a generator of its own: the rest of the demonstration is
the same with or without these actors.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from typing import Any, Callable

import numpy as np
import pandas as pd

from atlas.models import ACTOR_TYPES

#: Actors per département: every type once, then this many more drawn by type weight.
EXTRA_PER_DEPARTEMENT = (8, 22)

#: How common each type is among the actors an observatory lists.
TYPE_WEIGHTS: dict[str, float] = {
    "association": 30, "osim": 9, "jumelage": 10, "ecole": 9, "universite": 4, "hopital": 3, "entreprise": 8,
    "ess": 6, "culture": 6, "sport": 4, "etablissement_public": 4, "collectivite": 2, "autre": 2,
}

#: Sectors each type works in (weights); 1 to 3 are drawn.
TYPE_SECTORS: dict[str, dict[str, float]] = {
    "association": {"education": 4, "sante": 3, "agriculture": 3, "eau": 3, "droits": 2, "egalite": 2,
                    "humanitaire": 2, "ecsi": 3, "environnement": 2, "culture": 1, "jeunesse": 1},
    "osim": {"migrations": 5, "education": 3, "sante": 3, "agriculture": 2, "eau": 2, "economie": 1, "culture": 1},
    "jumelage": {"jeunesse": 4, "culture": 4, "ecsi": 2, "education": 2, "sport": 1},
    "ecole": {"education": 5, "jeunesse": 4, "ecsi": 3, "culture": 1},
    "universite": {"enseignement_sup": 6, "sante": 1, "agriculture": 1, "environnement": 1, "energie": 1},
    "hopital": {"sante": 8, "enseignement_sup": 1, "humanitaire": 1},
    "entreprise": {"economie": 4, "eau": 2, "energie": 2, "agriculture": 1, "environnement": 1},
    "ess": {"ess": 6, "economie": 2, "agriculture": 2, "egalite": 1},
    "culture": {"culture": 7, "jeunesse": 1, "ecsi": 1},
    "sport": {"sport": 6, "jeunesse": 3, "egalite": 1},
    "etablissement_public": {"eau": 3, "economie": 3, "environnement": 2, "energie": 1, "gouvernance": 1},
    "collectivite": {"gouvernance": 5, "eau": 1, "culture": 1, "jeunesse": 1},
    "autre": {"humanitaire": 2, "droits": 2, "environnement": 1, "culture": 1},
}

#: The SDGs each sector most serves (an actor contributes to some of its sectors' SDGs).
SECTOR_SDGS: dict[str, tuple[int, ...]] = {
    "agriculture": (2, 1, 15), "eau": (6, 3), "sante": (3,), "education": (4,), "enseignement_sup": (4, 9),
    "culture": (11, 4), "environnement": (13, 15, 14), "energie": (7, 13), "economie": (8, 9, 1),
    "ess": (8, 12, 10), "gouvernance": (16, 11), "droits": (16, 10), "egalite": (5, 10), "jeunesse": (4, 10),
    "sport": (3, 5), "humanitaire": (1, 2, 3), "migrations": (10, 8), "ecsi": (4, 17),
}

#: Countries of the diasporas of France's associations (OSIM).
DIASPORA_COUNTRIES: dict[str, float] = {
    "SN": 10, "ML": 10, "MA": 9, "DZ": 9, "TN": 6, "CM": 5, "CI": 5, "HT": 4, "KM": 4, "MG": 4, "CD": 4,
    "BF": 3, "GN": 3, "MR": 3, "VN": 3, "TR": 3, "PT": 3, "CG": 2, "BJ": 2, "TG": 2, "LB": 2, "AM": 2,
}
#: Countries any actor may work in, besides its territory's partner countries.
COMMON_COUNTRIES: dict[str, float] = {
    "SN": 8, "BF": 7, "ML": 6, "MG": 6, "MA": 5, "BJ": 5, "TG": 4, "CM": 4, "NE": 3, "HT": 4, "VN": 3, "TN": 3,
    "CI": 3, "LB": 3, "PS": 2, "UA": 3, "DE": 5, "ES": 4, "IT": 4, "GB": 3, "BE": 2, "PL": 2, "RO": 2,
    "CA": 3, "US": 2, "BR": 2, "IN": 2, "CN": 2, "JP": 1, "PE": 1, "CL": 1, "KH": 1, "LA": 1, "GH": 1,
}

#: Invented names: {c} is the seat's commune, {x} a country's French name, {n} a few words.
NAMES: dict[str, tuple[str, ...]] = {
    "association": ("Association {c} Solidarité {x}", "Les Amis de {x} ({c})", "{n} Sans Frontières {c}",
                    "Collectif {c} pour {x}", "Association Puits et Avenir de {c}", "Réseau {n} {c}"),
    "osim": ("Association des ressortissants de {x} à {c}", "Diaspora {x} {c}", "Union des familles {x} de {c}"),
    "jumelage": ("Comité de jumelage de {c}", "Association des échanges internationaux de {c}"),
    "ecole": ("Lycée {n} de {c}", "Collège {n} de {c}", "Lycée agricole de {c}", "Lycée professionnel de {c}"),
    "universite": ("Institut universitaire de {c}", "École d'ingénieurs de {c}", "Laboratoire {n} de {c}"),
    "hopital": ("Centre hospitalier de {c}", "Clinique {n} de {c}", "Groupement hospitalier de {c}"),
    "entreprise": ("{n} Ingénierie ({c})", "Atelier {n} de {c}", "Bureau d'études {n} ({c})"),
    "ess": ("Coopérative {n} de {c}", "SCIC {n} {c}", "Commerce équitable {c}"),
    "culture": ("Scène nationale de {c}", "Festival {n} de {c}", "Maison des cultures du monde de {c}"),
    "sport": ("Union sportive de {c}", "Club de football {n} de {c}", "Rugby Club de {c}"),
    "etablissement_public": ("Syndicat des eaux de {c}", "Chambre des métiers de {c}", "Régie {n} de {c}"),
    "collectivite": ("Service des relations internationales de {c}",),
    "autre": ("Fondation {n} de {c}", "Maison de l'Europe de {c}"),
}
WORDS = ("Horizons", "Terre", "Avenir", "Partage", "Ponts", "Sud", "Élan", "Racines", "Baobab", "Colibri",
         "Lumière", "Sources", "Voisins du Monde", "Boussole", "Semeurs", "Caravane")

SUPPORT_WEIGHTS = {"subvention": 70, "appui_technique": 20, "mise_a_disposition": 10}
FIRST_YEAR, LAST_YEAR = 1980, 2026


def _pick(rng: random.Random, table: dict[str, float]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys], k=1)[0]


def _picks(rng: random.Random, table: dict[str, float], n: int) -> list[str]:
    out: list[str] = []
    for _ in range(n * 6):
        if len(out) >= min(n, len(table)):
            break
        k = _pick(rng, table)
        if k not in out:
            out.append(k)
    return out


class ActorMaker:
    """Adds the observatory's actors to the tables of a finished demonstration generator."""

    def __init__(self, gen: Any, seed: int) -> None:
        self.gen = gen
        self.t = gen.t
        self.rng = random.Random(f"atlas-actors-{seed}")
        communes = gen.ref["communes"]
        communes = communes[communes["zone"] != "com"]
        # per département: its communes as dicts, and cumulative weights (population^0.9) to draw seats
        self.communes_by_dep: dict[str, tuple[list[dict], list[float]]] = {}
        cols = ["insee", "name", "departement", "region", "epci", "population", "lon", "lat"]
        for d, g in communes[cols].groupby("departement", sort=True):
            w = np.cumsum(g["population"].clip(lower=50).to_numpy(dtype=float) ** 0.9).tolist()
            self.communes_by_dep[str(d)] = (g.to_dict("records"), w)
        self.dep_region = dict(zip(gen.ref["departements"]["code"], gen.ref["departements"]["region_code"]))
        self.auth = gen._auth  # noqa: SLF001 - the generator hands over its own tables
        self.rows: list[dict] = []
        self.sectors: list[tuple[str, str]] = []
        self.countries: list[tuple[str, str, int | None, int | None]] = []
        self.sdgs: list[tuple[str, int]] = []
        self.supports: dict[tuple[str, str, str, int], float | None] = {}
        self.project_actors: list[tuple[str, str, str]] = []
        self._territory_countries()

    # ---- what the territory's authorities already do ----------------------------------
    def _territory_countries(self) -> None:
        """Partner countries of each département's and région's authorities (ties counted)."""
        by_dep: dict[str, Counter] = defaultdict(Counter)
        by_reg: dict[str, Counter] = defaultdict(Counter)
        self.projects_by_place: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.project_year: dict[str, tuple[int, int]] = {}
        auth = self.auth
        for s in self.t.partnerships:
            fr, cc = auth[s["fr_id"]], auth[s["partner_id"]]["country_iso2"]
            if fr.get("departement"):
                by_dep[fr["departement"]][cc] += 1
            if fr.get("region"):
                by_reg[fr["region"]][cc] += 1
        for p in self.t.projects:
            self.project_year[p["id"]] = (p["year_start"], p["year_end"])
        french: dict[str, list[dict]] = defaultdict(list)
        foreign: dict[str, set[str]] = defaultdict(set)
        for pid, aid, role in self.t.project_parties:
            a = auth[aid]
            if a["is_french"]:
                french[pid].append(a)
            else:
                foreign[pid].add(a["country_iso2"])
        for pid, parties in french.items():
            for a in parties:
                for cc in foreign[pid]:
                    if a.get("departement"):
                        self.projects_by_place[(a["departement"], cc)].append(pid)
                    if a.get("region"):
                        self.projects_by_place[(a["region"], cc)].append(pid)
        self.dep_countries = by_dep
        self.reg_countries = by_reg
        self.french_of_project = french
        self.countries_of_project = foreign

    # ---- one actor ---------------------------------------------------------------------
    def _seat(self, dep: str) -> dict:
        """A commune of the département, drawn by population: the seat of an actor."""
        records, cum = self.communes_by_dep[dep]
        return self.rng.choices(records, cum_weights=cum, k=1)[0]

    def _countries_for(self, typ: str, dep: str, region: str) -> list[str]:
        rng = self.rng
        n = rng.choices((1, 2, 3, 4), weights=(50, 30, 14, 6), k=1)[0]
        if typ == "universite":
            n += rng.randint(1, 3)
        own = self.dep_countries.get(dep) or self.reg_countries.get(region) or Counter()
        table = {k: float(v) for k, v in own.most_common(25)}
        out: list[str] = []
        for _ in range(n * 6):
            if len(out) >= n:
                break
            if typ == "osim" and not out:
                cc = _pick(rng, DIASPORA_COUNTRIES)
            elif table and rng.random() < 0.7:
                cc = _pick(rng, table)
            else:
                cc = _pick(rng, COMMON_COUNTRIES)
            if cc not in out and cc in self.gen.zone:
                out.append(cc)
        return out

    def _actor_years(self) -> tuple[int, int | None]:
        rng = self.rng
        since = int(min(2025, max(FIRST_YEAR, round(rng.triangular(FIRST_YEAR, 2025, 2012)))))
        until = None
        if rng.random() < 0.15:
            until = min(LAST_YEAR - 1, since + rng.randint(2, 18))
        return since, until

    def _add(self, aid: str, typ: str, seat: Any, countries: list[str], since: int, until: int | None,
             name: str, sectors: list[str] | None = None, sdgs: set[int] | None = None,
             supports: bool = True) -> None:
        rng = self.rng
        self.rows.append(dict(id=aid, name=name, type=typ, batch_id=self.gen_batch, commune=str(seat["insee"]),
                              departement=str(seat["departement"]), region=str(seat["region"]),
                              lon=float(seat["lon"]), lat=float(seat["lat"]), identifier=None, website=None,
                              description=None, since=since, until=until))
        if sectors is None:
            sectors = _picks(rng, TYPE_SECTORS[typ], rng.choices((1, 2, 3), weights=(45, 40, 15), k=1)[0])
        for s in sectors:
            self.sectors.append((aid, s))
        if sdgs is None:
            sdgs = {SECTOR_SDGS[s][0] for s in sectors}
            for s in sectors:
                if rng.random() < 0.35 and len(SECTOR_SDGS[s]) > 1:
                    sdgs.add(rng.choice(SECTOR_SDGS[s][1:]))
            if rng.random() < 0.15:
                sdgs.add(17)
        for g in sorted(sdgs):
            self.sdgs.append((aid, int(g)))
        end = until if until is not None else LAST_YEAR
        for cc in countries:
            c_since = min(end, since + (0 if rng.random() < 0.6 else rng.randint(1, 6)))
            c_until = until if until is not None else (min(LAST_YEAR - 1, c_since + rng.randint(2, 10))
                                                      if rng.random() < 0.12 else None)
            self.countries.append((aid, cc, c_since, c_until))
        if supports:
            self._supports(aid, seat, since, until)

    def _supports(self, aid: str, seat: Any, since: int, until: int | None) -> None:
        """Grants and technical support from the authorities of the seat's territory."""
        rng = self.rng
        if rng.random() > 0.62:
            return
        candidates = [(f"region:{seat['region']}", 1.0), (f"departement:{seat['departement']}", 1.2),
                      (f"commune:{seat['insee']}", 2.0)]
        if isinstance(seat.get("epci"), str) and seat["epci"]:
            candidates.append((f"epci:{seat['epci']}", 0.6))
        candidates = [(a, w) for a, w in candidates if a in self.auth]
        if not candidates:
            return
        first = max(since, 2012)
        last = min(until if until is not None else LAST_YEAR, LAST_YEAR)
        if first > last:
            return
        n_auth = rng.choices((1, 2, 3), weights=(65, 28, 7), k=1)[0]
        chosen = list(dict.fromkeys(rng.choices([a for a, _ in candidates], weights=[w for _, w in candidates],
                                                k=n_auth)))
        for authority in chosen:
            kind = _pick(rng, SUPPORT_WEIGHTS)
            start = rng.randint(first, last)
            span = rng.choices((1, 2, 3, 5), weights=(45, 25, 18, 12), k=1)[0]
            base = round(math.exp(rng.gauss(8.6, 0.9)), -2) if kind == "subvention" else None
            if authority.startswith("region:") and base:
                base = round(base * 2.5, -2)
            for year in range(start, min(last, start + span - 1) + 1):
                amount = None if base is None else max(300.0, round(base * rng.uniform(0.8, 1.2), -2))
                self.supports[(aid, authority, kind, year)] = amount

    def _join_projects(self, aid: str, dep: str, region: str, countries: list[str], since: int,
                       until: int | None) -> None:
        rng = self.rng
        if rng.random() > 0.3:
            return
        pool: list[str] = []
        for cc in countries:
            pool += self.projects_by_place.get((dep, cc), []) or self.projects_by_place.get((region, cc), [])
        end = until if until is not None else LAST_YEAR
        pool = sorted({p for p in pool if self.project_year[p][1] >= since and self.project_year[p][0] <= end})
        for pid in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
            self.project_actors.append((pid, aid, rng.choice(("partenaire", "operateur", "partenaire"))))

    # ---- the actors --------------------------------------------------------------------
    def make(self, batch: str) -> None:
        self.gen_batch = batch
        self._seat_project_actors()
        rng = self.rng
        n = 0
        types = [c.code for c in ACTOR_TYPES]
        for dep in sorted(self.communes_by_dep):
            region = self.dep_region.get(dep)
            chosen = types + [_pick(rng, TYPE_WEIGHTS) for _ in range(rng.randint(*EXTRA_PER_DEPARTEMENT))]
            for typ in chosen:
                n += 1
                aid = f"demo-o{n:05d}"
                seat = self._seat(dep)
                countries = self._countries_for(typ, dep, region)
                since, until = self._actor_years()
                country = self.gen.country_fr.get(countries[0], countries[0]) if countries else "le monde"
                name = rng.choice(NAMES[typ]).format(c=seat["name"], x=country, n=rng.choice(WORDS))
                self._add(aid, typ, seat, countries, since, until, name)
                self._join_projects(aid, dep, region, countries, since, until)

    def _seat_project_actors(self) -> None:
        """The demonstration projects' own actors get a seat (in the lead French authority's
        commune, or a commune of its territory), the project's countries, sectors and SDGs."""
        project_of = {aid: pid for pid, aid, _role in self.t.project_actors}
        sdgs_of: dict[str, set[int]] = defaultdict(set)
        for pid, s in self.t.project_sdgs:
            sdgs_of[pid].add(int(s))
        themes_of: dict[str, list[str]] = defaultdict(list)
        for pid, th in self.t.project_themes:
            themes_of[pid].append(th)
        unseated: set[str] = set()
        for row in self.t.actors:
            pid = project_of.get(row["id"])
            parties = self.french_of_project.get(pid, [])
            if not parties:
                unseated.add(row["id"])
                continue
            lead = parties[0]
            dep = lead.get("departement")
            if lead["level"] == "commune":
                seat = {"insee": lead["insee"], "departement": dep, "region": lead["region"],
                        "lon": lead["lon"], "lat": lead["lat"], "epci": lead.get("epci")}
            else:
                if not dep:  # a région: one of its départements
                    deps = sorted(d for d, r in self.dep_region.items() if r == lead["region"]
                                  and d in self.communes_by_dep)
                    dep = self.rng.choice(deps) if deps else None
                if dep not in self.communes_by_dep:
                    unseated.add(row["id"])
                    continue
                seat = self._seat(dep)
            start, _end = self.project_year[pid]
            sectors = sorted({THEME_SECTORS.get(th, "autre") for th in themes_of[pid]} - {"autre"}) or \
                _picks(self.rng, TYPE_SECTORS.get(row["type"], TYPE_SECTORS["autre"]), 1)
            self._add(row["id"], row["type"], seat, sorted(self.countries_of_project.get(pid, ())), int(start),
                      None, row["name"], sectors=sectors, sdgs=sdgs_of[pid] or None)
        # the seated ones are in self.rows now, with their seat
        self.t.actors[:] = [r for r in self.t.actors if r["id"] in unseated]

    def frames(self) -> dict[str, pd.DataFrame]:
        supports = [(a, au, k, y, amt, self.gen_batch) for (a, au, k, y), amt in sorted(self.supports.items())]
        pa_keys = {(p, a) for p, a, _r in self.t.project_actors}
        extra_pa = []
        for p, a, r in self.project_actors:
            if (p, a) not in pa_keys:
                pa_keys.add((p, a))
                extra_pa.append((p, a, r))
        self.t.project_actors.extend(extra_pa)
        return {
            "actors": pd.DataFrame(self.t.actors + self.rows),
            "actor_sectors": pd.DataFrame(sorted(set(self.sectors)), columns=["actor_id", "sector"]),
            "actor_countries": pd.DataFrame(self.countries, columns=["actor_id", "country_iso2", "since", "until"])
            .drop_duplicates(["actor_id", "country_iso2"]),
            "actor_sdgs": pd.DataFrame(sorted(set(self.sdgs)), columns=["actor_id", "sdg"]),
            "actor_supports": pd.DataFrame(supports, columns=["actor_id", "authority_id", "kind", "year",
                                                              "amount_eur", "batch_id"]),
            "project_actors": pd.DataFrame(self.t.project_actors, columns=["project_id", "actor_id", "role"]),
        }


#: The observatory sector of each theme of the atlas (for the projects' own actors).
THEME_SECTORS: dict[str, str] = {
    "eau": "eau", "sante": "sante", "education": "education", "agriculture": "agriculture",
    "gouvernance": "gouvernance", "economie": "economie", "culture": "culture", "jeunesse": "jeunesse",
    "environnement": "environnement", "energie": "energie", "dechets": "environnement", "urbanisme": "gouvernance",
    "tourisme": "economie", "egalite": "egalite", "humanitaire": "humanitaire", "sport": "sport",
    "numerique": "economie", "migrations": "migrations", "recherche": "enseignement_sup", "ess": "ess",
    "citoyennete": "ecsi", "francophonie": "education", "transports": "economie", "biodiversite": "environnement",
    "paix": "droits",
}


def add_actors(gen: Any, frames: dict[str, pd.DataFrame], seed: int, batch: str,
               progress: Callable[[str], None] | None = None) -> dict[str, pd.DataFrame]:
    """``frames`` of a finished generator with the observatory's actors added (see module docstring)."""
    if progress:
        progress("actors of the territories")
    maker = ActorMaker(gen, seed)
    maker.make(batch)
    return {**frames, **maker.frames()}
