//! `tickmark.toml` and the editor's `tickmark` settings: one configuration for the CLI and
//! the server (SPEC §6).
//!
//! A [`Config`] is one layer of settings: every key is optional and falls back to the SPEC
//! default when read. The two front ends use it like this:
//!
//! ```no_run
//! # use std::path::Path;
//! use tickmark::config::Config;
//! // Command line: the file found from the checked path upward, or the defaults.
//! let (root_file, config) = match Config::discover(Path::new("docs/ROADMAP.md")) {
//!     Ok(Some((path, config))) => (Some(path), config),
//!     Ok(None) => (None, Config::default()),
//!     Err(error) => panic!("{error}"), // names the file and line
//! };
//! // Server: the editor's `workspace/configuration` value for section `tickmark`,
//! // overridden key by key by the workspace's tickmark.toml.
//! let editor = Config::from_editor(&serde_json::json!({ "toggle": { "cascade": "down" } })).unwrap();
//! let effective = Config::merged(&editor, &config);
//! let settings = effective.settings(); // what `analysis::analyze` takes
//! ```
//!
//! Every bad key or value is an error ([`ConfigError`]), never silently ignored: for a file it
//! names the file, line and column; for editor settings it names the setting
//! (`tickmark.rules.duplicate-itm`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;

use crate::analysis::{BoxStates, Code, Level, Settings, Severity};

/// The configuration file's name.
pub const FILE_NAME: &str = "tickmark.toml";

/// SPEC §6: the files that are roadmaps when `roadmaps` is not set.
pub const DEFAULT_ROADMAP_GLOBS: &[&str] = &[
    "**/ROADMAP*.md",
    "**/TODO*.md",
    "**/BACKLOG*.md",
    "**/*ROADMAP*.md",
    "**/*TODO*.md",
    "**/TECH*DEBT*.md",
    "**/*BACKLOG*.md",
];

/// What toggling a task does to its relatives (`toggle.cascade`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Cascade {
    /// Toggle only the task itself.
    #[default]
    None,
    /// Checking a parent checks its subtasks.
    Down,
    /// Checking the last open subtask checks its parent.
    Up,
    /// Both `down` and `up`.
    Both,
}

impl Cascade {
    pub const fn down(self) -> bool {
        matches!(self, Cascade::Down | Cascade::Both)
    }

    pub const fn up(self) -> bool {
        matches!(self, Cascade::Up | Cascade::Both)
    }
}

/// One layer of tickmark settings; unset keys read as the SPEC §6 defaults.
#[derive(Debug, Clone)]
// A state's box character is three-valued: unset, turned off (`""`), or a character.
#[allow(clippy::option_option)]
pub struct Config {
    /// The folder holding the tickmark.toml this came from; relative `roadmaps` globs are
    /// matched against paths relative to it.
    root: Option<PathBuf>,
    roadmaps: Option<Vec<String>>,
    roadmap_set: Globs,
    rules: BTreeMap<Code, Option<Severity>>,
    default_priorities: Option<Vec<Level>>,
    in_progress: Option<Option<char>>,
    cancelled: Option<Option<char>>,
    deferred: Option<Option<char>>,
    cascade: Option<Cascade>,
    stale_days: Option<u32>,
    stale_open_days: Option<u32>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            root: None,
            roadmaps: None,
            roadmap_set: Globs::new(DEFAULT_ROADMAP_GLOBS).expect("the default globs are valid"),
            rules: BTreeMap::new(),
            default_priorities: None,
            in_progress: None,
            cancelled: None,
            deferred: None,
            cascade: None,
            stale_days: None,
            stale_open_days: None,
        }
    }
}

