"""A respondent_id on two rows is refused by the DuckDB and Spark engines as by the in-memory path:
the same message naming the file and both rows, and nothing written. Counted twice, three men would
pass a gate of five."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app
from allypath.cli._common import EXIT_ERROR
from allypath.engines import refuse_duplicate_ids_parquet
from allypath.errors import DataError
from allypath.io.ids import refuse_duplicate_ids

runner = CliRunner()


def _message(check: object) -> str | None:
    try:
        check()  # type: ignore[operator]
    except DataError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize(
    "ids",
    [
        ["a", "b", " c", "d", "c", "a", "", None, "", "b"],  # padded, blank and missing ids
        ["a", "b", " c", "d", "c", "a", "b"],
        ["x", "y", "z", "y"],
        [10, 20, 30, 20, 10],  # whole numbers
        [10, 20, None, 20, 10],  # a missing whole number
        [1.5, float("nan"), 2.5],  # NaN: blank
        ["p\t", "q", "p", "r"],  # a tab
        ["a", "", "", None, None, "b"],  # blank ids
        ["a", " \t ", "b"],  # only spaces: blank
        ["a", "b", "c"],
    ],
)
def test_same_verdict_and_message_as_the_in_memory_path(tmp_path: Path, ids: list[object]) -> None:
    table = pa.table({"respondent_id": ids, "x": list(range(len(ids)))})
    path = tmp_path / "one.parquet"
    pq.write_table(table, path)
    expected = _message(lambda: refuse_duplicate_ids(table.column("respondent_id"), file=str(path)))
    assert _message(lambda: refuse_duplicate_ids_parquet(path)) == expected


def test_a_repeat_across_files_names_each_file_and_row(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    lake.mkdir()
    pq.write_table(pa.table({"respondent_id": ["r1", "r2", "r3"]}), lake / "a.parquet")
    pq.write_table(pa.table({"respondent_id": ["r4", "r5", "r2"]}), lake / "b.parquet")
    message = _message(lambda: refuse_duplicate_ids_parquet(lake))
    assert message is not None
    assert f"'r2' is on row 2 of {lake / 'a.parquet'} and row 3 of {lake / 'b.parquet'}" in message


def test_no_id_column_and_distinct_ids_pass(tmp_path: Path) -> None:
    pq.write_table(pa.table({"x": [1, 1, 2]}), tmp_path / "no_ids.parquet")
    refuse_duplicate_ids_parquet(tmp_path / "no_ids.parquet")
    pq.write_table(pa.table({"respondent_id": [f"r{i}" for i in range(5000)]}), tmp_path / "ids.parquet")
    refuse_duplicate_ids_parquet(tmp_path / "ids.parquet")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two files of simulated responses, the second repeating an id of the first."""
    folder = tmp_path_factory.mktemp("dup") / "lake"
    folder.mkdir()
    table = pa.Table.from_pandas(allypath.simulate(120, seed=3), preserve_index=False)
    pq.write_table(table.slice(0, 60), folder / "a.parquet")
    second = table.slice(60, 60)
    ids = second.column("respondent_id").to_pylist()
    ids[10] = table.column("respondent_id")[5].as_py()
    index = second.schema.get_field_index("respondent_id")
    pq.write_table(second.set_column(index, "respondent_id", pa.array(ids)), folder / "b.parquet")
    return folder


