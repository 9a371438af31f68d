"""`atlas map` and `atlas export`: filters, formats from the extension, batch mode, exit codes."""

from __future__ import annotations

import pandas as pd
import pytest

from atlas import cli
from atlas.cli.maps import filters_from_args


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_filters_are_repeatable_or_comma_separated():
    parser = cli.build_parser()
    args = parser.parse_args(["map", "--theme", "eau,sante", "--theme", "energie", "--sdg", "6,13",
                              "--years", "2010-2020", "--country", "sn", "-o", "x.pdf"])
    f = filters_from_args(args)
    assert f.themes == ("eau", "energie", "sante") and f.sdgs == (6, 13)
    assert f.years == (2010, 2020) and f.countries == ("SN",)


def test_map_writes_the_format_of_the_extension(demo_db, tmp_path, capsys):
    out = tmp_path / "eau.svg"
    code, stdout, stderr = run(capsys, "map", "--db", str(demo_db), "--theme", "eau", "--years", "2010-2020",
                               "--origin-level", "region", "--dest-level", "country", "--colour-by", "sdg",
                               "-o", str(out))
    assert code == 0, stderr
    assert stdout.strip() == str(out) and "wrote" in stderr
    text = out.read_text(encoding="utf-8")
    assert "Thèmes : Eau et assainissement" in text and "Années : 2010–2020" in text and "ODD principal" in text


def test_map_html_and_choropleth_view(demo_db, tmp_path, capsys):
    code, _out, err = run(capsys, "map", "--db", str(demo_db), "--view", "departements", "-o",
                          str(tmp_path / "deps.html"))
    assert code == 0, err
    html = (tmp_path / "deps.html").read_text(encoding="utf-8")
    assert "<title>Liens de coopération" in html and "L.geoJSON" in html and "unpkg" not in html


def test_batch_mode_writes_one_map_per_departement(demo_db, tmp_path, capsys):
    code, stdout, err = run(capsys, "map", "--db", str(demo_db), "--region", "94", "--each", "departement",
                            "--format", "svg", "-o", str(tmp_path / "corse"))
    assert code == 0, err
    files = sorted(p.name for p in (tmp_path / "corse").iterdir())
    assert files == ["departement-2A-corse-du-sud.svg", "departement-2B-haute-corse.svg"]
    assert len(stdout.split()) == 2


def test_export_data_and_flowmap_folder(demo_db, tmp_path, capsys):
    code, stdout, err = run(capsys, "export", "--db", str(demo_db), "--country", "SN,ML", "-o",
                            str(tmp_path / "sahel.csv"))
    assert code == 0, err
    df = pd.read_csv(tmp_path / "sahel.csv")
    assert set(df["country_iso2"]) == {"SN", "ML"}
    code, stdout, err = run(capsys, "export", "--db", str(demo_db), "--country", "SN", "--origin-level", "region",
                            "--dest-level", "country", "-o", str(tmp_path / "sn"))
    assert code == 0, err
    assert stdout.split() == [str(tmp_path / "sn" / "locations.csv"), str(tmp_path / "sn" / "flows.csv")]


@pytest.mark.parametrize("argv, message", [
    (["map", "--theme", "nope", "-o", "x.pdf"], "unknown themes: ['nope']"),
    (["map", "--years", "20-30", "-o", "x.pdf"], "--years: expected FIRST-LAST"),
    (["map", "--sdg", "six", "-o", "x.pdf"], "--sdg: expected SDG numbers"),
    (["map", "-o", "x.jpg"], "map files are .html, .png, .svg, .pdf"),
    (["export", "-o", "x.docx"], "cannot tell the export format"),
])
def test_errors_exit_1_with_a_message(demo_db, tmp_path, capsys, argv, message):
    argv = [a if a not in ("x.pdf", "x.jpg", "x.docx") else str(tmp_path / a) for a in argv]
    code, stdout, err = run(capsys, argv[0], "--db", str(demo_db), *argv[1:])
    assert code == 1 and stdout == ""
    assert message in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["map", "--origin-level", "canton", "-o", "x.pdf"])
    assert exc.value.code == 2
