//! Roadmap-file discovery shared by the CLI and the server: the roadmap globs of
//! `tickmark.toml`, honouring `.gitignore`.
