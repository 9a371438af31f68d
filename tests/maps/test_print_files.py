"""Files named after the selection ("montelimar-liens.pdf", never "atlas-carte.pdf"), safe names
whatever the data holds, and `atlas map --projection` as the README promises."""

from __future__ import annotations

import re

import pytest

from atlas import cli
from atlas.maps.export import STEM_MAX, selection_file_name, slug
from atlas.models import Filters
from atlas.selection import MapOptions, products

SAFE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]{1,8}")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("filters", "lang", "expected"), [
    (Filters(authorities=["commune:26198"]), "fr", "montelimar-liens.pdf"),
    (Filters(countries=["SN"]), "fr", "senegal-liens.pdf"),
    (Filters(countries=["SN"]), "en", "senegal-links.pdf"),
    (Filters(), "fr", "france-liens.pdf"),
    (Filters(themes=["eau"], countries=["SN", "ML"], years=(2010, 2020)), "fr",
     "eau-et-assainissement-mali-senegal-2010-2020-liens.pdf"),
])
def test_a_selection_names_its_file(atlas_handle, filters, lang, expected):
    sel = products.select_view(atlas_handle.db, filters, MapOptions(lang=lang))
    assert selection_file_name(sel.title, sel.description, "pdf", lang) == expected


@pytest.mark.parametrize("text", [
    "../../etc/passwd", "C:\\Windows\\system32", "a/b\\c:d*e?f\"g<h>i|j", "nul\x00byte\x1b[31mred\r\n",
    "دكار", "東京 Tōkyō", "🙂" * 50, "x" * 10_000, "Saint-Étienne-du-Rouvray — Œuvre", "   ", ".", "-",
])
def test_file_names_are_safe_whatever_the_data(text):
    name = selection_file_name(f"Titre — {text}", f"Collectivités : {text}", "pdf")
    assert SAFE.fullmatch(name), name
    assert len(name) <= STEM_MAX + len(".pdf")
    assert "/" not in name and "\\" not in name and ".." not in name
    assert slug("Saint-Étienne-du-Rouvray — Œuvre") == "saint-etienne-du-rouvray-oeuvre"
    with pytest.raises(ValueError, match="extension"):
        selection_file_name("t", "d", "../pdf")


def test_map_named_after_the_selection_in_a_folder_or_here(demo_db, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "cartes"
    code, out, err = run(capsys, "map", "--db", str(demo_db), "--authority", "commune:26198", "-o", f"{folder}/")
    assert code == 0, err
    assert out.split() == [str(folder / "montelimar-liens.pdf")]
    assert (folder / "montelimar-liens.pdf").read_bytes().startswith(b"%PDF")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "map", "--db", str(demo_db), "--country", "SN", "--format", "png")
    assert code == 0, err
    assert (tmp_path / "senegal-liens.png").read_bytes().startswith(b"\x89PNG")
    # A file name is still a file name.
    code, out, err = run(capsys, "map", "--db", str(demo_db), "--country", "SN", "-o", str(tmp_path / "x.svg"))
    assert code == 0 and (tmp_path / "x.svg").exists()


@pytest.mark.parametrize(("option", "note"), [("equal-earth", "Equal Earth (EPSG:8857)"),
                                               ("lambert-93", "Lambert-93 (EPSG:2154)"),
                                               ("world", "Equal Earth (EPSG:8857)"),
                                               ("france", "Lambert-93 (EPSG:2154)")])
def test_map_projection_option(demo_db, tmp_path, capsys, option, note):
    path = tmp_path / f"{option}.svg"
    code, _out, err = run(capsys, "map", "--db", str(demo_db), "--region", "76", "--projection", option,
                          "-o", str(path))
    assert code == 0, err
    assert f"Projection : {note}" in path.read_text(encoding="utf-8")


def test_map_projection_option_refuses_others(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["map", "--projection", "mercator", "-o", "x.pdf"])
    assert exc.value.code == 2
    assert "equal-earth" in capsys.readouterr().err


EXPORT_PANEL = """
import streamlit as st
from atlas.models import Filters
from atlas.ui import data, exports
exports.export_panel(data.handle(data.db_path()).select(Filters(authorities=["commune:26198"])), "fr", key="t")
"""


def test_the_app_downloads_are_named_after_the_selection(db_env, monkeypatch):
    """The app's download buttons offer montelimar-liens.pdf / .csv, not atlas-carte.pdf."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import AppTest

    offered: list[str | None] = []
    keep = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):  # a spy: the file is still stored
        offered.append(filename)
        return keep(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    at = AppTest.from_string(EXPORT_PANEL, default_timeout=180)
    at.run()
    at.button(key="t_map_go").click().run()
    at.selectbox(key="t_data_fmt").set_value("csv")
    at.button(key="t_data_go").click().run()
    assert not at.exception, at.exception
    assert "montelimar-liens.pdf" in offered and "montelimar-liens.csv" in offered, offered
    assert not any(name and name.startswith("atlas-") for name in offered), offered
