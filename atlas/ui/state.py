"""Filters ↔ URL query parameters, so every view can be shared or bookmarked."""

from __future__ import annotations

from typing import Mapping

from atlas.models import ORIGINS, Filters

#: Query parameter name of each list field of Filters (comma-separated values in the URL).
LIST_FIELDS = ("themes", "countries", "sdgs", "zones", "regions", "departements", "levels", "kinds",
               "funding", "status", "authorities", "sources")


#: Longest value kept from one URL parameter, and most values per list: a URL is typed or
#: shared by people, anything longer is not a selection.
MAX_PARAM_CHARS = 2000
MAX_VALUES = 200


def small_int(text: str, digits: int = 4) -> int | None:
    """``text`` as an int when it is 1 to ``digits`` ASCII digits, else None (never raises)."""
    text = text.strip()
    if 0 < len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def filters_from_params(params: Mapping[str, str]) -> Filters:
    """Filters from query parameters; values that do not parse are ignored, not fatal."""
    kwargs: dict[str, object] = {}
    for name in LIST_FIELDS:
        raw = str(params.get(name) or "")[:MAX_PARAM_CHARS]
        values = [v.strip() for v in raw.split(",") if v.strip()][:MAX_VALUES]
        if not values:
            continue
        if name == "sdgs":
            sdgs = [small_int(v, 2) for v in values]
            kwargs[name] = [n for n in sdgs if n is not None and 1 <= n <= 17]
        elif name == "sources":
            kwargs[name] = [v for v in values if v in ORIGINS]
        else:
            kwargs[name] = values
    first, _, last = str(params.get("years") or "")[:MAX_PARAM_CHARS].partition("-")
    a, b = small_int(first), small_int(last)
    if a is not None and b is not None and a <= b:
        kwargs["years"] = (a, b)
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