impl Config {
    /// Reads and validates one tickmark.toml.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
            origin: Origin::File(path.to_owned()),
            position: None,
            message: format!("cannot read: {error}"),
        })?;
        let mut config = Config::parse_toml(&text, path)?;
        config.root = path.parent().map(Path::to_owned);
        Ok(config)
    }

    /// Parses tickmark.toml text; `path` is only used to name the file in errors. The first
    /// bad setting is the error; [`Config::read_toml`] keeps the good ones and lists them all.
    pub fn parse_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let (config, mut errors) = Config::read_toml(text, path);
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors.swap_remove(0))
        }
    }

    /// Reads tickmark.toml text keeping every good setting: each bad key or value is left out
    /// and reported with its line, in file order. A file that is not TOML at all gives the
    /// defaults and that one error.
    pub fn read_toml(text: &str, path: &Path) -> (Config, Vec<ConfigError>) {
        let origin = Origin::File(path.to_owned());
        let table: toml::Table = match toml::from_str(text) {
            Ok(table) => table,
            Err(error) => {
                let error = ConfigError {
                    origin,
                    position: error.span().map(|span| Position::of(text, span.start)),
                    message: error.message().trim_end().to_owned(),
                };
                return (Config::default(), vec![error]);
            }
        };
        let value = serde_json::to_value(table).unwrap_or(serde_json::Value::Null);
        let (config, invalid) = read_lenient(value);
        let mut errors: Vec<(Option<usize>, ConfigError)> = invalid
            .into_iter()
            .map(|invalid| {
                let offset = locate(text, &invalid.path, invalid.at_key);
                let error = ConfigError {
                    origin: origin.clone(),
                    position: offset.map(|o| Position::of(text, o)),
                    message: invalid.message,
                };
                (offset, error)
            })
            .collect();
        errors.sort_by_key(|(offset, _)| offset.unwrap_or(usize::MAX));
        (config, errors.into_iter().map(|(_, e)| e).collect())
    }

    /// [`Config::load`] keeping every good setting of the file: the configuration and every
    /// bad setting (or the defaults and the error when the file cannot be read).
    pub fn load_all(path: &Path) -> (Config, Vec<ConfigError>) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                let error = ConfigError {
                    origin: Origin::File(path.to_owned()),
                    position: None,
                    message: format!("cannot read: {error}"),
                };
                return (Config::default(), vec![error]);
            }
        };
        let (mut config, errors) = Config::read_toml(&text, path);
        config.root = path.parent().map(Path::to_owned);
        (config, errors)
    }

    /// [`Config::discover`] keeping every good setting: the file found (if any), its
    /// configuration, and every bad setting in it.
    pub fn discover_all(start: &Path) -> (Option<PathBuf>, Config, Vec<ConfigError>) {
        match find_file(start) {
            Some(path) => {
                let (config, errors) = Config::load_all(&path);
                (Some(path), config, errors)
            }
            None => (None, Config::default(), Vec::new()),
        }
    }

    /// Looks for tickmark.toml in `start` (or its folder, when `start` is a file) and then in
    /// every folder above, up to the filesystem root. `Ok(None)`: there is none.
    pub fn discover(start: &Path) -> Result<Option<(PathBuf, Config)>, ConfigError> {
        match find_file(start) {
            Some(path) => Config::load(&path).map(|config| Some((path, config))),
            None => Ok(None),
        }
    }

    /// Reads the editor's `workspace/configuration` value for section `tickmark`: the same
    /// keys as the file, nested (`{ "toggle": { "cascade": "up" } }`) or dotted
    /// (`{ "toggle.cascade": "up" }`). `null` means unset. Client-only settings of the VS Code
    /// extension (`server`, `trace`, `statusBar`) are skipped.
    pub fn from_editor(value: &serde_json::Value) -> Result<Config, ConfigError> {
        let (config, mut errors) = Config::from_editor_all(value);
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors.swap_remove(0))
        }
    }

    /// [`Config::from_editor`] keeping every good setting: the configuration and every bad
    /// setting, each named by its key.
    pub fn from_editor_all(value: &serde_json::Value) -> (Config, Vec<ConfigError>) {
        let error = |message: String, key: Option<String>| ConfigError {
            origin: Origin::Editor(key),
            position: None,
            message,
        };
        let mut object = match value {
            serde_json::Value::Null => return (Config::default(), Vec::new()),
            serde_json::Value::Object(map) => map.clone(),
            other => {
                let message = format!("expected an object of settings, found {other}");
                return (Config::default(), vec![error(message, None)]);
            }
        };
        for client_only in ["server", "trace", "statusBar"] {
            object.remove(client_only);
        }
        let nested = expand_dotted(object);
        let (config, invalid) = read_lenient(serde_json::Value::Object(nested));
        let errors = invalid
            .into_iter()
            .map(|invalid| error(invalid.message, Some(key_path_string(&invalid.path))))
            .collect();
        (config, errors)
    }

    /// `file` layered over `editor`: every key the workspace file sets wins; `rules` merge
    /// code by code.
    pub fn merged(editor: &Config, file: &Config) -> Config {
        let mut rules = editor.rules.clone();
        rules.extend(file.rules.iter().map(|(k, v)| (*k, *v)));
        let (roadmaps, roadmap_set, root) = if file.roadmaps.is_some() {
            (
                file.roadmaps.clone(),
                file.roadmap_set.clone(),
                file.root.clone(),
            )
        } else {
            (
                editor.roadmaps.clone(),
                editor.roadmap_set.clone(),
                file.root.clone().or_else(|| editor.root.clone()),
            )
        };
        Config {
            root,
            roadmaps,
            roadmap_set,
            rules,
            default_priorities: file
                .default_priorities
                .clone()
                .or_else(|| editor.default_priorities.clone()),
            in_progress: file.in_progress.or(editor.in_progress),
            cancelled: file.cancelled.or(editor.cancelled),
            deferred: file.deferred.or(editor.deferred),
            cascade: file.cascade.or(editor.cascade),
            stale_days: file.stale_days.or(editor.stale_days),
            stale_open_days: file.stale_open_days.or(editor.stale_open_days),
        }
    }

    /// Sets the folder that relative `roadmaps` globs are matched from (the workspace root for
    /// editor settings; [`Config::load`] sets it to the file's folder).
    #[must_use]
    pub fn with_root(mut self, root: impl Into<PathBuf>) -> Config {
        self.root = Some(root.into());
        self
    }

    /// The folder relative globs are matched from, if known.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The settings the engine takes.
    pub fn settings(&self) -> Settings {
        let defaults = Settings::default();
        let default_states = BoxStates::default();
        Settings {
            severities: self.rules.clone(),
            default_priorities: self
                .default_priorities
                .clone()
                .unwrap_or(defaults.default_priorities),
            states: BoxStates {
                in_progress: self.in_progress.unwrap_or(default_states.in_progress),
                cancelled: self.cancelled.unwrap_or(default_states.cancelled),
                deferred: self.deferred.unwrap_or(default_states.deferred),
            },
            stale_days: self.stale_days.unwrap_or(defaults.stale_days),
            stale_open_days: self.stale_open_days.unwrap_or(defaults.stale_open_days),
        }
    }

    /// The roadmap globs in force (the configured ones, else [`DEFAULT_ROADMAP_GLOBS`]).
    pub fn roadmap_globs(&self) -> Vec<String> {
        match &self.roadmaps {
            Some(globs) => globs.clone(),
            None => DEFAULT_ROADMAP_GLOBS
                .iter()
                .map(|&g| g.to_owned())
                .collect(),
        }
    }

    /// Whether `path` is a roadmap by the globs. Matching ignores ASCII case, `*` stays
    /// within one path component and `**/` also matches no folder. A path below the
    /// configuration's root is matched relative to it; any other path as given.
    pub fn is_roadmap(&self, path: &Path) -> bool {
        if let Some(root) = &self.root {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
            if let Ok(relative) = absolute.strip_prefix(root) {
                return self.roadmap_set.is_match(relative);
            }
        }
        let relative = path.strip_prefix(".").unwrap_or(path);
        self.roadmap_set.is_match(relative)
    }

    pub fn toggle_cascade(&self) -> Cascade {
        self.cascade.unwrap_or_default()
    }

    /// The JSON schema of tickmark.toml (draft 2020-12), generated from the file's type.
    pub fn json_schema() -> serde_json::Value {
        let mut schema = schemars::schema_for!(RawConfig).to_value();
        if let Some(object) = schema.as_object_mut() {
            object.insert(
                "$id".to_owned(),
                serde_json::Value::String(
                    "https://github.com/tickmark-lsp/tickmark/tickmark.schema.json".to_owned(),
                ),
            );
        }
        schema
    }
}

