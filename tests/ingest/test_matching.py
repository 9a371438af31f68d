"""Matching French authorities to the COG, and placing foreign partners and countries."""

from __future__ import annotations

import pytest

from atlas.ingest.countries import CountryResolver
from atlas.ingest.geocode import PartnerGeocoder, PartnerQuery, install_key_macro
from atlas.ingest.match_fr import FrenchMatcher
from atlas.ingest.normalize import name_key
from atlas.ingest.pipeline import french_index
from atlas.ingest.records import FrenchRef


@pytest.fixture(scope="module")
def fr(ro_con) -> FrenchMatcher:
    return FrenchMatcher(french_index(ro_con))


@pytest.mark.parametrize("ref,expected,method", [
    (FrenchRef(name="TOULOUSE"), "commune:31555", "name"),
    (FrenchRef(name="ST ETIENNE", departement="42"), "commune:42218", "name"),
    (FrenchRef(name="SAINT DENIS", departement="SEINE ST DENIS"), "commune:93066", "name"),
    (FrenchRef(name="Saint-Denis", departement="La Réunion"), "commune:97411", "name"),
    (FrenchRef(name="HAVRE (LE)", departement="76"), "commune:76351", "name"),
    (FrenchRef(name="Vienne", departement="38"), "commune:38544", "name"),
    (FrenchRef(name="Vienne", departement="86"), "departement:86", "name"),
    (FrenchRef(name="Conseil départemental de la Haute-Garonne"), "departement:31", "name"),
    (FrenchRef(name="Région Occitanie"), "region:76", "name"),
    (FrenchRef(name="Midi-Pyrénées"), "region:76", "name"),
    (FrenchRef(name="Paris"), "commune:75056", "name"),
    (FrenchRef(name="CC du Pays de Pontchâteau Saint-Gildas-des-Bois"), "epci:200000438", "name"),
    (FrenchRef(name="Communauté de communes du Pays de Pontchateau St Gildas des Bois"), "epci:200000438", "name"),
    (FrenchRef(name="Lanslevillard", departement="73"), "commune:73290", "old_name"),
    (FrenchRef(insee="73144"), "commune:73290", "old_code"),
    (FrenchRef(insee="31555"), "commune:31555", "insee"),
    (FrenchRef(siren="243100518"), "epci:243100518", "siren"),
    (FrenchRef(siren="213105554"), "commune:31555", "siren"),
    (FrenchRef(name="Tolouse", departement="31"), "commune:31555", "fuzzy"),
    (FrenchRef(name="Saint-Denis", lat=48.936, lon=2.357), "commune:93066", "name+coordinates"),
    (FrenchRef(name="PARIS 15E ARRONDISSEMENT"), "commune:75056", "name"),
])
def test_french_matches(fr: FrenchMatcher, ref: FrenchRef, expected: str, method: str) -> None:
    res = fr.resolve(ref)
    assert res.status == "matched", res.reason
    assert res.entity is not None and res.entity.id == expected
    assert res.method == method


def test_merged_commune_keeps_historical_name(fr: FrenchMatcher) -> None:
    res = fr.resolve(FrenchRef(name="LANSLEVILLARD", departement="SAVOIE"))
    assert res.entity is not None and res.entity.name == "Val-Cenis"
    assert "Lanslevillard merged into Val-Cenis" in res.note


def test_homonyms_without_departement_are_never_guessed(fr: FrenchMatcher) -> None:
    res = fr.resolve(FrenchRef(name="Saint-Denis"))
    assert res.status == "ambiguous" and res.entity is None
    assert {"commune:93066", "commune:97411"} <= {c.id for c in res.candidates}
    assert "give the département" in res.reason


def test_fuzzy_only_inside_a_departement(fr: FrenchMatcher) -> None:
    res = fr.resolve(FrenchRef(name="Toulouze"))
    assert res.status == "unmatched" and res.candidates[0].id == "commune:31555"


def test_unknown_code_is_flagged_and_name_used(fr: FrenchMatcher) -> None:
    res = fr.resolve(FrenchRef(name="Toulouse", insee="99999", departement="31"))
    assert res.entity is not None and res.entity.id == "commune:31555"
    assert any("99999" in f for f in res.flags)


def test_code_wins_over_a_conflicting_name(fr: FrenchMatcher) -> None:
    res = fr.resolve(FrenchRef(name="Bordeaux", insee="31555"))
    assert res.entity is not None and res.entity.id == "commune:31555"
    assert any("differs" in f for f in res.flags)


def test_decisions_are_applied(ro_con) -> None:
    ix = french_index(ro_con)
    ref = FrenchRef(name="Saint-Denis")
    key = FrenchMatcher.decision_key(ref, None, None)
    res = FrenchMatcher(ix, {key: "commune:93066"}).resolve(ref)
    assert res.entity is not None and res.entity.id == "commune:93066" and res.method == "decision"


