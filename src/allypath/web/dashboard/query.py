"""What a dashboard request asks for, checked before any figure is computed.

:func:`resolve` turns the raw parameters (from a console page's query string or an API call) into a
:class:`DashboardQuery`: the organisation (through the access helper), the wave(s), the filters on
unit / level / region and the breakdown. Every problem is a :class:`DashboardInputError` naming the
parameter and saying what is wrong, with its HTTP status (404 for a wave of another organisation,
403 for a unit outside an analyst's scope, 422 for the rest), so no bad input reaches the analytics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, QuerySet

from allypath.errors import RequestProblem
from allypath.privacy import describe
from allypath.web.dashboard.frames import unit_column, wave_labels
from allypath.web.orgs.access import get_for, membership_for
from allypath.web.orgs.models import (
    Invitation,
    Membership,
    Organisation,
    PrivacyMode,
    Role,
    Unit,
    Wave,
    WaveStatus,
)

__all__ = [
    "BREAKDOWNS",
    "PARAMETERS",
    "DashboardInputError",
    "DashboardQuery",
    "FilterOptions",
    "filter_options",
    "resolve",
    "visible_units",
]

BREAKDOWNS = ("unit", "level", "region")
PARAMETERS = ("wave", "from_wave", "to_wave", "unit", "level", "region", "by")
MAX_TEXT = 500


class DashboardInputError(RequestProblem):
    """A parameter the dashboard cannot serve: ``field`` names it, ``status`` is the HTTP answer,
    ``reason`` the machine-readable cause (the gate's reason for a refused filter, else ``code``).
    The API and the console answer it where they answer every :class:`RequestProblem`."""

    field: str

    def __init__(self, status: int, code: str, field: str, message: str, *, reason: str = "") -> None:
        super().__init__(status, message, field=field, code=code)
        self.reason = reason or code  # for a refused filter: the privacy gate's rule

    def field_errors(self) -> list[tuple[str, str, str]]:
        return [(self.field, self.message, self.reason)]


@dataclass(frozen=True)
class DashboardQuery:
    """A checked request: figures for ``wave`` (and ``later`` for trends) within ``chosen`` filters."""

    org: Organisation
    membership: Membership
    wave: Wave
    later: Wave | None
    labels: dict[int, str]
    depth: int  # deepest unit level of the organisation
    unit: Unit | None
    level: str | None
    region: str | None
    by: str | None
    chosen: dict[str, str] = field(default_factory=dict)  # the filters the user typed (not the scope)

    @property
    def filters(self) -> dict[str, str]:
        """Analytics filters without the wave: unit subtree, level, region."""
        out: dict[str, str] = {}
        if self.unit is not None:
            out[unit_column(self.unit.depth)] = self.unit.path
        if self.level:
            out["level"] = self.level
        if self.region:
            out["region"] = self.region
        return out

    @property
    def wave_filters(self) -> dict[str, str]:
        return {"wave": self.labels[self.wave.pk], **self.filters}

    @property
    def by_column(self) -> str | None:
        """The frame column of the breakdown (sub-units of the unit filter for ``by=unit``)."""
        if self.by == "unit":
            return unit_column(self.unit.depth + 1 if self.unit is not None else 0)
        return self.by

    @property
    def waves(self) -> list[Wave]:
        return [self.wave] if self.later is None else [self.wave, self.later]

    @property
    def panel(self) -> bool:
        return all(w.privacy_mode == PrivacyMode.PANEL for w in self.waves)

    @property
    def description(self) -> str:
        """The audited group: the filters, and the breakdown if any."""
        label = describe({"wave": self.labels[self.wave.pk], **self.filters})
        if self.later is not None:
            label += f" -> {self.labels[self.later.pk]}"
        return f"{label} by {self.by}" if self.by else label


def _one(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise DashboardInputError(
            422, "invalid_parameter", name, f"{name} is longer than {MAX_TEXT} characters"
        )
    # No unit, level, region or wave name holds a control character; PostgreSQL refuses NUL outright
    # (it was a 500 there, found by schemathesis), so such a value is a 422, never a database query.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise DashboardInputError(422, "invalid_parameter", name, f"{name} contains a control character")
    return text or None


def _launched(org: Organisation) -> QuerySet[Wave]:
    return Wave.objects.filter(org=org).exclude(status=WaveStatus.DRAFT)


def _other_breakdown(org: Organisation, chosen: Mapping[str, str]) -> str | None:
    """Level, else region: the first the organisation's people have and the filters leave open."""
    invitations = Invitation.objects.filter(wave__org=org)
    for column in ("level", "region"):
        if column not in chosen and invitations.exclude(**{column: ""}).exists():
            return column
    return None


def _latest_with_results(launched: list[Wave]) -> Wave | None:
    """The wave a page opens on: the latest one that has closed with answers, else the latest launched
    (a wave just launched shows dashes everywhere until it closes)."""
    from allypath.web.dashboard.release import still_open

    for wave in launched:
        if not still_open(wave) and wave.responses.exists():
            return wave
    return launched[0] if launched else None


def _wave(org: Organisation, raw: str | None, name: str, default: Wave | None) -> Wave:
    if raw is None:
        if default is None:
            raise DashboardInputError(404, "no_wave", name, "this organisation has no launched wave yet")
        return default
    if not raw.isdigit():
        raise DashboardInputError(
            422, "invalid_parameter", name, f"{name} must be a wave id (a whole number)"
        )
    wave = Wave.objects.filter(org=org, pk=int(raw)).first()
    if wave is None:  # another organisation's wave looks like no wave at all
        raise DashboardInputError(404, "unknown_wave", name, f"wave {raw} is not a wave of {org.name}")
    if wave.status == WaveStatus.DRAFT:
        raise DashboardInputError(422, "draft_wave", name, f"wave {raw} is a draft: it has no results")
    return wave


def _known(org: Organisation, column: str, value: str) -> bool:
    return Invitation.objects.filter(wave__org=org, **{column: value}).exists()


def _scope(membership: Membership) -> list[Unit]:
    if membership.role != Role.ANALYST:
        return []
    return sorted(membership.units.all(), key=lambda u: u.path)


def _within(path: str, scope: list[Unit]) -> bool:
    return not scope or any(path == s.path or path.startswith(s.path + "/") for s in scope)


def visible_units(org: Organisation, membership: Membership) -> list[Unit]:
    """The units a member may filter on: all of them, or an analyst's own and those below them."""
    scope = _scope(membership)
    return [u for u in Unit.objects.filter(org=org).order_by("path") if _within(u.path, scope)]


@dataclass(frozen=True)
class FilterOptions:
    """What a filter form offers a member: launched waves, units (an analyst's own only), levels, regions."""

    waves: list[Wave]
    units: list[Unit]
    levels: list[str]
    regions: list[str]
    breakdowns: tuple[str, ...] = BREAKDOWNS


def filter_options(org: Organisation, membership: Membership) -> FilterOptions:
    """The choices of the filter form for ``membership`` (levels and regions as HR invited them)."""
    invitations = Invitation.objects.filter(wave__org=org).order_by()  # no ordering: DISTINCT by the value

    def distinct(field: str) -> list[str]:
        return sorted(invitations.exclude(**{field: ""}).values_list(field, flat=True).distinct())

    return FilterOptions(
        waves=list(_launched(org).order_by("-opens_on", "-pk")),
        units=visible_units(org, membership),
        levels=distinct("level"),
        regions=distinct("region"),
    )


def _unit(org: Organisation, membership: Membership, raw: str | None) -> Unit | None:
    scope = _scope(membership)
    if raw is None:
        return scope[0] if scope else None  # a scoped analyst starts at his first unit
    unit = Unit.objects.filter(org=org, path=raw).first()
    if unit is None:
        raise DashboardInputError(422, "unknown_unit", "unit", f"{org.name} has no unit {raw!r}")
    if not _within(unit.path, scope):
        raise DashboardInputError(
            403, "outside_scope", "unit", f"unit {raw!r} is outside the units your role covers"
        )
    return unit


def resolve(
    user: Any,
    slug: str,
    params: Mapping[str, Any],
    *,
    by_default: str | None = None,
    two_waves: bool = False,
) -> DashboardQuery:
    """Check a dashboard request (see the module docstring); ``params`` is a query string or dict.

    ``by_default`` is the breakdown when none is given (None: the view has no breakdown unless asked);
    ``two_waves`` reads ``from_wave`` and ``to_wave`` (default: the two latest launched waves).
    """
    org = get_for(user, Organisation, slug=slug, role=Role.VIEWER)
    membership = membership_for(user, org)
    for name in params:
        if name not in PARAMETERS:
            raise DashboardInputError(
                422,
                "unknown_parameter",
                name,
                # Words for a person who edited the address by hand; the API's ``field`` names the key.
                f"this page does not take {name!r} in its address: open the page from its menu, or remove it",
            )
        getlist = getattr(params, "getlist", None)
        if getlist is not None and len(getlist(name)) > 1:
            raise DashboardInputError(422, "repeated_parameter", name, f"give {name} only once")
    launched = list(_launched(org).order_by("-opens_on", "-pk"))
    labels = wave_labels(Wave.objects.filter(org=org))
    later: Wave | None
    if two_waves and len(launched) < 2 and not (params.get("from_wave") or params.get("to_wave")):
        # nothing to compare yet: the view answers with its wave and says so (not an error)
        wave, later = _wave(org, None, "from_wave", launched[0] if launched else None), None
    elif two_waves:
        older = launched[1] if len(launched) > 1 else None
        wave = _wave(org, _one(params, "from_wave"), "from_wave", older)
        later = _wave(org, _one(params, "to_wave"), "to_wave", launched[0] if launched else None)
        if later == wave:
            raise DashboardInputError(422, "same_wave", "to_wave", "choose two different waves to compare")
    else:
        wave = _wave(org, _one(params, "wave"), "wave", _latest_with_results(launched))
        later = None
    unit = _unit(org, membership, _one(params, "unit"))
    chosen = {n: v for n in ("unit", "level", "region") if (v := _one(params, n)) is not None}
    level, region = chosen.get("level"), chosen.get("region")
    for name, value in (("level", level), ("region", region)):
        if value is not None and not _known(org, name, value):
            raise DashboardInputError(422, f"unknown_{name}", name, f"{org.name} has no {name} {value!r}")
    by = _one(params, "by") or by_default
    if by is not None and by not in BREAKDOWNS:
        raise DashboardInputError(
            422,
            "invalid_parameter",
            "by",
            f"results are broken down by unit, level or region only (the address asked for {by!r})",
        )
    if by in ("level", "region") and by in chosen:
        raise DashboardInputError(422, "by_filtered", "by", f"the data is already filtered to one {by}")
    depth = int(Unit.objects.filter(org=org).aggregate(d=Max("depth"))["d"] or 0)
    if by == "unit" and unit is not None and not unit.children.exists():
        # The view's own default breakdown: a bottom-level unit is broken down by level or region
        # instead; asked for explicitly, "by unit" is refused with the reason.
        fallback = None if _one(params, "by") is not None else _other_breakdown(org, chosen)
        if fallback is None:
            raise DashboardInputError(422, "no_subunits", "by", f"unit {unit.path!r} has no units below it")
        by = fallback
    return DashboardQuery(org, membership, wave, later, labels, depth, unit, level, region, by, chosen)
