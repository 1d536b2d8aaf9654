#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Starts a private PostgreSQL server (data dir, socket and log in a fresh temp dir)
# listening on 127.0.0.1 only, creates the database tcm_test, exports
#   TCM_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/tcm_test
# runs CMD, then stops the server and deletes the temp dir whatever happens
# (success, failure, Ctrl-C, SIGTERM). Exits with CMD's exit status
# (128+N if the script itself was stopped by signal N).
#
# Environment:
#   TCM_TEST_PG_PORT   first port to try (default 15433); if it is busy the next
#                      free port is used (up to 20 tries).
#   TCM_TEST_PG_TMPDIR where the temp dir is created (default /dev/shm when it is a
#                      writable directory, else TMPDIR, else /tmp). In memory, each test's
#                      CREATE DATABASE (about 300 files) takes 30 ms instead of 400 ms on a
#                      busy ext4 disk, and the PostgreSQL pass of make test a third less time.
#
# Fsync, synchronous_commit and full_page_writes are off: the data is disposable.
#
# Note: once the traps are set this script uses no $(...) command substitution.
# bash 5.2 (Debian 12) can spin forever at 100% CPU, or fail to parse the trap,
# when Ctrl-C arrives while it waits for a command substitution; files + `read`
# and `printf -v` are used instead.
#
# Functions called only from traps look unreachable to shellcheck 0.9:
# shellcheck disable=SC2317
set -euo pipefail

readonly NAME=with-postgres
readonly DB=tcm_test
readonly PORT_TRIES=20

# Messages go to fd 9, a copy of the original stderr: a trap can run while a
# command's 2>file redirection is still in effect, and would log into that file.
exec 9>&2
log() { printf '%s: %s\n' "$NAME" "$*" >&9; }
die() { log "$*"; exit 1; }

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

first_port=${TCM_TEST_PG_PORT:-15433}
if ! [[ $first_port =~ ^[0-9]+$ ]] || [ "$first_port" -lt 1 ] || [ "$first_port" -gt 65535 ]; then
    die "TCM_TEST_PG_PORT must be a port number, got '$first_port'"
fi

