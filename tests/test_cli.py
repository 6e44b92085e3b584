"""The command line, as a user runs it: files in, files out, clear errors, nothing half-written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from allypath.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "x.parquet"
    result = run("simulate", "--n", "400", "--seed", "1", "--out", path)
    assert result.exit_code == 0, result.output
    return path


def test_instrument_export_prints_the_contract_json():
    result = run("instrument", "export", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "allypath-core" and data["languages"] == ["en", "fr", "ar"]
    assert {c["kind"] for c in data["constructs"]} >= {"stage", "context", "self_placement"}
    ap1 = next(i for i in data["items"] if i["id"] == "ap1")
    assert ap1["construct"] == "stage_apathy" and ap1["stage"] == 1 and ap1["scale"] == {"min": 1, "max": 5}


def test_instrument_export_of_the_short_form_has_at_most_30_questions():
    from allypath.instrument import load_instrument

    data = json.loads(run("instrument", "export", "--form", "short").stdout)
    short = load_instrument().form("short")
    assert [i["id"] for i in data["items"]] == [c.id for c in short.columns]
    assert len(short.items) <= 30


def test_instrument_validate_accepts_the_packaged_file():
    from allypath.instrument import DEFAULT_INSTRUMENT

    result = run("instrument", "validate", DEFAULT_INSTRUMENT)
    assert result.exit_code == 0
    assert "valid" in result.stdout and "allypath-core 1.1.0" in result.stdout


def test_instrument_validate_names_the_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\nversion: 1\nlanguages: [en]\nresponse_scales: {}\nconstructs: []\n", encoding="utf-8"
    )
    result = run("instrument", "validate", bad)
    assert result.exit_code == 2
    assert "response_scales: must be a non-empty mapping" in result.stderr


def test_simulate_then_score_gives_every_contract_column(simulated, tmp_path):
    out = tmp_path / "s.parquet"
    result = run("score", simulated, "--out", out)
    assert result.exit_code == 0, result.output
    scored = pd.read_parquet(out)
    assert len(scored) == 400
    for column in (
        "respondent_id",
        "status",
        "reason",
        "stage",
        "stage_label",
        "p_apathy",
        "p_energised",
        "index",
        "index_se",
        "between_stages",
        "trailing_stage",
        "leading_stage",
        "perceived_stage",
        "perception_gap",
        "score_stage_apathy",
        "context_team_meetings_stage",
        "org",
        "unit",
    ):
        assert column in scored.columns
    placed = scored[scored["status"] == "scored"]
    probs = placed[["p_apathy", "p_ambivalence", "p_reflective", "p_energised"]].sum(axis=1)
    assert np.allclose(probs, 1)
    assert "of 400 rows" in result.stdout


def test_score_csv_round_trip(tmp_path):
    source = tmp_path / "x.csv"
    assert run("simulate", "--n", "50", "--out", source).exit_code == 0
    out = tmp_path / "s.csv"
    assert run("score", source, "--out", out).exit_code == 0
    assert len(pd.read_csv(out)) == 50


def test_score_careless_sets_straight_lined_rows_aside_and_says_how_many(tmp_path):
    source = tmp_path / "x.csv"
    assert run("simulate", "--n", "60", "--out", source).exit_code == 0
    frame = pd.read_csv(source)
    likert = [c for c in frame.columns if c[:2] in ("ap", "am", "re", "en") and c[2:].isdigit()]
    frame.loc[:4, likert] = 3
    frame.to_csv(source, index=False)
    out = tmp_path / "s.csv"
    result = run("score", source, "--out", out, "--careless")
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out)
    suspect = int((scored["status"] == "suspect").sum())
    assert suspect >= 5
    assert (scored.loc[:4, "status"] == "suspect").all() and scored.loc[:4, "stage"].isna().all()
    placed = int((scored["status"] == "scored").sum())
    assert f"{placed:,} placed, {suspect:,} set aside as careless (see the reason column)" in result.stdout
    summary = run("summary", out, "--by", "org")
    assert f"{suspect:,} set aside as careless" in summary.stdout


def test_a_bad_cell_fails_naming_file_row_and_column_and_writes_nothing(tmp_path):
    source = tmp_path / "bad.csv"
    assert run("simulate", "--n", "20", "--out", source).exit_code == 0
    frame = pd.read_csv(source)
    frame["ap3"] = frame["ap3"].astype(object)
    frame.loc[4, "ap3"] = "seven"
    frame.to_csv(source, index=False)
    out = tmp_path / "s.csv"
    result = run("score", source, "--out", out)
    assert result.exit_code == 2
    assert f"file {source}, row 5, column 'ap3': not a number" in result.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".s.csv*"))


def test_on_error_mark_scores_the_rest(tmp_path):
    source = tmp_path / "bad.csv"
    assert run("simulate", "--n", "20", "--out", source).exit_code == 0
    frame = pd.read_csv(source)
    frame.loc[4, "ap3"] = 8
    frame.to_csv(source, index=False)
    out = tmp_path / "s.csv"
    result = run("score", source, "--out", out, "--on-error", "mark")
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out)
    assert scored.loc[4, "status"] == "insufficient"
    assert "outside the scale 1-5" in scored.loc[4, "reason"]


def test_empty_file_is_refused(tmp_path):
    source = tmp_path / "empty.csv"
    source.write_bytes(b"")
    result = run("score", source, "--out", tmp_path / "s.csv")
    assert result.exit_code == 2
    assert "empty" in result.stderr.lower() and "empty.csv" in result.stderr


def test_wrong_encoding_is_refused_naming_the_row(tmp_path):
    source = tmp_path / "latin.csv"
    source.write_bytes("respondent_id,unit,ap1\nr1,Caf\xe9,3\n".encode("latin-1"))
    result = run("score", source, "--out", tmp_path / "s.csv")
    assert result.exit_code == 2
    assert "latin.csv" in result.stderr and "row" in result.stderr


def test_unknown_item_column_is_refused(tmp_path):
    source = tmp_path / "x.csv"
    pd.DataFrame({"respondent_id": ["a"], "ap1": [3], "ap77": [2]}).to_csv(source, index=False)
    result = run("score", source, "--out", tmp_path / "s.csv")
    assert result.exit_code == 2
    assert "ap77" in result.stderr and "unknown item column" in result.stderr


def test_recommend_prints_reasons_for_one_respondent(simulated, tmp_path):
    out = tmp_path / "s.parquet"
    run("score", simulated, "--out", out)
    rid = pd.read_parquet(out)["respondent_id"].iloc[0]
    result = run("recommend", out, "--respondent", rid, "--json")
    assert result.exit_code == 0, result.output
    recs = json.loads(result.stdout)
    assert recs[0]["kind"] == "stage" and recs[0]["reason"]
    assert [r["priority"] for r in recs] == list(range(1, len(recs) + 1))


def test_recommend_unknown_respondent(simulated, tmp_path):
    out = tmp_path / "s.parquet"
    run("score", simulated, "--out", out)
    result = run("recommend", out, "--respondent", "nobody")
    assert result.exit_code == 2 and "nobody" in result.stderr


def test_summary_prints_each_organisation(simulated, tmp_path):
    out = tmp_path / "s.parquet"
    run("score", simulated, "--out", out)
    result = run("summary", out, "--by", "org")
    assert result.exit_code == 0, result.output
    assert "Meridian Energy" in result.stdout and "Castellan Finance" in result.stdout
    assert "policy awareness" in result.stdout and "action 1" in result.stdout


def test_summary_shares_carry_their_likely_range_in_words(simulated, tmp_path):
    """Whole percentages with the range each likely lies in, barriers on their 1-5 scale with their
    margin; a share that would tell members' answers says so instead of printing "nan%"."""
    out = tmp_path / "s.parquet"
    run("score", simulated, "--out", out)
    text = run("summary", out, "--by", "org").stdout
    assert re.search(r"\b\d{1,3}% and \d{1,3}%", text)  # the stage table's "likely between" column
    assert re.search(
        r"policy awareness they claim, of the \d+ who answered: \d+% \(likely between \d+% and \d+%\)", text
    )
    assert re.search(r"\(\d\.\d of 5, give or take up to \d\.\d(: too close to call)?\)", text)
    assert not re.search(r"\d\.\d\d\)", text) and not re.search(r"\d\.\d of 5\)", text)
    assert not re.search(r"\d\.\d%", text) and not re.search(r"\bnan\b", text)
    frame = pd.read_parquet(out)
    frame["participation_count"] = 0.0  # nobody took part: the share would tell every member's answer
    frame.to_parquet(out)
    text = run("summary", out, "--by", "org").stdout
    assert "took part in initiatives: not published (it would tell how members answered)" in text
    assert not re.search(r"\bnan\b", text)


