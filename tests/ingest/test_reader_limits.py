"""Hostile files: every bomb is refused (or read) within the limits, on one line, fast, in little memory.

Each bomb is generated here, small on disk (ZIP members are written by hand, so a 400 MB string
costs 415 kB and no compression time), then read in a subprocess capped at 1 GiB of address space
(RLIMIT_AS). The subprocess reports the outcome, its read time and its peak memory (VmHWM, and
ru_maxrss of the .xls helper); the test prints them and asserts: a clean ImportFileError on one line naming
the limit, no traceback, and generous bounds on time and memory (printed figures are the real ones).
"""

from __future__ import annotations

import json
import random
import resource
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from atlas.errors import ImportFileError
from atlas.ingest.limits import ReadLimits
from atlas.ingest.readers import detect_delimiter, load_file, read_sheets

from .conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1 << 30  # 1 GiB of address space for the reading process
MAX_SECONDS = 20.0  # generous (a busy 2-core machine); the target, printed, is under 5 s
MAX_RSS_MB = 1024

# ----------------------------------------------------------------------------------------------
# ZIP members written by hand: sizes and bytes exactly as a bomb maker would write them

STORED, DEFLATED = 0, 8


@dataclass
class Member:
    name: str
    payload: bytes  # as stored in the archive (raw deflate for DEFLATED)
    crc: int
    size: int  # declared uncompressed size
    method: int = DEFLATED
    flags: int = 0


def deflated(name: str, data: bytes | str, declared: int | None = None) -> Member:
    data = data.encode() if isinstance(data, str) else data
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data) if declared is None else declared)


def stored(name: str, data: bytes | str) -> Member:
    data = data.encode() if isinstance(data, str) else data
    return Member(name, data, zlib.crc32(data), len(data), STORED)


def repeated(name: str, prefix: bytes, block: bytes, count: int, suffix: bytes, declared: int | None = None) -> Member:
    """prefix + block * count + suffix, deflated in O(len(block)): after a full flush, the
    compressed bytes of the same block are the same, so they are repeated, not recomputed."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    body = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.compress(suffix) + c.flush()
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    size = len(prefix) + len(block) * count + len(suffix)
    return Member(name, head + body * count + tail, crc, size if declared is None else declared)


def write_zip(path: Path, members: list[Member]) -> Path:
    out, central = bytearray(), bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, m.flags, m.method, 0, 0x21, m.crc, len(m.payload),
                           m.size, len(name), 0) + name + m.payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, m.flags, m.method, 0, 0x21, m.crc,
                               len(m.payload), m.size, len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


# ----------------------------------------------------------------------------------------------
# Minimal XLSX and ODS packages

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
             f'Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{SML}" xmlns:r="{DOC_REL}"><sheets>'
            '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
                 f'<Relationship Id="rId1" Type="{DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                 '</Relationships>')
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SML}">'


def sheet_xml(rows: str, dimension: str = "A1:B2") -> str:
    return f'{SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'


def sst_xml(*strings: str) -> str:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{SML}" count="{len(strings)}">{items}</sst>'


def xlsx(path: Path, sheet: Member | str, sst: Member | str | None = None, extra: list[Member] = ()) -> Path:
    members = [deflated("[Content_Types].xml", CONTENT_TYPES), deflated("_rels/.rels", ROOT_RELS),
               deflated("xl/workbook.xml", WORKBOOK), deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
               sheet if isinstance(sheet, Member) else deflated("xl/worksheets/sheet1.xml", sheet)]
    if sst is not None:
        members.append(sst if isinstance(sst, Member) else deflated("xl/sharedStrings.xml", sst))
    return write_zip(path, members + list(extra))


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
ODS_HEAD = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.2">'
            '<office:body><office:spreadsheet><table:table table:name="Feuille1">')
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>')


def ods(path: Path, content: Member | str) -> Path:
    return write_zip(path, [stored("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
                            deflated("META-INF/manifest.xml", MANIFEST),
                            content if isinstance(content, Member) else deflated("content.xml", content)])


def cell(text: str, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{rep}><text:p>{text}</text:p></table:table-cell>'


def empty_cells(repeat: int) -> str:
    return f'<table:table-cell table:number-columns-repeated="{repeat}"/>'


def row(cells: str, repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


# ----------------------------------------------------------------------------------------------
# The reading subprocess

# Reads one file with the real readers; the `atlas` package is entered without its __init__ (which
# loads DuckDB, GeoPandas…: 170 MB that are not the reader's), so the figures are the reader's own.
RUNNER = r"""
import json, resource, sys, time, types
root, path, overrides = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
pkg = types.ModuleType("atlas"); pkg.__path__ = [root + "/atlas"]; sys.modules["atlas"] = pkg
from atlas.errors import ImportFileError
from atlas.ingest.limits import ReadLimits
from atlas.ingest.readers import load_file, read_sheets
t0 = time.perf_counter()
try:
    raw = load_file(path, limits=ReadLimits(**overrides))
    sheets = read_sheets(raw)
    out = {"ok": True, "sheets": [[s.name, len(s.rows), max(map(len, s.rows), default=0)] for s in sheets],
           "first": [s.rows[0][:6] if s.rows else [] for s in sheets],
           "last": [s.rows[-1][:6] if s.rows else [] for s in sheets]}
