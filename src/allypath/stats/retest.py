"""Test-retest reliability: how stable the scores of the same people are between two waves.

A later wave tells a man "you have likely moved" and HR "a change since last wave"; how much of the
movement the instrument shows is measurement noise is what a retest measures. The rows of two waves
of a scored file are paired by id, and for each pair scored in both waves:

* the developmental index and each ``score_<construct>``: ICC(2,1) (two-way random effects, absolute
  agreement, single measure: Koo & Li's (2016) choice for test-retest) with its 95% interval, and
  beside it ICC(3,1) (consistency: a shift of everyone between the waves ignored) and Pearson's r;
* the stage: exact agreement, quadratically weighted Cohen's kappa with its interval, the share that
  moved one stage and two or more, and the table of stage at the first wave by stage at the second.

Each is judged on its confidence interval with Koo & Li's bands (below 0.5 poor, 0.5-0.75 moderate,
0.75-0.9 good, above 0.9 excellent): the interval, not the point, says how sure the verdict is.
The bands apply to the weighted kappa too: with quadratic weights it is an ICC (Fleiss & Cohen 1973).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from allypath.errors import DataError
from allypath.io.ids import ID_COLUMN, refuse_duplicate_ids
from allypath.io.stages import checked_stages
from allypath.io.waves import wave_labels
from allypath.stats.icc import intraclass_correlations

if TYPE_CHECKING:
    from statsmodels.stats.inter_rater import KappaResults

__all__ = [
    "MIN_PAIRS",
    "MeasureRetest",
    "RetestResult",
    "StageRetest",
    "retest_bands",
    "retest_pair",
    "retest_reliability",
]

#: Fewest pairs judged. Koo & Li (2016) advise at least 30 people for a reliability study; with fewer,
#: the 95% interval of an ICC near 0.8 reaches across two or three bands and judges nothing.
MIN_PAIRS = 30
#: Koo & Li's (2016) bands: the lower edge of each band.
BANDS: tuple[tuple[str, float], ...] = (
    ("excellent", 0.9),
    ("good", 0.75),
    ("moderate", 0.5),
    ("poor", -np.inf),
)
INDEX_COLUMN = "index"
SCORE_PREFIX = "score_"


def _band(value: float) -> str:
    # "above 0.9" is excellent and 0.9 itself good; 0.75 and 0.5 open their bands
    for name, edge in BANDS:
        if value > edge if name == "excellent" else value >= edge:
            return name
    return "poor"  # pragma: no cover - the last edge is -inf


def retest_bands(
    interval: tuple[float, float], n: int, *, confidence: float = 0.95
) -> tuple[str | None, str]:
    """The verdict on a reliability of ``n`` pairs with ``interval``: its band (or None) and its words.

    >>> retest_bands((0.78, 0.86), 120)
    ('good', 'good (the 95% interval lies between 0.78 and 0.86)')
    >>> retest_bands((0.62, 0.81), 120)[1]
    'moderate to good (the 95% interval lies between 0.62 and 0.81)'
    """
    if n < MIN_PAIRS:
        return None, f"too few people in both waves to judge ({n}; at least {MIN_PAIRS} are needed)"
    if not (np.isfinite(interval[0]) and np.isfinite(interval[1])):
        return None, "cannot be judged: the scores hardly vary between people"
    # judged on the bounds as printed, so that "0.90" is never called above 0.9
    low, high = round(float(interval[0]), 2), round(float(interval[1]), 2)
    bands = (_band(low), _band(high))
    name = bands[0] if bands[0] == bands[1] else f"{bands[0]} to {bands[1]}"
    return name, f"{name} (the {confidence:.0%} interval lies between {low:.2f} and {high:.2f})"


@dataclass(frozen=True)
class MeasureRetest:
    """The retest of one score (the index or a ``score_<construct>`` column) over its ``n`` pairs.

    ``mean_change`` is the mean of second minus first: where ICC(3,1) is well above ICC(2,1), a shift
    of everyone between the waves (a change in the whole group, or in how the survey was answered)
    is what lowers the agreement."""

    measure: str
    n: int
    icc2: float
    icc2_ci: tuple[float, float]
    icc3: float
    icc3_ci: tuple[float, float]
    pearson_r: float
    mean_change: float
    band: str | None
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "n": self.n,
            "icc2": self.icc2,
            "icc2_ci": list(self.icc2_ci),
            "icc3": self.icc3,
            "icc3_ci": list(self.icc3_ci),
            "pearson_r": self.pearson_r,
            "mean_change": self.mean_change,
            "band": self.band,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class StageRetest:
    """The stage's retest over ``n`` pairs: ``table[i][j]`` counts the people at stage i + 1 in the
    first wave and j + 1 in the second."""

    n: int
    exact_agreement: float
    kappa: float
    kappa_se: float
    kappa_ci: tuple[float, float]
    moved_one: float
    moved_two_or_more: float
    table: tuple[tuple[int, ...], ...]
    band: str | None
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "exact_agreement": self.exact_agreement,
            "kappa": self.kappa,
            "kappa_weights": "quadratic",
            "kappa_se": self.kappa_se,
            "kappa_ci": list(self.kappa_ci),
            "moved_one": self.moved_one,
            "moved_two_or_more": self.moved_two_or_more,
            "table": [list(row) for row in self.table],
            "band": self.band,
            "verdict": self.verdict,
        }


@dataclass(frozen=True)
class RetestResult:
    """Test-retest reliability between the waves ``first`` and ``second`` of a panel.

    Attributes
    ----------
    first, second : str
        The waves paired (labels as the file writes them, without surrounding spaces).
    waves : tuple of str
        Every wave of the data, first seen first.
    n_pairs : int
        People scored in both waves.
    only_first, only_second : int
        People (ids) in one of the two waves only.
    not_scored : int
        People in both waves but not scored in one or both (status other than ``scored``).
    measures : tuple of MeasureRetest
        The index and each score column, in the file's order.
    stage : StageRetest
    confidence : float
    min_pairs : int
        Fewest pairs a verdict is given on.
    """

    first: str
    second: str
    waves: tuple[str, ...]
    n_pairs: int
    only_first: int
    only_second: int
    not_scored: int
    measures: tuple[MeasureRetest, ...]
    stage: StageRetest
    confidence: float
    min_pairs: int

    def left_out(self) -> list[str]:
        """Who was not paired, in words (empty when no one was left out)."""
        left = []
        if self.only_first:
            left.append(f"{self.only_first:,} answered wave {self.first} only")
        if self.only_second:
            left.append(f"{self.only_second:,} answered wave {self.second} only")
        if self.not_scored:
            left.append(
                f"{self.not_scored:,} answered both but were not placed in one (too few answers, or set "
                "aside as careless)"
            )
        return left

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python summary (JSON-ready)."""
        return {
            "first_wave": self.first,
            "second_wave": self.second,
            "waves": list(self.waves),
            "n_pairs": self.n_pairs,
            "only_first": self.only_first,
            "only_second": self.only_second,
            "not_scored": self.not_scored,
            "confidence": self.confidence,
            "min_pairs": self.min_pairs,
            "icc": "ICC(2,1): two-way random effects, absolute agreement, single measure",
            "measures": [m.to_dict() for m in self.measures],
            "stage": self.stage.to_dict(),
        }


