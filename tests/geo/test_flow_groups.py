"""Small flows grouped into "autres" flows (atlas.geo.flow_groups): budgets, ties, exact totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from atlas.geo import flow_groups as fg


def _flows(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """Flows from (origin, dest, links); each link carries 2 projects and 100 €."""
    return pd.DataFrame({
        "origin": [o for o, _d, _n in rows], "origin_name": [o.upper() for o, _d, _n in rows],
        "origin_lon": 2.0, "origin_lat": 46.0,
        "dest": [d for _o, d, _n in rows], "dest_name": [d.title() for _o, d, _n in rows],
        "dest_lon": [float(i) for i in range(len(rows))], "dest_lat": 10.0,
        "n_links": [n for _o, _d, n in rows], "n_projects": [2 * n for _o, _d, n in rows],
        "budget_eur": [100.0 * n for _o, _d, n in rows], "country_iso2": ["SN"] * len(rows),
        "zone": "Afrique subsaharienne", "amount_eur": [100.0 * n for _o, _d, n in rows],
    })


def test_cut_fits_the_budget_and_never_splits_a_tie():
    values = np.array([9, 7, 3, 3, 3, 1, 1, 1, 1, 1], dtype=float)
    keys = np.array([0, 1, 2, 2, 2, 3, 3, 3, 4, 4])
    k, n_after, share = fg.cut(values, keys, budget=6)
    assert n_after <= 6
    # the cut falls between two sizes: after 9, 7 and the three 3s (kept), the 1s in two groups
    assert k in (0, 2, 5) and values[k - 1] > values[k]
    assert (k, n_after) == (5, 7) or n_after <= 6
    assert fg.cut(values, keys, budget=10) == (10, 10, 1.0)
    assert fg.cut(values, np.arange(10), budget=6) is None  # every flow its own group: nothing to gain


def test_cut_counts_groups_of_one_as_kept():
    values = np.array([5, 1, 1, 1], dtype=float)
    k, n_after, share = fg.cut(values, np.array([0, 1, 1, 2]), budget=3)
    assert (k, n_after) == (1, 3)
    # 5 kept, the lone 1 of group 2 stays as it is: 6 of 8 links
    assert share == pytest.approx(6 / 8)


def test_cut_keeps_corridors_within_their_cap():
    values = np.array([4, 3, 2, 1, 1, 1], dtype=float)
    keys = np.array([0, 1, 2, 3, 3, 3])
    corridor = np.zeros(6, dtype=np.int64)  # all flows into one country
    k, n_after, _share = fg.cut(values, keys, budget=6, corridor=corridor, group_corridor=corridor, max_corridor=4)
    assert n_after <= 4 and k == 3
    # four groups into one country cannot fit a cap of one; a single group of everything can
    assert fg.cut(values, keys, budget=6, corridor=corridor, group_corridor=corridor, max_corridor=1) is None
    assert fg.cut(values, np.zeros(6, dtype=np.int64), budget=6, corridor=corridor, group_corridor=corridor,
                  max_corridor=1) == (0, 1, 0.0)


def test_the_quick_refusal_of_cut_gives_the_answer_of_the_full_search():
    """cut() refuses from the biggest flows alone when they cannot hold min_kept; on skewed and
    flat flows, around the threshold and with corridors, it answers as the search over every flow."""
    rng = np.random.default_rng(11)
    quick = 0
    for trial in range(400):
        n = int(rng.integers(5, 400))
        skew = rng.choice([0.3, 1.0, 3.0])
        values = np.floor(rng.pareto(skew, n) * 3 + 1)
        keys = rng.integers(0, int(rng.integers(1, 40)), n).astype(np.int64)
        budget = int(rng.integers(1, n + 5))
        corridor = rng.integers(0, 6, n) if trial % 2 else None
        group_corridor = rng.integers(0, 6, n) if trial % 2 else None
        cap = int(rng.integers(3, 60)) if trial % 2 else None
        top = np.sort(values)[::-1][:budget].sum() / values.sum()
        for min_kept in (0.0, 0.5, 0.9, float(top), float(np.nextafter(top, 2)), 1.0):
            args = (values, keys, budget, corridor, group_corridor, cap, min_kept)
            assert fg.cut(*args) == fg._cut_sorting(*args), (trial, min_kept)
            quick += min_kept > top and n > budget
    assert quick > 300  # the quick refusal was exercised


def test_plan_picks_the_option_keeping_most_links_and_refuses_a_poor_one():
    values = np.array([10, 1, 1, 1, 1], dtype=float)
    options = {("d", "country"): (np.array([0, 1, 1, 1, 1]), None), ("d", "zone"): (np.array([0, 1, 2, 3, 4]), None)}
    plan = fg.plan_groups(values, options, budget=2)
    assert plan == fg.GroupPlan("d", "country", 1.0, 2, pytest.approx(10 / 14))
    assert fg.plan_groups(values, options, budget=2, min_kept=0.9) is None


def test_group_flows_keeps_every_total_exact():
    flows = _flows([("a", "x", 5), ("a", "y", 1), ("a", "z", 1), ("b", "x", 1), ("b", "w", 1)])
    coarse = pd.DataFrame({"id": ["country:SN"] * 4, "name": ["Sénégal"] * 4, "lon": -14.0, "lat": 14.0},
                          index=["x", "y", "z", "w"])
    plan = fg.GroupPlan("d", "country", threshold=1.0, n_flows=4, kept_share=0.8)
    out = fg.group_flows(flows, plan, coarse)
    for col in ("n_links", "n_projects", "amount_eur", "budget_eur"):
        assert out[col].sum() == pytest.approx(flows[col].sum())
    pairs = set(zip(out["origin"], out["dest"]))
    assert pairs == {("a", "x"), ("a", "others:country:SN"), ("b", "others:country:SN")}
    a_group = out[(out["origin"] == "a") & (out["grouped"] == "dest")].iloc[0]
    assert (a_group["n_links"], a_group["dest_name"], a_group["dest_lon"]) == (2, "Sénégal", -14.0)
    # b's two small flows are a group; a flow of 5 links is never grouped
    assert out.loc[out["dest"] == "x", "grouped"].tolist() == [""]


def test_a_group_of_one_flow_stays_that_flow():
    flows = _flows([("a", "x", 5), ("a", "y", 1), ("b", "z", 1)])
    coarse = pd.DataFrame({"id": ["country:SN"] * 3, "name": ["Sénégal"] * 3, "lon": 0.0, "lat": 0.0},
                          index=["x", "y", "z"])
    out = fg.group_flows(flows, fg.GroupPlan("d", "country", 1.0, 3, 1.0), coarse)
    assert set(out["dest"]) == {"x", "y", "z"} and (out["grouped"] == "").all()


def test_zone_groups_sit_between_their_places_and_take_the_main_category():
    flows = _flows([("a", "x", 3), ("a", "y", 1), ("a", "z", 1)]).assign(
        dest_lon=[0.0, 170.0, -170.0], dest_lat=[0.0, 10.0, 20.0], category=["eau", "sante", "sante"])
    coarse = pd.DataFrame({"id": ["zone:Océanie"] * 3, "name": ["Océanie"] * 3, "lon": 0.0, "lat": 0.0},
                          index=["x", "y", "z"])
    out = fg.group_flows(flows.iloc[1:].reset_index(drop=True), fg.GroupPlan("d", "zone", 1.0, 1, 0.0), coarse)
    assert len(out) == 1
    row = out.iloc[0]
    assert abs(row["dest_lon"]) == pytest.approx(180.0, abs=1e-6)  # across the antimeridian, not at 0°
    assert row["dest_lat"] == pytest.approx(15.0)
    assert row["category"] == "sante" and row["country_iso2"] is None


def test_coarser_levels_are_checked():
    assert fg.coarser_levels("d", "authority") == ("country", "zone")
    assert fg.coarser_levels("o", "france") == ()
    with pytest.raises(ValueError, match="destination level must be one of"):
        fg.coarser_levels("d", "planet")
