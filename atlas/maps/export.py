"""Data exports of a selection: CSV, XLSX, GeoJSON, GeoPackage, GeoParquet and flowmap CSV pairs.

- The format comes from the file extension (.csv, .xlsx, .geojson, .gpkg, .parquet); a path
  without extension (a folder) receives ``locations.csv`` + ``flows.csv``, the layout
  flowmap.blue and flowmap.gl read (locations: id,name,lat,lon; flows: origin,dest,count).
- Spreadsheet formula injection: in CSV a text cell starting with = + - @ (or a tab / carriage
  return) gets a leading apostrophe, so no spreadsheet runs it; XLSX stores text cells as strings,
  which no spreadsheet evaluates, so they are written exactly.
- Geometry is WGS84 (EPSG:4326): great-circle lines for links, points for locations. Lists
  (themes, SDGs…) are written as "a; b" text except in GeoParquet, which keeps them as lists.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from atlas.maps.columns import columns_note, header, with_labels
from atlas.maps.words import word
from atlas.text import fold

#: Export formats by file extension.
FORMATS: dict[str, str] = {".csv": "csv", ".xlsx": "xlsx", ".geojson": "geojson", ".json": "geojson",
                           ".gpkg": "gpkg", ".parquet": "parquet", ".geoparquet": "parquet"}
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """Export format for ``path``: explicit ``fmt``, else the extension; no extension = flowmap folder."""
    if fmt:
        if fmt not in set(FORMATS.values()) | {"flowmap"}:
            raise ValueError(f"unknown export format {fmt!r}; expected one of "
                             f"{sorted(set(FORMATS.values()) | {'flowmap'})}")
        return fmt
    path = Path(path)
    if path.suffix == "":
        return "flowmap"
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"cannot tell the export format of {path.name!r}: use one of "
                         f"{', '.join(sorted(FORMATS))}, or a folder name for flowmap CSV files") from None


#: Longest file name stem made from a selection (the extension comes on top).
STEM_MAX = 60


def slug(text: str, max_len: int = STEM_MAX) -> str:
    """``text`` as a safe ASCII file name piece: "Montélimar" → "montelimar", "Côte d'Ivoire" →
    "cote-d-ivoire". Lower-case letters, digits and single hyphens only (no path separator, dot,
    space or control character), cut at a hyphen to at most ``max_len`` characters."""
    out = re.sub(r"[^a-z0-9]+", "-", fold(str(text))).strip("-")
    if len(out) > max_len:
        cut = out[:max_len + 1].rsplit("-", 1)[0] if "-" in out[:max_len + 1] else out[:max_len]
        out = cut.strip("-")
    return out


def selection_file_name(title: str, description: str, ext: str, lang: str | None = "fr") -> str:
    """The file name of a selection's map or data: "montelimar-liens.pdf", "senegal-liens.csv".

    Named after the selection's filters (the "label : value" parts of its description, a bare
    number keeping its label: "odd-6"), else after the territory of its title ("… — Montélimar"),
    else "france"; then "liens" ("links" in English). Always a safe ASCII name of bounded length.
    """
    if not re.fullmatch(r"[a-z0-9]{1,8}", ext.lstrip(".").lower()):
        raise ValueError(f"file extension must be 1–8 letters or digits, got {ext!r}")
    pieces = []
    for part in (p.strip() for p in str(description).split(" · ")):
        if ":" not in part:
            continue
        label, value = (x.strip() for x in part.split(":", 1))
        pieces.append(f"{label} {value}" if re.fullmatch(r"[\d\s,]+", value) else value)
    stem = slug(" ".join(pieces))
    if not stem and " — " in str(title):
        scope = str(title).rsplit(" — ", 1)[1]
        stem = "" if scope in (word("scope.france", "fr"), word("scope.france", "en")) else slug(scope)
    tail = slug(word("magnitude.links", lang))
    stem = slug(stem or "france", STEM_MAX - len(tail) - 1)
    return f"{stem}-{tail}.{ext.lstrip('.').lower()}"


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of ``df`` (and its column names) neutralised."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def flatten_lists(df: pd.DataFrame) -> pd.DataFrame:
    """List columns as "a; b" text (for formats without list types)."""
    out = df.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
            out[col] = out[col].map(lambda v: "; ".join(str(x) for x in v)
                                    if isinstance(v, (list, tuple, np.ndarray)) else v)
    return out


def flowmap_tables(flows: pd.DataFrame, magnitude_col: str = "n_links") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(locations, flows) in flowmap.blue / flowmap.gl layout from aggregated flows."""
    o = flows[["origin", "origin_name", "origin_lat", "origin_lon"]].set_axis(["id", "name", "lat", "lon"], axis=1)
    d = flows[["dest", "dest_name", "dest_lat", "dest_lon"]].set_axis(["id", "name", "lat", "lon"], axis=1)
    locations = pd.concat([o, d], ignore_index=True).drop_duplicates("id", ignore_index=True)
    locations["lat"] = locations["lat"].round(5)
    locations["lon"] = locations["lon"].round(5)
    out = pd.DataFrame({"origin": flows["origin"], "dest": flows["dest"], "count": flows[magnitude_col]})
    return locations, out


