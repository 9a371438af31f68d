"""Filters (the one selection object, also the cache key) and the domain tables."""

from __future__ import annotations

import re

import pytest

from atlas.models import (
    FUNDINGS,
    KINDS,
    SDG_BY_NUMBER,
    SDGS,
    THEME_BY_CODE,
    THEMES,
    Filters,
)


# ---- Filters: normalisation ------------------------------------------------------------------
def test_filters_fields_become_sorted_deduplicated_tuples():
    f = Filters(themes=["sante", "eau", "sante"], countries=["sn", "ML", "SN"], sdgs=[17, 6, 6, 3],
                regions=("84", "11"), kinds={"jumelage"}, status="en_cours")
    assert f.themes == ("eau", "sante")
    assert f.countries == ("ML", "SN")
    assert f.sdgs == (3, 6, 17)
    assert f.regions == ("11", "84")
    assert f.kinds == ("jumelage",)
    assert f.status == ("en_cours",)  # a lone string is one value, not a sequence of letters
    assert all(isinstance(getattr(f, name), tuple)
               for name in ("themes", "countries", "sdgs", "regions", "kinds", "status"))


def test_countries_are_upper_cased_and_deduplicated_across_case():
    f = Filters(countries=["sn", "Sn", "SN", "de"])
    assert f.countries == ("DE", "SN")


def test_sdgs_given_as_strings_become_ints():
    assert Filters(sdgs=["6", "17"]).sdgs == (6, 17)


def test_none_and_empty_mean_no_restriction():
    f = Filters(themes=None, countries=[], years=None)
    assert f.themes == () and f.countries == () and f.years is None
    assert f.is_empty()
    assert not Filters(themes=["eau"]).is_empty()


def test_years_are_normalised_to_an_int_pair():
    assert Filters(years=[2010, 2020]).years == (2010, 2020)
    assert Filters(years=(2015, 2015)).years == (2015, 2015)


# ---- Filters: hashable cache key ---------------------------------------------------------------
def test_equal_filters_built_in_different_orders_are_equal_and_hash_equally():
    a = Filters(themes=["eau", "sante"], countries=["SN", "ml"], sdgs=[6, 3], years=(2010, 2020))
    b = Filters(years=[2010, 2020], sdgs=(3, 6, 6), countries=("ML", "sn"), themes=("sante", "eau", "eau"))
    assert a == b
    assert hash(a) == hash(b)
    cache = {a: "cached"}
    assert cache[b] == "cached"
    assert len({a, b, Filters(themes=["eau"])}) == 2


def test_different_filters_are_different_keys():
    assert Filters(themes=["eau"]) != Filters(themes=["sante"])
    assert Filters(countries=["SN"]) != Filters(themes=["SN"])
    assert Filters(years=(2010, 2020)) != Filters(years=(2010, 2021))


def test_filters_are_frozen():
    f = Filters(themes=["eau"])
    with pytest.raises(AttributeError):
        f.themes = ("sante",)  # type: ignore[misc]


# ---- Filters: validation -----------------------------------------------------------------------
@pytest.mark.parametrize("bad", [0, 18, -1, 99])
def test_bad_sdg_numbers_raise(bad):
    with pytest.raises(ValueError, match=rf"Filters\.sdgs: SDG numbers run from 1 to 17, got \[{bad}\]"):
        Filters(sdgs=[6, bad])


@pytest.mark.parametrize("bad", [(2020, 2010), (2010,), (2010, 2015, 2020), ("2010", "2020"), (2010.0, 2020.0)])
def test_bad_year_ranges_raise(bad):
    with pytest.raises(ValueError, match=r"Filters\.years: expected \(first_year, last_year\) with first <= last, got"):
        Filters(years=bad)


def test_bad_year_range_message_shows_the_value():
    with pytest.raises(ValueError, match=re.escape("(2020, 2010)")):
        Filters(years=(2020, 2010))


def test_mixed_types_in_a_field_raise_type_error():
    with pytest.raises(TypeError, match=r"Filters\.themes: values must be of one type"):
        Filters(themes=["eau", 3])


