"""bandit finds no high-severity issue in src/, and pip-audit finds no known vulnerability in
requirements.lock. pip-audit asks PyPI's vulnerability API: when that cannot be reached the test says
"unreachable" (and passes, with a warning), which is never confused with "vulnerable" (which fails).
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from .live import REPO

pytestmark = [pytest.mark.slow]
BIN = Path(sys.executable).parent


def test_bandit_finds_no_high_severity_issue_in_the_source():
    run = subprocess.run(
        [str(BIN / "bandit"), "-r", "src", "-f", "json", "-q", "-x", "src/allypath/web/orgs/migrations"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    report = json.loads(run.stdout)
    assert report["errors"] == [], report["errors"][:3]
    high = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] == "HIGH"
    ]
    assert high == [], "\n".join(high)
    assert report["metrics"]["_totals"]["loc"] > 10_000  # it really scanned the source


def audit_outcome(stdout: str, stderr: str, returncode: int) -> tuple[str, list[str]]:
    """("clean" | "vulnerable" | "unreachable", details)."""
    text = stdout.strip()
    if text.startswith("{"):
        report = json.loads(text)
        found = [
            f"{d['name']} {d['version']}: {', '.join(v['id'] for v in d['vulns'])}"
            for d in report.get("dependencies", [])
            if d.get("vulns")
        ]
        return ("vulnerable" if found else "clean"), found
    network = ("ConnectionError", "Max retries", "NameResolution", "timed out", "Temporary failure")
    if returncode != 0 and any(word in stderr for word in network):
        return "unreachable", [stderr.strip().splitlines()[-1] if stderr.strip() else "no answer"]
    return "error", [stderr[-2000:]]


def test_pip_audit_finds_no_known_vulnerability_in_the_lock_file():
    run = subprocess.run(
        [
            str(BIN / "pip-audit"),
            "--requirement",
            "requirements.lock",
            "--no-deps",
            "--disable-pip",
            "--vulnerability-service",
            "pypi",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        check=False,
    )
    outcome, details = audit_outcome(run.stdout, run.stderr, run.returncode)
    print(f"\npip-audit: {outcome}")
    if outcome == "unreachable":
        warnings.warn(f"pip-audit: PyPI's vulnerability API unreachable: {details}", stacklevel=1)
    assert outcome in ("clean", "unreachable"), f"pip-audit {outcome}: {details}"


def test_an_unreachable_service_is_not_mistaken_for_a_clean_or_vulnerable_result():
    assert (
        audit_outcome("", "requests.exceptions.ConnectionError: Max retries exceeded", 1)[0] == "unreachable"
    )
    vulnerable = json.dumps({"dependencies": [{"name": "x", "version": "1", "vulns": [{"id": "PYSEC-1"}]}]})
    assert audit_outcome(vulnerable, "", 1) == ("vulnerable", ["x 1: PYSEC-1"])
    assert (
        audit_outcome(json.dumps({"dependencies": [{"name": "x", "version": "1", "vulns": []}]}), "", 0)[0]
        == "clean"
    )
