"""The sheet of a project or a partnership on one A4 page (PDF, PNG or SVG).

Drawn with matplotlib like the print maps: text from the data prints as text (mathtext and TeX
off), long lists are cut with "… et N autres" so the sheet always holds on one page, and the
source of the record is printed at the foot (with the demonstration mark for invented records).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from atlas.maps.print_page import FONT, plain_text, save_figure
from atlas.maps.words import demo_mark

A4_PORTRAIT = (8.27, 11.69)
WRAP = 95  # characters per line of body text at 9 pt on A4 portrait
MAX_LIST = 8  # items of a list before "… and N more"

LABELS = {
    "fr": {"project": "Projet", "partnership": "Partenariat", "kind": "Type d'action", "years": "Période",
           "status": "Statut", "engagement": "Engagement", "mode": "Mode", "sides": "Parties",
           "french": "Collectivités françaises", "partners": "Partenaires", "themes": "Thèmes",
           "sdgs": "ODD", "funding": "Budget et cofinancements", "total": "Total", "actors": "Acteurs du territoire",
           "description": "Description", "none": "non renseigné", "others": "… et {n} autres",
           "agreement": "Accord", "since": "Depuis", "formalised": "Formalisé", "yes": "oui", "no": "non",
           "projects_of": "Projets de ce partenariat", "other_projects": "Autres projets du même partenariat",
           "source": "Source", "licence": "licence", "of": "du", "role": {"lead": "chef de file",
                                                                            "french_partner": "partenaire",
                                                                            "partner": "partenaire"},
           "contact": "Contact du service", "budget": "Budget"},
    "en": {"project": "Project", "partnership": "Partnership", "kind": "Kind of action", "years": "Period",
           "status": "Status", "engagement": "Engagement", "mode": "Mode", "sides": "Parties",
           "french": "French authorities", "partners": "Partners", "themes": "Themes", "sdgs": "SDGs",
           "funding": "Budget and co-funding", "total": "Total", "actors": "Actors of the territory",
           "description": "Description", "none": "not given", "others": "… and {n} more",
           "agreement": "Agreement", "since": "Since", "formalised": "Formalised", "yes": "yes", "no": "no",
           "projects_of": "Projects of this partnership", "other_projects": "Other projects of the same partnership",
           "source": "Source", "licence": "licence", "of": "of", "role": {"lead": "lead", "french_partner": "partner",
                                                                          "partner": "partner"},
           "contact": "Contact", "budget": "Budget"},
}
#: Words for the codes of engagement, mode and sides.
CODES = {"fr": {"durable": "durable", "ponctuel": "ponctuel", "direct": "direct", "indirect": "indirect",
                "unilateral": "unilatéral", "bilateral": "bilatéral", "multilateral": "multilatéral"},
         "en": {"durable": "lasting", "ponctuel": "one-off", "direct": "direct", "indirect": "indirect",
                "unilateral": "unilateral", "bilateral": "bilateral", "multilateral": "multilateral"}}
STATUS = {"fr": {"en_cours": "en cours", "termine": "terminé", "en_projet": "en projet", "suspendu": "suspendu"},
          "en": {"en_cours": "ongoing", "termine": "ended", "en_projet": "planned", "suspendu": "suspended"}}


def _eur(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f} €".replace(",", "\u202f")


def _years(a: Any, b: Any) -> str:
    if a is None and b is None:
        return ""
    if b is None or b == a:
        return str(a)
    return f"{a if a is not None else '?'}–{b}"


class _Page:
    """A column of text lines drawn top-down on the figure, in figure fractions."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.y = 0.955
        self.x = 0.07

    def text(self, s: str, size: float = 9.0, weight: str = "normal", colour: str = "#111827",
             gap: float = 0.0, wrap: int = WRAP) -> None:
        for line in textwrap.wrap(s, wrap) or [""]:
            self.fig.text(self.x, self.y, line, fontsize=size, fontweight=weight, color=colour, family=FONT,
                          va="top")
            self.y -= size / 72 / 11.69 * 1.35
        self.y -= gap

    def heading(self, s: str) -> None:
        self.y -= 0.008
        self.text(s.upper(), size=8.5, weight="bold", colour="#1d4ed8", gap=0.002)

    def items(self, values: list[str], words: dict[str, Any]) -> None:
        shown = values[:MAX_LIST]
        for v in shown:
            self.text("• " + v, wrap=WRAP - 2)
        if len(values) > len(shown):
            self.text(words["others"].format(n=len(values) - len(shown)), colour="#6b7280")
        if not values:
            self.text(words["none"], colour="#6b7280")


def _party(p: dict[str, Any], lang: str, words: dict[str, Any]) -> str:
    country = p.get("country_fr" if lang == "fr" else "country_en") or p.get("country_iso2") or ""
    local = f" ({p['local_name']})" if p.get("local_name") and p["local_name"] != p["name"] else ""
    where = f", {country}" if not p.get("is_french") else (f", {p['departement']}" if p.get("departement") else "")
    role = words["role"].get(p.get("role") or "", p.get("role") or "")
    return f"{p['name']}{local}{where} — {role}" if role else f"{p['name']}{local}{where}"


def _provenance(sheet: dict[str, Any], words: dict[str, Any], lang: str) -> str:
    prov = sheet.get("provenance") or {}
    if prov.get("is_demo"):
        return f"{words['source']} : {prov.get('source')}" if lang == "fr" else f"{words['source']}: {prov.get('source')}"
    bits = [str(prov.get("source") or prov.get("file_name") or "—")]
    if prov.get("source_date"):
        bits.append(str(prov["source_date"]))
    if prov.get("licence"):
        bits.append(f"{words['licence']} {prov['licence']}")
    if prov.get("source_url"):
        bits.append(str(prov["source_url"]))
    sep = " : " if lang == "fr" else ": "
    return words["source"] + sep + " · ".join(bits)


