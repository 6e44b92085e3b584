"""How many latent classes or profiles? ``allypath stats lca --classes 1-6`` (and ``lpa --profiles``).

A range of counts fits each in turn and tabulates what is used to choose among them
(:func:`allypath.stats.compare_latent`: log-likelihood, AIC, BIC, sample-size adjusted BIC, relative
entropy, the smallest group), says in sentences which count BIC prefers and what to be wary of, and
with ``--chart`` draws BIC by count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from rich import box
from rich.table import Table

from allypath.cli._common import console, fmt, output_file, print_json
from allypath.errors import StatsError
from allypath.stats.latent import comparison_verdicts, plural_of

__all__ = [
    "check_chart",
    "compare_counts",
    "comparison_payload",
    "comparison_verdicts",
    "parse_counts",
    "print_comparison",
    "write_chart",
]

#: Most classes or profiles one run tries: each count is a model of its own, fitted from every start.
_MOST = 12


def parse_counts(text: str, option: str) -> list[int]:
    """``"3"`` -> [3]; ``"1-6"`` -> [1, 2, 3, 4, 5, 6]; anything else is refused naming ``option``."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", text)
    if not match:
        raise StatsError(f"{option} takes a number (3) or a range of numbers (1-6), not {text!r}")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if not 1 <= low <= high:
        raise StatsError(f"{option} {text}: the counts must be at least 1, the smaller first (1-6)")
    if high - low + 1 > _MOST or high > 50:
        raise StatsError(f"{option} {text}: at most {_MOST} counts in one run, none above 50")
    return list(range(low, high + 1))


def check_chart(chart: Path | None, counts: list[int], option: str, data: Path) -> None:
    """Refuse, before any fitting, a chart that cannot be drawn or written."""
    from allypath.cli._common import refuse_output

    if chart is None:
        return
    if len(counts) < 2:
        raise StatsError(f"--chart compares counts: give {option} a range (1-6)")
    if chart.suffix.lower() != ".svg":
        raise StatsError(f"--chart {chart}: the chart is written as SVG; name it something.svg")
    refuse_output(chart, data)


def compare_counts(
    frame: Any,
    counts: list[int],
    kind: Literal["class", "profile"],
    options: dict[str, Any],
    say: Callable[..., None],
) -> Any:
    """:func:`~allypath.stats.compare_latent` over ``counts``, one count at a time for the progress bar."""
    import pandas as pd

    from allypath.stats import compare_latent

    rows = []
    for done, count in enumerate(counts):
        say(
            f"fitting {count} {plural_of(kind, count)} ({done + 1} of {len(counts)} models)",
            total=len(counts),
            completed=done,
        )
        rows.append(compare_latent(frame, [count], kind=kind, **options))
    say(f"fitted {len(counts)} models", completed=len(counts))
    table = pd.concat(rows, ignore_index=True)
    table["lowest_bic"] = table["bic"] == table["bic"].min()
    return table


def comparison_payload(table: Any, kind: str, extra: dict[str, Any]) -> dict[str, Any]:
    """The comparison as JSON: its rows, the count BIC prefers, the run's options and the verdicts."""
    rows = table.to_dict(orient="records")
    best = int(table.loc[table["lowest_bic"], "k"].iloc[0])
    return {"comparison": rows, "lowest_bic": best, **extra, "verdicts": comparison_verdicts(rows, kind)}


def print_comparison(payload: dict[str, Any], kind: str, chart: Path | None, as_json: bool) -> None:
    """The table and its verdicts; or all of it as JSON."""
    if as_json:
        print_json(payload)
        return
    word = plural_of(kind, 2)
    shown = Table(
        word,
        "loglik",
        "npar",
        "AIC",
        "BIC",
        "SABIC",
        "entropy",
        "smallest",
        title=f"How many {word}?",
        box=box.SIMPLE,  # no column rules and one space of padding: eight columns fit 80 characters
        collapse_padding=True,
        caption="* lowest BIC; entropy: relative entropy (1: everyone clearly in one group); smallest: "
        "the smallest group's share of people",
    )
    for column in shown.columns:  # a narrower terminal wraps a figure rather than cutting it ("13690.…")
        column.overflow = "fold"
    for row in payload["comparison"]:
        shown.add_row(
            f"{int(row['k'])}{' *' if row['lowest_bic'] else ''}",
            fmt(row["loglik"], 2),
            str(int(row["npar"])),
            fmt(row["aic"], 2),
            fmt(row["bic"], 2),
            fmt(row["sabic"], 2),
            fmt(row["entropy"], 3),
            f"{row['smallest_share']:.1%}",
        )
    console.print(shown)
    for sentence in payload["verdicts"]:
        console.print(sentence, soft_wrap=True)
    if chart is not None:
        console.print(f"chart -> {chart}")


def write_chart(out: Path, table: Any, kind: str) -> None:
    """BIC by count, the lowest marked by the verdict (an accessible SVG). One line: AIC and SABIC
    run close to each other and would hide each other's labels; the table has them."""
    import pandas as pd

    from allypath.reports.charts import line_chart

    word = plural_of(kind, 2)
    data = pd.DataFrame({word: table["k"].astype(int), "BIC": table["bic"]})
    best = int(table.loc[table["lowest_bic"], "k"].iloc[0])
    drawn = line_chart(
        data,
        x=word,
        y="BIC",
        title=f"How many {word}: BIC by number of {word} (lower is better)",
        description=f"BIC for each number of {word} tried, from {int(data[word].min())} to "
        f"{int(data[word].max())}; it is lowest at {best}.",
        x_title=f"number of {word}",
        y_title="BIC (lower is better)",
        value_format=",.0f",
    )
    with output_file(out) as tmp:
        tmp.write_text(drawn.svg, encoding="utf-8")
