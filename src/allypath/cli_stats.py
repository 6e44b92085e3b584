"""Command line for the psychometrics: ``allypath stats ...``, ``allypath calibrate`` and
``allypath validate`` (Typer + Rich; thin: parse, call :mod:`allypath.stats`, print).

Every ``--json`` output is the library result's ``to_dict()`` (lavaan / psych / poLCA key names),
so the CLI and the Python API always agree. Bad input exits with status 2 and one line on stderr
naming the cause. The main app registers these with::

    from allypath.cli_stats import calibrate, stats_app, validate
    app.add_typer(stats_app, name="stats")
    app.command()(calibrate), app.command()(validate)
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn
from rich.table import Table

from allypath.errors import AllypathError, StatsError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["calibrate", "stats_app", "validate"]

stats_app = typer.Typer(
    help="Psychometrics: reliability, EFA, CFA, invariance, latent classes and profiles.",
    no_args_is_help=True,
)
console = Console()
err = Console(stderr=True)

DataArgument = Annotated[Path, typer.Argument(help="Data file (.csv or .parquet), one row per respondent.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output (JSON on stdout).")]
ItemsOption = Annotated[
    str | None,
    typer.Option("--items", help="Comma-separated item columns (default: every numeric column)."),
]
InstrumentOption = Annotated[
    Path | None, typer.Option("--instrument", help="Instrument YAML file (default: the packaged one).")
]


class Rotation(StrEnum):
    none = "none"
    varimax = "varimax"
    oblimin = "oblimin"
    promax = "promax"
    geomin = "geomin"


class Extraction(StrEnum):
    minres = "minres"
    ml = "ml"


class Missing(StrEnum):
    pairwise = "pairwise"
    listwise = "listwise"


# --------------------------------------------------------------------------- helpers


def _fail(exc: Exception) -> NoReturn:
    # One line: soft_wrap keeps Rich from folding a long message over several lines.
    err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True, markup=True)
    raise typer.Exit(code=2)


@contextmanager
def _refusing() -> Iterator[None]:
    """Turn every error allypath raises on purpose into exit status 2 with its message."""
    try:
        yield
    except AllypathError as exc:
        _fail(exc)


def _read(path: Path) -> pd.DataFrame:
    from allypath.tables import read_table

    if not path.exists():
        raise StatsError(f"{path}: no such file")
    notes: list[str] = []
    frame = read_table(path, notes=notes)
    for note in notes:
        # stderr, so that --json output stays parseable
        err.print(f"[yellow]note:[/] {path}: {note}", highlight=False, soft_wrap=True)
    return frame


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _columns(frame: pd.DataFrame, items: str | None, path: Path, *, allow_reverse: bool = False) -> list[str]:
    """The requested item columns (checked), or every numeric column when none are named."""
    import pandas as pd

    if items is None:
        numeric = [
            str(c)
            for c in frame.columns
            if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        ]
        if not numeric:
            raise StatsError(f"{path}: no numeric columns; name the items with --items")
        return numeric
    names = _split(items)
    if not names:
        raise StatsError("--items is empty")
    bare = [n[1:] if allow_reverse and n.startswith("-") else n for n in names]
    unknown = [n for n in bare if n not in frame.columns]
    if unknown:
        raise StatsError(f"{path}: unknown column(s) {', '.join(unknown)}")
    return names


def _print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "—"
    if number.is_integer() and abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:.{digits}f}"


def _key_value_table(title: str, rows: Sequence[tuple[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("statistic")
    table.add_column("value", justify="right")
    for key, value in rows:
        table.add_row(key, _fmt(value))
    return table


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(), *Progress.get_default_columns(), TimeElapsedColumn(), console=err, transient=True
    )


def _json_safe(value: Any) -> Any:
    """NaN and infinities become None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _json_safe(value.item())
    return value


# --------------------------------------------------------------------------- stats commands


