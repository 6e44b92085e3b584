"""SPSS and XLSX exporters: labels, round trips, formula-injection safety."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from io_testkit import build_instrument
from openpyxl import load_workbook

from allypath.errors import DataError
from allypath.io import read_spss, read_xlsx, write_spss, write_xlsx


def _responses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "respondent_id": pd.Series(["r1", "r2", None], dtype="str"),
            "org": pd.Series(["alpha", None, "beta"], dtype="str"),
            "ap01": pd.array([1, None, 5], dtype="Int64"),
            "en02": pd.array([4, 2, 3], dtype="Int64"),
            "sp1": pd.array([2, 4, None], dtype="Int64"),
            "kc_parental_leave": pd.array([1, 0, None], dtype="Int64"),
            "weight": [0.5, np.nan, 1.75],
            "ot1": pd.Series(["Plus de temps", None, "עברית"], dtype="str"),
        }
    )


def test_spss_round_trip_gives_an_identical_frame(tmp_path: Path) -> None:
    frame = _responses()
    path = write_spss(frame, tmp_path / "responses.sav", build_instrument())
    pd.testing.assert_frame_equal(read_spss(path).data, frame)


@pytest.mark.parametrize(
    "fixture", ["sample.sav", "sample_missing.sav", "simple_alltypes.sav", "hebrews.sav"]
)
def test_spss_fixtures_survive_export_and_import(exports_dir: Path, tmp_path: Path, fixture: str) -> None:
    original = read_spss(exports_dir / fixture).data
    path = write_spss(original, tmp_path / fixture)
    pd.testing.assert_frame_equal(read_spss(path).data, original)


def test_spss_labels_from_the_instrument(tmp_path: Path) -> None:
    instrument = build_instrument()
    path = write_spss(_responses(), tmp_path / "labelled.sav", instrument, language="fr")
    table = read_spss(path)
    assert table.column("ap01").label == instrument.item("ap01").text["fr"]
    assert table.column("ap01").value_labels == {
        1: "Pas du tout d'accord",
        2: "Pas d'accord",
        3: "Ni d'accord ni pas d'accord",
        4: "D'accord",
        5: "Tout à fait d'accord",
    }
    assert table.column("sp1").value_labels[4] == "Je soutiens activement mes collègues"
    assert table.column("kc_parental_leave").label.endswith("- Politique de congé parental")
    assert table.column("kc_parental_leave").value_labels == {0: "not chosen", 1: "chosen"}
    assert table.column("org").label is None  # not an instrument column
    assert table.metadata["measures"]["ap01"] == "ordinal"
    assert table.metadata["file_label"] == "allypath-test 0.0.1"
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    assert meta.original_variable_types["ap01"] == "F8.0"


def test_spss_refuses_names_spss_cannot_hold(tmp_path: Path) -> None:
    target = tmp_path / "bad.sav"
    with pytest.raises(DataError) as error:
        write_spss(pd.DataFrame({"has space": [1]}), target)
    assert error.value.column == "has space"
    assert error.value.file == str(target)
    assert not target.exists()


def test_xlsx_round_trip(tmp_path: Path) -> None:
    frame = _responses()
    path = write_xlsx(frame, tmp_path / "responses.xlsx")
    table = read_xlsx(path)
    assert table.format == "xlsx"
    assert table.metadata["sheet"] == "responses"
    pd.testing.assert_frame_equal(table.data, frame)


def test_xlsx_text_that_looks_like_a_formula_is_never_a_formula(tmp_path: Path) -> None:
    dangerous = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "ok"]
    frame = pd.DataFrame({"ot1": pd.Series(dangerous, dtype="str"), "=cmd": [1] * 7})
    path = write_xlsx(frame, tmp_path / "injection.xlsx")
    # A bare carriage return comes back as a line feed when openpyxl writes with the standard library's
    # XML writer, and as itself when lxml is installed (it writes it escaped): either is the same text.
    stored = [text.replace("\r", "\n") for text in dangerous]

    def read_back(value: object) -> object:
        return value.replace("\r", "\n") if isinstance(value, str) else value

    sheet = load_workbook(path).active
    for row, text in enumerate(dangerous, start=2):
        cell = sheet.cell(row=row, column=1)
        assert read_back(cell.value) == stored[row - 2]
        assert cell.data_type == "s"
        assert cell.quotePrefix is (text != "ok")
    assert sheet.cell(row=1, column=2).quotePrefix is True  # header cells too
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml  # no formula element anywhere
    assert [read_back(v) for v in read_xlsx(path).data["ot1"]] == stored  # text read back unchanged


def test_xlsx_reader_types_and_sheet_choice(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "notes"
    first.append(["nothing here"])
    sheet = workbook.create_sheet("data")
    sheet.append(["respondent_id", "ap01", "score", "when", None])
    sheet.append(["007", 3, 1.5, pd.Timestamp("2024-03-01 10:00:00").to_pydatetime(), None])
    sheet.append([8, None, 2, None, None])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    table = read_xlsx(path, sheet="data")
    assert table.names == ("respondent_id", "ap01", "score", "when")
    assert {c.name: c.type for c in table.columns} == {
        "respondent_id": "string",
        "ap01": "integer",
        "score": "number",
        "when": "datetime",
    }
    assert table.data["respondent_id"].tolist() == ["007", "8"]
    assert table.data["ap01"].iloc[0] == 3
    assert pd.isna(table.data["ap01"].iloc[1])
    assert read_xlsx(path, sheet=1).names == table.names
    assert read_xlsx(path).names == ("nothing here",)
    with pytest.raises(DataError, match="no sheet 'missing'"):
        read_xlsx(path, sheet="missing")


def _workbook(path: Path, rows: list[list[object]], *, at: str = "A1") -> Path:
    """A workbook written by openpyxl (which calculates nothing): its formulas have no saved value."""
    from openpyxl import Workbook
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    book = Workbook()
    sheet = book.active
    letter, top = coordinate_from_string(at)
    left = column_index_from_string(letter)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.cell(row=top + r, column=left + c, value=value)
    book.save(path)
    return path


def _rewrite_sheet(path: Path, old: str, new: str) -> None:
    """Replace text in the first sheet's XML (what Excel would have saved)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = members["xl/worksheets/sheet1.xml"].decode()
    assert old in xml
    members["xl/worksheets/sheet1.xml"] = xml.replace(old, new).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_xlsx_formulas_without_a_saved_value_are_refused_not_read_as_blank(tmp_path: Path) -> None:
    """A workbook written by a script and never opened in Excel stores no result for its formulas;
    python-calamine read those cells as blank answers, silently (a review: `=2+1` and `=1/0` became
    two missing answers of a 20-row import). They are refused, naming file, row and column."""
    rows: list[list[object]] = [
        ["respondent_id", "ap1", "ap7"],
        ["r1", 4, 2],
        ["r2", "=2+1", 3],
        ["r3", 1, "=1/0"],
    ]
    path = _workbook(tmp_path / "script.xlsx", rows)
    with pytest.raises(DataError) as refused:
        read_xlsx(path)
    error = refused.value
    assert (error.file, error.row, error.column) == (str(path), 2, "ap1")
    assert "cell B3 holds a formula without a saved value (=2+1)" in error.message
    assert "open the file in Excel and save it, or export it as CSV" in error.message
    assert "1 more cell(s) like it" in error.message
    # The table starting at C3: rows and columns still count from its header.
    moved = _workbook(tmp_path / "moved.xlsx", rows, at="C3")
    with pytest.raises(DataError) as refused:
        read_xlsx(moved)
    assert (refused.value.row, refused.value.column) == (2, "ap1")
    assert "cell D5" in refused.value.message


