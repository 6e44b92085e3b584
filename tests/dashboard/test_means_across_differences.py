"""An attacker's audit of the means HR sees, across differences (DESIGN.md §6, docs/privacy.md).

A mean of group A and one of a nested group B give the sum over A minus B: n_A * mean_A - n_B * mean_B.
The release protects counts across differences; these tests collect every mean one release shows
(the heatmap API, the overview's three questions, the board report's CSV export and the contexts
page, for every filter and breakdown a viewer can ask for), with the size shown beside it, and look
for any combination of them that isolates 1..k-1 people (tests/dashboard/means_attacker.py).

Meridian (k = 5) is built so that a difference WOULD give someone away without the release:

    unit          men  barriers/enablers  contexts  leadership (2 items)   hiring context (stage)
    Ops/Floor      11  all 2.0            2         2.0 each               2 each
    Ops/Desk     1(5)  5.0                4         5.0                    4
    Sales/East      6  3.0                3         4 4 4 4 3 -            3 3 3 2 3 -
    Sales/West      6  3.0                3         2 1 - - - -            1 - - - - -
    Tech            7  3.0                3         3.0 each               2 3 3 - - - -

("1(5)": one of its 5 invited men answered; "-": did not answer. Placed men may skip a construct, or
answer "does not apply to me": in the simulator 36% skip the hiring context, 9% the leadership
enabler.) Ops is 12 men, Ops/Desk one of them: Ops minus Ops/Floor is one man, and the release hides Ops/Floor. Where everyone answered,
means are exactly as safe as counts (test 1; test 2 shows the same check finds the Ops/Desk man in
an ungated table). Where some skipped, a mean is over its answerers, a subgroup the organisation's
release never checks: it is shown only where the release of that question's answerers shows them
(analytics._gating.AnswerGate). Tests 3 and 4 failed before that gate: Sales minus Sales/East gave the
one Sales/West hiring manager's stage, and the API's full-precision floats gave the answer counts.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from allypath.model import FACTORS
from allypath.web.dashboard.frames import unit_column
from allypath.web.dashboard.release import org_release
from allypath.web.orgs.models import Invitation, Organisation, Role, Wave, WaveStatus
from allypath.web.survey.models import Response

from .conftest import member
from .means_attacker import (
    ID,
    Exposure,
    Shown,
    decoded_pairs,
    exposures,
    inconsistencies,
    normalised,
    unprotected,
)
from .seed import _digest, simulated

pytestmark = [pytest.mark.db, pytest.mark.django_db]

K = 5
SLUG = "meridian"
WAVE = "2026 Q1"
API = f"/api/v1/orgs/{SLUG}/dashboard"
CONSOLE = f"/console/{SLUG}/dashboard"
LEADERSHIP = "score_enabler_leadership"
HIRING = "context_hiring_promotion_stage"
SKIPPED = (LEADERSHIP, HIRING, "score_ctx_hiring_promotion")
CONSTRUCT = {f.key: f"score_{f.construct}" for f in FACTORS}
CONTEXTS = ("team_meetings", "hiring_promotion", "flexible_caregiving", "informal_social")
FILTERS: tuple[dict[str, str], ...] = (
    {},
    {"unit": "Ops"},
    {"unit": "Sales"},
    {"unit": "Tech"},
    {"unit": "Ops/Floor"},
    {"unit": "Sales/East"},
    {"level": "Staff"},
    {"level": "Manager"},
    {"region": "North"},
    {"region": "South"},
)
BREAKDOWNS = ("unit", "level", "region")

# unit, level, region, factor score, context stage, leadership answers, hiring-context answers
PLAN: tuple[tuple[str, str, str, float, int, list[float | None], list[int | None]], ...] = (
    ("Ops/Floor", "Staff", "North", 2.0, 2, [2.0] * 11, [2] * 11),
    ("Ops/Desk", "Manager", "North", 5.0, 4, [5.0], [4]),
    ("Sales/East", "Staff", "South", 3.0, 3, [4.0, 4.0, 4.0, 4.0, 3.0, None], [3, 3, 3, 2, 3, None]),
    (
        "Sales/West",
        "Staff",
        "South",
        3.0,
        3,
        [2.0, 1.0, None, None, None, None],
        [1, None, None, None, None, None],
    ),
    ("Tech", "Staff", "North", 3.0, 3, [3.0] * 7, [2, 3, 3, None, None, None, None]),
)


def _result(
    base: dict[str, Any], stage: int, score: float, context: int, lead: float | None, hire: int | None
) -> dict[str, Any]:
    result = dict(base)
    result.update(status="scored", stage=stage, index=float(stage * 25 - 12))
    for key in list(result):
        if key.startswith("score_") and not key.startswith("score_stage_") and key != "score_knowledge_check":
            result[key] = score
        if key.startswith("context_") and key.endswith("_stage"):
            result[key] = context
    result["score_ctx_team_meetings"] = result["score_ctx_flexible_caregiving"] = float(context)
    result["score_ctx_informal_social"] = float(context)
    result[LEADERSHIP] = lead
    result[HIRING] = hire
    result["score_ctx_hiring_promotion"] = None if hire is None else float(hire)
    return result


@pytest.fixture
def meridian(make_org: Callable[..., Organisation], make_wave: Callable[..., Wave]) -> Organisation:
    people: list[tuple[str, ...]] = []
    plan: list[tuple[str, int, float, int, float | None, int | None]] = []
    for unit, level, region, score, context, leads, hires in PLAN:
        # anonymous waves store demographics only as fine as keeps k invitees per combination: Ops/Desk
        # has k invitees, of whom one answers
        for position in range(max(len(leads), K)):
            employee = f"M{len(people) + 1:03d}"
            people.append((employee, unit, level, region, f"{employee.lower()}@meridian.test", "en"))
            if position < len(leads):
                stage = 4 if unit == "Ops/Desk" else position % 4 + 1
                plan.append((employee, stage, score, context, leads[position], hires[position]))
    org = make_org(SLUG, people)
    today = timezone.localdate()
    wave = make_wave(
        org,
        name=WAVE,
        form="full",
        k=K,
        k_text=10,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=10),
    )
    answers, results = simulated()
    position = next(i for i, r in enumerate(results) if r["status"] == "scored")
    invitations = {
        i.employee.employee_id: i for i in Invitation.objects.filter(wave=wave).select_related("employee")
    }
    rows = []
    for employee, stage, score, context, lead, hire in plan:
        invitation = invitations[employee]
        given = {k: v for k, v in answers[position].items() if k not in ("ot1", "ot2")}
        rows.append(
            Response(
                wave=wave,
                unit_id=invitation.unit_id,
                level=invitation.level,
                region=invitation.region,
                language="en",
                answers=given,
                result=_result(results[position], stage, score, context, lead, hire),
                status="scored",
                stage=stage,
                submission_key=_digest(),
                body_hash=_digest(),
                receipt_hash=_digest(),
            )
        )
    Response.objects.bulk_create(rows)
    Invitation.objects.filter(pk__in=[invitations[e].pk for e, *_ in plan]).update(used=True)
    wave.close()
    assert wave.status == WaveStatus.CLOSED
    return org


@pytest.fixture
def viewer(meridian: Organisation, login: Callable[[User], Client]) -> Client:
    return login(member("hana", meridian, Role.VIEWER))


# ---------------------------------------------------------------------- collecting what HR sees


def _by_column(filters: dict[str, str], by: str) -> str:
    if by != "unit":
        return by
    unit = filters.get("unit")
    return unit_column(unit.count("/") + 1 if unit else 0)


def _group(query: dict[str, str], column: str | None = None, value: object = None) -> dict[str, object]:
    """A row's filters in the frame's columns: the wave, the request's filters and the row's value."""
    out: dict[str, object] = {"wave": WAVE}
    for name, given in query.items():
        out[unit_column(given.count("/")) if name == "unit" else name] = given
    if column is not None:
        out[column] = value
    return out


def _requests(wave: Wave) -> Iterator[tuple[dict[str, str], str]]:
    for filters in FILTERS:
        for by in BREAKDOWNS:
            yield {"wave": str(wave.pk), **filters, "by": by}, by


def _mean(key: str, value: float) -> tuple[str, float]:
    """The frame column of a heatmap factor and the mean of it (low policy awareness is 6 - mean)."""
    return CONSTRUCT[key], (6.0 - value if key == "low_policy_awareness" else value)


def heatmap_api(client: Client, wave: Wave) -> list[Shown]:
    out = []
    for params, by in _requests(wave):
        answer = client.get(f"{API}/heatmap", params)
        if answer.status_code != 200:
            continue  # a filter the release refuses: no figure at all
        body = answer.json()
        query = {k: v for k, v in params.items() if k not in ("wave", "by")}
        column = _by_column(query, by)
        rows = [(body["overall"], _group(query))]
        rows += [(g, _group(query, column, g["value"])) for g in body["groups"]]
        for row, group in rows:
            for key, value in (row.get("scores") or {}).items():
                if value is not None:
                    measure, mean = _mean(key, value)
                    out.append(Shown("api.heatmap", normalised(group), row["n"], measure, mean, None))
    return out


def overview_api(client: Client, wave: Wave) -> list[Shown]:
    """The three questions' published means (one decimal) of the filtered total."""
    out = []
    for filters in FILTERS:
        answer = client.get(f"{API}/overview", {"wave": str(wave.pk), **filters})
        if answer.status_code != 200:
            continue
        body = answer.json()
        for diagnostic in body.get("diagnostics") or []:
            for key, value in diagnostic["figures"].items():
                measure, mean = _mean(key, value)
                group = normalised(_group(filters))
                out.append(Shown("api.overview.diagnostics", group, body["total"]["n"], measure, mean, 1))
    return out


