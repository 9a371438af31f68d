"""The atlas's own import template (CSV and XLSX), documented column by column.

The template is a project table whose headers are the first synonym of each field, so it is
read by the same parser as any export; ``atlas template -o FILE`` writes it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from atlas import models
from atlas.errors import ImportFileError
from atlas.ingest.headers import FIELDS

#: (field, required, help) in template order.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("fr_name", "oui*", "Nom de la collectivité française (commune, EPCI, département, région). *Nom, code INSEE "
                        "ou SIREN : au moins l'un des trois."),
    ("fr_insee", "oui*", "Code INSEE (COG) de la commune, ou code du département / de la région. Les anciens codes "
                         "des communes fusionnées sont acceptés."),
    ("fr_siren", "oui*", "SIREN (9 chiffres) de la commune ou de l'EPCI."),
    ("fr_departement", "conseillé", "Code ou nom du département : lève l'ambiguïté entre communes homonymes."),
    ("fr_region", "non", "Code ou nom de la région."),
    ("fr_level", "non", "Commune, EPCI, Département ou Région (sinon déduit du nom)."),
    ("partner_name", "oui", "Nom de la collectivité partenaire (ville, province, région…). Plusieurs partenaires du "
                            "même pays : séparés par « ; »."),
    ("partner_country", "oui", "Pays du partenaire, en français ou en anglais, ou code ISO (SN, SEN)."),
    ("partner_admin1", "non", "Région, province ou État du partenaire, si connu."),
    ("partner_lat", "non", "Latitude du partenaire en degrés décimaux (contrôle, ou placement s'il est inconnu du "
                           "répertoire GeoNames)."),
    ("partner_lon", "non", "Longitude du partenaire en degrés décimaux."),
    ("kind", "non", "Type d'action : " + ", ".join(k.label_fr for k in models.KINDS)
                    + ". Par défaut : coopération décentralisée."),
    ("title", "non", "Intitulé du projet. Une ligne sans intitulé, thème ni montant est un partenariat durable "
                     "(jumelage, convention) plutôt qu'un projet."),
    ("description", "non", "Description libre."),
    ("themes", "non", "Thématiques, séparées par « ; » : " + ", ".join(t.label_fr for t in models.THEMES) + "."),
    ("sdgs", "non", "Numéros des ODD (1 à 17), séparés par « ; »."),
    ("year_start", "non", "Année de début (ou de signature du jumelage)."),
    ("year_end", "non", "Année de fin."),
    ("status", "non", "En cours, Terminé, En projet ou Suspendu."),
    ("budget", "non", "Montant total en euros (12 500 ou 12500,50)."),
    ("funding", "non", "Cofinancements séparés par « ; », avec montant facultatif : « AFD : 20 000 ; Agence de l'eau »."),
    ("actors", "non", "Acteurs associés (associations, écoles, hôpitaux…), séparés par « ; »."),
    ("mode", "non", "Direct (de collectivité à collectivité) ou Indirect (par un acteur du territoire)."),
    ("engagement", "non", "Ponctuel ou Durable."),
    ("agreement", "non", "Type d'accord : accord de jumelage, convention de coopération, aucun…"),
    ("external_id", "non", "Votre identifiant du projet (facultatif)."),
)
HEADERS: tuple[str, ...] = tuple(FIELDS[f][0] for f, _r, _h in COLUMNS)

#: Example rows (real places, invented content): replace them with your data.
EXAMPLES: tuple[dict[str, str], ...] = (
    {"fr_name": "Chambéry", "fr_insee": "73065", "fr_departement": "73", "fr_level": "Commune",
     "partner_name": "Ouahigouya", "partner_country": "Burkina Faso", "kind": "Coopération décentralisée",
     "title": "Exemple – accès à l'eau potable dans les quartiers périphériques",
     "themes": "Eau et assainissement; Santé", "sdgs": "6; 3", "year_start": "2019", "year_end": "2022",
     "status": "Terminé", "budget": "120000", "funding": "AFD: 50000; Agence de l'eau: 30000",
     "actors": "Association Chambéry-Ouahigouya", "mode": "Indirect", "engagement": "Durable"},
    {"fr_name": "Région Bretagne", "fr_insee": "53", "fr_level": "Région", "partner_name": "Région de Mopti",
     "partner_country": "Mali", "kind": "Coopération décentralisée", "year_start": "2000",
     "status": "En cours", "agreement": "convention de coopération"},
    {"fr_name": "Saint-Étienne", "fr_departement": "42", "partner_name": "Coventry",
     "partner_country": "Royaume-Uni", "kind": "Jumelage", "year_start": "1955", "status": "En cours",
     "agreement": "accord de jumelage"},
)


def template_rows(empty: bool = False) -> list[list[str]]:
    rows = [list(HEADERS)]
    if not empty:
        rows += [[ex.get(f, "") for f, _r, _h in COLUMNS] for ex in EXAMPLES]
    return rows


def template_csv(empty: bool = False) -> str:
    """The template as CSV text (';', CRLF line ends), as `atlas template -o -` prints it."""
    return csv_text(template_rows(empty))


def csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV text the way Excel in French reads it (';' between cells, CRLF line ends)."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def write_template(path: str | Path, empty: bool = False) -> Path:
    """Write the template as CSV (UTF-8 with BOM, ';' as Excel in French expects) or XLSX."""
    return write_file(path, lambda: template_csv(empty), lambda p: _write_xlsx(p, empty))


def write_file(path: str | Path, csv_text_of: Callable[[], str], write_xlsx: Callable[[Path], None]) -> Path:
    """Write a template (this one or the actor directory's) as .csv (UTF-8 with BOM) or .xlsx;
    refuses any other name and an output it must not overwrite."""
    from atlas.ingest.report import check_output_file

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportFileError(f"template file must end in .csv or .xlsx, got {path.name[:80]!r}")
    check_output_file(path, "template")
    if suffix == ".csv":
        path.write_text(csv_text_of(), encoding="utf-8-sig")
    else:
        write_xlsx(path)
    return path


def _write_xlsx(path: Path, empty: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Données"
    for row in template_rows(empty):
        ws.append(row)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="19486A")
    for j, cell in enumerate(ws[1], start=1):
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[cell.column_letter].width = max(14, min(40, len(str(cell.value)) + 6))
    ws.freeze_panes = "A2"
    idx = {f: i for i, (f, _r, _h) in enumerate(COLUMNS)}
    for fld, values in (("kind", [k.label_fr for k in models.KINDS]),
                        ("status", ["En cours", "Terminé", "En projet", "Suspendu"]),
                        ("fr_level", ["Commune", "EPCI", "Département", "Région"]),
                        ("mode", ["Direct", "Indirect"]), ("engagement", ["Ponctuel", "Durable"])):
        # a drop-down list, but other spellings stay allowed (the importer knows synonyms)
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=False)
        col = ws.cell(row=1, column=idx[fld] + 1).column_letter
        dv.add(f"{col}2:{col}5000")
        ws.add_data_validation(dv)
    doc = wb.create_sheet("Lisez-moi")
    doc.append(["Colonne", "Obligatoire", "Contenu"])
    for c in doc[1]:
        c.font, c.fill = bold, fill
    for (fld, req, text), header in zip(COLUMNS, HEADERS):
        doc.append([header, req, text])
    doc.append([])
    doc.append(["Import", "", "atlas import FICHIER.xlsx --report rapport.json  (voir docs/import.md)"])
    doc.column_dimensions["A"].width = 30
    doc.column_dimensions["B"].width = 12
    doc.column_dimensions["C"].width = 110
    wb.save(path)
