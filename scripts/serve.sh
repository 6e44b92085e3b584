#!/usr/bin/env bash
# Serve allypath on 127.0.0.1:8000: migrate, collect static files, run gunicorn.
# Settings come from the environment (docs/web.md). Without ALLYPATH_SECRET_KEY, a development key is
# read from (or created in) var/secrets.env (mode 600). The panel secret never goes there: beside the
# database it would let whoever reads the host name every panel respondent. Without
# ALLYPATH_PANEL_SECRET(_FILE), it is kept in ~/.config/allypath/panel-secret (0600, folder 0700).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=allypath.web.settings
DATA_DIR=${ALLYPATH_DATA_DIR:-var}
if [ -z "${ALLYPATH_PANEL_SECRET:-}" ] && [ -z "${ALLYPATH_PANEL_SECRET_FILE:-}" ]; then
  export ALLYPATH_PANEL_SECRET_FILE="${XDG_CONFIG_HOME:-$HOME/.config}/allypath/panel-secret"
  (umask 077 && mkdir -p "$(dirname "$ALLYPATH_PANEL_SECRET_FILE")")
  if [ ! -f "$ALLYPATH_PANEL_SECRET_FILE" ]; then
    # an older demo kept it in var/secrets.env: move it out (same value, so panel keys stay valid)
    old=$(sed -n 's/^ALLYPATH_PANEL_SECRET=//p' "$DATA_DIR/secrets.env" 2>/dev/null || true)
    (umask 077 && { [ -n "$old" ] && echo "$old" || "$PY" -c 'import secrets; print(secrets.token_urlsafe(48))'; } > "$ALLYPATH_PANEL_SECRET_FILE")
  fi
fi
[ -f "$DATA_DIR/secrets.env" ] && sed -i '/^ALLYPATH_PANEL_SECRET=/d' "$DATA_DIR/secrets.env"
if [ -z "${ALLYPATH_SECRET_KEY:-}" ]; then
  (umask 077 && mkdir -p "$DATA_DIR")
  if [ ! -f "$DATA_DIR/secrets.env" ]; then
    (umask 077 && "$PY" -c 'import secrets; print(f"ALLYPATH_SECRET_KEY={secrets.token_urlsafe(48)}")' > "$DATA_DIR/secrets.env")
  fi
  set -a; . "$DATA_DIR/secrets.env"; set +a
fi
"$PY" -m allypath.web migrate --no-input
"$PY" -m allypath.web collectstatic --no-input --verbosity 0
if [ "${1:-}" = "--demo" ]; then
  # make demo: seed the two simulated study organisations (idempotent) and print the logins.
  "$PY" scripts/demo_web.py --scale "${ALLYPATH_DEMO_SCALE:-1}"
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
