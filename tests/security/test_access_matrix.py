"""Access-control matrix: every URL pattern x every role x own/other organisation -> the expected answer.

The routes are walked from the resolver of ``allypath.web.urls``, so a new endpoint cannot be forgotten:
:func:`test_every_route_has_an_expectation` fails until it gets a line in :data:`EXPECTED`. Django admin
routes are matched by one rule (all of them sit behind ``admin_view``: staff only), and each of them is
requested too.

Outcomes are classified as ``ok`` (2xx, or a redirect that is not to a login page), ``login`` (redirect
to a login page), ``401``, ``403``, ``404`` or ``405``. Every cell must equal its expectation: 0
unexpected allows, and no unexpected refusals either.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from allypath.web.console.import_stage import create_stage
from allypath.web.journey.models import OrgLibraryItem
from allypath.web.orgs.models import Membership, Organisation, Role, Wave
from allypath.web.plans.models import AdoptedItem
from allypath.web.survey.submission import submit
from answer_patterns import sample_answers

from .conftest import PASSWORD, tokens_of

pytestmark = [pytest.mark.db]

ROLES = ("anonymous", "viewer", "analyst", "scoped_analyst", "org_admin", "other_org_admin", "staff")
ORGS = ("own", "other")  # own = Acme (where bob, dave, erin and alice are members), other = Globex


# -- rules: (role, org) -> outcome -----------------------------------------------------------------------

RANK = {"viewer": 1, "analyst": 2, "scoped_analyst": 2, "org_admin": 3}


def _member_of(role: str, org: str) -> bool:
    """Acme members are the first four HR roles; charlie ("other_org_admin") is a member of Globex."""
    if role in RANK:
        return org == "own"
    return role == "other_org_admin" and org == "other"


def console(needed: str) -> Callable[[str, str], str]:
    """A console page for members of the organisation with at least ``needed``."""

    def rule(role: str, org: str) -> str:
        if role == "anonymous":
            return "login"
        if not _member_of(role, org):
            return "404"
        rank = 3 if role == "other_org_admin" else RANK[role]
        return "ok" if rank >= RANK[needed] else "403"

    return rule


def gated(read: Callable[[str, str], str]) -> Callable[[str, str], str]:
    """A privacy-gated read: the scoped analyst's own units are too small in this world, so the gate may
    refuse his filter with 422 and a reason (a refusal, never an allow)."""

    def rule(role: str, org: str) -> str:
        wanted = read(role, org)
        return "ok|422" if role == "scoped_analyst" and wanted == "ok" else wanted

    return rule


def api_read(role: str, org: str) -> str:
    if role == "anonymous":
        return "401"
    return "ok" if _member_of(role, org) else "404"


def admin_form_refused(role: str, org: str) -> str:
    """An org admin's form posted empty: refused with 422 for him, as for any page of his otherwise."""
    wanted = console("org_admin")(role, org)
    return "422" if wanted == "ok" else wanted


def signed_in(anonymous: str) -> Callable[[str, str], str]:
    return lambda role, org: anonymous if role == "anonymous" else "ok"


def everyone(role: str, org: str) -> str:
    return "ok"


def staff_only(role: str, org: str) -> str:
    return "ok" if role == "staff" else "login"


def always(outcome: str) -> Callable[[str, str], str]:
    return lambda role, org: outcome


@dataclass(frozen=True)
class Expect:
    """Expected outcome per method; ``args`` names the kwargs to fill from the organisation's fixtures."""

    get: Callable[[str, str], str]
    post: Callable[[str, str], str] | None = None
    post_data: dict[str, Any] = field(default_factory=dict)
    json_body: str = ""  # "submission": POST a JSON submission with a fresh token of the organisation
    fresh_client: bool = False  # the request ends the session (logout): send it from a copy


