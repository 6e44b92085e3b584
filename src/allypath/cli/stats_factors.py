"""``allypath stats factors``: before an EFA, is the data worth factoring, and into how many factors?

KMO (``psych::KMO``), Bartlett's test (``psych::cortest.bartlett``) and Horn's parallel analysis
(``psych::fa.parallel``), each with its verdict in a sentence, and a scree chart of the data's
eigenvalues against random data's (``--chart scree.svg``). Registered on :data:`stats_app` when
:mod:`allypath.cli` imports this module.
"""

from __future__ import annotations

import shlex
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from allypath.cli._common import (
    JsonOption,
    console,
    fmt,
    output_file,
    print_json,
    refuse_output,
    refusing,
)
from allypath.cli.stats import (
    DataArgument,
    ItemsOption,
    Missing,
    MissingOption,
    _columns,
    _working,
    check_data,
    read_data,
    stats_app,
)
from allypath.errors import StatsError

__all__ = ["factors", "factors_verdicts"]

#: Bartlett's test: below this p-value the correlations are told apart from none.
_ALPHA = 0.05
#: psych's advice: an item whose own measure of sampling adequacy is below this may be dropped.
_WEAK_ITEM = 0.5


class Basis(StrEnum):
    pc = "pc"
    fa = "fa"


def factors_verdicts(payload: dict[str, Any], data: str = "DATA") -> list[str]:
    """The three findings of :func:`factors` in plain sentences, from its JSON payload; the command to
    run next names ``data``, so that it runs as printed."""
    from allypath.stats.factorability import adequacy_label

    kmo, bartlett, parallel = payload["kmo"], payload["bartlett"], payload["parallel"]
    overall = kmo["overall"]
    label = adequacy_label(overall)
    weak = [item for item, value in kmo["per_item"].items() if value < _WEAK_ITEM]
    said = [
        f"Sampling adequacy (KMO) is {overall:.2f}, {label} on Kaiser's scale (below 0.5 is not worth "
        "factoring, 0.8 and above is good): "
        + (
            "the items share enough variance for a factor analysis."
            if overall >= 0.6
            else "the items share too little variance for a factor analysis to be trusted."
        )
        + (
            f" {len(weak)} item(s) share little with the others (their own adequacy is below 0.5): "
            + ", ".join(weak)
            + "."
            if weak
            else ""
        )
    ]
    p = bartlett["pvalue"]
    p_words = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    if p < _ALPHA:
        said.append(
            f"Bartlett's test tells these correlations apart from none ({p_words}): there is shared "
            "variance to factor."
        )
    else:
        said.append(
            f"Bartlett's test cannot tell these correlations apart from none ({p_words}): there may be "
            "no common factor to find."
        )
    n = parallel["n_factors"]
    chance = (
        f"larger than {parallel['quantile']:.0%} of the matching eigenvalues of random data of the same "
        f"size ({parallel['n_iter']} draws)"
    )
    if n == 0:
        said.append(f"Parallel analysis keeps no factor: not even the largest eigenvalue is {chance}.")
    else:
        which = "the largest eigenvalue is" if n == 1 else f"the {n} largest eigenvalues are"
        said.append(
            f"Parallel analysis keeps {n} factor{'s' if n != 1 else ''}: {which} {chance}. "
            f"Next: `allypath stats efa {shlex.quote(data)} --factors {n}`."
        )
    return said


@stats_app.command("factors")
def factors(
    data: DataArgument,
    items: ItemsOption = None,
    iterations: Annotated[
        int, typer.Option("--iterations", min=1, help="Random data sets drawn by parallel analysis.")
    ] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the random data (same seed, same answer).")] = 0,
    basis: Annotated[
        Basis,
        typer.Option(
            "--basis",
            help="Eigenvalues of the full correlations (pc, Horn's) or of the reduced ones (fa, with "
            "squared multiple correlations on the diagonal).",
        ),
    ] = Basis.pc,
    missing: MissingOption = Missing.pairwise,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Also write the scree chart (data against random data) as SVG."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Is the data worth factoring, and into how many factors? KMO, Bartlett, parallel analysis."""
    from allypath.stats.factorability import bartlett_sphericity, kmo, parallel_analysis

    with refusing(out=chart), _working() as say:
        if chart is not None and chart.suffix.lower() != ".svg":
            raise StatsError(
                f"--chart {chart}: the scree chart is written as SVG; give a name ending in .svg"
            )
        refuse_output(chart, data)
        frame = read_data(data)
        columns = _columns(frame, items, data)
        frame = check_data(frame, columns, data)
        say("sampling adequacy and Bartlett's test")
        adequacy = kmo(frame[columns], missing=missing.value)
        bartlett = bartlett_sphericity(frame[columns], missing=missing.value)
        say(f"parallel analysis: {iterations} random data sets")
        parallel = parallel_analysis(
            frame[columns],
            n_iter=iterations,
            seed=seed,
            method=basis.value,
            missing=missing.value,
        )
        payload: dict[str, Any] = {
            "kmo": adequacy.to_dict(),
            "bartlett": bartlett.to_dict(),
            "parallel": parallel.to_dict(),
        }
        payload["verdicts"] = factors_verdicts(payload, str(data))
        if chart is not None:
            say("drawing the scree chart")
            _write_scree(chart, parallel.to_dict())
    if as_json:
        print_json(payload)
        return
    table = Table("factor", "eigenvalue", "random data", "above chance", title="Parallel analysis")
    kept = payload["parallel"]["n_factors"]
    for number, (seen, chance) in enumerate(
        zip(payload["parallel"]["observed"], payload["parallel"]["simulated"], strict=True), start=1
    ):
        table.add_row(str(number), fmt(seen, 3), fmt(chance, 3), "yes" if number <= kept else "")
    console.print(table)
    for sentence in payload["verdicts"]:
        console.print(sentence, soft_wrap=True)
    if chart is not None:
        console.print(f"scree chart -> {chart}")


def _write_scree(out: Path, parallel: dict[str, Any]) -> None:
    """The observed eigenvalues against random data's, one line each (an accessible SVG)."""
    import pandas as pd

    from allypath.reports.charts import line_chart

    count = len(parallel["observed"])
    data = pd.DataFrame(
        {
            "factor": [*range(1, count + 1)] * 2,
            "eigenvalue": [*parallel["observed"], *parallel["simulated"]],
            "series": ["your data"] * count + [f"random data ({parallel['quantile']:.0%})"] * count,
        }
    )
    kept = parallel["n_factors"]
    drawn = line_chart(
        data,
        x="factor",
        y="eigenvalue",
        color="series",
        title="Scree: how many factors stand above chance",
        description=(
            f"The data's eigenvalues, largest first, against random data's: parallel analysis keeps {kept} "
            f"factor{'s' if kept != 1 else ''}, where the data's line lies above the random data's."
        ),
        x_title="factor",
        y_title="eigenvalue",
        zero=True,
    )
    with output_file(out) as tmp:
        tmp.write_text(drawn.svg, encoding="utf-8")
