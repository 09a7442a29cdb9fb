#!/usr/bin/env bash
# The fuzz targets (fuzz/targets.rs: analysis, incremental sync, config reader, framing), each for a
# short budget on the stable toolchain, from a seed of the clock. A failing input is saved in
# fuzz/artifacts/TARGET/ and fails the run. Longer: TICKMARK_FUZZ_SECONDS=600 bash .ci/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${TICKMARK_FUZZ_SECONDS:-25}"
# The bench profile: optimised like release without its link-time optimisation, and already
# built by `cargo bench --no-run`.
cargo test --locked --profile bench --test fuzz --no-run
for target in analysis incremental config framing; do
  TICKMARK_FUZZ_SECONDS="$seconds" timeout $((seconds + 120)) \
    cargo test --locked --profile bench --test fuzz -- --exact "$target" --nocapture
done
