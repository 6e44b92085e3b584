"""The methods report's "How stable are scores when the same people answer again?" section: the
test-retest reliability of a panel (:func:`allypath.stats.retest_reliability`) when the data hold the
same people, by respondent_id, in two or more waves."""

from __future__ import annotations

from typing import Any

import pandas as pd

from allypath.errors import DataError
from allypath.instrument import Instrument
from allypath.io.ids import ID_COLUMN
from allypath.io.waves import wave_labels
from allypath.model import STAGES
from allypath.reports.labels import measure_name
from allypath.reports.methods import ReportTable, Section
from allypath.stats import MeasureRetest, RetestResult, StageRetest, retest_reliability
from allypath.stats.retest import INDEX_COLUMN, MIN_PAIRS

__all__ = ["WAVE_COLUMN", "retest_section"]

WAVE_COLUMN = "wave"
_TITLE = "How stable are scores when the same people answer again? (test-retest)"
_KEY = "retest"
_STAGE_LABELS = [s.label.get_lang("en") for s in STAGES]
# A band as retest_bands names it ("good", "moderate to good", ...) read on its whole interval: good
# only when even its lower end is at least good, poor only when even its upper end is poor.
_AT_LEAST_GOOD = ("good", "excellent")
_STATUS = {"good": "good", "moderate": "caution", "poor": "problem"}
_CAVEAT = (
    "People also really change: between waves months apart a low value mixes real change with "
    "measurement noise, so test-retest is best read on waves a few weeks apart."
)


def _why_no_panel(scored: pd.DataFrame) -> str | None:
    """Why these data hold no panel to pair (in words), or None when some id comes back in a second wave."""
    if WAVE_COLUMN not in scored.columns:
        return "the data have no wave column"
    labels = wave_labels(scored[WAVE_COLUMN])[0]
    if len(labels) < 2:
        return f"the data hold one wave ({labels[0]})" if labels else "no row names its wave"
    if ID_COLUMN not in scored.columns:
        return f"the data hold the waves {', '.join(labels)} but no {ID_COLUMN} column"
    ids = scored[ID_COLUMN].astype("string").str.strip()
    waves = scored[WAVE_COLUMN].astype("string").str.strip()
    present = ids.notna() & (ids != "") & waves.notna() & (waves != "")
    no_return = f"the data hold the waves {', '.join(labels)} but no {ID_COLUMN} comes back in a second wave"
    if not present.any():
        return no_return
    return None if waves[present].groupby(ids[present]).nunique().max() >= 2 else no_return


def _level(band: str | None) -> str | None:
    """``good``, ``moderate`` or ``poor`` for a band judged on its whole interval; None when not judged."""
    if band is None:
        return None
    if band == "poor":
        return "poor"
    return "good" if band.split(" to ")[0] in _AT_LEAST_GOOD else "moderate"


def _pairing(result: RetestResult, chosen: bool) -> str:
    """Which waves were paired (and whether chosen or by default), how many people, and who was left
    out (in words)."""
    left = result.left_out()
    out = "left out: " + ", ".join(left) if left else "no one was left out"
    which = "as asked, of" if chosen else "the last two of"
    return (
        f"Wave {result.first} was paired with wave {result.second} ({which} the waves "
        f"{', '.join(result.waves)}): {result.n_pairs:,} people were placed in both; {out}."
    )


def _verdict(result: RetestResult, index: MeasureRetest | None) -> tuple[str, str]:
    """The opening sentence and the status, judged on the index and the stage kappa."""
    stage = result.stage
    if result.n_pairs < MIN_PAIRS:
        return (
            f"Too few people in both waves to judge ({result.n_pairs:,} placed in both; at least "
            f"{MIN_PAIRS} are needed), so how stable the scores are is not known yet.",
            "info",
        )
    judged = {"the developmental index": index, "the stage (weighted kappa)": stage}
    levels = {name: _level(m.band if m else None) for name, m in judged.items()}
    unjudged = [name for name, level in levels.items() if level is None]
    if unjudged:
        return (
            f"The stability of {' and '.join(unjudged)} cannot be judged: the scores hardly vary between "
            "people.",
            "info",
        )
    # each verdict carries its interval in words ("good (the 95% interval lies between 0.78 and 0.86)")
    said = " and ".join(f"{name} is {m.verdict}" for name, m in judged.items() if m)
    if "poor" in levels.values():
        poor = [name for name, level in levels.items() if level == "poor"]
        verb = "are" if len(poor) > 1 else "is"
        return (
            f"Scores are not stable between the waves: {' and '.join(poor)} {verb} poor, so a change a "
            "later wave shows for one man may be mostly noise; compare groups rather "
            f"than individuals. In detail, {said}.",
            "problem",
        )
    if all(level == "good" for level in levels.values()):
        return (
            f"Scores are stable between the waves: {said}, so a change a later wave shows is mostly real "
            "rather than noise.",
            "good",
        )
    return (
        f"Scores are only moderately stable between the waves: {said}, so read one man's change of a "
        "stage as a possible move rather than a sure one.",
        "caution",
    )


