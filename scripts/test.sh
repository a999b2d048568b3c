#!/usr/bin/env bash
# The test command. Works on a fresh clone: installs what the tests need, makes sure PostgreSQL and Redis answer,
# then checks migrations, lints and runs pytest. Extra arguments go to pytest, e.g.
#   scripts/test.sh -k smoke          scripts/test.sh --reuse-db -x          scripts/test.sh -m "not browser"
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

# Chromium for tests/browser (Playwright drives Debian's build; never `playwright install`, it cannot download
# here), Pango and DejaVu fonts for WeasyPrint's PDFs.
ensure_debs chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0
ensure_venv requirements-dev.txt requirements.txt
ensure_postgres
ensure_redis

# Tests run on the real services, not the embedded SQLite/eager defaults: locking and Celery need them.
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/eel_office}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/15}"   # db 15: tests may flush it
export EEL_DEV=1

# pytest-django makes its own test_eel_office, but makemigrations checks the migration history of the
# development database and warns when it does not exist.
if [[ $DATABASE_URL == postgres*://*@127.0.0.1:5432/eel_office ]] && command -v psql >/dev/null; then
    psql -h 127.0.0.1 -U postgres -d postgres -qAtc "SELECT 1 FROM pg_database WHERE datname = 'eel_office'" |
        grep -q 1 || createdb -h 127.0.0.1 -U postgres eel_office
fi

step "manage.py makemigrations --check"
python manage.py makemigrations --check --dry-run
step "ruff check ."
ruff check --output-format concise .
step "pytest $*"
status=0
# Two processes by default (the machines have two cores; each pytest process has its own test database and
# Celery queue): half the time of a serial run. `scripts/test.sh -n 0` runs serially.
parallel=(-n 2)
for arg in "$@"; do
    case "$arg" in -n|-n*|--numprocesses*|-p) parallel=() ;; esac
done
python -m pytest "${parallel[@]}" "$@" || status=$?
# Exit 5 means no test ran: CI must not count that as green.
[ "$status" -eq 5 ] && die "pytest collected no tests"
exit "$status"
