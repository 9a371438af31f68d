"""Limits of the import readers: how much of a file the atlas agrees to read.

An imported file is data from outside, possibly hostile: a 1.6 kB XLSX can declare 17 billion
cells, a 400 kB ZIP can hold a 400 MB string, an ODS row can repeat itself a million times. The
readers (:mod:`atlas.ingest.readers`) stream every format and stop at these limits with a one-line
:class:`~atlas.errors.ImportFileError` naming the limit, instead of materialising what a file
declares. The defaults keep a read under about 1 GB of memory and accept every real export seen
so far (the largest, a national export, has about 20,000 rows and 40 columns).

Override per call: ``load_file(path, limits=ReadLimits(max_rows=2_000_000))`` (the CLI's
``--max-mb`` sets ``max_bytes``).
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """What one import may hold. Every limit is checked while reading, never after."""

    #: Size of the file on disk; a bigger file is refused before it is read (CLI: --max-mb).
    max_bytes: int = 64 * MB
    #: Rows of one sheet (or of a CSV) holding data; trailing empty rows do not count.
    max_rows: int = 1_000_000
    #: Columns holding data; trailing empty columns (styled or repeated to the sheet's end) do not count.
    max_columns: int = 500
    #: Characters of one cell: Excel's own limit, so any workbook Excel can write fits.
    max_cell_chars: int = 32_767
    #: Cells of the whole file once every sheet is made rectangular (rows x widest row): what
    #: memory holds. 10 million is 1,000,000 rows x 10 columns, or 200,000 rows x 50 columns.
    max_cells: int = 10_000_000
    #: Sum of the uncompressed sizes of an XLSX/ODS archive's members (declared, then counted).
    max_uncompressed: int = 500_000_000
    #: Compression ratio of one member above ``ratio_from`` bytes; real spreadsheets stay under
    #: 20:1 (cell references differ from cell to cell), ZIP bombs reach 1,000:1.
    max_ratio: int = 100
    ratio_from: int = 1_000_000
    #: Members of an XLSX/ODS archive (a workbook has a few dozen).
    max_members: int = 10_000
    #: XML elements of one row and rows of one sheet: Excel's own grid (16,384 x 1,048,576).
    #: Beyond, a file is not a spreadsheet any application wrote, whatever its content.
    max_row_elements: int = 16_384
    max_sheet_rows: int = 1_048_576
    #: Address space (bytes) and time (seconds) of the helper process that reads legacy .xls
    #: files: the .xls reader (Rust) aborts its process on some damaged files, so it runs apart.
    xls_memory: int = 1_000_000_000
    xls_seconds: float = 120.0


DEFAULT_LIMITS = ReadLimits()
