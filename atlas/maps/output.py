"""Output paths of maps and data exports: refused early when empty or ambiguous, and write
failures (a folder in the way, no permission, a name too long, /proc…) turned into one-line
:class:`~atlas.errors.ExportError` messages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from atlas.errors import ExportError, show_path

#: Longest file name most file systems accept (bytes of one path component).
NAME_MAX = 255


def checked_output(path: str | os.PathLike[str], *, folder: bool = False,
                   protect: tuple[Path, ...] = ()) -> Path:
    """``path`` as a Path, or ExportError when it cannot name the output.

    Refused: an empty path, "-" (standard output is not an output of maps and exports), a path
    whose last component is too long, a file name where a folder exists, a folder name
    (``folder=True``) where a file exists, and any of the ``protect`` files (the database).
    """
    text = os.fspath(path)
    if not str(text).strip():
        raise ExportError("no output path given (got an empty string); expected a file name such as carte.pdf")
    if text == "-":
        raise ExportError("'-' (standard output) is not supported for maps and exports; "
                          "expected a file name such as carte.html or liens.csv")
    p = Path(text)
    if any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX for part in p.parts):
        raise ExportError(f"output path {show_path(p)} has a name longer than {NAME_MAX} bytes")
    try:
        target = p.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop, say
        raise ExportError(f"output path {show_path(p)} cannot be used: {exc}") from exc
    for kept in protect:
        if target == Path(kept).resolve() or (target.exists() and Path(kept).exists()
                                              and os.path.samefile(target, kept)):
            raise ExportError(f"output {show_path(p)} is the database itself; expected another file name "
                              "(the export would overwrite the data)")
    if folder:
        if p.exists() and not p.is_dir():
            raise ExportError(f"output {show_path(p)} exists and is not a folder; expected a folder "
                              "(or a new name) to receive the files")
    elif p.is_dir():
        raise ExportError(f"output {show_path(p)} is a folder; expected a file name "
                          "(e.g. carte.pdf, liens.csv)")
    return p


@contextmanager
def writing(path: Path) -> Iterator[Path]:
    """Create the parent folder and turn any operating-system failure into an ExportError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield path
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ExportError(f"cannot write {show_path(path)}: {reason}") from exc
    except Exception as exc:  # GDAL/pyogrio report write failures with their own classes
        if type(exc).__module__.startswith("pyogrio"):
            raise ExportError(f"cannot write {show_path(path)}: {str(exc).splitlines()[0]}") from exc
        raise
