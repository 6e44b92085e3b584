"""``allypath score FILE.parquet`` streams by batches: the same cells, errors and labels as scoring the
whole file at once, and nothing half-written when it fails."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app
from allypath.errors import DataError
from allypath.instrument import NOT_APPLICABLE
from allypath.io.wide import iter_wide_parquet
from allypath.scoring import CarelessRules, load_stage_model, score_arrow
from allypath.scoring.stream import score_parquet
from allypath.tables import read_arrow, write_arrow

INSTRUMENT = allypath.load_instrument()
ITEM_IDS = {c.id for c in INSTRUMENT.columns}
SHORT_IDS = {c.id for c in INSTRUMENT.form("short").columns}
LIKERT = [i.id for i in INSTRUMENT.items if i.type == "likert"]
WITH_NOT_APPLICABLE = [c.id for c in INSTRUMENT.columns if c.item.not_applicable is not None]
CHECKED = dataclasses.replace(load_stage_model(), careless=CarelessRules())


@pytest.fixture(scope="module")
def messy() -> pd.DataFrame:
    """900 respondents: full-form rows, then short-form rows (full-only columns empty), with a few
    short rows among the full ones; missing answers, "does not apply to me", straight-liners,
    random answerers, and bad cells (out of the scale, not whole, a 0 where N/A is not offered, text)."""
    people = allypath.simulate(900, seed=19)
    rng = np.random.default_rng(19)
    frame = people.copy()
    short_rows = np.r_[np.arange(640, 900), [130, 131, 402]]
    full_only = [c for c in frame.columns if c in ITEM_IDS and c not in SHORT_IDS]
    frame.loc[short_rows, full_only] = np.nan
    answers = [c for c in frame.columns if c in ITEM_IDS and frame[c].dtype.kind == "f"]
    blank = rng.random((len(frame), len(answers))) < 0.08
    frame[answers] = frame[answers].mask(blank)
    for column in WITH_NOT_APPLICABLE:
        frame.loc[rng.choice(len(frame), 40, replace=False), column] = float(NOT_APPLICABLE)
    frame.loc[200:214, LIKERT] = 4.0  # straight-lining
    frame.loc[300:329, LIKERT] = rng.integers(1, 6, (30, len(LIKERT))).astype(float)  # random
    frame.loc[150, "ap3"] = 9.0
    frame.loc[520, "re2"] = 2.5
    frame.loc[700, "am1"] = 0.0
    frame["en2"] = frame["en2"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    frame.loc[610, "en2"] = "x"
    return frame


def _source(frame: pd.DataFrame, path: Path, row_group_size: int = 170) -> Path:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=row_group_size)
    return path


def _in_memory(source: Path, out: Path, **options: object) -> pa.Table:
    """What `allypath score` wrote before it streamed: read whole, score whole, write whole."""
    scored = score_arrow(read_arrow(source), source=str(source), **options)  # type: ignore[arg-type]
    write_arrow(scored, out)
    return scored


def _assert_same_file(left: Path, right: Path) -> None:
    a, b = pq.read_table(left), pq.read_table(right)
    assert a.column_names == b.column_names
    assert a.num_rows == b.num_rows
    for name in a.column_names:
        x, y = a.column(name).combine_chunks(), b.column(name).combine_chunks()
        if pa.types.is_dictionary(x.type):
            # The streamed reason column has int32 indices (its categories vary by batch).
            assert x.type.value_type == y.type.value_type, name
            x, y = x.dictionary_decode(), y.dictionary_decode()
        assert x.type == y.type, name
        assert x.equals(y), name


@pytest.mark.parametrize("batch_rows", [64, 97, 10_000])
def test_streamed_output_equals_the_whole_file_cell_for_cell(messy, tmp_path, batch_rows) -> None:
    source = _source(messy, tmp_path / "in.parquet")
    scored = _in_memory(source, tmp_path / "memory.parquet", model=CHECKED, on_error="mark")
    summary = score_parquet(
        source, tmp_path / "streamed.parquet", model=CHECKED, on_error="mark", batch_rows=batch_rows
    )
    _assert_same_file(tmp_path / "streamed.parquet", tmp_path / "memory.parquet")
    status = scored.column("status").to_pylist()
    assert summary.rows == len(messy)
    assert summary.placed == status.count("scored")
    assert summary.suspect == status.count("suspect")
    assert summary.insufficient == status.count("insufficient")
    assert summary.form == scored.schema.metadata[b"allypath.form"].decode() == "mixed"
    # The data exercise what the test is about: bad cells, thin answers, careless rows, both forms.
    reasons = scored.column("reason").to_pylist()
    assert "outside the scale 1-5 (got 9)" in reasons[150]
    assert "not a whole number (got 2.5)" in reasons[520]
    assert "0 ('does not apply to me') is not an answer here" in reasons[700]
    assert "not a number (got 'x')" in reasons[610]
    assert status[200:215] == ["suspect"] * 15
    assert status.count("suspect") >= 30
    assert status.count("insufficient") >= 4
    forms = scored.column("form").to_pylist()
    assert forms.count("short") == 263 and forms[130] == "short"


def test_a_streamed_csv_is_byte_for_byte_the_whole_files(messy, tmp_path) -> None:
    source = _source(messy, tmp_path / "in.parquet")
    _in_memory(source, tmp_path / "memory.csv", on_error="mark")
    score_parquet(source, tmp_path / "streamed.csv", on_error="mark", batch_rows=128)
    assert (tmp_path / "streamed.csv").read_bytes() == (tmp_path / "memory.csv").read_bytes()


@pytest.mark.parametrize(
    ("full_rows", "short_rows", "label"), [(500, 0, "full"), (0, 200, "short"), (500, 200, "mixed")]
)
def test_the_files_form_is_decided_over_every_batch(messy, tmp_path, full_rows, short_rows, label) -> None:
    """Batches of 100: the mixed file has five all-full batches and two all-short ones, no mixed one."""
    full = messy.drop(index=[130, 131, 402]).iloc[:full_rows]
    part = pd.concat([full, messy.iloc[640 : 640 + short_rows]]).drop(columns=["en2"]).reset_index(drop=True)
    source = _source(part, tmp_path / "in.parquet")
    scored = _in_memory(source, tmp_path / "memory.parquet", on_error="mark")
    summary = score_parquet(source, tmp_path / "streamed.parquet", on_error="mark", batch_rows=100)
    assert summary.form == scored.schema.metadata[b"allypath.form"].decode() == label


@pytest.mark.parametrize("batch_rows", [50, 151, 10_000])
def test_an_error_names_the_row_of_the_whole_file_and_nothing_is_written(messy, tmp_path, batch_rows) -> None:
    bad = messy.drop(columns=["en2"]).copy()
    bad.loc[[150, 520, 700], ["ap3", "re2", "am1"]] = 3.0  # the marked cells made good again
    bad.loc[433, "cf2"] = 7.0
    bad.loc[433, "ap1"] = 1.5  # same row, earlier column: named first
    bad.loc[811, "am2"] = 6.0
    source = _source(bad, tmp_path / "in.parquet")
    with pytest.raises(DataError) as whole:
        score_arrow(read_arrow(source), source=str(source))
    out = tmp_path / "out.parquet"
    out.write_bytes(b"the previous run's file")
    with pytest.raises(DataError) as streamed:
        score_parquet(source, out, batch_rows=batch_rows)
    assert (streamed.value.row, streamed.value.column) == (434, "ap1")
    assert str(streamed.value) == str(whole.value)
    assert out.read_bytes() == b"the previous run's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet", "out.parquet"]


def test_a_file_without_rows_scores_as_the_whole_file(messy, tmp_path) -> None:
    source = _source(messy.iloc[:0], tmp_path / "in.parquet")
    _in_memory(source, tmp_path / "memory.parquet")
    summary = score_parquet(source, tmp_path / "streamed.parquet")
    assert (summary.rows, summary.placed, summary.form) == (0, 0, "full")
    _assert_same_file(tmp_path / "streamed.parquet", tmp_path / "memory.parquet")


def test_empty_and_unreadable_files_are_refused_as_before(tmp_path) -> None:
    empty, junk = tmp_path / "empty.parquet", tmp_path / "junk.parquet"
    empty.write_bytes(b"")
    junk.write_bytes(b"not parquet at all")
    for path in (empty, junk):
        with pytest.raises(DataError) as whole:
            read_arrow(path)
        with pytest.raises(DataError) as streamed:
            score_parquet(path, tmp_path / "out.parquet")
        assert str(streamed.value) == str(whole.value)
    assert not (tmp_path / "out.parquet").exists()


def test_second_resolution_timestamps_pass_through_as_before(tmp_path) -> None:
    frame = allypath.simulate(300, seed=3)
    frame["submitted_at"] = pd.date_range("2026-01-05 09:00:00", periods=300, freq="37s").astype(
        "datetime64[s]"
    )
    source = tmp_path / "in.parquet"
    allypath.tables.write_table(frame, source)  # records the unit Parquet cannot keep
    _in_memory(source, tmp_path / "memory.parquet")
    score_parquet(source, tmp_path / "streamed.parquet", batch_rows=64)
    _assert_same_file(tmp_path / "streamed.parquet", tmp_path / "memory.parquet")
    read_back = allypath.tables.read_table(tmp_path / "streamed.parquet")["submitted_at"]
    assert str(read_back.dtype) == "datetime64[s]"
    assert read_back.tolist() == frame["submitted_at"].tolist()


def test_batches_never_hold_more_rows_than_asked_whatever_the_row_groups(messy, tmp_path) -> None:
    source = _source(messy, tmp_path / "in.parquet", row_group_size=len(messy))
    assert pq.ParquetFile(source).metadata.num_row_groups == 1
    sizes = [t.num_rows for t in iter_wide_parquet(source, batch_rows=128)]
    assert max(sizes) == 128 and sum(sizes) == len(messy)


def test_the_command_streams_a_parquet_file(messy, tmp_path) -> None:
    source = _source(messy, tmp_path / "in.parquet")
    _in_memory(source, tmp_path / "memory.parquet", on_error="mark")
    result = CliRunner().invoke(
        app, ["score", str(source), "--out", str(tmp_path / "cli.parquet"), "--on-error", "mark"]
    )
    assert result.exit_code == 0, result.output
    _assert_same_file(tmp_path / "cli.parquet", tmp_path / "memory.parquet")
    assert "(mixed form), engine memory" in " ".join(result.output.split())


def test_a_respondents_kernel_result_does_not_depend_on_his_batch(messy) -> None:
    """Every field of every row, scored in blocks of 1, 2, 3, 5 and 33 rows and among 900 others,
    to the last bit (the matrix product of the index once moved it with the block's width)."""
    from allypath.scoring import build_plan, run_kernel
    from allypath.scoring.answers import read_answers

    frame = messy.drop(columns=["en2"])
    answers = read_answers(frame, INSTRUMENT, on_error="mark")
    plan = build_plan(INSTRUMENT, CHECKED)
    whole = run_kernel(answers.matrix, plan, chunk_rows=256)
    fields = [f.name for f in dataclasses.fields(whole) if not f.name.startswith("context_")]
    for width in (1, 2, 3, 5, 33):
        rows = np.arange(0, len(frame), 13 if width == 1 else 1)
        for start in range(0, len(rows), width):
            block = rows[start : start + width]
            part = run_kernel(answers.matrix[block], plan)
            for name in fields:
                np.testing.assert_array_equal(getattr(part, name), getattr(whole, name)[block], err_msg=name)
            for context, stages in whole.context_stages.items():
                np.testing.assert_array_equal(part.context_stages[context], stages[block])
                np.testing.assert_array_equal(
                    part.context_probabilities[context], whole.context_probabilities[context][block]
                )


def test_row_groups_are_read_in_spans_of_bounded_size(messy, tmp_path) -> None:
    """A reader is kept only across a bounded span of row groups (one reader over a whole file held
    buffers of every group it had read); rows still come in file order, none lost."""
    from allypath.io.wide import _row_group_spans

    source = _source(messy.iloc[:900], tmp_path / "in.parquet", row_group_size=170)
    metadata = pq.ParquetFile(source).metadata
    assert [metadata.row_group(g).num_rows for g in range(metadata.num_row_groups)] == [170] * 5 + [50]
    assert _row_group_spans(metadata, 400) == [[0, 1], [2, 3], [4, 5]]
    assert _row_group_spans(metadata, 100) == [[0], [1], [2], [3], [4], [5]]
    assert _row_group_spans(metadata, 10_000) == [[0, 1, 2, 3, 4, 5]]
    ids = [i for t in iter_wide_parquet(source, batch_rows=30) for i in t.column("respondent_id").to_pylist()]
    assert ids == messy["respondent_id"].iloc[:900].tolist()
