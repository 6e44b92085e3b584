"""Append-only audit log of every access to report data (who, which organisation, wave and group, which
view, when) and of every change to the survey set-up made through the console, visible to organisation
admins at ``/console/<org>/audit/``.

Call :func:`record_access` from every view, API endpoint and export that shows aggregates, and
:func:`record_change` from every console action that launches, closes or reverts a wave, e-mails
people, imports the people file or changes console memberships.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["AuditLogError", "record_access", "record_change"]

if TYPE_CHECKING:  # pragma: no cover
    from allypath.web.audit.log import AuditLogError, record_access, record_change


def __getattr__(name: str) -> Any:
    # Lazy: Django imports this package before the models are ready.
    if name in __all__:
        from allypath.web.audit import log

        return getattr(log, name)
    raise AttributeError(name)
