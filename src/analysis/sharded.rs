//! Folding ranges, progress lenses and progress hints of the whole document, read from an
//! [`Incremental`] analysis shard by shard, without stitching the shards into one model.
//!
//! A shard starts at a `#` or `##` heading, which ends every section but a `#` one, so every
//! section and item but a `#` section lies within one shard, and its fold, lens and hint
//! are the shard's own. A `#` section reaches into the shards after it, up to the next `#`
//! heading: its progress counts the outermost sections it holds there, and its fold ends
//! where it does. [`Tops`] works those out from the shards' own (cached) counts; the answers
//! equal [`outline::folding_ranges`], [`outline::lenses`] and [`outline::inlay_hints_on`] of
//! the whole text (a property test holds them equal).

use std::borrow::Cow;

use super::incremental::{Incremental, ShardView};
use super::model::SectionId;
use super::outline::{self, Fold, Hint, Lens};
use super::stats::Counts;

/// A `#` section of the whole document.
struct Top {
    /// The shard it starts in (an index of the shards) and its id there.
    shard: usize,
    id: SectionId,
    /// Its progress over every shard it reaches.
    counts: Counts,
    /// Where it ends: a shard and a byte offset in it.
    end: (usize, usize),
}

/// The shards of an analysis and the `#` sections that reach across them.
pub struct Tops<'a> {
    pub shards: Vec<ShardView<'a>>,
    tops: Vec<Top>,
}

impl<'a> Tops<'a> {
    /// Reads the shards of `incremental` (refreshed after its last edit).
    pub fn new(incremental: &'a Incremental) -> Self {
        let shards: Vec<ShardView<'a>> = incremental.shards().collect();
        let mut tops: Vec<Top> = Vec::new();
        let mut open: Option<Top> = None;
        for (i, shard) in shards.iter().enumerate() {
            let counts = shard.section_counts();
            for root in shard.doc.sections.iter().filter(|s| s.parent.is_none()) {
                if root.level == 1 {
                    if let Some(mut top) = open.take() {
                        top.end = (i, root.range.start);
                        tops.push(top);
                    }
                    open = Some(Top {
                        shard: i,
                        id: root.id,
                        counts: counts[root.id],
                        end: (i, shard.text.len()),
                    });
                } else if let Some(top) = open.as_mut().filter(|t| t.shard != i) {
                    // An outermost section of a later shard: a child of the open `#` one.
                    top.counts.add(&counts[root.id]);
                }
            }
        }
        if let Some(mut top) = open {
            let last = shards.len() - 1;
            top.end = (last, shards[last].text.len());
            tops.push(top);
        }
        Self { shards, tops }
    }

