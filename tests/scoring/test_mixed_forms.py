"""Scoring picks the form per row: a file holding full-form and short-form respondents (a pulse wave
appended to a full one) places each by the form he answered, instead of calling the short-form rows
``insufficient`` because the file also has the full form's columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import allypath
from allypath.scoring import score_arrow

INSTRUMENT = allypath.load_instrument()
SHORT_IDS = {c.id for c in INSTRUMENT.form("short").columns}
ITEM_IDS = {c.id for c in INSTRUMENT.columns}
COMPARED = ["status", "stage", "p_apathy", "p_energised", "index", "between_stages", "person_fit"]


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(full-form rows, the same people's short-form answers, both in one file with every column)."""
    people = allypath.simulate(600, seed=5)
    full = people.iloc[:300].reset_index(drop=True)
    short = people.iloc[300:].reset_index(drop=True)
    short = short[[c for c in short.columns if c not in ITEM_IDS or c in SHORT_IDS]]
    mixed = pd.concat([full, short], ignore_index=True)  # short rows: full-only columns empty
    return full, short, mixed


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    for column in COMPARED:
        left, right = a[column].reset_index(drop=True), b[column].reset_index(drop=True)
        if left.dtype.kind == "f":
            # person_fit sums its moments in float32 (a block's layout moves the last digits)
            tolerance = 1e-5 if column == "person_fit" else 1e-12
            np.testing.assert_allclose(left.to_numpy(), right.to_numpy(), rtol=tolerance, equal_nan=True)
        else:
            assert left.astype("string").fillna("-").tolist() == right.astype("string").fillna("-").tolist()


def test_each_row_is_scored_by_the_form_it_answered(frames) -> None:
    full, short, mixed = frames
    scored = allypath.score(mixed)
    assert scored.attrs["form"] == "mixed"
    assert scored["form"].tolist() == ["full"] * len(full) + ["short"] * len(short)
    _same(scored.iloc[: len(full)], allypath.score(full))
    alone = allypath.score(short)
    assert alone.attrs["form"] == "short"
    _same(scored.iloc[len(full) :], alone)
    # The short-form rows are placed as often as when scored alone, not set aside as too thin.
    assert (scored.iloc[len(full) :]["status"] == "scored").mean() > 0.9


def test_forcing_the_full_form_still_calls_short_rows_too_thin(frames) -> None:
    """The old behaviour, on request: the test above must be able to fail."""
    _, short, mixed = frames
    forced = allypath.score(mixed, form="full")
    thin = forced.iloc[-len(short) :]
    assert (thin["status"] == "insufficient").all()
    assert thin["reason"].str.contains("items answered").all()
    assert forced["form"].eq("full").all() and forced.attrs["form"] == "full"


def test_a_short_row_gets_no_score_for_what_the_short_form_does_not_ask(frames) -> None:
    _, short, mixed = frames
    scored = allypath.score(mixed).iloc[-len(short) :]
    contexts = [c for c in scored.columns if c.startswith("context_") and c.endswith("_stage")]
    assert contexts and scored[contexts].isna().all().all()
    asked = {c.id for c in INSTRUMENT.form("short").constructs}
    unasked = [c for c in scored.columns if c.startswith("score_ctx_")]
    assert unasked and not any(c.removeprefix("score_") in asked for c in unasked)
    assert scored[unasked].isna().all().all()


def test_a_full_form_file_has_a_form_column_saying_full(frames) -> None:
    full, _, _ = frames
    scored = allypath.score(full)
    assert scored.attrs["form"] == "full" and scored["form"].eq("full").all()


def test_arrow_and_pandas_agree_on_a_mixed_file(frames) -> None:
    _, _, mixed = frames
    table = score_arrow(pa.Table.from_pandas(mixed, preserve_index=False))
    assert table.schema.metadata[b"allypath.form"] == b"mixed"
    pandas = allypath.score(mixed)
    assert table.column("form").to_pylist() == pandas["form"].astype(str).tolist()
    np.testing.assert_allclose(
        table.column("index").to_numpy(zero_copy_only=False), pandas["index"].to_numpy(), equal_nan=True
    )


def test_a_short_row_with_a_bad_cell_names_it(frames) -> None:
    _, _, mixed = frames
    bad = mixed.copy()
    row = len(bad) - 1
    bad.loc[row, "ap1"] = 9
    marked = allypath.score(bad, on_error="mark")
    assert marked.loc[row, "status"] == "insufficient" and "ap1" in marked.loc[row, "reason"]
    with pytest.raises(allypath.DataError, match="ap1"):
        allypath.score(bad)


def test_duckdb_batches_score_a_mixed_file_as_the_in_memory_path(frames, tmp_path) -> None:
    """Batches of 200 rows: some all full, one all short, one both; the same cells as in memory."""
    from allypath.engines import BatchScorer, plain_frame, score_parquet_duckdb

    _, _, mixed = frames
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    mixed.to_parquet(source, index=False)
    assert score_parquet_duckdb(source, out, BatchScorer(), batch_rows=250) == len(mixed)
    batched = pd.read_parquet(out)
    memory = plain_frame(allypath.score(mixed)).reset_index(drop=True)
    assert batched["form"].astype(str).tolist() == memory["form"].astype(str).tolist()
    _same(batched, memory)
