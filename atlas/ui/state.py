"""Filters ↔ URL query parameters, so every view can be shared or bookmarked."""

from __future__ import annotations

from typing import Mapping

from atlas.models import Filters

#: Query parameter name of each list field of Filters (comma-separated values in the URL).
LIST_FIELDS = ("themes", "countries", "sdgs", "zones", "regions", "departements", "levels", "kinds",
               "funding", "status", "authorities")


def filters_from_params(params: Mapping[str, str]) -> Filters:
    """Filters from query parameters; values that do not parse are ignored, not fatal."""
    kwargs: dict[str, object] = {}
    for name in LIST_FIELDS:
        raw = params.get(name)
        if not raw:
            continue
        values = [v for v in str(raw).split(",") if v]
        if name == "sdgs":
            values = [int(v) for v in values if v.isdigit() and 1 <= int(v) <= 17]  # type: ignore[misc]
        kwargs[name] = values
    years = params.get("years")
    if years and "-" in str(years):
        a, _, b = str(years).partition("-")
        if a.isdigit() and b.isdigit() and int(a) <= int(b):
            kwargs["years"] = (int(a), int(b))
    return Filters(**kwargs)  # type: ignore[arg-type]


def params_from_filters(filters: Filters) -> dict[str, str]:
    """Query parameters for Filters (only the active ones)."""
    out: dict[str, str] = {}
    for name in LIST_FIELDS:
        values = getattr(filters, name)
        if values:
            out[name] = ",".join(str(v) for v in values)
    if filters.years:
        out["years"] = f"{filters.years[0]}-{filters.years[1]}"
    return out
