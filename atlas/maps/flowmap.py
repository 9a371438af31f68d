"""Pure builder: links → folium.Map with flows, location totals, base layers and a legend."""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd

from atlas.geo import flows as fl
from atlas.geo.arcs import arc_coordinates
from atlas.maps.assets import use_served_assets
from atlas.maps.layers import Legend, StyledGeoJson, legend_rows, styled_base, tip
from atlas.models import ZONE_LABELS_EN, ZONES

#: One colour per ministry zone (colour-blind-safe qualitative palette, Okabe–Ito based).
ZONE_COLOURS: dict[str, str] = {
    "Europe": "#0072B2",
    "Afrique du Nord": "#E69F00",
    "Afrique subsaharienne": "#D55E00",
    "Proche et Moyen-Orient": "#CC79A7",
    "Asie": "#009E73",
    "Amériques": "#8E44AD",
    "Océanie": "#56B4E9",
    "Antarctique": "#999999",
}
OTHER_COLOUR = "#777777"

LEVEL_WORDS = {
    "fr": {"authority": "collectivité", "departement": "département", "region": "région", "france": "France",
           "country": "pays", "zone": "zone"},
    "en": {"authority": "authority", "departement": "département", "region": "region", "france": "France",
           "country": "country", "zone": "zone"},
}


@dataclass(frozen=True)
class MapInfo:
    """What a built map shows (for captions and tests)."""

    origin_level: str
    dest_level: str
    n_links: int
    n_flows: int
    n_drawn: int


def _width(n: np.ndarray, n_max: float) -> np.ndarray:
    """Line width in pixels: 1.5 for a single link, up to 9 for the largest flow (area-like scale)."""
    if n_max <= 1:
        return np.full(n.shape, 1.5)
    return 1.5 + 7.5 * np.sqrt((n - 1) / (n_max - 1))


def _flow_features(flows: pd.DataFrame, lang: str) -> list[dict]:
    if flows.empty:
        return []
    npts = 24
    lons, lats, _ = arc_coordinates(flows["origin_lon"].to_numpy(), flows["origin_lat"].to_numpy(),
                                    flows["dest_lon"].to_numpy(), flows["dest_lat"].to_numpy(), npts=npts)
    widths = _width(flows["n_links"].to_numpy(dtype=float), float(flows["n_links"].max()))
    feats = []
    fr = lang == "fr"
    for i, row in enumerate(flows.itertuples(index=False)):
        colour = ZONE_COLOURS.get(row.zone, OTHER_COLOUR)
        # Unwrapped longitudes: Leaflet draws a line past ±180° continuously.
        coords = [[round(x, 3), round(y, 3)] for x, y in zip(lons[i], lats[i])]
        text = tip(f"{row.origin_name} → {row.dest_name}",
                   (f"{row.n_links} lien(s), {row.n_projects} projet(s)" if fr
                    else f"{row.n_links} link(s), {row.n_projects} project(s)"))
        feats.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords},
                      "properties": {"style": {"color": colour, "weight": round(float(widths[i]), 2),
                                               "opacity": 0.55, "lineCap": "round"},
                                     "tip": text}})
    return feats


def _total_features(totals: pd.DataFrame, lang: str) -> list[dict]:
    if totals.empty:
        return []
    feats = []
    t_max = float(max(totals["outgoing"].max(), totals["incoming"].max(), 1))
    fr = lang == "fr"
    for row in totals.itertuples(index=False):
        total = row.outgoing + row.incoming
        radius = 2.5 + 14.0 * math.sqrt(total / t_max)
        french = row.side == "fr"
        text = tip(row.name, (f"{total} lien(s)" if fr else f"{total} link(s)"))
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point", "coordinates": [round(row.lon, 4), round(row.lat, 4)]},
                      "properties": {"style": {"radius": round(radius, 1), "color": "#1f2937" if french else "#374151",
                                               "weight": 1, "fillColor": "#1d4ed8" if french else "#f59e0b",
                                               "fillOpacity": 0.75},
                                     "tip": text}})
    return feats


def build_flow_map(links: pd.DataFrame, *, origin_level: str = "auto", dest_level: str = "auto",
                   max_flows: int = 1500, lang: str = "fr", demo: bool = False,
                   height: str = "100%") -> tuple[folium.Map, MapInfo]:
    """A folium map of ``links`` (the frame of atlas.db.queries.links) that works offline.

    Levels "auto" pick the finest aggregation with at most ``max_flows`` flows. Above that, the
    largest flows are drawn and the rest are counted in the legend.
    """
    if origin_level == "auto" or dest_level == "auto":
        auto_o, auto_d = fl.choose_levels(links, max_flows) if len(links) else ("authority", "authority")
        origin_level = auto_o if origin_level == "auto" else origin_level
        dest_level = auto_d if dest_level == "auto" else dest_level
    flows = fl.aggregate(links, origin_level, dest_level)
    drawn = flows.head(max_flows)
    totals = fl.location_totals(drawn)

    m = folium.Map(location=[30, 10], zoom_start=2, tiles=None, prefer_canvas=True, control_scale=True,
                   world_copy_jump=False, height=height)
    use_served_assets(m)
    StyledGeoJson(styled_base("countries", 0.08, {"color": "#9ca3af", "weight": 0.6, "fillColor": "#eef0f3",
                                                  "fillOpacity": 1.0}), "countries").add_to(m)
    StyledGeoJson(styled_base("departements", 0.01, {"color": "#b8bec8", "weight": 0.4, "fill": False}),
                  "departements", interactive=False).add_to(m)
    if len(drawn):
        StyledGeoJson({"type": "FeatureCollection", "features": _flow_features(drawn, lang)}, "flows").add_to(m)
        StyledGeoJson({"type": "FeatureCollection", "features": _total_features(totals, lang)}, "totals").add_to(m)
        lats = np.concatenate([drawn["origin_lat"].to_numpy(), drawn["dest_lat"].to_numpy()])
        lons = np.concatenate([drawn["origin_lon"].to_numpy(), drawn["dest_lon"].to_numpy()])
        m.fit_bounds([[float(np.nanmin(lats)), float(np.nanmin(lons))],
                      [float(np.nanmax(lats)), float(np.nanmax(lons))]], padding=(20, 20))

    fr = lang == "fr"
    zones_present = [z for z in ZONES if z in set(drawn["zone"].dropna())] if len(drawn) else []
    items = [(ZONE_COLOURS[z], z if fr else ZONE_LABELS_EN[z]) for z in zones_present]
    words = LEVEL_WORDS["fr" if fr else "en"]
    footer = (f"{len(links)} liens · flux {words[origin_level]} → {words[dest_level]}" if fr
              else f"{len(links)} links · flows {words[origin_level]} → {words[dest_level]}")
    if len(flows) > len(drawn):
        footer += (f" · {len(drawn)} plus gros flux sur {len(flows)}" if fr
                   else f" · largest {len(drawn)} of {len(flows)} flows")
    if demo:
        footer += " · DONNÉES DE DÉMONSTRATION" if fr else " · DEMONSTRATION DATA"
    # The sea colour rides with the legend's HTML: st_folium drops the map's <head> additions.
    style = "<style>.leaflet-container{background:#dce8f2}</style>"
    Legend(style + legend_rows(items, "Zone du partenaire" if fr else "Partner's zone", footer)).add_to(m)
    return m, MapInfo(origin_level, dest_level, len(links), len(flows), len(drawn))
