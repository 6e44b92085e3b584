#!/usr/bin/env python
"""How much the release shows: the share of cells shown per view on the two study organisations.

    .venv/bin/python scripts/privacy_information.py                       # the release (this code)
    .venv/bin/python scripts/privacy_information.py --before OLD/src      # and an older checkout's

The data is the study's 576 simulated respondents (`allypath.simulate(576, seed=2026)`), scored, one
wave per organisation. The views are the dashboard's breakdowns: unit, level, region and their
crossings. "After" is the organisation's release over all of them (what every viewer sees).
"Before" (an older checkout of allypath, before issue 13) is what the per-viewer design showed a
first-time viewer opening that one view: a fresh ledger per view, the total and its breakdown. The
shares count groups with at least one respondent.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

VIEWS = (("unit",), ("level",), ("region",), ("unit", "level"), ("unit", "region"), ("level", "region"))


def _data():  # a DataFrame; pandas is imported late so --help is quick
    import allypath

    scored = allypath.score(allypath.simulate(576, seed=2026))
    return scored[scored["status"] == "scored"]


def after() -> dict[str, float]:
    from allypath.analytics import stage_mix
    from allypath.privacy import PrivacyPolicy, default_breakdowns, solve_release

    data = _data()
    shown: dict[str, list[bool]] = {"+".join(v): [] for v in VIEWS}
    declared = default_breakdowns(["level", "region"], ["unit"])
    for org in sorted(data["org"].unique()):
        rows = data[data["org"] == org]
        release = solve_release(rows, declared, PrivacyPolicy(), wave_column=None)
        for view in VIEWS:
            table = stage_mix(rows, list(view), release=release)
            shown["+".join(view)] += table["visible"].astype(bool).tolist()
    return {view: sum(flags) / len(flags) for view, flags in shown.items()} | _overall(shown)


def before() -> dict[str, float]:
    """Run inside an older checkout (its DisclosureLedger), printed as JSON."""
    from allypath.analytics import stage_mix
    from allypath.privacy import DisclosureLedger, PrivacyPolicy  # type: ignore[attr-defined]

    data = _data()
    shown: dict[str, list[bool]] = {"+".join(v): [] for v in VIEWS}
    for org in sorted(data["org"].unique()):
        rows = data[data["org"] == org]
        for view in VIEWS:
            table = stage_mix(rows, list(view), ledger=DisclosureLedger(PrivacyPolicy()), with_total=True)
            shown["+".join(view)] += table["visible"].astype(bool).tolist()[1:]
    return {view: sum(flags) / len(flags) for view, flags in shown.items()} | _overall(shown)


def _overall(shown: dict[str, list[bool]]) -> dict[str, float]:
    every = [flag for flags in shown.values() for flag in flags]
    return {"all views": sum(every) / len(every)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="the src/ folder of an allypath checkout before issue 13")
    parser.add_argument("--json-before", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.json_before:
        print(json.dumps(before()))
        return 0
    now = after()
    old = None
    if args.before:
        env = {"PYTHONPATH": args.before}
        # our own interpreter and this very script, on an older allypath the user names
        out = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--json-before"], capture_output=True, text=True, check=True, env=env
        )
        old = json.loads(out.stdout.strip().splitlines()[-1])
    print("| view | shown before (first-time viewer) | shown by the release |")
    print("|---|---|---|")
    for view, share in now.items():
        was = f"{old[view]:.0%}" if old else "—"
        print(f"| {view.replace('+', ' × ')} | {was} | {share:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
