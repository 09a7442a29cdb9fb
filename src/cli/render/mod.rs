//! Renderers for `tickmark check`: human (rustc-style snippets), JSON, SARIF, GitHub.
