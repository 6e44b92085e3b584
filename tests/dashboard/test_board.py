"""The board report and `allypath report`: the aggregate CSV's shape, both engines hiding the same cells,
spreadsheet safety, and the PDF checked page by page."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import allypath
from allypath.cli import app
from allypath.engines.aggregate import aggregate_duckdb, aggregate_table
from allypath.privacy import PrivacyPolicy
from allypath.reports.board import table_csv
from analytics.frames import simulated_teams

# team sizes chosen for every rule: G (6) is hidden only because H (2) and I (2 usable) would
# otherwise be worked out by subtraction from the total (complementary suppression); H and I are
# below k. Every row has a team (A takes the rest), so nothing else hides H and I.
TEAMS = {"A": 307, "B": 200, "C": 150, "D": 90, "E": 30, "F": 12, "G": 6, "H": 2, "I": 3}


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    frame = simulated_teams(TEAMS)
    # unscored rows are not counted anywhere (they have no stage): one in team I
    frame.loc[frame.index[frame["team"] == "I"][0], "status"] = "insufficient"
    return frame


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_an_overall_row_then_one_row_per_group_with_its_size_and_why_a_row_is_hidden(scored):
    table = aggregate_table(scored, "team", policy=PrivacyPolicy(k=5))
    rows = rows_of(table_csv(table))
    assert [r["team"] for r in rows] == ["overall", *TEAMS]
    assert rows[0]["group"] == "Everyone" and int(rows[0]["n"]) == int((scored["status"] == "scored").sum())
    by_team = {r["team"]: r for r in rows}
    assert by_team["A"]["suppressed"] == "" and int(by_team["A"]["n"]) > 0
    assert by_team["H"]["suppressed"] == "below_k" and by_team["I"]["suppressed"] == "below_k"
    assert by_team["G"]["suppressed"] == "complementary"
    for team in "GHI":  # hidden: every figure left empty, a reason in words
        row = by_team[team]
        assert row["n"] == "" and row["share_apathy"] == "" and row["fear"] == ""
        assert row["note"] in ("fewer than 5 people", "hidden so that a smaller group cannot be worked out")
    shares = [float(by_team["A"][f"share_{s}"]) for s in ("apathy", "ambivalence", "reflective", "energised")]
    assert sum(shares) == pytest.approx(1.0, abs=1e-5)
    assert (
        float(by_team["A"]["low_apathy"])
        < float(by_team["A"]["share_apathy"])
        < float(by_team["A"]["high_apathy"])
    )


@pytest.mark.parametrize("k", [5, 10])
def test_duckdb_and_in_memory_engines_write_the_same_csv_and_hide_the_same_cells(scored, tmp_path, k):
    folder = tmp_path / "lake"
    folder.mkdir()
    scored.iloc[:400].to_parquet(folder / "part-1.parquet")
    scored.iloc[400:].to_parquet(folder / "part-2.parquet")
    policy = PrivacyPolicy(k=k, k_text=max(10, k))
    memory = table_csv(aggregate_table(scored, "team", policy=policy))
    duck = table_csv(aggregate_duckdb(folder, "team", policy))
    assert duck == memory
    hidden = {r["team"]: r["suppressed"] for r in rows_of(duck) if r["suppressed"]}
    expected_g = "complementary" if k == 5 else "below_k"  # at k=10, G (6) is small itself
    assert hidden == {"G": expected_g, "H": "below_k", "I": "below_k"}


def test_the_cli_scores_an_unscored_file_first_and_both_engines_agree(tmp_path):
    wide = allypath.simulate(600, seed=4)
    wide.to_parquet(tmp_path / "wide.parquet")
    runner = CliRunner()
    memory = runner.invoke(
        app,
        [
            "report",
            str(tmp_path / "wide.parquet"),
            "--by",
            "unit",
            "--out",
            str(tmp_path / "m.csv"),
            "--k",
            "48",
        ],
    )
    assert memory.exit_code == 0, memory.output
    duck = runner.invoke(
        app,
        [
            "report",
            str(tmp_path / "wide.parquet"),
            "--by",
            "unit",
            "--out",
            str(tmp_path / "d.csv"),
            "--k",
            "48",
            "--engine",
            "duckdb",
        ],
    )
    assert duck.exit_code == 0, duck.output
    assert (tmp_path / "m.csv").read_text() == (tmp_path / "d.csv").read_text()
    rows = rows_of((tmp_path / "m.csv").read_text())
    assert rows[0]["unit"] == "overall"
    assert any(r["suppressed"] for r in rows) and any(not r["suppressed"] for r in rows[1:])
    assert "groups by unit" in memory.output


@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_the_report_counted_on_spark_is_the_duckdb_report(tmp_path):
    """``--engine spark`` (local Spark, the workers reading and counting) writes the CSV the DuckDB
    engine writes: same groups, same figures, same hidden cells, over two files."""
    wide = allypath.simulate(600, seed=4)
    folder = tmp_path / "lake"
    folder.mkdir()
    wide.iloc[:350].to_parquet(folder / "a.parquet")
    wide.iloc[350:].to_parquet(folder / "b.parquet")
    runner = CliRunner()
    outputs = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.csv"
        result = runner.invoke(
            app, ["report", str(folder), "--by", "unit", "--out", str(out), "--k", "48", "--engine", engine]
        )
        assert result.exit_code == 0, result.output
        assert f"engine {engine}" in result.output
        outputs[engine] = out.read_text()
    assert outputs["spark"] == outputs["duckdb"]
    rows = rows_of(outputs["spark"])
    assert any(r["suppressed"] for r in rows) and any(not r["suppressed"] for r in rows[1:])


def test_the_cli_names_a_missing_group_column_and_an_unknown_output_format(tmp_path, scored):
    scored.to_csv(tmp_path / "scored.csv", index=False)
    runner = CliRunner()
    missing = runner.invoke(
        app, ["report", str(tmp_path / "scored.csv"), "--by", "division", "--out", str(tmp_path / "r.csv")]
    )
    assert missing.exit_code == 2 and "division" in missing.output
    csv_file = str(tmp_path / "scored.csv")
    declared = ["--by", "team", "--breakdowns", "team"]
    wrong = runner.invoke(app, ["report", csv_file, *declared, "--out", str(tmp_path / "r.docx")])
    assert wrong.exit_code == 2 and ".pdf, .html, .csv or .xlsx" in wrong.output
    small = runner.invoke(app, ["report", csv_file, *declared, "--out", str(tmp_path / "r.csv"), "--k", "2"])
    assert small.exit_code == 2 and "k must be" in small.output


def test_text_cells_of_the_csv_and_xlsx_cannot_run_as_spreadsheet_formulas(scored, tmp_path):
    frame = scored.copy()
    frame["team"] = frame["team"].replace({"A": '=HYPERLINK("http://evil")', "B": "+SUM(1)"})
    runner = CliRunner()
    for suffix in ("csv", "xlsx"):
        result = runner.invoke(
            app,
            [
                "report",
                str(_write(frame, tmp_path)),
                "--by",
                "team",
                "--breakdowns",
                "team",
                "--out",
                str(tmp_path / f"r.{suffix}"),
            ],
        )
        assert result.exit_code == 0, result.output
    rows = rows_of((tmp_path / "r.csv").read_text())
    assert {r["team"] for r in rows} >= {'\'=HYPERLINK("http://evil")', "'+SUM(1)"}
    sheet = load_workbook(tmp_path / "r.xlsx").active
    cells = [c for c in sheet["B"] if isinstance(c.value, str) and c.value.startswith(("=", "+"))]
    assert len(cells) == 2 and all(c.data_type == "s" and c.quotePrefix for c in cells)


def _write(frame: pd.DataFrame, folder: Path) -> Path:
    path = folder / "scored.parquet"
    frame.to_parquet(path)
    return path


def test_the_cli_pdf_has_a_title_page_and_every_section_on_non_blank_pages(scored, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "report",
            str(_write(scored, tmp_path)),
            "--by",
            "team",
            "--breakdowns",
            "team",
            "--out",
            str(tmp_path / "r.pdf"),
            "--title",
            "Team report",
        ],
    )
    assert result.exit_code == 0, result.output
    pages = pdf_pages(tmp_path / "r.pdf", tmp_path / "pages")
    assert len(pages) >= 6  # title, overview, stage mix, heatmap, diagnostics, plan, methods
    text = pdf_text(tmp_path / "r.pdf")
    for heading in (
        "Team report",
        "Overview",
        "Stage mix by team",
        "Barriers, norms and enablers",
        "HR's three diagnostic questions",
        "Action plan",
        "Methods note",
    ):
        assert heading in text
    assert "fewer than 5 people" in text
    for key in ("team=", "unit=", "wave=", "org="):  # plain words, never query keys
        assert key not in text


def pdf_pages(pdf: Path, folder: Path) -> list[Path]:
    """Render ``pdf`` at 50 dpi with pdftoppm; assert that no page is blank; return the PNGs."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed"
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(folder / "page")], check=True)
    pages = sorted(folder.glob("page-*.png"))
    for page in pages:
        pixels = np.asarray(Image.open(page).convert("L"))
        assert (pixels < 200).mean() > 0.002, f"{page.name} is blank"
    return pages


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
