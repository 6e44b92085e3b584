"""Score a wide Parquet file batch by batch: memory bounded by the batch, not by the file.

``allypath score FILE.parquet`` runs through :func:`score_parquet`. It reads the file in batches of
``batch_rows`` rows (:func:`allypath.io.wide.iter_wide_parquet`, whatever the file's row groups),
scores each with :func:`~allypath.scoring.engine.score_arrow` and appends it to the output
(:func:`allypath.io.wide.wide_batch_writer`, atomically). Reading the next batch, scoring this one
and writing the previous one overlap (pyarrow releases the interpreter lock while it decodes and
encodes), so at most three batches are held at once.

Every cell equals what scoring the whole file at once gives. What the whole file decides is kept
whole: each row's form is chosen from its own answers, the careless-responding thresholds are the
model's (never estimated from the data), and the form of the file (``full``, ``short`` or
``mixed``) is combined over the batches. An error names the row within the whole file, and the
output appears complete or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from allypath.errors import DataError
from allypath.instrument import Instrument, load_instrument
from allypath.io.wide import iter_wide_parquet, wide_batch_writer
from allypath.scoring.engine import STATUSES, score_arrow
from allypath.scoring.stage_model import StageModel, load_stage_model

__all__ = ["BATCH_ROWS", "StreamSummary", "score_parquet"]

#: Rows per batch: large enough that the kernel's two threads and pyarrow's decoders have whole
#: blocks to share, small enough that three batches in flight stay far below the file's size.
BATCH_ROWS = 131_072

#: The reason column's dictionary indices: its categories differ from batch to batch, so the file's
#: one schema takes the widest index the in-memory path could choose.
_REASON_TYPE = pa.dictionary(pa.int32(), pa.large_string())


@dataclass(frozen=True)
class StreamSummary:
    """What a streamed run scored: rows, placed and set-aside counts, and the labels of the run."""

    rows: int
    placed: int
    suspect: int
    instrument: str
    form: str  # full, short or mixed: over the whole file
    scoring_model: str

    @property
    def insufficient(self) -> int:
        return self.rows - self.placed - self.suspect


def score_parquet(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    instrument: Instrument | None = None,
    *,
    model: StageModel | None = None,
    form: str | None = None,
    on_error: str = "raise",
    answer_key: Mapping[str, bool] | None = None,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
) -> StreamSummary:
    """Score the wide Parquet file ``source`` into ``out`` (``.parquet`` or ``.csv``), batch by batch.

    Parameters are those of :func:`allypath.scoring.score`; ``progress`` is called with the rows of
    each batch once it is scored. The output holds the cells ``score_arrow`` gives on the whole file
    (the ``reason`` column's dictionary indices are int32 in every file). Raises the
    :class:`DataError` the whole file would raise (same row, column and message), and then ``out``
    is left as it was.
    """
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    instrument = instrument or load_instrument()
    model = model or load_stage_model()
    file = str(source)
    tables = iter_wide_parquet(source, batch_rows=batch_rows)
    counts = np.zeros(len(STATUSES), dtype=np.int64)
    forms: set[str] = set()
    labels: dict[str, str] = {}
    rows = 0
    # One thread reads ahead, one writes behind; the caller's thread scores. Each pool is shut down
    # (its one pending batch finished) before what it uses is closed: the writer before the file,
    # the reader before the batches' source. A failed run so stops within a batch.
    try:
        with ThreadPoolExecutor(1, "allypath-read") as reader:
            pending = reader.submit(_next, tables)
            table = pending.result()
            assert table is not None, "iter_wide_parquet yields at least one table"
            pending = reader.submit(_next, tables)
            scored = _score(table, 0, instrument, model, form, on_error, answer_key, file)
            schema = _file_schema(scored.schema)
            with (
                wide_batch_writer(out, schema) as write,
                ThreadPoolExecutor(1, "allypath-write") as writer,
            ):
                written: Future[None] | None = None
                while True:
                    rows += table.num_rows
                    meta = {k.decode(): v.decode() for k, v in (scored.schema.metadata or {}).items()}
                    forms.add(meta["allypath.form"])
                    labels = meta
                    counts += _status_counts(scored)
                    conformed = _conform(scored, schema)
                    if written is not None:
                        written.result()
                    written = writer.submit(write, conformed)
                    if progress is not None:
                        progress(table.num_rows)
                    table = pending.result()
                    if table is None:
                        break
                    pending = reader.submit(_next, tables)
                    scored = _score(table, rows, instrument, model, form, on_error, answer_key, file)
                written.result()
    finally:
        tables.close()
    return StreamSummary(
        rows=rows,
        placed=int(counts[STATUSES.index("scored")]),
        suspect=int(counts[STATUSES.index("suspect")]),
        instrument=labels["allypath.instrument"],
        form=forms.pop() if len(forms) == 1 else "mixed",
        scoring_model=labels["allypath.scoring_model"],
    )


def _next(tables: Iterator[pa.Table]) -> pa.Table | None:
    return next(tables, None)


def _score(
    table: pa.Table,
    rows_before: int,
    instrument: Instrument,
    model: StageModel,
    form: str | None,
    on_error: str,
    answer_key: Mapping[str, bool] | None,
    file: str,
) -> pa.Table:
    """One batch through ``score_arrow``; an error's row counted from the top of the file."""
    try:
        return score_arrow(
            table, instrument, model=model, form=form, on_error=on_error, answer_key=answer_key, source=file
        )
    except DataError as exc:
        if exc.row is None or rows_before == 0:
            raise
        raise DataError(exc.message, file=exc.file, row=exc.row + rows_before, column=exc.column) from None


def _file_schema(batch_schema: pa.Schema) -> pa.Schema:
    """The output file's schema: the batches' own, with the one column whose type varies fixed."""
    index = batch_schema.get_field_index("reason")
    return batch_schema.set(index, batch_schema.field(index).with_type(_REASON_TYPE)).remove_metadata()


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with the file's column types (only dictionary index widths ever differ)."""
    for index, field in enumerate(schema):
        if table.schema.field(index).type != field.type:
            table = table.set_column(index, field, table.column(index).cast(field.type))
    return table


def _status_counts(scored: pa.Table) -> np.ndarray:
    """Rows per status (in :data:`STATUSES` order), from the dictionary codes."""
    status = scored.column("status").combine_chunks()
    codes = status.indices.to_numpy(zero_copy_only=False)
    found = np.bincount(codes, minlength=len(status.dictionary))
    names = status.dictionary.to_pylist()
    return np.array([found[names.index(name)] if name in names else 0 for name in STATUSES], dtype=np.int64)
