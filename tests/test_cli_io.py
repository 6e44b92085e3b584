"""allypath import / export / instrument codebook from the command line."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    path = tmp_path_factory.mktemp("io") / "wide.csv"
    allypath.simulate(120, seed=3).to_csv(path, index=False)
    return path


def test_export_to_spss_then_detect_and_import_gives_the_answers_back(wide, tmp_path):
    sav, mapping, back = tmp_path / "x.sav", tmp_path / "m.yaml", tmp_path / "back.parquet"
    assert run("export", wide, "--out", sav).exit_code == 0
    detected = run("import", "detect", sav, "--out", mapping)
    assert detected.exit_code == 0, detected.output
    assert "review it" in detected.stdout
    imported = run("import", sav, "--mapping", mapping, "--out", back)
    assert imported.exit_code == 0, imported.output
    original = pd.read_csv(wide)
    result = pd.read_parquet(back)
    for column in ("ap1", "en6", "kc_parental_leave"):
        assert result[column].astype("Float64").equals(original[column].astype("Float64"))


def test_detect_without_out_prints_the_yaml(exports_dir):
    result = run("import", "detect", exports_dir / "sample.csv")
    assert result.exit_code == 0, result.output
    assert "qualtrics" in result.stdout.lower()


def test_import_without_a_mapping_is_refused(wide, tmp_path):
    result = run("import", wide, "--out", tmp_path / "o.parquet")
    assert result.exit_code == 2
    assert "--mapping" in result.stderr


def test_import_of_a_zero_byte_file_names_it(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run("import", "detect", empty)
    assert result.exit_code == 2
    assert "empty.csv" in result.stderr


def test_export_to_excel_escapes_formulas(tmp_path):
    frame = allypath.simulate(5, seed=1)
    frame["unit"] = '=HYPERLINK("http://x")'
    source = tmp_path / "w.csv"
    frame.to_csv(source, index=False)
    assert run("export", source, "--out", tmp_path / "w.xlsx").exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "w.xlsx").active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("unit") + 1)
    # Stored as a text cell with Excel's quote prefix: shown as text, never evaluated.
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


def test_codebook_in_markdown_and_csv(tmp_path):
    assert run("instrument", "codebook", "--out", tmp_path / "cb.md").exit_code == 0
    assert run("instrument", "codebook", "--out", tmp_path / "cb.csv").exit_code == 0
    text = (tmp_path / "cb.md").read_text(encoding="utf-8")
    assert "ap1" in text
    assert "allypath-core" in text
    assert len(pd.read_csv(tmp_path / "cb.csv")) >= len(allypath.load_instrument().columns)


def test_import_drops_rows_with_nothing_in_them_and_says_how_many(exports_dir, tmp_path):
    """sample_missing.sav ends with a row holding nothing (no id, answer or attribute): it was imported
    as a 7th response (a review). It is dropped and the summary line counts it; the row with an id and
    no answer stays (it is someone)."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "respondent_id: mychar\nitems:\n  ap1:\n    column: mylabl\n    values: {Male: 1, Female: 2}\n"
        "  ap7: myord\n",
        encoding="utf-8",
    )
    out = tmp_path / "x.csv"
    result = run("import", exports_dir / "sample_missing.sav", "--mapping", mapping, "--out", out)
    assert result.exit_code == 0, result.output
    line = " ".join(result.output.split())
    assert "imported 6 responses" in line and "dropped 1 empty row(s) (no id, answer or attribute)" in line
    assert pd.read_csv(out)["respondent_id"].tolist() == ["a", "b", "c", "d", "e", "Z"]


def test_import_refuses_a_blank_id_naming_its_row_in_the_file(tmp_path):
    """A blank respondent_id in a row that holds answers is refused like a repeated id, naming the
    file, the row as counted in the file (an empty row before it set aside) and the column."""
    source = tmp_path / "export.csv"
    source.write_text("id,ap1,ap7\nr1,1,2\n,,\nr3,2,2\n,3,4\nr5,1,1\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("respondent_id: id\nitems:\n  ap1: ap1\n  ap7: ap7\n", encoding="utf-8")
    out = tmp_path / "x.csv"
    result = run("import", source, "--mapping", mapping, "--out", out)
    assert result.exit_code != 0
    text = " ".join(result.output.split())
    assert f"file {source}, row 4, column 'respondent_id': the respondent_id is blank" in text
    assert not out.exists()
    source.write_text("id,ap1,ap7\nr1,1,2\n,,\nr3,2,2\n", encoding="utf-8")
    result = run("import", source, "--mapping", mapping, "--out", out)
    assert result.exit_code == 0, result.output
    assert "imported 2 responses" in result.output and "dropped 1 empty row(s)" in result.output
