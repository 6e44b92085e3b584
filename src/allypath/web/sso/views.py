"""The HR sign-in page (password and/or single sign-on) and the two steps of the provider's round trip."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from mozilla_django_oidc import views as oidc_views

from allypath.web.audit.signins import record_sign_in
from allypath.web.sso import discovery
from allypath.web.sso.backend import claimed_email, endpoint_setting, refusal

__all__ = ["Callback", "LoginPage", "Start"]

_TEMPLATE = "console/login.html"


def _enabled() -> bool:
    return bool(getattr(settings, "ALLYPATH_OIDC_ENABLED", False))


def _back_to_login(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


class LoginPage(auth_views.LoginView):
    """``/console/login/``: the password form unless ``ALLYPATH_PASSWORD_LOGIN=false``, and the
    "Sign in with <provider>" button when single sign-on is on."""

    template_name = _TEMPLATE

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["password_login"] = settings.ALLYPATH_PASSWORD_LOGIN
        context["sso_name"] = settings.ALLYPATH_OIDC_PROVIDER_NAME if _enabled() else None
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.ALLYPATH_PASSWORD_LOGIN:
            return _back_to_login(request, "Password sign-in is turned off here: use single sign-on.")
        return super().post(request, *args, **kwargs)


class Start(oidc_views.OIDCAuthenticationRequestView):
    """``/console/sso/start/``: on to the provider, with state, nonce and PKCE kept in the session."""

    get_settings = staticmethod(endpoint_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads the provider's endpoint here; that waits until we know SSO is on (get).
        super(oidc_views.OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not _enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except discovery.ProviderUnavailableError:
            record_sign_in(method="sso", outcome="refused", reason="provider unreachable")
            return _back_to_login(request, "The sign-in service could not be reached. Try again later.")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        response: HttpResponse = super().get(request)
        return response


class Callback(oidc_views.OIDCAuthenticationCallbackView):
    """``/console/sso/callback/``: the provider sends the browser back here with a code or an error."""

    get_settings = staticmethod(endpoint_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not _enabled():
            raise Http404
        if "state" in request.GET and request.GET["state"] not in request.session.get("oidc_states", {}):
            # An old tab, a second click or a forged link: nothing to verify it against.
            record_sign_in(method="sso", outcome="refused", reason="unknown or used state")
            return _back_to_login(request, "That sign-in link has expired. Sign in again.")
        response: HttpResponse = super().get(request)
        return response

    # A success is recorded by the user_logged_in receiver (allypath.web.audit.signins), as for passwords.

    def login_failure(self) -> HttpResponse:
        request = self.request
        if request.GET.get("error"):
            # The person cancelled at the provider, or the provider refused this client.
            code = "".join(c for c in request.GET["error"][:60] if c.isascii() and (c.isalnum() or c == "_"))
            reason = f"provider answered {code}"  # an OAuth error code (access_denied...), nothing more
            message = "Single sign-on was cancelled or refused by the sign-in service."
        else:
            message = refusal(request) or "Single sign-on did not succeed. Try again."
            reason = message
        record_sign_in(method="sso", outcome="refused", reason=reason, who=claimed_email(request))
        return _back_to_login(request, message)
