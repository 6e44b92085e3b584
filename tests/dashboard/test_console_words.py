"""HR reads sentences and names, never query keys or internal codes: the audit log's views and groups,
the questionnaire a wave uses, the groups table's count, the heatmap's overall row, the published
breakdowns, the "Break down by" choices and the charts' screen-reader text."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from django.db.models import QuerySet

from allypath.reports.board_charts import factor_chart, stage_mix_chart, transition_chart
from allypath.web.audit import record_access
from allypath.web.audit.models import AccessEvent
from allypath.web.audit.names import VIEW_NAMES, group_name, view_name
from allypath.web.console.dashboard import EXPORTS
from allypath.web.orgs.models import Wave

SRC = Path(__file__).resolve().parents[2] / "src" / "allypath"
BASE = "/console/northwind/dashboard/"


def main_of(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


# --------------------------------------------------------------------------- the audit log


def _view_codes() -> set[str]:
    """Every view code the code base can record: ``view="..."`` arguments, ``view: str = "..."``
    defaults, ``view = "..."`` assignments (both sides of an ``if``), and the export's f-string."""
    codes: set[str] = set()

    def constants(node: ast.AST | None) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return constants(node.body) + constants(node.orelse)
        if isinstance(node, ast.JoinedStr):
            prefix = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
            assert prefix == "dashboard.export.", f"a new computed view code: {ast.unparse(node)}"
            return [prefix + fmt for fmt in EXPORTS]
        return []

    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "view":
                        codes.update(constants(keyword.value))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = [*node.args.args, *node.args.kwonlyargs]
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + [
                    *node.args.defaults,
                    *node.args.kw_defaults,
                ]
                for argument, default in zip(arguments, defaults, strict=True):
                    if argument.arg == "view":
                        codes.update(constants(default))
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "view" for t in node.targets
            ):
                codes.update(constants(node.value))
    return codes


def test_every_view_code_the_code_base_records_has_a_plain_name() -> None:
    codes = _view_codes()
    # the scan finds the codes the reviewer saw, so an empty or partial scan cannot pass
    assert {"dashboard.summary", "dashboard.deck.pdf", "console.waves", "api.dashboard.heatmap"} <= codes
    assert {"dashboard.export.csv", "dashboard.plan.adopt", "console.publication.change"} <= codes
    unnamed = sorted(codes - set(VIEW_NAMES))
    assert unnamed == [], f"give these audit view codes a name in allypath.web.audit.names: {unnamed}"
    for code in codes:
        assert "." not in view_name(code) and "_" not in view_name(code), code


def test_an_unknown_view_code_reads_as_words_and_the_whole_organisation_by_name() -> None:
    assert view_name("dashboard.something_new") == "Dashboard: something new"
    assert view_name("api.dashboard.new_table") == "API: dashboard new table"
    assert view_name("weird_code") == "Weird code"
    assert group_name("all") == "Whole organisation"
    assert group_name("Ops/EMEA · 2026 Q1 by level") == "Ops/EMEA · 2026 Q1 by level"


@pytest.mark.db
@pytest.mark.django_db
def test_the_audit_log_names_views_and_groups_and_keeps_the_stored_codes(northwind, alice, as_user):
    wave = northwind.first
    shown = {
        "dashboard.summary": "Dashboard: summary",
        "dashboard.deck.pdf": "Workshop deck (PDF)",
        "console.waves": "Waves list",
        "dashboard.overview": "Dashboard: overview",
        "api.dashboard.heatmap": "API: heatmap",
    }
    for code in shown:
        record_access(alice, org=northwind.org, wave=wave, group="all", view=code)
    record_access(alice, org=northwind.org, wave=wave, group="Ops · 2026 Q1 by level", view="dashboard.x_y")
    page = as_user(alice).get("/console/northwind/audit/")
    assert page.status_code == 200
    html = main_of(page.content.decode())
    table = html.split("<h2>", 1)[0]
    for code, name in shown.items():
        assert f"<td>{name}</td>" in table, name
        assert code not in table
    assert "<td>Whole organisation</td>" in table and "<td>all</td>" not in table
    assert "<td>Dashboard: x y</td>" in table and "<td>Ops · 2026 Q1 by level</td>" in table
    # the log itself is unchanged: it keeps the codes it was written with
    stored = set(AccessEvent.objects.values_list("view", flat=True))
    assert set(shown) <= stored and "dashboard.x_y" in stored
    assert "all" in set(AccessEvent.objects.values_list("group", flat=True))