# Every route of allypath.web.urls (but Django admin's) and who may use it.
EXPECTED: dict[str, Expect] = {
    "healthz": Expect(get=everyone),
    "api/v1/openapi.json": Expect(get=everyone),
    "api/v1/docs": Expect(get=everyone),
    "api/v1/": Expect(get=always("404")),  # Ninja's root answers nothing
    "api/v1/responses": Expect(get=always("405"), post=everyone, json_body="submission"),
    "api/v1/orgs": Expect(get=signed_in("401")),
    "api/v1/waves/<wave_id>": Expect(get=api_read),
    "api/v1/waves/<wave_id>/response-rates": Expect(get=api_read),
    "console/": Expect(get=signed_in("login")),
    "console/login/": Expect(get=everyone),
    "console/logout/": Expect(get=always("405"), post=always("login"), fresh_client=True),
    # Single sign-on (tests/web/test_sso.py runs it against a provider): absent while it is off (default).
    "console/sso/start/": Expect(get=always("404")),
    "console/sso/callback/": Expect(get=always("404")),
    "console/<slug:slug>/": Expect(get=console("viewer")),
    "console/<slug:slug>/import/": Expect(get=console("org_admin"), post=console("org_admin")),
    # Response import from a file (org admins only); a staged upload is seen by its uploader only.
    "console/<slug:slug>/imports/": Expect(get=console("org_admin"), post=console("org_admin")),
    "console/<slug:slug>/imports/<slug:key>/": Expect(
        get=console("org_admin"), post=console("org_admin"), post_data={"action": "no-such-action"}
    ),
    "console/<slug:slug>/imports/<slug:key>/mapping.yaml": Expect(get=console("org_admin")),
    "console/<slug:slug>/imports/<slug:key>/problems.csv": Expect(get=console("org_admin")),
    "console/<slug:slug>/units/": Expect(get=console("viewer")),
    # Declared policies: every member reads them, org admins change them.
    "console/<slug:slug>/policies/": Expect(get=console("viewer"), post=console("org_admin")),
    "console/<slug:slug>/people/": Expect(get=console("org_admin"), post=console("org_admin")),
    "console/<slug:slug>/people/<int:pk>/": Expect(get=console("org_admin"), post=console("org_admin")),
    "console/<slug:slug>/waves/": Expect(get=console("viewer")),
    "console/<slug:slug>/waves/new/": Expect(get=console("org_admin"), post=console("org_admin")),
    "console/<slug:slug>/waves/<int:pk>/": Expect(get=console("viewer")),
    "console/<slug:slug>/waves/<int:pk>/edit/": Expect(get=console("org_admin"), post=console("org_admin")),
    "console/<slug:slug>/waves/<int:pk>/action/": Expect(
        get=lambda role, org: "login" if role == "anonymous" else "405",
        post=console("org_admin"),
        post_data={"action": "no-such-action"},
    ),
    # Wave set-up: launching (a stale count launches nothing), the e-mails (a preview stores nothing).
    "console/<slug:slug>/waves/<int:pk>/launch/": Expect(
        get=console("org_admin"), post=console("org_admin"), post_data={"confirm_count": "-1"}
    ),
    "console/<slug:slug>/waves/<int:pk>/emails/": Expect(
        get=console("org_admin"), post=console("org_admin"), post_data={"action": "preview"}
    ),
    "console/<slug:slug>/waves/<int:pk>/preview/": Expect(get=console("viewer")),
    "console/<slug:slug>/waves/<int:pk>/links.csv": Expect(
        get=lambda role, org: "login" if role == "anonymous" else "405", post=console("org_admin")
    ),
    "console/<slug:slug>/audit/": Expect(get=console("org_admin")),
    "console/<slug:slug>/circles/": Expect(get=console("org_admin"), post=admin_form_refused),
    # The organisation's own journey library (org admins); an empty form is refused with 422.
    "console/<slug:slug>/library/": Expect(get=console("org_admin"), post=admin_form_refused),
    "console/<slug:slug>/library/<int:pk>/": Expect(get=console("org_admin"), post=admin_form_refused),
    "console/<slug:slug>/publication/": Expect(get=console("org_admin"), post=console("org_admin")),
    # The HR dashboard: every member reads (through the privacy gate); analysts and up change the plan.
    "console/<slug:slug>/dashboard/": Expect(get=console("viewer")),
    "console/<slug:slug>/dashboard/groups/": Expect(get=gated(console("viewer"))),
    "console/<slug:slug>/dashboard/heatmap/": Expect(get=gated(console("viewer"))),
    "console/<slug:slug>/dashboard/contexts/": Expect(get=gated(console("viewer"))),
    # The workshop deck chosen from a group's released results (a hidden group: a sentence, no PDF).
    "console/<slug:slug>/dashboard/deck/": Expect(get=gated(console("viewer"))),
    # Adopted groups against groups that did not adopt, from the release (a hidden group: a sentence).
    "console/<slug:slug>/dashboard/follow-up/": Expect(get=gated(console("viewer"))),
    "console/<slug:slug>/dashboard/trends/": Expect(get=gated(console("viewer"))),
    "console/<slug:slug>/dashboard/transitions/": Expect(get=gated(console("viewer"))),
    "console/<slug:slug>/dashboard/plan/": Expect(get=gated(console("viewer"))),
    "console/<slug:slug>/dashboard/plan/adopt/": Expect(
        get=lambda role, org: "login" if role == "anonymous" else "405", post=console("analyst")
    ),
    # The world's plan item is the whole organisation's: outside a scoped analyst's units, so to him it
    # is not there (his plan page does not list it either).
    "console/<slug:slug>/dashboard/plan/<int:pk>/": Expect(
        get=lambda role, org: "login" if role == "anonymous" else "405",
        post=lambda role, org: "404" if role == "scoped_analyst" else console("analyst")(role, org),
    ),
    "console/<slug:slug>/dashboard/comments/": Expect(get=gated(console("viewer"))),
    "console/<slug:slug>/dashboard/export.<str:fmt>": Expect(get=gated(console("viewer"))),
    "api/v1/orgs/<slug>/dashboard/overview": Expect(get=gated(api_read)),
    "api/v1/orgs/<slug>/dashboard/groups": Expect(get=gated(api_read)),
    "api/v1/orgs/<slug>/dashboard/heatmap": Expect(get=gated(api_read)),
    "api/v1/orgs/<slug>/dashboard/trends": Expect(get=gated(api_read)),
    "api/v1/orgs/<slug>/dashboard/transitions": Expect(get=gated(api_read)),
    "api/v1/orgs/<slug>/dashboard/plan": Expect(get=gated(api_read)),
    "api/v1/orgs/<slug>/dashboard/comments": Expect(get=gated(api_read)),
    # Respondent pages: the personal token (or receipt code) is the credential, whoever is signed in.
    "s/<str:token>/": Expect(get=everyone, post=everyone, post_data={"language": "en"}),
    "s/<str:token>/p/<int:number>/": Expect(get=everyone),
    "s/<str:token>/saved/": Expect(get=everyone),
    # The landing page and the receipt-code form: public, and a made-up code opens nothing (422/404).
    "": Expect(get=everyone),
    "r/": Expect(get=everyone, post=always("422"), post_data={"code": "not a code"}),
    "r/<str:receipt>/": Expect(get=everyone),
    "r/<str:receipt>/pdf": Expect(get=everyone),
    # The private journey: the receipt code is the credential (a made-up code: 404, see below); an empty
    # form is refused with 422, an unknown commitment is 404, and nothing of it is an HR page.
    "r/<str:receipt>/journey/": Expect(get=everyone),
    "r/<str:receipt>/journey/read/<slug:item_id>/": Expect(get=everyone, post=everyone),
    "r/<str:receipt>/journey/dilemma/<slug:dilemma_id>/": Expect(get=everyone, post=always("422")),
    "r/<str:receipt>/journey/commitments/": Expect(get=always("405"), post=always("422")),
    "r/<str:receipt>/journey/commitments/<slug:commitment_id>/": Expect(
        get=always("405"), post=always("422")
    ),
    "r/<str:receipt>/journey/recheck/": Expect(
        get=everyone, post=everyone
    ),  # too few answers: said on the page
    "r/<str:receipt>/journey/progress/": Expect(get=everyone),
    "r/<str:receipt>/journey/circle/": Expect(get=everyone, post=always("409")),  # no circles open yet
    "r/<str:receipt>/journey/circle/leave/": Expect(get=always("405"), post=everyone),
}
ADMIN_PREFIX = "admin/"


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def all_routes() -> list[tuple[str, URLPattern]]:
    return list(walk(get_resolver().url_patterns))


