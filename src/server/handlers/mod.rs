//! One module per feature; each function takes the [`Backend`](super::Backend) and the
//! request's params.

// Handlers take their params by value, as the `LanguageServer` trait hands them over.
#![allow(clippy::needless_pass_by_value)]

pub mod code_action;
pub mod commands;
pub mod completion;
pub mod diagnostics;
pub mod direct;
pub mod hover;
pub mod lifecycle;
pub mod outline;
pub mod stats;
pub mod sync;
