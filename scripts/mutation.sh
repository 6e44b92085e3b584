#!/usr/bin/env bash
# Mutation testing of src/allypath/privacy/ against tests/privacy/ with mutmut (not part of `make test`).
#
# Runs in a throw-away copy of the tree, so the shared working tree is never mutated, and prints
# the kill rate; exits non-zero below MUTATION_TARGET percent (default 90).
#   MUTATION_CHILDREN   parallel mutants (default 1: the machine is shared)
#   MUTATION_KEEP=1     keep the work directory (mutmut browse / show there)
#   ALLYPATH_ORACLE_SCALE  fraction of the 10,000-case attacker oracle run per mutant (default 0.01)
#   MUTATION_TOOLS      where mutmut is installed (default ~/.cache/allypath-mutation-tools)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BIN="$REPO/.venv/bin"
TARGET="${MUTATION_TARGET:-90}"
CHILDREN="${MUTATION_CHILDREN:-1}"
MUTMUT_VERSION=3.8.1
export ALLYPATH_ORACLE_SCALE="${ALLYPATH_ORACLE_SCALE:-0.01}"

# mutmut lives outside the project venv (`make install` syncs the venv to the lock file and
# would remove it); it runs on the project's interpreter with this directory on PYTHONPATH.
TOOLS="${MUTATION_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/allypath-mutation-tools}"
if ! PYTHONPATH="$TOOLS" "$BIN/python" -c "import mutmut" 2>/dev/null; then
    # --no-deps: the venv's own pytest, rich, click... must not be shadowed
    "$BIN/uv" pip install --quiet --python "$BIN/python" --target "$TOOLS" --no-deps \
        "mutmut==$MUTMUT_VERSION" "libcst==1.9.0" "textual==8.2.8" "setproctitle==1.3.8" \
        "mdit-py-plugins==0.7.0" "platformdirs==4.14.8" "linkify-it-py==2.0.3" "uc-micro-py==1.0.3" \
        "click==8.3.1" "coverage==7.17.5"
fi
export PYTHONPATH="$TOOLS${PYTHONPATH:+:$PYTHONPATH}"
MUTMUT=("$BIN/python" -m mutmut)

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
"${MUTMUT[@]}" run --max-children "$CHILDREN" > mutmut-run.log 2>&1 || {
    tail -40 mutmut-run.log >&2
    exit 1
}
"${MUTMUT[@]}" results --all true > results.txt 2>&1 || true
"$BIN/python" - "$TARGET" <<'PY'
import collections, pathlib, re, sys

target = float(sys.argv[1])
text = pathlib.Path("results.txt").read_text()
status = collections.Counter(m.group(1) for m in re.finditer(r":\s*(\w[\w ]*?)\s*$", text, re.M))
# a mutant is detected when the tests fail on it, or when it makes them hang (timeout)
detected = status.get("killed", 0) + status.get("timeout", 0)
total = sum(status.values())
if total == 0:
    print(text[-2000:])
    sys.exit("mutmut reported no mutants")
survivors = [line.split(":")[0].strip() for line in text.splitlines() if line.rstrip().endswith("survived")]
print(f"mutants: {dict(status)}")
for name in survivors:
    print(f"  survived: {name}")
score = 100.0 * detected / total
print(f"mutation score (killed + timeout) / all: {detected}/{total} = {score:.1f}% (target >= {target:.0f}%)")
sys.exit(0 if score >= target else 1)
PY
