"""``allypath stats retest``: how stable the scores of the same people are between two waves.

The same men in two waves of a scored file (a panel: their ids come back) are paired, and each score
is judged by its test-retest reliability (:func:`allypath.stats.retest_reliability`: ICC(2,1) with
its interval, ICC(3,1), Pearson's r; for the stage, agreement, weighted kappa and the table of stage
by stage). Registered on :data:`stats_app` when :mod:`allypath.cli` imports this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from allypath.cli._common import JsonOption, console, fmt, print_json, refusing
from allypath.cli.stats import _working, read_data, stats_app
from allypath.reports.labels import measure_name

if TYPE_CHECKING:
    from allypath.instrument import Instrument
    from allypath.stats import MeasureRetest, RetestResult, StageRetest

__all__ = ["retest", "retest_notes"]

ScoredArgument = Annotated[
    Path,
    typer.Argument(
        help="Scored file from `allypath score` (.csv or .parquet), the same people in two or more waves."
    ),
]


def _interval(value: float, interval: tuple[float, float]) -> str:
    return f"{fmt(value, 2)} ({fmt(interval[0], 2)} to {fmt(interval[1], 2)})"


def _paired_line(result: RetestResult) -> str:
    """Which waves were paired, how many people, and who was left out (in words)."""
    left = result.left_out()
    out = "; left out: " + ", ".join(left) if left else "; no one was left out"
    return (
        f"Wave {result.first} paired with wave {result.second}: {result.n_pairs:,} people placed in both"
        f"{out}. (The data hold the waves {', '.join(result.waves)}; --first and --second choose.)"
    )


def _measures_table(measures: tuple[MeasureRetest, ...], confidence: float, instrument: Instrument) -> Table:
    table = Table(
        "measure",
        f"ICC(2,1) ({confidence:.0%} interval)",
        "ICC(3,1)",
        "r",
        "n",
        "verdict",
        title="How stable each score is between the waves",
        title_justify="left",
        caption="ICC(2,1): agreement of each person's two scores, counting a shift of everyone between the "
        "waves as disagreement (1: the same score both times, 0: no more alike than two people's). ICC(3,1): "
        "the same, ignoring such a shift. r: Pearson's correlation. n: people with the score in both waves. "
        "Verdicts judge the whole ICC(2,1) interval by Koo & Li's bands: below 0.5 poor, 0.5 to 0.75 "
        "moderate, 0.75 to 0.9 good, above 0.9 excellent.",
    )
    for m in measures:
        table.add_row(
            measure_name(instrument, m.measure),
            _interval(m.icc2, m.icc2_ci),
            fmt(m.icc3, 2),
            fmt(m.pearson_r, 2),
            fmt(m.n),
            m.band or m.verdict,  # the interval the band is judged on is in the second column
        )
    return table


def _stage_table(stage: StageRetest, first: str, second: str) -> Table:
    from allypath.model import STAGES

    names = [s.short_label.get_lang("en") for s in STAGES]
    table = Table(
        f"wave {first} ↓ / wave {second} →",
        *names,
        title="Stage at each wave (people)",
        title_justify="left",
    )
    for name, row in zip(names, stage.table, strict=True):
        table.add_row(name, *[f"{count:,}" for count in row])
    return table


def _stage_lines(stage: StageRetest) -> list[str]:
    if stage.n == 0:
        return ["Stage: no one was placed in both waves."]
    return [
        f"Stage: {stage.exact_agreement:.0%} of the {stage.n:,} people are at the same stage in both waves, "
        f"{stage.moved_one:.0%} moved one stage and {stage.moved_two_or_more:.0%} two or more.",
        f"Weighted kappa (agreement beyond chance, a move of two stages counting four times one of one): "
        f"{_interval(stage.kappa, stage.kappa_ci)}; {stage.verdict}.",
    ]


def retest_notes() -> list[str]:
    """What the figures mean, in plain sentences."""
    return [
        "A test-retest reliability says how much of the change between two waves is measurement noise: "
        "the nearer to 1, the more a person's change in score can be trusted as real.",
        "People can also really change between waves. Between waves months apart a low value may be real "
        "change rather than noise, so test-retest is best read on waves close in time (a few weeks).",
    ]


@stats_app.command("retest")
def retest(
    data: ScoredArgument,
    first: Annotated[
        str | None, typer.Option("--first", help="The earlier wave (default: the one before --second).")
    ] = None,
    second: Annotated[
        str | None, typer.Option("--second", help="The later wave (default: the last in the file).")
    ] = None,
    id_column: Annotated[
        str, typer.Option("--id-column", help="The column that names each person in every wave.")
    ] = "respondent_id",
    wave_column: Annotated[
        str, typer.Option("--wave-column", help="The column that names the wave.")
    ] = "wave",
    as_json: JsonOption = False,
) -> None:
    """Test-retest reliability of a panel: the same people's scores and stages in two waves (ICC, kappa).

    Waves are in the order they first appear in the file, as `allypath summary` takes them: by
    default the last wave is paired with the one before it."""
    from allypath.instrument import load_instrument
    from allypath.stats import retest_reliability

    with refusing(), _working() as say:
        frame = read_data(data)
        say("pairing the waves")
        result = retest_reliability(
            frame, id_column=id_column, wave_column=wave_column, first=first, second=second, file=str(data)
        )
    if as_json:
        print_json(result.to_dict())
        return
    console.print(_paired_line(result), soft_wrap=True)
    console.print(_measures_table(result.measures, result.confidence, load_instrument()))
    for line in _stage_lines(result.stage):
        console.print(line, soft_wrap=True)
    console.print(_stage_table(result.stage, result.first, result.second))
    for line in retest_notes():
        console.print(line, style="dim", soft_wrap=True)
