"""The board table's means on every engine withhold what a difference would pin at a scale's end.

Team F's 12 men all scored 1 on fear. F's own fear mean says so and is withheld on its own; but the
total's fear sum minus every other shown team's would give F's, 12 points over 12 men. The release of
each score's ends (``privacy.release.end_codes``; on the engines from the finest cells' counts of men
at 1 and at 5, ``engines.tally.TALLY_ENDS``) withholds one more team's fear mean, the same one on the
in-memory, DuckDB-file and counted-batches paths. Before it, every other team showed its fear mean.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from allypath.engines.aggregate import CellTally, aggregate_duckdb, aggregate_table, tally_table
from allypath.privacy import PrivacyPolicy
from allypath.reports.board import table_csv
from analytics.frames import simulated_teams

TEAMS = {"A": 307, "B": 200, "C": 150, "D": 90, "E": 30, "F": 12, "G": 11}  # every team shown
POLICY = PrivacyPolicy(k=5, k_text=10)


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    frame = simulated_teams(TEAMS)
    frame.loc[(frame["team"] == "F").to_numpy(), "score_barrier_fear"] = 1.0
    return frame


def _table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_no_difference_of_the_shown_fear_means_gives_team_f(scored: pd.DataFrame) -> None:
    table = _table(table_csv(aggregate_table(scored, "team", policy=POLICY)))
    rows = table.set_index("team")
    shown_teams = [t for t in TEAMS if rows.loc[t, "n"] != ""]
    with_fear = {t for t in shown_teams if rows.loc[t, "fear"] != ""}
    assert rows.loc["overall", "fear"] != ""  # the whole organisation keeps its mean
    assert "F" in shown_teams and "F" not in with_fear  # F's own mean says "all at 1"
    # the total minus the others would be F: at least one more team's fear mean is withheld
    assert with_fear != set(shown_teams) - {"F"}
    # every other mean of F is shown: only the one pinned at an end is withheld
    assert rows.loc["F", "uncertainty"] != "" and rows.loc["F", "safety"] != ""


def test_the_duckdb_and_counted_paths_withhold_the_same_means(scored: pd.DataFrame, tmp_path: Path) -> None:
    memory = table_csv(aggregate_table(scored, "team", policy=POLICY))
    folder = tmp_path / "lake"
    folder.mkdir()
    scored.iloc[:400].to_parquet(folder / "part-1.parquet")
    scored.iloc[400:].to_parquet(folder / "part-2.parquet")
    assert table_csv(aggregate_duckdb(folder, "team", POLICY)) == memory
    tally = CellTally(["team"])
    keep = [c for c in tally.keep() if c in scored.columns]
    for start in range(0, len(scored), 300):  # batches, as the engines count them
        tally.add(pa.Table.from_pandas(scored.iloc[start : start + 300][keep], preserve_index=False))
    assert table_csv(tally_table(tally, "team", POLICY)) == memory


def test_a_file_holding_nan_for_missing_scores_gives_the_same_table(
    scored: pd.DataFrame, tmp_path: Path
) -> None:
    """A reviewer's case: a Parquet file written with NaN (not null) for a score a man left blank.
    DuckDB counted the NaN as an answer, averaged every fear mean to NaN (blank) and put it at the high
    end, while memory and the tally leave it out; the table is now the same on every path."""
    frame = scored.copy()
    frame.loc[frame.index[:40], "score_barrier_fear"] = np.nan
    table = pa.Table.from_pandas(frame, preserve_index=False)
    where = table.schema.get_field_index("score_barrier_fear")
    nans = pa.array(frame["score_barrier_fear"].to_numpy(), from_pandas=False)  # NaN stays NaN
    table = table.set_column(where, "score_barrier_fear", nans)
    assert table.column("score_barrier_fear").null_count == 0
    pq.write_table(table, tmp_path / "scored.parquet")
    memory = table_csv(aggregate_table(frame, "team", policy=POLICY))
    duck = table_csv(aggregate_duckdb(tmp_path / "scored.parquet", "team", POLICY))
    assert duck == memory
    assert _table(duck).set_index("team").loc["overall", "fear"] != ""
