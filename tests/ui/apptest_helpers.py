"""Helpers shared by the AppTest modules of tests/ui."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def metric_value(at: AppTest, label: str) -> int:
    """The integer shown by the key figure ``label`` (thousands separators dropped)."""
    for m in at.metric:
        if m.label == label:
            return int("".join(ch for ch in m.value if ch.isdigit()))
    raise AssertionError(f"no metric {label!r}; metrics: {[m.label for m in at.metric]}")
