"""Numbers carry their uncertainty in words, from published figures only.

- A mean (the heatmap's scores on 1-5, the contexts page's average stage on 1-4) comes with how far
  it could move by chance, worked out from the number of men it is over and the widest spread the
  scale allows: never from the group's own spread (with the mean and the spread of a small group a
  member who knows his own answer can pin the others'). Where some men skipped a question the mean
  is over its answerers, fewer than the group, as the release of that question's answerers shows
  them; a row gives the widest margin of its means, so "up to" holds for every one of them.
- A share of those who answered (policy awareness, verified awareness, taking part, turning points)
  comes with its 95% Wilson range, from the count of those who answered as the answerers' release
  shows it; where that release hides the count, the share and its range are both absent.

The expected margins and ranges are computed here from the stored answers, independently of the
code under test (its own Wilson formula, its own count of who answered).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import pytest

from allypath.model import FACTORS
from allypath.web.dashboard.frames import knowledge_share
from allypath.web.survey.models import Response

from .test_dashboard_pages import BASE
from .test_true_statements import open_wave, words  # noqa: F401 - open_wave: a fixture used below

pytestmark = [pytest.mark.db, pytest.mark.django_db]

Z = 1.959963984540054  # the 97.5% point of the normal distribution
FEAR = "score_barrier_fear"  # the heatmap's "Fear of saying the wrong thing"
MEETINGS = "context_team_meetings_stage"  # the contexts page's "In team meetings"
#: The contexts table's columns (a stored result's keys have no order on PostgreSQL: jsonb)
SITUATIONS = (
    (MEETINGS, "In team meetings"),
    ("context_hiring_promotion_stage", "In hiring and promotion"),
    ("context_flexible_caregiving_stage", "Flexible work and caregiving"),
    ("context_informal_social_stage", "Informal and social settings"),
)


def margin(n: int, low: float, high: float) -> str:
    """The widest 95% margin of a mean of n answers within [low, high] (half the range as the
    spread), rounded up to a tenth, as the pages print it."""
    half = Z * (high - low) / 2 / math.sqrt(n)
    return f"±{math.ceil(half * 10 - 1e-9) / 10:.1f}"


def wilson(yes: int, n: int) -> str:
    """The 95% Wilson score interval of yes out of n, in whole percentages, as the pages say it."""
    p = yes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    low, high = max(centre - half, 0.0), min(centre + half, 1.0)
    return f"likely between {low * 100:.0f}% and {high * 100:.0f}%"


def placed(wave: Any, unit: str | None = None) -> list[Response]:
    rows = Response.objects.filter(wave=wave, status="scored").select_related("unit").order_by("pk")
    return [r for r in rows if unit is None or r.unit.path == unit or r.unit.path.startswith(unit + "/")]


def count(rows: Iterable[Response], answered: Any, yes: Any) -> tuple[int, int]:
    """(how many answered, how many of them said yes)."""
    values = [v for v in (answered(r) for r in rows) if v is not None]
    return len(values), sum(1 for v in values if yes(v))


def heatmap_rows(page: str) -> dict[str, str]:
    """Each row of the heatmap's table as text, by its group's name."""
    table = page.split("<table>", 1)[1].split("</table>", 1)[0]
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        name = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if name:
            out[name.group(1)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    return out


def heatmap(client: Any, wave: Any) -> str:
    return client.get(BASE + "heatmap/", {"wave": wave.pk, "by": "unit"}).content.decode()


def contexts(client: Any, wave: Any) -> str:
    return client.get(BASE + "contexts/", {"wave": wave.pk, "by": "unit"}).content.decode()


# --------------------------------------------------------------------------- means: a margin from the size


def fewest_answering(page: str, group: str, rows: list[Response]) -> int:
    """The fewest men of ``rows`` who answered any factor the heatmap's ``group`` row shows a mean of
    (counted here from the stored scores; the row's cells follow the model's factors in order)."""
    cells = heatmap_rows(page)[group].split()[len(group.split()) : -1]
    assert len(cells) == len(FACTORS), cells
    shown = [f for f, cell in zip(FACTORS, cells, strict=True) if re.fullmatch(r"\d\.\d", cell)]
    assert shown
    return min(sum(1 for r in rows if r.result.get(f"score_{f.construct}") is not None) for f in shown)


def test_each_shown_heatmap_row_says_how_far_its_averages_could_move_by_chance(northwind, bob, as_user):
    page = heatmap(as_user(bob), northwind.first)
    rows = heatmap_rows(page)
    everyone_rows, ops_rows = placed(northwind.first), placed(northwind.first, "Ops")
    everyone = fewest_answering(page, "Everyone", everyone_rows)
    ops = fewest_answering(page, "Ops", ops_rows)
    assert everyone < len(everyone_rows)  # some skipped a question: the margin is from its answerers
    assert rows["Everyone"].endswith(margin(everyone, 1, 5)), rows["Everyone"]
    assert rows["Ops"].endswith(margin(ops, 1, 5)), rows["Ops"]
    assert margin(everyone, 1, 5) != margin(len(everyone_rows), 1, 5)  # wider than the size alone gives
    assert margin(everyone, 1, 5) != margin(ops, 1, 5)  # the size decides it
    # hidden groups: their reason, no margin (no figure of theirs at all)
    for hidden in ("Sales", "Tech"):
        assert "±" not in rows[hidden] and not re.search(r"\d", rows[hidden].replace("5 people", ""))
    text = words(page)
    assert (
        f"for everyone selected (a group of {len(everyone_rows)}) up to about {margin(everyone, 1, 5)}"
        in text
    )
    assert "usually smaller" in text and "differ beyond chance" in text


def context_fewest_answering(page: str, group: str, rows: list[Response]) -> int:
    """The fewest men of ``rows`` who answered any situation the contexts table's ``group`` row shows
    an average of (counted here from the stored stages; columns in the instrument's order)."""
    table = page.split("<table>", 1)[1].split("</table>", 1)[0]
    row = re.search(rf'<th scope="row">{group}[^<]*</th>(.*?)</tr>', table, re.S)
    assert row, group
    cells = [
        re.sub(r"<[^>]+>", " ", c).strip()
        for c in re.findall(r'<td class="num[^"]*">(.*?)</td>', row.group(1), re.S)
    ]
    heads = re.findall(r'<th scope="col" class="num">(.*?)</th>', table)
    assert heads == [name for _, name in SITUATIONS], heads  # the table's columns, in this order
    situations = [column for column, _ in SITUATIONS]
    assert len(cells) == len(situations), cells
    shown = [c for c, cell in zip(situations, cells, strict=True) if re.match(r"\d\.\d", cell)]
    assert shown
    return min(sum(1 for r in rows if r.result.get(c) is not None) for c in shown)


def test_each_shown_context_profile_says_how_far_its_averages_could_move_by_chance(northwind, bob, as_user):
    page = contexts(as_user(bob), northwind.first)
    text = words(page)
    everyone_rows, ops_rows = placed(northwind.first), placed(northwind.first, "Ops")
    everyone = context_fewest_answering(page, "Everyone selected", everyone_rows)
    ops = context_fewest_answering(page, "Ops", ops_rows)
    assert everyone < len(everyone_rows)  # men skipped the hiring situation: fewer answered it
    assert (
        f"off by up to about {margin(everyone, 1, 4)} for everyone selected (a group of {len(everyone_rows)})"
        f" and {margin(ops, 1, 4)} for Ops ({len(ops_rows)})."
    ) in text
    assert margin(everyone, 1, 4) != margin(len(everyone_rows), 1, 4)
    sentence = text.split("An average stage could move by chance", 1)[1].split(". ", 1)[0]
    assert "Sales" not in sentence and "Tech" not in sentence  # hidden: no margin


def test_an_open_wave_shows_no_margin_for_the_averages_it_withholds(northwind, open_wave, bob, as_user):  # noqa: F811
    client = as_user(bob)
    rows = heatmap_rows(heatmap(client, open_wave))
    assert rows and all("±" not in row for row in rows.values())
    assert "could move by chance" not in words(contexts(client, open_wave))
    # the closed wave of the same organisation has them
    assert "±" in heatmap_rows(heatmap(client, northwind.first))["Everyone"]


# --------------------------------------------------------------------------- shares: a Wilson range


def _claimed(rows: list[Response]) -> tuple[int, int]:
    return count(rows, lambda r: r.result.get("score_knowledge_claimed"), lambda v: v >= 3.5)


def _took_part(rows: list[Response]) -> tuple[int, int]:
    return count(rows, lambda r: r.result.get("participation_count"), lambda v: v > 0)


def test_awareness_and_taking_part_carry_their_range_from_those_who_answered(northwind, bob, as_user):
    rows = placed(northwind.first)
    claimed, took_part = _claimed(rows), _took_part(rows)
    assert claimed[0] < len(rows)  # some skipped: a range from the group's size would be too narrow
    client = as_user(bob)
    overview = words(client.get(BASE, {"wave": northwind.first.pk}).content.decode())
    claimed_range, took_part_range = wilson(claimed[1], claimed[0]), wilson(took_part[1], took_part[0])
    assert f"by the knowledge check; of those who answered, claimed {claimed_range}" in overview
    assert f"took part in at least one initiative; of those who answered, {took_part_range}" in overview
    page = words(contexts(client, northwind.first))
    assert f"of those who answered say they know the policies ({claimed_range})." in page


def test_the_verified_share_carries_its_range_once_policies_are_declared(northwind, alice, bob, as_user):
    declared = {"parental_leave": True, "flexible_work": True, "pay_gap_review": False}
    northwind.org.policies = declared
    northwind.org.save()
    rows = placed(northwind.first)
    checked = [v for v in (knowledge_share(r.answers.get("kc"), declared) for r in rows) if not math.isnan(v)]
    verified = (len(checked), sum(1 for v in checked if v >= 0.75))
    assert verified[0] >= 5 and 1 < verified[1] < verified[0] - 1  # shown, and not withheld
    client = as_user(bob)
    overview = words(client.get(BASE, {"wave": northwind.first.pk}).content.decode())
    assert f"verified {wilson(verified[1], verified[0])}" in overview
    page = words(contexts(client, northwind.first))
    assert re.search(
        r"Checked against the policies you declared, \d+% \("
        + re.escape(wilson(verified[1], verified[0]))
        + r"\)",
        page,
    ), page


def test_a_share_whose_answerers_the_release_hides_gets_no_range(northwind, bob, as_user):
    """In Ops (32 placed) all but 3 skip the policy-awareness question: the answerers' release hides
    the 3, so the claimed share and any range of it are absent, while taking part keeps its range."""
    rows = placed(northwind.first, "Ops")
    for row in rows[3:]:
        row.result = {**row.result, "score_knowledge_claimed": None}
        row.save(update_fields=["result"])
    took_part = _took_part(rows)
    assert 1 < took_part[1] < took_part[0] - 1  # a share the page shows
    text = words(as_user(bob).get(BASE, {"wave": northwind.first.pk, "unit": "Ops"}).content.decode())
    assert "claimed likely between" not in text and "claimed / verified" in text
    assert f"of those who answered, {wilson(took_part[1], took_part[0])}" in text


def test_turning_point_shares_carry_their_range(northwind, bob, as_user):
    rows = placed(northwind.first)
    said = [r.answers["tp"] for r in rows if isinstance(r.answers.get("tp"), list)]
    text = words(contexts(as_user(bob), northwind.first))
    yes = sum("daughter" in chosen for chosen in said)
    assert (
        f"Having a daughter: {yes / len(said) * 100:.0f}% of those who answered ({wilson(yes, len(said))})"
        in text
    )


# --------------------------------------------------------------------------- privacy: nothing from a hidden figure


def _same_cell(rows: list[Response], column: str) -> tuple[Response, Response]:
    """Two respondents of one finest cell (unit, level, region) with different answers to ``column``
    whose sum is even: every group holding one holds the other, and their mean is a whole answer."""
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            va, vb = a.result.get(column), b.result.get(column)
            cell = (a.unit_id, a.level, a.region) == (b.unit_id, b.level, b.region)
            if cell and va is not None and vb is not None and va != vb and (va + vb) % 2 == 0:
                return a, b
    raise AssertionError(f"no pair for {column}")


def _table_text(page: str, marker: str) -> str:
    main = words(page)
    return main.split(marker, 1)[1]


def test_the_margins_do_not_depend_on_a_groups_spread(northwind, bob, as_user):
    """Two men of one finest cell answer closer together (the same sum): every group's mean is the
    same and only its spread changes. The pages, margins included, do not change by a character."""
    client = as_user(bob)
    before = (heatmap(client, northwind.first), contexts(client, northwind.first))
    assert "±" in heatmap_rows(before[0])["Ops"] and "could move by chance" in words(before[1])
    rows = placed(northwind.first, "Ops")
    for column in (FEAR, MEETINGS):
        a, b = _same_cell(rows, column)
        middle = (a.result[column] + b.result[column]) / 2
        for row in (a, b):
            row.result = {**row.result, column: middle}
            row.save(update_fields=["result"])
    after = (heatmap(client, northwind.first), contexts(client, northwind.first))
    assert _table_text(after[0], "Barrier, norm and enabler scores") == _table_text(
        before[0], "Barrier, norm and enabler scores"
    )
    assert _table_text(after[1], "Where each group stands") == _table_text(
        before[1], "Where each group stands"
    )


def test_a_margin_widens_with_the_men_who_skipped_a_question(northwind, bob, as_user):
    """Men of Ops skip the fear questions and the meetings situation, until fewer answered them than
    any other question: those averages are over fewer men, so the row's margin widens to theirs (from
    the count the answerers' release shows); a margin from the group's size alone, as before, would
    have said "up to" a figure chance can exceed."""
    client = as_user(bob)
    page, profile = heatmap(client, northwind.first), contexts(client, northwind.first)
    before = heatmap_rows(page)["Ops"]
    rows = sorted(placed(northwind.first, "Ops"), key=lambda r: -(r.result.get(FEAR) or 0))
    fewest_before = fewest_answering(page, "Ops", rows)
    context_before = context_fewest_answering(profile, "Ops", rows)
    left = fewest_before - 3  # fewer than answered any question the row shows
    # the skippers spread over Ops' two units (staff only), so each unit keeps k answerers: 8 of
    # EMEA's 18 staff and the rest of APAC's 12. Sales' answerers must stay fewer than Ops' (Tech is
    # below k, so the answerers' release hides the smaller of the two beside it): 9 of its staff skip.
    emea = [r for r in rows if r.unit.path == "Ops/EMEA" and "director" not in r.level.lower()][:8]
    apac = [r for r in rows if r.unit.path == "Ops/APAC"][: len(rows) - left - len(emea)]
    sales = placed(northwind.first, "Sales")
    sales = [r for r in sales if r.unit.path == "Sales/EMEA" and "manager" not in r.level.lower()][:5] + [
        r for r in sales if r.unit.path == "Sales/Americas"
    ][:4]
    assert len(emea) == 8 and len(apac) == len(rows) - left - 8 <= 7 and len(sales) == 9
    for row in (*emea, *apac, *sales):
        row.result = {**row.result, FEAR: None, MEETINGS: None}
        row.save(update_fields=["result"])
    page = heatmap(client, northwind.first)
    after = heatmap_rows(page)["Ops"]
    assert fewest_answering(page, "Ops", rows) == left  # the fear average is still shown, over fewer
    assert before.split()[-1] == margin(fewest_before, 1, 5)
    assert after.split()[-1] == margin(left, 1, 5) != before.split()[-1]
    profile_after = contexts(client, northwind.first)
    assert context_fewest_answering(profile_after, "Ops", rows) == left < context_before
    sentence = words(profile_after).split("An average stage could move by chance", 1)[1].split(". That", 1)[0]
    assert f"{margin(left, 1, 4)} for Ops ({len(rows)})" in sentence
    assert margin(left, 1, 4) != margin(context_before, 1, 4)


def test_each_groups_awareness_and_taking_part_carry_their_range(northwind, bob, as_user):
    """The groups page: under each shown group's shares, their 95% ranges from the counts its
    answerers' releases show (the group's own who answered, not its size)."""
    rows = placed(northwind.first, "Ops")
    claimed, took_part = _claimed(rows), _took_part(rows)
    page = as_user(bob).get(BASE + "groups/", {"wave": northwind.first.pk, "by": "unit"}).content.decode()
    (ops,) = [r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if '<th scope="row">Ops</th>' in r]
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ops))

    def bare(yes: int, n: int) -> str:  # "18%–61%", as the table prints a range under its share
        low, high = re.findall(r"\d+%", wilson(yes, n))
        return f"{low}–{high}"

    assert bare(*reversed(claimed)) + " / " in cells
    assert bare(*reversed(took_part)) in cells


def test_the_api_gives_each_heatmap_row_the_margin_the_page_prints(northwind, bob, as_user):
    client = as_user(bob)
    page = heatmap_rows(heatmap(client, northwind.first))
    body = client.get(
        "/api/v1/orgs/northwind/dashboard/heatmap", {"wave": northwind.first.pk, "by": "unit"}
    ).json()
    assert f"±{body['overall']['margin']:.1f}" == page["Everyone"].split()[-1]
    for group in body["groups"]:
        if group["visible"]:
            assert f"±{group['margin']:.1f}" == page[group["value"]].split()[-1]
        else:  # a hidden group: no margin either (it would hint at its answerers)
            assert group["margin"] is None
    assert any(not g["visible"] for g in body["groups"])
