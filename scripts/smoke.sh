#!/usr/bin/env bash
# The release check's scenario, run against an installed sstore: the npm package's command or a single executable
# (.ci/run runs it for both). Usage: scripts/smoke.sh <path to the sstore command>
# In a fresh HOME and an unrelated working directory, with no keychain: --version, put (piped and, when tmux is
# installed, typed at the hidden prompt in a real terminal), list, export, completion, then `server start` on a free
# port and one real HTTP request to it made by the same command. Prints one line per step; exits 1 at the first
# failure, showing what the command printed.
set -euo pipefail
[ $# = 1 ] || { echo "usage: scripts/smoke.sh <path to the sstore command>" >&2; exit 2; }
sstore=$1
command -v "$sstore" >/dev/null || { echo "smoke: error: $sstore is not a command" >&2; exit 2; }
case "$sstore" in /*) ;; */*) sstore="$PWD/$sstore" ;; esac

work=$(mktemp -d)
server_pid=
socket="smoke-$$"
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  tmux -L "$socket" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# As a person at a terminal: no CI variable (under CI sstore never prompts), no inherited sstore settings.
for var in $(env | grep -oE '^(SSTORE_[A-Z_]+|CLOUDFLARE_[A-Z_]+|XDG_[A-Z_]+|DBUS_SESSION_BUS_ADDRESS|CI|FORCE_COLOR)=' | tr -d =); do unset "$var"; done
export HOME="$work/home" SSTORE_NO_KEYCHAIN=1 NO_COLOR=1
mkdir -p "$HOME" "$work/elsewhere"
cd "$work/elsewhere"

fail() {
  echo "smoke: FAILED: $1" >&2
  [ -f "$work/out" ] && sed 's/^/  | /' "$work/out" >&2
  exit 1
}
step() { echo "smoke: ok: $1"; }

"$sstore" --version > "$work/out" 2>&1 && grep -qE '^[0-9]+\.[0-9]+\.[0-9]+' "$work/out" || fail "--version"
step "--version ($(cat "$work/out"))"

printf 'hunter2 with spaces' | "$sstore" secrets put DB_PASSWORD > "$work/out" 2>&1 || fail "secrets put (piped)"
grep -q 'created secret DB_PASSWORD' "$work/out" || fail "secrets put did not say it created the secret"
step "secrets put, piped (the embedded store was created in the fresh HOME)"

if command -v tmux >/dev/null; then
  pane() { tmux -L "$socket" capture-pane -p > "$work/out" 2>/dev/null || true; }
  tmux -L "$socket" -f /dev/null new-session -d -x 120 -y 20 \
    "'$sstore' secrets put TYPED; echo \$? > '$work/typed.code'; sleep 60"
  for prompt in 'Value for TYPED' 'Again, to confirm'; do
    for _ in $(seq 100); do pane; grep -q "$prompt" "$work/out" && break; sleep 0.1; done
    tmux -L "$socket" send-keys -l 'typed value' && tmux -L "$socket" send-keys Enter || fail "typing at the prompt"
  done
  for _ in $(seq 100); do [ -s "$work/typed.code" ] && break; sleep 0.1; done
  pane
  [ "$(cat "$work/typed.code" 2>/dev/null)" = 0 ] || fail "secrets put at the hidden prompt in a terminal"
  grep -q 'typed value' "$work/out" && fail "the prompt showed the value"
  step "secrets put, typed twice at the hidden prompt (tmux)"
  expected='DB_PASSWORD TYPED'
else
  echo "smoke: skipped: the prompt step (no tmux)"
  expected='DB_PASSWORD'
fi

"$sstore" secrets list -q > "$work/out" 2>&1 || fail "secrets list"
[ "$(sort "$work/out" | tr '\n' ' ' | sed 's/ $//')" = "$expected" ] || fail "secrets list -q: expected $expected"
step "secrets list"

"$sstore" export > "$work/out" 2>&1 || fail "export"
grep -qx "DB_PASSWORD='hunter2 with spaces'" "$work/out" || fail "export: DB_PASSWORD's line"
step "export (dotenv)"

"$sstore" completion bash > "$work/out" 2>&1 && grep -q 'complete ' "$work/out" || fail "completion bash"
step "completion bash"

token=smoke-root-token-0123456789abcdef0123456789
SSTORE_ROOT_TOKEN=$token "$sstore" server start --port 0 --data "$work/server" > "$work/server.log" 2>&1 &
server_pid=$!
url=
for _ in $(seq 200); do
  url=$(sed -n 's/^sstore server listening on \(http[^ ]*\).*/\1/p' "$work/server.log")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
cp "$work/server.log" "$work/out"
[ -n "$url" ] || fail "server start: no listening line"
step "server start ($url)"

SSTORE_API_URL="$url/client/v4" CLOUDFLARE_API_TOKEN=$token CLOUDFLARE_ACCOUNT_ID=0123456789abcdef0123456789abcdef \
  "$sstore" stores create smoke > "$work/out" 2>&1 || fail "a request to the server (stores create)"
SSTORE_API_URL="$url/client/v4" CLOUDFLARE_API_TOKEN=$token CLOUDFLARE_ACCOUNT_ID=0123456789abcdef0123456789abcdef \
  "$sstore" stores list -q > "$work/out" 2>&1 || fail "a request to the server (stores list)"
grep -qx smoke "$work/out" || fail "stores list on the server: expected the store smoke"
step "requests to the server (stores create, stores list)"
echo "smoke: all steps passed for $sstore"
