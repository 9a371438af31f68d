"""Matching quality on real files nobody here wrote: the Wikidata twinnings of French towns
shipped in atlas/data/sources/wikidata-twinnings (issue 13).

Both files give a point for each town of a pair; atlas.ingest.evaluate.evaluate_file judges every
placement against it (right within 30 km, wrong beyond, or queued for review). The figures are
printed (``pytest -s``); the floors below are the rates reached when they were set, rounded down,
so any loss of matching quality fails here. Run on a database without demonstration data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from atlas.ingest.evaluate import evaluate_file

pytestmark = pytest.mark.slow  # ~30 s: both files are matched twice (as imported, from names alone)

SOURCES = Path(__file__).resolve().parents[2] / "atlas" / "data" / "sources" / "wikidata-twinnings"

#: file -> side -> (lowest right rate %, highest wrong rate %). French side: never wrong.
FLOORS: dict[str, dict[str, tuple[float, float]]] = {
    "france.tsv": {"french": (99.9, 0.0), "partners": (99.9, 0.1), "partners_names_only": (91.7, 0.5)},
    "other_countries_with_france.tsv": {"french": (99.9, 0.0), "partners": (99.4, 0.1),
                                        "partners_names_only": (93.5, 0.5)},
}


@pytest.fixture(scope="module")
def figures(ro_con) -> dict[str, dict]:  # noqa: ANN001
    return {name: evaluate_file(ro_con, SOURCES / name) for name in FLOORS}


@pytest.mark.parametrize("name", list(FLOORS))
def test_real_file_match_rates(figures: dict[str, dict], name: str) -> None:
    fig = figures[name]
    shown = {side: {k: fig[side][k] for k in ("right", "wrong", "queued", "right_rate", "wrong_rate")}
             for side in FLOORS[name]}
    print(f"\n{name}: {fig['records']} pairs ({fig['skipped']} rows skipped)\n{json.dumps(shown, indent=1)}")
    for side in FLOORS[name]:
        print(f"{side} wrong: {fig[side]['worst'][:10]}")
    assert fig["records"] > 2_500
    for side, (right, wrong) in FLOORS[name].items():
        got = fig[side]
        assert got["judged"] == fig["records"] and got["no_point"] == 0, (side, got)
        assert got["right_rate"] >= right, (side, got["right_rate"], got["queued_values"][:30])
        assert got["wrong_rate"] <= wrong, (side, got["wrong_rate"], got["worst"])
    assert fig["french"]["wrong"] == 0, fig["french"]["worst"]  # no French town placed 30 km off


def test_known_hard_cases_are_placed_right(figures: dict[str, dict]) -> None:
    # Merged, renamed and foreign-named French towns of issue 13 are no longer queued.
    queued = {v.split(" (")[0] for f in figures.values() for v in f["french"]["queued_values"]}
    for name in ("Évry", "Saint-Ouen", "Florac", "Ancenis", "Cherbourg", "Carentan", "Faverges", "Éragny",
                 "Allonnes, Sarthe", "Gray, Haute-Saône", "Pringy, Haute-Savoie", "Dunkirk", "Juan-les-Pins"):
        assert name not in queued, name
    # Fuzzy readings that jump to another town are not taken (queued instead).
    wrong = " ".join(w for f in figures.values() for w in f["partners_names_only"]["worst"])
    for name in ("Gründau", "Carrouge", "Wiblingen"):
        assert name not in wrong, name
