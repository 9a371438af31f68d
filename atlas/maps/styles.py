"""Colours, labels and sizes shared by the interactive and the print maps.

- SDGs use their official UN colours (atlas.models.SDGS).
- Zones, kinds of action and funding instruments use qualitative palettes chosen to stay
  distinguishable for colour-blind readers (Okabe–Ito first, then Tableau/ColorBrewer hues).
- Themes (25) are too many for one legend: the ten largest of a view get colours, the rest
  share the "others" grey.
"""

from __future__ import annotations

import math

import numpy as np

from atlas.maps import words
from atlas.maps.words import pick, word
from atlas.models import FUNDING_BY_CODE, FUNDINGS, KIND_BY_CODE, KINDS, SDG_BY_NUMBER, THEME_BY_CODE, THEMES, ZONE_LABELS_EN, ZONES

OTHER_COLOUR = "#8a8f98"
FR_FILL = "#1d4ed8"  # French locations (origins)
PARTNER_FILL = "#f59e0b"  # partner locations (destinations)
SEA = "#dce8f2"
LAND = "#f3f4f6"
LAND_EDGE = "#a3a9b3"

#: One colour per ministry zone (colour-blind-safe qualitative palette, Okabe–Ito based).
ZONE_COLOURS: dict[str, str] = {
    "Europe": "#0072B2",
    "Afrique du Nord": "#E69F00",
    "Afrique subsaharienne": "#D55E00",
    "Proche et Moyen-Orient": "#CC79A7",
    "Asie": "#009E73",
    "Amériques": "#8E44AD",
    "Océanie": "#56B4E9",
    "Antarctique": "#999999",
}

_QUALITATIVE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8E44AD", "#B8860B",
                "#1B9E77", "#E7298A", "#66A61E", "#A6761D")

KIND_COLOURS: dict[str, str] = {k.code: _QUALITATIVE[i % len(_QUALITATIVE)] for i, k in enumerate(KINDS)}
FUNDING_COLOURS: dict[str, str] = {f.code: _QUALITATIVE[i % len(_QUALITATIVE)] for i, f in enumerate(FUNDINGS)}
SDG_COLOURS: dict[int, str] = {n: s.colour for n, s in SDG_BY_NUMBER.items()}

#: Legend titles of what a flow map can be coloured by, and words of the magnitudes, (French, English):
#: views of the one table of words (atlas.maps.words).
COLOUR_TITLES = words.COLOUR_TITLES
MAGNITUDE_WORDS = words.MAGNITUDE_WORDS

#: Most categories a legend lists before grouping the rest as "others".
MAX_LEGEND_ITEMS = 10


