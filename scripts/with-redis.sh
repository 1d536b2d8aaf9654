#!/usr/bin/env bash
# Run a command against a throwaway Redis server.
#
#   scripts/with-redis.sh CMD [ARGS...]
#
# Starts a private redis-server (pid file, log and working dir in a fresh temp dir)
# on 127.0.0.1 only, with persistence off, exports
#   TCM_TEST_REDIS_URL=redis://127.0.0.1:PORT/0
# runs CMD, then stops the server and deletes the temp dir whatever happens
# (success, failure, Ctrl-C, SIGTERM). Exits with CMD's exit status
# (128+N if the script itself was stopped by signal N).
#
# Environment:
#   TCM_TEST_REDIS_PORT  first port to try (default 16379); if it is busy the next
#                        free port is used (up to 20 tries).
#   TMPDIR               where the temp dir is created (default /tmp).
#
# Composes with with-postgres.sh:  scripts/with-postgres.sh scripts/with-redis.sh pytest
#
# Note: once the traps are set this script uses no $(...) command substitution.
# bash 5.2 (Debian 12) can spin forever at 100% CPU, or fail to parse the trap,
# when Ctrl-C arrives while it waits for a command substitution; files + `read`
# and `printf -v` are used instead.
#
# Functions called only from traps look unreachable to shellcheck 0.9:
# shellcheck disable=SC2317
set -euo pipefail

readonly NAME=with-redis
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

first_port=${TCM_TEST_REDIS_PORT:-16379}
if ! [[ $first_port =~ ^[0-9]+$ ]] || [ "$first_port" -lt 1 ] || [ "$first_port" -gt 65535 ]; then
    die "TCM_TEST_REDIS_PORT must be a port number, got '$first_port'"
fi

for tool in redis-server redis-cli; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found; run: scripts/system-deps.sh test"
done

# Is something accepting connections on 127.0.0.1:$1?
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Is process $1 still running (not gone, not a zombie waiting for PID 1 to reap it)?
alive() {
    local stat=""
    kill -0 "$1" 2>/dev/null || return 1
    if [ -r "/proc/$1/stat" ]; then
        read -r stat 2>/dev/null <"/proc/$1/stat" || true
        stat=${stat##*) }            # drop "pid (comm) "; comm may contain spaces
        [ "${stat%% *}" != Z ] || return 1
    fi
    return 0
}

# now VAR: microseconds since the epoch.  elapsed VAR START: "1.23s" since START.
now() { printf -v "$1" '%s' "${EPOCHREALTIME/[.,]/}"; }
elapsed() {
    local t us
    now t
    us=$((t - $2))
    printf -v "$1" '%d.%02ds' $((us / 1000000)) $((us % 1000000 / 10000))
}

# read_pid VAR: the pid from $dir/redis.pid, or "".
read_pid() {
    local p=""
    read -r p 2>/dev/null <"$dir/redis.pid" || true
    [[ $p =~ ^[0-9]+$ ]] || p=""
    printf -v "$1" '%s' "$p"
}

# --- cleanup: always runs (EXIT trap) ---------------------------------------------
dir=""
child=""
starting=""   # set while a server is being started: it may run before its pid file exists

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

# Stop the redis-server whose pid is in $dir/redis.pid, if any.
stop_server() {
    local pid i t took
    if [ -n "$starting" ]; then
        # Interrupted while starting: give the daemon a moment to write its pid file.
        for ((i = 0; i < 10; i++)); do
            [ -s "$dir/redis.pid" ] && break
            # A daemon that could not start never writes the pid file.
            grep -q 'Failed listening\|# Fatal\|FATAL' "$dir/redis.log" 2>/dev/null && break
            sleep 0.1
        done
    fi
    read_pid pid
    [ -n "$pid" ] || return 0
    now t
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        log "redis-server $pid ignored SIGTERM for 5 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    else
        elapsed took "$t"
        log "server stopped in $took"
    fi
    rm -f "$dir/redis.pid"
}

cleanup() {
    trap '' INT TERM
    stop_child 0
    if [ -n "$dir" ] && [ -d "$dir" ]; then
        stop_server
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
            stop_child 10
        else
            # Ctrl-C reaches the whole foreground process group, so CMD got it too:
            # let it finish (pytest prints its summary), TERM it after 10 s.
            stop_child 10
        fi
    fi
    exit "$code"
}

trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

# --- start the server ------------------------------------------------------------
t_start="" took=""
now t_start

# A fresh private directory (mkdir fails if the name exists: no races).
base=${TMPDIR:-/tmp}
for ((n = 0; n < 100; n++)); do
    dir="$base/tcm-redis.$$.$RANDOM$RANDOM"
    if mkdir -m 700 "$dir" 2>/dev/null; then
        break
    fi
    dir=""
done
[ -n "$dir" ] || die "cannot create a temporary directory in $base"

# Wait (bounded) until the server we started answers on $1. Returns 1 if it died
# or never answered.
wait_ready() {
    local port=$1 i pid reply
    for ((i = 0; i < 250; i++)); do    # up to 5 s
        read_pid pid
        if [ -n "$pid" ]; then
            reply=""
            redis-cli -h 127.0.0.1 -p "$port" ping >"$dir/ping" 2>/dev/null || true
            read -r reply 2>/dev/null <"$dir/ping" || true
            if [ "$reply" = PONG ]; then
                # Make sure the server answering is ours and not one that grabbed the port.
                if redis-cli -h 127.0.0.1 -p "$port" info server 2>/dev/null | tr -d '\r' \
                        | grep -qx "process_id:$pid"; then
                    return 0
                fi
                return 1
            fi
            alive "$pid" || return 1
        elif grep -q 'Failed listening\|Address already in use\|# Fatal\|FATAL' "$dir/redis.log" 2>/dev/null; then
            return 1
        fi
        sleep 0.02
    done
    return 1
}

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
    : >"$dir/redis.log"
    starting=1
    if ! redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --pidfile "$dir/redis.pid" \
            --dir "$dir" --logfile "$dir/redis.log" --save "" --appendonly no \
            >"$dir/redis-server.out" 2>&1; then
        starting=""
        break
    fi
    if wait_ready "$port"; then
        starting=""
        started=1
        break
    fi
    stop_server
    starting=""
    # Lost a race for the port with another process (e.g. a parallel run)? Try the next one.
    if grep -q 'Address already in use' "$dir/redis.log" 2>/dev/null; then
        log "port $port was taken while starting, trying $((port + 1))"
        continue
    fi
    break
done
if [ -z "$started" ]; then
    log "redis-server failed to start (last port tried: $port). Output:"
    cat "$dir/redis-server.out" >&2 2>/dev/null || true
    if [ -s "$dir/redis.log" ]; then
        log "server log (tail):"
        tail -n 30 "$dir/redis.log" >&2
    fi
    exit 1
fi

export TCM_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
redis-server --version >"$dir/version" 2>/dev/null || true
version=""
read -r version <"$dir/version" || true     # "Redis server v=7.0.15 sha=..."
version=${version#*v=}
version=${version%% *}
elapsed took "$t_start"
log "redis $version on 127.0.0.1:$port ready in $took; TCM_TEST_REDIS_URL=$TCM_TEST_REDIS_URL"

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
