"""The import commands under misuse: one line, the right exit code, and the database unchanged.

Exit codes (docs/import.md): 0 imported (or checked, with --dry-run), 1 an atlas error and nothing
written, 2 a usage error, 3 the import was committed but its --report file could not be written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.cli import main
from atlas.cli.ingest import EXIT_REPORT_NOT_WRITTEN

from .conftest import BAD, FIXTURES, counts, digest

PAIRS = FIXTURES / "wikipedia_pairs.csv"
LONG = "x" * 5000


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in err and 'File "' not in err and "internal error" not in err, err
    return lines[0]


def unwritable_file(tmp_path: Path) -> Path:
    """A file that exists and cannot be opened for writing, even by root if possible."""
    path = tmp_path / "read_only.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o444)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
    except PermissionError:
        return path
    for candidate in (Path("/sys/kernel/notes"), Path("/proc/self/cmdline")):  # root ignores file modes
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_APPEND))
        except PermissionError:
            return candidate
        except OSError:
            continue
    pytest.skip("no unwritable file on this machine (running as root without /sys)")


# ---- --report --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("where,match", [
    ("missing/r.json", r"cannot write the report to .*missing/r\.json: the folder .*missing does not exist"),
    ("a_folder", r"cannot write the report to .*a_folder: it is a folder; expected a file name such as"),
    ("a_file.txt/r.json", r"cannot write the report to .*: a part of the path is a file, not a folder"),
    (LONG + ".json", r"cannot write the report to x+…x+\.json \(5005 characters\): File name too long"),
])
def test_report_path_is_checked_before_anything_is_written(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           where: str, match: str, dry_run: bool) -> None:
    (tmp_path / "a_folder").mkdir()
    (tmp_path / "a_file.txt").write_text("x", encoding="utf-8")
    snapshot, before = digest(db), counts(db)
    report = where if where.startswith("x") else str(tmp_path / where)
    code, out, err = run(["import", str(PAIRS), "--db", str(db), "--report", report, "--quiet"]
                         + (["--dry-run"] if dry_run else []), capsys)
    assert code == 1
    assert re.search("^atlas: error: " + match, one_line(err)), err
    assert out == ""
    assert digest(db) == snapshot and counts(db) == before


def test_report_onto_an_unwritable_file(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = unwritable_file(tmp_path)
    content = target.read_bytes() if target.stat().st_size < 1_000_000 else None
    snapshot = digest(db)
    code, _out, err = run(["import", str(PAIRS), "--db", str(db), "--report", str(target)], capsys)
    assert code == 1
    assert re.search(r"^atlas: error: cannot write the report to .*: (Permission denied|it is a system file; .*)$",
                     one_line(err))
    assert digest(db) == snapshot
    if content is not None and target.parent == tmp_path:
        assert target.read_bytes() == content


@pytest.mark.parametrize("which", ["database", "file to import"])
def test_report_never_overwrites_the_database_or_the_input(db: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str], which: str) -> None:
    source = tmp_path / "pairs.csv"
    shutil.copy(PAIRS, source)
    target = db if which == "database" else source
    snapshot, source_bytes = digest(db), source.read_bytes()
    code, _out, err = run(["import", str(source), "--db", str(db), "--report", str(target)], capsys)
    assert code == 1
    assert f"it is the {which}, which would be overwritten" in one_line(err)
    assert digest(db) == snapshot and source.read_bytes() == source_bytes


def test_report_written_exit_0(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "r.json"
    code, _out, err = run(["import", str(PAIRS), "--db", str(db), "--report", str(target), "--quiet"], capsys)
    assert code == 0 and f"report written to {target}" in err
    assert json.loads(target.read_text(encoding="utf-8"))["batch_id"] in err


def test_report_lost_after_commit_exits_3_with_the_batch(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder of the report disappears while the file is imported: the import is committed,
    the report cannot be written — a warning says so with the batch id, and the exit code is 3."""
    import atlas.ingest.pipeline as pipeline

    folder = tmp_path / "reports"
    folder.mkdir()
    real = pipeline.import_file

    def import_then_lose_the_folder(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        report = real(*args, **kwargs)
        shutil.rmtree(folder)
        return report

    monkeypatch.setattr(pipeline, "import_file", import_then_lose_the_folder)
    before = counts(db)
    code, _out, err = run(["import", str(PAIRS), "--db", str(db), "--report", str(folder / "r.json"), "--quiet"],
                          capsys)
    assert code == EXIT_REPORT_NOT_WRITTEN == 3
    last = err.strip().splitlines()[-1]
    m = re.fullmatch(r"atlas: warning: the import WAS committed \(batch (imp-[0-9T]+-[0-9a-f]+)\) but the report "
                     r"could not be written to .*r\.json: No such file or directory; .*`atlas undo \1` removes it", last)
    assert m, last
    assert "Traceback" not in err and "report written" not in err
    after = counts(db)
    assert after["import_batches"] == before["import_batches"] + 1 and after["partnerships"] > before["partnerships"]
    code, out, _err = run(["batches", "--db", str(db), "--json"], capsys)
    assert m.group(1) in [b["id"] for b in json.loads(out)]


def test_report_lost_on_a_dry_run_is_an_error(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from atlas.ingest.report import ImportReport

    def full_disk(self, path):  # noqa: ANN001, ANN202
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ImportReport, "write", full_disk)
    snapshot = digest(db)
    code, _out, err = run(["import", str(PAIRS), "--db", str(db), "--report", str(tmp_path / "r.json"), "--dry-run",
                           "--quiet"], capsys)
    assert code == 1
    assert err.strip().splitlines()[-1] == (f"atlas: error: cannot write the report to {tmp_path / 'r.json'}: No space "
                                            "left on device; nothing was written to the database")
    assert digest(db) == snapshot


def test_exit_codes_are_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["import", "--help"], capsys)
    assert code == 0
    assert "exit codes:" in out and "3  the import WAS committed" in out and "2  usage error" in out