@stats_app.command("reliability")
def reliability(
    data: DataArgument,
    items: Annotated[
        str | None,
        typer.Option(
            "--items", help="Scale items, comma-separated; a leading '-' marks a reverse-keyed item (-A1,A2)."
        ),
    ] = None,
    construct: Annotated[
        str | None, typer.Option("--construct", help="An instrument construct: its items and reverse keys.")
    ] = None,
    instrument: InstrumentOption = None,
    missing: Annotated[
        Missing, typer.Option(help="pairwise (psych's default) or listwise.")
    ] = Missing.pairwise,
    as_json: JsonOption = False,
) -> None:
    """Cronbach's alpha (Feldt CI), omega total and omega hierarchical of one scale, as psych."""
    from allypath.stats import cronbach_alpha, max_identifiable_factors, omega

    with _refusing():
        if items is not None and construct is not None:
            raise StatsError("give either --items or --construct, not both")
        frame = _read(data)
        if construct is not None:
            keys = _construct_keys(construct, instrument)
            absent = [k.lstrip("-") for k in keys if k.lstrip("-") not in frame.columns]
            if absent:
                raise StatsError(
                    f"{data}: construct {construct} items missing from the data: {', '.join(absent)}"
                )
        else:
            keys = _columns(frame, items, data, allow_reverse=True)
        # only the scale's columns: other columns (ids, group labels) are not the analysis' business
        columns = list(dict.fromkeys(k[1:] if k.startswith("-") else k for k in keys))
        result = cronbach_alpha(frame[columns], keys, missing=missing.value)
        n_factors = min(3, max_identifiable_factors(result.k))
        omega_h = None
        if n_factors >= 2:
            omega_h = omega(frame[list(result.items)], n_factors, missing=missing.value).omega_h
    payload = {**result.to_dict(), "omega_h": omega_h, "omega_h_factors": n_factors if omega_h else None}
    payload["construct"] = construct
    if as_json:
        _print_json(_json_safe(payload))
        return
    console.print(
        _key_value_table(
            f"Reliability of {construct or ', '.join(keys)} (n = {result.n:,}, {result.k} items)",
            [
                ("alpha (raw)", result.alpha),
                (f"alpha {result.confidence:.0%} CI (Feldt)", None),
                ("  lower", result.ci[0]),
                ("  upper", result.ci[1]),
                ("alpha (standardised)", result.std_alpha),
                ("omega total (1 factor)", result.omega_total),
                (f"omega hierarchical ({n_factors} factors)", omega_h),
                ("Guttman lambda 6", result.g6),
                ("average r", result.average_r),
            ],
        )
    )
    table = Table("item", "reversed", "item-rest r", "alpha if deleted", "mean", "sd", title="Items")
    for item, row in result.item_stats.iterrows():
        table.add_row(
            str(item),
            "yes" if item in result.reversed_items else "",
            _fmt(row["r_drop"]),
            _fmt(row["alpha_if_deleted"]),
            _fmt(row["mean"], 2),
            _fmt(row["sd"], 2),
        )
    console.print(table)


def _construct_keys(construct: str, instrument_path: Path | None) -> list[str]:
    from allypath.instrument import load_instrument

    inst = load_instrument(instrument_path)
    try:
        found = inst.construct(construct)
    except KeyError:
        scales = [c.id for c in inst.constructs if sum(i.type == "likert" for i in c.items) >= 2]
        raise StatsError(
            f"unknown construct {construct!r}; constructs with a scale: {', '.join(scales)}"
        ) from None
    keys = [("-" if i.reverse else "") + i.id for i in found.items if i.type == "likert"]
    if len(keys) < 2:
        raise StatsError(
            f"construct {construct} has {len(keys)} rating item(s); reliability needs at least 2"
        )
    return keys


@stats_app.command("efa")
def efa(
    data: DataArgument,
    factors: Annotated[int, typer.Option("--factors", min=1, help="Number of factors.")] = 1,
    rotation: Annotated[Rotation, typer.Option(help="Rotation (psych / GPArotation).")] = Rotation.oblimin,
    method: Annotated[Extraction, typer.Option(help="minres (psych's default) or ml.")] = Extraction.minres,
    items: ItemsOption = None,
    missing: Annotated[
        Missing, typer.Option(help="pairwise (psych's default) or listwise.")
    ] = Missing.pairwise,
    as_json: JsonOption = False,
) -> None:
    """Exploratory factor analysis with rotation, as psych::fa."""
    from allypath.stats import FactorAnalysis

    with _refusing():
        frame = _read(data)
        columns = _columns(frame, items, data)
        rotation_name = None if rotation is Rotation.none else rotation.value
        fa = FactorAnalysis(factors, method.value, rotation_name, missing=missing.value).fit(frame[columns])
    if as_json:
        _print_json(_json_safe(fa.to_dict()))
        return
    names = list(fa.loadings_.columns)
    table = Table("item", *names, "h2", title=f"{method.value} loadings, {rotation.value} rotation")
    communalities = fa.communalities_.to_dict()
    for item, row in fa.loadings_.iterrows():
        cells = [f"[bold]{v:.2f}[/]" if abs(v) >= 0.3 else f"[dim]{v:.2f}[/]" for v in row]
        table.add_row(str(item), *cells, f"{communalities[item]:.2f}")
    console.print(table)
    variance = fa.variance_explained_
    console.print(
        "variance explained: "
        + ", ".join(f"{name} {share:.0%}" for name, share in variance["proportion"].items())
        + f"; RMSR {fa.fit_.rms:.3f}"
        + (f", RMSEA {fa.fit_.rmsea:.3f}" if fa.fit_.rmsea is not None else "")
    )
    if fa.heywood_items_:
        err.print(f"warning: Heywood case(s): {', '.join(fa.heywood_items_)}")


