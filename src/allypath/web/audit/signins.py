"""``record_sign_in`` and the receivers that record every HR sign-in, refused sign-in and sign-out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from allypath.web.audit.models import SignInEvent

__all__ = ["record_sign_in"]

_SSO_BACKEND = "allypath.web.sso.backend.OIDCBackend"


def record_sign_in(
    *,
    method: str,
    outcome: str,
    user: Any = None,
    who: str = "",
    reason: str = "",
) -> None:
    """Append one sign-in entry; ``who`` names the person when there is no account (a refusal)."""
    known = user is not None and getattr(user, "pk", None) is not None
    SignInEvent.objects.create(
        method=method,
        outcome=outcome,
        user_id=user.pk if known else None,
        username=(user.get_username() if known else who)[:254],
        reason=reason[:300],
    )


def _method(user: Any) -> str:
    return "sso" if getattr(user, "backend", "") == _SSO_BACKEND else "password"


@receiver(user_logged_in, dispatch_uid="allypath.audit.signed_in")
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session["allypath_sign_in_method"] = _method(user)  # for the sign-out entry
    record_sign_in(method=_method(user), outcome="signed_in", user=user)


@receiver(user_logged_out, dispatch_uid="allypath.audit.signed_out")
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return  # nobody was signed in
    method = "password"
    if request is not None and hasattr(request, "session"):
        method = request.session.get("allypath_sign_in_method", "password")
    record_sign_in(method=method, outcome="signed_out", user=user)


@receiver(user_login_failed, dispatch_uid="allypath.audit.refused")
def _refused(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if "nonce" in credentials:
        return  # the provider's callback records its own refusal, with the reason (allypath.web.sso)
    locked = bool(getattr(request, "axes_locked_out", False))
    record_sign_in(
        method="password",
        outcome="refused",
        who=str(credentials.get("username") or ""),
        reason="locked out after too many failures" if locked else "wrong user name or password",
    )
