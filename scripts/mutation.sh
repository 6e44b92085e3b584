#!/usr/bin/env bash
# Mutation testing of src/allypath/privacy/ against tests/privacy/ with mutmut (not part of `make test`).
#
# Runs in a throw-away copy of the tree, so the shared working tree is never mutated, and prints
# the kill rate; exits non-zero below MUTATION_TARGET percent (default 90).
#   MUTATION_CHILDREN   parallel mutants (default 1: the machine is shared)
#   MUTATION_KEEP=1     keep the work directory (mutmut browse / show there)
#   ALLYPATH_ORACLE_SCALE  fraction of the 10,000-case attacker oracle run per mutant (default 0.02)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BIN="$REPO/.venv/bin"
TARGET="${MUTATION_TARGET:-90}"
CHILDREN="${MUTATION_CHILDREN:-1}"
export ALLYPATH_ORACLE_SCALE="${ALLYPATH_ORACLE_SCALE:-0.02}"

if ! "$BIN/python" -c "import mutmut" 2>/dev/null; then
    echo "mutmut is not installed: $BIN/uv pip install --python $BIN/python mutmut==3.8.1" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/allypath-mutation.XXXXXX")
if [[ "${MUTATION_KEEP:-0}" != "1" ]]; then
    trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/tests"
cp -r src "$WORK/src"
cp -r tests/privacy "$WORK/tests/privacy"
cp tests/conftest.py "$WORK/tests/conftest.py"
find "$WORK" -name __pycache__ -prune -exec rm -rf {} +
cat > "$WORK/setup.cfg" <<'CFG'
[mutmut]
source_paths = src/
only_mutate = src/allypath/privacy/*
pytest_add_cli_args_test_selection =
    tests/privacy/
pytest_add_cli_args =
    -p
    no:cacheprovider
    -q
    -k
    not breaks_a_gate
CFG
# the same pytest options as the project, without its plugins' settings for other packages
cat > "$WORK/pytest.ini" <<'INI'
[pytest]
testpaths = tests
INI

cd "$WORK"
"$BIN/mutmut" run --max-children "$CHILDREN" > mutmut-run.log 2>&1 || {
    tail -40 mutmut-run.log >&2
    exit 1
}
"$BIN/mutmut" results --all true > results.txt 2>&1 || "$BIN/mutmut" results > results.txt 2>&1 || true
"$BIN/python" - "$TARGET" <<'PY'
import collections, pathlib, re, sys

target = float(sys.argv[1])
text = pathlib.Path("results.txt").read_text()
status = collections.Counter(m.group(1) for m in re.finditer(r":\s*(\w[\w ]*?)\s*$", text, re.M))
killed = status.get("killed", 0)
total = sum(status.values())
if total == 0:
    print(text[-2000:])
    sys.exit("mutmut reported no mutants")
survivors = [line.split(":")[0].strip() for line in text.splitlines() if line.rstrip().endswith("survived")]
print(f"mutants: {dict(status)}")
for name in survivors:
    print(f"  survived: {name}")
score = 100.0 * killed / total
print(f"mutation score (killed / all): {killed}/{total} = {score:.1f}% (target >= {target:.0f}%)")
sys.exit(0 if score >= target else 1)
PY
