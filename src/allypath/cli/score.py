"""``allypath simulate`` and ``allypath score``: respondents with a known stage, and the one scoring entry
point on a file of any size (in this process, streamed by batches, or on DuckDB or Spark)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from allypath.cli._common import (
    Form,
    InstrumentOption,
    console,
    placement_line,
    progress_bar,
    refuse_output,
    refusing,
)
from allypath.engines import Engine, choose_engine
from allypath.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from rich.progress import Progress

    from allypath.instrument import Instrument
    from allypath.scoring import StageModel

__all__ = ["MAX_SIMULATED", "score", "simulate"]

#: The most respondents ``simulate`` makes in one file (a larger number would not fit in memory).
MAX_SIMULATED = 100_000_000


class OnError(StrEnum):
    raise_ = "raise"
    mark = "mark"


@dataclass(frozen=True)
class _Job:
    """What every way of scoring is given: the file, where to write, the instrument, model and choices."""

    source: Path
    out: Path
    inst: Instrument
    stage_model: StageModel
    form: str | None
    on_error: OnError


def _wave_names(value: str | None) -> list[str] | None:
    """``--waves A,B,C`` as names; a blank or repeated name is refused naming the option."""
    if value is None:
        return None
    names = [name.strip() for name in value.split(",")]
    if any(not name for name in names):
        blank = f"{value!r} has a blank wave name: give names separated by commas"
        raise typer.BadParameter(blank, param_hint=["--waves"])
    repeated = next((name for k, name in enumerate(names) if name in names[:k]), None)
    if repeated is not None:
        raise typer.BadParameter(
            f"wave {repeated!r} is given twice: name each wave once", param_hint=["--waves"]
        )
    return names


def _source(ctx: typer.Context, name: str) -> str | None:
    source = ctx.get_parameter_source(name)
    return None if source is None else source.name


def simulate(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Output file (.csv or .parquet).")],
    n: Annotated[
        int,
        typer.Option(
            "--n",
            min=1,
            max=MAX_SIMULATED,
            help="Number of respondents (with --waves: of men; at most 100,000,000 rows).",
        ),
    ] = 576,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same file).")] = 0,
    form: Annotated[Form, typer.Option(help="Which form the respondents answer.")] = Form.full,
    wave: Annotated[str, typer.Option(help="Value of the wave column.")] = "2026-Q1",
    waves: Annotated[
        str | None,
        typer.Option(
            help=(
                "A panel: the same --n men answer each of these waves (names separated by commas, e.g."
                " 2026-Q1,2026-Q2), with a true stage per wave; instead of --wave."
            ),
            show_default=False,
        ),
    ] = None,
    move: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="With --waves: chance that a man moves one stage between one wave and the next (0: none).",
        ),
    ] = 0.2,
    forward: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="With --waves: chance that a man who moves goes forward, not back."
        ),
    ] = 0.7,
    attrition: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="With --waves: chance that a man skips a wave after the first."),
    ] = 0.0,
) -> None:
    """Simulate respondents of the two study organisations, with their true stage (or, with --waves,
    the same men over several waves)."""
    from allypath.synth import simulate as run_simulation
    from allypath.synth import simulate_panel
    from allypath.tables import write_table

    names = _wave_names(waves)
    # given on the command line, not left at their defaults (typer's click names the source)
    given = [p for p in ("wave", "move", "forward", "attrition") if _source(ctx, p) == "COMMANDLINE"]
    if names is None:
        panel_only = [f"--{p}" for p in given if p != "wave"]
        if panel_only:
            raise typer.BadParameter("applies to a panel only: give --waves too", param_hint=panel_only[:1])
    elif "wave" in given:
        raise typer.BadParameter(
            "give either --wave (one wave) or --waves (a panel), not both", param_hint=["--waves"]
        )
    if names is not None and n * len(names) > MAX_SIMULATED:
        raise typer.BadParameter(
            f"{n:,} men in {len(names)} waves make more than {MAX_SIMULATED:,} rows", param_hint=["--n"]
        )
    doing = (
        f"Simulating {n:,} respondents" if names is None else f"Simulating {n:,} men in {len(names)} waves"
    )
    with refusing(out=out), console.status(doing):
        refuse_output(out)
        if names is None:
            frame = run_simulation(n, seed=seed, form=form.value, wave=wave)
        else:
            frame = simulate_panel(
                n, waves=names, seed=seed, move=move, forward=forward, attrition=attrition, form=form.value
            )
        write_table(frame, out)
    if names is None:
        console.print(f"wrote {len(frame):,} respondents to {out}")
    else:
        console.print(f"wrote {len(frame):,} rows, {n:,} men in the waves {', '.join(names)}, to {out}")


def score(
    source: Annotated[
        Path, typer.Argument(help="Wide responses: .csv, .parquet, or a folder/glob of Parquet.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Scored output (.csv or .parquet; a folder for Spark).")],
    model: Annotated[Path | None, typer.Option("--model", help="Scoring model YAML (calibrated).")] = None,
    form: Annotated[
        Form | None,
        typer.Option(help="The form of every row; default: each row's, from the items it answered."),
    ] = None,
    on_error: Annotated[
        OnError, typer.Option("--on-error", help="raise: stop at the first bad cell; mark: flag the row.")
    ] = OnError.raise_,
    engine: Annotated[
        Engine,
        typer.Option(
            help=(
                "memory (this process; a Parquet file streamed by batches), duckdb (out-of-core, Parquet"
                ' input), spark (pip install "allypath\\[spark]"); auto: duckdb for a folder or glob, memory'
                " otherwise."
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
    from allypath.instrument import load_instrument
    from allypath.scoring import load_stage_model

    with refusing(out=out):
        chosen = choose_engine(engine, source)
        if chosen is Engine.spark and out.suffix.lower() == ".csv":
            raise DataError(
                "the spark engine writes a folder of Parquet files: give --out a folder name"
                " (--engine duckdb or memory write a .csv file)",
                file=str(out),
            )
        refuse_output(out, source, model, instrument)
        inst = load_instrument(instrument)
        stage_model = load_stage_model(model)
        if careless is not None:
            from dataclasses import replace

            from allypath.scoring import CarelessRules

            rules = CarelessRules() if careless else CarelessRules.off()
            stage_model = replace(stage_model, careless=rules)
        job = _Job(source, out, inst, stage_model, form, on_error)
        with progress_bar() as progress:
            suspect: int | None = None
            if chosen is Engine.memory and source.suffix.lower() in (".parquet", ".pq"):
                rows, placed, suspect, label = _score_streamed(job, progress)
            elif chosen is Engine.memory:
                rows, placed, label = _score_in_memory(job, progress)
            else:
                rows, placed, label = _score_with_engine(chosen, job, progress)
    if suspect is None:
        suspect = _count_status(out, "suspect")
    console.print(
        f"scored {placed:,} of {rows:,} rows ({rows - placed - suspect:,} insufficient) with "
        f"{stage_model.label} on {label}, engine {chosen.value} -> {out}"
    )
    console.print(placement_line(placed, suspect))


def _count_status(path: Path, value: str) -> int:
    """Rows of a scored file (CSV, Parquet or a Parquet folder) whose ``status`` is ``value``; only
    that column is read (the output may hold millions of rows)."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    status = (
        pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(include_columns=["status"]))
        if path.suffix.lower() == ".csv"
        else pq.read_table(path, columns=["status"])
    ).column("status")
    return int(pc.sum(pc.equal(status.cast("string"), value)).as_py() or 0)


