"""Delimited text (CSV) and plain text: delimiter detection and streamed reading."""

from __future__ import annotations

import csv
import itertools
import re
from typing import Iterator

from atlas.errors import ImportFileError
from atlas.ingest.limits import DEFAULT_LIMITS, ReadLimits
from atlas.ingest.readers.files import RawFile
from atlas.ingest.readers.sheet import Budget, Sheet, SheetBuilder

DELIMITERS = (";", ",", "\t", "|")


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _iter_lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends (\\r\\n, \\r or \\n), one at a time (no copy of the text)."""
    return (m.group() for m in _LINE.finditer(text))


def detect_delimiter(text: str) -> str | None:
    """The delimiter giving the most consistent column count over the first 50 lines.

    csv.Sniffer guesses from character frequencies and often picks a comma inside French
    amounts ("12,5") over the real semicolon; counting columns row by row is more robust.
    Returns None for a one-column text (e.g. a twinning directory). Only the head of the
    text is looked at, lines cut at 64 kB (under the csv module's field limit, so a huge cell
    does not hide the delimiter: it is refused when the file is read).
    """
    head = itertools.islice(_iter_lines(text), 200)
    lines = [ln[:1 << 16].rstrip("\r\n") for ln in head]
    lines = [ln for ln in lines if ln.strip()][:50]
    if not lines:
        return None
    best: tuple[float, int, str] | None = None
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:  # e.g. "field larger than field limit": not this delimiter
            continue
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        if modal < 2:
            continue
        score = counts.count(modal) / len(counts)
        cand = (score, modal, delim)
        if best is None or cand[:2] > best[:2]:
            best = cand
    return best[2] if best and best[0] >= 0.5 else None


def read_csv(text: str, delimiter: str, name: str = "csv", limits: ReadLimits | None = None) -> Sheet:
    """Rows of a delimited text; every row padded to the same width. Read within ``limits``."""
    limits = limits or DEFAULT_LIMITS
    builder = SheetBuilder(name, None, limits, Budget(), grid=False)
    # a physical line longer than this cannot be a row within the limits (and the csv module
    # would make one list entry per delimiter before the row could be checked)
    max_line = limits.max_columns * (limits.max_cell_chars + 3) + 2

    def lines() -> Iterator[str]:
        for number, line in enumerate(_iter_lines(text), 1):
            if len(line) > max_line:
                raise ImportFileError(
                    f"{name}: line {number:,} holds {len(line):,} characters; a row of at most "
                    f"{limits.max_columns:,} cells of at most {limits.max_cell_chars:,} characters is shorter")
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    add = builder.add
    try:
        for r in reader:
            add([c.strip() for c in r])
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise ImportFileError(
                f"{name}: a cell ending on line {reader.line_num:,} holds more than {csv.field_size_limit():,} "
                f"characters (or a quote \" opened there is never closed); the atlas reads at most "
                f"{limits.max_cell_chars:,} characters per cell") from None
        raise ImportFileError(f"{name}: malformed CSV at line {reader.line_num:,}: {exc}") from None
    return builder.finish("csv")


def read_text_lines(raw: RawFile) -> Sheet:
    """A text with no delimiter: one cell per line."""
    assert raw.text is not None
    builder = SheetBuilder(raw.name, None, raw.limits, Budget(), grid=False)
    for line in raw.text.splitlines():
        builder.add([line.strip()])
    return builder.finish("text")
