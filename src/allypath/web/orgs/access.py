"""The one access check every console view and API endpoint goes through.

``get_for(user, Model, role=..., **lookup)`` returns the object when the user is a member of its
organisation with at least ``role``; an object of another organisation (or none at all) is a 404, so
ids of other organisations' objects reveal nothing; a member with too small a role gets a 403.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404

from allypath.web.orgs.models import (
    Employee,
    Invitation,
    Membership,
    Organisation,
    Role,
    Unit,
    Wave,
)

__all__ = ["get_for", "membership_for", "organisations_of"]

M = TypeVar("M", bound=Model)

# How to reach the organisation from each kind of object the console serves.
_ORG_PATH: dict[type[Model], str] = {
    Organisation: "",
    Unit: "org",
    Employee: "org",
    Wave: "org",
    Membership: "org",
    Invitation: "wave__org",
}


def organisations_of(user: Any) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))


def membership_for(user: Any, org: Organisation) -> Membership:
    """The user's membership in ``org`` (404 when there is none: the org's existence is not confirmed)."""
    if not user.is_authenticated:
        raise Http404("not found")
    membership = Membership.objects.filter(user=user, org=org).prefetch_related("units").first()
    if membership is None:
        raise Http404("not found")
    return membership


def get_for(user: Any, model: type[M], *, role: str = Role.VIEWER, **lookup: Any) -> M:
    """The object matching ``lookup`` if ``user`` may act on it with ``role``; else 404 or 403."""
    if model not in _ORG_PATH:
        raise TypeError(f"no access rule for {model.__name__}")
    if not user.is_authenticated:
        raise Http404("not found")
    path = _ORG_PATH[model]
    member_filter = f"{path}__memberships__user" if path else "memberships__user"
    obj = model._default_manager.filter(**lookup, **{member_filter: user}).distinct().first()
    if obj is None:
        raise Http404("not found")
    org = obj
    for part in path.split("__") if path else ():
        org = getattr(org, part)
    membership = membership_for(user, org)  # type: ignore[arg-type]
    if not membership.has_role(role):
        raise PermissionDenied(f"this needs the {Role(role).label.lower()} role")
    return obj