def _score_streamed(job: _Job, progress: Progress) -> tuple[int, int, int, str]:
    """A Parquet file scored batch by batch (memory bounded by the batch; the in-memory cells)."""
    import pyarrow.parquet as pq

    from allypath.cli._waves import WAVE_COLUMN
    from allypath.engines import refuse_duplicate_ids_parquet
    from allypath.scoring.stream import score_parquet

    try:
        total: int | None = pq.read_metadata(job.source).num_rows
    except (OSError, ValueError):
        total = None  # score_parquet names the problem
    else:
        # The in-memory rule and message, with memory bounded: the ids held as Python strings took
        # 130 bytes a row (10 million rows: 2.2 GB peak, against 1.0 GB for the scoring itself).
        refuse_duplicate_ids_parquet(job.source, waves=WAVE_COLUMN)
    task = progress.add_task("scoring (rows)", total=total)
    summary = score_parquet(
        job.source,
        job.out,
        job.inst,
        model=job.stage_model,
        form=job.form,
        on_error=job.on_error.value,
        progress=lambda done: progress.update(task, advance=done),
    )
    label = f"{summary.instrument} ({summary.form} form)"
    return summary.rows, summary.placed, summary.suspect, label


def _score_in_memory(job: _Job, progress: Progress) -> tuple[int, int, str]:
    import pyarrow as pa
    import pyarrow.compute as pc

    from allypath.cli._waves import WAVE_COLUMN
    from allypath.io.ids import ID_COLUMN, refuse_duplicate_ids
    from allypath.scoring import score_arrow
    from allypath.tables import read_arrow, write_arrow

    # Arrow from end to end: the answers are checked on the columns as read, attributes pass through,
    # and no pandas frame is built (at a million rows that conversion cost as much as the scoring).
    task = progress.add_task("reading", total=3)
    table = read_arrow(job.source)
    if ID_COLUMN in table.column_names:
        waves = table.column(WAVE_COLUMN).to_pandas() if WAVE_COLUMN in table.column_names else None
        refuse_duplicate_ids(table.column(ID_COLUMN), file=str(job.source), waves=waves)
    progress.update(task, advance=1, description=f"scoring {table.num_rows:,} rows")
    scored = score_arrow(
        table,
        job.inst,
        model=job.stage_model,
        form=job.form,
        on_error=job.on_error.value,
        source=str(job.source),
    )
    progress.update(task, advance=1, description="writing")
    write_arrow(scored, job.out)
    progress.update(task, advance=1)
    placed = pc.sum(pc.equal(scored.column("status").cast(pa.large_string()), "scored")).as_py() or 0
    meta = {k.decode(): v.decode() for k, v in (scored.schema.metadata or {}).items()}
    return scored.num_rows, int(placed), f"{meta['allypath.instrument']} ({meta['allypath.form']} form)"


