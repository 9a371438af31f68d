"""Readers: encodings, delimiters, spreadsheets, formulas, and files that are not tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.errors import ImportFileError
from atlas.ingest.readers import decode_text, detect_delimiter, load_file, read_sheets

from .conftest import BAD, FIXTURES


@pytest.mark.parametrize("data,encoding", [
    ("Collectivité;Pays\nSaint-Étienne;Royaume-Uni\n".encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + "Collectivité;Pays\n".encode("utf-8"), "utf-8-sig"),
    ("Collectivité;Pays\nSaint-Étienne;Royaume-Uni\n".encode("cp1252"), "cp1252"),
    ("Collectivité\tPays\n".encode("utf-16"), "utf-16"),
    ("Côte d'Ivoire \x81".encode("latin-1"), "latin-1"),
])
def test_encodings(data: bytes, encoding: str) -> None:
    text, used = decode_text(data)
    assert used == encoding
    assert "Collectivit" in text or "Côte" in text


def test_cp1252_file_decodes_accents() -> None:
    raw = load_file(FIXTURES / "national_export.csv")
    assert raw.encoding == "cp1252" and "Collectivité" in (raw.text or "")


@pytest.mark.parametrize("text,delim", [
    ("a;b;c\n1;2,5;3\n4;5;6\n", ";"), ("a,b,c\n1,2,3\n", ","), ("a\tb\n1\t2\n", "\t"), ("a|b\n1|2\n", "|"),
    ("ABBEVILLE (HAUTS DE FRANCE - SOMME)\nARGOS (GRECE) - 1991\n", None),
])
def test_delimiters(text: str, delim: str | None) -> None:
    assert detect_delimiter(text) == delim


def test_xlsx_types_become_text() -> None:
    sheets = read_sheets(load_file(FIXTURES / "regional_network.xlsx"))
    assert [s.name for s in sheets] == ["Projets", "Notes"]
    row = sheets[0].rows[3]
    assert row[1] == "1004"  # an INSEE code stored as a number: leading zero lost, restored by the parser
    assert row[10] == "2018-05-01"  # a date cell
    assert row[12] == "8000"


def test_ods_reads_like_xlsx() -> None:
    xlsx = read_sheets(load_file(FIXTURES / "regional_network.xlsx"))[0].rows
    ods = read_sheets(load_file(FIXTURES / "regional_network.ods"))[0].rows
    assert [r[:4] for r in ods[2:]] == [r[:4] for r in xlsx[2:]]


def test_xls_reads_like_xlsx() -> None:
    xls_sheets = read_sheets(load_file(FIXTURES / "regional_network.xls"))
    assert [s.name for s in xls_sheets] == ["Projets", "Notes"]
    xls = xls_sheets[0].rows
    xlsx = read_sheets(load_file(FIXTURES / "regional_network.xlsx"))[0].rows
    assert xls[0][0] == "Réseau régional multi-acteurs — projets 2016-2023"
    assert xls[2:] == xlsx[2:]  # same cells, numbers and dates as text alike


def test_damaged_xls_is_refused_when_read() -> None:
    raw = load_file(BAD / "damaged.xls")
    with pytest.raises(ImportFileError, match=r"damaged.xls is an OLE2 compound file but cannot be read as an "
                                              r"Excel 97-2003 \(.xls\) workbook .*expected a CSV, XLSX, XLS"):
        read_sheets(raw)


def test_xlsx_formulas_without_cached_values_stay_formulas(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Collectivité", "Pays", "Collectivité partenaire", "Montant"])
    ws.append(["Toulouse", "Sénégal", "Dakar", "=1000*2"])
    wb.save(tmp_path / "f.xlsx")
    rows = read_sheets(load_file(tmp_path / "f.xlsx"))[0].rows
    assert rows[1][3] == "=1000*2"


@pytest.mark.parametrize("name,match", [
    ("empty.csv", "is empty"), ("binary.csv", "PNG image"), ("nul_bytes.txt", "binary file"),
    ("damaged.xlsx", "damaged"),
])
def test_files_that_are_not_tables(name: str, match: str) -> None:
    with pytest.raises(ImportFileError, match=match):
        load_file(BAD / name)


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"a;b\n" * 1000)
    with pytest.raises(ImportFileError, match=r"above the import limit of 0 MB.*--max-mb"):
        load_file(big, max_bytes=100)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no such file"):
        load_file(tmp_path / "nope.csv")
