"""The authority search on the demonstration database (real COG names): the names people use find
their authority in the first three suggestions (issue 12), whole names and codes still come first."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from atlas.db.connection import ReadOnlyDatabase
from atlas.db.queries import search_authorities
from atlas.db.search_terms import fold_query
from atlas.reference.regions_2016 import OLD_REGIONS

#: Official forms (issue 12) and the authority each names, by its COG code: the test reads the ids
#: from the reference tables by name, so a wrong guess here fails rather than passes.
OFFICIAL_FORMS = [
    ("Région Bretagne", "region", "Bretagne"),
    ("Conseil régional de Bretagne", "region", "Bretagne"),
    ("Département du Nord", "departement", "Nord"),
    ("Conseil départemental du Nord", "departement", "Nord"),
    ("Ville de Montélimar", "commune", "Montélimar"),
    ("Mairie de Montélimar", "commune", "Montélimar"),
    ("Métropole de Lyon", "epci", "Métropole de Lyon"),
    ("Communauté d'agglomération du Grand Annecy", "epci", "CA du Grand Annecy"),
    ("CC du Pays de Gex", "epci", "CA du Pays de Gex"),  # a CC until 2019, a CA since
    ("Eurométropole de Strasbourg", "epci", "Eurométropole de Strasbourg"),
    ("Conseil départemental des Bouches-du-Rhône", "departement", "Bouches-du-Rhône"),
    ("Département de la Réunion", "departement", "La Réunion"),
    ("Mairie du Havre", "commune", "Le Havre"),
    ("Ville de Saint-Étienne", "commune", "Saint-Étienne"),
    ("Communauté de communes du Pays de Gex", "epci", "CA du Pays de Gex"),
    ("Métropole de Bordeaux", "epci", "Bordeaux Métropole"),
    ("Métropole européenne de Lille", "epci", "Métropole Européenne de Lille"),
    ("CU de Dunkerque", "epci", "CU de Dunkerque"),
    ("Collectivité de Corse", "region", "Corse"),
]

TABLES = {"region": ("ref_regions", "code", "region:"), "departement": ("ref_departements", "code", "departement:"),
          "commune": ("ref_communes", "insee", "commune:"), "epci": ("ref_epci", "siren", "epci:")}


@pytest.fixture(scope="module")
def db(demo_db: Path) -> ReadOnlyDatabase:
    return ReadOnlyDatabase(demo_db)


def _id(db: ReadOnlyDatabase, level: str, name: str) -> str:
    table, code, prefix = TABLES[level]
    rows = db.rows(f"SELECT {code} FROM {table} WHERE name = $n ORDER BY {code}", {"n": name})
    assert rows, f"no {level} named {name!r} in the reference"
    if level == "commune":  # homonyms: the most populous
        rows = db.rows("SELECT insee FROM ref_communes WHERE name = $n ORDER BY population DESC", {"n": name})
    return prefix + rows[0][0]


def _rank(db: ReadOnlyDatabase, query: str, wanted: str) -> int | None:
    ids = search_authorities(db, query, limit=20)["id"].tolist()
    return ids.index(wanted) + 1 if wanted in ids else None


@pytest.mark.parametrize("query,level,name", OFFICIAL_FORMS)
def test_official_forms_find_their_authority_in_the_first_three(db, query: str, level: str, name: str) -> None:
    wanted = _id(db, level, name)
    rank = _rank(db, query, wanted)
    assert rank is not None and rank <= 3, (query, wanted, rank, search_authorities(db, query).head(5).to_dict("records"))


@pytest.mark.parametrize("old", sorted(OLD_REGIONS))
def test_old_region_names_find_todays_region_first(db, old: str) -> None:
    wanted = "region:" + OLD_REGIONS[old][1]
    assert _rank(db, old, wanted) == 1
    assert _rank(db, f"Conseil régional {old}", wanted) == 1
    found = search_authorities(db, old.upper())
    assert found["formerly"].iloc[0] == old  # shown as "Occitanie · Région (ex-Midi-Pyrénées)"
    assert found["formerly"].iloc[1:].isna().all()
    assert search_authorities(db, "Bretagne")["formerly"].isna().all()


def test_the_institution_word_steers_the_level(db) -> None:
    """"Bretagne" is a région and two communes: the word says which comes first."""
    communes = [f"commune:{r[0]}" for r in db.rows("SELECT insee FROM ref_communes WHERE name = 'Bretagne'")]
    assert len(communes) == 2
    assert search_authorities(db, "Région Bretagne")["id"].iloc[0] == "region:53"
    assert search_authorities(db, "Commune de Bretagne")["id"].iloc[0] in communes
    assert search_authorities(db, "Département du Rhône")["id"].iloc[0] == "departement:69"
    assert search_authorities(db, "Métropole de Lyon")["id"].iloc[0] == _id(db, "epci", "Métropole de Lyon")
    assert search_authorities(db, "Ville de Lyon")["id"].iloc[0] == "commune:69123"


def test_whole_names_come_first(db) -> None:
    """A name typed in full is the first suggestion (or a homonym of it), whatever it begins with."""
    names = [r[0] for r in db.rows("SELECT name FROM ref_communes UNION SELECT name FROM ref_epci")]
    # the communes whose names start with an institution word or an article, and a random sample
    tricky = [n for n in names if fold_query(n).split(" ")[0] in {"ville", "commune", "la", "le", "les", "l", "ca"}]
    sample = sorted(set(tricky[:40] + random.Random(12).sample(names, 80)))
    wrong = []
    for name in sample:
        first = search_authorities(db, name, limit=3)
        if first.empty or fold_query(first["name"].iloc[0]) != fold_query(name):
            wrong.append((name, first["name"].tolist()))
    assert wrong == []


def test_codes_find_their_authority_first(db) -> None:
    assert search_authorities(db, "26198")["id"].iloc[0] == "commune:26198"
    assert search_authorities(db, "59")["id"].iloc[0] == "departement:59"
    siren = _id(db, "epci", "CA du Grand Annecy")
    assert search_authorities(db, siren.split(":")[1])["id"].iloc[0] == siren
    assert search_authorities(db, "Département 59")["id"].iloc[0] == "departement:59"


def test_a_departement_in_brackets_picks_the_homonym(db) -> None:
    assert search_authorities(db, "Saint-Denis (93)")["id"].iloc[0] == "commune:93066"
    assert search_authorities(db, "Saint-Denis (974)")["id"].iloc[0] == "commune:97411"
    assert search_authorities(db, "Saint-Denis 974")["id"].iloc[0] == "commune:97411"
    assert search_authorities(db, "Mairie de Saint-Denis (La Réunion)")["id"].iloc[0].startswith("commune:")


@pytest.mark.parametrize("query,wanted", [
    ("CD59", "departement:59"), ("Département 2A", "departement:2A"), ("2a", "departement:2A"),
    ("2A004", "commune:2A004"), ("Nord 59", "departement:59"), ("montelimar 26", "commune:26198"),
    ("Région Sud", "region:93"), ("PACA", "region:93"), ("Collectivité de Corse", "region:94"),
])
def test_codes_and_abbreviations(db, query: str, wanted: str) -> None:
    assert search_authorities(db, query)["id"].iloc[0] == wanted


@pytest.mark.parametrize("query,name", [
    ("Grand Lyon", "Métropole de Lyon"), ("Grand Toulouse", "Toulouse Métropole"),
    ("Communauté urbaine de Bordeaux", "Bordeaux Métropole"), ("Marseille Provence Métropole",
                                                               "Métropole d'Aix-Marseille-Provence"),
])
def test_former_and_familiar_names_of_metropoles(db, query: str, name: str) -> None:
    assert search_authorities(db, query)["id"].iloc[0] == _id(db, "epci", name)


def test_typing_slips_are_forgiven(db) -> None:
    for query, wanted in (("Montelimart", "commune:26198"), ("Strasbourgh", "commune:67482"),
                          ("Conseil départemental du Finsitère", "departement:29"),
                          ("Ville de Montélimr", "commune:26198")):
        rank = _rank(db, query, wanted)
        assert rank is not None and rank <= 3, (query, search_authorities(db, query).head(5).to_dict("records"))


def test_institution_words_alone_offer_that_level(db) -> None:
    """While "Conseil départemental du Nord" is being typed, the départements are offered."""
    for query, level, count in (("Région", "region", 18), ("Conseil départ", "departement", 20),
                                ("Conseil départemental du", "departement", 20)):
        found = search_authorities(db, query, limit=20)
        assert (found["level"] == level).sum() == count, (query, found.head(5).to_dict("records"))
        assert found["level"].iloc[0] == level


def test_nothing_matches_nonsense(db) -> None:
    assert search_authorities(db, "xqzwv kjhgt").empty
    assert search_authorities(db, "   ").empty
    assert list(search_authorities(db, "")) == ["id", "name", "level", "departement", "region", "population",
                                                "has_links", "rank", "formerly"]


def _not_in_first_three(db, items: list[tuple[str, str]]) -> list:
    bad = []
    for query, wanted in items:
        rank = _rank(db, query, wanted)
        if rank is None or rank > 3:
            bad.append((query, rank, search_authorities(db, query, limit=3)["name"].tolist()))
    return bad


def test_every_departement_and_region_by_its_council(db) -> None:
    items = [(f"Conseil départemental de {n}", f"departement:{c}") for c, n in db.rows("SELECT code, name FROM ref_departements")]
    items += [(f"Conseil régional de {n}", f"region:{c}") for c, n in db.rows("SELECT code, name FROM ref_regions")]
    assert len(items) == 119
    assert _not_in_first_three(db, items) == []


def test_largest_communes_by_their_town_hall(db) -> None:
    rows = db.rows("SELECT insee, name FROM ref_communes ORDER BY population DESC LIMIT 100")
    assert _not_in_first_three(db, [(f"Mairie de {n}", f"commune:{c}") for c, n in rows]) == []


def test_epci_by_their_names_spelled_out(db) -> None:
    """"CA du Grand Annecy" written "Communauté d'agglomération du Grand Annecy", for a sample of all EPCI."""
    spelled = {"CC": "Communauté de communes", "CA": "Communauté d'agglomération", "CU": "Communauté urbaine"}
    rows = [(s, n) for s, n in db.rows("SELECT siren, name FROM ref_epci ORDER BY siren") if n[:3] in ("CC ", "CA ", "CU ")]
    sample = random.Random(2016).sample(rows, 150)
    assert _not_in_first_three(db, [(f"{spelled[n[:2]]} {n[3:]}", f"epci:{s}") for s, n in sample]) == []
