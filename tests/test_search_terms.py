"""The authority search's understanding of a query (atlas.db.search_terms): pure Python, no database
but an in-memory DuckDB to check that the SQL twins agree with the Python rules."""

from __future__ import annotations

import duckdb
import pytest

from atlas.db.search_terms import (EPCI_WORDS, INSTITUTION_WORDS, fold_query, fuzzy_ranks, name_core, parse,
                                   sql_core, sql_search_form)
from atlas.reference.regions_2016 import OLD_REGIONS, PROVISIONAL_NAMES


@pytest.mark.parametrize("query,core,levels", [
    ("Région Bretagne", "bretagne", ("region",)),
    ("Conseil régional de Bretagne", "bretagne", ("region",)),
    ("Département du Nord", "nord", ("departement",)),
    ("Conseil départemental du Nord", "nord", ("departement",)),
    ("CONSEIL GENERAL DE LA DROME", "drome", ("departement",)),
    ("Conseil départemental de l'Ain", "ain", ("departement",)),
    ("Département des Bouches-du-Rhône", "bouches du rhone", ("departement",)),
    ("Ville de Montélimar", "montelimar", ("commune",)),
    ("Mairie de Montélimar", "montelimar", ("commune",)),
    ("Mairie de La Rochelle", "rochelle", ("commune",)),
    ("Ville du Havre", "havre", ("commune",)),
    ("Métropole de Lyon", "lyon", ("epci",)),
    ("Communauté d'agglomération du Grand Annecy", "grand annecy", ("epci",)),
    ("Communauté de communes du Pays de Gex", "pays de gex", ("epci",)),
    ("CC du Pays de Gex", "pays de gex", ("epci",)),
    ("CA du Grand Annecy", "grand annecy", ("epci",)),
    ("CU de Dunkerque", "dunkerque", ("epci",)),
    ("Eurométropole de Strasbourg", "strasbourg", ("epci",)),
    ("Métropole européenne de Lille", "lille", ("epci",)),
    ("Bordeaux Métropole", "bordeaux", ("epci",)),
    ("Pays de Gex Agglo", "pays de gex", ("epci",)),
    ("St-Étienne Métropole", "saint etienne", ("epci",)),
    ("Montélimar", "montelimar", ()),
    ("Le Havre", "havre", ()),
])
def test_institution_words_and_articles_come_off(query: str, core: str, levels: tuple[str, ...]) -> None:
    terms = parse(query)
    assert (terms.core, terms.levels) == (core, levels)
    assert terms.query == fold_query(query)


@pytest.mark.parametrize("query,levels", [
    ("ville", ("commune",)), ("Région", ("region",)), ("CC", ("epci",)), ("métropole", ("epci",)),
    ("commune de", ("commune",)), ("Conseil départemental du", ("departement",)),
    ("Conseil départ", ("departement",)), ("communaute d agglo", ("epci",)), ("Mairi", ("commune",)),
])
def test_institution_words_alone_are_searched_as_they_are_and_steer(query: str, levels: tuple[str, ...]) -> None:
    """Nothing is left once the words are off (or a word is being typed): the query itself is
    searched, and the level's authorities are offered after the names it matches."""
    terms = parse(query)
    assert terms.core == fold_query(query) and terms.levels == levels and terms.only_words


@pytest.mark.parametrize("query", ["le", "Montélimar", "Région Bretagne", "Bordeaux Métropole", "co"])
def test_names_are_not_words_only(query: str) -> None:
    assert not parse(query).only_words


@pytest.mark.parametrize("old,code", [(name, new) for name, (_old, new) in OLD_REGIONS.items()]
                         + list(PROVISIONAL_NAMES.items()))
def test_old_region_names_point_to_todays_region(old: str, code: str) -> None:
    for query in (old, f"Région {old}", f"Conseil régional de {old.upper()}", old.replace("-", " ").lower()):
        terms = parse(query)
        assert terms.regions == (code,), query
        assert "region" in terms.levels, query


def test_the_table_of_old_regions_is_the_2016_map() -> None:
    """22 metropolitan régions became 13: 17 of the old ones are in the table (the 5 others kept
    their borders and names: Bretagne, Corse, Île-de-France, Pays de la Loire, PACA)."""
    assert len(OLD_REGIONS) == 17
    new = {code for _old, code in OLD_REGIONS.values()}
    assert new == {"24", "27", "28", "32", "44", "75", "76", "84"}
    groups = {code: sorted(n for n, (_o, c) in OLD_REGIONS.items() if c == code) for code in new}
    assert groups["76"] == ["Languedoc-Roussillon", "Midi-Pyrénées"]
    assert groups["44"] == ["Alsace", "Champagne-Ardenne", "Lorraine"]
    assert len({old for old, _new in OLD_REGIONS.values()}) == 17  # old codes are distinct


