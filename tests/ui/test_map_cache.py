"""The app's maps are made once per view (atlas.ui.data.flow_map): a rerun of the same view gets
a copy of the cached map, the same map a new build would give; another view gets its own."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from atlas.models import Filters
from atlas.selection import MapOptions
from atlas.selection import products

SCRIPT = """
import streamlit as st
from atlas.models import Filters
from atlas.selection import MapOptions
from atlas.ui import widgets
zones = st.session_state.get("zones", [])
widgets.flow_map(Filters(zones=zones), MapOptions(), "fr", key="m")
"""


def _html(m) -> str:  # noqa: ANN001 - a folium Map
    # element names carry random ids: the same map built twice differs only there
    return re.sub(r"_[0-9a-f]{32}\b", "_ID", m.get_root().render())


def test_a_view_is_built_once_and_its_copy_is_the_map_itself(db_env, monkeypatch):
    from atlas.ui import data

    data.flow_map.clear()
    built: list[Filters] = []
    real = products.map_of

    def counting(sel, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        built.append(sel.filters)
        return real(sel, *args, **kwargs)

    monkeypatch.setattr(products, "map_of", counting)
    at = AppTest.from_string(SCRIPT, default_timeout=90).run()
    assert not at.exception, at.exception
    at.run()  # the same view again (a page reload, a rerun from another widget)
    assert len(built) == 1, f"the same view was built {len(built)} times"
    at.session_state["zones"] = ["Europe"]
    at.run()  # another view
    assert [f.zones for f in built] == [(), ("Europe",)]

    path = str(db_env)
    version, view = data.db_version(path), MapOptions(lang="fr")
    cached = data.flow_map(path, version, Filters(), view)
    fresh = real(data.selection(path, version, Filters(), view), titled=False)[0]
    assert cached is not data.flow_map(path, version, Filters(), view)  # each caller its own copy
    assert _html(cached) == _html(fresh)
