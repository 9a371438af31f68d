"""Realistic sample files made from real reference names, with the expected answers kept aside.

Used to measure match rates (tests/ingest/test_match_rates.py) and speed (benchmarks/
bench_import.py). Names are damaged the way real exports damage them: upper case, accents
stripped, Saint -> ST, hyphens lost, "LE HAVRE" -> "HAVRE (LE)", old names of merged communes,
country names in French or English or as ISO codes, Windows-1252 text and semicolons.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from atlas.text import fold


@dataclass
class Expected:
    """What a generated row should match to."""

    row: int
    fr_id: str
    fr_has_context: bool  # département, INSEE code or SIREN given
    partner_id: str
    partner_cc: str
    french_side: bool = True  # False: a pair-list row with no French side (to be skipped)


@dataclass
class Sample:
    path: Path
    expected: list[Expected] = field(default_factory=list)


def damage(name: str, rng: random.Random, strength: float = 0.6) -> str:
    """A name as a careless export writes it."""
    s = name
    if rng.random() < strength:
        s = fold(s).upper() if rng.random() < 0.7 else fold(s).title()
    if rng.random() < strength:
        for long, short in (("Saint-", "St-"), ("Sainte-", "Ste-"), ("SAINT-", "ST-"), ("SAINTE-", "STE-"),
                            ("saint-", "st-"), ("Saint ", "St "), ("SAINT ", "ST ")):
            s = s.replace(long, rng.choice((short, short.replace("-", " "), short.rstrip("- ") + ". "))).replace(
                "  ", " ")
    if rng.random() < strength * 0.6:
        s = s.replace("-", " ")
    if rng.random() < strength * 0.3:
        s = s.replace("'", " ") if rng.random() < 0.5 else s.replace("'", "")
    words = s.split(" ", 1)
    if len(words) == 2 and fold(words[0]) in ("le", "la", "les") and rng.random() < strength * 0.5:
        s = f"{words[1]} ({words[0].upper() if s.isupper() else words[0]})"
    return s


_COUNTRY_EXTRA = {"GB": ("England, United Kingdom", "ROYAUME UNI", "UK", "Grande-Bretagne"),
                  "CI": ("Ivory Coast", "Côte d'Ivoire", "COTE D'IVOIRE"), "CZ": ("REPUBLIQUE TCHEQUE", "Czechia"),
                  "US": ("USA", "Etats-Unis", "United States"), "DE": ("Allemagne", "Germany", "ALLEMAGNE", "RFA"),
                  "NL": ("Pays-Bas", "Netherlands", "Hollande")}


def country_text(cc: str, name_fr: str, name_en: str, iso3: str, rng: random.Random) -> str:
    choices = [name_fr, name_en, fold(name_fr).upper(), name_en.upper(), cc, iso3] + list(_COUNTRY_EXTRA.get(cc, ()))
    return rng.choice(choices)


class SampleMaker:
    """Draws real French authorities and foreign places from a database's reference tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.communes = con.execute(
            "SELECT insee, siren, name, departement, region, population, lon, lat FROM ref_communes "
            "WHERE zone <> 'com' ORDER BY insee").fetchall()
        # cumulative weights: random.choices would re-add 35,000 weights on every draw
        self.cum = list(itertools.accumulate(max(p or 0, 50) ** 0.5 for *_x, p, _lo, _la in self.communes))
        self.by_insee = {c[0]: c for c in self.communes}
        self.dep_region = {c[3]: c[4] for c in self.communes}
        self.old = [r for r in con.execute(
            "SELECT old_code, old_name, insee FROM ref_old_communes WHERE old_name IS NOT NULL ORDER BY old_code"
        ).fetchall() if r[2] in self.by_insee]
        self.deps = dict(con.execute("SELECT code, name FROM ref_departements").fetchall())
        self.regions = dict(con.execute("SELECT code, name FROM ref_regions").fetchall())
        self.epci = con.execute("SELECT siren, name, departement FROM ref_epci ORDER BY siren").fetchall()
        self.countries = {r[0]: r for r in con.execute(
            "SELECT iso2, name_fr, name_en, iso3 FROM countries WHERE iso2 NOT IN "
            "('FR','GP','MQ','GF','RE','YT','PM','BL','MF','WF','PF','NC')").fetchall()}
        self.places = [p for p in con.execute(
            "SELECT geonames_id, name, country_iso2, population, lon, lat FROM gazetteer "
            "WHERE population >= 5000 ORDER BY geonames_id").fetchall() if p[2] in self.countries]
        self.place_cum = list(itertools.accumulate((p or 1) ** 0.35 for _g, _n, _c, p, _lo, _la in self.places))

    def french(self) -> tuple[str, str, str, str, float, float]:
        """(expected id, name as written, département code, INSEE to give, lon, lat)."""
        r = self.rng.random()
        if r < 0.06 and self.old:
            old_code, old_name, insee = self.rng.choice(self.old)
            c = self.by_insee[insee]
            dep = old_code[:3] if old_code.startswith("97") else old_code[:2]
            return f"commune:{insee}", damage(old_name, self.rng), dep, old_code, c[6], c[7]
        c = self.rng.choices(self.communes, cum_weights=self.cum, k=1)[0]
        return f"commune:{c[0]}", damage(c[2], self.rng), c[3], c[0], c[6], c[7]

    def partner(self) -> tuple[int, str, str, float, float]:
        gid, name, cc, _pop, lon, lat = self.rng.choices(self.places, cum_weights=self.place_cum, k=1)[0]
        written = fold(name).upper() if self.rng.random() < 0.3 else name
        return gid, written, cc, lon, lat

    def ctext(self, cc: str) -> str:
        _iso2, fr, en, iso3 = self.countries[cc]
        return country_text(cc, fr, en, iso3, self.rng)

    # ---- files --------------------------------------------------------------------------------
    def projects_csv(self, path: Path, n: int, context_share: float = 0.9) -> Sample:
        """A national-atlas-like export: cp1252, ';', a title line, French headers."""
        s = Sample(path)
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        w.writerow(["Atlas français de la coopération décentralisée — export"])
        w.writerow([])
        w.writerow(["Collectivité", "Code INSEE", "Département", "Pays", "Collectivité partenaire", "Intitulé du projet",
                    "Thématiques", "ODD", "Année de début", "Année de fin", "Montant (€)", "Cofinancements"])
        themes = ["Eau et assainissement", "Santé; Éducation et formation", "Culture et patrimoine", "Jeunesse",
                  "Gouvernance locale et appui institutionnel", "Agriculture; Environnement et climat"]
        for i in range(n):
            fid, name, dep, insee, _lo, _la = self.french()
            gid, pname, cc, _plo, _pla = self.partner()
            has_ctx = self.rng.random() < context_share
            give_code = has_ctx and self.rng.random() < 0.3
            dep_text = "" if not has_ctx else (dep if self.rng.random() < 0.6 else
                                               fold(self.deps.get(dep, dep)).upper())
            year = self.rng.randint(1995, 2025)
            w.writerow([name, insee if give_code else "", dep_text, self.ctext(cc), pname,
                        f"Projet {i} avec {pname}", self.rng.choice(themes), self.rng.choice(["6", "3; 4", "", "11"]),
                        year, year + self.rng.randint(0, 4), f"{self.rng.randint(1, 300) * 500:,}".replace(",", " ") + " €",
                        self.rng.choice(["", "AFD", "MEAE: 10 000", "Agence de l'eau"])])
            s.expected.append(Expected(i + 4, fid, has_ctx, f"geonames:{gid}", cc))
        path.write_bytes(buf.getvalue().encode("cp1252", errors="replace"))
        return s

    def pairs_csv(self, path: Path, n: int, coords_share: float = 0.85, foreign_share: float = 0.05) -> Sample:
        """A Wikipedia-like pair list: English country names, either side French, coordinates."""
        s = Sample(path)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"])
        for i in range(n):
            gid, pname, cc, plon, plat = self.partner()
            _iso2, _fr, en, _iso3 = self.countries[cc]
            if self.rng.random() < foreign_share:
                g2, p2, cc2, lo2, la2 = self.partner()
                w.writerow([pname, en, f"{plat:.4f}", f"{plon:.4f}", p2, self.countries[cc2][2], f"{la2:.4f}", f"{lo2:.4f}"])
                s.expected.append(Expected(i + 2, "", False, f"geonames:{gid}", cc, french_side=False))
                continue
            fid, name, _dep, _insee, lon, lat = self.french()
            coords = self.rng.random() < coords_share
            fr_side = [name, self.rng.choice(["France", "FRANCE", "France"]), f"{lat:.4f}" if coords else "",
                       f"{lon:.4f}" if coords else ""]
            p_side = [pname, en, f"{plat:.4f}" if coords else "", f"{plon:.4f}" if coords else ""]
            w.writerow(fr_side + p_side if self.rng.random() < 0.5 else p_side + fr_side)
            s.expected.append(Expected(i + 2, fid, coords, f"geonames:{gid}", cc))
        path.write_text(buf.getvalue(), encoding="utf-8")
        return s

    def directory_txt(self, path: Path, n_communes: int) -> Sample:
        """A twinning directory: upper case, no accents, ST/STE, (REGION - DEPARTEMENT)."""
        s = Sample(path)
        lines = ["ANNUAIRE DES JUMELAGES", ""]
        for _ in range(n_communes):
            fid, name, dep, _insee, _lo, _la = self.french()
            region = self.regions.get(self.dep_region.get(dep, ""), "")
            lines.append(f"{fold(name).upper()} ({fold(region).upper()} - {fold(self.deps.get(dep, dep)).upper()})")
            for _k in range(self.rng.randint(1, 3)):
                gid, pname, cc, _lo2, _la2 = self.partner()
                lines.append(f"{fold(pname).upper()} ({fold(self.countries[cc][1]).upper()}) - {self.rng.randint(1955, 2024)}")
                s.expected.append(Expected(len(lines), fid, dep in self.deps, f"geonames:{gid}", cc))
            lines.append("")
        path.write_bytes("\r\n".join(lines).encode("cp1252", errors="replace"))
        return s