def _score_with_engine(chosen: Engine, job: _Job, progress: Progress) -> tuple[int, int, str]:
    from allypath.cli._waves import WAVE_COLUMN
    from allypath.engines import (
        BatchScorer,
        count_parquet_rows,
        refuse_duplicate_ids_parquet,
        score_parquet_duckdb,
        score_parquet_spark,
    )

    # Each respondent once (in each wave: a panel), as the in-memory path checks (the same message,
    # naming both rows).
    checking = progress.add_task("checking that each respondent_id is on one row", total=1)
    refuse_duplicate_ids_parquet(job.source, waves=WAVE_COLUMN)
    progress.update(checking, completed=1)
    scorer = BatchScorer(job.inst, job.stage_model, job.form, job.on_error.value, None, str(job.source))
    if chosen is Engine.duckdb:
        from allypath._memory import keep_freed_memory

        keep_freed_memory()  # one batch after another of the same sizes: their memory is reused
        task = progress.add_task("scoring with duckdb (rows)", total=count_parquet_rows(job.source))
        rows = score_parquet_duckdb(
            job.source, job.out, scorer, on_batch=lambda done: progress.update(task, advance=done)
        )
        placed = scorer.placed
    else:
        task = progress.add_task("scoring with spark", total=None)
        rows = score_parquet_spark(job.source, job.out, scorer)
        import pandas as pd

        placed = int((pd.read_parquet(job.out, columns=["status"])["status"] == "scored").sum())
        progress.update(task, completed=1, total=1)
    return rows, placed, f"{job.inst.id} {job.inst.version}"