def test_every_route_has_an_expectation():
    routes = {route for route, _ in all_routes()}
    missing = sorted(r for r in routes if r not in EXPECTED and not r.startswith(ADMIN_PREFIX))
    stale = sorted(set(EXPECTED) - routes)
    assert not missing, f"routes without an access expectation (add them to EXPECTED): {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def test_admin_routes_all_go_through_the_admin_site():
    # The one rule for admin/ holds only because every admin route is served by the admin site.
    for route, pattern in all_routes():
        if route.startswith(ADMIN_PREFIX):
            module = getattr(pattern.callback, "__module__", "")
            assert module.startswith(("django.contrib.", "django.views.generic")), (route, module)


# -- the world the matrix runs in -------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User | None]
    kwargs: dict[str, dict[str, str]]  # org -> fillers
    bodies: dict[str, list[dict[str, Any]]]  # org -> JSON submissions, one per unused token


@pytest.fixture
def world(acme, globex, alice, bob, dave, erin, charlie, sam, make_wave, instrument) -> World:
    kwargs: dict[str, dict[str, str]] = {}
    bodies: dict[str, list[dict[str, Any]]] = {}
    answers = sample_answers(instrument.form("short"))
    for label, org, admin in (("own", acme, alice), ("other", globex, charlie)):
        wave = make_wave(org)
        tokens = list(tokens_of(wave).values())
        receipt = submit(tokens[0], uuid.uuid4(), answers, "en").receipt
        membership = Membership.objects.get(org=org, user=admin)
        stage = create_stage(org, admin, "answers.csv", [b"Q1\n4\n"])
        kwargs[label] = {
            "key": stage.key,
            "slug": org.slug,
            "pk": str(wave.pk),
            "wave_id": str(wave.pk),
            "token": tokens[1],
            "number": "1",
            "receipt": receipt,
            "fmt": "csv",
        }
        kwargs[label + ":membership"] = {"pk": str(membership.pk)}
        item = AdoptedItem.objects.create(
            org=org, wave=wave, group="all", filters={}, intervention="ally-circles", priority=1, reason="m"
        )
        kwargs[label + ":plan_item"] = {"pk": str(item.pk)}
        own = OrgLibraryItem.objects.create(org=org, language="en", spec={}, changed_by="test")
        kwargs[label + ":library_item"] = {"pk": str(own.pk)}
        bodies[label] = [{"token": t, "answers": answers, "language": "en"} for t in tokens[2:]]
    users: dict[str, User | None] = {
        "anonymous": None,
        "viewer": bob,
        "analyst": dave,
        "scoped_analyst": erin,
        "org_admin": alice,
        "other_org_admin": charlie,
        "staff": sam,
    }
    return World(users, kwargs, bodies)


