"""Déclarer › un acteur du territoire (editing mode, signed in): an association, a school, a
company… of the territory with its seat, sectors, countries, SDGs and the support of an
authority. The checks are the importer's (strict, atlas.ingest.declare_actor), shown before
saving; each save is an undoable batch of its author."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from atlas.errors import AtlasError
from atlas.models import ACTOR_TYPES, SDGS, SECTORS, SUPPORT_KINDS
from atlas.ui import auth, data, widgets
from atlas.ui.i18n import t


def _label(items, code: str, fr: bool) -> str:  # noqa: ANN001 - a tuple of models.Code
    item = next((c for c in items if c.code == code), None)
    return (item.label_fr if fr else item.label_en) if item else code


def _mine(path: str, user) -> list[tuple[str, str]]:  # noqa: ANN001 - an accounts.User
    """(batch id, what it declared) of the user's actor declarations, newest first (through the
    app's handle, which follows the database file when a write replaces it)."""
    from atlas.ingest.declare_actor import FORMAT

    rows = data.handle(path).db.rows(
        """SELECT b.id, coalesce(max(l.detail), b.id) FROM import_batches b
           LEFT JOIN audit_log l ON l.target = b.id AND l.action IN ('declare', 'update')
           WHERE b.user_name = $u AND b.format = $f GROUP BY b.id, b.imported_at
           ORDER BY b.imported_at DESC""", {"u": user.name, "f": FORMAT})
    return [(r[0], r[1]) for r in rows]


def _form(lang: str, user, path: str):  # noqa: ANN001, ANN202 - an accounts.User
    from atlas.ingest.declare_actor import ActorDeclaration

    fr = lang == "fr"
    countries = data.handle(path).sql("SELECT iso2, name_fr, name_en FROM countries WHERE iso2 <> 'FR'")
    names = dict(zip(countries["iso2"], countries["name_fr" if fr else "name_en"]))
    scope = user.scope or ""
    with st.form("actor_declaration"):
        c1, c2 = st.columns([3, 2])
        name = c1.text_input(t("actor_name", lang))
        typ = c2.selectbox(t("actor_type", lang), [c.code for c in ACTOR_TYPES], index=None,
                           format_func=lambda c: _label(ACTOR_TYPES, c, fr), placeholder=t("actor_type_guess", lang))
        seat = st.text_input(t("actor_seat", lang), value=scope if scope.startswith("commune:") else "",
                             help=t("actor_seat_help", lang))
        sectors = st.multiselect(t("actor_sectors", lang), [c.code for c in SECTORS],
                                 format_func=lambda c: _label(SECTORS, c, fr))
        chosen = st.multiselect(t("actor_countries", lang), sorted(names, key=lambda c: names[c]),
                                format_func=lambda c: names[c])
        sdgs = st.multiselect(t("sdgs", lang), [s.number for s in SDGS],
                              format_func=lambda n: f"{n} · {SDGS[n - 1].name_fr if fr else SDGS[n - 1].name_en}")
        c1, c2, c3 = st.columns(3)
        identifier = c1.text_input(t("actor_identifier", lang))
        website = c2.text_input(t("actor_website", lang))
        since = c3.number_input(t("actor_since", lang), min_value=1800, max_value=2100, value=None, step=1)
        description = st.text_area(t("decl_description", lang))
        st.markdown(f"**{t('actor_support', lang)}**")
        c1, c2, c3, c4 = st.columns([3, 2, 1, 2])
        supporter = c1.text_input(t("actor_supporter", lang), value=scope, help=t("actor_supporter_help", lang))
        kind = c2.selectbox(t("actor_support_kind", lang), [c.code for c in SUPPORT_KINDS],
                            format_func=lambda c: _label(SUPPORT_KINDS, c, fr))
        year = c3.number_input(t("actor_support_year", lang), min_value=1900, max_value=2100,
                               value=dt.date.today().year, step=1)
        amount = c4.number_input(t("actor_support_amount", lang), min_value=0.0, value=None, step=500.0)
        declared = _mine(path, user)
        replaces = st.selectbox(t("decl_replaces", lang), [b for b, _d in declared], index=None,
                                format_func=lambda b: dict(declared).get(b, b), placeholder=t("decl_new", lang))
        b1, b2 = st.columns(2)
        checking = b1.form_submit_button(t("decl_check", lang))
        saving = b2.form_submit_button(t("decl_save", lang), type="primary")
    decl = ActorDeclaration(name=name, seat=seat, type=typ or "", sectors=tuple(sectors), countries=tuple(chosen),
                            sdgs=tuple(sdgs), identifier=identifier, website=website, description=description,
                            since=None if since is None else int(since), supporter=supporter, support_kind=kind,
                            support_year=None if year is None else int(year), support_amount=amount)
    return decl, replaces, checking, saving


def render(lang: str, user, path: str) -> None:  # noqa: ANN001 - an accounts.User
    """The actor form, its check or save, and the user's declared actors (each can be undone)."""
    from atlas.ingest import declare_actor
    from atlas.ingest.formats.actor_template import template_xlsx

    st.caption(t("actor_hint", lang))
    decl, replaces, checking, saving = _form(lang, user, path)
    if checking or saving:
        try:
            if saving:
                report = declare_actor.save(path, user, decl, replaces=replaces)
            else:
                report = declare_actor.check(path, user, decl)
        except AtlasError as exc:
            st.error(widgets.error_text(exc))
        else:
            if saving:
                st.success(t("decl_saved", lang).format(batch=report.batch_id))
            else:
                st.info(t("actor_checked", lang).format(actors=report.actors_imported,
                                                        supports=report.supports_imported))
            for w in report.warnings:  # values the importer ignored, shown as text
                st.warning(widgets.md_escape(f"{w['column']} : {w['value']} — {w['expected']}"))
    st.download_button(t("actor_template", lang), template_xlsx(), file_name="modele-annuaire-acteurs.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="actor_template")
    auth.declared_batches(lang, user, path, _mine(path, user), t("actor_mine", lang), "undo_actor_")
