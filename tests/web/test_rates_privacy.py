"""Response rates on the wave page and in the API, against the dashboard: one viewer, one ledger.

The attacker is a viewer (bob) who reads every answer the product gives him about a wave: the wave
page's response-rate table, ``GET /api/v1/waves/{id}/response-rates`` and the dashboard (pages and
API). Any two numbers he is shown for the same unit, or for a unit and a filter inside it, must
differ by 0 or at least k respondents (DESIGN §6.3): otherwise their difference is a group of
1..k-1 people (e.g. "exactly one person in Engineering gave an unusable answer", or "the two
managers of Sales answered").
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

from allypath.web.orgs.models import Wave
from allypath.web.orgs.rates import DIRECT
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


def test_the_wave_page_and_the_dashboard_share_the_differencing_guard(client, login, bob, answered):
    # Sales: 2 managers (S000, S004) and 4 staff; Engineering: 4 staff.
    wave = answered(["S000", "S001", "S002", "S003", "S004", "S005", "E000", "E001", "E002", "E003"])
    login(bob)
    page = page_counts(client, wave)
    assert page["Sales"] == 6
    # "Sales staff" is "Sales" minus its 2 managers: shown after the page, it gives their count away.
    status, body = overview(client, wave, unit="Sales", level="Staff")
    assert status == 422, body
    assert body["errors"][0]["code"] == "differencing"
    assert "Sales" in body["detail"]


def test_the_dashboard_first_then_the_wave_page_hides_what_would_single_people_out(
    client, login, bob, answered
):
    wave = answered(["S000", "S001", "S002", "S003", "S004", "S005", "E000", "E001", "E002", "E003"])
    login(bob)
    status, body = overview(client, wave, unit="Sales", level="Staff")
    assert status == 200 and body["total"]["n"] == 4
    for counts in (page_counts(client, wave), api_counts(client, wave)):
        # Sales (6) is Sales staff (4) plus its 2 managers; Engineering (4) and everyone (10) together
        # with Sales staff give them away too, so one of those goes as well.
        assert counts["Sales"] is None, counts
        assert counts["Engineering"] is None or counts["everyone"] is None, counts
        assert counts["Sales/EMEA"] is None, counts
    body = client.get(f"/api/v1/waves/{wave.pk}/response-rates").json()
    notes = {r["unit"]: r["note"] for r in body["rows"]}
    assert "differs from 'level=Staff & unit=Sales" in notes["Sales"]
    assert notes["Sales/EMEA"] == "hidden: the unit above is hidden"
    page = client.get(f"/console/{wave.org.slug}/waves/{wave.pk}/").content.decode()
    assert "already shown to this viewer" in html.unescape(page)


def test_a_unit_with_unusable_responses_shows_one_count_everywhere(client, login, bob, answered):
    # Engineering: 5 usable, 2 empty; Sales/EMEA: 4 usable, 1 empty.
    wave = answered(
        ["E000", "E001", "E002", "E003", "E004", "S000", "S001", "S002", "S003"],
        empty=["E005", "E006", "S005"],
    )
    assert Response.objects.filter(wave=wave).count() == 12
    login(bob)
    page, api = page_counts(client, wave), api_counts(client, wave)
    dashboard = dashboard_counts(client, wave, by="unit")
    assert page["Engineering"] == api["Engineering"] == dashboard["Engineering"] == 5
    assert page["Sales"] == api["Sales"] == dashboard["Sales"] == 4
    assert page["everyone"] == api["everyone"] == dashboard["everyone"] == 9
    # the same groups: shown again, nothing new, nothing refused
    assert page_counts(client, wave) == page and api_counts(client, wave) == api
    text = client.get(f"/console/{wave.org.slug}/waves/{wave.pk}/").content.decode()
    assert "9 usable responses" in text and "Usable responses</th>" in text


def test_the_counts_are_recorded_in_the_viewers_own_ledger(client, login, bob, alice, answered):
    from allypath.web.plans.models import ViewerLedger

    wave = answered(["E000", "E001", "E002", "S000", "S001", "S002"])
    login(bob)
    api_counts(client, wave)
    ledger = ViewerLedger.objects.get(user=bob, org=wave.org)
    assert ledger.groups >= 3  # everyone, Engineering, Sales (and below)
    assert not ViewerLedger.objects.filter(user=alice).exists()


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


def _label_members(select: Any, label: str) -> list[int]:
    """Members of a dashboard group from its label (``level=Staff & unit2=Sales/EMEA & wave=...``)."""
    path, where = None, {}
    if label != "everyone":
        for part in label.split(" & "):
            name, value = part.split("=", 1)
            if name.startswith("unit"):
                path = value if path is None or len(value) > len(path) else path
            elif name in ("level", "region"):
                where[name] = value
    return select(path, **where)


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
            for group in [body["total"], *body.get("groups", [])]:
                if group["visible"]:
                    see(group["group"], _label_members(select, group["group"]), group["n"])

    for step in (rates, dashboard) if page_first else (dashboard, rates):
        step()
    assert attacker.releases, "the viewer was shown figures"
    assert attacker.breaches(K) == []


def test_a_ledger_that_keeps_changing_is_a_503_to_retry_and_shows_nothing(
    client, login, bob, answered, monkeypatch
):
    # Every store loses the race (as with many parallel requests of one viewer): after its attempts
    # the request gives up with a 503 and Retry-After, on the API and on the console page alike.
    from allypath.web.plans import ledger as ledgers
    from allypath.web.plans.models import ViewerLedger

    wave = answered([f"E00{i}" for i in range(6)])
    login(bob)

    class LosingQuerySet:
        def update(self, **fields: object) -> int:
            return 0

    monkeypatch.setattr(ViewerLedger.objects, "filter", lambda **lookup: LosingQuerySet())
    api = client.get(f"/api/v1/waves/{wave.pk}/response-rates")
    assert api.status_code == 503
    assert api["Retry-After"] == "1"
    assert api.json()["code"] == "ledger_busy"
    assert "try again" in api.json()["detail"]
    page = client.get(f"/console/{wave.org.slug}/waves/{wave.pk}/")
    assert page.status_code == 503
    assert b"Nothing was shown" in page.content
    assert b"Whole organisation" not in page.content
    assert ledgers.ATTEMPTS >= 2
    monkeypatch.undo()
    assert client.get(f"/api/v1/waves/{wave.pk}/response-rates").status_code == 200  # a retry works


def test_an_imported_wave_has_no_response_rates_in_the_api_either(client, login, bob, acme, make_wave):
    from allypath.web.orgs.models import WaveKind
    from allypath.web.plans.models import ViewerLedger

    wave = make_wave(acme, launch=False, kind=WaveKind.IMPORTED)
    login(bob)
    response = client.get(f"/api/v1/waves/{wave.pk}/response-rates")
    assert response.status_code == 422
    assert "imported wave" in response.json()["detail"]
    assert not ViewerLedger.objects.filter(user=bob, groups__gt=0).exists()
