//! The JSON shape of `tickmark/stats` and `tickmark stats --format json` (SPEC §3), shared by
//! the server and the CLI.
