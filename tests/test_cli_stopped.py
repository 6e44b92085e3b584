"""A run stopped by SIGTERM (a scheduler's stop, ``kill``) ends as Ctrl-C does: the previous output is
kept and the half-written temporary file removed (a review found 34 MB left per stopped run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import allypath


def _temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".tmp" in p.name]


def test_a_terminated_score_leaves_the_previous_output_and_no_temporary_file(tmp_path: Path) -> None:
    data = tmp_path / "big.parquet"
    allypath.simulate(400_000, seed=3).to_parquet(data)
    out = tmp_path / "s.parquet"
    out.write_text("previous output", encoding="utf-8")
    command = [sys.executable, "-m", "allypath.cli", "score", str(data), "--out", str(out)]
    child = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not _temporaries(tmp_path) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _temporaries(tmp_path), "the run ended before writing its temporary file"
    os.kill(child.pid, signal.SIGTERM)
    assert child.wait(timeout=120) == 128 + signal.SIGTERM
    assert out.read_text(encoding="utf-8") == "previous output"
    assert _temporaries(tmp_path) == []


def test_a_stop_that_a_library_turns_into_its_own_error_still_ends_as_a_stop(monkeypatch) -> None:
    """SIGTERM inside a DuckDB query came back as "RuntimeError: Query interrupted", a traceback and
    exit 1 (a review): once a stop signal has come, any error ends the run with 128 + the signal."""
    import pytest

    from allypath.cli import _common

    monkeypatch.setattr(_common, "_STOPPED", [])
    with pytest.raises(RuntimeError), _common.refusing():
        raise RuntimeError("Query interrupted")  # no signal yet: a real error stays one
    monkeypatch.setattr(_common, "_STOPPED", [signal.SIGTERM])
    with pytest.raises(SystemExit) as stopped, _common.refusing():
        raise RuntimeError("Query interrupted")
    assert stopped.value.code == 128 + signal.SIGTERM
