"""Single sign-on for HR users (issue 14, point 8) against a real OpenID provider started by the test.

oidc-provider-mock (authlib under Flask) serves discovery, authorize, token, JWKS and userinfo on a free
port of this machine; the client is registered with its redirect URI and secret, so the provider checks
both. Django's test client plays the browser on our side, httpx the person at the provider's form.

Personas: alice (org admin of Acme, alice@example.test) and bob (viewer, bob@example.test) have HR
accounts; nobody@example.test has none.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, connection, transaction
from django.test import Client
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread

from allypath.errors import ConfigurationError
from allypath.web.audit.models import AuditLogError, SignInEvent
from allypath.web.config import load_settings
from allypath.web.orgs.models import Membership, Role
from allypath.web.sso import discovery
from allypath.web.sso.backend import BACKEND, OIDCBackend, _verified

from .conftest import PASSWORD

pytestmark = [pytest.mark.db, pytest.mark.django_db]

CALLBACK = "http://testserver/console/sso/callback/"
PEOPLE = [
    ProviderUser(sub="alice-at-idp", claims={"email": "Alice@Example.test", "email_verified": True}),
    ProviderUser(sub="bob-at-idp", claims={"email": "bob@example.test", "email_verified": True}),
    ProviderUser(sub="stranger", claims={"email": "nobody@example.test", "email_verified": True}),
    ProviderUser(sub="charlie-at-idp", claims={"email": "charlie@example.test", "email_verified": True}),
    ProviderUser(sub="alice-unverified", claims={"email": "alice@example.test", "email_verified": False}),
    ProviderUser(sub="no-mail", claims={}),
]


@pytest.fixture(scope="module")
def provider() -> Iterator[dict[str, str]]:
    """The provider on a free port, with this site registered as a client (id, secret, redirect URI)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on localhost, in tests only
        with run_server_in_thread(
            require_client_registration=True, require_nonce=True, user_claims=PEOPLE
        ) as server:
            issuer = f"http://localhost:{server.server_port}"
            registered = httpx.post(
                f"{issuer}/oauth2/clients",
                json={"redirect_uris": [CALLBACK], "token_endpoint_auth_method": "client_secret_post"},
            ).json()
            yield {
                "issuer": issuer,
                "client_id": registered["client_id"],
                "secret": registered["client_secret"],
            }


@pytest.fixture
def sso(settings, provider: dict[str, str]) -> dict[str, str]:
    """Single sign-on on, as ``ALLYPATH_OIDC_*`` would set it (allypath.web.settings)."""
    settings.ALLYPATH_OIDC_ENABLED = True
    settings.ALLYPATH_OIDC_PROVIDER_NAME = "Example IdP"
    settings.ALLYPATH_OIDC_ISSUER = provider["issuer"]
    settings.OIDC_RP_CLIENT_ID = provider["client_id"]
    settings.OIDC_RP_CLIENT_SECRET = provider["secret"]
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    discovery.forget()
    return provider


def go_to_provider(client: Client, **query: str) -> str:
    start = client.get("/console/sso/start/", query)
    assert start.status_code == 302, start
    return str(start["Location"])