def fill(route: str, values: dict[str, str]) -> str:
    url = "/" + route
    for name, value in values.items():
        for conv in ("", "slug:", "int:", "str:", "path:"):
            url = url.replace(f"<{conv}{name}>", value)
    return url


def classify(response: Any) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return "login" if "/login/" in response.get("Location", "") else "ok"
    if 200 <= status < 300:
        return "ok"
    return str(status)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def url_for(route: str, world: World, org: str) -> str:
    from allypath.content import load_dilemmas, load_library

    values = dict(world.kwargs[org])
    values.update(
        item_id=load_library().items[0].id,
        dilemma_id=load_dilemmas().dilemmas[0].id,
        commitment_id="no-such-commitment",
    )
    if "/people/<int:pk>/" in route:
        values.update(world.kwargs[org + ":membership"])
    if "/library/<int:pk>/" in route:
        values.update(world.kwargs[org + ":library_item"])
    if "/dashboard/plan/<int:pk>/" in route:
        values.update(world.kwargs[org + ":plan_item"])
    return fill(route, values)


@pytest.mark.django_db
def test_every_route_answers_every_role_in_every_organisation_as_expected(world):
    mismatches: list[str] = []
    allowed_wrongly: list[str] = []
    cells = 0
    for role in ROLES:
        client = client_for(world.users[role])
        for org in ORGS:
            for route, expect in EXPECTED.items():
                url = url_for(route, world, org)
                checks: list[tuple[str, Callable[[str, str], str]]] = [("GET", expect.get)]
                if expect.post is not None:
                    checks.append(("POST", expect.post))
                for method, rule in checks:
                    sender = client_for(world.users[role]) if expect.fresh_client else client
                    if method == "GET":
                        response = sender.get(url)
                    elif expect.json_body == "submission":
                        body = world.bodies[org].pop() | {"submission_id": str(uuid.uuid4())}
                        response = sender.post(url, json.dumps(body), content_type="application/json")
                    else:
                        response = sender.post(url, expect.post_data)
                    got, wanted = classify(response), rule(role, org)
                    cells += 1
                    if got not in wanted.split("|"):
                        line = f"{method} {url} as {role} ({org} org): got {got}, expected {wanted}"
                        mismatches.append(line)
                        if got == "ok":
                            allowed_wrongly.append(line)
    assert cells >= len(EXPECTED) * len(ROLES) * len(ORGS)
    assert allowed_wrongly == [], "unexpected allows:\n" + "\n".join(allowed_wrongly)
    assert mismatches == [], "\n".join(mismatches)


