"""Historical commune names of the COG (1943-2019) -> the current commune each now belongs to.

@etalab/decoupage-administratif 0.5.1 ships ``data/historique-communes.json``: one record per
state of a commune (``COM`` a commune, ``COMD`` a commune déléguée, ``COMA`` associée, ``COMP``
the parent part of a merger), with ``dateDebut``/``dateFin``, ``successeur`` (the next state of
the same commune) and ``pole`` (the commune a déléguée/associée/parent part belongs to). Every
name ever carried is walked forward to the commune that exists in 2019 (successeur, then pole),
and that 2019 code to the current commune of the COG the atlas uses (the same code, a code in a
current commune's ``anciensCodes``, or a current commune déléguée/associée's ``chefLieu``).

Files written by people use these names for decades after a merger or a renaming (Évry,
Cherbourg, Saint-Ouen, Florac…): the matcher indexes them like the names of communes déléguées.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: A walk longer than this is a loop in the data (the longest real chain is about 10 states).
MAX_STEPS = 60


def terminal_state(record: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The state a record leads to in 2019: follow ``successeur``, and ``pole`` for parts of a
    commune (COMD, COMA, COMP), until a state with neither. None on a loop or a broken link."""
    rec = record
    for _ in range(MAX_STEPS):
        nxt = rec.get("successeur") or (rec.get("pole") if rec.get("type") != "COM" else None)
        if not nxt:
            return rec
        rec = by_id.get(nxt)
        if rec is None:
            return None
    return None


def current_code_map(cog_communes: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Any code the current COG knows -> the current commune holding it.

    Current communes map to themselves; old codes (``anciensCodes``) and communes déléguées or
    associées (``chefLieu``) to their current commune. A current commune's own code always wins.
    """
    cog = list(cog_communes)
    out: dict[str, str] = {}
    for c in cog:
        if c["type"] == "commune-actuelle":
            for old in c.get("anciensCodes") or ():
                out.setdefault(old, c["code"])
    for c in cog:
        if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu"):
            out.setdefault(c["code"], c["chefLieu"])
    for c in cog:
        if c["type"] == "commune-actuelle":
            out[c["code"]] = c["code"]
    return out


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date else None


def historical_names(history: list[dict[str, Any]],
                     cog_communes: Iterable[dict[str, Any]]) -> tuple[list[tuple[str, str, str, int | None]], int]:
    """(old code, historical name, current INSEE code, year the name ended) for every name of the
    history, and the number of records that lead to no current commune.

    The year is the last ``dateFin`` of a state carrying that name under that code (a name still
    carried by a commune déléguée in 2019 ended as a commune name when it became déléguée); None
    when no state with that name ever ended (the name of a current commune that kept it). Rows
    are unique by (code, name, current commune).
    """
    by_id = {r["id"]: r for r in history}
    to_current = current_code_map(cog_communes)
    years: dict[tuple[str, str, str], int | None] = {}
    lost = 0
    for rec in history:
        end = terminal_state(rec, by_id)
        insee = to_current.get(end["code"]) if end is not None else None
        if insee is None:
            lost += 1
            continue
        key = (rec["code"], rec["nom"], insee)
        year = _year(rec.get("dateFin"))
        if key not in years:
            years[key] = year
        elif year is not None and (years[key] is None or year > years[key]):
            years[key] = year
    rows = [(code, name, insee, year) for (code, name, insee), year in years.items()]
    return rows, lost
