"""Stage mix, response rates and the non-response band, per group and always through the gate.

Uncertainty: shares of placed respondents at each stage carry **Wilson score intervals** on the
counts (closed form, so every engine computes the same; good coverage at small n and near 0 or 1).
The mean of the stage probabilities (``expected_<stage>``) is reported beside the hard shares: it
keeps the classification uncertainty of respondents between stages.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from allypath.analytics._gating import (
    GatedGroup,
    by_columns,
    gated_groups,
    group_means,
    hidden_row,
    placed,
    require,
)
from allypath.errors import DataError
from allypath.model import STAGE_KEYS
from allypath.privacy import PrivacyPolicy, Release
from allypath.privacy.release import DETAIL_BANDS, DETAIL_STAGES, plain_reason

__all__ = ["STAGE_KEYS", "nonresponse_band", "response_rates", "stage_mix", "wilson_interval"]

PROBABILITY = {key: f"p_{key}" for key in STAGE_KEYS}  # apathy, ambivalence, reflective, energised


def wilson_interval(
    successes: np.ndarray | float, n: np.ndarray | float, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion.

    .. math:: \\frac{x + z^2/2}{n + z^2} \\pm \\frac{z}{n + z^2}\\sqrt{\\frac{x (n - x)}{n} + \\frac{z^2}{4}}

    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    JASA 22(158), 209-212.

    Examples
    --------
    >>> low, high = wilson_interval(3, 10)
    >>> round(float(low), 4), round(float(high), 4)
    (0.1078, 0.6032)
    """
    x = np.asarray(successes, dtype=float)
    total = np.asarray(n, dtype=float)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (x + z * z / 2) / (total + z * z)
        half = z / (total + z * z) * np.sqrt(x * (total - x) / total + z * z / 4)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _mix_rows(groups: list[GatedGroup], level: float) -> list[dict[str, object]]:
    """Stage-mix figures for every published group, in one pass over the rows.

    A group shows every stage, two bands (``share_early``: Apathy or Ambivalence, ``share_late``:
    Reflective or Energised) or no split, as its cell in the release says (``split``).
    """
    if not groups:
        return []
    frame = groups[0].frame
    stage = pd.to_numeric(frame["stage"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    columns = {key: (stage == number).astype(float) for number, key in enumerate(STAGE_KEYS, 1)}
    for key in STAGE_KEYS:
        source = PROBABILITY[key]
        columns[source] = (
            pd.to_numeric(frame[source], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            if source in frame.columns
            else np.full(len(frame), np.nan)
        )
    # shares are means of 0/1 columns: the release's split rule decides what is shown of them
    shares = _plain_means(groups, pd.DataFrame(columns), list(columns))
    n = np.array([g.decision.n for g in groups], dtype=float)
    low, high = wilson_interval(shares[:, : len(STAGE_KEYS)] * n[:, None], n[:, None], level)
    early = shares[:, 0] + shares[:, 1]
    band_low, band_high = wilson_interval(early * n, n, level)
    rows = []
    for position, group in enumerate(groups):
        row = {**hidden_row(group), **_empty_mix()}
        detail = group.detail if group.decision.n > 0 else 0
        row["split"] = SPLITS[detail] if group.visible else pd.NA
        code = group.cell.split_reason if group.visible and group.cell is not None else ""
        row["split_message"] = plain_reason(code, PrivacyPolicy()) if code else pd.NA
        if detail == DETAIL_STAGES:
            for j, key in enumerate(STAGE_KEYS):
                row[f"share_{key}"] = float(shares[position, j])
                row[f"low_{key}"] = float(low[position, j])
                row[f"high_{key}"] = float(high[position, j])
                row[f"expected_{key}"] = float(shares[position, len(STAGE_KEYS) + j])
        if detail == DETAIL_BANDS:  # the two bands stand in for a split that would give someone away
            row["share_early"] = float(early[position])
            row["share_late"] = 1.0 - float(early[position])
            row["low_early"], row["high_early"] = float(band_low[position]), float(band_high[position])
        rows.append(row)
    return rows


#: How much of a group's stage split is shown, by the release's detail level.
SPLITS = {0: "hidden", 1: "bands", 2: "stages"}
BAND_COLUMNS = ("share_early", "share_late", "low_early", "high_early")


def _plain_means(groups: list[GatedGroup], frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    # shares are means of 0/1 columns, in one pass over every group's rows (no answer rule: the
    # release's split rule decides what is shown of them)
    return group_means(groups, frame, columns)


def _empty_mix() -> dict[str, float]:
    out = {
        f"{part}_{key}": float("nan") for key in STAGE_KEYS for part in ("share", "low", "high", "expected")
    }
    out.update(dict.fromkeys(BAND_COLUMNS, float("nan")))
    return out


def stage_mix(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
    with_total: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of placed respondents at each stage per group, with Wilson intervals.

    Parameters
    ----------
    scored : scored responses (``stage``, ``p_<stage>``, ``respondent_id`` and the ``by`` columns).
    by : the column(s) to group by.
    release : the organisation's release (if omitted, this view's own tables are solved).
    policy : the minimum group sizes when no release is given.
    filters : column -> value, restricting the rows first (e.g. ``{"wave": "2026-Q1"}``).
    with_total : add the filtered total as a first row (the groups are its breakdown).
    level : confidence level of the intervals.

    Returns
    -------
    DataFrame, one row per group: the ``by`` values, ``group``, ``n``, ``visible``, ``reason``,
    ``message``, then ``share_<stage>``, ``low_<stage>``, ``high_<stage>``, ``expected_<stage>``
    for apathy, ambivalence, reflective and energised (NaN where hidden).
    """
    require(scored, ["stage"])
    groups = gated_groups(placed(scored), by, release, policy=policy, filters=filters, with_total=with_total)
    return pd.DataFrame(_mix_rows(groups, level))


def _invited_lookup(
    invited: pd.DataFrame | Mapping[Hashable, int], by: list[str]
) -> dict[tuple[Hashable, ...], int]:
    if isinstance(invited, pd.DataFrame):
        require(invited, [*by, "invited"])
        counts = invited["invited"].astype(int).tolist()
        return dict(zip(zip(*(invited[c].tolist() for c in by), strict=True), counts, strict=True))
    if len(by) != 1:
        raise DataError(
            "give invited counts as a DataFrame when grouping by several columns", column="invited"
        )
    return {(value,): int(count) for value, count in invited.items()}


def response_rates(
    scored: pd.DataFrame,
    invited: pd.DataFrame | Mapping[Hashable, int],
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Respondents over invited per group, with a Wilson interval.

    ``invited`` holds the HRIS counts: a mapping value -> count (one ``by`` column) or a DataFrame
    with the ``by`` columns and ``invited``. Respondents are the usable (placed) responses, the
    same rows every other view counts, so two views of one group never differ by the few
    unusable responses. A group is shown when its
    respondents pass the gate (then at least ``k`` were invited too).
    """
    columns = by_columns(by)
    lookup = _invited_lookup(invited, columns)
    rows = []
    for group in gated_groups(placed(scored), columns, release, policy=policy, filters=filters):
        key = tuple(group.values[c] for c in columns)
        count = lookup.get(key)
        row = hidden_row(group)
        rate = low = high = float("nan")
        if count is None:
            raise DataError(f"no invited count for group {group.label!r}", column="invited")
        if group.decision.n > count:
            raise DataError(f"group {group.label!r} has more respondents than invited", column="invited")
        if group.visible:  # shown respondents are at least k, so are the invited
            rate = group.decision.n / count
            low_a, high_a = wilson_interval(group.decision.n, count, level)
            low, high = float(low_a), float(high_a)
        row["invited"] = count if group.visible else pd.NA
        rows.append({**row, "response_rate": rate, "low": low, "high": high})
    return pd.DataFrame(rows)


def nonresponse_band(
    scored: pd.DataFrame,
    invited: int,
    *,
    apathy_share: float = 0.8,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """The organisation's stage mix under two views of the non-respondents, as a band per stage.

    - **ignorable**: non-respondents resemble respondents (the respondents' mix, m).
    - **apathetic**: a share ``a`` (``apathy_share``) of non-respondents is in Apathy and the rest
      resemble respondents: m_non = a e_apathy + (1 - a) m, so the organisation's mix is
      m + (1 - r) a (e_apathy - m) with r the response rate.

    Nothing measured says which view holds (the research read low response as men unsure of their
    role, not as a known mix of non-respondents), so this is a sensitivity check, not an estimate:
    ``low_<stage>``/``high_<stage>`` bound each stage's share between the two views.

    Returns
    -------
    DataFrame with one row (the filtered organisation): ``n``, ``invited``, ``response_rate``,
    ``respondent_<stage>``, ``low_<stage>``, ``high_<stage>`` (NaN when hidden).
    """
    if not 0.0 <= apathy_share <= 1.0:
        raise DataError(f"apathy_share must be between 0 and 1, got {apathy_share}", column="apathy_share")
    require(scored, ["stage"])
    (group,) = gated_groups(placed(scored), [], release, policy=policy, filters=filters)
    k = release.policy.k if release is not None else (policy or PrivacyPolicy()).k
    row = hidden_row(group)
    if group.decision.n > invited:
        raise DataError("more respondents than invited", column="invited")
    out: dict[str, object] = {**row, "invited": invited, "response_rate": float("nan")}
    if group.visible and invited >= k:
        # the count is published (the total's n) and the invited are HR's own: the rate is shown,
        # the same figure as the wave page's, even where the band itself cannot be
        out["response_rate"] = group.decision.n / invited
    if not group.figures or group.detail < DETAIL_STAGES or invited < k:
        out.update({f"{p}_{k}": float("nan") for k in STAGE_KEYS for p in ("respondent", "low", "high")})
        if group.visible:  # the group is shown, its band is not: say the true reason
            code, message = _band_hidden(group, invited, k)
            out.update({"visible": False, "reason": code, "message": message})
        return pd.DataFrame([out])

    (figures,) = _mix_rows([group], 0.95)
    mix = np.array([figures[f"share_{k}"] for k in STAGE_KEYS], dtype=float)
    response = group.decision.n / invited
    apathetic = mix + (1 - response) * apathy_share * (np.eye(4)[0] - mix)
    out["response_rate"] = response
    for index, key in enumerate(STAGE_KEYS):
        out[f"respondent_{key}"] = float(mix[index])
        out[f"low_{key}"] = float(min(mix[index], apathetic[index]))
        out[f"high_{key}"] = float(max(mix[index], apathetic[index]))
    return pd.DataFrame([out])


#: Why the band of a shown group is not shown while its wave is open (the count and rate are).
BAND_OPEN = (
    "the stage mix of those who did not answer is estimated once the wave closes (while answers"
    " arrive, only the response count and rate are published)"
)


def _band_hidden(group: GatedGroup, invited: int, k: int) -> tuple[str, str]:
    """(reason code, plain words) of a shown group whose non-response band is not shown."""
    if not group.figures:
        return "open_wave", BAND_OPEN
    if invited < k:
        return "below_k", f"fewer than {k} people were invited"
    code = group.cell.split_reason if group.cell is not None else ""
    why = plain_reason(code, PrivacyPolicy()) if code else "the stage split is not published"
    return code or "attribute", f"it is worked out from every stage's share, and for this selection {why}"
