//! Fixes as data: minimal byte-range edits with an applicability, and the engine that
//! applies them (`source.fixAll.tickmark` and `tickmark check --fix`).

use std::borrow::Cow;

use super::text::{Edit, TextRange};

/// The edits of one fix: one inline, more on the heap.
pub type Edits = smallvec::SmallVec<[Edit; 1]>;

/// Whether a fix may be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Applicability {
    /// Cannot lose text or change what the author meant beyond the problem named.
    Safe,
    /// Offered in the lightbulb only, never in a bulk action.
    Unsafe,
}

/// A titled set of edits that resolves one diagnostic (or performs one action).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    /// Most titles are fixed strings, which are then not allocated.
    pub title: Cow<'static, str>,
    /// Nearly always one edit, kept inline.
    pub edits: Edits,
    pub applicability: Applicability,
}

impl Fix {
    pub fn safe(title: impl Into<Cow<'static, str>>, edits: impl Into<Edits>) -> Self {
        Self {
            title: title.into(),
            edits: edits.into(),
            applicability: Applicability::Safe,
        }
    }

    pub fn unsafe_(title: impl Into<Cow<'static, str>>, edits: impl Into<Edits>) -> Self {
        Self {
            title: title.into(),
            edits: edits.into(),
            applicability: Applicability::Unsafe,
        }
    }

    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
}

/// Applies edits to `text`. Edits are sorted by position; an edit that overlaps one already
/// taken is dropped (the next round of fixing picks it up). Returns the new text and how many
/// edits were applied.
pub fn apply_edits(text: &str, edits: &[Edit]) -> (String, usize) {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0usize;
    let mut applied = 0usize;
    let mut last: Option<TextRange> = None;
    for edit in sorted {
        let r = edit.range;
        if r.end > text.len()
            || r.start > r.end
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        if let Some(prev) = last {
            // Overlapping, or two inserts at one point (order would be ambiguous).
            if r.start < prev.end || (r.start == prev.start && r.is_empty() && prev.is_empty()) {
                continue;
            }
        }
        if r.start < cursor {
            continue;
        }
        out.push_str(&text[cursor..r.start]);
        out.push_str(&edit.insert);
        cursor = r.end;
        applied += 1;
        last = Some(r);
    }
    out.push_str(&text[cursor..]);
    (out, applied)
}

/// Applies fixes as whole units: a fix whose edits overlap an already chosen fix is left for
/// the next round, so a fix is never half-applied.
pub fn apply_fixes<'a>(text: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> (String, usize) {
    let mut taken: Vec<TextRange> = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let clashes = fix.edits.iter().any(|e| {
            taken.iter().any(|t| {
                e.range.intersects(*t)
                    || e.range.start == t.start
                    || (e.range.is_empty() && t.touches(e.range.start))
                    || (t.is_empty() && e.range.touches(t.start))
            })
        });
        let internal_overlap = {
            let mut rs: Vec<TextRange> = fix.edits.iter().map(|e| e.range).collect();
            rs.sort();
            rs.windows(2).any(|w| w[1].start < w[0].end)
        };
        if clashes || internal_overlap {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| e.range));
        edits.extend(fix.edits.iter().cloned());
        applied += 1;
    }
    let (out, _) = apply_edits(text, &edits);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_overlaps_are_skipped() {
        let text = "- [] a\n- [v] b\n";
        let edits = vec![
            Edit::replace(TextRange::new(10, 11), "x"),
            Edit::insert(3, " "),
            Edit::replace(TextRange::new(10, 13), "zzz"),
        ];
        let (out, n) = apply_edits(text, &edits);
        assert_eq!(out, "- [ ] a\n- [x] b\n");
        assert_eq!(n, 2);
    }

    #[test]
    fn fixes_apply_whole_or_not_at_all() {
        let text = "abcdef";
        let a = Fix::safe(
            "a",
            vec![
                Edit::replace(TextRange::new(0, 2), "X"),
                Edit::replace(TextRange::new(4, 5), "Y"),
            ],
        );
        let b = Fix::safe("b", vec![Edit::replace(TextRange::new(1, 3), "Z")]);
        let (out, n) = apply_fixes(text, [&a, &b]);
        assert_eq!(out, "XcdYf");
        assert_eq!(n, 1);
    }
}
