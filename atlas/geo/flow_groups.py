"""Small flows grouped, so that a map stays readable: the "autres" flows of flowmap.blue's clustering.

A view with more flows than its readable budget keeps its flows above a number of links and merges
the small ones by end: each origin's small flows become one flow to a coarser destination
("Toulouse → autres partenaires au Sénégal", side "d"), or each destination's small flows one flow
from a coarser origin ("autres collectivités d'Occitanie → Dakar", side "o"). Magnitudes are added,
so the links, projects and amounts of the view, and every location total, stay exact; a group of a
single flow stays that flow. The cut falls between two magnitudes, never inside a tie: flows of the
same size are all kept or all grouped.

Pure computation on arrays and frames: :mod:`atlas.selection.engine` plans a grouping on the link
codes while it chooses the levels (:func:`plan_groups`), then applies it to the flows
(:func:`group_flows`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from atlas.models import DEST_LEVELS, ORIGIN_LEVELS

#: Prefix of the id of a grouped location: "others:country:SN" holds the small flows to Sénégal.
GROUP_PREFIX = "others:"

#: A grouping is used only when the flows it keeps as they are carry at least this share of the
#: links; below it a coarser level reads better than a map of "autres".
MIN_KEPT_SHARE = 0.6

#: Levels a side can be coarsened to when its small flows are grouped (the same levels nest).
COARSER: dict[str, dict[str, tuple[str, ...]]] = {
    "d": {"authority": ("country", "zone"), "admin1": ("country", "zone"), "country": ("zone",), "zone": ()},
    "o": {"authority": ("departement", "region", "france"), "epci": ("departement", "region", "france"),
          "departement": ("region", "france"), "region": ("france",), "france": ()},
}


@dataclass(frozen=True)
class GroupPlan:
    """How the small flows of a view are grouped.

    ``side`` "d": each origin's flows of at most ``threshold`` links go to its destination's
    ``level`` location; "o": each destination's come from the origin's ``level`` location.
    """

    side: str
    level: str
    threshold: float
    n_flows: int
    kept_share: float


#: Most flows a map draws into one partner country (its *corridor*): French places are close
#: together next to the arcs' length, so flows into one country run side by side and, past a few
#: dozen, merge into a rope however few flows the whole map has.
MAX_CORRIDOR = 40


def cut(values: np.ndarray, group_key: np.ndarray, budget: int, corridor: np.ndarray | None = None,
        group_corridor: np.ndarray | None = None, max_corridor: int | None = None,
        min_kept: float = 0.0) -> tuple[int, int, float] | None:
    """Where to cut flows sorted by size so that kept flows + groups fit ``budget``.

    ``values``: magnitude of each flow (>= 0); ``group_key``: the group each flow joins when it is small.
    With ``corridor`` (each flow's corridor) and ``group_corridor`` (the corridor of the group each
    flow would join), no corridor gets more than ``max_corridor`` flows. Returns (number of flows
    kept, flows after grouping, share of the magnitude in flows left as they are: the kept ones
    and the groups of one), or None when no cut keeping ``min_kept`` of it fits.
    """
    n = values.size
    if min_kept > 0 and n > budget > 0:
        # Kept flows and groups of one are at most ``budget`` flows, none bigger than the biggest
        # ones: when the ``budget`` biggest flows hold less than ``min_kept`` of the magnitude, no
        # cut can keep it. Decided in O(n), without sorting every flow (at a million links, the
        # finer levels' half-million flows).
        whole = float(values.sum())
        top = float(np.partition(values, n - budget)[n - budget:].sum())
        if whole > 0 and top < min_kept * whole * (1 - 1e-12):
            return None
    return _cut_sorting(values, group_key, budget, corridor, group_corridor, max_corridor, min_kept)


def _cut_sorting(values: np.ndarray, group_key: np.ndarray, budget: int, corridor: np.ndarray | None,
                 group_corridor: np.ndarray | None, max_corridor: int | None, min_kept: float
                 ) -> tuple[int, int, float] | None:
    """:func:`cut`, every flow sorted by size."""
    n = values.size
    order = np.argsort(-values, kind="stable")
    v, g = values[order], group_key[order]
    keys, g = np.unique(g, return_inverse=True)
    last = np.full(keys.size, -1, dtype=np.int64)
    np.maximum.at(last, g, np.arange(n))
    last.sort()
    ks = np.arange(n + 1)
    # distinct groups among the flows from position k on
    groups_after = keys.size - np.searchsorted(last, ks, side="left")
    total = ks + groups_after
    boundary = np.ones(n + 1, dtype=bool)
    boundary[1:n] = v[:-1] > v[1:]  # never cut inside a tie
    whole = float(v.sum())
    for k in np.flatnonzero(boundary & (total <= budget))[::-1]:
        rest = np.bincount(g[k:], minlength=keys.size)
        single = rest[g[k:]] == 1
        share = float(v[:k].sum() + v[k:][single].sum()) / whole if whole > 0 else 1.0
        if share < min_kept:
            return None
        if corridor is not None and group_corridor is not None and max_corridor is not None:
            kept_c = corridor[order][:k]
            first_of_group = np.unique(g[k:], return_index=True)[1] + k
            counts = np.bincount(np.concatenate([kept_c, group_corridor[order][first_of_group]]))
            if counts.size and counts.max() > max_corridor:
                continue
        return int(k), int(total[k]), share
    return None


def plan_groups(values: np.ndarray, keys_by_option: dict[tuple[str, str], tuple[np.ndarray, np.ndarray | None]],
                budget: int, min_kept: float = MIN_KEPT_SHARE, corridor: np.ndarray | None = None,
                max_corridor: int | None = MAX_CORRIDOR) -> GroupPlan | None:
    """The grouping, among the options given as (side, level) → (group key of each flow, corridor of
    the group each flow joins), that keeps the largest share of the links as they are within
    ``budget`` (and ``max_corridor`` flows per corridor); None if none keeps ``min_kept``."""
    values = np.asarray(values, dtype=float)
    best: GroupPlan | None = None
    ranked = np.sort(values)[::-1]
    for (side, level), (key, group_corridor) in keys_by_option.items():
        found = cut(values, np.asarray(key, dtype=np.int64), budget, corridor, group_corridor,
                    max_corridor if corridor is not None else None, min_kept)
        if found is None:
            continue
        k, n_after, share = found
        if best is not None and share <= best.kept_share:
            continue
        threshold = float(ranked[k]) if k < values.size else float("-inf")
        best = GroupPlan(side, level, threshold, n_after, share)
    return best


def group_flows(flows: pd.DataFrame, plan: GroupPlan, coarse: pd.DataFrame) -> pd.DataFrame:
    """``flows`` with the small flows of ``plan`` merged (magnitudes summed, exact totals).

    ``coarse`` maps the id of each location of the grouped side to its coarser location: index
    = fine id, columns id, name, lon, lat. Grouped locations get the id ``others:<coarse id>``;
    a ``grouped`` column says which end of a flow is a group ("origin", "dest" or "").
    """
    out = flows.assign(grouped="")
    if flows.empty:
        return out
    end = "dest" if plan.side == "d" else "origin"
    other = "origin" if end == "dest" else "dest"
    small = flows["n_links"].to_numpy(float) <= plan.threshold
    target = coarse.reindex(flows[end].to_numpy(dtype=object))
    small &= target["id"].notna().to_numpy()
    key = pd.Series(flows[other].astype(str).to_numpy() + "\x00" + target["id"].astype(str).to_numpy())
    size = key[small].value_counts()
    small &= key.map(size).fillna(0).to_numpy() > 1  # a group of one flow stays that flow
    if not small.any():
        return out
    rows = flows.loc[small].copy()
    t = target.loc[small]
    rows[end] = GROUP_PREFIX + t["id"].astype(str).to_numpy()
    rows[f"{end}_name"] = t["name"].to_numpy(dtype=object)
    if plan.level == "zone":
        # A zone's usual point can lie far from the few countries grouped there (Mali and Sénégal
        # are not central Africa): the group sits at the link-weighted mean of its places.
        lon, lat = _weighted_points(rows[end].to_numpy(dtype=object), rows[f"{end}_lon"].to_numpy(float),
                                    rows[f"{end}_lat"].to_numpy(float), rows["n_links"].to_numpy(float))
    else:
        lon, lat = t["lon"].to_numpy(dtype=float), t["lat"].to_numpy(dtype=float)
    rows[f"{end}_lon"], rows[f"{end}_lat"] = lon, lat
    sums = {c: "sum" for c in ("n_links", "n_projects", "budget_eur", "amount_eur") if c in rows}
    firsts = {c: "first" for c in rows.columns if c not in sums and c not in ("origin", "dest", "category")}
    merged = rows.groupby(["origin", "dest"], sort=False).agg({**sums, **firsts}).reset_index()
    if "category" in rows:
        # the most frequent value, by links, of the merged flows
        weight = rows.groupby(["origin", "dest", "category"], sort=False, dropna=True)["n_links"].sum()
        best = weight.reset_index().sort_values("n_links", ascending=False, kind="stable")
        best = best.drop_duplicates(["origin", "dest"]).set_index(["origin", "dest"])["category"]
        merged["category"] = [best.get((o, d)) for o, d in zip(merged["origin"], merged["dest"])]
    if end == "dest" and plan.level == "zone":
        merged["country_iso2"] = None  # a zone's group spans several countries
    merged["grouped"] = end
    out = pd.concat([out.loc[~small], merged[out.columns]], ignore_index=True)
    return out.sort_values(["n_links", "n_projects"], ascending=False, kind="stable", ignore_index=True)


def _weighted_points(group: np.ndarray, lon: np.ndarray, lat: np.ndarray, weight: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the weighted mean point of its group's rows (longitudes averaged on the
    circle, so that a group across the antimeridian stays in the Pacific)."""
    codes, uniq = pd.factorize(pd.Series(group, dtype=object))
    ok = np.isfinite(lon) & np.isfinite(lat)
    w = np.where(ok, weight, 0.0)
    lam, phi = np.radians(np.nan_to_num(lon)), np.nan_to_num(lat)
    total = np.maximum(np.bincount(codes, weights=w, minlength=len(uniq)), 1e-12)
    s = np.bincount(codes, weights=w * np.sin(lam), minlength=len(uniq))
    c = np.bincount(codes, weights=w * np.cos(lam), minlength=len(uniq))
    mean_lat = np.bincount(codes, weights=w * phi, minlength=len(uniq)) / total
    mean_lon = np.degrees(np.arctan2(s, c))
    return np.round(mean_lon[codes], 4), np.round(mean_lat[codes], 4)


def coarser_levels(side: str, level: str) -> tuple[str, ...]:
    """Levels the small flows of ``side`` ("o" or "d") at ``level`` can be grouped to."""
    levels = ORIGIN_LEVELS if side == "o" else DEST_LEVELS
    if level not in levels:
        raise ValueError(f"{'origin' if side == 'o' else 'destination'} level must be one of {levels}, "
                         f"got {level!r}")
    return COARSER[side][level]
