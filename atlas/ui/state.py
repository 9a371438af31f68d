"""Filters and view settings ↔ URL query parameters, so every view can be shared or bookmarked.

A URL is typed by people: every value read here is bounded and checked, a bad one is ignored.
"""

from __future__ import annotations

from typing import Mapping

from atlas.models import COLOUR_BY, MAGNITUDES, ORIGINS, Filters

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


# ---------------------------------------------------------------------------------------------
# View settings: everything besides the filters that changes what a page shows.

#: The levels the Explorer offers (a subset of the engine's; "auto" lets the budget choose).
ORIGIN_CHOICES = ("auto", "authority", "departement", "region", "france")
DEST_CHOICES = ("auto", "authority", "country", "zone")

#: URL parameter → (MapOptions field, accepted values; the first is the default).
VIEW_PARAMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "origin": ("origin_level", ORIGIN_CHOICES),
    "dest": ("dest_level", DEST_CHOICES),
    "colour": ("colour_by", COLOUR_BY),
    "width": ("magnitude", MAGNITUDES),
}
#: Explorer tabs and table kinds, as language-independent codes (a shared link works in both languages).
TABS = ("map", "charts", "table")
TABLE_KINDS = ("links", "projects")

#: Longest choice code read from the URL (every code above is shorter).
MAX_CHOICE_CHARS = 64


def choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    """The value of ``name`` when it is one of ``allowed``, else None (a typo is ignored)."""
    value = str(params.get(name) or "")[:MAX_CHOICE_CHARS].strip()
    return value if value in allowed else None


def view_from_params(params: Mapping[str, str]) -> dict[str, str]:
    """MapOptions fields (origin_level, dest_level, colour_by, magnitude) set by the URL; values
    the app does not offer are left out, so the widget keeps its default."""
    out = {}
    for name, (field, allowed) in VIEW_PARAMS.items():
        value = choice(params, name, allowed)
        if value is not None:
            out[field] = value
    return out


def params_from_view(view: Mapping[str, str]) -> dict[str, str]:
    """URL parameters for MapOptions fields (only those that differ from the default)."""
    out = {}
    for name, (field, allowed) in VIEW_PARAMS.items():
        value = view.get(field)
        if value in allowed and value != allowed[0]:
            out[name] = str(value)
    return out


#: Longest table search kept from the URL.
MAX_QUERY_CHARS = 200


def page_params(params: Mapping[str, str]) -> dict[str, str]:
    """The Explorer's tab, table kind and table search (``q``) from the URL (valid ones only)."""
    out = {}
    for name, allowed in (("tab", TABS), ("table", TABLE_KINDS)):
        value = choice(params, name, allowed)
        if value is not None:
            out[name] = value
    query = " ".join("".join(c for c in str(params.get("q") or "")[:MAX_QUERY_CHARS] if c.isprintable()).split())
    if query:
        out["q"] = query
    return out
