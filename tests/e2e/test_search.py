"""The search of "Ma collectivité" in a real browser (issue 12): each official form finds its
authority in the first three suggestions, a search that finds nothing says "Aucun résultat" with a
hint (never the component's "No options"), and a profile opened from a URL shows its name in the box."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from atlas.db.queries import search_authorities
from atlas.reference.regions_2016 import OLD_REGIONS
from tests.e2e.helpers import ARTIFACTS, TIMEOUT_S, assert_offline, wait, wait_idle

pytestmark = pytest.mark.e2e

#: The official forms of issue 12, the level and the reference name of the authority each names.
OFFICIAL_FORMS = [
    ("Région Bretagne", "region", "Bretagne"),
    ("Conseil régional de Bretagne", "region", "Bretagne"),
    ("Département du Nord", "departement", "Nord"),
    ("Conseil départemental du Nord", "departement", "Nord"),
    ("Ville de Montélimar", "commune", "Montélimar"),
    ("Mairie de Montélimar", "commune", "Montélimar"),
    ("Métropole de Lyon", "epci", "Métropole de Lyon"),
    ("Communauté d'agglomération du Grand Annecy", "epci", "CA du Grand Annecy"),
    ("CC du Pays de Gex", "epci", "CA du Pays de Gex"),
    ("Eurométropole de Strasbourg", "epci", "Eurométropole de Strasbourg"),
    ("Midi-Pyrénées", "region", "Occitanie"),
]
LEVEL_WORDS = {"region": "Région", "departement": "Département", "epci": "Intercommunalité", "commune": "Commune"}
TABLES = {"region": "ref_regions", "departement": "ref_departements", "epci": "ref_epci", "commune": "ref_communes"}


def _frame(page):
    return page.frame_locator('iframe[title*="searchbox"]')


def _type(page, server: str, query: str) -> None:
    page.goto(f"{server}/collectivite", wait_until="domcontentloaded")
    box = _frame(page).locator("input")
    box.wait_for(timeout=TIMEOUT_S * 1000)
    wait_idle(page)
    box.click()
    box.type(query, delay=25)


def _options(page) -> list[str]:
    return [o.strip() for o in _frame(page).locator('[class*="option"]').all_inner_texts()]


@pytest.mark.parametrize("query,level,name", OFFICIAL_FORMS, ids=[q for q, _l, _n in OFFICIAL_FORMS])
def test_official_form_in_the_first_three_suggestions(server, page, atlas_handle, query, level, name):
    assert not atlas_handle.sql(f"SELECT 1 FROM {TABLES[level]} WHERE name = $n", {"n": name}).empty, name
    # The first three names the search gives for the whole query: the list shown must be that one,
    # not the list of a query still being typed.
    top = search_authorities(atlas_handle.db, query, limit=30).head(3)
    expected = top["name"].tolist()
    _type(page, server, query)

    def shown() -> list[str] | None:
        first = _options(page)[:3]
        return first if len(first) == len(expected) and all(o.startswith(n) for o, n in zip(first, expected)) else None

    first = wait(page, shown, f"the suggestions {expected} for {query!r}")
    hit = [o for o in first if o.startswith(name) and f"· {LEVEL_WORDS[level]}" in o]
    assert hit, (query, first)
    if query in OLD_REGIONS:  # the old name is shown with today's région
        assert f"(ex-{query})" in hit[0], hit
    assert_offline(page)


def test_nothing_found_says_aucun_resultat_with_a_hint(server, page):
    _type(page, server, "xqzwv kjhgt")
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="Aucun résultat")
    alert.first.wait_for(timeout=TIMEOUT_S * 1000)
    text = alert.first.inner_text()
    assert "« xqzwv kjhgt »" in text and "code INSEE" in text, text
    assert "No options" not in _frame(page).locator("body").inner_text()
    assert _options(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search_no_result.png"))  # kept for the docs and for review
    # a name found again: the message goes
    box = _frame(page).locator("input")
    box.press("Control+a")
    box.type("montelimar", delay=25)
    wait(page, lambda: any(o.startswith("Montélimar (26)") for o in _options(page)), "Montélimar suggested")
    # The suggestions reach the box during the box's rerun; the message goes when that rerun ends
    # (Streamlit then drops what the run did not draw again): it must go, within the timeout.
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="Aucun résultat")).to_have_count(
        0, timeout=TIMEOUT_S * 1000)
    wait_idle(page)
    assert page.locator('[data-testid="stAlert"]').filter(has_text="Aucun résultat").count() == 0
    assert_offline(page)


def test_a_profile_opened_from_a_url_shows_its_name_in_the_box(server, page):
    page.goto(f"{server}/collectivite?id=commune:26198", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Montélimar", exact=True).wait_for(timeout=TIMEOUT_S * 1000)
    box = _frame(page).locator("input")
    wait(page, lambda: box.input_value() == "Montélimar", "the name of the profile in the search box")
    assert_offline(page)
