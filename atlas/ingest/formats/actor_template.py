"""The atlas's actor-directory template (CSV and XLSX), documented column by column.

Its headers are the first synonym of each actor field (atlas.ingest.formats.actors), so it is
read by the same parser as any directory; ``atlas template --actors -o FILE`` writes it, and the
declaration form of actors writes one row of it (atlas.ingest.declare_actor).
"""

from __future__ import annotations

import io
from pathlib import Path

from atlas import models
from atlas.ingest.formats.actors import ACTOR_FIELDS
from atlas.ingest.formats.template import csv_text, write_file

#: (field, required, help) in template order.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("actor_name", "oui", "Nom de la structure (association, établissement, entreprise…)."),
    ("actor_type", "non", "Type : " + ", ".join(c.label_fr for c in models.ACTOR_TYPES)
                          + ". Vide : deviné d'après le nom (« Comité de jumelage… », « Lycée… », « CHU… »)."),
    ("seat_commune", "oui*", "Commune du siège. *Nom ou code INSEE : au moins l'un des deux. Les anciens noms des "
                             "communes fusionnées sont acceptés."),
    ("seat_insee", "oui*", "Code INSEE (COG) de la commune du siège."),
    ("seat_postcode", "conseillé", "Code postal du siège : lève l'ambiguïté entre communes homonymes."),
    ("seat_departement", "conseillé", "Code ou nom du département du siège."),
    ("sectors", "non", "Secteurs d'intervention, séparés par « ; » : "
                       + "; ".join(c.label_fr for c in models.SECTORS) + "."),
    ("countries", "non", "Pays d'intervention, séparés par « ; » (noms en français ou en anglais, codes ISO)."),
    ("sdgs", "non", "Numéros des ODD (1 à 17), séparés par « ; »."),
    ("siret", "non", "SIRET (14 chiffres) ou SIREN (9 chiffres)."),
    ("rna", "non", "Numéro RNA des associations (W suivi de 9 caractères)."),
    ("website", "non", "Site web (https://… ou www.…)."),
    ("description", "non", "Objet, activités internationales."),
    ("since", "non", "Année de création ou de début de l'action internationale."),
    ("until", "non", "Année de fin d'activité."),
    ("supporters", "non", "Collectivités qui soutiennent la structure, séparées par « ; », avec le montant facultatif "
                          "après « : » (« Région Occitanie : 12 000 ; Toulouse Métropole »), ou leur identifiant "
                          "(region:76, epci:243100518, commune:12145)."),
    ("support_kind", "non", "Type de soutien : " + ", ".join(c.label_fr for c in models.SUPPORT_KINDS)
                            + ". Par défaut : subvention."),
    ("support_year", "conseillé", "Année du soutien (vide : l'année de l'import)."),
    ("support_amount", "non", "Montant en euros, quand une seule collectivité est nommée."),
)
HEADERS: tuple[str, ...] = tuple(ACTOR_FIELDS[f][0] for f, _r, _h in COLUMNS)

#: Example rows (real communes and authorities, invented actors): replace them with your data.
EXAMPLES: tuple[dict[str, str], ...] = (
    {"actor_name": "Exemple – Association Millau-Solidarité", "actor_type": "Association",
     "seat_commune": "Millau", "seat_postcode": "12100", "sectors": "Eau, assainissement, hygiène; Santé",
     "countries": "Burkina Faso; Mali", "sdgs": "6; 3", "rna": "W121000000", "website": "www.exemple.org",
     "description": "Puits et centres de santé", "since": "1998",
     "supporters": "Région Occitanie : 12 000 ; Ville de Millau : 3 000", "support_kind": "Subvention",
     "support_year": "2024"},
    {"actor_name": "Exemple – Lycée agricole", "actor_type": "Établissement scolaire", "seat_insee": "12202",
     "sectors": "Agriculture, alimentation, développement rural", "countries": "Madagascar", "sdgs": "2; 4",
     "supporters": "epci:241200187", "support_kind": "Appui technique", "support_year": "2023"},
)


def template_rows(empty: bool = False) -> list[list[str]]:
    rows = [list(HEADERS)]
    if not empty:
        rows += [[ex.get(f, "") for f, _r, _h in COLUMNS] for ex in EXAMPLES]
    return rows


def write_actor_template(path: str | Path, empty: bool = False) -> Path:
    """Write the actor template as CSV (UTF-8 with BOM, ';') or XLSX (with a Lisez-moi sheet)."""
    return write_file(path, lambda: template_csv(empty), lambda p: p.write_bytes(template_xlsx(empty)))


def template_csv(empty: bool = False) -> str:
    return csv_text(template_rows(empty))


def template_xlsx(empty: bool = False) -> bytes:
    """The XLSX template as bytes (the app offers it as a download)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Acteurs"
    for row in template_rows(empty):
        ws.append(row)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="19486A")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[cell.column_letter].width = max(14, min(40, len(str(cell.value)) + 6))
    ws.freeze_panes = "A2"
    idx = {f: i for i, (f, _r, _h) in enumerate(COLUMNS)}
    for fld, values in (("actor_type", [c.label_fr for c in models.ACTOR_TYPES]),
                        ("support_kind", [c.label_fr for c in models.SUPPORT_KINDS])):
        # a drop-down list, but other spellings stay allowed (the importer knows synonyms); the
        # list goes through a hidden sheet since labels hold commas
        lists = wb["Listes"] if "Listes" in wb.sheetnames else wb.create_sheet("Listes")
        col = idx[fld] + 1
        for i, v in enumerate(values, start=1):
            lists.cell(row=i, column=col, value=v)
        letter = lists.cell(row=1, column=col).column_letter
        dv = DataValidation(type="list", formula1=f"Listes!${letter}$1:${letter}${len(values)}", allow_blank=True,
                            showErrorMessage=False)
        target = ws.cell(row=1, column=col).column_letter
        dv.add(f"{target}2:{target}5000")
        ws.add_data_validation(dv)
    wb["Listes"].sheet_state = "hidden"
    doc = wb.create_sheet("Lisez-moi")
    doc.append(["Colonne", "Obligatoire", "Contenu"])
    for c in doc[1]:
        c.font, c.fill = bold, fill
    for (_fld, req, text), header in zip(COLUMNS, HEADERS):
        doc.append([header, req, text])
    doc.append([])
    doc.append(["Import", "", "atlas import FICHIER.xlsx --dry-run puis atlas import FICHIER.xlsx (voir docs/import.md, "
                              "« Annuaires d'acteurs »)"])
    doc.column_dimensions["A"].width = 30
    doc.column_dimensions["B"].width = 12
    doc.column_dimensions["C"].width = 110
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
