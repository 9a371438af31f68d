"""The observatory of a territory's actors: its interactive map and its XLSX workbook.

Pure renderers of an observatory (atlas.db.observatory.Observatory, read by attribute: the maps
never import the database layer): the map shows the actors at their seats, coloured by type, and
their flows abroad (one arc from the territory to each country where its actors act, as wide as
the number of actors); the workbook holds one sheet per table of the page and a "Source" sheet.
Text from records is data: escaped in tooltips, popups and legends, stored as text in cells.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd

from atlas.geo.arcs import great_circle_lines
from atlas.maps import styles
from atlas.maps.export import _cells
from atlas.maps.flowmap import _fit, base_map
from atlas.maps.layers import Legend, RawText, StyledGeoJson, escape, feature, tip
from atlas.maps.words import demo_mark
from atlas.models import ACTOR_TYPE_BY_CODE, ACTOR_TYPES, SECTOR_BY_CODE

#: One colour per actor type (models.ACTOR_TYPES order), readable on the pale base map.
TYPE_COLOURS: dict[str, str] = dict(zip(
    [c.code for c in ACTOR_TYPES],
    ["#2563eb", "#d97706", "#7c3aed", "#059669", "#0891b2", "#dc2626", "#4b5563", "#65a30d", "#db2777",
     "#ea580c", "#0f766e", "#1e3a8a", "#9ca3af"]))
FLOW_COLOUR = "#b45309"

WORDS = {
    "fr": {"actors": "Acteurs", "types": "Types d'acteurs", "flows": "Pays où ils agissent",
           "actor": "acteur", "actors_n": "acteurs", "since": "depuis", "countries": "pays",
           "legend_note": "Épaisseur : nombre d'acteurs qui agissent dans le pays",
           "territory": "Territoire", "year": "Année", "all_years": "toutes", "data": "Données",
           "both": "réelles et inventées", "generated": "Produit le", "source": "Source",
           "figure": "Indicateur", "value": "Valeur", "note": "Note"},
    "en": {"actors": "Actors", "types": "Actor types", "flows": "Countries where they act",
           "actor": "actor", "actors_n": "actors", "since": "since", "countries": "countries",
           "legend_note": "Width: number of actors acting in the country",
           "territory": "Territory", "year": "Year", "all_years": "all", "data": "Data",
           "both": "real and invented", "generated": "Generated on", "source": "Source",
           "figure": "Figure", "value": "Value", "note": "Note"},
}


def _w(lang: str) -> dict[str, str]:
    return WORDS["fr" if lang == "fr" else "en"]


def type_label(code: str, lang: str) -> str:
    c = ACTOR_TYPE_BY_CODE.get(code)
    return str(code) if c is None else (c.label_fr if lang == "fr" else c.label_en)


def sector_labels(codes: Any, lang: str) -> str:
    if not isinstance(codes, (list, tuple, np.ndarray)):
        return ""
    return "; ".join((SECTOR_BY_CODE[c].label_fr if lang == "fr" else SECTOR_BY_CODE[c].label_en)
                     if c in SECTOR_BY_CODE else str(c) for c in codes)


def actor_features(actors: pd.DataFrame, lang: str) -> list[dict]:
    """One circle per actor at its seat: style by type, tooltip and popup escaped."""
    w = _w(lang)
    feats = []
    for row in actors.itertuples(index=False):
        if not (np.isfinite(row.lon) and np.isfinite(row.lat)):
            continue
        colour = TYPE_COLOURS.get(row.type, TYPE_COLOURS["autre"])
        since = f"{w['since']} {int(row.since)}" if pd.notna(row.since) else ""
        where = " · ".join(x for x in (str(row.commune_name or ""), since) if x)
        pop = tip(str(row.name), type_label(row.type, lang), where, sector_labels(row.sectors, lang),
                  ", ".join(str(c) for c in row.countries) if len(row.countries) else "")
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(row.lon), 5),
                                                                                        round(float(row.lat), 5)]},
                      "properties": {"style": {"radius": 5, "color": "#ffffff", "weight": 1, "fillColor": colour,
                                               "fillOpacity": 0.9},
                                     "tip": tip(str(row.name), type_label(row.type, lang)), "pop": pop,
                                     "kind": "actor"}})
    return feats


def flow_features(terr: Any, by_country: pd.DataFrame, lang: str) -> list[dict]:
    """Arcs from the territory to each country where its actors act (width: number of actors)."""
    w = _w(lang)
    rows = by_country[(by_country["actors"] > 0) & by_country["lon"].notna() & by_country["lat"].notna()]
    if rows.empty:
        return []
    n = rows["actors"].to_numpy(dtype=float)
    geoms, _dist = great_circle_lines(np.full(len(rows), terr.lon), np.full(len(rows), terr.lat),
                                      rows["lon"].to_numpy(dtype=float), rows["lat"].to_numpy(dtype=float), 24)
    widths = styles.width_scale(n, float(n.max()), 1.5, 9.0)
    feats = []
    for geom, width, row in zip(geoms, widths, rows.itertuples(index=False)):
        count = int(row.actors)
        label = f"{count} {w['actor'] if count == 1 else w['actors_n']}"
        feats.append(feature(geom, {"color": FLOW_COLOUR, "weight": round(float(width), 2), "opacity": 0.55},
                             tip(f"{terr.name} → {row.name}", label)))
    return feats


def actors_map(obs: Any, lang: str = "fr", height: str = "100%") -> folium.Map:
    """The observatory's map: actors at their seats by type, and their flows abroad (offline)."""
    w = _w(lang)
    actors = obs.tables["actors"]
    m = base_map(height)
    flows = flow_features(obs.territory, obs.tables["by_country"], lang)
    if flows:
        StyledGeoJson({"type": "FeatureCollection", "features": flows}, "actor_flows").add_to(m)
    points = actor_features(actors, lang)
    StyledGeoJson({"type": "FeatureCollection", "features": points}, "actors").add_to(m)
    if len(actors):
        lats, lons = actors["lat"].to_numpy(dtype=float), actors["lon"].to_numpy(dtype=float)
        _fit(m, lats, lons)
    present = [c for c in TYPE_COLOURS if c in set(actors["type"])] if len(actors) else []
    dot = ('<span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:{};'
           'vertical-align:middle;margin-right:6px"></span>')
    rows = "".join(f"<div>{dot.format(TYPE_COLOURS[c])}{escape(type_label(c, lang))}</div>" for c in present)
    foot = [w["legend_note"]]
    if getattr(obs, "is_demo", False):
        foot.append(demo_mark(lang))
    body = (f"<b>{escape(w['types'])}</b>{rows}<div style='margin-top:5px'><span style='display:inline-block;"
            f"width:26px;height:4px;background:{FLOW_COLOUR};vertical-align:middle;margin-right:6px'></span>"
            f"{escape(w['flows'])}</div>"
            + "".join(f"<div style='margin-top:3px;color:#555;font-size:11px'>{escape(x)}</div>" for x in foot))
    style = f"<style>.leaflet-container{{background:{styles.SEA}}}</style>"
    Legend(style + body, lang=lang).add_to(m)
    m.get_root().html.add_child(RawText(
        f"<script>window.atlasObservatory = {{actors: {len(points)}, flows: {len(flows)}}};</script>"))
    return m


