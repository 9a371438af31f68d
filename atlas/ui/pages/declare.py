"""Déclarer (editing mode, signed in): an authority's agent declares or updates a partnership or
a project without a file. The checks are the importer's (strict), shown before saving; each save
is an undoable batch of its author (atlas.ingest.declare)."""

from __future__ import annotations

import streamlit as st

from atlas.errors import AtlasError
from atlas.models import KINDS, SDGS, STATUSES, THEMES
from atlas.ui import auth, data, nav, widgets
from atlas.ui.i18n import t


def _mine(path: str, user) -> list[tuple[str, str]]:  # noqa: ANN001 - an accounts.User
    """(batch id, what it declared) of the user's declarations still in the atlas, newest first."""
    rows = data.handle(path).db.rows(
        """SELECT b.id, coalesce(max(l.detail), b.id) FROM import_batches b
           LEFT JOIN audit_log l ON l.target = b.id AND l.action IN ('declare', 'update')
           WHERE b.user_name = $u AND b.format = 'declaration' GROUP BY b.id, b.imported_at
           ORDER BY b.imported_at DESC""", {"u": user.name})
    return [(r[0], r[1]) for r in rows]


def _form(lang: str, user, path: str):  # noqa: ANN001
    from atlas.ingest.declare import Declaration

    fr = lang == "fr"
    countries = data.choices(path, data.db_version(path))["countries"]
    names = dict(zip(countries["iso2"], countries["name_fr" if fr else "name_en"]))
    with st.form("declaration"):
        fixed = user.role == "contributor" and user.scope and user.scope.split(":")[0] in ("commune", "epci")
        fr_id = st.text_input(t("decl_fr", lang), value=user.scope or "", disabled=bool(fixed),
                              help=t("decl_fr_help", lang))
        c1, c2 = st.columns(2)
        partner = c1.text_input(t("decl_partner", lang))
        country = c2.selectbox(t("countries", lang), sorted(names, key=lambda c: names[c]), index=None,
                               format_func=lambda c: names[c], placeholder=t("country_placeholder", lang))
        kind = st.selectbox(t("kinds", lang), [k.code for k in KINDS],
                            format_func=lambda c: next(k.label_fr if fr else k.label_en for k in KINDS if k.code == c))
        title = st.text_input(t("decl_title", lang), help=t("decl_title_help", lang))
        description = st.text_area(t("decl_description", lang))
        themes = st.multiselect(t("themes", lang), [th.code for th in THEMES],
                                format_func=lambda c: next(th.label_fr if fr else th.label_en
                                                           for th in THEMES if th.code == c))
        sdgs = st.multiselect(t("sdgs", lang), [s.number for s in SDGS],
                              format_func=lambda n: f"{n} · {SDGS[n - 1].name_fr if fr else SDGS[n - 1].name_en}")
        c1, c2, c3, c4 = st.columns(4)
        y0 = c1.number_input(t("decl_year_start", lang), min_value=1900, max_value=2100, value=None, step=1)
        y1 = c2.number_input(t("decl_year_end", lang), min_value=1900, max_value=2100, value=None, step=1)
        status = c3.selectbox(t("status", lang), [s[0] for s in STATUSES], index=None,
                              format_func=lambda c: next(s[1] if fr else s[2] for s in STATUSES if s[0] == c))
        budget = c4.number_input(t("decl_budget", lang), min_value=0.0, value=None, step=1000.0)
        mine = _mine(path, user)
        replaces = st.selectbox(t("decl_replaces", lang), [b for b, _d in mine], index=None,
                                format_func=lambda b: dict(mine).get(b, b), placeholder=t("decl_new", lang))
        b1, b2 = st.columns(2)
        checking = b1.form_submit_button(t("decl_check", lang))
        saving = b2.form_submit_button(t("decl_save", lang), type="primary")
    decl = Declaration(fr_id=(user.scope if fixed else fr_id).strip(), partner_name=partner,
                       partner_country=country or "", kind=kind, title=title, description=description,
                       themes=tuple(themes), sdgs=tuple(sdgs), year_start=None if y0 is None else int(y0),
                       year_end=None if y1 is None else int(y1), status=status or "", budget=budget)
    return decl, replaces, checking, saving


def render() -> None:
    from atlas.ingest import declare

    lang = st.session_state.get("lang", "fr")
    path = data.db_path()
    st.title(t("declare", lang))
    user = auth.require(lang, roles=("admin", "contributor"))
    what = st.radio(t("decl_what", lang), ("project", "actor"), horizontal=True, key="decl_what",
                    format_func=lambda w: t("decl_what_" + w, lang))
    if what == "actor":  # an actor of the territory (atlas.ui.actor_edit)
        from atlas.ui import actor_edit

        actor_edit.render(lang, user, path)
        return
    st.caption(t("decl_hint", lang))
    decl, replaces, checking, saving = _form(lang, user, path)
    if checking or saving:
        try:
            report = declare.save(path, user, decl, replaces=replaces) if saving else declare.check(path, user, decl)
        except AtlasError as exc:
            st.error(widgets.error_text(exc))
        else:
            if saving:
                st.success(t("decl_saved", lang).format(batch=report.batch_id))
                st.page_link(nav.page("collectivite", lang), label=t("decl_see_profile", lang),
                             query_params={"id": decl.fr_id})
            else:
                st.info(t("decl_checked", lang).format(links=report.links_imported, projects=report.projects_imported))
    _confirm(lang, user, path)
    auth.declared_batches(lang, user, path, _mine(path, user), t("decl_mine", lang), "undo_")


def _confirm(lang: str, user, path: str) -> None:  # noqa: ANN001 - an accounts.User
    """« À jour au … »: the contributor confirms that its authority's records are current."""
    from atlas.ingest.confirm import confirm

    if not user.scope:
        return
    last = data.handle(path).db.scalar("SELECT max(confirmed_at) FROM confirmations WHERE authority_id = $a",
                                       {"a": user.scope}) if _has_confirmations(path) else None
    st.subheader(t("confirm_title", lang))
    st.caption(t("confirm_last", lang).format(date=f"{last:%Y-%m-%d}" if last else t("confirm_never", lang)))
    if st.button(t("confirm_button", lang), key="confirm_current"):
        try:
            when = confirm(path, user, user.scope)
        except AtlasError as exc:
            st.error(widgets.error_text(exc))
        else:
            st.success(t("confirm_done", lang).format(date=f"{when:%Y-%m-%d}"))


def _has_confirmations(path: str) -> bool:
    return bool(data.handle(path).db.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'confirmations'"))