# ---- option values: usage errors ---------------------------------------------------------------


@pytest.mark.parametrize("option,value,match", [
    ("--max-mb", "nan", r"argument --max-mb: expected a size in MB above 0 and at most 4096, such as 64 or 0\.5; "
                        r"got 'nan'"),
    ("--max-mb", "inf", r"argument --max-mb: expected a size in MB above 0"),
    ("--max-mb", "-5", r"argument --max-mb: expected a size in MB above 0"),
    ("--max-mb", "0", r"argument --max-mb: expected a size in MB above 0"),
    ("--max-mb", "abc", r"argument --max-mb: expected a size in MB above 0.*got 'abc'"),
    ("--max-mb", "1e309", r"argument --max-mb: expected a size in MB"),
    ("--max-mb", "5000", r"argument --max-mb: expected a size in MB above 0 and at most 4096"),
    ("--delimiter", ";;", r"argument --delimiter: expected one character that is not a letter, a digit, a quote or "
                          r"a line break, such as ; , \| or tab \(written tab or \\t\); got ';;'"),
    ("--delimiter", "", r"argument --delimiter: expected one character.*got ''"),
    ("--delimiter", "a", r"argument --delimiter: expected one character.*got 'a'"),
    ("--delimiter", "7", r"argument --delimiter: expected one character"),
    ("--delimiter", '"', r"argument --delimiter: expected one character"),
    ("--delimiter", "\n", r"argument --delimiter: expected one character"),
    ("--encoding", "zzz", r"argument --encoding: expected a text encoding such as utf-8, cp1252 \(Windows\) or "
                          r"latin-1; got 'zzz'"),
    ("--encoding", "rot13", r"argument --encoding: expected a text encoding"),
    ("--kind", "zzz", r"argument --kind: expected a kind of action: Coopération décentralisée, Jumelage"),
    ("--kind", "Jumelage; Action humanitaire", r"argument --kind: expected one kind of action per row"),
    ("--sheet", " ", r"argument --sheet: expected a name; got an empty value"),
    ("--format", "excel", r"argument --format: invalid choice: 'excel'"),
])
def test_bad_option_values_are_usage_errors(db: Path, capsys: pytest.CaptureFixture[str], option: str, value: str,
                                            match: str) -> None:
    snapshot = digest(db)
    code, out, err = run(["import", str(PAIRS), "--db", str(db), option, value], capsys)
    assert code == 2
    assert re.search(match, err), err
    assert "Traceback" not in err and out == ""
    assert digest(db) == snapshot