def test_summary_hides_groups_below_k(simulated, tmp_path):
    out = tmp_path / "s.parquet"
    run("score", simulated, "--out", out)
    frame = pd.read_parquet(out)
    frame.loc[frame.index[:2], "org"] = "Tiny"
    frame.to_parquet(out)
    result = run("summary", out, "--by", "org")
    assert "Tiny" in result.stdout and "hidden" in result.stdout


# -- the command line's shape: the user's order, one verb for one job, choices that name themselves ----

USER_ORDER = [
    "simulate", "score", "summary", "report", "recommend", "instrument", "import", "export", "stats",
    "methods", "calibrate", "backup", "restore", "content",
]  # fmt: skip


def _listed(help_text: str, names: list[str]) -> list[str]:
    """The names as the help's command list shows them, in its order (one command a line)."""
    rows = [line.strip(" │").split() for line in help_text.splitlines()]
    return [row[0] for row in rows if row and row[0] in names]


def test_help_lists_the_commands_in_the_order_a_user_meets_them():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert _listed(result.stdout, [*USER_ORDER, "validate"]) == USER_ORDER  # the old name is hidden


def test_the_reference_doc_lists_the_commands_in_the_same_order():
    text = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    top = text.split("**Commands**:", 1)[1].split("\n\n", 2)[1]
    assert [line.split("`")[1] for line in top.splitlines()] == USER_ORDER
    assert "allypath validate" not in text and "instrument validate" not in text


