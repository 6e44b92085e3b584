"""Score Arrow record batches with the one numpy kernel: what every engine feeds.

Engines differ only in how they read and write (DuckDB streams batches out of Parquet files, Spark
hands each Python worker batches of its partitions); every batch goes through
:func:`allypath.scoring.score_arrow` -- Arrow in, Arrow out, no pandas -- which shares every step
with :func:`allypath.score`, so scores are identical to the in-memory path to the last digit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from allypath.errors import DataError
from allypath.instrument import Instrument, load_instrument
from allypath.scoring import StageModel, load_stage_model, score_arrow

__all__ = ["BatchScorer", "plain_frame", "plain_table"]


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as plain strings: the same Arrow schema for every batch and every engine."""
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype("string")
    return out


def plain_table(table: pa.Table) -> pa.Table:
    """:func:`plain_frame` for Arrow: dictionary columns decoded to their plain value type."""
    for index, field_ in enumerate(table.schema):
        if pa.types.is_dictionary(field_.type):
            column = table.column(index).cast(field_.type.value_type)
            table = table.set_column(index, field_.name, column)
    return table


@dataclass
class BatchScorer:
    """Scores batches one after the other, keeping the row count for error messages.

    ``on_error="raise"`` reports the row number within the whole input, not within the batch.
    """

    instrument: Instrument = field(default_factory=load_instrument)
    model: StageModel = field(default_factory=load_stage_model)
    form: str | None = None
    on_error: str = "raise"
    answer_key: Mapping[str, bool] | None = None
    source: str | None = None
    rows_done: int = 0
    placed: int = 0

    def score_table(self, table: pa.Table) -> pa.Table:
        try:
            scored = score_arrow(
                table,
                self.instrument,
                model=self.model,
                form=self.form,
                on_error=self.on_error,
                answer_key=self.answer_key,
                source=self.source,
            )
        except DataError as exc:
            row = None if exc.row is None else exc.row + self.rows_done
            raise DataError(exc.message, file=exc.file, row=row, column=exc.column) from None
        self.rows_done += table.num_rows
        self.placed += int(
            pc.sum(pc.equal(scored.column("status").cast(pa.large_string()), "scored")).as_py() or 0
        )
        return plain_table(scored).replace_schema_metadata(None)

    def score_batch(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        scored = self.score_table(pa.Table.from_batches([batch])).combine_chunks()
        batches = scored.to_batches()
        return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=scored.schema)

    def score_batches(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows:
                yield self.score_batch(batch)

    def output_schema(self, input_schema: pa.Schema) -> pa.Schema:
        """The schema of the scored batches for input of ``input_schema`` (scores an empty table)."""
        scorer = BatchScorer(self.instrument, self.model, self.form, self.on_error, self.answer_key)
        return scorer.score_table(input_schema.empty_table()).schema
