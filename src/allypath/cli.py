"""The allypath command line (Typer + Rich). Thin: it parses, calls the library, prints."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from rich.console import Console
from rich.table import Table

from allypath.errors import AllypathError

if TYPE_CHECKING:  # pragma: no cover
    from rich.progress import Progress

    from allypath.instrument import Instrument
    from allypath.scoring import StageModel

app = typer.Typer(
    name="allypath",
    help="A diagnostic for gender-equity allyship at work (Gender Equity Mindset Model).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
instrument_app = typer.Typer(help="Show, export and validate instruments.", no_args_is_help=True)
app.add_typer(instrument_app, name="instrument")


def _register_io() -> None:
    from allypath.cli_io import IMPORT_HELP, codebook_command, export_command, import_command

    app.command("import", help=IMPORT_HELP, no_args_is_help=True)(import_command)
    app.command("export")(export_command)
    instrument_app.command("codebook")(codebook_command)


_register_io()


def _register_stats() -> None:
    from allypath.cli_stats import calibrate, stats_app, validate

    app.add_typer(stats_app, name="stats")
    app.command()(calibrate)
    app.command()(validate)


_register_stats()


def _register_report() -> None:
    from allypath.cli_report import report

    app.command("report", no_args_is_help=True)(report)


_register_report()


def _register_backup() -> None:
    from allypath.cli_backup import backup_command, restore_command

    app.command("backup")(backup_command)
    app.command("restore")(restore_command)


_register_backup()


def _register_content() -> None:
    from allypath.cli_content import content_app

    app.add_typer(content_app, name="content")


_register_content()

console = Console()
err = Console(stderr=True)


class ExportFormat(StrEnum):
    json = "json"
    yaml = "yaml"


class OnError(StrEnum):
    raise_ = "raise"
    mark = "mark"


class Engine(StrEnum):
    auto = "auto"
    memory = "memory"
    duckdb = "duckdb"
    spark = "spark"


def _choose_engine(engine: Engine, source: Path) -> Engine:
    """``auto``: DuckDB for folders and globs; this process otherwise (a Parquet file of any size is
    streamed by batches, a CSV file read whole)."""
    if engine is not Engine.auto:
        return engine
    text = str(source)
    if any(ch in text for ch in "*?[") or source.is_dir():
        return Engine.duckdb
    return Engine.memory


def _fail(exc: Exception) -> None:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


InstrumentOption = Annotated[
    Path | None, typer.Option("--instrument", help="Instrument YAML file (default: the packaged one).")
]


@instrument_app.command("export")
def instrument_export(
    format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.json,
    form: Annotated[str, typer.Option(help="full or short (pulse) form.")] = "full",
    instrument: InstrumentOption = None,
) -> None:
    """Print the active instrument in the contract's JSON shape (docs/architecture.md)."""
    from allypath.instrument import load_instrument

    try:
        data = load_instrument(instrument).form(form).to_export_dict()
    except (AllypathError, KeyError) as exc:
        _fail(exc)
    if format is ExportFormat.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@instrument_app.command("validate")
def instrument_validate(file: Annotated[Path, typer.Argument(help="Instrument YAML file.")]) -> None:
    """Check an instrument file; list every problem with the item and field it concerns."""
    from allypath.instrument import validate_instrument_file

    try:
        inst = validate_instrument_file(file)
    except AllypathError as exc:
        _fail(exc)
    short = inst.form("short")
    console.print(
        f"[green]valid[/]: {inst.id} {inst.version} — {len(inst.constructs)} constructs, "
        f"{len(inst.items)} items ({len(short.items)} in the short form), "
        f"languages {', '.join(inst.languages)}"
    )


@app.command()
def simulate(
    out: Annotated[Path, typer.Option("--out", help="Output file (.csv or .parquet).")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of respondents.")] = 576,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same file).")] = 0,
    form: Annotated[str, typer.Option(help="full or short form.")] = "full",
    wave: Annotated[str, typer.Option(help="Value of the wave column.")] = "2026-Q1",
) -> None:
    """Simulate respondents of the two study organisations, with their true stage."""
    from allypath.synth import simulate as run_simulation
    from allypath.tables import write_table

    try:
        with console.status(f"Simulating {n:,} respondents"):
            frame = run_simulation(n, seed=seed, form=form, wave=wave)
            write_table(frame, out)
    except AllypathError as exc:
        _fail(exc)
    console.print(f"wrote {len(frame):,} respondents to {out}")


