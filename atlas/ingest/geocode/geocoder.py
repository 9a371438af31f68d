"""Deciding where a foreign partner is: decisions already taken, then the country, then the place
by name (city or admin-1 area), homonyms settled by coordinates or a clearly bigger population,
then a careful fuzzy match; anything else is queued with candidates."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import duckdb
import pandas as pd
from rapidfuzz.distance import Levenshtein

from atlas.ingest.countries import CountryResolver
from atlas.ingest.distance import haversine_km
from atlas.ingest.geocode.lookup import GazetteerLookup
from atlas.ingest.geocode.query import PartnerQuery, admin_stripped, hyphen_splits, name_variants
from atlas.ingest.normalize import name_key
from atlas.ingest.records import Entity, Resolution
from atlas.text import fold

#: A place this many times bigger than the next homonym is taken; below that, the analyst decides.
POPULATION_DOMINANCE = 5.0
#: A homonym whose population GeoNames does not know (0) is taken to be smaller than a place
#: of this many inhabitants, not smaller than any (Friesenheim of 647 vs an unknown Friesenheim).
UNKNOWN_POPULATION_BELOW = 50_000
#: Homonyms this close (km) to the biggest of them are one place listed twice.
SAME_PLACE_KM = 8.0
#: Two towns that name one municipality ('Comines-Warneton') lie within this distance (km).
MERGED_KM = 15.0
#: File coordinates this close (km) to a candidate choose it.
NEAR_KM = 25.0
#: File coordinates farther than this (km) from the match are flagged, and the file's point is used
#: when it lies in the country (the same distance as the French side's FAR_KM).
FAR_KM = 30.0
FUZZY_ACCEPT = 92.0
FUZZY_GAP = 6.0


def one_letter_apart(key: str, place: Entity) -> bool:
    """The name is the place's name with one letter added or dropped: as likely another town
    (Carrouge and Carouge, Gründau and Grünau, Wiblingen and Waiblingen) as a typo, so a fuzzy
    match is not taken on its own. (One letter changed is often a transliteration: Al-Bireh.)"""
    other = name_key(place.name)
    return abs(len(other) - len(key)) == 1 and Levenshtein.distance(key, other) == 1


class PartnerGeocoder(GazetteerLookup):
    """Resolve partners in bulk against the gazetteer and the admin-1 table."""

    def __init__(self, con: duckdb.DuckDBPyConnection, countries: CountryResolver,
                 decisions: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__(con, countries)
        self.decisions = decisions or {}

    @staticmethod
    def decision_key(name: str, iso2: str | None, raw_country: str) -> str:
        return f"partner|{name_key(name)}|{iso2 or fold(raw_country)}"

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
        # Each query is searched under its name and under the other readings of it (name_variants:
        # 'Lund Municipality' -> Lund); a reading is used only when the name itself finds nothing.
        # Queries with no country are searched in every country, for candidates only.
        subs: list[tuple[int, PartnerQuery]] = []  # (index in todo, query as read)
        rows = []
        for t, (_i, q, codes) in enumerate(todo):
            readings = [q] + ([dataclasses.replace(q, name=v.name, admin1=v.hint or q.admin1,
                                                   hint_may_be_place=v.hint_may_be_place, weak=v.weak)
                               for v in name_variants(q.name)] if codes else [])
            for rq in readings:
                stripped = admin_stripped(rq.name)
                for cc in codes or ("*",):
                    rows.append((len(subs), cc, rq.name, stripped or rq.name))
                subs.append((t, rq))
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
        # the reading used for each query: its name, else the first other reading that finds something
        chosen: dict[int, int] = {}
        for qid, (t, _rq) in enumerate(subs):
            if t not in chosen or (chosen[t] not in found_city and chosen[t] not in found_admin
                                   and (qid in found_city or qid in found_admin)):
                chosen[t] = qid
        unfound = [(chosen[t], q, codes) for t, (_i, q, codes) in enumerate(todo)
                   if codes and chosen[t] not in found_city and chosen[t] not in found_admin]
        lost = self._lost_characters(unfound)
        for qid, gid in lost:
            found_city.setdefault(qid, {})[gid] = False
        lost_qids = {qid for qid, _g in lost}
        self._prepare_fuzzy([(q, codes) for qid, q, codes in unfound if qid not in lost_qids])
        places = self._places([g for d in found_city.values() for g in d]
                              + [g for hits in self._fuzzy_hits.values() for g in hits])
        admins = self._admin1s([a for lst in found_admin.values() for a in lst])
        for t, (i, q, codes) in enumerate(todo):
            qid = chosen[t]
            rq = subs[qid][1]
            cands = [places[g] for g in found_city.get(qid, {}) if g in places]
            adm = [admins[a] for a in found_admin.get(qid, []) if a in admins]
            outside: list[Entity] = []
            if rq is not q and rq.admin1 and cands:
                kept = self.within_hint(cands, rq.admin1, rq.hint_may_be_place)
                outside, cands = [e for e in cands if e not in kept], kept
            own = {g for g, primary in found_city.get(qid, {}).items() if primary}
            if outside and not cands and not adm and q.lon is not None:
                res = self._no_name_match(q, codes, "")  # the file's point, when in the country
            elif outside and not cands and not adm:
                res = Resolution("unmatched", candidates=[self._cand(e) for e in outside[:8]], reason=(
                    f"the places named {rq.name!r} in the gazetteer are not in {rq.admin1!r}: the file means "
                    "another one, which the gazetteer lacks"))
            else:
                res = self._decide(rq, codes, cands, adm, own)
            res.key = self.decision_key(q.name, codes[0] if len(codes) == 1 else None, q.country)
            by_reading = rq is not q and res.status == "matched"
            if rq.weak and q.lon is None and res.status == "matched" and res.entity is not None:
                res = Resolution("unmatched", candidates=[self._cand(res.entity)], key=res.key,
                                 reason=f"{q.name!r} may be {res.entity.name} (read as {rq.name!r}), but the gazetteer "
                                        f"has no place of the full name: not taken without the file's coordinates")
            elif rq is not q and (self._off_point(q, res) or (res.status != "matched" and q.lon is not None)
                                  or (res.entity is not None and res.entity.geo_precision == "file")):
                # another reading of the name found a place, but not where the file puts it (or
                # several): the file means a place the gazetteer lacks ('Heidesheim am Rhein' is
                # not Heidesheim); its point is used, under the name as written, when it lies in
                # the country
                res, by_reading = self._no_name_match(q, codes, res.key), False
            if by_reading and res.status == "matched" and res.entity is not None:
                hint = f" in {rq.admin1}" if rq.admin1 and rq.admin1 != q.admin1 else ""
                res.flags.insert(0, f"{q.name!r} read as {rq.name!r}{hint}")
            if res.status == "unmatched" and len(codes) == 1 and not cands and not adm:
                res = self._merged_towns(q, codes[0], res)
            if qid in lost_qids and res.status == "matched" and res.entity is not None:
                res.method = "name (lost characters)"
                res.flags.append(f"{q.name!r} has characters lost by its encoding; read as {res.entity.name!r}")
            if res.status != "matched" and res.key in self.decisions:
                ent = self._decided(self.decisions[res.key])
                if ent is not None:
                    res = Resolution("matched", ent, "decision", key=res.key)
            out[i] = res

    def _decide(self, q: PartnerQuery, codes: tuple[str, ...], cands: list[Entity], adm: list[Entity],
                own: set[int] | None = None) -> Resolution:
        """``own``: ids of the candidates whose own (primary) name is the name, not an alternate."""
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
            return self._pick_city(q, codes, cands, key, own)
        return self._no_name_match(q, codes, key)

    def _pick_city(self, q: PartnerQuery, codes: tuple[str, ...], cands: list[Entity], key: str,
                   own: set[int] | None = None) -> Resolution:
        cands = sorted(cands, key=lambda e: -(e.population or 0))
        if q.lon is not None and q.lat is not None:
            near = [e for e in cands if haversine_km(q.lon, q.lat, e.lon, e.lat) <= NEAR_KM]
            if len(near) >= 1:
                return Resolution("matched", near[0], "name+coordinates", key=key)
            iso2 = codes[0] if len(codes) == 1 else None
            if len(cands) > 1 and iso2 and self._inside(iso2, q.lon, q.lat) and all(
                    haversine_km(q.lon, q.lat, e.lon, e.lat) > FAR_KM for e in cands if e.lon is not None):
                # homonyms, all far from the file's point in the right country: the file means
                # another place of that name, which the gazetteer lacks
                return Resolution("matched", self.manual_entity(q.name, iso2, q.lon, q.lat, "file"), "file_coordinates",
                                  key=key, flags=[f"{len(cands)} places named {q.name!r} in the gazetteer, all over "
                                                  f"{FAR_KM:.0f} km from the file's point: placed at the file's coordinates"])
        if len({e.country_iso2 for e in cands}) > 1:
            return Resolution("ambiguous", candidates=[self._cand(e) for e in cands[:10]], key=key,
                              reason=f"country {q.country!r} may be {', '.join(codes)} and {q.name!r} exists in several")
        if len(cands) == 1:
            return self._checked(q, Resolution("matched", cands[0], "name", key=key))
        flags: list[str] = []
        if own and cands[0].geonames_id not in own and any(e.geonames_id in own for e in cands):
            # the biggest carries the name only as an alternate (Aachen is 'Aken' in Dutch, Halle
            # (Saale) is also 'Halle'), smaller ones as their own name: those are meant
            others = [e.name for e in cands if e.geonames_id not in own][:3]
            cands = [e for e in cands if e.geonames_id in own]
            flags.append(f"{q.name!r} is the own name of {len(cands)} place(s); also another name of "
                         f"{', '.join(others)}, left aside")
            if len(cands) == 1:
                return self._checked(q, Resolution("matched", cands[0], "name", key=key, flags=flags))
            return Resolution("ambiguous", candidates=[self._cand(e) for e in cands[:10]], key=key,
                              reason=f"{len(cands)} places are named {q.name!r} in {cands[0].country_iso2}, "
                                     f"and it is another name of bigger ones ({', '.join(others)})")
        mine = [e for e in cands if own and e.geonames_id in own]
        if len(mine) == 1 and len(cands) > 1:
            # one place has the name as its own, the others only as an alternate ('Cattolica' and
            # Cattolica Eraclea): the one whose name it is
            others = [e.name for e in cands if e is not mine[0]][:3]
            return self._checked(q, Resolution("matched", mine[0], "name", key=key, flags=[
                f"{q.name!r} is the own name of {mine[0].name} only (also another name of {', '.join(others)})"]))
        if cands[0].lon is not None and all(
                e.lon is not None and e.admin1 == cands[0].admin1
                and haversine_km(e.lon, e.lat, cands[0].lon, cands[0].lat) <= SAME_PLACE_KM for e in cands[1:]):
            # homonyms next to each other in one region are one place listed twice (a town and its
            # centre, Fujiyoshida and Fuji-yoshida): the bigger entry (Kansas City, Kansas and
            # Missouri, are two)
            return self._checked(q, Resolution("matched", cands[0], "name", key=key, flags=[
                f"{len(cands)} places named {q.name!r} lie within {SAME_PLACE_KM:.0f} km of each other: "
                f"taken as one ({cands[0].name})"]))
        first, second = cands[0].population or 0, cands[1].population or 0
        # GeoNames gives 0 for an unknown population: such a homonym may be as big as a town,
        # not as a city
        if first >= POPULATION_DOMINANCE * second if second > 0 else first >= UNKNOWN_POPULATION_BELOW:
            res = Resolution("matched", cands[0], "name+population", key=key,
                             flags=flags + [f"{len(cands)} places named {q.name!r} in {cands[0].country_iso2}: "
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
            if swapped > FAR_KM and self._inside(ent.country_iso2, q.lon, q.lat):
                # the file's point is in the right country and far from the gazetteer's homonym:
                # the file means another place of that name, which the gazetteer lacks
                placed = self.manual_entity(q.name, ent.country_iso2, q.lon, q.lat, "file")
                return Resolution("matched", placed, "file_coordinates", key=res.key, flags=[
                    f"the gazetteer's {ent.name} is {d:,.0f} km from the file's point: placed at the file's coordinates"])
            hint = " (latitude and longitude look swapped)" if swapped <= FAR_KM else ""
            res.flags.append(f"file coordinates ({q.lat:.4f}, {q.lon:.4f}) are {d:,.0f} km from "
                             f"{ent.name}{hint}; the gazetteer point was kept")
        return res


    def _merged_towns(self, q: PartnerQuery, iso2: str, res: Resolution) -> Resolution:
        """'Comines-Warneton', 'Heusden-Zolder': a municipality named after the towns it merged,
        when the gazetteer has both towns within MERGED_KM of each other: placed at the bigger one
        (usually the seat), flagged. Anything else keeps the resolution it had."""
        for left, right in hyphen_splits(q.name):
            sides = []
            for part in (left, right):
                rows = self.con.execute(
                    "SELECT DISTINCT geonames_id FROM gazetteer_keys WHERE cc = ? AND key = atlas_key(?)",
                    [iso2, part]).fetchall()
                sides.append(list(self._places([int(r[0]) for r in rows]).values()))
            pairs = [(a, b) for a in sides[0] for b in sides[1]
                     if a.lon is not None and b.lon is not None and haversine_km(a.lon, a.lat, b.lon, b.lat) <= MERGED_KM]
            if len(pairs) != 1:
                continue
            a, b = pairs[0]
            seat = a if (a.population or 0) >= (b.population or 0) else b
            merged = Resolution("matched", seat, "merged towns", key=res.key, flags=[
                f"{q.name!r} is not in the gazetteer; it names {a.name} and {b.name} ({haversine_km(a.lon, a.lat, b.lon, b.lat):.0f} km "
                f"apart): placed at {seat.name}, the bigger"])
            checked = self._checked(q, merged)
            return res if self._off_point(q, checked) else checked
        return res

    @staticmethod
    def _off_point(q: PartnerQuery, res: Resolution) -> bool:
        """A match farther than NEAR_KM from the file's point (False without a point)."""
        e = res.entity
        if res.status != "matched" or e is None or e.lon is None or q.lon is None or q.lat is None:
            return False
        return haversine_km(q.lon, q.lat, e.lon, e.lat) > NEAR_KM

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
                (len(cands) == 1 or cands[1][1] <= cands[0][1] - FUZZY_GAP) and \
                not one_letter_apart(name_key(q.name), cands[0][0]):
            ent, score = cands[0]
            return self._checked(q, Resolution("matched", ent, "fuzzy", key=key,
                                               flags=[f"{q.name!r} read as {ent.name!r} (similarity {score:.0f} %)"]))
        where = self.countries.label(iso2) if iso2 else " or ".join(codes)
        return Resolution("unmatched", candidates=[self._cand(e, s) for e, s in cands[:8]], key=key,
                          reason=f"no place named {q.name!r} in {where}{reason_coords}")
