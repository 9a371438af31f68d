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


# ---- real files: old, merged and renamed communes; forms people write (issue 13) -------------

@pytest.mark.parametrize("name,expected", [
    ("Florac", "commune:48061"),  # Florac Trois Rivières since 2016
    ("Ancenis", "commune:44003"),  # Ancenis-Saint-Géréon since 2019
    ("Cherbourg-Octeville", "commune:50129"),  # Cherbourg-en-Cotentin since 2016
    ("Cherbourg", "commune:50129"),  # Cherbourg-Octeville from 2000, then Cherbourg-en-Cotentin
    ("Carentan", "commune:50099"),  # Carentan-les-Marais
    ("Faverges", "commune:74123"),  # Faverges-Seythenex
    ("Éragny", "commune:95218"),  # Éragny-sur-Oise
])
def test_historical_names_lead_to_the_current_commune(fr: FrenchMatcher, name: str, expected: str) -> None:
    res = fr.resolve(FrenchRef(name=name))
    assert res.status == "matched", res.reason
    assert res.entity is not None and res.entity.id == expected and res.method == "old_name"
    assert res.note.startswith(name) and res.entity.name in res.note


def test_a_historical_name_and_a_current_homonym_are_settled_by_the_files_point(fr: FrenchMatcher) -> None:
    # Évry (Essonne) became Évry-Courcouronnes in 2019; Évry (Yonne) is 73 km away.
    res = fr.resolve(FrenchRef(name="Évry", lat=48.6238, lon=2.4294))
    assert res.entity is not None and res.entity.id == "commune:91228", res.reason
    assert "until 2019" in res.note
    yonne = fr.resolve(FrenchRef(name="Évry", lat=48.259, lon=3.254))
    assert yonne.entity is not None and yonne.entity.id == "commune:89162"
    alone = fr.resolve(FrenchRef(name="Évry"))
    assert alone.status == "ambiguous" and {"commune:91228", "commune:89162"} <= {c.id for c in alone.candidates}
    ouen = fr.resolve(FrenchRef(name="Saint-Ouen", lat=48.9117, lon=2.3339))
    assert ouen.entity is not None and ouen.entity.id == "commune:93070"


@pytest.mark.parametrize("name,expected", [
    ("Allonnes, Sarthe", "commune:72003"),  # three Allonnes: the département settles it
    ("Allonnes (Maine-et-Loire)", "commune:49002"),
    ("Allonnes, 28", "commune:28004"),
    ("Gray, Haute-Saône", "commune:70279"),
    ("Pringy, Haute-Savoie", "commune:74010"),  # merged into Annecy in 2021
    ("Pringy (Haute-Savoie)", "commune:74010"),
    ("Francheville, Rhône", "commune:69089"),
    ("Francheville (Auvergne-Rhône-Alpes)", "commune:69089"),  # a région narrows it too
])
def test_name_with_a_departement_or_region_after_it(fr: FrenchMatcher, name: str, expected: str) -> None:
    res = fr.resolve(FrenchRef(name=name))
    assert res.status == "matched", res.reason
    assert res.entity is not None and res.entity.id == expected


def test_a_qualifier_that_is_no_departement_is_not_dropped(fr: FrenchMatcher) -> None:
    res = fr.resolve(FrenchRef(name="Allonnes, Bavière"))
    assert res.status != "matched"


@pytest.mark.parametrize("name,expected", [
    ("Dunkirk", "commune:59183"),  # GeoNames' English name of Dunkerque
    ("Marseilles", "commune:13055"),  # also a village's alternate name: Marseille is far bigger
    ("Juan-les-Pins", "commune:06004"),  # a quarter of Antibes
])
def test_foreign_names_and_places_of_french_towns_are_read_and_flagged(fr: FrenchMatcher, name: str,
                                                                        expected: str) -> None:
    res = fr.resolve(FrenchRef(name=name))
    assert res.status == "matched", res.reason
    assert res.entity is not None and res.entity.id == expected and res.method == "place"
    assert any(f"{name!r} read as {res.entity.name}" in f for f in res.flags)


