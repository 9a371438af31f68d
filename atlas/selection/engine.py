"""Flows of a selection, read from the database as integer keys and aggregated in numpy.

This is where the database meets the pure flow engine of :mod:`atlas.geo.flows`: rows come from
``atlas.db.flow_queries`` (one WHERE builder), derived arrays are cached by the database handle
(:meth:`ReadOnlyDatabase.memo`, emptied when the file is swapped), and levels are chosen by the one
chooser :func:`atlas.geo.flows.choose_levels`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from atlas.db.connection import ReadOnlyDatabase
from atlas.db.flow_queries import activity_arrays, authority_table, link_arrays, link_level
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


def database_ends(db: ReadOnlyDatabase) -> fl.Ends:
    """Ends of every authority of the database, indexed by authority key."""
    return db.memo("ends", lambda: fl.ends_from_authorities(authority_table(db)))


def key_locations(db: ReadOnlyDatabase, side: str, level: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Location code of every authority key at a level ("o": French side, "d": partner side)."""

    def make() -> tuple[np.ndarray, pd.DataFrame]:
        ends = database_ends(db)
        return fl.origin_locations(ends.fr, level) if side == "o" else fl.dest_locations(ends.partner, level)

    return db.memo(("locations", side, level), make)


def choose_db_levels(db: ReadOnlyDatabase, candidates: tuple[tuple[str, str], ...], fk: np.ndarray,
                     pk: np.ndarray, max_flows: int) -> tuple[str, str]:
    """:func:`atlas.geo.flows.choose_levels` for links given as authority keys (one row per link)."""

    def origin(level: str) -> tuple[np.ndarray, int]:
        of_key, locs = key_locations(db, "o", level)
        return of_key[fk], len(locs)

    def dest(level: str) -> tuple[np.ndarray, int]:
        of_key, locs = key_locations(db, "d", level)
        return of_key[pk], len(locs)

    return fl.choose_levels(candidates, origin, dest, max_flows)


def query_flows(db: ReadOnlyDatabase, filters: Filters, origin_level: str = "auto", dest_level: str = "auto",
                colour_by: str | None = None, max_flows: int = 3000) -> FlowResult:
    """Flows of the links matching ``filters``.

    ``origin_level``/``dest_level`` "auto" pick the finest pair with at most ``max_flows`` flows.
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
    if origin_level == "auto" or dest_level == "auto":
        candidates = fl.level_candidates(origin_level, dest_level)
        if fk.size:
            # Levels are chosen on the links (one row each), not on the activity rows.
            links_only = first.all()
            origin_level, dest_level = choose_db_levels(db, candidates, fk if links_only else fk[first],
                                                        pk if links_only else pk[first], max_flows)
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
    return FlowResult(flows, origin_level, dest_level, int(flows["n_links"].sum()) if len(flows) else 0,
                      int(flows["n_projects"].sum()) if len(flows) else 0,
                      float(flows["amount_eur"].sum()) if len(flows) else 0.0)
