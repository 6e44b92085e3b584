"""The file path of the release (DESIGN §6): separate `allypath report` calls agree and combine safely.

One scored file with a unit of 3 people, a level of 6 and a unit of 6 whose members all score
Apathy. Four calls (`--by unit`, `--by level`, `--by region`, `--by unit*level`) each solve the same
publication over the file's declared breakdowns and write one table of it. An attacker holding all
four CSVs (sizes and stage shares times sizes, members known from the group values) derives no group
of 1..k-1 people and no member's stage; the all-Apathy unit never shows its split.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app
from privacy.attacker import Attacker

K = 5
STAGES = ("apathy", "ambivalence", "reflective", "energised")


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> tuple[pd.DataFrame, Path]:
    frame = allypath.score(allypath.simulate(400, seed=13))
    frame = frame[frame["status"] == "scored"].reset_index(drop=True).iloc[:300].copy()
    rng = np.random.default_rng(3)
    frame["unit"] = rng.choice(["Ops", "Sales", "Tech", "Legal"], size=len(frame), p=[0.4, 0.35, 0.2, 0.05])
    frame.loc[frame.index[:3], "unit"] = "Tiny"  # a 3-person unit
    frame.loc[frame.index[3:9], "unit"] = "Audit"  # 6 people, all at Apathy
    frame.loc[frame.index[3:9], "stage"] = 1
    frame["level"] = rng.choice(["Staff", "Manager"], size=len(frame), p=[0.8, 0.2])
    frame.loc[frame.index[20:26], "level"] = "Director"  # a 6-person level
    frame["region"] = rng.choice(["EMEA", "APAC", "Americas"], size=len(frame))
    frame = frame.drop(columns=["org"])  # the attributes of this file: unit, level, region
    path = tmp_path_factory.mktemp("file") / "scored.parquet"
    frame.to_parquet(path)
    return frame, path


def _report(path: Path, by: str, out: Path, *more: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(
        app, ["report", str(path), "--by", by, "--out", str(out), "--k", str(K), *more]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _show(attacker: Attacker, frame: pd.DataFrame, by: str, rows: list[dict[str, str]]) -> None:
    """Every shown row of a report by ``by`` to the attacker, its members known from its values;
    each figure checked against the truth."""
    columns = by.split("*")
    for row in rows:
        if row["n"] == "":
            assert row["suppressed"] and row["note"] and all(row[f"share_{s}"] == "" for s in STAGES)
            continue
        keep = np.ones(len(frame), dtype=bool)
        if row[columns[0]] != "overall":
            for column in columns:
                keep &= (frame[column] == row[column]).to_numpy()
        members = np.flatnonzero(keep)
        assert int(row["n"]) == members.size  # the figure is the truth
        split = None
        if row["split"] == "stages":
            split = np.array([round(float(row[f"share_{s}"]) * members.size) for s in STAGES])
        attacker.see(row["group"], members, members.size, float(members.size), split)


def test_four_reports_on_one_file_combine_to_no_small_group_and_no_stage(scored, tmp_path):
    frame, path = scored
    attacker = Attacker(len(frame))
    tables = {}
    for by in ("unit", "level", "region", "unit*level"):
        rows = _report(path, by, tmp_path / f"{by.replace('*', '-')}.csv")
        tables[by] = rows
        _show(attacker, frame, by, rows)
    assert not attacker.breaches(K), attacker.breaches(K)[0]
    # the four calls are four tables of one publication: the same cell, the same figures
    overall = {by: (rows[0]["n"], rows[0]["share_apathy"]) for by, rows in tables.items()}
    assert len(set(overall.values())) == 1
    units = {r["unit"]: r for r in tables["unit"]}
    assert units["Tiny"]["suppressed"] == "below_k" and units["Tiny"]["note"] == "fewer than 5 people"
    audit = units["Audit"]  # 6 people, all at Apathy: the split would tell each one's stage
    assert audit["share_apathy"] == "" and audit["split"] in ("bands", "hidden", "")
    levels = {r["level"]: r for r in tables["level"]}
    assert levels["Director"]["n"] in ("", "6")


def test_a_breakdown_outside_the_declared_set_is_refused_with_how_to_declare_it(scored, tmp_path):
    """Adding it to this call's tables made this call a publication of its own: a review subtracted
    `--by level` minus `--by unit*level` minus `--by unit*level*region` (the last solved over one table
    more) down to 3 people, all Energised."""
    _, path = scored
    out = tmp_path / "x.csv"
    refused = CliRunner().invoke(app, ["report", str(path), "--by", "unit*level*region", "--out", str(out)])
    assert refused.exit_code == 2 and not out.exists()
    words = " ".join(refused.output.split())
    assert "unit × level × region is not among the declared ones" in words
    assert "--breakdowns unit,level,region,level*region,unit*level,unit*region,unit*level*region" in words
    narrower = CliRunner().invoke(
        app, ["report", str(path), "--by", "unit*region", "--breakdowns", "unit,level", "--out", str(out)]
    )
    assert narrower.exit_code == 2 and "--breakdowns unit,level,unit*region" in " ".join(
        narrower.output.split()
    )
    summary = CliRunner().invoke(app, ["summary", str(path), "--by", "region", "--breakdowns", "unit,level"])
    assert summary.exit_code == 2 and "region is not among the declared ones" in " ".join(
        summary.output.split()
    )
    bad = CliRunner().invoke(
        app, ["report", str(path), "--by", "unit", "--breakdowns", "unit,team", "--out", str(out)]
    )
    assert bad.exit_code == 2 and "team" in bad.output


def test_three_depths_of_one_declaration_combine_to_no_small_group_and_no_stage(scored, tmp_path):
    frame, path = scored
    declared = "unit,level,region,unit*level,unit*level*region"
    attacker = Attacker(len(frame))
    for by in ("level", "unit*level", "unit*level*region"):
        rows = _report(path, by, tmp_path / f"{by.replace('*', '-')}.csv", "--breakdowns", declared)
        _show(attacker, frame, by, rows)
    assert not attacker.breaches(K), attacker.breaches(K)[0]
