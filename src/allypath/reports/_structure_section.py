"""The methods report's "Stages or a continuum?" section: :func:`allypath.stats.stage_structure`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from allypath.errors import StatsError
from allypath.instrument import Instrument
from allypath.reports.methods import BIC_GLOSS, ReportTable, Section, plain_header
from allypath.scoring import StageModel
from allypath.stats import stage_structure

__all__ = ["structure_section"]

#: The held-out comparison has ample power at this size (z about 12 for 1,000 stage respondents);
#: more only slows the fits, so a larger sample is subsampled at random (said in the section).
MAX_RESPONDENTS = 2000

_STATUS = {"stages": "good", "continuum": "problem", "undecided": "caution"}
_ADVICE = {
    "stages": "The stage labels rest on a structure the data support.",
    "continuum": "Do not read the stage labels as distinct groups: report the developmental index "
    "and the stage probabilities, and do not calibrate the stage model on these data.",
    "undecided": "Treat the stage labels as a convenient summary of a position, not as proof of "
    "distinct stages; do not calibrate the stage model on these data.",
}


def structure_section(
    data: pd.DataFrame, instrument: Instrument, model: StageModel, *, bootstrap: int, seed: int
) -> tuple[dict[str, Any], Section]:
    """The structure test on (at most :data:`MAX_RESPONDENTS` of) ``data``; numbers and section."""
    sample = data
    if len(data) > MAX_RESPONDENTS:
        rows = np.random.default_rng(seed).choice(len(data), MAX_RESPONDENTS, replace=False)
        sample = data.iloc[np.sort(rows)]
    method = (
        "The scoring model's item model (ordered logit, the same slopes, thresholds, item offsets and "
        "acquiescence) fitted with four latent stages, with three and five, and with one continuous "
        "trait whose items are single-peaked (quadratic in the trait: an ideal-point model). Models "
        "are compared by the log-likelihood of held-out respondents (2-fold cross-validation, paired "
        f"z >= 2) and by a parametric bootstrap under the continuum ({bootstrap} draws); "
        f"at most {MAX_RESPONDENTS:,} respondents, drawn at random. The table also gives each model's "
        f"{BIC_GLOSS}."
    )
    try:
        result = stage_structure(sample, instrument=instrument, model=model, bootstrap=bootstrap, seed=seed)
    except StatsError as exc:
        skipped = {"verdict": "undecided", "skipped": str(exc)}
        verdict = f"The structure could not be tested ({exc}), so the stages are not shown to be real."
        return skipped, Section("structure", "Stages or a continuum?", verdict, "caution", method)
    numbers: dict[str, Any] = result.to_dict()
    numbers["subsampled_from"] = len(data) if len(data) > MAX_RESPONDENTS else None
    verdict = f"Verdict: {result.verdict}. {result.reason} {_ADVICE[result.verdict]}"
    models = result.evidence["models"]
    table = ReportTable(
        "Structure models",
        ["model", *(plain_header(k) for k in ("loglik", "npar", "bic", "heldout_loglik"))],
        [[name, m["loglik"], m["npar"], m["bic"], m["heldout_loglik"]] for name, m in models.items()],
    )
    comparisons = ReportTable(
        "Held-out comparisons",
        ["comparison", "difference", "per respondent", "z", "favours"],
        [
            [key, c["difference"], c["per_respondent"], c["z"], c["favours"] or "neither"]
            for key, c in result.evidence["comparisons"].items()
        ],
    )
    section = Section(
        "structure",
        "Stages or a continuum?",
        verdict,
        _STATUS[result.verdict],
        method,
        [table, comparisons],
        [],
    )
    return numbers, section