def test_xlsx_error_cells_are_refused_and_saved_results_read(tmp_path: Path) -> None:
    """An error value (#DIV/0!, #N/A) is no answer either: refused, not blank. A formula Excel saved
    with its result reads as that result, and a formula whose saved result is empty text as blank."""
    path = _workbook(tmp_path / "error.xlsx", [["respondent_id", "ap1"], ["r1", 4], ["r2", "#N/A"]])
    with pytest.raises(DataError) as refused:
        read_xlsx(path)
    assert (refused.value.row, refused.value.column) == (2, "ap1")
    assert "cell B3 holds the error #N/A" in refused.value.message
    saved = _workbook(tmp_path / "saved.xlsx", [["respondent_id", "ap1", "ot1"], ["r1", "=2+1", '=""']])
    _rewrite_sheet(saved, "<f>2+1</f><v />", "<f>2+1</f><v>3</v>")
    _rewrite_sheet(saved, '<c r="C2"><f>""</f><v />', '<c r="C2" t="str"><f>""</f><v></v>')
    table = read_xlsx(saved)
    assert table.data["ap1"].tolist() == [3]
    assert table.data["ot1"].isna().all()


def test_xlsx_calculated_formulas_are_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet whose formulas all hold a saved number is told apart by a byte search alone: the slow
    cell-by-cell parse (17 s for 4 million cells) is not run."""
    from allypath.io import _xlsx_cells

    saved = _workbook(tmp_path / "saved.xlsx", [["respondent_id", "ap1"], ["r1", "=2+1"]])
    _rewrite_sheet(saved, "<f>2+1</f><v />", "<f>2+1</f><v>3</v>")

    def parsed(stream: object, file: str) -> list[tuple[str, str]]:
        raise AssertionError("the sheet was parsed")

    monkeypatch.setattr(_xlsx_cells, "_bad_cells", parsed)
    assert read_xlsx(saved).data["ap1"].tolist() == [3]


def test_xlsx_xml_that_declares_a_document_type_is_refused_unparsed(tmp_path: Path) -> None:
    """The sheet's XML comes from an uploaded file: an entity declaration (a billion laughs, an
    external file) is refused before and by the parser (defusedxml), never expanded."""
    path = _workbook(tmp_path / "entities.xlsx", [["respondent_id", "ap1"], ["r1", "=2+1"]])
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    declaration = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    root = xml.index("<worksheet")  # after the XML declaration, before the root element
    _rewrite_sheet(path, xml[root : root + 10], declaration + xml[root : root + 10])
    with pytest.raises(DataError) as refused:
        read_xlsx(path)
    assert "declares a document type" in refused.value.message
