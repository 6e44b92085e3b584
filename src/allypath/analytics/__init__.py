"""Group aggregates, response rates, trends, transitions and action plans (docs/architecture.md).

Every function here reads what it may show from the organisation's
:class:`~allypath.privacy.Release` (pass ``release=``): the same cell shows the same figure in every
view, to every viewer. Without one, the view's own tables (its filtered total and breakdown) are
solved on the spot. Results are DataFrames with one row per group (``group``, ``n``, ``visible``,
``reason``, ``message`` and the figures, NaN where hidden), except plans (:class:`PlanItem`) and
comments (:class:`CommentSet`).
"""

from allypath.analytics.change import transitions, wave_change
from allypath.analytics.comments import COMMENT_COLUMNS, CommentSet, comments
from allypath.analytics.factors import (
    AWARE_THRESHOLD,
    VERIFIED_THRESHOLD,
    context_profiles,
    diagnostic_answers,
    factor_heatmap,
    perception_gap,
    policy_awareness,
    turning_points,
)
from allypath.analytics.follow_up import FollowUp, follow_up
from allypath.analytics.mix import nonresponse_band, response_rates, stage_mix, wilson_interval
from allypath.analytics.plans import PLAN_STATUSES, PlanItem, action_plan, plan_progress
from allypath.analytics.summary import GroupSummary, summarise_groups

__all__ = [
    "AWARE_THRESHOLD",
    "COMMENT_COLUMNS",
    "PLAN_STATUSES",
    "VERIFIED_THRESHOLD",
    "CommentSet",
    "FollowUp",
    "GroupSummary",
    "PlanItem",
    "action_plan",
    "comments",
    "context_profiles",
    "diagnostic_answers",
    "factor_heatmap",
    "follow_up",
    "nonresponse_band",
    "perception_gap",
    "plan_progress",
    "policy_awareness",
    "response_rates",
    "stage_mix",
    "summarise_groups",
    "transitions",
    "turning_points",
    "wave_change",
    "wilson_interval",
]
