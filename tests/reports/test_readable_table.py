"""The workbook HR downloads: shares in percent, averages left on their 1-5 scale."""

from __future__ import annotations

import pandas as pd

from allypath.engines.aggregate import FACTOR_COLUMNS, MIX_COLUMNS, TABLE_COLUMNS
from allypath.reports.board import readable_table
from allypath.reports.labels import FACTOR_LABELS


def _table() -> pd.DataFrame:
    row: dict[str, object] = {column: 0.25 for column in TABLE_COLUMNS}
    row.update(group="overall", unit="overall", n=40, suppressed="", note="", split="stages", margin=0.4)
    row.update({key: 2.743 for key in FACTOR_COLUMNS})
    return pd.DataFrame([row])[["group", "unit", *TABLE_COLUMNS[1:]]]


def test_every_average_keeps_its_scale_and_every_share_reads_in_percent() -> None:
    out = readable_table(_table())
    averages = [f"{FACTOR_LABELS[key]} (average, 1 to 5)" for key in FACTOR_COLUMNS]
    # low_policy_awareness starts like an interval bound (low_apathy) and was read as one: 274.3
    assert "low_policy_awareness" in FACTOR_COLUMNS
    assert {name: float(out.loc[0, name]) for name in averages} == {name: 2.743 for name in averages}
    shares = [c for c in out.columns if c.endswith("(%)")]
    assert len(shares) == len(MIX_COLUMNS) + 4  # the four stages' four figures and the two bands' bounds
    assert {float(out.loc[0, c]) for c in shares} == {25.0}


def test_the_cli_workbook_is_the_one_hr_downloads_with_a_read_me(tmp_path) -> None:
    """`allypath report --out r.xlsx` wrote the table's keys (share_apathy, expected_*, margin) with six
    decimals and no word on what they mean, where the console's download is in words (a review). Both
    are now :func:`board_xlsx`: names in words, numbers shown to one decimal (every digit kept), and a
    Read me sheet for each kind of column."""
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    import allypath
    from allypath.cli import app

    data = tmp_path / "responses.parquet"
    allypath.simulate(600, seed=9).to_parquet(data)
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(app, ["report", str(data), "--by", "org", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Board report", "Read me"]
    sheet = book["Board report"]
    header = [cell.value for cell in sheet[1]]
    assert "share_apathy" not in header and "margin" not in header
    assert "Apathy: share (%)" in header
    barrier = next(h for h in header if str(h).startswith("Fear of saying the wrong thing"))
    share = sheet.cell(row=2, column=header.index("Apathy: share (%)") + 1)
    mean = sheet.cell(row=2, column=header.index(barrier) + 1)
    assert isinstance(share.value, float) and share.number_format == "0.0"
    assert isinstance(mean.value, float) and mean.number_format == "0.0"
    assert round(mean.value, 1) != mean.value  # the cell keeps its digits; only its display is rounded
    notes = {row[0].value: row[1].value for row in book["Read me"].iter_rows(min_row=2)}
    assert "(average, 1 to 5)" in notes and "strongly disagree" in str(notes["(average, 1 to 5)"])
    assert "likely at least" in str(notes["share (%)"])
