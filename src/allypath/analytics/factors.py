"""What surrounds the stage mix, per group and through the gate: barriers, norms and enablers,
HR's three diagnostic questions, policy awareness, perceived versus scored stage, turning points
and context profiles.

Scores are construct means on the instrument's 1-5 agreement scale; the knowledge check is the
share of policy facts identified correctly (0-1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from allypath.analytics._gating import (
    GatedGroup,
    by_columns,
    discloses_answers,
    gated_groups,
    group_means_and_sizes,
    hidden_row,
    placed,
    view_release,
)
from allypath.analytics.margin_words import give_or_take, straddles
from allypath.model import BARRIERS, DIAGNOSTIC_QUESTIONS, ENABLERS, NORMS
from allypath.privacy import PrivacyPolicy, Release, plain_reason, solve_answerers
from allypath.privacy.release import DETAIL_STAGES

__all__ = [
    "AWARE_THRESHOLD",
    "VERIFIED_THRESHOLD",
    "chance_margin",
    "context_profiles",
    "diagnostic_answers",
    "factor_heatmap",
    "perception_gap",
    "policy_awareness",
    "turning_points",
    "widest_margins",
]

AWARE_THRESHOLD = 3.5  # mean claimed policy awareness at "agree" or above
VERIFIED_THRESHOLD = 0.75  # at least three in four policy facts identified correctly
AGREE, DISAGREE = 3.5, 2.5  # on the 1-5 scale: agreement and disagreement on average
SCALE_MAX = 5.0
LIKERT = (1.0, SCALE_MAX)  # construct means run from 1 to 5
FACTORS = (*BARRIERS, *NORMS, *ENABLERS)
STAGE_SCALE = (1.0, 4.0)  # a context's average stage runs from 1 (Apathy) to 4 (Energised)
Z95 = NormalDist().inv_cdf(0.975)


def chance_margin(n: float | None, scale: tuple[float, float]) -> float | None:
    """How far a mean of ``n`` answers on ``scale`` may move by chance: the widest 95% margin, in
    tenths, rounded up (None without a size).

    The pages show a group's mean with this margin, so it is worked out from what they publish
    anyway: the number of men the mean is over (the group's size in the release, or where some
    skipped the question, the count the release of its answerers shows: :func:`widest_margins`)
    and the scale. Never from the group's own spread: with its mean and standard deviation, a
    member who knows his own answer learns the others' sum and sum of squares, which in a small
    group can pin their answers.

    The spread taken is the widest any answers on the scale can have, half its range (Popoviciu's
    inequality, 1935: a variable within [a, b] has a variance of at most (b - a)^2 / 4; 2 points on
    the 1-5 agreement scale, 1.5 stages on 1-4), so the margin is never narrower than chance
    allows: a difference wider than two groups' margins together is not chance. Typical answers
    spread less (construct means about 0.5 to 0.9 on the simulator), so the real margin is usually
    smaller; the pages say "up to". Rounded up to a tenth, as the pages print means to a tenth.

    Examples
    --------
    >>> chance_margin(12, (1.0, 5.0)), chance_margin(100, (1.0, 5.0)), chance_margin(12, (1.0, 4.0))
    (1.2, 0.4, 0.9)
    >>> chance_margin(None, (1.0, 5.0)) is None
    True
    """
    if n is None or (isinstance(n, float) and math.isnan(n)) or float(n) < 1:
        return None
    low, high = scale
    half = Z95 * (high - low) / 2 / math.sqrt(float(n))
    return math.ceil(round(half * 10, 6)) / 10


def widest_margins(sizes: np.ndarray, scale: tuple[float, float]) -> list[float | None]:
    """Per group, the widest :func:`chance_margin` among its shown means: ``sizes`` (groups x means)
    holds the published number each shown mean is over (NaN where not shown,
    :func:`~allypath.analytics._gating.group_means_and_sizes`), so the smallest decides. None where
    the group shows no mean.

    One margin per group, the widest, keeps "up to" true of every mean beside it: a question 30% of
    the men skipped has a margin about a fifth wider than the group's size alone would give.

    Examples
    --------
    >>> widest_margins(np.array([[100.0, 70.0], [np.nan, np.nan]]), (1.0, 5.0))
    [0.5, None]
    """
    out: list[float | None] = []
    for row in np.atleast_2d(np.asarray(sizes, dtype=float)):
        known = row[~np.isnan(row)]
        out.append(chance_margin(float(known.min()), scale) if known.size else None)
    return out


def share(yes: pd.Series) -> float:
    """The share of ``True``, withheld (NaN) where it would tell members' answers: when all but at
    most one answered alike, a member who knows his own answer knows everyone else's.

    Examples
    --------
    >>> share(pd.Series([True, False, True, True, False])), share(pd.Series([True] * 4 + [False]))
    (0.6, nan)
    """
    count, n = int(yes.sum()), len(yes)
    if n == 0 or count <= 1 or count >= n - 1:
        return float("nan")
    return count / n


def _bounded_mean(values: pd.Series, scale: tuple[float, float]) -> float:
    """The mean, withheld where it pins every other member's answer (see ``discloses_answers``)."""
    mean = float(values.mean()) if len(values) else float("nan")
    pinned = discloses_answers(np.array([mean]), np.array([len(values)]), scale)[0]
    return float("nan") if pinned else mean