def write_flowmap(folder: str | Path, flows: pd.DataFrame, magnitude_col: str = "n_links") -> list[Path]:
    """Write ``locations.csv`` and ``flows.csv`` (flowmap.blue / flowmap.gl) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    locations, out = flowmap_tables(flows, magnitude_col)
    paths = [folder / "locations.csv", folder / "flows.csv"]
    neutralise_frame(locations).to_csv(paths[0], index=False, encoding="utf-8")
    neutralise_frame(out).to_csv(paths[1], index=False, encoding="utf-8")
    return paths


def _locations_gdf(flows: pd.DataFrame, magnitude_col: str) -> gpd.GeoDataFrame:
    from atlas.geo.flows import location_totals

    col = {"n_links": "links", "n_projects": "projects", "amount_eur": "amount"}.get(magnitude_col, "links")
    totals = location_totals(flows, col)
    return gpd.GeoDataFrame(totals, geometry=gpd.points_from_xy(totals["lon"], totals["lat"]), crs=4326)


def write_data(links: gpd.GeoDataFrame, path: str | Path, *, flows: pd.DataFrame | None = None,
               fmt: str | None = None, about: dict[str, str] | None = None,
               magnitude_col: str = "n_links", lang: str | None = "fr") -> list[Path]:
    """Write a selection: ``links`` (atlas.Atlas.links) and optionally its aggregated ``flows``.

    Returns the files written. ``about`` (title, filters, source, date…) goes into the XLSX
    "about" sheet and GeoPackage/GeoParquet metadata. CSV and XLSX keep every column and its codes
    and add, next to each coded column, its labels in ``lang`` (atlas.maps.columns); XLSX also
    gives each column a header in words (a note on the header cell, a list in "about").
    """
    path = Path(path)
    kind = format_of(path, fmt)
    if kind == "flowmap":
        if flows is None:
            raise ValueError("flowmap export needs aggregated flows")
        return write_flowmap(path, flows, magnitude_col)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = links.drop(columns="geometry", errors="ignore")
    plain = pd.DataFrame(flatten_lists(with_labels(table, lang) if kind in ("csv", "xlsx") else table))
    if kind == "csv":
        neutralise_frame(plain).to_csv(path, index=False, encoding="utf-8")
    elif kind == "xlsx":
        _write_xlsx(path, plain, flows, about or {}, magnitude_col, lang)
    elif kind == "geojson":
        gdf = gpd.GeoDataFrame(flatten_lists(links), geometry="geometry", crs=links.crs or 4326)
        if path.exists():
            path.unlink()
        gdf.to_file(path, driver="GeoJSON", engine="pyogrio")
    elif kind == "gpkg":
        gdf = gpd.GeoDataFrame(flatten_lists(links), geometry="geometry", crs=links.crs or 4326)
        if path.exists():
            path.unlink()  # a fresh file: no stale layers from an earlier export
        # Lines split at the antimeridian are MultiLineStrings: one geometry type per layer.
        gdf.to_file(path, layer="links", driver="GPKG", engine="pyogrio", promote_to_multi=True)
        if flows is not None and len(flows):
            _locations_gdf(flows, magnitude_col).to_file(path, layer="locations", driver="GPKG", engine="pyogrio")
    elif kind == "parquet":
        gdf = gpd.GeoDataFrame(links, geometry="geometry", crs=links.crs or 4326)
        gdf.to_parquet(path, index=False)
    return [path]


def _write_xlsx(path: Path, links: pd.DataFrame, flows: pd.DataFrame | None, about: dict[str, str],
                magnitude_col: str, lang: str | None = "fr") -> None:
    """The links, flowmap.blue's two sheets and an "about" sheet, through XlsxWriter.

    XlsxWriter row by row is about 3x faster than pandas+openpyxl here (13,206 links x 29
    columns: 2.9 s against 9.3 s). Text never becomes a formula, a number or a hyperlink
    (strings_to_formulas/numbers/urls off): every text cell is stored as a string, so a name such
    as "=HYPERLINK(…)" or "-1+1" is kept exactly, with no apostrophe added.
    """
    import xlsxwriter

    sheets = [("links", links)]
    if flows is not None and len(flows):
        locations, out = flowmap_tables(flows, magnitude_col)
        sheets += [("locations", locations), ("flows", out)]  # the two sheets flowmap.blue reads
    # "about" also lists the links sheet's columns with their headers in words (after its own keys:
    # a column may bear the name of one, such as "source").
    rows = [(k, str(v)) for k, v in about.items()] + [("columns", columns_note(lang))]
    rows += [(str(c), header(str(c), lang)) for c in links.columns]
    sheets.append(("about", pd.DataFrame(rows, columns=["key", "value"])))
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    try:
        bold = wb.add_format({"bold": True})
        for name, frame in sheets:
            ws = wb.add_worksheet(name)
            ws.write_row(0, 0, [str(c) for c in frame.columns], bold)
            if name == "links":  # the header in words, shown when the pointer is on the column's name
                for j, c in enumerate(frame.columns):
                    if header(str(c), lang) != str(c):
                        ws.write_comment(0, j, header(str(c), lang))
            ws.freeze_panes(1, 0)
            if len(frame.columns):
                ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
            columns = [_cells(frame[c]) for c in frame.columns]
            for i, row in enumerate(zip(*columns), start=1):
                ws.write_row(i, 0, row)
    finally:
        wb.close()


def _cells(col: pd.Series) -> list:
    """A column as plain Python values for XlsxWriter: missing values blank, numpy scalars unboxed."""
    if pd.api.types.is_datetime64_any_dtype(col):
        col = col.dt.tz_localize(None) if getattr(col.dt, "tz", None) is not None else col
        return [None if pd.isna(v) else v.to_pydatetime() for v in col]
    values = col.astype(object).where(col.notna(), None).tolist()
    return [v.item() if isinstance(v, np.generic) else v for v in values]