@pytest.mark.parametrize(
    "command",
    [
        ["score", "{lake}", "--out", "{out}", "--engine", "duckdb"],
        ["score", "{lake}", "--out", "{out}", "--engine", "spark"],
        ["report", "{lake}", "--by", "unit", "--out", "{out}", "--engine", "duckdb"],
        ["report", "{lake}", "--by", "unit", "--out", "{out}", "--engine", "spark"],
    ],
)
def test_the_commands_refuse_it_and_write_nothing(lake: Path, tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / ("scored.parquet" if command[0] == "score" else "report.csv")
    args = [part.format(lake=lake, out=out) for part in command]
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_ERROR, result.output
    text = " ".join(result.output.split())
    assert "is on row 6 of" in text and "and row 11 of" in text and "each respondent must appear once" in text
    assert not out.exists()


def test_ids_beyond_the_memory_limit_spill_to_disk_rather_than_fail(tmp_path: Path) -> None:
    """The check's memory is bounded (with no limit, 100 million ids took 6 GB): half a million ids
    under a 64 MB limit are still counted, and a repeat among them still found."""
    ids = pa.array([f"respondent-{i:09d}" for i in range(500_000)])
    pq.write_table(pa.table({"respondent_id": ids}), tmp_path / "many.parquet")
    refuse_duplicate_ids_parquet(tmp_path / "many.parquet", memory_limit="64MB")
    repeated = ids.to_pylist()
    repeated[-1] = repeated[7]
    pq.write_table(pa.table({"respondent_id": repeated}), tmp_path / "repeat.parquet")
    with pytest.raises(DataError, match="rows 8 and 500000"):
        refuse_duplicate_ids_parquet(tmp_path / "repeat.parquet", memory_limit="64MB")


def test_a_blank_id_is_refused_naming_the_row_on_every_engine(tmp_path: Path) -> None:
    """A blank respondent_id cannot be compared, so two blank rows may be one man counted twice: like a
    repeated id it is refused (a review: `allypath score` scored 30 of 30 rows with two blank ids),
    naming the file and the first blank row, in memory, with DuckDB, and with the Spark engine on one
    machine (which uses DuckDB's check). A file without the column stays allowed."""
    frame = allypath.simulate(30, seed=4)
    ids = frame["respondent_id"].astype("string").tolist()
    ids[3], ids[4] = None, "  "
    frame = frame.assign(respondent_id=ids)
    parquet, csv = tmp_path / "blank.parquet", tmp_path / "blank.csv"
    frame.to_parquet(parquet, index=False)
    frame.to_csv(csv, index=False)
    expected = f"file {parquet}, row 4, column 'respondent_id': the respondent_id is blank"
    assert (_message(lambda: refuse_duplicate_ids_parquet(parquet)) or "").startswith(expected)
    for engine in ("memory", "duckdb", "spark"):
        out = tmp_path / f"scored-{engine}.parquet"
        more = [] if engine == "memory" else ["--engine", engine]
        result = runner.invoke(app, ["score", str(parquet), "--out", str(out), *more])
        assert result.exit_code == EXIT_ERROR, result.output
        text = " ".join(result.output.split())
        assert expected in text and "1 more row(s) have a blank id" in text, (engine, text)
        assert not out.exists()
    result = runner.invoke(app, ["score", str(csv), "--out", str(tmp_path / "scored.csv")])
    assert result.exit_code == EXIT_ERROR
    assert f"file {csv}, row 4, column 'respondent_id': the respondent_id is blank" in " ".join(
        result.output.split()
    )
    without = tmp_path / "no_ids.csv"
    frame.drop(columns="respondent_id").to_csv(without, index=False)
    result = runner.invoke(app, ["score", str(without), "--out", str(tmp_path / "s2.csv")])
    assert result.exit_code == 0, result.output


def test_an_id_column_with_no_id_at_all_is_a_file_without_ids_on_every_engine(tmp_path: Path) -> None:
    """An anonymous export that keeps the respondent_id header but fills no cell has no id to compare:
    taken as a file without the column, not refused row by row."""
    frame = allypath.simulate(30, seed=4).assign(respondent_id=pd.Series([None] * 30, dtype="string"))
    parquet = tmp_path / "anonymous.parquet"
    frame.to_parquet(parquet, index=False)
    refuse_duplicate_ids_parquet(parquet)
    for engine in ("memory", "duckdb"):
        out = tmp_path / f"scored-{engine}.parquet"
        more = [] if engine == "memory" else ["--engine", engine]
        result = runner.invoke(app, ["score", str(parquet), "--out", str(out), *more, "--on-error", "mark"])
        assert result.exit_code == 0, (engine, result.output)


def test_a_blank_id_in_a_second_file_names_that_file_and_row(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    lake.mkdir()
    pq.write_table(pa.table({"respondent_id": ["r1", "r2", "r3"]}), lake / "a.parquet")
    pq.write_table(pa.table({"respondent_id": ["r4", "", None]}), lake / "b.parquet")
    message = _message(lambda: refuse_duplicate_ids_parquet(lake))
    assert message is not None
    assert message.startswith(f"file {lake / 'b.parquet'}, row 2, column 'respondent_id'")


@pytest.mark.parametrize(
    ("ids", "waves"),
    [
        (["a", "b", "a", "b"], ["Q1", "Q1", "Q2", "Q2"]),  # a panel: each man once in each wave
        (["a", "b", "a", "a"], ["Q1", "Q1", "Q2", "Q2"]),  # twice within the second wave
        (["a", "a", "b", "b", "c", "c"], ["Q1", "Q2", "Q1", "Q1", "Q3", "Q3"]),  # two more repeats
        (["a", "a", "b"], ["Q1", " Q1", "Q2"]),  # one wave written with a space
        (["a", "a"], ["Q1", None]),  # one wave and a blank one: ids across the whole data
        (["a", "b", "a"], ["Q1", "Q2", None]),  # a blank wave is a wave of its own
        ([" a", "a ", "b"], ["Q1", "Q2", "Q1"]),  # padded ids, each in its wave
        ([" a", "a ", "b"], ["Q1", "Q1", "Q2"]),  # padded ids in one wave
        ([1, 2, 1, 2], [1, 1, 2, 2]),  # waves as numbers
        (["a", "", "a"], ["Q1", "Q1", "Q2"]),  # a blank id is refused whatever the waves
    ],
)
def test_ids_once_per_wave_as_the_in_memory_path(
    tmp_path: Path, ids: list[object], waves: list[object]
) -> None:
    """Data of several waves may hold the same man in each (a panel): refused only twice within one
    wave, with the in-memory path's verdict and message (score --engine duckdb refused every panel)."""
    table = pa.table({"respondent_id": ids, "wave": waves})
    path = tmp_path / "waves.parquet"
    pq.write_table(table, path)
    expected = _message(
        lambda: refuse_duplicate_ids(
            table.column("respondent_id"), file=str(path), waves=table["wave"].to_pandas()
        )
    )
    assert _message(lambda: refuse_duplicate_ids_parquet(path, waves="wave")) == expected


def test_a_panel_in_a_folder_of_waves_is_scored_by_every_engine(tmp_path: Path) -> None:
    """The same 40 men in two waves' files (a folder partitioned by wave, as a lake keeps them) are
    scored by DuckDB and Spark as in memory; a man twice in one wave is still refused, naming both
    files' rows."""
    frame = allypath.simulate(40, seed=6).drop(columns="wave")
    lake = tmp_path / "lake"
    for wave in ("2026-Q1", "2026-Q3"):
        (lake / f"wave={wave}").mkdir(parents=True)
        frame.to_parquet(lake / f"wave={wave}" / "part.parquet", index=False)
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"scored-{engine}.parquet"
        result = runner.invoke(app, ["score", str(lake), "--out", str(out), "--engine", engine])
        assert result.exit_code == 0, (engine, result.output)
        assert pq.read_table(out).num_rows == 80  # Spark writes a folder of parts
    frame.iloc[:3].to_parquet(lake / "wave=2026-Q3" / "again.parquet", index=False)
    result = runner.invoke(
        app, ["score", str(lake), "--out", str(tmp_path / "x.parquet"), "--engine", "duckdb"]
    )
    assert result.exit_code == EXIT_ERROR
    text = " ".join(result.output.split())
    assert "both of wave 2026-Q3: each respondent must appear once in a wave; 2 more row(s)" in text, text
    assert not (tmp_path / "x.parquet").exists()
