"""Issue 19, point 2: the DuckDB report counts scored batches as they come (engines.tally.CellTally)
instead of writing them to a file and reading it back. The tables must be the ones the file path and
the in-memory path give, cell for cell, on data with missing answers, bad rows and both forms, and
whichever way the tally numbers its cells."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import allypath
from allypath.engines import BatchScorer, score_parquet_duckdb
from allypath.engines import tally as tally_module
from allypath.engines.aggregate import (
    CellTally,
    _finest_sql,
    aggregate_duckdb,
    aggregate_table,
    aggregate_unscored_duckdb,
    tally_table,
)
from allypath.engines.duckdb_engine import report_columns, tally_parquet_duckdb
from allypath.errors import DataError
from allypath.privacy import PrivacyPolicy, default_breakdowns, solve_release
from allypath.reports.board import table_csv

INSTRUMENT = allypath.load_instrument()
ITEM_IDS = {c.id for c in INSTRUMENT.columns}
SHORT_IDS = {c.id for c in INSTRUMENT.form("short").columns}
DECLARED = default_breakdowns(["level", "region"], ["unit"])
NEEDED = sorted({c for b in DECLARED for c in b.columns})
POLICY = PrivacyPolicy(k=5, k_text=10)


@pytest.fixture(scope="module")
def messy() -> pd.DataFrame:
    """900 people: 600 full-form rows then 300 short-form rows, 12% of answers blank, 20 rows almost
    empty, three bad cells (marked insufficient), a few units and a level left empty."""
    frame = allypath.simulate(900, seed=23)
    rng = np.random.default_rng(23)
    items = [c for c in frame.columns if c in ITEM_IDS and c.startswith(("ap", "am", "rr", "em"))]
    for column in [c for c in frame.columns if c in ITEM_IDS and frame[c].dtype.kind in "iuf"]:
        frame[column] = frame[column].astype("Float64")
    for column in items:
        frame.loc[rng.random(len(frame)) < 0.12, column] = pd.NA
    frame.loc[rng.choice(len(frame), 20, replace=False), items[3:]] = pd.NA
    full_only = [c for c in frame.columns if c in ITEM_IDS and c not in SHORT_IDS]
    frame.loc[600:, full_only] = pd.NA
    frame.loc[[40, 41, 42], items[0]] = [12, 2.5, 0]
    frame["unit"] = pd.array(rng.choice(["u1", "u2", "u3", "u4", "u5", "u6"], len(frame)), dtype="string")
    frame.loc[rng.choice(len(frame), 25, replace=False), "level"] = None
    return frame


@pytest.fixture(scope="module")
def source(messy: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tally")
    messy.iloc[:500].to_parquet(folder / "part-1.parquet", index=False)
    messy.iloc[500:].to_parquet(folder / "part-2.parquet", index=False)
    return folder


@pytest.fixture(scope="module")
def through_a_file(source: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The path before: the report's columns scored into a file, then DuckDB's two scans of it."""
    out = tmp_path_factory.mktemp("scored") / "scored.parquet"
    score_parquet_duckdb(
        source, out, BatchScorer(on_error="mark"), batch_rows=128, keep=report_columns(NEEDED)
    )
    return table_csv(aggregate_duckdb(out, "unit", POLICY, breakdowns=DECLARED, hierarchy=["unit"]))


def test_counting_while_scoring_gives_the_table_of_scoring_into_a_file(
    source: Path, through_a_file: str
) -> None:
    tally = tally_parquet_duckdb(source, BatchScorer(on_error="mark"), NEEDED, batch_rows=128)
    assert tally.rows == 900
    counted = table_csv(tally_table(tally, "unit", POLICY, breakdowns=DECLARED, hierarchy=["unit"]))
    assert counted == through_a_file
    whole = aggregate_unscored_duckdb(source, "unit", POLICY, breakdowns=DECLARED, hierarchy=["unit"])
    assert table_csv(whole) == through_a_file
    shown = whole[(whole["unit"] != "overall") & (whole["suppressed"] == "")]
    assert len(shown) >= 3 and shown["share_apathy"].notna().all() and shown["fear"].notna().any()


