"""Looking places up: gazetteer and admin-1 entities by id, candidates, names that lost letters
to an encoding, fuzzy suggestions per country, and whether a point lies in a country."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
from rapidfuzz import fuzz, process

from atlas.ingest.countries import CountryResolver
from atlas.ingest.distance import haversine_km
from atlas.ingest.geocode.keys import install_key_macro
from atlas.ingest.geocode.query import PartnerQuery, admin_stripped
from atlas.ingest.normalize import name_key
from atlas.ingest.records import Candidate, Entity
from atlas.text import fold, fold_sql


#: Words that may follow an admin-1 area's name in a hint ('Aosta Valley').
_AREA_WORDS = ("valley", "region", "province", "state", "county", "land")
#: A hint that names a place keeps the candidates within this distance (km) of it.
HINT_KM = 40.0


class GazetteerLookup:
    """Entities and candidates from the gazetteer (GeoNames places) and the admin-1 table, cached
    per import; :class:`~atlas.ingest.geocode.geocoder.PartnerGeocoder` decides between them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, countries: CountryResolver) -> None:
        self.con = con
        self.countries = countries
        install_key_macro(con)
        self._shapes: dict[str, Any] | None = None
        self._pools: dict[tuple[str, ...], tuple[list[str], list[int]]] = {}
        self._fuzzy_hits: dict[tuple[str, tuple[str, ...]], dict[int, float]] = {}
        self._place_cache: dict[int, Entity] = {}
        self._admin1_keys: dict[tuple[str, str], set[str]] | None = None
        self._admin1_polys: dict[str, Any] | None = None

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
                f"""WITH g AS (SELECT geonames_id, country_iso2 AS cc, {fold_sql('n')} AS n
                              FROM gazetteer, unnest([name, ascii_name]) AS t(n)
                              WHERE country_iso2 IN (SELECT DISTINCT cc FROM lost_df))
                   SELECT DISTINCT l.qid, g.geonames_id FROM lost_df l
                   JOIN g ON g.cc = l.cc AND length(g.n) = length(l.pattern) AND g.n LIKE l.pattern""").fetchall()
        finally:
            self.con.unregister("lost_df")
        return [(int(q), int(g)) for q, g in hits]

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
        """Is the point in (or within ~20 km of) the country? Polygons from the reference data,
        each buffered when first asked about (an import asks about a few countries, not 250)."""
        if self._shapes is None:
            from atlas.reference.loaders import read_shapes

            gdf = read_shapes("countries")
            self._shapes = {r.iso2: r.geometry for r in gdf.itertuples() if r.geometry is not None}
        shape = self._shapes.get(iso2)
        if shape is None:
            point = self.countries.points.get(iso2)
            return point is not None and haversine_km(lon, lat, point[0], point[1]) <= 300
        from shapely.geometry import Point
        from shapely.prepared import PreparedGeometry, prep

        if not isinstance(shape, PreparedGeometry):
            shape = self._shapes[iso2] = prep(shape.buffer(0.2))
        return bool(shape.contains(Point(lon, lat)))

    def within_hint(self, cands: list[Entity], hint: str, may_be_place: bool = True) -> list[Entity]:
        """The candidates a hint written with the name allows ('Colonna, Lazio', 'Munster, Lower
        Saxony'): those inside the admin-1 area it names, or within HINT_KM of a place it names
        (a city the place belongs to). When the hint names an area or a place, candidates outside
        it are dropped (none may be left: the gazetteer lacks the place); a hint that names
        neither (a river, 'Sauerland') leaves the candidates as they are."""
        from shapely.geometry import Point

        hkey = name_key(hint)
        stripped = admin_stripped(hint)
        keys = [hkey] + ([name_key(stripped)] if stripped else [])
        out: list[Entity] = []
        understood = False
        for cc in dict.fromkeys(c.country_iso2 for c in cands):
            mine = [c for c in cands if c.country_iso2 == cc]
            areas = [self._admin1_shape(a) for a in self._admin1_ids(cc, keys)]
            areas = [a for a in areas if a is not None]
            if areas:
                understood = True
                out += [c for c in mine if c.lon is not None and any(a.contains(Point(c.lon, c.lat)) for a in areas)]
                continue
            places = [] if not may_be_place else self.con.execute(
                "SELECT DISTINCT g.lon, g.lat FROM gazetteer_keys k JOIN gazetteer g USING (geonames_id) "
                "WHERE k.cc = ? AND k.key = ?", [cc, hkey]).fetchall()
            if places:
                understood = True
                out += [c for c in mine if c.lon is not None
                        and any(haversine_km(c.lon, c.lat, lon, lat) <= HINT_KM for lon, lat in places)]
        return out if understood else cands

    def _admin1_ids(self, cc: str, keys: list[str]) -> list[str]:
        if self._admin1_keys is None:
            self._admin1_keys = {}
            columns = {r[0] for r in self.con.execute("DESCRIBE ref_admin1").fetchall()}
            # other names and the larger region ('Lazio' -> its provinces), in databases that have them
            more = "region, alt_names" if {"region", "alt_names"} <= columns else "NULL, []::VARCHAR[]"
            for aid, acc, name, name_fr, name_en, region, alts in self.con.execute(
                    f"SELECT id, country_iso2, name, name_fr, name_en, {more} FROM ref_admin1").fetchall():
                for n in (name, name_fr, name_en, region, *(alts or ())):
                    if n:
                        for k in {name_key(n), name_key(admin_stripped(n) or n)}:
                            self._admin1_keys.setdefault((acc, k), set()).add(aid)
        found = {a for k in keys for a in self._admin1_keys.get((cc, k), ())}
        if not found:  # 'Aosta Valley' for Aosta (never 'Bedfordshire' for Bedford)
            found = {a for k in keys for word in _AREA_WORDS if k.endswith(word)
                     for a in self._admin1_keys.get((cc, k[:-len(word)]), ())}
        return sorted(found)

    def _admin1_shape(self, aid: str) -> Any:
        """The prepared polygon of an admin-1 area (buffered ~5 km when first asked for), None
        without shapes."""
        if self._admin1_polys is None:
            from atlas.reference.loaders import reference_path

            try:
                import geopandas as gpd

                gdf = gpd.read_parquet(reference_path("admin1_shapes"))
                self._admin1_polys = {r.id: r.geometry for r in gdf.itertuples() if r.geometry is not None}
            except Exception:  # noqa: BLE001 - the overview shapes are optional reference data
                self._admin1_polys = {}
        from shapely.prepared import PreparedGeometry, prep

        shape = self._admin1_polys.get(aid)
        if shape is not None and not isinstance(shape, PreparedGeometry):
            shape = self._admin1_polys[aid] = prep(shape.buffer(0.05))
        return shape

    def _cand(self, e: Entity, score: float = 100.0) -> Candidate:
        detail = (f"{e.level}, {self.countries.label(e.country_iso2)}"
                  + (f", pop. {e.population:,}" if e.population else ""))
        return Candidate(e.id, e.name, detail, score, e.lon, e.lat)