# --------------------------------------------------------------------------- the checks


def retest_pair(
    frame: pd.DataFrame,
    *,
    wave_column: str = "wave",
    first: str | None = None,
    second: str | None = None,
    file: str | None = None,
) -> tuple[str, str]:
    """The two waves :func:`retest_reliability` pairs for ``first`` and ``second`` (labels), checked
    before any scoring: a caller that runs for minutes (the methods report) refuses a wave that is not
    in the data at once. Raises :class:`~allypath.errors.DataError` as :func:`retest_reliability` does."""
    if wave_column not in frame.columns:
        raise DataError(f"the data have no {wave_column} column (the waves)", file=file, column=wave_column)
    labels, at_first, at_second = _choose_pair(frame, wave_column, first, second, file)
    return labels[at_first], labels[at_second]


def _choose_pair(
    frame: pd.DataFrame, wave_column: str, first: str | None, second: str | None, file: str | None
) -> tuple[list[str], int, int]:
    """The waves of the data (labels, first seen first) and the positions of the two to pair."""
    labels, blank = wave_labels(frame[wave_column])
    if len(labels) < 2:
        held = f"one wave ({labels[0]})" if labels else "no wave"
        raise DataError(
            f"the data hold {held}: test-retest needs the same people in two waves",
            file=file,
            column=wave_column,
        )
    if blank.any():
        raise DataError(
            f"the wave is blank while the data hold the waves {', '.join(labels)}: give every row its wave",
            file=file,
            row=int(np.flatnonzero(blank)[0]) + 1,
            column=wave_column,
        )
    for role, wanted in (("first", first), ("second", second)):
        if wanted is not None and str(wanted).strip() not in labels:
            raise DataError(
                f"the {role} wave {wanted!r} is not in the data, which hold the waves {', '.join(labels)}",
                file=file,
                column=wave_column,
            )
    if first is None and second is None:
        return labels, len(labels) - 2, len(labels) - 1
    if first is not None and second is not None:
        at_first, at_second = labels.index(str(first).strip()), labels.index(str(second).strip())
        if at_first == at_second:
            same = f"the first and second waves are both {labels[at_first]}: choose two different waves"
            raise DataError(same, file=file, column=wave_column)
        return labels, at_first, at_second
    # one given: its neighbour in the file's order is the other
    if second is not None:
        at_second = labels.index(str(second).strip())
        if at_second == 0:
            raise DataError(
                f"wave {labels[0]} is the data's first: there is no wave before it to pair it with",
                file=file,
                column=wave_column,
            )
        return labels, at_second - 1, at_second
    at_first = labels.index(str(first).strip())
    if at_first == len(labels) - 1:
        raise DataError(
            f"wave {labels[at_first]} is the data's last: there is no wave after it to pair it with",
            file=file,
            column=wave_column,
        )
    return labels, at_first, at_first + 1


