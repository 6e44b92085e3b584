#!/usr/bin/env bash
# make soak: the long variants of the crash and load tests, with the SAME assertions as CI.
#   - crash: ALLYPATH_CRASH_KILLS (default 50) SIGKILLs of gunicorn under concurrent submissions
#   - load:  ALLYPATH_LOAD_USERS (default 200) respondents for ALLYPATH_LOAD_SECONDS (default 300)
# on SQLite, then on PostgreSQL when ALLYPATH_TEST_POSTGRES_URL is set. Loopback only; every run is
# bounded in time and stops by itself. Figures are printed (copy them into docs/security.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
export ALLYPATH_CRASH_KILLS="${ALLYPATH_CRASH_KILLS:-50}"
export ALLYPATH_LOAD_USERS="${ALLYPATH_LOAD_USERS:-200}"
export ALLYPATH_LOAD_SECONDS="${ALLYPATH_LOAD_SECONDS:-300}"
export ALLYPATH_LOAD_ASSERT_P95=1  # the p95 budget is part of the soak, not of make test
# A respondent's pause per page of six questions: 5-15 s (CI stresses with 1-3 s and 50 users).
export ALLYPATH_LOAD_THINK_MIN="${ALLYPATH_LOAD_THINK_MIN:-5}" ALLYPATH_LOAD_THINK_MAX="${ALLYPATH_LOAD_THINK_MAX:-15}"
TESTS=(tests/security/test_crash.py tests/security/test_load.py)
echo "== soak on SQLite: ${ALLYPATH_CRASH_KILLS} kills, ${ALLYPATH_LOAD_USERS} users x ${ALLYPATH_LOAD_SECONDS} s"
env -u DATABASE_URL "$PY" -m pytest -p no:cacheprovider -s -q "${TESTS[@]}"
if [ -n "${ALLYPATH_TEST_POSTGRES_URL:-}" ]; then
  echo "== soak on PostgreSQL (${ALLYPATH_TEST_POSTGRES_URL})"
  DATABASE_URL="${ALLYPATH_TEST_POSTGRES_URL}" "$PY" -m pytest -p no:cacheprovider -s -q "${TESTS[@]}"
else
  echo "PostgreSQL: set ALLYPATH_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test to soak it too"
fi
