#!/usr/bin/env bash
# Serve allypath on 127.0.0.1:8000: migrate, collect static files, run gunicorn.
# Settings come from the environment (docs/web.md). Neither secret is ever kept in the data directory
# (var/): beside the database, the secret key would unseal every ally-circle volunteer's contact and stage,
# and the panel secret would name every panel respondent. Without ALLYPATH_SECRET_KEY(_FILE), a
# development key is kept in ~/.config/allypath/secret-key; without ALLYPATH_PANEL_SECRET(_FILE), one in
# ~/.config/allypath/panel-secret (0600, folder 0700; XDG_CONFIG_HOME respected). An older demo kept
# them in var/secrets.env: they are moved out with the same value, so whatever was sealed or signed under
# them stays valid.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=allypath.web.settings
DATA_DIR=${ALLYPATH_DATA_DIR:-var}
CONFIG_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/allypath"
SECRETS_ENV="$DATA_DIR/secrets.env"

# keep_outside SETTING FILE_NAME: point SETTING_FILE at CONFIG_DIR/FILE_NAME, created once, and move
# SETTING's value out of var/secrets.env into it.
keep_outside() {
  local setting=$1 file="$CONFIG_DIR/$2" old=""
  export "${setting}_FILE=$file"
  (umask 077 && mkdir -p "$CONFIG_DIR") && chmod 700 "$CONFIG_DIR"
  [ -f "$SECRETS_ENV" ] && old=$(sed -n "s/^$setting=//p" "$SECRETS_ENV" | tail -n 1)
  if [ ! -f "$file" ]; then
    (umask 077 && { [ -n "$old" ] && echo "$old" || "$PY" -c 'import secrets; print(secrets.token_urlsafe(48))'; } > "$file")
  elif [ -n "$old" ] && [ "$old" != "$(tr -d '[:space:]' < "$file")" ]; then
    # Deleting it would lose what this data directory sealed or signed under it: the operator chooses.
    echo "$SECRETS_ENV holds another $setting than $file. Move the value from $SECRETS_ENV into a file" \
      "outside the data directory (chmod 600) and set ${setting}_FILE to it; or delete that line to use" \
      "$file (what was sealed or signed under the old value is then lost)." >&2
    exit 1
  fi
  if [ -f "$SECRETS_ENV" ]; then sed -i "/^$setting=/d" "$SECRETS_ENV"; fi
}

if [ -z "${ALLYPATH_PANEL_SECRET:-}" ] && [ -z "${ALLYPATH_PANEL_SECRET_FILE:-}" ]; then
  keep_outside ALLYPATH_PANEL_SECRET panel-secret
fi
[ -f "$SECRETS_ENV" ] && sed -i '/^ALLYPATH_PANEL_SECRET=/d' "$SECRETS_ENV"
key_here=""
if [ -z "${ALLYPATH_SECRET_KEY:-}" ] && [ -z "${ALLYPATH_SECRET_KEY_FILE:-}" ]; then
  keep_outside ALLYPATH_SECRET_KEY secret-key
  key_here=1
fi
if [ -f "$SECRETS_ENV" ] && ! grep -q '[^[:space:]]' "$SECRETS_ENV"; then
  rm -f "$SECRETS_ENV"  # it held only the keys moved out
elif [ -f "$SECRETS_ENV" ] && [ -n "$key_here" ]; then
  set -a; . "$SECRETS_ENV"; set +a  # other settings an operator wrote there
fi
"$PY" -m allypath.web migrate --no-input
"$PY" -m allypath.web collectstatic --no-input --verbosity 0
if [ "${1:-}" = "--demo" ]; then
  # make demo: seed the two simulated study organisations (idempotent) and print the logins.
  "$PY" scripts/demo_web.py --scale "${ALLYPATH_DEMO_SCALE:-1}"
  # The figures every dashboard page reads, solved now (with a progress bar) rather than by the first
  # page HR opens, which would wait for them (about 7 s); the same command cron runs (docs/web.md).
  "$PY" -m allypath.web prepare_releases
fi
echo "serving on http://${ALLYPATH_BIND:-127.0.0.1:8000}/ (Ctrl-C to stop)"
# No access log: survey URLs carry personal tokens. Two workers fit the 2-core default machine.
# --preload: the app is imported once, in the master, and every worker (the first ones, and each one
# --max-requests starts) is forked from it, already imported; without it a new worker imports allypath
# again (about 2.2 s of CPU: a worker restart every few seconds under load cost as much as the pages).
# Nothing opens a database connection or a thread on import, so nothing is shared across the fork; the
# import also does a first request's one-off work (allypath/web/warm.py), so a new worker starts warm.
# --max-requests 50000: a restart only guards against slow leaks. Each one closes the restarted worker's
# keep-alive connections, which reconnect to the worker still running and stay there: at 2,000 the
# restarts came every few seconds under load and kept most connections on one worker, half the pages
# served (docs/web.md, "Worker restarts").
exec "$PY" -m gunicorn allypath.web.wsgi:application \
  --bind "${ALLYPATH_BIND:-127.0.0.1:8000}" --workers "${ALLYPATH_WORKERS:-2}" --threads 2 \
  --timeout 60 --keep-alive 75 --no-control-socket --preload \
  --max-requests 50000 --max-requests-jitter 5000 --error-logfile -
