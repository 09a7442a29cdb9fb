#!/usr/bin/env bash
# The fuzz targets (fuzz/targets.rs: analysis, incremental sync, config reader, framing), each for a
# short budget on the stable toolchain, from a seed of the clock. A failing input is saved in
# fuzz/artifacts/TARGET/ and fails the run. Longer:
#   TICKMARK_FUZZ_SECONDS=600 TICKMARK_FUZZ_PROFILE=bench bash .ci/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${TICKMARK_FUZZ_SECONDS:-25}"
# The test profile by default: `cargo test` built it just before, with overflow checks and
# debug assertions on. For long runs, TICKMARK_FUZZ_PROFILE=bench runs the optimised build
# (about ten times the inputs per second, after a few minutes of compiling).
profile="${TICKMARK_FUZZ_PROFILE:-test}"
cargo test --locked --profile "$profile" --test fuzz --no-run
for target in analysis incremental config framing; do
  TICKMARK_FUZZ_SECONDS="$seconds" timeout $((seconds + 120)) \
    cargo test --locked --profile "$profile" --test fuzz -- --exact "$target" --nocapture
done
