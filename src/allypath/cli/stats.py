"""``allypath stats ...``: the psychometrics on a data file (thin: parse, call :mod:`allypath.stats`, print).

Every ``--json`` output is the library result's ``to_dict()`` (lavaan / psych / poLCA key names),
so the CLI and the Python API always agree. Bad input exits with status 2 and one line on stderr
naming the cause.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from allypath.cli._common import (
    InstrumentOption,
    JsonOption,
    UserOrderGroup,
    check_item_answers,
    console,
    err,
    fmt,
    key_value_table,
    print_json,
    progress_bar,
    refusing,
)
from allypath.errors import DataError, StatsError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DataArgument", "check_data", "read_data", "split_list", "stats_app"]


class StatsGroup(UserOrderGroup):
    order = ("reliability", "retest", "factors", "efa", "cfa", "invariance", "lca", "lpa")


stats_app = typer.Typer(
    cls=StatsGroup,
    help="Psychometrics: reliability, test-retest, how many factors, EFA, CFA, invariance, latent classes "
    "and profiles.",
    no_args_is_help=True,
)

DataArgument = Annotated[Path, typer.Argument(help="Data file (.csv or .parquet), one row per respondent.")]
ItemsOption = Annotated[
    str | None,
    typer.Option("--items", help="Comma-separated item columns (default: every numeric column)."),
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


MissingOption = Annotated[Missing, typer.Option(help="pairwise (psych's default) or listwise.")]


# --------------------------------------------------------------------------- helpers


def read_data(path: Path) -> pd.DataFrame:
    from allypath.tables import read_table

    if not path.exists():
        raise StatsError(f"{path}: no such file")
    notes: list[str] = []
    frame = read_table(path, notes=notes)
    for note in notes:
        # stderr, so that --json output stays parseable
        err.print(f"[yellow]note:[/] {path}: {note}", highlight=False, soft_wrap=True)
    return frame


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


#: The largest magnitude an analysed value may have: past 2**53 a number is no longer exact (the limit
#: ``stats lca`` sets on a category code), and squares of far larger ones (1e300) overflow to NaN.
_LARGEST = 2.0**53


@contextmanager
def _working() -> Iterator[Callable[..., None]]:
    """A transient progress bar on stderr while the data are read and the model is fitted; yields
    ``say(description, **fields)`` to name the step (and, with ``total``/``completed``, its share)."""
    with progress_bar() as progress:
        task = progress.add_task("reading the data", total=None)

        def say(description: str, **fields: Any) -> None:
            progress.update(task, description=description, **fields)

        yield say


def check_data(
    frame: pd.DataFrame, columns: list[str], path: Path, *, instrument: Path | None = None
) -> pd.DataFrame:
    """Refuse a value no analysis should take, before any runs, naming the file, row, column and
    value: an answer off its item's scale (as ``allypath score`` refuses it) in the instrument's
    columns; an infinite or absurdly large number (a typo such as 1e300) in any other column.

    Returns the data to analyse: the instrument's answers as scoring reads them ("does not apply to
    me", stored as 0, is missing: analysed as a rating below 1 it would bias every statistic)."""
    import numpy as np
    import pandas as pd

    frame = check_item_answers(frame, path, instrument=instrument, columns=columns)
    for name in dict.fromkeys(columns):
        series = frame[name]
        if pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_numeric_dtype(series):
            values = series.to_numpy(dtype="float64", na_value=np.nan)
        else:
            # Text (a column holding "inf" is read as text, as written): each analysis says it is not
            # numeric, but an infinity someone wrote is named here with its row, as a number's is.
            text = series.astype("string").str.strip()
            values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.isinf(values) | (np.abs(values) > _LARGEST)
        if bad.any():
            row = int(np.argmax(bad))
            value = float(values[row])
            why = "is not a finite number" if np.isinf(value) else "is too large to analyse"
            raise DataError(
                f"the value {value:g} {why}; check the data for a mistyped answer",
                file=str(path),
                row=row + 1,
                column=str(name),
            )
    return frame


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
    names = split_list(items)
    if not names:
        raise StatsError("--items is empty")
    bare = [n[1:] if allow_reverse and n.startswith("-") else n for n in names]
    unknown = [n for n in bare if n not in frame.columns]
    if unknown:
        raise StatsError(f"{path}: unknown column(s) {', '.join(unknown)}")
    return names


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
    missing: MissingOption = Missing.pairwise,
    as_json: JsonOption = False,
) -> None:
    """Cronbach's alpha (Feldt CI), omega total and omega hierarchical of one scale, as psych."""
    from allypath.instrument import load_instrument
    from allypath.stats import construct_keys, cronbach_alpha, scale_omega_h

    with refusing(), _working() as say:
        if items is not None and construct is not None:
            raise StatsError("give either --items or --construct, not both")
        frame = read_data(data)
        if construct is not None:
            keys = construct_keys(load_instrument(instrument), construct)
            absent = [k.lstrip("-") for k in keys if k.lstrip("-") not in frame.columns]
            if absent:
                raise StatsError(
                    f"{data}: construct {construct} items missing from the data: {', '.join(absent)}"
                )
        else:
            keys = _columns(frame, items, data, allow_reverse=True)
        # only the scale's columns: other columns (ids, group labels) are not the analysis' business
        columns = list(dict.fromkeys(k[1:] if k.startswith("-") else k for k in keys))
        frame = check_data(frame, columns, data, instrument=instrument)
        say("alpha and omega")
        result = cronbach_alpha(frame[columns], keys, missing=missing.value)
        omega_h, n_factors = scale_omega_h(frame[list(result.items)], missing=missing.value)
    payload = {**result.to_dict(), "omega_h": omega_h, "omega_h_factors": n_factors if omega_h else None}
    payload["construct"] = construct
    if as_json:
        print_json(payload)
        return
    console.print(
        key_value_table(
            f"Reliability of {construct or ', '.join(keys)} (n = {result.n:,}, {result.k} items)",
            [
                ("alpha (raw)", result.alpha),
                (f"alpha {result.confidence:.0%} CI (Feldt)", None),
                ("  lower", result.ci[0]),
                ("  upper", result.ci[1]),
                ("alpha (standardised)", result.std_alpha),
                ("omega total (1 factor)", result.omega_total),
                (
                    f"omega hierarchical ({n_factors} group factors)"
                    if omega_h is not None
                    else "omega hierarchical (needs at least 5 items)",
                    omega_h,
                ),
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
            fmt(row["r_drop"]),
            fmt(row["alpha_if_deleted"]),
            fmt(row["mean"], 2),
            fmt(row["sd"], 2),
        )
    console.print(table)


@stats_app.command("efa")
def efa(
    data: DataArgument,
    factors: Annotated[int, typer.Option("--factors", min=1, help="Number of factors.")] = 1,
    rotation: Annotated[Rotation, typer.Option(help="Rotation (psych / GPArotation).")] = Rotation.oblimin,
    method: Annotated[Extraction, typer.Option(help="minres (psych's default) or ml.")] = Extraction.minres,
    items: ItemsOption = None,
    missing: MissingOption = Missing.pairwise,
    as_json: JsonOption = False,
) -> None:
    """Exploratory factor analysis with rotation, as psych::fa."""
    from allypath.stats import FactorAnalysis

    with refusing(), _working() as say:
        frame = read_data(data)
        columns = _columns(frame, items, data)
        frame = check_data(frame, columns, data)
        say(f"fitting {factors} factor(s) to {len(columns)} items")
        rotation_name = None if rotation is Rotation.none else rotation.value
        fa = FactorAnalysis(factors, method.value, rotation_name, missing=missing.value).fit(frame[columns])
    if as_json:
        print_json(fa.to_dict())
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


ModelOption = Annotated[str, typer.Option("--model", help="lavaan model syntax ('f =~ x1 + x2 + x3; ...').")]


def _model_columns(frame: pd.DataFrame, model: str, data: Path) -> list[str]:
    """The data columns a lavaan model observes; a name the data lack is refused naming the file."""
    from allypath.stats.lavaan_syntax import parse_model

    observed = parse_model(model).observed
    unknown = [name for name in observed if name not in frame.columns]
    if unknown:
        raise DataError(
            f"the model uses variables that are not in the data: {', '.join(unknown)} (latent variables"
            " must appear on the left of '=~')",
            file=str(data),
            column=unknown[0],
        )
    return list(observed)


def _fit_rows(fit: dict[str, Any]) -> list[tuple[str, Any]]:
    keys = ("ntotal", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper",
            "srmr", "gfi", "loglik", "aic", "bic")  # fmt: skip
    return [(k, fit.get(k)) for k in keys]


def _fit_verdict(fit: dict[str, Any], *, proper: bool) -> tuple[str | None, str]:
    """The fit's rating by the usual cut-offs and a sentence saying it with the cut-offs (no rating for
    an improper solution: its indices describe an impossible model)."""
    from allypath.stats.fit_indices import FIT_CUTOFFS, fit_rating

    values = f"CFI {fit['cfi']:.3f}, RMSEA {fit['rmsea']:.3f}, SRMR {fit['srmr']:.3f}"
    if not proper:
        return None, f"The solution is improper ({values}): its fit measures do not show that the model fits."
    if fit["df"] <= 0:  # e.g. one factor of three items: as many parameters as the data have moments
        return None, (
            f"The model has no degrees of freedom (df {fit['df']:.0f}): it reproduces any data exactly, "
            f"so its fit measures ({values}) cannot show that it fits. Test it with more items per factor "
            "or with equality constraints."
        )
    rating = fit_rating(fit)
    (g_cfi, g_rmsea, g_srmr), (a_cfi, a_rmsea, a_srmr) = FIT_CUTOFFS["good"], FIT_CUTOFFS["acceptable"]
    words = {"good": "fits well", "acceptable": "fits acceptably", "poor": "fits poorly"}[rating]
    return rating, (
        f"The model {words} by the usual cut-offs ({values}; Hu & Bentler 1999: CFI at least {g_cfi:.2f}, "
        f"RMSEA at most {g_rmsea:.2f} and SRMR at most {g_srmr:.2f} for a good fit, {a_cfi:.2f}, "
        f"{a_rmsea:.2f} and {a_srmr:.2f} for an acceptable one)."
    )


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

    with refusing(), _working() as say:
        frame = read_data(data)
        frame = check_data(frame, _model_columns(frame, model, data), data)
        say("fitting the model")
        result = run_cfa(frame, model, group=group, std_lv=std_lv)
    rating, verdict = _fit_verdict(result.fit, proper=result.proper)
    if as_json:
        # Fit measures at the top level under lavaan's names (chisq, df, cfi, ...), as other tools
        # read them; the full result (estimates, options, groups, and "fit" again) follows.
        print_json({**result.fit, **result.to_dict(), "fit_rating": rating, "verdict": verdict})
        return
    console.print(key_value_table("Fit (lavaan names)", _fit_rows(result.fit)))
    console.print(verdict, soft_wrap=True)
    loadings = result.estimates[result.estimates["op"] == "=~"]
    table = Table("group", "factor", "item", "est", "se", "std_all", title="Loadings")
    for row in loadings.itertuples():
        table.add_row(str(row.group), str(row.lhs), str(row.rhs), fmt(row.est), fmt(row.se), fmt(row.std_all))
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

    with refusing(), _working() as say:
        frame = read_data(data)
        frame = check_data(frame, _model_columns(frame, model, data), data)
        say("fitting the model at each level")
        result = measurement_invariance(
            frame, model, group, split_list(levels), group_partial=split_list(partial or "")
        )
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(
        "level", "chisq", "df", "cfi", "rmsea", "srmr", "Δcfi", "Δrmsea", "result", title="Invariance"
    )
    for row in result.levels.itertuples():
        table.add_row(
            str(row.level),
            fmt(row.chisq),
            fmt(row.df, 0),
            fmt(row.cfi),
            fmt(row.rmsea),
            fmt(row.srmr),
            fmt(row.delta_cfi),
            fmt(row.delta_rmsea),
            str(row.status),  # a level after the first failure is "not tested", never "holds"
        )
    console.print(table)
    console.print(result.verdict, soft_wrap=True)


ChartOption = Annotated[
    Path | None,
    typer.Option("--chart", help="With a range of counts: also draw BIC by count (SVG)."),
]


@stats_app.command("lca")
def lca(
    data: DataArgument,
    classes: Annotated[
        str, typer.Option("--classes", help="Number of latent classes (3), or a range to compare (1-6).")
    ] = "2",
    items: ItemsOption = None,
    n_init: Annotated[int, typer.Option("--n-init", min=1, help="Random starts (poLCA nrep).")] = 20,
    seed: Annotated[int, typer.Option(help="Seed of the starts.")] = 0,
    chart: ChartOption = None,
    as_json: JsonOption = False,
) -> None:
    """Latent class analysis of categorical items, as poLCA; a range of counts compares them."""
    from allypath.cli.stats_compare import (
        check_chart,
        compare_counts,
        comparison_payload,
        parse_counts,
        print_comparison,
        write_chart,
    )
    from allypath.stats import latent_class

    with refusing(out=chart), _working() as say:
        counts = parse_counts(classes, "--classes")
        check_chart(chart, counts, "--classes", data)
        frame = read_data(data)
        columns = _columns(frame, items, data)
        frame = check_data(frame, columns, data)
        if len(counts) > 1:
            options = {"n_init": n_init, "seed": seed}
            table = compare_counts(frame[columns], counts, "class", options, say)
            compared = comparison_payload(table, "class", options)
            if chart is not None:
                write_chart(chart, table, "class")
        else:
            (count,) = counts
            say(f"EM from {n_init} random starts", total=n_init, completed=0)

            def step(iteration: int, stopped: int) -> None:
                say(f"EM iteration {iteration:,}: {stopped} of {n_init} starts converged", completed=stopped)

            result = latent_class(frame[columns], count, n_init=n_init, seed=seed, progress=step)
    if len(counts) > 1:  # printed once the progress bar is gone
        print_comparison(compared, "class", chart, as_json)
        return
    payload = {
        **result.to_dict(),
        "n_dropped": result.n_dropped,
        "converged": result.converged,
        "replicated": result.replicated,
        "item_probabilities": result.item_probabilities.to_dict(orient="records"),
    }
    if as_json:
        print_json(payload)
        return
    _print_latent_summary(f"Latent classes ({count})", payload, "class")


@stats_app.command("lpa")
def lpa(
    data: DataArgument,
    profiles: Annotated[
        str, typer.Option("--profiles", help="Number of latent profiles (3), or a range to compare (1-6).")
    ] = "2",
    items: ItemsOption = None,
    covariance: Annotated[
        str, typer.Option(help="mclust model: VVI (diag, default), EEI, EEE (tied), VVV (full), VII, EII.")
    ] = "diag",
    n_init: Annotated[int, typer.Option("--n-init", min=1, help="EM starts.")] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the starts.")] = 0,
    chart: ChartOption = None,
    as_json: JsonOption = False,
) -> None:
    """Latent profile analysis of continuous scores (Gaussian mixture), as mclust; a range compares."""
    from allypath.cli.stats_compare import (
        check_chart,
        compare_counts,
        comparison_payload,
        parse_counts,
        print_comparison,
        write_chart,
    )
    from allypath.stats import latent_profile

    with refusing(out=chart), _working() as say:
        counts = parse_counts(profiles, "--profiles")
        check_chart(chart, counts, "--profiles", data)
        frame = read_data(data)
        columns = _columns(frame, items, data)
        frame = check_data(frame, columns, data)
        if len(counts) > 1:
            options = {"covariance": covariance, "n_init": n_init, "seed": seed}
            table = compare_counts(frame[columns], counts, "profile", options, say)
            compared = comparison_payload(table, "profile", options)
            if chart is not None:
                write_chart(chart, table, "profile")
        else:
            (count,) = counts
            say(f"fitting {count} profiles from {n_init} starts")
            result = latent_profile(frame[columns], count, covariance=covariance, n_init=n_init, seed=seed)
    if len(counts) > 1:  # printed once the progress bar is gone
        print_comparison(compared, "profile", chart, as_json)
        return
    payload = {**result.to_dict(), "n_dropped": result.n_dropped, "converged": result.converged}
    if as_json:
        print_json(payload)
        return
    _print_latent_summary(f"Latent profiles ({count}, {result.model})", payload, "profile")
    means = Table("profile", *[str(c) for c in result.means.columns], title="Profile means")
    for name, row in result.means.iterrows():
        means.add_row(str(name), *[fmt(v, 2) for v in row])
    console.print(means)


def _print_latent_summary(title: str, payload: dict[str, Any], word: str) -> None:
    console.print(
        key_value_table(
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