def board_csv(client: Client, wave: Wave) -> list[Shown]:
    out = []
    for params, by in _requests(wave):
        answer = client.get(f"{CONSOLE}/export.csv", params)
        if answer.status_code != 200:
            continue
        table = pd.read_csv(io.StringIO(answer.content.decode()), dtype=str, keep_default_na=False)
        query = {k: v for k, v in params.items() if k not in ("wave", "by")}
        column = _by_column(query, by)
        for position, row in table.iterrows():
            group = _group(query) if position == 0 else _group(query, column, row[column])
            for key in CONSTRUCT:
                if key in row and row[key] != "":
                    measure, mean = _mean(key, float(row[key]))
                    out.append(Shown("export.csv", normalised(group), int(row["n"]), measure, mean, 6))
    return out


def contexts_page(client: Client, wave: Wave) -> list[Shown]:
    """The contexts page's average stages, as printed (one decimal). Each request costs a quarter of a
    second (its turning points and awareness): every filter by unit, and the whole wave by each
    breakdown, reach every group the other requests would."""
    out = []
    for params, by in _requests(wave):
        if by != "unit" and len(params) > 2:
            continue
        answer = client.get(f"{CONSOLE}/contexts/", params)
        if answer.status_code != 200 or answer.context is None or "view" not in answer.context:
            continue
        view = answer.context["view"]
        if view.overall is None:
            continue
        query = {k: v for k, v in params.items() if k not in ("wave", "by")}
        column = _by_column(query, by)
        rows = [(view.overall, _group(query))]
        rows += [(r, _group(query, column, r.get(column))) for r in view.rows if r.get("visible")]
        for row, group in rows:
            for cell in row.get("cells", []):
                if cell["mean"] is not None:
                    measure = f"context_{cell['key']}_stage"
                    out.append(
                        Shown("console.contexts", normalised(group), row["n"], measure, cell["mean"], 1)
                    )
    return out


