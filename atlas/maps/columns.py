"""Words for the columns of data exports: readable labels next to the codes, readable headers.

A CSV or XLSX export keeps every column under its stable name, with its codes ("eau; sante"), so
scripts and re-imports read it as before. For the person who opens it, :func:`with_labels` adds
beside each coded column a column of labels in the export's language ("themes" → "themes_labels":
"Eau et assainissement; Santé"), and :func:`header` gives each column a header in words (the XLSX
"links" sheet shows it as a note on each header cell and lists it in the "about" sheet).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from atlas.maps.words import language
from atlas.models import FUNDINGS, KINDS, LEVEL_LABELS, ORIGINS, SDGS, STATUSES, THEMES

#: Coded columns → {code: (French label, English label)}.
CODE_LABELS: dict[str, dict[Any, tuple[str, str]]] = {
    "themes": {t.code: (t.label_fr, t.label_en) for t in THEMES},
    "kinds": {k.code: (k.label_fr, k.label_en) for k in KINDS},
    "funding": {f.code: (f.label_fr, f.label_en) for f in FUNDINGS},
    "status": {code: (fr, en) for code, fr, en in STATUSES},
    "sdgs": {s.number: (f"{s.number} · {s.name_fr}", f"{s.number} · {s.name_en}") for s in SDGS},
    "origins": {code: (words["fr"].capitalize(), words["en"].capitalize()) for code, words in ORIGINS.items()},
    "fr_level": LEVEL_LABELS,
    "partner_level": LEVEL_LABELS,
}
#: Coded columns that hold lists (the others hold one code).
LIST_COLUMNS = frozenset({"themes", "kinds", "funding", "sdgs", "origins"})
#: Labels of a list are joined like its codes.
SEPARATOR = "; "
#: The "about" sheet's line above the list of columns.
COLUMNS_NOTE = {"fr": "Colonnes de la feuille « links » (nom → intitulé ; les codes restent, leurs libellés suivent)",
                "en": "Columns of the “links” sheet (name → header; codes are kept, their labels follow)"}

#: Readable headers of the columns of a selection (atlas.Atlas.links and its label columns).
HEADERS: dict[str, tuple[str, str]] = {
    "fr_id": ("Identifiant de la collectivité française", "French authority id"),
    "partner_id": ("Identifiant du partenaire", "Partner id"),
    "country_iso2": ("Pays (code ISO)", "Country (ISO code)"),
    "country_name_fr": ("Pays", "Country (French name)"),
    "country_name_en": ("Pays (nom anglais)", "Country"),
    "zone": ("Zone géographique", "Geographic zone (French name)"),
    "fr_name": ("Collectivité française", "French authority"),
    "fr_level": ("Niveau (code)", "Level (code)"),
    "fr_level_label": ("Niveau", "Level"),
    "fr_departement": ("Département (code INSEE)", "Département (INSEE code)"),
    "fr_region": ("Région (code INSEE)", "Region (INSEE code)"),
    "fr_epci": ("Intercommunalité (SIREN)", "Inter-municipality (SIREN)"),
    "partner_name": ("Collectivité partenaire", "Partner authority"),
    "partner_level": ("Niveau du partenaire (code)", "Partner level (code)"),
    "partner_level_label": ("Niveau du partenaire", "Partner level"),
    "partner_admin1": ("Région du partenaire (code GeoNames)", "Partner's state or province (GeoNames code)"),
    "fr_lon": ("Longitude (France)", "Longitude (France)"),
    "fr_lat": ("Latitude (France)", "Latitude (France)"),
    "partner_lon": ("Longitude (partenaire)", "Longitude (partner)"),
    "partner_lat": ("Latitude (partenaire)", "Latitude (partner)"),
    "n_projects": ("Projets", "Projects"),
    "n_partnerships": ("Accords de partenariat", "Partnership agreements"),
    "themes": ("Thèmes (codes)", "Themes (codes)"),
    "themes_labels": ("Thèmes", "Themes"),
    "sdgs": ("ODD (numéros)", "SDGs (numbers)"),
    "sdgs_labels": ("ODD", "SDGs"),
    "kinds": ("Types d'action (codes)", "Kinds of action (codes)"),
    "kinds_labels": ("Types d'action", "Kinds of action"),
    "funding": ("Financements (codes)", "Funding (codes)"),
    "funding_labels": ("Financements", "Funding"),
    "status": ("Statut (code)", "Status (code)"),
    "status_label": ("Statut", "Status"),
    "first_year": ("Première année", "First year"),
    "last_year": ("Dernière année", "Last year"),
    "budget_eur": ("Budget (€)", "Budget (EUR)"),
    "amount_eur": ("Montant (€)", "Amount (EUR)"),
    "origins": ("Données (codes)", "Data (codes)"),
    "origins_labels": ("Données", "Data"),
    "partnership_id": ("Identifiant du partenariat", "Partnership id"),
    "source": ("Source", "Source"),
    "length_km": ("Distance (km)", "Distance (km)"),
}


def label_column(column: str) -> str:
    """Name of the label column of ``column``: "themes" → "themes_labels", "status" → "status_label"."""
    return f"{column}_labels" if column in LIST_COLUMNS else f"{column}_label"


def columns_note(lang: str | None = "fr") -> str:
    """The line that introduces the list of columns and their headers."""
    return COLUMNS_NOTE[language(lang)]


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _codes(value: Any) -> list:
    """The codes of a list cell (a list, or text already written as "a; b")."""
    if _is_list(value):
        return list(value)
    if isinstance(value, str) and value.strip():
        return [c.strip() for c in value.split(";") if c.strip()]
    return []


def _label(code: Any, table: dict[Any, tuple[str, str]], index: int) -> str:
    """A code's label; a code the table does not know is written as it is (nothing is lost)."""
    key = code.item() if isinstance(code, np.generic) else code
    entry = table.get(key)
    if entry is None and isinstance(key, str) and key.isdigit():
        entry = table.get(int(key))  # SDG numbers read back as text
    return entry[index] if entry else str(code)


def with_labels(df: pd.DataFrame, lang: str | None = "fr") -> pd.DataFrame:
    """``df`` with a label column right after each coded column it holds (lists stay lists)."""
    index = 1 if language(lang) == "en" else 0
    out = df.copy()
    for column, table in CODE_LABELS.items():
        if column not in out.columns:
            continue
        values = out[column]
        name = label_column(column)
        if name in out.columns:
            continue
        if column in LIST_COLUMNS:
            labels = values.map(lambda v: SEPARATOR.join(_label(c, table, index) for c in _codes(v)) if _codes(v)
                                else None)
        else:
            labels = values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v))
                                else _label(v, table, index))
        labels = labels.astype(object)
        out.insert(out.columns.get_loc(column) + 1, name, labels.where(labels.notna(), None))
    return out


def header(column: str, lang: str | None = "fr") -> str:
    """The header in words of ``column`` (its own name when the atlas has none for it)."""
    words = HEADERS.get(column)
    return words[1 if language(lang) == "en" else 0] if words else column
