"""``allypath score FILE.parquet`` streamed by batches, against a pyarrow read + write of the same file.

Issue 19, point 4: peak resident memory <= 1.2x and wall time <= 1.5x a pyarrow read + write of the
same file, at 1,000,000 and 10,000,000 rows. Every contender runs as a process of its own, started
the same way (interpreter start and imports included), one after the other in turn (runs alternate,
so a busy spell of the shared machine weighs on both), and its peak resident set is read from the
kernel's accounting of that one child, started by a small launcher (benchmarks/_child.py: Linux
would otherwise count this process's own peak in the child's), so nothing of this process counts:

* baseline: ``pq.write_table(pq.read_table(IN), COPY)``, the file held whole;
* ``allypath score IN --out OUT``, the command as a user runs it (batches of 131,072 rows);
* the command on a 1,000-row file: its fixed start-up (interpreter, imports, instrument and model,
  scoring plans), which is most of the time at small sizes;
* at 1,000,000 rows and below, also the path before streaming (``read_arrow``, ``score_arrow``,
  ``write_arrow`` on the whole file), for the record.

The file: simulated respondents (a 50,000-row block repeated, fresh ids), 131 columns, written with
pyarrow's default row groups (up to 1,048,576 rows each), so the reader cannot rely on small groups.

The profile: the three stages of the streamed run (read, score, write) timed one after the other in
this process on the quick size, the scoring stage's own top functions (cProfile), and pyarrow's read
and write of the same file.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import allypath
from allypath.io.wide import iter_wide_parquet, wide_batch_writer
from allypath.scoring import score_arrow
from allypath.scoring.stream import BATCH_ROWS, _conform, _file_schema
from benchmarks._child import run_child

BLOCK = 50_000
BASELINE = "pyarrow read_table + write_table of the same file (own process)"


def make_file(path: Path, rows: int) -> Path:
    """Simulated respondents, ``rows`` of them, with unique ids; 1,000,000-row writes."""
    block = pa.Table.from_pandas(allypath.simulate(BLOCK, seed=1), preserve_index=False)
    chunk = pa.concat_tables([block] * -(-min(rows, 1_000_000) // BLOCK)).combine_chunks()
    ids = chunk.schema.get_field_index("respondent_id")
    with pq.ParquetWriter(path, chunk.schema) as writer:
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            names = pa.array([f"r{i:09d}" for i in range(start, start + n)], type=pa.large_string())
            writer.write_table(chunk.slice(0, n).set_column(ids, "respondent_id", names))
    return path


def child(command: list[str]) -> tuple[float, float, float]:
    """Run ``command``: (wall seconds, CPU seconds user + system, peak resident MB) of that process."""
    done = run_child(command)
    return done.wall, done.cpu, done.peak_mb


def commands(source: Path, folder: Path, with_memory: bool) -> dict[str, list[str]]:
    python = sys.executable
    tiny = folder / "tiny.parquet"
    if not tiny.exists():
        pq.write_table(pq.ParquetFile(source).read_row_group(0).slice(0, 1000), tiny)
    out = {
        "baseline": [
            python,
            "-c",
            "import pyarrow.parquet as pq; "
            f"pq.write_table(pq.read_table({str(source)!r}), {str(folder / 'copy.parquet')!r})",
        ],
        "streamed": [python, "-m", "allypath.cli", "score", str(source), "--out", str(folder / "s.parquet")],
        # What every run pays whatever its size: interpreter, imports, instrument and model, plans.
        "startup": [python, "-m", "allypath.cli", "score", str(tiny), "--out", str(folder / "t.parquet")],
    }
    if with_memory:
        out["whole"] = [
            python,
            "-c",
            "from allypath.tables import read_arrow, write_arrow; from allypath.scoring import score_arrow; "
            f"write_arrow(score_arrow(read_arrow({str(source)!r})), {str(folder / 'w.parquet')!r})",
        ]
    return out


def measure(source: Path, folder: Path, repeats: int, with_memory: bool) -> dict[str, dict[str, float]]:
    """Median wall, CPU and peak RSS of each contender over ``repeats`` alternating runs."""
    runs: dict[str, list[tuple[float, float, float]]] = {}
    jobs = commands(source, folder, with_memory)
    child(jobs["baseline"])  # warm-up: the file in the page cache
    for _ in range(repeats):
        for name, command in jobs.items():
            runs.setdefault(name, []).append(child(command))
    return {
        name: {
            "wall": statistics.median(r[0] for r in results),
            "cpu": statistics.median(r[1] for r in results),
            "rss": statistics.median(r[2] for r in results),
        }
        for name, results in runs.items()
    }


def stage_profile(source: Path, folder: Path) -> str:
    """The streamed run's stages one after the other, and the scoring stage's top functions."""
    start = time.perf_counter()
    tables = list(iter_wide_parquet(source, batch_rows=BATCH_ROWS))
    read = time.perf_counter() - start
    score_arrow(tables[0].slice(0, 100))  # plans built, threads started
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    scored = [score_arrow(t) for t in tables]
    profiler.disable()
    scoring = time.perf_counter() - start
    schema = _file_schema(scored[0].schema)
    start = time.perf_counter()
    with wide_batch_writer(folder / "stages.parquet", schema) as write:
        for table in scored:
            write(_conform(table, schema))
    write_time = time.perf_counter() - start
    start = time.perf_counter()
    whole = pq.read_table(source)
    plain_read = time.perf_counter() - start
    start = time.perf_counter()
    pq.write_table(whole, folder / "copy2.parquet")
    plain_write = time.perf_counter() - start
    rows = sum(t.num_rows for t in tables)
    stats = pstats.Stats(profiler)
    total = scoring
    lines = [
        f"Streamed `allypath score` on {rows:,} rows, its stages run one after the other in one process "
        f"(batches of {BATCH_ROWS:,}; the command overlaps them): read {read:.2f} s, score {scoring:.2f} s, "
        f"write {write_time:.2f} s. pyarrow on the same file: read {plain_read:.2f} s, write "
        f"{plain_write:.2f} s (131 columns in; the scored file has the attributes and ~70 score columns).",
        "",
        "Scoring stage, cProfile (cumulative time of the main thread; the answer checks and the kernel "
        "run on two threads, shown here as the wait for them):",
        "",
        "| function | calls | cumulative s | share of scoring |",
        "|---|---|---|---|",
    ]
    wanted = [
        ("engine.py", "_score_columns"),
        ("answers.py", "read_answers"),
        ("kernel.py", "run_kernel"),
        ("engine.py", "_score_answers"),
        ("engine.py", "_output_columns"),
        ("careless.py", "flag_careless"),
        ("engine.py", "to_arrow"),
    ]
    for (file, _, name), (_, calls, _, cumulative, _) in sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda kv: -kv[1][3],
    ):
        if any(file.endswith(f) and name == n for f, n in wanted):
            label = "to_arrow (output columns)" if name == "to_arrow" else name
            lines.append(f"| {label} | {calls} | {cumulative:.3f} | {cumulative / total:.0%} |")
    return "\n".join(lines)


def run(quick: bool = False) -> list[dict[str, object]]:
    sizes = [200_000] if quick else [1_000_000, 10_000_000]
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as tmp:
        folder = Path(tmp)
        for rows in sizes:
            source = make_file(folder / f"in-{rows}.parquet", rows)
            size_mb = source.stat().st_size / 2**20
            groups = pq.ParquetFile(source).metadata.num_row_groups
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            repeats = 3
            medians = measure(source, folder, repeats, with_memory=rows <= 1_000_000)
            placed = int(
                (pd.read_parquet(folder / "s.parquet", columns=["status"])["status"] == "scored").sum()
            )
            base, streamed = medians["baseline"], medians["streamed"]
            scope = (
                "(issue 19, point 4)"
                if rows >= 1_000_000
                else "at 1M and 10M rows (issue 19, point 4; the full run): at this size the start-up "
                "and the batches in flight weigh"
            )
            common = (
                f"median of {repeats} alternating runs, each a process of its own; {rows:,} rows x 131 "
                f"columns, {size_mb:.0f} MB Parquet, {groups} row group(s); {placed:,} placed; batches of "
                f"{BATCH_ROWS:,}; CPU s (user+sys) streamed {streamed['cpu']:.2f}, baseline "
                f"{base['cpu']:.2f}; the command on a 1,000-row file (its fixed start-up): "
                f"{medians['startup']['wall']:.2f} s, {medians['startup']['rss']:,.0f} MB; load average "
                f"before {load}"
            )
            whole_note = ""
            if "whole" in medians:
                whole = medians["whole"]
                whole_note = (
                    f"; the whole file in memory (the path before streaming): {whole['wall']:.2f} s, "
                    f"{whole['rss']:,.0f} MB"
                )
            results.append(
                {
                    "name": f"allypath score Parquet streamed, {rows:,} rows: wall time",
                    "figure": streamed["wall"],
                    "unit": "s",
                    "baseline_name": BASELINE,
                    "baseline": base["wall"],
                    "ratio": streamed["wall"] / base["wall"],
                    "target": f"ratio <= 1.5 {scope}",
                    "notes": common + whole_note,
                }
            )
            results.append(
                {
                    "name": f"allypath score Parquet streamed, {rows:,} rows: peak RSS",
                    "figure": streamed["rss"],
                    "unit": "MB",
                    "baseline_name": BASELINE,
                    "baseline": base["rss"],
                    "ratio": streamed["rss"] / base["rss"],
                    "target": f"ratio <= 1.2 {scope}",
                    "notes": "peak resident set of each process (os.wait4); " + common + whole_note,
                }
            )
            if rows == sizes[0]:
                profile = stage_profile(source, folder)
            for leftover in folder.glob("*.parquet"):
                leftover.unlink()
    results.append({"profile": "allypath score FILE.parquet (streamed)", "text": profile})
    return results


if __name__ == "__main__":
    for row in run(quick="--full" not in sys.argv):
        print(row)
