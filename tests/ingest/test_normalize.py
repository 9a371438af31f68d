"""Keys and value parsers: the rules every matcher relies on."""

from __future__ import annotations

import pytest

from atlas.ingest.normalize import (ValueProblem, departement_code, fold, has_markup, is_formula, name_key,
                                    parse_amount, parse_coordinate, parse_insee, parse_period, parse_siren,
                                    parse_year, raw_key, split_multi)


@pytest.mark.parametrize("a,b", [
    ("Saint-Étienne", "ST ETIENNE"), ("Saint-Étienne", "St. Étienne"), ("Sainte-Foy-lès-Lyon", "STE FOY LES LYON"),
    ("Le Havre", "HAVRE (LE)"), ("Villeneuve-d'Ascq", "VILLENEUVE D ASCQ"), ("Villeneuve-d'Ascq", "VILLENEUVE DASCQ"),
    ("Boulogne-sur-Mer", "BOULOGNE S/MER"), ("Cœuvres-et-Valsery", "COEUVRES ET VALSERY"), ("Łódź", "Lodz"),
])
def test_same_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_different_places_keep_different_keys() -> None:
    assert name_key("Saint-Denis") != name_key("Saint-Didier")
    assert name_key("Le Mans") != name_key("Mansle")
    assert raw_key("HAVRE (LE)") == raw_key("Le Havre") == "lehavre"
    assert raw_key("LISLE SUR LA SORGUE") == raw_key("L'Isle-sur-la-Sorgue")


def test_fold() -> None:
    assert fold("Œuilly Île-de-France") == "oeuilly ile-de-france"


@pytest.mark.parametrize("text,value", [("12 500 €", 12500), ("12.500,50", 12500.5), ("12,500.50", 12500.5),
                                        ("1,5 M€", 1.5e6), ("15 k€", 15000), ("12500", 12500), ("12,5", 12.5),
                                        ("", None)])
def test_amounts(text: str, value: float | None) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["beaucoup", "-50", "12 500 dollars ou plus"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(ValueProblem, match="amount"):
        parse_amount(text)


def test_years() -> None:
    assert parse_year("2015", 2026) == 2015
    assert parse_year("2015.0", 2026) == 2015
    assert parse_year("01/03/2015", 2026) == 2015
    assert parse_year("2015-03-01 00:00:00", 2026) == 2015
    assert parse_period("2015-2018", 2026) == (2015, 2018)
    for bad in ("19995", "1066", "2099", "deux mille", "2015 2016"):
        with pytest.raises(ValueProblem, match="year"):
            parse_year(bad, 2026)


def test_codes() -> None:
    assert parse_insee("1004") == "01004"
    assert parse_insee("2A004") == "2A004"
    assert parse_insee("31555.0") == "31555"
    assert parse_siren("243 100 518") == "243100518"
    assert parse_siren("24310051800017") == "243100518"
    assert departement_code("1") == "01" and departement_code("2a") == "2A" and departement_code("971") == "971"
    assert departement_code("Haute-Garonne") is None
    with pytest.raises(ValueProblem, match="INSEE"):
        parse_insee("ABCDE")
    with pytest.raises(ValueProblem, match="SIREN"):
        parse_siren("12")


def test_coordinates() -> None:
    assert parse_coordinate("48,85", "latitude") == 48.85
    with pytest.raises(ValueProblem, match="between -90 and 90"):
        parse_coordinate("123.4", "latitude")


def test_markup_and_formulas() -> None:
    assert has_markup("<script>alert(1)</script>Paris")
    assert has_markup("<img src=x onerror=alert(1)>")
    assert not has_markup("Saint-Jean <> Saint-Paul")  # no tag
    assert not has_markup("Aix-en-Provence")
    assert is_formula("=SUM(A1:A3)") and not is_formula("=")
    assert split_multi("eau; santé | culture\néducation") == ["eau", "santé", "culture", "éducation"]