#: What the views showed, by the content of the data (never by response ids, which are random): each
#: test builds the same Meridian, and its figures depend on the data only (docs/privacy.md), so one
#: collection serves every test of the module (the views take about 10 s).
_COLLECTED: dict[str, list[Shown]] = {}


def everything(org: Organisation, client: Client) -> list[Shown]:
    frame = placed_frame(org)
    columns = sorted(c for c in frame.columns if c != ID and not c.startswith(("tp_", "ot")))
    content = pd.util.hash_pandas_object(
        frame[columns].astype("string").sort_values(columns), index=False
    ).to_numpy()
    key = f"{content.sum()}-{len(frame)}"
    if key not in _COLLECTED:
        wave = _wave(org)
        shown = heatmap_api(client, wave) + overview_api(client, wave) + board_csv(client, wave)
        _COLLECTED[key] = shown + contexts_page(client, wave)
    return _COLLECTED[key]


def placed_frame(org: Organisation) -> pd.DataFrame:
    frame = org_release(org).frame
    return frame[(frame["status"] == "scored").to_numpy(dtype=bool)].reset_index(drop=True)


def _report(found: list[Exposure]) -> str:
    return "\n".join(e.describe() for e in found)


def _wave(org: Organisation) -> Wave:
    return Wave.objects.get(org=org, name=WAVE)


# ---------------------------------------------------------------------- the tests


