"""Sign-in of an editing server (`atlas serve --edit`): no editing page without an account.

The signed-in user lives in the server's session state (the browser holds only Streamlit's
session id, never a name or a role) and expires after ATLAS_SESSION_MINUTES of idleness. Accounts,
password checks, locking and the audit log are atlas.ingest.accounts.
"""

from __future__ import annotations

import time

import streamlit as st

from atlas import config
from atlas.errors import AtlasError
from atlas.ingest.accounts import AccountError, User, sign_in
from atlas.ui import data, widgets
from atlas.ui.i18n import t

_KEY = "auth_user"


def current_user() -> User | None:
    """The signed-in user of this session, or None (also once the session has expired)."""
    entry = st.session_state.get(_KEY)
    if not entry:
        return None
    user, last = entry
    if time.monotonic() - last > 60 * config.number("session_minutes"):
        st.session_state.pop(_KEY, None)
        return None
    st.session_state[_KEY] = (user, time.monotonic())
    return user


def require(lang: str, roles: tuple[str, ...]) -> User:
    """The signed-in user with one of ``roles``; otherwise a sign-in form (or a refusal) and stop."""
    user = current_user()
    if user is None:
        _form(lang)
        st.stop()
    assert user is not None
    with st.sidebar:
        st.caption(t("signed_in_as", lang).format(name=user.name, role=t("role_" + user.role, lang)))
        if st.button(t("sign_out", lang), key="sign_out"):
            st.session_state.pop(_KEY, None)
            st.rerun()
    if user.role not in roles:
        st.error(t("role_refused", lang).format(role=t("role_" + user.role, lang)))
        st.stop()
    return user


def _form(lang: str) -> None:
    st.subheader(t("sign_in", lang))
    st.caption(t("sign_in_hint", lang))
    with st.form("sign_in_form"):
        name = st.text_input(t("user_name", lang), key="sign_in_name")
        password = st.text_input(t("password", lang), type="password", key="sign_in_password")
        sent = st.form_submit_button(t("sign_in", lang))
    if sent:
        try:
            user = sign_in(data.db_path(), name.strip(), password)
        except AccountError as exc:
            st.error(t("sign_in_refused", lang) + " " + widgets.error_text(exc))
        except AtlasError as exc:
            st.error(widgets.error_text(exc))
        else:
            st.session_state[_KEY] = (user, time.monotonic())
            st.rerun()


def declared_batches(lang: str, user: User, path: str, batches: list[tuple[str, str]], title: str,
                     key_prefix: str) -> None:
    """The user's declarations still stored (batch id · what it declared), each with a button
    that undoes it (atlas.ingest.declare.undo: its author or an administrator)."""
    from atlas.ingest import declare

    if not batches:
        return
    st.subheader(title)
    for batch, what in batches[:30]:
        c1, c2 = st.columns([4, 1])
        c1.text(f"{batch} · {what}")
        if c2.button(t("undo", lang), key=f"{key_prefix}{batch}"):
            try:
                declare.undo(path, user, batch)
            except AtlasError as exc:
                st.error(widgets.error_text(exc))
            else:
                st.rerun()
