"""Actor directories (annuaires d'acteurs, issue 15): recognition, matching of the seat and of the
supporting authorities, review queue and replay, undo, idempotent re-import, text kept as data.

Fixtures: ``annuaire_acteurs.csv`` (French, 35 rows of Occitanie and Auvergne-Rhône-Alpes) and
``actor_directory_en.xlsx`` (English headers under a title row, numbers stored as numbers); see
tests/fixtures/ingest/README.md and make_actor_fixtures.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from atlas.cli import main
from atlas.errors import ImportFileError
from atlas.ingest.batches import undo_batch
from atlas.ingest.pipeline import import_file
from atlas.ingest.review import Decision, decide, list_queue

from .conftest import FIXTURES

CSV = FIXTURES / "annuaire_acteurs.csv"
XLSX = FIXTURES / "actor_directory_en.xlsx"
ACTOR_TABLES = ("actors", "actor_sectors", "actor_countries", "actor_sdgs", "actor_supports")
KAOLACK = "actor:associationtoulousekaolacksolidarite:31555"


def q(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def actor_counts(db: Path) -> dict[str, int]:
    return {t: q(db, f"SELECT count(*) FROM {t}")[0][0] for t in (*ACTOR_TABLES, "authorities", "review_queue")}


def write_csv(path: Path, header: list[str], *rows: list[str]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([header, *rows])
    return path


# ---- the report --------------------------------------------------------------------------------

def test_dry_run_reports_and_writes_nothing(db: Path) -> None:
    before = actor_counts(db)
    r = import_file(CSV, db, dry_run=True)
    assert r.format == "actors" and r.rows_read == 35
    assert (r.actors_imported, r.supports_imported, r.authorities_added) == (30, 21, 19)
    # 33 seats + 21 supporting authorities; the two seats left wait for a person
    assert (r.french_total, r.french_matched) == (54, 52)
    assert r.french_methods == {"name": 50, "old_name": 2}
    assert [(i.row, i.value) for i in r.ambiguous] == [(8, "Saint-Denis")]
    assert [(i.row, i.value) for i in r.unmatched] == [(34, "Villeneuve-sur-Mer")]
    assert "8 French authorities are named 'Saint-Denis'" in r.ambiguous[0].reason
    errors = {(e["row"], e["column"]): e for e in r.errors}
    assert set(errors) == {(21, "Nom de la structure"), (36, "SIRET")}
    assert errors[(21, "Nom de la structure")]["expected"] == "plain text without HTML tags or script"
    assert errors[(36, "SIRET")]["value"] == "12345"
    assert "SIRET (14 digits)" in errors[(36, "SIRET")]["expected"]
    warned = {(w["row"], w["column"]): w for w in r.warnings}
    assert "unknown: Astronomie amateur, ignored" in warned[(15, "Secteurs d'intervention")]["expected"]
    assert warned[(14, "Pays d'intervention")]["value"] == "Afrique de l'Ouest"
    assert "unknown: read as 'Autre'" in warned[(33, "Type de structure")]["expected"]
    assert warned[(22, "Objet")]["expected"] == "plain text (HTML tags removed)"
    assert {f["value"] for f in r.flags} == {"Conques", "Annecy-le-Vieux"}
    text = r.summary()
    assert "format actors" in text and "actors imported 30; supports imported 21" in text
    assert actor_counts(db) == before and q(db, "SELECT count(*) FROM import_batches") == [(0,)]


def test_cli_dry_run(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(CSV), "--db", str(db), "--dry-run", "--json", "--quiet"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] and out["format"] == "actors" and out["actors_imported"] == 30
    assert out["french_match_rate"] == 96.3 and out["queued"] == 2  # would be queued
    assert main(["import", str(CSV), "--db", str(db), "--dry-run", "--format", "actors", "--quiet"]) == 0
    assert "format actors" in capsys.readouterr().err


def test_match_figures(db: Path) -> None:
    """Seats and supporting authorities of the French fixture, measured (printed with -s)."""
    r = import_file(CSV, db, dry_run=True)
    seats = 35 - len({e["row"] for e in r.errors})
    seats_matched = seats - len(r.ambiguous) - len(r.unmatched)
    supporters = r.french_total - seats
    print(f"\nactor directory: seats {seats_matched}/{seats} ({100 * seats_matched / seats:.1f} %), "
          f"supporting authorities {r.french_matched - seats_matched}/{supporters}")
    assert (seats_matched, seats) == (31, 33)
    assert r.french_matched - seats_matched == supporters == 21


# ---- what is stored ----------------------------------------------------------------------------

def test_import_stores_actors_with_seat_and_provenance(db: Path) -> None:
    r = import_file(CSV, db)
    assert r.batch_id and r.actors_imported == 30
    rows = {i: (name, typ, commune, dep, reg) for i, name, typ, commune, dep, reg in q(
        db, "SELECT id, name, type, commune, departement, region FROM actors")}
    assert len(rows) == 30
    # homonyms settled by the département (Saint-Denis, Aude) or its name (Valence, Drôme)
    assert rows["actor:solidaritesaintdenisaudeburkina:11339"][2:] == ("11339", "11", "76")
    assert rows["actor:valencearmeniesolidarite:26362"][2] == "26362"
    # merged communes: the current commune (Conques -> Conques-en-Rouergue, Annecy-le-Vieux -> Annecy)
    assert rows["actor:associationconquesbenin:12218"][2] == "12218"
    assert rows["actor:annecysolidaritehaiti:74010"][2:] == ("74010", "74", "84")
    # types: from the column, and guessed from the name when the cell is empty
    assert rows["actor:chudemontpellierpoleinternational:34172"][1] == "hopital"
    assert rows["actor:comitedejumelagebourgenbressebadkreuznach:01053"][1] == "jumelage"
    assert rows["actor:diasporasenegalaisedemontpellier:34172"][1] == "osim"
    assert rows["actor:cooperativecatalognesud:66136"][1] == "ess"
    # the seat's point is the commune's point
    off = q(db, """SELECT a.id FROM actors a JOIN ref_communes c ON c.insee = a.commune
                   WHERE abs(a.lon - c.lon) > 1e-9 OR abs(a.lat - c.lat) > 1e-9 OR a.lon IS NULL""")
    assert off == []
    # one actor on two rows: first row's values, sectors/countries/supports of both
    assert q(db, "SELECT identifier, website, since FROM actors WHERE id = ?", [KAOLACK]) == [
        ("W313012345", "https://www.toulouse-kaolack.example.org", 1998)]
    assert sorted(x for (x,) in q(db, "SELECT sector FROM actor_sectors WHERE actor_id = ?", [KAOLACK])) == [
        "eau", "sante"]
    assert sorted(x for (x,) in q(db, "SELECT country_iso2 FROM actor_countries WHERE actor_id = ?", [KAOLACK])) == [
        "GM", "SN"]
    assert sorted(q(db, "SELECT authority_id, kind, year, amount_eur FROM actor_supports WHERE actor_id = ?",
                    [KAOLACK])) == [("departement:31", "subvention", 2023, 4000.0),
                                    ("epci:243100518", "subvention", 2024, 5000.0),
                                    ("region:76", "subvention", 2024, 12000.0)]
    assert q(db, "SELECT sdg FROM actor_sdgs WHERE actor_id = 'actor:nimestozeurpalmeraies:30189' ORDER BY 1") == [
        (13,), (15,)]
    # supporting authorities are stored as authorities; the seat communes are not parties
    assert q(db, "SELECT count(*) FROM authorities WHERE id = 'commune:11339'") == [(0,)]
    assert q(db, "SELECT name, level FROM authorities WHERE id = 'epci:200046977'") == [("Métropole de Lyon", "epci")]
    # provenance: every row belongs to the batch, whose source, date and licence are recorded
    assert q(db, "SELECT DISTINCT batch_id FROM actors") == [(r.batch_id,)]
    assert q(db, "SELECT DISTINCT batch_id FROM actor_supports") == [(r.batch_id,)]
    src = q(db, "SELECT format, source, source_date FROM import_batches WHERE id = ?", [r.batch_id])[0]
    assert src[0] == "actors" and src[1] == "Import du fichier annuaire_acteurs.csv" and src[2]
    # no dangling reference
    for t in ("actor_sectors", "actor_countries", "actor_sdgs", "actor_supports"):
        assert q(db, f"SELECT count(*) FROM {t} WHERE actor_id NOT IN (SELECT id FROM actors)") == [(0,)]


def test_text_is_kept_as_data(db: Path) -> None:
    import_file(CSV, db)
    assert q(db, "SELECT name, description FROM actors WHERE id LIKE 'actor:77cietheatredumonde:%'") == [
        ("{{7*7}} & Cie – Théâtre du Monde", "Créations croisées Alès –Ouagadougou")]
    assert q(db, "SELECT count(*) FROM actors WHERE name LIKE '%script%'") == [(0,)]


def test_reimport_adds_nothing_and_a_second_file_completes(db: Path) -> None:
    first = import_file(CSV, db)
    before = actor_counts(db)
    again = import_file(CSV, db)
    assert again.nothing_new and again.batch_id is None and again.already_present == 30
    assert actor_counts(db) == before
    en = import_file(XLSX, db)
    assert en.format == "actors" and (en.actors_imported, en.supports_imported, en.already_present) == (6, 3, 2)
    assert (en.french_total, en.french_matched) == (11, 11)
    # the same actor (name and seat) gets a support of the other file, owned by its batch
    assert q(db, "SELECT batch_id FROM actor_supports WHERE actor_id = ? AND year = 2025", [KAOLACK]) == [
        (en.batch_id,)]
    assert q(db, "SELECT batch_id FROM actors WHERE id = ?", [KAOLACK]) == [(first.batch_id,)]
    types = dict(q(db, "SELECT name, type FROM actors WHERE batch_id = ?", [en.batch_id]))
    assert types["Lycée Champollion – European exchanges"] == "ecole"
    assert types["Toulouse Space Start-up SAS"] == "entreprise"
    assert types["Sète Fishermen Cooperative (SCOP)"] == "ess"
    assert types["Centre hospitalier de Rodez – Mission Afrique"] == "hopital"
    # a homonym settled by its postcode (11310: Saint-Denis, Aude)
    assert q(db, "SELECT commune FROM actors WHERE name = 'Solidarité Montagne Noire'") == [("11339",)]
    assert q(db, "SELECT count(*) FROM actor_supports WHERE kind = 'appui_technique' AND batch_id = ?",
             [en.batch_id]) == [(1,)]


# ---- review queue and replay -------------------------------------------------------------------

def test_queued_seats_are_imported_once_decided(db: Path) -> None:
    import_file(CSV, db)
    items = {i["value"]: i for i in list_queue(db)}
    assert set(items) == {"Saint-Denis", "Villeneuve-sur-Mer"}
    assert {i["side"] for i in items.values()} == {"french"}
    sd = items["Saint-Denis"]
    pick = next(k for k, c in enumerate(sd["candidates"], 1) if c["id"] == "commune:93066")
    result = decide(db, [Decision(sd["id"][:8], pick=pick)])
    assert result["rows"] == 1 and result["batch_id"]
    assert q(db, "SELECT commune, departement, batch_id FROM actors WHERE name = 'Les Amis de Saint-Denis'") == [
        ("93066", "93", result["batch_id"])]
    assert q(db, "SELECT country_iso2 FROM actor_countries WHERE actor_id = 'actor:amisdesaintdenis:93066'") == [
        ("ML",)]
    # the other one by an authority id
    vm = items["Villeneuve-sur-Mer"]
    second = decide(db, [Decision(vm["id"], authority_id="commune:34337")])
    assert q(db, "SELECT commune FROM actors WHERE name = 'Les Amis de la Méditerranée'") == [("34337",)]
    assert list_queue(db) == []
    # undoing the review batch takes the actor out and puts its row back to "decided"
    undo_batch(db, second["batch_id"])
    assert q(db, "SELECT count(*) FROM actors WHERE name = 'Les Amis de la Méditerranée'") == [(0,)]
    assert q(db, "SELECT count(*) FROM actor_sdgs WHERE actor_id = 'actor:amisdelamediterranee:34337'") == [(0,)]
    assert q(db, "SELECT status FROM review_queue WHERE id = ?", [vm["id"]]) == [("resolved",)]


def test_a_queued_supporter_holds_its_row(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "soutiens.csv",
                     ["Structure", "Commune du siège", "Département", "Soutiens", "Année du soutien"],
                     ["Amicale Laïque Solidarité", "Albi", "81", "Ville de Saint-Denis; Région Occitanie", "2024"])
    r = import_file(path, db)
    assert r.format == "actors" and r.actors_imported == 0 and r.queued == 1
    item = list_queue(db)[0]
    assert item["value"] == "Ville de Saint-Denis"
    decide(db, [Decision(item["id"], authority_id="commune:11339")])
    assert sorted(q(db, "SELECT authority_id FROM actor_supports")) == [("commune:11339",), ("region:76",)]


# ---- undo --------------------------------------------------------------------------------------

def test_undo_removes_a_batch_and_keeps_what_another_uses(db: Path) -> None:
    empty = actor_counts(db)
    fr = import_file(CSV, db)
    en = import_file(XLSX, db)
    removed = undo_batch(db, fr.batch_id)
    assert removed["actors"] == 29 and removed["actor_supports"] == 21
    # the Toulouse-Kaolack association carries a support of the English file: kept, handed over
    assert q(db, "SELECT batch_id FROM actors WHERE id = ?", [KAOLACK]) == [(en.batch_id,)]
    assert q(db, "SELECT count(*) FROM actor_sectors WHERE actor_id = ?", [KAOLACK]) == [(2,)]
    assert q(db, "SELECT count(*) FROM actors WHERE name = 'Lyon Afrique Santé'") == [(0,)]
    # région Occitanie supports an actor of the English file: kept, handed over
    assert q(db, "SELECT batch_id FROM authorities WHERE id = 'region:76'") == [(en.batch_id,)]
    assert q(db, "SELECT count(*) FROM authorities WHERE id = 'epci:200046977'") == [(0,)]
    assert q(db, "SELECT count(*) FROM review_queue") == [(0,)]
    undo_batch(db, en.batch_id)
    assert actor_counts(db) == empty


# ---- actors named by projects ------------------------------------------------------------------

PROJECT_HEADER = ["Collectivité", "Code INSEE", "Pays", "Collectivité partenaire", "Intitulé du projet",
                  "Acteurs associés"]


def test_a_project_actor_is_the_directory_actor(db: Path, tmp_path: Path) -> None:
    before = write_csv(tmp_path / "projets_avant.csv", PROJECT_HEADER,
                       ["Toulouse", "31555", "Sénégal", "Kaolack", "Forages villageois",
                        "Association Toulouse-Kaolack Solidarité; Lycée Déodat de Séverac"])
    p1 = import_file(before, db)
    assert q(db, "SELECT actor_id FROM project_actors ORDER BY 1") == [
        ("actor:associationtoulousekaolacksolidarite",), ("actor:lyceedeodatdeseverac",)]
    d = import_file(CSV, db)
    # the directory's actor (with a seat) takes over the project's link; the seatless one goes
    assert q(db, "SELECT actor_id FROM project_actors ORDER BY 1") == [(KAOLACK,), ("actor:lyceedeodatdeseverac",)]
    assert q(db, "SELECT count(*) FROM actors WHERE id = 'actor:associationtoulousekaolacksolidarite'") == [(0,)]
    # a project imported later links to it directly
    after = write_csv(tmp_path / "projets_apres.csv", PROJECT_HEADER,
                      ["Toulouse", "31555", "Sénégal", "Kaolack", "Latrines scolaires",
                       "Association Toulouse-Kaolack Solidarité"])
    p2 = import_file(after, db)
    assert q(db, "SELECT count(*) FROM project_actors WHERE actor_id = ?", [KAOLACK]) == [(2,)]
    # undoing the directory keeps the actor the projects use (handed over to the first project batch)
    undo_batch(db, d.batch_id)
    (kept,) = q(db, "SELECT batch_id, commune FROM actors WHERE id = ?", [KAOLACK])
    assert kept[0] in (p1.batch_id, p2.batch_id) and kept[1] == "31555"
    undo_batch(db, p1.batch_id)
    assert q(db, "SELECT batch_id FROM actors WHERE id = ?", [KAOLACK]) == [(p2.batch_id,)]
    undo_batch(db, p2.batch_id)
    assert q(db, "SELECT count(*) FROM actors") == [(0,)]


# ---- refusals ----------------------------------------------------------------------------------

def test_clear_errors(db: Path, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"national_export.csv is not an actor directory: expected columns "
                                              r"such as 'Nom de la structure'"):
        import_file(FIXTURES / "national_export.csv", db, format="actors", dry_run=True)
    no_seat = write_csv(tmp_path / "sans_siege.csv", ["Structure", "Secteurs", "Pays d'intervention"],
                        ["Association X", "Santé", "Mali"])
    with pytest.raises(ImportFileError, match=r"missing required columns: the commune of its seat \(a column such as "
                                              r"'Commune du siège'.*Columns found: 'Structure', 'Secteurs'"):
        import_file(no_seat, db, format="actors", dry_run=True)
    twice = write_csv(tmp_path / "deux.csv", ["Structure", "Ville", "Commune du siège"], ["A", "Albi", "Albi"])
    with pytest.raises(ImportFileError, match=r"column 2 'Ville' and column 3 'Commune du siège' both give the "
                                              r"field 'seat_commune'"):
        import_file(twice, db, dry_run=True)
    bad = write_csv(tmp_path / "valeurs.csv",
                    ["Structure", "Commune du siège", "Département", "Soutiens", "Type de soutien", "Montant",
                     "Année de création", "Site web"],
                    ["Deux soutiens", "Albi", "81", "Région Occitanie; Ville d'Albi", "Subvention", "5 000", "", ""],
                    ["Montant illisible", "Albi", "81", "Région Occitanie", "Subvention", "beaucoup", "", ""],
                    ["Soutien inconnu", "Albi", "81", "Région Occitanie", "Mécénat", "", "", ""],
                    ["Année absurde", "Albi", "81", "", "", "", "19995", ""],
                    ["Sans nom de commune", "", "81", "", "", "", "", ""],
                    ["Site douteux", "Albi", "81", "", "", "", "", "javascript:alert(1)"])
    r = import_file(bad, db, dry_run=True)
    by_row = {e["row"]: e for e in r.errors}
    assert "one amount for one supporting authority; the row names 2" in by_row[2]["expected"]
    assert by_row[3]["column"] == "Montant" and by_row[3]["value"] == "beaucoup"
    assert by_row[4]["value"] == "Mécénat" and "a kind of support: Subvention" in by_row[4]["expected"]
    assert by_row[5]["value"] == "19995"
    assert by_row[6]["expected"] == "the commune of the actor's seat: a name or an INSEE code"
    assert r.warnings[0]["value"] == "javascript:alert(1)" and r.actors_imported == 1
    with pytest.raises(ImportFileError, match=r"row\(s\) refused \(strict mode\)"):
        import_file(bad, db, strict=True)


def test_mapping_file_and_undated_supports(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", ["Org.", "Lieu", "Appui de"],
                     ["Maison des Solidarités", "Rodez", "Rodez Agglomération"])
    mapping = tmp_path / "odd.toml"
    mapping.write_text('format = "actors"\n[columns]\n"Org." = "actor_name"\n"Lieu" = "seat_commune"\n'
                       '"Appui de" = "supporters"\n', encoding="utf-8")
    r = import_file(path, db, mapping=mapping)
    assert r.actors_imported == 1 and r.supports_imported == 1
    assert any("without a year were dated" in n for n in r.notes)
    import datetime as dt

    assert q(db, "SELECT authority_id, kind, year FROM actor_supports") == [
        ("epci:241200187", "subvention", dt.date.today().year)]


def test_numbers_stored_as_numbers_in_a_workbook(db: Path, tmp_path: Path) -> None:
    """A postcode of the Ain typed as a number loses its leading zero (1480): read as 01480,
    it settles the homonym (Villeneuve, Ain); an INSEE code 1053 is 01053."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Structure", "Commune du siège", "Code postal", "Code INSEE du siège", "Année de création"])
    wb.active.append(["Amicale de Villeneuve", "Villeneuve", 1480, None, 1990])
    wb.active.append(["Maison de l'Europe de Bourg", None, None, 1053, 2001])
    path = tmp_path / "nombres.xlsx"
    wb.save(path)
    r = import_file(path, db)
    assert r.actors_imported == 2 and not r.ambiguous
    assert sorted(q(db, "SELECT commune, since FROM actors")) == [("01053", 2001), ("01446", 1990)]
