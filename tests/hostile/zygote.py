"""Fork server of the hostile corpus: imports the atlas once, then runs each command in a child.

Starting an interpreter that imports the atlas costs 2-3 s; bombs, signal and environment cases
must still run in a process of their own (under a memory cap, killable). This server reads one
JSON request per line on stdin, forks a child per request and answers one JSON line on stdout:

    request:  {"argv": [...], "cwd": ..., "env": {...}, "stdout": path, "stderr": path,
               "limit_as": bytes or null, "timeout": s, "signal": n or null,
               "signal_glob": pattern, "signal_delay": s,
               "stdout_pipe": null, "closed" (a pipe nobody reads) or "head" (`| head -c 10`)}
    answer:   {"code": exit code (negative: killed by that signal), "seconds": wall time,
               "maxrss_kb": peak resident memory of the child, "timed_out": bool,
               "signal_sent": bool}

The child does what the `atlas` entry point does — ``sys.exit(main())`` — so an uncaught
exception prints its traceback and exits 1, and the interpreter's shutdown (flushing stdout into
a closed pipe…) happens as it does for a user.
"""

from __future__ import annotations

import glob
import json
import os
import resource
import signal
import sys
import time


def _preload() -> None:
    import atlas.cli  # noqa: F401 - the expensive imports, done once
    import atlas.cli.ingest  # noqa: F401
    import atlas.ingest.pipeline  # noqa: F401
    import atlas.ingest.readers  # noqa: F401
    import atlas.cli.maps  # noqa: F401
    import openpyxl  # noqa: F401
    import pandas  # noqa: F401

    for name in ("odf.opendocument", "python_calamine"):
        try:
            __import__(name)
        except ImportError:  # pragma: no cover - optional readers
            pass


def _wait(pid: int, req: dict, t0: float) -> dict:
    deadline = t0 + float(req.get("timeout") or 120)
    sig = req.get("signal")
    seen: float | None = None
    sent = timed_out = False
    while True:
        wpid, status, usage = os.wait4(pid, os.WNOHANG)
        if wpid:
            break
        now = time.monotonic()
        if sig and not sent:
            if seen is None and glob.glob(req["signal_glob"]):
                seen = now
            if seen is not None and now - seen >= float(req.get("signal_delay", 0.5)):
                os.kill(pid, int(sig))
                sent = True
        if now > deadline and not timed_out:
            os.kill(pid, signal.SIGKILL)
            timed_out = True
        time.sleep(0.02)
    return {"code": os.waitstatus_to_exitcode(status), "seconds": round(time.monotonic() - t0, 3),
            "maxrss_kb": usage.ru_maxrss, "timed_out": timed_out, "signal_sent": sent}


def serve() -> dict | None:
    """Answer requests until stdin closes; in a child, return its request."""
    _preload()
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pipe = req.get("stdout_pipe")
        head = None
        if pipe:
            r, w = os.pipe()
            if pipe == "head":
                import subprocess

                with open(req["stdout"], "wb") as out:
                    head = subprocess.Popen(["head", "-c", "10"], stdin=r, stdout=out)
            req["pipe_fd"] = w
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:
            if pipe:
                os.close(r)
            return req
        if pipe:
            os.close(r)  # for "closed", the last reader goes now: the child's writes fail with EPIPE
            os.close(w)
        answer = _wait(pid, req, t0)
        if head is not None:
            head.wait(timeout=30)
        print(json.dumps(answer), flush=True)
    return None


def child(req: dict) -> None:
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for fd, path in ((1, req["stdout"]), (2, req["stderr"])):
        if fd == 1 and req.get("pipe_fd") is not None:
            os.dup2(req["pipe_fd"], 1)
            os.close(req["pipe_fd"])
            continue
        f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(f, fd)
        os.close(f)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if req.get("limit_as"):
        limit = int(req["limit_as"])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sys.argv = ["atlas", *req["argv"]]


if __name__ == "__main__":
    request = serve()
    if request is None:
        sys.exit(0)
    child(request)
    from atlas.cli import main

    sys.exit(main(request["argv"]))
