"""The one level chooser: at which levels a set of links is aggregated into flows.

"auto" levels become the finest (origin, destination) pair whose flow count stays within a
budget; every front end (app, CLI, API, exports, stories) reaches :func:`choose_levels` through
atlas.selection, with one budget.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from atlas.geo.flow_locations import (DEST_LEVELS, ORIGIN_LEVELS, Ends, dest_locations, ends_from_links,
                                      factorise_codes, origin_locations)

#: Level pairs tried, finest first, when the level is "auto".
AUTO_LEVELS: tuple[tuple[str, str], ...] = (
    ("authority", "authority"),
    ("departement", "authority"),
    ("authority", "country"),
    ("departement", "country"),
    ("region", "country"),
    # France → each country reads better than région → zone centroids (arbitrary points).
    ("france", "country"),
    ("region", "zone"),
    ("france", "zone"),
)


def check_levels(origin_level: str, dest_level: str) -> None:
    """A ValueError unless both levels are known (no "auto": see :func:`resolve_levels`)."""
    if origin_level not in ORIGIN_LEVELS:
        raise ValueError(f"origin level must be one of {ORIGIN_LEVELS}, got {origin_level!r}")
    if dest_level not in DEST_LEVELS:
        raise ValueError(f"destination level must be one of {DEST_LEVELS}, got {dest_level!r}")


def level_candidates(origin_level: str, dest_level: str) -> tuple[tuple[str, str], ...]:
    """Level pairs to try, finest first, keeping a level that is set (not "auto")."""
    if origin_level != "auto":
        candidates = tuple((origin_level, d) for d in DEST_LEVELS)
    elif dest_level != "auto":
        candidates = tuple((o, dest_level) for o in ORIGIN_LEVELS)
    else:
        candidates = AUTO_LEVELS
    check_levels(*candidates[0])
    return candidates


def choose_levels(candidates: tuple[tuple[str, str], ...], origin_codes: Callable[[str], tuple[np.ndarray, int]],
                  dest_codes: Callable[[str], tuple[np.ndarray, int]], max_flows: int) -> tuple[str, str]:
    """The one level chooser: the finest candidate pair with at most ``max_flows`` flows.

    ``origin_codes(level)`` gives the location code of every link (one row per link) at that
    level and the number of locations; ``dest_codes`` the same for partners. Cheap bounds first:
    a pair is accepted without counting when (origins present) × (destinations present) fits,
    and skipped when either side alone exceeds the budget. Every front end (app, CLI, API,
    exports, stories) reaches this function through atlas.selection, with one budget.
    """
    for o_level, d_level in candidates:
        o_code, n_o_locs = origin_codes(o_level)
        d_code, n_d_locs = dest_codes(d_level)
        if o_code.size == 0:
            return o_level, d_level
        n_o = int(np.count_nonzero(np.bincount(o_code, minlength=1)))
        n_d = int(np.count_nonzero(np.bincount(d_code, minlength=1)))
        if n_o * n_d <= max_flows:
            return o_level, d_level
        if max(n_o, n_d) > max_flows:
            continue
        n_d_locs = max(n_d_locs, 1)
        if factorise_codes(o_code * n_d_locs + d_code, max(n_o_locs, 1) * n_d_locs)[0].size <= max_flows:
            return o_level, d_level
    return candidates[-1]


def choose_levels_for(ends: Ends, fr_idx: np.ndarray, pa_idx: np.ndarray, max_flows: int,
                      candidates: tuple[tuple[str, str], ...] = AUTO_LEVELS) -> tuple[str, str]:
    """:func:`choose_levels` for links given as indexes into ``ends`` (one row per link)."""
    memo: dict = {}

    def origin(level: str) -> tuple[np.ndarray, int]:
        if ("o", level) not in memo:
            memo[("o", level)] = origin_locations(ends.fr, level)
        of_end, locs = memo[("o", level)]
        return of_end[fr_idx], len(locs)

    def dest(level: str) -> tuple[np.ndarray, int]:
        if ("d", level) not in memo:
            memo[("d", level)] = dest_locations(ends.partner, level)
        of_end, locs = memo[("d", level)]
        return of_end[pa_idx], len(locs)

    return choose_levels(candidates, origin, dest, max_flows)


def choose_levels_of_links(links: pd.DataFrame, max_flows: int) -> tuple[str, str]:
    """The finest (origin, destination) level pair whose flow count stays within ``max_flows``."""
    if links.empty:
        return AUTO_LEVELS[0]
    ends, fr_idx, pa_idx = ends_from_links(links)
    return choose_levels_for(ends, fr_idx, pa_idx, max_flows)


def resolve_levels(origin_level: str, dest_level: str, ends: Ends, fr_idx: np.ndarray, pa_idx: np.ndarray,
                   max_flows: int) -> tuple[str, str]:
    """Replace "auto" levels: the finest pair (keeping a level that is set) within ``max_flows``."""
    if origin_level != "auto" and dest_level != "auto":
        check_levels(origin_level, dest_level)
        return origin_level, dest_level
    candidates = level_candidates(origin_level, dest_level)
    if fr_idx.size == 0:
        return candidates[0]
    return choose_levels_for(ends, fr_idx, pa_idx, max_flows, candidates)