@app.command()
def score(
    source: Annotated[
        Path, typer.Argument(help="Wide responses: .csv, .parquet, or a folder/glob of Parquet.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Scored output (.csv or .parquet; a folder for Spark).")],
    model: Annotated[Path | None, typer.Option("--model", help="Scoring model YAML (calibrated).")] = None,
    form: Annotated[
        str | None,
        typer.Option(help="full or short for every row; default: each row by the items it answered."),
    ] = None,
    on_error: Annotated[
        OnError, typer.Option("--on-error", help="raise: stop at the first bad cell; mark: flag the row.")
    ] = OnError.raise_,
    engine: Annotated[
        Engine,
        typer.Option(
            help=(
                "memory (this process; a Parquet file streamed by batches), duckdb (out-of-core), spark"
                ' (pip install "allypath\\[spark]"); auto: duckdb for a folder or glob, memory otherwise.'
            )
        ),
    ] = Engine.auto,
    instrument: InstrumentOption = None,
    careless: Annotated[
        bool | None,
        typer.Option(
            "--careless/--no-careless",
            help=(
                "Set aside careless answers (status suspect) by the model's checks, on in the packaged"
                " model (docs/methods.md); --careless forces the calibrated thresholds, --no-careless"
                " switches every check off."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Score responses: stage probabilities, index, flags and construct scores per row."""
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    from allypath.instrument import load_instrument
    from allypath.scoring import load_stage_model

    chosen = _choose_engine(engine, source)
    try:
        inst = load_instrument(instrument)
        stage_model = load_stage_model(model)
        if careless is not None:
            from dataclasses import replace

            from allypath.scoring import CarelessRules

            rules = CarelessRules() if careless else CarelessRules.off()
            stage_model = replace(stage_model, careless=rules)
        with Progress(
            SpinnerColumn(), *Progress.get_default_columns(), TimeElapsedColumn(), console=err, transient=True
        ) as progress:
            suspect: int | None = None
            if chosen is Engine.memory and source.suffix.lower() in (".parquet", ".pq"):
                rows, placed, suspect, label = _score_streamed(
                    source, out, inst, stage_model, form, on_error, progress
                )
            elif chosen is Engine.memory:
                rows, placed, label = _score_in_memory(
                    source, out, inst, stage_model, form, on_error, progress
                )
            else:
                rows, placed, label = _score_with_engine(
                    chosen, source, out, inst, stage_model, form, on_error, progress
                )
    except AllypathError as exc:
        _fail(exc)
    if suspect is None:
        suspect = _count_status(out, "suspect")
    console.print(
        f"scored {placed:,} of {rows:,} rows ({rows - placed - suspect:,} insufficient) with "
        f"{stage_model.label} on {label}, engine {chosen.value} -> {out}"
    )
    console.print(_placement_line(placed, suspect))


def _count_status(path: Path, value: str) -> int:
    """Rows of a scored file (CSV, Parquet or a Parquet folder) whose ``status`` is ``value``."""
    import pandas as pd

    from allypath.tables import read_table

    status = (
        read_table(path)["status"]
        if path.suffix == ".csv"
        else pd.read_parquet(path, columns=["status"])["status"]
    )
    return int((status.astype("string") == value).sum())


def _placement_line(placed: int, suspect: int) -> str:
    """The placement count as every command prints it, with the careless rows set aside."""
    return f"{placed:,} placed, {suspect:,} set aside as careless (see the reason column)"


def _score_streamed(
    source: Path,
    out: Path,
    inst: Instrument,
    stage_model: StageModel,
    form: str | None,
    on_error: OnError,
    progress: Progress,
) -> tuple[int, int, int, str]:
    """A Parquet file scored batch by batch (memory bounded by the batch; the in-memory cells)."""
    import pyarrow.parquet as pq

    from allypath.scoring.stream import score_parquet

    try:
        total: int | None = pq.read_metadata(source).num_rows
    except (OSError, ValueError):
        total = None  # score_parquet names the problem
    task = progress.add_task("scoring (rows)", total=total)
    summary = score_parquet(
        source,
        out,
        inst,
        model=stage_model,
        form=form,
        on_error=on_error.value,
        progress=lambda done: progress.update(task, advance=done),
    )
    label = f"{summary.instrument} ({summary.form} form)"
    return summary.rows, summary.placed, summary.suspect, label


def _score_in_memory(
    source: Path,
    out: Path,
    inst: Instrument,
    stage_model: StageModel,
    form: str | None,
    on_error: OnError,
    progress: Progress,
) -> tuple[int, int, str]:
    import pyarrow as pa
    import pyarrow.compute as pc

    from allypath.scoring import score_arrow
    from allypath.tables import read_arrow, write_arrow

    # Arrow from end to end: the answers are checked on the columns as read, attributes pass through,
    # and no pandas frame is built (at a million rows that conversion cost as much as the scoring).
    task = progress.add_task("reading", total=3)
    table = read_arrow(source)
    progress.update(task, advance=1, description=f"scoring {table.num_rows:,} rows")
    scored = score_arrow(
        table, inst, model=stage_model, form=form, on_error=on_error.value, source=str(source)
    )
    progress.update(task, advance=1, description="writing")
    write_arrow(scored, out)
    progress.update(task, advance=1)
    placed = pc.sum(pc.equal(scored.column("status").cast(pa.large_string()), "scored")).as_py() or 0
    meta = {k.decode(): v.decode() for k, v in (scored.schema.metadata or {}).items()}
    return scored.num_rows, int(placed), f"{meta['allypath.instrument']} ({meta['allypath.form']} form)"


def _score_with_engine(
    chosen: Engine,
    source: Path,
    out: Path,
    inst: Instrument,
    stage_model: StageModel,
    form: str | None,
    on_error: OnError,
    progress: Progress,
) -> tuple[int, int, str]:
    from allypath.engines import BatchScorer, count_parquet_rows, score_parquet_duckdb, score_parquet_spark

    scorer = BatchScorer(inst, stage_model, form, on_error.value, None, str(source))
    if chosen is Engine.duckdb:
        task = progress.add_task("scoring with duckdb (rows)", total=count_parquet_rows(source))
        rows = score_parquet_duckdb(
            source, out, scorer, on_batch=lambda done: progress.update(task, advance=done)
        )
        placed = scorer.placed
    else:
        task = progress.add_task("scoring with spark", total=None)
        rows = score_parquet_spark(source, out, scorer)
        import pandas as pd

        placed = int((pd.read_parquet(out, columns=["status"])["status"] == "scored").sum())
        progress.update(task, completed=1, total=1)
    return rows, placed, f"{inst.id} {inst.version}"


@app.command()
def recommend(
    scored: Annotated[Path, typer.Argument(help="Scored file from `allypath score`.")],
    respondent: Annotated[str, typer.Option("--respondent", help="respondent_id of the row.")],
    language: Annotated[str, typer.Option("--language", help="en, fr or ar.")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Personal next steps for one scored respondent, each with its reason."""
    from allypath.recommendations import recommend as run_recommend
    from allypath.tables import read_table

    try:
        frame = read_table(scored)
    except AllypathError as exc:
        _fail(exc)
    rows = frame[frame["respondent_id"].astype("string") == respondent]
    if rows.empty:
        _fail(AllypathError(f"{scored}: no row with respondent_id {respondent!r}"))
    recs = run_recommend({str(k): v for k, v in rows.iloc[0].items()}, language=language)
    if as_json:
        sys.stdout.write(json.dumps([r.to_dict() for r in recs], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("#", "suggestion", "why", show_lines=True)
    for rec in recs:
        table.add_row(str(rec.priority), f"[bold]{rec.title}[/]\n{rec.text}", rec.reason)
    console.print(table)


@app.command()
def summary(
    scored: Annotated[Path, typer.Argument(help="Scored file from `allypath score`.")],
    by: Annotated[str, typer.Option("--by", help="Group column.")] = "org",
    k: Annotated[int, typer.Option("--k", help="Minimum group size (floor 3).")] = 5,
) -> None:
    """A readable per-group summary: stage mix, awareness, participation, barriers, actions."""
    from allypath.analytics import summarise_groups
    from allypath.model import STAGES
    from allypath.privacy import PrivacyPolicy
    from allypath.tables import read_table

    try:
        frame = read_table(scored)
        if by not in frame.columns:
            raise AllypathError(f"{scored}: no column {by!r} to group by")
        groups = summarise_groups(frame, by, PrivacyPolicy(k=k, k_text=max(10, k)))
    except AllypathError as exc:
        _fail(exc)
    if "status" in frame.columns:
        status = frame["status"].astype("string")
        console.print(_placement_line(int((status == "scored").sum()), int((status == "suspect").sum())))
    for group in groups:
        if not group.visible:
            console.print(f"[bold]{group.group}[/]: {group.hidden_reason}")
            continue
        table = Table(title=f"{group.group} — {group.n} respondents placed", title_justify="left")
        table.add_column("stage")
        table.add_column("share", justify="right")
        table.add_column("")
        for stage in STAGES:
            share = group.stage_mix[stage.number]
            table.add_row(stage.label.get_lang("en"), f"{share:.1%}", "█" * round(share * 40))
        console.print(table)
        console.print(
            f"  between stages: {group.between_share:.0%}   "
            f"policy awareness: {group.policy_aware_share:.0%} of the {group.policy_answered} who answered   "
            f"took part in initiatives: {group.participation_share:.0%}"
        )
        console.print(
            "  strongest barriers: " + "; ".join(f"{label} ({v:.2f})" for label, v in group.top_barriers)
        )
        for n, (action, why) in enumerate(group.actions, start=1):
            console.print(f"  action {n}: [bold]{action}[/] — {why}")
        console.print()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
