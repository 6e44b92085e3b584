"""The dashboard's "Contexts" page: context profiles per group, turning points, declared-policy awareness."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from allypath.reports.charts import Chart, heatmap
from allypath.web.console.dashboard import refused_context, render_tab
from allypath.web.dashboard.contexts import Contexts, contexts_view
from allypath.web.dashboard.query import DashboardQuery

__all__ = ["contexts"]


def _chart(result: Contexts) -> Chart | None:
    """The profiles as a grid: groups down, situations across, the average stage written in each cell."""
    labels = dict(result.contexts)
    named = [("everyone selected", result.overall)] + [
        (str(row.get("value") or row.get("group")), row) for row in result.rows if row.get("visible")
    ]
    cells = [
        {"Group": name, "Situation": labels.get(c["key"], c["key"]), "Average stage": c["mean"]}
        for name, row in named
        if row
        for c in row.get("cells", [])
        if c["mean"] is not None
    ]
    if not cells:
        return None
    return heatmap(
        pd.DataFrame(cells),
        x="Situation",
        y="Group",
        value="Average stage",
        title="Average stage by situation",
        description="Average stage of each group in each work situation, from 1 (Apathy, red) to 4 "
        "(Energised, blue); the same figures are in the table below.",
        domain=(1.0, 4.0),
        colors=("#d6604d", "#f7f7f7", "#4393c3"),
        value_format=".1f",
        label_threshold=None,
        cell_size=110,
    )


def _margins(result: Contexts) -> list[dict[str, Any]]:
    """Per shown profile (everyone selected, then each group with an average shown): its name, its
    published size and how far its averages may move by chance: the profile's ``margin``, the widest
    of its averages, each from the number of men who answered that situation as the release of its
    answerers shows it (never the group's spread: :func:`~allypath.analytics.factors.widest_margins`)."""
    named = [("everyone selected", result.overall)] + [
        (str(row.get("value") or row.get("group")), row) for row in result.rows if row.get("visible")
    ]
    out = []
    for name, row in named:
        shown = row and any(c["mean"] is not None for c in row.get("cells", []))
        found = row.get("margin") if row and shown else None
        if row and found is not None and found == found:
            out.append({"name": name, "n": row["n"], "margin": found})  # the page prints it: plus_minus
    return out


@login_required
def contexts(request: HttpRequest, slug: str) -> HttpResponse:
    def compute(query: DashboardQuery) -> dict[str, Any]:
        result = contexts_view(request, query)
        parts = refused_context(result)
        if not result.refused:
            parts["view"] = result
            parts["chart"] = _chart(result)
            parts["margins"] = _margins(result)
        return parts

    return render_tab(request, slug, "dashboard_contexts", "contexts.html", compute, by_default="unit")