/// A bad configuration: which file (and where) or which editor setting, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub origin: Origin,
    /// 1-based line and column in the file, when known.
    pub position: Option<Position>,
    pub message: String,
}

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    /// Editor settings; the key (`rules.duplicate-itm`) when one is to blame.
    Editor(Option<String>),
}

/// A 1-based line and column (in Unicode scalars) in a configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    fn of(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.origin, self.position) {
            (Origin::File(path), Some(p)) => {
                write!(
                    f,
                    "{}:{}:{}: {}",
                    path.display(),
                    p.line,
                    p.column,
                    self.message
                )
            }
            (Origin::File(path), None) => write!(f, "{}: {}", path.display(), self.message),
            (Origin::Editor(Some(key)), _) => {
                write!(f, "editor setting `tickmark.{key}`: {}", self.message)
            }
            (Origin::Editor(None), _) => write!(f, "editor settings `tickmark`: {}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

// ---------------------------------------------------------------------------------------
// The file format: what serde reads and schemars describes. Validation turns it into Config.

/// tickmark.toml: which files are roadmaps and how they are checked.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "tickmark.toml")]
struct RawConfig {
    /// Globs of the markdown files that are roadmaps, relative to this file's folder. Setting
    /// it replaces the defaults (`**/ROADMAP*.md`, `**/TODO*.md`, `**/BACKLOG*.md`,
    /// `**/*ROADMAP*.md`, `**/*TODO*.md`, `**/TECH*DEBT*.md`, `**/*BACKLOG*.md`).
    #[serde(default, deserialize_with = "numbered")]
    #[schemars(with = "Option<Vec<String>>")]
    roadmaps: Option<Vec<(usize, String)>>,
    /// Severity of each rule: `error`, `warning`, `information`, `hint`, or `off`.
    rules: Option<RulesTable>,
    priorities: Option<RawPriorities>,
    states: Option<RawStates>,
    toggle: Option<RawToggle>,
    dates: Option<RawDates>,
}

/// Priorities.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPriorities {
    /// The priority tags allowed when a document has no legend, such as `["P0", "P1"]`.
    /// Default: P0 to P3.
    default: Option<Vec<String>>,
}

