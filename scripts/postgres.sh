#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks: Debian's binaries, a fresh initdb in a directory of the
# caller's, loopback only on a free port, its unix socket in that directory, password (scram) auth.
#
#   scripts/postgres.sh start DIR [--owner PID]  initdb into DIR (empty or missing), start; prints the admin URL
#                                                postgres://sstore:<password>@127.0.0.1:<port>/postgres (also in DIR/url)
#   scripts/postgres.sh down DIR                 stop the server, keep the cluster (a database outage, for fault tests)
#   scripts/postgres.sh up DIR                   start it again on the same port
#   scripts/postgres.sh stop DIR                 stop it and remove DIR; quiet when there is nothing left to stop
#
# --owner PID: a watcher stops the cluster and removes DIR once PID is gone, so a caller killed with SIGKILL (which no
# trap sees) leaves no postgres behind. PostgreSQL refuses to run as root: as root, initdb and pg_ctl run as the
# `postgres` system user (Debian's package creates it) with DIR chowned to it; otherwise as the current user.
#
# Settings, chosen for tests on a small shared machine: fsync and synchronous_commit stay on, so an acknowledged write
# survives a restart or a kill of PostgreSQL as it would in production (the fault tests and the creates/s benchmark
# depend on that); only initdb skips its own fsync (--no-sync: the cluster is thrown away). shared_buffers 32 MB
# instead of 128 MB; max_connections 300, since every `sstore server` of a test run holds a pool of its own.
set -euo pipefail

usage() {
  echo "usage: scripts/postgres.sh start DIR [--owner PID] | down DIR | up DIR | stop DIR" >&2
  exit 2
}
[ $# -ge 2 ] || usage
command=$1
dir=$2
shift 2
owner=
while [ $# -gt 0 ]; do
  case $1 in
    --owner) owner=${2:-}; shift 2 || usage ;;
    *) usage ;;
  esac
done

bindir() {
  local dir
  if command -v pg_config >/dev/null && dir=$(pg_config --bindir 2>/dev/null) && [ -x "$dir/initdb" ]; then
    echo "$dir"
    return
  fi
  # Debian's pg_config comes with libpq-dev, not with the server: look where the server package puts its binaries.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then
      echo "$dir"
      return
    fi
  done
  echo "postgres.sh: error: PostgreSQL is not installed (no initdb); run: bash scripts/setup.sh" >&2
  exit 1
}

# Runs a PostgreSQL binary as the user that owns the cluster: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl_in() { # dir, pg_ctl arguments...
  local d=$1
  shift
  as_owner "$(cat "$d/bindir")/pg_ctl" -D "$d/data" -l "$d/postgres.log" "$@"
}

port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

stop_cluster() { # dir; quiet and harmless when the cluster is already gone
  local d=$1
  if [ -f "$d/watcher.pid" ]; then
    kill "$(cat "$d/watcher.pid")" 2>/dev/null || true
  fi
  if [ -f "$d/data/postmaster.pid" ] && [ -f "$d/bindir" ]; then
    pg_ctl_in "$d" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
  fi
  rm -rf "$d"
}

start() {
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    echo "postgres.sh: error: $dir is not empty" >&2
    exit 2
  fi
  local bin
  bin=$(bindir)
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "postgres.sh: error: running as root needs the 'postgres' system user (Debian's postgresql package creates it)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # From here on a failure removes what was made, a running server included.
  trap 'status=$?; [ "$status" = 0 ] || stop_cluster "$dir"; exit "$status"' EXIT
  trap 'exit 130' INT TERM
  echo "$bin" >"$dir/bindir"
  local password
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$password" >"$dir/pwfile"
  chmod 0700 "$dir"
  chmod 0600 "$dir/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U sstore --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
    echo "postgres.sh: error: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    exit 1
  }
  rm -f "$dir/pwfile"
  local conf="$dir/data/postgresql.conf" port tries=0
  cat >>"$conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
shared_buffers = 32MB
max_connections = 300
logging_collector = off
log_min_messages = warning
EOF
  while :; do
    tries=$((tries + 1))
    port=$((20000 + RANDOM % 40000))
    port_taken "$port" && continue
    sed -i '/^port = /d' "$conf"
    echo "port = $port" >>"$conf"
    if pg_ctl_in "$dir" start -w -t 60 >/dev/null 2>&1; then break; fi
    # Another process may have taken the port between the check and the bind: try another one.
    if [ "$tries" -lt 10 ] && grep -q 'could not bind\|could not create any TCP/IP sockets' "$dir/postgres.log"; then continue; fi
    echo "postgres.sh: error: the server did not start:" >&2
    tail -n 20 "$dir/postgres.log" >&2
    exit 1
  done
  local url="postgres://sstore:$password@127.0.0.1:$port/postgres"
  printf '%s\n' "$url" >"$dir/url"
  chmod 0600 "$dir/url"
  if [ -n "$owner" ]; then
    # setsid and no inherited descriptors: the watcher must neither hold the caller's pipes open nor get its signals.
    setsid bash "$0" watch "$dir" --owner "$owner" </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/watcher.pid"
  fi
  trap - EXIT INT TERM
  echo "$url"
}

[ -n "$dir" ] || usage
case $command in
  start) start ;;
  down)
    [ -f "$dir/bindir" ] || { echo "postgres.sh: error: no cluster in $dir" >&2; exit 1; }
    pg_ctl_in "$dir" stop -m fast -w -t 30 >/dev/null
    ;;
  up)
    [ -f "$dir/bindir" ] || { echo "postgres.sh: error: no cluster in $dir" >&2; exit 1; }
    pg_ctl_in "$dir" start -w -t 60 >/dev/null
    ;;
  stop) stop_cluster "$dir" ;;
  watch)
    [ -n "$owner" ] || usage
    while kill -0 "$owner" 2>/dev/null; do sleep 1; done
    rm -f "$dir/watcher.pid"
    stop_cluster "$dir"
    ;;
  *) usage ;;
esac