def _mean(rows: pd.DataFrame, column: str) -> float:
    values = _values(rows, column)
    return float(values.mean()) if len(values) else float("nan")


def _values(rows: pd.DataFrame, column: str) -> pd.Series:
    """The non-missing numeric values of ``column`` (empty if the column is absent)."""
    if column not in rows.columns:
        return pd.Series(dtype=float)
    return pd.to_numeric(rows[column], errors="coerce").astype(float).dropna()


def _groups(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    release: Release | None,
    policy: PrivacyPolicy | None,
    filters: Mapping[str, Hashable] | None,
) -> tuple[list[GatedGroup], PrivacyPolicy]:
    chosen = release.policy if release is not None else policy or PrivacyPolicy()
    return gated_groups(placed(scored), by, release, policy=chosen, filters=filters), chosen


@dataclass(frozen=True)
class _Question:
    """One question answered by a subgroup of each group (skipping it leaves the score blank), with
    the release of its answerers (:func:`~allypath.privacy.release.solve_answerers`)."""

    column: str  # the question's score (blank: not answered)
    answerers: Release | None  # None: the data has no such question
    filters: dict[str, Hashable]
    policy: PrivacyPolicy
    asked: frozenset[Hashable] = frozenset()  # the waves where someone answered it (None: no waves)

    def reason(self, code: str) -> str:
        return plain_reason(code, self.policy)

    def published(self, group: GatedGroup) -> tuple[int | None, str]:
        """How many of ``group`` answered (None: hidden, and then their figures too) and why not in
        plain words ("" when shown, or when there is nothing to hide)."""
        if self.answerers is None or not group.figures:
            return None, ""
        where = {**self.filters, **group.values}
        wave_column = self.answerers.wave_column
        if (where.get(wave_column) if wave_column else None) not in self.asked:
            return None, ""  # not asked in this wave (e.g. no policies declared): nothing hidden
        cell = self.answerers.cell(where)
        if cell.n is None:
            code = "below_k_answers" if cell.reason == "below_k" else "complementary_answers"
            return None, self.reason(code)
        return cell.n, ""

    def split_shown(self, group: GatedGroup) -> bool:
        """Whether the answerers' release shows ``group``'s yes/no split: its attribute rule hides
        it where the share, alone or against the other shown shares (a parent minus its children),
        would tell every answer of some answerers; it hides the smaller cell's split where it can,
        so the whole organisation's share stays (``solve_answerers``)."""
        if self.answerers is None or not group.figures:
            return False
        return self.answerers.cell({**self.filters, **group.values}).detail >= DETAIL_STAGES


