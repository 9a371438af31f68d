"""The COG in memory for matching: French authorities by code, SIREN and name key."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from atlas.ingest.match_fr.names import OLD_REGIONS, epci_key
from atlas.ingest.match_fr.places import FrenchPlaces
from atlas.ingest.normalize import departement_code, name_key, raw_key, spaced_key
from atlas.ingest.records import Entity

_PRECISION = {"mairie": "mairie", "gazetteer": "gazetteer"}


@dataclass(frozen=True)
class Entry:
    """One way a name leads to an authority (its own name, a merged commune's, an EPCI core)."""

    entity_id: str
    via: str  # name, old_name, epci
    deps: frozenset[str]
    historical: str | None = None
    kind: str = ""  # of an old name: deleguee, associee, ancien_code, historique (atlas.reference.france)
    until: int | None = None  # the year the old name ended, when known


class FrenchIndex:
    """The COG in memory: entities by code, SIREN and name key."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.entities: dict[str, Entity] = {}
        self.by_key: dict[str, list[Entry]] = {}
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
        self.places = FrenchPlaces(con, [e for e in self.entities.values() if e.level == "commune"])

    def _add_key(self, name: str, entry: Entry) -> None:
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
            self._add_key(name, Entry(f"departement:{code}", "name", frozenset({code})))
        for code, name, lon, lat in con.execute("SELECT code, name, lon, lat FROM ref_regions").fetchall():
            self.entities[f"region:{code}"] = Entity(
                id=f"region:{code}", level="region", name=name, country_iso2="FR", is_french=True, insee=code,
                region=code, lon=lon, lat=lat, geo_precision="centroid")
            self.region_names[code] = name
            self.region_by_key[name_key(name)] = code
            deps = frozenset(d for d, r in self.dep_region.items() if r == code)
            self._add_key(name, Entry(f"region:{code}", "name", deps))
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
            self._add_key(name, Entry(eid, "name", frozenset({dep})))
            self.names_in_dep.setdefault(dep, []).append((spaced_key(name), eid))
        columns = {r[0] for r in con.execute("DESCRIBE ref_old_communes").fetchall()}
        year = "year_end" if "year_end" in columns else "NULL"  # databases built before the history
        for old_code, old_name, insee, kind, until in con.execute(
                f"SELECT old_code, old_name, insee, kind, {year} FROM ref_old_communes").fetchall():
            if f"commune:{insee}" not in self.entities:
                continue
            self.old_codes.setdefault(old_code, (insee, old_name))
            if old_name:
                cur = self.entities[f"commune:{insee}"]
                old_dep = old_code[:3] if old_code.startswith("97") else old_code[:2]
                self._add_key(old_name, Entry(cur.id, "old_name", frozenset({old_dep, cur.departement or ""}), old_name,
                                              kind, int(until) if until is not None else None))
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
            self._add_key(name, Entry(eid, "name", frozenset({dep})))
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
