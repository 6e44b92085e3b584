"""Response rates on the wave page and in the API, against the dashboard: one release for all.

The attacker is a viewer (bob, and alice beside him) who reads every answer the product gives about
a wave: the wave page's response-rate table, ``GET /api/v1/waves/{id}/response-rates`` and the
dashboard (pages and API). Any two numbers shown for the same unit, or for a unit and a filter
inside it, must differ by 0 or at least k respondents (DESIGN §6): otherwise their difference is a
group of 1..k-1 people (e.g. "exactly one person in Engineering gave an unusable answer", or "the
two managers of Sales answered"). Every number comes from the organisation's release, so the order
of the pages and the account make no difference.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections import defaultdict
from itertools import combinations
from typing import Any

import pytest

from allypath.web.dashboard.rates import DIRECT
from allypath.web.orgs.models import Wave
from allypath.web.survey.models import Response

pytestmark = [pytest.mark.db, pytest.mark.django_db]

K = 3
ROW = re.compile(
    r'<tr class="depth-(\d+)"><td>([^<]*)</td><td class="num">(\d+)</td>\s*'
    r'(?:<td class="num">(\d+)</td>|<td colspan="2">([^<]*)</td>)'
)
TOTAL = re.compile(r"Whole organisation: (\d+) invited,\s*(\d+) ")


@pytest.fixture
def answered(client, acme, make_wave, issue_tokens, answers_for, instrument):
    """A launched wave (k = 3) with full answers from ``full`` and empty ones from ``empty``."""

    def run(full: list[str], empty: tuple[str, ...] | list[str] = ()) -> Wave:
        wave = make_wave(acme, k=K, k_text=5)
        tokens = issue_tokens(wave)
        for employee in [*full, *empty]:
            body = {
                "token": tokens[employee],
                "submission_id": str(uuid.uuid4()),
                "answers": {} if employee in empty else answers_for(instrument.form("short")),
                "language": "en",
            }
            r = client.post("/api/v1/responses", json.dumps(body), content_type="application/json")
            assert r.status_code == 201, r.content
        return wave

    return run


# --------------------------------------------------------------------------- what the viewer reads


def page_counts(client, wave: Wave) -> dict[str, int | None]:
    """The wave page's table: unit path -> responses shown (None when hidden), and "everyone"."""
    text = client.get(f"/console/{wave.org.slug}/waves/{wave.pk}/").content.decode()
    out: dict[str, int | None] = {}
    total = TOTAL.search(text)
    out["everyone"] = int(total.group(2)) if total else None
    stack: list[str] = []
    for depth, label, _invited, shown, _note in ROW.findall(text):
        level = int(depth)
        label = html.unescape(label)
        if label == DIRECT:
            path = stack[level - 1] + "/" + DIRECT
        else:
            del stack[level:]
            stack.append(label if level == 0 else stack[level - 1] + "/" + label)
            path = stack[level]
        out[path] = int(shown) if shown else None
    return out


def api_counts(client, wave: Wave) -> dict[str, int | None]:
    answer = client.get(f"/api/v1/waves/{wave.pk}/response-rates")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    return {"everyone": body["responded"], **{r["unit"]: r["responded"] for r in body["rows"]}}


def dashboard_groups(client, wave: Wave, **params: str) -> tuple[int, dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in {"wave": str(wave.pk), **params}.items())
    answer = client.get(f"/api/v1/orgs/{wave.org.slug}/dashboard/groups?{query}")
    return answer.status_code, answer.json()


def dashboard_counts(client, wave: Wave, **params: str) -> dict[str, int | None]:
    """The dashboard's groups (unit path -> n) and its total (under the filter's unit, or everyone)."""
    status, body = dashboard_groups(client, wave, **params)
    assert status == 200, body
    out = {params.get("unit", "everyone"): body["total"]["n"]}
    out.update({g["value"]: g["n"] for g in body["groups"] if g["value"] is not None})
    return out


def overview(client, wave: Wave, **params: str) -> tuple[int, dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in {"wave": str(wave.pk), **params}.items())
    answer = client.get(f"/api/v1/orgs/{wave.org.slug}/dashboard/overview?{query}")
    return answer.status_code, answer.json()


def small_differences(*views: dict[str, int | None]) -> list[tuple[str, int, int]]:
    """Every unit shown with two counts 1..k-1 apart (the difference singles out that many people)."""
    seen: dict[str, set[int]] = defaultdict(set)
    for view in views:
        for unit, n in view.items():
            if n is not None:
                seen[unit].add(n)
    return [
        (unit, a, b)
        for unit, counts in sorted(seen.items())
        for a, b in combinations(sorted(counts), 2)
        if 0 < b - a < K
    ]


# --------------------------------------------------------------------------- the leak


@pytest.mark.parametrize("dashboard_first", [False, True])
def test_no_unit_is_shown_with_two_counts_fewer_than_k_apart(client, login, bob, answered, dashboard_first):
    # Engineering: 6 usable responses and 1 empty one (stored as "insufficient").
    wave = answered([f"E00{i}" for i in range(6)], empty=["E006"])
    assert Response.objects.filter(wave=wave, status="insufficient").count() == 1
    login(bob)
    views = []
    if dashboard_first:
        views.append(dashboard_counts(client, wave, by="unit"))
    views += [page_counts(client, wave), api_counts(client, wave)]
    if not dashboard_first:
        views.append(dashboard_counts(client, wave, by="unit"))
    assert any(v.get("Engineering") is not None for v in views), views  # he does see figures
    assert small_differences(*views) == [], views