    /// The progress of each section of shard `i` (by its id there) in the whole document.
    pub fn counts(&self, i: usize) -> Cow<'a, [Counts]> {
        let own = self.shards[i].section_counts();
        let mut tops = self.tops.iter().filter(|t| t.shard == i).peekable();
        if tops.peek().is_none() {
            return Cow::Borrowed(own);
        }
        let mut counts = own.to_vec();
        for top in tops {
            counts[top.id] = top.counts;
        }
        Cow::Owned(counts)
    }

    /// Every fold of the whole document, in its lines, ordered as
    /// [`outline::folding_ranges`] orders them.
    pub fn folding_ranges(&self) -> Vec<Fold> {
        let mut out = Vec::new();
        for (i, shard) in self.shards.iter().enumerate() {
            let first = out.len();
            out.extend(shard.folds().iter().map(|f| Fold {
                start_line: f.start_line + shard.line,
                end_line: f.end_line + shard.line,
            }));
            let mut moved = false;
            for top in self.tops.iter().filter(|t| t.shard == i) {
                let line = shard.line + shard.doc.sections[top.id].line;
                let at = out[first..]
                    .iter()
                    .position(|f| f.start_line == line)
                    .map(|p| first + p);
                let end_line = self.last_content_line(top);
                match (at, end_line.filter(|&end| end > line)) {
                    (Some(at), Some(end_line)) => {
                        moved |= out[at].end_line != end_line;
                        out[at].end_line = end_line;
                    }
                    (Some(at), None) => {
                        out.remove(at);
                    }
                    (None, Some(end_line)) => {
                        out.push(Fold {
                            start_line: line,
                            end_line,
                        });
                        moved = true;
                    }
                    (None, None) => {}
                }
            }
            if moved {
                out[first..].sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
            }
        }
        out
    }

    /// The line of the last non-blank character of `top`'s range, `None` when it holds
    /// nothing but blanks.
    fn last_content_line(&self, top: &Top) -> Option<usize> {
        let start = self.shards[top.shard].doc.sections[top.id].range.start;
        let (mut k, mut end) = top.end;
        loop {
            let shard = &self.shards[k];
            let from = if k == top.shard { start } else { 0 };
            let content = shard.text[from..end].trim_end();
            if !content.is_empty() {
                let last = from + content.len() - 1;
                return Some(shard.line + shard.line_index.line_of(last));
            }
            if k == top.shard {
                return None;
            }
            k -= 1;
            end = self.shards[k].text.len();
        }
    }

    /// The progress lenses of each shard, in its offsets.
    pub fn lenses(&self) -> Vec<(ShardView<'a>, Vec<Lens>)> {
        self.shards
            .iter()
            .enumerate()
            .map(|(i, shard)| {
                (
                    *shard,
                    outline::lenses_with(shard.text, shard.doc, &self.counts(i)),
                )
            })
            .collect()
    }

    /// The progress hints on `lines` (of the whole document) of each shard that has any, in
    /// its offsets.
    pub fn inlay_hints_on(&self, lines: std::ops::Range<usize>) -> Vec<(ShardView<'a>, Vec<Hint>)> {
        let mut out = Vec::new();
        for (i, shard) in self.shards.iter().enumerate() {
            let next = self.shards.get(i + 1).map_or(usize::MAX, |s| s.line);
            // A shard ends at the start of the next one's first line.
            if next <= lines.start || shard.line >= lines.end {
                continue;
            }
            let local = lines.start.saturating_sub(shard.line)..lines.end - shard.line;
            let hints = outline::inlay_hints_with(shard.text, shard.doc, local, || self.counts(i));
            if !hints.is_empty() {
                out.push((*shard, hints));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Tops;
    use crate::analysis::edits_for_tests::{apply, INSERTS, LINES};
    use crate::analysis::incremental::Incremental;
    use crate::analysis::outline::{self, Hint, Lens};
    use crate::analysis::{analyze, Inputs, Settings, TextRange};
    use proptest::prelude::*;

    /// The shards' answers, in offsets of the whole text.
    fn sharded(inc: &Incremental, lines: std::ops::Range<usize>) -> (Vec<Lens>, Vec<Hint>) {
        let tops = Tops::new(inc);
        let lenses = tops
            .lenses()
            .into_iter()
            .flat_map(|(shard, lenses)| {
                lenses.into_iter().map(move |l| Lens {
                    range: TextRange::new(l.range.start + shard.start, l.range.end + shard.start),
                    title: l.title,
                })
            })
            .collect();
        let hints = tops
            .inlay_hints_on(lines)
            .into_iter()
            .flat_map(|(shard, hints)| {
                hints.into_iter().map(move |h| Hint {
                    offset: h.offset + shard.start,
                    label: h.label,
                })
            })
            .collect();
        (lenses, hints)
    }

    fn check(
        inc: &Incremental,
        text: &str,
        lines: std::ops::Range<usize>,
    ) -> Result<(), TestCaseError> {
        let whole = analyze(text, &Inputs::default(), &Settings::default()).document;
        let tops = Tops::new(inc);
        prop_assert_eq!(
            tops.folding_ranges(),
            outline::folding_ranges(text, &whole),
            "folds in {} shards:\n{}",
            inc.shard_count(),
            text
        );
        let (lenses, hints) = sharded(inc, lines.clone());
        prop_assert_eq!(lenses, outline::lenses(text, &whole), "lenses:\n{}", text);
        prop_assert_eq!(
            hints,
            outline::inlay_hints_on(text, &whole, lines),
            "hints:\n{}",
            text
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// After every edit, folds, lenses and hints read from the shards equal those of the
        /// whole text.
        #[test]
        fn the_shards_answer_as_the_whole_text(
            lines in prop::collection::vec(prop::sample::select(LINES), 0..60),
            edits in prop::collection::vec(
                (0..=1000usize, 0..8usize, prop::sample::select(INSERTS)),
                1..8,
            ),
            visible in (0..70usize, 0..70usize),
        ) {
            let settings = Settings::default();
            let inputs = Inputs::default();
            let mut text = lines.join("\n");
            text.push('\n');
            let (a, b) = visible;
            let visible = a.min(b)..a.max(b) + 1;
            let mut inc = Incremental::new(text.clone(), &inputs, &settings);
            check(&inc, &text, visible.clone())?;
            for edit in edits {
                apply(&mut text, &mut inc, edit, &inputs, &settings);
                check(&inc, &text, visible.clone())?;
            }
        }
    }

    #[test]
    fn a_top_section_folds_and_counts_across_shards() {
        let text = "# Top\n\n## A\n- [x] a\n- [ ] b\n\n## B\n- [x] c\n\n\n# Next\n- [ ] d\n";
        let inc = Incremental::new(text.to_owned(), &Inputs::default(), &Settings::default());
        assert!(inc.shard_count() >= 3, "cut at each heading");
        let tops = Tops::new(&inc);
        let folds: Vec<(usize, usize)> = tops
            .folding_ranges()
            .iter()
            .map(|f| (f.start_line, f.end_line))
            .collect();
        // `# Top` folds over both `##` shards, to `- [x] c`; not over the blank lines.
        assert_eq!(folds, [(0, 7), (2, 4), (6, 7), (10, 11)]);
        let titles: Vec<String> = tops
            .lenses()
            .into_iter()
            .flat_map(|(_, l)| l.into_iter().map(|l| l.title))
            .collect();
        assert_eq!(
            titles,
            [
                "2/3 done · 67%",
                "1/2 done · 50%",
                "1/1 done · 100%",
                "0/1 done · 0%"
            ]
        );
    }
}