def category_label(colour_by: str, code: object, lang: str = "fr") -> str:
    """Human label of a category code (theme, SDG, kind, funding, zone)."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return word("not_stated", lang)
    if colour_by == "zone":
        return pick({"fr": str(code), "en": ZONE_LABELS_EN.get(str(code), str(code))}, lang)
    if colour_by == "sdg":
        s = SDG_BY_NUMBER.get(int(code))  # type: ignore[arg-type]
        return word("sdg", lang, n=code, name=pick({"fr": s.name_fr, "en": s.name_en}, lang)) if s else str(code)
    table = {"theme": THEME_BY_CODE, "kind": KIND_BY_CODE, "funding": FUNDING_BY_CODE}.get(colour_by)
    item = table.get(str(code)) if table else None
    if item is None:
        return str(code)
    return pick({"fr": item.label_fr, "en": item.label_en}, lang)


def _base_colour(colour_by: str, code: object) -> str | None:
    if colour_by == "zone":
        return ZONE_COLOURS.get(str(code))
    if colour_by == "sdg":
        try:
            return SDG_COLOURS.get(int(code))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
    if colour_by == "kind":
        return KIND_COLOURS.get(str(code))
    if colour_by == "funding":
        return FUNDING_COLOURS.get(str(code))
    return None


def category_palette(colour_by: str, categories: list[object], weights: list[float] | None = None,
                     max_items: int = MAX_LEGEND_ITEMS) -> dict[object, str]:
    """Colour of each category present in a view; beyond ``max_items`` the smaller ones are grey.

    Zones, SDGs, kinds and funding keep fixed colours across maps (the same SDG is always the
    same colour); themes get the palette in order of weight.
    """
    if weights is None:
        weights = [1.0] * len(categories)
    totals: dict[object, float] = {}
    for c, w in zip(categories, weights):
        if c is None or (isinstance(c, float) and math.isnan(c)):
            continue
        totals[c] = totals.get(c, 0.0) + float(w)
    ranked = sorted(totals, key=lambda c: (-totals[c], str(c)))
    palette: dict[object, str] = {}
    for i, c in enumerate(ranked):
        if i >= max_items:
            palette[c] = OTHER_COLOUR
            continue
        if colour_by == "theme":
            order = [t.code for t in THEMES]
            palette[c] = _QUALITATIVE[i % len(_QUALITATIVE)] if c in order else OTHER_COLOUR
        else:
            palette[c] = _base_colour(colour_by, c) or OTHER_COLOUR
    return palette


def legend_items(colour_by: str, palette: dict[object, str], lang: str = "fr") -> list[tuple[str, str]]:
    """(colour, label) pairs in palette order, with one "others" row for the grey categories."""
    items = [(colour, category_label(colour_by, c, lang)) for c, colour in palette.items() if colour != OTHER_COLOUR]
    if colour_by == "zone":  # the ministry's order reads better than size order
        order = {z: i for i, z in enumerate(ZONES)}
        items = [(palette[z], category_label("zone", z, lang)) for z in sorted(
            (c for c in palette if palette[c] != OTHER_COLOUR), key=lambda z: order.get(str(z), 99))]
    if any(colour == OTHER_COLOUR for colour in palette.values()):
        items.append((OTHER_COLOUR, word("others", lang)))
    return items


def flow_colours(colour_by: str, categories: np.ndarray, weights: np.ndarray,
                 max_items: int = MAX_LEGEND_ITEMS) -> tuple[list[str], dict[object, str]]:
    """Colour of every flow from its category, and the palette used."""
    cats = list(categories)
    palette = category_palette(colour_by, cats, list(weights), max_items)
    return [palette.get(c, OTHER_COLOUR) if c is not None else OTHER_COLOUR for c in cats], palette


#: Sequential classes of the choropleth (light to dark blue, ColorBrewer Blues).
CHOROPLETH_COLOURS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


def choropleth_classes(values: np.ndarray, n: int = 5) -> np.ndarray:
    """Upper bounds of ``n`` quantile classes of the positive values (fewer when values repeat)."""
    v = np.asarray(values, dtype=float)
    v = v[v > 0]
    if v.size == 0:
        return np.array([1.0])
    bounds = np.unique(np.quantile(v, np.linspace(0, 1, n + 1)[1:]))
    return np.ceil(bounds)


#: Magnitudes below this never get the widest line or the largest circle: a commune with ten
#: single-link twinnings should not look like a national hub.
MIN_SCALE_MAX = 10.0


def width_scale(values: np.ndarray, vmax: float, w_min: float, w_max: float) -> np.ndarray:
    """Line widths: ``w_min`` for the smallest flow up to ``w_max`` for the largest (square-root scale,
    so that a line's ink grows like its magnitude's area rather than linearly)."""
    values = np.asarray(values, dtype=float)
    vmax = max(vmax, MIN_SCALE_MAX)
    if vmax <= 0:
        return np.full(values.shape, w_min)
    return w_min + (w_max - w_min) * np.sqrt(np.clip(values, 0, None) / vmax)


def radius_scale(values: np.ndarray, vmax: float, r_min: float, r_max: float) -> np.ndarray:
    """Circle radii with area proportional to the value (proportional symbols)."""
    values = np.asarray(values, dtype=float)
    vmax = max(vmax, MIN_SCALE_MAX)
    if vmax <= 0:
        return np.full(values.shape, r_min)
    return np.maximum(r_min, r_max * np.sqrt(np.clip(values, 0, None) / vmax))


def nice_steps(vmax: float, n: int = 3) -> list[float]:
    """Round legend values up to ``vmax`` (e.g. 2, 10, 50 for 57; 1, 3 for 3)."""
    if vmax <= 0:
        return []
    if vmax <= 3:
        return sorted({1.0, float(math.floor(vmax))} - {0.0})
    exp = 10 ** math.floor(math.log10(vmax))
    top = max(m * exp for m in (1, 2, 5, 10) if m * exp <= vmax)
    steps = {float(top)}
    for frac in (0.2, 0.04)[: max(n - 1, 0)]:
        v = top * frac
        if v < 1:
            break
        e = 10 ** math.floor(math.log10(v))
        steps.add(float(round(v / e) * e))
    return sorted(steps)


def quantity(value: float, magnitude: str, lang: str = "fr") -> str:
    """A value with its word, in the right number: "1 lien", "2 liens", "1 link", "45 k€".

    French takes the singular below 2, English only for 1 (words.count_word). Amounts carry
    their € already.
    """
    text = format_value(value, magnitude, lang)
    if magnitude not in words.COUNTED:
        return text
    return f"{text} {words.count_word(magnitude, value, lang)}"


def format_value(value: float, magnitude: str, lang: str = "fr") -> str:
    """A magnitude for people: 12 345 links, 1,2 M€."""
    if magnitude in ("amount", "budget"):
        if value >= 1e6:
            text = f"{value / 1e6:.1f} M€"
        elif value >= 1e3:
            text = f"{value / 1e3:.0f} k€"
        else:
            text = f"{value:.0f} €"
        return text.replace(".", word("decimal_mark", lang))
    return f"{int(round(value)):,}".replace(",", word("thousands_mark", lang))
