//! The JSON shape of `tickmark/stats` and `tickmark stats --format json` (SPEC §3), shared by
//! the server and the CLI.
//!
//! ```json
//! { "total": 7, "done": 3, "open": 4, "inProgress": 1, "deferred": 0, "cancelled": 1,
//!   "percent": 43,
//!   "bySection": [{ "title": "Tier 1", "line": 4, "level": 2, "total": 3, "done": 1, "percent": 33 }],
//!   "byPriority": { "P0": { "total": 2, "done": 1 }, "none": { "total": 5, "done": 2 } } }
//! ```
//!
//! `line` is the heading's **0-based** line, as everywhere in LSP (the CLI's table shows it
//! 1-based). `open` includes in-progress and deferred tasks; `cancelled` is outside `total`;
//! `percent` is a whole number rounded half up. `bySection` follows document order;
//! `byPriority` lists only the priorities that have tasks (`none`: tasks without one).

use serde_json::{json, Map, Value};

use crate::analysis::stats::Stats;

/// The SPEC §3 `tickmark/stats` object for one document.
pub fn to_json(stats: &Stats) -> Value {
    let counts = &stats.counts;
    let by_section: Vec<Value> = stats
        .by_section
        .iter()
        .map(|section| {
            json!({
                "title": section.title,
                "line": section.line,
                "level": section.level,
                "total": section.counts.total,
                "done": section.counts.done,
                "percent": section.counts.percent(),
            })
        })
        .collect();
    let mut by_priority = Map::new();
    for (level, c) in stats.by_priority.iter().filter(|(l, _)| l.is_some()) {
        let key = format!("P{}", level.expect("filtered to Some"));
        by_priority.insert(key, json!({ "total": c.total, "done": c.done }));
    }
    if let Some(c) = stats.by_priority.get(&None) {
        by_priority.insert(
            "none".to_owned(),
            json!({ "total": c.total, "done": c.done }),
        );
    }
    json!({
        "total": counts.total,
        "done": counts.done,
        "open": counts.open,
        "inProgress": counts.in_progress,
        "deferred": counts.deferred,
        "cancelled": counts.cancelled,
        "percent": counts.percent(),
        "bySection": by_section,
        "byPriority": by_priority,
    })
}

#[cfg(test)]
mod tests {
    use crate::analysis::{self, Inputs, Settings};

    #[test]
    fn shape_matches_spec() {
        let text = "# Plan\n\n## Tier 1\n\n- [x] a [P0]\n- [ ] b [P0]\n- [/] c\n- [-] d\n\n## Later\n\n- [>] e [P2]\n- [ ] f\n";
        let analysis = analysis::analyze(text, &Inputs::default(), &Settings::default());
        let stats = analysis::stats::stats(text, &analysis.document);
        let value = super::to_json(&stats);
        assert_eq!(value["total"], 5);
        assert_eq!(value["done"], 1);
        assert_eq!(value["open"], 4);
        assert_eq!(value["inProgress"], 1);
        assert_eq!(value["deferred"], 1);
        assert_eq!(value["cancelled"], 1);
        assert_eq!(value["percent"], 20);
        assert_eq!(value["bySection"][1]["title"], "Tier 1");
        assert_eq!(value["bySection"][1]["line"], 2);
        assert_eq!(value["bySection"][1]["level"], 2);
        let keys: Vec<&String> = value["byPriority"].as_object().unwrap().keys().collect();
        assert_eq!(keys.last().map(|k| k.as_str()), Some("none"));
    }
}
