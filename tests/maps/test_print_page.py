"""Print maps that go into a report as they are: no seam along 0°, the map filling the page below
the title, a legend that hides no flow, a scale bar in full, names of the main places.

Each test renders the real map of a real selection of the demonstration database and measures
the figure or the file (pixels of the PNG, text of the PDF), never a mock of the renderer.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from matplotlib.colors import to_rgb
from PIL import Image

from atlas.maps import static, styles
from atlas.maps.print_page import subtitle_for
from atlas.maps.print_projection import WORLD_CRS, transformer, world_outline
from atlas.models import Filters
from atlas.reference import loaders
from atlas.selection import MapOptions, products

MONTELIMAR = Filters(authorities=["commune:26198"])


def _figure(handle, filters: Filters, **opts):
    """The Selection and the print figure ``atlas map`` writes for it (same arguments as write_map)."""
    sel = products.select_view(handle.db, filters, MapOptions(**opts))
    o = sel.options
    fig = static.static_flow_map(sel.flows, title=sel.title, subtitle=sel.description, n_links=sel.n_links,
                                 origin_level=sel.origin_level, dest_level=sel.dest_level, magnitude=o.magnitude,
                                 colour_by=o.colour_by, max_flows=o.arcs, lang="fr", layout=o.layout,
                                 projection=o.projection, demo=sel.demo)
    fig.canvas.draw()
    return sel, fig


def _inches(fig, artist) -> tuple[float, float, float, float]:
    e = artist.get_window_extent(fig.canvas.get_renderer())
    return e.x0 / fig.dpi, e.y0 / fig.dpi, e.x1 / fig.dpi, e.y1 / fig.dpi


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _legend(fig):
    """The legend card: the axes drawn on top of the map."""
    return max(fig.axes, key=lambda a: a.get_zorder())


@pytest.fixture(scope="module")
def montelimar(atlas_handle):
    return _figure(atlas_handle, MONTELIMAR)


@pytest.fixture(scope="module")
def national(atlas_handle):
    return _figure(atlas_handle, Filters())


def test_no_white_seam_along_the_prime_meridian(montelimar, tmp_path):
    """Along 0° from Algeria to England the PNG shows what lies there: land colour over France,
    never a white line (a lone white 0° graticule line read as a seam across four countries)."""
    sel, fig = montelimar
    assert "Equal Earth" in fig.texts[-1].get_text()
    dpi = 150
    png = static.save_figure(fig, tmp_path / "montelimar.png", dpi=dpi)
    img = np.asarray(Image.open(png).convert("RGB")).astype(int)
    lat = np.linspace(36.5, 51.0, 400)
    x, y = transformer(WORLD_CRS).transform(np.zeros_like(lat), lat)
    px = fig.axes[0].transData.transform(np.column_stack([x, y])) * dpi / fig.dpi
    colours = img[(img.shape[0] - px[:, 1]).astype(int), px[:, 0].astype(int)]
    # A name (on its white card) may lie across 0°: those pixels are the name's, not a seam.
    named = np.zeros(len(lat), dtype=bool)
    for text in fig.axes[0].texts:
        b = np.array(_inches(fig, text)) * dpi
        named |= (px[:, 0] >= b[0] - 2) & (px[:, 0] <= b[2] + 2) & (px[:, 1] >= b[1] - 2) & (px[:, 1] <= b[3] + 2)
    assert named.mean() < 0.2
    colours = colours[~named]
    lat = lat[~named]
    white = (colours >= 250).all(axis=1)
    assert white.sum() == 0, f"{white.sum()} white pixels along 0° between 36.5° N and 51° N"
    # Over France (away from its coasts and borders) the pixels are land-coloured.
    countries = loaders.read_shapes("countries")
    france = countries[countries["iso2"] == "FR"].geometry.iloc[0].buffer(-0.3)
    inner = shapely.contains_xy(france, np.zeros_like(lat), lat)
    land = np.array(to_rgb(styles.LAND)) * 255
    over = colours[inner]
    close = (np.abs(over - land) <= 8).all(axis=1)
    flow = over.max(axis=1) - over.min(axis=1) >= 30  # an arc drawn across (saturated colour)
    assert inner.sum() > 100 and close.mean() >= 0.7 and (close | flow).mean() >= 0.97, (
        inner.sum(), close.mean(), (close | flow).mean())


def test_the_map_fills_the_page_below_the_title(montelimar, national):
    for sel, fig in (montelimar, national):
        ax = fig.axes[0]
        pos = ax.get_position()
        title = next(t for t in fig.texts if t.get_text() == sel.title)
        assert pos.y1 <= _inches(fig, title)[1] / fig.get_size_inches()[1]  # below the title
        assert pos.height >= 0.84 and pos.width >= 0.94, (pos.height, pos.width)  # was 0.79 × 0.71
    # The world (width-bound on a landscape page) spans the page's width, the legend under it.
    sel, fig = national
    ax = fig.axes[0]
    world = shapely.box(*world_outline(transformer(WORLD_CRS)).bounds)
    shown = world.intersection(shapely.box(ax.get_xlim()[0], ax.get_ylim()[0], ax.get_xlim()[1], ax.get_ylim()[1]))
    (x0, y0), (x1, y1) = (ax.transData + fig.transFigure.inverted()).transform(
        [shown.bounds[:2], shown.bounds[2:]])
    assert x1 - x0 >= 0.94 and y1 - y0 >= 0.55, (x1 - x0, y1 - y0)  # was 0.71 × 0.49


def test_the_subtitle_does_not_repeat_the_title(montelimar):
    sel, fig = montelimar
    assert sel.title == "Coopérations internationales — Montélimar"
    texts = [t.get_text() for t in fig.texts]
    subtitle = texts[texts.index(sel.title) + 1]
    assert "Montélimar" not in subtitle and subtitle  # says something else: links and levels
    assert f"{sel.n_links} liens" in subtitle
    assert subtitle_for("Liens — Sénégal", "Pays : Sénégal · Thèmes : Eau") == "Thèmes : Eau"


@pytest.mark.parametrize(("filters", "layout"), [(Filters(), "a4"), (Filters(), "16:9"),
                                                 (Filters(countries=["SN"]), "a4"), (MONTELIMAR, "a4")])
def test_the_legend_hides_no_flow_nor_circle(atlas_handle, filters, layout, national):
    sel, fig = national if (filters, layout) == (Filters(), "a4") else _figure(atlas_handle, filters, layout=layout)
    ax, card = fig.axes[0], _inches(fig, _legend(fig))
    assert "Equal Earth" in fig.texts[-1].get_text()
    tr = transformer(WORLD_CRS)
    segs, _owner = static.arc_segments(sel.flows, tr)
    to_inch = ax.transData + fig.dpi_scale_trans.inverted()
    pts = to_inch.transform(np.concatenate(segs))
    places = np.column_stack(tr.transform(np.r_[sel.flows["dest_lon"], sel.flows["origin_lon"]],
                                          np.r_[sel.flows["dest_lat"], sel.flows["origin_lat"]]))
    for name, xy in (("flow vertices", pts), ("circles", to_inch.transform(places))):
        inside = (xy[:, 0] > card[0]) & (xy[:, 0] < card[2]) & (xy[:, 1] > card[1]) & (xy[:, 1] < card[3])
        assert not inside.any(), f"the legend hides {inside.sum()} {name}"
    if filters != Filters():
        return
    # South America carries flows: not one of its countries lies under the legend.
    countries = loaders.read_shapes("countries").to_crs(WORLD_CRS)
    south = countries[countries["iso2"].isin(["BR", "AR", "CL", "PE", "CO", "BO"])].geometry
    south = south.intersection(world_outline(tr))  # as drawn: the world view stops at about 56° S
    box = shapely.box(*to_inch.inverted().transform([card[:2], card[2:]]).ravel())
    assert not south.intersects(box).any()


@pytest.mark.parametrize("view", ["flows", "departements"])
def test_scale_bar_is_whole_and_clear_of_legend_and_insets(atlas_handle, view):
    if view == "flows":
        sel, fig = _figure(atlas_handle, Filters(countries=["DE"]))
    else:  # the département choropleth: five overseas insets, a legend and the scale bar
        sel = products.select_view(atlas_handle.db, Filters(), MapOptions(view="departements"))
        fig = static.static_choropleth(products.choropleth_values(sel), "departement", title=sel.title, demo=sel.demo)
        fig.canvas.draw()
    ax = fig.axes[0]
    assert "Lambert-93" in fig.texts[-1].get_text()
    bar = [t for t in ax.texts if t.get_text().endswith(" km") or t.get_text() == "0"]
    assert len(bar) == 2
    frame = _inches(fig, ax)
    others = [_inches(fig, a) for a in fig.axes[1:]]  # insets and the legend
    assert len(others) >= (6 if view == "departements" else 1)
    for t in bar:
        box = _inches(fig, t)
        assert frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3], t.get_text()
        assert not any(_overlap(box, o) for o in others), t.get_text()


def test_pdf_names_montelimar_and_its_partners(atlas_handle, tmp_path):
    from pypdf import PdfReader

    path = atlas_handle.export_map(MONTELIMAR, tmp_path / "montelimar.pdf")
    text = PdfReader(path).pages[0].extract_text()
    sel = products.select_view(atlas_handle.db, MONTELIMAR, MapOptions())
    partners = sorted(set(sel.flows["dest_name"]))
    assert len(partners) >= 3
    for name in [*partners, "Montélimar"]:
        assert name in text, name
    assert "Noms : tous les lieux" in text


def test_names_do_not_collide_and_the_legend_says_which(national):
    sel, fig = national
    ax, card = fig.axes[0], _inches(fig, _legend(fig))
    names = [a for a in ax.texts if a.get_text() and a.get_text() not in ("0",)]
    assert len(names) >= 10
    boxes = [_inches(fig, a) for a in names]
    frame = _inches(fig, ax)
    for i, b in enumerate(boxes):
        assert frame[0] <= b[0] and b[2] <= frame[2] and frame[1] <= b[1] and b[3] <= frame[3]
        assert not _overlap(b, card), names[i].get_text()
        assert not any(_overlap(b, c) for c in boxes[i + 1:]), names[i].get_text()
    # The largest partners by links are named, and the legend says so.
    totals = sel.flows.groupby("dest_name")["n_links"].sum().sort_values(ascending=False)
    shown = {a.get_text() for a in names}
    assert set(totals.index[:3]) <= shown
    legend_text = " ".join(t.get_text().replace("\n", " ") for t in _legend(fig).texts)
    assert f"Noms : {len(names)} des 15 lieux aux liens les plus nombreux" in legend_text \
        or "Noms : les 15 lieux aux liens les plus nombreux" in legend_text


def test_names_from_data_print_as_text(atlas_handle, tmp_path):
    sel = products.select_view(atlas_handle.db, MONTELIMAR, MapOptions())
    flows = sel.flows.copy()
    flows.loc[flows.index[0], "dest_name"] = "$x^2$ <b>Ville</b> {0}"
    flows.loc[flows.index[1], "dest_name"] = "Saint-\nMartin\tdu Lac " + "x" * 60
    fig = static.static_flow_map(flows, title=sel.title, n_links=sel.n_links, origin_level=sel.origin_level,
                                 dest_level=sel.dest_level, layout="a4")
    svg = static.save_figure(fig, tmp_path / "names.svg").read_text(encoding="utf-8")
    assert "$x^2$ &lt;b&gt;Ville&lt;/b&gt; {0}" in svg
    assert "Saint- Martin du Lac xxxxxxxxxx…" in svg  # one line, cut with an ellipsis


def test_16_9_shows_the_whole_equal_earth_outline(atlas_handle):
    """On a slide the world is whole: its outline's full width and height are in the frame."""
    sel, fig = _figure(atlas_handle, Filters(), layout="16:9")
    ax = fig.axes[0]
    x0, y0, x1, y1 = world_outline(transformer(WORLD_CRS)).bounds
    (fx0, fx1), (fy0, fy1) = ax.get_xlim(), ax.get_ylim()
    assert fx0 <= x0 and x1 <= fx1 and fy0 <= y0 and y1 <= fy1 + 1.0
    assert (x1 - x0) / (fx1 - fx0) >= 0.9  # and it fills the slide's width


@pytest.mark.parametrize(("view", "expected"), [("countries", ["Sénégal", "Mali", "Maroc"]),
                                                ("departements", [])])
def test_choropleths_name_their_largest_places(atlas_handle, tmp_path, view, expected):
    from pypdf import PdfReader

    path = atlas_handle.export_map(Filters(), tmp_path / f"{view}.pdf", view=view)
    text = PdfReader(path).pages[0].extract_text()
    sel = products.select_view(atlas_handle.db, Filters(), MapOptions(view=view))
    values = products.choropleth_values(sel)
    assert "Noms : " in text
    if view == "departements":
        names = loaders.read_shapes("departements").set_index("code")["name"]
        top = sorted(values, key=values.get, reverse=True)[:3]
        expected = [names[c] for c in top if c in names.index and len(c) == 2]
    assert expected and all(name in text for name in expected), expected