/// Box characters of the optional task states; an empty string turns a state off.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawStates {
    /// In progress, `- [/]` by default.
    in_progress: Option<String>,
    /// Cancelled, `- [-]` by default.
    cancelled: Option<String>,
    /// Deferred, `- [>]` by default.
    deferred: Option<String>,
}

/// What toggling a task does to its relatives.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawToggle {
    /// `none` (default), `down` (checking a parent checks its subtasks), `up` (checking the
    /// last open subtask checks its parent) or `both`.
    cascade: Option<Cascade>,
}

/// Date fields.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDates {
    /// A date field is stale when it is more than this many days older than the file's last
    /// committed change. Default 0.
    stale_days: Option<u32>,
    /// An open P0 or P1 task is reported by `stale-open` when its text and state have not
    /// changed for more than this many days. Default 90.
    stale_open_days: Option<u32>,
}

/// `[rules]`: rule code → severity or `off`. Codes are checked after parsing so that an
/// unknown one is reported at its line.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
struct RulesTable(BTreeMap<String, RuleLevel>);

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum RuleLevel {
    Error,
    Warning,
    Information,
    Hint,
    Off,
}

impl JsonSchema for RulesTable {
    fn schema_name() -> Cow<'static, str> {
        "Rules".into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        let level = serde_json::json!({
            "type": "string",
            "enum": ["error", "warning", "information", "hint", "off"],
        });
        let properties: serde_json::Map<String, serde_json::Value> = Code::ALL
            .iter()
            .map(|code| {
                let mut schema = level.clone();
                schema["description"] = format!(
                    "{} Default: {}.",
                    code.summary(),
                    code.default_severity().as_str()
                )
                .into();
                (code.as_str().to_owned(), schema)
            })
            .collect();
        let value = serde_json::json!({
            "type": "object",
            "description": "Severity of each rule: `error`, `warning`, `information`, `hint`, or `off`.",
            "properties": properties,
            "additionalProperties": false,
        });
        Schema::try_from(value).expect("an object is a schema")
    }
}

/// One step of a path to a key: a table key or an array index.
#[derive(Debug, Clone)]
enum Segment {
    Key(&'static str),
    Name(String),
    Index(usize),
}

struct Invalid {
    path: Vec<Segment>,
    /// Point at the key itself (an unknown rule name) rather than its value.
    at_key: bool,
    message: String,
}

/// Reads settings from their JSON form (the file's TOML converted, or the editor's value),
/// keeping every key that reads: a table whose keys do not all read keeps the ones that do,
/// and `roadmaps` keeps its good globs. Each key or value left out is in the list.
fn read_lenient(value: serde_json::Value) -> (Config, Vec<Invalid>) {
    use serde_json::{Map, Value};
    fn single(key: &str, value: Value) -> Value {
        let mut map = Map::new();
        map.insert(key.to_owned(), value);
        Value::Object(map)
    }
    fn reads(value: Value) -> Result<(), Invalid> {
        serde_json::from_value::<RawConfig>(value)
            .map(drop)
            .map_err(|error| {
                let message = error.to_string();
                Invalid {
                    path: Vec::new(),
                    at_key: message.starts_with("unknown field"),
                    message,
                }
            })
    }
    let mut invalid = Vec::new();
    let Value::Object(object) = value else {
        let message = "expected a table of settings".to_owned();
        return (
            Config::default(),
            vec![Invalid {
                path: Vec::new(),
                at_key: false,
                message,
            }],
        );
    };
    let mut good = Map::new();
    let mut roadmaps = None;
    for (key, value) in object {
        let Err(mut error) = reads(single(&key, value.clone())) else {
            good.insert(key, value);
            continue;
        };
        match value {
            // A table of settings: keep the keys that read.
            Value::Object(inner) if key != "roadmaps" && !error.at_key => {
                let mut kept = Map::new();
                for (sub, v) in inner {
                    match reads(single(&key, single(&sub, v.clone()))) {
                        Ok(()) => {
                            kept.insert(sub, v);
                        }
                        Err(mut error) => {
                            error.path = vec![Segment::Name(key.clone()), Segment::Name(sub)];
                            invalid.push(error);
                        }
                    }
                }
                good.insert(key, Value::Object(kept));
            }
            // Globs: keep the good ones.
            Value::Array(globs) if key == "roadmaps" => {
                let globs = globs
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, glob)| match glob {
                        Value::String(glob) => Some((i, glob)),
                        other => {
                            invalid.push(Invalid {
                                path: vec![Segment::Key("roadmaps"), Segment::Index(i)],
                                at_key: false,
                                message: format!("expected a glob string, found {other}"),
                            });
                            None
                        }
                    });
                roadmaps = Some(globs.collect());
            }
            _ => {
                error.path = vec![Segment::Name(key)];
                invalid.push(error);
            }
        }
    }
    let mut raw: RawConfig = serde_json::from_value(Value::Object(good)).unwrap_or_default();
    if let Some(globs) = roadmaps {
        raw.roadmaps = Some(globs);
    }
    let config = raw.validate(&mut invalid);
    (config, invalid)
}