# --------------------------------------------------------------------------- the wave page


@pytest.mark.db
@pytest.mark.django_db
def test_the_wave_page_says_which_questionnaire_the_version_is_of(northwind, alice, as_user, make_wave):
    wave = northwind.first
    client = as_user(alice)
    html = main_of(client.get(f"/console/northwind/waves/{wave.pk}/").content.decode())
    assert f"version {wave.instrument_version} of the standard allypath questionnaire" in html
    assert "allypath-core" not in html
    # an organisation's own questionnaire is named as the organisation's, not by its id
    draft = make_wave(northwind.org, name="Own pulse", launch=False)
    Wave.objects.filter(pk=draft.pk).update(instrument_id="northwind-pulse", instrument_version="2.0")
    html = unescape(main_of(client.get(f"/console/northwind/waves/{draft.pk}/").content.decode()))
    assert "version 2.0 of Northwind's own questionnaire" in html
    assert "northwind-pulse" not in html


# --------------------------------------------------------------------------- the dashboard pages


@pytest.mark.db
@pytest.mark.django_db
def test_the_groups_table_counts_the_men_or_the_people_who_answered(northwind, bob, as_user):
    client = as_user(bob)
    query = {"wave": northwind.first.pk, "by": "unit"}
    html = main_of(client.get(BASE + "groups/", query).content.decode())
    assert '<th scope="col" class="num">Men who answered</th>' in html
    assert '<th scope="col" class="num">n</th>' not in html
    # a wave that invites everyone (set behind the launched wave's freeze, as if launched so)
    QuerySet.update(Wave.objects.filter(pk=northwind.first.pk), audience="everyone")
    html = main_of(client.get(BASE + "groups/", query).content.decode())
    assert '<th scope="col" class="num">People who answered</th>' in html


@pytest.mark.db
@pytest.mark.django_db
def test_the_heatmap_names_its_overall_row_everyone_with_a_capital(northwind, bob, as_user):
    html = main_of(as_user(bob).get(BASE + "heatmap/", {"wave": northwind.first.pk}).content.decode())
    table = html.split("<table>", 1)[1]
    assert '<th scope="row">Everyone</th>' in table
    assert '<th scope="row">everyone</th>' not in table


@pytest.mark.db
@pytest.mark.django_db
def test_the_break_down_by_choices_are_words_with_the_same_values(northwind, bob, as_user):
    html = main_of(
        as_user(bob).get(BASE + "groups/", {"wave": northwind.first.pk, "by": "level"}).content.decode()
    )
    select = html.split('<select id="f-by" name="by">', 1)[1].split("</select>", 1)[0]
    assert select == (
        '<option value="unit">Unit</option>'
        '<option value="level" selected>Level</option>'
        '<option value="region">Region</option>'
    )


@pytest.mark.db
@pytest.mark.django_db
def test_the_publication_page_names_breakdowns_in_words_with_an_example_unit(northwind, alice, as_user):
    html = main_of(as_user(alice).get("/console/northwind/publication/").content.decode())
    labels = re.findall(r'<label for="b-\d+">([^<]*)</label>', html)
    assert "unit (e.g. Ops)" in labels and "sub-unit (e.g. Ops/APAC)" in labels
    assert "level and region together" in labels
    assert "sub-unit (e.g. Ops/APAC) and level together" in labels
    assert not [label for label in labels if "×" in label or "(level" in label], labels


# --------------------------------------------------------------------------- the charts


def _spoken(svg: str) -> list[str]:
    """What a screen reader says for each mark (axes, legends and titles left out)."""
    return [
        label
        for label in re.findall(r'aria-label="([^"]*)"', svg)
        if not label.startswith(("X-axis", "Y-axis", "Title text", "Symbol legend"))
    ]


