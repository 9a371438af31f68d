"""Decisions on French authorities: codes first, then names within their département, then a
careful fuzzy match; homonyms without context are *ambiguous*, never guessed."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from atlas.ingest.distance import haversine_km
from atlas.ingest.match_fr.index import Entry, FrenchIndex
from atlas.ingest.match_fr.names import (ARRONDISSEMENT, PREFIXES, SINGLE_COLLECTIVITE, canton_seat, epci_key,
                                         qualified)
from atlas.ingest.normalize import departement_code, name_key, raw_key, spaced_key
from atlas.ingest.records import Candidate, FrenchRef, Resolution
from atlas.ingest.vocab import parse_level

#: A fuzzy name inside a known département is accepted only at or above this score, and only
#: when the runner-up is well below it.
FUZZY_ACCEPT = 93.0
FUZZY_GAP = 8.0
#: A French homonym is chosen by file coordinates only when this close (km).
NEAR_KM = 15.0
#: A commune matched by name whose point is farther than this (km) from the file's point is not
#: taken: the file means another place (a merged or renamed commune, a homonym the reference
#: lacks). The row goes to review with the match as a candidate.
FAR_KM = 30.0
#: Without département or coordinates, a current commune's name wins over another commune's old
#: name that ended before this year (Saint-Étienne, not Saint-Étienne-les-Orgues until 1988).
LONG_GONE_BEFORE = 2000
#: Among homonyms near the file's point, the nearest is taken when the next is this many times
#: farther (Le Pont-de-Beauvoisin, Savoie and Isère, face each other across the Guiers).
NEAREST_RATIO = 3.0
#: Between places of several communes that go by one name (Marseilles: Marseille and a village),
#: the most populous is taken when this many times bigger than the next.
PLACE_DOMINANCE = 10.0


class FrenchMatcher:
    """Resolve :class:`FrenchRef` objects; results are cached per distinct reference."""

    def __init__(self, index: FrenchIndex, decisions: dict[str, str] | None = None) -> None:
        self.ix = index
        self.decisions = decisions or {}  # decision key -> authority id
        self._cache: dict[tuple, Resolution] = {}

    @staticmethod
    def decision_key(ref: FrenchRef, dep: str | None, region: str | None) -> str:
        return f"fr|{name_key(ref.name)}|{dep or ''}|{region or ''}"

    def resolve(self, ref: FrenchRef) -> Resolution:
        ck = (ref.name, ref.insee, ref.siren, ref.departement, ref.region, ref.level, ref.postcode, ref.lon, ref.lat)
        hit = self._cache.get(ck)
        if hit is None:
            hit = self._resolve(ref, ref.lon, ref.lat)
            self._cache[ck] = hit
        return hit

    # ---- the cascade --------------------------------------------------------------------------
    def _resolve(self, ref: FrenchRef, lon: float | None, lat: float | None) -> Resolution:
        ix = self.ix
        dep = ix.departement_of(ref.departement)
        region = ix.region_of(ref.region) or (ix.dep_region.get(dep) if dep else None)
        level = parse_level(ref.level)
        key = self.decision_key(ref, dep, region)
        flags: list[str] = []
        if ref.departement and dep is None:
            flags.append(f"département {ref.departement!r} not recognised: matched without it")
        if ref.insee or ref.siren:
            res = self._by_code(ref, level)
        elif not ref.name:
            res = Resolution("unmatched", reason="no name and no code for the French authority")
        else:
            deps = {dep} if dep else None
            if deps is None and ref.postcode and re.fullmatch(r"\d{5}", ref.postcode.strip()):
                pc = ref.postcode.strip()
                deps = {"2A", "2B"} if pc.startswith("20") else {pc[:3] if pc.startswith("97") else pc[:2]}
            res = self._by_name(ref.name, level, deps, region, lon, lat)
        if res.status != "matched" and self.decisions.get(key) in ix.entities:
            # an analyst settled this value (only cases the file's own evidence cannot settle
            # reach the queue, so a decision never overrides a code or coordinates)
            res = Resolution("matched", ix.entities[self.decisions[key]], "decision")
        res.key, res.flags = key, flags + res.flags
        return res

    def _by_code(self, ref: FrenchRef, level: str | None) -> Resolution:
        ix = self.ix
        code = ref.insee
        if code and len(code) <= 3:  # a département or région code in the code column
            if level == "region" and f"region:{code.zfill(2)}" in ix.entities:
                return Resolution("matched", ix.entities[f"region:{code.zfill(2)}"], "insee")
            dep = departement_code(code)
            if dep and f"departement:{dep}" in ix.entities and level != "region":
                return Resolution("matched", ix.entities[f"departement:{dep}"], "insee")
            if f"region:{code.zfill(2)}" in ix.entities:
                return Resolution("matched", ix.entities[f"region:{code.zfill(2)}"], "insee")
            return Resolution("unmatched", reason=f"code {code!r} is neither a département nor a région code")
        if code:
            ent = ix.entities.get(f"commune:{code}")
            if ent:
                return self._check_name(ref, Resolution("matched", ent, "insee"))
            if code in ix.old_codes:
                insee, old_name = ix.old_codes[code]
                ent = ix.entities[f"commune:{insee}"]
                note = f"old code {code}" + (f" ({old_name})" if old_name else "") + f" is now part of {ent.name} ({insee})"
                return self._check_name(ref, Resolution("matched", ent, "old_code", note=note))
            if not ref.siren:
                return self._name_or(ref, level, f"INSEE code {code} is not in the COG (current or old codes)")
        if ref.siren:
            eid = ix.by_siren.get(ref.siren)
            if eid:
                return self._check_name(ref, Resolution("matched", ix.entities[eid], "siren"))
            return self._name_or(ref, level, f"SIREN {ref.siren} is not a commune or EPCI SIREN")
        return Resolution("unmatched", reason="no code")

    def _name_or(self, ref: FrenchRef, level: str | None, reason: str) -> Resolution:
        """An unknown code: the name may still tell; the code problem is kept as a flag."""
        if ref.name:
            dep = self.ix.departement_of(ref.departement)
            res = self._by_name(ref.name, level, {dep} if dep else None, self.ix.region_of(ref.region), None, None)
            res.flags.append(reason)
            if res.status == "matched":
                res.method += " (code unknown)"
            return res
        return Resolution("unmatched", reason=reason)

    def _check_name(self, ref: FrenchRef, res: Resolution) -> Resolution:
        """A code matched: flag a name that does not fit it (the code wins, the analyst is told)."""
        if not ref.name or res.entity is None:
            return res
        key = name_key(ref.name)
        ent = res.entity
        ok = {name_key(ent.name), raw_key(ent.name)} | self.ix.old_keys.get(ent.id, set())
        if key not in ok and fuzz.ratio(spaced_key(ref.name), spaced_key(ent.name)) < 85:
            res.flags.append(f"name {ref.name!r} differs from the code's authority {ent.name!r}: the code was used")
        return res

    def _lookup(self, name: str, level: str | None, deps: set[str] | None, region: str | None) -> list[Entry]:
        ix = self.ix
        found: list[Entry] = []
        for key in dict.fromkeys((name_key(name), raw_key(name))):
            found.extend(ix.by_key.get(key, []))
        if level:
            found = [e for e in found if ix.entities[e.entity_id].level == level]
        if deps:
            found = [e for e in found if e.deps & deps]
        elif region:
            found = [e for e in found if ix.entities[e.entity_id].region == region
                     or ix.entities[e.entity_id].level == "region" and e.entity_id == f"region:{region}"]
        # one entity may come through several keys or names
        # (its own name first, else the old name carried last: Évry until 2019 rather than 1968)
        best: dict[str, Entry] = {}
        for e in found:
            if e.entity_id not in best or self._rank(e) > self._rank(best[e.entity_id]):
                best[e.entity_id] = e
        return list(best.values())

    @staticmethod
    def _rank(e: Entry) -> tuple[int, int]:
        return (e.via == "name", 9999 if e.until is None else e.until)

    def _by_name(self, name: str, level: str | None, deps: set[str] | None, region: str | None,
                 lon: float | None, lat: float | None) -> Resolution:
        ix = self.ix
        entries = self._lookup(name, level, deps, region)
        spaced = spaced_key(name)
        hinted = level
        if not entries:
            for lvl, pattern in PREFIXES:
                m = pattern.match(spaced)
                if m and spaced[m.end():]:
                    rest = spaced[m.end():]
                    hinted = level or lvl
                    if lvl == "departement" and (level in (None, "departement")):
                        code = ix.dep_by_key.get(name_key(rest)) or departement_code(rest)
                        if code and f"departement:{code}" in ix.entities:
                            return Resolution("matched", ix.entities[f"departement:{code}"], "name")
                    if lvl == "region" and (level in (None, "region")):
                        code = ix.region_by_key.get(name_key(rest))
                        if code:
                            return Resolution("matched", ix.entities[f"region:{code}"], "name")
                    entries = self._lookup(rest, level or lvl, deps, region)
                    break
        if not entries and (hinted in (None, "region")) and not deps:
            code = ix.region_by_key.get(name_key(name))
            if code:
                return Resolution("matched", ix.entities[f"region:{code}"], "name", note=f"{name} is now part of "
                                  f"{ix.region_names[code]}" if name_key(name) != name_key(ix.region_names[code]) else "")
        if not entries and hinted in (None, "epci"):
            core = epci_key(name)
            ids = [i for i in ix.epci_by_key.get(core, []) if not deps or ix.entities[i].departement in deps]
            if ids:
                entries = [Entry(i, "epci", frozenset()) for i in ids]
        if not entries:
            res = self._other_forms(name, level, deps, region, lon, lat)
            if res is not None:
                return res
        if len(entries) == 1:
            e = entries[0]
            ent = ix.entities[e.entity_id]
            far = self._far(ent, lon, lat)
            if far is not None:
                return Resolution("unmatched", candidates=[self._candidate(e)],
                                  reason=f"{name!r} is {ent.name} ({ent.insee or ent.id}) by name, but the file's "
                                         f"point is {far:,.0f} km from it: another place is meant")
            if e.via == "old_name":
                return Resolution("matched", ent, "old_name", note=self._old_note(e))
            return Resolution("matched", ent, "name")
        if len(entries) > 1:
            ids = frozenset(e.entity_id for e in entries)
            if ids in SINGLE_COLLECTIVITE:
                # one collectivité holding two levels' powers (Paris; Guyane, Martinique, Mayotte)
                return Resolution("matched", ix.entities[SINGLE_COLLECTIVITE[ids]], "name")
            if lon is None and not deps and not region:
                res = self._current_over_long_gone(name, entries)
                if res is not None:
                    return res
            communes = [e for e in entries if ix.entities[e.entity_id].level == "commune"]
            if deps and not level and len(communes) == 1 and all(
                    ix.entities[e.entity_id].level in ("departement", "region") for e in entries if e not in communes):
                # "MAYENNE" in département 53: a bare name is the commune; the département is written
                # "Département de la Mayenne" or has its level in the row
                ent = ix.entities[communes[0].entity_id]
                return Resolution("matched", ent, "name", flags=[
                    f"{name!r} read as the commune; write 'Département …' / 'Région …' or give the level otherwise"])
            return self._choose(name, entries, lon, lat)
        return self._fuzzy(name, level, deps, region)

    def _other_forms(self, name: str, level: str | None, deps: set[str] | None, region: str | None,
                     lon: float | None, lat: float | None) -> Resolution | None:
        """Forms people write for a commune the name index does not know as such: a qualifier
        ('Allonnes, Sarthe', 'Pringy (Haute-Savoie)', 'Saint-Denis (La Réunion)'), an
        arrondissement ('PARIS 15E ARRONDISSEMENT'), a canton ('canton of Yvetot': its seat), a
        foreign name or a place in a commune ('Dunkirk', 'Juan-les-Pins')."""
        ix = self.ix
        split = qualified(name)
        if split:
            bare, q, mark = split
            dep = ix.departement_of(q)
            qdeps = {dep} if dep else None
            if qdeps is None and ix.region_of(q):
                reg = ix.region_of(q)
                qdeps = {d for d, r in ix.dep_region.items() if r == reg}
            if qdeps is not None or mark == "(":
                return self._by_name(ARRONDISSEMENT.sub("", bare).strip() or bare, level, deps or qdeps, region,
                                     lon, lat)
        bare = ARRONDISSEMENT.sub("", name).strip()
        if bare and bare != name.strip():
            return self._by_name(bare, level, deps, region, lon, lat)
        if level not in (None, "commune"):
            return None
        seat = canton_seat(name)
        if seat:
            res = self._by_name(seat, "commune", deps, region, lon, lat)
            if res.status == "matched" and res.entity is not None:
                res.flags.append(f"{name!r} is a canton: placed at its seat {res.entity.name} ({res.entity.insee})")
            return res
        return self._by_place(name, deps, region, lon, lat)

    def _by_place(self, name: str, deps: set[str] | None, region: str | None, lon: float | None,
                  lat: float | None) -> Resolution | None:
        """A French place of the gazetteer by that name -> the commune it lies in (flagged)."""
        places = self.ix.places.places(name)
        if lon is not None and lat is not None:
            places = [p for p in places if haversine_km(lon, lat, p.lon, p.lat) <= FAR_KM]
        hits: dict[str, tuple] = {}
        for p in sorted(places, key=lambda p: -p.population):
            found = self.ix.places.commune_of(p)
            if found is None:
                continue
            ent, km = found
            if (deps and ent.departement not in deps) or (region and ent.region != region) \
                    or self._far(ent, lon, lat) is not None:
                continue
            hits.setdefault(ent.id, (ent, p, km))
        if not hits:
            return None
        ranked = sorted(hits.values(), key=lambda h: -h[1].population)
        if len(ranked) > 1 and ranked[0][1].population < PLACE_DOMINANCE * max(ranked[1][1].population, 1):
            return Resolution("ambiguous", candidates=[self._candidate(Entry(h[0].id, "name", frozenset()))
                                                       for h in ranked[:12]],
                              reason=f"{name!r} is the name of places of {len(ranked)} French communes")
        ent, p, km = ranked[0]
        where = f"{km:.0f} km from its point" if km >= 1 else "at its point"
        return Resolution("matched", ent, "place", flags=[
            f"{name!r} read as {ent.name} ({ent.insee}): GeoNames place {p.name!r} (id {p.geonames_id}), {where}"])

    @staticmethod
    def _far(ent, lon: float | None, lat: float | None) -> float | None:  # noqa: ANN001
        """Distance (km) from the file's point to a commune matched by name, when too far."""
        if lon is None or lat is None or ent.level != "commune" or ent.lon is None or ent.lat is None:
            return None
        d = haversine_km(lon, lat, ent.lon, ent.lat)
        return d if d > FAR_KM else None

    def _current_over_long_gone(self, name: str, entries: list[Entry]) -> Resolution | None:
        """'Saint-Étienne' with nothing else said is the city, not the name Saint-Étienne-les-Orgues
        carried until 1988: a current commune's own name wins over other communes' names that
        ended before LONG_GONE_BEFORE (flagged). Names that ended since (Évry, 2019) stay homonyms."""
        current = [e for e in entries if e.via == "name"]
        gone = [e for e in entries if e.via == "old_name" and e.kind == "historique" and e.until is not None
                and e.until < LONG_GONE_BEFORE]
        if len(current) != 1 or len(current) + len(gone) != len(entries):
            return None
        ent = self.ix.entities[current[0].entity_id]
        was = ", ".join(f"{self.ix.entities[e.entity_id].name} until {e.until}" for e in gone[:3])
        return Resolution("matched", ent, "name", flags=[
            f"{name!r} read as the current commune {ent.name} ({ent.insee}); it was also the name of {was}"])

    def _old_note(self, e: Entry) -> str:
        ent = self.ix.entities[e.entity_id]
        if e.kind == "historique":
            until = f" (a commune's name until {e.until})" if e.until else " (an old name)"
            return f"{e.historical}{until} is now {ent.name} ({ent.insee})"
        return f"{e.historical} merged into {ent.name} ({ent.insee})"

    def _choose(self, name: str, entries: list[Entry], lon: float | None, lat: float | None) -> Resolution:
        ix = self.ix
        cands = [self._candidate(e) for e in entries]
        if lon is not None and lat is not None:
            # coordinates from the file are evidence, not a guess: the one homonym they point at,
            # or the nearest when it is much nearer than the others (twin towns across a river)
            dist = sorted((haversine_km(lon, lat, c.lon, c.lat), i) for i, c in enumerate(cands) if c.lon is not None)
            near = [(d, i) for d, i in dist if d <= NEAR_KM]
            flags = []
            if len(near) > 1 and near[0][0] * NEAREST_RATIO <= near[1][0]:
                flags = [f"{len(near)} communes named {name!r} lie within {NEAR_KM:.0f} km of the file's point: "
                         f"the nearest taken ({near[0][0]:.1f} km; next {near[1][0]:.1f} km)"]
                near = near[:1]
            if len(near) == 1:
                e = entries[near[0][1]]
                if e.via == "old_name":
                    return Resolution("matched", ix.entities[e.entity_id], "old_name", note=self._old_note(e),
                                      flags=flags + [f"{name!r}: the homonym at the file's point"])
                return Resolution("matched", ix.entities[e.entity_id], "name+coordinates", flags=flags)
        # a current commune and a merged one of the same name are homonyms too: no guess
        cands.sort(key=lambda c: -(ix.entities[c.id].population or 0))
        return Resolution("ambiguous", candidates=cands[:12],
                          reason=f"{len(entries)} French authorities are named {name!r}; give the département or the INSEE code")

    def _candidate(self, e: Entry, score: float = 100.0) -> Candidate:
        ent = self.ix.entities[e.entity_id]
        where = ""
        if ent.departement:
            where = f", {self.ix.dep_names.get(ent.departement, ent.departement)} ({ent.departement})"
        elif ent.region:
            where = f", {self.ix.region_names.get(ent.region, ent.region)}"
        hist = f", formerly {e.historical}" if e.via == "old_name" and e.historical else ""
        pop = f", pop. {ent.population:,}" if ent.population else ""
        return Candidate(ent.id, ent.name, f"{ent.level}{where}{hist}{pop}", score, ent.lon, ent.lat)

    def _fuzzy(self, name: str, level: str | None, deps: set[str] | None, region: str | None) -> Resolution:
        ix = self.ix
        query = spaced_key(name)
        if deps:
            pool = [item for d in deps for item in ix.names_in_dep.get(d, [])]
        elif region:
            pool = [item for d, r in ix.dep_region.items() if r == region for item in ix.names_in_dep.get(d, [])]
        else:
            pool = [item for items in ix.names_in_dep.values() for item in items]
        if level and level != "commune":
            pool = []
        choices = [p[0] for p in pool]
        hits = process.extract(query, choices, scorer=fuzz.ratio, limit=8, score_cutoff=70) if query else []
        seen: dict[str, Candidate] = {}
        for _text, score, i in hits:
            eid = pool[i][1]
            if eid not in seen:
                seen[eid] = self._candidate(Entry(eid, "name", frozenset()), round(score, 1))
        cands = list(seen.values())
        where = (f" in département {', '.join(sorted(deps))}" if deps else
                 f" in région {ix.region_names.get(region, region)}" if region else "")
        if deps and cands and cands[0].score >= FUZZY_ACCEPT and (len(cands) == 1 or cands[1].score <= cands[0].score - FUZZY_GAP):
            return Resolution("matched", ix.entities[cands[0].id], "fuzzy",
                              flags=[f"{name!r} read as {cands[0].name!r} (similarity {cands[0].score:.0f} %)"])
        return Resolution("unmatched", candidates=cands[:6],
                          reason=f"no French authority named {name!r}{where}")