/// A list of strings, each with its place in the list (for errors that name it).
#[allow(clippy::unnecessary_wraps)] // the signature serde's `deserialize_with` takes
fn numbered<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<(usize, String)>>, D::Error> {
    let list = Option::<Vec<String>>::deserialize(deserializer)?;
    Ok(list.map(|list| list.into_iter().enumerate().collect()))
}

/// The tickmark.toml in `start` (or its folder, when `start` is a file) or in the nearest
/// folder above.
fn find_file(start: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_owned());
    let first = if absolute.is_dir() {
        absolute.as_path()
    } else {
        absolute.parent().unwrap_or(&absolute)
    };
    first
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

impl RawConfig {
    /// The settings, leaving out (and listing in `invalid`) each bad value.
    fn validate(self, invalid: &mut Vec<Invalid>) -> Config {
        let mut config = Config::default();
        if let Some(globs) = self.roadmaps {
            let mut kept = Vec::with_capacity(globs.len());
            for (i, glob) in globs {
                match build_glob(&glob) {
                    Ok(_) => kept.push(glob),
                    Err(error) => invalid.push(Invalid {
                        path: vec![Segment::Key("roadmaps"), Segment::Index(i)],
                        at_key: false,
                        message: format!("invalid glob `{glob}`: {}", error.kind()),
                    }),
                }
            }
            match Globs::new(&kept) {
                Ok(set) => {
                    config.roadmap_set = set;
                    config.roadmaps = Some(kept);
                }
                Err(error) => invalid.push(Invalid {
                    path: vec![Segment::Key("roadmaps")],
                    at_key: false,
                    message: format!("the roadmap globs cannot be matched: {}", error.kind()),
                }),
            }
        }
        for (name, level) in self.rules.unwrap_or_default().0 {
            let Some(code) = Code::parse(&name) else {
                let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
                invalid.push(Invalid {
                    path: vec![Segment::Key("rules"), Segment::Name(name.clone())],
                    at_key: true,
                    message: format!("unknown rule `{name}`; known rules: {}", known.join(", ")),
                });
                continue;
            };
            let severity = match level {
                RuleLevel::Error => Some(Severity::Error),
                RuleLevel::Warning => Some(Severity::Warning),
                RuleLevel::Information => Some(Severity::Information),
                RuleLevel::Hint => Some(Severity::Hint),
                RuleLevel::Off => None,
            };
            config.rules.insert(code, severity);
        }
        if let Some(tags) = self.priorities.and_then(|p| p.default) {
            let mut levels = Vec::with_capacity(tags.len());
            for (i, tag) in tags.iter().enumerate() {
                let path = vec![
                    Segment::Key("priorities"),
                    Segment::Key("default"),
                    Segment::Index(i),
                ];
                let message = match parse_priority(tag) {
                    None => format!("`{tag}` is not a priority tag; write `P0` (highest) to `P9`"),
                    Some(level) if levels.contains(&level) => format!("`{tag}` is listed twice"),
                    Some(level) => {
                        levels.push(level);
                        continue;
                    }
                };
                invalid.push(Invalid {
                    path,
                    at_key: false,
                    message,
                });
            }
            if !levels.is_empty() {
                config.default_priorities = Some(levels);
            }
        }
        if let Some(states) = self.states {
            let mut seen: Vec<char> = Vec::new();
            for (key, value, slot) in [
                ("in-progress", states.in_progress, &mut config.in_progress),
                ("cancelled", states.cancelled, &mut config.cancelled),
                ("deferred", states.deferred, &mut config.deferred),
            ] {
                let Some(value) = value else { continue };
                let mut chars = value.chars();
                let ch = match (chars.next(), chars.next()) {
                    (None, _) => Ok(None),
                    (Some(c), None) => Ok(Some(c)),
                    _ => Err(format!(
                        "`{value}` is not one character; write one box character, or \"\" to turn the state off"
                    )),
                };
                let ch = ch.and_then(|ch| match ch {
                    Some(c) if matches!(c, ' ' | 'x' | 'X' | '[' | ']') || c.is_control() => Err(format!(
                        "`{c}` cannot mark a {key} task: ' ', 'x', 'X' and brackets already have a meaning"
                    )),
                    Some(c) if seen.contains(&c) => Err(format!("`{c}` already marks another state")),
                    ch => Ok(ch),
                });
                match ch {
                    Ok(ch) => {
                        seen.extend(ch);
                        *slot = Some(ch);
                    }
                    Err(message) => invalid.push(Invalid {
                        path: vec![Segment::Key("states"), Segment::Key(key)],
                        at_key: false,
                        message,
                    }),
                }
            }
        }
        config.cascade = self.toggle.and_then(|t| t.cascade);
        config.stale_days = self.dates.as_ref().and_then(|d| d.stale_days);
        config.stale_open_days = self.dates.and_then(|d| d.stale_open_days);
        config
    }
}

