//! Item history against real repositories built in temporary directories: scripted
//! histories with exact events and dates, repository layouts (rename, merge, shallow clone,
//! worktree, CRLF), a hostile repository whose configured programs must never run, bad
//! input that must give a clear error and never a panic, the cache and the two commands.

mod bad_input;
mod cache;
mod cli;
mod layouts;
mod lifecycle;
mod safety;
mod support;
