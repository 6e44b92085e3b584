"""Group aggregates, response rates, trends and action plans; every figure passes the privacy gate."""

from allypath.analytics.summary import AWARE_THRESHOLD, GroupSummary, summarise_groups

__all__ = ["AWARE_THRESHOLD", "GroupSummary", "summarise_groups"]
