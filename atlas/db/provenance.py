"""Where the records come from: one row per source (import batch), real or invented.

Every partnership and project belongs to an import batch (``batch_id``); the batch records its
source, the date of the source's snapshot, its licence and whether it is the invented
demonstration (``is_demo``). The app's banner, the tables, the data exports and the source line
of print maps all read these figures, so they say the same thing.
"""

from __future__ import annotations

import pandas as pd

from atlas.db.connection import ReadOnlyDatabase

_SOURCES = """
SELECT b.id AS batch_id,
       CASE WHEN b.is_demo THEN 'demo' ELSE 'real' END AS origin,
       coalesce(b.source, 'Import du fichier ' || coalesce(b.file_name, b.id)) AS source,
       b.source_date, b.licence, b.source_url,
       (SELECT count(*) FROM partnerships s WHERE s.batch_id = b.id) AS n_partnerships,
       (SELECT count(*) FROM projects p WHERE p.batch_id = b.id) AS n_projects
FROM import_batches b
ORDER BY b.is_demo, b.imported_at, b.id
"""

_KINDS = """
SELECT CASE WHEN b.is_demo THEN 'demo' ELSE 'real' END AS origin, s.kind, count(*) AS n
FROM partnerships s LEFT JOIN import_batches b ON b.id = s.batch_id
GROUP BY ALL ORDER BY 1, 2
"""


def sources(db: ReadOnlyDatabase) -> pd.DataFrame:
    """Every source that still holds records: batch, origin, words, date, licence and counts."""
    df = db.df(_SOURCES)
    return df[(df.n_partnerships > 0) | (df.n_projects > 0)].reset_index(drop=True)


def partnership_kinds(db: ReadOnlyDatabase) -> pd.DataFrame:
    """Distinct partnerships by origin (real, demo) and kind of action."""
    return db.df(_KINDS)


def totals(db: ReadOnlyDatabase) -> dict[str, dict[str, int]]:
    """{'real' | 'demo': {'partnerships': n, 'projects': n}}: distinct records of each origin."""
    out = {o: {"partnerships": 0, "projects": 0} for o in ("real", "demo")}
    for row in sources(db).itertuples():
        out[row.origin]["partnerships"] += int(row.n_partnerships)
        out[row.origin]["projects"] += int(row.n_projects)
    return out


def source_line(db: ReadOnlyDatabase, origins: set[str] | None = None, lang: str = "fr") -> str:
    """The sources of the records shown, in a few words: "Wikidata (2017, CC0 1.0); données
    inventées (démonstration)" (print maps, exports; atlas.selection.source_of adds the credit)."""
    df = sources(db)
    if origins is not None:
        df = df[df.origin.isin(origins)]
    parts = []
    for (source, date, licence, origin), _g in df.groupby(["source", "source_date", "licence", "origin"],
                                                        dropna=False, sort=False):
        if origin == "demo":
            parts.append("données inventées (démonstration)" if lang == "fr" else "invented data (demonstration)")
            continue
        bits = [str(source).split(",")[0]]
        if isinstance(date, str) and date:
            bits.append(date[:4])
        if isinstance(licence, str) and licence and licence != "—":
            bits.append(licence)
        parts.append(" ".join(bits[:1]) + (f" ({', '.join(bits[1:])})" if len(bits) > 1 else ""))
    return "; ".join(dict.fromkeys(parts))