@pytest.mark.parametrize("page_first", [True, False])
def test_the_wave_page_and_the_dashboard_hide_the_same_group_in_either_order(
    client, login, bob, answered, page_first
):
    # Sales: 2 managers (S000, S004) and 4 staff; Engineering: 4 staff. "Sales staff" is Sales minus
    # its 2 managers: the release hides it for everyone, whichever page comes first.
    wave = answered(["S000", "S001", "S002", "S003", "S004", "S005", "E000", "E001", "E002", "E003"])
    login(bob)
    if page_first:
        assert page_counts(client, wave)["Sales"] == 6
    status, body = overview(client, wave, unit="Sales", level="Staff")
    assert status == 422, body
    assert (body["errors"][0]["code"], body["detail"]) in (
        ("complementary", "hidden so that a smaller group cannot be worked out"),
        ("below_k", "fewer than 3 people"),  # where the launch left Sales' levels too coarse to name
    )
    assert page_counts(client, wave)["Sales"] == 6 and api_counts(client, wave)["Sales"] == 6


def test_two_viewers_see_the_same_counts_whatever_each_looked_at_before(client, login, bob, alice, answered):
    wave = answered(["E000", "E001", "E002", "S000", "S001", "S002", "S003", "S004"])
    login(bob)
    dashboard_groups(client, wave, by="level")
    overview(client, wave, unit="Sales")
    seen_by_bob = (page_counts(client, wave), api_counts(client, wave))
    client.logout()
    login(alice)
    assert (page_counts(client, wave), api_counts(client, wave)) == seen_by_bob
    assert seen_by_bob[0]["everyone"] == 8


# --------------------------------------------------------------------------- the attacker oracle


def _members(wave: Wave) -> tuple[list[str], Any]:
    rows = list(
        Response.objects.filter(wave=wave).values_list("id", "unit__path", "level", "region", "status")
    )
    ids = [str(r[0]) for r in rows]

    def select(path: str | None = None, *, direct: bool = False, **where: str) -> list[int]:
        out = []
        for i, (_, unit, level, region, status) in enumerate(rows):
            if status != "scored":
                continue
            if path is not None and not (unit == path or (not direct and unit.startswith(path + "/"))):
                continue
            if "level" in where and level != where["level"]:
                continue
            if "region" in where and region != where["region"]:
                continue
            out.append(i)
        return out

    return ids, select


def _group_members(select: Any, filters: dict[str, str], by: str | None, value: str | None) -> list[int]:
    """Members of a dashboard group from its filters and, for a breakdown row, its value."""
    where = {**filters, **({by: value} if by and value is not None else {})}
    path = where.pop("unit", None)
    return select(path, **{k: v for k, v in where.items() if k in ("level", "region")})


@pytest.mark.parametrize("page_first", [True, False])
def test_no_small_group_can_be_derived_from_everything_a_viewer_reads(
    client, login, bob, answered, page_first
):
    from privacy.attacker import Attacker

    wave = answered(
        [
            *["S000", "S001", "S002", "S003", "S004", "S005"],  # Sales/EMEA (S000, S004 managers)
            *["N000", "N001", "N002", "N003"],  # Sales/EMEA/North
            *["A000", "A001", "A002"],  # Sales/APAC
            *["E000", "E001", "E002", "E003", "E004"],  # Engineering
        ],
        empty=["S007", "A003", "E006"],
    )
    ids, select = _members(wave)
    attacker = Attacker(population=len(ids))
    login(bob)

    def see(label: str, members: list[int], n: int | None) -> None:
        if n is None:
            return
        assert n == len(members), (label, n, len(members))  # the count is what it says it counts
        attacker.see(label, members, n, n)

    def rates() -> None:
        for counts in (page_counts(client, wave), api_counts(client, wave)):
            for path, n in counts.items():
                if path == "everyone":
                    see(path, select(), n)
                elif path.endswith("/" + DIRECT):
                    see(path, select(path.rsplit("/", 1)[0], direct=True), n)
                else:
                    see(path, select(path), n)

    def dashboard() -> None:
        asks = [
            ("groups", {"by": "unit"}),
            ("groups", {"by": "level"}),
            ("groups", {"by": "region"}),
            ("groups", {"unit": "Sales", "by": "unit"}),
            ("groups", {"unit": "Sales/EMEA", "by": "unit"}),
            ("groups", {"unit": "Sales", "by": "level"}),
            ("overview", {"unit": "Sales", "level": "Staff"}),
            ("overview", {"unit": "Sales/EMEA", "level": "Staff"}),
            ("overview", {"region": "EMEA"}),
        ]
        for kind, params in asks:
            query = "&".join(f"{k}={v}" for k, v in {"wave": str(wave.pk), **params}.items())
            answer = client.get(f"/api/v1/orgs/{wave.org.slug}/dashboard/{kind}?{query}")
            assert answer.status_code in (200, 422), answer.content
            if answer.status_code == 422:
                continue
            body = answer.json()
            filters = {k: v for k, v in params.items() if k != "by"}
            total = body["total"]
            if total["visible"]:
                see(total["group"], _group_members(select, filters, None, None), total["n"])
            for group in body.get("groups", []):
                if group["visible"]:
                    members = _group_members(select, filters, params.get("by"), group["value"])
                    see(group["group"], members, group["n"])

    for step in (rates, dashboard) if page_first else (dashboard, rates):
        step()
    assert attacker.releases, "the viewer was shown figures"
    assert attacker.breaches(K) == []


def test_an_imported_wave_has_no_response_rates_in_the_api_either(client, login, bob, acme, make_wave):
    from allypath.web.orgs.models import WaveKind

    wave = make_wave(acme, launch=False, kind=WaveKind.IMPORTED)
    login(bob)
    response = client.get(f"/api/v1/waves/{wave.pk}/response-rates")
    assert response.status_code == 422
    assert "imported from a file" in response.json()["detail"]