@pytest.mark.django_db
def test_unknown_tokens_and_receipts_are_404_for_everyone(world):
    for role in ROLES:
        client = client_for(world.users[role])
        for route, expect in EXPECTED.items():
            if not route.startswith(("s/", "r/")) or "<" not in route:
                continue
            fake = {"token": "x" * 32, "receipt": "AAAA-" * 5 + "AAAA", "number": "1"}
            url = fill(route, fake | {"item_id": "x", "dilemma_id": "x", "commitment_id": "x"})
            post_only = expect.get("anonymous", "own") == "405"  # a POST-only journey form
            answer = client.post(url, {}) if post_only else client.get(url)
            assert answer.status_code == 404, (role, url)


ADMIN_FILLERS = {
    "object_id": "1",
    "id": "1",
    "content_type_id": "1",
    "app_label": "orgs",
    "url": "no-such-page/",
}


def admin_url(route: str) -> str:
    url = "/" + route
    if "^(?P<app_label>" in url:
        return "/admin/orgs/"
    if "(?P<url>.*)$" in url:
        return "/admin/no-such-page/"
    for name, value in ADMIN_FILLERS.items():
        for conv in ("", "path:", "int:", "str:"):
            url = url.replace(f"<{conv}{name}>", value)
    return url


@pytest.mark.django_db
def test_the_admin_site_is_for_staff_only(world):
    admin_routes = [r for r, _ in all_routes() if r.startswith(ADMIN_PREFIX)]
    assert len(admin_routes) > 20
    wrongly: list[str] = []
    for role in ROLES:
        client = client_for(world.users[role])
        for route in admin_routes:
            url = admin_url(route)
            if route in ("admin/login/", "admin/logout/"):
                continue  # the way in (and out) is open; both only ever lead back to the login form
            got = classify(client.get(url))
            if role != "staff" and got not in ("login", "404"):
                wrongly.append(f"{url} as {role}: {got}")
            if role == "staff" and got == "login":
                wrongly.append(f"{url} as staff: sent to login")
    assert wrongly == [], "\n".join(wrongly)