def _questions(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    release: Release | None,
    policy: PrivacyPolicy | None,
    filters: Mapping[str, Hashable] | None,
    questions: Mapping[str, tuple[Sequence[str], Callable[[pd.DataFrame], pd.Series]]],
) -> tuple[list[GatedGroup], dict[str, _Question]]:
    """The gated groups and, per question, its answerers' release.

    Why a release of the answerers (and not "publish a figure only where its sibling cells pass, and
    band ``answered``"): the release machinery already solves complementary suppression over every
    declared table, the hierarchy and every linear combination at once, and its result depends on
    the data and the declared tables only. A sibling rule would be a second, weaker solver (it
    misses combinations across tables) and banding ``answered`` would not stop two shares from
    being subtracted. So every answer count and share comes from one more release, solved the
    same way over the whole organisation; nothing depends on which cells a viewer asked for.

    ``questions`` maps a name to (the columns that are blank when the question is skipped, the
    answer of each row: True for yes, or a code 1..4 for an answer of several kinds). Every answer
    count and share below comes from these releases, which are solved over the whole
    organisation's tables at once (not per cell asked), so the figures neither depend on what
    anyone looked at before nor differ between two views in a way that isolates fewer than k
    answerers (see ``solve_answerers``).
    """
    filters = dict(filters or {})
    rows = placed(scored)
    chosen = release.policy if release is not None else policy or PrivacyPolicy()
    if release is None:  # the same tables gated_groups would solve on the spot
        release = view_release(rows, by_columns(by), filters, chosen)
    groups = gated_groups(rows, by, release, policy=chosen, filters=filters)
    out = {}
    for name, (columns, yes) in questions.items():
        present = [c for c in columns if c in rows.columns]
        numbers = rows[present].apply(pd.to_numeric, errors="coerce") if present else rows.iloc[:, :0]
        answered = numbers.notna().any(axis=1) if present else pd.Series(False, index=rows.index)
        solved = None
        if present:
            said = yes(numbers)
            flags = (
                said.fillna(False).to_numpy(dtype=bool)
                if pd.api.types.is_bool_dtype(said)
                else said.fillna(0).to_numpy(dtype=np.int64)  # codes 1..4: an answer of several kinds
            )
            solved = solve_answerers(release, rows, answered.to_numpy(dtype=bool), flags)
        wave_column = release.wave_column
        if wave_column and wave_column in rows.columns:
            asked = frozenset(rows.loc[answered.to_numpy(dtype=bool), wave_column].unique())
        else:
            asked = frozenset([None]) if bool(answered.any()) else frozenset()
        out[name] = _Question(columns[0], solved, filters, chosen, asked)
    return groups, out