@plain_text
def sheet_figure(sheet: dict[str, Any], lang: str = "fr") -> Figure:
    """The one-page figure of a project or partnership sheet (atlas.db.sheets)."""
    words = LABELS["fr" if lang == "fr" else "en"]
    status = STATUS["fr" if lang == "fr" else "en"]
    fig = Figure(figsize=A4_PORTRAIT)
    pg = _Page(fig)
    project = sheet["kind_of_sheet"] == "project"
    kind = sheet.get("kind_fr" if lang == "fr" else "kind_en") or sheet.get("kind") or ""
    if project:
        pg.text(words["project"], size=9, colour="#6b7280")
        pg.text(str(sheet["title"]), size=15, weight="bold", wrap=60, gap=0.004)
        facts = [kind, _years(sheet.get("year_start"), sheet.get("year_end")),
                 status.get(sheet.get("status") or "", sheet.get("status") or "")]
    else:
        pg.text(words["partnership"] + " · " + kind, size=9, colour="#6b7280")
        pg.text(f"{sheet['fr_name']} — {sheet['partner_name']}", size=15, weight="bold", wrap=60, gap=0.004)
        facts = [sheet.get("country_fr" if lang == "fr" else "country_en") or "",
                 f"{words['since']} {sheet['since']}" if sheet.get("since") else "",
                 status.get(sheet.get("status") or "", sheet.get("status") or "")]
    pg.text(" · ".join(f for f in facts if f), size=10, colour="#374151", gap=0.006)
    if (sheet.get("provenance") or {}).get("is_demo"):
        pg.text(demo_mark(lang), size=9, weight="bold", colour="#b91c1c", gap=0.004)
    if project:
        _project_body(pg, sheet, lang, words)
    else:
        _partnership_body(pg, sheet, lang, words, status)
    fig.text(0.07, 0.03, "\n".join(textwrap.wrap(_provenance(sheet, words, lang), 120)), fontsize=7,
             color="#4b5563", family=FONT, va="bottom")
    return fig


def _project_body(pg: _Page, s: dict[str, Any], lang: str, words: dict[str, Any]) -> None:
    codes = CODES["fr" if lang == "fr" else "en"]
    details = [f"{words[k]} : {codes.get(s[k], s[k])}" for k in ("engagement", "mode", "sides") if s.get(k)]
    if any(details):
        pg.text(" · ".join(d for d in details if d), colour="#374151")
    pg.heading(words["description"])
    pg.text(str(s.get("description") or words["none"]), colour="#111827" if s.get("description") else "#6b7280")
    pg.heading(words["french"])
    pg.items([_party(p, lang, words) for p in s["french"]], words)
    pg.heading(words["partners"])
    pg.items([_party(p, lang, words) for p in s["partners"]], words)
    pg.heading(words["themes"] + " · " + words["sdgs"])
    themes = ", ".join(t["label_fr" if lang == "fr" else "label_en"] for t in s["themes"]) or words["none"]
    pg.text(themes)
    sdgs = ", ".join(f"{d['number']} {d['name_fr' if lang == 'fr' else 'name_en']}" for d in s["sdgs"])
    pg.text((words["sdgs"] + " : " if lang == "fr" else words["sdgs"] + ": ") + (sdgs or words["none"]))
    pg.heading(words["funding"])
    rows = [f"{f['label_fr' if lang == 'fr' else 'label_en']} : {_eur(f['amount_eur'])}" for f in s["funding"]]
    pg.items(rows, words)
    pg.text(f"{words['budget']} : {_eur(s.get('budget_eur'))}", weight="bold")
    if s["actors"]:
        pg.heading(words["actors"])
        pg.items([f"{a['name']} ({a['type']})" if a.get("type") else a["name"] for a in s["actors"]], words)
    if s["siblings"]:
        pg.heading(words["other_projects"])
        pg.items([f"{p['title']} ({_years(p.get('year_start'), p.get('year_end'))})" for p in s["siblings"]], words)


def _partnership_body(pg: _Page, s: dict[str, Any], lang: str, words: dict[str, Any],
                      status: dict[str, str]) -> None:
    yes_no = words["yes"] if s.get("formalised") else words["no"]
    pg.text(f"{words['agreement']} : {s.get('agreement') or words['none']} · {words['formalised']} : {yes_no}",
            colour="#374151")
    pg.heading(words["french"])
    pg.items([f"{s['fr_name']}" + (f", {s['fr_departement']}" if s.get("fr_departement") else "")], words)
    pg.heading(words["partners"])
    local = f" ({s['partner_local_name']})" if s.get("partner_local_name") not in (None, s["partner_name"]) else ""
    pg.items([f"{s['partner_name']}{local}, {s.get('country_fr' if lang == 'fr' else 'country_en') or ''}"], words)
    pg.heading(words["projects_of"])
    pg.items([f"{p['title']} ({_years(p.get('year_start'), p.get('year_end'))}, "
              f"{status.get(p.get('status') or '', p.get('status') or '')})" for p in s["projects"]], words)


def write_sheet(sheet: dict[str, Any], path: str | Path, lang: str = "fr") -> Path:
    """Write the sheet on one page; the format follows the extension (.pdf, .png, .svg)."""
    return save_figure(sheet_figure(sheet, lang), path, dpi=150)