@pytest.mark.parametrize("text,codes", [
    ("England, United Kingdom", ("GB",)), ("Côte d'Ivoire", ("CI",)), ("Ivory Coast", ("CI",)),
    ("REPUBLIQUE TCHEQUE", ("CZ",)), ("DEU", ("DE",)), ("276", ("DE",)), ("Etats-Unis", ("US",)),
    ("Allemange", ("DE",)), ("Kinshasa (RDC)", ("CD",)), ("Congo", ("CD", "CG")),
    ("Tchécoslovaquie", ("CZ", "SK")), ("Atlantis", ()),
])
def test_countries(ro_con, text: str, codes: tuple[str, ...]) -> None:
    assert CountryResolver(ro_con).resolve(text).codes == codes


@pytest.fixture(scope="module")
def geo(ro_con) -> PartnerGeocoder:
    return PartnerGeocoder(ro_con, CountryResolver(ro_con))


@pytest.mark.parametrize("q,expected", [
    (PartnerQuery("Londres", "Royaume-Uni"), "geonames:2643743"),
    (PartnerQuery("LONDON", "England, United Kingdom"), "geonames:2643743"),
    (PartnerQuery("Cologne", "Allemagne"), "geonames:2886242"),
    (PartnerQuery("Mayence", "RFA"), "geonames:2874225"),
    (PartnerQuery("Frankfurt", "Germany"), "geonames:2925533"),
    (PartnerQuery("Frankfurt", "Germany", lat=52.34, lon=14.55), "geonames:2925535"),
    (PartnerQuery("Kinshasa", "Congo"), "geonames:2314302"),
    (PartnerQuery("Région de Dakar", "Sénégal"), "admin1:SN-DK"),
    (PartnerQuery("Dakar", "SEN"), "geonames:2253354"),
    (PartnerQuery("Dakar", "Sénégal", prefer_admin1=True), "admin1:SN-DK"),
    (PartnerQuery("Bavière", "Allemagne"), "admin1:DE-BY"),
    (PartnerQuery("Maz?r-e Shar?f", "Afghanistan"), "geonames:1133616"),
])
def test_partner_places(geo: PartnerGeocoder, q: PartnerQuery, expected: str) -> None:
    res = geo.resolve_many([q])[0]
    assert res.status == "matched", res.reason
    assert res.entity is not None and res.entity.id == expected


def test_partner_homonyms_of_similar_size_are_queued(geo: PartnerGeocoder) -> None:
    res = geo.resolve_many([PartnerQuery("Springfield", "USA")])[0]
    assert res.status == "ambiguous" and len(res.candidates) >= 5
    assert all(c.detail.startswith("place, États-Unis") for c in res.candidates)


def test_partner_far_coordinates_are_flagged(geo: PartnerGeocoder) -> None:
    res = geo.resolve_many([PartnerQuery("Trier", "Germany", lat=6.64, lon=49.76)])[0]
    assert res.entity is not None and res.entity.name == "Trier"
    assert any("look swapped" in f for f in res.flags)


def test_partner_placed_from_file_coordinates(geo: PartnerGeocoder) -> None:
    inside = geo.resolve_many([PartnerQuery("Nulle-Part-sur-Main", "Allemagne", lat=50.0, lon=8.0)])[0]
    assert inside.entity is not None and inside.entity.id == "place:DE:nullepartsurmain"
    assert inside.entity.geo_precision == "file"
    outside = geo.resolve_many([PartnerQuery("Nulle-Part-sur-Main", "Allemagne", lat=10.0, lon=8.0)])[0]
    assert outside.status == "unmatched" and "outside" in outside.reason


def test_partner_unknown_country_is_queued_with_candidates(geo: PartnerGeocoder) -> None:
    res = geo.resolve_many([PartnerQuery("Berlin", "Atlantide")])[0]
    assert res.status == "unmatched" and "not recognised" in res.reason
    assert res.candidates and res.candidates[0].id == "geonames:2950159"


def test_sql_key_equals_python_key(ro_con) -> None:
    install_key_macro(ro_con)
    names = [r[0] for r in ro_con.execute("SELECT name FROM gazetteer USING SAMPLE 3000 (reservoir, 42)").fetchall()]
    names += ["Saint-Étienne", "St. Gallen", "Le Havre", "Kraków", "Łódź", "Siglufjörður", "Þórshöfn", "Straße"]
    sql = [r[0] for r in ro_con.execute("SELECT atlas_key(n) FROM unnest(?) AS t(n)", [names]).fetchall()]
    diff = [(n, name_key(n), s) for n, s in zip(names, sql) if name_key(n) != s]
    assert len(diff) <= len(names) // 200, diff[:10]
