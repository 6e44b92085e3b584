"""Run the benchmarks (benchmarks/bench_*.py) and rewrite BENCHMARKS.md.

    python -m benchmarks.run                  # the quick variant: small sizes, about 5 minutes
    python -m benchmarks.run --full           # the full sizes the issues' targets are stated at
    python -m benchmarks.run --only stream single

``make bench`` runs the quick variant and ``make bench BENCH_ARGS=--full`` the full one; both rewrite
BENCHMARKS.md with the machine, the date and every figure with its baseline and their ratio.

Each module exposes ``run(quick) -> list[dict]``: rows with name, figure, unit, baseline_name,
baseline, ratio, target and notes, and optionally ``{"profile": title, "text": markdown}`` entries
(a profile's summary, written under "Profiles"). Each module runs in its own process, so one
benchmark's memory or threads never weigh on the next; ratios are always against a baseline measured
(or, where the issue says so, cited) by that same module in that same run.

Figures are kept per variant in benchmarks/results.json: a run replaces the figures of the modules it
ran, in its variant, and keeps the others (each row says when, where and at what load it was
measured), so ``--only`` refreshes some figures and a quick run never hides the full-size ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
console = Console()
VARIANTS = ("full", "quick")
_TITLES = {
    "full": "Full sizes (`make bench BENCH_ARGS=--full`)",
    "quick": "Quick (`make bench`: small sizes, a check of the suite and of the trends, not the targets)",
}


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
    }


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _run_one(module: str, quick: bool) -> list[dict[str, object]]:
    code = (
        "import json, sys, importlib; "
        f"m = importlib.import_module('benchmarks.{module}'); "
        f"print('@@RESULT@@' + json.dumps(m.run(quick={quick!r}), default=str))"
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


def _read_store(path: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``{variant: {module: entries}}``; a store from before the variants holds full-size figures."""
    if not path.exists():
        return {variant: {} for variant in VARIANTS}
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not set(raw) <= set(VARIANTS):
        raw = {"full": raw}
    return {variant: dict(raw.get(variant, {})) for variant in VARIANTS}


def _table(entries: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| benchmark | figure | baseline | ratio | target | notes | measured |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in entries:
        lines.append(
            f"| {row['name']} | {_fmt(row['figure'])} {row['unit']} | {row['baseline_name']}: "
            f"{_fmt(row['baseline'])} {row['unit']} | {_fmt(row['ratio'])} | {row['target']} "
            f"| {row['notes']} | {row.get('measured', 'an earlier run (not recorded)')} |"
        )
    return lines


def render(
    store: dict[str, dict[str, list[dict[str, Any]]]],
    variant: str,
    today: str,
    elapsed: float,
    loads: tuple[str, str],
    machine: dict[str, str],
    ran: list[str] | None = None,
) -> str:
    """BENCHMARKS.md: this run's summary, a table per variant, the profiles, the machine."""
    flag = " --full" if variant == "full" else ""
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench{' BENCH_ARGS=--full' if flag else ''}` (`python -m benchmarks.run{flag}`, "
        f"the {variant} variant) on {today} in {elapsed / 60:.1f} min; load average (1, 5, 15 min) "
        f"{loads[0]} at the start and {loads[1]} at the end"
        + (f"; modules run: {', '.join(m.removeprefix('bench_') for m in ran)}" if ran else "")
        + ". The machine is shared: figures measured at a load above its core count are not the idle "
        "machine's.",
        "",
        "Each figure has a baseline measured in the same run (in the same process, or for a command in a "
        "process of its own started the same way), or where the issue says so a cited R timing, and their "
        "ratio; lower is better. A run replaces the figures of the modules it ran, in its variant; the "
        "last column says when, where and at what load each was measured.",
    ]
    for name in VARIANTS:
        entries = [
            row for module in sorted(store[name]) for row in store[name][module] if "profile" not in row
        ]
        if not entries:
            continue
        lines += ["", f"## {_TITLES[name]}", "", *_table(entries)]
    profiles = [
        (name, row)
        for name in VARIANTS
        for module in sorted(store[name])
        for row in store[name][module]
        if "profile" in row
    ]
    if profiles:
        lines += ["", "## Profiles", ""]
        for name, row in profiles:
            lines += [
                f"### {row['profile']} ({name} variant; {row.get('measured', '')})",
                "",
                str(row["text"]),
                "",
            ]
    lines += ["", "## Machine of this run", ""] + [f"- {k}: {v}" for k, v in machine.items()] + [""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--full", action="store_true", help="the full sizes (tens of minutes on 2 cores)")
    size.add_argument("--quick", action="store_true", help="small sizes, about 5 minutes (the default)")
    parser.add_argument("--only", nargs="*", default=None, help="module names without the bench_ prefix")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--fresh", action="store_true", help="forget the figures of earlier runs")
    args = parser.parse_args(argv)
    variant = "full" if args.full else "quick"
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if args.only:
        modules = [m for m in modules if m.removeprefix("bench_") in args.only]
    path = ROOT / "benchmarks" / "results.json"
    store = _read_store(path) if not args.fresh else {v: {} for v in VARIANTS}
    machine = _machine()
    today = dt.date.today().isoformat()
    start, load_at_start = time.perf_counter(), _load()
    with Progress(console=console) as progress:
        task = progress.add_task(f"benchmarks ({variant})", total=len(modules))
        for module in modules:
            progress.update(task, description=module)
            # Figures kept from earlier runs may come from another machine: each row says where and when.
            measured = f"{today}, {machine['cpu']}, {machine['cores']} cores, load {_load().split()[0]}"
            began = time.perf_counter()
            entries = _run_one(module, quick=variant == "quick")
            seconds = time.perf_counter() - began
            for row in entries:
                row["module"] = module
                row["measured"] = f"{measured}, module {seconds:.0f} s"
            store[variant][module] = entries
            progress.advance(task)
    elapsed = time.perf_counter() - start
    path.write_text(json.dumps(store, indent=1, default=str) + "\n", encoding="utf-8")
    ran = modules if args.only else None
    text = render(store, variant, today, elapsed, (load_at_start, _load()), machine, ran)
    args.out.write_text(text, encoding="utf-8")
    console.print(f"wrote {args.out} ({variant} variant, {len(modules)} modules, {elapsed:.0f} s)")
    return (
        1
        if any(str(r.get("notes", "")).startswith("FAILED") for m in modules for r in store[variant][m])
        else 0
    )


if __name__ == "__main__":
    raise SystemExit(main())
