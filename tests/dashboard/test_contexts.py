"""The Contexts page (issue 16, point 4): context profiles per group, turning points and policy awareness
checked against the policies the organisation declares, all through the organisation's release."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from allypath.analytics.factors import turning_points
from allypath.privacy import PrivacyPolicy
from allypath.web.dashboard.contexts import _profile
from allypath.web.dashboard.frames import knowledge_share

from .test_dashboard_pages import BASE, main_of

pytestmark = [pytest.mark.db, pytest.mark.django_db]

URL = BASE + "contexts/"
KEYS = ["team_meetings", "hiring_promotion", "flexible_caregiving", "informal_social"]


# -- the words a profile gets: they must be able to come out either way --------------------------------------


def test_a_situation_a_quarter_of_a_stage_behind_is_called_further_back():
    row = _profile(dict(zip(KEYS, [3.0, 2.4, 3.1, 3.0], strict=True)), KEYS)
    apart = {c["key"]: c["apart"] for c in row["cells"]}
    assert apart["hiring_promotion"] == "further back" and apart["team_meetings"] == ""
    assert "further back in hiring and promotion" in row["sentence"]


def test_situations_within_a_quarter_of_a_stage_are_about_the_same():
    row = _profile(dict(zip(KEYS, [3.0, 2.9, 3.1, 3.05], strict=True)), KEYS)
    assert all(c["apart"] == "" for c in row["cells"])
    assert row["sentence"].startswith("About the same stage in every context")


def test_a_withheld_situation_is_not_compared():
    row = _profile(dict(zip(KEYS, [3.0, None, 3.0, 1.5], strict=True)), KEYS)
    cells = {c["key"]: c for c in row["cells"]}
    assert cells["hiring_promotion"]["mean"] is None and cells["hiring_promotion"]["apart"] == ""
    assert cells["informal_social"]["apart"] == "further back"


# -- the knowledge check against declared policies ---------------------------------------------------------


def test_knowledge_is_checked_only_against_what_the_organisation_declares():
    declared = {"flexible_work": True, "pay_gap_review": False}
    assert knowledge_share(["flexible_work"], declared) == 1.0
    assert knowledge_share(["flexible_work", "pay_gap_review"], declared) == 0.5
    assert knowledge_share([], declared) == 0.5
    assert np.isnan(knowledge_share(["flexible_work"], {}))  # nothing declared: nothing checked
    assert np.isnan(knowledge_share(None, declared))  # the question skipped


# -- turning points: a share only where at least k answered ---------------------------------------------------


def test_turning_point_shares_need_k_answerers():
    frame = pd.DataFrame(
        {
            "respondent_id": [str(i) for i in range(8)],
            "stage": [1, 2, 3, 4, 1, 2, 3, 4],
            "status": ["scored"] * 8,
            "tp_daughter": [1.0, 0.0, 1.0, 0.0, np.nan, np.nan, np.nan, np.nan],
        }
    )
    few = turning_points(frame, [], policy=PrivacyPolicy(k=5, k_text=5))
    assert np.isnan(few["daughter"].iloc[0])  # 4 answered, fewer than k
    frame.loc[4:5, "tp_daughter"] = [1.0, 0.0]
    enough = turning_points(frame, [], policy=PrivacyPolicy(k=5, k_text=5))
    assert enough["daughter"].iloc[0] == pytest.approx(0.5)


# -- the page ------------------------------------------------------------------------------------------------


def test_the_page_shows_profiles_turning_points_and_asks_for_declared_policies(northwind, bob, as_user):
    html = main_of(as_user(bob).get(URL, {"wave": northwind.first.pk}).content.decode())
    assert "Where each group stands, situation by situation" in html
    assert "In team meetings" in html and "Everyone selected" in html
    assert '<svg role="img"' in html  # the chart, with the table
    assert "What turned them" in html and "Having a daughter" in html
    assert "declare the policies your organisation offers" in html
    assert "Checked against the policies you declared" not in html


def test_the_chart_and_the_table_print_the_same_averages(northwind, bob, as_user):
    html = main_of(as_user(bob).get(URL, {"wave": northwind.first.pk}).content.decode())
    table = html.split('contexts-table"', 1)[1].split("</table>", 1)[0]
    everyone = table.split("Everyone selected", 1)[1].split("</tr>", 1)[0]
    in_table = re.findall(r'<td class="num[^"]*">(\d\.\d) ', everyone)
    assert len(in_table) == 4
    chart = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    for value in in_table:
        assert f">{value}<" in chart


def test_declared_policies_turn_on_the_check(northwind, alice, bob, as_user):
    client = as_user(alice)
    r = client.post(
        f"/console/{northwind.org.slug}/policies/",
        {"parental_leave": "yes", "flexible_work": "yes", "pay_gap_review": "no", "harassment_reporting": ""},
    )
    assert r.status_code == 302
    northwind.org.refresh_from_db()
    assert northwind.org.policies == {"parental_leave": True, "flexible_work": True, "pay_gap_review": False}
    html = main_of(as_user(bob).get(URL, {"wave": northwind.first.pk}).content.decode())
    assert "declare the policies" not in html
    assert "Checked against the policies you declared" in html or "check against your declared" in html


def test_only_org_admins_declare_policies(northwind, bob, as_user):
    client = as_user(bob)
    assert client.get(f"/console/{northwind.org.slug}/policies/").status_code == 200
    assert (
        client.post(f"/console/{northwind.org.slug}/policies/", {"flexible_work": "yes"}).status_code == 403
    )
    northwind.org.refresh_from_db()
    assert northwind.org.policies == {}


def test_a_hidden_group_shows_its_reason_and_no_figure(northwind, bob, as_user):
    html = main_of(as_user(bob).get(URL, {"wave": northwind.first.pk, "by": "unit"}).content.decode())
    table = html.split('contexts-table"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="row">Tech</th>' in table and '<th scope="row">Ops</th>' in table
    tech = table.split('<th scope="row">Tech</th>', 1)[1].split("</tr>", 1)[0]
    ops = table.split('<th scope="row">Ops</th>', 1)[1].split("</tr>", 1)[0]
    # three answered in Tech: never a figure for it, only the reason; Ops (32) has its profile
    assert not re.search(r"\d\.\d", tech) and "fewer than" in tech.lower()
    # of Ops's four contexts, one is averaged over answerers the release of that question's answerers
    # withholds (the whole organisation's less Ops's would be Tech's few): a dash, not a figure
    assert len(re.findall(r"\d\.\d", ops)) == 3 and ops.count("—") == 1


def test_the_turning_points_are_listed_most_named_first_and_something_else_last(northwind, bob, as_user):
    html = main_of(as_user(bob).get(URL, {"wave": northwind.first.pk}).content.decode())
    listed = html.split('<ul class="turning-points">', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li>([^:<]+): (\d+)%", listed)
    assert len(items) >= 3
    named = [(label, int(share)) for label, share in items if label != "Something else"]
    assert [s for _, s in named] == sorted((s for _, s in named), reverse=True)
    assert "Something else" not in listed or listed.rindex("<li>") == listed.index("<li>Something else")
