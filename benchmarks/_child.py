"""Run a command in a process of its own and read its wall time, CPU time and peak resident memory.

Linux carries a process's peak resident set across ``exec``: a child started by a process that has
held 1 GB reports a peak of at least 1 GB whatever it does itself (``subprocess`` forks or vforks
the caller, and the kernel keeps the larger of the old and new peaks). A benchmark that built its
data set in memory would so measure itself. Every command here is therefore started by a small
launcher (a bare interpreter, about 10 MB), which waits for it with ``os.wait4`` and reports that one
child's figures: nothing of the benchmark's own memory counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ChildRun", "run_child"]

_LAUNCHER = """
import json, os, subprocess, sys, time
out, err, command = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "wb") as stdout, open(err, "wb") as stderr:
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=stdout, stderr=stderr)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
print(json.dumps({"status": os.waitstatus_to_exitcode(status), "wall": wall,
                  "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss}))
"""


@dataclass(frozen=True)
class ChildRun:
    wall: float  # seconds from start to exit
    cpu: float  # user + system seconds of the command (not of its own children)
    peak_mb: float  # the command's peak resident set
    stdout: str
    stderr: str


def run_child(command: list[str], *, cwd: Path | None = None) -> ChildRun:
    """Run ``command`` through the launcher; raise ``RuntimeError`` (with its stderr) if it fails."""
    with tempfile.TemporaryDirectory(prefix="bench-child-") as tmp:
        out, err = Path(tmp, "stdout"), Path(tmp, "stderr")
        launcher = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, str(out), str(err), *command],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(launcher.stdout.strip().splitlines()[-1])
        stdout = out.read_text(errors="replace")
        stderr = err.read_text(errors="replace")
    if figures["status"] != 0:
        raise RuntimeError(f"{' '.join(command)[:120]} exited with {figures['status']}: {stderr[-600:]}")
    return ChildRun(figures["wall"], figures["cpu"], figures["peak_kb"] / 1024, stdout, stderr)