BootstrapOption = Annotated[
    int,
    typer.Option(
        "--bootstrap", min=0, help="Parametric bootstrap draws of the stages-or-continuum test (0: none)."
    ),
]
ModelOption = Annotated[str, typer.Option("--model", help="lavaan model syntax ('f =~ x1 + x2 + x3; ...').")]


def _fit_rows(fit: dict[str, Any]) -> list[tuple[str, Any]]:
    keys = ("ntotal", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper",
            "srmr", "gfi", "loglik", "aic", "bic")  # fmt: skip
    return [(k, fit.get(k)) for k in keys]


@stats_app.command("cfa")
def cfa(
    data: DataArgument,
    model: ModelOption,
    group: Annotated[str | None, typer.Option("--group", help="Column of a multigroup model.")] = None,
    std_lv: Annotated[bool, typer.Option("--std-lv", help="Fix latent variances to 1.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Confirmatory factor analysis by maximum likelihood, as lavaan::cfa."""
    from allypath.stats import cfa as run_cfa

    with _refusing():
        result = run_cfa(_read(data), model, group=group, std_lv=std_lv)
    if as_json:
        # Fit measures at the top level under lavaan's names (chisq, df, cfi, ...), as other tools
        # read them; the full result (estimates, options, groups, and "fit" again) follows.
        _print_json(_json_safe({**result.fit, **result.to_dict()}))
        return
    console.print(_key_value_table("Fit (lavaan names)", _fit_rows(result.fit)))
    loadings = result.estimates[result.estimates["op"] == "=~"]
    table = Table("group", "factor", "item", "est", "se", "std_all", title="Loadings")
    for row in loadings.itertuples():
        table.add_row(
            str(row.group), str(row.lhs), str(row.rhs), _fmt(row.est), _fmt(row.se), _fmt(row.std_all)
        )
    console.print(table)
    for warning in result.warnings:
        err.print(f"warning: {warning}")
    if not result.proper:
        err.print(
            "improper solution: " + "; ".join(result.improper)
            + ". The fit measures describe an impossible model: they do not show that it fits.",
            highlight=False, soft_wrap=True, markup=False,
        )  # fmt: skip


@stats_app.command("invariance")
def invariance(
    data: DataArgument,
    model: ModelOption,
    group: Annotated[str, typer.Option("--group", help="Column with the groups (at least two).")],
    levels: Annotated[
        str, typer.Option("--levels", help="Levels in order (configural,metric,scalar,strict,means).")
    ] = "configural,metric,scalar,strict",
    partial: Annotated[
        str | None, typer.Option("--partial", help="Parameters left free, e.g. 'x3 ~ 1' (comma-separated).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Measurement invariance (configural, metric, scalar, strict) with Chen's criteria."""
    from allypath.stats import measurement_invariance

    with _refusing():
        result = measurement_invariance(
            _read(data), model, group, _split(levels), group_partial=_split(partial or "")
        )
    if as_json:
        _print_json(_json_safe(result.to_dict()))
        return
    table = Table(
        "level", "chisq", "df", "cfi", "rmsea", "srmr", "Δcfi", "Δrmsea", "result", title="Invariance"
    )
    for row in result.levels.itertuples():
        table.add_row(
            str(row.level),
            _fmt(row.chisq),
            _fmt(row.df, 0),
            _fmt(row.cfi),
            _fmt(row.rmsea),
            _fmt(row.srmr),
            _fmt(row.delta_cfi),
            _fmt(row.delta_rmsea),
            str(row.status),  # a level after the first failure is "not tested", never "holds"
        )
    console.print(table)
    console.print(result.verdict, soft_wrap=True)


@stats_app.command("lca")
def lca(
    data: DataArgument,
    classes: Annotated[int, typer.Option("--classes", min=1, help="Number of latent classes.")] = 2,
    items: ItemsOption = None,
    n_init: Annotated[int, typer.Option("--n-init", min=1, help="Random starts (poLCA nrep).")] = 20,
    seed: Annotated[int, typer.Option(help="Seed of the starts.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Latent class analysis of categorical items, as poLCA."""
    from allypath.stats import latent_class

    with _refusing():
        frame = _read(data)
        result = latent_class(frame[_columns(frame, items, data)], classes, n_init=n_init, seed=seed)
    payload = {
        **result.to_dict(),
        "n_dropped": result.n_dropped,
        "converged": result.converged,
        "replicated": result.replicated,
        "item_probabilities": result.item_probabilities.to_dict(orient="records"),
    }
    if as_json:
        _print_json(_json_safe(payload))
        return
    _print_latent_summary(f"Latent classes ({classes})", payload, "class")


@stats_app.command("lpa")
def lpa(
    data: DataArgument,
    profiles: Annotated[int, typer.Option("--profiles", min=1, help="Number of latent profiles.")] = 2,
    items: ItemsOption = None,
    covariance: Annotated[
        str, typer.Option(help="mclust model: VVI (diag, default), EEI, EEE (tied), VVV (full), VII, EII.")
    ] = "diag",
    n_init: Annotated[int, typer.Option("--n-init", min=1, help="EM starts.")] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the starts.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Latent profile analysis of continuous scores (Gaussian mixture), as mclust."""
    from allypath.stats import latent_profile

    with _refusing():
        frame = _read(data)
        result = latent_profile(
            frame[_columns(frame, items, data)], profiles, covariance=covariance, n_init=n_init, seed=seed
        )
    payload = {**result.to_dict(), "n_dropped": result.n_dropped, "converged": result.converged}
    if as_json:
        _print_json(_json_safe(payload))
        return
    _print_latent_summary(f"Latent profiles ({profiles}, {result.model})", payload, "profile")
    means = Table("profile", *[str(c) for c in result.means.columns], title="Profile means")
    for name, row in result.means.iterrows():
        means.add_row(str(name), *[_fmt(v, 2) for v in row])
    console.print(means)


def _print_latent_summary(title: str, payload: dict[str, Any], word: str) -> None:
    console.print(
        _key_value_table(
            title,
            [
                ("n (rows used)", payload["n"]),
                ("rows dropped (missing)", payload["n_dropped"]),
                ("loglik", payload["loglik"]),
                ("npar", payload["npar"]),
                ("aic", payload["aic"]),
                ("bic", payload["bic"]),
                ("relative entropy", payload["entropy"]),
            ],
        )
    )
    shares = Table(word, "share", title="Sizes")
    for k, share in enumerate(payload["shares"], start=1):
        shares.add_row(f"{word} {k}", f"{share:.1%}")
    console.print(shares)


# --------------------------------------------------------------------------- calibrate, validate


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

    First tests whether the answers show four stages at all (as `allypath validate`); unless the
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

    with _refusing():
        frame = _read(data)
        active = load_instrument(instrument)
        base = load_stage_model(base_model)
        with _progress() as progress:
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
        _print_json(_json_safe({"model": result.model.label, "out": str(out), "fit_report": report}))
        return
    console.print(
        _key_value_table(
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


def validate(
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
    as_json: JsonOption = False,
) -> None:
    """Write the methods report: sample, items, reliability, EFA, CFA, invariance, stages or a
    continuum, latent profiles. With --json, print its numbers (``structure`` first) as JSON."""
    from allypath.instrument import load_instrument
    from allypath.reports import methods_report
    from allypath.scoring import load_stage_model

    suffix = out.suffix.lower() if out is not None else ""
    with _refusing():
        if out is None and not as_json:
            raise StatsError("give --out REPORT.html (or .pdf), or --json to print the numbers")
        if out is not None and suffix not in (".html", ".htm", ".pdf"):
            raise StatsError(f"{out}: the report is written as .html or .pdf, not {suffix or '(no suffix)'}")
        if calibration is not None and run_calibration:
            raise StatsError("give either --calibration MODEL or --calibrate, not both")
        frame = _read(data)
        calibrated = load_stage_model(calibration) if calibration is not None else None
        with _progress() as progress:
            task = progress.add_task("methods report", total=None)

            def step(name: str, done: int, total: int) -> None:
                progress.update(task, description=name, completed=done, total=total)

            report = methods_report(
                frame,
                instrument=load_instrument(instrument),
                group_columns=tuple(_split(group_columns)),
                calibration=calibrated,
                calibrate=run_calibration,
                seed=seed,
                progress=step,
                structure_bootstrap=bootstrap,
            )
            progress.update(task, description="writing")
            if out is not None and suffix == ".pdf":
                report.write_pdf(out)
            elif out is not None:
                report.write_html(out)
    if as_json:
        sections = [{"key": s.key, "status": s.status, "verdict": s.verdict} for s in report.sections]
        data_first = {"structure": report.data["structure"], **report.data, "sections": sections}
        _print_json(_json_safe(data_first))
        return
    console.print(f"wrote the methods report ({len(report.sections)} sections) to {out}")
    for headline in report.headlines():
        console.print(f"  • {headline}", soft_wrap=True)
