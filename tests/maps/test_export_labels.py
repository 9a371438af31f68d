"""CSV and XLSX exports keep their codes and add readable labels (issue 12): themes, kinds,
funding, status, SDGs, levels and data origin, in the export's language, and headers in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from atlas.maps import columns, export
from atlas.models import FUNDING_BY_CODE, KIND_BY_CODE, SDG_BY_NUMBER, STATUSES, THEME_BY_CODE, Filters

SENEGAL = Filters(countries=["SN"])


def _expected(codes, table, lang: str) -> str | None:
    labels = [table[c][0 if lang == "fr" else 1] for c in codes]
    return "; ".join(labels) if labels else None


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_csv_has_labels_next_to_codes(atlas_handle, tmp_path, lang):
    links = atlas_handle.links(SENEGAL)
    export.write_data(links, tmp_path / "sn.csv", lang=lang)
    df = pd.read_csv(tmp_path / "sn.csv", dtype=str, keep_default_na=False)
    cols = list(df.columns)
    for code, label in [("themes", "themes_labels"), ("kinds", "kinds_labels"), ("funding", "funding_labels"),
                        ("sdgs", "sdgs_labels"), ("fr_level", "fr_level_label"), ("origins", "origins_labels")]:
        assert cols.index(label) == cols.index(code) + 1, (code, cols)
    assert len(df) == len(links)
    themes = {t: (THEME_BY_CODE[t].label_fr, THEME_BY_CODE[t].label_en) for t in THEME_BY_CODE}
    kinds = {k: (KIND_BY_CODE[k].label_fr, KIND_BY_CODE[k].label_en) for k in KIND_BY_CODE}
    funding = {f: (FUNDING_BY_CODE[f].label_fr, FUNDING_BY_CODE[f].label_en) for f in FUNDING_BY_CODE}
    for i, row in enumerate(links.itertuples(index=False)):
        assert df.loc[i, "themes"] == "; ".join(row.themes)  # the codes are kept as they were
        assert (df.loc[i, "themes_labels"] or None) == _expected(row.themes, themes, lang)
        assert (df.loc[i, "kinds_labels"] or None) == _expected(row.kinds, kinds, lang)
        assert (df.loc[i, "funding_labels"] or None) == _expected(row.funding, funding, lang)
    water = df[df["themes"].str.split("; ").map(lambda v: "eau" in v)]
    assert len(water) and water["themes_labels"].str.contains(
        "Eau et assainissement" if lang == "fr" else "Water and sanitation").all()


def test_labels_follow_the_codes_of_each_row():
    df = pd.DataFrame({"themes": [["eau", "sante"], [], None], "status": ["en_cours", None, "termine"],
                       "sdgs": [[6, 3], np.array([16]), []], "partner_level": ["place", "admin1", "inconnu"]})
    fr = columns.with_labels(df, "fr")
    assert fr["themes_labels"].tolist() == ["Eau et assainissement; Santé", None, None]
    assert fr["status_label"].tolist() == [dict((c, f) for c, f, _ in STATUSES)["en_cours"], None, "Terminé"]
    assert fr["sdgs_labels"].tolist() == [f"6 · {SDG_BY_NUMBER[6].name_fr}; 3 · {SDG_BY_NUMBER[3].name_fr}",
                                          f"16 · {SDG_BY_NUMBER[16].name_fr}", None]
    assert fr["partner_level_label"].tolist() == ["Ville ou localité", "Région ou province", "inconnu"]
    en = columns.with_labels(df, "en")
    assert en["themes_labels"][0].startswith("Water and sanitation; ") and en["status_label"][2] == "Completed"
    assert list(en.columns) == ["themes", "themes_labels", "status", "status_label", "sdgs", "sdgs_labels",
                                "partner_level", "partner_level_label"]
    assert columns.with_labels(pd.DataFrame({"themes": ["eau; sante"]}), "fr")["themes_labels"][0] == \
        "Eau et assainissement; Santé"  # text already flattened is read back as codes
    assert columns.with_labels(pd.DataFrame({"x": [1]}), "fr").columns.tolist() == ["x"]


def test_every_labelled_column_and_its_label_have_a_header():
    for column in columns.CODE_LABELS:
        for name in (column, columns.label_column(column)):
            assert columns.header(name, "fr") != name and columns.header(name, "en") != name, name
    assert columns.header("themes_labels", "fr") == "Thèmes" and columns.header("themes_labels", "en") == "Themes"
    assert columns.header("unknown_column", "fr") == "unknown_column"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_xlsx_headers_in_words_and_labels(atlas_handle, tmp_path, lang):
    from openpyxl import load_workbook

    links = atlas_handle.links(SENEGAL)
    export.write_data(links, tmp_path / "sn.xlsx", about={"title": "Sénégal", "source": "Wikidata"}, lang=lang)
    frame = pd.read_excel(tmp_path / "sn.xlsx", sheet_name="links", engine="openpyxl")
    assert frame["fr_id"].tolist() == links["fr_id"].tolist()  # the names scripts read are kept
    assert "themes" in frame and "themes_labels" in frame
    ws = load_workbook(tmp_path / "sn.xlsx")["links"]
    notes = {c.value: c.comment.text for c in ws[1] if c.comment}
    assert notes["themes_labels"] == ("Thèmes" if lang == "fr" else "Themes")
    assert notes["fr_name"] == ("Collectivité française" if lang == "fr" else "French authority")
    assert set(notes) >= set(columns.HEADERS) & set(frame.columns)
    about = pd.read_excel(tmp_path / "sn.xlsx", sheet_name="about", engine="openpyxl")
    rows = list(zip(about["key"], about["value"]))
    assert rows[:3] == [("title", "Sénégal"), ("source", "Wikidata"), ("columns", columns.columns_note(lang))]
    assert rows[3:] == [(c, columns.header(c, lang)) for c in frame.columns]  # "source" again: the column


@pytest.mark.parametrize(("lang", "label"), [("fr", "Coopération décentralisée"), ("en", "Decentralised cooperation")])
def test_export_data_speaks_the_selection_language(atlas_handle, tmp_path, lang, label):
    from atlas.selection import MapOptions, products

    path = products.export_data(atlas_handle.db, SENEGAL, tmp_path / "sn.csv", MapOptions(lang=lang))[0]
    kinds = pd.read_csv(path)["kinds_labels"].dropna()
    assert len(kinds) and kinds.str.contains(label).any()


def test_other_formats_keep_their_columns(atlas_handle, tmp_path):
    import geopandas as gpd

    links = atlas_handle.links(SENEGAL)
    export.write_data(links, tmp_path / "sn.geojson")
    assert "themes_labels" not in gpd.read_file(tmp_path / "sn.geojson").columns
