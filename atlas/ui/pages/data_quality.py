"""Import et qualité (analysts, editing mode only): upload a file, read the report, resolve the
review queue, list and undo import batches."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from atlas.errors import AtlasError
from atlas.ui import auth, data, widgets
from atlas.ui.i18n import t

FORMATS = ("auto", "projects", "template", "pairs", "directory", "actors")


def _report(report, lang: str) -> None:
    d = report.to_dict()
    if d["format"] == "actors":  # an actor directory: actors, not links or projects
        widgets.metrics({"rows_read": d["rows_read"], "actors_imported": d["actors_imported"],
                         "queued": d["queued"]}, lang, keys=("rows_read", "actors_imported", "queued"))
    else:
        widgets.metrics({"rows_read": d["rows_read"], "links_imported": d["links_imported"],
                         "projects_imported": d["projects_imported"], "queued": d["queued"]}, lang,
                        keys=("rows_read", "links_imported", "projects_imported", "queued"))
    rates = []
    if d["french_match_rate"] is not None:
        rates.append(f"{t('french_matched', lang)} : {d['french_match_rate']} %")
    if d["partner_match_rate"] is not None:
        rates.append(f"{t('partners_matched', lang)} : {d['partner_match_rate']} %")
    if rates:
        st.caption(" · ".join(rates))
    # The summary is plain text (st.code shows it verbatim, never as markup).
    st.code(report.summary(max_lines=20), language=None)
    for key in ("errors", "skipped", "warnings", "flags"):
        if d[key]:
            with st.expander(f"{t('report_' + key, lang)} ({len(d[key])})"):
                st.dataframe(pd.DataFrame(d[key]).astype(str), hide_index=True, width="stretch")
    issues = [{"row": i["row"], "side": i["side"], "value": i["value"], "reason": i["reason"],
               "candidates": ", ".join(c.get("label", str(c)) for c in i["candidates"][:5])}
              for i in d["ambiguous"] + d["unmatched"]]
    if issues:
        with st.expander(f"{t('report_queue', lang)} ({len(issues)})"):
            st.dataframe(pd.DataFrame(issues).astype(str), hide_index=True, width="stretch")
    st.download_button(t("report_download", lang), report.to_json(), file_name="import-report.json",
                       mime="application/json", key="report_download")


def _import_section(lang: str, path: str) -> None:
    from atlas.ingest import import_file

    st.subheader(t("import_file", lang))
    upload = st.file_uploader(t("import_upload", lang), type=["csv", "tsv", "txt", "xlsx", "xls", "ods"], key="import_upload")
    fmt = st.selectbox(t("import_format", lang), FORMATS, key="import_format",
                       format_func=lambda f: t("format_" + f, lang))
    c1, c2 = st.columns(2)
    dry = c1.button(t("import_check", lang), key="import_dry", disabled=upload is None)
    run = c2.button(t("import_run", lang), key="import_run", type="primary", disabled=upload is None)
    if upload is None or not (dry or run):
        return
    with tempfile.TemporaryDirectory() as tmp:
        # Keep the uploaded name: the batch records it, and format detection reads the extension.
        target = Path(tmp) / Path(upload.name).name
        target.write_bytes(upload.getvalue())
        try:
            with st.spinner(t("import_running", lang)):
                report = import_file(target, path, format=fmt, dry_run=dry)
        except AtlasError as exc:
            st.error(widgets.error_text(exc))
            return
    st.session_state["last_report"] = report
    if not dry:
        st.success(t("import_done", lang).format(batch=report.batch_id or "—"))


def _review_section(lang: str, path: str) -> None:
    from atlas.ingest.review import Decision, ReviewError, decide, list_queue

    st.subheader(t("review_queue", lang))
    queue = list_queue(path)
    if not queue:
        st.caption(t("review_empty", lang))
        return
    # One entry per distinct value: a decision settles every row that holds it.
    groups: dict[str, list[dict]] = {}
    for item in queue:
        groups.setdefault(item["decision_key"], []).append(item)
    st.caption(t("review_count", lang).format(n=len(queue)) + " · "
               + t("review_values", lang).format(n=len(groups)))
    for rows in sorted(groups.values(), key=lambda g: -len(g))[:25]:
        item = rows[0]
        where = ", ".join(str(r["row"]) for r in rows[:8]) + (" …" if len(rows) > 8 else "")
        # Expander labels and radio options are markdown: imported values are escaped as text.
        label = widgets.md_escape(f"{item['value']} ({item.get('context') or '—'}) · {item['side']} · "
                                  f"{len(rows)} {t('row', lang)}(s) {where} — {item['reason']}")
        with st.expander(label):
            if item.get("context"):
                st.text(item["context"])
            options = [-1] + list(range(len(item["candidates"])))
            choice = st.radio(t("review_pick", lang), options, key=f"pick_{item['id']}",
                              format_func=lambda i, c=item["candidates"]: t("review_ignore", lang) if i < 0
                              else widgets.md_escape(f"{c[i].get('name', '')} [{c[i].get('id', '')}] "
                                                     f"{c[i].get('detail', '')}"))
            coords = st.columns(3)
            lat = coords[0].number_input("lat", min_value=-90.0, max_value=90.0, value=None, key=f"lat_{item['id']}")
            lon = coords[1].number_input("lon", min_value=-180.0, max_value=180.0, value=None, key=f"lon_{item['id']}")
            if coords[2].button(t("review_apply", lang), key=f"apply_{item['id']}"):
                if lat is not None and lon is not None:
                    decision = Decision(item=item["id"], lat=lat, lon=lon)
                elif choice < 0:
                    decision = Decision(item=item["id"], ignore=True)
                else:
                    decision = Decision(item=item["id"], pick=choice + 1)
                try:
                    decide(path, [decision])
                except (ReviewError, AtlasError) as exc:
                    st.error(widgets.error_text(exc))
                else:
                    st.rerun()


def _stale_section(lang: str, path: str) -> None:
    """Authorities whose real records were not confirmed « à jour » for a year (or never)."""
    from atlas.ingest.confirm import STALE_MONTHS, stale

    df = stale(path)
    st.subheader(t("stale_title", lang))
    st.caption(t("stale_count", lang).format(n=len(df), months=STALE_MONTHS))
    if len(df):
        st.dataframe(df.head(500).astype({"last_confirmed": str}), hide_index=True, width="stretch", height=240)


def _batches_section(lang: str, path: str) -> None:
    from atlas.ingest.batches import list_batches, undo_batch

    st.subheader(t("batches", lang))
    batches = list_batches(path)
    st.dataframe(pd.DataFrame(batches).astype(str), hide_index=True, width="stretch")
    undoable = [b["id"] for b in batches if not b["is_demo"]]
    if undoable:
        c1, c2 = st.columns([3, 1])
        target = c1.selectbox(t("undo_batch", lang), undoable, index=None, key="undo_target")
        if c2.button(t("undo", lang), key="undo_run", disabled=target is None):
            try:
                undo_batch(path, target)
            except AtlasError as exc:
                st.error(widgets.error_text(exc))
            else:
                st.success(t("undone", lang).format(batch=target))
                st.rerun()


def render() -> None:
    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    st.title(t("data_quality", lang))
    auth.require(lang, roles=("admin",))  # imports, review and undo of any batch: administrators
    st.caption(t("edit_mode_note", lang))
    _import_section(lang, path)
    if "last_report" in st.session_state:
        _report(st.session_state["last_report"], lang)
    _review_section(lang, path)
    _stale_section(lang, path)
    _batches_section(lang, path)
