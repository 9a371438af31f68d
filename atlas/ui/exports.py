"""Download the current view: map (PNG, SVG, PDF, HTML) and data (CSV, XLSX, GeoJSON, GeoPackage,
GeoParquet). Files are made on request (a button), cached by view, and never on every rerun."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from atlas.models import Filters
from atlas.ui import data
from atlas.ui.i18n import t

MAP_FORMATS = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml", "html": "text/html"}
DATA_FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
                "parquet": "application/vnd.apache.parquet"}


@st.cache_data(show_spinner=False, max_entries=16)
def map_file(path: str, version: int, filters: Filters, fmt: str, origin: str, dest: str, layout: str,
             lang: str, title: str | None, colour_by: str = "zone", magnitude: str = "links") -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = data.handle(path).export_map(filters, Path(tmp) / f"carte.{fmt}", origin_level=origin,
                                           dest_level=dest, layout=layout, lang=lang, title=title,
                                           colour_by=colour_by, magnitude=magnitude)
        return Path(out).read_bytes()


@st.cache_data(show_spinner=False, max_entries=16)
def data_file(path: str, version: int, filters: Filters, fmt: str) -> tuple[bytes, str]:
    """The data export; several files (GeoPackage sidecars, flowmap pairs) come zipped."""
    with tempfile.TemporaryDirectory() as tmp:
        written = data.handle(path).export_data(filters, Path(tmp) / f"liens.{fmt}")
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


def export_panel(filters: Filters, lang: str, key: str, origin: str = "auto", dest: str = "auto",
                 title: str | None = None, colour_by: str = "zone", magnitude: str = "links") -> None:
    """Two rows: map export and data export of ``filters``."""
    path = data.db_path()
    version = data.db_version(path)
    with st.expander(t("exports", lang), key=f"{key}_exports"):
        c1, c2, c3, c4 = st.columns([2, 2, 2, 3], vertical_alignment="bottom")
        fmt = c1.selectbox(t("map_format", lang), list(MAP_FORMATS), key=f"{key}_map_fmt",
                           format_func=str.upper)
        layout = c2.selectbox(t("layout", lang), ["a4", "16:9"], key=f"{key}_layout",
                              format_func=lambda v: {"a4": "A4", "16:9": "16:9"}[v])
        spec = (filters, fmt, layout, origin, dest, lang, title, colour_by, magnitude)
        c3.button(t("prepare", lang), key=f"{key}_map_go", on_click=_request, args=(f"{key}_map_request", *spec))
        ready = st.session_state.get(f"{key}_map_bytes")
        if st.session_state.get(f"{key}_map_request") == spec and (not ready or ready[0] != spec):
            with c3, st.spinner(t("preparing", lang)):
                ready = st.session_state[f"{key}_map_bytes"] = (
                    spec, map_file(path, version, filters, fmt, origin, dest, layout, lang, title,
                                   colour_by, magnitude))
        # A file made for other filters is not offered: the download always matches the view.
        if ready and ready[0][0] == filters:
            (_, ready_fmt, *_), content = ready
            c4.download_button(t("download_map", lang).format(fmt=ready_fmt.upper()), content,
                               file_name=f"atlas-carte.{ready_fmt}", mime=MAP_FORMATS[ready_fmt],
                               key=f"{key}_map_dl")
        d1, d2, d3 = st.columns([4, 2, 3], vertical_alignment="bottom")
        dfmt = d1.selectbox(t("data_format", lang), list(DATA_FORMATS), key=f"{key}_data_fmt",
                            format_func=lambda v: {"csv": "CSV", "xlsx": "Excel (XLSX)", "geojson": "GeoJSON",
                                                   "gpkg": "GeoPackage (QGIS)", "parquet": "GeoParquet"}[v])
        dspec = (filters, dfmt)
        d2.button(t("prepare", lang), key=f"{key}_data_go", on_click=_request, args=(f"{key}_data_request", *dspec))
        ready = st.session_state.get(f"{key}_data_bytes")
        if st.session_state.get(f"{key}_data_request") == dspec and (not ready or ready[0] != dspec):
            with d2, st.spinner(t("preparing", lang)):
                ready = st.session_state[f"{key}_data_bytes"] = (dspec, *data_file(path, version, filters, dfmt))
        if ready and ready[0][0] == filters:
            (_, ready_fmt), content, name = ready
            d3.download_button(t("download_data", lang).format(fmt=Path(name).suffix.lstrip(".").upper()),
                               content, file_name=f"atlas-{name}",
                               mime="application/zip" if name.endswith(".zip") else DATA_FORMATS[ready_fmt],
                               key=f"{key}_data_dl")
