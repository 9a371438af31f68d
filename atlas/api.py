"""The Python API: ``atlas.open()`` returns an :class:`Atlas` handle (read-only)."""

from __future__ import annotations

import os
from pathlib import Path

from typing import TYPE_CHECKING

import pandas as pd

from atlas import config, selection
from atlas.db import flow_queries, queries
from atlas.db.connection import ReadOnlyDatabase
from atlas.models import Filters
from atlas.selection import MapOptions, Selection, products

if TYPE_CHECKING:
    import geopandas as gpd  # loaded by Atlas.links on first use


class Atlas:
    """Read-only handle on an atlas database.

    >>> import atlas
    >>> a = atlas.open()
    >>> links = a.links(atlas.Filters(themes=["eau"], countries=["SN"]))
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else config.default_db_path()
        self.db = ReadOnlyDatabase(self.path)

    def __repr__(self) -> str:
        return f"Atlas({str(self.path)!r})"

    def __enter__(self) -> "Atlas":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # ---- reading ---------------------------------------------------------------------------
    def sql(self, query: str, params: dict | list | None = None) -> pd.DataFrame:
        """Run a read-only SQL query with bound parameters (for analysts)."""
        return self.db.df(query, params)

    @property
    def is_demo(self) -> bool:
        """True when the database holds demonstration data."""
        return selection.is_demo(self.db)

    def provenance(self) -> dict[str, object]:
        """Where the records come from: ``sources`` (one row per import batch: origin real/demo,
        source, date, licence, distinct partnerships and projects) and ``totals`` by origin."""
        from atlas.db import provenance

        return {"sources": provenance.sources(self.db), "totals": provenance.totals(self.db)}

    def _check(self, filters: Filters | None) -> Filters:
        """Reject unknown codes with a message listing what was expected."""
        return selection.check_filters(self.db, filters)

    def links_frame(self, filters: Filters | None = None) -> pd.DataFrame:
        """Links matching ``filters`` as a plain DataFrame (no geometry)."""
        return queries.links(self.db, self._check(filters))

    def links(self, filters: Filters | None = None, npts: int = 32,
              max_step_km: float | None = products.LINK_STEP_KM) -> gpd.GeoDataFrame:
        """Links matching ``filters`` with great-circle geometry (EPSG:4326).

        One row per French authority × partner authority: fr_id, partner_id, country_iso2,
        n_projects, themes, sdgs, kinds, funding (lists), first_year, last_year, budget_eur…,
        length_km and a geodesic line (WGS84) split at the antimeridian, with a point at least
        every ``max_step_km`` km and at most ``npts`` points (``max_step_km=None``: ``npts``
        points on every line).
        """
        return products.links_geodataframe(self.db, filters, npts=npts, max_step_km=max_step_km)

    def counts(self, filters: Filters | None = None) -> dict[str, int]:
        """Distinct projects, partnerships, French authorities, partners and countries matching ``filters``."""
        # Same figures as queries.filtered_counts, 5–10× faster (integer keys + numpy bitmaps).
        return flow_queries.filtered_counts(self.db, self._check(filters))

    def totals(self) -> dict[str, int]:
        """Headline counts: projects, partnerships, links, authorities, countries."""
        return queries.totals(self.db)

    def describe(self, filters: Filters | None = None, lang: str | None = None) -> str:
        """The selection in words, with names for countries, authorities, régions and départements:
        "Thèmes : Eau et assainissement · Pays : Sénégal"."""
        return selection.describe(self.db, filters or Filters(), lang or config.get("lang"))

    def stats(self) -> dict[str, object]:
        """Counts by level, country, theme, SDG and kind of action (what `atlas stats` prints)."""
        out: dict[str, object] = {"totals": self.totals(), "demo": self.is_demo}
        for key in ("level", "country", "theme", "sdg", "kind"):
            out[key] = queries.counts_by(self.db, key).to_dict(orient="records")
        return out

    # ---- views: flows, maps and exports (atlas.selection) -----------------------------------------
    def select(self, filters: Filters | None = None, options: MapOptions | None = None) -> Selection:
        """The view of ``filters`` shaped by ``options`` (levels, magnitude, colours, budget): the
        same object behind the app's maps, the CLI, print maps and exports."""
        return selection.select(self.db, filters, options)

    def flows(self, filters: Filters | None = None, origin_level: str = "auto", dest_level: str = "auto", *,
              colour_by: str | None = None, max_flows: int | None = None) -> pd.DataFrame:
        """Links matching ``filters`` aggregated to flows between locations (flowmap.gl's model).

        ``origin_level``: authority, epci, departement, region, france; ``dest_level``: authority,
        admin1, country, zone; "auto" picks the finest pair with at most ``max_flows`` flows
        (default: the ``max_arcs`` setting). One row per (origin, dest): names, points, n_links,
        n_projects, amount_eur (project budgets shared among their links), country_iso2, zone and,
        with ``colour_by`` (theme, sdg, kind, funding), the flow's main ``category``. The levels
        used are in ``df.attrs["origin_level"]`` and ``df.attrs["dest_level"]``.

        >>> a.flows(atlas.Filters(themes=["eau"]), "region", "country").head()
        """
        opts = MapOptions(origin_level=origin_level, dest_level=dest_level, max_flows=max_flows,
                          colour_by=colour_by or "zone")
        sel = self.select(filters, opts)
        df = sel.flows.copy()
        df.attrs.update(origin_level=sel.origin_level, dest_level=sel.dest_level)
        return df

    def flow_map(self, filters: Filters | None = None, origin_level: str = "auto", dest_level: str = "auto", *,
                 magnitude: str = "links", colour_by: str = "zone", view: str = "flows",
                 max_flows: int | None = None, lang: str | None = None, title: str | None = None,
                 tiles: bool | None = None, height: str = "100%"):
        """An interactive folium.Map of the selection that works offline (no tiles, no CDN).

        ``magnitude``: links, projects or amount; ``colour_by``: zone, theme, sdg, kind, funding;
        ``view``: flows, or a choropleth of links per country ("countries") or per département
        ("departements"). Show it in a notebook by evaluating it; save it with ``export_map``.
        """
        opts = MapOptions(origin_level=origin_level, dest_level=dest_level, magnitude=magnitude,
                          colour_by=colour_by, view=view, max_flows=max_flows, lang=lang, title=title, tiles=tiles)
        return products.flow_map(self.db, filters, opts, height=height)[0]

    def export_map(self, filters: Filters | None, path: str | os.PathLike[str], origin_level: str = "auto",
                   dest_level: str = "auto", *, magnitude: str = "links", colour_by: str = "zone",
                   view: str = "flows", layout: str = "a4", projection: str = "auto", max_flows: int | None = None,
                   lang: str | None = None, title: str | None = None) -> Path:
        """Write the map of a selection; the format follows the extension.

        .html: standalone interactive map (Leaflet inlined, opens from a file with no network);
        .png (300 dpi), .svg, .pdf: print map with title, filters, legend, source and date, Equal
        Earth for the world or Lambert-93 for France; ``layout`` "a4" (landscape) or "16:9".
        """
        opts = MapOptions(origin_level=origin_level, dest_level=dest_level, magnitude=magnitude,
                          colour_by=colour_by, view=view, max_flows=max_flows, lang=lang, title=title,
                          layout=layout, projection=projection)
        return products.export_map(self.db, filters, path, opts)

    def export_data(self, filters: Filters | None, path: str | os.PathLike[str], *, origin_level: str = "auto",
                    dest_level: str = "auto", magnitude: str = "links", fmt: str | None = None,
                    max_flows: int | None = None) -> list[Path]:
        """Write the links of a selection; the format follows the extension.

        .csv, .xlsx (with flowmap "locations"/"flows" sheets), .geojson, .gpkg (layers links and
        locations), .parquet (GeoParquet); a path without extension is a folder that receives
        locations.csv + flows.csv for flowmap.blue / flowmap.gl. Returns the files written.
        """
        opts = MapOptions(origin_level=origin_level, dest_level=dest_level, magnitude=magnitude, max_flows=max_flows)
        return products.export_data(self.db, filters, path, opts, fmt=fmt)

    def authorities(self, french: bool | None = None) -> pd.DataFrame:
        """Authorities in the database (French, foreign or both)."""
        where = "" if french is None else ("WHERE is_french" if french else "WHERE NOT is_french")
        return self.db.df(f"SELECT * FROM authorities {where} ORDER BY id")

    def observatory(self, territory: str, year: int | None = None, sources: tuple[str, ...] | list[str] = (),
                    lang: str | None = None):  # noqa: ANN201 - atlas.db.observatory.Observatory
        """The observatory of a territory's actors (``region:76``, ``departement:31``): key figures,
        tables by type, sector, country, SDG, supports, projects, and with a year the comparison
        with the year before (atlas.db.observatory, docs/observatory.md)."""
        from atlas.db import observatory

        return observatory.observatory(self.db, territory, year=year, sources=tuple(sources),
                                       lang=lang or config.get("lang"))

    def export_observatory(self, territory: str, path: str | os.PathLike[str], year: int | None = None,
                           sources: tuple[str, ...] | list[str] = (), lang: str | None = None) -> Path:
        """Write a territory's observatory: .xlsx (one sheet per table and a "Source" sheet) or
        one A4 page as .pdf, .png or .svg."""
        from atlas.errors import ExportError
        from atlas.maps.observatory import write_xlsx
        from atlas.maps.observatory_print import write_observatory_page

        obs = self.observatory(territory, year, sources, lang)
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            return write_xlsx(obs, path, obs.lang)
        if suffix in (".pdf", ".png", ".svg"):
            return write_observatory_page(obs, path, obs.lang)
        raise ExportError(f"export_observatory: expected a .xlsx, .pdf, .png or .svg path, got {path.name!r}")

    def exchange_posts(self, filters: Filters | None = None, kinds: tuple[str, ...] | list[str] = (),
                       statuses: tuple[str, ...] | list[str] = ("ouverte",), include_expired: bool = False
                       ) -> pd.DataFrame:
        """Offers and requests of the Bourse partenariat (default: open and unexpired), filtered
        like the atlas (atlas.db.exchange.posts, docs/exchange.md)."""
        from atlas.db import exchange

        return exchange.posts(self.db, self._check(filters), kinds=kinds, statuses=statuses,
                              include_expired=include_expired)

    def exchange_post(self, post_id: str, top: int = 20) -> dict[str, object] | None:
        """One post with the posts that answer it (``matches``) and « Qui d'autre en France ? »
        (``who_else``, the ``top`` first), or None."""
        from atlas.db import exchange

        post = exchange.post(self.db, post_id)
        if post is None:
            return None
        return {"post": post, "matches": exchange.matches(self.db, post_id),
                "who_else": exchange.who_else(self.db, post_id, top=top)}


def open(path: str | os.PathLike[str] | None = None) -> Atlas:  # noqa: A001 - mirrors io.open
    """Open an atlas database read-only (default: the embedded data/atlas.duckdb)."""
    return Atlas(path)
