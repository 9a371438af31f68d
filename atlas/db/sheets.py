"""The sheet of one project or one partnership: everything the atlas knows about it, with its source.

A sheet is a plain dict of values and small tables (lists of dicts); the app's pages
(/projet?id=…, /partenariat?id=…) and the one-page PDF (atlas.maps.print_sheet) show the same
dict, so they say the same thing. Unknown ids return None.
"""

from __future__ import annotations

from typing import Any

from atlas.db.connection import ReadOnlyDatabase

_PROVENANCE = """
SELECT b.id AS batch_id, b.is_demo, b.source, b.source_date, b.licence, b.source_url, b.file_name,
       b.imported_at::VARCHAR AS imported_at
FROM import_batches b WHERE b.id = $batch
"""

_PARTIES = """
SELECT a.id, coalesce(a.name_fr, a.name) AS name, a.name AS local_name, a.level, a.is_french, a.country_iso2,
       c.name_fr AS country_fr, c.name_en AS country_en, a.departement, r.role
FROM project_parties r JOIN authorities a ON a.id = r.authority_id
LEFT JOIN countries c ON c.iso2 = a.country_iso2
WHERE r.project_id = $id
ORDER BY NOT a.is_french, r.role <> 'lead', a.name
"""

_FUNDING = """
SELECT f.funding_code AS code, i.label_fr, i.label_en, i.law_year, f.amount_eur
FROM project_funding f JOIN funding_instruments i ON i.code = f.funding_code
WHERE f.project_id = $id ORDER BY f.amount_eur DESC NULLS LAST, f.funding_code
"""

_THEMES = """
SELECT t.code, t.label_fr, t.label_en FROM project_themes pt JOIN themes t ON t.code = pt.theme_code
WHERE pt.project_id = $id ORDER BY t.code
"""

_SDGS = """
SELECT s.number, s.name_fr, s.name_en, s.colour FROM project_sdgs ps JOIN sdgs s ON s.number = ps.sdg
WHERE ps.project_id = $id ORDER BY s.number
"""

_ACTORS = """
SELECT a.id, a.name, a.type, pa.role FROM project_actors pa JOIN actors a ON a.id = pa.actor_id
WHERE pa.project_id = $id ORDER BY a.name
"""

_PARTNERSHIP = """
SELECT s.*, coalesce(f.name_fr, f.name) AS fr_name, f.level AS fr_level, f.departement AS fr_departement,
       coalesce(p.name_fr, p.name) AS partner_name, p.name AS partner_local_name, p.level AS partner_level,
       p.country_iso2, c.name_fr AS country_fr, c.name_en AS country_en,
       k.label_fr AS kind_fr, k.label_en AS kind_en
FROM partnerships s
JOIN authorities f ON f.id = s.fr_id JOIN authorities p ON p.id = s.partner_id
LEFT JOIN countries c ON c.iso2 = p.country_iso2
LEFT JOIN action_kinds k ON k.code = s.kind
WHERE s.id = $id
"""

_PROJECTS_OF = """
SELECT p.id, p.title, p.year_start, p.year_end, p.status, p.kind, p.budget_eur
FROM projects p WHERE p.partnership_id = $sid AND p.id IS DISTINCT FROM $skip
ORDER BY p.year_start DESC NULLS LAST, p.title
"""


def _records(db: ReadOnlyDatabase, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    df = db.df(query, params)
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def _missing(value: Any) -> bool:
    try:
        return bool(value != value) or value is None  # NaN, NaT, pd.NA
    except (TypeError, ValueError):
        return False


def _one(db: ReadOnlyDatabase, query: str, params: dict[str, Any]) -> dict[str, Any] | None:
    rows = _records(db, query, params)
    return rows[0] if rows else None


def project_sheet(db: ReadOnlyDatabase, project_id: str) -> dict[str, Any] | None:
    """Everything about one project, or None when no project has this id."""
    project = _one(db, """SELECT p.*, k.label_fr AS kind_fr, k.label_en AS kind_en FROM projects p
                          LEFT JOIN action_kinds k ON k.code = p.kind WHERE p.id = $id""", {"id": project_id})
    if project is None:
        return None
    parties = _records(db, _PARTIES, {"id": project_id})
    funding = _records(db, _FUNDING, {"id": project_id})
    sheet = {
        "kind_of_sheet": "project",
        **project,
        "french": [p for p in parties if p["is_french"]],
        "partners": [p for p in parties if not p["is_french"]],
        "themes": _records(db, _THEMES, {"id": project_id}),
        "sdgs": _records(db, _SDGS, {"id": project_id}),
        "funding": funding,
        "funding_total": sum(f["amount_eur"] or 0 for f in funding),
        "actors": _records(db, _ACTORS, {"id": project_id}),
        "provenance": _one(db, _PROVENANCE, {"batch": project.get("batch_id")}),
        "partnership": (_one(db, _PARTNERSHIP, {"id": project["partnership_id"]})
                        if project.get("partnership_id") else None),
        "siblings": (_records(db, _PROJECTS_OF, {"sid": project["partnership_id"], "skip": project_id})
                     if project.get("partnership_id") else []),
    }
    return sheet


def partnership_sheet(db: ReadOnlyDatabase, partnership_id: str) -> dict[str, Any] | None:
    """Everything about one partnership and its projects, or None when no partnership has this id."""
    s = _one(db, _PARTNERSHIP, {"id": partnership_id})
    if s is None:
        return None
    return {"kind_of_sheet": "partnership", **s,
            "projects": _records(db, _PROJECTS_OF, {"sid": partnership_id, "skip": None}),
            "provenance": _one(db, _PROVENANCE, {"batch": s.get("batch_id")})}


def partnerships_of_link(db: ReadOnlyDatabase, fr_id: str, partner_id: str) -> list[str]:
    """Ids of the partnerships between two authorities (a link's sheets)."""
    return [r[0] for r in db.rows("SELECT id FROM partnerships WHERE fr_id = $f AND partner_id = $p ORDER BY id",
                                  {"f": fr_id, "p": partner_id})]