def test_a_place_far_from_the_files_point_is_not_taken(fr: FrenchMatcher) -> None:
    res = fr.resolve(FrenchRef(name="Dunkirk", lat=43.3, lon=5.37))  # the file's point is in Marseille
    assert res.status != "matched"


def test_a_canton_is_placed_at_its_seat_with_a_flag(fr: FrenchMatcher) -> None:
    res = fr.resolve(FrenchRef(name="canton of Yvetot"))
    assert res.entity is not None and res.entity.id == "commune:76758"
    assert any("is a canton" in f for f in res.flags)


def test_twin_homonyms_face_to_face_stay_ambiguous_unless_the_point_is_much_nearer_one(fr: FrenchMatcher) -> None:
    # Le Pont-de-Beauvoisin (Isère, 38315) and (Savoie, 73204): town halls 200 m apart.
    between = fr.resolve(FrenchRef(name="Le Pont-de-Beauvoisin", lat=45.5354, lon=5.6720))
    assert between.status == "ambiguous"
    at_isere = fr.resolve(FrenchRef(name="Le Pont-de-Beauvoisin", lat=45.53504, lon=5.67074))
    assert at_isere.entity is not None and at_isere.entity.id == "commune:38315"
    assert any("the nearest taken" in f for f in at_isere.flags)
    savoie = fr.resolve(FrenchRef(name="Le Pont-de-Beauvoisin, Savoie"))
    assert savoie.entity is not None and savoie.entity.id == "commune:73204"


# ---- real files: partners' name forms, homonyms, fuzzy readings (issue 13) ------------------

@pytest.mark.parametrize("text,code", [
    ("Republic of Macedonia", "MK"), ("Palestinian National Authority", "PS"), ("Palestinian territories", "PS"),
    ("People's Republic of China", "CN"), ("Kingdom of the Netherlands", "NL"),
])
def test_country_labels_of_wikidata_exports(ro_con, text: str, code: str) -> None:
    assert CountryResolver(ro_con).resolve(text).codes == (code,)


def _place(geo: PartnerGeocoder, name: str, country: str, **kw):  # noqa: ANN003, ANN202
    return geo.resolve_many([PartnerQuery(name, country, **kw)])[0]


@pytest.mark.parametrize("name,country,expected", [
    ("Lund Municipality", "Sweden", "Lund"),
    ("Gmina Krotoszyn", "Poland", "Krotoszyn"),
    ("London Borough of Hackney", "United Kingdom", "Hackney"),
    ("Munster, Lower Saxony", "Germany", "Munster"),  # name + admin-1 hint
    ("Bad Kötzting", "Germany", "Kötzting"),
    ("San Vicente del Raspeig / Sant Vicent del Raspeig", "Spain", "San Vicent del Raspeig"),  # bilingual
])
def test_partner_name_forms_are_read_and_flagged(geo: PartnerGeocoder, name: str, country: str, expected: str) -> None:
    res = _place(geo, name, country)
    assert res.status == "matched", res.reason
    assert res.entity is not None and res.entity.name == expected
    assert any(f.startswith(f"{name!r} read as") for f in res.flags)


def test_a_hint_that_excludes_every_homonym_queues_the_name(geo: PartnerGeocoder) -> None:
    # 'Sarre' is only another name of Salle (Abruzzo); the file says the Aosta Valley.
    res = _place(geo, "Sarre, Aosta Valley", "Italy")
    assert res.status == "unmatched" and "Aosta Valley" in res.reason


def test_a_name_that_drops_a_river_is_taken_only_near_the_files_point(geo: PartnerGeocoder) -> None:
    # Heidesheim am Rhein is not the gazetteer's Heidesheim, 47 km away.
    blind = _place(geo, "Heidesheim am Rhein", "Germany")
    assert blind.status == "unmatched" and blind.candidates
    near = _place(geo, "Hattersheim am Main", "Germany", lat=50.064, lon=8.486)
    assert near.status == "matched" and near.entity is not None and near.entity.name == "Hattersheim"