def test_the_stage_mix_chart_says_each_field_once_with_the_share_as_a_percentage() -> None:
    rows = pd.DataFrame(
        [
            {
                "group": "everyone",
                "visible": True,
                "share_apathy": 0.073171,
                "share_ambivalence": 0.3,
                "share_reflective": 0.25,
                "share_energised": 0.376829,
            }
        ]
    )
    chart = stage_mix_chart(rows, title="Stage mix")
    assert chart is not None
    spoken = _spoken(chart.svg)
    assert spoken == [
        "Group: everyone; Stage: Apathy; Share of respondents: 7%",
        "Group: everyone; Stage: Ambivalence; Share of respondents: 30%",
        "Group: everyone; Stage: Reflective; Share of respondents: 25%",
        "Group: everyone; Stage: Energised; Share of respondents: 38%",
    ]
    assert "0.073171" not in chart.svg.split("<desc", 1)[1]
    assert list(chart.data.columns) == ["group", "stage", "share"]  # the table behind it is unchanged


def test_heatmaps_say_each_cell_once_with_readable_names_and_the_written_value() -> None:
    rows = pd.DataFrame([{"group": "Corporate", "visible": True, "fear": 2.849, "unwelcome": 2.447}])
    chart = factor_chart(rows, kinds=("barrier", "norm"), title="Barriers")
    assert chart is not None
    assert _spoken(chart.svg) == [
        "Group: Corporate; Factor: Fear of saying the wrong thing; Average score: 2.8",
        "Group: Corporate; Factor: Unsure that support is welcome; Average score: 2.4",
    ]
    moves = pd.DataFrame({"visible": [True], "from_stage": [1], "to_stage": [2], "probability": [0.25]})
    chart = transition_chart(moves, title="Transitions")
    assert chart is not None
    assert _spoken(chart.svg) == ["First wave: from Apathy; Second wave: to Ambivalence; Probability: 25%"]


@pytest.mark.db
@pytest.mark.django_db
def test_the_excel_export_reads_in_words_and_the_csv_keeps_the_apis_keys(northwind, bob, as_user):
    import io

    from openpyxl import load_workbook

    client = as_user(bob)
    params = {"wave": northwind.first.pk, "by": "unit"}
    page = client.get("/console/northwind/dashboard/", params).content.decode()
    assert "Excel workbook" in page and "CSV data for analysts" in page
    book = load_workbook(io.BytesIO(client.get("/console/northwind/dashboard/export.xlsx", params).content))
    sheet = book["Board report"]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(c) for c in rows[0]]
    assert "Apathy: share (%)" in header and "Respondents" in header and "Unit" in header
    assert not [h for h in header if "_" in h], header
    assert not [h for h in header if h.islower()], header  # no bare key ("margin", "note") for HR
    first = dict(zip(header, rows[1], strict=True))
    assert float(first["Averages could be off by chance by up to (1 to 5 scale)"]) > 0
    assert first["Unit"] == "Everyone"
    assert 0 <= float(first["Apathy: share (%)"]) <= 100 and float(first["Apathy: share (%)"]) > 1
    csv_text = client.get("/console/northwind/dashboard/export.csv", params).content.decode()
    assert csv_text.startswith("group,unit,n,suppressed")


@pytest.mark.db
@pytest.mark.django_db
def test_an_address_edited_by_hand_is_refused_in_words_not_parameter_names(northwind, bob, as_user):
    client = as_user(bob)
    wave = northwind.first.pk
    by = client.get("/console/northwind/dashboard/groups/", {"wave": wave, "by": "team"})
    extra = client.get("/console/northwind/dashboard/groups/", {"wave": wave, "levle": "Staff"})
    assert by.status_code == extra.status_code == 422
    assert "results are broken down by unit, level or region only" in by.content.decode()
    assert "this page does not take &#x27;levle&#x27; in its address" in extra.content.decode()
    assert "must be one of" not in by.content.decode() + extra.content.decode()
    assert "from_wave" not in extra.content.decode()  # no list of the address's keys
