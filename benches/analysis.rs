//! Full analysis against a bare pulldown-cmark parse of the same text, in the same run
//! (`Throughput::Bytes`), so the figure that matters is the ratio: analysis should cost at
//! most twice the parse. Inputs: a generated 1 MB and 10 MB roadmap in the style of real
//! ones (tiers, legends, fields, subtasks, links, emoji, a little mojibake), and each seed
//! roadmap from `../shared/seeds` when that folder is present.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::fmt::Write as _;
use std::hint::black_box;

use tickmark::analysis::{self, parse::markdown_options, Inputs, Settings};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");

/// A roadmap of at least `bytes` bytes.
fn generate(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 4096);
    text.push_str("# Generated Roadmap\n\n**Last Updated:** 2025-01-15\n\n## Priority Levels\n");
    text.push_str("- **[P0]** - Critical: Must fix before production\n");
    text.push_str("- **[P1]** - Important: Should fix for production quality\n");
    text.push_str("- **[P2]** - Nice-to-have: Improvements\n\n");
    let tiers = [
        "🔴 Tier 1: High Impact",
        "🟡 Tier 2: Important",
        "🟢 Tier 3: Nice to Have",
        "✅ Completed",
    ];
    let mut n = 0usize;
    while text.len() < bytes {
        let _ = writeln!(text, "## {} ({n})\n", tiers[n % tiers.len()]);
        for section in 0..4 {
            // Four headings of different shapes, so that the items every section repeats
            // are duplicates, not a template (see `duplicate-item`).
            let area = ["Backend", "Frontend", "Infrastructure", "Documentation"][section];
            let _ = writeln!(text, "### {n}.{section} {area} [2/5]\n");
            for item in 0..6 {
                let state = if matches!((n + item) % 3, 0) {
                    'x'
                } else {
                    ' '
                };
                let _ = writeln!(
                    text,
                    "- [{state}] [P{}] **Feature {n}-{section}-{item}** with rate limiting and caching",
                    item % 3
                );
                let _ = writeln!(text, "  - [x] Design the {item} schema");
                let _ = writeln!(
                    text,
                    "  - [ ] Implement it, see [notes](./docs/note-{item}.md)"
                );
                let _ = writeln!(text, "  - **Impact:** faster pages for user {item}");
                let _ = writeln!(text, "  - **Time:** {}-{} hours", item + 1, item + 3);
            }
            text.push_str(
                "1. **Numbered item**\n   - Current: nothing\n   - When: Before launch\n",
            );
            text.push_str("- Plain item ✨ without a box\n- [] Setup ðŸ”´ server\n\n");
        }
        n += 1;
    }
    text
}

fn bench_text(c: &mut Criterion, group_name: &str, text: &str) {
    let settings = Settings::default();
    let exists = |_: &str| true;
    let inputs = Inputs {
        link_exists: Some(&exists),
        ..Inputs::default()
    };
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function(BenchmarkId::new("pulldown-cmark", text.len()), |b| {
        b.iter(|| {
            let parser = pulldown_cmark::Parser::new_ext(black_box(text), markdown_options());
            parser.into_offset_iter().count()
        });
    });
    group.bench_function(BenchmarkId::new("analyze", text.len()), |b| {
        b.iter(|| {
            analysis::analyze(black_box(text), &inputs, &settings)
                .diagnostics
                .len()
        });
    });
    group.finish();
}

fn generated(c: &mut Criterion) {
    for (name, bytes) in [("generated-1MB", 1 << 20), ("generated-10MB", 10 << 20)] {
        let text = generate(bytes);
        bench_text(c, name, &text);
    }
}

fn seeds(c: &mut Criterion) {
    let Ok(entries) = std::fs::read_dir(SEEDS) else {
        return;
    };
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        bench_text(c, &format!("seed-{}", &name[..3]), &text);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = generated, seeds
}
criterion_main!(benches);
