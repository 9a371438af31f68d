"""Fast filtered reads for flow maps: activity rows as integer-keyed Arrow columns.

A national map at 1,000,000 links cannot afford hashing a million text ids in SQL (DuckDB's
distinct count over 1M groups takes 120–400 ms on two cores). Here DuckDB only filters and
returns compact columns (authority keys, project flag, budget share); atlas.geo.flows aggregates
them with numpy. link_facts is stored sorted by link, and DuckDB keeps insertion order for a
plain filtered scan, so distinct links are the rows where the key pair changes.

The WHERE clause comes from the one builder of the atlas, :func:`atlas.db.where.where_clause`.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from atlas.db.connection import ReadOnlyDatabase
from atlas.db.where import LINK_FIELDS, where_clause  # noqa: F401 - LINK_FIELDS re-exported
from atlas.errors import DatabaseError
from atlas.models import CATEGORY_CODES, Filters  # noqa: F401 - CATEGORY_CODES re-exported

#: link_facts column behind each category; list columns are unnested.
CATEGORY_COLUMNS: dict[str, tuple[str, bool]] = {
    "theme": ("themes", True), "sdg": ("sdgs", True), "kind": ("kind", False),
    "funding": ("funding", True), "zone": ("zone", False),
}

def _arrow(db: ReadOnlyDatabase, query: str, params: dict[str, Any]) -> pa.Table:
    with db.cursor() as cur:
        try:
            return cur.sql(query, params=params or None).to_arrow_table()
        except duckdb.CatalogException as exc:  # built before link_rollup / the integer keys
            raise DatabaseError(f"{db.path} lacks the flow tables of this version ({exc}); "
                                "rebuild it with `atlas init --force`") from exc
        except duckdb.BinderException as exc:
            raise DatabaseError(f"{db.path} lacks the flow columns of this version ({exc}); "
                                "rebuild it with `atlas init --force`") from exc




def link_level(filters: Filters, category: str | None = None) -> bool:
    """True when the selection is made of whole links (no project-level filter or colour)."""
    project_level = ("themes", "sdgs", "funding", "kinds", "status", "sources")
    return (not any(getattr(filters, f) for f in project_level) and filters.years is None
            and category in (None, "zone"))


def link_arrays(db: ReadOnlyDatabase, filters: Filters) -> dict[str, np.ndarray]:
    """Matching links (link_rollup, one row per link, in link order) as numpy arrays.

    Keys: ``fr_key``, ``partner_key``, ``n_projects`` (float64), ``amount`` (float64).
    """
    where, params = where_clause(filters)
    table = _arrow(db, f"SELECT fr_key, partner_key, n_projects, amount FROM link_rollup {where}", params)
    return {"fr_key": table.column("fr_key").to_numpy(), "partner_key": table.column("partner_key").to_numpy(),
            "n_projects": table.column("n_projects").to_numpy().astype(np.float64),
            "amount": table.column("amount").to_numpy()}


def activity_arrays(db: ReadOnlyDatabase, filters: Filters, category: str | None = None,
                    amounts: bool = True) -> dict[str, np.ndarray]:
    """Matching activity rows as numpy arrays, in link order.

    Keys: ``fr_key``, ``partner_key`` (int32), ``is_project`` (bool), ``amount`` (float64, the
    project budget share, 0 for partnerships), and for a category ``cat_row`` / ``cat_code``:
    one entry per (row, category value) pair, codes indexing CATEGORY_CODES[category], -1 unknown.
    """
    where, params = where_clause(filters)
    amount = "coalesce(budget_share_eur, 0)::DOUBLE" if amounts else "0::DOUBLE"
    table = _arrow(db, f"SELECT fr_key, partner_key, project_key, {amount} AS amount FROM link_facts {where}",
                   params)
    project_key = table.column("project_key").to_numpy()
    out = {
        "fr_key": table.column("fr_key").to_numpy(),
        "partner_key": table.column("partner_key").to_numpy(),
        "project_key": project_key,
        "is_project": project_key >= 0,
        "amount": table.column("amount").to_numpy(),
    }
    if category is not None:
        out["cat_row"], out["cat_code"] = _category_codes(db, filters, category)
    return out


def _category_codes(db: ReadOnlyDatabase, filters: Filters, category: str) -> tuple[np.ndarray, np.ndarray]:
    if category not in CATEGORY_COLUMNS:
        raise ValueError(f"colour category must be one of {sorted(CATEGORY_COLUMNS)}, got {category!r}")
    column, is_list = CATEGORY_COLUMNS[category]
    where, params = where_clause(filters)
    table = _arrow(db, f"SELECT {column} AS c FROM link_facts {where}", params)
    col = table.column("c").combine_chunks()
    codes = pa.array(CATEGORY_CODES[category])
    if is_list:
        values = col.flatten()
        lengths = pc.fill_null(pc.list_value_length(col), 0).to_numpy(zero_copy_only=False)
        rows = np.repeat(np.arange(len(col)), lengths)
    else:
        values = col
        rows = np.arange(len(col))
    idx = pc.fill_null(pc.index_in(values.cast(codes.type), value_set=codes), -1)
    return rows, idx.to_numpy(zero_copy_only=False).astype(np.int64)


def authority_table(db: ReadOnlyDatabase) -> pd.DataFrame:
    """Every authority with its integer key (row i has key i): names, levels, points, codes."""
    df = db.df("""SELECT k.key, a.id, a.level, a.name, a.is_french, a.country_iso2, a.departement, a.region,
                         a.epci, a.admin1, a.lon, a.lat, c.zone
                  FROM authority_keys k JOIN authorities a ON a.id = k.id
                  LEFT JOIN countries c ON c.iso2 = a.country_iso2
                  ORDER BY k.key""")
    if len(df) and not np.array_equal(df["key"].to_numpy(), np.arange(len(df))):
        raise RuntimeError("authority_keys is not a dense 0..n-1 key; rebuild the database with `atlas init --force`")
    return df


def filtered_counts(db: ReadOnlyDatabase, filters: Filters, arrays: dict[str, np.ndarray] | None = None
                    ) -> dict[str, int]:
    """Distinct projects, partnerships, French authorities, partners, countries of a selection.

    Same figures as atlas.db.queries.filtered_counts, computed with presence bitmaps on the
    integer keys (a partnership is exactly one activity row; a project one row per pair).
    """
    a = arrays if arrays is not None else activity_arrays(db, filters, amounts=False)
    n_keys = int(db.scalar("SELECT count(*) FROM authority_keys") or 0)
    n_projects = int(db.scalar("SELECT count(*) FROM project_keys") or 0)

    def distinct(keys: np.ndarray, size: int) -> int:
        if keys.size == 0:
            return 0
        seen = np.zeros(max(size, 1), dtype=bool)
        seen[keys] = True
        return int(seen.sum())

    pk = a["project_key"]
    partners = np.zeros(max(n_keys, 1), dtype=bool)
    partners[a["partner_key"]] = True
    used = np.flatnonzero(partners)
    countries = 0
    if used.size:
        cc = _partner_countries(db)
        countries = len(set(cc[used].tolist()) - {None})
    return {"projects": distinct(pk[pk >= 0], n_projects), "partnerships": int((pk < 0).sum()),
            "fr_authorities": distinct(a["fr_key"], n_keys), "partners": int(used.size), "countries": countries}


def _partner_countries(db: ReadOnlyDatabase) -> np.ndarray:
    """Country of every authority by key (cached by the handle until the file is swapped)."""

    def make() -> np.ndarray:
        df = db.df("SELECT k.key, a.country_iso2 FROM authority_keys k JOIN authorities a USING (id) ORDER BY k.key")
        return df["country_iso2"].to_numpy(dtype=object)

    return db.memo("partner_countries", make)