def test_non_iterable_value_raises_type_error():
    with pytest.raises(TypeError, match=r"Filters\.kinds: expected a list of values, got 3\.5"):
        Filters(kinds=3.5)  # type: ignore[arg-type]


# ---- Filters: describe() ---------------------------------------------------------------------
def test_describe_empty_in_both_languages():
    assert Filters().describe("fr") == "Toutes les coopérations"
    assert Filters().describe("en") == "All partnerships"


def test_describe_uses_theme_labels_and_language():
    f = Filters(themes=["eau"], countries=["SN"], sdgs=[6], years=(2010, 2020))
    fr = f.describe("fr")
    en = f.describe("en")
    assert "Thèmes : Eau et assainissement" in fr
    assert "Pays : SN" in fr
    assert "ODD : 6" in fr
    assert "Années : 2010–2020" in fr
    assert "Themes: Water and sanitation" in en
    assert "Countries: SN" in en
    assert "SDGs: 6" in en
    assert "Years: 2010–2020" in en
    assert fr.count(" · ") == 3 and en.count(" · ") == 3


def test_describe_kinds_use_labels():
    f = Filters(kinds=["jumelage"])
    assert f.describe("fr") == "Types d'action : Jumelage"
    assert f.describe("en") == "Kinds: Twinning"


def test_describe_labels_every_coded_field_and_takes_names():
    f = Filters(levels=["commune"], funding=["afd"], status=["en_cours"], zones=["Afrique du Nord"],
                countries=["SN"], regions=["76"], departements=["76"], authorities=["commune:31555"])
    assert f.describe("fr") == ("Pays : SN · Zones : Afrique du Nord · Régions : 76 · Départements : 76 · "
                                "Niveaux : Commune · Financements : Agence française de développement · "
                                "Statut : En cours · Collectivités : commune:31555")
    names = {"country:SN": "Sénégal", "region:76": "Occitanie", "departement:76": "Seine-Maritime (76)",
             "commune:31555": "Toulouse"}
    en = f.describe("en", names)
    assert en.startswith("Countries: Sénégal · Zones: North Africa · Regions: Occitanie · "
                         "Départements: Seine-Maritime (76) · Levels: Municipality")
    assert en.endswith("Funding: French development agency · Status: Ongoing · Authorities: Toulouse")


def test_describe_default_language_is_french():
    assert Filters(themes=["sante"]).describe() == "Thèmes : Santé"


# ---- Domain tables -----------------------------------------------------------------------------
def test_sdg_table_has_17_goals_numbered_1_to_17():
    assert len(SDGS) == 17
    assert [s.number for s in SDGS] == list(range(1, 18))
    assert set(SDG_BY_NUMBER) == set(range(1, 18))


@pytest.mark.parametrize("number,colour", [(1, "#E5243B"), (6, "#26BDE2"), (17, "#19486A")])
def test_sdg_official_colours(number, colour):
    assert SDG_BY_NUMBER[number].colour == colour


def test_sdg_colours_are_hex_and_distinct():
    colours = [s.colour for s in SDGS]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)
    assert len(set(colours)) == 17
    assert all(s.name_fr and s.name_en for s in SDGS)


def test_every_theme_default_sdg_exists():
    for theme in THEMES:
        assert theme.sdgs, f"theme {theme.code} has no default SDG"
        for s in theme.sdgs:
            assert s in SDG_BY_NUMBER, f"theme {theme.code}: SDG {s} does not exist"


def test_theme_codes_unique_and_labelled():
    codes = [t.code for t in THEMES]
    assert len(codes) == len(set(codes))
    assert len(THEME_BY_CODE) == len(THEMES)
    assert 20 <= len(THEMES) <= 30
    assert all(t.label_fr and t.label_en for t in THEMES)


def test_kind_and_funding_codes_unique():
    assert len({k.code for k in KINDS}) == len(KINDS)
    assert len({f.code for f in FUNDINGS}) == len(FUNDINGS)
