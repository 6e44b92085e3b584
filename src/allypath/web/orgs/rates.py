"""Response rates per unit of a wave: HR's invited counts, the release's usable responses.

The figures come from the organisation's release (:func:`allypath.web.dashboard.release.org_release`)
through :func:`allypath.analytics.rates.unit_rates`, so the wave page, the API and the dashboard show
one count per group, whoever looks and in whatever order. Only the invited counts come from here.
"""

from __future__ import annotations

from django.db.models import Count

from allypath.analytics.rates import DIRECT, RateRow, RateTable, UnitNode, unit_rates
from allypath.web.dashboard.frames import unit_column
from allypath.web.orgs.models import Invitation, Membership, Role, Unit, Wave

__all__ = ["DIRECT", "RateRow", "RateTable", "response_rates"]


def response_rates(wave: Wave, membership: Membership | None = None) -> RateTable:
    """The per-unit response-rate table of ``wave`` as ``membership`` may see it (analysts: their units)."""
    from allypath.web.dashboard.release import org_release

    published = org_release(wave.org)
    invited = {
        row["unit__path"]: row["n"]
        for row in Invitation.objects.filter(wave=wave).values("unit__path").annotate(n=Count("id"))
    }
    units = [
        UnitNode(u.path, u.name, u.depth, invited.get(u.path, 0))
        for u in Unit.objects.filter(org=wave.org).order_by("path")
    ]
    scope: list[str] = []
    if membership is not None and membership.role == Role.ANALYST:
        scope = [u.path for u in membership.units.all()]
    columns = [unit_column(depth) for depth in range(published.depth + 1)]
    return unit_rates(published.release, published.labels[wave.pk], units, columns, scope=scope)
