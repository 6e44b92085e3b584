"""The authentication backend behind the provider's callback: existing HR accounts by verified e-mail."""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from allypath.web.sso import discovery

__all__ = ["BACKEND", "OIDCBackend", "Refused", "claimed_email", "not_a_password_attempt", "refusal"]

BACKEND = "allypath.web.sso.backend.OIDCBackend"
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_REFUSAL = "allypath_sso_refusal"
_EMAIL = "allypath_sso_email"


class Refused(Exception):  # noqa: N818  (a refusal, told to the person in plain words)
    """The provider vouched for someone this site does not let in; ``str(exc)`` is shown to him."""


def endpoint_setting(attr: str, *args: Any) -> Any:
    """mozilla-django-oidc's settings, with the provider's endpoints from its discovery document."""
    if attr in _ENDPOINTS:
        return discovery.provider(settings.ALLYPATH_OIDC_ISSUER)[_ENDPOINTS[attr]]
    if args:
        return getattr(settings, attr, args[0])
    return getattr(settings, attr)


def refusal(request: HttpRequest) -> str | None:
    """Why the backend refused this callback (plain words), if it did."""
    return getattr(request, _REFUSAL, None)


def claimed_email(request: HttpRequest) -> str:
    """The e-mail address the provider gave for this callback ("" before userinfo was read)."""
    return str(getattr(request, _EMAIL, ""))


def _verified(claims: dict[str, Any]) -> bool:
    # Some providers send the boolean as a string; nothing else counts (not 1, not "yes").
    value = claims.get("email_verified")
    return value is True or value == "true"


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in an existing, active HR account whose e-mail the provider has verified.

    Never creates an account and never reads roles or groups from the provider: what someone may see
    stays decided by the organisation's memberships in allypath.
    """

    get_settings = staticmethod(endpoint_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every password sign-in too: no provider call here.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def __getattr__(self, name: str) -> Any:
        # The endpoints (OIDC_OP_TOKEN_ENDPOINT...) are looked up when the flow first needs them.
        if name in _ENDPOINTS:
            return endpoint_setting(name)
        raise AttributeError(name)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or not settings.ALLYPATH_OIDC_ENABLED or "nonce" not in kwargs:
            return None  # a password sign-in, or anything but the provider's callback
        try:
            return super().authenticate(request, **kwargs)
        except Refused as exc:
            setattr(request, _REFUSAL, str(exc))
        except discovery.ProviderUnavailableError:
            setattr(request, _REFUSAL, "The sign-in service could not be reached. Try again later.")
        except (requests.RequestException, ValueError, KeyError, SuspiciousOperation, jwt.PyJWTError):
            # A failed token exchange, a token that does not verify, an expired or replayed one.
            setattr(request, _REFUSAL, "The sign-in service's answer could not be verified. Try again.")
        return None

    def get_user(self, user_id: Any) -> Any:
        if not settings.ALLYPATH_OIDC_ENABLED:
            return None  # turning single sign-on off ends the sessions it opened
        user = super().get_user(user_id)
        # An account switched off loses its open sessions at once, as Django's password backend has
        # it (the library's get_user returns any account by id).
        return user if user is not None and user.is_active else None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The signature and nonce (the library), then the issuer, audience and expiry (OIDC Core 3.1.3.7)."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        issuer = discovery.provider(settings.ALLYPATH_OIDC_ISSUER)["issuer"]
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token from another issuer")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token authorised for another client")
        if "exp" not in payload or "sub" not in payload:
            raise SuspiciousOperation("ID token without expiry or subject")
        return payload

    def retrieve_matching_jwk(self, token: str) -> Any:
        """The provider's key for ``token``: by ``kid``, or its only signing key when the token names none
        (OIDC Core 10.1 lets a provider with one key leave ``kid`` out; the library insists on it)."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=discovery.timeout())
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", self.OIDC_RP_SIGN_ALGO) == self.OIDC_RP_SIGN_ALGO
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("ID token without kid and not exactly one signing key in the JWKS")
        return jwt.PyJWK(keys[0])

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        claims: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):  # OIDC Core 5.3.2
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not claims.get("email"):
            raise Refused("Your account at the sign-in service has no e-mail address.")
        if not _verified(claims):
            raise Refused(
                "Your e-mail address is not verified at the sign-in service, so it cannot be matched "
                "to an HR account here. Verify it there, or sign in with your password."
            )
        return True

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user_info = self.get_userinfo(access_token, id_token, payload)
        setattr(self.request, _EMAIL, str(user_info.get("email") or ""))
        self.verify_claims(user_info)
        users = list(self.filter_users_by_claims(user_info)[:2])
        if not users:
            raise Refused(
                "No HR account here has the e-mail address your sign-in service gave. "
                "Ask an administrator of your organisation to add you."
            )
        if len(users) > 1:
            raise Refused(
                "More than one HR account here has your e-mail address, so single sign-on cannot "
                "tell which is yours. Sign in with your password, or ask an administrator."
            )
        user = users[0]
        if not user.is_active:
            raise Refused("This HR account is switched off. Ask an administrator of your organisation.")
        if user.is_staff or user.is_superuser:
            # Site-wide administration stays behind its own password (and lockout), whoever holds the
            # provider account with the same address.
            raise Refused("Accounts with site administration rights sign in with their password.")
        return user


def not_a_password_attempt(request: HttpRequest | None, credentials: dict[str, Any] | None) -> bool:
    """``AXES_WHITELIST_CALLABLE``: the provider's callback is no password guess.

    The lockout counts wrong passwords. Counted, a refused single sign-on would lock (no user name,
    this address) and axes would keep the callback's query string, with its authorization code.
    """
    return request is not None and request.path == reverse("sso:callback")
