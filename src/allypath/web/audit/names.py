"""The audit log in words: each stored view code and group as HR reads them on the log page.

The log keeps the codes it was written with (it is append-only and a code is stable for scripts and
exports); only the page names them. Every code passed to :func:`allypath.web.audit.record_access` in
the code base is named here (a test checks it); a code recorded by a later version, or by an older
one, falls back to its own words (``"dashboard.plan.adopt"`` reads "Dashboard: plan adopt").
"""

from __future__ import annotations

__all__ = ["ALL_GROUP", "GROUP_NAMES", "VIEW_NAMES", "group_name", "view_name"]

#: The group recorded when a view shows the whole organisation's figures.
ALL_GROUP = "all"

GROUP_NAMES = {ALL_GROUP: "Whole organisation"}

VIEW_NAMES = {
    # the dashboard pages (the summary at the top of every page is recorded on its own)
    "dashboard.summary": "Dashboard: summary",
    "dashboard.overview": "Dashboard: overview",
    "dashboard.groups": "Dashboard: groups",
    "dashboard.heatmap": "Dashboard: barriers and enablers",
    "dashboard.contexts": "Dashboard: contexts",
    "dashboard.trends": "Dashboard: trends",
    "dashboard.transitions": "Dashboard: transitions",
    "dashboard.plan": "Dashboard: action plan",
    "dashboard.plan.adopt": "Dashboard: action plan, an item adopted",
    "dashboard.comments": "Dashboard: comments",
    "dashboard.follow_up": "Dashboard: follow-up of adopted plan items",
    "dashboard.deck": "Workshop deck (page)",
    "dashboard.deck.pdf": "Workshop deck (PDF)",
    # the board report of a selection, downloaded
    "dashboard.export.pdf": "Board report (PDF)",
    "dashboard.export.html": "Board report (web page)",
    "dashboard.export.csv": "Board report figures (CSV)",
    "dashboard.export.xlsx": "Board report figures (Excel)",
    # the console's other pages
    "console.waves": "Waves list",
    "console.response_rates": "Wave page: response rates",
    "console.links_csv": "Personal survey links (download)",
    "console.import_responses": "Responses imported from a file",
    "console.publication.change": "Published breakdowns changed",
    # the API
    "api.response_rates": "API: response rates",
    "api.dashboard.overview": "API: overview",
    "api.dashboard.groups": "API: groups",
    "api.dashboard.heatmap": "API: heatmap",
    "api.dashboard.trends": "API: trends",
    "api.dashboard.transitions": "API: transitions",
    "api.dashboard.plan": "API: action plan",
    "api.dashboard.comments": "API: comments",
}

_AREAS = {"dashboard": "Dashboard", "console": "Console", "api": "API"}


def view_name(code: str) -> str:
    """The view of an audit entry in words ("Workshop deck (PDF)" for ``"dashboard.deck.pdf"``).

    An unknown code reads as its own words: ``"api.dashboard.new_thing"`` gives "API: dashboard new thing".

    >>> view_name("dashboard.deck.pdf")
    'Workshop deck (PDF)'
    >>> view_name("console.something_new")
    'Console: something new'
    """
    if code in VIEW_NAMES:
        return VIEW_NAMES[code]
    area, _, rest = code.partition(".")
    words = " ".join(part for part in rest.replace("_", " ").replace(".", " ").split())
    area_words = area.replace("_", " ").strip()
    area_name = _AREAS.get(area, area_words[:1].upper() + area_words[1:])
    if not words:
        return area_name or "(no view recorded)"
    return f"{area_name}: {words}" if area_name else words


def group_name(group: str) -> str:
    """The group of an audit entry in words: "Whole organisation" for ``"all"``, else as recorded (the
    filters in words, e.g. "Corporate/EMEA · 2026 Q1 by level")."""
    return GROUP_NAMES.get(group, group)