@pytest.mark.parametrize("name,towns", [("Heusden-Zolder", ("Heusden", "Zolder")),
                                        ("Comines-Warneton", ("Comines", "Warneton")),
                                        ("Langemark-Poelkapelle", ("Langemark", "Poelkapelle"))])
def test_merged_municipality_named_after_two_towns(geo: PartnerGeocoder, name: str, towns: tuple[str, str]) -> None:
    res = _place(geo, name, "Belgium")
    assert res.status == "matched" and res.method == "merged towns"
    assert res.entity is not None and res.entity.name in towns
    assert any("is not in the gazetteer" in f for f in res.flags)


def test_a_borough_with_no_town_of_its_name_stays_queued_with_a_reason(geo: PartnerGeocoder) -> None:
    res = _place(geo, "Gravesham", "United Kingdom")
    assert res.status == "unmatched" and "no place named 'Gravesham'" in res.reason


@pytest.mark.parametrize("name,country", [("Gründau", "Germany"), ("Carrouge", "Switzerland"),
                                          ("Wiblingen", "Germany")])
def test_fuzzy_never_jumps_to_a_town_one_letter_away(geo: PartnerGeocoder, name: str, country: str) -> None:
    res = _place(geo, name, country)
    assert res.status != "matched", res.entity
    assert res.candidates  # the near name is still offered to the analyst


def test_a_homonym_of_unknown_population_is_not_outweighed(geo: PartnerGeocoder) -> None:
    # GeoNames knows 647 inhabitants for one Friesenheim and none (0) for the other.
    assert _place(geo, "Friesenheim", "Germany").status == "ambiguous"
    assert _place(geo, "Hanoi", "Vietnam").status == "matched"  # a city beats an unknown village


def test_a_foreign_alternate_name_does_not_outweigh_a_towns_own_name(geo: PartnerGeocoder) -> None:
    # 'Aken' is Aachen in Dutch; Aken (Elbe) is the town of that name.
    res = _place(geo, "Aken", "Germany")
    assert res.entity is not None and res.entity.name == "Aken"


def test_the_one_homonym_whose_own_name_it_is_is_taken(geo: PartnerGeocoder) -> None:
    res = _place(geo, "Cattolica", "Italy")  # Cattolica Eraclea carries it only as another name
    assert res.entity is not None and res.entity.name == "Cattolica"
    assert any("own name" in f for f in res.flags)


def test_one_place_listed_twice_is_one_place(geo: PartnerGeocoder) -> None:
    res = _place(geo, "Fujiyoshida", "Japan")  # 'Fujiyoshida' and 'Fuji-yoshida', next to each other
    assert res.status == "matched" and any("taken as one" in f for f in res.flags)
    kansas = _place(geo, "Kansas City", "United States")  # two cities in two states
    assert kansas.status == "ambiguous"


