"""Match French authorities to the COG: communes, EPCI, départements, régions.

Order of evidence: a review decision already taken for the same value; an INSEE code (current or
old, merged communes follow to their current commune); a SIREN; the name, restricted to the
département or région when the file gives one. Names are compared as keys (case, accents,
hyphens, apostrophes, Saint/St/Ste and leading articles do not matter). Several homonyms and no
département to choose between them -> *ambiguous* with candidates, never a guess; a fuzzy match is
accepted only inside a known département and only when clearly the best.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import duckdb
from rapidfuzz import fuzz, process

from atlas.ingest.normalize import departement_code, name_key, raw_key, spaced_key
from atlas.ingest.records import Candidate, Entity, FrenchRef, Resolution
from atlas.ingest.vocab import parse_level

#: The 2015 régions merged in 2016, and common abbreviations, -> current région code.
OLD_REGIONS: dict[str, str] = {
    "alsace": "44", "champagne ardenne": "44", "lorraine": "44", "alsace champagne ardenne lorraine": "44",
    "aquitaine": "75", "limousin": "75", "poitou charentes": "75", "aquitaine limousin poitou charentes": "75",
    "auvergne": "84", "rhone alpes": "84", "aura": "84", "bourgogne": "27", "franche comte": "27",
    "basse normandie": "28", "haute normandie": "28", "languedoc roussillon": "76", "midi pyrenees": "76",
    "languedoc roussillon midi pyrenees": "76", "nord pas de calais": "32", "picardie": "32",
    "nord pas de calais picardie": "32", "centre": "24", "idf": "11", "ile de france": "11", "paca": "93",
    "provence alpes cote d azur": "93", "sud": "93", "region sud": "93", "reunion": "04", "guyane": "03",
    "corse": "94", "collectivite de corse": "94", "bfc": "27", "hdf": "32", "cvl": "24", "nouvelle aquitaine": "75",
}

_PREFIXES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(p)) for level, p in (
        ("commune", r"^(ville|mairie|commune|municipalite|cite)( de la| de l| du| des| de| d)? "),
        ("departement", r"^(conseil departemental|conseil general|departement|collectivite departementale|cd|cg)"
                        r"( de la| de l| du| des| de| d)? "),
        ("region", r"^(conseil regional|region|collectivite territoriale|collectivite regionale|cr)"
                   r"( de la| de l| du| des| de| d)? "),
        ("epci", r"^(communaute de communes|communaute d agglomeration|communaute urbaine|metropole|"
                 r"agglomeration|agglo|cc|ca|cu|epci)( de la| de l| du| des| de| d)? "),
    ))
_EPCI_STOP = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "et", "cc", "ca", "cu", "communaute",
                        "communes", "agglomeration", "urbaine", "metropole", "agglo", "com", "met"})
_ARRONDISSEMENT = re.compile(r"\s+\d{1,2}\s*(e|er|eme|ème|ieme|ième)?(\s+arrondissement)?$", re.IGNORECASE)
_PRECISION = {"mairie": "mairie", "gazetteer": "gazetteer"}

#: Names shared by two levels that are one single collectivité: the level to use.
_SINGLE_COLLECTIVITE: dict[frozenset[str], str] = {
    frozenset({"commune:75056", "departement:75"}): "commune:75056",
    frozenset({"region:03", "departement:973"}): "region:03",
    frozenset({"region:02", "departement:972"}): "region:02",
    frozenset({"region:06", "departement:976"}): "departement:976",
}

#: A fuzzy name inside a known département is accepted only at or above this score, and only
#: when the runner-up is well below it.
FUZZY_ACCEPT = 93.0
FUZZY_GAP = 8.0
#: A French homonym is chosen by file coordinates only when this close (km).
NEAR_KM = 15.0


@dataclass(frozen=True)
class _Entry:
    entity_id: str
    via: str  # name, old_name, epci
    deps: frozenset[str]
    historical: str | None = None


def epci_key(text: str) -> str:
    """EPCI key without its type words: 'CC du Pays de X' = 'Communauté de communes Pays X'."""
    return "".join(t for t in spaced_key(text).split() if t not in _EPCI_STOP)


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


class FrenchIndex:
    """The COG in memory: entities by code, SIREN and name key."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.entities: dict[str, Entity] = {}
        self.by_key: dict[str, list[_Entry]] = {}
        self.epci_by_key: dict[str, list[str]] = {}
        self.by_siren: dict[str, str] = {}
        self.old_codes: dict[str, tuple[str, str | None]] = {}  # old code -> (current insee, old name)
        self.dep_by_key: dict[str, str] = {}
        self.region_by_key: dict[str, str] = {}
        self.dep_names: dict[str, str] = {}
        self.region_names: dict[str, str] = {}
        self.dep_region: dict[str, str] = {}
        self.names_in_dep: dict[str, list[tuple[str, str]]] = {}  # dep -> [(spaced key, entity id)]
        self.old_keys: dict[str, set[str]] = {}  # commune id -> keys of the communes merged into it
        self._load(con)

    def _add_key(self, name: str, entry: _Entry) -> None:
        for key in {name_key(name), raw_key(name)}:
            if key:
                self.by_key.setdefault(key, []).append(entry)

    def _load(self, con: duckdb.DuckDBPyConnection) -> None:
        for code, name, region, lon, lat in con.execute(
                "SELECT code, name, region_code, lon, lat FROM ref_departements").fetchall():
            self.entities[f"departement:{code}"] = Entity(
                id=f"departement:{code}", level="departement", name=name, country_iso2="FR", is_french=True,
                insee=code, departement=code, region=region, lon=lon, lat=lat, geo_precision="centroid")
            self.dep_names[code] = name
            self.dep_region[code] = region
            self.dep_by_key[name_key(name)] = code
            self._add_key(name, _Entry(f"departement:{code}", "name", frozenset({code})))
        for code, name, lon, lat in con.execute("SELECT code, name, lon, lat FROM ref_regions").fetchall():
            self.entities[f"region:{code}"] = Entity(
                id=f"region:{code}", level="region", name=name, country_iso2="FR", is_french=True, insee=code,
                region=code, lon=lon, lat=lat, geo_precision="centroid")
            self.region_names[code] = name
            self.region_by_key[name_key(name)] = code
            deps = frozenset(d for d, r in self.dep_region.items() if r == code)
            self._add_key(name, _Entry(f"region:{code}", "name", deps))
        for text, code in OLD_REGIONS.items():
            self.region_by_key.setdefault(name_key(text), code)
        for insee, siren, name, dep, region, epci, pop, lon, lat, src in con.execute(
                "SELECT insee, siren, name, departement, region, epci, population, lon, lat, point_source "
                "FROM ref_communes").fetchall():
            eid = f"commune:{insee}"
            self.entities[eid] = Entity(
                id=eid, level="commune", name=name, country_iso2="FR", is_french=True, insee=insee, siren=siren,
                departement=dep, region=region, epci=epci, population=int(pop) if pop is not None else None,
                lon=lon, lat=lat, geo_precision=_PRECISION.get(src, "centroid"))
            if siren:
                self.by_siren[siren] = eid
            self._add_key(name, _Entry(eid, "name", frozenset({dep})))
            self.names_in_dep.setdefault(dep, []).append((spaced_key(name), eid))
        for old_code, old_name, insee in con.execute(
                "SELECT old_code, old_name, insee FROM ref_old_communes").fetchall():
            if f"commune:{insee}" not in self.entities:
                continue
            self.old_codes.setdefault(old_code, (insee, old_name))
            if old_name:
                cur = self.entities[f"commune:{insee}"]
                old_dep = old_code[:3] if old_code.startswith("97") else old_code[:2]
                self._add_key(old_name, _Entry(cur.id, "old_name", frozenset({old_dep, cur.departement or ""}), old_name))
                self.old_keys.setdefault(cur.id, set()).update({name_key(old_name), raw_key(old_name)})
                self.names_in_dep.setdefault(old_dep, []).append((spaced_key(old_name), cur.id))
        for siren, name, pop, dep, region, lon, lat in con.execute(
                "SELECT siren, name, population, departement, region, lon, lat FROM ref_epci").fetchall():
            eid = f"epci:{siren}"
            self.entities[eid] = Entity(
                id=eid, level="epci", name=name, country_iso2="FR", is_french=True, siren=siren, departement=dep,
                region=region, epci=siren, population=int(pop) if pop is not None else None, lon=lon, lat=lat,
                geo_precision="centroid")
            self.by_siren[siren] = eid
            self._add_key(name, _Entry(eid, "name", frozenset({dep})))
            self.epci_by_key.setdefault(epci_key(name), []).append(eid)

    # ---- context ----------------------------------------------------------------------------
    def departement_of(self, raw: str) -> str | None:
        """A département code from a code or a name ('31', 'HAUTE GARONNE', 'Haute-Garonne (31)')."""
        if not raw:
            return None
        code = departement_code(raw)
        if code:
            return code
        m = re.search(r"\((\d{2,3}|2[ABab])\)\s*$", raw)
        if m:
            return departement_code(m.group(1))
        text = re.sub(r"\(.*?\)", " ", raw)
        return self.dep_by_key.get(name_key(text))

    def region_of(self, raw: str) -> str | None:
        if not raw:
            return None
        s = raw.strip()
        if re.fullmatch(r"\d{1,2}", s):
            code = s.zfill(2)
            return code if code in self.region_names else None
        key = name_key(re.sub(r"^(?i:r[ée]gion|conseil r[ée]gional)\s+(?:de la |de l'|du |des |d'|de )?", "", s))
        return self.region_by_key.get(key)


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

    def _lookup(self, name: str, level: str | None, deps: set[str] | None, region: str | None) -> list[_Entry]:
        ix = self.ix
        found: list[_Entry] = []
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
        best: dict[str, _Entry] = {}
        for e in found:
            if e.entity_id not in best or (best[e.entity_id].via != "name" and e.via == "name"):
                best[e.entity_id] = e
        return list(best.values())

    def _by_name(self, name: str, level: str | None, deps: set[str] | None, region: str | None,
                 lon: float | None, lat: float | None) -> Resolution:
        ix = self.ix
        entries = self._lookup(name, level, deps, region)
        spaced = spaced_key(name)
        hinted = level
        if not entries:
            for lvl, pattern in _PREFIXES:
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
                entries = [_Entry(i, "epci", frozenset()) for i in ids]
        if not entries:
            # "Saint-Denis (La Réunion)", "PARIS 15E ARRONDISSEMENT": drop the qualifier
            bare = _ARRONDISSEMENT.sub("", re.sub(r"\s*\(.*?\)\s*", " ", name)).strip()
            if bare and bare != name.strip():
                inner = re.findall(r"\((.*?)\)", name)
                dep_hint = ix.departement_of(inner[0]) if inner else None
                return self._by_name(bare, level, deps or ({dep_hint} if dep_hint else None), region, lon, lat)
        if len(entries) == 1:
            e = entries[0]
            ent = ix.entities[e.entity_id]
            if e.via == "old_name":
                return Resolution("matched", ent, "old_name",
                                  note=f"{e.historical} merged into {ent.name} ({ent.insee})")
            return Resolution("matched", ent, "name")
        if len(entries) > 1:
            ids = frozenset(e.entity_id for e in entries)
            if ids in _SINGLE_COLLECTIVITE:
                # one collectivité holding two levels' powers (Paris; Guyane, Martinique, Mayotte)
                return Resolution("matched", ix.entities[_SINGLE_COLLECTIVITE[ids]], "name")
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

    def _choose(self, name: str, entries: list[_Entry], lon: float | None, lat: float | None) -> Resolution:
        ix = self.ix
        cands = [self._candidate(e) for e in entries]
        if lon is not None and lat is not None:
            # coordinates from the file are evidence, not a guess: the one homonym they point at
            near = [c for c in cands if c.lon is not None and haversine_km(lon, lat, c.lon, c.lat) <= NEAR_KM]
            if len(near) == 1:
                return Resolution("matched", ix.entities[near[0].id], "name+coordinates")
        # a current commune and a merged one of the same name are homonyms too: no guess
        cands.sort(key=lambda c: -(ix.entities[c.id].population or 0))
        return Resolution("ambiguous", candidates=cands[:12],
                          reason=f"{len(entries)} French authorities are named {name!r}; give the département or the INSEE code")

    def _candidate(self, e: _Entry, score: float = 100.0) -> Candidate:
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
                seen[eid] = self._candidate(_Entry(eid, "name", frozenset()), round(score, 1))
        cands = list(seen.values())
        where = (f" in département {', '.join(sorted(deps))}" if deps else
                 f" in région {ix.region_names.get(region, region)}" if region else "")
        if deps and cands and cands[0].score >= FUZZY_ACCEPT and (len(cands) == 1 or cands[1].score <= cands[0].score - FUZZY_GAP):
            return Resolution("matched", ix.entities[cands[0].id], "fuzzy",
                              flags=[f"{name!r} read as {cands[0].name!r} (similarity {cands[0].score:.0f} %)"])
        return Resolution("unmatched", candidates=cands[:6],
                          reason=f"no French authority named {name!r}{where}")
