"""AppTest of the Bourse partenariat page (/bourse) and of the profile's open posts, on the test atlas:
what the page lists and says equals atlas.db.exchange's answers; URLs preload the view and a
hostile one changes nothing."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from atlas.db import exchange
from atlas.models import Filters
from atlas.ui.widgets import md_escape

TIMEOUT = 120


def _page(name: str, lang: str = "fr") -> str:
    return f"""
import streamlit as st
from atlas.ui.pages import {name}
st.session_state.setdefault("lang", {lang!r})
{name}.render()
"""


def _run(params: dict[str, str] | None = None, lang: str = "fr", page: str = "exchange") -> AppTest:
    at = AppTest.from_string(_page(page, lang), default_timeout=TIMEOUT)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _chooser(at: AppTest):
    return at.selectbox(key="bx_post")


def test_default_view_lists_the_open_unexpired_posts(db_env, atlas_handle):
    at = _run()
    assert at.title[0].value == "Bourse partenariat"
    expected = exchange.posts(atlas_handle.db, statuses=("ouverte",))
    assert set(_chooser(at).options) == {f"{t} — {a}" for t, a in zip(expected["title"], expected["author_name"])}
    counts = exchange.counts(atlas_handle.db)
    caption = next(c.value for c in at.caption if c.value.startswith("Offres ouvertes"))
    assert caption == (f"Offres ouvertes : {counts['offers']} · demandes ouvertes : {counts['requests']} · "
                       f"annonces affichées : {len(expected)}")
    assert any("inventées (démonstration)" in i.value for i in at.info)  # invented posts are labelled
    assert "Gérer cette annonce" not in [s.value for s in at.subheader]
    # the public app publishes nothing: it says how to
    assert any("atlas serve --edit" in c.value for c in at.caption)


def test_url_preloads_filters_and_keeps_them(db_env, atlas_handle):
    at = _run({"themes": "eau,sante", "kind": "demande", "state": "all", "expired": "1",
               "zones": "Afrique subsaharienne"})
    expected = exchange.posts(atlas_handle.db, Filters(themes=["eau", "sante"], zones=["Afrique subsaharienne"]),
                              kinds=["demande"], include_expired=True)
    assert len(expected) > 0
    assert len(_chooser(at).options) == len(expected)
    assert at.multiselect(key="bx_kinds").value == ["demande"]
    assert at.multiselect(key="bx_statuses").value == []
    assert at.checkbox(key="bx_expired").value is True
    params = dict(at.query_params)
    assert params["state"] == ["all"] or params["state"] == "all"


def test_the_french_authors_territory(db_env, atlas_handle):
    at = _run({"regions": "84", "state": "all"})
    expected = exchange.posts(atlas_handle.db, Filters(regions=["84"]))
    assert len(expected) > 0 and len(_chooser(at).options) == len(expected)
    assert at.multiselect(key="bx_regions").value == ["84"]


def test_real_data_only_hides_the_invented_posts(db_env, atlas_handle):
    at = _run({"sources": "real"})
    assert len(_chooser(at).options) == len(exchange.posts(atlas_handle.db, Filters(sources=["real"]),
                                                           statuses=("ouverte",)))
    assert not any("inventées (démonstration)" in i.value for i in at.info)


def test_a_post_by_url_shows_its_matches_and_who_else(db_env, atlas_handle):
    db = atlas_handle.db
    post_id = next(p for p in exchange.posts(db, statuses=("ouverte",))["id"]
                   if len(exchange.matches(db, p)) and len(exchange.who_else(db, p)))
    post = exchange.post(db, post_id)
    at = _run({"post": post_id})
    subheaders = [s.value for s in at.subheader]
    assert md_escape(post["title"]) in subheaders
    assert "Annonces qui y répondent" in subheaders and "Qui d'autre en France ?" in subheaders
    matches = exchange.matches(db, post_id)
    lines = [m.value for m in at.markdown if "/bourse?post=" in m.value]
    assert len(lines) == min(20, len(matches))
    assert f"/bourse?post={matches['id'].iloc[0]}" in lines[0]  # best first
    who = exchange.who_else(db, post_id, top=50)
    table = next(d.value for d in at.dataframe if "Projets" in d.value.columns)
    assert list(table["Collectivités françaises"]) == list(who["fr_name"])
    assert list(table["Projets"]) == list(who["n_projects"])
    assert at.query_params["post"] in (post_id, [post_id])
    assert any("Données inventées pour la démonstration" in w.value for w in at.warning)


def test_english(db_env, atlas_handle):
    post_id = exchange.posts(atlas_handle.db)["id"].iloc[0]
    at = _run({"post": post_id}, lang="en")
    assert at.title[0].value == "Partnership exchange"
    subheaders = [s.value for s in at.subheader]
    assert "Who else in France?" in subheaders and "Matching posts" in subheaders


@pytest.mark.parametrize("param, value", [
    ("post", "[lien](javascript:alert(1))"), ("post", "x" * 5000), ("kind", "offer,<b>"),
    ("state", "[lien](javascript:alert(1))"), ("expired", "²"), ("themes", "<script>"),
])
def test_hostile_parameters_change_nothing(db_env, param, value):
    at = _run({param: value})
    shown = "\n".join(str(x.value) for kind in ("error", "warning", "info", "markdown", "caption", "subheader")
                      for x in getattr(at, kind))
    assert "[lien](javascript:" not in shown and "Traceback" not in shown
    if param == "post":
        assert any("Aucune annonce ne porte cet identifiant" in e.value for e in at.error)


def test_a_profile_lists_its_open_posts(db_env, atlas_handle):
    posts = exchange.posts(atlas_handle.db, statuses=("ouverte",))
    author = posts[posts["author_is_french"]]["authority_id"].iloc[0]
    mine = exchange.open_offers(atlas_handle.db, author)
    at = _run({"id": author}, page="territory")
    assert "Bourse partenariat : annonces ouvertes" in [s.value for s in at.subheader]
    links = [m.value for m in at.markdown if "/bourse?post=" in m.value]
    assert len(links) == len(mine)
    assert all(f"/bourse?post={p}" in "".join(links) for p in mine["id"])
