"""The cover's key message never names a largest stage without saying how sure that is.

It took the summary's first two sentences (how many answered, the largest stage), and left out the
third: whether that stage is clearly the largest or too close to another to tell. HR reading only the
cover got "The largest group is at Ambivalence" where the summary overleaf said the figures cannot
tell (a review). Here the same report is made of data where one stage clearly leads and of data where
two are level, and the cover must say which.
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import allypath
from allypath.cli import app

_STUDY_ORGS = inspect.signature(allypath.simulate).parameters["orgs"].default


def _cover_lines(tmp_path: Path, mix: tuple[float, float, float, float]) -> list[str]:
    orgs = tuple(dataclasses.replace(org, stage_mix=mix) for org in _STUDY_ORGS)
    data = tmp_path / "responses.parquet"
    allypath.simulate(1200, seed=5, orgs=orgs).to_parquet(data)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(data), "--by", "org", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    key = re.search(r'<section class="key".*?</section>', page, re.S)
    assert key is not None, "the report has a key message"
    return [html.unescape(line) for line in re.findall(r'<p class="lead">(.*?)</p>', key.group(0), re.S)]


# The generator's stage mix is that of the men invited; who answers depends on the stage too (the
# apathetic answer least), so these mixes give, among those who answered, Ambivalence at 38 % clearly
# ahead, and Apathy at 31 % beside Energised at 29 %.
@pytest.mark.parametrize(
    ("mix", "verdict"),
    [
        ((0.36, 0.36, 0.18, 0.1), "clearly the largest"),
        ((0.7, 0.1, 0.1, 0.1), "cannot tell which is largest"),
    ],
)
def test_the_cover_says_whether_the_largest_stage_is_clearly_the_largest(
    tmp_path: Path, mix: tuple[float, float, float, float], verdict: str
) -> None:
    lines = _cover_lines(tmp_path, mix)
    assert any(line.startswith("The largest group is at") for line in lines), lines
    assert any(verdict in line for line in lines), lines