def _tables(result: RetestResult, instrument: Instrument) -> list[ReportTable]:
    measures = ReportTable(
        "How stable each score is between the waves",
        ["measure", "people", "ICC(2,1)", "CI low", "CI high", "ICC(3,1)", "r", "mean change", "verdict"],
        [
            [
                measure_name(instrument, m.measure),
                m.n,
                m.icc2,
                m.icc2_ci[0],
                m.icc2_ci[1],
                m.icc3,
                m.pearson_r,
                m.mean_change,
                m.band or m.verdict,
            ]
            for m in result.measures
        ],
        digits=2,
    )
    stage: StageRetest = result.stage
    agreement = ReportTable(
        "Stage agreement between the waves",
        [
            "people",
            "same stage",
            "moved one stage",
            "moved two or more",
            "weighted kappa",
            "CI low",
            "CI high",
            "verdict",
        ],
        [
            [
                stage.n,
                stage.exact_agreement,
                stage.moved_one,
                stage.moved_two_or_more,
                stage.kappa,
                stage.kappa_ci[0],
                stage.kappa_ci[1],
                stage.band or stage.verdict,
            ]
        ],
        digits=2,
    )
    crossed = ReportTable(
        "Stage at each wave (people)",
        [f"wave {result.first} ↓ / wave {result.second} →", *_STAGE_LABELS],
        [[name, *row] for name, row in zip(_STAGE_LABELS, stage.table, strict=True)],
    )
    return [measures, agreement, crossed]


def _method() -> str:
    return (
        "The rows of the data are paired by respondent_id between two waves: the last two, in the order "
        "the waves first appear, unless others were asked for (allypath methods --retest-first and "
        "--retest-second, or allypath stats retest); only people placed in a stage in both waves are "
        "paired. For the developmental index and each scale score: ICC(2,1), the intraclass "
        "correlation for absolute agreement of one measurement (the share of the scores' variance that "
        "lies between people rather than between a person's two answers, a shift of everyone between "
        "the waves counting as disagreement; 1: the same score both times, 0: no more alike than two "
        "people's), with its 95% confidence interval (CI low to CI high); ICC(3,1), the same ignoring "
        "such a shift; r, Pearson's correlation; mean change, the mean of second minus first. For the "
        "stage: the shares at the same stage, one stage and two or more apart, and Cohen's kappa with "
        "quadratic weights (agreement beyond chance, a move of two stages counting four times one of one) "
        "with its 95% interval. Each is judged on its whole interval by Koo & Li's (2016) bands: below "
        "0.5 poor, 0.5 to 0.75 moderate, 0.75 to 0.9 good, above 0.9 excellent. Verdict, on the index "
        "and the stage kappa: good when both intervals lie at least in the good band; problem when "
        "either lies wholly in the poor band; otherwise caution; no verdict under "
        f"{MIN_PAIRS} pairs."
    )


def retest_section(
    scored: pd.DataFrame, instrument: Instrument, first: str | None = None, second: str | None = None
) -> tuple[dict[str, Any], Section]:
    """Test-retest reliability of ``scored`` (scored rows with their respondent_id and wave) between
    the waves ``first`` and ``second`` (default: the last two; one given, its neighbour); numbers and
    section."""
    reason = _why_no_panel(scored)
    if reason is not None:
        verdict = (
            f"Not computed, as {reason}: test-retest reliability needs the same people (the same "
            f"{ID_COLUMN}) in two waves, so run a second wave with panel ids and then `allypath stats "
            "retest` on the scored waves, or this report on both waves together."
        )
        return {"skipped": reason}, Section(_KEY, _TITLE, verdict, "info", _method())
    try:
        result = retest_reliability(scored, first=first, second=second)
    except DataError as exc:
        # A panel the retest refuses (a man twice in one wave, a row without its wave or id) should
        # not cost the researcher the rest of the report: the section names the problem instead.
        verdict = (
            f"Test-retest reliability could not be computed: {exc}. Correct the data and run the "
            "report again."
        )
        return {"skipped": str(exc)}, Section(_KEY, _TITLE, verdict, "caution", _method())
    index = next((m for m in result.measures if m.measure == INDEX_COLUMN), None)
    opening, status = _verdict(result, index)
    chosen = first is not None or second is not None
    verdict = " ".join([opening, _pairing(result, chosen), _CAVEAT])
    tables = _tables(result, instrument) if result.n_pairs else []
    return result.to_dict(), Section(_KEY, _TITLE, verdict, status, _method(), tables)
