"""The `atlas` subcommands of the import side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from atlas.cli import main

from .conftest import BAD, FIXTURES, counts


def test_import_batches_undo(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = counts(db)
    report = tmp_path / "r.json"
    assert main(["import", str(FIXTURES / "wikipedia_pairs.csv"), "--db", str(db), "--report", str(report)]) == 0
    err = capsys.readouterr().err
    assert "format pairs" in err and "links imported 15" in err and "ambiguous 1" in err
    batch = json.loads(report.read_text(encoding="utf-8"))["batch_id"]
    assert main(["batches", "--db", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [b["id"] for b in listed] == [batch]
    assert main(["undo", batch, "--db", str(db)]) == 0
    assert "removed" in capsys.readouterr().err
    assert counts(db) == before


def test_import_error_exit_code(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(BAD / "empty.csv"), "--db", str(db)]) == 1
    assert "atlas: error: empty.csv is empty" in capsys.readouterr().err


def test_dry_run_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(FIXTURES / "annuaire_jumelages.txt"), "--db", str(db), "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] and out["format"] == "directory" and out["links_imported"] == 11
    assert counts(db)["import_batches"] == 0


def test_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "-o", str(tmp_path / "modele.xlsx")]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "modele.xlsx")
    assert wb.sheetnames == ["Données", "Lisez-moi"]
    assert wb["Données"]["A1"].value == "Collectivité française"
    assert main(["template", "-o", "-", "--empty"]) == 0
    assert capsys.readouterr().out.startswith("Collectivité française;Code INSEE;SIREN")
    assert main(["template", "-o", str(tmp_path / "x.pdf")]) == 1


def test_review_list_and_pick(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["import", str(FIXTURES / "national_export.csv"), "--db", str(db)])
    capsys.readouterr()
    assert main(["review", "--db", str(db), "--list"]) == 0
    out = capsys.readouterr().out
    assert "'Saint-Denis'" in out and "[commune:93066]" in out
    item = out.split()[0]
    number = next(line.split(".")[0].strip() for line in out.splitlines() if "[commune:93066]" in line)
    assert main(["review", "--db", str(db), "pick", item, number]) == 0
    assert "1 row(s) imported" in capsys.readouterr().err
    assert main(["review", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_review_interactive(db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from atlas.cli import ingest as commands
    from atlas.ingest.review import list_queue

    main(["import", str(FIXTURES / "national_export.csv"), "--db", str(db)])
    items = list_queue(db)
    n = next(k for k, c in enumerate(items[0]["candidates"], 1) if c["id"] == "commune:97411")
    answers = iter(["what", str(n)])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    decisions = commands._interactive(str(db), items)
    assert len(decisions) == 1 and decisions[0].pick == n
    assert "not understood" in capsys.readouterr().err
