# Shared by scripts/test.sh and scripts/demo.sh (sourced, not run). A fresh clone has nothing installed:
# these helpers bring in Debian packages, the virtualenv and the local services, and are quick when all is there.

step() { printf '==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

# Debian packages (Chromium for browser tests, Pango and fonts for WeasyPrint). Only root can install them;
# everyone else gets told what is missing.
ensure_debs() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})"
    step "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# .venv with the given requirements files. A stamp of their hashes skips pip when nothing changed
# (pip's own "already satisfied" pass still costs seconds).
ensure_venv() {
    if ! .venv/bin/python -c '' 2>/dev/null; then   # absent, or copied from elsewhere and broken
        step "python3 -m venv .venv"
        rm -rf .venv
        python3 -m venv .venv
    fi
    local stamp=".venv/.stamp-$1" want
    want="$(sha256sum "$@")"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        step "pip install -r $1"
        # The machine's pip.conf lists local mirror folders that lack most packages; pip warns once per
        # package about them, which buries real errors.
        .venv/bin/python -m pip install -q --disable-pip-version-check -r "$1" \
            2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
        printf '%s' "$want" >"$stamp"
    fi
    export PATH="$PWD/.venv/bin:$PATH" VIRTUAL_ENV="$PWD/.venv"
}

tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
pg_ready() {
    if command -v pg_isready >/dev/null; then pg_isready -q -h 127.0.0.1 -p 5432; else tcp_open 5432; fi
}
redis_ready() {
    if command -v redis-cli >/dev/null; then [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]
    else tcp_open 6379; fi
}

# ensure_service NAME CHECK START-COMMAND...: the machine starts both services with the session, but one may
# have stopped since; start it with the commands from shared/spec/stack.md (Redis keeps nothing on disk, --dir
# only keeps a stray dump out of the work tree) and wait for it.
ensure_service() {
    local name=$1 check=$2 _
    shift 2
    "$check" && return 0
    step "$name is not reachable on 127.0.0.1; starting it: $*"
    "$@" || true
    for _ in $(seq 30); do "$check" && return 0; sleep 1; done
    die "$name is still not reachable on 127.0.0.1. Start it by hand ($*) and run this again."
}

ensure_postgres() {
    ensure_service PostgreSQL pg_ready \
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql 2>/dev/null | tail -n1)" main start
}

ensure_redis() {
    ensure_service Redis redis_ready \
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp
}