def choose_at_provider(authorize_url: str, sub: str, action: str = "authorize") -> str:
    """The person picks his account on the provider's page; the provider answers with a redirect."""
    form = {"sub": sub} if action == "authorize" else {"action": "deny"}
    answer = httpx.post(authorize_url, data=form, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = answer.headers["location"]
    assert back.startswith(CALLBACK), back
    return back.removeprefix("http://testserver")


def sign_in(client: Client, sub: str) -> Any:
    return client.get(choose_at_provider(go_to_provider(client), sub))


def page_after(client: Client, response: Any) -> str:
    return client.get(response["Location"]).content.decode()


def signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_a_known_user_signs_in_and_lands_in_the_console(sso, alice, client):
    response = sign_in(client, "alice-at-idp")
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert signed_in_as(client) == alice  # matched by e-mail, whatever its case at the provider
    page = client.get("/console/", follow=True)
    assert page.status_code == 200
    assert "Sign out alice" in page.content.decode()
    entry = SignInEvent.objects.get()
    assert (entry.method, entry.outcome, entry.user_id, entry.username) == (
        "sso",
        "signed_in",
        alice.pk,
        "alice",
    )


def test_the_request_to_the_provider_carries_state_nonce_and_pkce(sso, client):
    query = parse_qs(urlsplit(go_to_provider(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [sso["client_id"]]
    assert query["redirect_uri"] == [CALLBACK]
    assert set(query["scope"][0].split()) >= {"openid", "email"}
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]


def test_the_sign_in_goes_on_to_the_page_asked_for(sso, alice, client, acme):
    wanted = f"/console/{acme.slug}/waves/"
    response = client.get(choose_at_provider(go_to_provider(client, next=wanted), "alice-at-idp"))
    assert response["Location"] == wanted
    off_site = client.get(
        choose_at_provider(go_to_provider(Client(), next="https://evil.example/"), "bob-at-idp")
    )
    assert off_site["Location"] != "https://evil.example/"


def test_the_provider_grants_no_rights(sso, alice, bob, client):
    """Only the memberships kept here decide what someone sees: bob stays a viewer, nobody is created."""
    before = (
        User.objects.count(),
        list(Membership.objects.values_list("user__username", "org__slug", "role")),
    )
    sign_in(client, "bob-at-idp")
    assert signed_in_as(client) == bob
    assert Membership.objects.get(user=bob).role == Role.VIEWER
    assert (
        User.objects.count(),
        list(Membership.objects.values_list("user__username", "org__slug", "role")),
    ) == before


def test_an_unknown_email_is_refused_with_a_plain_message(sso, alice, client):
    users = User.objects.count()
    response = sign_in(client, "stranger")
    assert response.status_code == 302 and response["Location"] == "/console/login/"
    page = page_after(client, response)
    assert "No HR account here has the e-mail address your sign-in service gave" in page
    assert signed_in_as(client) is None
    assert User.objects.count() == users  # refused, not created
    entry = SignInEvent.objects.get()
    assert (entry.method, entry.outcome, entry.user_id) == ("sso", "refused", None)
    assert entry.username == "nobody@example.test"


def test_an_unverified_email_is_refused(sso, alice, client):
    response = sign_in(client, "alice-unverified")
    assert "Your e-mail address is not verified at the sign-in service" in page_after(client, response)
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().outcome == "refused"


def test_an_account_without_email_is_refused(sso, alice, client):
    response = sign_in(client, "no-mail")
    assert "has no e-mail address" in page_after(client, response)
    assert signed_in_as(client) is None


def test_an_address_two_accounts_share_is_refused(sso, alice, client):
    User.objects.create_user("alice2", "ALICE@example.test", PASSWORD)
    assert "More than one HR account here has your e-mail address" in page_after(
        client, sign_in(client, "alice-at-idp")
    )
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    ("value", "verified"), [(True, True), ("true", True), (1, False), ("yes", False), (None, False)]
)
def test_only_a_true_email_verified_counts(value, verified):
    assert _verified({"email": "a@example.test", "email_verified": value}) is verified


def test_switched_off_and_staff_accounts_are_refused(sso, alice, bob, client):
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert "switched off" in page_after(client, sign_in(client, "bob-at-idp"))
    User.objects.filter(pk=alice.pk).update(is_staff=True)
    assert "site administration rights sign in with their password" in page_after(
        client, sign_in(client, "alice-at-idp")
    )
    assert signed_in_as(client) is None


def test_a_sign_in_cancelled_at_the_provider_says_so(sso, alice, client):
    response = client.get(choose_at_provider(go_to_provider(client), "", action="deny"))
    assert "cancelled or refused by the sign-in service" in page_after(client, response)
    assert signed_in_as(client) is None
    assert SignInEvent.objects.get().reason == "provider answered access_denied"


def test_a_callback_cannot_be_replayed_or_forged(sso, alice, client):
    back = choose_at_provider(go_to_provider(client), "alice-at-idp")
    assert signed_in_as(client) is None
    assert client.get(back).status_code == 302 and signed_in_as(client) == alice
    # The same answer again, in another browser or in this one: its state was used up.
    for browser in (Client(), client):
        response = browser.get(back)
        assert "That sign-in link has expired" in page_after(browser, response)
    other = Client()
    assert "expired" in page_after(other, other.get(f"/console/sso/callback/?code=x&state={'s' * 32}"))
    assert signed_in_as(other) is None


def test_the_session_and_sign_out_work(sso, alice, client):
    sign_in(client, "alice-at-idp")
    assert client.get("/console/", follow=True).status_code == 200
    assert client.post("/console/logout/").status_code == 302
    assert signed_in_as(client) is None
    assert client.get("/console/")["Location"].startswith("/console/login/")
    assert [(e.method, e.outcome) for e in SignInEvent.objects.order_by("id")] == [
        ("sso", "signed_in"),
        ("sso", "signed_out"),
    ]


def test_switching_an_account_off_ends_its_single_sign_on_sessions(sso, alice, acme, client):
    """As a password session ends (Django's backend refuses an inactive account); the library's
    get_user returned any account by id, so an SSO session stayed in for its 8 hours."""
    sign_in(client, "alice-at-idp")
    assert client.get(f"/console/{acme.slug}/audit/").status_code == 200
    User.objects.filter(pk=alice.pk).update(is_active=False)  # offboarded
    assert client.get(f"/console/{acme.slug}/audit/")["Location"].startswith("/console/login/")
    assert client.get(f"/api/v1/orgs/{acme.slug}/dashboard/overview").status_code == 401


def test_an_org_admin_cannot_give_a_new_account_another_organisations_address(sso, alice, charlie, acme):
    """Another account with charlie's address would have turned charlie away from single sign-on (two
    accounts, one address) and filed his attempts under Acme's member."""
    admin = Client()
    admin.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    form = {"username": "mallory", "role": "viewer", "password": "a long pass phrase 42"}
    refused = admin.post(f"/console/{acme.slug}/people/", {**form, "email": "Charlie@Example.TEST"})
    assert refused.status_code == 200
    assert "this e-mail address is not available" in refused.content.decode()
    assert not User.objects.filter(username="mallory").exists()
    sign_in_client = Client()
    sign_in(sign_in_client, "charlie-at-idp")
    assert signed_in_as(sign_in_client) == charlie
    added = admin.post(f"/console/{acme.slug}/people/", {**form, "email": "mallory@example.test"})
    assert added.status_code == 302 and User.objects.filter(username="mallory").exists()


def test_refusals_of_an_address_two_accounts_hold_are_shown_to_no_organisation(sso, alice, charlie, acme):
    # two accounts with one address, as versions before addresses were unique allowed
    Membership.objects.create(
        user=User.objects.create_user("mallory", "charlie@example.test", PASSWORD), org=acme, role=Role.VIEWER
    )
    sign_in(Client(), "charlie-at-idp")
    assert SignInEvent.objects.get(outcome="refused").username == "charlie@example.test"
    for admin, org in ((alice, acme), (charlie, charlie.memberships.get().org)):
        browser = Client()
        browser.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
        page = browser.get(f"/console/{org.slug}/audit/").content.decode()
        assert "charlie@example.test" not in page[page.index("Sign-ins of members") :]


def test_a_user_name_that_is_another_accounts_address_is_refused_and_reads_none_of_its_refusals(
    sso, alice, charlie, acme
):
    """A review of the fix above: Globex's admin could name a new member 'alice@example.test', and
    Alice's refused sign-ins, filed under her address, showed on Globex's audit page."""
    globex = charlie.memberships.get().org
    admin = Client()
    admin.force_login(charlie, backend="django.contrib.auth.backends.ModelBackend")
    form = {
        "username": "Alice@Example.test",
        "email": "",
        "role": "viewer",
        "password": "a long pass phrase 42",
    }
    refused = admin.post(f"/console/{globex.slug}/people/", form)
    assert refused.status_code == 200 and "this user name is not available" in refused.content.decode()
    # such a member from before the check reads none of her refusals either
    Membership.objects.create(
        user=User.objects.create_user("alice@example.test", "", PASSWORD), org=globex, role=Role.VIEWER
    )
    sign_in(Client(), "alice-unverified")
    assert SignInEvent.objects.get(outcome="refused").username == "alice@example.test"
    page = admin.get(f"/console/{globex.slug}/audit/").content.decode()
    assert "alice@example.test" not in page[page.index("Sign-ins of members") :]


def test_turning_single_sign_on_off_ends_its_sessions(sso, alice, client, settings):
    sign_in(client, "alice-at-idp")
    settings.ALLYPATH_OIDC_ENABLED = False
    settings.AUTHENTICATION_BACKENDS = [b for b in settings.AUTHENTICATION_BACKENDS if b != BACKEND]
    assert client.get("/console/").status_code == 302


def test_no_code_or_token_is_kept_in_any_log(sso, alice, client):
    back = choose_at_provider(go_to_provider(client), "alice-at-idp")
    code = parse_qs(urlsplit(back).query)["code"][0]
    client.get(back)
    sign_in(Client(), "stranger")
    kept = [str(row) for model in (SignInEvent, AccessAttempt, AccessLog) for row in model.objects.values()]
    assert kept and not [row for row in kept if code in row]
    assert "oidc_access_token" not in client.session and "oidc_id_token" not in client.session
    assert AccessAttempt.objects.count() == 0  # a refused single sign-on is no password failure


def test_sso_refusals_do_not_lock_anyone_and_the_password_lockout_still_holds(sso, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(Client(), "stranger")
    browser = Client()
    assert browser.post("/console/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    assert signed_in_as(browser) == alice
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/console/login/", {"username": "alice", "password": "guess"})
    assert Client().post("/console/login/", {"username": "alice", "password": PASSWORD}).status_code == 429
    methods = {(e.method, e.outcome) for e in SignInEvent.objects.all()}
    assert ("password", "refused") in methods and ("sso", "refused") in methods


def test_the_sign_in_log_is_append_only_like_the_access_log(alice, client):
    client.post("/console/login/", {"username": "alice", "password": PASSWORD})
    entry = SignInEvent.objects.get()
    assert (entry.method, entry.outcome, entry.username) == ("password", "signed_in", "alice")
    entry.username = "mallory"
    for change in (entry.save, entry.delete, SignInEvent.objects.all().delete):
        with pytest.raises(AuditLogError):
            change()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_signinevent SET username = 'mallory'")
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("DELETE FROM audit_signinevent")
            refused = False
        except DatabaseError:
            refused = True
    assert refused is (connection.vendor == "postgresql")  # SQLite: the model layer refuses (as 0002)


def test_the_login_page_offers_both_unless_password_sign_in_is_off(sso, alice, client, settings):
    page = client.get("/console/login/").content.decode()
    assert "Sign in with Example IdP" in page and 'name="password"' in page
    settings.ALLYPATH_PASSWORD_LOGIN = False
    page = client.get("/console/login/").content.decode()
    assert "Sign in with Example IdP" in page and 'name="password"' not in page
    refused = client.post("/console/login/", {"username": "alice", "password": PASSWORD})
    assert signed_in_as(client) is None
    assert "Password sign-in is turned off" in page_after(client, refused)


def test_with_the_feature_off_there_is_no_button_and_no_sso_address(alice, client, settings):
    assert settings.ALLYPATH_OIDC_ENABLED is False  # the default
    page = client.get("/console/login/").content.decode()
    assert "Sign in with" not in page and 'name="password"' in page
    assert client.get("/console/sso/start/").status_code == 404
    assert client.get("/console/sso/callback/?code=x&state=y").status_code == 404


def test_an_unreachable_provider_gives_a_message_not_an_error(sso, alice, client, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.ALLYPATH_OIDC_ISSUER = f"http://127.0.0.1:{port}"
    response = client.get("/console/sso/start/")
    assert response["Location"] == "/console/login/"
    assert "could not be reached" in page_after(client, response)


def test_a_discovery_document_for_another_issuer_is_refused(sso, monkeypatch):
    """OpenID Connect Discovery 4.3: the document must name the issuer it was fetched for."""
    real = discovery.requests.get

    def elsewhere(url: str, **kwargs: Any) -> Any:
        response = real(url, **kwargs)
        document = response.json() | {"issuer": "https://idp.example.org"}
        monkeypatch.setattr(response, "json", lambda: document)
        return response

    monkeypatch.setattr(discovery.requests, "get", elsewhere)
    with pytest.raises(
        discovery.ProviderUnavailableError, match=r"describes issuer 'https://idp\.example\.org'"
    ):
        discovery.provider(sso["issuer"])


# -- configuration: off by default, and a bad or missing variable is named at start-up ------------------

SSO_ENV = {
    "ALLYPATH_OIDC_ENABLED": "true",
    "ALLYPATH_OIDC_ISSUER": "https://login.example.org/realms/hr",
    "ALLYPATH_OIDC_CLIENT_ID": "allypath",
    "ALLYPATH_OIDC_CLIENT_SECRET": "s3cret-from-the-provider",
}


@pytest.fixture
def env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("ALLYPATH_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("ALLYPATH_SECRET_KEY", "k" * 40)
    return monkeypatch


def test_single_sign_on_is_off_by_default_and_password_sign_in_on(env):
    loaded = load_settings()
    assert loaded.oidc_enabled is False and loaded.password_login is True


def test_turning_it_on_names_each_missing_variable(env):
    env.setenv("ALLYPATH_OIDC_ENABLED", "true")
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    for name in ("ALLYPATH_OIDC_ISSUER", "ALLYPATH_OIDC_CLIENT_ID", "ALLYPATH_OIDC_CLIENT_SECRET"):
        assert name in str(refused.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ALLYPATH_OIDC_ISSUER", "http://login.example.org"),  # tokens in clear across the network
        ("ALLYPATH_OIDC_ISSUER", "login.example.org"),
        ("ALLYPATH_OIDC_SCOPES", "openid profile"),  # no e-mail to match accounts by
        ("ALLYPATH_OIDC_SIGN_ALGO", "HS256"),
        ("ALLYPATH_OIDC_ENABLED", "sometimes"),
    ],
)
def test_a_bad_value_is_named(env, name, value):
    for key, good in SSO_ENV.items():
        env.setenv(key, good)
    env.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        load_settings()


def test_a_provider_on_this_machine_may_use_plain_http(env):
    for key, good in SSO_ENV.items():
        env.setenv(key, good)
    env.setenv("ALLYPATH_OIDC_ISSUER", "http://localhost:8080/")
    assert load_settings().oidc_issuer == "http://localhost:8080/"


def test_password_sign_in_can_only_be_turned_off_with_single_sign_on_on(env):
    env.setenv("ALLYPATH_PASSWORD_LOGIN", "false")
    with pytest.raises(ConfigurationError, match="ALLYPATH_PASSWORD_LOGIN=false leaves no way to sign in"):
        load_settings()
    for key, good in SSO_ENV.items():
        env.setenv(key, good)
    assert load_settings().password_login is False


def test_the_environment_reaches_django_and_the_library():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ALLYPATH_")}
    environment |= SSO_ENV | {
        "ALLYPATH_SECRET_KEY": "k" * 40,
        "ALLYPATH_DATA_DIR": os.environ["ALLYPATH_DATA_DIR"],
        "ALLYPATH_OIDC_PROVIDER_NAME": "Keycloak",
        "DJANGO_SETTINGS_MODULE": "allypath.web.settings",
    }
    script = (
        "from django.conf import settings as s; "
        "print(s.AUTHENTICATION_BACKENDS[-1], s.ALLYPATH_OIDC_PROVIDER_NAME, s.OIDC_RP_CLIENT_ID, "
        "s.OIDC_RP_CLIENT_SECRET, s.OIDC_RP_SIGN_ALGO, s.OIDC_USE_PKCE, s.OIDC_CREATE_USER)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split() == [
        BACKEND,
        "Keycloak",
        "allypath",
        "s3cret-from-the-provider",
        "RS256",
        "True",
        "False",
    ]


def test_org_admins_see_their_members_sign_ins_and_no_one_elses(sso, alice, bob, charlie, acme):
    sign_in(Client(), "bob-at-idp")
    Client().post("/console/login/", {"username": "bob", "password": "guess"})
    Client().post("/console/login/", {"username": "charlie", "password": PASSWORD})
    sign_in(Client(), "stranger")
    admin = Client()
    admin.post("/console/login/", {"username": "alice", "password": PASSWORD})
    page = admin.get(f"/console/{acme.slug}/audit/").content.decode()
    section = page[page.index("Sign-ins of members") :]
    assert "single sign-on" in section and "signed in" in section
    assert "refused: wrong user name or password" in section  # someone tried bob's password
    assert "charlie" not in section and "nobody@example.test" not in section


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        ({}, None),
        ({"iss": "https://idp.example.org"}, "another issuer"),
        ({"aud": "someone-else"}, "another client"),
        ({"aud": ["CLIENT", "someone-else"]}, "authorised for another client"),
        ({"aud": ["CLIENT", "someone-else"], "azp": "CLIENT"}, None),
        ({"exp": None}, "without expiry"),
    ],
)
def test_the_id_token_must_be_for_this_client_from_this_issuer(sso, monkeypatch, change, refused):
    """OIDC Core 3.1.3.7 on top of the library's signature and nonce checks (it checks neither iss nor aud)."""

    def ours(value: Any) -> Any:  # "CLIENT" stands for this site's client id (registered at run time)
        if isinstance(value, list):
            return [ours(v) for v in value]
        return sso["client_id"] if value == "CLIENT" else value

    claims = {"iss": sso["issuer"], "aud": sso["client_id"], "sub": "alice-at-idp", "exp": 2_000_000_000}
    claims = {k: ours(v) for k, v in (claims | change).items() if v is not None}
    monkeypatch.setattr(OIDCAuthenticationBackend, "verify_token", lambda self, token, **kw: claims)
    backend = OIDCBackend()
    if refused is None:
        assert backend.verify_token("signed.elsewhere", nonce="n") == claims
    else:
        with pytest.raises(SuspiciousOperation, match=refused):
            backend.verify_token("signed.elsewhere", nonce="n")