except ImportFileError as exc:
    out = {"ok": False, "message": str(exc)}
out["seconds"] = round(time.perf_counter() - t0, 3)
# ru_maxrss survives exec (it would report the forking pytest's size): VmHWM is this process's own peak
hwm = int(next(ln for ln in open("/proc/self/status") if ln.startswith("VmHWM")).split()[1])
out["maxrss_mb"] = round(max(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024, 1)
print(json.dumps(out))
"""


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@dataclass
class Outcome:
    ok: bool
    message: str
    wall: float
    seconds: float
    maxrss_mb: float
    stderr: str
    sheets: list = field(default_factory=list)
    first: list = field(default_factory=list)
    last: list = field(default_factory=list)


def read_capped(path: Path, **limits: object) -> Outcome:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(ROOT), str(path), json.dumps(limits)],
                          capture_output=True, text=True, preexec_fn=_cap_memory, timeout=300, cwd=str(ROOT))
    wall = time.perf_counter() - t0
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-3000:]}"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    result = Outcome(out["ok"], out.get("message", ""), wall, out["seconds"], out["maxrss_mb"], proc.stderr,
                     out.get("sheets", []), out.get("first", []), out.get("last", []))
    print(f"\n{path.name} ({path.stat().st_size:,} bytes): {'read' if result.ok else 'refused'} in "
          f"{result.seconds:.2f} s (process {wall:.2f} s), peak {result.maxrss_mb:.0f} MB: "
          f"{result.message or result.sheets}")
    return result


def assert_refused(out: Outcome, pattern: str) -> None:
    import re

    assert not out.ok, f"expected a refusal, read {out.sheets}"
    assert "\n" not in out.message and out.message.strip() == out.message
    assert re.search(pattern, out.message), out.message
    assert out.wall < MAX_SECONDS, f"{out.wall:.1f} s"
    assert out.maxrss_mb < MAX_RSS_MB


# ----------------------------------------------------------------------------------------------
# XLSX bombs

def _dimension_bomb(tmp_path: Path, corner: bool) -> Path:
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>42</v></c></row>'
    if corner:
        rows += '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return xlsx(tmp_path / ("corner.xlsx" if corner else "dimension.xlsx"),
                sheet_xml(rows, "A1:XFD1048576"), sst_xml("Collectivité"))


def test_declared_dimension_is_not_materialised(tmp_path: Path) -> None:
    path = _dimension_bomb(tmp_path, corner=False)
    assert path.stat().st_size < 2000  # the 1.6 kB file that used to grow to gigabytes
    out = read_capped(path)
    assert out.ok and out.sheets == [["Feuil1", 1, 2]] and out.first == [["Collectivité", "42"]]
    assert out.wall < MAX_SECONDS and out.maxrss_mb < 200


def test_cell_in_the_last_corner_is_refused(tmp_path: Path) -> None:
    out = read_capped(_dimension_bomb(tmp_path, corner=True))
    assert_refused(out, r"corner.xlsx: sheet 'Feuil1' has data in column 16,384 \(cell XFD1048576\); "
                        r"the atlas reads at most 500 columns")


def test_column_xfd_on_20000_rows(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="XFD{i}"><v>1</v></c></row>'
                   for i in range(1, 20_001))
    out = read_capped(xlsx(tmp_path / "xfd.xlsx", sheet_xml(rows, "A1:XFD20000")))
    assert_refused(out, r"has data in column 16,384 \(cell XFD1\); the atlas reads at most 500 columns")


def test_row_beyond_the_limit(tmp_path: Path) -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>2</v></c></row>'
    out = read_capped(xlsx(tmp_path / "far.xlsx", sheet_xml(rows)))
    assert_refused(out, r"far.xlsx: sheet 'Feuil1' has data in row 1,048,576; the atlas reads at most "
                        r"1,000,000 rows per sheet")


def test_empty_styled_rows_to_the_end_are_ignored(tmp_path: Path) -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row>' + "".join(
        f'<row r="{i}" s="1" customFormat="1"><c r="A{i}" s="1"/><c r="XFD{i}" s="1"/></row>'
        for i in range(1_048_000, 1_048_577))
    out = read_capped(xlsx(tmp_path / "styled.xlsx", sheet_xml(rows, "A1:XFD1048576")))
    assert out.ok and out.sheets == [["Feuil1", 1, 1]]


def test_400_mb_shared_string_is_refused_before_inflating(tmp_path: Path) -> None:
    prefix = f'<?xml version="1.0"?><sst xmlns="{SML}"><si><t>'.encode()
    sst = repeated("xl/sharedStrings.xml", prefix, b"A" * (1 << 20), 400, b"</t></si></sst>")
    path = xlsx(tmp_path / "string.xlsx", sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), sst)
    assert path.stat().st_size < 500_000 and sst.size > 400_000_000
    out = read_capped(path)
    assert_refused(out, r"member 'xl/sharedStrings.xml' declares 419.4 MB uncompressed from 0.415 MB "
                        r"\(ratio 1,010:1\); the atlas refuses members compressed more than 100:1")


def test_shared_string_with_lying_size_is_refused_while_streaming(tmp_path: Path) -> None:
    # declares 4 MB (ratio 10:1, under the ratio limit) but inflates to 400 MB
    prefix = f'<?xml version="1.0"?><sst xmlns="{SML}"><si><t>'.encode()
    sst = repeated("xl/sharedStrings.xml", prefix, b"A" * (1 << 20), 400, b"</t></si></sst>", declared=4_000_000)
    out = read_capped(xlsx(tmp_path / "lie.xlsx", sheet_xml(""), sst))
    assert_refused(out, r"lie.xlsx: shared string 1 holds more than 262,136 characters; the atlas reads at most "
                        r"32,767 characters per cell")


def test_inline_string_bomb_with_ratio_check_off(tmp_path: Path) -> None:
    # the streaming guard alone: ratio limit raised so the member is parsed
    prefix = f'{SHEET_HEAD}<sheetData><row r="1"><c r="B1" t="inlineStr"><is><t>'.encode()
    sheet = repeated("xl/worksheets/sheet1.xml", prefix, b"A" * (1 << 20), 400, b"</t></is></c></row></sheetData></worksheet>")
    out = read_capped(xlsx(tmp_path / "inline.xlsx", sheet), max_ratio=10_000)
    assert_refused(out, r"inline.xlsx: sheet 'Feuil1': cell B1 holds more than 32,767 characters; "
                        r"the atlas reads at most 32,767 characters per cell \(Excel's own limit\)")


def test_total_uncompressed_size(tmp_path: Path) -> None:
    members = [repeated(f"xl/media/pad{i}.bin", b"", bytes(range(256)) * 4096, 100, b"") for i in range(6)]
    out = read_capped(xlsx(tmp_path / "big.xlsx", sheet_xml(""), extra=members), max_ratio=10_000)
    assert_refused(out, r"big.xlsx declares 629.\d MB once uncompressed; the atlas reads at most 500 MB uncompressed")


def test_long_shared_string_in_a_cell(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "long.xlsx", sheet_xml('<row r="3"><c r="C3" t="s"><v>0</v></c></row>'),
                sst_xml("x" * 40_000))
    assert_refused(read_capped(path), r"long.xlsx: sheet 'Feuil1': cell C3 holds 40,000 characters; the atlas reads "
                                      r"at most 32,767 characters per cell")


def test_one_row_with_a_million_cells(tmp_path: Path) -> None:
    sheet = repeated("xl/worksheets/sheet1.xml", f'{SHEET_HEAD}<sheetData><row r="1">'.encode(),
                     b"<c><v>7</v></c>" * 1000, 1000, b"</row></sheetData></worksheet>")
    out = read_capped(xlsx(tmp_path / "wide.xlsx", sheet), max_ratio=10_000)
    assert_refused(out, r"has data in column 501 \(cell SG1\); the atlas reads at most 500 columns")


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    lol = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
           + f']><sst xmlns="{SML}"><si><t>&lol9;</t></si></sst>')
    out = read_capped(xlsx(tmp_path / "lol.xlsx", sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), lol))
    assert_refused(out, r"lol.xlsx: xl/sharedStrings.xml declares a DTD or entities; XLSX files have none")
    out = read_capped(ods(tmp_path / "lol.ods", lol.replace("sst", "x")))
    assert_refused(out, r"lol.ods: content.xml declares a DTD or entities; ODS files have none")


# ----------------------------------------------------------------------------------------------
# ODS bombs

def test_ods_row_repeated_a_million_times(tmp_path: Path) -> None:
    content = ODS_HEAD + row(cell("Toulouse") + cell("Sénégal")) + row(cell("x"), 1_048_575) + ODS_TAIL
    out = read_capped(ods(tmp_path / "rows.ods", content))
    assert_refused(out, r"rows.ods: sheet 'Feuille1' has data in row 1,000,001 \(a row repeated 1,048,575 times\); "
                        r"the atlas reads at most 1,000,000 rows per sheet")


def test_ods_cell_repeated_to_the_last_column(tmp_path: Path) -> None:
    content = ODS_HEAD + row(cell("Toulouse") + cell("x", 16_383)) + ODS_TAIL
    out = read_capped(ods(tmp_path / "cols.ods", content))
    assert_refused(out, r"cols.ods: sheet 'Feuille1' has data in column 501 \(cell SG1\); the atlas reads at "
                        r"most 500 columns")


def test_ods_repeats_within_limits_but_too_many_cells(tmp_path: Path) -> None:
    content = ODS_HEAD + row(cell("x", 500), 900_000) + ODS_TAIL
    out = read_capped(ods(tmp_path / "area.ods", content))
    assert_refused(out, r"area.ods: sheet 'Feuille1' reaches 900,000 rows x 500 columns \(450,000,000 cells\) at row 1; "
                        r"the atlas reads at most 10,000,000 cells per file")


def test_ods_trailing_empty_repeats_are_ignored(tmp_path: Path) -> None:
    """What LibreOffice writes: empty cells repeated to the last column, an empty row to the last row."""
    data = [["Collectivité", "Pays", "Partenaire"], ["Toulouse", "Sénégal", "Saint-Louis"], ["Rennes", "Japon", "Sendai"]]
    body = "".join(row("".join(cell(v) for v in r) + empty_cells(16_384 - len(r))) for r in data)
    body += row(empty_cells(16_384), 1_048_576 - len(data))
    path = ods(tmp_path / "libre.ods", ODS_HEAD + body + ODS_TAIL)
    out = read_capped(path)
    assert out.ok and out.sheets == [["Feuille1", 3, 3]] and out.last == [["Rennes", "Japon", "Sendai"]]
    assert out.maxrss_mb < 200
    assert read_sheets(load_file(path))[0].rows == data


def test_ods_space_run_and_long_text(tmp_path: Path) -> None:
    content = ODS_HEAD + row('<table:table-cell office:value-type="string"><text:p>a<text:s text:c="999999999999"/>'
                             "</text:p></table:table-cell>") + ODS_TAIL
    assert_refused(read_capped(ods(tmp_path / "spaces.ods", content)),
                   r"spaces.ods: sheet 'Feuille1': cell A1 holds more than 32,767 characters")
    prefix = (ODS_HEAD + '<table:table-row><table:table-cell office:value-type="string"><text:p>').encode()
    member = repeated("content.xml", prefix, b"A" * (1 << 20), 400, ("</text:p></table:table-cell></table:table-row>"
                                                                      + ODS_TAIL).encode())
    out = read_capped(ods(tmp_path / "text.ods", member))
    assert_refused(out, r"member 'content.xml' declares 419.4 MB uncompressed .*more than 100:1")
    out = read_capped(ods(tmp_path / "text2.ods", member), max_ratio=10_000)
    assert_refused(out, r"cell A1 holds more than 32,767 characters")


def test_ods_reads_like_libreoffice_writes(tmp_path: Path) -> None:
    """Types, comments, spaces, paragraphs, merged and repeated cells (in-process, exact values)."""
    cells = (
        '<table:table-cell office:value-type="float" office:value="31555"><text:p>31 555</text:p></table:table-cell>'
        '<table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25 %</text:p></table:table-cell>'
        '<table:table-cell office:value-type="currency" office:value="8000.5"><text:p>8 000,50 €</text:p>'
        '</table:table-cell>'
        '<table:table-cell office:value-type="date" office:date-value="2018-05-01"><text:p>01/05/18</text:p>'
        '</table:table-cell>'
        '<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>VRAI</text:p>'
        '</table:table-cell>'
        '<table:table-cell office:value-type="time" office:time-value="PT10H30M00S"><text:p>10:30</text:p>'
        '</table:table-cell>'
        '<table:table-cell table:number-columns-spanned="2" office:value-type="string"><office:annotation>'
        '<text:p>a comment</text:p></office:annotation><text:p>Saint<text:s/>-<text:s text:c="2"/>Louis</text:p>'
        '<text:p>ligne <text:span>deux</text:span></text:p></table:table-cell><table:covered-table-cell/>'
        + cell("x", 2))
    path = ods(tmp_path / "types.ods", ODS_HEAD + row(cells) + ODS_TAIL)
    assert read_sheets(load_file(path))[0].rows == [
        ["31555", "0.25", "8000.5", "2018-05-01", "oui", "10:30:00", "Saint -  Louis\nligne deux", "", "x", "x"]]


# ----------------------------------------------------------------------------------------------
# CSV and text

def test_hundred_megabyte_csv_with_a_raised_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    line = "Toulouse;31;Sénégal;Dakar;Projet de coopération décentralisée numéro quelconque;2019\n".encode()
    with open(big, "wb") as fh:
        fh.write("Collectivité;Département;Pays;Collectivité partenaire;Intitulé;Année\n".encode())
        block = line * 20000
        while fh.tell() < 100 * 1024 * 1024:
            fh.write(block)
    out = read_capped(big, max_bytes=200 * 1024 * 1024)  # the CLI's --max-mb 200
    assert_refused(out, r"big.csv has data in row 1,000,001; the atlas reads at most 1,000,000 rows per file")


def test_csv_rows_limit_small(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("a;b\n" + "1;2\n" * 2000 + "\n\n\n", encoding="utf-8")
    assert_refused(read_capped(path, max_rows=1000), r"has data in row 1,001; the atlas reads at most 1,000 rows")
    out = read_capped(path, max_rows=2001)  # trailing empty lines do not count
    assert out.ok and out.sheets == [["csv", 2001, 2]]


def test_csv_field_larger_than_the_csv_module_accepts(tmp_path: Path) -> None:
    path = tmp_path / "field.csv"
    path.write_text("Collectivité;Pays\nToulouse;" + "x" * 200_000 + "\n", encoding="utf-8")
    assert detect_delimiter(path.read_text(encoding="utf-8")) == ";"  # used to raise _csv.Error
    out = read_capped(path)
    assert_refused(out, r"field.csv: a cell ending on line 2 holds more than 131,072 characters \(or a quote \" "
                        r"opened there is never closed\); the atlas reads at most 32,767 characters per cell")
    quote = tmp_path / "quote.csv"
    quote.write_text("a;b\n" + "y;z\n" * 100 + '"never closed;x\n' + "y;z\n" * 40_000, encoding="utf-8")
    assert_refused(read_capped(quote), r"a quote \" opened there is never closed")


def test_csv_cell_over_excel_limit(tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    path.write_text("a;b\n1;" + "x" * 40_000 + "\n", encoding="utf-8")
    assert_refused(read_capped(path), r"cell.csv: row 2, column 2 holds 40,000 characters; the atlas reads at most "
                                      r"32,767 characters per cell")


def test_csv_row_with_a_hundred_thousand_columns(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("a;b\n" + ";".join(["v"] * 100_000) + "\n", encoding="utf-8")
    assert_refused(read_capped(path), r"wide.csv has data in column 100,000 \(row 2, column 100,000\); the atlas "
                                      r"reads at most 500 columns \(is the delimiter right\?\)")


def test_text_line_too_long(tmp_path: Path) -> None:
    path = tmp_path / "annuaire.txt"
    path.write_text("ABBEVILLE (HAUTS DE FRANCE - SOMME)\n" + "A" * 50_000 + "\n", encoding="utf-8")
    assert_refused(read_capped(path), r"annuaire.txt: row 2, column 1 holds 50,000 characters")


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + "Collectivité;Pays\n".encode("utf-16-le") + b"\x00\xd8\x41\x00",  # lone high surrogate
    b"\xfe\xff" + "a;b\n".encode("utf-16-be") + b"\xdc\x00\x00\x41",  # lone low surrogate
    b"\xff\xfe" + "a;b\n".encode("utf-16-le") + b"\x41",  # odd number of bytes
])
def test_damaged_utf16(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFileError, match=r"u16.csv starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                                              r"\(.+ at byte \d+ of \d+\); re-save it as UTF-8") as info:
        load_file(path)
    assert "\n" not in str(info.value)


# ----------------------------------------------------------------------------------------------
# Damaged files

def _truncated_xls(tmp_path: Path) -> Path:
    data = (FIXTURES / "regional_network.xls").read_bytes()
    path = tmp_path / "truncated.xls"
    path.write_bytes(data[:8757])  # calamine panics on it (PanicException, a BaseException)
    return path


def _flipped_xls(tmp_path: Path) -> Path:
    # three bytes changed: calamine tries to allocate 2.5 TB and aborts its process (SIGABRT)
    data = (FIXTURES / "regional_network.xls").read_bytes()
    rng = random.Random(1)
    for i in range(173):
        b = bytearray(data)
        for _ in range(3):
            p = rng.randrange(512, len(b))
            b[p] = rng.randrange(256)
    path = tmp_path / "flipped.xls"
    path.write_bytes(bytes(b))
    return path


@pytest.mark.parametrize("make", [_truncated_xls, _flipped_xls])
def test_damaged_xls_never_kills_the_reader(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    out = read_capped(make(tmp_path))
    assert_refused(out, r"\.xls is an OLE2 compound file but cannot be read as an Excel 97-2003 \(.xls\) workbook "
                        r"\(.+\); expected a CSV")


def test_xls_still_reads_and_its_reader_has_a_deadline() -> None:
    sheets = read_sheets(load_file(FIXTURES / "regional_network.xls"))
    assert [s.name for s in sheets] == ["Projets", "Notes"] and sheets[1].rows == [["Source : saisie des membres du réseau"]]
    with pytest.raises(ImportFileError, match=r"regional_network.xls is an OLE2 compound file but cannot be read .*"
                                              r"\(it took more than 0 s\)"):
        read_sheets(load_file(FIXTURES / "regional_network.xls", limits=ReadLimits(xls_seconds=0.001)))


def _damaged_packages(tmp_path: Path) -> list[tuple[Path, str]]:
    good = xlsx(tmp_path / "good.xlsx", sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))
    data = good.read_bytes()
    cases = []
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 2])
    cases.append((p, r"cut.xlsx looks like a ZIP archive \(XLSX/ODS\) but is damaged"))
    p = write_zip(tmp_path / "norels.xlsx", [deflated("xl/workbook.xml", WORKBOOK),
                                             deflated("xl/worksheets/sheet1.xml", sheet_xml(""))])
    cases.append((p, r"norels.xlsx is damaged: it lacks 'xl/_rels/workbook.xml.rels'"))
    p = xlsx(tmp_path / "badxml.xlsx", sheet_xml('<row r="1"><c r="A1"><v>1</c></row>'))
    cases.append((p, r"badxml.xlsx is damaged: xl/worksheets/sheet1.xml is not valid XML \(mismatched tag: line 1"))
    p = xlsx(tmp_path / "emptysheet.xlsx", "")
    cases.append((p, r"emptysheet.xlsx is damaged: xl/worksheets/sheet1.xml is not valid XML \(no element found"))
    p = xlsx(tmp_path / "badindex.xlsx", sheet_xml('<row r="1"><c r="A1" t="s"><v>7</v></c></row>'), sst_xml("a"))
    cases.append((p, r"badindex.xlsx: sheet 'Feuil1' is damaged: cell A1 refers to shared string '7', the table holds 1"))
    sheet = deflated("xl/worksheets/sheet1.xml", sheet_xml("".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>'
                                                                    for i in range(1, 3000))))
    sheet.payload = sheet.payload[:200] + bytes(b ^ 0x5A for b in sheet.payload[200:400]) + sheet.payload[400:]
    p = xlsx(tmp_path / "flipped.xlsx", sheet)
    cases.append((p, r"flipped.xlsx is damaged: xl/worksheets/sheet1.xml (cannot be inflated|is not valid XML)"))
    bz = deflated("xl/worksheets/sheet1.xml", sheet_xml(""))
    bz.method = 12
    cases.append((xlsx(tmp_path / "bzip2.xlsx", bz), r"compressed with method 12; XLSX files use deflate"))
    enc = deflated("xl/worksheets/sheet1.xml", sheet_xml(""))
    enc.flags = 1
    cases.append((xlsx(tmp_path / "locked.xlsx", enc), r"locked.xlsx is password-protected"))
    p = write_zip(tmp_path / "nocontent.ods", [stored("mimetype", "application/vnd.oasis.opendocument.spreadsheet")])
    cases.append((p, r"nocontent.ods is damaged: it lacks 'content.xml'"))
    p = ods(tmp_path / "cut.ods", (ODS_HEAD + row(cell("a")) + ODS_TAIL)[:-60])
    cases.append((p, r"cut.ods is damaged: content.xml is not valid XML \((unclosed token|no element found)"))
    p = ods(tmp_path / "entity.ods", ODS_HEAD + row(cell("&nope;")) + ODS_TAIL)
    cases.append((p, r"entity.ods is damaged: content.xml is not valid XML \(undefined entity"))
    return cases


def test_damaged_packages_are_refused_on_one_line(tmp_path: Path) -> None:
    for path, pattern in _damaged_packages(tmp_path):
        with pytest.raises(ImportFileError, match=pattern) as info:
            read_sheets(load_file(path))
        assert "\n" not in str(info.value), str(info.value)


def test_empty_file_and_folder(tmp_path: Path) -> None:
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with pytest.raises(ImportFileError, match=r"empty.xlsx is empty \(0 bytes\)"):
        load_file(tmp_path / "empty.xlsx")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(ImportFileError, match=r"folder.csv is a folder, expected a file"):
        load_file(tmp_path / "folder.csv")


# ----------------------------------------------------------------------------------------------
# Legitimate files still read in full

def _workbook(path: Path, n_rows: int, n_cols: int = 10) -> Path:
    import datetime as dt

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Projets")
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, [f"Colonne {j + 1}" for j in range(n_cols)])
    for i in range(1, n_rows + 1):
        ws.write_string(i, 0, f"Ville {i % 3000}")
        ws.write_number(i, 1, 31555 + i)
        ws.write_datetime(i, 2, dt.datetime(2018, 5, 1) + dt.timedelta(days=i % 365), date)
        for j in range(3, n_cols):
            ws.write_string(i, j, f"Valeur {(i * j) % 997}")
    wb.close()
    return path


def test_moderately_large_workbook_reads_in_full(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "projets.xlsx", 50_000)
    out = read_capped(path)
    assert out.ok, out.message
    assert out.sheets == [["Projets", 50_001, 10]]
    assert out.first == [[f"Colonne {j}" for j in range(1, 7)]]
    assert out.last == [["Ville 2000", "81555", "2019-04-26", "Valeur 450", "Valeur 600", "Valeur 750"]]
    assert out.wall < MAX_SECONDS * 3 and out.maxrss_mb < MAX_RSS_MB


def test_row_and_cell_limits_on_a_legitimate_workbook(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "projets.xlsx", 3000)
    assert_refused(read_capped(path, max_rows=2000), r"projets.xlsx: sheet 'Projets' has data in row 2,001; the atlas "
                                                     r"reads at most 2,000 rows per sheet")
    assert_refused(read_capped(path, max_cells=20_000), r"reaches 2,001 rows x 10 columns \(20,010 cells\) at row "
                                                        r"2,001; the atlas reads at most 20,000 cells per file")
    assert_refused(read_capped(path, max_columns=5), r"has data in column 6 \(cell F1\); the atlas reads at most 5 "
                                                     r"columns")


def test_cli_prints_one_line_and_exits_1(tmp_path: Path, db: Path) -> None:
    """The real command, with all of atlas imported, under the same 1 GiB cap."""
    path = _dimension_bomb(tmp_path, corner=True)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "import sys; from atlas.cli import main; sys.exit(main(sys.argv[1:]))",
                           "import", str(path), "--db", str(db), "--dry-run", "--quiet"],
                          capture_output=True, text=True, preexec_fn=_cap_memory, timeout=300, cwd=str(ROOT))
    print(f"\nCLI: {time.perf_counter() - t0:.2f} s: {proc.stderr.strip()}")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert lines[0].startswith("atlas: error: corner.xlsx: sheet 'Feuil1' has data in column 16,384")
