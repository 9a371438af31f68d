"""Data is never code, and never guessed: a value is read exactly, or its row is refused.

Parsers first (what each accepts and refuses), then whole imports: the refused rows are in the
report with the reason, the accepted values are stored exactly as written, duplicate headers and
bad mapping files are refused in one line, and a refusal leaves the database unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from atlas.errors import ImportFileError
from atlas.ingest import vocab
from atlas.ingest.headers import Mapping
from atlas.ingest.normalize import (ValueProblem, clean_text, parse_amount, parse_coordinate, parse_period,
                                    parse_year, split_multi)
from atlas.ingest.pipeline import import_file

from .conftest import counts, digest

YEAR = 2026  # "this year" of the parser tests: years up to 2036 are accepted

# ---- parsers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text,year", [
    ("2015", 2015), ("2015.0", 2015), ("01/03/2015", 2015), ("31/12/2015", 2015), ("12/31/2015", 2015),
    ("2015-03-01", 2015), ("2015-03-01 00:00:00", 2015), ("2015-03-01T10:30:00", 2015), ("03/2015", 2015),
    ("mars 2015", 2015), ("1er mars 2015", 2015), ("Janv. 2015", 2015), ("1900", 1900), ("2036", 2036), ("", None),
])
def test_years_read_exactly(text: str, year: int | None) -> None:
    assert parse_year(text, YEAR) == year


@pytest.mark.parametrize("text", [
    "-2000", "2015.5", "2015,0", "+2015", "2015a", "x2015", "vers 2015", "2015?", "2015 2016", "2015-2016",
    "1e3", "20150", "1899", "2037", "31/02/2015", "13/25/2015", "deux mille", "2015-13-01",
])
def test_years_refused(text: str) -> None:
    with pytest.raises(ValueProblem, match=r"^a year between 1900 and 2036, written as a whole number"):
        parse_year(text, YEAR)


@pytest.mark.parametrize("text,period", [
    ("2015-2018", (2015, 2018)), ("2015 - 2018", (2015, 2018)), ("2015/2018", (2015, 2018)),
    ("2015 à 2018", (2015, 2018)), ("de 2015 à 2018", (2015, 2018)), ("depuis 1995", (1995, None)),
    ("2015", (2015, None)),
])
def test_periods(text: str, period: tuple[int, int | None]) -> None:
    assert parse_period(text, YEAR) == period


@pytest.mark.parametrize("text", ["-2015", "2015-2018-2020", "vers 2015", "2015-2099", "2015 et 2018", "2015.5"])
def test_periods_refused(text: str) -> None:
    with pytest.raises(ValueProblem, match="a year or a period such as 2015-2018"):
        parse_period(text, YEAR)


@pytest.mark.parametrize("text,value", [
    ("1 234,56", 1234.56), ("1234.56", 1234.56), ("1234,56", 1234.56), ("1,234.56", 1234.56),
    ("1.234,56", 1234.56), ("12 000 €", 12000), ("12\u202f000 €", 12000), ("12\u00a0000", 12000), ("45 k€", 45000),
    ("1,5 M€", 1_500_000), ("3 Md€", 3_000_000_000), ("12500", 12500), ("12500 EUR", 12500), ("12500 euros", 12500),
    ("1 234 567", 1234567), ("1.234.567", 1234567), ("1,234,567", 1234567), ("1'234.50", 1234.5),
    ("€12,000.50", 12000.5), ("0.500", 0.5), ("0,5", 0.5), ("1234.567", 1234.567), ("12 500,00 €", 12500),
    ("1 500 k€", 1_500_000), ("0", 0), ("", None),
])
def test_amounts_read_exactly(text: str, value: float | None) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", [
    "1.2.3.4", "1,2,3", "1 2 3", "12.34.567", "1.234.56", "abc", "-50", "+50", "1e5", "5.", ".5", ",5", "nan",
    "inf", "12500e", "12 500 dollars", "n/a", "NULL", "1 234.567,5", "12_500",
])
def test_malformed_amounts_refused(text: str) -> None:
    with pytest.raises(ValueProblem, match=r"^an amount in euros such as 12 500, 12500,50"):
        parse_amount(text)


@pytest.mark.parametrize("text,high,low", [("12.500", "12500", "12.5"), ("12,500", "12500", "12.5"),
                                           ("1,500 k€", "1500", "1.5"), ("999.999", "999999", "999.999")])
def test_ambiguous_amounts_refused(text: str, high: str, low: str) -> None:
    with pytest.raises(ValueProblem, match=rf"^an amount written unambiguously: '.*' may be {high} or {low}"):
        parse_amount(text)


def test_amount_limit() -> None:
    assert parse_amount("10 000 000 000") == 1e10
    with pytest.raises(ValueProblem, match="between 0 and 10 billion"):
        parse_amount("10 000 000 001")


@pytest.mark.parametrize("text,sdgs", [
    ("6", [6]), ("6; 11", [6, 11]), ("ODD 6, ODD 11", [6, 11]), ("SDG6", [6]), ("ODD n°6", [6]), ("06", [6]),
    ("6.0", [6]), ("6/11", [6, 11]), ("6 + 11", [6, 11]), ("6\n11", [6, 11]), ("11; 6; 6", [6, 11]),
    ("6 - Eau propre et assainissement", [6]), ("6 - Eau propre…", [6]), ("SDG 6: Clean water", [6]),
    ("3 - Santé", [3]), ("Eau propre et assainissement; 11", [6, 11]),
    ("9 - Industrie, innovation et infrastructure", [9]), ("Industrie, innovation et infrastructure", [9]),
    ("17", [17]), ("1", [1]),
])
def test_sdgs_read_exactly(text: str, sdgs: list[int]) -> None:
    assert vocab.parse_sdgs(text) == sdgs


@pytest.mark.parametrize("text,detail", [
    ("-1", ""), ("0", "got 0"), ("18", "got 18"), ("6.5", "'6.5' is SDG 6 followed by words that are not its name"),
    ("6-11", "'6-11' is SDG 6"), ("6 11", "'6 11' is SDG 6"), ("ODD6 ODD11", "'ODD6 ODD11' is SDG 6"), ("1e1", ""),
    ("six", ""), ("3 - Eau", "'3 - Eau' is SDG 3 followed by words that are not its name"),
])
def test_sdgs_refused(text: str, detail: str) -> None:
    with pytest.raises(ValueProblem, match=r"^SDG numbers from 1 to 17") as exc:
        vocab.parse_sdgs(text)
    assert detail in exc.value.expected


@pytest.mark.parametrize("text", ["1_0", "nan", "inf", "1e1", "48.8.5", "48,85,1", "N 48.85", "٤٨"])
def test_coordinates_refused(text: str) -> None:
    with pytest.raises(ValueProblem, match="in decimal degrees"):
        parse_coordinate(text, "latitude")


def test_coordinates_read_exactly() -> None:
    assert parse_coordinate("-4,25", "longitude") == -4.25
    assert parse_coordinate("+48.85°", "latitude") == 48.85


def test_text_is_kept_as_written() -> None:
    assert split_multi("-1+1") == ["-1+1"]
    assert split_multi("+33 Ville; @Home; - Dakar") == ["+33 Ville", "@Home", "- Dakar"]
    assert clean_text("  -1+1 ") == "-1+1"
    for marker in ("nan", "NaN", "None", "NULL", "n/a", "#N/A"):  # text, not an empty cell
        assert clean_text(marker) == marker
    assert clean_text(None) == "" and clean_text(float("nan")) == "" and clean_text(0) == "0"
    assert clean_text("Eau  et   assainissement \n\n Santé\r\n", keep_lines=True) == "Eau et assainissement\nSanté"
    assert clean_text("Eau\nSanté") == "Eau Santé"


def test_kind_naming_two_kinds_is_refused() -> None:
    assert vocab.parse_kind("Jumelage (accord signé)") == "jumelage"
    assert vocab.parse_kind("Coopération territoriale européenne - Interreg") == "cte"
    with pytest.raises(ValueProblem, match=r"one kind of action per row, not several \(Action humanitaire"):
        vocab.parse_kind("Jumelage; Action humanitaire")


def test_funding_amounts_are_exact_or_refused() -> None:
    assert vocab.parse_funding("AFD: 50 000; Agence de l'eau: 30 000") == (
        [("afd", 50000.0), ("agence_eau", 30000.0)], [])
    assert vocab.parse_funding("AFD\nAgence de l'eau: 1 234,50") == ([("afd", None), ("agence_eau", 1234.5)], [])
    for bad, match in (("AFD: 1.2.3.4", r"AFD: an amount in euros"), ("AFD: 12.500", "unambiguously"),
                       ("AFD: -5", "AFD: an amount"),
                       ("AFD: 10 000; AFD (FICOL): 5 000", "one entry per funder with its amount")):
        with pytest.raises(ValueProblem, match=match):
            vocab.parse_funding(bad)


def test_a_part_naming_two_themes_is_not_half_read() -> None:
    assert vocab.parse_themes("Eau Santé") == ([], ["Eau Santé"])
    assert vocab.parse_themes("Eau\nSanté") == (["eau", "sante"], [])


# ---- whole imports ---------------------------------------------------------------------------------

HEADER = "Collectivité;Département;Pays;Collectivité partenaire;Intitulé du projet;Année de début;Montant (€);ODD"


def _csv(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_observed_coercions_are_refused_row_by_row(db: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path, [
        "Toulouse;31;Sénégal;Dakar;Projet A;2015;1 234,56;6, 11",
        "Toulouse;31;Sénégal;Thiès;Projet B;-2000;;",
        "Toulouse;31;Sénégal;Saint-Louis;Projet C;2015.5;;",
        "Toulouse;31;Sénégal;Kaolack;Projet D;2019;1.2.3.4;",
        "Toulouse;31;Sénégal;Ziguinchor;Projet E;2019;;-1",
        "Toulouse;31;Sénégal;Louga;Projet F;2019;1,2,3;",
        "Toulouse;31;Sénégal;Fatick;Projet G;2019;12.500;",
        "Toulouse;31;Sénégal;Kolda;Projet H;2019;#N/A;",
        "Toulouse;31;Sénégal;Matam;Projet I;2019;n/a;",
        "Toulouse;31;Sénégal;Tambacounda;Projet J;2019;;6.5",
    ])
    report = import_file(path, db)
    errors = {e["row"]: (e["column"], e["value"], e["expected"]) for e in report.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert errors[3][:2] == ("Année de début", "-2000") and errors[3][2].startswith("a year between 1900 and")
    assert errors[4][:2] == ("Année de début", "2015.5")
    assert errors[5][:2] == ("Montant (€)", "1.2.3.4") and errors[5][2].startswith("an amount in euros")
    assert errors[6][:2] == ("ODD", "-1") and errors[6][2].startswith("SDG numbers from 1 to 17")
    assert errors[7][1] == "1,2,3"
    assert "may be 12500 or 12.5" in errors[8][2]
    assert "spreadsheet error" in errors[9][2]
    assert errors[10][1] == "n/a"
    assert errors[11][:2] == ("ODD", "6.5")
    assert report.projects_imported == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT title, year_start, budget_eur FROM projects").fetchall() == [
            ("Projet A", 2015, 1234.56)]
        assert [r[0] for r in con.execute("SELECT sdg FROM project_sdgs ORDER BY sdg").fetchall()] == [6, 11]
        # the stored report says the same
        stored = json.loads(con.execute("SELECT report FROM import_batches").fetchall()[0][0])
        assert sorted({e["row"] for e in stored["errors"]}) == sorted(errors)
    finally:
        con.close()


def test_a_partner_name_is_never_altered(db: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path, ["Rennes;35;Allemagne;-1+1;Projet;2019;;", "Rennes;35;Allemagne;@Home;Projet 2;2019;;",
                           "Rennes;35;Allemagne;+49 Erfurt;Projet 3;2019;;"])
    report = import_file(path, db)
    assert not report.errors
    assert sorted(i.value for i in report.unmatched) == ["+49 Erfurt", "-1+1", "@Home"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        raw = sorted(r[0] for r in con.execute("SELECT raw_value FROM review_queue").fetchall())
        assert raw == ["+49 Erfurt", "-1+1", "@Home"]
        records = [json.loads(r[0]) for r in con.execute("SELECT record::VARCHAR FROM review_queue").fetchall()]
        assert sorted(r["partners"][0]["name"] for r in records) == ["+49 Erfurt", "-1+1", "@Home"]
    finally:
        con.close()


def test_nan_is_a_name_not_an_empty_cell(db: Path, tmp_path: Path) -> None:
    # Nan is a town of Thailand; an empty partner would have made this a country-level project
    path = _csv(tmp_path, ["Rennes;35;Thaïlande;Nan;Projet;2019;;"])
    report = import_file(path, db, dry_run=True)
    assert report.partners_total == 1
    assert "country only" not in report.partner_methods
    assert all(i.value == "Nan" for i in report.unmatched + report.ambiguous)


def test_multi_line_cells_keep_their_values(db: Path, tmp_path: Path) -> None:
    header = HEADER + ";Thématiques;Cofinancements"
    path = tmp_path / "lines.csv"
    path.write_text(header + '\nToulouse;31;Sénégal;Dakar;Projet;2019;100 000;"6\n11";"Eau\nSanté";'
                    '"AFD: 50 000\nAgence de l\'eau: 30 000"\n', encoding="utf-8")
    report = import_file(path, db)
    assert not report.errors and report.projects_imported == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert sorted(r[0] for r in con.execute("SELECT theme_code FROM project_themes").fetchall()) == ["eau", "sante"]
        assert sorted(r[0] for r in con.execute("SELECT sdg FROM project_sdgs").fetchall()) == [6, 11]
        assert sorted(con.execute("SELECT funding_code, amount_eur FROM project_funding").fetchall()) == [
            ("afd", 50000.0), ("agence_eau", 30000.0)]
    finally:
        con.close()


def test_funding_kind_and_period_contradictions_refuse_the_row(db: Path, tmp_path: Path) -> None:
    header = "Collectivité;Département;Pays;Collectivité partenaire;Intitulé du projet;Année de début;Période;" \
             "Type d'action;Cofinancements"
    path = _csv(tmp_path, [
        "Toulouse;31;Sénégal;Dakar;Projet A;2015;2015-2018;Jumelage;AFD: 20 000",
        "Toulouse;31;Sénégal;Thiès;Projet B;2016;2015-2018;;",
        "Toulouse;31;Sénégal;Louga;Projet C;;2015-2018;\"Jumelage; Action humanitaire\";",
        "Toulouse;31;Sénégal;Kaolack;Projet D;;;;AFD: 1.2.3.4",
    ], header=header)
    report = import_file(path, db)
    errors = {e["row"]: (e["column"], e["expected"]) for e in report.errors}
    assert errors[3] == ("Période", "a period that agrees with 'Année de début' (2016)")
    assert errors[4][0] == "Type d'action" and errors[4][1].startswith("one kind of action per row")
    assert errors[5][0] == "Cofinancements" and "AFD: an amount in euros" in errors[5][1]
    assert report.projects_imported == 1


def test_incomplete_coordinates_and_bad_geonames_are_warned(db: Path, tmp_path: Path) -> None:
    header = "Collectivité;Département;Pays;Collectivité partenaire;Latitude;Longitude;GeoNames"
    path = _csv(tmp_path, ["Rennes;35;Japon;Sendai;38.26;;", "Brest;29;États-Unis;Denver;;;abc",
                           "Lille;59;Allemagne;Cologne; Erfurt;50.9;6.9;"], header=header)
    path.write_text(path.read_text(encoding="utf-8").replace("Cologne; Erfurt", '"Cologne; Erfurt"'), encoding="utf-8")
    report = import_file(path, db, dry_run=True)
    warnings = {w["row"]: (w["column"], w["expected"]) for w in report.warnings}
    assert warnings[2] == ("Longitude", "both a latitude and a longitude (only one given: coordinates ignored)")
    assert warnings[3] == ("GeoNames", "a GeoNames id: digits such as 2253354 (ignored)")
    assert warnings[4][1].startswith("coordinates or a GeoNames id for one partner; the row names 2")


# ---- duplicate headers -------------------------------------------------------------------------


@pytest.mark.parametrize("header,match", [
    ("Collectivité;Département;Pays;Collectivité partenaire;Country",
     r"^f.csv \(row 1\): column 3 'Pays' and column 5 'Country' both give the field 'partner_country'; "
     r"expected one column per field"),
    ("Collectivité;Département;Pays;Collectivité partenaire;Obs.;Obs.",
     r"column 5 'Obs.' and column 6 'Obs.' have the same header; expected one column per field"),
    ("Collectivité;Pays;Collectivité partenaire;Pays",
     r"column 2 'Pays' and column 4 'Pays' have the same header"),
    ("Collectivité;Commune;Pays;Collectivité partenaire",
     r"column 1 'Collectivité' and column 2 'Commune' both give the field 'fr_name'"),
])
def test_duplicate_headers_are_refused(db: Path, tmp_path: Path, header: str, match: str) -> None:
    n = header.count(";") + 1
    row = ";".join(["Rennes", "35", "Japon", "Sendai", "x", "y"][:n])
    path = _csv(tmp_path, [row], header=header)
    snapshot = digest(db)
    with pytest.raises(ImportFileError, match=match) as exc:
        import_file(path, db)
    assert "\n" not in str(exc.value)
    assert digest(db) == snapshot


def test_duplicate_headers_can_be_ignored_by_a_mapping(db: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path, ["Rennes;35;Japon;Sendai;a;b"],
                header="Collectivité;Département;Pays;Collectivité partenaire;Obs.;Obs.")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\n"Obs." = "ignore"\n', encoding="utf-8")
    report = import_file(path, db, mapping=mapping, dry_run=True)
    assert report.rows_read == 1 and not report.errors


def test_a_mapped_column_and_a_synonym_for_one_field_are_refused(db: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path, ["Rennes;35;Japon;Sendai;Japan"],
                header="Collectivité;Département;Pays;Collectivité partenaire;Ctry")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\n"Ctry" = "partner_country"\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"column 3 'Pays' and column 5 'Ctry' both give the field "
                                              r"'partner_country'.*map one to \"ignore\""):
        import_file(path, db, mapping=mapping)
    assert counts(db)["import_batches"] == 0


def test_duplicate_pair_list_columns_are_refused(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text("city1,country1,city2,country2,country2\nRennes,France,Sendai,Japan,Japan\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"^pairs.csv: column 4 'country2' and column 5 'country2' both give "
                                              r"the field 'country2'"):
        import_file(path, db)
    assert counts(db)["import_batches"] == 0


# ---- mapping files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("body,match", [
    ('kind = "zzz"', r"^mapping file m.toml: kind = 'zzz': expected a kind of action: Coopération décentralisée"),
    ('kind = 3', r"kind = 3: expected a kind of action"),
    ('kind = "Jumelage; Action humanitaire"', r"expected one kind of action per row, not several"),
    ('format = "excel"', r"format = 'excel': expected one of auto, projects, template, pairs, directory"),
    ('delimiter = ";;"', r"delimiter = ';;': expected one character that is not a letter"),
    ('delimiter = "a"', r"delimiter = 'a': expected one character"),
    ('delimiter = ""', r"delimiter = '': expected one character"),
    ('delimiter = 5', r"delimiter = 5: expected one character"),
    ('encoding = "zzz"', r"encoding = 'zzz': expected a text encoding such as utf-8"),
    ('encoding = "rot13"', r"encoding = 'rot13': expected a text encoding"),
    ('sheet = ""', r"sheet = '': expected the name of a sheet"),
    ('sheet = 2', r"sheet = 2: expected the name of a sheet"),
    ('header_row = 0', r"header_row = 0: expected the number of the row holding the headers, from 1 to 1000"),
    ('header_row = true', r"header_row = True: expected the number of the row"),
    ('header_row = "3"', r"header_row = '3': expected the number of the row"),
    ('header_row = 2.5', r"header_row = 2.5: expected the number of the row"),
    ('[columns]\n"Ctry" = "partner_country"\n"Country" = "partner_country"',
     r"maps both 'Ctry' and 'Country' to 'partner_country'; expected one column per field"),
    ('[columns]\n"Ctry" = "zzz"', r"maps 'Ctry' to unknown field 'zzz'; expected one of: actors"),
    ('[columns]\n"Ctry" = "partner_country"\n"CTRY" = "partner_name"',
     r"maps 'Ctry' to 'partner_country' and 'CTRY' to 'partner_name', but they are the same header"),
    ('[columns]\n"()" = "fr_name"', r"columns = '\(\)': expected header text with letters or digits"),
    ('colums = {}', r"unknown keys \['colums'\]"),
])
def test_every_mapping_field_is_validated(db: Path, tmp_path: Path, body: str, match: str) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(body + "\n", encoding="utf-8")
    snapshot = digest(db)
    with pytest.raises(ImportFileError, match=match) as exc:
        import_file(Path(__file__).parent.parent / "fixtures" / "ingest" / "odd_export.csv", db, mapping=mapping)
    assert "\n" not in str(exc.value)
    assert digest(db) == snapshot


@pytest.mark.parametrize("text,match", [
    ("[1, 2]", r"m.json: expected a table of settings and \[columns\], got a list"),
    ('{"columns": {"Ctry": 3}}', r"\[columns\] must map header text to a field name"),
    ('{"kind": "zzz"}', r"kind = 'zzz': expected a kind of action"),
])
def test_json_mapping_validated(db: Path, tmp_path: Path, text: str, match: str) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFileError, match=match):
        Mapping.load(mapping)


def test_mapping_kind_is_read_as_its_code(db: Path, tmp_path: Path) -> None:
    fixtures = Path(__file__).parent.parent / "fixtures" / "ingest"
    mapping = tmp_path / "m.toml"
    mapping.write_text((fixtures / "odd_export.mapping.toml").read_text(encoding="utf-8")
                       .replace('kind = "jumelage"', 'kind = "Jumelage"'), encoding="utf-8")
    assert Mapping.load(mapping).kind == "jumelage"
    report = import_file(fixtures / "odd_export.csv", db, mapping=mapping)
    assert report.links_imported > 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert {r[0] for r in con.execute("SELECT DISTINCT kind FROM partnerships WHERE batch_id = ?",
                                          [report.batch_id]).fetchall()} == {"jumelage"}
    finally:
        con.close()


def test_api_options_are_validated_like_mapping_files(db: Path, tmp_path: Path) -> None:
    fixtures = Path(__file__).parent.parent / "fixtures" / "ingest"
    snapshot = digest(db)
    with pytest.raises(ImportFileError, match=r"^import options: delimiter = ';;': expected one character"):
        import_file(fixtures / "wikipedia_pairs.csv", db, delimiter=";;")
    with pytest.raises(ImportFileError, match=r"^import options: encoding = 'zzz'"):
        import_file(fixtures / "wikipedia_pairs.csv", db, encoding="zzz")
    with pytest.raises(ImportFileError, match=r"^import options: kind = 'zzz'"):
        import_file(fixtures / "wikipedia_pairs.csv", db, mapping=Mapping(kind="zzz"))
    with pytest.raises(ImportFileError, match=r"^max_bytes = 0: expected a whole number of bytes above 0"):
        import_file(fixtures / "wikipedia_pairs.csv", db, max_bytes=0)
    assert digest(db) == snapshot
