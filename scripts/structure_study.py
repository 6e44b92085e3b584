"""How often does the structure test say "stages" on data made with and without stages?

    .venv/bin/python scripts/structure_study.py --reps 20 --n 1000 --bootstrap 19 --jobs 2

Three kinds of data, ``reps`` data sets each: stage data from :func:`allypath.simulate` (four
stages, the scoring model's form) and continuum data from
:func:`allypath.synth.continuum.simulate_continuum` with a normal and a uniform trait (no stages at
all). Each data set gets :func:`allypath.stats.stage_structure` with the product's settings; the
script prints the share of each verdict per kind and writes every result as JSON (``--out``).
The figures are in docs/methods.md. Too slow for the test suite (about 30 s per data set with the
bootstrap); tests/stats/test_structure.py runs small, real cases of the same test.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

KINDS = ("stages", "normal", "uniform")


def one(job: tuple[str, int, int, int]) -> dict[str, object]:
    import allypath
    from allypath.stats.structure import stage_structure
    from allypath.synth.continuum import simulate_continuum

    kind, seed, n, bootstrap = job
    if kind == "stages":
        frame = allypath.simulate(n, seed=seed)
    else:
        frame = simulate_continuum(n, seed=seed, trait=kind)
    start = time.perf_counter()
    result = stage_structure(frame, bootstrap=bootstrap, seed=seed)
    comparisons = result.evidence["comparisons"]
    return {
        "kind": kind,
        "seed": seed,
        "verdict": result.verdict,
        "seconds": round(time.perf_counter() - start, 1),
        "z": {key: round(value["z"], 2) for key, value in comparisons.items()},
        "bootstrap_p": None
        if result.evidence["bootstrap"] is None
        else result.evidence["bootstrap"]["p_value"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--bootstrap", type=int, default=19)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--out", type=Path, default=Path("structure_study.json"))
    args = parser.parse_args()
    kinds = args.kinds.split(",")
    jobs = [(kind, 1000 + rep, args.n, args.bootstrap) for rep in range(args.reps) for kind in kinds]
    results = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for result in pool.map(one, jobs):
            results.append(result)
            print(json.dumps(result), flush=True)
    summary = {}
    for kind in kinds:
        verdicts = [r["verdict"] for r in results if r["kind"] == kind]
        summary[kind] = {v: verdicts.count(v) / len(verdicts) for v in ("stages", "continuum", "undecided")}
    print(json.dumps({"n": args.n, "reps": args.reps, "bootstrap": args.bootstrap, "rates": summary}))
    args.out.write_text(
        json.dumps(
            {"settings": vars(args) | {"out": str(args.out)}, "summary": summary, "results": results},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