def test_no_combination_of_shown_means_isolates_fewer_than_k_where_everyone_answered(meridian, viewer):
    """Every mean of every view and request, over measures everyone answered: no pair of nested
    groups, no total minus its shown groups and no longer combination isolates 1..k-1 people, and no
    group's mean is shown with two sizes (or two values) in two views."""
    shown = everything(meridian, viewer)
    views = {s.view for s in shown}
    assert views == {"api.heatmap", "api.overview.diagnostics", "export.csv", "console.contexts"}, views
    complete = [s for s in shown if s.measure not in SKIPPED]
    groups = {s.filters for s in complete}
    assert len(groups) >= 8 and len({s.measure for s in complete}) >= 12  # the audit saw a real spread
    assert normalised({"wave": WAVE, "unit": "Ops"}) in groups  # Ops (12) shown,
    assert normalised({"wave": WAVE, "unit2": "Ops/Floor"}) not in groups  # Ops/Floor (11) hidden
    assert inconsistencies(shown) == []
    found = exposures(complete, placed_frame(meridian), K)
    assert found == [], _report(found)


def test_the_same_check_finds_the_one_man_in_a_table_without_the_release(meridian):
    """The check can fail: the same data published with groups under k withheld but no protection
    across differences gives away the Ops/Desk man's scores (Ops minus Ops/Floor), and the sum it
    works out is his answer (5.0, and stage 4 in every context)."""
    frame = placed_frame(meridian)
    tables = [(), ("unit",), ("unit2",), ("level",), ("region",), ("unit", "level"), ("unit2", "level")]
    measures = [
        m for m in {*CONSTRUCT.values(), *(f"context_{c}_stage" for c in CONTEXTS)} if m not in SKIPPED
    ]
    found = exposures(unprotected(frame, tables, measures, WAVE, k=K), frame, K)
    desk = set(frame.loc[frame["unit2"] == "Ops/Desk", "respondent_id"].astype(str))
    alone = [e for e in found if e.people == desk]
    assert {e.measure for e in alone} == set(measures)
    assert all(e.total == (5.0 if e.measure.startswith("score_") else 4.0) for e in alone)
    combination = next(e for e in alone if e.measure == "score_barrier_fear").combination
    assert [c for c, _ in combination] == [1.0, -1.0]  # one shown group minus another (here total - Staff)
    pair = {normalised({"wave": WAVE, "unit": "Ops"}), normalised({"wave": WAVE, "unit2": "Ops/Floor"})}
    ops = [s for s in unprotected(frame, tables, measures, WAVE, k=K) if s.filters in pair]
    (fear,) = [e for e in exposures(ops, frame, K) if e.measure == "score_barrier_fear"]
    assert fear.people == desk and fear.total == 5.0  # 12 * 2.25 - 11 * 2.0


def test_no_combination_of_shown_means_isolates_fewer_than_k_answerers(meridian, viewer):
    """Over every measure, counting who answered each: no shown mean, and no combination of them,
    is the sum of 1..k-1 answerers."""
    shown = everything(meridian, viewer)
    frame = placed_frame(meridian)
    found = [e for e in exposures(shown, frame, K) if e.measure in SKIPPED]
    assert found == [], _report(found)


def test_an_attacker_reading_answer_counts_from_the_published_floats_learns_no_small_group(meridian, viewer):
    """The attacker without ground truth: a leadership score is the mean of its 2 items (a multiple of
    1/2), so a published mean S/a with a prime a > 2 tells its answer count a; two nested groups'
    counts and sums then give the few answerers between them."""
    shown = everything(meridian, viewer)
    leadership = [s for s in shown if s.measure == LEADERSHIP and s.view in ("api.heatmap", "export.csv")]
    found = decoded_pairs(leadership, {LEADERSHIP: 2}, K)
    assert found == [], "\n".join(found)


def test_the_float_reading_attacker_finds_the_few_answerers_in_a_table_without_the_release(meridian):
    """The decoder can find what it looks for: in the same data published with no gate, it reads the
    Sales/West leadership answerers' count and sum from Sales and Sales/East alone."""
    frame = placed_frame(meridian)
    open_table = unprotected(frame, [(), ("unit",), ("unit2",)], [LEADERSHIP], WAVE)
    found = decoded_pairs(open_table, {LEADERSHIP: 2}, K)
    assert any("'unit': 'Sales', 'wave'" in line and "2 answerer(s) with sum 3" in line for line in found), (
        found
    )
