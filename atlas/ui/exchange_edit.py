"""Bourse partenariat on an editing server (`atlas serve --edit`): sign in, publish an offer or a
request for an authority the account covers, mark the shown post matched or closed, withdraw it
(atlas.ingest.exchange: checks, one batch per publication, audit log)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from atlas import config
from atlas.errors import AtlasError
from atlas.models import EXCHANGE_KINDS, KIND_BY_CODE, KINDS, THEMES, ZONE_LABELS_EN, ZONES
from atlas.ui import widgets
from atlas.ui.i18n import t

KIND_LABELS = {c.code: c for c in EXCHANGE_KINDS}


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def _label(code: str, table: dict, lang: str) -> str:
    item = table.get(code)
    return (item.label_fr if lang == "fr" else item.label_en) if item else str(code)


def theme_label(code: str, lang: str) -> str:
    return widgets.theme_labels([code], lang)


def publishing(lang: str, path: str, names: dict[str, str], post_id: str | None) -> None:
    """Editing server only: sign in, publish, and manage the shown post."""
    st.divider()
    if not config.flag("edit"):
        st.caption(t("bx_read_only", lang))
        return
    from atlas.ui import auth

    user = auth.require(lang, roles=("admin", "contributor"))  # a sign-in form until then
    if post_id:
        _manage(lang, path, user, post_id)
    st.subheader(t("bx_publish", lang))
    _publish_form(lang, path, user, names)


def _manage(lang: str, path: str, user, post_id: str) -> None:  # noqa: ANN001 - an accounts.User
    from atlas.ingest import exchange as write
    from atlas.ingest.accounts import covers
    from atlas.ingest.load import read_only

    try:
        with read_only(path) as con:
            row = con.execute("SELECT authority_id, status FROM exchange_posts WHERE id = ?", [post_id]).fetchone()
            allowed = row is not None and covers(con, user, row[0])
    except AtlasError:
        return
    if not allowed:
        return
    st.subheader(t("bx_manage", lang))
    cols = st.columns(4)
    actions = (("appariee", "bx_mark_matched"), ("close", "bx_mark_closed"), ("ouverte", "bx_reopen"))
    for col, (status, key) in zip(cols, actions):
        if col.button(t(key, lang), key=f"bx_set_{status}", disabled=row[1] == status):
            try:
                write.set_status(path, user, post_id, status)
            except AtlasError as exc:
                st.error(widgets.error_text(exc))
            else:
                st.rerun()
    if cols[3].button(t("bx_withdraw", lang), key="bx_withdraw"):
        try:
            write.withdraw(path, user, post_id)
        except AtlasError as exc:
            st.error(widgets.error_text(exc))
        else:
            st.session_state.pop("bx_post", None)
            st.query_params.pop("post", None)
            st.rerun()


def _publish_form(lang: str, path: str, user, names: dict[str, str]) -> None:  # noqa: ANN001
    from atlas.ingest import exchange as write

    fr = lang == "fr"
    st.caption(t("bx_publish_hint", lang))
    fixed = bool(user.role == "contributor" and user.scope and user.scope.split(":")[0] in ("commune", "epci"))
    with st.form("bx_publish_form"):
        author = st.text_input(t("bx_author", lang), value=user.scope or "", disabled=fixed,
                               help=t("bx_author_help", lang))
        kind = st.radio(t("bx_kind", lang), list(KIND_LABELS), horizontal=True,
                        format_func=lambda c: _label(c, KIND_LABELS, lang))
        title = st.text_input(t("bx_title", lang), max_chars=write.MAX_TITLE)
        themes = st.multiselect(t("themes", lang), [th.code for th in THEMES], format_func=lambda c: theme_label(c, lang),
                                max_selections=write.MAX_THEMES, placeholder=t("all", lang))
        c1, c2, c3 = st.columns(3)
        country = c1.selectbox(t("bx_country", lang), sorted(names, key=lambda c: names[c]), index=None,
                               format_func=lambda c: names[c], placeholder=t("country_placeholder", lang))
        zone = c2.selectbox(t("bx_zone", lang), list(ZONES), index=None,
                            format_func=lambda z: z if fr else ZONE_LABELS_EN[z], placeholder="—")
        area = c3.text_input(t("bx_area", lang), max_chars=write.MAX_AREA)
        c1, c2 = st.columns(2)
        action_kind = c1.selectbox(t("bx_action_kind", lang), [k.code for k in KINDS], index=0,
                                   format_func=lambda c: _label(c, KIND_BY_CODE, lang))
        expires = c2.date_input(t("bx_expires", lang), value=_today() + dt.timedelta(days=write.DEFAULT_DAYS),
                                min_value=_today() + dt.timedelta(days=1),
                                max_value=_today() + dt.timedelta(days=write.MAX_DAYS), format="YYYY-MM-DD")
        description = st.text_area(t("bx_description", lang), max_chars=write.MAX_DESCRIPTION)
        contact = st.text_input(t("bx_contact", lang), max_chars=write.MAX_CONTACT)
        sent = st.form_submit_button(t("bx_publish_button", lang), type="primary")
    if not sent:
        return
    post = write.Post(kind=kind, authority_id=(user.scope if fixed else author).strip(), title=title,
                      themes=tuple(themes), country_iso2=country, zone=None if country else zone, area=area,
                      action_kind=action_kind, description=description, contact=contact,
                      expires_on=expires if isinstance(expires, dt.date) else None)
    try:
        new_id = write.publish(path, user, post)
    except AtlasError as exc:
        st.error(widgets.error_text(exc))
        return
    st.session_state["bx_pending_post"] = new_id
    st.session_state["bx_just_published"] = new_id
    st.rerun()