/// `P0`..`P9` (also `P10`.. up to 99) to a level.
fn parse_priority(tag: &str) -> Option<Level> {
    let digits = tag.strip_prefix('P')?;
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn build_glob(glob: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(glob)
        .case_insensitive(true)
        .literal_separator(true)
        .build()
}

/// The roadmap globs, matched in sets of [`Globs::CHUNK`]: one set of thousands of globs
/// passes the regex engine's size limit, smaller sets stay within it.
#[derive(Debug, Clone)]
struct Globs(Vec<GlobSet>);

impl Globs {
    const CHUNK: usize = 256;

    fn new<S: AsRef<str>>(globs: &[S]) -> Result<Globs, globset::Error> {
        let mut sets = Vec::with_capacity(globs.len().div_ceil(Self::CHUNK));
        for chunk in globs.chunks(Self::CHUNK) {
            let mut builder = GlobSetBuilder::new();
            for glob in chunk {
                builder.add(build_glob(glob.as_ref())?);
            }
            sets.push(builder.build()?);
        }
        Ok(Globs(sets))
    }

    fn is_match(&self, path: &Path) -> bool {
        let candidate = globset::Candidate::new(path);
        self.0.iter().any(|set| set.is_match_candidate(&candidate))
    }
}

/// Byte offset of the value (or key) at `path` in tickmark.toml text.
fn locate(text: &str, path: &[Segment], at_key: bool) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut value: Option<&toml::Spanned<toml::de::DeValue<'_>>> = None;
    let mut key_start = None;
    for segment in path {
        match segment {
            Segment::Key(name) => {
                let (k, v) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *name)?;
                key_start = Some(k.span().start);
                value = Some(v);
            }
            Segment::Name(name) => {
                let (k, v) = table
                    .iter()
                    .find(|(k, _)| k.get_ref().as_ref() == name.as_str())?;
                key_start = Some(k.span().start);
                value = Some(v);
            }
            Segment::Index(i) => {
                let array = value?.get_ref().as_array()?;
                value = Some(array.get(*i)?);
            }
        }
        if let Some(t) = value.and_then(|v| v.get_ref().as_table()) {
            table = t;
        }
    }
    if at_key {
        key_start
    } else {
        value.map(|v| v.span().start)
    }
}

