"""The sheet pages (/projet?id=…, /partenariat?id=…): one project or partnership, its parties,
themes, funding, source and related records, with a one-page PDF (atlas.maps.print_sheet).

Data text is shown with st.text / escaped markdown: names from imported files are never markup.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from atlas.db import sheets
from atlas.maps.print_sheet import LABELS, STATUS, write_sheet
from atlas.ui import data, nav, widgets
from atlas.ui.i18n import t

#: Longest id read from a URL: ids are short readable text (demo-p00001, imp-s-94e0…).
MAX_ID = 80


def _id_from_url() -> str | None:
    raw = str(st.query_params.get("id") or "").strip()
    return raw if 0 < len(raw) <= MAX_ID and raw.isprintable() else None


@st.cache_data(show_spinner=False, max_entries=256)
def _sheet(path: str, version: int, kind: str, sid: str) -> dict[str, Any] | None:
    db = data.handle(path).db
    return sheets.project_sheet(db, sid) if kind == "project" else sheets.partnership_sheet(db, sid)


@st.cache_data(show_spinner=False, max_entries=32)
def _pdf(path: str, version: int, kind: str, sid: str, lang: str) -> bytes:
    sheet = _sheet(path, version, kind, sid)
    with tempfile.TemporaryDirectory() as tmp:
        out = write_sheet(sheet, Path(tmp) / "fiche.pdf", lang)
        return out.read_bytes()


def _provenance(sheet: dict[str, Any], lang: str) -> None:
    prov = sheet.get("provenance") or {}
    words = LABELS["fr" if lang == "fr" else "en"]
    if prov.get("is_demo"):
        st.warning(t("sheet_demo", lang), icon=":material/science:")
    bits = [str(prov.get("source") or prov.get("file_name") or "—")]
    if prov.get("source_date"):
        bits.append(str(prov["source_date"]))
    if prov.get("licence"):
        bits.append(f"{words['licence']} {prov['licence']}")
    st.caption(widgets.md_escape(f"{words['source']} : " + " · ".join(bits)))


def _history(sheet: dict[str, Any], lang: str, path: str) -> None:
    """Who changed the record and when (the audit log of its batch: declarations, updates)."""
    from atlas.ingest.accounts import history

    rows = history(path, (sheet.get("provenance") or {}).get("batch_id"))
    if rows:
        with st.expander(t("sheet_history", lang)):
            for r in rows:
                st.text(f"{r['at']:%Y-%m-%d %H:%M} · {r['user'] or '—'} · {r['action']}"
                        + (f" · {r['detail']}" if r.get("detail") else ""))


def _party_links(parties: list[dict[str, Any]], lang: str) -> None:
    words = LABELS["fr" if lang == "fr" else "en"]
    for p in parties[:40]:
        country = "" if p["is_french"] else f", {p.get('country_fr' if lang == 'fr' else 'country_en') or ''}"
        role = words["role"].get(p.get("role") or "", "")
        label = f"{p['name']}{country}" + (f" — {role}" if role else "")
        if p["is_french"]:
            st.page_link(nav.page("collectivite", lang), label=widgets.md_escape(label),
                         icon=":material/account_balance:", query_params={"id": p["id"]})
        else:
            st.text("• " + label)
    if len(parties) > 40:
        st.caption(words["others"].format(n=len(parties) - 40))


def _related(projects: list[dict[str, Any]], title: str, lang: str) -> None:
    if not projects:
        return
    st.subheader(title)
    status = STATUS["fr" if lang == "fr" else "en"]
    for p in projects[:30]:
        years = "–".join(str(y) for y in (p.get("year_start"), p.get("year_end")) if y is not None)
        label = f"{p['title']} ({years}, {status.get(p.get('status') or '', p.get('status') or '')})"
        st.page_link(nav.page("projet", lang), label=widgets.md_escape(label), icon=":material/description:",
                     query_params={"id": p["id"]})


def render_sheet(kind: str) -> None:
    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    version = data.db_version(path)
    sid = _id_from_url()
    sheet = _sheet(path, version, kind, sid) if sid else None
    if sheet is None:
        st.title(t("sheet_project" if kind == "project" else "sheet_partnership", lang))
        st.info(t("sheet_missing", lang))
        return
    words = LABELS["fr" if lang == "fr" else "en"]
    status = STATUS["fr" if lang == "fr" else "en"]
    kind_label = sheet.get("kind_fr" if lang == "fr" else "kind_en") or sheet.get("kind") or ""
    if kind == "project":
        st.caption(words["project"])
        st.title(widgets.md_escape(str(sheet["title"])), anchor=False)
        years = "–".join(str(y) for y in (sheet.get("year_start"), sheet.get("year_end")) if y is not None)
    else:
        st.caption(f"{words['partnership']} · {kind_label}")
        st.title(widgets.md_escape(f"{sheet['fr_name']} — {sheet['partner_name']}"), anchor=False)
        years = f"{words['since']} {sheet['since']}" if sheet.get("since") else ""
    facts = [kind_label if kind == "project" else (sheet.get("country_fr" if lang == "fr" else "country_en") or ""),
             years, status.get(sheet.get("status") or "", sheet.get("status") or "")]
    st.markdown(widgets.md_escape(" · ".join(f for f in facts if f)))
    _provenance(sheet, lang)
    _history(sheet, lang, path)
    st.download_button(t("sheet_pdf", lang), _pdf(path, version, kind, sid, lang), file_name=f"fiche-{sid}.pdf",
                       mime="application/pdf", icon=":material/picture_as_pdf:")
    if kind == "project":
        _project(sheet, lang, words)
    else:
        left, right = st.columns(2)
        with left:
            st.subheader(words["french"])
            st.page_link(nav.page("collectivite", lang), label=widgets.md_escape(str(sheet["fr_name"])),
                         icon=":material/account_balance:", query_params={"id": sheet["fr_id"]})
        with right:
            st.subheader(words["partners"])
            st.text(f"{sheet['partner_name']}, {sheet.get('country_fr' if lang == 'fr' else 'country_en') or ''}")
        yes_no = words["yes"] if sheet.get("formalised") else words["no"]
        st.text(f"{words['agreement']} : {sheet.get('agreement') or words['none']} · {words['formalised']} : {yes_no}")
        _related(sheet["projects"], words["projects_of"], lang)


def _project(s: dict[str, Any], lang: str, words: dict[str, Any]) -> None:
    st.subheader(words["description"])
    st.text(str(s.get("description") or words["none"]))
    left, right = st.columns(2)
    with left:
        st.subheader(words["french"])
        _party_links(s["french"], lang)
    with right:
        st.subheader(words["partners"])
        _party_links(s["partners"], lang)
    st.subheader(f"{words['themes']} · {words['sdgs']}")
    st.text(", ".join(x["label_fr" if lang == "fr" else "label_en"] for x in s["themes"]) or words["none"])
    st.text(", ".join(f"{d['number']} {d['name_fr' if lang == 'fr' else 'name_en']}" for d in s["sdgs"])
            or words["none"])
    st.subheader(words["funding"])
    for f in s["funding"]:
        st.text(f"{f['label_fr' if lang == 'fr' else 'label_en']} : {widgets.fmt_int(f['amount_eur'] or 0)} €")
    st.markdown(f"**{words['budget']} : {widgets.fmt_int(s.get('budget_eur') or 0)} €**")
    if s["actors"]:
        st.subheader(words["actors"])
        for a in s["actors"]:
            st.text(f"• {a['name']}" + (f" ({a['type']})" if a.get("type") else ""))
    if s.get("partnership"):
        st.page_link(nav.page("partenariat", lang), label=t("sheet_partnership_link", lang),
                     icon=":material/handshake:", query_params={"id": s["partnership"]["id"]})
    _related(s["siblings"], words["other_projects"], lang)