def test_french_places_without_stored_keys_read_the_gazetteer_table() -> None:
    """A database never prepared for imports (no gazetteer_keys, no meta): the names the
    gazetteer table keeps still lead a place to its commune, by name first, else by distance."""
    import duckdb

    from atlas.ingest.match_fr.places import FrenchPlaces
    from atlas.ingest.records import Entity

    con = duckdb.connect()
    con.execute("""CREATE TABLE gazetteer AS SELECT * FROM (VALUES
        (1, 'Dunkirk', 'Dunkirk', ['Duinkerke', 'Dunkerque'], 'FR', '32', 86263, 2.3768, 51.0344),
        (2, 'Juan-les-Pins', 'Juan-les-Pins', ['Juan'], 'FR', '93', 60000, 7.1131, 43.5694),
        (3, 'Nowhere', 'Nowhere', [], 'FR', '93', 600, 3.0, 45.0))
        AS t(geonames_id, name, ascii_name, alt_names, country_iso2, admin1_code, population, lon, lat)""")

    def commune(insee: str, name: str, lon: float, lat: float) -> Entity:
        return Entity(id=f"commune:{insee}", level="commune", name=name, country_iso2="FR", is_french=True,
                      insee=insee, lon=lon, lat=lat)

    places = FrenchPlaces(con, [commune("59183", "Dunkerque", 2.3774, 51.0375),
                                commune("59155", "Coudekerque-Branche", 2.3928, 51.0226),
                                commune("06004", "Antibes", 7.1277, 43.5807),
                                commune("06155", "Vallauris", 7.0540, 43.5780)])
    dunkirk = places.places("DUNKIRK")
    assert [p.geonames_id for p in dunkirk] == [1]
    assert places.commune_of(dunkirk[0])[0].insee == "59183"  # named Dunkerque among its names
    assert places.commune_of(places.places("Juan-les-Pins")[0])[0].insee == "06004"  # the nearest
    assert places.commune_of(places.places("Nowhere")[0]) is None  # no commune within 5 km


def test_a_current_name_wins_over_a_name_that_ended_long_ago(fr: FrenchMatcher) -> None:
    # Saint-Étienne-les-Orgues was 'Saint-Étienne' until 1988: a bare 'Saint-Étienne' is the city.
    res = fr.resolve(FrenchRef(name="SAINT ETIENNE"))
    assert res.entity is not None and res.entity.id == "commune:42218"
    assert any("until 1988" in f for f in res.flags)
    # in its département, the old name still leads to the commune that carried it
    old = fr.resolve(FrenchRef(name="Saint-Étienne", departement="04"))
    assert old.entity is not None and old.entity.name == "Saint-Étienne-les-Orgues"
    # a name that ended recently stays a homonym (Évry until 2019)
    assert fr.resolve(FrenchRef(name="Évry")).status == "ambiguous"


def test_the_files_point_wins_when_every_gazetteer_place_is_far(geo: PartnerGeocoder) -> None:
    # GeoNames puts Gerabronn 31 km south of the town; the file's point is right.
    gerabronn = _place(geo, "Gerabronn", "Germany", lat=49.2494, lon=9.9203)
    assert gerabronn.entity is not None and gerabronn.entity.geo_precision == "file"
    assert any("31 km" in f for f in gerabronn.flags)
    # Wellington (Somerset): both gazetteer Wellingtons are over 30 km from the file's point.
    wellington = _place(geo, "Wellington", "United Kingdom", lat=50.978, lon=-3.224)
    assert wellington.method == "file_coordinates" and wellington.entity.lat == 50.978
    # the same name without a point stays a question for the analyst
    assert _place(geo, "Wellington", "United Kingdom").status == "ambiguous"


def test_a_partner_placed_at_the_files_point_keeps_its_name_as_written(geo: PartnerGeocoder) -> None:
    # 'Zell' has five homonyms far from the point: the partner is Zell am Harmersbach, not 'Zell'.
    res = _place(geo, "Zell am Harmersbach", "Germany", lat=48.3469, lon=8.0631)
    assert res.entity is not None and res.entity.id == "place:DE:zellamharmersbach"
    assert res.entity.name == "Zell am Harmersbach" and not any("read as" in f for f in res.flags)


@pytest.mark.parametrize("name,country,expected", [
    ("San Vincenzo, Tuscany", "Italy", "San Vincenzo"),  # a region of provinces, in English
    ("Alfaro, La Rioja", "Spain", "Alfaro"),
])
def test_a_hint_naming_a_larger_region_keeps_its_homonyms(geo: PartnerGeocoder, name: str, country: str,
                                                          expected: str) -> None:
    res = _place(geo, name, country)
    assert res.status == "matched", res.reason
    assert res.entity is not None and res.entity.name == expected
