"""The methods report's tables and charts name constructs as people read them and head their columns
in words ("log-likelihood", not ``loglik``); the ids and raw result keys stay in its JSON, for
machines. Item ids stay too: researchers look items up by them."""

from __future__ import annotations

import html as html_lib
import re

import pytest

import allypath
from allypath.reports import MethodsReport, methods_report
from allypath.reports.labels import construct_name
from allypath.reports.methods import PLAIN_HEADERS, plain_header

INSTRUMENT = allypath.load_instrument()
CONSTRUCT_IDS = [c.id for c in INSTRUMENT.constructs]
# The raw keys of the stats results that tables and charts used to show as headers; written out here,
# not taken from PLAIN_HEADERS, so a key dropped from that mapping is still caught.
RAW_KEYS = {
    "k",
    "ntotal",
    "n_placed",
    "loglik",
    "loglik_base",
    "heldout_loglik",
    "npar",
    "chisq",
    "pvalue",
    "cfi",
    "tli",
    "rmsea",
    "srmr",
    "delta_cfi",
    "delta_rmsea",
    "aic",
    "bic",
    "sabic",
    "smallest_share",
    "lowest_bic",
    "relative_entropy",
}


@pytest.fixture(scope="module")
def report() -> MethodsReport:
    # Small and with a calibration, so every section that shows raw keys (calibration fit) is built.
    return methods_report(allypath.simulate(600, seed=77), calibrate=True, seed=0, structure_bootstrap=0)


@pytest.fixture(scope="module")
def page(report: MethodsReport) -> str:
    return report.to_html()


def _visible_text(page: str) -> str:
    """What a reader sees, the charts' SVG text (axis labels, legends, cell values) included."""
    body = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


def _headers(page: str) -> set[str]:
    """Every column header (report tables and the data behind each chart) and every SVG text."""
    headers = re.findall(r"<th[^>]*>(.*?)</th>", page, re.S)
    cells = headers + re.findall(r"<text[^>]*>(.*?)</text>", page, re.S)
    return {html_lib.unescape(c).strip() for c in cells}


def _ids_in(text: str) -> list[str]:
    return [c for c in CONSTRUCT_IDS if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]


def _table_rows(page: str, caption: str) -> list[list[str]]:
    table = re.search(rf"<caption>{re.escape(caption)}</caption>(.*?)</table>", page, re.S)
    assert table is not None, caption
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    cells = [[html_lib.unescape(c) for c in re.findall(r"<td>(.*?)</td>", r, re.S)] for r in rows]
    return [row for row in cells if row]  # the header row has no <td>


def test_the_checks_see_ids_and_raw_keys() -> None:
    assert _ids_in("Apathy (stage_apathy) and ctx_team_meetings") == ["stage_apathy", "ctx_team_meetings"]
    assert _headers('<th scope="col">loglik</th><text x="1">npar</text>') & RAW_KEYS == {"loglik", "npar"}


def test_no_construct_id_is_shown(page: str) -> None:
    assert _ids_in(_visible_text(page)) == []


def test_no_raw_key_heads_a_column_or_labels_a_chart(report: MethodsReport, page: str) -> None:
    assert _headers(page) & RAW_KEYS == set()
    for section in report.sections:
        for table in section.tables:
            assert not RAW_KEYS & set(table.columns), (section.key, table.title, table.columns)
        for chart in section.charts:
            columns = [str(c) for c in chart.data.columns]
            assert not RAW_KEYS & set(columns), (section.key, chart.title, columns)
            assert not any("_" in c for c in columns), (section.key, chart.title, columns)


def test_tables_and_charts_name_constructs(page: str) -> None:
    apathy = construct_name(INSTRUMENT, "stage_apathy")
    assert apathy == INSTRUMENT.construct("stage_apathy").label.get_lang("en") != "stage_apathy"
    assert apathy in [row[0] for row in _table_rows(page, "Reliability")]
    assert apathy in [row[0] for row in _table_rows(page, "Factors matched to stage scales")]
    assert apathy in [row[1] for row in _table_rows(page, "Item statistics")]
    profiles = _table_rows(page, "Latent profile models")
    assert len(profiles) == 6 and profiles[0][0] == "1"


def test_item_tables_keep_the_item_ids(page: str) -> None:
    first = [row[0] for row in _table_rows(page, "Item statistics")]
    assert "ap1" in first and all(i in {item.id for item in INSTRUMENT.items} for i in first)


def test_headers_say_what_the_keys_mean(page: str) -> None:
    shown = _headers(page)
    for key in ("loglik", "npar", "smallest_share", "lowest_bic", "sabic", "ntotal", "cfi", "rmsea"):
        assert plain_header(key) in shown, key


def test_json_keeps_ids_and_raw_keys(report: MethodsReport) -> None:
    data = report.to_dict()["data"]
    assert "stage_apathy" in data["reliability"]
    assert data["items"]["ap1"]["construct"] == "stage_apathy"
    assert set(data["efa"]["factor_of_scale"]) >= {"stage_apathy", "stage_energised"}
    assert {"k", "loglik", "npar", "smallest_share", "lowest_bic"} <= set(data["latent"]["compare"][0])
    assert {"ntotal", "cfi", "rmsea", "srmr"} <= set(data["cfa"]["stages"]["fit"])
    assert "stage_apathy" in " ".join(data["cfa"]["stages"]["factor_correlations"])
    assert {"n_placed", "loglik_base", "relative_entropy"} <= set(data["calibration"]["fit_report"])


def test_plain_headers_are_safe_chart_fields() -> None:
    # Chart headers are Vega-Lite field names: dots, brackets and quotes there mean nested access.
    assert not [h for h in PLAIN_HEADERS.values() if re.search(r"[.\[\]'\"\\]", h)]
    assert plain_header("per_respondent") == "per respondent"


GLOSSES = {
    "CFI": "comparative",
    "TLI": "Tucker-Lewis",
    "RMSEA": "root mean square error of approximation",
    "SRMR": "standardised root mean square residual",
    "BIC": "information criteri",
}


def test_fit_acronyms_are_spelled_out_where_shown(report: MethodsReport) -> None:
    for section in report.sections:
        shown = {c for t in section.tables for c in t.columns}
        for acronym, words in GLOSSES.items():
            if acronym in shown:
                assert words in section.method, (section.key, acronym)


def test_a_retest_measure_is_named_as_the_command_and_the_report_name_it() -> None:
    """One public home for the names of the scored file's measures (``allypath.reports.labels``): the
    retest command and the methods report both import it there."""
    from allypath.reports.labels import measure_name

    assert measure_name(INSTRUMENT, "index") == "Developmental index (0-100)"
    assert measure_name(INSTRUMENT, "score_stage_apathy") == construct_name(INSTRUMENT, "stage_apathy")
    assert measure_name(INSTRUMENT, "score_no_such_construct") == "no_such_construct"
    assert measure_name(INSTRUMENT, "tenure") == "tenure"
