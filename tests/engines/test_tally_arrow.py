"""A CellTally crosses processes as one Arrow record batch (issue 19, point 3: Spark's workers count,
the driver adds up): the round trip keeps every count and sum, tallies of parts add up to the tally
of the whole, and a part that placed nobody (or saw no row) still sends its rows counted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import allypath
from allypath.engines import BatchScorer
from allypath.engines.aggregate import TALLY_SUMS, CellTally, tally_schema, tally_table
from allypath.privacy import PrivacyPolicy, default_breakdowns
from allypath.reports.board import table_csv

COLUMNS = ["level", "region", "unit"]
DECLARED = default_breakdowns(["level", "region"], ["unit"])
POLICY = PrivacyPolicy(k=5, k_text=10)


@pytest.fixture(scope="module")
def batches() -> list[pa.Table]:
    """600 people scored in batches of 100, some levels empty, 15 rows with too few answers."""
    frame = allypath.simulate(600, seed=31)
    rng = np.random.default_rng(31)
    frame.loc[rng.choice(len(frame), 30, replace=False), "level"] = None
    items = [c for c in frame.columns if c.startswith(("ap", "am"))]
    frame[items] = frame[items].astype("Float64")
    frame.loc[rng.choice(len(frame), 15, replace=False), items] = pd.NA
    table = pa.Table.from_pandas(frame, preserve_index=False)
    scorer = BatchScorer(on_error="mark")
    keep = CellTally(COLUMNS).keep()
    return [scorer.score(table.slice(start, 100), keep) for start in range(0, len(frame), 100)]


def counted(tables: list[pa.Table]) -> CellTally:
    tally = CellTally(COLUMNS)
    for table in tables:
        tally.add(table)
    return tally


def cells(tally: CellTally) -> pd.DataFrame:
    return tally.finest(COLUMNS).sort_values(COLUMNS, na_position="first").reset_index(drop=True)


def figures(tally: CellTally) -> pd.DataFrame:
    """The unit figures in the order of the units (a tally numbers values as it meets them)."""
    frame = tally.figures(["unit"])
    return frame.sort_values(["grouping_id", "by_unit"]).reset_index(drop=True)


def test_the_round_trip_keeps_every_count_and_sum(batches: list[pa.Table]) -> None:
    tally = counted(batches)
    batch = tally.to_arrow({c: pa.string() for c in COLUMNS})
    assert batch.schema == tally_schema(COLUMNS, {c: pa.string() for c in COLUMNS})
    assert batch.num_rows == len(tally.finest(COLUMNS)) and batch.column("rows").to_pylist()[0] == 600
    back = CellTally.from_arrow(batch, COLUMNS)
    assert back.rows == tally.rows == 600
    pd.testing.assert_frame_equal(cells(back), cells(tally))
    pd.testing.assert_frame_equal(figures(back), figures(tally))  # bit for bit
    assert figures(tally)["fear"].notna().all()


def test_tallies_of_parts_add_up_to_the_tally_of_the_whole(batches: list[pa.Table]) -> None:
    whole = counted(batches)
    empty = batches[0].slice(0, 0)
    unplaced = batches[1].filter(
        pa.compute.not_equal(batches[1].column("status").cast(pa.string()), "scored")
    )
    assert unplaced.num_rows > 0
    parts = [
        counted(batches[:2]),
        counted([empty]),
        CellTally(COLUMNS),
        counted([unplaced]),
        counted(batches[2:]),
    ]
    sent = [part.to_arrow({c: pa.string() for c in COLUMNS}) for part in parts]
    assert [b.num_rows for b in sent[1:4]] == [1, 1, 1]  # nobody placed: one row of zero counts
    assert sent[3].column("rows").to_pylist() == [unplaced.num_rows]
    collected = CellTally.from_arrow(pa.Table.from_batches(sent), COLUMNS)
    merged = CellTally(COLUMNS)
    for part in parts:
        merged.merge(part)
    for tally in (collected, merged):
        assert tally.rows == whole.rows + unplaced.num_rows
        pd.testing.assert_frame_equal(cells(tally), cells(whole))
        mine, theirs = figures(tally), figures(whole)
        pd.testing.assert_frame_equal(mine, theirs, check_exact=False, rtol=1e-12)  # sums in another order
        table = tally_table(tally, "unit", POLICY, breakdowns=DECLARED, hierarchy=["unit"])
        assert table_csv(table) == table_csv(
            tally_table(whole, "unit", POLICY, breakdowns=DECLARED, hierarchy=["unit"])
        )


def test_an_empty_tally_sends_its_rows_and_no_cell() -> None:
    tally = CellTally(COLUMNS)
    tally.rows = 7
    batch = tally.to_arrow()
    assert batch.num_rows == 1 and batch.column("n").to_pylist() == [0.0]
    assert batch.schema.names == tally_schema(COLUMNS, {}).names and len(TALLY_SUMS) == batch.num_columns - 4
    back = CellTally.from_arrow(batch, COLUMNS)
    assert back.rows == 7 and back.finest(COLUMNS).empty


def test_tallies_of_other_columns_are_not_merged(batches: list[pa.Table]) -> None:
    with pytest.raises(ValueError, match="cannot merge"):
        CellTally(["unit"]).merge(counted(batches[:1]))
