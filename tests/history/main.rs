//! Item history against real repositories built in temporary directories: scripted
//! histories with exact events and dates, repository layouts (rename, merge, shallow clone,
//! worktree, CRLF), a hostile repository whose configured programs must never run, bad
//! input that must give a clear error and never a panic, the cache and the two commands, and
//! the language server reading the history of the documents it opens.

mod activity;
mod bad_input;
mod cache;
mod cli;
mod disk;
mod facts;
mod layouts;
mod lifecycle;
#[path = "../lsp/support.rs"]
#[allow(dead_code, clippy::wildcard_imports, clippy::struct_excessive_bools)]
mod lsp_support;
mod nesting;
mod pairing;
mod safety;
mod server;
mod support;
