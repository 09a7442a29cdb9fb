//! The language server, driven through its protocol: in process through `LspService`, and
//! once through the real binary over stdio.

mod code_actions;
mod commands;
mod config;
mod diagnostics;
mod features;
mod hostile;
mod lifecycle;
#[path = "../common/roadmap_gen.rs"]
mod roadmap_gen;
mod robustness;
mod soak;
mod stdio;
mod support;
mod sync;
mod validity;
mod wire;
mod workspace;
