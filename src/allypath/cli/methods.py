"""``allypath methods`` (the methods report: is the instrument measuring well on these data?) and
``allypath calibrate`` (fit the stage model to them). ``allypath validate`` is the old name of
``methods``, kept hidden for one release."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from allypath.cli._common import (
    InstrumentOption,
    JsonOption,
    console,
    err,
    key_value_table,
    print_json,
    progress_bar,
    refuse_output,
    refusing,
)
from allypath.cli.stats import DataArgument, read_data, split_list
from allypath.errors import StatsError

__all__ = ["calibrate", "methods"]

BootstrapOption = Annotated[
    int,
    typer.Option(
        "--bootstrap", min=0, help="Parametric bootstrap draws of the stages-or-continuum test (0: none)."
    ),
]


def calibrate(
    data: DataArgument,
    out: Annotated[Path, typer.Option("--out", help="Where to write the calibrated model (.yaml).")],
    base_model: Annotated[
        Path | None, typer.Option("--base-model", help="Model to start from (default: the packaged one).")
    ] = None,
    instrument: InstrumentOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the extra random starts.")] = 0,
    starts: Annotated[int, typer.Option("--starts", min=1, help="EM runs (the first from the base).")] = 1,
    force: Annotated[
        bool,
        typer.Option("--force", help="Calibrate even without stages in the data (the model says so)."),
    ] = False,
    bootstrap: BootstrapOption = 19,
    holdout: Annotated[
        float,
        typer.Option("--holdout", min=0.0, max=0.9, help="Share kept out of the fit to check the new model."),
    ] = 0.25,
    as_json: JsonOption = False,
) -> None:
    """Fit the stage scoring model to real responses and write a new model version (YAML).

    First tests whether the answers show four stages at all (as `allypath methods`); unless the
    verdict is "stages" it refuses, or with --force calibrates and records the warning in the model.
    A quarter of the respondents is held out: the model is written only if it predicts their answers
    better than the base model (paired z >= 2). On them a temperature for the stage probabilities is
    fitted (above 1 where they were too sure of themselves) and their calibration error (ECE) is
    reported before and after.
    Score with it: allypath score DATA --model MODEL.yaml --out scored.parquet
    """
    from allypath.instrument import load_instrument
    from allypath.scoring import load_stage_model
    from allypath.stats import calibrate as run_calibration
    from allypath.stats import stage_structure
    from allypath.stats.calibration import temperature_in_words

    with refusing(out=out):
        refuse_output(out, data, base_model, instrument)
        frame = read_data(data)
        active = load_instrument(instrument)
        base = load_stage_model(base_model)
        with progress_bar() as progress:
            task = progress.add_task("calibrating", total=None)

            def say(message: str) -> None:
                progress.update(task, description=message)

            def step(iteration: int, loglik: float) -> None:
                progress.update(task, description=f"EM iteration {iteration}, log-likelihood {loglik:,.1f}")

            structure = stage_structure(
                frame, instrument=active, model=base, bootstrap=bootstrap, seed=seed, progress=say
            )
            result = run_calibration(
                frame,
                instrument=active,
                base_model=base,
                seed=seed,
                n_starts=starts,
                progress=step,
                structure=structure,
                force=force,
                holdout=holdout,
            )
        if structure.verdict != "stages":
            err.print(
                f"warning: calibrated with --force although the structure test says {structure.verdict!r}: "
                f"{structure.reason}",
                highlight=False, soft_wrap=True, markup=False,
            )  # fmt: skip
        result.save(out)
    report = result.fit_report
    if as_json:
        print_json({"model": result.model.label, "out": str(out), "fit_report": report})
        return
    console.print(
        key_value_table(
            f"Calibrated {result.model.label} (from {result.base_model.label})",
            [
                ("respondents placed", report["n_placed"]),
                ("fitted on", report["n_fitted"]),
                ("held out", (report["heldout"] or {}).get("n", 0)),
                (
                    "held-out log-likelihood per respondent, base -> calibrated",
                    _heldout_change(report["heldout"]),
                ),
                ("items", report["n_items"]),
                ("log-likelihood, base model", report["loglik_base"]),
                ("log-likelihood, calibrated", report["loglik"]),
                ("BIC", report["bic"]),
                ("structure test", report["structure"]["verdict"]),
                ("calibration error (ECE), base -> calibrated", _ece_change(report)),
                ("temperature of the stage probabilities", report["temperature"]),
                ("relative entropy", report["relative_entropy"]),
                ("same stage as the base model", report["agreement_with_base"]),
                ("EM iterations", report["iterations"]),
                ("converged", report["converged"]),
            ],
        )
    )
    _print_stage_mix(list(result.base_model.prior), list(result.model.prior))
    console.print(temperature_in_words(report), highlight=False, soft_wrap=True, markup=False)
    console.print(f"wrote {out}; score with: allypath score DATA --model {out} --out scored.parquet")


def _ece_change(report: dict[str, Any]) -> str:
    if report["ece_after"] is None:
        return "not measured"
    return f"{report['ece_before']:.3f} -> {report['ece_after']:.3f}"


def _heldout_change(heldout: dict[str, Any] | None) -> str:
    if not heldout:
        return "not checked (--holdout 0)"
    return (
        f"{heldout['loglik_per_respondent_base']:.3f} -> {heldout['loglik_per_respondent_calibrated']:.3f} "
        f"(z = {heldout['z']:.1f})"
    )


def _print_stage_mix(before: Sequence[float], after: Sequence[float]) -> None:
    from allypath.model import STAGES

    table = Table("stage", "base prior", "calibrated", title="Stage mix")
    for stage, b, a in zip(STAGES, before, after, strict=True):
        table.add_row(stage.label.get_lang("en"), f"{b:.1%}", f"{a:.1%}")
    console.print(table)


def methods(
    data: DataArgument,
    out: Annotated[Path | None, typer.Option("--out", help="Report file: .html or .pdf.")] = None,
    group_columns: Annotated[
        str, typer.Option("--groups", help="Columns to test invariance across (those present are used).")
    ] = "org,language,region",
    calibration: Annotated[
        Path | None, typer.Option("--calibration", help="A calibrated model (.yaml) to diagnose.")
    ] = None,
    run_calibration: Annotated[
        bool, typer.Option("--calibrate", help="Calibrate on these data and include the diagnostics.")
    ] = False,
    instrument: InstrumentOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the random parts (parallel analysis, starts).")] = 0,
    bootstrap: BootstrapOption = 19,
    retest_first: Annotated[
        str | None,
        typer.Option(
            "--retest-first",
            help="Test-retest: the earlier wave to pair (default: the one before --retest-second).",
        ),
    ] = None,
    retest_second: Annotated[
        str | None,
        typer.Option(
            "--retest-second", help="Test-retest: the later wave to pair (default: the last in the file)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Write the methods report: is the instrument measuring well on these data?

    Sample, items, reliability, EFA, CFA, invariance, stages or a continuum, latent profiles. With
    --json, print its numbers (``structure`` first) as JSON.
    """
    from allypath.instrument import load_instrument
    from allypath.reports import methods_report
    from allypath.scoring import load_stage_model
    from allypath.scoring.answers import read_answers

    suffix = out.suffix.lower() if out is not None else ""
    with refusing(out=out):
        if out is None and not as_json:
            raise StatsError("give --out REPORT.html (or .pdf), or --json to print the numbers")
        if out is not None and suffix not in (".html", ".htm", ".pdf"):
            raise StatsError(f"{out}: the report is written as .html or .pdf, not {suffix or '(no suffix)'}")
        if calibration is not None and run_calibration:
            raise StatsError("give either --calibration MODEL or --calibrate, not both")
        refuse_output(out, data, calibration, instrument)
        frame = read_data(data)
        if retest_first is not None or retest_second is not None:
            from allypath.stats import retest_pair

            # refused now, naming the file, not after minutes of statistics
            retest_pair(frame, first=retest_first, second=retest_second, file=str(data))
        if retest_first is not None or retest_second is not None:
            from allypath.stats import retest_pair

            # refused now, naming the file, not after minutes of statistics
            retest_pair(frame, first=retest_first, second=retest_second, file=str(data))
        active = load_instrument(instrument)
        if "stage" not in frame.columns:
            # The report scores these rows itself, setting bad answers aside; check them first as
            # `allypath score` does, so that a bad cell is refused (file, row, column), not dropped.
            read_answers(frame, active, on_error="raise", source=str(data))
        calibrated = load_stage_model(calibration) if calibration is not None else None
        with progress_bar() as progress:
            task = progress.add_task("methods report", total=None)

            def step(name: str, done: int, total: int) -> None:
                progress.update(task, description=name, completed=done, total=total)

            report = methods_report(
                frame,
                instrument=active,
                group_columns=tuple(split_list(group_columns)),
                calibration=calibrated,
                calibrate=run_calibration,
                seed=seed,
                progress=step,
                structure_bootstrap=bootstrap,
                retest_first=retest_first,
                retest_second=retest_second,
            )
            progress.update(task, description="writing")
            if out is not None and suffix == ".pdf":
                report.write_pdf(out)
            elif out is not None:
                report.write_html(out)
    if as_json:
        sections = [{"key": s.key, "status": s.status, "verdict": s.verdict} for s in report.sections]
        data_first = {"structure": report.data["structure"], **report.data, "sections": sections}
        print_json(data_first)
        return
    console.print(f"wrote the methods report ({len(report.sections)} sections) to {out}")
    for headline in report.headlines():
        console.print(f"  • {headline}", soft_wrap=True)