def _numbers(frame: pd.DataFrame, column: str, file: str | None) -> pd.Series:
    """``column`` as numbers; a cell that is not one is refused, naming its row."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    text = raw.astype("string").str.strip()
    bad = (values.isna() & text.notna() & (text != "")).to_numpy(dtype=bool)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(f"{raw.iloc[row]!r} is not a number", file=file, row=row + 1, column=column)
    return values.astype("float64")


def _measures(frame: pd.DataFrame, scores: Sequence[str] | None, file: str | None) -> list[str]:
    if scores is None:
        return [str(c) for c in frame.columns if c == INDEX_COLUMN or str(c).startswith(SCORE_PREFIX)]
    absent = [name for name in scores if name not in frame.columns]
    if absent:
        raise DataError(f"the data have no score column {absent[0]!r}", file=file, column=absent[0])
    return list(dict.fromkeys(scores))


# --------------------------------------------------------------------------- the statistics


def _measure(name: str, pairs: np.ndarray, confidence: float) -> MeasureRetest:
    """The retest of one score over the pairs (n x 2) complete on it."""
    complete = pairs[np.isfinite(pairs).all(axis=1)]
    n = len(complete)
    nan = float("nan")
    if n < 2:
        band, verdict = retest_bands((nan, nan), n, confidence=confidence)
        return MeasureRetest(name, n, nan, (nan, nan), nan, (nan, nan), nan, nan, band, verdict)
    icc = intraclass_correlations(complete, confidence=confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = float(np.corrcoef(complete[:, 0], complete[:, 1])[0, 1])  # NaN for a constant score
    band, verdict = retest_bands(icc.icc2_ci, n, confidence=confidence)
    change = float((complete[:, 1] - complete[:, 0]).mean())
    return MeasureRetest(name, n, icc.icc2, icc.icc2_ci, icc.icc3, icc.icc3_ci, r, change, band, verdict)


def _kappa(table: np.ndarray) -> KappaResults:
    """Quadratically weighted kappa by statsmodels: its ``wt="quadratic"`` weighs a disagreement of
    d stages by d**2 / 9 (Fleiss & Cohen), the same as scikit-learn's ``weights="quadratic"``, and it
    also gives the standard error (Fleiss, Cohen & Everitt 1969) scikit-learn lacks."""
    from statsmodels.stats.inter_rater import cohens_kappa

    with np.errstate(invalid="ignore", divide="ignore"):
        return cohens_kappa(table, wt="quadratic")


def _stage(first: np.ndarray, second: np.ndarray, confidence: float) -> StageRetest:
    keep = np.isfinite(first) & np.isfinite(second)
    a, b = first[keep].astype(int), second[keep].astype(int)
    n = len(a)
    table = np.zeros((4, 4), dtype=int)
    np.add.at(table, (a - 1, b - 1), 1)
    nan = float("nan")
    if n == 0:
        band, verdict = retest_bands((nan, nan), n, confidence=confidence)
        return StageRetest(0, nan, nan, nan, (nan, nan), nan, nan, _rows(table), band, verdict)
    moved = np.abs(a - b)
    result = _kappa(table)
    kappa, se = float(result.kappa), float(result.std_kappa)
    z = float(scipy_stats.norm.ppf(0.5 + confidence / 2))
    interval = (kappa - z * se, min(kappa + z * se, 1.0))
    band, verdict = retest_bands(interval, n, confidence=confidence)
    return StageRetest(
        n=n,
        exact_agreement=float((moved == 0).mean()),
        kappa=kappa,
        kappa_se=se,
        kappa_ci=interval,
        moved_one=float((moved == 1).mean()),
        moved_two_or_more=float((moved >= 2).mean()),
        table=_rows(table),
        band=band,
        verdict=verdict,
    )


def _rows(table: np.ndarray) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(v) for v in row) for row in table)


def retest_reliability(
    frame: pd.DataFrame,
    *,
    id_column: str = ID_COLUMN,
    wave_column: str = "wave",
    first: str | None = None,
    second: str | None = None,
    scores: Sequence[str] | None = None,
    confidence: float = 0.95,
    file: str | None = None,
) -> RetestResult:
    """Test-retest reliability of a scored panel between two of its waves.

    Parameters
    ----------
    frame : DataFrame
        Scored data (``allypath score``'s output: ``status``, ``stage``, ``index``, ``score_*``) holding
        the same people, by ``id_column``, in two or more waves (``wave_column``).
    first, second : str, optional
        The waves to pair (labels). Default: the last two, in the order the waves first appear in the
        data (as ``allypath summary`` and ``report`` order them). Given one, the other is its
        neighbour: the wave before ``second``, or after ``first``.
    scores : list of str, optional
        The score columns (default: ``index`` and every ``score_<construct>`` column).
    confidence : float
        Coverage of the intervals (default 95%).
    file : str, optional
        The data's file, named in errors.

    Only people scored (``status == "scored"``) in both waves are paired; a person missing a score
    in one wave is left out of that score only. Raises :class:`~allypath.errors.DataError`, naming the
    file and column, for data that are not scored, lack the id or wave column, hold fewer than two
    waves or not the waves asked for, or repeat a person within a wave.

    References
    ----------
    Koo, T. K. & Li, M. Y. (2016). A guideline of selecting and reporting intraclass correlation
    coefficients for reliability research. Journal of Chiropractic Medicine, 15(2), 155-163.
    Fleiss, J. L. & Cohen, J. (1973). The equivalence of weighted kappa and the intraclass correlation
    coefficient as measures of reliability. Educational and Psychological Measurement, 33, 613-619.
    """
    if "stage" not in frame.columns:
        raise DataError(
            "the data is not scored (no stage column): run `allypath score` first", file=file, column="stage"
        )
    for column, what in ((id_column, "ids to pair the waves by"), (wave_column, "waves")):
        if column not in frame.columns:
            raise DataError(f"the data have no {column} column (the {what})", file=file, column=column)
    labels, at_first, at_second = _choose_pair(frame, wave_column, first, second, file)
    refuse_duplicate_ids(frame[id_column], file=file, waves=frame[wave_column], column=id_column)
    ids = frame[id_column].astype("string").str.strip()
    if (ids.isna() | (ids == "")).all():
        raise DataError("no row has an id: the waves cannot be paired", file=file, column=id_column)
    stage = checked_stages(frame["stage"], file=file)
    scored = frame["status"].astype("string") == "scored" if "status" in frame.columns else stage.notna()
    names = _measures(frame, scores, file)
    values = pd.DataFrame({name: _numbers(frame, name, file) for name in names}, index=frame.index)
    values["stage"] = stage
    values["scored"] = scored.fillna(False).to_numpy(dtype=bool)
    values.index = pd.Index(ids, name="id")
    wave = frame[wave_column].astype("string").str.strip().to_numpy()
    one = values[wave == labels[at_first]]
    two = values[wave == labels[at_second]]
    both = one.merge(two, how="inner", left_index=True, right_index=True, suffixes=("_1", "_2"))
    paired = both[both["scored_1"] & both["scored_2"]]
    return RetestResult(
        first=labels[at_first],
        second=labels[at_second],
        waves=tuple(labels),
        n_pairs=len(paired),
        only_first=len(one) - len(both),
        only_second=len(two) - len(both),
        not_scored=len(both) - len(paired),
        measures=tuple(
            _measure(name, paired[[f"{name}_1", f"{name}_2"]].to_numpy(dtype="float64"), confidence)
            for name in names
        ),
        stage=_stage(
            paired["stage_1"].to_numpy("float64"), paired["stage_2"].to_numpy("float64"), confidence
        ),
        confidence=confidence,
        min_pairs=MIN_PAIRS,
    )
