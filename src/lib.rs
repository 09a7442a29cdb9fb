//! tickmark: a language server and command-line checker for roadmap markdown.
//!
//! # Architecture
//!
//! - [`analysis`] is the engine: text in, a document model and diagnostics (with fixes as
//!   data) out. It is pure: no LSP types, no async runtime, no filesystem, and it never
//!   fails. Facts from the world come in as [`analysis::Inputs`].
//! - `config` reads `tickmark.toml`; `workspace` finds roadmap files; `history` reads git.
//!   They do IO for the two front ends and hand the engine plain data.
//! - `server` (the only module that knows LSP) and `cli` are thin layers over the engine.
//!
//! Dependencies point one way: `server` → `analysis`, `cli` → `analysis`, and both →
//! `config`, `workspace`, `history`. `analysis` depends on none of them; a test enforces it.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod history;
pub mod server;
pub mod stats_json;
pub mod workspace;
