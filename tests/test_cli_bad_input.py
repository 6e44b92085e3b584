"""Bad input and failed writes on the command line: one line naming the file (and row, column), exit 2,
and nothing half-written: a failed write leaves the previous output as it was and no temporary file."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from allypath.cli import app
from allypath.cli._common import EXIT_ERROR

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(result) -> str:
    """The error line of a refused command; fails on a traceback or a zero exit."""
    assert result.exit_code == EXIT_ERROR, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, result.output
    return " ".join(lines[lines.index(errors[0]) :])


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bad") / "ok.csv"
    result = run("simulate", "--n", "200", "--seed", "3", "--out", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def scored(raw: Path) -> Path:
    path = raw.with_name("scored.csv")
    result = run("score", raw, "--out", path)
    assert result.exit_code == 0, result.output
    return path


def _failing_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace)


def _left_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --------------------------------------------------------------------------- 1. atomic writes


@pytest.mark.parametrize("suffix", [".html", ".csv", ".xlsx"])
def test_a_failed_report_write_keeps_the_previous_report(tmp_path, scored, monkeypatch, suffix):
    out = tmp_path / f"board{suffix}"
    out.write_bytes(b"the previous report")
    _failing_replace(monkeypatch)
    message = one_line_error(run("report", scored, "--out", out))
    assert str(out) in message and "No space left" in message
    assert out.read_bytes() == b"the previous report"
    assert _left_in(tmp_path) == {out.name}


def test_a_failed_deck_write_keeps_the_previous_deck(tmp_path, monkeypatch):
    out = tmp_path / "deck.html"
    out.write_text("the previous deck")
    _failing_replace(monkeypatch)
    message = one_line_error(
        run("content", "deck", "--stage", "2", "--context", "team_meetings", "--out", out)
    )
    assert str(out) in message
    assert out.read_text() == "the previous deck"
    assert _left_in(tmp_path) == {out.name}


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (("score", "{raw}"), "s.csv"),
        (("export", "{raw}"), "e.xlsx"),
        (("export", "{raw}"), "e.sav"),
        (("import", "detect", "{raw}"), "m.yaml"),
        (("simulate", "--n", "20"), "sim.parquet"),
    ],
)
def test_a_failed_write_is_one_line_naming_the_output(tmp_path, raw, monkeypatch, command, name):
    out = tmp_path / name
    out.write_bytes(b"old")
    _failing_replace(monkeypatch)
    args = [str(a).format(raw=raw) for a in command]
    message = one_line_error(run(*args, "--out", out))
    assert str(out) in message
    assert out.read_bytes() == b"old"
    assert _left_in(tmp_path) == {out.name}


def test_a_failed_methods_report_write_is_one_line(tmp_path, raw, monkeypatch):
    out = tmp_path / "methods.html"
    out.write_text("old")
    _failing_replace(monkeypatch)
    message = one_line_error(run("methods", raw, "--out", out, "--bootstrap", "0", "--groups", "org"))
    assert str(out) in message
    assert out.read_text() == "old"
    assert _left_in(tmp_path) == {out.name}


# --------------------------------------------------------------------------- 2. output = input


def test_score_refuses_to_write_over_its_input(tmp_path, raw):
    source = tmp_path / "resp.csv"
    source.write_bytes(raw.read_bytes())
    message = one_line_error(run("score", source, "--out", source))
    assert str(source) in message and "input" in message
    assert source.read_bytes() == raw.read_bytes()


def test_report_refuses_to_write_over_its_input_by_another_name(tmp_path, scored, monkeypatch):
    data = tmp_path / "data.csv"
    data.write_bytes(scored.read_bytes())
    monkeypatch.chdir(tmp_path)
    message = one_line_error(run("report", "data.csv", "--out", tmp_path / "." / "data.csv"))
    assert "data.csv" in message and "input" in message
    assert data.read_bytes() == scored.read_bytes()


def test_export_refuses_a_hard_link_to_its_input(tmp_path, raw):
    source = tmp_path / "resp.csv"
    source.write_bytes(raw.read_bytes())
    link = tmp_path / "link.csv"
    os.link(source, link)
    one_line_error(run("export", source, "--out", link))
    assert source.read_bytes() == raw.read_bytes()


def test_import_apply_refuses_to_write_over_its_input_or_mapping(tmp_path, raw):
    source = tmp_path / "ex.csv"
    source.write_bytes(raw.read_bytes())
    mapping = tmp_path / "m.yaml"
    assert run("import", "detect", source, "--out", mapping).exit_code == 0
    before = mapping.read_bytes()
    for out in (source, mapping):
        message = one_line_error(run("import", "apply", source, "--mapping", mapping, "--out", out))
        assert str(out) in message and "input" in message
    assert source.read_bytes() == raw.read_bytes() and mapping.read_bytes() == before


# --------------------------------------------------------------------------- 3. import checks the scale


@pytest.fixture(scope="module")
def export_with_a_six(raw: Path) -> tuple[Path, dict]:
    import yaml

    frame = pd.read_csv(raw)
    frame.loc[4, "am2"] = 6
    path = raw.with_name("ex6.csv")
    frame.to_csv(path, index=False)
    mapping = raw.with_name("detected.yaml")
    assert run("import", "detect", raw, "--out", mapping).exit_code == 0
    return path, yaml.safe_load(mapping.read_text())


@pytest.mark.parametrize(
    "am2",
    [
        {"column": "am2", "range": [1, 9]},
        {"column": "am2", "values": {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 99}},
    ],
    ids=["range", "values"],
)
def test_import_refuses_an_answer_outside_the_item_scale(tmp_path, export_with_a_six, am2):
    import yaml

    source, detected = export_with_a_six
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump({**detected, "items": {**detected["items"], "am2": am2}}))
    out = tmp_path / "out.csv"
    message = one_line_error(run("import", "apply", source, "--mapping", mapping, "--out", out))
    assert f"file {source}" in message and "row 5" in message and "column 'am2'" in message
    assert "item 'am2'" in message and "scale 1-5" in message
    assert not out.exists()


def test_import_refuses_a_likert_item_mapped_as_text(tmp_path, export_with_a_six):
    import yaml

    source, detected = export_with_a_six
    mapping = tmp_path / "m.yaml"
    items = {**detected["items"], "am2": {"column": "am2", "type": "text"}}
    mapping.write_text(yaml.safe_dump({**detected, "items": items}))
    out = tmp_path / "out.csv"
    message = one_line_error(run("import", "apply", source, "--mapping", mapping, "--out", out))
    assert "'am2'" in message and "text" in message
    assert not out.exists()


# --------------------------------------------------------------------------- 4. report/methods check answers


@pytest.fixture(scope="module")
def bad_answers(raw: Path) -> Path:
    frame = pd.read_csv(raw)
    frame["am2"] = frame["am2"].astype(object)
    frame.loc[10, "am2"] = "abc"
    path = raw.with_name("bad_answers.csv")
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ("score", "{data}", "--out", "{tmp}/s.csv"),
        ("report", "{data}", "--out", "{tmp}/r.csv"),
        ("methods", "{data}", "--json", "--bootstrap", "0", "--groups", "org"),
    ],
    ids=["score", "report", "methods"],
)
def test_unscored_data_with_a_bad_answer_is_refused_as_score_refuses_it(tmp_path, bad_answers, command):
    args = [a.format(data=bad_answers, tmp=tmp_path) for a in command]
    message = one_line_error(run(*args))
    assert f"file {bad_answers}, row 11, column 'am2'" in message
    assert _left_in(tmp_path) == set()


# --------------------------------------------------------------------------- 5. duplicated respondent ids


@pytest.fixture(scope="module")
def duplicated(raw: Path) -> tuple[Path, Path]:
    """The raw file with row 8's id set to row 3's, and the same rows scored with --on-error mark
    by hand (a scored file made before score refused duplicates)."""
    frame = pd.read_csv(raw)
    frame.loc[7, "respondent_id"] = frame.loc[2, "respondent_id"]
    path = raw.with_name("dup.csv")
    frame.to_csv(path, index=False)
    import allypath

    scored = raw.with_name("dup_scored.csv")
    allypath.score(frame).to_csv(scored, index=False)
    return path, scored


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_score_refuses_a_duplicated_respondent_id_naming_both_rows(tmp_path, duplicated, suffix):
    source = duplicated[0]
    if suffix == ".parquet":
        source = tmp_path / "dup.parquet"
        pd.read_csv(duplicated[0]).to_parquet(source)
    out = tmp_path / "s.csv"
    message = one_line_error(run("score", source, "--out", out))
    assert f"file {source}" in message and "rows 3 and 8" in message and "respondent_id" in message
    assert not out.exists()


def test_import_refuses_a_duplicated_respondent_id_naming_both_rows(tmp_path, duplicated, raw):
    mapping = tmp_path / "m.yaml"
    assert run("import", "detect", raw, "--out", mapping).exit_code == 0
    out = tmp_path / "out.csv"
    message = one_line_error(run("import", "apply", duplicated[0], "--mapping", mapping, "--out", out))
    assert f"file {duplicated[0]}" in message and "rows 3 and 8" in message
    assert not out.exists()


@pytest.mark.parametrize(
    "command", [("summary",), ("report", "--out", "{tmp}/r.html")], ids=["summary", "report"]
)
def test_summary_and_report_name_the_file_and_rows_of_a_duplicated_id(tmp_path, duplicated, command):
    scored = duplicated[1]
    args = [command[0], scored, *(a.format(tmp=tmp_path) for a in command[1:])]
    message = one_line_error(run(*args))
    assert f"file {scored}" in message and "rows 3 and 8" in message


# --------------------------------------------------------------------------- 6. recommend


def test_recommend_refuses_an_ambiguous_id_naming_its_rows(duplicated):
    scored = duplicated[1]
    respondent = str(pd.read_csv(scored)["respondent_id"][2])
    message = one_line_error(run("recommend", scored, "--respondent", respondent))
    assert "ambiguous" in message and "rows 3 and 8" in message and str(scored) in message


def test_recommend_refuses_an_unscored_file(raw):
    respondent = str(pd.read_csv(raw)["respondent_id"][0])
    message = one_line_error(run("recommend", raw, "--respondent", respondent))
    assert f"file {raw} is not scored (no stage column)" in message


def test_summary_refuses_an_unscored_file_naming_it(raw):
    message = one_line_error(run("summary", raw, "--by", "org"))
    assert f"file {raw}, column 'stage': the data is not scored" in message and "allypath score" in message


def test_recommend_says_the_id_column_is_missing(tmp_path, scored):
    path = tmp_path / "no_id.csv"
    pd.read_csv(scored).drop(columns="respondent_id").to_csv(path, index=False)
    message = one_line_error(run("recommend", path, "--respondent", "x"))
    assert "no respondent_id column" in message and str(path) in message


# --------------------------------------------------------------------------- 7. path mistakes


@pytest.mark.parametrize(
    "command",
    [
        ("report", "{scored}", "--out", "{tmp}/nodir/r.html"),
        ("report", "{scored}", "--out", "{tmp}/nodir/r.xlsx"),
        ("content", "deck", "--stage", "2", "--context", "team_meetings", "--out", "{tmp}/nodir/d.html"),
        ("score", "{raw}", "--out", "{tmp}/afile/s.csv"),
    ],
    ids=["report-html", "report-xlsx", "deck", "score-parent-is-a-file"],
)
def test_an_output_in_a_missing_folder_is_one_line_naming_it(tmp_path, raw, scored, command):
    (tmp_path / "afile").write_text("a file, not a folder")
    args = [a.format(raw=raw, scored=scored, tmp=tmp_path) for a in command]
    message = one_line_error(run(*args))
    assert args[-1] in message
    assert not (tmp_path / "nodir").exists()


@pytest.mark.parametrize("command", [("instrument", "check"), ("content", "check")])
def test_checking_a_folder_is_one_line_naming_it(tmp_path, command):
    message = one_line_error(run(*command, tmp_path))
    assert f"{tmp_path} is a folder" in message


@pytest.fixture
def web_env(tmp_path, monkeypatch) -> Path:
    data = tmp_path / "var"
    monkeypatch.setenv("ALLYPATH_DEBUG", "true")
    monkeypatch.setenv("ALLYPATH_DATA_DIR", str(data))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return data


def test_backup_without_a_database_creates_nothing(tmp_path, web_env):
    out = tmp_path / "backups" / "b.sqlite3"
    message = one_line_error(run("backup", out))
    assert f"no database at {web_env / 'allypath.sqlite3'}" in message
    assert not web_env.exists() and not out.parent.exists()


def test_backup_into_a_folder_is_one_line(tmp_path, web_env):
    import sqlite3

    web_env.mkdir()
    with sqlite3.connect(web_env / "allypath.sqlite3") as con:
        con.execute("CREATE TABLE t (x)")
    folder = tmp_path / "somedir"
    folder.mkdir()
    message = one_line_error(run("backup", folder))
    assert f"{folder} is a folder" in message
    assert _left_in(folder) == set() and _left_in(tmp_path) == {"somedir", "var"}
    good = tmp_path / "b.sqlite3"
    assert run("backup", good).exit_code == 0 and good.stat().st_size > 0


def test_restoring_a_truncated_backup_is_one_line_and_changes_nothing(tmp_path):
    import sqlite3
    import subprocess
    import sys

    data = tmp_path / "var"
    data.mkdir()
    database = data / "allypath.sqlite3"
    with sqlite3.connect(database) as con:
        con.execute("CREATE TABLE t (x)")
        con.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    backup = tmp_path / "b.sqlite3"
    backup.write_bytes(database.read_bytes()[:20000])
    before = database.read_bytes()
    env = {**os.environ, "ALLYPATH_DEBUG": "true", "ALLYPATH_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "allypath.cli", "restore", str(backup)],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert done.returncode == EXIT_ERROR, done.stderr
    assert "Traceback" not in done.stderr and f"{backup}: not a complete SQLite backup" in done.stderr
    assert database.read_bytes() == before


# --------------------------------------------------------------------------- 8. bounds


def test_simulate_refuses_an_absurd_number_of_respondents(tmp_path):
    result = run("simulate", "--n", "99999999999999999999", "--out", tmp_path / "x.csv")
    assert result.exit_code == EXIT_ERROR and not isinstance(result.exception, OverflowError)
    assert "--n" in result.output and "100000000" in result.output
    assert _left_in(tmp_path) == set()


# --------------------------------------------------------------------------- the summary's groups


def test_the_summary_says_when_placed_respondents_have_no_group(tmp_path, scored):
    frame = pd.read_csv(scored, dtype=str, keep_default_na=False)
    complete = run("summary", scored, "--by", "org")
    assert complete.exit_code == 0, complete.output
    assert "have no org" not in complete.output
    frame.loc[:59, "org"] = ""  # 60 rows with no org: in the total, in no group
    blank = tmp_path / "blank.csv"
    frame.to_csv(blank, index=False)
    result = run("summary", blank, "--by", "org")
    assert result.exit_code == 0, result.output
    assert "Some placed respondents have no org" in result.output
    assert "60" not in result.output.split("have no org")[1].split("\n")[0]  # no count of them


@pytest.mark.parametrize(
    ("suffix", "engine"), [(".csv", "memory"), (".parquet", "memory"), (".parquet", "duckdb")]
)
def test_answers_without_a_whole_stage_scale_are_refused_naming_it(tmp_path, raw, suffix, engine):
    """A file with no column of one stage scale (here Apathy) cannot place anyone: refused, not scored
    as 5,000 'insufficient' rows; a blank column (the scale skipped by everyone) is still scored."""
    frame = pd.read_csv(raw)
    apathy = [c for c in frame.columns if c.startswith("ap") and c[2:].isdigit()]
    without = tmp_path / f"without{suffix}"
    dropped = frame.drop(columns=apathy)
    dropped.to_csv(without, index=False) if suffix == ".csv" else dropped.to_parquet(without, index=False)
    out = tmp_path / "out.csv"
    said = one_line_error(run("score", without, "--out", out, "--engine", engine))
    assert f"file {without}" in said and f"column '{apathy[0]}'" in said
    assert "no column of the stage scale 'Apathy'" in said and not out.exists()
    blank = tmp_path / "blank.csv"
    frame.assign(**{c: None for c in apathy}).to_csv(blank, index=False)
    result = run("score", blank, "--out", out)
    assert result.exit_code == 0, result.output
    assert (pd.read_csv(out)["status"] != "scored").all()