fn key_path_string(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(k) => push_key(&mut out, k),
            Segment::Name(k) => push_key(&mut out, k),
            Segment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

fn push_key(out: &mut String, key: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
}

/// `{ "toggle.cascade": "up" }` → `{ "toggle": { "cascade": "up" } }`; nested objects pass
/// through.
fn expand_dotted(
    object: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    for (key, value) in object {
        if value.is_null() {
            continue;
        }
        let mut parts: Vec<&str> = key.split('.').collect();
        let last = parts.pop().unwrap_or_default().to_owned();
        let mut node = &mut out;
        for part in parts {
            let entry = node
                .entry(part.to_owned())
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
            if !entry.is_object() {
                *entry = serde_json::Value::Object(serde_json::Map::new());
            }
            node = entry.as_object_mut().expect("made an object above");
        }
        match (node.get_mut(&last), value) {
            (Some(serde_json::Value::Object(existing)), serde_json::Value::Object(more)) => {
                existing.extend(more);
            }
            (_, value) => {
                node.insert(last, value);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse_toml(text, Path::new("tickmark.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn empty_file_is_the_defaults() {
        let config = parse("").unwrap();
        assert_eq!(config.settings(), Settings::default());
        assert_eq!(config.toggle_cascade(), Cascade::None);
    }

    #[test]
    fn spec_example_reads() {
        let config = parse(
            r#"
roadmaps = ["**/ROADMAP*.md", "**/TODO*.md"]
[rules]
duplicate-item = "information"
mojibake = "off"
[priorities]
default = ["P0", "P1", "P2"]
[states]
in-progress = "~"
cancelled = ""
deferred = ">"
[toggle]
cascade = "both"
[dates]
stale-days = 7
"#,
        )
        .unwrap();
        let settings = config.settings();
        assert_eq!(
            settings.severities.get(&Code::DuplicateItem),
            Some(&Some(Severity::Information))
        );
        assert_eq!(settings.severities.get(&Code::Mojibake), Some(&None));
        assert_eq!(settings.default_priorities, vec![0, 1, 2]);
        assert_eq!(settings.states.in_progress, Some('~'));
        assert_eq!(settings.states.cancelled, None);
        assert_eq!(settings.stale_days, 7);
        assert_eq!(config.toggle_cascade(), Cascade::Both);
        assert!(config.is_roadmap(Path::new("ROADMAP.md")));
        assert!(!config.is_roadmap(Path::new("BACKLOG.md")));
    }

    #[test]
    fn errors_name_file_and_line() {
        assert_eq!(
            parse("[rules]\nduplicate-item = \"loud\"\n").unwrap_err(),
            "tickmark.toml:2:18: unknown variant `loud`, expected one of `error`, `warning`, `information`, `hint`, `off`"
        );
        assert_eq!(
            parse("[rules]\n\nduplicate-itm = \"hint\"\n").unwrap_err(),
            "tickmark.toml:3:1: unknown rule `duplicate-itm`; known rules: malformed-checkbox, duplicate-item, inconsistent-parent, parent-completable, unknown-priority, malformed-priority, mojibake, empty-item, status-mismatch, broken-link, stale-date, progress-claim, conflicting-state, limit-reached, reopened-item, stale-open"
        );
        assert!(parse("colour = 1\n")
            .unwrap_err()
            .starts_with("tickmark.toml:1:1: unknown field `colour`"));
        assert_eq!(
            parse("[priorities]\ndefault = [\"P0\",\n  \"high\"]\n").unwrap_err(),
            "tickmark.toml:3:3: `high` is not a priority tag; write `P0` (highest) to `P9`"
        );
        assert_eq!(
            parse("[states]\ncancelled = \"xx\"\n").unwrap_err(),
            "tickmark.toml:2:13: `xx` is not one character; write one box character, or \"\" to turn the state off"
        );
        assert!(parse("[dates]\nstale-days = -1\n")
            .unwrap_err()
            .starts_with("tickmark.toml:2:14: "));
        assert!(parse("roadmaps = [\"a/**\", \"[\"]\n")
            .unwrap_err()
            .starts_with("tickmark.toml:1:21: invalid glob `[`"));
    }

    #[test]
    fn default_globs_match_spec_names() {
        let config = Config::default();
        for name in [
            "ROADMAP.md",
            "docs/ROADMAP.md",
            "./TODO.md",
            "TODO-2025.md",
            "PRODUCT_ROADMAP.md",
            "TECH_DEBT.md",
            "PRODUCT_BACKLOG.md",
            "todo.md",
        ] {
            assert!(config.is_roadmap(Path::new(name)), "{name}");
        }
        for name in ["README.md", "ROADMAP.txt", "TODO/notes.md"] {
            assert!(!config.is_roadmap(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn editor_settings_and_merge() {
        let editor = Config::from_editor(&serde_json::json!({
            "rules": { "mojibake": "hint", "broken-link": "error" },
            "toggle.cascade": "down",
            "states": { "deferred": null },
            "server": { "path": "/bin/tickmark" },
            "dates": { "stale-days": 3 },
        }))
        .unwrap();
        assert_eq!(editor.toggle_cascade(), Cascade::Down);
        let file = parse("[rules]\nmojibake = \"off\"\n[toggle]\ncascade = \"up\"\n").unwrap();
        let merged = Config::merged(&editor, &file);
        let settings = merged.settings();
        assert_eq!(settings.severities.get(&Code::Mojibake), Some(&None));
        assert_eq!(
            settings.severities.get(&Code::BrokenLink),
            Some(&Some(Severity::Error))
        );
        assert_eq!(settings.stale_days, 3);
        assert_eq!(merged.toggle_cascade(), Cascade::Up);
    }

    #[test]
    fn editor_errors_name_the_setting() {
        let error = Config::from_editor(&serde_json::json!({ "rules": { "nope": "hint" } }))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("editor setting `tickmark.rules.nope`: unknown rule `nope`"),
            "{error}"
        );
        let error =
            Config::from_editor(&serde_json::json!({ "toggle": { "cascade": "sideways" } }))
                .unwrap_err()
                .to_string();
        assert!(error.contains("unknown variant `sideways`"), "{error}");
        assert!(Config::from_editor(&serde_json::json!({ "colour": 1 })).is_err());
        assert!(Config::from_editor(&serde_json::Value::Null).is_ok());
    }

    #[test]
    fn schema_lists_every_rule() {
        let schema = Config::json_schema();
        let text = schema.to_string();
        for code in Code::ALL {
            assert!(text.contains(code.as_str()), "{code}");
        }
        assert!(text.contains("stale-days"));
    }

    #[test]
    fn discover_walks_upward() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "[dates]\nstale-days = 2\n").unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        let (path, config) = Config::discover(&nested.join("ROADMAP.md"))
            .unwrap()
            .unwrap();
        assert_eq!(path, dir.path().join(FILE_NAME));
        assert_eq!(config.settings().stale_days, 2);
        assert!(config.is_roadmap(&nested.join("ROADMAP.md")));
    }

    #[test]
    fn every_bad_setting_is_reported_and_the_good_ones_kept() {
        let text = "roadmaps = [\"plans/*.md\", \"[\", 3]\ncolour = 1\n[rules]\nduplicate-item = \"off\"\nempty-item = \"loud\"\nduplicate-itm = \"hint\"\n[states]\ncancelled = \"xx\"\ndeferred = \"~\"\n[dates]\nstale-days = 30\n[toggle]\ncascade = \"sideways\"\n";
        let (config, errors) = Config::read_toml(text, Path::new("tickmark.toml"));
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let places: Vec<&str> = errors
            .iter()
            .map(|e| e.split(": ").next().unwrap())
            .collect();
        // In file order, one per bad key or value.
        assert_eq!(
            places,
            [
                "tickmark.toml:1:27",
                "tickmark.toml:1:32",
                "tickmark.toml:2:1",
                "tickmark.toml:5:14",
                "tickmark.toml:6:1",
                "tickmark.toml:8:13",
                "tickmark.toml:13:11"
            ],
            "{errors:#?}"
        );
        assert_eq!(config.roadmap_globs(), ["plans/*.md"]);
        let settings = config.settings();
        assert_eq!(settings.severity(Code::DuplicateItem), None);
        assert_eq!(settings.severity(Code::EmptyItem), Some(Severity::Warning));
        assert_eq!(settings.states.deferred, Some('~'));
        assert_eq!(settings.states.cancelled, Some('-'));
        assert_eq!(settings.stale_days, 30);
        // Editor settings alike, each named by its key.
        let (config, errors) = Config::from_editor_all(&serde_json::json!({
            "rules": { "empty-item": "loud", "mojibake": "hint" },
            "toggle.cascade": "up",
            "dates": { "stale-days": "soon" },
        }));
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert!(
            errors[0].starts_with("editor setting `tickmark.dates.stale-days`"),
            "{errors:#?}"
        );
        assert!(
            errors[1].starts_with("editor setting `tickmark.rules.empty-item`"),
            "{errors:#?}"
        );
        assert_eq!(
            config.settings().severity(Code::Mojibake),
            Some(Severity::Hint)
        );
        assert_eq!(config.toggle_cascade(), Cascade::Up);
    }

    #[test]
    fn twenty_thousand_globs_are_read_and_matched() {
        let globs: Vec<String> = (0..20_000).map(|i| format!("\"dir{i}/**/*.md\"")).collect();
        let text = format!("roadmaps = [{}]\n", globs.join(", "));
        let config = parse(&text).unwrap();
        assert!(config.is_roadmap(Path::new("dir19999/a/b.md")));
        assert!(config.is_roadmap(Path::new("dir0/b.md")));
        assert!(!config.is_roadmap(Path::new("dir20000/b.md")));
    }
}
