"""Match rates on realistic files made from real reference names (atlas.ingest.samples).

Done means: >= 98 % of the French authorities matched to the right code where the file gives
context (département, INSEE code, coordinates), no wrong match there, and every partner either
placed in the right country or queued with a reason. Rates are printed (pytest -s) and kept in
the session's tmp folder as match_rates.json.
"""

from __future__ import annotations

import json

import pytest

from atlas.ingest.countries import CountryResolver
from atlas.ingest.formats import ParseOptions, parse_file
from atlas.ingest.headers import Mapping
from atlas.ingest.pipeline import match_records
from atlas.ingest.readers import load_file
from atlas.ingest.report import ImportReport
from atlas.ingest.samples import Sample, SampleMaker


def evaluate(con, sample: Sample) -> dict[str, float | int]:  # noqa: ANN001
    raw = load_file(sample.path)
    parsed = parse_file(raw, "auto", Mapping(), ParseOptions(CountryResolver(con)))
    outcome = match_records(con, parsed.records, ImportReport(file=sample.path.name))
    by_row = {r.row: (frs, prs) for r, frs, prs in outcome.sides}
    m = dict(rows=0, fr_ok=0, fr_wrong=0, fr_queued=0, ctx_rows=0, ctx_ok=0, ctx_wrong=0,
             partners=0, p_right_country=0, p_exact=0, p_wrong_country=0, p_queued=0, p_queued_no_reason=0,
             skipped_foreign=0)
    skipped = {s.row for s in parsed.skips}
    for e in sample.expected:
        if not e.french_side:
            m["skipped_foreign"] += e.row in skipped
            continue
        m["rows"] += 1
        frs, prs = by_row[e.row]
        fr = frs[0]
        ok = fr.status == "matched" and fr.entity is not None and fr.entity.id == e.fr_id
        wrong = fr.status == "matched" and not ok
        m["fr_ok"] += ok
        m["fr_wrong"] += wrong
        m["fr_queued"] += fr.status != "matched"
        if e.fr_has_context:
            m["ctx_rows"] += 1
            m["ctx_ok"] += ok
            m["ctx_wrong"] += wrong
        p = prs[0]
        m["partners"] += 1
        if p.status == "matched" and p.entity is not None:
            m["p_right_country"] += p.entity.country_iso2 == e.partner_cc
            m["p_wrong_country"] += p.entity.country_iso2 != e.partner_cc
            m["p_exact"] += p.entity.id == e.partner_id
        else:
            m["p_queued"] += 1
            m["p_queued_no_reason"] += not p.reason
    m["fr_rate"] = round(100 * m["fr_ok"] / m["rows"], 2)
    m["ctx_rate"] = round(100 * m["ctx_ok"] / max(m["ctx_rows"], 1), 2)
    m["partner_country_rate"] = round(100 * m["p_right_country"] / m["partners"], 2)
    m["partner_exact_rate"] = round(100 * m["p_exact"] / m["partners"], 2)
    return m


@pytest.fixture(scope="module")
def maker(ro_con) -> SampleMaker:
    return SampleMaker(ro_con, seed=2024)


@pytest.mark.parametrize("fmt,n,overall", [("projects", 1500, 98.0), ("pairs", 1500, 97.0), ("directory", 600, 98.0)])
def test_match_rates(ro_con, maker: SampleMaker, tmp_path_factory: pytest.TempPathFactory, fmt: str, n: int,
                     overall: float) -> None:
    folder = tmp_path_factory.getbasetemp()
    make = {"projects": maker.projects_csv, "pairs": maker.pairs_csv, "directory": maker.directory_txt}[fmt]
    sample = make(folder / f"eval_{fmt}{'.txt' if fmt == 'directory' else '.csv'}", n)
    m = evaluate(ro_con, sample)
    print(f"\n{fmt}: {json.dumps(m)}")
    out = folder / "match_rates.json"
    data = json.loads(out.read_text()) if out.exists() else {}
    data[fmt] = m
    out.write_text(json.dumps(data, indent=2))
    assert m["ctx_rate"] >= 98.0, m  # where the file gives a département, a code or coordinates
    assert m["ctx_wrong"] == 0, m  # no wrong match where the département (or code) is given
    assert m["fr_rate"] >= overall, m  # homonyms without any context are queued, never guessed
    assert m["p_wrong_country"] == 0 and m["p_queued_no_reason"] == 0, m
    assert m["p_right_country"] + m["p_queued"] == m["partners"]
    if fmt == "pairs":
        assert m["skipped_foreign"] > 0
