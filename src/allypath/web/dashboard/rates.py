"""Response rates per unit of a wave: HR's invited counts, the release's usable responses.

The figures come from the organisation's release (:func:`allypath.web.dashboard.release.org_release`)
through :func:`allypath.analytics.rates.unit_rates`, so the wave page, the API and the dashboard show
one count per group, whoever looks and in whatever order. Only the invited counts come from here.
:func:`rates_view` is the door of the wave page and the API: it refuses a wave without response rates
(:attr:`Wave.no_rates_reason <allypath.web.orgs.models.Wave.no_rates_reason>`, the one place that
rule lives) and records the access in the audit log.
"""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest

from allypath.analytics.rates import DIRECT, RateRow, RateTable, UnitNode, unit_rates
from allypath.web.audit import record_access
from allypath.web.dashboard.frames import unit_column
from allypath.web.dashboard.query import DashboardInputError
from allypath.web.dashboard.release import org_release
from allypath.web.orgs.models import Invitation, Membership, Role, Unit, Wave

__all__ = ["DIRECT", "RateRow", "RateTable", "rates_view", "response_rates"]


def rates_view(request: HttpRequest, wave: Wave, membership: Membership, view: str) -> RateTable:
    """The response-rate table of ``wave`` for ``membership``, audited as ``view``.

    Raises :class:`~allypath.web.dashboard.query.DashboardInputError` (422, ``no_rates``, the wave's
    ``no_rates_reason`` as its message) for a wave that has no response rates (imported, or a draft).
    """
    if not wave.has_response_rates:
        raise DashboardInputError(422, "no_rates", "wave", wave.no_rates_reason)
    table = response_rates(wave, membership)
    record_access(request, org=wave.org, wave=wave, group="all", view=view)
    return table


def response_rates(wave: Wave, membership: Membership | None = None) -> RateTable:
    """The per-unit response-rate table of ``wave`` as ``membership`` may see it (analysts: their units)."""
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
