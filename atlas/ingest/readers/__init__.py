"""Read a file into rows of text cells: CSV (encoding and delimiter detected), XLSX, XLS (Excel 97-2003), ODS, text.

Every reader returns plain strings, so format parsers never see Excel types: integers written as
floats ("31555.0") come back as "31555", dates as ISO dates. File-level problems (empty, binary,
too big, unreadable) raise :class:`ImportFileError` with what was received and what was expected.

An imported file is data, possibly hostile, and it is read within :class:`ReadLimits`
(rows, columns, characters per cell, cells, uncompressed size): every format is streamed and the
reading stops at the first limit reached, with a one-line message naming it, instead of
materialising what the file declares (a dimension of A1:XFD1048576, a row repeated a million
times, a 400 MB string compressed to 400 kB). XLSX and ODS are ZIP archives of XML: their
members are checked before parsing (declared sizes, compression ratio, method, encryption), then
parsed by expat with a streaming handler, DTDs refused (no entity expansion), the bytes actually
inflated counted. Legacy .xls files are read by calamine (Rust) in a helper process, since a
damaged file can make it abort the process that runs it.

The modules, one job each: ``files`` (load a file: size, kind, text decoding), ``sheet`` (the
row/column/cell limits every reader builds through), ``csvtext`` (delimiter detection, CSV and
plain text), ``package`` (ZIP checks and streaming XML for XLSX/ODS), ``xlsx_parts`` and ``xlsx``
(the workbook's parts, then its worksheets), ``ods``, ``xls`` (the calamine helper process).
"""

from __future__ import annotations

from atlas.errors import ImportFileError
from atlas.ingest.limits import DEFAULT_LIMITS, ReadLimits
from atlas.ingest.readers.csvtext import DELIMITERS, detect_delimiter, read_csv, read_text_lines
from atlas.ingest.readers.files import DEFAULT_MAX_BYTES, RawFile, decode_text, load_file
from atlas.ingest.readers.ods import read_ods
from atlas.ingest.readers.sheet import Sheet, cell_text
from atlas.ingest.readers.xls import read_xls
from atlas.ingest.readers.xlsx import from_excel, read_xlsx

__all__ = [
    "DEFAULT_LIMITS", "DEFAULT_MAX_BYTES", "DELIMITERS", "RawFile", "ReadLimits", "Sheet", "cell_text",
    "decode_text", "detect_delimiter", "from_excel", "load_file", "read_csv", "read_ods", "read_sheets", "read_xls",
    "read_xlsx",
]


def read_sheets(raw: RawFile, delimiter: str | None = None) -> list[Sheet]:
    """The tables of a file: one for CSV, one per sheet for spreadsheets, read within ``raw.limits``.

    A text with no delimiter comes back as one column (one line per row).
    """
    try:
        if raw.kind == "xlsx":
            return read_xlsx(raw)
        if raw.kind == "xls":
            return read_xls(raw)
        if raw.kind == "ods":
            return read_ods(raw)
        assert raw.text is not None
        delim = delimiter or detect_delimiter(raw.text)
        if delim is None:
            return [read_text_lines(raw)]
        return [read_csv(raw.text, delim, raw.name, raw.limits)]
    except MemoryError:
        raise ImportFileError(
            f"{raw.name}: not enough memory to read it, although within the limits of {raw.limits.max_rows:,} "
            f"rows, {raw.limits.max_columns:,} columns and {raw.limits.max_cells:,} cells; split the file") from None
