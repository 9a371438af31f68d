"""The profile's theme bars: distinct links per theme, coloured by the theme's main SDG, with a legend."""

from __future__ import annotations

from atlas.models import SDG_BY_NUMBER, THEME_BY_CODE, Filters
from atlas.ui.pages.territory import _theme_chart


def test_theme_bars_count_distinct_links_and_name_their_colours(atlas_handle):
    # the French authority with the most themed links
    fr_id = atlas_handle.sql("""SELECT fr_id FROM link_facts WHERE len(themes) > 0
                                GROUP BY fr_id ORDER BY count(DISTINCT partner_id) DESC, fr_id LIMIT 1""").iloc[0, 0]
    links = atlas_handle.links_frame(Filters(authorities=[fr_id]))
    spec = _theme_chart(links, "fr").to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))] if "datasets" in spec else spec["data"]["values"]
    expected = atlas_handle.sql("""SELECT theme, count(*) AS n FROM (
                                       SELECT DISTINCT partner_id, unnest(themes) AS theme FROM link_facts
                                       WHERE fr_id = $id) GROUP BY theme""", {"id": fr_id})
    got = {r["theme"]: r["links"] for r in rows}
    assert got == {THEME_BY_CODE[c].label_fr: int(n) for c, n in zip(expected.theme, expected.n)}
    colour = spec["encoding"]["color"]
    assert colour["field"] == "sdg" and colour["legend"] is not None and colour["title"]
    for label, hexcode in zip(colour["scale"]["domain"], colour["scale"]["range"]):
        number = int(label.split(" ")[1])
        assert SDG_BY_NUMBER[number].colour == hexcode and SDG_BY_NUMBER[number].name_fr in label
