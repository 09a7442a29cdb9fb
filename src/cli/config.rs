//! `tickmark config`: `--schema` prints the JSON schema of tickmark.toml; without it, which
//! tickmark.toml applies to the current folder and the settings in force.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use super::ConfigArgs;
use crate::analysis::Code;
use crate::config::Config;

pub fn run(args: &ConfigArgs) -> ExitCode {
    if args.schema {
        let schema = serde_json::to_string_pretty(&Config::json_schema()).expect("plain data");
        return super::print_all(&format!("{schema}\n"));
    }
    // Every bad setting is reported and left out; the settings in force are still shown.
    let (path, config, errors) = Config::discover_all(Path::new("."));
    for error in &errors {
        eprintln!("error: {error}");
    }
    let code = super::print_all(&describe(path.as_deref().map(|p| (p, &config))));
    if errors.is_empty() {
        code
    } else {
        ExitCode::from(2)
    }
}

fn describe(found: Option<(&Path, &Config)>) -> String {
    let default = Config::default();
    let (origin, config) = match found {
        Some((path, config)) => (path.display().to_string(), config),
        None => ("none found; using the defaults".to_owned(), &default),
    };
    let settings = config.settings();
    let mut out = String::new();
    let _ = writeln!(out, "tickmark.toml: {origin}");
    let _ = writeln!(out, "roadmaps: {}", config.roadmap_globs().join(", "));
    let priorities: Vec<String> = settings
        .default_priorities
        .iter()
        .map(|l| format!("P{l}"))
        .collect();
    let _ = writeln!(out, "priorities.default: {}", priorities.join(", "));
    let state = |c: Option<char>| c.map_or_else(|| "off".to_owned(), |c| format!("[{c}]"));
    let _ = writeln!(
        out,
        "states: in-progress {}, cancelled {}, deferred {}",
        state(settings.states.in_progress),
        state(settings.states.cancelled),
        state(settings.states.deferred)
    );
    let cascade = match config.toggle_cascade() {
        crate::config::Cascade::None => "none",
        crate::config::Cascade::Down => "down",
        crate::config::Cascade::Up => "up",
        crate::config::Cascade::Both => "both",
    };
    let _ = writeln!(out, "toggle.cascade: {cascade}");
    let _ = writeln!(out, "dates.stale-days: {}", settings.stale_days);
    let _ = writeln!(out, "dates.stale-open-days: {}", settings.stale_open_days);
    let _ = writeln!(out, "rules:");
    for &code in Code::ALL {
        let severity = settings.severity(code).map_or("off", |s| s.as_str());
        let _ = writeln!(out, "  {:<20} {severity}", code.as_str());
    }
    out
}