def test_groups_list_their_commands_in_order():
    shown = {
        "instrument": ["show", "export", "check", "codebook"],
        "import": ["detect", "apply"],
        "stats": ["reliability", "retest", "efa", "cfa", "invariance", "lca", "lpa"],
        "content": ["check", "deck"],
    }
    for group, commands in shown.items():
        result = runner.invoke(app, [group, "--help"], env={"COLUMNS": "120"})
        assert result.exit_code == 0, result.output
        assert _listed(result.stdout, [*commands, "validate"]) == commands, group


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["instrument", "validate"], "instrument check"),
        (["content", "validate"], "content check"),
    ],
)
def test_old_check_names_still_work_and_say_they_are_deprecated(old, new):
    from allypath.content import DEFAULT_FILES
    from allypath.instrument import DEFAULT_INSTRUMENT

    file = DEFAULT_INSTRUMENT if old[0] == "instrument" else DEFAULT_FILES["library"]
    old_run, new_run = run(*old, file), run(*new.split(), file)
    assert old_run.exit_code == new_run.exit_code == 0, old_run.output
    assert old_run.stdout == new_run.stdout and "valid" in old_run.stdout
    notice = f"`allypath {' '.join(old)}` is deprecated and will be removed in the next release; use `allypath {new}`"
    assert notice in old_run.stderr and "deprecated" not in new_run.stderr


def test_validate_is_the_old_name_of_methods(simulated):
    old_run, new_run = run("validate", simulated), run("methods", simulated)
    assert old_run.exit_code == new_run.exit_code == 2  # the same refusal: neither --out nor --json
    assert "give --out REPORT.html" in old_run.stderr and "give --out REPORT.html" in new_run.stderr
    assert (
        "`allypath validate` is deprecated" in old_run.stderr and "use `allypath methods`" in old_run.stderr
    )
    assert "deprecated" not in new_run.stderr


def test_import_detect_and_apply_are_sub_commands(tmp_path):
    for args, usage in ((["import", "detect", "--help"], "detect"), (["import", "apply", "--help"], "apply")):
        result = runner.invoke(app, args, env={"COLUMNS": "120"})
        assert result.exit_code == 0 and f"import {usage} [OPTIONS] {{FILE}}" in result.stdout
    refused = run("import", "detect", tmp_path / "a.csv", tmp_path / "b.csv")
    assert refused.exit_code == 2 and "unexpected extra argument" in refused.stderr.lower()


