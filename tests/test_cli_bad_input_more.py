"""More bad input on the command line: the ``stats`` commands refuse an answer off its item's scale
(and a number no analysis can take), and ``export`` never changes a value on its way to SPSS or Excel:
it writes it as it is or refuses it, naming the file, row and column, and writes nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from typer.testing import CliRunner

from allypath.cli import app
from allypath.cli._common import EXIT_ERROR

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(result) -> str:
    """The error line of a refused command; fails on a traceback, a warning or a zero exit."""
    assert result.exit_code == EXIT_ERROR, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output and "Warning" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def _left_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("more") / "ok.csv"
    result = run("simulate", "--n", "200", "--seed", "5", "--out", path)
    assert result.exit_code == 0, result.output
    return path


def _with(raw: Path, folder: Path, column: str, row: int, value: str | float, name: str = "bad.csv") -> Path:
    """The raw file with one cell changed (``row`` is the 1-based data row an error names)."""
    frame = pd.read_csv(raw)
    frame[column] = frame[column].astype(object)
    frame.loc[row - 1, column] = value
    path = folder / name
    frame.to_csv(path, index=False)
    return path


# --------------------------------------------------------------------------- 1-2. stats check answers

BAD_ANSWERS = [
    (1e300, "outside the scale 1-5 (got 1e+300)"),
    (7, "outside the scale 1-5 (got 7)"),  # as written, where the float column holds 7.0
    (-1, "outside the scale 1-5 (got -1)"),
    (2.5, "not a whole number (got 2.5)"),
]
STATS = {
    "lpa": ("stats", "lpa", "{data}", "--items", "en1,en2,en3,en5", "--n-init", "2"),
    "lca": ("stats", "lca", "{data}", "--items", "en1,en2,en3,en5", "--n-init", "2"),
    "reliability": ("stats", "reliability", "{data}", "--construct", "stage_energised"),
    "reliability-items": ("stats", "reliability", "{data}", "--items=en1,en2,-en3"),
    "efa": ("stats", "efa", "{data}", "--items", "en1,en2,en3,en5"),
    "cfa": ("stats", "cfa", "{data}", "--model", "f =~ en1 + en2 + en3"),
    "invariance": ("stats", "invariance", "{data}", "--model", "f =~ en1 + en2 + en3", "--group", "org"),
}


@pytest.mark.parametrize(("value", "why"), BAD_ANSWERS, ids=["1e300", "7", "-1", "2.5"])
@pytest.mark.parametrize("command", list(STATS))
def test_stats_refuse_an_answer_off_the_item_scale(tmp_path, raw, command, value, why):
    data = _with(raw, tmp_path, "en1", 6, value)
    message = one_line_error(run(*[a.format(data=data) for a in STATS[command]], "--json"))
    assert message.startswith(f"error: file {data}, row 6, column 'en1': {why}") and message.endswith(")")


@pytest.mark.parametrize("command", ["lpa", "reliability-items"])
def test_stats_refuse_a_text_answer_naming_it(tmp_path, raw, command):
    data = _with(raw, tmp_path, "en2", 9, "agree")
    message = one_line_error(run(*[a.format(data=data) for a in STATS[command]]))
    assert message == f"error: file {data}, row 9, column 'en2': not a number (got 'agree')"


def test_the_does_not_apply_answer_is_still_accepted(tmp_path, raw):
    # en4 offers "Does not apply to me" (stored as 0): an answer of the item, not a mistake
    frame = pd.read_csv(raw)
    assert (frame["en4"] == 0).any()
    result = run("stats", "reliability", raw, "--construct", "stage_energised", "--json")
    assert result.exit_code == 0, result.output


def test_stats_on_other_data_refuse_an_absurd_or_infinite_number(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(120, 3)), columns=["x1", "x2", "x3"])  # not the instrument's
    frame.loc[20, "x2"] = 1e300
    frame.to_csv(tmp_path / "big.csv", index=False)
    frame.loc[20, "x2"] = np.inf
    frame.to_csv(tmp_path / "inf.csv", index=False)
    for name, why in (
        ("big.csv", "the value 1e+300 is too large to analyse"),
        ("inf.csv", "inf is not a finite"),
    ):
        for command in ("lpa", "reliability", "efa"):
            message = one_line_error(run("stats", command, tmp_path / name, "--items", "x1,x2,x3"))
            assert f"file {tmp_path / name}, row 21, column 'x2': " in message and why in message, command


def test_stats_still_run_on_good_answers(raw):
    result = run("stats", "lpa", raw, "--items", "en1,en2,en3,en5", "--n-init", "2", "--json")
    assert result.exit_code == 0, result.output
    assert "null" not in result.stdout.split('"means"')[0]  # loglik, bic, entropy are numbers


# --------------------------------------------------------------------------- 3. export: as it is, or refused


@pytest.mark.parametrize("suffix", [".sav", ".xlsx", ".csv"])
def test_export_refuses_an_answer_off_the_scale_and_keeps_the_old_file(tmp_path, raw, suffix):
    data = _with(raw, tmp_path, "am2", 4, 7)
    out = tmp_path / f"out{suffix}"
    out.write_bytes(b"the previous export")
    message = one_line_error(run("export", data, "--out", out))
    assert message.startswith(f"error: file {data}, row 4, column 'am2': outside the scale 1-5 (got 7")
    assert out.read_bytes() == b"the previous export"
    assert _left_in(tmp_path) == {data.name, out.name}


@pytest.mark.parametrize(
    ("suffix", "text", "why"),
    [
        (".sav", "x" * 40_000, "40,000 bytes long, over the 32,767 bytes an SPSS text variable holds"),
        (".sav", "é" * 20_000, "40,000 bytes long"),  # 20,000 characters, two bytes each
        (".xlsx", "x" * 40_000, "40,000 characters long, over the 32,767 an Excel cell holds"),
        (".xlsx", "\U0001f600" * 20_000, "40,000 characters long"),  # Excel counts an emoji as two
        (".xlsx", "a bell\x07", "control character U+0007"),
    ],
    ids=["sav-long", "sav-long-bytes", "xlsx-long", "xlsx-long-emoji", "xlsx-control"],
)
def test_export_refuses_a_text_the_format_would_cut_or_change(tmp_path, raw, suffix, text, why):
    data = _with(raw, tmp_path, "ot1", 12, text)
    out = tmp_path / f"out{suffix}"
    message = one_line_error(run("export", data, "--out", out))
    assert message.startswith(f"error: file {data}, row 12, column 'ot1': ") and why in message
    assert str(out) in message
    assert _left_in(tmp_path) == {data.name}


@pytest.mark.parametrize(
    ("suffix", "column", "value", "why"),
    [
        (".sav", "staff_no", 2**60 + 1, "too large for SPSS"),
        (".xlsx", "staff_no", 1234567890123456, "more than 15 digits"),
        (".xlsx", "ratio", np.inf, "no infinity"),
    ],
    ids=["sav-big-integer", "xlsx-16-digits", "xlsx-infinity"],
)
def test_export_refuses_a_number_the_format_would_change(tmp_path, raw, suffix, column, value, why):
    frame = pd.read_csv(raw).copy().assign(**{column: 1 if column == "staff_no" else 1.5})
    frame.loc[2, column] = value
    # An infinity comes from Parquet: in a CSV, "inf" is not a number written plainly, so the column
    # is text and is written as the text it is (test_export_writes_an_infinity_read_as_text_as_text).
    data = tmp_path / ("numbers.parquet" if value == np.inf else "numbers.csv")
    frame.to_parquet(data, index=False) if data.suffix == ".parquet" else frame.to_csv(data, index=False)
    out = tmp_path / f"out{suffix}"
    message = one_line_error(run("export", data, "--out", out))
    assert message.startswith(f"error: file {data}, row 3, column '{column}': ") and why in message
    assert _left_in(tmp_path) == {data.name}


def test_export_writes_an_infinity_read_as_text_as_text(tmp_path, raw):
    frame = pd.read_csv(raw).copy().assign(ratio=1.5)
    frame["ratio"] = frame["ratio"].astype(object)
    frame.loc[2, "ratio"] = "inf"
    data = tmp_path / "numbers.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "out.xlsx"
    result = run("export", data, "--out", out)
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    rows = list(load_workbook(out, read_only=True).active.iter_rows(min_row=1, max_row=4, values_only=True))
    position = list(rows[0]).index("ratio")
    assert [row[position] for row in rows[1:]] == ["1.5", "1.5", "inf"]


@pytest.mark.parametrize(
    ("suffix", "numbers"),
    [(".sav", [2**53, 1]), (".xlsx", [10**18, 999_999_999_999_999])],  # 1 and 15 significant digits
)
def test_export_writes_text_and_numbers_at_the_limits_unchanged(tmp_path, raw, suffix, numbers):
    frame = pd.read_csv(raw)
    frame["ot1"] = frame["ot1"].astype(object)
    frame.loc[0, "ot1"] = "y" * 32_767  # exactly the limit of both formats
    frame.loc[1, "ot1"] = "é" * 16_000  # 32,000 bytes, 16,000 characters
    frame.loc[2, "ot1"] = "=1+1"
    frame = frame.copy().assign(staff_no=numbers[1])
    frame.loc[0, "staff_no"] = numbers[0]
    data = tmp_path / "edge.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / f"edge{suffix}"
    result = run("export", data, "--out", out)
    assert result.exit_code == 0, result.output
    if suffix == ".sav":
        back, _ = pyreadstat.read_sav(str(out))
    else:
        from openpyxl import load_workbook

        rows = load_workbook(out, read_only=True).active.iter_rows(min_row=1, max_row=4, values_only=True)
        header, *cells = (list(r) for r in rows)
        back = pd.DataFrame(cells, columns=header)
    assert back["ot1"].head(3).tolist() == frame["ot1"].head(3).tolist()
    assert [int(v) for v in back["staff_no"].head(2)] == frame["staff_no"].head(2).tolist()


def test_export_writes_formula_looking_text_as_text(tmp_path, raw):
    formula = '=HYPERLINK("http://evil.example","click")'
    data = _with(raw, tmp_path, "ot1", 3, formula)
    out = tmp_path / "out.xlsx"
    result = run("export", data, "--out", out)
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    column = [c.value for c in sheet[1]].index("ot1") + 1
    cell = sheet.cell(row=4, column=column)
    assert cell.value == formula and cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(out) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_the_analyses_read_does_not_apply_as_missing_not_as_a_rating(tmp_path):
    """A 0 on an item that offers "does not apply to me" is missing in every score; analysed as a
    rating below 1 it would bias the statistic. Other columns keep their zeros."""
    from allypath.cli.stats import check_data

    frame = pd.DataFrame({"en4": [0, 3, 5, 0], "en1": [1, 2, 3, 4], "age": [0, 30, 40, 50]})
    checked = check_data(frame, ["en4", "en1", "age"], tmp_path / "x.csv")
    assert checked["en4"].isna().tolist() == [True, False, False, True]
    assert checked["en1"].tolist() == [1, 2, 3, 4] and checked["age"].tolist() == [0, 30, 40, 50]
    assert frame["en4"].tolist() == [0, 3, 5, 0]  # the caller's data is left as it is


# --------------------------------------------------------------------------- a scored file edited by hand


@pytest.mark.parametrize(("value", "row", "shown"), [("two", 1, "'two'"), (9, 6, "9"), (0, 3, "0")])
@pytest.mark.parametrize("command", ["summary", "report"])
def test_a_scored_file_with_a_stage_edited_by_hand_is_refused_naming_the_cell(
    tmp_path, raw, command, value, row, shown
):
    """'two' crashed summary (ValueError), 9 crashed report (IndexError) and summary took it."""
    scored = tmp_path / "s.csv"
    assert run("score", raw, "--out", scored).exit_code == 0
    bad = _with(scored, tmp_path, "stage", row, value)
    extra = ("--out", tmp_path / "r.html") if command == "report" else ()
    line = one_line_error(run(command, bad, *extra))
    assert f"file {bad}, row {row}, column 'stage'" in line
    assert f"a stage is 1, 2, 3 or 4, or blank where none was placed (got {shown}" in line
    assert not (tmp_path / "r.html").exists()


def test_an_excel_export_into_a_folder_that_cannot_be_written_prints_one_line(raw):
    """The refusal came with a second traceback ('Exception ignored ... I/O operation on closed
    file') from openpyxl's row stream, left open and finished at exit (a review found it)."""
    import subprocess
    import sys

    target = Path("/sys/allypath-export-test.xlsx")  # /sys is mounted read-only, even for root
    try:
        target.write_bytes(b"")
    except OSError:
        pass
    else:  # pragma: no cover - a machine whose /sys takes files
        target.unlink()
        pytest.skip("/sys is writable on this machine: no read-only folder to write into")
    done = subprocess.run(
        [sys.executable, "-m", "allypath.cli", "export", str(raw), "--out", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == EXIT_ERROR
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "cannot write the output" in lines[0], lines


def test_a_semicolon_csv_is_scored_as_its_comma_twin(tmp_path, raw):
    """`score` refused it with 'pass delimiter=';'', an option the command line does not have."""
    import csv

    with raw.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    semi = tmp_path / "semi.csv"
    with semi.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, delimiter=";").writerows(rows)
    for source, out in ((raw, tmp_path / "a.csv"), (semi, tmp_path / "b.csv")):
        result = run("score", source, "--out", out)
        assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "a.csv"), pd.read_csv(tmp_path / "b.csv"))


def test_small_refusals_say_what_to_do(tmp_path, raw):
    """Three messages a review found unhelpful: export's formats left out .sav and .xlsx, a bad --by
    named no file, a folder with --engine memory read as 'unknown file type (none)'."""
    line = one_line_error(run("export", raw, "--out", tmp_path / "x.txt"))
    assert "use .sav (SPSS), .xlsx (Excel), .csv or .parquet" in line
    line = one_line_error(run("summary", raw, "--by", "nope"))
    assert f"file {raw}" in line and "no column 'nope' to group by (--by)" in line
    folder = tmp_path / "d"
    folder.mkdir()
    pd.read_csv(raw).to_parquet(folder / "a.parquet")
    line = one_line_error(run("score", folder, "--out", tmp_path / "o.csv", "--engine", "memory"))
    assert f"file {folder}" in line and "read with --engine duckdb or --engine spark" in line


def test_a_csv_holding_only_a_byte_order_mark_is_refused_in_words(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    line = one_line_error(run("score", path, "--out", tmp_path / "o.csv"))
    assert "the header row is blank" in line


def test_the_duckdb_report_refuses_a_scored_parquet_with_a_stage_edited_by_hand(tmp_path, raw):
    """Stage 9 was counted in a group's n and in none of its stages (shares summing to 0.997), exit 0."""
    scored = tmp_path / "s.parquet"
    assert run("score", raw, "--out", scored).exit_code == 0
    good = run("report", scored, "--engine", "duckdb", "--by", "unit", "--out", tmp_path / "ok.csv")
    assert good.exit_code == 0, good.output
    frame = pd.read_parquet(scored)
    frame.loc[5, "stage"] = 9
    frame.to_parquet(scored)
    line = one_line_error(
        run("report", scored, "--engine", "duckdb", "--by", "unit", "--out", tmp_path / "r.csv")
    )
    assert f"file {scored}, row 6, column 'stage'" in line and "(got 9)" in line
    assert not (tmp_path / "r.csv").exists()


def test_a_file_whose_name_holds_brackets_is_one_file(tmp_path, raw):
    """'survey [2024].csv' was taken for a glob: refused by the memory engine, sent to DuckDB by auto."""
    named = tmp_path / "survey [2024].csv"
    named.write_bytes(raw.read_bytes())
    for engine in ("memory", "auto"):
        result = run("score", named, "--out", tmp_path / f"{engine}.csv", "--engine", engine)
        assert result.exit_code == 0, result.output
        assert "engine memory" in result.output