@pytest.mark.parametrize("value", ["tab", "\\t", "\t"])
def test_tab_delimiter_spellings(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(PAIRS.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")
    code, out, _err = run(["import", str(tsv), "--db", str(db), "--delimiter", value, "--dry-run", "--json"], capsys)
    assert code == 0 and json.loads(out)["format"] == "pairs"


def test_usage_errors_from_the_installed_command(db: Path, tmp_path: Path) -> None:
    """The real command, in a process of its own: no traceback reaches the terminal."""
    atlas_bin = Path(sys.executable).with_name("atlas")
    if not atlas_bin.exists():
        pytest.skip("the atlas command is not installed next to this interpreter")
    snapshot = digest(db)
    for args, code, match in (
        (["--max-mb", "nan"], 2, r"atlas import: error: argument --max-mb: expected a size in MB"),
        (["--delimiter", ";;"], 2, r"atlas import: error: argument --delimiter: expected one character"),
        (["--report", str(tmp_path / "missing" / "r.json")], 1, r"atlas: error: cannot write the report to"),
    ):
        proc = subprocess.run([str(atlas_bin), "import", str(PAIRS), "--db", str(db), *args], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == code, proc.stderr
        assert re.search(match, proc.stderr.strip().splitlines()[-1]), proc.stderr
        assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert digest(db) == snapshot


# ---- paths and ids: one line, exit 1, nothing changed -----------------------------------------------


@pytest.mark.parametrize("argv,match", [
    (["import", "{tmp}/nofile.csv"], r"nofile\.csv: no such file \(expected a CSV, XLSX, XLS, ODS or text file\)"),
    (["import", "{tmp}"], r"is a folder, expected a CSV, XLSX, XLS, ODS or text file"),
    (["import", LONG + ".csv"], r"x+…x+\.csv \(5004 characters\): cannot be read \(File name too long"),
    (["import", str(BAD / "empty.csv")], r"empty\.csv is empty \(0 bytes\)"),
    (["import", str(PAIRS), "--mapping", "{tmp}/none.toml"], r"mapping file .*none\.toml does not exist"),
    (["import", str(PAIRS), "--mapping", "{tmp}"], r"mapping file .* is a folder; expected a TOML or JSON file"),
    (["import", str(PAIRS), "--mapping", LONG + ".toml"], r"cannot read mapping file x+…x+\.toml \(5005 characters\): "
                                                          r"File name too long"),
    (["import", str(PAIRS), "--sheet", "Projets"], r"wikipedia_pairs\.csv has no sheet 'Projets'"),
    (["undo", "imp-nope"], r"no import batch 'imp-nope'; recent batches: none \(list them with `atlas batches`\)"),
    (["undo", LONG], r"no import batch 'x+…' \(5000 characters\); recent batches"),
    (["review", "pick", "nope", "1"], r"no review item 'nope'; list them with `atlas review --list`"),
    (["review", "pick", "nope", "²"], r"no review item 'nope'"),
    (["review", "ignore", "nope"], r"no review item 'nope'"),
])
def test_bad_paths_and_ids(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                           match: str) -> None:
    snapshot = digest(db)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    argv = argv[:1] + ["--db", str(db)] + argv[1:] if argv[0] == "review" else argv + ["--db", str(db)]
    code, out, err = run(argv, capsys)
    assert code == 1, err
    assert re.search("^atlas: error: .*" + match, one_line(err)), err
    assert out == ""
    assert digest(db) == snapshot


@pytest.mark.parametrize("command", [["import", str(PAIRS)], ["undo", "imp-x"], ["batches"], ["review", "--list"]])
@pytest.mark.parametrize("db_arg,match", [
    ("{tmp}/none.duckdb", r"database file not found: .*none\.duckdb \(build it first with `atlas init`\)"),
    ("{tmp}", r".*test_bad_database_paths.* is a folder; expected the database file"),
    (LONG + ".duckdb", r"cannot use x+…x+\.duckdb \(5007 characters\) as the database: File name too long"),
])
def test_bad_database_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], db_arg: str,
                            match: str) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run([*command, "--db", db_arg.replace("{tmp}", str(tmp_path))], capsys)
    assert code == 1, err
    assert re.search("^atlas: error: " + match, one_line(err)), err
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no lock file or copy left beside


@pytest.mark.parametrize("argv,code,match", [
    (["review", "place", "abc", "100", "0"], 2, r"argument lat: expected a latitude in decimal degrees from -90 to 90"),
    (["review", "place", "abc", "nan", "0"], 2, r"argument lat: expected a latitude"),
    (["review", "place", "abc", "10", "inf"], 2, r"argument lon: expected a longitude in decimal degrees from -180 "
                                                 r"to 180"),
    (["review", "place", "abc", "10", "x"], 2, r"argument lon: expected a longitude"),
])
def test_review_coordinates_are_usage_errors(db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int,
                                             match: str) -> None:
    snapshot = digest(db)
    got, _out, err = run(argv[:1] + ["--db", str(db)] + argv[1:], capsys)
    assert got == code
    assert re.search(match, err), err
    assert digest(db) == snapshot


@pytest.mark.parametrize("output,match", [
    ("missing/modele.xlsx", r"cannot write the template to .*missing/modele\.xlsx: the folder .*missing does not exist"),
    ("folder.csv", r"cannot write the template to .*folder\.csv: it is a folder"),
    (LONG + ".csv", r"cannot write the template to x+…x+\.csv \(5004 characters\): File name too long"),
    ("modele.pdf", r"template file must end in \.csv or \.xlsx, got 'modele\.pdf'"),
])
def test_template_output_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                output: str, match: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.csv").mkdir()
    code, out, err = run(["template", "-o", output], capsys)
    assert code == 1
    assert re.search("^atlas: error: " + match, one_line(err)), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.csv"]


def test_import_refusals_leave_the_database_unchanged(db: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """File-level refusals after the database is opened: duplicate headers, a bad mapping, strict mode."""
    dup = tmp_path / "dup.csv"
    dup.write_text("Collectivité;Pays;Collectivité partenaire;Country\nRennes;Japon;Sendai;Japan\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('kind = "zzz"\n', encoding="utf-8")
    snapshot = digest(db)
    for argv, match in (
        (["import", str(dup)], r"dup\.csv \(row 1\): column 2 'Pays' and column 4 'Country' both give the field "
                               r"'partner_country'"),
        (["import", str(PAIRS), "--mapping", str(mapping)], r"mapping file m\.toml: kind = 'zzz': expected a kind"),
        (["import", str(BAD / "formulas.csv"), "--strict"], r"formulas\.csv: 2 row\(s\) refused \(strict mode\)"),
    ):
        code, _out, err = run([*argv, "--db", str(db)], capsys)
        assert code == 1
        assert re.search("^atlas: error: " + match, one_line(err)), err
    assert digest(db) == snapshot
