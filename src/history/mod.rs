//! Item history from git: the only module that reads git.
