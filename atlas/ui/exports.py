"""Download the current view: map (PNG, SVG, PDF, HTML) and data (CSV, XLSX, GeoJSON, GeoPackage,
GeoParquet). Files are made on request (a button), cached by view, and never on every rerun; they
are named after the selection ("montelimar-liens.pdf", "senegal-liens.zip").

The export of a view is that view: the panel receives the Selection the map was drawn from and
hands its filters and resolved options (levels, colours, magnitude, budget) to the exporters."""

from __future__ import annotations

import dataclasses
import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from atlas.maps.export import selection_file_name
from atlas.models import Filters
from atlas.selection import MapOptions, Selection, products
from atlas.ui import data
from atlas.ui.i18n import t

MAP_FORMATS = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml", "html": "text/html"}
DATA_FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
                "parquet": "application/vnd.apache.parquet"}


@st.cache_data(show_spinner=False, max_entries=16)
def map_file(path: str, version: int, filters: Filters, options: MapOptions, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = products.export_map(data.handle(path).db, filters, Path(tmp) / f"carte.{fmt}", options)
        return Path(out).read_bytes()


@st.cache_data(show_spinner=False, max_entries=16)
def data_file(path: str, version: int, filters: Filters, options: MapOptions, fmt: str) -> tuple[bytes, str]:
    """The data export; several files (GeoPackage sidecars, flowmap pairs) come zipped."""
    with tempfile.TemporaryDirectory() as tmp:
        written = products.export_data(data.handle(path).db, filters, Path(tmp) / f"liens.{fmt}", options)
        if len(written) == 1:
            return Path(written[0]).read_bytes(), Path(written[0]).name
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in written:
                zf.write(f, Path(f).name)
        return buf.getvalue(), "liens.zip"


def _request(state_key: str, *spec) -> None:
    """Button callback: record what to prepare.

    A callback runs before the script, so the request survives a run interrupted by another
    rerun (the map component reporting its first state, say); a bare ``if st.button(...)`` would
    lose the click then.
    """
    st.session_state[state_key] = spec


def export_panel(sel: Selection, lang: str, key: str, title: str | None = None) -> None:
    """Two rows: map export and data export of the view ``sel``."""
    filters = sel.filters
    path = data.db_path()
    version = data.db_version(path)
    with st.expander(t("exports", lang), key=f"{key}_exports"):
        c1, c2, c3, c4 = st.columns([2, 2, 2, 3], vertical_alignment="bottom")
        fmt = c1.selectbox(t("map_format", lang), list(MAP_FORMATS), key=f"{key}_map_fmt",
                           format_func=str.upper)
        layout = c2.selectbox(t("layout", lang), ["a4", "16:9"], key=f"{key}_layout",
                              format_func=lambda v: {"a4": "A4", "16:9": "16:9"}[v])
        options = dataclasses.replace(sel.options, layout=layout, lang=lang, title=title)
        spec = (filters, fmt, options)
        c3.button(t("prepare", lang), key=f"{key}_map_go", on_click=_request, args=(f"{key}_map_request", *spec))
        ready = st.session_state.get(f"{key}_map_bytes")
        if st.session_state.get(f"{key}_map_request") == spec and (not ready or ready[0] != spec):
            with c3, st.spinner(t("preparing", lang)):
                ready = st.session_state[f"{key}_map_bytes"] = (
                    spec, map_file(path, version, filters, options, fmt))
        # A file made for other filters is not offered: the download always matches the view.
        if ready and ready[0][0] == filters:
            (_, ready_fmt, *_), content = ready
            c4.download_button(t("download_map", lang).format(fmt=ready_fmt.upper()), content,
                               file_name=selection_file_name(title or sel.title, sel.description, ready_fmt, lang),
                               mime=MAP_FORMATS[ready_fmt],
                               key=f"{key}_map_dl")
        d1, d2, d3 = st.columns([4, 2, 3], vertical_alignment="bottom")
        dfmt = d1.selectbox(t("data_format", lang), list(DATA_FORMATS), key=f"{key}_data_fmt",
                            format_func=lambda v: {"csv": "CSV", "xlsx": "Excel (XLSX)", "geojson": "GeoJSON",
                                                   "gpkg": "GeoPackage (QGIS)", "parquet": "GeoParquet"}[v])
        dspec = (filters, dfmt, sel.options)
        d2.button(t("prepare", lang), key=f"{key}_data_go", on_click=_request, args=(f"{key}_data_request", *dspec))
        ready = st.session_state.get(f"{key}_data_bytes")
        if st.session_state.get(f"{key}_data_request") == dspec and (not ready or ready[0] != dspec):
            with d2, st.spinner(t("preparing", lang)):
                ready = st.session_state[f"{key}_data_bytes"] = (dspec, *data_file(path, version, filters,
                                                                                    sel.options, dfmt))
        if ready and ready[0][0] == filters:
            (_, ready_fmt, _opts), content, name = ready
            d3.download_button(t("download_data", lang).format(fmt=Path(name).suffix.lstrip(".").upper()),
                               content, file_name=selection_file_name(sel.title, sel.description,
                                                                      Path(name).suffix, lang),
                               mime="application/zip" if name.endswith(".zip") else DATA_FORMATS[ready_fmt],
                               key=f"{key}_data_dl")
