#!/usr/bin/env bash
# The run command: a working EEL Office with demo data at http://127.0.0.1:8000/ (demo users: see README).
# Runs on the embedded defaults: no DATABASE_URL means the SQLite file db.sqlite3 here, no REDIS_URL means
# Celery runs tasks in-process. Set either to use a real server instead.
#   scripts/demo.sh              migrate, load the demo data, serve
#   scripts/demo.sh --no-serve   stop after loading (for tests and helpers)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

serve=1
case "${1:-}" in
    --no-serve) serve=0 ;;
    "") ;;
    *) die "usage: scripts/demo.sh [--no-serve]" ;;
esac

ensure_debs fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0   # WeasyPrint renders the PDF letters
ensure_venv requirements.txt
# The error pages staff see (templates/403.html, 404.html, 500.html) need DEBUG off; DJANGO_DEBUG=1 for tracebacks.
export EEL_DEV=1 DJANGO_DEBUG="${DJANGO_DEBUG:-0}"

step "database: ${DATABASE_URL:-sqlite db.sqlite3}; tasks: ${REDIS_URL:-in-process (eager)}"
step "manage.py migrate"
python manage.py migrate --noinput
step "manage.py collectstatic"
python manage.py collectstatic --noinput -v0   # WhiteNoise serves them with DEBUG off (and stops warning)
step "manage.py load_demo"
python manage.py load_demo   # idempotent: a second run leaves the same data and users
[ "$serve" -eq 1 ] || exit 0
step "serving on http://127.0.0.1:8000/ (Ctrl-C stops)"
exec python manage.py runserver 127.0.0.1:8000
