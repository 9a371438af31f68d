"""The server's warm-up (atlas.ui.server.warm_up) computes what the first visitor's Explorer asks
for: the same view, into the same caches."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from atlas.ui.server import default_view, warm_up

ROOT = Path(__file__).resolve().parents[2]


def test_the_warm_up_view_is_the_one_the_explorer_draws_first(db_env, monkeypatch):
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "atlas" / "ui" / "script" / "atlas_app.py"), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    view = default_view("fr")
    drawn = {key: at.session_state[key] for key in ("origin_level", "dest_level", "colour_by", "magnitude")}
    assert drawn == {"origin_level": view.origin_level, "dest_level": view.dest_level,
                     "colour_by": view.colour_by, "magnitude": view.magnitude}
    assert view.lang == "fr"


def test_without_a_runtime_the_warm_up_gives_up_quietly():
    t0 = time.monotonic()
    warm_up(wait_s=0.2)  # no Streamlit runtime in a test process: nothing to warm, no error
    assert time.monotonic() - t0 < 5