@pytest.mark.parametrize("query,departement,rest", [
    ("Montélimar 26", "26", "montelimar"), ("Nord 59", "59", "nord"), ("Ajaccio 2A", "2A", "ajaccio"),
    ("Département 59", None, "departement 59"), ("CD59", None, "cd 59"), ("59", None, "59"), ("26198", None, "26198"),
])
def test_a_trailing_departement_code_after_a_name_is_a_hint(query: str, departement: str | None, rest: str) -> None:
    terms = parse(query)
    assert (terms.departement, terms.query) == (departement, rest)


def test_a_suggestion_pasted_back_is_its_name_and_departement() -> None:
    terms = parse("Montélimar (26) · Commune — aucun lien enregistré")
    assert (terms.query, terms.departement) == ("montelimar", "26")
    assert parse("Occitanie · Région (ex-Midi-Pyrénées)").query == "occitanie"


def test_words_in_brackets_stay_out_of_the_core() -> None:
    terms = parse("Mairie de Saint-Denis (La Réunion)")
    assert terms.core == "saint denis" and terms.query == "mairie de saint denis (la reunion)"


def test_a_departement_in_brackets_is_a_filter_hint() -> None:
    assert parse("Saint-Denis (93)").departement == "93"
    assert parse("Saint-Denis (974)").departement == "974"
    assert parse("Ajaccio (2A)").departement == "2A"
    assert parse("Saint-Denis (93)").query == "saint denis"
    assert parse("(93)").departement is None  # nothing else: searched as typed


def test_typed_commune_names_that_start_with_an_institution_word_keep_their_query() -> None:
    """"Ville-la-Grand" is a commune: the whole query is still compared with whole names (SQL)."""
    terms = parse("Ville-la-Grand")
    assert terms.query == "ville la grand"


def test_names_of_communes_keep_their_words_epci_names_lose_them() -> None:
    assert name_core("ville la grand", institution=False) == "ville la grand"
    assert name_core("ville la grand") == "grand"  # as a query: "Ville de…" is an institution
    assert name_core("le havre", institution=False) == "havre"
    assert name_core("ca du grand annecy") == "grand annecy"
    assert name_core("ca communaute paris saclay") == "paris saclay"
    assert name_core("grenoble alpes metropole") == "grenoble alpes"


NAMES = ["CA du Grand Annecy", "Métropole d'Aix-Marseille-Provence", "Bordeaux Métropole", "CC de l'Est Lyonnais (CCEL)",
         "CC du Pays de Pontchâteau St-Gildas-des-Bois", "Le Havre", "L'Haÿ-les-Roses", "Ville-la-Grand", "Les Abymes",
         "Saint-Étienne Métropole", "CU Le Mans Métropole", "Eurométropole de Strasbourg", "Provence-Alpes-Côte d'Azur",
         "Œuilly", "Aux Marais", "D'Huison-Longueville"]


@pytest.mark.parametrize("epci", [True, False])
def test_sql_twins_agree_with_python(epci: bool) -> None:
    con = duckdb.connect()
    rows = con.execute(f"SELECT n, {sql_search_form('n')} AS s FROM unnest($names) t(n)", {"names": NAMES}).fetchall()
    assert [s for _n, s in rows] == [fold_query(n) for n in NAMES]
    forms = [fold_query(n) for n in NAMES]
    cores = con.execute(f"SELECT {sql_core('f', institution=epci)} FROM unnest($forms) WITH ORDINALITY t(f, i) ORDER BY i",
                        {"forms": forms}).fetchall()
    assert [c for (c,) in cores] == [name_core(f, institution=epci) for f in forms]


def test_word_lists_are_plain_words() -> None:
    """The same text is a Python and a DuckDB (RE2) pattern: letters and spaces only."""
    for word in [*INSTITUTION_WORDS, *EPCI_WORDS]:
        assert word == fold_query(word) and word.replace(" ", "").isalpha(), word


def test_fuzzy_ranks_forgive_a_slip_not_a_missing_half() -> None:
    names = ["montelimar", "mont", "strasbourg", "grand annecy"]
    assert [i for i, _s in fuzzy_ranks("montelimart", names, limit=5)] == [0]
    assert [i for i, _s in fuzzy_ranks("strasbourgh", names, limit=5)] == [2]
    assert [i for i, _s in fuzzy_ranks("annecy grand", names, limit=5)] == [3]  # order of words
    assert fuzzy_ranks("xqzw", names, limit=5) == []
    assert fuzzy_ranks("mon", names, limit=5) == []  # too short to guess
