"""The Bourse partenariat's map (atlas.maps.exchange_map): one marker per post, escaped text, offline;
and the page's reading of a marker click (atlas.ui.pages.exchange._clicked_post)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from atlas.maps.exchange_map import CLOSED_COLOUR, KIND_COLOURS, exchange_map, post_features

HOSTILE = "<img src=x onerror=alert(1)>{{7*7}}</script>"


def _posts() -> pd.DataFrame:
    return pd.DataFrame([
        dict(id="p1", kind="offre", status="ouverte", title=HOSTILE, author_name="Montélimar & <b>co</b>",
             lon=4.75, lat=44.56, country_iso2="SN", zone="Afrique subsaharienne", themes=np.array(["eau"])),
        dict(id="p2", kind="demande", status="ouverte", title="Demande", author_name="Montélimar & <b>co</b>",
             lon=4.75, lat=44.56, country_iso2=None, zone="Asie", themes=np.array(["sante", "eau"])),
        dict(id="p3", kind="offre", status="close", title="Close", author_name="Kaolack", lon=-16.07, lat=14.15,
             country_iso2="SN", zone="Afrique subsaharienne", themes=np.array(["education"])),
        dict(id="p4", kind="demande", status="ouverte", title="Sans point", author_name="?", lon=None, lat=None,
             country_iso2="ML", zone="Afrique subsaharienne", themes=np.array(["eau"])),
    ])


def test_one_marker_per_located_post_coloured_by_kind_and_status():
    feats = post_features(_posts(), "fr", country_label={"SN": "Sénégal"}.get, selected="p3")
    assert [f["properties"]["post"] for f in feats] == ["p1", "p2", "p3"]
    colours = [f["properties"]["style"]["fillColor"] for f in feats]
    assert colours == [KIND_COLOURS["offre"], KIND_COLOURS["demande"], CLOSED_COLOUR]
    # two posts of one author are set apart, the selected one is drawn larger
    assert feats[0]["geometry"]["coordinates"] != feats[1]["geometry"]["coordinates"]
    assert feats[2]["properties"]["style"]["radius"] > feats[0]["properties"]["style"]["radius"]
    assert "Sénégal" in feats[0]["properties"]["tip"] and "Asie" in feats[1]["properties"]["tip"]


def test_text_is_escaped_and_the_map_is_offline():
    feats = post_features(_posts(), "en")
    tip, pop = feats[0]["properties"]["tip"], feats[0]["properties"]["pop"]
    for html in (tip, pop):
        assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "{{" not in html and "&lt;b&gt;co&lt;/b&gt;" in html
    assert "Offer" in tip and "by Montélimar" in tip
    page = exchange_map(_posts(), "fr").get_root().render()
    assert "<img src=x" not in page and "{{7*7}}" not in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assert "Bourse partenariat" in page  # the legend


def test_an_empty_selection_draws_the_base_map():
    page = exchange_map(_posts().iloc[0:0], "fr").get_root().render()
    assert "Bourse partenariat" in page


def test_a_click_opens_the_marker_whose_tooltip_st_folium_reports():
    from atlas.ui.pages.exchange import _clicked_post

    feats = post_features(_posts(), "fr")
    lon, lat = feats[1]["geometry"]["coordinates"]
    tooltip = "Demande\nDemande · Asie\npar Montélimar & <b>co</b>"  # the tooltip as text
    assert _clicked_post({"last_object_clicked": {"lat": lat + 0.01, "lng": lon},
                          "last_object_clicked_tooltip": tooltip}, feats) == "p2"
    # a country's tooltip, or none: nothing opens
    assert _clicked_post({"last_object_clicked": {"lat": lat, "lng": lon},
                          "last_object_clicked_tooltip": "France"}, feats) is None
    assert _clicked_post({"last_object_clicked": {"lat": lat, "lng": lon}}, feats) is None
    assert _clicked_post(None, feats) is None
