//! `tickmark.toml` and the editor's `tickmark` settings: one configuration for the CLI and
//! the server.