def factor_heatmap(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Mean score per barrier, norm and enabler per group: one column per factor key.

    For barriers and norms higher means a stronger obstacle; ``low_policy_awareness`` is shown as
    ``6 - knowledge_claimed`` so that it reads the same way. For enablers higher is better.
    ``margin`` is the widest any of the row's means may move by chance (:func:`widest_margins`;
    None where none is shown). ``DataFrame.attrs["factors"]`` maps each column to its kind and
    English label.
    """
    groups, _ = _groups(scored, by, release, policy, filters)
    frame = groups[0].frame if groups else scored.iloc[:0]
    columns = [f"score_{f.construct}" for f in FACTORS]
    means, sizes = group_means_and_sizes(groups, frame, columns, scale=LIKERT)
    margins = widest_margins(sizes, LIKERT)
    rows = []
    for position, group in enumerate(groups):
        row = hidden_row(group)
        for j, factor in enumerate(FACTORS):
            value = float(means[position, j])
            if factor.key == "low_policy_awareness":
                value = SCALE_MAX + 1 - value
            row[factor.key] = value
        row["margin"] = margins[position]
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["factors"] = {f.key: {"kind": f.kind, "label": f.label.get_lang("en")} for f in FACTORS}
    return out


def _verdict(score: float) -> str:
    if np.isnan(score):
        return "unknown"
    return "yes" if score >= AGREE else "no" if score <= DISAGREE else "mixed"


_ANSWERS = {
    "yes": "Mostly yes: on average men agree ({score:.1f} on a 1-5 scale{margin}).",
    "mixed": "Mixed: men neither clearly agree nor disagree ({score:.1f} on a 1-5 scale{margin}).",
    "no": "Mostly no: on average men disagree ({score:.1f} on a 1-5 scale{margin}).",
    "unknown": "No answer: too few responses to these questions.",
}
#: Where the score's margin reaches across 3.5 or 2.5: the answer it gives as it stands, in doubt.
_CLOSE = (
    "Too close to call: as it stands the score says {said}, but chance alone could move it across the"
    " line ({score:.1f} on a 1-5 scale{margin})."
)
_SAID = {"yes": "mostly yes", "mixed": "mixed", "no": "mostly no"}


def _answer(verdict: str, score: float, margin: float | None) -> str:
    """The answer in words, the score with its margin; "too close to call" where the margin straddles
    the line the verdict was read from (3.5 or 2.5, each read inclusively as :func:`_verdict` does)."""
    if verdict == "unknown":
        return _ANSWERS[verdict]
    shown = float(f"{score:.1f}")  # read as written, as the verdict's words give it
    words = give_or_take(margin)
    if straddles(shown, margin, at_least=[AGREE], at_most=[DISAGREE]):
        return _CLOSE.format(said=_SAID[verdict], score=score, margin=words)
    return _ANSWERS[verdict].format(score=score, margin=words)


def diagnostic_answers(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
    language: str = "en",
) -> pd.DataFrame:
    """HR's three diagnostic questions answered in plain words per group, from the enabler scores.

    A question's score is the mean of its constructs' group means; 3.5 and above reads "mostly
    yes", 2.5 and below "mostly no", in between "mixed". One row per group and question:
    ``question`` (key), ``text``, ``score``, ``verdict`` (yes/mixed/no/unknown, as the score stands),
    ``answer``. The answer gives the score with the widest margin chance allows for the number of
    men its means are over (:func:`widest_margins`) and says "too close to call" where that margin
    reaches across 3.5 or 2.5.
    """
    groups, _ = _groups(scored, by, release, policy, filters)
    constructs = sorted({c for q in DIAGNOSTIC_QUESTIONS for c in q.constructs})
    frame = groups[0].frame if groups else scored.iloc[:0]
    means, sizes = group_means_and_sizes(groups, frame, [f"score_{c}" for c in constructs], scale=LIKERT)
    rows = []
    for position, group in enumerate(groups):
        for question in DIAGNOSTIC_QUESTIONS:
            row = hidden_row(group)
            score = float("nan")
            margin = None
            if group.figures:
                at = [constructs.index(c) for c in question.constructs]
                known = [means[position, j] for j in at]
                known = [m for m in known if not np.isnan(m)]
                score = float(np.mean(known)) if known else float("nan")
                # a mean of means moves by no more than the widest of theirs
                (margin,) = widest_margins(sizes[position, at], LIKERT)
            verdict = _verdict(score)
            row.update(
                {
                    "question": question.key,
                    "text": question.text.get_lang(language),
                    "score": score,
                    "verdict": verdict if group.figures else pd.NA,
                    "answer": _answer(verdict, score, margin) if group.figures else pd.NA,
                }
            )
            rows.append(row)
    return pd.DataFrame(rows)


def policy_awareness(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Claimed versus verified policy awareness, and participation, per group.

    - ``answered``: respondents who answered the policy questions.
    - ``claimed_share``: of those, the share whose claimed awareness is at least 3.5.
    - ``verified_share``: of those with a knowledge check, the share with at least 75% correct;
      ``verified_mean`` is the mean share correct.
    - ``participation_share``: share of the group who took part in at least one initiative, of the
      ``participation_answered`` who answered that question.
    - ``verified_answered``: those with a knowledge check, the count ``verified_share`` is of.
      Each count is the one its answerers' release shows (never a hidden one): the pages give a
      share's 95% Wilson range from it.
    - ``claimed_message``, ``verified_message``, ``participation_message``: why the figures of that
      question are hidden for a shown group, in plain words (NA when shown).

    Those who answered a question are a subgroup of the group, and two groups' counts and shares
    could be subtracted ("6 answered overall, 5 in unit A": 1 in unit B, and his answer). So each
    question's answerers are a release of their own, solved with the same complementary
    suppression as the group sizes: a count and its shares are shown only where that release
    shows the answerers' cell, and a share only where it tells no one's answer, also by difference.
    """
    groups, questions = _questions(
        scored,
        by,
        release,
        policy,
        filters,
        {
            "claimed": (["score_knowledge_claimed"], lambda v: v.iloc[:, 0] >= AWARE_THRESHOLD),
            "verified": (["score_knowledge_check"], lambda v: v.iloc[:, 0] >= VERIFIED_THRESHOLD),
            "participation": (["participation_count"], lambda v: v.iloc[:, 0] > 0),
        },
    )
    rows = []
    for group in groups:
        row = hidden_row(group)
        values: dict[str, object] = dict.fromkeys(
            (
                "answered",
                "claimed_share",
                "verified_answered",
                "verified_mean",
                "verified_share",
                "participation_answered",
                "participation_share",
            ),
            float("nan"),
        )
        for name in questions:
            values[f"{name}_message"] = pd.NA
        for name, question in questions.items():
            count, message = question.published(group)
            if count is not None:
                answers = _values(group.rows, question.column)
                yes = {
                    "claimed": answers >= AWARE_THRESHOLD,
                    "verified": answers >= VERIFIED_THRESHOLD,
                    "participation": answers > 0,
                }[name]
                value = share(yes) if question.split_shown(group) else float("nan")
                values[f"{name}_share"] = value
                if name == "claimed":
                    values["answered"] = count
                if name == "participation":
                    values["participation_answered"] = count
                if name == "verified":
                    values["verified_answered"] = count
                    # with the split: one declared policy makes the mean the share itself, and a
                    # difference of means pins a group at 0% or 100% as a difference of shares does
                    values["verified_mean"] = (
                        _bounded_mean(answers, (0.0, 1.0)) if question.split_shown(group) else float("nan")
                    )
                if not message and np.isnan(value):  # it would tell answers, alone or by difference
                    message = question.reason("answer_split")
            if message:
                values[f"{name}_message"] = message
        rows.append({**row, **values})
    return pd.DataFrame(rows)