# --- find the PostgreSQL binaries (highest installed major version) ----------------
bindir=""
best_ver=-1
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] || continue
    ver=${d#/usr/lib/postgresql/}
    ver=${ver%/bin}
    [[ $ver =~ ^[0-9]+$ ]] || continue
    if [ "$ver" -gt "$best_ver" ]; then
        best_ver=$ver
        bindir=$d
    fi
done
if [ -z "$bindir" ] && command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then bindir=$d; fi
fi
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
    d=$(command -v initdb)
    bindir=${d%/initdb}
fi
[ -n "$bindir" ] || die "PostgreSQL server binaries (initdb, pg_ctl) not found; run: scripts/system-deps.sh test"

# --- initdb and pg_ctl refuse to run as root: run them as the postgres user ----------
if [ "$EUID" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user"
    if command -v runuser >/dev/null 2>&1; then
        as_pg() { (cd / && runuser -u postgres -- "$@"); }
    else
        as_pg() { local cmd; printf -v cmd '%q ' "$@"; (cd / && su postgres -s /bin/bash -c "$cmd"); }
    fi
else
    as_pg() { "$@"; }
fi

# Is something accepting connections on 127.0.0.1:$1?
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# now VAR: microseconds since the epoch.  elapsed VAR START: "1.23s" since START.
now() { printf -v "$1" '%s' "${EPOCHREALTIME/[.,]/}"; }
elapsed() {
    local t us
    now t
    us=$((t - $2))
    printf -v "$1" '%d.%02ds' $((us / 1000000)) $((us % 1000000 / 10000))
}

# --- cleanup: always runs (EXIT trap) ---------------------------------------------
dir=""
child=""
starting=""   # set while pg_ctl start runs: the postmaster may exist before its pid file

stop_child() {
    # Wait for CMD to finish after a signal; escalate to TERM, then KILL.
    local grace=$1 i
    [ -n "$child" ] || return 0
    for ((i = 0; i < grace * 10; i++)); do
        kill -0 "$child" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$child" 2>/dev/null; then
        kill -TERM "$child" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            kill -0 "$child" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$child" 2>/dev/null || true
    fi
    wait "$child" 2>/dev/null || true
    child=""
}

cleanup() {
    local t took pid="" i
    trap '' INT TERM
    stop_child 0
    if [ -n "$dir" ] && [ -d "$dir" ]; then
        if [ -n "$starting" ]; then
            # Interrupted during pg_ctl start: give a just-forked postmaster a
            # moment to write its pid file so that it can be stopped below.
            for ((i = 0; i < 10; i++)); do
                [ -f "$dir/data/postmaster.pid" ] && break
                sleep 0.1
            done
        fi
        if [ -f "$dir/data/postmaster.pid" ]; then
            now t
            if as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1; then
                elapsed took "$t"
                log "server stopped in $took"
            else
                read -r pid 2>/dev/null <"$dir/data/postmaster.pid" || true
                if [[ $pid =~ ^[0-9]+$ ]]; then
                    log "pg_ctl stop failed; killing postmaster $pid"
                    kill -KILL "$pid" 2>/dev/null || true
                fi
            fi
        fi
        rm -rf "$dir"
    fi
}

on_signal() {
    local sig=$1 code=$2
    trap '' INT TERM
    log "caught SIG$sig; stopping"
    if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
        if [ "$sig" = TERM ]; then
            # Someone asked us to stop: pass it on.
            kill -TERM "$child" 2>/dev/null || true
        fi
        # After Ctrl-C (SIGINT to the whole foreground process group) CMD got the
        # signal too: let it finish (pytest prints its summary); TERM it after 10 s.
        stop_child 10
    fi
    exit "$code"
}

trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

# --- start the server ------------------------------------------------------------
t_start="" t_initdb="" took=""
now t_start

# A fresh private directory (mkdir fails if the name exists: no races).
make_dir() {
    local base=$1 n
    for ((n = 0; n < 100; n++)); do
        dir="$base/tcm-pg.$$.$RANDOM$RANDOM"
        if mkdir -m 700 "$dir" 2>/dev/null; then
            return 0
        fi
    done
    dir=""
    die "cannot create a temporary directory in $base"
}
base_dir=${TCM_TEST_PG_TMPDIR:-}
if [ -z "$base_dir" ]; then
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then base_dir=/dev/shm; else base_dir=${TMPDIR:-/tmp}; fi
fi
make_dir "$base_dir"
if [ "$EUID" -eq 0 ]; then
    chown postgres: "$dir"
    if ! as_pg test -w "$dir"; then
        # e.g. a directory under /root: the postgres user cannot reach it.
        rm -rf "$dir"
        make_dir /tmp
        chown postgres: "$dir"
    fi
fi

if ! as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$dir/initdb.log" 2>&1; then
    log "initdb failed:"
    cat "$dir/initdb.log" >&2
    exit 1
fi
elapsed t_initdb "$t_start"

port=$first_port
started=""
for ((try = 0; try < PORT_TRIES; try++, port++)); do
    if [ "$port" -gt 65535 ]; then
        break
    fi
    if port_in_use "$port"; then
        log "port $port is in use, trying $((port + 1))"
        continue
    fi
    opts="-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ -f "$dir/log" ]; then : >"$dir/log"; fi     # only this attempt's messages
    starting=1
    if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -o "$opts" start >"$dir/pg_ctl.log" 2>&1; then
        starting=""
        started=1
        break
    fi
    starting=""
    # Lost a race for the port with another process (e.g. a parallel run)? Try the next one.
    if [ ! -f "$dir/data/postmaster.pid" ] && grep -q 'Address already in use' "$dir/log" 2>/dev/null; then
        log "port $port was taken while starting, trying $((port + 1))"
        continue
    fi
    break
done
if [ -z "$started" ]; then
    log "PostgreSQL failed to start (last port tried: $port). pg_ctl said:"
    cat "$dir/pg_ctl.log" >&2 2>/dev/null || true
    if [ -f "$dir/log" ]; then
        log "server log (tail):"
        tail -n 30 "$dir/log" >&2
    fi
    exit 1
fi

if ! "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "CREATE DATABASE $DB" >"$dir/createdb.log" 2>&1; then
    log "CREATE DATABASE $DB failed:"
    cat "$dir/createdb.log" >&2
    tail -n 30 "$dir/log" >&2
    exit 1
fi

export TCM_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/$DB"
"$bindir/pg_ctl" --version >"$dir/version" 2>/dev/null || true
version=""
read -r _ _ version _ <"$dir/version" || true    # "pg_ctl (PostgreSQL) 15.18 (Debian ...)"
elapsed took "$t_start"
log "PostgreSQL $version on 127.0.0.1:$port ready in $took (initdb $t_initdb); TCM_TEST_PG_URL=$TCM_TEST_PG_URL"

# --- run CMD ---------------------------------------------------------------------
# In the background so that a SIGTERM sent to this script is handled at once (a
# foreground child would delay the trap until it exits). Background commands of a
# non-interactive shell start with SIGINT/SIGQUIT ignored and stdin on /dev/null:
# undo both so CMD behaves as if run in the foreground (Ctrl-C, pdb, ...).
if { true <&0; } 2>/dev/null; then
    (trap - INT QUIT TERM; exec "$@" 9>&-) <&0 &
else
    (trap - INT QUIT TERM; exec "$@" 9>&-) </dev/null &
fi
child=$!
rc=0
wait "$child" || rc=$?
child=""
exit "$rc"
