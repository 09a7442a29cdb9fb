#!/usr/bin/env bash
# The Python wheel and the pre-commit hook, as users install them. Called by .ci/run after
# the Rust build (it reuses target/ for a development-profile wheel: a release build with
# link-time optimisation takes minutes; the release command is in README, Install):
#   bash .ci/packages.sh
# Installs maturin and pre-commit from PyPI into a virtual environment cached under
# $TICKMARK_E2E_TOOLS (default ~/.cache/tickmark-e2e). Runs, in order:
#   1. the wheel: `maturin build --profile dev`, installed into a fresh virtual environment,
#      whose `tickmark` then checks examples/ROADMAP.md;
#   2. the pre-commit hook (.pre-commit-hooks.yaml): `pre-commit try-repo` in a scratch git
#      repository, which must fail on a broken roadmap, skip other markdown, and pass once
#      the roadmap is fixed.
# Exits non-zero if any step fails.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$SECONDS
log() { printf '[packages %4ds] %s\n' $((SECONDS - start)) "$*"; }
die() { log "error: $*"; exit 1; }

tools="${TICKMARK_E2E_TOOLS:-$HOME/.cache/tickmark-e2e}"
py="$tools/py"
if [ ! -x "$py/bin/maturin" ] || [ ! -x "$py/bin/pre-commit" ]; then
  log "python3 -m venv $py; pip install maturin pre-commit"
  python3 -m venv "$py" && "$py/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.5,<2" "pre-commit>=3" \
    || die "installing maturin and pre-commit failed"
fi
# The builds below share target/ with `cargo build` (the dependencies are compiled once).
export CARGO_TARGET_DIR="$root/target"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

failures=()
step() { # step NAME COMMAND...
  local name=$1; shift
  local t=$SECONDS
  log "== $name"
  if ( "$@" ); then log "ok: $name ($((SECONDS - t))s)"; else log "FAILED: $name ($((SECONDS - t))s)"; failures+=("$name"); fi
}

wheel() {
  # --strip drops the debug information from the copy in the wheel (50 MB → 10 MB); the
  # build in target/ keeps it, so `cargo build` stays up to date.
  "$py/bin/maturin" build --locked --profile dev --strip --quiet -o "$scratch/wheels" || return 1
  local whl
  whl=$(ls "$scratch"/wheels/tickmark-*.whl) || return 1
  log "wheel: $(basename "$whl") ($(du -h "$whl" | cut -f1))"
  python3 -m venv "$scratch/venv" && "$scratch/venv/bin/pip" install --quiet --disable-pip-version-check "$whl" || return 1
  local version; version=$("$scratch/venv/bin/tickmark" --version) || return 1
  [ "$version" = "tickmark $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)" ] || { log "version: $version"; return 1; }
  # The example has one problem of each kind planted: exit 1 and the rule codes named.
  local out code
  out=$("$scratch/venv/bin/tickmark" check examples/ROADMAP.md 2>&1); code=$?
  [ "$code" = 1 ] || { log "tickmark check exited $code: $out"; return 1; }
  grep -q 'malformed-checkbox' <<<"$out" || { log "no malformed-checkbox in: $out"; return 1; }
  log "the wheel's tickmark: $version; $(tail -1 <<<"$out")"
}

hook() {
  local repo="$scratch/hook-repo" out
  mkdir -p "$repo/docs" && cd "$repo" || return 1
  git init -q && git config user.email ci@example.com && git config user.name CI && git config commit.gpgsign false
  printf '# Roadmap\n\n- [] Broken box\n' > docs/ROADMAP.md
  printf '# Notes\n\n- [] Not a roadmap, not checked\n' > docs/notes.md
  git add . && git commit -qm start
  # A fresh pre-commit home: the hook's environment is built as a user's first run builds it
  # (pip install of this repository through maturin, the development profile and target/
  # reused as above, so it compiles tickmark itself only: pre-commit clones the repository,
  # and cargo rebuilds a crate whose sources are newer than its last build).
  export PRE_COMMIT_HOME="$scratch/pre-commit-home" MATURIN_PEP517_ARGS="--profile dev --strip"
  out=$("$py/bin/pre-commit" try-repo "$root" tickmark --all-files 2>&1)
  local code=$?
  [ "$code" != 0 ] || { log "the hook passed a broken roadmap: $out"; return 1; }
  grep -q 'docs/ROADMAP.md' <<<"$out" && grep -q 'malformed-checkbox' <<<"$out" || { log "hook output: $out"; return 1; }
  ! grep -q 'notes.md' <<<"$out" || { log "the hook checked a file that is not a roadmap: $out"; return 1; }
  printf '# Roadmap\n\n- [ ] Fixed box\n' > docs/ROADMAP.md
  git add . && git commit -qm fix
  out=$("$py/bin/pre-commit" try-repo "$root" tickmark --all-files 2>&1) || { log "the hook failed a clean roadmap: $out"; return 1; }
  log "the hook fails a broken roadmap and passes the fixed one"
}

step "wheel: build, install in a fresh venv, check the example" wheel
step "pre-commit: the tickmark hook in a scratch repository" hook

log "done in $((SECONDS - start))s"
if ((${#failures[@]})); then
  log "failed: ${failures[*]}"
  exit 1
fi
