"""Flows of a selection, read from the database as integer keys and aggregated in numpy.

This is where the database meets the pure flow engine of :mod:`atlas.geo.flows`: rows come from
``atlas.db.flow_queries`` (one WHERE builder), derived arrays are cached by the database handle
(:meth:`ReadOnlyDatabase.memo`, emptied when the file is swapped), and levels are chosen by the one
chooser :func:`atlas.geo.flows.choose_levels`.

Two budgets: ``max_flows`` (setting ``max_arcs``) is the hard cap of any view; the *readable*
budget (setting ``readable_flows``, 150) is what an automatic level aims at on a map that people
read. "auto" levels take the finest pair whose flows fit the readable budget, as they are or once
their small flows are grouped into "autres" flows (:mod:`atlas.geo.flow_groups`); totals stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from atlas import config
from atlas.db.connection import ReadOnlyDatabase
from atlas.db.flow_queries import activity_arrays, authority_table, link_arrays, link_level
from atlas.geo import flow_groups as fg
from atlas.geo import flows as fl
from atlas.models import CATEGORY_CODES, Filters


@dataclass(frozen=True)
class FlowResult:
    """Flows of a selection and the levels they were aggregated at."""

    flows: pd.DataFrame
    origin_level: str
    dest_level: str
    n_links: int
    n_projects: int
    amount_eur: float
    #: how the small flows were grouped ("autres"), when they were
    grouping: fg.GroupPlan | None = None


def database_ends(db: ReadOnlyDatabase) -> fl.Ends:
    """Ends of every authority of the database, indexed by authority key."""
    return db.memo("ends", lambda: fl.ends_from_authorities(authority_table(db)))


def french_names(db: ReadOnlyDatabase) -> dict[str, str]:
    """French names of the partners the gazetteer names in French (Basse-Saxe for Niedersachsen),
    by authority id: maps show them, tables keep the local name."""

    def make() -> dict[str, str]:
        rows = db.rows("SELECT id, name_fr FROM authorities WHERE NOT is_french AND name_fr IS NOT NULL "
                       "AND name_fr <> name")
        return {i: n for i, n in rows}

    return db.memo("names_fr", make)


def _location_keys(db: ReadOnlyDatabase, side: str, level: str) -> fl.LocationKeys:
    """(location key, kind, code) of every authority key at a level."""

    def make() -> fl.LocationKeys:
        ends = database_ends(db)
        return fl.origin_keys(ends.fr, level) if side == "o" else fl.dest_keys(ends.partner, level)

    return db.memo(("location_keys", side, level), make)


def key_codes(db: ReadOnlyDatabase, side: str, level: str) -> tuple[np.ndarray, int]:
    """Location code of every authority key at a level and the number of locations: the codes of
    :func:`key_locations` without its names and points (choosing levels needs only these)."""
    return db.memo(("location_codes", side, level), lambda: fl.location_codes(_location_keys(db, side, level)[0]))


def key_locations(db: ReadOnlyDatabase, side: str, level: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Location code of every authority key at a level ("o": French side, "d": partner side)."""

    def make() -> tuple[np.ndarray, pd.DataFrame]:
        ends = database_ends(db)
        keys = _location_keys(db, side, level)
        if side == "o":
            return fl.locations(keys, ends.fr)
        of_key, locs = fl.locations(keys, ends.partner)
        if level == "authority":  # partners named in French where the gazetteer can
            names = french_names(db)
            locs = locs.assign(name=[names.get(i, n) for i, n in zip(locs["id"].to_numpy(dtype=object),
                                                                     locs["name"].to_numpy(dtype=object))])
        return of_key, locs

    return db.memo(("locations", side, level), make)


def choose_db_levels(db: ReadOnlyDatabase, candidates: tuple[tuple[str, str], ...], fk: np.ndarray,
                     pk: np.ndarray, max_flows: int) -> tuple[str, str]:
    """:func:`atlas.geo.flows.choose_levels` for links given as authority keys (one row per link)."""

    def origin(level: str) -> tuple[np.ndarray, int]:
        of_key, n = key_codes(db, "o", level)
        return of_key[fk], n

    def dest(level: str) -> tuple[np.ndarray, int]:
        of_key, n = key_codes(db, "d", level)
        return of_key[pk], n

    return fl.choose_levels(candidates, origin, dest, max_flows)


