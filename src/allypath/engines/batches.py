"""Score Arrow record batches with the one numpy kernel: what every engine feeds.

Engines differ only in how they read and write (DuckDB streams batches out of Parquet files, Spark
hands each Python worker batches of its partitions); every batch goes through
:func:`allypath.scoring.score_arrow` -- Arrow in, Arrow out, no pandas -- which shares every step
with :func:`allypath.score`, so scores are identical to the in-memory path to the last digit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from allypath.errors import DataError
from allypath.instrument import Instrument, load_instrument
from allypath.scoring import StageModel, load_stage_model, score_arrow
from allypath.scoring.engine import kept_columns

__all__ = ["BatchScorer", "file_schema", "kept_columns", "plain_frame", "plain_table", "scored_count"]

#: Schema metadata key of a batch read from one file of a folder: the file, for error messages.
FILE_KEY = b"allypath_file"

#: Dictionary columns of scored batches (status, reason, stage_label, form, ...) take one index
#: width in every batch, so batches of one run share a schema without decoding their strings.
DICTIONARY = pa.dictionary(pa.int32(), pa.large_string())


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


def file_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with every dictionary column as :data:`DICTIONARY` and no metadata: one schema
    for every batch of a run (only dictionary index widths vary from batch to batch)."""
    for index, field_ in enumerate(schema):
        if pa.types.is_dictionary(field_.type):
            schema = schema.set(index, field_.with_type(DICTIONARY))
    return schema.remove_metadata()


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s column types (a cast only where a dictionary index width differs)."""
    for index, field_ in enumerate(schema):
        if table.schema.field(index).type != field_.type:
            table = table.set_column(index, field_, table.column(index).cast(field_.type))
    return table.replace_schema_metadata(None)


def scored_count(scored: pa.Table) -> int:
    """Rows whose status is ``scored``, read from the dictionary codes (no string comparison)."""
    status = scored.column("status")
    if not pa.types.is_dictionary(status.type):
        return int(np.count_nonzero(status.to_numpy(zero_copy_only=False) == "scored"))
    total = 0
    for chunk in status.chunks:
        names = chunk.dictionary.to_pylist()
        if "scored" in names:
            codes = chunk.indices.to_numpy(zero_copy_only=False)
            total += int(np.count_nonzero(codes == names.index("scored")))
    return total


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
    # where the current file of a folder began (rows_done then) and its name: an error names the
    # file and its own row, not the folder and a row counted across files
    file_start: int = 0
    file: str | None = None

    def score(self, table: pa.Table, keep: Sequence[str] | None = None) -> pa.Table:
        """``score_arrow`` on one batch (only ``keep``'s columns, if given): dictionary columns kept,
        rows and placed counted."""
        wanted = None if keep is None else [*keep, "status"]  # the status counts the placed rows
        named = (table.schema.metadata or {}).get(FILE_KEY)
        if named is not None and named.decode() != self.file:
            self.file, self.file_start = named.decode(), self.rows_done
        try:
            scored = score_arrow(
                table,
                self.instrument,
                model=self.model,
                form=self.form,
                on_error=self.on_error,
                answer_key=self.answer_key,
                source=self.source,
                keep=wanted,
            )
        except DataError as exc:
            within = self.rows_done - (self.file_start if self.file is not None else 0)
            row = None if exc.row is None else exc.row + within
            file = self.file if self.file is not None else exc.file
            raise DataError(exc.message, file=file, row=row, column=exc.column) from None
        self.rows_done += table.num_rows
        self.placed += scored_count(scored)
        if keep is not None and not kept_columns(["status"], keep):
            scored = scored.drop_columns(["status"])
        return scored

    def score_table(self, table: pa.Table) -> pa.Table:
        """:meth:`score` with plain string columns (Spark has no dictionary type)."""
        return plain_table(self.score(table)).replace_schema_metadata(None)

    def score_batch(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        scored = self.score_table(pa.Table.from_batches([batch]))
        if scored.num_rows == 0:
            return pa.RecordBatch.from_pylist([], schema=scored.schema)
        batches = scored.to_batches()
        return batches[0] if len(batches) == 1 else scored.combine_chunks().to_batches()[0]

    def score_batches(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows:
                yield self.score_batch(batch)

    def fresh(self) -> BatchScorer:
        """A scorer with the same settings and no rows counted (one per worker)."""
        return BatchScorer(
            self.instrument, self.model, self.form, self.on_error, self.answer_key, self.source
        )

    def output_schema(self, input_schema: pa.Schema) -> pa.Schema:
        """The schema of the scored batches for input of ``input_schema`` (scores an empty table)."""
        return self.fresh().score_table(input_schema.empty_table()).schema

    def input_columns(self, columns: Sequence[str], keep: Iterable[str]) -> list[str]:
        """The input columns scoring needs when only ``keep`` is wanted out: the instrument's item
        columns (and anything that looks like one, so a typo is still refused) and the kept ones."""
        wanted = set(keep)
        looks_like_item = set(self.instrument.unknown_item_columns(columns))
        return [c for c in columns if c in wanted or c in looks_like_item or self.instrument.has_column(c)]
