"""The import report: what was read, matched, imported, skipped, queued and refused, and why.

``ImportReport.to_dict()`` is the JSON written by ``--report``; ``summary()`` is the text printed
on stderr. Lists of issues are complete in the JSON (row number, raw value, candidates, what was
expected) and cut to a few lines in the summary.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from atlas.errors import OutputPathError, printable
from atlas.ingest.headers import shown_path


@dataclass
class Issue:
    """A row needing attention: ambiguous or unmatched side, with candidates."""

    row: int
    side: str  # french, partner
    value: str
    context: str
    reason: str
    candidates: list[dict[str, Any]] = field(default_factory=list)
    queue_id: str | None = None


@dataclass
class ImportReport:
    """Outcome of one import (or dry run)."""

    file: str
    format: str = ""
    file_hash: str = ""
    encoding: str | None = None
    batch_id: str | None = None
    dry_run: bool = False
    nothing_new: bool = False  # every row was already in the database
    previous_batches: list[str] = field(default_factory=list)  # batches that imported the same file
    rows_read: int = 0
    records: int = 0
    links_imported: int = 0  # standing partnerships
    projects_imported: int = 0
    actors_imported: int = 0  # actor directories: new actors, and new supports of authorities
    supports_imported: int = 0
    already_present: int = 0
    authorities_added: int = 0
    french_total: int = 0
    french_matched: int = 0
    french_methods: dict[str, int] = field(default_factory=dict)
    partners_total: int = 0
    partners_matched: int = 0
    partner_methods: dict[str, int] = field(default_factory=dict)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # {row, reason, value}
    ambiguous: list[Issue] = field(default_factory=list)
    unmatched: list[Issue] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # {row, column, value, expected}
    warnings: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)  # {row, side, value, flag}
    notes: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    # ---- derived -------------------------------------------------------------------------------
    @property
    def skipped_by_reason(self) -> dict[str, int]:
        # "duplicate of row 12" and "duplicate of row 40" are one reason
        return dict(Counter(_reason_class(s["reason"]) for s in self.skipped).most_common())

    @property
    def queued(self) -> int:
        return len({i.queue_id for i in self.ambiguous + self.unmatched if i.queue_id})

    def rate(self, side: str) -> float | None:
        total = self.french_total if side == "french" else self.partners_total
        matched = self.french_matched if side == "french" else self.partners_matched
        return round(100.0 * matched / total, 2) if total else None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["skipped_by_reason"] = self.skipped_by_reason
        d["french_match_rate"] = self.rate("french")
        d["partner_match_rate"] = self.rate("partner")
        d["queued"] = self.queued
        return d

    def to_json(self, limit: int | None = None) -> str:
        d = self.to_dict()
        if limit is not None:  # the copy kept in import_batches.report stays bounded
            for key in ("skipped", "ambiguous", "unmatched", "errors", "warnings", "flags"):
                if len(d[key]) > limit:
                    d[key + "_truncated"] = len(d[key]) - limit
                    d[key] = d[key][:limit]
        text = json.dumps(d, ensure_ascii=False, indent=2, default=str)
        # A file name that was not UTF-8 on disk (lone surrogates): valid UTF-8, undecodable bytes as U+FFFD.
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")

    def write(self, path: str | Path) -> Path:
        """Write the JSON report; an OSError (disk full, folder removed meanwhile…) propagates."""
        path = Path(path)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    def summary(self, max_lines: int = 8) -> str:
        """Human-readable summary for stderr."""
        head = "DRY RUN — nothing written. " if self.dry_run else ""
        lines = [f"{head}{self.file}: format {self.format}" + (f", encoding {self.encoding}" if self.encoding else "")]
        if self.nothing_new:
            lines.append("  nothing new: every row is already in the database"
                         + (f" (same file imported as batch {', '.join(self.previous_batches)})" if self.previous_batches else ""))
        lines.append(f"  rows read {self.rows_read}; links imported {self.links_imported}; projects imported "
                     f"{self.projects_imported}; already present {self.already_present}; new authorities "
                     f"{self.authorities_added}"
                     + (f"; actors imported {self.actors_imported}; supports imported {self.supports_imported}"
                        if self.format == "actors" or self.actors_imported or self.supports_imported else "")
                     + (f"; batch {self.batch_id}" if self.batch_id else ""))
        for side, label in (("french", "French side"), ("partner", "partners")):
            total = self.french_total if side == "french" else self.partners_total
            matched = self.french_matched if side == "french" else self.partners_matched
            methods = self.french_methods if side == "french" else self.partner_methods
            if total:
                how = ", ".join(f"{k} {v}" for k, v in sorted(methods.items(), key=lambda kv: -kv[1]))
                lines.append(f"  {label} matched {matched}/{total} ({self.rate(side)} %)" + (f" — {how}" if how else ""))
        if self.skipped:
            lines.append(f"  skipped {len(self.skipped)}: "
                         + "; ".join(f"{k} ({v})" for k, v in self.skipped_by_reason.items()))
        for title, items in (("ambiguous", self.ambiguous), ("unmatched", self.unmatched)):
            if items:
                lines.append(f"  {title} {len(items)} (queued for review: `atlas review`):")
                for i in items[:max_lines]:
                    cands = ", ".join(f"{c['name']} [{c['id']}]" for c in i.candidates[:3])
                    lines.append(f"    row {i.row} {i.side} {i.value!r}: {i.reason}" + (f" — candidates: {cands}" if cands else ""))
                if len(items) > max_lines:
                    lines.append(f"    … {len(items) - max_lines} more in the JSON report (--report)")
        for title, items in (("errors (rows refused)", self.errors), ("warnings (values ignored)", self.warnings)):
            if items:
                lines.append(f"  {title} {len(items)}:")
                for e in items[:max_lines]:
                    lines.append(f"    row {e['row']}, column {e['column']!r}, value {str(e['value'])[:60]!r}: expected {e['expected']}")
                if len(items) > max_lines:
                    lines.append(f"    … {len(items) - max_lines} more in the JSON report (--report)")
        if self.flags:
            lines.append(f"  flags {len(self.flags)}:")
            for f in self.flags[:max_lines]:
                lines.append(f"    row {f['row']} {f['side']} {f['value']!r}: {f['flag']}")
            if len(self.flags) > max_lines:
                lines.append(f"    … {len(self.flags) - max_lines} more in the JSON report (--report)")
        for n in self.notes:
            lines.append(f"  note: {n}")
        if self.ignored_columns:
            lines.append("  columns ignored: " + ", ".join(repr(c) for c in self.ignored_columns))
        lines.append(f"  {self.seconds:.1f} s")
        # Values come from the file: control characters (terminal escapes) are shown as escapes.
        return "\n".join(printable(line) for line in lines)


def _reason_class(reason: str) -> str:
    for prefix in ("duplicate of row", "same pair as row", "same link as row"):
        if reason.startswith(prefix):
            return prefix.replace(" row", "") + " an earlier row"
    return reason


def check_output_file(path: str | Path, what: str = "output file",
                      protected: Iterable[tuple[str, str | Path | None]] = ()) -> Path:
    """Make sure ``path`` can be written *before* any work is done: its folder exists, it is not
    a folder, it can be opened for writing, and it is none of the ``protected`` files (the
    database, the file being imported…: (label, path) pairs). Raises :class:`OutputPathError`
    with one line saying what is wrong; nothing is left behind (a file created to try is removed).
    """
    p = Path(path)
    shown = shown_path(p)
    if not str(path).strip():
        raise OutputPathError(f"{what}: an empty path; expected a file name such as rapport.json")
    try:
        st: os.stat_result | None = os.stat(p)
    except FileNotFoundError:
        st = None
        parent = p.parent
        if not parent.exists():
            raise OutputPathError(f"cannot write the {what} to {shown}: the folder {shown_path(parent)} does not "
                                  "exist (create it first)") from None
    except NotADirectoryError:
        raise OutputPathError(f"cannot write the {what} to {shown}: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise OutputPathError(f"cannot write the {what} to {shown}: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputPathError(f"cannot write the {what} to {shown}: it is a folder; expected a file name "
                              f"such as {shown_path(p / 'rapport.json')}")
    if st is not None and not stat.S_ISREG(st.st_mode):  # /dev/full, a FIFO…: accepts the open, not the data
        raise OutputPathError(f"cannot write the {what} to {shown}: it is not a regular file; expected a file "
                              "name such as rapport.json")
    if Path(os.path.realpath(p)).parts[1:2] in (("proc",), ("sys",)):  # kernel pseudo-files
        raise OutputPathError(f"cannot write the {what} to {shown}: it is a system file; expected a file name "
                              "such as rapport.json")
    if st is not None:
        for label, other in protected:
            try:
                if other is not None and Path(other).exists() and os.path.samefile(p, other):
                    raise OutputPathError(f"cannot write the {what} to {shown}: it is {label}, which would be "
                                          "overwritten; choose another file name")
            except OSError:
                continue
    try:
        flags = os.O_WRONLY | os.O_APPEND | (0 if st is not None else os.O_CREAT | os.O_EXCL)
        fd = os.open(p, flags, 0o644)
        os.close(fd)
    except OSError as exc:
        raise OutputPathError(f"cannot write the {what} to {shown}: {exc.strerror or exc}") from None
    if st is None:
        p.unlink(missing_ok=True)
    return p