def coarse_map(db: ReadOnlyDatabase, side: str, level: str, coarse: str, keys: np.ndarray) -> np.ndarray:
    """Coarser location code of each location code at ``level`` (-1 where no key of ``keys`` is)."""
    fine_of_key, n_fine = key_codes(db, side, level)
    coarse_of_key, _ = key_codes(db, side, coarse)
    out = np.full(max(n_fine, 1), -1, dtype=np.int64)
    out[fine_of_key[keys]] = coarse_of_key[keys]  # levels nest: one coarser place per place
    return out


def corridors(db: ReadOnlyDatabase, d_level: str, pk: np.ndarray) -> np.ndarray:
    """Corridor of each destination location code: its country (a zone stands for itself)."""
    if d_level == "zone":
        _, n_zones = key_codes(db, "d", "zone")
        return np.arange(n_zones, dtype=np.int64) + ZONE_CORRIDOR
    return coarse_map(db, "d", d_level, "country", pk)


#: Corridor ids of zones start here (countries take 0…n-1).
ZONE_CORRIDOR = 1_000_000


def readable_plan(db: ReadOnlyDatabase, levels: tuple[str, str], fk: np.ndarray, pk: np.ndarray, budget: int,
                  sides: tuple[str, ...], min_kept: float = fg.MIN_KEPT_SHARE) -> tuple[bool, fg.GroupPlan | None]:
    """Whether the links fit ``budget`` flows, and :data:`~atlas.geo.flow_groups.MAX_CORRIDOR` flows
    into one country, at ``levels``: as they are (True, None), once their small flows are grouped
    on one of ``sides`` (True, plan), or not (False, None)."""
    o_level, d_level = levels
    of_key, n_o_locs = key_codes(db, "o", o_level)
    df_key, n_d_locs = key_codes(db, "d", d_level)
    o, d = of_key[fk], df_key[pk]
    n_d = max(n_d_locs, 1)
    uniq, inv = fl.factorise_codes(o * n_d + d, max(n_o_locs, 1) * n_d)
    fo, fd = uniq // n_d, uniq % n_d
    # coarse_map only needs each key once: the distinct keys (a bincount) instead of every link
    ufk, upk = _distinct(fk), _distinct(pk)
    corridor = corridors(db, d_level, upk)[fd]
    if uniq.size <= budget and np.bincount(corridor).max() <= fg.MAX_CORRIDOR:
        return True, None
    options: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    for side in sides:
        level = d_level if side == "d" else o_level
        # Grouping a side leaves at least one flow per place of the other side.
        if _distinct(fo if side == "d" else fd).size > budget:
            continue
        for coarse in fg.coarser_levels(side, level):
            to = coarse_map(db, side, level, coarse, upk if side == "d" else ufk)
            n_c = int(to.max()) + 1
            if side == "o":  # grouped flows keep their destination, hence their corridor
                options[(side, coarse)] = (fd * n_c + to[fo], corridor)
            else:
                group_corridor = to[fd] if coarse == "country" else to[fd] + ZONE_CORRIDOR
                options[(side, coarse)] = (fo * n_c + to[fd], group_corridor)
    if not options:
        return False, None
    plan = fg.plan_groups(np.bincount(inv, minlength=uniq.size), options, budget, min_kept, corridor=corridor)
    return plan is not None, plan


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values of an array of small non-negative integer keys (a bincount: O(n))."""
    if keys.size == 0:
        return keys
    return np.flatnonzero(np.bincount(keys))


def choose_readable_levels(db: ReadOnlyDatabase, candidates: tuple[tuple[str, str], ...], fk: np.ndarray,
                           pk: np.ndarray, budget: int, sides: tuple[str, ...]
                           ) -> tuple[str, str, fg.GroupPlan | None]:
    """The finest candidate pair that fits ``budget`` flows, grouping small flows when that keeps
    most links as they are; else the coarsest pair, grouped as far as it goes.

    A pair with more than ``budget`` places on both sides can neither fit nor be grouped to fit
    (grouping one side leaves a flow per place of the other): it is passed over from the distinct
    places alone, without factorising every link (at a million links, 5 of 6 pairs)."""
    ufk, upk = _distinct(fk), _distinct(pk)
    for levels in candidates:
        n_o = np.unique(key_codes(db, "o", levels[0])[0][ufk]).size
        n_d = np.unique(key_codes(db, "d", levels[1])[0][upk]).size
        if ("d" not in sides or n_o > budget) and ("o" not in sides or n_d > budget) and max(n_o, n_d) > budget:
            continue
        fits, plan = readable_plan(db, levels, fk, pk, budget, sides)
        if fits:
            return levels[0], levels[1], plan
    _fits, plan = readable_plan(db, candidates[-1], fk, pk, budget, sides, min_kept=0.0)
    return candidates[-1][0], candidates[-1][1], plan


def grouped(db: ReadOnlyDatabase, flows: pd.DataFrame, plan: fg.GroupPlan, levels: tuple[str, str],
            keys: np.ndarray) -> pd.DataFrame:
    """The flows with their small ones grouped as ``plan`` says."""
    side = plan.side
    level = levels[1] if side == "d" else levels[0]
    _, fine_locs = key_locations(db, side, level)
    _, coarse_locs = key_locations(db, side, plan.level)
    to = coarse_map(db, side, level, plan.level, keys)
    known = np.flatnonzero(to[: len(fine_locs)] >= 0)
    coarse = coarse_locs.iloc[to[known]][["id", "name", "lon", "lat"]].set_axis(
        pd.Index(fine_locs["id"].to_numpy(dtype=object)[known]), axis=0)
    return fg.group_flows(flows, plan, coarse)


def readable_budget(max_flows: int) -> int:
    """Flows an automatic level aims at: the ``readable_flows`` setting, within ``max_flows``."""
    return max(1, min(int(max_flows), config.number("readable_flows")))


def query_flows(db: ReadOnlyDatabase, filters: Filters, origin_level: str = "auto", dest_level: str = "auto",
                colour_by: str | None = None, max_flows: int = 3000, readable: int | None = None) -> FlowResult:
    """Flows of the links matching ``filters``.

    ``origin_level``/``dest_level`` "auto" pick the finest pair whose flows fit the readable budget
    (``readable``, else the ``readable_flows`` setting, never above ``max_flows``), grouping the
    small flows of an automatic side into "autres" flows when that keeps most links as they are.
    Levels that are set are kept and never grouped.
    """
    if colour_by is not None and colour_by not in fl.COLOUR_BY:
        raise ValueError(f"colour_by must be one of {fl.COLOUR_BY}, got {colour_by!r}")
    ends = database_ends(db)
    if link_level(filters, colour_by):
        # Whole links: one row each, magnitudes already summed per link.
        arrays = link_arrays(db, filters)
        fk, pk = arrays["fr_key"], arrays["partner_key"]
        first = np.ones(fk.size, dtype=bool)
        w_projects = arrays["n_projects"]
    else:
        arrays = activity_arrays(db, filters, category=colour_by)
        fk, pk = arrays["fr_key"], arrays["partner_key"]
        first = fl.link_starts(fk, pk, len(ends.partner))
        w_projects = arrays["is_project"]  # boolean: counted without a float copy
    plan: fg.GroupPlan | None = None
    if origin_level == "auto" or dest_level == "auto":
        candidates = fl.level_candidates(origin_level, dest_level)
        sides = tuple(s for s, lv in (("o", origin_level), ("d", dest_level)) if lv == "auto")
        if fk.size:
            # Levels are chosen on the links (one row each), not on the activity rows.
            links_only = first.all()
            lf, lp = (fk, pk) if links_only else (fk[first], pk[first])
            budget = readable if readable is not None else readable_budget(max_flows)
            origin_level, dest_level, plan = choose_readable_levels(db, candidates, lf, lp, min(budget, max_flows),
                                                                    sides)
        else:
            origin_level, dest_level = candidates[0]
    fl.check_levels(origin_level, dest_level)
    if fk.size == 0:
        flows = fl.aggregate(pd.DataFrame(), origin_level, dest_level, colour_by=colour_by)
    else:
        category = (arrays["cat_row"], arrays["cat_code"]) if "cat_row" in arrays else None
        flows = fl.aggregate_rows(ends, fk, pk, origin_level=origin_level, dest_level=dest_level,
                                  w_links=first, w_projects=w_projects,
                                  w_amount=arrays["amount"], category=category,
                                  category_codes=CATEGORY_CODES[colour_by] if colour_by else None,
                                  locations=(key_locations(db, "o", origin_level),
                                             key_locations(db, "d", dest_level)))
        if plan is not None:
            flows = grouped(db, flows, plan, (origin_level, dest_level), pk if plan.side == "d" else fk)
    return FlowResult(flows, origin_level, dest_level, int(flows["n_links"].sum()) if len(flows) else 0,
                      int(flows["n_projects"].sum()) if len(flows) else 0,
                      float(flows["amount_eur"].sum()) if len(flows) else 0.0, plan)