# ---- XLSX ---------------------------------------------------------------------------------------

def _frame_for_sheet(name: str, df: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = df.copy()
    if name == "actors":
        out.insert(3, "type_label", [type_label(c, lang) for c in out["type"]])
        out["sectors_labels"] = [sector_labels(v, lang) for v in out["sectors"]]
    for col in out.columns:
        if len(out) and out[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            out[col] = out[col].map(lambda v: "; ".join(str(x) for x in v)
                                    if isinstance(v, (list, tuple, np.ndarray)) else v)
    return out


def figures_frame(obs: Any, lang: str = "fr") -> pd.DataFrame:
    """The key figures as a table (figure code, words, value)."""
    return pd.DataFrame({"figure": list(obs.figures),
                         "label": [obs.figure_label(k) for k in obs.figures],
                         "value": list(obs.figures.values())})


def source_rows(obs: Any, lang: str = "fr") -> list[tuple[str, str]]:
    """The "Source" sheet: territory, year, data kept, sources, date, invented-data note."""
    w = _w(lang)
    data = ", ".join(obs.sources) if obs.sources else w["both"]
    rows = [(w["territory"], f"{obs.territory.name} ({obs.territory.id})"),
            (w["year"], str(obs.year) if obs.year is not None else w["all_years"]),
            (w["data"], data), (w["source"], obs.source_line or "—"),
            (w["generated"], date.today().isoformat())]
    if getattr(obs, "is_demo", False):
        rows.append((w["note"], demo_mark(lang) + (" — acteurs inventés pour la démonstration" if lang == "fr"
                                                    else " — actors invented for the demonstration")))
    return rows


def write_xlsx(obs: Any, path: str | Path, lang: str = "fr") -> Path:
    """The observatory as a workbook: "figures", one sheet per table, "comparison" (with a year)
    and "Source". Text is never turned into a formula, number or link."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheets: list[tuple[str, pd.DataFrame]] = [("figures", figures_frame(obs, lang))]
    sheets += [(name, _frame_for_sheet(name, df, lang)) for name, df in obs.tables.items()]
    if obs.comparison is not None:
        sheets.append(("comparison", obs.comparison))
    w = _w(lang)
    sheets.append(("Source", pd.DataFrame(source_rows(obs, lang), columns=[w["figure"], w["value"]])))
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    try:
        bold = wb.add_format({"bold": True})
        for name, frame in sheets:
            ws = wb.add_worksheet(name[:31])
            ws.write_row(0, 0, [str(c) for c in frame.columns], bold)
            ws.freeze_panes(1, 0)
            columns = [_cells(frame[c]) for c in frame.columns]
            for i, row in enumerate(zip(*columns), start=1):
                ws.write_row(i, 0, row)
            ws.set_column(0, max(len(frame.columns) - 1, 0), 16)
    finally:
        wb.close()
    return path
