"""Fixtures of the hostile corpus.

``ingest_db`` is the import tests' reference-only database (with the gazetteer name keys), the
same fixture as tests/ingest uses: built once per session here too, then copied per case group.
"""

from __future__ import annotations

from ingest.conftest import ingest_db  # noqa: F401 - re-exported fixture
