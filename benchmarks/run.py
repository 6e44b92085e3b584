"""Run every benchmark (benchmarks/bench_*.py) and rewrite BENCHMARKS.md.

    python -m benchmarks.run            # everything, full size
    python -m benchmarks.run --quick    # small sizes, a smoke test of the suite
    python -m benchmarks.run --only scoring cfa

Each module exposes ``run(quick) -> list[dict]`` with name, figure, unit, baseline_name, baseline,
ratio, target and notes. Each runs in its own process, so one benchmark's memory or threads never
weigh on the next; ratios are always against a baseline measured (or cited) by that same module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
console = Console()


def _machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import numpy
    import pandas

    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "os": platform.platform(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _run_one(module: str, quick: bool) -> list[dict[str, object]]:
    code = (
        "import json, sys, importlib; "
        f"m = importlib.import_module('benchmarks.{module}'); "
        f"print('@@RESULT@@' + json.dumps(m.run(quick={quick!r})))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("@@RESULT@@"):
            return list(json.loads(line[len("@@RESULT@@") :]))
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return [
        {
            "name": module,
            "figure": float("nan"),
            "unit": "",
            "baseline_name": "",
            "baseline": float("nan"),
            "ratio": float("nan"),
            "target": "",
            "notes": "FAILED: " + " | ".join(tail),
        }
    ]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        return f"{value:.4g}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=None, help="module names without the bench_ prefix")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--fresh", action="store_true", help="forget the figures of earlier runs")
    args = parser.parse_args(argv)
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if args.only:
        modules = [m for m in modules if m.removeprefix("bench_") in args.only]
    # Results of earlier runs are kept per module, so `--only` refreshes some figures and keeps others.
    store = ROOT / "benchmarks" / "results.json"
    previous: dict[str, list[dict[str, object]]] = {}
    if store.exists() and not args.fresh:
        previous = json.loads(store.read_text(encoding="utf-8"))
    machine = _machine()
    # Figures kept from earlier runs may come from another machine: each row says where and when.
    measured = f"{dt.date.today().isoformat()}, {machine['cpu']}, {machine['cores']} cores"
    rows: list[dict[str, object]] = []
    with Progress(console=console) as progress:
        task = progress.add_task("benchmarks", total=len(modules))
        for module in modules:
            progress.update(task, description=module)
            for row in _run_one(module, args.quick):
                row["module"] = module
                row["measured"] = measured
                rows.append(row)
            progress.advance(task)
    fresh = {m: [r for r in rows if r["module"] == m] for m in modules}
    merged = {**previous, **fresh}
    store.write_text(json.dumps(merged, indent=1, default=str) + "\n", encoding="utf-8")
    rows = [row for module in sorted(merged) for row in merged[module]]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`python -m benchmarks.run{' --quick' if args.quick else ''}`) on "
        f"{dt.date.today().isoformat()}. Each figure is reported with a baseline measured in the same",
        "process (or, where the issue says so, a cited R timing) and their ratio; lower is better.",
        "",
        "| benchmark | figure | baseline | ratio | target | notes | measured |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {_fmt(row['figure'])} {row['unit']} | {row['baseline_name']}: "
            f"{_fmt(row['baseline'])} {row['unit']} | {_fmt(row['ratio'])} | {row['target']} "
            f"| {row['notes']} | {row.get('measured', 'an earlier run (not recorded)')} |"
        )
    lines += ["", "## Machine of this run", ""] + [f"- {k}: {v}" for k, v in machine.items()] + [""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    console.print(f"wrote {args.out} ({len(rows)} figures)")
    return 1 if any(str(r.get("notes", "")).startswith("FAILED") for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