def test_counting_while_scoring_gives_the_in_memory_table(source: Path, messy: pd.DataFrame) -> None:
    scored = allypath.score(messy, on_error="mark")
    assert scored.attrs["form"] == "mixed" and (scored["status"] == "insufficient").sum() >= 3
    release = solve_release(scored, DECLARED, POLICY, wave_column=None, hierarchy=["unit"])
    memory = table_csv(aggregate_table(scored, "unit", release=release))
    for by in ("unit", ["unit", "level"], "region"):
        counted = aggregate_unscored_duckdb(source, by, POLICY, breakdowns=DECLARED, hierarchy=["unit"])
        if by == "unit":
            assert table_csv(counted) == memory
        else:
            release = solve_release(scored, DECLARED, POLICY, wave_column=None, hierarchy=["unit"])
            assert table_csv(counted) == table_csv(aggregate_table(scored, by, release=release))


@pytest.mark.parametrize("numbering", ["dense", "sorted", "dictionary"])
def test_the_tally_finds_the_same_cells_whichever_way_it_numbers_them(
    numbering: str, source: Path, through_a_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if numbering != "dense":  # every batch's combinations numbered by a sort, not counted densely
        monkeypatch.setattr(tally_module, "_DENSE_CELLS", 0)
        monkeypatch.setattr(tally_module, "_DENSE_PER_ROW", 0)
    if numbering == "dictionary":  # codes that no longer pack into one number
        monkeypatch.setattr(tally_module, "_PACK_BITS", 2)
    tally = tally_parquet_duckdb(source, BatchScorer(on_error="mark"), NEEDED, batch_rows=64)
    assert (tally._index is not None) == (numbering == "dictionary")
    table = tally_table(tally, "unit", POLICY, breakdowns=DECLARED, hierarchy=["unit"])
    assert table_csv(table) == through_a_file


def test_commenters_and_empty_keys_are_counted_as_duckdb_counts_them(tmp_path: Path) -> None:
    """Blank comments are no comment, an empty key is a cell of its own (the total keeps it)."""
    rows = 400
    rng = np.random.default_rng(5)
    comments = np.array(["", "  ", "ok", None, "\tfine "], dtype=object)
    table = pa.table(
        {
            "team": pa.array(rng.choice(np.array(["a", "b", None], dtype=object), rows), pa.string()),
            "site": pa.array(rng.integers(0, 3, rows)),
            "status": pa.array(rng.choice(["scored", "scored", "insufficient"], rows)).dictionary_encode(),
            "stage": pa.array(rng.integers(1, 5, rows), pa.int8()),
            "p_apathy": pa.array(rng.random(rows)),
            "score_barrier_fear": pa.array(
                np.where(rng.random(rows) < 0.3, np.nan, rng.random(rows) * 5), from_pandas=True
            ),
            "ot1": pa.array(rng.choice(comments, rows), pa.string()),
            "ot2": pa.array(rng.choice(comments, rows), pa.large_string()),
        }
    )
    tally = CellTally(["site", "team"])
    for start in range(0, rows, 97):
        tally.add(table.slice(start, 97))
    pq.write_table(table, tmp_path / "t.parquet")
    with duckdb.connect() as con:
        relation = con.read_parquet(str(tmp_path / "t.parquet"))
        query = relation.query("scored", _finest_sql(["site", "team"], set(table.column_names)))
        assert query is not None
        expected = query.df()
    key = ["site", "team"]
    ours = tally.finest(key).sort_values(key, na_position="first").reset_index(drop=True)
    expected = expected.sort_values(key, na_position="first").reset_index(drop=True)
    assert ours["team"].isna().sum() == 3 and ours["commenters"].sum() > 0
    for column in ["n", "stage_1", "stage_2", "stage_3", "stage_4", "commenters"]:
        assert ours[column].tolist() == expected[column].astype(int).tolist(), column
    assert ours["site"].tolist() == expected["site"].tolist()
    assert [t if isinstance(t, str) else None for t in ours["team"]] == [
        t if isinstance(t, str) else None for t in expected["team"]
    ]
    figures = tally.figures(["team"]).set_index("grouping_id")
    placed = table.filter(pa.compute.equal(table.column("status").cast(pa.string()), "scored")).to_pandas()
    total = figures.loc[1].to_dict()
    assert int(total["n"]) == len(placed)
    assert total["fear"] == pytest.approx(placed["score_barrier_fear"].mean(), rel=1e-12)
    assert int(total["answered_fear"]) == int(placed["score_barrier_fear"].notna().sum())
    assert total["expected_apathy"] == pytest.approx(placed["p_apathy"].mean(), rel=1e-12)


def test_a_missing_column_and_a_bad_cell_are_named_as_before(source: Path) -> None:
    with pytest.raises(DataError) as missing:
        aggregate_unscored_duckdb(source, "division", POLICY)
    assert missing.value.column == "division"
    with pytest.raises(DataError) as bad:
        tally_parquet_duckdb(source, BatchScorer(on_error="raise"), NEEDED, batch_rows=16)
    assert bad.value.row == 41 and bad.value.column is not None


def test_a_scorer_keeping_some_columns_gives_those_columns_of_the_whole_output(messy: pd.DataFrame) -> None:
    table = pa.Table.from_pandas(messy, preserve_index=False)
    keep = [*NEEDED, "status", "stage", "p_", "score_barrier_fear", "reason", "form"]
    whole, narrow = BatchScorer(on_error="mark"), BatchScorer(on_error="mark")
    expected = whole.score(table)
    got = narrow.score(table, keep)
    names = [n for n in expected.column_names if n in keep or n.startswith("p_")]
    assert got.column_names == names and "index" not in names
    assert got.equals(expected.select(names), check_metadata=True)
    placed = expected.column("status").cast(pa.string()).to_pylist().count("scored")
    assert narrow.placed == whole.placed == placed > 0
    assert narrow.rows_done == whole.rows_done == len(messy)


@pytest.fixture(scope="module")
def mixed_files(messy: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same rows in three files that differ: a column missing from one, an item stored as whole
    numbers in one and as floats in the others, the level as a category in one."""
    folder = tmp_path_factory.mktemp("mixed")
    item = next(c for c in messy.columns if c in ITEM_IDS and c.startswith("ap"))
    first = messy.iloc[:300].copy()
    first[item] = first[item].astype("Int64")
    second = messy.iloc[300:650].drop(columns=["region"])
    third = messy.iloc[650:].copy()
    third["level"] = third["level"].astype("category")
    for name, part in (("a", first), ("b", second), ("c", third)):
        part.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def test_pyarrow_and_duckdb_decoding_count_the_same(mixed_files: Path) -> None:
    tallies = {
        decoder: tally_parquet_duckdb(mixed_files, BatchScorer(on_error="mark"), NEEDED, decoder=decoder)
        for decoder in ("arrow", "duckdb")
    }
    assert tallies["arrow"].rows == tallies["duckdb"].rows == 900
    key = ["level", "region", "unit"]
    finest = {
        d: t.finest(NEEDED).sort_values(key, na_position="first").reset_index(drop=True)
        for d, t in tallies.items()
    }
    assert finest["arrow"]["region"].isna().any()  # the file without regions
    pd.testing.assert_frame_equal(finest["arrow"], finest["duckdb"])
    tables = [
        table_csv(tally_table(t, "unit", POLICY, breakdowns=DECLARED, hierarchy=["unit"]))
        for t in tallies.values()
    ]
    assert tables[0] == tables[1]


def test_a_folder_partitioned_by_key_counts_as_duckdb_reads_it(messy: pd.DataFrame, tmp_path: Path) -> None:
    """Key folders (``org=acme/``) are left to DuckDB's decoding, which alone knows their keys."""
    for org, part in messy.groupby("org"):
        folder = tmp_path / f"org={org}"
        folder.mkdir()
        part.to_parquet(folder / "data.parquet", index=False)
    tallies = [
        tally_parquet_duckdb(tmp_path, BatchScorer(on_error="mark"), NEEDED, decoder=decoder)
        for decoder in ("arrow", "duckdb")
    ]
    assert tallies[0].rows == tallies[1].rows == len(messy)
    assert set(tallies[0].finest(NEEDED)["unit"]) == set(messy["unit"])
    assert table_csv(tally_table(tallies[0], "unit", POLICY, breakdowns=DECLARED)) == table_csv(
        tally_table(tallies[1], "unit", POLICY, breakdowns=DECLARED)
    )


def test_allypath_score_writes_the_same_file_whichever_decodes(mixed_files: Path, tmp_path: Path) -> None:
    """``allypath score --engine duckdb`` decodes with pyarrow (faster); its file must be the one
    DuckDB's own decoding gives: schema (DuckDB's unified types, plain text as DuckDB types it),
    values and row order, over files that differ in columns and types."""
    written = {}
    for decoder in ("arrow", "duckdb"):
        out = tmp_path / f"{decoder}.parquet"
        rows = score_parquet_duckdb(mixed_files, out, BatchScorer(on_error="mark"), decoder=decoder)
        assert rows == 900
        written[decoder] = pq.read_table(out)
    assert written["arrow"].schema.equals(written["duckdb"].schema)
    assert written["arrow"].equals(written["duckdb"])
    assert written["arrow"].column("status").cast(pa.string()).to_pylist().count("insufficient") >= 3


def test_a_bad_cell_is_named_at_the_same_row_whichever_decodes(mixed_files: Path, tmp_path: Path) -> None:
    errors = []
    for decoder in ("arrow", "duckdb"):
        with pytest.raises(DataError) as caught:
            score_parquet_duckdb(mixed_files, tmp_path / f"{decoder}.parquet", BatchScorer(), decoder=decoder)
        assert not (tmp_path / f"{decoder}.parquet").exists()  # nothing half-written
        errors.append((caught.value.row, caught.value.column))
    assert errors[0] == errors[1]
    assert errors[0][0] == 41  # the first bad cell, frame index 40: data row 41 (rows are 1-based)


def test_a_bad_cell_in_a_later_file_of_a_folder_is_named_by_that_file_and_its_own_row(
    messy: pd.DataFrame, tmp_path: Path
) -> None:
    """A review: 'file d, row 204' for row 54 of d/b.parquet. Rows are counted within each file."""
    folder = tmp_path / "d"
    folder.mkdir()
    good = messy.drop(index=[40, 41, 42]).reset_index(drop=True)  # the messy frame's bad cells out
    item = next(c for c in good.columns if c in ITEM_IDS and c.startswith("ap"))
    good.iloc[:150].to_parquet(folder / "a.parquet", index=False)
    second = good.iloc[150:400].reset_index(drop=True)
    second[item] = second[item].astype(object)
    second.loc[53, item] = 9
    second.to_parquet(folder / "b.parquet", index=False)
    with pytest.raises(DataError) as caught:
        score_parquet_duckdb(folder, tmp_path / "o.parquet", BatchScorer(source=str(folder)), batch_rows=64)
    assert (caught.value.file, caught.value.row, caught.value.column) == (str(folder / "b.parquet"), 54, item)


@pytest.mark.parametrize("command", ["score", "tally"])
def test_a_bad_cell_in_a_folder_partitioned_by_key_is_named_by_its_file_and_own_row(
    messy: pd.DataFrame, tmp_path: Path, command: str
) -> None:
    """DuckDB decodes key folders (``org=b/``) and its batches run across files: an error named the
    folder and a row counted across every file, which no one can find."""
    folder = tmp_path / "d"
    good = messy.drop(index=[40, 41, 42]).reset_index(drop=True).drop(columns=["org"])
    item = next(c for c in good.columns if c in ITEM_IDS and c.startswith("ap"))
    (folder / "org=a").mkdir(parents=True)
    (folder / "org=b").mkdir()
    good.iloc[:150].to_parquet(folder / "org=a" / "x.parquet", index=False)
    second = good.iloc[150:400].reset_index(drop=True)
    second[item] = second[item].astype(object)
    second.loc[53, item] = 9
    second.to_parquet(folder / "org=b" / "x.parquet", index=False)
    scorer = BatchScorer(source=str(folder))

    def job() -> object:
        if command == "score":
            return score_parquet_duckdb(folder, tmp_path / "o.parquet", scorer, batch_rows=1000)
        return tally_parquet_duckdb(folder, scorer, ["org", "unit"], batch_rows=1000)

    with pytest.raises(DataError) as caught:
        job()
    assert (caught.value.file, caught.value.row, caught.value.column) == (
        str(folder / "org=b" / "x.parquet"),
        54,
        item,
    )


def test_a_folder_partitioned_by_key_scores_every_row_once_in_order(
    messy: pd.DataFrame, tmp_path: Path
) -> None:
    """Cutting DuckDB's batches at file ends loses, repeats or reorders no row."""
    folder = tmp_path / "d"
    frame = messy.drop(columns=["org"]).assign(respondent_id=[f"r{i}" for i in range(len(messy))])
    for key, (start, stop) in {"a": (0, 70), "b": (70, 71), "c": (71, len(frame))}.items():
        (folder / f"org={key}").mkdir(parents=True)
        frame.iloc[start:stop].to_parquet(folder / f"org={key}" / "x.parquet", index=False)
    out = tmp_path / "o.parquet"
    rows = score_parquet_duckdb(folder, out, BatchScorer(on_error="mark"), batch_rows=64)
    assert rows == len(frame)
    assert pq.read_table(out, columns=["respondent_id"]).column(0).to_pylist() == list(frame["respondent_id"])
