"""Bad input: every case gets a clear message, and nothing stored is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.errors import DatabaseNotFoundError, ImportFileError
from atlas.ingest.pipeline import import_file

from .conftest import BAD, FIXTURES, counts, digest


@pytest.mark.parametrize("name,match", [
    ("empty.csv", r"empty.csv is empty \(0 bytes\)"),
    ("binary.csv", r"binary.csv is a PNG image, not a table"),
    ("nul_bytes.txt", r"binary file \(it holds NUL bytes\)"),
    ("damaged.xls", r"damaged.xls is an OLE2 compound file but cannot be read as an Excel 97-2003 \(.xls\)"),
    ("damaged.xlsx", r"looks like a ZIP archive \(XLSX/ODS\) but is damaged"),
    ("not_a_workbook.xlsx", r"cannot recognise the format of not_a_workbook.xlsx.*expected a project table"),
    ("wrong_format.csv", r"cannot recognise the format of wrong_format.csv \(first row: 'date', 'temperature'"),
    ("missing_columns.csv", r"missing required columns: the partner authority .*; the partner's country .* "
                            r"Columns found: 'Collectivité', 'Intitulé du projet'"),
    ("header_only.csv", r"has a header but no data row"),
])
def test_unusable_files_change_nothing(db: Path, name: str, match: str) -> None:
    snapshot = digest(db)
    with pytest.raises(ImportFileError, match=match):
        import_file(BAD / name, db)
    assert digest(db) == snapshot


def test_wrong_explicit_format(db: Path) -> None:
    snapshot = digest(db)
    with pytest.raises(ImportFileError, match="not a pair list: expected columns city1,country1"):
        import_file(FIXTURES / "national_export.csv", db, format="pairs")
    with pytest.raises(ImportFileError, match="is a spreadsheet; a twinning directory is a plain-text file"):
        import_file(FIXTURES / "regional_network.xlsx", db, format="directory")
    with pytest.raises(ImportFileError, match="unknown format 'excel'"):
        import_file(FIXTURES / "national_export.csv", db, format="excel")
    assert digest(db) == snapshot


def test_hundred_megabyte_file(db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    line = "Toulouse;31;Sénégal;Dakar;Projet de coopération décentralisée numéro quelconque;2019\n".encode()
    with open(big, "wb") as fh:
        fh.write(b"Collectivit\xc3\xa9;D\xc3\xa9partement;Pays;Collectivit\xc3\xa9 partenaire;Intitul\xc3\xa9;Ann\xc3\xa9e\n")
        block = line * 20000
        while fh.tell() < 100 * 1024 * 1024:
            fh.write(block)
    snapshot = digest(db)
    with pytest.raises(ImportFileError, match=r"big.csv is 10\d.\d MB, above the import limit of 67 MB"):
        import_file(big, db)
    assert digest(db) == snapshot


def test_formulas_are_refused_cell_by_cell(db: Path) -> None:
    report = import_file(BAD / "formulas.csv", db)
    errs = {(e["row"], e["column"]) for e in report.errors}
    assert errs == {(2, "Collectivité"), (3, "Montant (€)")}
    assert all("not a formula" in e["expected"] for e in report.errors)
    assert report.projects_imported == 1  # the clean row


def test_xlsx_formula_without_value(db: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Collectivité", "Département", "Pays", "Collectivité partenaire", "Intitulé du projet", "Montant"])
    ws.append(["Rennes", "35", "Japon", "Sendai", "Projet", "=1000*2"])
    ws.append(["Brest", "29", "États-Unis", "Denver", "Projet", "5000"])
    wb.save(tmp_path / "f.xlsx")
    report = import_file(tmp_path / "f.xlsx", db)
    assert [(e["row"], e["column"], e["value"]) for e in report.errors] == [(2, "Montant", "=1000*2")]
    assert report.projects_imported == 1


def test_html_and_script_in_names(db: Path) -> None:
    report = import_file(BAD / "html_names.csv", db)
    assert {(e["row"], e["column"]) for e in report.errors} == {(2, "Collectivité"), (3, "Collectivité partenaire")}
    assert all("plain text" in e["expected"] for e in report.errors)
    # a title with markup is kept without its tags, with a warning
    assert [(w["row"], w["column"]) for w in report.warnings] == [(4, "Intitulé du projet")]
    assert report.projects_imported == 1
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT title FROM projects").fetchall() == [("Projet culturel",)]
    con.close()


def test_absurd_values(db: Path) -> None:
    report = import_file(BAD / "absurd_values.csv", db)
    errors = {(e["row"], e["column"]): e["expected"] for e in report.errors}
    assert errors[(2, "Année de début")].startswith("a year between 1900 and")
    assert errors[(3, "Année de début")].startswith("a year between 1900 and")
    assert errors[(4, "Montant (€)")].startswith("an amount in euros")
    assert errors[(5, "ODD")].startswith("SDG numbers from 1 to 17")
    assert errors[(7, "Montant (€)")].startswith("an amount")
    # impossible coordinates are a cross-check only: ignored with a warning, the row is imported
    assert [(w["row"], w["column"]) for w in report.warnings] == [(6, "Latitude partenaire")]
    assert report.projects_imported == 1


def test_duplicate_rows(db: Path) -> None:
    report = import_file(BAD / "duplicates.csv", db)
    assert report.projects_imported == 1
    assert [s["reason"] for s in report.skipped] == ["duplicate of row 2"] * 3


def test_directory_partner_before_commune(db: Path) -> None:
    report = import_file(BAD / "orphan_partner.txt", db)
    assert report.errors[0]["row"] == 1 and "before its partners" in report.errors[0]["expected"]
    assert report.links_imported == 1


def test_strict_mode_refuses_the_whole_file(db: Path) -> None:
    snapshot = digest(db)
    with pytest.raises(ImportFileError, match=r"2 row\(s\) refused \(strict mode\), first at row 2, column "
                                              r"'Collectivité'"):
        import_file(BAD / "formulas.csv", db, strict=True)
    with pytest.raises(ImportFileError, match="ambiguous and 0 unmatched value"):
        import_file(FIXTURES / "wikipedia_pairs.csv", db, strict=True)
    assert digest(db) == snapshot


def test_missing_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseNotFoundError, match="atlas init"):
        import_file(FIXTURES / "wikipedia_pairs.csv", tmp_path / "none.duckdb")


def test_not_an_atlas_database(tmp_path: Path) -> None:
    import duckdb

    from atlas.errors import DatabaseError

    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(DatabaseError, match="not an atlas database"):
        import_file(FIXTURES / "wikipedia_pairs.csv", path)


def test_bad_mapping_file(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "m.toml"
    bad.write_text('[columns]\n"Coll. FR" = "french_name"\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match="unknown field 'french_name'; expected one of: actors"):
        import_file(FIXTURES / "odd_export.csv", db, mapping=bad)
    bad.write_text("columns = [", encoding="utf-8")
    with pytest.raises(ImportFileError, match="not valid TOML"):
        import_file(FIXTURES / "odd_export.csv", db, mapping=bad)
    assert counts(db)["import_batches"] == 0
