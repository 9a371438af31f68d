"""Legacy Excel 97-2003 workbooks (.xls), read by calamine in a helper process."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from typing import Callable

from atlas.errors import ImportFileError
from atlas.ingest.readers.files import EXPECTED, RawFile
from atlas.ingest.readers.sheet import Budget, Sheet, SheetBuilder, cell_text

# The helper: reads the workbook from stdin, writes one JSON line per sheet and per row. It runs
# apart because calamine (Rust) aborts the whole process on some damaged files (an allocation of
# terabytes it cannot make): the atlas, or the app, must survive a hostile file.
_XLS_HELPER = r"""
import datetime as dt, json, sys
try:
    import resource
    _soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    _cap = int(sys.argv[1])
    if _hard == resource.RLIM_INFINITY or _cap < _hard:
        resource.setrlimit(resource.RLIMIT_AS, (_cap, _hard))
except (ImportError, ValueError, OSError):
    pass

def enc(v):
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, dt.datetime):
        return ["datetime", v.isoformat()]
    if isinstance(v, dt.date):
        return ["date", v.isoformat()]
    if isinstance(v, dt.time):
        return ["time", v.isoformat()]
    if isinstance(v, dt.timedelta):
        return ["timedelta", v.total_seconds()]
    return str(v)

def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")

def is_rust_panic(exc):
    # pyo3's PanicException derives from BaseException and is not importable: known by its type's name
    t = type(exc)
    return t.__name__ == "PanicException" and t.__module__ == "pyo3_runtime"

def main():
    from python_calamine import CalamineWorkbook
    import io
    wb = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        start = sheet.start or (0, 0)
        emit({"sheet": name, "rows": start[0] + sheet.height, "columns": start[1] + sheet.width})
        pad = [""] * start[1]
        for row in sheet.iter_rows():
            emit(pad + [enc(v) for v in row])
    emit({"end": True})

try:
    main()
except MemoryError:
    emit({"error": "not enough memory"})
except Exception as exc:
    emit({"error": type(exc).__name__ + ": " + " ".join(str(exc).split())[:300]})
except BaseException as exc:
    if not is_rust_panic(exc):
        raise
    emit({"error": "the reader failed on it: " + " ".join(str(exc).split())[:300]})
sys.stdout.flush()
"""


def _xls_value(v: object) -> object:
    if isinstance(v, list) and len(v) == 2:
        kind, text = v
        try:
            if kind == "datetime":
                return dt.datetime.fromisoformat(text)
            if kind == "date":
                return dt.date.fromisoformat(text)
            if kind == "time":
                return dt.time.fromisoformat(text)
            if kind == "timedelta":
                return dt.timedelta(seconds=text)
        except (TypeError, ValueError, OverflowError):
            return str(text)
    return v


def read_xls(raw: RawFile) -> list[Sheet]:
    """Every sheet of a legacy Excel 97-2003 workbook (.xls), through calamine in a helper process.

    The values the spreadsheet computed are read (an .xls file always caches them), so formulas
    never reach the parser as '=…'. The helper runs with ``limits.xls_memory`` of address space
    and ``limits.xls_seconds`` of time; a crash, a timeout or a limit is reported on one line.
    """
    limits = raw.limits

    def refuse(why: str) -> ImportFileError:
        return ImportFileError(
            f"{raw.name} is an OLE2 compound file but cannot be read as an Excel 97-2003 (.xls) workbook "
            f"({why}); {EXPECTED}")

    env = dict(os.environ, RUST_BACKTRACE="0", PYTHONIOENCODING="utf-8")
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen([sys.executable, "-P", "-c", _XLS_HELPER, str(limits.xls_memory)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=env)
        except OSError as exc:
            raise refuse(f"the reader could not start: {exc.strerror or exc}") from None
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(limits.xls_seconds, stop)
        timer.start()
        try:
            try:
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write(raw.data)
                proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass  # the helper died early: its exit status says why
            sheets = _xls_sheets(raw, proc.stdout, refuse)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            timer.cancel()
            if proc.stdout is not None:
                proc.stdout.close()
        if sheets is None:
            if timed_out.is_set():
                reason = f"it took more than {limits.xls_seconds:.0f} s"
            elif proc.returncode and proc.returncode < 0:
                reason = (f"the reader crashed on it, signal {-proc.returncode}: the file is damaged or hostile, "
                          f"or needs more than {limits.xls_memory / 1e6:,.0f} MB")
            else:
                err.seek(0)
                last = [ln for ln in err.read()[-2000:].decode("utf-8", "replace").splitlines() if ln.strip()]
                reason = f"the reader failed, exit {proc.returncode}: {last[-1][:200] if last else 'no message'}"
            raise refuse(reason)
    return sheets


def _xls_sheets(raw: RawFile, out: io.BufferedReader | None, refuse: Callable[[str], ImportFileError]
                ) -> list[Sheet] | None:
    """Sheets from the helper's JSON lines; None when it ended without saying so (crash)."""
    assert out is not None
    limits = raw.limits
    budget = Budget()
    sheets: list[Sheet] = []
    builder: SheetBuilder | None = None
    name = ""
    for line in out:
        try:
            msg = json.loads(line)
        except ValueError:  # a line cut short: the helper was killed while writing it
            return None
        if isinstance(msg, list):
            if builder is None:
                return None
            builder.add([cell_text(_xls_value(v)) for v in msg])
            continue
        if "error" in msg:
            raise refuse(str(msg["error"]))
        if builder is not None:
            sheets.append(builder.finish(name))
            builder = None
        if "end" in msg:
            return sheets
        name = str(msg["sheet"])
        builder = SheetBuilder(raw.name, name, limits, budget)
        height, width = int(msg.get("rows") or 0), int(msg.get("columns") or 0)
        # calamine has already laid the sheet out as a grid: refuse it before its rows cross the pipe
        if height * width > limits.max_cells:
            raise ImportFileError(
                f"{raw.name}: sheet {name!r} spans {height:,} rows x {width:,} columns ({height * width:,} cells); "
                f"the atlas reads at most {limits.max_cells:,} cells per file: split the file")
    return None
