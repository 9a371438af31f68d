"""The map of the partnership exchange (Bourse partenariat): one marker per offer or request, at
its author's point, coloured by kind; offline like every map of the atlas (atlas.maps.assets).

Every text of a post is data: tooltips and popups are HTML-escaped here (atlas.maps.layers.tip,
escape), and layers are atlas.maps.layers.StyledGeoJson (never a template).
"""

from __future__ import annotations

import math

import folium
import numpy as np
import pandas as pd

from atlas.maps.flowmap import base_map
from atlas.maps.layers import Legend, StyledGeoJson, escape, tip

#: Colour of each kind of post (offers green, requests violet), and of a post no longer open.
KIND_COLOURS = {"offre": "#1a9850", "demande": "#7b3294"}
CLOSED_COLOUR = "#9ca3af"
_WORDS = {
    "fr": {"offre": "Offre", "demande": "Demande", "closed": "appariée ou close", "legend": "Bourse partenariat",
           "by": "par", "themes": "Thèmes"},
    "en": {"offre": "Offer", "demande": "Request", "closed": "matched or closed", "legend": "Partnership exchange",
           "by": "by", "themes": "Themes"},
}


def _spread(lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posts of one author share its point: set them on a small circle around it, so each marker
    can be seen and clicked (about 1.5 km)."""
    lons, lats = lons.astype(float).copy(), lats.astype(float).copy()
    seen: dict[tuple[float, float], list[int]] = {}
    for i, key in enumerate(zip(np.round(lons, 5), np.round(lats, 5))):
        seen.setdefault(key, []).append(i)
    for group in seen.values():
        if len(group) < 2:
            continue
        for k, i in enumerate(group):
            angle = 2 * math.pi * k / len(group)
            lons[i] += 0.015 * math.cos(angle)
            lats[i] += 0.015 * math.sin(angle)
    return lons, lats


def post_features(posts: pd.DataFrame, lang: str = "fr", theme_label=None, country_label=None,  # noqa: ANN001
                  selected: str | None = None) -> list[dict]:
    """GeoJSON point features of ``posts`` (atlas.db.exchange.posts columns), with escaped tooltip
    and popup, the post id in ``properties.post``, and its position."""
    words = _WORDS["en" if lang == "en" else "fr"]
    rows = posts[posts["lon"].notna() & posts["lat"].notna()]
    if rows.empty:
        return []
    lons, lats = _spread(rows["lon"].to_numpy(), rows["lat"].to_numpy())
    feats = []
    for (_i, row), lon, lat in zip(rows.iterrows(), lons, lats):
        kind = str(row["kind"])
        colour = KIND_COLOURS.get(kind, CLOSED_COLOUR) if row["status"] == "ouverte" else CLOSED_COLOUR
        themes = ", ".join(theme_label(c) if theme_label else str(c) for c in (row["themes"] if row["themes"] is not None
                                                                                else []))
        where = (country_label(row["country_iso2"]) if country_label and isinstance(row["country_iso2"], str)
                 else str(row["zone"] or ""))
        head = f"{words.get(kind, kind)} · {where}" if where else words.get(kind, kind)
        text = tip(str(row["title"]), head, f"{words['by']} {row['author_name']}")
        popup = (f"<b>{escape(row['title'])}</b><br>{escape(head)}<br>{escape(words['by'])} "
                 f"{escape(row['author_name'])}<br>{escape(words['themes'])} : {escape(themes)}")
        big = selected is not None and row["id"] == selected
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point", "coordinates": [round(float(lon), 5), round(float(lat), 5)]},
                      "properties": {"style": {"radius": 11 if big else 7, "color": "#111827" if big else "#ffffff",
                                               "weight": 3 if big else 1.2, "fillColor": colour, "fillOpacity": 0.9},
                                     "tip": text, "pop": popup, "post": str(row["id"])}})
    return feats


def exchange_map(posts: pd.DataFrame, lang: str = "fr", theme_label=None, country_label=None,  # noqa: ANN001
                 selected: str | None = None, height: str = "100%") -> folium.Map:
    """An offline map of the posts: countries as the base layer, one marker per post, a legend."""
    words = _WORDS["en" if lang == "en" else "fr"]
    m = base_map(height=height, departements=False, regions=True)
    feats = post_features(posts, lang, theme_label, country_label, selected)
    StyledGeoJson({"type": "FeatureCollection", "features": feats}, "exchange-posts").add_to(m)
    if feats:
        coords = np.array([f["geometry"]["coordinates"] for f in feats], dtype=float)
        (lon0, lat0), (lon1, lat1) = coords.min(axis=0), coords.max(axis=0)
        pad = 0.5 if (lat1 - lat0) < 1 and (lon1 - lon0) < 1 else 0.0  # one place: around it, not at full zoom
        m.fit_bounds([[lat0 - pad, lon0 - pad], [lat1 + pad, lon1 + pad]], padding=(24, 24))
    dot = ('<div><span style="display:inline-block;width:11px;height:11px;border-radius:50%;background:{c};'
           'margin-right:6px;vertical-align:middle"></span>{label}</div>')
    rows = "".join(dot.format(c=c, label=escape(words[k])) for k, c in KIND_COLOURS.items())
    rows += dot.format(c=CLOSED_COLOUR, label=escape(words["closed"]))
    Legend(f"<b>{escape(words['legend'])}</b>{rows}", lang=lang).add_to(m)
    return m
