#!/usr/bin/env bash
# make demo: simulate the study's two organisations (576 respondents), score them, summarise per
# organisation; then (when the web app is present) seed it and serve it on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
OUT=var/demo
mkdir -p "$OUT"
echo "== 1. Simulate the two study organisations (576 respondents, seed 2026)"
"$BIN/allypath" simulate --n 576 --seed 2026 --out "$OUT/responses.parquet"
echo "== 2. Score every response (stage probabilities, index, construct scores)"
"$BIN/allypath" score "$OUT/responses.parquet" --out "$OUT/scored.parquet"
echo "== 3. Summary per organisation (groups below 5 respondents are hidden)"
"$BIN/allypath" summary "$OUT/scored.parquet" --by org
echo
echo "Files: $OUT/responses.parquet (answers), $OUT/scored.parquet (scores)."
if [ -f scripts/serve.sh ] && [ -f scripts/demo_web.py ] && [ "${ALLYPATH_DEMO_SERVE:-1}" = "1" ]; then
  echo "== 4. Web app: seed the demo organisations and serve on http://127.0.0.1:8000"
  exec bash scripts/serve.sh --demo
fi