@pytest.mark.parametrize(
    ("args", "option", "allowed"),
    [
        (["simulate", "--out", "x.csv", "--form", "medium"], "--form", ["full", "short"]),
        (["score", "x.csv", "--out", "y.csv", "--form", "medium"], "--form", ["full", "short"]),
        (["score", "x.csv", "--out", "y.csv", "--engine", "gpu"], "--engine", ["auto", "memory", "duckdb", "spark"]),
        (["instrument", "export", "--form", "long"], "--form", ["full", "short"]),
        (["instrument", "show", "--language", "de"], "--language", ["en", "fr", "ar"]),
        (["recommend", "s.csv", "--respondent", "r1", "--language", "de"], "--language", ["en", "fr", "ar"]),
        (["export", "x.csv", "--out", "x.sav", "--language", "de"], "--language", ["en", "fr", "ar"]),
        (["import", "detect", "x.csv", "--format", "sas"], "--format", ["qualtrics", "spss", "xlsx"]),
        (["content", "deck", "--stage", "1", "--context", "c", "--out", "d.html", "--language", "de"],
         "--language", ["en", "fr", "ar"]),
    ],
)  # fmt: skip
def test_a_bad_choice_is_refused_naming_the_allowed_ones(args, option, allowed):
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.stderr
    for value in allowed:
        assert f"'{value}'" in result.stderr, (value, result.stderr)


def test_the_import_formats_are_the_readers_formats():
    from allypath.cli.files import SourceFormat
    from allypath.io import FORMATS

    assert [f.value for f in SourceFormat] == list(FORMATS)


def test_score_help_shows_the_spark_extra_as_written():
    result = runner.invoke(app, ["score", "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert 'pip install "allypath[spark]"' in result.stdout and "spark (allypath)" not in result.stdout


def test_instrument_show_lists_the_items_of_a_form_in_a_language(monkeypatch):
    from allypath.cli._common import console
    from allypath.instrument import load_instrument

    # A wide console whatever the terminal the tests run in: a wrapped cell would split the sentence.
    monkeypatch.setattr(console, "_width", 300)
    short = load_instrument().form("short")
    result = runner.invoke(
        app, ["instrument", "show", "--form", "short", "--language", "fr"], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 0, result.output
    assert f"{short.id} {short.version}" in result.stdout and f"{len(short.items)} items" in result.stdout
    listed = _listed(result.stdout, [item.id for item in load_instrument().items])
    assert listed == [item.id for item in short.items]
    assert short.items[0].text.get_lang("fr") in result.stdout


def test_auto_engine_is_duckdb_for_a_folder_or_glob_and_memory_for_a_file(tmp_path):
    from allypath.engines import Engine, choose_engine

    assert choose_engine(Engine.auto, tmp_path) is Engine.duckdb
    assert choose_engine("auto", tmp_path / "part-*.parquet") is Engine.duckdb
    assert choose_engine("auto", tmp_path / "x.parquet") is Engine.memory
    assert choose_engine(Engine.spark, tmp_path / "x.csv") is Engine.spark


def test_two_summaries_of_one_file_cannot_be_subtracted_to_one_mans_answer(tmp_path):
    """By org: 6 answered the policy question. By unit: unit A's 5 must not be given beside it, or
    6 - 5 = the one man of unit B who answered, and the shares his answer (a reviewer's attack)."""
    rows = []
    for unit, answers in {"A": [4.0, 4.0, 2.0, 2.0, 2.0], "B": [4.5, None, None, None, None]}.items():
        for i, answer in enumerate(answers):
            rows.append(
                {
                    "respondent_id": f"{unit}{i}",
                    "org": "x",
                    "unit": unit,
                    "stage": [1, 2, 3, 4][i % 4],
                    "status": "scored",
                    "between_stages": False,
                    "score_knowledge_claimed": answer,
                }
            )
    out = tmp_path / "s.parquet"
    pd.DataFrame(rows).to_parquet(out)
    by_org = run("summary", out, "--by", "org", "--k", "3").stdout
    by_unit = run("summary", out, "--by", "unit", "--k", "3").stdout
    counts = [
        int(n)
        for n in re.findall(r"policy awareness they claim, of the (\d+) who answered: \d+%", by_org + by_unit)
    ]
    assert not ({6, 5} <= set(counts))  # never both: their difference is one man
    assert "of the 1 who answered" not in by_unit