@pytest.mark.django_db
def test_the_api_lists_only_the_users_own_organisations(world):
    for role in ROLES[1:]:
        slugs = {o["slug"] for o in client_for(world.users[role]).get("/api/v1/orgs").json()}
        expected = {"globex"} if role == "other_org_admin" else set() if role == "staff" else {"acme"}
        assert slugs == expected, role


@pytest.mark.django_db
def test_a_scoped_analyst_changes_only_plan_items_of_his_units(world, erin, acme):
    """A plan item adopted for another unit is not on his plan page; its id, guessed, let him rewrite
    and delete it (a review found it), and told him it existed (302 against 404)."""
    wave = Wave.objects.get(org=acme)
    client = client_for(erin)

    def item(filters: dict[str, str]) -> AdoptedItem:
        return AdoptedItem.objects.create(
            org=acme,
            wave=wave,
            group=filters["unit"],
            filters=filters,
            intervention="safe-spaces",
            priority=1,
        )

    sales, own = item({"unit": "Sales"}), item({"unit": "Engineering"})
    change = {f"i{sales.pk}-owner": "erin was here", f"i{sales.pk}-status": "dropped"}
    missing = client.post(f"/console/{acme.slug}/dashboard/plan/999999/", {"action": "remove"})
    for data in (change, {"action": "remove"}):
        answer = client.post(f"/console/{acme.slug}/dashboard/plan/{sales.pk}/", data)
        assert answer.status_code == missing.status_code == 404
        assert answer.content == missing.content
    sales.refresh_from_db()
    assert (sales.owner, sales.status) != ("erin was here", "dropped")
    confirmed = {"action": "remove", "confirm_remove": "yes"}  # the box ticked (tests/dashboard)
    assert client.post(f"/console/{acme.slug}/dashboard/plan/{own.pk}/", confirmed).status_code == 302
    assert not AdoptedItem.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_a_scoped_analyst_sees_response_rates_of_his_units_only(world, erin, acme):
    wave = Wave.objects.get(org=acme)
    table = client_for(erin).get(f"/api/v1/waves/{wave.pk}/response-rates").json()
    rows = table["rows"]
    assert rows, "the scoped analyst sees his own unit"
    assert all(r["unit"].startswith("Engineering") for r in rows), rows
    # and his totals are his unit's: the organisation invited 19, Engineering 7 (a review found the 19)
    assert wave.invitations.count() == 19
    assert table["invited"] == 7
    assert table["invited"] == sum(r["invited"] for r in rows if r["unit"] == "Engineering")
    page = client_for(erin).get(f"/console/{acme.slug}/waves/{wave.pk}/").content.decode()
    assert "Your units (Engineering): 7 invited" in page and "Whole organisation" not in page
    assert "<dt>Invited</dt><dd>7</dd>" in page and ">19<" not in page.replace(" ", "")  # the header too
    listed = client_for(erin).get(f"/console/{acme.slug}/waves/").content.decode()
    assert ">7<" in listed.replace(" ", "") and ">19<" not in listed.replace(" ", "")
    whole = client_for(world.users["analyst"]).get(f"/api/v1/waves/{wave.pk}/response-rates").json()
    assert whole["invited"] == 19


@pytest.mark.django_db
def test_responses_drafts_invitations_and_the_audit_log_are_not_in_the_admin():
    from django.contrib import admin

    registered = {m._meta.label for m in admin.site._registry}
    forbidden = {"survey.Response", "survey.Draft", "orgs.Invitation", "orgs.InvitationToken"}
    assert registered & forbidden == set()
    assert "audit.AccessEvent" not in registered


@pytest.mark.django_db
def test_a_password_login_needs_the_right_password(world, client):
    assert client.post("/console/login/", {"username": "bob", "password": "wrong"}).status_code == 200
    assert client.get("/console/").status_code == 302
    ok = client.post("/console/login/", {"username": "bob", "password": PASSWORD})
    assert ok.status_code == 302
    assert client.get("/console/acme/").status_code == 200
    assert Organisation.objects.filter(memberships__user__username="bob", memberships__role=Role.VIEWER)