def perception_gap(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Where men place themselves versus where the scoring places them, per group.

    ``mean_perceived`` and ``mean_scored`` stages, ``mean_gap`` (perceived minus scored) and the
    shares who see themselves further along (``over_share``), behind (``under_share``) or alike.
    Those who placed themselves are a subgroup of the group: their figures are given only where their
    release (as for policy awareness) shows their count and their split (the perceived stages for
    ``mean_perceived``, the three kinds of gap for the rest: a difference of two groups' figures must
    not pin another group's answers), else ``perceived_message`` says why.
    """
    questions = {
        "perceived": (["perception_gap"], _gap_kind),
        # the stage each placed himself at, audited like stages: a difference of two mean
        # perceived stages would otherwise tell a group all at Apathy (or all Energised)
        "stage_seen": (["perceived_stage"], _stage_kind),
    }
    groups, asked = _questions(scored, by, release, policy, filters, questions)
    rows = []
    for group in groups:
        row = hidden_row(group)
        stats: dict[str, object] = dict.fromkeys(
            ("mean_perceived", "mean_scored", "mean_gap", "over_share", "under_share", "aligned_share"),
            float("nan"),
        )
        stats["perceived_message"] = pd.NA
        if group.detail == DETAIL_STAGES:
            # the mean of the stages follows from the split, so it is given only with every stage
            # shown: where the release hides the split ("all 5 at Apathy"), a mean of 1.0 would tell it
            stats["mean_scored"] = _mean(group.rows, "stage")
        count, message = asked["perceived"].published(group)
        if message:
            stats["perceived_message"] = message
        if count is not None and "perception_gap" in group.rows:
            gap = pd.to_numeric(group.rows["perception_gap"], errors="coerce").dropna()
            # means withheld where they pin every other answer (_bounded_mean), and with their
            # split where a difference of two would (a group all at one end answered alike)
            if asked["stage_seen"].split_shown(group):
                stats["mean_perceived"] = _bounded_mean(_values(group.rows, "perceived_stage"), STAGE_SCALE)
            if len(gap) and asked["perceived"].split_shown(group):  # three kinds, audited across differences
                stats["mean_gap"] = _bounded_mean(gap, (-3.0, 3.0))
                stats.update(
                    over_share=share(gap > 0), under_share=share(gap < 0), aligned_share=share(gap == 0)
                )
            withheld = ("mean_perceived", "mean_gap", "over_share", "under_share", "aligned_share")
            if len(gap) and any(np.isnan(float(stats[k])) for k in withheld):  # type: ignore[arg-type]
                stats["perceived_message"] = asked["perceived"].reason("answer_split")
        rows.append({**row, **stats})
    return pd.DataFrame(rows)


def _stage_kind(numbers: pd.DataFrame) -> pd.Series:
    """The stage each man placed himself at, 1..4 (0: none), as the answerers' release audits it."""
    stage = numbers.iloc[:, 0].round()
    return pd.Series(np.where(stage.between(1, 4), stage.fillna(0), 0), index=stage.index, dtype=np.int64)


def _gap_kind(numbers: pd.DataFrame) -> pd.Series:
    """Each man's perception gap as a kind: 1 further along than scored, 2 behind, 3 the same (the
    answerers' release audits the three shares like stages)."""
    gap = numbers.iloc[:, 0]
    return pd.Series(np.select([gap > 0, gap < 0, gap == 0], [1, 2, 3], 0), index=gap.index, dtype=np.int64)


def turning_points(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Share of each group naming each turning point (columns ``tp_<option>`` if present).

    Shares are among those who answered the question (any ``tp_`` column not blank). Those are a
    subgroup of the group, released as for policy awareness: per option, the release of the
    answerers (with naming the option as the yes-answer) says whether the share may be shown, so no
    difference of two shown shares tells the answer of fewer than k people. ``answers_message``
    says in plain words why shares are hidden for a shown group (NA when all are shown), and
    ``answered`` how many answered, the count the answerers' release shows (NA when it hides it; the
    answerers are the same for every option, so is their count). Without ``tp_`` columns the result
    has the group columns only.
    """
    options = [c for c in scored.columns if c.startswith("tp_")]
    questions = {option: (options, lambda v, option=option: v[option].fillna(0) > 0) for option in options}
    groups, answered = _questions(scored, by, release, policy, filters, questions)
    rows = []
    for group in groups:
        row = hidden_row(group)
        messages = []
        counts: set[int | None] = set()
        for option in options:
            count, message = answered[option].published(group)
            counts.add(count)
            value = float("nan")
            if count is not None:
                chosen = pd.to_numeric(group.rows[option], errors="coerce").fillna(0)
                said = group.rows[options].notna().any(axis=1)
                value = share(chosen[said] > 0) if answered[option].split_shown(group) else float("nan")
            if message:
                messages.append(message)
            elif count is not None and np.isnan(value):  # it would tell answers, alone or by difference
                messages.append(answered[option].reason("answer_split"))
            row[option.removeprefix("tp_")] = value
        if options:
            row["answers_message"] = messages[0] if messages else pd.NA
            (count,) = counts if len(counts) == 1 else (None,)
            row["answered"] = pd.NA if count is None else count
        rows.append(row)
    return pd.DataFrame(rows)


def context_profiles(
    scored: pd.DataFrame,
    by: str | Sequence[str],
    *,
    release: Release | None = None,
    policy: PrivacyPolicy | None = None,
    filters: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """Mean stage per work context per group (columns ``context_<name>_stage``), one column each.

    Men shift between stages with context; a group's profile shows where it is furthest along
    (e.g. team meetings) and where it lags (e.g. hiring and promotion). ``margin`` is the widest
    any of the row's averages may move by chance on the 1-4 stage scale (:func:`widest_margins`:
    a situation many men skip, such as hiring, is averaged over fewer of them).
    """
    contexts = [c for c in scored.columns if c.startswith("context_") and c.endswith("_stage")]
    groups, _ = _groups(scored, by, release, policy, filters)
    frame = groups[0].frame if groups else scored.iloc[:0]
    means, sizes = group_means_and_sizes(groups, frame, contexts, scale=STAGE_SCALE)
    margins = widest_margins(sizes, STAGE_SCALE)
    rows = []
    for position, group in enumerate(groups):
        row = hidden_row(group)
        for j, column in enumerate(contexts):
            row[column.removeprefix("context_").removesuffix("_stage")] = float(means[position, j])
        row["margin"] = margins[position]
        rows.append(row)
    return pd.DataFrame(rows)
