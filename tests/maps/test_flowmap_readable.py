"""Screen maps that can be read (issue 11), on the default atlas: automatic levels within the
readable budget with exact totals, "autres" groups, French partner names, location totals in and
out, click-to-isolate and names placed without overlaps."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from atlas import config
from atlas.geo import flow_groups as fg
from atlas.maps import flow_labels
from atlas.maps.flowmap import render_flow_map, total_radii
from atlas.models import Filters
from atlas.selection import MapOptions, query_flows
from atlas.ui.stories import bundled_stories

STORY = next(iter(bundled_stories().values()))
SELECTIONS = {
    "eau-senegal-mali": Filters(themes=["eau"], countries=["SN", "ML"]),
    "senegal": Filters(countries=["SN"]),
    "national": Filters(),
    **{f"story-{i + 1}": step.filters for i, step in enumerate(STORY.steps)},
}


@pytest.fixture(scope="module", params=list(SELECTIONS))
def view(request, atlas_handle):
    filters = SELECTIONS[request.param]
    return request.param, filters, atlas_handle.select(filters, MapOptions())


def _corridor(flows: pd.DataFrame) -> pd.Series:
    """Flows into each country (a group across a zone is its own corridor)."""
    key = flows["country_iso2"].where(flows["country_iso2"].notna(), flows["dest"])
    return key.value_counts()


def test_automatic_levels_keep_the_map_readable_and_the_totals_exact(view, atlas_handle):
    name, filters, sel = view
    budget = config.number("readable_flows")
    assert 1 <= sel.n_flows <= budget, (name, sel.n_flows)
    assert sel.n_drawn == sel.n_flows  # nothing left out of the map: small flows are grouped, not dropped
    assert _corridor(sel.flows).max() <= fg.MAX_CORRIDOR, name
    # grouping adds flows up: the same totals as every flow at these levels, place by place
    whole = query_flows(atlas_handle.db, filters, sel.origin_level, sel.dest_level, max_flows=100_000).flows
    assert "grouped" not in whole.columns
    for col in ("n_links", "n_projects"):
        assert int(sel.flows[col].sum()) == int(whole[col].sum()), col
    assert sel.flows["amount_eur"].sum() == pytest.approx(whole["amount_eur"].sum())
    side = sel.result.grouping.side if sel.result.grouping else "d"
    kept = "origin" if side == "d" else "dest"  # the end that is never grouped keeps its totals
    pd.testing.assert_series_equal(sel.flows.groupby(kept)["n_links"].sum().sort_index(),
                                   whole.groupby(kept)["n_links"].sum().sort_index())
    # and every link of the selection (overseas collectivités too, at every level)
    assert sel.n_links == len(atlas_handle.links_frame(filters))


def test_a_finer_level_is_chosen_when_grouping_keeps_most_links(atlas_handle):
    sel = atlas_handle.select(Filters(kinds=["jumelage"]), MapOptions())
    plan = sel.result.grouping
    assert plan is not None and plan.kept_share >= fg.MIN_KEPT_SHARE
    groups = sel.flows[sel.flows["grouped"] != ""]
    assert len(groups) and groups[plan.side == "d" and "dest" or "origin"].str.startswith(fg.GROUP_PREFIX).all()
    # the small flows grouped are no larger than any flow kept as it is
    assert (sel.flows.loc[sel.flows["grouped"] == "", "n_links"] > plan.threshold).sum() >= 1


def test_set_levels_are_never_grouped(atlas_handle):
    r = query_flows(atlas_handle.db, Filters(kinds=["jumelage"]), "region", "country", max_flows=600)
    assert r.grouping is None and "grouped" not in r.flows.columns
    assert len(r.flows) > config.number("readable_flows")  # what the automatic choice avoids


def test_the_readable_budget_is_a_setting(atlas_handle, monkeypatch):
    monkeypatch.setenv("ATLAS_READABLE_FLOWS", "40")
    sel = atlas_handle.select(Filters(kinds=["jumelage"]), MapOptions())
    assert sel.n_flows <= 40 and sel.n_links == len(atlas_handle.links_frame(Filters(kinds=["jumelage"])))
    # never above the hard cap
    assert atlas_handle.select(Filters(), MapOptions(max_flows=20)).n_flows <= 20


def test_partners_are_named_in_french_on_maps(atlas_handle):
    flows = query_flows(atlas_handle.db, Filters(countries=["DE", "BE"]), "france", "authority").flows
    names = dict(zip(flows["dest"], flows["dest_name"]))
    assert names.get("admin1:DE-NI") == "Basse-Saxe"
    assert names.get("admin1:BE-VWV") == "Flandre-Occidentale"
    # tables keep the local name
    links = atlas_handle.links_frame(Filters(countries=["DE"]))
    assert "Niedersachsen" in set(links["partner_name"])


def _map_parts(sel) -> tuple[str, list[dict]]:
    m, _info = render_flow_map(sel.flows, origin_level=sel.origin_level, dest_level=sel.dest_level,
                               n_links=sel.n_links, max_flows=600, lang="fr")
    html = m.get_root().render()
    found = re.search(r"labels = (\[.*?\]);", html)
    return html, json.loads(found.group(1)) if found else []


def test_screen_map_names_places_totals_and_isolates_flows(atlas_handle):
    sel = atlas_handle.select(SELECTIONS["senegal"], MapOptions())
    html, labels = _map_parts(sel)
    assert "Sénégal" in [p["text"] for p in labels]
    assert re.search(r"window\.atlasMapInfo\.labels = (\d+)", html)[1] == str(len(labels))
    n = len(labels)
    assert f"Noms : les {n} lieux aux liens les plus nombreux" in html or f"Noms : {n} des 15 lieux" in html \
        or "Noms : tous les lieux" in html
    total = int(sel.flows["n_links"].sum())
    assert f"Entrants : {total:,} liens".replace(",", "\u202f") in html  # Sénégal's circle: every link comes in
    assert "Sortants : " in html and "Cliquer un cercle isole ses flux" in html
    assert "places.on(\"click\"" in html and '"o":"region:' in html and '"id":"country:SN"' in html


def test_group_ends_are_named_as_groups(atlas_handle):
    sel = atlas_handle.select(Filters(kinds=["jumelage"]), MapOptions())
    html, labels = _map_parts(sel)
    assert ": autres pays" in html and "regroupent les petits flux" in html
    assert not any(": autres" in p["text"] for p in labels)  # groups carry no permanent name


def test_names_do_not_overlap_at_the_initial_zoom():
    rng = np.random.default_rng(7)
    totals = pd.DataFrame({"id": [f"p{i}" for i in range(60)], "name": [f"Lieu numéro {i}" for i in range(60)],
                           "lon": rng.uniform(-5, 9, 60), "lat": rng.uniform(42, 51, 60),
                           "outgoing": rng.integers(1, 50, 60), "incoming": 0, "side": "fr"})
    radius = total_radii(totals)
    zoom = flow_labels.initial_zoom(totals["lat"].to_numpy(), totals["lon"].to_numpy())
    labels, candidates = flow_labels.choose_labels(totals, radius, zoom)
    assert candidates == flow_labels.N_LABELS and 0 < len(labels) <= candidates
    x, y = flow_labels._mercator(np.array([p["lon"] for p in labels]), np.array([p["lat"] for p in labels]), zoom)
    r = {p["id"]: radius[int(p["id"][1:])] for p in labels}
    boxes = [flow_labels._box(x[i], y[i], r[p["id"]], flow_labels.CHAR_PX * len(p["name"]) + flow_labels.PAD, p["side"],
                              p["offset"][1] / flow_labels.BOX_H if p["side"] in ("left", "right") else 0.0)
             for i, p in enumerate(labels)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not flow_labels._overlaps(a, b), (a, b)
    # the largest place is always named
    assert labels[0]["id"] == totals["id"].iloc[int(np.argmax(totals["outgoing"]))]
    assert flow_labels.initial_zoom(np.array([46.0]), np.array([2.0])) > 5  # one place: close in
